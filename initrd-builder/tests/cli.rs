//! Drives the `initrd-builder` binary end to end.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_initrd-builder");
const GNU_CPIO: &str = "/usr/bin/cpio";

/// A fresh directory under the system temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "initrd-builder-cli-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, bytes).unwrap();
        path
    }

    /// Writes a file and sets its permission bits.
    fn write_mode(&self, name: &str, bytes: &[u8], mode: u32) -> PathBuf {
        let path = self.write(name, bytes);
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        path
    }

    /// The names in the directory, sorted.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The knobs of a handcrafted ELF32 executable.
#[derive(Clone, Copy)]
struct Elf {
    class: u8,
    machine: u16,
    e_type: u16,
    text_vaddr: u32,
    /// Distinguishes the contents of otherwise equal programs.
    tag: u8,
}

impl Elf {
    /// A valid i386 static executable: one R+X segment at 0x400000 holding `jmp .`.
    fn good(tag: u8) -> Self {
        Self {
            class: 1,
            machine: 3,
            e_type: 2,
            text_vaddr: 0x0040_0000,
            tag,
        }
    }

    fn bytes(self) -> Vec<u8> {
        const TEXT_OFFSET: u32 = 0x60;
        let text = [0xeb, 0xfe, 0x90, self.tag, 0xde, 0xad, 0xbe, 0xef];
        let mut out = vec![0x7f, b'E', b'L', b'F', self.class, 1, 1];
        out.resize(16, 0);
        out.extend(self.e_type.to_le_bytes());
        out.extend(self.machine.to_le_bytes());
        out.extend(1u32.to_le_bytes()); // e_version
        out.extend(self.text_vaddr.to_le_bytes()); // e_entry
        out.extend(52u32.to_le_bytes()); // e_phoff
        out.extend(0u32.to_le_bytes()); // e_shoff
        out.extend(0u32.to_le_bytes()); // e_flags
        for half in [52u16, 32, 1, 40, 0, 0] {
            // e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx
            out.extend(half.to_le_bytes());
        }
        let size = text.len() as u32;
        for word in [
            1,
            TEXT_OFFSET,
            self.text_vaddr,
            self.text_vaddr,
            size,
            size,
            5,
            0x1000,
        ] {
            out.extend(word.to_le_bytes()); // PT_LOAD, R+X
        }
        out.resize(TEXT_OFFSET as usize, 0);
        out.extend(text);
        out
    }
}

fn run(args: &[&OsStr]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn create(out: &Path, inputs: &[&Path]) -> Output {
    let mut args: Vec<&OsStr> = vec!["create".as_ref(), "-o".as_ref(), out.as_os_str()];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    run(&args)
}

fn create_args(out: &Path, inputs: &[&str]) -> Output {
    let mut args: Vec<&OsStr> = vec!["create".as_ref(), "-o".as_ref(), out.as_os_str()];
    args.extend(inputs.iter().map(OsStr::new));
    run(&args)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Checks a refusal: non-zero exit, one line on stderr naming `subject`, containing `reason`.
fn assert_refused(output: &Output, subject: &str, reason: &str) {
    let err = stderr(output);
    assert!(!output.status.success(), "unexpected success: {output:?}");
    assert_ne!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty(), "{output:?}");
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    assert!(
        err.starts_with("initrd-builder: error: "),
        "unexpected prefix: {err:?}"
    );
    assert!(err.contains(subject), "{err:?} does not name {subject:?}");
    assert!(err.contains(reason), "{err:?} does not give {reason:?}");
}

/// Runs a failing `create` twice: once with no `OUT` (it must not appear) and once with an
/// existing `OUT` (it must stay byte for byte as it was); no temporary file may remain.
fn assert_create_refused(tmp: &TempDir, inputs: &[&str], subject: &str, reason: &str, usage: bool) {
    let out = tmp.path("out.cpio");
    let _ = fs::remove_file(&out);
    let before = tmp.names();
    let output = create_args(&out, inputs);
    assert_refused(&output, subject, reason);
    assert_eq!(output.status.code(), Some(if usage { 2 } else { 1 }));
    assert!(!out.exists(), "a failed create left {}", out.display());
    assert_eq!(tmp.names(), before, "a failed create left files behind");

    let old = b"the previous image, which must survive".to_vec();
    fs::write(&out, &old).unwrap();
    let before = tmp.names();
    let output = create_args(&out, inputs);
    assert_refused(&output, subject, reason);
    assert_eq!(fs::read(&out).unwrap(), old, "a failed create changed OUT");
    assert_eq!(tmp.names(), before, "a failed create left files behind");
    fs::remove_file(&out).unwrap();
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn creates_an_image_that_gnu_cpio_reads_and_extracts() {
    let tmp = TempDir::new();
    let init = Elf::good(1).bytes();
    let hello = Elf::good(2).bytes();
    let init_path = tmp.write("init", &init);
    let hello_path = tmp.write_mode("hello.elf", &hello, 0o755);
    let out = tmp.path("initrd.cpio");
    let output = create_args(
        &out,
        &[s(&init_path), &format!("/sbin/hello={}", s(&hello_path))],
    );
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
    assert_eq!(
        tmp.names(),
        ["hello.elf", "init", "initrd.cpio"],
        "no temporary file remains"
    );

    if !Path::new(GNU_CPIO).exists() {
        println!("notice: {GNU_CPIO} is missing; skipping the GNU cpio checks");
        return;
    }
    let listing = Command::new(GNU_CPIO)
        .args(["--quiet", "-t", "-F"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(listing.status.success(), "{listing:?}");
    assert_eq!(
        String::from_utf8(listing.stdout).unwrap(),
        "bin\nbin/init\nsbin\nsbin/hello\n"
    );

    let dest = tmp.path("extracted");
    fs::create_dir(&dest).unwrap();
    let status = Command::new(GNU_CPIO)
        .args(["--quiet", "-i", "-d", "--no-absolute-filenames", "-F"])
        .arg(&out)
        .current_dir(&dest)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(fs::read(dest.join("bin/init")).unwrap(), init);
    assert_eq!(fs::read(dest.join("sbin/hello")).unwrap(), hello);
    for file in ["bin/init", "sbin/hello"] {
        let mode = fs::metadata(dest.join(file)).unwrap().permissions().mode();
        assert_eq!(mode & 0o7777, 0o755, "{file}");
    }
}

#[test]
fn create_replaces_an_existing_image() {
    let tmp = TempDir::new();
    let init = tmp.write("init", &Elf::good(1).bytes());
    let out = tmp.write("initrd.cpio", b"old contents");
    let output = create(&out, &[&init]);
    assert!(output.status.success(), "{output:?}");
    let image = fs::read(&out).unwrap();
    assert!(image.starts_with(b"070701"));
    assert_eq!(tmp.names(), ["init", "initrd.cpio"]);
}

#[test]
fn create_accepts_a_program_built_by_gcc() {
    let tmp = TempDir::new();
    let source = tmp.write("prog.c", b"void _start(void) { for (;;) ; }\n");
    let program = tmp.path("prog");
    let built = Command::new("gcc")
        .args([
            "-m32",
            "-ffreestanding",
            "-nostdlib",
            "-static",
            "-fno-pie",
            "-no-pie",
            "-o",
        ])
        .arg(&program)
        .arg(&source)
        .output();
    match built {
        Ok(o) if o.status.success() => {}
        other => {
            println!("notice: gcc -m32 is unavailable ({other:?}); skipping");
            return;
        }
    }
    let out = tmp.path("initrd.cpio");
    let output = create(&out, &[&program]);
    assert!(output.status.success(), "{}", stderr(&output));
    let list = run(&["list".as_ref(), out.as_os_str()]);
    assert!(String::from_utf8_lossy(&list.stdout).contains(" /bin/prog\n"));
}

#[test]
fn list_prints_mode_size_and_path() {
    let tmp = TempDir::new();
    let init = Elf::good(1).bytes();
    let init_path = tmp.write_mode("init", &init, 0o755);
    let out = tmp.path("initrd.cpio");
    let output = create_args(&out, &[&format!("/sbin/init={}", s(&init_path))]);
    assert!(output.status.success(), "{output:?}");

    let output = run(&["list".as_ref(), out.as_os_str()]);
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!(
            "040755          0 /sbin\n100755 {:>10} /sbin/init\n",
            init.len()
        )
    );
}

#[test]
fn list_reads_gnu_cpio_archives() {
    if !Path::new(GNU_CPIO).exists() {
        println!("notice: {GNU_CPIO} is missing; skipping");
        return;
    }
    let tmp = TempDir::new();
    let root = tmp.path("root");
    fs::create_dir_all(root.join("etc")).unwrap();
    fs::write(root.join("etc/motd"), b"hello\n").unwrap();
    fs::set_permissions(root.join("etc/motd"), fs::Permissions::from_mode(0o640)).unwrap();
    fs::set_permissions(root.join("etc"), fs::Permissions::from_mode(0o711)).unwrap();
    let archive = tmp.path("gnu.cpio");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "printf 'etc\\netc/motd\\n' | {GNU_CPIO} --quiet -o -H newc > '{}'",
            archive.display()
        ))
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let output = run(&["list".as_ref(), archive.as_os_str()]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        "040711          0 /etc\n100640          6 /etc/motd\n"
    );
}

#[test]
fn list_refuses_files_that_are_not_archives() {
    let tmp = TempDir::new();
    let elf = tmp.write("init", &Elf::good(1).bytes());
    let output = run(&["list".as_ref(), elf.as_os_str()]);
    assert_refused(&output, s(&elf), "not a valid cpio newc archive");
    assert!(stderr(&output).contains("070701"));

    let text = tmp.write("notes.txt", b"just some text\n");
    let output = run(&["list".as_ref(), text.as_os_str()]);
    assert_refused(&output, s(&text), "not a valid cpio newc archive");

    let empty = tmp.write("empty.cpio", b"");
    let output = run(&["list".as_ref(), empty.as_os_str()]);
    assert_refused(&output, s(&empty), "TRAILER!!!");
}

#[test]
fn list_refuses_corrupt_archives() {
    let tmp = TempDir::new();
    let init = tmp.write("init", &Elf::good(1).bytes());
    let out = tmp.path("initrd.cpio");
    assert!(create(&out, &[&init]).status.success());
    let image = fs::read(&out).unwrap();

    let cut = tmp.write("cut.cpio", &image[..image.len() / 2]);
    let output = run(&["list".as_ref(), cut.as_os_str()]);
    assert_refused(&output, s(&cut), "past the end of the archive");

    let mut bad = image.clone();
    bad[6 + 6 * 8] = b'z'; // the first entry's filesize field
    let bad = tmp.write("bad.cpio", &bad);
    let output = run(&["list".as_ref(), bad.as_os_str()]);
    assert_refused(&output, s(&bad), "filesize field at byte 54");
}

#[test]
fn list_refuses_missing_files() {
    let tmp = TempDir::new();
    let missing = tmp.path("nope.cpio");
    let output = run(&["list".as_ref(), missing.as_os_str()]);
    assert_refused(&output, s(&missing), "cannot read");
}

#[test]
fn create_refuses_missing_and_unreadable_files() {
    let tmp = TempDir::new();
    let good = tmp.write("good", &Elf::good(1).bytes());
    let missing = tmp.path("missing");
    assert_create_refused(
        &tmp,
        &[s(&good), s(&missing)],
        s(&missing),
        "cannot read",
        false,
    );
    let dir = tmp.path("a-directory");
    fs::create_dir(&dir).unwrap();
    assert_create_refused(&tmp, &[s(&dir)], s(&dir), "PATH_IN_IMAGE=HOST_DIR", false);
}

#[test]
fn create_refuses_files_that_are_not_elf() {
    let tmp = TempDir::new();
    let script = tmp.write("script.sh", b"#!/bin/sh\necho hello\n");
    assert_create_refused(&tmp, &[s(&script)], s(&script), "not an ELF file", false);
    let empty = tmp.write("empty", b"");
    assert_create_refused(&tmp, &[s(&empty)], s(&empty), "not an ELF file", false);
}

#[test]
fn create_refuses_wrong_class_machine_and_type() {
    let tmp = TempDir::new();
    let elf64 = tmp.write(
        "elf64",
        &Elf {
            class: 2,
            ..Elf::good(1)
        }
        .bytes(),
    );
    assert_create_refused(&tmp, &[s(&elf64)], s(&elf64), "32-bit", false);

    let x86_64 = tmp.write(
        "x86_64",
        &Elf {
            machine: 62,
            ..Elf::good(1)
        }
        .bytes(),
    );
    assert_create_refused(&tmp, &[s(&x86_64)], s(&x86_64), "x86-64", false);

    for (name, e_type) in [("shared", 3u16), ("object", 1)] {
        let file = tmp.write(
            name,
            &Elf {
                e_type,
                ..Elf::good(1)
            }
            .bytes(),
        );
        assert_create_refused(&tmp, &[s(&file)], s(&file), "ET_EXEC", false);
    }

    let host_program = Path::new("/bin/true");
    if host_program.exists() {
        assert_create_refused(&tmp, &["/bin/true"], "/bin/true", "32-bit", false);
    }
}

#[test]
fn create_refuses_segments_outside_user_space() {
    let tmp = TempDir::new();
    for (name, vaddr) in [
        ("kernel-space", 0xC010_0000u32),
        ("stack-area", abi::layout::USER_IMAGE_END),
        ("null-page", 0),
    ] {
        let file = tmp.write(
            name,
            &Elf {
                text_vaddr: vaddr,
                ..Elf::good(1)
            }
            .bytes(),
        );
        assert_create_refused(&tmp, &[s(&file)], s(&file), "outside", false);
    }
}

#[test]
fn create_refuses_duplicate_paths() {
    let tmp = TempDir::new();
    let a = tmp.write("init", &Elf::good(1).bytes());
    fs::create_dir(tmp.path("other")).unwrap();
    let b = tmp.path("other/init");
    fs::write(&b, Elf::good(2).bytes()).unwrap();
    // Both bare names land on /bin/init.
    assert_create_refused(&tmp, &[s(&a), s(&b)], s(&b), "/bin/init", false);
    // An explicit path equal to a bare one, spelled differently.
    let explicit = format!("bin/init={}", s(&b));
    assert_create_refused(&tmp, &[s(&a), &explicit], s(&b), "already", false);
    // A file where a directory is needed.
    let under = format!("/bin/init/x={}", s(&b));
    assert_create_refused(&tmp, &[s(&a), &under], s(&b), "is a file", false);
}

#[test]
fn create_refuses_over_long_and_invalid_paths() {
    let tmp = TempDir::new();
    let a = tmp.write("init", &Elf::good(1).bytes());
    let long = format!("/{}={}", "p".repeat(256), s(&a));
    assert_create_refused(&tmp, &[&long], s(&a), "the limit is 255", false);
    let at_limit = format!("/{}={}", "p".repeat(255), s(&a));
    let out = tmp.path("ok.cpio");
    assert!(create_args(&out, &[&at_limit]).status.success());
    fs::remove_file(&out).unwrap();

    for path in ["/bin/../etc/x", "/bin//x", "/./x", "/bin/x/"] {
        let arg = format!("{path}={}", s(&a));
        assert_create_refused(&tmp, &[&arg], s(&a), "component", false);
    }
    let arg = format!("/TRAILER!!!={}", s(&a));
    assert_create_refused(&tmp, &[&arg], s(&a), "reserved", false);
}

#[test]
fn create_refuses_malformed_arguments() {
    let tmp = TempDir::new();
    let a = tmp.write("init", &Elf::good(1).bytes());
    let no_image_path = format!("={}", s(&a));
    assert_create_refused(&tmp, &[&no_image_path], &no_image_path, "before '='", true);
    assert_create_refused(&tmp, &["/bin/x="], "/bin/x=", "after '='", true);
    assert_create_refused(&tmp, &[s(&a), "/"], "\"/\"", "no file name", true);
    assert_create_refused(&tmp, &[""], "argument", "empty", true);
}

#[test]
fn create_refuses_an_output_it_cannot_write() {
    let tmp = TempDir::new();
    let a = tmp.write("init", &Elf::good(1).bytes());
    let out = tmp.path("no/such/dir/initrd.cpio");
    let output = create(&out, &[&a]);
    assert_refused(&output, s(&out), "cannot write the image");
    assert!(!tmp.path("no").exists());

    let dir_out = tmp.path("out-dir");
    fs::create_dir(&dir_out).unwrap();
    let before = tmp.names();
    let output = create(&dir_out, &[&a]);
    assert_refused(&output, s(&dir_out), "cannot write the image");
    assert!(dir_out.is_dir());
    assert_eq!(tmp.names(), before, "no temporary file remains");
}

#[test]
fn usage_errors_exit_non_zero() {
    let tmp = TempDir::new();
    let a = tmp.write("init", &Elf::good(1).bytes());
    // No -o.
    let output = run(&["create".as_ref(), a.as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    // No inputs.
    let out = tmp.path("out.cpio");
    let output = run(&["create".as_ref(), "-o".as_ref(), out.as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!out.exists());
    // No subcommand.
    assert_eq!(run(&[]).status.code(), Some(2));
}

/// Runs `create` and returns the `list` output of the image.
fn create_and_list(tmp: &TempDir, inputs: &[&str]) -> String {
    let out = tmp.path("out.cpio");
    let output = create_args(&out, inputs);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
    let list = run(&["list".as_ref(), out.as_os_str()]);
    assert!(list.status.success(), "{list:?}");
    fs::remove_file(&out).unwrap();
    String::from_utf8(list.stdout).unwrap()
}

/// Extracts `image` with GNU cpio into a fresh directory `dest` under `tmp`; `None` without
/// GNU cpio.
fn gnu_extract(tmp: &TempDir, image: &Path, dest: &str) -> Option<PathBuf> {
    if !Path::new(GNU_CPIO).exists() {
        println!("notice: {GNU_CPIO} is missing; skipping the GNU cpio checks");
        return None;
    }
    let dest = tmp.path(dest);
    fs::create_dir(&dest).unwrap();
    let status = Command::new(GNU_CPIO)
        .args(["--quiet", "-i", "-d", "--no-absolute-filenames", "-F"])
        .arg(image)
        .current_dir(&dest)
        .status()
        .unwrap();
    assert!(status.success());
    Some(dest)
}

fn host_mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn data_files_are_packed_as_they_are_with_the_host_mode() {
    let tmp = TempDir::new();
    let motd = tmp.write_mode("motd", b"welcome to lunaix\n", 0o644);
    let secret = tmp.write_mode("secret", b"\x00\xff binary \x7fELF?", 0o600);
    let empty = tmp.write_mode("empty", b"", 0o444);
    let prog = tmp.write_mode("prog", &Elf::good(1).bytes(), 0o750);
    let out = tmp.path("initrd.cpio");
    let output = create_args(
        &out,
        &[
            &format!("/etc/motd={}", s(&motd)),
            &format!("/etc/secret={}", s(&secret)),
            &format!("/var/empty={}", s(&empty)),
            &format!("/sbin/prog={}", s(&prog)),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let list = run(&["list".as_ref(), out.as_os_str()]);
    assert_eq!(
        String::from_utf8(list.stdout).unwrap(),
        format!(
            "040755          0 /etc\n\
             100644         18 /etc/motd\n\
             100600         15 /etc/secret\n\
             040755          0 /var\n\
             100444          0 /var/empty\n\
             040755          0 /sbin\n\
             100750 {:>10} /sbin/prog\n",
            Elf::good(1).bytes().len()
        )
    );

    let Some(dest) = gnu_extract(&tmp, &out, "x") else {
        return;
    };
    assert_eq!(
        fs::read(dest.join("etc/motd")).unwrap(),
        fs::read(&motd).unwrap()
    );
    assert_eq!(
        fs::read(dest.join("etc/secret")).unwrap(),
        fs::read(&secret).unwrap()
    );
    assert_eq!(fs::read(dest.join("var/empty")).unwrap(), b"");
    for (file, mode) in [
        ("etc/motd", 0o644),
        ("etc/secret", 0o600),
        ("var/empty", 0o444),
        ("sbin/prog", 0o750),
    ] {
        assert_eq!(host_mode(&dest.join(file)), mode, "{file}");
    }
}

#[test]
fn files_marked_executable_must_be_programs() {
    let tmp = TempDir::new();
    let script = tmp.write_mode("script.sh", b"#!/bin/sh\necho hello\n", 0o755);
    let arg = format!("/bin/script={}", s(&script));
    assert_create_refused(&tmp, &[&arg], s(&script), "not an ELF file", false);
    // One execute bit is enough.
    let notes = tmp.write_mode("notes", b"text\n", 0o641);
    let arg = format!("/etc/notes={}", s(&notes));
    assert_create_refused(
        &tmp,
        &[&arg],
        s(&notes),
        "not a loadable i386 user program",
        false,
    );
    // The same file without execute bits is data.
    fs::set_permissions(&notes, fs::Permissions::from_mode(0o640)).unwrap();
    assert!(create_and_list(&tmp, &[&arg]).contains("100640          5 /etc/notes\n"));
    // A bare argument is still a program, whatever the host mode.
    let bare_text = tmp.write_mode("readme", b"not a program\n", 0o644);
    assert_create_refused(
        &tmp,
        &[s(&bare_text)],
        s(&bare_text),
        "not an ELF file",
        false,
    );
}

#[test]
fn bare_programs_keep_mode_755_whatever_the_host_mode() {
    let tmp = TempDir::new();
    let prog = tmp.write_mode("prog", &Elf::good(1).bytes(), 0o600);
    let list = create_and_list(&tmp, &[s(&prog)]);
    assert!(
        list.starts_with("040755          0 /bin\n100755 "),
        "{list}"
    );
    assert!(list.ends_with(" /bin/prog\n"), "{list}");
}

#[test]
fn mode_applies_to_the_inputs_that_follow() {
    let tmp = TempDir::new();
    let text = tmp.write_mode("text", b"abc", 0o600);
    let prog = tmp.write_mode("prog", &Elf::good(1).bytes(), 0o644);
    let tree = tmp.path("tree");
    fs::create_dir(&tree).unwrap();
    fs::write(tree.join("inner"), b"x").unwrap();
    fs::set_permissions(tree.join("inner"), fs::Permissions::from_mode(0o600)).unwrap();
    fs::set_permissions(&tree, fs::Permissions::from_mode(0o700)).unwrap();
    let list = create_and_list(
        &tmp,
        &[
            &format!("/a/host={}", s(&text)),
            "--mode",
            "0444",
            &format!("/a/ro={}", s(&text)),
            &format!("/a/tree={}", s(&tree)),
            "--mode",
            "711",
            &format!("/a/prog={}", s(&prog)),
            s(&prog),
        ],
    );
    let n = Elf::good(1).bytes().len();
    assert_eq!(
        list,
        format!(
            "040755          0 /a\n\
             100600          3 /a/host\n\
             100444          3 /a/ro\n\
             040700          0 /a/tree\n\
             100444          1 /a/tree/inner\n\
             100711 {n:>10} /a/prog\n\
             040755          0 /bin\n\
             100711 {n:>10} /bin/prog\n"
        )
    );
    // --mode can make a bare program a data file, or a text file an (invalid) program.
    let list = create_and_list(&tmp, &["--mode", "644", s(&text)]);
    assert!(list.ends_with("100644          3 /bin/text\n"), "{list}");
    let arg = format!("/etc/text={}", s(&text));
    assert_create_refused(
        &tmp,
        &["--mode", "755", &arg],
        s(&text),
        "not an ELF file",
        false,
    );
}

#[test]
fn bad_mode_arguments_are_usage_errors() {
    let tmp = TempDir::new();
    let text = tmp.write_mode("text", b"abc", 0o644);
    let arg = format!("/etc/text={}", s(&text));
    for bad in ["8", "64x", "0o644", "10000", "", "u+x"] {
        assert_create_refused(&tmp, &["--mode", bad, &arg], "--mode", "octal mode", true);
    }
    for bad in ["/etc:9", "/etc:", "/etc:rwx"] {
        assert_create_refused(&tmp, &["--dir", bad, &arg], "--dir", "bad mode", true);
    }
    assert_create_refused(&tmp, &["--dir", ":755"], "--dir", "empty", true);
    // A --mode with nothing after it still needs something to pack.
    assert_create_refused(&tmp, &["--mode", "644"], "create", "nothing to pack", true);
    // A missing value is clap's usage error.
    let output = create_args(&tmp.path("out.cpio"), &[&arg, "--mode"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn dir_adds_empty_directories() {
    let tmp = TempDir::new();
    let motd = tmp.write_mode("motd", b"hi\n", 0o644);
    let out = tmp.path("initrd.cpio");
    let output = create_args(
        &out,
        &[
            "--dir",
            "/tmp:1777",
            "--dir",
            "/etc:700",
            &format!("/etc/motd={}", s(&motd)),
            "--dir",
            "/var/log",
            "--dir",
            "home",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let list = run(&["list".as_ref(), out.as_os_str()]);
    assert_eq!(
        String::from_utf8(list.stdout).unwrap(),
        "041777          0 /tmp\n\
         040700          0 /etc\n\
         100644          3 /etc/motd\n\
         040755          0 /var\n\
         040755          0 /var/log\n\
         040755          0 /home\n"
    );
    let Some(dest) = gnu_extract(&tmp, &out, "x") else {
        return;
    };
    assert_eq!(host_mode(&dest.join("tmp")), 0o1777);
    assert_eq!(host_mode(&dest.join("var/log")), 0o755);
    assert!(fs::read_dir(dest.join("var/log")).unwrap().next().is_none());
    // GNU cpio -t agrees on the names and the order.
    let listing = Command::new(GNU_CPIO)
        .args(["--quiet", "-t", "-F"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(listing.stdout).unwrap(),
        "tmp\netc\netc/motd\nvar\nvar/log\nhome\n"
    );
}

#[test]
fn dir_refuses_existing_paths() {
    let tmp = TempDir::new();
    let motd = tmp.write_mode("motd", b"hi\n", 0o644);
    let file = format!("/etc/motd={}", s(&motd));
    // /etc exists already (as motd's parent): directories go before what they hold.
    assert_create_refused(
        &tmp,
        &[&file, "--dir", "/etc"],
        "--dir \"/etc\"",
        "already",
        false,
    );
    assert_create_refused(
        &tmp,
        &[&file, "--dir", "/etc/motd"],
        "--dir",
        "already",
        false,
    );
    assert_create_refused(&tmp, &["--dir", "/a/../b"], "--dir", "component", false);
}

#[test]
fn host_directories_are_packed_recursively_in_order() {
    let tmp = TempDir::new();
    let root = tmp.path("root");
    fs::create_dir_all(root.join("etc/init.d")).unwrap();
    fs::create_dir_all(root.join("bin")).unwrap();
    fs::create_dir_all(root.join("empty")).unwrap();
    let prog = Elf::good(3).bytes();
    for (file, bytes, mode) in [
        ("etc/motd", &b"hello\n"[..], 0o644),
        ("etc/b", b"b", 0o600),
        ("etc/a", b"", 0o640),
        ("etc/init.d/rc", b"start\n", 0o644),
        ("bin/sh", &prog[..], 0o755),
    ] {
        fs::write(root.join(file), bytes).unwrap();
        fs::set_permissions(root.join(file), fs::Permissions::from_mode(mode)).unwrap();
    }
    for (dir, mode) in [
        ("etc", 0o750),
        ("etc/init.d", 0o700),
        ("bin", 0o755),
        ("empty", 0o555),
    ] {
        fs::set_permissions(root.join(dir), fs::Permissions::from_mode(mode)).unwrap();
    }
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).unwrap();
    let n = prog.len();
    let expected = format!(
        "040755          0 /bin\n\
         100755 {n:>10} /bin/sh\n\
         040555          0 /empty\n\
         040750          0 /etc\n\
         100640          0 /etc/a\n\
         100600          1 /etc/b\n\
         040700          0 /etc/init.d\n\
         100644          6 /etc/init.d/rc\n\
         100644          6 /etc/motd\n"
    );
    // `/` puts the tree's contents at the root.
    let at_root = format!("/={}", s(&root));
    assert_eq!(create_and_list(&tmp, &[&at_root]), expected);
    // Elsewhere the directory itself is an entry, with its host mode.
    let under = format!("/opt/root={}", s(&root));
    let list = create_and_list(&tmp, &[&under]);
    let mut want = String::from("040755          0 /opt\n040755          0 /opt/root\n");
    for line in expected.lines() {
        want.push_str(&line.replacen(" /", " /opt/root/", 1));
        want.push('\n');
    }
    assert_eq!(list, want);

    // GNU cpio extracts the same tree with the same modes.
    let out = tmp.path("tree.cpio");
    assert!(create_args(&out, &[&at_root]).status.success());
    let Some(dest) = gnu_extract(&tmp, &out, "x") else {
        return;
    };
    for rel in [
        "etc",
        "etc/init.d",
        "bin",
        "empty",
        "etc/motd",
        "etc/a",
        "etc/b",
        "bin/sh",
    ] {
        assert_eq!(
            host_mode(&dest.join(rel)),
            host_mode(&root.join(rel)),
            "{rel}"
        );
    }
    assert_eq!(fs::read(dest.join("bin/sh")).unwrap(), prog);
    assert_eq!(fs::read(dest.join("etc/init.d/rc")).unwrap(), b"start\n");
}

#[test]
fn host_directories_validate_executables_inside() {
    let tmp = TempDir::new();
    let root = tmp.path("root");
    fs::create_dir(&root).unwrap();
    let script = root.join("run.sh");
    fs::write(&script, b"#!/bin/sh\n").unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let arg = format!("/x={}", s(&root));
    assert_create_refused(&tmp, &[&arg], s(&script), "not an ELF file", false);
}

#[test]
fn symlinks_and_special_files_are_refused() {
    let tmp = TempDir::new();
    let root = tmp.path("root");
    fs::create_dir(&root).unwrap();
    fs::write(root.join("real"), b"data").unwrap();
    std::os::unix::fs::symlink("real", root.join("link")).unwrap();
    let arg = format!("/x={}", s(&root));
    let link = root.join("link");
    assert_create_refused(&tmp, &[&arg], s(&link), "is a symbolic link", false);
    fs::remove_file(&link).unwrap();

    let fifo = root.join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if matches!(made, Ok(st) if st.success()) {
        assert_create_refused(&tmp, &[&arg], s(&fifo), "not a regular file", false);
        let top = format!("/fifo={}", s(&fifo));
        assert_create_refused(&tmp, &[&top], s(&fifo), "not a regular file", false);
    } else {
        println!("notice: mkfifo is unavailable; skipping the FIFO check");
    }
    let null = "/dev/null=/dev/null";
    assert_create_refused(&tmp, &[null], "/dev/null", "not a regular file", false);
}

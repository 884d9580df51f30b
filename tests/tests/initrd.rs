//! The kernel and its initrd (`docs/initrd.md`): an image made by GNU cpio boots; a broken
//! image, a missing or non-ELF first program make the kernel fail loudly (a `KERNEL PANIC`
//! line and QEMU's panic status, never a hang); a non-ELF program started by init gives
//! `ENOEXEC`.

use integration_tests::host::{clean_command, run_command, ScratchDir};
use integration_tests::{build_dir, Boot, Run};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A broken boot must end quickly; a hang is caught well before the default limit.
const FAIL_FAST: Duration = Duration::from_secs(30);

/// The kernel's `initrd: <files> files, <dirs> directories, <size> KiB unpacked ...` line,
/// parsed: the number of files.
#[track_caller]
fn initrd_files(run: &Run) -> u64 {
    let lines = run.scan_lines(
        "initrd: {} files, {} directories, {} KiB unpacked into the root file system; {} KiB freed",
    );
    match lines.as_slice() {
        [holes] => holes[0]
            .parse()
            .unwrap_or_else(|_| run.fail(&[format!("bad file count {:?}", holes[0])])),
        _ => run.fail(&[format!(
            "expected one \"initrd: <n> files, ...\" line, found {}",
            lines.len()
        )]),
    }
}

/// A program from the build, as bytes.
fn built_program(name: &str) -> Vec<u8> {
    let path = build_dir().join("bin").join(name);
    fs::read(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e} (run `make` first)", path.display()))
}

#[test]
fn gnu_cpio_image_boots() {
    let scratch = ScratchDir::new("gnu-cpio");
    let root = scratch.join("root");
    fs::create_dir_all(root.join("bin")).unwrap();
    fs::write(root.join("bin/hello"), built_program("hello")).unwrap();
    // An executable, as `cp build/bin/hello` would leave it: exec needs the x bit.
    fs::set_permissions(root.join("bin/hello"), fs::Permissions::from_mode(0o755)).unwrap();
    let image = scratch.join("gnu.cpio");
    let mut cmd = clean_command("sh");
    cmd.arg("-c")
        .arg(format!("find . | cpio -o -H newc > '{}'", image.display()))
        .current_dir(&root);
    let out = run_command(cmd, "find . | cpio -o -H newc", Duration::from_secs(60));
    if out.status == Some(127) {
        out.fail("GNU cpio is needed: apt-get install cpio");
    }
    out.expect_success();
    // GNU cpio pads the archive to 512-byte blocks after the trailer and stores the "." and
    // "bin" directories: not the shape initrd-builder writes.
    let bytes = fs::read(&image).unwrap();
    assert_eq!(
        bytes.len() % 512,
        0,
        "GNU cpio did not pad to 512-byte blocks"
    );
    // The first entry is "." (110-byte newc header, then the NUL-terminated name).
    assert!(
        bytes.starts_with(b"070701") && bytes.get(110..112) == Some(&b".\0"[..]),
        "the GNU archive does not start with a newc entry for \".\""
    );

    let run = Boot::new()
        .initrd(&image)
        .init("/bin/hello", &["gnu"])
        .run();
    run.expect_init_status(0);
    run.expect_lines_in_order(&[
        "hello, world from pid 1 (ppid 0)",
        "hello: argc = 2",
        "hello: argv[0] = /bin/hello",
        "hello: argv[1] = gnu",
        "init exited with status 0",
    ]);
    // One regular file; the directories are not counted.
    let files = initrd_files(&run);
    if files != 1 {
        run.fail(&[format!(
            "the kernel counts {files} files in the GNU image, expected 1"
        )]);
    }
    run.expect_all_frames_returned();
}

/// GNU cpio stores a hard-linked file's data once, with its last link; the kernel must give
/// every link the data, so the program boots from either name.
#[test]
fn gnu_cpio_hard_linked_program_boots_from_either_name() {
    let scratch = ScratchDir::new("gnu-links");
    let root = scratch.join("root");
    fs::create_dir_all(root.join("bin")).unwrap();
    fs::write(root.join("bin/hello"), built_program("hello")).unwrap();
    fs::set_permissions(root.join("bin/hello"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::hard_link(root.join("bin/hello"), root.join("bin/hi")).unwrap();
    let image = scratch.join("links.cpio");
    let mut cmd = clean_command("sh");
    cmd.arg("-c")
        .arg(format!("find . | cpio -o -H newc > '{}'", image.display()))
        .current_dir(&root);
    let out = run_command(cmd, "find . | cpio -o -H newc", Duration::from_secs(60));
    if out.status == Some(127) {
        out.fail("GNU cpio is needed: apt-get install cpio");
    }
    out.expect_success();
    // The archive holds the program's bytes once, not twice: one link is stored empty.
    let size = fs::metadata(&image).unwrap().len();
    let program = built_program("hello").len() as u64;
    assert!(
        size < 2 * program,
        "GNU cpio stored the hard-linked program twice ({size} bytes for {program})"
    );

    for name in ["/bin/hello", "/bin/hi"] {
        let run = Boot::new().initrd(&image).init(name, &["linked"]).run();
        run.expect_init_status(0);
        run.expect_lines_in_order(&[
            "hello, world from pid 1 (ppid 0)",
            "hello: argc = 2",
            &format!("hello: argv[0] = {name}"),
            "hello: argv[1] = linked",
            "init exited with status 0",
        ]);
        let files = initrd_files(&run);
        if files != 2 {
            run.fail(&[format!("the kernel counts {files} files, expected 2")]);
        }
    }
}

/// Boots `image` with `init=/bin/hello` and requires the kernel to panic about the initrd.
fn expect_initrd_rejected(image: &Path, needles: &[&str]) {
    let run = Boot::new()
        .initrd(image)
        .init("/bin/hello", &[])
        .timeout(FAIL_FAST)
        .run();
    run.expect_kernel_panic(needles);
    run.expect_no_line("hello, world");
    run.expect_no_line("starting /bin/hello");
}

#[test]
fn zeroed_initrd_panics() {
    let scratch = ScratchDir::new("zero-initrd");
    let image = scratch.join("zeros.cpio");
    fs::write(&image, vec![0u8; 4096]).unwrap();
    expect_initrd_rejected(
        &image,
        &["the initrd is not a valid cpio newc archive", "at byte 0"],
    );
}

#[test]
fn truncated_initrd_panics() {
    let whole = fs::read(build_dir().join("initrd.cpio")).expect("build/initrd.cpio (run `make`)");
    let scratch = ScratchDir::new("cut-initrd");
    let image = scratch.join("half.cpio");
    fs::write(&image, &whole[..whole.len() / 2]).unwrap();
    expect_initrd_rejected(
        &image,
        &[
            "the initrd is not a valid cpio newc archive",
            "runs past the end",
        ],
    );
}

/// A 3 MiB initrd on a machine with 11 MiB (below the minimum of docs/boot.md): the loader puts it
/// after the kernel image, partly past the end of memory. The kernel says so instead of reading
/// what is not there (which used to look like "not a valid cpio newc archive").
#[test]
fn initrd_past_the_end_of_ram_is_reported() {
    let mut bytes =
        fs::read(build_dir().join("initrd.cpio")).expect("build/initrd.cpio (run `make`)");
    // Bytes after the trailer are ignored: the image is still valid, only bigger.
    bytes.resize(3 << 20, 0);
    let scratch = ScratchDir::new("big-initrd");
    let image = scratch.join("big.cpio");
    fs::write(&image, &bytes).unwrap();

    // With enough RAM the same image boots.
    let run = Boot::new()
        .initrd(&image)
        .init("/bin/hello", &[])
        .memory_mb(64)
        .run();
    run.expect_init_status(0);

    let run = Boot::new()
        .initrd(&image)
        .init("/bin/hello", &[])
        .memory_mb(11)
        .timeout(FAIL_FAST)
        .run();
    run.expect_kernel_panic(&["the initrd at 0x", "extends past the end of RAM (0x"]);
    run.expect_no_line("not a valid cpio");
    run.expect_no_line("hello, world");
}

#[test]
fn no_initrd_panics() {
    let run = Boot::new()
        .no_initrd()
        .init("/bin/hello", &[])
        .timeout(FAIL_FAST)
        .run();
    run.expect_kernel_panic(&["no initrd"]);
}

#[test]
fn missing_init_panics() {
    let run = Boot::new().init("/bin/nope", &[]).timeout(FAIL_FAST).run();
    run.expect_kernel_panic(&["cannot start init /bin/nope", "ENOENT"]);
    run.expect_no_line("starting /bin/nope as pid 1");
}

/// An image with the real `/bin/init` and a `/bin/bad` that is a shell script, not an ELF
/// program (initrd-builder refuses such a file, so the test writes the archive itself).
fn image_with_a_bad_program(scratch: &ScratchDir) -> PathBuf {
    let mut writer = initrd::cpio::Writer::new();
    writer
        .add_file("/bin/init", 0o755, &built_program("init"))
        .unwrap();
    writer
        .add_file(
            "/bin/bad",
            0o755,
            b"#!/bin/sh\necho this is not an ELF program\n",
        )
        .unwrap();
    let image = scratch.join("bad.cpio");
    fs::write(&image, writer.finish()).unwrap();
    image
}

#[test]
fn non_elf_program_gives_enoexec() {
    let scratch = ScratchDir::new("bad-program");
    let image = image_with_a_bad_program(&scratch);
    let run = Boot::new()
        .initrd(&image)
        .init("/bin/init", &["/bin/bad"])
        .run();
    // The child's execve fails, it exits 127, and init passes that on.
    run.expect_init_status(127);
    run.expect_lines_in_order(&[
        "init: starting /bin/bad",
        "/bin/bad: execve failed: ENOEXEC",
        "init: /bin/bad exited with status 127",
        "init exited with status 127",
    ]);
    run.expect_no_line("this is not an ELF program");
    let files = initrd_files(&run);
    if files != 2 {
        run.fail(&[format!("the kernel counts {files} files, expected 2")]);
    }
    run.expect_all_frames_returned();
}

#[test]
fn non_elf_init_panics() {
    let scratch = ScratchDir::new("bad-init");
    let image = image_with_a_bad_program(&scratch);
    let run = Boot::new()
        .initrd(&image)
        .init("/bin/bad", &[])
        .timeout(FAIL_FAST)
        .run();
    run.expect_kernel_panic(&["cannot start init /bin/bad", "ENOEXEC"]);
}

/// A valid program without an execute bit (`0644`, as a hand-made archive may hold) is EACCES,
/// like on any Unix: exec checks the mode, not only the contents.
#[test]
fn program_without_execute_bit_gives_eacces() {
    let scratch = ScratchDir::new("no-x-bit");
    let mut writer = initrd::cpio::Writer::new();
    writer
        .add_file("/bin/init", 0o755, &built_program("init"))
        .unwrap();
    writer
        .add_file("/bin/plain", 0o644, &built_program("hello"))
        .unwrap();
    let image = scratch.join("nox.cpio");
    fs::write(&image, writer.finish()).unwrap();
    let run = Boot::new()
        .initrd(&image)
        .init("/bin/init", &["/bin/plain"])
        .run();
    run.expect_init_status(127);
    run.expect_lines_in_order(&[
        "init: starting /bin/plain",
        "/bin/plain: execve failed: EACCES",
        "init: /bin/plain exited with status 127",
    ]);
    run.expect_no_line("hello, world");
    run.expect_all_frames_returned();
}

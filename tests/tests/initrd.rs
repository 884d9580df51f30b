//! The kernel and its initrd (`docs/initrd.md`): an image made by GNU cpio boots; a broken
//! image, a missing or non-ELF first program make the kernel fail loudly (a `KERNEL PANIC`
//! line and QEMU's panic status, never a hang); a non-ELF program started by init gives
//! `ENOEXEC`; a program whose bss cannot fit gives `ENOMEM`, one whose large bss fits runs.

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

/// `program` (an ELF32 executable of the build) with its highest loadable segment, which must
/// be the writable one holding `.bss`, grown in memory (not in the file) to `memory_size`
/// bytes: a valid program with a large bss, as a linker makes it for a large static array.
fn with_bss_of(mut program: Vec<u8>, memory_size: u32) -> Vec<u8> {
    let u16_at = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as usize;
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    const PT_LOAD: u32 = 1;
    const PF_W: u32 = 2;
    let (phoff, phentsize, phnum) = (
        u32_at(&program, 0x1c) as usize,
        u16_at(&program, 0x2a),
        u16_at(&program, 0x2c),
    );
    let last = (0..phnum)
        .map(|i| phoff + i * phentsize)
        .filter(|&ph| u32_at(&program, ph) == PT_LOAD)
        .max_by_key(|&ph| u32_at(&program, ph + 8))
        .expect("a loadable segment");
    assert!(
        u32_at(&program, last + 24) & PF_W != 0,
        "the highest segment is not the writable one"
    );
    program[last + 20..last + 24].copy_from_slice(&memory_size.to_le_bytes());
    program
}

/// A valid program whose bss cannot fit (3 GiB on a 256 MiB machine) fails with ENOMEM before
/// anything is mapped for it, and the caller goes on; every frame comes back. (The bss is
/// mapped on first touch, so without the loader's check up front the execve would succeed.)
#[test]
fn program_whose_bss_cannot_fit_gives_enomem() {
    let scratch = ScratchDir::new("huge-bss");
    let mut writer = initrd::cpio::Writer::new();
    writer
        .add_file("/bin/init", 0o755, &built_program("init"))
        .unwrap();
    writer
        .add_file(
            "/bin/huge",
            0o755,
            &with_bss_of(built_program("hello"), 0xBF00_0000 - 0x0040_3000),
        )
        .unwrap();
    let image = scratch.join("huge.cpio");
    fs::write(&image, writer.finish()).unwrap();
    let run = Boot::new()
        .initrd(&image)
        .init("/bin/init", &["/bin/huge"])
        .run();
    run.expect_init_status(127);
    run.expect_lines_in_order(&[
        "init: starting /bin/huge",
        "/bin/huge: execve failed: ENOMEM",
        "init: /bin/huge exited with status 127",
    ]);
    run.expect_no_line("hello, world");
    run.expect_all_frames_returned();
}

/// A large bss that fits (128 MiB on a 256 MiB machine) loads without being zeroed up front:
/// the program runs, and its pages in memory are a few dozen, not the 32 768 of its bss
/// (zeroing them at exec held the CPU with interrupts off for seconds).
#[test]
fn large_bss_that_fits_is_mapped_on_first_touch() {
    const BSS: u32 = 128 << 20;
    let scratch = ScratchDir::new("large-bss");
    let mut writer = initrd::cpio::Writer::new();
    writer
        .add_file(
            "/bin/bigcat",
            0o755,
            &with_bss_of(built_program("cat"), BSS),
        )
        .unwrap();
    let image = scratch.join("large.cpio");
    fs::write(&image, writer.finish()).unwrap();
    let run = Boot::new()
        .initrd(&image)
        .init("/bin/bigcat", &["/proc/self/status"])
        .run();
    run.expect_init_exit(0);
    let holes = run.scan_one_line("VmRSS:\t{} kB");
    let resident_kib: u32 = holes[0]
        .trim()
        .parse()
        .unwrap_or_else(|_| run.fail(&[format!("bad VmRSS {:?}", holes[0])]));
    if resident_kib >= 4096 {
        run.fail(&[format!(
            "{resident_kib} KiB resident with a {} MiB bss: the bss was mapped at exec",
            BSS >> 20
        )]);
    }
    run.expect_all_frames_returned();
}

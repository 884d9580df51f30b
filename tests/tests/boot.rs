//! What the kernel reports while it boots: banner, memory, command line, options, self tests.

use integration_tests::expect::{self, SelfTestLine};
use integration_tests::host::{run_command, ScratchDir};
use integration_tests::{build_dir, Boot, Run};
use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The kernel keeps at most this many bytes of command line (docs/boot.md).
const CMDLINE_LIMIT: usize = 4096;

fn quick() -> Boot {
    Boot::new().init(expect::QUICK_INIT, expect::QUICK_INIT_ARGS)
}

fn memory_line(run: &Run) -> String {
    match run.lines().find(|l| {
        l.contains(expect::MEMORY)
            && l.contains(expect::MEMORY_TOTAL)
            && l.contains(expect::MEMORY_FREE)
    }) {
        Some(l) => l.to_owned(),
        None => run.fail(&[format!(
            "no line contains {:?} with {:?} and {:?}",
            expect::MEMORY,
            expect::MEMORY_TOTAL,
            expect::MEMORY_FREE
        )]),
    }
}

#[test]
fn banner() {
    quick()
        .run()
        .expect_init_exit(0)
        .expect_line(expect::BANNER);
}

#[test]
fn memory_report_follows_the_machine() {
    let small = quick().memory_mb(64).run();
    small.expect_init_exit(0);
    let large = quick().memory_mb(256).run();
    large.expect_init_exit(0);
    let (small_line, large_line) = (memory_line(&small), memory_line(&large));
    // The amounts differ with the machine's memory; the line is not a constant.
    if small_line == large_line {
        large.fail(&[format!(
            "the memory line is the same with 64 MiB and 256 MiB: {large_line:?}"
        )]);
    }
}

#[test]
fn command_line_is_echoed() {
    let boot = quick().option("loglevel=info");
    let cmdline = boot.cmdline_string();
    let run = boot.run();
    run.expect_init_exit(0);
    let line = run
        .find_line(expect::CMDLINE)
        .unwrap_or_else(|| run.fail(&[format!("no line contains {:?}", expect::CMDLINE)]));
    if !line.contains(&cmdline) {
        run.fail(&[format!(
            "the {:?} line does not show the command line {cmdline:?}: {line:?}",
            expect::CMDLINE
        )]);
    }
}

#[test]
fn unknown_option_is_reported_not_fatal() {
    let run = quick().option("foo=bar").run();
    run.expect_init_exit(0);
    if !run
        .lines()
        .any(|l| l.contains(expect::UNKNOWN_OPTION) && l.contains("foo"))
    {
        run.fail(&[format!(
            "no line contains {:?} and \"foo\"",
            expect::UNKNOWN_OPTION
        )]);
    }
    run.expect_no_panic_word();
}

#[test]
fn self_tests_pass() {
    let run = quick().option(expect::OPT_SELFTEST).run();
    run.expect_init_exit(0);
    let parsed: Vec<SelfTestLine> = run.lines().filter_map(expect::parse_selftest).collect();
    let passed = parsed
        .iter()
        .filter(|l| matches!(l, SelfTestLine::Pass(_)))
        .count();
    let failed: Vec<&SelfTestLine> = parsed
        .iter()
        .filter(|l| matches!(l, SelfTestLine::Fail(_)))
        .collect();
    if !failed.is_empty() {
        run.fail(&[format!("self tests failed: {failed:?}")]);
    }
    if passed == 0 {
        run.fail(&[format!("no \"{} <name> PASS\" line", expect::SELFTEST)]);
    }
    // Every self test the kernel has must have run (a test dropped from its list is a gap).
    for name in [
        "frames_allocate_all",
        "frames_refcount",
        "heap_stress",
        "address_space_cow",
        "user_slices",
    ] {
        if !parsed.contains(&SelfTestLine::Pass(name)) {
            run.fail(&[format!("self test {name} did not pass")]);
        }
    }
    let summaries: Vec<(u32, u32)> = parsed
        .iter()
        .filter_map(|l| match *l {
            SelfTestLine::Done { passed, failed } => Some((passed, failed)),
            _ => None,
        })
        .collect();
    match summaries.as_slice() {
        [(p, 0)] if *p as usize == passed => {}
        [(p, f)] => run.fail(&[format!(
            "the summary says {p} passed, {f} failed, but {passed} PASS lines were printed"
        )]),
        _ => run.fail(&[format!(
            "expected exactly one \"{}\" line, found {}",
            expect::SELFTEST_DONE,
            summaries.len()
        )]),
    }
}

#[test]
fn self_tests_only_on_request() {
    let run = quick().run();
    run.expect_init_exit(0);
    if let Some(line) = run.lines().find(|l| expect::parse_selftest(l).is_some()) {
        run.fail(&[format!("self tests ran without the option: {line:?}")]);
    }
}

/// An initrd holding the built `hello` at `path` (and nothing else).
fn image_with_hello_at(scratch: &ScratchDir, path: &str) -> PathBuf {
    let hello = build_dir().join("bin/hello");
    let hello = fs::read(&hello)
        .unwrap_or_else(|e| panic!("cannot read {}: {e} (run `make` first)", hello.display()));
    let mut writer = initrd::cpio::Writer::new();
    writer.add_file(path, 0o755, &hello).unwrap();
    let image = scratch.join("hello.cpio");
    fs::write(&image, writer.finish()).unwrap();
    image
}

/// The command line is UTF-8: a program at a non-ASCII path starts as init, and non-ASCII
/// arguments reach it byte for byte (read as Latin-1, `é` would arrive as two characters).
#[test]
fn utf8_init_path_and_arguments_arrive_intact() {
    let scratch = ScratchDir::new("utf8-init");
    let image = image_with_hello_at(&scratch, "/bin/héllo");
    let run = Boot::new()
        .initrd(&image)
        .init("/bin/héllo", &["ünïcödé", "日本語", "plain"])
        .run();
    run.expect_init_status(0);
    run.expect_line("starting /bin/héllo as pid 1");
    run.expect_lines_in_order(&[
        "hello: argc = 4",
        "hello: argv[0] = /bin/héllo",
        "hello: argv[1] = ünïcödé",
        "hello: argv[2] = 日本語",
        "hello: argv[3] = plain",
        "init exited with status 0",
    ]);
}

/// The length QEMU's Multiboot loader gives the kernel: the kernel's file name, a space, then
/// the `-append` string.
fn multiboot_cmdline_len(boot: &Boot) -> usize {
    build_dir().join("kernel.elf").display().to_string().len() + 1 + boot.cmdline_string().len()
}

/// A command line of exactly the limit is kept whole: its last argument arrives intact.
#[test]
fn command_line_at_the_limit_is_kept_whole() {
    let base = Boot::new().init("/bin/hello", &["x"]);
    // One space and the new argument bring the line to the limit.
    let pad = CMDLINE_LIMIT - multiboot_cmdline_len(&base) - 1;
    let last = format!("{}END", "y".repeat(pad - 3));
    let boot = Boot::new().init("/bin/hello", &["x", &last]);
    assert_eq!(multiboot_cmdline_len(&boot), CMDLINE_LIMIT);
    let run = boot.run();
    run.expect_init_status(0);
    run.expect_line(&format!("hello: argv[2] = {last}"));
}

/// One byte more and the kernel refuses to boot, saying why, rather than cutting it.
#[test]
fn over_long_command_line_is_refused() {
    let base = Boot::new().init("/bin/hello", &["x"]);
    let pad = CMDLINE_LIMIT - multiboot_cmdline_len(&base);
    let boot = Boot::new()
        .init("/bin/hello", &["x", &"z".repeat(pad)])
        .timeout(Duration::from_secs(30));
    assert_eq!(multiboot_cmdline_len(&boot), CMDLINE_LIMIT + 1);
    let run = boot.run();
    run.expect_kernel_panic(&[
        "the command line is 4097 bytes long; the kernel keeps at most 4096",
    ]);
    run.expect_no_line("starting /bin/hello");
    run.expect_no_line("hello, world");
}

/// A command line that is not UTF-8 (Latin-1 `é`, byte 0xE9) is refused with its offset, not
/// decoded into something else. `Boot` only takes text, so QEMU is started by hand with the
/// same arguments and the raw bytes for `-append`.
#[test]
fn non_utf8_command_line_is_refused() {
    let boot = Boot::new().init("/bin/hello", &[]);
    let mut args: Vec<OsString> = boot.qemu_args().into_iter().map(OsString::from).collect();
    let append = args
        .iter()
        .position(|a| a == "-append")
        .expect("the harness passes -append")
        + 1;
    args[append] = OsString::from_vec(b"init=/bin/h\xe9llo".to_vec());
    let qemu = std::env::var_os("LUNAIX_QEMU")
        .filter(|q| !q.is_empty())
        .unwrap_or_else(|| integration_tests::DEFAULT_QEMU.into());
    let mut cmd = Command::new(qemu);
    cmd.args(&args);
    let out = run_command(
        cmd,
        "QEMU with a Latin-1 command line",
        Duration::from_secs(30),
    );
    // The kernel's panic status (abi::halt): 127 written to isa-debug-exit.
    if out.status != Some(255) || out.timed_out {
        out.fail("expected the kernel to panic (QEMU status 255)");
    }
    // The offset counts QEMU's "<kernel path> " in front of the -append string.
    let offset = build_dir().join("kernel.elf").display().to_string().len() + 1 + 11;
    let wanted =
        format!("KERNEL PANIC: the command line is not valid UTF-8 (bad byte at offset {offset})");
    if !out.stdout.lines().any(|l| l.contains(&wanted)) {
        out.fail(&format!("no line contains {wanted:?}"));
    }
    if !out.stdout.contains("init=/bin/h\\xe9llo") {
        out.fail("the panic does not show the line's beginning with the bad byte as \\xe9");
    }
}

//! Tests of the harness itself, with small shell scripts standing in for QEMU.

use super::*;
use crate::host::ScratchDir;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::time::Instant;

/// A private directory with a fake kernel image, a fake initrd and a fake QEMU; removed on drop.
struct Fake {
    dir: ScratchDir,
}

impl Fake {
    /// `body` is the shell script run in place of QEMU; it sees QEMU's arguments in "$@".
    fn new(body: &str) -> Fake {
        let dir = ScratchDir::new("harness");
        fs::write(dir.join("kernel.elf"), b"not really a kernel").unwrap();
        fs::write(dir.join("initrd.cpio"), b"not really an initrd").unwrap();
        let qemu = dir.join("qemu");
        fs::write(&qemu, format!("#!/bin/sh\n{body}\n")).unwrap();
        fs::set_permissions(&qemu, fs::Permissions::from_mode(0o755)).unwrap();
        Fake { dir }
    }

    fn boot(&self) -> Boot {
        Boot::new()
            .qemu_binary(self.dir.join("qemu"))
            .kernel(self.dir.join("kernel.elf"))
            .initrd(self.dir.join("initrd.cpio"))
            .timeout(Duration::from_secs(20))
    }
}

/// The QEMU exit status the kernel produces for `h`.
fn status_of(h: Halt) -> i32 {
    abi::halt::qemu_exit_status(h)
}

/// The first line of the panic message of `f`, which must panic.
fn first_line_of_failure(f: impl FnOnce()) -> String {
    let msg = failure_of(f).expect("the check should have failed");
    msg.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn passes_qemu_arguments_and_captures_lines() {
    let fake = Fake::new(r#"for a in "$@"; do printf 'ARG %s\r\n' "$a"; done; exit 1"#);
    let run = fake
        .boot()
        .memory_mb(64)
        .init("/bin/ptest", &["fork_returns", "x"])
        .option("loglevel=debug")
        .option("selftest")
        .run();
    assert!(!run.timed_out);
    assert_eq!(run.status, Some(1));
    assert_eq!(run.halt(), Some(Halt::InitExited(0)));
    let args: Vec<&str> = run.lines().filter_map(|l| l.strip_prefix("ARG ")).collect();
    let kernel = fake.dir.join("kernel.elf").display().to_string();
    let initrd = fake.dir.join("initrd.cpio").display().to_string();
    let mut expected = qemu_flags();
    expected.extend([
        "-m",
        "64M",
        "-kernel",
        &kernel,
        "-initrd",
        &initrd,
        "-append",
        "init=/bin/ptest loglevel=debug selftest -- fork_returns x",
    ]);
    assert_eq!(args, expected);
    // Line terminators (including the serial port's \r) are not part of lines.
    assert!(run.lines().all(|l| !l.ends_with('\r')));
    run.expect_init_exit(0);
}

/// `scripts/qemu-flags` parses into the flags the harness depends on: one CPU, the serial port
/// on stdio, no reboot on a triple fault, and the exit device at the port the kernel writes.
#[test]
fn shared_qemu_flags_hold_what_the_harness_needs() {
    let flags = qemu_flags();
    let pairs: Vec<[&str; 2]> = flags.windows(2).map(|w| [w[0], w[1]]).collect();
    for pair in [
        ["-smp", "1"],
        ["-serial", "stdio"],
        ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"],
    ] {
        assert!(pairs.contains(&pair), "{pair:?} missing from {flags:?}");
    }
    assert!(
        flags.contains(&"-no-reboot"),
        "-no-reboot missing from {flags:?}"
    );
    for word in &flags {
        assert!(
            !word.contains('#') && !word.is_empty(),
            "comment or empty word in {flags:?}"
        );
    }
    for word in ["-m", "-kernel", "-initrd", "-append"] {
        assert!(
            !flags.contains(&word),
            "{word} is the harness's own, not the shared file's"
        );
    }
}

#[test]
fn no_initrd_drops_the_option() {
    let fake = Fake::new(r#"for a in "$@"; do echo "ARG $a"; done; exit 1"#);
    let run = fake.boot().no_initrd().cmdline("a=b -- c").run();
    assert_eq!(run.count_lines("ARG -initrd"), 0);
    run.expect_line("ARG a=b -- c");
}

#[test]
fn command_line_composition() {
    let b = Boot::new().init("/bin/ptest", &["a", "b"]);
    assert_eq!(b.cmdline_string(), "init=/bin/ptest loglevel=info -- a b");
    let b = Boot::new().option("foo=bar").init("/bin/x", &[]);
    assert_eq!(b.cmdline_string(), "init=/bin/x loglevel=info foo=bar");
    let b = Boot::new().init("/bin/x", &["y"]).option("loglevel=warn");
    assert_eq!(b.cmdline_string(), "init=/bin/x loglevel=warn -- y");
    let b = Boot::new().cmdline("init=/bin/a  -- q");
    assert_eq!(b.cmdline_string(), "init=/bin/a  -- q");
    let b = Boot::new().cmdline("init=/bin/a -- q").option("selftest");
    assert_eq!(b.cmdline_string(), "init=/bin/a selftest -- q");
    let b = Boot::new().init("/bin/a", &["q"]).cmdline("raw");
    assert_eq!(b.cmdline_string(), "raw");
    assert_eq!(Boot::new().cmdline_string(), "");
    assert_eq!(Boot::new().option("selftest").cmdline_string(), "selftest");
    assert!(failure_of(|| {
        let _ = Boot::new().init("/bin/a", &["two words"]);
    })
    .is_some());
}

#[test]
fn defaults_come_from_the_build_dir() {
    let b = Boot::new();
    assert_eq!(b.kernel, build_dir().join("kernel.elf"));
    assert_eq!(b.initrd, Some(build_dir().join("initrd.cpio")));
    assert_eq!(b.timeout, Duration::from_secs(60));
    assert_eq!(b.memory_mb, 256);
    assert!(b.qemu_args().contains(&"256M".to_owned()));
}

#[test]
fn init_exit_status_is_decoded() {
    let fake = Fake::new(&format!(
        "echo hello; exit {}",
        status_of(Halt::InitExited(3))
    ));
    let run = fake.boot().run();
    assert_eq!(run.halt(), Some(Halt::InitExited(3)));
    run.expect_init_exit(3);
    assert_eq!(
        first_line_of_failure(|| {
            run.expect_init_exit(0);
        }),
        "init exited with 3, expected 0"
    );
    // The transcript follows the first line.
    let msg = failure_of(|| {
        run.expect_init_exit(0);
    })
    .unwrap();
    assert!(msg.contains("\nhello\n"), "{msg}");
}

#[test]
fn large_exit_codes_compare_as_reported() {
    let fake = Fake::new(&format!("exit {}", status_of(Halt::InitExited(101))));
    let run = fake.boot().run();
    run.expect_init_exit(101);
    let first = first_line_of_failure(|| {
        run.expect_init_exit(0);
    });
    assert!(
        first.starts_with("init exited with 95, expected 0"),
        "{first}"
    );
}

#[test]
fn status_zero_is_a_triple_fault_not_success() {
    let fake = Fake::new("echo booting; exit 0");
    let run = fake.boot().run();
    assert_eq!(run.status, Some(0));
    assert_eq!(run.halt(), None);
    assert_eq!(
        first_line_of_failure(|| {
            run.expect_init_exit(0);
        }),
        "triple fault or reset (QEMU exit status 0)"
    );
}

#[test]
fn kernel_panic_status_fails() {
    let fake = Fake::new("echo boom; exit 255");
    let run = fake.boot().run();
    assert_eq!(run.halt(), Some(Halt::KernelPanic));
    assert_eq!(
        first_line_of_failure(|| {
            run.expect_init_exit(0);
        }),
        "kernel panicked"
    );
}

#[test]
fn kernel_panic_line_fails_even_with_a_good_status() {
    let fake = Fake::new("echo 'KERNEL PANIC: oops'; echo 'PASS demo'; exit 1");
    let run = fake.boot().run();
    assert_eq!(run.halt(), Some(Halt::InitExited(0)));
    assert_eq!(
        first_line_of_failure(|| {
            run.expect_init_exit(0);
        }),
        "kernel panicked"
    );
    assert!(failure_of(|| {
        run.expect_pass("demo");
    })
    .is_some());
}

#[test]
fn init_killed_is_reported() {
    let fake = Fake::new(&format!("exit {}", status_of(Halt::InitKilled(11))));
    let run = fake.boot().run();
    assert_eq!(run.halt(), Some(Halt::InitKilled(11)));
    let first = first_line_of_failure(|| {
        run.expect_init_exit(0);
    });
    assert!(first.starts_with("init was killed by signal 11"), "{first}");
}

#[test]
fn unknown_even_status_is_rejected() {
    let fake = Fake::new("exit 4");
    let run = fake.boot().run();
    let first = first_line_of_failure(|| {
        run.expect_init_exit(0);
    });
    assert!(
        first.starts_with("QEMU exit status 4 does not report"),
        "{first}"
    );
}

#[test]
fn killed_by_a_signal_is_reported() {
    let fake = Fake::new("kill -TERM $$; sleep 5");
    let run = fake.boot().run();
    assert!(!run.timed_out);
    assert_eq!(run.status, None);
    assert_eq!(run.signal, Some(15));
    assert_eq!(
        first_line_of_failure(|| {
            run.expect_init_exit(0);
        }),
        "QEMU was killed by signal 15"
    );
}

#[test]
fn timeout_kills_qemu_and_its_children_promptly() {
    // The shell waits on a child that also holds the output pipe: only killing the whole
    // process group ends the run before the drain grace period.
    let fake = Fake::new("sleep 1000 & echo \"CHILD $!\"; echo started; wait");
    let start = Instant::now();
    let run = fake.boot().timeout(Duration::from_secs(1)).run();
    let took = start.elapsed();
    assert!(run.timed_out);
    assert_eq!(run.status, None);
    assert_eq!(run.halt(), None);
    assert!(run.elapsed >= Duration::from_secs(1));
    assert!(took < Duration::from_millis(2500), "run took {took:?}");
    run.expect_line("started");
    assert_eq!(
        first_line_of_failure(|| {
            run.expect_init_exit(0);
        }),
        "QEMU timed out after 1 s"
    );
    let msg = failure_of(|| {
        run.expect_init_exit(0);
    })
    .unwrap();
    assert!(msg.contains("\nstarted\n"), "{msg}");

    // The grandchild is gone (or at worst a zombie waiting for its new parent).
    let pid: u32 = run
        .lines()
        .find_map(|l| l.strip_prefix("CHILD "))
        .expect("CHILD line")
        .parse()
        .unwrap();
    let stat = format!("/proc/{pid}/stat");
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match fs::read_to_string(&stat) {
            Err(_) => break,
            Ok(s)
                if s.rsplit(')')
                    .next()
                    .unwrap_or("")
                    .trim_start()
                    .starts_with('Z') =>
            {
                break
            }
            Ok(s) => assert!(Instant::now() < deadline, "pid {pid} still alive: {s}"),
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn stray_process_holding_the_pipe_does_not_hang_the_run() {
    let fake = Fake::new("(sleep 4 &); echo done; exit 1");
    let start = Instant::now();
    let run = fake.boot().run();
    assert!(start.elapsed() < Duration::from_secs(4));
    assert!(!run.timed_out);
    run.expect_init_exit(0).expect_line("done");
}

#[test]
fn typing_more_than_a_pipe_holds_while_the_guest_writes_does_not_deadlock() {
    // The guest announces itself, writes 300 KB before reading anything, then reads the
    // 200 000 bytes typed at it. Typing from the thread that reads its output would block on
    // the full stdin pipe while the guest blocks on its full stdout pipe.
    let fake = Fake::new(
        "echo ready; head -c 300000 /dev/zero | tr '\\0' 'x'; echo; \
         echo typed $(head -c 200000 | wc -c); exit 1",
    );
    let typed = "k".repeat(200_000);
    let run = fake.boot().type_after("ready", &typed).run();
    assert!(!run.timed_out, "the run deadlocked:\n{}", run.transcript());
    run.expect_init_exit(0).expect_line("typed 200000");
}

#[test]
fn stderr_is_captured_and_shown() {
    let fake = Fake::new("echo 'qemu: warning: something' >&2; exit 0");
    let run = fake.boot().run();
    assert!(run.stderr.contains("qemu: warning: something"));
    let msg = failure_of(|| {
        run.expect_init_exit(0);
    })
    .unwrap();
    assert!(
        msg.contains("--- QEMU stderr ---\nqemu: warning: something"),
        "{msg}"
    );
}

#[test]
fn flood_of_output_is_capped() {
    let fake = Fake::new(&format!(
        "head -c {} /dev/zero | tr '\\0' 'x'; exit 1",
        process::CAPTURE_LIMIT + 4096
    ));
    let run = fake.boot().run();
    assert!(run.truncated);
    assert_eq!(run.serial.len(), process::CAPTURE_LIMIT);
    run.expect_init_exit(0);
}

#[test]
fn pass_checks() {
    let fake = Fake::new("echo 'PASS demo'; echo 'PASS demo2 with details'; exit 1");
    let run = fake.boot().run();
    run.expect_pass("demo").expect_pass("demo2");
    let first = first_line_of_failure(|| {
        run.expect_pass("dem");
    });
    assert_eq!(first, "no \"PASS dem\" line");

    let fake = Fake::new("echo 'PASS demo'; echo 'FAIL: wrong pid 3'; exit 1");
    let run = fake.boot().run();
    assert_eq!(
        first_line_of_failure(|| {
            run.expect_pass("demo");
        }),
        "demo failed: FAIL: wrong pid 3"
    );

    let fake = Fake::new(&format!(
        "echo 'PASS demo'; exit {}",
        status_of(Halt::InitExited(1))
    ));
    let run = fake.boot().run();
    assert_eq!(
        first_line_of_failure(|| {
            run.expect_pass("demo");
        }),
        "init exited with 1, expected 0"
    );
}

#[test]
fn line_checks() {
    let fake = Fake::new("printf 'a one\\r\\nb two\\r\\na three\\r\\n'; exit 1");
    let run = fake.boot().run();
    assert_eq!(run.count_lines("a "), 2);
    assert_eq!(run.count_lines("zzz"), 0);
    assert_eq!(run.find_line("three"), Some("a three"));
    run.expect_line("b two").expect_no_line("four");
    assert_eq!(
        first_line_of_failure(|| {
            run.expect_line("four");
        }),
        "no line contains \"four\""
    );
    assert_eq!(
        first_line_of_failure(|| {
            run.expect_no_line("two");
        }),
        "a line contains \"two\": \"b two\""
    );
    run.expect_no_panic_word();

    let fake = Fake::new("echo 'pid 3: Panicked here'; exit 1");
    let run = fake.boot().run();
    assert!(failure_of(|| {
        run.expect_no_panic_word();
    })
    .is_some());
}

#[test]
fn missing_kernel_says_run_make() {
    let fake = Fake::new("exit 1");
    let msg = failure_of(|| {
        fake.boot().kernel(fake.dir.join("nope.elf")).run();
    })
    .unwrap();
    assert!(msg.contains("nope.elf"), "{msg}");
    assert!(msg.contains("run `make` first"), "{msg}");

    let msg = failure_of(|| {
        fake.boot().initrd(fake.dir.join("nope.cpio")).run();
    })
    .unwrap();
    assert!(msg.contains("run `make` first"), "{msg}");
}

#[test]
fn missing_qemu_is_explained() {
    let fake = Fake::new("exit 1");
    let msg = failure_of(|| {
        fake.boot().qemu_binary(fake.dir.join("no-such-qemu")).run();
    })
    .unwrap();
    assert!(msg.contains("no-such-qemu"), "{msg}");
    assert!(msg.contains("not found"), "{msg}");
}

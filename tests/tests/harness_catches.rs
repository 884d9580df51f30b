//! A broken kernel must fail the suite. The kernel's `crashtest=` option breaks it on purpose
//! (a panic, a triple fault, a failing self test, a hang); each test proves the harness
//! notices, and says what went wrong on the first line of its failure message.

use integration_tests::expect::{self, SelfTestLine};
use integration_tests::{failure_of, Boot, Halt, Run};
use std::time::Duration;

/// A crash on purpose comes early; a kernel that ignores the option shows up sooner.
const CRASH_TIMEOUT: Duration = Duration::from_secs(30);

fn crash_boot(option: &str) -> Boot {
    Boot::new()
        .init(expect::QUICK_INIT, expect::QUICK_INIT_ARGS)
        .option(option)
        .timeout(CRASH_TIMEOUT)
}

/// How the run ended, for a message about an unexpected ending.
fn ending(run: &Run) -> String {
    if run.timed_out {
        format!("QEMU timed out after {} s", run.timeout.as_secs())
    } else {
        match (run.status, run.halt()) {
            (Some(s), Some(h)) => format!("QEMU exit status {s} ({h:?})"),
            (Some(s), None) => format!("QEMU exit status {s}"),
            (None, _) => format!("QEMU killed by signal {:?}", run.signal),
        }
    }
}

/// The first line of the message `expect_init_exit(0)` fails with; fails the test (with the
/// transcript) if the run passes as a success.
fn rejection(run: &Run) -> String {
    match failure_of(|| {
        run.expect_init_exit(0);
    }) {
        Some(msg) => msg.lines().next().unwrap_or_default().to_owned(),
        None => run.fail(&["the broken kernel's run was accepted as a success".to_owned()]),
    }
}

#[test]
fn kernel_panic_fails() {
    let run = crash_boot(expect::OPT_CRASH_PANIC).run();
    if run.halt() != Some(Halt::KernelPanic) {
        run.fail(&[format!(
            "expected QEMU exit status {} (kernel panic), got {}",
            abi::halt::qemu_exit_status(Halt::KernelPanic),
            ending(&run)
        )]);
    }
    assert_eq!(rejection(&run), "kernel panicked");
    run.expect_line(expect::KERNEL_PANIC);
}

#[test]
fn triple_fault_fails() {
    let run = crash_boot(expect::OPT_CRASH_TRIPLE).run();
    if run.timed_out || run.status != Some(0) {
        run.fail(&[format!(
            "expected QEMU exit status 0 after a triple fault, got {}",
            ending(&run)
        )]);
    }
    assert_ne!(run.halt(), Some(Halt::InitExited(0)));
    assert_eq!(
        rejection(&run),
        "triple fault or reset (QEMU exit status 0)"
    );
}

#[test]
fn failing_selftest_fails() {
    let run = crash_boot(expect::OPT_CRASH_SELFTEST)
        .option(expect::OPT_SELFTEST)
        .run();
    let failed: Vec<&str> = run
        .lines()
        .filter_map(|l| match expect::parse_selftest(l) {
            Some(SelfTestLine::Fail(name)) => Some(name),
            _ => None,
        })
        .collect();
    if failed.is_empty() {
        run.fail(&[format!(
            "no \"{} <name> {}\" line ({})",
            expect::SELFTEST,
            expect::SELFTEST_FAIL,
            ending(&run)
        )]);
    }
    let summary_failed = run.lines().find_map(|l| match expect::parse_selftest(l) {
        Some(SelfTestLine::Done { failed, .. }) => Some(failed),
        _ => None,
    });
    if let Some(n) = summary_failed {
        assert!(
            n >= 1,
            "the summary counts no failure:\n{}",
            run.transcript()
        );
    }
    rejection(&run);
}

#[test]
fn hang_times_out() {
    let timeout = Duration::from_secs(5);
    let run = crash_boot(expect::OPT_CRASH_HANG).timeout(timeout).run();
    if !run.timed_out {
        run.fail(&["expected the hanging kernel to time out".to_owned()]);
    }
    assert_eq!(run.status, None);
    assert!(run.elapsed >= timeout);
    assert!(
        run.elapsed < timeout + Duration::from_secs(2),
        "QEMU was not killed promptly: {:?}",
        run.elapsed
    );
    assert_eq!(rejection(&run), "QEMU timed out after 5 s");
}

/// A page fault in the kernel while it holds the console lock still produces the full report
/// (the fault path prints around the held lock) and a prompt power-off, never a hang.
#[test]
fn fault_while_printing_is_reported() {
    let run = crash_boot("crashtest=printfault").run();
    run.expect_kernel_panic(&["page fault (#PF) in kernel mode"]);
    run.expect_line("cr2=0x00000010");
    run.expect_line("crashtest=printfault: ");
}

/// A kernel stack that overflows hits its guard page; the double fault runs on its own stack
/// and reports the overflow with the pid, registers and a backtrace, instead of a silent
/// triple fault (QEMU exit status 0).
#[test]
fn kernel_stack_overflow_is_reported() {
    let run = crash_boot("crashtest=stackoverflow").run();
    run.expect_kernel_panic(&["kernel stack overflow (pid 1)"]);
    run.expect_line("crashtest=stackoverflow: recursing on pid 1's kernel stack");
    run.expect_line("  backtrace:");
    run.expect_line("  esi=");
}

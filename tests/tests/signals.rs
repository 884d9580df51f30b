//! Signals and process groups: scenarios 1-25 and the bad-input cases of issue 8 (listed in
//! docs/testing.md), run by `/bin/sigtest` (uapps/src/bin/sigtest/), plus the C shim's
//! `sigctest` and the whole `sigtest all` in one boot.
//!
//! Each test boots `/bin/sigtest <case>` as pid 1 and requires its `PASS <case>` line, no
//! `FAIL` line, exit status 0, no line mentioning a panic, every frame returned at power-off,
//! and exactly the kernel kill lines the case provokes: the kernel reports deaths by CPU fault
//! and by a signal frame it cannot build or return from (`fault: pid N (name) killed by
//! SIGSEGV: ...`); deaths by `kill` print nothing, so a case that only sends signals must show
//! no kill line at all.

use std::time::Duration;

use integration_tests::expect;
use integration_tests::{Boot, Run};

const SIGTEST: &str = "/bin/sigtest";

/// Every case of `sigtest`, in its order (`sigtest list` must print exactly these).
const CASES: &[&str] = &[
    "handler_runs",
    "ign_and_dfl",
    "uncatchable",
    "old_action",
    "mask_in_handler",
    "resethand",
    "procmask",
    "pending",
    "suspend",
    "pause_eintr",
    "kill_errors",
    "kill_group",
    "kill_each_signal",
    "killstatus",
    "sigchld",
    "nocldwait",
    "wait_eintr_restart",
    "alarm",
    "stop_cont",
    "stop_during_sleep",
    "kill_all",
    "orphaned_tstp",
    "fault_handler",
    "fork_exec_inherit",
    "fork_in_handler",
    "frame_forgery",
    "pgid_basics",
    "pgid_errors",
    "setsid",
    "orphaned_on_exit",
    "bad_signo",
    "bad_how",
    "bad_pointers",
    "bad_restorer",
    "kernel_handler",
    "stack_bottom",
    "stray_sigreturn",
    "zombie_kill",
    "init_ignores",
    "kill_flood",
    "bad_times",
    "timer_storm",
];

/// Boots `sigtest <case>` and applies the checks every case shares, including the exact
/// number of kernel kill lines (all of them SIGSEGV: no case provokes another fault).
#[track_caller]
fn case(name: &str, segv_kills: usize) -> Run {
    case_with_timeout(name, segv_kills, integration_tests::DEFAULT_TIMEOUT)
}

#[track_caller]
fn case_with_timeout(name: &str, segv_kills: usize, timeout: Duration) -> Run {
    let run = Boot::new().init(SIGTEST, &[name]).timeout(timeout).run();
    run.expect_pass(name).expect_no_panic_word();
    run.expect_all_frames_returned();
    expect_kills(&run, name, segv_kills);
    run
}

/// The kernel's kill lines (the program's own lines start with `<case>:` or `sigtest:`).
fn kill_lines<'a>(run: &'a Run, case: &str) -> Vec<&'a str> {
    let own = |l: &str| {
        std::iter::once(case)
            .chain(CASES.iter().copied())
            .chain(["sigtest", "sigctest"])
            .any(|name| l.starts_with(&format!("{name}:")))
    };
    run.lines()
        .filter(|l| expect::is_kill_line(l, "SIG") && !own(l))
        .collect()
}

/// Exactly `n` kernel kill lines, every one of them for SIGSEGV.
#[track_caller]
fn expect_kills(run: &Run, case: &str, n: usize) {
    let lines = kill_lines(run, case);
    let segv = lines
        .iter()
        .filter(|l| expect::is_kill_line(l, "SIGSEGV"))
        .count();
    if lines.len() != n || segv != n {
        run.fail(&[format!(
            "expected exactly {n} kernel kill line(s), all SIGSEGV; found {} ({segv} SIGSEGV): {lines:?}",
            lines.len()
        )]);
    }
}

/// The guest slept at least `secs` seconds in total, as seen from the host.
#[track_caller]
fn took_at_least(run: &Run, secs: u64) {
    if run.elapsed < Duration::from_secs(secs) {
        run.fail(&[format!(
            "the run took {:.2} s on the host clock, but the case waits at least {secs} s",
            run.elapsed.as_secs_f64()
        )]);
    }
}

// Signals (scenarios 1-22)

#[test]
fn handler_runs() {
    let run = case("handler_runs", 0);
    run.expect_exact_line("handler_runs: handler ran with 10 and 12, registers and locals intact");
}

#[test]
fn ign_and_dfl() {
    let run = case("ign_and_dfl", 0);
    run.expect_exact_line("ign_and_dfl: child survived ignored SIGUSR1, SIGTERM, SIGHUP, SIGSEGV");
}

#[test]
fn uncatchable() {
    case("uncatchable", 0);
}

#[test]
fn old_action() {
    case("old_action", 0);
}

#[test]
fn mask_in_handler() {
    case("mask_in_handler", 0);
}

#[test]
fn resethand() {
    let run = case("resethand", 0);
    run.expect_exact_line_count("resethand: handler ran once, action is SIG_DFL again", 1);
}

#[test]
fn procmask() {
    case("procmask", 0);
}

#[test]
fn pending() {
    case("pending", 0);
}

#[test]
fn suspend() {
    case("suspend", 0);
}

#[test]
fn pause_eintr() {
    let run = case("pause_eintr", 0);
    // The paused child woke only for SIGKILL.
    run.expect_no_line("pause_eintr: FAILED");
}

#[test]
fn kill_errors() {
    case("kill_errors", 0);
}

#[test]
fn kill_group() {
    case("kill_group", 0);
}

#[test]
fn kill_each_signal() {
    // SIGSEGV, SIGILL and the other "core" signals sent by kill print no fault line.
    let run = case("kill_each_signal", 0);
    run.expect_exact_line("kill_each_signal: 23 signals killed, 4 left the child alone");
}

#[test]
fn killstatus() {
    let run = case_with_timeout("killstatus", 0, Duration::from_secs(120));
    run.expect_exact_line("killstatus: 100 spinning children killed and reaped");
}

#[test]
fn sigchld() {
    case("sigchld", 0);
}

#[test]
fn nocldwait() {
    case("nocldwait", 0);
}

#[test]
fn wait_eintr_restart() {
    let run = case("wait_eintr_restart", 0);
    // Two slow children of 2 s each, one waited for in full.
    took_at_least(&run, 2);
}

#[test]
fn alarm() {
    let run = case("alarm", 0);
    // A cancelled alarm watched for 1.3 s, then alarm(1): never early on the host clock either.
    took_at_least(&run, 2);
    run.expect_line("alarm: SIGALRM after ");
}

#[test]
fn stop_cont() {
    case("stop_cont", 0);
}

#[test]
fn stop_during_sleep() {
    let run = case("stop_during_sleep", 0);
    // Each blocking call lasted its full second.
    took_at_least(&run, 1);
}

#[test]
fn kill_all() {
    case("kill_all", 0);
}

#[test]
fn orphaned_tstp() {
    case("orphaned_tstp", 0);
}

#[test]
fn fault_handler() {
    // The five caught faults print nothing; a fault inside the SIGSEGV handler, and SIGSEGV
    // blocked or ignored, kill.
    let run = case("fault_handler", 3);
    run.expect_exact_line("fault_handler: handlers caught SIGSEGV, SIGILL, SIGFPE and SIGTRAP");
}

#[test]
fn fork_exec_inherit() {
    let run = case("fork_exec_inherit", 0);
    run.expect_exact_line_count(
        "fork_exec_inherit: probe: handler reset, SIG_IGN, mask and pending kept",
        1,
    );
}

#[test]
fn fork_in_handler() {
    let run = case("fork_in_handler", 0);
    run.expect_no_line("fork_in_handler: child:");
}

#[test]
fn frame_forgery() {
    // cs=0x08, cs=0x0b, IOPL 3 and ss=0x10: each refused at sigreturn.
    let run = case("frame_forgery", 4);
    run.expect_exact_line("frame_forgery: 4 forged frames killed with SIGSEGV");
    run.expect_no_line("was accepted");
    run.expect_line("frame_forgery: frame signo=10 ");
}

// Process groups and sessions (scenarios 23-25)

#[test]
fn pgid_basics() {
    case("pgid_basics", 0);
}

#[test]
fn pgid_errors() {
    case("pgid_errors", 0);
}

#[test]
fn setsid() {
    case("setsid", 0);
}

// Bad input (issue 8)

#[test]
fn bad_signo() {
    case("bad_signo", 0);
}

#[test]
fn bad_how() {
    case("bad_how", 0);
}

#[test]
fn bad_pointers() {
    // EFAULT is an error return, not a kill.
    case("bad_pointers", 0);
}

#[test]
fn bad_restorer() {
    // The handler ran, then returned into 0x10 and into the kernel half: two page faults.
    let run = case("bad_restorer", 2);
    run.expect_exact_line_count("sigtest: handler ran", 2);
}

#[test]
fn kernel_handler() {
    // Handlers at 0xC0100000, 0xFFFFF000 and 0x10.
    case("kernel_handler", 3);
}

#[test]
fn stack_bottom() {
    // Handlers nested until the stack is full; esp at the stack limit + 16, at the limit, at
    // 0x40 and at 0: no room for the frame.
    let run = case("stack_bottom", 5);
    run.expect_no_line("stack_bottom: kill with esp=");
}

#[test]
fn stray_sigreturn() {
    // From plain code, with esp at a zeroed context and in the kernel; the valid context
    // kills nobody.
    let run = case("stray_sigreturn", 3);
    run.expect_no_line("stray_sigreturn: sigreturn at");
}

#[test]
fn zombie_kill() {
    case("zombie_kill", 0);
}

#[test]
fn init_ignores() {
    let run = case("init_ignores", 0);
    run.expect_exact_line(
        "init_ignores: pid 1 ignored 10 default-fatal signals and caught SIGUSR2",
    );
}

#[test]
fn kill_flood() {
    let run = case_with_timeout("kill_flood", 0, Duration::from_secs(120));
    run.expect_exact_line("kill_flood: 10000 kills in all, 2000 round trips without a loss");
    for who in ["child", "parent"] {
        let got = run.scan_one_line(&format!("kill_flood: {who} got {{}} of 3000 SIGUSR1"));
        match got[0].parse::<u32>() {
            Ok(n) if (1..=3000).contains(&n) => {}
            _ => run.fail(&[format!("the {who} counted {:?} signals", got[0])]),
        }
    }
}

#[test]
fn bad_times() {
    case("bad_times", 0);
}

#[test]
fn orphaned_on_exit() {
    case("orphaned_on_exit", 0);
}

/// 20 000 replaced alarms and a storm of interrupted sleeps on a 256 KiB kernel heap: nothing
/// piles up in the timer queues.
#[test]
fn timer_storm() {
    let run = Boot::new()
        .init(SIGTEST, &["timer_storm"])
        .option("kheap=256")
        .timeout(Duration::from_secs(120))
        .run();
    run.expect_pass("timer_storm").expect_no_panic_word();
    run.expect_all_frames_returned();
    expect_kills(&run, "timer_storm", 0);
}

// The whole program

#[test]
fn list_names_every_case_once() {
    let run = Boot::new().init(SIGTEST, &["list"]).run();
    run.expect_init_status(0);
    run.expect_case_listing("sigtest", CASES);
}

#[test]
fn all_cases_in_one_boot() {
    // Every case in a child of pid 1 (the driver), which must survive them all: signals sent
    // to pid 1, orphans, kills of whole groups.
    let run = Boot::new()
        .init(SIGTEST, &["all"])
        .timeout(Duration::from_secs(300))
        .run();
    run.expect_init_status(0).expect_no_panic_word();
    run.expect_all_frames_returned();
    run.expect_exact_line(&format!("sigtest: {} passed, 0 failed", CASES.len()));
    for name in CASES {
        run.expect_exact_line_count(&format!("PASS {name}"), 1);
    }
    // 3 + 4 + 2 + 3 + 5 + 3 kills by the kernel, as in the single-case tests.
    expect_kills(&run, "all", 20);
}

// The C shim

#[test]
fn sigctest_passes() {
    let run = Boot::new()
        .init("/bin/sigctest", &[])
        .timeout(Duration::from_secs(60))
        .run();
    run.expect_pass("sigctest").expect_no_panic_word();
    run.expect_all_frames_returned();
    run.expect_exact_line_count("PASS sigctest", 1);
    run.expect_lines_in_order(&[
        "sigctest: signal ok",
        "sigctest: sigaction ok",
        "sigctest: sigprocmask ok",
        "sigctest: kill ok",
        "sigctest: alarm and pause ok",
        "sigctest: sigsuspend ok",
        "sigctest: nanosleep ok",
        "sigctest: abort ok",
        "sigctest: groups ok",
        "PASS sigctest",
    ]);
    // abort() in a child is a kill, not a fault: no kernel line.
    expect_kills(&run, "sigctest", 0);
}

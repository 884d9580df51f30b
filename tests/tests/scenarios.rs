//! The process-model scenarios (listed in docs/testing.md): each boots `/bin/ptest <name>`
//! as pid 1 and requires its `PASS <name>` line, no `FAIL` line, exit status 0, and no line
//! mentioning a panic. Some add host-side checks: a lower bound on the wall-clock time where
//! the guest sleeps (waking early is always wrong), and the kernel's kill line where a child
//! faults on purpose.

use integration_tests::expect::{self, PTEST};
use integration_tests::{Boot, Run};
use std::time::Duration;

/// Boots the scenario and applies the common checks.
fn scenario(name: &str) -> Run {
    scenario_with_timeout(name, integration_tests::DEFAULT_TIMEOUT)
}

fn scenario_with_timeout(name: &str, timeout: Duration) -> Run {
    let run = Boot::new().init(PTEST, &[name]).timeout(timeout).run();
    run.expect_pass(name).expect_no_panic_word();
    run
}

/// The guest slept at least `secs` seconds in total, as seen from the host.
fn took_at_least(run: &Run, secs: u64) {
    if run.elapsed < Duration::from_secs(secs) {
        run.fail(&[format!(
            "the run took {:.2} s on the host clock, but the scenario sleeps at least {secs} s",
            run.elapsed.as_secs_f64()
        )]);
    }
}

/// The kernel reported killing at least `n` processes with `signal`.
fn killed_with(run: &Run, signal: &str, n: usize) {
    let count = run
        .lines()
        .filter(|l| expect::is_kill_line(l, signal))
        .count();
    if count < n {
        run.fail(&[format!(
            "expected at least {n} kernel line(s) with \"{}\" and \"{signal}\", found {count}",
            expect::KILLED
        )]);
    }
}

// Basic

#[test]
fn fork_returns() {
    scenario("fork_returns");
}

#[test]
fn getpid_unique() {
    scenario("getpid_unique");
}

#[test]
fn first_program_ppid() {
    scenario("first_program_ppid");
}

#[test]
fn exit_codes() {
    scenario("exit_codes");
}

#[test]
fn exit_is_final() {
    scenario("exit_is_final");
}

#[test]
fn wait_echild() {
    scenario("wait_echild");
}

#[test]
fn wait_exact_count() {
    scenario("wait_exact_count");
}

#[test]
fn bss_zero() {
    scenario("bss_zero");
}

#[test]
fn yield_basic() {
    scenario("yield_basic");
}

// Semantics

#[test]
fn waitpid_specific() {
    scenario("waitpid_specific");
}

#[test]
fn wnohang_poll() {
    scenario("wnohang_poll");
}

#[test]
fn wait_blocks_then_wakes() {
    let run = scenario("wait_blocks_then_wakes");
    took_at_least(&run, 1);
}

#[test]
fn zombie_keeps_status() {
    let run = scenario("zombie_keeps_status");
    took_at_least(&run, 2);
}

#[test]
fn orphan_reparent() {
    scenario("orphan_reparent");
}

#[test]
fn orphans_reaped_by_init() {
    scenario_with_timeout("orphans_reaped_by_init", Duration::from_secs(120));
}

#[test]
fn cow_globals() {
    scenario("cow_globals");
}

#[test]
fn cow_stack_nested() {
    scenario("cow_stack_nested");
}

#[test]
fn cow_heap_three() {
    scenario("cow_heap_three");
}

#[test]
fn exit_wait_races() {
    scenario_with_timeout("exit_wait_races", Duration::from_secs(120));
}

#[test]
fn sleep_bounds() {
    let run = scenario("sleep_bounds");
    // sleep(1) + sleep(2): an early wake-up shows on the host clock too.
    took_at_least(&run, 3);
}

#[test]
fn parallel_sleeps() {
    let run = scenario("parallel_sleeps");
    // The longest of the children sleeps 3 s.
    took_at_least(&run, 3);
}

#[test]
fn preemption() {
    let run = scenario("preemption");
    took_at_least(&run, 1);
}

#[test]
fn sleep_under_load() {
    let run = scenario("sleep_under_load");
    took_at_least(&run, 3);
}

// Robustness

#[test]
fn null_deref() {
    let run = scenario("null_deref");
    // A store to 0 and a load from 8.
    killed_with(&run, "SIGSEGV", 2);
}

#[test]
fn text_write() {
    let run = scenario("text_write");
    killed_with(&run, "SIGSEGV", 1);
}

#[test]
fn kernel_memory() {
    let run = scenario("kernel_memory");
    // A read and a write.
    killed_with(&run, "SIGSEGV", 2);
}

#[test]
fn arith_traps() {
    let run = scenario("arith_traps");
    killed_with(&run, "SIGFPE", 1);
    killed_with(&run, "SIGILL", 1);
    killed_with(&run, "SIGTRAP", 1);
}

#[test]
fn fault_isolation() {
    let run = scenario("fault_isolation");
    let kills = run
        .lines()
        .filter(|l| l.contains(expect::KILLED) && l.contains("SIG"))
        .count();
    if kills == 0 {
        run.fail(&["no kernel line reports the faulting child's death".to_owned()]);
    }
}

#[test]
fn bad_pointers_efault() {
    let run = scenario("bad_pointers_efault");
    // EFAULT is an error return, not a kill: the caller lives on.
    let kills = run
        .lines()
        .filter(|l| l.contains(expect::KILLED) && l.contains("SIG"))
        .count();
    if kills != 0 {
        run.fail(&["a process was killed although bad pointers must only give EFAULT".to_owned()]);
    }
}

// Stress

#[test]
fn fork_until_full() {
    scenario_with_timeout("fork_until_full", Duration::from_secs(120));
}

#[test]
fn fork_tree() {
    scenario("fork_tree");
}

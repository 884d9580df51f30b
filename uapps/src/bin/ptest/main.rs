//! `ptest <case>|all|list`: the process-model acceptance scenarios, one case each.
//!
//! Each case prints `PASS <case>` or `FAIL: <case>: <why>`; the program exits 0 only if every
//! case it ran passed, 1 otherwise (2 for a usage error). `ptest all` runs every case in a
//! forked child, one after another, and ends with `ptest: <p> passed, <f> failed`.
//!
//! The tests boot it as the first program (`init=/bin/ptest -- <case>`), so it takes on pid
//! 1's duties: after the case it collects every remaining child (orphans are re-parented to
//! it) until `wait` reports `ECHILD`, and an orphan that ended badly fails the run. Cases pass
//! under any parent except `first_program_ppid`, which needs pid 1.
//!
//! Besides the verdict, cases print informational lines that start with `<case>: `; see the
//! case functions below and `docs/sdk.md`. Faulting code always runs in a forked child; the
//! parent checks the child's status and then prints `<case>: parent still alive`.
//!
//! The driver (the command line, running the cases, collecting children, the verdicts) is
//! `uapps::cases`, shared with `hostile`.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::hint::black_box;
use core::sync::atomic::{AtomicU8, AtomicU32, Ordering};
use core::time::Duration;

use uapps::cases::{Case, CaseError, Suite, Wording, expect_exit, expect_signal, spawn};
use uapps::fault::{Fault, SURVIVED};
use uapps::raw_calls;
use uapps::{Millis, TreeLabel, bail, ensure};
use ulib::prelude::*;

// The cases, grouped as in the case list below.
mod basic;
mod robustness;
mod semantics;
mod stress;
// The one group that makes raw system calls with pointers the kernel writes through.
#[allow(unsafe_code)]
mod raw_probes;

ulib::entry!(main);

/// Why a case did not pass.
enum Failure {
    /// The case failed for this reason.
    Msg(String),
    /// Not a failure: this process is a child that must leave by returning this status from
    /// `main` (what `exit_codes` checks).
    ReturnFromMain(i32),
}

impl From<String> for Failure {
    fn from(why: String) -> Failure {
        Failure::Msg(why)
    }
}

impl CaseError for Failure {
    fn reason(self) -> String {
        match self {
            Failure::Msg(why) => why,
            Failure::ReturnFromMain(_) => {
                String::from("the test process itself was asked to leave")
            }
        }
    }

    fn return_from_main(&self) -> Option<i32> {
        match *self {
            Failure::ReturnFromMain(code) => Some(code),
            Failure::Msg(_) => None,
        }
    }
}

type Verdict = Result<(), Failure>;

const SUITE: Suite<Failure> = Suite {
    program: "ptest",
    usage: "<case> | all | list",
    cases: &[
        Case::new("fork_returns", basic::fork_returns),
        Case::new("getpid_unique", basic::getpid_unique),
        // Inspects the identity of the process it runs in.
        Case::in_process("first_program_ppid", basic::first_program_ppid),
        Case::new("exit_codes", basic::exit_codes),
        Case::new("exit_is_final", basic::exit_is_final),
        Case::new("wait_echild", basic::wait_echild),
        Case::new("wait_exact_count", basic::wait_exact_count),
        Case::new("bss_zero", basic::bss_zero),
        Case::new("yield_basic", basic::yield_basic),
        Case::new("waitpid_specific", semantics::waitpid_specific),
        Case::new("wnohang_poll", semantics::wnohang_poll),
        Case::new("wait_blocks_then_wakes", semantics::wait_blocks_then_wakes),
        Case::new("zombie_keeps_status", semantics::zombie_keeps_status),
        Case::new("orphan_reparent", semantics::orphan_reparent),
        Case::new("orphans_reaped_by_init", semantics::orphans_reaped_by_init),
        Case::new("cow_globals", semantics::cow_globals),
        Case::new("cow_stack_nested", semantics::cow_stack_nested),
        Case::new("cow_heap_three", semantics::cow_heap_three),
        Case::new("exit_wait_races", semantics::exit_wait_races),
        Case::new("sleep_bounds", semantics::sleep_bounds),
        Case::new("parallel_sleeps", semantics::parallel_sleeps),
        Case::new("preemption", semantics::preemption),
        Case::new("sleep_under_load", semantics::sleep_under_load),
        Case::new("null_deref", robustness::null_deref),
        Case::new("text_write", robustness::text_write),
        Case::new("kernel_memory", robustness::kernel_memory),
        Case::new("arith_traps", robustness::arith_traps),
        Case::new("fault_isolation", robustness::fault_isolation),
        Case::new("bad_pointers_efault", raw_probes::bad_pointers_efault),
        Case::new("fork_until_full", stress::fork_until_full),
        Case::new("fork_tree", stress::fork_tree),
    ],
    wording: Wording::TEST_PROCESS,
};

fn main() -> i32 {
    SUITE.main()
}

fn is_pid1() -> bool {
    getpid() == Pid::from_raw(1)
}

// ---------------------------------------------------------------------------------------
// Helpers

/// Waits once per child in `kids` (pid -> expected exit code): every wait must return one of
/// them, unreaped so far, with its code; then one more wait must fail with ECHILD.
fn reap_exactly(mut kids: BTreeMap<Pid, i32>) -> Verdict {
    let total = kids.len();
    for n in 0..total {
        match wait() {
            Ok(WaitStatus::Exited(pid, code)) => match kids.remove(&pid) {
                Some(i) if i == code => {}
                Some(i) => bail!("wait {n}: child {pid} exited with {code}, expected {i}"),
                None => bail!("wait {n}: returned {pid}, not an unreaped child"),
            },
            other => bail!("wait {n} of {total}: {other:?}"),
        }
    }
    let r = wait();
    ensure!(
        r == Err(Errno::ECHILD),
        "wait number {} gave {r:?}, expected ECHILD",
        total + 1
    );
    Ok(())
}

fn ms(d: Duration) -> Millis {
    Millis::from_duration(d)
}

//! `sigtest <case>|all|list`: the signal and process-group scenarios (1-25 of the list in
//! docs/testing.md) and the bad-input cases of the signal calls, one case each.
//!
//! The same driver as `ptest` (`uapps::cases`): each case prints `PASS <case>` or
//! `FAIL: <case>: <why>`; the exit status is 0 only if every case run passed. The tests boot it
//! as the first program (`init=/bin/sigtest -- <case>`), so a single case runs in pid 1 (which
//! ignores the signals it has no handler for) while `sigtest all` runs each case in a child.
//! That is why every default action a case checks is taken in a forked child, and why the
//! parent of such a child checks the child's wait status.
//!
//! Handlers only touch atomics and make async-signal-safe system calls. Informational lines
//! start with `<case>: `. `sigtest --exec-probe` is the program `fork_exec_inherit` executes
//! to look at the signal state that survived `execve`; it is not a case.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use core::time::Duration;

use uapps::cases::{Case, Suite, Wording, expect_alive, expect_exit, expect_signal, nap, spawn};
use uapps::{bail, ensure};
use ulib::prelude::*;
use ulib::signal::{self, SaFlags, SigAction, SigHandler, SigSet, SigmaskHow};

// The cases, grouped as in the scenario list.
#[allow(unsafe_code)]
mod delivery;
mod groups;
mod sending;
// The groups that need raw system calls or hand-written machine code.
#[allow(unsafe_code)]
mod bad_input;
#[allow(unsafe_code)]
mod frames;
#[allow(unsafe_code)]
mod raw;

ulib::entry!(main);

type Verdict = Result<(), String>;

const SUITE: Suite<String> = Suite {
    program: "sigtest",
    usage: "<case> | all | list",
    cases: &[
        // Signals (scenarios 1-22).
        Case::new("handler_runs", delivery::handler_runs),
        Case::new("ign_and_dfl", delivery::ign_and_dfl),
        Case::new("uncatchable", delivery::uncatchable),
        Case::new("old_action", delivery::old_action),
        Case::new("mask_in_handler", delivery::mask_in_handler),
        Case::new("resethand", delivery::resethand),
        Case::new("procmask", delivery::procmask),
        Case::new("pending", delivery::pending),
        Case::new("suspend", delivery::suspend),
        Case::new("pause_eintr", delivery::pause_eintr),
        Case::new("kill_errors", sending::kill_errors),
        Case::new("kill_group", sending::kill_group),
        Case::new("kill_each_signal", sending::kill_each_signal),
        Case::new("killstatus", sending::killstatus),
        Case::new("sigchld", sending::sigchld),
        Case::new("nocldwait", sending::nocldwait),
        Case::new("wait_eintr_restart", sending::wait_eintr_restart),
        Case::new("alarm", sending::alarm),
        Case::new("stop_cont", sending::stop_cont),
        Case::new("stop_during_sleep", sending::stop_during_sleep),
        Case::new("kill_all", sending::kill_all),
        Case::new("orphaned_tstp", sending::orphaned_tstp),
        Case::new("fault_handler", frames::fault_handler),
        Case::new("fork_exec_inherit", frames::fork_exec_inherit),
        Case::new("fork_in_handler", delivery::fork_in_handler),
        Case::new("frame_forgery", frames::frame_forgery),
        // Process groups and sessions (scenarios 23-25).
        Case::new("pgid_basics", groups::pgid_basics),
        Case::new("pgid_errors", groups::pgid_errors),
        Case::new("setsid", groups::setsid),
        Case::new("orphaned_on_exit", groups::orphaned_on_exit),
        // Bad input (issue 8).
        Case::new("bad_signo", bad_input::bad_signo),
        Case::new("bad_how", bad_input::bad_how),
        Case::new("bad_pointers", bad_input::bad_pointers),
        Case::new("bad_restorer", frames::bad_restorer),
        Case::new("kernel_handler", frames::kernel_handler),
        Case::new("stack_bottom", frames::stack_bottom),
        Case::new("stray_sigreturn", frames::stray_sigreturn),
        Case::new("zombie_kill", bad_input::zombie_kill),
        Case::new("init_ignores", bad_input::init_ignores),
        Case::new("kill_flood", bad_input::kill_flood),
        Case::new("bad_times", bad_input::bad_times),
        Case::new("timer_storm", bad_input::timer_storm),
    ],
    wording: Wording::TEST_PROCESS,
};

fn main() -> i32 {
    if ulib::env::args().nth(1) == Some("--exec-probe") {
        return frames::exec_probe();
    }
    SUITE.main()
}

// ---------------------------------------------------------------------------------------
// Handlers and their counters

/// How many times each signal's [`count`] handler ran, indexed by signal number.
static COUNTS: [AtomicU32; 32] = [const { AtomicU32::new(0) }; 32];
/// The signal number the last [`count`] handler got.
static LAST_SIGNO: AtomicI32 = AtomicI32::new(0);

/// The handler most cases install: counts deliveries per signal.
extern "C" fn count(signo: i32) {
    if let Some(slot) = usize::try_from(signo).ok().and_then(|i| COUNTS.get(i)) {
        slot.fetch_add(1, Ordering::SeqCst);
    }
    LAST_SIGNO.store(signo, Ordering::SeqCst);
}

/// How many times [`count`] ran for `sig`.
fn counted(sig: Signal) -> u32 {
    COUNTS[sig as usize].load(Ordering::SeqCst)
}

/// Installs `action` for `sig`, returning the old action.
fn set_action(sig: Signal, action: &SigAction) -> Result<SigAction, String> {
    // SAFETY: the handlers of this program only touch atomics and make async-signal-safe
    // system calls (or end the process), so they may interrupt any code.
    #[allow(unsafe_code)]
    let old = unsafe { signal::sigaction(sig, action) };
    old.map_err(|e| format!("sigaction({sig}) failed: {}", e.name()))
}

/// Installs the handler `h` for `sig` with `flags` and `mask`.
fn install(
    sig: Signal,
    h: extern "C" fn(i32),
    flags: SaFlags,
    mask: SigSet,
) -> Result<SigAction, String> {
    set_action(sig, &SigAction::new(SigHandler::Handler(h), flags, mask))
}

/// Installs the counting handler for `sig` (no flags, empty mask).
fn catch(sig: Signal) -> Result<SigAction, String> {
    install(sig, count, SaFlags::empty(), SigSet::empty())
}

/// Sets `sig` to `SIG_IGN` or `SIG_DFL`.
fn set_disposition(sig: Signal, h: SigHandler) -> Result<SigAction, String> {
    set_action(sig, &SigAction::new(h, SaFlags::empty(), SigSet::empty()))
}

/// Whether `h` is the handler function `f`.
fn is_handler(h: SigHandler, f: extern "C" fn(i32)) -> bool {
    match h {
        SigHandler::Handler(g) => g as usize == f as usize,
        _ => false,
    }
}

/// A set of the given signals.
fn set_of(sigs: &[Signal]) -> SigSet {
    let mut s = SigSet::empty();
    for &sig in sigs {
        s.add(sig);
    }
    s
}

/// The signals in `s` as a bit mask (bit `n - 1` for signal `n`), for messages and compares.
fn bits(s: &SigSet) -> u32 {
    (1..=31)
        .filter_map(|n| Signal::try_from(n).ok())
        .filter(|&sig| s.contains(sig))
        .fold(0, |acc, sig| acc | 1 << (sig as u32 - 1))
}

/// The bit of `sig` in [`bits`]' format.
fn bit(sig: Signal) -> u32 {
    1 << (sig as u32 - 1)
}

/// The current signal mask.
fn current_mask() -> Result<SigSet, String> {
    let mut old = SigSet::empty();
    signal::sigprocmask(SigmaskHow::SIG_BLOCK, None, Some(&mut old))
        .map_err(|e| format!("sigprocmask(query) failed: {}", e.name()))?;
    Ok(old)
}

/// Replaces the signal mask with `set`, returning the old one.
fn set_mask(set: &SigSet) -> Result<SigSet, String> {
    let mut old = SigSet::empty();
    signal::sigprocmask(SigmaskHow::SIG_SETMASK, Some(set), Some(&mut old))
        .map_err(|e| format!("sigprocmask(SETMASK) failed: {}", e.name()))?;
    Ok(old)
}

/// `sigprocmask(how, set)`.
fn change_mask(how: SigmaskHow, sigs: &[Signal]) -> Result<(), String> {
    signal::sigprocmask(how, Some(&set_of(sigs)), None)
        .map_err(|e| format!("sigprocmask({how:?}) failed: {}", e.name()))
}

/// The pending set.
fn pending_set() -> Result<SigSet, String> {
    signal::sigpending().map_err(|e| format!("sigpending failed: {}", e.name()))
}

/// `raise(sig)` that must succeed.
fn raise(sig: Signal) -> Verdict {
    signal::raise(sig).map_err(|e| format!("raise({sig}) failed: {}", e.name()))
}

/// `kill(pid, sig)` that must succeed.
fn send(pid: Pid, sig: Signal) -> Verdict {
    signal::kill(pid, Some(sig)).map_err(|e| format!("kill({pid}, {sig}) failed: {}", e.name()))
}

// ---------------------------------------------------------------------------------------
// Children

/// Forks a child that waits for signals forever (`pause` in a loop); end it with [`end`].
fn spawn_pauser() -> Result<Pid, String> {
    spawn(|| {
        loop {
            signal::pause();
        }
    })
}

/// Forks a child that runs `check` and exits 0 if it passes; otherwise it prints
/// `<case>: child: <why>` and exits 1.
fn spawn_check(case: &'static str, check: impl FnOnce() -> Verdict) -> Result<Pid, String> {
    spawn(move || match check() {
        Ok(()) => 0,
        Err(why) => {
            println!("{case}: child {}: {why}", getpid());
            1
        }
    })
}

/// Runs `check` in a child and requires it to pass (see [`spawn_check`]).
fn in_child(case: &'static str, check: impl FnOnce() -> Verdict) -> Verdict {
    let child = spawn_check(case, check)?;
    expect_exit(child, 0, "the checking child (see its line above)")
}

/// Kills `child` with SIGKILL and requires it to die of it.
fn end(child: Pid) -> Verdict {
    send(child, Signal::SIGKILL)?;
    expect_signal(child, Signal::SIGKILL, "child killed with SIGKILL")
}

/// Yields until `done()` holds or `limit` passes; whether it held.
fn wait_until(limit: Duration, done: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > limit {
            return done();
        }
        yield_now();
    }
    true
}

/// Waits up to 5 s for the counting handler to have run `n` times for `sig`.
fn await_count(sig: Signal, n: u32) -> bool {
    wait_until(Duration::from_secs(5), || counted(sig) >= n)
}

fn is_pid1() -> bool {
    getpid() == Pid::from_raw(1)
}

/// The address of handler `f`, as `struct sigaction` holds it.
fn fn_addr(f: extern "C" fn(i32)) -> u32 {
    f as usize as u32
}

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

use uapps::cases::{Case, CaseError, Suite, Wording, spawn};
use uapps::fault::{Fault, SURVIVED};
use uapps::{Millis, TreeLabel, bail, ensure};
use ulib::prelude::*;

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
        Case::new("fork_returns", fork_returns),
        Case::new("getpid_unique", getpid_unique),
        // Inspects the identity of the process it runs in.
        Case::in_process("first_program_ppid", first_program_ppid),
        Case::new("exit_codes", exit_codes),
        Case::new("exit_is_final", exit_is_final),
        Case::new("wait_echild", wait_echild),
        Case::new("wait_exact_count", wait_exact_count),
        Case::new("bss_zero", bss_zero),
        Case::new("yield_basic", yield_basic),
        Case::new("waitpid_specific", waitpid_specific),
        Case::new("wnohang_poll", wnohang_poll),
        Case::new("wait_blocks_then_wakes", wait_blocks_then_wakes),
        Case::new("zombie_keeps_status", zombie_keeps_status),
        Case::new("orphan_reparent", orphan_reparent),
        Case::new("orphans_reaped_by_init", orphans_reaped_by_init),
        Case::new("cow_globals", cow_globals),
        Case::new("cow_stack_nested", cow_stack_nested),
        Case::new("cow_heap_three", cow_heap_three),
        Case::new("exit_wait_races", exit_wait_races),
        Case::new("sleep_bounds", sleep_bounds),
        Case::new("parallel_sleeps", parallel_sleeps),
        Case::new("preemption", preemption),
        Case::new("sleep_under_load", sleep_under_load),
        Case::new("null_deref", null_deref),
        Case::new("text_write", text_write),
        Case::new("kernel_memory", kernel_memory),
        Case::new("arith_traps", arith_traps),
        Case::new("fault_isolation", fault_isolation),
        Case::new("bad_pointers_efault", raw_probes::bad_pointers_efault),
        Case::new("fork_until_full", fork_until_full),
        Case::new("fork_tree", fork_tree),
    ],
    wording: Wording {
        driver: "test driver",
        fork_failed: "cannot fork the test process",
        wait_failed: "wait for the test process failed",
        leftover: |status| format!("{} {status}", status.pid().map_or(0, Pid::as_raw)),
    },
};

fn main() -> i32 {
    SUITE.main()
}

fn is_pid1() -> bool {
    getpid() == Pid::from_raw(1)
}

// ---------------------------------------------------------------------------------------
// Helpers

/// Waits for `child` and requires it to have exited with `code`.
fn expect_exit(child: Pid, code: i32, what: &str) -> Verdict {
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Exited(pid, got)) if pid == child && got == code => Ok(()),
        other => bail!("{what}: expected Exited({child}, {code}), waitpid gave {other:?}"),
    }
}

/// Waits for `child` and requires it to have been killed by `sig`.
fn expect_signal(child: Pid, sig: Signal, what: &str) -> Verdict {
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Signaled(pid, got)) if pid == child && got == sig => Ok(()),
        other => bail!("{what}: expected Signaled({child}, {sig}), waitpid gave {other:?}"),
    }
}

fn ms(d: Duration) -> Millis {
    Millis::from_duration(d)
}

// ---------------------------------------------------------------------------------------
// Basic

/// LTP fork01, getppid02.
fn fork_returns() -> Verdict {
    let parent = getpid();
    let child = spawn(|| {
        if getpid() == parent {
            println!("fork_returns: child has its parent's pid {parent}");
            return 1;
        }
        if getppid() != parent {
            println!(
                "fork_returns: child's getppid() is {}, expected {parent}",
                getppid()
            );
            return 2;
        }
        42
    })?;
    println!("fork_returns: parent {parent} forked child {child}");
    ensure!(
        child.as_raw() > 0,
        "fork returned pid {child} in the parent"
    );
    ensure!(
        child != parent,
        "fork returned the parent's own pid {parent}"
    );
    expect_exit(child, 42, "child")?;
    // The child's getpid() must equal what fork returned: it reports it as its status.
    let child = spawn(|| getpid().as_raw() & 0xff)?;
    expect_exit(
        child,
        child.as_raw() & 0xff,
        "child reporting its getpid() & 0xff",
    )?;
    Ok(())
}

/// LTP getpid01: 100 children in batches of 10 that all exist at once.
fn getpid_unique() -> Verdict {
    let me = getpid();
    for batch in 0..10 {
        let mut kids: Vec<Pid> = Vec::new();
        for _ in 0..10 {
            let kid = spawn(|| {
                let pid = getpid();
                if pid.as_raw() <= 1 || pid == me {
                    return 250;
                }
                if getppid() != me {
                    return 251;
                }
                pid.as_raw() % 200
            })?;
            ensure!(kid.as_raw() > 1, "batch {batch}: fork returned pid {kid}");
            ensure!(kid != me, "batch {batch}: fork returned the parent's pid");
            ensure!(
                !kids.contains(&kid),
                "batch {batch}: pid {kid} handed out twice"
            );
            kids.push(kid);
        }
        // None is reaped before all ten exist, so their pids must all differ.
        for kid in kids {
            expect_exit(kid, kid.as_raw() % 200, "child reporting getpid() % 200")?;
        }
    }
    Ok(())
}

/// LTP getppid01: only meaningful for the first program.
fn first_program_ppid() -> Verdict {
    let (pid, ppid) = (getpid(), getppid());
    println!("first_program_ppid: pid {pid} ppid {ppid}");
    ensure!(
        pid == Pid::from_raw(1),
        "not the first program (pid {pid}, ppid {ppid}): boot with init=/bin/ptest -- first_program_ppid"
    );
    ensure!(
        ppid == Pid::from_raw(0),
        "the first program's getppid() is {ppid}, expected 0"
    );
    Ok(())
}

/// LTP exit01, wait02; gVisor.
fn exit_codes() -> Verdict {
    // (argument to exit, status the parent must see)
    let codes = [(0, 0), (1, 1), (123, 123), (255, 255), (256, 0), (-1, 255)];
    for (code, seen) in codes {
        let child = spawn(move || code)?;
        expect_exit(child, seen, &format!("exit({code})"))?;
        println!("exit_codes: exit({code}) -> Exited({seen})");
    }
    let child = match fork() {
        Ok(ForkResult::Child) => return Err(Failure::ReturnFromMain(100)),
        Ok(ForkResult::Parent { child }) => child,
        Err(e) => bail!("fork failed: {}", e.name()),
    };
    expect_exit(child, 100, "returning 100 from main")?;
    println!("exit_codes: return 100 from main -> Exited(100)");
    Ok(())
}

/// rCore ch5_exit0; LTP exit02: a 200-byte line arrives whole, nothing runs after exit.
fn exit_is_final() -> Verdict {
    let child = spawn(|| {
        // 199 characters and the newline: 200 bytes in one write.
        let mut line = String::from("exit_is_final: ");
        for i in 0..180u8 {
            line.push(char::from(b'0' + i % 10));
        }
        line.push_str("|END");
        println!("{line}");
        raw_probes::exit_once(7);
        println!("FAIL: exit_is_final: code after exit() ran");
        exit(1)
    })?;
    expect_exit(child, 7, "child that wrote a line and called exit(7)")
}

/// LTP wait01, waitpid09; NetBSD t_wait_noproc.
fn wait_echild() -> Verdict {
    ensure!(
        wait() == Err(Errno::ECHILD),
        "wait() with no children: {:?}",
        wait()
    );
    let r = waitpid(None, WaitFlags::empty());
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(-1, 0) with no children: {r:?}"
    );
    let r = waitpid(None, WaitFlags::WNOHANG);
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(-1, WNOHANG) with no children: {r:?}"
    );
    let r = waitpid(Some(getpid()), WaitFlags::WNOHANG);
    ensure!(r == Err(Errno::ECHILD), "waitpid(self, WNOHANG): {r:?}");
    // And again once the only child has been collected.
    let child = spawn(|| 0)?;
    expect_exit(child, 0, "child")?;
    let r = waitpid(Some(child), WaitFlags::WNOHANG);
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(reaped child, WNOHANG): {r:?}"
    );
    let r = waitpid(None, WaitFlags::WNOHANG);
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(-1, WNOHANG) after the last child: {r:?}"
    );
    ensure!(
        wait() == Err(Errno::ECHILD),
        "wait() after the last child: {:?}",
        wait()
    );
    Ok(())
}

/// xv6 forktest; rCore forktest: 30 children, 30 waits, then ECHILD.
fn wait_exact_count() -> Verdict {
    let mut kids = BTreeMap::new();
    for i in 0..30 {
        let kid = spawn(move || i)?;
        kids.insert(kid, i);
    }
    reap_exactly(kids)
}

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

/// A 10000-byte zero-initialised static: it lives in `.bss`.
static BSS: [AtomicU8; 10_000] = [const { AtomicU8::new(0) }; 10_000];

fn bss_nonzero() -> usize {
    black_box(&BSS)
        .iter()
        .filter(|b| b.load(Ordering::Relaxed) != 0)
        .count()
}

/// xv6 bsstest.
fn bss_zero() -> Verdict {
    let n = bss_nonzero();
    ensure!(
        n == 0,
        "{n} of 10000 .bss bytes are not zero in the program"
    );
    let child = spawn(|| {
        let n = bss_nonzero();
        if n != 0 {
            println!("bss_zero: {n} of 10000 .bss bytes are not zero in the child");
            return 1;
        }
        for b in &BSS {
            b.store(0xA5, Ordering::Relaxed);
        }
        if bss_nonzero() != BSS.len() {
            return 2;
        }
        0
    })?;
    expect_exit(child, 0, "child checking .bss")?;
    let n = bss_nonzero();
    ensure!(
        n == 0,
        "the child's writes to .bss show in the parent ({n} bytes)"
    );
    Ok(())
}

/// rCore yield; LTP sched_yield01.
fn yield_basic() -> Verdict {
    let r = raw_probes::sched_yield();
    ensure!(r == 0, "yield returned {r}");
    let child = spawn(|| {
        for i in 0..5 {
            println!("yield_basic: child step {i}");
            if raw_probes::sched_yield() != 0 {
                return 1;
            }
        }
        0
    })?;
    for i in 0..5 {
        println!("yield_basic: parent step {i}");
        let r = raw_probes::sched_yield();
        ensure!(r == 0, "yield returned {r} in the parent");
    }
    // With a working yield the child has run a step for each of the parent's yields, so it
    // is done or nearly; a yield that never switches leaves it waiting for a timer tick.
    let mut polls = 0u32;
    loop {
        match waitpid(Some(child), WaitFlags::WNOHANG) {
            Ok(WaitStatus::StillAlive) => {
                polls += 1;
                ensure!(
                    polls <= 50,
                    "the child made no progress while the parent yielded 50 more times"
                );
                yield_now();
            }
            Ok(WaitStatus::Exited(pid, 0)) if pid == child => break,
            other => bail!("child: {other:?}"),
        }
    }
    println!("yield_basic: child done after {polls} more parent yields");
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Semantics

/// LTP waitpid03.
fn waitpid_specific() -> Verdict {
    let mut kids = Vec::new();
    for i in 0..25 {
        kids.push(spawn(move || i)?);
    }
    let k12 = kids[12];
    expect_exit(k12, 12, "waitpid(kid[12])")?;
    let r = waitpid(Some(k12), WaitFlags::empty());
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(kid[12]) again gave {r:?}, expected ECHILD"
    );
    let left: BTreeMap<Pid, i32> = kids
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != 12)
        .map(|(i, &pid)| (pid, i as i32))
        .collect();
    reap_exactly(left)
}

/// LTP waitpid07/09.
fn wnohang_poll() -> Verdict {
    let child = spawn(|| {
        sleep(1);
        7
    })?;
    let r = waitpid(Some(child), WaitFlags::WNOHANG);
    ensure!(
        r == Ok(WaitStatus::StillAlive),
        "waitpid(child, WNOHANG) on a sleeping child: {r:?}"
    );
    let r = waitpid(None, WaitFlags::WNOHANG);
    ensure!(
        r == Ok(WaitStatus::StillAlive),
        "waitpid(-1, WNOHANG) on a sleeping child: {r:?}"
    );
    for bad in [0x2u32, 0x80, 0x8000_0000, 0x3] {
        let r = raw_probes::waitpid_null_status(child.as_raw(), bad);
        ensure!(
            r == Err(Errno::EINVAL),
            "waitpid with options {bad:#x}: {r:?}, expected EINVAL"
        );
    }
    let start = Instant::now();
    let mut polls = 0u32;
    loop {
        match waitpid(Some(child), WaitFlags::WNOHANG) {
            Ok(WaitStatus::StillAlive) => {
                polls += 1;
                ensure!(
                    start.elapsed() < Duration::from_secs(5),
                    "child still alive after 5 s"
                );
                yield_now();
            }
            Ok(WaitStatus::Exited(pid, 7)) if pid == child => break,
            other => bail!("polling: {other:?}"),
        }
    }
    println!("wnohang_poll: {polls} polls returned StillAlive before the child's status");
    let r = waitpid(Some(child), WaitFlags::WNOHANG);
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(child, WNOHANG) after reaping: {r:?}"
    );
    Ok(())
}

/// LTP wait401.
fn wait_blocks_then_wakes() -> Verdict {
    let start = Instant::now();
    let child = spawn(|| {
        sleep(1);
        3
    })?;
    let r = wait();
    let took = start.elapsed();
    ensure!(r == Ok(WaitStatus::Exited(child, 3)), "wait gave {r:?}");
    println!(
        "wait_blocks_then_wakes: wait returned after {} ms",
        ms(took)
    );
    ensure!(
        took >= Duration::from_secs(1),
        "wait returned before the child's sleep(1) ended"
    );
    ensure!(
        took < Duration::from_millis(1500),
        "wait woke {} ms after the start",
        ms(took)
    );
    Ok(())
}

/// LTP wait02; xv6 zombie.c.
fn zombie_keeps_status() -> Verdict {
    let child = spawn(|| 0x2A)?;
    let start = Instant::now();
    let left = sleep(2);
    let slept = start.elapsed();
    ensure!(
        left == 0 && slept >= Duration::from_secs(2),
        "sleep(2) returned {left} after {slept:?} while a child exited (woke early)"
    );
    let r = wait();
    ensure!(
        r == Ok(WaitStatus::Exited(child, 0x2A)),
        "wait after 2 s gave {r:?}"
    );
    let r = wait();
    ensure!(r == Err(Errno::ECHILD), "a second wait gave {r:?}");
    Ok(())
}

/// The grandchild of `orphan_reparent`: once its parent is gone, its parent must be pid 1.
fn reparented_grandchild(parent: Pid) -> i32 {
    let start = Instant::now();
    while getppid() == parent && start.elapsed() < Duration::from_secs(5) {
        yield_now();
    }
    let now = getppid();
    if now == Pid::from_raw(1) {
        println!("orphan_reparent: grandchild {} now has parent 1", getpid());
        0
    } else {
        println!(
            "FAIL: orphan_reparent: grandchild's parent is {now} after its parent {parent} exited, expected 1"
        );
        1
    }
}

/// LTP prctl03; NetBSD t_fork; xv6 reparent.
fn orphan_reparent() -> Verdict {
    let child = spawn(|| {
        let me = getpid();
        match fork() {
            Ok(ForkResult::Child) => exit(reparented_grandchild(me)),
            Ok(ForkResult::Parent { child }) => {
                println!("orphan_reparent: child {me} forked grandchild {child} and exits");
                0
            }
            Err(_) => 1,
        }
    })?;
    expect_exit(child, 0, "child")?;
    if is_pid1() {
        // We are pid 1: the orphan is ours now.
        match wait() {
            Ok(WaitStatus::Exited(pid, 0)) if pid != child => {
                println!("orphan_reparent: pid 1 reaped the orphan {pid}");
            }
            other => bail!("pid 1 collecting the orphan: {other:?}"),
        }
    } else {
        // pid 1 collects (and, if it is `ptest all`, checks) the orphan; give it time to
        // report before the verdict.
        sleep(1);
    }
    Ok(())
}

/// xv6 reparent2: 800 rounds of a child doing fork(); fork(); exit(0).
fn orphans_reaped_by_init() -> Verdict {
    const ROUNDS: u32 = 800;
    let pid1 = is_pid1();
    let mut orphans = 0u32;
    let mut check_orphan = |status: WaitStatus| -> Verdict {
        orphans += 1;
        match status {
            WaitStatus::Exited(_, 0) => Ok(()),
            other => bail!("orphan {:?} {other}: one of its forks failed", other.pid()),
        }
    };
    for round in 0..ROUNDS {
        let child = match fork() {
            Ok(ForkResult::Child) => {
                // Both forks must work; the two or three processes this leaves end at once.
                if fork().is_err() || fork().is_err() {
                    exit(1);
                }
                exit(0);
            }
            Ok(ForkResult::Parent { child }) => child,
            Err(e) => bail!("round {round}: fork failed: {}", e.name()),
        };
        loop {
            match wait() {
                Ok(WaitStatus::Exited(pid, 0)) if pid == child => break,
                Ok(status) if status.pid() == Some(child) => {
                    bail!("round {round}: child {status}: one of its forks failed")
                }
                Ok(orphan) => check_orphan(orphan)?,
                Err(e) => bail!("round {round}: wait failed: {}", e.name()),
            }
        }
    }
    if pid1 {
        while let Ok(orphan) = wait() {
            check_orphan(orphan)?;
        }
        ensure!(
            orphans == 3 * ROUNDS,
            "pid 1 collected {orphans} orphans, expected {}",
            3 * ROUNDS
        );
        println!("orphans_reaped_by_init: pid 1 reaped {orphans} orphans");
    }
    println!("orphans_reaped_by_init: {ROUNDS} rounds, no fork failed");
    Ok(())
}

/// A global in `.data`.
static DATA_WORD: AtomicU32 = AtomicU32::new(0x600D_DA7A);
/// A global in `.bss`.
static BSS_WORD: AtomicU32 = AtomicU32::new(0);

/// POSIX fork/2-1, 16-1; gVisor PrivateMapping.
fn cow_globals() -> Verdict {
    ensure!(
        DATA_WORD.load(Ordering::Relaxed) == 0x600D_DA7A,
        ".data word has the wrong initial value"
    );
    DATA_WORD.store(100, Ordering::Relaxed);
    BSS_WORD.store(100, Ordering::Relaxed);
    let child = spawn(|| {
        // Let the parent run its writes first.
        for _ in 0..20 {
            yield_now();
        }
        let (d, b) = (
            DATA_WORD.load(Ordering::Relaxed),
            BSS_WORD.load(Ordering::Relaxed),
        );
        if (d, b) != (100, 100) {
            println!("cow_globals: child sees .data {d} .bss {b}, expected 100 100");
            return 1;
        }
        DATA_WORD.store(200, Ordering::Relaxed);
        BSS_WORD.store(200, Ordering::Relaxed);
        let (d, b) = (
            DATA_WORD.load(Ordering::Relaxed),
            BSS_WORD.load(Ordering::Relaxed),
        );
        if (d, b) != (200, 200) {
            println!("cow_globals: child's own writes read back as {d} {b}");
            return 2;
        }
        0
    })?;
    DATA_WORD.store(300, Ordering::Relaxed);
    BSS_WORD.store(300, Ordering::Relaxed);
    expect_exit(child, 0, "child checking the globals")?;
    let (d, b) = (
        DATA_WORD.load(Ordering::Relaxed),
        BSS_WORD.load(Ordering::Relaxed),
    );
    ensure!(
        (d, b) == (300, 300),
        "parent sees .data {d} .bss {b} after the child wrote, expected 300 300"
    );
    Ok(())
}

/// gVisor PrivateMemory: a stack counter reads 2, 1, 0 in the three processes.
fn cow_stack_nested() -> Verdict {
    let mut counter = [2u32; 8];
    black_box(&mut counter);
    let child = spawn(|| {
        counter[0] -= 1;
        black_box(&mut counter);
        let grandchild = match fork() {
            Ok(ForkResult::Child) => {
                counter[0] -= 1;
                black_box(&mut counter);
                println!(
                    "cow_stack_nested: grandchild {} reads {}",
                    getpid(),
                    counter[0]
                );
                exit(if counter[0] == 0 { 10 } else { 1 });
            }
            Ok(ForkResult::Parent { child }) => child,
            Err(_) => return 2,
        };
        let r = waitpid(Some(grandchild), WaitFlags::empty());
        println!(
            "cow_stack_nested: child {} reads {}",
            getpid(),
            black_box(&counter)[0]
        );
        match r {
            Ok(WaitStatus::Exited(_, 10)) if counter[0] == 1 => 11,
            _ => 3,
        }
    })?;
    expect_exit(child, 11, "child (counter 1) whose grandchild saw 0")?;
    let seen = black_box(&counter)[0];
    println!("cow_stack_nested: parent {} reads {seen}", getpid());
    ensure!(
        seen == 2,
        "parent's counter is {seen} after its children changed theirs, expected 2"
    );
    Ok(())
}

/// 64 pages of u32.
const COW_WORDS: usize = 64 * 4096 / 4;

fn stamp(buf: &mut [u32], tag: u32) {
    for (i, w) in buf.iter_mut().enumerate() {
        *w = tag ^ (i as u32);
    }
    black_box(buf);
}

fn stamped_with(buf: &[u32], tag: u32) -> bool {
    black_box(buf)
        .iter()
        .enumerate()
        .all(|(i, &w)| w == tag ^ (i as u32))
}

fn tag_of(pid: Pid, run: u32) -> u32 {
    (pid.as_raw() as u32).wrapping_mul(0x9E37_79B1) ^ (run << 24) ^ 0x5A5A_5A5A
}

/// One process's part of `cow_heap_three`: restamp with its own tag, let the others run,
/// check. Returns whether the content was right throughout.
fn cow_stamp_and_check(who: &str, buf: &mut [u32], tag: u32) -> bool {
    stamp(buf, tag);
    for _ in 0..3 {
        yield_now();
    }
    let ok = stamped_with(buf, tag);
    if !ok {
        println!("cow_heap_three: {who} {}: wrong content", getpid());
    }
    ok
}

/// MIT cowtest threetest.
fn cow_heap_three() -> Verdict {
    for run in 0..3 {
        let mut buf = vec![0u32; COW_WORDS];
        let first = tag_of(getpid(), run);
        stamp(&mut buf, first);
        let child = spawn(|| {
            if !stamped_with(&buf, first) {
                println!("cow_heap_three: child: wrong content inherited");
                return 1;
            }
            let grandchild = match fork() {
                Ok(ForkResult::Child) => {
                    let ok = stamped_with(&buf, first)
                        && cow_stamp_and_check("grandchild", &mut buf, tag_of(getpid(), run));
                    exit(if ok { 0 } else { 1 });
                }
                Ok(ForkResult::Parent { child }) => child,
                Err(_) => return 2,
            };
            let mine = tag_of(getpid(), run);
            let mut ok = cow_stamp_and_check("child", &mut buf, mine);
            ok &= matches!(
                waitpid(Some(grandchild), WaitFlags::empty()),
                Ok(WaitStatus::Exited(_, 0))
            );
            ok &= stamped_with(&buf, mine);
            if ok { 0 } else { 3 }
        })?;
        let mine = first ^ 0xFFFF_0000;
        ensure!(
            cow_stamp_and_check("parent", &mut buf, mine),
            "run {run}: wrong content in the parent"
        );
        expect_exit(child, 0, &format!("run {run}: child and grandchild"))?;
        ensure!(
            stamped_with(&buf, mine),
            "run {run}: wrong content in the parent after the children ended"
        );
    }
    Ok(())
}

/// xv6 exitwait, twochildren.
fn exit_wait_races() -> Verdict {
    for i in 0..100 {
        let child = spawn(move || i)?;
        let r = wait();
        ensure!(
            r == Ok(WaitStatus::Exited(child, i)),
            "round {i}: wait gave {r:?}"
        );
    }
    for round in 0..1000 {
        let a = spawn(|| 1)?;
        let b = spawn(|| 2)?;
        let mut seen = [false; 2];
        for _ in 0..2 {
            match wait() {
                Ok(WaitStatus::Exited(pid, 1)) if pid == a && !seen[0] => seen[0] = true,
                Ok(WaitStatus::Exited(pid, 2)) if pid == b && !seen[1] => seen[1] = true,
                other => bail!("pair {round} ({a}: 1, {b}: 2): wait gave {other:?}"),
            }
        }
    }
    Ok(())
}

/// LTP nanosleep01; POSIX nanosleep/2-1: waking early is always a failure.
fn sleep_bounds() -> Verdict {
    for secs in [1u32, 2] {
        let start = Instant::now();
        let left = sleep(secs);
        let took = start.elapsed();
        println!("sleep_bounds: sleep({secs}) took {} ms", ms(took));
        ensure!(left == 0, "sleep({secs}) returned {left}");
        let low = Duration::from_secs(u64::from(secs));
        ensure!(
            took >= low,
            "sleep({secs}) woke early, after {} ms",
            ms(took)
        );
        ensure!(
            took < low + Duration::from_millis(100),
            "sleep({secs}) took {} ms",
            ms(took)
        );
    }
    let start = Instant::now();
    let left = sleep(0);
    let took = start.elapsed();
    println!("sleep_bounds: sleep(0) took {} ms", ms(took));
    ensure!(left == 0, "sleep(0) returned {left}");
    ensure!(
        took < Duration::from_millis(20),
        "sleep(0) took {} ms",
        ms(took)
    );
    Ok(())
}

/// rCore forktest2.
fn parallel_sleeps() -> Verdict {
    let start = Instant::now();
    for secs in [3u32, 1, 2] {
        spawn(move || {
            sleep(secs);
            secs as i32
        })?;
    }
    let mut order = Vec::new();
    for _ in 0..3 {
        match wait() {
            Ok(WaitStatus::Exited(_, code)) => order.push(code),
            other => bail!("wait gave {other:?}"),
        }
    }
    let took = start.elapsed();
    println!(
        "parallel_sleeps: wake order {order:?} after {} ms",
        ms(took)
    );
    ensure!(
        order == [1, 2, 3],
        "children sleeping 3, 1, 2 s woke in order {order:?}"
    );
    ensure!(
        took >= Duration::from_secs(3),
        "3 s of sleep ended after {} ms",
        ms(took)
    );
    ensure!(
        took < Duration::from_millis(3500),
        "sleeps of 3, 1 and 2 s took {} ms together",
        ms(took)
    );

    let start = Instant::now();
    let mut kids = BTreeMap::new();
    for i in 0..30 {
        let kid = spawn(move || {
            sleep(1 + (i as u32 % 2));
            i
        })?;
        kids.insert(kid, i);
    }
    for _ in 0..30 {
        match wait() {
            Ok(WaitStatus::Exited(pid, code)) if kids.get(&pid) == Some(&code) => {
                kids.remove(&pid);
            }
            other => bail!("30 sleepers: wait gave {other:?}"),
        }
    }
    let took = start.elapsed();
    println!(
        "parallel_sleeps: 30 children sleeping 1-2 s finished after {} ms",
        ms(took)
    );
    ensure!(
        took >= Duration::from_secs(2),
        "30 sleepers done after only {} ms",
        ms(took)
    );
    ensure!(
        took < Duration::from_secs(3),
        "30 sleepers of 1-2 s took {} ms",
        ms(took)
    );
    Ok(())
}

/// xv6 preempt; POSIX sched_yield/1-1.
fn preemption() -> Verdict {
    let per_ms = uapps::spin_rate_per_ms();
    let child = spawn(|| {
        // About 3 s of counting without a single system call.
        uapps::spin(per_ms.saturating_mul(3000));
        0
    })?;
    let start = Instant::now();
    sleep(1);
    let took = start.elapsed();
    println!(
        "preemption: parent woke after {} ms while a child spins",
        ms(took)
    );
    let r = waitpid(Some(child), WaitFlags::WNOHANG);
    ensure!(
        r == Ok(WaitStatus::StillAlive),
        "the spinning child had already ended ({r:?})"
    );
    ensure!(took >= Duration::from_secs(1), "sleep(1) woke early");
    ensure!(
        took < Duration::from_millis(1500),
        "the parent starved: sleep(1) took {} ms",
        ms(took)
    );
    expect_exit(child, 0, "spinning child")
}

/// Beyond the peer suites: a sleeper must not queue behind busy processes when it wakes. With
/// eight children spinning (no system calls), `sleep(1)` still ends within a few ticks of its
/// deadline; a scheduler that put the woken sleeper at the back of the run queue would make it
/// wait for every spinner's 10 ms slice (about 80 ms).
fn sleep_under_load() -> Verdict {
    const SPINNERS: usize = 8;
    let per_ms = uapps::spin_rate_per_ms();
    let mut children = Vec::new();
    let until = Instant::now() + Duration::from_millis(3500);
    for _ in 0..SPINNERS {
        // Busy (never blocking) until after the parent's three sleeps.
        children.push(spawn(move || {
            while Instant::now() < until {
                uapps::spin(per_ms);
            }
            0
        })?);
    }
    let mut worst = Duration::ZERO;
    for _ in 0..3 {
        let start = Instant::now();
        sleep(1);
        let took = start.elapsed();
        ensure!(
            took >= Duration::from_secs(1),
            "sleep(1) woke early ({} ms)",
            ms(took)
        );
        worst = worst.max(took - Duration::from_secs(1));
    }
    println!(
        "sleep_under_load: worst overshoot {} ms with {SPINNERS} spinners",
        ms(worst)
    );
    ensure!(
        worst < Duration::from_millis(40),
        "a woken sleeper waited behind the spinners: overshoot {} ms",
        ms(worst)
    );
    for child in children {
        expect_exit(child, 0, "spinning child")?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Robustness

/// Runs each fault in its own child and requires its signal; then reports the parent alive.
fn fault_case(name: &str, faults: &[Fault]) -> Verdict {
    for &fault in faults {
        let expected = fault.expected_signal();
        match fault.run_in_child() {
            Ok(WaitStatus::Signaled(_, sig)) if sig == expected => {
                println!("{name}: {} -> killed by {sig}", fault.name());
            }
            Ok(WaitStatus::Exited(_, SURVIVED)) => {
                bail!(
                    "{}: the child survived its fault (expected {expected})",
                    fault.name()
                )
            }
            other => bail!("{}: expected {expected}, got {other:?}", fault.name()),
        }
    }
    println!("{name}: parent still alive");
    Ok(())
}

/// rCore store_fault; NetBSD t_wait.
fn null_deref() -> Verdict {
    fault_case("null_deref", &[Fault::NullStore, Fault::NullLoad])
}

/// xv6 textwrite.
fn text_write() -> Verdict {
    fault_case("text_write", &[Fault::TextWrite])
}

/// xv6 kernmem.
fn kernel_memory() -> Verdict {
    fault_case(
        "kernel_memory",
        &[Fault::KernelRead, Fault::KernelWrite, Fault::KernelReadHigh],
    )
}

/// gVisor exceptions.
fn arith_traps() -> Verdict {
    fault_case(
        "arith_traps",
        &[Fault::DivideByZero, Fault::InvalidOpcode, Fault::Breakpoint],
    )
}

/// xv6 runner: one faulting child beside three sleeping siblings.
fn fault_isolation() -> Verdict {
    let mut siblings = Vec::new();
    for i in 0..3 {
        siblings.push(spawn(move || {
            sleep(1);
            10 + i
        })?);
    }
    let faulty = spawn(|| {
        Fault::NullStore.trigger();
        SURVIVED
    })?;
    expect_signal(faulty, Signal::SIGSEGV, "faulting child")?;
    println!("fault_isolation: faulting child {faulty} killed by SIGSEGV");
    for (i, &sibling) in siblings.iter().enumerate() {
        expect_exit(sibling, 10 + i as i32, "sleeping sibling")?;
    }
    println!("fault_isolation: the three siblings finished normally");
    println!("fault_isolation: parent still alive");
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Stress

/// xv6 forktest; LTP fork12, setrlimit01.
fn fork_until_full() -> Verdict {
    const LIMIT: u32 = 100_000;
    let mut forked = 0u32;
    let error = loop {
        ensure!(forked < LIMIT, "fork still works after {LIMIT} children");
        match fork() {
            Ok(ForkResult::Child) => {
                sleep(2);
                exit(0);
            }
            Ok(ForkResult::Parent { .. }) => forked += 1,
            Err(e) => break e,
        }
    };
    let mut reaped = 0u32;
    while reaped < forked {
        match wait() {
            Ok(WaitStatus::Exited(_, 0)) => reaped += 1,
            other => bail!("wait {reaped} of {forked}: {other:?}"),
        }
    }
    println!(
        "fork_until_full: forked {forked} children, fork failed with {}, reaped {reaped}",
        error.name()
    );
    ensure!(
        error == Errno::EAGAIN || error == Errno::ENOMEM,
        "fork failed with {}, expected EAGAIN or ENOMEM",
        error.name()
    );
    ensure!(forked > 0, "not a single fork succeeded");
    let r = wait();
    ensure!(
        r == Err(Errno::ECHILD),
        "wait after {forked} waits gave {r:?}, expected ECHILD"
    );
    let child = spawn(|| 0)?;
    expect_exit(child, 0, "child of a fresh fork")
}

/// One node of `fork_tree`; returns the number of processes in its subtree, 0 on failure.
fn tree_node(label: TreeLabel, parent: Pid) -> i32 {
    const DEPTH: u32 = 4;
    let me = getpid();
    let ppid = getppid();
    println!("fork_tree: node {label} pid {me} ppid {ppid}");
    let mut ok = label == TreeLabel::ROOT || ppid == parent;
    if label.depth() == DEPTH {
        // Keep every leaf alive for a while, so all 31 processes exist at once.
        sleep(1);
        return i32::from(ok);
    }
    let mut count = 1;
    let mut children = 0;
    for side in 0..2 {
        match fork() {
            Ok(ForkResult::Child) => exit(tree_node(label.child(side), me)),
            Ok(ForkResult::Parent { .. }) => children += 1,
            Err(_) => ok = false,
        }
    }
    for _ in 0..children {
        match wait() {
            Ok(WaitStatus::Exited(_, n)) if n > 0 => count += n,
            _ => ok = false,
        }
    }
    if ok { count } else { 0 }
}

/// rCore forktree: depth 4, 31 processes.
fn fork_tree() -> Verdict {
    let total = tree_node(TreeLabel::ROOT, getppid());
    println!("fork_tree: {total} processes");
    ensure!(
        total == 31,
        "the tree counted {total} healthy processes, expected 31"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------

/// The cases that must reach the kernel exactly as written: bad pointers, single raw calls.
#[allow(unsafe_code)]
mod raw_probes {
    use alloc::vec;

    use super::Verdict;
    use uapps::cases::spawn;
    use uapps::ensure;
    use ulib::errno::{Errno, decode_result};
    use ulib::prelude::*;
    use ulib::raw;

    /// Calls `exit` once and returns what it returned, which it must never do.
    pub fn exit_once(code: i32) -> isize {
        // SAFETY: ending the process is always sound; if the call returns, nothing changed.
        unsafe { raw::sys_exit(code) }
    }

    /// The raw result of `sched_yield` (must be 0).
    pub fn sched_yield() -> isize {
        // SAFETY: yield only reschedules the caller.
        unsafe { raw::sys_yield() }
    }

    /// `waitpid(pid, NULL, options)`, for option bits `WaitFlags` cannot express.
    pub fn waitpid_null_status(pid: i32, options: u32) -> Result<usize, Errno> {
        // SAFETY: with a NULL status pointer the kernel writes no memory.
        decode_result(unsafe { raw::sys_waitpid(pid, 0, options) })
    }

    /// `write(1, addr, len)`: the kernel only reads the range, so any address is sound.
    fn write_from(addr: usize, len: usize) -> Result<usize, Errno> {
        // SAFETY: write only reads `[addr, addr + len)`; a bad range must fail with EFAULT.
        decode_result(unsafe { raw::sys_write(1, addr, len) })
    }

    /// Read-only data (in `.rodata`) for the kernel to (fail to) write a status into.
    static READ_ONLY: [u32; 4] = [0x5EED_0001, 0x5EED_0002, 0x5EED_0003, 0x5EED_0004];

    /// Addresses a status can never be stored at: kernel, wrapping, read-only data, code.
    fn bad_status_addresses() -> [(&'static str, usize); 5] {
        [
            ("kernel 0xC0000000", 0xC000_0000),
            ("kernel 0xFFFFF000", 0xFFFF_F000),
            ("wrapping 0xFFFFFFFE", 0xFFFF_FFFE),
            ("read-only data", READ_ONLY.as_ptr() as usize),
            (
                "own code",
                bad_status_addresses as fn() -> [(&'static str, usize); 5] as usize,
            ),
        ]
    }

    /// xv6 copyin/copyout/validatetest; LTP.
    pub fn bad_pointers_efault() -> Verdict {
        for (what, addr, len) in [
            ("NULL", 0usize, 16usize),
            ("kernel 0xC0000000", 0xC000_0000, 16),
            ("unmapped 0x70000000", 0x7000_0000, 16),
            ("wrapping 0xFFFFF000+0x2000", 0xFFFF_F000, 0x2000),
            ("user stack top into the kernel", 0xBFFF_FFF8, 16),
        ] {
            let r = write_from(addr, len);
            ensure!(
                r == Err(Errno::EFAULT),
                "write from {what}: {r:?}, expected EFAULT"
            );
        }
        let line = b"bad_pointers_efault: a valid write still works\n";
        let r = write_from(line.as_ptr() as usize, line.len());
        ensure!(r == Ok(line.len()), "a valid write gave {r:?}");

        let child = spawn(|| 5)?;
        for (what, addr) in bad_status_addresses() {
            // SAFETY: none of these addresses is writable memory of this process, so a
            // correct kernel writes nothing; were it to store 4 bytes there anyway, no live
            // Rust reference covers kernel memory, `.rodata` or code.
            let r = decode_result(unsafe { raw::sys_waitpid(child.as_raw(), addr, 0) });
            ensure!(
                r == Err(Errno::EFAULT),
                "waitpid with the status in {what}: {r:?}, expected EFAULT"
            );
        }
        // SAFETY: as above, the kernel half is never writable memory of this process.
        let r = decode_result(unsafe { raw::sys_wait(0xC000_0000) });
        ensure!(
            r == Err(Errno::EFAULT),
            "wait with the status in the kernel: {r:?}"
        );
        ensure!(
            READ_ONLY == [0x5EED_0001, 0x5EED_0002, 0x5EED_0003, 0x5EED_0004],
            "read-only data changed: {READ_ONLY:x?}"
        );
        // The failed calls changed nothing: the child is still there to collect, and a NULL
        // status pointer is legal.
        let r = waitpid_null_status(child.as_raw(), 0);
        ensure!(
            r == Ok(child.as_raw() as usize),
            "waitpid(child, NULL) after the EFAULTs gave {r:?}, expected {child}"
        );

        // A status straddling two pages at an odd address: both pages were touched before
        // the fork, so they are copy-on-write when the kernel stores into them.
        let mut buf = vec![0xAAu8; 3 * 4096];
        let start = buf.as_ptr() as usize;
        let boundary = (start + 4096) & !4095;
        let offset = boundary - 2 - start;
        let child = spawn(|| 0x17)?;
        let addr = buf[offset..offset + 4].as_mut_ptr() as usize;
        // SAFETY: `addr..addr + 4` lies inside `buf`, which this function owns exclusively
        // and does not read until the call returns.
        let r = decode_result(unsafe { raw::sys_waitpid(child.as_raw(), addr, 0) });
        ensure!(
            r == Ok(child.as_raw() as usize),
            "waitpid with a status straddling two pages: {r:?}, expected {child}"
        );
        let raw_status = i32::from_le_bytes([
            buf[offset],
            buf[offset + 1],
            buf[offset + 2],
            buf[offset + 3],
        ]);
        ensure!(
            raw_status == 0x17 << 8,
            "status stored across a page boundary reads {raw_status:#x}, expected {:#x}",
            0x17 << 8
        );
        ensure!(
            buf[offset - 1] == 0xAA && buf[offset + 4] == 0xAA,
            "waitpid wrote outside the 4 status bytes"
        );
        println!("bad_pointers_efault: caller still alive");
        Ok(())
    }
}

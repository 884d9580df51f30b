//! `bench [name...]`: process-subsystem micro-benchmarks, one `BENCH` line per result in the
//! format of docs/performance.md, so figures compare line by line with Linux and xv6 (whose
//! figures under the same QEMU are there too).
//!
//! Without arguments every benchmark runs; with arguments only the named ones.
//!
//! Output (times from the monotonic clock, integer arithmetic only):
//!
//! ```text
//! BENCH name=getpid ops=100000 ns_per_op=<t>
//! BENCH name=fork_exit_wait ops=2000 ns_per_op=<t>
//! BENCH name=fork_tree ops=1 ns_per_op=<t> total_ms=<ms.mmm> processes=255
//! BENCH name=yield_pingpong ops=200000 ns_per_op=<t>
//! BENCH name=sleep_accuracy ops=5 ns_per_op=<t> mean_overshoot_ms=<ms.mmm> max_overshoot_ms=<ms.mmm>
//! BENCH name=signal_roundtrip ops=20000 ns_per_op=<t>
//! bench: <name> failed: <why>                  (instead of a BENCH line; exit status 1)
//! ```
//!
//! `ns_per_op` is the total time divided by `ops`: per call, per fork+exit+wait round, for the
//! whole tree, per yield (switch), per `sleep(1)`, and per signal sent to oneself and handled
//! (`kill`, the frame built on the user stack, the handler, its return through `sigreturn`)
//! respectively. Overshoots are how much
//! longer than 1 s each `sleep(1)` took (negative if it woke early).

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::vec::Vec;
use core::hint::black_box;
use core::sync::atomic::{AtomicU32, Ordering};
use core::time::Duration;

use uapps::{Millis, TreeLabel};
use ulib::prelude::*;
use ulib::signal::{self, SaFlags, SigAction, SigHandler, SigSet};

ulib::entry!(main);

const GETPID_CALLS: u32 = 100_000;
const FORK_ROUNDS: u32 = 2_000;
/// Levels below the root: 2^8 - 1 = 255 processes, the peers' "depth 8" tree.
const TREE_DEPTH: u32 = 7;
const YIELDS_EACH: u32 = 100_000;
const SLEEPS: u32 = 5;
const SIGNALS: u32 = 20_000;

type Bench = fn() -> Result<(), &'static str>;

const BENCHES: &[(&str, Bench)] = &[
    ("getpid", getpid_bench),
    ("fork_exit_wait", fork_exit_wait),
    ("fork_tree", fork_tree),
    ("yield_pingpong", yield_pingpong),
    ("sleep_accuracy", sleep_accuracy),
    ("signal_roundtrip", signal_roundtrip),
];

fn main() -> i32 {
    let wanted: Vec<&str> = ulib::env::args().skip(1).collect();
    if let Some(unknown) = wanted
        .iter()
        .find(|w| !BENCHES.iter().any(|(name, _)| name == *w))
    {
        eprintln!("bench: unknown benchmark {unknown}");
        return 2;
    }
    let mut failed = 0;
    for (name, bench) in BENCHES {
        if !wanted.is_empty() && !wanted.contains(name) {
            continue;
        }
        if let Err(why) = bench() {
            println!("bench: {name} failed: {why}");
            failed += 1;
        }
    }
    if failed == 0 { 0 } else { 1 }
}

/// Nanoseconds per operation, rounded down.
fn per_op(total: Duration, ops: u32) -> u128 {
    total.as_nanos() / u128::from(ops.max(1))
}

fn getpid_bench() -> Result<(), &'static str> {
    let start = Instant::now();
    for _ in 0..GETPID_CALLS {
        black_box(getpid());
    }
    let total = start.elapsed();
    println!(
        "BENCH name=getpid ops={GETPID_CALLS} ns_per_op={}",
        per_op(total, GETPID_CALLS)
    );
    Ok(())
}

fn fork_exit_wait() -> Result<(), &'static str> {
    let start = Instant::now();
    for _ in 0..FORK_ROUNDS {
        let child = match fork() {
            Ok(ForkResult::Child) => exit(0),
            Ok(ForkResult::Parent { child }) => child,
            Err(_) => return Err("fork failed"),
        };
        match waitpid(Some(child), WaitFlags::empty()) {
            Ok(WaitStatus::Exited(_, 0)) => {}
            _ => return Err("child did not exit with status 0"),
        }
    }
    let total = start.elapsed();
    println!(
        "BENCH name=fork_exit_wait ops={FORK_ROUNDS} ns_per_op={}",
        per_op(total, FORK_ROUNDS)
    );
    Ok(())
}

/// A silent fork-tree node: returns whether its whole subtree was created and ended well.
fn tree_node(label: TreeLabel) -> bool {
    if label.depth() == TREE_DEPTH {
        return true;
    }
    let mut ok = true;
    let mut children = 0;
    for side in 0..2 {
        match fork() {
            Ok(ForkResult::Child) => exit(if tree_node(label.child(side)) { 0 } else { 1 }),
            Ok(ForkResult::Parent { .. }) => children += 1,
            Err(_) => ok = false,
        }
    }
    for _ in 0..children {
        ok &= matches!(wait(), Ok(WaitStatus::Exited(_, 0)));
    }
    ok
}

fn fork_tree() -> Result<(), &'static str> {
    let start = Instant::now();
    let ok = tree_node(TreeLabel::ROOT);
    let total = start.elapsed();
    if !ok {
        return Err("a node could not create or finish its subtree");
    }
    println!(
        "BENCH name=fork_tree ops=1 ns_per_op={} total_ms={} processes={}",
        per_op(total, 1),
        Millis::from_duration(total),
        (1u32 << (TREE_DEPTH + 1)) - 1
    );
    Ok(())
}

fn yield_pingpong() -> Result<(), &'static str> {
    let start = Instant::now();
    let child = match fork() {
        Ok(ForkResult::Child) => {
            for _ in 0..YIELDS_EACH {
                yield_now();
            }
            exit(0)
        }
        Ok(ForkResult::Parent { child }) => child,
        Err(_) => return Err("fork failed"),
    };
    for _ in 0..YIELDS_EACH {
        yield_now();
    }
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Exited(_, 0)) => {}
        _ => return Err("child did not exit with status 0"),
    }
    let total = start.elapsed();
    let ops = 2 * YIELDS_EACH;
    println!(
        "BENCH name=yield_pingpong ops={ops} ns_per_op={}",
        per_op(total, ops)
    );
    Ok(())
}

fn sleep_accuracy() -> Result<(), &'static str> {
    let second = Duration::from_secs(1);
    let mut total = Duration::ZERO;
    let mut sum_over = 0i64;
    let mut max_over = i64::MIN;
    for _ in 0..SLEEPS {
        let start = Instant::now();
        if sleep(1) != 0 {
            return Err("sleep(1) returned early");
        }
        let took = start.elapsed();
        total += took;
        let over = Millis::diff(took, second).0;
        sum_over += over;
        max_over = max_over.max(over);
    }
    println!(
        "BENCH name=sleep_accuracy ops={SLEEPS} ns_per_op={} mean_overshoot_ms={} max_overshoot_ms={}",
        per_op(total, SLEEPS),
        Millis(sum_over / i64::from(SLEEPS)),
        Millis(max_over)
    );
    Ok(())
}

/// How many times [`count_signal`] ran.
static HANDLED: AtomicU32 = AtomicU32::new(0);

extern "C" fn count_signal(_: i32) {
    HANDLED.fetch_add(1, Ordering::Relaxed);
}

/// `kill(self, SIGUSR1)` with a handler that returns: each operation is the system call, the
/// delivery on the way out (the frame pushed on the user stack, the handler entered), the
/// handler, and `sigreturn` through the restorer.
fn signal_roundtrip() -> Result<(), &'static str> {
    let act = SigAction::new(
        SigHandler::Handler(count_signal),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler only increments an atomic, which is safe at any point.
    #[allow(unsafe_code)]
    let old =
        unsafe { signal::sigaction(Signal::SIGUSR1, &act) }.map_err(|_| "sigaction failed")?;
    let me = getpid();
    let start = Instant::now();
    for _ in 0..SIGNALS {
        if signal::kill(me, Some(Signal::SIGUSR1)).is_err() {
            return Err("kill failed");
        }
    }
    let total = start.elapsed();
    // SAFETY: puts back the action found at the start.
    #[allow(unsafe_code)]
    unsafe { signal::sigaction(Signal::SIGUSR1, &old) }.map_err(|_| "sigaction failed")?;
    if HANDLED.load(Ordering::Relaxed) != SIGNALS {
        return Err("the handler did not run once per kill");
    }
    println!(
        "BENCH name=signal_roundtrip ops={SIGNALS} ns_per_op={}",
        per_op(total, SIGNALS)
    );
    Ok(())
}

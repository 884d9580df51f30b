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
/// Bytes `pipe_throughput` moves, in 4 KiB writes.
const PIPE_BYTES: usize = 16 << 20;
/// Round trips of one byte each way in `pipe_pingpong`.
const PIPE_ROUNDS: u32 = 20_000;

type Bench = fn() -> Result<(), &'static str>;

const BENCHES: &[(&str, Bench)] = &[
    ("getpid", getpid_bench),
    ("fork_exit_wait", fork_exit_wait),
    ("fork_tree", fork_tree),
    ("yield_pingpong", yield_pingpong),
    ("sleep_accuracy", sleep_accuracy),
    ("signal_roundtrip", signal_roundtrip),
    ("pipe_throughput", pipe_throughput),
    ("pipe_pingpong", pipe_pingpong),
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

/// `PIPE_BYTES` from a child to its parent through a pipe in 4 KiB writes and reads: one
/// operation is one 4 KiB write (and its read); `mb_per_s` the rate.
fn pipe_throughput() -> Result<(), &'static str> {
    let (r, w) = ulib::io::pipe().map_err(|_| "pipe failed")?;
    let start = Instant::now();
    let child = match fork() {
        Ok(ForkResult::Child) => {
            let _ = ulib::io::close(r);
            let block = [0x5au8; 4096];
            let mut sent = 0;
            while sent < PIPE_BYTES {
                match ulib::io::write(w, &block) {
                    Ok(n) => sent += n,
                    Err(_) => exit(1),
                }
            }
            exit(0)
        }
        Ok(ForkResult::Parent { child }) => child,
        Err(_) => return Err("fork failed"),
    };
    let _ = ulib::io::close(w);
    let mut block = [0u8; 4096];
    let mut received = 0;
    loop {
        match ulib::io::read(r, &mut block) {
            Ok(0) => break,
            Ok(n) => received += n,
            Err(_) => return Err("read failed"),
        }
    }
    let total = start.elapsed();
    let _ = ulib::io::close(r);
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Exited(_, 0)) => {}
        _ => return Err("the writer did not exit with status 0"),
    }
    if received != PIPE_BYTES {
        return Err("bytes lost in the pipe");
    }
    let ops = (PIPE_BYTES / 4096) as u32;
    // MiB/s with three decimals, integers only: `Millis` prints a millionth as 0.001.
    let mib_per_s_millionths =
        PIPE_BYTES as u128 * 1_000_000_000 * 1_000_000 / (total.as_nanos().max(1) * (1 << 20));
    println!(
        "BENCH name=pipe_throughput ops={ops} ns_per_op={} mb_per_s={}",
        per_op(total, ops),
        Millis(i64::try_from(mib_per_s_millionths).unwrap_or(i64::MAX))
    );
    Ok(())
}

/// One byte to a child through one pipe and back through another, `PIPE_ROUNDS` times: one
/// operation is a round trip (two writes, two reads, two switches).
fn pipe_pingpong() -> Result<(), &'static str> {
    let (to_child_r, to_child_w) = ulib::io::pipe().map_err(|_| "pipe failed")?;
    let (to_parent_r, to_parent_w) = ulib::io::pipe().map_err(|_| "pipe failed")?;
    let child = match fork() {
        Ok(ForkResult::Child) => {
            let mut byte = [0u8; 1];
            for _ in 0..PIPE_ROUNDS {
                if ulib::io::read(to_child_r, &mut byte) != Ok(1)
                    || ulib::io::write(to_parent_w, &byte) != Ok(1)
                {
                    exit(1);
                }
            }
            exit(0)
        }
        Ok(ForkResult::Parent { child }) => child,
        Err(_) => return Err("fork failed"),
    };
    let mut byte = [7u8; 1];
    let start = Instant::now();
    for _ in 0..PIPE_ROUNDS {
        if ulib::io::write(to_child_w, &byte) != Ok(1)
            || ulib::io::read(to_parent_r, &mut byte) != Ok(1)
        {
            return Err("a round trip failed");
        }
    }
    let total = start.elapsed();
    for fd in [to_child_r, to_child_w, to_parent_r, to_parent_w] {
        let _ = ulib::io::close(fd);
    }
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Exited(_, 0)) => {}
        _ => return Err("the echoing child did not exit with status 0"),
    }
    println!(
        "BENCH name=pipe_pingpong ops={PIPE_ROUNDS} ns_per_op={}",
        per_op(total, PIPE_ROUNDS)
    );
    Ok(())
}

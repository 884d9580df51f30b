//! `bench [--sleepers N] [name...]`: process-subsystem micro-benchmarks, one `BENCH` line per
//! result in the format of docs/performance.md, so figures compare line by line with Linux
//! (`make bench-linux` runs the same benchmarks, written in C, on Linux under the same QEMU).
//!
//! Without names every benchmark but `scaling` runs; with names only those. `--sleepers N`
//! (default 4000) is how many sleeping processes the `*_loaded` benchmarks keep alive.
//!
//! Each benchmark is timed in blocks (10 or more, each long enough to dwarf the clock's cost
//! and the host's short hiccups) and reported as:
//!
//! ```text
//! BENCH name=<name> ops=<n> ns_per_op=<mean> median_ns=<t> min_ns=<t> max_ns=<t> blocks=<b> [key=value ...]
//! bench: <name> failed: <why>                  (instead of a BENCH line; exit status 1)
//! ```
//!
//! `ns_per_op` is the total time over all `ops` (the mean); `median_ns`, `min_ns` and `max_ns`
//! the time per operation of the median, the fastest and the slowest block. A host that steals
//! the CPU for a while slows some blocks: the median and the fastest block hold still where the
//! mean does not. Times come from the monotonic clock, in integer arithmetic.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::vec::Vec;
use core::fmt;
use core::hint::black_box;
use core::sync::atomic::{AtomicU32, Ordering};
use core::time::Duration;

use uapps::{Millis, TreeLabel};
use ulib::prelude::*;
use ulib::signal::{self, SaFlags, SigAction, SigHandler, SigSet};

ulib::entry!(main);

const USAGE: &str = "usage: bench [--sleepers N] [name...]
  Runs the named benchmarks (default: all but scaling) and prints one BENCH line each:
  BENCH name=<name> ops=<n> ns_per_op=<mean> median_ns=<t> min_ns=<t> max_ns=<t> blocks=<b> ...
  --sleepers N   sleeping processes alive during the *_loaded benchmarks (default 4000)
  names: getpid fork_exit_wait fork_tree yield_pingpong sleep_accuracy signal_roundtrip
         pipe_throughput pipe_pingpong timer_tick getpid_loaded yield_pingpong_loaded
         fork_exit_wait_loaded timer_tick_loaded scaling";

/// `getpid` calls: blocks of 20 000 (10-20 ms each).
const GETPID_BLOCKS: u32 = 20;
const GETPID_CALLS: u32 = 20_000;
/// fork + exit + wait rounds: blocks of 200 (about 10 ms each).
const FORK_BLOCKS: u32 = 10;
const FORK_ROUNDS: u32 = 200;
/// Levels below the root: 2^8 - 1 = 255 processes, the peers' "depth 8" tree; one tree a block.
const TREE_DEPTH: u32 = 7;
const TREES: u32 = 10;
/// Yields of the timing process per block; its partner makes as many, so a block is twice
/// as many switches (about 70 ms).
const YIELD_BLOCKS: u32 = 10;
const YIELDS_PER_BLOCK: u32 = 10_000;
const SLEEPS: u32 = 5;
/// Signals sent to oneself: blocks of 4 000 (about 10 ms each).
const SIGNAL_BLOCKS: u32 = 10;
const SIGNALS: u32 = 4_000;
/// `pipe_throughput` moves 16 MiB in 4 KiB writes, timed by the reader in 1 MiB blocks.
const PIPE_BLOCKS: u32 = 16;
const PIPE_WRITES_PER_BLOCK: u32 = 256;
/// Round trips of one byte each way in `pipe_pingpong`.
const PIPE_PP_BLOCKS: u32 = 10;
const PIPE_ROUNDS: u32 = 2_000;
/// How long `timer_tick` keeps the CPU busy watching for interruptions.
const TICK_WATCH: Duration = Duration::from_millis(500);
/// Default number of sleeping processes of the `*_loaded` benchmarks.
const DEFAULT_SLEEPERS: u32 = 4_000;
/// Processes alive (the benchmark itself and sleepers) at each point of `scaling`.
const SCALING_LEVELS: &[u32] = &[1, 10, 100, 500, 1000, 2000, 4000];

type Bench = fn(&mut Context) -> Result<(), &'static str>;

/// Every benchmark in the order it runs: those on an idle system first, then the loaded ones
/// (which leave sleepers behind until the end), `scaling` only when named.
const BENCHES: &[(&str, Bench)] = &[
    ("getpid", |_| report("getpid", &getpid_blocks(), "")),
    ("fork_exit_wait", |_| {
        report("fork_exit_wait", &fork_exit_wait_blocks(FORK_BLOCKS)?, "")
    }),
    ("fork_tree", fork_tree),
    ("yield_pingpong", |_| {
        report("yield_pingpong", &yield_blocks(YIELD_BLOCKS)?, "")
    }),
    ("sleep_accuracy", sleep_accuracy),
    ("signal_roundtrip", signal_roundtrip),
    ("pipe_throughput", pipe_throughput),
    ("pipe_pingpong", pipe_pingpong),
    ("timer_tick", |_| timer_tick("timer_tick", "")),
    ("getpid_loaded", |cx| {
        let load = cx.load()?;
        report("getpid_loaded", &getpid_blocks(), load)
    }),
    ("yield_pingpong_loaded", |cx| {
        let load = cx.load()?;
        report("yield_pingpong_loaded", &yield_blocks(YIELD_BLOCKS)?, load)
    }),
    ("fork_exit_wait_loaded", |cx| {
        let load = cx.load()?;
        report(
            "fork_exit_wait_loaded",
            &fork_exit_wait_blocks(FORK_BLOCKS)?,
            load,
        )
    }),
    ("timer_tick_loaded", |cx| {
        let load = cx.load()?;
        timer_tick("timer_tick_loaded", load)
    }),
    ("scaling", scaling),
];

/// Run only when named.
const ON_REQUEST: &[&str] = &["scaling"];

fn main() -> i32 {
    let mut cx = Context {
        wanted_sleepers: DEFAULT_SLEEPERS,
        sleepers: Vec::new(),
        load_key: alloc::string::String::new(),
    };
    let mut wanted: Vec<&str> = Vec::new();
    let mut args = ulib::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg {
            "-h" | "--help" => {
                println!("{USAGE}");
                return 0;
            }
            "--sleepers" => match args.next().and_then(uapps::parse_u32) {
                Some(n) => cx.wanted_sleepers = n,
                None => {
                    eprintln!("bench: --sleepers needs a number\n{USAGE}");
                    return 2;
                }
            },
            name if BENCHES.iter().any(|(known, _)| *known == name) => wanted.push(name),
            other => {
                eprintln!("bench: unknown benchmark {other}\n{USAGE}");
                return 2;
            }
        }
    }
    let mut failed = 0;
    for (name, bench) in BENCHES {
        let run = if wanted.is_empty() {
            !ON_REQUEST.contains(name)
        } else {
            wanted.contains(name)
        };
        if !run {
            continue;
        }
        if let Err(why) = bench(&mut cx) {
            println!("bench: {name} failed: {why}");
            failed += 1;
        }
    }
    if let Err(why) = cx.end_sleepers() {
        println!("bench: sleepers: {why}");
        failed += 1;
    }
    if failed == 0 { 0 } else { 1 }
}

/// What the benchmarks share: the sleeping processes of the loaded ones.
struct Context {
    wanted_sleepers: u32,
    sleepers: Vec<Pid>,
    /// ` sleepers=<n>` (and ` sleepers_wanted=<n>` when fork stopped short), for the lines.
    load_key: alloc::string::String,
}

impl Context {
    /// Makes sure `wanted_sleepers` sleepers are alive (as many as fork allows) and returns
    /// the keys that say how many there are.
    fn load(&mut self) -> Result<&str, &'static str> {
        if self.load_key.is_empty() {
            let short = grow_sleepers(&mut self.sleepers, self.wanted_sleepers).err();
            if short.is_some() {
                shrink_sleepers(&mut self.sleepers, ROOM)?;
            }
            let alive = self.sleepers.len();
            self.load_key = match short {
                None => alloc::format!(" sleepers={alive}"),
                Some(e) => {
                    println!(
                        "bench: only {alive} of {} sleepers: fork failed with {}",
                        self.wanted_sleepers,
                        e.name()
                    );
                    alloc::format!(" sleepers={alive} sleepers_wanted={}", self.wanted_sleepers)
                }
            };
        }
        Ok(&self.load_key)
    }

    fn end_sleepers(&mut self) -> Result<(), &'static str> {
        end_sleepers(&mut self.sleepers)
    }
}

/// Forks sleepers (processes that sleep for an hour, again and again) until `to` are alive.
fn grow_sleepers(sleepers: &mut Vec<Pid>, to: u32) -> Result<(), Errno> {
    while sleepers.len() < to as usize {
        match fork()? {
            ForkResult::Child => loop {
                sleep(3600);
            },
            ForkResult::Parent { child } => sleepers.push(child),
        }
    }
    Ok(())
}

/// Processes the benchmarks themselves fork while sleepers are alive: when fork stops short
/// of the sleepers wanted, this many are ended again to make room.
const ROOM: usize = 2;

/// Kills and reaps every sleeper.
fn end_sleepers(sleepers: &mut Vec<Pid>) -> Result<(), &'static str> {
    shrink_sleepers(sleepers, sleepers.len())
}

/// Kills and reaps the last `count` sleepers.
fn shrink_sleepers(sleepers: &mut Vec<Pid>, count: usize) -> Result<(), &'static str> {
    let keep = sleepers.len().saturating_sub(count);
    for &pid in &sleepers[keep..] {
        signal::kill(pid, Some(Signal::SIGKILL)).map_err(|_| "kill failed")?;
    }
    for pid in sleepers.drain(keep..) {
        match waitpid(Some(pid), WaitFlags::empty()) {
            Ok(WaitStatus::Signaled(_, Signal::SIGKILL)) => {}
            _ => return Err("a sleeper did not end by SIGKILL"),
        }
    }
    Ok(())
}

/// The times of one benchmark's blocks, each `ops_per_block` operations.
struct Blocks {
    ops_per_block: u32,
    ns: Vec<u128>,
}

impl Blocks {
    fn new(ops_per_block: u32) -> Blocks {
        Blocks {
            ops_per_block: ops_per_block.max(1),
            ns: Vec::new(),
        }
    }

    /// Runs and times one block.
    fn time(
        &mut self,
        block: impl FnOnce() -> Result<(), &'static str>,
    ) -> Result<(), &'static str> {
        let start = Instant::now();
        block()?;
        self.ns.push(start.elapsed().as_nanos());
        Ok(())
    }

    fn ops(&self) -> u128 {
        self.ns.len() as u128 * u128::from(self.ops_per_block)
    }

    fn total(&self) -> u128 {
        self.ns.iter().sum()
    }
}

impl fmt::Display for Blocks {
    /// `ops=.. ns_per_op=.. median_ns=.. min_ns=.. max_ns=.. blocks=..`, per operation,
    /// rounded down.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per = u128::from(self.ops_per_block);
        let mut sorted = self.ns.clone();
        sorted.sort_unstable();
        let n = sorted.len();
        let median = if n == 0 {
            0
        } else if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        };
        write!(
            f,
            "ops={} ns_per_op={} median_ns={} min_ns={} max_ns={} blocks={n}",
            self.ops(),
            self.total() / self.ops().max(1),
            median / per,
            sorted.first().copied().unwrap_or(0) / per,
            sorted.last().copied().unwrap_or(0) / per,
        )
    }
}

fn report(name: &str, blocks: &Blocks, extra: &str) -> Result<(), &'static str> {
    println!("BENCH name={name} {blocks}{extra}");
    Ok(())
}

fn getpid_blocks() -> Blocks {
    let mut blocks = Blocks::new(GETPID_CALLS);
    for _ in 0..GETPID_BLOCKS {
        let _ = blocks.time(|| {
            for _ in 0..GETPID_CALLS {
                black_box(getpid());
            }
            Ok(())
        });
    }
    blocks
}

fn fork_exit_wait_once() -> Result<(), &'static str> {
    let child = match fork() {
        Ok(ForkResult::Child) => exit(0),
        Ok(ForkResult::Parent { child }) => child,
        Err(_) => return Err("fork failed"),
    };
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Exited(_, 0)) => Ok(()),
        _ => Err("child did not exit with status 0"),
    }
}

fn fork_exit_wait_blocks(count: u32) -> Result<Blocks, &'static str> {
    let mut blocks = Blocks::new(FORK_ROUNDS);
    for _ in 0..count {
        blocks.time(|| (0..FORK_ROUNDS).try_for_each(|_| fork_exit_wait_once()))?;
    }
    Ok(blocks)
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

fn fork_tree(_: &mut Context) -> Result<(), &'static str> {
    let mut blocks = Blocks::new(1);
    for _ in 0..TREES {
        blocks.time(|| {
            if tree_node(TreeLabel::ROOT) {
                Ok(())
            } else {
                Err("a node could not create or finish its subtree")
            }
        })?;
    }
    let mean = blocks.total() / u128::from(TREES);
    let extra = alloc::format!(
        " total_ms={} processes={}",
        Millis(i64::try_from(mean).unwrap_or(i64::MAX)),
        (1u32 << (TREE_DEPTH + 1)) - 1
    );
    report("fork_tree", &blocks, &extra)
}

/// Two processes calling `sched_yield` in turn; this one times `count` blocks of its own
/// yields, each block two switches per yield.
fn yield_blocks(count: u32) -> Result<Blocks, &'static str> {
    let total = count * YIELDS_PER_BLOCK;
    let child = match fork() {
        Ok(ForkResult::Child) => {
            for _ in 0..total {
                yield_now();
            }
            exit(0)
        }
        Ok(ForkResult::Parent { child }) => child,
        Err(_) => return Err("fork failed"),
    };
    let mut blocks = Blocks::new(2 * YIELDS_PER_BLOCK);
    for _ in 0..count {
        let _ = blocks.time(|| {
            for _ in 0..YIELDS_PER_BLOCK {
                yield_now();
            }
            Ok(())
        });
    }
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Exited(_, 0)) => Ok(blocks),
        _ => Err("child did not exit with status 0"),
    }
}

fn sleep_accuracy(_: &mut Context) -> Result<(), &'static str> {
    let second = Duration::from_secs(1);
    let mut blocks = Blocks::new(1);
    let mut sum_over = 0i64;
    let mut max_over = i64::MIN;
    for _ in 0..SLEEPS {
        let start = Instant::now();
        if sleep(1) != 0 {
            return Err("sleep(1) returned early");
        }
        let took = start.elapsed();
        blocks.ns.push(took.as_nanos());
        let over = Millis::diff(took, second).0;
        sum_over += over;
        max_over = max_over.max(over);
    }
    let extra = alloc::format!(
        " mean_overshoot_ms={} max_overshoot_ms={}",
        Millis(sum_over / i64::from(SLEEPS)),
        Millis(max_over)
    );
    report("sleep_accuracy", &blocks, &extra)
}

/// How many times [`count_signal`] ran.
static HANDLED: AtomicU32 = AtomicU32::new(0);

extern "C" fn count_signal(_: i32) {
    HANDLED.fetch_add(1, Ordering::Relaxed);
}

/// `kill(self, SIGUSR1)` with a handler that returns: each operation is the system call, the
/// delivery on the way out (the frame pushed on the user stack, the handler entered), the
/// handler, and `sigreturn` through the restorer.
fn signal_roundtrip(_: &mut Context) -> Result<(), &'static str> {
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
    HANDLED.store(0, Ordering::Relaxed);
    let mut blocks = Blocks::new(SIGNALS);
    for _ in 0..SIGNAL_BLOCKS {
        blocks.time(|| {
            for _ in 0..SIGNALS {
                if signal::kill(me, Some(Signal::SIGUSR1)).is_err() {
                    return Err("kill failed");
                }
            }
            Ok(())
        })?;
    }
    // SAFETY: puts back the action found at the start.
    #[allow(unsafe_code)]
    unsafe { signal::sigaction(Signal::SIGUSR1, &old) }.map_err(|_| "sigaction failed")?;
    if HANDLED.load(Ordering::Relaxed) != SIGNALS * SIGNAL_BLOCKS {
        return Err("the handler did not run once per kill");
    }
    report("signal_roundtrip", &blocks, "")
}

/// 16 MiB from a child to its parent through a pipe in 4 KiB writes and reads, timed by the
/// reader in 1 MiB blocks: one operation is one 4 KiB write (and its read); `mb_per_s` the
/// mean rate.
fn pipe_throughput(_: &mut Context) -> Result<(), &'static str> {
    const BLOCK_BYTES: usize = PIPE_WRITES_PER_BLOCK as usize * 4096;
    const PIPE_BYTES: usize = PIPE_BLOCKS as usize * BLOCK_BYTES;
    let (r, w) = ulib::io::pipe().map_err(|_| "pipe failed")?;
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
    let mut buf = [0u8; 4096];
    let mut blocks = Blocks::new(PIPE_WRITES_PER_BLOCK);
    let mut received = 0;
    for _ in 0..PIPE_BLOCKS {
        blocks.time(|| {
            let mut got = 0;
            while got < BLOCK_BYTES {
                match ulib::io::read(r, &mut buf[..(BLOCK_BYTES - got).min(4096)]) {
                    Ok(0) => return Err("the pipe ended early"),
                    Ok(n) => got += n,
                    Err(_) => return Err("read failed"),
                }
            }
            received += got;
            Ok(())
        })?;
    }
    let _ = ulib::io::close(r);
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Exited(_, 0)) => {}
        _ => return Err("the writer did not exit with status 0"),
    }
    if received != PIPE_BYTES {
        return Err("bytes lost in the pipe");
    }
    // MiB/s with three decimals, integers only: `Millis` prints a millionth as 0.001.
    let mib_per_s_millionths =
        PIPE_BYTES as u128 * 1_000_000_000 * 1_000_000 / (blocks.total().max(1) * (1 << 20));
    let extra = alloc::format!(
        " mb_per_s={}",
        Millis(i64::try_from(mib_per_s_millionths).unwrap_or(i64::MAX))
    );
    report("pipe_throughput", &blocks, &extra)
}

/// One byte to a child through one pipe and back through another: one operation is a round
/// trip (two writes, two reads, two switches).
fn pipe_pingpong(_: &mut Context) -> Result<(), &'static str> {
    let rounds = PIPE_PP_BLOCKS * PIPE_ROUNDS;
    let (to_child_r, to_child_w) = ulib::io::pipe().map_err(|_| "pipe failed")?;
    let (to_parent_r, to_parent_w) = ulib::io::pipe().map_err(|_| "pipe failed")?;
    let child = match fork() {
        Ok(ForkResult::Child) => {
            let mut byte = [0u8; 1];
            for _ in 0..rounds {
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
    let mut blocks = Blocks::new(PIPE_ROUNDS);
    for _ in 0..PIPE_PP_BLOCKS {
        blocks.time(|| {
            for _ in 0..PIPE_ROUNDS {
                if ulib::io::write(to_child_w, &byte) != Ok(1)
                    || ulib::io::read(to_parent_r, &mut byte) != Ok(1)
                {
                    return Err("a round trip failed");
                }
            }
            Ok(())
        })?;
    }
    for fd in [to_child_r, to_child_w, to_parent_r, to_parent_w] {
        let _ = ulib::io::close(fd);
    }
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Exited(_, 0)) => {}
        _ => return Err("the echoing child did not exit with status 0"),
    }
    report("pipe_pingpong", &blocks, "")
}

/// The CPU's time-stamp counter (under QEMU's TCG the host's, at the host's rate).
fn rdtsc() -> u64 {
    // SAFETY: rdtsc only reads the counter; the kernel leaves CR4.TSD clear, so it is allowed
    // in ring 3.
    #[allow(unsafe_code)]
    unsafe {
        core::arch::x86::_rdtsc()
    }
}

/// What a timer tick takes from a running program: a loop that only reads the time-stamp
/// counter runs for [`TICK_WATCH`]; a step between two reads longer than any loop iteration
/// is time the CPU spent elsewhere (the tick's interrupt, the kernel's tick work, a switch
/// back). One operation is one such interruption: `median_ns` is what a typical tick costs,
/// `per_s` how many there were a second (the tick rate), `busy_pct` the share of the
/// wall-clock time the loop kept.
fn timer_tick(name: &str, extra: &str) -> Result<(), &'static str> {
    // The counter's rate, against the monotonic clock, over 20 ms.
    let (start, c0) = (Instant::now(), rdtsc());
    while start.elapsed() < Duration::from_millis(20) {}
    let cycles_per_us = ((rdtsc() - c0) * 1000 / start.elapsed().as_nanos().max(1) as u64).max(1);
    // A loop iteration takes well under 100 ns; QEMU's own pauses of the emulated CPU (a
    // signal from its I/O thread) take up to about 1 µs; a tick, its interrupt and the
    // kernel's work, takes more.
    let threshold = cycles_per_us;
    let watch = TICK_WATCH.as_micros() as u64 * cycles_per_us;
    let mut gaps: Vec<u64> = Vec::with_capacity(16_384);
    let first = rdtsc();
    let mut last = first;
    loop {
        let now = rdtsc();
        let step = now - last;
        if step > threshold && gaps.len() < gaps.capacity() {
            gaps.push(step);
        }
        last = now;
        if now - first >= watch {
            break;
        }
    }
    let total = last - first;
    if gaps.is_empty() {
        return Err("no interruption seen: is the timer running?");
    }
    let lost: u64 = gaps.iter().sum();
    gaps.sort_unstable();
    let to_ns = |cycles: u64| cycles * 1000 / cycles_per_us;
    let n = gaps.len() as u64;
    let busy_millipct = (total - lost) * 100_000 / total.max(1);
    println!(
        "BENCH name={name} ops={n} ns_per_op={} median_ns={} min_ns={} max_ns={} per_s={} busy_pct={}.{:03}{extra}",
        to_ns(lost / n),
        to_ns(gaps[gaps.len() / 2]),
        to_ns(gaps[0]),
        to_ns(gaps[gaps.len() - 1]),
        n * 1_000_000_000 / to_ns(total).max(1),
        busy_millipct / 1000,
        busy_millipct % 1000,
    );
    Ok(())
}

/// fork + exit + wait and yield ping-pong with 1, 10, 100, ... 4000 processes alive (this one
/// and sleepers), as far as fork allows: the points of docs/scaling.svg.
fn scaling(cx: &mut Context) -> Result<(), &'static str> {
    // From one process alive, whatever the loaded benchmarks left.
    cx.end_sleepers()?;
    cx.load_key.clear();
    for &level in SCALING_LEVELS {
        let short = grow_sleepers(&mut cx.sleepers, level - 1).err();
        if short.is_some() {
            shrink_sleepers(&mut cx.sleepers, ROOM)?;
        }
        let alive = cx.sleepers.len() + 1;
        let blocks = fork_exit_wait_blocks(FORK_BLOCKS)?;
        println!("BENCH name=scaling_fork_exit_wait {blocks} alive={alive}");
        let blocks = yield_blocks(YIELD_BLOCKS)?;
        println!("BENCH name=scaling_yield_pingpong {blocks} alive={alive}");
        if let Some(e) = short {
            println!(
                "bench: scaling stopped at {alive} processes alive: fork failed with {}",
                e.name()
            );
            break;
        }
    }
    Ok(())
}

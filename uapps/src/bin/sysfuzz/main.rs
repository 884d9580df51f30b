//! `sysfuzz [--seed S] [--calls N] [--procs P] [--seconds T] [--no-check] [--trace W]`: a system-call
//! fuzzer. `P` worker processes (default 4) make `N` raw system calls between them (default
//! 1 000 000) over every call of the kernel's table, numbers it lacks and edge numbers, with
//! random and edge-case arguments (`worker.rs`). The run is seeded: the first line prints the
//! seed and the command that repeats it (each worker's sequence of calls is reproduced
//! exactly; how the workers interleave depends on timing). Without `--seed` the seed comes
//! from the clock. `--seconds T` stops the workers after `T` seconds (for `soak`).
//!
//! Before the workers start and after every one has ended, the fuzzer measures the free frames
//! (`MemFree` of `/proc/meminfo`) and the processes (`/proc`'s pid directories); both must be
//! back exactly at their baseline (`--no-check` skips this, for runs beside other load). Both
//! measurements follow the same warm-up, 16 children alive at once and collected, so that the
//! kernel's cache of spare kernel stacks (`mm/kstack.rs`) is full both times. It exits 0 only
//! if every worker passed (no mismatch, ended normally) and nothing leaked.
//!
//! What the workers may do (so that they survive their own calls; their kids may do more):
//!
//! - `exit`, real `execve`s, `sigreturn` without a frame, `pause` and `sigsuspend` that wait
//!   for good, blocking reads, sleeps of seconds: only in kids, forked children that are
//!   killed (SIGKILL) and collected when retired (at most 4 alive per worker). A worker's
//!   `execve` always fails (bad paths, or arguments that must be refused); its `exit` forks a
//!   kid that exits with the fuzzed status; its `pause` waits for an alarm (twice a run at
//!   most); its `sigsuspend` is ended by a SIGUSR2 it made pending first.
//! - Signals: every worker is its own process group and catches SIGHUP, SIGINT, SIGQUIT,
//!   SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCHLD, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU
//!   and SIGWINCH with a handler that counts (fuzzed `sigaction`s switch them between that
//!   handler and SIG_IGN only); the main process ignores them. A worker sends any signal
//!   number to its kids, one of those to itself, its group and its parent, and to anyone
//!   else (pid 1, -1, random numbers) only signal 0 or numbers that must be refused.
//! - Descriptors 0, 1 and 2 are never closed, replaced or given flags; a terminal is never
//!   read (it would wait for the keyboard) and written only a fixed line; pipes are made
//!   non-blocking before a worker reads or writes them.
//! - Files: creating, removing and renaming only in the worker's own directory
//!   (`/sysfuzz.<n>`, its working directory; removed with everything in it at the end), only
//!   reading elsewhere. Stores go to a scratch heap or to addresses the kernel must refuse,
//!   never to live data; the program break is put back after every move.
//! - Terminal settings are only set to what they are; the foreground group only to itself.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::hint::black_box;
use core::sync::atomic::{AtomicU32, Ordering};

use uapps::accounting::{dump_processes, measure, remove_tree};
use uapps::fuzzing::{EDGE_NUMBERS, EDGE_VALUES, SplitMix64, parse_seed, split};
use uapps::raw_calls::{self, current_break};
use ulib::layout;
use ulib::prelude::*;
use ulib::process::{getpgrp, getsid, setpgid, setsid};
use ulib::raw::{self, nr};
use ulib::signal::{
    SaFlags, SigAction, SigHandler, SigSet, SigmaskHow, alarm, kill, raise, sigprocmask,
};

mod worker;

ulib::entry!(main);

const PAGE: usize = layout::PAGE_SIZE as usize;
const USER_END: usize = layout::USER_END as usize;
const STACK_LIMIT: usize = layout::USER_STACK_LIMIT as usize;
/// A worker's exit status when it passed (not 0: a worker replaced by a program that exits 0
/// must not pass).
const WORKER_PASSED: i32 = 51;
/// A kid whose `exit` returned.
const SURVIVED_EXIT: i32 = 52;

unsafe extern "C" {
    /// First byte of the image (ulib/user.ld).
    static __executable_start: u8;
    /// End of the text section (ulib/user.ld); read-only data starts at the next page.
    static _etext: u8;
    /// First byte of the writable data segment (ulib/user.ld).
    static __data_start: u8;
}

/// Where the parts of this program's image are.
#[derive(Clone, Copy)]
struct Image {
    text_start: usize,
    rodata_start: usize,
    data_start: usize,
}

fn image() -> Image {
    Image {
        text_start: (&raw const __executable_start) as usize,
        rodata_start: page_up((&raw const _etext) as usize),
        data_start: (&raw const __data_start) as usize,
    }
}

const fn page_up(addr: usize) -> usize {
    (addr + PAGE - 1) & !(PAGE - 1)
}

const fn page_down(addr: usize) -> usize {
    addr & !(PAGE - 1)
}

/// Reads 4 bytes of the scratch heap.
fn peek_u32(addr: usize) -> u32 {
    // SAFETY: callers pass addresses in the worker's scratch heap, mapped and written only
    // through raw pointers; a byte array has no alignment requirement.
    u32::from_le_bytes(unsafe { core::ptr::read_volatile(addr as *const [u8; 4]) })
}

/// Writes bytes into the scratch heap.
fn poke(addr: usize, bytes: &[u8]) {
    for (i, &b) in bytes.iter().enumerate() {
        // SAFETY: callers pass the worker's scratch heap, which no Rust reference covers.
        unsafe { core::ptr::write_volatile((addr + i) as *mut u8, b) };
    }
}

/// `brk(addr)`.
fn brk(addr: usize) -> Result<usize, Errno> {
    // SAFETY: the worker's break only moves over its scratch heap (and memory past it), which
    // nothing but raw pointers uses; the allocator's heap below is never used after it moved.
    unsafe { raw_calls::brk(addr) }
}

/// The monotonic clock in nanoseconds.
fn now_ns() -> u64 {
    match ulib::time::clock_gettime(ulib::time::CLOCK_MONOTONIC) {
        Ok(ts) => ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64,
        Err(_) => 0,
    }
}

/// Touches `bytes` of stack below the caller, so those pages are mapped before the worker's
/// pointers are judged.
#[inline(never)]
fn pretouch_stack(bytes: usize) {
    let mut block = [0u8; 16 * 1024];
    for i in (0..block.len()).step_by(256) {
        block[i] = 1;
    }
    black_box(&mut block);
    if bytes > block.len() {
        pretouch_stack(bytes - block.len());
    }
    black_box(&block);
}

fn workdir_name(index: u32) -> String {
    format!("/sysfuzz.{index}")
}

struct Options {
    seed: u64,
    calls: u64,
    procs: u32,
    seconds: u64,
    check: bool,
    /// Prints every call worker `n` makes (kids' calls excepted), with its result (all
    /// workers for 0xffffffff).
    trace: Option<u32>,
}

fn usage() -> ! {
    eprintln!(
        "usage: sysfuzz [--seed S] [--calls N] [--procs P] [--seconds T] [--no-check] [--trace W]"
    );
    exit(2)
}

fn options() -> Options {
    let mut o = Options {
        seed: now_ns() ^ 0x5EED_5EED_0000_0000,
        calls: 1_000_000,
        procs: 4,
        seconds: 0,
        check: true,
        trace: None,
    };
    let mut args = ulib::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--no-check" {
            o.check = false;
            continue;
        }
        let value = args.next().and_then(parse_seed).unwrap_or_else(|| usage());
        match arg {
            "--seed" => o.seed = value,
            "--calls" => o.calls = value,
            "--procs" => o.procs = value as u32,
            "--seconds" => o.seconds = value,
            "--trace" => o.trace = Some(value as u32),
            _ => usage(),
        }
    }
    if o.procs == 0 || o.procs > 64 {
        usage();
    }
    o
}

/// Set when the watchdog's alarm rang.
static WATCHDOG: AtomicU32 = AtomicU32::new(0);

extern "C" fn watchdog(_sig: i32) {
    WATCHDOG.store(1, Ordering::SeqCst);
}

fn ignore_safe_signals() {
    for sig in [1, 2, 3, 10, 12, 13, 14, 15, 18, 20, 21, 22, 28] {
        if let Some(signal) = Signal::from_raw(sig) {
            // SAFETY: ignoring runs no code.
            let _ = unsafe { ulib::signal::signal(signal, SigHandler::SigIgn) };
        }
    }
}

fn main() -> i32 {
    let o = options();
    println!(
        "sysfuzz: seed {:#x}, {} calls in {} processes (repeat: sysfuzz --seed {:#x} --calls {} \
         --procs {})",
        o.seed, o.calls, o.procs, o.seed, o.calls, o.procs
    );
    // A session of its own, so that a worker's setpgid can only reach sysfuzz's processes
    // (a job started by a shell is a group leader and cannot: then a child leads it).
    if getsid(None) != Ok(getpid()) && setsid().is_err() {
        match fork() {
            Ok(ForkResult::Child) => {
                let _ = setsid();
            }
            Ok(ForkResult::Parent { child }) => {
                return match waitpid(Some(child), WaitFlags::empty()) {
                    Ok(WaitStatus::Exited(_, code)) => code,
                    _ => 1,
                };
            }
            Err(e) => {
                println!("FAIL: sysfuzz: fork: {}", e.name());
                return 1;
            }
        }
    }
    ignore_safe_signals();
    for w in 0..o.procs {
        let dir = workdir_name(w);
        remove_tree(&dir);
        if let Err(e) = ulib::fs::mkdir(&dir, 0o755) {
            println!("FAIL: sysfuzz: mkdir {dir}: {}", e.name());
            return 1;
        }
    }
    let mut statuses: Vec<(Pid, Option<WaitStatus>)> = Vec::with_capacity(o.procs as usize);
    let dirs: Vec<String> = (0..o.procs).map(workdir_name).collect();
    // Twice: the first warms up this process's own heap and stack.
    let baseline = if o.check {
        measure();
        Some(measure())
    } else {
        None
    };
    let started = now_ns();
    let deadline = if o.seconds > 0 {
        started + o.seconds * 1_000_000_000
    } else {
        0
    };
    let me = getpid().as_raw();
    for w in 0..o.procs {
        let share =
            o.calls / u64::from(o.procs) + u64::from(u64::from(w) < o.calls % u64::from(o.procs));
        match fork() {
            Ok(ForkResult::Child) => exit(worker::run(
                o.seed,
                w,
                share,
                deadline,
                me,
                o.trace == Some(w) || o.trace == Some(u32::MAX),
            )),
            Ok(ForkResult::Parent { child }) => statuses.push((child, None)),
            Err(e) => {
                println!("FAIL: sysfuzz: fork of worker {w}: {}", e.name());
                return 1;
            }
        }
    }
    // A watchdog: a run that takes far longer than its calls can is a hang (a worker or kid
    // that no signal ends). Then every process's state is printed and everything killed.
    let limit = if o.seconds > 0 {
        o.seconds + 120
    } else {
        30 + o.calls / 2000
    };
    WATCHDOG.store(0, Ordering::SeqCst);
    let act = SigAction::new(
        SigHandler::Handler(watchdog),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler only stores to an atomic.
    let _ = unsafe { ulib::signal::sigaction(Signal::SIGALRM, &act) };
    let _ = alarm(limit as u32 + 1);
    let mut hung = false;
    let mut pending = statuses.len();
    while pending > 0 {
        // (Workers send their parent SIGALRM too: only the clock says it is the watchdog's.)
        if !hung && now_ns() >= started + limit * 1_000_000_000 {
            hung = true;
            println!("FAIL: sysfuzz: no end after {limit} s: the processes are");
            dump_processes();
            for (pid, status) in &statuses {
                if status.is_none() {
                    let _ = kill(Pid::from_raw(-pid.as_raw()), Some(Signal::SIGKILL));
                    let _ = kill(*pid, Some(Signal::SIGKILL));
                }
            }
            if me == 1 {
                // As init, everything else is sysfuzz's.
                let _ = kill(Pid::from_raw(-1), Some(Signal::SIGKILL));
            }
        }
        // Polled, not a blocking wait: a handler's return may restart a wait.
        match waitpid(None, WaitFlags::WNOHANG) {
            Ok(WaitStatus::StillAlive) => {
                let _ = ulib::time::nanosleep(core::time::Duration::from_millis(20));
            }
            Ok(status) => {
                if let Some(entry) = statuses
                    .iter_mut()
                    .find(|(pid, s)| s.is_none() && status.pid() == Some(*pid))
                {
                    entry.1 = Some(status);
                    pending -= 1;
                }
            }
            Err(Errno::EINTR) => {}
            Err(_) => break,
        }
    }
    let _ = alarm(0);
    let elapsed_ms = (now_ns() - started) / 1_000_000;
    // Orphaned grandchildren are this process's when it is init: collect them too. A worker
    // ends its kids itself, so any left is a failure (one that waits for good would hang
    // here: hence polled, for at most 10 s).
    let mut orphans = 0;
    let give_up = now_ns() + 10_000_000_000;
    loop {
        match waitpid(None, WaitFlags::WNOHANG) {
            Ok(WaitStatus::StillAlive) if now_ns() < give_up => {
                let _ = ulib::time::nanosleep(core::time::Duration::from_millis(20));
            }
            Ok(WaitStatus::StillAlive) => {
                hung = true;
                println!("FAIL: sysfuzz: children left behind that do not end: the processes are");
                dump_processes();
                if me == 1 {
                    let _ = kill(Pid::from_raw(-1), Some(Signal::SIGKILL));
                }
            }
            Ok(_) => orphans += 1,
            Err(Errno::EINTR) => {}
            Err(_) => break,
        }
    }
    if orphans > 0 {
        println!("sysfuzz: {orphans} orphaned grandchildren collected");
    }
    for dir in &dirs {
        remove_tree(dir);
    }
    let mut failed = hung;
    for (w, (pid, status)) in statuses.iter().enumerate() {
        match status {
            Some(WaitStatus::Exited(_, WORKER_PASSED)) => {}
            Some(WaitStatus::Signaled(_, Signal::SIGKILL)) if !o.check => {
                // Beside other load a worker may be killed for want of memory.
                println!("sysfuzz: worker {w} (pid {pid}) killed by SIGKILL (out of memory?)");
            }
            other => {
                failed = true;
                println!("FAIL: sysfuzz: worker {w} (pid {pid}) ended with {other:?}");
            }
        }
    }
    println!(
        "sysfuzz: {} calls in {elapsed_ms} ms ({} processes)",
        o.calls, o.procs
    );
    if let Some(before) = baseline {
        // The real init may still be collecting orphans when this is not pid 1: give it time.
        let mut after = measure();
        for _ in 0..50 {
            if after.matches(&before) {
                break;
            }
            let _ = ulib::time::nanosleep(core::time::Duration::from_millis(100));
            after = measure();
        }
        println!(
            "sysfuzz: free memory {} kB (baseline {} kB), {} processes (baseline {}); this \
             process {} kB (at the baseline {} kB)",
            after.free_kb,
            before.free_kb,
            after.processes,
            before.processes,
            after.own_kb,
            before.own_kb
        );
        if after.free_kb != before.free_kb {
            failed = true;
            println!(
                "FAIL: sysfuzz: {} kB of memory not returned",
                before.free_kb as i64 - after.free_kb as i64
            );
        }
        if after.processes != before.processes {
            failed = true;
            println!("FAIL: sysfuzz: the process count did not return to its baseline");
        }
    }
    if failed {
        println!(
            "sysfuzz: FAILED (seed {:#x}: sysfuzz --seed {:#x} --calls {} --procs {})",
            o.seed, o.seed, o.calls, o.procs
        );
        1
    } else {
        println!("sysfuzz: PASS");
        0
    }
}

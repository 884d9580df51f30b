//! `soak [minutes] [seed]`: sustained mixed load, checked every minute (booted as pid 1 by
//! `make soak`, `scripts/soak.sh`).
//!
//! Each minute runs, for its first 45 seconds, at the same time: `sysfuzz` (2 workers, its own
//! accounting check off), fork storms (children until fork fails or 200 are alive, then all
//! killed and collected), a SIGUSR1 ping-pong between two processes, a pipe stream whose
//! every byte is checked, files written, read back and removed on the RAM file system, and a
//! memory hog growing its break until ENOMEM and giving it back. Then the minute's quiet
//! point: every load ended and collected, the files removed, and the free memory
//! (`/proc/meminfo`) and the process count (`/proc`) must be exactly at their baseline. One
//! line per minute (`soak: minute M/N: ... ok`); the first drift or failed load ends the run
//! with a `FAIL` line and status 1, a full run with `soak: PASS` and status 0.
//!
//! Memory pressure has one allowed casualty: a process that touches a new page while the
//! hog holds the last frames is killed by the kernel (SIGKILL, "out of memory"). Such kills
//! are counted; their orphans are collected at the quiet point.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::vec::Vec;
use core::time::Duration;

use uapps::accounting::{Accounting, dump_processes, measure, remove_tree};
use uapps::raw_calls;
use ulib::io::{close, pipe, read, write_all};
use ulib::prelude::*;
use ulib::signal::{SaFlags, SigAction, SigHandler, SigSet, SigmaskHow, kill, sigprocmask};
use ulib::time::nanosleep;

ulib::entry!(main);

/// Seconds of load in each minute; the rest is the quiet point and idle time.
const LOAD_SECONDS: u64 = 45;
const SOAK_DIR: &str = "/soak";

/// What one load reports (through a pipe, as `id` and `count`, 8 bytes).
#[derive(Clone, Copy)]
enum Load {
    Fuzz,
    Storm,
    Signals,
    Pipes,
    Files,
    Memory,
}

const LOADS: [(Load, &str); 6] = [
    (Load::Fuzz, "fuzz"),
    (Load::Storm, "storms"),
    (Load::Signals, "signals"),
    (Load::Pipes, "pipe-kB"),
    (Load::Files, "files"),
    (Load::Memory, "ENOMEMs"),
];

fn now_ns() -> u64 {
    ulib::time::clock_gettime(ulib::time::CLOCK_MONOTONIC)
        .map_or(0, |ts| ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
}

fn main() -> i32 {
    let mut args = ulib::env::args().skip(1);
    let minutes: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(30);
    let seed: u64 = args
        .next()
        .and_then(uapps::fuzzing::parse_seed)
        .unwrap_or_else(now_ns);
    println!("soak: {minutes} minutes of mixed load, seed {seed:#x}");
    remove_tree(SOAK_DIR);
    // Three times: the first ones also grow this process's own heap and stack to what a
    // minute needs.
    measure();
    measure();
    let baseline = measure();
    println!(
        "soak: baseline: free memory {} kB, {} processes",
        baseline.free_kb, baseline.processes
    );
    for minute in 1..=minutes {
        let start = now_ns();
        match run_minute(minute, minutes, seed, &baseline) {
            Ok(()) => {}
            Err(why) => {
                println!("FAIL: soak: minute {minute}/{minutes}: {why}");
                println!("soak: FAILED (seed {seed:#x})");
                return 1;
            }
        }
        let end = start + 60_000_000_000;
        let now = now_ns();
        if minute < minutes && now < end {
            let _ = nanosleep(Duration::from_nanos(end - now));
        }
    }
    println!("soak: PASS: {minutes} minutes, no drift");
    0
}

fn run_minute(
    minute: u64,
    minutes: u64,
    seed: u64,
    baseline: &Accounting,
) -> Result<(), alloc::string::String> {
    let deadline = now_ns() + LOAD_SECONDS * 1_000_000_000;
    let (report_r, report_w) = pipe().map_err(|e| format!("pipe: {}", e.name()))?;
    let mut loads: Vec<(Pid, &str)> = Vec::new();
    for (load, name) in LOADS {
        let child = match fork() {
            Ok(ForkResult::Child) => {
                let _ = close(report_r);
                let count = run_load(load, deadline, seed.wrapping_add(minute));
                let mut record = [0u8; 8];
                record[..4].copy_from_slice(&(load as u32).to_le_bytes());
                record[4..].copy_from_slice(&(count as u32).to_le_bytes());
                let _ = write_all(report_w, &record);
                exit(if count >= 0 { 0 } else { 1 })
            }
            Ok(ForkResult::Parent { child }) => child,
            Err(e) => return Err(format!("fork of the {name} load: {}", e.name())),
        };
        loads.push((child, name));
    }
    let _ = close(report_w);
    // Each load stops at the deadline; one still running 60 s later is hung.
    let give_up = deadline + 60_000_000_000;
    let mut oom_kills = 0;
    let mut failures = Vec::new();
    let mut pending = loads.len();
    while pending > 0 {
        match waitpid(None, WaitFlags::WNOHANG) {
            Ok(WaitStatus::StillAlive) => {
                if now_ns() > give_up {
                    println!("soak: loads still running 60 s after their end:");
                    dump_processes();
                    let _ = kill(Pid::from_raw(-1), Some(Signal::SIGKILL));
                    failures.push(format!("{pending} load(s) hung"));
                    break;
                }
                let _ = nanosleep(Duration::from_millis(50));
            }
            Ok(status) => {
                let Some(at) = loads.iter().position(|(p, _)| status.pid() == Some(*p)) else {
                    // An orphan (a fuzz kid whose worker died): collected later.
                    continue;
                };
                let (_, name) = loads.remove(at);
                pending -= 1;
                match status {
                    WaitStatus::Exited(_, 0) => {}
                    WaitStatus::Signaled(_, Signal::SIGKILL) => oom_kills += 1,
                    other => failures.push(format!("the {name} load {other}")),
                }
            }
            Err(Errno::EINTR) => {}
            Err(e) => return Err(format!("wait: {}", e.name())),
        }
    }
    let mut counts = [0u32; 6];
    let mut record = [0u8; 8];
    while let Ok(8) = read(report_r, &mut record) {
        let id = u32::from_le_bytes([record[0], record[1], record[2], record[3]]) as usize;
        if id < counts.len() {
            counts[id] = u32::from_le_bytes([record[4], record[5], record[6], record[7]]);
        }
    }
    let _ = close(report_r);
    // The quiet point: orphans of killed processes, then every file left.
    let mut leftovers = 0;
    let settle = now_ns() + 5_000_000_000;
    loop {
        match waitpid(None, WaitFlags::WNOHANG) {
            Ok(WaitStatus::StillAlive) if now_ns() < settle => {
                let _ = nanosleep(Duration::from_millis(20));
            }
            Ok(WaitStatus::StillAlive) => {
                // Only the orphans of a process killed for want of memory may wait for good.
                if oom_kills == 0 {
                    println!("soak: processes left behind:");
                    dump_processes();
                    failures.push("processes left behind".into());
                }
                let _ = kill(Pid::from_raw(-1), Some(Signal::SIGKILL));
            }
            Ok(_) => leftovers += 1,
            Err(Errno::EINTR) => {}
            Err(_) => break,
        }
    }
    remove_tree(SOAK_DIR);
    for w in 0..2 {
        remove_tree(&format!("/sysfuzz.{w}"));
    }
    let now = measure();
    let summary = LOADS
        .iter()
        .zip(counts)
        .map(|((_, name), n)| format!("{n} {name}"))
        .collect::<Vec<_>>()
        .join(", ");
    println!(
        "soak: minute {minute}/{minutes}: free memory {} kB (baseline {}), {} processes \
         (baseline {}); {summary}; {oom_kills} killed for memory, {leftovers} orphans; {}",
        now.free_kb,
        baseline.free_kb,
        now.processes,
        baseline.processes,
        if failures.is_empty() && now.matches(baseline) {
            "ok"
        } else {
            "FAILED"
        }
    );
    if !failures.is_empty() {
        return Err(failures.join("; "));
    }
    if !now.matches(baseline) {
        return Err(format!(
            "drift: {} kB of memory and {} processes from the baseline",
            baseline.free_kb as i64 - now.free_kb as i64,
            now.processes as i64 - baseline.processes as i64
        ));
    }
    Ok(())
}

/// Runs one load until `deadline`; returns its count, or -1 if it found something wrong
/// (after printing what).
fn run_load(load: Load, deadline: u64, seed: u64) -> i64 {
    match load {
        Load::Fuzz => fuzz(deadline, seed),
        Load::Storm => storms(deadline),
        Load::Signals => ping_pong(deadline),
        Load::Pipes => stream(deadline),
        Load::Files => files(deadline),
        Load::Memory => hog(deadline),
    }
}

fn fuzz(deadline: u64, seed: u64) -> i64 {
    let seconds = format!("{}", (deadline.saturating_sub(now_ns())) / 1_000_000_000);
    let seed = format!("{seed:#x}");
    let args = [
        "sysfuzz",
        "--seed",
        seed.as_str(),
        "--calls",
        "100000000",
        "--procs",
        "2",
        "--seconds",
        seconds.as_str(),
        "--no-check",
    ];
    let child = match uapps::spawn("/bin/sysfuzz", &args) {
        Ok(c) => c,
        Err(_) => return 0,
    };
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Exited(_, 0)) => 1,
        other => {
            println!("soak: sysfuzz {other:?}");
            -1
        }
    }
}

/// Forks children (each sleeps) until fork fails or 200 are alive, kills and collects them.
fn storms(deadline: u64) -> i64 {
    let mut rounds = 0;
    let mut kids = Vec::with_capacity(200);
    while now_ns() < deadline {
        while kids.len() < 200 {
            match fork() {
                Ok(ForkResult::Child) => {
                    let _ = nanosleep(Duration::from_secs(5));
                    exit(0);
                }
                Ok(ForkResult::Parent { child }) => kids.push(child),
                Err(Errno::EAGAIN) | Err(Errno::ENOMEM) => break,
                Err(e) => {
                    println!("soak: storm: fork gave {}", e.name());
                    return -1;
                }
            }
        }
        for kid in kids.drain(..) {
            let _ = kill(kid, Some(Signal::SIGKILL));
            let _ = waitpid(Some(kid), WaitFlags::empty());
        }
        rounds += 1;
        let _ = nanosleep(Duration::from_millis(200));
    }
    rounds
}

static PINGS: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);

extern "C" fn on_usr1(_sig: i32) {
    PINGS.fetch_add(1, core::sync::atomic::Ordering::SeqCst);
}

/// SIGUSR1 back and forth between this process and a child, each waiting in sigsuspend.
fn ping_pong(deadline: u64) -> i64 {
    let act = SigAction::new(
        SigHandler::Handler(on_usr1),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler only bumps an atomic counter.
    let _ = unsafe { ulib::signal::sigaction(Signal::SIGUSR1, &act) };
    let mut usr1 = SigSet::empty();
    usr1.add(Signal::SIGUSR1);
    let _ = sigprocmask(SigmaskHow::SIG_BLOCK, Some(&usr1), None);
    let me = getpid();
    let peer = match fork() {
        Ok(ForkResult::Child) => {
            // Answers every ping until the parent is gone.
            loop {
                let _ = ulib::signal::sigsuspend(&SigSet::empty());
                if kill(me, Some(Signal::SIGUSR1)).is_err() {
                    exit(0);
                }
            }
        }
        Ok(ForkResult::Parent { child }) => child,
        Err(_) => return 0,
    };
    let mut exchanges = 0;
    while now_ns() < deadline {
        if kill(peer, Some(Signal::SIGUSR1)).is_err() {
            break;
        }
        let _ = ulib::signal::sigsuspend(&SigSet::empty());
        exchanges += 1;
    }
    let _ = kill(peer, Some(Signal::SIGKILL));
    let _ = waitpid(Some(peer), WaitFlags::empty());
    exchanges
}

/// A child writes a counting pattern through a pipe; every byte read is checked.
fn stream(deadline: u64) -> i64 {
    let Ok((r, w)) = pipe() else { return 0 };
    let writer = match fork() {
        Ok(ForkResult::Child) => {
            let _ = close(r);
            let mut block = [0u8; 4096];
            let mut n: u8 = 0;
            while now_ns() < deadline {
                for b in block.iter_mut() {
                    *b = n;
                    n = n.wrapping_add(1);
                }
                if write_all(w, &block).is_err() {
                    break;
                }
            }
            exit(0);
        }
        Ok(ForkResult::Parent { child }) => child,
        Err(_) => return 0,
    };
    let _ = close(w);
    let mut buf = [0u8; 3000];
    let mut want: u8 = 0;
    let mut total: u64 = 0;
    let mut bad = false;
    loop {
        match read(r, &mut buf) {
            Ok(0) => break,
            Ok(n) => {
                for &b in &buf[..n] {
                    if b != want {
                        bad = true;
                    }
                    want = b.wrapping_add(1);
                }
                total += n as u64;
            }
            Err(Errno::EINTR) => {}
            Err(_) => break,
        }
    }
    let _ = close(r);
    let _ = waitpid(Some(writer), WaitFlags::empty());
    if bad {
        println!("soak: pipes: a byte came out wrong");
        return -1;
    }
    (total / 1024) as i64
}

/// Files of 4 KiB to 1 MiB written, read back, checked and removed.
fn files(deadline: u64) -> i64 {
    let _ = ulib::fs::mkdir(SOAK_DIR, 0o755);
    let mut count = 0;
    let mut size = 4096;
    while now_ns() < deadline {
        let path = format!("{SOAK_DIR}/f{}", count % 4);
        let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        match ulib::fs::write(&path, &data) {
            Ok(()) => match ulib::fs::read(&path) {
                Ok(back) if back == data => {}
                Ok(_) => {
                    println!("soak: files: {path} read back different");
                    return -1;
                }
                Err(e) => {
                    println!("soak: files: reading {path}: {}", e.name());
                    return -1;
                }
            },
            // The hog may hold the memory a file needs.
            Err(Errno::ENOSPC) | Err(Errno::ENOMEM) => {}
            Err(e) => {
                println!("soak: files: writing {path}: {}", e.name());
                return -1;
            }
        }
        let _ = ulib::fs::unlink(&path);
        count += 1;
        size = if size >= 1 << 20 { 4096 } else { size * 2 };
    }
    count
}

/// Grows the break a MiB at a time (each page mapped by the kernel) until ENOMEM, holds the
/// memory a moment, gives it back.
fn hog(deadline: u64) -> i64 {
    let start = raw_calls::current_break();
    let mut limits = 0;
    while now_ns() < deadline {
        let mut grown = 0usize;
        loop {
            // SAFETY: the break moves over memory no Rust object uses (this process never
            // allocates while the hog runs; it is given back below).
            match unsafe { raw_calls::sbrk(1 << 20) } {
                Ok(_) => grown += 1 << 20,
                Err(Errno::ENOMEM) => {
                    limits += 1;
                    break;
                }
                Err(e) => {
                    println!("soak: memory: sbrk gave {}", e.name());
                    return -1;
                }
            }
        }
        // Leave a little for everyone else while holding the rest.
        // SAFETY: as above.
        let _ = unsafe { raw_calls::brk(start + grown.saturating_sub(4 << 20)) };
        let _ = nanosleep(Duration::from_millis(300));
        // SAFETY: as above.
        let _ = unsafe { raw_calls::brk(start) };
        let _ = nanosleep(Duration::from_millis(700));
    }
    limits
}

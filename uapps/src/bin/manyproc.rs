//! `manyproc`: many processes at once, and pids that wrap around.
//!
//! ```text
//! manyproc alive <n>   fork n children that block in pause(), check that all n are alive
//!                      (in /proc), kill and reap them, and check that free memory (plus this
//!                      process's own, which may grow) is back where it was before the first
//!                      fork
//! manyproc fill        fork blocked children until fork fails (it must be ENOMEM or EAGAIN),
//!                      then kill and reap them, check the memory, and fork once more
//! manyproc wrap        hold a pid, a process group whose leader has gone and a session whose
//!                      leader has gone, then fork and reap short-lived children until the pids
//!                      have wrapped past 32767: no new pid may equal one still in use
//! ```
//!
//! Output (each mode ends with `manyproc: ok`, exit 0, or `manyproc: FAILED: <why>`, exit 1):
//!
//! ```text
//! manyproc: <k> kB of memory in use per child (<kB> kB in all), <b> bytes of kernel heap
//! manyproc: <n> children alive, <n> listed in /proc                   (alive)
//! manyproc: <n> children killed and reaped
//! manyproc: free memory back to its baseline
//! manyproc: forked <n> children, fork failed with <ERRNO>           (fill)
//! manyproc: holding pid <a>, group <g>, session <s>                 (wrap)
//! manyproc: <forks> forks, pids wrapped <w> times, none in use       (wrap)
//! ```

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::vec::Vec;
use ulib::prelude::*;
use ulib::process::{getpgid, getsid, setpgid, setsid};
use ulib::signal::{Signal, kill, pause};

ulib::entry!(main);

/// The largest pid; the kernel wraps after it.
const MAX_PID: i32 = ulib::limits::MAX_PID;

fn main() -> i32 {
    let mut args = ulib::env::args().skip(1);
    let result = match (args.next(), args.next()) {
        (Some("alive"), Some(n)) => match n.parse::<usize>() {
            Ok(n) => alive(n),
            Err(_) => Err("usage: manyproc alive <n>"),
        },
        (Some("fill"), None) => fill(),
        (Some("wrap"), None) => wrap(),
        _ => Err("usage: manyproc alive <n> | fill | wrap"),
    };
    match result {
        Ok(()) => {
            println!("manyproc: ok");
            0
        }
        Err(why) => {
            println!("manyproc: FAILED: {why}");
            1
        }
    }
}

/// The value of line `key` of /proc/meminfo, in kB.
fn meminfo_kb(key: &str) -> Result<u64, &'static str> {
    let text = ulib::fs::read("/proc/meminfo").map_err(|_| "cannot read /proc/meminfo")?;
    let text = core::str::from_utf8(&text).map_err(|_| "/proc/meminfo is not text")?;
    text.lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse().ok())
        .ok_or("a line missing in /proc/meminfo")
}

/// `MemFree` of /proc/meminfo, in kB.
fn free_kb() -> Result<u64, &'static str> {
    meminfo_kb("MemFree")
}

/// Processes listed in /proc (numeric entries).
fn processes_listed() -> Result<usize, &'static str> {
    let entries = ulib::fs::read_dir("/proc").map_err(|_| "cannot list /proc")?;
    Ok(entries
        .iter()
        .filter(|e| !e.name.is_empty() && e.name.bytes().all(|b| b.is_ascii_digit()))
        .count())
}

/// Forks a child that blocks in `pause` until it is killed.
fn fork_sleeper() -> Result<Pid, Errno> {
    match fork()? {
        ForkResult::Child => loop {
            pause();
        },
        ForkResult::Parent { child } => Ok(child),
    }
}

/// Kills every child in `children` and reaps them all: each must have died of SIGKILL.
fn kill_and_reap(children: &[Pid]) -> Result<(), &'static str> {
    for &child in children {
        kill(child, Some(Signal::SIGKILL)).map_err(|_| "kill of a child failed")?;
    }
    let mut reaped = 0;
    while reaped < children.len() {
        match wait() {
            Ok(WaitStatus::Signaled(_, Signal::SIGKILL)) => reaped += 1,
            Ok(_) => return Err("a child ended otherwise than by SIGKILL"),
            Err(_) => return Err("wait failed before every child was reaped"),
        }
    }
    if wait() != Err(Errno::ECHILD) {
        return Err("wait after reaping every child did not fail with ECHILD");
    }
    println!("manyproc: {reaped} children killed and reaped");
    Ok(())
}

/// Forks and reaps a few children first, so that what the kernel keeps for the next fork
/// (spare kernel stacks) is already in place when the baseline is taken.
fn warm_up() -> Result<(), &'static str> {
    let children: Vec<Pid> = (0..16)
        .map(|_| fork_sleeper())
        .collect::<Result<_, _>>()
        .map_err(|_| "warm-up fork failed")?;
    for &child in &children {
        kill(child, Some(Signal::SIGKILL)).map_err(|_| "warm-up kill failed")?;
    }
    for _ in &children {
        wait().map_err(|_| "warm-up wait failed")?;
    }
    Ok(())
}

/// This process's own user memory (`VmRSS` of /proc/self/status), in kB.
fn own_kb() -> Result<u64, &'static str> {
    let text = ulib::fs::read("/proc/self/status").map_err(|_| "cannot read /proc/self/status")?;
    let text = core::str::from_utf8(&text).map_err(|_| "/proc/self/status is not text")?;
    text.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kb| kb.trim().parse().ok())
        .ok_or("no VmRSS line in /proc/self/status")
}

/// Free memory plus this process's own: what must come back once the children are gone
/// (this process's stack and heap may grow a little on the way, which is not a leak).
fn baseline_kb() -> Result<u64, &'static str> {
    Ok(free_kb()? + own_kb()?)
}

/// Leeway of the memory check, in kB: what this process's page tables and the kernel's
/// caches may still hold for it (a few pages; the kernel's count at power-off is exact).
/// A leak of anything per child is thousands of times more.
const LEEWAY_KB: u64 = 64;

/// Checks that free memory (plus this process's own) is back at `baseline` kB.
fn expect_free(baseline: u64) -> Result<(), &'static str> {
    let now = baseline_kb()?;
    if now + LEEWAY_KB < baseline || now > baseline {
        println!("manyproc: free memory {now} kB, {baseline} kB before the children");
        return Err("free memory did not come back to its baseline");
    }
    println!("manyproc: free memory back to its baseline");
    Ok(())
}

fn alive(n: usize) -> Result<(), &'static str> {
    warm_up()?;
    // A small round first: this process's own stack and heap reach the depth the round
    // needs, so that the memory check of the real round sees only what the children cost.
    alive_round(16.min(n))?;
    alive_round(n)
}

fn alive_round(n: usize) -> Result<(), &'static str> {
    let mut children = Vec::new();
    children
        .try_reserve_exact(n)
        .map_err(|_| "no memory for the list of children")?;
    let baseline = baseline_kb()?;
    let heap_baseline = meminfo_kb("KernelHeapFree")?;
    for _ in 0..n {
        match fork_sleeper() {
            Ok(child) => children.push(child),
            Err(e) => {
                println!(
                    "manyproc: fork {} failed with {}",
                    children.len() + 1,
                    e.name()
                );
                kill_and_reap(&children)?;
                return Err("fork failed before every child was forked");
            }
        }
    }
    let used = baseline.saturating_sub(baseline_kb()?);
    let heap = heap_baseline.saturating_sub(meminfo_kb("KernelHeapFree")?);
    println!(
        "manyproc: {} kB of memory in use per child ({used} kB in all), {} bytes of kernel heap",
        used / n.max(1) as u64,
        heap * 1024 / n.max(1) as u64
    );
    // Listed by a child of its own, whose memory goes with it: the listing of thousands of
    // entries would grow this process's heap for good and spoil the memory check.
    let listed_all = match fork() {
        Ok(ForkResult::Child) => {
            // Every child, this process and the lister itself.
            let listed = processes_listed().map_or(0, |l| l.saturating_sub(2));
            println!("manyproc: {n} children alive, {listed} listed in /proc");
            exit(if listed == n { 0 } else { 1 })
        }
        Ok(ForkResult::Parent { child }) => {
            matches!(
                waitpid(Some(child), WaitFlags::empty()),
                Ok(WaitStatus::Exited(_, 0))
            )
        }
        Err(_) => false,
    };
    for &child in &children {
        if kill(child, None).is_err() {
            return Err("a child is missing");
        }
    }
    if !listed_all {
        kill_and_reap(&children)?;
        return Err("/proc does not list every child");
    }
    kill_and_reap(&children)?;
    expect_free(baseline)
}

fn fill() -> Result<(), &'static str> {
    warm_up()?;
    let mut children = Vec::new();
    // Room for more children than any machine this runs on can hold: the list must not
    // need memory once memory is short.
    children
        .try_reserve_exact(MAX_PID as usize)
        .map_err(|_| "no memory for the list of children")?;
    let baseline = baseline_kb()?;
    let error = loop {
        match fork_sleeper() {
            Ok(child) => children.push(child),
            Err(e) => break e,
        }
    };
    println!(
        "manyproc: forked {} children, fork failed with {}",
        children.len(),
        error.name()
    );
    if error != Errno::ENOMEM && error != Errno::EAGAIN {
        kill_and_reap(&children)?;
        return Err("fork failed with an error other than ENOMEM or EAGAIN");
    }
    kill_and_reap(&children)?;
    expect_free(baseline)?;
    match fork() {
        Ok(ForkResult::Child) => exit(0),
        Ok(ForkResult::Parent { child }) => match waitpid(Some(child), WaitFlags::empty()) {
            Ok(WaitStatus::Exited(pid, 0)) if pid == child => Ok(()),
            _ => Err("the child of the fork after reaping did not exit cleanly"),
        },
        Err(_) => Err("fork failed again after every child was reaped"),
    }
}

/// Forks a child that runs `f` and exits with what it returns; waits for it and returns
/// its pid and that code.
fn run_child(f: fn() -> i32) -> Result<(i32, i32), &'static str> {
    match fork().map_err(|_| "fork failed")? {
        ForkResult::Child => exit(f()),
        ForkResult::Parent { child } => match waitpid(Some(child), WaitFlags::empty()) {
            Ok(WaitStatus::Exited(_, code)) => Ok((child.as_raw(), code)),
            _ => Err("a helper child did not exit normally"),
        },
    }
}

/// The offset of `member` from `leader` as an exit code (1..=255), or 0.
fn offset_code(leader: Pid, member: Pid) -> i32 {
    let offset = member.as_raw() - leader.as_raw();
    if (1..=255).contains(&offset) {
        offset
    } else {
        0
    }
}

/// In a child: starts a process group of its own, leaves a blocked member in it and exits.
/// The exit code is the member's pid minus the leader's, or 0 on failure.
fn leave_a_group() -> i32 {
    if setpgid(Pid::from_raw(0), Pid::from_raw(0)).is_err() {
        return 0;
    }
    fork_sleeper().map_or(0, |member| offset_code(getpid(), member))
}

/// In a child: starts a session of its own, leaves a blocked member in it and exits, as
/// [`leave_a_group`] does.
fn leave_a_session() -> i32 {
    if setsid().is_err() {
        return 0;
    }
    fork_sleeper().map_or(0, |member| offset_code(getpid(), member))
}

fn wrap() -> Result<(), &'static str> {
    if getpid().as_raw() != 1 {
        return Err("wrap runs as pid 1 (it reaps the orphans it leaves)");
    }
    let holder = fork_sleeper()
        .map_err(|_| "fork of the long-lived child failed")?
        .as_raw();
    let (group, offset) = run_child(leave_a_group)?;
    if offset == 0 {
        return Err("the group leader could not set up its group");
    }
    let group_member = group + offset;
    if getpgid(Some(Pid::from_raw(group_member))) != Ok(Pid::from_raw(group)) {
        return Err("the member is not in the group its leader left");
    }
    let (session, offset) = run_child(leave_a_session)?;
    if offset == 0 {
        return Err("the session leader could not set up its session");
    }
    let session_member = session + offset;
    if getsid(Some(Pid::from_raw(session_member))) != Ok(Pid::from_raw(session)) {
        return Err("the member is not in the session its leader left");
    }
    println!("manyproc: holding pid {holder}, group {group}, session {session}");
    let held = [1, holder, group, group_member, session, session_member];
    let highest_held = held.iter().copied().max().unwrap_or(1);
    let (mut forks, mut wraps, mut last) = (0u32, 0u32, session_member);
    // Until the pids have wrapped and passed every id held (they are low).
    while wraps == 0 || last <= highest_held + 8 {
        if forks > 3 * MAX_PID as u32 {
            return Err("the pids never wrapped around");
        }
        let child = match fork() {
            Ok(ForkResult::Child) => exit(0),
            Ok(ForkResult::Parent { child }) => child,
            Err(_) => return Err("fork failed"),
        };
        forks += 1;
        if held.contains(&child.as_raw()) {
            println!("manyproc: new pid {child} is still in use");
            return Err("a new pid equals a pid, group or session still in use");
        }
        if !(1..=MAX_PID).contains(&child.as_raw()) {
            return Err("a pid outside 1..=32767");
        }
        if child.as_raw() < last {
            wraps += 1;
        }
        last = child.as_raw();
        match waitpid(Some(child), WaitFlags::empty()) {
            Ok(WaitStatus::Exited(pid, 0)) if pid == child => {}
            _ => return Err("a short-lived child did not exit cleanly"),
        }
    }
    println!("manyproc: {forks} forks, pids wrapped {wraps} times, none in use");
    let held_children = [holder, group_member, session_member].map(Pid::from_raw);
    kill_and_reap(&held_children)
}

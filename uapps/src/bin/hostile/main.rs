//! `hostile <case> | all | list`: attacks on the rule "a user program can never crash or hang
//! the kernel; a bad system-call argument is an errno".
//!
//! Each case prints `PASS <case>` or `FAIL: <case>: <why>` and the program exits 0 only if every
//! case it ran passed (2 for a usage error). `hostile all` runs every case in a forked child and
//! ends with `hostile: <p> passed, <f> failed`. Like `ptest`, it is meant to be booted as pid 1
//! (`init=/bin/hostile -- <case>`): after the case it collects every remaining child. The
//! driver is `uapps::cases`, shared with `ptest`.
//!
//! Everything risky runs in forked children whose end the parent checks exactly (an exit code,
//! or the signal the contract names for the fault). The kernel's own health is checked by the
//! host side (`tests/tests/robustness.rs`): no panic, the kill lines, and every frame returned.
//!
//! Cases (see each function for the details):
//!
//! - `raw_fuzz [seed]`: ~20000 raw system calls with random numbers and arguments, in forked
//!   batches, each result checked against what the call may return.
//! - `regs_preserved`: every register but `eax` survives `int 0x21` (also `fork` in both
//!   processes, a blocking sleep, and preemption), and the direction flag cannot fool the kernel.
//! - `bad_exec`: every way to get `execve`'s arguments wrong leaves the caller intact;
//!   `exec_paths`: POSIX path resolution (`/`, trailing slashes, `//`, `.`, `..`).
//! - `brk_abuse`: the program break at and beyond its limits, memory given back;
//!   `oom`: with all memory taken, every call that needs some fails with ENOMEM (half-built
//!   forks included) and faulting processes are killed; nothing leaks.
//! - `stack_growth`: the 8 MiB stack region grows on demand and ends in a SIGSEGV;
//!   `lazy_stack`: the kernel accepts pointers into its not-yet-touched pages.
//! - `wait_edge`, `write_edge`, `clock_edge`: argument edges of the three pointer-taking calls.
//! - `user_traps`: privileged and odd instructions, each killing only its child.
//! - `fork_storm`: forking until `EAGAIN`, three times, must succeed the same number of times.
//! - `long_syscalls`: a system call must not stop the clock or the scheduler.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::hint::black_box;
use core::sync::atomic::{AtomicU32, Ordering};

use uapps::cases::{Case, Suite, Wording, spawn};
use uapps::fault::SURVIVED;
use uapps::raw_calls::{
    self, READ_ONLY, READ_ONLY_VALUE, current_break, execve as execve_raw, write as write_raw,
};
use uapps::{bail, ensure};
use ulib::prelude::*;
use ulib::raw::{self, nr};
use ulib::{layout, limits};

// The cases, one module each (the cases each holds in the comment).
mod edges; // wait_edge, write_edge, clock_edge
mod exec; // bad_exec, exec_paths
mod fuzz; // raw_fuzz
mod latency; // long_syscalls
mod memory; // brk_abuse, oom
mod regs; // regs_preserved
mod stack; // stack_growth, lazy_stack
mod storm; // fork_storm
mod traps; // user_traps

ulib::entry!(main);

/// Why a case did not pass.
type Verdict = Result<(), String>;

// ---------------------------------------------------------------------------------------
// The address-space layout and the kernel's limits, as the kernel defines them (`ulib::layout`
// and `ulib::limits` re-export the shared `abi` crate), in the `usize` this program computes with.

/// Page size.
const PAGE: usize = layout::PAGE_SIZE as usize;
/// The first address of the kernel; user space ends here.
const USER_END: usize = layout::USER_END as usize;
/// The lowest address the stack may grow down to; the heap may not grow past it.
const STACK_LIMIT: usize = layout::USER_STACK_LIMIT as usize;
/// Longest `execve` path without the NUL.
const MAX_PATH_LEN: usize = limits::MAX_PATH_LEN;
/// Most `argv` entries.
const MAX_ARGS: usize = limits::MAX_ARGS;
/// Most bytes of `argv` strings, NULs included.
const MAX_ARG_BYTES: usize = limits::MAX_ARG_BYTES;
/// The user data selector (GDT entry 4, RPL 3).
const USER_DATA_SELECTOR: u32 = 0x23;
/// A child that reports an errno `e` exits with `ERRNO_EXIT + e`.
const ERRNO_EXIT: i32 = 100;

unsafe extern "C" {
    /// First byte of the image (ulib/user.ld).
    static __executable_start: u8;
    /// End of the text section (ulib/user.ld); read-only data starts at the next page.
    static _etext: u8;
    /// First byte of the writable data segment (ulib/user.ld).
    static __data_start: u8;
    /// End of the image (ulib/user.ld); the kernel starts the heap at the next page.
    static _end: u8;
}

/// Where the parts of this program's image are.
#[derive(Clone, Copy)]
struct Image {
    text_start: usize,
    rodata_start: usize,
    data_start: usize,
    heap_start: usize,
}

fn image() -> Image {
    Image {
        text_start: (&raw const __executable_start) as usize,
        rodata_start: page_up((&raw const _etext) as usize),
        data_start: (&raw const __data_start) as usize,
        heap_start: page_up((&raw const _end) as usize),
    }
}

const fn page_up(addr: usize) -> usize {
    (addr + PAGE - 1) & !(PAGE - 1)
}

const fn page_down(addr: usize) -> usize {
    addr & !(PAGE - 1)
}

/// Three pages of writable scratch memory in `.bss`, page-aligned, that no Rust object aliases:
/// the kernel may store into them at will.
#[repr(C, align(4096))]
struct Scratch([u8; 3 * PAGE]);

static mut SCRATCH: Scratch = Scratch([0; 3 * PAGE]);

/// The address of `SCRATCH` (only raw pointers ever reach it).
fn scratch() -> usize {
    (&raw mut SCRATCH) as usize
}

/// Reads 4 bytes at any readable address of this process.
fn peek_u32(addr: usize) -> u32 {
    // SAFETY: callers pass addresses inside memory this process has mapped readable (scratch,
    // stack buffers, the heap edge page); a byte array has no alignment requirement.
    u32::from_le_bytes(unsafe { core::ptr::read_volatile(addr as *const [u8; 4]) })
}

/// Writes bytes at an address of this process's writable memory.
fn poke(addr: usize, bytes: &[u8]) {
    for (i, &b) in bytes.iter().enumerate() {
        // SAFETY: callers pass writable memory of this process that no Rust reference covers
        // (scratch, the heap edge page, the top of the stack in a child about to exit).
        unsafe { core::ptr::write_volatile((addr + i) as *mut u8, b) };
    }
}

// ---------------------------------------------------------------------------------------
// System calls that store into memory or move the break (`uapps::raw_calls` has the rest).
// They are `unsafe` there; this program keeps one rule that makes them sound here: a status or
// timespec pointer is NULL, memory the kernel must refuse, or scratch memory no Rust reference
// covers, and the break only moves over memory nothing in this process uses (growing adds
// fresh pages; shrinking gives back only what the same caller added, or runs in a child that
// no longer touches the heap).

/// `sbrk(increment)`.
fn sbrk(increment: isize) -> Result<usize, Errno> {
    // SAFETY: the break moves only over memory nothing uses (this program's rule above).
    unsafe { raw_calls::sbrk(increment) }
}

/// `brk(addr)`.
fn brk(addr: usize) -> Result<usize, Errno> {
    // SAFETY: as for `sbrk`.
    unsafe { raw_calls::brk(addr) }
}

/// `waitpid(pid, status, options)` storing the status at `status`.
fn waitpid_raw(pid: i32, status: usize, options: u32) -> Result<usize, Errno> {
    // SAFETY: `status` is NULL, refused memory or scratch (this program's rule above).
    unsafe { raw_calls::waitpid(pid, status, options) }
}

/// `clock_gettime(clock, ts)` storing 8 bytes at `ts`.
fn clock_raw(clock: u32, ts: usize) -> Result<usize, Errno> {
    // SAFETY: as for `waitpid_raw`.
    unsafe { raw_calls::clock_gettime(clock, ts) }
}

/// The monotonic clock in nanoseconds.
fn now_ns() -> u64 {
    match ulib::time::clock_gettime(ulib::time::CLOCK_MONOTONIC) {
        Ok(ts) => ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64,
        Err(_) => 0,
    }
}

// ---------------------------------------------------------------------------------------
// Children

/// Waits for `child`.
fn reap(child: Pid) -> Result<WaitStatus, String> {
    waitpid(Some(child), WaitFlags::empty()).map_err(|e| format!("waitpid({child}): {}", e.name()))
}

/// Waits for `child` and requires it to have exited with `code`.
fn expect_exit(child: Pid, code: i32, what: &str) -> Verdict {
    match reap(child)? {
        WaitStatus::Exited(pid, got) if pid == child && got == code => Ok(()),
        WaitStatus::Exited(_, got) if (ERRNO_EXIT..ERRNO_EXIT + 100).contains(&got) => bail!(
            "{what}: the child reported {} (exit {got}), expected exit {code}",
            errno_name(got - ERRNO_EXIT)
        ),
        other => bail!("{what}: expected the child to exit with {code}, it {other}"),
    }
}

/// Waits for `child` and requires it to have been killed by `sig`.
fn expect_signal(child: Pid, sig: Signal, what: &str) -> Verdict {
    match reap(child)? {
        WaitStatus::Signaled(pid, got) if pid == child && got == sig => Ok(()),
        other => bail!("{what}: expected the child to be killed by {sig:?}, it {other}"),
    }
}

/// Runs `f` in a child and requires exit status 0.
fn in_child(what: &str, f: impl FnOnce() -> i32) -> Verdict {
    let child = spawn(f)?;
    expect_exit(child, 0, what)
}

/// The name of errno `e`, or its number.
fn errno_name(e: i32) -> String {
    match Errno::from_raw(e) {
        Some(errno) => String::from(errno.name()),
        None => format!("errno {e}"),
    }
}

/// The exit code a child uses to report `r`: 0 for success, `ERRNO_EXIT + errno` otherwise.
fn report(r: Result<usize, Errno>) -> i32 {
    match r {
        Ok(_) => 0,
        Err(e) => ERRNO_EXIT + e as i32,
    }
}

/// Touches `bytes` of stack below the caller, so that those pages are private and mapped
/// (copy-on-write broken) before memory runs out.
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

// ---------------------------------------------------------------------------------------
// The driver

const SUITE: Suite<String> = Suite {
    program: "hostile",
    // raw_fuzz takes a seed (see `fuzz`).
    usage: "<case> [seed] | all | list",
    cases: &[
        Case::new("raw_fuzz", fuzz::raw_fuzz),
        Case::new("regs_preserved", regs::regs_preserved),
        Case::new("bad_exec", exec::bad_exec),
        Case::new("exec_paths", exec::exec_paths),
        Case::new("brk_abuse", memory::brk_abuse),
        Case::new("oom", memory::oom),
        Case::new("stack_growth", stack::stack_growth),
        Case::new("lazy_stack", stack::lazy_stack),
        Case::new("wait_edge", edges::wait_edge),
        Case::new("write_edge", edges::write_edge),
        Case::new("clock_edge", edges::clock_edge),
        Case::new("user_traps", traps::user_traps),
        Case::new("fork_storm", storm::fork_storm),
        Case::new("long_syscalls", latency::long_syscalls),
    ],
    wording: Wording {
        driver: "driver",
        fork_failed: "cannot fork",
        wait_failed: "wait",
        leftover: |status| format!("{status:?}"),
    },
};

fn main() -> i32 {
    SUITE.main()
}

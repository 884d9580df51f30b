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
use uapps::{bail, ensure};
use ulib::errno::decode_result;
use ulib::prelude::*;
use ulib::raw::{self, nr};

ulib::entry!(main);

/// Why a case did not pass.
type Verdict = Result<(), String>;

// ---------------------------------------------------------------------------------------
// The address-space layout (docs/memory.md, kernel/abi/src/layout.rs) and the kernel's limits
// (kernel/abi/src/limits.rs), as a user program sees them.

/// Page size.
const PAGE: usize = 4096;
/// The first address of the kernel; user space ends here.
const USER_END: usize = 0xC000_0000;
/// The lowest address the stack may grow down to; the heap may not grow past it.
const STACK_LIMIT: usize = 0xBF80_0000;
/// Longest `execve` path without the NUL.
const MAX_PATH_LEN: usize = 255;
/// Most `argv` entries.
const MAX_ARGS: usize = 32;
/// Most bytes of `argv` strings, NULs included.
const MAX_ARG_BYTES: usize = 4096;
/// The user data selector (GDT entry 4, RPL 3).
const USER_DATA_SELECTOR: u32 = 0x23;
/// Exit status of a child that executed a faulting instruction and lived on.
const SURVIVED: i32 = 200;
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

/// Read-only data (in `.rodata`) for the kernel to refuse to write into.
static READ_ONLY: [u32; 4] = [0x5EED_0001, 0x5EED_0002, 0x5EED_0003, 0x5EED_0004];

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
// Raw system calls. Each wrapper states why the call is sound for the arguments it takes.

/// `sbrk(increment)`.
fn sbrk(increment: isize) -> Result<usize, Errno> {
    // SAFETY: callers only move the break over memory that nothing in this process uses: growing
    // adds fresh pages; shrinking gives back only what the same caller added (or runs in a child
    // that no longer touches the heap).
    decode_result(unsafe { raw::sys_sbrk(increment) })
}

/// `brk(addr)`.
fn brk(addr: usize) -> Result<usize, Errno> {
    // SAFETY: as for `sbrk`.
    decode_result(unsafe { raw::sys_brk(addr) })
}

/// The current break.
fn current_break() -> usize {
    sbrk(0).unwrap_or(0)
}

/// `write(fd, addr, len)`: the kernel only reads, so any range is sound.
fn write_raw(fd: i32, addr: usize, len: usize) -> Result<usize, Errno> {
    // SAFETY: write only reads `[addr, addr + len)`; a bad range must fail with EFAULT.
    decode_result(unsafe { raw::sys_write(fd, addr, len) })
}

/// `waitpid(pid, status, options)` storing the status at `status`.
fn waitpid_raw(pid: i32, status: usize, options: u32) -> Result<usize, Errno> {
    // SAFETY: callers pass NULL, memory that is not writable for this process (which the kernel
    // must refuse), or scratch memory that no Rust reference covers.
    decode_result(unsafe { raw::sys_waitpid(pid, status, options) })
}

/// `clock_gettime(clock, ts)` storing 8 bytes at `ts`.
fn clock_raw(clock: u32, ts: usize) -> Result<usize, Errno> {
    // SAFETY: as for `waitpid_raw`.
    decode_result(unsafe { raw::sys_clock_gettime(clock, ts) })
}

/// `execve(path, argv, envp)` with raw pointers; returns only on failure.
fn execve_raw(path: usize, argv: usize, envp: usize) -> Errno {
    // SAFETY: the kernel only reads the three arguments; on success this process is replaced,
    // which is what the callers (children) want.
    match decode_result(unsafe { raw::sys_execve(path, argv, envp) }) {
        Err(e) => e,
        // A successful execve does not come back.
        Ok(_) => Errno::EIO,
    }
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

// =======================================================================================
// raw_fuzz

mod fuzz {
    //! Random raw system calls. A deterministic PRNG (splitmix64, seed printed, or given as the
    //! second argument) picks call numbers — half from the table, the rest anywhere in 0..=300
    //! or at edges — and five arguments from a pool of interesting values: small numbers, -1,
    //! page sizes, huge lengths, the user/kernel boundary, addresses in this program's text,
    //! read-only data, scratch data, stack and heap (unaligned and straddling pages).
    //!
    //! The calls run in forked batch processes, so that `fork`, `exit` and `execve` can be
    //! called too: forked children exit at once, `exit` and a valid `execve` run in a
    //! grandchild whose end is checked. Every result must be a valid success value or a known
    //! `-errno` the call may return, and unknown numbers exactly `-ENOSYS`.
    //!
    //! The batch process never uses its heap, so `brk`/`sbrk` may move the break anywhere.
    //! Pointers the kernel would write through (wait status, timespec) are kept off live data:
    //! they land in scratch buffers or in memory that must be refused. Console writes only
    //! print a fixed line, never program memory.

    use super::*;

    const CALLS: u32 = 20_000;
    const BATCHES: u32 = 20;
    const DEFAULT_SEED: u64 = 0x4C55_4E41_4958_2D52;
    /// Outstanding forked children before the batch collects them.
    const MAX_KIDS: usize = 48;
    /// The only bytes a fuzzed console write may print.
    const SAFE_LINE: &[u8] = b"raw_fuzz: console write\n";
    /// The kernel's cap on one write (kernel/src/syscall/handlers.rs).
    const MAX_WRITE: usize = 64 * 1024;
    /// Heap scratch the batch starts with.
    const HEAP_SCRATCH: usize = 64 * 1024;
    /// Growing the break by this much or more may fail for lack of memory.
    const BIG_GROWTH: usize = 16 << 20;
    /// Lines of detail printed per batch for mismatches.
    const MAX_REPORTS: u32 = 3;

    static CANARY: AtomicU32 = AtomicU32::new(0);
    const CANARY_VALUE: u32 = 0xCA4A_12E5;

    /// Paths for `execve`: every one but `/bin/hello` must fail.
    static P_EMPTY: &[u8] = b"\0";
    static P_ROOT: &[u8] = b"/\0";
    static P_BIN: &[u8] = b"/bin\0";
    static P_MISSING: &[u8] = b"/nonexistent\0";
    static P_UNDER_FILE: &[u8] = b"/bin/hello/x\0";
    static P_HELLO: &[u8] = b"/bin/hello\0";
    static P_LONG: [u8; 301] = {
        let mut p = [b'a'; 301];
        p[0] = b'/';
        p[300] = 0;
        p
    };
    static P_MAXLEN: [u8; 256] = {
        let mut p = [b'b'; 256];
        p[0] = b'/';
        p[255] = 0;
        p
    };
    static A_HELLO: &[u8] = b"hello\0";
    static A_FUZZ: &[u8] = b"raw_fuzz\0";

    /// The memory a batch may hand the kernel.
    struct Pools {
        good_argv: [usize; 3],
        bad_elem_argv: [usize; 3],
        empty_envp: [usize; 1],
    }

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Access {
        /// The whole range is accessible.
        Ok,
        /// Some page of the range is not: the call must fail with EFAULT.
        Fault,
        /// Unmapped part of the stack region: a kernel may refuse it or grow the stack.
        Maybe,
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Page {
        Unmapped,
        ReadOnly,
        Writable,
        Lazy,
    }

    /// One batch process's state. No heap memory: the batch may move its break anywhere.
    struct Batch<'a> {
        rng: u64,
        seed: u64,
        batch: u32,
        img: Image,
        me: i32,
        parent: i32,
        brk: usize,
        heap_lo: usize,
        stack_scratch: usize,
        live_stack_lo: usize,
        kids: [i32; MAX_KIDS],
        nkids: usize,
        sleeps_left: u32,
        last_ns: u64,
        failures: u32,
        pools: &'a Pools,
        stats: Stats,
    }

    #[derive(Default, Clone, Copy)]
    struct Stats {
        ok: u32,
        errno: u32,
        enosys: u32,
        forks: u32,
        exits: u32,
        execs: u32,
        brk_moves: u32,
    }

    pub fn raw_fuzz() -> Verdict {
        let seed = ulib::env::args()
            .nth(2)
            .and_then(parse_seed)
            .unwrap_or(DEFAULT_SEED);
        println!("raw_fuzz: seed {seed:#018x}, {CALLS} calls in {BATCHES} batches");
        let me = getpid();
        let mut bad = Vec::new();
        for batch in 0..BATCHES {
            let child = match fork() {
                Ok(ForkResult::Child) => exit(run_batch(seed, batch, me.as_raw())),
                Ok(ForkResult::Parent { child }) => child,
                Err(e) => bail!("batch {batch}: fork failed: {}", e.name()),
            };
            match reap(child)? {
                WaitStatus::Exited(_, 0) => {}
                other => bad.push(format!("batch {batch}: the fuzzing process {other}")),
            }
        }
        ensure!(
            bad.is_empty(),
            "{} (seed {seed:#x}; rerun with `hostile raw_fuzz {seed:#x}`)",
            bad.join("; ")
        );
        let left = wait();
        ensure!(
            left == Err(Errno::ECHILD),
            "after the batches wait gave {left:?}, expected ECHILD"
        );
        ensure!(getpid() == me, "getpid changed");
        println!("raw_fuzz: {BATCHES} batches done, the kernel is intact");
        Ok(())
    }

    fn parse_seed(s: &str) -> Option<u64> {
        match s.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok(),
            None => s.parse().ok(),
        }
    }

    /// Runs one batch in the current (forked) process; returns its exit status.
    fn run_batch(seed: u64, batch: u32, parent: i32) -> i32 {
        let mut stack_scratch = [0u8; 2 * PAGE];
        black_box(&mut stack_scratch);
        // Everything the batch itself uses lives within this much below here.
        pretouch_stack(64 * 1024);
        let here = stack_scratch.as_ptr() as usize;
        let pools = Pools {
            good_argv: [A_HELLO.as_ptr() as usize, A_FUZZ.as_ptr() as usize, 0],
            bad_elem_argv: [A_HELLO.as_ptr() as usize, USER_END, 0],
            empty_envp: [0],
        };
        CANARY.store(CANARY_VALUE, Ordering::SeqCst);
        let img = image();
        let start = current_break();
        let heap_lo = page_up(start);
        let brk_now = match sbrk((heap_lo - start + HEAP_SCRATCH) as isize) {
            Ok(_) => heap_lo + HEAP_SCRATCH,
            Err(e) => {
                println!(
                    "FAIL: raw_fuzz: batch {batch}: sbrk for scratch: {}",
                    e.name()
                );
                return 1;
            }
        };
        let mut b = Batch {
            rng: seed ^ (u64::from(batch) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            seed,
            batch,
            img,
            me: getpid().as_raw(),
            parent,
            brk: brk_now,
            heap_lo,
            stack_scratch: here,
            live_stack_lo: page_down(here).saturating_sub(96 * 1024),
            kids: [0; MAX_KIDS],
            nkids: 0,
            sleeps_left: if batch == 0 { 2 } else { 0 },
            last_ns: 0,
            failures: 0,
            pools: &pools,
            stats: Stats::default(),
        };
        for i in 0..CALLS / BATCHES {
            b.step(i);
            if CANARY.load(Ordering::SeqCst) != CANARY_VALUE {
                b.fail(i, 0, [0; 5], 0, "a static variable of the caller changed");
                break;
            }
        }
        b.reap_kids(u32::MAX);
        let left = waitpid_raw(-1, 0, 0);
        if left != Err(Errno::ECHILD) {
            b.fail(
                u32::MAX,
                nr::WAITPID as u32,
                [0; 5],
                0,
                "a stray child is left",
            );
        }
        black_box(&stack_scratch);
        let s = b.stats;
        println!(
            "raw_fuzz: batch {batch}: {} ok, {} errno, {} ENOSYS, {} forks, {} exits, {} execs, \
             {} break moves, {} mismatches",
            s.ok, s.errno, s.enosys, s.forks, s.exits, s.execs, s.brk_moves, b.failures
        );
        i32::from(b.failures != 0)
    }

    /// The value of a raw result: `Ok(value)` or `Err(errno)` for -4095..=-1.
    fn split(r: isize) -> Result<usize, i32> {
        if (-4095..=-1).contains(&r) {
            Err(-r as i32)
        } else {
            Ok(r as usize)
        }
    }

    fn is(r: isize, e: Errno) -> bool {
        r == -(e as i32 as isize)
    }

    impl Batch<'_> {
        fn next(&mut self) -> u64 {
            self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.rng;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn chance(&mut self, one_in: usize) -> bool {
            self.below(one_in) == 0
        }

        fn pick_nr(&mut self) -> u32 {
            const KNOWN: [usize; 13] = [
                nr::FORK,
                nr::YIELD,
                nr::SBRK,
                nr::BRK,
                nr::GETPID,
                nr::GETPPID,
                nr::SLEEP,
                nr::EXIT,
                nr::WAIT,
                nr::WAITPID,
                nr::WRITE,
                nr::EXECVE,
                nr::CLOCK_GETTIME,
            ];
            const EDGES: [u32; 16] = [
                0,
                0xFFFF_FFFF,
                0x8000_0000,
                0x8000_0001,
                0x7FFF_FFFF,
                127,
                128,
                129,
                130,
                11,
                21,
                23,
                53,
                55,
                255,
                256,
            ];
            match self.below(4) {
                0 | 1 => KNOWN[self.below(KNOWN.len())] as u32,
                2 => self.below(301) as u32,
                _ => EDGES[self.below(EDGES.len())],
            }
        }

        /// One argument from the pool of interesting values.
        fn arg(&mut self) -> u32 {
            const FIXED: [u32; 32] = [
                0,
                1,
                2,
                3,
                4,
                7,
                0xFF,
                0x100,
                0xFFF,
                0x1000,
                0x1001,
                0xFFFF,
                0x1_0000,
                0x1_0001,
                0x7FFF_FFFF,
                0x8000_0000,
                0xFFFF_FFFF,
                0xFFFF_FFFE,
                0xFFFF_FFFC,
                0xFFFF_F000,
                0x4000_0000,
                0x7000_0000,
                0xBF80_0000,
                0xBF7F_FFFF,
                0xBFF0_0000,
                0xBFFF_FFFF,
                0xBFFF_FFFC,
                0xC000_0000,
                0xC000_0001,
                0xC010_0000,
                0xDEAD_BEEF,
                0xFFFF_FFF0,
            ];
            let img = self.img;
            match self.below(4) {
                0 | 1 => FIXED[self.below(FIXED.len())],
                2 => {
                    let pick = self.below(20);
                    let v = match pick {
                        0 => img.text_start,
                        1 => img.text_start + 1,
                        2 => run_batch as fn(u64, u32, i32) -> i32 as usize,
                        3 => img.rodata_start - 2,
                        4 => READ_ONLY.as_ptr() as usize,
                        5 => READ_ONLY.as_ptr() as usize + 1,
                        6 => scratch(),
                        7 => scratch() + 1,
                        8 => scratch() + PAGE - 2,
                        9 => scratch() + 3 * PAGE - 4,
                        10 => self.stack_scratch,
                        11 => self.stack_scratch + 3,
                        12 => self.stack_scratch + PAGE - 3,
                        13 => self.heap_lo,
                        14 => self.heap_lo + 5,
                        15 => page_up(self.brk) - 2,
                        16 => page_up(self.brk),
                        17 => self.me as usize,
                        18 => {
                            if self.nkids > 0 {
                                self.kids[self.below(self.nkids)] as usize
                            } else {
                                self.parent as usize
                            }
                        }
                        _ => img.data_start + 64,
                    };
                    v as u32
                }
                _ => {
                    if self.chance(2) {
                        self.below(64) as u32
                    } else {
                        self.next() as u32
                    }
                }
            }
        }

        fn page(&self, page: usize) -> Page {
            let img = self.img;
            if !(PAGE..USER_END).contains(&page) {
                Page::Unmapped
            } else if page >= img.text_start && page < img.data_start {
                Page::ReadOnly
            } else if page >= img.data_start && page < page_up(self.brk) {
                Page::Writable
            } else if page >= STACK_LIMIT {
                if page >= self.live_stack_lo {
                    Page::Writable
                } else {
                    Page::Lazy
                }
            } else {
                Page::Unmapped
            }
        }

        /// Whether the kernel may access `[addr, addr + len)` (`write`: for storing).
        fn access(&self, addr: usize, len: usize, write: bool) -> Access {
            if len == 0 {
                return Access::Ok;
            }
            let end = addr as u64 + len as u64;
            if addr < PAGE || end > USER_END as u64 {
                return Access::Fault;
            }
            let mut maybe = false;
            let mut page = page_down(addr);
            while (page as u64) < end {
                match self.page(page) {
                    Page::Unmapped => return Access::Fault,
                    Page::ReadOnly if write => return Access::Fault,
                    Page::Lazy => maybe = true,
                    _ => {}
                }
                page += PAGE;
            }
            if maybe { Access::Maybe } else { Access::Ok }
        }

        /// Keeps a pointer the kernel will store `len` bytes through off this process's live
        /// data: only scratch memory, or memory that must be refused, stays.
        fn sanitize_store(&mut self, addr: u32, len: usize) -> u32 {
            let a = addr as usize;
            let end = a as u64 + len as u64;
            let inside = |lo: usize, size: usize| a >= lo && end <= (lo + size) as u64;
            if inside(scratch(), 3 * PAGE)
                || inside(self.stack_scratch, 2 * PAGE)
                || (a >= self.img.heap_start && end <= STACK_LIMIT as u64)
            {
                return addr;
            }
            let overlaps = |lo: usize, hi: usize| (a as u64) < hi as u64 && end > lo as u64;
            if overlaps(self.img.data_start, self.img.heap_start)
                || overlaps(self.live_stack_lo, USER_END)
            {
                return (scratch() + self.below(64)) as u32;
            }
            addr
        }

        fn fail(&mut self, i: u32, n: u32, a: [u32; 5], r: isize, why: &str) {
            self.failures += 1;
            if self.failures <= MAX_REPORTS {
                let name = nr::syscall_name(n as usize).unwrap_or("unknown");
                println!(
                    "FAIL: raw_fuzz: seed {:#x} batch {} call {i}: {name}#{n}({:#x}, {:#x}, \
                     {:#x}, {:#x}, {:#x}) = {r}: {why}",
                    self.seed, self.batch, a[0], a[1], a[2], a[3], a[4]
                );
            }
        }

        fn count(&mut self, r: isize) {
            match split(r) {
                Ok(_) => self.stats.ok += 1,
                Err(38) => self.stats.enosys += 1,
                Err(_) => self.stats.errno += 1,
            }
        }

        fn call(n: u32, a: [u32; 5]) -> isize {
            // SAFETY: `step` sanitised every argument the kernel stores through or acts on
            // (status and timespec pointers, break moves over unused heap, console buffers,
            // exec paths), and calls that end or replace a process run in a grandchild.
            unsafe {
                raw::syscall(
                    n as usize,
                    a[0] as usize,
                    a[1] as usize,
                    a[2] as usize,
                    a[3] as usize,
                    a[4] as usize,
                )
            }
        }

        fn step(&mut self, i: u32) {
            let n = self.pick_nr();
            let mut a = [self.arg(), self.arg(), self.arg(), self.arg(), self.arg()];
            match n as usize {
                nr::FORK => self.fork(i, a),
                nr::YIELD => {
                    let r = Self::call(n, a);
                    self.count(r);
                    if r != 0 {
                        self.fail(i, n, a, r, "yield must return 0");
                    }
                }
                nr::SBRK | nr::BRK => self.move_break(i, n, a),
                nr::GETPID | nr::GETPPID => {
                    let r = Self::call(n, a);
                    self.count(r);
                    let want = if n as usize == nr::GETPID {
                        self.me
                    } else {
                        self.parent
                    };
                    if r != want as isize {
                        self.fail(i, n, a, r, "wrong pid");
                    }
                }
                nr::SLEEP => {
                    a[0] = 0;
                    if self.sleeps_left > 0 && self.chance(16) {
                        self.sleeps_left -= 1;
                        a[0] = 1;
                    }
                    let r = Self::call(n, a);
                    self.count(r);
                    if r != 0 {
                        self.fail(i, n, a, r, "sleep must return 0");
                    }
                }
                nr::EXIT => self.exit_in_grandchild(i, a),
                nr::WAIT | nr::WAITPID => self.wait(i, n, a),
                nr::WRITE => self.write(i, a),
                nr::EXECVE => self.execve(i, a),
                nr::CLOCK_GETTIME => self.clock(i, a),
                _ => {
                    let r = Self::call(n, a);
                    self.count(r);
                    if !is(r, Errno::ENOSYS) {
                        self.fail(i, n, a, r, "an unknown call must give exactly -ENOSYS");
                    }
                }
            }
        }

        fn fork(&mut self, i: u32, a: [u32; 5]) {
            if self.nkids == MAX_KIDS {
                self.reap_kids(i);
            }
            let r = Self::call(nr::FORK as u32, a);
            if r == 0 {
                // The new child: leave at once.
                exit(0);
            }
            self.count(r);
            match split(r) {
                Ok(pid) if pid > 0 && (pid as i32) != self.me => {
                    self.stats.forks += 1;
                    self.kids[self.nkids] = pid as i32;
                    self.nkids += 1;
                }
                Err(e) if e == Errno::EAGAIN as i32 || e == Errno::ENOMEM as i32 => {}
                _ => self.fail(i, nr::FORK as u32, a, r, "not a pid, EAGAIN or ENOMEM"),
            }
        }

        /// Collects every forked child (each must have exited 0).
        fn reap_kids(&mut self, i: u32) {
            while self.nkids > 0 {
                let pid = self.kids[self.nkids - 1];
                let st = scratch() + 2 * PAGE;
                let r = waitpid_raw(pid, st, 0);
                let status = peek_u32(st);
                if r != Ok(pid as usize) || status != 0 {
                    self.fail(
                        i,
                        nr::WAITPID as u32,
                        [pid as u32, st as u32, 0, 0, 0],
                        r.map_or_else(|e| -(e as i32 as isize), |v| v as isize),
                        "a forked child could not be collected with status 0",
                    );
                }
                self.nkids -= 1;
            }
        }

        fn forget_kid(&mut self, pid: i32) -> bool {
            match self.kids[..self.nkids].iter().position(|&k| k == pid) {
                Some(at) => {
                    self.kids[at] = self.kids[self.nkids - 1];
                    self.nkids -= 1;
                    true
                }
                None => false,
            }
        }

        fn move_break(&mut self, i: u32, n: u32, a: [u32; 5]) {
            let old = self.brk;
            let target: i64 = if n as usize == nr::SBRK {
                old as i64 + i64::from(a[0] as i32)
            } else {
                i64::from(a[0])
            };
            let r = Self::call(n, a);
            self.count(r);
            let in_range = target >= self.img.heap_start as i64 && target <= STACK_LIMIT as i64;
            let may_lack_memory =
                target > old as i64 && (target - old as i64) as usize >= BIG_GROWTH;
            match split(r) {
                Ok(v) => {
                    let want = if n as usize == nr::SBRK { old } else { 0 };
                    if v != want {
                        self.fail(i, n, a, r, "wrong result for a break move");
                    }
                    if !in_range {
                        self.fail(i, n, a, r, "the break moved out of the heap range");
                    }
                    self.brk = target as usize;
                    self.stats.brk_moves += 1;
                }
                Err(e) if e == Errno::ENOMEM as i32 => {
                    if in_range && !may_lack_memory {
                        self.fail(i, n, a, r, "ENOMEM for a legal, small break move");
                    }
                }
                Err(_) => self.fail(i, n, a, r, "a break move may only fail with ENOMEM"),
            }
            let now = current_break();
            if now != self.brk {
                self.fail(i, n, a, r, "sbrk(0) disagrees with the break the calls set");
                self.brk = now;
            }
            if self.brk > self.heap_lo + BIG_GROWTH || self.brk < self.heap_lo {
                // Keep the heap small and the scratch page mapped for the calls to come.
                if brk(self.heap_lo + HEAP_SCRATCH).is_ok() {
                    self.brk = self.heap_lo + HEAP_SCRATCH;
                }
            }
        }

        fn exit_in_grandchild(&mut self, i: u32, a: [u32; 5]) {
            let code = a[0];
            match fork() {
                Ok(ForkResult::Child) => {
                    let r = Self::call(nr::EXIT as u32, a);
                    println!("FAIL: raw_fuzz: exit({code:#x}) returned {r}");
                    exit(SURVIVED);
                }
                Ok(ForkResult::Parent { child }) => {
                    self.stats.exits += 1;
                    let st = scratch() + 2 * PAGE + 8;
                    let r = waitpid_raw(child.as_raw(), st, 0);
                    let status = peek_u32(st);
                    let want = (code & 0xff) << 8;
                    if r != Ok(child.as_raw() as usize) || status != want {
                        self.fail(
                            i,
                            nr::EXIT as u32,
                            a,
                            status as isize,
                            "the exit status seen by the parent is not (code & 0xff) << 8",
                        );
                    }
                }
                Err(_) => {}
            }
        }

        fn wait(&mut self, i: u32, n: u32, mut a: [u32; 5]) {
            if n as usize == nr::WAITPID {
                a[0] = match self.below(6) {
                    0 | 1 => u32::MAX,
                    2 => 0,
                    3 if self.nkids > 0 => self.kids[self.below(self.nkids)] as u32,
                    _ => a[0],
                };
                a[2] = match self.below(4) {
                    0 => 0,
                    1 => 1,
                    _ => a[2],
                };
                a[1] = self.sanitize_store(a[1], 4);
            } else {
                a[0] = self.sanitize_store(a[0], 4);
            }
            let (pid, status, options) = if n as usize == nr::WAITPID {
                (a[0] as i32, a[1] as usize, a[2])
            } else {
                (-1, a[0] as usize, 0)
            };
            let r = Self::call(n, a);
            self.count(r);
            let any = pid == -1 || pid == 0;
            let matching = if any {
                self.nkids > 0
            } else {
                pid > 0 && self.kids[..self.nkids].contains(&pid)
            };
            let access = if status == 0 {
                Access::Ok
            } else {
                self.access(status, 4, true)
            };
            match split(r) {
                _ if options & !1 != 0 => {
                    if !is(r, Errno::EINVAL) {
                        self.fail(i, n, a, r, "unknown option bits must give EINVAL");
                    }
                }
                Err(e) if e == Errno::ECHILD as i32 => {
                    if matching {
                        self.fail(i, n, a, r, "ECHILD although a matching child exists");
                    }
                }
                Err(e) if e == Errno::EFAULT as i32 => {
                    if access == Access::Ok || !matching {
                        self.fail(i, n, a, r, "EFAULT for a good status pointer");
                    }
                }
                Ok(0) if options & 1 != 0 && matching => {}
                Ok(got) => {
                    let got = got as i32;
                    if !matching || (!any && got != pid) || !self.forget_kid(got) {
                        self.fail(i, n, a, r, "reaped something that is not a matching child");
                    } else if access == Access::Fault {
                        self.fail(i, n, a, r, "stored a status through a bad pointer");
                    } else if status != 0 && peek_u32(status) != 0 {
                        self.fail(i, n, a, r, "the stored status is not the child's exit(0)");
                    }
                }
                Err(_) => self.fail(i, n, a, r, "wait may only fail with ECHILD/EFAULT/EINVAL"),
            }
        }

        fn write(&mut self, i: u32, mut a: [u32; 5]) {
            let fd = a[0] as i32;
            if fd == 1 || fd == 2 {
                // Print only the fixed line: never this program's memory.
                let first_readable =
                    a[2] != 0 && !matches!(self.page(page_down(a[1] as usize)), Page::Unmapped);
                if first_readable || self.chance(8) {
                    a[1] = SAFE_LINE.as_ptr() as u32;
                    a[2] = SAFE_LINE.len() as u32;
                }
            }
            let (buf, len) = (a[1] as usize, a[2] as usize);
            let r = Self::call(nr::WRITE as u32, a);
            self.count(r);
            let ok = if fd != 1 && fd != 2 {
                is(r, Errno::EBADF)
            } else if len == 0 {
                r == 0
            } else {
                match self.access(buf, len.min(MAX_WRITE), false) {
                    Access::Fault => is(r, Errno::EFAULT),
                    _ => r == len as isize,
                }
            };
            if !ok {
                self.fail(i, nr::WRITE as u32, a, r, "wrong result for write");
            }
        }

        fn execve(&mut self, i: u32, mut a: [u32; 5]) {
            let heap_edge = page_up(self.brk) as u32;
            let paths: [u32; 14] = [
                0,
                1,
                USER_END as u32,
                u32::MAX,
                0x7000_0000,
                heap_edge,
                P_EMPTY.as_ptr() as u32,
                P_ROOT.as_ptr() as u32,
                P_BIN.as_ptr() as u32,
                P_MISSING.as_ptr() as u32,
                P_UNDER_FILE.as_ptr() as u32,
                P_LONG.as_ptr() as u32,
                P_MAXLEN.as_ptr() as u32,
                P_HELLO.as_ptr() as u32,
            ];
            a[0] = paths[self.below(paths.len())];
            self.stats.execs += 1;
            if a[0] == P_HELLO.as_ptr() as u32 {
                return self.exec_hello(i, a);
            }
            let r = Self::call(nr::EXECVE as u32, a);
            self.count(r);
            let path_fault =
                matches!(a[0], 0 | 1 | 0x7000_0000) || a[0] >= USER_END as u32 || a[0] == heap_edge;
            let ok = if path_fault {
                is(r, Errno::EFAULT)
            } else {
                [
                    Errno::ENOENT,
                    Errno::EACCES,
                    Errno::ENAMETOOLONG,
                    Errno::ENOTDIR,
                    Errno::EFAULT,
                    Errno::E2BIG,
                    Errno::EINVAL,
                    Errno::ENOMEM,
                ]
                .iter()
                .any(|&e| is(r, e))
            };
            if !ok {
                self.fail(
                    i,
                    nr::EXECVE as u32,
                    a,
                    r,
                    "a failing execve gave a wrong result",
                );
            }
            if getpid().as_raw() != self.me {
                self.fail(i, nr::EXECVE as u32, a, r, "the caller's pid changed");
            }
        }

        /// A valid path: the exec runs in a grandchild, with argument arrays that are either
        /// valid (hello runs and exits 0) or bad (EFAULT).
        fn exec_hello(&mut self, i: u32, mut a: [u32; 5]) {
            let pools = self.pools;
            let argvs: [(u32, bool); 5] = [
                (0, true),
                (pools.good_argv.as_ptr() as u32, true),
                (USER_END as u32, false),
                (0x7000_0000, false),
                (pools.bad_elem_argv.as_ptr() as u32, false),
            ];
            let envps: [(u32, bool); 3] = [
                (0, true),
                (pools.empty_envp.as_ptr() as u32, true),
                (0xFFFF_F000, false),
            ];
            let (argv, argv_ok) = argvs[self.below(argvs.len())];
            let (envp, envp_ok) = envps[self.below(envps.len())];
            a[1] = argv;
            a[2] = envp;
            let want = if argv_ok && envp_ok {
                0
            } else {
                ERRNO_EXIT + Errno::EFAULT as i32
            };
            match fork() {
                Ok(ForkResult::Child) => {
                    let r = Self::call(nr::EXECVE as u32, a);
                    exit(match split(r) {
                        Err(e) => ERRNO_EXIT + e,
                        Ok(_) => SURVIVED,
                    });
                }
                Ok(ForkResult::Parent { child }) => {
                    let st = scratch() + 2 * PAGE + 16;
                    let r = waitpid_raw(child.as_raw(), st, 0);
                    let status = peek_u32(st);
                    if r != Ok(child.as_raw() as usize) || status != (want as u32) << 8 {
                        self.fail(
                            i,
                            nr::EXECVE as u32,
                            a,
                            status as isize,
                            "execve of /bin/hello: unexpected end of the grandchild",
                        );
                    }
                }
                Err(_) => {}
            }
        }

        fn clock(&mut self, i: u32, mut a: [u32; 5]) {
            if self.chance(2) {
                a[0] = 1;
            }
            a[1] = self.sanitize_store(a[1], 8);
            let ts = a[1] as usize;
            let r = Self::call(nr::CLOCK_GETTIME as u32, a);
            self.count(r);
            let ok = if a[0] != 1 {
                is(r, Errno::EINVAL)
            } else {
                match self.access(ts, 8, true) {
                    Access::Ok => r == 0,
                    Access::Fault => is(r, Errno::EFAULT),
                    Access::Maybe => r == 0 || is(r, Errno::EFAULT),
                }
            };
            if !ok {
                return self.fail(i, nr::CLOCK_GETTIME as u32, a, r, "wrong result");
            }
            if r == 0 && self.access(ts, 8, false) == Access::Ok {
                let sec = peek_u32(ts);
                let nsec = peek_u32(ts + 4);
                let ns = u64::from(sec) * 1_000_000_000 + u64::from(nsec);
                if nsec >= 1_000_000_000 || ns < self.last_ns {
                    self.fail(i, nr::CLOCK_GETTIME as u32, a, r, "bad or decreasing time");
                }
                self.last_ns = ns;
            }
        }
    }
}

// =======================================================================================
// regs_preserved

mod regs {
    //! The contract: every register but `eax` (and the flags) is preserved across `int 0x21`.
    //! Each probe loads `ebx, ecx, edx, edi, esi, ebp` with a pattern and `fs`, `gs` with the
    //! null selector, traps, and reads everything back. The calls cover successes, every
    //! error path, `fork` (checked in both processes), blocking (`yield` to a runnable
    //! sibling, `sleep(1)`), and the direction flag set (the kernel's copies must not run
    //! backwards). A spinning loop with the registers loaded checks that preemption restores
    //! them too.

    use super::*;

    /// Inputs and outputs of one probe; the assembly uses the field offsets.
    #[repr(C)]
    #[derive(Clone, Copy, Default, Debug)]
    struct Probe {
        /// In (offset 0): the call number (or the spin count).
        nr: u32,
        /// In (4): `ebx, ecx, edx, edi, esi, ebp`.
        regs_in: [u32; 6],
        /// Out (28): the same registers afterwards.
        regs_out: [u32; 6],
        /// Out (52): `eax`.
        eax: u32,
        /// Out (56): `fs`, `gs`, `ds`, `es`.
        segs: [u32; 4],
        /// In (72): 1 to trap with the direction flag set.
        df: u32,
        /// In (76): 1 to spin `nr` times instead of trapping.
        spin: u32,
        /// In (80): the selectors to load into `fs` and `gs`.
        fs_gs: [u32; 2],
    }

    /// Loads the registers (and `fs`, `gs`), traps with `int 0x21` or spins, and records
    /// every register.
    fn run(p: &mut Probe) {
        let block: *mut Probe = p;
        // SAFETY: the block saves and restores every register LLVM reserves (ebp, esi, ebx)
        // and the segment registers it changes, declares the others clobbered, clears the
        // direction flag before leaving, and writes only the `Probe` it was given. The call
        // in `nr` is one of the harmless ones `regs_preserved` picks.
        unsafe {
            core::arch::asm!(
                "pushl %ebp",
                "pushl %esi",
                "pushl %ebx",
                "pushl %eax",
                "movl %fs, %ecx",
                "pushl %ecx",
                "movl %gs, %ecx",
                "pushl %ecx",
                "movl 80(%eax), %ecx",
                "movl %ecx, %fs",
                "movl 84(%eax), %ecx",
                "movl %ecx, %gs",
                "movl 4(%eax), %ebx",
                "movl 8(%eax), %ecx",
                "movl 12(%eax), %edx",
                "movl 16(%eax), %edi",
                "movl 20(%eax), %esi",
                "movl 24(%eax), %ebp",
                "cmpl $0, 76(%eax)",
                "jne 3f",
                "cmpl $0, 72(%eax)",
                "je 2f",
                "std",
                "2:",
                "movl 0(%eax), %eax",
                "int $0x21",
                "jmp 5f",
                "3:",
                "movl 0(%eax), %eax",
                "4:",
                "decl %eax",
                "jnz 4b",
                "5:",
                "cld",
                "pushl %eax",
                "movl 12(%esp), %eax",
                "movl %ebx, 28(%eax)",
                "movl %ecx, 32(%eax)",
                "movl %edx, 36(%eax)",
                "movl %edi, 40(%eax)",
                "movl %esi, 44(%eax)",
                "movl %ebp, 48(%eax)",
                "popl %ecx",
                "movl %ecx, 52(%eax)",
                "movl %fs, %ecx",
                "movl %ecx, 56(%eax)",
                "movl %gs, %ecx",
                "movl %ecx, 60(%eax)",
                "movl %ds, %ecx",
                "movl %ecx, 64(%eax)",
                "movl %es, %ecx",
                "movl %ecx, 68(%eax)",
                "popl %ecx",
                "movl %ecx, %gs",
                "popl %ecx",
                "movl %ecx, %fs",
                "popl %eax",
                "popl %ebx",
                "popl %esi",
                "popl %ebp",
                inout("eax") block => _,
                out("ecx") _,
                out("edx") _,
                out("edi") _,
                options(att_syntax)
            );
        }
    }

    /// What is wrong with the registers after a probe, if anything.
    fn check(p: &Probe, what: &str) -> Verdict {
        const NAMES: [&str; 6] = ["ebx", "ecx", "edx", "edi", "esi", "ebp"];
        for (i, name) in NAMES.iter().enumerate() {
            ensure!(
                p.regs_out[i] == p.regs_in[i],
                "{what}: {name} was {:#x}, is {:#x} afterwards",
                p.regs_in[i],
                p.regs_out[i]
            );
        }
        ensure!(
            p.segs[0] & 0xffff == p.fs_gs[0] && p.segs[1] & 0xffff == p.fs_gs[1],
            "{what}: fs/gs were {:#x}/{:#x}, are {:#x}/{:#x} afterwards",
            p.fs_gs[0],
            p.fs_gs[1],
            p.segs[0] & 0xffff,
            p.segs[1] & 0xffff
        );
        ensure!(
            p.segs[2] & 0xffff == USER_DATA_SELECTOR && p.segs[3] & 0xffff == USER_DATA_SELECTOR,
            "{what}: ds/es are {:#x}/{:#x} afterwards, expected {USER_DATA_SELECTOR:#x}",
            p.segs[2] & 0xffff,
            p.segs[3] & 0xffff
        );
        Ok(())
    }

    /// Selectors for `fs` and `gs`, in turn: the user code selector and the user data
    /// selector with RPL 0 (both loadable in ring 3 and unlike what the kernel loads), or null.
    fn selectors() -> [u32; 2] {
        static TURN: AtomicU32 = AtomicU32::new(0);
        if TURN.fetch_add(1, Ordering::Relaxed).is_multiple_of(2) {
            [0x1b, 0x20]
        } else {
            [0, 0]
        }
    }

    fn probe(nr: usize, args: [u32; 6], std_flag: bool) -> Probe {
        let mut p = Probe {
            nr: nr as u32,
            regs_in: args,
            df: u32::from(std_flag),
            fs_gs: selectors(),
            ..Probe::default()
        };
        run(&mut p);
        p
    }

    const PATTERN: [u32; 6] = [
        0x1111_1111,
        0x2222_2222,
        0x3333_3333,
        0x4444_4444,
        0x5555_5555,
        0x6666_6666,
    ];

    fn errno_result(e: Errno) -> u32 {
        (-(e as i32)) as u32
    }

    pub fn regs_preserved() -> Verdict {
        let me = getpid().as_raw() as u32;
        let line = b"regs_preserved: written with the direction flag set\n";
        let ts = scratch();
        let with = |a: &[u32]| {
            let mut regs = PATTERN;
            regs[..a.len()].copy_from_slice(a);
            regs
        };
        // (what, nr, registers, expected eax)
        let calls: [(&str, usize, [u32; 6], u32); 14] = [
            ("getpid", nr::GETPID, PATTERN, me),
            (
                "unknown call 0x21",
                0x21,
                PATTERN,
                errno_result(Errno::ENOSYS),
            ),
            (
                "unknown call 0xFFFFFFFF",
                0xFFFF_FFFF,
                PATTERN,
                errno_result(Errno::ENOSYS),
            ),
            (
                "write to a bad fd",
                nr::WRITE,
                PATTERN,
                errno_result(Errno::EBADF),
            ),
            (
                "write from the kernel",
                nr::WRITE,
                with(&[1, 0xC000_0000, 8]),
                errno_result(Errno::EFAULT),
            ),
            (
                "clock_gettime(bad clock)",
                nr::CLOCK_GETTIME,
                PATTERN,
                errno_result(Errno::EINVAL),
            ),
            (
                "clock_gettime(NULL)",
                nr::CLOCK_GETTIME,
                with(&[1, 0]),
                errno_result(Errno::EFAULT),
            ),
            ("clock_gettime", nr::CLOCK_GETTIME, with(&[1, ts as u32]), 0),
            (
                "waitpid(bad options)",
                nr::WAITPID,
                with(&[u32::MAX, 0, 0x80]),
                errno_result(Errno::EINVAL),
            ),
            (
                "wait without children",
                nr::WAIT,
                with(&[0]),
                errno_result(Errno::ECHILD),
            ),
            (
                "execve(kernel path)",
                nr::EXECVE,
                with(&[0xC000_0000]),
                errno_result(Errno::EFAULT),
            ),
            (
                "sbrk(huge)",
                nr::SBRK,
                with(&[0x7FFF_FFFF]),
                errno_result(Errno::ENOMEM),
            ),
            ("brk(0)", nr::BRK, with(&[0]), errno_result(Errno::ENOMEM)),
            ("sleep(0)", nr::SLEEP, with(&[0]), 0),
        ];
        for std_flag in [false, true] {
            for (what, n, regs, want) in calls {
                let p = probe(n, regs, std_flag);
                let what = format!("{what}{}", if std_flag { " (DF set)" } else { "" });
                ensure!(
                    p.eax == want,
                    "{what}: eax = {:#x}, expected {want:#x}",
                    p.eax
                );
                check(&p, &what)?;
            }
        }
        // A successful copy from user memory with the direction flag set must copy forwards.
        let p = probe(
            nr::WRITE,
            with(&[1, line.as_ptr() as u32, line.len() as u32]),
            true,
        );
        ensure!(
            p.eax == line.len() as u32,
            "write with DF set returned {:#x}",
            p.eax
        );
        check(&p, "write with DF set")?;

        // fork: both processes come back with the registers intact.
        let p = probe(nr::FORK, PATTERN, true);
        if p.eax == 0 {
            let ok = check(&p, "fork, in the child").is_ok();
            exit(if ok { 0 } else { 1 });
        }
        check(&p, "fork, in the parent")?;
        ensure!((p.eax as i32) > 0, "fork returned {:#x}", p.eax);
        expect_exit(
            Pid::from_raw(p.eax as i32),
            0,
            "registers in the child of a raw fork",
        )?;

        // Blocking and switching: a sibling spins, we yield and sleep.
        let spinner = spawn(|| {
            let start = Instant::now();
            while start.elapsed().as_millis() < 1500 {
                uapps::spin(100_000);
            }
            0
        })?;
        for _ in 0..3 {
            let p = probe(nr::YIELD, PATTERN, false);
            ensure!(p.eax == 0, "yield returned {:#x}", p.eax);
            check(&p, "yield to a runnable sibling")?;
        }
        let p = probe(nr::SLEEP, with(&[1]), false);
        ensure!(p.eax == 0, "sleep(1) returned {:#x}", p.eax);
        check(&p, "sleep(1)")?;

        // Preemption: spin with the registers loaded while the sibling competes.
        let start = Instant::now();
        let mut rounds = 0u32;
        while start.elapsed().as_millis() < 200 {
            let mut p = Probe {
                nr: 200_000,
                regs_in: PATTERN,
                spin: 1,
                fs_gs: selectors(),
                ..Probe::default()
            };
            run(&mut p);
            check(&p, "a preempted loop")?;
            rounds += 1;
        }
        expect_exit(spinner, 0, "the spinning sibling")?;
        println!("regs_preserved: {rounds} preemptible loops kept their registers");
        Ok(())
    }
}

// =======================================================================================
// bad_exec, exec_paths

mod exec {
    //! `execve` with every kind of bad argument: each must fail with the right errno and leave
    //! the caller exactly as it was (a global, the stack and the heap hold what they held).
    //! `exec_paths` checks POSIX path resolution for the paths a program may pass.

    use super::*;

    static GLOBAL: AtomicU32 = AtomicU32::new(0);
    const GLOBAL_VALUE: u32 = 0x600D_F00D;

    /// A NUL-terminated copy of `s` on the heap.
    fn c_string(s: &str) -> Vec<u8> {
        let mut v = Vec::from(s.as_bytes());
        v.push(0);
        v
    }

    /// A NULL-terminated array of pointers to the strings.
    fn pointer_array(strings: &[Vec<u8>]) -> Vec<usize> {
        let mut v: Vec<usize> = strings.iter().map(|s| s.as_ptr() as usize).collect();
        v.push(0);
        v
    }

    /// Checks that the caller survived a failed execve unchanged.
    fn intact(stack: &[u32; 64], heap: &[u32], me: Pid, brk0: usize, what: &str) -> Verdict {
        ensure!(getpid() == me, "{what}: the pid changed");
        ensure!(
            current_break() == brk0,
            "{what}: the program break moved from {brk0:#x} to {:#x}",
            current_break()
        );
        ensure!(
            GLOBAL.load(Ordering::SeqCst) == GLOBAL_VALUE,
            "{what}: a global variable changed"
        );
        let stack = black_box(stack);
        ensure!(
            stack
                .iter()
                .enumerate()
                .all(|(i, &v)| v == 0xA5A5_0000 + i as u32),
            "{what}: the caller's stack changed"
        );
        ensure!(
            heap.iter()
                .enumerate()
                .all(|(i, &v)| v == 0x5A5A_0000 + i as u32),
            "{what}: the caller's heap changed"
        );
        Ok(())
    }

    pub fn bad_exec() -> Verdict {
        let me = getpid();
        GLOBAL.store(GLOBAL_VALUE, Ordering::SeqCst);
        let mut stack = [0u32; 64];
        for (i, v) in stack.iter_mut().enumerate() {
            *v = 0xA5A5_0000 + i as u32;
        }
        let stack = black_box(stack);
        let heap: Vec<u32> = (0..1024).map(|i| 0x5A5A_0000 + i).collect();

        let hello = c_string("/bin/hello");
        let argv_ok = pointer_array(&[c_string("hello"), c_string("bad_exec")]);
        let envp_ok = [0usize];

        let long300 = c_string(&format!("/{}", "d".repeat(299)));
        let max255 = c_string(&format!("/{}", "e".repeat(MAX_PATH_LEN - 1)));
        let over256 = c_string(&format!("/{}", "f".repeat(MAX_PATH_LEN)));
        let bin = c_string("/bin");
        let missing = c_string("/no/such/program");
        let empty = c_string("");

        let many: Vec<Vec<u8>> = (0..=MAX_ARGS).map(|i| c_string(&format!("a{i}"))).collect();
        let argv33 = pointer_array(&many);
        let envp33 = pointer_array(&many);
        let big: Vec<Vec<u8>> = (0..3).map(|_| c_string(&"g".repeat(1500))).collect();
        let argv_big = pointer_array(&big);
        let argv_kernel_elem = [hello.as_ptr() as usize, 0xC000_0000, 0];
        let argv_unmapped_elem = [hello.as_ptr() as usize, 0x7000_0000, 0];
        let argv_odd_elem = [hello.as_ptr() as usize, 1, 0];
        let bad_utf8 = [0x2Fu8, 0xFF, 0xFE, 0];

        // An unterminated path running into an unmapped page, and a long one that reaches the
        // length limit first: both end at the heap's edge. Set up last: any allocation after
        // this could grow the heap over the edge.
        let edge = edges::heap_edge()?;
        poke(edge - 100, &[b'a'; 100]);
        poke(edge - 400, &[b'/'; 1]);
        poke(edge - 399, &[b'c'; 299]);
        let unterminated = edge - 100;
        let long_to_edge = edge - 400;
        // An argv array that runs into the unmapped page without its NULL (written over the
        // unterminated path once the path cases are done).
        let argv_unterminated = edge - 8;

        let h = hello.as_ptr() as usize;
        let a = argv_ok.as_ptr() as usize;
        let e = envp_ok.as_ptr() as usize;
        // Each case gets one argument wrong (the other two are `h`, `a`, `e`): (what, path,
        // argv, envp, the errno it must fail with).
        let bad_path = |what, path, want| (what, path, a, e, want);
        let bad_argv = |what, argv, want| (what, h, argv, e, want);
        let bad_envp = |what, envp, want| (what, h, a, envp, want);
        let cases: [(&str, usize, usize, usize, Errno); 24] = {
            use Errno::{E2BIG, EACCES, EFAULT, EINVAL, ENAMETOOLONG, ENOENT};
            [
                bad_path("NULL path", 0, EFAULT),
                bad_path("path at 0x1", 1, EFAULT),
                bad_path("kernel path 0xC0000000", 0xC000_0000, EFAULT),
                bad_path("kernel path 0xFFFFFFFF", 0xFFFF_FFFF, EFAULT),
                bad_path("unmapped path", 0x7000_0000, EFAULT),
                bad_path(
                    "unterminated path into an unmapped page",
                    unterminated,
                    EFAULT,
                ),
                bad_path("300-byte path", long300.as_ptr() as usize, ENAMETOOLONG),
                bad_path("256-byte path", over256.as_ptr() as usize, ENAMETOOLONG),
                bad_path(
                    "unterminated 300 bytes before an unmapped page",
                    long_to_edge,
                    ENAMETOOLONG,
                ),
                bad_path(
                    "255-byte path of a missing file",
                    max255.as_ptr() as usize,
                    ENOENT,
                ),
                bad_path("directory /bin", bin.as_ptr() as usize, EACCES),
                bad_path("missing file", missing.as_ptr() as usize, ENOENT),
                bad_path("empty path", empty.as_ptr() as usize, ENOENT),
                // The kernel takes paths as UTF-8 (EINVAL otherwise); POSIX would say ENOENT.
                bad_path("path that is not UTF-8", bad_utf8.as_ptr() as usize, EINVAL),
                bad_argv("argv with 33 entries", argv33.as_ptr() as usize, E2BIG),
                bad_envp("envp with 33 entries", envp33.as_ptr() as usize, E2BIG),
                bad_argv("argv strings over 4 KiB", argv_big.as_ptr() as usize, E2BIG),
                bad_argv("argv in the kernel", 0xC000_0000, EFAULT),
                bad_argv("argv at 0xFFFFFFFC", 0xFFFF_FFFC, EFAULT),
                bad_argv(
                    "argv element in the kernel",
                    argv_kernel_elem.as_ptr() as usize,
                    EFAULT,
                ),
                bad_argv(
                    "argv element unmapped",
                    argv_unmapped_elem.as_ptr() as usize,
                    EFAULT,
                ),
                bad_argv(
                    "argv element at 0x1",
                    argv_odd_elem.as_ptr() as usize,
                    EFAULT,
                ),
                bad_argv(
                    "argv without NULL into an unmapped page",
                    argv_unterminated,
                    EFAULT,
                ),
                bad_envp("envp in the kernel", 0xC000_0000, EFAULT),
            ]
        };
        let brk0 = current_break();
        for (what, path, argv, envp, want) in cases {
            if argv == argv_unterminated {
                poke(argv_unterminated, &(h as u32).to_le_bytes());
                poke(argv_unterminated + 4, &(h as u32).to_le_bytes());
            }
            let got = execve_raw(path, argv, envp);
            let ok = got == want || (want == Errno::EINVAL && got == Errno::ENOENT);
            ensure!(ok, "{what}: {}, expected {}", got.name(), want.name());
            intact(&stack, &heap, me, brk0, what)?;
        }
        println!("bad_exec: 24 bad execve calls failed as they should, the caller is intact");

        // The limits themselves are allowed: 32 entries, and exactly 4096 bytes of strings.
        let thirty_two: Vec<Vec<u8>> = (0..MAX_ARGS).map(|i| c_string(&format!("x{i}"))).collect();
        let argv32 = pointer_array(&thirty_two);
        let fill = MAX_ARG_BYTES - "hello".len() - 1 - 1;
        let exact = [c_string("hello"), c_string(&"h".repeat(fill))];
        let argv_exact = pointer_array(&exact);
        let runs: [(&str, usize, usize); 4] = [
            ("hello with argv", a, e),
            ("hello with NULL argv and envp", 0, 0),
            ("hello with 32 arguments", argv32.as_ptr() as usize, e),
            (
                "hello with exactly 4096 bytes of arguments",
                argv_exact.as_ptr() as usize,
                e,
            ),
        ];
        for (what, argv, envp) in runs {
            in_child(what, || ERRNO_EXIT + execve_raw(h, argv, envp) as i32)?;
        }
        // And the typed wrapper, as any program would.
        in_child("execve(/bin/hello) through ulib", || {
            match execve("/bin/hello", &["hello", "bad_exec-ok"]) {
                Err(e) => ERRNO_EXIT + e as i32,
                Ok(never) => match never {},
            }
        })?;
        intact(&stack, &heap, me, brk0, "after the valid execs")?;
        Ok(())
    }

    /// POSIX path resolution for execve: a directory is EACCES, a trailing slash or a
    /// component under a file is ENOTDIR, and `//`, `.` and `..` resolve as usual.
    pub fn exec_paths() -> Verdict {
        let argv = pointer_array(&[c_string("hello"), c_string("exec_paths")]);
        let checks: [(&str, i32); 10] = [
            ("/bin/hello", 0),
            ("bin/hello", 0),
            ("/./bin/hello", 0),
            ("/bin/", ERRNO_EXIT + Errno::EACCES as i32),
            ("/", ERRNO_EXIT + Errno::EACCES as i32),
            ("/bin/hello/", ERRNO_EXIT + Errno::ENOTDIR as i32),
            ("/bin/hello/x", ERRNO_EXIT + Errno::ENOTDIR as i32),
            ("//bin//hello", 0),
            ("/bin/./hello", 0),
            ("/bin/../bin/hello", 0),
        ];
        let mut wrong = Vec::new();
        for (path, want) in checks {
            let p = c_string(path);
            let child = spawn(|| {
                ERRNO_EXIT + execve_raw(p.as_ptr() as usize, argv.as_ptr() as usize, 0) as i32
            })?;
            let got = match reap(child)? {
                WaitStatus::Exited(_, code) => code,
                other => bail!("execve({path:?}): the child {other}"),
            };
            let show = |code: i32| {
                if code == 0 {
                    String::from("runs the program")
                } else {
                    errno_name(code - ERRNO_EXIT)
                }
            };
            println!("exec_paths: {path:?} -> {}", show(got));
            if got != want {
                wrong.push(format!("{path:?}: {}, expected {}", show(got), show(want)));
            }
        }
        ensure!(wrong.is_empty(), "{}", wrong.join("; "));
        Ok(())
    }
}

// =======================================================================================
// brk_abuse, oom

mod memory {
    //! The program break at its limits, and what happens when memory runs out: every failure
    //! is ENOMEM (or a kill of the process that faults), and every frame comes back.

    use super::*;

    /// Grows the break in `step`-byte steps until ENOMEM; returns the bytes added.
    fn grow_until_enomem(step: usize) -> Result<usize, String> {
        let mut grown = 0;
        loop {
            let before = current_break();
            match sbrk(step as isize) {
                Ok(old) if old == before => grown += step,
                Ok(old) => bail!("sbrk returned {old:#x}, but the break was {before:#x}"),
                Err(Errno::ENOMEM) => {
                    ensure!(
                        current_break() == before,
                        "a failed sbrk moved the break from {before:#x} to {:#x}",
                        current_break()
                    );
                    return Ok(grown);
                }
                Err(e) => bail!("sbrk({step:#x}) failed with {}", e.name()),
            }
        }
    }

    /// Writes one word in every page of `[from, to)` and reads them back.
    fn touch_pages(from: usize, to: usize) -> Verdict {
        let mut page = page_up(from);
        while page + 4 <= to {
            poke(page, &(page as u32).to_le_bytes());
            page += PAGE;
        }
        let mut page = page_up(from);
        while page + 4 <= to {
            ensure!(
                peek_u32(page) == page as u32,
                "heap page {page:#x} lost its contents"
            );
            page += PAGE;
        }
        Ok(())
    }

    /// In a child: how many MiB the heap can grow by, touching every page, then give it all
    /// back and grow again by as much. Exits with the MiB count (capped at 250).
    fn measure_heap() -> i32 {
        pretouch_stack(32 * 1024);
        let start = current_break();
        let grown = match grow_until_enomem(1 << 20) {
            Ok(g) => g,
            Err(why) => {
                println!("FAIL: brk_abuse: {why}");
                return 1;
            }
        };
        if let Err(why) = touch_pages(start, start + grown) {
            println!("FAIL: brk_abuse: {why}");
            return 1;
        }
        if brk(start) != Ok(0) || current_break() != start {
            println!("FAIL: brk_abuse: brk back to the start failed");
            return 1;
        }
        match sbrk(grown as isize) {
            Ok(old) if old == start => {}
            other => {
                println!("FAIL: brk_abuse: growing again by {grown:#x} after shrinking: {other:?}");
                return 1;
            }
        }
        if touch_pages(start, start + grown).is_err() || brk(start) != Ok(0) {
            println!("FAIL: brk_abuse: second growth unusable");
            return 1;
        }
        ((grown >> 20).min(250)) as i32
    }

    pub fn brk_abuse() -> Verdict {
        let img = image();
        let b0 = current_break();
        ensure!(
            b0 >= img.heap_start && b0 <= STACK_LIMIT,
            "the break {b0:#x} is outside [{:#x}, {STACK_LIMIT:#x}]",
            img.heap_start
        );
        ensure!(sbrk(0) == Ok(b0), "sbrk(0) twice disagrees");
        ensure!(brk(b0) == Ok(0), "brk(current break) failed");

        let refusals: [(&str, Result<usize, Errno>); 13] = [
            ("sbrk(0x7FFFFFFF)", sbrk(0x7FFF_FFFF)),
            ("sbrk(isize::MIN)", sbrk(isize::MIN)),
            ("sbrk(-0x7FFFFFFF)", sbrk(-0x7FFF_FFFF)),
            (
                "sbrk below the heap start",
                sbrk(-((b0 - img.heap_start) as isize) - 1),
            ),
            ("sbrk(0x7F000000): more than all memory", sbrk(0x7F00_0000)),
            (
                "sbrk up to the stack region + 1",
                sbrk((STACK_LIMIT + 1 - b0) as isize),
            ),
            ("brk(heap start - 1)", brk(img.heap_start - 1)),
            ("brk(0)", brk(0)),
            ("brk(0x1000)", brk(0x1000)),
            ("brk(0xBF800001)", brk(STACK_LIMIT + 1)),
            ("brk(0xC0000000)", brk(USER_END)),
            ("brk(0xFFFFFFFF)", brk(0xFFFF_FFFF)),
            ("brk(0x40000000): more than all memory", brk(0x4000_0000)),
        ];
        for (what, r) in refusals {
            ensure!(r == Err(Errno::ENOMEM), "{what}: {r:?}, expected ENOMEM");
            ensure!(
                current_break() == b0,
                "{what} moved the break from {b0:#x} to {:#x}",
                current_break()
            );
        }

        // Unaligned moves.
        ensure!(sbrk(1) == Ok(b0), "sbrk(1)");
        ensure!(
            current_break() == b0 + 1,
            "sbrk(1) did not move the break by 1"
        );
        poke(b0, &[0x77]);
        ensure!(sbrk(-1) == Ok(b0 + 1), "sbrk(-1)");
        ensure!(current_break() == b0, "sbrk(-1) did not restore the break");

        // Fill memory in a child; the memory must be returned when it shrinks and exits.
        let first = spawn(measure_heap)?;
        let mib_a = match reap(first)? {
            WaitStatus::Exited(_, code) if code > 8 => code as usize,
            other => bail!("the child filling the heap {other}"),
        };
        println!("brk_abuse: a child grew its heap by {mib_a} MiB before ENOMEM");
        // The parent can now take almost as much.
        let take = (mib_a - 4) << 20;
        let before = current_break();
        ensure!(
            sbrk(take as isize) == Ok(before),
            "the parent cannot grow by {} MiB after the child exited",
            take >> 20
        );
        touch_pages(before, before + take)?;
        ensure!(
            sbrk(-(take as isize)) == Ok(before + take),
            "shrinking the parent back failed"
        );
        ensure!(
            current_break() == before,
            "the parent's break did not come back"
        );
        // A shrunk heap page is really gone.
        let freed = page_up(before) + PAGE;
        let child = spawn(move || {
            poke(freed, &[1]);
            SURVIVED
        })?;
        expect_signal(child, Signal::SIGSEGV, "a store above the shrunk break")?;
        let second = spawn(measure_heap)?;
        let mib_b = match reap(second)? {
            WaitStatus::Exited(_, code) if code > 8 => code as usize,
            other => bail!("the second child filling the heap {other}"),
        };
        println!("brk_abuse: a second child grew its heap by {mib_b} MiB");
        ensure!(
            mib_b + 1 >= mib_a,
            "memory went missing: the first child got {mib_a} MiB, the second {mib_b} MiB"
        );
        Ok(())
    }

    /// Forks a child that exits at once (to be collected later).
    fn quick_child() -> Result<Pid, String> {
        spawn(|| 0)
    }

    /// In a child: eat all memory, then check that every call needing memory fails cleanly.
    fn starve() -> i32 {
        let outcome = (|| -> Verdict {
            pretouch_stack(64 * 1024);
            println!("oom: eating all memory");
            // Heap pages written now stay private: error messages can still be formatted.
            black_box(vec![1u8; 64 * 1024]);
            let zombie = quick_child()?;
            // Let it end (it runs to its exit while we yield), so that it is a zombie.
            for _ in 0..3 {
                yield_now();
            }
            let start = current_break();
            let big = grow_until_enomem(1 << 20)?;
            let small = grow_until_enomem(PAGE)?;
            let s = scratch();
            // Take the last frame, if one is left: afterwards nothing is.
            let first = clock_raw(1, s);
            ensure!(
                first == Ok(0) || first == Err(Errno::ENOMEM),
                "clock_gettime into a copy-on-write page: {first:?}"
            );
            let r = clock_raw(1, s + PAGE);
            ensure!(
                r == Err(Errno::ENOMEM),
                "clock_gettime into a shared page without memory: {r:?}, expected ENOMEM"
            );
            let r = waitpid_raw(zombie.as_raw(), s + 2 * PAGE, 0);
            ensure!(
                r == Err(Errno::ENOMEM),
                "waitpid storing into a shared page without memory: {r:?}, expected ENOMEM"
            );
            for _ in 0..3 {
                let r = fork();
                ensure!(
                    r == Err(Errno::ENOMEM),
                    "fork without memory: {:?}, expected ENOMEM",
                    r.map(|f| f.is_child())
                );
            }
            let hello = b"/bin/hello\0";
            let r = execve_raw(hello.as_ptr() as usize, 0, 0);
            ensure!(r == Errno::ENOMEM, "execve without memory: {}", r.name());
            let r = sbrk(PAGE as isize);
            ensure!(r == Err(Errno::ENOMEM), "sbrk without memory: {r:?}");
            ensure!(getpid().as_raw() > 1, "getpid");
            // Half-built forks: fork needs a page directory and a page table per 4 MiB of this
            // process (over 60 now). Giving back one page at a time makes each attempt fail
            // at a later table; each must release everything it took.
            for k in 1..=40 {
                ensure!(sbrk(-(PAGE as isize)).is_ok(), "sbrk(-4096)");
                match fork() {
                    Ok(ForkResult::Child) => exit(0),
                    Ok(ForkResult::Parent { child }) => {
                        bail!("fork with {k} free frames succeeded (child {child})")
                    }
                    Err(Errno::ENOMEM) => {}
                    Err(e) => bail!("fork with {k} free frames: {}", e.name()),
                }
            }
            println!(
                "oom: {} MiB + {} pages taken; fork, execve, sbrk and copy-on-write stores fail with ENOMEM",
                big >> 20,
                small / PAGE
            );
            // Give everything back: all of it works again.
            ensure!(brk(start) == Ok(0), "brk back to the start");
            let r = waitpid_raw(zombie.as_raw(), s + 2 * PAGE, 0);
            ensure!(
                r == Ok(zombie.as_raw() as usize) && peek_u32(s + 2 * PAGE) == 0,
                "collecting the zombie after memory came back: {r:?}"
            );
            ensure!(
                clock_raw(1, s + PAGE) == Ok(0),
                "clock_gettime after memory came back"
            );
            in_child("fork after memory came back", || 0)?;
            Ok(())
        })();
        match outcome {
            Ok(()) => 0,
            Err(why) => {
                println!("FAIL: oom: {why}");
                1
            }
        }
    }

    /// In a child: eat all memory, then grow the stack: the kernel must kill it (SIGKILL).
    fn starve_then_grow_stack() -> i32 {
        pretouch_stack(32 * 1024);
        if grow_until_enomem(1 << 20).is_err() || grow_until_enomem(PAGE).is_err() {
            return 1;
        }
        // 8 MiB of stack cannot fit in at most one free frame.
        pretouch_stack(8 << 20);
        SURVIVED
    }

    /// In a child: eat all memory, then write to copy-on-write data pages.
    fn starve_then_write_shared() -> i32 {
        pretouch_stack(32 * 1024);
        if grow_until_enomem(1 << 20).is_err() || grow_until_enomem(PAGE).is_err() {
            return 1;
        }
        for page in 0..3 {
            poke(scratch() + page * PAGE, &[1]);
        }
        SURVIVED
    }

    pub fn oom() -> Verdict {
        in_child("the starved child", starve)?;
        let child = spawn(starve_then_grow_stack)?;
        expect_signal(child, Signal::SIGKILL, "stack growth without memory")?;
        let child = spawn(starve_then_write_shared)?;
        expect_signal(child, Signal::SIGKILL, "copy-on-write without memory")?;
        // Everything came back: a child can still take most of the memory.
        let child = spawn(|| {
            pretouch_stack(32 * 1024);
            match grow_until_enomem(1 << 20) {
                Ok(g) => ((g >> 20).min(250)) as i32,
                Err(_) => 0,
            }
        })?;
        match reap(child)? {
            WaitStatus::Exited(_, mib) if mib > 64 => {
                println!("oom: afterwards a child still gets {mib} MiB");
            }
            other => bail!("after the starved children, a heap-filling child {other}"),
        }
        Ok(())
    }
}

// =======================================================================================
// stack_growth, lazy_stack

mod stack {
    //! The 8 MiB stack region grows on demand; past it is a SIGSEGV. The kernel must accept
    //! pointers into the region's not-yet-touched pages like any other user memory.

    use super::*;

    /// Recurses in ~1 KiB frames until the stack pointer is below `stop` (never, for 0);
    /// returns the frames, or `u32::MAX` if a frame lost its contents.
    #[inline(never)]
    fn recurse(depth: u32, stop: usize) -> u32 {
        let mut frame = [0u8; 1000];
        let tag = depth.to_le_bytes();
        frame[..4].copy_from_slice(&tag);
        frame[996..].copy_from_slice(&tag);
        let frame = black_box(&mut frame);
        let here = frame.as_ptr() as usize;
        let below = if stop == 0 || here > stop {
            recurse(depth + 1, stop)
        } else {
            0
        };
        if frame[..4] != tag || frame[996..] != tag || below == u32::MAX {
            return u32::MAX;
        }
        below + 1
    }

    /// The address of a local of the caller's frame.
    #[inline(never)]
    fn stack_pointer() -> usize {
        let marker = 0u8;
        black_box(&marker) as *const u8 as usize
    }

    /// Recursion down to `bytes` below here, then a system call there.
    fn deep(bytes: usize) -> i32 {
        let stop = stack_pointer() - bytes;
        match recurse(0, stop) {
            u32::MAX => 1,
            frames => {
                println!("stack_growth: {frames} frames, down to {stop:#x}");
                0
            }
        }
    }

    pub fn stack_growth() -> Verdict {
        in_child("4 MiB of stack", || deep(4 << 20))?;
        // Down to 64 KiB above the limit.
        in_child("the stack down to its limit", || {
            let bytes = stack_pointer() - (STACK_LIMIT + 64 * 1024);
            deep(bytes)
        })?;
        let child = spawn(|| {
            recurse(0, 0);
            SURVIVED
        })?;
        expect_signal(child, Signal::SIGSEGV, "unbounded recursion")?;
        // The stack pages of the dead child came back: once more.
        in_child("4 MiB of stack after the overflow", || deep(4 << 20))?;
        println!("stack_growth: unbounded recursion ended with SIGSEGV");
        Ok(())
    }

    /// Pointers into pages of the stack region that the program has not touched yet are
    /// writable user memory (a store there would simply grow the stack); the kernel must
    /// accept them for its own stores and reads, as it accepts any other user memory.
    pub fn lazy_stack() -> Verdict {
        // 6 MiB below the top: far below any frame this program ever had.
        let untouched = |k: usize| USER_END - (6 << 20) + (k << 16);
        let mut wrong = Vec::new();
        // Runs `f` in a child that must exit 0, and says how that went.
        let mut check = |what: &str, f: &dyn Fn() -> i32| {
            let r = in_child(what, f);
            println!(
                "lazy_stack: {what}: {}",
                if r.is_ok() { "ok" } else { "refused" }
            );
            if let Err(why) = r {
                wrong.push(why);
            }
        };
        check("clock_gettime into an untouched stack page", &|| {
            report(clock_raw(1, untouched(0)))
        });
        check("waitpid storing into an untouched stack page", &|| {
            let child = match quick_child_pid() {
                Some(c) => c,
                None => return 1,
            };
            let r = waitpid_raw(child, untouched(1) + 2, 0);
            if r.is_ok() && peek_u32(untouched(1) + 2) != 0 {
                return 2;
            }
            report(r)
        });
        check("execve with argv in an untouched stack page", &|| {
            // An untouched page reads as zeros: an empty argv.
            let path = b"/bin/hello\0";
            ERRNO_EXIT + execve_raw(path.as_ptr() as usize, untouched(2), 0) as i32
        });
        // Once the program has touched a page, the kernel takes it (this always worked).
        check("clock_gettime into a touched stack page", &|| {
            poke(untouched(3), &[0]);
            report(clock_raw(1, untouched(3)))
        });
        ensure!(wrong.is_empty(), "{}", wrong.join("; "));
        Ok(())
    }

    fn quick_child_pid() -> Option<i32> {
        spawn(|| 0).ok().map(Pid::as_raw)
    }
}

// =======================================================================================
// wait_edge, write_edge, clock_edge

mod edges {
    //! The argument edges of the three calls that take user pointers.

    use super::*;

    /// A fresh heap page `[edge - PAGE, edge)` followed by unmapped memory at `edge`.
    /// Set it up right before use: an allocation afterwards may grow the heap over `edge`.
    pub fn heap_edge() -> Result<usize, String> {
        let brk = current_break();
        let top = page_up(brk);
        sbrk((top - brk + PAGE) as isize).map_err(|e| format!("sbrk: {}", e.name()))?;
        Ok(top + PAGE)
    }

    pub fn wait_edge() -> Verdict {
        let me = getpid().as_raw();
        let parent = getppid().as_raw();
        let child = spawn(|| 42)?;
        // Let it end: it runs to its exit while we yield.
        for _ in 0..3 {
            yield_now();
        }
        // No such child, even though one exists: our own pid, our parent, pids that cannot
        // exist, other process groups.
        let mut not_children = vec![me, 0x7FFF_FFFF, 32767, -5, -2, i32::MIN];
        if parent > 0 {
            not_children.push(parent);
        }
        for pid in not_children {
            let r = waitpid_raw(pid, 0, 0);
            ensure!(
                r == Err(Errno::ECHILD),
                "waitpid({pid}): {r:?}, expected ECHILD"
            );
            let r = waitpid_raw(pid, 0, 1);
            ensure!(
                r == Err(Errno::ECHILD),
                "waitpid({pid}, WNOHANG): {r:?}, expected ECHILD"
            );
        }
        // A child cannot wait for its parent (our pid) either, only for its own child.
        in_child(
            "a child waiting for its parent, then for its own child",
            move || {
                let Ok(gc) = spawn(|| 0) else { return 1 };
                let grandparent = getppid().as_raw();
                if grandparent > 0 && waitpid_raw(grandparent, 0, 0) != Err(Errno::ECHILD) {
                    return 2;
                }
                report(waitpid_raw(gc.as_raw(), 0, 0).map(|_| 0))
            },
        )?;
        // Unknown option bits are EINVAL, and do not collect the child.
        for options in [2u32, 4, 0x8000_0000, 0xFFFF_FFFF, 3, 0x1_0000] {
            let r = waitpid_raw(child.as_raw(), 0, options);
            ensure!(
                r == Err(Errno::EINVAL),
                "options {options:#x}: {r:?}, expected EINVAL"
            );
            let r = waitpid_raw(-1, 0, options);
            ensure!(
                r == Err(Errno::EINVAL),
                "waitpid(-1, options {options:#x}): {r:?}"
            );
        }
        // Bad status pointers: EFAULT, nothing written, the child stays.
        let edge = heap_edge()?;
        poke(edge - 2, &[0xAB, 0xCD]);
        let text = wait_edge as fn() -> Verdict as usize;
        let bad: [(&str, usize); 8] = [
            (
                "the last 2 bytes of a page before an unmapped one",
                edge - 2,
            ),
            ("an unmapped page", edge),
            ("read-only text", text),
            ("read-only data", READ_ONLY.as_ptr() as usize),
            ("0x1", 1),
            ("the kernel", USER_END),
            ("the top of the stack into the kernel", USER_END - 2),
            ("0xFFFFFFFE (wrapping)", 0xFFFF_FFFE),
        ];
        for (what, addr) in bad {
            let r = waitpid_raw(child.as_raw(), addr, 0);
            ensure!(
                r == Err(Errno::EFAULT),
                "status in {what}: {r:?}, expected EFAULT"
            );
            let r = waitpid_raw(-1, addr, 0);
            ensure!(
                r == Err(Errno::EFAULT),
                "wait(-1) status in {what}: {r:?}, expected EFAULT"
            );
            // SAFETY: as for waitpid_raw: the address is not writable memory of ours.
            let r = decode_result(unsafe { raw::sys_wait(addr) });
            ensure!(
                r == Err(Errno::EFAULT),
                "wait() status in {what}: {r:?}, expected EFAULT"
            );
        }
        ensure!(
            peek_u32(edge - 4) >> 16 == 0xCDAB,
            "a failed waitpid wrote the 2 mapped bytes before the unmapped page"
        );
        ensure!(
            READ_ONLY == [0x5EED_0001, 0x5EED_0002, 0x5EED_0003, 0x5EED_0004],
            "read-only data changed"
        );
        // With WNOHANG and a bad pointer: the zombie exists, so EFAULT too.
        let r = waitpid_raw(child.as_raw(), text, 1);
        ensure!(
            r == Err(Errno::EFAULT),
            "WNOHANG with the status in text: {r:?}"
        );
        // The child is still there, and a good pointer collects it with its status.
        let st = scratch() + PAGE - 2;
        let r = waitpid_raw(child.as_raw(), st, 0);
        ensure!(
            r == Ok(child.as_raw() as usize),
            "after the EFAULTs, waitpid with a good pointer: {r:?}"
        );
        ensure!(
            peek_u32(st) == 42 << 8,
            "status {:#x}, expected {:#x}",
            peek_u32(st),
            42 << 8
        );
        let r = waitpid_raw(child.as_raw(), 0, 0);
        ensure!(
            r == Err(Errno::ECHILD),
            "the collected child is still there: {r:?}"
        );

        // A live child: WNOHANG with a bad pointer returns 0 (nothing to store); pid 0 means
        // any child of ours.
        let sleeper = spawn(|| {
            sleep(1);
            7
        })?;
        let r = waitpid_raw(sleeper.as_raw(), text, 1);
        ensure!(
            r == Ok(0),
            "WNOHANG on a live child with a bad pointer: {r:?}, expected 0"
        );
        let r = waitpid_raw(0, st, 0);
        ensure!(r == Ok(sleeper.as_raw() as usize), "waitpid(0): {r:?}");
        ensure!(
            peek_u32(st) == 7 << 8,
            "status of the sleeper {:#x}",
            peek_u32(st)
        );
        let r = waitpid_raw(-1, st, 1);
        ensure!(r == Err(Errno::ECHILD), "WNOHANG without children: {r:?}");
        // Unknown option bits are EINVAL whatever the pid: the options are checked first (as
        // Linux does), not after deciding that a pid < -1 names no child.
        for pid in [-5, -2, i32::MIN, 0x7FFF_FFFF, -1] {
            let r = waitpid_raw(pid, 0, 2);
            ensure!(
                r == Err(Errno::EINVAL),
                "waitpid({pid}, NULL, 2): {r:?}, expected EINVAL"
            );
        }
        Ok(())
    }

    pub fn write_edge() -> Verdict {
        // Length 0 writes nothing and reads nothing, whatever the pointer: 0.
        for (fd, addr) in [(1, 0usize), (1, USER_END), (2, 0xFFFF_FFFF), (1, 1)] {
            let r = write_raw(fd, addr, 0);
            ensure!(r == Ok(0), "write({fd}, {addr:#x}, 0): {r:?}, expected 0");
        }
        // Bad descriptors, checked before the buffer.
        let msg = b"write_edge: must not appear\n";
        for fd in [-1, 0, 3, 4, 1000, i32::MIN, i32::MAX] {
            for (addr, len) in [(msg.as_ptr() as usize, msg.len()), (0, 5), (0, 0)] {
                let r = write_raw(fd, addr, len);
                ensure!(
                    r == Err(Errno::EBADF),
                    "write({fd}, {addr:#x}, {len}): {r:?}, expected EBADF"
                );
            }
        }
        // Bad buffers.
        let edge = heap_edge()?;
        poke(edge - 100, &[b' '; 100]);
        let bad: [(&str, usize, usize); 9] = [
            ("NULL", 0, 16),
            ("0x1", 1, 1),
            ("the kernel", USER_END, 1),
            ("the stack top into the kernel", USER_END - 16, 17),
            (
                "the stack top with length 0xFFFFFFFF",
                USER_END - 16,
                0xFFFF_FFFF,
            ),
            ("0xFFFFF000 + 0x2000 (wrapping)", 0xFFFF_F000, 0x2000),
            ("a heap page into an unmapped one", edge - 100, 200),
            (
                "a heap page with length 0x80000000",
                edge - 100,
                0x8000_0000,
            ),
            ("an unmapped page", edge, 1),
        ];
        for (what, addr, len) in bad {
            let r = write_raw(1, addr, len);
            ensure!(
                r == Err(Errno::EFAULT),
                "write from {what}: {r:?}, expected EFAULT"
            );
        }
        // A big buffer: partial writes are allowed, every byte must come out once.
        const LINE: usize = 1024;
        const LINES: usize = 100;
        let mut big = vec![b'.'; LINE * LINES];
        for (n, line) in big.chunks_mut(LINE).enumerate() {
            let head = format!("write_edge: bulk {n:03} ");
            line[..head.len()].copy_from_slice(head.as_bytes());
            line[LINE - 1] = b'\n';
        }
        let mut done = 0;
        let mut calls = 0;
        while done < big.len() {
            let left = big.len() - done;
            let n = write_raw(1, big[done..].as_ptr() as usize, left)
                .map_err(|e| format!("write of {left} bytes: {}", e.name()))?;
            ensure!(n > 0 && n <= left, "write of {left} bytes returned {n}");
            done += n;
            calls += 1;
        }
        println!("write_edge: 100 KiB in {calls} writes");
        // The very top of the stack: in a child, which may overwrite its argument strings.
        in_child("a write ending at the top of the stack", || {
            let line = b"write_edge: from the top of the stack\n";
            let at = USER_END - line.len();
            poke(at, line);
            poke(at - 1, b"\n");
            if write_raw(1, at, line.len()) != Ok(line.len()) {
                return 1;
            }
            if write_raw(1, at - 1, line.len() + 1) != Ok(line.len() + 1) {
                return 2;
            }
            if write_raw(1, at, line.len() + 1) != Err(Errno::EFAULT) {
                return 3;
            }
            0
        })?;
        Ok(())
    }

    pub fn clock_edge() -> Verdict {
        let s = scratch();
        for clock in [0u32, 2, 3, 4, 7, 0x8000_0001, 0xFFFF_FFFF] {
            let r = clock_raw(clock, s);
            ensure!(
                r == Err(Errno::EINVAL),
                "clock {clock:#x}: {r:?}, expected EINVAL"
            );
            let r = clock_raw(clock, 0);
            ensure!(
                r == Err(Errno::EINVAL),
                "clock {clock:#x} with NULL: {r:?}, expected EINVAL"
            );
        }
        let edge = heap_edge()?;
        poke(edge - 4, &[0x11, 0x22, 0x33, 0x44]);
        let text = clock_edge as fn() -> Verdict as usize;
        let bad: [(&str, usize); 11] = [
            ("NULL", 0),
            ("0x1", 1),
            ("0xFFF", 0xFFF),
            ("the kernel", USER_END),
            ("the stack top into the kernel", USER_END - 4),
            ("0xFFFFFFFC (wrapping)", 0xFFFF_FFFC),
            ("read-only text", text),
            ("read-only data", READ_ONLY.as_ptr() as usize),
            ("a heap page into an unmapped one", edge - 4),
            ("an unmapped page", edge),
            ("0x70000000", 0x7000_0000),
        ];
        for (what, addr) in bad {
            let r = clock_raw(1, addr);
            ensure!(
                r == Err(Errno::EFAULT),
                "timespec in {what}: {r:?}, expected EFAULT"
            );
        }
        ensure!(
            peek_u32(edge - 4) == 0x4433_2211,
            "a failed clock_gettime wrote the mapped half of the timespec"
        );
        // Unaligned and straddling two pages are fine.
        let reference = now_ns();
        for addr in [s + 1, s + PAGE - 3, s + 2 * PAGE - 4] {
            let r = clock_raw(1, addr);
            ensure!(r == Ok(0), "timespec at {addr:#x}: {r:?}");
            let ns = u64::from(peek_u32(addr)) * 1_000_000_000 + u64::from(peek_u32(addr + 4));
            ensure!(
                peek_u32(addr + 4) < 1_000_000_000
                    && ns >= reference
                    && ns < reference + 10_000_000_000,
                "timespec at {addr:#x} reads {ns} ns, the clock said {reference} ns"
            );
        }
        // Monotonic, and moving.
        let first = now_ns();
        let mut last = first;
        for i in 0..10_000 {
            let r = clock_raw(1, s + 100);
            ensure!(r == Ok(0), "call {i}: {r:?}");
            let sec = peek_u32(s + 100);
            let nsec = peek_u32(s + 104);
            ensure!(nsec < 1_000_000_000, "call {i}: tv_nsec = {nsec}");
            let ns = u64::from(sec) * 1_000_000_000 + u64::from(nsec);
            ensure!(
                ns >= last,
                "call {i}: the clock went back from {last} to {ns} ns"
            );
            last = ns;
        }
        ensure!(last > first, "10000 readings and the clock did not move");
        println!(
            "clock_edge: 10000 readings over {} us, never decreasing",
            (last - first) / 1000
        );
        // A store into a copy-on-write page changes only the child's copy.
        poke(s + 200, &[0xEE; 8]);
        in_child("clock_gettime into a copy-on-write page", move || {
            report(clock_raw(1, s + 200))
        })?;
        ensure!(
            peek_u32(s + 200) == 0xEEEE_EEEE && peek_u32(s + 204) == 0xEEEE_EEEE,
            "the child's clock_gettime changed the parent's memory"
        );
        Ok(())
    }
}

// =======================================================================================
// user_traps

mod traps {
    //! Instructions a user program may not execute, or that trap on purpose: each runs in its
    //! own child, which the kernel must kill with the contract's signal (#GP -> SIGSEGV, #UD
    //! and #NM -> SIGILL, #DE -> SIGFPE, #DB and #BP -> SIGTRAP, #TS -> SIGSEGV), and only it.
    //! A few must not fault at all (the alignment flag without CR0.AM, `fwait` with the FPU
    //! forbidden, system calls with a strange stack pointer or data segment).

    use super::*;

    /// How a trap child must end.
    #[derive(Clone, Copy)]
    enum End {
        Killed(Signal),
        /// Either signal: where CPUs (and emulators) differ in the exception they raise.
        KilledEither(Signal, Signal),
        Exits(i32),
    }

    /// One trap: its name, the code the child runs (returning its exit status if the
    /// instruction lets it live), and how the child must end.
    type Trap = (&'static str, fn() -> i32, End);

    /// Bounds for `bound` that 5 is outside of.
    static BOUNDS: [i32; 2] = [0, 1];

    macro_rules! trap {
        ($name:ident, [$($asm:literal),+ $(,)?] $(, $($extra:tt)+)?) => {
            fn $name() -> i32 {
                // SAFETY: the instructions fault in ring 3 and the kernel ends this child
                // before anything else runs; were one to pass, it only changes the registers
                // declared as clobbered (or ends the child's usefulness, which then reports
                // SURVIVED).
                unsafe {
                    core::arch::asm!($($asm),+, $($($extra)+,)? options(att_syntax));
                }
                SURVIVED
            }
        };
    }

    trap!(int_0x80, ["int $0x80"]);
    trap!(int_0x20, ["int $0x20"]);
    trap!(int_0x40_timer_vector, ["int $0x40"]);
    trap!(int_0x0e_page_fault_vector, ["int $0x0e"]);
    trap!(int_0x08_double_fault_vector, ["int $0x08"]);
    trap!(int_0x01, ["int $0x01"]);
    trap!(int_0xff, ["int $0xff"]);
    trap!(int_0x04_overflow_gate, ["int $0x04"]);
    trap!(into_overflow, ["movl $0x7fffffff, %eax", "addl $1, %eax", "into"], out("eax") _);
    trap!(
        bound_out_of_range,
        ["movl $5, %eax", ".byte 0x62, 0x01"],
        in("ecx") BOUNDS.as_ptr(),
        out("eax") _
    );
    trap!(hlt, ["hlt"]);
    trap!(cli, ["cli"]);
    trap!(sti, ["sti"]);
    trap!(inb_keyboard, ["inb $0x60, %al"], out("eax") _);
    trap!(outb_debug_exit, ["movb $0x10, %al", "outb %al, $0xf4"], out("eax") _);
    trap!(inb_serial_dx, ["movw $0x3f8, %dx", "inb %dx, %al"], out("eax") _, out("edx") _);
    trap!(
        outsb_serial,
        ["pushl %esi", "movl %ecx, %esi", "movw $0x3f8, %dx", "outsb", "popl %esi"],
        in("ecx") READ_ONLY.as_ptr(),
        out("edx") _
    );
    trap!(mov_ds_kernel_data, ["movw $0x10, %ax", "movw %ax, %ds", "movw $0x23, %ax", "movw %ax, %ds"], out("eax") _);
    trap!(mov_ss_kernel_data, ["movw $0x10, %ax", "movw %ax, %ss", "movw $0x23, %ax", "movw %ax, %ss"], out("eax") _);
    trap!(mov_fs_tss, ["movw $0x2b, %ax", "movw %ax, %fs"], out("eax") _);
    trap!(mov_gs_past_gdt, ["movw $0x33, %ax", "movw %ax, %gs"], out("eax") _);
    trap!(lgdt, ["subl $8, %esp", "lgdt (%esp)", "addl $8, %esp"]);
    trap!(lidt, ["subl $8, %esp", "lidt (%esp)", "addl $8, %esp"]);
    trap!(lldt, ["xorl %eax, %eax", "lldt %ax"], out("eax") _);
    trap!(ltr, ["movw $0x28, %ax", "ltr %ax"], out("eax") _);
    trap!(ljmp_kernel_code, ["ljmp $0x08, $0x400000"]);
    trap!(lcall_kernel_code, ["lcall $0x08, $0x400000"]);
    trap!(ljmp_tss, ["ljmp $0x28, $0"]);
    trap!(lcall_tss_rpl3, ["lcall $0x2b, $0"]);
    trap!(lret_to_ring0, ["pushl $0x08", "pushl $0x400000", "lret"]);
    trap!(
        iret_to_ring0,
        ["pushfl", "pushl $0x08", "pushl $0x400000", "iretl"]
    );
    trap!(mov_cr0_write, ["movl $0x80000011, %eax", "movl %eax, %cr0"], out("eax") _);
    trap!(mov_cr3_read, ["movl %cr3, %eax"], out("eax") _);
    trap!(mov_dr7_write, ["movl $0x3ff, %eax", "movl %eax, %dr7"], out("eax") _);
    trap!(rdmsr, ["movl $0x1b, %ecx", "rdmsr"], out("eax") _, out("ecx") _, out("edx") _);
    trap!(
        wrmsr,
        ["movl $0x174, %ecx", "movl $0x8, %eax", "xorl %edx, %edx", "wrmsr"],
        out("eax") _,
        out("ecx") _,
        out("edx") _
    );
    trap!(invlpg, ["invlpg (%eax)"], in("eax") 0x40_0000u32);
    trap!(wbinvd, ["wbinvd"]);
    trap!(clts, ["clts"]);
    trap!(lmsw, ["xorl %eax, %eax", "lmsw %ax"], out("eax") _);
    trap!(sysenter, ["sysenter"]);
    trap!(sysexit, ["sysexit"]);
    trap!(rdpmc, ["xorl %ecx, %ecx", "rdpmc"], out("eax") _, out("ecx") _, out("edx") _);
    trap!(jump_into_the_kernel, ["movl $0xC0100000, %eax", "jmp *%eax"], out("eax") _);
    trap!(push_with_esp_0, ["movl %esp, %ecx", "xorl %esp, %esp", "pushl $0", "movl %ecx, %esp"], out("ecx") _);
    trap!(
        nt_flag_iret,
        ["pushfl", "orl $0x4000, (%esp)", "popfl", "iretl"]
    );
    trap!(int_0x03_two_byte, [".byte 0xcd, 0x03"]);
    trap!(
        popf_trap_flag,
        ["pushfl", "orl $0x100, (%esp)", "popfl", "nop", "nop"]
    );
    trap!(icebp, [".byte 0xf1"]);
    trap!(
        trap_flag_then_syscall,
        ["movl $5, %eax", "pushfl", "orl $0x100, (%esp)", "popfl", "int $0x21", "nop", "nop"],
        out("eax") _
    );
    trap!(
        mov_ss_trap_flag_syscall,
        [
            "movl $5, %eax",
            "movw %ss, %cx",
            "pushfl",
            "orl $0x100, (%esp)",
            "popfl",
            "movw %cx, %ss",
            "int $0x21",
            "nop",
            "nop"
        ],
        out("eax") _,
        out("ecx") _
    );
    trap!(ud2, ["ud2"]);
    trap!(lock_nop, [".byte 0xf0, 0x90"]);
    trap!(fninit, [".byte 0xdb, 0xe3"]);
    trap!(fld1, [".byte 0xd9, 0xe8"]);
    trap!(sse_xorps, [".byte 0x0f, 0x57, 0xc0"]);
    trap!(
        idiv_overflow,
        ["movl $0x80000000, %eax", "cltd", "movl $-1, %ecx", "idivl %ecx"],
        out("eax") _,
        out("ecx") _,
        out("edx") _
    );
    trap!(aam_zero, [".byte 0xd4, 0x00"], out("eax") _);
    trap!(fault_with_esp_in_kernel, ["movl %esp, %ecx", "movl $0xC0000000, %esp", "ud2", "movl %ecx, %esp"], out("ecx") _);

    /// `fwait` only faults with CR0.TS and CR0.MP; the kernel sets EM, so it passes.
    fn fwait() -> i32 {
        // SAFETY: `fwait` with no pending x87 exception does nothing.
        unsafe { core::arch::asm!(".byte 0x9b", options(att_syntax, nomem, nostack)) };
        0
    }

    /// An unaligned load with EFLAGS.AC set: without CR0.AM nothing happens.
    fn alignment_check_flag() -> i32 {
        let value: u32;
        let words = [0x1122_3344u32, 0x5566_7788];
        // SAFETY: the load reads inside `words`; AC is cleared again before the block ends.
        unsafe {
            core::arch::asm!(
                "pushfl",
                "orl $0x40000, (%esp)",
                "popfl",
                "movl 1({w}), {v}",
                "pushfl",
                "andl $0xfffbffff, (%esp)",
                "popfl",
                w = in(reg) words.as_ptr(),
                v = out(reg) value,
                options(att_syntax)
            );
        }
        i32::from(value != 0x8811_2233)
    }

    /// `int 0x21` (getpid) with the stack pointer at `esp`, restored right after.
    fn syscall_with_esp(esp: u32) -> i32 {
        let pid: u32;
        // SAFETY: the trap does not use the user stack; esp is restored from edi (which the
        // kernel preserves) before any push.
        unsafe {
            core::arch::asm!(
                "movl %esp, %edi",
                "movl {esp}, %esp",
                "movl $5, %eax",
                "int $0x21",
                "movl %edi, %esp",
                esp = in(reg) esp,
                out("eax") pid,
                out("edi") _,
                options(att_syntax)
            );
        }
        i32::from(pid as i32 != getpid().as_raw())
    }

    fn syscall_esp_kernel() -> i32 {
        syscall_with_esp(0xC000_0000)
    }

    fn syscall_esp_null() -> i32 {
        syscall_with_esp(0)
    }

    fn syscall_esp_stack_limit() -> i32 {
        syscall_with_esp(STACK_LIMIT as u32)
    }

    /// `int 0x21` with `%ds` holding the user code selector (readable code): the kernel must
    /// restore it and return.
    fn syscall_ds_user_code() -> i32 {
        let pid: u32;
        // SAFETY: only reads happen with ds = user code (none in this block); ds is set back
        // to the user data selector before the block ends.
        unsafe {
            core::arch::asm!(
                "movw $0x1b, %cx",
                "movw %cx, %ds",
                "movl $5, %eax",
                "int $0x21",
                "movw $0x23, %dx",
                "movw %dx, %ds",
                out("eax") pid,
                out("ecx") _,
                out("edx") _,
                options(att_syntax)
            );
        }
        i32::from(pid as i32 != getpid().as_raw())
    }

    /// `int 0x21` with the null selector in `%ds` and `%es`: the kernel must load its own and
    /// give the null ones back. (A memory access through a null `%ds` is a #GP on real CPUs,
    /// but QEMU's TCG does not check it, so that is not tested.)
    fn syscall_null_ds_es() -> i32 {
        let pid: u32;
        let (ds, es): (u32, u32);
        // SAFETY: no memory access happens while ds/es are null; both are reloaded with the
        // user data selector before the block ends.
        unsafe {
            core::arch::asm!(
                "xorl %ecx, %ecx",
                "movw %cx, %ds",
                "movw %cx, %es",
                "movl $5, %eax",
                "int $0x21",
                "movl %ds, %ecx",
                "movl %es, %edx",
                "movw $0x23, %di",
                "movw %di, %ds",
                "movw %di, %es",
                out("eax") pid,
                out("ecx") ds,
                out("edx") es,
                out("edi") _,
                options(att_syntax)
            );
        }
        i32::from(pid as i32 != getpid().as_raw() || ds & 0xffff != 0 || es & 0xffff != 0)
    }

    /// A system call with eax = 0x21 from a frame near the bottom of the stack region.
    fn deep_syscall() -> i32 {
        #[inline(never)]
        fn down(limit: usize) -> i32 {
            let mut frame = [0u8; 1000];
            black_box(&mut frame);
            if (frame.as_ptr() as usize) > limit {
                let r = down(limit);
                black_box(&frame);
                return r;
            }
            let r: i32;
            // SAFETY: an unknown call number changes nothing but eax.
            unsafe {
                core::arch::asm!("int $0x21", inout("eax") 0x21 => r, options(att_syntax, nostack));
            }
            i32::from(r != -(Errno::ENOSYS as i32))
        }
        down(STACK_LIMIT + 8 * 1024)
    }

    const TRAPS: &[Trap] = {
        use End::{Exits, Killed, KilledEither};
        use Signal::{SIGFPE, SIGILL, SIGSEGV, SIGTRAP};
        &[
            ("int_0x80", int_0x80, Killed(SIGSEGV)),
            ("int_0x20", int_0x20, Killed(SIGSEGV)),
            (
                "int_0x40_timer_vector",
                int_0x40_timer_vector,
                Killed(SIGSEGV),
            ),
            (
                "int_0x0e_page_fault_vector",
                int_0x0e_page_fault_vector,
                Killed(SIGSEGV),
            ),
            (
                "int_0x08_double_fault_vector",
                int_0x08_double_fault_vector,
                Killed(SIGSEGV),
            ),
            ("int_0x01", int_0x01, Killed(SIGSEGV)),
            ("int_0xff", int_0xff, Killed(SIGSEGV)),
            (
                "int_0x04_overflow_gate",
                int_0x04_overflow_gate,
                Killed(SIGSEGV),
            ),
            ("into_overflow", into_overflow, Killed(SIGSEGV)),
            ("bound_out_of_range", bound_out_of_range, Killed(SIGSEGV)),
            ("hlt", hlt, Killed(SIGSEGV)),
            ("cli", cli, Killed(SIGSEGV)),
            ("sti", sti, Killed(SIGSEGV)),
            ("inb_keyboard", inb_keyboard, Killed(SIGSEGV)),
            ("outb_debug_exit", outb_debug_exit, Killed(SIGSEGV)),
            ("inb_serial_dx", inb_serial_dx, Killed(SIGSEGV)),
            ("outsb_serial", outsb_serial, Killed(SIGSEGV)),
            ("mov_ds_kernel_data", mov_ds_kernel_data, Killed(SIGSEGV)),
            ("mov_ss_kernel_data", mov_ss_kernel_data, Killed(SIGSEGV)),
            ("mov_fs_tss", mov_fs_tss, Killed(SIGSEGV)),
            ("mov_gs_past_gdt", mov_gs_past_gdt, Killed(SIGSEGV)),
            ("lgdt", lgdt, Killed(SIGSEGV)),
            ("lidt", lidt, Killed(SIGSEGV)),
            ("lldt", lldt, Killed(SIGSEGV)),
            ("ltr", ltr, Killed(SIGSEGV)),
            ("ljmp_kernel_code", ljmp_kernel_code, Killed(SIGSEGV)),
            ("lcall_kernel_code", lcall_kernel_code, Killed(SIGSEGV)),
            ("ljmp_tss", ljmp_tss, Killed(SIGSEGV)),
            ("lcall_tss_rpl3", lcall_tss_rpl3, Killed(SIGSEGV)),
            ("lret_to_ring0", lret_to_ring0, Killed(SIGSEGV)),
            ("iret_to_ring0", iret_to_ring0, Killed(SIGSEGV)),
            ("mov_cr0_write", mov_cr0_write, Killed(SIGSEGV)),
            ("mov_cr3_read", mov_cr3_read, Killed(SIGSEGV)),
            ("mov_dr7_write", mov_dr7_write, Killed(SIGSEGV)),
            ("rdmsr", rdmsr, Killed(SIGSEGV)),
            ("wrmsr", wrmsr, Killed(SIGSEGV)),
            ("invlpg", invlpg, Killed(SIGSEGV)),
            ("wbinvd", wbinvd, Killed(SIGSEGV)),
            ("clts", clts, Killed(SIGSEGV)),
            ("lmsw", lmsw, Killed(SIGSEGV)),
            ("sysenter", sysenter, Killed(SIGSEGV)),
            ("sysexit", sysexit, Killed(SIGSEGV)),
            ("rdpmc", rdpmc, Killed(SIGSEGV)),
            (
                "jump_into_the_kernel",
                jump_into_the_kernel,
                Killed(SIGSEGV),
            ),
            ("push_with_esp_0", push_with_esp_0, Killed(SIGSEGV)),
            ("nt_flag_iret", nt_flag_iret, Killed(SIGSEGV)),
            ("int_0x03_two_byte", int_0x03_two_byte, Killed(SIGTRAP)),
            ("popf_trap_flag", popf_trap_flag, Killed(SIGTRAP)),
            // INT1 is a #DB on Intel and AMD CPUs; QEMU's TCG raises #UD for it.
            ("icebp", icebp, KilledEither(SIGTRAP, SIGILL)),
            (
                "trap_flag_then_syscall",
                trap_flag_then_syscall,
                Killed(SIGTRAP),
            ),
            (
                "mov_ss_trap_flag_syscall",
                mov_ss_trap_flag_syscall,
                Killed(SIGTRAP),
            ),
            ("ud2", ud2, Killed(SIGILL)),
            ("lock_nop", lock_nop, Killed(SIGILL)),
            ("fninit", fninit, Killed(SIGILL)),
            ("fld1", fld1, Killed(SIGILL)),
            ("sse_xorps", sse_xorps, Killed(SIGILL)),
            (
                "fault_with_esp_in_kernel",
                fault_with_esp_in_kernel,
                Killed(SIGILL),
            ),
            ("idiv_overflow", idiv_overflow, Killed(SIGFPE)),
            ("aam_zero", aam_zero, Killed(SIGFPE)),
            ("fwait", fwait, Exits(0)),
            ("alignment_check_flag", alignment_check_flag, Exits(0)),
            ("syscall_esp_kernel", syscall_esp_kernel, Exits(0)),
            ("syscall_esp_null", syscall_esp_null, Exits(0)),
            ("syscall_esp_stack_limit", syscall_esp_stack_limit, Exits(0)),
            ("syscall_ds_user_code", syscall_ds_user_code, Exits(0)),
            ("syscall_null_ds_es", syscall_null_ds_es, Exits(0)),
            ("deep_syscall", deep_syscall, Exits(0)),
        ]
    };

    pub fn user_traps() -> Verdict {
        let mut wrong = Vec::new();
        for &(name, f, end) in TRAPS {
            let child = spawn(f)?;
            let status = reap(child)?;
            println!("user_traps: {name} -> {status}");
            let ok = match (end, status) {
                (End::Killed(want), WaitStatus::Signaled(_, got)) => want == got,
                (End::KilledEither(a, b), WaitStatus::Signaled(_, got)) => got == a || got == b,
                (End::Exits(want), WaitStatus::Exited(_, got)) => want == got,
                _ => false,
            };
            if !ok {
                let want = match end {
                    End::Killed(sig) => format!("killed by {sig:?}"),
                    End::KilledEither(a, b) => format!("killed by {a:?} or {b:?}"),
                    End::Exits(code) => format!("exited with status {code}"),
                };
                wrong.push(format!("{name}: {status}, expected {want}"));
            }
        }
        ensure!(getpid().as_raw() > 0, "the parent is alive");
        println!("user_traps: {} children, parent still alive", TRAPS.len());
        ensure!(wrong.is_empty(), "{}", wrong.join("; "));
        Ok(())
    }
}

// =======================================================================================
// fork_storm

mod storm {
    //! Processes that fork until the table is full, three rounds. Each round: a storm of
    //! forkers racing to fill the table, all collected; then this process alone forks until
    //! EAGAIN. The solo count must be the same every round (no slot or memory leaks).

    use super::*;

    const FORKERS: usize = 6;
    const ROUNDS: usize = 3;

    /// Forks children that exit at once until fork fails; returns (forks, the error).
    fn fork_until_full() -> (usize, Errno) {
        let mut forks = 0;
        loop {
            match fork() {
                Ok(ForkResult::Child) => exit(0),
                Ok(ForkResult::Parent { .. }) => forks += 1,
                Err(e) => return (forks, e),
            }
        }
    }

    /// Collects `n` children, each of which must have exited 0; then requires ECHILD.
    fn collect(n: usize) -> Verdict {
        for i in 0..n {
            match wait() {
                Ok(WaitStatus::Exited(_, 0)) => {}
                other => bail!("wait {i} of {n}: {other:?}"),
            }
        }
        let r = wait();
        ensure!(
            r == Err(Errno::ECHILD),
            "after {n} children wait gave {r:?}"
        );
        Ok(())
    }

    /// One forker of the storm: fill the table, wait until every other forker is done too,
    /// collect.
    fn forker() -> i32 {
        let (forks, error) = fork_until_full();
        // The table is full: the other forkers fail at their next fork. Nobody collects
        // before they all have.
        sleep(1);
        let ok = error == Errno::EAGAIN && collect(forks).is_ok();
        i32::from(!ok)
    }

    pub fn fork_storm() -> Verdict {
        let mut solo = Vec::new();
        for round in 0..ROUNDS {
            let mut forkers = Vec::new();
            for _ in 0..FORKERS {
                forkers.push(spawn(forker)?);
            }
            for f in forkers {
                expect_exit(f, 0, "a forker of the storm")?;
            }
            let (forks, error) = fork_until_full();
            ensure!(
                error == Errno::EAGAIN,
                "round {round}: fork failed with {}, expected EAGAIN",
                error.name()
            );
            collect(forks)?;
            println!(
                "fork_storm: round {round}: {FORKERS} forkers filled the table, then {forks} forks until EAGAIN"
            );
            solo.push(forks);
        }
        ensure!(solo[0] >= 500, "only {} forks succeeded", solo[0]);
        ensure!(
            solo.iter().all(|&n| n == solo[0]),
            "the process table leaks: forks per round {solo:?}"
        );
        Ok(())
    }
}

// =======================================================================================
// long_syscalls

mod latency {
    //! The kernel runs with interrupts off, so a system call that works for long loses timer
    //! ticks: the monotonic clock falls behind and no other process runs meanwhile. The
    //! reference is the CPU's time-stamp counter (`rdtsc` is allowed in ring 3), calibrated
    //! against the clock while the machine idles in `sleep(1)`.

    use super::*;

    /// How long each measurement runs, by the time-stamp counter.
    const WINDOW_MS: u64 = 1500;

    fn rdtsc() -> u64 {
        let (lo, hi): (u32, u32);
        // SAFETY: rdtsc only reads the time-stamp counter (allowed in ring 3 without CR4.TSD).
        unsafe {
            core::arch::asm!("rdtsc", out("eax") lo, out("edx") hi, options(nomem, nostack));
        }
        (u64::from(hi) << 32) | u64::from(lo)
    }

    /// Time-stamp-counter ticks per millisecond, measured over an idle `sleep(1)`.
    fn tsc_per_ms() -> Result<u64, String> {
        let (c0, t0) = (now_ns(), rdtsc());
        sleep(1);
        let (c1, t1) = (now_ns(), rdtsc());
        let ms = (c1 - c0) / 1_000_000;
        ensure!(
            ms >= 1000 && t1 > t0,
            "calibration: sleep(1) took {ms} ms, tsc {t0}..{t1}"
        );
        Ok((t1 - t0) / ms)
    }

    /// Runs `op` until `WINDOW_MS` have passed by the counter; returns (calls, clock ms,
    /// counter ms).
    fn window(per_ms: u64, mut op: impl FnMut() -> Verdict) -> Result<(u32, u64, u64), String> {
        let (c0, t0) = (now_ns(), rdtsc());
        let mut calls = 0;
        while (rdtsc() - t0) / per_ms < WINDOW_MS {
            op()?;
            calls += 1;
        }
        let (c1, t1) = (now_ns(), rdtsc());
        Ok((calls, (c1 - c0) / 1_000_000, (t1 - t0) / per_ms))
    }

    /// The clock must have seen at least half of the real time.
    fn kept_time(what: &str, (calls, clock_ms, real_ms): (u32, u64, u64)) -> Verdict {
        println!(
            "long_syscalls: {what}: {calls} calls, {real_ms} ms passed, the clock saw {clock_ms} ms"
        );
        ensure!(
            clock_ms * 2 >= real_ms,
            "{what}: {real_ms} ms passed but the monotonic clock advanced {clock_ms} ms \
             ({calls} calls; the kernel works with interrupts off and loses timer ticks)"
        );
        Ok(())
    }

    fn failing_huge_sbrk() -> Verdict {
        let r = sbrk(0x4000_0000);
        ensure!(r == Err(Errno::ENOMEM), "sbrk(1 GiB): {r:?}");
        Ok(())
    }

    pub fn long_syscalls() -> Verdict {
        let per_ms = tsc_per_ms()?;
        let mut wrong = Vec::new();
        // Growing the heap by more than all memory fails: how long may the failure take?
        if let Err(why) = kept_time("failing sbrk(1 GiB)", window(per_ms, failing_huge_sbrk)?) {
            wrong.push(why);
        }
        // Growing and shrinking a 64 MiB heap.
        let base = current_break();
        if let Err(why) = kept_time(
            "sbrk(+64 MiB) and back",
            window(per_ms, || {
                ensure!(sbrk(64 << 20) == Ok(base), "sbrk(64 MiB) failed");
                ensure!(brk(base) == Ok(0), "brk back failed");
                Ok(())
            })?,
        ) {
            wrong.push(why);
        }
        // Meanwhile nobody else runs: a sibling doing failing sbrk calls must not stretch our
        // sleep(1) by much.
        let hog = spawn(move || {
            let t0 = rdtsc();
            while (rdtsc() - t0) / per_ms < 2 * WINDOW_MS {
                if failing_huge_sbrk().is_err() {
                    return 1;
                }
            }
            0
        })?;
        yield_now();
        let t0 = rdtsc();
        sleep(1);
        let slept = (rdtsc() - t0) / per_ms;
        expect_exit(hog, 0, "the sibling calling sbrk(1 GiB)")?;
        println!("long_syscalls: sleep(1) next to a sibling calling sbrk(1 GiB) took {slept} ms");
        if slept > 1300 {
            wrong.push(format!(
                "sleep(1) took {slept} ms of real time while a sibling made failing sbrk calls"
            ));
        }
        ensure!(wrong.is_empty(), "{}", wrong.join("; "));
        Ok(())
    }
}

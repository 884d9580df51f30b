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
//! The signal and process-group calls are fuzzed only in ways that leave the batch able to
//! go on: `kill` with signal 0 (an existence check), `alarm(0)`, `sigaction` and
//! `sigprocmask` that only read, and a zero-length `nanosleep`; `pause`, `sigsuspend` and
//! `sigreturn` (which block for good or take a frame that is not there) are left to
//! `sigtest`.
//!
//! The descriptor calls are fuzzed on descriptors the batch makes itself: each such step
//! opens a non-blocking pipe (which must get 3 and 4: nothing leaked), makes the call on one
//! of its ends, on the console's 0, 1 and 2 (only to read, duplicate or query them: they are
//! never closed, replaced or given flags, so the batch can still print and `exec` children
//! inherit them), or on a bad number, and closes whatever is left. `read` of the console gives
//! 0 (no input yet); `write` to 0 is a console write like 1 and 2.
//!
//! The batch process never uses its heap, so `brk`/`sbrk` may move the break anywhere.
//! Pointers the kernel would write through (wait status, timespec) are kept off live data:
//! they land in scratch buffers or in memory that must be refused. Console writes only
//! print a fixed line, never program memory.

use super::*;
use uapps::fuzzing::{EDGE_NUMBERS, EDGE_VALUES, SplitMix64, parse_seed, split};

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
/// `pipe2` flags and `fcntl` commands (Linux's values).
const O_NONBLOCK: u32 = 0o4000;
const O_CLOEXEC: u32 = 0o2000000;
const F_DUPFD: u32 = 0;
const F_GETFD: u32 = 1;
const F_SETFD: u32 = 2;
const F_GETFL: u32 = 3;
const F_SETFL: u32 = 4;
const F_DUPFD_CLOEXEC: u32 = 1030;
/// Descriptors per process.
const MAX_FDS: i32 = 256;
/// Where the batch's own `pipe2` stores its pair.
fn pair_slot() -> usize {
    scratch() + 2 * PAGE + 64
}

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
    rng: SplitMix64,
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
        rng: SplitMix64::stream(seed, u64::from(batch)),
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

fn is(r: isize, e: Errno) -> bool {
    r == -(e as i32 as isize)
}

impl Batch<'_> {
    fn next(&mut self) -> u64 {
        self.rng.next_u64()
    }

    fn below(&mut self, n: usize) -> usize {
        self.rng.below(n)
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.rng.chance(one_in)
    }

    fn pick_nr(&mut self) -> u32 {
        const KNOWN: [usize; 39] = [
            nr::OPEN,
            nr::MKDIR,
            nr::LSEEK,
            nr::RMDIR,
            nr::UNLINK,
            nr::CHDIR,
            nr::GETCWD,
            nr::RENAME,
            nr::IOCTL,
            nr::FSTAT,
            nr::GETDENTS64,
            nr::STAT,
            nr::CLOSE,
            nr::READ,
            nr::DUP,
            nr::DUP2,
            nr::PIPE2,
            nr::FCNTL,
            nr::SIGPROCMASK,
            nr::SIGACTION,
            nr::KILL,
            nr::ALARM,
            nr::SIGPENDING,
            nr::GETPGID,
            nr::GETSID,
            nr::NANOSLEEP,
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
        match self.below(4) {
            0 | 1 => KNOWN[self.below(KNOWN.len())] as u32,
            2 => self.below(301) as u32,
            _ => EDGE_NUMBERS[self.below(EDGE_NUMBERS.len())],
        }
    }

    /// One argument from the pool of interesting values.
    fn arg(&mut self) -> u32 {
        let img = self.img;
        match self.below(4) {
            0 | 1 => EDGE_VALUES[self.below(EDGE_VALUES.len())],
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
            nr::PIPE2 => self.pipe2(i, a),
            nr::CLOSE | nr::READ | nr::DUP | nr::DUP2 | nr::FCNTL => self.descriptor(i, n, a),
            nr::EXECVE => self.execve(i, a),
            nr::CLOCK_GETTIME => self.clock(i, a),
            nr::OPEN | nr::MKDIR | nr::RMDIR | nr::UNLINK | nr::CHDIR | nr::RENAME | nr::STAT => {
                self.path_call(i, n, a)
            }
            nr::LSEEK | nr::FSTAT | nr::GETDENTS64 | nr::IOCTL | nr::GETCWD => {
                self.file_call(i, n, a)
            }
            // They would block for good (no signal comes) or restore a frame that is not there.
            // Or would move the batch's children to other groups, so that `waitpid(0, ..)`
            // (its own group) no longer finds them: `sigtest` covers these.
            nr::PAUSE | nr::SIGSUSPEND | nr::SIGRETURN | nr::SETPGID | nr::SETSID => {}
            nr::KILL => {
                a[1] = 0;
                let r = Self::call(n, a);
                self.count(r);
                if r != 0 && !is(r, Errno::ESRCH) {
                    self.fail(i, n, a, r, "kill(pid, 0) must give 0 or ESRCH");
                }
            }
            nr::ALARM => {
                a[0] = 0;
                let r = Self::call(n, a);
                self.count(r);
                if r != 0 {
                    self.fail(i, n, a, r, "alarm(0) with no alarm set must return 0");
                }
            }
            nr::SIGACTION | nr::SIGPROCMASK => {
                // Read only: no action installed, no mask changed.
                a[1] = 0;
                let size = if n as usize == nr::SIGACTION { 16 } else { 4 };
                a[2] = self.sanitize_store(a[2], size);
                let r = Self::call(n, a);
                self.count(r);
                let valid_sig = (1..=31).contains(&(a[0] as i32));
                let ok = if n as usize == nr::SIGACTION && !valid_sig {
                    is(r, Errno::EINVAL)
                } else {
                    // NULL asks for nothing.
                    self.stored_or_efault(r, a[2] as usize, size, true)
                };
                if !ok {
                    self.fail(i, n, a, r, "wrong result");
                }
            }
            nr::SIGPENDING => {
                a[0] = self.sanitize_store(a[0], 4);
                let r = Self::call(n, a);
                self.count(r);
                // The set is not optional: NULL is EFAULT.
                if !self.stored_or_efault(r, a[0] as usize, 4, false) {
                    self.fail(i, n, a, r, "wrong result");
                }
            }
            nr::NANOSLEEP => {
                // A zero request, written into scratch just before: never a long sleep.
                let req = scratch() + 2 * PAGE + 1024;
                poke(req, &[0; 8]);
                a[0] = req as u32;
                a[1] = self.sanitize_store(a[1], 8);
                let r = Self::call(n, a);
                self.count(r);
                if r != 0 {
                    self.fail(i, n, a, r, "a zero nanosleep must return 0");
                }
            }
            nr::GETPGID | nr::GETSID => {
                let r = Self::call(n, a);
                self.count(r);
                let ok = match split(r) {
                    Ok(_) => true,
                    Err(e) => [Errno::ESRCH, Errno::EPERM, Errno::EINVAL, Errno::EACCES]
                        .iter()
                        .any(|&k| e == k as i32),
                };
                if !ok {
                    self.fail(i, n, a, r, "not an id, ESRCH, EPERM, EINVAL or EACCES");
                }
            }
            _ => {
                let r = Self::call(n, a);
                self.count(r);
                if !is(r, Errno::ENOSYS) {
                    self.fail(i, n, a, r, "an unknown call must give exactly -ENOSYS");
                }
            }
        }
    }

    /// A call on a path made of random bytes: it succeeds or fails with one of the errors a
    /// path can give. What it made is undone (a descriptor closed, the working directory put
    /// back at `/`); a directory made or a name removed stays, which nothing later depends on.
    fn path_call(&mut self, i: u32, n: u32, mut a: [u32; 5]) {
        use Errno::*;
        if n as usize == nr::STAT {
            a[1] = self.sanitize_store(a[1], 88);
        }
        let r = Self::call(n, a);
        self.count(r);
        const PATH_ERRORS: [Errno; 14] = [
            ENOENT,
            EFAULT,
            ENAMETOOLONG,
            ENOTDIR,
            EISDIR,
            EEXIST,
            ENOTEMPTY,
            EINVAL,
            EACCES,
            EBUSY,
            ENOMEM,
            ENOSPC,
            EMFILE,
            ENXIO,
        ];
        match split(r) {
            Ok(fd) if n as usize == nr::OPEN => {
                if fd < 3 {
                    self.fail(i, n, a, r, "open returned a console descriptor");
                } else {
                    self.close_own(i, &[fd as i32]);
                }
            }
            Ok(0) => {
                if n as usize == nr::CHDIR {
                    let root = b"/\0";
                    let back = Self::call(nr::CHDIR as u32, [root.as_ptr() as u32, 0, 0, 0, 0]);
                    if back != 0 {
                        self.fail(i, n, a, back, "chdir(\"/\") after a fuzzed chdir");
                    }
                }
            }
            Ok(_) => self.fail(i, n, a, r, "a path call returns 0 (open: a descriptor)"),
            Err(e) if PATH_ERRORS.iter().any(|&k| e == k as i32) => {}
            Err(_) => self.fail(i, n, a, r, "not an error a path can give"),
        }
    }

    /// `lseek`, `fstat`, `getdents64`, `ioctl` on any descriptor, `getcwd` into any buffer:
    /// a result or one of the errors they can give.
    fn file_call(&mut self, i: u32, n: u32, mut a: [u32; 5]) {
        use Errno::*;
        match n as usize {
            nr::LSEEK => a[3] = self.sanitize_store(a[3], 8),
            nr::FSTAT => a[1] = self.sanitize_store(a[1], 88),
            nr::GETDENTS64 => a[1] = self.sanitize_store(a[1], a[2] as usize),
            nr::IOCTL => a[2] = self.sanitize_store(a[2], 36),
            _ => a[0] = self.sanitize_store(a[0], a[1] as usize),
        }
        let r = Self::call(n, a);
        self.count(r);
        const FILE_ERRORS: [Errno; 9] = [
            EBADF, ESPIPE, EINVAL, EFAULT, ENOTDIR, ENOTTY, EOVERFLOW, ERANGE, ENOENT,
        ];
        match split(r) {
            Ok(_) => {}
            Err(e) if FILE_ERRORS.iter().any(|&k| e == k as i32) => {}
            Err(_) => self.fail(i, n, a, r, "not an error a descriptor call can give"),
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
        let may_lack_memory = target > old as i64 && (target - old as i64) as usize >= BIG_GROWTH;
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
            // WNOHANG 1, WUNTRACED 2, WCONTINUED 8 (no child here ever stops).
            _ if options & !(1 | 2 | 8) != 0 => {
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
        let console = (0..=2).contains(&fd);
        if console {
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
        let ok = if !console {
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

    /// `pipe2` storing anywhere (kept off live data), with valid or random flags; a pipe made
    /// is closed at once.
    fn pipe2(&mut self, i: u32, mut a: [u32; 5]) {
        if self.chance(2) {
            a[1] = [0, O_CLOEXEC, O_NONBLOCK, O_CLOEXEC | O_NONBLOCK][self.below(4)];
        }
        a[0] = self.sanitize_store(a[0], 8);
        let at = a[0] as usize;
        let r = Self::call(nr::PIPE2 as u32, a);
        self.count(r);
        let flags_ok = a[1] & !(O_CLOEXEC | O_NONBLOCK) == 0;
        let access = self.access(at, 8, true);
        let ok = match split(r) {
            Ok(0) => flags_ok && access != Access::Fault,
            Err(e) if e == Errno::EINVAL as i32 => !flags_ok,
            Err(e) if e == Errno::EFAULT as i32 => flags_ok && access != Access::Ok,
            _ => false,
        };
        if !ok {
            return self.fail(i, nr::PIPE2 as u32, a, r, "wrong result for pipe2");
        }
        if r == 0 {
            let pair = (peek_u32(at) as i32, peek_u32(at + 4) as i32);
            if pair != (3, 4) {
                self.fail(i, nr::PIPE2 as u32, a, r, "the pair is not (3, 4)");
            }
            self.close_own(i, &[3, 4]);
        }
    }

    /// Opens the batch's own non-blocking pipe: true if it got 3 and 4.
    fn open_own(&mut self, i: u32) -> bool {
        let a = [pair_slot() as u32, O_NONBLOCK, 0, 0, 0];
        let r = Self::call(nr::PIPE2 as u32, a);
        let pair = (
            peek_u32(pair_slot()) as i32,
            peek_u32(pair_slot() + 4) as i32,
        );
        if r != 0 || pair != (3, 4) {
            self.fail(
                i,
                nr::PIPE2 as u32,
                a,
                r,
                "the batch's own pipe is not (3, 4)",
            );
            return false;
        }
        true
    }

    /// Closes descriptors the batch made itself (never 0, 1 or 2); each must close.
    fn close_own(&mut self, i: u32, fds: &[i32]) {
        for &fd in fds {
            let a = [fd as u32, 0, 0, 0, 0];
            if (0..=2).contains(&fd) {
                self.fail(
                    i,
                    nr::CLOSE as u32,
                    a,
                    0,
                    "about to close a console descriptor",
                );
                continue;
            }
            let r = Self::call(nr::CLOSE as u32, a);
            if r != 0 {
                self.fail(
                    i,
                    nr::CLOSE as u32,
                    a,
                    r,
                    "closing the batch's own descriptor",
                );
            }
        }
    }

    /// `close`, `read`, `dup`, `dup2` or `fcntl` on the batch's own pipe (3 and 4), the
    /// console's 0, or a bad number. Open around the call: 0, 1, 2, 3 (read end), 4 (write end).
    fn descriptor(&mut self, i: u32, n: u32, mut a: [u32; 5]) {
        if !self.open_own(i) {
            return;
        }
        const FDS: [i32; 8] = [3, 4, 0, 5, 255, MAX_FDS, -1, i32::MIN];
        if self.chance(2) {
            a[0] = FDS[self.below(FDS.len())] as u32;
        }
        let mut fd = a[0] as i32;
        let valid = |fd: i32| (0..=4).contains(&fd);
        // Only the batch's own descriptors are closed, replaced or have their flags changed;
        // reads from 1 and 2 go to 0 (all three are the console).
        let changes = match n as usize {
            nr::CLOSE => true,
            nr::FCNTL => matches!(a[1], F_SETFD | F_SETFL),
            _ => false,
        };
        if (0..=2).contains(&fd) && (changes || (n as usize == nr::READ && fd != 0)) {
            fd = if changes { 3 } else { 0 };
            a[0] = fd as u32;
        }
        let mut left: [i32; 3] = [3, 4, -1];
        let r;
        let ok = match n as usize {
            nr::CLOSE => {
                r = Self::call(n, a);
                if fd == 3 || fd == 4 {
                    left = [7 - fd, -1, -1];
                    r == 0
                } else {
                    is(r, Errno::EBADF)
                }
            }
            nr::READ => {
                let len = a[2] as usize;
                a[1] = self.sanitize_store(a[1], len);
                let access = self.access(a[1] as usize, len, true);
                r = Self::call(n, a);
                match fd {
                    _ if !valid(fd) || fd == 4 => is(r, Errno::EBADF),
                    _ if len == 0 => r == 0,
                    // The console has no input, the pipe is empty: nothing is stored.
                    0 => r == 0 || (access != Access::Ok && is(r, Errno::EFAULT)),
                    _ => is(r, Errno::EAGAIN) || (access != Access::Ok && is(r, Errno::EFAULT)),
                }
            }
            nr::DUP => {
                r = Self::call(n, a);
                if valid(fd) {
                    left[2] = 5;
                    r == 5
                } else {
                    is(r, Errno::EBADF)
                }
            }
            nr::DUP2 => {
                const NEW: [i32; 7] = [3, 4, 5, 9, 255, MAX_FDS, -1];
                if self.chance(2) || (0..=2).contains(&(a[1] as i32)) {
                    a[1] = NEW[self.below(NEW.len())] as u32;
                }
                let new = a[1] as i32;
                r = Self::call(n, a);
                if valid(fd) && (0..MAX_FDS).contains(&new) {
                    if new > 4 {
                        left[2] = new;
                    }
                    r == new as isize
                } else {
                    is(r, Errno::EBADF)
                }
            }
            _ => {
                const CMDS: [u32; 6] =
                    [F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC];
                if self.chance(2) {
                    a[1] = CMDS[self.below(CMDS.len())];
                    if matches!(a[1], F_SETFD | F_SETFL) && (0..=2).contains(&fd) {
                        fd = 3;
                        a[0] = 3;
                    }
                }
                let arg = a[2] as i32;
                r = Self::call(n, a);
                match a[1] {
                    _ if !valid(fd) => is(r, Errno::EBADF),
                    F_DUPFD | F_DUPFD_CLOEXEC if !(0..MAX_FDS).contains(&arg) => {
                        is(r, Errno::EINVAL)
                    }
                    F_DUPFD | F_DUPFD_CLOEXEC => {
                        let want = arg.max(5);
                        left[2] = want;
                        r == want as isize
                    }
                    F_GETFD => r == 0,
                    F_SETFD | F_SETFL => r == 0,
                    F_GETFL if fd == 3 => r == O_NONBLOCK as isize,
                    F_GETFL if fd == 4 => r == (O_NONBLOCK | 1) as isize,
                    F_GETFL => split(r).is_ok(),
                    _ => is(r, Errno::EINVAL),
                }
            }
        };
        self.count(r);
        if !ok {
            self.fail(i, n, a, r, "wrong result for a descriptor call");
        }
        if left[2] >= 0 && split(r).is_err() {
            left[2] = -1;
        }
        let mine: [i32; 3] = left;
        for fd in mine {
            if fd >= 3 {
                self.close_own(i, &[fd]);
            }
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

    /// A call that stores `size` bytes at `at` and returns 0: right when it did exactly
    /// what the memory there allows (NULL: nothing asked when `null_ok`, else EFAULT).
    fn stored_or_efault(&self, r: isize, at: usize, size: usize, null_ok: bool) -> bool {
        if at == 0 {
            return if null_ok {
                r == 0
            } else {
                is(r, Errno::EFAULT)
            };
        }
        match self.access(at, size, true) {
            Access::Ok => r == 0,
            Access::Fault => is(r, Errno::EFAULT),
            Access::Maybe => r == 0 || is(r, Errno::EFAULT),
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

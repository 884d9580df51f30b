//! One fuzzing process: `calls` raw system calls, each number drawn from the kernel's whole
//! table (`abi::nr::SYSCALLS`), from anywhere in 0..=300, or from the edges, and each argument
//! from pools of edge values, pointers (NULL, kernel addresses, unmapped, read-only, unaligned,
//! the last bytes of a page followed by an unmapped one) and lengths (0, 1, page sizes and
//! their neighbours, huge).
//!
//! The worker must survive its own calls, so what could end it or hang it is constrained (the
//! policy in the crate's docs, `main.rs`); children it forks ("kids") lift most of those
//! constraints and are killed when they are retired. Every result is checked for what no call
//! may do: an errno that does not exist, a number the table lacks not giving exactly ENOSYS, a
//! store through a kernel or read-only address, a descriptor handed out twice, a wrong pid.

use super::*;
use abi::tty;

/// Scratch heap the worker owns: the only writable memory a fuzzed store may hit.
const HEAP_SCRATCH: usize = 16 * PAGE;
/// Kids alive at once per worker before the oldest is retired.
const MAX_KIDS: usize = 4;
/// Descriptors the worker tracks at once; more are closed.
const MAX_OWN_FDS: usize = 16;
/// Calls a bursting kid makes before it exits.
const BURST_CALLS: u32 = 24;
/// A bursting kid's exit status when one of its calls gave a wrong result (it printed it).
const KID_FAILED: i32 = 53;
/// Mismatch lines printed per worker.
const MAX_REPORTS: u32 = 5;
/// The only bytes a fuzzed console write may print.
const SAFE_LINE: &[u8] = b"sysfuzz: console write\n";
/// The signals the worker may send itself, its group and its parent: each has a handler
/// that only counts (or is ignored), so none ends, stops or confuses a sysfuzz process.
const SAFE_SIGNALS: [i32; 14] = [1, 2, 3, 10, 12, 13, 14, 15, 17, 18, 20, 21, 22, 28];
/// Signal numbers that name no signal.
const BAD_SIGNALS: [i32; 5] = [32, 64, -1, 0x7FFF_FFFF, i32::MIN];
/// Terminal requests (`abi::tty`), and numbers no driver knows.
const IOCTLS: [u32; 13] = [
    tty::TCGETS,
    tty::TCSETS,
    tty::TCSETSW,
    tty::TCSETSF,
    tty::TCSBRK,
    tty::TCFLSH,
    tty::TIOCGPGRP,
    tty::TIOCSPGRP,
    tty::TIOCGWINSZ,
    tty::TIOCSWINSZ,
    tty::FIONREAD,
    0,
    0xFFFF_FFFF,
];
/// `open` flags worth combining (Linux's values).
const OPEN_FLAGS: [u32; 10] = [
    O_RDONLY,
    O_WRONLY,
    O_RDWR,
    O_CREAT,
    O_EXCL,
    O_TRUNC,
    O_APPEND,
    O_NONBLOCK,
    O_DIRECTORY,
    O_CLOEXEC,
];
const O_RDONLY: u32 = 0;
const O_WRONLY: u32 = 1;
const O_RDWR: u32 = 2;
const O_CREAT: u32 = 0o100;
const O_EXCL: u32 = 0o200;
const O_TRUNC: u32 = 0o1000;
const O_APPEND: u32 = 0o2000;
const O_NONBLOCK: u32 = 0o4000;
const O_DIRECTORY: u32 = 0o200000;
const O_CLOEXEC: u32 = 0o2000000;
const F_GETFL: u32 = 3;
const F_SETFL: u32 = 4;
/// How much memory a stored `struct stat` and other records take (the largest first).
const STAT_SIZE: usize = 88;

/// Names inside the worker's own directory (its working directory): the only paths a call
/// that creates, removes or renames may name. None of them names the directory itself
/// except `.`, which every such call must refuse.
static MUTABLE_PATHS: [&[u8]; 16] = [
    b"a\0",
    b"b\0",
    b"c\0",
    b"a/b\0",
    b"a/c\0",
    b"b/a\0",
    b"a/b/c\0",
    b"./a\0",
    b"a/\0",
    b"a/.\0",
    b"a//b\0",
    b"a/../b\0",
    b"\0",
    b".\0",
    &NAME_MAX_PATH,
    &TOO_LONG_NAME,
];
/// Paths outside the worker's directory: only ever read, opened read-only or entered.
static SHARED_PATHS: [&[u8]; 19] = [
    b"/\0",
    b"/bin\0",
    b"/bin/hello\0",
    b"/bin/true\0",
    b"/proc\0",
    b"/proc/self\0",
    b"/proc/self/stat\0",
    b"/proc/self/status\0",
    b"/proc/self/cmdline\0",
    b"/proc/meminfo\0",
    b"/proc/1/status\0",
    b"/dev/null\0",
    b"/dev/zero\0",
    b"/dev/tty\0",
    b"/dev/console\0",
    b"/nonexistent\0",
    b"/bin/hello/x\0",
    b"//bin//hello\0",
    b"/../../bin\0",
];
static NAME_MAX_PATH: [u8; 256] = {
    let mut p = [b'n'; 256];
    p[255] = 0;
    p
};
static TOO_LONG_NAME: [u8; 257] = {
    let mut p = [b'l'; 257];
    p[256] = 0;
    p
};
static TRUE_PATH: &[u8] = b"/bin/true\0";
static TRUE_ARG: &[u8] = b"true\0";

/// The canary every call must leave alone.
static CANARY: AtomicU32 = AtomicU32::new(0);
const CANARY_VALUE: u32 = 0x5EED_CA4A;
/// Signals the handler ran for (in this process).
static HANDLED: AtomicU32 = AtomicU32::new(0);

extern "C" fn count_signal(_sig: i32) {
    HANDLED.fetch_add(1, Ordering::Relaxed);
}

/// What a descriptor the worker made refers to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// A file, directory, `/proc` file or `/dev/null`/`zero`: never blocks.
    Plain,
    /// A pipe end: made non-blocking before every read or write.
    Pipe,
    /// A terminal: never read (it would wait for the keyboard), written only `SAFE_LINE`,
    /// its flags never changed (the open file is the console everyone shares).
    Tty,
}

/// How a kid spends its life.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KidKind {
    /// Exits at once with a fuzzed status.
    Quick,
    /// Makes `BURST_CALLS` unconstrained calls (it may block, stop or die), then exits.
    Burst,
    /// Waits for signals until it is killed.
    Sleeper,
}

/// Counts a worker reports.
#[derive(Default, Clone, Copy)]
pub struct Stats {
    pub calls: u64,
    pub ok: u64,
    pub errno: u64,
    pub enosys: u64,
    pub kids: u64,
    pub retired: u64,
    pub failures: u32,
}

pub struct Worker {
    rng: SplitMix64,
    seed: u64,
    index: u32,
    me: i32,
    parent: i32,
    img: Image,
    heap_lo: usize,
    brk: usize,
    live_stack_lo: usize,
    stack_buf: usize,
    workdir: [u8; 32],
    fds: [(i32, Kind); MAX_OWN_FDS],
    nfds: usize,
    kids: [(i32, KidKind, bool); MAX_KIDS],
    nkids: usize,
    /// In a kid: the worker's protections are lifted (see `main.rs`).
    kid_mode: bool,
    pauses_left: u32,
    termios: [u8; 64],
    call: u64,
    trace: bool,
    pub stats: Stats,
}

/// Runs worker `index` (in its own forked process): `calls` calls, or until `deadline_ns` on
/// the monotonic clock (0: none). Returns the process's exit status.
pub fn run(seed: u64, index: u32, calls: u64, deadline_ns: u64, parent: i32, trace: bool) -> i32 {
    let mut stack_buf = [0u8; 2 * PAGE];
    black_box(&mut stack_buf);
    pretouch_stack(64 * 1024);
    let here = stack_buf.as_ptr() as usize;
    CANARY.store(CANARY_VALUE, Ordering::SeqCst);
    // Every number above 2 starts closed: the parent opened nothing it left open.
    for fd in 3..64 {
        let _ = ulib::io::close(fd);
    }
    let mut workdir = [0u8; 32];
    let name = workdir_name(index);
    workdir[..name.len()].copy_from_slice(name.as_bytes());
    if let Err(e) = ulib::fs::chdir(name.as_str()) {
        println!("FAIL: sysfuzz: worker {index}: chdir {name}: {}", e.name());
        return 1;
    }
    // Its own process group: `kill(0, ..)` reaches only it and its kids.
    let _ = setpgid(Pid::from_raw(0), Pid::from_raw(0));
    install_handlers();
    let mut termios = [0u8; 64];
    // SAFETY (of the raw call): TCGETS stores one struct termios (36 bytes) into `termios`.
    let _ = unsafe {
        raw::syscall(
            nr::IOCTL,
            1,
            tty::TCGETS as usize,
            termios.as_mut_ptr() as usize,
            0,
            0,
        )
    };
    black_box(&mut termios);
    let img = image();
    let start = current_break();
    let heap_lo = page_up(start);
    let brk_at = heap_lo + HEAP_SCRATCH;
    if brk(brk_at).is_err() {
        println!("FAIL: sysfuzz: worker {index}: no scratch heap");
        return 1;
    }
    let mut w = Worker {
        rng: SplitMix64::stream(seed, u64::from(index)),
        seed,
        index,
        me: getpid().as_raw(),
        parent,
        img,
        heap_lo,
        brk: brk_at,
        live_stack_lo: page_down(here).saturating_sub(96 * 1024),
        stack_buf: here,
        workdir,
        fds: [(-1, Kind::Plain); MAX_OWN_FDS],
        nfds: 0,
        kids: [(0, KidKind::Quick, false); MAX_KIDS],
        nkids: 0,
        kid_mode: false,
        pauses_left: 2,
        termios,
        call: 0,
        trace,
        stats: Stats::default(),
    };
    let began = now_ns();
    while w.stats.calls < calls {
        w.step();
        if CANARY.load(Ordering::SeqCst) != CANARY_VALUE {
            w.fail(0, [0; 5], 0, "a static variable of the caller changed");
            CANARY.store(CANARY_VALUE, Ordering::SeqCst);
        }
        if w.stats.calls.is_multiple_of(64) {
            w.collect_kids();
            if deadline_ns != 0 && now_ns() >= deadline_ns {
                break;
            }
        }
    }
    w.retire_all();
    w.close_all();
    let _ = alarm(0);
    black_box(&stack_buf);
    let s = w.stats;
    println!(
        "sysfuzz: worker {index}: {} calls in {} ms ({} ok, {} errno, {} ENOSYS), {} kids \
         ({} killed), {} signals handled, {} mismatches",
        s.calls,
        (now_ns() - began) / 1_000_000,
        s.ok,
        s.errno,
        s.enosys,
        s.kids,
        s.retired,
        HANDLED.load(Ordering::Relaxed),
        s.failures
    );
    if s.failures == 0 { WORKER_PASSED } else { 1 }
}

/// Every safe signal runs the counting handler (SIGCHLD too: ignoring it would reap the kids
/// behind the worker's back).
fn install_handlers() {
    for sig in SAFE_SIGNALS {
        if let Some(signal) = Signal::from_raw(sig) {
            let act = SigAction::new(
                SigHandler::Handler(count_signal),
                SaFlags::empty(),
                SigSet::empty(),
            );
            // SAFETY: the handler only bumps an atomic counter.
            let _ = unsafe { ulib::signal::sigaction(signal, &act) };
        }
    }
}

fn is(r: isize, e: Errno) -> bool {
    r == -(e as i32 as isize)
}

impl Worker {
    fn edge_page(&self) -> usize {
        self.brk - PAGE
    }

    fn fail(&mut self, n: u32, a: [u32; 5], r: isize, why: &str) {
        self.stats.failures += 1;
        if self.stats.failures <= MAX_REPORTS {
            let name = nr::syscall_name(n as usize).unwrap_or("unknown");
            println!(
                "FAIL: sysfuzz: seed {:#x} worker {} call {}{}: {name}#{n}({:#x}, {:#x}, {:#x}, \
                 {:#x}, {:#x}) = {r}: {why}",
                self.seed,
                self.index,
                self.call,
                if self.kid_mode { " (in a kid)" } else { "" },
                a[0],
                a[1],
                a[2],
                a[3],
                a[4]
            );
        }
    }

    /// Makes one counted call and checks what every call must satisfy.
    fn call(&mut self, n: u32, a: [u32; 5]) -> isize {
        if self.trace && !self.kid_mode {
            println!(
                "sysfuzz: trace {} {}: {}#{n}({:#x}, {:#x}, {:#x}, {:#x}, {:#x}) ...",
                self.index,
                self.call + 1,
                nr::syscall_name(n as usize).unwrap_or("unknown"),
                a[0],
                a[1],
                a[2],
                a[3],
                a[4]
            );
        }
        // SAFETY: `step` sanitised every argument the kernel stores through or acts on
        // (stores land in scratch or in memory the kernel must refuse, the break is put back,
        // console writes print a fixed line, calls that end or replace the caller run in kids).
        let r = unsafe {
            raw::syscall(
                n as usize,
                a[0] as usize,
                a[1] as usize,
                a[2] as usize,
                a[3] as usize,
                a[4] as usize,
            )
        };
        self.stats.calls += 1;
        self.call += 1;
        if self.trace && !self.kid_mode {
            println!(
                "sysfuzz: trace {} {}: {}#{n}({:#x}, {:#x}, {:#x}, {:#x}, {:#x}) = {r}",
                self.index,
                self.call,
                nr::syscall_name(n as usize).unwrap_or("unknown"),
                a[0],
                a[1],
                a[2],
                a[3],
                a[4]
            );
        }
        match split(r) {
            Ok(_) => self.stats.ok += 1,
            Err(e) => {
                if e == Errno::ENOSYS as i32 {
                    self.stats.enosys += 1;
                } else {
                    self.stats.errno += 1;
                }
                if Errno::from_raw(e).is_none() {
                    self.fail(n, a, r, "an errno that does not exist");
                }
            }
        }
        if nr::syscall_name(n as usize).is_none() && !is(r, Errno::ENOSYS) {
            self.fail(n, a, r, "a number the table lacks must give exactly ENOSYS");
        }
        r
    }

    /// Fails if a call that succeeded stored through `ptr` although the kernel must refuse it
    /// (a kernel or read-only address), or read from a kernel address.
    fn check_ptr(&mut self, n: u32, a: [u32; 5], r: isize, ptr: u32, len: usize, store: bool) {
        if len == 0 || split(r).is_err() {
            return;
        }
        let p = ptr as usize;
        let end = p as u64 + len as u64;
        // NULL asks for nothing there.
        let optional = [nr::WAIT, nr::WAITPID, nr::SIGACTION, nr::SIGPROCMASK];
        if p == 0 && optional.contains(&(n as usize)) {
            return;
        }
        if end > USER_END as u64 || p < PAGE {
            self.fail(n, a, r, "succeeded on a kernel, NULL or wrapping address");
        } else if store && p < self.img.data_start && end > self.img.text_start as u64 {
            self.fail(n, a, r, "stored into read-only memory");
        }
    }

    // -----------------------------------------------------------------------------------
    // Argument pools

    fn pick_nr(&mut self) -> u32 {
        match self.rng.below(8) {
            0 => self.rng.below(301) as u32,
            1 => self.rng.pick(&EDGE_NUMBERS),
            _ => nr::SYSCALLS[self.rng.below(nr::SYSCALLS.len())].nr as u32,
        }
    }

    fn any_value(&mut self) -> u32 {
        match self.rng.below(4) {
            0 | 1 => self.rng.pick(&EDGE_VALUES),
            2 => self.rng.below(64) as u32,
            _ => self.rng.next_u32(),
        }
    }

    fn length(&mut self) -> u32 {
        const LENGTHS: [u32; 22] = [
            0,
            1,
            2,
            3,
            4,
            7,
            8,
            15,
            16,
            64,
            255,
            256,
            4095,
            4096,
            4097,
            8192,
            65536,
            65537,
            0x7FFF_FFFF,
            0x8000_0000,
            0xFFFF_FFFF,
            36,
        ];
        match self.rng.below(4) {
            0 => self.rng.below(300) as u32,
            1 => self.rng.next_u32(),
            _ => self.rng.pick(&LENGTHS),
        }
    }

    /// A pointer the kernel will only read.
    fn in_ptr(&mut self) -> u32 {
        let img = self.img;
        let edge = self.edge_page();
        let v = match self.rng.below(22) {
            0 => 0,
            1 => 1,
            2 => 0xFFF,
            3 => USER_END,
            4 => USER_END + 1,
            5 => 0xFFFF_F000,
            6 => 0xFFFF_FFFF,
            7 => img.text_start,
            8 => img.rodata_start + 3,
            9 => 0x7000_0000,
            10 => STACK_LIMIT,
            11 => edge + PAGE - 1,
            12 => edge + PAGE - 4,
            13 => edge + PAGE - 64,
            14 => self.heap_lo,
            15 => self.heap_lo + 1,
            16 => self.heap_lo + PAGE - 2,
            17 => self.brk,
            18 => self.stack_buf + 5,
            19 => img.data_start,
            20 => USER_END - 1,
            _ => self.rng.next_u32() as usize,
        };
        v as u32
    }

    /// A pointer the kernel will store `len` bytes through: kept off the worker's live data.
    fn out_ptr(&mut self, len: usize) -> u32 {
        let p = self.in_ptr();
        self.sanitize_store(p, len)
    }

    /// Moves a store that would hit the program's data, its allocator's heap or the live
    /// stack into the scratch heap (with the same length, which then runs into the unmapped
    /// page past the break or stays in scratch).
    fn sanitize_store(&mut self, ptr: u32, len: usize) -> u32 {
        let p = ptr as u64;
        let end = p + len as u64;
        let overlaps = |lo: usize, hi: usize| p < hi as u64 && end > lo as u64;
        if overlaps(self.img.data_start, self.heap_lo) || overlaps(self.live_stack_lo, USER_END) {
            (self.heap_lo + self.rng.below(64)) as u32
        } else {
            ptr
        }
    }

    /// A path for a call that may create, remove or rename: a name inside the worker's own
    /// directory, or an address the kernel must refuse, or a name at the very end of the
    /// mapped heap (with or without its NUL before the unmapped page).
    fn mutable_path(&mut self) -> u32 {
        match self.rng.below(10) {
            0..=5 => self.rng.pick(&MUTABLE_PATHS).as_ptr() as u32,
            6 => self.edge_string(true),
            7 => self.edge_string(false),
            8 => self.long_string(),
            _ => self
                .rng
                .pick(&[0u32, 1, 0xFFF, USER_END as u32, 0xFFFF_FFFF, 0x7000_0000]),
        }
    }

    /// A path for a call that only looks: anything `mutable_path` gives, shared paths, and
    /// bytes of the program's code taken as a name.
    fn any_path(&mut self) -> u32 {
        match self.rng.below(10) {
            0..=3 => self.rng.pick(&SHARED_PATHS).as_ptr() as u32,
            4 => (self.img.text_start + self.rng.below(4096)) as u32,
            _ => self.mutable_path(),
        }
    }

    /// A short name written at the end of the edge page: `terminated` puts its NUL on the
    /// last byte; otherwise the name runs into the unmapped page (EFAULT).
    fn edge_string(&mut self, terminated: bool) -> u32 {
        let end = self.edge_page() + PAGE;
        if terminated {
            poke(end - 3, b"e\0");
            (end - 3) as u32
        } else {
            poke(end - 3, b"efg");
            (end - 3) as u32
        }
    }

    /// 5000 bytes without a NUL (in the scratch heap): too long for any path.
    fn long_string(&mut self) -> u32 {
        let at = self.heap_lo + 2 * PAGE;
        fill(at, b'q', 5000);
        poke(at + 5000, b"\0");
        at as u32
    }

    /// A descriptor number: one of the worker's own, the console's, or a bad number.
    fn fd(&mut self) -> i32 {
        match self.rng.below(10) {
            0..=4 if self.nfds > 0 => self.fds[self.rng.below(self.nfds)].0,
            5 => self.rng.below(3) as i32,
            6 => self.rng.below(40) as i32,
            _ => self
                .rng
                .pick(&[-1, 255, 256, 1024, i32::MAX, i32::MIN, 63, 64]),
        }
    }

    fn kind_of(&self, fd: i32) -> Option<Kind> {
        if (0..=2).contains(&fd) {
            return Some(Kind::Tty);
        }
        self.fds[..self.nfds]
            .iter()
            .find(|&&(f, _)| f == fd)
            .map(|&(_, k)| k)
    }

    /// A descriptor the kernel just handed out: it must not be one the worker holds.
    fn adopt(&mut self, n: u32, a: [u32; 5], fd: i32, kind: Kind) {
        // (A kid may have closed 0, 1 or 2: then they come back.)
        let console = (0..=2).contains(&fd);
        if console && self.kid_mode {
            return;
        }
        if console || self.kind_of(fd).is_some() {
            self.fail(
                n,
                a,
                fd as isize,
                "a descriptor already in use was handed out",
            );
            return;
        }
        if self.nfds == MAX_OWN_FDS {
            let _ = ulib::io::close(fd);
            return;
        }
        self.fds[self.nfds] = (fd, kind);
        self.nfds += 1;
    }

    fn forget_fd(&mut self, fd: i32) {
        if let Some(at) = self.fds[..self.nfds].iter().position(|&(f, _)| f == fd) {
            self.fds[at] = self.fds[self.nfds - 1];
            self.nfds -= 1;
        }
    }

    fn close_all(&mut self) {
        while self.nfds > 0 {
            let fd = self.fds[self.nfds - 1].0;
            if ulib::io::close(fd).is_err() {
                self.fail(
                    nr::CLOSE as u32,
                    [fd as u32, 0, 0, 0, 0],
                    0,
                    "the worker's own descriptor would not close",
                );
            }
            self.nfds -= 1;
        }
    }

    /// Makes pipe `fd` non-blocking (one counted `fcntl`), so that the worker never waits on it.
    fn unblock(&mut self, fd: i32) {
        let a = [fd as u32, F_GETFL, 0, 0, 0];
        let flags = self.call(nr::FCNTL as u32, a);
        let flags = if flags < 0 { 0 } else { flags as u32 };
        let a = [fd as u32, F_SETFL, flags | O_NONBLOCK, 0, 0];
        let r = self.call(nr::FCNTL as u32, a);
        if r != 0 {
            self.fail(nr::FCNTL as u32, a, r, "F_SETFL O_NONBLOCK on an own pipe");
        }
    }

    // -----------------------------------------------------------------------------------
    // The calls

    /// One fuzzed call (or, for some, the few calls that make it safe and check it).
    pub fn step(&mut self) {
        let n = self.pick_nr();
        let mut a = [
            self.any_value(),
            self.any_value(),
            self.any_value(),
            self.any_value(),
            self.any_value(),
        ];
        match n as usize {
            nr::FORK => self.fork(a),
            nr::EXIT => {
                if self.kid_mode {
                    // KID_FAILED is the kid's report of a mismatch: never exit with it here.
                    if a[0] & 0xff == KID_FAILED as u32 {
                        a[0] ^= 1;
                    }
                    self.call(n, a);
                } else {
                    // Ends a kid with the fuzzed status.
                    self.spawn_kid(KidKind::Quick, a[0] as i32);
                }
            }
            nr::EXECVE => self.execve(a),
            nr::SBRK | nr::BRK => self.move_break(n, a),
            nr::GETPID | nr::GETPPID => {
                let r = self.call(n, a);
                let want = if n as usize == nr::GETPID {
                    self.me
                } else {
                    self.parent
                };
                // A kid's parent may die first (then it is init's).
                if r != want as isize && !(self.kid_mode && n as usize == nr::GETPPID) {
                    self.fail(n, a, r, "wrong pid");
                }
            }
            nr::SLEEP => {
                if !self.kid_mode {
                    a[0] = 0;
                } else {
                    a[0] %= 3;
                }
                let r = self.call(n, a);
                if !self.kid_mode && r != 0 && !is(r, Errno::EINTR) {
                    self.fail(n, a, r, "sleep(0) must return 0");
                }
            }
            nr::NANOSLEEP => self.nanosleep(a),
            nr::WAIT | nr::WAITPID => self.wait(n, a),
            nr::PAUSE => self.pause(a),
            nr::SIGSUSPEND => self.sigsuspend(a),
            nr::SIGRETURN => {
                if self.kid_mode {
                    // No signal frame at the stack pointer: the kernel must either refuse the
                    // garbage or restore it harmlessly (this kid then usually faults).
                    self.call(n, a);
                }
            }
            nr::KILL => self.kill(a),
            nr::ALARM => {
                // A SIGALRM only interrupts: keep it within a few seconds.
                a[0] %= 4;
                self.call(n, a);
            }
            nr::SIGACTION => self.sigaction(a),
            nr::SIGPROCMASK => {
                let set = self.heap_lo + 3 * PAGE;
                poke(set, &self.rng.next_u32().to_le_bytes());
                if self.rng.chance(2) {
                    a[1] = set as u32;
                } else {
                    a[1] = self.in_ptr();
                }
                a[0] = self.rng.pick(&[0, 1, 2, 3, a[0]]);
                a[2] = self.out_ptr(4);
                let r = self.call(n, a);
                let stored = a[2] != 0;
                self.check_ptr(n, a, r, a[2], usize::from(stored) * 4, true);
            }
            nr::SIGPENDING => {
                a[0] = self.out_ptr(4);
                let r = self.call(n, a);
                self.check_ptr(n, a, r, a[0], 4, true);
            }
            nr::SETPGID | nr::SETSID | nr::GETPGID | nr::GETSID => {
                let ids = [
                    0,
                    self.me,
                    self.parent,
                    self.kid_pid(),
                    -1,
                    1,
                    a[0] as i32,
                    0x7FFF_FFFF,
                ];
                a[0] = self.rng.pick(&ids) as u32;
                a[1] = self.rng.pick(&ids) as u32;
                self.call(n, a);
            }
            nr::OPEN => self.open(a),
            nr::CLOSE => {
                let fd = self.fd();
                let fd = if (0..=2).contains(&fd) && !self.kid_mode {
                    300
                } else {
                    fd
                };
                a[0] = fd as u32;
                let known = self.kind_of(fd).is_some();
                let r = self.call(n, a);
                if known && !(0..=2).contains(&fd) {
                    if r != 0 {
                        self.fail(n, a, r, "closing an own descriptor");
                    }
                    self.forget_fd(fd);
                } else if !known && !is(r, Errno::EBADF) && !self.kid_mode {
                    self.fail(n, a, r, "closing a descriptor not open must give EBADF");
                }
            }
            nr::READ => self.read(a),
            nr::WRITE => self.write(a),
            nr::DUP | nr::DUP2 => self.dup(n, a),
            nr::FCNTL => self.fcntl(a),
            nr::PIPE2 => {
                a[0] = self.out_ptr(8);
                if self.rng.chance(2) {
                    a[1] = self
                        .rng
                        .pick(&[0, O_CLOEXEC, O_NONBLOCK, O_CLOEXEC | O_NONBLOCK]);
                }
                let r = self.call(n, a);
                self.check_ptr(n, a, r, a[0], 8, true);
                if r == 0 {
                    let at = a[0] as usize;
                    let (rd, wr) = (peek_u32(at) as i32, peek_u32(at + 4) as i32);
                    self.adopt(n, a, rd, Kind::Pipe);
                    self.adopt(n, a, wr, Kind::Pipe);
                }
            }
            nr::LSEEK => {
                a[0] = self.fd() as u32;
                a[3] = self.out_ptr(8);
                a[4] = self.rng.pick(&[0, 1, 2, 3, a[4]]);
                let r = self.call(n, a);
                self.check_ptr(n, a, r, a[3], 8, true);
            }
            nr::FSTAT => {
                a[0] = self.fd() as u32;
                a[1] = self.out_ptr(STAT_SIZE);
                let r = self.call(n, a);
                self.check_ptr(n, a, r, a[1], STAT_SIZE, true);
            }
            nr::GETDENTS64 | nr::GETCWD => {
                let (buf, len) = if n as usize == nr::GETCWD {
                    (0, 1)
                } else {
                    a[0] = self.fd() as u32;
                    (1, 2)
                };
                a[len] = self.length();
                a[buf] = self.out_ptr(a[len] as usize);
                let r = self.call(n, a);
                let stored = split(r).map_or(0, |v| v.min(a[len] as usize));
                self.check_ptr(n, a, r, a[buf], stored, true);
            }
            nr::IOCTL => self.ioctl(a),
            nr::STAT => {
                a[0] = self.any_path();
                a[1] = self.out_ptr(STAT_SIZE);
                let r = self.call(n, a);
                self.check_ptr(n, a, r, a[1], STAT_SIZE, true);
            }
            nr::CHDIR => {
                a[0] = self.any_path();
                let r = self.call(n, a);
                if r == 0 {
                    self.back_home();
                }
            }
            nr::MKDIR | nr::RMDIR | nr::UNLINK | nr::RENAME => {
                a[0] = self.mutable_path();
                a[1] = if n as usize == nr::RENAME {
                    self.mutable_path()
                } else {
                    self.rng.pick(&[0o755, 0, 0o7777, a[1]])
                };
                self.call(n, a);
            }
            nr::CLOCK_GETTIME => {
                a[0] = self.rng.pick(&[1, 1, 0, a[0]]);
                a[1] = self.out_ptr(8);
                let r = self.call(n, a);
                self.check_ptr(n, a, r, a[1], 8, true);
            }
            nr::YIELD => {
                let r = self.call(n, a);
                if r != 0 {
                    self.fail(n, a, r, "yield must return 0");
                }
            }
            _ => {
                if nr::syscall_name(n as usize).is_some() {
                    // A call this fuzzer does not know yet: it cannot judge its arguments.
                    self.fail(n, a, 0, "a call sysfuzz has no policy for (add one)");
                } else {
                    self.call(n, a);
                }
            }
        }
    }

    fn back_home(&mut self) {
        let home = self.workdir.as_ptr() as usize;
        // SAFETY (of the raw call): chdir only reads the NUL-terminated name.
        let r = unsafe { raw::syscall(nr::CHDIR, home, 0, 0, 0, 0) };
        if r != 0 {
            self.fail(
                nr::CHDIR as u32,
                [home as u32, 0, 0, 0, 0],
                r,
                "back to the work dir",
            );
        }
    }

    fn kid_pid(&mut self) -> i32 {
        if self.nkids > 0 {
            self.kids[self.rng.below(self.nkids)].0
        } else {
            self.me
        }
    }

    fn nanosleep(&mut self, mut a: [u32; 5]) {
        let req = self.heap_lo + 4 * PAGE;
        let nsec = self
            .rng
            .pick(&[0u32, 1, 999_999, 1_000_000_000, u32::MAX, 50_000]);
        let sec = if self.kid_mode {
            self.rng.pick(&[0u32, 1, u32::MAX])
        } else {
            self.rng.pick(&[0u32, u32::MAX])
        };
        // A negative second count (u32::MAX) is EINVAL: the worker never sleeps more than a
        // millisecond.
        poke(req, &sec.to_le_bytes());
        poke(req + 4, &nsec.to_le_bytes());
        a[0] = if self.rng.chance(4) {
            self.in_ptr()
        } else {
            req as u32
        };
        if !self.kid_mode && a[0] as usize != req {
            // Whatever a fuzzed pointer points at, it must not be a long sleep: only refused
            // addresses are kept.
            let p = a[0] as usize;
            if (PAGE..USER_END).contains(&p) {
                a[0] = USER_END as u32;
            }
        }
        a[1] = self.out_ptr(8);
        self.call(nr::NANOSLEEP as u32, a);
    }

    // -- processes ----------------------------------------------------------------------

    fn fork(&mut self, a: [u32; 5]) {
        if self.kid_mode {
            let r = self.call(nr::FORK as u32, a);
            if r == 0 {
                exit(0);
            }
            return;
        }
        let kind = match self.rng.below(10) {
            0..=5 => KidKind::Quick,
            6..=8 => KidKind::Burst,
            _ => KidKind::Sleeper,
        };
        let status = self.any_value() as i32;
        self.spawn_kid(kind, status);
    }

    /// Forks a kid (one counted `fork`) that lives as `kind` says.
    fn spawn_kid(&mut self, kind: KidKind, status: i32) {
        if self.nkids == MAX_KIDS {
            self.retire_oldest();
        }
        let a = [0; 5];
        let r = self.call(nr::FORK as u32, a);
        if r == 0 {
            self.live_as_kid(kind, status);
        }
        match split(r) {
            Ok(pid) if pid > 0 && pid as i32 != self.me => {
                self.stats.kids += 1;
                self.kids[self.nkids] = (pid as i32, kind, false);
                self.nkids += 1;
            }
            Err(e) if e == Errno::EAGAIN as i32 || e == Errno::ENOMEM as i32 => {}
            _ => self.fail(nr::FORK as u32, a, r, "fork: not a pid, EAGAIN or ENOMEM"),
        }
    }

    fn live_as_kid(&mut self, kind: KidKind, status: i32) -> ! {
        self.kid_mode = true;
        self.me = getpid().as_raw();
        self.parent = getppid().as_raw();
        self.nkids = 0;
        match kind {
            KidKind::Quick => {
                let a = [status as u32, 0, 0, 0, 0];
                self.call(nr::EXIT as u32, a);
                exit(SURVIVED_EXIT);
            }
            KidKind::Burst => {
                for _ in 0..BURST_CALLS {
                    self.step();
                }
                exit(if self.stats.failures == 0 {
                    0
                } else {
                    KID_FAILED
                });
            }
            KidKind::Sleeper => loop {
                let _ = ulib::signal::pause();
            },
        }
    }

    /// Ends the oldest kid: a quick one is only waited for, the others are killed first.
    fn retire_oldest(&mut self) {
        let (pid, kind, _) = self.kids[0];
        self.kids.copy_within(1..self.nkids, 0);
        self.nkids -= 1;
        self.retire(pid, kind);
    }

    /// Kills (a quick kid has usually exited: then this only finds a zombie) and collects.
    fn retire(&mut self, pid: i32, kind: KidKind) {
        let _ = kill(Pid::from_raw(pid), Some(Signal::SIGKILL));
        if kind != KidKind::Quick {
            self.stats.retired += 1;
        }
        loop {
            match waitpid(Some(Pid::from_raw(pid)), WaitFlags::empty()) {
                Ok(WaitStatus::Exited(_, KID_FAILED)) if kind == KidKind::Burst => {
                    self.kid_failed(pid);
                    break;
                }
                Ok(WaitStatus::Exited(..)) | Ok(WaitStatus::Signaled(..)) => break,
                Ok(_) => continue,
                Err(Errno::EINTR) => continue,
                // Already collected by a fuzzed wait.
                Err(Errno::ECHILD) => break,
                Err(e) => {
                    let a = [pid as u32, 0, 0, 0, 0];
                    self.fail(
                        nr::WAITPID as u32,
                        a,
                        -(e as i32 as isize),
                        "retiring a kid",
                    );
                    break;
                }
            }
        }
    }

    fn retire_all(&mut self) {
        while self.nkids > 0 {
            self.retire_oldest();
        }
        // Nothing else may be left: every child was one of the kids.
        let left = uapps::raw_calls::waitpid_null_status(-1, 1);
        if left != Err(Errno::ECHILD) {
            self.fail(
                nr::WAITPID as u32,
                [u32::MAX, 0, 1, 0, 0],
                0,
                "a stray child is left",
            );
        }
    }

    /// Collects kids that ended on their own (without waiting).
    fn collect_kids(&mut self) {
        let mut i = 0;
        while i < self.nkids {
            let (pid, kind, _) = self.kids[i];
            let status = waitpid(Some(Pid::from_raw(pid)), WaitFlags::WNOHANG);
            if kind == KidKind::Burst && matches!(status, Ok(WaitStatus::Exited(_, KID_FAILED))) {
                self.kid_failed(pid);
            }
            match status {
                Ok(WaitStatus::Exited(..)) | Ok(WaitStatus::Signaled(..)) | Err(Errno::ECHILD) => {
                    self.kids[i] = self.kids[self.nkids - 1];
                    self.nkids -= 1;
                }
                _ => i += 1,
            }
        }
    }

    /// A bursting kid reported a mismatch (it printed it, unless it had closed its output).
    fn kid_failed(&mut self, pid: i32) {
        let a = [pid as u32, 0, 0, 0, 0];
        self.fail(
            nr::WAITPID as u32,
            a,
            0,
            "a kid reported a mismatch (see its line)",
        );
    }

    /// A kid a fuzzed wait may have collected: forget it if it is gone.
    fn recheck_kid(&mut self, pid: i32) {
        if let Some(at) = self.kids[..self.nkids].iter().position(|k| k.0 == pid) {
            // Still there (stopped or continued): kill(pid, 0) succeeds for a live or zombie
            // process; a collected one is gone for good (pids are not reused this soon).
            if kill(Pid::from_raw(pid), None) == Err(Errno::ESRCH) {
                self.kids[at] = self.kids[self.nkids - 1];
                self.nkids -= 1;
            }
        }
    }

    fn wait(&mut self, n: u32, mut a: [u32; 5]) {
        // A blocking wait only when a quick kid is sure to end (one a wait for any child or
        // for that pid then finds); otherwise WNOHANG.
        let quick = self.kids[..self.nkids]
            .iter()
            .find(|k| k.1 == KidKind::Quick && !k.2)
            .map(|k| k.0);
        let kid = self.kid_pid();
        let status_arg = if n as usize == nr::WAIT { 0 } else { 1 };
        if n as usize == nr::WAITPID {
            a[0] = self
                .rng
                .pick(&[u32::MAX, 0, kid as u32, quick.unwrap_or(0) as u32, a[0], 1]);
            a[2] = self.rng.pick(&[0, 1, 2, 3, 8, 9, 0x100, a[2]]);
        }
        a[status_arg] = self.out_ptr(4);
        let target = if n as usize == nr::WAITPID {
            a[0] as i32
        } else {
            -1
        };
        let options = if n as usize == nr::WAITPID { a[2] } else { 0 };
        if !self.kid_mode && options & 1 == 0 {
            // (Its group may have lost its kids to setpgid: 0 and -pgid stay WNOHANG.)
            let blocking_ok = match target {
                -1 => quick.is_some(),
                0 => false,
                p => quick.is_some() && quick == Some(p),
            };
            if !blocking_ok {
                if n as usize == nr::WAIT {
                    // wait() cannot say WNOHANG: ask for a quick kid instead.
                    return;
                }
                a[2] |= 1;
            }
        }
        let r = self.call(n, a);
        if let Ok(pid @ 1..) = split(r) {
            self.check_ptr(n, a, r, a[status_arg], 4, true);
            if !self.kid_mode {
                if !self.kids[..self.nkids].iter().any(|k| k.0 == pid as i32) {
                    self.fail(n, a, r, "collected a process that is not a kid");
                }
                self.recheck_kid(pid as i32);
            }
        }
    }

    fn execve(&mut self, mut a: [u32; 5]) {
        let good_argv = [TRUE_ARG.as_ptr() as usize, 0usize];
        let bad_argv = [TRUE_ARG.as_ptr() as usize, USER_END, 0usize];
        let empty_env = [0usize];
        if self.kid_mode && self.rng.chance(4) {
            // A real program: /bin/true ends this kid with status 0.
            a[0] = TRUE_PATH.as_ptr() as u32;
            a[1] = good_argv.as_ptr() as u32;
            a[2] = empty_env.as_ptr() as u32;
            self.call(nr::EXECVE as u32, a);
            return;
        }
        // Paths that must fail, or /bin/true with arguments that must be refused. The last
        // word of the heap holds a string pointer, so that an array starting there runs into
        // the unmapped page before its NULL.
        poke(self.brk - 4, &(TRUE_ARG.as_ptr() as u32).to_le_bytes());
        match self.rng.below(3) {
            0 => {
                a[0] = TRUE_PATH.as_ptr() as u32;
                a[1] = self.rng.pick(&[
                    bad_argv.as_ptr() as u32,
                    USER_END as u32,
                    0xFFFF_FFFF,
                    self.brk as u32 - 4,
                ]);
            }
            _ => {
                a[0] = self.rng.pick(&[
                    0,
                    1,
                    USER_END as u32,
                    c"/".as_ptr() as u32,
                    c"/bin".as_ptr() as u32,
                    c"/nonexistent".as_ptr() as u32,
                    c"/bin/true/x".as_ptr() as u32,
                    c"/proc/meminfo".as_ptr() as u32,
                    c"/dev/null".as_ptr() as u32,
                    TOO_LONG_NAME.as_ptr() as u32,
                ]);
                a[1] = self.rng.pick(&[0, good_argv.as_ptr() as u32, a[1]]);
                if self.rng.chance(4) {
                    // A file of its own directory may hold anything (even an ELF header):
                    // arguments that must be refused keep the call failing.
                    a[0] = self.mutable_path();
                    a[1] = USER_END as u32;
                }
            }
        }
        black_box(&good_argv);
        black_box(&bad_argv);
        black_box(&empty_env);
        let r = self.call(nr::EXECVE as u32, a);
        if r >= 0 {
            self.fail(nr::EXECVE as u32, a, r, "an execve that must fail returned");
        }
        if getpid().as_raw() != self.me {
            self.fail(nr::EXECVE as u32, a, r, "the caller's pid changed");
        }
    }

    fn move_break(&mut self, n: u32, a: [u32; 5]) {
        let r = self.call(n, a);
        if let Ok(v) = split(r) {
            if n as usize == nr::SBRK && v != self.brk {
                self.fail(n, a, r, "sbrk did not return the previous break");
            }
            if n as usize == nr::BRK && v != 0 {
                self.fail(n, a, r, "brk returns 0");
            }
        }
        // Back to the scratch heap the pointers point into.
        if let Err(e) = brk(self.brk) {
            let back = [self.brk as u32, 0, 0, 0, 0];
            self.fail(
                n,
                back,
                -(e as i32 as isize),
                "the break could not be put back",
            );
        }
    }

    // -- signals ------------------------------------------------------------------------

    fn kill(&mut self, mut a: [u32; 5]) {
        let any_sig = (self.rng.below(40) as i32) - 2;
        let safe = self.rng.pick(&SAFE_SIGNALS);
        let bad = self.rng.pick(&BAD_SIGNALS);
        let harmless = self.rng.pick(&[0, 0, bad]);
        let kid = self.kid_pid();
        let group = -(getpgrp().as_raw());
        let anyone = self
            .rng
            .pick(&[-1, 1, a[0] as i32, -(a[0] as i32), i32::MIN, 0x7FFF_FFFF]);
        let (pid, sig) = match self.rng.below(8) {
            // A kid: anything at all (it is killed when retired anyway).
            0 | 1 if self.nkids > 0 => (kid, any_sig),
            // Itself, its group, its parent: a signal everyone here handles.
            2 => (self.me, safe),
            3 => (0, safe),
            4 => (group, safe),
            5 => (self.parent, safe),
            // Anyone else (init, everyone, random numbers): only checks and refused numbers.
            _ => (anyone, harmless),
        };
        // In a kid, the kid itself may take anything; its "kids" are none.
        let (pid, sig) = if self.kid_mode && self.rng.chance(8) {
            (self.me, any_sig)
        } else {
            (pid, sig)
        };
        a[0] = pid as u32;
        a[1] = sig as u32;
        let r = self.call(nr::KILL as u32, a);
        if BAD_SIGNALS.contains(&sig) && !is(r, Errno::EINVAL) && !is(r, Errno::ESRCH) {
            self.fail(
                nr::KILL as u32,
                a,
                r,
                "a signal number out of range must be refused",
            );
        }
        if let Some(kid) = self.kids[..self.nkids].iter_mut().find(|k| k.0 == pid) {
            // It may be stopped now: no blocking wait counts on it ending by itself.
            kid.2 = true;
        }
    }

    fn sigaction(&mut self, mut a: [u32; 5]) {
        let safe_one = self.rng.pick(&SAFE_SIGNALS);
        let small = self.rng.below(34) as i32;
        let sig = self.rng.pick(&[safe_one, small, a[0] as i32]);
        a[0] = sig as u32;
        let safe = SAFE_SIGNALS.contains(&sig);
        let base = SigAction::new(
            SigHandler::Handler(count_signal),
            SaFlags::empty(),
            SigSet::empty(),
        )
        .as_raw();
        let at = self.heap_lo + 5 * PAGE;
        let handler = if safe && !self.kid_mode {
            if sig == 17 {
                base.handler
            } else {
                self.rng.pick(&[base.handler, 1])
            }
        } else {
            let garbage = self.any_value();
            self.rng.pick(&[0, 1, base.handler, garbage])
        };
        let mut flags = base.flags | (self.rng.next_u32() & abi::signal::SA_VALID);
        if self.rng.chance(16) {
            flags = self.rng.next_u32() | abi::signal::SA_RESTORER;
        }
        if safe && !self.kid_mode {
            // Never back to the default after one delivery, never auto-reaped kids; and no
            // SA_RESTART for SIGTTIN/SIGTTOU: a background terminal call refused with one is
            // run again after the handler, refused again, for ever (as on Linux).
            flags &= !(abi::signal::SA_RESETHAND | abi::signal::SA_NOCLDWAIT);
            if sig == 21 || sig == 22 {
                flags &= !abi::signal::SA_RESTART;
            }
        }
        poke(at, &handler.to_le_bytes());
        poke(at + 4, &self.rng.next_u32().to_le_bytes());
        poke(at + 8, &flags.to_le_bytes());
        poke(at + 12, &base.restorer.to_le_bytes());
        a[1] = if self.rng.chance(4) {
            // Only look (NULL) or a refused address.
            self.rng
                .pick(&[0, USER_END as u32, 1, (self.brk - 8) as u32])
        } else {
            at as u32
        };
        if safe && !self.kid_mode && a[1] as usize == self.brk - 8 {
            // Half of it mapped: the kernel must refuse it whole, but if it did not the
            // handler there is garbage; keep safe signals to the real ones.
            a[1] = at as u32;
        }
        a[2] = self.out_ptr(16);
        let r = self.call(nr::SIGACTION as u32, a);
        self.check_ptr(nr::SIGACTION as u32, a, r, a[2], 16, true);
    }

    /// `pause`: in a kid as is; in the worker only with an alarm due (at most twice a run,
    /// since it costs a second).
    fn pause(&mut self, a: [u32; 5]) {
        if self.kid_mode {
            self.call(nr::PAUSE as u32, a);
            return;
        }
        if self.pauses_left == 0 || !self.rng.chance(1000) {
            return;
        }
        self.pauses_left -= 1;
        // SIGALRM must be caught (not ignored, not blocked) for the pause to end.
        let act = SigAction::new(
            SigHandler::Handler(count_signal),
            SaFlags::empty(),
            SigSet::empty(),
        );
        // SAFETY: the handler only bumps an atomic counter.
        let _ = unsafe { ulib::signal::sigaction(Signal::SIGALRM, &act) };
        let _ = unblock_all();
        let _ = alarm(1);
        let r = self.call(nr::PAUSE as u32, a);
        if !is(r, Errno::EINTR) {
            self.fail(nr::PAUSE as u32, a, r, "pause must end with EINTR");
        }
    }

    /// `sigsuspend` that a pending SIGUSR2 ends at once: blocked, sent to itself, then
    /// the suspend mask (fuzzed, but never blocking SIGUSR2) lets it in.
    fn sigsuspend(&mut self, mut a: [u32; 5]) {
        const USR2_BIT: u32 = 1 << (12 - 1);
        if self.kid_mode && self.rng.chance(2) {
            a[0] = self.in_ptr();
            self.call(nr::SIGSUSPEND as u32, a);
            return;
        }
        let act = SigAction::new(
            SigHandler::Handler(count_signal),
            SaFlags::empty(),
            SigSet::empty(),
        );
        // SAFETY: the handler only bumps an atomic counter.
        let _ = unsafe { ulib::signal::sigaction(Signal::SIGUSR2, &act) };
        let mut usr2 = SigSet::empty();
        usr2.add(Signal::SIGUSR2);
        let _ = sigprocmask(SigmaskHow::SIG_BLOCK, Some(&usr2), None);
        let _ = raise(Signal::SIGUSR2);
        let mask = self.heap_lo + 6 * PAGE;
        poke(mask, &(self.rng.next_u32() & !USR2_BIT).to_le_bytes());
        let refused = self.rng.chance(4);
        a[0] = if refused {
            self.rng
                .pick(&[0, USER_END as u32, 0xFFFF_FFFF, self.brk as u32 - 2])
        } else {
            mask as u32
        };
        let r = self.call(nr::SIGSUSPEND as u32, a);
        let want = if refused { Errno::EFAULT } else { Errno::EINTR };
        if !is(r, want) {
            self.fail(nr::SIGSUSPEND as u32, a, r, "sigsuspend: EINTR, or EFAULT");
        }
        let _ = sigprocmask(SigmaskHow::SIG_UNBLOCK, Some(&usr2), None);
    }

    // -- descriptors --------------------------------------------------------------------

    fn open(&mut self, mut a: [u32; 5]) {
        let mutable = self.rng.chance(2);
        a[0] = if mutable {
            self.mutable_path()
        } else {
            self.any_path()
        };
        let mut flags = 0;
        for _ in 0..self.rng.below(4) {
            flags |= self.rng.pick(&OPEN_FLAGS);
        }
        if self.rng.chance(16) {
            flags = self.rng.next_u32();
        }
        if !mutable {
            // Outside its own directory the worker only reads.
            flags &= !(3 | O_CREAT | O_TRUNC | O_APPEND);
        }
        a[1] = flags;
        a[2] = self.rng.pick(&[0o644, 0, 0o7777, a[2]]);
        let tty = SHARED_PATHS[13..15]
            .iter()
            .any(|p| p.as_ptr() as u32 == a[0]);
        let r = self.call(nr::OPEN as u32, a);
        if let Ok(fd) = split(r) {
            self.adopt(
                nr::OPEN as u32,
                a,
                fd as i32,
                if tty { Kind::Tty } else { Kind::Plain },
            );
        }
    }

    fn read(&mut self, mut a: [u32; 5]) {
        let mut fd = self.fd();
        let kind = self.kind_of(fd);
        if kind == Some(Kind::Tty) {
            // The keyboard may never type: read a refused number instead.
            fd = 300;
        }
        if kind == Some(Kind::Pipe) && !self.kid_mode {
            self.unblock(fd);
        }
        a[0] = fd as u32;
        a[2] = self.length();
        a[1] = self.out_ptr(a[2] as usize);
        let r = self.call(nr::READ as u32, a);
        let got = split(r).map_or(0, |v| v);
        self.check_ptr(nr::READ as u32, a, r, a[1], got, true);
        if got > a[2] as usize {
            self.fail(nr::READ as u32, a, r, "read more than asked");
        }
        if kind.is_none() && !self.kid_mode && !is(r, Errno::EBADF) {
            self.fail(
                nr::READ as u32,
                a,
                r,
                "a descriptor not open must give EBADF",
            );
        }
    }

    fn write(&mut self, mut a: [u32; 5]) {
        let fd = self.fd();
        let kind = self.kind_of(fd);
        a[0] = fd as u32;
        a[2] = self.length();
        a[1] = self.in_ptr();
        if kind == Some(Kind::Tty) {
            // Print only the fixed line, rarely; else nothing or a refused buffer.
            match self.rng.below(16) {
                0 => {
                    a[1] = SAFE_LINE.as_ptr() as u32;
                    a[2] = SAFE_LINE.len() as u32;
                }
                1..=3 => a[2] = 0,
                _ => {
                    a[1] = self
                        .rng
                        .pick(&[0, 1, USER_END as u32, 0xFFFF_F000, 0x7000_0000]);
                }
            }
        }
        if kind == Some(Kind::Pipe) && !self.kid_mode {
            self.unblock(fd);
        }
        let r = self.call(nr::WRITE as u32, a);
        let put = split(r).map_or(0, |v| v);
        self.check_ptr(nr::WRITE as u32, a, r, a[1], put, false);
        if put > a[2] as usize {
            self.fail(nr::WRITE as u32, a, r, "wrote more than asked");
        }
        if kind.is_none() && !self.kid_mode && !is(r, Errno::EBADF) {
            self.fail(
                nr::WRITE as u32,
                a,
                r,
                "a descriptor not open must give EBADF",
            );
        }
        // (A terminal opened by name was opened read-only: EBADF.)
        if kind == Some(Kind::Tty)
            && a[1] == SAFE_LINE.as_ptr() as u32
            && put != SAFE_LINE.len()
            && !(fd >= 3 && is(r, Errno::EBADF))
        {
            self.fail(nr::WRITE as u32, a, r, "a console write of a whole line");
        }
    }

    fn dup(&mut self, n: u32, mut a: [u32; 5]) {
        let fd = self.fd();
        a[0] = fd as u32;
        let kind = self.kind_of(fd);
        let mut new = -1;
        if n as usize == nr::DUP2 {
            let own = if self.nfds > 0 {
                self.fds[self.rng.below(self.nfds)].0
            } else {
                3
            };
            new = match self.rng.below(4) {
                0 => own,
                1 => self.rng.below(40) as i32,
                _ => self.rng.pick(&[-1, 255, 256, 63, 1024, i32::MIN]),
            };
            if (0..=2).contains(&new) && !self.kid_mode {
                new = 3 + self.rng.below(37) as i32;
            }
            a[1] = new as u32;
        }
        let replaced = self.kind_of(new);
        let r = self.call(n, a);
        match split(r) {
            Ok(got) => {
                let got = got as i32;
                match kind {
                    None if !self.kid_mode => {
                        self.fail(n, a, r, "duplicated a descriptor that is not open")
                    }
                    _ if n as usize == nr::DUP2 => {
                        if got != new {
                            self.fail(n, a, r, "dup2 must return newfd");
                        }
                        if got != fd && replaced.is_some() {
                            self.forget_fd(got);
                        }
                        if got != fd {
                            self.adopt(n, a, got, kind.unwrap_or(Kind::Plain));
                        }
                    }
                    _ => self.adopt(n, a, got, kind.unwrap_or(Kind::Plain)),
                }
            }
            Err(_) => {
                if kind.is_none() && !self.kid_mode && !is(r, Errno::EBADF) {
                    self.fail(n, a, r, "a descriptor not open must give EBADF");
                }
            }
        }
    }

    fn fcntl(&mut self, mut a: [u32; 5]) {
        let fd = self.fd();
        let kind = self.kind_of(fd);
        a[0] = fd as u32;
        a[1] = self.rng.pick(&[0, 1, 2, 3, 4, 1030, a[1]]);
        if a[1] == F_SETFL && (kind == Some(Kind::Tty) || kind.is_none()) {
            // The console's open file is everyone's: its flags stay.
            a[1] = F_GETFL;
        }
        if a[1] == 0 || a[1] == 1030 {
            a[2] = self.rng.pick(&[0, 3, 10, 40, 255, 256, u32::MAX]);
        }
        let r = self.call(nr::FCNTL as u32, a);
        if let Ok(v) = split(r) {
            if a[1] == 0 || a[1] == 1030 {
                match kind {
                    None if !self.kid_mode => {
                        self.fail(nr::FCNTL as u32, a, r, "duplicated a descriptor not open")
                    }
                    _ => self.adopt(nr::FCNTL as u32, a, v as i32, kind.unwrap_or(Kind::Plain)),
                }
            }
        } else if kind.is_none() && !self.kid_mode && !is(r, Errno::EBADF) {
            self.fail(
                nr::FCNTL as u32,
                a,
                r,
                "a descriptor not open must give EBADF",
            );
        }
    }

    fn ioctl(&mut self, mut a: [u32; 5]) {
        let fd = self.fd();
        a[0] = fd as u32;
        a[1] = self.rng.pick(&IOCTLS);
        if self.rng.chance(8) {
            a[1] = self.rng.next_u32();
        }
        let scratch = self.heap_lo + 7 * PAGE;
        match a[1] {
            // Setting the terminal: only what it already is (or a refused address).
            tty::TCSETS | tty::TCSETSW | tty::TCSETSF => {
                a[2] = if self.rng.chance(2) {
                    self.termios.as_ptr() as u32
                } else {
                    self.rng.pick(&[0, USER_END as u32, self.brk as u32 - 4])
                };
            }
            // The window size: the one it has (read just before), or a refused address.
            tty::TIOCSWINSZ => {
                let _ = self.call(
                    nr::IOCTL as u32,
                    [a[0], tty::TIOCGWINSZ, scratch as u32, 0, 0],
                );
                a[2] = self
                    .rng
                    .pick(&[scratch as u32, 0, USER_END as u32, self.brk as u32 - 4]);
            }
            // The foreground group: no group that exists besides the one in front now.
            tty::TIOCSPGRP => {
                let _ = self.call(
                    nr::IOCTL as u32,
                    [a[0], tty::TIOCGPGRP, scratch as u32, 0, 0],
                );
                let current = peek_u32(scratch);
                let value = self.rng.pick(&[current, 0, u32::MAX, 0x7FFF_FFFF]);
                poke(scratch, &value.to_le_bytes());
                a[2] = self.rng.pick(&[scratch as u32, 0, USER_END as u32]);
            }
            // A value, not a pointer: queues to flush, a break's length (0: a real break).
            tty::TCFLSH | tty::TCSBRK => a[2] = self.rng.pick(&[0, 1, 2, 3, a[2]]),
            tty::TCGETS | tty::TIOCGPGRP | tty::TIOCGWINSZ | tty::FIONREAD => {
                a[2] = self.out_ptr(64)
            }
            // Unknown requests must not touch memory at all: give them nothing to hurt.
            _ => a[2] = self.rng.pick(&[0, USER_END as u32, scratch as u32]),
        }
        let r = self.call(nr::IOCTL as u32, a);
        let size = match a[1] {
            tty::TCGETS => 36,
            tty::TIOCGPGRP | tty::FIONREAD => 4,
            tty::TIOCGWINSZ => 8,
            _ => 0,
        };
        self.check_ptr(nr::IOCTL as u32, a, r, a[2], size, true);
    }
}

/// Unblocks every signal (before a `pause` the alarm must end).
fn unblock_all() -> Result<(), Errno> {
    sigprocmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None)
}

/// Writes `len` copies of `byte` at `addr` (scratch memory only).
fn fill(addr: usize, byte: u8, len: usize) {
    for i in 0..len {
        poke(addr + i, &[byte]);
    }
}

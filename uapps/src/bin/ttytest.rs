//! `ttytest <case>`: the console as a terminal, driven by a harness that types at the serial
//! port (booted with `console=input`). Each case prints what it read or what happened, then
//! `ttytest: <case> done`; the harness compares.
//!
//! - `lines`: reads lines from fd 0 until end of file, printing `got <n>: <line>` for each;
//! - `ctrl_c`: a child in the foreground group blocks reading; ^C kills it;
//! - `background`: a child in a group of its own reads and is stopped by `SIGTTIN`;
//! - `background_change`: a child in a group of its own changes the settings, is stopped by
//!   `SIGTTOU`, and once continued in the foreground its `TCSETS` runs again and succeeds;
//! - `raw`: with `ICANON` and `ECHO` off and `VMIN` 1, bytes come one read at a time, unechoed;
//! - `timed`: non-canonical reads with `VTIME`: `VMIN` 0 without input returns 0 bytes after
//!   the timer (never early), with a key typed returns it; `VMIN` 3 returns the two keys typed
//!   once the inter-byte timer runs out;
//! - `ignore_tstp`: ignores `SIGTSTP`, says `ready`, sleeps 2 s, says `finished` (a job ^Z
//!   cannot stop);
//! - `pgrp`: `TIOCGPGRP` gives pid 1's group; `TIOCSPGRP` to a group of the session works, to
//!   one that does not exist is ESRCH; `TIOCGWINSZ` is 80x24;
//! - `long_line`: says `ready`, then one read with a 4 KiB buffer takes a whole typed line
//!   of 1500 bytes (the kernel moves input in 512-byte steps: a read is not cut at a step);
//! - `modes`: turns echo off, says `ready`, waits until it is stopped and continued, and says
//!   whether echo is still off (a shell's `fg` gives a job the settings it stopped with);
//! - `ctty`: the controlling terminal. A child that calls `setsid` has none (`ENOTTY` for the
//!   foreground group and the session, `ENXIO` for `/dev/tty`, no `SIGTTOU` for a change), takes
//!   it from pid 1's session with `TIOCSCTTY` (only as a session leader, only with steal), and
//!   its exit hangs the terminal up (`SIGHUP` to its foreground group); pid 1 takes it back;
//!   `TIOCNOTTY` by a process that is not a leader drops only its own.

#![no_std]
#![no_main]

extern crate alloc;

use abi::tty::{TCGETS, TCSETS, TIOCGPGRP, TIOCGWINSZ, TIOCSPGRP, Termios};
use ulib::errno::Errno;
use ulib::prelude::*;
use ulib::process::{ForkResult, WaitFlags, WaitStatus, fork, setpgid, waitpid};
use ulib::raw;
use ulib::tty::{ECHO, ICANON, VMIN, VTIME};

ulib::entry!(main);

fn ioctl(request: u32, arg: usize) -> Result<(), Errno> {
    // SAFETY: every caller passes the address of a live value of the type the request
    // stores or reads (a Termios, an i32, or 8 bytes for the window size).
    let r = unsafe { raw::sys_ioctl(0, request, arg) };
    if r < 0 {
        Err(Errno::from_raw(-r as i32).unwrap_or(Errno::EINVAL))
    } else {
        Ok(())
    }
}

fn read_some(buf: &mut [u8]) -> Result<usize, Errno> {
    ulib::io::read(0, buf)
}

fn lines() -> i32 {
    println!("ttytest: ready");
    let mut buf = [0u8; 256];
    let mut n_line = 0;
    loop {
        match read_some(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                n_line += 1;
                let text = core::str::from_utf8(&buf[..n]).unwrap_or("<not utf-8>");
                println!("got {n}: {}", text.trim_end_matches('\n'));
            }
            Err(e) => {
                println!("ttytest: read failed: {}", e.name());
                return 1;
            }
        }
    }
    println!("ttytest: end of file after {n_line} lines");
    0
}

fn child_status(pid: ulib::process::Pid, flags: WaitFlags) -> WaitStatus {
    waitpid(Some(pid), flags).expect("waitpid")
}

fn ctrl_c() -> i32 {
    // A bystander in a group of its own: ^C is for the foreground group only.
    let bystander = match fork().expect("fork") {
        ForkResult::Child => {
            setpgid(
                ulib::process::Pid::from_raw(0),
                ulib::process::Pid::from_raw(0),
            )
            .expect("setpgid");
            loop {
                ulib::signal::pause();
            }
        }
        ForkResult::Parent { child } => child,
    };
    // Both sides move it, as shells do: whichever runs first, it is out of the
    // foreground group before the reader below announces itself.
    setpgid(bystander, bystander).expect("setpgid of the bystander");
    let pid = match fork().expect("fork") {
        ForkResult::Child => {
            let mut buf = [0u8; 16];
            let r = read_some(&mut buf);
            println!("ttytest: the reader was not killed: {r:?}");
            ulib::process::exit(3);
        }
        ForkResult::Parent { child } => child,
    };
    println!("ttytest: reader {} blocked, type ^C", pid);
    match child_status(pid, WaitFlags::empty()) {
        WaitStatus::Signaled(_, sig) => println!("ttytest: the reader was killed by {sig}"),
        other => println!("ttytest: the reader ended with {other:?}"),
    }
    match child_status(bystander, WaitFlags::WNOHANG) {
        WaitStatus::StillAlive => {
            println!("ttytest: the bystander outside the group lives");
            let _ = ulib::signal::kill(bystander, Some(ulib::signal::Signal::SIGKILL));
            let _ = child_status(bystander, WaitFlags::empty());
        }
        other => println!("ttytest: the bystander ended with {other:?}"),
    }
    0
}

fn background() -> i32 {
    let pid = match fork().expect("fork") {
        ForkResult::Child => {
            setpgid(
                ulib::process::Pid::from_raw(0),
                ulib::process::Pid::from_raw(0),
            )
            .expect("setpgid");
            let mut buf = [0u8; 16];
            let r = read_some(&mut buf);
            println!("ttytest: the background read returned {r:?}");
            ulib::process::exit(3);
        }
        ForkResult::Parent { child } => child,
    };
    match child_status(pid, WaitFlags::WUNTRACED) {
        WaitStatus::Stopped(_, sig) => {
            println!("ttytest: the background reader was stopped by {sig}")
        }
        other => println!("ttytest: the background reader ended with {other:?}"),
    }
    let _ = ulib::signal::kill(pid, Some(ulib::signal::Signal::SIGKILL));
    let _ = child_status(pid, WaitFlags::empty());
    0
}

/// A background child's `TCSETS` stops it with `SIGTTOU`; continued in the foreground, the
/// call runs again and succeeds (as on Linux) instead of failing with `EINTR`.
fn background_change() -> i32 {
    use ulib::signal::{SigHandler, Signal, kill, signal};
    // SAFETY: ignoring a signal installs no handler code.
    let _ = unsafe { signal(Signal::SIGTTOU, SigHandler::SigIgn) };
    let pid = match fork().expect("fork") {
        ForkResult::Child => {
            // SAFETY: as above, back to the default action: a background change stops us.
            let _ = unsafe { signal(Signal::SIGTTOU, SigHandler::SigDfl) };
            setpgid(
                ulib::process::Pid::from_raw(0),
                ulib::process::Pid::from_raw(0),
            )
            .expect("setpgid");
            let settings = Termios::linux_default();
            let r = ioctl(TCSETS, &settings as *const Termios as usize);
            println!("ttytest: the background TCSETS returned {r:?}");
            ulib::process::exit(if r.is_ok() { 0 } else { 3 });
        }
        ForkResult::Parent { child } => child,
    };
    let _ = setpgid(pid, pid);
    match child_status(pid, WaitFlags::WUNTRACED) {
        WaitStatus::Stopped(_, sig) => {
            println!("ttytest: the background change was stopped by {sig}")
        }
        other => {
            println!("ttytest: the background change ended with {other:?}");
            return 1;
        }
    }
    let own_group = ulib::process::getpgrp();
    ulib::tty::tcsetpgrp(0, pid).expect("tcsetpgrp to the child");
    kill(pid, Some(Signal::SIGCONT)).expect("SIGCONT");
    let status = child_status(pid, WaitFlags::empty());
    ulib::tty::tcsetpgrp(0, own_group).expect("tcsetpgrp back");
    match status {
        WaitStatus::Exited(_, code) => {
            println!("ttytest: continued in the foreground, it exited with {code}")
        }
        other => println!("ttytest: continued in the foreground, it ended with {other:?}"),
    }
    0
}

fn raw_mode() -> i32 {
    let mut t = Termios::linux_default();
    ioctl(TCGETS, &mut t as *mut Termios as usize).expect("TCGETS");
    let saved = t;
    t.c_lflag &= !(ICANON | ECHO);
    t.c_cc[VMIN] = 1;
    ioctl(TCSETS, &t as *const Termios as usize).expect("TCSETS");
    println!("ttytest: raw, type three keys");
    let mut got = alloc::vec::Vec::new();
    while got.len() < 3 {
        let mut buf = [0u8; 8];
        match read_some(&mut buf) {
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => {
                println!("ttytest: raw read failed: {}", e.name());
                return 1;
            }
        }
    }
    ioctl(TCSETS, &saved as *const Termios as usize).expect("TCSETS back");
    println!("ttytest: raw bytes {got:?}");
    0
}

/// Non-canonical reads with a `VTIME` timer: `VMIN` 0 waits up to `VTIME` for a first byte;
/// `VMIN` 3 with `VTIME` returns fewer than three bytes once no more come for `VTIME`.
fn timed() -> i32 {
    let mut t = Termios::linux_default();
    ioctl(TCGETS, &mut t as *mut Termios as usize).expect("TCGETS");
    let saved = t;
    let mut timed_read = |vmin: u8, vtime: u8| {
        t.c_lflag &= !(ICANON | ECHO);
        t.c_cc[VMIN] = vmin;
        t.c_cc[VTIME] = vtime;
        ioctl(TCSETS, &t as *const Termios as usize).expect("TCSETS");
        let start = ulib::time::Instant::now();
        let mut buf = [0u8; 8];
        let got = read_some(&mut buf).map(|n| buf[..n].to_vec());
        (got, start.elapsed())
    };
    let (got, took) = timed_read(0, 3);
    println!(
        "ttytest: VMIN 0 VTIME 3 without input: {got:?}, not early: {}",
        took.as_millis() >= 300
    );
    println!("ttytest: type one key");
    let (got, _) = timed_read(0, 50);
    println!("ttytest: VMIN 0 VTIME 50: {got:?}");
    println!("ttytest: type two keys");
    let (got, _) = timed_read(3, 2);
    println!("ttytest: VMIN 3 VTIME 2: {got:?}");
    ioctl(TCSETS, &saved as *const Termios as usize).expect("TCSETS back");
    0
}

fn ignore_tstp() -> i32 {
    // SAFETY: ignoring a signal installs no handler code.
    let _ = unsafe {
        ulib::signal::signal(
            ulib::signal::Signal::SIGTSTP,
            ulib::signal::SigHandler::SigIgn,
        )
    };
    println!("ttytest: ready");
    let mut left = 2;
    while left > 0 {
        left = ulib::time::sleep(left);
    }
    println!("ttytest: finished");
    0
}

fn pgrp() -> i32 {
    let mut fg: i32 = 0;
    ioctl(TIOCGPGRP, &mut fg as *mut i32 as usize).expect("TIOCGPGRP");
    println!("ttytest: foreground group {fg}");
    let mut size = [0u16; 4];
    ioctl(TIOCGWINSZ, size.as_mut_ptr() as usize).expect("TIOCGWINSZ");
    println!("ttytest: window {}x{}", size[1], size[0]);
    let nobody: i32 = 30000;
    println!(
        "ttytest: TIOCSPGRP to a missing group: {:?}",
        ioctl(TIOCSPGRP, &nobody as *const i32 as usize)
    );
    let one: i32 = 1;
    println!(
        "ttytest: TIOCSPGRP to group 1: {:?}",
        ioctl(TIOCSPGRP, &one as *const i32 as usize)
    );
    0
}

fn long_line() -> i32 {
    println!("ttytest: ready");
    let mut buf = alloc::vec![0u8; 4096];
    match read_some(&mut buf) {
        Ok(n) => {
            let whole = n > 1 && buf[..n - 1].iter().all(|&b| b == b'x') && buf[n - 1] == b'\n';
            println!("ttytest: one read gave {n} bytes, one line of x: {whole}");
            0
        }
        Err(e) => {
            println!("ttytest: read failed: {}", e.name());
            1
        }
    }
}

/// Set by the `SIGCONT` handler of `modes`.
static CONTINUED: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

extern "C" fn on_continue(_: i32) {
    CONTINUED.store(true, core::sync::atomic::Ordering::SeqCst);
}

fn modes() -> i32 {
    use ulib::signal::{SigHandler, Signal, pause, signal};
    let saved = ulib::tty::Termios::get(0).expect("TCGETS");
    let mut quiet = saved;
    quiet.set_lflag(saved.lflag() & !ECHO);
    quiet.set(0).expect("TCSETS");
    // SAFETY: the handler only stores to an atomic.
    unsafe { signal(Signal::SIGCONT, SigHandler::Handler(on_continue)) }.expect("signal");
    println!("ttytest: echo off, ready");
    while !CONTINUED.load(core::sync::atomic::Ordering::SeqCst) {
        pause();
    }
    let now = ulib::tty::Termios::get(0).expect("TCGETS");
    println!("ttytest: continued, echo off: {}", now.lflag() & ECHO == 0);
    saved.set(0).expect("TCSETS back");
    0
}

/// Prints what `what` gave as `ttytest: <label>: <result>`.
fn show<T: core::fmt::Debug>(label: &str, what: Result<T, Errno>) {
    println!("ttytest: {label}: {what:?}");
}

/// Runs `body` in a child and waits for it; returns the child's pid.
fn in_child(body: impl FnOnce() -> i32) -> ulib::process::Pid {
    match fork().expect("fork") {
        ForkResult::Child => ulib::process::exit(body()),
        ForkResult::Parent { child } => {
            let status = child_status(child, WaitFlags::empty());
            if status != WaitStatus::Exited(child, 0) {
                println!("ttytest: child ended with {status:?}");
            }
            child
        }
    }
}

fn open_tty() -> Result<(), Errno> {
    ulib::fs::open("/dev/tty", ulib::fs::OFlag::O_RDWR, 0).and_then(ulib::io::close)
}

fn ctty() -> i32 {
    use ulib::process::{Pid, getpid, setsid};
    use ulib::tty::{give_up_controlling, set_controlling, tcgetpgrp, tcgetsid};
    show("init's session", tcgetsid(0).map(Pid::as_raw));
    // A new session has no controlling terminal.
    in_child(|| {
        let me = setsid().expect("setsid");
        show("after setsid, tcgetpgrp", tcgetpgrp(0));
        show("after setsid, tcgetsid", tcgetsid(0));
        show("after setsid, tcsetpgrp", ulib::tty::tcsetpgrp(0, me));
        show("after setsid, open /dev/tty", open_tty());
        // Opening the console does not make it the controlling terminal (as on Linux).
        let console = ulib::fs::open("/dev/console", ulib::fs::OFlag::O_RDWR, 0).expect("open");
        show("after opening /dev/console, tcgetpgrp", tcgetpgrp(console));
        let _ = ulib::io::close(console);
        // A group of its own is a background group of no terminal: no SIGTTOU.
        let settings = ulib::tty::Termios::get(0).expect("TCGETS");
        show("after setsid, TCSETS", settings.set(0));
        show("TIOCSCTTY without steal", set_controlling(0, false));
        in_child(|| {
            show("TIOCSCTTY by a non-leader", set_controlling(0, true));
            0
        });
        show("TIOCSCTTY with steal", set_controlling(0, true));
        println!("ttytest: session is mine: {}", tcgetsid(0) == Ok(me));
        println!("ttytest: foreground is mine: {}", tcgetpgrp(0) == Ok(me));
        show("open /dev/tty", open_tty());
        // A member of the session in the foreground: hung up when this leader exits.
        match fork().expect("fork") {
            ForkResult::Child => {
                let _ = setpgid(Pid::from_raw(0), Pid::from_raw(0));
                loop {
                    ulib::signal::pause();
                }
            }
            ForkResult::Parent { child } => {
                let _ = setpgid(child, child);
                show("tcsetpgrp to the member", ulib::tty::tcsetpgrp(0, child));
            }
        }
        0
    });
    // The member was handed to init when the leader exited.
    match waitpid(None, WaitFlags::empty()) {
        Ok(WaitStatus::Signaled(_, sig)) => println!("ttytest: the foreground member got {sig:?}"),
        other => println!("ttytest: the foreground member: {other:?}"),
    }
    // The terminal was taken from init's session and then hung up: nobody has it.
    show("init after the steal, tcgetpgrp", tcgetpgrp(0));
    show("init after the steal, open /dev/tty", open_tty());
    show("init takes it back", set_controlling(0, false));
    println!(
        "ttytest: foreground is init's: {}",
        tcgetpgrp(0) == Ok(getpid())
    );
    // One that does not lead its session gives up only its own.
    in_child(|| {
        show("TIOCNOTTY by a non-leader", give_up_controlling(0));
        show("then tcgetpgrp", tcgetpgrp(0));
        show("TIOCNOTTY again", give_up_controlling(0));
        0
    });
    show("init keeps it, tcgetsid", tcgetsid(0).map(Pid::as_raw));
    0
}

fn main() -> i32 {
    let case = ulib::env::args().nth(1).unwrap_or("");
    let status = match case {
        "lines" => lines(),
        "ctrl_c" => ctrl_c(),
        "background" => background(),
        "raw" => raw_mode(),
        "background_change" => background_change(),
        "timed" => timed(),
        "pgrp" => pgrp(),
        "ignore_tstp" => ignore_tstp(),
        "ctty" => ctty(),
        "modes" => modes(),
        "long_line" => long_line(),
        _ => {
            println!(
                "usage: ttytest lines|ctrl_c|background|background_change|raw|timed|pgrp|ignore_tstp|ctty|modes|long_line"
            );
            return 2;
        }
    };
    println!("ttytest: {case} done");
    status
}

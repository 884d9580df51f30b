//! `pipetest <case>|all|list`: the pipe and descriptor scenarios (26-34 of the list in
//! docs/testing.md) and the bad-input cases of the descriptor calls, one case each.
//!
//! The same driver as `sigtest` (`uapps::cases`): each case prints `PASS <case>` or
//! `FAIL: <case>: <why>`; the exit status is 0 only if every case run passed. The tests boot it
//! as the first program (`init=/bin/pipetest -- <case>`), so a single case runs in pid 1, which
//! starts with descriptors 0, 1 and 2 open on the console and nothing else.
//!
//! Informational lines start with `<case>: `. `pipetest --exec-probe <fd>,<fd>,...` is the
//! program `cloexec` executes to see which descriptors survived `execve`; it is not a case.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, Ordering};

use uapps::cases::{Case, Suite, Wording, expect_alive, expect_exit, expect_signal, nap, spawn};
use uapps::{bail, ensure};
use ulib::prelude::*;
use ulib::signal::{self, SaFlags, SigAction, SigHandler, SigSet};

mod fds;
mod pipes;
#[allow(unsafe_code)]
mod sys;

use ulib::fs::{
    F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD, F_SETFL, FD_CLOEXEC, OFlag, PIPE_BUF,
};
use ulib::io::{close, dup, dup2, fcntl, read};

ulib::entry!(main);

type Verdict = Result<(), String>;

const SUITE: Suite<String> = Suite {
    program: "pipetest",
    usage: "<case> | all | list",
    cases: &[
        // Pipes and descriptors (scenarios 26-34).
        Case::new("pipe_roundtrip", pipes::pipe_roundtrip),
        Case::new("pipe_eof", pipes::pipe_eof),
        Case::new("pipe_sigpipe", pipes::pipe_sigpipe),
        Case::new("pipe_readers_wake", pipes::pipe_readers_wake),
        Case::new("pipe_many", pipes::pipe_many),
        Case::new("pipe_kill_blocked", pipes::pipe_kill_blocked),
        Case::new("pipe_badf", fds::pipe_badf),
        Case::new("dup2", fds::dup2_case),
        Case::new("cloexec", fds::cloexec),
        // Bad input (issue 9).
        Case::new("lowest_free", fds::lowest_free),
        Case::new("emfile", fds::emfile),
        Case::new("pipe_cycles", pipes::pipe_cycles),
        Case::new("pipe_readers_killed", pipes::pipe_readers_killed),
        Case::new("no_starvation", pipes::no_starvation),
        Case::new("nonblock", pipes::nonblock),
        Case::new("read_eintr", pipes::read_eintr),
        Case::new("fcntl_errors", fds::fcntl_errors),
        Case::new("zero_length", pipes::zero_length),
        Case::new("bad_buffers", pipes::bad_buffers),
        Case::in_process("console_fds", fds::console_fds),
    ],
    wording: Wording::TEST_PROCESS,
};

fn main() -> i32 {
    if ulib::env::args().nth(1) == Some("--exec-probe") {
        return fds::exec_probe();
    }
    SUITE.main()
}

// ---------------------------------------------------------------------------------------
// Flags as the raw numbers fcntl takes and returns.

const O_WRONLY: u32 = OFlag::O_WRONLY.bits();
const O_APPEND: u32 = OFlag::O_APPEND.bits();
const O_NONBLOCK: u32 = OFlag::O_NONBLOCK.bits();
const O_CLOEXEC: u32 = OFlag::O_CLOEXEC.bits();
const O_ACCMODE: u32 = OFlag::O_ACCMODE.bits();
/// A pipe's capacity.
const PIPE_CAPACITY: usize = 16 * 1024;
/// Descriptors per process.
const MAX_FDS: i32 = 256;

// ---------------------------------------------------------------------------------------
// Helpers

/// `pipe2` with the flags as raw bits.
fn pipe2(flags: u32) -> Result<(i32, i32), Errno> {
    ulib::io::pipe2(OFlag::from_bits_retain(flags))
}

/// `pipe2(flags)` that must succeed: (read end, write end).
fn make_pipe(flags: u32) -> Result<(i32, i32), String> {
    pipe2(flags).map_err(|e| format!("pipe2({flags:#o}) failed: {}", e.name()))
}

/// `close(fd)` that must succeed.
fn shut(fd: i32) -> Verdict {
    close(fd).map_err(|e| format!("close({fd}) failed: {}", e.name()))
}

/// Writes all of `buf` to `fd` (a blocking pipe may take it in parts).
fn put_all(fd: i32, mut buf: &[u8]) -> Verdict {
    while !buf.is_empty() {
        match ulib::io::write(fd, buf) {
            Ok(0) => bail!("write({fd}, {} bytes) returned 0", buf.len()),
            Ok(n) => buf = &buf[n..],
            Err(e) => bail!("write({fd}, {} bytes) failed: {}", buf.len(), e.name()),
        }
    }
    Ok(())
}

/// Reads from `fd` until end of file, in pieces of at most `chunk` bytes.
fn get_to_eof(fd: i32, chunk: usize) -> Result<Vec<u8>, String> {
    let mut all = Vec::new();
    let mut buf = alloc::vec![0u8; chunk];
    loop {
        match read(fd, &mut buf) {
            Ok(0) => return Ok(all),
            Ok(n) => all.extend_from_slice(&buf[..n]),
            Err(e) => bail!("read({fd}) failed after {} bytes: {}", all.len(), e.name()),
        }
    }
}

/// Whether `fd` is open (`fcntl(F_GETFD)` succeeds; EBADF means closed).
fn is_open(fd: i32) -> Result<bool, String> {
    match fcntl(fd, F_GETFD, 0) {
        Ok(_) => Ok(true),
        Err(Errno::EBADF) => Ok(false),
        Err(e) => bail!("fcntl({fd}, F_GETFD) failed: {}", e.name()),
    }
}

/// Forks a child that runs `check` and exits 0 if it passes; otherwise it prints
/// `<case>: child: <why>` and exits 1.
fn spawn_check(case: &'static str, check: impl FnOnce() -> Verdict) -> Result<Pid, String> {
    spawn(move || match check() {
        Ok(()) => 0,
        Err(why) => {
            println!("{case}: child {}: {why}", getpid());
            1
        }
    })
}

/// How many times [`count`] ran.
static CAUGHT: AtomicU32 = AtomicU32::new(0);

/// A handler that only counts.
extern "C" fn count(_signo: i32) {
    CAUGHT.fetch_add(1, Ordering::SeqCst);
}

/// Installs `handler` for `sig` with `flags`.
fn set_action(sig: Signal, handler: SigHandler, flags: SaFlags) -> Verdict {
    let act = SigAction::new(handler, flags, SigSet::empty());
    // SAFETY: the only handler of this program touches an atomic and nothing else.
    #[allow(unsafe_code)]
    let r = unsafe { signal::sigaction(sig, &act) };
    r.map(|_| ())
        .map_err(|e| format!("sigaction({sig}) failed: {}", e.name()))
}

/// The byte at `i` of the test pattern (not a multiple of 256 long, so that a shift shows).
fn pattern(i: usize) -> u8 {
    (i % 251) as u8
}

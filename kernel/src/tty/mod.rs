//! The console as a terminal: bytes from the serial port's receive
//! interrupt go through a line discipline (`klib::tty`: editing, echo,
//! signal characters) to the programs that read `/dev/console` or
//! `/dev/tty`; the terminal has a foreground process group, which gets the
//! signals typed at it, and a process of another group that reads it gets
//! `SIGTTIN` (one that changes its settings or foreground group, `SIGTTOU`).
//!
//! The console is the controlling terminal of one session at a time: pid 1's
//! from boot. Each process knows whether it is its controlling terminal (the
//! registry keeps the flag: fork passes it on, `setsid` drops it). Only for
//! those processes does job control apply, and only they may ask for or change
//! the foreground group (ENOTTY otherwise, as on Linux) or open `/dev/tty`. A
//! session leader without one takes it with `TIOCSCTTY` and gives it up with
//! `TIOCNOTTY`; when the controlling process (the leader of the session it
//! controls) exits, the terminal is hung up: the foreground group gets `SIGHUP`
//! and `SIGCONT`, and no session controls it any more.
//!
//! Input is on only with `console=input` on the command line (`make run`
//! adds it when its own input is a terminal). Without it the console reads
//! end of file at once, as a terminal whose input is closed: a shell booted
//! in CI ends instead of waiting for keys that never come.
//!
//! Lunaix's counterpart is its TTY layer (`kernel/tty/`): a serial device
//! whose receive interrupt fills a buffer that its `lcntl` line control
//! turns into lines, with a foreground group for signals.

use alloc::sync::Arc;

use abi::errno::Errno;
use abi::signal::Signal;
use abi::tty::{
    Termios, WinSize, FIONREAD, TCFLSH, TCGETS, TCIFLUSH, TCIOFLUSH, TCOFLUSH, TCSBRK, TCSETS,
    TCSETSF, TCSETSW, TIOCGPGRP, TIOCGSID, TIOCGWINSZ, TIOCNOTTY, TIOCSCTTY, TIOCSPGRP, TIOCSWINSZ,
};
use klib::tty::{LineDiscipline, ReadOutcome};
use spin::Once;

use crate::arch::x86::lock::IrqMutex;
use crate::mm::{Out, UserAddr, UserSlice};
use crate::proc::{self, Pid, Process, Registry};
use crate::sched::{self, block_on, WaitQueue};
use crate::time;

/// The console terminal.
struct Tty {
    discipline: LineDiscipline,
    /// The foreground process group (0: none).
    foreground: Pid,
    /// The session it is the controlling terminal of (0: none).
    session: Pid,
    /// The size `TIOCSWINSZ` left.
    window: WinSize,
}

static TTY: IrqMutex<Option<Tty>> = IrqMutex::new(None);

/// Where readers wait for input.
static READERS: Once<WaitQueue> = Once::new();

/// Bytes moved per step from the line discipline to user memory (a read
/// takes as many steps as its line, or the input there, needs).
const STEP: usize = 512;

/// Sets the terminal up: Linux's default settings, the controlling terminal
/// of pid 1's session with pid 1's group in the foreground. Input stays off
/// until [`enable_input`].
pub fn init() {
    *TTY.lock() = Some(Tty {
        discipline: LineDiscipline::new(),
        foreground: proc::INIT_PID,
        session: proc::INIT_PID,
        window: WinSize::CONSOLE,
    });
}

/// Turns console input on (`console=input`).
pub fn enable_input() {
    READERS.call_once(WaitQueue::new);
    crate::console::enable_input();
}

/// The serial port's receive interrupt: every waiting byte through the line
/// discipline; echo, signals to the foreground group, readers woken.
pub fn receive_interrupt() {
    let mut wake = false;
    crate::console::drain_input(|byte| {
        let (effects, foreground) = {
            let mut tty = TTY.lock();
            let Some(tty) = tty.as_mut() else { return };
            (tty.discipline.receive(byte), tty.foreground)
        };
        if !effects.echo.is_empty() {
            crate::console::write_with(output_crlf(), |out| out(&effects.echo));
        }
        if let Some(signal) = effects.signal {
            if foreground > 0 {
                // The group may be gone: nobody to tell.
                let _ = crate::signal::kill_group(foreground, signal);
            }
        }
        wake |= effects.readable;
    });
    if wake {
        if let Some(readers) = READERS.get() {
            readers.wake_all();
        }
    }
}

/// `read` of the console by `process`: a line (canonical mode) or what is
/// there; 0 at end of file, and at once when input is off.
pub fn read(
    process: &Arc<Process>,
    buf: UserSlice<Out>,
    nonblocking: bool,
) -> Result<usize, Errno> {
    let Some(readers) = READERS.get() else {
        return Ok(0);
    };
    if buf.is_empty() {
        return Ok(0);
    }
    check_foreground(process, Access::Read)?;
    buf.check_writable(process.lock().space()?)?;
    let mut chunk = [0u8; STEP];
    // Set once a `VTIME` timer has run out: the read then takes what is there.
    let mut timer_ran_out = false;
    loop {
        let want = buf.len().min(STEP);
        let outcome = TTY.lock().as_mut().map_or(ReadOutcome::Read(0), |tty| {
            let discipline = &mut tty.discipline;
            match discipline.read(&mut chunk[..want]) {
                ReadOutcome::WouldBlock
                    if timer_ran_out && discipline.read_timer_ns().is_some() =>
                {
                    ReadOutcome::Read(discipline.read_now(&mut chunk[..want]))
                }
                outcome => outcome,
            }
        });
        match outcome {
            ReadOutcome::Read(n) => {
                buf.write_from(process.lock().space()?, &chunk[..n])?;
                return read_rest(process, buf, n, want, &mut chunk);
            }
            ReadOutcome::WouldBlock if nonblocking => return Err(Errno::EAGAIN),
            ReadOutcome::WouldBlock => timer_ran_out = wait_for_input(process, readers)?,
        }
    }
}

/// A read that filled its first step goes on without waiting: the rest of
/// its line (canonical mode) or of the input there, up to the buffer's size.
fn read_rest(
    process: &Arc<Process>,
    buf: UserSlice<Out>,
    mut total: usize,
    mut asked: usize,
    chunk: &mut [u8; STEP],
) -> Result<usize, Errno> {
    let mut last = total;
    while last == asked && total < buf.len() {
        asked = (buf.len() - total).min(STEP);
        last = TTY
            .lock()
            .as_mut()
            .map_or(0, |tty| tty.discipline.read_more(&mut chunk[..asked]));
        if last == 0 {
            break;
        }
        buf.sub(total, last)
            .write_from(process.lock().space()?, &chunk[..last])?;
        total += last;
    }
    Ok(total)
}

/// Blocks a reader until input is readable; with a `VTIME` timer running
/// (non-canonical mode), also until it runs out or another byte arrives
/// (which restarts it). Returns whether the timer ran out.
fn wait_for_input(process: &Arc<Process>, readers: &WaitQueue) -> Result<bool, Errno> {
    let readable = || {
        TTY.lock()
            .as_ref()
            .is_none_or(|tty| tty.discipline.readable())
    };
    let (timer, arrivals) = TTY.lock().as_ref().map_or((None, 0), |tty| {
        (tty.discipline.read_timer_ns(), tty.discipline.arrivals())
    });
    let arrived = || {
        TTY.lock()
            .as_ref()
            .is_none_or(|tty| tty.discipline.arrivals() != arrivals)
    };
    let Some(timeout) = timer else {
        // A byte that arrives may start a timer (`VMIN` and `VTIME` both
        // set): the caller looks again.
        block_on(readers, || readable() || arrived())?;
        return Ok(false);
    };
    let deadline = time::now_ns().saturating_add(timeout);
    sched::add_timer(deadline, &process.task)?;
    let waited = block_on(readers, || {
        readable() || arrived() || time::now_ns() >= deadline
    });
    sched::cancel_timers(&process.task);
    waited?;
    Ok(!readable() && !arrived() && time::now_ns() >= deadline)
}

/// What a process outside the foreground group tries to do with the terminal.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Read input: its group gets `SIGTTIN`.
    Read,
    /// Change the settings or the foreground group (`TCSETS`, `TIOCSPGRP`): its group gets
    /// `SIGTTOU`.
    Change,
}

/// Lets a process of the foreground group, one whose controlling terminal it is not, or any
/// process while the terminal has no foreground group go ahead. Another process's group gets `SIGTTIN` (a read) or `SIGTTOU` (a change), which
/// stops it by default, and the call is interrupted, to run again once the group is
/// continued in the foreground. As on Linux, when the signal would not stop it (ignored or
/// blocked), a read fails with EIO but a change goes ahead; an orphaned group, which nobody
/// would continue, gets EIO.
fn check_foreground(process: &Arc<Process>, access: Access) -> Result<(), Errno> {
    let foreground = TTY.lock().as_ref().map_or(0, |tty| tty.foreground);
    if foreground == 0 {
        return Ok(());
    }
    let checked = proc::with_registry(|r| {
        // Job control is for the processes it is the controlling terminal of.
        r.has_terminal(process.pid).then(|| {
            let group = r.group_of(process.pid).unwrap_or(0);
            (group, r.is_orphaned_group(group))
        })
    });
    let Some((group, orphaned)) = checked else {
        return Ok(());
    };
    if group == foreground {
        return Ok(());
    }
    let signal = match access {
        Access::Read => Signal::SIGTTIN,
        Access::Change => Signal::SIGTTOU,
    };
    let declined = {
        let signals = process.signals.lock();
        matches!(
            signals.state.disposition(signal),
            klib::signal::Disposition::Ignore
        ) || signals.state.mask().contains(signal)
    };
    match (declined, access) {
        (true, Access::Read) => Err(Errno::EIO),
        (true, Access::Change) => Ok(()),
        (false, _) if orphaned => Err(Errno::EIO),
        (false, _) => {
            let _ = crate::signal::kill_group(group, signal);
            Err(Errno::EINTR)
        }
    }
}

/// The console's `ioctl` requests: the settings (`TCGETS`, `TCSETS`), the
/// foreground group (`TIOCGPGRP`, `TIOCSPGRP`: a group of the caller's
/// session), the window size (`TIOCGWINSZ`: 80x24), the controlling terminal
/// (`TIOCSCTTY`, `TIOCNOTTY`, `TIOCGSID`). ENOTTY for others.
pub fn ioctl(process: &Arc<Process>, request: u32, arg: UserAddr) -> Result<usize, Errno> {
    match request {
        TCGETS => {
            let settings = settings();
            arg.typed::<Termios>()
                .write(process.lock().space()?, settings)?;
            Ok(0)
        }
        TCSETS | TCSETSW | TCSETSF => {
            // Output is never queued: "once output is drained" is now.
            let settings = arg.typed::<Termios>().read(process.lock().space()?)?;
            check_foreground(process, Access::Change)?;
            if let Some(tty) = TTY.lock().as_mut() {
                if request == TCSETSF {
                    tty.discipline.flush_input();
                }
                tty.discipline.set_termios(settings);
            }
            // Readers re-check under the new settings (a line handed over, VMIN now 0).
            wake_readers();
            Ok(0)
        }
        TCSBRK => {
            // Nothing waits to be sent (writes go out at once) and a break is
            // not sent: the serial line has no one to tell.
            check_foreground(process, Access::Change)?;
            Ok(0)
        }
        TCFLSH => {
            check_foreground(process, Access::Change)?;
            match arg.as_number() as u32 {
                TCIFLUSH | TCIOFLUSH => {
                    if let Some(tty) = TTY.lock().as_mut() {
                        tty.discipline.flush_input();
                    }
                    Ok(0)
                }
                TCOFLUSH => Ok(0),
                _ => Err(Errno::EINVAL),
            }
        }
        FIONREAD => {
            let available = TTY
                .lock()
                .as_ref()
                .map_or(0, |tty| tty.discipline.available());
            arg.typed::<i32>()
                .write(process.lock().space()?, available as i32)?;
            Ok(0)
        }
        TIOCGPGRP => {
            if !is_controlling_terminal_of(process) {
                return Err(Errno::ENOTTY);
            }
            let foreground = TTY.lock().as_ref().map_or(0, |tty| tty.foreground);
            arg.typed::<i32>()
                .write(process.lock().space()?, foreground)?;
            Ok(0)
        }
        TIOCSPGRP => {
            // Linux's order: the background check (an orphaned group's change is ENOTTY
            // here), then the argument; a negative group is EINVAL, then ENOTTY when it is
            // not the caller's controlling terminal; a group with no process (0 included)
            // is ESRCH.
            check_foreground(process, Access::Change).map_err(|e| match e {
                Errno::EIO => Errno::ENOTTY,
                e => e,
            })?;
            let pgid = arg.typed::<i32>().read(process.lock().space()?)?;
            if pgid < 0 {
                return Err(Errno::EINVAL);
            }
            let allowed = proc::with_registry(|r| {
                if !r.has_terminal(process.pid) {
                    return Err(Errno::ENOTTY);
                }
                let session = r.session_of(process.pid)?;
                // As Linux: ESRCH when no process is in the group, EPERM when it
                // is another session's.
                if r.session_of_group(pgid)? == session {
                    Ok(())
                } else {
                    Err(Errno::EPERM)
                }
            });
            allowed?;
            if let Some(tty) = TTY.lock().as_mut() {
                tty.foreground = pgid;
            }
            Ok(0)
        }
        TIOCGWINSZ => {
            let window = TTY
                .lock()
                .as_ref()
                .map_or(WinSize::CONSOLE, |tty| tty.window);
            arg.typed::<WinSize>()
                .write(process.lock().space()?, window)?;
            Ok(0)
        }
        TIOCSWINSZ => {
            let window = arg.typed::<WinSize>().read(process.lock().space()?)?;
            let changed_for = TTY.lock().as_mut().and_then(|tty| {
                let changed = tty.window != window;
                tty.window = window;
                (changed && tty.foreground > 0).then_some(tty.foreground)
            });
            if let Some(group) = changed_for {
                let _ = crate::signal::kill_group(group, Signal::SIGWINCH);
            }
            Ok(0)
        }
        TIOCGSID => {
            let session = TTY.lock().as_ref().map_or(0, |tty| tty.session);
            if !is_controlling_terminal_of(process) || session == 0 {
                return Err(Errno::ENOTTY);
            }
            arg.typed::<i32>().write(process.lock().space()?, session)?;
            Ok(0)
        }
        TIOCSCTTY => {
            let steal = arg.as_number() == 1;
            proc::with_registry(|r| take_as_controlling(r, process.pid, steal))?;
            Ok(0)
        }
        TIOCNOTTY => {
            let hung_up = proc::with_registry(|r| {
                if !r.has_terminal(process.pid) {
                    return Err(Errno::ENOTTY);
                }
                r.set_terminal(process.pid, false);
                if r.session_of(process.pid)? == process.pid {
                    hang_up(r, process.pid);
                }
                Ok(())
            });
            hung_up?;
            Ok(0)
        }
        _ => Err(Errno::ENOTTY),
    }
}

/// The terminal's foreground process group, if it has one.
pub fn foreground() -> Option<Pid> {
    TTY.lock()
        .as_ref()
        .map(|tty| tty.foreground)
        .filter(|&group| group > 0)
}

/// Whether the console is `process`'s controlling terminal.
pub fn is_controlling_terminal_of(process: &Process) -> bool {
    proc::with_registry(|r| r.has_terminal(process.pid))
}

/// `TIOCSCTTY` by `pid`: it must lead its session and have no controlling
/// terminal (EPERM), and the terminal must control no other session unless
/// `steal` (then that session loses it, without a signal, as on Linux).
fn take_as_controlling(r: &mut Registry, pid: Pid, steal: bool) -> Result<(), Errno> {
    let session = r.session_of(pid)?;
    let group = r.group_of(pid)?;
    let mut tty = TTY.lock();
    let tty = tty.as_mut().ok_or(Errno::ENOTTY)?;
    if session == pid && tty.session == session && r.has_terminal(pid) {
        return Ok(()); // it already is
    }
    if session != pid || r.has_terminal(pid) {
        return Err(Errno::EPERM);
    }
    if tty.session != 0 {
        if !steal {
            return Err(Errno::EPERM);
        }
        r.drop_terminal_of_session(tty.session);
    }
    tty.session = session;
    tty.foreground = group;
    r.set_terminal(pid, true);
    Ok(())
}

/// The leader of the session the terminal controls lets it go (`TIOCNOTTY`,
/// or its exit): the session loses it, the foreground group gets `SIGHUP` and
/// `SIGCONT`, and it controls no session. Nothing happens when `leader`'s
/// session is not the one it controls.
fn hang_up(r: &mut Registry, leader: Pid) {
    let foreground = {
        let mut tty = TTY.lock();
        let Some(tty) = tty.as_mut().filter(|tty| tty.session == leader) else {
            return;
        };
        tty.session = 0;
        core::mem::take(&mut tty.foreground)
    };
    r.drop_terminal_of_session(leader);
    if foreground > 0 {
        for signal in [Signal::SIGHUP, Signal::SIGCONT] {
            r.for_each_in_group(foreground, |r, p| crate::signal::post(r, p, signal));
        }
    }
}

/// `pid` exits: when it is the controlling process (the leader of the session
/// the terminal controls), the terminal is hung up (POSIX `_exit`).
pub fn on_exit(r: &mut Registry, pid: Pid) {
    if r.session_of(pid) == Ok(pid) {
        hang_up(r, pid);
    }
}

/// Wakes every reader to look at the input again.
fn wake_readers() {
    if let Some(readers) = READERS.get() {
        readers.wake_all();
    }
}

/// Whether output to the terminal sends NL as CR NL (`OPOST` and `ONLCR`,
/// the default).
pub fn output_crlf() -> bool {
    TTY.lock()
        .as_ref()
        .is_none_or(|tty| tty.discipline.output_crlf())
}

/// The terminal's settings (Linux's defaults while input is off).
pub fn settings() -> Termios {
    TTY.lock()
        .as_ref()
        .map_or(Termios::linux_default(), |tty| tty.discipline.termios())
}

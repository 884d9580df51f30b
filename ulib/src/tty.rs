//! Terminals: [`isatty()`], the foreground process group ([`tcgetpgrp()`],
//! [`tcsetpgrp()`]), the controlling terminal ([`tcgetsid()`], [`set_controlling()`],
//! [`give_up_controlling()`]) and the settings ([`Termios`]).
//!
//! The console is the one terminal. It is the controlling terminal of pid 1's session from
//! boot, and of every process forked from one that has it; `setsid` leaves it behind, and a
//! process without it is not subject to job control (no `SIGTTIN`/`SIGTTOU`) but cannot ask
//! for or change the foreground group (`ENOTTY`), nor open `/dev/tty` (`ENXIO`). Its foreground process group is the group that may read
//! it and that gets `SIGINT` (^C), `SIGQUIT` (^\) and `SIGTSTP` (^Z); a shell with job
//! control hands the terminal to each foreground job with [`tcsetpgrp()`] and takes it back
//! when the job ends or stops. Every call here is an `ioctl` on a descriptor open on the
//! terminal (usually 0); on anything else it fails with `ENOTTY`.
//!
//! # Example
//!
//! ```no_run
//! use ulib::tty::{self, Termios};
//!
//! if tty::isatty(0) {
//!     // Read keys one at a time, without echo, as an editor does.
//!     let saved = Termios::get(0).expect("TCGETS");
//!     let mut raw = saved;
//!     raw.set_lflag(raw.lflag() & !(tty::ICANON | tty::ECHO));
//!     raw.set(0).expect("TCSETS");
//!     // ...
//!     saved.set(0).expect("TCSETS");
//! }
//! ```

use crate::errno::{Errno, decode_result};
use crate::process::Pid;
use crate::raw;

/// The `c_lflag` bits (`ISIG`: ^C, ^\\ and ^Z raise signals; `ICANON`: input a line at a
/// time, editable; `ECHO`), the `c_iflag` bit `ICRNL` (CR read as NL) and the indexes into
/// `c_cc` (`VMIN`, `VTIME`, `VINTR`, ...), Linux's values.
pub use abi::tty::{
    ECHO, ICANON, ICRNL, ISIG, ONLCR, OPOST, VEOF, VEOL, VERASE, VINTR, VKILL, VMIN, VQUIT, VSUSP,
    VTIME,
};

/// Whether `fd` refers to a terminal (the console, under `/dev/console` or `/dev/tty`).
///
/// The same as [`io::isatty`](crate::io::isatty): asks the settings with `ioctl(TCGETS)`.
pub fn isatty(fd: i32) -> bool {
    crate::io::isatty(fd)
}

/// The foreground process group of the terminal `fd` is open on (`ioctl(TIOCGPGRP)`).
///
/// # Errors
///
/// `EBADF` if `fd` is not open, `ENOTTY` if it is not a terminal or not the caller's
/// controlling terminal.
pub fn tcgetpgrp(fd: i32) -> Result<Pid, Errno> {
    let mut pgrp: i32 = 0;
    // SAFETY: `pgrp` is a live, exclusively borrowed i32 for the whole call: the only memory
    // TIOCGPGRP stores into.
    decode_result(unsafe { raw::sys_ioctl(fd, abi::tty::TIOCGPGRP, &raw mut pgrp as usize) })?;
    Ok(Pid::from_raw(pgrp))
}

/// Makes `pgid` the foreground process group of the terminal `fd` is open on
/// (`ioctl(TIOCSPGRP)`).
///
/// A process of a background group that calls this gets `SIGTTOU` unless it ignores or
/// blocks it, as on Linux: shells ignore `SIGTTOU`.
///
/// # Errors
///
/// `EBADF` if `fd` is not open, `ENOTTY` if it is not a terminal, not the caller's
/// controlling terminal, or the caller's group is an orphaned background group, `ESRCH` if no process is in group `pgid`, `EPERM` if
/// `pgid` is a group of another session, `EINVAL` for a negative group number.
pub fn tcsetpgrp(fd: i32, pgid: Pid) -> Result<(), Errno> {
    let pgrp: i32 = pgid.as_raw();
    // SAFETY: `pgrp` is a live i32 for the whole call; TIOCSPGRP only reads it.
    decode_result(unsafe { raw::sys_ioctl(fd, abi::tty::TIOCSPGRP, &raw const pgrp as usize) })
        .map(drop)
}

/// The session whose controlling terminal `fd` is (`ioctl(TIOCGSID)`, POSIX's `tcgetsid`).
///
/// # Errors
///
/// `EBADF` if `fd` is not open, `ENOTTY` if it is not a terminal or not the caller's
/// controlling terminal.
pub fn tcgetsid(fd: i32) -> Result<Pid, Errno> {
    let mut sid: i32 = 0;
    // SAFETY: `sid` is a live, exclusively borrowed i32 for the whole call: the only memory
    // TIOCGSID stores into.
    decode_result(unsafe { raw::sys_ioctl(fd, abi::tty::TIOCGSID, &raw mut sid as usize) })?;
    Ok(Pid::from_raw(sid))
}

/// Makes the terminal `fd` is open on the caller's controlling terminal
/// (`ioctl(TIOCSCTTY)`); the caller's group becomes its foreground group. With `steal`, a
/// terminal another session controls is taken from it (that session's processes lose it,
/// without a signal).
///
/// # Errors
///
/// `EBADF`, `ENOTTY` (not a terminal); `EPERM` if the caller does not lead its session, has
/// another controlling terminal, or the terminal is another session's and `steal` is false.
/// A session leader that already controls it gets `Ok`.
pub fn set_controlling(fd: i32, steal: bool) -> Result<(), Errno> {
    // SAFETY: TIOCSCTTY takes a number, not a pointer: no memory is read or written.
    decode_result(unsafe { raw::sys_ioctl(fd, abi::tty::TIOCSCTTY, usize::from(steal)) }).map(drop)
}

/// Gives up the controlling terminal `fd` is open on (`ioctl(TIOCNOTTY)`). When the caller
/// leads its session, every process of the session loses it, and its foreground group gets
/// `SIGHUP` and `SIGCONT`.
///
/// # Errors
///
/// `EBADF`, `ENOTTY` (not a terminal, or not the caller's controlling terminal).
pub fn give_up_controlling(fd: i32) -> Result<(), Errno> {
    // SAFETY: TIOCNOTTY takes no argument: no memory is read or written.
    decode_result(unsafe { raw::sys_ioctl(fd, abi::tty::TIOCNOTTY, 0) }).map(drop)
}

/// Which input or output [`tcflush`] discards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlushArg {
    /// Input received and not read yet (`TCIFLUSH`).
    Input,
    /// Output not sent yet (`TCOFLUSH`; the console never has any).
    Output,
    /// Both (`TCIOFLUSH`).
    Both,
}

/// Discards input not read yet and/or output not sent yet on terminal `fd` (`TCFLSH`).
///
/// # Errors
///
/// `EBADF`, `ENOTTY` as [`tcsetpgrp`]; a background process gets `SIGTTOU` as there.
pub fn tcflush(fd: i32, what: FlushArg) -> Result<(), Errno> {
    let queue = match what {
        FlushArg::Input => abi::tty::TCIFLUSH,
        FlushArg::Output => abi::tty::TCOFLUSH,
        FlushArg::Both => abi::tty::TCIOFLUSH,
    };
    // SAFETY: TCFLSH takes a number, not a pointer: nothing is read or written.
    decode_result(unsafe { raw::sys_ioctl(fd, abi::tty::TCFLSH, queue as usize) }).map(drop)
}

/// Waits until everything written to terminal `fd` has been sent (`TCSBRK` with 1): at once
/// on the console, whose writes are never queued.
///
/// # Errors
///
/// `EBADF`, `ENOTTY` as [`tcsetpgrp`].
pub fn tcdrain(fd: i32) -> Result<(), Errno> {
    // SAFETY: TCSBRK takes a number, not a pointer: nothing is read or written.
    decode_result(unsafe { raw::sys_ioctl(fd, abi::tty::TCSBRK, 1) }).map(drop)
}

/// A terminal's settings: Linux's i386 `struct termios` (`TCGETS`/`TCSETS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Termios {
    /// The kernel's `struct termios`.
    raw: abi::tty::Termios,
}

impl Termios {
    /// The settings of the terminal `fd` is open on (`ioctl(TCGETS)`).
    ///
    /// # Errors
    ///
    /// `EBADF` if `fd` is not open, `ENOTTY` if it is not a terminal.
    pub fn get(fd: i32) -> Result<Termios, Errno> {
        let mut raw = abi::tty::Termios::linux_default();
        // SAFETY: `raw` is a live, exclusively borrowed `struct termios` (`repr(C)`, 36
        // bytes) for the whole call: the only memory TCGETS stores into.
        decode_result(unsafe {
            raw::sys_ioctl(
                fd,
                abi::tty::TCGETS,
                &mut raw as *mut abi::tty::Termios as usize,
            )
        })?;
        Ok(Termios { raw })
    }

    /// Applies these settings to the terminal `fd` is open on at once (`ioctl(TCSETS)`).
    ///
    /// # Errors
    ///
    /// `EBADF` if `fd` is not open, `ENOTTY` if it is not a terminal, `EINVAL` for
    /// settings the terminal does not accept.
    pub fn set(&self, fd: i32) -> Result<(), Errno> {
        // SAFETY: `self.raw` is a live `struct termios` for the whole call; TCSETS only reads
        // it.
        decode_result(unsafe {
            raw::sys_ioctl(
                fd,
                abi::tty::TCSETS,
                &self.raw as *const abi::tty::Termios as usize,
            )
        })
        .map(drop)
    }

    /// The local modes (`c_lflag`: [`ISIG`], [`ICANON`], [`ECHO`], ...).
    pub fn lflag(&self) -> u32 {
        self.raw.c_lflag
    }

    /// Replaces the local modes.
    pub fn set_lflag(&mut self, lflag: u32) {
        self.raw.c_lflag = lflag;
    }

    /// The kernel's `struct termios`, for the fields without an accessor.
    pub fn as_raw(&self) -> &abi::tty::Termios {
        &self.raw
    }

    /// The kernel's `struct termios`, to change any field.
    pub fn as_raw_mut(&mut self) -> &mut abi::tty::Termios {
        &mut self.raw
    }
}

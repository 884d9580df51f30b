//! Descriptors and console output: [`read()`], [`write()`], [`lseek()`], [`close()`],
//! [`dup()`], [`dup2()`], [`pipe()`], [`fcntl()`], [`isatty()`] and the printing macros.
//!
//! A descriptor is a small `i32` naming an open file of the process: a file or directory
//! opened with [`fs::open`](crate::fs::open), a device (`/dev/console`, `/dev/null`, ...) or
//! one end of a pipe. The first process starts with 0 ([`STDIN`]), 1 ([`STDOUT`]) and 2
//! ([`STDERR`]) open on the console; `fork` copies the descriptors, `execve` keeps them
//! except those with close-on-exec ([`OFlag::O_CLOEXEC`](crate::fs::OFlag::O_CLOEXEC),
//! [`FD_CLOEXEC`](crate::fs::FD_CLOEXEC)). A new descriptor is always the lowest free
//! number, so closing 1 and calling [`dup()`] redirects standard output.
//!
//! [`print!`](crate::print), [`println!`](crate::println), [`eprint!`](crate::eprint) and
//! [`eprintln!`](crate::eprintln) format into a buffer of [`LINE_BUFFER`] bytes on the stack
//! and hand each call's text to descriptor 1 or 2, whatever it refers to, in **one**
//! `write`. Lines printed by different processes therefore never interleave mid-line (on a
//! pipe, as long as the line fits in [`PIPE_BUF`](crate::fs::PIPE_BUF)). Output longer than
//! the buffer goes out in several writes, cut after the last complete line that fits
//! whenever there is one.
//!
//! Nothing is buffered across calls, so there is nothing to flush before `exit` or `fork`.
//! Errors from the console are ignored by the macros; use [`write()`] to see them.
//!
//! # Example
//!
//! ```no_run
//! use ulib::io;
//!
//! let (r, w) = io::pipe().expect("pipe");
//! io::write_all(w, b"through the pipe").expect("write");
//! io::close(w).expect("close");
//! let mut buf = [0u8; 64];
//! let n = io::read(r, &mut buf).expect("read");
//! assert_eq!(&buf[..n], b"through the pipe");
//! assert_eq!(io::read(r, &mut buf), Ok(0)); // every write end closed: end of file
//! io::close(r).expect("close");
//! ```

use core::fmt;

use crate::errno::{Errno, decode_result};
use crate::fs::OFlag;
use crate::raw;

/// The standard input file descriptor (the console for the first process).
pub const STDIN: i32 = 0;
/// The standard output file descriptor (the console for the first process).
pub const STDOUT: i32 = 1;
/// The standard error file descriptor (the console for the first process).
pub const STDERR: i32 = 2;

/// Size of the stack buffer each printing macro formats into: one call's text up to this
/// size reaches the kernel in a single `write`.
pub const LINE_BUFFER: usize = 1024;

/// Writes `buf` to file descriptor `fd`, returning how many bytes the kernel took.
///
/// A write of at most [`PIPE_BUF`](crate::fs::PIPE_BUF) bytes to a pipe goes in whole or
/// blocks; a larger one may be short. Use [`write_all()`] to write everything.
///
/// # Errors
///
/// `EBADF` for a descriptor that is not open for writing, `EFAULT` if the kernel could not
/// read the buffer, `EPIPE` for a pipe with no reader left (the process also gets
/// `SIGPIPE`, which ends it unless caught or ignored), `EAGAIN` for a full pipe with
/// `O_NONBLOCK`, `EINTR` when a handler ran before anything was written.
///
/// # Example
///
/// ```no_run
/// let n = ulib::io::write(ulib::io::STDOUT, b"raw bytes\n").expect("console write");
/// assert_eq!(n, 10);
/// ```
pub fn write(fd: i32, buf: &[u8]) -> Result<usize, Errno> {
    // SAFETY: `buf` is readable for `buf.len()` bytes for the whole call; the kernel only
    // reads it.
    decode_result(unsafe { raw::sys_write(fd, buf.as_ptr() as usize, buf.len()) })
}

/// Writes all of `buf` to `fd`, calling [`write()`] again after a short write or an
/// `EINTR` (a signal handler ran before anything was written), as std's `write_all` does.
///
/// # Errors
///
/// The first error other than `EINTR` that [`write()`] returns (`EPIPE`, `EAGAIN`, ...; the
/// bytes before it were written); `EIO` if the kernel accepts no bytes at all.
pub fn write_all(fd: i32, mut buf: &[u8]) -> Result<(), Errno> {
    while !buf.is_empty() {
        match write(fd, buf) {
            Ok(0) => return Err(Errno::EIO),
            Ok(n) => buf = &buf[n.min(buf.len())..],
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads up to `buf.len()` bytes from file descriptor `fd` into `buf`, returning how many
/// arrived; 0 means end of file.
///
/// On a pipe, blocks until there is something to read, then returns what is there (perhaps
/// less than asked); returns 0 once the pipe is empty and every write end is closed. The
/// console has no input yet: reading it gives 0 at once.
///
/// # Errors
///
/// `EBADF` for a descriptor that is not open for reading, `EFAULT` if the kernel could not
/// write the buffer, `EAGAIN` for an empty pipe with `O_NONBLOCK` (while a writer remains),
/// `EINTR` when a handler ran before anything was read.
///
/// # Example
///
/// ```no_run
/// let mut buf = [0u8; 128];
/// match ulib::io::read(ulib::io::STDIN, &mut buf) {
///     Ok(0) => ulib::println!("end of input"),
///     Ok(n) => ulib::println!("read {n} bytes"),
///     Err(e) => ulib::eprintln!("read: {e}"),
/// }
/// ```
pub fn read(fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: `buf` is writable for `buf.len()` bytes and exclusively borrowed for the whole
    // call, so the kernel's writes alias no live reference.
    decode_result(unsafe { raw::sys_read(fd, buf.as_mut_ptr() as usize, buf.len()) })
}

/// Where [`lseek()`] counts the new offset from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Whence {
    /// From the start of the file: the offset becomes `offset` (`SEEK_SET`).
    SeekSet = abi::fs::SEEK_SET,
    /// From the current offset (`SEEK_CUR`).
    SeekCur = abi::fs::SEEK_CUR,
    /// From the end of the file (`SEEK_END`).
    SeekEnd = abi::fs::SEEK_END,
}

/// Moves the offset of the open file `fd` refers to and returns the new offset, counted from
/// the start of the file.
///
/// The offset belongs to the open file, so descriptors made from it by [`dup()`] or `fork`
/// move together; two [`open`](crate::fs::open)s of one file have offsets of their own. An
/// offset past the end is allowed: a write there leaves a hole that reads as zeros.
/// `lseek(fd, 0, Whence::SeekCur)` tells the offset without moving it.
///
/// # Errors
///
/// `EBADF` if `fd` is not open, `ESPIPE` for a pipe or a FIFO, `EINVAL` if the new offset
/// would be negative, `EOVERFLOW` if it does not fit an `i64`.
///
/// # Example
///
/// ```no_run
/// use ulib::fs::{self, OFlag};
/// use ulib::io::{self, Whence};
///
/// let fd = fs::open("/tmp/log", OFlag::O_RDWR | OFlag::O_CREAT, 0o644).expect("open");
/// let end = io::lseek(fd, 0, Whence::SeekEnd).expect("lseek");
/// ulib::println!("the file holds {end} bytes");
/// io::lseek(fd, 0, Whence::SeekSet).expect("rewind");
/// io::close(fd).expect("close");
/// ```
pub fn lseek(fd: i32, offset: i64, whence: Whence) -> Result<i64, Errno> {
    let mut pos: i64 = 0;
    let bits = offset as u64;
    // SAFETY: `pos` is a live, writable i64 for the whole call that no reference covers while
    // the kernel stores the new offset into it.
    decode_result(unsafe {
        raw::sys_lseek(
            fd,
            (bits >> 32) as u32,
            bits as u32,
            &raw mut pos as usize,
            whence as i32,
        )
    })?;
    Ok(pos)
}

/// Closes file descriptor `fd`, freeing its number for reuse.
///
/// Closing the last descriptor of a pipe's write end lets its reader see end of file;
/// closing the last read end makes writers get `EPIPE` and `SIGPIPE`.
///
/// # Errors
///
/// `EBADF` if `fd` is not open.
pub fn close(fd: i32) -> Result<(), Errno> {
    // SAFETY: `close` touches no memory of this process; ulib keeps no state tied to a
    // descriptor (the printing macros look the descriptor up anew on every call).
    decode_result(unsafe { raw::sys_close(fd) }).map(drop)
}

/// A new descriptor, the lowest free number, for the open file `fd` refers to.
///
/// Both descriptors share the open file (its status flags, such as `O_NONBLOCK`); the new
/// one does not have close-on-exec.
///
/// # Errors
///
/// `EBADF` if `fd` is not open, `EMFILE` if the process has no free descriptor.
pub fn dup(fd: i32) -> Result<i32, Errno> {
    // SAFETY: `dup` touches no memory of this process.
    decode_result(unsafe { raw::sys_dup(fd) }).map(|n| n as i32)
}

/// Makes `newfd` refer to the open file of `oldfd`, closing whatever `newfd` referred to
/// first; returns `newfd`.
///
/// `dup2(fd, fd)` only checks that `fd` is open. The new descriptor does not have
/// close-on-exec.
///
/// # Errors
///
/// `EBADF` if `oldfd` is not open or `newfd` is out of range (negative, or beyond the
/// descriptor limit).
///
/// # Example
///
/// ```no_run
/// use ulib::io;
///
/// // Send this process's standard output into a pipe.
/// let (r, w) = io::pipe().expect("pipe");
/// io::dup2(w, io::STDOUT).expect("dup2");
/// io::close(w).expect("close");
/// ulib::println!("this line goes to the pipe");
/// # let _ = r;
/// ```
pub fn dup2(oldfd: i32, newfd: i32) -> Result<i32, Errno> {
    // SAFETY: `dup2` touches no memory of this process.
    decode_result(unsafe { raw::sys_dup2(oldfd, newfd) }).map(|n| n as i32)
}

/// Creates a pipe and returns its two descriptors: `(read end, write end)`.
///
/// Bytes written to the write end come out of the read end in order. The same as
/// [`pipe2()`] with no flags.
///
/// # Errors
///
/// `EMFILE` if the process has fewer than two free descriptors, `ENOMEM` if the kernel is
/// out of memory.
pub fn pipe() -> Result<(i32, i32), Errno> {
    pipe2(OFlag::empty())
}

/// Creates a pipe with `flags` on both ends and returns `(read end, write end)`.
///
/// `flags` may hold [`OFlag::O_CLOEXEC`] (both descriptors are closed by `execve`) and
/// [`OFlag::O_NONBLOCK`] (reading an empty pipe or writing a full one fails with `EAGAIN`
/// instead of blocking).
///
/// # Errors
///
/// `EINVAL` for any other flag, `EMFILE` if the process has fewer than two free
/// descriptors, `ENOMEM` if the kernel is out of memory.
pub fn pipe2(flags: OFlag) -> Result<(i32, i32), Errno> {
    let mut fds = abi::fs::FdPair::default();
    // SAFETY: `fds` is a live, exclusively borrowed `int[2]` (`FdPair` is `repr(C)`, 8
    // bytes) for the whole call; the kernel writes nothing else.
    decode_result(unsafe {
        raw::sys_pipe2(&mut fds as *mut abi::fs::FdPair as usize, flags.bits())
    })?;
    Ok((fds.read, fds.write))
}

/// Whether `fd` refers to a terminal (the console, under `/dev/console` or `/dev/tty`).
///
/// Asks the terminal's settings with `ioctl(TCGETS)`, as C libraries do: anything that
/// answers is a terminal. A closed descriptor, a file, a pipe or `/dev/null` is not.
///
/// # Example
///
/// ```no_run
/// // A prompt only when a person is typing.
/// if ulib::io::isatty(ulib::io::STDIN) {
///     ulib::print!("$ ");
/// }
/// ```
pub fn isatty(fd: i32) -> bool {
    let mut termios = abi::tty::Termios::linux_default();
    // SAFETY: `termios` is a live, exclusively borrowed `struct termios` (`repr(C)`, 36 bytes)
    // for the whole call: the only memory TCGETS stores into.
    let r = unsafe {
        raw::sys_ioctl(
            fd,
            abi::tty::TCGETS,
            &mut termios as *mut abi::tty::Termios as usize,
        )
    };
    decode_result(r).is_ok()
}

/// Controls descriptor `fd`: `cmd` is one of the `F_*` commands of [`fs`](crate::fs).
///
/// | `cmd` | `arg` | returns |
/// |---|---|---|
/// | [`F_DUPFD`](crate::fs::F_DUPFD) | lowest number to use | the new descriptor |
/// | [`F_DUPFD_CLOEXEC`](crate::fs::F_DUPFD_CLOEXEC) | lowest number to use | the new descriptor, with close-on-exec |
/// | [`F_GETFD`](crate::fs::F_GETFD) | ignored | [`FD_CLOEXEC`](crate::fs::FD_CLOEXEC) or 0 |
/// | [`F_SETFD`](crate::fs::F_SETFD) | [`FD_CLOEXEC`](crate::fs::FD_CLOEXEC) or 0 | 0 |
/// | [`F_GETFL`](crate::fs::F_GETFL) | ignored | the access mode and status flags ([`OFlag`] bits) |
/// | [`F_SETFL`](crate::fs::F_SETFL) | [`OFlag`] bits: `O_APPEND` and `O_NONBLOCK` count | 0 |
///
/// The status flags belong to the open file, so they are shared with every descriptor
/// [`dup()`] or `fork` made from it; the descriptor flags are this descriptor's own.
///
/// # Errors
///
/// `EBADF` if `fd` is not open, `EINVAL` for an unknown `cmd` or a negative or too large
/// `arg` to `F_DUPFD`, `EMFILE` if no descriptor at least `arg` is free.
///
/// # Example
///
/// ```no_run
/// use ulib::fs::{F_DUPFD, F_GETFD};
/// use ulib::io;
///
/// let copy = io::fcntl(io::STDOUT, F_DUPFD, 10).expect("F_DUPFD");
/// assert!(copy >= 10);
/// assert_eq!(io::fcntl(copy, F_GETFD, 0), Ok(0));
/// ```
pub fn fcntl(fd: i32, cmd: i32, arg: i32) -> Result<i32, Errno> {
    // SAFETY: none of the commands the kernel knows touches memory of this process; `arg`
    // is a number, never an address.
    decode_result(unsafe { raw::sys_fcntl(fd, cmd, arg as u32) }).map(|n| n as i32)
}

/// Collects formatted text and writes it out in as few `write`s as possible.
struct LineWriter {
    fd: i32,
    len: usize,
    buf: [u8; LINE_BUFFER],
}

impl LineWriter {
    fn new(fd: i32) -> LineWriter {
        LineWriter {
            fd,
            len: 0,
            buf: [0; LINE_BUFFER],
        }
    }

    /// Makes room in a full buffer: writes everything up to the last newline, or the whole
    /// buffer when it holds no newline, and keeps the rest.
    fn drain(&mut self) {
        let cut = match self.buf[..self.len].iter().rposition(|&b| b == b'\n') {
            Some(i) => i + 1,
            None => self.len,
        };
        // Console errors are deliberately dropped: printing has nowhere to report them.
        let _ = write_all(self.fd, &self.buf[..cut]);
        self.buf.copy_within(cut..self.len, 0);
        self.len -= cut;
    }

    fn finish(mut self) {
        if self.len > 0 {
            let _ = write_all(self.fd, &self.buf[..self.len]);
            self.len = 0;
        }
    }
}

impl fmt::Write for LineWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut bytes = s.as_bytes();
        while !bytes.is_empty() {
            if self.len == LINE_BUFFER {
                self.drain();
            }
            let n = bytes.len().min(LINE_BUFFER - self.len);
            self.buf[self.len..self.len + n].copy_from_slice(&bytes[..n]);
            self.len += n;
            bytes = &bytes[n..];
        }
        Ok(())
    }
}

/// Formats `args` to `fd` in one write (the implementation of `print!` and `eprint!`).
#[doc(hidden)]
pub fn _print(fd: i32, args: fmt::Arguments<'_>) {
    let mut w = LineWriter::new(fd);
    // `LineWriter` itself never fails; an error can only come from a `Display` impl, and the
    // text formatted so far is still printed, as with std.
    let _ = fmt::write(&mut w, args);
    w.finish();
}

/// Formats `args` and a newline to `fd` in one write (the implementation of `println!` and
/// `eprintln!`).
#[doc(hidden)]
pub fn _print_line(fd: i32, args: fmt::Arguments<'_>) {
    let mut w = LineWriter::new(fd);
    let _ = fmt::write(&mut w, args);
    let _ = fmt::Write::write_str(&mut w, "\n");
    w.finish();
}

/// Prints to standard output, in one `write` per call (see the [module docs](crate::io)).
///
/// ```no_run
/// use ulib::prelude::*;
/// print!("no newline, ");
/// print!("{} + {} = {}\n", 1, 2, 1 + 2);
/// ```
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::io::_print($crate::io::STDOUT, ::core::format_args!($($arg)*))
    };
}

/// Prints to standard output with a newline, the whole line in one `write`.
///
/// ```no_run
/// use ulib::prelude::*;
/// println!();
/// println!("pid {} says hello", getpid());
/// ```
#[macro_export]
macro_rules! println {
    () => {
        $crate::io::_print($crate::io::STDOUT, ::core::format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::io::_print_line($crate::io::STDOUT, ::core::format_args!($($arg)*))
    };
}

/// Prints to standard error, in one `write` per call.
///
/// ```no_run
/// use ulib::prelude::*;
/// eprint!("warning: ");
/// eprint!("low on {}\n", "memory");
/// ```
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::io::_print($crate::io::STDERR, ::core::format_args!($($arg)*))
    };
}

/// Prints to standard error with a newline, the whole line in one `write`.
///
/// ```no_run
/// use ulib::prelude::*;
/// eprintln!("error: {}", Errno::ENOENT);
/// ```
#[macro_export]
macro_rules! eprintln {
    () => {
        $crate::io::_print($crate::io::STDERR, ::core::format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::io::_print_line($crate::io::STDERR, ::core::format_args!($($arg)*))
    };
}

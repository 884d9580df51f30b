//! Console output: [`write()`] and the printing macros.
//!
//! File descriptors 1 ([`STDOUT`]) and 2 ([`STDERR`]) are the console.
//!
//! [`print!`](crate::print), [`println!`](crate::println), [`eprint!`](crate::eprint) and
//! [`eprintln!`](crate::eprintln) format into a buffer of [`LINE_BUFFER`] bytes on the stack
//! and hand each call's text to the kernel in **one** `write`. Lines printed by different
//! processes therefore never interleave mid-line. Output longer than the buffer goes out in
//! several writes, cut after the last complete line that fits whenever there is one.
//!
//! Nothing is buffered across calls, so there is nothing to flush before `exit` or `fork`.
//! Errors from the console are ignored by the macros; use [`write()`] to see them.

use core::fmt;

use crate::errno::{Errno, decode_result};
use crate::raw;

/// The standard output file descriptor (the console).
pub const STDOUT: i32 = 1;
/// The standard error file descriptor (the console).
pub const STDERR: i32 = 2;

/// Size of the stack buffer each printing macro formats into: one call's text up to this
/// size reaches the kernel in a single `write`.
pub const LINE_BUFFER: usize = 1024;

/// Writes `buf` to file descriptor `fd`, returning how many bytes the kernel took.
///
/// # Errors
///
/// `EBADF` for a descriptor that is not open, `EFAULT` if the kernel could not read the
/// buffer.
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

/// Writes all of `buf` to `fd`, calling [`write()`] again after a short write.
///
/// # Errors
///
/// The first error [`write()`] returns; `EIO` if the kernel accepts no bytes at all.
pub fn write_all(fd: i32, mut buf: &[u8]) -> Result<(), Errno> {
    while !buf.is_empty() {
        match write(fd, buf)? {
            0 => return Err(Errno::EIO),
            n => buf = &buf[n.min(buf.len())..],
        }
    }
    Ok(())
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

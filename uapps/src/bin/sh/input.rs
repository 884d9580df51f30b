//! Reading the shell's input a line at a time without taking more than the line being run
//! from a descriptor other programs share.
//!
//! POSIX asks that when a command of a script read from standard input runs, the input's
//! offset be just past that command's line: `head -1` in a script piped to `sh` reads the
//! script's next line, not whatever the shell buffered. So on a shared non-terminal input
//! the shell never keeps bytes past a newline:
//!
//! - a seekable file: read a block, then seek back to just after its first newline;
//! - a pipe (not seekable): read one byte at a time;
//! - a terminal: one read gives at most one line (canonical mode), so a block is fine;
//! - a script file the shell opened itself (close-on-exec, no one else reads it): blocks.

use alloc::vec::Vec;

use ulib::io::{self, Whence};
use ulib::prelude::*;

/// Bytes asked for per read when reading blocks.
const BLOCK: usize = 4096;

/// How [`LineInput`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Blocks, keeping what follows a newline (a terminal, a private script file).
    Blocks,
    /// Blocks, seeking back past the first newline (a shared seekable file).
    SeekBack,
    /// One byte per read (a shared pipe).
    Bytes,
}

/// An input read line by line.
pub struct LineInput {
    fd: i32,
    mode: Mode,
    /// Bytes read and not yet taken by [`LineInput::take_line`].
    pending: Vec<u8>,
    block: Vec<u8>,
}

impl LineInput {
    /// Input from `fd`. `private`: the shell alone reads it (a script file it opened with
    /// close-on-exec), so it may read ahead.
    pub fn new(fd: i32, private: bool) -> LineInput {
        let mode = if private || ulib::tty::isatty(fd) {
            Mode::Blocks
        } else if io::lseek(fd, 0, Whence::SeekCur).is_ok() {
            Mode::SeekBack
        } else {
            Mode::Bytes
        };
        LineInput {
            fd,
            mode,
            pending: Vec::new(),
            block: alloc::vec![0u8; BLOCK],
        }
    }

    /// Whether a partial line (read, without its newline yet) is waiting.
    pub fn has_partial_line(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Forgets the partial line (^C at the prompt).
    pub fn discard(&mut self) {
        self.pending.clear();
    }

    /// Forgets what was pending before the last `kept` bytes read (a ^C noticed only once a
    /// read after it returned: the bytes before it go, those typed after it stay).
    pub fn discard_before_last(&mut self, kept: usize) {
        let from = self.pending.len().saturating_sub(kept);
        self.pending.drain(..from);
    }

    /// The next complete line read (with its newline), if there is one; with `at_end`,
    /// whatever is left (the input's last line may lack a newline).
    pub fn take_line(&mut self, at_end: bool) -> Option<Vec<u8>> {
        match self.pending.iter().position(|&b| b == b'\n') {
            Some(at) => {
                let rest = self.pending.split_off(at + 1);
                Some(core::mem::replace(&mut self.pending, rest))
            }
            None if at_end && !self.pending.is_empty() => Some(core::mem::take(&mut self.pending)),
            None => None,
        }
    }

    /// One read of the input, adding to the pending bytes; returns how many bytes it added,
    /// 0 at end of input.
    ///
    /// # Errors
    ///
    /// The read's (`EINTR` when a caught signal cut it short).
    pub fn fill(&mut self) -> Result<usize, Errno> {
        match self.mode {
            Mode::Bytes => {
                let n = io::read(self.fd, &mut self.block[..1])?;
                self.pending.extend_from_slice(&self.block[..n]);
                Ok(n)
            }
            Mode::Blocks => {
                let n = io::read(self.fd, &mut self.block)?;
                self.pending.extend_from_slice(&self.block[..n]);
                Ok(n)
            }
            Mode::SeekBack => {
                let n = io::read(self.fd, &mut self.block)?;
                let keep = match self.block[..n].iter().position(|&b| b == b'\n') {
                    Some(at) if at + 1 < n => {
                        let extra = (n - at - 1) as i64;
                        match io::lseek(self.fd, -extra, Whence::SeekCur) {
                            Ok(_) => at + 1,
                            // The file stopped being seekable: keep what was read (better
                            // than losing it), and read byte by byte from now on.
                            Err(_) => {
                                self.mode = Mode::Bytes;
                                n
                            }
                        }
                    }
                    _ => n,
                };
                self.pending.extend_from_slice(&self.block[..keep]);
                Ok(keep)
            }
        }
    }
}

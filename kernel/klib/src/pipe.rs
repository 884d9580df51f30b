//! A pipe's buffer and the POSIX decisions about it: how much a read or a
//! write moves, when it must wait, when it meets end of file or a broken
//! pipe.
//!
//! The kernel keeps one [`PipeBuffer`] per pipe behind its lock and wraps
//! the blocking around it: a call that gets `WouldBlock` either fails with
//! `EAGAIN` (`O_NONBLOCK` on the open file description) or sleeps on the
//! pipe's wait queue until [`PipeBuffer::readable`] or
//! [`PipeBuffer::writable`] holds (or a signal interrupts it), then asks
//! again. The decision itself does not depend on `O_NONBLOCK`: POSIX gives
//! both modes the same rule for what may be transferred now, and differs
//! only in what to do when nothing may.
//!
//! The rules:
//! - a read takes what is there, up to the size asked, and waits only when
//!   the pipe is empty; empty with no write end left is end of file;
//! - a write of at most [`PIPE_BUF`] bytes is atomic: all of it goes in
//!   at once, or (not enough room) none and it waits, so records of
//!   several writers never interleave;
//! - a larger write takes whatever room there is and reports the part it
//!   wrote; the kernel's loop passes the rest again (blocking) or returns
//!   the count (`O_NONBLOCK`), so large writes may interleave, as POSIX
//!   allows;
//! - a write with no read end left is `Broken`: the kernel raises `SIGPIPE`
//!   and fails with `EPIPE` (after a partial write it returns the count, as
//!   Linux does, the signal raised all the same);
//! - reading or writing zero bytes moves nothing and never waits (Linux
//!   returns 0 at once, even on a pipe without readers).
//!
//! Each call runs whole under the pipe's lock, so several readers and
//! writers can neither lose nor duplicate bytes.
//!
//! The end counts are counts of open file descriptions: with descriptors
//! sharing one description (`Arc<OpenFile>`), `dup` and fork do not change
//! them, and the description's last drop calls [`PipeBuffer::close_reader`]
//! or [`PipeBuffer::close_writer`]. [`PipeBuffer::add_reader`] and
//! [`PipeBuffer::add_writer`] are for another description of the same pipe
//! (a named FIFO opened again, later).
//!
//! Lunaix has no pipes (its `F_PIPE` file type and `DT_PIPE` directory
//! entry type are declared, nothing implements them); this follows POSIX
//! and Linux's `fs/pipe.c` behaviour, with xv6's `pipe.c` as the smallest
//! correct shape (a ring with counts of open ends).

use abi::errno::Errno;
use alloc::vec::Vec;

/// The largest write that is atomic (POSIX `PIPE_BUF`, Linux's value).
pub const PIPE_BUF: usize = 4096;

/// Bytes a pipe holds.
///
/// At least [`PIPE_BUF`] by POSIX and the contract. 16 KiB, four
/// `PIPE_BUF` records: with exactly `PIPE_BUF` an atomic 4 KiB write would
/// need an empty pipe, so a writer and a reader moving 4 KiB blocks would
/// take strict turns, a context switch per block; four lets the writer run
/// ahead. Linux uses 64 KiB; four frames per pipe suits a machine with
/// 11 MiB of RAM better.
pub const PIPE_CAPACITY: usize = 4 * PIPE_BUF;

/// What a write may do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    /// These many bytes went in, from the start of the data (all of it, or
    /// part of a write larger than [`PIPE_BUF`]). Readers may need waking.
    Wrote(usize),
    /// Nothing was written: not enough room. Sleep until
    /// [`PipeBuffer::writable`] (or fail with `EAGAIN`).
    WouldBlock,
    /// No read end is open: `SIGPIPE` and `EPIPE`. Nothing was written.
    Broken,
}

/// What a read may do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadOutcome {
    /// These many bytes were taken, at the start of the output. Writers
    /// may need waking.
    Read(usize),
    /// Empty and no write end is open: end of file (read returns 0).
    Eof,
    /// Empty, but a writer may still write: sleep until
    /// [`PipeBuffer::readable`] (or fail with `EAGAIN`).
    WouldBlock,
}

/// A pipe: a ring buffer of [`PIPE_CAPACITY`] bytes and the number of
/// open read and write ends.
pub struct PipeBuffer {
    /// The ring; allocated once, never resized.
    buf: Vec<u8>,
    /// Index of the oldest byte.
    head: usize,
    /// Bytes held, from `head` on (wrapping).
    len: usize,
    readers: usize,
    writers: usize,
}

impl PipeBuffer {
    /// A new, empty pipe with one read end and one write end (what `pipe2`
    /// makes). The buffer is the only allocation a pipe ever makes; `ENOMEM`
    /// when it cannot be had.
    pub fn new() -> Result<PipeBuffer, Errno> {
        let mut buf = Vec::new();
        buf.try_reserve_exact(PIPE_CAPACITY)
            .map_err(|_| Errno::ENOMEM)?;
        // Within the reserved capacity: no allocation here.
        buf.resize(PIPE_CAPACITY, 0);
        Ok(PipeBuffer {
            buf,
            head: 0,
            len: 0,
            readers: 1,
            writers: 1,
        })
    }

    /// Bytes waiting to be read (`FIONREAD`).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is waiting to be read.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Room left, in bytes.
    pub fn free(&self) -> usize {
        self.buf.len() - self.len
    }

    /// Open read ends.
    pub fn readers(&self) -> usize {
        self.readers
    }

    /// Open write ends.
    pub fn writers(&self) -> usize {
        self.writers
    }

    /// True when a read would not block: there is data, or no writer is
    /// left (end of file). The read wait queue's condition.
    pub fn readable(&self) -> bool {
        self.len > 0 || self.writers == 0
    }

    /// True when a write of `len` bytes would not block: no reader is left
    /// (it fails), or there is room for all of it (at most [`PIPE_BUF`]) or
    /// for some of it (larger). The write wait queue's condition.
    pub fn writable(&self, len: usize) -> bool {
        self.readers == 0 || len == 0 || self.free() >= len.clamp(1, PIPE_BUF)
    }

    /// One write attempt of `data`; see [`WriteOutcome`].
    pub fn write(&mut self, data: &[u8]) -> WriteOutcome {
        if data.is_empty() {
            return WriteOutcome::Wrote(0);
        }
        if self.readers == 0 {
            return WriteOutcome::Broken;
        }
        let free = self.free();
        let n = if data.len() <= PIPE_BUF {
            if free < data.len() {
                return WriteOutcome::WouldBlock;
            }
            data.len()
        } else {
            if free == 0 {
                return WriteOutcome::WouldBlock;
            }
            data.len().min(free)
        };
        let cap = self.buf.len();
        let tail = (self.head + self.len) % cap;
        let first = n.min(cap - tail);
        self.buf[tail..tail + first].copy_from_slice(&data[..first]);
        self.buf[..n - first].copy_from_slice(&data[first..n]);
        self.len += n;
        WriteOutcome::Wrote(n)
    }

    /// One read attempt into `out`; see [`ReadOutcome`].
    pub fn read(&mut self, out: &mut [u8]) -> ReadOutcome {
        if out.is_empty() {
            return ReadOutcome::Read(0);
        }
        if self.len == 0 {
            return if self.writers == 0 {
                ReadOutcome::Eof
            } else {
                ReadOutcome::WouldBlock
            };
        }
        let cap = self.buf.len();
        let n = out.len().min(self.len);
        let first = n.min(cap - self.head);
        out[..first].copy_from_slice(&self.buf[self.head..self.head + first]);
        out[first..n].copy_from_slice(&self.buf[..n - first]);
        self.len -= n;
        // An empty ring starts again at 0, so later writes split less.
        self.head = if self.len == 0 {
            0
        } else {
            (self.head + n) % cap
        };
        ReadOutcome::Read(n)
    }

    /// Another read end was opened.
    pub fn add_reader(&mut self) {
        self.readers += 1;
    }

    /// Another write end was opened.
    pub fn add_writer(&mut self) {
        self.writers += 1;
    }

    /// A read end was closed. True when it was the last: wake the writers,
    /// whose writes are now `Broken`.
    pub fn close_reader(&mut self) -> bool {
        debug_assert!(self.readers > 0, "pipe read end closed twice");
        self.readers = self.readers.saturating_sub(1);
        self.readers == 0
    }

    /// A write end was closed. True when it was the last: wake the readers,
    /// who read end of file once the pipe is drained.
    pub fn close_writer(&mut self) -> bool {
        debug_assert!(self.writers > 0, "pipe write end closed twice");
        self.writers = self.writers.saturating_sub(1);
        self.writers == 0
    }

    /// True when both ends are closed: nobody can use the pipe again.
    pub fn is_released(&self) -> bool {
        self.readers == 0 && self.writers == 0
    }
}

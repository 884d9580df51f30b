//! Pipes: `klib::pipe::PipeBuffer` (the ring and POSIX's decisions, host-
//! tested) behind a lock, with a wait queue for each side.
//!
//! Bytes move between user memory and the ring in pieces through a buffer:
//! a write of up to `PIPE_BUF` bytes enters the ring whole or not at all,
//! and a user buffer that faults fails with EFAULT before anything is taken
//! from the ring. The buffer is 1 KiB on the kernel stack (kernel stacks
//! are small: mm/kstack.rs); only an atomic write longer than that borrows
//! one of its own length from the heap.

use alloc::sync::Arc;

use abi::errno::Errno;
use abi::signal::Signal;
use klib::pipe::{PipeBuffer, ReadOutcome, WriteOutcome, PIPE_BUF};

use crate::arch::x86::lock::IrqMutex;
use crate::mm::{In, Out, UserSlice};
use crate::proc::{self, Process};
use crate::sched::{block_on, WaitQueue};

/// Bytes moved per step through the buffer on the kernel stack.
const STEP: usize = 1024;

/// A pipe.
pub struct Pipe {
    ring: IrqMutex<PipeBuffer>,
    /// Readers waiting for data or for the last writer to go.
    readers: WaitQueue,
    /// Writers waiting for room or for the last reader to go.
    writers: WaitQueue,
}

impl Pipe {
    /// A new pipe with one reader and one writer.
    pub fn new() -> Result<Arc<Pipe>, Errno> {
        Arc::try_new(Pipe {
            ring: IrqMutex::new(PipeBuffer::new()?),
            readers: WaitQueue::new(),
            writers: WaitQueue::new(),
        })
        .map_err(|_| Errno::ENOMEM)
    }

    /// `read`: what is there, up to `buf`'s length; 0 at end of file;
    /// blocks while empty (EAGAIN when `nonblocking`); EINTR when a signal
    /// must be taken.
    pub fn read(
        &self,
        process: &Arc<Process>,
        buf: UserSlice<Out>,
        nonblocking: bool,
    ) -> Result<usize, Errno> {
        if buf.is_empty() {
            return Ok(0);
        }
        // Nothing is taken from the ring for a buffer that cannot hold it.
        buf.check_writable(process.lock().space()?)?;
        let mut chunk = [0u8; STEP];
        loop {
            let want = buf.len().min(STEP);
            let outcome = self.ring.lock().read(&mut chunk[..want]);
            match outcome {
                ReadOutcome::Read(first) => {
                    // Then whatever else is there, up to the length asked,
                    // without waiting for more.
                    let mut done = 0;
                    let mut n = first;
                    loop {
                        // Checked above: only a program that unmaps its own
                        // buffer meanwhile (it has one thread) could fail.
                        buf.sub(done, n)
                            .write_from(process.lock().space()?, &chunk[..n])?;
                        done += n;
                        let want = (buf.len() - done).min(STEP);
                        if want == 0 {
                            break;
                        }
                        match self.ring.lock().read(&mut chunk[..want]) {
                            ReadOutcome::Read(more) => n = more,
                            _ => break,
                        }
                    }
                    self.writers.wake_all();
                    return Ok(done);
                }
                ReadOutcome::Eof => return Ok(0),
                ReadOutcome::WouldBlock if nonblocking => return Err(Errno::EAGAIN),
                ReadOutcome::WouldBlock => {
                    block_on(&self.readers, || self.ring.lock().readable())?;
                }
            }
        }
    }

    /// `write`: all of `buf` unless a signal, the reader leaving, or
    /// `nonblocking` stops it early (then the count so far, or EINTR, EPIPE
    /// with SIGPIPE, EAGAIN when nothing went). Each `PIPE_BUF` piece is
    /// atomic.
    pub fn write(
        &self,
        process: &Arc<Process>,
        buf: UserSlice<In>,
        nonblocking: bool,
    ) -> Result<usize, Errno> {
        let mut small = [0u8; STEP];
        let mut large = alloc::vec::Vec::new();
        let mut written = 0;
        // POSIX: a write of at most PIPE_BUF bytes is atomic (one piece); a
        // longer one moves what fits, piece by piece.
        let atomic = buf.len() <= PIPE_BUF;
        let step = if atomic { buf.len() } else { STEP };
        let chunk: &mut [u8] = if step <= STEP {
            &mut small
        } else {
            large.try_reserve_exact(step).map_err(|_| Errno::ENOMEM)?;
            large.resize(step, 0);
            &mut large
        };
        while written < buf.len() {
            let piece = buf.sub(written, step);
            let n = piece.len();
            {
                let mut inner = process.lock();
                let space = inner.space()?;
                let mut at = 0;
                piece.read_in_pieces(space, |bytes| {
                    chunk[at..at + bytes.len()].copy_from_slice(bytes);
                    at += bytes.len();
                })?;
            }
            loop {
                let outcome = self.ring.lock().write_piece(&chunk[..n], atomic);
                match outcome {
                    WriteOutcome::Wrote(done) => {
                        self.readers.wake_all();
                        written += done;
                        break;
                    }
                    WriteOutcome::Broken => {
                        proc::with_registry(|r| crate::signal::post(r, process, Signal::SIGPIPE));
                        return if written > 0 {
                            Ok(written)
                        } else {
                            Err(Errno::EPIPE)
                        };
                    }
                    WriteOutcome::WouldBlock if nonblocking => {
                        return if written > 0 {
                            Ok(written)
                        } else {
                            Err(Errno::EAGAIN)
                        };
                    }
                    WriteOutcome::WouldBlock => {
                        let waited =
                            block_on(&self.writers, || self.ring.lock().writable_piece(n, atomic));
                        if let Err(e) = waited {
                            return if written > 0 {
                                Ok(written)
                            } else {
                                Err(e.into())
                            };
                        }
                    }
                }
            }
        }
        Ok(written)
    }

    /// One reader fewer; the last one going wakes the writers (EPIPE).
    pub fn close_reader(&self) {
        if self.ring.lock().close_reader() {
            self.writers.wake_all();
        }
    }

    /// One writer fewer; the last one going wakes the readers (end of file).
    pub fn close_writer(&self) {
        if self.ring.lock().close_writer() {
            self.readers.wake_all();
        }
    }
}

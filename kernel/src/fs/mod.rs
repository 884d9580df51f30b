//! Open files and what descriptors refer to: the console and pipes (the RAM
//! file system comes next, as `kernel/ramfs` wired in here).
//!
//! A descriptor (a number in a process's `klib::fdtable::FdTable`) refers
//! to an [`OpenFile`], Linux's "open file description": shared (`Arc`) by
//! the descriptors `dup` makes and by a forked child's copies, it holds the
//! status flags (`O_NONBLOCK`, `O_APPEND`, the access mode). The last
//! reference going closes it: a pipe end counts one end less, which may wake
//! the other side.
//!
//! Lunaix's `v_fd` points at a `v_file` the same way.

mod pipe;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU32, Ordering};

use abi::errno::Errno;
use abi::fs::{O_ACCMODE, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY};

use crate::mm::{In, Out, UserSlice};
use crate::proc::Process;

pub use pipe::Pipe;

/// What an open file is.
enum FileKind {
    /// The serial console: writes print; reads give end of file (the
    /// console reads nothing yet).
    Console,
    /// The read end of a pipe.
    PipeRead(Arc<Pipe>),
    /// The write end of a pipe.
    PipeWrite(Arc<Pipe>),
}

/// An open file description.
pub struct OpenFile {
    kind: FileKind,
    /// The access mode and the status flags (`O_APPEND`, `O_NONBLOCK`).
    status: AtomicU32,
}

impl OpenFile {
    fn new(kind: FileKind, status: u32) -> Result<Arc<OpenFile>, Errno> {
        Arc::try_new(OpenFile {
            kind,
            status: AtomicU32::new(status),
        })
        .map_err(|_| Errno::ENOMEM)
    }

    /// The console, open for reading and writing (pid 1's 0, 1 and 2).
    pub fn console() -> Result<Arc<OpenFile>, Errno> {
        OpenFile::new(FileKind::Console, O_RDWR)
    }

    /// A new pipe's two ends (read, write), with `flags` (`O_NONBLOCK`) as
    /// their status flags.
    pub fn pipe(flags: u32) -> Result<(Arc<OpenFile>, Arc<OpenFile>), Errno> {
        let pipe = Pipe::new()?;
        let extra = flags & O_NONBLOCK;
        let read = OpenFile::new(FileKind::PipeRead(pipe.clone()), O_RDONLY | extra)?;
        let write = OpenFile::new(FileKind::PipeWrite(pipe), O_WRONLY | extra)?;
        Ok((read, write))
    }

    /// The access mode and status flags (`fcntl(F_GETFL)`).
    pub fn status(&self) -> u32 {
        self.status.load(Ordering::Relaxed)
    }

    /// `fcntl(F_SETFL)`: only `O_APPEND` and `O_NONBLOCK` change.
    pub fn set_status(&self, requested: u32) {
        let current = self.status();
        let new = klib::fdtable::status_flags_after_setfl(current, requested);
        self.status.store(new, Ordering::Relaxed);
    }

    fn readable(&self) -> bool {
        matches!(self.status() & O_ACCMODE, O_RDONLY | O_RDWR)
    }

    fn writable(&self) -> bool {
        matches!(self.status() & O_ACCMODE, O_WRONLY | O_RDWR)
    }

    fn nonblocking(&self) -> bool {
        self.status() & O_NONBLOCK != 0
    }

    /// `read`: EBADF when not open for reading.
    pub fn read(&self, process: &Arc<Process>, buf: UserSlice<Out>) -> Result<usize, Errno> {
        if !self.readable() {
            return Err(Errno::EBADF);
        }
        match &self.kind {
            FileKind::Console => Ok(0),
            FileKind::PipeRead(pipe) => pipe.read(process, buf, self.nonblocking()),
            FileKind::PipeWrite(_) => Err(Errno::EBADF),
        }
    }

    /// `write`: EBADF when not open for writing.
    pub fn write(&self, process: &Arc<Process>, buf: UserSlice<In>) -> Result<usize, Errno> {
        if !self.writable() {
            return Err(Errno::EBADF);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        // O_APPEND changes nothing for the console and pipes (they have no
        // offset); files will honour it.
        match &self.kind {
            FileKind::Console => {
                let mut inner = process.lock();
                let space = inner.space()?;
                // Checked first, then streamed from the user's pages under one
                // console lock: the write comes out whole, or not at all.
                crate::console::write_with(|out| buf.read_in_pieces(space, out))?;
                Ok(buf.len())
            }
            FileKind::PipeWrite(pipe) => pipe.write(process, buf, self.nonblocking()),
            FileKind::PipeRead(_) => Err(Errno::EBADF),
        }
    }
}

impl Drop for OpenFile {
    fn drop(&mut self) {
        match &self.kind {
            FileKind::PipeRead(pipe) => pipe.close_reader(),
            FileKind::PipeWrite(pipe) => pipe.close_writer(),
            FileKind::Console => {}
        }
    }
}

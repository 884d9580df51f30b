//! Files: what descriptors refer to, and the names that lead to them.
//!
//! A descriptor (a number in a process's `klib::fdtable::FdTable`) refers
//! to an [`OpenFile`], Linux's "open file description": shared (`Arc`) by
//! the descriptors `dup` makes and by a forked child's copies, it holds the
//! status flags (`O_NONBLOCK`, `O_APPEND`, the access mode) and, for a file
//! or a directory, the offset. The last reference going closes it: a pipe
//! end counts one end less, which may wake the other side; a file lets go of
//! its inode, which an unlinked file needs to be freed.
//!
//! What an open file is ([`FileKind`]): a device from `/dev` (dev.rs), an
//! end of a pipe (pipe.rs), a regular file or a directory of the RAM root
//! file system (root.rs, over `kernel/ramfs`), or a file or directory of
//! `/proc` (proc.rs). Operations on names (open, stat, mkdir, ...) are in
//! names.rs.
//!
//! Data moves between user memory and files through a buffer on the kernel
//! stack, a page at a time, with the file system's lock taken for each page
//! and never while user memory is touched. A `read` or `write` takes the
//! description's offset, moves the bytes, and stores the new offset, with
//! interrupts on in between: on one CPU nothing else runs meanwhile (the
//! kernel is not preemptible and file I/O never blocks), so processes
//! sharing the offset never see the same bytes twice. Several CPUs will
//! need a sleeping lock around the three steps, as Linux's `f_pos_lock`.
//!
//! Lunaix's `v_fd` points at a `v_file` the same way; its `v_file` holds an
//! `f_pos` and a `v_inode`, and its file operations table is what
//! [`FileKind`]'s match arms are here.

mod dev;
mod names;
mod pipe;
mod proc;
mod root;

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, Ordering};

use abi::errno::Errno;
use abi::fs::{
    dirent64_len, Stat, O_ACCMODE, O_APPEND, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY, SEEK_CUR,
    SEEK_END, SEEK_SET, S_IFIFO,
};

use crate::arch::x86::lock::IrqMutex;
use crate::mm::{In, Out, UserSlice};
use crate::proc::Process;

pub use dev::Device;
pub use names::{chdir, getcwd, mkdir, open, open_executable, rename, rmdir, stat, unlink};
pub use pipe::Pipe;
pub use root::{heap_room, mount, with_root, Node};

/// Bytes moved per step between user memory and a file, through a buffer on
/// the kernel stack (kernel stacks are small: mm/kstack.rs).
const STEP: usize = 1024;

/// Largest single write to a terminal; longer writes are partial, as POSIX
/// allows (the console is written with interrupts off: this bounds the time
/// it takes).
const MAX_TERMINAL_WRITE: usize = 64 * 1024;

/// What an open file is.
enum FileKind {
    /// A device; `ino` is its node in `/dev` (for `fstat`).
    Device { device: Device, ino: u64 },
    /// The read end of a pipe.
    PipeRead(Arc<Pipe>),
    /// The write end of a pipe.
    PipeWrite(Arc<Pipe>),
    /// A regular file of the RAM file system.
    File { node: Node, offset: IrqMutex<u64> },
    /// A directory of the RAM file system; `cursor` is the listing's cookie.
    Dir { node: Node, cursor: IrqMutex<u64> },
    /// A `/proc` file: its text, taken at open.
    ProcText {
        path: proc::ProcPath,
        text: Vec<u8>,
        offset: IrqMutex<u64>,
    },
    /// A `/proc` directory: its listing, taken at open; `cursor` indexes it.
    ProcDir {
        path: proc::ProcPath,
        entries: Vec<proc::ProcEntry>,
        cursor: IrqMutex<u64>,
    },
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
        let ino = with_root(|fs| fs.lookup("/dev/console", ramfs::ROOT_INO)).unwrap_or(0);
        OpenFile::new(
            FileKind::Device {
                device: Device::Console,
                ino,
            },
            O_RDWR,
        )
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
        let _ = self
            .status
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |current| {
                Some(klib::fdtable::status_flags_after_setfl(current, requested))
            });
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

    /// `read`: EBADF when not open for reading, EISDIR for a directory.
    pub fn read(&self, process: &Arc<Process>, buf: UserSlice<Out>) -> Result<usize, Errno> {
        if !self.readable() {
            return Err(Errno::EBADF);
        }
        match &self.kind {
            FileKind::Device { device, .. } => match device {
                Device::Console | Device::Tty => crate::tty::read(process, buf, self.nonblocking()),
                Device::Null => Ok(0),
                Device::Zero => fill_zeros(process, buf),
            },
            FileKind::PipeRead(pipe) => pipe.read(process, buf, self.nonblocking()),
            FileKind::PipeWrite(_) => Err(Errno::EBADF),
            FileKind::File { node, offset } => {
                let mut offset = offset.lock();
                let n = read_file(process, node.ino(), *offset, buf)?;
                *offset += n as u64;
                Ok(n)
            }
            FileKind::ProcText { text, offset, .. } => {
                let mut offset = offset.lock();
                let start = usize::try_from(*offset)
                    .unwrap_or(usize::MAX)
                    .min(text.len());
                let n = buf.write_from(process.lock().space()?, &text[start..])?;
                *offset += n as u64;
                Ok(n)
            }
            FileKind::Dir { .. } | FileKind::ProcDir { .. } => Err(Errno::EISDIR),
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
        match &self.kind {
            FileKind::Device { device, .. } => match device {
                Device::Console | Device::Tty => {
                    let buf = buf.prefix(MAX_TERMINAL_WRITE);
                    let mut inner = process.lock();
                    let space = inner.space()?;
                    // Checked first, then streamed from the user's pages under
                    // one console lock: the write comes out whole, or not at all.
                    let crlf = crate::tty::output_crlf();
                    crate::console::write_with(crlf, |out| buf.read_in_pieces(space, out))?;
                    Ok(buf.len())
                }
                // Swallowed, once each piece is known to be readable (a piece
                // at a time: checking may map demand-zero pages, with
                // interrupts off).
                Device::Null | Device::Zero => {
                    let mut done = 0;
                    while done < buf.len() {
                        let piece = buf.sub(done, MAX_TERMINAL_WRITE);
                        if let Err(e) = piece.read_in_pieces(process.lock().space()?, |_| {}) {
                            return if done > 0 { Ok(done) } else { Err(e) };
                        }
                        done += piece.len();
                    }
                    Ok(done)
                }
            },
            FileKind::PipeWrite(pipe) => pipe.write(process, buf, self.nonblocking()),
            FileKind::File { node, offset } => {
                let append = self.status() & O_APPEND != 0;
                let at = *offset.lock();
                let (n, end) = write_file(process, node.ino(), at, append, buf)?;
                *offset.lock() = end;
                Ok(n)
            }
            _ => Err(Errno::EBADF),
        }
    }

    /// `lseek`: the new offset. ESPIPE for pipes and terminals, EINVAL for
    /// a negative result or a bad `whence`.
    pub fn seek(&self, offset: i64, whence: i32) -> Result<i64, Errno> {
        let (position, end) = match &self.kind {
            FileKind::PipeRead(_) | FileKind::PipeWrite(_) => return Err(Errno::ESPIPE),
            FileKind::Device { device, .. } => {
                return match device {
                    Device::Console | Device::Tty => Err(Errno::ESPIPE),
                    // As Linux: always at 0.
                    Device::Null | Device::Zero => Ok(0),
                };
            }
            FileKind::File { node, offset } => {
                let size = with_root(|fs| fs.stat(node.ino()))?.size;
                (offset, size)
            }
            FileKind::ProcText { text, offset, .. } => (offset, text.len() as u64),
            // A directory's position is a listing cookie: it can be read
            // (SEEK_CUR 0), restored or rewound (SEEK_SET), nothing else.
            FileKind::Dir { cursor, .. } | FileKind::ProcDir { cursor, .. } => {
                let mut cursor = cursor.lock();
                return match whence {
                    SEEK_SET if offset >= 0 => {
                        *cursor = offset as u64;
                        Ok(offset)
                    }
                    SEEK_CUR if offset == 0 => Ok(*cursor as i64),
                    _ => Err(Errno::EINVAL),
                };
            }
        };
        let mut position = position.lock();
        let base = match whence {
            SEEK_SET => 0,
            SEEK_CUR => *position as i64,
            SEEK_END => end as i64,
            _ => return Err(Errno::EINVAL),
        };
        let new = base.checked_add(offset).ok_or(Errno::EOVERFLOW)?;
        if new < 0 {
            return Err(Errno::EINVAL);
        }
        *position = new as u64;
        Ok(new)
    }

    /// `getdents64`: fills `buf` with whole records from the directory's
    /// position on; 0 at the end; EINVAL when even one record does not fit;
    /// ENOTDIR for anything but a directory.
    pub fn read_dir(&self, process: &Arc<Process>, buf: UserSlice<Out>) -> Result<usize, Errno> {
        if matches!(self.kind, FileKind::Dir { .. } | FileKind::ProcDir { .. }) {
            // Checked whole first: a record written, then a fault, would
            // move the position past entries the caller never learns of.
            buf.check_writable(process.lock().space()?)?;
        }
        match &self.kind {
            FileKind::Dir { node, cursor } => {
                let mut cursor = cursor.lock();
                let mut filled = 0;
                loop {
                    let mut record = [0u8; dirent64_len(ramfs::NAME_MAX)];
                    let next = with_root(|fs| {
                        fs.dir_entry(node.ino(), *cursor).map(|entry| {
                            entry.map(|e| {
                                let len = encode_dirent(
                                    &mut record,
                                    e.ino,
                                    e.next,
                                    e.kind.dirent_type(),
                                    e.name,
                                );
                                (len, e.next)
                            })
                        })
                    })?;
                    let Some((len, next)) = next else { break };
                    if !put_record(process, buf, &mut filled, &record[..len])? {
                        break;
                    }
                    *cursor = next;
                }
                Ok(filled)
            }
            FileKind::ProcDir {
                entries, cursor, ..
            } => {
                let mut cursor = cursor.lock();
                let mut filled = 0;
                while let Some(e) = usize::try_from(*cursor).ok().and_then(|i| entries.get(i)) {
                    let mut record = [0u8; dirent64_len(ramfs::NAME_MAX)];
                    let next = *cursor + 1;
                    let len = encode_dirent(&mut record, e.ino, next, e.kind, &e.name);
                    if !put_record(process, buf, &mut filled, &record[..len])? {
                        break;
                    }
                    *cursor = next;
                }
                Ok(filled)
            }
            _ => Err(Errno::ENOTDIR),
        }
    }

    /// `fstat`.
    pub fn stat(&self) -> Result<Stat, Errno> {
        Ok(match &self.kind {
            FileKind::Device { device, ino } => {
                let mode = Device::ALL
                    .iter()
                    .find(|(d, _, _)| d == device)
                    .map_or(0o600, |&(_, _, perm)| perm);
                Stat {
                    ino: *ino,
                    mode: Device::node_mode(mode),
                    nlink: 1,
                    rdev: device.tag() as u64,
                    blksize: 1024,
                    ..Stat::default()
                }
            }
            FileKind::PipeRead(pipe) | FileKind::PipeWrite(pipe) => Stat {
                // Both ends of one pipe show one inode, as on Linux.
                ino: Arc::as_ptr(pipe) as usize as u64,
                mode: S_IFIFO | 0o600,
                nlink: 1,
                blksize: 4096,
                ..Stat::default()
            },
            FileKind::File { node, .. } | FileKind::Dir { node, .. } => names::stat_of(node.ino())?,
            FileKind::ProcText { path, .. } | FileKind::ProcDir { path, .. } => proc::stat(*path),
        })
    }

    /// Whether this is a terminal (its `ioctl`s are the console's).
    pub fn is_terminal(&self) -> bool {
        matches!(&self.kind, FileKind::Device { device, .. } if device.is_terminal())
    }
}

/// `read` of a RAM file at `offset`: what is there up to `buf`'s length.
fn read_file(
    process: &Arc<Process>,
    ino: u64,
    offset: u64,
    buf: UserSlice<Out>,
) -> Result<usize, Errno> {
    let mut chunk = [0u8; STEP];
    let mut done = 0;
    while done < buf.len() {
        let want = (buf.len() - done).min(STEP);
        let got = with_root(|fs| fs.read_at(ino, offset + done as u64, &mut chunk[..want]))?;
        if got == 0 {
            break;
        }
        if let Err(e) = buf
            .sub(done, got)
            .write_from(process.lock().space()?, &chunk[..got])
        {
            return if done > 0 { Ok(done) } else { Err(e) };
        }
        done += got;
    }
    Ok(done)
}

/// `write` to a RAM file at `offset` (at its end, page by page, when
/// `append`): the bytes written and the offset after them. A full file
/// system stops the write: the bytes so far, or ENOSPC.
fn write_file(
    process: &Arc<Process>,
    ino: u64,
    mut offset: u64,
    append: bool,
    buf: UserSlice<In>,
) -> Result<(usize, u64), Errno> {
    let mut chunk = [0u8; STEP];
    let mut done = 0;
    while done < buf.len() {
        let piece = buf.sub(done, STEP);
        let n = piece.len();
        let copied = {
            let mut inner = process.lock();
            let space = inner.space()?;
            let mut at = 0;
            piece.read_in_pieces(space, |bytes| {
                chunk[at..at + bytes.len()].copy_from_slice(bytes);
                at += bytes.len();
            })
        };
        let wrote = copied.and_then(|()| {
            with_root(|fs| {
                let at = if append { fs.stat(ino)?.size } else { offset };
                // A new page needs heap for the file's page map; an overwrite
                // does not, and works on a full heap.
                if !fs.pages_present(ino, at, n)? {
                    heap_room()?;
                }
                fs.write_at(ino, at, &chunk[..n]).map(|wrote| (at, wrote))
            })
        });
        match wrote {
            Ok((at, wrote)) => {
                done += wrote;
                offset = at + wrote as u64;
                if wrote < n {
                    break;
                }
            }
            Err(_) if done > 0 => break,
            Err(e) => return Err(e),
        }
    }
    Ok((done, offset))
}

/// `read` of `/dev/zero`: fills the buffer with zeros.
fn fill_zeros(process: &Arc<Process>, buf: UserSlice<Out>) -> Result<usize, Errno> {
    let zeros = [0u8; 512];
    let mut done = 0;
    while done < buf.len() {
        match buf
            .sub(done, zeros.len())
            .write_from(process.lock().space()?, &zeros)
        {
            Ok(n) => done += n,
            Err(_) if done > 0 => break,
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// Writes one `linux_dirent64` record into `out` (room for the longest
/// name); returns its length.
fn encode_dirent(out: &mut [u8], ino: u64, next: u64, kind: u8, name: &str) -> usize {
    abi::dirent::encode_dirent64(out, ino, next as i64, kind, name.as_bytes())
        .expect("the record buffer holds the longest name")
}

/// Appends `record` to the user's buffer at `filled` if it fits: true when
/// it did; false when full (EINVAL if nothing fits at all).
fn put_record(
    process: &Arc<Process>,
    buf: UserSlice<Out>,
    filled: &mut usize,
    record: &[u8],
) -> Result<bool, Errno> {
    if *filled + record.len() > buf.len() {
        return if *filled == 0 {
            Err(Errno::EINVAL)
        } else {
            Ok(false)
        };
    }
    buf.sub(*filled, record.len())
        .write_from(process.lock().space()?, record)?;
    *filled += record.len();
    Ok(true)
}

impl Drop for OpenFile {
    fn drop(&mut self) {
        match &self.kind {
            FileKind::PipeRead(pipe) => pipe.close_reader(),
            FileKind::PipeWrite(pipe) => pipe.close_writer(),
            // A node lets go of its inode as it drops.
            _ => {}
        }
    }
}

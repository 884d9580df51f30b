//! Operations on names: open, stat, mkdir, rmdir, unlink, rename, chdir,
//! getcwd, and finding a program for execve. Each resolves its path from
//! the caller's working directory (root.rs decides whether it leads into
//! the RAM file system or `/proc`), then asks the file system.
//!
//! `/proc` is read-only: creating, removing or renaming there is EACCES,
//! opening its files for writing EACCES, its directories EISDIR.

use alloc::string::String;
use alloc::sync::Arc;

use abi::errno::Errno;
use abi::fs::{Stat, O_ACCMODE, O_CREAT, O_DIRECTORY, O_EXCL, O_RDONLY, O_TRUNC};
use ramfs::OpenOptions;

use super::proc::{self, ProcPath};
use super::root::{heap_room, route, with_root, Node, Route};
use super::{Device, FileKind, OpenFile};
use crate::arch::x86::lock::IrqMutex;
use crate::proc::Process;

/// The status flags an open file description keeps (the rest of `open`'s
/// flags act once, at open).
const KEPT_FLAGS: u32 = O_ACCMODE | abi::fs::O_APPEND | abi::fs::O_NONBLOCK;

/// The caller's working directory.
fn cwd_of(process: &Process) -> Result<Arc<Node>, Errno> {
    process.lock().cwd.clone().ok_or(Errno::ESRCH)
}

/// `open(path, flags, mode)`: a new open file description.
pub fn open(process: &Process, path: &str, flags: u32, mode: u32) -> Result<Arc<OpenFile>, Errno> {
    if flags & O_ACCMODE == O_ACCMODE {
        return Err(Errno::EINVAL);
    }
    let cwd = cwd_of(process)?;
    let write = flags & O_ACCMODE != O_RDONLY;
    let status = flags & KEPT_FLAGS;
    match route(path, &cwd, process.pid)? {
        Route::Proc(place) => open_proc(place, flags, write),
        Route::Ram { path, cwd } => {
            let create = flags & O_CREAT != 0;
            if create {
                heap_room()?;
            }
            let options = OpenOptions {
                create,
                exclusive: flags & O_EXCL != 0,
                truncate: flags & O_TRUNC != 0,
                directory: flags & O_DIRECTORY != 0,
                write,
                mode: mode & 0o7777,
            };
            let opened = with_root(|fs| {
                let ino = fs.open(path, cwd, options)?;
                let st = fs.stat(ino);
                let tag = fs.special_tag(ino);
                Ok::<_, Errno>((ino, st, tag))
            })?;
            let (ino, st, tag) = opened;
            // The reference `open` took is the node's from here on.
            let node = Node::adopt(ino);
            let st = st?;
            let kind = if let Some(tag) = tag? {
                let device = Device::from_tag(tag).ok_or(Errno::ENXIO)?;
                drop(node); // a device needs no inode
                if device == Device::Tty && !crate::tty::is_controlling_terminal_of(process) {
                    // `/dev/tty` is the caller's controlling terminal: it has none.
                    return Err(Errno::ENXIO);
                }
                FileKind::Device { device, ino }
            } else if st.is_dir() {
                FileKind::Dir {
                    node,
                    cursor: IrqMutex::new(0),
                }
            } else {
                FileKind::File {
                    node,
                    offset: IrqMutex::new(0),
                }
            };
            OpenFile::new(kind, status)
        }
    }
}

/// Opening a `/proc` place: its text or listing, taken now.
fn open_proc(place: ProcPath, flags: u32, write: bool) -> Result<Arc<OpenFile>, Errno> {
    if flags & (O_CREAT | O_EXCL) == O_CREAT | O_EXCL {
        return Err(Errno::EEXIST);
    }
    match place {
        ProcPath::File(..) | ProcPath::Meminfo => {
            if write || flags & O_TRUNC != 0 {
                return Err(Errno::EACCES);
            }
            if flags & O_DIRECTORY != 0 {
                return Err(Errno::ENOTDIR);
            }
            let text = match place {
                ProcPath::File(pid, file) => proc::contents(pid, file)?,
                _ => proc::meminfo()?,
            };
            OpenFile::new(
                FileKind::ProcText {
                    path: place,
                    text,
                    offset: IrqMutex::new(0),
                },
                flags & KEPT_FLAGS,
            )
        }
        ProcPath::Root | ProcPath::Process(_) => {
            if write || flags & O_CREAT != 0 {
                return Err(Errno::EISDIR);
            }
            let entries = proc::list(place)?;
            OpenFile::new(
                FileKind::ProcDir {
                    path: place,
                    entries,
                    cursor: IrqMutex::new(0),
                },
                flags & KEPT_FLAGS,
            )
        }
    }
}

/// What `stat` reports for a RAM file system inode.
pub(super) fn stat_of(ino: u64) -> Result<Stat, Errno> {
    let (st, pages, tag) = with_root(|fs| {
        Ok::<_, Errno>((
            fs.stat(ino)?,
            fs.pages_of(ino).unwrap_or(0),
            fs.special_tag(ino)?,
        ))
    })?;
    Ok(Stat {
        dev: 0,
        ino: st.ino,
        mode: st.mode,
        nlink: st.nlink,
        rdev: tag.unwrap_or(0) as u64,
        size: st.size as i64,
        blksize: 4096,
        blocks: pages as u64 * 8,
        ..Stat::default()
    })
}

/// `stat(path)`.
pub fn stat(process: &Process, path: &str) -> Result<Stat, Errno> {
    let cwd = cwd_of(process)?;
    match route(path, &cwd, process.pid)? {
        Route::Proc(place) => Ok(proc::stat(place)),
        Route::Ram { path, cwd } => {
            let ino = with_root(|fs| fs.lookup(path, cwd))?;
            stat_of(ino)
        }
    }
}

/// Runs a change of the RAM file system on `path`; EACCES in `/proc`.
fn change(
    process: &Process,
    path: &str,
    f: impl FnOnce(&mut super::root::RootFs, &str, u64) -> Result<(), Errno>,
) -> Result<(), Errno> {
    let cwd = cwd_of(process)?;
    match route(path, &cwd, process.pid)? {
        Route::Proc(_) => Err(Errno::EACCES),
        Route::Ram { path, cwd } => with_root(|fs| f(fs, path, cwd)),
    }
}

/// `mkdir(path, mode)`.
pub fn mkdir(process: &Process, path: &str, mode: u32) -> Result<(), Errno> {
    heap_room()?;
    change(process, path, |fs, path, cwd| {
        fs.mkdir(path, cwd, mode & 0o7777).map(drop)
    })
}

/// `rmdir(path)`.
pub fn rmdir(process: &Process, path: &str) -> Result<(), Errno> {
    change(process, path, |fs, path, cwd| fs.rmdir(path, cwd))
}

/// `unlink(path)`.
pub fn unlink(process: &Process, path: &str) -> Result<(), Errno> {
    change(process, path, |fs, path, cwd| fs.unlink(path, cwd))
}

/// `rename(old, new)`: both in the RAM file system (EACCES in `/proc`).
pub fn rename(process: &Process, old: &str, new: &str) -> Result<(), Errno> {
    heap_room()?;
    let cwd = cwd_of(process)?;
    let old = match route(old, &cwd, process.pid)? {
        Route::Proc(_) => return Err(Errno::EACCES),
        Route::Ram { path, .. } => path,
    };
    let new = match route(new, &cwd, process.pid)? {
        Route::Proc(_) => return Err(Errno::EACCES),
        Route::Ram { path, .. } => path,
    };
    with_root(|fs| fs.rename(old, new, cwd.ino()))
}

/// `chdir(path)`: ENOTDIR unless a directory. Inside `/proc` only `/proc`
/// itself can be the working directory (EACCES below it).
pub fn chdir(process: &Process, path: &str) -> Result<(), Errno> {
    let cwd = cwd_of(process)?;
    let ino = match route(path, &cwd, process.pid)? {
        Route::Proc(ProcPath::Root) => with_root(|fs| fs.lookup("/proc", ramfs::ROOT_INO))?,
        Route::Proc(ProcPath::File(..) | ProcPath::Meminfo) => return Err(Errno::ENOTDIR),
        Route::Proc(ProcPath::Process(_)) => return Err(Errno::EACCES),
        Route::Ram { path, cwd } => with_root(|fs| {
            let ino = fs.lookup(path, cwd)?;
            if fs.stat(ino)?.is_dir() {
                Ok(ino)
            } else {
                Err(Errno::ENOTDIR)
            }
        })?,
    };
    let new = Node::retain(ino)?;
    let old = process.lock().cwd.replace(new);
    drop(old); // with no lock held
    Ok(())
}

/// `getcwd`: the working directory's absolute path; ENOENT once it was
/// removed (as Linux).
pub fn getcwd(process: &Process) -> Result<String, Errno> {
    let cwd = cwd_of(process)?;
    let path = with_root(|fs| fs.path_of(cwd.ino()));
    drop(cwd);
    path
}

/// The program at `path` (from the working directory `cwd`, for the
/// process `caller`) for execve: a reference on a regular file with an
/// execute bit (EACCES otherwise, and for anything in `/proc`).
pub fn open_executable(cwd: &Node, caller: crate::proc::Pid, path: &str) -> Result<Node, Errno> {
    match route(path, cwd, caller)? {
        Route::Proc(_) => Err(Errno::EACCES),
        Route::Ram { path, cwd } => {
            let ino = with_root(|fs| {
                let ino = fs.lookup(path, cwd)?;
                fs.check_exec(ino)?;
                fs.retain(ino)?;
                Ok::<_, Errno>(ino)
            })?;
            Ok(Node::adopt(ino))
        }
    }
}

//! Files and directories: [`open`], [`stat`], [`read_dir`], [`mkdir`], [`unlink`],
//! [`rename`], [`chdir`], [`getcwd`], the whole-file helpers [`read()`] and [`write()`], the open
//! flags [`OFlag`] and the [`fcntl`](crate::io::fcntl) commands.
//!
//! The root file system lives in RAM, filled from the initrd at boot: regular files and
//! directories (writable), `/dev` (`console`, `tty`, `null`, `zero`) and a read-only `/proc`.
//! Paths are `&str`; a relative one starts at the working directory ([`chdir`]). Each call
//! copies its path, with a terminating NUL, for the kernel; a path holding a NUL byte is
//! `EINVAL` before any call is made.
//!
//! The flag values are Linux's (i386), taken from the kernel's own `abi::fs`, so they cannot
//! drift from what the kernel checks. A descriptor [`open`] returns is read, written and
//! moved with [`io::read`], [`io::write`] and
//! [`io::lseek`], and closed with [`io::close`].
//!
//! # Example
//!
//! ```no_run
//! use ulib::fs::{self, FileType, OFlag};
//! use ulib::io;
//!
//! fs::mkdir("/tmp/notes", 0o755).expect("mkdir");
//! fs::write("/tmp/notes/a", b"first\n").expect("write");
//! let fd = fs::open("/tmp/notes/a", OFlag::O_WRONLY | OFlag::O_APPEND, 0).expect("open");
//! io::write_all(fd, b"second\n").expect("append");
//! io::close(fd).expect("close");
//! assert_eq!(fs::read("/tmp/notes/a").expect("read"), b"first\nsecond\n");
//! assert_eq!(fs::stat("/tmp/notes/a").expect("stat").size, 13);
//! for entry in fs::read_dir("/tmp/notes").expect("read_dir") {
//!     assert_eq!((entry.name.as_str(), entry.kind), ("a", FileType::File));
//! }
//! ```
//!
//! Descriptor flags with [`fcntl`](crate::io::fcntl):
//!
//! ```no_run
//! use ulib::fs::{F_GETFD, F_GETFL, F_SETFD, F_SETFL, FD_CLOEXEC, OFlag};
//! use ulib::io;
//!
//! let (r, w) = io::pipe2(OFlag::O_CLOEXEC).expect("pipe2");
//! assert_eq!(io::fcntl(r, F_GETFD, 0), Ok(FD_CLOEXEC));
//! io::fcntl(w, F_SETFD, 0).expect("clear close-on-exec");
//!
//! // Make the read end non-blocking: an empty pipe then reads EAGAIN.
//! let fl = OFlag::from_bits_retain(io::fcntl(r, F_GETFL, 0).expect("F_GETFL") as u32);
//! io::fcntl(r, F_SETFL, (fl | OFlag::O_NONBLOCK).bits() as i32).expect("F_SETFL");
//! assert_eq!(io::read(r, &mut [0; 8]), Err(ulib::errno::Errno::EAGAIN));
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use abi::dirent::Dirent64Iter;
use abi::fs::dirent_type;

use crate::cstr::CPath;
use crate::errno::{Errno, decode_result};
use crate::io;
use crate::raw;

bitflags::bitflags! {
    /// Open and status flags, with Linux's names and values.
    ///
    /// The access mode is the low two bits ([`OFlag::O_ACCMODE`]): [`OFlag::O_RDONLY`] (0),
    /// [`OFlag::O_WRONLY`] or [`OFlag::O_RDWR`]; compare `flags & OFlag::O_ACCMODE` with one
    /// of them rather than using `contains` (every set contains `O_RDONLY`, which is 0).
    ///
    /// [`open`] takes them all; [`pipe2`](crate::io::pipe2) takes `O_CLOEXEC` and
    /// `O_NONBLOCK`, and `F_SETFL` changes `O_APPEND` and `O_NONBLOCK`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct OFlag: u32 {
        /// Open for reading only (the access mode 0).
        const O_RDONLY = abi::fs::O_RDONLY;
        /// Open for writing only.
        const O_WRONLY = abi::fs::O_WRONLY;
        /// Open for reading and writing.
        const O_RDWR = abi::fs::O_RDWR;
        /// The bits of the access mode.
        const O_ACCMODE = abi::fs::O_ACCMODE;
        /// Create the file if it does not exist.
        const O_CREAT = abi::fs::O_CREAT;
        /// With `O_CREAT`: fail with `EEXIST` if the file exists.
        const O_EXCL = abi::fs::O_EXCL;
        /// Truncate a regular file to length 0.
        const O_TRUNC = abi::fs::O_TRUNC;
        /// Every write goes to the end of the file.
        const O_APPEND = abi::fs::O_APPEND;
        /// Calls that would block fail with `EAGAIN` instead.
        const O_NONBLOCK = abi::fs::O_NONBLOCK;
        /// Fail with `ENOTDIR` unless the path names a directory.
        const O_DIRECTORY = abi::fs::O_DIRECTORY;
        /// Close the descriptor on `execve`.
        const O_CLOEXEC = abi::fs::O_CLOEXEC;
        /// Never make a terminal the controlling terminal on open (`open` never does here:
        /// accepted for portable programs).
        const O_NOCTTY = abi::fs::O_NOCTTY;
    }
}

/// [`fcntl`](crate::io::fcntl): duplicate onto the lowest free descriptor at least `arg`.
pub use abi::fs::F_DUPFD;
/// [`fcntl`](crate::io::fcntl): [`F_DUPFD`] with [`FD_CLOEXEC`] set on the new descriptor.
pub use abi::fs::F_DUPFD_CLOEXEC;
/// [`fcntl`](crate::io::fcntl): the descriptor flags ([`FD_CLOEXEC`] or 0).
pub use abi::fs::F_GETFD;
/// [`fcntl`](crate::io::fcntl): the open file's status flags and access mode (an
/// [`OFlag`]'s bits).
pub use abi::fs::F_GETFL;
/// [`fcntl`](crate::io::fcntl): set the descriptor flags to `arg`.
pub use abi::fs::F_SETFD;
/// [`fcntl`](crate::io::fcntl): set `O_APPEND` and `O_NONBLOCK` from `arg` (other bits are
/// ignored).
pub use abi::fs::F_SETFL;

/// The descriptor flag: close on `execve` (what [`F_GETFD`] returns and [`F_SETFD`] takes).
///
/// `abi::fs::FD_CLOEXEC` as an `i32`, the type of [`fcntl`](crate::io::fcntl)'s argument
/// and result.
pub const FD_CLOEXEC: i32 = abi::fs::FD_CLOEXEC as i32;

/// The largest write to a pipe that is atomic: at most this many bytes never interleave
/// with another writer's (POSIX's `PIPE_BUF`).
pub use abi::fs::PIPE_BUF;

/// The permission bits of a mode (`rwxrwxrwx` plus set-user-id, set-group-id and sticky).
pub const PERMISSION_BITS: u32 = 0o7777;

/// Opens the file at `path` and returns its descriptor, the lowest free number.
///
/// The access mode of `flags` ([`OFlag::O_RDONLY`], [`OFlag::O_WRONLY`] or
/// [`OFlag::O_RDWR`]) says what the descriptor may do; [`OFlag::O_CREAT`] creates a missing
/// regular file with permission bits `mode` (ignored otherwise), [`OFlag::O_EXCL`] with it
/// fails if the name exists, [`OFlag::O_TRUNC`] empties a regular file opened for writing,
/// [`OFlag::O_APPEND`] makes every write go to the end, [`OFlag::O_DIRECTORY`] refuses
/// anything but a directory, [`OFlag::O_CLOEXEC`] closes the descriptor on `execve`. The
/// offset starts at 0 and belongs to this open file: descriptors made from it by
/// [`dup`](crate::io::dup) or `fork` share it, another `open` of the same file does not.
///
/// # Errors
///
/// `ENOENT` for a missing file without `O_CREAT`, a missing directory on the way or an empty
/// path; `EEXIST` with `O_CREAT | O_EXCL` for an existing name; `ENOTDIR` for a file used as
/// a directory on the way, or with `O_DIRECTORY`; `EISDIR` for a directory opened for
/// writing; `ENAMETOOLONG` for a path of 4096 bytes or more or a name over 255; `EMFILE` when
/// the process has no free descriptor; `ENOSPC`/`ENOMEM` when memory runs out; `EFAULT`,
/// `EINVAL` (a NUL in `path`).
///
/// # Example
///
/// ```no_run
/// use ulib::errno::Errno;
/// use ulib::fs::{self, OFlag};
///
/// let fd = fs::open("/tmp/new", OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL, 0o644)
///     .expect("create");
/// ulib::io::write_all(fd, b"data").expect("write");
/// ulib::io::close(fd).expect("close");
/// let again = fs::open("/tmp/new", OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL, 0o644);
/// assert_eq!(again, Err(Errno::EEXIST));
/// ```
pub fn open(path: &str, flags: OFlag, mode: u32) -> Result<i32, Errno> {
    let path = CPath::new(path)?;
    // SAFETY: `path` is a NUL-terminated string that lives across the call; the kernel only
    // reads it.
    decode_result(unsafe { raw::sys_open(path.addr(), flags.bits(), mode) }).map(|fd| fd as i32)
}

/// Creates the directory `path` with permission bits `mode`.
///
/// # Errors
///
/// `EEXIST` if the name exists (a file or a directory, `.` and `/` included), `ENOENT` if
/// the parent does not exist, `ENOTDIR` if a component on the way is not a directory,
/// `ENOSPC`/`ENOMEM` when memory runs out, `ENAMETOOLONG`, `EFAULT`, `EINVAL`.
pub fn mkdir(path: &str, mode: u32) -> Result<(), Errno> {
    let path = CPath::new(path)?;
    // SAFETY: `path` is a NUL-terminated string that lives across the call; the kernel only
    // reads it.
    decode_result(unsafe { raw::sys_mkdir(path.addr(), mode) }).map(drop)
}

/// Removes the empty directory `path`.
///
/// # Errors
///
/// `ENOTEMPTY` if it holds anything, `ENOTDIR` if it is not a directory, `EINVAL` for a path
/// ending in `.`, `EBUSY` for `/`, `ENOENT`, `ENAMETOOLONG`, `EFAULT`, `EINVAL` (a NUL).
pub fn rmdir(path: &str) -> Result<(), Errno> {
    let path = CPath::new(path)?;
    // SAFETY: `path` is a NUL-terminated string that lives across the call; the kernel only
    // reads it.
    decode_result(unsafe { raw::sys_rmdir(path.addr()) }).map(drop)
}

/// Removes the name `path`. The file itself goes when it has no name left and no descriptor
/// refers to it: an open file stays readable and writable until its last close.
///
/// # Errors
///
/// `EISDIR` for a directory (use [`rmdir`]), `ENOENT`, `ENOTDIR`, `ENAMETOOLONG`, `EFAULT`,
/// `EINVAL` (a NUL in `path`).
pub fn unlink(path: &str) -> Result<(), Errno> {
    let path = CPath::new(path)?;
    // SAFETY: `path` is a NUL-terminated string that lives across the call; the kernel only
    // reads it.
    decode_result(unsafe { raw::sys_unlink(path.addr()) }).map(drop)
}

/// Gives the file or directory `old` the name `new`, replacing what `new` named (a file, or
/// an empty directory when `old` is one too), in one step.
///
/// # Errors
///
/// `ENOENT` if `old` does not exist, `EISDIR` to replace a directory with a file, `ENOTDIR`
/// to replace a file with a directory, `ENOTEMPTY` to replace a directory that is not empty,
/// `EINVAL` to move a directory into itself, `EBUSY` for `/`, `ENAMETOOLONG`, `EFAULT`.
pub fn rename(old: &str, new: &str) -> Result<(), Errno> {
    let old = CPath::new(old)?;
    let new = CPath::new(new)?;
    // SAFETY: both paths are NUL-terminated strings that live across the call; the kernel only
    // reads them.
    decode_result(unsafe { raw::sys_rename(old.addr(), new.addr()) }).map(drop)
}

/// Makes the directory `path` the working directory, where relative paths start.
///
/// # Errors
///
/// `ENOENT`, `ENOTDIR` if it is not a directory, `ENAMETOOLONG`, `EFAULT`, `EINVAL`.
pub fn chdir(path: &str) -> Result<(), Errno> {
    let path = CPath::new(path)?;
    // SAFETY: `path` is a NUL-terminated string that lives across the call; the kernel only
    // reads it.
    decode_result(unsafe { raw::sys_chdir(path.addr()) }).map(drop)
}

/// The absolute path of the working directory (`/` for pid 1 at the start).
///
/// # Errors
///
/// `ENOENT` if the working directory was removed, `ENOMEM`. A name that is not valid UTF-8
/// comes back lossily converted (U+FFFD for invalid bytes).
///
/// # Example
///
/// ```no_run
/// ulib::fs::chdir("/tmp").expect("chdir");
/// assert_eq!(ulib::fs::getcwd().expect("getcwd"), "/tmp");
/// ```
pub fn getcwd() -> Result<String, Errno> {
    let mut buf = alloc::vec![0u8; 256];
    loop {
        // SAFETY: `buf` is writable for `buf.len()` bytes and exclusively borrowed for the
        // call, so the kernel's write aliases no live reference.
        match decode_result(unsafe { raw::sys_getcwd(buf.as_mut_ptr() as usize, buf.len()) }) {
            Ok(with_nul) => {
                // The length counts the NUL; refuse anything that does not fit what we gave.
                let len = with_nul
                    .checked_sub(1)
                    .filter(|&n| n < buf.len())
                    .ok_or(Errno::EIO)?;
                buf.truncate(len);
                // Names the kernel stores came from `&str`s or the initrd; anything else is
                // shown lossily rather than refused.
                return Ok(String::from_utf8(buf)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()));
            }
            // Paths are shorter than PATH_MAX (4096); beyond that the kernel is wrong.
            Err(Errno::ERANGE) if buf.len() < 64 * 1024 => buf.resize(buf.len() * 2, 0),
            Err(e) => return Err(e),
        }
    }
}

/// What kind of file a name refers to.
///
/// Kinds this system does not have are reported as their nearest relative: a block device
/// as [`FileType::CharDevice`], a socket as [`FileType::Fifo`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileType {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A character device (`/dev/console`, `/dev/null`, ...).
    CharDevice,
    /// A FIFO (a named pipe).
    Fifo,
    /// A symbolic link.
    Symlink,
}

impl FileType {
    /// The kind named by the type bits (`S_IFMT`) of `mode`; `None` when they name none.
    pub fn from_mode(mode: u32) -> Option<FileType> {
        use abi::fs::*;
        Some(match mode & S_IFMT {
            S_IFREG => FileType::File,
            S_IFDIR => FileType::Dir,
            S_IFCHR | S_IFBLK => FileType::CharDevice,
            S_IFIFO | S_IFSOCK => FileType::Fifo,
            S_IFLNK => FileType::Symlink,
            _ => return None,
        })
    }

    /// The kind named by a `getdents64` `d_type`; `None` for `DT_UNKNOWN` or a value Linux
    /// does not define.
    pub fn from_dirent_type(d_type: u8) -> Option<FileType> {
        use dirent_type::*;
        Some(match d_type {
            DT_REG => FileType::File,
            DT_DIR => FileType::Dir,
            DT_CHR | DT_BLK => FileType::CharDevice,
            DT_FIFO | DT_SOCK => FileType::Fifo,
            DT_LNK => FileType::Symlink,
            _ => return None,
        })
    }
}

/// What [`stat`] and [`fstat`] report about a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileStat {
    /// File type (`S_IF*` bits) and permission bits ([`PERMISSION_BITS`]).
    pub mode: u32,
    /// Bytes in a regular file (for a directory, a size that grows with its entries; 0 for a
    /// device).
    pub size: u64,
    /// The inode number: two names of one file have the same.
    pub ino: u64,
    /// How many names the file has (0 once unlinked while still open; a directory: 2 plus its
    /// subdirectories).
    pub nlink: u32,
}

impl FileStat {
    /// Whether this is a directory.
    pub fn is_dir(&self) -> bool {
        self.mode & abi::fs::S_IFMT == abi::fs::S_IFDIR
    }

    /// Whether this is a regular file.
    pub fn is_file(&self) -> bool {
        self.mode & abi::fs::S_IFMT == abi::fs::S_IFREG
    }

    /// The kind of file (see [`FileType::from_mode`]).
    pub fn kind(&self) -> Option<FileType> {
        FileType::from_mode(self.mode)
    }

    /// The permission bits of [`mode`](FileStat::mode).
    pub fn permissions(&self) -> u32 {
        self.mode & PERMISSION_BITS
    }

    fn from_abi(st: &abi::fs::Stat) -> FileStat {
        FileStat {
            mode: st.mode,
            size: u64::try_from(st.size).unwrap_or(0),
            ino: st.ino,
            nlink: st.nlink,
        }
    }
}

/// What the file at `path` is: its type and permissions, size, inode number and link count.
///
/// # Errors
///
/// `ENOENT`, `ENOTDIR` for a file used as a directory on the way, `ENAMETOOLONG`, `EFAULT`,
/// `EINVAL` (a NUL in `path`).
///
/// # Example
///
/// ```no_run
/// let st = ulib::fs::stat("/bin/hello").expect("stat");
/// assert!(st.is_file());
/// ulib::println!("{} bytes, mode {:o}", st.size, st.mode);
/// ```
pub fn stat(path: &str) -> Result<FileStat, Errno> {
    let path = CPath::new(path)?;
    let mut st = abi::fs::Stat::default();
    // SAFETY: `path` is a NUL-terminated string the kernel only reads; `st` is a live,
    // exclusively borrowed `struct stat` (`repr(C)`, 88 bytes) for the whole call.
    decode_result(unsafe { raw::sys_stat(path.addr(), &mut st as *mut abi::fs::Stat as usize) })?;
    Ok(FileStat::from_abi(&st))
}

/// What the open file `fd` refers to is (see [`stat`]); also for a file with no name left.
///
/// # Errors
///
/// `EBADF` if `fd` is not open.
pub fn fstat(fd: i32) -> Result<FileStat, Errno> {
    let mut st = abi::fs::Stat::default();
    // SAFETY: `st` is a live, exclusively borrowed `struct stat` (`repr(C)`, 88 bytes) for the
    // whole call; the kernel writes nothing else.
    decode_result(unsafe { raw::sys_fstat(fd, &mut st as *mut abi::fs::Stat as usize) })?;
    Ok(FileStat::from_abi(&st))
}

/// One name in a directory, as [`read_dir`] lists it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DirEntry {
    /// The name (no `/`).
    pub name: String,
    /// The inode number it refers to.
    pub ino: u64,
    /// What it refers to.
    pub kind: FileType,
}

/// Bytes asked of each `getdents64` call by [`read_dir`].
const DIRENT_BUFFER: usize = 4096;

/// The names in the directory `path`, without `.` and `..`, in the order the directory
/// gives them (on the RAM file system: the order they were created).
///
/// A name that is not valid UTF-8 is converted lossily (invalid bytes become U+FFFD). A
/// `d_type` of `DT_UNKNOWN` is resolved with [`stat`] (a file that vanished meanwhile is
/// left out).
///
/// # Errors
///
/// `ENOENT`, `ENOTDIR` if `path` is not a directory, `EMFILE` (a descriptor is needed while
/// listing), `EIO` if the kernel fills the buffer with a malformed record, and the errors of
/// [`open`].
///
/// # Example
///
/// ```no_run
/// for entry in ulib::fs::read_dir("/bin").expect("read_dir") {
///     ulib::println!("{} (inode {}, {:?})", entry.name, entry.ino, entry.kind);
/// }
/// ```
pub fn read_dir(path: &str) -> Result<Vec<DirEntry>, Errno> {
    let fd = open(
        path,
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        0,
    )?;
    let listed = list_open_dir(path, fd);
    let closed = io::close(fd);
    let entries = listed?;
    closed?;
    Ok(entries)
}

/// The entries of the open directory `fd` (named `path`, for [`stat`] on `DT_UNKNOWN`).
fn list_open_dir(path: &str, fd: i32) -> Result<Vec<DirEntry>, Errno> {
    let mut entries = Vec::new();
    let mut buf = alloc::vec![0u8; DIRENT_BUFFER];
    loop {
        // SAFETY: `buf` is writable for `buf.len()` bytes and exclusively borrowed for the
        // call, so the kernel's writes alias no live reference.
        let filled = decode_result(unsafe {
            raw::sys_getdents64(fd, buf.as_mut_ptr() as usize, buf.len())
        })?;
        if filled == 0 {
            return Ok(entries);
        }
        let filled = buf.get(..filled).ok_or(Errno::EIO)?;
        for record in Dirent64Iter::new(filled) {
            let record = record.map_err(|_| Errno::EIO)?;
            if record.name == b"." || record.name == b".." {
                continue;
            }
            let name = String::from_utf8_lossy(record.name).into_owned();
            let kind = match FileType::from_dirent_type(record.kind) {
                Some(kind) => kind,
                None => match stat(&join(path, &name)).ok().and_then(|st| st.kind()) {
                    Some(kind) => kind,
                    None => continue,
                },
            };
            entries.push(DirEntry {
                name,
                ino: record.ino,
                kind,
            });
        }
    }
}

/// `dir/name`, without doubling a `/` at the end of `dir`.
fn join(dir: &str, name: &str) -> String {
    let mut path = String::with_capacity(dir.len() + 1 + name.len());
    path.push_str(dir);
    if !path.ends_with('/') {
        path.push('/');
    }
    path.push_str(name);
    path
}

/// Bytes asked of each `read` call by [`read`] while it looks for the end of the file.
const READ_CHUNK: usize = 4096;

/// The whole contents of the file at `path`.
///
/// Reads until end of file, so it also works for files whose size [`stat`] does not tell
/// (`/proc/<pid>/stat` and friends).
///
/// # Errors
///
/// The errors of [`open`] (with [`OFlag::O_RDONLY`]) and of [`io::read`]
/// (`EISDIR` for a directory).
///
/// # Example
///
/// ```no_run
/// let stat = ulib::fs::read("/proc/self/stat").expect("read");
/// ulib::println!("{}", core::str::from_utf8(&stat).unwrap_or("?"));
/// ```
pub fn read(path: &str) -> Result<Vec<u8>, Errno> {
    let fd = open(path, OFlag::O_RDONLY | OFlag::O_CLOEXEC, 0)?;
    let got = read_to_end(fd);
    let closed = io::close(fd);
    let data = got?;
    closed?;
    Ok(data)
}

/// Everything `fd` reads from its offset to end of file.
fn read_to_end(fd: i32) -> Result<Vec<u8>, Errno> {
    // The size is only a hint (a /proc file says 0); a huge one is not trusted.
    let hint = fstat(fd).map_or(0, |st| st.size.min(1 << 20) as usize);
    let mut data = Vec::with_capacity(hint);
    loop {
        let len = data.len();
        data.resize(len + READ_CHUNK.max(hint.saturating_sub(len)), 0);
        match io::read(fd, &mut data[len..]) {
            Ok(0) => {
                data.truncate(len);
                return Ok(data);
            }
            Ok(n) => data.truncate(len + n),
            Err(Errno::EINTR) => data.truncate(len),
            Err(e) => return Err(e),
        }
    }
}

/// Makes the file at `path` hold exactly `data`: creates it (permission bits 0o644) or
/// truncates it, then writes everything.
///
/// # Errors
///
/// The errors of [`open`] (with `O_WRONLY | O_CREAT | O_TRUNC`: `EISDIR` for a directory)
/// and of [`io::write_all`] (`ENOSPC`/`ENOMEM` when memory runs out;
/// the bytes before it stay written).
///
/// # Example
///
/// ```no_run
/// ulib::fs::write("/tmp/greeting", b"hello\n").expect("write");
/// assert_eq!(ulib::fs::read("/tmp/greeting").expect("read"), b"hello\n");
/// ```
pub fn write(path: &str, data: &[u8]) -> Result<(), Errno> {
    let fd = open(
        path,
        OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_TRUNC | OFlag::O_CLOEXEC,
        0o644,
    )?;
    let written = io::write_all(fd, data);
    let closed = io::close(fd);
    written?;
    closed
}

//! Files and descriptors: Linux's `O_*` open flags, `fcntl` commands, the pair of descriptors
//! `pipe2` stores, `lseek`'s whence values, the file type bits of a mode, `struct stat` and the
//! record `getdents64` fills.

/// Open for reading only (the access mode is the low two bits).
pub const O_RDONLY: u32 = 0;
/// Open for writing only.
pub const O_WRONLY: u32 = 1;
/// Open for reading and writing.
pub const O_RDWR: u32 = 2;
/// The bits of the access mode.
pub const O_ACCMODE: u32 = 3;
/// Create the file if it does not exist.
pub const O_CREAT: u32 = 0o100;
/// With `O_CREAT`: fail with EEXIST if it exists.
pub const O_EXCL: u32 = 0o200;
/// Truncate a regular file to length 0.
pub const O_TRUNC: u32 = 0o1000;
/// Every write goes to the end.
pub const O_APPEND: u32 = 0o2000;
/// Calls that would block fail with EAGAIN instead.
pub const O_NONBLOCK: u32 = 0o4000;
/// Fail with ENOTDIR unless the path names a directory.
pub const O_DIRECTORY: u32 = 0o200000;
/// Do not make a terminal the caller's controlling terminal on open (the console never is
/// made one by `open`, so the flag changes nothing; accepted for portable programs).
pub const O_NOCTTY: u32 = 0o400;
/// Close the descriptor on `execve`.
pub const O_CLOEXEC: u32 = 0o2000000;

/// `fcntl`: duplicate onto the lowest free descriptor at least `arg`.
pub const F_DUPFD: i32 = 0;
/// `fcntl`: the descriptor flags (`FD_CLOEXEC`).
pub const F_GETFD: i32 = 1;
/// `fcntl`: set the descriptor flags.
pub const F_SETFD: i32 = 2;
/// `fcntl`: the open file description's status flags and access mode.
pub const F_GETFL: i32 = 3;
/// `fcntl`: set `O_APPEND` and `O_NONBLOCK` (other bits are ignored).
pub const F_SETFL: i32 = 4;
/// `fcntl`: `F_DUPFD` with close-on-exec set on the new descriptor.
pub const F_DUPFD_CLOEXEC: i32 = 1030;
/// The descriptor flag: close on `execve`.
pub const FD_CLOEXEC: u32 = 1;

/// Bytes a pipe write of at most this size moves at once, never interleaved with another
/// writer's (POSIX's `PIPE_BUF`).
pub const PIPE_BUF: usize = 4096;

/// What `pipe2` stores: `int pipefd[2]`, the read end first.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FdPair {
    /// The read end.
    pub read: i32,
    /// The write end.
    pub write: i32,
}

const _: () = assert!(core::mem::size_of::<FdPair>() == 8);

/// `lseek`: the offset is from the start of the file.
pub const SEEK_SET: i32 = 0;
/// `lseek`: the offset is from the current position.
pub const SEEK_CUR: i32 = 1;
/// `lseek`: the offset is from the end of the file.
pub const SEEK_END: i32 = 2;

/// The file type bits of a mode.
pub const S_IFMT: u32 = 0o170000;
/// A FIFO.
pub const S_IFIFO: u32 = 0o010000;
/// A character device.
pub const S_IFCHR: u32 = 0o020000;
/// A directory.
pub const S_IFDIR: u32 = 0o040000;
/// A block device.
pub const S_IFBLK: u32 = 0o060000;
/// A regular file.
pub const S_IFREG: u32 = 0o100000;
/// A symbolic link.
pub const S_IFLNK: u32 = 0o120000;
/// A socket.
pub const S_IFSOCK: u32 = 0o140000;

/// `getdents64`'s `d_type` values (Linux's `DT_*`).
pub mod dirent_type {
    /// Unknown.
    pub const DT_UNKNOWN: u8 = 0;
    /// A FIFO.
    pub const DT_FIFO: u8 = 1;
    /// A character device.
    pub const DT_CHR: u8 = 2;
    /// A directory.
    pub const DT_DIR: u8 = 4;
    /// A block device.
    pub const DT_BLK: u8 = 6;
    /// A regular file.
    pub const DT_REG: u8 = 8;
    /// A symbolic link.
    pub const DT_LNK: u8 = 10;
    /// A socket.
    pub const DT_SOCK: u8 = 12;
}

/// What `stat` and `fstat` store: this kernel's `struct stat`, 88 bytes, every 64-bit field at
/// an offset that is a multiple of 8 so that C (where i386 aligns `long long` to 4) and Rust
/// agree without packing. Times are on the monotonic clock (the machine has no wall clock).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    /// The device the file is on (0: the RAM root file system; 1: `/proc`).
    pub dev: u64,
    /// The inode number.
    pub ino: u64,
    /// File type (`S_IF*`) and permission bits.
    pub mode: u32,
    /// Names of the file (a directory: 2 plus its subdirectories).
    pub nlink: u32,
    /// The owner (always 0: there are no users).
    pub uid: u32,
    /// The group (always 0).
    pub gid: u32,
    /// For a device node, the device: `major << 8 | minor` as Linux's old encoding.
    pub rdev: u64,
    /// Bytes in a regular file.
    pub size: i64,
    /// The preferred I/O size (a page).
    pub blksize: u32,
    /// Padding, 0.
    pub pad: u32,
    /// 512-byte blocks the data occupies.
    pub blocks: u64,
    /// Last access.
    pub atime: crate::time::Timespec,
    /// Last change of the data.
    pub mtime: crate::time::Timespec,
    /// Last change of the inode.
    pub ctime: crate::time::Timespec,
}

const _: () = assert!(core::mem::size_of::<Stat>() == 88);

/// The fixed part of a `getdents64` record (Linux's `struct linux_dirent64`): `d_ino` (u64),
/// `d_off` (i64, the cookie that resumes after this entry), `d_reclen` (u16, the record's
/// length, a multiple of 8), `d_type` (u8), then the NUL-terminated name.
pub const DIRENT64_HEADER: usize = 19;

/// The length of the `getdents64` record for a name of `name_len` bytes.
pub const fn dirent64_len(name_len: usize) -> usize {
    (DIRENT64_HEADER + name_len + 1).div_ceil(8) * 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_linux_i386() {
        assert_eq!(
            [O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK],
            [0, 1, 2, 0x40, 0x80, 0x200, 0x400, 0x800]
        );
        assert_eq!((O_DIRECTORY, O_CLOEXEC), (0x1_0000, 0x8_0000));
        assert_eq!(
            [F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC],
            [0, 1, 2, 3, 4, 1030]
        );
        assert_eq!((FD_CLOEXEC, PIPE_BUF), (1, 4096));
        assert_eq!((SEEK_SET, SEEK_CUR, SEEK_END), (0, 1, 2));
        assert_eq!((S_IFDIR, S_IFREG, S_IFCHR), (0x4000, 0x8000, 0x2000));
    }

    #[test]
    fn dirent64_records_are_8_byte_aligned() {
        assert_eq!(dirent64_len(1), 24); // "a": 19 + 2 = 21 -> 24
        assert_eq!(dirent64_len(4), 24); // 19 + 5 = 24
        assert_eq!(dirent64_len(5), 32);
        assert_eq!(core::mem::offset_of!(Stat, size), 40);
        assert_eq!(core::mem::offset_of!(Stat, blocks), 56);
        assert_eq!(core::mem::offset_of!(Stat, mtime), 72);
    }
}

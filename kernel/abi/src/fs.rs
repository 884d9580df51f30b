//! Files and descriptors: Linux's `O_*` open flags, `fcntl` commands, and the pair of
//! descriptors `pipe2` stores.

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
    }
}

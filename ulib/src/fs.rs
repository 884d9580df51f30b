//! Descriptor and open-file flags: [`OFlag`] and the [`fcntl`](crate::io::fcntl) commands.
//!
//! The values are Linux's (i386), taken from the kernel's own `abi::fs`, so they cannot
//! drift from what the kernel checks. The calls that use them live in [`io`](crate::io):
//! [`pipe2`](crate::io::pipe2) takes an [`OFlag`], [`fcntl`](crate::io::fcntl) the `F_*`
//! commands below.
//!
//! # Example
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

bitflags::bitflags! {
    /// Open and status flags, with Linux's names and values.
    ///
    /// The access mode is the low two bits ([`OFlag::O_ACCMODE`]): [`OFlag::O_RDONLY`] (0),
    /// [`OFlag::O_WRONLY`] or [`OFlag::O_RDWR`]; compare `flags & OFlag::O_ACCMODE` with one
    /// of them rather than using `contains` (every set contains `O_RDONLY`, which is 0).
    ///
    /// Today [`pipe2`](crate::io::pipe2) takes `O_CLOEXEC` and `O_NONBLOCK`, and
    /// `F_SETFL` changes `O_APPEND` and `O_NONBLOCK`; the other flags are for `open`.
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

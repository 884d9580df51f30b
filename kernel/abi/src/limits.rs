//! Sizes the kernel enforces at the system-call boundary.

/// Longest path a system call accepts, in bytes, without the terminating NUL (Linux's
/// `PATH_MAX` of 4096 counts the NUL); longer is `ENAMETOOLONG`. One name in a path is at
/// most [`NAME_MAX`] bytes.
pub const MAX_PATH_LEN: usize = 4095;

/// Longest name of one directory entry, in bytes; longer is `ENAMETOOLONG`.
pub const NAME_MAX: usize = 255;

/// Most entries `argv` may have, and separately most entries `envp` may have, not counting
/// the NULL terminator; more is `E2BIG`.
pub const MAX_ARGS: usize = 32;

/// Most bytes of `argv` strings in total, counting each terminating NUL; more is `E2BIG`.
pub const MAX_ARG_BYTES: usize = 4096;

/// The largest process id; ids wrap around after it, so at most this many processes (zombies
/// included) exist at once. There is no lower fixed limit: `fork` fails with `ENOMEM` when
/// memory runs out, or `EAGAIN` when every id is in use.
pub const MAX_PID: i32 = 32767;

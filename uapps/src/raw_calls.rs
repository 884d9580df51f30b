//! System calls made exactly as written, for the test programs that hand the kernel hostile
//! arguments (`hostile`, `ptest`): bad pointers, breaks past every limit, option bits the
//! safe types of ulib cannot express.
//!
//! Each wrapper is one `int 0x21` through [`ulib::raw`] with the result decoded into
//! `Result<usize, Errno>`. The calls that only read memory, or none, are safe for any
//! argument (a bad range must come back as `EFAULT`, which is what the tests check). The calls
//! that make the kernel store into memory or move the program break are `unsafe`: whether they
//! are sound depends on what the caller passes.

#![allow(unsafe_code)]

use ulib::errno::{Errno, decode_result};
use ulib::raw;

/// Read-only data (in `.rodata`) for the kernel to refuse to write into. Its value never
/// changes; a test compares it with [`READ_ONLY_VALUE`] after the refused calls.
pub static READ_ONLY: [u32; 4] = READ_ONLY_VALUE;

/// What [`READ_ONLY`] holds.
pub const READ_ONLY_VALUE: [u32; 4] = [0x5EED_0001, 0x5EED_0002, 0x5EED_0003, 0x5EED_0004];

/// `write(fd, addr, len)` from any range of addresses.
pub fn write(fd: i32, addr: usize, len: usize) -> Result<usize, Errno> {
    // SAFETY: write only reads `[addr, addr + len)`; a bad range must fail with EFAULT.
    decode_result(unsafe { raw::sys_write(fd, addr, len) })
}

/// `execve(path, argv, envp)` with raw pointers; returns only on failure, with the error.
pub fn execve(path: usize, argv: usize, envp: usize) -> Errno {
    // SAFETY: the kernel only reads the three arguments; on success this process is replaced,
    // so no Rust object outlives the call.
    match decode_result(unsafe { raw::sys_execve(path, argv, envp) }) {
        Err(e) => e,
        // A successful execve does not come back.
        Ok(_) => Errno::EIO,
    }
}

/// Calls `exit` once and returns what it returned, which it must never do.
pub fn exit_once(code: i32) -> isize {
    // SAFETY: ending the process is always sound; if the call returns, nothing changed.
    unsafe { raw::sys_exit(code) }
}

/// The raw result of `sched_yield` (0 when the kernel is right).
pub fn sched_yield() -> isize {
    // SAFETY: yield only reschedules the caller.
    unsafe { raw::sys_yield() }
}

/// `waitpid(pid, NULL, options)`, for option bits `WaitFlags` cannot express.
pub fn waitpid_null_status(pid: i32, options: u32) -> Result<usize, Errno> {
    // SAFETY: with a NULL status pointer the kernel writes no memory.
    decode_result(unsafe { raw::sys_waitpid(pid, 0, options) })
}

/// The current program break (`sbrk(0)`), or 0 if the call fails.
pub fn current_break() -> usize {
    // SAFETY: an increment of 0 moves nothing.
    decode_result(unsafe { raw::sys_sbrk(0) }).unwrap_or(0)
}

/// `waitpid(pid, status, options)`, storing the status at `status`.
///
/// # Safety
///
/// `status` is NULL, memory the kernel must refuse to write (kernel, read-only, unmapped), or
/// 4 bytes of writable memory that no live Rust reference covers.
pub unsafe fn waitpid(pid: i32, status: usize, options: u32) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `status` (see `# Safety`).
    decode_result(unsafe { raw::sys_waitpid(pid, status, options) })
}

/// `wait(status)`, storing the status at `status`.
///
/// # Safety
///
/// As for [`waitpid`].
pub unsafe fn wait(status: usize) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `status` (see `# Safety`).
    decode_result(unsafe { raw::sys_wait(status) })
}

/// `clock_gettime(clock, ts)`, storing 8 bytes at `ts`.
///
/// # Safety
///
/// `ts` is NULL, memory the kernel must refuse to write, or 8 bytes of writable memory that no
/// live Rust reference covers.
pub unsafe fn clock_gettime(clock: u32, ts: usize) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `ts` (see `# Safety`).
    decode_result(unsafe { raw::sys_clock_gettime(clock, ts) })
}

/// `sbrk(increment)`: moves the program break, returning the old one.
///
/// # Safety
///
/// Nothing in this process uses the memory the call may take away: growing only adds fresh
/// pages, but shrinking must give back only pages no allocation or reference still covers.
pub unsafe fn sbrk(increment: isize) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for the pages given back (see `# Safety`).
    decode_result(unsafe { raw::sys_sbrk(increment) })
}

/// `brk(addr)`: sets the program break.
///
/// # Safety
///
/// As for [`sbrk`].
pub unsafe fn brk(addr: usize) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for the pages given back (see `# Safety`).
    decode_result(unsafe { raw::sys_brk(addr) })
}

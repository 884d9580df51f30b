//! The descriptor calls, one `int 0x21` each through `ulib::raw`, decoded into
//! `Result<_, Errno>`, plus the raw forms the bad-input cases need (bad buffers).

use ulib::errno::{Errno, decode_result};
use ulib::raw::{self, nr};

fn call(n: usize, a1: usize, a2: usize, a3: usize) -> Result<usize, Errno> {
    // SAFETY: every caller below passes either plain numbers or a buffer it owns with its
    // true length; the raw forms pass addresses the kernel must refuse (EFAULT).
    decode_result(unsafe { raw::syscall(n, a1, a2, a3, 0, 0) })
}

/// `read(fd, buf)`.
pub fn read(fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
    call(nr::READ, fd as usize, buf.as_mut_ptr() as usize, buf.len())
}

/// `read(fd, addr, len)` into an address that must not be writable (the kernel must refuse
/// it, so nothing of this program is touched).
pub fn read_into_bad(fd: i32, addr: usize, len: usize) -> Result<usize, Errno> {
    call(nr::READ, fd as usize, addr, len)
}

/// `close(fd)`.
pub fn close(fd: i32) -> Result<(), Errno> {
    call(nr::CLOSE, fd as usize, 0, 0).map(|_| ())
}

/// `dup(fd)`.
pub fn dup(fd: i32) -> Result<i32, Errno> {
    call(nr::DUP, fd as usize, 0, 0).map(|v| v as i32)
}

/// `dup2(old, new)`.
pub fn dup2(old: i32, new: i32) -> Result<i32, Errno> {
    call(nr::DUP2, old as usize, new as usize, 0).map(|v| v as i32)
}

/// `pipe2(flags)`: (read end, write end).
pub fn pipe2(flags: u32) -> Result<(i32, i32), Errno> {
    let mut fds = [-1i32; 2];
    call(nr::PIPE2, fds.as_mut_ptr() as usize, flags as usize, 0)?;
    Ok((fds[0], fds[1]))
}

/// `pipe2(addr, flags)` with the pair stored at `addr` (which must be refused).
pub fn pipe2_at(addr: usize, flags: u32) -> Result<usize, Errno> {
    call(nr::PIPE2, addr, flags as usize, 0)
}

/// `fcntl(fd, cmd, arg)`.
pub fn fcntl(fd: i32, cmd: i32, arg: i32) -> Result<i32, Errno> {
    call(nr::FCNTL, fd as usize, cmd as usize, arg as usize).map(|v| v as i32)
}

/// `write(fd, addr, len)` from any address.
pub fn write_from(fd: i32, addr: usize, len: usize) -> Result<usize, Errno> {
    call(nr::WRITE, fd as usize, addr, len)
}

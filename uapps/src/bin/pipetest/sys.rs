//! The raw forms of the descriptor calls that the bad-input cases need (bad buffers), one
//! `int 0x21` each through `ulib::raw`, decoded into `Result<_, Errno>`.

use ulib::errno::{Errno, decode_result};
use ulib::raw::{self, nr};

fn call(n: usize, a1: usize, a2: usize, a3: usize) -> Result<usize, Errno> {
    // SAFETY: the callers pass addresses the kernel must refuse (EFAULT) or only read.
    decode_result(unsafe { raw::syscall(n, a1, a2, a3, 0, 0) })
}

/// `read(fd, addr, len)` into an address that must not be writable (the kernel must refuse
/// it, so nothing of this program is touched).
pub fn read_into_bad(fd: i32, addr: usize, len: usize) -> Result<usize, Errno> {
    call(nr::READ, fd as usize, addr, len)
}

/// `pipe2(addr, flags)` with the pair stored at `addr` (which must be refused).
pub fn pipe2_at(addr: usize, flags: u32) -> Result<usize, Errno> {
    call(nr::PIPE2, addr, flags as usize, 0)
}

/// `write(fd, addr, len)` from any address.
pub fn write_from(fd: i32, addr: usize, len: usize) -> Result<usize, Errno> {
    call(nr::WRITE, fd as usize, addr, len)
}

//! The raw forms of the path and file calls that the bad-input cases need (paths and buffers
//! at addresses the kernel must refuse), one `int 0x21` each through `ulib::raw`, decoded into
//! `Result<_, Errno>`.

use ulib::errno::{Errno, decode_result};
use ulib::raw::{self, nr};

fn call(n: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize) -> Result<usize, Errno> {
    // SAFETY: the callers pass addresses the kernel must refuse (EFAULT) for everything it
    // would write, and addresses it only reads otherwise, so nothing of this program changes.
    decode_result(unsafe { raw::syscall(n, a1, a2, a3, a4, a5) })
}

/// `open(path, flags, mode)` with the path at any address.
pub fn open_at(path: usize, flags: u32, mode: u32) -> Result<usize, Errno> {
    call(nr::OPEN, path, flags as usize, mode as usize, 0, 0)
}

/// `mkdir`, `rmdir`, `unlink` or `chdir` (`n`) with the path at any address.
pub fn path_call(n: usize, path: usize) -> Result<usize, Errno> {
    call(n, path, 0o755, 0, 0, 0)
}

/// `rename(old, new)` with the paths at any addresses.
pub fn rename_at(old: usize, new: usize) -> Result<usize, Errno> {
    call(nr::RENAME, old, new, 0, 0, 0)
}

/// `stat(path, buf)` with both at any address (`buf` must be refused or NULL-free garbage).
pub fn stat_at(path: usize, buf: usize) -> Result<usize, Errno> {
    call(nr::STAT, path, buf, 0, 0, 0)
}

/// `fstat(fd, buf)` storing at an address that must be refused.
pub fn fstat_at(fd: i32, buf: usize) -> Result<usize, Errno> {
    call(nr::FSTAT, fd as usize, buf, 0, 0, 0)
}

/// `getcwd(buf, len)` storing at an address that must be refused.
pub fn getcwd_at(buf: usize, len: usize) -> Result<usize, Errno> {
    call(nr::GETCWD, buf, len, 0, 0, 0)
}

/// `getdents64(fd, buf, len)` storing at an address that must be refused.
pub fn getdents64_at(fd: i32, buf: usize, len: usize) -> Result<usize, Errno> {
    call(nr::GETDENTS64, fd as usize, buf, len, 0, 0)
}

/// `getdents64(fd, buf, buf.len())` into a buffer of this program.
pub fn getdents64(fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: `buf` is writable for its length and exclusively borrowed for the whole call, so
    // the kernel's writes alias no live reference.
    decode_result(unsafe {
        raw::syscall(
            nr::GETDENTS64,
            fd as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
            0,
            0,
        )
    })
}

/// `_llseek(fd, 0, 0, result, SEEK_CUR)` storing the offset at an address that must be
/// refused.
pub fn lseek_result_at(fd: i32, result: usize) -> Result<usize, Errno> {
    call(nr::LSEEK, fd as usize, 0, 0, result, 1)
}

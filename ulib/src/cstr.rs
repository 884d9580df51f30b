//! NUL-terminated strings for the kernel: every path and every `argv`/`envp` entry crosses
//! `int 0x21` as a C string, copied here from a `&str` (internal).

use alloc::vec::Vec;

use crate::errno::Errno;

/// Copies `s` with a terminating NUL onto the end of `buf`, returning the offset of the copy.
///
/// # Errors
///
/// `EINVAL` if `s` contains a NUL byte (the kernel would see only the part before it).
pub(crate) fn push_c_string(buf: &mut Vec<u8>, s: &str) -> Result<usize, Errno> {
    if s.as_bytes().contains(&0) {
        return Err(Errno::EINVAL);
    }
    let offset = buf.len();
    buf.reserve(s.len() + 1);
    buf.extend_from_slice(s.as_bytes());
    buf.push(0);
    Ok(offset)
}

/// A path as the kernel reads it: the bytes of a `&str` and a NUL, on the heap.
pub(crate) struct CPath(Vec<u8>);

impl CPath {
    /// Copies `path`; an empty path stays empty (the kernel answers `ENOENT`), a long one is
    /// left for the kernel to refuse (`ENAMETOOLONG`).
    ///
    /// # Errors
    ///
    /// `EINVAL` if `path` contains a NUL byte.
    pub(crate) fn new(path: &str) -> Result<CPath, Errno> {
        let mut buf = Vec::new();
        push_c_string(&mut buf, path)?;
        Ok(CPath(buf))
    }

    /// The address of the first byte, for a system call argument. Valid, and pointing at a
    /// NUL-terminated string, while `self` lives.
    pub(crate) fn addr(&self) -> usize {
        self.0.as_ptr() as usize
    }
}

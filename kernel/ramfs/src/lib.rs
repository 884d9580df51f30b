//! The RAM root file system's logic, without hardware access, so that it runs under plain
//! `cargo test` on the host. The kernel's VFS (`kernel/src/fs/`) wraps one [`RamFs`] in its lock
//! and backs it with physical frames; nothing here knows about processes, descriptors or user
//! memory.
//!
//! # Design
//!
//! - **An inode arena.** [`RamFs`] owns every inode in a map from inode number ([`Ino`], never
//!   reused) to the inode: its mode (Linux `S_IF*` type bits and permission bits), its link
//!   count, the number of references the VFS holds on it, and its body: a regular file (size and
//!   pages), a directory, or a *special* node (a device, a FIFO) whose contents the VFS supplies,
//!   identified by a tag the VFS chose ([`RamFs::mknod`], [`RamFs::special_tag`]).
//! - **Directories** map names to inode numbers (a `BTreeMap`) and remember their parent. `.`
//!   and `..` are not stored: the path walk and the listing produce them (`..` of the root is the
//!   root). A directory's link count is 2 plus its subdirectories, as on Linux. Names are at most
//!   [`NAME_MAX`] (255) bytes without `/` or NUL; paths are shorter than [`PATH_MAX`] (4096, which
//!   counts the NUL as Linux does), else `ENAMETOOLONG`.
//! - **Listings** ([`RamFs::dir_entry`]) give `.`, `..`, then the names in the order they were
//!   created. Each entry carries the cookie that resumes after it (getdents64's `d_off`): every
//!   name holds a sequence number, so a listing resumed after names were added or removed neither
//!   repeats nor skips a name that stayed.
//! - **File data** lives in 4 KiB pages from a [`PageStore`] (the kernel's frames; [`VecStore`]
//!   in tests), kept per file in a map from page index to page. Pages are allocated only when
//!   written, so a write past the end leaves a hole that reads as zeros and costs nothing. When
//!   the store runs out a write stops at the page it could not get: it reports the bytes it wrote,
//!   or `ENOSPC` if none; no page is ever allocated without holding file data, so nothing leaks.
//!   Shrinking frees pages at once; growing with `truncate` only moves the size.
//! - **Names and references.** An inode is freed (with its pages) when it has no name left *and*
//!   the VFS holds no reference: [`RamFs::open`] and [`RamFs::retain`] take one,
//!   [`RamFs::release`] drops it. So an unlinked file stays readable and writable through the
//!   descriptors that had it open, and its memory returns on the last close; a removed working
//!   directory stays, empty, and nothing can be created in it.
//! - **Errors** are [`abi::errno::Errno`] values, chosen as Linux chooses them (see each
//!   operation); running out of pages is an error, never a panic. (The arena's own small
//!   allocations come from the kernel heap.)
//! - **The initrd** is unpacked by [`fill_from_cpio`]: directories (created when the archive
//!   omits them), regular files with their modes and data, and hard links as names of one inode;
//!   symbolic links and device nodes are skipped and listed for the caller to log.
//!
//! # Use
//!
//! ```
//! use abi::errno::Errno;
//! use ramfs::{OpenOptions, RamFs, VecStore, ROOT_INO};
//!
//! let mut fs = RamFs::new(VecStore::new(16)); // at most 16 pages of file data
//! fs.mkdir("/tmp", ROOT_INO, 0o755).unwrap();
//! let create = OpenOptions { create: true, write: true, mode: 0o644, ..Default::default() };
//! let file = fs.open("/tmp/log", ROOT_INO, create).unwrap(); // takes a reference
//! fs.write_at(file, 0, b"hello").unwrap();
//! fs.unlink("/tmp/log", ROOT_INO).unwrap();
//! assert_eq!(fs.lookup("/tmp/log", ROOT_INO), Err(Errno::ENOENT));
//! let mut buf = [0; 5];
//! assert_eq!(fs.read_at(file, 0, &mut buf), Ok(5)); // still open: still readable
//! fs.release(file).unwrap(); // the last close frees the inode and its page
//! assert_eq!(fs.store().in_use(), 0);
//! ```
//!
//! # Lunaix's counterpart
//!
//! Lunaix splits the same job between its VFS (`kernel/fs/vfs.c`: `v_inode` with a
//! `link_count` and an `open_count`, freed when both are zero; `v_dnode`, a cache of names) and a
//! thin `ramfs` (`kernel/fs/ramfs/ramfs.c`) whose inodes keep their data in the VFS page cache.
//! Here the RAM file system owns both the names and the pages, because nothing lies below it to
//! cache. Lunaix's readdir also emits `.` and `..` itself before the children (positions 0 and
//! 1); its listing position counts children, ours is a per-name sequence number. Where Lunaix
//! refuses to unlink an open file, or to remove or rename a directory in use (`EBUSY`), this
//! crate follows POSIX and Linux: the name goes, the inode lives on until released.

#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

mod fill;
mod fs;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
mod path;
mod store;

pub use fill::{fill_from_cpio, FillReport, SkipReason, Skipped};
pub use fs::{
    DirEntry, FileType, Ino, OpenOptions, RamFs, Stat, MAX_FILE_SIZE, PERMISSION_BITS, ROOT_INO,
    S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK,
};
pub use path::{normalize, NAME_MAX, PATH_MAX};
pub use store::{PageHandle, PageStore, VecStore, PAGE_SIZE};

#[cfg(test)]
mod tests;

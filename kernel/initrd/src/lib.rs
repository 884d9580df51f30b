//! The initrd format, shared by the kernel and the host tool `initrd-builder`.
//!
//! An initrd is a cpio archive in the "newc" format (the one Linux uses for its initramfs), so
//! that ordinary tools (`cpio -t`, `cpio -i`) can read what `initrd-builder` writes. The programs
//! inside it are static i386 ELF executables.
//!
//! - [`cpio`] reads and writes newc archives.
//! - [`elf`] validates a user executable before the kernel loads it (and before the builder packs
//!   it), so both sides apply exactly the same rules.
//!
//! The crate is `no_std` with `alloc` (only the archive writer allocates); its host unit tests run
//! under plain `cargo test -p initrd`.

#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod cpio;
pub mod elf;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
pub mod path;

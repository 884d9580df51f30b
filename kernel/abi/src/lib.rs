//! The kernel/user ABI: everything both sides of `int 0x21` must agree on.
//!
//! A `no_std` leaf crate without dependencies, shared by the kernel, ulib, the initrd builder
//! and the host test harness, so a number or an encoding is defined exactly once:
//!
//! - [`nr`]: system call numbers, generated from `syscalls.tbl` (the one list of calls),
//! - [`errno`]: error numbers and the one encoding of results into `eax`,
//! - [`signal`]: signal numbers and the signal each user fault is killed with,
//! - [`wait`]: wait-status encoding,
//! - [`time`]: clocks and `struct timespec`,
//! - [`fs`]: open flags, `fcntl` commands, `pipe2`'s descriptor pair,
//! - [`dirent`]: the records `getdents64` fills, encoded and parsed,
//! - [`limits`]: sizes the kernel enforces,
//! - [`halt`]: how the end of pid 1 is reported through QEMU's exit device,
//! - [`layout`]: the virtual address-space layout.

#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod dirent;
pub mod errno;
pub mod fs;
pub mod halt;
pub mod layout;
pub mod limits;
pub mod nr;
pub mod signal;
pub mod time;
pub mod tty;
pub mod wait;

pub use errno::Errno;
pub use signal::Signal;

//! Pure kernel logic with no hardware access, so it can be unit-tested on the
//! host with plain `cargo test`: frame bookkeeping, the pid table (ids, groups, sessions), the sleep
//! timer queue, the kernel command-line parser, a process's signal state, its
//! descriptor table and a pipe's buffer.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]
// `Box::try_new`: a record that cannot be allocated is an error, not an abort.
#![feature(allocator_api)]

extern crate alloc;

pub mod cmdline;
pub mod fdtable;
pub mod frames;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
pub mod pid;
pub mod pipe;
pub mod procfs;
pub mod signal;
pub mod timerq;
pub mod tty;

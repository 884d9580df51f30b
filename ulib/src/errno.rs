//! Error numbers.
//!
//! Every fallible call in ulib returns `Result<_, Errno>`. [`Errno`] is the kernel's own type
//! (from the shared `abi` crate): a `#[repr(i32)]` enum with the Linux values, whose
//! `Display` gives the usual message and whose [`name`](Errno::name) gives the symbol.
//!
//! ```no_run
//! use ulib::prelude::*;
//!
//! match wait() {
//!     Err(Errno::ECHILD) => println!("no children left"),
//!     Err(e) => println!("wait failed: {} ({e})", e.name()), // "EINTR (Interrupted system call)"
//!     Ok(status) => println!("{status:?}"),
//! }
//! ```

pub use abi::errno::{Errno, MAX_ERRNO, decode_result};

//! The names almost every program uses: `use ulib::prelude::*;`.
//!
//! Exactly the printing macros ([`print!`], [`println!`], [`eprint!`], [`eprintln!`]), the
//! value types [`Pid`], [`ForkResult`], [`WaitFlags`], [`WaitStatus`], [`Signal`], [`Errno`],
//! [`Instant`] and the functions [`fork`], [`getpid`], [`getppid`], [`exit`], [`wait`],
//! [`waitpid`], [`yield_now`], [`execve`], [`sleep`]. There is no `Result` alias: fallible
//! calls return `core::result::Result<_, Errno>`.

pub use crate::errno::Errno;
pub use crate::process::{
    ForkResult, Pid, Signal, WaitFlags, WaitStatus, execve, exit, fork, getpid, getppid, wait,
    waitpid, yield_now,
};
pub use crate::time::{Instant, sleep};
pub use crate::{eprint, eprintln, print, println};

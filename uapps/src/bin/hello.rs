//! `hello`: greets, naming its pid and parent, and lists its arguments.
//!
//! Output:
//!
//! ```text
//! hello, world from pid <pid> (ppid <ppid>)
//! hello: argc = <n>
//! hello: argv[<i>] = <arg>          (one line per argument)
//! ```

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use ulib::prelude::*;

ulib::entry!(main);

fn main() -> i32 {
    println!("hello, world from pid {} (ppid {})", getpid(), getppid());
    let args = ulib::env::args();
    println!("hello: argc = {}", args.len());
    for (i, arg) in args.enumerate() {
        println!("hello: argv[{i}] = {arg}");
    }
    0
}

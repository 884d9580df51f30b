//! `sleep`: with no argument, the sample: three children sleep 3, 1 and 2 seconds at once;
//! they must wake in order 1, 2, 3, and the whole takes about 3 s, not 6. `sleep N` is the
//! tool: it sleeps N seconds (on through signals it survives) and exits 0; `--help` prints the
//! usage, a bad N is a usage error (status 2).
//!
//! Each child measures its own sleep with the monotonic clock and exits with the number of
//! seconds it slept; the parent records the order in which they end.
//!
//! Output:
//!
//! ```text
//! sleep: child slept <s> s, woke after <ms> ms     (from each child, in wake order)
//! sleep: wake order <a> <b> <c>                    (expected: 1 2 3)
//! sleep: all children done after <ms> ms
//! ```
//!
//! Exit status 0 if the order is 1 2 3, 1 otherwise.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use uapps::Millis;
use uapps::tool::Tool;
use ulib::prelude::*;

ulib::entry!(main);

const NAPS: [u32; 3] = [3, 1, 2];

fn main() -> i32 {
    let mut args = ulib::env::args().skip(1);
    match (args.next(), args.next()) {
        (None, _) => sleepers(),
        (Some(arg), None) => sleep_for(arg),
        (Some(_), Some(_)) => {
            Tool::new("sleep", SYNOPSIS, "").usage_error(format_args!("one duration, in seconds"))
        }
    }
}

const SYNOPSIS: &str = "[SECONDS]";

/// `sleep N`.
fn sleep_for(arg: &str) -> i32 {
    let mut tool = Tool::new(
        "sleep",
        SYNOPSIS,
        "  SECONDS  sleep this many seconds (none: the three-sleepers sample)\n",
    );
    if arg == "--help" {
        return tool.help();
    }
    let Ok(mut left) = arg.parse::<u32>() else {
        return tool.usage_error(format_args!("invalid time interval '{arg}'"));
    };
    while left > 0 {
        left = sleep(left);
    }
    0
}

/// The sample: three children sleeping at once.
fn sleepers() -> i32 {
    let start = Instant::now();
    let mut children = 0;
    for seconds in NAPS {
        let forked = uapps::run_in_child(|| {
            let t0 = Instant::now();
            let left = sleep(seconds);
            let took = Millis::from_duration(t0.elapsed());
            println!("sleep: child slept {seconds} s, woke after {took} ms");
            if left != 0 {
                println!("sleep: child woke with {left} s left");
            }
            seconds as i32
        });
        match forked {
            Ok(_) => children += 1,
            Err(e) => println!("sleep: fork failed: {}", e.name()),
        }
    }
    let mut order = Vec::new();
    for _ in 0..children {
        match wait() {
            Ok(WaitStatus::Exited(_, code)) => order.push(code),
            Ok(other) => println!("sleep: a child {other}"),
            Err(e) => println!("sleep: wait failed: {}", e.name()),
        }
    }
    let mut line = String::from("sleep: wake order");
    for code in &order {
        // Writing to a String cannot fail.
        let _ = write!(line, " {code}");
    }
    println!("{line}");
    println!(
        "sleep: all children done after {} ms",
        Millis::from_duration(start.elapsed())
    );
    if order == [1, 2, 3] { 0 } else { 1 }
}

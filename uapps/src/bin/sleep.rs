//! `sleep`: three children sleep 3, 1 and 2 seconds at once; they must wake in order 1, 2, 3,
//! and the whole takes about 3 s, not 6.
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
use ulib::prelude::*;

ulib::entry!(main);

const NAPS: [u32; 3] = [3, 1, 2];

fn main() -> i32 {
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

//! `sleep`: with no argument, the sample: three children sleep 3, 1 and 2 seconds at once;
//! they must wake in order 1, 2, 3, and the whole takes about 3 s, not 6. `sleep N` is the
//! tool: it sleeps N seconds, a decimal fraction allowed (`sleep 0.5`), on through signals it
//! survives, and exits 0; `--help` prints the
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
use core::time::Duration;

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
        "  SECONDS  sleep this many seconds, fractions allowed (none: the three-sleepers sample)\n",
    );
    if arg == "--help" {
        return tool.help();
    }
    let Some(mut left) = parse_seconds(arg) else {
        return tool.usage_error(format_args!("invalid time interval '{arg}'"));
    };
    // A caught signal that returns cuts the sleep short: sleep the rest.
    while let Err(rest) = ulib::time::nanosleep(left) {
        left = rest;
    }
    0
}

/// Seconds as a decimal number: whole (`2`) or with a fraction (`0.5`, `.25`, `1.`); digits
/// past the nanosecond are ignored.
fn parse_seconds(arg: &str) -> Option<Duration> {
    let (whole, fraction) = arg.split_once('.').unwrap_or((arg, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || (whole.is_empty() && fraction.is_empty()) {
        return None;
    }
    let secs = if whole.is_empty() {
        0
    } else {
        whole.parse::<u64>().ok()?
    };
    let mut nanos = 0u32;
    for (i, b) in fraction.bytes().take(9).enumerate() {
        nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
    }
    Some(Duration::new(secs, nanos))
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

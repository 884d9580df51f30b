//! `spin [seconds]`: burns the CPU without making system calls, to show preemption.
//!
//! Without an argument it spins forever. With one, it first measures how fast it can count
//! (using the clock), then counts for about that many seconds with no system call at all,
//! and exits 0.
//!
//! Output:
//!
//! ```text
//! spin: pid <pid> spinning forever
//! spin: pid <pid> spinning for <s> s
//! spin: done                                  (only with a duration)
//! ```

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use ulib::prelude::*;

ulib::entry!(main);

fn main() -> i32 {
    match ulib::env::args().nth(1).map(uapps::parse_u32) {
        None => {
            println!("spin: pid {} spinning forever", getpid());
            loop {
                uapps::spin(u64::MAX);
            }
        }
        Some(Some(seconds)) => {
            let per_ms = uapps::spin_rate_per_ms();
            println!("spin: pid {} spinning for {seconds} s", getpid());
            uapps::spin(per_ms.saturating_mul(u64::from(seconds) * 1000));
            println!("spin: done");
            0
        }
        Some(None) => {
            eprintln!("usage: spin [seconds]");
            2
        }
    }
}

//! `faults`: runs each kind of CPU fault in its own child and reports the signal that killed
//! it; the parent must live on.
//!
//! Output:
//!
//! ```text
//! faults: <name> -> killed by <SIGNAME>       one line per fault, names: null_store, load_from_8,
//!                                            text_write, kernel_read, kernel_write,
//!                                            kernel_read_high, divide_by_zero, ud2, int3
//! faults: <name> -> <other status> (expected <SIGNAME>)   (on a wrong outcome)
//! faults: parent still alive
//! ```
//!
//! Exit status 0 when every fault gave its expected signal, 1 otherwise.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use uapps::fault::Fault;
use ulib::prelude::*;

ulib::entry!(main);

fn main() -> i32 {
    let mut wrong = 0;
    for fault in Fault::ALL {
        let name = fault.name();
        let expected = fault.expected_signal();
        match fault.run_in_child() {
            Ok(WaitStatus::Signaled(_, sig)) if sig == expected => {
                println!("faults: {name} -> killed by {sig}");
            }
            Ok(other) => {
                println!("faults: {name} -> {other} (expected {expected})");
                wrong += 1;
            }
            Err(e) => {
                println!("faults: {name} -> {} (expected {expected})", e.name());
                wrong += 1;
            }
        }
    }
    println!("faults: parent still alive");
    if wrong == 0 { 0 } else { 1 }
}

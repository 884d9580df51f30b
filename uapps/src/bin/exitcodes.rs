//! `exitcodes`: children end in different ways; the parent decodes each wait status.
//!
//! Children exit with 0, 1, 42 and 255, one returns 7 from `main`, and one panics (status 101,
//! after ulib's panic message on stderr).
//!
//! Output:
//!
//! ```text
//! exitcodes: <how> -> <status>          for example `exitcodes: exit(42) -> Exited(42)`,
//!                                       `exitcodes: panic -> Exited(101)`,
//!                                       `exitcodes: return 7 from main -> Exited(7)`
//! exitcodes: all statuses as expected   (exit 0; otherwise `exitcodes: MISMATCH ...`, exit 1)
//! ```
//!
//! `<status>` is `Exited(<code>)` or `Signaled(<SIGNAME>)`.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use ulib::prelude::*;

ulib::entry!(main);

/// How a child should end.
#[derive(Clone, Copy)]
enum Ending {
    Exit(i32),
    Panic,
    ReturnFromMain(i32),
}

const ENDINGS: [Ending; 6] = [
    Ending::Exit(0),
    Ending::Exit(1),
    Ending::Exit(42),
    Ending::Exit(255),
    Ending::ReturnFromMain(7),
    Ending::Panic,
];

fn main() -> i32 {
    let mut mismatches = 0;
    for ending in ENDINGS {
        let how = ending;
        let expected = match ending {
            Ending::Exit(code) | Ending::ReturnFromMain(code) => code,
            Ending::Panic => 101,
        };
        let child = match fork() {
            Ok(ForkResult::Child) => match ending {
                Ending::Exit(code) => exit(code),
                Ending::Panic => panic!("exitcodes: deliberate panic"),
                // Leave through `main`, like a program that simply ends.
                Ending::ReturnFromMain(code) => return code,
            },
            Ok(ForkResult::Parent { child }) => child,
            Err(e) => {
                println!("exitcodes: MISMATCH: fork failed: {}", e.name());
                mismatches += 1;
                continue;
            }
        };
        match waitpid(Some(child), WaitFlags::empty()) {
            Ok(WaitStatus::Exited(pid, code)) if pid == child => {
                println!("exitcodes: {how} -> Exited({code})");
                if code != expected {
                    println!("exitcodes: MISMATCH: {how}: expected Exited({expected})");
                    mismatches += 1;
                }
            }
            Ok(WaitStatus::Signaled(pid, sig)) if pid == child => {
                println!("exitcodes: {how} -> Signaled({sig})");
                println!("exitcodes: MISMATCH: {how}: expected Exited({expected})");
                mismatches += 1;
            }
            other => {
                println!("exitcodes: MISMATCH: {how}: waitpid returned {other:?}");
                mismatches += 1;
            }
        }
    }
    if mismatches == 0 {
        println!("exitcodes: all statuses as expected");
        0
    } else {
        1
    }
}

impl core::fmt::Display for Ending {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match *self {
            Ending::Exit(code) => write!(f, "exit({code})"),
            Ending::Panic => f.write_str("panic"),
            Ending::ReturnFromMain(code) => write!(f, "return {code} from main"),
        }
    }
}

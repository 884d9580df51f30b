//! `orphan`: a child forks a grandchild and exits at once; the grandchild, orphaned, must be
//! re-parented to pid 1 (which will collect it).
//!
//! The parent waits for the child, then sleeps 2 s so the grandchild's report comes before
//! its own last line.
//!
//! Output:
//!
//! ```text
//! orphan: parent pid <p> forked child <c>
//! orphan: child pid <c> forked grandchild <g>, exiting
//! orphan: child <c> exited with status 0
//! orphan: my parent is now pid 1                  (grandchild, after 1 s)
//! orphan: my parent is now pid <x>, expected 1    (instead, on failure; grandchild exits 1)
//! orphan: done
//! ```

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use ulib::prelude::*;

ulib::entry!(main);

fn main() -> i32 {
    let child = match fork() {
        Ok(ForkResult::Child) => exit(child()),
        Ok(ForkResult::Parent { child }) => child,
        Err(e) => {
            println!("orphan: fork failed: {}", e.name());
            return 1;
        }
    };
    println!("orphan: parent pid {} forked child {child}", getpid());
    let code = match waitpid(Some(child), WaitFlags::empty()) {
        Ok(status @ WaitStatus::Exited(_, code)) => {
            println!("orphan: child {child} {status}");
            code
        }
        other => {
            println!("orphan: waitpid for child {child} returned {other:?}");
            1
        }
    };
    sleep(2);
    println!("orphan: done");
    code
}

/// The middle process: forks the grandchild and exits without waiting for it.
fn child() -> i32 {
    let me = getpid();
    match fork() {
        Ok(ForkResult::Child) => exit(grandchild(me)),
        Ok(ForkResult::Parent { child }) => {
            println!("orphan: child pid {me} forked grandchild {child}, exiting");
            0
        }
        Err(e) => {
            println!("orphan: child: fork failed: {}", e.name());
            1
        }
    }
}

/// The grandchild: once its parent is gone, its parent must be pid 1.
fn grandchild(parent: Pid) -> i32 {
    sleep(1);
    // The parent exits right after forking; allow it a little longer on a slow machine.
    let mut tries = 0;
    while getppid() == parent && tries < 5 {
        sleep(1);
        tries += 1;
    }
    let now = getppid();
    if now == Pid::from_raw(1) {
        println!("orphan: my parent is now pid 1");
        0
    } else {
        println!("orphan: my parent is now pid {now}, expected 1");
        1
    }
}

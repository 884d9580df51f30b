//! `forktest`: forks until the kernel refuses, then reaps every child and forks once more.
//!
//! Each child sleeps 2 s and exits 0, so all of them exist (alive or as zombies) until the
//! parent reaps them. Fork must fail with `EAGAIN` (process table full) or `ENOMEM`.
//!
//! Output:
//!
//! ```text
//! forktest: forked <n> children, fork failed with <ERRNO>, reaped <n>
//! forktest: wait after reaping all: ECHILD
//! forktest: fork after reaping works
//! forktest: ok                                   (exit 0; otherwise `forktest: FAILED: <why>`, exit 1)
//! ```

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use ulib::prelude::*;

ulib::entry!(main);

/// Give up (and fail) if fork still works after this many children.
const MAX_CHILDREN: u32 = 100_000;

fn main() -> i32 {
    match run() {
        Ok(()) => {
            println!("forktest: ok");
            0
        }
        Err(why) => {
            println!("forktest: FAILED: {why}");
            1
        }
    }
}

fn run() -> Result<(), &'static str> {
    let mut forked = 0u32;
    let error = loop {
        if forked == MAX_CHILDREN {
            break None;
        }
        match fork() {
            Ok(ForkResult::Child) => {
                sleep(2);
                exit(0);
            }
            Ok(ForkResult::Parent { .. }) => forked += 1,
            Err(e) => break Some(e),
        }
    };
    let mut reaped = 0u32;
    let mut bad = 0u32;
    while reaped < forked {
        match wait() {
            Ok(WaitStatus::Exited(_, 0)) => reaped += 1,
            Ok(_) => {
                reaped += 1;
                bad += 1;
            }
            Err(_) => break,
        }
    }
    let name = error.map_or("nothing", Errno::name);
    println!("forktest: forked {forked} children, fork failed with {name}, reaped {reaped}");
    let Some(error) = error else {
        return Err("fork never failed");
    };
    if error != Errno::EAGAIN && error != Errno::ENOMEM {
        return Err("fork failed with an error other than EAGAIN or ENOMEM");
    }
    if forked == 0 {
        return Err("not a single fork succeeded");
    }
    if reaped != forked {
        return Err("fewer children reaped than forked");
    }
    if bad != 0 {
        return Err("a child did not exit with status 0");
    }
    match wait() {
        Err(Errno::ECHILD) => println!("forktest: wait after reaping all: ECHILD"),
        _ => return Err("wait after reaping every child did not fail with ECHILD"),
    }
    match fork() {
        Ok(ForkResult::Child) => exit(0),
        Ok(ForkResult::Parent { child }) => match waitpid(Some(child), WaitFlags::empty()) {
            Ok(WaitStatus::Exited(pid, 0)) if pid == child => {
                println!("forktest: fork after reaping works");
                Ok(())
            }
            _ => Err("the child of the fresh fork did not exit cleanly"),
        },
        Err(_) => Err("fork failed again after every child was reaped"),
    }
}

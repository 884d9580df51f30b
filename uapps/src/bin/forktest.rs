//! `forktest`: forks until the kernel refuses, then reaps every child and forks once more.
//!
//! Each child blocks in `pause` until the parent, once fork has failed, kills it with
//! `SIGKILL`; so all of them are alive at once. Fork must fail with `ENOMEM` (memory ran out)
//! or `EAGAIN` (every pid in use).
//!
//! Output:
//!
//! ```text
//! forktest: forked <n> children, fork failed with <ERRNO>, reaped <n>
//! forktest: wait after reaping all: ECHILD
//! forktest: fork after reaping works
//! forktest: ok                                   (exit 0; otherwise `forktest: FAILED: <why>`, exit 1)
//! ```
//!
//! `forktest --exec-at-limit` also calls `execve` with the largest argument list the kernel
//! accepts (for a program that does not exist) twice: while every child is alive, then after
//! reaping. With a small kernel heap (`kheap=`) the first must fail with `ENOMEM` (the kernel
//! copies the arguments into its heap), the second with `ENOENT`; the kernel survives both:
//!
//! ```text
//! forktest: execve at the limit: ENOMEM
//! forktest: execve after reaping: ENOENT
//! ```

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use ulib::prelude::*;
use ulib::signal::{Signal, kill, pause};

ulib::entry!(main);

/// Give up (and fail) if fork still works after this many children (more than there are
/// pids).
const MAX_CHILDREN: u32 = 40_000;

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

/// The largest argument list `execve` accepts: `MAX_ARGS` strings filling `MAX_ARG_BYTES`
/// (each counted with its NUL), all read by the kernel before it looks for the program.
fn largest_argv() -> Vec<String> {
    let each = ulib::limits::MAX_ARG_BYTES / ulib::limits::MAX_ARGS - 1;
    (0..ulib::limits::MAX_ARGS)
        .map(|i| {
            let mut arg = String::new();
            while arg.len() < each {
                arg.push(char::from(b'a' + (i % 26) as u8));
            }
            arg
        })
        .collect()
}

/// Execs a program that does not exist with the largest argument list; returns the error.
fn exec_largest(argv: &[String]) -> Errno {
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    match execve("/bin/no-such-program", &argv) {
        Err(e) => e,
        Ok(never) => match never {},
    }
}

fn run() -> Result<(), &'static str> {
    let exec_at_limit = ulib::env::args().nth(1) == Some("--exec-at-limit");
    // Built before the first fork: at the limit, this process's own heap must not be the
    // reason for a failure.
    let argv = largest_argv();
    // Reserved before the first fork, for the same reason.
    let mut children = Vec::with_capacity(MAX_CHILDREN as usize);
    let mut forked = 0u32;
    let error = loop {
        if forked == MAX_CHILDREN {
            break None;
        }
        match fork() {
            Ok(ForkResult::Child) => loop {
                pause();
            },
            Ok(ForkResult::Parent { child }) => {
                children.push(child);
                forked += 1;
            }
            Err(e) => break Some(e),
        }
    };
    if exec_at_limit {
        println!(
            "forktest: execve at the limit: {}",
            exec_largest(&argv).name()
        );
    }
    for &child in &children {
        if kill(child, Some(Signal::SIGKILL)).is_err() {
            return Err("kill of a child failed");
        }
    }
    let mut reaped = 0u32;
    let mut bad = 0u32;
    while reaped < forked {
        match wait() {
            Ok(WaitStatus::Signaled(_, Signal::SIGKILL)) => reaped += 1,
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
        return Err("a child did not die of SIGKILL");
    }
    if exec_at_limit {
        println!(
            "forktest: execve after reaping: {}",
            exec_largest(&argv).name()
        );
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

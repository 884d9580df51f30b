//! `init`: the default first program (pid 1).
//!
//! Without arguments it runs a short demo: each sample program in turn, waiting for it, then
//! it collects any orphans left, starts `/bin/sh` on the console, and exits 0 when the shell
//! ends (at once when the console has no input: the shell reads end of file). With arguments, `init <prog> [args...]` runs just
//! that program (a path, or a name looked up in `/bin`), collects every process that ends up
//! as its child, and exits with the program's status (128 + signal number if it was killed).
//!
//! Orphans re-parented to init are collected whenever they end. One that exited with status 0
//! is only counted; any other ending is reported at once.
//!
//! Output:
//!
//! ```text
//! init: pid <pid> running the demo                 (demo mode, first line)
//! init: starting <path> [args...]                  (before each program)
//! init: <path> exited with status <n>
//! init: <path> killed by <SIGNAME>
//! init: cannot start <path>: <ERRNO>
//! init: orphan pid <pid> exited with status <n>    (n != 0; or: killed by <SIGNAME>)
//! init: reaped <n> orphan(s)                       (after a program, if any ended meanwhile)
//! init: demo finished                              (demo mode, at the end)
//! ```

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use uapps::spawn;
use ulib::prelude::*;

ulib::entry!(main);

/// The demo: programs and their arguments, run one after another.
const DEMO: &[&[&str]] = &[
    &["/bin/hello"],
    &["/bin/forktree", "3"],
    &["/bin/exitcodes"],
    &["/bin/orphan"],
    &["/bin/sleep"],
    &["/bin/faults"],
    &["/bin/signal_demo"],
];

fn main() -> i32 {
    let args: Vec<&str> = ulib::env::args().skip(1).collect();
    if args.is_empty() {
        demo()
    } else {
        run_one(&args)
    }
}

/// Collects orphans: counts clean exits, reports anything else at once.
#[derive(Default)]
struct Orphans {
    reaped: u32,
}

impl Orphans {
    fn collect(&mut self, status: WaitStatus) {
        self.reaped += 1;
        if let (Some(pid), false) = (status.pid(), matches!(status, WaitStatus::Exited(_, 0))) {
            println!("init: orphan pid {pid} {status}");
        }
    }

    /// Prints how many orphans were collected since the last report.
    fn report(&mut self) {
        match self.reaped {
            0 => {}
            1 => println!("init: reaped 1 orphan"),
            n => println!("init: reaped {n} orphans"),
        }
        self.reaped = 0;
    }
}

/// Runs `argv` (argv[0] is the path) and waits for it, collecting orphans meanwhile.
/// Returns how it ended, or `None` if it could not be started.
fn run(argv: &[&str], orphans: &mut Orphans) -> Option<WaitStatus> {
    let path = argv[0];
    println!("init: starting {}", argv.join(" "));
    let child = match spawn(path, argv) {
        Ok(child) => child,
        Err(e) => {
            println!("init: cannot start {path}: {}", e.name());
            return None;
        }
    };
    let result = loop {
        match wait() {
            Ok(status) if status.pid() == Some(child) => {
                println!("init: {path} {status}");
                break Some(status);
            }
            Ok(orphan) => orphans.collect(orphan),
            Err(e) => {
                // Cannot happen while `child` lives; report it rather than spin.
                println!("init: wait failed: {}", e.name());
                break None;
            }
        }
    };
    orphans.report();
    result
}

fn demo() -> i32 {
    println!("init: pid {} running the demo", getpid());
    let mut orphans = Orphans::default();
    for argv in DEMO {
        run(argv, &mut orphans);
    }
    uapps::reap_all(|status| orphans.collect(status));
    orphans.report();
    println!("init: demo finished");
    // Then a shell on the console; with no input (CI, `make run </dev/null`) it reads end of
    // file and ends at once, and init with it.
    // Its status is reported above; the demo itself went well.
    run(&["/bin/sh"], &mut orphans);
    uapps::reap_all(|status| orphans.collect(status));
    orphans.report();
    0
}

fn run_one(args: &[&str]) -> i32 {
    let path: String = if args[0].starts_with('/') {
        String::from(args[0])
    } else {
        format!("/bin/{}", args[0])
    };
    let mut argv: Vec<&str> = Vec::with_capacity(args.len());
    argv.push(&path);
    argv.extend_from_slice(&args[1..]);
    let mut orphans = Orphans::default();
    let status = run(&argv, &mut orphans);
    uapps::reap_all(|status| orphans.collect(status));
    orphans.report();
    match status {
        Some(WaitStatus::Exited(_, code)) => code,
        Some(WaitStatus::Signaled(_, sig)) => 128 + sig as i32,
        Some(WaitStatus::StillAlive | WaitStatus::Stopped(..) | WaitStatus::Continued(_))
        | None => 127,
    }
}

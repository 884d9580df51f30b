//! The driver of the test programs made of named cases (`ptest`, `hostile`).
//!
//! A program lists its cases in a [`Suite`] and returns [`Suite::main`] from its `main`:
//!
//! - `<program> <case> [args...]` runs the case in this process, then collects every remaining
//!   child until `wait` reports `ECHILD` (the duty of pid 1, which these programs are booted as;
//!   orphans are re-parented to it) and prints `PASS <case>` or `FAIL: <case>: <why>`; a child
//!   that did not exit 0 fails the case. The exit status is 0 or 1. Any further arguments are
//!   the case's own.
//! - `<program> all` runs every case in a forked child of its own (a [`Case::in_process`] one in
//!   this process), fails a case whose process did not exit 0 or that left an orphan that did
//!   not, and ends with `<program>: <p> passed, <f> failed`; the exit status is 0 only if every
//!   case passed.
//! - `<program> list` prints the case names, one a line.
//! - Without a case, or with an unknown one, it prints the usage on stderr and exits with 2.
//!
//! A case returns `Ok(())` or `Err(why)`, for any error type that is a [`CaseError`] (a
//! `String` is); [`ensure!`](crate::ensure) and [`bail!`](crate::bail) fail it with a formatted
//! reason.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use ulib::prelude::*;

#[doc(hidden)]
pub use alloc::format as __format;

/// Fails the case with a formatted reason unless `cond` holds: returns
/// `Err(From::from(format!(...)))` from the enclosing function.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($why:tt)+) => {
        if !$cond {
            return ::core::result::Result::Err(::core::convert::From::from(
                $crate::cases::__format!($($why)+),
            ));
        }
    };
}

/// Fails the case with a formatted reason: returns `Err(From::from(format!(...)))` from the
/// enclosing function.
#[macro_export]
macro_rules! bail {
    ($($why:tt)+) => {
        return ::core::result::Result::Err(::core::convert::From::from(
            $crate::cases::__format!($($why)+),
        ))
    };
}

/// The error type of a case.
pub trait CaseError {
    /// The reason printed after `FAIL: <case>: `.
    fn reason(self) -> String;

    /// `Some(status)` if this is no failure but a child of the case that asks to leave by
    /// returning `status` from `main` (in the test process itself it is a failure, with its
    /// [`reason`](CaseError::reason)).
    fn return_from_main(&self) -> Option<i32> {
        None
    }
}

impl CaseError for String {
    fn reason(self) -> String {
        self
    }
}

/// One named case of a [`Suite`].
pub struct Case<E: 'static> {
    name: &'static str,
    run: fn() -> Result<(), E>,
    /// Runs in the `<program> all` process itself rather than in a child.
    in_process: bool,
}

impl<E> Case<E> {
    /// The case `name`, which `<program> all` runs in a forked child.
    pub const fn new(name: &'static str, run: fn() -> Result<(), E>) -> Case<E> {
        Case {
            name,
            run,
            in_process: false,
        }
    }

    /// The case `name`, which `<program> all` runs in its own process (for a case that
    /// inspects the identity of the process it runs in).
    pub const fn in_process(name: &'static str, run: fn() -> Result<(), E>) -> Case<E> {
        Case {
            name,
            run,
            in_process: true,
        }
    }
}

/// How the driver words its own failure lines, which differ from program to program.
pub struct Wording {
    /// `FAIL: <case>: child process <pid> returned into the <driver>`, for a child of the
    /// case that returned from it.
    pub driver: &'static str,
    /// `FAIL: <case>: <fork_failed>: <ERRNO>`, when `all` cannot fork the case's process.
    pub fork_failed: &'static str,
    /// `FAIL: <case>: <wait_failed>: <ERRNO>`, when `all` cannot wait for it.
    pub wait_failed: &'static str,
    /// What follows `leftover process ` for a child that did not exit 0 after a single case.
    pub leftover: fn(WaitStatus) -> String,
}

/// A test program: its name, usage, cases and wording.
pub struct Suite<E: 'static> {
    /// The program's name, which starts its usage, `unknown case` and summary lines.
    pub program: &'static str,
    /// The arguments in the usage line (`usage: <program> <usage>`).
    pub usage: &'static str,
    /// The cases, in the order `all` and `list` take them.
    pub cases: &'static [Case<E>],
    /// The wording of the driver's failure lines.
    pub wording: Wording,
}

impl<E: CaseError> Suite<E> {
    /// The program's `main`: runs what the command line asks for and returns the status
    /// `main` must return.
    pub fn main(&self) -> i32 {
        let Some(which) = ulib::env::args().nth(1) else {
            self.usage();
            return 2;
        };
        match which {
            "all" => self.run_all(),
            "list" => {
                for case in self.cases {
                    println!("{}", case.name);
                }
                0
            }
            name => match self.cases.iter().find(|c| c.name == name) {
                Some(case) => self.run_single(case),
                None => {
                    eprintln!("{}: unknown case {name}", self.program);
                    self.usage();
                    2
                }
            },
        }
    }

    fn usage(&self) {
        eprintln!("usage: {} {}", self.program, self.usage);
        let names: Vec<&str> = self.cases.iter().map(|c| c.name).collect();
        eprintln!("cases: {}", names.join(" "));
    }

    /// Runs one case in this process, collects every remaining child, and prints the verdict.
    /// Returns the status `main` should return.
    fn run_single(&self, case: &Case<E>) -> i32 {
        let me = getpid();
        let result = (case.run)();
        if getpid() != me {
            // A child of the case must leave through `exit` or `return_from_main`, never by
            // returning into the driver as if it were the test process.
            if let Some(code) = result.as_ref().err().and_then(E::return_from_main) {
                return code;
            }
            println!(
                "FAIL: {}: child process {} returned into the {}",
                case.name,
                getpid(),
                self.wording.driver
            );
            exit(1);
        }
        let mut why = result.err().map(E::reason);
        // pid 1's duty, and good hygiene otherwise: nothing may be left behind.
        crate::reap_all(|status| {
            if !matches!(status, WaitStatus::Exited(_, 0)) && why.is_none() {
                why = Some(format!(
                    "leftover process {}",
                    (self.wording.leftover)(status)
                ));
            }
        });
        match why {
            None => {
                println!("PASS {}", case.name);
                0
            }
            Some(why) => {
                println!("FAIL: {}: {why}", case.name);
                1
            }
        }
    }

    /// Runs every case, each in a fresh child (except in-process ones), and prints a summary.
    fn run_all(&self) -> i32 {
        let (mut passed, mut failed) = (0u32, 0u32);
        for case in self.cases {
            let ok = if case.in_process {
                self.run_single(case) == 0
            } else {
                let child = match fork() {
                    // The case's process returns its status from `main`.
                    Ok(ForkResult::Child) => return self.run_single(case),
                    Ok(ForkResult::Parent { child }) => child,
                    Err(e) => {
                        println!(
                            "FAIL: {}: {}: {}",
                            case.name,
                            self.wording.fork_failed,
                            e.name()
                        );
                        failed += 1;
                        continue;
                    }
                };
                self.run_to_end(case.name, child)
            };
            if ok {
                passed += 1;
            } else {
                failed += 1;
            }
        }
        // Stragglers (orphans handed to us if we are pid 1) must have ended well too.
        crate::reap_all(|status| {
            if !matches!(status, WaitStatus::Exited(_, 0)) {
                println!("FAIL: all: orphan process {status:?}");
                failed += 1;
            }
        });
        println!("{}: {passed} passed, {failed} failed", self.program);
        i32::from(failed != 0)
    }

    /// Waits for the test process `child` of case `name`, collecting orphans meanwhile;
    /// whether the case passed.
    fn run_to_end(&self, name: &str, child: Pid) -> bool {
        let mut ok = true;
        loop {
            match wait() {
                Ok(WaitStatus::Exited(pid, code)) if pid == child => return ok && code == 0,
                Ok(status) if status.pid() == Some(child) => {
                    println!("FAIL: {name}: the test process {status}");
                    return false;
                }
                Ok(WaitStatus::Exited(_, 0)) => {}
                Ok(orphan) => {
                    println!("FAIL: {name}: orphan process {orphan:?}");
                    ok = false;
                }
                Err(e) => {
                    println!("FAIL: {name}: {}: {}", self.wording.wait_failed, e.name());
                    return false;
                }
            }
        }
    }
}

/// Forks a child running `f`, which returns the child's exit status. The error is the reason
/// a case fails with: `fork failed: <ERRNO>`.
///
/// # Errors
///
/// When `fork` fails.
pub fn spawn(f: impl FnOnce() -> i32) -> Result<Pid, String> {
    crate::run_in_child(f).map_err(|e| format!("fork failed: {}", e.name()))
}

/// Waits for `child` and requires it to have exited with `code`; `what` names it in the
/// failure.
///
/// # Errors
///
/// The reason, when `waitpid` reports anything else.
pub fn expect_exit(child: Pid, code: i32, what: &str) -> Result<(), String> {
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Exited(pid, got)) if pid == child && got == code => Ok(()),
        other => Err(format!(
            "{what}: expected Exited({child}, {code}), waitpid gave {other:?}"
        )),
    }
}

/// Waits for `child` and requires it to have been killed by `sig`.
///
/// # Errors
///
/// The reason, when `waitpid` reports anything else.
pub fn expect_signal(child: Pid, sig: Signal, what: &str) -> Result<(), String> {
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Signaled(pid, got)) if pid == child && got == sig => Ok(()),
        other => Err(format!(
            "{what}: expected Signaled({child}, {sig}), waitpid gave {other:?}"
        )),
    }
}

/// Requires `child` to be alive and unchanged (`waitpid` with `WNOHANG` finds nothing).
///
/// # Errors
///
/// The reason, when `waitpid` reports anything else.
pub fn expect_alive(child: Pid, what: &str) -> Result<(), String> {
    match waitpid(Some(child), WaitFlags::WNOHANG) {
        Ok(WaitStatus::StillAlive) => Ok(()),
        r => Err(format!(
            "{what}: waitpid(WNOHANG) gave {r:?}, expected StillAlive"
        )),
    }
}

/// Sleeps `ms` milliseconds (a signal may cut it short).
pub fn nap(ms: u64) {
    let _ = ulib::time::nanosleep(core::time::Duration::from_millis(ms));
}

impl Wording {
    /// The wording of the scenario programs (`ptest`, `sigtest`, `pipetest`): each case runs
    /// in a "test process" forked by the "test driver".
    pub const TEST_PROCESS: Wording = Wording {
        driver: "test driver",
        fork_failed: "cannot fork the test process",
        wait_failed: "wait for the test process failed",
        leftover: leftover_pid_and_status,
    };
}

fn leftover_pid_and_status(status: WaitStatus) -> String {
    format!("{} {status}", status.pid().map_or(0, Pid::as_raw))
}

//! `signal_demo`: a tour of signals, in the spirit of LunaixOS's `signal_demo`.
//!
//! An alarm interrupts a pause; a parent pauses until SIGCHLD tells it a child ended; children
//! are killed, stopped and continued by signals and the parent reports their wait statuses; a
//! child catches its own SIGSEGV in a handler. Every step prints one line:
//!
//! ```text
//! signal_demo: pid <pid>: handlers installed for SIGALRM, SIGCHLD and SIGUSR1
//! signal_demo: alarm(1), then pause
//! signal_demo: SIGALRM arrived after <ms> ms, pause returned EINTR
//! signal_demo: raise(SIGUSR1): the handler ran with signal 10
//! signal_demo: child <pid> exits with 3 after 200 ms; pausing until SIGCHLD
//! signal_demo: SIGCHLD arrived; child <pid> exited with status 3
//! signal_demo: child <pid> waits in pause; kill(SIGTERM)
//! signal_demo: child <pid> killed by SIGTERM
//! signal_demo: child <pid> stopped by SIGSTOP
//! signal_demo: child <pid> continued by SIGCONT
//! signal_demo: child <pid> killed by SIGKILL
//! signal_demo: child <pid> writes to address 0 with a SIGSEGV handler installed
//! signal_demo: child <pid> caught SIGSEGV (signal 11) in its handler
//! signal_demo: child <pid> exited with status 42
//! signal_demo: done
//! ```
//!
//! It exits 0 when every step went as narrated, 1 otherwise (with a line saying what happened
//! instead).

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use core::time::Duration;

use uapps::Millis;
use uapps::fault::Fault;
use ulib::prelude::*;
use ulib::signal::{self, SaFlags, SigAction, SigHandler, SigSet};

ulib::entry!(main);

static ALARMS: AtomicU32 = AtomicU32::new(0);
static CHILD_EXITS: AtomicU32 = AtomicU32::new(0);
static USR1_SIGNO: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_alarm(_: i32) {
    ALARMS.fetch_add(1, Ordering::SeqCst);
}

extern "C" fn on_child(_: i32) {
    CHILD_EXITS.fetch_add(1, Ordering::SeqCst);
}

extern "C" fn on_usr1(signo: i32) {
    USR1_SIGNO.store(signo, Ordering::SeqCst);
}

extern "C" fn on_segv(signo: i32) {
    println!(
        "signal_demo: child {} caught SIGSEGV (signal {signo}) in its handler",
        getpid()
    );
    exit(42);
}

/// Installs `handler` for `sig`.
fn catch(sig: Signal, handler: extern "C" fn(i32)) -> Result<(), Errno> {
    let act = SigAction::new(
        SigHandler::Handler(handler),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the demo's handlers only touch atomics, print one line or exit, all of which is
    // safe at any point of the program.
    #[allow(unsafe_code)]
    unsafe { signal::sigaction(sig, &act) }.map(|_| ())
}

fn main() -> i32 {
    match demo() {
        Ok(()) => {
            println!("signal_demo: done");
            0
        }
        Err(why) => {
            println!("signal_demo: stopped: {why}");
            1
        }
    }
}

/// Waits for `child` with `flags` and prints what happened to it.
fn report(child: Pid, flags: WaitFlags) -> Result<WaitStatus, &'static str> {
    let status = waitpid(Some(child), flags).map_err(|_| "waitpid failed")?;
    match status {
        WaitStatus::Exited(pid, code) => {
            println!("signal_demo: child {pid} exited with status {code}")
        }
        WaitStatus::Signaled(pid, sig) => println!("signal_demo: child {pid} killed by {sig}"),
        WaitStatus::Stopped(pid, sig) => println!("signal_demo: child {pid} stopped by {sig}"),
        WaitStatus::Continued(pid) => println!("signal_demo: child {pid} continued by SIGCONT"),
        WaitStatus::StillAlive => return Err("the child is still running"),
    }
    Ok(status)
}

/// A child that waits for signals until one ends it.
fn pauser() -> Result<Pid, &'static str> {
    match fork().map_err(|_| "fork failed")? {
        ForkResult::Child => loop {
            signal::pause();
        },
        ForkResult::Parent { child } => Ok(child),
    }
}

fn demo() -> Result<(), &'static str> {
    catch(Signal::SIGALRM, on_alarm).map_err(|_| "sigaction(SIGALRM) failed")?;
    catch(Signal::SIGCHLD, on_child).map_err(|_| "sigaction(SIGCHLD) failed")?;
    catch(Signal::SIGUSR1, on_usr1).map_err(|_| "sigaction(SIGUSR1) failed")?;
    println!(
        "signal_demo: pid {}: handlers installed for SIGALRM, SIGCHLD and SIGUSR1",
        getpid()
    );

    // An alarm interrupts a pause.
    println!("signal_demo: alarm(1), then pause");
    let start = Instant::now();
    signal::alarm(1);
    while ALARMS.load(Ordering::SeqCst) == 0 {
        if signal::pause() != Errno::EINTR {
            return Err("pause did not return EINTR");
        }
    }
    println!(
        "signal_demo: SIGALRM arrived after {} ms, pause returned EINTR",
        Millis::from_duration(start.elapsed())
    );

    // A signal to oneself runs the handler before raise returns.
    signal::raise(Signal::SIGUSR1).map_err(|_| "raise failed")?;
    println!(
        "signal_demo: raise(SIGUSR1): the handler ran with signal {}",
        USR1_SIGNO.load(Ordering::SeqCst)
    );

    // Pausing until SIGCHLD says a child ended.
    let before = CHILD_EXITS.load(Ordering::SeqCst);
    let child = match fork().map_err(|_| "fork failed")? {
        ForkResult::Child => {
            let _ = ulib::time::nanosleep(Duration::from_millis(200));
            exit(3)
        }
        ForkResult::Parent { child } => child,
    };
    println!("signal_demo: child {child} exits with 3 after 200 ms; pausing until SIGCHLD");
    while CHILD_EXITS.load(Ordering::SeqCst) == before {
        signal::pause();
    }
    let status = waitpid(Some(child), WaitFlags::empty()).map_err(|_| "waitpid failed")?;
    match status {
        WaitStatus::Exited(pid, code) => {
            println!("signal_demo: SIGCHLD arrived; child {pid} exited with status {code}");
        }
        _ => return Err("the child did not exit normally"),
    }

    // Killed by a signal.
    let child = pauser()?;
    println!("signal_demo: child {child} waits in pause; kill(SIGTERM)");
    signal::kill(child, Some(Signal::SIGTERM)).map_err(|_| "kill failed")?;
    if report(child, WaitFlags::empty())? != WaitStatus::Signaled(child, Signal::SIGTERM) {
        return Err("SIGTERM did not kill the child");
    }

    // Stopped, continued, then killed.
    let child = pauser()?;
    signal::kill(child, Some(Signal::SIGSTOP)).map_err(|_| "kill failed")?;
    if report(child, WaitFlags::WUNTRACED)? != WaitStatus::Stopped(child, Signal::SIGSTOP) {
        return Err("SIGSTOP did not stop the child");
    }
    signal::kill(child, Some(Signal::SIGCONT)).map_err(|_| "kill failed")?;
    if report(child, WaitFlags::WCONTINUED)? != WaitStatus::Continued(child) {
        return Err("SIGCONT did not continue the child");
    }
    signal::kill(child, Some(Signal::SIGKILL)).map_err(|_| "kill failed")?;
    if report(child, WaitFlags::empty())? != WaitStatus::Signaled(child, Signal::SIGKILL) {
        return Err("SIGKILL did not kill the child");
    }

    // A fault caught by a handler.
    let child = match fork().map_err(|_| "fork failed")? {
        ForkResult::Child => {
            if catch(Signal::SIGSEGV, on_segv).is_err() {
                exit(1);
            }
            println!(
                "signal_demo: child {} writes to address 0 with a SIGSEGV handler installed",
                getpid()
            );
            Fault::NullStore.trigger();
            exit(2)
        }
        ForkResult::Parent { child } => child,
    };
    if report(child, WaitFlags::empty())? != WaitStatus::Exited(child, 42) {
        return Err("the SIGSEGV handler did not end the child with 42");
    }
    Ok(())
}

//! Signals: handlers, masks, sending, waiting (nix's names and shapes).
//!
//! A signal is delivered on the way back to user mode. With a handler installed, the kernel
//! saves the interrupted context on the user stack, runs the handler with the signal number
//! as its one argument and, when the handler returns, ulib's restorer asks the kernel
//! (`sigreturn`) to resume the program exactly where it was. While a handler runs, its
//! signal and the action's mask are blocked (unless [`SaFlags::SA_NODEFER`]); handlers
//! nest.
//!
//! A handler is an `extern "C" fn(i32)` and runs at an arbitrary point of the program, so
//! it should do little: set an atomic flag, count, or call async-signal-safe functions
//! (system calls such as [`write`](crate::io::write), [`kill`], [`exit`](crate::process::exit)).
//! The printing macros format into a stack buffer and write once, so they are safe enough
//! for tests, but they interleave with the interrupted output like any other write.
//! Installing a handler is therefore `unsafe`, as in nix.
//!
//! `SIGKILL` and `SIGSTOP` cannot be caught, ignored or blocked: [`sigaction`] fails with
//! `EINVAL` for them and masks silently leave them out.
//!
//! ```no_run
//! use core::sync::atomic::{AtomicI32, Ordering};
//! use ulib::prelude::*;
//! use ulib::signal::{self, SaFlags, SigAction, SigHandler, SigSet, SigmaskHow};
//!
//! static LAST: AtomicI32 = AtomicI32::new(0);
//!
//! extern "C" fn on_signal(sig: i32) {
//!     LAST.store(sig, Ordering::SeqCst);
//! }
//!
//! let action = SigAction::new(SigHandler::Handler(on_signal), SaFlags::SA_RESTART, SigSet::empty());
//! // SAFETY: the handler only stores to an atomic.
//! unsafe { signal::sigaction(Signal::SIGUSR1, &action) }.expect("sigaction");
//! signal::raise(Signal::SIGUSR1).expect("raise");
//! assert_eq!(LAST.load(Ordering::SeqCst), Signal::SIGUSR1 as i32);
//!
//! // Block SIGUSR2, send it, see it pending, then take it in sigsuspend.
//! let mut usr2 = SigSet::empty();
//! usr2.add(Signal::SIGUSR2);
//! // SAFETY: as above.
//! unsafe { signal::signal(Signal::SIGUSR2, SigHandler::Handler(on_signal)) }.expect("signal");
//! signal::sigprocmask(SigmaskHow::SIG_BLOCK, Some(&usr2), None).expect("sigprocmask");
//! signal::kill(getpid(), Some(Signal::SIGUSR2)).expect("kill");
//! assert!(signal::sigpending().expect("sigpending").contains(Signal::SIGUSR2));
//! assert_eq!(signal::sigsuspend(&SigSet::empty()), Errno::EINTR);
//! assert_eq!(LAST.load(Ordering::SeqCst), Signal::SIGUSR2 as i32);
//! ```

use core::fmt;

use abi::signal as sys;
pub use abi::signal::Signal;

use crate::errno::{Errno, decode_result};
use crate::process::{Pid, getpid};
use crate::raw;

core::arch::global_asm!(
    // The restorer every action ulib installs names (SA_RESTORER): the handler returns here
    // with `esp` at its argument, the signal number. Pop it, and `sigreturn` finds the saved
    // context at `esp`; it restores every register, so nothing after the trap runs.
    ".pushsection .text.__ulib_sigreturn, \"ax\", @progbits",
    ".globl __ulib_sigreturn",
    ".type __ulib_sigreturn, @function",
    "__ulib_sigreturn:",
    "    popl %eax",
    "    movl ${nr}, %eax",
    "    int $0x21",
    ".size __ulib_sigreturn, . - __ulib_sigreturn",
    ".popsection",
    nr = const raw::nr::SIGRETURN,
    options(att_syntax)
);

unsafe extern "C" {
    /// The restorer above. Never called from Rust: only its address is used.
    fn __ulib_sigreturn();
}

/// The address of ulib's restorer, the return address of every handler ulib installs.
fn restorer() -> u32 {
    __ulib_sigreturn as *const () as usize as u32
}

/// A set of signals, as masks and `sigpending` use them.
///
/// `SIGKILL` and `SIGSTOP` may be in a set, but a mask never holds them: the kernel leaves
/// them out.
///
/// ```no_run
/// use ulib::signal::{SigSet, Signal};
/// let mut set = SigSet::empty();
/// set.add(Signal::SIGINT);
/// set.add(Signal::SIGTERM);
/// assert!(set.contains(Signal::SIGINT) && !set.contains(Signal::SIGHUP));
/// assert_eq!(set.iter().collect::<Vec<_>>(), [Signal::SIGINT, Signal::SIGTERM]);
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SigSet(sys::SigSet);

impl SigSet {
    /// No signal.
    pub const fn empty() -> SigSet {
        SigSet(sys::SigSet::EMPTY)
    }

    /// Every signal (1..=31).
    pub const fn all() -> SigSet {
        SigSet(sys::SigSet::ALL)
    }

    /// The set with the kernel's bits `bits` (bit `n - 1` for signal `n`); bits that stand
    /// for no signal are dropped.
    pub const fn from_raw(bits: u32) -> SigSet {
        SigSet(sys::SigSet(bits & sys::SigSet::ALL.0))
    }

    /// The kernel's bits: bit `n - 1` for signal `n`.
    pub const fn as_raw(&self) -> u32 {
        self.0.0
    }

    /// Adds `sig`.
    pub fn add(&mut self, sig: Signal) {
        self.0 = self.0.with(sig);
    }

    /// Removes `sig`.
    pub fn remove(&mut self, sig: Signal) {
        self.0 = self.0.without(sig);
    }

    /// Removes every signal.
    pub fn clear(&mut self) {
        self.0 = sys::SigSet::EMPTY;
    }

    /// Whether `sig` is in the set.
    pub const fn contains(&self, sig: Signal) -> bool {
        self.0.contains(sig)
    }

    /// Whether the set holds no signal.
    pub const fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds every signal of `other`.
    pub fn extend(&mut self, other: &SigSet) {
        self.0 = self.0.union(other.0);
    }

    /// The signals in the set, lowest number first.
    pub fn iter(&self) -> SigSetIter {
        SigSetIter { rest: self.0 }
    }
}

/// The signals, e.g. `{SIGINT, SIGTERM}`.
impl fmt::Debug for SigSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The set holding only this signal.
impl From<Signal> for SigSet {
    fn from(sig: Signal) -> SigSet {
        SigSet(sys::SigSet::EMPTY.with(sig))
    }
}

impl FromIterator<Signal> for SigSet {
    fn from_iter<I: IntoIterator<Item = Signal>>(signals: I) -> SigSet {
        let mut set = SigSet::empty();
        for sig in signals {
            set.add(sig);
        }
        set
    }
}

impl Extend<Signal> for SigSet {
    fn extend<I: IntoIterator<Item = Signal>>(&mut self, signals: I) {
        for sig in signals {
            self.add(sig);
        }
    }
}

impl IntoIterator for &SigSet {
    type Item = Signal;
    type IntoIter = SigSetIter;

    fn into_iter(self) -> SigSetIter {
        self.iter()
    }
}

/// The signals of a [`SigSet`], lowest number first (from [`SigSet::iter`]).
#[derive(Clone, Debug)]
pub struct SigSetIter {
    /// The signals not yet returned.
    rest: sys::SigSet,
}

impl Iterator for SigSetIter {
    type Item = Signal;

    fn next(&mut self) -> Option<Signal> {
        let sig = self.rest.lowest()?;
        self.rest = self.rest.without(sig);
        Some(sig)
    }
}

/// What to do when a signal arrives.
#[derive(Clone, Copy, Debug, Eq)]
pub enum SigHandler {
    /// The default action (terminate, ignore, stop or continue, depending on the signal).
    SigDfl,
    /// Ignore the signal.
    SigIgn,
    /// Run this function with the signal number.
    Handler(extern "C" fn(i32)),
}

/// Handlers are equal when they are the same action or the same function address.
impl PartialEq for SigHandler {
    fn eq(&self, other: &SigHandler) -> bool {
        self.to_raw() == other.to_raw()
    }
}

impl core::hash::Hash for SigHandler {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.to_raw().hash(state);
    }
}

impl SigHandler {
    /// The `sa_handler` word: `SIG_DFL` (0), `SIG_IGN` (1) or the function's address.
    fn to_raw(self) -> u32 {
        match self {
            SigHandler::SigDfl => sys::SIG_DFL,
            SigHandler::SigIgn => sys::SIG_IGN,
            SigHandler::Handler(f) => f as usize as u32,
        }
    }

    /// The handler an `sa_handler` word stands for.
    fn from_raw(raw: u32) -> SigHandler {
        match raw {
            sys::SIG_DFL => SigHandler::SigDfl,
            sys::SIG_IGN => SigHandler::SigIgn,
            address => {
                // SAFETY: `address` is not 0, the one value a function pointer may not hold.
                // It is the handler this process installed (through ulib, the C shim or a raw
                // system call); calling it is as sound as installing it was, which the
                // installer promised.
                SigHandler::Handler(unsafe {
                    core::mem::transmute::<usize, extern "C" fn(i32)>(address as usize)
                })
            }
        }
    }
}

bitflags::bitflags! {
    /// Flags of a [`SigAction`] (`sa_flags`, Linux values).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct SaFlags: u32 {
        /// `wait` and `waitpid` (and later `read` and `write`) interrupted by this handler
        /// restart instead of failing with `EINTR`.
        const SA_RESTART = sys::SA_RESTART;
        /// The signal is not blocked while its handler runs.
        const SA_NODEFER = sys::SA_NODEFER;
        /// The action goes back to [`SigHandler::SigDfl`] when the handler is entered.
        const SA_RESETHAND = sys::SA_RESETHAND;
        /// On `SIGCHLD`: no signal when a child stops or continues.
        const SA_NOCLDSTOP = sys::SA_NOCLDSTOP;
        /// On `SIGCHLD`: children that end are reaped at once and never become zombies;
        /// `wait` blocks until all are gone, then fails with `ECHILD`.
        const SA_NOCLDWAIT = sys::SA_NOCLDWAIT;
    }
}

/// An action for a signal: a handler, flags, and the signals blocked while it runs.
///
/// Actions ulib makes always name ulib's restorer (`SA_RESTORER`), the code that returns
/// from a handler to the interrupted program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SigAction {
    /// The kernel's `struct sigaction`.
    sigaction: sys::SigAction,
}

impl SigAction {
    /// An action running `handler` with `flags`, blocking `mask` (and the signal itself,
    /// unless [`SaFlags::SA_NODEFER`]) while it runs.
    pub fn new(handler: SigHandler, flags: SaFlags, mask: SigSet) -> SigAction {
        SigAction {
            sigaction: sys::SigAction {
                handler: handler.to_raw(),
                mask: mask.0,
                flags: flags.bits() | sys::SA_RESTORER,
                restorer: restorer(),
            },
        }
    }

    /// The handler.
    pub fn handler(&self) -> SigHandler {
        SigHandler::from_raw(self.sigaction.handler)
    }

    /// The flags (without `SA_RESTORER` and other bits [`SaFlags`] does not name).
    pub fn flags(&self) -> SaFlags {
        SaFlags::from_bits_truncate(self.sigaction.flags)
    }

    /// The signals blocked while the handler runs.
    pub fn mask(&self) -> SigSet {
        SigSet(self.sigaction.mask)
    }

    /// The kernel's `struct sigaction`, restorer and all.
    pub fn as_raw(&self) -> sys::SigAction {
        self.sigaction
    }
}

/// Installs `act` for `sig` and returns the action it replaces.
///
/// # Safety
///
/// The handler runs at any point of the program, interrupting whatever it was doing (even
/// in the middle of an allocation): it must only do what is sound there, such as touching
/// atomics or making system calls.
///
/// # Errors
///
/// `EINVAL` for `SIGKILL` and `SIGSTOP`.
pub unsafe fn sigaction(sig: Signal, act: &SigAction) -> Result<SigAction, Errno> {
    let mut old = sys::SigAction::default();
    // SAFETY: `act.sigaction` is a live `struct sigaction` the kernel only reads, `old` one it
    // only writes, with no reference to it alive during the call; the handler's soundness is
    // the caller's promise (see `# Safety`).
    decode_result(unsafe {
        raw::sys_sigaction(
            sig as i32,
            &raw const act.sigaction as usize,
            &raw mut old as usize,
        )
    })?;
    Ok(SigAction { sigaction: old })
}

/// Installs `handler` for `sig` with [`SaFlags::SA_RESTART`] and an empty mask (as glibc's
/// `signal` does) and returns the handler it replaces.
///
/// # Safety
///
/// As for [`sigaction`].
///
/// # Errors
///
/// `EINVAL` for `SIGKILL` and `SIGSTOP`.
pub unsafe fn signal(sig: Signal, handler: SigHandler) -> Result<SigHandler, Errno> {
    let act = SigAction::new(handler, SaFlags::SA_RESTART, SigSet::empty());
    // SAFETY: the caller's promise about `handler` (see `# Safety`).
    unsafe { sigaction(sig, &act) }.map(|old| old.handler())
}

/// Sends `sig` to `pid`, or only checks that it could with `None`.
///
/// `pid` > 0 is one process, 0 the caller's process group, -1 every process but pid 1 and
/// the caller, below -1 the process group `-pid`.
///
/// # Errors
///
/// `ESRCH` when no process (or group) matches, `EPERM` when the caller may not signal it.
pub fn kill(pid: Pid, sig: Option<Signal>) -> Result<(), Errno> {
    let sig = sig.map_or(0, |s| s as i32);
    // SAFETY: kill touches no memory of the caller; a signal it sends itself is handled as
    // the action installed for it says.
    decode_result(unsafe { raw::sys_kill(pid.as_raw(), sig) }).map(drop)
}

/// Sends `sig` to every process of group `pgrp` (0: the caller's group), or only checks
/// with `None`.
///
/// # Errors
///
/// `EINVAL` for a negative `pgrp`; as [`kill`] otherwise.
pub fn killpg(pgrp: Pid, sig: Option<Signal>) -> Result<(), Errno> {
    if pgrp.as_raw() < 0 {
        return Err(Errno::EINVAL);
    }
    kill(Pid::from_raw(-pgrp.as_raw()), sig)
}

/// Sends `sig` to the calling process. A handler for it has run when `raise` returns
/// (unless `sig` is blocked).
///
/// # Errors
///
/// None in practice: the caller always exists.
pub fn raise(sig: Signal) -> Result<(), Errno> {
    kill(getpid(), Some(sig))
}

/// How [`sigprocmask`] changes the mask.
#[allow(non_camel_case_types)]
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SigmaskHow {
    /// Block the signals of the set too.
    SIG_BLOCK = sys::SIG_BLOCK,
    /// Unblock the signals of the set.
    SIG_UNBLOCK = sys::SIG_UNBLOCK,
    /// The set becomes the mask.
    SIG_SETMASK = sys::SIG_SETMASK,
}

/// Changes the calling process's signal mask as `how` says with `set` (unless `None`), and
/// stores the mask it had before in `old` (unless `None`).
///
/// `SIGKILL` and `SIGSTOP` are silently left out. A signal that becomes unblocked while
/// pending is delivered before `sigprocmask` returns.
///
/// # Errors
///
/// None in practice (`EINVAL` for an unknown `how`, which the type rules out).
pub fn sigprocmask(
    how: SigmaskHow,
    set: Option<&SigSet>,
    old: Option<&mut SigSet>,
) -> Result<(), Errno> {
    let set_ptr = set.map_or(0, |s| &raw const s.0 as usize);
    let old_ptr = old.map_or(0, |o| &raw mut o.0 as usize);
    // SAFETY: both pointers are NULL or come from live references for the whole call; the
    // kernel reads one `sigset` at `set_ptr` and writes one at `old_ptr` (an exclusive
    // reference, so nothing else observes the write).
    decode_result(unsafe { raw::sys_sigprocmask(how as i32, set_ptr, old_ptr) }).map(drop)
}

/// The signals that arrived while blocked and wait for delivery.
///
/// # Errors
///
/// None in practice.
pub fn sigpending() -> Result<SigSet, Errno> {
    let mut set = sys::SigSet::EMPTY;
    // SAFETY: `set` is a live, writable `sigset` for the whole call, with no reference to it.
    decode_result(unsafe { raw::sys_sigpending(&raw mut set as usize) })?;
    Ok(SigSet(set))
}

/// Replaces the mask with `mask` and waits until a signal's handler has run; then restores
/// the mask. Always returns the error it ends with: `EINTR`.
///
/// A signal whose default action ends the process ends it here.
pub fn sigsuspend(mask: &SigSet) -> Errno {
    // SAFETY: `mask` is a live `sigset` the kernel only reads.
    match decode_result(unsafe { raw::sys_sigsuspend(&raw const mask.0 as usize) }) {
        Err(e) => e,
        // The kernel never returns success; report what every sigsuspend ends with.
        Ok(_) => Errno::EINTR,
    }
}

/// Waits until a signal's handler has run. Always returns the error it ends with: `EINTR`.
///
/// A signal whose default action ends the process ends it here.
pub fn pause() -> Errno {
    // SAFETY: pause only blocks the caller.
    match decode_result(unsafe { raw::sys_pause() }) {
        Err(e) => e,
        Ok(_) => Errno::EINTR,
    }
}

/// Asks for `SIGALRM` after `seconds` seconds (0 cancels the alarm), replacing the alarm
/// set before, if any. Returns the seconds that alarm had left, rounded up (0 for none).
///
/// One alarm per process; it is not inherited by `fork`.
pub fn alarm(seconds: u32) -> u32 {
    // SAFETY: alarm only sets the caller's timer.
    decode_result(unsafe { raw::sys_alarm(seconds) }).map_or(0, |left| left as u32)
}

//! The signal calls made exactly as written (one `int 0x21` each through `ulib::raw`), for
//! arguments the safe API cannot express: invalid numbers, NULL actions, bad `how` values,
//! hostile pointers, restorers and handlers that point nowhere.

use ulib::errno::{Errno, decode_result};
use ulib::raw;

/// `sa_flags` bits, Linux i386 values (the contract's).
pub const SA_RESTORER: u32 = 0x0400_0000;
/// `SA_RESTART`.
pub const SA_RESTART: u32 = 0x1000_0000;
/// `SA_NODEFER`.
pub const SA_NODEFER: u32 = 0x4000_0000;

/// `struct sigaction` as the kernel reads it (Linux i386's old layout).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RawSigAction {
    /// The handler's address, 0 (SIG_DFL) or 1 (SIG_IGN).
    pub handler: u32,
    /// Blocked while the handler runs.
    pub mask: u32,
    /// `SA_*`.
    pub flags: u32,
    /// The handler's return address, with `SA_RESTORER`.
    pub restorer: u32,
}

impl RawSigAction {
    /// A handler at `addr` with `flags`, an empty mask and no restorer (the kernel's own
    /// return code on the stack does the sigreturn).
    pub fn handler(addr: usize, flags: u32) -> RawSigAction {
        RawSigAction {
            handler: addr as u32,
            mask: 0,
            flags,
            restorer: 0,
        }
    }
}

/// `sigaction(sig, act, oldact)` with references or NULL.
pub fn sigaction(
    sig: i32,
    act: Option<&RawSigAction>,
    old: Option<&mut RawSigAction>,
) -> Result<usize, Errno> {
    let act = act.map_or(0, |a| a as *const RawSigAction as usize);
    let old = old.map_or(0, |o| o as *mut RawSigAction as usize);
    // SAFETY: `act` is NULL or a live 16-byte struct the kernel only reads; `old` is NULL or
    // an exclusively borrowed 16-byte struct the kernel may fill with any bit pattern (all
    // are valid for four `u32`). A handler installed here is the caller's to make safe.
    decode_result(unsafe { raw::sys_sigaction(sig, act, old) })
}

/// The current action of `sig` (`sigaction(sig, NULL, &old)`).
pub fn query_action(sig: i32) -> Result<RawSigAction, Errno> {
    let mut old = RawSigAction::default();
    sigaction(sig, None, Some(&mut old)).map(|_| old)
}

/// `sigaction(sig, act, oldact)` with any addresses.
///
/// # Safety
///
/// `old` is NULL, memory the kernel must refuse to write, or 16 writable bytes that no live
/// Rust reference covers; if `act` is accepted, the handler it names may run at any time.
pub unsafe fn sigaction_at(sig: i32, act: usize, old: usize) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for both addresses (see `# Safety`).
    decode_result(unsafe { raw::sys_sigaction(sig, act, old) })
}

/// `sigprocmask(how, set, oldset)` with any addresses.
///
/// # Safety
///
/// `old` is NULL, memory the kernel must refuse to write, or 4 writable bytes that no live
/// Rust reference covers.
pub unsafe fn sigprocmask_at(how: i32, set: usize, old: usize) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `old`; `set` is only read.
    decode_result(unsafe { raw::sys_sigprocmask(how, set, old) })
}

/// `sigprocmask(how, &set, NULL)` with any `how`.
pub fn sigprocmask_how(how: i32, set: u32) -> Result<usize, Errno> {
    // SAFETY: the kernel only reads `set`, a live local.
    unsafe { sigprocmask_at(how, &set as *const u32 as usize, 0) }
}

/// `sigpending(set)` with any address.
///
/// # Safety
///
/// As for [`sigprocmask_at`]'s `old`.
pub unsafe fn sigpending_at(set: usize) -> Result<usize, Errno> {
    // SAFETY: the caller vouches for `set`.
    decode_result(unsafe { raw::sys_sigpending(set) })
}

/// `sigsuspend(mask)` with any address (the kernel only reads it).
pub fn sigsuspend_at(mask: usize) -> Result<usize, Errno> {
    // SAFETY: the kernel only reads the mask; a bad address must be EFAULT.
    decode_result(unsafe { raw::sys_sigsuspend(mask) })
}

/// `nanosleep(req, NULL)` with any address (the kernel only reads it).
pub fn nanosleep_at(req: usize) -> Result<usize, Errno> {
    // SAFETY: with a NULL remainder the kernel only reads `req`.
    decode_result(unsafe { raw::sys_nanosleep(req, 0) })
}

/// `kill(pid, sig)` with any numbers.
pub fn kill(pid: i32, sig: i32) -> Result<usize, Errno> {
    // SAFETY: kill touches no memory of the caller; what the signal does is the point.
    decode_result(unsafe { raw::sys_kill(pid, sig) })
}

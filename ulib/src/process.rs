//! Processes: create, replace, end and wait for them.
//!
//! The model is POSIX's: [`fork`] copies the calling process (memory is shared copy-on-write),
//! [`execve`] replaces the program of the calling process, [`exit`] ends it, and a parent
//! collects the [`WaitStatus`] of each child that ended with [`wait`] or [`waitpid`]. A child
//! whose parent ends first is re-parented to pid 1, which collects it.
//!
//! ```no_run
//! use ulib::prelude::*;
//!
//! let child = match fork().expect("fork") {
//!     ForkResult::Child => {
//!         // The child: replace this program with /bin/hello.
//!         let err = execve("/bin/hello", &["/bin/hello", "from exec"]).unwrap_err();
//!         eprintln!("execve failed: {err}");
//!         exit(127);
//!     }
//!     ForkResult::Parent { child } => child,
//! };
//! match waitpid(Some(child), WaitFlags::empty()) {
//!     Ok(WaitStatus::Exited(pid, code)) => println!("{pid} exited with {code}"),
//!     Ok(WaitStatus::Signaled(pid, sig)) => println!("{pid} was killed by {sig}"),
//!     Ok(other) => unreachable!("only WNOHANG, WUNTRACED or WCONTINUED return {other:?}"),
//!     Err(e) => println!("waitpid: {}", e.name()),
//! }
//! ```

use alloc::vec::Vec;
use core::convert::Infallible;
use core::fmt;

pub use abi::signal::Signal;
use abi::wait::Decoded;

use crate::cstr::push_c_string;
use crate::errno::{Errno, decode_result};
use crate::raw;

/// A process id.
///
/// Pids are positive; the first program is pid 1. `getppid()` of the first program is
/// `Pid::from_raw(0)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pid(i32);

impl Pid {
    /// The pid with the raw value `pid`.
    pub const fn from_raw(pid: i32) -> Pid {
        Pid(pid)
    }

    /// The raw value.
    pub const fn as_raw(self) -> i32 {
        self.0
    }

    /// The calling process's pid (same as [`getpid`]).
    pub fn this() -> Pid {
        getpid()
    }

    /// The parent's pid (same as [`getppid`]).
    pub fn parent() -> Pid {
        getppid()
    }
}

/// Displays the raw number (`42`).
impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// What [`fork`] returns in each of the two processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ForkResult {
    /// In the parent: the new child's pid.
    Parent {
        /// The child's pid.
        child: Pid,
    },
    /// In the child.
    Child,
}

impl ForkResult {
    /// Whether this is the parent's side.
    pub fn is_parent(&self) -> bool {
        matches!(self, ForkResult::Parent { .. })
    }

    /// Whether this is the child's side.
    pub fn is_child(&self) -> bool {
        matches!(self, ForkResult::Child)
    }
}

/// Creates a child process: a copy of the caller that shares its memory copy-on-write.
///
/// Both processes return from `fork`: the parent with [`ForkResult::Parent`] and the child's
/// pid, the child with [`ForkResult::Child`].
///
/// # Errors
///
/// `ENOMEM` when memory runs out (there is no fixed process limit), `EAGAIN` when every pid
/// is in use.
pub fn fork() -> Result<ForkResult, Errno> {
    // SAFETY: a process has a single thread, so the copy the child gets is consistent; every
    // Rust object is duplicated along with the memory holding it, as with a bitwise copy.
    let pid = decode_result(unsafe { raw::sys_fork() })?;
    Ok(if pid == 0 {
        ForkResult::Child
    } else {
        ForkResult::Parent {
            child: Pid(pid as i32),
        }
    })
}

/// The calling process's pid.
pub fn getpid() -> Pid {
    // SAFETY: getpid has no effect besides returning a number.
    Pid(unsafe { raw::sys_getpid() } as i32)
}

/// The parent's pid (0 for the first program, pid 1).
pub fn getppid() -> Pid {
    // SAFETY: getppid has no effect besides returning a number.
    Pid(unsafe { raw::sys_getppid() } as i32)
}

/// Ends the calling process with status `code & 0xff`; never returns.
///
/// Its children are re-parented to pid 1; its parent can collect the status with [`wait`].
/// Nothing needs flushing first: the printing macros buffer nothing across calls.
pub fn exit(code: i32) -> ! {
    loop {
        // SAFETY: ending the process is always sound: no code of this process runs again.
        unsafe { raw::sys_exit(code) };
    }
}

/// Gives the CPU to the next runnable process, if any.
pub fn yield_now() {
    // SAFETY: yield only reschedules the caller.
    unsafe { raw::sys_yield() };
}

bitflags::bitflags! {
    /// Flags for [`waitpid`]: [`WaitFlags::empty()`] blocks until a child ends,
    /// [`WaitFlags::WNOHANG`] polls; [`WaitFlags::WUNTRACED`] and
    /// [`WaitFlags::WCONTINUED`] report stops and continues too.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct WaitFlags: u32 {
        /// Return [`WaitStatus::StillAlive`] at once instead of blocking when no child
        /// selected by the call has changed state.
        const WNOHANG = abi::wait::WNOHANG;
        /// Also report a child that stopped ([`WaitStatus::Stopped`]), once per stop.
        const WUNTRACED = abi::wait::WUNTRACED;
        /// Also report a stopped child that continued ([`WaitStatus::Continued`]), once per
        /// continue.
        const WCONTINUED = abi::wait::WCONTINUED;
    }
}

/// How a child ended (or stopped, or continued), as [`wait`] and [`waitpid`] report it.
///
/// `Display` gives a short description without the pid: `exited with status 3`,
/// `killed by SIGSEGV`, `stopped by SIGTSTP`, `continued`, `still alive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WaitStatus {
    /// The child called `exit(code)` or returned `code` from `main`; `code` is 0..=255.
    Exited(Pid, i32),
    /// The kernel killed the child with this signal (for example `SIGSEGV` for a bad memory
    /// access).
    Signaled(Pid, Signal),
    /// With [`WaitFlags::WUNTRACED`]: the child stopped, by this signal (`SIGSTOP`,
    /// `SIGTSTP`, `SIGTTIN` or `SIGTTOU`).
    Stopped(Pid, Signal),
    /// With [`WaitFlags::WCONTINUED`]: the stopped child continued (`SIGCONT`).
    Continued(Pid),
    /// With [`WaitFlags::WNOHANG`]: no selected child has changed state yet.
    StillAlive,
}

impl WaitStatus {
    /// Decodes the raw status (POSIX layout) the kernel stored for child `pid`.
    ///
    /// # Errors
    ///
    /// `EINVAL` for a status that is neither a normal exit, a kill or a stop by a known
    /// signal, nor a continue (this kernel never produces one).
    ///
    /// ```no_run
    /// use ulib::prelude::*;
    /// let pid = Pid::from_raw(7);
    /// assert_eq!(WaitStatus::from_raw(pid, 42 << 8), Ok(WaitStatus::Exited(pid, 42)));
    /// assert_eq!(WaitStatus::from_raw(pid, 11), Ok(WaitStatus::Signaled(pid, Signal::SIGSEGV)));
    /// assert_eq!(WaitStatus::from_raw(pid, 0x137f), Ok(WaitStatus::Stopped(pid, Signal::SIGSTOP)));
    /// assert_eq!(WaitStatus::from_raw(pid, 0xffff), Ok(WaitStatus::Continued(pid)));
    /// ```
    pub fn from_raw(pid: Pid, status: i32) -> Result<WaitStatus, Errno> {
        match abi::wait::decode(status) {
            Decoded::Exited(code) => Ok(WaitStatus::Exited(pid, code)),
            Decoded::Signaled(sig) => Signal::from_raw(sig)
                .map(|sig| WaitStatus::Signaled(pid, sig))
                .ok_or(Errno::EINVAL),
            Decoded::Stopped(sig) => Signal::from_raw(sig)
                .map(|sig| WaitStatus::Stopped(pid, sig))
                .ok_or(Errno::EINVAL),
            Decoded::Continued => Ok(WaitStatus::Continued(pid)),
            Decoded::Unknown(_) => Err(Errno::EINVAL),
        }
    }

    /// The pid of the child the status is about (`None` for [`WaitStatus::StillAlive`]).
    pub fn pid(&self) -> Option<Pid> {
        match *self {
            WaitStatus::Exited(pid, _)
            | WaitStatus::Signaled(pid, _)
            | WaitStatus::Stopped(pid, _)
            | WaitStatus::Continued(pid) => Some(pid),
            WaitStatus::StillAlive => None,
        }
    }
}

impl fmt::Display for WaitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitStatus::Exited(_, code) => write!(f, "exited with status {code}"),
            WaitStatus::Signaled(_, sig) => write!(f, "killed by {sig}"),
            WaitStatus::Stopped(_, sig) => write!(f, "stopped by {sig}"),
            WaitStatus::Continued(_) => f.write_str("continued"),
            WaitStatus::StillAlive => f.write_str("still alive"),
        }
    }
}

/// Waits for any child to end and collects its status.
///
/// # Errors
///
/// `ECHILD` when the caller has no children (left).
pub fn wait() -> Result<WaitStatus, Errno> {
    let mut status: i32 = 0;
    // SAFETY: `status` is a live, writable i32 for the whole call; no reference to it exists
    // while the kernel writes it.
    let pid = decode_result(unsafe { raw::sys_wait(&raw mut status as usize) })?;
    WaitStatus::from_raw(Pid(pid as i32), status)
}

/// Waits for child `pid` (any child for `None`) to end and collects its status.
///
/// With [`WaitFlags::WNOHANG`] it does not block: [`WaitStatus::StillAlive`] means no
/// selected child has changed state yet. With [`WaitFlags::WUNTRACED`] a child that stopped
/// is reported as [`WaitStatus::Stopped`], with [`WaitFlags::WCONTINUED`] one that continued
/// as [`WaitStatus::Continued`]; such a child stays a child (it is not collected).
///
/// A signal caught while waiting ends the wait with `EINTR`, unless its action has
/// [`SA_RESTART`](crate::signal::SaFlags::SA_RESTART).
///
/// # Errors
///
/// `ECHILD` when `pid` is not a child of the caller (or, for `None`, when the caller has no
/// children), even with `WNOHANG`.
pub fn waitpid(pid: Option<Pid>, flags: WaitFlags) -> Result<WaitStatus, Errno> {
    let mut status: i32 = 0;
    let target = pid.map_or(-1, Pid::as_raw);
    // SAFETY: `status` is a live, writable i32 for the whole call; no reference to it exists
    // while the kernel writes it.
    let got =
        decode_result(unsafe { raw::sys_waitpid(target, &raw mut status as usize, flags.bits()) })?;
    if got == 0 {
        return Ok(WaitStatus::StillAlive);
    }
    WaitStatus::from_raw(Pid(got as i32), status)
}

/// Moves process `pid` (`Pid::from_raw(0)`: the caller) into process group `pgid`
/// (`Pid::from_raw(0)`: the group whose id is `pid`, created if needed).
///
/// A process may move itself or a child that has not called `execve` yet, within its
/// session, into a group of that session.
///
/// # Errors
///
/// `EINVAL` for a negative `pgid`; `ESRCH` when `pid` is neither the caller nor one of its
/// children; `EPERM` for a session leader, a child in another session, or a group of another
/// session; `EACCES` for a child that has called `execve`.
pub fn setpgid(pid: Pid, pgid: Pid) -> Result<(), Errno> {
    // SAFETY: setpgid changes only process-group membership; no memory is touched.
    decode_result(unsafe { raw::sys_setpgid(pid.as_raw(), pgid.as_raw()) }).map(drop)
}

/// The process group of `pid` (`None`: the caller).
///
/// # Errors
///
/// `ESRCH` when there is no process `pid`.
pub fn getpgid(pid: Option<Pid>) -> Result<Pid, Errno> {
    // SAFETY: getpgid only reads a number.
    let pgid = decode_result(unsafe { raw::sys_getpgid(pid.map_or(0, Pid::as_raw)) })?;
    Ok(Pid(pgid as i32))
}

/// The caller's process group.
pub fn getpgrp() -> Pid {
    // The caller always exists; 0 would be an id no group has.
    getpgid(None).unwrap_or(Pid(0))
}

/// Makes the caller the leader of a new session and of a new process group in it, both with
/// the caller's pid, and returns that id. The new session has no controlling terminal.
///
/// # Errors
///
/// `EPERM` when the caller already leads a process group (a fresh child never does).
pub fn setsid() -> Result<Pid, Errno> {
    // SAFETY: setsid changes only session and group membership; no memory is touched.
    let sid = decode_result(unsafe { raw::sys_setsid() })?;
    Ok(Pid(sid as i32))
}

/// The session of `pid` (`None`: the caller), the pid of its leader.
///
/// # Errors
///
/// `ESRCH` when there is no process `pid`.
pub fn getsid(pid: Option<Pid>) -> Result<Pid, Errno> {
    // SAFETY: getsid only reads a number.
    let sid = decode_result(unsafe { raw::sys_getsid(pid.map_or(0, Pid::as_raw)) })?;
    Ok(Pid(sid as i32))
}

/// Replaces the calling process's program with the program at `path`, started with arguments
/// `argv` and an empty environment (see [`execve_env`] to pass one).
///
/// `argv[0]` is, by convention, the program's path. The strings are copied with a terminating
/// NUL; the pid, the parent and the children stay the same, and so do the open descriptors
/// but those with close-on-exec. On success it does not return.
///
/// # Errors
///
/// `ENOENT` if there is no such file, `EACCES` for a directory or a file without an execute
/// bit, `ENOEXEC` if it is not a program, `E2BIG` for too many or too long arguments,
/// `ENAMETOOLONG` for a too long path, `EINVAL` if a string contains a NUL byte, `ENOMEM` when
/// memory runs out.
pub fn execve(path: &str, argv: &[&str]) -> Result<Infallible, Errno> {
    execve_env(path, argv, &[])
}

/// Replaces the calling process's program with the program at `path`, started with arguments
/// `argv` and the environment `envp` (`"NAME=value"` strings, which the new program reads
/// with [`env::vars`](crate::env::vars) and [`env::var`](crate::env::var)).
///
/// Otherwise the same as [`execve`]; the environment counts towards the same limits as the
/// arguments ([`limits::MAX_ARGS`](crate::limits::MAX_ARGS) entries,
/// [`limits::MAX_ARG_BYTES`](crate::limits::MAX_ARG_BYTES) bytes).
///
/// # Errors
///
/// As for [`execve`].
///
/// # Example
///
/// ```no_run
/// use ulib::process::execve_env;
///
/// // Run /bin/env with a PATH and a HOME of its own.
/// let err = execve_env("/bin/env", &["env"], &["PATH=/bin", "HOME=/"]).unwrap_err();
/// ulib::eprintln!("env: {err}");
/// ```
pub fn execve_env(path: &str, argv: &[&str], envp: &[&str]) -> Result<Infallible, Errno> {
    let mut strings = Vec::new();
    let path_at = push_c_string(&mut strings, path)?;
    let mut offsets = Vec::with_capacity(argv.len() + envp.len());
    for s in argv.iter().chain(envp) {
        offsets.push(push_c_string(&mut strings, s)?);
    }
    // Pointers only after the last push: `strings` no longer moves.
    let base = strings.as_ptr() as usize;
    let (argv_at, envp_at) = offsets.split_at(argv.len());
    let mut argv_ptrs: Vec<usize> = argv_at.iter().map(|&o| base + o).collect();
    argv_ptrs.push(0);
    let mut envp_ptrs: Vec<usize> = envp_at.iter().map(|&o| base + o).collect();
    envp_ptrs.push(0);
    // SAFETY: `path` and every argv and envp entry point at NUL-terminated strings inside
    // `strings`; `argv_ptrs` and `envp_ptrs` are NULL-terminated arrays; all of them stay alive
    // and unchanged for the whole call, and the kernel only reads them.
    let r = unsafe {
        raw::sys_execve(
            base + path_at,
            argv_ptrs.as_ptr() as usize,
            envp_ptrs.as_ptr() as usize,
        )
    };
    match decode_result(r) {
        Err(e) => Err(e),
        // A successful execve does not come back; a kernel that returns anyway is broken.
        Ok(_) => Err(Errno::EIO),
    }
}

/// What a program's `main` may return; [`entry!`](crate::entry) turns it into the exit
/// status.
///
/// - `i32`: the status itself,
/// - `()`: status 0,
/// - `Result<T, E>`: `T`'s status for `Ok`; for `Err`, `Error: <e:?>` on stderr and status 1.
pub trait Termination {
    /// The exit status for this value (only its low 8 bits reach the parent).
    fn report(self) -> i32;
}

impl Termination for i32 {
    fn report(self) -> i32 {
        self
    }
}

impl Termination for () {
    fn report(self) -> i32 {
        0
    }
}

impl Termination for Infallible {
    fn report(self) -> i32 {
        match self {}
    }
}

impl<T: Termination, E: fmt::Debug> Termination for Result<T, E> {
    fn report(self) -> i32 {
        match self {
            Ok(v) => v.report(),
            Err(e) => {
                crate::eprintln!("Error: {e:?}");
                1
            }
        }
    }
}

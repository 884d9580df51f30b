//! The program's command-line arguments and environment.
//!
//! The kernel copies `argv` and `envp` onto the new process's stack; ulib's start-up code
//! records where they are before `main` runs, and the strings stay there, untouched, for the
//! life of the process. That is why [`args`], [`vars`] and [`var`] can hand out
//! `&'static str`. The environment is what the parent passed to
//! [`execve_env`](crate::process::execve_env) (empty after a plain
//! [`execve`](crate::process::execve)); ulib offers no way to change it in place: build a new
//! list and pass it on.

use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

/// `argc` as the kernel passed it.
static ARGC: AtomicUsize = AtomicUsize::new(0);
/// `argv` as the kernel passed it: `ARGC` string pointers followed by NULL.
static ARGV: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());
/// `envp` as the kernel passed it: string pointers up to a NULL (NULL itself before `init`).
static ENVP: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());

/// Records `argc` and `argv` from the initial stack.
///
/// # Safety
///
/// `sp` must be the initial stack pointer of the process: it points at `argc`, followed by
/// `argc` pointers to NUL-terminated strings and a NULL, then the environment's pointers to
/// NUL-terminated strings and a NULL, all of which stay valid and unmodified for the rest of
/// the process's life.
pub(crate) unsafe fn init(sp: *const usize) {
    // SAFETY: the caller guarantees `sp` points at `argc`.
    let argc = unsafe { sp.read() };
    // SAFETY: `argv` starts right after `argc` on the same stack, so the offset stays in
    // bounds of the initial stack block.
    let argv = unsafe { sp.add(1) } as *mut *const u8;
    // SAFETY: `envp` starts right after argv's `argc` entries and its NULL, in the same block.
    let envp = unsafe { argv.add(argc + 1) };
    ARGC.store(argc, Ordering::Relaxed);
    ARGV.store(argv, Ordering::Relaxed);
    ENVP.store(envp, Ordering::Relaxed);
}

/// The arguments the program was started with, `argv[0]` (usually the program's path) first.
///
/// An argument that is not valid UTF-8 is cut short before its first invalid byte.
///
/// # Example
///
/// ```no_run
/// use ulib::prelude::*;
///
/// fn main() -> i32 {
///     let depth: u32 = ulib::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(3);
///     for (i, arg) in ulib::env::args().enumerate() {
///         println!("argv[{i}] = {arg}");
///     }
///     depth as i32
/// }
/// ```
pub fn args() -> Args {
    Args {
        next: 0,
        end: ARGC.load(Ordering::Relaxed),
    }
}

/// Iterator over the command-line arguments, created by [`args`].
#[derive(Clone, Debug)]
pub struct Args {
    next: usize,
    end: usize,
}

/// `argv[index]`; `index` must be below `argc`.
fn arg(index: usize) -> &'static str {
    let argv = ARGV.load(Ordering::Relaxed);
    // SAFETY: `index < argc` (the callers iterate below `ARGC`), and `init` recorded an `argv`
    // with `argc` valid entries that live as long as the process.
    let ptr = unsafe { argv.add(index).read() };
    // SAFETY: argv entries are NULL or point at NUL-terminated strings that live, unmodified,
    // as long as the process (the kernel's process entry ABI).
    unsafe { static_str(ptr) }
}

/// The string at `ptr` (`""` for NULL), cut short before its first byte that is not UTF-8.
///
/// # Safety
///
/// `ptr` is NULL or points at a NUL-terminated string that stays valid and unmodified for
/// the rest of the process's life.
unsafe fn static_str(ptr: *const u8) -> &'static str {
    if ptr.is_null() {
        return "";
    }
    // SAFETY: the caller guarantees a NUL-terminated string that lives as long as the process.
    let bytes = unsafe { core::ffi::CStr::from_ptr(ptr.cast()) }.to_bytes();
    match core::str::from_utf8(bytes) {
        Ok(s) => s,
        // The prefix up to `valid_up_to` is valid UTF-8 by definition.
        Err(e) => core::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default(),
    }
}

impl Iterator for Args {
    type Item = &'static str;

    fn next(&mut self) -> Option<&'static str> {
        if self.next >= self.end {
            return None;
        }
        let s = arg(self.next);
        self.next += 1;
        Some(s)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end - self.next;
        (left, Some(left))
    }
}

impl DoubleEndedIterator for Args {
    fn next_back(&mut self) -> Option<&'static str> {
        if self.next >= self.end {
            return None;
        }
        self.end -= 1;
        Some(arg(self.end))
    }
}

impl ExactSizeIterator for Args {}

impl core::iter::FusedIterator for Args {}

/// The environment the program was started with, as `(name, value)` pairs in the order the
/// parent passed them.
///
/// Each `NAME=value` string is split at its first `=`; a string without `=` is skipped, as
/// Rust's std does. Text that is not valid UTF-8 is cut short before its first invalid byte.
///
/// # Example
///
/// ```no_run
/// use ulib::println;
///
/// for (name, value) in ulib::env::vars() {
///     println!("{name}={value}");
/// }
/// ```
pub fn vars() -> Vars {
    Vars {
        next: ENVP.load(Ordering::Relaxed),
    }
}

/// The value of the environment variable `name`, if the program was started with it (the
/// first one, if the parent passed the name twice).
///
/// # Example
///
/// ```no_run
/// let path = ulib::env::var("PATH").unwrap_or("/bin");
/// for dir in path.split(':') {
///     ulib::println!("looking in {dir}");
/// }
/// ```
pub fn var(name: &str) -> Option<&'static str> {
    vars().find(|&(n, _)| n == name).map(|(_, v)| v)
}

/// Iterator over the environment, created by [`vars`].
#[derive(Clone, Debug)]
pub struct Vars {
    /// The next `envp` entry; NULL once the end was reached (or before start-up ran).
    next: *mut *const u8,
}

impl Iterator for Vars {
    type Item = (&'static str, &'static str);

    fn next(&mut self) -> Option<(&'static str, &'static str)> {
        loop {
            if self.next.is_null() {
                return None;
            }
            // SAFETY: `next` walks the envp array `init` recorded, which ends with a NULL entry
            // and lives as long as the process; the walk stops at that NULL.
            let ptr = unsafe { self.next.read() };
            if ptr.is_null() {
                self.next = core::ptr::null_mut();
                return None;
            }
            // SAFETY: `ptr` is not the terminating NULL, so the next entry is still in the
            // array.
            self.next = unsafe { self.next.add(1) };
            // SAFETY: envp entries point at NUL-terminated strings that live, unmodified, as
            // long as the process (the kernel's process entry ABI).
            let entry = unsafe { static_str(ptr) };
            if let Some(pair) = entry.split_once('=') {
                return Some(pair);
            }
        }
    }
}

impl core::iter::FusedIterator for Vars {}

//! The program's command-line arguments.
//!
//! The kernel copies `argv` onto the new process's stack; ulib's start-up code records where
//! it is before `main` runs, and the strings stay there, untouched, for the life of the
//! process. That is why [`args`] can hand out `&'static str`.

use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

/// `argc` as the kernel passed it.
static ARGC: AtomicUsize = AtomicUsize::new(0);
/// `argv` as the kernel passed it: `ARGC` string pointers followed by NULL.
static ARGV: AtomicPtr<*const u8> = AtomicPtr::new(core::ptr::null_mut());

/// Records `argc` and `argv` from the initial stack.
///
/// # Safety
///
/// `sp` must be the initial stack pointer of the process: it points at `argc`, followed by
/// `argc` pointers to NUL-terminated strings and a NULL, all of which stay valid and
/// unmodified for the rest of the process's life.
pub(crate) unsafe fn init(sp: *const usize) {
    // SAFETY: the caller guarantees `sp` points at `argc`.
    let argc = unsafe { sp.read() };
    // SAFETY: `argv` starts right after `argc` on the same stack, so the offset stays in
    // bounds of the initial stack block.
    let argv = unsafe { sp.add(1) } as *mut *const u8;
    ARGC.store(argc, Ordering::Relaxed);
    ARGV.store(argv, Ordering::Relaxed);
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
    if ptr.is_null() {
        return "";
    }
    // SAFETY: each argv entry points at a NUL-terminated string that lives, unmodified, as
    // long as the process (the kernel's process entry ABI).
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

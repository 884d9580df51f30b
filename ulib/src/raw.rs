//! Raw system calls: the `int 0x21` trap and one untyped wrapper per call.
//!
//! These are the building blocks of the safe API and the way to reach the kernel exactly as a
//! test needs to: bad pointers, unknown numbers, option bits the safe types cannot express.
//! Every function returns the raw `eax`: a value in -4095..=-1 is a negated
//! [`Errno`](crate::errno::Errno) (decode it with
//! [`decode_result`](crate::errno::decode_result)), anything else is the result.
//!
//! The `sys_*` wrappers and the numbers in [`nr`] are generated from
//! `kernel/abi/syscalls.tbl`, the table the kernel's dispatch is generated from too.
//!
//! # Example
//!
//! ```no_run
//! use ulib::errno::{Errno, decode_result};
//! use ulib::raw;
//!
//! // write() from a NULL buffer must fail with EFAULT, not crash the caller.
//! // SAFETY: the kernel checks the pointer; nothing in this process is touched.
//! let r = unsafe { raw::sys_write(1, 0, 16) };
//! assert_eq!(decode_result(r), Err(Errno::EFAULT));
//!
//! // An unknown call number is ENOSYS.
//! // SAFETY: number 1000 is not in the table, so the call has no effect.
//! let r = unsafe { raw::syscall(1000, 0, 0, 0, 0, 0) };
//! assert_eq!(decode_result(r), Err(Errno::ENOSYS));
//! ```

/// The system call numbers (`nr::FORK`, `nr::GETPID`, ...), generated from the same table
/// as the kernel's dispatch.
pub use abi::nr;

/// Traps into the kernel with call `nr` and arguments `a1..a5` (`ebx, ecx, edx, edi, esi`),
/// returning the raw `eax`.
///
/// The kernel preserves every register but `eax`. Unknown numbers return `-ENOSYS`.
///
/// # Safety
///
/// The call may read or write memory at addresses passed as arguments, change the program
/// break, replace or end the process: the caller must make sure that whatever the call does
/// is sound for this program (for example, that memory the kernel writes is not aliased by a
/// live reference).
#[inline]
pub unsafe fn syscall(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize) -> isize {
    // LLVM reserves `esi` (and `ebp` with frame pointers) on x86, and the other argument
    // registers are all taken, so `nr` and the fifth argument travel through memory: `eax`
    // points at them, `esi` is saved on the stack around the trap.
    let words = [nr, a5];
    let ret: isize;
    // SAFETY: the trap follows the system call ABI and restores `esi` and `esp` before the
    // block ends; `words` is live across the block. What the call itself does is the caller's
    // responsibility (see `# Safety`).
    unsafe {
        core::arch::asm!(
            "pushl %esi",
            "movl 4(%eax), %esi",
            "movl (%eax), %eax",
            "int $0x21",
            "popl %esi",
            inout("eax") words.as_ptr() => ret,
            in("ebx") a1,
            in("ecx") a2,
            in("edx") a3,
            in("edi") a4,
            options(att_syntax)
        );
    }
    ret
}

include!(concat!(env!("OUT_DIR"), "/syscall_wrappers.rs"));

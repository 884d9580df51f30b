//! Deliberate CPU faults, for checking that the kernel kills the faulting process (and only
//! it) with the right signal.
//!
//! Each fault is one inline-assembly instruction, so the compiler can neither reject nor
//! optimise it away. Run them in a forked child: [`Fault::trigger`] only returns if the kernel
//! failed to stop the process, and a caller should then exit with [`SURVIVED`].

#![allow(unsafe_code)]

use ulib::prelude::*;

/// Exit status of a child whose fault the kernel let pass.
pub const SURVIVED: i32 = 200;

/// The faults the kernel must turn into a signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A store to address 0 (#PF, not present).
    NullStore,
    /// A load from address 8 (#PF, not present).
    NullLoad,
    /// A store into the program's own code (#PF, read-only page).
    TextWrite,
    /// A load from the first kernel address, 0xC000_0000 (#PF, supervisor page).
    KernelRead,
    /// A store to 0xC000_0000 (#PF, supervisor page).
    KernelWrite,
    /// A load from the top page of the address space, 0xFFFF_F000 (kernel memory).
    KernelReadHigh,
    /// `div` by zero (#DE).
    DivideByZero,
    /// `ud2` (#UD).
    InvalidOpcode,
    /// `int3` (#BP).
    Breakpoint,
}

impl Fault {
    /// Every fault, in the order the demo runs them.
    pub const ALL: [Fault; 9] = [
        Fault::NullStore,
        Fault::NullLoad,
        Fault::TextWrite,
        Fault::KernelRead,
        Fault::KernelWrite,
        Fault::KernelReadHigh,
        Fault::DivideByZero,
        Fault::InvalidOpcode,
        Fault::Breakpoint,
    ];

    /// A short stable name (`null_store`, `divide_by_zero`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Fault::NullStore => "null_store",
            Fault::NullLoad => "load_from_8",
            Fault::TextWrite => "text_write",
            Fault::KernelRead => "kernel_read",
            Fault::KernelWrite => "kernel_write",
            Fault::KernelReadHigh => "kernel_read_high",
            Fault::DivideByZero => "divide_by_zero",
            Fault::InvalidOpcode => "ud2",
            Fault::Breakpoint => "int3",
        }
    }

    /// The signal the contract says the kernel kills with.
    pub fn expected_signal(self) -> Signal {
        match self {
            Fault::NullStore
            | Fault::NullLoad
            | Fault::TextWrite
            | Fault::KernelRead
            | Fault::KernelWrite
            | Fault::KernelReadHigh => Signal::SIGSEGV,
            Fault::DivideByZero => Signal::SIGFPE,
            Fault::InvalidOpcode => Signal::SIGILL,
            Fault::Breakpoint => Signal::SIGTRAP,
        }
    }

    /// Executes the faulting instruction. Returns only if the kernel let it pass.
    pub fn trigger(self) {
        match self {
            Fault::NullStore => null_store(),
            Fault::NullLoad => load_from(8),
            Fault::TextWrite => text_write(),
            Fault::KernelRead => load_from(0xC000_0000),
            Fault::KernelWrite => kernel_write(),
            Fault::KernelReadHigh => load_from(0xFFFF_F000),
            Fault::DivideByZero => divide_by_zero(),
            Fault::InvalidOpcode => invalid_opcode(),
            Fault::Breakpoint => breakpoint(),
        }
    }

    /// Runs the fault in a forked child and collects how the child ended.
    ///
    /// # Errors
    ///
    /// The error of `fork` or `waitpid`.
    pub fn run_in_child(self) -> Result<WaitStatus, Errno> {
        let child = crate::run_in_child(|| {
            self.trigger();
            SURVIVED
        })?;
        waitpid(Some(child), WaitFlags::empty())
    }
}

/// Stores to address 0.
fn null_store() {
    // SAFETY: a user store to the never-mapped first page faults, and the kernel kills the
    // process before anything else runs. Were it mapped, no Rust object lives at address 0.
    unsafe {
        core::arch::asm!("movl $1, 0", options(att_syntax, nostack));
    }
}

/// Loads a word from `addr`, which is not readable from user mode.
fn load_from(addr: usize) {
    // SAFETY: the load faults (unmapped or kernel-only address) and the kernel kills the
    // process; were it readable, a load changes nothing.
    unsafe {
        core::arch::asm!(
            "movl ({addr}), {addr}",
            addr = inout(reg) addr => _,
            options(att_syntax, nostack, readonly)
        );
    }
}

/// Adds zero to the first byte of this very function, a write to a read-only text page.
fn text_write() {
    let code = text_write as fn() as usize;
    // SAFETY: the text page is mapped read-only, so the write access faults and the kernel
    // kills the process. Were it writable, adding zero leaves the code unchanged.
    unsafe {
        core::arch::asm!("addb $0, ({code})", code = in(reg) code, options(att_syntax, nostack));
    }
}

/// Stores zero to the word at 0xC000_0000, a write to kernel memory.
fn kernel_write() {
    // SAFETY: kernel pages are supervisor-only, so the store faults and the kernel kills the
    // process. (A plain store, not a read-modify-write: its read would fault first.)
    unsafe {
        core::arch::asm!("movl $0, 0xC0000000", options(att_syntax, nostack));
    }
}

/// Divides by zero with `div`.
fn divide_by_zero() {
    // SAFETY: only registers declared as clobbered are touched; `div` by zero raises #DE
    // and the kernel kills the process.
    unsafe {
        core::arch::asm!(
            "xorl %edx, %edx",
            "movl $1, %eax",
            "xorl %ecx, %ecx",
            "divl %ecx",
            out("eax") _,
            out("ecx") _,
            out("edx") _,
            options(att_syntax, nostack, nomem)
        );
    }
}

/// Executes `ud2`.
fn invalid_opcode() {
    // SAFETY: `ud2` raises #UD and the kernel kills the process; it touches nothing.
    unsafe {
        core::arch::asm!("ud2", options(att_syntax, nostack, nomem));
    }
}

/// Executes `int3`.
fn breakpoint() {
    // SAFETY: `int3` raises #BP and the kernel kills the process; were it resumed, execution
    // simply continues after the instruction.
    unsafe {
        core::arch::asm!("int3", options(att_syntax, nostack, nomem));
    }
}

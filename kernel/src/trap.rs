//! The trap dispatchers. The arch entry stubs call [`trap_entry`] for every
//! exception and interrupt, and [`syscall_entry`] for every system call,
//! with the saved registers.
//!
//! On the way out, a task that died during the trap (it exited, or a fault
//! killed it) switches away for good: that happens here, last, when no
//! handler's locals hold references to it any more.

use abi::signal;

use crate::arch::x86::idt::{exception_name, DOUBLE_FAULT_VECTOR, IRQ_BASE};
use crate::arch::x86::machine_check::MachineCheck;
use crate::arch::x86::paging::fault;
use crate::arch::x86::{cpu, gdt, pic, TrapFrame};
use crate::{mm, proc, sched, syscall};

const NMI: u32 = 2;
const PAGE_FAULT: u32 = 14;
const MACHINE_CHECK: u32 = 18;
const TIMER_IRQ: u32 = 0;

/// Called by `trap_common` in arch/x86/idt.rs with interrupts off.
// The entry stub calls this by its unmangled name; `#[no_mangle]` counts as
// unsafe code, so the exemption covers this one call (and `trap` stays checked).
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn trap_entry(frame: &mut TrapFrame) {
    trap(frame)
}

#[inline(always)]
fn trap(frame: &mut TrapFrame) {
    match frame.vector {
        DOUBLE_FAULT_VECTOR => double_fault(frame),
        NMI => nmi(frame),
        MACHINE_CHECK => machine_check(frame),
        0..=31 => exception(frame),
        v if (IRQ_BASE..IRQ_BASE + 16).contains(&v) => {
            interrupt(v - IRQ_BASE, frame.is_from_user())
        }
        v => panic!("trap on unexpected vector {v}"),
    }
    if sched::current_needs_attention() {
        if frame.is_from_user() {
            crate::signal::on_return_to_user(frame, None);
        }
        sched::leave_if_dead();
    }
}

/// Called by the system-call stub in arch/x86/idt.rs (`int 0x21`) with
/// interrupts off: runs the call, then takes signals or leaves for good when
/// the task needs it (one flag pair read on the way out).
// The entry stub calls this by its unmangled name (see `trap_entry`).
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn syscall_entry(frame: &mut TrapFrame) {
    system_call(frame)
}

#[inline(always)]
fn system_call(frame: &mut TrapFrame) {
    let nr = frame.eax;
    syscall::handle(frame);
    if sched::current_needs_attention() {
        let restart = syscall::restart_of(nr, frame.eax);
        crate::signal::on_return_to_user(frame, restart);
        sched::leave_if_dead();
    }
}

/// A non-maskable interrupt is the hardware's (or the host's: QEMU's `nmi`
/// monitor command), never the interrupted program's fault: report it and
/// carry on.
fn nmi(frame: &TrapFrame) {
    crate::kprintln!(
        "NMI: non-maskable interrupt at eip {:#010x} (pid {}, {} mode); continuing",
        frame.eip,
        sched::current_pid(),
        if frame.is_from_user() {
            "user"
        } else {
            "kernel"
        }
    );
}

/// A machine check reports a hardware error, which is not the interrupted
/// program's fault. When it interrupted user mode and the CPU says that
/// context can be resumed (MCG_STATUS.RIPV, no bank with PCC), the kernel
/// reports it and the program goes on; otherwise nothing can be trusted
/// (the kernel was interrupted, or the CPU cannot resume): a kernel panic
/// with the banks' contents. See docs/architecture.md.
fn machine_check(frame: &TrapFrame) {
    let check = MachineCheck::read();
    let mode = if frame.is_from_user() {
        "user"
    } else {
        "kernel"
    };
    let blocker = check
        .why_not_resumable()
        .or((!frame.is_from_user()).then_some("it interrupted the kernel"));
    crate::kprintln!(
        "MCE: machine check at eip {:#010x} (pid {}, {} mode), mcg_status={}{}",
        frame.eip,
        sched::current_pid(),
        mode,
        OptionalHex(check.global_status),
        if blocker.is_none() {
            "; continuing"
        } else {
            ""
        }
    );
    for bank in check.banks() {
        crate::kprintln!(
            "  bank {}: status={:#018x} addr={} misc={}",
            bank.index,
            bank.status,
            OptionalHex(bank.address),
            OptionalHex(bank.misc)
        );
    }
    match blocker {
        None => check.acknowledge(),
        Some(why) => report_kernel_fault(
            &alloc::format!("machine check (#MC): hardware error; {why}"),
            frame,
        ),
    }
}

/// A register that may be missing, in hex, or `-`.
struct OptionalHex(Option<u64>);

impl core::fmt::Display for OptionalHex {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.0 {
            Some(value) => write!(f, "{value:#x}"),
            None => f.write_str("-"),
        }
    }
}

/// A double fault runs as its own task (arch/x86/gdt.rs), with `frame`
/// holding the registers of the context that failed. When its stack
/// pointer lies in a kernel stack's guard page, that stack overflowed.
fn double_fault(frame: &TrapFrame) -> ! {
    let esp = gdt::faulted_context().esp;
    if mm::kstack::is_guard_page(esp) || mm::kstack::is_guard_page(esp.wrapping_sub(4)) {
        let pid = sched::current_pid();
        report_kernel_fault(&alloc::format!("kernel stack overflow (pid {pid})"), frame);
    }
    report_kernel_fault("double fault (#DF)", frame);
}

fn interrupt(irq: u32, from_user: bool) {
    if pic::is_spurious(irq) {
        if irq == 15 {
            pic::end_of_interrupt(2);
        }
        return;
    }
    // Acknowledge first: the handler may switch to another process, and the
    // next tick must still arrive.
    pic::end_of_interrupt(irq);
    if irq == TIMER_IRQ {
        crate::signal::expire_alarms();
        sched::timer_tick(from_user);
    } else if irq == crate::arch::x86::serial::COM1_IRQ {
        // A woken reader runs at the next switch (at once from idle, at the
        // next tick from a busy program).
        crate::tty::receive_interrupt();
    }
}

fn exception(frame: &mut TrapFrame) {
    if !frame.is_from_user() {
        kernel_fault(frame);
    }
    if frame.vector == PAGE_FAULT {
        let address = cpu::read_cr2();
        let write = frame.error_code & fault::WRITE != 0;
        let present = frame.error_code & fault::PRESENT != 0;
        match proc::handle_user_page_fault(address, write, present) {
            Ok(true) => {}
            Ok(false) => {
                let what = match (write, present) {
                    _ if address >= abi::layout::KERNEL_BASE => {
                        "page fault (user access to kernel memory)"
                    }
                    (true, true) => "page fault (write to a read-only page)",
                    (true, false) => "page fault (write to an unmapped page)",
                    (false, true) => "page fault (read of a protected page)",
                    (false, false) => "page fault (read of an unmapped page)",
                };
                proc::user_fault(signal::DEFAULT_FAULT_SIGNAL, what, frame, address);
            }
            Err(_) => proc::kill_current(
                signal::OUT_OF_MEMORY_SIGNAL,
                "out of memory in a page fault",
                frame.eip,
                address,
            ),
        }
        return;
    }
    // The vector-to-signal table is abi's, so C's signal.h documents the same mapping.
    proc::user_fault(
        signal::fault_signal(frame.vector),
        exception_name(frame.vector),
        frame,
        frame.eip,
    );
}

/// An exception in ring 0 is a kernel bug: report everything and stop.
fn kernel_fault(frame: &TrapFrame) -> ! {
    let what = alloc::format!(
        "{} in kernel mode (error code {:#x})",
        exception_name(frame.vector),
        frame.error_code
    );
    report_kernel_fault(&what, frame);
}

/// Prints a kernel fault report (what, registers, backtrace) and powers off.
fn report_kernel_fault(what: &str, frame: &TrapFrame) -> ! {
    let cr2 = cpu::read_cr2();
    crate::kprintln!("\nKERNEL PANIC: {}", what);
    crate::kprintln!(
        "  eip={:#010x} cs={:#06x} eflags={:#010x} cr2={:#010x}",
        frame.eip,
        frame.cs,
        frame.eflags,
        cr2
    );
    crate::kprintln!(
        "  eax={:#010x} ebx={:#010x} ecx={:#010x} edx={:#010x}",
        frame.eax,
        frame.ebx,
        frame.ecx,
        frame.edx
    );
    // The stub's `pushal` saved esp after pushing the vector, the error
    // code and eip/cs/eflags (20 bytes); the double-fault task saved it as is.
    let esp = if frame.vector == DOUBLE_FAULT_VECTOR {
        frame.kernel_esp
    } else {
        frame.kernel_esp + 20
    };
    crate::kprintln!(
        "  esi={:#010x} edi={:#010x} ebp={:#010x} esp={:#010x}",
        frame.esi,
        frame.edi,
        frame.ebp,
        esp
    );
    crate::panic::print_backtrace(frame.ebp as usize);
    crate::power::die()
}

//! Small CPU operations: halting, interrupt flag, control registers, and the
//! QEMU exit device.

use core::arch::asm;

/// Disables interrupts.
pub fn disable_interrupts() {
    // SAFETY: clearing IF only delays interrupts; the kernel runs with them off.
    unsafe { x86::irq::disable() };
}

/// Enables interrupts.
pub fn enable_interrupts() {
    // SAFETY: setting IF lets pending interrupts in; callers hold no lock
    // whose data an interrupt handler could touch (the lock guards restore
    // the flag only when they release the last such lock).
    unsafe { x86::irq::enable() };
}

/// True when the interrupt flag is set.
pub fn interrupts_enabled() -> bool {
    read_eflags() & EFLAGS_IF != 0
}

/// The interrupt-enable bit of EFLAGS.
pub const EFLAGS_IF: u32 = 1 << 9;

/// The flags register.
pub fn read_eflags() -> u32 {
    let flags: u32;
    // SAFETY: pushing and popping the flags only reads them.
    unsafe { asm!("pushfd", "pop {}", out(reg) flags, options(nomem, preserves_flags)) };
    flags
}

/// The stack pointer of the caller (approximately: this function's frame).
#[inline(always)]
pub fn read_esp() -> u32 {
    let esp: u32;
    // SAFETY: copying esp has no side effects.
    unsafe { asm!("mov {}, esp", out(reg) esp, options(nomem, nostack, preserves_flags)) };
    esp
}

/// The frame pointer of the caller (frames are built with frame pointers).
#[inline(always)]
pub fn read_ebp() -> u32 {
    let ebp: u32;
    // SAFETY: copying ebp has no side effects.
    unsafe { asm!("mov {}, ebp", out(reg) ebp, options(nomem, nostack, preserves_flags)) };
    ebp
}

/// This CPU's number. One CPU runs today; with several this reads the
/// local APIC id, and every caller (locks, the scheduler's per-CPU data,
/// the timekeeper check) stays as it is.
pub const fn id() -> u32 {
    0
}

/// Enables interrupts and halts until the next one, atomically (`sti; hlt`:
/// an interrupt arriving between the two still wakes the `hlt`).
pub fn enable_interrupts_and_halt() {
    // SAFETY: interrupt handlers run inside this instruction pair, so it is
    // not `nomem`; callers (the idle loop, clock calibration) hold no locks.
    unsafe { asm!("sti; hlt", options(nostack)) };
}

/// Stops the CPU for good.
pub fn halt_forever() -> ! {
    loop {
        // SAFETY: with interrupts off, hlt parks the CPU.
        unsafe { asm!("cli; hlt", options(nomem, nostack)) };
    }
}

/// The time-stamp counter.
pub fn read_tsc() -> u64 {
    let (low, high): (u32, u32);
    // SAFETY: rdtsc only reads the counter (CR4.TSD is clear).
    unsafe { asm!("rdtsc", out("eax") low, out("edx") high, options(nomem, nostack)) };
    ((high as u64) << 32) | low as u64
}

/// The faulting linear address of the last page fault.
pub fn read_cr2() -> u32 {
    // SAFETY: reading CR2 has no side effects.
    unsafe { x86::controlregs::cr2() as u32 }
}

/// The physical address of the current page directory.
pub fn read_cr3() -> u32 {
    // SAFETY: reading CR3 has no side effects.
    unsafe { x86::controlregs::cr3() as u32 }
}

/// Switches to the page directory at physical address `pd`.
///
/// # Safety
/// `pd` must be a valid page directory that maps the kernel half.
pub unsafe fn write_cr3(pd: u32) {
    // SAFETY: guaranteed by the caller.
    unsafe { x86::controlregs::cr3_write(pd as u64) };
}

/// Drops the TLB entry for one page.
pub fn flush_tlb_page(addr: usize) {
    // SAFETY: invlpg only discards a cached translation.
    unsafe { x86::tlb::flush(addr) };
}

/// Makes any x87 instruction fault (#NM): user programs must not use the FPU,
/// because the kernel does not save its state across context switches.
pub fn forbid_fpu() {
    // SAFETY: setting CR0.EM only makes FPU instructions trap.
    unsafe {
        let cr0 = x86::controlregs::cr0();
        x86::controlregs::cr0_write(cr0 | x86::controlregs::Cr0::CR0_EMULATE_COPROCESSOR);
    }
}

/// Powers QEMU off with exit status `(value << 1) | 1` (needs
/// `-device isa-debug-exit,iobase=0xf4,iosize=0x04`). Without the device the
/// write does nothing and the CPU halts.
pub fn qemu_exit(value: u8) -> ! {
    // SAFETY: writing the exit port only ends the emulator.
    unsafe { x86::io::outl(abi::halt::DEBUG_EXIT_PORT, value as u32) };
    halt_forever()
}

/// Forces a triple fault (for the harness self-check): an empty IDT makes any
/// exception unhandleable.
pub fn triple_fault() -> ! {
    let empty: x86::dtables::DescriptorTablePointer<u64> = x86::dtables::DescriptorTablePointer {
        limit: 0,
        base: core::ptr::null(),
    };
    // SAFETY: deliberately destroys the machine state; nothing runs after.
    unsafe {
        x86::dtables::lidt(&empty);
        asm!("int3", options(nomem, nostack));
    }
    halt_forever()
}

/// Reads one byte from an I/O port.
///
/// # Safety
/// The port must belong to a device whose reads have no harmful side effects.
pub unsafe fn inb(port: u16) -> u8 {
    // SAFETY: guaranteed by the caller.
    unsafe { x86::io::inb(port) }
}

/// Writes one byte to an I/O port.
///
/// # Safety
/// The port must belong to a device the caller owns.
pub unsafe fn outb(port: u16, value: u8) {
    // SAFETY: guaranteed by the caller.
    unsafe { x86::io::outb(port, value) }
}

/// Reads an address that is never mapped (page 0), for the crash test that
/// proves a kernel page fault is reported: the read faults.
pub fn read_unmapped_for_crash_test() -> u32 {
    // SAFETY: deliberately reads page 0, which is never mapped in the
    // kernel either: the resulting page fault is the point of the test.
    unsafe { core::ptr::read_volatile(0x10 as *const u32) }
}

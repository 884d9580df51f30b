//! The panic handler: what a kernel bug looks like on the console.

use crate::arch::x86::{backtrace, cpu};
use crate::{kprintln, mm};

/// Prints return addresses by following the saved frame pointers; stops at
/// anything the kernel cannot read safely (a guard page, user memory).
pub fn print_backtrace(ebp: usize) {
    kprintln!("  backtrace:");
    backtrace::walk(ebp, 16, mm::kstack::kernel_readable, |ret| {
        kprintln!("    {:#010x}", ret)
    });
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    cpu::disable_interrupts();
    kprintln!("\nKERNEL PANIC: {}", info.message());
    if let Some(location) = info.location() {
        kprintln!(
            "  at {}:{}:{}",
            location.file(),
            location.line(),
            location.column()
        );
    }
    let (esp, ebp) = (cpu::read_esp(), cpu::read_ebp());
    kprintln!(
        "  esp={:#010x} ebp={:#010x} eflags={:#010x} cr2={:#010x} cr3={:#010x}",
        esp,
        ebp,
        cpu::read_eflags(),
        cpu::read_cr2(),
        cpu::read_cr3()
    );
    print_backtrace(ebp as usize);
    crate::power::die()
}

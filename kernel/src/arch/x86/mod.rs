//! The x86 ground floor: everything that knows register names, descriptor
//! layouts and I/O ports. It imports nothing from the generic kernel; the
//! trap entry stub hands every trap to `kernel::trap::trap_entry`.

pub mod backtrace;
pub mod boot;
pub mod context;
pub mod cpu;
pub mod gdt;
pub mod idt;
pub mod lock;
pub mod machine_check;
pub mod multiboot;
pub mod paging;
pub mod pic;
pub mod pit;
pub mod serial;

pub use idt::TrapFrame;

//! The GDT (flat kernel and user segments) and two TSSs: the main one,
//! whose `esp0` is the kernel stack the CPU switches to when a ring-3 program
//! traps, and the double-fault task's.
//!
//! A double fault is handled by a hardware task switch (the IDT's vector 8
//! is a task gate): the CPU saves the failing context into the main TSS and
//! loads a fresh one with its own stack. That is what makes a kernel stack
//! overflow reportable: the overflowing push hit the stack's unmapped guard
//! page, the page fault could not push its frame either, and only a switch
//! to another stack can still run code.

use x86::bits32::task::TaskStateSegment;
use x86::dtables::{lgdt, DescriptorTablePointer};
use x86::segmentation::{
    BuildDescriptor, CodeSegmentType, DataSegmentType, Descriptor, DescriptorBuilder,
    GateDescriptorBuilder, SegmentDescriptorBuilder, SegmentSelector,
};
use x86::Ring;

/// Kernel code selector.
pub const KERNEL_CODE: u16 = 0x08;
/// Kernel data selector.
pub const KERNEL_DATA: u16 = 0x10;
/// User code selector (RPL 3).
pub const USER_CODE: u16 = 0x18 | 3;
/// User data selector (RPL 3).
pub const USER_DATA: u16 = 0x20 | 3;
/// Main TSS selector.
const TSS_SELECTOR: u16 = 0x28;
/// The double-fault task's TSS selector (the IDT's task gate names it).
pub const DOUBLE_FAULT_TSS_SELECTOR: u16 = 0x30;

/// Stack of the double-fault task.
const DOUBLE_FAULT_STACK_SIZE: usize = 8 * 1024;

static mut GDT: [Descriptor; 7] = [Descriptor::NULL; 7];
static mut TSS: TaskStateSegment = TaskStateSegment::new();
static mut DOUBLE_FAULT_TSS: TaskStateSegment = TaskStateSegment::new();

#[repr(C, align(16))]
struct DoubleFaultStack([u8; DOUBLE_FAULT_STACK_SIZE]);

static mut DOUBLE_FAULT_STACK: DoubleFaultStack = DoubleFaultStack([0; DOUBLE_FAULT_STACK_SIZE]);

fn tss_descriptor(tss: *const TaskStateSegment) -> Descriptor {
    let limit = core::mem::size_of::<TaskStateSegment>() as u64 - 1;
    <DescriptorBuilder as GateDescriptorBuilder<u32>>::tss_descriptor(tss as u64, limit, true)
        .present()
        .dpl(Ring::Ring0)
        .finish()
}

fn flat(kind: Segment, ring: Ring) -> Descriptor {
    let builder = match kind {
        Segment::Code => {
            DescriptorBuilder::code_descriptor(0, 0xfffff, CodeSegmentType::ExecuteRead)
        }
        Segment::Data => DescriptorBuilder::data_descriptor(0, 0xfffff, DataSegmentType::ReadWrite),
    };
    builder
        .present()
        .dpl(ring)
        .db()
        .limit_granularity_4kb()
        .finish()
}

enum Segment {
    Code,
    Data,
}

/// Loads the GDT, reloads every segment register and loads the task register.
/// `double_fault_entry` is where the double-fault task starts, with the
/// CPU's error code where a return address would be.
pub fn init(double_fault_entry: extern "C" fn(u32) -> !) {
    // SAFETY: runs once at boot on one CPU before interrupts are enabled;
    // the tables are statics that live forever, as the CPU requires.
    unsafe {
        let tss = &raw mut TSS;
        (*tss).ss0 = KERNEL_DATA;
        (*tss).iobp_offset = core::mem::size_of::<TaskStateSegment>() as u16;
        let gdt_ptr = &raw mut GDT;
        let gdt = &mut *gdt_ptr;
        gdt[1] = flat(Segment::Code, Ring::Ring0);
        gdt[2] = flat(Segment::Data, Ring::Ring0);
        gdt[3] = flat(Segment::Code, Ring::Ring3);
        gdt[4] = flat(Segment::Data, Ring::Ring3);
        gdt[5] = tss_descriptor(tss);
        let df = &raw mut DOUBLE_FAULT_TSS;
        (*df).cr3 = super::cpu::read_cr3();
        (*df).eip = double_fault_entry as usize as u32;
        (*df).eflags = 1 << 1; // reserved bit; interrupts off
        (*df).esp = (&raw const DOUBLE_FAULT_STACK) as u32 + DOUBLE_FAULT_STACK_SIZE as u32;
        (*df).cs = KERNEL_CODE;
        (*df).ss = KERNEL_DATA;
        (*df).ds = KERNEL_DATA;
        (*df).es = KERNEL_DATA;
        (*df).fs = KERNEL_DATA;
        (*df).gs = KERNEL_DATA;
        (*df).iobp_offset = core::mem::size_of::<TaskStateSegment>() as u16;
        gdt[6] = tss_descriptor(df);
        lgdt(&DescriptorTablePointer::new_from_slice(gdt));
        // The stack segment must be ring 0's; the other data segment
        // registers hold the user's flat segment in the kernel too, so that
        // the trap entry need not reload them (see idt.rs).
        core::arch::asm!(
            "movw {user:x}, %ds",
            "movw {user:x}, %es",
            "movw {user:x}, %fs",
            "movw {user:x}, %gs",
            "movw {kernel:x}, %ss",
            "ljmpl ${code}, $2f",
            "2:",
            user = in(reg) USER_DATA as u32,
            kernel = in(reg) KERNEL_DATA as u32,
            code = const KERNEL_CODE,
            options(att_syntax)
        );
        x86::task::load_tr(SegmentSelector::from_raw(TSS_SELECTOR));
    }
}

/// Sets the stack the CPU loads when a ring-3 program traps into the kernel.
/// Called on every context switch with the next process's kernel stack top.
pub fn set_kernel_stack(top: usize) {
    // SAFETY: one CPU, interrupts off in the kernel: nobody else touches the
    // TSS, and the CPU reads esp0 only on the next ring-3 trap.
    unsafe {
        let tss = &raw mut TSS;
        (*tss).esp0 = top as u32;
    }
}

/// The registers of the context that double-faulted, as the task switch
/// saved them into the main TSS.
pub struct FaultedContext {
    pub eip: u32,
    pub esp: u32,
    pub ebp: u32,
    pub eflags: u32,
    pub eax: u32,
    pub ebx: u32,
    pub ecx: u32,
    pub edx: u32,
    pub esi: u32,
    pub edi: u32,
    pub cs: u16,
}

/// Reads the context the double-fault task switch saved. Meaningful only in
/// the double-fault task.
pub fn faulted_context() -> FaultedContext {
    // SAFETY: the double-fault task runs alone with interrupts off; the
    // main TSS was written by the CPU's task switch and nothing else runs.
    let tss = unsafe { core::ptr::read(&raw const TSS) };
    FaultedContext {
        eip: tss.eip,
        esp: tss.esp,
        ebp: tss.ebp,
        eflags: tss.eflags,
        eax: tss.eax,
        ebx: tss.ebx,
        ecx: tss.ecx,
        edx: tss.edx,
        esi: tss.esi,
        edi: tss.edi,
        cs: tss.cs,
    }
}

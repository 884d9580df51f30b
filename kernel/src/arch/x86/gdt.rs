//! The GDT (flat kernel and user segments) and the one TSS, whose `esp0` is
//! the kernel stack the CPU switches to when a ring-3 program traps.

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
/// TSS selector.
const TSS_SELECTOR: u16 = 0x28;

static mut GDT: [Descriptor; 6] = [Descriptor::NULL; 6];
static mut TSS: TaskStateSegment = TaskStateSegment::new();

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
pub fn init() {
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
        let limit = core::mem::size_of::<TaskStateSegment>() as u64 - 1;
        gdt[5] = <DescriptorBuilder as GateDescriptorBuilder<u32>>::tss_descriptor(
            tss as u64, limit, true,
        )
        .present()
        .dpl(Ring::Ring0)
        .finish();
        lgdt(&DescriptorTablePointer::new_from_slice(gdt));
        core::arch::asm!(
            "movw {data:x}, %ds",
            "movw {data:x}, %es",
            "movw {data:x}, %fs",
            "movw {data:x}, %gs",
            "movw {data:x}, %ss",
            "ljmpl ${code}, $2f",
            "2:",
            data = in(reg) KERNEL_DATA as u32,
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

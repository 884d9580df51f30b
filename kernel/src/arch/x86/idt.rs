//! The IDT, the entry stubs and the trap frame.
//!
//! Every vector the kernel handles has a tiny stub that pushes an error code
//! (0 when the CPU pushes none) and the vector number, then jumps to
//! `trap_common`, which saves the rest of the registers as a [`TrapFrame`] on
//! the current kernel stack and calls `trap_entry(&mut TrapFrame)`, the
//! generic dispatcher (kernel/src/trap.rs). The system-call stub saves the
//! same frame and calls `syscall_entry` there directly, the one trap that is
//! on every program's hot path. Returning from either restores the
//! frame, possibly modified (a system call's result in `eax`, a new program's
//! `eip` after execve), and `iret`s. A new process starts by "returning"
//! through `trap_return` with a frame built by the kernel.
//!
//! Segment registers: like Linux i386, the kernel keeps the user's flat data
//! segment (`USER_DATA`, DPL 3) in `ds`/`es` and never uses `fs`/`gs`, so the
//! common trap loads no segment register on the way in or out; only a frame
//! whose selectors differ from the live ones is reloaded on the way out.
//!
//! All gates are interrupt gates, so the kernel always runs with interrupts
//! off: on one CPU that is what keeps kernel data consistent. The system-call
//! gate (vector 33) and the `int3`/`into` gates (3, 4) have DPL 3; the others have
//! DPL 0, so `int n` on them from user mode is a #GP.

use core::arch::global_asm;

use x86::dtables::{lidt, DescriptorTablePointer};
use x86::segmentation::{
    BuildDescriptor, Descriptor, DescriptorBuilder, GateDescriptorBuilder, SegmentSelector,
    TaskGateDescriptorBuilder,
};
use x86::Ring;

use super::gdt::{DOUBLE_FAULT_TSS_SELECTOR, KERNEL_CODE, USER_DATA};

/// Vector of the system-call gate (`int 0x21`).
pub const SYSCALL_VECTOR: u32 = 0x21;
/// The double-fault vector: a task gate, not a stub.
pub const DOUBLE_FAULT_VECTOR: u32 = 8;
/// Vector of IRQ 0 after the PIC remap (away from 0x20..0x2f, so that no
/// hardware interrupt can land on the system-call vector 0x21).
pub const IRQ_BASE: u32 = 0x40;

/// The registers of an interrupted context, as the entry stub saves them.
/// Field order is memory order (the last value pushed comes first).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct TrapFrame {
    /// Segment registers, pushed by the stub.
    pub gs: u32,
    pub fs: u32,
    pub es: u32,
    pub ds: u32,
    /// General registers, in `pushal` order.
    pub edi: u32,
    pub esi: u32,
    pub ebp: u32,
    /// The kernel esp at `pushal` time; ignored by `popal`.
    pub kernel_esp: u32,
    pub ebx: u32,
    pub edx: u32,
    pub ecx: u32,
    pub eax: u32,
    /// Which vector fired.
    pub vector: u32,
    /// The CPU's error code, or 0.
    pub error_code: u32,
    /// Pushed by the CPU.
    pub eip: u32,
    pub cs: u32,
    pub eflags: u32,
    /// Pushed by the CPU only when the trap came from ring 3.
    pub user_esp: u32,
    pub user_ss: u32,
}

impl TrapFrame {
    /// Sets what the interrupted code finds in `eax` (a system call's result).
    pub fn set_return_value(&mut self, value: u32) {
        self.eax = value;
    }

    /// True when the interrupted code ran in ring 3.
    pub fn is_from_user(&self) -> bool {
        self.cs & 3 == 3
    }

    /// A frame that enters ring 3 at `eip` with stack `esp`, every general
    /// register zero and interrupts enabled.
    pub fn new_user(eip: u32, esp: u32) -> TrapFrame {
        use super::cpu::EFLAGS_IF;
        use super::gdt::USER_CODE;
        const EFLAGS_RESERVED: u32 = 1 << 1;
        TrapFrame {
            gs: USER_DATA as u32,
            fs: USER_DATA as u32,
            es: USER_DATA as u32,
            ds: USER_DATA as u32,
            eip,
            cs: USER_CODE as u32,
            eflags: EFLAGS_RESERVED | EFLAGS_IF,
            user_esp: esp,
            user_ss: USER_DATA as u32,
            ..TrapFrame::default()
        }
    }
}

// Vectors with a CPU-pushed error code: 8, 10-14, 17, 21, 29, 30.
global_asm!(
    r#"
    .macro TRAP_NOERR n
    .global trap_stub_\n
    trap_stub_\n:
        pushl $0
        pushl $\n
        jmp trap_common
    .endm
    .macro TRAP_ERR n
    .global trap_stub_\n
    trap_stub_\n:
        pushl $\n
        jmp trap_common
    .endm

    /* Saves the registers as a TrapFrame and makes ds/es usable. The kernel runs on the
       user's flat data segment in ds/es (ring 0 may use a DPL 3 data segment; paging, not
       segments, protects the kernel), so a trap from ring 3 finds it there already and
       loads no segment register: under TCG each load is a helper call, and one into ds/es
       also ends the translated block. A program that loaded null or another user selector
       gets the flat one here and its own back on return. The kernel never uses fs and gs. */
    .macro SAVE_FRAME
        pushal
        pushl %ds
        pushl %es
        pushl %fs
        pushl %gs
        movw %ds, %ax
        movw %es, %cx
        xorw ${user_data}, %ax
        xorw ${user_data}, %cx
        orw %cx, %ax
        jz 1f
        movw ${user_data}, %ax
        movw %ax, %ds
        movw %ax, %es
    1:
        cld
    .endm

    .section .text
    .irp n, 0,1,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,31
    TRAP_NOERR \n
    .endr
    .irp n, 8,10,11,12,13,14,17,21,29,30
    TRAP_ERR \n
    .endr
    .irp n, 64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79
    TRAP_NOERR \n
    .endr

    /* Exceptions and interrupts: `trap_entry` finds out which by the vector. */
    trap_common:
        SAVE_FRAME
        pushl %esp
        call trap_entry
        addl $4, %esp
        jmp trap_return

    /* System calls go straight to their own entry, which falls through to the way out.
       It lies in .text.hot, with `syscall_entry` and the switch (kernel/linker.ld). */
    .section .text.hot, "ax"
    .global trap_stub_{syscall_vector}
    trap_stub_{syscall_vector}:
        pushl $0
        pushl ${syscall_vector}
        SAVE_FRAME
        pushl %esp
        call syscall_entry
        addl $4, %esp
    .global trap_return
    trap_return:
        /* Reload only the segment registers whose frame value differs from what they
           hold (a program's own selectors taken on entry, another process's after a
           switch, a sigreturn or an execve): usually none. */
        movw %gs, %ax
        xorw 0(%esp), %ax
        movw %fs, %cx
        xorw 4(%esp), %cx
        orw %cx, %ax
        movw %es, %cx
        xorw 8(%esp), %cx
        orw %cx, %ax
        movw %ds, %cx
        xorw 12(%esp), %cx
        orw %cx, %ax
        jnz 1f
        addl $16, %esp
        popal
        addl ${vector_and_error}, %esp
        iretl
    1:
        popl %gs
        popl %fs
        popl %es
        popl %ds
        popal
        addl ${vector_and_error}, %esp
        iretl
    .section .text

    .section .rodata
    .align 4
    .global trap_stub_table
    trap_stub_table:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .long trap_stub_\n
    .endr
    .global irq_stub_table
    irq_stub_table:
    .irp n, 64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79
    .long trap_stub_\n
    .endr
    "#,
    user_data = const USER_DATA,
    syscall_vector = const SYSCALL_VECTOR,
    vector_and_error = const core::mem::offset_of!(TrapFrame, eip) - core::mem::offset_of!(TrapFrame, vector),
    options(att_syntax)
);

// The stub's push order and `TrapFrame` must agree: checked here.
const _: () = {
    use core::mem::offset_of;
    assert!(offset_of!(TrapFrame, gs) == 0);
    assert!(offset_of!(TrapFrame, ds) == 12);
    assert!(offset_of!(TrapFrame, edi) == 16); // pushal's last push
    assert!(offset_of!(TrapFrame, eax) == 44); // pushal's first push
    assert!(offset_of!(TrapFrame, vector) == 48);
    assert!(offset_of!(TrapFrame, error_code) == 52);
    assert!(offset_of!(TrapFrame, eip) == 56); // where `iret` starts
    assert!(offset_of!(TrapFrame, user_ss) == 72);
    assert!(core::mem::size_of::<TrapFrame>() == 76);
};

extern "C" {
    static trap_stub_table: [u32; 32];
    static irq_stub_table: [u32; 16];
    fn trap_stub_33();
}

extern "C" {
    /// The generic dispatcher (kernel/src/trap.rs), also called by the stub.
    fn trap_entry(frame: &mut TrapFrame);
}

/// Where the double-fault task starts (see gdt.rs): hands the dispatcher a
/// frame holding the registers the task switch saved, on the double-fault
/// stack. The dispatcher reports and powers off; it never returns here.
pub extern "C" fn double_fault_task(error_code: u32) -> ! {
    let c = super::gdt::faulted_context();
    let mut frame = TrapFrame {
        eip: c.eip,
        cs: c.cs as u32,
        eflags: c.eflags,
        eax: c.eax,
        ebx: c.ebx,
        ecx: c.ecx,
        edx: c.edx,
        esi: c.esi,
        edi: c.edi,
        ebp: c.ebp,
        kernel_esp: c.esp,
        vector: DOUBLE_FAULT_VECTOR,
        error_code,
        ..TrapFrame::default()
    };
    // SAFETY: `trap_entry` takes any frame; for a double fault it reports
    // and powers off.
    unsafe { trap_entry(&mut frame) };
    super::cpu::halt_forever()
}

static mut IDT: [Descriptor; 256] = [Descriptor::NULL; 256];

fn gate(handler: u32, ring: Ring) -> Descriptor {
    <DescriptorBuilder as GateDescriptorBuilder<u32>>::interrupt_descriptor(
        SegmentSelector::from_raw(KERNEL_CODE),
        handler,
    )
    .present()
    .dpl(ring)
    .finish()
}

/// Fills and loads the IDT.
pub fn init() {
    // SAFETY: runs once at boot with interrupts off; the stub tables are
    // defined in the assembly above and the IDT is a static that lives forever.
    unsafe {
        let idt_ptr = &raw mut IDT;
        let idt = &mut *idt_ptr;
        for (vector, &stub) in trap_stub_table.iter().enumerate() {
            // `int3` and `into` are instructions a program may execute on
            // purpose: their gates must be DPL 3, or they become a #GP.
            let ring = if vector == 3 || vector == 4 {
                Ring::Ring3
            } else {
                Ring::Ring0
            };
            idt[vector] = gate(stub, ring);
        }
        for (irq, &stub) in irq_stub_table.iter().enumerate() {
            idt[IRQ_BASE as usize + irq] = gate(stub, Ring::Ring0);
        }
        idt[SYSCALL_VECTOR as usize] = gate(trap_stub_33 as *const () as u32, Ring::Ring3);
        // A double fault switches to its own task and stack (see gdt.rs).
        idt[DOUBLE_FAULT_VECTOR as usize] =
            <DescriptorBuilder as TaskGateDescriptorBuilder>::task_gate_descriptor(
                SegmentSelector::from_raw(DOUBLE_FAULT_TSS_SELECTOR),
            )
            .present()
            .dpl(Ring::Ring0)
            .finish();
        lidt(&DescriptorTablePointer::new_from_slice(idt));
    }
}

/// The names of the CPU exceptions, for fault reports.
pub fn exception_name(vector: u32) -> &'static str {
    match vector {
        0 => "divide error (#DE)",
        1 => "debug (#DB)",
        2 => "non-maskable interrupt",
        3 => "breakpoint (#BP)",
        4 => "overflow (#OF)",
        5 => "bound range exceeded (#BR)",
        6 => "invalid opcode (#UD)",
        7 => "device not available (#NM)",
        8 => "double fault (#DF)",
        10 => "invalid TSS (#TS)",
        11 => "segment not present (#NP)",
        12 => "stack-segment fault (#SS)",
        13 => "general protection fault (#GP)",
        14 => "page fault (#PF)",
        16 => "x87 floating-point error (#MF)",
        17 => "alignment check (#AC)",
        18 => "machine check (#MC)",
        19 => "SIMD floating-point error (#XM)",
        _ => "reserved exception",
    }
}

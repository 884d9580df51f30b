//! Instructions a user program may not execute, or that trap on purpose: each runs in its
//! own child, which the kernel must kill with the contract's signal (#GP -> SIGSEGV, #UD
//! and #NM -> SIGILL, #DE -> SIGFPE, #DB and #BP -> SIGTRAP, #TS -> SIGSEGV), and only it.
//! A few must not fault at all (the alignment flag without CR0.AM, `fwait` with the FPU
//! forbidden, system calls with a strange stack pointer or data segment).

use super::*;

/// How a trap child must end.
#[derive(Clone, Copy)]
enum End {
    Killed(Signal),
    /// Either signal: where CPUs (and emulators) differ in the exception they raise.
    KilledEither(Signal, Signal),
    Exits(i32),
}

/// One trap: its name, the code the child runs (returning its exit status if the
/// instruction lets it live), and how the child must end.
type Trap = (&'static str, fn() -> i32, End);

/// Bounds for `bound` that 5 is outside of.
static BOUNDS: [i32; 2] = [0, 1];

macro_rules! trap {
    ($name:ident, [$($asm:literal),+ $(,)?] $(, $($extra:tt)+)?) => {
        fn $name() -> i32 {
            // SAFETY: the instructions fault in ring 3 and the kernel ends this child
            // before anything else runs; were one to pass, it only changes the registers
            // declared as clobbered (or ends the child's usefulness, which then reports
            // SURVIVED).
            unsafe {
                core::arch::asm!($($asm),+, $($($extra)+,)? options(att_syntax));
            }
            SURVIVED
        }
    };
}

trap!(int_0x80, ["int $0x80"]);
trap!(int_0x20, ["int $0x20"]);
trap!(int_0x40_timer_vector, ["int $0x40"]);
trap!(int_0x0e_page_fault_vector, ["int $0x0e"]);
trap!(int_0x08_double_fault_vector, ["int $0x08"]);
trap!(int_0x01, ["int $0x01"]);
trap!(int_0xff, ["int $0xff"]);
trap!(int_0x04_overflow_gate, ["int $0x04"]);
trap!(into_overflow, ["movl $0x7fffffff, %eax", "addl $1, %eax", "into"], out("eax") _);
trap!(
    bound_out_of_range,
    ["movl $5, %eax", ".byte 0x62, 0x01"],
    in("ecx") BOUNDS.as_ptr(),
    out("eax") _
);
trap!(hlt, ["hlt"]);
trap!(cli, ["cli"]);
trap!(sti, ["sti"]);
trap!(inb_keyboard, ["inb $0x60, %al"], out("eax") _);
trap!(outb_debug_exit, ["movb $0x10, %al", "outb %al, $0xf4"], out("eax") _);
trap!(inb_serial_dx, ["movw $0x3f8, %dx", "inb %dx, %al"], out("eax") _, out("edx") _);
trap!(
    outsb_serial,
    ["pushl %esi", "movl %ecx, %esi", "movw $0x3f8, %dx", "outsb", "popl %esi"],
    in("ecx") READ_ONLY.as_ptr(),
    out("edx") _
);
trap!(mov_ds_kernel_data, ["movw $0x10, %ax", "movw %ax, %ds", "movw $0x23, %ax", "movw %ax, %ds"], out("eax") _);
trap!(mov_ss_kernel_data, ["movw $0x10, %ax", "movw %ax, %ss", "movw $0x23, %ax", "movw %ax, %ss"], out("eax") _);
trap!(mov_fs_tss, ["movw $0x2b, %ax", "movw %ax, %fs"], out("eax") _);
trap!(mov_gs_past_gdt, ["movw $0x33, %ax", "movw %ax, %gs"], out("eax") _);
trap!(lgdt, ["subl $8, %esp", "lgdt (%esp)", "addl $8, %esp"]);
trap!(lidt, ["subl $8, %esp", "lidt (%esp)", "addl $8, %esp"]);
trap!(lldt, ["xorl %eax, %eax", "lldt %ax"], out("eax") _);
trap!(ltr, ["movw $0x28, %ax", "ltr %ax"], out("eax") _);
trap!(ljmp_kernel_code, ["ljmp $0x08, $0x400000"]);
trap!(lcall_kernel_code, ["lcall $0x08, $0x400000"]);
trap!(ljmp_tss, ["ljmp $0x28, $0"]);
trap!(lcall_tss_rpl3, ["lcall $0x2b, $0"]);
trap!(lret_to_ring0, ["pushl $0x08", "pushl $0x400000", "lret"]);
trap!(
    iret_to_ring0,
    ["pushfl", "pushl $0x08", "pushl $0x400000", "iretl"]
);
trap!(mov_cr0_write, ["movl $0x80000011, %eax", "movl %eax, %cr0"], out("eax") _);
trap!(mov_cr3_read, ["movl %cr3, %eax"], out("eax") _);
trap!(mov_dr7_write, ["movl $0x3ff, %eax", "movl %eax, %dr7"], out("eax") _);
trap!(rdmsr, ["movl $0x1b, %ecx", "rdmsr"], out("eax") _, out("ecx") _, out("edx") _);
trap!(
    wrmsr,
    ["movl $0x174, %ecx", "movl $0x8, %eax", "xorl %edx, %edx", "wrmsr"],
    out("eax") _,
    out("ecx") _,
    out("edx") _
);
trap!(invlpg, ["invlpg (%eax)"], in("eax") 0x40_0000u32);
trap!(wbinvd, ["wbinvd"]);
trap!(clts, ["clts"]);
trap!(lmsw, ["xorl %eax, %eax", "lmsw %ax"], out("eax") _);
trap!(sysenter, ["sysenter"]);
trap!(sysexit, ["sysexit"]);
trap!(rdpmc, ["xorl %ecx, %ecx", "rdpmc"], out("eax") _, out("ecx") _, out("edx") _);
trap!(jump_into_the_kernel, ["movl $0xC0100000, %eax", "jmp *%eax"], out("eax") _);
trap!(push_with_esp_0, ["movl %esp, %ecx", "xorl %esp, %esp", "pushl $0", "movl %ecx, %esp"], out("ecx") _);
trap!(
    nt_flag_iret,
    ["pushfl", "orl $0x4000, (%esp)", "popfl", "iretl"]
);
trap!(int_0x03_two_byte, [".byte 0xcd, 0x03"]);
trap!(
    popf_trap_flag,
    ["pushfl", "orl $0x100, (%esp)", "popfl", "nop", "nop"]
);
trap!(icebp, [".byte 0xf1"]);
trap!(
    trap_flag_then_syscall,
    ["movl $5, %eax", "pushfl", "orl $0x100, (%esp)", "popfl", "int $0x21", "nop", "nop"],
    out("eax") _
);
trap!(
    mov_ss_trap_flag_syscall,
    [
        "movl $5, %eax",
        "movw %ss, %cx",
        "pushfl",
        "orl $0x100, (%esp)",
        "popfl",
        "movw %cx, %ss",
        "int $0x21",
        "nop",
        "nop"
    ],
    out("eax") _,
    out("ecx") _
);
trap!(ud2, ["ud2"]);
trap!(lock_nop, [".byte 0xf0, 0x90"]);
trap!(fninit, [".byte 0xdb, 0xe3"]);
trap!(fld1, [".byte 0xd9, 0xe8"]);
trap!(sse_xorps, [".byte 0x0f, 0x57, 0xc0"]);
trap!(
    idiv_overflow,
    ["movl $0x80000000, %eax", "cltd", "movl $-1, %ecx", "idivl %ecx"],
    out("eax") _,
    out("ecx") _,
    out("edx") _
);
trap!(aam_zero, [".byte 0xd4, 0x00"], out("eax") _);
trap!(fault_with_esp_in_kernel, ["movl %esp, %ecx", "movl $0xC0000000, %esp", "ud2", "movl %ecx, %esp"], out("ecx") _);

/// `fwait` only faults with CR0.TS and CR0.MP; the kernel sets EM, so it passes.
fn fwait() -> i32 {
    // SAFETY: `fwait` with no pending x87 exception does nothing.
    unsafe { core::arch::asm!(".byte 0x9b", options(att_syntax, nomem, nostack)) };
    0
}

/// An unaligned load with EFLAGS.AC set: without CR0.AM nothing happens.
fn alignment_check_flag() -> i32 {
    let value: u32;
    let words = [0x1122_3344u32, 0x5566_7788];
    // SAFETY: the load reads inside `words`; AC is cleared again before the block ends.
    unsafe {
        core::arch::asm!(
            "pushfl",
            "orl $0x40000, (%esp)",
            "popfl",
            "movl 1({w}), {v}",
            "pushfl",
            "andl $0xfffbffff, (%esp)",
            "popfl",
            w = in(reg) words.as_ptr(),
            v = out(reg) value,
            options(att_syntax)
        );
    }
    i32::from(value != 0x8811_2233)
}

/// `int 0x21` (getpid) with the stack pointer at `esp`, restored right after.
fn syscall_with_esp(esp: u32) -> i32 {
    let pid: u32;
    // SAFETY: the trap does not use the user stack; esp is restored from edi (which the
    // kernel preserves) before any push.
    unsafe {
        core::arch::asm!(
            "movl %esp, %edi",
            "movl {esp}, %esp",
            "movl $5, %eax",
            "int $0x21",
            "movl %edi, %esp",
            esp = in(reg) esp,
            out("eax") pid,
            out("edi") _,
            options(att_syntax)
        );
    }
    i32::from(pid as i32 != getpid().as_raw())
}

fn syscall_esp_kernel() -> i32 {
    syscall_with_esp(0xC000_0000)
}

fn syscall_esp_null() -> i32 {
    syscall_with_esp(0)
}

fn syscall_esp_stack_limit() -> i32 {
    syscall_with_esp(STACK_LIMIT as u32)
}

/// `int 0x21` with `%ds` holding the user code selector (readable code): the kernel must
/// restore it and return.
fn syscall_ds_user_code() -> i32 {
    let pid: u32;
    // SAFETY: only reads happen with ds = user code (none in this block); ds is set back
    // to the user data selector before the block ends.
    unsafe {
        core::arch::asm!(
            "movw $0x1b, %cx",
            "movw %cx, %ds",
            "movl $5, %eax",
            "int $0x21",
            "movw $0x23, %dx",
            "movw %dx, %ds",
            out("eax") pid,
            out("ecx") _,
            out("edx") _,
            options(att_syntax)
        );
    }
    i32::from(pid as i32 != getpid().as_raw())
}

/// `int 0x21` with the null selector in `%ds` and `%es`: the kernel must load its own and
/// give the null ones back. (A memory access through a null `%ds` is a #GP on real CPUs,
/// but QEMU's TCG does not check it, so that is not tested.)
fn syscall_null_ds_es() -> i32 {
    let pid: u32;
    let (ds, es): (u32, u32);
    // SAFETY: no memory access happens while ds/es are null; both are reloaded with the
    // user data selector before the block ends.
    unsafe {
        core::arch::asm!(
            "xorl %ecx, %ecx",
            "movw %cx, %ds",
            "movw %cx, %es",
            "movl $5, %eax",
            "int $0x21",
            "movl %ds, %ecx",
            "movl %es, %edx",
            "movw $0x23, %di",
            "movw %di, %ds",
            "movw %di, %es",
            out("eax") pid,
            out("ecx") ds,
            out("edx") es,
            out("edi") _,
            options(att_syntax)
        );
    }
    i32::from(pid as i32 != getpid().as_raw() || ds & 0xffff != 0 || es & 0xffff != 0)
}

/// A system call with eax = 0x21 from a frame near the bottom of the stack region.
fn deep_syscall() -> i32 {
    #[inline(never)]
    fn down(limit: usize) -> i32 {
        let mut frame = [0u8; 1000];
        black_box(&mut frame);
        if (frame.as_ptr() as usize) > limit {
            let r = down(limit);
            black_box(&frame);
            return r;
        }
        let r: i32;
        // SAFETY: an unknown call number changes nothing but eax.
        unsafe {
            core::arch::asm!("int $0x21", inout("eax") 0x21 => r, options(att_syntax, nostack));
        }
        i32::from(r != -(Errno::ENOSYS as i32))
    }
    down(STACK_LIMIT + 8 * 1024)
}

const TRAPS: &[Trap] = {
    use End::{Exits, Killed, KilledEither};
    use Signal::{SIGFPE, SIGILL, SIGSEGV, SIGTRAP};
    &[
        ("int_0x80", int_0x80, Killed(SIGSEGV)),
        ("int_0x20", int_0x20, Killed(SIGSEGV)),
        (
            "int_0x40_timer_vector",
            int_0x40_timer_vector,
            Killed(SIGSEGV),
        ),
        (
            "int_0x0e_page_fault_vector",
            int_0x0e_page_fault_vector,
            Killed(SIGSEGV),
        ),
        (
            "int_0x08_double_fault_vector",
            int_0x08_double_fault_vector,
            Killed(SIGSEGV),
        ),
        ("int_0x01", int_0x01, Killed(SIGSEGV)),
        ("int_0xff", int_0xff, Killed(SIGSEGV)),
        (
            "int_0x04_overflow_gate",
            int_0x04_overflow_gate,
            Killed(SIGSEGV),
        ),
        ("into_overflow", into_overflow, Killed(SIGSEGV)),
        ("bound_out_of_range", bound_out_of_range, Killed(SIGSEGV)),
        ("hlt", hlt, Killed(SIGSEGV)),
        ("cli", cli, Killed(SIGSEGV)),
        ("sti", sti, Killed(SIGSEGV)),
        ("inb_keyboard", inb_keyboard, Killed(SIGSEGV)),
        ("outb_debug_exit", outb_debug_exit, Killed(SIGSEGV)),
        ("inb_serial_dx", inb_serial_dx, Killed(SIGSEGV)),
        ("outsb_serial", outsb_serial, Killed(SIGSEGV)),
        ("mov_ds_kernel_data", mov_ds_kernel_data, Killed(SIGSEGV)),
        ("mov_ss_kernel_data", mov_ss_kernel_data, Killed(SIGSEGV)),
        ("mov_fs_tss", mov_fs_tss, Killed(SIGSEGV)),
        ("mov_gs_past_gdt", mov_gs_past_gdt, Killed(SIGSEGV)),
        ("lgdt", lgdt, Killed(SIGSEGV)),
        ("lidt", lidt, Killed(SIGSEGV)),
        ("lldt", lldt, Killed(SIGSEGV)),
        ("ltr", ltr, Killed(SIGSEGV)),
        ("ljmp_kernel_code", ljmp_kernel_code, Killed(SIGSEGV)),
        ("lcall_kernel_code", lcall_kernel_code, Killed(SIGSEGV)),
        ("ljmp_tss", ljmp_tss, Killed(SIGSEGV)),
        ("lcall_tss_rpl3", lcall_tss_rpl3, Killed(SIGSEGV)),
        ("lret_to_ring0", lret_to_ring0, Killed(SIGSEGV)),
        ("iret_to_ring0", iret_to_ring0, Killed(SIGSEGV)),
        ("mov_cr0_write", mov_cr0_write, Killed(SIGSEGV)),
        ("mov_cr3_read", mov_cr3_read, Killed(SIGSEGV)),
        ("mov_dr7_write", mov_dr7_write, Killed(SIGSEGV)),
        ("rdmsr", rdmsr, Killed(SIGSEGV)),
        ("wrmsr", wrmsr, Killed(SIGSEGV)),
        ("invlpg", invlpg, Killed(SIGSEGV)),
        ("wbinvd", wbinvd, Killed(SIGSEGV)),
        ("clts", clts, Killed(SIGSEGV)),
        ("lmsw", lmsw, Killed(SIGSEGV)),
        ("sysenter", sysenter, Killed(SIGSEGV)),
        ("sysexit", sysexit, Killed(SIGSEGV)),
        ("rdpmc", rdpmc, Killed(SIGSEGV)),
        (
            "jump_into_the_kernel",
            jump_into_the_kernel,
            Killed(SIGSEGV),
        ),
        ("push_with_esp_0", push_with_esp_0, Killed(SIGSEGV)),
        ("nt_flag_iret", nt_flag_iret, Killed(SIGSEGV)),
        ("int_0x03_two_byte", int_0x03_two_byte, Killed(SIGTRAP)),
        ("popf_trap_flag", popf_trap_flag, Killed(SIGTRAP)),
        // INT1 is a #DB on Intel and AMD CPUs; QEMU's TCG raises #UD for it.
        ("icebp", icebp, KilledEither(SIGTRAP, SIGILL)),
        (
            "trap_flag_then_syscall",
            trap_flag_then_syscall,
            Killed(SIGTRAP),
        ),
        (
            "mov_ss_trap_flag_syscall",
            mov_ss_trap_flag_syscall,
            Killed(SIGTRAP),
        ),
        ("ud2", ud2, Killed(SIGILL)),
        ("lock_nop", lock_nop, Killed(SIGILL)),
        ("fninit", fninit, Killed(SIGILL)),
        ("fld1", fld1, Killed(SIGILL)),
        ("sse_xorps", sse_xorps, Killed(SIGILL)),
        (
            "fault_with_esp_in_kernel",
            fault_with_esp_in_kernel,
            Killed(SIGILL),
        ),
        ("idiv_overflow", idiv_overflow, Killed(SIGFPE)),
        ("aam_zero", aam_zero, Killed(SIGFPE)),
        ("fwait", fwait, Exits(0)),
        ("alignment_check_flag", alignment_check_flag, Exits(0)),
        ("syscall_esp_kernel", syscall_esp_kernel, Exits(0)),
        ("syscall_esp_null", syscall_esp_null, Exits(0)),
        ("syscall_esp_stack_limit", syscall_esp_stack_limit, Exits(0)),
        ("syscall_ds_user_code", syscall_ds_user_code, Exits(0)),
        ("syscall_null_ds_es", syscall_null_ds_es, Exits(0)),
        ("deep_syscall", deep_syscall, Exits(0)),
    ]
};

pub fn user_traps() -> Verdict {
    let mut wrong = Vec::new();
    for &(name, f, end) in TRAPS {
        let child = spawn(f)?;
        let status = reap(child)?;
        println!("user_traps: {name} -> {status}");
        let ok = match (end, status) {
            (End::Killed(want), WaitStatus::Signaled(_, got)) => want == got,
            (End::KilledEither(a, b), WaitStatus::Signaled(_, got)) => got == a || got == b,
            (End::Exits(want), WaitStatus::Exited(_, got)) => want == got,
            _ => false,
        };
        if !ok {
            let want = match end {
                End::Killed(sig) => format!("killed by {sig:?}"),
                End::KilledEither(a, b) => format!("killed by {a:?} or {b:?}"),
                End::Exits(code) => format!("exited with status {code}"),
            };
            wrong.push(format!("{name}: {status}, expected {want}"));
        }
    }
    ensure!(getpid().as_raw() > 0, "the parent is alive");
    println!("user_traps: {} children, parent still alive", TRAPS.len());
    ensure!(wrong.is_empty(), "{}", wrong.join("; "));
    Ok(())
}

//! The signal frame: registers across a handler, faults caught by handlers (scenario 20),
//! inheritance across fork and execve (21), forged frames (22), and the bad-input cases about
//! where a handler runs: a restorer or handler pointing nowhere, no room on the stack.
//!
//! # Reading the frame
//!
//! At a handler's first instruction `esp` points at `SignalFrame.return_address`; the
//! handler's argument `signo` is at `4(%esp)` and the saved `SigContext` (Linux i386's
//! `struct sigcontext`) starts at `8(%esp)`. A Rust `extern "C" fn(i32)` may copy its
//! argument anywhere, so `&signo` is no way to find the frame. The handlers that read or
//! forge the frame are therefore written in assembly (`global_asm!` below): each knows
//! exactly where `esp` is because it runs before any push, and they return with `ret` into the
//! restorer like any handler. The offsets they use, from `esp` at entry:
//!
//! | field | context offset | from esp |
//! |---|---|---|
//! | signo | - | 4 |
//! | eip | 56 | 64 |
//! | cs | 60 | 68 |
//! | eflags | 64 | 72 |
//! | esp_at_signal | 68 | 76 |
//! | ss | 72 | 80 |
//! | oldmask | 80 | 88 |

use core::arch::{asm, global_asm};
use core::sync::atomic::AtomicU32;

use uapps::fault::{Fault, SURVIVED};
use ulib::layout::USER_STACK_LIMIT;
use ulib::raw::nr;

use super::raw::{RawSigAction, SA_RESTORER};
use super::*;

/// What [`sigtest_record_frame`] saw: signo, eip, cs, eflags, esp_at_signal, ss, oldmask.
static SEEN: [AtomicU32; 7] = [const { AtomicU32::new(0) }; 7];
/// The signal number [`sigtest_trash_registers`] got.
static TRASHED_SIGNO: AtomicU32 = AtomicU32::new(0);

global_asm!(
    // Records the interesting fields of its frame in SEEN and returns.
    ".globl sigtest_record_frame",
    "sigtest_record_frame:",
    "movl 4(%esp), %eax",
    "movl %eax, {seen}",
    "movl 64(%esp), %eax",
    "movl %eax, {seen}+4",
    "movl 68(%esp), %eax",
    "movl %eax, {seen}+8",
    "movl 72(%esp), %eax",
    "movl %eax, {seen}+12",
    "movl 76(%esp), %eax",
    "movl %eax, {seen}+16",
    "movl 80(%esp), %eax",
    "movl %eax, {seen}+20",
    "movl 88(%esp), %eax",
    "movl %eax, {seen}+24",
    "ret",
    // Clobbers every general register and sets the direction flag, then returns: the
    // interrupted code must get all of them back from the frame.
    ".globl sigtest_trash_registers",
    "sigtest_trash_registers:",
    "movl 4(%esp), %eax",
    "movl %eax, {trashed}",
    "movl $0xdead0001, %ebx",
    "movl $0xdead0002, %ecx",
    "movl $0xdead0003, %edx",
    "movl $0xdead0004, %esi",
    "movl $0xdead0005, %edi",
    "movl $0xdead0006, %ebp",
    "movl $0xdead0007, %eax",
    "std",
    "ret",
    // Forgeries: each rewrites one saved field, then returns into the restorer.
    // cs = 0x08, the kernel's code segment.
    ".globl sigtest_forge_cs",
    "sigtest_forge_cs:",
    "movl $0x08, 68(%esp)",
    "ret",
    // cs = 0x0b, the kernel's code segment asked for with RPL 3.
    ".globl sigtest_forge_cs_rpl3",
    "sigtest_forge_cs_rpl3:",
    "movl $0x0b, 68(%esp)",
    "ret",
    // eflags with IOPL 3 (bits 12-13).
    ".globl sigtest_forge_iopl",
    "sigtest_forge_iopl:",
    "orl $0x3000, 72(%esp)",
    "ret",
    // ss = 0x10, the kernel's data segment.
    ".globl sigtest_forge_ss",
    "sigtest_forge_ss:",
    "movl $0x10, 80(%esp)",
    "ret",
    seen = sym SEEN,
    trashed = sym TRASHED_SIGNO,
    options(att_syntax)
);

unsafe extern "C" {
    // SAFETY (of calling them as handlers): each touches only its frame, below `esp`-relative
    // slots the kernel wrote, and the atomics named above, then returns.
    safe fn sigtest_record_frame(signo: i32);
    safe fn sigtest_trash_registers(signo: i32);
    safe fn sigtest_forge_cs(signo: i32);
    safe fn sigtest_forge_cs_rpl3(signo: i32);
    safe fn sigtest_forge_iopl(signo: i32);
    safe fn sigtest_forge_ss(signo: i32);
}

/// User code and stack selectors (GDT entries 3 and 4 with RPL 3).
const USER_CS: u32 = 0x1b;
const USER_SS: u32 = 0x23;

/// Part of `handler_runs`: a handler that trashes every register runs on the return from
/// `kill`, and the interrupted code finds ebx, ecx, edx, esi, edi, ebp and the direction
/// flag as they were, and kill's own result in eax.
pub(super) fn registers_survive_handler() -> Verdict {
    install(
        Signal::SIGUSR2,
        sigtest_trash_registers,
        SaFlags::empty(),
        SigSet::empty(),
    )?;
    let pid = getpid().as_raw() as u32;
    let sig = Signal::SIGUSR2 as u32;
    let (mut eax, mut ebx, mut ecx, mut edx, mut edi) =
        (nr::KILL as u32, pid, sig, 0x1357_9bdfu32, 0x2468_ace0u32);
    // SAFETY: one kill system call to this process; the registers are all declared, and the
    // handler's damage is what the kernel must undo.
    unsafe {
        asm!(
            "int $0x21",
            inout("eax") eax,
            inout("ebx") ebx,
            inout("ecx") ecx,
            inout("edx") edx,
            inout("edi") edi,
            options(att_syntax)
        );
    }
    ensure!(
        TRASHED_SIGNO.load(Ordering::SeqCst) == sig,
        "the register-trashing handler did not run on the return from kill"
    );
    ensure!(
        (eax, ebx, ecx, edx, edi) == (0, pid, sig, 0x1357_9bdf, 0x2468_ace0),
        "after the handler eax={eax:#x} ebx={ebx:#x} ecx={ecx:#x} edx={edx:#x} edi={edi:#x}, \
         expected 0, {pid:#x}, {sig:#x}, 0x13579bdf, 0x2468ace0"
    );
    TRASHED_SIGNO.store(0, Ordering::SeqCst);
    let (esi_after, ebp_after, flags_after, ret): (u32, u32, u32, u32);
    // SAFETY: esi and ebp are saved on the stack and restored before the block ends; the
    // direction flag is cleared again whatever the kernel did.
    unsafe {
        asm!(
            "pushl %esi",
            "pushl %ebp",
            "movl $0x5e5e5e5e, %esi",
            "movl $0xebebebeb, %ebp",
            "int $0x21",
            "movl %esi, %ecx",
            "movl %ebp, %edx",
            "pushfl",
            "popl %edi",
            "cld",
            "popl %ebp",
            "popl %esi",
            inout("eax") nr::KILL as u32 => ret,
            in("ebx") pid,
            inout("ecx") sig => esi_after,
            out("edx") ebp_after,
            out("edi") flags_after,
            options(att_syntax)
        );
    }
    ensure!(
        TRASHED_SIGNO.load(Ordering::SeqCst) == sig,
        "the handler did not run the second time"
    );
    ensure!(
        ret == 0 && esi_after == 0x5e5e_5e5e && ebp_after == 0xebeb_ebeb,
        "after the handler eax={ret:#x} esi={esi_after:#x} ebp={ebp_after:#x}"
    );
    ensure!(
        flags_after & 0x400 == 0,
        "the handler's direction flag leaked into the interrupted code (eflags {flags_after:#x})"
    );
    Ok(())
}

/// The handler that ends the process with `40 + signo`.
extern "C" fn exit_with_signo(signo: i32) {
    exit(40 + signo);
}

/// A SIGSEGV handler that faults again.
extern "C" fn fault_again(_: i32) {
    Fault::NullLoad.trigger();
    exit(SURVIVED);
}

/// POSIX: a SIGSEGV handler catches a null write and can `_exit` with its own code (the same
/// for SIGILL, SIGFPE, SIGTRAP); with SIGSEGV blocked or ignored the fault still kills.
pub(super) fn fault_handler() -> Verdict {
    for fault in [
        Fault::NullStore,
        Fault::KernelWrite,
        Fault::InvalidOpcode,
        Fault::DivideByZero,
        Fault::Breakpoint,
    ] {
        let sig = fault.expected_signal();
        let child = spawn(move || {
            if install(sig, exit_with_signo, SaFlags::empty(), SigSet::empty()).is_err() {
                return 1;
            }
            fault.trigger();
            SURVIVED
        })?;
        expect_exit(
            child,
            40 + sig as i32,
            &format!("{} with a {sig} handler", fault.name()),
        )?;
    }
    println!("fault_handler: handlers caught SIGSEGV, SIGILL, SIGFPE and SIGTRAP");
    // A fault inside the SIGSEGV handler (SIGSEGV blocked there) kills, no endless loop.
    let child = spawn(|| {
        if install(
            Signal::SIGSEGV,
            fault_again,
            SaFlags::empty(),
            SigSet::empty(),
        )
        .is_err()
        {
            return 1;
        }
        Fault::NullStore.trigger();
        SURVIVED
    })?;
    expect_signal(
        child,
        Signal::SIGSEGV,
        "a null store inside the SIGSEGV handler",
    )?;
    // Blocked: the fault kills anyway (two more kill lines from the kernel).
    let child = spawn(|| {
        if install(
            Signal::SIGSEGV,
            exit_with_signo,
            SaFlags::empty(),
            SigSet::empty(),
        )
        .is_err()
            || change_mask(SigmaskHow::SIG_BLOCK, &[Signal::SIGSEGV]).is_err()
        {
            return 1;
        }
        Fault::NullStore.trigger();
        SURVIVED
    })?;
    expect_signal(child, Signal::SIGSEGV, "null store with SIGSEGV blocked")?;
    let child = spawn(|| {
        if set_disposition(Signal::SIGSEGV, SigHandler::SigIgn).is_err() {
            return 1;
        }
        Fault::NullStore.trigger();
        SURVIVED
    })?;
    expect_signal(child, Signal::SIGSEGV, "null store with SIGSEGV ignored")?;
    Ok(())
}

/// The signal state `fork_exec_inherit` sets up before `fork` and `execve`.
fn inherit_setup() -> Verdict {
    catch(Signal::SIGUSR1)?;
    set_disposition(Signal::SIGTERM, SigHandler::SigIgn)?;
    change_mask(SigmaskHow::SIG_BLOCK, &[Signal::SIGUSR2, Signal::SIGHUP])?;
    raise(Signal::SIGUSR2)?;
    ensure!(
        pending_set()?.contains(Signal::SIGUSR2),
        "blocked SIGUSR2 not pending"
    );
    Ok(())
}

/// POSIX fork, execve: fork keeps handlers and mask and drops pending signals; execve resets
/// caught signals to the default, keeps ignored ones, the mask and pending signals.
pub(super) fn fork_exec_inherit() -> Verdict {
    in_child("fork_exec_inherit", || {
        inherit_setup()?;
        let blocked = bit(Signal::SIGUSR2) | bit(Signal::SIGHUP);
        // fork
        in_child("fork_exec_inherit", move || {
            let p = bits(&pending_set()?);
            ensure!(p == 0, "the forked child inherited pending signals {p:#x}");
            let m = bits(&current_mask()?);
            ensure!(
                m == blocked,
                "the forked child's mask is {m:#x}, expected {blocked:#x}"
            );
            raise(Signal::SIGUSR1)?;
            ensure!(
                counted(Signal::SIGUSR1) == 1,
                "the inherited handler did not run"
            );
            raise(Signal::SIGTERM)?;
            Ok(())
        })?;
        ensure!(
            pending_set()?.contains(Signal::SIGUSR2),
            "the parent lost its pending SIGUSR2"
        );
        // execve
        let prober = spawn(|| {
            let _ = signal::raise(Signal::SIGHUP);
            let err = match execve("/bin/sigtest", &["sigtest", "--exec-probe"]) {
                Err(e) => e,
                Ok(never) => match never {},
            };
            println!("fork_exec_inherit: execve failed: {}", err.name());
            1
        })?;
        // The probe ends by raising SIGUSR1, whose handler execve must have dropped.
        expect_signal(prober, Signal::SIGUSR1, "the exec probe (see its lines)")
    })
}

/// `sigtest --exec-probe`: checks what survived `execve` in `fork_exec_inherit`.
pub(super) fn exec_probe() -> i32 {
    let check = || -> Verdict {
        let usr1 = raw::query_action(Signal::SIGUSR1 as i32).map_err(|e| format!("{e:?}"))?;
        ensure!(
            usr1.handler == 0,
            "SIGUSR1's handler survived execve ({:#x})",
            usr1.handler
        );
        let term = raw::query_action(Signal::SIGTERM as i32).map_err(|e| format!("{e:?}"))?;
        ensure!(
            term.handler == 1,
            "SIGTERM is no longer ignored ({:#x})",
            term.handler
        );
        let m = bits(&current_mask()?);
        let blocked = bit(Signal::SIGUSR2) | bit(Signal::SIGHUP);
        ensure!(
            m == blocked,
            "the mask after execve is {m:#x}, expected {blocked:#x}"
        );
        let p = bits(&pending_set()?);
        ensure!(
            p == bit(Signal::SIGHUP),
            "pending after execve {p:#x}, expected SIGHUP (raised before execve)"
        );
        raise(Signal::SIGTERM)?;
        Ok(())
    };
    match check() {
        Ok(()) => {
            println!("fork_exec_inherit: probe: handler reset, SIG_IGN, mask and pending kept");
            let _ = signal::raise(Signal::SIGUSR1);
            println!("FAIL: fork_exec_inherit: probe: SIGUSR1 with SIG_DFL did not kill");
            1
        }
        Err(why) => {
            println!("FAIL: fork_exec_inherit: probe: {why}");
            1
        }
    }
}

/// Security: a handler that rewrites its saved frame with a ring-0 selector or IOPL 3 gets
/// SIGSEGV at sigreturn, never kernel privilege. First a handler that only reads the frame
/// shows the offsets are right.
pub(super) fn frame_forgery() -> Verdict {
    in_child("frame_forgery", || {
        set_mask(&set_of(&[Signal::SIGHUP]))?;
        install(
            Signal::SIGUSR1,
            sigtest_record_frame,
            SaFlags::empty(),
            SigSet::empty(),
        )?;
        raise(Signal::SIGUSR1)?;
        let seen: [u32; 7] = core::array::from_fn(|i| SEEN[i].load(Ordering::SeqCst));
        let [signo, eip, cs, eflags, esp, ss, oldmask] = seen;
        println!(
            "frame_forgery: frame signo={signo} eip={eip:#x} cs={cs:#x} eflags={eflags:#x} \
             esp={esp:#x} ss={ss:#x} oldmask={oldmask:#x}"
        );
        ensure!(signo == 10, "signo {signo} at 4(%esp)");
        ensure!(
            cs == USER_CS && ss == USER_SS,
            "saved cs {cs:#x} ss {ss:#x}"
        );
        ensure!(
            eflags & 0x200 != 0 && eflags & 0x3000 == 0,
            "saved eflags {eflags:#x}"
        );
        ensure!(eip != 0 && eip < 0xC000_0000, "saved eip {eip:#x}");
        ensure!(
            (USER_STACK_LIMIT..0xC000_0000).contains(&esp),
            "saved esp {esp:#x}"
        );
        ensure!(oldmask == bit(Signal::SIGHUP), "saved oldmask {oldmask:#x}");
        ensure!(
            bits(&current_mask()?) == bit(Signal::SIGHUP),
            "the mask after sigreturn"
        );
        Ok(())
    })?;
    let forgeries: [(&str, extern "C" fn(i32)); 4] = [
        ("cs=0x08", sigtest_forge_cs),
        ("cs=0x0b", sigtest_forge_cs_rpl3),
        ("IOPL 3", sigtest_forge_iopl),
        ("ss=0x10", sigtest_forge_ss),
    ];
    for (what, forger) in forgeries {
        let child = spawn(move || {
            if install(Signal::SIGUSR1, forger, SaFlags::empty(), SigSet::empty()).is_err() {
                return 1;
            }
            let _ = signal::raise(Signal::SIGUSR1);
            // Still here: the forged frame was loaded. With IOPL 3, cli would now work.
            println!("frame_forgery: the forged frame ({what}) was accepted");
            SURVIVED
        })?;
        expect_signal(
            child,
            Signal::SIGSEGV,
            &format!("sigreturn of a frame with {what}"),
        )?;
    }
    println!("frame_forgery: 4 forged frames killed with SIGSEGV");
    Ok(())
}

/// A handler that says it ran (the process may not live to tell otherwise).
extern "C" fn announce(_: i32) {
    println!("sigtest: handler ran");
}

/// Issue 8: a restorer pointing nowhere kills the process with SIGSEGV when the handler
/// returns; the kernel survives.
pub(super) fn bad_restorer() -> Verdict {
    for (what, restorer) in [("0x10", 0x10u32), ("kernel 0xC0001000", 0xC000_1000)] {
        let child = spawn(move || {
            let act = RawSigAction {
                handler: fn_addr(announce),
                mask: 0,
                flags: SA_RESTORER,
                restorer,
            };
            if raw::sigaction(Signal::SIGUSR1 as i32, Some(&act), None).is_err() {
                return 1;
            }
            let _ = signal::raise(Signal::SIGUSR1);
            SURVIVED
        })?;
        expect_signal(child, Signal::SIGSEGV, &format!("restorer at {what}"))?;
    }
    Ok(())
}

/// Issue 8: a handler address in kernel space (or unmapped) is accepted by sigaction, and the
/// delivery kills with SIGSEGV.
pub(super) fn kernel_handler() -> Verdict {
    for handler in [0xC010_0000u32, 0xFFFF_F000, 0x10] {
        let child = spawn(move || {
            let act = RawSigAction {
                handler,
                mask: 0,
                flags: 0,
                restorer: 0,
            };
            let r = raw::sigaction(Signal::SIGUSR1 as i32, Some(&act), None);
            if r.is_err() {
                println!("kernel_handler: sigaction with handler {handler:#x} gave {r:?}");
                return 1;
            }
            let _ = signal::raise(Signal::SIGUSR1);
            SURVIVED
        })?;
        expect_signal(child, Signal::SIGSEGV, &format!("handler at {handler:#x}"))?;
    }
    Ok(())
}

/// Issue 8: a signal arrives while the stack pointer is at the bottom of the stack (or
/// nowhere): no room for the frame, so SIGSEGV, no hang.
pub(super) fn stack_bottom() -> Verdict {
    // Handlers nesting without end (SA_NODEFER, each raising its signal again) fill the stack
    // until no frame fits.
    let child = spawn(|| {
        if install(
            Signal::SIGUSR2,
            recurse,
            SaFlags::SA_NODEFER,
            SigSet::empty(),
        )
        .is_err()
        {
            return 1;
        }
        let _ = signal::raise(Signal::SIGUSR2);
        SURVIVED
    })?;
    expect_signal(
        child,
        Signal::SIGSEGV,
        "handlers nested until the stack was full",
    )?;
    for esp in [USER_STACK_LIMIT + 16, USER_STACK_LIMIT, 0x40, 0] {
        let child = spawn(move || {
            if catch(Signal::SIGUSR1).is_err() {
                return 1;
            }
            let pid = getpid().as_raw();
            let ret: i32;
            // SAFETY: edi keeps the real stack pointer across the system call and puts it
            // back; nothing in between uses the stack (the kernel only writes the signal
            // frame, which it must refuse to do).
            unsafe {
                asm!(
                    "movl %esp, %edi",
                    "movl %edx, %esp",
                    "int $0x21",
                    "movl %edi, %esp",
                    inout("eax") nr::KILL as i32 => ret,
                    in("ebx") pid,
                    in("ecx") Signal::SIGUSR1 as i32,
                    in("edx") esp,
                    out("edi") _,
                    options(att_syntax)
                );
            }
            println!(
                "stack_bottom: kill with esp={esp:#x} returned {ret}, handler ran {} times",
                counted(Signal::SIGUSR1)
            );
            SURVIVED
        })?;
        expect_signal(child, Signal::SIGSEGV, &format!("signal with esp={esp:#x}"))?;
    }
    Ok(())
}

/// How deep [`recurse`] got.
static DEPTH_REACHED: AtomicU32 = AtomicU32::new(0);

/// With SA_NODEFER: raises its own signal again, so handlers nest until the stack is full.
extern "C" fn recurse(signo: i32) {
    DEPTH_REACHED.fetch_add(1, Ordering::SeqCst);
    if let Ok(sig) = Signal::try_from(signo) {
        let _ = signal::raise(sig);
    }
}

/// Where [`stray_sigreturn`]'s valid context resumes.
extern "C" fn landed(_: i32) {
    exit(77);
}

/// Issue 8 (and the contract's "a bad frame kills with SIGSEGV"): `sigreturn` called outside
/// a handler, with the stack pointer at garbage, at a zeroed context or in the kernel, kills
/// with SIGSEGV; a well-formed context is simply loaded (Linux allows it), resuming at its
/// eip on its stack.
pub(super) fn stray_sigreturn() -> Verdict {
    // Straight from Rust code: the "context" is whatever lies on the stack.
    let child = spawn(|| {
        // SAFETY: the kernel either kills this process or loads a context; nothing returns
        // into Rust code that relies on the registers (the child exits at once if it does).
        let _ = unsafe { ulib::raw::sys_sigreturn() };
        SURVIVED
    })?;
    expect_signal(child, Signal::SIGSEGV, "sigreturn from plain code")?;
    let zeroed = alloc::vec![0u32; 64];
    let zeroed_at = zeroed.as_ptr() as u32;
    for (what, esp) in [
        ("a zeroed context", zeroed_at),
        ("the kernel", 0xC000_0000u32),
    ] {
        let child = spawn(move || {
            sigreturn_at(esp);
            SURVIVED
        })?;
        expect_signal(
            child,
            Signal::SIGSEGV,
            &format!("sigreturn with esp at {what}"),
        )?;
    }
    drop(zeroed);
    // A valid context: user selectors, IF, eip at `landed`, a stack of its own.
    let child = spawn(|| {
        let stack = alloc::vec![0u32; 1024];
        let top = (stack.as_ptr() as u32 + 4 * 1000) & !15;
        let (cs, ds) = (USER_CS, USER_SS);
        let mut context = [0u32; 22];
        // gs, fs, es, ds
        context[2] = ds;
        context[3] = ds;
        context[14] = fn_addr(landed); // eip
        context[15] = cs;
        context[16] = 0x202; // eflags: IF
        context[17] = top; // esp_at_signal
        context[18] = ds; // ss
        sigreturn_at(context.as_ptr() as u32);
        core::hint::black_box((&stack, &context));
        SURVIVED
    })?;
    expect_exit(child, 77, "sigreturn of a well-formed context")
}

/// `sigreturn` with `esp` at `at`; comes back only if the kernel returns to the caller.
fn sigreturn_at(at: u32) {
    let ret: u32;
    // SAFETY: edi keeps the real stack pointer; if the kernel returns here instead of killing
    // the process or loading the context, esp is put back before anything uses the stack.
    unsafe {
        asm!(
            "movl %esp, %edi",
            "movl %edx, %esp",
            "int $0x21",
            "movl %edi, %esp",
            inout("eax") nr::SIGRETURN as u32 => ret,
            in("edx") at,
            out("edi") _,
            options(att_syntax)
        );
    }
    println!("stray_sigreturn: sigreturn at {at:#x} returned {ret:#x}");
}

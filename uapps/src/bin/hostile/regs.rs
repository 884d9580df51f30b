//! The contract: every register but `eax` (and the flags) is preserved across `int 0x21`.
//! Each probe loads `ebx, ecx, edx, edi, esi, ebp` with a pattern and `fs`, `gs` with the
//! null selector, traps, and reads everything back. The calls cover successes, every
//! error path, `fork` (checked in both processes), blocking (`yield` to a runnable
//! sibling, `sleep(1)`), and the direction flag set (the kernel's copies must not run
//! backwards). A spinning loop with the registers loaded checks that preemption restores
//! them too.

use super::*;

/// Inputs and outputs of one probe; the assembly uses the field offsets.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug)]
struct Probe {
    /// In (offset 0): the call number (or the spin count).
    nr: u32,
    /// In (4): `ebx, ecx, edx, edi, esi, ebp`.
    regs_in: [u32; 6],
    /// Out (28): the same registers afterwards.
    regs_out: [u32; 6],
    /// Out (52): `eax`.
    eax: u32,
    /// Out (56): `fs`, `gs`, `ds`, `es`.
    segs: [u32; 4],
    /// In (72): 1 to trap with the direction flag set.
    df: u32,
    /// In (76): 1 to spin `nr` times instead of trapping.
    spin: u32,
    /// In (80): the selectors to load into `fs` and `gs`.
    fs_gs: [u32; 2],
}

/// Loads the registers (and `fs`, `gs`), traps with `int 0x21` or spins, and records
/// every register.
fn run(p: &mut Probe) {
    let block: *mut Probe = p;
    // SAFETY: the block saves and restores every register LLVM reserves (ebp, esi, ebx)
    // and the segment registers it changes, declares the others clobbered, clears the
    // direction flag before leaving, and writes only the `Probe` it was given. The call
    // in `nr` is one of the harmless ones `regs_preserved` picks.
    unsafe {
        core::arch::asm!(
            "pushl %ebp",
            "pushl %esi",
            "pushl %ebx",
            "pushl %eax",
            "movl %fs, %ecx",
            "pushl %ecx",
            "movl %gs, %ecx",
            "pushl %ecx",
            "movl 80(%eax), %ecx",
            "movl %ecx, %fs",
            "movl 84(%eax), %ecx",
            "movl %ecx, %gs",
            "movl 4(%eax), %ebx",
            "movl 8(%eax), %ecx",
            "movl 12(%eax), %edx",
            "movl 16(%eax), %edi",
            "movl 20(%eax), %esi",
            "movl 24(%eax), %ebp",
            "cmpl $0, 76(%eax)",
            "jne 3f",
            "cmpl $0, 72(%eax)",
            "je 2f",
            "std",
            "2:",
            "movl 0(%eax), %eax",
            "int $0x21",
            "jmp 5f",
            "3:",
            "movl 0(%eax), %eax",
            "4:",
            "decl %eax",
            "jnz 4b",
            "5:",
            "cld",
            "pushl %eax",
            "movl 12(%esp), %eax",
            "movl %ebx, 28(%eax)",
            "movl %ecx, 32(%eax)",
            "movl %edx, 36(%eax)",
            "movl %edi, 40(%eax)",
            "movl %esi, 44(%eax)",
            "movl %ebp, 48(%eax)",
            "popl %ecx",
            "movl %ecx, 52(%eax)",
            "movl %fs, %ecx",
            "movl %ecx, 56(%eax)",
            "movl %gs, %ecx",
            "movl %ecx, 60(%eax)",
            "movl %ds, %ecx",
            "movl %ecx, 64(%eax)",
            "movl %es, %ecx",
            "movl %ecx, 68(%eax)",
            "popl %ecx",
            "movl %ecx, %gs",
            "popl %ecx",
            "movl %ecx, %fs",
            "popl %eax",
            "popl %ebx",
            "popl %esi",
            "popl %ebp",
            inout("eax") block => _,
            out("ecx") _,
            out("edx") _,
            out("edi") _,
            options(att_syntax)
        );
    }
}

/// What is wrong with the registers after a probe, if anything.
fn check(p: &Probe, what: &str) -> Verdict {
    const NAMES: [&str; 6] = ["ebx", "ecx", "edx", "edi", "esi", "ebp"];
    for (i, name) in NAMES.iter().enumerate() {
        ensure!(
            p.regs_out[i] == p.regs_in[i],
            "{what}: {name} was {:#x}, is {:#x} afterwards",
            p.regs_in[i],
            p.regs_out[i]
        );
    }
    ensure!(
        p.segs[0] & 0xffff == p.fs_gs[0] && p.segs[1] & 0xffff == p.fs_gs[1],
        "{what}: fs/gs were {:#x}/{:#x}, are {:#x}/{:#x} afterwards",
        p.fs_gs[0],
        p.fs_gs[1],
        p.segs[0] & 0xffff,
        p.segs[1] & 0xffff
    );
    ensure!(
        p.segs[2] & 0xffff == USER_DATA_SELECTOR && p.segs[3] & 0xffff == USER_DATA_SELECTOR,
        "{what}: ds/es are {:#x}/{:#x} afterwards, expected {USER_DATA_SELECTOR:#x}",
        p.segs[2] & 0xffff,
        p.segs[3] & 0xffff
    );
    Ok(())
}

/// Selectors for `fs` and `gs`, in turn: the user code selector and the user data
/// selector with RPL 0 (both loadable in ring 3 and unlike what the kernel loads), or null.
fn selectors() -> [u32; 2] {
    static TURN: AtomicU32 = AtomicU32::new(0);
    if TURN.fetch_add(1, Ordering::Relaxed).is_multiple_of(2) {
        [0x1b, 0x20]
    } else {
        [0, 0]
    }
}

fn probe(nr: usize, args: [u32; 6], std_flag: bool) -> Probe {
    let mut p = Probe {
        nr: nr as u32,
        regs_in: args,
        df: u32::from(std_flag),
        fs_gs: selectors(),
        ..Probe::default()
    };
    run(&mut p);
    p
}

const PATTERN: [u32; 6] = [
    0x1111_1111,
    0x2222_2222,
    0x3333_3333,
    0x4444_4444,
    0x5555_5555,
    0x6666_6666,
];

fn errno_result(e: Errno) -> u32 {
    (-(e as i32)) as u32
}

pub fn regs_preserved() -> Verdict {
    let me = getpid().as_raw() as u32;
    let line = b"regs_preserved: written with the direction flag set\n";
    let ts = scratch();
    let with = |a: &[u32]| {
        let mut regs = PATTERN;
        regs[..a.len()].copy_from_slice(a);
        regs
    };
    // (what, nr, registers, expected eax)
    let calls: [(&str, usize, [u32; 6], u32); 14] = [
        ("getpid", nr::GETPID, PATTERN, me),
        (
            "unknown call 0x21",
            0x21,
            PATTERN,
            errno_result(Errno::ENOSYS),
        ),
        (
            "unknown call 0xFFFFFFFF",
            0xFFFF_FFFF,
            PATTERN,
            errno_result(Errno::ENOSYS),
        ),
        (
            "write to a bad fd",
            nr::WRITE,
            PATTERN,
            errno_result(Errno::EBADF),
        ),
        (
            "write from the kernel",
            nr::WRITE,
            with(&[1, 0xC000_0000, 8]),
            errno_result(Errno::EFAULT),
        ),
        (
            "clock_gettime(bad clock)",
            nr::CLOCK_GETTIME,
            PATTERN,
            errno_result(Errno::EINVAL),
        ),
        (
            "clock_gettime(NULL)",
            nr::CLOCK_GETTIME,
            with(&[1, 0]),
            errno_result(Errno::EFAULT),
        ),
        ("clock_gettime", nr::CLOCK_GETTIME, with(&[1, ts as u32]), 0),
        (
            "waitpid(bad options)",
            nr::WAITPID,
            with(&[u32::MAX, 0, 0x80]),
            errno_result(Errno::EINVAL),
        ),
        (
            "wait without children",
            nr::WAIT,
            with(&[0]),
            errno_result(Errno::ECHILD),
        ),
        (
            "execve(kernel path)",
            nr::EXECVE,
            with(&[0xC000_0000]),
            errno_result(Errno::EFAULT),
        ),
        (
            "sbrk(huge)",
            nr::SBRK,
            with(&[0x7FFF_FFFF]),
            errno_result(Errno::ENOMEM),
        ),
        ("brk(0)", nr::BRK, with(&[0]), errno_result(Errno::ENOMEM)),
        ("sleep(0)", nr::SLEEP, with(&[0]), 0),
    ];
    for std_flag in [false, true] {
        for (what, n, regs, want) in calls {
            let p = probe(n, regs, std_flag);
            let what = format!("{what}{}", if std_flag { " (DF set)" } else { "" });
            ensure!(
                p.eax == want,
                "{what}: eax = {:#x}, expected {want:#x}",
                p.eax
            );
            check(&p, &what)?;
        }
    }
    // A successful copy from user memory with the direction flag set must copy forwards.
    let p = probe(
        nr::WRITE,
        with(&[1, line.as_ptr() as u32, line.len() as u32]),
        true,
    );
    ensure!(
        p.eax == line.len() as u32,
        "write with DF set returned {:#x}",
        p.eax
    );
    check(&p, "write with DF set")?;

    // fork: both processes come back with the registers intact.
    let p = probe(nr::FORK, PATTERN, true);
    if p.eax == 0 {
        let ok = check(&p, "fork, in the child").is_ok();
        exit(if ok { 0 } else { 1 });
    }
    check(&p, "fork, in the parent")?;
    ensure!((p.eax as i32) > 0, "fork returned {:#x}", p.eax);
    expect_exit(
        Pid::from_raw(p.eax as i32),
        0,
        "registers in the child of a raw fork",
    )?;

    // Blocking and switching: a sibling spins, we yield and sleep.
    let spinner = spawn(|| {
        let start = Instant::now();
        while start.elapsed().as_millis() < 1500 {
            uapps::spin(100_000);
        }
        0
    })?;
    for _ in 0..3 {
        let p = probe(nr::YIELD, PATTERN, false);
        ensure!(p.eax == 0, "yield returned {:#x}", p.eax);
        check(&p, "yield to a runnable sibling")?;
    }
    let p = probe(nr::SLEEP, with(&[1]), false);
    ensure!(p.eax == 0, "sleep(1) returned {:#x}", p.eax);
    check(&p, "sleep(1)")?;

    // Preemption: spin with the registers loaded while the sibling competes.
    let start = Instant::now();
    let mut rounds = 0u32;
    while start.elapsed().as_millis() < 200 {
        let mut p = Probe {
            nr: 200_000,
            regs_in: PATTERN,
            spin: 1,
            fs_gs: selectors(),
            ..Probe::default()
        };
        run(&mut p);
        check(&p, "a preempted loop")?;
        rounds += 1;
    }
    expect_exit(spinner, 0, "the spinning sibling")?;
    println!("regs_preserved: {rounds} preemptible loops kept their registers");
    Ok(())
}

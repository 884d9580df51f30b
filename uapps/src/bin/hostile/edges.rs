//! The argument edges of the three calls that take user pointers.

use super::*;

/// A fresh heap page `[edge - PAGE, edge)` followed by unmapped memory at `edge`.
/// Set it up right before use: an allocation afterwards may grow the heap over `edge`.
pub fn heap_edge() -> Result<usize, String> {
    let brk = current_break();
    let top = page_up(brk);
    // Two whole pages below the edge: room for a path longer than the limit.
    sbrk((top - brk + 2 * PAGE) as isize).map_err(|e| format!("sbrk: {}", e.name()))?;
    Ok(top + 2 * PAGE)
}

pub fn wait_edge() -> Verdict {
    let me = getpid().as_raw();
    let parent = getppid().as_raw();
    let child = spawn(|| 42)?;
    // Let it end: it runs to its exit while we yield.
    for _ in 0..3 {
        yield_now();
    }
    // No such child, even though one exists: our own pid, our parent, pids that cannot
    // exist, other process groups.
    let mut not_children = vec![me, 0x7FFF_FFFF, 32767, -5, -2, i32::MIN];
    if parent > 0 {
        not_children.push(parent);
    }
    for pid in not_children {
        let r = waitpid_raw(pid, 0, 0);
        ensure!(
            r == Err(Errno::ECHILD),
            "waitpid({pid}): {r:?}, expected ECHILD"
        );
        let r = waitpid_raw(pid, 0, 1);
        ensure!(
            r == Err(Errno::ECHILD),
            "waitpid({pid}, WNOHANG): {r:?}, expected ECHILD"
        );
    }
    // A child cannot wait for its parent (our pid) either, only for its own child.
    in_child(
        "a child waiting for its parent, then for its own child",
        move || {
            let Ok(gc) = spawn(|| 0) else { return 1 };
            let grandparent = getppid().as_raw();
            if grandparent > 0 && waitpid_raw(grandparent, 0, 0) != Err(Errno::ECHILD) {
                return 2;
            }
            report(waitpid_raw(gc.as_raw(), 0, 0).map(|_| 0))
        },
    )?;
    // Unknown option bits are EINVAL, and do not collect the child.
    // (WNOHANG 1, WUNTRACED 2 and WCONTINUED 8 are the valid ones.)
    for options in [4u32, 0x8000_0000, 0xFFFF_FFFF, 5, 0x10, 0x1_0000] {
        let r = waitpid_raw(child.as_raw(), 0, options);
        ensure!(
            r == Err(Errno::EINVAL),
            "options {options:#x}: {r:?}, expected EINVAL"
        );
        let r = waitpid_raw(-1, 0, options);
        ensure!(
            r == Err(Errno::EINVAL),
            "waitpid(-1, options {options:#x}): {r:?}"
        );
    }
    // Bad status pointers: EFAULT, nothing written, the child stays.
    let edge = heap_edge()?;
    poke(edge - 2, &[0xAB, 0xCD]);
    let text = wait_edge as fn() -> Verdict as usize;
    let bad: [(&str, usize); 8] = [
        (
            "the last 2 bytes of a page before an unmapped one",
            edge - 2,
        ),
        ("an unmapped page", edge),
        ("read-only text", text),
        ("read-only data", READ_ONLY.as_ptr() as usize),
        ("0x1", 1),
        ("the kernel", USER_END),
        ("the top of the stack into the kernel", USER_END - 2),
        ("0xFFFFFFFE (wrapping)", 0xFFFF_FFFE),
    ];
    for (what, addr) in bad {
        let r = waitpid_raw(child.as_raw(), addr, 0);
        ensure!(
            r == Err(Errno::EFAULT),
            "status in {what}: {r:?}, expected EFAULT"
        );
        let r = waitpid_raw(-1, addr, 0);
        ensure!(
            r == Err(Errno::EFAULT),
            "wait(-1) status in {what}: {r:?}, expected EFAULT"
        );
        // SAFETY: as for waitpid_raw: the address is not writable memory of ours.
        let r = unsafe { raw_calls::wait(addr) };
        ensure!(
            r == Err(Errno::EFAULT),
            "wait() status in {what}: {r:?}, expected EFAULT"
        );
    }
    ensure!(
        peek_u32(edge - 4) >> 16 == 0xCDAB,
        "a failed waitpid wrote the 2 mapped bytes before the unmapped page"
    );
    ensure!(READ_ONLY == READ_ONLY_VALUE, "read-only data changed");
    // With WNOHANG and a bad pointer: the zombie exists, so EFAULT too.
    let r = waitpid_raw(child.as_raw(), text, 1);
    ensure!(
        r == Err(Errno::EFAULT),
        "WNOHANG with the status in text: {r:?}"
    );
    // The child is still there, and a good pointer collects it with its status.
    let st = scratch() + PAGE - 2;
    let r = waitpid_raw(child.as_raw(), st, 0);
    ensure!(
        r == Ok(child.as_raw() as usize),
        "after the EFAULTs, waitpid with a good pointer: {r:?}"
    );
    ensure!(
        peek_u32(st) == 42 << 8,
        "status {:#x}, expected {:#x}",
        peek_u32(st),
        42 << 8
    );
    let r = waitpid_raw(child.as_raw(), 0, 0);
    ensure!(
        r == Err(Errno::ECHILD),
        "the collected child is still there: {r:?}"
    );

    // A live child: WNOHANG with a bad pointer returns 0 (nothing to store); pid 0 means
    // any child of ours.
    let sleeper = spawn(|| {
        sleep(1);
        7
    })?;
    let r = waitpid_raw(sleeper.as_raw(), text, 1);
    ensure!(
        r == Ok(0),
        "WNOHANG on a live child with a bad pointer: {r:?}, expected 0"
    );
    let r = waitpid_raw(0, st, 0);
    ensure!(r == Ok(sleeper.as_raw() as usize), "waitpid(0): {r:?}");
    ensure!(
        peek_u32(st) == 7 << 8,
        "status of the sleeper {:#x}",
        peek_u32(st)
    );
    let r = waitpid_raw(-1, st, 1);
    ensure!(r == Err(Errno::ECHILD), "WNOHANG without children: {r:?}");
    // Unknown option bits are EINVAL whatever the pid: the options are checked first (as
    // Linux does), not after deciding that a pid < -1 names no child.
    for pid in [-5, -2, i32::MIN, 0x7FFF_FFFF, -1] {
        let r = waitpid_raw(pid, 0, 4);
        ensure!(
            r == Err(Errno::EINVAL),
            "waitpid({pid}, NULL, 4): {r:?}, expected EINVAL"
        );
    }
    Ok(())
}

pub fn write_edge() -> Verdict {
    // Length 0 writes nothing and reads nothing, whatever the pointer: 0.
    for (fd, addr) in [(1, 0usize), (1, USER_END), (2, 0xFFFF_FFFF), (1, 1)] {
        let r = write_raw(fd, addr, 0);
        ensure!(r == Ok(0), "write({fd}, {addr:#x}, 0): {r:?}, expected 0");
    }
    // Bad descriptors, checked before the buffer (0, 1 and 2 are the console's; nothing
    // else is open here).
    let msg = b"write_edge: must not appear\n";
    for fd in [-1, 3, 4, 256, 1000, i32::MIN, i32::MAX] {
        for (addr, len) in [(msg.as_ptr() as usize, msg.len()), (0, 5), (0, 0)] {
            let r = write_raw(fd, addr, len);
            ensure!(
                r == Err(Errno::EBADF),
                "write({fd}, {addr:#x}, {len}): {r:?}, expected EBADF"
            );
        }
    }
    // Bad buffers.
    let edge = heap_edge()?;
    poke(edge - 100, &[b' '; 100]);
    let bad: [(&str, usize, usize); 9] = [
        ("NULL", 0, 16),
        ("0x1", 1, 1),
        ("the kernel", USER_END, 1),
        ("the stack top into the kernel", USER_END - 16, 17),
        (
            "the stack top with length 0xFFFFFFFF",
            USER_END - 16,
            0xFFFF_FFFF,
        ),
        ("0xFFFFF000 + 0x2000 (wrapping)", 0xFFFF_F000, 0x2000),
        ("a heap page into an unmapped one", edge - 100, 200),
        (
            "a heap page with length 0x80000000",
            edge - 100,
            0x8000_0000,
        ),
        ("an unmapped page", edge, 1),
    ];
    for (what, addr, len) in bad {
        let r = write_raw(1, addr, len);
        ensure!(
            r == Err(Errno::EFAULT),
            "write from {what}: {r:?}, expected EFAULT"
        );
    }
    // A big buffer: partial writes are allowed, every byte must come out once.
    const LINE: usize = 1024;
    const LINES: usize = 100;
    let mut big = vec![b'.'; LINE * LINES];
    for (n, line) in big.chunks_mut(LINE).enumerate() {
        let head = format!("write_edge: bulk {n:03} ");
        line[..head.len()].copy_from_slice(head.as_bytes());
        line[LINE - 1] = b'\n';
    }
    let mut done = 0;
    let mut calls = 0;
    while done < big.len() {
        let left = big.len() - done;
        let n = write_raw(1, big[done..].as_ptr() as usize, left)
            .map_err(|e| format!("write of {left} bytes: {}", e.name()))?;
        ensure!(n > 0 && n <= left, "write of {left} bytes returned {n}");
        done += n;
        calls += 1;
    }
    println!("write_edge: 100 KiB in {calls} writes");
    // The very top of the stack: in a child, which may overwrite its argument strings.
    in_child("a write ending at the top of the stack", || {
        let line = b"write_edge: from the top of the stack\n";
        let at = USER_END - line.len();
        poke(at, line);
        poke(at - 1, b"\n");
        if write_raw(1, at, line.len()) != Ok(line.len()) {
            return 1;
        }
        if write_raw(1, at - 1, line.len() + 1) != Ok(line.len() + 1) {
            return 2;
        }
        if write_raw(1, at, line.len() + 1) != Err(Errno::EFAULT) {
            return 3;
        }
        0
    })?;
    Ok(())
}

pub fn clock_edge() -> Verdict {
    let s = scratch();
    for clock in [0u32, 2, 3, 4, 7, 0x8000_0001, 0xFFFF_FFFF] {
        let r = clock_raw(clock, s);
        ensure!(
            r == Err(Errno::EINVAL),
            "clock {clock:#x}: {r:?}, expected EINVAL"
        );
        let r = clock_raw(clock, 0);
        ensure!(
            r == Err(Errno::EINVAL),
            "clock {clock:#x} with NULL: {r:?}, expected EINVAL"
        );
    }
    let edge = heap_edge()?;
    poke(edge - 4, &[0x11, 0x22, 0x33, 0x44]);
    let text = clock_edge as fn() -> Verdict as usize;
    let bad: [(&str, usize); 11] = [
        ("NULL", 0),
        ("0x1", 1),
        ("0xFFF", 0xFFF),
        ("the kernel", USER_END),
        ("the stack top into the kernel", USER_END - 4),
        ("0xFFFFFFFC (wrapping)", 0xFFFF_FFFC),
        ("read-only text", text),
        ("read-only data", READ_ONLY.as_ptr() as usize),
        ("a heap page into an unmapped one", edge - 4),
        ("an unmapped page", edge),
        ("0x70000000", 0x7000_0000),
    ];
    for (what, addr) in bad {
        let r = clock_raw(1, addr);
        ensure!(
            r == Err(Errno::EFAULT),
            "timespec in {what}: {r:?}, expected EFAULT"
        );
    }
    ensure!(
        peek_u32(edge - 4) == 0x4433_2211,
        "a failed clock_gettime wrote the mapped half of the timespec"
    );
    // Unaligned and straddling two pages are fine.
    let reference = now_ns();
    for addr in [s + 1, s + PAGE - 3, s + 2 * PAGE - 4] {
        let r = clock_raw(1, addr);
        ensure!(r == Ok(0), "timespec at {addr:#x}: {r:?}");
        let ns = u64::from(peek_u32(addr)) * 1_000_000_000 + u64::from(peek_u32(addr + 4));
        ensure!(
            peek_u32(addr + 4) < 1_000_000_000
                && ns >= reference
                && ns < reference + 10_000_000_000,
            "timespec at {addr:#x} reads {ns} ns, the clock said {reference} ns"
        );
    }
    // Monotonic, and moving.
    let first = now_ns();
    let mut last = first;
    for i in 0..10_000 {
        let r = clock_raw(1, s + 100);
        ensure!(r == Ok(0), "call {i}: {r:?}");
        let sec = peek_u32(s + 100);
        let nsec = peek_u32(s + 104);
        ensure!(nsec < 1_000_000_000, "call {i}: tv_nsec = {nsec}");
        let ns = u64::from(sec) * 1_000_000_000 + u64::from(nsec);
        ensure!(
            ns >= last,
            "call {i}: the clock went back from {last} to {ns} ns"
        );
        last = ns;
    }
    ensure!(last > first, "10000 readings and the clock did not move");
    println!(
        "clock_edge: 10000 readings over {} us, never decreasing",
        (last - first) / 1000
    );
    // A store into a copy-on-write page changes only the child's copy.
    poke(s + 200, &[0xEE; 8]);
    in_child("clock_gettime into a copy-on-write page", move || {
        report(clock_raw(1, s + 200))
    })?;
    ensure!(
        peek_u32(s + 200) == 0xEEEE_EEEE && peek_u32(s + 204) == 0xEEEE_EEEE,
        "the child's clock_gettime changed the parent's memory"
    );
    Ok(())
}

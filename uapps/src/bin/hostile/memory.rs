//! The program break at its limits, and what happens when memory runs out: every failure
//! is ENOMEM (or a kill of the process that faults), and every frame comes back.

use super::*;

/// Grows the break in `step`-byte steps until ENOMEM; returns the bytes added.
fn grow_until_enomem(step: usize) -> Result<usize, String> {
    let mut grown = 0;
    loop {
        let before = current_break();
        match sbrk(step as isize) {
            Ok(old) if old == before => grown += step,
            Ok(old) => bail!("sbrk returned {old:#x}, but the break was {before:#x}"),
            Err(Errno::ENOMEM) => {
                ensure!(
                    current_break() == before,
                    "a failed sbrk moved the break from {before:#x} to {:#x}",
                    current_break()
                );
                return Ok(grown);
            }
            Err(e) => bail!("sbrk({step:#x}) failed with {}", e.name()),
        }
    }
}

/// Writes one word in every page of `[from, to)` and reads them back.
fn touch_pages(from: usize, to: usize) -> Verdict {
    let mut page = page_up(from);
    while page + 4 <= to {
        poke(page, &(page as u32).to_le_bytes());
        page += PAGE;
    }
    let mut page = page_up(from);
    while page + 4 <= to {
        ensure!(
            peek_u32(page) == page as u32,
            "heap page {page:#x} lost its contents"
        );
        page += PAGE;
    }
    Ok(())
}

/// In a child: how many MiB the heap can grow by, touching every page, then give it all
/// back and grow again by as much. Exits with the MiB count (capped at 250).
fn measure_heap() -> i32 {
    pretouch_stack(32 * 1024);
    let start = current_break();
    let grown = match grow_until_enomem(1 << 20) {
        Ok(g) => g,
        Err(why) => {
            println!("FAIL: brk_abuse: {why}");
            return 1;
        }
    };
    if let Err(why) = touch_pages(start, start + grown) {
        println!("FAIL: brk_abuse: {why}");
        return 1;
    }
    if brk(start) != Ok(0) || current_break() != start {
        println!("FAIL: brk_abuse: brk back to the start failed");
        return 1;
    }
    match sbrk(grown as isize) {
        Ok(old) if old == start => {}
        other => {
            println!("FAIL: brk_abuse: growing again by {grown:#x} after shrinking: {other:?}");
            return 1;
        }
    }
    if touch_pages(start, start + grown).is_err() || brk(start) != Ok(0) {
        println!("FAIL: brk_abuse: second growth unusable");
        return 1;
    }
    ((grown >> 20).min(250)) as i32
}

pub fn brk_abuse() -> Verdict {
    let img = image();
    let b0 = current_break();
    ensure!(
        b0 >= img.heap_start && b0 <= STACK_LIMIT,
        "the break {b0:#x} is outside [{:#x}, {STACK_LIMIT:#x}]",
        img.heap_start
    );
    ensure!(sbrk(0) == Ok(b0), "sbrk(0) twice disagrees");
    ensure!(brk(b0) == Ok(0), "brk(current break) failed");

    let refusals: [(&str, Result<usize, Errno>); 13] = [
        ("sbrk(0x7FFFFFFF)", sbrk(0x7FFF_FFFF)),
        ("sbrk(isize::MIN)", sbrk(isize::MIN)),
        ("sbrk(-0x7FFFFFFF)", sbrk(-0x7FFF_FFFF)),
        (
            "sbrk below the heap start",
            sbrk(-((b0 - img.heap_start) as isize) - 1),
        ),
        ("sbrk(0x7F000000): more than all memory", sbrk(0x7F00_0000)),
        (
            "sbrk up to the stack region + 1",
            sbrk((STACK_LIMIT + 1 - b0) as isize),
        ),
        ("brk(heap start - 1)", brk(img.heap_start - 1)),
        ("brk(0)", brk(0)),
        ("brk(0x1000)", brk(0x1000)),
        ("brk(0xBF800001)", brk(STACK_LIMIT + 1)),
        ("brk(0xC0000000)", brk(USER_END)),
        ("brk(0xFFFFFFFF)", brk(0xFFFF_FFFF)),
        ("brk(0x40000000): more than all memory", brk(0x4000_0000)),
    ];
    for (what, r) in refusals {
        ensure!(r == Err(Errno::ENOMEM), "{what}: {r:?}, expected ENOMEM");
        ensure!(
            current_break() == b0,
            "{what} moved the break from {b0:#x} to {:#x}",
            current_break()
        );
    }

    // Unaligned moves.
    ensure!(sbrk(1) == Ok(b0), "sbrk(1)");
    ensure!(
        current_break() == b0 + 1,
        "sbrk(1) did not move the break by 1"
    );
    poke(b0, &[0x77]);
    ensure!(sbrk(-1) == Ok(b0 + 1), "sbrk(-1)");
    ensure!(current_break() == b0, "sbrk(-1) did not restore the break");

    // Fill memory in a child; the memory must be returned when it shrinks and exits.
    let first = spawn(measure_heap)?;
    let mib_a = match reap(first)? {
        WaitStatus::Exited(_, code) if code > 8 => code as usize,
        other => bail!("the child filling the heap {other}"),
    };
    println!("brk_abuse: a child grew its heap by {mib_a} MiB before ENOMEM");
    // The parent can now take almost as much.
    let take = (mib_a - 4) << 20;
    let before = current_break();
    ensure!(
        sbrk(take as isize) == Ok(before),
        "the parent cannot grow by {} MiB after the child exited",
        take >> 20
    );
    touch_pages(before, before + take)?;
    ensure!(
        sbrk(-(take as isize)) == Ok(before + take),
        "shrinking the parent back failed"
    );
    ensure!(
        current_break() == before,
        "the parent's break did not come back"
    );
    // A shrunk heap page is really gone.
    let freed = page_up(before) + PAGE;
    let child = spawn(move || {
        poke(freed, &[1]);
        SURVIVED
    })?;
    expect_signal(child, Signal::SIGSEGV, "a store above the shrunk break")?;
    let second = spawn(measure_heap)?;
    let mib_b = match reap(second)? {
        WaitStatus::Exited(_, code) if code > 8 => code as usize,
        other => bail!("the second child filling the heap {other}"),
    };
    println!("brk_abuse: a second child grew its heap by {mib_b} MiB");
    ensure!(
        mib_b + 1 >= mib_a,
        "memory went missing: the first child got {mib_a} MiB, the second {mib_b} MiB"
    );
    Ok(())
}

/// Forks a child that exits at once (to be collected later).
fn quick_child() -> Result<Pid, String> {
    spawn(|| 0)
}

/// In a child: eat all memory, then check that every call needing memory fails cleanly.
fn starve() -> i32 {
    let outcome = (|| -> Verdict {
        pretouch_stack(64 * 1024);
        println!("oom: eating all memory");
        // Heap pages written now stay private: error messages can still be formatted.
        black_box(vec![1u8; 64 * 1024]);
        let zombie = quick_child()?;
        // Let it end (it runs to its exit while we yield), so that it is a zombie.
        for _ in 0..3 {
            yield_now();
        }
        let start = current_break();
        let big = grow_until_enomem(1 << 20)?;
        let small = grow_until_enomem(PAGE)?;
        let s = scratch();
        // Take the last frame, if one is left: afterwards nothing is.
        let first = clock_raw(1, s);
        ensure!(
            first == Ok(0) || first == Err(Errno::ENOMEM),
            "clock_gettime into a copy-on-write page: {first:?}"
        );
        let r = clock_raw(1, s + PAGE);
        ensure!(
            r == Err(Errno::ENOMEM),
            "clock_gettime into a shared page without memory: {r:?}, expected ENOMEM"
        );
        let r = waitpid_raw(zombie.as_raw(), s + 2 * PAGE, 0);
        ensure!(
            r == Err(Errno::ENOMEM),
            "waitpid storing into a shared page without memory: {r:?}, expected ENOMEM"
        );
        for _ in 0..3 {
            let r = fork();
            ensure!(
                r == Err(Errno::ENOMEM),
                "fork without memory: {:?}, expected ENOMEM",
                r.map(|f| f.is_child())
            );
        }
        let hello = b"/bin/hello\0";
        let r = execve_raw(hello.as_ptr() as usize, 0, 0);
        ensure!(r == Errno::ENOMEM, "execve without memory: {}", r.name());
        let r = sbrk(PAGE as isize);
        ensure!(r == Err(Errno::ENOMEM), "sbrk without memory: {r:?}");
        ensure!(getpid().as_raw() > 1, "getpid");
        // Half-built forks: fork needs a page directory and a page table per 4 MiB of this
        // process (over 60 now). Giving back one page at a time makes each attempt fail
        // at a later table; each must release everything it took.
        for k in 1..=40 {
            ensure!(sbrk(-(PAGE as isize)).is_ok(), "sbrk(-4096)");
            match fork() {
                Ok(ForkResult::Child) => exit(0),
                Ok(ForkResult::Parent { child }) => {
                    bail!("fork with {k} free frames succeeded (child {child})")
                }
                Err(Errno::ENOMEM) => {}
                Err(e) => bail!("fork with {k} free frames: {}", e.name()),
            }
        }
        println!(
            "oom: {} MiB + {} pages taken; fork, execve, sbrk and copy-on-write stores fail with ENOMEM",
            big >> 20,
            small / PAGE
        );
        // Give everything back: all of it works again.
        ensure!(brk(start) == Ok(0), "brk back to the start");
        let r = waitpid_raw(zombie.as_raw(), s + 2 * PAGE, 0);
        ensure!(
            r == Ok(zombie.as_raw() as usize) && peek_u32(s + 2 * PAGE) == 0,
            "collecting the zombie after memory came back: {r:?}"
        );
        ensure!(
            clock_raw(1, s + PAGE) == Ok(0),
            "clock_gettime after memory came back"
        );
        in_child("fork after memory came back", || 0)?;
        Ok(())
    })();
    match outcome {
        Ok(()) => 0,
        Err(why) => {
            println!("FAIL: oom: {why}");
            1
        }
    }
}

/// In a child: eat all memory, then grow the stack: the kernel must kill it (SIGKILL).
fn starve_then_grow_stack() -> i32 {
    pretouch_stack(32 * 1024);
    if grow_until_enomem(1 << 20).is_err() || grow_until_enomem(PAGE).is_err() {
        return 1;
    }
    // 8 MiB of stack cannot fit in at most one free frame.
    pretouch_stack(8 << 20);
    SURVIVED
}

/// In a child: eat all memory, then write to copy-on-write data pages.
fn starve_then_write_shared() -> i32 {
    pretouch_stack(32 * 1024);
    if grow_until_enomem(1 << 20).is_err() || grow_until_enomem(PAGE).is_err() {
        return 1;
    }
    for page in 0..3 {
        poke(scratch() + page * PAGE, &[1]);
    }
    SURVIVED
}

pub fn oom() -> Verdict {
    in_child("the starved child", starve)?;
    let child = spawn(starve_then_grow_stack)?;
    expect_signal(child, Signal::SIGKILL, "stack growth without memory")?;
    let child = spawn(starve_then_write_shared)?;
    expect_signal(child, Signal::SIGKILL, "copy-on-write without memory")?;
    // Everything came back: a child can still take most of the memory.
    let child = spawn(|| {
        pretouch_stack(32 * 1024);
        match grow_until_enomem(1 << 20) {
            Ok(g) => ((g >> 20).min(250)) as i32,
            Err(_) => 0,
        }
    })?;
    match reap(child)? {
        WaitStatus::Exited(_, mib) if mib > 64 => {
            println!("oom: afterwards a child still gets {mib} MiB");
        }
        other => bail!("after the starved children, a heap-filling child {other}"),
    }
    Ok(())
}

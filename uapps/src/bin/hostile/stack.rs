//! The 8 MiB stack region grows on demand; past it is a SIGSEGV. The kernel must accept
//! pointers into the region's not-yet-touched pages like any other user memory.

use super::*;

/// Recurses in ~1 KiB frames until the stack pointer is below `stop` (never, for 0);
/// returns the frames, or `u32::MAX` if a frame lost its contents.
#[inline(never)]
fn recurse(depth: u32, stop: usize) -> u32 {
    let mut frame = [0u8; 1000];
    let tag = depth.to_le_bytes();
    frame[..4].copy_from_slice(&tag);
    frame[996..].copy_from_slice(&tag);
    let frame = black_box(&mut frame);
    let here = frame.as_ptr() as usize;
    let below = if stop == 0 || here > stop {
        recurse(depth + 1, stop)
    } else {
        0
    };
    if frame[..4] != tag || frame[996..] != tag || below == u32::MAX {
        return u32::MAX;
    }
    below + 1
}

/// The address of a local of the caller's frame.
#[inline(never)]
fn stack_pointer() -> usize {
    let marker = 0u8;
    black_box(&marker) as *const u8 as usize
}

/// Recursion down to `bytes` below here, then a system call there.
fn deep(bytes: usize) -> i32 {
    let stop = stack_pointer() - bytes;
    match recurse(0, stop) {
        u32::MAX => 1,
        frames => {
            println!("stack_growth: {frames} frames, down to {stop:#x}");
            0
        }
    }
}

pub fn stack_growth() -> Verdict {
    in_child("4 MiB of stack", || deep(4 << 20))?;
    // Down to 64 KiB above the limit.
    in_child("the stack down to its limit", || {
        let bytes = stack_pointer() - (STACK_LIMIT + 64 * 1024);
        deep(bytes)
    })?;
    let child = spawn(|| {
        recurse(0, 0);
        SURVIVED
    })?;
    expect_signal(child, Signal::SIGSEGV, "unbounded recursion")?;
    // The stack pages of the dead child came back: once more.
    in_child("4 MiB of stack after the overflow", || deep(4 << 20))?;
    println!("stack_growth: unbounded recursion ended with SIGSEGV");
    Ok(())
}

/// Pointers into pages of the stack region that the program has not touched yet are
/// writable user memory (a store there would simply grow the stack); the kernel must
/// accept them for its own stores and reads, as it accepts any other user memory.
pub fn lazy_stack() -> Verdict {
    // 6 MiB below the top: far below any frame this program ever had.
    let untouched = |k: usize| USER_END - (6 << 20) + (k << 16);
    let mut wrong = Vec::new();
    // Runs `f` in a child that must exit 0, and says how that went.
    let mut check = |what: &str, f: &dyn Fn() -> i32| {
        let r = in_child(what, f);
        println!(
            "lazy_stack: {what}: {}",
            if r.is_ok() { "ok" } else { "refused" }
        );
        if let Err(why) = r {
            wrong.push(why);
        }
    };
    check("clock_gettime into an untouched stack page", &|| {
        report(clock_raw(1, untouched(0)))
    });
    check("waitpid storing into an untouched stack page", &|| {
        let child = match quick_child_pid() {
            Some(c) => c,
            None => return 1,
        };
        let r = waitpid_raw(child, untouched(1) + 2, 0);
        if r.is_ok() && peek_u32(untouched(1) + 2) != 0 {
            return 2;
        }
        report(r)
    });
    check("execve with argv in an untouched stack page", &|| {
        // An untouched page reads as zeros: an empty argv.
        let path = b"/bin/hello\0";
        ERRNO_EXIT + execve_raw(path.as_ptr() as usize, untouched(2), 0) as i32
    });
    // Once the program has touched a page, the kernel takes it (this always worked).
    check("clock_gettime into a touched stack page", &|| {
        poke(untouched(3), &[0]);
        report(clock_raw(1, untouched(3)))
    });
    ensure!(wrong.is_empty(), "{}", wrong.join("; "));
    Ok(())
}

fn quick_child_pid() -> Option<i32> {
    spawn(|| 0).ok().map(Pid::as_raw)
}

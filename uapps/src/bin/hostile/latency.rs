//! The kernel runs with interrupts off, so a system call that works for long loses timer
//! ticks: the monotonic clock falls behind and no other process runs meanwhile. The
//! reference is the CPU's time-stamp counter (`rdtsc` is allowed in ring 3), calibrated
//! against the clock while the machine idles in `sleep(1)`.

use super::*;

/// How long each measurement runs, by the time-stamp counter.
const WINDOW_MS: u64 = 1500;

fn rdtsc() -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: rdtsc only reads the time-stamp counter (allowed in ring 3 without CR4.TSD).
    unsafe {
        core::arch::asm!("rdtsc", out("eax") lo, out("edx") hi, options(nomem, nostack));
    }
    (u64::from(hi) << 32) | u64::from(lo)
}

/// Time-stamp-counter ticks per millisecond, measured over an idle `sleep(1)`.
fn tsc_per_ms() -> Result<u64, String> {
    let (c0, t0) = (now_ns(), rdtsc());
    sleep(1);
    let (c1, t1) = (now_ns(), rdtsc());
    let ms = (c1 - c0) / 1_000_000;
    ensure!(
        ms >= 1000 && t1 > t0,
        "calibration: sleep(1) took {ms} ms, tsc {t0}..{t1}"
    );
    Ok((t1 - t0) / ms)
}

/// Runs `op` until `WINDOW_MS` have passed by the counter; returns (calls, clock ms,
/// counter ms).
fn window(per_ms: u64, mut op: impl FnMut() -> Verdict) -> Result<(u32, u64, u64), String> {
    let (c0, t0) = (now_ns(), rdtsc());
    let mut calls = 0;
    while (rdtsc() - t0) / per_ms < WINDOW_MS {
        op()?;
        calls += 1;
    }
    let (c1, t1) = (now_ns(), rdtsc());
    Ok((calls, (c1 - c0) / 1_000_000, (t1 - t0) / per_ms))
}

/// The clock must have seen at least half of the real time.
fn kept_time(what: &str, (calls, clock_ms, real_ms): (u32, u64, u64)) -> Verdict {
    println!(
        "long_syscalls: {what}: {calls} calls, {real_ms} ms passed, the clock saw {clock_ms} ms"
    );
    ensure!(
        clock_ms * 2 >= real_ms,
        "{what}: {real_ms} ms passed but the monotonic clock advanced {clock_ms} ms \
         ({calls} calls; the kernel works with interrupts off and loses timer ticks)"
    );
    Ok(())
}

fn failing_huge_sbrk() -> Verdict {
    let r = sbrk(0x4000_0000);
    ensure!(r == Err(Errno::ENOMEM), "sbrk(1 GiB): {r:?}");
    Ok(())
}

pub fn long_syscalls() -> Verdict {
    let per_ms = tsc_per_ms()?;
    let mut wrong = Vec::new();
    // Growing the heap by more than all memory fails: how long may the failure take?
    if let Err(why) = kept_time("failing sbrk(1 GiB)", window(per_ms, failing_huge_sbrk)?) {
        wrong.push(why);
    }
    // Growing and shrinking a 64 MiB heap.
    let base = current_break();
    if let Err(why) = kept_time(
        "sbrk(+64 MiB) and back",
        window(per_ms, || {
            ensure!(sbrk(64 << 20) == Ok(base), "sbrk(64 MiB) failed");
            ensure!(brk(base) == Ok(0), "brk back failed");
            Ok(())
        })?,
    ) {
        wrong.push(why);
    }
    // Meanwhile nobody else runs: a sibling doing failing sbrk calls must not stretch our
    // sleep(1) by much.
    let hog = spawn(move || {
        let t0 = rdtsc();
        while (rdtsc() - t0) / per_ms < 2 * WINDOW_MS {
            if failing_huge_sbrk().is_err() {
                return 1;
            }
        }
        0
    })?;
    yield_now();
    let t0 = rdtsc();
    sleep(1);
    let slept = (rdtsc() - t0) / per_ms;
    expect_exit(hog, 0, "the sibling calling sbrk(1 GiB)")?;
    println!("long_syscalls: sleep(1) next to a sibling calling sbrk(1 GiB) took {slept} ms");
    if slept > 1300 {
        wrong.push(format!(
            "sleep(1) took {slept} ms of real time while a sibling made failing sbrk calls"
        ));
    }
    ensure!(wrong.is_empty(), "{}", wrong.join("; "));
    Ok(())
}

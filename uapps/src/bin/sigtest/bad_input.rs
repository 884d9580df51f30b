//! Bad input from issue 8 for the signal calls: invalid numbers, bad `how`, hostile pointers,
//! signals to zombies and to pid 1, a flood of signals between two processes. Each gets an
//! errno or the documented behaviour, and nobody is killed by the kernel.

use alloc::vec;

use uapps::raw_calls::READ_ONLY;

use super::raw::RawSigAction;
use super::*;

/// Addresses the kernel must neither read nor write for the caller.
const KERNEL: usize = 0xC000_0000;
/// The last 4 bytes of user space plus 4 of the kernel's, for a 16-byte `struct sigaction`.
const STRADDLING_ACTION: usize = 0xBFFF_FFF8;
/// The last 2 bytes of user space plus 2 of the kernel's, for a 4-byte set.
const STRADDLING_SET: usize = 0xBFFF_FFFE;

/// Invalid signal numbers in every call that takes one; sa_mask loses SIGKILL and SIGSTOP.
pub(super) fn bad_signo() -> Verdict {
    let act = RawSigAction::handler(fn_addr(count) as usize, 0);
    for n in [
        0,
        32,
        33,
        63,
        64,
        65,
        128,
        -1,
        -10,
        1000,
        i32::MAX,
        i32::MIN,
    ] {
        let r = raw::sigaction(n, Some(&act), None);
        ensure!(r == Err(Errno::EINVAL), "sigaction({n}, act) gave {r:?}");
        let r = raw::query_action(n);
        ensure!(
            r.err() == Some(Errno::EINVAL),
            "sigaction({n}, NULL, &old) gave {r:?}"
        );
        if n == 0 {
            // Signal 0 is valid for kill: it only checks.
            continue;
        }
        let r = raw::kill(getpid().as_raw(), n);
        ensure!(r == Err(Errno::EINVAL), "kill(self, {n}) gave {r:?}");
        let r = raw::kill(0, n);
        ensure!(r == Err(Errno::EINVAL), "kill(0, {n}) gave {r:?}");
    }
    let r = raw::kill(getpid().as_raw(), 0);
    ensure!(r == Ok(0), "kill(self, 0) gave {r:?}");
    // Flags the kernel does not know are EINVAL (the ABI's `SA_VALID` lists those it does).
    for flags in [0x0000_0008u32, 0x0000_0100, 0x0100_0000, 0x2000_0000] {
        let act = RawSigAction::handler(fn_addr(count) as usize, flags);
        let r = raw::sigaction(Signal::SIGUSR1 as i32, Some(&act), None);
        ensure!(
            r == Err(Errno::EINVAL),
            "sigaction with flags {flags:#x} gave {r:?}"
        );
    }
    // sa_mask may name any signal; SIGKILL and SIGSTOP are silently dropped from it.
    let act = RawSigAction {
        handler: fn_addr(count),
        mask: 0xffff_ffff,
        flags: 0,
        restorer: 0,
    };
    raw::sigaction(Signal::SIGUSR1 as i32, Some(&act), None)
        .map_err(|e| format!("sigaction with a full mask: {e:?}"))?;
    let now = raw::query_action(Signal::SIGUSR1 as i32).map_err(|e| format!("{e:?}"))?;
    ensure!(
        now.mask & (bit(Signal::SIGKILL) | bit(Signal::SIGSTOP)) == 0,
        "sa_mask kept SIGKILL or SIGSTOP: {:#x}",
        now.mask
    );
    // Running under that mask, the handler still works and the mask comes back.
    raise(Signal::SIGUSR1)?;
    ensure!(counted(Signal::SIGUSR1) == 1, "the handler did not run");
    ensure!(bits(&current_mask()?) == 0, "the mask did not come back");
    Ok(())
}

/// `sigprocmask` with a `how` other than 0, 1, 2 is EINVAL and changes nothing.
pub(super) fn bad_how() -> Verdict {
    set_mask(&set_of(&[Signal::SIGHUP]))?;
    let before = bits(&current_mask()?);
    for how in [3, 4, -1, 0x100, 0x10002, i32::MAX, i32::MIN] {
        let r = raw::sigprocmask_how(how, bit(Signal::SIGUSR1));
        ensure!(
            r == Err(Errno::EINVAL),
            "sigprocmask({how}, set) gave {r:?}, expected EINVAL"
        );
        let now = bits(&current_mask()?);
        ensure!(
            now == before,
            "sigprocmask({how}) changed the mask to {now:#x}"
        );
    }
    // The valid ones through the same raw path.
    for (how, expect) in [
        (0, bit(Signal::SIGHUP) | bit(Signal::SIGUSR1)),
        (1, bit(Signal::SIGHUP)),
        (2, bit(Signal::SIGUSR1)),
    ] {
        let r = raw::sigprocmask_how(how, bit(Signal::SIGUSR1));
        ensure!(r == Ok(0), "sigprocmask({how}) gave {r:?}");
        let now = bits(&current_mask()?);
        ensure!(
            now == expect,
            "sigprocmask({how}) left {now:#x}, expected {expect:#x}"
        );
    }
    set_mask(&SigSet::empty())?;
    Ok(())
}

/// Kernel, NULL, read-only and straddling pointers for sets and actions are EFAULT and change
/// nothing; unaligned pointers, even across a page boundary, work.
pub(super) fn bad_pointers() -> Verdict {
    // A guard against a sigsuspend that blocks instead of failing.
    catch(Signal::SIGALRM)?;
    signal::alarm(5);
    catch(Signal::SIGUSR1)?;
    catch(Signal::SIGUSR2)?;
    set_mask(&set_of(&[Signal::SIGHUP]))?;
    let ro = READ_ONLY.as_ptr() as usize;
    let code = bad_pointers as fn() -> Verdict as usize;
    for (what, addr) in [
        ("NULL+0x10", 0x10),
        ("kernel", KERNEL),
        ("kernel top", 0xFFFF_FFFC),
        ("straddling", STRADDLING_SET),
    ] {
        // SAFETY: none of these is writable memory of this process.
        let r = unsafe { raw::sigprocmask_at(2, addr, 0) };
        ensure!(
            r == Err(Errno::EFAULT),
            "sigprocmask(set in {what}) gave {r:?}"
        );
        let r = raw::sigsuspend_at(addr);
        ensure!(r == Err(Errno::EFAULT), "sigsuspend({what}) gave {r:?}");
        let r = raw::nanosleep_at(addr);
        ensure!(r == Err(Errno::EFAULT), "nanosleep({what}) gave {r:?}");
    }
    for (what, addr) in [
        ("NULL", 0),
        ("kernel", KERNEL),
        ("straddling", STRADDLING_SET),
        ("read-only data", ro),
        ("code", code),
    ] {
        // SAFETY: none of these is writable memory of this process.
        let r = unsafe { raw::sigprocmask_at(0, 0, addr) };
        ensure!(
            r == Err(Errno::EFAULT) || (addr == 0 && r == Ok(0)),
            "sigprocmask(old in {what}) gave {r:?}"
        );
        // SAFETY: as above.
        let r = unsafe { raw::sigpending_at(addr) };
        ensure!(r == Err(Errno::EFAULT), "sigpending({what}) gave {r:?}");
    }
    ensure!(
        bits(&current_mask()?) == bit(Signal::SIGHUP),
        "a refused call changed the mask"
    );
    let before = raw::query_action(Signal::SIGUSR1 as i32).map_err(|e| format!("{e:?}"))?;
    for (what, act, old) in [
        ("act NULL+0x10", 0x10, 0),
        ("act in the kernel", KERNEL, 0),
        ("act straddling", STRADDLING_ACTION, 0),
        ("oldact in the kernel", 0, KERNEL),
        ("oldact straddling", 0, STRADDLING_ACTION),
        ("oldact read-only", 0, ro),
        ("oldact in code", 0, code),
    ] {
        // SAFETY: `old` is never writable memory of this process; `act`, if the kernel took
        // it anyway, would be checked below.
        let r = unsafe { raw::sigaction_at(Signal::SIGUSR1 as i32, act, old) };
        ensure!(r == Err(Errno::EFAULT), "sigaction with {what} gave {r:?}");
    }
    let after = raw::query_action(Signal::SIGUSR1 as i32).map_err(|e| format!("{e:?}"))?;
    ensure!(
        before == after,
        "a refused sigaction changed the action: {after:?}"
    );
    ensure!(
        READ_ONLY == uapps::raw_calls::READ_ONLY_VALUE,
        "the kernel wrote into read-only data"
    );

    // Unaligned, across a page boundary: they work.
    let mut buf = vec![0u8; 3 * 4096];
    let base = buf.as_mut_ptr() as usize;
    let page = (base + 4095) & !4095;
    let set_at = page + 4096 - 2;
    let act_at = page + 4096 - 7;
    let p = buf.as_mut_ptr();
    // SAFETY: both ranges lie inside `buf`, which lives to the end of the function; no
    // reference into it exists while the kernel writes, only this raw pointer.
    unsafe {
        let set = p.add(set_at - base).cast::<u32>();
        set.write_unaligned(bit(Signal::SIGUSR2) | bit(Signal::SIGKILL));
        let r = raw::sigprocmask_at(2, set as usize, set as usize);
        ensure!(r == Ok(0), "sigprocmask with an unaligned set gave {r:?}");
        let old = set.read_unaligned();
        ensure!(
            old == bit(Signal::SIGHUP),
            "the unaligned old set is {old:#x}"
        );
        ensure!(
            bits(&current_mask()?) == bit(Signal::SIGUSR2),
            "the unaligned set gave the mask {:#x}",
            bits(&current_mask()?)
        );
        raise(Signal::SIGUSR2)?;
        let r = raw::sigpending_at(set as usize);
        ensure!(r == Ok(0), "sigpending to an unaligned set gave {r:?}");
        ensure!(
            set.read_unaligned() == bit(Signal::SIGUSR2),
            "unaligned pending set"
        );

        let act = p.add(act_at - base).cast::<RawSigAction>();
        act.write_unaligned(RawSigAction::handler(
            fn_addr(count) as usize,
            raw::SA_RESTART,
        ));
        let r = raw::sigaction_at(Signal::SIGUSR1 as i32, act as usize, act as usize);
        ensure!(r == Ok(0), "sigaction with an unaligned act gave {r:?}");
        ensure!(
            act.read_unaligned() == before,
            "the unaligned oldact is wrong"
        );
        let now = raw::query_action(Signal::SIGUSR1 as i32).map_err(|e| format!("{e:?}"))?;
        ensure!(
            now.handler == fn_addr(count) && now.flags & raw::SA_RESTART != 0,
            "the unaligned act was read as {now:?}"
        );
    }
    drop(buf);
    signal::alarm(0);
    set_mask(&SigSet::empty())?;
    ensure!(
        counted(Signal::SIGALRM) == 0,
        "the guard alarm fired: something blocked"
    );
    ensure!(
        counted(Signal::SIGUSR2) == 1,
        "SIGUSR2, pending under the unaligned mask, was delivered {} times after it",
        counted(Signal::SIGUSR2)
    );
    Ok(())
}

/// POSIX: a zombie can be signalled (kill succeeds, the status stays), a reaped child cannot.
pub(super) fn zombie_kill() -> Verdict {
    let child = spawn(|| 3)?;
    // Let it exit; it stays a zombie until waited for.
    nap(300);
    for sig in [
        None,
        Some(Signal::SIGTERM),
        Some(Signal::SIGKILL),
        Some(Signal::SIGSTOP),
    ] {
        let r = signal::kill(child, sig);
        ensure!(r == Ok(()), "kill(zombie, {sig:?}) gave {r:?}");
    }
    let r = signal::kill(Pid::from_raw(-ulib::process::getpgrp().as_raw()), None);
    ensure!(
        r == Ok(()),
        "kill(-own group, 0) with a zombie in it gave {r:?}"
    );
    expect_exit(child, 3, "the zombie's status after the signals")?;
    let r = signal::kill(child, None);
    ensure!(r == Err(Errno::ESRCH), "kill(reaped child) gave {r:?}");
    Ok(())
}

/// Issue 8: pid 1 ignores the signals it has no handler for. Where this case runs as pid 1
/// (`sigtest init_ignores`) it checks its own survival; as a child of `sigtest all` it sends
/// the same signals to that driver, which must live on to report.
pub(super) fn init_ignores() -> Verdict {
    let init = Pid::from_raw(1);
    let sigs = [
        Signal::SIGTERM,
        Signal::SIGINT,
        Signal::SIGHUP,
        Signal::SIGUSR1,
        Signal::SIGUSR2,
        Signal::SIGALRM,
        Signal::SIGQUIT,
        Signal::SIGSEGV,
        Signal::SIGPIPE,
        Signal::SIGABRT,
    ];
    if is_pid1() {
        for sig in sigs {
            raise(sig)?;
        }
    }
    // From another process too.
    in_child("init_ignores", move || {
        for sig in sigs {
            send(init, sig)?;
        }
        Ok(())
    })?;
    nap(100);
    let r = signal::kill(init, None);
    ensure!(r == Ok(()), "pid 1 is gone: kill(1, 0) gave {r:?}");
    if is_pid1() {
        // A handler it installs does run.
        catch(Signal::SIGUSR2)?;
        in_child("init_ignores", move || send(init, Signal::SIGUSR2))?;
        ensure!(
            await_count(Signal::SIGUSR2, 1),
            "pid 1's SIGUSR2 handler did not run"
        );
        println!("init_ignores: pid 1 ignored 10 default-fatal signals and caught SIGUSR2");
    }
    Ok(())
}

/// Issue 8: 10 000 kills between two processes: a free-running flood both ways (standard
/// signals merge, so each side counts between 1 and the number sent), then a strict ping-pong
/// in which no signal may be lost.
pub(super) fn kill_flood() -> Verdict {
    const FLOOD: u32 = 3_000;
    const ROUNDS: u32 = 2_000;
    catch(Signal::SIGUSR1)?;
    catch(Signal::SIGUSR2)?;
    let me = getpid();
    // Free-running, both ways at once.
    let child = spawn_check("kill_flood", move || {
        for i in 0..FLOOD {
            signal::kill(me, Some(Signal::SIGUSR1))
                .map_err(|e| format!("kill {i} to the parent: {}", e.name()))?;
        }
        ensure!(
            await_count(Signal::SIGUSR2, 1),
            "no done signal from the parent"
        );
        let got = counted(Signal::SIGUSR1);
        ensure!(
            (1..=FLOOD).contains(&got),
            "the child counted {got} SIGUSR1"
        );
        println!("kill_flood: child got {got} of {FLOOD} SIGUSR1");
        Ok(())
    })?;
    for i in 0..FLOOD {
        signal::kill(child, Some(Signal::SIGUSR1))
            .map_err(|e| format!("kill {i} to the child: {}", e.name()))?;
    }
    ensure!(
        await_count(Signal::SIGUSR1, 1),
        "the parent got none of the child's signals"
    );
    // Let the child finish its half before it is told to stop.
    nap(200);
    send(child, Signal::SIGUSR2)?;
    expect_exit(child, 0, "flooding child")?;
    let got = counted(Signal::SIGUSR1);
    ensure!(
        (1..=FLOOD).contains(&got),
        "the parent counted {got} SIGUSR1"
    );
    println!("kill_flood: parent got {got} of {FLOOD} SIGUSR1");

    // Ping-pong: each side waits for the other's signal before sending the next.
    COUNTS[Signal::SIGUSR1 as usize].store(0, Ordering::SeqCst);
    change_mask(SigmaskHow::SIG_BLOCK, &[Signal::SIGUSR1])?;
    let child = spawn_check("kill_flood", move || {
        for i in 1..=ROUNDS {
            while counted(Signal::SIGUSR1) < i {
                signal::sigsuspend(&SigSet::empty());
            }
            signal::kill(me, Some(Signal::SIGUSR1))
                .map_err(|e| format!("pong {i}: {}", e.name()))?;
        }
        ensure!(
            counted(Signal::SIGUSR1) == ROUNDS,
            "the child got extra signals"
        );
        Ok(())
    })?;
    for i in 1..=ROUNDS {
        send(child, Signal::SIGUSR1)?;
        while counted(Signal::SIGUSR1) < i {
            let start = Instant::now();
            signal::sigsuspend(&SigSet::empty());
            ensure!(
                start.elapsed() < Duration::from_secs(10),
                "round {i}: the pong took over 10 s"
            );
        }
    }
    expect_exit(child, 0, "ping-pong child")?;
    ensure!(
        counted(Signal::SIGUSR1) == ROUNDS,
        "the parent got {} pongs for {ROUNDS} pings",
        counted(Signal::SIGUSR1)
    );
    set_mask(&SigSet::empty())?;
    println!(
        "kill_flood: {} kills in all, {ROUNDS} round trips without a loss",
        2 * FLOOD + 2 * ROUNDS
    );
    Ok(())
}

/// Issue 8 (time arithmetic): the largest alarm and sleeps, and malformed `timespec`s. Nothing
/// overflows: `alarm(u32::MAX)` is remembered and cancelled, huge sleeps are interrupted with
/// the time left, bad values are EINVAL.
pub(super) fn bad_times() -> Verdict {
    catch(Signal::SIGALRM)?;
    catch(Signal::SIGUSR1)?;
    for (sec, nsec) in [
        (0, 1_000_000_000),
        (0, -1),
        (-1, 0),
        (i32::MIN, 0),
        (1, i32::MAX),
    ] {
        let ts = [sec, nsec];
        let r = raw::nanosleep_at(ts.as_ptr() as usize);
        ensure!(
            r == Err(Errno::EINVAL),
            "nanosleep({{{sec}, {nsec}}}) gave {r:?}, expected EINVAL"
        );
    }
    let ts = [0i32, 0];
    let r = raw::nanosleep_at(ts.as_ptr() as usize);
    ensure!(r == Ok(0), "nanosleep({{0, 0}}) gave {r:?}");
    // The longest sleeps, cut short by a child's signal.
    let me = getpid();
    let poke = move || {
        spawn_check("bad_times", move || {
            nap(200);
            send(me, Signal::SIGUSR1)
        })
    };
    let child = poke()?;
    let r = ulib::time::nanosleep(Duration::new(i32::MAX as u64, 999_999_999));
    match r {
        Err(rem) if rem > Duration::from_secs(i32::MAX as u64 - 10) => {}
        other => bail!("nanosleep(i32::MAX s) interrupted gave {other:?}"),
    }
    expect_exit(child, 0, "signalling child")?;
    let child = poke()?;
    let left = sleep(u32::MAX);
    ensure!(
        left >= u32::MAX - 10,
        "sleep(u32::MAX) interrupted returned {left}, expected about u32::MAX"
    );
    expect_exit(child, 0, "signalling child")?;
    ensure!(
        counted(Signal::SIGUSR1) == 2,
        "{} interruptions of 2",
        counted(Signal::SIGUSR1)
    );
    // Linux i386 caps the seconds at INT_MAX; either way the alarm is pending, far away.
    for secs in [u32::MAX, i32::MAX as u32 + 1, i32::MAX as u32, 100_000_000] {
        let r = signal::alarm(secs);
        ensure!(r == 0, "alarm({secs}) with none pending returned {r}");
        let fired = counted(Signal::SIGALRM);
        // Raw, to see the very value in eax: one in -4095..-1 would read as an errno.
        // SAFETY: alarm(0) only cancels this process's alarm.
        let r = unsafe { ulib::raw::sys_alarm(0) };
        let cap = secs.min(i32::MAX as u32);
        ensure!(
            fired == 0 && r >= cap as isize - 5 && r <= cap as isize,
            "alarm(0) after alarm({secs}) returned {r} in eax (SIGALRM delivered {fired} \
             times), expected about {cap}: more than INT_MAX seconds left must be reported as \
             INT_MAX (as Linux i386 does), or the result reads as an error"
        );
    }
    Ok(())
}

/// A storm of timers: 20 000 `alarm` calls, each replacing the last, then 1000 long sleeps
/// each cut short by a signal. Every replaced alarm must leave the kernel's alarm queue (the
/// test boots with a small kernel heap, `kheap=`, which 20 000 leftovers would exhaust) and
/// every interrupted sleep its timer; afterwards `fork` and `alarm` still work and one
/// SIGALRM arrives. (Standard signals merge, so the sleeper cannot count on one interruption
/// per signal sent: it sleeps until the pinger's exit, announced by SIGCHLD, ends the storm.)
pub(super) fn timer_storm() -> Verdict {
    catch(Signal::SIGALRM)?;
    catch(Signal::SIGUSR1)?;
    catch(Signal::SIGCHLD)?;
    for i in 0..20_000u32 {
        let left = signal::alarm(1_000_000 - i);
        let expected = if i == 0 { 0 } else { 1_000_000 - i + 1 };
        ensure!(
            left == expected || left + 1 == expected,
            "alarm #{i} returned {left}, expected about {expected}"
        );
    }
    ensure!(signal::alarm(0) > 900_000, "the last alarm was lost");
    let me = getpid();
    let pinger = spawn_check("timer_storm", move || {
        for _ in 0..1000 {
            nap(1);
            send(me, Signal::SIGUSR1)?;
        }
        Ok(())
    })?;
    let mut interrupted = 0u32;
    let pinger_status = loop {
        // Every signal (SIGUSR1, or the pinger's SIGCHLD) cuts the sleep short.
        if sleep(1000) > 0 {
            interrupted += 1;
        }
        match waitpid(Some(pinger), WaitFlags::WNOHANG) {
            Ok(WaitStatus::StillAlive) => {}
            other => break other,
        }
    };
    ensure!(
        pinger_status == Ok(WaitStatus::Exited(pinger, 0)),
        "the signalling child: {pinger_status:?}"
    );
    ensure!(
        interrupted >= 10,
        "only {interrupted} sleeps were cut short by 1000 signals"
    );
    let child = spawn(|| 9)?;
    expect_exit(child, 9, "a child forked after the storm")?;
    signal::alarm(1);
    let start = Instant::now();
    while counted(Signal::SIGALRM) == 0 {
        ensure!(
            start.elapsed() < Duration::from_secs(5),
            "the alarm after the storm never fired"
        );
        signal::pause();
    }
    Ok(())
}

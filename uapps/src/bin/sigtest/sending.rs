//! Scenarios 11-19: `kill` and its errors, groups, every terminating signal, killing spinning
//! children, SIGCHLD, SIG_IGN reaping, interrupted and restarted waits, `alarm`, stop and
//! continue.

use alloc::vec::Vec;

use super::*;

/// LTP kill03, OP kill 2: bad signal EINVAL, missing pid ESRCH, signal 0 checks existence.
pub(super) fn kill_errors() -> Verdict {
    let me = getpid();
    let child = spawn_pauser()?;
    for n in [32, 33, 64, -1, 1000, i32::MIN] {
        for (what, pid) in [
            ("self", me.as_raw()),
            ("child", child.as_raw()),
            ("nobody", 99_999),
        ] {
            let r = raw::kill(pid, n);
            ensure!(
                r == Err(Errno::EINVAL),
                "kill({what}, {n}) gave {r:?}, expected EINVAL"
            );
        }
    }
    for pid in [99_999, 4_000_000, i32::MAX, -99_999, i32::MIN] {
        for sig in [0, Signal::SIGUSR1 as i32, Signal::SIGKILL as i32] {
            let r = raw::kill(pid, sig);
            ensure!(
                r == Err(Errno::ESRCH),
                "kill({pid}, {sig}) gave {r:?}, expected ESRCH"
            );
        }
    }
    let r = signal::kill(me, None);
    ensure!(r == Ok(()), "kill(self, 0) gave {r:?}");
    let r = signal::kill(child, None);
    ensure!(r == Ok(()), "kill(child, 0) gave {r:?}");
    // Signal 0 sent nothing: the paused child is still there.
    nap(100);
    expect_alive(child, "child after kill(child, 0)")?;
    let r = signal::kill(Pid::from_raw(-ulib::process::getpgrp().as_raw()), None);
    ensure!(r == Ok(()), "kill(-own group, 0) gave {r:?}");
    end(child)?;
    let r = signal::kill(child, None);
    ensure!(
        r == Err(Errno::ESRCH),
        "kill(reaped child, 0) gave {r:?}, expected ESRCH"
    );
    let r = signal::kill(child, Some(Signal::SIGTERM));
    ensure!(
        r == Err(Errno::ESRCH),
        "kill(reaped child, SIGTERM) gave {r:?}"
    );
    Ok(())
}

/// LTP kill02, kill06, kill08: kill(0) reaches the caller's group only; kill(-pgid, SIGKILL)
/// kills every member.
pub(super) fn kill_group() -> Verdict {
    // Inherited by every child: SIGUSR1 counts, SIGUSR2 is the "go"/"done" signal.
    catch(Signal::SIGUSR1)?;
    catch(Signal::SIGUSR2)?;
    let leader = spawn_check("kill_group", || {
        ensure!(
            await_count(Signal::SIGUSR2, 1),
            "the leader got no go signal"
        );
        signal::kill(Pid::from_raw(0), Some(Signal::SIGUSR1))
            .map_err(|e| format!("kill(0, SIGUSR1): {}", e.name()))?;
        // The leader is in the group: its own copy came before kill returned.
        ensure!(
            counted(Signal::SIGUSR1) == 1,
            "the leader got its own SIGUSR1 {} times",
            counted(Signal::SIGUSR1)
        );
        Ok(())
    })?;
    into_group(leader, leader)?;
    let mut members = Vec::new();
    for _ in 0..2 {
        let m = spawn_check("kill_group", || {
            ensure!(await_count(Signal::SIGUSR1, 1), "a member got no SIGUSR1");
            nap(50);
            ensure!(counted(Signal::SIGUSR1) == 1, "a member got SIGUSR1 twice");
            Ok(())
        })?;
        into_group(m, leader)?;
        members.push(m);
    }
    let outsider = spawn_check("kill_group", || {
        ensure!(
            await_count(Signal::SIGUSR2, 1),
            "the outsider got no done signal"
        );
        // Anything kill(0) sent would have been pending before SIGUSR2 and delivered first.
        ensure!(
            counted(Signal::SIGUSR1) == 0,
            "kill(0) from another group reached the outsider"
        );
        Ok(())
    })?;
    into_group(outsider, outsider)?;
    send(leader, Signal::SIGUSR2)?;
    expect_exit(leader, 0, "group leader")?;
    for m in members {
        expect_exit(m, 0, "group member")?;
    }
    send(outsider, Signal::SIGUSR2)?;
    expect_exit(outsider, 0, "outsider")?;
    ensure!(
        counted(Signal::SIGUSR1) == 0,
        "kill(0) in the children's group reached the parent"
    );

    // kill(-pgid, SIGKILL) and killpg kill every member and no one else.
    for how in ["kill(-pgid)", "killpg"] {
        let a = spawn_pauser()?;
        into_group(a, a)?;
        let b = spawn_pauser()?;
        into_group(b, a)?;
        let c = spawn_pauser()?;
        into_group(c, c)?;
        nap(50);
        if how == "killpg" {
            signal::killpg(a, Some(Signal::SIGKILL))
                .map_err(|e| format!("killpg({a}): {}", e.name()))?;
        } else {
            send(Pid::from_raw(-a.as_raw()), Signal::SIGKILL)?;
        }
        expect_signal(a, Signal::SIGKILL, &format!("group leader after {how}"))?;
        expect_signal(b, Signal::SIGKILL, &format!("group member after {how}"))?;
        nap(50);
        expect_alive(c, "a child in another group")?;
        // The group is gone with its members.
        let r = signal::kill(Pid::from_raw(-a.as_raw()), None);
        ensure!(r == Err(Errno::ESRCH), "kill(-empty group, 0) gave {r:?}");
        end(c)?;
    }
    Ok(())
}

/// Puts `child` into group `pgid` from the parent's side (the child may still be starting).
fn into_group(child: Pid, pgid: Pid) -> Verdict {
    ulib::process::setpgid(child, pgid)
        .map_err(|e| format!("setpgid({child}, {pgid}): {}", e.name()))?;
    let got = ulib::process::getpgid(Some(child));
    ensure!(
        got == Ok(pgid),
        "getpgid({child}) gave {got:?}, expected {pgid}"
    );
    Ok(())
}

/// Every signal whose default action ends the process.
fn terminating() -> Vec<Signal> {
    (1..=31)
        .filter_map(|n| Signal::try_from(n).ok())
        .filter(|s| {
            !matches!(
                s,
                Signal::SIGCHLD
                    | Signal::SIGURG
                    | Signal::SIGWINCH
                    | Signal::SIGCONT
                    | Signal::SIGSTOP
                    | Signal::SIGTSTP
                    | Signal::SIGTTIN
                    | Signal::SIGTTOU
            )
        })
        .collect()
}

/// LTP kill11: a child killed with each default-terminating signal is reported with it;
/// the default-ignored ones leave it alive.
pub(super) fn kill_each_signal() -> Verdict {
    let sigs = terminating();
    ensure!(
        sigs.len() == 23,
        "{} terminating signals, expected 23",
        sigs.len()
    );
    for sig in sigs {
        let child = spawn_pauser()?;
        send(child, sig)?;
        expect_signal(child, sig, "paused child")?;
        // Raised by the child itself, and sent before the child ever ran.
        let child = spawn(move || {
            let _ = signal::raise(sig);
            100
        })?;
        expect_signal(child, sig, "child raising the signal")?;
    }
    // A default-fatal signal ends a process blocked in a system call at once.
    for sig in [Signal::SIGTERM, Signal::SIGINT, Signal::SIGKILL] {
        let child = spawn(|| {
            sleep(10);
            100
        })?;
        nap(100);
        let start = Instant::now();
        send(child, sig)?;
        expect_signal(child, sig, "child blocked in sleep(10)")?;
        let took = start.elapsed();
        ensure!(
            took < Duration::from_secs(2),
            "{sig} ended a child sleeping in the kernel only after {took:?}"
        );
    }
    let child = spawn_pauser()?;
    for sig in [
        Signal::SIGCHLD,
        Signal::SIGURG,
        Signal::SIGWINCH,
        Signal::SIGCONT,
    ] {
        send(child, sig)?;
    }
    nap(200);
    expect_alive(child, "child sent SIGCHLD, SIGURG, SIGWINCH and SIGCONT")?;
    end(child)?;
    println!("kill_each_signal: 23 signals killed, 4 left the child alone");
    Ok(())
}

/// xv6 killstatus, preempt: children spinning without system calls are killed and reaped,
/// 100 times over.
pub(super) fn killstatus() -> Verdict {
    for round in 0..100u32 {
        let child = spawn(|| {
            loop {
                core::hint::spin_loop();
            }
        })?;
        // Now and then make sure the child really is spinning in user mode.
        if round % 10 == 0 {
            nap(20);
        } else {
            yield_now();
        }
        let sig = if round % 2 == 0 {
            Signal::SIGKILL
        } else {
            Signal::SIGTERM
        };
        send(child, sig)?;
        expect_signal(child, sig, &format!("round {round}"))?;
    }
    let r = wait();
    ensure!(r == Err(Errno::ECHILD), "after 100 rounds wait gave {r:?}");
    println!("killstatus: 100 spinning children killed and reaped");
    Ok(())
}

/// OP sigaction 10: SIGCHLD reaches the parent when a child exits; by default it is ignored.
pub(super) fn sigchld() -> Verdict {
    catch(Signal::SIGCHLD)?;
    change_mask(SigmaskHow::SIG_BLOCK, &[Signal::SIGCHLD])?;
    let child = spawn(|| 4)?;
    let r = signal::sigsuspend(&SigSet::empty());
    ensure!(r == Errno::EINTR, "sigsuspend gave {r:?}");
    ensure!(
        counted(Signal::SIGCHLD) == 1 && LAST_SIGNO.load(Ordering::SeqCst) == 17,
        "SIGCHLD handler ran {} times (last signal {})",
        counted(Signal::SIGCHLD),
        LAST_SIGNO.load(Ordering::SeqCst)
    );
    expect_exit(child, 4, "child")?;
    // One per child: three exits, three deliveries (waited for one by one).
    for n in 2..=4 {
        let child = spawn(|| 0)?;
        while counted(Signal::SIGCHLD) < n {
            signal::sigsuspend(&SigSet::empty());
        }
        expect_exit(child, 0, "child")?;
    }
    // Also for a child killed by a signal.
    let n = counted(Signal::SIGCHLD);
    let child = spawn_pauser()?;
    send(child, Signal::SIGTERM)?;
    while counted(Signal::SIGCHLD) == n {
        signal::sigsuspend(&SigSet::empty());
    }
    expect_signal(child, Signal::SIGTERM, "child killed by SIGTERM")?;
    set_mask(&SigSet::empty())?;
    // With the default action the parent survives its children's deaths.
    in_child("sigchld", || {
        set_disposition(Signal::SIGCHLD, SigHandler::SigDfl)?;
        let g = spawn(|| 0)?;
        nap(100);
        expect_exit(g, 0, "grandchild")?;
        raise(Signal::SIGCHLD)?;
        let g = spawn(|| {
            let _ = signal::raise(Signal::SIGKILL);
            0
        })?;
        expect_signal(g, Signal::SIGKILL, "grandchild")
    })
}

/// POSIX: with SIGCHLD set to SIG_IGN (or SA_NOCLDWAIT), exited children leave no zombie and
/// wait ends in ECHILD once they are all gone.
pub(super) fn nocldwait() -> Verdict {
    for how in ["SIG_IGN", "SA_NOCLDWAIT"] {
        in_child("nocldwait", move || {
            if how == "SIG_IGN" {
                set_disposition(Signal::SIGCHLD, SigHandler::SigIgn)?;
            } else {
                // The handler still runs for each child (as on Linux); SA_RESTART
                // keeps it from cutting the wait short.
                install(
                    Signal::SIGCHLD,
                    count,
                    SaFlags::SA_NOCLDWAIT | SaFlags::SA_RESTART,
                    SigSet::empty(),
                )?;
            }
            let quick = spawn(|| 3)?;
            let slow = spawn(|| {
                nap(400);
                5
            })?;
            let start = Instant::now();
            let r = wait();
            let took = start.elapsed();
            ensure!(
                r == Err(Errno::ECHILD),
                "{how}: wait gave {r:?}, expected ECHILD"
            );
            ensure!(
                took >= Duration::from_millis(350),
                "{how}: wait returned ECHILD after {took:?}, before the slow child ended"
            );
            if how == "SA_NOCLDWAIT" {
                ensure!(
                    counted(Signal::SIGCHLD) == 2,
                    "{how}: the SIGCHLD handler ran {} times for 2 children",
                    counted(Signal::SIGCHLD)
                );
            }
            for c in [quick, slow] {
                let r = waitpid(Some(c), WaitFlags::WNOHANG);
                ensure!(r == Err(Errno::ECHILD), "{how}: waitpid({c}) gave {r:?}");
                let r = signal::kill(c, None);
                ensure!(
                    r == Err(Errno::ESRCH),
                    "{how}: child {c} still exists: {r:?}"
                );
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// POSIX: a blocked waitpid is interrupted by a caught signal (EINTR); with SA_RESTART it
/// goes on and returns the child.
pub(super) fn wait_eintr_restart() -> Verdict {
    let me = getpid();
    for restart in [false, true] {
        let flags = if restart {
            SaFlags::SA_RESTART
        } else {
            SaFlags::empty()
        };
        install(Signal::SIGUSR1, count, flags, SigSet::empty())?;
        let before = counted(Signal::SIGUSR1);
        let slow = spawn(|| {
            nap(2000);
            5
        })?;
        let poker = spawn_check("wait_eintr_restart", move || {
            nap(200);
            send(me, Signal::SIGUSR1)
        })?;
        let start = Instant::now();
        let r = waitpid(Some(slow), WaitFlags::empty());
        let took = start.elapsed();
        ensure!(
            counted(Signal::SIGUSR1) == before + 1,
            "restart={restart}: the handler did not run during waitpid"
        );
        if restart {
            ensure!(
                r == Ok(WaitStatus::Exited(slow, 5)),
                "SA_RESTART: waitpid gave {r:?} after {took:?}, expected the child's exit"
            );
            ensure!(
                took >= Duration::from_millis(1900),
                "SA_RESTART: waitpid back after {took:?}, before the child's exit"
            );
        } else {
            ensure!(r == Err(Errno::EINTR), "waitpid gave {r:?}, expected EINTR");
            ensure!(
                took >= Duration::from_millis(150) && took < Duration::from_millis(1800),
                "EINTR after {took:?}, expected about 200 ms (the child ends at 2 s)"
            );
            expect_exit(slow, 5, "slow child after EINTR")?;
        }
        expect_exit(poker, 0, "signalling child")?;
    }
    Ok(())
}

/// LTP alarm02, 05, 06, 03, 07: return values, SIGALRM never early, alarm(0) cancels, a
/// child inherits no alarm, the default action kills.
pub(super) fn alarm() -> Verdict {
    // Killed by its own alarm (in parallel with the rest).
    let doomed = spawn(|| {
        signal::alarm(1);
        loop {
            signal::pause();
        }
    })?;
    let doomed_start = Instant::now();
    catch(Signal::SIGALRM)?;
    let r = signal::alarm(0);
    ensure!(r == 0, "the first alarm(0) returned {r}");
    let r = signal::alarm(5);
    ensure!(r == 0, "alarm(5) with none set returned {r}");
    let r = signal::alarm(3);
    ensure!(r == 5, "alarm(3) after alarm(5) returned {r}, expected 5");
    let r = signal::alarm(0);
    ensure!(r == 3, "alarm(0) after alarm(3) returned {r}, expected 3");
    let r = signal::alarm(1);
    ensure!(r == 0, "alarm(1) after a cancel returned {r}");
    let r = signal::alarm(0);
    ensure!(r == 1, "alarm(1); alarm(0) returned {r}, expected 1");
    // Cancelled: nothing arrives.
    nap(1300);
    ensure!(counted(Signal::SIGALRM) == 0, "a cancelled alarm fired");

    // Never early, arrives once.
    let start = Instant::now();
    signal::alarm(1);
    let child = spawn_check("alarm", || {
        let r = signal::alarm(0);
        ensure!(r == 0, "the child inherited an alarm ({r} s left)");
        nap(1300);
        ensure!(counted(Signal::SIGALRM) == 0, "SIGALRM reached the child");
        Ok(())
    })?;
    while counted(Signal::SIGALRM) == 0 {
        let r = signal::pause();
        ensure!(r == Errno::EINTR, "pause gave {r:?}");
        ensure!(
            start.elapsed() < Duration::from_secs(3),
            "no SIGALRM after 3 s"
        );
    }
    let took = start.elapsed();
    ensure!(
        took >= Duration::from_secs(1),
        "alarm(1) fired after {took:?}: early"
    );
    ensure!(
        took < Duration::from_millis(1500),
        "alarm(1) fired after {took:?}: late"
    );
    expect_exit(child, 0, "child")?;
    nap(300);
    ensure!(
        counted(Signal::SIGALRM) == 1,
        "SIGALRM arrived {} times",
        counted(Signal::SIGALRM)
    );
    let r = signal::alarm(0);
    ensure!(r == 0, "alarm(0) after the alarm fired returned {r}");

    expect_signal(
        doomed,
        Signal::SIGALRM,
        "child with alarm(1) and no handler",
    )?;
    let took = doomed_start.elapsed();
    ensure!(
        took >= Duration::from_millis(900),
        "the doomed child died after {took:?}"
    );
    println!(
        "alarm: SIGALRM after {} ms",
        uapps::Millis::from_duration(took)
    );
    Ok(())
}

/// rCore stop/cont, POSIX waitpid: WUNTRACED reports a stop, WCONTINUED a continue, the child
/// then exits normally; SIGKILL ends a stopped process; SIGCHLD for stops unless
/// SA_NOCLDSTOP.
pub(super) fn stop_cont() -> Verdict {
    catch(Signal::SIGCHLD)?;
    // The child exits 7 after its SIGUSR1 handler ran.
    let child = spawn(|| {
        if catch(Signal::SIGUSR1).is_err() {
            return 1;
        }
        while counted(Signal::SIGUSR1) == 0 {
            signal::pause();
        }
        7
    })?;
    nap(50);
    send(child, Signal::SIGSTOP)?;
    let r = waitpid(Some(child), WaitFlags::WUNTRACED);
    ensure!(
        r == Ok(WaitStatus::Stopped(child, Signal::SIGSTOP)),
        "waitpid(WUNTRACED) after SIGSTOP gave {r:?}"
    );
    let r = waitpid(Some(child), WaitFlags::WUNTRACED | WaitFlags::WNOHANG);
    ensure!(
        r == Ok(WaitStatus::StillAlive),
        "a stop was reported twice: {r:?}"
    );
    let r = waitpid(Some(child), WaitFlags::WNOHANG);
    ensure!(
        r == Ok(WaitStatus::StillAlive),
        "waitpid without WUNTRACED gave {r:?}"
    );
    ensure!(
        wait_until(Duration::from_secs(2), || counted(Signal::SIGCHLD) >= 1),
        "no SIGCHLD when the child stopped"
    );
    // Continued without a signal to catch, it goes back to pause.
    let chld_before = counted(Signal::SIGCHLD);
    send(child, Signal::SIGCONT)?;
    let r = waitpid(Some(child), WaitFlags::WCONTINUED);
    ensure!(
        r == Ok(WaitStatus::Continued(child)),
        "waitpid(WCONTINUED) after the first SIGCONT gave {r:?}"
    );
    let r = waitpid(Some(child), WaitFlags::WCONTINUED | WaitFlags::WNOHANG);
    ensure!(
        r == Ok(WaitStatus::StillAlive),
        "a continue was reported twice: {r:?}"
    );
    ensure!(
        wait_until(Duration::from_secs(2), || counted(Signal::SIGCHLD)
            > chld_before),
        "no SIGCHLD when the child continued"
    );
    // Stopped again, it does not run its handler until continued.
    send(child, Signal::SIGSTOP)?;
    let r = waitpid(Some(child), WaitFlags::WUNTRACED);
    ensure!(
        r == Ok(WaitStatus::Stopped(child, Signal::SIGSTOP)),
        "second stop: {r:?}"
    );
    send(child, Signal::SIGUSR1)?;
    nap(200);
    let r = waitpid(Some(child), WaitFlags::WNOHANG);
    ensure!(
        r == Ok(WaitStatus::StillAlive),
        "a stopped child ran and ended: {r:?}"
    );
    let chld_before = counted(Signal::SIGCHLD);
    send(child, Signal::SIGCONT)?;
    // The pending SIGUSR1 runs once the child goes on: it exits 7.
    expect_exit(child, 7, "continued child")?;
    ensure!(
        wait_until(Duration::from_secs(2), || counted(Signal::SIGCHLD)
            > chld_before),
        "no SIGCHLD when the child continued and exited"
    );

    // SIGCONT continues a stopped process even when it is ignored or caught (the handler
    // then runs).
    for caught in [false, true] {
        let child = spawn(move || {
            let r = if caught {
                catch(Signal::SIGCONT)
            } else {
                set_disposition(Signal::SIGCONT, SigHandler::SigIgn)
            };
            if r.is_err() {
                return 1;
            }
            while !caught || counted(Signal::SIGCONT) == 0 {
                signal::pause();
            }
            8
        })?;
        nap(50);
        send(child, Signal::SIGSTOP)?;
        let r = waitpid(Some(child), WaitFlags::WUNTRACED);
        ensure!(
            r == Ok(WaitStatus::Stopped(child, Signal::SIGSTOP)),
            "stop: {r:?}"
        );
        send(child, Signal::SIGCONT)?;
        let r = waitpid(Some(child), WaitFlags::WCONTINUED);
        ensure!(
            r == Ok(WaitStatus::Continued(child))
                || (caught && r == Ok(WaitStatus::Exited(child, 8))),
            "SIGCONT to a stopped child that {} it gave {r:?}",
            if caught { "catches" } else { "ignores" }
        );
        if caught {
            if r != Ok(WaitStatus::Exited(child, 8)) {
                expect_exit(child, 8, "child whose SIGCONT handler ran")?;
            }
        } else {
            end(child)?;
        }
    }

    // SIGKILL ends a stopped process.
    let child = spawn_pauser()?;
    send(child, Signal::SIGSTOP)?;
    let r = waitpid(Some(child), WaitFlags::WUNTRACED);
    ensure!(
        r == Ok(WaitStatus::Stopped(child, Signal::SIGSTOP)),
        "stop of a pauser: {r:?}"
    );
    end(child)?;

    // SA_NOCLDSTOP: no SIGCHLD for a stop.
    install(
        Signal::SIGCHLD,
        count,
        SaFlags::SA_NOCLDSTOP,
        SigSet::empty(),
    )?;
    let child = spawn_pauser()?;
    nap(50);
    let before = counted(Signal::SIGCHLD);
    send(child, Signal::SIGSTOP)?;
    let r = waitpid(Some(child), WaitFlags::WUNTRACED);
    ensure!(
        r == Ok(WaitStatus::Stopped(child, Signal::SIGSTOP)),
        "third stop: {r:?}"
    );
    nap(100);
    ensure!(
        counted(Signal::SIGCHLD) == before,
        "SIGCHLD for a stop despite SA_NOCLDSTOP"
    );
    end(child)?;
    Ok(())
}

/// POSIX kill: `kill(-1, sig)` reaches every process the caller may signal except pid 1 and
/// the caller itself.
pub(super) fn kill_all() -> Verdict {
    // Inherited by everyone below: SIGUSR1 only counts (and restarts the waits it interrupts,
    // this process's own included when it is not pid 1).
    install(Signal::SIGUSR1, count, SaFlags::SA_RESTART, SigSet::empty())?;
    let sender = spawn_check("kill_all", || {
        // Children of the sender, and a grandchild, all waiting for their signal.
        let mut kids = Vec::new();
        for _ in 0..3 {
            kids.push(spawn(|| {
                if await_count(Signal::SIGUSR1, 1) {
                    0
                } else {
                    9
                }
            })?);
        }
        let nested = spawn_check("kill_all", || {
            let g = spawn(|| {
                if await_count(Signal::SIGUSR1, 1) {
                    0
                } else {
                    9
                }
            })?;
            ensure!(
                await_count(Signal::SIGUSR1, 1),
                "a middle process got no SIGUSR1"
            );
            expect_exit(g, 0, "grandchild of the sender")
        })?;
        nap(100);
        signal::kill(Pid::from_raw(-1), Some(Signal::SIGUSR1))
            .map_err(|e| format!("kill(-1, SIGUSR1): {}", e.name()))?;
        nap(100);
        ensure!(
            counted(Signal::SIGUSR1) == 0,
            "kill(-1) reached the caller itself"
        );
        for k in kids {
            expect_exit(k, 0, "child of the sender")?;
        }
        expect_exit(nested, 0, "middle process")
    })?;
    expect_exit(sender, 0, "the process calling kill(-1)")?;
    // This process is not pid 1 under `sigtest all`: then it was reached too.
    let expected = u32::from(!is_pid1());
    ensure!(
        counted(Signal::SIGUSR1) == expected,
        "the sender's parent (pid {}) got SIGUSR1 {} times, expected {expected}",
        getpid(),
        counted(Signal::SIGUSR1)
    );
    Ok(())
}

/// POSIX (contract): SIGTSTP, SIGTTIN and SIGTTOU sent to a process in an orphaned process
/// group are discarded (pid 1's group is orphaned); in a group that is not orphaned they stop
/// it; SIGSTOP always stops.
pub(super) fn orphaned_tstp() -> Verdict {
    let mine = ulib::process::getpgrp();
    // In pid 1's group (orphaned: no member has a parent in another group of the session).
    let child = spawn_pauser()?;
    ensure!(
        ulib::process::getpgid(Some(child)) == Ok(mine),
        "the child is not in the parent's group"
    );
    if mine == Pid::from_raw(1) {
        for sig in [Signal::SIGTSTP, Signal::SIGTTIN, Signal::SIGTTOU] {
            send(child, sig)?;
        }
        nap(200);
        let r = waitpid(Some(child), WaitFlags::WUNTRACED | WaitFlags::WNOHANG);
        if r != Ok(WaitStatus::StillAlive) {
            // A stopped child would keep the final reaping waiting forever.
            let _ = signal::kill(child, Some(Signal::SIGKILL));
            bail!("stop signals to an orphaned group gave {r:?}, expected them discarded");
        }
    }
    send(child, Signal::SIGSTOP)?;
    let r = waitpid(Some(child), WaitFlags::WUNTRACED);
    ensure!(
        r == Ok(WaitStatus::Stopped(child, Signal::SIGSTOP)),
        "SIGSTOP gave {r:?}"
    );
    end(child)?;
    // In a group of its own whose parent is in another group of the same session: stopped.
    for sig in [Signal::SIGTSTP, Signal::SIGTTIN, Signal::SIGTTOU] {
        let child = spawn_pauser()?;
        into_group(child, child)?;
        send(child, sig)?;
        let r = waitpid(Some(child), WaitFlags::WUNTRACED);
        ensure!(
            r == Ok(WaitStatus::Stopped(child, sig)),
            "{sig} to a child in a group that is not orphaned gave {r:?}"
        );
        end(child)?;
    }
    Ok(())
}

/// POSIX sleep, nanosleep, waitpid: only a caught signal interrupts a blocking call; a process
/// stopped and continued (no handler run) goes on blocking until the call's own end.
pub(super) fn stop_during_sleep() -> Verdict {
    let sleeper = spawn(|| {
        let start = Instant::now();
        let left = sleep(1);
        let took = start.elapsed();
        if left == 0 && took >= Duration::from_secs(1) {
            return 0;
        }
        println!("stop_during_sleep: sleep(1) returned {left} after {took:?}");
        1
    })?;
    let nanosleeper = spawn(|| {
        let start = Instant::now();
        let r = ulib::time::nanosleep(Duration::from_secs(1));
        let took = start.elapsed();
        if r.is_ok() && took >= Duration::from_secs(1) {
            return 0;
        }
        println!("stop_during_sleep: nanosleep(1 s) gave {r:?} after {took:?}");
        1
    })?;
    let waiter = spawn(|| {
        let g = match spawn(|| {
            nap(1000);
            5
        }) {
            Ok(g) => g,
            Err(_) => return 2,
        };
        let r = waitpid(Some(g), WaitFlags::empty());
        if r == Ok(WaitStatus::Exited(g, 5)) {
            return 0;
        }
        println!("stop_during_sleep: waitpid for a 1 s child gave {r:?}");
        let _ = waitpid(Some(g), WaitFlags::empty());
        1
    })?;
    nap(200);
    for child in [sleeper, nanosleeper, waiter] {
        send(child, Signal::SIGSTOP)?;
        let r = waitpid(Some(child), WaitFlags::WUNTRACED);
        ensure!(
            r == Ok(WaitStatus::Stopped(child, Signal::SIGSTOP)),
            "stop of {child}: {r:?}"
        );
    }
    nap(200);
    for child in [sleeper, nanosleeper, waiter] {
        send(child, Signal::SIGCONT)?;
    }
    // All three are reaped before the verdict, so each one's line is there.
    let results = [
        ("sleep(1)", expect_exit(sleeper, 0, "sleep(1)")),
        (
            "nanosleep(1 s)",
            expect_exit(nanosleeper, 0, "nanosleep(1 s)"),
        ),
        ("waitpid", expect_exit(waiter, 0, "waitpid")),
    ];
    let failed: Vec<&str> = results
        .iter()
        .filter(|(_, r)| r.is_err())
        .map(|(what, _)| *what)
        .collect();
    ensure!(
        failed.is_empty(),
        "a stop and a continue ended {} early (see the lines above)",
        failed.join(", ")
    );
    Ok(())
}

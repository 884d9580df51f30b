//! Scenarios 1-10: handlers, dispositions, masks, pending signals, `sigsuspend` and `pause`.

use core::hint::black_box;
use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};

use super::*;

/// LTP signal05: the handler runs with the signal number, once per raise, and the program
/// continues with its locals and every register intact (see `frames::clobbering_kill`).
pub(super) fn handler_runs() -> Verdict {
    catch(Signal::SIGUSR1)?;
    let locals = black_box([0x1111_1111u32, 0x2222_2222, 0x3333_3333, 0x4444_4444]);
    let start = LAST_SIGNO.load(Ordering::SeqCst);
    ensure!(start == 0, "the handler ran before any signal ({start})");
    raise(Signal::SIGUSR1)?;
    // A signal sent to oneself and not blocked is delivered before `kill` returns.
    ensure!(
        counted(Signal::SIGUSR1) == 1,
        "after raise(SIGUSR1) the handler ran {} times, expected 1",
        counted(Signal::SIGUSR1)
    );
    let signo = LAST_SIGNO.load(Ordering::SeqCst);
    ensure!(
        signo == 10,
        "the handler got signal number {signo}, expected 10"
    );
    ensure!(
        black_box(locals) == [0x1111_1111, 0x2222_2222, 0x3333_3333, 0x4444_4444],
        "locals changed across the handler: {locals:x?}"
    );
    for n in 2..=5 {
        raise(Signal::SIGUSR1)?;
        ensure!(
            counted(Signal::SIGUSR1) == n,
            "after {n} raises the handler ran {} times",
            counted(Signal::SIGUSR1)
        );
    }
    // A second signal with its own handler gets its own number.
    catch(Signal::SIGUSR2)?;
    raise(Signal::SIGUSR2)?;
    let signo = LAST_SIGNO.load(Ordering::SeqCst);
    ensure!(
        counted(Signal::SIGUSR2) == 1 && signo == 12,
        "SIGUSR2: ran {} times with number {signo}",
        counted(Signal::SIGUSR2)
    );
    // A process spinning without system calls gets its handler on the return from the timer
    // interrupt.
    let child = spawn(|| {
        if catch(Signal::SIGUSR1).is_err() {
            return 1;
        }
        while counted(Signal::SIGUSR1) == 0 {
            core::hint::spin_loop();
        }
        0
    })?;
    nap(100);
    send(child, Signal::SIGUSR1)?;
    let start = Instant::now();
    loop {
        match waitpid(Some(child), WaitFlags::WNOHANG) {
            Ok(WaitStatus::StillAlive) if start.elapsed() < Duration::from_secs(3) => nap(10),
            Ok(WaitStatus::StillAlive) => {
                end(child)?;
                bail!("a child spinning in user mode did not run its handler within 3 s");
            }
            Ok(WaitStatus::Exited(pid, 0)) if pid == child => break,
            other => bail!("the spinning child: {other:?}"),
        }
    }
    // Every register the interrupted code had comes back, even when the handler trashes them.
    frames::registers_survive_handler()?;
    println!("handler_runs: handler ran with 10 and 12, registers and locals intact");
    Ok(())
}

/// LTP signal03/04: SIG_IGN makes a signal harmless, SIG_DFL brings the default back.
pub(super) fn ign_and_dfl() -> Verdict {
    let child = spawn_check("ign_and_dfl", || {
        let old = set_disposition(Signal::SIGUSR1, SigHandler::SigIgn)?;
        ensure!(
            old.handler() == SigHandler::SigDfl,
            "the first action of SIGUSR1 was {:?}, expected SigDfl",
            old.handler()
        );
        for _ in 0..3 {
            raise(Signal::SIGUSR1)?;
        }
        for sig in [Signal::SIGTERM, Signal::SIGHUP, Signal::SIGSEGV] {
            set_disposition(sig, SigHandler::SigIgn)?;
            raise(sig)?;
        }
        println!("ign_and_dfl: child survived ignored SIGUSR1, SIGTERM, SIGHUP, SIGSEGV");
        let old = set_disposition(Signal::SIGUSR1, SigHandler::SigDfl)?;
        ensure!(
            old.handler() == SigHandler::SigIgn,
            "the old action was {:?}, expected SigIgn",
            old.handler()
        );
        raise(Signal::SIGUSR1)?;
        bail!("raise(SIGUSR1) with SIG_DFL returned")
    })?;
    expect_signal(
        child,
        Signal::SIGUSR1,
        "child raising SIGUSR1 after SIG_DFL",
    )?;

    // Ignored, a signal from another process leaves the target alone too.
    let child = spawn(|| {
        if set_disposition(Signal::SIGTERM, SigHandler::SigIgn).is_err() {
            return 1;
        }
        loop {
            signal::pause();
        }
    })?;
    nap(100);
    send(child, Signal::SIGTERM)?;
    nap(200);
    expect_alive(child, "child ignoring SIGTERM after kill(SIGTERM)")?;
    end(child)?;

    // Setting SIG_IGN discards a pending instance (POSIX sigaction).
    in_child("ign_and_dfl", || {
        change_mask(SigmaskHow::SIG_BLOCK, &[Signal::SIGUSR2])?;
        raise(Signal::SIGUSR2)?;
        ensure!(
            pending_set()?.contains(Signal::SIGUSR2),
            "blocked SIGUSR2 is not pending"
        );
        set_disposition(Signal::SIGUSR2, SigHandler::SigIgn)?;
        ensure!(
            !pending_set()?.contains(Signal::SIGUSR2),
            "SIGUSR2 still pending after SIG_IGN"
        );
        // Unblocked with the default action back, nothing is left to kill the process.
        set_disposition(Signal::SIGUSR2, SigHandler::SigDfl)?;
        change_mask(SigmaskHow::SIG_UNBLOCK, &[Signal::SIGUSR2])?;
        Ok(())
    })
}

/// LTP signal01, sigaction02: SIGKILL and SIGSTOP cannot be caught or ignored; invalid
/// numbers are EINVAL.
pub(super) fn uncatchable() -> Verdict {
    let handler = SigAction::new(
        SigHandler::Handler(count),
        SaFlags::empty(),
        SigSet::empty(),
    );
    let ign = SigAction::new(SigHandler::SigIgn, SaFlags::empty(), SigSet::empty());
    let dfl = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
    for sig in [Signal::SIGKILL, Signal::SIGSTOP] {
        for (what, act) in [
            ("a handler", &handler),
            ("SIG_IGN", &ign),
            ("SIG_DFL", &dfl),
        ] {
            // SAFETY: the call must fail; were it to succeed, `count` is async-signal-safe.
            let r = unsafe { signal::sigaction(sig, act) };
            ensure!(
                r.err() == Some(Errno::EINVAL),
                "sigaction({sig}, {what}) gave {:?}, expected EINVAL",
                r.map(|a| a.handler())
            );
        }
        // SAFETY: as above.
        let r = unsafe { signal::signal(sig, SigHandler::SigIgn) };
        ensure!(
            r == Err(Errno::EINVAL),
            "signal({sig}, SIG_IGN) gave {r:?}, expected EINVAL"
        );
        // Asking for the action without changing it is allowed (Linux): it is SIG_DFL.
        let old = raw::query_action(sig as i32);
        ensure!(
            matches!(old, Ok(a) if a.handler == 0),
            "sigaction({sig}, NULL, &old) gave {old:?}, expected SIG_DFL"
        );
    }
    for n in [0, 32, 33, 64, -1, -9, 1000, i32::MIN] {
        let a = raw::RawSigAction::handler(fn_addr(count) as usize, 0);
        let r = raw::sigaction(n, Some(&a), None);
        ensure!(
            r == Err(Errno::EINVAL),
            "sigaction({n}, handler) gave {r:?}, expected EINVAL"
        );
        let r = raw::query_action(n);
        ensure!(
            r.err() == Some(Errno::EINVAL),
            "sigaction({n}, NULL, &old) gave {r:?}, expected EINVAL"
        );
    }
    // The refused calls left SIGKILL and SIGSTOP working.
    let child = spawn(|| {
        // SAFETY: this must fail; nothing is installed.
        let _ = unsafe { signal::signal(Signal::SIGKILL, SigHandler::SigIgn) };
        loop {
            signal::pause();
        }
    })?;
    send(child, Signal::SIGSTOP)?;
    match waitpid(Some(child), WaitFlags::WUNTRACED) {
        Ok(WaitStatus::Stopped(pid, Signal::SIGSTOP)) if pid == child => {}
        other => bail!("SIGSTOP on a child: waitpid(WUNTRACED) gave {other:?}"),
    }
    end(child)
}

/// OP sigaction 2, 3: the old action comes back; a NULL act changes nothing.
pub(super) fn old_action() -> Verdict {
    extern "C" fn second(_: i32) {
        SECOND.fetch_add(1, Ordering::SeqCst);
    }
    static SECOND: AtomicU32 = AtomicU32::new(0);

    let mask1 = set_of(&[Signal::SIGUSR2, Signal::SIGHUP]);
    let old = install(Signal::SIGUSR1, count, SaFlags::SA_RESTART, mask1)?;
    ensure!(
        old.handler() == SigHandler::SigDfl,
        "the first old action was {:?}, expected SigDfl",
        old.handler()
    );
    let old = install(
        Signal::SIGUSR1,
        second,
        SaFlags::SA_NODEFER,
        SigSet::empty(),
    )?;
    ensure!(
        is_handler(old.handler(), count),
        "the old handler is not the first one"
    );
    ensure!(
        old.flags().contains(SaFlags::SA_RESTART) && !old.flags().contains(SaFlags::SA_NODEFER),
        "the old flags are {:?}, expected SA_RESTART",
        old.flags()
    );
    ensure!(
        bits(&old.mask()) == bits(&mask1),
        "the old mask is {:#x}, expected {:#x}",
        bits(&old.mask()),
        bits(&mask1)
    );
    // A NULL act only reads the action: twice the same, and the handler still runs.
    let a = raw::query_action(Signal::SIGUSR1 as i32).map_err(|e| format!("query: {e:?}"))?;
    let b = raw::query_action(Signal::SIGUSR1 as i32).map_err(|e| format!("query: {e:?}"))?;
    ensure!(a == b, "two NULL-act queries differ: {a:?} {b:?}");
    ensure!(
        a.handler == fn_addr(second),
        "the queried handler is {:#x}, expected second() at {:#x}",
        a.handler,
        fn_addr(second) as usize
    );
    ensure!(
        a.flags & raw::SA_NODEFER != 0,
        "the queried flags {:#x} lack SA_NODEFER",
        a.flags
    );
    raise(Signal::SIGUSR1)?;
    ensure!(
        SECOND.load(Ordering::SeqCst) == 1 && counted(Signal::SIGUSR1) == 0,
        "raise ran second() {} times and the first handler {} times",
        SECOND.load(Ordering::SeqCst),
        counted(Signal::SIGUSR1)
    );
    // Neither act nor oldact: a valid call that does nothing.
    let r = raw::sigaction(Signal::SIGUSR1 as i32, None, None);
    ensure!(r == Ok(0), "sigaction(SIGUSR1, NULL, NULL) gave {r:?}");
    // signal() returns the previous handler and installs with SA_RESTART (as glibc).
    // SAFETY: `count` only touches atomics.
    let prev = unsafe { signal::signal(Signal::SIGUSR1, SigHandler::Handler(count)) };
    ensure!(
        matches!(prev, Ok(h) if is_handler(h, second)),
        "signal() returned {:?}, expected second()",
        prev.map(|_| ())
    );
    let now = raw::query_action(Signal::SIGUSR1 as i32).map_err(|e| format!("query: {e:?}"))?;
    ensure!(
        now.flags & raw::SA_RESTART != 0,
        "signal() installed flags {:#x} without SA_RESTART",
        now.flags
    );
    let now = set_disposition(Signal::SIGUSR1, SigHandler::SigDfl)?;
    ensure!(
        is_handler(now.handler(), count),
        "signal() did not install count()"
    );
    Ok(())
}

// State of `mask_in_handler`'s handler.
static ENTRIES: AtomicU32 = AtomicU32::new(0);
static DEPTH: AtomicU32 = AtomicU32::new(0);
static MAX_DEPTH: AtomicU32 = AtomicU32::new(0);
static MASK_INSIDE: AtomicU32 = AtomicU32::new(0);
static PENDING_INSIDE: AtomicU32 = AtomicU32::new(0);
static USR2_INSIDE: AtomicU32 = AtomicU32::new(u32::MAX);
static RAISE_AGAIN: AtomicBool = AtomicBool::new(false);

/// Records the mask it runs with; on its first entry raises its own signal and SIGUSR2 again
/// and records what became of them.
extern "C" fn mask_recorder(signo: i32) {
    let entry = ENTRIES.fetch_add(1, Ordering::SeqCst) + 1;
    let depth = DEPTH.fetch_add(1, Ordering::SeqCst) + 1;
    MAX_DEPTH.fetch_max(depth, Ordering::SeqCst);
    if entry == 1 {
        if let Ok(mask) = current_mask() {
            MASK_INSIDE.store(bits(&mask), Ordering::SeqCst);
        }
        if RAISE_AGAIN.load(Ordering::SeqCst) {
            if let Ok(sig) = Signal::try_from(signo) {
                let _ = signal::raise(sig);
            }
            let _ = signal::raise(Signal::SIGUSR2);
            USR2_INSIDE.store(counted(Signal::SIGUSR2), Ordering::SeqCst);
            if let Ok(p) = signal::sigpending() {
                PENDING_INSIDE.store(bits(&p), Ordering::SeqCst);
            }
        }
    }
    DEPTH.fetch_sub(1, Ordering::SeqCst);
}

fn reset_recorder() {
    for a in [&ENTRIES, &DEPTH, &MAX_DEPTH, &MASK_INSIDE, &PENDING_INSIDE] {
        a.store(0, Ordering::SeqCst);
    }
    USR2_INSIDE.store(u32::MAX, Ordering::SeqCst);
}

/// LTP sigaction01, OP sigaction 23, 25: inside the handler its signal and `sa_mask` are
/// blocked, the old mask is back afterwards; SA_NODEFER leaves the signal unblocked.
pub(super) fn mask_in_handler() -> Verdict {
    catch(Signal::SIGUSR2)?;
    let hup = set_of(&[Signal::SIGHUP]);
    set_mask(&hup)?;
    let (u1, u2, hupb) = (
        bit(Signal::SIGUSR1),
        bit(Signal::SIGUSR2),
        bit(Signal::SIGHUP),
    );

    // Without SA_NODEFER: the mask inside is old | signal | sa_mask.
    install(
        Signal::SIGUSR1,
        mask_recorder,
        SaFlags::empty(),
        set_of(&[Signal::SIGUSR2]),
    )?;
    reset_recorder();
    RAISE_AGAIN.store(true, Ordering::SeqCst);
    raise(Signal::SIGUSR1)?;
    let inside = MASK_INSIDE.load(Ordering::SeqCst);
    ensure!(
        inside == u1 | u2 | hupb,
        "mask inside the handler {inside:#x}, expected {:#x} (SIGUSR1, SIGUSR2, SIGHUP)",
        u1 | u2 | hupb
    );
    let pending_inside = PENDING_INSIDE.load(Ordering::SeqCst);
    ensure!(
        pending_inside == u1 | u2,
        "signals pending inside the handler after raising SIGUSR1 and SIGUSR2: \
         {pending_inside:#x}, expected {:#x}",
        u1 | u2
    );
    let usr2_inside = USR2_INSIDE.load(Ordering::SeqCst);
    ensure!(
        usr2_inside == 0,
        "SIGUSR2 (in sa_mask) was delivered inside the handler ({usr2_inside})"
    );
    // Both were delivered once the handler returned, the nested one not on top of it.
    let (entries, depth) = (
        ENTRIES.load(Ordering::SeqCst),
        MAX_DEPTH.load(Ordering::SeqCst),
    );
    ensure!(
        entries == 2 && depth == 1,
        "the handler ran {entries} times, nested {depth} deep; expected 2 runs, never nested"
    );
    ensure!(
        counted(Signal::SIGUSR2) == 1,
        "SIGUSR2 delivered {} times after the handler, expected 1",
        counted(Signal::SIGUSR2)
    );
    let after = bits(&current_mask()?);
    ensure!(
        after == hupb,
        "mask after the handler {after:#x}, expected {hupb:#x}"
    );

    // SA_NODEFER: the signal stays unblocked, so the raise inside nests; sa_mask still holds.
    install(
        Signal::SIGUSR1,
        mask_recorder,
        SaFlags::SA_NODEFER,
        set_of(&[Signal::SIGUSR2]),
    )?;
    reset_recorder();
    raise(Signal::SIGUSR1)?;
    let inside = MASK_INSIDE.load(Ordering::SeqCst);
    ensure!(
        inside == u2 | hupb,
        "SA_NODEFER: mask inside {inside:#x}, expected {:#x} (SIGUSR2, SIGHUP)",
        u2 | hupb
    );
    let (entries, depth) = (
        ENTRIES.load(Ordering::SeqCst),
        MAX_DEPTH.load(Ordering::SeqCst),
    );
    ensure!(
        entries == 2 && depth == 2,
        "SA_NODEFER: the handler ran {entries} times, nested {depth} deep; expected 2 and 2"
    );
    ensure!(
        PENDING_INSIDE.load(Ordering::SeqCst) == u2,
        "SA_NODEFER: pending inside {:#x}, expected only SIGUSR2",
        PENDING_INSIDE.load(Ordering::SeqCst)
    );
    let after = bits(&current_mask()?);
    ensure!(
        after == hupb,
        "SA_NODEFER: mask after {after:#x}, expected {hupb:#x}"
    );
    set_mask(&SigSet::empty())?;
    Ok(())
}

/// OP sigaction 26: SA_RESETHAND restores the default after one delivery.
pub(super) fn resethand() -> Verdict {
    let child = spawn_check("resethand", || {
        install(
            Signal::SIGUSR1,
            count,
            SaFlags::SA_RESETHAND,
            SigSet::empty(),
        )?;
        raise(Signal::SIGUSR1)?;
        ensure!(
            counted(Signal::SIGUSR1) == 1,
            "the SA_RESETHAND handler ran {} times",
            counted(Signal::SIGUSR1)
        );
        let now = raw::query_action(Signal::SIGUSR1 as i32).map_err(|e| format!("{e:?}"))?;
        ensure!(
            now.handler == 0,
            "after one delivery the handler is {:#x}, expected SIG_DFL",
            now.handler
        );
        println!("resethand: handler ran once, action is SIG_DFL again");
        raise(Signal::SIGUSR1)?;
        bail!("the second SIGUSR1 did not kill the child")
    })?;
    expect_signal(child, Signal::SIGUSR1, "second SIGUSR1 after SA_RESETHAND")?;
    // Without the flag the handler stays.
    catch(Signal::SIGUSR2)?;
    for _ in 0..3 {
        raise(Signal::SIGUSR2)?;
    }
    ensure!(
        counted(Signal::SIGUSR2) == 3,
        "without SA_RESETHAND the handler ran {} times of 3",
        counted(Signal::SIGUSR2)
    );
    Ok(())
}

/// LTP rt_sigprocmask01/02: block, unblock, setmask, the old set, SIGKILL/SIGSTOP left out.
pub(super) fn procmask() -> Verdict {
    use Signal::*;
    let mut old = SigSet::empty();
    let step = |how, sigs: &[Signal], old: &mut SigSet| {
        signal::sigprocmask(how, Some(&set_of(sigs)), Some(old))
            .map_err(|e| format!("sigprocmask({how:?}) failed: {}", e.name()))
    };
    step(SigmaskHow::SIG_SETMASK, &[], &mut old)?;
    step(SigmaskHow::SIG_BLOCK, &[SIGUSR1], &mut old)?;
    ensure!(
        bits(&old) == 0,
        "old mask {:#x}, expected empty",
        bits(&old)
    );
    step(SigmaskHow::SIG_BLOCK, &[SIGUSR2, SIGHUP], &mut old)?;
    ensure!(
        bits(&old) == bit(SIGUSR1),
        "after BLOCK USR1 the old mask is {:#x}",
        bits(&old)
    );
    step(SigmaskHow::SIG_UNBLOCK, &[SIGUSR1, SIGTERM], &mut old)?;
    ensure!(
        bits(&old) == bit(SIGUSR1) | bit(SIGUSR2) | bit(SIGHUP),
        "BLOCK did not add: old mask {:#x}",
        bits(&old)
    );
    step(SigmaskHow::SIG_SETMASK, &[SIGALRM], &mut old)?;
    ensure!(
        bits(&old) == bit(SIGUSR2) | bit(SIGHUP),
        "UNBLOCK did not remove exactly SIGUSR1: old mask {:#x}",
        bits(&old)
    );
    let now = current_mask()?;
    ensure!(
        bits(&now) == bit(SIGALRM),
        "SETMASK did not replace: {:#x}",
        bits(&now)
    );
    // SIGKILL and SIGSTOP are silently left out, whatever the way in.
    step(
        SigmaskHow::SIG_SETMASK,
        &[SIGKILL, SIGSTOP, SIGINT],
        &mut old,
    )?;
    let now = current_mask()?;
    ensure!(
        bits(&now) == bit(SIGINT),
        "SETMASK {{KILL, STOP, INT}} gave {:#x}, expected only SIGINT",
        bits(&now)
    );
    signal::sigprocmask(SigmaskHow::SIG_BLOCK, Some(&SigSet::all()), None)
        .map_err(|e| format!("BLOCK all: {}", e.name()))?;
    let now = current_mask()?;
    let expected = 0x7fff_ffff & !bit(SIGKILL) & !bit(SIGSTOP);
    ensure!(
        bits(&now) == expected,
        "BLOCK all gave {:#x}, expected {expected:#x}",
        bits(&now)
    );
    // NULL set: only the old mask comes back, nothing changes.
    for how in [
        SigmaskHow::SIG_BLOCK,
        SigmaskHow::SIG_UNBLOCK,
        SigmaskHow::SIG_SETMASK,
    ] {
        signal::sigprocmask(how, None, Some(&mut old))
            .map_err(|e| format!("query with {how:?}: {}", e.name()))?;
        ensure!(
            bits(&old) == expected,
            "query with {how:?} gave {:#x}",
            bits(&old)
        );
    }
    // Blocked, SIGKILL still kills and SIGSTOP still stops.
    let child = spawn(|| {
        let _ = signal::sigprocmask(SigmaskHow::SIG_BLOCK, Some(&SigSet::all()), None);
        loop {
            signal::pause();
        }
    })?;
    send(child, SIGSTOP)?;
    match waitpid(Some(child), WaitFlags::WUNTRACED) {
        Ok(WaitStatus::Stopped(pid, SIGSTOP)) if pid == child => {}
        other => bail!("SIGSTOP to a child blocking everything: {other:?}"),
    }
    end(child)?;
    // A blocked signal's handler does not run until it is unblocked.
    catch(SIGUSR1)?;
    raise(SIGUSR1)?;
    ensure!(counted(SIGUSR1) == 0, "a blocked SIGUSR1 was delivered");
    set_mask(&SigSet::empty())?;
    ensure!(
        counted(SIGUSR1) == 1,
        "unblocking delivered {} times",
        counted(SIGUSR1)
    );
    Ok(())
}

/// LTP sigpending02, sigprocmask01: a blocked signal shows as pending and is delivered once
/// as soon as it is unblocked, however often it was sent.
pub(super) fn pending() -> Verdict {
    catch(Signal::SIGUSR1)?;
    catch(Signal::SIGUSR2)?;
    let p = pending_set()?;
    ensure!(bits(&p) == 0, "pending at the start: {:#x}", bits(&p));
    change_mask(SigmaskHow::SIG_BLOCK, &[Signal::SIGUSR1])?;
    raise(Signal::SIGUSR1)?;
    raise(Signal::SIGUSR1)?;
    // An unblocked signal is not left pending.
    raise(Signal::SIGUSR2)?;
    ensure!(
        counted(Signal::SIGUSR2) == 1,
        "unblocked SIGUSR2 was not delivered"
    );
    ensure!(
        counted(Signal::SIGUSR1) == 0,
        "blocked SIGUSR1 was delivered"
    );
    let p = pending_set()?;
    ensure!(
        bits(&p) == bit(Signal::SIGUSR1),
        "pending {:#x}, expected only SIGUSR1",
        bits(&p)
    );
    // From another process too.
    change_mask(SigmaskHow::SIG_BLOCK, &[Signal::SIGHUP])?;
    catch(Signal::SIGHUP)?;
    let me = getpid();
    in_child("pending", move || send(me, Signal::SIGHUP))?;
    let p = pending_set()?;
    ensure!(
        bits(&p) == bit(Signal::SIGUSR1) | bit(Signal::SIGHUP),
        "pending {:#x} after a child's kill(SIGHUP)",
        bits(&p)
    );
    change_mask(SigmaskHow::SIG_UNBLOCK, &[Signal::SIGUSR1])?;
    // Delivered by the time sigprocmask returns, exactly once.
    ensure!(
        counted(Signal::SIGUSR1) == 1,
        "two SIGUSR1 sent while blocked were delivered {} times, expected 1",
        counted(Signal::SIGUSR1)
    );
    let p = pending_set()?;
    ensure!(
        bits(&p) == bit(Signal::SIGHUP),
        "pending after unblocking SIGUSR1: {:#x}",
        bits(&p)
    );
    change_mask(SigmaskHow::SIG_UNBLOCK, &[Signal::SIGHUP])?;
    ensure!(
        counted(Signal::SIGHUP) == 1,
        "SIGHUP delivered {} times",
        counted(Signal::SIGHUP)
    );
    ensure!(bits(&pending_set()?) == 0, "something still pending");
    ensure!(counted(Signal::SIGUSR1) == 1, "SIGUSR1 delivered again");
    Ok(())
}

/// LTP sigsuspend01: the mask is swapped in, the handler runs, EINTR with the old mask back.
pub(super) fn suspend() -> Verdict {
    catch(Signal::SIGUSR1)?;
    install(
        Signal::SIGUSR2,
        mask_recorder,
        SaFlags::empty(),
        SigSet::empty(),
    )?;
    let blocked = set_of(&[Signal::SIGUSR1, Signal::SIGUSR2, Signal::SIGHUP]);
    set_mask(&blocked)?;
    // A signal already pending: sigsuspend returns at once.
    raise(Signal::SIGUSR1)?;
    let r = signal::sigsuspend(&set_of(&[Signal::SIGUSR2]));
    ensure!(r == Errno::EINTR, "sigsuspend returned {r:?}");
    ensure!(
        counted(Signal::SIGUSR1) == 1,
        "the pending SIGUSR1 ran its handler {} times",
        counted(Signal::SIGUSR1)
    );
    let now = bits(&current_mask()?);
    ensure!(now == bits(&blocked), "mask after sigsuspend {now:#x}");

    // A signal from a child while suspended; the handler sees the temporary mask.
    reset_recorder();
    RAISE_AGAIN.store(false, Ordering::SeqCst);
    let me = getpid();
    let child = spawn_check("suspend", move || {
        nap(200);
        send(me, Signal::SIGUSR2)
    })?;
    let start = Instant::now();
    let r = signal::sigsuspend(&set_of(&[Signal::SIGUSR1]));
    let took = start.elapsed();
    ensure!(r == Errno::EINTR, "sigsuspend returned {r:?}");
    ensure!(
        took >= Duration::from_millis(150),
        "sigsuspend returned after {took:?}, before the child's signal"
    );
    ensure!(
        ENTRIES.load(Ordering::SeqCst) == 1,
        "SIGUSR2's handler did not run once"
    );
    let inside = MASK_INSIDE.load(Ordering::SeqCst);
    ensure!(
        inside == bit(Signal::SIGUSR1) | bit(Signal::SIGUSR2),
        "mask inside the handler {inside:#x}: expected sigsuspend's mask plus SIGUSR2"
    );
    let now = bits(&current_mask()?);
    ensure!(
        now == bits(&blocked),
        "mask after the second sigsuspend {now:#x}"
    );
    expect_exit(child, 0, "signalling child")?;
    set_mask(&SigSet::empty())?;
    Ok(())
}

/// LTP pause01, pause02: pause returns EINTR after a caught signal; SIGKILL ends a paused
/// process; an ignored signal does not end the pause. Also sleep and nanosleep interrupted.
pub(super) fn pause_eintr() -> Verdict {
    catch(Signal::SIGUSR1)?;
    let me = getpid();
    let kid = move |delay: u64| {
        spawn_check("pause_eintr", move || {
            nap(delay);
            send(me, Signal::SIGUSR1)
        })
    };
    let child = kid(200)?;
    let r = signal::pause();
    ensure!(r == Errno::EINTR, "pause returned {r:?}");
    ensure!(
        counted(Signal::SIGUSR1) == 1,
        "the handler did not run before pause returned"
    );
    expect_exit(child, 0, "signalling child")?;

    // sleep returns the seconds left, nanosleep the time left.
    let child = kid(300)?;
    let start = Instant::now();
    let left = sleep(3);
    let took = start.elapsed();
    ensure!(
        (2..=3).contains(&left) && took < Duration::from_secs(2),
        "sleep(3) interrupted after {took:?} returned {left}, expected 2 or 3"
    );
    expect_exit(child, 0, "signalling child")?;
    let child = kid(300)?;
    let r = ulib::time::nanosleep(Duration::from_secs(2));
    match r {
        // The time left is positive and short of the whole request by the child's delay
        // (bounds loose enough for a loaded host).
        Err(rem) if rem > Duration::ZERO && rem < Duration::from_millis(1800) => {}
        other => bail!("nanosleep(2 s) interrupted after 300 ms gave {other:?}"),
    }
    expect_exit(child, 0, "signalling child")?;
    ensure!(
        counted(Signal::SIGUSR1) == 3,
        "{} deliveries of 3",
        counted(Signal::SIGUSR1)
    );

    // An ignored signal does not end a pause; SIGKILL does.
    let child = spawn(|| {
        if set_disposition(Signal::SIGUSR2, SigHandler::SigIgn).is_err() {
            return 1;
        }
        let r = signal::pause();
        println!("pause_eintr: FAILED: the paused child woke with {r:?}");
        2
    })?;
    nap(100);
    send(child, Signal::SIGUSR2)?;
    send(child, Signal::SIGCHLD)?;
    nap(200);
    expect_alive(child, "paused child after ignored signals")?;
    end(child)
}

/// What `fork_in_handler`'s handler got from `fork`: the child's pid in the parent, -1 in the
/// child, -2 if it failed.
static FORKED: AtomicI32 = AtomicI32::new(0);

extern "C" fn forking_handler(_: i32) {
    let v = match fork() {
        Ok(ForkResult::Child) => -1,
        Ok(ForkResult::Parent { child }) => child.as_raw(),
        Err(_) => -2,
    };
    FORKED.store(v, Ordering::SeqCst);
}

/// POSIX fork: a process forked inside a handler returns from it through its own copy of the
/// frame, to the interrupted code with its locals and the mask from before the signal.
pub(super) fn fork_in_handler() -> Verdict {
    let me = getpid();
    set_mask(&set_of(&[Signal::SIGALRM]))?;
    install(
        Signal::SIGUSR1,
        forking_handler,
        SaFlags::empty(),
        set_of(&[Signal::SIGHUP]),
    )?;
    let locals = black_box([0x5151_0001u32, 0x5151_0002, 0x5151_0003]);
    raise(Signal::SIGUSR1)?;
    // Both processes come back here.
    let mask = current_mask().map(|m| bits(&m)).unwrap_or(u32::MAX);
    let intact = black_box(locals) == [0x5151_0001, 0x5151_0002, 0x5151_0003];
    let forked = FORKED.load(Ordering::SeqCst);
    if getpid() != me {
        let ok = forked == -1 && mask == bit(Signal::SIGALRM) && intact;
        if !ok {
            println!(
                "fork_in_handler: child: fork gave {forked}, mask {mask:#x}, locals intact {intact}"
            );
        }
        exit(if ok { 0 } else { 3 });
    }
    ensure!(forked > 0, "fork inside the handler gave {forked}");
    ensure!(intact, "the parent's locals changed");
    ensure!(
        mask == bit(Signal::SIGALRM),
        "the parent's mask after the handler is {mask:#x}"
    );
    expect_exit(
        Pid::from_raw(forked),
        0,
        "child forked inside a handler, back from it",
    )?;
    set_mask(&SigSet::empty())?;
    Ok(())
}

//! Basic cases: fork and its two return values, pids, exit codes, `wait` counts, `.bss`,
//! `sched_yield`.

use super::*;

/// LTP fork01, getppid02.
pub(super) fn fork_returns() -> Verdict {
    let parent = getpid();
    let child = spawn(|| {
        if getpid() == parent {
            println!("fork_returns: child has its parent's pid {parent}");
            return 1;
        }
        if getppid() != parent {
            println!(
                "fork_returns: child's getppid() is {}, expected {parent}",
                getppid()
            );
            return 2;
        }
        42
    })?;
    println!("fork_returns: parent {parent} forked child {child}");
    ensure!(
        child.as_raw() > 0,
        "fork returned pid {child} in the parent"
    );
    ensure!(
        child != parent,
        "fork returned the parent's own pid {parent}"
    );
    expect_exit(child, 42, "child")?;
    // The child's getpid() must equal what fork returned: it reports it as its status.
    let child = spawn(|| getpid().as_raw() & 0xff)?;
    expect_exit(
        child,
        child.as_raw() & 0xff,
        "child reporting its getpid() & 0xff",
    )?;
    Ok(())
}

/// LTP getpid01: 100 children in batches of 10 that all exist at once.
pub(super) fn getpid_unique() -> Verdict {
    let me = getpid();
    for batch in 0..10 {
        let mut kids: Vec<Pid> = Vec::new();
        for _ in 0..10 {
            let kid = spawn(|| {
                let pid = getpid();
                if pid.as_raw() <= 1 || pid == me {
                    return 250;
                }
                if getppid() != me {
                    return 251;
                }
                pid.as_raw() % 200
            })?;
            ensure!(kid.as_raw() > 1, "batch {batch}: fork returned pid {kid}");
            ensure!(kid != me, "batch {batch}: fork returned the parent's pid");
            ensure!(
                !kids.contains(&kid),
                "batch {batch}: pid {kid} handed out twice"
            );
            kids.push(kid);
        }
        // None is reaped before all ten exist, so their pids must all differ.
        for kid in kids {
            expect_exit(kid, kid.as_raw() % 200, "child reporting getpid() % 200")?;
        }
    }
    Ok(())
}

/// LTP getppid01: only meaningful for the first program.
pub(super) fn first_program_ppid() -> Verdict {
    let (pid, ppid) = (getpid(), getppid());
    println!("first_program_ppid: pid {pid} ppid {ppid}");
    ensure!(
        pid == Pid::from_raw(1),
        "not the first program (pid {pid}, ppid {ppid}): boot with init=/bin/ptest -- first_program_ppid"
    );
    ensure!(
        ppid == Pid::from_raw(0),
        "the first program's getppid() is {ppid}, expected 0"
    );
    Ok(())
}

/// LTP exit01, wait02; gVisor.
pub(super) fn exit_codes() -> Verdict {
    // (argument to exit, status the parent must see)
    let codes = [(0, 0), (1, 1), (123, 123), (255, 255), (256, 0), (-1, 255)];
    for (code, seen) in codes {
        let child = spawn(move || code)?;
        expect_exit(child, seen, &format!("exit({code})"))?;
        println!("exit_codes: exit({code}) -> Exited({seen})");
    }
    let child = match fork() {
        Ok(ForkResult::Child) => return Err(Failure::ReturnFromMain(100)),
        Ok(ForkResult::Parent { child }) => child,
        Err(e) => bail!("fork failed: {}", e.name()),
    };
    expect_exit(child, 100, "returning 100 from main")?;
    println!("exit_codes: return 100 from main -> Exited(100)");
    Ok(())
}

/// rCore ch5_exit0; LTP exit02: a 200-byte line arrives whole, nothing runs after exit.
pub(super) fn exit_is_final() -> Verdict {
    let child = spawn(|| {
        // 199 characters and the newline: 200 bytes in one write.
        let mut line = String::from("exit_is_final: ");
        for i in 0..180u8 {
            line.push(char::from(b'0' + i % 10));
        }
        line.push_str("|END");
        println!("{line}");
        raw_calls::exit_once(7);
        println!("FAIL: exit_is_final: code after exit() ran");
        exit(1)
    })?;
    expect_exit(child, 7, "child that wrote a line and called exit(7)")?;
    Ok(())
}

/// LTP wait01, waitpid09; NetBSD t_wait_noproc.
pub(super) fn wait_echild() -> Verdict {
    ensure!(
        wait() == Err(Errno::ECHILD),
        "wait() with no children: {:?}",
        wait()
    );
    let r = waitpid(None, WaitFlags::empty());
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(-1, 0) with no children: {r:?}"
    );
    let r = waitpid(None, WaitFlags::WNOHANG);
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(-1, WNOHANG) with no children: {r:?}"
    );
    let r = waitpid(Some(getpid()), WaitFlags::WNOHANG);
    ensure!(r == Err(Errno::ECHILD), "waitpid(self, WNOHANG): {r:?}");
    // And again once the only child has been collected.
    let child = spawn(|| 0)?;
    expect_exit(child, 0, "child")?;
    let r = waitpid(Some(child), WaitFlags::WNOHANG);
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(reaped child, WNOHANG): {r:?}"
    );
    let r = waitpid(None, WaitFlags::WNOHANG);
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(-1, WNOHANG) after the last child: {r:?}"
    );
    ensure!(
        wait() == Err(Errno::ECHILD),
        "wait() after the last child: {:?}",
        wait()
    );
    Ok(())
}

/// xv6 forktest; rCore forktest: 30 children, 30 waits, then ECHILD.
pub(super) fn wait_exact_count() -> Verdict {
    let mut kids = BTreeMap::new();
    for i in 0..30 {
        let kid = spawn(move || i)?;
        kids.insert(kid, i);
    }
    reap_exactly(kids)
}

/// A 10000-byte zero-initialised static: it lives in `.bss`.
static BSS: [AtomicU8; 10_000] = [const { AtomicU8::new(0) }; 10_000];

fn bss_nonzero() -> usize {
    black_box(&BSS)
        .iter()
        .filter(|b| b.load(Ordering::Relaxed) != 0)
        .count()
}

/// xv6 bsstest.
pub(super) fn bss_zero() -> Verdict {
    let n = bss_nonzero();
    ensure!(
        n == 0,
        "{n} of 10000 .bss bytes are not zero in the program"
    );
    let child = spawn(|| {
        let n = bss_nonzero();
        if n != 0 {
            println!("bss_zero: {n} of 10000 .bss bytes are not zero in the child");
            return 1;
        }
        for b in &BSS {
            b.store(0xA5, Ordering::Relaxed);
        }
        if bss_nonzero() != BSS.len() {
            return 2;
        }
        0
    })?;
    expect_exit(child, 0, "child checking .bss")?;
    let n = bss_nonzero();
    ensure!(
        n == 0,
        "the child's writes to .bss show in the parent ({n} bytes)"
    );
    Ok(())
}

/// rCore yield; LTP sched_yield01.
pub(super) fn yield_basic() -> Verdict {
    let r = raw_calls::sched_yield();
    ensure!(r == 0, "yield returned {r}");
    let child = spawn(|| {
        for i in 0..5 {
            println!("yield_basic: child step {i}");
            if raw_calls::sched_yield() != 0 {
                return 1;
            }
        }
        0
    })?;
    for i in 0..5 {
        println!("yield_basic: parent step {i}");
        let r = raw_calls::sched_yield();
        ensure!(r == 0, "yield returned {r} in the parent");
    }
    // With a working yield the child has run a step for each of the parent's yields, so it
    // is done or nearly; a yield that never switches leaves it waiting for a timer tick.
    let mut polls = 0u32;
    loop {
        match waitpid(Some(child), WaitFlags::WNOHANG) {
            Ok(WaitStatus::StillAlive) => {
                polls += 1;
                ensure!(
                    polls <= 50,
                    "the child made no progress while the parent yielded 50 more times"
                );
                yield_now();
            }
            Ok(WaitStatus::Exited(pid, 0)) if pid == child => break,
            other => bail!("child: {other:?}"),
        }
    }
    println!("yield_basic: child done after {polls} more parent yields");
    Ok(())
}

//! Semantics cases: `waitpid` and `WNOHANG`, zombies, orphans and re-parenting,
//! copy-on-write, sleeping and preemption.

use super::*;

/// LTP waitpid03.
pub(super) fn waitpid_specific() -> Verdict {
    let mut kids = Vec::new();
    for i in 0..25 {
        kids.push(spawn(move || i)?);
    }
    let k12 = kids[12];
    expect_exit(k12, 12, "waitpid(kid[12])")?;
    let r = waitpid(Some(k12), WaitFlags::empty());
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(kid[12]) again gave {r:?}, expected ECHILD"
    );
    let left: BTreeMap<Pid, i32> = kids
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != 12)
        .map(|(i, &pid)| (pid, i as i32))
        .collect();
    reap_exactly(left)
}

/// LTP waitpid07/09.
pub(super) fn wnohang_poll() -> Verdict {
    let child = spawn(|| {
        sleep(1);
        7
    })?;
    let r = waitpid(Some(child), WaitFlags::WNOHANG);
    ensure!(
        r == Ok(WaitStatus::StillAlive),
        "waitpid(child, WNOHANG) on a sleeping child: {r:?}"
    );
    let r = waitpid(None, WaitFlags::WNOHANG);
    ensure!(
        r == Ok(WaitStatus::StillAlive),
        "waitpid(-1, WNOHANG) on a sleeping child: {r:?}"
    );
    // WNOHANG 1, WUNTRACED 2 and WCONTINUED 8 are the valid bits.
    for bad in [0x4u32, 0x80, 0x8000_0000, 0x5] {
        let r = raw_calls::waitpid_null_status(child.as_raw(), bad);
        ensure!(
            r == Err(Errno::EINVAL),
            "waitpid with options {bad:#x}: {r:?}, expected EINVAL"
        );
    }
    let start = Instant::now();
    let mut polls = 0u32;
    loop {
        match waitpid(Some(child), WaitFlags::WNOHANG) {
            Ok(WaitStatus::StillAlive) => {
                polls += 1;
                ensure!(
                    start.elapsed() < Duration::from_secs(5),
                    "child still alive after 5 s"
                );
                yield_now();
            }
            Ok(WaitStatus::Exited(pid, 7)) if pid == child => break,
            other => bail!("polling: {other:?}"),
        }
    }
    println!("wnohang_poll: {polls} polls returned StillAlive before the child's status");
    let r = waitpid(Some(child), WaitFlags::WNOHANG);
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(child, WNOHANG) after reaping: {r:?}"
    );
    Ok(())
}

/// LTP wait401.
pub(super) fn wait_blocks_then_wakes() -> Verdict {
    let start = Instant::now();
    let child = spawn(|| {
        sleep(1);
        3
    })?;
    let r = wait();
    let took = start.elapsed();
    ensure!(r == Ok(WaitStatus::Exited(child, 3)), "wait gave {r:?}");
    println!(
        "wait_blocks_then_wakes: wait returned after {} ms",
        ms(took)
    );
    ensure!(
        took >= Duration::from_secs(1),
        "wait returned before the child's sleep(1) ended"
    );
    ensure!(
        took < Duration::from_millis(1500),
        "wait woke {} ms after the start",
        ms(took)
    );
    Ok(())
}

/// LTP wait02; xv6 zombie.c.
pub(super) fn zombie_keeps_status() -> Verdict {
    let child = spawn(|| 0x2A)?;
    let start = Instant::now();
    let left = sleep(2);
    let slept = start.elapsed();
    ensure!(
        left == 0 && slept >= Duration::from_secs(2),
        "sleep(2) returned {left} after {slept:?} while a child exited (woke early)"
    );
    let r = wait();
    ensure!(
        r == Ok(WaitStatus::Exited(child, 0x2A)),
        "wait after 2 s gave {r:?}"
    );
    let r = wait();
    ensure!(r == Err(Errno::ECHILD), "a second wait gave {r:?}");
    Ok(())
}

/// The grandchild of `orphan_reparent`: once its parent is gone, its parent must be pid 1.
fn reparented_grandchild(parent: Pid) -> i32 {
    let start = Instant::now();
    while getppid() == parent && start.elapsed() < Duration::from_secs(5) {
        yield_now();
    }
    let now = getppid();
    if now == Pid::from_raw(1) {
        println!("orphan_reparent: grandchild {} now has parent 1", getpid());
        0
    } else {
        println!(
            "FAIL: orphan_reparent: grandchild's parent is {now} after its parent {parent} exited, expected 1"
        );
        1
    }
}

/// LTP prctl03; NetBSD t_fork; xv6 reparent.
pub(super) fn orphan_reparent() -> Verdict {
    let child = spawn(|| {
        let me = getpid();
        match fork() {
            Ok(ForkResult::Child) => exit(reparented_grandchild(me)),
            Ok(ForkResult::Parent { child }) => {
                println!("orphan_reparent: child {me} forked grandchild {child} and exits");
                0
            }
            Err(_) => 1,
        }
    })?;
    expect_exit(child, 0, "child")?;
    if is_pid1() {
        // We are pid 1: the orphan is ours now.
        match wait() {
            Ok(WaitStatus::Exited(pid, 0)) if pid != child => {
                println!("orphan_reparent: pid 1 reaped the orphan {pid}");
            }
            other => bail!("pid 1 collecting the orphan: {other:?}"),
        }
    } else {
        // pid 1 collects (and, if it is `ptest all`, checks) the orphan; give it time to
        // report before the verdict.
        sleep(1);
    }
    Ok(())
}

/// xv6 reparent2: 800 rounds of a child doing fork(); fork(); exit(0).
pub(super) fn orphans_reaped_by_init() -> Verdict {
    const ROUNDS: u32 = 800;
    let pid1 = is_pid1();
    let mut orphans = 0u32;
    let mut check_orphan = |status: WaitStatus| -> Verdict {
        orphans += 1;
        match status {
            WaitStatus::Exited(_, 0) => Ok(()),
            other => bail!("orphan {:?} {other}: one of its forks failed", other.pid()),
        }
    };
    for round in 0..ROUNDS {
        let child = match fork() {
            Ok(ForkResult::Child) => {
                // Both forks must work; the two or three processes this leaves end at once.
                if fork().is_err() || fork().is_err() {
                    exit(1);
                }
                exit(0);
            }
            Ok(ForkResult::Parent { child }) => child,
            Err(e) => bail!("round {round}: fork failed: {}", e.name()),
        };
        loop {
            match wait() {
                Ok(WaitStatus::Exited(pid, 0)) if pid == child => break,
                Ok(status) if status.pid() == Some(child) => {
                    bail!("round {round}: child {status}: one of its forks failed")
                }
                Ok(orphan) => check_orphan(orphan)?,
                Err(e) => bail!("round {round}: wait failed: {}", e.name()),
            }
        }
    }
    if pid1 {
        while let Ok(orphan) = wait() {
            check_orphan(orphan)?;
        }
        ensure!(
            orphans == 3 * ROUNDS,
            "pid 1 collected {orphans} orphans, expected {}",
            3 * ROUNDS
        );
        println!("orphans_reaped_by_init: pid 1 reaped {orphans} orphans");
    }
    println!("orphans_reaped_by_init: {ROUNDS} rounds, no fork failed");
    Ok(())
}

/// A global in `.data`.
static DATA_WORD: AtomicU32 = AtomicU32::new(0x600D_DA7A);
/// A global in `.bss`.
static BSS_WORD: AtomicU32 = AtomicU32::new(0);

/// POSIX fork/2-1, 16-1; gVisor PrivateMapping.
pub(super) fn cow_globals() -> Verdict {
    ensure!(
        DATA_WORD.load(Ordering::Relaxed) == 0x600D_DA7A,
        ".data word has the wrong initial value"
    );
    DATA_WORD.store(100, Ordering::Relaxed);
    BSS_WORD.store(100, Ordering::Relaxed);
    let child = spawn(|| {
        // Let the parent run its writes first.
        for _ in 0..20 {
            yield_now();
        }
        let (d, b) = (
            DATA_WORD.load(Ordering::Relaxed),
            BSS_WORD.load(Ordering::Relaxed),
        );
        if (d, b) != (100, 100) {
            println!("cow_globals: child sees .data {d} .bss {b}, expected 100 100");
            return 1;
        }
        DATA_WORD.store(200, Ordering::Relaxed);
        BSS_WORD.store(200, Ordering::Relaxed);
        let (d, b) = (
            DATA_WORD.load(Ordering::Relaxed),
            BSS_WORD.load(Ordering::Relaxed),
        );
        if (d, b) != (200, 200) {
            println!("cow_globals: child's own writes read back as {d} {b}");
            return 2;
        }
        0
    })?;
    DATA_WORD.store(300, Ordering::Relaxed);
    BSS_WORD.store(300, Ordering::Relaxed);
    expect_exit(child, 0, "child checking the globals")?;
    let (d, b) = (
        DATA_WORD.load(Ordering::Relaxed),
        BSS_WORD.load(Ordering::Relaxed),
    );
    ensure!(
        (d, b) == (300, 300),
        "parent sees .data {d} .bss {b} after the child wrote, expected 300 300"
    );
    Ok(())
}

/// gVisor PrivateMemory: a stack counter reads 2, 1, 0 in the three processes.
pub(super) fn cow_stack_nested() -> Verdict {
    let mut counter = [2u32; 8];
    black_box(&mut counter);
    let child = spawn(|| {
        counter[0] -= 1;
        black_box(&mut counter);
        let grandchild = match fork() {
            Ok(ForkResult::Child) => {
                counter[0] -= 1;
                black_box(&mut counter);
                println!(
                    "cow_stack_nested: grandchild {} reads {}",
                    getpid(),
                    counter[0]
                );
                exit(if counter[0] == 0 { 10 } else { 1 });
            }
            Ok(ForkResult::Parent { child }) => child,
            Err(_) => return 2,
        };
        let r = waitpid(Some(grandchild), WaitFlags::empty());
        println!(
            "cow_stack_nested: child {} reads {}",
            getpid(),
            black_box(&counter)[0]
        );
        match r {
            Ok(WaitStatus::Exited(_, 10)) if counter[0] == 1 => 11,
            _ => 3,
        }
    })?;
    expect_exit(child, 11, "child (counter 1) whose grandchild saw 0")?;
    let seen = black_box(&counter)[0];
    println!("cow_stack_nested: parent {} reads {seen}", getpid());
    ensure!(
        seen == 2,
        "parent's counter is {seen} after its children changed theirs, expected 2"
    );
    Ok(())
}

/// 64 pages of u32.
const COW_WORDS: usize = 64 * 4096 / 4;

fn stamp(buf: &mut [u32], tag: u32) {
    for (i, w) in buf.iter_mut().enumerate() {
        *w = tag ^ (i as u32);
    }
    black_box(buf);
}

fn stamped_with(buf: &[u32], tag: u32) -> bool {
    black_box(buf)
        .iter()
        .enumerate()
        .all(|(i, &w)| w == tag ^ (i as u32))
}

fn tag_of(pid: Pid, run: u32) -> u32 {
    (pid.as_raw() as u32).wrapping_mul(0x9E37_79B1) ^ (run << 24) ^ 0x5A5A_5A5A
}

/// One process's part of `cow_heap_three`: restamp with its own tag, let the others run,
/// check. Returns whether the content was right throughout.
fn cow_stamp_and_check(who: &str, buf: &mut [u32], tag: u32) -> bool {
    stamp(buf, tag);
    for _ in 0..3 {
        yield_now();
    }
    let ok = stamped_with(buf, tag);
    if !ok {
        println!("cow_heap_three: {who} {}: wrong content", getpid());
    }
    ok
}

/// MIT cowtest threetest.
pub(super) fn cow_heap_three() -> Verdict {
    for run in 0..3 {
        let mut buf = vec![0u32; COW_WORDS];
        let first = tag_of(getpid(), run);
        stamp(&mut buf, first);
        let child = spawn(|| {
            if !stamped_with(&buf, first) {
                println!("cow_heap_three: child: wrong content inherited");
                return 1;
            }
            let grandchild = match fork() {
                Ok(ForkResult::Child) => {
                    let ok = stamped_with(&buf, first)
                        && cow_stamp_and_check("grandchild", &mut buf, tag_of(getpid(), run));
                    exit(if ok { 0 } else { 1 });
                }
                Ok(ForkResult::Parent { child }) => child,
                Err(_) => return 2,
            };
            let mine = tag_of(getpid(), run);
            let mut ok = cow_stamp_and_check("child", &mut buf, mine);
            ok &= matches!(
                waitpid(Some(grandchild), WaitFlags::empty()),
                Ok(WaitStatus::Exited(_, 0))
            );
            ok &= stamped_with(&buf, mine);
            if ok { 0 } else { 3 }
        })?;
        let mine = first ^ 0xFFFF_0000;
        ensure!(
            cow_stamp_and_check("parent", &mut buf, mine),
            "run {run}: wrong content in the parent"
        );
        expect_exit(child, 0, &format!("run {run}: child and grandchild"))?;
        ensure!(
            stamped_with(&buf, mine),
            "run {run}: wrong content in the parent after the children ended"
        );
    }
    Ok(())
}

/// xv6 exitwait, twochildren.
pub(super) fn exit_wait_races() -> Verdict {
    for i in 0..100 {
        let child = spawn(move || i)?;
        let r = wait();
        ensure!(
            r == Ok(WaitStatus::Exited(child, i)),
            "round {i}: wait gave {r:?}"
        );
    }
    for round in 0..1000 {
        let a = spawn(|| 1)?;
        let b = spawn(|| 2)?;
        let mut seen = [false; 2];
        for _ in 0..2 {
            match wait() {
                Ok(WaitStatus::Exited(pid, 1)) if pid == a && !seen[0] => seen[0] = true,
                Ok(WaitStatus::Exited(pid, 2)) if pid == b && !seen[1] => seen[1] = true,
                other => bail!("pair {round} ({a}: 1, {b}: 2): wait gave {other:?}"),
            }
        }
    }
    Ok(())
}

/// LTP nanosleep01; POSIX nanosleep/2-1: waking early is always a failure.
pub(super) fn sleep_bounds() -> Verdict {
    for secs in [1u32, 2] {
        let start = Instant::now();
        let left = sleep(secs);
        let took = start.elapsed();
        println!("sleep_bounds: sleep({secs}) took {} ms", ms(took));
        ensure!(left == 0, "sleep({secs}) returned {left}");
        let low = Duration::from_secs(u64::from(secs));
        ensure!(
            took >= low,
            "sleep({secs}) woke early, after {} ms",
            ms(took)
        );
        // Late by a tick or two at most; the margin is for a busy host, which can hold
        // QEMU back for a while. What this catches is a sleep that rounds up to whole
        // seconds or waits for an unrelated wake-up.
        ensure!(
            took < low + Duration::from_millis(300),
            "sleep({secs}) took {} ms",
            ms(took)
        );
    }
    let start = Instant::now();
    let left = sleep(0);
    let took = start.elapsed();
    println!("sleep_bounds: sleep(0) took {} ms", ms(took));
    ensure!(left == 0, "sleep(0) returned {left}");
    ensure!(
        took < Duration::from_millis(20),
        "sleep(0) took {} ms",
        ms(took)
    );
    Ok(())
}

/// rCore forktest2.
pub(super) fn parallel_sleeps() -> Verdict {
    let start = Instant::now();
    for secs in [3u32, 1, 2] {
        spawn(move || {
            sleep(secs);
            secs as i32
        })?;
    }
    let mut order = Vec::new();
    for _ in 0..3 {
        match wait() {
            Ok(WaitStatus::Exited(_, code)) => order.push(code),
            other => bail!("wait gave {other:?}"),
        }
    }
    let took = start.elapsed();
    println!(
        "parallel_sleeps: wake order {order:?} after {} ms",
        ms(took)
    );
    ensure!(
        order == [1, 2, 3],
        "children sleeping 3, 1, 2 s woke in order {order:?}"
    );
    ensure!(
        took >= Duration::from_secs(3),
        "3 s of sleep ended after {} ms",
        ms(took)
    );
    ensure!(
        took < Duration::from_millis(3500),
        "sleeps of 3, 1 and 2 s took {} ms together",
        ms(took)
    );

    let start = Instant::now();
    let mut kids = BTreeMap::new();
    for i in 0..30 {
        let kid = spawn(move || {
            sleep(1 + (i as u32 % 2));
            i
        })?;
        kids.insert(kid, i);
    }
    for _ in 0..30 {
        match wait() {
            Ok(WaitStatus::Exited(pid, code)) if kids.get(&pid) == Some(&code) => {
                kids.remove(&pid);
            }
            other => bail!("30 sleepers: wait gave {other:?}"),
        }
    }
    let took = start.elapsed();
    println!(
        "parallel_sleeps: 30 children sleeping 1-2 s finished after {} ms",
        ms(took)
    );
    ensure!(
        took >= Duration::from_secs(2),
        "30 sleepers done after only {} ms",
        ms(took)
    );
    ensure!(
        took < Duration::from_secs(3),
        "30 sleepers of 1-2 s took {} ms",
        ms(took)
    );
    Ok(())
}

/// xv6 preempt; POSIX sched_yield/1-1.
pub(super) fn preemption() -> Verdict {
    let per_ms = uapps::spin_rate_per_ms();
    let child = spawn(|| {
        // About 10 s of counting without a single system call (killed long before: the
        // margin is for a calibration that a busy host made too slow).
        uapps::spin(per_ms.saturating_mul(10_000));
        0
    })?;
    let start = Instant::now();
    sleep(1);
    let took = start.elapsed();
    println!(
        "preemption: parent woke after {} ms while a child spins",
        ms(took)
    );
    let r = waitpid(Some(child), WaitFlags::WNOHANG);
    ensure!(
        r == Ok(WaitStatus::StillAlive),
        "the spinning child had already ended ({r:?})"
    );
    ensure!(took >= Duration::from_secs(1), "sleep(1) woke early");
    ensure!(
        took < Duration::from_millis(1500),
        "the parent starved: sleep(1) took {} ms",
        ms(took)
    );
    ulib::signal::kill(child, Some(ulib::signal::Signal::SIGKILL))
        .map_err(|e| format!("kill: {}", e.name()))?;
    expect_signal(child, ulib::signal::Signal::SIGKILL, "spinning child")?;
    Ok(())
}

/// Beyond the peer suites: a sleeper must not queue behind busy processes when it wakes. With
/// eight children spinning (no system calls), `sleep(1)` still ends within a few ticks of its
/// deadline; a scheduler that put the woken sleeper at the back of the run queue would make it
/// wait for every spinner's 10 ms slice (about 80 ms).
pub(super) fn sleep_under_load() -> Verdict {
    const SPINNERS: usize = 8;
    let per_ms = uapps::spin_rate_per_ms();
    let mut children = Vec::new();
    let until = Instant::now() + Duration::from_millis(3500);
    for _ in 0..SPINNERS {
        // Busy (never blocking) until after the parent's three sleeps.
        children.push(spawn(move || {
            while Instant::now() < until {
                uapps::spin(per_ms);
            }
            0
        })?);
    }
    let mut worst = Duration::ZERO;
    for _ in 0..3 {
        let start = Instant::now();
        sleep(1);
        let took = start.elapsed();
        ensure!(
            took >= Duration::from_secs(1),
            "sleep(1) woke early ({} ms)",
            ms(took)
        );
        worst = worst.max(took - Duration::from_secs(1));
    }
    println!(
        "sleep_under_load: worst overshoot {} ms with {SPINNERS} spinners",
        ms(worst)
    );
    ensure!(
        worst < Duration::from_millis(40),
        "a woken sleeper waited behind the spinners: overshoot {} ms",
        ms(worst)
    );
    for child in children {
        expect_exit(child, 0, "spinning child")?;
    }
    Ok(())
}

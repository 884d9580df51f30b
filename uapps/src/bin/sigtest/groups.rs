//! Scenarios 23-25: process groups and sessions.

use ulib::process::{getpgid, getpgrp, getsid, setpgid};

use super::*;

fn raw0() -> Pid {
    Pid::from_raw(0)
}

/// LTP setpgid01, getpgid01: setpgid(0, 0) makes a group leader; getpgid of self and child;
/// a child inherits the group.
pub(super) fn pgid_basics() -> Verdict {
    let me = getpid();
    let mine = getpgrp();
    ensure!(
        getpgid(None) == Ok(mine) && getpgid(Some(raw0())) == Ok(mine),
        "getpgrp {mine}, getpgid(None) {:?}, getpgid(0) {:?}",
        getpgid(None),
        getpgid(Some(raw0()))
    );
    ensure!(
        getpgid(Some(me)) == Ok(mine),
        "getpgid(self) {:?}",
        getpgid(Some(me))
    );
    if is_pid1() {
        ensure!(mine == me, "pid 1 starts in group {mine}, expected 1");
        ensure!(
            getsid(None) == Ok(me),
            "pid 1's session is {:?}, expected 1",
            getsid(None)
        );
    }
    let session = getsid(None).map_err(|e| format!("getsid(None): {}", e.name()))?;

    // A child starts in its parent's group and session.
    let plain = spawn_pauser()?;
    ensure!(
        getpgid(Some(plain)) == Ok(mine),
        "a new child's group is {:?}",
        getpgid(Some(plain))
    );
    ensure!(
        getsid(Some(plain)) == Ok(session),
        "a new child's session is {:?}",
        getsid(Some(plain))
    );

    // The child makes itself a leader; its own child inherits the new group.
    let leader = spawn_check("pgid_basics", move || {
        let me = getpid();
        setpgid(raw0(), raw0()).map_err(|e| format!("setpgid(0, 0): {}", e.name()))?;
        ensure!(
            getpgrp() == me,
            "after setpgid(0, 0) the group is {}",
            getpgrp()
        );
        ensure!(
            getpgid(None) == Ok(me),
            "getpgid(None) gave {:?}",
            getpgid(None)
        );
        ensure!(
            getsid(None) == Ok(session),
            "the session changed: {:?}",
            getsid(None)
        );
        // Doing it again changes nothing.
        setpgid(me, me).map_err(|e| format!("setpgid(me, me): {}", e.name()))?;
        let g = spawn(move || if getpgrp() == me { 0 } else { 3 })?;
        expect_exit(g, 0, "grandchild in the leader's group")?;
        // The parent is in its own group still.
        let pg = getpgid(Some(getppid()));
        ensure!(
            pg == Ok(mine),
            "the parent's group seen from the child: {pg:?}"
        );
        Ok(())
    })?;
    expect_exit(leader, 0, "child that became a leader")?;

    // From the parent's side: setpgid(child, 0) means the child's own pid; back again.
    setpgid(plain, raw0()).map_err(|e| format!("setpgid(child, 0): {}", e.name()))?;
    ensure!(
        getpgid(Some(plain)) == Ok(plain),
        "setpgid(child, 0): {:?}",
        getpgid(Some(plain))
    );
    let second = spawn_pauser()?;
    setpgid(second, plain).map_err(|e| format!("setpgid(second, first): {}", e.name()))?;
    ensure!(
        getpgid(Some(second)) == Ok(plain),
        "joined group: {:?}",
        getpgid(Some(second))
    );
    setpgid(second, mine).map_err(|e| format!("setpgid(second, mine): {}", e.name()))?;
    ensure!(
        getpgid(Some(second)) == Ok(mine),
        "back home: {:?}",
        getpgid(Some(second))
    );
    ensure!(
        getpgrp() == mine,
        "the parent's group changed to {}",
        getpgrp()
    );
    end(plain)?;
    end(second)?;

    // A group outlives its leader while it has members, and disappears with the last.
    let leader = spawn(|| 0)?;
    setpgid(leader, leader).map_err(|e| format!("setpgid(leader, leader): {}", e.name()))?;
    let member = spawn_pauser()?;
    setpgid(member, leader).map_err(|e| format!("setpgid(member, leader): {}", e.name()))?;
    expect_exit(leader, 0, "group leader")?;
    let newcomer = spawn_pauser()?;
    let r = setpgid(newcomer, leader);
    ensure!(
        r == Ok(()),
        "joining group {leader} after its leader was reaped gave {r:?}"
    );
    ensure!(
        getpgid(Some(newcomer)) == Ok(leader),
        "the newcomer is not in the old group"
    );
    end(member)?;
    end(newcomer)?;
    let late = spawn_pauser()?;
    let r = setpgid(late, leader);
    ensure!(
        r == Err(Errno::EPERM),
        "joining group {leader} after its last member died gave {r:?}, expected EPERM"
    );
    end(late)?;

    // POSIX waitpid: 0 waits for a child in the caller's group, -pgid for one in that group.
    let other = spawn(|| {
        nap(300);
        11
    })?;
    setpgid(other, other).map_err(|e| format!("setpgid(other, other): {}", e.name()))?;
    let same = spawn(|| {
        nap(100);
        12
    })?;
    let r = waitpid(Some(raw0()), WaitFlags::empty());
    ensure!(
        r == Ok(WaitStatus::Exited(same, 12)),
        "waitpid(0) gave {r:?}, expected the child in the caller's group ({same})"
    );
    let r = waitpid(Some(raw0()), WaitFlags::WNOHANG);
    ensure!(
        r == Err(Errno::ECHILD),
        "waitpid(0, WNOHANG) with no child left in the group gave {r:?}, expected ECHILD"
    );
    let r = waitpid(Some(Pid::from_raw(-other.as_raw())), WaitFlags::empty());
    ensure!(
        r == Ok(WaitStatus::Exited(other, 11)),
        "waitpid(-{other}) gave {r:?}"
    );
    Ok(())
}

/// LTP setpgid02/03, getpgid02: EINVAL for a negative pgid; ESRCH for a pid that is not the
/// caller or its child; EPERM for a group in another session or a session leader.
pub(super) fn pgid_errors() -> Verdict {
    let mine = getpgrp();
    for bad in [-1, -2, i32::MIN] {
        let r = setpgid(raw0(), Pid::from_raw(bad));
        ensure!(
            r == Err(Errno::EINVAL),
            "setpgid(0, {bad}) gave {r:?}, expected EINVAL"
        );
    }
    ensure!(getpgrp() == mine, "a failed setpgid changed the group");
    let r = setpgid(Pid::from_raw(99_999), raw0());
    ensure!(
        r == Err(Errno::ESRCH),
        "setpgid(99999, 0) gave {r:?}, expected ESRCH"
    );
    if !is_pid1() {
        let r = setpgid(getppid(), raw0());
        ensure!(
            r == Err(Errno::ESRCH),
            "setpgid(parent, 0) gave {r:?}, expected ESRCH"
        );
    }
    let r = setpgid(Pid::from_raw(-5), raw0());
    ensure!(
        r == Err(Errno::ESRCH) || r == Err(Errno::EINVAL),
        "setpgid(-5, 0) gave {r:?}"
    );
    for pid in [99_999, i32::MAX] {
        let r = getpgid(Some(Pid::from_raw(pid)));
        ensure!(
            r == Err(Errno::ESRCH),
            "getpgid({pid}) gave {r:?}, expected ESRCH"
        );
        let r = getsid(Some(Pid::from_raw(pid)));
        ensure!(
            r == Err(Errno::ESRCH),
            "getsid({pid}) gave {r:?}, expected ESRCH"
        );
    }
    // A grandchild is not the caller's child: ESRCH.
    let me = getpid();
    in_child("pgid_errors", move || {
        let g = spawn_pauser()?;
        let parent_view = spawn_check("pgid_errors", move || {
            // g is this process's sibling's child, not its own.
            let r = setpgid(g, raw0());
            ensure!(r == Err(Errno::ESRCH), "setpgid(nephew, 0) gave {r:?}");
            Ok(())
        })?;
        expect_exit(parent_view, 0, "checker")?;
        let _ = me;
        end(g)
    })?;

    // A group that does not exist in the session: EPERM.
    let child = spawn_pauser()?;
    let r = setpgid(child, Pid::from_raw(99_999));
    ensure!(
        r == Err(Errno::EPERM),
        "setpgid(child, 99999) gave {r:?}, expected EPERM"
    );
    // A child in another session: EPERM (for any group); its group is out of reach too.
    let other = spawn(|| {
        if ulib::process::setsid().is_err() {
            return 1;
        }
        loop {
            signal::pause();
        }
    })?;
    ensure!(
        wait_until(Duration::from_secs(3), || getsid(Some(other)) == Ok(other)),
        "the child did not become a session leader"
    );
    let r = setpgid(other, other);
    ensure!(
        r == Err(Errno::EPERM),
        "setpgid(child in another session) gave {r:?}"
    );
    let r = setpgid(other, mine);
    ensure!(
        r == Err(Errno::EPERM),
        "setpgid(child in another session, mine) gave {r:?}"
    );
    let r = setpgid(child, other);
    ensure!(
        r == Err(Errno::EPERM),
        "moving a child into a group of another session gave {r:?}, expected EPERM"
    );
    ensure!(
        getpgid(Some(child)) == Ok(mine),
        "the refused move changed the group"
    );
    end(other)?;
    end(child)?;
    // A child that has called execve can no longer be moved: EACCES.
    let execd = spawn(|| {
        let _ = execve("/bin/spin", &["spin"]);
        127
    })?;
    ensure!(
        wait_until(Duration::from_secs(3), || {
            setpgid(execd, execd) == Err(Errno::EACCES)
        }),
        "setpgid on a child after its execve never gave EACCES (last: {:?})",
        setpgid(execd, execd)
    );
    end(execd)?;
    // A session leader cannot change its group.
    in_child("pgid_errors", || {
        let sid = ulib::process::setsid().map_err(|e| format!("setsid: {}", e.name()))?;
        let r = setpgid(raw0(), raw0());
        // Already the leader of a group with its own pid: Linux says EPERM.
        ensure!(
            r == Err(Errno::EPERM),
            "setpgid(0, 0) by a session leader gave {r:?}"
        );
        let g = spawn_pauser()?;
        setpgid(g, g).map_err(|e| format!("setpgid(own child, itself): {}", e.name()))?;
        let r = setpgid(raw0(), g);
        ensure!(
            r == Err(Errno::EPERM),
            "a session leader joining another group gave {r:?}"
        );
        ensure!(getpgrp() == sid, "the session leader's group changed");
        end(g)
    })
}

/// LTP setsid01: a group leader cannot setsid (EPERM); a child can, and leads a new session
/// and group.
pub(super) fn setsid() -> Verdict {
    let my_session = getsid(None).map_err(|e| format!("getsid: {}", e.name()))?;
    if getpgrp() == getpid() {
        let r = ulib::process::setsid();
        ensure!(
            r == Err(Errno::EPERM),
            "setsid by a group leader gave {r:?}"
        );
    }
    in_child("setsid", || {
        setpgid(raw0(), raw0()).map_err(|e| format!("setpgid(0, 0): {}", e.name()))?;
        let r = ulib::process::setsid();
        ensure!(
            r == Err(Errno::EPERM),
            "setsid by a group leader gave {r:?}, expected EPERM"
        );
        Ok(())
    })?;
    let me = getpid();
    in_child("setsid", move || {
        let child = getpid();
        let sid = ulib::process::setsid().map_err(|e| format!("setsid: {}", e.name()))?;
        ensure!(sid == child, "setsid returned {sid}, expected {child}");
        ensure!(getsid(None) == Ok(child), "getsid(None) {:?}", getsid(None));
        ensure!(getpgrp() == child, "the new group is {}", getpgrp());
        ensure!(
            getsid(Some(me)) == Ok(my_session),
            "the parent's session changed: {:?}",
            getsid(Some(me))
        );
        // Now a group leader: a second setsid fails.
        let r = ulib::process::setsid();
        ensure!(r == Err(Errno::EPERM), "a second setsid gave {r:?}");
        // Its children are in the new session and group.
        let g = spawn(move || {
            if getsid(None) == Ok(child) && getpgrp() == child {
                0
            } else {
                4
            }
        })?;
        expect_exit(g, 0, "grandchild in the new session")?;
        Ok(())
    })?;
    ensure!(
        getsid(None) == Ok(my_session),
        "the parent's session changed"
    );
    Ok(())
}

/// POSIX (`_exit`): when an exit leaves a process group orphaned and a member of it is
/// stopped, every member gets SIGHUP then SIGCONT. A "shell" leads its own session, puts a
/// "job" in a group of its own, stops it and exits: the job's group loses its last parent in
/// the session, so the job is continued and dies of SIGHUP. Pid 1 inherits and reaps it.
pub(super) fn orphaned_on_exit() -> Verdict {
    if !is_pid1() {
        // Only pid 1 inherits the job and can see how it ends (`sigtest all` runs each case
        // in a child; tests/tests/signals.rs boots this case alone, as pid 1).
        println!("orphaned_on_exit: checked only as pid 1");
        return Ok(());
    }
    let shell = spawn(|| {
        if ulib::process::setsid().is_err() {
            return 10;
        }
        // The job: its own group, then it waits to be signalled.
        let job = match spawn(|| {
            loop {
                let _ = signal::pause();
            }
        }) {
            Ok(job) => job,
            Err(_) => return 11,
        };
        if setpgid(job, job).is_err() {
            return 12;
        }
        if signal::kill(job, Some(Signal::SIGSTOP)).is_err() {
            return 13;
        }
        match waitpid(Some(job), WaitFlags::WUNTRACED) {
            Ok(WaitStatus::Stopped(_, Signal::SIGSTOP)) => 0,
            _ => 14,
        }
    })?;
    expect_exit(shell, 0, "the shell process")?;
    // The job is pid 1's child now (and its only one); it must end of SIGHUP instead of
    // staying stopped.
    let start = Instant::now();
    loop {
        match waitpid(None, WaitFlags::WNOHANG) {
            Ok(WaitStatus::Signaled(_, Signal::SIGHUP)) => return Ok(()),
            Ok(WaitStatus::StillAlive) if start.elapsed() < Duration::from_secs(5) => nap(20),
            other => {
                // A job left stopped would keep pid 1 from ever reaping it.
                let _ = signal::kill(Pid::from_raw(-1), Some(Signal::SIGKILL));
                let _ = waitpid(None, WaitFlags::empty());
                bail!(
                    "the stopped job of an exited shell: {other:?} after {:?}, expected it \
                     killed by SIGHUP",
                    start.elapsed()
                );
            }
        }
    }
}

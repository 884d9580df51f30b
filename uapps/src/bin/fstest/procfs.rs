//! `/proc`: scenario 39 (proc_stat) and the other files of a process's directory.

use super::*;
use ulib::process::{getpgrp, setpgid};
use ulib::signal::kill;

/// The fields of `/proc/<pid>/stat` this kernel fills: `pid (comm) state ppid pgrp session
/// tty_nr tpgid`.
#[derive(Debug, PartialEq, Eq)]
struct ProcStat {
    pid: i32,
    comm: String,
    state: char,
    ppid: i32,
    pgrp: i32,
    session: i32,
    /// The controlling terminal's device number (0: none).
    tty_nr: i32,
    /// Its foreground group (-1: no controlling terminal).
    tpgid: i32,
}

/// Parses a `/proc/<pid>/stat` line as `ps` does: the command is everything between the first
/// `(` and the **last** `)`, since it may hold spaces and parentheses itself.
fn parse_stat(text: &str) -> Result<ProcStat, String> {
    let text = text.trim_end_matches('\n');
    let open = text
        .find('(')
        .ok_or_else(|| format!("no '(' in {text:?}"))?;
    let close = text
        .rfind(')')
        .ok_or_else(|| format!("no ')' in {text:?}"))?;
    ensure!(open < close, "')' before '(' in {text:?}");
    let pid = text[..open]
        .trim()
        .parse()
        .map_err(|_| format!("bad pid in {text:?}"))?;
    let comm = text[open + 1..close].into();
    let mut rest = text[close + 1..].split_ascii_whitespace();
    let state = rest
        .next()
        .and_then(|s| (s.len() == 1).then(|| s.chars().next()).flatten())
        .ok_or_else(|| format!("bad state in {text:?}"))?;
    let mut field = |name: &str| -> Result<i32, String> {
        rest.next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad {name} in {text:?}"))
    };
    Ok(ProcStat {
        pid,
        comm,
        state,
        ppid: field("ppid")?,
        pgrp: field("pgrp")?,
        session: field("session")?,
        tty_nr: field("tty_nr")?,
        tpgid: field("tpgid")?,
    })
}

/// `/proc/<who>/stat`, parsed.
fn stat_of(who: &str) -> Result<ProcStat, String> {
    let raw = slurp(&format!("/proc/{who}/stat"))?;
    let text = core::str::from_utf8(&raw).map_err(|_| format!("/proc/{who}/stat is not UTF-8"))?;
    parse_stat(text)
}

/// Reads `/proc/<pid>/stat` until its state is `want` (at most about 3 s).
fn wait_for_state(pid: Pid, want: char) -> Result<ProcStat, String> {
    let mut last = None;
    for _ in 0..300 {
        let st = stat_of(&num(pid))?;
        if st.state == want {
            return Ok(st);
        }
        last = Some(st);
        uapps::cases::nap(10);
    }
    bail!("pid {pid} never reached state {want}: last {last:?}")
}

/// Kills a child that waits for a signal when the case ends early, so that the driver's final
/// `wait` cannot hang on it. Defused once the child is reaped (its pid may be reused).
struct KillOnDrop(Pid);

impl KillOnDrop {
    /// The child was reaped: nothing to kill any more.
    fn defuse(self) {
        core::mem::forget(self);
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = kill(self.0, Some(Signal::SIGKILL));
    }
}

/// The command name (`comm`) of this program: the last component of the path it was executed
/// from, as Linux takes it (at most 15 bytes).
const COMM: &str = "fstest";

/// Scenario 39: `/proc/<pid>/stat` shows the right pid, ppid, group and state for a running
/// process (R), a sleeping one (S), a stopped one (T) and a zombie (Z); a reaped child's
/// directory is gone.
pub fn proc_stat() -> Verdict {
    let me = getpid();
    let own = stat_of("self")?;
    ensure!(
        own.pid == me.as_raw()
            && own.state == 'R'
            && own.ppid == getppid().as_raw()
            && own.pgrp == getpgrp().as_raw()
            && own.comm == COMM,
        "/proc/self/stat of pid {me}: {own:?}"
    );
    // The console (5:1) is its controlling terminal, and its foreground group is
    // tcgetpgrp's; a new session has none.
    let foreground = ulib::tty::tcgetpgrp(0).or_fail("tcgetpgrp")?;
    ensure!(
        own.tty_nr == 5 << 8 | 1 && own.tpgid == foreground.as_raw(),
        "the controlling terminal in /proc/self/stat: {own:?}"
    );
    let detached = spawn_check("proc_stat", || {
        ulib::process::setsid().or_fail("setsid")?;
        let st = stat_of("self")?;
        ensure!(
            st.tty_nr == 0 && st.tpgid == -1,
            "/proc/self/stat after setsid: {st:?}"
        );
        Ok(())
    })?;
    expect_exit(detached, 0, "the child in a new session")?;
    let by_pid = stat_of(&num(me))?;
    ensure!(
        by_pid.pid == me.as_raw() && by_pid.ppid == own.ppid,
        "/proc/{me}/stat: {by_pid:?}"
    );

    // A sleeping child: S. Moved into a group of its own by the parent.
    let sleeper = spawn(|| {
        loop {
            let _ = ulib::signal::pause();
        }
    })?;
    let guard = KillOnDrop(sleeper);
    setpgid(sleeper, sleeper).or_fail("setpgid of the child")?;
    let st = wait_for_state(sleeper, 'S')?;
    ensure!(
        st.pid == sleeper.as_raw()
            && st.ppid == me.as_raw()
            && st.pgrp == sleeper.as_raw()
            && st.session == own.session
            && st.comm == own.comm,
        "the sleeping child: {st:?}"
    );
    // Stopped: T.
    kill(sleeper, Some(Signal::SIGSTOP)).or_fail("SIGSTOP")?;
    match waitpid(Some(sleeper), WaitFlags::WUNTRACED) {
        Ok(WaitStatus::Stopped(_, Signal::SIGSTOP)) => {}
        other => bail!("waitpid(WUNTRACED) after SIGSTOP: {other:?}"),
    }
    let st = stat_of(&num(sleeper))?;
    ensure!(st.state == 'T', "the stopped child: {st:?}");
    kill(sleeper, Some(Signal::SIGCONT)).or_fail("SIGCONT")?;
    wait_for_state(sleeper, 'S')?;
    kill(sleeper, Some(Signal::SIGKILL)).or_fail("SIGKILL")?;
    // Killed and not yet waited for: Z, still with its parent.
    let st = wait_for_state(sleeper, 'Z')?;
    ensure!(st.ppid == me.as_raw(), "the killed child: {st:?}");
    uapps::cases::expect_signal(sleeper, Signal::SIGKILL, "the sleeping child")?;
    guard.defuse();

    // A child that exits: Z until reaped, then its directory is gone.
    let quitter = spawn(|| 7)?;
    let st = wait_for_state(quitter, 'Z')?;
    ensure!(
        st.pid == quitter.as_raw() && st.ppid == me.as_raw() && st.pgrp == own.pgrp,
        "the zombie: {st:?}"
    );
    expect_exit(quitter, 7, "the exiting child")?;
    let dir = format!("/proc/{quitter}");
    expect_err(
        fs::stat(&dir),
        Errno::ENOENT,
        "stat of a reaped child's /proc directory",
    )?;
    expect_err(
        fs::open(&format!("{dir}/stat"), OFlag::O_RDONLY, 0),
        Errno::ENOENT,
        "a reaped child's stat",
    )?;
    ensure!(
        !names("/proc")?.contains(&num(quitter)),
        "/proc still lists the reaped child"
    );
    println!("proc_stat: R, S, T and Z with the right ppid and group; a reaped child is gone");
    Ok(())
}

/// `/proc`: the listing holds the live pids, `cmdline` is the NUL-separated argv, `status`
/// has Linux's `Name:`, `State:`, `Pid:` and `PPid:` lines, `/proc/self` is the caller's.
pub fn proc_files() -> Verdict {
    let me = getpid();
    ensure!(
        fs::stat("/proc").or_fail("stat /proc")?.is_dir(),
        "/proc is no directory"
    );
    ensure!(
        fs::stat("/proc/self").or_fail("stat /proc/self")?.is_dir(),
        "/proc/self is no directory"
    );
    let self_ino = fs::stat("/proc/self/stat")
        .or_fail("stat /proc/self/stat")?
        .ino;
    let mine_ino = fs::stat(&format!("/proc/{me}/stat"))
        .or_fail("stat /proc/<me>/stat")?
        .ino;
    ensure!(
        self_ino == mine_ino,
        "/proc/self/stat and /proc/{me}/stat differ"
    );

    // Our own cmdline: the argv we were started with, each with its NUL.
    let want: Vec<u8> = ulib::env::args()
        .flat_map(|a| a.bytes().chain([0]))
        .collect();
    let got = slurp("/proc/self/cmdline")?;
    ensure!(
        got == want,
        "/proc/self/cmdline: {:?}, expected {:?}",
        Shown(&got),
        Shown(&want)
    );

    // A child that executes fstest --pause with arguments of its own.
    let argv = ["/bin/fstest", "--pause", "two words", "", "last"];
    let child = uapps::spawn(argv[0], &argv).or_fail("fork")?;
    let guard = KillOnDrop(child);
    let want: Vec<u8> = argv.iter().flat_map(|a| a.bytes().chain([0])).collect();
    let mut got = Vec::new();
    for _ in 0..300 {
        got = slurp(&format!("/proc/{child}/cmdline"))?;
        if got == want {
            break;
        }
        uapps::cases::nap(10);
    }
    ensure!(
        got == want,
        "the child's cmdline: {:?}, expected {:?}",
        Shown(&got),
        Shown(&want)
    );
    let st = wait_for_state(child, 'S')?;
    ensure!(
        st.comm == "fstest" && st.ppid == me.as_raw(),
        "the child's stat: {st:?}"
    );

    // The listing: our pid and the child's, every numeric name a live process directory.
    let listed = fs::read_dir("/proc").or_fail("read_dir /proc")?;
    let pids: Vec<&str> = listed
        .iter()
        .filter(|e| e.name.bytes().all(|b| b.is_ascii_digit()))
        .map(|e| e.name.as_str())
        .collect();
    for pid in [me, child] {
        ensure!(
            pids.contains(&num(pid).as_str()),
            "/proc lists {pids:?}, without {pid}"
        );
    }
    for e in listed.iter().filter(|e| pids.contains(&e.name.as_str())) {
        ensure!(
            e.kind == FileType::Dir,
            "/proc/{} is listed as {:?}",
            e.name,
            e.kind
        );
    }
    let files = names(&format!("/proc/{child}"))?;
    for f in ["stat", "cmdline", "status"] {
        ensure!(
            files.iter().any(|n| n == f),
            "/proc/{child} lists {files:?}, without {f}"
        );
    }

    // status: Linux's "Key:\tvalue" lines.
    let raw = slurp("/proc/self/status")?;
    let text = core::str::from_utf8(&raw).map_err(|_| "/proc/self/status is not UTF-8")?;
    let value = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key).and_then(|v| v.strip_prefix(":\t")))
    };
    let own = stat_of("self")?;
    ensure!(value("Name") == Some(own.comm.as_str()), "Name in {text:?}");
    ensure!(
        value("State").is_some_and(|s| s.starts_with('R')),
        "State in {text:?}"
    );
    ensure!(value("Pid") == Some(num(me).as_str()), "Pid in {text:?}");
    ensure!(
        value("PPid") == Some(num(getppid()).as_str()),
        "PPid in {text:?}"
    );
    let raw = slurp(&format!("/proc/{child}/status"))?;
    let text = core::str::from_utf8(&raw).map_err(|_| "the child's status is not UTF-8")?;
    ensure!(
        text.lines().any(|l| l.starts_with("State:\tS")),
        "the sleeping child's status: {text:?}"
    );

    // Read-only.
    for flags in [OFlag::O_WRONLY, OFlag::O_RDWR] {
        match fs::open("/proc/self/stat", flags, 0) {
            Err(Errno::EACCES | Errno::EROFS | Errno::EPERM) => {}
            other => bail!("open /proc/self/stat {flags:?}: {other:?}"),
        }
    }
    match fs::open("/proc/new", OFlag::O_WRONLY | OFlag::O_CREAT, 0o644) {
        Err(Errno::EACCES | Errno::EROFS | Errno::EPERM | Errno::ENOENT) => {}
        other => bail!("creating a file in /proc: {other:?}"),
    }

    kill(child, Some(Signal::SIGKILL)).or_fail("SIGKILL")?;
    uapps::cases::expect_signal(child, Signal::SIGKILL, "the paused child")?;
    guard.defuse();
    expect_err(
        fs::stat(&format!("/proc/{child}")),
        Errno::ENOENT,
        "the reaped child's directory",
    )?;
    // Reading the files over and over leaks nothing (every frame is back at power-off).
    for _ in 0..500 {
        stat_of("self")?;
    }
    println!("proc_files: listing, cmdline, status and /proc/self as Linux has them");
    Ok(())
}

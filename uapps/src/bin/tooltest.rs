//! `tooltest <case>|all|list`: runs the command-line tools (`/bin/echo`, `cat`, `ls`, ...)
//! the way a shell would, in pipelines of child processes connected by pipes, and checks
//! their standard output, standard error and exit status.
//!
//! The same driver as `fstest` (`uapps::cases`): each case prints `PASS <case>` or
//! `FAIL: <case>: <why>`; the exit status is 0 only if every case run passed. Each case
//! works in `/tmp/tooltest-<case>` and removes it before it passes.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use uapps::cases::{Case, Suite, Wording, expect_signal, nap, spawn};
use uapps::{bail, ensure};
use ulib::errno::Errno;
use ulib::fs;
use ulib::io;
use ulib::prelude::*;
use ulib::process::{getpgrp, setpgid};

ulib::entry!(main);

type Verdict = Result<(), String>;

const SUITE: Suite<String> = Suite {
    program: "tooltest",
    usage: "<case> | all | list",
    cases: &[
        Case::new("echo", echo),
        Case::new("true_false", true_false),
        Case::new("pipe_wc", pipe_wc),
        Case::new("cat", cat),
        Case::new("head", head),
        Case::new("grep", grep),
        Case::new("ls", ls),
        Case::new("mkdir", mkdir),
        Case::new("rm", rm),
        Case::new("env", env),
        Case::new("kill", kill),
        Case::new("ps", ps),
        Case::new("usage", usage),
    ],
    wording: Wording::TEST_PROCESS,
};

fn main() -> i32 {
    SUITE.main()
}

// ---------------------------------------------------------------------------------------
// Running tools

/// What a pipeline did: the last stage's status and standard output, and everything the
/// stages wrote to standard error.
struct Ran {
    what: String,
    status: WaitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Ran {
    /// Requires exit status `code`, standard output `stdout` and standard error `stderr`.
    fn expect(&self, code: i32, stdout: &str, stderr: &str) -> Verdict {
        self.expect_status(code)?;
        ensure!(
            self.stdout == stdout.as_bytes(),
            "{}: stdout {:?}, expected {stdout:?}",
            self.what,
            text(&self.stdout)
        );
        ensure!(
            self.stderr == stderr.as_bytes(),
            "{}: stderr {:?}, expected {stderr:?}",
            self.what,
            text(&self.stderr)
        );
        Ok(())
    }

    /// Requires exit status `code` (the last stage's).
    fn expect_status(&self, code: i32) -> Verdict {
        match self.status {
            WaitStatus::Exited(_, got) if got == code => Ok(()),
            other => bail!(
                "{}: {other}, expected status {code} (stdout {:?}, stderr {:?})",
                self.what,
                text(&self.stdout),
                text(&self.stderr)
            ),
        }
    }

    /// Standard output as text.
    fn out(&self) -> &str {
        text(&self.stdout)
    }
}

fn text(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or("<not UTF-8>")
}

/// Runs `cmd` (`/bin/<cmd[0]>` with `cmd` as its arguments) with `input` on standard input.
fn run(cmd: &[&str], input: &[u8]) -> Result<Ran, String> {
    pipeline(&[cmd], input)
}

/// Runs `stages` connected by pipes, each `/bin/<stage[0]>` with `stage` as its arguments;
/// a child feeds `input` to the first stage's standard input. Collects the last stage's
/// standard output and every stage's standard error, and waits for all of them.
fn pipeline(stages: &[&[&str]], input: &[u8]) -> Result<Ran, String> {
    let what = stages
        .iter()
        .map(|s| s.join(" "))
        .collect::<Vec<_>>()
        .join(" | ");
    let pipe = || io::pipe().map_err(|e| format!("pipe failed: {}", e.name()));
    let (err_r, err_w) = pipe()?;
    let (mut stdin, feed_w) = pipe()?;
    let feeder = spawn(|| {
        for fd in [stdin, err_r, err_w] {
            let _ = io::close(fd);
        }
        i32::from(io::write_all(feed_w, input).is_err())
    })?;
    io::close(feed_w).map_err(|e| format!("close: {}", e.name()))?;
    let mut children = Vec::new();
    for stage in stages {
        let (out_r, out_w) = pipe()?;
        let path = format!("/bin/{}", stage[0]);
        let child = spawn(|| {
            let _ = io::dup2(stdin, io::STDIN);
            let _ = io::dup2(out_w, io::STDOUT);
            let _ = io::dup2(err_w, io::STDERR);
            for fd in [stdin, out_w, out_r, err_r, err_w] {
                let _ = io::close(fd);
            }
            let err = match execve(&path, stage) {
                Err(e) => e,
                Ok(never) => match never {},
            };
            ulib::eprintln!("tooltest: execve {path} failed: {}", err.name());
            127
        })?;
        children.push(child);
        let _ = io::close(stdin);
        let _ = io::close(out_w);
        stdin = out_r;
    }
    let _ = io::close(err_w);
    let stdout = read_all(stdin);
    let stderr = read_all(err_r);
    let _ = io::close(stdin);
    let _ = io::close(err_r);
    let (stdout, stderr) = (stdout?, stderr?);
    let mut status = WaitStatus::StillAlive;
    for child in children {
        status = waitpid(Some(child), WaitFlags::empty())
            .map_err(|e| format!("{what}: waitpid failed: {}", e.name()))?;
    }
    // The feeder may have been cut off by a stage that stopped reading (SIGPIPE).
    let _ = waitpid(Some(feeder), WaitFlags::empty());
    Ok(Ran {
        what,
        status,
        stdout,
        stderr,
    })
}

/// Everything `fd` reads until end of file.
fn read_all(fd: i32) -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match io::read(fd, &mut buf) {
            Ok(0) => return Ok(data),
            Ok(n) => data.extend_from_slice(&buf[..n]),
            Err(Errno::EINTR) => {}
            Err(e) => bail!("read from a tool failed: {}", e.name()),
        }
    }
}

/// The case's own directory, `/tmp/tooltest-<case>`, made empty.
fn scratch(case: &str) -> Result<String, String> {
    match fs::mkdir("/tmp", 0o777) {
        Ok(()) | Err(Errno::EEXIST) => {}
        Err(e) => bail!("mkdir /tmp failed: {}", e.name()),
    }
    let dir = format!("/tmp/tooltest-{case}");
    if fs::stat(&dir).is_ok() {
        run(&["rm", "-r", &dir], b"")?.expect(0, "", "")?;
    }
    fs::mkdir(&dir, 0o755).map_err(|e| format!("mkdir {dir} failed: {}", e.name()))?;
    Ok(dir)
}

/// Removes the case's directory (with `rm -r`, which must work for that).
fn cleanup(dir: &str) -> Verdict {
    run(&["rm", "-r", dir], b"")?.expect(0, "", "")?;
    ensure!(fs::stat(dir) == Err(Errno::ENOENT), "{dir} is still there");
    Ok(())
}

/// Writes `data` to `path`.
fn put(path: &str, data: &[u8]) -> Verdict {
    fs::write(path, data).map_err(|e| format!("write {path} failed: {}", e.name()))
}

/// A child that sleeps until a signal ends it.
fn sleeper() -> Result<Pid, String> {
    spawn(|| {
        loop {
            let _ = ulib::signal::pause();
        }
    })
}

/// `n` numbered lines: `line 1\n` ...
fn numbered(n: u32) -> String {
    (1..=n).map(|i| format!("line {i}\n")).collect()
}

// ---------------------------------------------------------------------------------------
// Cases

fn echo() -> Verdict {
    run(&["echo", "a", "b"], b"")?.expect(0, "a b\n", "")?;
    run(&["echo"], b"")?.expect(0, "\n", "")?;
    run(&["echo", "-n", "x", "y"], b"")?.expect(0, "x y", "")?;
    run(&["echo", "-n", "-nn", "a", "-n"], b"")?.expect(0, "a -n", "")?;
    run(&["echo", "-x"], b"")?.expect(0, "-x\n", "")?;
    Ok(())
}

fn true_false() -> Verdict {
    run(&["true"], b"")?.expect(0, "", "")?;
    run(&["true", "-x", "y"], b"")?.expect(0, "", "")?;
    run(&["false"], b"")?.expect(1, "", "")?;
    run(&["false", "--help", "x"], b"")?.expect(1, "", "")?;
    Ok(())
}

fn pipe_wc() -> Verdict {
    pipeline(&[&["echo", "hello"], &["wc", "-c"]], b"")?.expect(0, "6\n", "")?;
    pipeline(&[&["echo", "a", "b", "c"], &["wc", "-w"]], b"")?.expect(0, "3\n", "")?;
    // Three stages, and a long stream through them.
    let long = numbered(2000);
    let lines = pipeline(&[&["cat"], &["cat", "-"], &["wc", "-l"]], long.as_bytes())?;
    lines.expect(0, "2000\n", "")?;
    run(&["wc"], b"one two\n three\n\nfour")?.expect(0, "3 4 20\n", "")?;
    let dir = scratch("pipe_wc")?;
    let (a, b) = (format!("{dir}/a"), format!("{dir}/b"));
    put(&a, b"x y z\n")?;
    put(&b, b"1\n2\n")?;
    run(&["wc", &a, &b], b"")?.expect(0, &format!("1 3 6 {a}\n2 2 4 {b}\n3 5 10 total\n"), "")?;
    run(&["wc", "-l", "-c", &a], b"")?.expect(0, &format!("1 6 {a}\n"), "")?;
    run(&["wc", "-lw", &b, "-"], b"q\n")?.expect(0, &format!("2 2 {b}\n1 1 -\n3 3 total\n"), "")?;
    let missing = format!("{dir}/missing");
    run(&["wc", "-c", &missing, &a], b"")?.expect(
        1,
        &format!("6 {a}\n6 total\n"),
        &format!("wc: {missing}: No such file or directory\n"),
    )?;
    cleanup(&dir)
}

fn cat() -> Verdict {
    let dir = scratch("cat")?;
    let (a, b) = (format!("{dir}/a"), format!("{dir}/b"));
    // Bigger than a chunk and than a pipe's buffer, not a multiple of 4096.
    let big: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
    put(&a, &big)?;
    put(&b, b"tail\n")?;
    let whole = run(&["cat", &a], b"")?;
    whole.expect_status(0)?;
    ensure!(
        whole.stdout == big,
        "cat {a}: {} bytes came out, expected the 20000 written",
        whole.stdout.len()
    );
    let mut both = big.clone();
    both.extend_from_slice(b"from stdin\n");
    both.extend_from_slice(b"tail\n");
    let joined = run(&["cat", &a, "-", &b], b"from stdin\n")?;
    joined.expect_status(0)?;
    ensure!(
        joined.stdout == both,
        "cat a - b did not concatenate in order"
    );
    run(&["cat"], b"just stdin\n")?.expect(0, "just stdin\n", "")?;
    let missing = format!("{dir}/missing");
    run(&["cat", &missing, &b], b"")?.expect(
        1,
        "tail\n",
        &format!("cat: {missing}: No such file or directory\n"),
    )?;
    run(&["cat", &dir], b"")?.expect(1, "", &format!("cat: {dir}: Is a directory\n"))?;
    cleanup(&dir)
}

fn head() -> Verdict {
    let dir = scratch("head")?;
    let (a, b) = (format!("{dir}/a"), format!("{dir}/b"));
    put(&a, numbered(12).as_bytes())?;
    put(&b, b"only\nlast without newline")?;
    run(&["head", &a], b"")?.expect(0, &numbered(10), "")?;
    run(&["head", "-n", "2", &a], b"")?.expect(0, "line 1\nline 2\n", "")?;
    run(&["head", "-n2", &a], b"")?.expect(0, "line 1\nline 2\n", "")?;
    run(&["head", "-3", &a], b"")?.expect(0, "line 1\nline 2\nline 3\n", "")?;
    run(&["head", "-n", "0", &a], b"")?.expect(0, "", "")?;
    run(&["head", "-n", "5", &b], b"")?.expect(0, "only\nlast without newline", "")?;
    run(&["head", "-n", "1", &a, &b], b"")?.expect(
        0,
        &format!("==> {a} <==\nline 1\n\n==> {b} <==\nonly\n"),
        "",
    )?;
    pipeline(&[&["cat"], &["head", "-n", "2"]], numbered(3000).as_bytes())?.expect(
        0,
        "line 1\nline 2\n",
        "",
    )?;
    let bad = run(&["head", "-n", "x", &a], b"")?;
    bad.expect_status(2)?;
    ensure!(
        text(&bad.stderr).starts_with("head: invalid number of lines 'x'\nusage: head "),
        "head -n x: stderr {:?}",
        text(&bad.stderr)
    );
    cleanup(&dir)
}

fn grep() -> Verdict {
    let dir = scratch("grep")?;
    let (a, b) = (format!("{dir}/a"), format!("{dir}/b"));
    put(&a, b"apple pie\nBanana split\ncherry tart\napple juice\n")?;
    put(&b, b"no fruit here\nAPPLE sauce")?;
    run(&["grep", "apple", &a], b"")?.expect(0, "apple pie\napple juice\n", "")?;
    run(&["grep", "-c", "apple", &a], b"")?.expect(0, "2\n", "")?;
    run(&["grep", "-v", "apple", &a], b"")?.expect(0, "Banana split\ncherry tart\n", "")?;
    run(&["grep", "-n", "tart", &a], b"")?.expect(0, "3:cherry tart\n", "")?;
    run(&["grep", "-i", "-n", "APPLE", &a, &b], b"")?.expect(
        0,
        &format!("{a}:1:apple pie\n{a}:4:apple juice\n{b}:2:APPLE sauce\n"),
        "",
    )?;
    run(&["grep", "-ci", "banana", &a, &b], b"")?.expect(0, &format!("{a}:1\n{b}:0\n"), "")?;
    run(&["grep", "kiwi", &a], b"")?.expect(1, "", "")?;
    run(&["grep", "-c", "kiwi", &a], b"")?.expect(1, "0\n", "")?;
    run(&["grep", "x"], b"ax\nb\nxc\n")?.expect(0, "ax\nxc\n", "")?;
    pipeline(&[&["cat", &a], &["grep", "-v", "e"]], b"")?.expect(0, "Banana split\n", "")?;
    let missing = format!("{dir}/missing");
    run(&["grep", "pie", &missing, &a], b"")?.expect(
        2,
        &format!("{a}:apple pie\n"),
        &format!("grep: {missing}: No such file or directory\n"),
    )?;
    run(&["grep"], b"")?.expect(
        2,
        "",
        "grep: no pattern given\nusage: grep [-v] [-c] [-n] [-i] PATTERN [file...]\n",
    )?;
    cleanup(&dir)
}

fn ls() -> Verdict {
    let dir = scratch("ls")?;
    for name in ["b", "a", ".hidden", "Z"] {
        put(&format!("{dir}/{name}"), b"12345")?;
    }
    fs::mkdir(&format!("{dir}/sub"), 0o755).map_err(|e| format!("mkdir: {}", e.name()))?;
    run(&["ls", &dir], b"")?.expect(0, "Z\na\nb\nsub\n", "")?;
    run(&["ls", "-a", &dir], b"")?.expect(0, ".\n..\n.hidden\nZ\na\nb\nsub\n", "")?;
    let a = format!("{dir}/a");
    run(&["ls", &a], b"")?.expect(0, &format!("{a}\n"), "")?;
    run(&["ls", "-l", &a], b"")?.expect(0, &format!("-rw-r--r-- 1 5 {a}\n"), "")?;
    let long = run(&["ls", "-la", &dir], b"")?;
    long.expect_status(0)?;
    let want_sub = long.out().lines().any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f.len() == 4 && f[0] == "drwxr-xr-x" && f[1] == "2" && f[3] == "sub"
    });
    ensure!(
        want_sub,
        "ls -la: no 'drwxr-xr-x 2 <size> sub' line in {:?}",
        long.out()
    );
    let want_hidden = long
        .out()
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["-rw-r--r--", "1", "5", ".hidden"]);
    ensure!(
        want_hidden,
        "ls -la: no line for .hidden in {:?}",
        long.out()
    );
    let sub = format!("{dir}/sub");
    run(&["ls", &sub, &a], b"")?.expect(0, &format!("{a}\n\n{sub}:\n"), "")?;
    let missing = format!("{dir}/missing");
    run(&["ls", &missing], b"")?.expect(
        1,
        "",
        &format!("ls: {missing}: No such file or directory\n"),
    )?;
    let bin = run(&["ls", "/bin"], b"")?;
    bin.expect_status(0)?;
    let names: Vec<&str> = bin.out().lines().collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    ensure!(names == sorted, "ls /bin is not sorted: {names:?}");
    for tool in ["cat", "echo", "ls", "tooltest"] {
        ensure!(names.contains(&tool), "ls /bin does not list {tool}");
    }
    cleanup(&dir)
}

fn mkdir() -> Verdict {
    let dir = scratch("mkdir")?;
    let deep = format!("{dir}/a/b/c");
    run(&["mkdir", "-p", &deep], b"")?.expect(0, "", "")?;
    ensure!(
        fs::stat(&deep).is_ok_and(|st| st.is_dir()),
        "{deep} was not made"
    );
    run(&["mkdir", "-p", &deep], b"")?.expect(0, "", "")?;
    run(&["mkdir", &deep], b"")?.expect(1, "", &format!("mkdir: {deep}: File exists\n"))?;
    let (x, y) = (format!("{dir}/x"), format!("{dir}/y"));
    run(&["mkdir", &x, &y], b"")?.expect(0, "", "")?;
    ensure!(fs::stat(&y).is_ok_and(|st| st.is_dir()), "{y} was not made");
    let orphan = format!("{dir}/none/z");
    run(&["mkdir", &orphan], b"")?.expect(
        1,
        "",
        &format!("mkdir: {orphan}: No such file or directory\n"),
    )?;
    let file = format!("{dir}/file");
    put(&file, b"")?;
    let through = format!("{file}/sub");
    run(&["mkdir", "-p", &through], b"")?.expect(
        1,
        "",
        &format!("mkdir: {through}: Not a directory\n"),
    )?;
    cleanup(&dir)
}

fn rm() -> Verdict {
    let dir = scratch("rm")?;
    let tree = format!("{dir}/tree");
    for d in ["", "/a", "/a/b", "/c"] {
        fs::mkdir(&format!("{tree}{d}"), 0o755).map_err(|e| format!("mkdir: {}", e.name()))?;
    }
    for f in ["/f", "/a/g", "/a/b/h", "/a/b/.dot"] {
        put(&format!("{tree}{f}"), b"data")?;
    }
    run(&["rm", &tree], b"")?.expect(1, "", &format!("rm: {tree}: is a directory\n"))?;
    ensure!(fs::stat(&tree).is_ok(), "rm without -r removed {tree}");
    run(&["rm", "-r", &tree], b"")?.expect(0, "", "")?;
    ensure!(fs::stat(&tree) == Err(Errno::ENOENT), "rm -r left {tree}");
    let file = format!("{dir}/file");
    put(&file, b"x")?;
    run(&["rm", &file], b"")?.expect(0, "", "")?;
    ensure!(fs::stat(&file) == Err(Errno::ENOENT), "rm left {file}");
    run(&["rm", &file], b"")?.expect(1, "", &format!("rm: {file}: No such file or directory\n"))?;
    run(&["rm", "-f", &file], b"")?.expect(0, "", "")?;
    run(&["rm", "-rf", &file, &format!("{dir}/.")], b"")?.expect(
        1,
        "",
        &format!("rm: {dir}/.: refusing to remove '.', '..' or '/'\n"),
    )?;
    cleanup(&dir)
}

fn env() -> Verdict {
    // This program was started without an environment, and so are the tools.
    run(&["env"], b"")?.expect(0, "", "")?;
    run(&["env", "A=1", "/bin/env"], b"")?.expect(0, "A=1\n", "")?;
    run(&["env", "A=1", "B=x=y", "env"], b"")?.expect(0, "A=1\nB=x=y\n", "")?;
    run(&["env", "A=1", "env", "A=2", "C=3"], b"")?.expect(0, "A=2\nC=3\n", "")?;
    run(&["env", "A=1", "env", "-i", "C=3"], b"")?.expect(0, "C=3\n", "")?;
    run(&["env", "A=1", "echo", "ran", "echo"], b"")?.expect(0, "ran echo\n", "")?;
    run(&["env", "nosuchtool"], b"")?.expect(
        127,
        "",
        "env: nosuchtool: No such file or directory\n",
    )?;
    run(&["env", "PATH=/nowhere:/tmp", "echo"], b"")?.expect(
        127,
        "",
        "env: echo: No such file or directory\n",
    )?;
    run(&["env", "PATH=/nowhere:/bin", "echo", "found"], b"")?.expect(0, "found\n", "")?;
    Ok(())
}

fn kill() -> Verdict {
    let cases: [(&[&str], Signal); 6] = [
        (&[], Signal::SIGTERM),
        (&["-TERM"], Signal::SIGTERM),
        (&["-s", "usr1"], Signal::SIGUSR1),
        (&["-9"], Signal::SIGKILL),
        (&["-SIGHUP"], Signal::SIGHUP),
        (&["-n", "2"], Signal::SIGINT),
    ];
    for (flags, sig) in cases {
        let child = sleeper()?;
        let pid = format!("{child}");
        let mut argv: Vec<&str> = alloc::vec!["kill"];
        argv.extend_from_slice(flags);
        argv.push(&pid);
        run(&argv, b"")?.expect(0, "", "")?;
        expect_signal(child, sig, &argv.join(" "))?;
    }
    // A negative pid is a process group.
    let child = sleeper()?;
    setpgid(child, child).map_err(|e| format!("setpgid: {}", e.name()))?;
    let group = format!("-{child}");
    run(&["kill", "--", &group], b"")?.expect(0, "", "")?;
    expect_signal(child, Signal::SIGTERM, "kill -- -pgid")?;
    let child = sleeper()?;
    setpgid(child, child).map_err(|e| format!("setpgid: {}", e.name()))?;
    let group = format!("-{child}");
    run(&["kill", "-KILL", &group], b"")?.expect(0, "", "")?;
    expect_signal(child, Signal::SIGKILL, "kill -KILL -pgid")?;
    // Listing and translating.
    let list = run(&["kill", "-l"], b"")?;
    list.expect_status(0)?;
    ensure!(
        list.out().lines().count() == 31
            && list.out().lines().any(|l| l == " 9 KILL")
            && list.out().lines().any(|l| l == "15 TERM"),
        "kill -l printed {:?}",
        list.out()
    );
    run(&["kill", "-l", "15", "137", "int"], b"")?.expect(0, "TERM\nKILL\n2\n", "")?;
    // Errors.
    run(&["kill", "-0", "1"], b"")?.expect(0, "", "")?;
    run(&["kill", "30000"], b"")?.expect(1, "", "kill: 30000: No such process\n")?;
    let bogus = run(&["kill", "-s", "BOGUS", "1"], b"")?;
    bogus.expect_status(2)?;
    ensure!(
        text(&bogus.stderr).starts_with("kill: invalid signal 'BOGUS'\nusage: kill "),
        "kill -s BOGUS: stderr {:?}",
        text(&bogus.stderr)
    );
    run(&["kill", "-9"], b"")?.expect_status(2)?;
    run(&["kill", "x1"], b"")?.expect_status(2)?;
    Ok(())
}

fn ps() -> Verdict {
    let child = sleeper()?;
    let want = format!("{:>5} {:>5} {:>5} S tooltest", child, getpid(), getpgrp());
    // This process is asleep reading ps's output, or running.
    let me = format!("{:>5} {:>5} {:>5} ", getpid(), getppid(), getpgrp());
    // The child may not have gone to sleep yet: look again a few times.
    let mut last = String::new();
    let mut found = false;
    for _ in 0..50 {
        let ran = run(&["ps"], b"")?;
        ran.expect_status(0)?;
        last = String::from(ran.out());
        let mut lines = last.lines();
        ensure!(
            lines.next() == Some("  PID  PPID  PGID S COMMAND"),
            "ps: no header in {last:?}"
        );
        ensure!(
            last.lines()
                .any(|l| l.starts_with(&me) && l.ends_with(" tooltest")),
            "ps: no line for this process ({me:?}) in {last:?}"
        );
        ensure!(
            last.lines().any(|l| l.ends_with(" R ps")),
            "ps: no line for ps itself in {last:?}"
        );
        if last.lines().any(|l| l == want) {
            found = true;
            break;
        }
        nap(10);
    }
    ensure!(found, "ps: no line {want:?} in {last:?}");
    ulib::signal::kill(child, Some(Signal::SIGKILL)).map_err(|e| format!("kill: {}", e.name()))?;
    expect_signal(child, Signal::SIGKILL, "sleeper")?;
    Ok(())
}

/// Every tool's `--help` (status 0, usage on stdout) and bad-option handling (status 2,
/// `<tool>: <reason>` and the usage on stderr).
fn usage() -> Verdict {
    const WITH_OPTIONS: [&str; 11] = [
        "cat", "ls", "ps", "kill", "wc", "head", "grep", "mkdir", "rm", "env", "echo",
    ];
    for tool in WITH_OPTIONS.iter().chain(&["true", "false"]) {
        let help = run(&[tool, "--help"], b"")?;
        help.expect_status(0)?;
        ensure!(
            help.out().starts_with(&format!("usage: {tool} ")) && help.stderr.is_empty(),
            "{tool} --help: stdout {:?}, stderr {:?}",
            help.out(),
            text(&help.stderr)
        );
    }
    for tool in WITH_OPTIONS.iter().filter(|&&t| t != "echo") {
        let bad = run(&[tool, "-Z"], b"")?;
        bad.expect_status(2)?;
        let reason = if *tool == "kill" {
            String::from("kill: invalid signal 'Z'\n")
        } else {
            format!("{tool}: invalid option -- 'Z'\n")
        };
        let err = text(&bad.stderr);
        ensure!(
            err.starts_with(&reason)
                && err[reason.len()..].starts_with(&format!("usage: {tool} "))
                && err.ends_with('\n')
                && err.lines().count() == 2
                && bad.stdout.is_empty(),
            "{tool} -Z: stdout {:?}, stderr {err:?}",
            bad.out()
        );
    }
    run(&["ls", "--bogus"], b"")?.expect(
        2,
        "",
        "ls: unrecognized option '--bogus'\nusage: ls [-l] [-a] [path...]\n",
    )?;
    run(&["head", "-n"], b"")?.expect(
        2,
        "",
        "head: option requires an argument -- 'n'\nusage: head [-n N | -N] [file...]\n",
    )?;
    Ok(())
}

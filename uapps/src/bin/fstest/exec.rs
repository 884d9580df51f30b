//! The devices of `/dev`, and `execve` of files on the RAM file system (with an environment).

use super::*;
use ulib::process::execve_env;

/// `/dev/null` reads end of file and swallows writes, `/dev/zero` reads zeros, `/dev/console`
/// and `/dev/tty` take writes and are terminals (`isatty`), all four are character devices;
/// `/` is a directory.
pub fn devices() -> Verdict {
    let root = fs::stat("/").or_fail("stat /")?;
    ensure!(root.is_dir(), "/ is no directory: mode {:o}", root.mode);
    for up in ["/..", "/../..", "/.", "//"] {
        let st = fs::stat(up).or_fail(format_args!("stat {up}"))?;
        ensure!(
            st.ino == root.ino,
            "{up} is inode {}, / is {}",
            st.ino,
            root.ino
        );
    }
    ensure!(
        fs::stat("/dev").or_fail("stat /dev")?.is_dir(),
        "/dev is no directory"
    );
    let listed = fs::read_dir("/dev").or_fail("read_dir /dev")?;
    for dev in ["console", "tty", "null", "zero"] {
        let path = format!("/dev/{dev}");
        let st = fs::stat(&path).or_fail(format_args!("stat {path}"))?;
        ensure!(
            st.kind() == Some(FileType::CharDevice) && !st.is_file() && !st.is_dir(),
            "{path}: mode {:o}",
            st.mode
        );
        ensure!(
            listed
                .iter()
                .any(|e| e.name == dev && e.kind == FileType::CharDevice),
            "read_dir /dev: {listed:?}"
        );
    }

    // /dev/null
    let null = open("/dev/null", OFlag::O_RDWR, 0)?;
    ensure!(
        fs::fstat(null).or_fail("fstat /dev/null")?.kind() == Some(FileType::CharDevice),
        "fstat of /dev/null is no character device"
    );
    let mut buf = [0xAAu8; 256];
    let got = io::read(null, &mut buf);
    ensure!(got == Ok(0), "read from /dev/null: {got:?}");
    ensure!(!io::isatty(null), "isatty(/dev/null)");
    let big = alloc::vec![b'x'; 100_000];
    let got = io::write(null, &big);
    ensure!(
        got == Ok(big.len()),
        "write of 100000 bytes to /dev/null: {got:?}"
    );
    shut(null)?;

    // /dev/zero
    let zero = open("/dev/zero", OFlag::O_RDONLY, 0)?;
    for len in [1usize, 256, 5000] {
        let mut buf = alloc::vec![0xAAu8; len];
        let got = io::read(zero, &mut buf);
        ensure!(got == Ok(len), "read {len} from /dev/zero: {got:?}");
        ensure!(
            buf.iter().all(|&b| b == 0),
            "/dev/zero gave a non-zero byte"
        );
    }
    shut(zero)?;

    // The console, under both names.
    for (path, line) in [
        ("/dev/console", "devices: written to /dev/console\n"),
        ("/dev/tty", "devices: written to /dev/tty\n"),
    ] {
        let fd = open(path, OFlag::O_WRONLY, 0)?;
        let st = fs::fstat(fd).or_fail(format_args!("fstat {path}"))?;
        ensure!(
            st.mode & S_IFMT == S_IFCHR,
            "fstat {path}: mode {:o}",
            st.mode
        );
        put(fd, line.as_bytes())?;
        ensure!(io::isatty(fd), "isatty({path}) is false");
        shut(fd)?;
    }
    ensure!(io::isatty(io::STDOUT), "isatty(1) is false");
    ensure!(
        !io::isatty(-1) && !io::isatty(200),
        "isatty of a bad descriptor"
    );
    let (r, w) = io::pipe().or_fail("pipe")?;
    ensure!(!io::isatty(r) && !io::isatty(w), "isatty of a pipe");
    shut(r)?;
    shut(w)?;
    let bin = open("/bin/hello", OFlag::O_RDONLY, 0)?;
    ensure!(!io::isatty(bin), "isatty of a regular file");
    shut(bin)?;
    let st = fs::fstat(io::STDOUT).or_fail("fstat of standard output")?;
    ensure!(
        st.kind() == Some(FileType::CharDevice),
        "standard output: mode {:o}",
        st.mode
    );
    println!("devices: /dev/null, /dev/zero, /dev/console and /dev/tty behave");
    Ok(())
}

/// The file-type bits of a mode (Linux's `S_IFMT`).
const S_IFMT: u32 = 0o170000;
/// A character device's type bits (Linux's `S_IFCHR`).
const S_IFCHR: u32 = 0o020000;

/// Runs `path` with `argv` and `envp` in a child whose standard output is a pipe; returns how
/// it ended and everything it printed.
fn run_captured(path: &str, argv: &[&str], envp: &[&str]) -> Result<(WaitStatus, Vec<u8>), String> {
    let (r, w) = io::pipe().or_fail("pipe")?;
    let child = match fork().or_fail("fork")? {
        ForkResult::Child => {
            if io::dup2(w, io::STDOUT).is_err() {
                exit(126);
            }
            let _ = io::close(r);
            let _ = io::close(w);
            let err = match execve_env(path, argv, envp) {
                Err(e) => e,
                Ok(never) => match never {},
            };
            eprintln!("{path}: execve failed: {}", err.name());
            exit(127)
        }
        ForkResult::Parent { child } => child,
    };
    shut(w)?;
    let mut out = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        match io::read(r, &mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(Errno::EINTR) => {}
            Err(e) => bail!("read from the child's pipe: {}", e.name()),
        }
    }
    shut(r)?;
    let status = waitpid(Some(child), WaitFlags::empty()).or_fail("waitpid")?;
    Ok((status, out))
}

/// Writes `data` to a new file `path` with permission bits `mode`.
fn create_with_mode(path: &str, mode: u32, data: &[u8]) -> Verdict {
    let fd = open(path, OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL, mode)?;
    io::write_all(fd, data).or_fail(format_args!("write {path}"))?;
    shut(fd)
}

/// `execve` loads any regular file with an execute bit: a copy of `/bin/hello` made with mode
/// 0o755 runs; with 0o644 it is EACCES, a directory is EACCES, a text file ENOEXEC.
pub fn exec_files() -> Verdict {
    let dir = scratch("exec_files")?;
    let image = slurp("/bin/hello")?;
    let st = fs::stat("/bin/hello").or_fail("stat /bin/hello")?;
    ensure!(
        st.is_file() && st.size == image.len() as u64 && st.mode & 0o111 != 0,
        "/bin/hello: {st:?} for {} bytes read",
        image.len()
    );
    let runnable = format!("{dir}/hello2");
    create_with_mode(&runnable, 0o755, &image)?;
    let st = fs::stat(&runnable).or_fail("stat hello2")?;
    ensure!(
        st.mode & 0o777 == 0o755 && st.is_file(),
        "hello2: mode {:o}",
        st.mode
    );
    expect_contents(&runnable, &image)?;
    let (status, out) = run_captured(&runnable, &[&runnable, "copied"], &[])?;
    ensure!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "the copy of hello: {status:?}"
    );
    let text = String::from_utf8_lossy(&out);
    ensure!(
        text.starts_with("hello, world from pid ") && text.contains("hello: argv[1] = copied\n"),
        "the copy of hello printed {text:?}"
    );

    // Not executable: nothing happens to this process.
    let plain = format!("{dir}/hello644");
    create_with_mode(&plain, 0o644, &image)?;
    expect_err(
        execve(&plain, &[&plain]),
        Errno::EACCES,
        "execve of a 0o644 file",
    )?;
    expect_err(
        execve(&dir, &[&dir]),
        Errno::EACCES,
        "execve of a directory",
    )?;
    expect_err(execve("/bin", &["/bin"]), Errno::EACCES, "execve of /bin")?;
    let text_file = format!("{dir}/script");
    create_with_mode(&text_file, 0o755, b"echo not an ELF file\n")?;
    expect_err(
        execve(&text_file, &[&text_file]),
        Errno::ENOEXEC,
        "execve of a text file",
    )?;
    expect_err(
        execve(&format!("{dir}/missing"), &["missing"]),
        Errno::ENOENT,
        "execve of a missing file",
    )?;
    expect_err(
        execve(&format!("{runnable}/x"), &["x"]),
        Errno::ENOTDIR,
        "execve under a file",
    )?;
    // Relative to the working directory.
    fs::chdir(&dir).or_fail("chdir")?;
    let (status, out) = run_captured("hello2", &["hello2", "relative"], &[])?;
    fs::chdir("/").or_fail("chdir /")?;
    ensure!(
        matches!(status, WaitStatus::Exited(_, 0))
            && String::from_utf8_lossy(&out).contains("hello: argv[1] = relative\n"),
        "hello2 run by a relative path: {status:?}, printed {:?}",
        Shown(&out)
    );
    remove_tree(&dir)?;
    println!("exec_files: a 0o755 copy ran, 0o644 and directories are EACCES, text is ENOEXEC");
    Ok(())
}

/// `execve_env` passes an environment the new program sees with `env::vars` and `env::var`;
/// plain `execve` passes an empty one.
pub fn exec_env() -> Verdict {
    let env = [
        "FSTEST_A=one",
        "FSTEST_B=two=three",
        "EMPTY=",
        "PATH=/bin:/tmp",
    ];
    let (status, out) = run_captured(
        "/bin/fstest",
        &["/bin/fstest", "--print-env", "exec_env"],
        &env,
    )?;
    ensure!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "the child: {status:?}"
    );
    let want = "exec_env: FSTEST_A=one\nexec_env: FSTEST_B=two=three\nexec_env: EMPTY=\n\
                exec_env: PATH=/bin:/tmp\nexec_env: var(FSTEST_B) = Some(\"two=three\")\n\
                exec_env: 4 variables\n";
    let got = String::from_utf8_lossy(&out);
    ensure!(got == want, "the child printed {got:?}, expected {want:?}");

    let (status, out) = run_captured("/bin/fstest", &["/bin/fstest", "--print-env", "none"], &[])?;
    ensure!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "the child: {status:?}"
    );
    let got = String::from_utf8_lossy(&out);
    let want = "none: var(FSTEST_B) = None\nnone: 0 variables\n";
    ensure!(got == want, "with no environment the child printed {got:?}");

    // Too many variables: E2BIG, as for arguments.
    let many: Vec<String> = (0..=ulib::limits::MAX_ARGS)
        .map(|i| format!("V{i}=x"))
        .collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    expect_err(
        execve_env("/bin/fstest", &["/bin/fstest"], &many),
        Errno::E2BIG,
        "execve_env with too many variables",
    )?;
    // Seen by this very program too (pid 1 starts with none).
    println!(
        "exec_env: this process has {} variables",
        ulib::env::vars().count()
    );
    println!("exec_env: the environment arrived whole");
    Ok(())
}

/// `fstest --print-env <tag>`: prints `<tag>: NAME=value` for each variable, what `var`
/// finds for `FSTEST_B`, and `<tag>: <n> variables`.
pub fn print_env(tag: &str) -> i32 {
    let mut n = 0;
    for (name, value) in ulib::env::vars() {
        println!("{tag}: {name}={value}");
        n += 1;
    }
    println!("{tag}: var(FSTEST_B) = {:?}", ulib::env::var("FSTEST_B"));
    println!("{tag}: {n} variables");
    0
}

//! Descriptors: scenarios 32-34 and the descriptor cases of the bad input.

use super::*;

/// Numbers that are never open descriptors here.
const BAD_FDS: [i32; 6] = [-1, i32::MIN, 200, MAX_FDS, 1000, i32::MAX];

/// Scenario 32: The wrong end, a closed descriptor, out-of-range and negative ones: EBADF.
pub fn pipe_badf() -> Verdict {
    let (r, w) = make_pipe(0)?;
    let mut b = [0u8; 8];
    let got = ulib::io::write(r, b"x");
    ensure!(got == Err(Errno::EBADF), "write to the read end: {got:?}");
    let got = read(w, &mut b);
    ensure!(got == Err(Errno::EBADF), "read from the write end: {got:?}");
    shut(w)?;
    let got = ulib::io::write(w, b"x");
    ensure!(
        got == Err(Errno::EBADF),
        "write to a closed descriptor: {got:?}"
    );
    let got = read(w, &mut b);
    ensure!(
        got == Err(Errno::EBADF),
        "read from a closed descriptor: {got:?}"
    );
    let got = close(w);
    ensure!(got == Err(Errno::EBADF), "a second close: {got:?}");
    for fd in BAD_FDS {
        let got = read(fd, &mut b);
        ensure!(got == Err(Errno::EBADF), "read({fd}): {got:?}");
        let got = ulib::io::write(fd, b"x");
        ensure!(got == Err(Errno::EBADF), "write({fd}): {got:?}");
        let got = close(fd);
        ensure!(got == Err(Errno::EBADF), "close({fd}): {got:?}");
        let got = dup(fd);
        ensure!(got == Err(Errno::EBADF), "dup({fd}): {got:?}");
        let got = dup2(fd, 10);
        ensure!(got == Err(Errno::EBADF), "dup2({fd}, 10): {got:?}");
        let got = fcntl(fd, F_GETFD, 0);
        ensure!(got == Err(Errno::EBADF), "fcntl({fd}, F_GETFD): {got:?}");
    }
    // The read end still works after all that.
    let got = is_open(r)?;
    ensure!(got, "the read end was closed by the failed calls");
    ensure!(!is_open(10)?, "a failed dup2 opened descriptor 10");
    shut(r)?;
    println!("pipe_badf: EBADF for the wrong end, closed, out-of-range and negative descriptors");
    Ok(())
}

/// Scenario 33: dup2 onto an open descriptor closes it first; dup2(fd, fd) returns fd; duplicates
/// share the open file (its status flags) but not the descriptor flags; bad descriptors.
pub fn dup2_case() -> Verdict {
    let (r1, w1) = make_pipe(0)?;
    let (r2, w2) = make_pipe(0)?;
    let got = dup2(w1, w2);
    ensure!(got == Ok(w2), "dup2({w1}, {w2}): {got:?}");
    // w2 now writes into the first pipe, and the second lost its only write end.
    put_all(w2, b"via w2")?;
    let mut b = [0u8; 16];
    let got = read(r1, &mut b);
    ensure!(
        got == Ok(6) && &b[..6] == b"via w2",
        "the first pipe got {got:?}"
    );
    let got = read(r2, &mut b);
    ensure!(
        got == Ok(0),
        "the second pipe's write end was not closed by dup2: read gave {got:?}"
    );
    // dup2(fd, fd) returns fd and changes nothing; on a closed fd it is EBADF.
    let got = dup2(r1, r1);
    ensure!(got == Ok(r1), "dup2({r1}, {r1}): {got:?}");
    ensure!(is_open(r1)?, "dup2(fd, fd) closed fd");
    shut(r2)?;
    let got = dup2(r2, r2);
    ensure!(
        got == Err(Errno::EBADF),
        "dup2 of a closed fd onto itself: {got:?}"
    );
    // Bad targets.
    for new in [-1, MAX_FDS, 1000, i32::MIN] {
        let got = dup2(r1, new);
        ensure!(got == Err(Errno::EBADF), "dup2({r1}, {new}): {got:?}");
    }
    let got = dup2(r1, MAX_FDS - 1);
    ensure!(
        got == Ok(MAX_FDS - 1),
        "dup2 onto the last descriptor: {got:?}"
    );
    shut(MAX_FDS - 1)?;
    // Duplicates share the status flags, not the close-on-exec flag.
    let (cr, cw) = make_pipe(O_CLOEXEC)?;
    let d = dup(cr).map_err(|e| format!("dup: {}", e.name()))?;
    let d2 = dup2(cr, 20).map_err(|e| format!("dup2: {}", e.name()))?;
    for (fd, want) in [(cr, FD_CLOEXEC), (d, 0), (d2, 0)] {
        let got = fcntl(fd, F_GETFD, 0);
        ensure!(got == Ok(want), "F_GETFD of {fd}: {got:?}, expected {want}");
    }
    fcntl(cr, F_SETFL, O_NONBLOCK as i32).map_err(|e| format!("F_SETFL: {}", e.name()))?;
    for fd in [d, d2] {
        let fl = fcntl(fd, F_GETFL, 0).map_err(|e| format!("F_GETFL: {}", e.name()))? as u32;
        ensure!(
            fl & O_NONBLOCK != 0,
            "O_NONBLOCK set on {cr} is not seen on {fd}"
        );
        let got = read(fd, &mut b);
        ensure!(
            got == Err(Errno::EAGAIN),
            "read on the duplicate {fd}: {got:?}"
        );
    }
    // fork shares the open file too: a child clearing O_NONBLOCK clears it here.
    let child = spawn_check("dup2", move || {
        fcntl(d, F_SETFL, 0).map_err(|e| format!("F_SETFL in the child: {}", e.name()))?;
        Ok(())
    })?;
    expect_exit(child, 0, "the child clearing O_NONBLOCK")?;
    let fl = fcntl(cr, F_GETFL, 0).map_err(|e| format!("F_GETFL: {}", e.name()))? as u32;
    ensure!(
        fl & O_NONBLOCK == 0,
        "O_NONBLOCK cleared through a forked child's copy is still set here: {fl:#o}"
    );
    // The duplicate keeps the pipe open: closing the original leaves it readable.
    put_all(cw, b"k")?;
    shut(cr)?;
    let got = read(d, &mut b);
    ensure!(
        got == Ok(1),
        "read through the duplicate after closing the original: {got:?}"
    );
    for fd in [d, d2, cw, r1, w1, w2] {
        shut(fd)?;
    }
    println!("dup2: closes the target first, dup2(fd, fd), shared status flags, EBADF");
    Ok(())
}

/// Scenario 34: O_CLOEXEC descriptors are closed by execve, the others stay open.
pub fn cloexec() -> Verdict {
    let (a, b) = make_pipe(O_CLOEXEC)?;
    let (c, d) = make_pipe(0)?;
    let e = fcntl(c, F_DUPFD_CLOEXEC, 10).map_err(|e| format!("F_DUPFD_CLOEXEC: {}", e.name()))?;
    ensure!(e >= 10, "F_DUPFD_CLOEXEC(10) gave {e}");
    let f = dup(a).map_err(|e| format!("dup: {}", e.name()))?;
    fcntl(d, F_SETFD, FD_CLOEXEC).map_err(|e| format!("F_SETFD: {}", e.name()))?;
    let g = fcntl(d, F_DUPFD, 30).map_err(|e| format!("F_DUPFD: {}", e.name()))?;
    ensure!(g == 30, "F_DUPFD(30) gave {g}");
    let fds = [a, b, c, d, e, f, g];
    // Which survive: c (plain), f (a dup has no FD_CLOEXEC), g (F_DUPFD neither).
    let want: i32 = 1 << 2 | 1 << 5 | 1 << 6;
    let list: Vec<String> = fds.iter().map(|fd| format!("{fd}")).collect();
    let list = list.join(",");
    let child = uapps::spawn("/bin/pipetest", &["pipetest", "--exec-probe", &list])
        .map_err(|e| format!("fork: {}", e.name()))?;
    expect_exit(
        child,
        want,
        "the probe after execve (its bit i: the i-th fd is open)",
    )?;
    // The parent's table is its own.
    for fd in fds {
        ensure!(
            is_open(fd)?,
            "{fd} closed in the parent by the child's execve"
        );
        shut(fd)?;
    }
    println!("cloexec: execve closed the O_CLOEXEC descriptors, kept the others");
    Ok(())
}

/// The probe `cloexec` executes: exits with bit i set if the i-th descriptor of the list
/// is open (and 100 if 0, 1 or 2 is missing, 101 if an open one has FD_CLOEXEC).
pub fn exec_probe() -> i32 {
    for fd in 0..3 {
        if !matches!(is_open(fd), Ok(true)) {
            println!("cloexec: probe: console descriptor {fd} is not open");
            return 100;
        }
    }
    let Some(list) = ulib::env::args().nth(2) else {
        return 102;
    };
    let mut bits = 0;
    let mut open = Vec::new();
    for (i, fd) in list.split(',').enumerate() {
        let Some(fd) = fd.parse::<i32>().ok() else {
            return 102;
        };
        match fcntl(fd, F_GETFD, 0) {
            Ok(0) => {
                bits |= 1 << i;
                open.push(fd);
            }
            Ok(flags) => {
                println!("cloexec: probe: {fd} is open with descriptor flags {flags}");
                return 101;
            }
            Err(_) => {}
        }
    }
    println!("cloexec: probe: open after execve: {open:?}");
    bits
}

/// Descriptors are handed out lowest free first, by pipe2, dup and F_DUPFD alike.
pub fn lowest_free() -> Verdict {
    let child = spawn_check("lowest_free", || {
        let (r, w) = make_pipe(0)?;
        ensure!((r, w) == (3, 4), "the first pipe got ({r}, {w})");
        let got = dup(1);
        ensure!(got == Ok(5), "dup(1): {got:?}, expected 5");
        shut(3)?;
        let got = dup(2);
        ensure!(got == Ok(3), "dup(2) after closing 3: {got:?}");
        shut(4)?;
        let got = make_pipe(0)?;
        ensure!(
            got == (4, 6),
            "a pipe with 4 free: {got:?}, expected (4, 6)"
        );
        let got = fcntl(1, F_DUPFD, 100);
        ensure!(got == Ok(100), "F_DUPFD(100): {got:?}");
        let got = fcntl(1, F_DUPFD, 0);
        ensure!(got == Ok(7), "F_DUPFD(0): {got:?}, expected 7");
        let got = fcntl(1, F_DUPFD, 100);
        ensure!(got == Ok(101), "F_DUPFD(100) with 100 taken: {got:?}");
        shut(0)?;
        let got = dup(1);
        ensure!(got == Ok(0), "dup(1) with 0 free: {got:?}");
        Ok(())
    })?;
    expect_exit(child, 0, "the checking child")?;
    // The child's changes did not touch this table.
    ensure!(!is_open(3)?, "descriptor 3 is open in the parent");
    println!("lowest_free: lowest free descriptor first");
    Ok(())
}

/// EMFILE at the limit (256 descriptors), nothing half-made, then recovery.
pub fn emfile() -> Verdict {
    let child = spawn_check("emfile", || {
        let mut opened = 0;
        loop {
            match dup(1) {
                Ok(fd) => {
                    ensure!(fd == 3 + opened, "dup gave {fd}, expected {}", 3 + opened);
                    opened += 1;
                    ensure!(opened <= MAX_FDS, "more than {MAX_FDS} descriptors");
                }
                Err(Errno::EMFILE) => break,
                Err(e) => bail!("dup #{opened}: {}", e.name()),
            }
        }
        ensure!(
            opened + 3 == MAX_FDS,
            "EMFILE after {} descriptors",
            opened + 3
        );
        for (what, got) in [
            ("pipe2", pipe2(0).map(|_| 0)),
            ("F_DUPFD", fcntl(1, F_DUPFD, 0)),
            ("F_DUPFD_CLOEXEC", fcntl(1, F_DUPFD_CLOEXEC, 0)),
        ] {
            ensure!(got == Err(Errno::EMFILE), "{what} at the limit: {got:?}");
        }
        // dup2 onto an open descriptor needs no new one.
        let got = dup2(2, 100);
        ensure!(got == Ok(100), "dup2 at the limit: {got:?}");
        // One free: a pipe needs two, and must not keep half of itself.
        shut(77)?;
        let got = pipe2(0);
        ensure!(got == Err(Errno::EMFILE), "pipe2 with one free: {got:?}");
        let got = dup(1);
        ensure!(got == Ok(77), "dup with 77 free: {got:?}");
        shut(77)?;
        shut(200)?;
        let got = pipe2(0);
        ensure!(got == Ok((77, 200)), "pipe2 with 77 and 200 free: {got:?}");
        for fd in 3..MAX_FDS {
            shut(fd)?;
        }
        let (r, w) = make_pipe(0)?;
        ensure!((r, w) == (3, 4), "after closing all, a pipe got ({r}, {w})");
        println!("emfile: EMFILE at {MAX_FDS} descriptors, then recovered");
        Ok(())
    })?;
    expect_exit(child, 0, "the checking child")
}

/// fcntl's errors: an unknown command is EINVAL, a bad descriptor EBADF (checked first),
/// F_DUPFD out of range EINVAL; F_SETFL keeps the access mode.
pub fn fcntl_errors() -> Verdict {
    let (r, w) = make_pipe(0)?;
    for cmd in [-1, 5, 9999, 1029, 1031, i32::MAX, i32::MIN] {
        let got = fcntl(r, cmd, 0);
        ensure!(
            got == Err(Errno::EINVAL),
            "fcntl({r}, {cmd}): {got:?}, expected EINVAL"
        );
        for fd in BAD_FDS {
            let got = fcntl(fd, cmd, 0);
            ensure!(
                got == Err(Errno::EBADF),
                "fcntl({fd}, {cmd}): {got:?}, expected EBADF"
            );
        }
    }
    for fd in BAD_FDS {
        for cmd in [F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC] {
            let got = fcntl(fd, cmd, 0);
            ensure!(
                got == Err(Errno::EBADF),
                "fcntl({fd}, {cmd}): {got:?}, expected EBADF"
            );
        }
    }
    for arg in [-1, MAX_FDS, i32::MAX, i32::MIN] {
        for cmd in [F_DUPFD, F_DUPFD_CLOEXEC] {
            // The descriptor is checked before the argument (as Linux does).
            let got = fcntl(-1, cmd, arg);
            ensure!(
                got == Err(Errno::EBADF),
                "fcntl(-1, {cmd}, {arg}): {got:?}, expected EBADF"
            );
            let got = fcntl(r, cmd, arg);
            ensure!(
                got == Err(Errno::EINVAL),
                "fcntl({r}, {cmd}, {arg}): {got:?}, expected EINVAL"
            );
        }
    }
    // F_SETFL changes O_APPEND and O_NONBLOCK only.
    fcntl(r, F_SETFL, (O_WRONLY | O_APPEND | O_NONBLOCK) as i32)
        .map_err(|e| format!("F_SETFL: {}", e.name()))?;
    let fl = fcntl(r, F_GETFL, 0).map_err(|e| format!("F_GETFL: {}", e.name()))? as u32;
    ensure!(
        fl & O_ACCMODE == 0 && fl & O_NONBLOCK != 0 && fl & O_APPEND != 0,
        "F_GETFL after F_SETFL(O_WRONLY|O_APPEND|O_NONBLOCK) on the read end: {fl:#o}"
    );
    // F_SETFD keeps FD_CLOEXEC only.
    fcntl(w, F_SETFD, -1).map_err(|e| format!("F_SETFD(-1): {}", e.name()))?;
    let got = fcntl(w, F_GETFD, 0);
    ensure!(got == Ok(FD_CLOEXEC), "F_GETFD after F_SETFD(-1): {got:?}");
    fcntl(w, F_SETFD, 0).map_err(|e| format!("F_SETFD(0): {}", e.name()))?;
    let got = fcntl(w, F_GETFD, 0);
    ensure!(got == Ok(0), "F_GETFD after F_SETFD(0): {got:?}");
    ensure!(!is_open(5)?, "a failed fcntl opened a descriptor");
    shut(r)?;
    shut(w)?;
    println!("fcntl_errors: EINVAL for bad commands and arguments, EBADF first");
    Ok(())
}

/// pid 1 starts with 0, 1 and 2 open on the console; a child inherits them. Reading the
/// console gives 0 (no input yet); writing any of the three prints.
pub fn console_fds() -> Verdict {
    let check = || -> Verdict {
        for fd in 0..3 {
            let got = fcntl(fd, F_GETFD, 0);
            ensure!(got == Ok(0), "F_GETFD of {fd}: {got:?}, expected 0");
            let got = fcntl(fd, F_GETFL, 0);
            ensure!(got.is_ok(), "F_GETFL of {fd}: {got:?}");
        }
        let mut b = [0u8; 16];
        let got = read(0, &mut b);
        ensure!(got == Ok(0), "read from the console: {got:?}, expected 0");
        let line = b"console_fds: written to fd 0\n";
        let got = ulib::io::write(0, line);
        ensure!(got == Ok(line.len()), "write to fd 0: {got:?}");
        ensure!(!is_open(3)?, "descriptor 3 is open");
        Ok(())
    };
    println!("console_fds: checking pid {}", getpid());
    check()?;
    let child = spawn_check("console_fds", check)?;
    expect_exit(child, 0, "the child with inherited descriptors")?;
    println!("console_fds: 0, 1 and 2 open in pid 1 and its child");
    Ok(())
}

//! Files: scenarios 35 (files_basic), 36 (unlink_open) and 38 (many_files, concreate).

use super::*;

/// Scenario 35 (xv6 createtest, writetest, opentest): create, write, read back, lseek (with a
/// hole past the end), O_APPEND, O_TRUNC, O_EXCL, ENOENT, and whose offset is shared.
pub fn files_basic() -> Verdict {
    let dir = scratch("files_basic")?;
    let f = format!("{dir}/a");
    let rd = OFlag::O_RDONLY;
    let wr = OFlag::O_WRONLY;
    let rw = OFlag::O_RDWR;

    // Missing files.
    expect_err(fs::open(&f, rd, 0), Errno::ENOENT, "open of a missing file")?;
    expect_err(
        fs::open(&f, rw, 0),
        Errno::ENOENT,
        "open(O_RDWR) of a missing file",
    )?;
    expect_err(
        fs::open(&format!("{dir}/no/such"), wr | OFlag::O_CREAT, 0o644),
        Errno::ENOENT,
        "O_CREAT in a missing directory",
    )?;
    expect_err(fs::stat(&f), Errno::ENOENT, "stat of a missing file")?;

    // Create and write.
    let fd = open(&f, wr | OFlag::O_CREAT | OFlag::O_EXCL, 0o644)?;
    put(fd, b"hello, world")?;
    let st = fs::fstat(fd).or_fail("fstat")?;
    ensure!(
        st.is_file() && !st.is_dir() && st.kind() == Some(FileType::File),
        "fstat of a new file: mode {:o}",
        st.mode
    );
    ensure!(
        st.size == 12 && st.nlink == 1 && st.mode & 0o777 == 0o644,
        "fstat after 12 bytes: {st:?}"
    );
    expect_err(
        io::read(fd, &mut [0; 4]),
        Errno::EBADF,
        "read from an O_WRONLY descriptor",
    )?;
    shut(fd)?;
    let st2 = fs::stat(&f).or_fail("stat")?;
    ensure!(st2 == st, "stat {st2:?} differs from fstat {st:?}");
    expect_err(
        fs::open(&f, wr | OFlag::O_CREAT | OFlag::O_EXCL, 0o644),
        Errno::EEXIST,
        "O_CREAT | O_EXCL of an existing file",
    )?;
    // O_CREAT alone opens the existing file and leaves it alone.
    let fd = open(&f, rd | OFlag::O_CREAT, 0o600)?;
    ensure!(
        fs::fstat(fd).or_fail("fstat")? == st,
        "O_CREAT of an existing file changed it"
    );
    expect_err(
        io::write(fd, b"x"),
        Errno::EBADF,
        "write to an O_RDONLY descriptor",
    )?;
    let got = get(fd, 100)?;
    ensure!(got == b"hello, world", "read back {:?}", Shown(&got));
    ensure!(get(fd, 10)?.is_empty(), "read at the end did not return 0");
    shut(fd)?;
    expect_contents(&f, b"hello, world")?;

    // lseek: SET, CUR, END, and a hole past the end.
    let fd = open(&f, rw, 0)?;
    seek(fd, 7, Whence::SeekSet, 7)?;
    let got = get(fd, 5)?;
    ensure!(got == b"world", "read at 7: {:?}", Shown(&got));
    seek(fd, 0, Whence::SeekCur, 12)?;
    seek(fd, -5, Whence::SeekCur, 7)?;
    seek(fd, 0, Whence::SeekEnd, 12)?;
    seek(fd, -12, Whence::SeekEnd, 0)?;
    expect_err(
        io::lseek(fd, -1, Whence::SeekSet),
        Errno::EINVAL,
        "lseek to -1",
    )?;
    expect_err(
        io::lseek(fd, -13, Whence::SeekEnd),
        Errno::EINVAL,
        "lseek to END - 13",
    )?;
    seek(fd, 0, Whence::SeekCur, 0)?; // the failures moved nothing
    seek(fd, 4196, Whence::SeekSet, 4196)?;
    ensure!(
        get(fd, 10)?.is_empty(),
        "a read past the end did not return 0"
    );
    seek(fd, 0, Whence::SeekCur, 4196)?;
    put(fd, b"tail")?;
    seek(fd, 0, Whence::SeekCur, 4200)?;
    ensure!(
        fs::fstat(fd).or_fail("fstat")?.size == 4200,
        "size after writing past the end"
    );
    seek(fd, 0, Whence::SeekSet, 0)?;
    let all = get(fd, 5000)?;
    ensure!(all.len() == 4200, "read {} bytes of 4200", all.len());
    ensure!(
        &all[..12] == b"hello, world" && &all[4196..] == b"tail",
        "the ends of the file are wrong: {:?}",
        Shown(&all)
    );
    if let Some(i) = all[12..4196].iter().position(|&b| b != 0) {
        bail!("the hole is not zero at {}: {:#x}", 12 + i, all[12 + i]);
    }
    // Overwrite in the middle.
    seek(fd, 5, Whence::SeekSet, 5)?;
    put(fd, b";")?;
    shut(fd)?;

    // O_APPEND: writes go to the end even after an lseek.
    let fd = open(&f, wr | OFlag::O_APPEND, 0)?;
    seek(fd, 0, Whence::SeekSet, 0)?;
    put(fd, b"++")?;
    seek(fd, 0, Whence::SeekCur, 4202)?;
    shut(fd)?;
    let all = slurp(&f)?;
    ensure!(
        all.len() == 4202 && all.starts_with(b"hello; world") && all.ends_with(b"tail++"),
        "after O_APPEND: {:?}",
        Shown(&all)
    );

    // O_TRUNC empties the file.
    let fd = open(&f, rw | OFlag::O_TRUNC, 0)?;
    ensure!(
        fs::fstat(fd).or_fail("fstat")?.size == 0,
        "O_TRUNC left a size"
    );
    put(fd, b"new")?;
    shut(fd)?;
    expect_contents(&f, b"new")?;
    fs::write(&f, b"0123456789").or_fail("fs::write")?;
    expect_contents(&f, b"0123456789")?;

    // dup and fork share one offset; a second open has its own.
    let fd = open(&f, rd, 0)?;
    let d = io::dup(fd).or_fail("dup")?;
    ensure!(get(fd, 2)? == b"01", "first read");
    ensure!(
        get(d, 2)? == b"23",
        "the dup did not continue at the shared offset"
    );
    seek(fd, 0, Whence::SeekCur, 4)?;
    seek(d, 0, Whence::SeekCur, 4)?;
    let other = open(&f, rd, 0)?;
    ensure!(get(other, 1)? == b"0", "a second open did not start at 0");
    let child = spawn_check("files_basic", move || {
        ensure!(get(fd, 3)? == b"456", "the child read at its own offset");
        Ok(())
    })?;
    expect_exit(child, 0, "the child reading the shared descriptor")?;
    seek(d, 0, Whence::SeekCur, 7)?;
    seek(other, 0, Whence::SeekCur, 1)?;
    for x in [fd, d, other] {
        shut(x)?;
    }

    fs::unlink(&f).or_fail("unlink")?;
    expect_err(fs::unlink(&f), Errno::ENOENT, "a second unlink")?;
    expect_err(fs::open(&f, rd, 0), Errno::ENOENT, "open after unlink")?;
    ensure!(names(&dir)?.is_empty(), "the directory is not empty");
    remove_tree(&dir)?;
    println!(
        "files_basic: create, write, read, lseek, hole, O_APPEND, O_TRUNC, O_EXCL, shared and own offsets"
    );
    Ok(())
}

/// Scenario 36 (xv6 unlinkread): an unlinked file stays readable and writable through an open
/// descriptor until it is closed; its name is gone at once.
pub fn unlink_open() -> Verdict {
    let dir = scratch("unlink_open")?;
    let f = format!("{dir}/unlinkread");
    fs::write(&f, b"hello").or_fail("create")?;
    let fd = open(&f, OFlag::O_RDWR, 0)?;
    let ino = fs::fstat(fd).or_fail("fstat")?.ino;
    fs::unlink(&f).or_fail("unlink of an open file")?;
    expect_err(
        fs::open(&f, OFlag::O_RDONLY, 0),
        Errno::ENOENT,
        "open after unlink",
    )?;
    expect_err(fs::stat(&f), Errno::ENOENT, "stat after unlink")?;
    ensure!(names(&dir)?.is_empty(), "the name is still listed");
    let st = fs::fstat(fd).or_fail("fstat of the unlinked file")?;
    ensure!(
        st.nlink == 0 && st.size == 5 && st.ino == ino,
        "fstat after unlink: {st:?}"
    );

    // A new file under the same name is another file.
    fs::write(&f, b"yyy").or_fail("re-create")?;
    ensure!(
        fs::stat(&f).or_fail("stat")?.ino != ino,
        "the new file got the old inode"
    );

    // The old one is still there behind the descriptor, readable and writable.
    let got = get(fd, 100)?;
    ensure!(
        got == b"hello",
        "read through the descriptor: {:?}",
        Shown(&got)
    );
    put(fd, b", world")?;
    seek(fd, 0, Whence::SeekSet, 0)?;
    let got = get(fd, 100)?;
    ensure!(got == b"hello, world", "after writing: {:?}", Shown(&got));
    // A forked child reads it too.
    let child = spawn_check("unlink_open", move || {
        seek(fd, 7, Whence::SeekSet, 7)?;
        ensure!(get(fd, 5)? == b"world", "the child's read");
        Ok(())
    })?;
    expect_exit(child, 0, "the child reading the unlinked file")?;
    expect_contents(&f, b"yyy")?;
    shut(fd)?;

    fs::unlink(&f).or_fail("unlink")?;
    remove_tree(&dir)?;
    println!("unlink_open: the unlinked file stayed readable and writable until closed");
    Ok(())
}

/// The byte at `i` of the file that writer `w` writes.
fn writer_byte(w: usize, i: usize) -> u8 {
    (w * 64 + i % 61) as u8
}

/// Bytes each writer of [`many_files`] writes.
const FILE_SIZE: usize = 12 * 1024;
/// The size of each of its writes (not a divisor of the page size).
const CHUNK: usize = 500;

/// Scenario 38 (xv6 fourfiles): four processes write four files at once in 500-byte pieces;
/// every byte of every file is right.
pub fn many_files() -> Verdict {
    let dir = scratch("many_files")?;
    let mut children = Vec::new();
    for w in 0..4 {
        let path = format!("{dir}/f{w}");
        children.push(spawn_check("many_files", move || {
            let fd = open(
                &path,
                OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL,
                0o644,
            )?;
            let data: Vec<u8> = (0..FILE_SIZE).map(|i| writer_byte(w, i)).collect();
            for piece in data.chunks(CHUNK) {
                put(fd, piece)?;
                yield_now();
            }
            shut(fd)
        })?);
    }
    for (w, child) in children.into_iter().enumerate() {
        expect_exit(child, 0, &format!("writer {w}"))?;
    }
    for w in 0..4 {
        let path = format!("{dir}/f{w}");
        let got = slurp(&path)?;
        ensure!(got.len() == FILE_SIZE, "{path} holds {} bytes", got.len());
        if let Some(i) = (0..FILE_SIZE).find(|&i| got[i] != writer_byte(w, i)) {
            bail!(
                "{path}: byte {i} is {:#x}, expected {:#x}",
                got[i],
                writer_byte(w, i)
            );
        }
    }
    let mut listed = names(&dir)?;
    listed.sort();
    ensure!(listed == ["f0", "f1", "f2", "f3"], "listing: {listed:?}");
    remove_tree(&dir)?;
    println!("many_files: 4 writers, 4 files of {FILE_SIZE} bytes, every byte right");
    Ok(())
}

/// Names [`concreate`] plays with.
const NAMES: usize = 40;

/// Scenario 38 (xv6 concreate): two processes create (`O_CREAT | O_EXCL`) and then unlink the
/// same 40 names at once; each name is created exactly once, listed exactly once, and the
/// directory ends empty.
pub fn concreate() -> Verdict {
    let dir = scratch("concreate")?;
    let name = |i: usize| format!("{dir}/C{i}");
    // Phase 1: both create every name; exactly one of the two succeeds for each.
    let create_all = |who: u8| -> Result<u32, String> {
        let mut made = 0;
        for i in 0..NAMES {
            match fs::open(
                &name(i),
                OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL,
                0o644,
            ) {
                Ok(fd) => {
                    put(fd, &[who])?;
                    shut(fd)?;
                    made += 1;
                }
                Err(Errno::EEXIST) => {}
                Err(e) => bail!("create {}: {}", name(i), e.name()),
            }
            if i % 4 == 0 {
                yield_now();
            }
        }
        Ok(made)
    };
    let child = spawn(|| match create_all(b'c') {
        Ok(made) => made as i32,
        Err(why) => {
            println!("concreate: child: {why}");
            100
        }
    })?;
    let mine = create_all(b'p')?;
    let theirs = match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Exited(_, n)) if n <= NAMES as i32 => n as u32,
        other => bail!("the creating child: {other:?}"),
    };
    ensure!(
        mine + theirs == NAMES as u32,
        "{mine} + {theirs} creations for {NAMES} names"
    );
    let mut listed = names(&dir)?;
    listed.sort();
    let mut want: Vec<String> = (0..NAMES).map(|i| format!("C{i}")).collect();
    want.sort();
    ensure!(listed == want, "listing after creating: {listed:?}");
    for i in 0..NAMES {
        let got = slurp(&name(i))?;
        ensure!(
            got == b"p" || got == b"c",
            "{} holds {:?}",
            name(i),
            Shown(&got)
        );
    }

    // Phase 2 (as xv6): for each name one process opens while the other unlinks, or both
    // unlink; every name is unlinked by someone.
    let churn = |parent: bool| -> Verdict {
        for i in 0..NAMES {
            let open_it = (i % 3 == 0 && !parent) || (i % 3 == 1 && parent);
            for _ in 0..4 {
                if open_it {
                    match fs::open(&name(i), OFlag::O_RDONLY, 0) {
                        Ok(fd) => shut(fd)?,
                        Err(Errno::ENOENT) => {}
                        Err(e) => bail!("open {}: {}", name(i), e.name()),
                    }
                } else {
                    match fs::unlink(&name(i)) {
                        Ok(()) | Err(Errno::ENOENT) => {}
                        Err(e) => bail!("unlink {}: {}", name(i), e.name()),
                    }
                }
            }
            yield_now();
        }
        Ok(())
    };
    let child = spawn_check("concreate", move || churn(false))?;
    churn(true)?;
    expect_exit(child, 0, "the unlinking child")?;
    let left = names(&dir)?;
    ensure!(left.is_empty(), "left after unlinking: {left:?}");
    fs::rmdir(&dir).or_fail("rmdir")?;
    println!("concreate: created {mine} names here and {theirs} in the child");
    println!("concreate: {NAMES} names created once each, then all unlinked");
    Ok(())
}

//! Directories: scenario 37 (dirs) and rename.

use super::*;

/// Scenario 37 (xv6 subdir, rmdot, dirfile): mkdir, rmdir (ENOTEMPTY, EINVAL for `.`), chdir
/// and getcwd with relative paths and `..`, ENOTDIR and EISDIR, and listings in creation
/// order.
pub fn dirs() -> Verdict {
    let base = scratch("dirs")?;
    let dd = format!("{base}/dd");
    fs::mkdir(&dd, 0o755).or_fail("mkdir dd")?;
    expect_err(
        fs::mkdir(&dd, 0o755),
        Errno::EEXIST,
        "mkdir of an existing directory",
    )?;
    fs::write(&format!("{dd}/ff"), b"ff").or_fail("create dd/ff")?;
    expect_err(
        fs::mkdir(&format!("{dd}/ff"), 0o755),
        Errno::EEXIST,
        "mkdir over a file",
    )?;
    expect_err(fs::mkdir("/", 0o755), Errno::EEXIST, "mkdir /")?;
    expect_err(
        fs::mkdir(&format!("{dd}/."), 0o755),
        Errno::EEXIST,
        "mkdir dd/.",
    )?;
    expect_err(
        fs::rmdir(&dd),
        Errno::ENOTEMPTY,
        "rmdir of a non-empty directory",
    )?;
    fs::mkdir(&format!("{dd}/dd"), 0o755).or_fail("mkdir dd/dd")?;
    fs::write(&format!("{dd}/dd/ff"), b"FF").or_fail("create dd/dd/ff")?;

    let st = fs::stat(&dd).or_fail("stat dd")?;
    ensure!(
        st.is_dir() && !st.is_file() && st.kind() == Some(FileType::Dir),
        "stat dd: mode {:o}",
        st.mode
    );
    ensure!(
        st.nlink == 3,
        "dd has one subdirectory but nlink {}",
        st.nlink
    );
    ensure!(
        kind_of(&format!("{dd}/ff"))? == Some(FileType::File),
        "dd/ff is no file"
    );
    expect_contents(&format!("{dd}/dd/../ff"), b"ff")?;
    expect_contents(&format!("{dd}/./dd/./ff"), b"FF")?;
    expect_contents(&format!("{dd}//dd///ff"), b"FF")?;

    // chdir, getcwd and relative paths.
    fs::chdir(&dd).or_fail("chdir dd")?;
    let cwd = fs::getcwd().or_fail("getcwd")?;
    ensure!(cwd == dd, "getcwd after chdir {dd}: {cwd:?}");
    expect_contents("ff", b"ff")?;
    expect_contents("dd/ff", b"FF")?;
    fs::chdir("dd").or_fail("chdir dd (relative)")?;
    let cwd = fs::getcwd().or_fail("getcwd")?;
    ensure!(
        cwd == format!("{dd}/dd"),
        "getcwd after a relative chdir: {cwd:?}"
    );
    expect_contents("../ff", b"ff")?;
    expect_contents("./ff", b"FF")?;
    fs::chdir("..").or_fail("chdir ..")?;
    let cwd = fs::getcwd().or_fail("getcwd")?;
    ensure!(cwd == dd, "getcwd after chdir ..: {cwd:?}");
    expect_err(fs::rmdir("."), Errno::EINVAL, "rmdir .")?;
    expect_err(fs::rmdir("dd/."), Errno::EINVAL, "rmdir dd/.")?;
    expect_err(fs::rmdir(".."), Errno::ENOTEMPTY, "rmdir ..")?;
    // A child's chdir is its own.
    let child = spawn_check("dirs", || {
        fs::chdir("/").or_fail("chdir / in the child")?;
        ensure!(fs::getcwd().or_fail("getcwd")? == "/", "the child's getcwd");
        Ok(())
    })?;
    expect_exit(child, 0, "the child changing directory")?;
    ensure!(
        fs::getcwd().or_fail("getcwd")? == dd,
        "a child's chdir moved the parent"
    );
    fs::chdir("/").or_fail("chdir /")?;
    ensure!(
        fs::getcwd().or_fail("getcwd")? == "/",
        "getcwd after chdir /"
    );

    // ENOTDIR: a file used as a directory.
    let file = format!("{dd}/ff");
    let through = format!("{file}/x");
    expect_err(
        fs::open(&through, OFlag::O_WRONLY | OFlag::O_CREAT, 0o644),
        Errno::ENOTDIR,
        "create under a file",
    )?;
    expect_err(
        fs::open(&through, OFlag::O_RDONLY, 0),
        Errno::ENOTDIR,
        "open under a file",
    )?;
    expect_err(
        fs::mkdir(&through, 0o755),
        Errno::ENOTDIR,
        "mkdir under a file",
    )?;
    expect_err(fs::stat(&through), Errno::ENOTDIR, "stat under a file")?;
    expect_err(fs::unlink(&through), Errno::ENOTDIR, "unlink under a file")?;
    expect_err(fs::chdir(&file), Errno::ENOTDIR, "chdir to a file")?;
    expect_err(fs::rmdir(&file), Errno::ENOTDIR, "rmdir of a file")?;
    expect_err(fs::read_dir(&file), Errno::ENOTDIR, "read_dir of a file")?;
    expect_err(
        fs::open(&file, OFlag::O_RDONLY | OFlag::O_DIRECTORY, 0),
        Errno::ENOTDIR,
        "O_DIRECTORY on a file",
    )?;
    let fd = open(&dd, OFlag::O_RDONLY | OFlag::O_DIRECTORY, 0)?;
    shut(fd)?;

    // EISDIR: a directory written to or unlinked.
    for flags in [
        OFlag::O_WRONLY,
        OFlag::O_RDWR,
        OFlag::O_WRONLY | OFlag::O_CREAT,
    ] {
        expect_err(
            fs::open(&dd, flags, 0o644),
            Errno::EISDIR,
            format_args!("open dd {flags:?}"),
        )?;
    }
    expect_err(fs::unlink(&dd), Errno::EISDIR, "unlink of a directory")?;
    expect_err(
        fs::write(&dd, b"x"),
        Errno::EISDIR,
        "fs::write to a directory",
    )?;
    let fd = open(&dd, OFlag::O_RDONLY, 0)?;
    expect_err(
        io::read(fd, &mut [0; 8]),
        Errno::EISDIR,
        "read from a directory",
    )?;
    shut(fd)?;

    // Listings: exactly the names, in the order they were created.
    let listed = fs::read_dir(&dd).or_fail("read_dir dd")?;
    let got: Vec<(&str, FileType)> = listed.iter().map(|e| (e.name.as_str(), e.kind)).collect();
    ensure!(
        got == [("ff", FileType::File), ("dd", FileType::Dir)],
        "read_dir dd: {listed:?}"
    );
    for e in &listed {
        let ino = fs::stat(&format!("{dd}/{}", e.name)).or_fail("stat")?.ino;
        ensure!(
            e.ino == ino,
            "{}: listed inode {} but stat says {ino}",
            e.name,
            e.ino
        );
    }
    let order = format!("{base}/order");
    fs::mkdir(&order, 0o755).or_fail("mkdir order")?;
    ensure!(
        names(&order)?.is_empty(),
        "a new directory lists {:?}",
        names(&order)?
    );
    for n in ["c", "a", "b", "zz", "m"] {
        fs::write(&format!("{order}/{n}"), n.as_bytes()).or_fail("create")?;
    }
    ensure!(
        names(&order)? == ["c", "a", "b", "zz", "m"],
        "listing: {:?}",
        names(&order)?
    );
    fs::unlink(&format!("{order}/a")).or_fail("unlink a")?;
    fs::mkdir(&format!("{order}/d"), 0o755).or_fail("mkdir d")?;
    ensure!(
        names(&order)? == ["c", "b", "zz", "m", "d"],
        "listing: {:?}",
        names(&order)?
    );
    // A directory too big for one getdents64 buffer.
    let many = format!("{base}/many");
    fs::mkdir(&many, 0o755).or_fail("mkdir many")?;
    let want: Vec<String> = (0..300)
        .map(|i| format!("entry-with-a-long-name-{i:03}"))
        .collect();
    for n in &want {
        let fd = open(
            &format!("{many}/{n}"),
            OFlag::O_WRONLY | OFlag::O_CREAT,
            0o644,
        )?;
        shut(fd)?;
    }
    let got = names(&many)?;
    ensure!(got == want, "300 names listed as {} names", got.len());

    remove_tree(&base)?;
    expect_err(
        fs::stat(&base),
        Errno::ENOENT,
        "stat after removing the tree",
    )?;
    println!(
        "dirs: mkdir, rmdir, chdir, getcwd, ENOTDIR, EISDIR, EINVAL, listings in creation order"
    );
    Ok(())
}

/// rename (part of scenario 37): files and directories, replacing a file, and its errors.
pub fn rename() -> Verdict {
    let base = scratch("rename")?;
    let p = |n: &str| format!("{base}/{n}");
    fs::write(&p("x"), b"X").or_fail("create x")?;
    fs::write(&p("y"), b"Y").or_fail("create y")?;
    let ino_x = fs::stat(&p("x")).or_fail("stat x")?.ino;

    // A file to a new name, then onto an existing file (which it replaces).
    fs::rename(&p("x"), &p("x2")).or_fail("rename x x2")?;
    expect_err(
        fs::stat(&p("x")),
        Errno::ENOENT,
        "the old name after rename",
    )?;
    ensure!(
        fs::stat(&p("x2")).or_fail("stat x2")?.ino == ino_x,
        "rename changed the inode"
    );
    fs::rename(&p("x2"), &p("y")).or_fail("rename x2 y")?;
    expect_contents(&p("y"), b"X")?;
    ensure!(
        fs::stat(&p("y")).or_fail("stat y")?.ino == ino_x,
        "y is not x's inode"
    );
    let mut listed = names(&base)?;
    listed.sort();
    ensure!(listed == ["y"], "after replacing: {listed:?}");
    // Onto itself: nothing happens.
    fs::rename(&p("y"), &p("y")).or_fail("rename y y")?;
    expect_contents(&p("y"), b"X")?;

    // Directories, with what is inside them.
    fs::mkdir(&p("d"), 0o755).or_fail("mkdir d")?;
    fs::write(&p("d/inner"), b"in").or_fail("create d/inner")?;
    fs::mkdir(&p("e"), 0o755).or_fail("mkdir e")?;
    fs::rename(&p("d"), &p("e/moved")).or_fail("rename d e/moved")?;
    expect_contents(&p("e/moved/inner"), b"in")?;
    expect_err(fs::stat(&p("d")), Errno::ENOENT, "the directory's old name")?;
    ensure!(
        fs::stat(&p("e")).or_fail("stat e")?.nlink == 3,
        "e's link count"
    );
    // A directory with a working directory inside keeps working under its new name.
    fs::chdir(&p("e/moved")).or_fail("chdir e/moved")?;
    fs::rename(&p("e/moved"), &p("d2")).or_fail("rename e/moved d2")?;
    let cwd = fs::getcwd().or_fail("getcwd")?;
    ensure!(cwd == p("d2"), "getcwd after the directory moved: {cwd:?}");
    expect_contents("inner", b"in")?;
    fs::chdir("/").or_fail("chdir /")?;
    ensure!(
        fs::stat(&p("e")).or_fail("stat e")?.nlink == 2,
        "e's link count after the move"
    );
    // Onto an empty directory: replaced.
    fs::rename(&p("e"), &p("d2/e")).or_fail("rename e into d2")?;
    fs::mkdir(&p("empty"), 0o755).or_fail("mkdir empty")?;
    fs::rename(&p("d2/e"), &p("empty")).or_fail("rename d2/e onto an empty directory")?;

    // Errors.
    expect_err(
        fs::rename(&p("nothing"), &p("z")),
        Errno::ENOENT,
        "rename of a missing name",
    )?;
    expect_err(
        fs::rename(&p("y"), &p("no/z")),
        Errno::ENOENT,
        "rename into a missing directory",
    )?;
    expect_err(
        fs::rename(&p("d2"), &p("y")),
        Errno::ENOTDIR,
        "a directory onto a file",
    )?;
    expect_err(
        fs::rename(&p("y"), &p("d2")),
        Errno::EISDIR,
        "a file onto a directory",
    )?;
    expect_err(
        fs::rename(&p("empty"), &p("d2")),
        Errno::ENOTEMPTY,
        "onto a non-empty directory",
    )?;
    expect_err(
        fs::rename(&p("d2"), &p("d2/sub")),
        Errno::EINVAL,
        "a directory into itself",
    )?;
    expect_err(
        fs::rename(&p("y"), &p("y/z")),
        Errno::ENOTDIR,
        "under a file",
    )?;
    expect_contents(&p("y"), b"X")?;
    expect_contents(&p("d2/inner"), b"in")?;

    remove_tree(&base)?;
    println!("rename: files and directories moved, a file and an empty directory replaced");
    Ok(())
}

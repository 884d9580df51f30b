//! Bad input to the file calls: descriptors, paths, pointers, a file that fills memory, and
//! many opens.

use super::*;
use uapps::raw_calls;
use ulib::raw::nr;

/// Numbers that are never open descriptors here (256 is the first past the table).
const BAD_FDS: [i32; 6] = [-1, i32::MIN, 200, 256, 1000, i32::MAX];
/// The start of the kernel's half of the address space.
const KERNEL: usize = 0xC000_0000;
/// An address in the middle of user space that nothing maps.
const UNMAPPED: usize = 0x8000_0000;

/// The lowest free descriptor now (opened on `/dev/null` and closed again).
fn lowest_free() -> Result<i32, String> {
    let fd = open("/dev/null", OFlag::O_RDONLY, 0)?;
    shut(fd)?;
    Ok(fd)
}

/// Descriptors out of range, closed, or open in the other direction: EBADF; lseek on a pipe:
/// ESPIPE; getdents64 on a file: ENOTDIR.
pub fn bad_fds() -> Verdict {
    let dir = scratch("bad_fds")?;
    let f = format!("{dir}/f");
    fs::write(&f, b"data").or_fail("create")?;
    let free = lowest_free()?;
    let mut b = [0u8; 8];
    let mut big = [0u8; 512];
    for fd in BAD_FDS {
        expect_err(
            io::read(fd, &mut b),
            Errno::EBADF,
            format_args!("read({fd})"),
        )?;
        expect_err(
            io::write(fd, b"x"),
            Errno::EBADF,
            format_args!("write({fd})"),
        )?;
        expect_err(
            io::lseek(fd, 0, Whence::SeekSet),
            Errno::EBADF,
            format_args!("lseek({fd})"),
        )?;
        expect_err(fs::fstat(fd), Errno::EBADF, format_args!("fstat({fd})"))?;
        expect_err(io::close(fd), Errno::EBADF, format_args!("close({fd})"))?;
        expect_err(
            sys::getdents64(fd, &mut big),
            Errno::EBADF,
            format_args!("getdents64({fd})"),
        )?;
    }
    // Closed.
    let fd = open(&f, OFlag::O_RDWR, 0)?;
    shut(fd)?;
    expect_err(
        io::read(fd, &mut b),
        Errno::EBADF,
        "read of a closed descriptor",
    )?;
    expect_err(
        io::write(fd, b"x"),
        Errno::EBADF,
        "write of a closed descriptor",
    )?;
    expect_err(
        io::lseek(fd, 0, Whence::SeekEnd),
        Errno::EBADF,
        "lseek of a closed descriptor",
    )?;
    expect_err(fs::fstat(fd), Errno::EBADF, "fstat of a closed descriptor")?;
    expect_err(io::close(fd), Errno::EBADF, "a second close")?;
    // The wrong direction.
    let ro = open(&f, OFlag::O_RDONLY, 0)?;
    expect_err(io::write(ro, b"x"), Errno::EBADF, "write to O_RDONLY")?;
    let wo = open(&f, OFlag::O_WRONLY, 0)?;
    expect_err(io::read(wo, &mut b), Errno::EBADF, "read from O_WRONLY")?;
    let d = open(&dir, OFlag::O_RDONLY, 0)?;
    expect_err(io::write(d, b"x"), Errno::EBADF, "write to a directory")?;
    let mut big = [0u8; 512];
    expect_err(
        sys::getdents64(ro, &mut big),
        Errno::ENOTDIR,
        "getdents64 of a file",
    )?;
    // Too small a buffer for the first entry: EINVAL, as Linux.
    expect_err(
        sys::getdents64(d, &mut b),
        Errno::EINVAL,
        "getdents64 into 8 bytes",
    )?;
    let n = sys::getdents64(d, &mut big).or_fail("getdents64")?;
    ensure!(n > 0, "getdents64 of a directory with one file returned 0");
    for fd in [ro, wo, d] {
        shut(fd)?;
    }
    expect_contents(&f, b"data")?;
    // A pipe cannot seek.
    let (r, w) = io::pipe().or_fail("pipe")?;
    expect_err(
        io::lseek(r, 0, Whence::SeekCur),
        Errno::ESPIPE,
        "lseek on a pipe",
    )?;
    expect_err(
        io::lseek(w, 0, Whence::SeekSet),
        Errno::ESPIPE,
        "lseek on a pipe's write end",
    )?;
    let st = fs::fstat(r).or_fail("fstat of a pipe")?;
    ensure!(
        st.kind() == Some(FileType::Fifo),
        "a pipe's mode: {:o}",
        st.mode
    );
    shut(r)?;
    shut(w)?;
    ensure!(lowest_free()? == free, "a descriptor leaked");
    remove_tree(&dir)?;
    println!("bad_fds: EBADF, ESPIPE, ENOTDIR and EINVAL as Linux, nothing leaked");
    Ok(())
}

/// Paths: too long (ENAMETOOLONG), empty (ENOENT), through a file (ENOTDIR), `..` above the
/// root (stays at the root), a NUL inside (EINVAL from ulib).
pub fn bad_paths() -> Verdict {
    let dir = scratch("bad_paths")?;
    let file = format!("{dir}/f");
    fs::write(&file, b"f").or_fail("create")?;
    let free = lowest_free()?;

    // 5000 bytes: ENAMETOOLONG from every call.
    let mut long = String::from("/");
    long.extend(core::iter::repeat_n('a', 4999));
    let too_long = |what: &str, got: Result<(), Errno>| expect_err(got, Errno::ENAMETOOLONG, what);
    too_long("open", fs::open(&long, OFlag::O_RDONLY, 0).map(drop))?;
    too_long(
        "open O_CREAT",
        fs::open(&long, OFlag::O_WRONLY | OFlag::O_CREAT, 0o644).map(drop),
    )?;
    too_long("stat", fs::stat(&long).map(drop))?;
    too_long("mkdir", fs::mkdir(&long, 0o755))?;
    too_long("rmdir", fs::rmdir(&long))?;
    too_long("unlink", fs::unlink(&long))?;
    too_long("chdir", fs::chdir(&long))?;
    too_long("rename from", fs::rename(&long, &file))?;
    too_long("rename to", fs::rename(&file, &long))?;
    too_long("execve", execve(&long, &["x"]).map(drop))?;
    // A name of 256 bytes is too long, 255 is fine.
    let name = |n: usize| format!("{dir}/{}", "n".repeat(n));
    too_long("a 256-byte name", fs::write(&name(256), b"x"))?;
    fs::write(&name(255), b"x").or_fail("create with a 255-byte name")?;
    fs::unlink(&name(255)).or_fail("unlink of the 255-byte name")?;
    // Long but below PATH_MAX: fine.
    let mut winding = String::from("/");
    for _ in 0..1900 {
        winding.push_str("./");
    }
    winding.push_str("bin/hello");
    ensure!(
        winding.len() < 4096,
        "the winding path is {} bytes",
        winding.len()
    );
    let st = fs::stat(&winding).or_fail(format_args!("stat of a {}-byte path", winding.len()))?;
    ensure!(
        st == fs::stat("/bin/hello").or_fail("stat /bin/hello")?,
        "the winding path"
    );

    // Empty: ENOENT.
    let empty = |what: &str, got: Result<(), Errno>| expect_err(got, Errno::ENOENT, what);
    empty("open \"\"", fs::open("", OFlag::O_RDONLY, 0).map(drop))?;
    empty(
        "open \"\" O_CREAT",
        fs::open("", OFlag::O_WRONLY | OFlag::O_CREAT, 0o644).map(drop),
    )?;
    empty("stat \"\"", fs::stat("").map(drop))?;
    empty("mkdir \"\"", fs::mkdir("", 0o755))?;
    empty("rmdir \"\"", fs::rmdir(""))?;
    empty("unlink \"\"", fs::unlink(""))?;
    empty("chdir \"\"", fs::chdir(""))?;
    empty("rename \"\"", fs::rename("", &file))?;
    empty("execve \"\"", execve("", &["x"]).map(drop))?;
    empty(
        "a missing directory on the way",
        fs::stat("/no/such/dir").map(drop),
    )?;

    // Through a file: ENOTDIR.
    for p in [
        format!("{file}/x"),
        format!("{file}/"),
        format!("{file}/."),
        format!("{file}/.."),
    ] {
        expect_err(fs::stat(&p), Errno::ENOTDIR, format_args!("stat {p}"))?;
        expect_err(
            fs::open(&p, OFlag::O_RDONLY, 0),
            Errno::ENOTDIR,
            format_args!("open {p}"),
        )?;
    }

    // `..` of the root is the root.
    let hello = fs::stat("/bin/hello").or_fail("stat /bin/hello")?.ino;
    for p in [
        "/../../bin/hello",
        "/bin/../../../bin/hello",
        "/../bin/./../bin/hello",
    ] {
        ensure!(
            fs::stat(p).or_fail(format_args!("stat {p}"))?.ino == hello,
            "{p}"
        );
    }
    expect_contents("/../../bin/../bin/hello", &slurp("/bin/hello")?)?;
    fs::chdir("/../../..").or_fail("chdir /../../..")?;
    ensure!(
        fs::getcwd().or_fail("getcwd")? == "/",
        "getcwd after chdir above the root"
    );
    fs::chdir("/bin").or_fail("chdir /bin")?;
    fs::chdir("../../..").or_fail("chdir ../../..")?;
    ensure!(
        fs::getcwd().or_fail("getcwd")? == "/",
        "getcwd after a relative chdir above the root"
    );
    ensure!(names("/..")? == names("/")?, "/.. lists differently from /");

    // A NUL inside never reaches the kernel.
    expect_err(fs::stat("/bin\0/hello"), Errno::EINVAL, "a path with a NUL")?;

    ensure!(lowest_free()? == free, "a descriptor leaked");
    remove_tree(&dir)?;
    println!("bad_paths: ENAMETOOLONG, ENOENT, ENOTDIR, and the root's .. is the root");
    Ok(())
}

/// A path the kernel may read: `/tmp/bad_pointers/x`.
static GOOD_PATH: &[u8] = b"/tmp/bad_pointers/x\0";
/// The root directory as a C string.
static ROOT: &[u8] = b"/\0";

/// Paths and result buffers at NULL, the kernel, unmapped memory and read-only data: EFAULT
/// for every call, nothing created, nothing leaked.
pub fn bad_pointers() -> Verdict {
    let dir = scratch("bad_pointers")?;
    let free = lowest_free()?;
    let good = GOOD_PATH.as_ptr() as usize;
    let root = ROOT.as_ptr() as usize;
    let read_only = raw_calls::READ_ONLY.as_ptr() as usize;
    let fault = |what: &str, addr: usize, got: Result<usize, Errno>| {
        expect_err(got, Errno::EFAULT, format_args!("{what} at {addr:#x}"))
    };
    for addr in [0usize, 1, KERNEL, UNMAPPED, 0xFFFF_F000] {
        fault("open", addr, sys::open_at(addr, OFlag::O_RDONLY.bits(), 0))?;
        let creat = (OFlag::O_WRONLY | OFlag::O_CREAT).bits();
        fault("open O_CREAT", addr, sys::open_at(addr, creat, 0o644))?;
        fault("stat", addr, sys::stat_at(addr, KERNEL))?;
        fault("mkdir", addr, sys::path_call(nr::MKDIR, addr))?;
        fault("rmdir", addr, sys::path_call(nr::RMDIR, addr))?;
        fault("unlink", addr, sys::path_call(nr::UNLINK, addr))?;
        fault("chdir", addr, sys::path_call(nr::CHDIR, addr))?;
        fault("rename from", addr, sys::rename_at(addr, good))?;
        fault("rename to", addr, sys::rename_at(root, addr))?;
        let got = raw_calls::execve(addr, 0, 0);
        ensure!(
            got == Errno::EFAULT,
            "execve of a path at {addr:#x}: {got:?}"
        );
    }
    // Result buffers the kernel must not write.
    let d = open(&dir, OFlag::O_RDONLY | OFlag::O_DIRECTORY, 0)?;
    for addr in [0usize, 1, KERNEL, UNMAPPED, read_only, 0xFFFF_FFF0] {
        fault("stat into", addr, sys::stat_at(root, addr))?;
        fault("fstat into", addr, sys::fstat_at(io::STDOUT, addr))?;
        fault("getcwd into", addr, sys::getcwd_at(addr, 256))?;
        fault("lseek result into", addr, sys::lseek_result_at(d, addr))?;
        fault("getdents64 into", addr, sys::getdents64_at(d, addr, 4096))?;
    }
    shut(d)?;
    ensure!(
        raw_calls::READ_ONLY == raw_calls::READ_ONLY_VALUE,
        "the kernel wrote into read-only data"
    );
    // Nothing was made, the process still works.
    ensure!(
        names(&dir)?.is_empty(),
        "the refused calls created {:?}",
        names(&dir)?
    );
    ensure!(
        fs::getcwd().or_fail("getcwd")? == "/",
        "the working directory moved"
    );
    ensure!(lowest_free()? == free, "a descriptor leaked");
    remove_tree(&dir)?;
    println!("bad_pointers: EFAULT for every path and buffer, nothing created or leaked");
    Ok(())
}

/// Bytes of each write while filling memory.
const FILL_CHUNK: usize = 64 * 1024;

/// A file grown until memory runs out: ENOSPC (or ENOMEM), never a panic; once it is unlinked
/// the space is back (a new 1 MiB file fits).
pub fn enospc() -> Verdict {
    let dir = scratch("enospc")?;
    let big = format!("{dir}/big");
    let fd = open(
        &big,
        OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL,
        0o644,
    )?;
    let chunk = alloc::vec![0x5Au8; FILL_CHUNK];
    let mut total: u64 = 0;
    let stopped = loop {
        match io::write(fd, &chunk) {
            Ok(0) => bail!("write returned 0 after {total} bytes"),
            Ok(n) => total += n as u64,
            Err(e) => break e,
        }
        // 4 GiB would mean the kernel never runs out: stop rather than loop for ever.
        ensure!(
            total < 1 << 32,
            "4 GiB written without running out of memory"
        );
    };
    ensure!(
        matches!(stopped, Errno::ENOSPC | Errno::ENOMEM),
        "the write that did not fit failed with {}",
        stopped.name()
    );
    ensure!(total >= 1 << 20, "memory ran out after only {total} bytes");
    let size = fs::fstat(fd).or_fail("fstat of the full file")?.size;
    ensure!(
        size == total,
        "the full file's size is {size}, {total} bytes were written"
    );
    println!(
        "enospc: {} KiB written, then {}",
        total / 1024,
        stopped.name()
    );
    // A write that fits in pages the file already has still works: overwrite the start.
    seek(fd, 0, Whence::SeekSet, 0)?;
    put(fd, b"start")?;
    shut(fd)?;
    fs::unlink(&big).or_fail("unlink of the full file")?;

    // The space is back.
    let again = format!("{dir}/again");
    let mib: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 253) as u8).collect();
    fs::write(&again, &mib).or_fail("writing 1 MiB after the unlink")?;
    expect_contents(&again, &mib)?;
    remove_tree(&dir)?;
    println!("enospc: the file filled memory, then a 1 MiB file fit after the unlink");
    Ok(())
}

/// 10 000 open/close cycles on a file and on `/dev/null`, and 1000 create/unlink cycles, each
/// getting the same lowest descriptor: nothing leaks.
pub fn open_cycles() -> Verdict {
    let dir = scratch("open_cycles")?;
    let f = format!("{dir}/f");
    fs::write(&f, b"cycle").or_fail("create")?;
    let free = lowest_free()?;
    for (path, flags) in [(f.as_str(), OFlag::O_RDWR), ("/dev/null", OFlag::O_WRONLY)] {
        for i in 0..10_000 {
            let fd = open(path, flags, 0)?;
            ensure!(fd == free, "open {i} of {path} gave {fd}, expected {free}");
            if i % 1000 == 0 {
                put(fd, b"c")?;
            }
            shut(fd)?;
        }
    }
    let g = format!("{dir}/g");
    for i in 0..1000 {
        let fd = open(&g, OFlag::O_RDWR | OFlag::O_CREAT | OFlag::O_EXCL, 0o644)?;
        ensure!(fd == free, "create {i} gave {fd}, expected {free}");
        put(fd, b"0123456789")?;
        if i % 2 == 0 {
            fs::unlink(&g).or_fail("unlink while open")?;
            shut(fd)?;
        } else {
            shut(fd)?;
            fs::unlink(&g).or_fail("unlink")?;
        }
    }
    ensure!(lowest_free()? == free, "a descriptor leaked");
    ensure!(
        names(&dir)? == ["f"],
        "left in the directory: {:?}",
        names(&dir)?
    );
    remove_tree(&dir)?;
    println!("open_cycles: 20000 opens and 1000 creations, every one got descriptor {free}");
    Ok(())
}

/// Directories nested deeper than a path can name (1400 levels of `ab`, 4200 bytes): getcwd at
/// the bottom is ENAMETOOLONG (the kernel must not build an unbounded path), relative paths
/// still work there, and the tree comes down level by level.
pub fn deep_dirs() -> Verdict {
    const LEVELS: usize = 1400;
    let dir = scratch("deep_dirs")?;
    fs::chdir(&dir).or_fail("chdir to the scratch directory")?;
    for level in 0..LEVELS {
        fs::mkdir("ab", 0o755).or_fail(format!("mkdir at level {level}"))?;
        fs::chdir("ab").or_fail(format!("chdir at level {level}"))?;
    }
    ensure!(
        fs::getcwd() == Err(Errno::ENAMETOOLONG),
        "getcwd {LEVELS} levels down gave {:?}, expected ENAMETOOLONG",
        fs::getcwd().map(|p| p.len())
    );
    fs::write("leaf", b"deep").or_fail("a file at the bottom")?;
    ensure!(
        fs::read("leaf").or_fail("reading it back")? == b"deep",
        "the file at the bottom changed"
    );
    fs::unlink("leaf").or_fail("unlink at the bottom")?;
    for level in (0..LEVELS).rev() {
        fs::chdir("..").or_fail(format!("chdir .. at level {level}"))?;
        fs::rmdir("ab").or_fail(format!("rmdir at level {level}"))?;
    }
    ensure!(
        fs::getcwd().or_fail("getcwd back at the top")? == dir,
        "after climbing back the working directory is not {dir}"
    );
    fs::chdir("/").or_fail("chdir /")?;
    remove_tree(&dir)?;
    println!("deep_dirs: {LEVELS} levels: getcwd ENAMETOOLONG at the bottom, the tree removed");
    Ok(())
}

/// The kernel heap filled with names: files with 250-byte names until creation fails with
/// ENOMEM (or ENOSPC); then every other one removed (the free heap now in holes), short names
/// created until it fails again, everything removed, and a new file works. Any allocation the
/// kernel could not make must be an errno, never a panic.
pub fn heap_full() -> Verdict {
    let dir = scratch("heap_full")?;
    let long = "n".repeat(240);
    let mut made = 0usize;
    let stopped = loop {
        let path = format!("{dir}/{long}{made:08}");
        match fs::open(
            &path,
            OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL,
            0o644,
        ) {
            Ok(fd) => shut(fd)?,
            Err(e) => break e,
        }
        made += 1;
        ensure!(
            made < 200_000,
            "200000 files made without running out of heap"
        );
    };
    ensure!(
        matches!(stopped, Errno::ENOMEM | Errno::ENOSPC),
        "creating file {made} failed with {}",
        stopped.name()
    );
    ensure!(made >= 1000, "the heap ran out after only {made} files");
    for i in (0..made).step_by(2) {
        fs::unlink(&format!("{dir}/{long}{i:08}")).or_fail("unlink of every other file")?;
    }
    let mut short = 0usize;
    loop {
        match fs::open(
            &format!("{dir}/s{short}"),
            OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL,
            0o644,
        ) {
            Ok(fd) => shut(fd)?,
            Err(Errno::ENOMEM | Errno::ENOSPC) => break,
            Err(e) => bail!("creating short name {short} failed with {}", e.name()),
        }
        short += 1;
        ensure!(
            short < 200_000,
            "200000 short names made without running out"
        );
    }
    remove_tree(&dir)?;
    let again = scratch("heap_full")?;
    fs::write(&format!("{again}/after"), b"ok").or_fail("a file after the heap came back")?;
    remove_tree(&again)?;
    println!(
        "heap_full: {made} long names filled the heap ({}), {short} short ones fit in its holes, \
         all removed",
        stopped.name()
    );
    Ok(())
}

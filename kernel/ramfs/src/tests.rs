//! Unit tests: every operation and every error it can return.

use crate::*;
use abi::errno::Errno::{self, *};
use initrd::cpio::{Archive, Writer};

const R: Ino = ROOT_INO;

fn fs(limit: usize) -> RamFs<VecStore> {
    RamFs::new(VecStore::new(limit))
}

fn read_all(fs: &RamFs<VecStore>, ino: Ino) -> Vec<u8> {
    let size = fs.stat(ino).unwrap().size as usize;
    let mut buf = vec![0x5a; size + 10];
    let n = fs.read_at(ino, 0, &mut buf).unwrap();
    assert_eq!(n, size);
    buf.truncate(n);
    buf
}

fn write_file(fs: &mut RamFs<VecStore>, path: &str, data: &[u8]) -> Ino {
    let ino = fs.create(path, R, 0o644).unwrap();
    assert_eq!(fs.write_at(ino, 0, data).unwrap(), data.len());
    ino
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 4096) as u8).collect()
}

fn write_opts() -> OpenOptions {
    OpenOptions {
        write: true,
        ..OpenOptions::default()
    }
}

// ---- resolution ----

#[test]
fn a_new_file_system_is_an_empty_root() {
    let fs = fs(0);
    let st = fs.stat(R).unwrap();
    assert_eq!(st.mode, S_IFDIR | 0o755);
    assert_eq!(st.nlink, 2);
    assert_eq!(st.ino, R);
    assert!(st.is_dir() && !st.is_file());
    assert_eq!(st.kind(), Some(FileType::Dir));
    for path in ["/", "//", ".", "/.", "/..", "..", "/../..", "./"] {
        assert_eq!(fs.lookup(path, R), Ok(R), "{path}");
    }
    assert_eq!(fs.list(R).unwrap(), vec![]);
    assert_eq!(fs.inode_count(), 1);
    assert_eq!(fs.path_of(R).unwrap(), "/");
}

#[test]
fn resolution_handles_dots_and_repeated_slashes() {
    let mut fs = fs(4);
    let a = fs.mkdir("/a", R, 0o755).unwrap();
    let b = fs.mkdir("a/b", R, 0o755).unwrap();
    let f = write_file(&mut fs, "/a/b/f", b"x");
    assert_eq!(fs.lookup("//a///b/", R), Ok(b));
    assert_eq!(fs.lookup("a/./b/../b/./f", R), Ok(f));
    assert_eq!(fs.lookup("a/b/../..", R), Ok(R));
    assert_eq!(fs.lookup("/a/b/../../../../a", R), Ok(a));
    // Relative paths start at the working directory, absolute ones at the root.
    assert_eq!(fs.lookup("f", b), Ok(f));
    assert_eq!(fs.lookup("..", b), Ok(a));
    assert_eq!(fs.lookup("../../../../..", b), Ok(R));
    assert_eq!(fs.lookup(".", b), Ok(b));
    assert_eq!(fs.lookup("/a", b), Ok(a));
    assert_eq!(fs.path_of(b).unwrap(), "/a/b");
    assert_eq!(fs.path_of(f), Err(ENOTDIR));
}

#[test]
fn a_file_used_as_a_directory_is_enotdir() {
    let mut fs = fs(4);
    let f = write_file(&mut fs, "f", b"data");
    assert_eq!(fs.lookup("f", R), Ok(f));
    for path in ["f/", "f/.", "f/..", "f/x", "/f/x/y", "f//"] {
        assert_eq!(fs.lookup(path, R), Err(ENOTDIR), "{path}");
    }
    assert_eq!(
        fs.lookup("x", f),
        Err(ENOTDIR),
        "a file as the working directory"
    );
    assert_eq!(fs.create("f/new", R, 0o644), Err(ENOTDIR));
    assert_eq!(fs.mkdir("f/new", R, 0o755), Err(ENOTDIR));
}

#[test]
fn missing_names_are_enoent() {
    let mut fs = fs(0);
    fs.mkdir("d", R, 0o755).unwrap();
    for path in [
        "",
        "missing",
        "missing/",
        "missing/x",
        "d/missing",
        "/d/missing/x",
    ] {
        assert_eq!(fs.lookup(path, R), Err(ENOENT), "{path:?}");
    }
    assert_eq!(fs.create("missing/f", R, 0o644), Err(ENOENT));
    assert_eq!(
        fs.lookup("x", 999),
        Err(ENOENT),
        "an unknown working directory"
    );
    assert_eq!(fs.stat(999), Err(ENOENT));
}

#[test]
fn long_names_and_paths_are_enametoolong() {
    let mut fs = fs(1);
    let longest = "n".repeat(NAME_MAX);
    let too_long = "n".repeat(NAME_MAX + 1);
    let ino = fs.create(&longest, R, 0o644).unwrap();
    assert_eq!(fs.lookup(&longest, R), Ok(ino));
    assert_eq!(fs.lookup(&too_long, R), Err(ENAMETOOLONG));
    assert_eq!(fs.create(&too_long, R, 0o644), Err(ENAMETOOLONG));
    assert_eq!(fs.mkdir(&too_long, R, 0o755), Err(ENAMETOOLONG));
    assert_eq!(fs.rename(&longest, &too_long, R), Err(ENAMETOOLONG));
    // 4095 bytes is the longest path (PATH_MAX counts the NUL).
    let path = format!("{}{longest}", "/".repeat(PATH_MAX - 1 - longest.len()));
    assert_eq!(path.len(), PATH_MAX - 1);
    assert_eq!(fs.lookup(&path, R), Ok(ino));
    let path = format!("/{path}");
    assert_eq!(fs.lookup(&path, R), Err(ENAMETOOLONG));
    assert_eq!(fs.unlink(&path, R), Err(ENAMETOOLONG));
    assert_eq!(fs.lookup("a\0b", R), Err(EINVAL));
}

#[test]
fn deep_paths_resolve_up_to_the_length_limit() {
    let mut fs = fs(1);
    // "/d" repeated: 2047 levels make a 4094-byte path.
    let mut dirs = vec![R];
    for _ in 0..2047 {
        let at = *dirs.last().unwrap();
        dirs.push(fs.mkdir("d", at, 0o755).unwrap());
    }
    let deepest = *dirs.last().unwrap();
    let path = "/d".repeat(2047);
    assert_eq!(path.len(), 4094);
    assert_eq!(fs.lookup(&path, R), Ok(deepest));
    assert_eq!(fs.path_of(deepest).unwrap(), path);
    assert_eq!(fs.lookup(&format!("{path}/d"), R), Err(ENAMETOOLONG));
    // One more level exists, but only a relative path reaches it.
    let below = fs.mkdir("d", deepest, 0o755).unwrap();
    assert_eq!(fs.lookup("d", deepest), Ok(below));
    // `..` walks back up, and stops at the root.
    assert_eq!(fs.lookup(&"../".repeat(1000), deepest), Ok(dirs[1047]));
    assert_eq!(fs.lookup(&"../".repeat(1365), dirs[10]), Ok(R));
    assert_eq!(
        fs.create(&format!("{path}/file"), R, 0o644),
        Err(ENAMETOOLONG)
    );
    let f = fs.create("file", deepest, 0o644).unwrap();
    fs.write_at(f, 0, b"deep").unwrap();
    assert_eq!(
        fs.lookup(&format!("{}/file", "/d".repeat(2000)), R),
        Err(ENOENT)
    );
    assert_eq!(
        fs.lookup(
            &format!("{}/file", "d/".repeat(2000).trim_end_matches('/')),
            dirs[47]
        ),
        Ok(f)
    );
    assert_eq!(read_all(&fs, f), b"deep");
    // Each level's link count: 2 plus its one subdirectory.
    assert_eq!(fs.stat(dirs[1000]).unwrap().nlink, 3);
}

// ---- creating ----

#[test]
fn create_is_exclusive() {
    let mut fs = fs(0);
    let f = fs.create("/f", R, 0o640).unwrap();
    let st = fs.stat(f).unwrap();
    assert_eq!((st.mode, st.size, st.nlink), (S_IFREG | 0o640, 0, 1));
    assert_eq!(fs.create("f", R, 0o644), Err(EEXIST));
    fs.mkdir("d", R, 0o755).unwrap();
    for path in ["d", "/", ".", "..", "d/.", "d/.."] {
        assert_eq!(fs.create(path, R, 0o644), Err(EEXIST), "{path}");
    }
    assert_eq!(fs.create("new/", R, 0o644), Err(EISDIR));
    assert_eq!(fs.create("x/y", R, 0o644), Err(ENOENT));
    // Type bits in the permission argument are ignored.
    let g = fs.create("g", R, S_IFDIR | 0o7777).unwrap();
    assert_eq!(fs.stat(g).unwrap().mode, S_IFREG | 0o7777);
}

#[test]
fn open_applies_creation_and_truncation_rules() {
    let mut fs = fs(4);
    let create = OpenOptions {
        create: true,
        write: true,
        mode: 0o600,
        ..OpenOptions::default()
    };
    let f = fs.open("f", R, create).unwrap();
    assert_eq!(fs.stat(f).unwrap().mode, S_IFREG | 0o600);
    // O_CREAT without O_EXCL opens what is there.
    assert_eq!(fs.open("f", R, create), Ok(f));
    let excl = OpenOptions {
        exclusive: true,
        ..create
    };
    assert_eq!(fs.open("f", R, excl), Err(EEXIST));
    assert_eq!(fs.open("/", R, excl), Err(EEXIST));
    fs.write_at(f, 0, &pattern(5000)).unwrap();
    assert_eq!(fs.store().in_use(), 2);
    // O_TRUNC needs write access to act.
    let trunc_ro = OpenOptions {
        truncate: true,
        ..OpenOptions::default()
    };
    assert_eq!(fs.open("f", R, trunc_ro), Ok(f));
    assert_eq!(fs.stat(f).unwrap().size, 5000);
    let trunc = OpenOptions {
        truncate: true,
        ..write_opts()
    };
    assert_eq!(fs.open("f", R, trunc), Ok(f));
    assert_eq!(fs.stat(f).unwrap().size, 0);
    assert_eq!(fs.store().in_use(), 0);
    // Directories.
    let d = fs.mkdir("d", R, 0o755).unwrap();
    assert_eq!(fs.open("d", R, OpenOptions::default()), Ok(d));
    assert_eq!(fs.open("d/", R, OpenOptions::default()), Ok(d));
    assert_eq!(fs.open("d", R, write_opts()), Err(EISDIR));
    assert_eq!(fs.open("d", R, create), Err(EISDIR));
    // As Linux: O_TRUNC on a directory is EISDIR, even read-only.
    assert_eq!(fs.open("d", R, trunc_ro), Err(EISDIR));
    let dir_only = OpenOptions {
        directory: true,
        ..OpenOptions::default()
    };
    assert_eq!(fs.open("d", R, dir_only), Ok(d));
    assert_eq!(fs.open("f", R, dir_only), Err(ENOTDIR));
    assert_eq!(fs.open("f/", R, OpenOptions::default()), Err(ENOTDIR));
    assert_eq!(fs.open("missing", R, write_opts()), Err(ENOENT));
    assert_eq!(fs.open("missing/", R, create), Err(EISDIR));
    assert_eq!(fs.open("f/", R, create), Err(EISDIR));
    // Every successful open took a reference: the unlinked file lives until all are released.
    fs.unlink("f", R).unwrap();
    for _ in 0..3 {
        fs.release(f).unwrap();
    }
    assert_eq!(fs.stat(f).unwrap().nlink, 0);
    fs.release(f).unwrap();
    assert_eq!(fs.stat(f), Err(ENOENT));
}

// ---- file data ----

#[test]
fn read_and_write_across_pages() {
    let mut fs = fs(8);
    let data = pattern(3 * PAGE_SIZE + 123);
    let f = write_file(&mut fs, "f", &data);
    assert_eq!(fs.stat(f).unwrap().size, data.len() as u64);
    assert_eq!(fs.pages_of(f), Ok(4));
    assert_eq!(read_all(&fs, f), data);
    // Odd-sized reads at odd offsets.
    for (offset, len) in [(0, 1), (4095, 2), (4000, 5000), (12000, 1000), (7, 0)] {
        let mut buf = vec![0; len];
        let n = fs.read_at(f, offset as u64, &mut buf).unwrap();
        let end = (offset + len).min(data.len());
        assert_eq!(n, end - offset, "{offset} {len}");
        assert_eq!(&buf[..n], &data[offset..end]);
    }
    let mut buf = [0; 16];
    assert_eq!(fs.read_at(f, data.len() as u64, &mut buf), Ok(0));
    assert_eq!(fs.read_at(f, u64::MAX, &mut buf), Ok(0));
    // Overwriting in place takes no page.
    assert_eq!(fs.write_at(f, 4090, b"0123456789"), Ok(10));
    assert_eq!(fs.store().in_use(), 4);
    let mut expect = data.clone();
    expect[4090..4100].copy_from_slice(b"0123456789");
    assert_eq!(read_all(&fs, f), expect);
    assert_eq!(fs.write_at(f, 0, b""), Ok(0));
    assert_eq!(fs.stat(f).unwrap().size, data.len() as u64);
}

#[test]
fn holes_read_as_zero_and_take_no_page() {
    let mut fs = fs(8);
    let f = fs.create("sparse", R, 0o644).unwrap();
    // Pages from the store come full of 0xa5: every byte the file shows must be written or zero.
    let offset = 3 * PAGE_SIZE as u64 + 5;
    assert_eq!(fs.write_at(f, offset, b"end"), Ok(3));
    assert_eq!(fs.stat(f).unwrap().size, offset + 3);
    assert_eq!(fs.pages_of(f), Ok(1));
    let mut expect = vec![0; offset as usize];
    expect.extend_from_slice(b"end");
    assert_eq!(read_all(&fs, f), expect);
    // Far away: still one page each.
    assert_eq!(fs.write_at(f, 1 << 40, b"far"), Ok(3));
    assert_eq!(fs.pages_of(f), Ok(2));
    let mut buf = [1; 8];
    assert_eq!(fs.read_at(f, (1 << 40) - 5, &mut buf), Ok(8));
    assert_eq!(&buf, b"\0\0\0\0\0far");
}

#[test]
fn truncate_frees_pages_and_clears_the_tail() {
    let mut fs = fs(8);
    let data = pattern(3 * PAGE_SIZE);
    let f = write_file(&mut fs, "f", &data);
    assert_eq!(fs.store().in_use(), 3);
    fs.truncate(f, 5000).unwrap();
    assert_eq!(fs.stat(f).unwrap().size, 5000);
    assert_eq!(fs.store().in_use(), 2);
    assert_eq!(read_all(&fs, f), &data[..5000]);
    // Growing again shows zeros, not the old bytes, and allocates nothing.
    fs.truncate(f, 10000).unwrap();
    assert_eq!(fs.store().in_use(), 2);
    let mut expect = data[..5000].to_vec();
    expect.resize(10000, 0);
    assert_eq!(read_all(&fs, f), expect);
    // On a page boundary.
    fs.truncate(f, PAGE_SIZE as u64).unwrap();
    assert_eq!(fs.store().in_use(), 1);
    fs.truncate(f, 0).unwrap();
    assert_eq!(fs.store().in_use(), 0);
    assert_eq!(read_all(&fs, f), b"");
    // Growing works even with the store exhausted.
    let mut full = self::fs(0);
    let g = full.create("g", R, 0o644).unwrap();
    full.truncate(g, 1 << 30).unwrap();
    assert_eq!(full.stat(g).unwrap().size, 1 << 30);
    let d = fs.mkdir("d", R, 0o755).unwrap();
    assert_eq!(fs.truncate(d, 0), Err(EISDIR));
    assert_eq!(fs.truncate(f, MAX_FILE_SIZE + 1), Err(EFBIG));
    assert_eq!(fs.truncate(999, 0), Err(ENOENT));
}

#[test]
fn out_of_space_in_the_middle_of_a_write() {
    let mut fs = fs(3);
    let f = fs.create("f", R, 0o644).unwrap();
    let data = pattern(5 * PAGE_SIZE);
    // The write stops at the page it could not get and says how much it wrote.
    assert_eq!(fs.write_at(f, 0, &data), Ok(3 * PAGE_SIZE));
    assert_eq!(fs.stat(f).unwrap().size, 3 * PAGE_SIZE as u64);
    assert_eq!(fs.store().free_count(), 0);
    assert_eq!(read_all(&fs, f), &data[..3 * PAGE_SIZE]);
    // Then nothing fits: ENOSPC, and the file is unchanged.
    assert_eq!(
        fs.write_at(f, 3 * PAGE_SIZE as u64, &data[3 * PAGE_SIZE..]),
        Err(ENOSPC)
    );
    assert_eq!(fs.write_at(f, 100 * PAGE_SIZE as u64, b"x"), Err(ENOSPC));
    assert_eq!(fs.stat(f).unwrap().size, 3 * PAGE_SIZE as u64);
    assert_eq!(fs.pages_of(f), Ok(3));
    // Writing where pages exist still works.
    assert_eq!(fs.write_at(f, 10, b"ok"), Ok(2));
    // Another file cannot grow either, and creating empty files needs no page.
    let g = fs.create("g", R, 0o644).unwrap();
    assert_eq!(fs.write_at(g, 0, b"x"), Err(ENOSPC));
    assert_eq!(fs.stat(g).unwrap().size, 0);
    // The space comes back on unlink.
    fs.unlink("f", R).unwrap();
    assert_eq!(fs.store().free_count(), 3);
    assert_eq!(fs.store().in_use(), 0);
    assert_eq!(fs.write_at(g, 0, &data[..3 * PAGE_SIZE]), Ok(3 * PAGE_SIZE));
}

#[test]
fn a_short_write_from_inside_a_page() {
    let mut fs = fs(1);
    let f = write_file(&mut fs, "f", &[1; 100]);
    assert_eq!(fs.write_at(f, 100, &[2; 5000]), Ok(PAGE_SIZE - 100));
    assert_eq!(fs.stat(f).unwrap().size, PAGE_SIZE as u64);
    let all = read_all(&fs, f);
    assert!(all[..100].iter().all(|&b| b == 1));
    assert!(all[100..].iter().all(|&b| b == 2));
}

#[test]
fn writes_past_the_largest_size_are_efbig() {
    let mut fs = fs(2);
    let f = fs.create("f", R, 0o644).unwrap();
    assert_eq!(fs.write_at(f, MAX_FILE_SIZE, b"x"), Err(EFBIG));
    assert_eq!(fs.write_at(f, u64::MAX, b"x"), Err(EFBIG));
    assert_eq!(fs.write_at(f, MAX_FILE_SIZE - 1, b"x"), Ok(1));
    assert_eq!(fs.stat(f).unwrap().size, MAX_FILE_SIZE);
    assert_eq!(fs.store().in_use(), 1);
}

#[test]
fn data_calls_on_directories_and_special_nodes() {
    let mut fs = fs(1);
    let d = fs.mkdir("d", R, 0o755).unwrap();
    let mut buf = [0; 4];
    assert_eq!(fs.read_at(d, 0, &mut buf), Err(EISDIR));
    assert_eq!(fs.write_at(d, 0, b"x"), Err(EISDIR));
    let n = fs.mknod("null", R, S_IFCHR | 0o666, 0x0103).unwrap();
    assert_eq!(fs.read_at(n, 0, &mut buf), Err(EINVAL));
    assert_eq!(fs.write_at(n, 0, b"x"), Err(EINVAL));
    assert_eq!(fs.truncate(n, 0), Err(EINVAL));
    assert_eq!(fs.read_at(999, 0, &mut buf), Err(ENOENT));
    assert_eq!(fs.write_at(999, 0, b"x"), Err(ENOENT));
}

// ---- directories ----

#[test]
fn mkdir_counts_links() {
    let mut fs = fs(0);
    let a = fs.mkdir("a", R, 0o700).unwrap();
    assert_eq!(fs.stat(a).unwrap().mode, S_IFDIR | 0o700);
    assert_eq!(fs.stat(R).unwrap().nlink, 3);
    assert_eq!(fs.stat(a).unwrap().nlink, 2);
    let b = fs.mkdir("a/b/", R, 0o755).unwrap();
    fs.create("a/file", R, 0o644).unwrap();
    assert_eq!(fs.stat(a).unwrap().nlink, 3, "files do not count");
    assert_eq!(fs.lookup("a/b/..", R), Ok(a));
    assert_eq!(fs.lookup("a/b", R), Ok(b));
    for path in ["a", "a/file", "/", ".", "..", "a/b/..", "a/."] {
        assert_eq!(fs.mkdir(path, R, 0o755), Err(EEXIST), "{path}");
    }
    assert_eq!(fs.mkdir("a/file/x", R, 0o755), Err(ENOTDIR));
    assert_eq!(fs.mkdir("missing/x", R, 0o755), Err(ENOENT));
}

#[test]
fn rmdir_rules() {
    let mut fs = fs(0);
    let a = fs.mkdir("a", R, 0o755).unwrap();
    fs.mkdir("a/b", R, 0o755).unwrap();
    fs.create("f", R, 0o644).unwrap();
    assert_eq!(fs.rmdir("a", R), Err(ENOTEMPTY));
    assert_eq!(fs.rmdir("f", R), Err(ENOTDIR));
    assert_eq!(fs.rmdir("f/", R), Err(ENOTDIR));
    assert_eq!(fs.rmdir("/", R), Err(EBUSY));
    assert_eq!(fs.rmdir(".", R), Err(EINVAL));
    assert_eq!(fs.rmdir("a/b/.", R), Err(EINVAL));
    assert_eq!(fs.rmdir("a/b/..", R), Err(ENOTEMPTY));
    assert_eq!(fs.rmdir("missing", R), Err(ENOENT));
    assert_eq!(fs.rmdir("f/x", R), Err(ENOTDIR));
    let before = fs.inode_count();
    fs.rmdir("a/b/", R).unwrap();
    assert_eq!(fs.inode_count(), before - 1);
    assert_eq!(fs.stat(a).unwrap().nlink, 2);
    fs.rmdir("a", R).unwrap();
    assert_eq!(fs.stat(R).unwrap().nlink, 2);
    assert_eq!(fs.lookup("a", R), Err(ENOENT));
}

#[test]
fn a_removed_working_directory_lives_on_empty() {
    let mut fs = fs(0);
    let d = fs.mkdir("d", R, 0o755).unwrap();
    fs.retain(d).unwrap();
    fs.rmdir("d", R).unwrap();
    let st = fs.stat(d).unwrap();
    assert_eq!((st.nlink, st.is_dir()), (0, true));
    assert_eq!(fs.lookup(".", d), Err(ENOENT));
    assert_eq!(fs.lookup("..", d), Err(ENOENT));
    assert_eq!(fs.create("x", d, 0o644), Err(ENOENT));
    assert_eq!(fs.mkdir("x", d, 0o755), Err(ENOENT));
    assert_eq!(fs.path_of(d), Err(ENOENT));
    assert_eq!(fs.dir_entry(d, 0), Ok(None));
    assert_eq!(fs.lookup("/", d), Ok(R), "absolute paths still work");
    fs.release(d).unwrap();
    assert_eq!(fs.stat(d), Err(ENOENT));
    assert_eq!(fs.inode_count(), 1);
}

#[test]
fn unlink_rules() {
    let mut fs = fs(2);
    fs.mkdir("d", R, 0o755).unwrap();
    let f = write_file(&mut fs, "d/f", &pattern(5000));
    for path in ["d", "d/", "/", ".", "..", "d/.", "d/.."] {
        assert_eq!(fs.unlink(path, R), Err(EISDIR), "{path}");
    }
    assert_eq!(fs.unlink("d/f/", R), Err(ENOTDIR));
    assert_eq!(fs.unlink("d/f/x", R), Err(ENOTDIR));
    assert_eq!(fs.unlink("d/missing", R), Err(ENOENT));
    assert_eq!(fs.store().in_use(), 2);
    fs.unlink("/d/f", R).unwrap();
    assert_eq!(fs.stat(f), Err(ENOENT));
    assert_eq!(fs.store().in_use(), 0);
    assert_eq!(fs.inode_count(), 2);
    assert_eq!(fs.unlink("d/f", R), Err(ENOENT));
}

#[test]
fn an_unlinked_open_file_stays_usable_until_its_last_release() {
    let mut fs = fs(4);
    let data = pattern(6000);
    let f = write_file(&mut fs, "f", &data);
    fs.retain(f).unwrap();
    fs.retain(f).unwrap();
    fs.unlink("f", R).unwrap();
    assert_eq!(fs.lookup("f", R), Err(ENOENT));
    assert_eq!(fs.list(R).unwrap(), vec![]);
    assert_eq!(fs.stat(f).unwrap().nlink, 0);
    assert_eq!(read_all(&fs, f), data);
    assert_eq!(fs.write_at(f, 6000, b"more"), Ok(4));
    assert_eq!(fs.store().in_use(), 2);
    // A new file of the same name is another inode.
    let g = fs.create("f", R, 0o644).unwrap();
    assert_ne!(g, f);
    fs.release(f).unwrap();
    assert_eq!(fs.stat(f).unwrap().size, 6004);
    fs.release(f).unwrap();
    assert_eq!(fs.stat(f), Err(ENOENT));
    assert_eq!(fs.store().in_use(), 0);
    assert_eq!(fs.release(f), Err(ENOENT));
    // A release without a retain is refused, and a named file stays after its last release.
    assert_eq!(fs.release(g), Err(EINVAL));
    fs.retain(g).unwrap();
    fs.release(g).unwrap();
    assert_eq!(fs.lookup("f", R), Ok(g));
    assert_eq!(fs.retain(999), Err(ENOENT));
}

#[test]
fn hard_links_share_one_inode() {
    let mut fs = fs(2);
    fs.mkdir("d", R, 0o755).unwrap();
    let f = write_file(&mut fs, "f", b"shared");
    fs.link("f", "d/g", R).unwrap();
    assert_eq!(fs.lookup("d/g", R), Ok(f));
    assert_eq!(fs.stat(f).unwrap().nlink, 2);
    fs.write_at(f, 0, b"S").unwrap();
    fs.unlink("f", R).unwrap();
    assert_eq!(fs.stat(f).unwrap().nlink, 1);
    assert_eq!(read_all(&fs, fs.lookup("d/g", R).unwrap()), b"Shared");
    assert_eq!(fs.link("d", "e", R), Err(EPERM));
    assert_eq!(fs.link("d/g", "d", R), Err(EEXIST));
    assert_eq!(fs.link("missing", "x", R), Err(ENOENT));
    assert_eq!(fs.link("d/g", "x/", R), Err(ENOENT));
    fs.unlink("d/g", R).unwrap();
    assert_eq!(fs.store().in_use(), 0);
}

// ---- rename ----

#[test]
fn rename_moves_a_file() {
    let mut fs = fs(2);
    let d = fs.mkdir("d", R, 0o755).unwrap();
    let f = write_file(&mut fs, "f", b"contents");
    fs.rename("f", "d/g", R).unwrap();
    assert_eq!(fs.lookup("f", R), Err(ENOENT));
    assert_eq!(fs.lookup("d/g", R), Ok(f));
    assert_eq!(read_all(&fs, f), b"contents");
    assert_eq!(fs.stat(d).unwrap().nlink, 2);
    // Relative to a working directory.
    fs.rename("g", "../h", d).unwrap();
    assert_eq!(fs.lookup("/h", R), Ok(f));
}

#[test]
fn rename_replaces_a_file_and_frees_it() {
    let mut fs = fs(4);
    let a = write_file(&mut fs, "a", b"new");
    let b = write_file(&mut fs, "b", &pattern(5000));
    assert_eq!(fs.store().in_use(), 3);
    fs.rename("a", "b", R).unwrap();
    assert_eq!(fs.lookup("b", R), Ok(a));
    assert_eq!(fs.lookup("a", R), Err(ENOENT));
    assert_eq!(fs.stat(b), Err(ENOENT));
    assert_eq!(fs.store().in_use(), 1);
    // An open victim lives until released.
    let c = write_file(&mut fs, "c", b"victim");
    fs.retain(c).unwrap();
    fs.rename("b", "c", R).unwrap();
    assert_eq!(read_all(&fs, c), b"victim");
    assert_eq!(fs.stat(c).unwrap().nlink, 0);
    fs.release(c).unwrap();
    assert_eq!(fs.stat(c), Err(ENOENT));
    assert_eq!(fs.store().in_use(), 1);
}

#[test]
fn rename_type_mismatches() {
    let mut fs = fs(0);
    fs.mkdir("d", R, 0o755).unwrap();
    fs.mkdir("full", R, 0o755).unwrap();
    fs.create("full/x", R, 0o644).unwrap();
    fs.create("f", R, 0o644).unwrap();
    assert_eq!(fs.rename("f", "d", R), Err(EISDIR));
    assert_eq!(fs.rename("d", "f", R), Err(ENOTDIR));
    assert_eq!(fs.rename("d", "full", R), Err(ENOTEMPTY));
    assert_eq!(fs.rename("f", "g/", R), Err(ENOTDIR));
    assert_eq!(fs.rename("f/", "g", R), Err(ENOTDIR));
    assert_eq!(fs.rename("missing", "g", R), Err(ENOENT));
    assert_eq!(fs.rename("f", "missing/g", R), Err(ENOENT));
    assert_eq!(fs.rename("f", "f/g", R), Err(ENOTDIR));
    for (old, new) in [
        ("/", "x"),
        (".", "x"),
        ("d/..", "x"),
        ("f", "."),
        ("f", "/"),
        ("f", "d/.."),
    ] {
        assert_eq!(fs.rename(old, new, R), Err(EBUSY), "{old} -> {new}");
    }
    // Nothing moved.
    assert_eq!(fs.list(R).unwrap().len(), 3);
}

#[test]
fn rename_a_directory() {
    let mut fs = fs(0);
    let a = fs.mkdir("a", R, 0o755).unwrap();
    let b = fs.mkdir("b", R, 0o755).unwrap();
    let sub = fs.mkdir("a/sub", R, 0o755).unwrap();
    fs.create("a/sub/f", R, 0o644).unwrap();
    // Into another directory: the link counts and `..` follow.
    fs.rename("a/sub", "b/moved/", R).unwrap();
    assert_eq!(fs.stat(a).unwrap().nlink, 2);
    assert_eq!(fs.stat(b).unwrap().nlink, 3);
    assert_eq!(fs.lookup("b/moved/..", R), Ok(b));
    assert_eq!(fs.lookup("..", sub), Ok(b));
    assert_eq!(fs.path_of(sub).unwrap(), "/b/moved");
    assert!(fs.lookup("b/moved/f", R).is_ok());
    // Onto an empty directory, which goes.
    let empty = fs.mkdir("a/empty", R, 0o755).unwrap();
    assert_eq!(fs.stat(a).unwrap().nlink, 3);
    fs.rename("b/moved", "a/empty", R).unwrap();
    assert_eq!(fs.stat(empty), Err(ENOENT));
    assert_eq!(fs.lookup("a/empty", R), Ok(sub));
    assert_eq!(fs.stat(a).unwrap().nlink, 3);
    assert_eq!(fs.stat(b).unwrap().nlink, 2);
    assert_eq!(fs.stat(R).unwrap().nlink, 4);
    // Within one directory, onto an empty sibling.
    fs.mkdir("c", R, 0o755).unwrap();
    assert_eq!(fs.stat(R).unwrap().nlink, 5);
    fs.rename("c", "b", R).unwrap();
    assert_eq!(fs.stat(R).unwrap().nlink, 4);
    assert_eq!(fs.inode_count(), 5);
}

#[test]
fn rename_into_its_own_subtree_is_einval() {
    let mut fs = fs(0);
    let a = fs.mkdir("a", R, 0o755).unwrap();
    fs.mkdir("a/b", R, 0o755).unwrap();
    fs.mkdir("a/b/c", R, 0o755).unwrap();
    assert_eq!(fs.rename("a", "a/x", R), Err(EINVAL));
    assert_eq!(fs.rename("a", "a/b/c/x", R), Err(EINVAL));
    assert_eq!(fs.rename("a", "a/b/c", R), Err(EINVAL));
    // Onto an ancestor: the ancestor is not empty.
    assert_eq!(fs.rename("a/b/c", "a", R), Err(ENOTEMPTY));
    assert_eq!(
        fs.lookup("a/b/c/..", R).unwrap(),
        fs.lookup("a/b", R).unwrap()
    );
    assert_eq!(fs.stat(a).unwrap().nlink, 3);
}

#[test]
fn rename_onto_itself_does_nothing() {
    let mut fs = fs(1);
    let d = fs.mkdir("d", R, 0o755).unwrap();
    let f = write_file(&mut fs, "f", b"x");
    fs.rename("f", "f", R).unwrap();
    fs.rename("f", "./f", R).unwrap();
    fs.rename("d", "d/", R).unwrap();
    fs.rename("d", "/d", R).unwrap();
    assert_eq!(fs.lookup("f", R), Ok(f));
    assert_eq!(fs.lookup("d", R), Ok(d));
    // Two names of one inode: both stay (POSIX).
    fs.link("f", "g", R).unwrap();
    fs.rename("f", "g", R).unwrap();
    assert_eq!(fs.lookup("f", R), Ok(f));
    assert_eq!(fs.lookup("g", R), Ok(f));
    assert_eq!(fs.stat(f).unwrap().nlink, 2);
    assert_eq!(fs.stat(R).unwrap().nlink, 3);
}

// ---- listing ----

#[test]
fn listings_are_stable_and_resumable() {
    let mut fs = fs(0);
    let d = fs.mkdir("d", R, 0o755).unwrap();
    let names = ["zeta", "alpha", "mid", "sub"];
    let mut inos = vec![];
    for name in &names[..3] {
        inos.push(fs.create(&format!("d/{name}"), R, 0o644).unwrap());
    }
    inos.push(fs.mkdir("d/sub", R, 0o755).unwrap());
    let tty = fs.mknod("d/tty", R, S_IFCHR | 0o620, 7).unwrap();
    // `.` and `..` first, then creation order.
    let dot = fs.dir_entry(d, 0).unwrap().unwrap();
    assert_eq!((dot.name, dot.ino, dot.kind), (".", d, FileType::Dir));
    let dotdot = fs.dir_entry(d, dot.next).unwrap().unwrap();
    assert_eq!(
        (dotdot.name, dotdot.ino, dotdot.kind),
        ("..", R, FileType::Dir)
    );
    let mut cookie = dotdot.next;
    let mut seen = vec![];
    while let Some(e) = fs.dir_entry(d, cookie).unwrap() {
        seen.push((e.name.to_string(), e.ino, e.kind));
        cookie = e.next;
    }
    let mut expect: Vec<_> = names
        .iter()
        .zip(&inos)
        .map(|(n, &i)| (n.to_string(), i, FileType::File))
        .collect();
    expect[3].2 = FileType::Dir;
    expect.push(("tty".into(), tty, FileType::CharDevice));
    assert_eq!(seen, expect);
    assert_eq!(fs.list(d).unwrap(), expect);
    assert_eq!(fs.dir_entry(d, cookie), Ok(None));
    assert_eq!(fs.dir_entry(d, u64::MAX), Ok(None));
    // Resume half-way after changes: the removed name and the one before it are gone, the new
    // one comes last, nothing else repeats or is skipped.
    let first = fs.dir_entry(d, 2).unwrap().unwrap();
    let second = fs.dir_entry(d, first.next).unwrap().unwrap();
    assert_eq!(second.name, "alpha");
    let resume = second.next;
    fs.unlink("d/alpha", R).unwrap();
    fs.unlink("d/zeta", R).unwrap();
    let late = fs.create("d/late", R, 0o644).unwrap();
    let mut rest = vec![];
    let mut cookie = resume;
    while let Some(e) = fs.dir_entry(d, cookie).unwrap() {
        rest.push(e.name.to_string());
        cookie = e.next;
    }
    assert_eq!(rest, ["mid", "sub", "tty", "late"]);
    assert_eq!(fs.lookup("d/late", R), Ok(late));
    // `..` of the root is the root; a file has no listing.
    assert_eq!(fs.dir_entry(R, 1).unwrap().unwrap().ino, R);
    let f = fs.lookup("d/mid", R).unwrap();
    assert_eq!(fs.dir_entry(f, 0), Err(ENOTDIR));
    assert_eq!(fs.dir_entry(999, 0), Err(ENOENT));
    assert_eq!(FileType::Dir.dirent_type(), 4);
    assert_eq!(FileType::File.dirent_type(), 8);
    assert_eq!(FileType::CharDevice.dirent_type(), 2);
}

// ---- attributes and special nodes ----

#[test]
fn stat_reports_mode_size_ino_and_links() {
    let mut fs = fs(1);
    let f = write_file(&mut fs, "f", b"12345");
    assert_eq!(
        fs.stat(f),
        Ok(Stat {
            mode: S_IFREG | 0o644,
            size: 5,
            ino: f,
            nlink: 1
        })
    );
    let d = fs.mkdir("d", R, 0o755).unwrap();
    fs.create("d/a", R, 0o644).unwrap();
    assert_eq!(fs.stat(d).unwrap().size, 60);
    fs.set_permissions(f, 0o4755 | S_IFDIR).unwrap();
    assert_eq!(fs.stat(f).unwrap().mode, S_IFREG | 0o4755);
    assert_eq!(fs.set_permissions(999, 0), Err(ENOENT));
}

#[test]
fn only_files_with_an_execute_bit_may_be_executed() {
    let mut fs = fs(0);
    let prog = fs.create("prog", R, 0o755).unwrap();
    let data = fs.create("data", R, 0o644).unwrap();
    let owner_only = fs.create("owner", R, 0o100).unwrap();
    let d = fs.mkdir("d", R, 0o755).unwrap();
    let dev = fs.mknod("dev", R, S_IFCHR | 0o777, 1).unwrap();
    assert_eq!(fs.check_exec(prog), Ok(()));
    assert_eq!(fs.check_exec(owner_only), Ok(()));
    assert_eq!(fs.check_exec(data), Err(EACCES));
    assert_eq!(fs.check_exec(d), Err(EACCES));
    assert_eq!(fs.check_exec(dev), Err(EACCES));
    assert_eq!(fs.check_exec(999), Err(ENOENT));
}

#[test]
fn special_nodes_carry_a_tag() {
    let mut fs = fs(0);
    fs.mkdir("dev", R, 0o755).unwrap();
    let console = fs.mknod("dev/console", R, S_IFCHR | 0o600, 0x0501).unwrap();
    let fifo = fs.mknod("dev/fifo", R, S_IFIFO | 0o644, 9).unwrap();
    assert_eq!(fs.special_tag(console), Ok(Some(0x0501)));
    assert_eq!(fs.special_tag(fifo), Ok(Some(9)));
    assert_eq!(fs.special_tag(R), Ok(None));
    assert_eq!(fs.stat(console).unwrap().mode, S_IFCHR | 0o600);
    assert_eq!(fs.stat(fifo).unwrap().kind(), Some(FileType::Fifo));
    assert_eq!(fs.mknod("dev/console", R, S_IFCHR | 0o600, 1), Err(EEXIST));
    assert_eq!(fs.mknod("dev/x", R, S_IFREG | 0o600, 1), Err(EINVAL));
    assert_eq!(fs.mknod("dev/x", R, S_IFDIR | 0o600, 1), Err(EINVAL));
    assert_eq!(fs.mknod("dev/x/", R, S_IFCHR | 0o600, 1), Err(ENOTDIR));
    assert_eq!(fs.lookup("dev/console/", R), Err(ENOTDIR));
    let opened = fs.open("dev/console", R, write_opts()).unwrap();
    assert_eq!(opened, console);
    fs.unlink("dev/console", R).unwrap();
    assert_eq!(fs.special_tag(console), Ok(Some(0x0501)));
    fs.release(console).unwrap();
    assert_eq!(fs.special_tag(console), Err(ENOENT));
}

// ---- many cycles ----

#[test]
fn ten_thousand_create_unlink_cycles_leave_the_store_as_it_started() {
    let mut fs = fs(4);
    fs.mkdir("tmp", R, 0o755).unwrap();
    let data = pattern(5000);
    let create = OpenOptions {
        create: true,
        exclusive: true,
        write: true,
        mode: 0o644,
        ..OpenOptions::default()
    };
    for i in 0..10_000 {
        let path = format!("/tmp/file{}", i % 7);
        let f = fs.open(&path, R, create).unwrap();
        assert_eq!(fs.write_at(f, (i % 3) as u64, &data), Ok(5000));
        if i % 2 == 0 {
            fs.unlink(&path, R).unwrap();
            fs.release(f).unwrap();
        } else {
            fs.release(f).unwrap();
            fs.unlink(&path, R).unwrap();
        }
    }
    assert_eq!(fs.store().in_use(), 0);
    assert_eq!(fs.store().free_count(), 4);
    assert_eq!(fs.inode_count(), 2);
    assert_eq!(fs.list(R).unwrap().len(), 1);
    assert_eq!(fs.stat(fs.lookup("tmp", R).unwrap()).unwrap().nlink, 2);
}

// ---- the initrd ----

/// One raw newc entry (as the initrd crate's tests build them), for what `Writer` cannot write:
/// hard links, symbolic links, devices, entries in any order.
fn newc(name: &str, mode: u32, ino: u32, nlink: u32, data: &[u8]) -> Vec<u8> {
    let fields = [
        ino,
        mode,
        0,
        0,
        nlink,
        0,
        data.len() as u32,
        8,
        1,
        0,
        0,
        name.len() as u32 + 1,
        0,
    ];
    let mut out = b"070701".to_vec();
    for field in fields {
        out.extend_from_slice(format!("{field:08x}").as_bytes());
    }
    out.extend_from_slice(name.as_bytes());
    out.push(0);
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
    out.extend_from_slice(data);
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
    out
}

fn newc_archive(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut image = entries.concat();
    image.extend(newc("TRAILER!!!", 0, 0, 1, b""));
    image
}

fn filled(image: &[u8], limit: usize) -> (RamFs<VecStore>, FillReport) {
    let archive = Archive::parse(image).unwrap();
    let mut fs = fs(limit);
    let report = fill_from_cpio(&mut fs, &archive).unwrap();
    (fs, report)
}

#[test]
fn fill_builds_the_tree_of_a_written_archive() {
    let mut w = Writer::new();
    w.add_dir("etc", 0o750).unwrap();
    w.add_file("etc/motd", 0o644, b"hello\n").unwrap();
    w.add_file("bin/init", 0o755, &pattern(9000)).unwrap();
    w.add_file("usr/share/doc/readme", 0o444, b"").unwrap();
    let (fs, report) = filled(&w.finish(), 16);
    assert_eq!(report.files, 3);
    assert_eq!(report.links, 0);
    assert_eq!(report.dirs, 5, "etc, bin, usr, usr/share, usr/share/doc");
    assert!(report.skipped.is_empty());
    let motd = fs.lookup("/etc/motd", R).unwrap();
    assert_eq!(read_all(&fs, motd), b"hello\n");
    assert_eq!(fs.stat(motd).unwrap().mode, S_IFREG | 0o644);
    let init = fs.lookup("/bin/init", R).unwrap();
    assert_eq!(read_all(&fs, init), pattern(9000));
    assert_eq!(fs.check_exec(init), Ok(()));
    assert_eq!(fs.check_exec(motd), Err(EACCES));
    let etc = fs.lookup("etc", R).unwrap();
    assert_eq!(fs.stat(etc).unwrap().mode, S_IFDIR | 0o750);
    let readme = fs.lookup("usr/share/doc/readme", R).unwrap();
    assert_eq!(fs.stat(readme).unwrap().size, 0);
    assert_eq!(fs.stat(R).unwrap().nlink, 5);
    assert_eq!(fs.store().in_use(), 4);
}

#[test]
fn fill_makes_missing_directories_and_takes_modes_from_late_entries() {
    let image = newc_archive(&[
        newc(".", S_IFDIR | 0o700, 1, 2, b""),
        newc("./a/b/file", S_IFREG | 0o600, 2, 1, b"deep"),
        newc("a/b", S_IFDIR | 0o711, 3, 2, b""),
        newc("/a/b/file", S_IFREG | 0o640, 4, 1, b"replaced"),
    ]);
    let (fs, report) = filled(&image, 4);
    assert_eq!(fs.stat(R).unwrap().mode, S_IFDIR | 0o700);
    let b = fs.lookup("a/b", R).unwrap();
    assert_eq!(fs.stat(b).unwrap().mode, S_IFDIR | 0o711);
    let a = fs.lookup("a", R).unwrap();
    assert_eq!(fs.stat(a).unwrap().mode, S_IFDIR | 0o755);
    // The later entry for a path wins.
    let file = fs.lookup("a/b/file", R).unwrap();
    assert_eq!(read_all(&fs, file), b"replaced");
    assert_eq!(fs.stat(file).unwrap().mode, S_IFREG | 0o640);
    assert_eq!(report.dirs, 2);
    assert_eq!(report.files, 2);
    assert_eq!(fs.store().in_use(), 1, "the replaced file's page came back");
}

#[test]
fn fill_gives_gnu_style_hard_links_one_inode() {
    // GNU cpio stores the data once, with the last link; the others have no data.
    let image = newc_archive(&[
        newc("bin", S_IFDIR | 0o755, 1, 2, b""),
        newc("bin/a", S_IFREG | 0o755, 7, 3, b""),
        newc("bin/other", S_IFREG | 0o644, 9, 1, b"other"),
        newc("bin/b", S_IFREG | 0o755, 7, 3, b""),
        newc("c", S_IFREG | 0o755, 7, 3, b"the program"),
    ]);
    let (mut fs, report) = filled(&image, 4);
    assert_eq!(report.files, 2);
    assert_eq!(report.links, 2);
    let a = fs.lookup("bin/a", R).unwrap();
    assert_eq!(fs.lookup("bin/b", R), Ok(a));
    assert_eq!(fs.lookup("c", R), Ok(a));
    assert_eq!(fs.stat(a).unwrap().nlink, 3);
    assert_eq!(read_all(&fs, a), b"the program");
    assert_eq!(fs.store().in_use(), 2, "one copy of the data");
    let other = fs.lookup("bin/other", R).unwrap();
    assert_eq!(fs.stat(other).unwrap().nlink, 1);
    // Writing through one name shows through the others; the last unlink frees the page.
    fs.write_at(a, 0, b"THE").unwrap();
    assert_eq!(read_all(&fs, fs.lookup("c", R).unwrap()), b"THE program");
    for name in ["bin/a", "bin/b", "c"] {
        fs.unlink(name, R).unwrap();
    }
    assert_eq!(fs.store().in_use(), 1);
}

#[test]
fn fill_skips_links_devices_and_conflicts_with_reasons() {
    let image = newc_archive(&[
        newc("bin/sh", S_IFLNK | 0o777, 2, 1, b"busybox"),
        newc("dev/console", S_IFCHR | 0o600, 3, 1, b""),
        newc("fifo", S_IFIFO | 0o644, 4, 1, b""),
        newc("odd", 0o644, 5, 1, b""),
        newc("file", S_IFREG | 0o644, 6, 1, b"x"),
        newc("file/inside", S_IFREG | 0o644, 7, 1, b"y"),
        newc("file", S_IFDIR | 0o755, 8, 2, b""),
        newc("dir", S_IFDIR | 0o755, 9, 2, b""),
        newc("dir", S_IFREG | 0o644, 10, 1, b"z"),
    ]);
    let (fs, report) = filled(&image, 4);
    let reasons: Vec<(&str, SkipReason)> = report
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), s.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            ("bin/sh", SkipReason::Unsupported(FileType::Symlink)),
            ("dev/console", SkipReason::Unsupported(FileType::CharDevice)),
            ("fifo", SkipReason::Unsupported(FileType::Fifo)),
            ("odd", SkipReason::UnknownType(0)),
            ("file/inside", SkipReason::ParentNotDirectory),
            ("file", SkipReason::TypeConflict),
            ("dir", SkipReason::TypeConflict),
        ]
    );
    assert_eq!(report.skipped[1].mode, S_IFCHR | 0o600);
    assert_eq!(fs.lookup("bin/sh", R), Err(ENOENT));
    assert_eq!(fs.lookup("dev/console", R), Err(ENOENT));
    assert!(fs.stat(fs.lookup("file", R).unwrap()).unwrap().is_file());
    assert!(fs.stat(fs.lookup("dir", R).unwrap()).unwrap().is_dir());
}

#[test]
fn fill_out_of_space_is_enospc_without_a_half_made_file() {
    let mut w = Writer::new();
    w.add_file("small", 0o644, b"fits").unwrap();
    w.add_file("big", 0o644, &pattern(3 * PAGE_SIZE)).unwrap();
    let image = w.finish();
    let archive = Archive::parse(&image).unwrap();
    let mut fs = fs(2);
    assert_eq!(fill_from_cpio(&mut fs, &archive), Err(ENOSPC));
    assert_eq!(fs.lookup("big", R), Err(ENOENT));
    let small = fs.lookup("small", R).unwrap();
    assert_eq!(read_all(&fs, small), b"fits");
    assert_eq!(fs.store().in_use(), 1);
}

#[test]
fn errors_compare_as_errno() {
    // The operations return abi's Errno, so the VFS hands them to user space unchanged.
    let fs = fs(0);
    let e: Errno = fs.lookup("nope", R).unwrap_err();
    assert_eq!(e as i32, 2);
}

#[test]
fn fill_from_an_archive_written_by_gnu_cpio() {
    use std::os::unix::fs::PermissionsExt;
    const GNU_CPIO: &str = "/usr/bin/cpio";
    if !std::path::Path::new(GNU_CPIO).exists() {
        println!("notice: {GNU_CPIO} is missing; skipping the GNU cpio check");
        return;
    }
    let tmp = std::env::temp_dir().join(format!("ramfs-gnu-cpio-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let root = tmp.join("root");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::create_dir_all(root.join("etc/empty")).unwrap();
    let program = pattern(10_000);
    std::fs::write(root.join("bin/prog"), &program).unwrap();
    std::fs::set_permissions(
        root.join("bin/prog"),
        std::fs::Permissions::from_mode(0o751),
    )
    .unwrap();
    std::fs::hard_link(root.join("bin/prog"), root.join("bin/link")).unwrap();
    std::fs::hard_link(root.join("bin/prog"), root.join("third")).unwrap();
    std::fs::write(root.join("etc/motd"), b"hi\n").unwrap();
    std::os::unix::fs::symlink("prog", root.join("bin/sym")).unwrap();
    let out = tmp.join("image.cpio");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "find . | LC_ALL=C sort | {GNU_CPIO} --quiet -o -H newc > '{}'",
            out.display()
        ))
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let image = std::fs::read(&out).unwrap();
    std::fs::remove_dir_all(&tmp).unwrap();

    let (fs, report) = filled(&image, 16);
    let prog = fs.lookup("/bin/prog", R).unwrap();
    assert_eq!(fs.lookup("/bin/link", R), Ok(prog));
    assert_eq!(fs.lookup("/third", R), Ok(prog));
    let st = fs.stat(prog).unwrap();
    assert_eq!((st.mode, st.nlink, st.size), (S_IFREG | 0o751, 3, 10_000));
    assert_eq!(read_all(&fs, prog), program);
    assert_eq!(read_all(&fs, fs.lookup("etc/motd", R).unwrap()), b"hi\n");
    assert!(fs
        .stat(fs.lookup("etc/empty", R).unwrap())
        .unwrap()
        .is_dir());
    assert_eq!(report.files, 2);
    assert_eq!(report.links, 2);
    assert_eq!(
        report.skipped,
        [Skipped {
            path: "bin/sym".into(),
            mode: S_IFLNK | 0o777,
            reason: SkipReason::Unsupported(FileType::Symlink)
        }]
    );
    assert_eq!(fs.store().in_use(), 4, "3 pages of the program, 1 of motd");
}

/// A small xorshift generator, so the random test is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// Removes everything below the directory `dir` (`""` for the root).
fn remove_tree(fs: &mut RamFs<VecStore>, dir: &str) {
    let ino = fs
        .lookup(if dir.is_empty() { "/" } else { dir }, R)
        .unwrap();
    for (name, _, kind) in fs.list(ino).unwrap() {
        let path = format!("{dir}/{name}");
        if kind == FileType::Dir {
            remove_tree(fs, &path);
            fs.rmdir(&path, R).unwrap();
        } else {
            fs.unlink(&path, R).unwrap();
        }
    }
}

#[test]
fn random_operations_keep_every_invariant_and_leak_nothing() {
    const PATHS: &[&str] = &[
        "a", "b", "c", "a/x", "a/y", "b/x", "a/x/z", "b/x/z", "c/", "a/x/..", "b/../a/y", "/",
    ];
    let mut fs = fs(6);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut held: Vec<Ino> = vec![];
    let mut errors = std::collections::HashMap::<Errno, usize>::new();
    let mut successes = [0usize; 11];
    for step in 0..20_000 {
        let p = rng.pick(PATHS);
        let q = rng.pick(PATHS);
        let op = (rng.next() % 11) as usize;
        let result: Result<(), Errno> = match op {
            0 => fs.mkdir(p, R, 0o755).map(drop),
            1 => fs.create(p, R, 0o644).map(drop),
            2 => fs.rmdir(p, R),
            3 => fs.unlink(p, R),
            4 => fs.rename(p, q, R),
            5 => fs.link(p, q, R),
            6 => fs.lookup(p, R).and_then(|ino| {
                let offset = rng.next() % (3 * PAGE_SIZE as u64);
                let len = (rng.next() % 6000) as usize;
                fs.write_at(ino, offset, &pattern(len)).map(drop)
            }),
            7 => fs
                .lookup(p, R)
                .and_then(|ino| fs.truncate(ino, rng.next() % (2 * PAGE_SIZE as u64))),
            8 => fs.lookup(p, R).and_then(|ino| {
                fs.retain(ino)?;
                held.push(ino);
                Ok(())
            }),
            9 if !held.is_empty() => {
                let ino = held.swap_remove((rng.next() % held.len() as u64) as usize);
                fs.release(ino)
            }
            _ => fs.lookup(p, R).and_then(|ino| {
                let mut buf = [0; 100];
                fs.read_at(ino, rng.next() % 9000, &mut buf).map(drop)
            }),
        };
        match result {
            Ok(()) => successes[op] += 1,
            Err(e) => *errors.entry(e).or_default() += 1,
        }
        let pages = fs.check_invariants();
        assert_eq!(pages, fs.store().in_use(), "step {step}");
    }
    // The run went through every operation and the interesting errors.
    assert!(successes.iter().all(|&n| n > 0), "{successes:?}");
    for e in [
        ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EINVAL, EBUSY, ENOSPC,
    ] {
        assert!(errors.contains_key(&e), "no {e:?} in {errors:?}");
    }
    // Let go of everything and remove the tree: the store and arena are as they started.
    for ino in held.drain(..) {
        fs.release(ino).unwrap();
    }
    remove_tree(&mut fs, "");
    assert_eq!(fs.list(R).unwrap(), vec![]);
    assert_eq!(fs.inode_count(), 1);
    assert_eq!(fs.store().in_use(), 0);
    fs.check_invariants();
}

#[test]
fn the_test_store_counts_and_limits_pages() {
    let mut store = VecStore::new(2);
    let a = store.allocate().unwrap();
    let b = store.allocate().unwrap();
    assert_ne!(a, b);
    assert_eq!(store.allocate(), None);
    assert_eq!((store.in_use(), store.free_count()), (2, 0));
    assert!(
        store.page(a).iter().all(|&x| x == 0xa5),
        "fresh pages are not zeroed"
    );
    store.page_mut(b)[0] = 1;
    assert_eq!(store.page(b)[0], 1);
    store.free(a);
    assert_eq!(store.free_count(), 1);
    assert_eq!(store.allocate(), Some(a), "a freed slot is reused");
}

#[test]
#[should_panic(expected = "not allocated")]
fn the_test_store_catches_a_double_free() {
    let mut store = VecStore::new(1);
    let a = store.allocate().unwrap();
    store.free(a);
    store.free(a);
}

#[test]
fn path_of_a_directory_deeper_than_a_path_is_enametoolong() {
    let mut fs = RamFs::new(VecStore::new(0));
    let mut dir = ROOT_INO;
    // 2100 levels of "ab": 3 bytes each, past PATH_MAX long before the bottom.
    for level in 0..2100 {
        dir = fs.mkdir("ab", dir, 0o755).unwrap();
        if level == 1000 {
            let path = fs.path_of(dir).unwrap();
            assert_eq!(path.len(), 3 * 1001);
            assert!(path.starts_with("/ab/ab/"));
        }
    }
    assert_eq!(fs.path_of(dir), Err(Errno::ENAMETOOLONG));
    // The deepest path that still fits: 1365 levels make 4095 bytes.
    let mut at = ROOT_INO;
    let mut fs2 = RamFs::new(VecStore::new(0));
    for _ in 0..1365 {
        at = fs2.mkdir("ab", at, 0o755).unwrap();
    }
    assert_eq!(fs2.path_of(at).map(|p| p.len()), Ok(4095));
    at = fs2.mkdir("ab", at, 0o755).unwrap();
    assert_eq!(fs2.path_of(at), Err(Errno::ENAMETOOLONG));
}

#[test]
fn pages_present_tells_an_overwrite_from_a_growth() {
    let mut fs = RamFs::new(VecStore::new(8));
    let opts = OpenOptions {
        create: true,
        write: true,
        mode: 0o644,
        ..Default::default()
    };
    let f = fs.open("/f", ROOT_INO, opts).unwrap();
    assert_eq!(fs.pages_present(f, 0, 1), Ok(false));
    fs.write_at(f, 0, &[1; 5000]).unwrap(); // pages 0 and 1
    assert_eq!(fs.pages_present(f, 0, 8192), Ok(true));
    assert_eq!(fs.pages_present(f, 4000, 200), Ok(true));
    assert_eq!(fs.pages_present(f, 8000, 200), Ok(false)); // reaches page 2
    assert_eq!(fs.pages_present(f, u64::MAX, 2), Ok(false));
    assert_eq!(fs.pages_present(f, 100, 0), Ok(true));
    assert_eq!(fs.pages_present(ROOT_INO, 0, 1), Ok(false));
}

//! Properties the host fuzzers check (`fuzz/fuzz_targets/`), kept here so that the normal
//! `cargo test` replays the committed corpora (`fuzz/corpus/<target>/`) and every input a
//! fuzzer ever found (`fuzz/regressions/<target>/`) through the very same checks.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use abi::errno::Errno;
use initrd::cpio::Archive;

use crate::fill_from_cpio;
use crate::fs::{
    FileType, Ino, OpenOptions, RamFs, MAX_FILE_SIZE, ROOT_INO, S_IFCHR, S_IFIFO, S_IFREG,
};
use crate::path::{normalize, NAME_MAX, PATH_MAX};
use crate::store::VecStore;

/// A reader of fuzzer bytes: every take succeeds (zeros past the end).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }
}

/// Path pieces: few names so that operations meet, and everything a walk must handle.
const PIECES: [&str; 12] = [
    "a", "b", "c", "..", ".", "/", "//", "a/", "../..", "d/e", "\0", "-",
];

/// Builds a path of up to 7 pieces, joined by `/` unless the piece byte says otherwise;
/// sometimes absolute, sometimes with a name one byte over [`NAME_MAX`].
fn path(input: &mut Bytes<'_>) -> String {
    let head = input.byte();
    let mut out = String::new();
    if head & 0x80 != 0 {
        out.push('/');
    }
    for i in 0..head % 8 {
        let b = input.byte();
        if i > 0 && b & 0x80 == 0 {
            out.push('/');
        }
        let piece = PIECES[usize::from(b & 0x7f) % (PIECES.len() + 1)..]
            .first()
            .copied();
        match piece {
            Some(piece) => out.push_str(piece),
            None => out.extend(core::iter::repeat_n('n', NAME_MAX + (b as usize & 1))),
        }
    }
    out
}

/// Where the file data of the model lives: offsets stay below this, so the model is small.
const MODEL_SPAN: u64 = 3 * 4096 + 100;

/// The RAM file system driven by a script of operations with generated paths: mkdir, create,
/// mknod, unlink, rmdir, rename, link, open, release, write, truncate, read, chdir, lookup,
/// getcwd and listing. After every operation the arena's invariants hold and the page store
/// lends exactly the pages files hold; a failed operation changes neither the inode count nor
/// the pages; file contents match a byte model; a path that resolves names the inode its
/// lexical normal form (`.` and `..` applied to the absolute path, `..` of `/` being `/`)
/// names from the root, so no path escapes the root; `getcwd` gives a path back to the working
/// directory; a listing's names resolve to its inodes. At the end, with every reference
/// released and every name removed, only the root is left and every page is back.
pub fn ops(data: &[u8]) {
    let mut input = Bytes(data);
    let mut fs = RamFs::new(VecStore::new(6));
    let mut held: Vec<Ino> = Vec::new();
    let mut cwd = ROOT_INO;
    // Inode -> its bytes (files only; a file never written is absent and empty).
    let mut model: BTreeMap<Ino, Vec<u8>> = BTreeMap::new();
    // Files written or truncated far away, which the model leaves alone.
    let mut unmodeled: BTreeSet<Ino> = BTreeSet::new();
    while !input.is_empty() {
        let op = input.byte();
        let p = path(&mut input);
        let inodes = fs.inode_count();
        let pages = fs.store().in_use();
        let result: Result<(), Errno> = match op % 16 {
            0 => fs.mkdir(&p, cwd, u32::from(op)).map(drop),
            1 => fs.create(&p, cwd, 0o644).map(drop),
            2 => {
                let kind = [S_IFCHR, S_IFIFO, S_IFREG, 0][usize::from(op >> 4) % 4];
                fs.mknod(&p, cwd, kind | 0o600, u32::from(op)).map(drop)
            }
            3 => fs.unlink(&p, cwd),
            4 => fs.rmdir(&p, cwd),
            5 => fs.rename(&p, &path(&mut input), cwd),
            6 => fs.link(&p, &path(&mut input), cwd),
            7 => {
                let bits = input.byte();
                let opts = OpenOptions {
                    create: bits & 1 != 0,
                    exclusive: bits & 2 != 0,
                    truncate: bits & 4 != 0,
                    directory: bits & 8 != 0,
                    write: bits & 16 != 0,
                    mode: 0o600,
                };
                fs.open(&p, cwd, opts).map(|ino| {
                    if opts.truncate && opts.write && fs.stat(ino).is_ok_and(|s| s.is_file()) {
                        model.remove(&ino);
                    }
                    held.push(ino);
                })
            }
            8 if !held.is_empty() => {
                let ino = held.swap_remove(usize::from(op >> 4) % held.len());
                fs.release(ino)
            }
            9..=11 if !held.is_empty() => {
                let ino = held[usize::from(input.byte()) % held.len()];
                let near = u64::from(input.u16());
                let len = usize::from(input.byte()) * 23;
                if op & 0x80 == 0 && !unmodeled.contains(&ino) {
                    file_data(&mut fs, &mut model, op % 16, ino, near % MODEL_SPAN, len)
                } else {
                    // Offsets a program can reach with lseek: the model cannot follow them.
                    let far = [MAX_FILE_SIZE - near, u64::MAX - near, (1 << 40) + near];
                    model.remove(&ino);
                    unmodeled.insert(ino);
                    far_data(&mut fs, op % 16, ino, far[usize::from(op >> 5) % 3], len)
                }
            }
            12 => fs.lookup(&p, cwd).and_then(|dir| {
                if !fs.stat(dir)?.is_dir() {
                    return Err(Errno::ENOTDIR);
                }
                fs.retain(dir)?;
                if cwd != ROOT_INO {
                    fs.release(cwd)?;
                }
                cwd = dir;
                Ok(())
            }),
            13 => fs
                .lookup(&p, cwd)
                .map(|ino| check_lexical(&fs, &p, cwd, ino)),
            14 => fs
                .path_of(cwd)
                .map(|at| assert_eq!(fs.lookup(&at, ROOT_INO), Ok(cwd))),
            _ => fs.lookup(&p, cwd).and_then(|dir| {
                // getdents64 resumes at any cookie a program passes: it always moves on.
                let cookie = u64::from(input.u16()) << (op >> 4);
                if let Some(entry) = fs.dir_entry(dir, cookie)? {
                    assert!(entry.next > cookie, "cookie {cookie} gives {}", entry.next);
                }
                for (name, ino, kind) in fs.list(dir)? {
                    assert_eq!(fs.lookup(&name, dir), Ok(ino), "{name:?}");
                    let stat = fs.stat(ino).expect("a listed inode");
                    assert_eq!(Some(kind), stat.kind());
                }
                Ok(())
            }),
        };
        if result.is_err() {
            assert_eq!(fs.inode_count(), inodes, "op {op} {p:?}: {result:?}");
            assert_eq!(fs.store().in_use(), pages, "op {op} {p:?}: {result:?}");
        }
        let held_pages = fs.check_invariants();
        assert_eq!(held_pages, fs.store().in_use());
        model.retain(|ino, _| fs.stat(*ino).is_ok());
    }

    for ino in held.drain(..) {
        fs.release(ino).expect("a held reference");
    }
    if cwd != ROOT_INO {
        fs.release(cwd).expect("the working directory's reference");
    }
    remove_all(&mut fs, ROOT_INO);
    fs.check_invariants();
    assert_eq!(fs.inode_count(), 1, "only the root is left");
    assert_eq!(fs.store().in_use(), 0, "every page is back");
}

/// Writes, truncates or reads `ino`, checking it against the byte model.
fn file_data(
    fs: &mut RamFs<VecStore>,
    model: &mut BTreeMap<Ino, Vec<u8>>,
    op: u8,
    ino: Ino,
    offset: u64,
    len: usize,
) -> Result<(), Errno> {
    let at = offset as usize;
    match op {
        9 => {
            let data: Vec<u8> = (0..len).map(|i| (i as u8) ^ (offset as u8) | 1).collect();
            let n = fs.write_at(ino, offset, &data)?;
            assert!(n <= len && (n > 0 || len == 0), "wrote {n} of {len}");
            if n == 0 {
                return Ok(()); // a write of nothing does not move the end of the file
            }
            let bytes = model.entry(ino).or_default();
            if bytes.len() < at + n {
                bytes.resize(at + n, 0);
            }
            bytes[at..at + n].copy_from_slice(&data[..n]);
        }
        10 => {
            fs.truncate(ino, offset)?;
            model.entry(ino).or_default().resize(at, 0);
        }
        _ => {
            let mut buf = vec![0x5a; len];
            let n = fs.read_at(ino, offset, &mut buf)?;
            let empty = Vec::new();
            let bytes = model.get(&ino).unwrap_or(&empty);
            let expect = bytes.get(at..).unwrap_or(&[]);
            let expect = &expect[..expect.len().min(len)];
            assert_eq!(&buf[..n], expect, "read of {len} at {offset}");
            assert_eq!(fs.stat(ino)?.size, bytes.len() as u64);
        }
    }
    Ok(())
}

/// Writes, truncates or reads `ino` at an offset near the largest file size or past it: the
/// answers are bounded and the size covers what a write wrote.
fn far_data(
    fs: &mut RamFs<VecStore>,
    op: u8,
    ino: Ino,
    offset: u64,
    len: usize,
) -> Result<(), Errno> {
    let _ = fs.pages_present(ino, offset, len)?;
    match op {
        9 => {
            let n = fs.write_at(ino, offset, &vec![7; len])?;
            // A write of nothing succeeds anywhere, as on Linux.
            let end = offset.checked_add(n as u64);
            assert!(n <= len && (n == 0 || end.is_some_and(|end| end <= MAX_FILE_SIZE)));
            assert!(n == 0 || fs.stat(ino)?.size >= offset + n as u64);
        }
        10 => {
            fs.truncate(ino, offset)?;
            assert_eq!(fs.stat(ino)?.size, offset);
        }
        _ => {
            let mut buf = vec![0; len];
            let n = fs.read_at(ino, offset, &mut buf)?;
            let size = fs.stat(ino)?.size;
            assert!(n <= len && (n == 0 || offset + n as u64 <= size));
        }
    }
    Ok(())
}

/// Checks that `path`, resolved from `cwd` to `ino`, names `ino` once `.` and `..` are applied
/// lexically to its absolute spelling: with no symbolic links the walk must agree, and `..`
/// never climbs above the root.
fn check_lexical(fs: &RamFs<VecStore>, path: &str, cwd: Ino, ino: Ino) {
    let absolute = if path.starts_with('/') {
        String::from(path)
    } else {
        match fs.path_of(cwd) {
            Ok(dir) => dir + "/" + path,
            Err(_) => return,
        }
    };
    if absolute.len() >= PATH_MAX {
        return;
    }
    let mut normal = String::from("/");
    normal.push_str(&normalize(&absolute).join("/"));
    assert_eq!(fs.lookup(&normal, ROOT_INO), Ok(ino), "{path:?} from {cwd}");
}

/// Removes everything below `dir`, by names relative to each directory.
fn remove_all(fs: &mut RamFs<VecStore>, dir: Ino) {
    for (name, ino, kind) in fs.list(dir).expect("a directory") {
        if kind == FileType::Dir {
            remove_all(fs, ino);
            fs.rmdir(&name, dir).expect("an emptied directory");
        } else {
            fs.unlink(&name, dir).expect("a name");
        }
    }
}

/// `ramfs_fill`: the initrd unpacker on whatever archive the cpio reader accepts. It either
/// unpacks or runs out of pages (`ENOSPC`), nothing else; the arena stays consistent and the
/// store lends exactly the pages files hold; every regular file whose path (plain names only)
/// was last given by a file entry has that entry's mode and data, or, for the hard links of
/// one file, the mode and data of one of its links (an archive may disagree with itself).
pub fn fill(data: &[u8]) {
    let Ok(archive) = Archive::parse(data) else {
        return;
    };
    let mut fs = RamFs::new(VecStore::new(4));
    let result = fill_from_cpio(&mut fs, &archive);
    assert!(matches!(result, Ok(_) | Err(Errno::ENOSPC)), "{result:?}");
    assert_eq!(fs.check_invariants(), fs.store().in_use());
    if result.is_err() {
        return;
    }
    let entries: Vec<_> = archive.entries_with_links().collect();
    for (i, (entry, link)) in entries.iter().enumerate() {
        let plain = !entry.path.is_empty()
            && entry
                .path
                .split('/')
                .all(|c| !c.is_empty() && c != "." && c != "..");
        // `a/../b` names `b` too.
        let last = entries[i + 1..]
            .iter()
            .all(|(e, _)| normalize(e.path) != normalize(entry.path));
        if !plain || !last || !entry.is_file() {
            continue;
        }
        let Ok(ino) = fs.lookup(entry.path, ROOT_INO) else {
            continue; // skipped: a parent is a file
        };
        let Ok(stat) = fs.stat(ino) else { continue };
        if !stat.is_file() {
            continue; // skipped: a directory has the name
        }
        let mut buf = vec![0; stat.size as usize];
        assert_eq!(fs.read_at(ino, 0, &mut buf), Ok(buf.len()));
        let links: Vec<_> = entries
            .iter()
            .filter(|(e, l)| e.is_file() && l.same_file(link))
            .map(|(e, _)| (e.permissions(), e.data))
            .collect();
        let candidates = if links.is_empty() {
            vec![(entry.permissions(), entry.data)]
        } else {
            links
        };
        assert!(
            candidates.contains(&(stat.mode & 0o7777, &buf[..])),
            "{:?}: mode {:o}, {} bytes",
            entry.path,
            stat.mode,
            buf.len()
        );
    }
}

#[cfg(test)]
mod tests {
    //! Replays the committed corpora and regressions: fast, and part of `cargo test`.
    use fuzz_replay::replay;
    extern crate std;
    use crate::{OpenOptions, RamFs, VecStore, ROOT_INO};
    use abi::errno::Errno;

    #[test]
    fn ramfs_ops_corpus_replays() {
        replay("ramfs_ops", super::ops);
    }

    #[test]
    fn ramfs_fill_corpus_replays() {
        replay("ramfs_fill", super::fill);
    }

    /// Found by `ramfs_ops`: `open` with `O_CREAT | O_DIRECTORY` of a free name created a
    /// regular file, then failed with `ENOTDIR`, leaving the file behind.
    #[test]
    fn open_creat_directory_creates_nothing() {
        super::ops(include_bytes!(
            "../../../fuzz/regressions/ramfs_ops/open-creat-directory-leaves-a-file"
        ));
        let mut fs = RamFs::new(VecStore::new(1));
        let opts = OpenOptions {
            create: true,
            directory: true,
            ..OpenOptions::default()
        };
        assert_eq!(fs.open("c", ROOT_INO, opts), Err(Errno::EINVAL));
        assert_eq!(fs.lookup("c", ROOT_INO), Err(Errno::ENOENT));
        assert_eq!(fs.inode_count(), 1);
    }

    /// Found by `ramfs_ops`: a write of nothing past the end leaves the size alone (as on
    /// Linux); the property's byte model first grew the file.
    #[test]
    fn write_of_nothing_past_the_end() {
        super::ops(include_bytes!(
            "../../../fuzz/regressions/ramfs_ops/write-of-nothing-past-the-end"
        ));
        super::ops(include_bytes!(
            "../../../fuzz/regressions/ramfs_ops/write-of-nothing"
        ));
    }

    /// Found by `ramfs_fill`: two hard links of one file with different modes; the file gets
    /// the mode of one of them (the property first demanded each name's own).
    #[test]
    fn hard_links_that_disagree_on_the_mode() {
        super::fill(include_bytes!(
            "../../../fuzz/regressions/ramfs_fill/hard-links-with-different-modes.cpio"
        ));
    }
}

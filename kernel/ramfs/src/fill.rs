//! Unpacking the initrd (a cpio newc archive) into the file system, as Linux unpacks an
//! initramfs into its rootfs.

use crate::fs::{FileType, Ino, RamFs, PERMISSION_BITS, ROOT_INO, S_IFMT};
use crate::store::PageStore;
use abi::errno::Errno;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use initrd::cpio::{Archive, Entry};

/// Why an archive entry was left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// A symbolic link, device, FIFO or socket: the RAM file system holds only files and
    /// directories from the archive (the VFS makes `/dev` itself).
    Unsupported(FileType),
    /// The mode's type bits name no file type at all.
    UnknownType(u32),
    /// A parent on the path is a file, not a directory.
    ParentNotDirectory,
    /// The name is already a directory and the entry is not one (or the other way round).
    TypeConflict,
}

/// An entry [`fill_from_cpio`] left out, for the caller to log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The entry's path, as normalised by the archive reader (`dev/console`).
    pub path: String,
    /// The entry's full mode.
    pub mode: u32,
    /// Why.
    pub reason: SkipReason,
}

/// What [`fill_from_cpio`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FillReport {
    /// Regular files created (one per inode, whatever its number of names).
    pub files: usize,
    /// Extra names given to files already created (hard links).
    pub links: usize,
    /// Directories created, listed in the archive or not.
    pub dirs: usize,
    /// Entries left out.
    pub skipped: Vec<Skipped>,
}

/// Builds the tree the archive describes under the root of `fs`: directories with their modes
/// (missing parents are created with `0o755`; a directory's own entry, even after its contents,
/// sets its mode, and the root's entry `.` the root's), regular files with their modes and data,
/// and the hard links of a file (same inode and device in the archive, nlink above 1) as names
/// of one inode. A later entry for a file's path replaces the earlier one (as Linux unpacks an
/// initramfs). Symbolic links, devices, FIFOs and sockets are skipped and reported.
///
/// Errors: `ENOSPC` when the page store runs out (what was built so far stays).
pub fn fill_from_cpio<S: PageStore>(
    fs: &mut RamFs<S>,
    archive: &Archive<'_>,
) -> Result<FillReport, Errno> {
    let mut report = FillReport::default();
    // Archive link identity -> the inode created for the first name of that file.
    let mut linked: BTreeMap<(u32, u32, u32), Ino> = BTreeMap::new();
    for (entry, link) in archive.entries_with_links() {
        let skip = |reason| Skipped {
            path: entry.path.to_string(),
            mode: entry.mode,
            reason,
        };
        let kind = match FileType::from_mode(entry.mode) {
            Some(kind @ (FileType::File | FileType::Dir)) => kind,
            Some(other) => {
                report.skipped.push(skip(SkipReason::Unsupported(other)));
                continue;
            }
            None => {
                report
                    .skipped
                    .push(skip(SkipReason::UnknownType(entry.mode & S_IFMT)));
                continue;
            }
        };
        let parent = match make_parents(fs, entry.path, &mut report) {
            Ok(parent) => parent,
            Err(Errno::ENOTDIR) => {
                report.skipped.push(skip(SkipReason::ParentNotDirectory));
                continue;
            }
            Err(e) => return Err(e),
        };
        let name = entry.path.rsplit('/').next().unwrap_or("");
        let existing = if entry.path.is_empty() {
            Some(ROOT_INO)
        } else {
            fs.lookup(name, parent).ok()
        };
        let perm = entry.mode & PERMISSION_BITS;
        if kind == FileType::Dir {
            match existing {
                Some(ino) if fs.stat(ino)?.is_dir() => fs.set_permissions(ino, perm)?,
                Some(_) => report.skipped.push(skip(SkipReason::TypeConflict)),
                None => {
                    fs.mkdir(name, parent, perm)?;
                    report.dirs += 1;
                }
            }
            continue;
        }
        match existing {
            Some(ino) if fs.stat(ino)?.is_dir() => {
                report.skipped.push(skip(SkipReason::TypeConflict));
                continue;
            }
            Some(_) => fs.unlink(name, parent)?,
            None => {}
        }
        let key = (link.ino, link.dev_major, link.dev_minor);
        if link.nlink > 1 {
            if let Some(&first) = linked.get(&key) {
                if fs.stat(first).is_ok_and(|s| s.nlink > 0) {
                    fs.link_ino(first, name, parent)?;
                    report.links += 1;
                    continue;
                }
            }
        }
        let ino = create_file(fs, &entry, name, parent)?;
        report.files += 1;
        if link.nlink > 1 {
            linked.insert(key, ino);
        }
    }
    Ok(report)
}

/// Creates every missing directory above `path` and returns the innermost one. `ENOTDIR` if one
/// of them is a file.
fn make_parents<S: PageStore>(
    fs: &mut RamFs<S>,
    path: &str,
    report: &mut FillReport,
) -> Result<Ino, Errno> {
    let mut at = ROOT_INO;
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    for name in parts.into_iter().filter(|n| !n.is_empty()) {
        at = match fs.lookup(name, at) {
            Ok(ino) if fs.stat(ino)?.is_dir() => ino,
            Ok(_) => return Err(Errno::ENOTDIR),
            Err(Errno::ENOENT) => {
                report.dirs += 1;
                fs.mkdir(name, at, 0o755)?
            }
            Err(e) => return Err(e),
        };
    }
    Ok(at)
}

/// Creates the regular file `name` in `parent` with the entry's mode and data; on `ENOSPC` the
/// half-made file is removed again.
fn create_file<S: PageStore>(
    fs: &mut RamFs<S>,
    entry: &Entry<'_>,
    name: &str,
    parent: Ino,
) -> Result<Ino, Errno> {
    let ino = fs.create(name, parent, entry.mode & PERMISSION_BITS)?;
    let mut done = 0;
    while done < entry.data.len() {
        match fs.write_at(ino, done as u64, &entry.data[done..]) {
            Ok(n) => done += n,
            Err(e) => {
                fs.unlink(name, parent)?;
                return Err(e);
            }
        }
    }
    Ok(ino)
}

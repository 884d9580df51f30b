//! The root file system: one [`RamFs`] holding every file, its pages in
//! physical frames ([`FramePages`]), filled from the initrd at boot as Linux
//! fills its rootfs from an initramfs, with `/dev`, `/proc` and `/tmp` made
//! when the archive lacks them.
//!
//! The file system sits behind one interrupt-masking lock ([`with_root`]);
//! every operation under it is short (a walk, a page copy), and no other
//! lock is taken inside it but the frame allocator's. Code that holds a
//! process's lock may take it; code holding it takes nothing else, and
//! never drops a [`Node`] (whose release takes it again).

use alloc::string::String;
use alloc::sync::Arc;

use abi::errno::Errno;
use abi::limits::MAX_PATH_LEN;
use ramfs::{FillReport, Ino, RamFs, ROOT_INO};
use spin::Once;

use super::dev::Device;
use crate::arch::x86::lock::IrqMutex;
use crate::mm::file_pages::FramePages;
use crate::proc::Pid;

/// The RAM file system in frames.
pub type RootFs = RamFs<FramePages>;

static ROOT: IrqMutex<Option<RootFs>> = IrqMutex::new(None);

/// The inode of `/proc` in the RAM file system: an empty directory that
/// names the place; paths through it are served by `proc.rs`.
static PROC_DIR: Once<Ino> = Once::new();

/// Contiguous kernel heap a file-system operation needs besides its path.
/// The RAM file system keeps names, inodes and page lists in heap maps,
/// whose inserts cannot report failure; one insert splits at most a few
/// nodes of under 1 KiB. An operation runs only when a block this large
/// (plus what its path needs, see [`heap_room_for_path`]) can be allocated,
/// and twice that is free in total, so a full or fragmented heap is ENOMEM,
/// never a panic.
const HEAP_BLOCK: usize = 4 * 1024;

/// Runs `f` on the root file system, locked.
pub fn with_root<R>(f: impl FnOnce(&mut RootFs) -> R) -> R {
    f(ROOT.lock().as_mut().expect("root file system not mounted"))
}

/// ENOMEM unless the kernel heap has room for an operation that adds names,
/// inodes or pages.
pub fn heap_room() -> Result<(), Errno> {
    heap_room_of(HEAP_BLOCK)
}

/// ENOMEM unless the heap has room to list the names of `path` (a pointer
/// and a length each, in a vector that doubles as it grows).
fn heap_room_for_path(path: &str) -> Result<(), Errno> {
    let names = path.bytes().filter(|&b| b == b'/').count() + 1;
    heap_room_of(16 * names)
}

fn heap_room_of(block: usize) -> Result<(), Errno> {
    if crate::mm::heap::free_bytes() < 2 * block || !crate::mm::heap::has_block_of(block) {
        return Err(Errno::ENOMEM);
    }
    Ok(())
}

/// A reference the kernel holds on an inode (an open file, a working
/// directory): the inode, even unlinked, lives until the last one drops.
pub struct Node(Ino);

impl Node {
    /// Wraps a reference already taken (by `RamFs::open` or `retain`).
    pub(super) fn adopt(ino: Ino) -> Node {
        Node(ino)
    }

    /// A new reference on `ino`.
    pub fn retain(ino: Ino) -> Result<Arc<Node>, Errno> {
        with_root(|fs| fs.retain(ino))?;
        let node = Node(ino);
        Arc::try_new(node).map_err(|_| Errno::ENOMEM)
    }

    /// A reference on the root directory (pid 1's working directory).
    pub fn root() -> Result<Arc<Node>, Errno> {
        Node::retain(ROOT_INO)
    }

    /// The inode.
    pub fn ino(&self) -> Ino {
        self.0
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        // Never dropped under the file-system lock (see the module doc).
        let released = with_root(|fs| fs.release(self.0));
        debug_assert!(released.is_ok(), "a node released twice");
    }
}

/// Unpacks the initrd into a new root file system and adds `/dev` with its
/// device nodes, `/proc` and `/tmp`.
pub fn mount(archive: &initrd::cpio::Archive<'_>) -> Result<FillReport, Errno> {
    let store = FramePages::take().expect("the root file system is mounted once");
    let mut fs = RamFs::new(store);
    let report = ramfs::fill_from_cpio(&mut fs, archive)?;
    for (dir, perm) in [("/dev", 0o755), ("/proc", 0o555), ("/tmp", 0o1777)] {
        ignore_existing(fs.mkdir(dir, ROOT_INO, perm).map(drop))?;
    }
    for (device, name, perm) in Device::ALL {
        let mut path = String::from("/dev/");
        path.push_str(name);
        let made = fs.mknod(&path, ROOT_INO, Device::node_mode(perm), device.tag());
        ignore_existing(made.map(drop))?;
    }
    let proc_dir = fs.lookup("/proc", ROOT_INO)?;
    PROC_DIR.call_once(|| proc_dir);
    *ROOT.lock() = Some(fs);
    Ok(report)
}

fn ignore_existing(result: Result<(), Errno>) -> Result<(), Errno> {
    match result {
        Err(Errno::EEXIST) => Ok(()),
        other => other,
    }
}

/// Where a path leads: into the RAM file system (resolved there, from the
/// working directory), or into `/proc`.
pub enum Route<'p> {
    /// A RAM file system path, resolved from `cwd`.
    Ram {
        /// The path as given.
        path: &'p str,
        /// The working directory's inode.
        cwd: Ino,
    },
    /// A `/proc` path.
    Proc(super::proc::ProcPath),
}

/// Decides where `path` leads for `caller`, whose working directory is
/// `cwd`. `/proc` is recognised after `.` and `..` are applied lexically
/// (there are no symbolic links to make that differ from the walk, but a
/// path through a regular file, `/bin/sh/../proc`, reaches `/proc` here
/// where Linux says ENOTDIR).
///
/// The walk itself allocates nothing (removing a file must work on a full
/// heap); recognising `/proc` lists the path's names, so paths that may
/// lead there are checked first ([`heap_room_for_path`]).
pub fn route<'p>(path: &'p str, cwd: &Node, caller: Pid) -> Result<Route<'p>, Errno> {
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    if path.len() > MAX_PATH_LEN {
        return Err(Errno::ENAMETOOLONG);
    }
    let in_proc_dir = PROC_DIR.get() == Some(&cwd.ino());
    let proc_path = if path.starts_with('/') {
        if path.contains("proc") {
            heap_room_for_path(path)?;
            proc_rest(&ramfs::normalize(path), caller)?
        } else {
            None
        }
    } else if path.contains("proc") || in_proc_dir {
        heap_room_of(HEAP_BLOCK + 16 * (MAX_PATH_LEN / 2))?;
        match with_root(|fs| fs.path_of(cwd.ino())) {
            Ok(base) => {
                let mut full = String::new();
                full.try_reserve(base.len() + 1 + path.len())
                    .map_err(|_| Errno::ENOMEM)?;
                full.push_str(&base);
                full.push('/');
                full.push_str(path);
                proc_rest(&ramfs::normalize(&full), caller)?
            }
            // A removed working directory: the RAM file system says ENOENT.
            Err(_) => None,
        }
    } else {
        None
    };
    Ok(match proc_path {
        Some(p) => Route::Proc(p),
        None => Route::Ram {
            path,
            cwd: cwd.ino(),
        },
    })
}

/// The `/proc` path that `components` (a normalised absolute path) names,
/// if it starts with `proc`.
fn proc_rest(components: &[&str], caller: Pid) -> Result<Option<super::proc::ProcPath>, Errno> {
    match components.split_first() {
        Some((&"proc", rest)) => super::proc::parse(rest, caller).map(Some),
        _ => Ok(None),
    }
}

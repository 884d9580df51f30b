//! The inode arena and every operation on it.

use crate::path::{self, Last, Split, PATH_MAX};
use crate::store::{PageHandle, PageStore, PAGE_SIZE};
use abi::errno::Errno;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// An inode number. Numbers are never reused while the file system lives.
pub type Ino = u64;

/// The root directory's inode number.
pub const ROOT_INO: Ino = 1;

pub use abi::fs::{S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK};

/// The permission bits of a mode (with set-uid, set-gid and sticky).
pub const PERMISSION_BITS: u32 = 0o7777;

/// The largest size a file may reach (`EFBIG` beyond), as for a 64-bit `off_t`.
pub const MAX_FILE_SIZE: u64 = i64::MAX as u64;

/// What kind of file an inode is, as `stat` and `getdents64` report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A character device.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A FIFO.
    Fifo,
    /// A socket.
    Socket,
    /// A symbolic link.
    Symlink,
}

impl FileType {
    /// The type of a mode's `S_IFMT` bits, if it is one.
    pub fn from_mode(mode: u32) -> Option<FileType> {
        Some(match mode & S_IFMT {
            S_IFREG => FileType::File,
            S_IFDIR => FileType::Dir,
            S_IFCHR => FileType::CharDevice,
            S_IFBLK => FileType::BlockDevice,
            S_IFIFO => FileType::Fifo,
            S_IFSOCK => FileType::Socket,
            S_IFLNK => FileType::Symlink,
            _ => return None,
        })
    }

    /// The `d_type` value `getdents64` reports (Linux's `DT_*`).
    pub fn dirent_type(self) -> u8 {
        match self {
            FileType::Fifo => 1,
            FileType::CharDevice => 2,
            FileType::Dir => 4,
            FileType::BlockDevice => 6,
            FileType::File => 8,
            FileType::Symlink => 10,
            FileType::Socket => 12,
        }
    }
}

/// What `stat` reports about an inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stat {
    /// File type and permission bits.
    pub mode: u32,
    /// Bytes in a file; for a directory, 20 bytes per entry with `.` and `..` (as Linux's tmpfs
    /// counts); 0 for a special node.
    pub size: u64,
    /// The inode number.
    pub ino: Ino,
    /// Names of the inode (a directory: 2 plus its subdirectories; 0 once removed but still
    /// open).
    pub nlink: u32,
}

impl Stat {
    /// The file type.
    pub fn kind(&self) -> Option<FileType> {
        FileType::from_mode(self.mode)
    }

    /// Whether this is a directory.
    pub fn is_dir(&self) -> bool {
        self.mode & S_IFMT == S_IFDIR
    }

    /// Whether this is a regular file.
    pub fn is_file(&self) -> bool {
        self.mode & S_IFMT == S_IFREG
    }
}

/// One entry of a directory listing, borrowed from the file system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirEntry<'a> {
    /// The name (`.` and `..` come first in every listing).
    pub name: &'a str,
    /// The inode it names.
    pub ino: Ino,
    /// Its type.
    pub kind: FileType,
    /// The cookie that resumes the listing after this entry (getdents64's `d_off`).
    pub next: u64,
}

/// How [`RamFs::open`] treats the path: the file-system half of `open`'s flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// `O_CREAT`: create a regular file if the name is free.
    pub create: bool,
    /// `O_EXCL` (with `create`): fail with `EEXIST` if the name is taken.
    pub exclusive: bool,
    /// `O_TRUNC`: empty a regular file opened for writing.
    pub truncate: bool,
    /// `O_DIRECTORY`: fail with `ENOTDIR` unless the path is a directory.
    pub directory: bool,
    /// The access mode allows writing (`O_WRONLY` or `O_RDWR`): `EISDIR` on a directory.
    pub write: bool,
    /// Permission bits for a file that gets created.
    pub mode: u32,
}

/// A directory's entries.
#[derive(Debug, Default)]
struct Dir {
    /// The parent directory (the root is its own parent).
    parent: Ino,
    /// Name -> (inode, sequence number).
    names: BTreeMap<String, (Ino, u64)>,
    /// Sequence number -> name: the listing order, which is the order of insertion, so a
    /// listing resumed with a cookie neither repeats nor skips an entry that stays put.
    order: BTreeMap<u64, String>,
    /// The sequence number of the next entry.
    next_seq: u64,
}

impl Dir {
    fn new(parent: Ino) -> Self {
        Self {
            parent,
            ..Self::default()
        }
    }

    fn insert(&mut self, name: &str, ino: Ino) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.names.insert(name.to_string(), (ino, seq));
        self.order.insert(seq, name.to_string());
    }

    fn remove(&mut self, name: &str) -> Option<Ino> {
        let (ino, seq) = self.names.remove(name)?;
        self.order.remove(&seq);
        Some(ino)
    }

    fn get(&self, name: &str) -> Option<Ino> {
        self.names.get(name).map(|&(ino, _)| ino)
    }
}

/// What an inode holds.
#[derive(Debug)]
enum Body {
    /// A regular file: its size and the pages that exist (holes have none).
    File {
        size: u64,
        pages: BTreeMap<u64, PageHandle>,
    },
    /// A directory.
    Dir(Dir),
    /// A node whose contents the VFS provides (a device, a FIFO, a mount point of another file
    /// system); `tag` is the VFS's to interpret.
    Special { tag: u32 },
}

/// One inode.
#[derive(Debug)]
struct Inode {
    /// File type and permission bits.
    mode: u32,
    /// Directory entries naming it (for a directory, also its `.` and its subdirectories' `..`).
    nlink: u32,
    /// References the VFS holds (open files, working directories); see [`RamFs::retain`].
    open: u32,
    body: Body,
}

/// The result of walking a path up to its last component.
struct Parent<'p> {
    dir: Ino,
    last: Last<'p>,
    trailing_slash: bool,
}

/// A RAM file system: an arena of inodes whose file data lives in pages of `S`.
#[derive(Debug)]
pub struct RamFs<S: PageStore> {
    inodes: BTreeMap<Ino, Inode>,
    next_ino: Ino,
    store: S,
}

impl<S: PageStore> RamFs<S> {
    /// An empty file system (a root directory with mode `0o755`) over `store`.
    pub fn new(store: S) -> Self {
        let mut inodes = BTreeMap::new();
        inodes.insert(
            ROOT_INO,
            Inode {
                mode: S_IFDIR | 0o755,
                nlink: 2,
                open: 0,
                body: Body::Dir(Dir::new(ROOT_INO)),
            },
        );
        Self {
            inodes,
            next_ino: ROOT_INO + 1,
            store,
        }
    }

    /// The page store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Number of live inodes (named, or unnamed but still open), the root included.
    pub fn inode_count(&self) -> usize {
        self.inodes.len()
    }

    // ---- lookups ----

    fn inode(&self, ino: Ino) -> Result<&Inode, Errno> {
        self.inodes.get(&ino).ok_or(Errno::ENOENT)
    }

    fn inode_mut(&mut self, ino: Ino) -> Result<&mut Inode, Errno> {
        self.inodes.get_mut(&ino).ok_or(Errno::ENOENT)
    }

    /// The directory `ino`: `ENOTDIR` if it is something else, `ENOENT` if it was removed.
    fn dir(&self, ino: Ino) -> Result<&Dir, Errno> {
        let inode = self.inode(ino)?;
        match &inode.body {
            Body::Dir(dir) if inode.nlink > 0 => Ok(dir),
            Body::Dir(_) => Err(Errno::ENOENT),
            _ => Err(Errno::ENOTDIR),
        }
    }

    fn dir_mut(&mut self, ino: Ino) -> Result<&mut Dir, Errno> {
        let inode = self.inode_mut(ino)?;
        let alive = inode.nlink > 0;
        match &mut inode.body {
            Body::Dir(dir) if alive => Ok(dir),
            Body::Dir(_) => Err(Errno::ENOENT),
            _ => Err(Errno::ENOTDIR),
        }
    }

    fn is_dir(&self, ino: Ino) -> bool {
        matches!(
            self.inodes.get(&ino),
            Some(Inode {
                body: Body::Dir(_),
                ..
            })
        )
    }

    /// One step of a walk from the directory `dir`.
    fn step(&self, dir: Ino, name: &str) -> Result<Ino, Errno> {
        let d = self.dir(dir)?;
        match name {
            "." => Ok(dir),
            ".." => Ok(d.parent),
            _ => d.get(name).ok_or(Errno::ENOENT),
        }
    }

    /// Walks `split`'s directory part from `cwd` (or the root).
    fn walk_parent<'p>(&self, split: Split<'p>, cwd: Ino) -> Result<Parent<'p>, Errno> {
        let mut at = if split.absolute { ROOT_INO } else { cwd };
        self.dir(at)?;
        for name in split.dir_names() {
            at = self.step(at, name)?;
        }
        // The last component is looked up in a directory, so this must be one.
        self.dir(at)?;
        Ok(Parent {
            dir: at,
            last: split.last,
            trailing_slash: split.trailing_slash,
        })
    }

    fn parent_of<'p>(&self, path: &'p str, cwd: Ino) -> Result<Parent<'p>, Errno> {
        self.walk_parent(path::split(path)?, cwd)
    }

    /// The inode `parent.last` names, if any.
    fn last_ino(&self, parent: &Parent<'_>) -> Result<Option<Ino>, Errno> {
        let dir = self.dir(parent.dir)?;
        Ok(match parent.last {
            Last::Name(name) => dir.get(name),
            Last::Dot | Last::Root => Some(parent.dir),
            Last::DotDot => Some(dir.parent),
        })
    }

    /// Resolves `path` from the working directory `cwd`: `.` and `..` (`..` of the root is the
    /// root), repeated slashes, and a trailing slash that requires a directory.
    ///
    /// Errors: `ENOENT` (a missing name, an empty path, a removed directory), `ENOTDIR` (a
    /// non-directory used as one), `ENAMETOOLONG`, `EINVAL` (a NUL byte).
    pub fn lookup(&self, path: &str, cwd: Ino) -> Result<Ino, Errno> {
        let parent = self.parent_of(path, cwd)?;
        let ino = self.last_ino(&parent)?.ok_or(Errno::ENOENT)?;
        if parent.trailing_slash && !self.is_dir(ino) {
            return Err(Errno::ENOTDIR);
        }
        Ok(ino)
    }

    /// The absolute path of the directory `dir` (for `getcwd`): `ENOENT` once it was removed,
    /// `ENOTDIR` for a non-directory, `ENAMETOOLONG` when it would not fit in [`PATH_MAX`]
    /// (directories can nest deeper than a path can name), `ENOMEM` when the heap cannot hold
    /// it.
    pub fn path_of(&self, dir: Ino) -> Result<String, Errno> {
        let mut names: Vec<&str> = Vec::new();
        let mut len = 0;
        let mut at = dir;
        while at != ROOT_INO {
            let parent = self.dir(at)?.parent;
            let (name, _) = self
                .dir(parent)?
                .names
                .iter()
                .find(|(_, &(ino, _))| ino == at)
                .ok_or(Errno::ENOENT)?;
            len += 1 + name.len();
            if len >= PATH_MAX {
                return Err(Errno::ENAMETOOLONG);
            }
            names.try_reserve(1).map_err(|_| Errno::ENOMEM)?;
            names.push(name);
            at = parent;
        }
        let mut path = String::new();
        path.try_reserve(len.max(1)).map_err(|_| Errno::ENOMEM)?;
        if names.is_empty() {
            path.push('/');
        }
        for name in names.iter().rev() {
            path.push('/');
            path.push_str(name);
        }
        Ok(path)
    }

    // ---- references held by the VFS ----

    /// Records one more reference the VFS holds on `ino` (an open file description, a working
    /// directory): the inode outlives its last name until the matching [`RamFs::release`].
    pub fn retain(&mut self, ino: Ino) -> Result<(), Errno> {
        let inode = self.inode_mut(ino)?;
        inode.open = inode.open.checked_add(1).ok_or(Errno::ENFILE)?;
        Ok(())
    }

    /// Drops a reference taken by [`RamFs::retain`] or [`RamFs::open`]. An inode with no name
    /// left is freed, with its pages, when its last reference goes. `EINVAL` if `ino` holds no
    /// reference.
    pub fn release(&mut self, ino: Ino) -> Result<(), Errno> {
        let inode = self.inode_mut(ino)?;
        if inode.open == 0 {
            return Err(Errno::EINVAL);
        }
        inode.open -= 1;
        self.free_if_unused(ino);
        Ok(())
    }

    /// Frees `ino` if nothing names or holds it.
    fn free_if_unused(&mut self, ino: Ino) {
        let unused = matches!(self.inodes.get(&ino), Some(i) if i.nlink == 0 && i.open == 0);
        if !unused {
            return;
        }
        if let Some(inode) = self.inodes.remove(&ino) {
            if let Body::File { pages, .. } = inode.body {
                for page in pages.into_values() {
                    self.store.free(page);
                }
            }
        }
    }

    // ---- creating ----

    fn new_inode(&mut self, mode: u32, nlink: u32, body: Body) -> Ino {
        let ino = self.next_ino;
        self.next_ino += 1;
        self.inodes.insert(
            ino,
            Inode {
                mode,
                nlink,
                open: 0,
                body,
            },
        );
        ino
    }

    /// The free name `parent.last` for a new entry: `EEXIST` for `/`, `.`, `..` and taken names.
    fn new_name<'p>(&self, parent: &Parent<'p>) -> Result<&'p str, Errno> {
        match parent.last {
            Last::Name(name) => {
                path::check_name(name)?;
                if self.dir(parent.dir)?.get(name).is_some() {
                    return Err(Errno::EEXIST);
                }
                Ok(name)
            }
            Last::Dot | Last::DotDot | Last::Root => Err(Errno::EEXIST),
        }
    }

    /// Creates a directory with permission bits `perm`. `EEXIST` if the name is taken (`/`,
    /// `.` and `..` always are); a trailing slash is allowed.
    pub fn mkdir(&mut self, path: &str, cwd: Ino, perm: u32) -> Result<Ino, Errno> {
        let parent = self.parent_of(path, cwd)?;
        let name = self.new_name(&parent)?;
        let ino = self.new_inode(
            S_IFDIR | (perm & PERMISSION_BITS),
            2,
            Body::Dir(Dir::new(parent.dir)),
        );
        self.dir_mut(parent.dir)?.insert(name, ino);
        self.inode_mut(parent.dir)?.nlink += 1;
        Ok(ino)
    }

    /// Creates an empty regular file (`O_CREAT|O_EXCL`): `EEXIST` if the name is taken, `EISDIR`
    /// for a path ending in `/`.
    pub fn create(&mut self, path: &str, cwd: Ino, perm: u32) -> Result<Ino, Errno> {
        let parent = self.parent_of(path, cwd)?;
        let name = self.new_name(&parent)?;
        if parent.trailing_slash {
            return Err(Errno::EISDIR);
        }
        let body = Body::File {
            size: 0,
            pages: BTreeMap::new(),
        };
        let ino = self.new_inode(S_IFREG | (perm & PERMISSION_BITS), 1, body);
        self.dir_mut(parent.dir)?.insert(name, ino);
        Ok(ino)
    }

    /// Creates a node whose contents the VFS provides: `mode` carries the type (`S_IFCHR`,
    /// `S_IFBLK`, `S_IFIFO` or `S_IFSOCK`, else `EINVAL`) and the permission bits; `tag` is
    /// handed back by [`RamFs::special_tag`] (a device number, say). `EEXIST` if the name is
    /// taken.
    pub fn mknod(&mut self, path: &str, cwd: Ino, mode: u32, tag: u32) -> Result<Ino, Errno> {
        if !matches!(mode & S_IFMT, S_IFCHR | S_IFBLK | S_IFIFO | S_IFSOCK) {
            return Err(Errno::EINVAL);
        }
        let parent = self.parent_of(path, cwd)?;
        let name = self.new_name(&parent)?;
        if parent.trailing_slash {
            return Err(Errno::ENOTDIR);
        }
        let mode = mode & (S_IFMT | PERMISSION_BITS);
        let ino = self.new_inode(mode, 1, Body::Special { tag });
        self.dir_mut(parent.dir)?.insert(name, ino);
        Ok(ino)
    }

    /// The tag of a node made by [`RamFs::mknod`]; `None` for files and directories.
    pub fn special_tag(&self, ino: Ino) -> Result<Option<u32>, Errno> {
        Ok(match self.inode(ino)?.body {
            Body::Special { tag } => Some(tag),
            _ => None,
        })
    }

    /// Gives the existing non-directory `old` a second name `new` (a hard link): `EPERM` for a
    /// directory, `EEXIST` if `new` is taken.
    pub fn link(&mut self, old: &str, new: &str, cwd: Ino) -> Result<(), Errno> {
        let target = self.lookup(old, cwd)?;
        self.link_ino(target, new, cwd)
    }

    /// Gives the inode `target` (not a directory: `EPERM`; still named: else `ENOENT`) the new
    /// name `new`.
    pub fn link_ino(&mut self, target: Ino, new: &str, cwd: Ino) -> Result<(), Errno> {
        if self.is_dir(target) {
            return Err(Errno::EPERM);
        }
        let parent = self.parent_of(new, cwd)?;
        let name = self.new_name(&parent)?;
        if parent.trailing_slash {
            return Err(Errno::ENOENT);
        }
        let inode = self.inode_mut(target)?;
        if inode.nlink == 0 {
            return Err(Errno::ENOENT);
        }
        inode.nlink = inode.nlink.checked_add(1).ok_or(Errno::EMLINK)?;
        self.dir_mut(parent.dir)?.insert(name, target);
        Ok(())
    }

    /// Opens `path` as `open(2)` would, as far as the file system is concerned (creation,
    /// `O_EXCL`, `O_TRUNC`, `O_DIRECTORY`, `EISDIR` for writing a directory, `EINVAL` for
    /// `O_CREAT | O_DIRECTORY`), and takes a reference ([`RamFs::retain`]) that the caller gives
    /// back with [`RamFs::release`] on the last close.
    pub fn open(&mut self, path: &str, cwd: Ino, opts: OpenOptions) -> Result<Ino, Errno> {
        // As Linux since 6.4: `O_CREAT | O_DIRECTORY` asks for a directory that open cannot
        // make, so it is refused before anything is created (it used to leave a new regular
        // file behind a failed open).
        if opts.create && opts.directory {
            return Err(Errno::EINVAL);
        }
        let parent = self.parent_of(path, cwd)?;
        let ino = match self.last_ino(&parent)? {
            Some(_) if opts.create && opts.exclusive => return Err(Errno::EEXIST),
            // As Linux: O_CREAT with a trailing slash is EISDIR, whatever the name is.
            _ if opts.create && parent.trailing_slash => return Err(Errno::EISDIR),
            Some(ino) => ino,
            None if opts.create => self.create(path, cwd, opts.mode)?,
            None => return Err(Errno::ENOENT),
        };
        let is_dir = self.is_dir(ino);
        if is_dir && (opts.write || opts.create || opts.truncate) {
            return Err(Errno::EISDIR);
        }
        if !is_dir && (parent.trailing_slash || opts.directory) {
            return Err(Errno::ENOTDIR);
        }
        if opts.truncate && opts.write && self.stat(ino)?.is_file() {
            self.truncate(ino, 0)?;
        }
        self.retain(ino)?;
        Ok(ino)
    }

    // ---- removing ----

    /// Drops one name of `ino` (already taken out of its directory) and frees it if that was the
    /// last and nothing holds it.
    fn drop_link(&mut self, ino: Ino, parent: Ino) {
        let is_dir = self.is_dir(ino);
        if let Some(inode) = self.inodes.get_mut(&ino) {
            // A directory loses its name and its `.` together, and its parent the `..`.
            inode.nlink = if is_dir {
                0
            } else {
                inode.nlink.saturating_sub(1)
            };
        }
        if is_dir {
            if let Some(p) = self.inodes.get_mut(&parent) {
                p.nlink = p.nlink.saturating_sub(1);
            }
        }
        self.free_if_unused(ino);
    }

    /// Removes a name that is not a directory's: `EISDIR` for a directory (`/`, `.` and `..`
    /// included), `ENOTDIR` for `file/`. A file that is still open stays readable and writable
    /// until its last [`RamFs::release`]; its pages are freed then.
    pub fn unlink(&mut self, path: &str, cwd: Ino) -> Result<(), Errno> {
        let parent = self.parent_of(path, cwd)?;
        let name = match parent.last {
            Last::Name(name) => name,
            Last::Dot | Last::DotDot | Last::Root => return Err(Errno::EISDIR),
        };
        let ino = self.dir(parent.dir)?.get(name).ok_or(Errno::ENOENT)?;
        if self.is_dir(ino) {
            return Err(Errno::EISDIR);
        }
        if parent.trailing_slash {
            return Err(Errno::ENOTDIR);
        }
        self.dir_mut(parent.dir)?.remove(name);
        self.drop_link(ino, parent.dir);
        Ok(())
    }

    /// Removes an empty directory: `ENOTEMPTY`, `ENOTDIR`, `EBUSY` for the root, `EINVAL` for
    /// a last component `.` and `ENOTEMPTY` for `..` (as Linux). A directory still held (a
    /// working directory) stays until released, empty, and nothing can be created in it.
    pub fn rmdir(&mut self, path: &str, cwd: Ino) -> Result<(), Errno> {
        let parent = self.parent_of(path, cwd)?;
        let name = match parent.last {
            Last::Name(name) => name,
            Last::Root => return Err(Errno::EBUSY),
            Last::Dot => return Err(Errno::EINVAL),
            Last::DotDot => return Err(Errno::ENOTEMPTY),
        };
        let ino = self.dir(parent.dir)?.get(name).ok_or(Errno::ENOENT)?;
        if !self.dir(ino)?.names.is_empty() {
            return Err(Errno::ENOTEMPTY);
        }
        self.dir_mut(parent.dir)?.remove(name);
        self.drop_link(ino, parent.dir);
        Ok(())
    }

    /// Whether `dir` is `ancestor` or lies below it.
    fn is_within(&self, mut dir: Ino, ancestor: Ino) -> bool {
        loop {
            if dir == ancestor {
                return true;
            }
            if dir == ROOT_INO {
                return false;
            }
            match self.dir(dir) {
                Ok(d) => dir = d.parent,
                Err(_) => return false,
            }
        }
    }

    /// Renames `old` to `new` as POSIX says: a file replaces a file, a directory replaces an
    /// empty directory; `EISDIR` (file onto a directory), `ENOTDIR` (directory onto a file, or
    /// a trailing slash on a file), `ENOTEMPTY`, `EINVAL` (a directory into its own subtree),
    /// `EBUSY` (`/`, `.` or `..` on either side). Two names of the same inode: nothing happens.
    pub fn rename(&mut self, old: &str, new: &str, cwd: Ino) -> Result<(), Errno> {
        let from = self.parent_of(old, cwd)?;
        let to = self.parent_of(new, cwd)?;
        let (Last::Name(old_name), Last::Name(new_name)) = (from.last, to.last) else {
            return Err(Errno::EBUSY);
        };
        let ino = self.dir(from.dir)?.get(old_name).ok_or(Errno::ENOENT)?;
        let moving_dir = self.is_dir(ino);
        if !moving_dir && (from.trailing_slash || to.trailing_slash) {
            return Err(Errno::ENOTDIR);
        }
        path::check_name(new_name)?;
        let replaced = self.dir(to.dir)?.get(new_name);
        if replaced == Some(ino) {
            return Ok(());
        }
        if moving_dir && self.is_within(to.dir, ino) {
            return Err(Errno::EINVAL);
        }
        if let Some(victim) = replaced {
            match (moving_dir, self.is_dir(victim)) {
                (false, true) => return Err(Errno::EISDIR),
                (true, false) => return Err(Errno::ENOTDIR),
                (true, true) if !self.dir(victim)?.names.is_empty() => {
                    return Err(Errno::ENOTEMPTY)
                }
                _ => {}
            }
            self.dir_mut(to.dir)?.remove(new_name);
            self.drop_link(victim, to.dir);
        }
        self.dir_mut(from.dir)?.remove(old_name);
        self.dir_mut(to.dir)?.insert(new_name, ino);
        if moving_dir && from.dir != to.dir {
            if let Body::Dir(d) = &mut self.inode_mut(ino)?.body {
                d.parent = to.dir;
            }
            self.inode_mut(from.dir)?.nlink -= 1;
            self.inode_mut(to.dir)?.nlink += 1;
        }
        Ok(())
    }

    // ---- file data ----

    /// Copies bytes from `offset` into `buf`; returns how many (0 at or past the end). Holes
    /// read as zeros. `EISDIR` for a directory, `EINVAL` for a special node.
    pub fn read_at(&self, ino: Ino, offset: u64, buf: &mut [u8]) -> Result<usize, Errno> {
        let (size, pages) = match &self.inode(ino)?.body {
            Body::File { size, pages } => (*size, pages),
            Body::Dir(_) => return Err(Errno::EISDIR),
            Body::Special { .. } => return Err(Errno::EINVAL),
        };
        if offset >= size {
            return Ok(0);
        }
        let len = buf
            .len()
            .min(usize::try_from(size - offset).unwrap_or(usize::MAX));
        let mut done = 0;
        while done < len {
            let pos = offset + done as u64;
            let in_page = (pos % PAGE_SIZE as u64) as usize;
            let n = (PAGE_SIZE - in_page).min(len - done);
            let out = &mut buf[done..done + n];
            match pages.get(&(pos / PAGE_SIZE as u64)) {
                Some(&page) => out.copy_from_slice(&self.store.page(page)[in_page..in_page + n]),
                None => out.fill(0),
            }
            done += n;
        }
        Ok(len)
    }

    /// Writes `data` at `offset`, growing the file (a gap becomes a hole that reads as zeros and
    /// takes no page). Pages are allocated as the write reaches them: when the store runs out,
    /// the bytes written so far are reported (a short write) or, if there are none, `ENOSPC`;
    /// either way every allocated page holds file data and the size covers exactly what was
    /// written. `EFBIG` past [`MAX_FILE_SIZE`], `EISDIR`, `EINVAL` for a special node.
    pub fn write_at(&mut self, ino: Ino, offset: u64, data: &[u8]) -> Result<usize, Errno> {
        let Self { inodes, store, .. } = self;
        let inode = inodes.get_mut(&ino).ok_or(Errno::ENOENT)?;
        let (size, pages) = match &mut inode.body {
            Body::File { size, pages } => (size, pages),
            Body::Dir(_) => return Err(Errno::EISDIR),
            Body::Special { .. } => return Err(Errno::EINVAL),
        };
        if data.is_empty() {
            return Ok(0);
        }
        let end = offset
            .checked_add(data.len() as u64)
            .filter(|&end| end <= MAX_FILE_SIZE)
            .ok_or(Errno::EFBIG)?;
        let mut done = 0;
        while done < data.len() {
            let pos = offset + done as u64;
            let index = pos / PAGE_SIZE as u64;
            let in_page = (pos % PAGE_SIZE as u64) as usize;
            let n = (PAGE_SIZE - in_page).min(data.len() - done);
            let page = match pages.get(&index) {
                Some(&page) => page,
                None => match store.allocate() {
                    Some(page) => {
                        // A new page reads as zeros outside what this write puts in it
                        // (nothing to clear for a whole page: unpacking the initrd wrote
                        // every page twice, and zeroing 4 KiB costs as much as copying it).
                        let bytes = store.page_mut(page);
                        bytes[..in_page].fill(0);
                        bytes[in_page + n..].fill(0);
                        pages.insert(index, page);
                        page
                    }
                    None => break,
                },
            };
            store.page_mut(page)[in_page..in_page + n].copy_from_slice(&data[done..done + n]);
            done += n;
        }
        if done == 0 {
            return Err(Errno::ENOSPC);
        }
        let written_end = offset + done as u64;
        debug_assert!(written_end <= end);
        *size = (*size).max(written_end);
        Ok(done)
    }

    /// Sets a regular file's size. Shrinking frees the pages past the end and clears the rest
    /// of the last one (so growing again reads zeros); growing only moves the size (the new
    /// part is a hole), so it cannot run out of memory. `EISDIR`, `EINVAL` for a special node,
    /// `EFBIG` past [`MAX_FILE_SIZE`].
    pub fn truncate(&mut self, ino: Ino, new_size: u64) -> Result<(), Errno> {
        let Self { inodes, store, .. } = self;
        let inode = inodes.get_mut(&ino).ok_or(Errno::ENOENT)?;
        let (size, pages) = match &mut inode.body {
            Body::File { size, pages } => (size, pages),
            Body::Dir(_) => return Err(Errno::EISDIR),
            Body::Special { .. } => return Err(Errno::EINVAL),
        };
        if new_size > MAX_FILE_SIZE {
            return Err(Errno::EFBIG);
        }
        if new_size < *size {
            let keep = new_size.div_ceil(PAGE_SIZE as u64);
            for page in pages.split_off(&keep).into_values() {
                store.free(page);
            }
            let in_page = (new_size % PAGE_SIZE as u64) as usize;
            if in_page != 0 {
                if let Some(&page) = pages.get(&(new_size / PAGE_SIZE as u64)) {
                    store.page_mut(page)[in_page..].fill(0);
                }
            }
        }
        *size = new_size;
        Ok(())
    }

    /// Pages the file `ino` holds (0 for anything else).
    pub fn pages_of(&self, ino: Ino) -> Result<usize, Errno> {
        Ok(match &self.inode(ino)?.body {
            Body::File { pages, .. } => pages.len(),
            _ => 0,
        })
    }

    /// Whether a write of `len` bytes at `offset` into the file `ino` lands only in pages it
    /// already holds (so it needs no new page and no new entry in its page map).
    pub fn pages_present(&self, ino: Ino, offset: u64, len: usize) -> Result<bool, Errno> {
        let Body::File { pages, .. } = &self.inode(ino)?.body else {
            return Ok(false);
        };
        if len == 0 {
            return Ok(true);
        }
        let first = offset / PAGE_SIZE as u64;
        let Some(last) = offset
            .checked_add(len as u64 - 1)
            .map(|end| end / PAGE_SIZE as u64)
        else {
            return Ok(false);
        };
        Ok((first..=last).all(|index| pages.contains_key(&index)))
    }

    // ---- attributes ----

    /// Mode, size, inode number and link count.
    pub fn stat(&self, ino: Ino) -> Result<Stat, Errno> {
        let inode = self.inode(ino)?;
        let size = match &inode.body {
            Body::File { size, .. } => *size,
            Body::Dir(dir) => (dir.names.len() as u64 + 2) * 20,
            Body::Special { .. } => 0,
        };
        Ok(Stat {
            mode: inode.mode,
            size,
            ino,
            nlink: inode.nlink,
        })
    }

    /// Replaces the permission bits (`chmod`), keeping the type.
    pub fn set_permissions(&mut self, ino: Ino, perm: u32) -> Result<(), Errno> {
        let inode = self.inode_mut(ino)?;
        inode.mode = (inode.mode & S_IFMT) | (perm & PERMISSION_BITS);
        Ok(())
    }

    /// Whether `execve` may load `ino`: a regular file with an execute bit. `EACCES` for a
    /// directory, a special node or a file without any execute bit.
    pub fn check_exec(&self, ino: Ino) -> Result<(), Errno> {
        let inode = self.inode(ino)?;
        match inode.body {
            Body::File { .. } if inode.mode & 0o111 != 0 => Ok(()),
            _ => Err(Errno::EACCES),
        }
    }

    // ---- listing ----

    /// The entry of directory `dir` at `cookie` (0 starts a listing; each entry's `next`
    /// resumes after it), or `None` at the end. `.` and `..` come first, then the names in the
    /// order they were created; entries added or removed meanwhile never make a resumed listing
    /// repeat or skip one that stayed. A removed directory lists nothing. `ENOTDIR` for a
    /// non-directory.
    pub fn dir_entry(&self, dir: Ino, cookie: u64) -> Result<Option<DirEntry<'_>>, Errno> {
        let inode = self.inode(dir)?;
        let Body::Dir(d) = &inode.body else {
            return Err(Errno::ENOTDIR);
        };
        if inode.nlink == 0 {
            return Ok(None);
        }
        let entry = match cookie {
            0 => DirEntry {
                name: ".",
                ino: dir,
                kind: FileType::Dir,
                next: 1,
            },
            1 => DirEntry {
                name: "..",
                ino: d.parent,
                kind: FileType::Dir,
                next: 2,
            },
            _ => {
                let Some((&seq, name)) = d.order.range(cookie - 2..).next() else {
                    return Ok(None);
                };
                let ino = d.get(name).ok_or(Errno::EIO)?;
                let kind = FileType::from_mode(self.inode(ino)?.mode).ok_or(Errno::EIO)?;
                DirEntry {
                    name,
                    ino,
                    kind,
                    next: seq + 3,
                }
            }
        };
        Ok(Some(entry))
    }

    /// Every entry of `dir` but `.` and `..`, in listing order.
    pub fn list(&self, dir: Ino) -> Result<Vec<(String, Ino, FileType)>, Errno> {
        let mut out = Vec::new();
        let mut cookie = 2;
        while let Some(e) = self.dir_entry(dir, cookie)? {
            out.push((e.name.to_string(), e.ino, e.kind));
            cookie = e.next;
        }
        Ok(out)
    }
}

#[cfg(any(test, feature = "fuzzing"))]
impl<S: PageStore> RamFs<S> {
    /// Checks every invariant of the arena and returns the number of pages files hold.
    pub(crate) fn check_invariants(&self) -> usize {
        let mut names: BTreeMap<Ino, u32> = BTreeMap::new();
        let mut pages_total = 0;
        for (&ino, inode) in &self.inodes {
            assert!(
                inode.nlink > 0 || inode.open > 0,
                "inode {ino} has neither a name nor a reference"
            );
            match &inode.body {
                Body::File { size, pages } => {
                    assert_eq!(inode.mode & S_IFMT, S_IFREG);
                    pages_total += pages.len();
                    if let Some((&last, _)) = pages.last_key_value() {
                        assert!(last < size.div_ceil(PAGE_SIZE as u64), "page past the end");
                    }
                }
                Body::Dir(dir) => {
                    assert_eq!(inode.mode & S_IFMT, S_IFDIR);
                    assert_eq!(dir.names.len(), dir.order.len());
                    for (seq, name) in &dir.order {
                        assert_eq!(dir.names[name].1, *seq);
                        assert!(*seq < dir.next_seq);
                    }
                    if inode.nlink == 0 {
                        assert!(dir.names.is_empty(), "a removed directory with entries");
                        continue;
                    }
                    let mut subdirs = 0;
                    for &(child, _) in dir.names.values() {
                        let c = &self.inodes[&child];
                        assert!(c.nlink > 0, "a name for an unlinked inode");
                        if let Body::Dir(cd) = &c.body {
                            subdirs += 1;
                            assert_eq!(cd.parent, ino, "a directory's .. is wrong");
                        }
                        *names.entry(child).or_default() += 1;
                    }
                    assert_eq!(inode.nlink, 2 + subdirs, "link count of directory {ino}");
                }
                Body::Special { .. } => {}
            }
        }
        for (&ino, inode) in &self.inodes {
            let named = names.get(&ino).copied().unwrap_or(0);
            match inode.body {
                Body::Dir(_) if ino == ROOT_INO => assert_eq!(named, 0),
                Body::Dir(_) => assert_eq!(named, u32::from(inode.nlink > 0)),
                _ => assert_eq!(named, inode.nlink, "link count of {ino}"),
            }
        }
        pages_total
    }
}

impl<S: PageStore> Drop for RamFs<S> {
    /// Gives every page back to the store.
    fn drop(&mut self) {
        for inode in core::mem::take(&mut self.inodes).into_values() {
            if let Body::File { pages, .. } = inode.body {
                for page in pages.into_values() {
                    self.store.free(page);
                }
            }
        }
    }
}

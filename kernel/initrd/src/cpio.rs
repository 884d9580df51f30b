//! cpio "newc" archives: a validating reader and a writer.
//!
//! # Layout
//!
//! An archive is a sequence of entries, each made of:
//!
//! 1. a 110-byte ASCII header: the magic `070701`, then 13 fields of 8 hexadecimal digits each:
//!    `ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
//!    namesize, check` (`namesize` counts the terminating NUL; `check` is unused by newc);
//! 2. the NUL-terminated name, padded with NULs so that header + name is a multiple of 4 bytes;
//! 3. `filesize` bytes of data, padded to a multiple of 4 bytes.
//!
//! The archive ends with an entry named `TRAILER!!!`; anything after it (tools often pad to a
//! 512-byte block) is ignored.
//!
//! # Hard links
//!
//! Entries with the same `ino`, `devmajor` and `devminor` and an `nlink` above 1 are links to one
//! file. newc stores the file's data once: GNU cpio writes it with the *last* link and gives the
//! others a `filesize` of 0 (other writers use the first). The reader resolves this: every link
//! of a regular file that carries no data gets the data stored with another link, so each name
//! reads the whole file.
//!
//! # Paths
//!
//! Paths are stored relative (`bin/init`). The reader normalises what it finds (GNU cpio writes
//! `.` for the root and some tools write `./bin/init` or `/bin/init`) by removing leading `/` and
//! `./` and trailing `/`, so [`Entry::path`] is always of the form `bin/init` (the root directory
//! is the empty path). [`Archive::find`] accepts `/bin/init`, `bin/init` and `./bin/init` alike.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

/// The longest path an entry may have, in bytes, without the leading `/`.
pub const MAX_PATH_LEN: usize = 255;

/// Size of the fixed ASCII header that starts every entry.
pub const HEADER_LEN: usize = 110;

/// The magic number that starts every newc header.
pub const MAGIC: &[u8; 6] = b"070701";

/// The name of the entry that ends an archive.
pub const TRAILER_NAME: &str = "TRAILER!!!";

/// Mask of the file-type bits in a mode.
pub const S_IFMT: u32 = 0o170000;
/// File type of a regular file.
pub const S_IFREG: u32 = 0o100000;
/// File type of a directory.
pub const S_IFDIR: u32 = 0o040000;
/// The permission bits of a mode (including set-uid, set-gid and sticky).
pub const PERMISSION_BITS: u32 = 0o7777;

/// The names of the 13 header fields, in order, as used in error messages.
const FIELD_NAMES: [&str; 13] = [
    "ino",
    "mode",
    "uid",
    "gid",
    "nlink",
    "mtime",
    "filesize",
    "devmajor",
    "devminor",
    "rdevmajor",
    "rdevminor",
    "namesize",
    "check",
];

// Indices into the header fields.
const F_INO: usize = 0;
const F_MODE: usize = 1;
const F_NLINK: usize = 4;
const F_FILESIZE: usize = 6;
const F_DEVMAJOR: usize = 7;
const F_DEVMINOR: usize = 8;
const F_NAMESIZE: usize = 11;

/// Why an archive could not be read or an entry could not be written.
///
/// Reader errors carry the byte offset (from the start of the image) of the entry, or of the
/// header field, at fault. Writer errors carry the offending path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CpioError {
    /// The entry starting at `offset` (its header, name or data) runs past the end of the image.
    Truncated {
        /// Start of the incomplete entry.
        offset: usize,
    },
    /// The entry starting at `offset` does not begin with the newc magic `070701`.
    BadMagic {
        /// Start of the entry.
        offset: usize,
    },
    /// A header field is not made of 8 hexadecimal digits.
    BadHexField {
        /// Position of the field itself.
        offset: usize,
        /// The field's name, e.g. `"filesize"`.
        field: &'static str,
    },
    /// The name of the entry starting at `offset` is empty, lacks its terminating NUL, or has a
    /// NUL before its end.
    NameNotTerminated {
        /// Start of the entry.
        offset: usize,
    },
    /// The name of the entry starting at `offset` is not valid UTF-8.
    NameNotUtf8 {
        /// Start of the entry.
        offset: usize,
    },
    /// A path is longer than [`MAX_PATH_LEN`] bytes (after normalisation).
    PathTooLong {
        /// Start of the entry (for the writer: where the entry would have started).
        offset: usize,
        /// Length of the path in bytes.
        len: usize,
    },
    /// The image ends at `offset` without a `TRAILER!!!` entry.
    MissingTrailer {
        /// The end of the last complete entry (or of the image).
        offset: usize,
    },
    /// The writer was given an empty path (or just `/`).
    EmptyPath,
    /// The writer was given a path with an empty, `.` or `..` component (`a//b`, `./a`, `a/../b`,
    /// `a/`).
    InvalidComponent {
        /// The path as given.
        path: String,
    },
    /// The writer was given a path containing a NUL byte.
    NulInPath {
        /// The path as given.
        path: String,
    },
    /// The writer was given the path `TRAILER!!!`, which would end the archive early.
    ReservedPath {
        /// The path as given.
        path: String,
    },
    /// The writer already holds an entry with this (normalised) path.
    DuplicatePath {
        /// The normalised path.
        path: String,
    },
    /// A parent of the path is already in the archive as a file, not a directory.
    ParentNotDirectory {
        /// The normalised path of the parent that is a file.
        path: String,
    },
    /// The writer was given a mode with bits outside [`PERMISSION_BITS`].
    InvalidMode {
        /// The mode as given.
        mode: u32,
    },
    /// The file is too large for the 32-bit `filesize` field.
    FileTooLarge {
        /// The normalised path.
        path: String,
        /// Its size in bytes.
        size: usize,
    },
}

impl fmt::Display for CpioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { offset } => {
                write!(
                    f,
                    "the entry at byte {offset} runs past the end of the archive"
                )
            }
            Self::BadMagic { offset } => {
                write!(f, "no cpio newc header (magic \"070701\") at byte {offset}")
            }
            Self::BadHexField { offset, field } => write!(
                f,
                "the {field} field at byte {offset} is not 8 hexadecimal digits"
            ),
            Self::NameNotTerminated { offset } => write!(
                f,
                "the name of the entry at byte {offset} is empty or not NUL-terminated"
            ),
            Self::NameNotUtf8 { offset } => {
                write!(
                    f,
                    "the name of the entry at byte {offset} is not valid UTF-8"
                )
            }
            Self::PathTooLong { offset, len } => write!(
                f,
                "the path of the entry at byte {offset} is {len} bytes long, more than the \
                 {MAX_PATH_LEN}-byte limit"
            ),
            Self::MissingTrailer { offset } => write!(
                f,
                "the archive ends at byte {offset} without a {TRAILER_NAME} entry"
            ),
            Self::EmptyPath => write!(f, "the path is empty"),
            Self::InvalidComponent { path } => {
                write!(f, "path {path:?} has an empty, \".\" or \"..\" component")
            }
            Self::NulInPath { path } => write!(f, "path {path:?} contains a NUL byte"),
            Self::ReservedPath { path } => write!(
                f,
                "path {path:?} is reserved: it marks the end of a cpio archive"
            ),
            Self::DuplicatePath { path } => {
                write!(f, "path {path:?} is already in the archive")
            }
            Self::ParentNotDirectory { path } => write!(
                f,
                "{path:?} is a file in the archive, so it cannot contain other entries"
            ),
            Self::InvalidMode { mode } => write!(
                f,
                "mode {mode:#o} has bits outside the permission bits {PERMISSION_BITS:#o}"
            ),
            Self::FileTooLarge { path, size } => write!(
                f,
                "file {path:?} is {size} bytes long; a cpio newc entry holds at most {} bytes",
                u32::MAX
            ),
        }
    }
}

/// One entry of an archive, borrowing from the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The normalised path: no leading `/` or `./`, no trailing `/`; the root is `""`.
    pub path: &'a str,
    /// The full mode: file type ([`S_IFMT`] bits) and permission bits.
    pub mode: u32,
    /// The file's contents (empty for directories).
    pub data: &'a [u8],
}

impl Entry<'_> {
    /// Whether this is a regular file.
    pub fn is_file(&self) -> bool {
        self.mode & S_IFMT == S_IFREG
    }

    /// Whether this is a directory.
    pub fn is_dir(&self) -> bool {
        self.mode & S_IFMT == S_IFDIR
    }

    /// The permission bits of the mode (e.g. `0o755`).
    pub fn permissions(&self) -> u32 {
        self.mode & PERMISSION_BITS
    }
}

/// A validated newc archive.
///
/// [`Archive::parse`] checks every entry up to `TRAILER!!!` once; iterating afterwards cannot
/// fail and does not allocate.
#[derive(Debug, Clone, Copy)]
pub struct Archive<'a> {
    /// The image up to and including the trailer entry.
    image: &'a [u8],
    /// Number of entries before the trailer.
    count: usize,
}

impl<'a> Archive<'a> {
    /// Validates `image` as a newc archive.
    ///
    /// Bytes after the `TRAILER!!!` entry are ignored.
    pub fn parse(image: &'a [u8]) -> Result<Self, CpioError> {
        let mut offset = 0;
        let mut count = 0;
        loop {
            match read_entry(image, offset)? {
                Parsed::Entry { next, .. } => {
                    count += 1;
                    offset = next;
                }
                Parsed::Trailer { end } => {
                    return Ok(Self {
                        image: &image[..end],
                        count,
                    });
                }
            }
        }
    }

    /// The image up to and including the trailer entry.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn image(&self) -> &'a [u8] {
        self.image
    }

    /// The entries in archive order, without the trailer. A hard link stored without data
    /// carries the data of the link that has it (see "Hard links" above).
    pub fn entries(&self) -> impl Iterator<Item = Entry<'a>> + '_ {
        self.entries_with_links().map(|(entry, _)| entry)
    }

    /// Like [`Archive::entries`] (links resolved), with each entry's link identity, so a reader
    /// can give every link of a file one inode.
    pub fn entries_with_links(&self) -> impl Iterator<Item = (Entry<'a>, Link)> + '_ {
        let archive = *self;
        raw_entries(self.image).map(move |(mut entry, link)| {
            if entry.is_file() && entry.data.is_empty() && link.nlink > 1 {
                if let Some(data) = archive.linked_data(link) {
                    entry.data = data;
                }
            }
            (entry, link)
        })
    }

    /// The data stored with some link of the file `link` names, if any link has data.
    fn linked_data(&self, link: Link) -> Option<&'a [u8]> {
        raw_entries(self.image)
            .find(|(e, l)| e.is_file() && !e.data.is_empty() && l.same_file(&link))
            .map(|(e, _)| e.data)
    }

    /// Looks an entry up by path: `/bin/x`, `bin/x` and `./bin/x` are the same path.
    ///
    /// If an archive holds the same path twice, the later entry wins (as when Linux unpacks an
    /// initramfs).
    pub fn find(&self, path: &str) -> Option<Entry<'a>> {
        let wanted = normalize(path);
        self.entries().filter(|e| e.path == wanted).last()
    }

    /// Number of entries, without the trailer.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the archive holds nothing but the trailer.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Size in bytes of the archive, up to the end of the trailer entry.
    pub fn size(&self) -> usize {
        self.image.len()
    }
}

/// The entries of a validated image as stored, with their link identity, without the trailer.
pub(crate) fn raw_entries(image: &[u8]) -> impl Iterator<Item = (Entry<'_>, Link)> {
    let mut offset = 0;
    // `parse` validated every entry of `image`, so `read_entry` cannot fail here; stopping at the
    // first error (or the trailer) keeps this total anyway.
    core::iter::from_fn(move || match read_entry(image, offset) {
        Ok(Parsed::Entry { entry, link, next }) => {
            offset = next;
            Some((entry, link))
        }
        Ok(Parsed::Trailer { .. }) | Err(_) => None,
    })
}

/// What identifies a file across its hard links, and how many links it has (the header's `ino`,
/// `devmajor`, `devminor` and `nlink` fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    /// The inode number on the machine that wrote the archive.
    pub ino: u32,
    /// The device the file was on (major number).
    pub dev_major: u32,
    /// The device the file was on (minor number).
    pub dev_minor: u32,
    /// The number of links the file had; above 1, other entries may name the same file.
    pub nlink: u32,
}

impl Link {
    /// Whether both entries are links to the same file: same inode and device, and both with
    /// more than one link (writers that do not track links give every entry inode 0 and
    /// nlink 1).
    pub fn same_file(&self, other: &Link) -> bool {
        self.nlink > 1
            && other.nlink > 1
            && (self.ino, self.dev_major, self.dev_minor)
                == (other.ino, other.dev_major, other.dev_minor)
    }
}

/// What [`read_entry`] found at an offset.
enum Parsed<'a> {
    /// An ordinary entry; the next one starts at `next`.
    Entry {
        entry: Entry<'a>,
        link: Link,
        next: usize,
    },
    /// The trailer; the archive ends at `end`.
    Trailer { end: usize },
}

/// Parses the entry that starts at `offset`.
fn read_entry(image: &[u8], offset: usize) -> Result<Parsed<'_>, CpioError> {
    if offset >= image.len() {
        return Err(CpioError::MissingTrailer {
            offset: image.len(),
        });
    }
    // Check the magic before the length, so that a short file that is not an archive at all
    // says so.
    let rest = &image[offset..];
    let magic_len = rest.len().min(MAGIC.len());
    if rest[..magic_len] != MAGIC[..magic_len] {
        return Err(CpioError::BadMagic { offset });
    }
    let truncated = CpioError::Truncated { offset };
    let header = rest.get(..HEADER_LEN).ok_or(truncated.clone())?;
    let mut fields = [0u32; 13];
    for (i, field) in fields.iter_mut().enumerate() {
        let start = MAGIC.len() + i * 8;
        *field = parse_hex(&header[start..start + 8]).ok_or(CpioError::BadHexField {
            offset: offset + start,
            field: FIELD_NAMES[i],
        })?;
    }

    let name_start = offset + HEADER_LEN;
    let name_size = fields[F_NAMESIZE] as usize;
    if name_size == 0 {
        return Err(CpioError::NameNotTerminated { offset });
    }
    let name_end = name_start
        .checked_add(name_size)
        .filter(|&end| end <= image.len())
        .ok_or(truncated.clone())?;
    let (nul, name) = image[name_start..name_end]
        .split_last()
        .ok_or(CpioError::NameNotTerminated { offset })?;
    if *nul != 0 || name.contains(&0) {
        return Err(CpioError::NameNotTerminated { offset });
    }
    let name = core::str::from_utf8(name).map_err(|_| CpioError::NameNotUtf8 { offset })?;
    if name == TRAILER_NAME {
        // Tolerate a final entry whose padding was cut off.
        return Ok(Parsed::Trailer {
            end: align4(name_end).min(image.len()),
        });
    }
    let path = normalize(name);
    if path.len() > MAX_PATH_LEN {
        return Err(CpioError::PathTooLong {
            offset,
            len: path.len(),
        });
    }

    let data_start = align4(name_end);
    let data_end = data_start
        .checked_add(fields[F_FILESIZE] as usize)
        .filter(|&end| end <= image.len())
        .ok_or(truncated)?;
    Ok(Parsed::Entry {
        entry: Entry {
            path,
            mode: fields[F_MODE],
            data: &image[data_start..data_end],
        },
        link: Link {
            ino: fields[F_INO],
            dev_major: fields[F_DEVMAJOR],
            dev_minor: fields[F_DEVMINOR],
            nlink: fields[F_NLINK],
        },
        next: align4(data_end),
    })
}

/// Parses 8 ASCII hexadecimal digits (either case).
fn parse_hex(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, &d| {
        let nibble = (d as char).to_digit(16)?;
        Some(acc << 4 | nibble)
    })
}

/// Rounds up to a multiple of 4 (saturating, so an absurd offset simply fails a later bounds
/// check).
fn align4(n: usize) -> usize {
    n.saturating_add(3) & !3
}

/// Removes leading `/` and `./` and trailing `/`; `.` becomes the empty (root) path.
fn normalize(mut path: &str) -> &str {
    loop {
        if let Some(rest) = path.strip_prefix("./") {
            path = rest;
        } else if let Some(rest) = path.strip_prefix('/') {
            path = rest;
        } else {
            break;
        }
    }
    let path = path.trim_end_matches('/');
    if path == "." {
        ""
    } else {
        path
    }
}

/// Builds a newc archive in memory.
///
/// Entries get increasing inode numbers, owner 0:0 and mtime 0, so the same calls always give
/// the same bytes. Missing parent directories are added automatically (mode `0o755`), before
/// the entry that needs them.
///
/// ```
/// use initrd::cpio::{Archive, Writer};
///
/// let mut w = Writer::new();
/// w.add_file("/bin/init", 0o755, b"\x7fELF...").unwrap();
/// let image = w.finish();
/// let archive = Archive::parse(&image).unwrap();
/// assert!(archive.find("bin").unwrap().is_dir());
/// assert_eq!(archive.find("/bin/init").unwrap().data, b"\x7fELF...");
/// ```
#[derive(Debug, Clone)]
pub struct Writer {
    /// The archive so far (without the trailer).
    buf: Vec<u8>,
    /// Every path written so far, mapped to whether it is a directory.
    paths: BTreeMap<String, bool>,
    /// The inode number of the next entry.
    next_ino: u32,
}

impl Default for Writer {
    fn default() -> Self {
        Self::new()
    }
}

impl Writer {
    /// An empty archive.
    pub fn new() -> Self {
        Self {
            buf: Vec::new(),
            paths: BTreeMap::new(),
            next_ino: 1,
        }
    }

    /// Adds a regular file. `mode` holds the permission bits only (e.g. `0o755`).
    ///
    /// On error nothing is added.
    pub fn add_file(&mut self, path: &str, mode: u32, data: &[u8]) -> Result<(), CpioError> {
        let path = self.check_new_entry(path, mode)?;
        if u32::try_from(data.len()).is_err() {
            return Err(CpioError::FileTooLarge {
                path: path.to_string(),
                size: data.len(),
            });
        }
        self.add_parents(path);
        self.emit(path, S_IFREG | mode, 1, data);
        self.paths.insert(path.to_string(), false);
        Ok(())
    }

    /// Adds a directory. `mode` holds the permission bits only (e.g. `0o755`).
    ///
    /// A directory that already exists, even one added implicitly as a parent, is a
    /// [`CpioError::DuplicatePath`]: add directories before what they contain. On error nothing
    /// is added.
    pub fn add_dir(&mut self, path: &str, mode: u32) -> Result<(), CpioError> {
        let path = self.check_new_entry(path, mode)?;
        self.add_parents(path);
        self.emit(path, S_IFDIR | mode, 2, &[]);
        self.paths.insert(path.to_string(), true);
        Ok(())
    }

    /// Appends the trailer and returns the archive.
    pub fn finish(mut self) -> Vec<u8> {
        self.emit_raw(TRAILER_NAME, 0, 0, 1, &[]);
        self.buf
    }

    /// Validates a path and mode for a new entry; returns the path without its leading `/`.
    fn check_new_entry<'p>(&self, path: &'p str, mode: u32) -> Result<&'p str, CpioError> {
        if mode & !PERMISSION_BITS != 0 {
            return Err(CpioError::InvalidMode { mode });
        }
        let rel = path.strip_prefix('/').unwrap_or(path);
        if rel.is_empty() {
            return Err(CpioError::EmptyPath);
        }
        if rel.len() > MAX_PATH_LEN {
            return Err(CpioError::PathTooLong {
                offset: self.buf.len(),
                len: rel.len(),
            });
        }
        if rel.contains('\0') {
            return Err(CpioError::NulInPath {
                path: path.to_string(),
            });
        }
        if rel
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
        {
            return Err(CpioError::InvalidComponent {
                path: path.to_string(),
            });
        }
        // Parents are prefixes of `rel`, so checking them here covers every entry this call
        // may write.
        if rel == TRAILER_NAME || parents(rel).any(|p| p == TRAILER_NAME) {
            return Err(CpioError::ReservedPath {
                path: path.to_string(),
            });
        }
        if self.paths.contains_key(rel) {
            return Err(CpioError::DuplicatePath {
                path: rel.to_string(),
            });
        }
        if let Some(file) = parents(rel).find(|p| self.paths.get(*p) == Some(&false)) {
            return Err(CpioError::ParentNotDirectory {
                path: file.to_string(),
            });
        }
        Ok(rel)
    }

    /// Writes a directory entry for every missing parent of `path`, outermost first.
    fn add_parents(&mut self, path: &str) {
        for parent in parents(path) {
            if !self.paths.contains_key(parent) {
                self.emit(parent, S_IFDIR | 0o755, 2, &[]);
                self.paths.insert(parent.to_string(), true);
            }
        }
    }

    /// Writes one entry with the next inode number.
    fn emit(&mut self, name: &str, mode: u32, nlink: u32, data: &[u8]) {
        let ino = self.next_ino;
        self.next_ino += 1;
        self.emit_raw(name, ino, mode, nlink, data);
    }

    /// Writes header, name, data and padding. `name` and `data` were checked by the caller
    /// (length fits in 32 bits, no NUL in the name).
    fn emit_raw(&mut self, name: &str, ino: u32, mode: u32, nlink: u32, data: &[u8]) {
        let mut fields = [0u32; 13];
        fields[F_INO] = ino;
        fields[F_MODE] = mode;
        fields[F_NLINK] = nlink;
        fields[F_FILESIZE] = data.len() as u32;
        fields[F_NAMESIZE] = name.len() as u32 + 1;
        self.buf.extend_from_slice(MAGIC);
        for field in fields {
            push_hex(&mut self.buf, field);
        }
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.push(0);
        self.pad();
        self.buf.extend_from_slice(data);
        self.pad();
    }

    /// Pads the archive with NULs to a multiple of 4 bytes.
    fn pad(&mut self) {
        let len = align4(self.buf.len());
        self.buf.resize(len, 0);
    }
}

/// The proper prefixes of `path` that end before a `/`: `a/b/c` gives `a`, `a/b`.
fn parents(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// Appends `value` as 8 lowercase hexadecimal digits.
fn push_hex(buf: &mut Vec<u8>, value: u32) {
    for shift in (0..8).rev() {
        let nibble = (value >> (shift * 4)) & 0xf;
        buf.push(b"0123456789abcdef"[nibble as usize]);
    }
}

#[cfg(test)]
mod tests;

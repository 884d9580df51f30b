//! Resolving a path against an archive the way a Unix file system would
//! (what `execve` needs): `.`, `..` and repeated slashes are handled, every
//! component before the last must be a directory, and a trailing slash
//! demands a directory.
//!
//! Directories need not have their own entries: a directory exists when an
//! entry says so or when some entry lies below it (archives made by hand
//! often omit them).

use crate::cpio::{Archive, Entry};

/// The longest normalised path [`lookup`] resolves, in bytes: no archive
/// entry is longer. Lookups build the normalised path in a buffer of this
/// size on the stack, so resolving never needs the heap (an `execve` with
/// the kernel heap full gets an errno, never a panic).
pub const MAX_RESOLVED_PATH: usize = crate::cpio::MAX_PATH_LEN;

/// Why a path does not name a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupError {
    /// Nothing by that name (ENOENT). Also the empty path.
    NotFound,
    /// A component used as a directory is a file (ENOTDIR).
    NotDirectory,
    /// The path names a directory, not a file (EACCES for execve).
    IsDirectory,
    /// The path is longer than [`MAX_RESOLVED_PATH`] (ENAMETOOLONG).
    TooLong,
}

/// A normalised path being built, component by component, in a fixed buffer.
struct Resolved {
    bytes: [u8; MAX_RESOLVED_PATH],
    len: usize,
}

impl Resolved {
    const fn root() -> Resolved {
        Resolved {
            bytes: [0; MAX_RESOLVED_PATH],
            len: 0,
        }
    }

    fn as_str(&self) -> &str {
        // Only whole `&str` components and '/' are ever copied in.
        core::str::from_utf8(&self.bytes[..self.len]).expect("built from str components")
    }

    fn push(&mut self, name: &str) -> Result<(), LookupError> {
        let separator = usize::from(self.len > 0);
        let end = self.len + separator + name.len();
        if end > MAX_RESOLVED_PATH {
            return Err(LookupError::TooLong);
        }
        if separator == 1 {
            self.bytes[self.len] = b'/';
        }
        self.bytes[end - name.len()..end].copy_from_slice(name.as_bytes());
        self.len = end;
        Ok(())
    }

    /// Drops the last component (`..`); the root stays the root.
    fn pop(&mut self) {
        self.len = self.bytes[..self.len]
            .iter()
            .rposition(|&b| b == b'/')
            .unwrap_or(0);
    }
}

/// What a normalised path names.
enum Kind<'a> {
    File(Entry<'a>),
    Directory,
    Missing,
}

fn kind_of<'a>(archive: &Archive<'a>, path: &str) -> Kind<'a> {
    if path.is_empty() {
        return Kind::Directory; // the root
    }
    if let Some(entry) = archive.find(path) {
        if entry.is_dir() {
            return Kind::Directory;
        }
        return Kind::File(entry);
    }
    let below = archive.entries().any(|e| {
        e.path.len() > path.len()
            && e.path.starts_with(path)
            && e.path.as_bytes()[path.len()] == b'/'
    });
    if below {
        Kind::Directory
    } else {
        Kind::Missing
    }
}

/// Finds the file `path` names. Relative paths start at the root (there is
/// no working directory).
pub fn lookup<'a>(archive: &Archive<'a>, path: &str) -> Result<Entry<'a>, LookupError> {
    if path.is_empty() {
        return Err(LookupError::NotFound);
    }
    let mut resolved = Resolved::root();
    for component in path.split('/').filter(|c| !c.is_empty()) {
        // Whatever we walk through, `..` and `.` included, must be a directory.
        match kind_of(archive, resolved.as_str()) {
            Kind::Directory => {}
            Kind::File(_) => return Err(LookupError::NotDirectory),
            Kind::Missing => return Err(LookupError::NotFound),
        }
        match component {
            "." => {}
            ".." => resolved.pop(),
            name => resolved.push(name)?,
        }
    }
    match kind_of(archive, resolved.as_str()) {
        Kind::File(_) if path.ends_with('/') => Err(LookupError::NotDirectory),
        Kind::File(entry) => Ok(entry),
        Kind::Directory => Err(LookupError::IsDirectory),
        Kind::Missing => Err(LookupError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpio::Writer;
    use alloc::vec::Vec;

    fn image() -> Vec<u8> {
        let mut w = Writer::new();
        w.add_file("bin/hello", 0o755, b"hello").unwrap();
        w.add_file("etc/motd", 0o644, b"motd").unwrap();
        w.finish()
    }

    fn handmade_without_directories() -> Vec<u8> {
        // A newc archive with just "sbin/x" and no "sbin" entry.
        fn header(name: &str, mode: u32, size: usize) -> Vec<u8> {
            let mut h = alloc::format!(
                "070701{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}",
                1, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, name.len() + 1, 0
            )
            .into_bytes();
            h.extend_from_slice(name.as_bytes());
            h.push(0);
            while h.len() % 4 != 0 {
                h.push(0);
            }
            h
        }
        let mut out = header("sbin/x", 0o100755, 1);
        out.extend_from_slice(b"x\0\0\0");
        out.extend(header("TRAILER!!!", 0, 0));
        out
    }

    #[test]
    fn plain_and_unusual_spellings_find_the_file() {
        let img = image();
        let a = Archive::parse(&img).unwrap();
        for path in [
            "/bin/hello",
            "bin/hello",
            "//bin//hello",
            "/bin/./hello",
            "/bin/../bin/hello",
            "/../bin/hello",
        ] {
            assert_eq!(
                lookup(&a, path).map(|e| e.data),
                Ok(&b"hello"[..]),
                "{path}"
            );
        }
    }

    #[test]
    fn long_spellings_of_short_paths_resolve_and_long_paths_are_refused() {
        let img = image();
        let a = Archive::parse(&img).unwrap();
        let detour = "bin/../".repeat(MAX_RESOLVED_PATH);
        assert_eq!(
            lookup(&a, &alloc::format!("/{detour}bin/hello")).map(|e| e.data),
            Ok(&b"hello"[..])
        );

        let dir = "d".repeat(MAX_RESOLVED_PATH / 2);
        let fits = alloc::format!("{dir}/{}", "f".repeat(MAX_RESOLVED_PATH - dir.len() - 1));
        let too_long = alloc::format!("{fits}f");
        let mut w = Writer::new();
        w.add_file(&fits, 0o755, b"fits").unwrap();
        let img = w.finish();
        let a = Archive::parse(&img).unwrap();
        assert_eq!(lookup(&a, &fits).map(|e| e.data), Ok(&b"fits"[..]));
        assert_eq!(lookup(&a, &too_long).err(), Some(LookupError::TooLong));
    }

    #[test]
    fn posix_errors() {
        let img = image();
        let a = Archive::parse(&img).unwrap();
        assert_eq!(lookup(&a, "").err(), Some(LookupError::NotFound));
        assert_eq!(lookup(&a, "/").err(), Some(LookupError::IsDirectory));
        assert_eq!(lookup(&a, "/bin").err(), Some(LookupError::IsDirectory));
        assert_eq!(lookup(&a, "/bin/").err(), Some(LookupError::IsDirectory));
        assert_eq!(
            lookup(&a, "/bin/hello/").err(),
            Some(LookupError::NotDirectory)
        );
        assert_eq!(
            lookup(&a, "/bin/hello/.").err(),
            Some(LookupError::NotDirectory)
        );
        assert_eq!(
            lookup(&a, "/bin/hello/x").err(),
            Some(LookupError::NotDirectory)
        );
        assert_eq!(lookup(&a, "/bin/nope").err(), Some(LookupError::NotFound));
        assert_eq!(lookup(&a, "/nope/hello").err(), Some(LookupError::NotFound));
        assert_eq!(lookup(&a, "/bi").err(), Some(LookupError::NotFound));
        // `..` only climbs out of directories that exist.
        assert_eq!(
            lookup(&a, "/bin/hello/../hello").err(),
            Some(LookupError::NotDirectory)
        );
        assert_eq!(
            lookup(&a, "/bin/hello/..").err(),
            Some(LookupError::NotDirectory)
        );
        assert_eq!(
            lookup(&a, "/nope/../bin/hello").err(),
            Some(LookupError::NotFound)
        );
    }

    #[test]
    fn directories_without_entries_are_implied() {
        let img = handmade_without_directories();
        let a = Archive::parse(&img).unwrap();
        assert_eq!(lookup(&a, "/sbin/x").map(|e| e.data), Ok(&b"x"[..]));
        assert_eq!(lookup(&a, "/sbin").err(), Some(LookupError::IsDirectory));
        assert_eq!(
            lookup(&a, "/sbin/x/y").err(),
            Some(LookupError::NotDirectory)
        );
    }
}

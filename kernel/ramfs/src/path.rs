//! Splitting a path into what the walk needs: where it starts, the directories it goes
//! through, and what its last component is.

use abi::errno::Errno;

/// The longest name of one directory entry, in bytes (Linux's `NAME_MAX`).
pub const NAME_MAX: usize = abi::limits::NAME_MAX;

/// The size of the longest path, counting its terminating NUL as Linux's `PATH_MAX` does: a path
/// of 4095 bytes is accepted, one of 4096 is `ENAMETOOLONG`.
pub const PATH_MAX: usize = abi::limits::MAX_PATH_LEN + 1;

/// The last component of a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Last<'p> {
    /// An ordinary name.
    Name(&'p str),
    /// `.`: the directory itself.
    Dot,
    /// `..`: the directory's parent.
    DotDot,
    /// Nothing: the path is `/` (or only slashes).
    Root,
}

/// A checked path, split into its directory part and its last component.
#[derive(Clone, Debug)]
pub(crate) struct Split<'p> {
    /// Whether the walk starts at the root (else at the working directory).
    pub absolute: bool,
    /// The part of the path before the last component (may hold `.` and `..`, and empty
    /// components between repeated slashes): walk it with [`Split::dir_names`]. Kept as a
    /// slice, so splitting a path allocates nothing (a walk must work on a full heap: that is
    /// when files get removed).
    dirs: &'p str,
    /// The last component.
    pub last: Last<'p>,
    /// Whether the path ends with `/`, which requires the last component to be a directory.
    pub trailing_slash: bool,
}

/// Checks `path` (not empty, no NUL, within [`PATH_MAX`], names within [`NAME_MAX`]) and splits
/// it.
pub(crate) fn split(path: &str) -> Result<Split<'_>, Errno> {
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    if path.len() >= PATH_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    if path.contains('\0') {
        return Err(Errno::EINVAL);
    }
    if path.split('/').any(|c| c.len() > NAME_MAX) {
        return Err(Errno::ENAMETOOLONG);
    }
    let trimmed = path.trim_end_matches('/');
    let (dirs, last) = match trimmed.rfind('/') {
        Some(at) => (&trimmed[..at], &trimmed[at + 1..]),
        None => ("", trimmed),
    };
    let last = match last {
        "" => Last::Root,
        "." => Last::Dot,
        ".." => Last::DotDot,
        name => Last::Name(name),
    };
    Ok(Split {
        absolute: path.starts_with('/'),
        dirs,
        last,
        trailing_slash: path.ends_with('/') && last != Last::Root,
    })
}

impl<'p> Split<'p> {
    /// The names of the directories the walk goes through, in order, without empty ones.
    pub fn dir_names(&self) -> impl Iterator<Item = &'p str> {
        self.dirs.split('/').filter(|c| !c.is_empty())
    }
}

/// Checks a single entry name (no `/`, no NUL, not empty, `.` or `..`, within [`NAME_MAX`]).
pub(crate) fn check_name(name: &str) -> Result<(), Errno> {
    if name.len() > NAME_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\0']) {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

/// The components of the absolute path `path` after `.` and `..` are applied lexically (`..`
/// of the root is the root), without empty components: `/a/./b/../c` gives `["a", "c"]`. The
/// VFS uses this to see which file system a path ends in (`/proc`); the RAM file system's own
/// walk still checks every directory on the way.
pub fn normalize(path: &str) -> alloc::vec::Vec<&str> {
    let mut out = alloc::vec::Vec::new();
    for component in path.split('/') {
        match component {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            name => out.push(name),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalize_applies_dot_and_dotdot() {
        assert_eq!(normalize("/a/./b/../c"), ["a", "c"]);
        assert_eq!(normalize("/../../proc//self/"), ["proc", "self"]);
        assert_eq!(normalize("/"), [] as [&str; 0]);
        assert_eq!(normalize("proc/1/.."), ["proc"]);
    }
}

//! Replacing a file all at once.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `target` so that `target` is either left as it was or holds all of
/// `bytes`: the data goes to a fresh temporary file in the same directory (so the final
/// `rename` cannot cross file systems), which is synced and then renamed over `target`. On any
/// error the temporary file is removed.
pub fn write_atomically(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = target.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the output path does not name a file",
        )
    })?;
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let (temp, mut file) = create_temp(dir, &name.to_string_lossy())?;
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            fs::rename(&temp, target)
        });
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Creates a new, uniquely named file `.NAME.tmp-PID-N` in `dir`.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, fs::File)> {
    let pid = std::process::id();
    let mut attempt = 0u32;
    loop {
        let path = dir.join(format!(".{name}.tmp-{pid}-{attempt}"));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("cannot create a temporary file in {}: {e}", dir.display()),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system temporary directory, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "initrd-builder-atomic-{name}-{}",
                std::process::id()
            ));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn names(&self) -> Vec<String> {
            let mut names: Vec<String> = fs::read_dir(&self.0)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn creates_and_replaces_without_leftovers() {
        let tmp = TempDir::new("replace");
        let target = tmp.0.join("out.cpio");
        write_atomically(&target, b"first").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"first");
        write_atomically(&target, b"second").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"second");
        assert_eq!(tmp.names(), ["out.cpio"]);
    }

    #[test]
    fn skips_temporary_names_already_taken() {
        let tmp = TempDir::new("taken");
        let taken = tmp.0.join(format!(".out.tmp-{}-0", std::process::id()));
        fs::write(&taken, b"someone else's").unwrap();
        let target = tmp.0.join("out");
        write_atomically(&target, b"data").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"data");
        assert_eq!(fs::read(&taken).unwrap(), b"someone else's");
    }

    #[test]
    fn a_failed_rename_leaves_the_target_and_no_temporary_file() {
        let tmp = TempDir::new("dir-target");
        let target = tmp.0.join("out");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("inside"), b"keep").unwrap();
        assert!(write_atomically(&target, b"data").is_err());
        assert_eq!(fs::read(target.join("inside")).unwrap(), b"keep");
        assert_eq!(tmp.names(), ["out"]);
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let tmp = TempDir::new("missing");
        let target = tmp.0.join("no/such/dir/out");
        let err = write_atomically(&target, b"data").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(err.to_string().contains("no/such/dir"), "{err}");
        assert!(tmp.names().is_empty());
    }
}

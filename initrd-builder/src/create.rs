//! `initrd-builder create`: turn arguments into validated entries and write the image.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use abi::layout::{USER_IMAGE_END, USER_IMAGE_START};
use initrd::cpio::{CpioError, Writer, MAX_PATH_LEN, PERMISSION_BITS};
use initrd::elf::{parse_executable, UserRange};

use crate::atomic::write_atomically;
use crate::Failure;

/// Mode of a program given as a bare `HOST_FILE`, and of `--dir` entries without a mode.
const PROGRAM_MODE: u32 = 0o755;

/// Any of the execute bits: a file with one of them must be a loadable program.
const EXECUTE_BITS: u32 = 0o111;

/// Where segments of a user program may lie: the kernel's user-image area.
const USER_RANGE: UserRange = UserRange {
    start: USER_IMAGE_START,
    end: USER_IMAGE_END,
};

/// One command-line item of `create`, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// `--mode OCTAL`: the mode of the files of the inputs that follow.
    Mode(OsString),
    /// `--dir PATH[:MODE]`: an empty directory.
    Dir(OsString),
    /// `[PATH_IN_IMAGE=]HOST_FILE`.
    Input(OsString),
}

/// One `[PATH_IN_IMAGE=]HOST_FILE` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Where the file goes in the image (as given, or `/bin/<file name>`).
    pub image_path: String,
    /// The file on the host.
    pub host_file: PathBuf,
    /// Whether it was a bare `HOST_FILE` (a program: mode `0o755` unless `--mode` says
    /// otherwise) rather than `PATH_IN_IMAGE=HOST_FILE` (the host file's mode).
    pub bare: bool,
}

/// What to put in the image, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A host file or directory; `mode` is the `--mode` in force, if any.
    Input { input: Input, mode: Option<u32> },
    /// An empty directory.
    Dir { image_path: String, mode: u32 },
}

/// Parses an octal mode: one or more digits `0`-`7`, at most `0o7777`.
pub fn parse_mode(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 6 || !text.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    u32::from_str_radix(text, 8)
        .ok()
        .filter(|m| m & !PERMISSION_BITS == 0)
}

/// Parses `--dir PATH[:MODE]` (split at the last `:`; the mode defaults to `0o755`).
pub fn parse_dir(arg: &OsStr) -> Result<Item, Failure> {
    let subject = format!("--dir {:?}", arg.to_string_lossy());
    let text = arg
        .to_str()
        .ok_or_else(|| Failure::usage(&subject, "the path is not valid UTF-8"))?;
    let (path, mode) = match text.rsplit_once(':') {
        Some((path, mode)) => {
            let mode = parse_mode(mode).ok_or_else(|| {
                Failure::usage(
                    &subject,
                    format!("bad mode {mode:?}: expected octal permission bits such as 755"),
                )
            })?;
            (path, mode)
        }
        None => (text, PROGRAM_MODE),
    };
    if path.is_empty() {
        return Err(Failure::usage(subject, "the directory path is empty"));
    }
    Ok(Item::Dir {
        image_path: path.to_string(),
        mode,
    })
}

/// Turns the command-line items into what to pack, applying each `--mode` to the inputs after
/// it.
pub fn parse_items(args: &[Arg]) -> Result<Vec<Item>, Failure> {
    let mut mode = None;
    let mut items = Vec::new();
    for arg in args {
        match arg {
            Arg::Mode(text) => {
                let parsed = text.to_str().and_then(parse_mode).ok_or_else(|| {
                    Failure::usage(
                        format!("--mode {:?}", text.to_string_lossy()),
                        "is not an octal mode such as 644 or 0755 (at most 7777)",
                    )
                })?;
                mode = Some(parsed);
            }
            Arg::Dir(text) => items.push(parse_dir(text)?),
            Arg::Input(text) => items.push(Item::Input {
                input: parse_input(text)?,
                mode,
            }),
        }
    }
    if items.is_empty() {
        return Err(Failure::usage(
            "create",
            "nothing to pack: give at least one [PATH_IN_IMAGE=]HOST_FILE or --dir PATH",
        ));
    }
    Ok(items)
}

/// Parses one argument: `PATH_IN_IMAGE=HOST_FILE` (split at the first `=`) or a bare
/// `HOST_FILE`, which goes to `/bin/<file name>`.
pub fn parse_input(arg: &OsStr) -> Result<Input, Failure> {
    let subject = format!("argument {:?}", arg.to_string_lossy());
    let bytes = arg.as_bytes();
    if bytes.is_empty() {
        return Err(Failure::usage(
            subject,
            "is empty; expected [PATH_IN_IMAGE=]HOST_FILE",
        ));
    }
    if let Some(eq) = bytes.iter().position(|&b| b == b'=') {
        let (image, host) = (&bytes[..eq], &bytes[eq + 1..]);
        let image_path = std::str::from_utf8(image)
            .map_err(|_| Failure::usage(&subject, "the path in the image is not valid UTF-8"))?;
        if image_path.is_empty() {
            return Err(Failure::usage(
                subject,
                "the path in the image (before '=') is empty",
            ));
        }
        if host.is_empty() {
            return Err(Failure::usage(
                subject,
                "the host file (after '=') is empty",
            ));
        }
        return Ok(Input {
            image_path: image_path.to_string(),
            host_file: PathBuf::from(OsStr::from_bytes(host)),
            bare: false,
        });
    }
    let host_file = PathBuf::from(arg);
    let name = host_file.file_name().ok_or_else(|| {
        Failure::usage(
            &subject,
            "has no file name to place at /bin/<name>; use PATH_IN_IMAGE=HOST_FILE",
        )
    })?;
    let name = name.to_str().ok_or_else(|| {
        Failure::usage(
            &subject,
            "the file name is not valid UTF-8; use PATH_IN_IMAGE=HOST_FILE",
        )
    })?;
    Ok(Input {
        image_path: format!("/bin/{name}"),
        host_file,
        bare: true,
    })
}

/// Reads and validates every input, builds the archive, and writes it atomically to `output`.
pub fn run(output: &Path, args: &[Arg]) -> Result<(), Failure> {
    let items = parse_items(args)?;
    let image = build_image(&items)?;
    write_atomically(output, &image).map_err(|e| {
        Failure::file(
            output.display().to_string(),
            format!("cannot write the image: {e}"),
        )
    })
}

/// Builds the archive in memory; nothing touches the disk but reads.
pub fn build_image(items: &[Item]) -> Result<Vec<u8>, Failure> {
    let mut writer = Writer::new();
    for item in items {
        match item {
            Item::Dir { image_path, mode } => {
                writer.add_dir(image_path, *mode).map_err(|e| {
                    Failure::file(
                        format!("--dir {image_path:?}"),
                        format!("cannot be added to the image: {}", describe(&e)),
                    )
                })?;
            }
            Item::Input { input, mode } => add_input(&mut writer, input, *mode)?,
        }
    }
    Ok(writer.finish())
}

/// Adds one `[PATH_IN_IMAGE=]HOST_FILE` input: a file, or a host directory packed recursively.
/// The argument itself is followed if it is a symbolic link.
fn add_input(writer: &mut Writer, input: &Input, mode: Option<u32>) -> Result<(), Failure> {
    let host = &input.host_file;
    let subject = host.display().to_string();
    let meta =
        fs::metadata(host).map_err(|e| Failure::file(&subject, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        if input.bare {
            return Err(Failure::file(
                subject,
                "cannot read: it is a directory; pack it with PATH_IN_IMAGE=HOST_DIR",
            ));
        }
        return add_tree(
            writer,
            &input.image_path,
            host,
            meta.permissions().mode(),
            mode,
        );
    }
    if !meta.is_file() {
        return Err(not_packable(&subject));
    }
    let mode = match (mode, input.bare) {
        (Some(mode), _) => mode,
        (None, true) => PROGRAM_MODE,
        (None, false) => meta.permissions().mode() & PERMISSION_BITS,
    };
    add_host_file(writer, &input.image_path, host, mode)
}

/// Adds a host directory at `image_path` (`/` puts its contents at the root, without an entry
/// of its own), then what it holds, sorted by name. Symbolic links and special files inside are
/// refused.
fn add_tree(
    writer: &mut Writer,
    image_path: &str,
    dir: &Path,
    dir_mode: u32,
    file_mode: Option<u32>,
) -> Result<(), Failure> {
    let subject = dir.display().to_string();
    let base = image_path.trim_end_matches('/');
    if !base.is_empty() {
        writer
            .add_dir(image_path, dir_mode & PERMISSION_BITS)
            .map_err(|e| placement(&subject, image_path, &e))?;
    }
    let mut children = fs::read_dir(dir)
        .and_then(|entries| {
            entries
                .map(|e| e.map(|e| e.file_name()))
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(|e| Failure::file(&subject, format!("cannot read the directory: {e}")))?;
    children.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    for name in children {
        let host = dir.join(&name);
        let child_subject = host.display().to_string();
        let name = name
            .to_str()
            .ok_or_else(|| Failure::file(&child_subject, "the file name is not valid UTF-8"))?;
        let path = format!("{base}/{name}");
        let meta = fs::symlink_metadata(&host)
            .map_err(|e| Failure::file(&child_subject, format!("cannot read: {e}")))?;
        let kind = meta.file_type();
        if kind.is_symlink() {
            return Err(Failure::file(
                child_subject,
                "is a symbolic link; the image cannot hold links (the kernel's RAM file \
                 system does not take them)",
            ));
        } else if kind.is_dir() {
            add_tree(writer, &path, &host, meta.permissions().mode(), file_mode)?;
        } else if kind.is_file() {
            let mode = file_mode.unwrap_or(meta.permissions().mode() & PERMISSION_BITS);
            add_host_file(writer, &path, &host, mode)?;
        } else {
            return Err(not_packable(&child_subject));
        }
    }
    Ok(())
}

/// Reads a regular host file and adds it with `mode`; a file with an execute bit must be a
/// loadable i386 user program, any other is data and goes in as it is.
fn add_host_file(
    writer: &mut Writer,
    image_path: &str,
    host: &Path,
    mode: u32,
) -> Result<(), Failure> {
    let subject = host.display().to_string();
    let data = fs::read(host).map_err(|e| Failure::file(&subject, format!("cannot read: {e}")))?;
    if mode & EXECUTE_BITS != 0 {
        parse_executable(&data, USER_RANGE).map_err(|e| {
            Failure::file(
                &subject,
                format!(
                    "not a loadable i386 user program: {e} (mode {mode:04o} marks it executable; \
                     data files must have no execute bit)"
                ),
            )
        })?;
    }
    writer
        .add_file(image_path, mode, &data)
        .map_err(|e| placement(&subject, image_path, &e))
}

/// A writer error for the entry of `subject` at `image_path`.
fn placement(subject: &str, image_path: &str, error: &CpioError) -> Failure {
    Failure::file(
        subject,
        format!(
            "cannot be placed at {image_path:?} in the image: {}",
            describe(error)
        ),
    )
}

/// The refusal of a FIFO, socket or device.
fn not_packable(subject: &str) -> Failure {
    Failure::file(
        subject,
        "is not a regular file or a directory; the image cannot hold FIFOs, sockets or devices",
    )
}

/// The reason for a writer error, worded for the command line (the writer's own wording for
/// an over-long path speaks of archive offsets, which mean nothing to the user here).
fn describe(error: &CpioError) -> String {
    match error {
        CpioError::PathTooLong { len, .. } => format!(
            "the path is {len} bytes long (without the leading '/'); the limit is \
             {MAX_PATH_LEN}"
        ),
        CpioError::DuplicatePath { path } => {
            format!("another input already went to /{path}")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(image: &str, host: &str, bare: bool) -> Input {
        Input {
            image_path: image.to_string(),
            host_file: PathBuf::from(host),
            bare,
        }
    }

    #[test]
    fn bare_files_go_to_bin() {
        assert_eq!(
            parse_input(OsStr::new("target/x/init")).unwrap(),
            input("/bin/init", "target/x/init", true)
        );
        assert_eq!(
            parse_input(OsStr::new("hello")).unwrap(),
            input("/bin/hello", "hello", true)
        );
    }

    #[test]
    fn explicit_paths_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_input(OsStr::new("/sbin/init=build/init")).unwrap(),
            input("/sbin/init", "build/init", false)
        );
        assert_eq!(
            parse_input(OsStr::new("/bin/a=./a=b")).unwrap(),
            input("/bin/a", "./a=b", false)
        );
    }

    #[test]
    fn malformed_arguments_are_usage_errors() {
        for (arg, needle) in [
            ("", "empty"),
            ("=file", "before '='"),
            ("/bin/x=", "after '='"),
            ("/", "no file name"),
            ("dir/..", "no file name"),
        ] {
            let failure = parse_input(OsStr::new(arg)).unwrap_err();
            assert!(failure.usage, "{arg:?}");
            assert!(failure.reason.contains(needle), "{arg:?}: {failure:?}");
            assert!(failure.subject.contains(&format!("{arg:?}")), "{failure:?}");
        }
        let bad = OsStr::from_bytes(b"/bin/\xff=file");
        assert!(parse_input(bad).unwrap_err().reason.contains("UTF-8"));
        let bad = OsStr::from_bytes(b"dir/\xff");
        assert!(parse_input(bad).unwrap_err().reason.contains("UTF-8"));
    }

    #[test]
    fn modes_are_octal_permission_bits() {
        assert_eq!(parse_mode("644"), Some(0o644));
        assert_eq!(parse_mode("0755"), Some(0o755));
        assert_eq!(parse_mode("7777"), Some(0o7777));
        assert_eq!(parse_mode("0"), Some(0));
        for bad in ["", "8", "64a", "0o644", "10000", "-1", " 644", "1234567"] {
            assert_eq!(parse_mode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dirs_take_an_optional_mode_after_the_last_colon() {
        let dir = |path: &str, mode| Item::Dir {
            image_path: path.to_string(),
            mode,
        };
        assert_eq!(parse_dir(OsStr::new("/etc")).unwrap(), dir("/etc", 0o755));
        assert_eq!(
            parse_dir(OsStr::new("/tmp:1777")).unwrap(),
            dir("/tmp", 0o1777)
        );
        assert_eq!(
            parse_dir(OsStr::new("/a:b:700")).unwrap(),
            dir("/a:b", 0o700)
        );
        for bad in ["", ":755", "/etc:", "/etc:999", "/a:b"] {
            let failure = parse_dir(OsStr::new(bad)).unwrap_err();
            assert!(failure.usage, "{bad:?}: {failure:?}");
        }
    }

    #[test]
    fn a_mode_applies_to_the_inputs_after_it() {
        let items = parse_items(&[
            Arg::Input("a".into()),
            Arg::Mode("644".into()),
            Arg::Input("/etc/b=b".into()),
            Arg::Dir("/d".into()),
            Arg::Mode("600".into()),
            Arg::Input("c".into()),
        ])
        .unwrap();
        let modes: Vec<Option<u32>> = items
            .iter()
            .filter_map(|i| match i {
                Item::Input { mode, .. } => Some(*mode),
                Item::Dir { .. } => None,
            })
            .collect();
        assert_eq!(modes, [None, Some(0o644), Some(0o600)]);
        assert!(
            parse_items(&[Arg::Mode("9".into()), Arg::Input("a".into())])
                .unwrap_err()
                .usage
        );
        assert!(parse_items(&[Arg::Mode("644".into())]).unwrap_err().usage);
    }
}

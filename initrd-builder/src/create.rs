//! `initrd-builder create`: turn arguments into validated entries and write the image.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use abi::layout::{USER_IMAGE_END, USER_IMAGE_START};
use initrd::cpio::{CpioError, Writer, MAX_PATH_LEN};
use initrd::elf::{parse_executable, UserRange};

use crate::atomic::write_atomically;
use crate::Failure;

/// Mode of every program in the image.
const PROGRAM_MODE: u32 = 0o755;

/// Where segments of a user program may lie: the kernel's user-image area.
const USER_RANGE: UserRange = UserRange {
    start: USER_IMAGE_START,
    end: USER_IMAGE_END,
};

/// One `[PATH_IN_IMAGE=]HOST_FILE` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Where the file goes in the image (as given, or `/bin/<file name>`).
    pub image_path: String,
    /// The file on the host.
    pub host_file: PathBuf,
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
    })
}

/// Reads and validates every input, builds the archive, and writes it atomically to `output`.
pub fn run(output: &Path, args: &[impl AsRef<OsStr>]) -> Result<(), Failure> {
    let inputs = args
        .iter()
        .map(|a| parse_input(a.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    let image = build_image(&inputs)?;
    write_atomically(output, &image).map_err(|e| {
        Failure::file(
            output.display().to_string(),
            format!("cannot write the image: {e}"),
        )
    })
}

/// Builds the archive in memory; nothing touches the disk but reads.
pub fn build_image(inputs: &[Input]) -> Result<Vec<u8>, Failure> {
    let mut writer = Writer::new();
    for input in inputs {
        let subject = input.host_file.display().to_string();
        let data = std::fs::read(&input.host_file)
            .map_err(|e| Failure::file(&subject, format!("cannot read: {e}")))?;
        parse_executable(&data, USER_RANGE).map_err(|e| {
            Failure::file(&subject, format!("not a loadable i386 user program: {e}"))
        })?;
        writer
            .add_file(&input.image_path, PROGRAM_MODE, &data)
            .map_err(|e| {
                Failure::file(
                    &subject,
                    format!(
                        "cannot be placed at {:?} in the image: {}",
                        input.image_path,
                        describe(&e)
                    ),
                )
            })?;
    }
    Ok(writer.finish())
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

    fn input(image: &str, host: &str) -> Input {
        Input {
            image_path: image.to_string(),
            host_file: PathBuf::from(host),
        }
    }

    #[test]
    fn bare_files_go_to_bin() {
        assert_eq!(
            parse_input(OsStr::new("target/x/init")).unwrap(),
            input("/bin/init", "target/x/init")
        );
        assert_eq!(
            parse_input(OsStr::new("hello")).unwrap(),
            input("/bin/hello", "hello")
        );
    }

    #[test]
    fn explicit_paths_split_at_the_first_equals_sign() {
        assert_eq!(
            parse_input(OsStr::new("/sbin/init=build/init")).unwrap(),
            input("/sbin/init", "build/init")
        );
        assert_eq!(
            parse_input(OsStr::new("/bin/a=./a=b")).unwrap(),
            input("/bin/a", "./a=b")
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
}

use super::*;
use std::format;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::string::String;
use std::vec;
use std::vec::Vec;

/// One raw newc entry with the given name bytes (a NUL is appended unless `namesize` is given),
/// mode and data, padded as the format requires.
fn raw_entry(name: &[u8], mode: u32, data: &[u8], namesize: Option<u32>) -> Vec<u8> {
    let namesize = namesize.unwrap_or(name.len() as u32 + 1);
    let mut out = format!(
        "070701{:08x}{mode:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{namesize:08x}{:08x}",
        0, 0, 0, 1, 0, data.len(), 0, 0, 0, 0, 0
    )
    .into_bytes();
    assert_eq!(out.len(), HEADER_LEN);
    out.extend_from_slice(name);
    out.push(0);
    while out.len() % 4 != 0 {
        out.push(0);
    }
    out.extend_from_slice(data);
    while out.len() % 4 != 0 {
        out.push(0);
    }
    out
}

fn trailer() -> Vec<u8> {
    raw_entry(TRAILER_NAME.as_bytes(), 0, b"", None)
}

/// A raw archive made of the given entries plus the trailer.
fn raw_archive(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut out: Vec<u8> = entries.concat();
    out.extend(trailer());
    out
}

fn sample() -> Vec<u8> {
    let mut w = Writer::new();
    w.add_dir("etc", 0o700).unwrap();
    w.add_file("/bin/init", 0o755, b"\x7fELF init").unwrap();
    w.add_file("bin/sh", 0o750, b"shell!").unwrap();
    w.add_file("empty", 0o644, b"").unwrap();
    w.add_file("a/b/c/deep", 0o600, &[1, 2, 3, 4, 5]).unwrap();
    w.finish()
}

#[test]
fn round_trip_keeps_paths_modes_and_data_in_order() {
    let image = sample();
    let archive = Archive::parse(&image).unwrap();
    let got: Vec<(&str, u32, &[u8])> = archive
        .entries()
        .map(|e| (e.path, e.mode, e.data))
        .collect();
    let want: Vec<(&str, u32, &[u8])> = vec![
        ("etc", S_IFDIR | 0o700, b""),
        ("bin", S_IFDIR | 0o755, b""),
        ("bin/init", S_IFREG | 0o755, b"\x7fELF init"),
        ("bin/sh", S_IFREG | 0o750, b"shell!"),
        ("empty", S_IFREG | 0o644, b""),
        ("a", S_IFDIR | 0o755, b""),
        ("a/b", S_IFDIR | 0o755, b""),
        ("a/b/c", S_IFDIR | 0o755, b""),
        ("a/b/c/deep", S_IFREG | 0o600, &[1, 2, 3, 4, 5]),
    ];
    assert_eq!(got, want);
    assert_eq!(archive.len(), want.len());
    assert!(!archive.is_empty());
    assert_eq!(archive.size(), image.len());
}

#[test]
fn find_accepts_absolute_relative_and_dot_slash_paths() {
    let image = sample();
    let archive = Archive::parse(&image).unwrap();
    for path in ["/bin/init", "bin/init", "./bin/init"] {
        let e = archive.find(path).unwrap();
        assert_eq!(e.path, "bin/init");
        assert_eq!(e.data, b"\x7fELF init");
    }
    assert!(archive.find("/bin/nope").is_none());
    assert!(archive.find("bin/ini").is_none());
    assert!(archive.find("in/init").is_none());
    assert!(archive.find("/a/b/").unwrap().is_dir());
}

#[test]
fn entry_kind_and_permissions() {
    let image = sample();
    let archive = Archive::parse(&image).unwrap();
    let file = archive.find("bin/sh").unwrap();
    assert!(file.is_file() && !file.is_dir());
    assert_eq!(file.permissions(), 0o750);
    let dir = archive.find("etc").unwrap();
    assert!(dir.is_dir() && !dir.is_file());
    assert_eq!(dir.permissions(), 0o700);
    let link = Entry {
        path: "l",
        mode: 0o120777,
        data: b"target",
    };
    assert!(!link.is_file() && !link.is_dir());
}

#[test]
fn writer_output_has_the_exact_newc_layout() {
    let mut w = Writer::new();
    w.add_file("a", 0o755, b"xyz").unwrap();
    let image = w.finish();
    let header = |ino: &str, mode: &str, nlink: &str, size: &str, namesize: &str| {
        let zero = "00000000";
        [
            "070701", ino, mode, zero, zero, nlink, zero, size, zero, zero, zero, zero, namesize,
            zero,
        ]
        .concat()
    };
    let mut want = Vec::new();
    want.extend(header("00000001", "000081ed", "00000001", "00000003", "00000002").bytes());
    want.extend_from_slice(b"a\0"); // 110 + 2 = 112: a multiple of 4, no padding
    want.extend_from_slice(b"xyz\0"); // data padded to 4
    want.extend(header("00000000", "00000000", "00000001", "00000000", "0000000b").bytes());
    want.extend_from_slice(b"TRAILER!!!\0\0\0\0"); // 110 + 11 = 121, padded to 124
    assert_eq!(
        String::from_utf8_lossy(&image),
        String::from_utf8_lossy(&want)
    );
    assert_eq!(image, want);
}

#[test]
fn writer_pads_every_data_length() {
    for len in 0..9usize {
        for name in ["x", "xy", "xyz", "wxyz"] {
            let data: Vec<u8> = (0..len as u8).map(|b| b + 1).collect();
            let mut w = Writer::new();
            w.add_file(name, 0o644, &data).unwrap();
            w.add_file("next", 0o644, b"n").unwrap();
            let image = w.finish();
            assert_eq!(image.len() % 4, 0);
            let archive = Archive::parse(&image).unwrap();
            assert_eq!(archive.find(name).unwrap().data, &data[..]);
            assert_eq!(archive.find("next").unwrap().data, b"n");
        }
    }
}

#[test]
fn writer_is_deterministic() {
    assert_eq!(sample(), sample());
}

#[test]
fn empty_archive_is_just_a_trailer() {
    let image = Writer::default().finish();
    assert_eq!(image, trailer());
    let archive = Archive::parse(&image).unwrap();
    assert!(archive.is_empty());
    assert_eq!(archive.entries().count(), 0);
    assert!(archive.find("x").is_none());
}

#[test]
fn writer_accepts_max_len_path_and_rejects_longer() {
    let ok = "p".repeat(MAX_PATH_LEN);
    let mut w = Writer::new();
    w.add_file(&ok, 0o644, b"x").unwrap();
    w.add_file(&format!("/{}", "q".repeat(MAX_PATH_LEN)), 0o644, b"x")
        .unwrap();
    let offset = w.buf.len();
    let long = "p".repeat(MAX_PATH_LEN + 1);
    assert_eq!(
        w.add_file(&long, 0o644, b"x"),
        Err(CpioError::PathTooLong {
            offset,
            len: MAX_PATH_LEN + 1
        })
    );
    assert_eq!(
        w.add_dir(&format!("d/{}", "p".repeat(MAX_PATH_LEN - 1)), 0o755),
        Err(CpioError::PathTooLong {
            offset,
            len: MAX_PATH_LEN + 1
        })
    );
    let image = w.finish();
    let archive = Archive::parse(&image).unwrap();
    assert_eq!(archive.len(), 2);
    assert_eq!(archive.find(&ok).unwrap().path.len(), MAX_PATH_LEN);
}

/// Runs `f` on a writer holding one file; checks it fails with `want` and leaves the archive
/// unchanged.
fn assert_writer_rejects(f: impl FnOnce(&mut Writer) -> Result<(), CpioError>, want: CpioError) {
    let mut w = Writer::new();
    w.add_file("bin/init", 0o755, b"init").unwrap();
    let before = w.clone().finish();
    assert_eq!(f(&mut w), Err(want));
    assert_eq!(
        w.finish(),
        before,
        "a failed call must not change the archive"
    );
}

#[test]
fn writer_rejects_empty_paths() {
    assert_writer_rejects(|w| w.add_file("", 0o644, b"x"), CpioError::EmptyPath);
    assert_writer_rejects(|w| w.add_file("/", 0o644, b"x"), CpioError::EmptyPath);
    assert_writer_rejects(|w| w.add_dir("", 0o755), CpioError::EmptyPath);
}

#[test]
fn writer_rejects_dot_dotdot_and_empty_components() {
    for path in [
        ".",
        "..",
        "./a",
        "a/./b",
        "a/..",
        "../a",
        "a//b",
        "a/",
        "//a",
        "bin/../etc",
    ] {
        let want = CpioError::InvalidComponent {
            path: String::from(path),
        };
        assert_writer_rejects(|w| w.add_file(path, 0o644, b"x"), want.clone());
        assert_writer_rejects(|w| w.add_dir(path, 0o755), want);
    }
}

#[test]
fn writer_rejects_nul_in_path() {
    assert_writer_rejects(
        |w| w.add_file("a\0b", 0o644, b"x"),
        CpioError::NulInPath {
            path: String::from("a\0b"),
        },
    );
}

#[test]
fn writer_rejects_the_trailer_name() {
    for path in ["TRAILER!!!", "/TRAILER!!!", "TRAILER!!!/x"] {
        assert_writer_rejects(
            |w| w.add_file(path, 0o644, b"x"),
            CpioError::ReservedPath {
                path: String::from(path),
            },
        );
    }
}

#[test]
fn writer_rejects_duplicates() {
    let dup = |p: &str| CpioError::DuplicatePath {
        path: String::from(p),
    };
    assert_writer_rejects(|w| w.add_file("bin/init", 0o755, b"2"), dup("bin/init"));
    assert_writer_rejects(|w| w.add_file("/bin/init", 0o755, b"2"), dup("bin/init"));
    assert_writer_rejects(|w| w.add_dir("bin/init", 0o755), dup("bin/init"));
    // `bin` was created implicitly as the parent of `bin/init`.
    assert_writer_rejects(|w| w.add_dir("/bin", 0o755), dup("bin"));
    assert_writer_rejects(|w| w.add_file("bin", 0o755, b""), dup("bin"));
}

#[test]
fn writer_rejects_a_file_as_parent() {
    assert_writer_rejects(
        |w| w.add_file("bin/init/x", 0o644, b"x"),
        CpioError::ParentNotDirectory {
            path: String::from("bin/init"),
        },
    );
    assert_writer_rejects(
        |w| w.add_dir("bin/init/x/y", 0o755),
        CpioError::ParentNotDirectory {
            path: String::from("bin/init"),
        },
    );
}

#[test]
fn writer_rejects_non_permission_mode_bits() {
    for mode in [S_IFREG | 0o644, 0o10000, u32::MAX] {
        assert_writer_rejects(
            |w| w.add_file("f", mode, b"x"),
            CpioError::InvalidMode { mode },
        );
        assert_writer_rejects(|w| w.add_dir("d", mode), CpioError::InvalidMode { mode });
    }
    let mut w = Writer::new();
    w.add_file("suid", 0o7777, b"x").unwrap();
    let image = w.finish();
    let archive = Archive::parse(&image).unwrap();
    assert_eq!(archive.find("suid").unwrap().mode, S_IFREG | 0o7777);
}

#[cfg(target_pointer_width = "64")]
#[test]
fn writer_rejects_files_over_4_gib() {
    // Zeroed allocations come straight from the OS and are never touched here, so this costs
    // address space, not memory.
    let huge = vec![0u8; u32::MAX as usize + 1];
    assert_writer_rejects(
        |w| w.add_file("bin/huge", 0o755, &huge),
        CpioError::FileTooLarge {
            path: String::from("bin/huge"),
            size: huge.len(),
        },
    );
}

#[test]
fn reader_normalises_paths_from_other_tools() {
    let image = raw_archive(&[
        raw_entry(b".", S_IFDIR | 0o755, b"", None),
        raw_entry(b"./bin", S_IFDIR | 0o755, b"", None),
        raw_entry(b"./bin/x", S_IFREG | 0o755, b"x", None),
        raw_entry(b"/bin/y", S_IFREG | 0o755, b"y", None),
        raw_entry(b"etc/", S_IFDIR | 0o755, b"", None),
    ]);
    let archive = Archive::parse(&image).unwrap();
    let paths: Vec<&str> = archive.entries().map(|e| e.path).collect();
    assert_eq!(paths, ["", "bin", "bin/x", "bin/y", "etc"]);
    assert_eq!(archive.find("/bin/y").unwrap().data, b"y");
    assert_eq!(archive.find("./bin/x").unwrap().data, b"x");
    assert!(archive.find("/").unwrap().is_dir());
    assert!(archive.find("/etc").unwrap().is_dir());
}

#[test]
fn reader_accepts_uppercase_hex_and_ignores_bytes_after_the_trailer() {
    let mut entry = raw_entry(b"f", S_IFREG | 0o644, b"0123456789abcdef0123456789", None);
    // filesize 26 = 0x1a: write it as "0000001A".
    let field = 6 + 6 * 8;
    assert_eq!(&entry[field..field + 8], b"0000001a");
    entry[field + 7] = b'A';
    let mut image = raw_archive(&[entry]);
    let end = image.len();
    image.extend_from_slice(&[0u8; 300]);
    image.extend_from_slice(b"garbage");
    let archive = Archive::parse(&image).unwrap();
    assert_eq!(archive.size(), end);
    assert_eq!(
        archive.find("f").unwrap().data,
        b"0123456789abcdef0123456789"
    );
}

#[test]
fn reader_tolerates_a_trailer_without_final_padding() {
    let mut image = raw_archive(&[raw_entry(b"f", S_IFREG | 0o644, b"abc", None)]);
    while image.last() == Some(&0) && image[image.len() - 2] == 0 {
        image.pop();
    }
    assert_eq!(image.last(), Some(&0), "the name's own NUL stays");
    let archive = Archive::parse(&image).unwrap();
    assert_eq!(archive.find("f").unwrap().data, b"abc");
    assert_eq!(archive.size(), image.len());
}

#[test]
fn reader_lets_the_later_of_two_equal_paths_win() {
    let image = raw_archive(&[
        raw_entry(b"f", S_IFREG | 0o644, b"first", None),
        raw_entry(b"./f", S_IFREG | 0o644, b"second", None),
    ]);
    let archive = Archive::parse(&image).unwrap();
    assert_eq!(archive.len(), 2);
    assert_eq!(archive.find("f").unwrap().data, b"second");
}

#[test]
fn reader_reports_truncation_at_the_entry_offset() {
    let image = sample();
    let archive = Archive::parse(&image).unwrap();
    // Offset of the second entry, to check offsets are entry starts.
    let second = {
        let first = raw_entry(b"etc", S_IFDIR | 0o700, b"", None);
        first.len()
    };
    assert_eq!(&image[second..second + 6], MAGIC);
    // Cut inside the second header, inside its name, and (for a file) inside its data.
    for cut in [second + 1, second + 50, second + HEADER_LEN + 1] {
        assert_eq!(
            Archive::parse(&image[..cut]).unwrap_err(),
            CpioError::Truncated { offset: second },
            "cut at {cut}"
        );
    }
    let init = image.windows(8).position(|w| w == b"bin/init").unwrap() - HEADER_LEN;
    let data = image.windows(9).position(|w| w == b"\x7fELF init").unwrap();
    assert_eq!(
        Archive::parse(&image[..data + 4]).unwrap_err(),
        CpioError::Truncated { offset: init }
    );
    // A file size larger than the image.
    let mut big = raw_entry(b"f", S_IFREG, b"", None);
    big[54..62].copy_from_slice(b"ffffffff");
    big.extend(trailer());
    assert_eq!(
        Archive::parse(&big).unwrap_err(),
        CpioError::Truncated { offset: 0 }
    );
    // A name size larger than the image.
    let mut long_name = raw_entry(b"f", S_IFREG, b"", None);
    long_name[94..102].copy_from_slice(b"7fffffff");
    assert_eq!(
        Archive::parse(&long_name).unwrap_err(),
        CpioError::Truncated { offset: 0 }
    );
    assert!(archive.len() > 2);
}

#[test]
fn reader_rejects_bad_magic() {
    assert_eq!(
        Archive::parse(b"070702 and then some more bytes").unwrap_err(),
        CpioError::BadMagic { offset: 0 }
    );
    let mut image = sample();
    image[0..6].copy_from_slice(b"070707");
    assert_eq!(
        Archive::parse(&image).unwrap_err(),
        CpioError::BadMagic { offset: 0 }
    );
    let first = raw_entry(b"f", S_IFREG | 0o644, b"data", None);
    let mut second = raw_entry(b"g", S_IFREG | 0o644, b"data", None);
    second[5] = b'2';
    let image = raw_archive(&[first.clone(), second]);
    assert_eq!(
        Archive::parse(&image).unwrap_err(),
        CpioError::BadMagic {
            offset: first.len()
        }
    );
    // An ELF file is not an archive.
    let mut elf = vec![0x7f, b'E', b'L', b'F'];
    elf.resize(200, 0);
    assert_eq!(
        Archive::parse(&elf).unwrap_err(),
        CpioError::BadMagic { offset: 0 }
    );
}

#[test]
fn reader_rejects_non_hex_fields_naming_the_field() {
    for (index, name) in FIELD_NAMES.iter().enumerate() {
        for bad in *b"g -x" {
            let mut entry = raw_entry(b"f", S_IFREG | 0o644, b"", None);
            let at = 6 + index * 8 + 3;
            entry[at] = bad;
            let first = raw_entry(b"ok", S_IFREG | 0o644, b"fine", None);
            let image = raw_archive(&[first.clone(), entry]);
            assert_eq!(
                Archive::parse(&image).unwrap_err(),
                CpioError::BadHexField {
                    offset: first.len() + 6 + index * 8,
                    field: name,
                }
            );
        }
    }
}

#[test]
fn reader_rejects_names_without_terminator() {
    // namesize 0.
    let image = raw_archive(&[raw_entry(b"", S_IFREG, b"", Some(0))]);
    assert_eq!(
        Archive::parse(&image).unwrap_err(),
        CpioError::NameNotTerminated { offset: 0 }
    );
    // namesize one short: the last counted byte is 'f', not NUL.
    let image = raw_archive(&[raw_entry(b"ff", S_IFREG, b"", Some(2))]);
    assert_eq!(
        Archive::parse(&image).unwrap_err(),
        CpioError::NameNotTerminated { offset: 0 }
    );
    // A NUL inside the name.
    let first = raw_entry(b"ok", S_IFREG, b"", None);
    let image = raw_archive(&[first.clone(), raw_entry(b"a\0b", S_IFREG, b"", None)]);
    assert_eq!(
        Archive::parse(&image).unwrap_err(),
        CpioError::NameNotTerminated {
            offset: first.len()
        }
    );
}

#[test]
fn reader_rejects_non_utf8_names() {
    let first = raw_entry(b"ok", S_IFREG, b"", None);
    let image = raw_archive(&[first.clone(), raw_entry(b"bad\xff", S_IFREG, b"", None)]);
    assert_eq!(
        Archive::parse(&image).unwrap_err(),
        CpioError::NameNotUtf8 {
            offset: first.len()
        }
    );
}

#[test]
fn reader_rejects_paths_over_the_limit_after_normalising() {
    let ok = std::format!("./{}", "p".repeat(MAX_PATH_LEN));
    let image = raw_archive(&[raw_entry(ok.as_bytes(), S_IFREG, b"", None)]);
    assert!(Archive::parse(&image).is_ok());
    let first = raw_entry(b"ok", S_IFREG, b"", None);
    let long = "p".repeat(MAX_PATH_LEN + 1);
    let image = raw_archive(&[
        first.clone(),
        raw_entry(long.as_bytes(), S_IFREG, b"", None),
    ]);
    assert_eq!(
        Archive::parse(&image).unwrap_err(),
        CpioError::PathTooLong {
            offset: first.len(),
            len: MAX_PATH_LEN + 1
        }
    );
}

#[test]
fn reader_requires_the_trailer() {
    assert_eq!(
        Archive::parse(b"").unwrap_err(),
        CpioError::MissingTrailer { offset: 0 }
    );
    let entry = raw_entry(b"f", S_IFREG, b"abc", None);
    assert_eq!(
        Archive::parse(&entry).unwrap_err(),
        CpioError::MissingTrailer {
            offset: entry.len()
        }
    );
    let image = sample();
    let cut = image.len() - trailer().len();
    assert_eq!(
        Archive::parse(&image[..cut]).unwrap_err(),
        CpioError::MissingTrailer { offset: cut }
    );
}

#[test]
fn error_messages_are_clear() {
    let cases: Vec<(CpioError, &[&str])> = vec![
        (
            CpioError::Truncated { offset: 12 },
            &["byte 12", "past the end"],
        ),
        (CpioError::BadMagic { offset: 4 }, &["byte 4", "070701"]),
        (
            CpioError::BadHexField {
                offset: 60,
                field: "filesize",
            },
            &["filesize", "byte 60", "hexadecimal"],
        ),
        (
            CpioError::NameNotTerminated { offset: 8 },
            &["byte 8", "NUL-terminated"],
        ),
        (CpioError::NameNotUtf8 { offset: 8 }, &["byte 8", "UTF-8"]),
        (
            CpioError::PathTooLong {
                offset: 16,
                len: 300,
            },
            &["byte 16", "300 bytes", "255"],
        ),
        (
            CpioError::MissingTrailer { offset: 96 },
            &["byte 96", "TRAILER!!!"],
        ),
        (CpioError::EmptyPath, &["empty"]),
        (
            CpioError::InvalidComponent {
                path: String::from("a/../b"),
            },
            &["\"a/../b\"", "\"..\""],
        ),
        (
            CpioError::NulInPath {
                path: String::from("a\0b"),
            },
            &["\"a\\0b\"", "NUL"],
        ),
        (
            CpioError::ReservedPath {
                path: String::from("TRAILER!!!"),
            },
            &["\"TRAILER!!!\"", "reserved"],
        ),
        (
            CpioError::DuplicatePath {
                path: String::from("bin/x"),
            },
            &["\"bin/x\"", "already"],
        ),
        (
            CpioError::ParentNotDirectory {
                path: String::from("bin/x"),
            },
            &["\"bin/x\"", "is a file"],
        ),
        (
            CpioError::InvalidMode { mode: 0o100644 },
            &["0o100644", "permission"],
        ),
        (
            CpioError::FileTooLarge {
                path: String::from("big"),
                size: 5_000_000_000,
            },
            &["\"big\"", "5000000000", "4294967295"],
        ),
    ];
    for (error, needles) in cases {
        let text = error.to_string();
        for needle in needles {
            assert!(text.contains(needle), "{text:?} lacks {needle:?}");
        }
    }
}

/// A directory under the system temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("initrd-cpio-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const GNU_CPIO: &str = "/usr/bin/cpio";

fn have_gnu_cpio() -> bool {
    if Path::new(GNU_CPIO).exists() {
        return true;
    }
    std::println!("notice: {GNU_CPIO} is missing; skipping the GNU cpio compatibility check");
    false
}

#[test]
fn reads_an_archive_written_by_gnu_cpio() {
    if !have_gnu_cpio() {
        return;
    }
    let tmp = TempDir::new("gnu-read");
    let root = tmp.0.join("root");
    let binary: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::create_dir_all(root.join("usr/share/empty-dir")).unwrap();
    std::fs::write(root.join("bin/init"), &binary).unwrap();
    std::fs::write(root.join("bin/odd"), b"abcde").unwrap();
    std::fs::write(root.join("usr/empty"), b"").unwrap();
    let out = tmp.0.join("gnu.cpio");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "find . | LC_ALL=C sort | {GNU_CPIO} --quiet -o -H newc > '{}'",
            out.display()
        ))
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let image = std::fs::read(&out).unwrap();
    assert_eq!(image.len() % 512, 0, "GNU cpio pads to 512-byte blocks");

    let archive = Archive::parse(&image).unwrap();
    let mut paths: Vec<&str> = archive.entries().map(|e| e.path).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "",
            "bin",
            "bin/init",
            "bin/odd",
            "usr",
            "usr/empty",
            "usr/share",
            "usr/share/empty-dir"
        ]
    );
    let init = archive.find("/bin/init").unwrap();
    assert!(init.is_file());
    assert_eq!(init.data, &binary[..]);
    assert_eq!(archive.find("bin/odd").unwrap().data, b"abcde");
    assert_eq!(archive.find("./usr/empty").unwrap().data, b"");
    assert!(archive.find("usr/share/empty-dir").unwrap().is_dir());
    assert!(archive.find(".").unwrap().is_dir());
}

#[test]
fn gnu_cpio_extracts_what_the_writer_wrote() {
    if !have_gnu_cpio() {
        return;
    }
    let tmp = TempDir::new("gnu-extract");
    let binary: Vec<u8> = (0..7777u32).map(|i| (i * 7 % 256) as u8).collect();
    let mut w = Writer::new();
    w.add_file("/bin/init", 0o755, &binary).unwrap();
    w.add_file("/bin/x", 0o700, b"xyz").unwrap();
    w.add_dir("/etc", 0o750).unwrap();
    w.add_file("/etc/motd", 0o644, b"hello\n").unwrap();
    let archive = tmp.0.join("ours.cpio");
    std::fs::write(&archive, w.finish()).unwrap();

    let listing = Command::new(GNU_CPIO)
        .args(["--quiet", "-t", "-F"])
        .arg(&archive)
        .output()
        .unwrap();
    assert!(listing.status.success(), "{listing:?}");
    assert_eq!(
        String::from_utf8(listing.stdout).unwrap(),
        "bin\nbin/init\nbin/x\netc\netc/motd\n"
    );

    let dest = tmp.0.join("out");
    std::fs::create_dir(&dest).unwrap();
    let status = Command::new(GNU_CPIO)
        .args(["--quiet", "-i", "-d", "--no-absolute-filenames", "-F"])
        .arg(&archive)
        .current_dir(&dest)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(std::fs::read(dest.join("bin/init")).unwrap(), binary);
    assert_eq!(std::fs::read(dest.join("bin/x")).unwrap(), b"xyz");
    assert_eq!(std::fs::read(dest.join("etc/motd")).unwrap(), b"hello\n");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &str| {
        std::fs::metadata(dest.join(p))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777
    };
    assert_eq!(mode("bin/init"), 0o755);
    assert_eq!(mode("bin/x"), 0o700);
}

/// One raw newc entry for a regular file with the given link identity.
fn raw_link(name: &str, ino: u32, nlink: u32, dev: (u32, u32), data: &[u8]) -> Vec<u8> {
    let mut out = raw_entry(name.as_bytes(), S_IFREG | 0o755, data, None);
    let mut set = |field: usize, value: u32| {
        let at = MAGIC.len() + field * 8;
        out[at..at + 8].copy_from_slice(format!("{value:08x}").as_bytes());
    };
    set(F_INO, ino);
    set(F_NLINK, nlink);
    set(F_DEVMAJOR, dev.0);
    set(F_DEVMINOR, dev.1);
    out
}

#[test]
fn hard_links_stored_gnu_style_all_get_the_data() {
    // GNU cpio: every link but the last has filesize 0; the last carries the data.
    let image = raw_archive(&[
        raw_link("bin/a", 7, 3, (8, 1), b""),
        raw_link("bin/other", 9, 1, (8, 1), b"other"),
        raw_link("bin/b", 7, 3, (8, 1), b""),
        raw_link("bin/c", 7, 3, (8, 1), b"the program"),
    ]);
    let archive = Archive::parse(&image).unwrap();
    for name in ["/bin/a", "/bin/b", "/bin/c"] {
        assert_eq!(archive.find(name).unwrap().data, b"the program", "{name}");
    }
    assert_eq!(archive.find("bin/other").unwrap().data, b"other");
    // Iteration resolves links too, in archive order.
    let sizes: Vec<(&str, usize)> = archive.entries().map(|e| (e.path, e.data.len())).collect();
    assert_eq!(
        sizes,
        [
            ("bin/a", 11),
            ("bin/other", 5),
            ("bin/b", 11),
            ("bin/c", 11)
        ]
    );
}

#[test]
fn entries_with_links_tell_which_entries_are_one_file() {
    let image = raw_archive(&[
        raw_link("a", 7, 2, (8, 1), b""),
        raw_link("b", 9, 1, (8, 1), b"other"),
        raw_link("c", 7, 2, (8, 1), b"data"),
    ]);
    let archive = Archive::parse(&image).unwrap();
    let all: Vec<(Entry, Link)> = archive.entries_with_links().collect();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].0.data, b"data", "links are resolved as by entries()");
    assert_eq!(
        all[0].1,
        Link {
            ino: 7,
            dev_major: 8,
            dev_minor: 1,
            nlink: 2
        }
    );
    assert!(all[0].1.same_file(&all[2].1));
    assert!(!all[0].1.same_file(&all[1].1));
    assert!(
        !all[1].1.same_file(&all[1].1),
        "a single link is no hard link"
    );
    let plain: Vec<Entry> = archive.entries().collect();
    assert_eq!(plain, all.iter().map(|(e, _)| *e).collect::<Vec<_>>());
}

#[test]
fn hard_links_stored_with_the_first_link_all_get_the_data() {
    let image = raw_archive(&[
        raw_link("first", 3, 2, (0, 0), b"data"),
        raw_link("second", 3, 2, (0, 0), b""),
    ]);
    let archive = Archive::parse(&image).unwrap();
    assert_eq!(archive.find("first").unwrap().data, b"data");
    assert_eq!(archive.find("second").unwrap().data, b"data");
}

#[test]
fn links_need_the_same_inode_and_device() {
    let image = raw_archive(&[
        // Same inode number on another device: a different file.
        raw_link("other-dev", 5, 2, (8, 2), b""),
        // Same device, another inode.
        raw_link("other-ino", 6, 2, (8, 1), b""),
        raw_link("file", 5, 2, (8, 1), b"contents"),
    ]);
    let archive = Archive::parse(&image).unwrap();
    assert_eq!(archive.find("other-dev").unwrap().data, b"");
    assert_eq!(archive.find("other-ino").unwrap().data, b"");
    assert_eq!(archive.find("file").unwrap().data, b"contents");
}

#[test]
fn single_link_empty_files_stay_empty() {
    // Writers that do not track links may give every entry inode 0 and nlink 1: an empty file is
    // then empty, whatever another entry with inode 0 holds.
    let image = raw_archive(&[
        raw_link("empty", 0, 1, (0, 0), b""),
        raw_link("full", 0, 1, (0, 0), b"full"),
        // A hard-linked file that really is empty stays empty.
        raw_link("empty-a", 4, 2, (0, 0), b""),
        raw_link("empty-b", 4, 2, (0, 0), b""),
    ]);
    let archive = Archive::parse(&image).unwrap();
    assert_eq!(archive.find("empty").unwrap().data, b"");
    assert_eq!(archive.find("full").unwrap().data, b"full");
    assert_eq!(archive.find("empty-a").unwrap().data, b"");
    assert_eq!(archive.find("empty-b").unwrap().data, b"");
}

#[test]
fn directories_sharing_an_inode_with_a_file_get_no_data() {
    let mut dir = raw_link("dir", 2, 2, (0, 0), b"");
    dir[MAGIC.len() + F_MODE * 8..MAGIC.len() + F_MODE * 8 + 8]
        .copy_from_slice(format!("{:08x}", S_IFDIR | 0o755).as_bytes());
    let image = raw_archive(&[dir, raw_link("file", 2, 2, (0, 0), b"x")]);
    let archive = Archive::parse(&image).unwrap();
    let dir = archive.find("dir").unwrap();
    assert!(dir.is_dir());
    assert_eq!(dir.data, b"");
}

#[test]
fn reads_hard_links_written_by_gnu_cpio() {
    if !have_gnu_cpio() {
        return;
    }
    let tmp = TempDir::new("gnu-links");
    let root = tmp.0.join("root");
    let program: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::write(root.join("bin/prog"), &program).unwrap();
    std::fs::hard_link(root.join("bin/prog"), root.join("bin/link")).unwrap();
    std::fs::hard_link(root.join("bin/prog"), root.join("third")).unwrap();
    let out = tmp.0.join("links.cpio");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "find . | {GNU_CPIO} --quiet -o -H newc > '{}'",
            out.display()
        ))
        .current_dir(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let image = std::fs::read(&out).unwrap();
    let archive = Archive::parse(&image).unwrap();
    // GNU cpio really does store the data once: the raw sizes of the three links sum to one copy.
    let stored: usize = raw_entries(archive.image)
        .filter(|(e, _)| e.is_file())
        .map(|(e, _)| e.data.len())
        .sum();
    assert_eq!(
        stored,
        program.len(),
        "GNU cpio stored the data more than once"
    );
    for name in ["bin/prog", "bin/link", "third"] {
        assert_eq!(archive.find(name).unwrap().data, &program[..], "{name}");
    }
}

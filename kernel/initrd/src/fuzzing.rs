//! Properties the host fuzzers check (`fuzz/fuzz_targets/`), kept here so that the normal
//! `cargo test` replays the committed corpora (`fuzz/corpus/<target>/`) and every input a
//! fuzzer ever found (`fuzz/regressions/<target>/`) through the very same checks.
//!
//! Each function takes arbitrary bytes and panics when a property fails; an input the parser
//! rejects is fine as long as the rejection itself is sound.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::cpio::{
    raw_entries, Archive, CpioError, Entry, Link, Writer, HEADER_LEN, MAGIC, MAX_PATH_LEN,
    PERMISSION_BITS, S_IFDIR, S_IFREG, TRAILER_NAME,
};
use crate::elf::{parse_executable, parse_executable_headers, ElfError, Executable, UserRange};

/// `cpio_archive`: the reader on arbitrary bytes. An accepted archive holds only normalised
/// paths within [`MAX_PATH_LEN`]; re-encoded entry for entry, it parses again to the same
/// entries; linked data comes from a link of the same file; [`Archive::find`] gives the last
/// entry of a path under each spelling. A rejection names an offset inside the image.
pub fn cpio_archive(data: &[u8]) {
    let archive = match Archive::parse(data) {
        Ok(archive) => archive,
        Err(error) => {
            check_cpio_error(&error, data.len());
            return;
        }
    };
    assert!(archive.size() <= data.len());
    let raw: Vec<(Entry<'_>, Link)> = raw_entries(archive.image()).collect();
    assert_eq!(raw.len(), archive.len());
    assert_eq!(archive.is_empty(), raw.is_empty());
    for (entry, _) in &raw {
        assert!(entry.path.len() <= MAX_PATH_LEN, "{:?}", entry.path);
        assert!(
            !entry.path.starts_with('/')
                && !entry.path.starts_with("./")
                && !entry.path.ends_with('/')
                && entry.path != "."
                && !entry.path.contains('\0'),
            "not normalised: {:?}",
            entry.path
        );
    }

    let image = encode(&raw);
    let again = Archive::parse(&image).expect("a re-encoded archive parses");
    assert_eq!(again.size(), image.len());
    let raw_again: Vec<(Entry<'_>, Link)> = raw_entries(again.image()).collect();
    assert_eq!(raw, raw_again);
    let resolved: Vec<Entry<'_>> = archive.entries().collect();
    assert_eq!(resolved, again.entries().collect::<Vec<_>>());

    for (entry, (stored, link)) in resolved.iter().zip(&raw) {
        assert_eq!((entry.path, entry.mode), (stored.path, stored.mode));
        if entry.data != stored.data {
            assert!(stored.is_file() && stored.data.is_empty() && link.nlink > 1);
            assert!(
                raw.iter()
                    .any(|(other, l)| other.data == entry.data && l.same_file(link)),
                "{:?} got data that no link of its file carries",
                entry.path
            );
        }
    }

    for entry in &resolved {
        let last = resolved.iter().rfind(|e| e.path == entry.path).copied();
        assert_eq!(archive.find(entry.path), last);
        assert_eq!(archive.find(&format!("/{}", entry.path)), last);
        assert_eq!(archive.find(&format!("./{}", entry.path)), last);
    }
}

/// Checks that a reader error points inside the image and can be displayed.
fn check_cpio_error(error: &CpioError, len: usize) {
    match *error {
        CpioError::Truncated { offset }
        | CpioError::BadMagic { offset }
        | CpioError::NameNotTerminated { offset }
        | CpioError::NameNotUtf8 { offset }
        | CpioError::MissingTrailer { offset } => assert!(offset <= len, "{error:?}"),
        CpioError::BadHexField { offset, .. } => assert!(offset + 8 <= len, "{error:?}"),
        CpioError::PathTooLong {
            offset,
            len: path_len,
        } => {
            assert!(offset < len && path_len > MAX_PATH_LEN, "{error:?}")
        }
        _ => panic!("the reader returned a writer error: {error:?}"),
    }
    assert!(!error.to_string().is_empty());
}

/// Writes `entries` as a newc archive exactly as given (modes, link fields, data).
fn encode(entries: &[(Entry<'_>, Link)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (entry, link) in entries {
        // Spelled `./TRAILER!!!`, an entry of that path does not end the archive.
        let name = if entry.path == TRAILER_NAME {
            format!("./{TRAILER_NAME}")
        } else {
            entry.path.to_string()
        };
        encode_entry(&mut out, &name, entry.mode, *link, entry.data);
    }
    let trailer = Link {
        ino: 0,
        dev_major: 0,
        dev_minor: 0,
        nlink: 1,
    };
    encode_entry(&mut out, TRAILER_NAME, 0, trailer, &[]);
    out
}

fn encode_entry(out: &mut Vec<u8>, name: &str, mode: u32, link: Link, data: &[u8]) {
    let fields = [
        link.ino,
        mode,
        0,
        0,
        link.nlink,
        0,
        data.len() as u32,
        link.dev_major,
        link.dev_minor,
        0,
        0,
        name.len() as u32 + 1,
        0,
    ];
    out.extend_from_slice(MAGIC);
    for field in fields {
        out.extend_from_slice(format!("{field:08X}").as_bytes());
    }
    debug_assert_eq!(out.len() % 4, HEADER_LEN % 4);
    out.extend_from_slice(name.as_bytes());
    out.push(0);
    out.resize(out.len().next_multiple_of(4), 0);
    out.extend_from_slice(data);
    out.resize(out.len().next_multiple_of(4), 0);
}

/// A little reader of fuzzer bytes: every take succeeds (zeros past the end).
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    fn slice(&mut self, len: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(len.min(self.0.len()));
        self.0 = rest;
        head
    }
}

/// Path pieces the writer's fuzzer builds paths from: few names, so that entries collide,
/// and every kind of component the writer must refuse.
const PATH_PIECES: [&str; 12] = [
    "a",
    "b",
    "/",
    "/",
    ".",
    "..",
    TRAILER_NAME,
    "\0",
    "\u{e9}",
    "c/d",
    "/x",
    "lllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll",
];

/// `cpio_writer`: [`Writer`] driven by a script of `add_file`/`add_dir` calls with generated
/// paths and modes. The archive it finishes parses; every call that succeeded is in it with
/// its mode and data, every parent it implied is a `0o755` directory, nothing else is there,
/// and no path appears twice. A refused call adds nothing.
pub fn cpio_writer(data: &[u8]) {
    let mut input = Bytes(data);
    let mut writer = Writer::new();
    // Path -> (full mode, data) of what the writer accepted.
    let mut added: BTreeMap<String, (u32, Vec<u8>)> = BTreeMap::new();
    while !input.is_empty() {
        let op = input.byte();
        let mut path = String::new();
        for _ in 0..(op >> 4) % 8 {
            path.push_str(PATH_PIECES[usize::from(input.byte()) % PATH_PIECES.len()]);
        }
        let mode = u32::from(input.u16()) & 0o17777;
        let before = writer.clone().finish();
        let result = if op & 1 == 0 {
            let len = usize::from(input.byte());
            let contents = input.slice(len);
            writer
                .add_file(&path, mode, contents)
                .map(|()| (S_IFREG, contents))
        } else {
            writer.add_dir(&path, mode).map(|()| (S_IFDIR, &[][..]))
        };
        match result {
            Ok((kind, contents)) => {
                let rel = path.strip_prefix('/').unwrap_or(&path).to_string();
                assert!(mode & !PERMISSION_BITS == 0, "mode {mode:#o} accepted");
                assert!(!rel.is_empty() && rel.len() <= MAX_PATH_LEN);
                assert!(!rel
                    .split('/')
                    .any(|c| c.is_empty() || c == "." || c == ".."));
                assert!(!rel.contains('\0') && rel != TRAILER_NAME);
                added.insert(rel, (kind | mode, contents.to_vec()));
            }
            Err(error) => {
                assert!(!error.to_string().is_empty());
                assert_eq!(writer.clone().finish(), before, "{error:?} added something");
            }
        }
    }

    let image = writer.finish();
    let archive = Archive::parse(&image).expect("the writer's archive parses");
    let mut seen = BTreeMap::new();
    for entry in archive.entries() {
        assert!(
            seen.insert(entry.path, ()).is_none(),
            "{:?} twice",
            entry.path
        );
        match added.get(entry.path) {
            Some((mode, contents)) => {
                assert_eq!(entry.mode, *mode, "{:?}", entry.path);
                assert_eq!(entry.data, &contents[..], "{:?}", entry.path);
            }
            None => {
                assert_eq!(entry.mode, S_IFDIR | 0o755, "{:?}", entry.path);
                assert!(
                    added.keys().any(
                        |p| p.starts_with(entry.path) && p[entry.path.len()..].starts_with('/')
                    ),
                    "{:?} was neither added nor a parent",
                    entry.path
                );
            }
        }
    }
    assert!(added.keys().all(|p| seen.contains_key(p.as_str())));
}

/// The user range the ELF fuzzer checks against: the kernel's (`abi::layout`).
pub const ELF_FUZZ_RANGE: UserRange = UserRange {
    start: 0x0000_1000,
    end: 0xBF80_0000,
};

/// `elf`: [`parse_executable`] on arbitrary bytes. What it accepts satisfies every rule the
/// module documents; [`parse_executable_headers`] on a prefix of the file agrees with it
/// unless the prefix lacks the headers.
pub fn elf(data: &[u8]) {
    let range = ELF_FUZZ_RANGE;
    let full = parse_executable(data, range);
    match &full {
        Ok(exe) => check_executable(exe, data, range),
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    // The kernel hands over the file's first page; any prefix that holds the ELF header
    // must give the same verdict, or say the headers lie past it.
    let header_len = data.len().min(52);
    for prefix_len in [
        data.len().min(4096),
        (data.len() / 2).max(header_len),
        header_len,
    ] {
        let prefix = &data[..prefix_len];
        let headers = parse_executable_headers(prefix, data.len() as u64, range);
        if prefix_len < data.len() && matches!(headers, Err(ElfError::Malformed(_))) {
            continue;
        }
        assert_eq!(summary(&headers), summary(&full), "prefix of {prefix_len}");
        if let Ok(exe) = headers {
            for seg in exe.segments() {
                let got = exe.segment_data(seg);
                // A segment with no file bytes may name any offset.
                let start = seg.file_offset as usize;
                let whole = data.get(start..start + seg.file_size as usize);
                assert!(whole.unwrap_or(&[]).starts_with(got));
            }
        }
    }
}

type Summary = Result<(u32, Vec<crate::elf::Segment>), ElfError>;

fn summary(result: &Result<Executable<'_>, ElfError>) -> Summary {
    result
        .as_ref()
        .map(|exe| (exe.entry, exe.segments().to_vec()))
        .map_err(Clone::clone)
}

fn check_executable(exe: &Executable<'_>, data: &[u8], range: UserRange) {
    let segments = exe.segments();
    assert!(!segments.is_empty() && segments.len() <= crate::elf::MAX_SEGMENTS);
    for seg in segments {
        assert!(seg.mem_size > 0 && seg.mem_size >= seg.file_size);
        assert!(range.contains(seg.vaddr, seg.mem_size));
        let file_end = u64::from(seg.file_offset) + u64::from(seg.file_size);
        assert!(seg.file_size == 0 || file_end <= data.len() as u64);
        assert_eq!(exe.segment_data(seg).len(), seg.file_size as usize);
    }
    for pair in segments.windows(2) {
        assert!(
            pair[0].end() <= pair[1].vaddr,
            "segments overlap or are unsorted"
        );
    }
    assert!(segments
        .iter()
        .any(|s| s.executable && exe.entry >= s.vaddr && exe.entry < s.end()));
}

#[cfg(test)]
mod tests {
    //! Replays the committed corpora and regressions: fast, and part of `cargo test`.
    use fuzz_replay::replay;
    extern crate std;

    #[test]
    fn cpio_archive_corpus_replays() {
        replay("cpio_archive", super::cpio_archive);
    }

    #[test]
    fn cpio_writer_corpus_replays() {
        replay("cpio_writer", super::cpio_writer);
    }

    #[test]
    fn elf_corpus_replays() {
        replay("elf", super::elf);
    }

    /// Found by `elf`: a segment with no file bytes may name an offset past the end of the
    /// file (the validator allows it and the loader copies nothing); the property first sliced
    /// the file there.
    #[test]
    fn empty_segment_with_an_offset_past_the_end() {
        super::elf(include_bytes!(
            "../../../fuzz/regressions/elf/empty-segment-offset-past-the-end"
        ));
    }
}

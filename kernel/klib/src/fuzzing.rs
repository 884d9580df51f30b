//! Properties the host fuzzers check (`fuzz/fuzz_targets/`), kept here so that the normal
//! `cargo test` replays the committed corpora (`fuzz/corpus/<target>/`) and every input a
//! fuzzer ever found (`fuzz/regressions/<target>/`) through the very same checks.

use alloc::string::ToString;
use alloc::vec::Vec;

use crate::cmdline::{self, BadCommandLine, LogLevel, DEFAULT_INIT, MAX_LEN};

/// `cmdline`: `data` is the memory at the command line's address. As the Multiboot reader
/// does, the kernel keeps at most [`MAX_LEN`] bytes and knows the length when a NUL ends the
/// line within `MAX_LEN + 1` bytes (the end of `data` counts as one). [`cmdline::decode`]
/// refuses a longer line (never cuts it) and text that is not UTF-8 (at the right offset);
/// [`cmdline::parse`] never fails, and agrees with a simple model of the words: the kernel's
/// path skipped, options up to `--`, the rest the init arguments.
pub fn cmdline(data: &[u8]) {
    let scanned = &data[..data.len().min(MAX_LEN + 1)];
    let length = match scanned.iter().position(|&b| b == 0) {
        Some(nul) => Some(nul),
        None if data.len() <= MAX_LEN => Some(data.len()),
        None => None,
    };
    let kept = &data[..data.len().min(MAX_LEN)];
    let text = match cmdline::decode(kept, length) {
        Ok(text) => text,
        Err(error) => {
            match error {
                BadCommandLine::TooLong { length: got } => {
                    assert_eq!(got, length);
                    assert!(length.is_none_or(|n| n > MAX_LEN));
                }
                BadCommandLine::NotUtf8 { offset } => {
                    let n = length.expect("a known length");
                    assert!(n <= MAX_LEN);
                    let bad = core::str::from_utf8(&kept[..n]).expect_err("rejected text");
                    assert_eq!(offset, bad.valid_up_to());
                }
            }
            assert!(!error.to_string().is_empty());
            return;
        }
    };
    let n = length.expect("accepted with a known length");
    assert!(n <= MAX_LEN && text.len() == n);
    assert_eq!(text.as_bytes(), &data[..n]);

    let parsed = cmdline::parse(text);
    let mut words: Vec<&str> = text.split_ascii_whitespace().collect();
    if words
        .first()
        .is_some_and(|w| w.contains('/') && !w.contains('='))
    {
        words.remove(0);
    }
    let (options, args) = match words.iter().position(|&w| w == "--") {
        Some(at) => (&words[..at], &words[at + 1..]),
        None => (&words[..], &[][..]),
    };
    assert_eq!(parsed.init_args, args);
    let init = options
        .iter()
        .rev()
        .find_map(|w| w.strip_prefix("init=").filter(|p| p.starts_with('/')))
        .unwrap_or(DEFAULT_INIT);
    assert_eq!(parsed.init, init);
    assert_eq!(parsed.selftest, options.contains(&"selftest"));
    assert_eq!(parsed.console_input, options.contains(&"console=input"));
    if !options.iter().any(|w| w.starts_with("loglevel=")) {
        assert_eq!(parsed.log_level, LogLevel::Info);
    }
    if !options.iter().any(|w| w.starts_with("crashtest=")) {
        assert_eq!(parsed.crashtest, None);
    }
    if let Some(kib) = parsed.heap_kib {
        assert!(kib > 0);
        let given = |w: &&str| w.strip_prefix("kheap=").and_then(|v| v.parse().ok());
        assert!(options.iter().any(|w| given(w) == Some(kib)));
    }
    // Every problem is an option word, reported in order, each at most once.
    let mut rest = options.iter();
    for problem in &parsed.problems {
        let word = match problem {
            cmdline::Problem::Unknown(w) | cmdline::Problem::BadValue(w) => *w,
        };
        assert!(rest.any(|&o| o == word), "{word:?} is not an option word");
    }
}

#[cfg(test)]
mod tests {
    //! Replays the committed corpora and regressions: fast, and part of `cargo test`.
    extern crate std;
    use std::path::PathBuf;
    use std::vec::Vec;

    fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
        let mut out = Vec::new();
        for dir in ["corpus", "regressions"] {
            let Ok(listing) = std::fs::read_dir(root.join(dir).join(target)) else {
                continue;
            };
            for file in listing {
                let path = file.unwrap().path();
                out.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
        assert!(!out.is_empty(), "no committed corpus for {target}");
        out
    }

    #[test]
    fn cmdline_corpus_replays() {
        for (path, bytes) in inputs("cmdline") {
            let outcome = std::panic::catch_unwind(|| super::cmdline(&bytes));
            assert!(outcome.is_ok(), "{} fails", path.display());
        }
    }
}

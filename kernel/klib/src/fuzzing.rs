//! Properties the host fuzzers check (`fuzz/fuzz_targets/`), kept here so that the normal
//! `cargo test` replays the committed corpora (`fuzz/corpus/<target>/`) and every input a
//! fuzzer ever found (`fuzz/regressions/<target>/`) through the very same checks.

use alloc::string::ToString;
use alloc::vec::Vec;

use crate::cmdline::{self, BadCommandLine, LogLevel, DEFAULT_INIT, MAX_LEN};
use crate::tty::{
    LineDiscipline, ReadOutcome, ECHO, ICANON, ICRNL, ISIG, MAX_LINE, VEOL, VMIN, VTIME,
};

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

/// `tty`: a terminal's line discipline fed a script of received bytes, reads of various sizes
/// and changes of the settings (canonical or raw, echo, signals, CR to NL, `VMIN`, `VEOL`). Its
/// bookkeeping stays consistent and bounded; echo is bounded; the dropped count only grows;
/// a canonical read returns at most one line (a line end only as its last byte) unless raw
/// input was left waiting when canonical mode came back (it then joins the next line); `readable`
/// never promises what `read` then refuses; no more bytes come out than went in.
pub fn tty(data: &[u8]) {
    let mut tty = LineDiscipline::new();
    let mut input = data.iter().copied();
    let mut received = 0usize;
    let mut read = 0usize;
    let mut dropped = 0;
    let mut raw_left_over = false;
    let mut veol_changed = false;
    while let Some(op) = input.next() {
        let arg = input.next().unwrap_or(0);
        match op >> 6 {
            1 if op & 0x3f == 0x3f => {
                tty.flush_input();
                assert_eq!(tty.available(), 0);
            }
            0 | 1 => {
                let effects = tty.receive(arg);
                received += 1;
                assert!(effects.echo.len() <= 6 * MAX_LINE + 3);
            }
            2 => {
                let canonical = tty.termios().c_lflag & ICANON != 0;
                // A byte typed before it became `VEOL` is an ordinary one.
                let veol = if veol_changed {
                    0
                } else {
                    tty.termios().c_cc[VEOL]
                };
                let promised = tty.readable();
                let available = tty.available();
                let mut buf = [0u8; 80];
                let want = usize::from(arg & 0x7f) % (buf.len() + 1);
                if arg & 0x80 != 0 {
                    // What the kernel does when a waiting read's VTIME timer runs out, and
                    // only then.
                    if tty.read_timer_ns().is_some() {
                        let n = tty.read_now(&mut buf[..want]);
                        assert_eq!(n, available.min(want));
                        read += n;
                    }
                    continue;
                }
                match tty.read(&mut buf[..want]) {
                    ReadOutcome::Read(n) => {
                        assert!(n <= want && n <= available);
                        if !canonical {
                            assert_eq!(n, available.min(want), "a raw read leaves bytes");
                        }
                        read += n;
                        if canonical && n > 1 && !raw_left_over {
                            let ends = |b: &u8| *b == b'\n' || (veol != 0 && *b == veol);
                            assert!(!buf[..n - 1].iter().any(ends), "two lines in one read");
                        }
                    }
                    ReadOutcome::WouldBlock => {
                        assert!(!promised, "readable, then the read would block");
                        assert!(want > 0);
                    }
                }
            }
            _ => {
                let mut termios = tty.termios();
                for (bit, flag) in [(1, ICANON), (2, ECHO), (4, ISIG)] {
                    if arg & bit != 0 {
                        termios.c_lflag ^= flag;
                    }
                }
                if arg & 8 != 0 {
                    termios.c_iflag ^= ICRNL;
                }
                termios.c_cc[VMIN] = (arg >> 4) % 4;
                if arg & 0x80 != 0 {
                    termios.c_cc[VTIME] = op & 3;
                }
                if arg & 0x40 != 0 {
                    termios.c_cc[VEOL] = op & 0x3f;
                    veol_changed = true;
                }
                let was_raw = tty.termios().c_lflag & ICANON == 0;
                raw_left_over |= was_raw && termios.c_lflag & ICANON != 0 && read < received;
                tty.set_termios(termios);
            }
        }
        tty.check_invariants();
        assert!(tty.dropped() >= dropped);
        dropped = tty.dropped();
        assert!(read <= received);
    }
}

#[cfg(test)]
mod tests {
    //! Replays the committed corpora and regressions: fast, and part of `cargo test`.
    use fuzz_replay::replay;
    extern crate std;

    #[test]
    fn tty_corpus_replays() {
        replay("tty", super::tty);
    }

    /// Found by `tty`: a byte typed before `VEOL` was set to it is an ordinary byte of its
    /// line (as on Linux); the property first took it for a line end.
    #[test]
    fn veol_set_after_the_byte_was_typed() {
        super::tty(include_bytes!(
            "../../../fuzz/regressions/tty/veol-set-after-the-byte-was-typed"
        ));
    }

    #[test]
    fn cmdline_corpus_replays() {
        replay("cmdline", super::cmdline);
    }
}

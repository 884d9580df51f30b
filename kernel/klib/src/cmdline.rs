//! The kernel command line: `init=/bin/prog loglevel=debug selftest -- arg1 arg2`.
//!
//! Words before `--` are kernel options; words after it are handed to the
//! first program as its arguments (after `argv[0]`, the init path), as Linux
//! does. Unknown options are collected so the kernel can report them; they
//! are never fatal.

use alloc::vec::Vec;

/// The default first program.
pub const DEFAULT_INIT: &str = "/bin/init";

/// The longest command line the kernel keeps, in bytes (without the
/// terminating NUL). A longer one is refused, never cut.
pub const MAX_LEN: usize = 4096;

/// Why the kernel refuses a command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadCommandLine {
    /// Longer than [`MAX_LEN`]: `length` bytes, or `None` when even its end
    /// was not found.
    TooLong {
        /// The full length, when known.
        length: Option<usize>,
    },
    /// Not valid UTF-8: the first bad byte is at `offset`.
    NotUtf8 {
        /// Offset of the first byte that is not part of a valid sequence.
        offset: usize,
    },
}

impl core::fmt::Display for BadCommandLine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::TooLong { length: Some(n) } => write!(
                f,
                "the command line is {n} bytes long; the kernel keeps at most {MAX_LEN}"
            ),
            Self::TooLong { length: None } => write!(
                f,
                "the command line has no end in sight (no NUL byte); the kernel keeps at most \
                 {MAX_LEN} bytes"
            ),
            Self::NotUtf8 { offset } => write!(
                f,
                "the command line is not valid UTF-8 (bad byte at offset {offset})"
            ),
        }
    }
}

/// Checks the command line the loader passed: `kept` holds its first bytes
/// (at most [`MAX_LEN`]), `length` its full length (`None`: unknown, too
/// long to find). Returns the text, or why it is refused.
pub fn decode(kept: &[u8], length: Option<usize>) -> Result<&str, BadCommandLine> {
    let text = match length {
        Some(n) if n <= MAX_LEN => &kept[..n.min(kept.len())],
        length => return Err(BadCommandLine::TooLong { length }),
    };
    core::str::from_utf8(text).map_err(|e| BadCommandLine::NotUtf8 {
        offset: e.valid_up_to(),
    })
}

/// How verbose the kernel log is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Only errors.
    Error,
    /// Errors and warnings.
    Warn,
    /// The default: boot progress and process events worth seeing.
    Info,
    /// Also process creation and exit.
    Debug,
    /// Also every system call.
    Trace,
}

/// A deliberate failure, to prove the test harness notices each kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrashTest {
    /// `panic!` in the kernel.
    Panic,
    /// A triple fault (the CPU resets).
    TripleFault,
    /// A self test that fails.
    FailingSelfTest,
    /// The kernel stops with interrupts off and never exits.
    Hang,
    /// A page fault in the kernel while it holds the console lock: the
    /// fault report must still come out (no deadlock on the console).
    FaultWhilePrinting,
    /// Unbounded recursion in the kernel on pid 1's kernel stack (at its
    /// first system call): the guard page must turn it into a "kernel stack
    /// overflow" report.
    StackOverflow,
}

/// Something wrong with one option; reported, then ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem<'a> {
    /// An option the kernel does not know.
    Unknown(&'a str),
    /// A known option with a value it cannot use.
    BadValue(&'a str),
}

/// The parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandLine<'a> {
    /// Path of the first program.
    pub init: &'a str,
    /// Arguments for the first program, after its path.
    pub init_args: Vec<&'a str>,
    /// Log verbosity.
    pub log_level: LogLevel,
    /// Run the in-kernel self tests instead of starting init.
    pub selftest: bool,
    /// Fail on purpose, in the way given.
    pub crashtest: Option<CrashTest>,
    /// `kheap=<KiB>`: use only this much of the kernel heap (tests drive
    /// it to exhaustion with a small one).
    pub heap_kib: Option<usize>,
    /// `console=input`: read the serial console (its receive interrupt and
    /// line discipline). Without it the console reads end of file, as a
    /// machine whose input is closed (`make run` adds it when its input is a
    /// terminal; the test harness when a test types).
    pub console_input: bool,
    /// `kstackcheck`: fill every kernel stack with a pattern when it is
    /// handed out and report at power-off the deepest any process reached
    /// (costs a few microseconds a fork; off by default).
    pub kstack_check: bool,
    /// Options that were not understood.
    pub problems: Vec<Problem<'a>>,
}

/// Parses a command line. Never fails: bad options end up in `problems`.
pub fn parse(line: &str) -> CommandLine<'_> {
    let mut parsed = CommandLine {
        init: DEFAULT_INIT,
        init_args: Vec::new(),
        log_level: LogLevel::Info,
        selftest: false,
        crashtest: None,
        heap_kib: None,
        console_input: false,
        kstack_check: false,
        problems: Vec::new(),
    };
    let mut words = line.split_ascii_whitespace().peekable();
    // Multiboot loaders (QEMU, GRUB) put the kernel's own path first.
    if words
        .peek()
        .is_some_and(|w| w.contains('/') && !w.contains('='))
    {
        words.next();
    }
    for word in words.by_ref() {
        if word == "--" {
            break;
        }
        let (key, value) = match word.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (word, None),
        };
        match (key, value) {
            ("init", Some(path)) if path.starts_with('/') => parsed.init = path,
            ("loglevel", Some(level)) => match parse_level(level) {
                Some(level) => parsed.log_level = level,
                None => parsed.problems.push(Problem::BadValue(word)),
            },
            ("selftest", None) => parsed.selftest = true,
            ("crashtest", Some(kind)) => match kind {
                "panic" => parsed.crashtest = Some(CrashTest::Panic),
                "triple" => parsed.crashtest = Some(CrashTest::TripleFault),
                "selftest" => parsed.crashtest = Some(CrashTest::FailingSelfTest),
                "hang" => parsed.crashtest = Some(CrashTest::Hang),
                "printfault" => parsed.crashtest = Some(CrashTest::FaultWhilePrinting),
                "stackoverflow" => parsed.crashtest = Some(CrashTest::StackOverflow),
                _ => parsed.problems.push(Problem::BadValue(word)),
            },
            ("kheap", Some(kib)) => match kib.parse::<usize>() {
                Ok(kib) if kib > 0 => parsed.heap_kib = Some(kib),
                _ => parsed.problems.push(Problem::BadValue(word)),
            },
            ("console", Some("input")) => parsed.console_input = true,
            ("kstackcheck", None) => parsed.kstack_check = true,
            ("init" | "selftest" | "console" | "kstackcheck", _) => {
                parsed.problems.push(Problem::BadValue(word))
            }
            _ => parsed.problems.push(Problem::Unknown(word)),
        }
    }
    parsed.init_args.extend(words);
    parsed
}

fn parse_level(text: &str) -> Option<LogLevel> {
    Some(match text {
        "error" => LogLevel::Error,
        "warn" => LogLevel::Warn,
        "info" => LogLevel::Info,
        "debug" => LogLevel::Debug,
        "trace" => LogLevel::Trace,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_command_line_is_decoded() {
        let line = "init=/bin/héllo -- ünïcödé 日本";
        assert_eq!(decode(line.as_bytes(), Some(line.len())), Ok(line));
        let c = parse(decode(line.as_bytes(), Some(line.len())).unwrap());
        assert_eq!(c.init, "/bin/héllo");
        assert_eq!(c.init_args, vec!["ünïcödé", "日本"]);
    }

    #[test]
    fn command_line_at_the_limit_is_kept() {
        let line = vec![b'a'; MAX_LEN];
        assert_eq!(decode(&line, Some(MAX_LEN)).map(str::len), Ok(MAX_LEN));
        assert_eq!(decode(b"", Some(0)), Ok(""));
    }

    #[test]
    fn over_long_command_line_is_refused_not_cut() {
        let kept = vec![b'a'; MAX_LEN];
        let err = decode(&kept, Some(MAX_LEN + 1)).unwrap_err();
        assert_eq!(
            err,
            BadCommandLine::TooLong {
                length: Some(MAX_LEN + 1)
            }
        );
        assert_eq!(
            err.to_string(),
            "the command line is 4097 bytes long; the kernel keeps at most 4096"
        );
        let err = decode(&kept, None).unwrap_err();
        assert_eq!(err, BadCommandLine::TooLong { length: None });
        assert!(err.to_string().contains("at most 4096 bytes"));
    }

    #[test]
    fn invalid_utf8_is_refused_with_its_offset() {
        // Latin-1 "é" (0xE9) is not UTF-8.
        let line = b"init=/bin/h\xe9llo";
        let err = decode(line, Some(line.len())).unwrap_err();
        assert_eq!(err, BadCommandLine::NotUtf8 { offset: 11 });
        assert_eq!(
            err.to_string(),
            "the command line is not valid UTF-8 (bad byte at offset 11)"
        );
        // A sequence cut at the end is just as invalid.
        let cut = &"é".as_bytes()[..1];
        assert_eq!(
            decode(cut, Some(1)),
            Err(BadCommandLine::NotUtf8 { offset: 0 })
        );
    }

    #[test]
    fn empty_line_gives_defaults() {
        let c = parse("");
        assert_eq!(c.init, "/bin/init");
        assert!(c.init_args.is_empty());
        assert_eq!(c.log_level, LogLevel::Info);
        assert!(!c.selftest);
        assert!(c.problems.is_empty());
    }

    #[test]
    fn options_and_init_arguments() {
        let c = parse("init=/bin/forktree loglevel=debug selftest -- 4  deep");
        assert_eq!(c.init, "/bin/forktree");
        assert_eq!(c.init_args, vec!["4", "deep"]);
        assert_eq!(c.log_level, LogLevel::Debug);
        assert!(c.selftest);
    }

    #[test]
    fn unknown_and_bad_options_are_reported_not_fatal() {
        let c = parse("foo=bar loglevel=loud init=relative crashtest=boom init=/bin/x");
        assert_eq!(
            c.problems,
            vec![
                Problem::Unknown("foo=bar"),
                Problem::BadValue("loglevel=loud"),
                Problem::BadValue("init=relative"),
                Problem::BadValue("crashtest=boom"),
            ]
        );
        assert_eq!(c.init, "/bin/x");
        assert_eq!(c.log_level, LogLevel::Info);
    }

    #[test]
    fn the_kernel_path_from_the_loader_is_skipped() {
        let c = parse("build/kernel.elf init=/bin/hello -- a");
        assert!(c.problems.is_empty());
        assert_eq!(c.init, "/bin/hello");
        assert_eq!(c.init_args, vec!["a"]);
        assert!(parse("selftest").selftest);
    }

    #[test]
    fn kernel_heap_size() {
        assert_eq!(parse("kheap=256").heap_kib, Some(256));
        assert!(parse("kstackcheck").kstack_check);
        assert!(!parse("").kstack_check);
        assert_eq!(
            parse("kstackcheck=1").problems,
            [Problem::BadValue("kstackcheck=1")]
        );
        assert!(parse("console=input").console_input);
        assert!(!parse("").console_input);
        assert_eq!(
            parse("console=output").problems,
            vec![Problem::BadValue("console=output")]
        );
        assert_eq!(parse("").heap_kib, None);
        let bad = parse("kheap=0 kheap=lots");
        assert_eq!(bad.heap_kib, None);
        assert_eq!(
            bad.problems,
            vec![
                Problem::BadValue("kheap=0"),
                Problem::BadValue("kheap=lots")
            ]
        );
    }

    #[test]
    fn crash_tests() {
        assert_eq!(
            parse("crashtest=stackoverflow").crashtest,
            Some(CrashTest::StackOverflow)
        );
        assert_eq!(parse("crashtest=panic").crashtest, Some(CrashTest::Panic));
        assert_eq!(
            parse("crashtest=triple").crashtest,
            Some(CrashTest::TripleFault)
        );
        assert_eq!(
            parse("crashtest=selftest").crashtest,
            Some(CrashTest::FailingSelfTest)
        );
        assert_eq!(parse("crashtest=hang").crashtest, Some(CrashTest::Hang));
        assert_eq!(
            parse("crashtest=printfault").crashtest,
            Some(CrashTest::FaultWhilePrinting)
        );
    }

    #[test]
    fn words_after_double_dash_are_not_options() {
        let c = parse("-- selftest foo=bar");
        assert!(!c.selftest);
        assert!(c.problems.is_empty());
        assert_eq!(c.init_args, vec!["selftest", "foo=bar"]);
    }
}

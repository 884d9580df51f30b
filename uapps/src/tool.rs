//! What the command-line tools in `src/bin/` (`cat`, `ls`, `grep`, ...) share: option
//! parsing, the GNU/busybox conventions for messages and exit statuses, buffered standard
//! output, and reading inputs in chunks or lines.
//!
//! The conventions every tool follows:
//!
//! - `--help` prints `usage: <tool> <synopsis>` and the option lines on stdout; status 0.
//! - Bad usage prints `<tool>: <reason>` and the usage line on stderr; status 2
//!   ([`Tool::usage_error`], [`Tool::reject`]).
//! - A failure on one operand prints `<tool>: <path>: <message>` on stderr (the message is
//!   the errno's, `No such file or directory`), the tool goes on with the next operand and
//!   ends with status 1 ([`Tool::error`]).
//!
//! Options are parsed as POSIX `getopt` does ([`Opts`]): single letters, clustered (`-la`),
//! a value either attached (`-n5`) or in the next argument (`-n 5`), `--` ends the options,
//! and so does the first operand (`-` alone is an operand: standard input).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use ulib::errno::Errno;
use ulib::fs::{self, OFlag};
use ulib::io;

/// Bytes read or written per system call when copying data.
pub const CHUNK: usize = 4096;

/// Exit status for bad usage.
pub const USAGE_STATUS: i32 = 2;

/// One tool's name, usage text and state: its buffered standard output and whether an
/// operand failed.
pub struct Tool {
    name: &'static str,
    synopsis: &'static str,
    help: &'static str,
    out: Vec<u8>,
    /// Standard output is a terminal: each line is written once complete, for the person
    /// watching.
    line_buffered: bool,
    /// The first error writing standard output; further output is dropped.
    out_error: Option<Errno>,
    failed: bool,
}

impl Tool {
    /// The tool `name`, whose usage line is `usage: <name> <synopsis>` and whose `--help`
    /// adds `help` (option lines, each ending in a newline; may be empty).
    pub fn new(name: &'static str, synopsis: &'static str, help: &'static str) -> Tool {
        Tool {
            name,
            synopsis,
            help,
            out: Vec::with_capacity(CHUNK),
            line_buffered: ulib::tty::isatty(io::STDOUT),
            out_error: None,
            failed: false,
        }
    }

    /// The tool's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Appends `bytes` to standard output: written out in [`CHUNK`]s, at each newline when
    /// standard output is a terminal, and in any case before the tool blocks reading more
    /// input ([`Tool::read`], [`LineReader::next_line`]), so that what a tool made of the
    /// input so far is never held back while it waits (`grep a` typed at, or in a pipeline).
    pub fn out(&mut self, bytes: &[u8]) {
        if self.out_error.is_some() {
            return;
        }
        self.out.extend_from_slice(bytes);
        if self.out.len() >= CHUNK || (self.line_buffered && bytes.contains(&b'\n')) {
            let _ = self.flush();
        }
    }

    /// Writes out what standard output holds, then reads `input` (see [`Input::read`]).
    ///
    /// # Errors
    ///
    /// As [`Input::read`].
    pub fn read(&mut self, input: &mut Input, buf: &mut [u8]) -> Result<usize, Errno> {
        self.flush_pending();
        input.read(buf)
    }

    /// Writes out what standard output holds, if anything (an error is kept for
    /// [`finish`](Tool::finish)).
    fn flush_pending(&mut self) {
        if !self.out.is_empty() {
            let _ = self.flush();
        }
    }

    /// Appends formatted text to standard output (use [`out!`](crate::out)).
    pub fn out_fmt(&mut self, args: fmt::Arguments<'_>) {
        // `Tool`'s `write_str` never fails; only a `Display` impl could.
        let _ = fmt::write(self, args);
    }

    /// Writes what standard output holds.
    ///
    /// # Errors
    ///
    /// The first error writing it (then and later).
    pub fn flush(&mut self) -> Result<(), Errno> {
        if let Some(e) = self.out_error {
            return Err(e);
        }
        let result = io::write_all(io::STDOUT, &self.out);
        self.out.clear();
        if let Err(e) = result {
            self.out_error = Some(e);
        }
        result
    }

    /// Reports a failure on `what` (a path, a pid): `<tool>: <what>: <message>` on stderr,
    /// after what standard output holds; the tool will end with status 1.
    pub fn error(&mut self, what: &str, e: Errno) {
        self.error_msg(what, format_args!("{e}"));
    }

    /// As [`error`](Tool::error), with a message of the tool's own.
    pub fn error_msg(&mut self, what: &str, message: fmt::Arguments<'_>) {
        let _ = self.flush();
        ulib::eprintln!("{}: {what}: {message}", self.name);
        self.failed = true;
    }

    /// Whether [`error`](Tool::error) was called.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Reports bad usage: `<tool>: <reason>` and the usage line on stderr. Returns
    /// [`USAGE_STATUS`], for `main` to return.
    pub fn usage_error(&mut self, reason: fmt::Arguments<'_>) -> i32 {
        let _ = self.flush();
        ulib::eprintln!("{}: {reason}", self.name);
        ulib::eprintln!("usage: {} {}", self.name, self.synopsis);
        USAGE_STATUS
    }

    /// Prints the usage and the option lines on stdout. Returns 0, for `main` to return.
    pub fn help(&mut self) -> i32 {
        let (name, synopsis, help) = (self.name, self.synopsis, self.help);
        crate::out!(self, "usage: {name} {synopsis}\n{help}");
        self.finish(0)
    }

    /// What to do with an option the tool does not take: `--help` prints the help (status
    /// 0), anything else is a usage error (status 2). Returns the status for `main`.
    pub fn reject(&mut self, opt: Opt) -> i32 {
        match opt {
            Opt::Help => self.help(),
            Opt::Flag(c) => self.usage_error(format_args!("invalid option -- '{c}'")),
            Opt::Long(s) => self.usage_error(format_args!("unrecognized option '{s}'")),
            Opt::MissingValue(c) => {
                self.usage_error(format_args!("option requires an argument -- '{c}'"))
            }
        }
    }

    /// Flushes standard output and gives the exit status: `status`, or 1 if an operand
    /// failed or standard output could not be written (reported as `<tool>: write error:
    /// <message>`).
    pub fn finish(&mut self, status: i32) -> i32 {
        if let Err(e) = self.flush() {
            ulib::eprintln!("{}: write error: {e}", self.name);
            return 1;
        }
        if self.failed && status == 0 {
            1
        } else {
            status
        }
    }
}

impl fmt::Write for Tool {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.out(s.as_bytes());
        Ok(())
    }
}

/// Appends formatted text to a [`Tool`]'s standard output: `out!(tool, "{n} {name}\n")`.
#[macro_export]
macro_rules! out {
    ($tool:expr, $($arg:tt)*) => {
        $tool.out_fmt(::core::format_args!($($arg)*))
    };
}

/// An option [`Opts`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    /// `-c` (also each letter of `-abc`).
    Flag(char),
    /// `--help`.
    Help,
    /// Another `--word`.
    Long(&'static str),
    /// An option that needs a value came last ([`Opts::value`]).
    MissingValue(char),
}

/// The command-line arguments after the program's name, split into options and operands
/// as POSIX `getopt` does.
///
/// ```no_run
/// use uapps::tool::{Opt, Opts, Tool};
///
/// let mut tool = Tool::new("ls", "[-la] [path...]", "");
/// let mut opts = Opts::from_env();
/// let mut long = false;
/// for opt in opts.by_ref() {
///     match opt {
///         Opt::Flag('l') => long = true,
///         other => return tool.reject(other),
///     }
/// }
/// for path in opts.operands() { /* ... */ }
/// # 0
/// ```
pub struct Opts {
    args: Vec<&'static str>,
    /// The argument being read.
    index: usize,
    /// Byte offset of the next letter in `args[index]` when inside a cluster (0 otherwise).
    at: usize,
    /// The options ended.
    done: bool,
}

impl Opts {
    /// The arguments the program was started with, without `argv[0]`.
    pub fn from_env() -> Opts {
        Opts::new(ulib::env::args().skip(1).collect())
    }

    /// Options and operands from `args`.
    pub fn new(args: Vec<&'static str>) -> Opts {
        Opts {
            args,
            index: 0,
            at: 0,
            done: false,
        }
    }

    /// The value of option `c` just returned by [`next`](Iterator::next): the rest of its
    /// argument (`-n5`) or the next argument (`-n 5`); `Err(Opt::MissingValue(c))` if there
    /// is none.
    ///
    /// # Errors
    ///
    /// When the option came last.
    pub fn value(&mut self, c: char) -> Result<&'static str, Opt> {
        let arg = self.args.get(self.index).copied();
        let value = if self.at > 0 {
            arg.map(|a| &a[self.at..])
        } else {
            arg
        };
        self.at = 0;
        match value {
            Some(v) => {
                self.index += 1;
                Ok(v)
            }
            None => Err(Opt::MissingValue(c)),
        }
    }

    /// Takes the next argument if it is `-` followed only by digits (`head -5`), returning
    /// the digits; only at the start of an argument, while the options last.
    pub fn number_option(&mut self) -> Option<&'static str> {
        let arg = *self.args.get(self.index)?;
        let digits = arg.strip_prefix('-')?;
        if self.done
            || self.at != 0
            || digits.is_empty()
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        self.index += 1;
        Some(digits)
    }

    /// The arguments left: the operands, once [`next`](Iterator::next) returned `None`.
    pub fn operands(&self) -> &[&'static str] {
        self.args.get(self.index..).unwrap_or_default()
    }
}

/// The options, in order; `None` once they end (at `--`, which is skipped, at `-`, at the
/// first argument not starting with `-`, or at the end); after that always `None`, and
/// [`Opts::operands`] holds the rest.
impl Iterator for Opts {
    type Item = Opt;

    fn next(&mut self) -> Option<Opt> {
        if self.done {
            return None;
        }
        let Some(&arg) = self.args.get(self.index) else {
            self.done = true;
            return None;
        };
        if self.at == 0 {
            if arg == "--" {
                self.index += 1;
                self.done = true;
                return None;
            }
            if arg == "--help" {
                self.index += 1;
                return Some(Opt::Help);
            }
            if arg.starts_with("--") {
                self.index += 1;
                return Some(Opt::Long(arg));
            }
            if arg.len() < 2 || !arg.starts_with('-') {
                self.done = true;
                return None;
            }
            self.at = 1;
        }
        let c = arg[self.at..].chars().next()?;
        self.at += c.len_utf8();
        if self.at >= arg.len() {
            self.index += 1;
            self.at = 0;
        }
        Some(Opt::Flag(c))
    }
}

impl core::iter::FusedIterator for Opts {}

/// An input a tool reads: a file, or standard input for `-`.
pub struct Input {
    fd: i32,
    owned: bool,
}

impl Input {
    /// Opens `path` for reading; `-` is standard input.
    ///
    /// # Errors
    ///
    /// The errors of [`fs::open`].
    pub fn open(path: &str) -> Result<Input, Errno> {
        if path == "-" {
            return Ok(Input::stdin());
        }
        let fd = fs::open(path, OFlag::O_RDONLY | OFlag::O_CLOEXEC, 0)?;
        Ok(Input { fd, owned: true })
    }

    /// Standard input (not closed when dropped).
    pub fn stdin() -> Input {
        Input {
            fd: io::STDIN,
            owned: false,
        }
    }

    /// Reads up to `buf.len()` bytes; 0 at end of input. An interrupted read is retried.
    ///
    /// # Errors
    ///
    /// The errors of [`io::read`] other than `EINTR` (`EISDIR` for a directory).
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize, Errno> {
        loop {
            match io::read(self.fd, buf) {
                Err(Errno::EINTR) => {}
                other => return other,
            }
        }
    }

    /// Calls `f` with each chunk read (up to [`CHUNK`] bytes) until end of input.
    ///
    /// # Errors
    ///
    /// As [`read`](Input::read).
    pub fn for_each_chunk(&mut self, mut f: impl FnMut(&[u8])) -> Result<(), Errno> {
        let mut buf = alloc::vec![0u8; CHUNK];
        loop {
            let n = self.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            f(&buf[..n]);
        }
    }
}

impl Drop for Input {
    fn drop(&mut self) {
        if self.owned {
            let _ = io::close(self.fd);
        }
    }
}

/// Reads an [`Input`] line by line, with no limit on a line's length.
pub struct LineReader {
    input: Input,
    buf: Vec<u8>,
    /// Where the unread bytes of `buf` start.
    start: usize,
    eof: bool,
    /// Bytes asked for per read: [`CHUNK`], or 1 for an exact reader on a pipe.
    read_size: usize,
}

impl LineReader {
    /// Lines of `input`.
    pub fn new(input: Input) -> LineReader {
        LineReader {
            input,
            buf: Vec::with_capacity(CHUNK),
            start: 0,
            eof: false,
            read_size: CHUNK,
        }
    }

    /// Lines of `input`, for a reader that may stop before the end and leave the rest to
    /// the next program reading the same open file (`head -1` in a script read by `sh`):
    /// from a pipe it reads one byte at a time, so it never takes more than the lines it
    /// returns; from a file, [`give_back`](LineReader::give_back) puts the offset back.
    pub fn exact(input: Input) -> LineReader {
        let mut reader = LineReader::new(input);
        if !ulib::tty::isatty(reader.input.fd)
            && io::lseek(reader.input.fd, 0, io::Whence::SeekCur).is_err()
        {
            reader.read_size = 1;
        }
        reader
    }

    /// Moves a seekable input's offset back to just after the last line returned (what
    /// was read but not returned stays for the next reader). Nothing for other inputs.
    pub fn give_back(&mut self) {
        let unread = self.buf.len() - self.start;
        if unread > 0 && io::lseek(self.input.fd, -(unread as i64), io::Whence::SeekCur).is_ok() {
            self.buf.truncate(self.start);
        }
    }

    /// The next line with its `\n` (the last line of the input may lack it); `None` at end
    /// of input. Before a read, writes out what `tool`'s standard output holds.
    ///
    /// # Errors
    ///
    /// As [`Input::read`].
    pub fn next_line(&mut self, tool: &mut Tool) -> Result<Option<&[u8]>, Errno> {
        loop {
            let unread = &self.buf[self.start..];
            if let Some(i) = unread.iter().position(|&b| b == b'\n') {
                let line = self.start..self.start + i + 1;
                self.start = line.end;
                return Ok(Some(&self.buf[line]));
            }
            if self.eof {
                if unread.is_empty() {
                    return Ok(None);
                }
                let line = self.start..self.buf.len();
                self.start = line.end;
                return Ok(Some(&self.buf[line]));
            }
            // Keep the partial line, read more after it.
            self.buf.drain(..self.start);
            self.start = 0;
            let len = self.buf.len();
            self.buf.resize(len + self.read_size, 0);
            let read = tool.read(&mut self.input, &mut self.buf[len..]);
            let n = *read.as_ref().unwrap_or(&0);
            self.buf.truncate(len + n);
            read?;
            self.eof = n == 0;
        }
    }
}

/// `dir/name`, without doubling a `/` at the end of `dir`.
pub fn join(dir: &str, name: &str) -> String {
    let mut path = String::with_capacity(dir.len() + 1 + name.len());
    path.push_str(dir);
    if !path.ends_with('/') {
        path.push('/');
    }
    path.push_str(name);
    path
}

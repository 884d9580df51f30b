//! A terminal's line discipline: what the bytes typed at a terminal become
//! for the programs that read it, without any hardware. The kernel feeds
//! every received byte to [`LineDiscipline::receive`] (from the serial
//! port's interrupt), sends what it is told to echo back to the terminal,
//! raises the signals it is told to raise at the foreground process group,
//! and serves `read` from [`LineDiscipline::read`].
//!
//! The settings are Linux's `struct termios` ([`Termios`]); the flags acted
//! on are:
//! - `ICRNL` (input): a carriage return is read as a newline (terminals send
//!   CR for the Enter key);
//! - `ISIG` (local): `VINTR` (^C), `VQUIT` (^\) and `VSUSP` (^Z) raise
//!   `SIGINT`, `SIGQUIT` and `SIGTSTP` and are not read; pending input is
//!   discarded, as Linux does without `NOFLSH`;
//! - `ICANON` (local): canonical mode. Input is collected into a line that
//!   can be edited: `VERASE` (DEL, and ^H) removes the last byte, `VKILL`
//!   (^U) the whole line, `VEOF` (^D) ends the line without a newline (at
//!   the start of a line: end of file, `read` returns 0). A line becomes
//!   readable when a newline (or `VEOL`) or `VEOF` ends it; `read` returns
//!   at most one line. A line holds at most [`MAX_LINE`] bytes: further
//!   bytes are dropped (and the terminal's bell rung) until the line ends,
//!   so a line is cut there, never lost whole;
//! - without `ICANON`: bytes are readable as they come; `read` waits for
//!   `VMIN` bytes (0: returns at once, even with nothing) — `VTIME` is not
//!   timed here and counts as 0;
//! - `ECHO` (local): each byte read is echoed (control characters as `^X`
//!   in canonical mode, as `ECHOCTL` does); erase echoes backspace-space-
//!   backspace, kill erases the line the same way; a newline always echoes
//!   when `ECHO` is on.
//!
//! Input waiting to be read (complete lines, or raw bytes) is limited to
//! [`MAX_INPUT`] bytes; beyond that, received bytes are dropped and counted
//! ([`LineDiscipline::dropped`]), never silently.
//!
//! Lunaix's counterpart is its `lcntl` line control in `kernel/tty/`, which
//! applies the same `c_lflag`/`c_iflag` rules between a TTY device's
//! receive buffer and its readers.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use abi::signal::Signal;
pub use abi::tty::{
    Termios, ECHO, ICANON, ICRNL, ISIG, ONLCR, OPOST, VEOF, VEOL, VERASE, VINTR, VKILL, VMIN,
    VQUIT, VSUSP, VTIME,
};

/// The longest canonical line, as on Linux (4095 bytes and the newline).
pub const MAX_LINE: usize = 4095;

/// The most input waiting to be read.
pub const MAX_INPUT: usize = 8192;

const BACKSPACE: u8 = 0x08;
const BELL: u8 = 0x07;

/// What one received byte asks of the kernel besides buffering.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Effects {
    /// Bytes to send back to the terminal.
    pub echo: Vec<u8>,
    /// A signal for the foreground process group.
    pub signal: Option<Signal>,
    /// Whether something became readable (wake the readers).
    pub readable: bool,
}

/// What a `read` gets.
#[derive(Debug, PartialEq, Eq)]
pub enum ReadOutcome {
    /// This many bytes (0: end of file, a ^D at the start of a line).
    Read(usize),
    /// Nothing to read yet: wait (or `EAGAIN` without blocking).
    WouldBlock,
}

/// A terminal's input side and settings.
#[derive(Debug)]
pub struct LineDiscipline {
    termios: Termios,
    /// The canonical line being edited.
    line: Vec<u8>,
    /// Input ready for readers.
    ready: VecDeque<u8>,
    /// In canonical mode, where each ready line ends (offsets into the
    /// bytes received so far, counted by `consumed`), so a read stops there;
    /// an end of file is a line of length 0.
    line_ends: VecDeque<usize>,
    /// Bytes taken out of `ready` since the start.
    consumed: usize,
    /// In canonical mode: the last read stopped inside a line (its buffer was
    /// full), so [`LineDiscipline::read_more`] may go on with the same line.
    mid_line: bool,
    /// Bytes dropped because input was full.
    dropped: usize,
    /// Bytes received so far (wrapping): a read waiting with a `VTIME` timer
    /// restarts it when this moves.
    arrivals: usize,
}

impl Default for LineDiscipline {
    fn default() -> Self {
        LineDiscipline::new()
    }
}

impl LineDiscipline {
    /// A terminal with Linux's default settings (canonical, echo, signals).
    pub fn new() -> LineDiscipline {
        LineDiscipline {
            termios: Termios::linux_default(),
            line: Vec::new(),
            ready: VecDeque::new(),
            line_ends: VecDeque::new(),
            consumed: 0,
            mid_line: false,
            dropped: 0,
            arrivals: 0,
        }
    }

    /// The settings (`TCGETS`).
    pub fn termios(&self) -> Termios {
        self.termios
    }

    /// New settings (`TCSETS`). Leaving canonical mode makes the line being
    /// edited readable; entering it makes the bytes not yet read one line of
    /// their own (readable at once, without a newline), as Linux does.
    pub fn set_termios(&mut self, termios: Termios) -> Effects {
        let was_canonical = self.canonical();
        self.termios = termios;
        let mut effects = Effects::default();
        if was_canonical && !self.canonical() {
            let line = core::mem::take(&mut self.line);
            self.ready.extend(line);
            self.line_ends.clear();
            effects.readable = !self.ready.is_empty();
        } else if !was_canonical && self.canonical() && !self.ready.is_empty() {
            self.line_ends.clear();
            self.line_ends.push_back(self.consumed + self.ready.len());
            effects.readable = true;
        }
        effects
    }

    /// Whether output sends NL as CR NL (`OPOST` and `ONLCR`, the default);
    /// without, bytes go out as they are.
    pub fn output_crlf(&self) -> bool {
        let oflag = self.termios.c_oflag;
        oflag & OPOST != 0 && oflag & ONLCR != 0
    }

    /// Discards input not yet read and the line being edited (`TCFLSH`,
    /// `TCSETSF`).
    pub fn flush_input(&mut self) {
        self.line.clear();
        self.consumed += self.ready.len();
        self.ready.clear();
        self.line_ends.clear();
        self.mid_line = false;
    }

    /// How many bytes a `read` could take now (`FIONREAD`): in canonical mode
    /// the complete lines waiting, otherwise every byte waiting.
    pub fn available(&self) -> usize {
        if self.canonical() {
            self.line_ends.back().map_or(0, |&end| end - self.consumed)
        } else {
            self.ready.len()
        }
    }

    /// Bytes dropped so far because input was full.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    fn canonical(&self) -> bool {
        self.termios.c_lflag & ICANON != 0
    }

    fn echoing(&self) -> bool {
        self.termios.c_lflag & ECHO != 0
    }

    fn cc(&self, index: usize) -> u8 {
        self.termios.c_cc[index]
    }

    /// Whether `byte` is the control character at `index` (0 disables one).
    fn is(&self, byte: u8, index: usize) -> bool {
        let c = self.cc(index);
        c != 0 && byte == c
    }

    /// Whether `more` bytes would pass [`MAX_INPUT`]; each end of file waiting counts as a
    /// byte, so a flood of ^D on empty lines is bounded too.
    fn input_full(&self, more: usize) -> bool {
        self.ready.len() + self.line.len() + self.line_ends.len() + more > MAX_INPUT
    }

    /// One byte from the terminal.
    pub fn receive(&mut self, byte: u8) -> Effects {
        let mut effects = Effects::default();
        self.arrivals = self.arrivals.wrapping_add(1);
        let byte = if byte == b'\r' && self.termios.c_iflag & ICRNL != 0 {
            b'\n'
        } else {
            byte
        };
        if self.termios.c_lflag & ISIG != 0 {
            let signal = if self.is(byte, VINTR) {
                Some(Signal::SIGINT)
            } else if self.is(byte, VQUIT) {
                Some(Signal::SIGQUIT)
            } else if self.is(byte, VSUSP) {
                Some(Signal::SIGTSTP)
            } else {
                None
            };
            if let Some(signal) = signal {
                // Pending input goes, as on Linux without NOFLSH.
                self.line.clear();
                self.ready.clear();
                self.line_ends.clear();
                if self.echoing() {
                    echo_control(&mut effects.echo, byte);
                    effects.echo.push(b'\n');
                }
                effects.signal = Some(signal);
                return effects;
            }
        }
        if !self.canonical() {
            if self.input_full(1) {
                self.dropped += 1;
                return effects;
            }
            self.ready.push_back(byte);
            if self.echoing() {
                effects.echo.push(byte);
            }
            effects.readable = true;
            return effects;
        }
        if self.is(byte, VERASE) || byte == BACKSPACE {
            if let Some(erased) = self.line.pop() {
                if self.echoing() {
                    // A control character was echoed as two columns.
                    let columns = if erased < 0x20 && erased != b'\t' {
                        2
                    } else {
                        1
                    };
                    for _ in 0..columns {
                        effects
                            .echo
                            .extend_from_slice(&[BACKSPACE, b' ', BACKSPACE]);
                    }
                }
            }
            return effects;
        }
        if self.is(byte, VKILL) {
            if self.echoing() {
                for &erased in &self.line {
                    let columns = if erased < 0x20 && erased != b'\t' {
                        2
                    } else {
                        1
                    };
                    for _ in 0..columns {
                        effects
                            .echo
                            .extend_from_slice(&[BACKSPACE, b' ', BACKSPACE]);
                    }
                }
            }
            self.line.clear();
            return effects;
        }
        if self.is(byte, VEOF) {
            if self.input_full(1) {
                self.dropped += 1;
                return effects;
            }
            // The line so far becomes readable without a newline; alone, it
            // is an end of file.
            self.finish_line();
            effects.readable = true;
            return effects;
        }
        let ends_line = byte == b'\n' || self.is(byte, VEOL);
        if self.line.len() >= MAX_LINE && !ends_line {
            self.dropped += 1;
            effects.echo.push(BELL);
            return effects;
        }
        // The last byte of room is kept for the newline that ends the line.
        if self.input_full(if ends_line { 1 } else { 2 }) {
            self.dropped += 1;
            return effects;
        }
        self.line.push(byte);
        if self.echoing() {
            if byte < 0x20 && byte != b'\n' && byte != b'\t' {
                echo_control(&mut effects.echo, byte);
            } else {
                effects.echo.push(byte);
            }
        }
        if ends_line {
            self.finish_line();
            effects.readable = true;
        }
        effects
    }

    /// Checks the bookkeeping (for the fuzzers and tests): the input waiting stays within
    /// [`MAX_INPUT`], the line within [`MAX_LINE`], and the line ends lie in order inside the
    /// ready input.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn check_invariants(&self) {
        assert!(self.ready.len() + self.line.len() + self.line_ends.len() <= MAX_INPUT);
        assert!(self.line.len() <= MAX_LINE);
        let mut previous = self.consumed;
        for &end in &self.line_ends {
            assert!(end >= previous && end <= self.consumed + self.ready.len());
            previous = end;
        }
    }

    /// Moves the edited line to the ready input and marks where it ends.
    fn finish_line(&mut self) {
        let line = core::mem::take(&mut self.line);
        self.ready.extend(line);
        self.line_ends.push_back(self.consumed + self.ready.len());
    }

    /// Whether a `read` would return now (data, or an end of file).
    pub fn readable(&self) -> bool {
        if self.canonical() {
            !self.line_ends.is_empty()
        } else {
            let min = self.cc(VMIN) as usize;
            match (min, self.cc(VTIME)) {
                (0, 0) => true,
                (0, _) => !self.ready.is_empty(),
                _ => self.ready.len() >= min,
            }
        }
    }

    /// How long a waiting `read` may wait now, in nanoseconds, before it
    /// returns what is there ([`Self::read_now`]): in non-canonical mode with
    /// `VTIME` set, `VTIME` tenths of a second, counted from the read with
    /// `VMIN` 0 and from the last byte received otherwise (none until a first
    /// byte is there). `None`: wait for [`Self::readable`] alone.
    pub fn read_timer_ns(&self) -> Option<u64> {
        let tenths = self.cc(VTIME);
        if self.canonical() || tenths == 0 || (self.cc(VMIN) != 0 && self.ready.is_empty()) {
            return None;
        }
        Some(u64::from(tenths) * 100_000_000)
    }

    /// A count that moves with every byte received: a waiting read restarts
    /// its `VTIME` timer when it changes.
    pub fn arrivals(&self) -> usize {
        self.arrivals
    }

    /// `read` into `buf`: in canonical mode at most one line (0 for an end of
    /// file); otherwise what is there, once `VMIN` bytes are (at once with
    /// `VMIN` 0).
    pub fn read(&mut self, buf: &mut [u8]) -> ReadOutcome {
        if buf.is_empty() {
            return ReadOutcome::Read(0);
        }
        if self.canonical() {
            let Some(&end) = self.line_ends.front() else {
                return ReadOutcome::WouldBlock;
            };
            let available = end - self.consumed;
            let n = available.min(buf.len());
            for slot in buf.iter_mut().take(n) {
                *slot = self.ready.pop_front().unwrap_or(0);
            }
            self.consumed += n;
            self.mid_line = self.consumed != end;
            if !self.mid_line {
                self.line_ends.pop_front();
            }
            return ReadOutcome::Read(n);
        }
        let min = (self.cc(VMIN) as usize).max(1).min(buf.len());
        let waits_for_min = self.cc(VMIN) != 0 && self.ready.len() < min;
        let waits_for_one = self.cc(VMIN) == 0 && self.cc(VTIME) != 0 && self.ready.is_empty();
        if waits_for_min || waits_for_one {
            return ReadOutcome::WouldBlock;
        }
        ReadOutcome::Read(self.read_now(buf))
    }

    /// The same `read` going on after it filled a buffer, never waiting: in
    /// canonical mode the rest of the line it stopped in (0 once the line is
    /// done: a read returns at most one line), otherwise what is there. The
    /// kernel moves input in steps, and a read is not cut short at a step.
    pub fn read_more(&mut self, buf: &mut [u8]) -> usize {
        if !self.canonical() {
            return self.read_now(buf);
        }
        if !self.mid_line {
            return 0;
        }
        match self.read(buf) {
            ReadOutcome::Read(n) => n,
            ReadOutcome::WouldBlock => 0,
        }
    }

    /// A read whose `VTIME` timer ran out: what is there, perhaps nothing.
    pub fn read_now(&mut self, buf: &mut [u8]) -> usize {
        let n = self.ready.len().min(buf.len());
        for slot in buf.iter_mut().take(n) {
            *slot = self.ready.pop_front().unwrap_or(0);
        }
        self.consumed += n;
        n
    }
}

/// Echoes a control character as `^X` (DEL as `^?`).
fn echo_control(out: &mut Vec<u8>, byte: u8) {
    out.push(b'^');
    out.push(if byte == 0x7f { b'?' } else { byte ^ 0x40 });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(ld: &mut LineDiscipline, bytes: &[u8]) -> Effects {
        let mut all = Effects::default();
        for &b in bytes {
            let e = ld.receive(b);
            all.echo.extend(e.echo);
            all.signal = all.signal.or(e.signal);
            all.readable |= e.readable;
        }
        all
    }

    fn read_all(ld: &mut LineDiscipline, size: usize) -> Option<Vec<u8>> {
        let mut buf = alloc::vec![0; size];
        match ld.read(&mut buf) {
            ReadOutcome::Read(n) => Some(buf[..n].to_vec()),
            ReadOutcome::WouldBlock => None,
        }
    }

    #[test]
    fn a_line_is_readable_once_it_ends_and_cr_reads_as_nl() {
        let mut ld = LineDiscipline::new();
        let e = feed(&mut ld, b"echo hi");
        assert_eq!(e.echo, b"echo hi");
        assert!(!e.readable && !ld.readable());
        assert_eq!(read_all(&mut ld, 100), None);
        let e = feed(&mut ld, b"\r");
        assert!(e.readable);
        assert_eq!(e.echo, b"\n");
        assert_eq!(read_all(&mut ld, 100).unwrap(), b"echo hi\n");
        assert_eq!(read_all(&mut ld, 100), None);
    }

    #[test]
    fn a_read_returns_at_most_one_line_and_resumes_inside_one() {
        let mut ld = LineDiscipline::new();
        feed(&mut ld, b"one\ntwo\n");
        assert_eq!(read_all(&mut ld, 100).unwrap(), b"one\n");
        assert_eq!(read_all(&mut ld, 2).unwrap(), b"tw");
        assert_eq!(read_all(&mut ld, 100).unwrap(), b"o\n");
        assert_eq!(read_all(&mut ld, 100), None);
    }

    #[test]
    fn read_more_goes_on_with_the_line_a_full_buffer_stopped_in_and_no_further() {
        let mut ld = LineDiscipline::new();
        feed(
            &mut ld,
            b"abcdefg
next
",
        );
        let mut buf = [0u8; 3];
        assert_eq!(ld.read(&mut buf), ReadOutcome::Read(3));
        assert_eq!(ld.read_more(&mut buf), 3);
        assert_eq!(&buf, b"def");
        assert_eq!(ld.read_more(&mut buf), 2);
        assert_eq!(&buf[..2], b"g\n");
        // The line is done: the next one is for the next read.
        assert_eq!(ld.read_more(&mut buf), 0);
        assert_eq!(read_all(&mut ld, 100).unwrap(), b"next\n");
        // A read that took a whole line leaves nothing to go on with.
        feed(&mut ld, b"ab\ncd\n");
        assert_eq!(read_all(&mut ld, 3).unwrap(), b"ab\n");
        assert_eq!(ld.read_more(&mut buf), 0);
        // A flush ends the line being read.
        feed(&mut ld, b"xyz\n");
        assert_eq!(read_all(&mut ld, 1).unwrap(), b"c");
        ld.flush_input();
        assert_eq!(ld.read_more(&mut buf), 0);
        // Raw mode: whatever is there.
        let mut raw = ld.termios();
        raw.c_lflag &= !ICANON;
        ld.set_termios(raw);
        feed(&mut ld, b"12345");
        assert_eq!(ld.read_more(&mut buf), 3);
        assert_eq!(ld.read_more(&mut buf), 2);
        assert_eq!(ld.read_more(&mut buf), 0);
    }

    #[test]
    fn erase_and_kill_edit_the_line() {
        let mut ld = LineDiscipline::new();
        let e = feed(&mut ld, b"lx\x7fs\x08\x08ls -l\x15pwd\n");
        assert_eq!(read_all(&mut ld, 100).unwrap(), b"pwd\n");
        // Erase echoes backspace-space-backspace.
        assert!(e.echo.windows(3).any(|w| w == b"\x08 \x08"));
        // Erasing an empty line does nothing.
        let e = feed(&mut ld, b"\x7f\x7f");
        assert!(e.echo.is_empty());
    }

    #[test]
    fn eof_at_the_start_of_a_line_reads_0_and_elsewhere_ends_the_line() {
        let mut ld = LineDiscipline::new();
        feed(&mut ld, b"abc\x04");
        assert_eq!(read_all(&mut ld, 100).unwrap(), b"abc");
        feed(&mut ld, b"\x04");
        assert!(ld.readable());
        assert_eq!(read_all(&mut ld, 100).unwrap(), b"");
        assert_eq!(read_all(&mut ld, 100), None);
    }

    #[test]
    fn signal_characters_raise_signals_and_flush_input() {
        let mut ld = LineDiscipline::new();
        feed(&mut ld, b"done\npartial");
        let e = feed(&mut ld, b"\x03");
        assert_eq!(e.signal, Some(Signal::SIGINT));
        assert_eq!(e.echo, b"^C\n");
        assert_eq!(read_all(&mut ld, 100), None, "pending input is discarded");
        assert_eq!(feed(&mut ld, b"\x1c").signal, Some(Signal::SIGQUIT));
        assert_eq!(feed(&mut ld, b"\x1a").signal, Some(Signal::SIGTSTP));
        // Without ISIG they are ordinary bytes.
        let mut t = ld.termios();
        t.c_lflag &= !ISIG;
        ld.set_termios(t);
        assert_eq!(feed(&mut ld, b"\x03\n").signal, None);
        assert_eq!(read_all(&mut ld, 100).unwrap(), b"\x03\n");
    }

    #[test]
    fn a_long_line_is_cut_at_the_limit_not_lost() {
        let mut ld = LineDiscipline::new();
        let long = alloc::vec![b'x'; MAX_LINE + 100];
        let e = feed(&mut ld, &long);
        assert_eq!(ld.dropped(), 100);
        assert!(e.echo.contains(&BELL));
        feed(&mut ld, b"\n");
        let got = read_all(&mut ld, 10_000).unwrap();
        assert_eq!(got.len(), MAX_LINE + 1);
        assert_eq!(*got.last().unwrap(), b'\n');
    }

    #[test]
    fn input_beyond_the_limit_is_dropped_and_counted() {
        let mut ld = LineDiscipline::new();
        let line = [b'y'; 99];
        for _ in 0..200 {
            feed(&mut ld, &line);
            feed(&mut ld, b"\n");
        }
        assert!(ld.dropped() > 0);
        let mut total = 0;
        while let Some(got) = read_all(&mut ld, 1000) {
            total += got.len();
        }
        assert!(total <= MAX_INPUT);
        assert_eq!(total + ld.dropped(), 200 * 100);
    }

    #[test]
    fn a_flood_of_eof_is_bounded_too() {
        let mut ld = LineDiscipline::new();
        for _ in 0..(MAX_INPUT + 100) {
            feed(&mut ld, b"\x04");
        }
        assert_eq!(ld.dropped(), 100);
        let mut eofs = 0;
        while read_all(&mut ld, 10) == Some(alloc::vec::Vec::new()) {
            eofs += 1;
        }
        assert_eq!(eofs, MAX_INPUT);
    }

    #[test]
    fn raw_mode_reads_bytes_as_they_come() {
        let mut ld = LineDiscipline::new();
        let mut t = ld.termios();
        t.c_lflag &= !(ICANON | ECHO);
        t.c_cc[VMIN] = 1;
        ld.set_termios(t);
        assert_eq!(read_all(&mut ld, 10), None);
        let e = feed(&mut ld, b"q\x7f");
        assert!(e.readable && e.echo.is_empty());
        assert_eq!(read_all(&mut ld, 10).unwrap(), b"q\x7f");
        // VMIN 0: a read returns at once, with nothing.
        t.c_cc[VMIN] = 0;
        ld.set_termios(t);
        assert_eq!(read_all(&mut ld, 10).unwrap(), b"");
        // VMIN 3: waits for three bytes.
        t.c_cc[VMIN] = 3;
        ld.set_termios(t);
        feed(&mut ld, b"ab");
        assert_eq!(read_all(&mut ld, 10), None);
        feed(&mut ld, b"c");
        assert_eq!(read_all(&mut ld, 10).unwrap(), b"abc");
    }

    #[test]
    fn leaving_canonical_mode_hands_over_the_line_being_edited() {
        let mut ld = LineDiscipline::new();
        feed(&mut ld, b"half");
        let mut t = ld.termios();
        t.c_lflag &= !ICANON;
        assert!(ld.set_termios(t).readable);
        assert_eq!(read_all(&mut ld, 10).unwrap(), b"half");
    }

    #[test]
    fn entering_canonical_mode_makes_unread_raw_bytes_a_line() {
        let mut ld = LineDiscipline::new();
        let canonical = ld.termios();
        let mut raw = canonical;
        raw.c_lflag &= !(ICANON | ECHO);
        ld.set_termios(raw);
        feed(&mut ld, b"ab");
        assert!(ld.set_termios(canonical).readable);
        assert_eq!(read_all(&mut ld, 10).unwrap(), b"ab");
        // The next line is a line of its own.
        feed(&mut ld, b"cd\n");
        assert_eq!(read_all(&mut ld, 10).unwrap(), b"cd\n");
        assert_eq!(ld.read(&mut [0; 4]), ReadOutcome::WouldBlock);
    }

    #[test]
    fn flush_discards_input_and_available_counts_whole_lines() {
        let mut ld = LineDiscipline::new();
        feed(&mut ld, b"one\ntwo\nthr");
        assert_eq!(
            ld.available(),
            8,
            "two whole lines, not the one being edited"
        );
        assert_eq!(read_all(&mut ld, 2).unwrap(), b"on");
        assert_eq!(ld.available(), 6);
        ld.flush_input();
        assert_eq!(ld.available(), 0);
        assert!(!ld.readable());
        feed(&mut ld, b"four\n");
        assert_eq!(read_all(&mut ld, 10).unwrap(), b"four\n");
        let mut raw = non_canonical(1, 0);
        feed(&mut raw, b"xyz");
        assert_eq!(raw.available(), 3);
        raw.flush_input();
        assert_eq!(raw.read(&mut [0; 4]), ReadOutcome::WouldBlock);
    }

    #[test]
    fn output_is_crlf_only_with_opost_and_onlcr() {
        let mut ld = LineDiscipline::new();
        assert!(ld.output_crlf());
        let mut t = ld.termios();
        t.c_oflag &= !OPOST;
        ld.set_termios(t);
        assert!(!ld.output_crlf());
        t.c_oflag = OPOST;
        ld.set_termios(t);
        assert!(!ld.output_crlf());
    }

    fn non_canonical(vmin: u8, vtime: u8) -> LineDiscipline {
        let mut ld = LineDiscipline::new();
        let mut t = ld.termios();
        t.c_lflag &= !(ICANON | ECHO);
        t.c_cc[VMIN] = vmin;
        t.c_cc[VTIME] = vtime;
        ld.set_termios(t);
        ld
    }

    #[test]
    fn vtime_with_vmin_0_waits_for_one_byte_or_the_timer() {
        let mut ld = non_canonical(0, 5);
        assert!(!ld.readable());
        assert_eq!(ld.read(&mut [0; 4]), ReadOutcome::WouldBlock);
        assert_eq!(ld.read_timer_ns(), Some(500_000_000));
        // The timer ran out: nothing.
        assert_eq!(ld.read_now(&mut [0; 4]), 0);
        let before = ld.arrivals();
        feed(&mut ld, b"x");
        assert_ne!(ld.arrivals(), before);
        assert!(ld.readable());
        assert_eq!(read_all(&mut ld, 4).unwrap(), b"x");
        // Without VTIME, VMIN 0 returns at once and there is no timer.
        let mut ld = non_canonical(0, 0);
        assert!(ld.readable());
        assert_eq!(ld.read_timer_ns(), None);
        assert_eq!(read_all(&mut ld, 4).unwrap(), b"");
    }

    #[test]
    fn vtime_with_vmin_is_an_inter_byte_timer_started_by_the_first_byte() {
        let mut ld = non_canonical(3, 2);
        assert_eq!(ld.read_timer_ns(), None, "no timer before a first byte");
        feed(&mut ld, b"ab");
        assert!(!ld.readable());
        assert_eq!(ld.read(&mut [0; 4]), ReadOutcome::WouldBlock);
        assert_eq!(ld.read_timer_ns(), Some(200_000_000));
        let mut buf = [0; 4];
        assert_eq!(ld.read_now(&mut buf), 2);
        assert_eq!(&buf[..2], b"ab");
        feed(&mut ld, b"cde");
        assert!(ld.readable());
        assert_eq!(read_all(&mut ld, 4).unwrap(), b"cde");
        // Canonical mode has no timer whatever VTIME says.
        let mut canonical = ld.termios();
        canonical.c_lflag |= ICANON;
        ld.set_termios(canonical);
        feed(&mut ld, b"z");
        assert_eq!(ld.read_timer_ns(), None);
    }

    #[test]
    fn control_characters_echo_as_caret_letters() {
        let mut ld = LineDiscipline::new();
        let e = feed(&mut ld, b"a\x01b\x7f\x7f");
        // ^A echoed as two columns, erased with two backspaces.
        assert_eq!(e.echo, b"a^Ab\x08 \x08\x08 \x08\x08 \x08");
        // NUL bytes are kept in the line.
        feed(&mut ld, b"\0\n");
        assert_eq!(read_all(&mut ld, 10).unwrap(), b"a\0\n");
    }
}

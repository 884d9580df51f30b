//! The text of `/proc/<pid>/stat` and `/proc/<pid>/status`, from a
//! [`ProcessFacts`] the kernel gathers; pure, so its format is tested here.
//!
//! `stat` follows Linux's field order (`man 5 proc`) for the first 24
//! fields: `pid (comm) state ppid pgrp session tty_nr tpgid flags minflt
//! cminflt majflt cmajflt utime stime cutime cstime priority nice
//! num_threads itrealvalue starttime vsize rss`. Fields this kernel does not
//! track (fault counts, CPU times, the start time) read 0, as they would
//! for a process that never ran. `tty_nr` is the controlling terminal's
//! device number (0 without one) and `tpgid` its foreground group (-1 without
//! one). Tools parse from the last `)`, because
//! `comm` may hold spaces and parentheses.

use alloc::string::String;
use core::fmt::Write;

/// Linux's limit on `comm`: 15 bytes and the NUL.
pub const COMM_LEN: usize = 15;

/// What `/proc` says about one process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessFacts<'a> {
    /// Its pid.
    pub pid: i32,
    /// Its program name (cut to [`COMM_LEN`] bytes).
    pub comm: &'a str,
    /// `R` running or ready, `S` sleeping, `T` stopped, `Z` zombie.
    pub state: char,
    /// Its parent (0 for init).
    pub ppid: i32,
    /// Its process group.
    pub pgrp: i32,
    /// Its session.
    pub session: i32,
    /// Its controlling terminal's device number (`major << 8 | minor`), 0 for none.
    pub tty_nr: u32,
    /// That terminal's foreground process group, -1 for none.
    pub tpgid: i32,
    /// Bytes of user memory it maps (`vsize`).
    pub vsize: u64,
    /// Pages of user memory present (`rss`).
    pub rss: u64,
    /// Signals pending, blocked, ignored and caught (bit `n - 1` for signal `n`).
    pub signals: [u32; 4],
}

/// `comm` as Linux shows it: at most [`COMM_LEN`] bytes, cut on a character boundary.
pub fn comm(name: &str) -> &str {
    let mut end = name.len().min(COMM_LEN);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// The name Linux gives a state letter in `status`.
pub fn state_name(state: char) -> &'static str {
    match state {
        'R' => "running",
        'S' => "sleeping",
        'T' => "stopped",
        'Z' => "zombie",
        _ => "unknown",
    }
}

/// The one line of `/proc/<pid>/stat`, newline included.
pub fn stat_line(f: &ProcessFacts<'_>, out: &mut String) {
    let _ = writeln!(
        out,
        "{} ({}) {} {} {} {} {} {} 0 0 0 0 0 0 0 0 0 20 0 1 0 0 {} {}",
        f.pid,
        comm(f.comm),
        f.state,
        f.ppid,
        f.pgrp,
        f.session,
        f.tty_nr,
        f.tpgid,
        f.vsize,
        f.rss
    );
}

/// `/proc/<pid>/status`: Linux's `Key:\tvalue` lines for what exists.
pub fn status_text(f: &ProcessFacts<'_>, out: &mut String) {
    let _ = writeln!(out, "Name:\t{}", comm(f.comm));
    let _ = writeln!(out, "State:\t{} ({})", f.state, state_name(f.state));
    let _ = writeln!(out, "Tgid:\t{}", f.pid);
    let _ = writeln!(out, "Pid:\t{}", f.pid);
    let _ = writeln!(out, "PPid:\t{}", f.ppid);
    let _ = writeln!(out, "NSpgid:\t{}", f.pgrp);
    let _ = writeln!(out, "NSsid:\t{}", f.session);
    let _ = writeln!(out, "VmSize:\t{:8} kB", f.vsize / 1024);
    let _ = writeln!(out, "VmRSS:\t{:8} kB", f.rss * 4);
    let _ = writeln!(out, "Threads:\t1");
    for (key, set) in ["SigPnd", "SigBlk", "SigIgn", "SigCgt"]
        .iter()
        .zip(f.signals)
    {
        let _ = writeln!(out, "{key}:\t{:016x}", set);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(comm: &'static str) -> ProcessFacts<'static> {
        ProcessFacts {
            pid: 7,
            comm,
            state: 'S',
            ppid: 1,
            pgrp: 7,
            session: 1,
            tty_nr: 0,
            tpgid: -1,
            vsize: 90112,
            rss: 12,
            signals: [0, 1 << 9, 0, 1 << 16],
        }
    }

    #[test]
    fn stat_has_linux_field_order() {
        let mut out = String::new();
        stat_line(&facts("fstest"), &mut out);
        assert!(out.ends_with('\n'));
        let fields: alloc::vec::Vec<&str> = out.trim_end().split(' ').collect();
        assert_eq!(fields.len(), 24);
        assert_eq!(&fields[..6], ["7", "(fstest)", "S", "1", "7", "1"]);
        assert_eq!((fields[6], fields[7]), ("0", "-1")); // tty_nr, tpgid
        assert_eq!((fields[17], fields[19]), ("20", "1")); // priority, num_threads
        assert_eq!((fields[22], fields[23]), ("90112", "12")); // vsize, rss
        let mut out = String::new();
        let on_console = ProcessFacts {
            tty_nr: 5 << 8 | 1,
            tpgid: 7,
            ..facts("sh")
        };
        stat_line(&on_console, &mut out);
        let fields: alloc::vec::Vec<&str> = out.trim_end().split(' ').collect();
        assert_eq!((fields[6], fields[7]), ("1281", "7"));
    }

    #[test]
    fn comm_is_cut_to_15_bytes_on_a_character_boundary() {
        assert_eq!(comm("a-very-long-program-name"), "a-very-long-pro");
        assert_eq!(comm("ééééééééé"), "ééééééé"); // 14 bytes, not 15
        let mut out = String::new();
        stat_line(&facts("odd (name) x"), &mut out);
        let after = &out[out.rfind(')').unwrap() + 2..];
        assert!(after.starts_with("S 1 7 1 "));
    }

    #[test]
    fn status_lines_are_linux_shaped() {
        let mut out = String::new();
        status_text(&facts("sh"), &mut out);
        assert!(out.starts_with("Name:\tsh\nState:\tS (sleeping)\nTgid:\t7\nPid:\t7\nPPid:\t1\n"));
        assert!(out.contains("SigBlk:\t0000000000000200\n"));
        assert!(out.contains("SigCgt:\t0000000000010000\n"));
        assert!(out.contains("VmRSS:\t      48 kB\n"));
    }
}

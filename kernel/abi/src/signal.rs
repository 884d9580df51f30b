//! Signal numbers (Linux i386 values).
//!
//! This kernel delivers no signal handlers; signals appear only as the reason a process was
//! killed (a user fault) and in the wait status its parent receives.

use core::fmt;

/// A signal, with the Linux i386 number as its discriminant (`Signal::SIGSEGV as i32 == 11`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Signal {
    /// Hangup (`1`).
    SIGHUP = 1,
    /// Interrupt (`2`).
    SIGINT = 2,
    /// Quit (`3`).
    SIGQUIT = 3,
    /// Illegal instruction (`4`).
    SIGILL = 4,
    /// Trace/breakpoint trap (`5`).
    SIGTRAP = 5,
    /// Aborted (`6`).
    SIGABRT = 6,
    /// Bus error (`7`).
    SIGBUS = 7,
    /// Floating point exception (`8`).
    SIGFPE = 8,
    /// Killed (`9`).
    SIGKILL = 9,
    /// User defined signal 1 (`10`).
    SIGUSR1 = 10,
    /// Segmentation fault (`11`).
    SIGSEGV = 11,
    /// User defined signal 2 (`12`).
    SIGUSR2 = 12,
    /// Broken pipe (`13`).
    SIGPIPE = 13,
    /// Alarm clock (`14`).
    SIGALRM = 14,
    /// Terminated (`15`).
    SIGTERM = 15,
    /// Stack fault (`16`).
    SIGSTKFLT = 16,
    /// Child exited (`17`).
    SIGCHLD = 17,
    /// Continued (`18`).
    SIGCONT = 18,
    /// Stopped (signal) (`19`).
    SIGSTOP = 19,
    /// Stopped (`20`).
    SIGTSTP = 20,
    /// Stopped (tty input) (`21`).
    SIGTTIN = 21,
    /// Stopped (tty output) (`22`).
    SIGTTOU = 22,
    /// Urgent I/O condition (`23`).
    SIGURG = 23,
    /// CPU time limit exceeded (`24`).
    SIGXCPU = 24,
    /// File size limit exceeded (`25`).
    SIGXFSZ = 25,
    /// Virtual timer expired (`26`).
    SIGVTALRM = 26,
    /// Profiling timer expired (`27`).
    SIGPROF = 27,
    /// Window changed (`28`).
    SIGWINCH = 28,
    /// I/O possible (`29`).
    SIGIO = 29,
    /// Power failure (`30`).
    SIGPWR = 30,
    /// Bad system call (`31`).
    SIGSYS = 31,
}

impl Signal {
    /// Every signal, in ascending order.
    pub const ALL: [Signal; 31] = [
        Signal::SIGHUP,
        Signal::SIGINT,
        Signal::SIGQUIT,
        Signal::SIGILL,
        Signal::SIGTRAP,
        Signal::SIGABRT,
        Signal::SIGBUS,
        Signal::SIGFPE,
        Signal::SIGKILL,
        Signal::SIGUSR1,
        Signal::SIGSEGV,
        Signal::SIGUSR2,
        Signal::SIGPIPE,
        Signal::SIGALRM,
        Signal::SIGTERM,
        Signal::SIGSTKFLT,
        Signal::SIGCHLD,
        Signal::SIGCONT,
        Signal::SIGSTOP,
        Signal::SIGTSTP,
        Signal::SIGTTIN,
        Signal::SIGTTOU,
        Signal::SIGURG,
        Signal::SIGXCPU,
        Signal::SIGXFSZ,
        Signal::SIGVTALRM,
        Signal::SIGPROF,
        Signal::SIGWINCH,
        Signal::SIGIO,
        Signal::SIGPWR,
        Signal::SIGSYS,
    ];

    /// The signal with Linux number `raw`, or `None` outside 1..=31.
    pub const fn from_raw(raw: i32) -> Option<Signal> {
        Some(match raw {
            1 => Signal::SIGHUP,
            2 => Signal::SIGINT,
            3 => Signal::SIGQUIT,
            4 => Signal::SIGILL,
            5 => Signal::SIGTRAP,
            6 => Signal::SIGABRT,
            7 => Signal::SIGBUS,
            8 => Signal::SIGFPE,
            9 => Signal::SIGKILL,
            10 => Signal::SIGUSR1,
            11 => Signal::SIGSEGV,
            12 => Signal::SIGUSR2,
            13 => Signal::SIGPIPE,
            14 => Signal::SIGALRM,
            15 => Signal::SIGTERM,
            16 => Signal::SIGSTKFLT,
            17 => Signal::SIGCHLD,
            18 => Signal::SIGCONT,
            19 => Signal::SIGSTOP,
            20 => Signal::SIGTSTP,
            21 => Signal::SIGTTIN,
            22 => Signal::SIGTTOU,
            23 => Signal::SIGURG,
            24 => Signal::SIGXCPU,
            25 => Signal::SIGXFSZ,
            26 => Signal::SIGVTALRM,
            27 => Signal::SIGPROF,
            28 => Signal::SIGWINCH,
            29 => Signal::SIGIO,
            30 => Signal::SIGPWR,
            31 => Signal::SIGSYS,
            _ => return None,
        })
    }

    /// The Linux number (`Signal::SIGKILL.as_raw() == 9`).
    pub const fn as_raw(self) -> i32 {
        self as i32
    }

    /// The symbolic name (`"SIGSEGV"`).
    pub const fn name(self) -> &'static str {
        match self {
            Signal::SIGHUP => "SIGHUP",
            Signal::SIGINT => "SIGINT",
            Signal::SIGQUIT => "SIGQUIT",
            Signal::SIGILL => "SIGILL",
            Signal::SIGTRAP => "SIGTRAP",
            Signal::SIGABRT => "SIGABRT",
            Signal::SIGBUS => "SIGBUS",
            Signal::SIGFPE => "SIGFPE",
            Signal::SIGKILL => "SIGKILL",
            Signal::SIGUSR1 => "SIGUSR1",
            Signal::SIGSEGV => "SIGSEGV",
            Signal::SIGUSR2 => "SIGUSR2",
            Signal::SIGPIPE => "SIGPIPE",
            Signal::SIGALRM => "SIGALRM",
            Signal::SIGTERM => "SIGTERM",
            Signal::SIGSTKFLT => "SIGSTKFLT",
            Signal::SIGCHLD => "SIGCHLD",
            Signal::SIGCONT => "SIGCONT",
            Signal::SIGSTOP => "SIGSTOP",
            Signal::SIGTSTP => "SIGTSTP",
            Signal::SIGTTIN => "SIGTTIN",
            Signal::SIGTTOU => "SIGTTOU",
            Signal::SIGURG => "SIGURG",
            Signal::SIGXCPU => "SIGXCPU",
            Signal::SIGXFSZ => "SIGXFSZ",
            Signal::SIGVTALRM => "SIGVTALRM",
            Signal::SIGPROF => "SIGPROF",
            Signal::SIGWINCH => "SIGWINCH",
            Signal::SIGIO => "SIGIO",
            Signal::SIGPWR => "SIGPWR",
            Signal::SIGSYS => "SIGSYS",
        }
    }

    /// The glibc description (`"Segmentation fault"`), as `strsignal` gives it.
    pub const fn description(self) -> &'static str {
        match self {
            Signal::SIGHUP => "Hangup",
            Signal::SIGINT => "Interrupt",
            Signal::SIGQUIT => "Quit",
            Signal::SIGILL => "Illegal instruction",
            Signal::SIGTRAP => "Trace/breakpoint trap",
            Signal::SIGABRT => "Aborted",
            Signal::SIGBUS => "Bus error",
            Signal::SIGFPE => "Floating point exception",
            Signal::SIGKILL => "Killed",
            Signal::SIGUSR1 => "User defined signal 1",
            Signal::SIGSEGV => "Segmentation fault",
            Signal::SIGUSR2 => "User defined signal 2",
            Signal::SIGPIPE => "Broken pipe",
            Signal::SIGALRM => "Alarm clock",
            Signal::SIGTERM => "Terminated",
            Signal::SIGSTKFLT => "Stack fault",
            Signal::SIGCHLD => "Child exited",
            Signal::SIGCONT => "Continued",
            Signal::SIGSTOP => "Stopped (signal)",
            Signal::SIGTSTP => "Stopped",
            Signal::SIGTTIN => "Stopped (tty input)",
            Signal::SIGTTOU => "Stopped (tty output)",
            Signal::SIGURG => "Urgent I/O condition",
            Signal::SIGXCPU => "CPU time limit exceeded",
            Signal::SIGXFSZ => "File size limit exceeded",
            Signal::SIGVTALRM => "Virtual timer expired",
            Signal::SIGPROF => "Profiling timer expired",
            Signal::SIGWINCH => "Window changed",
            Signal::SIGIO => "I/O possible",
            Signal::SIGPWR => "Power failure",
            Signal::SIGSYS => "Bad system call",
        }
    }
}

/// Displays the symbolic name (`SIGSEGV`).
impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_linux_i386() {
        assert_eq!(Signal::SIGHUP as i32, 1);
        assert_eq!(Signal::SIGILL as i32, 4);
        assert_eq!(Signal::SIGTRAP as i32, 5);
        assert_eq!(Signal::SIGABRT as i32, 6);
        assert_eq!(Signal::SIGBUS as i32, 7);
        assert_eq!(Signal::SIGFPE as i32, 8);
        assert_eq!(Signal::SIGKILL as i32, 9);
        assert_eq!(Signal::SIGSEGV as i32, 11);
        assert_eq!(Signal::SIGTERM as i32, 15);
        assert_eq!(Signal::SIGCHLD as i32, 17);
        assert_eq!(Signal::SIGSTOP as i32, 19);
        assert_eq!(Signal::SIGSYS as i32, 31);
    }

    #[test]
    fn raw_round_trip_covers_1_to_31() {
        assert_eq!(Signal::ALL.len(), 31);
        for raw in 1..=31 {
            let s = Signal::from_raw(raw).expect("1..=31 are all defined");
            assert_eq!(s.as_raw(), raw);
            assert_eq!(Signal::ALL[(raw - 1) as usize], s);
        }
        assert_eq!(Signal::from_raw(0), None);
        assert_eq!(Signal::from_raw(32), None);
        assert_eq!(Signal::from_raw(-11), None);
    }

    #[test]
    fn names_display_and_descriptions() {
        assert_eq!(Signal::SIGSEGV.name(), "SIGSEGV");
        assert_eq!(Signal::SIGSEGV.to_string(), "SIGSEGV");
        assert_eq!(Signal::SIGSEGV.description(), "Segmentation fault");
        for s in Signal::ALL {
            assert_eq!(format!("{s:?}"), s.name());
            assert_eq!(s.to_string(), s.name());
        }
    }
}

//! Signal numbers (Linux i386 values) and the signal each user fault is killed with.
//!
//! This kernel delivers no signal handlers; signals appear only as the reason a process was
//! killed (a user fault, or memory running out) and in the wait status its parent receives.

use core::fmt;

/// Defines [`Signal`] and its tables from one list of `NAME = value, "description";` lines.
///
/// Each signal is written once; the enum, [`Signal::ALL`], [`Signal::from_raw`],
/// [`Signal::name`] and [`Signal::description`] are all expanded from the same line. The C
/// shim's `signal.h` is generated from [`Signal::ALL`] (see the `syscall-gen` crate).
macro_rules! signals {
    ($($name:ident = $value:literal, $description:literal;)+) => {
        /// A signal, with the Linux i386 number as its discriminant
        /// (`Signal::SIGSEGV as i32 == 11`).
        #[repr(i32)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Signal {
            $(
                #[doc = concat!($description, " (`", $value, "`).")]
                $name = $value,
            )+
        }

        impl Signal {
            /// Every signal, in ascending order.
            pub const ALL: [Signal; [$($value),+].len()] = [$(Signal::$name),+];

            /// The signal with Linux number `raw`, or `None` if this ABI does not define it.
            pub const fn from_raw(raw: i32) -> Option<Signal> {
                match raw {
                    $($value => Some(Signal::$name),)+
                    _ => None,
                }
            }

            /// The symbolic name (`"SIGSEGV"`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(Signal::$name => stringify!($name),)+
                }
            }

            /// The glibc description (`"Segmentation fault"`), as `strsignal` gives it.
            pub const fn description(self) -> &'static str {
                match self {
                    $(Signal::$name => $description,)+
                }
            }
        }
    };
}

// The one list of signals: Linux i386 numbers and glibc's descriptions.
signals! {
    SIGHUP = 1, "Hangup";
    SIGINT = 2, "Interrupt";
    SIGQUIT = 3, "Quit";
    SIGILL = 4, "Illegal instruction";
    SIGTRAP = 5, "Trace/breakpoint trap";
    SIGABRT = 6, "Aborted";
    SIGBUS = 7, "Bus error";
    SIGFPE = 8, "Floating point exception";
    SIGKILL = 9, "Killed";
    SIGUSR1 = 10, "User defined signal 1";
    SIGSEGV = 11, "Segmentation fault";
    SIGUSR2 = 12, "User defined signal 2";
    SIGPIPE = 13, "Broken pipe";
    SIGALRM = 14, "Alarm clock";
    SIGTERM = 15, "Terminated";
    SIGSTKFLT = 16, "Stack fault";
    SIGCHLD = 17, "Child exited";
    SIGCONT = 18, "Continued";
    SIGSTOP = 19, "Stopped (signal)";
    SIGTSTP = 20, "Stopped";
    SIGTTIN = 21, "Stopped (tty input)";
    SIGTTOU = 22, "Stopped (tty output)";
    SIGURG = 23, "Urgent I/O condition";
    SIGXCPU = 24, "CPU time limit exceeded";
    SIGXFSZ = 25, "File size limit exceeded";
    SIGVTALRM = 26, "Virtual timer expired";
    SIGPROF = 27, "Profiling timer expired";
    SIGWINCH = 28, "Window changed";
    SIGIO = 29, "I/O possible";
    SIGPWR = 30, "Power failure";
    SIGSYS = 31, "Bad system call";
}

impl Signal {
    /// Other names C programs know for some signals.
    pub const ALIASES: [(&'static str, Signal); 2] =
        [("SIGIOT", Signal::SIGABRT), ("SIGPOLL", Signal::SIGIO)];

    /// The Linux number (`Signal::SIGKILL.as_raw() == 9`).
    pub const fn as_raw(self) -> i32 {
        self as i32
    }
}

/// A CPU exception that kills the user program causing it with a signal other than
/// [`DEFAULT_FAULT_SIGNAL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FaultSignal {
    /// The exception vector.
    pub vector: u32,
    /// The exception's mnemonic in the Intel manuals (`"#DE"`).
    pub mnemonic: &'static str,
    /// The signal the program is killed with.
    pub signal: Signal,
}

/// The exceptions a user program is killed for with a signal other than
/// [`DEFAULT_FAULT_SIGNAL`], in vector order. A page fault the kernel resolves (copy-on-write,
/// stack growth) kills nobody; see [`OUT_OF_MEMORY_SIGNAL`] for one it cannot.
pub const FAULT_SIGNALS: [FaultSignal; 10] = [
    fault(0, "#DE", Signal::SIGFPE),
    fault(1, "#DB", Signal::SIGTRAP),
    fault(3, "#BP", Signal::SIGTRAP),
    fault(6, "#UD", Signal::SIGILL),
    // CR0.EM is set (the kernel does not save FPU state), so every x87 instruction is #NM.
    fault(7, "#NM", Signal::SIGILL),
    fault(11, "#NP", Signal::SIGBUS),
    fault(12, "#SS", Signal::SIGBUS),
    fault(16, "#MF", Signal::SIGFPE),
    fault(17, "#AC", Signal::SIGBUS),
    fault(19, "#XM", Signal::SIGFPE),
];

const fn fault(vector: u32, mnemonic: &'static str, signal: Signal) -> FaultSignal {
    FaultSignal {
        vector,
        mnemonic,
        signal,
    }
}

/// The signal for every other exception from user mode: #GP, a page fault on an address the
/// program may not touch, #TS, #OF, #BR and the rest.
pub const DEFAULT_FAULT_SIGNAL: Signal = Signal::SIGSEGV;

/// The signal for a page fault the kernel would resolve but cannot, because no memory is
/// left for the page (a copy-on-write copy or stack growth).
pub const OUT_OF_MEMORY_SIGNAL: Signal = Signal::SIGKILL;

/// The signal a user program is killed with for CPU exception `vector`.
pub const fn fault_signal(vector: u32) -> Signal {
    let mut i = 0;
    while i < FAULT_SIGNALS.len() {
        if FAULT_SIGNALS[i].vector == vector {
            return FAULT_SIGNALS[i].signal;
        }
        i += 1;
    }
    DEFAULT_FAULT_SIGNAL
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

    /// Linux's i386 numbers (arch/x86/include/uapi/asm/signal.h), written out independently
    /// of the list above so that a typo in either shows up.
    const LINUX: [(&str, i32); 31] = [
        ("SIGHUP", 1),
        ("SIGINT", 2),
        ("SIGQUIT", 3),
        ("SIGILL", 4),
        ("SIGTRAP", 5),
        ("SIGABRT", 6),
        ("SIGBUS", 7),
        ("SIGFPE", 8),
        ("SIGKILL", 9),
        ("SIGUSR1", 10),
        ("SIGSEGV", 11),
        ("SIGUSR2", 12),
        ("SIGPIPE", 13),
        ("SIGALRM", 14),
        ("SIGTERM", 15),
        ("SIGSTKFLT", 16),
        ("SIGCHLD", 17),
        ("SIGCONT", 18),
        ("SIGSTOP", 19),
        ("SIGTSTP", 20),
        ("SIGTTIN", 21),
        ("SIGTTOU", 22),
        ("SIGURG", 23),
        ("SIGXCPU", 24),
        ("SIGXFSZ", 25),
        ("SIGVTALRM", 26),
        ("SIGPROF", 27),
        ("SIGWINCH", 28),
        ("SIGIO", 29),
        ("SIGPWR", 30),
        ("SIGSYS", 31),
    ];

    #[test]
    fn values_are_linux_i386() {
        assert_eq!(Signal::ALL.len(), LINUX.len());
        for (s, (name, value)) in Signal::ALL.iter().zip(LINUX) {
            assert_eq!((s.name(), s.as_raw()), (name, value));
        }
    }

    #[test]
    fn each_signal_is_listed_once_in_ascending_order() {
        for pair in Signal::ALL.windows(2) {
            assert!(pair[0].as_raw() < pair[1].as_raw(), "{pair:?}");
        }
        let mut names: Vec<_> = Signal::ALL.iter().map(|s| s.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Signal::ALL.len());
    }

    #[test]
    fn raw_round_trip_covers_1_to_31() {
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
            assert!(!s.description().is_empty());
        }
    }

    #[test]
    fn aliases_name_listed_signals_by_other_names() {
        for (alias, s) in Signal::ALIASES {
            assert!(Signal::ALL.iter().all(|listed| listed.name() != alias));
            assert!(Signal::ALL.contains(&s));
        }
    }

    #[test]
    fn fault_signals() {
        for pair in FAULT_SIGNALS.windows(2) {
            assert!(pair[0].vector < pair[1].vector, "{pair:?}");
        }
        for f in FAULT_SIGNALS {
            assert_ne!(f.signal, DEFAULT_FAULT_SIGNAL, "{f:?} is the default");
            assert_eq!(fault_signal(f.vector), f.signal);
        }
        assert_eq!(fault_signal(0), Signal::SIGFPE);
        assert_eq!(fault_signal(7), Signal::SIGILL);
        assert_eq!(fault_signal(13), Signal::SIGSEGV);
        assert_eq!(fault_signal(14), Signal::SIGSEGV);
        assert_eq!(fault_signal(10), Signal::SIGSEGV);
        assert_eq!(OUT_OF_MEMORY_SIGNAL, Signal::SIGKILL);
    }
}

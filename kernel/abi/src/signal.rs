//! Signals: numbers and default actions (Linux i386 values), signal sets, `struct sigaction`,
//! the frame a handler runs on, and the signal each user fault raises.
//!
//! This is the binary interface the kernel, ulib and the C shim share; the semantics
//! (delivery, masks, stop and continue) are the kernel's, described in `docs/signals.md`.

use core::fmt;

/// Defines [`Signal`] and its tables from one list of `NAME = value, "description";` lines.
///
/// Each signal is written once; the enum, [`Signal::ALL`], [`Signal::from_raw`],
/// [`Signal::name`] and [`Signal::description`] are all expanded from the same line. The C
/// shim's `signal.h` is generated from [`Signal::ALL`] (see the `syscall-gen` crate).
macro_rules! signals {
    ($($name:ident = $value:literal, $action:ident, $description:literal;)+) => {
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

            /// What happens when the signal arrives with no handler installed (Linux's choice).
            pub const fn default_action(self) -> DefaultAction {
                match self {
                    $(Signal::$name => DefaultAction::$action,)+
                }
            }
        }
    };
}

// The one list of signals: Linux i386 numbers and glibc's descriptions.
signals! {
    SIGHUP = 1, Terminate, "Hangup";
    SIGINT = 2, Terminate, "Interrupt";
    SIGQUIT = 3, Core, "Quit";
    SIGILL = 4, Core, "Illegal instruction";
    SIGTRAP = 5, Core, "Trace/breakpoint trap";
    SIGABRT = 6, Core, "Aborted";
    SIGBUS = 7, Core, "Bus error";
    SIGFPE = 8, Core, "Floating point exception";
    SIGKILL = 9, Terminate, "Killed";
    SIGUSR1 = 10, Terminate, "User defined signal 1";
    SIGSEGV = 11, Core, "Segmentation fault";
    SIGUSR2 = 12, Terminate, "User defined signal 2";
    SIGPIPE = 13, Terminate, "Broken pipe";
    SIGALRM = 14, Terminate, "Alarm clock";
    SIGTERM = 15, Terminate, "Terminated";
    SIGSTKFLT = 16, Terminate, "Stack fault";
    SIGCHLD = 17, Ignore, "Child exited";
    SIGCONT = 18, Continue, "Continued";
    SIGSTOP = 19, Stop, "Stopped (signal)";
    SIGTSTP = 20, Stop, "Stopped";
    SIGTTIN = 21, Stop, "Stopped (tty input)";
    SIGTTOU = 22, Stop, "Stopped (tty output)";
    SIGURG = 23, Ignore, "Urgent I/O condition";
    SIGXCPU = 24, Core, "CPU time limit exceeded";
    SIGXFSZ = 25, Core, "File size limit exceeded";
    SIGVTALRM = 26, Terminate, "Virtual timer expired";
    SIGPROF = 27, Terminate, "Profiling timer expired";
    SIGWINCH = 28, Ignore, "Window changed";
    SIGIO = 29, Terminate, "I/O possible";
    SIGPWR = 30, Terminate, "Power failure";
    SIGSYS = 31, Core, "Bad system call";
}

/// What a signal does to a process that has no handler for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefaultAction {
    /// The process ends, killed by the signal.
    Terminate,
    /// The process ends, killed by the signal ("with core" on Linux; no core file is written
    /// here and the status has no core flag).
    Core,
    /// Nothing happens.
    Ignore,
    /// The process stops until `SIGCONT` or `SIGKILL`.
    Stop,
    /// A stopped process continues (which `SIGCONT` does whatever its action).
    Continue,
}

impl Signal {
    /// Other names C programs know for some signals.
    pub const ALIASES: [(&'static str, Signal); 2] =
        [("SIGIOT", Signal::SIGABRT), ("SIGPOLL", Signal::SIGIO)];

    /// The Linux number (`Signal::SIGKILL.as_raw() == 9`).
    pub const fn as_raw(self) -> i32 {
        self as i32
    }

    /// The signal called `name`, with or without the `SIG` prefix (`"SIGTERM"` and `"TERM"`
    /// alike), including the [`ALIASES`](Signal::ALIASES); `None` for anything else. Letter
    /// case matters, as in C; a tool that accepts `kill -s term` upper-cases first.
    pub fn from_name(name: &str) -> Option<Signal> {
        let short = name.strip_prefix("SIG").unwrap_or(name);
        let bare = |full: &str| full.strip_prefix("SIG").unwrap_or(full) == short;
        if short.is_empty() {
            return None;
        }
        Signal::ALL
            .iter()
            .copied()
            .find(|s| bare(s.name()))
            .or_else(|| {
                Signal::ALIASES
                    .iter()
                    .find(|(alias, _)| bare(alias))
                    .map(|&(_, s)| s)
            })
    }

    /// `SIGKILL` and `SIGSTOP`: never caught, ignored or blocked.
    pub const fn is_unblockable(self) -> bool {
        matches!(self, Signal::SIGKILL | Signal::SIGSTOP)
    }

    /// Its bit in a [`SigSet`].
    pub const fn bit(self) -> u32 {
        1 << (self as u32 - 1)
    }
}

/// One more than the highest signal number (1..=31; 0 is "no signal", which `kill` uses to
/// check that a process exists).
pub const NSIG: usize = 32;

/// A set of signals: bit `n - 1` for signal `n`, the old Linux i386 `sigset_t` (one 32-bit
/// word) that `sigprocmask`, `sigpending`, `sigsuspend` and `struct sigaction` use.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SigSet(pub u32);

impl SigSet {
    /// No signal.
    pub const EMPTY: SigSet = SigSet(0);
    /// Every signal 1..=31.
    pub const ALL: SigSet = SigSet(0x7fff_ffff);
    /// `SIGKILL` and `SIGSTOP`, which no mask can hold.
    pub const UNBLOCKABLE: SigSet = SigSet(Signal::SIGKILL.bit() | Signal::SIGSTOP.bit());

    /// Whether `sig` is in the set.
    pub const fn contains(self, sig: Signal) -> bool {
        self.0 & sig.bit() != 0
    }

    /// The set with `sig` added.
    pub const fn with(self, sig: Signal) -> SigSet {
        SigSet(self.0 | sig.bit())
    }

    /// The set with `sig` removed.
    pub const fn without(self, sig: Signal) -> SigSet {
        SigSet(self.0 & !sig.bit())
    }

    /// Signals in either set.
    pub const fn union(self, other: SigSet) -> SigSet {
        SigSet(self.0 | other.0)
    }

    /// Signals in `self` but not in `other`.
    pub const fn minus(self, other: SigSet) -> SigSet {
        SigSet(self.0 & !other.0)
    }

    /// Signals in both sets.
    pub const fn intersection(self, other: SigSet) -> SigSet {
        SigSet(self.0 & other.0)
    }

    /// The set as a mask may hold it: bit 31 (no signal), `SIGKILL` and `SIGSTOP` dropped.
    pub const fn as_mask(self) -> SigSet {
        SigSet(self.0 & SigSet::ALL.0 & !SigSet::UNBLOCKABLE.0)
    }

    /// True when no signal is in the set.
    pub const fn is_empty(self) -> bool {
        self.0 & SigSet::ALL.0 == 0
    }

    /// The lowest-numbered signal in the set (the one delivered first).
    pub const fn lowest(self) -> Option<Signal> {
        if self.is_empty() {
            None
        } else {
            Signal::from_raw((self.0 & SigSet::ALL.0).trailing_zeros() as i32 + 1)
        }
    }

    /// The signals in the set, lowest first.
    pub fn iter(self) -> impl Iterator<Item = Signal> {
        Signal::ALL.into_iter().filter(move |&s| self.contains(s))
    }
}

/// `sa_handler` value: the default action.
pub const SIG_DFL: u32 = 0;
/// `sa_handler` value: ignore the signal.
pub const SIG_IGN: u32 = 1;
/// What C's `signal()` returns on error.
pub const SIG_ERR: u32 = u32::MAX;

/// `sigprocmask` `how`: add the set to the mask.
pub const SIG_BLOCK: i32 = 0;
/// `sigprocmask` `how`: remove the set from the mask.
pub const SIG_UNBLOCK: i32 = 1;
/// `sigprocmask` `how`: the set becomes the mask.
pub const SIG_SETMASK: i32 = 2;

/// `sa_flags`: no `SIGCHLD` when a child stops or continues.
pub const SA_NOCLDSTOP: u32 = 0x0000_0001;
/// `sa_flags` (on `SIGCHLD`): children that end are reaped at once, never zombies.
pub const SA_NOCLDWAIT: u32 = 0x0000_0002;
/// `sa_flags`: a three-argument handler (accepted; the handler gets the signal number only).
pub const SA_SIGINFO: u32 = 0x0000_0004;
/// `sa_flags`: `sa_restorer` holds the handler's return address.
pub const SA_RESTORER: u32 = 0x0400_0000;
/// `sa_flags`: an alternate signal stack (accepted; the handler runs on the current stack).
pub const SA_ONSTACK: u32 = 0x0800_0000;
/// `sa_flags`: `wait` and `waitpid` (and later `read` and `write`) restart instead of failing
/// with `EINTR` when this handler interrupted them.
pub const SA_RESTART: u32 = 0x1000_0000;
/// `sa_flags`: the signal is not blocked while its handler runs.
pub const SA_NODEFER: u32 = 0x4000_0000;
/// `sa_flags`: the action goes back to the default when the handler is entered.
pub const SA_RESETHAND: u32 = 0x8000_0000;
/// Every `sa_flags` bit `sigaction` accepts; any other bit is `EINVAL`.
pub const SA_VALID: u32 = SA_NOCLDSTOP
    | SA_NOCLDWAIT
    | SA_SIGINFO
    | SA_RESTORER
    | SA_ONSTACK
    | SA_RESTART
    | SA_NODEFER
    | SA_RESETHAND;

/// `struct sigaction` as `sigaction` (number 13) reads and writes it: Linux i386's old
/// layout, 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SigAction {
    /// The handler's address, or [`SIG_DFL`] / [`SIG_IGN`].
    pub handler: u32,
    /// Signals blocked while the handler runs (besides the signal itself).
    pub mask: SigSet,
    /// `SA_*` flags.
    pub flags: u32,
    /// Where the handler returns to (with [`SA_RESTORER`]): code that calls `sigreturn`.
    pub restorer: u32,
}

/// The registers of the interrupted program, saved in the signal frame: Linux i386's
/// `struct sigcontext`, 88 bytes. `sigreturn` loads them back after checking them.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SigContext {
    /// `gs` (the upper 16 bits are zero, as in every segment field).
    pub gs: u32,
    /// `fs`.
    pub fs: u32,
    /// `es`.
    pub es: u32,
    /// `ds`.
    pub ds: u32,
    /// `edi`.
    pub edi: u32,
    /// `esi`.
    pub esi: u32,
    /// `ebp`.
    pub ebp: u32,
    /// `esp` as `pushal` saw it: not restored (`esp_at_signal` is).
    pub esp: u32,
    /// `ebx`.
    pub ebx: u32,
    /// `edx`.
    pub edx: u32,
    /// `ecx`.
    pub ecx: u32,
    /// `eax`.
    pub eax: u32,
    /// The exception vector, for a signal raised by a fault (0 otherwise).
    pub trapno: u32,
    /// The exception's error code.
    pub err: u32,
    /// Where the program resumes.
    pub eip: u32,
    /// Its code segment: `sigreturn` refuses anything but the user code selector.
    pub cs: u32,
    /// Its flags: `sigreturn` refuses an IOPL above 0, and keeps interrupts enabled.
    pub eflags: u32,
    /// The stack pointer the program resumes with.
    pub esp_at_signal: u32,
    /// Its stack segment: `sigreturn` refuses anything but the user data selector.
    pub ss: u32,
    /// Saved FPU state: always 0 (processes have none).
    pub fpstate: u32,
    /// The signal mask to restore.
    pub oldmask: SigSet,
    /// The faulting address, for a page fault.
    pub cr2: u32,
}

/// What the kernel pushes on the user stack to run a handler: Linux i386's (non-RT) signal
/// frame. At the handler's first instruction `esp` points at `return_address`, so the
/// handler sees `signo` as its one argument, and a C handler may reach the context as
/// `(struct sigcontext *)(&signo + 1)`. When the handler returns, the restorer runs with `esp`
/// at `signo`; it pops it and calls `sigreturn`, which therefore finds the context at its
/// caller's `esp`. `esp + 4` is 16-byte aligned at the handler's entry, as the i386 System V
/// ABI requires after a call.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SignalFrame {
    /// The handler's return address: `sa_restorer`, or `return_code` below without
    /// [`SA_RESTORER`].
    pub return_address: u32,
    /// The handler's argument.
    pub signo: i32,
    /// The interrupted context and mask.
    pub context: SigContext,
    /// The restorer used when the action has none ([`SIGRETURN_CODE`]).
    pub return_code: [u8; 8],
}

/// Machine code of the built-in restorer: `popl %eax; movl $11, %eax; int $0x21` (11 is
/// `sigreturn`; exactly 8 bytes).
pub const SIGRETURN_CODE: [u8; 8] = [0x58, 0xb8, 11, 0, 0, 0, 0xcd, 0x21];

/// Where the context starts in a [`SignalFrame`] (what `sigreturn` expects at `esp`).
pub const CONTEXT_OFFSET: usize = 8;

const _: () = assert!(core::mem::size_of::<SigAction>() == 16);
const _: () = assert!(core::mem::size_of::<SigContext>() == 88);
const _: () = assert!(core::mem::offset_of!(SignalFrame, context) == CONTEXT_OFFSET);
const _: () = assert!(core::mem::size_of::<SignalFrame>() == 8 + 88 + 8);

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

/// The signal with Linux number `raw`; `EINVAL` for a number that is no signal (0
/// included), as nix's `Signal::try_from` does.
impl TryFrom<i32> for Signal {
    type Error = crate::errno::Errno;

    fn try_from(raw: i32) -> Result<Signal, Self::Error> {
        Signal::from_raw(raw).ok_or(crate::errno::Errno::EINVAL)
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
    fn from_name_takes_names_with_and_without_sig() {
        for s in Signal::ALL {
            assert_eq!(Signal::from_name(s.name()), Some(s));
            assert_eq!(Signal::from_name(&s.name()[3..]), Some(s));
        }
        assert_eq!(Signal::from_name("SIGIOT"), Some(Signal::SIGABRT));
        assert_eq!(Signal::from_name("POLL"), Some(Signal::SIGIO));
        for bad in ["", "SIG", "term", "SIGSIGTERM", "15", "SIGTERM ", "KILLX"] {
            assert_eq!(Signal::from_name(bad), None, "{bad:?}");
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
    fn default_actions_are_linux() {
        use DefaultAction::*;
        // signal(7): Term, Core, Ign, Stop, Cont.
        let expected = |s: Signal| match s.as_raw() {
            3 | 4 | 5 | 6 | 7 | 8 | 11 | 24 | 25 | 31 => Core,
            17 | 23 | 28 => Ignore,
            18 => Continue,
            19..=22 => Stop,
            _ => Terminate,
        };
        for s in Signal::ALL {
            assert_eq!(s.default_action(), expected(s), "{s}");
        }
    }

    #[test]
    fn try_from_i32() {
        use crate::errno::Errno;
        for s in Signal::ALL {
            assert_eq!(Signal::try_from(s.as_raw()), Ok(s));
        }
        for bad in [0, -1, 32, 64, i32::MIN, i32::MAX] {
            assert_eq!(Signal::try_from(bad), Err(Errno::EINVAL), "{bad}");
        }
    }

    #[test]
    fn sets() {
        let s = SigSet::EMPTY.with(Signal::SIGUSR1).with(Signal::SIGHUP);
        assert_eq!(s.0, 0b10_0000_0001);
        assert!(s.contains(Signal::SIGHUP) && s.contains(Signal::SIGUSR1));
        assert!(!s.contains(Signal::SIGINT));
        assert_eq!(s.lowest(), Some(Signal::SIGHUP));
        assert_eq!(s.without(Signal::SIGHUP).lowest(), Some(Signal::SIGUSR1));
        assert_eq!(SigSet::EMPTY.lowest(), None);
        assert_eq!(SigSet(1 << 31).lowest(), None, "bit 31 is no signal");
        assert!(SigSet(1 << 31).is_empty());
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            [Signal::SIGHUP, Signal::SIGUSR1]
        );
        assert_eq!(SigSet::ALL.iter().count(), 31);
        let mask = SigSet(u32::MAX).as_mask();
        assert!(!mask.contains(Signal::SIGKILL) && !mask.contains(Signal::SIGSTOP));
        assert_eq!(mask.iter().count(), 29);
        assert_eq!(s.union(SigSet::UNBLOCKABLE).minus(s), SigSet::UNBLOCKABLE);
        assert_eq!(s.intersection(SigSet::UNBLOCKABLE), SigSet::EMPTY);
        assert!(Signal::SIGKILL.is_unblockable() && Signal::SIGSTOP.is_unblockable());
        assert!(!Signal::SIGTSTP.is_unblockable());
    }

    #[test]
    fn binary_layouts_are_linux_i386() {
        use core::mem::offset_of;
        assert_eq!(offset_of!(SigAction, mask), 4);
        assert_eq!(offset_of!(SigAction, flags), 8);
        assert_eq!(offset_of!(SigAction, restorer), 12);
        // arch/x86/include/uapi/asm/sigcontext.h, struct sigcontext_32.
        assert_eq!(offset_of!(SigContext, edi), 16);
        assert_eq!(offset_of!(SigContext, eax), 44);
        assert_eq!(offset_of!(SigContext, trapno), 48);
        assert_eq!(offset_of!(SigContext, eip), 56);
        assert_eq!(offset_of!(SigContext, cs), 60);
        assert_eq!(offset_of!(SigContext, eflags), 64);
        assert_eq!(offset_of!(SigContext, esp_at_signal), 68);
        assert_eq!(offset_of!(SigContext, ss), 72);
        assert_eq!(offset_of!(SigContext, oldmask), 80);
        assert_eq!(offset_of!(SigContext, cr2), 84);
        assert_eq!(offset_of!(SignalFrame, signo), 4);
        // popl %eax; movl $11, %eax; int $0x21
        assert_eq!(SIGRETURN_CODE[0], 0x58);
        assert_eq!(&SIGRETURN_CODE[1..6], &[0xb8, 11, 0, 0, 0]);
        assert_eq!(&SIGRETURN_CODE[6..8], &[0xcd, 0x21]);
        assert_eq!(
            (SA_RESTART, SA_NODEFER, SA_RESETHAND, SA_RESTORER),
            (0x1000_0000, 0x4000_0000, 0x8000_0000, 0x0400_0000)
        );
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

//! Code generator for the ABI: `kernel/abi/syscalls.tbl` (the one list of system calls) and
//! the errno, signal and wait-status definitions of the `abi` crate.
//!
//! Every artefact that names a system call is derived from that table here, so the kernel's
//! dispatch, the numbers shared through `abi::nr`, ulib's raw wrappers, the C header and the
//! documentation can never disagree:
//!
//! | function            | consumer                                         |
//! |---------------------|--------------------------------------------------|
//! | [`rust_numbers`]    | `abi/build.rs` -> `abi::nr`                      |
//! | [`kernel_dispatch`] | the kernel's build script -> `syscall::dispatch` |
//! | [`ulib_wrappers`]   | ulib's build script -> `ulib::raw::sys_*`        |
//! | [`c_header`]        | `sysroot/include/sys/syscall.h`                  |
//! | [`markdown_table`]  | `docs/syscalls.md`                               |
//!
//! The C shim's other ABI headers come from the lists in the `abi` crate, through the same
//! `syscall-gen c-shim` command ([`c_shim_files`]):
//!
//! | function             | source                  | output                          |
//! |----------------------|-------------------------|---------------------------------|
//! | [`errno_h`]          | `abi::Errno::ALL`       | `sysroot/include/errno.h`       |
//! | [`errno_messages_h`] | `abi::Errno::ALL`       | the shim's `strerror` table     |
//! | [`signal_messages_h`] | `abi::Signal::ALL`     | the shim's `strsignal` table    |
//! | [`signal_h`]         | `abi::signal` (signals, `SA_*`, layouts, faults) | `sysroot/include/signal.h` |
//! | [`sys_wait_h`]       | `abi::wait` (options, status macros) | `sysroot/include/sys/wait.h` |
//! | [`fcntl_h`]          | `abi::fs` (`O_*`, `F_*`, `FD_CLOEXEC`) | `sysroot/include/fcntl.h` |
//! | [`sys_stat_h`]       | `abi::fs` (`Stat`, `S_IF*`) | `sysroot/include/sys/stat.h` |
//!
//! The table format is described in the [`table`] module.

#![deny(unsafe_code)]
#![deny(missing_docs)]

#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;
pub mod table;

pub use table::*;

use abi::errno::{Errno, MAX_ERRNO};
use abi::signal::{Signal, DEFAULT_FAULT_SIGNAL, FAULT_SIGNALS, OUT_OF_MEMORY_SIGNAL};
use std::fmt::Write as _;

/// Generates the kernel's `dispatch` function.
///
/// The output is meant to be `include!`d in a module that has `SyscallContext` (whose
/// `args()` gives the raw registers `ebx, ecx, edx, edi, esi`), `Errno`, `UserAddr` and a
/// `handlers` module (with one `sys_<name>` per call) in scope. `dispatch` returns `None` for
/// an unknown number, so the caller decides on `ENOSYS`.
///
/// Each call gets a small function that reads and converts the registers it takes (none for
/// `getpid`) and calls its handler, and
/// `dispatch` calls it through a table indexed by the call number. (A `match` over the calls
/// would let the compiler inline every handler into one function tens of kilobytes long,
/// whose arms jump across pages to a shared epilogue: under an emulator every such jump is a
/// lookup, and the cheapest calls paid for them.)
pub fn kernel_dispatch(t: &Table) -> String {
    let len = t.calls.iter().map(|c| c.nr + 1).max().unwrap_or(0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated from {TABLE_PATH} by syscall-gen. Do not edit."
    );
    let _ = writeln!(
        out,
        "/// A system call's entry in [`SYSCALL_HANDLERS`]: converts the raw registers `ebx, ecx,"
    );
    let _ = writeln!(
        out,
        "/// edx, edi, esi` (`SyscallContext::args`) to the handler's argument types and calls it."
    );
    let _ = writeln!(
        out,
        "type RawHandler = fn(&mut SyscallContext) -> Result<usize, Errno>;"
    );
    let _ = writeln!(out);
    for call in &t.calls {
        let mut params: Vec<String> = vec!["ctx".to_string()];
        params.extend(
            call.args
                .iter()
                .enumerate()
                .filter(|(i, _)| !call.is_buffer_length(*i))
                .map(|(i, a)| a.ty.kernel_conversion(i)),
        );
        let _ = writeln!(
            out,
            "fn raw_{}(ctx: &mut SyscallContext) -> Result<usize, Errno> {{",
            call.name
        );
        if !call.args.is_empty() {
            let _ = writeln!(out, "    let args = ctx.args();");
        }
        let _ = writeln!(
            out,
            "    handlers::sys_{}({})",
            call.name,
            params.join(", ")
        );
        let _ = writeln!(out, "}}");
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "/// Generated from {TABLE_PATH}: each call's [`RawHandler`], by number."
    );
    let _ = writeln!(
        out,
        "static SYSCALL_HANDLERS: [Option<RawHandler>; {len}] = {{"
    );
    let _ = writeln!(
        out,
        "    let mut table: [Option<RawHandler>; {len}] = [None; {len}];"
    );
    for call in &t.calls {
        let _ = writeln!(out, "    table[{}] = Some(raw_{});", call.nr, call.name);
    }
    let _ = writeln!(out, "    table");
    let _ = writeln!(out, "}};");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/// Generated from {TABLE_PATH}. Routes a call number to its typed handler."
    );
    let _ = writeln!(out, "///");
    let _ = writeln!(
        out,
        "/// The arguments are the raw registers `ebx, ecx, edx, edi, esi` (`ctx.args()`), converted"
    );
    let _ = writeln!(
        out,
        "/// to each argument's type (`UserSlice`, `UserPtr<T>`, `UserAddr`, integers). Returns `None`"
    );
    let _ = writeln!(
        out,
        "/// for a number the table does not define. A handler that never returns may return `!`."
    );
    let _ = writeln!(out, "#[inline]");
    let _ = writeln!(
        out,
        "pub fn dispatch(ctx: &mut SyscallContext, nr: usize) -> Option<Result<usize, Errno>> {{"
    );
    let _ = writeln!(
        out,
        "    let handler = SYSCALL_HANDLERS.get(nr).copied().flatten()?;"
    );
    let _ = writeln!(out, "    Some(handler(ctx))");
    let _ = writeln!(out, "}}");
    out
}

/// Generates ulib's typed raw wrappers, one `pub unsafe fn sys_<name>(..) -> isize` per call.
///
/// The output is meant to be `include!`d in ulib's `raw` module, which defines
/// `unsafe fn syscall(nr, a1, a2, a3, a4, a5) -> isize` and has `nr` (`abi::nr`) in scope.
/// Address arguments are `usize`: the caller casts its pointer.
pub fn ulib_wrappers(t: &Table) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated from {TABLE_PATH} by syscall-gen. Do not edit."
    );
    for call in &t.calls {
        let params = call
            .args
            .iter()
            .map(|a| format!("{}: {}", a.name, a.ty.ulib_type()))
            .collect::<Vec<_>>()
            .join(", ");
        let mut regs: Vec<String> = call
            .args
            .iter()
            .map(|a| match a.ty {
                ArgType::Usize
                | ArgType::UserAddr
                | ArgType::UserBuf { .. }
                | ArgType::UserPtr(_) => a.name.clone(),
                _ => format!("{} as usize", a.name),
            })
            .collect();
        regs.resize(MAX_ARGS, "0".to_string());
        let addresses: Vec<&str> = call
            .args
            .iter()
            .filter(|a| a.ty == ArgType::UserAddr)
            .map(|a| a.name.as_str())
            .collect();
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "/// Raw `{}` (call {}): {}",
            call.name, call.nr, call.summary
        );
        let _ = writeln!(out, "///");
        let _ = writeln!(
            out,
            "/// Returns the raw `eax`: a negative errno (-4095..=-1) on failure."
        );
        let _ = writeln!(out, "///");
        let _ = writeln!(out, "/// # Safety");
        let _ = writeln!(out, "///");
        if addresses.is_empty() {
            let _ = writeln!(
                out,
                "/// The call acts on the whole process (see the summary above); the caller must"
            );
            let _ = writeln!(
                out,
                "/// uphold whatever invariants its effect on memory, the program break or the"
            );
            let _ = writeln!(out, "/// process itself requires.");
        } else {
            let list = addresses
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                out,
                "/// {list} must be NULL where the call allows it or point to memory valid for the"
            );
            let _ = writeln!(
                out,
                "/// reads and writes the call performs (see the summary above); memory the kernel"
            );
            let _ = writeln!(
                out,
                "/// writes must not be aliased by live references. The call's effect on the process"
            );
            let _ = writeln!(out, "/// must be acceptable to the caller.");
        }
        let _ = writeln!(out, "#[inline]");
        let _ = writeln!(
            out,
            "pub unsafe fn sys_{}({}) -> isize {{",
            call.name, params
        );
        let _ = writeln!(
            out,
            "    // SAFETY: the caller upholds this function's `# Safety` contract, which is the"
        );
        let _ = writeln!(out, "    // contract of the call itself.");
        let _ = writeln!(
            out,
            "    unsafe {{ syscall(nr::{}, {}) }}",
            const_name(call),
            regs.join(", ")
        );
        let _ = writeln!(out, "}}");
    }
    out
}

/// Where generated C text says it comes from, and how it is regenerated.
const C_PROVENANCE: &str = "by `syscall-gen c-shim` (sysroot/build.sh). Do not edit.";

/// Generates `sys/syscall.h`: `SYS_<name>` numbers, the `__lunaix_syscall0..5` traps and
/// `__lunaix_is_error`, which the C shim's wrappers are built from.
pub fn c_header(t: &Table) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "/* Generated from {TABLE_PATH} {C_PROVENANCE}");
    let _ = writeln!(out, " *");
    let _ = writeln!(
        out,
        " * ABI: int $0x21; eax = number; arguments in ebx, ecx, edx, edi, esi; result in eax."
    );
    let _ = writeln!(
        out,
        " * Every other register is preserved. A result in -{MAX_ERRNO}..-1 is a negated errno"
    );
    let _ = writeln!(out, " * value; anything else is success. */");
    let _ = writeln!(out, "#ifndef _SYS_SYSCALL_H");
    let _ = writeln!(out, "#define _SYS_SYSCALL_H");
    let _ = writeln!(out);
    for call in &t.calls {
        let sig = call
            .args
            .iter()
            .map(|a| {
                let ty = a.ty.c_type();
                let sep = if ty.ends_with('*') { "" } else { " " };
                format!("{ty}{sep}{}", a.name)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sig = if sig.is_empty() {
            "void".to_string()
        } else {
            sig
        };
        let define = format!(
            "#define SYS_{} {} /* {}({}) */",
            call.name, call.nr, call.name, sig
        );
        if define.len() <= 100 {
            let _ = writeln!(out, "{define}");
        } else {
            // Too long for one line: the signature goes on the line above.
            let _ = writeln!(out, "/* {}({}) */", call.name, sig);
            let _ = writeln!(out, "#define SYS_{} {}", call.name, call.nr);
        }
    }
    let _ = writeln!(out);
    let regs = ["b", "c", "d", "D", "S"];
    for n in 0..=MAX_ARGS {
        let params: String = (1..=n).map(|i| format!(", long a{i}")).collect();
        let inputs: String = (1..=n)
            .map(|i| format!(", \"{}\"(a{i})", regs[i - 1]))
            .collect();
        let _ = writeln!(
            out,
            "static inline long __lunaix_syscall{n}(long nr{params})"
        );
        let _ = writeln!(out, "{{");
        let _ = writeln!(out, "    long ret;");
        let _ = writeln!(out, "    __asm__ volatile(\"int $0x21\"");
        let _ = writeln!(out, "                     : \"=a\"(ret)");
        let _ = writeln!(out, "                     : \"a\"(nr){inputs}");
        let _ = writeln!(out, "                     : \"memory\");");
        let _ = writeln!(out, "    return ret;");
        let _ = writeln!(out, "}}");
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "/* True when a raw result is a negated errno value (-{MAX_ERRNO}..-1). */"
    );
    let _ = writeln!(out, "static inline int __lunaix_is_error(long raw)");
    let _ = writeln!(out, "{{");
    let _ = writeln!(
        out,
        "    return (unsigned long)raw > (unsigned long)-{}L;",
        MAX_ERRNO + 1
    );
    let _ = writeln!(out, "}}");
    let _ = writeln!(out);
    let _ = writeln!(out, "#endif /* _SYS_SYSCALL_H */");
    out
}

/// `#define NAME value` with the value in a column, and an optional trailing comment.
fn c_define(out: &mut String, name: &str, value: &str, comment: &str) {
    let _ = write!(out, "#define {name:<12} {value:>3}");
    if comment.is_empty() {
        let _ = writeln!(out);
    } else {
        let _ = writeln!(out, "  /* {comment} */");
    }
}

/// Generates `errno.h` from [`abi::Errno::ALL`]: every error number with its message, the
/// aliases, and `errno` itself.
pub fn errno_h() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/* errno.h - error numbers (the Linux values, as the kernel returns them)."
    );
    let _ = writeln!(
        out,
        " * Generated from kernel/abi/src/errno.rs {C_PROVENANCE}"
    );
    let _ = writeln!(out, " *");
    let _ = writeln!(
        out,
        " * A failing function returns -1 (or NULL) and stores the reason in errno;"
    );
    let _ = writeln!(out, " * a successful one leaves errno alone. */");
    let _ = writeln!(out, "#ifndef _ERRNO_H");
    let _ = writeln!(out, "#define _ERRNO_H");
    let _ = writeln!(out);
    let _ = writeln!(out, "extern int errno;");
    let _ = writeln!(out);
    for e in Errno::ALL {
        c_define(&mut out, e.name(), &e.as_raw().to_string(), e.message());
    }
    for (alias, e) in Errno::ALIASES {
        c_define(&mut out, alias, e.name(), "");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "#endif /* _ERRNO_H */");
    out
}

/// Generates the C shim's private `errno_messages.h`: `strerror`'s table of messages,
/// indexed by error number, from [`abi::Errno::ALL`].
pub fn errno_messages_h() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/* Generated from kernel/abi/src/errno.rs {C_PROVENANCE}"
    );
    let _ = writeln!(
        out,
        " * strerror's messages, indexed by errno value; gaps are NULL. Private to the C shim. */"
    );
    let _ = writeln!(out, "static const char *const errno_messages[] = {{");
    let _ = writeln!(out, "    [0] = \"Success\",");
    for e in Errno::ALL {
        let _ = writeln!(out, "    [{}] = \"{}\",", e.name(), e.message());
    }
    let _ = writeln!(out, "}};");
    out
}

/// Generates the C shim's private `signal_messages.h`: `strsignal`'s table of descriptions,
/// indexed by signal number, from [`abi::Signal::ALL`].
pub fn signal_messages_h() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/* Generated from kernel/abi/src/signal.rs {C_PROVENANCE}"
    );
    let _ = writeln!(
        out,
        " * strsignal's descriptions, indexed by signal number; gaps are NULL. Private to the C\n \
         * shim. */"
    );
    let _ = writeln!(out, "static const char *const signal_messages[] = {{");
    for s in Signal::ALL {
        let _ = writeln!(out, "    [{}] = \"{}\",", s.name(), s.description());
    }
    let _ = writeln!(out, "}};");
    out
}

/// The `SA_*` flags of `signal.h`: name, value (from [`abi::signal`]) and what it does.
pub const SA_FLAGS: [(&str, u32, &str); 8] = [
    (
        "SA_NOCLDSTOP",
        abi::signal::SA_NOCLDSTOP,
        "SIGCHLD: not when a child stops or continues",
    ),
    (
        "SA_NOCLDWAIT",
        abi::signal::SA_NOCLDWAIT,
        "SIGCHLD: children are reaped at once",
    ),
    (
        "SA_SIGINFO",
        abi::signal::SA_SIGINFO,
        "accepted; the handler gets the number only",
    ),
    (
        "SA_RESTORER",
        abi::signal::SA_RESTORER,
        "sa_restorer is set (the shim always sets it)",
    ),
    (
        "SA_ONSTACK",
        abi::signal::SA_ONSTACK,
        "accepted; handlers run on the current stack",
    ),
    (
        "SA_RESTART",
        abi::signal::SA_RESTART,
        "restart wait/waitpid instead of EINTR",
    ),
    (
        "SA_NODEFER",
        abi::signal::SA_NODEFER,
        "do not block the signal in its handler",
    ),
    (
        "SA_RESETHAND",
        abi::signal::SA_RESETHAND,
        "back to SIG_DFL when the handler starts",
    ),
];

/// `struct sigaction`'s fields in C, in the order of [`abi::signal::SigAction`]'s:
/// (C declaration, C field name, Rust field name).
pub const SIGACTION_FIELDS: [(&str, &str, &str); 4] = [
    ("sighandler_t sa_handler", "sa_handler", "handler"),
    ("sigset_t sa_mask", "sa_mask", "mask"),
    ("unsigned long sa_flags", "sa_flags", "flags"),
    ("void (*sa_restorer)(void)", "sa_restorer", "restorer"),
];

/// `struct sigcontext`'s fields, named as in [`abi::signal::SigContext`] (and glibc's i386
/// `struct sigcontext`), each an `unsigned long`.
pub const SIGCONTEXT_FIELDS: [&str; 22] = [
    "gs",
    "fs",
    "es",
    "ds",
    "edi",
    "esi",
    "ebp",
    "esp",
    "ebx",
    "edx",
    "ecx",
    "eax",
    "trapno",
    "err",
    "eip",
    "cs",
    "eflags",
    "esp_at_signal",
    "ss",
    "fpstate",
    "oldmask",
    "cr2",
];

/// Generates `signal.h` from [`abi::Signal::ALL`], the constants and layouts of
/// [`abi::signal`] and the fault table ([`abi::signal::FAULT_SIGNALS`]): the numbers, the
/// `SA_*` flags, `sigset_t`, `struct sigaction`, `struct sigcontext`, the prototypes of the
/// shim's signal functions, and which fault raises which signal.
pub fn signal_h() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/* signal.h - signals (Linux i386 numbers and flags): handlers, masks, sending."
    );
    let _ = writeln!(
        out,
        " * Generated from kernel/abi/src/signal.rs {C_PROVENANCE}"
    );
    let _ = writeln!(out, " *");
    let _ = writeln!(
        out,
        " * A signal is delivered on the way back to user mode. With a handler installed, the"
    );
    let _ = writeln!(
        out,
        " * kernel saves the interrupted registers in a frame on the user stack (a struct"
    );
    let _ = writeln!(
        out,
        " * sigcontext right after the handler's argument) and calls handler(sig); when it"
    );
    let _ = writeln!(
        out,
        " * returns, the shim's restorer (sa_restorer, always set) calls sigreturn, which resumes"
    );
    let _ = writeln!(
        out,
        " * the program. SIGKILL and SIGSTOP cannot be caught, ignored or blocked."
    );
    let _ = writeln!(out, " *");
    let _ = writeln!(
        out,
        " * A CPU exception in user mode raises a signal a handler can catch (if it is blocked"
    );
    let _ = writeln!(out, " * or ignored, the process is killed by it):");
    let mut signals: Vec<Signal> = Vec::new();
    for f in FAULT_SIGNALS {
        if !signals.contains(&f.signal) {
            signals.push(f.signal);
        }
    }
    let groups: Vec<(String, Signal)> = signals
        .iter()
        .map(|&signal| {
            let faults = FAULT_SIGNALS
                .iter()
                .filter(|f| f.signal == signal)
                .map(|f| format!("{} ({})", f.mnemonic, f.vector))
                .collect::<Vec<_>>()
                .join(", ");
            (faults, signal)
        })
        .collect();
    let width = groups.iter().map(|(g, _)| g.len()).max().unwrap_or(0);
    for (faults, signal) in &groups {
        let _ = writeln!(out, " *   {faults:<width$} -> {}", signal.name());
    }
    let _ = writeln!(
        out,
        " *   any other exception (#GP, #TS, #OF, #BR, a page fault on memory the program may"
    );
    let _ = writeln!(
        out,
        " *   not touch, ...) -> {}",
        DEFAULT_FAULT_SIGNAL.name()
    );
    let _ = writeln!(
        out,
        " * A page fault the kernel would serve (copy-on-write, stack growth) but cannot, because"
    );
    let _ = writeln!(
        out,
        " * memory ran out, kills with {}. */",
        OUT_OF_MEMORY_SIGNAL.name()
    );
    let _ = writeln!(out, "#ifndef _SIGNAL_H");
    let _ = writeln!(out, "#define _SIGNAL_H");
    let _ = writeln!(out);
    let _ = writeln!(out, "#include <sys/types.h>");
    let _ = writeln!(out);
    for s in Signal::ALL {
        c_define(&mut out, s.name(), &s.as_raw().to_string(), s.description());
    }
    for (alias, s) in Signal::ALIASES {
        c_define(&mut out, alias, s.name(), "");
    }
    c_define(
        &mut out,
        "NSIG",
        &abi::signal::NSIG.to_string(),
        "one more than the highest signal number",
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/* A set of signals: bit n-1 for signal n (Linux i386's old one-word sigset_t). */"
    );
    let _ = writeln!(out, "typedef unsigned long sigset_t;");
    let _ = writeln!(
        out,
        "/* An integer a handler may set and the program read back whole. */"
    );
    let _ = writeln!(out, "typedef int sig_atomic_t;");
    let _ = writeln!(out, "/* A handler: called with the signal number. */");
    let _ = writeln!(out, "typedef void (*sighandler_t)(int);");
    let _ = writeln!(out, "typedef sighandler_t __sighandler_t;");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "#define SIG_DFL ((sighandler_t){})  /* the default action */",
        abi::signal::SIG_DFL
    );
    let _ = writeln!(
        out,
        "#define SIG_IGN ((sighandler_t){})  /* ignore the signal */",
        abi::signal::SIG_IGN
    );
    let _ = writeln!(
        out,
        "#define SIG_ERR ((sighandler_t)-1) /* what signal() returns on error */"
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "/* sigprocmask() how. */");
    for (name, value, what) in [
        (
            "SIG_BLOCK",
            abi::signal::SIG_BLOCK,
            "add the set to the mask",
        ),
        (
            "SIG_UNBLOCK",
            abi::signal::SIG_UNBLOCK,
            "remove the set from the mask",
        ),
        (
            "SIG_SETMASK",
            abi::signal::SIG_SETMASK,
            "the set becomes the mask",
        ),
    ] {
        c_define(&mut out, name, &value.to_string(), what);
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "/* sa_flags. */");
    for (name, value, what) in SA_FLAGS {
        let _ = writeln!(out, "#define {name:<12} 0x{value:08x}  /* {what} */");
    }
    c_define(&mut out, "SA_ONESHOT", "SA_RESETHAND", "");
    c_define(&mut out, "SA_NOMASK", "SA_NODEFER", "");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/* The action for a signal (Linux i386's old struct sigaction, {} bytes). */",
        core::mem::size_of::<abi::signal::SigAction>()
    );
    let _ = writeln!(out, "struct sigaction {{");
    let comments = [
        "SIG_DFL, SIG_IGN or a handler",
        "also blocked while the handler runs",
        "SA_* flags",
        "set by sigaction(): the shim's restorer",
    ];
    for ((decl, _, _), comment) in SIGACTION_FIELDS.iter().zip(comments) {
        let decl = format!("{decl};");
        let _ = writeln!(out, "    {decl:<30} /* {comment} */");
    }
    let _ = writeln!(out, "}};");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/* The interrupted registers, saved right after a handler's argument:"
    );
    let _ = writeln!(
        out,
        " * struct sigcontext *sc = (struct sigcontext *)(&sig + 1). sigreturn loads them back"
    );
    let _ = writeln!(
        out,
        " * (a handler may change eip, eax, ...; cs, ss and the privileged eflags bits are"
    );
    let _ = writeln!(
        out,
        " * checked). Linux i386's struct sigcontext, {} bytes; segment fields hold 16 bits. */",
        core::mem::size_of::<abi::signal::SigContext>()
    );
    let _ = writeln!(out, "struct sigcontext {{");
    for chunk in SIGCONTEXT_FIELDS.chunks(4) {
        let _ = writeln!(out, "    unsigned long {};", chunk.join(", "));
    }
    let _ = writeln!(out, "}};");
    let _ = writeln!(out);
    for (proto, what) in [
        (
            "sighandler_t signal(int sig, sighandler_t handler);",
            "Install handler (SIG_DFL, SIG_IGN or a function) with SA_RESTART, as glibc does.\n \
             * Returns the previous handler, or SIG_ERR with errno set (EINVAL).",
        ),
        (
            "int sigaction(int sig, const struct sigaction *act, struct sigaction *oldact);",
            "Set the action for sig unless act is NULL; store the old one unless oldact is\n \
             * NULL. EINVAL for SIGKILL, SIGSTOP, an unknown signal or unknown flags.",
        ),
        (
            "int sigemptyset(sigset_t *set);",
            "Signal sets. sigaddset, sigdelset and sigismember fail with EINVAL for a\n \
             * number that is no signal; sigismember returns 1 or 0.",
        ),
        ("int sigfillset(sigset_t *set);", ""),
        ("int sigaddset(sigset_t *set, int sig);", ""),
        ("int sigdelset(sigset_t *set, int sig);", ""),
        ("int sigismember(const sigset_t *set, int sig);", ""),
        (
            "int sigprocmask(int how, const sigset_t *set, sigset_t *oldset);",
            "Change the mask (unless set is NULL) as how says; store the old one unless oldset\n \
             * is NULL. SIGKILL and SIGSTOP are left out silently.",
        ),
        (
            "int sigpending(sigset_t *set);",
            "Store the blocked signals waiting for delivery.",
        ),
        (
            "int sigsuspend(const sigset_t *mask);",
            "Wait for a caught signal with mask as the mask; always -1 with errno EINTR.",
        ),
        (
            "int kill(pid_t pid, int sig);",
            "Send sig to pid > 0, the caller's group (0), every process but pid 1 and the\n \
             * caller (-1) or group -pid; sig 0 only checks. ESRCH, EPERM, EINVAL.",
        ),
        (
            "int killpg(pid_t pgrp, int sig);",
            "Send sig to process group pgrp (0: the caller's).",
        ),
        (
            "int raise(int sig);",
            "Send sig to the caller; a handler for it has run when raise returns.",
        ),
    ] {
        if !what.is_empty() {
            let _ = writeln!(out, "/* {what} */");
        }
        let _ = writeln!(out, "{proto}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "#endif /* _SIGNAL_H */");
    out
}

/// Generates `sys/wait.h`: the status macros of [`abi::wait`] and its `waitpid` options.
pub fn sys_wait_h() -> String {
    let mut out = String::new();
    let _ = writeln!(out, "/* sys/wait.h - waiting for child processes.");
    let _ = writeln!(
        out,
        " * Generated from kernel/abi/src/wait.rs {C_PROVENANCE}"
    );
    let _ = writeln!(out, " *");
    let _ = writeln!(out, " * The status word uses the POSIX/Linux encoding:");
    let _ = writeln!(out, " *   normal exit:        (code & 0xff) << 8");
    let _ = writeln!(
        out,
        " *   killed by a signal: the signal number in the low 7 bits (see <signal.h>)"
    );
    let _ = writeln!(
        out,
        " *   stopped by a signal: (sig << 8) | 0x7f (with WUNTRACED)"
    );
    let _ = writeln!(out, " *   continued:          0xffff (with WCONTINUED)");
    let _ = writeln!(out, " */");
    let _ = writeln!(out, "#ifndef _SYS_WAIT_H");
    let _ = writeln!(out, "#define _SYS_WAIT_H");
    let _ = writeln!(out);
    let _ = writeln!(out, "#include <sys/types.h>");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/* waitpid() option: return 0 at once instead of blocking when no child has ended. */"
    );
    let _ = writeln!(out, "#define WNOHANG {}", abi::wait::WNOHANG);
    let _ = writeln!(
        out,
        "/* waitpid() option: also report children that stopped. */"
    );
    let _ = writeln!(out, "#define WUNTRACED {}", abi::wait::WUNTRACED);
    let _ = writeln!(
        out,
        "/* waitpid() option: also report stopped children that continued. */"
    );
    let _ = writeln!(out, "#define WCONTINUED {}", abi::wait::WCONTINUED);
    let _ = writeln!(out);
    let _ = writeln!(out, "#define WEXITSTATUS(status) (((status) >> 8) & 0xff)");
    let _ = writeln!(out, "#define WTERMSIG(status)    ((status) & 0x7f)");
    let _ = writeln!(out, "#define WIFEXITED(status)   (WTERMSIG(status) == 0)");
    let _ = writeln!(
        out,
        "#define WIFSIGNALED(status) (WTERMSIG(status) != 0 && WTERMSIG(status) != 0x7f)"
    );
    let _ = writeln!(out, "#define WCOREDUMP(status)   (((status) & 0x80) != 0)");
    let _ = writeln!(
        out,
        "#define WIFSTOPPED(status)  (((status) & 0xff) == 0x7f)"
    );
    let _ = writeln!(out, "#define WSTOPSIG(status)    WEXITSTATUS(status)");
    let _ = writeln!(
        out,
        "#define WIFCONTINUED(status) ((status) == {:#x})",
        abi::wait::CONTINUED_STATUS
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/* Wait for any child to end; store its status in *status unless status is NULL."
    );
    let _ = writeln!(
        out,
        " * Returns its pid, or -1 with errno set (ECHILD: no children; EFAULT: bad pointer). */"
    );
    let _ = writeln!(out, "pid_t wait(int *status);");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/* Wait for child pid (-1: any child). With WNOHANG, returns 0 when none has ended yet."
    );
    let _ = writeln!(
        out,
        " * Returns the pid, or -1 with errno set (ECHILD, EINVAL: unknown options, EFAULT). */"
    );
    let _ = writeln!(out, "pid_t waitpid(pid_t pid, int *status, int options);");
    let _ = writeln!(out);
    let _ = writeln!(out, "#endif /* _SYS_WAIT_H */");
    out
}

/// The `O_*` flags of `fcntl.h`: name, value (from [`abi::fs`]) and what it does.
pub const O_FLAGS: [(&str, u32, &str); 12] = [
    ("O_RDONLY", abi::fs::O_RDONLY, "open for reading only"),
    ("O_WRONLY", abi::fs::O_WRONLY, "open for writing only"),
    ("O_RDWR", abi::fs::O_RDWR, "open for reading and writing"),
    (
        "O_ACCMODE",
        abi::fs::O_ACCMODE,
        "the bits of the access mode",
    ),
    (
        "O_CREAT",
        abi::fs::O_CREAT,
        "create the file if it does not exist",
    ),
    (
        "O_EXCL",
        abi::fs::O_EXCL,
        "with O_CREAT: EEXIST if it exists",
    ),
    (
        "O_TRUNC",
        abi::fs::O_TRUNC,
        "truncate a regular file to length 0",
    ),
    ("O_APPEND", abi::fs::O_APPEND, "every write goes to the end"),
    (
        "O_NONBLOCK",
        abi::fs::O_NONBLOCK,
        "EAGAIN instead of blocking",
    ),
    (
        "O_DIRECTORY",
        abi::fs::O_DIRECTORY,
        "ENOTDIR unless a directory",
    ),
    ("O_CLOEXEC", abi::fs::O_CLOEXEC, "close on execve"),
    (
        "O_NOCTTY",
        abi::fs::O_NOCTTY,
        "never become the controlling terminal (open never makes one)",
    ),
];

/// The `fcntl` commands of `fcntl.h`: name, value (from [`abi::fs`]) and what it does.
pub const F_COMMANDS: [(&str, i32, &str); 6] = [
    (
        "F_DUPFD",
        abi::fs::F_DUPFD,
        "duplicate onto the lowest free fd >= arg",
    ),
    ("F_GETFD", abi::fs::F_GETFD, "the descriptor flags"),
    ("F_SETFD", abi::fs::F_SETFD, "set the descriptor flags"),
    ("F_GETFL", abi::fs::F_GETFL, "access mode and status flags"),
    ("F_SETFL", abi::fs::F_SETFL, "set O_APPEND and O_NONBLOCK"),
    (
        "F_DUPFD_CLOEXEC",
        abi::fs::F_DUPFD_CLOEXEC,
        "F_DUPFD, with FD_CLOEXEC set",
    ),
];

/// Generates `fcntl.h` from [`abi::fs`]: the `O_*` flags ([`O_FLAGS`], in octal as Linux's
/// headers write them), the `fcntl` commands ([`F_COMMANDS`]), `FD_CLOEXEC`, and the
/// prototype of `fcntl`.
pub fn fcntl_h() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/* fcntl.h - descriptor control and open flags (Linux i386 values)."
    );
    let _ = writeln!(out, " * Generated from kernel/abi/src/fs.rs {C_PROVENANCE}");
    let _ = writeln!(out, " *");
    let _ = writeln!(
        out,
        " * open() takes them all; pipe2() (in <unistd.h>) takes O_CLOEXEC and O_NONBLOCK;"
    );
    let _ = writeln!(out, " * F_SETFL changes O_APPEND and O_NONBLOCK. */");
    let _ = writeln!(out, "#ifndef _FCNTL_H");
    let _ = writeln!(out, "#define _FCNTL_H");
    let _ = writeln!(out);
    let _ = writeln!(out, "/* Open and status flags. */");
    for (name, value, what) in O_FLAGS {
        let _ = writeln!(
            out,
            "#define {name:<12} {:>9}  /* {what} */",
            format!("0{value:o}")
        );
    }
    c_define(&mut out, "O_NDELAY", "O_NONBLOCK", "");
    let _ = writeln!(out);
    let _ = writeln!(out, "/* fcntl() commands. */");
    for (name, value, what) in F_COMMANDS {
        let _ = writeln!(out, "#define {name:<15} {value:>4}  /* {what} */");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "/* The descriptor flag of F_GETFD and F_SETFD. */");
    let _ = writeln!(
        out,
        "#define FD_CLOEXEC {}  /* close the descriptor on execve */",
        abi::fs::FD_CLOEXEC
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/* Control descriptor fd: cmd is an F_* command, its int argument (if any) follows."
    );
    let _ = writeln!(
        out,
        " * F_DUPFD and F_DUPFD_CLOEXEC return the new descriptor, F_GETFD the descriptor flags,"
    );
    let _ = writeln!(
        out,
        " * F_GETFL the access mode and status flags, F_SETFD and F_SETFL 0. Returns -1 with"
    );
    let _ = writeln!(
        out,
        " * errno set on error (EBADF, EINVAL: unknown cmd or bad arg, EMFILE). */"
    );
    let _ = writeln!(out, "int fcntl(int fd, int cmd, ...);");
    let _ = writeln!(out);
    for line in [
        "/* Open the file at path: the access mode (O_RDONLY, O_WRONLY, O_RDWR) or'ed with flags;",
        " * with O_CREAT the file is created when missing, with the permission bits of the third",
        " * argument (a mode_t). Returns the lowest free descriptor, or -1 with errno set: ENOENT,",
        " * EEXIST (O_CREAT | O_EXCL), EISDIR (a directory opened for writing), ENOTDIR, EMFILE,",
        " * ENAMETOOLONG, EACCES, EFAULT. */",
        "int open(const char *path, int flags, ...);",
    ] {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "#endif /* _FCNTL_H */");
    out
}

/// `struct stat`'s fields in order: C declaration, C name, offset in [`abi::fs::Stat`] and what
/// the field holds.
pub const STAT_FIELDS: [(&str, &str, usize, &str); 14] = {
    use abi::fs::Stat;
    use core::mem::offset_of;
    [
        (
            "dev_t st_dev",
            "st_dev",
            offset_of!(Stat, dev),
            "the device the file is on",
        ),
        (
            "ino_t st_ino",
            "st_ino",
            offset_of!(Stat, ino),
            "the inode number",
        ),
        (
            "mode_t st_mode",
            "st_mode",
            offset_of!(Stat, mode),
            "file type (S_IF*) and permission bits",
        ),
        (
            "nlink_t st_nlink",
            "st_nlink",
            offset_of!(Stat, nlink),
            "names of the file",
        ),
        (
            "uid_t st_uid",
            "st_uid",
            offset_of!(Stat, uid),
            "always 0: there are no users",
        ),
        ("gid_t st_gid", "st_gid", offset_of!(Stat, gid), "always 0"),
        (
            "dev_t st_rdev",
            "st_rdev",
            offset_of!(Stat, rdev),
            "a device node's major << 8 | minor",
        ),
        (
            "off_t st_size",
            "st_size",
            offset_of!(Stat, size),
            "bytes in a regular file",
        ),
        (
            "blksize_t st_blksize",
            "st_blksize",
            offset_of!(Stat, blksize),
            "the preferred I/O size",
        ),
        ("unsigned int __pad", "__pad", offset_of!(Stat, pad), "0"),
        (
            "blkcnt_t st_blocks",
            "st_blocks",
            offset_of!(Stat, blocks),
            "512-byte blocks of data",
        ),
        (
            "struct timespec st_atim",
            "st_atim",
            offset_of!(Stat, atime),
            "last access",
        ),
        (
            "struct timespec st_mtim",
            "st_mtim",
            offset_of!(Stat, mtime),
            "last change of the data",
        ),
        (
            "struct timespec st_ctim",
            "st_ctim",
            offset_of!(Stat, ctime),
            "last change of the inode",
        ),
    ]
};

/// The file types of `sys/stat.h`: the `S_IF*` name, its value (from [`abi::fs`]), the name of
/// its `S_IS*(m)` test and what it is.
pub const FILE_TYPES: [(&str, u32, &str, &str); 7] = [
    ("S_IFSOCK", abi::fs::S_IFSOCK, "S_ISSOCK", "a socket"),
    ("S_IFLNK", abi::fs::S_IFLNK, "S_ISLNK", "a symbolic link"),
    ("S_IFREG", abi::fs::S_IFREG, "S_ISREG", "a regular file"),
    ("S_IFBLK", abi::fs::S_IFBLK, "S_ISBLK", "a block device"),
    ("S_IFDIR", abi::fs::S_IFDIR, "S_ISDIR", "a directory"),
    ("S_IFCHR", abi::fs::S_IFCHR, "S_ISCHR", "a character device"),
    ("S_IFIFO", abi::fs::S_IFIFO, "S_ISFIFO", "a FIFO (pipe)"),
];

/// Generates `sys/stat.h` from [`abi::fs`]: `struct stat` ([`STAT_FIELDS`], with static
/// assertions of its size and every offset, so a C compiler checks the layout at each use), the
/// file types ([`FILE_TYPES`]) and their `S_IS*` tests, the permission bits, and the
/// prototypes of `stat`, `fstat` and `mkdir`.
pub fn sys_stat_h() -> String {
    let mut out = String::new();
    for line in [
        "/* sys/stat.h - what a file is: struct stat, the file type and permission bits, stat(),",
        " * fstat(), mkdir().",
    ] {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, " * Generated from kernel/abi/src/fs.rs {C_PROVENANCE}");
    for line in [
        " *",
        " * struct stat is this kernel's own (abi::fs::Stat): every 64-bit field sits at a multiple",
        " * of 8, so C (where i386 aligns long long to 4) and Rust agree without packing. Times are",
        " * on the monotonic clock (the machine has no wall clock). */",
        "#ifndef _SYS_STAT_H",
        "#define _SYS_STAT_H",
        "",
        "#include <sys/types.h>",
        "#include <time.h>",
        "",
        "struct stat {",
    ] {
        let _ = writeln!(out, "{line}");
    }
    for (decl, _, _, what) in STAT_FIELDS {
        let decl = format!("{decl};");
        let _ = writeln!(out, "    {decl:<28} /* {what} */");
    }
    let _ = writeln!(out, "}};");
    let _ = writeln!(out);
    for (field, what) in [("atime", "atim"), ("mtime", "mtim"), ("ctime", "ctim")] {
        let _ = writeln!(out, "#define st_{field} st_{what}.tv_sec");
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "_Static_assert(sizeof(struct stat) == {}, \"struct stat is abi::fs::Stat\");",
        core::mem::size_of::<abi::fs::Stat>()
    );
    for (_, name, offset, _) in STAT_FIELDS {
        let _ = writeln!(
            out,
            "_Static_assert(__builtin_offsetof(struct stat, {name}) == {offset}, \"{name}\");"
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "/* File types: the S_IFMT bits of st_mode. */");
    let _ = writeln!(
        out,
        "#define {:<9} {:>7}  /* the file type bits */",
        "S_IFMT",
        format!("0{:o}", abi::fs::S_IFMT)
    );
    for (name, value, _, what) in FILE_TYPES {
        let _ = writeln!(
            out,
            "#define {name:<9} {:>7}  /* {what} */",
            format!("0{value:06o}")
        );
    }
    let _ = writeln!(out);
    for (name, _, test, _) in FILE_TYPES {
        let _ = writeln!(
            out,
            "#define {:<12} (((m) & S_IFMT) == {name})",
            format!("{test}(m)")
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/* Permission bits (kept and reported; nothing checks them: there are no users). */"
    );
    for (name, value) in [
        ("S_ISUID", 0o4000),
        ("S_ISGID", 0o2000),
        ("S_ISVTX", 0o1000),
        ("S_IRWXU", 0o700),
        ("S_IRUSR", 0o400),
        ("S_IWUSR", 0o200),
        ("S_IXUSR", 0o100),
        ("S_IRWXG", 0o70),
        ("S_IRGRP", 0o40),
        ("S_IWGRP", 0o20),
        ("S_IXGRP", 0o10),
        ("S_IRWXO", 0o7),
        ("S_IROTH", 0o4),
        ("S_IWOTH", 0o2),
        ("S_IXOTH", 0o1),
    ] {
        let _ = writeln!(out, "#define {name} 0{value:04o}");
    }
    let _ = writeln!(out);
    for line in [
        "/* Store what path names (stat) or what fd refers to (fstat) in *buf. Return 0, or -1 with",
        " * errno set: ENOENT, ENOTDIR (a path component is no directory), ENAMETOOLONG, EBADF,",
        " * EFAULT. */",
        "int stat(const char *__restrict path, struct stat *__restrict buf);",
        "int fstat(int fd, struct stat *buf);",
        "/* Create the directory path with permission bits mode. EEXIST, ENOENT (no parent),",
        " * ENOTDIR. */",
        "int mkdir(const char *path, mode_t mode);",
        "",
        "#endif /* _SYS_STAT_H */",
    ] {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// Every C file generated for the shim, as (path below the output directory, text):
/// `include/` holds public headers for the sysroot, `src/` the shim's private ones.
pub fn c_shim_files(t: &Table) -> Vec<(&'static str, String)> {
    vec![
        ("include/sys/syscall.h", c_header(t)),
        ("include/errno.h", errno_h()),
        ("include/signal.h", signal_h()),
        ("include/sys/wait.h", sys_wait_h()),
        ("include/fcntl.h", fcntl_h()),
        ("include/sys/stat.h", sys_stat_h()),
        ("src/errno_messages.h", errno_messages_h()),
        ("src/signal_messages.h", signal_messages_h()),
    ]
}

/// Escapes text for a markdown table cell.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Generates `docs/syscalls.md`: a GitHub markdown table of every call.
pub fn markdown_table(t: &Table) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# System calls");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "<!-- Generated by syscall-gen from {TABLE_PATH}. Do not edit: run"
    );
    let _ = writeln!(
        out,
        "     `cargo run -p syscall-gen -- docs > docs/syscalls.md` after changing the table. -->"
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "This file is generated from [`{TABLE_PATH}`](../{TABLE_PATH}), the one list of system calls."
    );
    let _ = writeln!(
        out,
        "Trap with `int 0x21`; `eax` holds the number, arguments go in `ebx, ecx, edx, edi, esi`"
    );
    let _ = writeln!(
        out,
        "in order, and the result comes back in `eax`. A result in -4095..=-1 is a negated Linux"
    );
    let _ = writeln!(
        out,
        "errno; an unknown number returns `-ENOSYS`. `uptr` is a user-space address."
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "| nr | name | arguments | returns / summary |");
    let _ = writeln!(out, "|---:|---|---|---|");
    for call in &t.calls {
        let args = if call.args.is_empty() {
            "–".to_string()
        } else {
            format!("`{}`", table_signature(call))
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            call.nr,
            call.name,
            md_cell(&args),
            md_cell(&call.summary)
        );
    }
    out
}

#[cfg(test)]
mod tests;

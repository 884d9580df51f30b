use super::*;

use std::path::{Path, PathBuf};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn real_table() -> Table {
    abi_table().unwrap_or_else(|e| panic!("{e}"))
}

fn call<'a>(t: &'a Table, name: &str) -> &'a Syscall {
    t.calls
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no call {name}"))
}

fn arg(name: &str, ty: ArgType) -> Arg {
    Arg {
        name: name.to_string(),
        ty,
    }
}

// ---------------------------------------------------------------- parsing the real table

#[test]
fn real_table_parses_with_the_contract_numbers() {
    let t = real_table();
    let numbers: Vec<(usize, &str)> = t.calls.iter().map(|c| (c.nr, c.name.as_str())).collect();
    assert_eq!(
        numbers,
        [
            (1, "fork"),
            (2, "yield"),
            (3, "sbrk"),
            (4, "brk"),
            (5, "getpid"),
            (6, "getppid"),
            (7, "sleep"),
            (8, "exit"),
            (9, "wait"),
            (10, "waitpid"),
            (11, "sigreturn"),
            (12, "sigprocmask"),
            (13, "sigaction"),
            (14, "pause"),
            (15, "kill"),
            (16, "alarm"),
            (17, "sigpending"),
            (18, "sigsuspend"),
            (19, "open"),
            (20, "close"),
            (21, "read"),
            (22, "write"),
            (24, "mkdir"),
            (25, "lseek"),
            (29, "rmdir"),
            (30, "unlink"),
            (34, "dup"),
            (35, "dup2"),
            (38, "chdir"),
            (40, "getcwd"),
            (41, "rename"),
            (48, "ioctl"),
            (49, "getpgid"),
            (50, "setpgid"),
            (54, "execve"),
            (55, "fstat"),
            (128, "clock_gettime"),
            (129, "setsid"),
            (130, "getsid"),
            (131, "nanosleep"),
            (132, "pipe2"),
            (133, "fcntl"),
            (134, "getdents64"),
            (135, "stat"),
        ]
    );
}

#[test]
fn real_table_arguments() {
    let t = real_table();
    let fork = call(&t, "fork");
    assert!(fork.args.is_empty());
    let execve = call(&t, "execve");
    assert_eq!(
        execve.args,
        [
            arg("path", ArgType::UserAddr),
            arg("argv", ArgType::UserAddr),
            arg("envp", ArgType::UserAddr)
        ]
    );
    let write = call(&t, "write");
    assert_eq!(
        write.args,
        [
            arg("fd", ArgType::I32),
            arg(
                "buf",
                ArgType::UserBuf {
                    len_arg: 2,
                    flow: Flow::In
                }
            ),
            arg("len", ArgType::Usize)
        ]
    );
    assert_eq!(write.arg_spelling(1), "ubuf_in<len>");
    assert_eq!(
        call(&t, "waitpid").args[1],
        arg("status", ArgType::UserPtr(Pointee::I32))
    );
    assert_eq!(
        call(&t, "clock_gettime").args[1],
        arg("ts", ArgType::UserPtr(Pointee::Timespec))
    );
    assert_eq!(call(&t, "sbrk").args, [arg("increment", ArgType::Isize)]);
    assert_eq!(call(&t, "sleep").args, [arg("seconds", ArgType::U32)]);
    assert!(write.summary.starts_with("write len bytes to fd"));
}

#[test]
fn comments_blank_lines_and_order() {
    let t = parse("# c\n\n  # indented comment\n5 b() -- second\n2 a(x: u32) -- first\n").unwrap();
    assert_eq!(t.calls.len(), 2);
    assert_eq!(t.calls[0].name, "a");
    assert_eq!(t.calls[0].nr, 2);
    assert_eq!(t.calls[0].summary, "first");
    assert_eq!(t.calls[1].name, "b");
}

#[test]
fn five_arguments_are_fine() {
    let t = parse("1 f(a: i32, b: u32, c: usize, d: isize, e: uptr) -- ok").unwrap();
    assert_eq!(t.calls[0].args.len(), 5);
}

#[test]
fn a_buffer_names_its_length_argument() {
    let t = parse("1 f(n: usize, b: ubuf_in<n>, c: ubuf_out<m>, m: usize) -- ok").unwrap();
    assert_eq!(
        t.calls[0].args[1].ty,
        ArgType::UserBuf {
            len_arg: 0,
            flow: Flow::In
        }
    );
    assert_eq!(
        t.calls[0].args[2].ty,
        ArgType::UserBuf {
            len_arg: 3,
            flow: Flow::Out
        }
    );
    assert_eq!(t.calls[0].arg_spelling(2), "ubuf_out<m>");
    for bad in [
        "1 f(b: ubuf_in<n>) -- no such argument",
        "1 f(b: ubuf_out<n>, n: i32) -- not a usize",
        "1 f(b: ubuf_in<b>) -- itself",
    ] {
        assert!(
            matches!(error_of(bad).kind, ParseErrorKind::BadBufferLength(_)),
            "{bad}"
        );
    }
    assert_eq!(
        error_of("1 f(p: uptr<f64>) -- a").kind,
        ParseErrorKind::UnknownType("uptr<f64>".into())
    );
}

#[test]
fn summary_may_contain_double_dashes() {
    let t = parse("1 f() -- a -- b").unwrap();
    assert_eq!(t.calls[0].summary, "a -- b");
}

// ---------------------------------------------------------------- rejected tables

/// Parses `body` after two comment lines, so the error must be on line 3 or later.
fn error_of(body: &str) -> ParseError {
    let text = format!("# header\n\n{body}");
    parse(&text).expect_err("the table must be rejected")
}

#[test]
fn duplicate_name_names_both_lines() {
    let e = error_of("1 fork() -- a\n2 yield() -- b\n3 fork() -- c\n");
    assert_eq!(
        e,
        ParseError {
            line: 5,
            kind: ParseErrorKind::DuplicateName {
                name: "fork".into(),
                first_line: 3
            }
        }
    );
    let shown = e.to_string();
    assert!(shown.contains("line 5"), "{shown}");
    assert!(
        shown.contains("duplicate system call name `fork`"),
        "{shown}"
    );
    assert!(shown.contains("line 3"), "{shown}");
}

#[test]
fn duplicate_number() {
    let e = error_of("1 fork() -- a\n1 yield() -- b\n");
    assert_eq!(
        e,
        ParseError {
            line: 4,
            kind: ParseErrorKind::DuplicateNumber {
                nr: 1,
                first_line: 3
            }
        }
    );
    assert!(e.to_string().contains("duplicate system call number 1"));
}

#[test]
fn unknown_type() {
    let e = error_of("1 f() -- a\n2 g(x: u64) -- b\n");
    assert_eq!(
        e,
        ParseError {
            line: 4,
            kind: ParseErrorKind::UnknownType("u64".into())
        }
    );
    assert!(e
        .to_string()
        .contains("line 4: unknown argument type `u64`"));
}

#[test]
fn the_frame_marker_is_gone() {
    // Every handler gets the context; `@frame` is no longer a type.
    assert!(matches!(
        error_of("1 f(@frame) -- a").kind,
        ParseErrorKind::Malformed(_)
    ));
}

#[test]
fn duplicate_argument() {
    let e = error_of("1 f(a: i32, b: u32, a: usize) -- a\n");
    assert_eq!(
        e,
        ParseError {
            line: 3,
            kind: ParseErrorKind::DuplicateArg("a".into())
        }
    );
}

#[test]
fn too_many_arguments() {
    let e = error_of("1 f() -- ok\n2 g(a: i32, b: i32, c: i32, d: i32, e: i32, f: i32) -- a\n");
    assert_eq!(
        e,
        ParseError {
            line: 4,
            kind: ParseErrorKind::TooManyArgs(6)
        }
    );
    assert!(e.to_string().contains("at most 5"));
}

#[test]
fn malformed_lines() {
    let cases = [
        "1 f()",              // no summary separator
        "1 f() --",           // separator without summary
        "1 f() --   ",        // blank summary
        "x f() -- a",         // not a number
        "-1 f() -- a",        // negative number
        "1f() -- a",          // no space after the number
        "1 f -- a",           // no argument list
        "1 f(a: i32 -- a",    // unclosed argument list
        "1 f(a: i32) x -- a", // junk after the list
        "1 f((a: i32)) -- a", // nested parentheses
        "1 f(a) -- a",        // argument without type
        "1 f(a: i32,) -- a",  // trailing comma
        "1 f(, a: i32) -- a", // leading comma
        "f() -- a",           // no number at all
    ];
    for case in cases {
        let e = error_of(case);
        assert_eq!(e.line, 3, "{case}");
        assert!(
            matches!(e.kind, ParseErrorKind::Malformed(_)),
            "{case}: {e:?}"
        );
        assert!(
            e.to_string().contains("line 3: malformed line"),
            "{case}: {e}"
        );
    }
}

#[test]
fn bad_identifiers() {
    let cases = [
        "1 Fork() -- a",        // uppercase call name
        "1 2fork() -- a",       // leading digit
        "1 fo-rk() -- a",       // punctuation
        "1 f(type: i32) -- a",  // Rust keyword as an argument
        "1 f(frame: i32) -- a", // would shadow the dispatch parameter
        "1 f(args: i32) -- a",  // would shadow the dispatch parameter
        "1 f(X: i32) -- a",     // uppercase argument
        "1 f(_: i32) -- a",     // not a name
    ];
    for case in cases {
        let e = error_of(case);
        assert_eq!(e.line, 3, "{case}");
        assert!(
            matches!(e.kind, ParseErrorKind::BadIdentifier(_)),
            "{case}: {e:?}"
        );
    }
}

#[test]
fn keyword_call_names_are_fine() {
    // `yield` only ever appears as `sys_yield`, `YIELD` and `SYS_yield`.
    assert_eq!(parse("2 yield() -- a").unwrap().calls[0].name, "yield");
}

#[test]
fn type_names_round_trip() {
    for ty in [
        ArgType::I32,
        ArgType::U32,
        ArgType::Usize,
        ArgType::Isize,
        ArgType::UserAddr,
        ArgType::UserPtr(Pointee::I32),
        ArgType::UserPtr(Pointee::U32),
        ArgType::UserPtr(Pointee::Timespec),
    ] {
        assert_eq!(ArgType::from_table(&ty.table_name()), Some(ty));
    }
    assert_eq!(ArgType::UserAddr.table_name(), "uptr");
    assert_eq!(ArgType::from_table("ptr"), None);
}

// ---------------------------------------------------------------- generated text

#[test]
fn rust_numbers_has_every_call() {
    let t = real_table();
    let out = rust_numbers(&t);
    for c in &t.calls {
        let line = format!("pub const {}: usize = {};", c.name.to_uppercase(), c.nr);
        assert!(out.contains(&line), "missing {line}");
    }
    assert!(out.contains("pub const SYSCALLS: &[SyscallInfo] = &["));
    assert!(out.contains(
        "SyscallInfo { nr: WRITE, name: \"write\", args: &[\"fd\", \"buf\", \"len\"] },"
    ));
    assert!(out.contains("SyscallInfo { nr: FORK, name: \"fork\", args: &[] },"));
}

#[test]
fn kernel_dispatch_routes_every_call() {
    let t = real_table();
    let out = kernel_dispatch(&t);
    assert!(out.contains(
        "pub fn dispatch(ctx: &mut SyscallContext, nr: usize) -> Option<Result<usize, Errno>> {"
    ));
    assert_eq!(
        out.matches("pub fn ").count(),
        1,
        "exactly one public function"
    );
    for c in &t.calls {
        let entry = format!("    table[{}] = Some(raw_{});", c.nr, c.name);
        assert!(out.contains(&entry), "missing table entry for {}", c.name);
        let call = format!("    handlers::sys_{}(", c.name);
        assert!(out.contains(&call), "missing call of sys_{}", c.name);
    }
    let len = t.calls.iter().map(|c| c.nr).max().unwrap() + 1;
    assert!(out.contains(&format!(
        "static SYSCALL_HANDLERS: [Option<RawHandler>; {len}] = {{"
    )));
    assert!(out.contains(
        "fn raw_fork(ctx: &mut SyscallContext) -> Result<usize, Errno> {\n    handlers::sys_fork(ctx)\n}"
    ));
    assert!(out.contains(
        "fn raw_write(ctx: &mut SyscallContext) -> Result<usize, Errno> {\n    let args = ctx.args();\n"
    ));
    assert!(out.contains(
        "    handlers::sys_write(ctx, args[0] as i32, UserSlice::<In>::new(args[1], args[2]))\n"
    ));
    assert!(out.contains(
        "    handlers::sys_execve(ctx, UserAddr::new(args[0]), UserAddr::new(args[1]), UserAddr::new(args[2]))\n"
    ));
    assert!(out.contains(
        "    handlers::sys_waitpid(ctx, args[0] as i32, UserPtr::<i32>::new(args[1]), args[2] as u32)\n"
    ));
    assert!(out.contains("    handlers::sys_sbrk(ctx, args[0] as isize)\n"));
    assert!(out.contains("    handlers::sys_sleep(ctx, args[0] as u32)\n"));
    assert!(out.contains("    handlers::sys_brk(ctx, args[0])\n"));
}

#[test]
fn kernel_dispatch_without_args_reads_no_register() {
    let out = kernel_dispatch(&parse("1 f() -- a").unwrap());
    assert!(out.contains(
        "fn raw_f(ctx: &mut SyscallContext) -> Result<usize, Errno> {\n    handlers::sys_f(ctx)\n}"
    ));
    assert!(!out.contains("let args"));
    assert!(out.contains("static SYSCALL_HANDLERS: [Option<RawHandler>; 2] = {"));
}

#[test]
fn ulib_wrappers_cover_every_call() {
    let t = real_table();
    let out = ulib_wrappers(&t);
    for c in &t.calls {
        let sig = format!("pub unsafe fn sys_{}(", c.name);
        assert!(out.contains(&sig), "missing {sig}");
    }
    assert_eq!(out.matches("/// # Safety").count(), t.calls.len());
    assert_eq!(out.matches("// SAFETY:").count(), t.calls.len());
    assert!(out.contains("pub unsafe fn sys_write(fd: i32, buf: usize, len: usize) -> isize {"));
    assert!(out.contains("unsafe { syscall(nr::WRITE, fd as usize, buf, len, 0, 0) }"));
    assert!(out.contains("pub unsafe fn sys_fork() -> isize {"));
    assert!(out.contains("unsafe { syscall(nr::FORK, 0, 0, 0, 0, 0) }"));
}

#[test]
fn c_header_defines_every_call_and_helper() {
    let t = real_table();
    let out = c_header(&t);
    assert!(out.contains("#ifndef _SYS_SYSCALL_H\n#define _SYS_SYSCALL_H\n"));
    assert!(out.trim_end().ends_with("#endif /* _SYS_SYSCALL_H */"));
    for c in &t.calls {
        let define = format!("#define SYS_{} {}", c.name, c.nr);
        assert!(
            out.contains(&format!("{define} ")) || out.contains(&format!("{define}\n")),
            "missing {define}"
        );
    }
    for n in 0..=5 {
        assert!(out.contains(&format!("static inline long __lunaix_syscall{n}(long nr")));
    }
    assert_eq!(out.matches("\"int $0x21\"").count(), 6);
    assert_eq!(
        out.matches("\n                     : \"memory\");").count(),
        6
    );
    assert!(out.contains(
        "static inline long __lunaix_syscall5(long nr, long a1, long a2, long a3, long a4, long a5)"
    ));
    assert!(out.contains(
        ": \"=a\"(ret)\n                     : \"a\"(nr), \"b\"(a1), \"c\"(a2), \"d\"(a3), \"D\"(a4), \"S\"(a5)\n"
    ));
    // The error range is abi's: -MAX_ERRNO..=-1.
    assert_eq!(abi::errno::MAX_ERRNO, 4095);
    assert!(out.contains(
        "static inline int __lunaix_is_error(long raw)\n{\n    return (unsigned long)raw > (unsigned long)-4096L;\n}"
    ));
}

/// Compiles the header with the same flags the C shim uses and checks the register setup.
/// Skipped (with a note) only where gcc or objdump is missing.
#[test]
fn c_header_compiles_with_gcc_m32() {
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("syscall-gen-test-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sys")).unwrap();
    std::fs::write(dir.join("sys/syscall.h"), c_header(&real_table())).unwrap();
    let source = dir.join("t.c");
    std::fs::write(
        &source,
        "#include <sys/syscall.h>\n\
         long f(long a, long b, long c, long d, long e) {\n\
         return __lunaix_syscall0(SYS_getpid) + __lunaix_syscall1(SYS_exit, a)\n\
         + __lunaix_syscall2(SYS_clock_gettime, a, b) + __lunaix_syscall3(SYS_write, a, b, c)\n\
         + __lunaix_syscall4(SYS_write, a, b, c, d) + __lunaix_syscall5(SYS_execve, a, b, c, d, e);\n}\n",
    )
    .unwrap();
    let object = dir.join("t.o");
    let gcc = Command::new("gcc")
        .args([
            "-m32",
            "-ffreestanding",
            "-nostdlib",
            "-fno-pic",
            "-O2",
            "-Wall",
            "-Werror",
            "-c",
        ])
        .arg("-I")
        .arg(&dir)
        .arg(&source)
        .arg("-o")
        .arg(&object)
        .output();
    let Ok(gcc) = gcc else {
        eprintln!("note: gcc not found; c_header_compiles_with_gcc_m32 skipped");
        return;
    };
    assert!(
        gcc.status.success(),
        "gcc rejected the header:\n{}",
        String::from_utf8_lossy(&gcc.stderr)
    );
    let Ok(dump) = Command::new("objdump").arg("-d").arg(&object).output() else {
        eprintln!("note: objdump not found; disassembly check skipped");
        return;
    };
    let text = String::from_utf8_lossy(&dump.stdout);
    assert_eq!(text.matches("int    $0x21").count(), 6, "{text}");
    assert!(
        text.contains("mov    $0x36,%eax"),
        "execve number in eax:\n{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------- C headers from the abi lists

/// The lines of `text` that `#define` `name`.
fn defines<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| l.split_whitespace().take(2).eq(["#define", name]))
        .collect()
}

#[test]
fn errno_h_defines_each_error_once_with_its_value_and_message() {
    let out = errno_h();
    assert!(out.contains("#ifndef _ERRNO_H\n#define _ERRNO_H\n"));
    assert!(out.contains("\nextern int errno;\n"));
    assert!(out.trim_end().ends_with("#endif /* _ERRNO_H */"));
    for e in abi::Errno::ALL {
        let lines = defines(&out, e.name());
        assert_eq!(lines.len(), 1, "{e:?}: {lines:?}");
        let words: Vec<&str> = lines[0].split_whitespace().collect();
        assert_eq!(words[2], e.as_raw().to_string(), "{e:?}");
        assert!(
            lines[0].ends_with(&format!("/* {} */", e.message())),
            "{e:?}"
        );
    }
    for (alias, e) in abi::Errno::ALIASES {
        let lines = defines(&out, alias);
        assert_eq!(lines.len(), 1, "{alias}");
        assert_eq!(lines[0].split_whitespace().nth(2), Some(e.name()));
    }
    let defined = out.lines().filter(|l| l.starts_with("#define E")).count();
    assert_eq!(
        defined,
        abi::Errno::ALL.len() + abi::Errno::ALIASES.len(),
        "nothing but the list"
    );
    assert!(out.contains("#define EWOULDBLOCK  EAGAIN\n"));
    assert!(out.contains("#define ELOOP         40  /* Too many levels of symbolic links */\n"));
}

#[test]
fn strerror_table_covers_every_error() {
    let out = errno_messages_h();
    assert!(out.contains("static const char *const errno_messages[] = {\n    [0] = \"Success\",\n"));
    for e in abi::Errno::ALL {
        let entry = format!("    [{}] = \"{}\",\n", e.name(), e.message());
        assert_eq!(out.matches(&entry).count(), 1, "{e:?}");
    }
    let entries = out.lines().filter(|l| l.starts_with("    [")).count();
    assert_eq!(entries, abi::Errno::ALL.len() + 1);
    assert!(abi::Errno::ALL
        .iter()
        .all(|e| !e.message().contains(['"', '\\'])));
}

#[test]
fn strsignal_table_covers_every_signal() {
    let out = signal_messages_h();
    assert!(out.contains("static const char *const signal_messages[] = {\n"));
    for s in abi::Signal::ALL {
        let entry = format!("    [{}] = \"{}\",\n", s.name(), s.description());
        assert_eq!(out.matches(&entry).count(), 1, "{s:?}");
    }
    let entries = out.lines().filter(|l| l.starts_with("    [")).count();
    assert_eq!(entries, abi::Signal::ALL.len());
    assert!(abi::Signal::ALL
        .iter()
        .all(|s| !s.description().contains(['"', '\\'])));
}

#[test]
fn signal_h_defines_each_signal_once_and_states_the_fault_mapping() {
    let out = signal_h();
    assert!(out.contains("#ifndef _SIGNAL_H\n#define _SIGNAL_H\n"));
    assert!(out.trim_end().ends_with("#endif /* _SIGNAL_H */"));
    for s in abi::Signal::ALL {
        let lines = defines(&out, s.name());
        assert_eq!(lines.len(), 1, "{s:?}: {lines:?}");
        assert_eq!(
            lines[0].split_whitespace().nth(2),
            Some(s.as_raw().to_string().as_str())
        );
        assert!(lines[0].ends_with(&format!("/* {} */", s.description())));
    }
    for (alias, s) in abi::Signal::ALIASES {
        assert_eq!(
            defines(&out, alias),
            [format!("#define {alias:<12} {}", s.name())]
        );
    }
    // Every exception of the fault table appears on the line of its signal.
    for f in abi::signal::FAULT_SIGNALS {
        let tag = format!("{} ({})", f.mnemonic, f.vector);
        let line = out
            .lines()
            .find(|l| l.contains(&tag))
            .unwrap_or_else(|| panic!("{tag} is not in signal.h"));
        assert!(line.ends_with(&format!("-> {}", f.signal.name())), "{line}");
    }
    for fault in ["#NM (7)", "#MF (16)", "#XM (19)", "#DB (1)"] {
        assert!(out.contains(fault), "{fault}");
    }
    assert!(out.contains("not touch, ...) -> SIGSEGV\n"));
    assert!(out.contains("memory ran out, kills with SIGKILL. */"));
    assert!(out.contains(" *   #UD (6), #NM (7)             -> SIGILL\n"));
}

#[test]
fn signal_h_has_the_actions_sets_and_prototypes() {
    let out = signal_h();
    assert!(out.contains("#include <sys/types.h>\n"), "pid_t for kill()");
    for (name, value, _) in SA_FLAGS {
        let lines = defines(&out, name);
        assert_eq!(lines.len(), 1, "{name}");
        assert_eq!(
            lines[0].split_whitespace().nth(2),
            Some(format!("0x{value:08x}").as_str()),
            "{name}"
        );
    }
    // Every flag sigaction accepts is named, and nothing else.
    assert_eq!(
        SA_FLAGS.iter().fold(0, |all, (_, v, _)| all | v),
        abi::signal::SA_VALID
    );
    for (name, value) in [
        ("SIG_BLOCK", abi::signal::SIG_BLOCK),
        ("SIG_UNBLOCK", abi::signal::SIG_UNBLOCK),
        ("SIG_SETMASK", abi::signal::SIG_SETMASK),
    ] {
        let lines = defines(&out, name);
        assert_eq!(lines.len(), 1, "{name}");
        assert_eq!(
            lines[0].split_whitespace().nth(2),
            Some(value.to_string().as_str())
        );
    }
    assert_eq!(defines(&out, "NSIG").len(), 1);
    for name in ["SIG_DFL", "SIG_IGN", "SIG_ERR", "SA_ONESHOT", "SA_NOMASK"] {
        assert_eq!(defines(&out, name).len(), 1, "{name}");
    }
    assert!(out.contains("typedef unsigned long sigset_t;\n"));
    assert!(out.contains("typedef void (*sighandler_t)(int);\n"));
    assert!(out.contains("typedef int sig_atomic_t;\n"));
    assert!(out.contains("struct sigaction {\n    sighandler_t sa_handler; "));
    assert!(out.contains("struct sigcontext {\n    unsigned long gs, fs, es, ds;\n"));
    for proto in [
        "sighandler_t signal(int sig, sighandler_t handler);",
        "int sigaction(int sig, const struct sigaction *act, struct sigaction *oldact);",
        "int sigemptyset(sigset_t *set);",
        "int sigfillset(sigset_t *set);",
        "int sigaddset(sigset_t *set, int sig);",
        "int sigdelset(sigset_t *set, int sig);",
        "int sigismember(const sigset_t *set, int sig);",
        "int sigprocmask(int how, const sigset_t *set, sigset_t *oldset);",
        "int sigpending(sigset_t *set);",
        "int sigsuspend(const sigset_t *mask);",
        "int kill(pid_t pid, int sig);",
        "int killpg(pid_t pgrp, int sig);",
        "int raise(int sig);",
    ] {
        assert_eq!(out.matches(&format!("\n{proto}\n")).count(), 1, "{proto}");
    }
}

/// The offset of each field of [`abi::signal::SigContext`], by name.
fn sigcontext_offset(field: &str) -> usize {
    use abi::signal::SigContext;
    use core::mem::offset_of;
    match field {
        "gs" => offset_of!(SigContext, gs),
        "fs" => offset_of!(SigContext, fs),
        "es" => offset_of!(SigContext, es),
        "ds" => offset_of!(SigContext, ds),
        "edi" => offset_of!(SigContext, edi),
        "esi" => offset_of!(SigContext, esi),
        "ebp" => offset_of!(SigContext, ebp),
        "esp" => offset_of!(SigContext, esp),
        "ebx" => offset_of!(SigContext, ebx),
        "edx" => offset_of!(SigContext, edx),
        "ecx" => offset_of!(SigContext, ecx),
        "eax" => offset_of!(SigContext, eax),
        "trapno" => offset_of!(SigContext, trapno),
        "err" => offset_of!(SigContext, err),
        "eip" => offset_of!(SigContext, eip),
        "cs" => offset_of!(SigContext, cs),
        "eflags" => offset_of!(SigContext, eflags),
        "esp_at_signal" => offset_of!(SigContext, esp_at_signal),
        "ss" => offset_of!(SigContext, ss),
        "fpstate" => offset_of!(SigContext, fpstate),
        "oldmask" => offset_of!(SigContext, oldmask),
        "cr2" => offset_of!(SigContext, cr2),
        _ => panic!("SigContext has no field {field}"),
    }
}

/// The offset of each field of [`abi::signal::SigAction`], by name.
fn sigaction_offset(field: &str) -> usize {
    use abi::signal::SigAction;
    use core::mem::offset_of;
    match field {
        "handler" => offset_of!(SigAction, handler),
        "mask" => offset_of!(SigAction, mask),
        "flags" => offset_of!(SigAction, flags),
        "restorer" => offset_of!(SigAction, restorer),
        _ => panic!("SigAction has no field {field}"),
    }
}

/// Compiles `signal.h` and `sys/wait.h` for i386 (`gcc -m32`, the shim's flags) with
/// static assertions that every `struct sigaction` and `struct sigcontext` field sits where
/// the abi crate's does, that the sizes agree, and that the wait macros decode the abi's
/// stop and continue statuses. Compile-only, so no 32-bit C library is needed. Skipped (with
/// a note) only where gcc is missing.
#[test]
fn c_signal_layouts_match_abi_on_i386() {
    use std::fmt::Write as _;
    let dir = std::env::temp_dir().join(format!("syscall-gen-layout-{}", std::process::id()));
    write_c_shim_files(&dir);
    let mut c = String::from(
        "#include <stddef.h>\n#include <signal.h>\n#include <sys/wait.h>\n\
         #define CHECK(cond) _Static_assert(cond, #cond)\n",
    );
    // The rows of abi's struct, in its order, must be all of C's fields.
    let rust_fields: Vec<&str> = SIGACTION_FIELDS.iter().map(|f| f.2).collect();
    assert_eq!(rust_fields, ["handler", "mask", "flags", "restorer"]);
    for (_, c_name, rust_name) in SIGACTION_FIELDS {
        let _ = writeln!(
            c,
            "CHECK(offsetof(struct sigaction, {c_name}) == {});",
            sigaction_offset(rust_name)
        );
    }
    let _ = writeln!(
        c,
        "CHECK(sizeof(struct sigaction) == {});",
        core::mem::size_of::<abi::signal::SigAction>()
    );
    for field in SIGCONTEXT_FIELDS {
        let _ = writeln!(
            c,
            "CHECK(offsetof(struct sigcontext, {field}) == {});",
            sigcontext_offset(field)
        );
    }
    let _ = writeln!(
        c,
        "CHECK(sizeof(struct sigcontext) == {});",
        core::mem::size_of::<abi::signal::SigContext>()
    );
    let _ = writeln!(
        c,
        "CHECK(sizeof(sigset_t) == {});",
        core::mem::size_of::<abi::signal::SigSet>()
    );
    let _ = writeln!(c, "CHECK(sizeof(sighandler_t) == 4);");
    for sig in 1..=31 {
        use abi::wait::{stopped_status, wifcontinued, wifstopped, CONTINUED_STATUS};
        let stopped = stopped_status(sig);
        let _ = writeln!(
            c,
            "CHECK(WIFSTOPPED({stopped}) && WSTOPSIG({stopped}) == {sig} && !WIFCONTINUED({stopped}));"
        );
        let _ = writeln!(
            c,
            "CHECK(!WIFEXITED({stopped}) && !WIFSIGNALED({stopped}));"
        );
        assert!(wifstopped(stopped) && !wifcontinued(stopped));
        let _ = writeln!(
            c,
            "CHECK(WIFCONTINUED({CONTINUED_STATUS}) && !WIFSTOPPED({CONTINUED_STATUS}));"
        );
    }
    compile_i386_or_skip(&dir, "layout.c", &c, "c_signal_layouts_match_abi_on_i386");
}

/// Writes the generated C files into a fresh `dir`, for a test that compiles against them.
fn write_c_shim_files(dir: &Path) {
    for (name, text) in c_shim_files(&real_table()) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Compiles `c` (saved as `dir/name`) for i386 with the shim's headers (the generated ones in
/// `dir/include`, then `ulib/c/include`), compile-only, so no 32-bit C library is needed; its
/// `_Static_assert`s are the checks. Removes `dir` when it passed. Skipped (with a note) only
/// where gcc is missing.
fn compile_i386_or_skip(dir: &Path, name: &str, c: &str, test: &str) {
    use std::process::Command;
    let source = dir.join(name);
    std::fs::write(&source, c).unwrap();
    let gcc_include = Command::new("gcc").arg("-print-file-name=include").output();
    let Ok(gcc_include) = gcc_include else {
        eprintln!("note: gcc not found; {test} skipped");
        return;
    };
    let gcc_include = String::from_utf8_lossy(&gcc_include.stdout)
        .trim()
        .to_string();
    let gcc = Command::new("gcc")
        .args([
            "-m32",
            "-ffreestanding",
            "-nostdinc",
            "-fno-pic",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-c",
        ])
        .arg("-isystem")
        .arg(&gcc_include)
        .arg("-I")
        .arg(dir.join("include"))
        .arg("-I")
        .arg(manifest_dir().join("../../ulib/c/include"))
        .arg(&source)
        .arg("-o")
        .arg(source.with_extension("o"))
        .output()
        .expect("gcc ran once already");
    assert!(
        gcc.status.success(),
        "the C layouts disagree with abi ({}):\n{}",
        source.display(),
        String::from_utf8_lossy(&gcc.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// The generated `sys/stat.h` and the shim's hand-written file headers (`dirent.h`,
/// `termios.h`, `sys/ioctl.h`, `unistd.h`) against `abi::fs` and `abi::tty`: every `struct stat` and
/// `struct termios` field at abi's offset, the sizes, and the `S_IF*`, `DT_*`, `SEEK_*`,
/// `NCCS` and ioctl request values.
#[test]
fn c_file_headers_match_abi_on_i386() {
    use abi::fs::{dirent_type as dt, Stat};
    use abi::tty::Termios;
    use core::mem::{offset_of, size_of};
    use std::fmt::Write as _;
    let dir = std::env::temp_dir().join(format!("syscall-gen-files-{}", std::process::id()));
    write_c_shim_files(&dir);
    let mut c = String::from(
        "#include <stddef.h>\n#include <dirent.h>\n#include <fcntl.h>\n#include <sys/ioctl.h>\n\
         #include <sys/stat.h>\n#include <termios.h>\n#include <unistd.h>\n\
         #define CHECK(cond) _Static_assert(cond, #cond)\n",
    );
    let stat_fields = [
        ("st_dev", offset_of!(Stat, dev)),
        ("st_ino", offset_of!(Stat, ino)),
        ("st_mode", offset_of!(Stat, mode)),
        ("st_nlink", offset_of!(Stat, nlink)),
        ("st_uid", offset_of!(Stat, uid)),
        ("st_gid", offset_of!(Stat, gid)),
        ("st_rdev", offset_of!(Stat, rdev)),
        ("st_size", offset_of!(Stat, size)),
        ("st_blksize", offset_of!(Stat, blksize)),
        ("__pad", offset_of!(Stat, pad)),
        ("st_blocks", offset_of!(Stat, blocks)),
        ("st_atim", offset_of!(Stat, atime)),
        ("st_mtim", offset_of!(Stat, mtime)),
        ("st_ctim", offset_of!(Stat, ctime)),
    ];
    for (field, offset) in stat_fields {
        let _ = writeln!(c, "CHECK(offsetof(struct stat, {field}) == {offset});");
    }
    let _ = writeln!(c, "CHECK(sizeof(struct stat) == {});", size_of::<Stat>());
    let _ = writeln!(c, "CHECK(sizeof(((struct stat *)0)->st_size) == 8);");
    let _ = writeln!(c, "CHECK(sizeof(off_t) == 8 && sizeof(ino_t) == 8);");
    let termios_fields = [
        ("c_iflag", offset_of!(Termios, c_iflag)),
        ("c_oflag", offset_of!(Termios, c_oflag)),
        ("c_cflag", offset_of!(Termios, c_cflag)),
        ("c_lflag", offset_of!(Termios, c_lflag)),
        ("c_line", offset_of!(Termios, c_line)),
        ("c_cc", offset_of!(Termios, c_cc)),
    ];
    for (field, offset) in termios_fields {
        let _ = writeln!(c, "CHECK(offsetof(struct termios, {field}) == {offset});");
    }
    let _ = writeln!(
        c,
        "CHECK(sizeof(struct termios) == {});",
        size_of::<Termios>()
    );
    let values: [(&str, i64); 25] = [
        ("S_IFMT", abi::fs::S_IFMT.into()),
        ("S_IFIFO", abi::fs::S_IFIFO.into()),
        ("S_IFCHR", abi::fs::S_IFCHR.into()),
        ("S_IFDIR", abi::fs::S_IFDIR.into()),
        ("S_IFBLK", abi::fs::S_IFBLK.into()),
        ("S_IFREG", abi::fs::S_IFREG.into()),
        ("S_IFLNK", abi::fs::S_IFLNK.into()),
        ("S_IFSOCK", abi::fs::S_IFSOCK.into()),
        ("DT_UNKNOWN", dt::DT_UNKNOWN.into()),
        ("DT_FIFO", dt::DT_FIFO.into()),
        ("DT_CHR", dt::DT_CHR.into()),
        ("DT_DIR", dt::DT_DIR.into()),
        ("DT_BLK", dt::DT_BLK.into()),
        ("DT_REG", dt::DT_REG.into()),
        ("DT_LNK", dt::DT_LNK.into()),
        ("DT_SOCK", dt::DT_SOCK.into()),
        ("SEEK_SET", abi::fs::SEEK_SET.into()),
        ("SEEK_CUR", abi::fs::SEEK_CUR.into()),
        ("SEEK_END", abi::fs::SEEK_END.into()),
        ("NCCS", abi::tty::NCCS as i64),
        ("TCGETS", abi::tty::TCGETS.into()),
        ("TCSETS", abi::tty::TCSETS.into()),
        ("TIOCGPGRP", abi::tty::TIOCGPGRP.into()),
        ("TIOCSPGRP", abi::tty::TIOCSPGRP.into()),
        ("O_DIRECTORY", abi::fs::O_DIRECTORY.into()),
    ];
    for (name, value) in values {
        let _ = writeln!(c, "CHECK({name} == {value});");
    }
    // The default termios the kernel hands out has the bits termios.h names where Linux has them.
    let t = Termios::linux_default();
    let _ = writeln!(
        c,
        "CHECK(({} & (ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN)) == \
         (ISIG | ICANON | ECHO | ECHOE | ECHOK | IEXTEN));",
        t.c_lflag
    );
    let _ = writeln!(
        c,
        "CHECK(({} & (ICRNL | IXON)) == (ICRNL | IXON));",
        t.c_iflag
    );
    let _ = writeln!(
        c,
        "CHECK(({} & (OPOST | ONLCR)) == (OPOST | ONLCR));",
        t.c_oflag
    );
    for (name, index, value) in [("VINTR", 0, 3), ("VEOF", 4, 4), ("VMIN", 6, 1)] {
        assert_eq!(t.c_cc[index], value, "{name}");
        let _ = writeln!(c, "CHECK({name} == {index});");
    }
    compile_i386_or_skip(&dir, "files.c", &c, "c_file_headers_match_abi_on_i386");
}

#[test]
fn sys_stat_h_has_every_field_and_file_type_of_abi() {
    let out = sys_stat_h();
    assert!(out.contains("#ifndef _SYS_STAT_H\n#define _SYS_STAT_H\n"));
    assert!(out.trim_end().ends_with("#endif /* _SYS_STAT_H */"));
    // The fields are abi's, in order, with nothing between them.
    let offsets: Vec<usize> = STAT_FIELDS.iter().map(|f| f.2).collect();
    assert!(offsets.windows(2).all(|w| w[0] < w[1]), "{offsets:?}");
    assert_eq!(offsets[0], 0);
    assert_eq!(
        STAT_FIELDS.last().unwrap().2 + core::mem::size_of::<abi::time::Timespec>(),
        core::mem::size_of::<abi::fs::Stat>()
    );
    for (decl, name, offset, _) in STAT_FIELDS {
        assert!(decl.ends_with(name), "{decl}");
        assert_eq!(out.matches(&format!("    {decl};")).count(), 1, "{name}");
        assert!(out.contains(&format!(
            "_Static_assert(__builtin_offsetof(struct stat, {name}) == {offset}, "
        )));
    }
    assert!(out.contains("_Static_assert(sizeof(struct stat) == 88, "));
    for (name, value, test, _) in FILE_TYPES {
        let lines = defines(&out, name);
        assert_eq!(lines.len(), 1, "{name}: {lines:?}");
        let text = lines[0].split_whitespace().nth(2).unwrap();
        assert_eq!(u32::from_str_radix(text, 8), Ok(value), "{name}");
        assert_eq!(
            defines(&out, &format!("{test}(m)")),
            [format!(
                "#define {:<12} (((m) & S_IFMT) == {name})",
                format!("{test}(m)")
            )]
        );
    }
    for call in ["int stat(", "int fstat(", "int mkdir("] {
        assert_eq!(out.matches(&format!("\n{call}")).count(), 1, "{call}");
    }
}

#[test]
fn sys_wait_h_has_abis_options_and_macros() {
    let out = sys_wait_h();
    assert_eq!(
        defines(&out, "WNOHANG"),
        [format!("#define WNOHANG {}", abi::wait::WNOHANG)]
    );
    assert_eq!(
        defines(&out, "WUNTRACED"),
        [format!("#define WUNTRACED {}", abi::wait::WUNTRACED)]
    );
    assert_eq!(
        defines(&out, "WCONTINUED"),
        [format!("#define WCONTINUED {}", abi::wait::WCONTINUED)]
    );
    for name in [
        "WEXITSTATUS",
        "WTERMSIG",
        "WIFEXITED",
        "WIFSIGNALED",
        "WCOREDUMP",
        "WIFSTOPPED",
        "WSTOPSIG",
        "WIFCONTINUED",
    ] {
        assert!(out.contains(&format!("#define {name}(status)")), "{name}");
    }
    assert!(out.contains("pid_t wait(int *status);"));
    assert!(out.contains("pid_t waitpid(pid_t pid, int *status, int options);"));
}

#[test]
fn fcntl_h_defines_each_flag_and_command_once_with_abis_value() {
    let out = fcntl_h();
    assert!(out.contains("#ifndef _FCNTL_H\n#define _FCNTL_H\n"));
    assert!(out.trim_end().ends_with("#endif /* _FCNTL_H */"));
    for (name, value, what) in O_FLAGS {
        let lines = defines(&out, name);
        assert_eq!(lines.len(), 1, "{name}: {lines:?}");
        let text = lines[0].split_whitespace().nth(2).unwrap();
        assert!(text.starts_with('0'), "{name} is not octal: {text}");
        assert_eq!(u32::from_str_radix(text, 8), Ok(value), "{name}");
        assert!(lines[0].ends_with(&format!("/* {what} */")), "{name}");
    }
    assert_eq!(
        defines(&out, "O_NDELAY"),
        ["#define O_NDELAY     O_NONBLOCK"]
    );
    for (name, value, _) in F_COMMANDS {
        let lines = defines(&out, name);
        assert_eq!(lines.len(), 1, "{name}: {lines:?}");
        assert_eq!(
            lines[0].split_whitespace().nth(2),
            Some(value.to_string().as_str()),
            "{name}"
        );
    }
    assert_eq!(
        defines(&out, "FD_CLOEXEC")[0].split_whitespace().nth(2),
        Some(abi::fs::FD_CLOEXEC.to_string().as_str())
    );
    let defined = out.lines().filter(|l| l.starts_with("#define ")).count();
    assert_eq!(
        defined,
        1 + O_FLAGS.len() + 1 + F_COMMANDS.len() + 1,
        "the guard, the lists, O_NDELAY and FD_CLOEXEC, nothing else"
    );
    assert_eq!(
        out.matches("\nint fcntl(int fd, int cmd, ...);\n").count(),
        1
    );
    assert_eq!(
        out.matches("\nint open(const char *path, int flags, ...);\n")
            .count(),
        1
    );
    assert!(!out.contains("not there yet"));
    // The lists hold every constant of abi::fs, in the same spelling.
    let names: Vec<&str> = O_FLAGS.iter().map(|f| f.0).collect();
    assert_eq!(
        names,
        [
            "O_RDONLY",
            "O_WRONLY",
            "O_RDWR",
            "O_ACCMODE",
            "O_CREAT",
            "O_EXCL",
            "O_TRUNC",
            "O_APPEND",
            "O_NONBLOCK",
            "O_DIRECTORY",
            "O_CLOEXEC",
            "O_NOCTTY"
        ]
    );
    let names: Vec<&str> = F_COMMANDS.iter().map(|f| f.0).collect();
    assert_eq!(
        names,
        [
            "F_DUPFD",
            "F_GETFD",
            "F_SETFD",
            "F_GETFL",
            "F_SETFL",
            "F_DUPFD_CLOEXEC"
        ]
    );
}

/// `limits.h` is written by hand; its `PIPE_BUF` must be the kernel's.
#[test]
fn shim_limits_h_has_the_kernels_pipe_buf() {
    let limits = std::fs::read_to_string(manifest_dir().join("../../ulib/c/include/limits.h"))
        .expect("read ulib/c/include/limits.h");
    assert_eq!(
        defines(&limits, "PIPE_BUF")
            .iter()
            .map(|l| l.split_whitespace().nth(2))
            .collect::<Vec<_>>(),
        [Some(abi::fs::PIPE_BUF.to_string().as_str())]
    );
}

#[test]
fn c_shim_files_are_the_headers_and_the_strerror_table() {
    let files = c_shim_files(&real_table());
    let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        [
            "include/sys/syscall.h",
            "include/errno.h",
            "include/signal.h",
            "include/sys/wait.h",
            "include/fcntl.h",
            "include/sys/stat.h",
            "src/errno_messages.h",
            "src/signal_messages.h"
        ]
    );
    for (name, text) in &files {
        assert!(
            text.contains("by `syscall-gen c-shim` (sysroot/build.sh). Do not edit."),
            "{name}"
        );
        assert!(
            text.lines().all(|l| l.len() <= 100),
            "{name} has a line over 100 columns"
        );
    }
}

/// Compiles every generated C file into a native program that checks the macros against
/// the abi crate's values: each errno and signal number, the aliases, the wait macros on a
/// spread of statuses (against `abi::wait`), and every `strerror` message. Skipped (with a
/// note) only where gcc is missing.
#[test]
fn generated_c_agrees_with_abi_when_compiled() {
    use std::fmt::Write as _;
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("syscall-gen-c-shim-{}", std::process::id()));
    for (name, text) in c_shim_files(&real_table()) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let mut c = String::from(
        "#include <errno.h>\n#include <fcntl.h>\n#include <limits.h>\n#include <signal.h>\n\
         #include <sys/syscall.h>\n#include <sys/wait.h>\n#include <termios.h>\n#include \"errno_messages.h\"\n\
         #include \"signal_messages.h\"\n\
         int puts(const char *s); /* the host's; the shim's stdio.h is not included */\n\
         static int failures;\n\
         static void check(int ok, const char *what) { if (!ok) { puts(what); failures++; } }\n\
         static int same(const char *a, const char *b) {\n\
         \x20   if (!a) return 0;\n\
         \x20   while (*a && *a == *b) { a++; b++; }\n\
         \x20   return *a == *b;\n}\n\
         int main(void) {\n",
    );
    let check = |c: &mut String, cond: String| {
        let _ = writeln!(c, "    check({cond}, {cond:?});");
    };
    for e in abi::Errno::ALL {
        check(&mut c, format!("{} == {}", e.name(), e.as_raw()));
        check(
            &mut c,
            format!("same(errno_messages[{}], \"{}\")", e.as_raw(), e.message()),
        );
    }
    for (alias, e) in abi::Errno::ALIASES {
        check(&mut c, format!("{alias} == {}", e.as_raw()));
    }
    for s in abi::Signal::ALL {
        check(&mut c, format!("{} == {}", s.name(), s.as_raw()));
        check(
            &mut c,
            format!(
                "same(signal_messages[{}], \"{}\")",
                s.as_raw(),
                s.description()
            ),
        );
    }
    for (alias, s) in abi::Signal::ALIASES {
        check(&mut c, format!("{alias} == {}", s.as_raw()));
    }
    check(&mut c, format!("NSIG == {}", abi::signal::NSIG));
    for (name, value, _) in SA_FLAGS {
        check(&mut c, format!("{name} == {value}u"));
    }
    check(
        &mut c,
        "SA_ONESHOT == SA_RESETHAND && SA_NOMASK == SA_NODEFER".into(),
    );
    check(
        &mut c,
        format!(
            "SIG_BLOCK == {} && SIG_UNBLOCK == {} && SIG_SETMASK == {}",
            abi::signal::SIG_BLOCK,
            abi::signal::SIG_UNBLOCK,
            abi::signal::SIG_SETMASK
        ),
    );
    for (name, value) in [
        ("SIG_DFL", abi::signal::SIG_DFL),
        ("SIG_IGN", abi::signal::SIG_IGN),
        ("SIG_ERR", abi::signal::SIG_ERR),
    ] {
        check(
            &mut c,
            format!("(unsigned)(__UINTPTR_TYPE__){name} == {value}u"),
        );
    }
    check(
        &mut c,
        format!(
            "WUNTRACED == {} && WCONTINUED == {}",
            abi::wait::WUNTRACED,
            abi::wait::WCONTINUED
        ),
    );
    for (name, value, _) in O_FLAGS {
        check(&mut c, format!("{name} == {value}u"));
    }
    check(&mut c, "O_NDELAY == O_NONBLOCK".into());
    for (name, value, _) in F_COMMANDS {
        check(&mut c, format!("{name} == {value}"));
    }
    check(&mut c, format!("FD_CLOEXEC == {}", abi::fs::FD_CLOEXEC));
    check(&mut c, format!("PIPE_BUF == {}", abi::fs::PIPE_BUF));
    // termios.h is written by hand; its requests, flags and c_cc indexes must be abi's.
    {
        use abi::tty::*;
        for (name, value) in [
            ("TCGETS", TCGETS),
            ("TCSETS", TCSETS),
            ("TIOCGPGRP", TIOCGPGRP),
            ("TIOCSPGRP", TIOCSPGRP),
            ("TIOCGWINSZ", TIOCGWINSZ),
            ("TCSETSW", TCSETSW),
            ("TCSETSF", TCSETSF),
            ("TCSBRK", TCSBRK),
            ("TCFLSH", TCFLSH),
            ("TIOCSWINSZ", TIOCSWINSZ),
            ("FIONREAD", FIONREAD),
            ("TIOCSCTTY", TIOCSCTTY),
            ("TIOCNOTTY", TIOCNOTTY),
            ("TIOCGSID", TIOCGSID),
            ("TCIFLUSH", TCIFLUSH),
            ("TCOFLUSH", TCOFLUSH),
            ("TCIOFLUSH", TCIOFLUSH),
            ("OPOST", OPOST),
            ("ONLCR", ONLCR),
            ("ICRNL", ICRNL),
            ("ISIG", ISIG),
            ("ICANON", ICANON),
            ("ECHO", ECHO),
        ] {
            check(&mut c, format!("{name} == {value}u"));
        }
        for (name, index) in [
            ("VINTR", VINTR),
            ("VQUIT", VQUIT),
            ("VERASE", VERASE),
            ("VKILL", VKILL),
            ("VEOF", VEOF),
            ("VTIME", VTIME),
            ("VMIN", VMIN),
            ("VSUSP", VSUSP),
            ("VEOL", VEOL),
        ] {
            check(&mut c, format!("{name} == {index}"));
        }
        check(&mut c, format!("NCCS == {NCCS}"));
        check(
            &mut c,
            format!(
                "sizeof(struct winsize) == {}",
                core::mem::size_of::<WinSize>()
            ),
        );
    }
    let statuses = (0..=255)
        .map(abi::wait::exited_status)
        .chain((1..=31).map(abi::wait::signaled_status))
        .chain((1..=31).map(abi::wait::stopped_status))
        .chain([abi::wait::CONTINUED_STATUS, 0x8b, 0x7f]);
    for status in statuses {
        use abi::wait::{wifcontinued, wifstopped, wstopsig};
        check(
            &mut c,
            format!("WIFSTOPPED({status}) == {}", wifstopped(status) as i32),
        );
        if wifstopped(status) {
            check(
                &mut c,
                format!("WSTOPSIG({status}) == {}", wstopsig(status)),
            );
        }
        check(
            &mut c,
            format!("WIFCONTINUED({status}) == {}", wifcontinued(status) as i32),
        );
    }
    let statuses = (0..=255)
        .map(abi::wait::exited_status)
        .chain((1..=31).map(abi::wait::signaled_status))
        .chain([0x137f, 0xffff, 0x8b, 0x7f]);
    for status in statuses {
        use abi::wait::{wexitstatus, wifexited, wifsignaled, wtermsig};
        check(
            &mut c,
            format!("WIFEXITED({status}) == {}", wifexited(status) as i32),
        );
        check(
            &mut c,
            format!("WIFSIGNALED({status}) == {}", wifsignaled(status) as i32),
        );
        check(
            &mut c,
            format!("WEXITSTATUS({status}) == {}", wexitstatus(status)),
        );
        check(
            &mut c,
            format!("WTERMSIG({status}) == {}", wtermsig(status)),
        );
    }
    check(
        &mut c,
        "__lunaix_is_error(-1) && __lunaix_is_error(-4095)".into(),
    );
    check(
        &mut c,
        "!__lunaix_is_error(-4096) && !__lunaix_is_error(0)".into(),
    );
    c.push_str("    return failures != 0;\n}\n");
    let source = dir.join("check.c");
    std::fs::write(&source, &c).unwrap();
    let program = dir.join("check");
    let shim_include = manifest_dir().join("../../ulib/c/include");
    let gcc = Command::new("gcc")
        .args(["-O1", "-Wall", "-Werror", "-Wno-unused-function"])
        .arg("-I")
        .arg(dir.join("include"))
        .arg("-I")
        .arg(&shim_include)
        .arg("-I")
        .arg(dir.join("src"))
        .arg(&source)
        .arg("-o")
        .arg(&program)
        .output();
    let Ok(gcc) = gcc else {
        eprintln!("note: gcc not found; generated_c_agrees_with_abi_when_compiled skipped");
        return;
    };
    assert!(
        gcc.status.success(),
        "gcc rejected the generated C:\n{}",
        String::from_utf8_lossy(&gcc.stderr)
    );
    let run = Command::new(&program)
        .output()
        .expect("run the check program");
    assert!(
        run.status.success(),
        "the generated C disagrees with abi ({}) on:\n{}",
        source.display(),
        String::from_utf8_lossy(&run.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn markdown_table_lists_every_call() {
    let t = real_table();
    let out = markdown_table(&t);
    assert!(out.contains("Generated by syscall-gen"));
    assert!(out.contains("| nr | name | arguments | returns / summary |\n|---:|---|---|---|\n"));
    for c in &t.calls {
        assert!(
            out.contains(&format!("| {} | `{}` | ", c.nr, c.name)),
            "missing {}",
            c.name
        );
    }
    assert!(out.contains("| 1 | `fork` | – | create a child process"));
    assert!(
        out.contains("| 22 | `write` | `fd: i32, buf: ubuf_in<len>, len: usize` | write len bytes")
    );
}

#[test]
fn markdown_escapes_pipes() {
    let out = markdown_table(&parse("1 f() -- a | b").unwrap());
    assert!(out.contains("| 1 | `f` | – | a \\| b |"));
}

#[test]
fn docs_are_not_stale() {
    let docs_path: PathBuf = manifest_dir().join("../../docs/syscalls.md");
    let docs = std::fs::read_to_string(&docs_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", docs_path.display()));
    assert!(
        docs == markdown_table(&real_table()),
        "docs/syscalls.md is stale; regenerate it with\n    cargo run -p syscall-gen -- docs > docs/syscalls.md"
    );
}

// ---------------------------------------------------------------- generated code, compiled

/// The kernel side: `dispatch` generated from `testdata/fixture.tbl`, with stand-ins for the
/// kernel's types. Each handler returns a value that encodes exactly what it received.
mod kernel_side {
    /// Stand-in for the kernel's system-call context.
    #[derive(Debug, Default)]
    pub struct SyscallContext {
        pub eip: usize,
        /// The registers `ebx, ecx, edx, edi, esi`.
        pub regs: [usize; 5],
    }

    impl SyscallContext {
        /// The raw argument registers, as the kernel's context reads them from the frame.
        pub fn args(&self) -> [usize; 5] {
            self.regs
        }
    }

    /// Stand-in for `abi::Errno`.
    #[derive(Debug, PartialEq, Eq)]
    pub enum Errno {
        Inval,
    }

    /// Stand-in for the kernel's checked user address.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct UserAddr(pub usize);

    impl UserAddr {
        pub fn new(addr: usize) -> UserAddr {
            UserAddr(addr)
        }
    }

    /// Stand-ins for the kernel's buffer directions.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct In;
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Out;

    /// Stand-in for the kernel's user buffer.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct UserSlice<D>(pub usize, pub usize, core::marker::PhantomData<D>);

    impl<D> UserSlice<D> {
        pub fn new(addr: usize, len: usize) -> UserSlice<D> {
            UserSlice(addr, len, core::marker::PhantomData)
        }
    }

    /// Stand-in for the kernel's typed user pointer.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct UserPtr<T>(pub usize, core::marker::PhantomData<T>);

    impl<T> UserPtr<T> {
        pub fn new(addr: usize) -> UserPtr<T> {
            UserPtr(addr, core::marker::PhantomData)
        }
    }

    /// Stand-in for `abi` (the generated code names `abi::time::Timespec`).
    pub mod abi {
        pub mod time {
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub struct Timespec;
        }
    }

    pub mod handlers {
        use super::abi::time::Timespec;
        use super::{Errno, In, Out, SyscallContext, UserAddr, UserPtr, UserSlice};
        use std::cell::RefCell;

        thread_local! {
            /// What the last handler saw, as text.
            pub static SEEN: RefCell<String> = const { RefCell::new(String::new()) };
        }

        fn record(s: String) {
            SEEN.with(|seen| *seen.borrow_mut() = s);
        }

        pub fn sys_no_args(_ctx: &mut SyscallContext) -> Result<usize, Errno> {
            record("no_args".into());
            Ok(100)
        }

        pub fn sys_framed(ctx: &mut SyscallContext, code: i32) -> Result<usize, Errno> {
            record(format!("framed eip={:#x} code={code}", ctx.eip));
            ctx.eip += 2;
            if code < 0 {
                Err(Errno::Inval)
            } else {
                Ok(code as usize)
            }
        }

        pub fn sys_typed(
            ctx: &mut SyscallContext,
            buf: UserSlice<In>,
            p: UserPtr<i32>,
            t: UserPtr<Timespec>,
            e: usize,
        ) -> Result<usize, Errno> {
            record(format!(
                "typed eip={:#x} buf={:#x}+{} p={:#x} t={:#x} {e:#x}",
                ctx.eip, buf.0, buf.1, p.0, t.0
            ));
            Ok(5)
        }

        pub fn sys_filled(_ctx: &mut SyscallContext, out: UserSlice<Out>) -> Result<usize, Errno> {
            record(format!("filled out={:#x}+{}", out.0, out.1));
            Ok(11)
        }

        pub fn sys_all_types(
            _ctx: &mut SyscallContext,
            a: i32,
            b: u32,
            c: usize,
            d: isize,
            e: UserAddr,
        ) -> Result<usize, Errno> {
            record(format!("all_types {a} {b} {c} {d} {e:?}"));
            Ok(7)
        }

        pub fn sys_diverges(_ctx: &mut SyscallContext, status: i32) -> ! {
            panic!("diverges({status})");
        }
    }

    include!(concat!(env!("OUT_DIR"), "/fixture_dispatch.rs"));
}

fn seen() -> String {
    kernel_side::handlers::SEEN.with(|s| s.borrow().clone())
}

/// Calls the generated dispatch with `regs` in the caller's argument registers.
fn dispatch(
    ctx: &mut kernel_side::SyscallContext,
    nr: usize,
    regs: [usize; 5],
) -> Option<Result<usize, kernel_side::Errno>> {
    ctx.regs = regs;
    kernel_side::dispatch(ctx, nr)
}

#[test]
fn generated_dispatch_routes_and_converts() {
    use kernel_side::{Errno, SyscallContext};
    let mut frame = SyscallContext {
        eip: 0x1000,
        ..SyscallContext::default()
    };

    assert_eq!(dispatch(&mut frame, 1, [9; 5]), Some(Ok(100)));
    assert_eq!(seen(), "no_args");

    assert_eq!(dispatch(&mut frame, 3, [42, 0, 0, 0, 0]), Some(Ok(42)));
    assert_eq!(seen(), "framed eip=0x1000 code=42");
    assert_eq!(
        frame.eip, 0x1002,
        "the handler got the caller's context, mutably"
    );
    assert_eq!(
        dispatch(&mut frame, 3, [usize::MAX, 0, 0, 0, 0]),
        Some(Err(Errno::Inval))
    );
    assert_eq!(seen(), "framed eip=0x1002 code=-1");

    assert_eq!(
        dispatch(&mut frame, 5, [0xa, 11, 0xc, 0xd, 0xe]),
        Some(Ok(5))
    );
    assert_eq!(seen(), "typed eip=0x1004 buf=0xa+11 p=0xc t=0xd 0xe");

    assert_eq!(dispatch(&mut frame, 11, [7, 0xb0, 0, 0, 0]), Some(Ok(11)));
    assert_eq!(seen(), "filled out=0xb0+7");

    let minus_one = usize::MAX;
    assert_eq!(
        dispatch(
            &mut frame,
            7,
            [minus_one, minus_one, minus_one, minus_one, 0xbfff_f000]
        ),
        Some(Ok(7))
    );
    assert_eq!(
        seen(),
        format!(
            "all_types -1 {} {} -1 UserAddr({})",
            u32::MAX as usize & minus_one,
            usize::MAX,
            0xbfff_f000usize
        )
    );
}

#[test]
fn generated_dispatch_rejects_unknown_numbers() {
    let mut frame = kernel_side::SyscallContext::default();
    for nr in [0, 2, 4, 6, 8, 10, 128, usize::MAX] {
        assert_eq!(dispatch(&mut frame, nr, [0; 5]), None, "{nr}");
    }
}

#[test]
fn generated_dispatch_calls_diverging_handlers() {
    let mut frame = kernel_side::SyscallContext::default();
    let result = std::panic::catch_unwind(move || {
        let _ = dispatch(&mut frame, 9, [3, 0, 0, 0, 0]);
    });
    let payload = result.expect_err("the diverging handler ran");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert_eq!(message, "diverges(3)");
}

/// The user side: wrappers generated from `testdata/fixture.tbl` over a fake `syscall` that
/// records its registers.
#[allow(unsafe_code)]
mod user_side {
    use std::cell::Cell;

    pub mod nr {
        /// Stand-in for `abi::nr::SyscallInfo`.
        #[allow(dead_code)]
        pub struct SyscallInfo {
            pub nr: usize,
            pub name: &'static str,
            pub args: &'static [&'static str],
        }

        include!(concat!(env!("OUT_DIR"), "/fixture_numbers.rs"));
    }

    thread_local! {
        /// The registers of the last call: eax, ebx, ecx, edx, edi, esi.
        pub static REGS: Cell<[usize; 6]> = const { Cell::new([0; 6]) };
    }

    /// Stand-in for ulib's raw trap: records the registers and returns `-22`.
    ///
    /// # Safety
    ///
    /// Always safe; `unsafe` only to match ulib's signature.
    pub unsafe fn syscall(
        nr: usize,
        a1: usize,
        a2: usize,
        a3: usize,
        a4: usize,
        a5: usize,
    ) -> isize {
        REGS.with(|r| r.set([nr, a1, a2, a3, a4, a5]));
        -22
    }

    include!(concat!(env!("OUT_DIR"), "/fixture_wrappers.rs"));
}

#[test]
#[allow(unsafe_code)]
fn generated_wrappers_pass_registers_in_order() {
    use user_side::*;
    let regs = || REGS.with(|r| r.get());

    // SAFETY: the fake `syscall` touches no memory the arguments name.
    assert_eq!(unsafe { sys_no_args() }, -22);
    assert_eq!(regs(), [1, 0, 0, 0, 0, 0]);

    // SAFETY: as above.
    unsafe { sys_all_types(-1, 0xffff_fffe, 3, -4, 0x1234) };
    assert_eq!(
        regs(),
        [7, usize::MAX, 0xffff_fffe, 3, (-4isize) as usize, 0x1234]
    );

    // SAFETY: as above.
    unsafe { sys_framed(9) };
    assert_eq!(regs(), [3, 9, 0, 0, 0, 0]);

    // SAFETY: as above.
    unsafe { sys_typed(1, 2, 3, 4, 5) };
    assert_eq!(regs(), [5, 1, 2, 3, 4, 5]);

    // SAFETY: as above.
    unsafe { sys_filled(6, 0x70) };
    assert_eq!(regs(), [11, 6, 0x70, 0, 0, 0]);

    // SAFETY: as above.
    unsafe { sys_diverges(-3) };
    assert_eq!(regs(), [9, (-3isize) as usize, 0, 0, 0, 0]);

    assert_eq!(nr::SYSCALLS.len(), 6);
    assert_eq!(nr::ALL_TYPES, 7);
}

//! The model and parser of `kernel/abi/syscalls.tbl`, and the one place that reads it.
//!
//! Everything that needs the real table calls [`abi_table`]: the build scripts of `abi`
//! (which compiles this file directly, see its `build.rs`), the kernel and ulib (through
//! `syscall-gen`), and the `syscall-gen` command. [`rust_numbers`], the body of `abi::nr`,
//! lives here too because `abi`'s build script can use nothing else of `syscall-gen`.
//!
//! # Table format
//!
//! One call per line: `<nr>  <name>(<args>)  -- <summary>`. Blank lines and lines whose first
//! non-blank character is `#` are ignored. `<args>` is a comma-separated list of `name: type`
//! with `type` one of `i32 u32 usize isize uptr ubuf_in<len> ubuf_out<len> uptr<T>`; at most
//! five of them. `uptr` is a raw user-space address (NULL-terminated arrays, strings);
//! `ubuf_in<len>` a user byte buffer the kernel reads and `ubuf_out<len>` one it fills, whose
//! length is the `usize` argument `len` (the handler receives one `UserSlice<In>` or
//! `UserSlice<Out>` for both); `uptr<T>` a pointer to one `T` (`i32`, `u32`, `timespec`, `sigset`, `sigaction`, `fdpair`, `i64` or `stat`; the
//! handler receives a `UserPtr<T>`). Every handler receives the caller's `SyscallContext`
//! (its process and trap frame) before its arguments. The summary (everything after the first ` -- `) must
//! not be empty. Names and argument names are lowercase identifiers. Duplicate names,
//! numbers or argument names are errors.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

/// Most user-visible arguments a call can take: `ebx, ecx, edx, edi, esi`.
pub const MAX_ARGS: usize = 5;

/// The parsed table: every call, ordered by number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The calls, sorted by ascending number.
    pub calls: Vec<Syscall>,
}

/// One system call of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Syscall {
    /// The call number (the value in `eax`).
    pub nr: usize,
    /// The call's name, a lowercase identifier (`fork`).
    pub name: String,
    /// The user-visible arguments, in register order (`ebx, ecx, edx, edi, esi`).
    pub args: Vec<Arg>,
    /// One-line description, used in doc comments and the docs table.
    pub summary: String,
}

/// One user-visible argument of a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The argument's name, a lowercase identifier.
    pub name: String,
    /// The argument's type.
    pub ty: ArgType,
}

/// The type of an argument as the table spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArgType {
    /// `i32`: a signed 32-bit value.
    I32,
    /// `u32`: an unsigned 32-bit value.
    U32,
    /// `usize`: a machine word (sizes, addresses the kernel does not dereference).
    Usize,
    /// `isize`: a signed machine word.
    Isize,
    /// `uptr`: an untrusted user-space address the kernel may dereference.
    UserAddr,
    /// `ubuf_in<len>` / `ubuf_out<len>`: a user byte buffer the kernel reads (data flows in,
    /// as `write`'s) or fills (data flows out, as `read`'s); `len_arg` is the index of its
    /// length argument.
    UserBuf {
        /// Index (in register order) of the `usize` argument holding the length.
        len_arg: usize,
        /// Which way the bytes go.
        flow: Flow,
    },
    /// `uptr<T>`: a pointer to one value of type `T`.
    UserPtr(Pointee),
}

/// Which way a user buffer's bytes go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flow {
    /// `ubuf_in`: from the program into the kernel; the kernel only reads the buffer.
    In,
    /// `ubuf_out`: from the kernel out to the program; the kernel only writes the buffer.
    Out,
}

impl Flow {
    fn table_name(self) -> &'static str {
        match self {
            Flow::In => "ubuf_in",
            Flow::Out => "ubuf_out",
        }
    }

    /// The kernel's marker type for this direction (`mm::user::In` / `Out`).
    fn kernel_marker(self) -> &'static str {
        match self {
            Flow::In => "In",
            Flow::Out => "Out",
        }
    }
}

/// What a typed user pointer (`uptr<T>`) points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pointee {
    /// `i32`.
    I32,
    /// `u32`.
    U32,
    /// `timespec`: `struct timespec { i32 tv_sec; i32 tv_nsec; }`.
    Timespec,
    /// `sigset`: `sigset_t`, one 32-bit word of signal bits.
    SigSet,
    /// `sigaction`: `struct sigaction`, Linux i386's old 16-byte layout.
    SigAction,
    /// `fdpair`: `int[2]`, what `pipe2` stores.
    FdPair,
    /// `i64`: a 64-bit signed integer (a file offset).
    I64,
    /// `stat`: `struct stat`, what `stat` and `fstat` store.
    Stat,
}

impl Pointee {
    fn from_table(s: &str) -> Option<Pointee> {
        match s {
            "i32" => Some(Pointee::I32),
            "u32" => Some(Pointee::U32),
            "timespec" => Some(Pointee::Timespec),
            "sigset" => Some(Pointee::SigSet),
            "sigaction" => Some(Pointee::SigAction),
            "fdpair" => Some(Pointee::FdPair),
            "i64" => Some(Pointee::I64),
            "stat" => Some(Pointee::Stat),
            _ => None,
        }
    }

    fn table_name(self) -> &'static str {
        match self {
            Pointee::I32 => "i32",
            Pointee::U32 => "u32",
            Pointee::Timespec => "timespec",
            Pointee::SigSet => "sigset",
            Pointee::SigAction => "sigaction",
            Pointee::FdPair => "fdpair",
            Pointee::I64 => "i64",
            Pointee::Stat => "stat",
        }
    }

    pub(crate) fn rust_type(self) -> &'static str {
        match self {
            Pointee::I32 => "i32",
            Pointee::U32 => "u32",
            Pointee::Timespec => "abi::time::Timespec",
            Pointee::SigSet => "abi::signal::SigSet",
            Pointee::SigAction => "abi::signal::SigAction",
            Pointee::FdPair => "abi::fs::FdPair",
            Pointee::I64 => "i64",
            Pointee::Stat => "abi::fs::Stat",
        }
    }

    pub(crate) fn c_pointer(self) -> &'static str {
        match self {
            Pointee::I32 => "int *",
            Pointee::U32 => "unsigned int *",
            Pointee::Timespec => "struct timespec *",
            Pointee::SigSet => "sigset_t *",
            Pointee::SigAction => "struct sigaction *",
            Pointee::FdPair => "int *",
            Pointee::I64 => "long long *",
            Pointee::Stat => "struct stat *",
        }
    }
}

impl ArgType {
    /// Parses the table spelling of a type.
    pub fn from_table(s: &str) -> Option<ArgType> {
        match s {
            "i32" => Some(ArgType::I32),
            "u32" => Some(ArgType::U32),
            "usize" => Some(ArgType::Usize),
            "isize" => Some(ArgType::Isize),
            "uptr" => Some(ArgType::UserAddr),
            _ => s
                .strip_prefix("uptr<")
                .and_then(|rest| rest.strip_suffix('>'))
                .and_then(Pointee::from_table)
                .map(ArgType::UserPtr),
        }
    }

    /// The table spelling of the type (`uptr` for [`ArgType::UserAddr`]). A `ubuf_in<len>`
    /// spells its length argument's name: see [`Syscall::arg_spelling`].
    pub fn table_name(self) -> String {
        match self {
            ArgType::I32 => "i32".into(),
            ArgType::U32 => "u32".into(),
            ArgType::Usize => "usize".into(),
            ArgType::Isize => "isize".into(),
            ArgType::UserAddr => "uptr".into(),
            ArgType::UserBuf { flow, .. } => flow.table_name().into(),
            ArgType::UserPtr(p) => format!("uptr<{}>", p.table_name()),
        }
    }

    /// The Rust type ulib's raw wrappers take for this argument (`usize` for addresses:
    /// the caller casts its pointer).
    pub(crate) fn ulib_type(self) -> String {
        match self {
            ArgType::UserAddr | ArgType::UserBuf { .. } | ArgType::UserPtr(_) => "usize".into(),
            other => other.table_name(),
        }
    }

    /// The kernel-side expression converting the raw register `args[i]` to this type.
    pub(crate) fn kernel_conversion(self, i: usize) -> String {
        match self {
            ArgType::I32 => format!("args[{i}] as i32"),
            ArgType::U32 => format!("args[{i}] as u32"),
            ArgType::Usize => format!("args[{i}]"),
            ArgType::Isize => format!("args[{i}] as isize"),
            ArgType::UserAddr => format!("UserAddr::new(args[{i}])"),
            ArgType::UserBuf { len_arg, flow } => format!(
                "UserSlice::<{}>::new(args[{i}], args[{len_arg}])",
                flow.kernel_marker()
            ),
            ArgType::UserPtr(p) => format!("UserPtr::<{}>::new(args[{i}])", p.rust_type()),
        }
    }

    /// The C type used in the docs and header comments.
    pub(crate) fn c_type(self) -> &'static str {
        match self {
            ArgType::I32 => "int",
            ArgType::U32 => "unsigned int",
            ArgType::Usize => "size_t",
            ArgType::Isize => "ssize_t",
            ArgType::UserAddr
            | ArgType::UserBuf {
                flow: Flow::Out, ..
            } => "void *",
            ArgType::UserBuf { flow: Flow::In, .. } => "const void *",
            ArgType::UserPtr(p) => p.c_pointer(),
        }
    }
}

impl Syscall {
    /// How the table spells argument `i`'s type (`ubuf_in<len>` with its length's name).
    pub fn arg_spelling(&self, i: usize) -> String {
        match self.args[i].ty {
            ArgType::UserBuf { len_arg, flow } => {
                format!("{}<{}>", flow.table_name(), self.args[len_arg].name)
            }
            ty => ty.table_name(),
        }
    }

    /// True when argument `i` is some `ubuf_*`'s length: the kernel handler gets it inside the
    /// `UserSlice`, not on its own.
    pub(crate) fn is_buffer_length(&self, i: usize) -> bool {
        self.args
            .iter()
            .any(|a| matches!(a.ty, ArgType::UserBuf { len_arg, .. } if len_arg == i))
    }
}

/// Why the table was rejected, and on which line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number in the table.
    pub line: usize,
    /// What is wrong with that line.
    pub kind: ParseErrorKind,
}

/// The kinds of table errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// The line does not have the shape `<nr> <name>(<args>) -- <summary>`.
    Malformed(String),
    /// A name (call or argument) is not a lowercase identifier, or is a Rust keyword.
    BadIdentifier(String),
    /// The name was already used on `first_line`.
    DuplicateName {
        /// The repeated call name.
        name: String,
        /// Where it was first defined.
        first_line: usize,
    },
    /// The number was already used on `first_line`.
    DuplicateNumber {
        /// The repeated call number.
        nr: usize,
        /// Where it was first used.
        first_line: usize,
    },
    /// An argument type other than `i32 u32 usize isize uptr ubuf_in<len> ubuf_out<len> uptr<T>`.
    UnknownType(String),
    /// `ubuf_in<len>` or `ubuf_out<len>` names no `usize` argument of the call.
    BadBufferLength(String),
    /// Two arguments of one call share a name.
    DuplicateArg(String),
    /// More than [`MAX_ARGS`] user-visible arguments.
    TooManyArgs(usize),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "syscalls.tbl line {}: ", self.line)?;
        match &self.kind {
            ParseErrorKind::Malformed(why) => write!(f, "malformed line: {why}"),
            ParseErrorKind::BadIdentifier(name) => write!(
                f,
                "`{name}` is not a valid name (lowercase identifier, not a Rust keyword)"
            ),
            ParseErrorKind::DuplicateName { name, first_line } => write!(
                f,
                "duplicate system call name `{name}` (first defined on line {first_line})"
            ),
            ParseErrorKind::DuplicateNumber { nr, first_line } => write!(
                f,
                "duplicate system call number {nr} (first used on line {first_line})"
            ),
            ParseErrorKind::UnknownType(ty) => write!(
                f,
                "unknown argument type `{ty}` (expected one of i32, u32, usize, isize, uptr, \
                 ubuf_in<len>, ubuf_out<len>, uptr<i32>, uptr<u32>, uptr<timespec>, uptr<sigset>, uptr<sigaction>, uptr<fdpair>, uptr<i64>, uptr<stat>)"
            ),
            ParseErrorKind::BadBufferLength(name) => write!(
                f,
                "`ubuf_*<{name}>`: the call has no `usize` argument named `{name}`"
            ),
            ParseErrorKind::DuplicateArg(name) => write!(f, "duplicate argument name `{name}`"),
            ParseErrorKind::TooManyArgs(n) => write!(
                f,
                "{n} arguments, but at most {MAX_ARGS} fit in registers (ebx, ecx, edx, edi, esi)"
            ),
        }
    }
}

impl std::error::Error for ParseError {}

/// Rust keywords (strict and reserved) that cannot be used as generated identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

/// Names the generated code itself uses as parameters or locals; an argument so named would
/// shadow them.
const RESERVED_ARG_NAMES: &[&str] = &["ctx", "frame", "nr", "args", "ret"];

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && s != "_"
}

/// Checks a call name. Call names only appear prefixed (`sys_`, `SYS_`) or upper-cased, so
/// keywords such as `yield` are fine.
fn check_call_name(name: &str, line: usize) -> Result<(), ParseError> {
    if is_identifier(name) {
        Ok(())
    } else {
        Err(ParseError {
            line,
            kind: ParseErrorKind::BadIdentifier(name.to_string()),
        })
    }
}

/// Checks an argument name, which appears bare in generated Rust and C code.
fn check_arg_name(name: &str, line: usize) -> Result<(), ParseError> {
    if is_identifier(name) && !KEYWORDS.contains(&name) && !RESERVED_ARG_NAMES.contains(&name) {
        Ok(())
    } else {
        Err(ParseError {
            line,
            kind: ParseErrorKind::BadIdentifier(name.to_string()),
        })
    }
}

fn malformed(line: usize, why: &str) -> ParseError {
    ParseError {
        line,
        kind: ParseErrorKind::Malformed(why.to_string()),
    }
}

/// Parses one non-comment line.
fn parse_line(text: &str, line: usize) -> Result<Syscall, ParseError> {
    let (decl, summary) = text
        .split_once(" -- ")
        .ok_or_else(|| malformed(line, "expected `<nr> <name>(<args>) -- <summary>`"))?;
    let summary = summary.trim();
    if summary.is_empty() {
        return Err(malformed(line, "empty summary after `--`"));
    }
    let decl = decl.trim();
    let (nr_text, call) = decl
        .split_once(char::is_whitespace)
        .ok_or_else(|| malformed(line, "expected a number, then `<name>(<args>)`"))?;
    let nr: usize = nr_text
        .parse()
        .map_err(|_| malformed(line, &format!("`{nr_text}` is not a decimal call number")))?;
    let call = call.trim();
    let (name, rest) = call
        .split_once('(')
        .ok_or_else(|| malformed(line, "expected `(` after the call name"))?;
    let name = name.trim();
    check_call_name(name, line)?;
    let arg_list = rest
        .strip_suffix(')')
        .ok_or_else(|| malformed(line, "expected the argument list to end with `)`"))?;
    if arg_list.contains(['(', ')']) {
        return Err(malformed(
            line,
            "unbalanced parentheses in the argument list",
        ));
    }

    let mut args: Vec<Arg> = Vec::new();
    // (index of a `ubuf_*`, its direction, the name of its length argument), resolved once
    // all are known.
    let mut buffers: Vec<(usize, Flow, String)> = Vec::new();
    if !arg_list.trim().is_empty() {
        for item in arg_list.split(',').map(str::trim) {
            if item.is_empty() {
                return Err(malformed(line, "empty argument in the argument list"));
            }
            let (arg_name, ty) = item
                .split_once(':')
                .ok_or_else(|| malformed(line, &format!("argument `{item}` lacks `: type`")))?;
            let arg_name = arg_name.trim();
            let ty = ty.trim();
            check_arg_name(arg_name, line)?;
            let buffer = [Flow::In, Flow::Out].into_iter().find_map(|flow| {
                ty.strip_prefix(flow.table_name())
                    .and_then(|rest| rest.strip_prefix('<'))
                    .and_then(|rest| rest.strip_suffix('>'))
                    .map(|len_name| (flow, len_name))
            });
            let ty = match buffer {
                Some((flow, len_name)) => {
                    buffers.push((args.len(), flow, len_name.trim().to_string()));
                    ArgType::UserBuf {
                        len_arg: usize::MAX,
                        flow,
                    }
                }
                None => ArgType::from_table(ty).ok_or_else(|| ParseError {
                    line,
                    kind: ParseErrorKind::UnknownType(ty.to_string()),
                })?,
            };
            if args.iter().any(|a| a.name == arg_name) {
                return Err(ParseError {
                    line,
                    kind: ParseErrorKind::DuplicateArg(arg_name.to_string()),
                });
            }
            args.push(Arg {
                name: arg_name.to_string(),
                ty,
            });
        }
    }
    if args.len() > MAX_ARGS {
        return Err(ParseError {
            line,
            kind: ParseErrorKind::TooManyArgs(args.len()),
        });
    }
    for (buffer, flow, len_name) in buffers {
        let len_arg = args
            .iter()
            .position(|a| a.name == len_name && a.ty == ArgType::Usize)
            .ok_or_else(|| ParseError {
                line,
                kind: ParseErrorKind::BadBufferLength(len_name.clone()),
            })?;
        args[buffer].ty = ArgType::UserBuf { len_arg, flow };
    }
    Ok(Syscall {
        nr,
        name: name.to_string(),
        args,
        summary: summary.to_string(),
    })
}

/// Parses and validates the table text. The result is sorted by call number.
pub fn parse(text: &str) -> Result<Table, ParseError> {
    let mut calls = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut numbers: HashMap<usize, usize> = HashMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let call = parse_line(trimmed, line)?;
        if let Some(&first_line) = names.get(&call.name) {
            return Err(ParseError {
                line,
                kind: ParseErrorKind::DuplicateName {
                    name: call.name,
                    first_line,
                },
            });
        }
        if let Some(&first_line) = numbers.get(&call.nr) {
            return Err(ParseError {
                line,
                kind: ParseErrorKind::DuplicateNumber {
                    nr: call.nr,
                    first_line,
                },
            });
        }
        names.insert(call.name.clone(), line);
        numbers.insert(call.nr, line);
        calls.push(call);
    }
    calls.sort_by_key(|c| c.nr);
    Ok(Table { calls })
}

/// Path of the table relative to the repository root, quoted in generated headers.
pub const TABLE_PATH: &str = "kernel/abi/syscalls.tbl";

/// The text of the table, embedded when this file is compiled: the only place its location
/// is spelled out, and the reason a changed table rebuilds everything generated from it.
const ABI_TABLE_TEXT: &str = include_str!("../../abi/syscalls.tbl");

/// The system call table of this source tree, parsed.
///
/// The error names the offending line (`syscalls.tbl line 7: duplicate system call number 3
/// ...`); build scripts panic with it, which fails the build.
pub fn abi_table() -> Result<Table, ParseError> {
    parse(ABI_TABLE_TEXT)
}

/// The Rust constant name of a call (`FORK`).
pub(crate) fn const_name(call: &Syscall) -> String {
    call.name.to_ascii_uppercase()
}

/// `pid: i32, status: uptr<i32>` as the table writes it (empty for none).
pub(crate) fn table_signature(call: &Syscall) -> String {
    call.args
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{}: {}", a.name, call.arg_spelling(i)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Generates the body of `abi::nr`: one `pub const NAME: usize` per call and `SYSCALLS`, a
/// `&[SyscallInfo]` ordered by number (the includer defines `SyscallInfo`).
pub fn rust_numbers(t: &Table) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "// Generated from {TABLE_PATH} by syscall-gen. Do not edit."
    );
    for call in &t.calls {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "/// `{}({})`: {}",
            call.name,
            table_signature(call),
            call.summary
        );
        let _ = writeln!(out, "pub const {}: usize = {};", const_name(call), call.nr);
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "/// Every system call of the table, ordered by number."
    );
    let _ = writeln!(out, "pub const SYSCALLS: &[SyscallInfo] = &[");
    for call in &t.calls {
        let args = call
            .args
            .iter()
            .map(|a| format!("{:?}", a.name))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "    SyscallInfo {{ nr: {}, name: {:?}, args: &[{}] }},",
            const_name(call),
            call.name,
            args
        );
    }
    let _ = writeln!(out, "];");
    out
}

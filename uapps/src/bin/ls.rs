//! `ls [-l] [-a] [path...]`: lists directories, one name per line, sorted by byte value.
//!
//! - Without a path it lists `.`. A file operand lists itself (as written); with several
//!   operands the files come first, then each directory under a `<path>:` line, separated
//!   by blank lines, as GNU `ls` does.
//! - `-a` also shows names starting with `.`, including `.` and `..`.
//! - `-l` shows the mode string (`drwxr-xr-x`), the link count and the size before each name.
//!
//! A path that cannot be listed is reported (`ls: <path>: <message>`); the status is then 1.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

use uapps::out;
use uapps::tool::{Opt, Opts, Tool, join};
use ulib::fs::{self, FileStat, FileType};

ulib::entry!(main);

const HELP: &str = "  -a  also names starting with '.'\n  -l  mode, links and size too\n";

/// What to show.
#[derive(Clone, Copy)]
struct Show {
    all: bool,
    long: bool,
}

/// A name to list, with its status when `-l` needs it.
struct Entry {
    name: String,
    stat: Option<FileStat>,
}

fn main() -> i32 {
    let mut tool = Tool::new("ls", "[-l] [-a] [path...]", HELP);
    let mut opts = Opts::from_env();
    let mut show = Show {
        all: false,
        long: false,
    };
    for opt in opts.by_ref() {
        match opt {
            Opt::Flag('a') => show.all = true,
            Opt::Flag('l') => show.long = true,
            other => return tool.reject(other),
        }
    }
    let operands: &[&str] = match opts.operands() {
        [] => &["."],
        some => some,
    };
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for &path in operands {
        match fs::stat(path) {
            Ok(st) if st.is_dir() => dirs.push(path),
            Ok(st) => files.push(Entry {
                name: String::from(path),
                stat: Some(st),
            }),
            Err(e) => tool.error(path, e),
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    dirs.sort_unstable();
    print_entries(&mut tool, &files, show);
    let headers = operands.len() > 1;
    for (i, dir) in dirs.iter().enumerate() {
        if headers {
            if i > 0 || !files.is_empty() {
                tool.out(b"\n");
            }
            out!(tool, "{dir}:\n");
        }
        match list(dir, show) {
            Ok(entries) => print_entries(&mut tool, &entries, show),
            Err(e) => tool.error(dir, e),
        }
    }
    tool.finish(0)
}

/// The entries of directory `dir`, sorted.
fn list(dir: &str, show: Show) -> Result<Vec<Entry>, ulib::errno::Errno> {
    let mut names: Vec<String> = fs::read_dir(dir)?
        .into_iter()
        .map(|e| e.name)
        .filter(|name| show.all || !name.starts_with('.'))
        .collect();
    if show.all {
        names.push(String::from("."));
        names.push(String::from(".."));
    }
    names.sort_unstable();
    Ok(names
        .into_iter()
        .filter_map(|name| {
            let stat = if show.long {
                // A name that vanished meanwhile is left out.
                Some(fs::stat(&join(dir, &name)).ok()?)
            } else {
                None
            };
            Some(Entry { name, stat })
        })
        .collect())
}

fn print_entries(tool: &mut Tool, entries: &[Entry], show: Show) {
    if !show.long {
        for e in entries {
            out!(tool, "{}\n", e.name);
        }
        return;
    }
    let width = |f: fn(&FileStat) -> u64| {
        entries
            .iter()
            .filter_map(|e| e.stat.as_ref())
            .map(|st| digits(f(st)))
            .max()
            .unwrap_or(1)
    };
    let links = width(|st| u64::from(st.nlink));
    let sizes = width(|st| st.size);
    for e in entries {
        if let Some(st) = &e.stat {
            out!(
                tool,
                "{} {:>links$} {:>sizes$} {}\n",
                mode_string(st),
                st.nlink,
                st.size,
                e.name
            );
        }
    }
}

/// Decimal digits of `n`.
fn digits(mut n: u64) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// `drwxr-xr-x`: the kind, then read, write and execute for owner, group and others (with
/// `s`/`S` for set-user/group-id and `t`/`T` for sticky).
fn mode_string(st: &FileStat) -> String {
    let kind = match st.kind() {
        Some(FileType::Dir) => 'd',
        Some(FileType::CharDevice) => 'c',
        Some(FileType::Fifo) => 'p',
        Some(FileType::Symlink) => 'l',
        Some(FileType::File) => '-',
        None => '?',
    };
    let mode = st.permissions();
    let mut s = String::with_capacity(10);
    s.push(kind);
    // (shift of the rwx triple, special bit, letter when special and executable)
    for (shift, special, letter) in [(6, 0o4000, 's'), (3, 0o2000, 's'), (0, 0o1000, 't')] {
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(match (mode & special != 0, bits & 1 != 0) {
            (true, true) => letter,
            (true, false) => letter.to_ascii_uppercase(),
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    s
}

//! `rm [-r] [-f] path...`: removes files, and with `-r` directories and everything in them.
//!
//! - A directory without `-r` is refused (`rm: <path>: is a directory`).
//! - `-f` says nothing about a path that does not exist (and the status stays 0).
//! - `.`, `..` and `/` are never removed.
//!
//! A path that cannot be removed is reported (`rm: <path>: <message>`); the status is then 1.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use uapps::tool::{Opt, Opts, Tool, join};
use ulib::errno::Errno;
use ulib::fs::{self, FileType};

ulib::entry!(main);

const HELP: &str = "  -r  remove directories and their contents
  -f  ignore paths that do not exist
";

fn main() -> i32 {
    let mut tool = Tool::new("rm", "[-r] [-f] path...", HELP);
    let mut opts = Opts::from_env();
    let (mut recursive, mut force) = (false, false);
    for opt in opts.by_ref() {
        match opt {
            Opt::Flag('r' | 'R') => recursive = true,
            Opt::Flag('f') => force = true,
            other => return tool.reject(other),
        }
    }
    let paths = opts.operands();
    if paths.is_empty() && !force {
        return tool.usage_error(format_args!("missing operand"));
    }
    for &path in paths {
        let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if last.is_empty() || last == "." || last == ".." {
            tool.error_msg(path, format_args!("refusing to remove '.', '..' or '/'"));
            continue;
        }
        let stat = match fs::stat(path) {
            Ok(st) => st,
            Err(Errno::ENOENT) if force => continue,
            Err(e) => {
                tool.error(path, e);
                continue;
            }
        };
        if !stat.is_dir() {
            if let Err(e) = fs::unlink(path) {
                tool.error(path, e);
            }
        } else if recursive {
            remove_tree(&mut tool, path);
        } else {
            tool.error_msg(path, format_args!("is a directory"));
        }
    }
    tool.finish(0)
}

/// Removes the directory `dir` after everything in it, reporting what fails; whether it
/// went.
fn remove_tree(tool: &mut Tool, dir: &str) -> bool {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            tool.error(dir, e);
            return false;
        }
    };
    let mut emptied = true;
    for entry in entries {
        let path = join(dir, &entry.name);
        if entry.kind == FileType::Dir {
            emptied &= remove_tree(tool, &path);
        } else if let Err(e) = fs::unlink(&path) {
            tool.error(&path, e);
            emptied = false;
        }
    }
    if !emptied {
        // The reason was reported for what stayed inside.
        return false;
    }
    match fs::rmdir(dir) {
        Ok(()) => true,
        Err(e) => {
            tool.error(dir, e);
            false
        }
    }
}

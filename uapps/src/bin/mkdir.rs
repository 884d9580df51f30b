//! `mkdir [-p] dir...`: creates directories (permission bits 0755).
//!
//! With `-p`, missing parents are created too and an existing directory is no error. A
//! directory that cannot be made is reported (`mkdir: <dir>: File exists`); the status is
//! then 1.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use uapps::tool::{Opt, Opts, Tool};
use ulib::errno::Errno;
use ulib::fs;

ulib::entry!(main);

const MODE: u32 = 0o755;

fn main() -> i32 {
    let mut tool = Tool::new(
        "mkdir",
        "[-p] dir...",
        "  -p  make parents as needed; no error if a directory exists\n",
    );
    let mut opts = Opts::from_env();
    let mut parents = false;
    for opt in opts.by_ref() {
        match opt {
            Opt::Flag('p') => parents = true,
            other => return tool.reject(other),
        }
    }
    let dirs = opts.operands();
    if dirs.is_empty() {
        return tool.usage_error(format_args!("missing operand"));
    }
    for &dir in dirs {
        let made = if parents {
            make_parents(dir)
        } else {
            fs::mkdir(dir, MODE)
        };
        if let Err(e) = made {
            tool.error(dir, e);
        }
    }
    tool.finish(0)
}

/// Makes `dir` and each missing directory on its way; an existing directory is fine.
fn make_parents(dir: &str) -> Result<(), Errno> {
    // Each prefix that ends before a `/` (and the whole path).
    let ends = dir
        .match_indices('/')
        .map(|(i, _)| i)
        .chain(core::iter::once(dir.len()));
    for end in ends {
        let prefix = &dir[..end];
        if prefix.is_empty() || prefix.ends_with('/') {
            continue;
        }
        match fs::mkdir(prefix, MODE) {
            Ok(()) => {}
            Err(Errno::EEXIST) => {
                if !fs::stat(prefix)?.is_dir() {
                    return Err(if end == dir.len() {
                        Errno::EEXIST
                    } else {
                        Errno::ENOTDIR
                    });
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

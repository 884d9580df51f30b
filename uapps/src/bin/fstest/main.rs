//! `fstest <case>|all|list`: the file-system scenarios (35-39 of the list in docs/testing.md:
//! files, unlinked open files, directories, concurrent writers, `/proc`), the devices, `execve`
//! of files on the RAM file system, and the bad-input cases of the path and file calls, one
//! case each.
//!
//! The same driver as `pipetest` (`uapps::cases`): each case prints `PASS <case>` or
//! `FAIL: <case>: <why>`; the exit status is 0 only if every case run passed. The tests boot it
//! as the first program (`init=/bin/fstest -- <case>`), so a single case runs in pid 1, whose
//! working directory is `/` and which starts with descriptors 0, 1 and 2 open on the console.
//! Each case works in a directory of its own, `/tmp/<case>` (creating `/tmp` if the initrd has
//! none), and removes everything it made before it passes, so `fstest all` runs them one after
//! the other in one boot and every frame is free again at power-off.
//!
//! Informational lines start with `<case>: `. Two modes are helpers of the cases, not cases:
//! `fstest --print-env <tag>` prints the environment it was started with
//! (`<tag>: <NAME>=<value>` per variable, then `<tag>: <n> variables`), and
//! `fstest --pause` waits for a signal (a process whose `/proc` files a case reads).

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use uapps::cases::{Case, Suite, Wording, expect_exit, spawn};
use uapps::{bail, ensure};
use ulib::fs::{self, FileType, OFlag};
use ulib::io::{self, Whence};
use ulib::prelude::*;

mod bad;
mod dirs;
mod exec;
mod files;
mod procfs;
#[allow(unsafe_code)]
mod sys;

ulib::entry!(main);

type Verdict = Result<(), String>;

const SUITE: Suite<String> = Suite {
    program: "fstest",
    usage: "<case> | all | list",
    cases: &[
        // Files (scenarios 35-39).
        Case::new("files_basic", files::files_basic),
        Case::new("unlink_open", files::unlink_open),
        Case::new("dirs", dirs::dirs),
        Case::new("rename", dirs::rename),
        Case::new("many_files", files::many_files),
        Case::new("concreate", files::concreate),
        Case::new("proc_stat", procfs::proc_stat),
        Case::new("proc_files", procfs::proc_files),
        // Devices and execve on the RAM file system.
        Case::new("devices", exec::devices),
        Case::new("exec_files", exec::exec_files),
        Case::new("exec_env", exec::exec_env),
        // Bad input.
        Case::new("bad_fds", bad::bad_fds),
        Case::new("bad_paths", bad::bad_paths),
        Case::new("bad_pointers", bad::bad_pointers),
        Case::new("enospc", bad::enospc),
        Case::new("open_cycles", bad::open_cycles),
        Case::new("deep_dirs", bad::deep_dirs),
        Case::new("heap_full", bad::heap_full),
    ],
    wording: Wording::TEST_PROCESS,
};

fn main() -> i32 {
    let mut args = ulib::env::args().skip(1);
    match args.next() {
        Some("--print-env") => exec::print_env(args.next().unwrap_or("env")),
        Some("--pause") => loop {
            // Only a signal that ends the process ends the wait.
            let _ = ulib::signal::pause();
        },
        _ => SUITE.main(),
    }
}

// ---------------------------------------------------------------------------------------
// Helpers

/// Turns a call's `Errno` into a case failure naming the call.
trait Check<T> {
    /// `Err("<what> failed: <ERRNO>")` for an error.
    fn or_fail(self, what: impl fmt::Display) -> Result<T, String>;
}

impl<T> Check<T> for Result<T, Errno> {
    fn or_fail(self, what: impl fmt::Display) -> Result<T, String> {
        self.map_err(|e| format!("{what} failed: {}", e.name()))
    }
}

/// Requires `got` to be the error `want`.
fn expect_err<T: fmt::Debug>(
    got: Result<T, Errno>,
    want: Errno,
    what: impl fmt::Display,
) -> Verdict {
    match got {
        Err(e) if e == want => Ok(()),
        other => bail!("{what}: expected {}, got {other:?}", want.name()),
    }
}

/// The case's own directory, `/tmp/<case>`, made empty.
fn scratch(case: &str) -> Result<String, String> {
    match fs::mkdir("/tmp", 0o777) {
        Ok(()) | Err(Errno::EEXIST) => {}
        Err(e) => bail!("mkdir /tmp failed: {}", e.name()),
    }
    let dir = format!("/tmp/{case}");
    if fs::stat(&dir).is_ok() {
        remove_tree(&dir)?;
    }
    fs::mkdir(&dir, 0o755).or_fail(format_args!("mkdir {dir}"))?;
    Ok(dir)
}

/// Removes `path` and, for a directory, everything in it.
fn remove_tree(path: &str) -> Verdict {
    let st = fs::stat(path).or_fail(format_args!("stat {path}"))?;
    if !st.is_dir() {
        return fs::unlink(path).or_fail(format_args!("unlink {path}"));
    }
    for entry in fs::read_dir(path).or_fail(format_args!("read_dir {path}"))? {
        remove_tree(&format!("{path}/{}", entry.name))?;
    }
    fs::rmdir(path).or_fail(format_args!("rmdir {path}"))
}

/// Opens `path`, which must succeed.
fn open(path: &str, flags: OFlag, mode: u32) -> Result<i32, String> {
    fs::open(path, flags, mode).or_fail(format_args!("open {path} ({flags:?})"))
}

/// Closes `fd`, which must succeed.
fn shut(fd: i32) -> Verdict {
    io::close(fd).or_fail(format_args!("close({fd})"))
}

/// Writes all of `data` to `fd` in one call, which must take it all.
fn put(fd: i32, data: &[u8]) -> Verdict {
    match io::write(fd, data) {
        Ok(n) if n == data.len() => Ok(()),
        other => bail!("write({fd}, {} bytes): {other:?}", data.len()),
    }
}

/// Reads exactly `len` bytes from `fd` (fewer only at end of file).
fn get(fd: i32, len: usize) -> Result<Vec<u8>, String> {
    let mut buf = alloc::vec![0u8; len];
    let mut got = 0;
    while got < len {
        match io::read(fd, &mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => bail!("read({fd}) failed after {got} bytes: {}", e.name()),
        }
    }
    buf.truncate(got);
    Ok(buf)
}

/// `lseek` that must succeed and land at `want`.
fn seek(fd: i32, offset: i64, whence: Whence, want: i64) -> Verdict {
    let got = io::lseek(fd, offset, whence);
    ensure!(
        got == Ok(want),
        "lseek({fd}, {offset}, {whence:?}): {got:?}, expected {want}"
    );
    Ok(())
}

/// The whole file at `path`, which must be readable.
fn slurp(path: &str) -> Result<Vec<u8>, String> {
    fs::read(path).or_fail(format_args!("read {path}"))
}

/// Requires the file at `path` to hold exactly `want`.
fn expect_contents(path: &str, want: &[u8]) -> Verdict {
    let got = slurp(path)?;
    ensure!(
        got == want,
        "{path} holds {:?}, expected {:?}",
        Shown(&got),
        Shown(want)
    );
    Ok(())
}

/// The names `read_dir(path)` lists, in its order.
fn names(path: &str) -> Result<Vec<String>, String> {
    Ok(fs::read_dir(path)
        .or_fail(format_args!("read_dir {path}"))?
        .into_iter()
        .map(|e| e.name)
        .collect())
}

/// Bytes shown as text when short, as a length and a prefix when long.
struct Shown<'a>(&'a [u8]);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = String::from_utf8_lossy(&self.0[..self.0.len().min(64)]);
        if self.0.len() <= 64 {
            write!(f, "{text:?}")
        } else {
            write!(f, "{} bytes starting {text:?}", self.0.len())
        }
    }
}

/// Forks a child that runs `check` and exits 0 if it passes; otherwise it prints
/// `<case>: child: <why>` and exits 1.
fn spawn_check(case: &'static str, check: impl FnOnce() -> Verdict) -> Result<Pid, String> {
    spawn(move || match check() {
        Ok(()) => 0,
        Err(why) => {
            println!("{case}: child {}: {why}", getpid());
            1
        }
    })
}

/// The kind of the file at `path`, which must exist.
fn kind_of(path: &str) -> Result<Option<FileType>, String> {
    Ok(fs::stat(path).or_fail(format_args!("stat {path}"))?.kind())
}

/// `n` as text (for paths built from numbers).
fn num(n: impl fmt::Display) -> String {
    n.to_string()
}

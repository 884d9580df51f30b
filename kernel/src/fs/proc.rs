//! `/proc`: a read-only view of the processes, made from the registry when
//! a file is opened (the text is fixed at open, as a snapshot).
//!
//! `/proc` lists `meminfo`, `self` and the pid of every process, zombies
//! included; `/proc/<pid>` holds `stat`, `cmdline` and `status`;
//! `/proc/self` is the caller's directory (a directory here, as there are
//! no symbolic links); `/proc/meminfo` counts memory as Linux's does.
//! The text of `stat` and `status` comes from `klib::procfs`.
//!
//! Lunaix's counterpart is its `taskfs` (`kernel/fs/taskfs`), which lists
//! the processes as directories with attribute files read through the
//! same VFS operations.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use abi::errno::Errno;
use abi::fs::{dirent_type, Stat, S_IFDIR, S_IFREG};
use abi::signal::{SigSet, Signal, SIG_DFL, SIG_IGN};
use klib::procfs::{self, ProcessFacts};

use crate::proc::{with_registry, Pid, ProcView};
use crate::sched::RunState;

/// The device number `stat` reports for `/proc`'s files.
pub const PROC_DEV: u64 = 1;

/// The files of a process's directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcFile {
    /// `stat`: one line, Linux's field order.
    Stat,
    /// `cmdline`: the arguments, each followed by a NUL.
    Cmdline,
    /// `status`: `Key:\tvalue` lines.
    Status,
}

impl ProcFile {
    const ALL: [(ProcFile, &'static str); 3] = [
        (ProcFile::Stat, "stat"),
        (ProcFile::Cmdline, "cmdline"),
        (ProcFile::Status, "status"),
    ];

    fn named(name: &str) -> Option<ProcFile> {
        ProcFile::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|&(file, _)| file)
    }

    fn index(self) -> u64 {
        ProcFile::ALL
            .iter()
            .position(|&(f, _)| f == self)
            .unwrap_or(0) as u64
    }
}

/// A place in `/proc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcPath {
    /// `/proc` itself.
    Root,
    /// `/proc/<pid>`.
    Process(Pid),
    /// `/proc/<pid>/<file>`.
    File(Pid, ProcFile),
    /// `/proc/meminfo`.
    Meminfo,
}

/// The place `rest` (the components after `proc`) names for `caller`:
/// ENOENT for a name that is not there (a pid that is not in use),
/// ENOTDIR for a path through a file.
pub fn parse(rest: &[&str], caller: Pid) -> Result<ProcPath, Errno> {
    let Some((&first, rest)) = rest.split_first() else {
        return Ok(ProcPath::Root);
    };
    if first == "meminfo" {
        return if rest.is_empty() {
            Ok(ProcPath::Meminfo)
        } else {
            Err(Errno::ENOTDIR)
        };
    }
    let pid = if first == "self" {
        caller
    } else {
        parse_pid(first).ok_or(Errno::ENOENT)?
    };
    if with_registry(|r| r.proc_view(pid)).is_none() {
        return Err(Errno::ENOENT);
    }
    match rest {
        [] => Ok(ProcPath::Process(pid)),
        [name] => ProcFile::named(name)
            .map(|file| ProcPath::File(pid, file))
            .ok_or(Errno::ENOENT),
        [name, ..] if ProcFile::named(name).is_some() => Err(Errno::ENOTDIR),
        _ => Err(Errno::ENOENT),
    }
}

/// A pid written as Linux writes it: decimal, no sign, no leading zero.
fn parse_pid(name: &str) -> Option<Pid> {
    if name.is_empty() || name.starts_with('0') || !name.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    name.parse().ok().filter(|&pid: &Pid| pid > 0)
}

/// The inode number `stat` and listings show for a place (stable while the
/// process lives; `/proc`'s numbers are its own, on device [`PROC_DEV`]).
fn ino_of(path: ProcPath) -> u64 {
    match path {
        ProcPath::Root => 1,
        ProcPath::Meminfo => 3,
        ProcPath::Process(pid) => (pid as u64) << 8,
        ProcPath::File(pid, file) => ((pid as u64) << 8) + 1 + file.index(),
    }
}

/// What `stat` reports for a place.
pub fn stat(path: ProcPath) -> Stat {
    let (mode, nlink) = match path {
        ProcPath::Root | ProcPath::Process(_) => (S_IFDIR | 0o555, 2),
        ProcPath::File(..) | ProcPath::Meminfo => (S_IFREG | 0o444, 1),
    };
    Stat {
        dev: PROC_DEV,
        ino: ino_of(path),
        mode,
        nlink,
        blksize: 1024,
        ..Stat::default()
    }
}

/// One entry of a `/proc` directory listing.
pub struct ProcEntry {
    /// Its name.
    pub name: String,
    /// Its inode number.
    pub ino: u64,
    /// Its `d_type`.
    pub kind: u8,
}

/// The listing of a `/proc` directory (with `.` and `..`), taken now.
pub fn list(path: ProcPath) -> Result<Vec<ProcEntry>, Errno> {
    let mut entries = Vec::new();
    let mut push = |name: &str, ino: u64, kind: u8| -> Result<(), Errno> {
        let mut owned = String::new();
        owned.try_reserve(name.len()).map_err(|_| Errno::ENOMEM)?;
        owned.push_str(name);
        entries.try_reserve(1).map_err(|_| Errno::ENOMEM)?;
        entries.push(ProcEntry {
            name: owned,
            ino,
            kind,
        });
        Ok(())
    };
    push(".", ino_of(path), dirent_type::DT_DIR)?;
    match path {
        ProcPath::Root => {
            push("..", ramfs::ROOT_INO, dirent_type::DT_DIR)?;
            push("meminfo", ino_of(ProcPath::Meminfo), dirent_type::DT_REG)?;
            push("self", ino_of(ProcPath::Root) + 1, dirent_type::DT_DIR)?;
            let mut pids: Vec<Pid> = Vec::new();
            let mut failed = false;
            with_registry(|r| {
                r.for_each_pid(|pid| {
                    if pids.try_reserve(1).is_ok() {
                        pids.push(pid);
                    } else {
                        failed = true;
                    }
                })
            });
            if failed {
                return Err(Errno::ENOMEM);
            }
            // The registry lists processes in no particular order.
            pids.sort_unstable();
            let mut name = String::new();
            for pid in pids {
                name.clear();
                let _ = write!(name, "{pid}");
                push(&name, ino_of(ProcPath::Process(pid)), dirent_type::DT_DIR)?;
            }
        }
        ProcPath::Process(pid) => {
            push("..", ino_of(ProcPath::Root), dirent_type::DT_DIR)?;
            for (file, name) in ProcFile::ALL {
                push(name, ino_of(ProcPath::File(pid, file)), dirent_type::DT_REG)?;
            }
        }
        ProcPath::File(..) | ProcPath::Meminfo => return Err(Errno::ENOTDIR),
    }
    Ok(entries)
}

/// `/proc/meminfo`: `MemTotal` (the frames the allocator manages),
/// `MemFree`, `Files` (frames holding file data; Linux's `Shmem` is the
/// nearest), and `KernelHeap` / `KernelHeapFree` (the kernel heap, where
/// process records live: Linux's `Slab` is the nearest), in kB as Linux
/// writes them.
pub fn meminfo() -> Result<Vec<u8>, Errno> {
    let kb = |frames: usize| frames * 4;
    let mut text = String::new();
    text.try_reserve(128).map_err(|_| Errno::ENOMEM)?;
    let _ = writeln!(
        text,
        "MemTotal:{:>12} kB",
        kb(crate::mm::frames::total_count())
    );
    let _ = writeln!(
        text,
        "MemFree:{:>13} kB",
        kb(crate::mm::frames::free_count())
    );
    let _ = writeln!(text, "Files:{:>15} kB", kb(crate::mm::file_pages::in_use()));
    let _ = writeln!(
        text,
        "KernelHeap:{:>10} kB",
        crate::mm::heap::HEAP_SIZE / 1024
    );
    let _ = writeln!(
        text,
        "KernelHeapFree:{:>6} kB",
        crate::mm::heap::free_bytes() / 1024
    );
    Ok(text.into_bytes())
}

/// The text of a `/proc` file, taken now. ENOENT when the process is gone.
pub fn contents(pid: Pid, file: ProcFile) -> Result<Vec<u8>, Errno> {
    let view = with_registry(|r| r.proc_view(pid)).ok_or(Errno::ENOENT)?;
    let mut text = String::new();
    text.try_reserve(1024).map_err(|_| Errno::ENOMEM)?;
    match file {
        ProcFile::Cmdline => {
            let inner = view.process.lock();
            let mut bytes = Vec::new();
            bytes
                .try_reserve(inner.cmdline.len())
                .map_err(|_| Errno::ENOMEM)?;
            bytes.extend_from_slice(&inner.cmdline);
            return Ok(bytes);
        }
        ProcFile::Stat | ProcFile::Status => {
            let name = view.process.with_name(|name| {
                let mut owned = String::new();
                owned
                    .try_reserve(name.len())
                    .map(|()| {
                        owned.push_str(name);
                        owned
                    })
                    .map_err(|_| Errno::ENOMEM)
            })?;
            let facts = facts_of(&view, &name);
            if file == ProcFile::Stat {
                procfs::stat_line(&facts, &mut text);
            } else {
                procfs::status_text(&facts, &mut text);
            }
        }
    }
    Ok(text.into_bytes())
}

/// The state letter, memory and signal sets of a process.
fn facts_of<'a>(view: &ProcView, name: &'a str) -> ProcessFacts<'a> {
    let process = &view.process;
    let state = if view.exited {
        'Z'
    } else if crate::signal::is_stopped(process) {
        'T'
    } else {
        match process.task.state() {
            RunState::Running | RunState::Ready => 'R',
            RunState::Blocked => 'S',
            RunState::Dead => 'Z',
        }
    };
    let rss = process
        .lock()
        .space
        .as_ref()
        .map_or(0, |space| space.mapped_pages() as u64);
    let signals = {
        let signals = process.signals.lock();
        let state = &signals.state;
        let mut ignored = SigSet::default();
        let mut caught = SigSet::default();
        for sig in Signal::ALL {
            match state.action(sig).handler {
                SIG_IGN => ignored = ignored.with(sig),
                SIG_DFL => {}
                _ => caught = caught.with(sig),
            }
        }
        [state.pending().0, state.mask().0, ignored.0, caught.0]
    };
    ProcessFacts {
        pid: process.pid,
        comm: name,
        state,
        ppid: view.ppid,
        pgrp: view.pgid,
        session: view.sid,
        tty_nr: if view.has_terminal {
            super::dev::Device::Console.tag()
        } else {
            0
        },
        tpgid: if view.has_terminal {
            crate::tty::foreground().unwrap_or(-1)
        } else {
            -1
        },
        vsize: rss * 4096,
        rss,
        signals,
    }
}

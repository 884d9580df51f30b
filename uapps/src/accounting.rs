//! The kernel's resource accounting as a user program sees it, for the fuzzer and the soak
//! test: free memory (`/proc/meminfo`) and the processes (`/proc`), measured at a quiet
//! point and compared with a baseline; and the helpers to reach that quiet point.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use ulib::prelude::*;

/// Children alive at once in the warm-up before each measurement: more than the kernel keeps
/// spare kernel stacks for (8, `kernel/src/mm/kstack.rs`), so that the cache is full both
/// times and the free memory compares exactly.
pub const WARM_UP_CHILDREN: usize = 16;

/// What is measured before and after a load.
#[derive(Clone, Copy, Debug)]
pub struct Accounting {
    /// `MemFree` of `/proc/meminfo` plus the measuring process's own resident memory
    /// (`VmRSS`), in kB: what the measuring process itself grew (its heap, its stack, say
    /// to list a directory full of long names) is not memory the kernel lost.
    pub free_kb: u64,
    /// The pid directories in `/proc`.
    pub processes: usize,
    /// Of `free_kb`, the measuring process's own resident memory.
    pub own_kb: u64,
}

impl Accounting {
    /// Whether free memory and processes are back at `baseline` (the measuring process's
    /// own memory may differ: it counts as free).
    pub fn matches(&self, baseline: &Accounting) -> bool {
        self.free_kb == baseline.free_kb && self.processes == baseline.processes
    }
}

/// `MemFree` of `/proc/meminfo`, in kB.
pub fn free_kb() -> Option<u64> {
    let text = ulib::fs::read("/proc/meminfo").ok()?;
    let text = core::str::from_utf8(&text).ok()?;
    let line = text.lines().find(|l| l.starts_with("MemFree:"))?;
    line["MemFree:".len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// `VmRSS` of `/proc/self/status`, in kB.
pub fn own_kb() -> Option<u64> {
    let text = ulib::fs::read("/proc/self/status").ok()?;
    let text = core::str::from_utf8(&text).ok()?;
    let line = text.lines().find(|l| l.starts_with("VmRSS:"))?;
    line["VmRSS:".len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The processes (pid directories of `/proc`, zombies included).
pub fn process_count() -> usize {
    ulib::fs::read_dir("/proc").map_or(0, |entries| {
        entries
            .iter()
            .filter(|e| e.name.bytes().all(|b| b.is_ascii_digit()))
            .count()
    })
}

/// Children alive at once, then collected: the kernel's spare-stack cache is full after.
pub fn warm_up() {
    let mut kids = Vec::with_capacity(WARM_UP_CHILDREN);
    for _ in 0..WARM_UP_CHILDREN {
        match fork() {
            Ok(ForkResult::Child) => {
                let _ = ulib::time::nanosleep(core::time::Duration::from_millis(20));
                exit(0);
            }
            Ok(ForkResult::Parent { child }) => kids.push(child),
            Err(_) => break,
        }
    }
    for kid in kids {
        let _ = waitpid(Some(kid), WaitFlags::empty());
    }
}

/// Warms up (see [`WARM_UP_CHILDREN`]), then measures.
pub fn measure() -> Accounting {
    warm_up();
    let own_kb = own_kb().unwrap_or(0);
    Accounting {
        free_kb: free_kb().unwrap_or(0) + own_kb,
        processes: process_count(),
        own_kb,
    }
}

/// Removes `path` and everything under it.
pub fn remove_tree(path: &str) {
    if let Ok(entries) = ulib::fs::read_dir(path) {
        for e in entries {
            let child = format!("{path}/{}", e.name);
            if e.kind == ulib::fs::FileType::Dir {
                remove_tree(&child);
            } else {
                let _ = ulib::fs::unlink(&child);
            }
        }
    }
    let _ = ulib::fs::rmdir(path);
}

/// Prints `/proc/<pid>/stat` and the signal lines of every process.
pub fn dump_processes() {
    let Ok(entries) = ulib::fs::read_dir("/proc") else {
        return;
    };
    for e in entries {
        if !e.name.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let stat = ulib::fs::read(&format!("/proc/{}/stat", e.name)).unwrap_or_default();
        let status = ulib::fs::read(&format!("/proc/{}/status", e.name)).unwrap_or_default();
        let status = String::from_utf8_lossy(&status);
        let signals: Vec<&str> = status.lines().filter(|l| l.starts_with("Sig")).collect();
        println!(
            "  {} {}",
            String::from_utf8_lossy(&stat).trim_end(),
            signals.join(" ")
        );
    }
}

//! Powering off when pid 1 ends, with the frame balance report.

use core::sync::atomic::{AtomicUsize, Ordering};

use abi::halt::{debug_exit_value, Halt};

use crate::arch::x86::cpu;
use crate::{kprintln, mm};

static FREE_FRAMES_BEFORE_INIT: AtomicUsize = AtomicUsize::new(0);
static FILE_FRAMES_BEFORE_INIT: AtomicUsize = AtomicUsize::new(0);

/// Remembers how many frames were free, and how many held files, before
/// init started, for the leak check at power-off.
pub fn record_free_frames() {
    FREE_FRAMES_BEFORE_INIT.store(mm::frames::free_count(), Ordering::Relaxed);
    FILE_FRAMES_BEFORE_INIT.store(mm::file_pages::in_use(), Ordering::Relaxed);
}

/// Called when pid 1 has ended (with no lock held): report its status and
/// the frame balance, then power off with an exit code that encodes the
/// status.
pub fn halt_after_init(status: i32, others_alive: usize) -> ! {
    let halt = match abi::wait::decode(status) {
        abi::wait::Decoded::Exited(code) => {
            kprintln!("init exited with status {}", code);
            Halt::InitExited(code)
        }
        abi::wait::Decoded::Signaled(signal) => {
            let name = abi::signal::Signal::from_raw(signal).map_or("unknown signal", |s| s.name());
            kprintln!("init killed by {}", name);
            Halt::InitKilled(signal)
        }
        abi::wait::Decoded::Stopped(_)
        | abi::wait::Decoded::Continued
        | abi::wait::Decoded::Unknown(_) => {
            panic!("init ended with a status that is no ending: {status:#x}")
        }
    };
    if let Some(deepest) = mm::kstack::deepest_use() {
        kprintln!(
            "kstack: deepest use {} of {} bytes",
            deepest,
            mm::kstack::STACK_PAGES * mm::PAGE_SIZE
        );
    }
    let before = FREE_FRAMES_BEFORE_INIT.load(Ordering::Relaxed);
    // Spare kernel stacks hold frames for the next fork; there is none.
    mm::kstack::release_spares();
    // Init's own kernel stack is still in use: this code runs on it.
    let now = mm::frames::free_count() + mm::kstack::STACK_PAGES as usize;
    // Files the programs left in the RAM file system hold frames on purpose:
    // counted apart, so that any other frame missing is a leak.
    let file_frames_then = FILE_FRAMES_BEFORE_INIT.load(Ordering::Relaxed);
    let file_frames_now = mm::file_pages::in_use();
    let now = (now + file_frames_now).saturating_sub(file_frames_then);
    if file_frames_now != file_frames_then {
        kprintln!(
            "memory: files hold {} frames ({} at boot)",
            file_frames_now,
            file_frames_then
        );
    }
    if others_alive == 0 {
        if now == before {
            kprintln!("memory: all {} frames returned", before);
        } else {
            kprintln!(
                "memory: LEAK: {} frames free at start, {} at the end",
                before,
                now
            );
        }
    } else {
        kprintln!(
            "memory: {} processes still running, frame balance not checked",
            others_alive
        );
    }
    cpu::qemu_exit(debug_exit_value(halt))
}

/// Powers off with the "kernel panic" exit code.
pub fn die() -> ! {
    cpu::qemu_exit(debug_exit_value(Halt::KernelPanic))
}

//! What happens when a user program faults: copy-on-write and demand
//! paging are resolved; anything else raises a signal, which a handler may
//! catch, and which otherwise kills the program (only it).

use abi::errno::Errno;
use abi::signal::Signal;
use abi::wait;

use super::{current, exit_current};
use crate::arch::x86::TrapFrame;
use crate::mm::address_space::CowOutcome;

/// Resolves a page fault from ring 3 if it is a copy-on-write write or a
/// stack or bss page touched for the first time. Ok(false) when the access
/// is illegal; ENOMEM when memory for the page ran out.
pub fn handle_user_page_fault(address: u32, write: bool, present: bool) -> Result<bool, Errno> {
    let process = current();
    let mut inner = process.lock();
    let space = inner.space()?;
    if present && write {
        return Ok(space.break_copy_on_write(address)? == CowOutcome::MadeWritable);
    }
    if !present {
        return space.map_on_demand(address);
    }
    Ok(false)
}

/// A CPU exception in ring 3 that nothing resolves: `signal` goes to the
/// program, whose handler runs on the way back to user mode if it has one
/// and the signal is not blocked; otherwise the program dies of it (as on
/// Linux, blocking or ignoring a fault's signal does not survive the fault).
pub fn user_fault(signal: Signal, what: &str, frame: &TrapFrame, address: u32) {
    let process = current();
    if crate::signal::catch_fault(&process, signal, frame, address) {
        return;
    }
    kill_current(signal, what, frame.eip, address);
}

/// Kills the caller because of a CPU exception in ring 3, reporting it on
/// the console in one line. The trap path switches away on its way out.
pub fn kill_current(signal: Signal, what: &str, eip: u32, address: u32) {
    let process = current();
    // Printed under the process lock: copying the name could fail with the heap full.
    process.with_name(|name| {
        crate::kprintln!(
            "fault: pid {} ({}) killed by {}: {} at eip {:#010x}, address {:#010x}",
            process.pid,
            name,
            signal.name(),
            what,
            eip,
            address
        )
    });
    exit_current(&process, wait::signaled_status(signal as i32));
}

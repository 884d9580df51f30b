//! The cases that must reach the kernel exactly as written: bad pointers, single raw calls.

use alloc::vec;

use super::Verdict;
use uapps::cases::spawn;
use uapps::ensure;
use uapps::raw_calls::{self, READ_ONLY, READ_ONLY_VALUE, waitpid_null_status};
use ulib::prelude::*;

/// Addresses a status can never be stored at: kernel, wrapping, read-only data, code.
fn bad_status_addresses() -> [(&'static str, usize); 5] {
    [
        ("kernel 0xC0000000", 0xC000_0000),
        ("kernel 0xFFFFF000", 0xFFFF_F000),
        ("wrapping 0xFFFFFFFE", 0xFFFF_FFFE),
        ("read-only data", READ_ONLY.as_ptr() as usize),
        (
            "own code",
            bad_status_addresses as fn() -> [(&'static str, usize); 5] as usize,
        ),
    ]
}

/// xv6 copyin/copyout/validatetest; LTP.
pub fn bad_pointers_efault() -> Verdict {
    for (what, addr, len) in [
        ("NULL", 0usize, 16usize),
        ("kernel 0xC0000000", 0xC000_0000, 16),
        ("unmapped 0x70000000", 0x7000_0000, 16),
        ("wrapping 0xFFFFF000+0x2000", 0xFFFF_F000, 0x2000),
        ("user stack top into the kernel", 0xBFFF_FFF8, 16),
    ] {
        let r = raw_calls::write(1, addr, len);
        ensure!(
            r == Err(Errno::EFAULT),
            "write from {what}: {r:?}, expected EFAULT"
        );
    }
    let line = b"bad_pointers_efault: a valid write still works\n";
    let r = raw_calls::write(1, line.as_ptr() as usize, line.len());
    ensure!(r == Ok(line.len()), "a valid write gave {r:?}");

    let child = spawn(|| 5)?;
    for (what, addr) in bad_status_addresses() {
        // SAFETY: none of these addresses is writable memory of this process, so a
        // correct kernel writes nothing; were it to store 4 bytes there anyway, no live
        // Rust reference covers kernel memory, `.rodata` or code.
        let r = unsafe { raw_calls::waitpid(child.as_raw(), addr, 0) };
        ensure!(
            r == Err(Errno::EFAULT),
            "waitpid with the status in {what}: {r:?}, expected EFAULT"
        );
    }
    // SAFETY: as above, the kernel half is never writable memory of this process.
    let r = unsafe { raw_calls::wait(0xC000_0000) };
    ensure!(
        r == Err(Errno::EFAULT),
        "wait with the status in the kernel: {r:?}"
    );
    ensure!(
        READ_ONLY == READ_ONLY_VALUE,
        "read-only data changed: {READ_ONLY:x?}"
    );
    // The failed calls changed nothing: the child is still there to collect, and a NULL
    // status pointer is legal.
    let r = waitpid_null_status(child.as_raw(), 0);
    ensure!(
        r == Ok(child.as_raw() as usize),
        "waitpid(child, NULL) after the EFAULTs gave {r:?}, expected {child}"
    );

    // A status straddling two pages at an odd address: both pages were touched before
    // the fork, so they are copy-on-write when the kernel stores into them.
    let mut buf = vec![0xAAu8; 3 * 4096];
    let start = buf.as_ptr() as usize;
    let boundary = (start + 4096) & !4095;
    let offset = boundary - 2 - start;
    let child = spawn(|| 0x17)?;
    let addr = buf[offset..offset + 4].as_mut_ptr() as usize;
    // SAFETY: `addr..addr + 4` lies inside `buf`, which this function owns exclusively
    // and does not read until the call returns.
    let r = unsafe { raw_calls::waitpid(child.as_raw(), addr, 0) };
    ensure!(
        r == Ok(child.as_raw() as usize),
        "waitpid with a status straddling two pages: {r:?}, expected {child}"
    );
    let raw_status = i32::from_le_bytes([
        buf[offset],
        buf[offset + 1],
        buf[offset + 2],
        buf[offset + 3],
    ]);
    ensure!(
        raw_status == 0x17 << 8,
        "status stored across a page boundary reads {raw_status:#x}, expected {:#x}",
        0x17 << 8
    );
    ensure!(
        buf[offset - 1] == 0xAA && buf[offset + 4] == 0xAA,
        "waitpid wrote outside the 4 status bytes"
    );
    println!("bad_pointers_efault: caller still alive");
    Ok(())
}

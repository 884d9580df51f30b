//! In-kernel self tests of the memory layer, run with the `selftest` kernel
//! option. Each prints `SELFTEST <name> PASS` or `SELFTEST <name> FAIL: why`,
//! then a summary line the test harness parses.

#![deny(unsafe_code)]

use alloc::vec::Vec;

use crate::kprintln;
use crate::mm::address_space::Access;
use crate::mm::{frames, heap, AddressSpace};

type Outcome = Result<(), alloc::string::String>;

macro_rules! ensure {
    ($cond:expr, $($why:tt)*) => {
        if !$cond {
            return Err(alloc::format!($($why)*));
        }
    };
}

/// Runs every self test; returns how many failed.
pub fn run_all(include_failing: bool) -> usize {
    type Test = (&'static str, fn() -> Outcome);
    let mut tests: Vec<Test> = alloc::vec![
        ("frames_allocate_all", frames_allocate_all),
        ("frames_refcount", frames_refcount),
        ("heap_stress", heap_stress),
        ("address_space_cow", address_space_cow),
        ("user_slices", user_slices),
    ];
    if include_failing {
        tests.push(("deliberate_failure", deliberate_failure));
    }
    let mut failed = 0;
    for (name, test) in &tests {
        match test() {
            Ok(()) => kprintln!("SELFTEST {} PASS", name),
            Err(why) => {
                failed += 1;
                kprintln!("SELFTEST {} FAIL: {}", name, why);
            }
        }
    }
    kprintln!(
        "SELFTEST done: {} passed, {} failed",
        tests.len() - failed,
        failed
    );
    failed
}

fn frames_allocate_all() -> Outcome {
    let before = frames::free_count();
    let mut taken = Vec::with_capacity(before);
    while let Some(frame) = frames::allocate_zeroed() {
        ensure!(frame % 4096 == 0, "frame {frame:#x} not page aligned");
        taken.push(frame);
    }
    ensure!(
        taken.len() == before,
        "got {} frames, {} were free",
        taken.len(),
        before
    );
    ensure!(frames::free_count() == 0, "frames left after taking all");
    taken.sort_unstable();
    taken.dedup();
    ensure!(taken.len() == before, "a frame was handed out twice");
    ensure!(
        taken.iter().all(|&f| f >= 0x10_0000),
        "a frame below 1 MiB was handed out"
    );
    let (image_start, image_end) = frames::kernel_image();
    ensure!(
        !taken
            .iter()
            .any(|&f| f + 4096 > image_start && f < image_end),
        "a frame inside the kernel image ({image_start:#x}..{image_end:#x}) was handed out"
    );
    for &frame in &taken {
        frames::release(frame);
    }
    ensure!(
        frames::free_count() == before,
        "free count {} after freeing all, was {}",
        frames::free_count(),
        before
    );
    Ok(())
}

fn frames_refcount() -> Outcome {
    let before = frames::free_count();
    let frame = frames::allocate_zeroed().ok_or("no frame")?;
    frames::retain(frame);
    frames::retain(frame);
    ensure!(
        frames::refcount(frame) == 3,
        "refcount {} after two retains",
        frames::refcount(frame)
    );
    frames::release(frame);
    frames::release(frame);
    ensure!(
        frames::free_count() == before - 1,
        "frame freed while still referenced"
    );
    frames::release(frame);
    ensure!(
        frames::free_count() == before,
        "frame not freed by its last release"
    );
    Ok(())
}

fn heap_stress() -> Outcome {
    let before = heap::free_bytes();
    let mut blocks: Vec<Vec<u32>> = Vec::new();
    for round in 0..2000u32 {
        let len = (round * 37 % 1500 + 1) as usize;
        blocks.push((0..len as u32).map(|i| i ^ round).collect());
        if round % 3 == 0 {
            let victim = (round as usize * 7) % blocks.len();
            blocks.swap_remove(victim);
        }
    }
    for block in &blocks {
        let round = block[0];
        ensure!(
            block
                .iter()
                .enumerate()
                .all(|(i, &v)| v == i as u32 ^ round),
            "heap block corrupted"
        );
    }
    drop(blocks);
    ensure!(
        heap::free_bytes() == before,
        "heap leaked {} bytes",
        before - heap::free_bytes()
    );
    Ok(())
}

fn address_space_cow() -> Outcome {
    let before = frames::free_count();
    {
        let mut parent = AddressSpace::new().map_err(|e| alloc::format!("{e}"))?;
        let page = 0x0040_0000;
        let frame = parent
            .map_zeroed(page, Access::ReadWrite)
            .map_err(|e| alloc::format!("{e}"))?;
        let mut child = parent.fork().map_err(|e| alloc::format!("{e}"))?;
        ensure!(
            frames::refcount(frame) == 2,
            "shared frame refcount {}",
            frames::refcount(frame)
        );
        ensure!(
            child.break_copy_on_write(page)
                == Ok(crate::mm::address_space::CowOutcome::MadeWritable),
            "child could not break COW"
        );
        ensure!(
            child.entry(page).unwrap().address() != frame,
            "child did not get its own copy"
        );
        ensure!(
            frames::refcount(frame) == 1,
            "old frame refcount {} after the copy",
            frames::refcount(frame)
        );
        ensure!(
            parent.break_copy_on_write(page)
                == Ok(crate::mm::address_space::CowOutcome::MadeWritable),
            "parent could not break COW"
        );
        ensure!(
            parent.entry(page).unwrap().address() == frame,
            "sole owner copied instead of reusing"
        );
        ensure!(
            parent.mapped_pages() == 1 && child.mapped_pages() == 1,
            "wrong page counts"
        );
    }
    ensure!(
        frames::free_count() == before,
        "address spaces leaked {} frames",
        before - frames::free_count()
    );
    Ok(())
}

/// Both directions of `UserSlice` against a real address space: a buffer the
/// kernel fills (`Out`) is written all or nothing, one it reads (`In`) hands
/// over exactly what is there, and ranges that are not user memory are EFAULT.
fn user_slices() -> Outcome {
    use abi::errno::Errno;
    use abi::layout::USER_END;

    use crate::mm::{In, Out, UserSlice};

    fn read_back(space: &mut AddressSpace, addr: u32, len: usize) -> Result<Vec<u8>, Errno> {
        let mut bytes = Vec::new();
        UserSlice::<In>::new(addr as usize, len)
            .read_in_pieces(space, |piece| bytes.extend_from_slice(piece))?;
        Ok(bytes)
    }

    let before = frames::free_count();
    {
        let mut space = AddressSpace::new().map_err(|e| alloc::format!("{e}"))?;
        let writable = 0x0040_0000;
        let read_only = writable + 0x1000;
        space
            .map_zeroed(writable, Access::ReadWrite)
            .map_err(|e| alloc::format!("{e}"))?;
        space
            .map_zeroed(read_only, Access::ReadOnly)
            .map_err(|e| alloc::format!("{e}"))?;

        // Across the page boundary into the read-only page: nothing written.
        let straddling = UserSlice::<Out>::new(read_only as usize - 4, 8);
        ensure!(
            straddling.write_from(&mut space, b"ABCDEFGH") == Err(Errno::EFAULT),
            "a fill reaching a read-only page was not EFAULT"
        );
        ensure!(
            read_back(&mut space, read_only - 4, 4) == Ok(alloc::vec![0; 4]),
            "a refused fill wrote part of its data"
        );

        // A fill writes at most the buffer's length, and reads give it back.
        let four = UserSlice::<Out>::new(read_only as usize - 4, 4);
        ensure!(
            four.write_from(&mut space, b"ABCDEFGH") == Ok(4),
            "a 4-byte fill did not write 4 bytes"
        );
        ensure!(
            read_back(&mut space, read_only - 6, 8).as_deref() == Ok(&b"\0\0ABCD\0\0"[..]),
            "reading across the boundary did not return what was written"
        );

        // Not user memory: unmapped, the kernel's half, wrapping around.
        for (addr, len) in [
            (0x0050_0000, 1),
            (USER_END as usize, 1),
            (usize::MAX - 1, 4),
            (0, 1),
        ] {
            ensure!(
                read_back(&mut space, addr as u32, len) == Err(Errno::EFAULT),
                "reading {len} bytes at {addr:#x} was not EFAULT"
            );
            ensure!(
                UserSlice::<Out>::new(addr, len).write_from(&mut space, &[1; 4])
                    == Err(Errno::EFAULT),
                "filling {len} bytes at {addr:#x} was not EFAULT"
            );
        }
    }
    ensure!(
        frames::free_count() == before,
        "user slice checks leaked {} frames",
        before - frames::free_count()
    );
    Ok(())
}

fn deliberate_failure() -> Outcome {
    ensure!(
        1 + 1 == 3,
        "crashtest=selftest: this self test fails on purpose"
    );
    Ok(())
}

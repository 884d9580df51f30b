//! Lunaix-rs: the process subsystem of LunaixOS, re-created in Rust for
//! 32-bit x86. This file is the boot order only; see docs/boot.md.
#![no_std]
#![no_main]

extern crate alloc;

mod arch;
mod console;
mod mm;
mod multiboot;
mod proc;
mod selftest;
mod syscall;
mod time;
mod trap;

use abi::halt::{debug_exit_value, Halt};
use klib::cmdline::{self, CrashTest, LogLevel, Problem};

use arch::x86::{cpu, gdt, idt, pic, pit};

/// Where `_start` (arch/x86/boot.rs) lands once paging is on.
#[no_mangle]
extern "C" fn kmain(magic: u32, multiboot_info: u32) -> ! {
    console::init();
    mm::heap::init();
    kprintln!(
        "Lunaix-rs {}: the LunaixOS process model in Rust (i686)",
        env!("CARGO_PKG_VERSION")
    );
    if magic != multiboot::BOOTLOADER_MAGIC {
        panic!("not started by a Multiboot loader (eax = {magic:#x})");
    }
    // SAFETY: the loader passed this address in ebx and nothing has been
    // allocated over the boot information yet.
    let boot = unsafe { multiboot::parse(multiboot_info) };
    let options = cmdline::parse(&boot.cmdline);
    console::init_logger(match options.log_level {
        LogLevel::Error => log::LevelFilter::Error,
        LogLevel::Warn => log::LevelFilter::Warn,
        LogLevel::Info => log::LevelFilter::Info,
        LogLevel::Debug => log::LevelFilter::Debug,
        LogLevel::Trace => log::LevelFilter::Trace,
    });
    kprintln!("cmdline: {}", boot.cmdline);
    for problem in &options.problems {
        match problem {
            Problem::Unknown(word) => log::warn!("unknown option '{}' ignored", word),
            Problem::BadValue(word) => log::warn!("bad value in option '{}' ignored", word),
        }
    }

    gdt::init();
    idt::init();
    pic::init();
    pit::init();
    cpu::forbid_fpu();
    time::calibrate();

    let memory = mm::frames::init(&boot);
    drop_identity_mapping();
    kprintln!(
        "memory: {} MiB total, {} MiB free ({} frames of 4 KiB)",
        memory.total_bytes >> 20,
        (memory.free_frames * 4096) >> 20,
        memory.free_frames
    );
    for region in &boot.memory {
        log::debug!(
            "  {:#010x}..{:#010x} {}",
            region.base,
            region.base + region.length,
            if region.usable { "usable" } else { "reserved" }
        );
    }

    match options.crashtest {
        Some(CrashTest::Panic) => panic!("crashtest=panic: a deliberate kernel panic"),
        Some(CrashTest::TripleFault) => cpu::triple_fault(),
        Some(CrashTest::Hang) => {
            kprintln!("crashtest=hang: stopping with interrupts off");
            cpu::halt_forever()
        }
        Some(CrashTest::FaultWhilePrinting) => {
            kprintln!("crashtest=printfault: {}", FaultsWhenFormatted);
            unreachable!("the page fault ends the kernel");
        }
        Some(CrashTest::FailingSelfTest) | None => {}
    }
    if options.selftest || options.crashtest == Some(CrashTest::FailingSelfTest) {
        let failed = selftest::run_all(options.crashtest == Some(CrashTest::FailingSelfTest));
        cpu::qemu_exit(debug_exit_value(Halt::InitExited(failed as i32)));
    }

    load_initrd(&boot);
    proc::init();
    FREE_FRAMES_BEFORE_INIT.store(
        mm::frames::free_count(),
        core::sync::atomic::Ordering::Relaxed,
    );
    if let Err(e) = proc::spawn_init(options.init, &options.init_args) {
        panic!("cannot start init {}: {} ({})", options.init, e, e.name());
    }
    log::info!("starting {} as pid 1", options.init);
    proc::idle_loop()
}

/// Formatting this touches an unmapped address, so the page fault happens
/// while the console lock is held (`crashtest=printfault`).
struct FaultsWhenFormatted;

impl core::fmt::Display for FaultsWhenFormatted {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        // SAFETY: deliberately reads page 0, which is never mapped in the
        // kernel either: the resulting page fault is the point of the test.
        let value = unsafe { core::ptr::read_volatile(0x10 as *const u32) };
        write!(f, "{value}")
    }
}

fn drop_identity_mapping() {
    let directory = arch::x86::boot::kernel_page_directory();
    // SAFETY: nothing runs at the identity addresses any more; entries 0
    // and 1 were only needed to survive turning paging on.
    unsafe {
        (*directory).0[0] = 0;
        (*directory).0[1] = 0;
        cpu::write_cr3(cpu::read_cr3());
    }
}

fn load_initrd(boot: &multiboot::BootInfo) {
    let Some(module) = boot.modules.first() else {
        panic!("no initrd: boot with `-initrd build/initrd.cpio` (see README)");
    };
    if module.end as u64 > mm::DIRECT_MAP_SIZE || module.end < module.start {
        panic!(
            "the initrd lies at {:#x}..{:#x}, outside the first GiB the kernel maps",
            module.start, module.end
        );
    }
    let len = (module.end - module.start) as usize;
    // SAFETY: the module's frames were excluded from the frame allocator, so
    // its bytes stay untouched for the kernel's whole life.
    let bytes: &'static [u8] =
        unsafe { core::slice::from_raw_parts(mm::phys_to_virt(module.start) as *const u8, len) };
    match initrd::cpio::Archive::parse(bytes) {
        Ok(archive) => {
            let files = archive.entries().filter(|e| e.is_file()).count();
            kprintln!("initrd: {} files, {} KiB", files, len / 1024);
            proc::loader::set_initrd(archive);
        }
        Err(e) => panic!("the initrd is not a valid cpio newc archive: {e}"),
    }
}

static FREE_FRAMES_BEFORE_INIT: core::sync::atomic::AtomicUsize =
    core::sync::atomic::AtomicUsize::new(0);

/// Called when pid 1 has ended: report its status and the frame balance,
/// then power off with an exit code that encodes the status.
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
        abi::wait::Decoded::Unknown(raw) => panic!("init ended with a malformed status {raw:#x}"),
    };
    let before = FREE_FRAMES_BEFORE_INIT.load(core::sync::atomic::Ordering::Relaxed);
    let now = mm::frames::free_count();
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

/// Prints return addresses by following the saved frame pointers.
pub fn print_backtrace(mut ebp: usize) {
    kprintln!("  backtrace:");
    for _ in 0..16 {
        if ebp < mm::KERNEL_BASE as usize || !ebp.is_multiple_of(4) || ebp > usize::MAX - 8 {
            break;
        }
        // SAFETY: ebp points into a kernel stack (checked to be in the
        // kernel half); frames were built with frame pointers enabled.
        let (next, ret) = unsafe { (*(ebp as *const usize), *((ebp + 4) as *const usize)) };
        if ret == 0 {
            break;
        }
        kprintln!("    {:#010x}", ret);
        if next <= ebp {
            break;
        }
        ebp = next;
    }
}

/// Powers off with the "kernel panic" exit code.
pub fn die() -> ! {
    cpu::qemu_exit(debug_exit_value(Halt::KernelPanic))
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    cpu::disable_interrupts();
    kprintln!("\nKERNEL PANIC: {}", info.message());
    if let Some(location) = info.location() {
        kprintln!(
            "  at {}:{}:{}",
            location.file(),
            location.line(),
            location.column()
        );
    }
    let (esp, ebp, eflags): (usize, usize, usize);
    // SAFETY: reading esp, ebp and the flags has no side effects.
    unsafe {
        core::arch::asm!("mov {}, esp", out(reg) esp);
        core::arch::asm!("mov {}, ebp", out(reg) ebp);
        core::arch::asm!("pushfd", "pop {}", out(reg) eflags);
    }
    kprintln!(
        "  esp={:#010x} ebp={:#010x} eflags={:#010x} cr2={:#010x} cr3={:#010x}",
        esp,
        ebp,
        eflags,
        cpu::read_cr2(),
        cpu::read_cr3()
    );
    print_backtrace(ebp);
    die()
}

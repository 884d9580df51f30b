//! Lunaix-rs: the process subsystem of LunaixOS, re-created in Rust for
//! 32-bit x86. This file is the boot order only; see docs/boot.md, and
//! docs/architecture.md for the module map and its rules.
#![no_std]
#![no_main]
#![feature(allocator_api)]
// Unsafe code lives in `arch` and `mm` only; everything else is checked.
#![deny(unsafe_code)]
#![warn(clippy::undocumented_unsafe_blocks)]

extern crate alloc;

#[allow(unsafe_code)]
mod arch;
mod console;
mod crashtest;
mod fs;
#[allow(unsafe_code)]
mod mm;
mod panic;
mod power;
mod proc;
mod sched;
mod selftest;
mod signal;
mod syscall;
mod time;
mod trap;
mod tty;

use klib::cmdline::{self, CrashTest, LogLevel, Problem};
use mm::frames::ModuleError;

use arch::x86::multiboot::{self, BootInfo, Module};
use arch::x86::{boot, cpu, gdt, idt, machine_check, pic, pit};

/// Where `_start` (arch/x86/boot.rs) lands once paging is on.
// `_start` calls this by its unmangled name; `#[no_mangle]` counts as unsafe
// code, so the exemption covers this one call, and `boot` stays checked.
#[allow(unsafe_code)]
#[no_mangle]
extern "C" fn kmain(magic: u32, multiboot_info: u32) -> ! {
    boot(magic, multiboot_info)
}

/// The boot order: console, heap, command line, CPU tables, memory, the
/// initrd, then init as pid 1 and the idle loop.
fn boot(magic: u32, multiboot_info: u32) -> ! {
    console::init();
    mm::heap::init();
    kprintln!(
        "Lunaix-rs {}: the LunaixOS process model in Rust (i686)",
        env!("CARGO_PKG_VERSION")
    );
    if magic != multiboot::BOOTLOADER_MAGIC {
        panic!("not started by a Multiboot loader (eax = {magic:#x})");
    }
    let boot = match multiboot::read(multiboot_info, cmdline::MAX_LEN) {
        Ok(boot) => boot,
        Err(e) => panic!("{e}"),
    };
    require_ram(&boot);
    let line = match cmdline::decode(&boot.cmdline.bytes, boot.cmdline.length) {
        Ok(line) => line,
        Err(e) => panic!(
            "{e} (docs/boot.md); it begins: {}",
            BeginningOf(&boot.cmdline.bytes)
        ),
    };
    let options = cmdline::parse(line);
    console::init_logger(match options.log_level {
        LogLevel::Error => log::LevelFilter::Error,
        LogLevel::Warn => log::LevelFilter::Warn,
        LogLevel::Info => log::LevelFilter::Info,
        LogLevel::Debug => log::LevelFilter::Debug,
        LogLevel::Trace => log::LevelFilter::Trace,
    });
    kprintln!("cmdline: {}", line);
    for problem in &options.problems {
        match problem {
            Problem::Unknown(word) => log::warn!("unknown option '{}' ignored", word),
            Problem::BadValue(word) => log::warn!("bad value in option '{}' ignored", word),
        }
    }

    gdt::init(idt::double_fault_task);
    idt::init();
    let machine_checks = machine_check::enable();
    log::debug!("machine checks: {machine_checks:?}");
    pic::init();
    pit::init();
    cpu::forbid_fpu();
    time::calibrate();

    let memory = mm::frames::init(&boot);
    boot::drop_identity_mapping();
    mm::kstack::init();
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
        Some(CrashTest::StackOverflow) => crashtest::arm_stack_overflow(),
        Some(CrashTest::FailingSelfTest) | None => {}
    }
    if options.selftest || options.crashtest == Some(CrashTest::FailingSelfTest) {
        let failed = selftest::run_all(options.crashtest == Some(CrashTest::FailingSelfTest));
        cpu::qemu_exit(abi::halt::debug_exit_value(abi::halt::Halt::InitExited(
            failed as i32,
        )));
    }

    if options.kstack_check {
        mm::kstack::enable_depth_check();
    }
    load_initrd(&boot);
    proc::init();
    if let Some(kib) = options.heap_kib {
        // After the boot's own allocations: what is left is for processes.
        let free = mm::heap::restrict_to(kib * 1024);
        kprintln!("kheap: {} KiB of kernel heap free", free / 1024);
    }
    tty::init();
    if options.console_input {
        tty::enable_input();
    }
    power::record_free_frames();
    if let Err(e) = proc::spawn_init(options.init, &options.init_args) {
        panic!("cannot start init {}: {} ({})", options.init, e, e.name());
    }
    log::info!("starting {} as pid 1", options.init);
    sched::idle_loop()
}

/// Formatting this touches an unmapped address, so the page fault happens
/// while the console lock is held (`crashtest=printfault`).
struct FaultsWhenFormatted;

impl core::fmt::Display for FaultsWhenFormatted {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        write!(f, "{}", cpu::read_unmapped_for_crash_test())
    }
}

/// The first 60 bytes of a refused command line, bytes that are not
/// printable ASCII shown as `\xNN`.
struct BeginningOf<'a>(&'a [u8]);

impl core::fmt::Display for BeginningOf<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        for &b in self.0.iter().take(60) {
            if b == b' ' || b.is_ascii_graphic() {
                write!(f, "{}", b as char)?;
            } else {
                write!(f, "\\x{b:02x}")?;
            }
        }
        if self.0.len() > 60 {
            write!(f, "...")?;
        }
        Ok(())
    }
}

/// Stops the boot when the kernel image or the initrd lies (partly) where
/// the machine has no RAM: with too little memory the loader still places
/// them there, and the kernel would read garbage or lose its writes.
fn require_ram(boot: &BootInfo) {
    let (image_start, image_end) = mm::frames::kernel_image();
    if let Some(ram_end) = mm::frames::ram_end_before(boot, image_start, image_end) {
        panic!(
            "not enough RAM: the kernel image needs {image_start:#x}..{image_end:#x} but RAM ends \
             at {ram_end:#x}; see docs/boot.md for the minimum"
        );
    }
    if let Some(module) = boot.modules.first() {
        if let Some(ram_end) = mm::frames::ram_end_before(boot, module.start, module.end) {
            initrd_past_ram(module, ram_end);
        }
    }
}

fn initrd_past_ram(module: &Module, ram_end: u64) -> ! {
    panic!(
        "the initrd at {:#x}..{:#x} extends past the end of RAM ({ram_end:#x}): the loader placed \
         it where the machine has no memory; give the machine more RAM (docs/boot.md)",
        module.start, module.end
    )
}

/// Unpacks the initrd into the root file system, then gives its memory
/// back (as Linux frees an initramfs once unpacked).
fn load_initrd(boot: &BootInfo) {
    let Some(module) = boot.modules.first() else {
        panic!("no initrd: boot with `-initrd build/initrd.cpio` (see README)");
    };
    let image = match mm::frames::boot_module(boot, module.start, module.end) {
        Ok(image) => image,
        Err(ModuleError::Malformed) => panic!(
            "the initrd's range {:#x}..{:#x} ends before it starts",
            module.start, module.end
        ),
        Err(ModuleError::PastEndOfRam { ram_end }) => initrd_past_ram(module, ram_end),
        Err(ModuleError::OutsideDirectMap) => panic!(
            "the initrd lies at {:#x}..{:#x}, outside the first {} MiB the kernel maps",
            module.start,
            module.end,
            mm::DIRECT_MAP_SIZE >> 20
        ),
    };
    let len = image.bytes().len();
    let archive = match initrd::cpio::Archive::parse(image.bytes()) {
        Ok(archive) => archive,
        Err(e) => panic!("the initrd is not a valid cpio newc archive: {e}"),
    };
    let report = match fs::mount(&archive) {
        Ok(report) => report,
        Err(e) => panic!(
            "the initrd ({} KiB) does not fit in memory as files: {} ({}); give the machine more \
             RAM (docs/boot.md)",
            len / 1024,
            e,
            e.name()
        ),
    };
    for skipped in &report.skipped {
        log::warn!(
            "initrd: {} (mode {:o}) left out: {:?}",
            skipped.path,
            skipped.mode,
            skipped.reason
        );
    }
    let freed = image.reclaim();
    mm::file_pages::keep_frames_for_processes();
    kprintln!(
        "initrd: {} files, {} directories, {} KiB unpacked into the root file system; {} KiB freed",
        // Names of regular files: a hard-linked file counts once per name.
        report.files + report.links,
        report.dirs,
        len / 1024,
        freed * 4
    );
}

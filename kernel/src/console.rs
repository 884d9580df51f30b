//! The serial console and the kernel logger.
//!
//! Every byte the kernel or a user program prints goes through [`write_bytes`]
//! under one lock, so a user program's `write` comes out whole. The lock is
//! never contended in normal operation (the kernel runs with interrupts off);
//! if a fault happens while the lock is held (the kernel died mid-print), the
//! panic path prints through a fresh handle instead of deadlocking.

#![deny(unsafe_code)]

use core::fmt::{self, Write};

use crate::arch::x86::lock::IrqMutex;
use crate::arch::x86::serial::Serial;
use crate::time;

static CONSOLE: IrqMutex<Option<Serial>> = IrqMutex::new(None);

/// Programs the UART. Call first thing at boot.
pub fn init() {
    *CONSOLE.lock() = Some(Serial::init());
}

/// Runs `f` with the console locked, handing it a sink that prints bytes:
/// everything `f` prints comes out together. (`write` streams a user
/// buffer through it, page by page.) With `crlf`, NL goes out as CR NL (the
/// terminal's `OPOST` and `ONLCR`); without, bytes go out as they are.
pub fn write_with<R>(crlf: bool, f: impl FnOnce(&mut dyn FnMut(&[u8])) -> R) -> R {
    let send = |serial: &mut Serial, bytes: &[u8]| {
        if crlf {
            serial.write_bytes(bytes)
        } else {
            serial.write_plain(bytes)
        }
    };
    match CONSOLE.try_lock() {
        Some(mut guard) => match guard.as_mut() {
            Some(serial) => f(&mut |bytes| send(serial, bytes)),
            None => f(&mut |bytes| send(&mut Serial, bytes)),
        },
        None => f(&mut |bytes| send(&mut Serial, bytes)),
    }
}

/// Turns on the serial port's receive interrupt (`console=input`).
pub fn enable_input() {
    if let Some(serial) = CONSOLE.lock().as_mut() {
        serial.enable_receive_interrupt();
    }
    crate::arch::x86::pic::unmask(crate::arch::x86::serial::COM1_IRQ);
}

/// Calls `f` with each byte the serial port has received (from its
/// interrupt), with no lock held.
pub fn drain_input(mut f: impl FnMut(u8)) {
    loop {
        let byte = CONSOLE.lock().as_mut().and_then(Serial::receive);
        match byte {
            Some(byte) => f(byte),
            None => break,
        }
    }
}

/// Formats to the console; one lock for the whole message.
pub fn write_fmt(args: fmt::Arguments) {
    match CONSOLE.try_lock() {
        Some(mut guard) => match guard.as_mut() {
            Some(serial) => {
                let _ = serial.write_fmt(args);
            }
            None => {
                let _ = Serial.write_fmt(args);
            }
        },
        None => {
            let _ = Serial.write_fmt(args);
        }
    }
}

/// Prints to the console.
#[macro_export]
macro_rules! kprint {
    ($($arg:tt)*) => { $crate::console::write_fmt(format_args!($($arg)*)) };
}

/// Prints a line to the console.
#[macro_export]
macro_rules! kprintln {
    () => { $crate::kprint!("\n") };
    ($($arg:tt)*) => { $crate::console::write_fmt(format_args!("{}\n", format_args!($($arg)*))) };
}

struct KernelLogger;

impl log::Log for KernelLogger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let ns = time::now_ns();
        write_fmt(format_args!(
            "[{:5}.{:06}] {:5} {}\n",
            ns / 1_000_000_000,
            (ns % 1_000_000_000) / 1000,
            record.level(),
            record.args()
        ));
    }

    fn flush(&self) {}
}

static LOGGER: KernelLogger = KernelLogger;

/// Installs the logger at the given level.
pub fn init_logger(level: log::LevelFilter) {
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(level);
}

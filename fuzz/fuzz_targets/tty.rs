//! The terminal line discipline: see `klib::fuzzing::tty`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| klib::fuzzing::tty(data));

//! The kernel command line: see `klib::fuzzing::cmdline`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| klib::fuzzing::cmdline(data));

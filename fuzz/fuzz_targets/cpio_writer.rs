//! The cpio newc writer: see `initrd::fuzzing::cpio_writer`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| initrd::fuzzing::cpio_writer(data));

//! The cpio newc reader: see `initrd::fuzzing::cpio_archive`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| initrd::fuzzing::cpio_archive(data));

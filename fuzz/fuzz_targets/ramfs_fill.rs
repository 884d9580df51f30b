//! Unpacking an initrd into the RAM file system: see `ramfs::fuzzing::fill`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ramfs::fuzzing::fill(data));

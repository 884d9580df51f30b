//! Path resolution and operations on the RAM file system: see `ramfs::fuzzing::ops`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ramfs::fuzzing::ops(data));

//! ELF validation: see `initrd::fuzzing::elf`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| initrd::fuzzing::elf(data));

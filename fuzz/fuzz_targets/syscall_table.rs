//! The system call table parser: see `syscall_gen::fuzzing::table`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| syscall_gen::fuzzing::table(data));

//! The shell's lexer and parser: see `uapps/src/bin/sh/fuzzing.rs`.
#![no_main]

extern crate alloc;

#[allow(dead_code)]
#[path = "../../uapps/src/bin/sh/syntax.rs"]
mod syntax;

#[allow(dead_code)]
#[path = "../../uapps/src/bin/sh/expand.rs"]
mod expand;

#[path = "../../uapps/src/bin/sh/fuzzing.rs"]
mod fuzzing;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::sh_parse(data));

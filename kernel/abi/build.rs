//! Generates `abi::nr` from `syscalls.tbl`; a malformed table (for example a duplicate name
//! or number) fails the build with the offending line.
//!
//! The table module is compiled in directly rather than through the `syscall-gen` crate:
//! `syscall-gen` depends on `abi` (it renders the C headers from the errno and signal lists),
//! so `abi` cannot depend on it. Reading the table through `table::abi_table` keeps its path
//! in one place; Cargo rebuilds this script, and so reruns it, when the table changes.

use std::path::PathBuf;
use std::{env, fs};

#[allow(dead_code)]
#[path = "../syscall-gen/src/table.rs"]
mod table;

fn main() {
    let table = table::abi_table().unwrap_or_else(|e| panic!("{e}"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("nr.rs");
    fs::write(&out, table::rust_numbers(&table))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

//! Generates `abi::nr` from `syscalls.tbl`; a malformed table (for example a duplicate name
//! or number) fails the build with the offending line.

use std::path::PathBuf;
use std::{env, fs};

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let table_path = manifest_dir.join("syscalls.tbl");
    println!("cargo::rerun-if-changed={}", table_path.display());
    // Direct dependents' build scripts see this as DEP_LUNAIX_ABI_SYSCALL_TABLE.
    println!("cargo::metadata=syscall_table={}", table_path.display());
    println!(
        "cargo::rustc-env=LUNAIX_SYSCALL_TABLE={}",
        table_path.display()
    );

    let text = fs::read_to_string(&table_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", table_path.display()));
    let table = syscall_gen::parse(&text)
        .unwrap_or_else(|e| panic!("{} is invalid: {e}", table_path.display()));

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let out = out_dir.join("nr.rs");
    fs::write(&out, syscall_gen::rust_numbers(&table))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

//! Generates ulib's raw system call wrappers (`ulib::raw::sys_*`) from the one syscall table,
//! `kernel/abi/syscalls.tbl`, with the same generator the kernel's dispatch uses.

use std::path::PathBuf;
use std::{env, fs};

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let table_path = manifest_dir.join("../kernel/abi/syscalls.tbl");
    println!("cargo::rerun-if-changed={}", table_path.display());
    println!("cargo::rerun-if-changed=build.rs");

    let text = fs::read_to_string(&table_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", table_path.display()));
    let table = syscall_gen::parse(&text)
        .unwrap_or_else(|e| panic!("{} is invalid: {e}", table_path.display()));

    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let out = out_dir.join("syscall_wrappers.rs");
    fs::write(&out, syscall_gen::ulib_wrappers(&table))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

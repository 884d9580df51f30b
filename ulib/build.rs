//! Generates ulib's raw system call wrappers (`ulib::raw::sys_*`) from the one syscall table,
//! `kernel/abi/syscalls.tbl`, with the same generator the kernel's dispatch uses. The table
//! is read by `syscall_gen::abi_table`; a changed table rebuilds `syscall-gen`, and with it
//! this script.

use std::path::PathBuf;
use std::{env, fs};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let table = syscall_gen::abi_table().unwrap_or_else(|e| panic!("{e}"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let out = out_dir.join("syscall_wrappers.rs");
    fs::write(&out, syscall_gen::ulib_wrappers(&table))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

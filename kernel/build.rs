//! Links the kernel with its script and generates the system-call dispatch from the one
//! table, `abi/syscalls.tbl` (read by `syscall_gen::abi_table`; a changed table rebuilds
//! `syscall-gen`, and with it this script).
use std::{env, fs, path::PathBuf};

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let script = dir.join("linker.ld");
    println!("cargo:rustc-link-arg-bins=-T{}", script.display());
    println!("cargo:rerun-if-changed={}", script.display());

    let table = syscall_gen::abi_table().unwrap_or_else(|e| panic!("{e}"));
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("syscall_dispatch.rs");
    fs::write(out, syscall_gen::kernel_dispatch(&table)).expect("write syscall_dispatch.rs");
}

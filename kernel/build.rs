//! Links the kernel with its script and generates the system-call dispatch
//! from the one table in abi/syscalls.tbl.
use std::{env, fs, path::PathBuf};

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let script = dir.join("linker.ld");
    println!("cargo:rustc-link-arg-bins=-T{}", script.display());
    println!("cargo:rerun-if-changed={}", script.display());

    let table_path = dir.join("abi/syscalls.tbl");
    println!("cargo:rerun-if-changed={}", table_path.display());
    let text = fs::read_to_string(&table_path).expect("read abi/syscalls.tbl");
    let table =
        syscall_gen::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", table_path.display()));
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("syscall_dispatch.rs");
    fs::write(out, syscall_gen::kernel_dispatch(&table)).expect("write syscall_dispatch.rs");
}

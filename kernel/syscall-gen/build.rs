//! Generates the kernel dispatch, ulib wrappers and numbers for `testdata/fixture.tbl`, so
//! the unit tests can compile the generated code and call it.

use std::path::PathBuf;
use std::{env, fs};

#[allow(dead_code)]
#[path = "src/lib.rs"]
mod generator;

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let fixture = manifest_dir.join("testdata/fixture.tbl");
    // src/lib.rs and src/table.rs are compiled into this script, so Cargo rebuilds and reruns
    // it when they change; only the fixture is read at run time.
    println!("cargo::rerun-if-changed={}", fixture.display());
    let text = fs::read_to_string(&fixture).expect("read testdata/fixture.tbl");
    let table = generator::parse(&text).unwrap_or_else(|e| panic!("fixture.tbl: {e}"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let outputs = [
        ("fixture_dispatch.rs", generator::kernel_dispatch(&table)),
        ("fixture_wrappers.rs", generator::ulib_wrappers(&table)),
        ("fixture_numbers.rs", generator::rust_numbers(&table)),
    ];
    for (name, text) in outputs {
        fs::write(out_dir.join(name), text).expect("write generated fixture code");
    }
}

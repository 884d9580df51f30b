//! `syscall-gen`: prints artefacts generated from `syscalls.tbl`, or checks the docs.
//!
//! ```text
//! syscall-gen c-header [TABLE]      sys/syscall.h on stdout
//! syscall-gen docs [TABLE]          docs/syscalls.md on stdout
//! syscall-gen check-docs DOCS.md [TABLE]
//!                                   exit 1 if DOCS.md differs from the generated table
//! ```
//!
//! `TABLE` defaults to `kernel/abi/syscalls.tbl` of this source tree.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

const USAGE: &str = "usage: syscall-gen c-header [TABLE]
       syscall-gen docs [TABLE]
       syscall-gen check-docs DOCS.md [TABLE]";

/// The table of this source tree.
fn default_table() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../abi/syscalls.tbl")
}

fn load(table: Option<&String>) -> Result<syscall_gen::Table, String> {
    let path = table.map(PathBuf::from).unwrap_or_else(default_table);
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    syscall_gen::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    match args {
        [cmd, rest @ ..] if cmd == "c-header" && rest.len() <= 1 => {
            print!("{}", syscall_gen::c_header(&load(rest.first())?));
            Ok(ExitCode::SUCCESS)
        }
        [cmd, rest @ ..] if cmd == "docs" && rest.len() <= 1 => {
            print!("{}", syscall_gen::markdown_table(&load(rest.first())?));
            Ok(ExitCode::SUCCESS)
        }
        [cmd, docs, rest @ ..] if cmd == "check-docs" && rest.len() <= 1 => {
            let expected = syscall_gen::markdown_table(&load(rest.first())?);
            let actual =
                fs::read_to_string(docs).map_err(|e| format!("cannot read {docs}: {e}"))?;
            if actual == expected {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "{docs} is stale; regenerate it with: cargo run -p syscall-gen -- docs > {docs}"
                );
                Ok(ExitCode::FAILURE)
            }
        }
        _ => {
            eprintln!("{USAGE}");
            Ok(ExitCode::from(2))
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("syscall-gen: {message}");
            ExitCode::FAILURE
        }
    }
}

//! `syscall-gen`: writes the artefacts generated from the ABI, or checks the docs.
//!
//! ```text
//! syscall-gen c-shim DIR            the C shim's generated files under DIR: include/errno.h,
//!                                   include/signal.h, include/sys/wait.h,
//!                                   include/fcntl.h, include/sys/syscall.h,
//!                                   src/errno_messages.h
//! syscall-gen c-header [TABLE]      sys/syscall.h on stdout
//! syscall-gen docs [TABLE]          docs/syscalls.md on stdout
//! syscall-gen check-docs DOCS.md [TABLE]
//!                                   exit 1 if DOCS.md differs from the generated table
//! ```
//!
//! `TABLE` defaults to `kernel/abi/syscalls.tbl` of this source tree ([`syscall_gen::abi_table`]).

use std::path::Path;
use std::process::ExitCode;
use std::{env, fs};

const USAGE: &str = "usage: syscall-gen c-shim DIR
       syscall-gen c-header [TABLE]
       syscall-gen docs [TABLE]
       syscall-gen check-docs DOCS.md [TABLE]";

/// The table at `path`, or this source tree's when `None`.
fn load(path: Option<&String>) -> Result<syscall_gen::Table, String> {
    match path {
        None => syscall_gen::abi_table().map_err(|e| format!("{}: {e}", syscall_gen::TABLE_PATH)),
        Some(path) => {
            let text = fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            syscall_gen::parse(&text).map_err(|e| format!("{path}: {e}"))
        }
    }
}

fn write_c_shim(dir: &Path) -> Result<(), String> {
    for (name, text) in syscall_gen::c_shim_files(&load(None)?) {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    match args {
        [cmd, dir] if cmd == "c-shim" => {
            write_c_shim(Path::new(dir))?;
            Ok(ExitCode::SUCCESS)
        }
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

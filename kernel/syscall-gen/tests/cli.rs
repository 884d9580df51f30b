//! The `syscall-gen` binary: output, exit codes and error messages.

use std::path::PathBuf;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_syscall-gen"))
        .args(args)
        .output()
        .expect("run syscall-gen")
}

fn real_table() -> syscall_gen::Table {
    syscall_gen::abi_table().unwrap()
}

fn scratch(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("syscall-gen-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn docs_and_header_print_the_generated_text() {
    let docs = run(&["docs"]);
    assert!(docs.status.success());
    assert_eq!(
        String::from_utf8(docs.stdout).unwrap(),
        syscall_gen::markdown_table(&real_table())
    );
    let header = run(&["c-header"]);
    assert!(header.status.success());
    assert_eq!(
        String::from_utf8(header.stdout).unwrap(),
        syscall_gen::c_header(&real_table())
    );
}

#[test]
fn c_shim_writes_every_generated_c_file() {
    let dir = std::env::temp_dir().join(format!("syscall-gen-cli-shim-{}", std::process::id()));
    let out = run(&["c-shim", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    for (name, text) in syscall_gen::c_shim_files(&real_table()) {
        let written = std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(written, text, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_explicit_table_is_used() {
    let table = scratch("one.tbl", "77 only() -- the only call\n");
    let out = run(&["c-header", table.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("#define SYS_only 77 "));
    assert!(!text.contains("SYS_fork"));
}

#[test]
fn check_docs_accepts_fresh_and_rejects_stale() {
    let fresh = scratch("fresh.md", &syscall_gen::markdown_table(&real_table()));
    assert_eq!(
        run(&["check-docs", fresh.to_str().unwrap()]).status.code(),
        Some(0)
    );

    let stale_text = syscall_gen::markdown_table(&real_table()).replace("| 22 |", "| 23 |");
    let stale = scratch("stale.md", &stale_text);
    let out = run(&["check-docs", stale.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is stale"));

    let missing = run(&["check-docs", "/nonexistent/syscalls.md"]);
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn a_bad_table_fails_naming_the_line() {
    let table = scratch("dup.tbl", "# comment\n1 fork() -- a\n1 spoon() -- b\n");
    let out = run(&["docs", table.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3: duplicate system call number 1"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["check-docs"],
        &["docs", "a", "b"],
        &["c-shim"],
        &["c-shim", "a", "b"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage:"));
    }
}

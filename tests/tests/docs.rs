//! The documentation: the SDK's API documentation builds without warnings (`make doc`: every
//! public ulib item is documented and every intra-doc link resolves), and no file of the
//! repository cites material that only the project's developers have.

use integration_tests::host::{clean_command, lock_sysroot, run_command};
use integration_tests::repo_root;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

#[test]
fn ulib_docs_build_without_warnings() {
    let _sysroot = lock_sysroot();
    let root = repo_root();
    let mut cmd = clean_command(root.join("sysroot/bin/lunaix-cargo"));
    cmd.args(["doc", "--no-deps"])
        .current_dir(root.join("ulib"))
        .env("RUSTDOCFLAGS", "-D warnings -D missing_docs");
    let out = run_command(cmd, "lunaix-cargo doc in ulib/", Duration::from_secs(600));
    out.expect_success();
    let index = root.join("ulib/target/i686-lunaix/doc/ulib/index.html");
    if !index.is_file() {
        out.fail(&format!("{} was not generated", index.display()));
    }
}

/// The material every developer of this project has next to the repository, which its users
/// do not: the repository may not point at it. Spelled in pieces, so this file does not
/// mention what it looks for.
const OUTSIDE_DIR: &str = "shared";
const OUTSIDE_FILES: &[&str] = &[
    "acceptance-scenarios",
    "peer-figures",
    "peer-bench",
    "sdk-contract",
    "toolchain-facts",
    "engineering-style",
    "seeds/",
    "hooks/",
];

/// The patterns no tracked file may contain.
fn outside_patterns() -> Vec<String> {
    let mut patterns = vec![format!("../{OUTSIDE_DIR}")];
    patterns.extend(
        OUTSIDE_FILES
            .iter()
            .map(|name| format!("{OUTSIDE_DIR}/{name}")),
    );
    patterns
}

/// The repository's files: `git ls-files`, or every file outside `.git`, `target` and `build`
/// when this is not a git checkout.
fn tracked_files(root: &Path) -> Vec<PathBuf> {
    let listed = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output();
    if let Ok(out) = listed {
        if out.status.success() {
            return out
                .stdout
                .split(|&b| b == 0)
                .filter(|name| !name.is_empty())
                .map(|name| root.join(String::from_utf8_lossy(name).as_ref()))
                .collect();
        }
    }
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().unwrap_or_default();
            if path.is_dir() {
                if !matches!(name.to_str(), Some(".git" | "target" | "build")) {
                    dirs.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// Docs, comments and scripts cite only what a user of the repository has: no path into the
/// developers' material beside it.
#[test]
fn no_file_points_outside_the_repository() {
    let root = repo_root();
    let patterns = outside_patterns();
    let files = tracked_files(&root);
    assert!(!files.is_empty(), "no files found under {}", root.display());
    let mut hits = Vec::new();
    for file in &files {
        // Binary files and files deleted from the work tree have nothing to say.
        let Ok(bytes) = fs::read(file) else { continue };
        let text = String::from_utf8_lossy(&bytes);
        for (n, line) in text.lines().enumerate() {
            if let Some(p) = patterns.iter().find(|p| line.contains(p.as_str())) {
                let rel = file.strip_prefix(&root).unwrap_or(file);
                hits.push(format!(
                    "{}:{}: {p:?}: {}",
                    rel.display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "files point outside the repository (bring the facts into docs/ and cite that):\n{}",
        hits.join("\n")
    );
}

/// The check above does find a citation of the material outside.
#[test]
fn outside_patterns_catch_a_citation() {
    let patterns = outside_patterns();
    let line = format!("see ../{OUTSIDE_DIR}/peer-figures.md");
    assert!(patterns.iter().any(|p| line.contains(p.as_str())));
    let line = format!("// from `{OUTSIDE_DIR}/acceptance-scenarios.md`");
    assert!(patterns.iter().any(|p| line.contains(p.as_str())));
    assert!(!patterns
        .iter()
        .any(|p| "docs/performance.md".contains(p.as_str())));
}

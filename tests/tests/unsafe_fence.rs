//! Where the kernel's `unsafe` may live (docs/architecture.md): only in `kernel/src/arch/` and
//! `kernel/src/mm/`. The crate root denies `unsafe_code`, so the compiler refuses an `unsafe`
//! block anywhere else, except inside an item that allows it. Outside arch and mm such an
//! allowance exists only because `#[no_mangle]` counts as unsafe code: the entry points the
//! assembly calls by name. This check keeps those allowances to one-call shims, so no unsafe
//! block can hide in a big function that happens to carry one.

use integration_tests::repo_root;
use std::fs;
use std::path::Path;

/// The modules that may hold unsafe code, relative to `kernel/src`.
const UNSAFE_MODULES: &[&str] = &["arch", "mm"];

/// What is wrong with `text` (a kernel source file outside arch and mm, at `name`).
fn problems_in(name: &str, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut problems = Vec::new();
    let code = |line: &str| line.split("//").next().unwrap_or("").trim().to_owned();
    for (i, line) in lines.iter().enumerate() {
        let here = code(line);
        let lint = here.contains("unsafe_code") || here.contains("undocumented_unsafe_blocks");
        if here.contains("unsafe") && !lint {
            problems.push(format!("{name}:{}: unsafe code: {}", i + 1, line.trim()));
        }
        if here != "#[allow(unsafe_code)]" {
            continue;
        }
        let next = |k: usize| lines.get(i + k).map(|l| code(l)).unwrap_or_default();
        let module = matches!(next(1).as_str(), "mod arch;" | "mod mm;");
        let entry_point = next(1) == "#[no_mangle]" && is_one_call(&lines, i + 2, &code);
        if !module && !entry_point {
            problems.push(format!(
                "{name}:{}: #[allow(unsafe_code)] outside arch/ and mm/ on something other than \
                 `mod arch;`, `mod mm;` or a #[no_mangle] entry point whose body is one call",
                i + 1
            ));
        }
    }
    problems
}

/// Whether the function whose signature starts at `lines[at]` has a body of one line.
fn is_one_call(lines: &[&str], at: usize, code: &dyn Fn(&str) -> String) -> bool {
    let line = |k: usize| lines.get(at + k).map(|l| code(l)).unwrap_or_default();
    line(0).contains("extern \"C\" fn ")
        && line(0).ends_with('{')
        && !line(1).is_empty()
        && !line(1).contains('{')
        && line(2) == "}"
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn unsafe_code_only_in_arch_and_mm() {
    let src = repo_root().join("kernel/src");
    let root = fs::read_to_string(src.join("main.rs")).expect("kernel/src/main.rs");
    assert!(
        root.lines().any(|l| l.trim() == "#![deny(unsafe_code)]"),
        "kernel/src/main.rs no longer denies unsafe code"
    );
    assert!(
        root.lines()
            .any(|l| l.trim() == "#![warn(clippy::undocumented_unsafe_blocks)]"),
        "kernel/src/main.rs no longer asks for a SAFETY comment on every unsafe block"
    );
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under kernel/src");
        let first = rel.components().next().and_then(|c| c.as_os_str().to_str());
        if rel.components().count() > 1 && first.is_some_and(|m| UNSAFE_MODULES.contains(&m)) {
            continue;
        }
        let text = fs::read_to_string(file).expect("a source file");
        problems.extend(problems_in(&rel.display().to_string(), &text));
    }
    assert!(
        files.len() > 20,
        "only {} files under {}",
        files.len(),
        src.display()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The check above finds what it looks for, and lets the shims through.
#[test]
fn unsafe_fence_check_catches_violations() {
    let shim = "#[allow(unsafe_code)]\n#[no_mangle]\npub extern \"C\" fn trap_entry(f: &mut F) {\n    trap(f)\n}\n";
    assert_eq!(problems_in("t.rs", shim), Vec::<String>::new());
    let modules = "#[allow(unsafe_code)]\nmod arch;\n#[allow(unsafe_code)]\nmod mm;\n";
    assert_eq!(problems_in("main.rs", modules), Vec::<String>::new());
    let lints = "#![deny(unsafe_code)]\n#![warn(clippy::undocumented_unsafe_blocks)]\n// unsafe in a comment\n";
    assert_eq!(problems_in("main.rs", lints), Vec::<String>::new());
    // An entry point with its whole body under the allowance.
    let big = "#[allow(unsafe_code)]\n#[no_mangle]\nextern \"C\" fn kmain(a: u32) -> ! {\n    console::init();\n    boot(a)\n}\n";
    assert_eq!(problems_in("main.rs", big).len(), 1);
    // An allowance on anything else, and unsafe code itself.
    let other = "#[allow(unsafe_code)]\nfn f() {\n    g()\n}\n";
    assert_eq!(problems_in("x.rs", other).len(), 1);
    let block = "fn f() {\n    // SAFETY: none\n    unsafe { g() }\n}\n";
    assert_eq!(problems_in("x.rs", block).len(), 1);
}

//! Out-of-tree programs, built exactly as README.md's "Write your own program" section says.
//!
//! The steps are not copied here: they are read from the fenced `sh` blocks of that section
//! (the Rust block, the C block, the boot block), so the README and this test cannot drift
//! apart. Each block runs as written in a fresh scratch directory (the README's "empty
//! directory anywhere"), with `/path/to/lunaix-rs` replaced by this repository; the boot
//! block's `initrd-builder create` line runs with its `/tmp/...` inputs taken from that
//! directory and its output written there too, and its `-append` names the first program.
//!
//! Building uses `sysroot/`, which `c_shim.rs` rebuilds in place: every test here holds the
//! sysroot lock.

use integration_tests::host::{lock_sysroot, run_bash, run_command, ScratchDir};
use integration_tests::{repo_root, Boot};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The README's stand-in for the repository's path.
const PLACEHOLDER: &str = "/path/to/lunaix-rs";
/// The README's boot step picks up what the steps above built under this directory (it
/// assumes they ran in `/tmp`); here that is the scratch directory.
const README_WORKDIR: &str = "/tmp/";
/// The section of README.md this file follows.
const SECTION: &str = "## Write your own program";

/// The first Rust build compiles `core` and `alloc` for the target (and may install the
/// pinned toolchain): generous.
const RUST_BUILD_TIMEOUT: Duration = Duration::from_secs(900);
const C_BUILD_TIMEOUT: Duration = Duration::from_secs(120);

/// The three `sh` blocks of the section.
struct Steps {
    /// Creates `myprog/` and builds it with `lunaix-cargo`.
    rust: String,
    /// Writes `hello.c` and builds it with `lunaix-cc`.
    c: String,
    /// Packs both with `initrd-builder` and boots with QEMU.
    boot: String,
}

/// The fenced blocks tagged `lang` between `heading` and the next `## ` heading.
fn fenced_blocks(markdown: &str, heading: &str, lang: &str) -> Vec<String> {
    let mut lines = markdown.lines().skip_while(|l| l.trim_end() != heading);
    assert!(
        lines.next().is_some(),
        "README.md has no {heading:?} section"
    );
    let mut blocks = Vec::new();
    // Inside a block: whether it is tagged `lang`, and its text so far.
    let mut open: Option<(bool, String)> = None;
    for line in lines.take_while(|l| !l.starts_with("## ")) {
        let fence = line.trim_start().starts_with("```");
        match (&mut open, fence) {
            (None, true) => {
                let tag = line.trim_start().trim_start_matches('`').trim();
                open = Some((tag == lang, String::new()));
            }
            (None, false) => {}
            (Some(_), true) => {
                if let Some((true, text)) = open.take() {
                    blocks.push(text);
                }
            }
            (Some((_, text)), false) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    assert!(open.is_none(), "an unterminated code block in {heading:?}");
    blocks
}

/// Reads the steps from README.md.
fn readme_steps() -> Steps {
    let path = repo_root().join("README.md");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let blocks = fenced_blocks(&text, SECTION, "sh");
    let pick = |needle: &str| -> String {
        let found: Vec<&String> = blocks.iter().filter(|b| b.contains(needle)).collect();
        match found.as_slice() {
            [one] => (*one).clone(),
            _ => panic!(
                "README.md's {SECTION:?} section should have exactly one sh block with \
                 {needle:?}, it has {}",
                found.len()
            ),
        }
    };
    Steps {
        rust: pick("lunaix-cargo build"),
        c: pick("lunaix-cc "),
        boot: pick("initrd-builder create"),
    }
}

/// `step` with the repository's path in place of the README's placeholder.
fn with_repo(step: &str) -> String {
    assert!(
        step.contains(PLACEHOLDER),
        "the README step no longer uses {PLACEHOLDER:?}:\n{step}"
    );
    step.replace(PLACEHOLDER, &repo_root().display().to_string())
}

/// Runs a README step in `dir` and requires it to succeed.
fn run_step(step: &str, dir: &Path, what: &str, timeout: Duration) {
    run_bash(&with_repo(step), dir, what, timeout).expect_success();
}

/// The boot block, read: the `initrd-builder create` line and the QEMU command.
struct BootStep {
    /// The builder as the README names it (relative to the repository, where it `cd`s).
    builder: String,
    /// The image the builder writes (a file name).
    image: String,
    /// The `PATH_IN_IMAGE=HOST_FILE` arguments, as written.
    inputs: Vec<(String, String)>,
    /// The QEMU command's `-append` string.
    append: String,
}

fn parse_boot_step(block: &str) -> BootStep {
    let joined = block.replace("\\\n", " ");
    let builder_line = joined
        .lines()
        .find(|l| l.contains("initrd-builder create"))
        .expect("the boot block runs initrd-builder create");
    let words: Vec<&str> = builder_line.split_whitespace().collect();
    let (builder, image, inputs) = match words.as_slice() {
        [builder, "create", "-o", image, inputs @ ..] if !inputs.is_empty() => {
            (builder.to_string(), image.to_string(), inputs)
        }
        _ => panic!("unexpected initrd-builder line in README.md: {builder_line:?}"),
    };
    let inputs = inputs
        .iter()
        .map(|arg| {
            let (inside, host) = arg
                .split_once('=')
                .unwrap_or_else(|| panic!("README packs {arg:?} without an image path"));
            (inside.to_owned(), host.to_owned())
        })
        .collect();
    let qemu = joined
        .lines()
        .find(|l| l.trim_start().starts_with("qemu-system-i386"))
        .expect("the boot block runs qemu-system-i386");
    let append = qemu
        .split_once("-append \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(append, _)| append.to_owned())
        .unwrap_or_else(|| panic!("no -append \"...\" in README's QEMU command: {qemu:?}"));
    let initrd_arg = format!("-initrd {image} ");
    assert!(
        qemu.contains(&initrd_arg),
        "README's QEMU command does not boot the image initrd-builder wrote ({image}): {qemu:?}"
    );
    BootStep {
        builder,
        image,
        inputs,
        append,
    }
}

impl BootStep {
    /// The host file the README packs at `inside`, found in `workdir` instead of `/tmp`.
    fn input(&self, inside: &str, workdir: &Path) -> PathBuf {
        let (_, host) = self
            .inputs
            .iter()
            .find(|(i, _)| i == inside)
            .unwrap_or_else(|| panic!("README's boot step does not pack {inside}"));
        let relative = host.strip_prefix(README_WORKDIR).unwrap_or_else(|| {
            panic!("README's boot step packs {host}, expected a file under {README_WORKDIR}")
        });
        workdir.join(relative)
    }

    /// Runs the README's `initrd-builder create` with the inputs in `only` (all when empty),
    /// taken from `workdir`, writing the image into `workdir`; returns the image.
    fn pack(&self, workdir: &Path, only: &[&str]) -> PathBuf {
        let image = workdir.join(&self.image);
        let mut cmd = integration_tests::host::clean_command(repo_root().join(&self.builder));
        cmd.arg("create").arg("-o").arg(&image);
        for (inside, _) in &self.inputs {
            if only.is_empty() || only.contains(&inside.as_str()) {
                let host = self.input(inside, workdir);
                assert!(host.is_file(), "{} was not built", host.display());
                cmd.arg(format!("{inside}={}", host.display()));
            }
        }
        run_command(cmd, "initrd-builder create", Duration::from_secs(60)).expect_success();
        image
    }

    /// The first program the README's QEMU command starts (its `init=`).
    fn init(&self) -> String {
        match self
            .append
            .split_whitespace()
            .collect::<Vec<_>>()
            .as_slice()
        {
            [word] => word
                .strip_prefix("init=")
                .unwrap_or_else(|| panic!("README boots with {:?}, expected init=...", self.append))
                .to_owned(),
            _ => panic!(
                "README boots with {:?}; this test expects just init=PATH",
                self.append
            ),
        }
    }
}

#[test]
fn rust_program_from_the_readme() {
    let steps = readme_steps();
    let boot = parse_boot_step(&steps.boot);
    let _sysroot = lock_sysroot();
    let dir = ScratchDir::new("readme-rust");
    run_step(
        &steps.rust,
        dir.path(),
        "README's Rust step",
        RUST_BUILD_TIMEOUT,
    );
    // The README packs the C program next to it: build that too (it takes a second).
    run_step(&steps.c, dir.path(), "README's C step", C_BUILD_TIMEOUT);
    let image = boot.pack(dir.path(), &[]);

    let init = boot.init();
    let run = Boot::new().initrd(&image).init(&init, &[]).run();
    run.expect_init_status(0);
    // main forks; the child prints its pid and returns 7; the parent prints what waitpid gave.
    let child = run.scan_one_line("child {}")[0];
    match child.parse::<u32>() {
        Ok(pid) if pid > 1 => {}
        _ => run.fail(&[format!(
            "the child reports pid {child:?}, expected a pid above 1"
        )]),
    }
    run.expect_lines_in_order(&[
        &format!("child {child}"),
        &format!("parent of {child} got Ok(Exited(Pid({child}), 7))"),
        "init exited with status 0",
    ]);
    run.expect_exact_line_count(
        &format!("parent of {child} got Ok(Exited(Pid({child}), 7))"),
        1,
    );
    run.expect_no_line("fork:");
    run.expect_all_frames_returned();
}

#[test]
fn c_program_from_the_readme() {
    let steps = readme_steps();
    let boot = parse_boot_step(&steps.boot);
    let _sysroot = lock_sysroot();
    let dir = ScratchDir::new("readme-c");
    run_step(&steps.c, dir.path(), "README's C step", C_BUILD_TIMEOUT);
    // Packed alone, as the README allows.
    let image = boot.pack(dir.path(), &["/bin/hello"]);

    let run = Boot::new().initrd(&image).init("/bin/hello", &[]).run();
    run.expect_init_status(0);
    run.expect_lines_in_order(&["hello from /bin/hello, pid 1", "init exited with status 0"]);
    run.expect_exact_line_count("hello from /bin/hello, pid 1", 1);
    run.expect_all_frames_returned();
}

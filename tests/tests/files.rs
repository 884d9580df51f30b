//! Files, directories, devices and `/proc`: scenarios 35-39 (listed in docs/testing.md), `execve`
//! from the RAM file system, and the bad-input cases of the path and file calls, run by
//! `/bin/fstest` (uapps/src/bin/fstest/), plus the whole `fstest all` in one boot.
//!
//! Each test boots `/bin/fstest <case>` as pid 1 and requires its `PASS <case>` line, no `FAIL`
//! line, exit status 0, no line mentioning a panic, every frame returned at power-off (every
//! case removes the files it made, so their pages must be free again), and no kernel kill line:
//! no case provokes a CPU fault, and deaths by `kill` print nothing.

use std::time::Duration;

use integration_tests::{Boot, Run};

const FSTEST: &str = "/bin/fstest";

/// Every case of `fstest`, in its order (`fstest list` must print exactly these).
const CASES: &[&str] = &[
    "files_basic",
    "unlink_open",
    "dirs",
    "rename",
    "many_files",
    "concreate",
    "proc_stat",
    "proc_files",
    "devices",
    "exec_files",
    "exec_env",
    "bad_fds",
    "bad_paths",
    "bad_pointers",
    "enospc",
    "open_cycles",
    "deep_dirs",
    "heap_full",
];

/// Boots `fstest <case>` and applies the checks every case shares.
#[track_caller]
fn case(name: &str) -> Run {
    case_with(name, Boot::new())
}

#[track_caller]
fn case_with(name: &str, boot: Boot) -> Run {
    let run = boot.init(FSTEST, &[name]).run();
    run.expect_pass(name).expect_no_panic_word();
    run.expect_init_status(0);
    run.expect_all_frames_returned();
    expect_no_kills(&run);
    run
}

/// No kernel kill line (the program's own lines start with `<case>:` or `fstest:`).
#[track_caller]
fn expect_no_kills(run: &Run) {
    let own: Vec<&str> = CASES.iter().copied().chain(["fstest", "none"]).collect();
    run.expect_no_kill_lines(&own);
}

// Files (scenarios 35-39)

#[test]
fn files_basic() {
    let run = case("files_basic");
    run.expect_exact_line(
        "files_basic: create, write, read, lseek, hole, O_APPEND, O_TRUNC, O_EXCL, shared and own offsets",
    );
}

#[test]
fn unlink_open() {
    let run = case("unlink_open");
    run.expect_exact_line(
        "unlink_open: the unlinked file stayed readable and writable until closed",
    );
}

#[test]
fn dirs() {
    let run = case("dirs");
    run.expect_exact_line(
        "dirs: mkdir, rmdir, chdir, getcwd, ENOTDIR, EISDIR, EINVAL, listings in creation order",
    );
}

#[test]
fn rename() {
    let run = case("rename");
    run.expect_exact_line(
        "rename: files and directories moved, a file and an empty directory replaced",
    );
}

#[test]
fn many_files() {
    let run = case_with("many_files", Boot::new().timeout(Duration::from_secs(120)));
    run.expect_exact_line("many_files: 4 writers, 4 files of 12288 bytes, every byte right");
}

#[test]
fn concreate() {
    let run = case_with("concreate", Boot::new().timeout(Duration::from_secs(120)));
    run.expect_exact_line("concreate: 40 names created once each, then all unlinked");
}

#[test]
fn proc_stat() {
    let run = case("proc_stat");
    run.expect_exact_line(
        "proc_stat: R, S, T and Z with the right ppid and group; a reaped child is gone",
    );
}

#[test]
fn proc_files() {
    let run = case("proc_files");
    run.expect_exact_line("proc_files: listing, cmdline, status and /proc/self as Linux has them");
}

// Devices and execve

#[test]
fn devices() {
    let run = case("devices");
    run.expect_exact_line("devices: written to /dev/console");
    run.expect_exact_line("devices: written to /dev/tty");
    run.expect_exact_line("devices: /dev/null, /dev/zero, /dev/console and /dev/tty behave");
}

#[test]
fn exec_files() {
    let run = case("exec_files");
    run.expect_exact_line(
        "exec_files: a 0o755 copy ran, 0o644 and directories are EACCES, text is ENOEXEC",
    );
}

#[test]
fn exec_env() {
    let run = case("exec_env");
    run.expect_exact_line("exec_env: the environment arrived whole");
}

// Bad input

#[test]
fn bad_fds() {
    let run = case("bad_fds");
    run.expect_exact_line("bad_fds: EBADF, ESPIPE, ENOTDIR and EINVAL as Linux, nothing leaked");
}

#[test]
fn bad_paths() {
    let run = case("bad_paths");
    run.expect_exact_line(
        "bad_paths: ENAMETOOLONG, ENOENT, ENOTDIR, and the root's .. is the root",
    );
}

#[test]
fn bad_pointers() {
    let run = case("bad_pointers");
    run.expect_exact_line(
        "bad_pointers: EFAULT for every path and buffer, nothing created or leaked",
    );
}

#[test]
fn enospc() {
    // A small machine fills quickly; its frames must all be back once the file is gone.
    let run = case_with(
        "enospc",
        Boot::new().memory_mb(64).timeout(Duration::from_secs(120)),
    );
    let filled = run.scan_one_line("enospc: {} KiB written, then {}");
    let kib: u64 = filled[0].parse().unwrap_or(0);
    if kib < 1024 || !matches!(filled[1], "ENOSPC" | "ENOMEM") {
        run.fail(&[format!("the fill line says {filled:?}")]);
    }
    run.expect_exact_line("enospc: the file filled memory, then a 1 MiB file fit after the unlink");
}

#[test]
fn open_cycles() {
    let run = case_with("open_cycles", Boot::new().timeout(Duration::from_secs(120)));
    run.expect_exact_line(
        "open_cycles: 20000 opens and 1000 creations, every one got descriptor 3",
    );
}

#[test]
fn deep_dirs() {
    let run = case_with("deep_dirs", Boot::new().timeout(Duration::from_secs(120)));
    run.expect_exact_line(
        "deep_dirs: 1400 levels: getcwd ENAMETOOLONG at the bottom, the tree removed",
    );
}

#[test]
fn heap_full() {
    // 1 MiB of kernel heap left for processes and files: the same path as a full 8 MiB heap,
    // in a tenth of the time.
    let run = case_with(
        "heap_full",
        Boot::new()
            .option("kheap=1024")
            .timeout(Duration::from_secs(120)),
    );
    let line = run.scan_one_line(
        "heap_full: {} long names filled the heap ({}), {} short ones fit in its holes, all removed",
    );
    if line[0].parse::<u64>().unwrap_or(0) < 1000 || !matches!(line[1], "ENOMEM" | "ENOSPC") {
        run.fail(&[format!("the heap line says {line:?}")]);
    }
}

// The whole program

#[test]
fn list_names_every_case_once() {
    let run = Boot::new().init(FSTEST, &["list"]).run();
    run.expect_init_status(0);
    run.expect_case_listing("fstest", CASES);
}

#[test]
fn all_cases_in_one_boot() {
    // The heap limit of `heap_full` (the others need far less), so it runs in seconds.
    let run = Boot::new()
        .init(FSTEST, &["all"])
        .option("kheap=1024")
        .timeout(Duration::from_secs(600))
        .run();
    run.expect_init_status(0).expect_no_panic_word();
    run.expect_all_frames_returned();
    run.expect_exact_line(&format!("fstest: {} passed, 0 failed", CASES.len()));
    for name in CASES {
        run.expect_exact_line_count(&format!("PASS {name}"), 1);
    }
    expect_no_kills(&run);
}

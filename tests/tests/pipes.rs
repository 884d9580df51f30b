//! Pipes and descriptors: scenarios 26-34 and the bad-input cases of issue 9 (listed in
//! docs/testing.md), run by `/bin/pipetest` (uapps/src/bin/pipetest/), plus the whole
//! `pipetest all` in one boot.
//!
//! Each test boots `/bin/pipetest <case>` as pid 1 and requires its `PASS <case>` line, no
//! `FAIL` line, exit status 0, no line mentioning a panic, every frame returned at power-off
//! (pipe buffers included), and no kernel kill line: no case provokes a CPU fault, and deaths
//! by SIGPIPE or `kill` print nothing.

use std::time::Duration;

use integration_tests::{Boot, Run};

const PIPETEST: &str = "/bin/pipetest";

/// Every case of `pipetest`, in its order (`pipetest list` must print exactly these).
const CASES: &[&str] = &[
    "pipe_roundtrip",
    "pipe_eof",
    "pipe_sigpipe",
    "pipe_readers_wake",
    "pipe_many",
    "pipe_kill_blocked",
    "pipe_badf",
    "dup2",
    "cloexec",
    "lowest_free",
    "emfile",
    "pipe_cycles",
    "pipe_readers_killed",
    "no_starvation",
    "nonblock",
    "read_eintr",
    "fcntl_errors",
    "zero_length",
    "bad_buffers",
    "console_fds",
];

/// Boots `pipetest <case>` and applies the checks every case shares.
#[track_caller]
fn case(name: &str) -> Run {
    case_with_timeout(name, integration_tests::DEFAULT_TIMEOUT)
}

#[track_caller]
fn case_with_timeout(name: &str, timeout: Duration) -> Run {
    let run = Boot::new().init(PIPETEST, &[name]).timeout(timeout).run();
    run.expect_pass(name).expect_no_panic_word();
    run.expect_init_status(0);
    run.expect_all_frames_returned();
    expect_no_kills(&run);
    run
}

/// No kernel kill line (the program's own lines start with `<case>:` or `pipetest:`).
#[track_caller]
fn expect_no_kills(run: &Run) {
    let own: Vec<&str> = CASES.iter().copied().chain(["pipetest"]).collect();
    run.expect_no_kill_lines(&own);
}

// Pipes and descriptors (scenarios 26-34)

#[test]
fn pipe_roundtrip() {
    let run = case("pipe_roundtrip");
    run.expect_exact_line("pipe_roundtrip: 100000 bytes arrived identical");
}

#[test]
fn pipe_eof() {
    let run = case("pipe_eof");
    run.expect_exact_line("pipe_eof: 5165 bytes in sequence, then 0");
}

#[test]
fn pipe_sigpipe() {
    case("pipe_sigpipe");
}

#[test]
fn pipe_readers_wake() {
    let run = case("pipe_readers_wake");
    run.expect_exact_line("pipe_readers_wake: 3 readers woke with 0 after the last writer closed");
}

#[test]
fn pipe_many() {
    let run = case_with_timeout("pipe_many", Duration::from_secs(60));
    run.expect_exact_line("pipe_many: 72 records from 3 writers to 2 readers, each once and whole");
}

#[test]
fn pipe_kill_blocked() {
    let run = case("pipe_kill_blocked");
    run.expect_exact_line(
        "pipe_kill_blocked: the blocked writer died of SIGKILL, 16384 bytes left",
    );
}

#[test]
fn pipe_readers_killed() {
    let run = case_with_timeout("pipe_readers_killed", Duration::from_secs(60));
    run.expect_exact_line(
        "pipe_readers_killed: 2 readers killed among 8 writers; every writer died of SIGPIPE",
    );
}

#[test]
fn no_starvation() {
    let run = case_with_timeout("no_starvation", Duration::from_secs(60));
    run.expect_exact_line(
        "no_starvation: a computing process kept getting the CPU while 4 others woke each other",
    );
}

#[test]
fn pipe_badf() {
    case("pipe_badf");
}

#[test]
fn dup2() {
    case("dup2");
}

#[test]
fn cloexec() {
    let run = case("cloexec");
    // The probe saw the plain pipe end and the two duplicates without FD_CLOEXEC.
    run.expect_exact_line("cloexec: probe: open after execve: [5, 7, 30]");
}

// Bad input (issue 9)

#[test]
fn lowest_free() {
    case("lowest_free");
}

#[test]
fn emfile() {
    let run = case("emfile");
    run.expect_exact_line("emfile: EMFILE at 256 descriptors, then recovered");
}

#[test]
fn pipe_cycles() {
    // 10 000 pipes; every frame of their buffers must be back at power-off.
    let run = case_with_timeout("pipe_cycles", Duration::from_secs(120));
    run.expect_exact_line("pipe_cycles: 10000 pipes made and closed");
}

#[test]
fn nonblock() {
    case("nonblock");
}

#[test]
fn read_eintr() {
    case("read_eintr");
}

#[test]
fn fcntl_errors() {
    case("fcntl_errors");
}

#[test]
fn zero_length() {
    case("zero_length");
}

#[test]
fn bad_buffers() {
    let run = case("bad_buffers");
    run.expect_exact_line("bad_buffers: EFAULT, nothing consumed, nothing leaked");
}

#[test]
fn console_fds() {
    let run = case("console_fds");
    run.expect_exact_line("console_fds: checking pid 1");
    // Written once by pid 1 and once by its child, through descriptor 0.
    run.expect_exact_line_count("console_fds: written to fd 0", 2);
}

// The whole program

#[test]
fn list_names_every_case_once() {
    let run = Boot::new().init(PIPETEST, &["list"]).run();
    run.expect_init_status(0);
    run.expect_case_listing("pipetest", CASES);
}

#[test]
fn all_cases_in_one_boot() {
    let run = Boot::new()
        .init(PIPETEST, &["all"])
        .timeout(Duration::from_secs(300))
        .run();
    run.expect_init_status(0).expect_no_panic_word();
    run.expect_all_frames_returned();
    run.expect_exact_line(&format!("pipetest: {} passed, 0 failed", CASES.len()));
    for name in CASES {
        run.expect_exact_line_count(&format!("PASS {name}"), 1);
    }
    expect_no_kills(&run);
}

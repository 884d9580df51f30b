//! The command-line tools in `/bin` (`docs/sdk.md`, "Tools"): each booted as pid 1 with
//! arguments, its output and exit status checked; then `tooltest all`, which runs them in
//! pipelines of child processes and checks standard output, standard error and statuses.

use integration_tests::{Boot, Run};
use std::time::Duration;

/// Boots `/bin/<tool>` with `args` as pid 1 (kernel log at `warn`, so that only pid 1
/// writes between boot and power-off) and requires exit status `status` and every frame back
/// at power-off.
#[track_caller]
fn tool(name: &str, args: &[&str], status: i32) -> Run {
    let run = Boot::new()
        .init(&format!("/bin/{name}"), args)
        .option("loglevel=warn")
        .run();
    run.expect_init_status(status).expect_no_panic_word();
    run.expect_all_frames_returned();
    run
}

/// The lines between the kernel's `initrd:` line and its `init exited` line: what pid 1
/// printed (leaving out kernel log lines, `[  seconds] LEVEL ...`, should any come).
fn output(run: &Run) -> Vec<&str> {
    run.lines()
        .skip_while(|l| !l.starts_with("initrd:"))
        .skip(1)
        .take_while(|l| !l.starts_with(integration_tests::expect::INIT_EXITED))
        .filter(|l| !is_log_line(l))
        .collect()
}

/// `[    0.057325] INFO  ...`
fn is_log_line(line: &str) -> bool {
    line.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .is_some_and(|(stamp, _)| {
            let stamp = stamp.trim();
            !stamp.is_empty() && stamp.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        })
}

/// Requires pid 1's output to be exactly `lines`.
#[track_caller]
fn expect_output(run: &Run, lines: &[&str]) {
    let got = output(run);
    if got != lines {
        run.fail(&[format!("output {got:?}, expected {lines:?}")]);
    }
}

const TOOLS: &[&str] = &[
    "cat", "echo", "env", "false", "grep", "head", "kill", "ls", "mkdir", "ps", "rm", "true", "wc",
];

#[test]
fn echo_prints_its_arguments() {
    let run = tool("echo", &["a", "b"], 0);
    expect_output(&run, &["a b"]);
    // No newline: the kernel's next line follows on the same line.
    let run = Boot::new()
        .init("/bin/echo", &["-n", "x"])
        .option("loglevel=warn")
        .run();
    run.expect_init_exit(0)
        .expect_exact_line("xinit exited with status 0");
}

#[test]
fn true_and_false() {
    expect_output(&tool("true", &[], 0), &[]);
    expect_output(&tool("false", &[], 1), &[]);
}

#[test]
fn ls_lists_bin_sorted() {
    let run = tool("ls", &["/bin"], 0);
    let names = output(&run);
    let mut sorted = names.clone();
    sorted.sort_unstable();
    if names != sorted {
        run.fail(&[format!("not sorted: {names:?}")]);
    }
    for name in TOOLS.iter().chain(&["hello", "init", "sleep", "tooltest"]) {
        if !names.contains(name) {
            run.fail(&[format!("/bin/{name} is not listed")]);
        }
    }
}

#[test]
fn ls_long_shows_devices() {
    let run = tool("ls", &["-l", "/dev"], 0);
    let lines = output(&run);
    for dev in ["console", "null", "tty", "zero"] {
        let found = lines.iter().any(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            fields.len() == 4 && fields[0].starts_with("crw") && fields[3] == dev
        });
        if !found {
            run.fail(&[format!("no 'crw... <links> <size> {dev}' line")]);
        }
    }
}

#[test]
fn ls_of_a_file_and_a_missing_path() {
    let run = tool("ls", &["/nope", "/bin/ls"], 1);
    expect_output(&run, &["ls: /nope: No such file or directory", "/bin/ls"]);
}

#[test]
fn cat_proc_stat_of_itself() {
    let run = tool("cat", &["/proc/self/stat"], 0);
    run.expect_line("1 (cat) R 0 1 1 ");
}

#[test]
fn cat_missing_file() {
    let run = tool("cat", &["/nope"], 1);
    expect_output(&run, &["cat: /nope: No such file or directory"]);
}

#[test]
fn wc_counts_bytes_of_cmdline() {
    // "/bin/wc\0-c\0/proc/1/cmdline\0": 8 + 3 + 16 bytes.
    let run = tool("wc", &["-c", "/proc/1/cmdline"], 0);
    expect_output(&run, &["27 /proc/1/cmdline"]);
}

#[test]
fn grep_finds_lines_of_proc_status() {
    let run = tool("grep", &["-n", "PPid", "/proc/1/status"], 0);
    expect_output(&run, &["5:PPid:\t0"]);
    let run = tool("grep", &["-c", "-i", "NAME", "/proc/self/status"], 0);
    expect_output(&run, &["1"]);
    let run = tool("grep", &["nothing-like-this", "/proc/1/status"], 1);
    expect_output(&run, &[]);
}

#[test]
fn head_takes_the_first_lines() {
    let run = tool("head", &["-n", "2", "/proc/1/status"], 0);
    expect_output(&run, &["Name:\thead", "State:\tR (running)"]);
}

#[test]
fn mkdir_parents_then_exit_0() {
    expect_output(&tool("mkdir", &["-p", "/tmp/a/b"], 0), &[]);
    let run = tool("mkdir", &["/nope/x"], 1);
    expect_output(&run, &["mkdir: /nope/x: No such file or directory"]);
}

#[test]
fn rm_of_a_missing_file() {
    let run = tool("rm", &["/nope"], 1);
    expect_output(&run, &["rm: /nope: No such file or directory"]);
    expect_output(&tool("rm", &["-f", "/nope"], 0), &[]);
    let run = tool("rm", &["/bin"], 1);
    expect_output(&run, &["rm: /bin: is a directory"]);
}

#[test]
fn kill_lists_signals() {
    let run = tool("kill", &["-l"], 0);
    let lines = output(&run);
    if lines.len() != 31 || lines[8] != " 9 KILL" || lines[14] != "15 TERM" {
        run.fail(&[format!("kill -l printed {lines:?}")]);
    }
    let run = tool("kill", &["-l", "9"], 0);
    expect_output(&run, &["KILL"]);
}

#[test]
fn ps_shows_itself() {
    let run = tool("ps", &[], 0);
    expect_output(
        &run,
        &["  PID  PPID  PGID S COMMAND", "    1     0     1 R ps"],
    );
}

#[test]
fn env_without_environment_prints_nothing() {
    expect_output(&tool("env", &[], 0), &[]);
    let run = tool("env", &["A=1", "B=2"], 0);
    expect_output(&run, &["A=1", "B=2"]);
}

#[test]
fn every_tool_has_help() {
    for name in TOOLS {
        let run = tool(name, &["--help"], 0);
        let lines = output(&run);
        let usage = format!("usage: {name} ");
        if !lines.first().is_some_and(|l| l.starts_with(&usage)) {
            run.fail(&[format!("--help printed {lines:?}")]);
        }
    }
}

#[test]
fn bad_usage_is_status_2() {
    let run = tool("ls", &["-Z"], 2);
    expect_output(
        &run,
        &["ls: invalid option -- 'Z'", "usage: ls [-l] [-a] [path...]"],
    );
    tool("grep", &[], 2).expect_exact_line("grep: no pattern given");
    tool("kill", &["-s", "NOPE", "1"], 2).expect_exact_line("kill: invalid signal 'NOPE'");
}

/// The cases of `tooltest`, in its order.
const CASES: &[&str] = &[
    "echo",
    "true_false",
    "pipe_wc",
    "cat",
    "head",
    "grep",
    "ls",
    "mkdir",
    "rm",
    "env",
    "kill",
    "ps",
    "usage",
];

#[test]
fn tooltest_all() {
    let run = Boot::new()
        .init("/bin/tooltest", &["all"])
        .timeout(Duration::from_secs(180))
        .run();
    for case in CASES {
        if let Some(problem) = run.pass_problems(case).into_iter().next() {
            run.fail(&[problem]);
        }
    }
    run.expect_exact_line(&format!("tooltest: {} passed, 0 failed", CASES.len()));
    run.expect_init_status(0).expect_no_panic_word();
    run.expect_all_frames_returned();
}

#[test]
fn tooltest_lists_its_cases() {
    let run = tool("tooltest", &["list"], 0);
    run.expect_case_listing("tooltest", CASES);
}

#[test]
fn sleep_with_a_duration_is_the_tool() {
    let run = tool("sleep", &["1"], 0);
    expect_output(&run, &[]);
    // It slept: init's exit comes a second after it started (the boot itself takes far less).
    if run.elapsed < std::time::Duration::from_secs(1) {
        run.fail(&[format!("sleep 1 ended after {:?}", run.elapsed)]);
    }
    // A decimal fraction of a second.
    let run = tool("sleep", &["0.5"], 0);
    expect_output(&run, &[]);
    if run.elapsed < std::time::Duration::from_millis(500) {
        run.fail(&[format!("sleep 0.5 ended after {:?}", run.elapsed)]);
    }
    let run = tool("sleep", &["soon"], 2);
    run.expect_line("sleep: invalid time interval 'soon'");
    let run = tool("sleep", &["1.2.3"], 2);
    run.expect_line("sleep: invalid time interval '1.2.3'");
    let run = tool("sleep", &["--help"], 0);
    run.expect_line("usage: sleep [SECONDS]");
}

//! The shell on the console, typed at through the serial port (`console=input`): a person's
//! session, with the line discipline, the foreground group and job control all in play.

use std::time::Duration;

use integration_tests::{Boot, Run};

/// A moment for a job that has announced itself to hold the terminal (the shell hands it
/// over right after the fork).
const SETTLE: Duration = Duration::from_millis(500);

/// A foreground job that says `ready` once it runs, then sleeps; typed as `re''ady` so that
/// the echo of the command line does not say it.
const READY_THEN_SLEEP: &str = "sh -c \"echo re''ady; sleep 100\"\r";

#[track_caller]
fn session(boot: Boot) -> Run {
    let run = boot
        .init("/bin/sh", &[])
        .timeout(Duration::from_secs(60))
        .run();
    run.expect_no_panic_word();
    run.expect_all_frames_returned();
    run
}

#[test]
fn pipeline_status_and_end_of_file_at_the_prompt() {
    let run = session(
        Boot::new()
            .type_after("$ ", "echo one two three | wc -w\r")
            .type_after("$ ", "false; echo status $?\r")
            .type_after("$ ", "false\r")
            .type_after("$ ", "\x04"),
    );
    run.expect_lines_in_order(&["3", "status 1"]);
    // End of file at the prompt: the shell leaves with the last status (false's).
    run.expect_init_status(1);
}

#[test]
fn ctrl_c_ends_the_foreground_job_not_the_shell() {
    let run = session(
        Boot::new()
            .type_after("$ ", READY_THEN_SLEEP)
            .type_after_pause("ready", SETTLE, "\x03")
            .type_after("$ ", "echo after $?\r")
            .type_after("$ ", "exit 7\r"),
    );
    run.expect_exact_line("after 130");
    run.expect_init_status(7);
}

#[test]
fn ctrl_c_ends_a_foreground_sleep_started_directly() {
    // The job is `sleep` itself, not a shell running it: ^C must reach the group the shell
    // handed the terminal to.
    let run = session(
        Boot::new()
            .type_after("$ ", "sleep 100\r")
            .type_after_pause("sleep 100", Duration::from_secs(1), "\x03")
            .type_after("$ ", "echo after $?\r")
            .type_after("after 1", "\x04"),
    );
    if !run.lines().any(|l| l.ends_with("after 130")) {
        run.fail(&["^C did not end `sleep 100` with status 130".into()]);
    }
    run.expect_init_status(0);
}

#[test]
fn ctrl_z_stops_the_job_and_fg_resumes_it() {
    let run = session(
        Boot::new()
            .type_after("$ ", READY_THEN_SLEEP)
            .type_after_pause("ready", SETTLE, "\x1a")
            .type_after("$ ", "ps\r")
            .type_after("$ ", "fg\r")
            .type_after_pause("sleep 100", Duration::from_secs(1), "\x03")
            .type_after("$ ", "echo resumed $?\r")
            .type_after("$ ", "\x04"),
    );
    let stopped = run
        .lines()
        .filter(|l| l.contains("Stopped") && l.contains("sleep 100"))
        .count();
    if stopped == 0 {
        run.fail(&["no `Stopped ... sleep 100` job report".into()]);
    }
    // ps lists the stopped job with state T.
    if !run.lines().any(|l| l.ends_with(" T sleep")) {
        run.fail(&["ps shows no stopped sleep (state T)".into()]);
    }
    run.expect_exact_line("resumed 130");
}

#[test]
fn background_job_waited_and_killed() {
    let run = session(
        Boot::new()
            .type_after("$ ", "sleep 100 &\r")
            // One line: no prompt (which reaps finished jobs) comes between the kill and the wait.
            .type_after("$ ", "kill %1; wait %1; echo killed $?\r")
            .type_after("killed 1", "\x04"),
    );
    // wait %1 gives the job's status: 128 + SIGTERM.
    if !run.lines().any(|l| l.ends_with("killed 143")) {
        run.fail(&["`wait %1` after `kill %1` did not give 143".into()]);
    }
    run.expect_init_status(0);
}

#[test]
fn kill_ends_a_stopped_job() {
    let run = session(
        Boot::new()
            .type_after("$ ", READY_THEN_SLEEP)
            .type_after_pause("ready", SETTLE, "\x1a")
            .type_after("$ ", "kill %1\r")
            .type_after("$ ", "ps\r")
            .type_after("$ ", "\x04"),
    );
    let lines: Vec<&str> = run.lines().collect();
    let Some(kill_at) = lines.iter().position(|l| l.ends_with("kill %1")) else {
        run.fail(&["the `kill %1` line is missing".into()]);
    };
    if !lines[..kill_at].iter().any(|l| l.contains("Stopped")) {
        run.fail(&["the job was not reported stopped before the kill".into()]);
    }
    // A stopped job takes SIGTERM once continued: ps (which ran: its header shows) no longer
    // shows its sleep.
    if !lines[kill_at..]
        .iter()
        .any(|l| l.trim_start().starts_with("PID  PPID"))
    {
        run.fail(&["ps did not run after the kill".into()]);
    }
    if lines[kill_at..].iter().any(|l| l.ends_with(" sleep")) {
        run.fail(&["the killed job's sleep is still listed by ps".into()]);
    }
    run.expect_init_status(0);
}

#[test]
fn garbage_nul_bytes_a_flood_of_ctrl_c_and_an_overlong_line_leave_the_shell_alive() {
    let flood = "\x03".repeat(100);
    let long = format!("{}\r", "x".repeat(5000));
    let run = session(
        Boot::new()
            .type_after("$ ", "\x01\x02\x00\u{7f}\u{ff}\u{1b}[A garbage\r")
            .type_after("not found", &flood)
            .type_after_pause("$ ", Duration::from_millis(300), &long)
            .type_after("too long", "echo al''ive\r")
            .type_after("alive", "\x04"),
    );
    // Prompts the flood of ^C brought may share lines with what was typed meanwhile.
    if !run
        .lines()
        .any(|l| l.ends_with("alive") && !l.contains("al''ive"))
    {
        run.fail(&["the shell did not answer `echo alive` after the flood".into()]);
    }
    // The 5000-character line was cut at the terminal's 4095 bytes, not lost: a command of
    // that name, looked up in /bin, is a path too long.
    let cut = format!("sh: {}: File name too long", "x".repeat(4095));
    if !run.lines().any(|l| l.ends_with(&cut)) {
        run.fail(&["no `File name too long` for the line cut at 4095 bytes".into()]);
    }
    run.expect_init_status(0);
}

#[test]
fn fg_gives_a_stopped_job_its_own_terminal_settings_back() {
    let run = session(
        Boot::new()
            .type_after("$ ", "ttytest modes\r")
            .type_after_pause("ttytest: echo off, ready", SETTLE, "\x1a")
            // The shell reads with its own settings (echo on) while the job is stopped.
            .type_after("$ ", "echo sh''ell echoes\r")
            .type_after("shell echoes", "fg\r")
            .type_after("ttytest: modes done", "\x04"),
    );
    run.expect_line("$ echo sh''ell echoes");
    run.expect_exact_line("ttytest: continued, echo off: true");
}

#[test]
fn ctrl_z_to_a_job_that_ignores_it_changes_nothing() {
    let run = session(
        Boot::new()
            .type_after("$ ", "ttytest ignore_tstp\r")
            .type_after_pause("ttytest: ready", SETTLE, "\x1a")
            .type_after("ttytest: finished", "echo status $?\r")
            .type_after("status 0", "\x04"),
    );
    run.expect_exact_line("ttytest: finished");
    // Typed ahead while the job ran: the answer shares its line with the next prompt.
    if !run.lines().any(|l| l.ends_with("status 0")) {
        run.fail(&["the job's status is not 0".into()]);
    }
    run.expect_no_line("Stopped");
    run.expect_init_status(0);
}

/// Scenarios 40, 41 and 44 typed at the console: a 5-stage pipeline, the redirections on the RAM
/// file system, a background `sleep 100` that returns at once (`jobs` shows it running), then
/// `kill` and `wait`.
#[test]
fn pipelines_redirections_and_a_background_sleep() {
    let run = session(
        Boot::new()
            .type_after("$ ", "echo a b c | cat | cat | cat | wc -w\r")
            .type_after(
                "$ ",
                "echo hi > /tmp/f; echo there >> /tmp/f; wc -l < /tmp/f\r",
            )
            .type_after("$ ", "ls /nosuch > /tmp/err 2>&1; cat /tmp/err\r")
            .type_after("$ ", "sleep 100 &\r")
            .type_after("$ ", "jobs\r")
            .type_after("$ ", "kill %1; wait %1; echo waited $?\r")
            .type_after("waited 1", "\x04"),
    );
    run.expect_lines_in_order(&["3", "2", "ls: /nosuch: No such file or directory"]);
    // The prompt came back while the sleep ran: `jobs` (typed at that prompt) lists it running.
    if !run
        .lines()
        .any(|l| l.contains("Running") && l.ends_with("sleep 100"))
    {
        run.fail(&["`jobs` did not list `sleep 100 &` running".into()]);
    }
    if !run.lines().any(|l| l.ends_with("waited 143")) {
        run.fail(&["`wait %1` did not give the killed sleep's status 143".into()]);
    }
}

/// Scenario 43: ^Z stops a foreground job, `jobs` lists it, `fg` resumes it, and it finishes.
#[test]
fn a_stopped_job_resumed_with_fg_finishes() {
    let run = session(
        Boot::new()
            .type_after("$ ", "sh -c \"echo re''ady; sleep 2; echo fin''ished\"\r")
            .type_after_pause("ready", SETTLE, "\x1a")
            .type_after("$ ", "jobs\r")
            .type_after("$ ", "fg\r")
            .type_after("finished", "echo status $?\r")
            .type_after("status 0", "\x04"),
    );
    let stops = run.lines().filter(|l| l.contains("Stopped")).count();
    if stops < 2 {
        run.fail(&[format!(
            "expected the stop report and `jobs` listing it, found {stops} lines"
        )]);
    }
    run.expect_exact_line("finished");
    if !run.lines().any(|l| l.ends_with("status 0")) {
        run.fail(&["the resumed job did not end with status 0".into()]);
    }
}

/// Leaving the shell with a job stopped: the job gets SIGHUP and SIGCONT and ends, so init
/// (which waits for every process) powers the machine off instead of waiting for ever.
#[test]
fn leaving_the_shell_ends_its_stopped_jobs() {
    // The shell under init, as `make run` has it: init waits for every process it inherits.
    let run = Boot::new()
        .init("/bin/init", &["/bin/sh"])
        .type_after("$ ", READY_THEN_SLEEP)
        .type_after_pause("ready", SETTLE, "\x1a")
        .type_after("Stopped", "exit 0\r")
        .timeout(Duration::from_secs(60))
        .run();
    run.expect_no_panic_word();
    run.expect_exact_line("init: /bin/sh exited with status 0");
    run.expect_init_status(0);
    run.expect_all_frames_returned();
}

/// A background job that tries to take the terminal (TIOCSPGRP) is stopped by SIGTTOU, and the
/// shell keeps the terminal.
#[test]
fn a_background_job_taking_the_terminal_is_stopped_by_sigttou() {
    let run = session(
        Boot::new()
            .type_after("$ ", "ttytest pgrp &\r")
            .type_after_pause("$ ", SETTLE, "jobs\r")
            .type_after("$ ", "kill %1; echo still here\r")
            .type_after("still here", "\x04"),
    );
    if !run
        .lines()
        .any(|l| l.contains("Stopped") && l.contains("ttytest pgrp"))
    {
        run.fail(&["the background job was not reported stopped".into()]);
    }
    run.expect_no_line("ttytest: TIOCSPGRP to group 1: Ok(())");
    run.expect_init_status(0);
}

/// ^C during the `wait` builtin ends the wait (status 130), not the shell; the job lives on.
#[test]
fn ctrl_c_ends_the_wait_builtin() {
    let run = session(
        Boot::new()
            .type_after("$ ", "sleep 100 &\r")
            .type_after("$ ", "wait %1\r")
            .type_after_pause("wait %1", SETTLE, "\x03")
            .type_after("$ ", "echo wait gave $?\r")
            .type_after("wait gave 1", "kill %1; wait %1; echo then $?\r")
            .type_after("then 1", "\x04"),
    );
    if !run.lines().any(|l| l.ends_with("wait gave 130")) {
        run.fail(&["^C did not end `wait` with 130".into()]);
    }
    if !run.lines().any(|l| l.ends_with("then 143")) {
        run.fail(&["the job did not live on until `kill %1`".into()]);
    }
}

/// A shell started in the background (`sh &`) does not take the terminal: it stops itself
/// until `fg` brings it to the foreground; the first shell keeps reading meanwhile.
#[test]
fn a_shell_started_in_the_background_waits_for_the_foreground() {
    let run = session(
        Boot::new()
            .type_after("$ ", "sh &\r")
            .type_after_pause("$ ", SETTLE, "echo still he''re\r")
            .type_after("still here", "jobs\r")
            .type_after("Stopped", "fg\r")
            .type_after_pause("$ ", SETTLE, "exit 3\r")
            .type_after("$ ", "echo inner gave $?\r")
            .type_after("inner gave", "\x04"),
    );
    if !run.lines().any(|l| l.ends_with("still here")) {
        run.fail(&["the first shell stopped reading after `sh &`".into()]);
    }
    if !run
        .lines()
        .any(|l| l.contains("Stopped") && l.ends_with(" sh"))
    {
        run.fail(&["`jobs` did not list the background shell stopped".into()]);
    }
    if !run.lines().any(|l| l.ends_with("inner gave 3")) {
        run.fail(&["the shell brought to the foreground did not run `exit 3`".into()]);
    }
    run.expect_init_status(0);
}

/// Leaving the shell with a job running: the job is hung up (SIGHUP, then SIGCONT) as by a
/// terminal hangup, so init, which waits for every process, powers off.
#[test]
fn leaving_the_shell_ends_its_running_jobs() {
    let run = Boot::new()
        .init("/bin/init", &["/bin/sh"])
        .type_after("$ ", "sleep 100 &\r")
        .type_after("$ ", "exit 4\r")
        .timeout(Duration::from_secs(60))
        .run();
    run.expect_no_panic_word();
    run.expect_exact_line("init: /bin/sh exited with status 4");
    run.expect_init_status(4);
    run.expect_all_frames_returned();
}

/// A newly stopped background job is listed once by `jobs`, not reported there as well.
#[test]
fn jobs_lists_a_newly_stopped_job_once() {
    let run = session(
        Boot::new()
            .type_after("$ ", "ttytest raw &\r")
            .type_after_pause("$ ", SETTLE, "jobs\r")
            .type_after("$ ", "kill -9 %1\r")
            .type_after_pause("$ ", SETTLE, "\x04"),
    );
    // Between `jobs` and the next command: the listing alone (a report of the stop may come
    // before `jobs`, at the prompt, if the job stopped by then).
    let lines: Vec<&str> = run.lines().collect();
    let (Some(jobs_at), Some(kill_at)) = (
        lines.iter().position(|l| l.ends_with("jobs")),
        lines.iter().position(|l| l.ends_with("kill -9 %1")),
    ) else {
        run.fail(&["the `jobs` or the `kill` line is missing".into()]);
    };
    let stopped = lines[jobs_at..kill_at]
        .iter()
        .filter(|l| l.contains("Stopped") && l.contains("ttytest raw"))
        .count();
    if stopped != 1 {
        run.fail(&[format!(
            "`jobs` showed the stopped job {stopped} times, not once"
        )]);
    }
    run.expect_init_status(0);
}

/// A read that ends without a newline (text ended with ^D) prints no new prompt: the rest of
/// the line follows on the same line. ^C at the prompt forgets the partial line and sets `$?`
/// to 130.
#[test]
fn a_partial_line_gets_no_prompt_and_ctrl_c_discards_it() {
    let run = session(
        Boot::new()
            .type_after("$ ", "echo lost\x04")
            .type_after_pause("echo lost", SETTLE, "\x03")
            .type_after("$ ", "echo status $?\r")
            .type_after_pause("status 1", SETTLE, "echo pa\x04")
            .type_after_pause("echo pa", SETTLE, "rt''ed\r")
            .type_after("parted", "\x04"),
    );
    if !run.lines().any(|l| l.ends_with("status 130")) {
        run.fail(&["^C at the prompt did not set $? to 130".into()]);
    }
    // The discarded `echo lost` did not prefix the next line.
    run.expect_no_line("lostecho");
    if !run.lines().any(|l| l.trim_end() == "$ echo part''ed") {
        run.fail(&["the line continued after ^D does not read `$ echo part''ed`".into()]);
    }
    run.expect_exact_line("parted");
    run.expect_init_status(0);
}

/// A tool shows each result as soon as it has it, not at end of input: `grep` typed at (its
/// output a terminal: written at each newline) and at the head of a pipeline (written before
/// each read). The end of input (^D) is typed only once the line has shown.
#[test]
fn tools_typed_at_answer_each_line_at_once() {
    let run = session(
        Boot::new()
            .type_after("$ ", "grep -n a | cat\r")
            .type_after_pause("grep -n a", SETTLE, "abc\r")
            .type_after("1:abc", "\x04")
            .type_after("$ ", "grep -n x\r")
            .type_after_pause("grep -n x", SETTLE, "xyz\r")
            .type_after("1:xyz", "\x04")
            .type_after("$ ", "\x04"),
    );
    run.expect_lines_in_order(&["1:abc", "1:xyz"]);
    run.expect_init_status(0);
}

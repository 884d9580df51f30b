//! The console as a terminal (`console=input`): `ttytest` reads what the harness types at the
//! serial port through the line discipline, and the signal characters, background reads and
//! terminal ioctls act as on Linux.

use integration_tests::{Boot, Run};

const TTYTEST: &str = "/bin/ttytest";

#[track_caller]
fn finished(run: &Run, case: &str) {
    run.expect_init_status(0).expect_no_panic_word();
    run.expect_exact_line(&format!("ttytest: {case} done"));
    run.expect_all_frames_returned();
}

#[test]
fn canonical_lines_with_editing_and_end_of_file() {
    let run = Boot::new()
        .init(TTYTEST, &["lines"])
        .type_after("ttytest: ready", "hello\r")
        .type_after("got 6: hello", "wor\x7fld\r")
        .type_after("got 5: wold", "x\x15kill line\r")
        .type_after("got 10: kill line", "no newline\x04")
        .type_after("got 10: no newline", "\x04")
        .run();
    finished(&run, "lines");
    run.expect_lines_in_order(&[
        "got 6: hello",
        "got 5: wold",
        "got 10: kill line",
        // ^D ends the line without echoing a newline (as on Linux): the program's answer
        // follows the echo on the same line.
        "no newlinegot 10: no newline",
        "ttytest: end of file after 4 lines",
    ]);
}

#[test]
fn ctrl_c_kills_the_foreground_reader() {
    let run = Boot::new()
        .init(TTYTEST, &["ctrl_c"])
        .type_after("blocked, type ^C", "\x03")
        .run();
    finished(&run, "ctrl_c");
    run.expect_exact_line("ttytest: the reader was killed by SIGINT");
    run.expect_exact_line("ttytest: the bystander outside the group lives");
}

#[test]
fn a_background_reader_is_stopped_by_sigttin() {
    let run = Boot::new()
        .init(TTYTEST, &["background"])
        .option("console=input")
        .run();
    finished(&run, "background");
    run.expect_exact_line("ttytest: the background reader was stopped by SIGTTIN");
}

#[test]
fn a_background_change_stopped_by_sigttou_runs_again_in_the_foreground() {
    let run = Boot::new()
        .init(TTYTEST, &["background_change"])
        .option("console=input")
        .run();
    finished(&run, "background_change");
    run.expect_lines_in_order(&[
        "ttytest: the background change was stopped by SIGTTOU",
        "ttytest: the background TCSETS returned Ok(())",
        "ttytest: continued in the foreground, it exited with 0",
    ]);
}

#[test]
fn raw_mode_reads_keys_unechoed() {
    let run = Boot::new()
        .init(TTYTEST, &["raw"])
        .type_after("type three keys", "q\x7fz")
        .run();
    finished(&run, "raw");
    run.expect_exact_line("ttytest: raw bytes [113, 127, 122]");
    // Echo would send the keys back as they are (no ^? form outside canonical mode).
    assert!(
        !run.serial.contains('\x7f'),
        "the raw keys were echoed:\n{}",
        run.transcript()
    );
}

#[test]
fn vtime_bounds_non_canonical_reads() {
    let run = Boot::new()
        .init(TTYTEST, &["timed"])
        .type_after("type one key", "k")
        .type_after("type two keys", "ab")
        .run();
    finished(&run, "timed");
    run.expect_lines_in_order(&[
        "ttytest: VMIN 0 VTIME 3 without input: Ok([]), not early: true",
        "ttytest: VMIN 0 VTIME 50: Ok([107])",
        "ttytest: VMIN 3 VTIME 2: Ok([97, 98])",
    ]);
}

#[test]
fn foreground_group_and_window_size_ioctls() {
    let run = Boot::new()
        .init(TTYTEST, &["pgrp"])
        .option("console=input")
        .run();
    finished(&run, "pgrp");
    run.expect_lines_in_order(&[
        "ttytest: foreground group 1",
        "ttytest: window 80x24",
        "ttytest: TIOCSPGRP to a missing group: Err(ESRCH)",
        "ttytest: TIOCSPGRP to group 1: Ok(())",
    ]);
}

#[test]
fn one_read_takes_a_whole_long_line() {
    let line = format!("{}\r", "x".repeat(1500));
    let run = Boot::new()
        .init(TTYTEST, &["long_line"])
        .option("console=input")
        .type_after("ttytest: ready", &line)
        .run();
    finished(&run, "long_line");
    run.expect_exact_line("ttytest: one read gave 1501 bytes, one line of x: true");
}

#[test]
fn the_controlling_terminal_belongs_to_one_session() {
    let run = Boot::new().init(TTYTEST, &["ctty"]).run();
    finished(&run, "ctty");
    run.expect_lines_in_order(&[
        "ttytest: init's session: Ok(1)",
        "ttytest: after setsid, tcgetpgrp: Err(ENOTTY)",
        "ttytest: after setsid, tcgetsid: Err(ENOTTY)",
        "ttytest: after setsid, tcsetpgrp: Err(ENOTTY)",
        "ttytest: after setsid, open /dev/tty: Err(ENXIO)",
        "ttytest: after opening /dev/console, tcgetpgrp: Err(ENOTTY)",
        "ttytest: after setsid, TCSETS: Ok(())",
        "ttytest: TIOCSCTTY without steal: Err(EPERM)",
        "ttytest: TIOCSCTTY by a non-leader: Err(EPERM)",
        "ttytest: TIOCSCTTY with steal: Ok(())",
        "ttytest: session is mine: true",
        "ttytest: foreground is mine: true",
        "ttytest: open /dev/tty: Ok(())",
        "ttytest: tcsetpgrp to the member: Ok(())",
        "ttytest: the foreground member got SIGHUP",
        "ttytest: init after the steal, tcgetpgrp: Err(ENOTTY)",
        "ttytest: init after the steal, open /dev/tty: Err(ENXIO)",
        "ttytest: init takes it back: Ok(())",
        "ttytest: foreground is init's: true",
        "ttytest: TIOCNOTTY by a non-leader: Ok(())",
        "ttytest: then tcgetpgrp: Err(ENOTTY)",
        "ttytest: TIOCNOTTY again: Err(ENOTTY)",
        "ttytest: init keeps it, tcgetsid: Ok(1)",
    ]);
    run.expect_no_line("child ended with");
}

#[test]
fn without_console_input_the_console_reads_end_of_file() {
    let run = Boot::new().init(TTYTEST, &["lines"]).run();
    finished(&run, "lines");
    run.expect_exact_line("ttytest: end of file after 0 lines");
}

#[test]
fn a_c_program_in_kilo_style_raw_mode_reads_keys_with_timeouts() {
    // keys.c sets the terminal up as full-screen C programs do (cfmakeraw-like flags, VMIN 0,
    // VTIME 1) and prints each key; ^C is a key there, not a signal. The pause makes its
    // reads time out at least once before the keys come.
    let run = Boot::new()
        .init("/bin/keys", &[])
        .type_after_pause(
            "q quits",
            std::time::Duration::from_millis(500),
            "a\x03\x1b[Aq",
        )
        .run();
    run.expect_init_status(0);
    run.expect_lines_in_order(&[
        "keys: raw mode, type keys, q quits",
        "key 97 'a'",
        "key 3",
        "key 27",
        "key 91 '['",
        "key 65 'A'",
        "key 113 'q'",
        "keys: done after some timeouts",
    ]);
    // No echo: each key shows once, in keys' own words only.
    run.expect_no_line("^C");
}

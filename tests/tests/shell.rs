//! `/bin/sh`, non-interactively: `sh -c`, `sh script` and a script on a pipe as standard
//! input, each booted under `/bin/shtest` as pid 1 (the kernel splits its command line at
//! blanks, so `shtest` gets the script percent-encoded and hands it to the shell; it also
//! stands in for `echo` and a line filter: `shtest print`, `shtest lines PREFIX`).
//!
//! The shell's exit status becomes pid 1's, so `exit $?` tells a status to the test. Every
//! run must end with every frame returned (pipes, files and 200 jobs included). The
//! grammar alone is tested on the host (`sh_syntax.rs`).

use integration_tests::{Boot, Run};
use std::time::Duration;

/// Percent-encodes everything but letters, digits and `_./-:=`, so the text is one word.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"_./-:=".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02x}")
            }
        })
        .collect()
}

/// Boots `shtest <mode> <pieces...>`: each piece is encoded, except `*N` (repeat the next).
fn boot(mode: &str, pieces: &[&str]) -> Run {
    let encoded: Vec<String> = pieces
        .iter()
        .map(|p| {
            if p.starts_with('*') {
                p.to_string()
            } else {
                encode(p)
            }
        })
        .collect();
    let mut args = vec![mode];
    args.extend(encoded.iter().map(String::as_str));
    let run = Boot::new()
        .init("/bin/shtest", &args)
        .timeout(Duration::from_secs(120))
        .run();
    run.expect_no_panic_word();
    run
}

/// `sh -c text`, expecting pid 1 to exit with `status` and every frame back.
#[track_caller]
fn sh_c(text: &str, status: i32) -> Run {
    let run = boot("c", &[text]);
    run.expect_init_status(status);
    run.expect_all_frames_returned();
    run
}

#[test]
fn and_or_lists_and_status() {
    let run = sh_c(
        "true && shtest print and-ok; false && shtest print never1; \
         false || shtest print or-ok; true || shtest print never2; \
         false; shtest print status=$?; true; shtest print status=$?; \
         false || true && shtest print chain-ok; exit 7; shtest print never3",
        7,
    );
    run.expect_lines_in_order(&["and-ok", "or-ok", "status=1", "status=0", "chain-ok"]);
    for never in ["never1", "never2", "never3"] {
        run.expect_exact_line_count(never, 0);
    }
}

#[test]
fn status_of_the_last_failed_command() {
    sh_c("false; exit $?", 1);
    sh_c("true; exit", 0);
    sh_c("false; exit", 1);
    sh_c("exit 300", 300 & 0xff);
}

#[test]
fn not_found_and_not_executable() {
    let run = sh_c(
        "nosuch; shtest print st=$?; /tmp; shtest print st=$?; \
         /bin/nosuch; shtest print st=$?; PATH=/tmp:/bin; hello >/dev/null; \
         shtest print path=$?; PATH=/tmp; hello; exit $?",
        127,
    );
    run.expect_lines_in_order(&[
        "sh: nosuch: not found",
        "st=127",
        "sh: /tmp: permission denied",
        "st=126",
        "sh: /bin/nosuch: not found",
        "st=127",
        "path=0",
        "sh: hello: not found",
    ]);
}

#[test]
fn quoting_and_variables() {
    let run = sh_c(
        "X='a  b'; E=; hello 'one two' \"$X\" $X '$X' \"\" $E x\\ y\\\"z \"q\\$\" ${X}c; \
         hello $$",
        0,
    );
    run.expect_lines_in_order(&[
        "hello: argc = 11",
        "hello: argv[1] = one two",
        "hello: argv[2] = a  b",
        "hello: argv[3] = a",
        "hello: argv[4] = b",
        "hello: argv[5] = $X",
        "hello: argv[6] = ",
        "hello: argv[7] = x y\"z",
        "hello: argv[8] = q$",
        "hello: argv[9] = a",
        "hello: argv[10] = bc",
    ]);
    // $$ is the shell's pid: the parent of the second hello.
    let hellos = run.scan_lines("hello, world from pid {} (ppid {})");
    let shell_pid = hellos[1][1];
    run.expect_exact_line(&format!("hello: argv[1] = {shell_pid}"));
}

#[test]
fn export_and_assignments() {
    let run = sh_c(
        "export A=1; B=2; shtest env A; shtest env B; C=3 shtest env C; shtest env C; \
         export B; shtest env B; A=changed; shtest env A",
        0,
    );
    run.expect_lines_in_order(&["A=1", "B unset", "C=3", "C unset", "B=2", "A=changed"]);
}

#[test]
fn pipelines() {
    let run = sh_c(
        "shtest print one | shtest lines A: | shtest lines B: | shtest lines C:; \
         shtest print s=$?; hello | shtest lines H:; shtest print three=$?; \
         hello | hello | false; shtest print last=$?; \
         shtest print x | shtest lines P: | exit 5; exit $?",
        5,
    );
    run.expect_lines_in_order(&[
        "C:B:A:one",
        "s=1",
        "H:hello: argc = 1",
        "H:hello: argv[0] = hello",
        "three=3",
        "last=1",
    ]);
}

#[test]
fn redirections() {
    let run = sh_c(
        "cd /tmp; hello > out; hello >> out; shtest lines F: < out; shtest print n=$?; \
         hello > out; shtest lines G: <out; \
         nosuch > both 2>&1; shtest lines B: < both; \
         nosuch 2>&1 > only; shtest lines O: < only; shtest print empty=$?; \
         shtest bad-mode 2> err; shtest lines E: < err; \
         shtest lines N: < missing; shtest print missing=$?; \
         true > /tmp; shtest print dir=$?",
        0,
    );
    run.expect_lines_in_order(&[
        "F:hello: argv[0] = hello",
        "F:hello: argv[0] = hello",
        "n=6",
        "G:hello: argv[0] = hello",
        "B:sh: nosuch: not found",
        // 2>&1 before > sends the message to the console, not the file.
        "sh: nosuch: not found",
        "empty=0",
        "E:usage: shtest c|stdin|file|print TEXT... | lines PREFIX | env NAME | raise N | ids TAG",
        "sh: missing: No such file or directory",
        "missing=1",
        "dir=1",
    ]);
    if run.count_lines("G:hello") != 3 {
        run.fail(&["`>` did not truncate the file".to_owned()]);
    }
}

#[test]
fn builtins_in_the_shell_and_in_pipelines() {
    let run = sh_c(
        "cd /tmp; shtest print \"$PWD\"; cd; shtest print \"$PWD\"; HOME=/dev; cd; \
         shtest print \"$PWD\"; cd /nosuch; shtest print cd=$?; \
         exit 3 | shtest print after-pipe-exit; shtest print piped=$?; \
         false | true; shtest print ft=$?; true | false; shtest print tf=$?",
        0,
    );
    run.expect_lines_in_order(&[
        "/tmp",
        "/",
        "/dev",
        "sh: cd: /nosuch: No such file or directory",
        "cd=1",
        "after-pipe-exit",
        "piped=0",
        "ft=0",
        "tf=1",
    ]);
}

#[test]
fn killed_commands_give_128_plus_the_signal() {
    let run = sh_c(
        "shtest raise 15; shtest print term=$?; shtest raise 13; shtest print pipe=$?; \
         shtest raise 2; exit $?",
        130,
    );
    run.expect_lines_in_order(&["Terminated", "term=143", "pipe=141"]);
    run.expect_no_line("Broken pipe");
    run.expect_no_line("Interrupt");
}

#[test]
fn background_jobs_wait_and_kill() {
    let run = sh_c(
        "shtest print bg-one & wait %1; shtest print w1=$?; \
         false & wait %1; shtest print w2=$?; \
         spin > /dev/null & kill %1; wait %1; shtest print killed=$?; \
         spin > /dev/null & kill -KILL %1; wait %1; shtest print killed9=$?; \
         spin > /dev/null & jobs; kill -s HUP %1; wait; jobs; \
         wait %7; shtest print nojob=$?; \
         spin > /dev/null & kill $!; wait $!; shtest print bang=$?; \
         shtest print a && shtest print b & wait; exit 4",
        4,
    );
    run.expect_lines_in_order(&[
        "bg-one",
        "w1=0",
        "w2=1",
        "killed=143",
        "killed9=137",
        "[1]+  Running  spin > /dev/null",
        "sh: wait: %7: no such job",
        "nojob=127",
        "bang=143",
        "a",
        "b",
    ]);
}

#[test]
fn stop_and_continue_without_job_control() {
    // Not a terminal: the jobs share the shell's group, and `kill`, `bg` and `fg` signal
    // their processes one by one.
    let run = sh_c(
        "spin > /dev/null & kill -STOP %1; wait %1; shtest print stopped=$?; jobs; \
         bg; kill %1; wait %1; shtest print bg-killed=$?; \
         spin 1 > /dev/null & kill -STOP %1; wait %1; fg %1; shtest print fg=$?; jobs",
        0,
    );
    run.expect_lines_in_order(&[
        "stopped=147",
        "[1]+  Stopped  spin > /dev/null",
        "[1]+ spin > /dev/null &",
        "bg-killed=143",
        "spin 1 > /dev/null",
        "fg=0",
    ]);
}

/// The `pid` and `pgid` of the line `shtest ids <tag>` printed.
#[track_caller]
fn ids(run: &Run, tag: &str) -> (u32, u32) {
    let holes = run.scan_one_line(&format!("{tag} pid={{}} pgid={{}}"));
    let number = |s: &str| {
        s.parse::<u32>()
            .unwrap_or_else(|_| run.fail(&[format!("bad number {s:?}")]))
    };
    (number(holes[0]), number(holes[1]))
}

#[test]
fn job_control_with_process_groups() {
    // `sh -m`: job control without a terminal (tcsetpgrp fails and is ignored), so each job
    // is a process group of its own and `kill %n`, `bg`, `fg` signal the group. (No job is
    // sent SIGTSTP right after `&`: until its child has put the default action back, the
    // shell's ignoring of SIGTSTP would discard it, in any shell.)
    let run = boot(
        "c",
        &[
            "sh -m -c 'shtest ids A1 >/dev/console | shtest ids A2 >/dev/console | shtest ids A3; \
           shtest ids B; shtest ids C1 >/dev/console | shtest ids C2 & wait; \
           spin > /dev/null | spin > /dev/null & kill %1; wait %1; shtest print group-killed=$?; \
           spin > /dev/null & kill -STOP %1; wait %1; shtest print stopped=$?; bg %1; \
           kill -TERM %1; wait; jobs; \
           T=20; shtest raise $T; shtest print tstp=$?; jobs; fg; shtest print fg=$?; exit 3'",
        ],
    );
    run.expect_init_status(3);
    run.expect_all_frames_returned();
    let (a1, a1_group) = ids(&run, "A1");
    let (a2, a2_group) = ids(&run, "A2");
    let (_, a3_group) = ids(&run, "A3");
    let (b, b_group) = ids(&run, "B");
    let (c1, c1_group) = ids(&run, "C1");
    let (_, c2_group) = ids(&run, "C2");
    let checks = [
        (
            a1_group == a1,
            "the pipeline's group is not led by its first process",
        ),
        (
            a2_group == a1 && a3_group == a1,
            "a pipeline's processes are not in one group",
        ),
        (a2 != a1, "A1 and A2 are one process"),
        (
            b_group == b && b != a1,
            "a lone command is not a group of its own",
        ),
        (
            c1_group == c1 && c2_group == c1,
            "a background pipeline is not one group",
        ),
        (a1_group != 1, "the job is in the shell's group"),
    ];
    let problems: Vec<String> = checks
        .iter()
        .filter(|(ok, _)| !ok)
        .map(|(_, why)| why.to_string())
        .collect();
    if !problems.is_empty() {
        run.fail(&problems);
    }
    run.expect_lines_in_order(&[
        "group-killed=143",
        "stopped=147",
        "[1]+ spin > /dev/null &",
        // A foreground job that stops (SIGTSTP, as ^Z sends) is reported and kept.
        "[1]+  Stopped  shtest raise $T",
        "tstp=148",
        "[1]+  Stopped  shtest raise $T",
        "shtest raise $T",
        "fg=0",
    ]);
}

#[test]
fn two_hundred_background_jobs() {
    let run = boot(
        "c",
        &[
            "*200",
            "hello > /dev/null & ",
            "wait; shtest print waited=$?; jobs; hello | shtest lines after:; exit $?",
        ],
    );
    run.expect_init_status(3);
    run.expect_all_frames_returned();
    run.expect_exact_line("waited=0");
    run.expect_no_line("Running");
}

#[test]
fn a_ten_thousand_character_command_line() {
    // 2 000 x 6 characters and a tail: one line of 12 000+ characters, in a script file and
    // on stdin (`sh -c` cannot get that much: execve takes at most 4096 bytes of arguments).
    let run = boot(
        "file",
        &["*2000", "true; ", "shtest print long-file; exit 5"],
    );
    run.expect_init_status(5);
    run.expect_exact_line("long-file");
    let word = "w".repeat(1000);
    let run = boot(
        "stdin",
        &[
            "*2000",
            "true; ",
            "hello ",
            "*10",
            &word,
            "; shtest print long-stdin\nexit 6\n",
        ],
    );
    run.expect_init_status(6);
    run.expect_exact_line("long-stdin");
    // One argument of 10 000 characters does not fit execve's 4096-byte limit: a clean error.
    run.expect_line("sh: hello: ");
}

#[test]
fn script_files() {
    let run = boot(
        "file",
        &["# a script\nshtest print \"$0\" $#\nX='multi\nline'\nshtest print \"$X\" |\n  shtest lines L:\n\
           true &&\n  exit 9\nshtest print never\n"],
    );
    run.expect_init_status(9);
    run.expect_all_frames_returned();
    run.expect_lines_in_order(&["/tmp/shtest.sh 0", "L:multi", "L:line"]);
    run.expect_exact_line_count("never", 0);
}

#[test]
fn script_on_standard_input_without_a_prompt() {
    let run = boot(
        "stdin",
        &["shtest print first\nfalse\nshtest print st=$?\n\n   # comment\nshtest print 'two\nlines'\nexit 3"],
    );
    run.expect_init_status(3);
    run.expect_all_frames_returned();
    run.expect_lines_in_order(&["first", "st=1", "two", "lines"]);
    run.expect_no_line("$ ");
}

#[test]
fn syntax_errors() {
    let run = sh_c(
        "sh -c \"shtest print 'abc\"; shtest print quote=$?; \
         sh -c 'true |'; shtest print pipe=$?; \
         sh -c 'true && && true'; shtest print and=$?; \
         sh -c '| true'; shtest print lead=$?; \
         sh -c 'true >'; shtest print redir=$?; exit 0",
        0,
    );
    run.expect_lines_in_order(&[
        "sh: syntax error: unterminated quote",
        "quote=2",
        "sh: syntax error: missing command",
        "pipe=2",
        "sh: syntax error: unexpected '&&'",
        "and=2",
        "sh: syntax error: unexpected '|'",
        "lead=2",
        "sh: syntax error: bad redirection",
        "redir=2",
    ]);
    // A script stops at its syntax error, having run the lines before it: on standard input
    // and as a file (read line by line too, not parsed whole first).
    for mode in ["stdin", "file"] {
        let run = boot(
            mode,
            &["shtest print before\nshtest print 'open\nshtest print after\n"],
        );
        run.expect_init_status(2);
        run.expect_exact_line("before");
        run.expect_exact_line("sh: syntax error: unterminated quote");
        run.expect_exact_line_count("after", 0);
    }
}

/// A script on standard input is read no further than the line being run, so a command of
/// the script that reads standard input gets the script's next line (POSIX): from a file
/// (`sh < s`) and from a pipe (`cat s | sh`).
#[test]
fn a_script_on_standard_input_leaves_the_next_line_to_its_commands() {
    let run = sh_c(
        "echo 'head -1' > /tmp/s; echo 'line for head' >> /tmp/s; echo 'echo after' >> /tmp/s; \
         sh < /tmp/s; cat /tmp/s | sh; exit 0",
        0,
    );
    run.expect_lines_in_order(&["line for head", "after", "line for head", "after"]);
    run.expect_exact_line_count("line for head", 2);
    run.expect_exact_line_count("after", 2);
}

/// The `kill` builtin reads its arguments as `/bin/kill` does: signal 0 checks, `-l`, `-n`,
/// `-s`, `--` before a negative group; and `wait $!` gives a job's status after `jobs`
/// reported it done.
#[test]
fn kill_builtin_options_and_wait_after_done() {
    let run = sh_c(
        "kill -0 $$; shtest print zero=$?; kill -0 30000; shtest print gone=$?; \
         kill -l 9; kill -l TERM; \
         sleep 100 & kill -n 9 $!; wait $!; shtest print n9=$?; \
         sleep 100 & kill -s term $!; wait $!; shtest print sterm=$?; \
         sh -m -c 'sleep 100 & kill -- -$!; wait $!; exit $?'; shtest print group=$?; \
         shtest raise 6 & sleep 1; jobs; wait $!; shtest print kept=$?; exit 0",
        0,
    );
    run.expect_lines_in_order(&[
        "zero=0",
        "gone=1",
        "KILL",
        "15",
        "n9=137",
        "sterm=143",
        "group=143",
        "kept=134",
    ]);
}

#[test]
fn a_prompt_on_the_console_and_end_of_file_ends_the_shell() {
    // pid 1's standard input is the console, a terminal: one prompt. Until the console
    // delivers input, reading it gives end of file, and the shell exits with status 0.
    let run = Boot::new().init("/bin/sh", &[]).run();
    run.expect_init_status(0);
    run.expect_all_frames_returned();
    if !run.lines().any(|l| l.trim_end() == "$") {
        run.fail(&["no \"$ \" prompt line".to_owned()]);
    }
}

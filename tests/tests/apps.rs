//! The sample programs (`docs/sdk.md`, "The sample programs"), each booted as pid 1, with
//! their output checked line by line: exact lines where the output is fixed, parsed pids and
//! times where it is not, exit statuses from both QEMU and the kernel's own line.

use integration_tests::{parse_thousandths, scan, Boot, Run};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// Boots `path` with `args` as pid 1.
fn boot(path: &str, args: &[&str]) -> Run {
    Boot::new().init(path, args).run()
}

/// Parses a pid (or another decimal number) the run printed; fails the run otherwise.
#[track_caller]
fn number(run: &Run, text: &str) -> u64 {
    text.parse()
        .unwrap_or_else(|_| run.fail(&[format!("{text:?} is not a number")]))
}

/// Index of the first line exactly equal to `line`.
#[track_caller]
fn index_of(run: &Run, line: &str) -> usize {
    run.lines()
        .position(|l| l == line)
        .unwrap_or_else(|| run.fail(&[format!("no line is exactly {line:?}")]))
}

// init

/// The demo's programs in order: the path init prints and the arguments it passes.
const DEMO: &[(&str, &str)] = &[
    ("/bin/hello", ""),
    ("/bin/forktree", " 3"),
    ("/bin/exitcodes", ""),
    ("/bin/orphan", ""),
    ("/bin/sleep", ""),
    ("/bin/faults", ""),
    ("/bin/signal_demo", ""),
];

#[test]
fn init_demo() {
    let run = Boot::new()
        .init("/bin/init", &[])
        .timeout(Duration::from_secs(90))
        .run();
    run.expect_init_status(0);

    // Every step, in order, with the line that shows the step did its work.
    let mut steps: Vec<String> = vec!["init: pid 1 running the demo".to_owned()];
    for (path, args) in DEMO {
        steps.push(format!("init: starting {path}{args}"));
        steps.extend(
            match *path {
                "/bin/hello" => vec!["hello: argc = 1", "hello: argv[0] = /bin/hello"],
                "/bin/forktree" => vec!["forktree: 15 processes"],
                "/bin/exitcodes" => vec![
                    "exitcodes: panic -> Exited(101)",
                    "exitcodes: all statuses as expected",
                ],
                "/bin/orphan" => vec!["orphan: my parent is now pid 1", "orphan: done"],
                "/bin/sleep" => vec!["sleep: wake order 1 2 3"],
                "/bin/faults" => vec![
                    "faults: int3 -> killed by SIGTRAP",
                    "faults: parent still alive",
                ],
                "/bin/signal_demo" => vec!["signal_demo: done"],
                _ => unreachable!(),
            }
            .into_iter()
            .map(str::to_owned),
        );
        steps.push(format!("init: {path} exited with status 0"));
        if *path == "/bin/orphan" {
            // The grandchild, re-parented to init, ended while init waited for orphan.
            steps.push("init: reaped 1 orphan".to_owned());
        }
    }
    steps.push("init: demo finished".to_owned());
    // Then the shell, which reads end of file (no console input) and ends.
    steps.push("init: starting /bin/sh".to_owned());
    steps.push("init: /bin/sh exited with status 0".to_owned());
    steps.push("init exited with status 0".to_owned());
    let steps: Vec<&str> = steps.iter().map(String::as_str).collect();
    run.expect_lines_in_order(&steps);
    run.expect_exact_line_count("init: demo finished", 1);

    let started = run
        .lines()
        .filter(|l| l.starts_with("init: starting "))
        .count();
    if started != DEMO.len() + 1 {
        run.fail(&[format!(
            "init started {started} programs, expected {} (the demo and the shell)",
            DEMO.len() + 1
        )]);
    }
    // hello ran as init's child.
    let greeting = run.scan_one_line("hello, world from pid {} (ppid {})");
    if greeting[1] != "1" || greeting[0] == "1" {
        run.fail(&[format!(
            "hello ran as pid {} with parent {}, expected a child of pid 1",
            greeting[0], greeting[1]
        )]);
    }
    // Nothing went wrong on the way: no orphan died badly, no program reported a mismatch.
    for bad in [
        "init: orphan pid",
        "MISMATCH",
        "FAILED",
        "(expected",
        "cannot start",
    ] {
        run.expect_no_line(bad);
    }
    run.expect_all_frames_returned();
}

#[test]
fn init_runs_one_program_with_arguments() {
    let run = boot("/bin/init", &["/bin/hello", "a", "b"]);
    run.expect_init_status(0);
    run.expect_lines_in_order(&[
        "init: starting /bin/hello a b",
        "hello: argc = 3",
        "hello: argv[0] = /bin/hello",
        "hello: argv[1] = a",
        "hello: argv[2] = b",
        "init: /bin/hello exited with status 0",
        "init exited with status 0",
    ]);
    let greeting = run.scan_one_line("hello, world from pid {} (ppid {})");
    if greeting[1] != "1" {
        run.fail(&["hello's parent is not init (pid 1)".to_owned()]);
    }
    run.expect_no_line("running the demo");
    run.expect_all_frames_returned();
}

#[test]
fn init_exits_with_the_programs_status() {
    // A name without '/' is looked up in /bin; forktree refuses a depth over 10 with status 2.
    let run = boot("/bin/init", &["forktree", "11"]);
    run.expect_init_status(2);
    run.expect_lines_in_order(&[
        "init: starting /bin/forktree 11",
        "usage: forktree [depth 0..=10]",
        "init: /bin/forktree exited with status 2",
        "init exited with status 2",
    ]);
    run.expect_no_line("forktree: node");
}

#[test]
fn init_reports_a_missing_program_and_exits_127() {
    let run = boot("/bin/init", &["/bin/nope"]);
    // QEMU reports every code from 95 up alike; the kernel's line says 127.
    run.expect_init_status(127);
    run.expect_lines_in_order(&[
        "init: starting /bin/nope",
        "/bin/nope: execve failed: ENOENT",
        "init: /bin/nope exited with status 127",
        "init exited with status 127",
    ]);
    // fork worked; only the execve in the child failed.
    run.expect_no_line("init: cannot start");
    run.expect_all_frames_returned();
}

// hello

#[test]
fn hello_greets_and_lists_its_arguments() {
    let args = ["one", "two-2", "x=y", "--flag"];
    let run = boot("/bin/hello", &args);
    run.expect_init_status(0);
    let mut expected = vec![
        "hello, world from pid 1 (ppid 0)".to_owned(),
        format!("hello: argc = {}", args.len() + 1),
        "hello: argv[0] = /bin/hello".to_owned(),
    ];
    for (i, arg) in args.iter().enumerate() {
        expected.push(format!("hello: argv[{}] = {arg}", i + 1));
    }
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    run.expect_lines_in_order(&expected);
    // Exactly these lines, each once.
    let printed: Vec<&str> = run.lines().filter(|l| l.starts_with("hello")).collect();
    if printed != expected {
        run.fail(&[format!("hello printed {printed:?}, expected {expected:?}")]);
    }
    run.expect_all_frames_returned();
}

// forktree

#[test]
fn forktree_builds_the_whole_tree() {
    let depth = 3u32;
    let run = boot("/bin/forktree", &[&depth.to_string()]);
    run.expect_init_status(0);
    let total = (1usize << (depth + 1)) - 1;

    // Every label: root, then each string of 0s and 1s of length 1..=depth.
    let mut labels: HashSet<String> = HashSet::from(["root".to_owned()]);
    for len in 1..=depth {
        for bits in 0..(1u32 << len) {
            labels.insert(format!("{bits:0width$b}", width = len as usize));
        }
    }
    assert_eq!(labels.len(), total);

    let mut nodes: HashMap<String, (u64, u64)> = HashMap::new();
    for holes in run.scan_lines("forktree: node {} pid {} ppid {}") {
        let (pid, ppid) = (number(&run, holes[1]), number(&run, holes[2]));
        if nodes.insert(holes[0].to_owned(), (pid, ppid)).is_some() {
            run.fail(&[format!("node {} printed twice", holes[0])]);
        }
    }
    let printed: HashSet<String> = nodes.keys().cloned().collect();
    if printed != labels {
        run.fail(&[format!(
            "the node labels are {:?}, expected {:?}",
            sorted(&printed),
            sorted(&labels)
        )]);
    }
    let pids: HashSet<u64> = nodes.values().map(|&(pid, _)| pid).collect();
    if pids.len() != total {
        run.fail(&[format!("{} distinct pids for {total} nodes", pids.len())]);
    }
    if nodes["root"] != (1, 0) {
        run.fail(&[format!(
            "the root is pid {} with parent {}, expected pid 1, parent 0",
            nodes["root"].0, nodes["root"].1
        )]);
    }
    for (label, &(pid, ppid)) in &nodes {
        if label == "root" {
            continue;
        }
        let parent = if label.len() == 1 {
            "root"
        } else {
            &label[..label.len() - 1]
        };
        if ppid != nodes[parent].0 {
            run.fail(&[format!(
                "node {label} (pid {pid}) has ppid {ppid}, but its parent node {parent} is pid {}",
                nodes[parent].0
            )]);
        }
    }
    run.expect_exact_line_count(&format!("forktree: {total} processes"), 1);
    run.expect_no_line("forktree: failed");
    run.expect_all_frames_returned();
}

fn sorted(set: &HashSet<String>) -> Vec<&String> {
    let mut v: Vec<&String> = set.iter().collect();
    v.sort();
    v
}

// sleep

#[test]
fn sleep_children_wake_in_order_on_time() {
    let run = boot("/bin/sleep", &[]);
    run.expect_init_status(0);
    let woke: Vec<(u64, u64)> = run
        .scan_lines("sleep: child slept {} s, woke after {} ms")
        .iter()
        .map(|holes| {
            let ms = parse_thousandths(holes[1])
                .unwrap_or_else(|| run.fail(&[format!("bad time {:?}", holes[1])]));
            (number(&run, holes[0]), ms)
        })
        .collect();
    let order: Vec<u64> = woke.iter().map(|&(s, _)| s).collect();
    if order != [1, 2, 3] {
        run.fail(&[format!(
            "the children woke in the order {order:?}, expected [1, 2, 3]"
        )]);
    }
    for &(s, thousandths_of_ms) in &woke {
        // [s * 1000 ms, s * 1000 + 100 ms), in thousandths of a millisecond.
        let low = s * 1_000_000;
        let high = low + 100_000;
        if !(low..high).contains(&thousandths_of_ms) {
            run.fail(&[format!(
                "the child sleeping {s} s woke after {}.{:03} ms, outside [{}, {}) ms",
                thousandths_of_ms / 1000,
                thousandths_of_ms % 1000,
                low / 1000,
                high / 1000
            )]);
        }
    }
    run.expect_lines_in_order(&["sleep: wake order 1 2 3", "init exited with status 0"]);
    let total = run.scan_one_line("sleep: all children done after {} ms");
    match parse_thousandths(total[0]) {
        Some(t) if t >= 3_000_000 => {}
        _ => run.fail(&[format!(
            "all children done after {} ms, expected at least 3000",
            total[0]
        )]),
    }
    run.expect_no_line("s left");
    if run.elapsed < Duration::from_secs(3) {
        run.fail(&[format!(
            "the run took {:.2} s on the host clock, but a child sleeps 3 s",
            run.elapsed.as_secs_f64()
        )]);
    }
    run.expect_all_frames_returned();
}

// exitcodes

#[test]
fn exitcodes_decodes_every_status() {
    let run = boot("/bin/exitcodes", &[]);
    run.expect_init_status(0);
    let lines = [
        "exitcodes: exit(0) -> Exited(0)",
        "exitcodes: exit(1) -> Exited(1)",
        "exitcodes: exit(42) -> Exited(42)",
        "exitcodes: exit(255) -> Exited(255)",
        "exitcodes: return 7 from main -> Exited(7)",
        "exitcodes: panic -> Exited(101)",
        "exitcodes: all statuses as expected",
        "init exited with status 0",
    ];
    run.expect_lines_in_order(&lines);
    // ulib's panic message, once, from the panicking child, before its status is reported.
    let panics: Vec<usize> = run
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.starts_with("panicked at src/bin/exitcodes.rs:")
                && l.ends_with(": exitcodes: deliberate panic")
        })
        .map(|(i, _)| i)
        .collect();
    let (after, before) = (index_of(&run, lines[4]), index_of(&run, lines[5]));
    match panics.as_slice() {
        [i] if after < *i && *i < before => {}
        _ => run.fail(&[format!(
            "expected one \"panicked at src/bin/exitcodes.rs:<line>:<col>: exitcodes: deliberate \
             panic\" line between {:?} and {:?}, found it at lines {panics:?}",
            lines[4], lines[5]
        )]),
    }
    run.expect_no_line("MISMATCH");
    run.expect_all_frames_returned();
}

// orphan

#[test]
fn orphan_is_reparented_to_pid_1() {
    let run = boot("/bin/orphan", &[]);
    run.expect_init_status(0);
    let parent = run.scan_one_line("orphan: parent pid {} forked child {}");
    let middle = run.scan_one_line("orphan: child pid {} forked grandchild {}, exiting");
    let (p, c, g) = (
        number(&run, parent[0]),
        number(&run, parent[1]),
        number(&run, middle[1]),
    );
    if p != 1 {
        run.fail(&[format!("orphan runs as pid {p}, expected 1")]);
    }
    if number(&run, middle[0]) != c {
        run.fail(&[format!(
            "the child calls itself {}, the parent forked {c}",
            middle[0]
        )]);
    }
    if HashSet::from([p, c, g]).len() != 3 {
        run.fail(&[format!("pids {p}, {c}, {g} are not distinct")]);
    }
    run.expect_lines_in_order(&[
        &format!("orphan: child {c} exited with status 0"),
        "orphan: my parent is now pid 1",
        "orphan: done",
        "init exited with status 0",
    ]);
    run.expect_no_line("expected 1");
    run.expect_all_frames_returned();
}

// faults

/// The faults in the order `faults` runs them, the signal each must give, and the address
/// the kernel must report for it when that address is known in advance.
const FAULTS: &[(&str, &str, Option<&str>)] = &[
    ("null_store", "SIGSEGV", Some("0x00000000")),
    ("load_from_8", "SIGSEGV", Some("0x00000008")),
    ("text_write", "SIGSEGV", None),
    ("kernel_read", "SIGSEGV", Some("0xc0000000")),
    ("kernel_write", "SIGSEGV", Some("0xc0000000")),
    ("kernel_read_high", "SIGSEGV", Some("0xfffff000")),
    ("divide_by_zero", "SIGFPE", None),
    ("ud2", "SIGILL", None),
    ("int3", "SIGTRAP", None),
];

#[test]
fn faults_kill_only_the_faulting_child() {
    let run = boot("/bin/faults", &[]);
    run.expect_init_status(0);
    let mut lines: Vec<String> = FAULTS
        .iter()
        .map(|(name, sig, _)| format!("faults: {name} -> killed by {sig}"))
        .collect();
    lines.push("faults: parent still alive".to_owned());
    lines.push("init exited with status 0".to_owned());
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    run.expect_lines_in_order(&lines);

    // The kernel's report of each death: "fault: pid <p> (faults) killed by <SIG>: <what> at
    // eip <eip>, address <addr>", just before the parent's line about it.
    let kills: Vec<(usize, Vec<&str>)> = run
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            scan(
                l,
                "fault: pid {} (faults) killed by {}: {} at eip {}, address {}",
            )
            .map(|h| (i, h))
        })
        .collect();
    if kills.len() != FAULTS.len() {
        run.fail(&[format!(
            "{} kernel \"fault: pid ... (faults) killed by ...\" lines, expected {}",
            kills.len(),
            FAULTS.len()
        )]);
    }
    let mut pids = HashSet::new();
    let mut previous = 0;
    for ((at, kill), (i, (name, sig, address))) in kills.iter().zip(FAULTS.iter().enumerate()) {
        let report = index_of(&run, lines[i]);
        if !(previous..report).contains(at) {
            run.fail(&[format!(
                "the kernel's line for {name} ({:?}) is not just before {:?}",
                run.lines().nth(*at).unwrap_or_default(),
                lines[i]
            )]);
        }
        previous = report;
        if kill[1] != *sig {
            run.fail(&[format!(
                "the kernel killed {name} with {}, expected {sig}",
                kill[1]
            )]);
        }
        if let Some(address) = address {
            if kill[4] != *address {
                run.fail(&[format!("{name} faulted at {}, expected {address}", kill[4])]);
            }
        }
        let pid = number(&run, kill[0]);
        if pid == 1 || !pids.insert(pid) {
            run.fail(&[format!("{name} was killed as pid {pid}: not a fresh child")]);
        }
    }
    run.expect_no_line("(expected");
    run.expect_all_frames_returned();
}

// The C programs

#[test]
fn chello_prints_its_lines() {
    let run = boot("/bin/chello", &["x", "y"]);
    run.expect_init_status(0);
    let child = run.scan_one_line("  child: pid {}, parent 1, exiting with 7");
    let heap = run.scan_one_line("the heap works: sum of 1000 squares = 332833500 (block at 0x{})");
    if !heap[0].bytes().all(|b| b.is_ascii_hexdigit()) {
        run.fail(&[format!(
            "the block address 0x{} is not hexadecimal",
            heap[0]
        )]);
    }
    run.expect_lines_in_order(&[
        "hello from C, pid 1, ppid 0",
        "  argv[0] = \"/bin/chello\"",
        "  argv[1] = \"x\"",
        "  argv[2] = \"y\"",
        &format!("  child: pid {}, parent 1, exiting with 7", child[0]),
        &format!("child {} exited with status 7", child[0]),
        &format!(
            "the heap works: sum of 1000 squares = 332833500 (block at 0x{})",
            heap[0]
        ),
        "[   42] [42   ] [00042] [+42] [ff] [0XFF] [   right] [left    ] [!] [%]",
        "init exited with status 0",
    ]);
    let argv_lines = run.lines().filter(|l| l.starts_with("  argv[")).count();
    if argv_lines != 3 {
        run.fail(&[format!("{argv_lines} argv lines, expected 3")]);
    }
    if number(&run, child[0]) == 1 {
        run.fail(&["the child reports pid 1".to_owned()]);
    }
    run.expect_all_frames_returned();
}

#[test]
fn ctest_passes() {
    let run = boot("/bin/ctest", &[]);
    run.expect_pass("ctest");
    run.expect_init_status(0);
    run.expect_exact_line_count("PASS ctest", 1);
    // The sections it reports, in order (each only after all its checks ran).
    run.expect_lines_in_order(&[
        "ctest: pid 1, ppid 0",
        "ctest: errno ok",
        "ctest: printf ok",
        "ctest: strings ok",
        "ctest: 64-bit division ok",
        "ctest: heap ok",
        "ctest: processes ok",
        "ctest: execve ok",
        "ctest: clock ok",
        "ctest: signals ok",
        "PASS ctest",
        "init exited with status 0",
    ]);
    run.expect_all_frames_returned();
}

#[test]
fn ftest_passes() {
    // The console answers TCGETS, so `--tty` makes ftest insist on isatty(1).
    let run = boot("/bin/ftest", &["--tty"]);
    run.expect_pass("ftest");
    run.expect_init_status(0);
    run.expect_exact_line_count("PASS ftest", 1);
    run.expect_lines_in_order(&[
        "ftest: setup ok",
        "ftest: text streams ok",
        "ftest: binary ok",
        "ftest: ungetc ok",
        "ftest: buffering ok",
        "ftest: names ok",
        "ftest: directories ok",
        "ftest: working directory ok",
        "ftest: isatty(1) = 1",
        "ftest: terminals ok",
        "ftest: stdlib ok",
        "ftest: exec ok",
        "ftest: cleanup ok",
        "PASS ftest",
        "init exited with status 0",
    ]);
    // Without OPOST a NL goes out bare; with the settings restored, as CR NL.
    assert!(
        run.serial.contains("ftest: raw NL\n") && !run.serial.contains("ftest: raw NL\r\n"),
        "output without OPOST was translated:\n{}",
        run.transcript()
    );
    assert!(
        run.serial.contains("ftest: cooked NL\r\n"),
        "output with OPOST and ONLCR was not CR NL:\n{}",
        run.transcript()
    );
    run.expect_all_frames_returned();
}

#[test]
fn libctest_passes() {
    // Strings, numbers, sscanf/fscanf/scanf (stdin on a pipe in a child), getline, access,
    // getopt and time(), with its scratch file in /tmp.
    let run = boot("/bin/libctest", &[]);
    run.expect_pass("libctest");
    run.expect_init_status(0);
    run.expect_exact_line_count("PASS libctest", 1);
    run.expect_lines_in_order(&[
        "libctest: strings ok",
        "libctest: numbers ok",
        "libctest: sscanf ok",
        "libctest: streams ok",
        "libctest: scanf ok",
        "libctest: access ok",
        "libctest: getopt ok",
        "libctest: time ok",
        "PASS libctest",
        "init exited with status 0",
    ]);
    run.expect_all_frames_returned();
}

#[test]
fn signal_demo_narrates_every_step() {
    let run = Boot::new()
        .init("/bin/signal_demo", &[])
        .timeout(Duration::from_secs(60))
        .run();
    run.expect_init_status(0);
    run.expect_all_frames_returned();
    let me = run
        .scan_one_line("signal_demo: pid {}: handlers installed for SIGALRM, SIGCHLD and SIGUSR1")
        [0];
    if me != "1" {
        run.fail(&[format!("signal_demo ran as pid {me}, expected 1")]);
    }
    // The alarm came after a second, never earlier.
    let ms = run.scan_one_line("signal_demo: SIGALRM arrived after {} ms, pause returned EINTR")[0];
    match parse_thousandths(ms) {
        Some(t) if (1_000_000..2_000_000).contains(&t) => {}
        _ => run.fail(&[format!("alarm(1) fired after {ms} ms")]),
    }
    let waiter = run
        .scan_one_line("signal_demo: child {} exits with 3 after 200 ms; pausing until SIGCHLD")[0];
    let termed = run.scan_one_line("signal_demo: child {} waits in pause; kill(SIGTERM)")[0];
    let stopped = run.scan_one_line("signal_demo: child {} stopped by SIGSTOP")[0];
    let faulter = run.scan_one_line(
        "signal_demo: child {} writes to address 0 with a SIGSEGV handler installed",
    )[0];
    run.expect_lines_in_order(&[
        "signal_demo: alarm(1), then pause",
        "signal_demo: raise(SIGUSR1): the handler ran with signal 10",
        &format!("signal_demo: SIGCHLD arrived; child {waiter} exited with status 3"),
        &format!("signal_demo: child {termed} killed by SIGTERM"),
        &format!("signal_demo: child {stopped} stopped by SIGSTOP"),
        &format!("signal_demo: child {stopped} continued by SIGCONT"),
        &format!("signal_demo: child {stopped} killed by SIGKILL"),
        &format!("signal_demo: child {faulter} caught SIGSEGV (signal 11) in its handler"),
        &format!("signal_demo: child {faulter} exited with status 42"),
        "signal_demo: done",
    ]);
    // The caught fault killed nobody, so the kernel printed no fault line.
    if let Some(line) = run.lines().find(|l| {
        integration_tests::expect::is_kill_line(l, "SIG") && !l.starts_with("signal_demo:")
    }) {
        run.fail(&[format!("the kernel reported a fault kill: {line:?}")]);
    }
    run.expect_no_line("signal_demo: stopped:");
}

// bench

/// The `key=value` fields of the BENCH line of benchmark `name`; fails the run without one.
#[track_caller]
fn bench_fields(run: &Run, name: &str) -> HashMap<String, String> {
    let prefix = format!("BENCH name={name} ");
    let line = run
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| run.fail(&[format!("no line starts with {prefix:?}")]));
    line.split_whitespace()
        .skip(1)
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// `/bin/bench` prints the documented line format (docs/performance.md): the mean, the
/// median, fastest and slowest block, and for a loaded benchmark the sleepers it kept alive,
/// all of whom it kills and reaps. Only the format and the bookkeeping are checked, never a
/// speed.
#[test]
fn bench_prints_blocks_and_reaps_its_sleepers() {
    let run = boot(
        "/bin/bench",
        &["--sleepers", "20", "getpid", "getpid_loaded", "timer_tick"],
    );
    run.expect_init_status(0);
    for name in ["getpid", "getpid_loaded"] {
        let fields = bench_fields(&run, name);
        let get = |key: &str| -> u64 {
            let text = fields
                .get(key)
                .unwrap_or_else(|| run.fail(&[format!("{name}: no {key}= in {fields:?}")]));
            number(&run, text)
        };
        if get("ops") != 400_000 || get("blocks") != 20 {
            run.fail(&[format!(
                "{name}: expected 20 blocks of 20000 calls: {fields:?}"
            )]);
        }
        let (min, median, max, mean) = (
            get("min_ns"),
            get("median_ns"),
            get("max_ns"),
            get("ns_per_op"),
        );
        if !(min <= median && median <= max && min <= mean && mean <= max) {
            run.fail(&[format!(
                "{name}: min <= median, mean <= max does not hold: {fields:?}"
            )]);
        }
    }
    if bench_fields(&run, "getpid_loaded")
        .get("sleepers")
        .map(String::as_str)
        != Some("20")
    {
        run.fail(&["getpid_loaded did not run with 20 sleepers".to_owned()]);
    }
    let tick = bench_fields(&run, "timer_tick");
    for key in ["ops", "median_ns", "min_ns", "per_s", "busy_pct"] {
        if !tick.contains_key(key) {
            run.fail(&[format!("timer_tick: no {key}= in {tick:?}")]);
        }
    }
    run.expect_all_frames_returned();
}

#[test]
fn bench_help_and_unknown_names() {
    let run = boot("/bin/bench", &["--help"]);
    run.expect_init_status(0);
    run.expect_line("usage: bench [--sleepers N] [name...]");
    let run = boot("/bin/bench", &["getpid", "no_such_benchmark"]);
    run.expect_init_status(2);
    run.expect_line("bench: unknown benchmark no_such_benchmark");
    // The names are checked before anything runs.
    if run.lines().any(|l| l.starts_with("BENCH ")) {
        run.fail(&["a benchmark ran although a name was unknown".to_owned()]);
    }
}

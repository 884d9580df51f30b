//! What the kernel reports while it boots: banner, memory, command line, options, self tests.

use integration_tests::expect::{self, SelfTestLine};
use integration_tests::{Boot, Run};

fn quick() -> Boot {
    Boot::new().init(expect::QUICK_INIT, expect::QUICK_INIT_ARGS)
}

fn memory_line(run: &Run) -> String {
    match run.lines().find(|l| {
        l.contains(expect::MEMORY)
            && l.contains(expect::MEMORY_TOTAL)
            && l.contains(expect::MEMORY_FREE)
    }) {
        Some(l) => l.to_owned(),
        None => run.fail(&[format!(
            "no line contains {:?} with {:?} and {:?}",
            expect::MEMORY,
            expect::MEMORY_TOTAL,
            expect::MEMORY_FREE
        )]),
    }
}

#[test]
fn banner() {
    quick()
        .run()
        .expect_init_exit(0)
        .expect_line(expect::BANNER);
}

#[test]
fn memory_report_follows_the_machine() {
    let small = quick().memory_mb(64).run();
    small.expect_init_exit(0);
    let large = quick().memory_mb(256).run();
    large.expect_init_exit(0);
    let (small_line, large_line) = (memory_line(&small), memory_line(&large));
    // The amounts differ with the machine's memory; the line is not a constant.
    if small_line == large_line {
        large.fail(&[format!(
            "the memory line is the same with 64 MiB and 256 MiB: {large_line:?}"
        )]);
    }
}

#[test]
fn command_line_is_echoed() {
    let boot = quick().option("loglevel=info");
    let cmdline = boot.cmdline_string();
    let run = boot.run();
    run.expect_init_exit(0);
    let line = run
        .find_line(expect::CMDLINE)
        .unwrap_or_else(|| run.fail(&[format!("no line contains {:?}", expect::CMDLINE)]));
    if !line.contains(&cmdline) {
        run.fail(&[format!(
            "the {:?} line does not show the command line {cmdline:?}: {line:?}",
            expect::CMDLINE
        )]);
    }
}

#[test]
fn unknown_option_is_reported_not_fatal() {
    let run = quick().option("foo=bar").run();
    run.expect_init_exit(0);
    if !run
        .lines()
        .any(|l| l.contains(expect::UNKNOWN_OPTION) && l.contains("foo"))
    {
        run.fail(&[format!(
            "no line contains {:?} and \"foo\"",
            expect::UNKNOWN_OPTION
        )]);
    }
    run.expect_no_panic_word();
}

#[test]
fn self_tests_pass() {
    let run = quick().option(expect::OPT_SELFTEST).run();
    run.expect_init_exit(0);
    let parsed: Vec<SelfTestLine> = run.lines().filter_map(expect::parse_selftest).collect();
    let passed = parsed
        .iter()
        .filter(|l| matches!(l, SelfTestLine::Pass(_)))
        .count();
    let failed: Vec<&SelfTestLine> = parsed
        .iter()
        .filter(|l| matches!(l, SelfTestLine::Fail(_)))
        .collect();
    if !failed.is_empty() {
        run.fail(&[format!("self tests failed: {failed:?}")]);
    }
    if passed == 0 {
        run.fail(&[format!("no \"{} <name> PASS\" line", expect::SELFTEST)]);
    }
    let summaries: Vec<(u32, u32)> = parsed
        .iter()
        .filter_map(|l| match *l {
            SelfTestLine::Done { passed, failed } => Some((passed, failed)),
            _ => None,
        })
        .collect();
    match summaries.as_slice() {
        [(p, 0)] if *p as usize == passed => {}
        [(p, f)] => run.fail(&[format!(
            "the summary says {p} passed, {f} failed, but {passed} PASS lines were printed"
        )]),
        _ => run.fail(&[format!(
            "expected exactly one \"{}\" line, found {}",
            expect::SELFTEST_DONE,
            summaries.len()
        )]),
    }
}

#[test]
fn self_tests_only_on_request() {
    let run = quick().run();
    run.expect_init_exit(0);
    if let Some(line) = run.lines().find(|l| expect::parse_selftest(l).is_some()) {
        run.fail(&[format!("self tests ran without the option: {line:?}")]);
    }
}

//! Physical memory under pressure and at power-off: fork fails with `ENOMEM` (not `EAGAIN`)
//! when a small machine runs out of frames, every frame comes back after `forktest` and after
//! the whole acceptance suite, and the kernel's self tests pass on a small machine. The demo
//! boots with the minimum RAM docs/boot.md states; below it the kernel says what is missing.

use integration_tests::expect::{self, SelfTestLine};
use integration_tests::{Boot, Run};
use std::time::Duration;

/// A small machine: the kernel image ends a little above 9 MiB (8 MiB of it the heap), and with
/// 16 MiB `forktest` runs out of frames (`ENOMEM`) after a few hundred children.
const SMALL_MB: u32 = 16;

/// The least RAM the init demo boots with, in MiB (docs/boot.md, "Minimum RAM").
const MIN_MB: u32 = 14;

/// The machine for the self tests.
const SELFTEST_MB: u32 = 24;

#[test]
fn fork_fails_with_enomem_when_memory_runs_out() {
    let run = Boot::new()
        .init("/bin/forktest", &[])
        .memory_mb(SMALL_MB)
        .timeout(Duration::from_secs(120))
        .run();
    run.expect_init_status(0);
    let lines = run.scan_lines("forktest: forked {} children, fork failed with {}, reaped {}");
    let [holes] = lines.as_slice() else {
        run.fail(&[format!(
            "expected one \"forktest: forked <n> children, ...\" line, found {}",
            lines.len()
        )]);
    };
    let forked: usize = holes[0]
        .parse()
        .unwrap_or_else(|_| run.fail(&[format!("bad count {:?}", holes[0])]));
    if holes[1] != "ENOMEM" {
        run.fail(&[format!(
            "fork failed with {} on a {SMALL_MB} MiB machine, expected ENOMEM",
            holes[1]
        )]);
    }
    // Some forks did work.
    if forked == 0 {
        run.fail(&["not a single fork worked".to_owned()]);
    }
    if holes[2] != holes[0] {
        run.fail(&[format!(
            "forked {} children but reaped {}",
            holes[0], holes[2]
        )]);
    }
    run.expect_lines_in_order(&[
        "forktest: wait after reaping all: ECHILD",
        "forktest: fork after reaping works",
        "forktest: ok",
        "init exited with status 0",
    ]);
    run.expect_no_line(expect::KERNEL_PANIC);
    run.expect_all_frames_returned();
}

/// The acceptance cases `ptest` knows, from `ptest list`.
fn ptest_cases() -> Vec<String> {
    let run = Boot::new().init(expect::PTEST, &["list"]).run();
    run.expect_init_status(0);
    let cases: Vec<String> = run
        .lines()
        .filter(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
        .map(str::to_owned)
        .collect();
    if cases.len() < 2 {
        run.fail(&[format!("`ptest list` printed {} case names", cases.len())]);
    }
    cases
}

#[test]
fn every_frame_returns_after_ptest_all() {
    let cases = ptest_cases();
    let run = Boot::new()
        .init(expect::PTEST, &["all"])
        .timeout(Duration::from_secs(240))
        .run();
    run.expect_init_status(0);
    for case in &cases {
        run.expect_exact_line_count(&format!("{} {case}", expect::PASS), 1);
    }
    if let Some(line) = run.lines().find(|l| expect::is_fail_line(l)) {
        run.fail(&[format!("a case failed: {line:?}")]);
    }
    run.expect_lines_in_order(&[
        &format!("ptest: {} passed, 0 failed", cases.len()),
        "init exited with status 0",
    ]);
    run.expect_all_frames_returned();
}

/// The self tests' lines: names that passed, names that failed, and the summary.
fn selftests(run: &Run) -> (Vec<&str>, Vec<&str>, Vec<(u32, u32)>) {
    let (mut passed, mut failed, mut done) = (Vec::new(), Vec::new(), Vec::new());
    for line in run.lines() {
        match expect::parse_selftest(line) {
            Some(SelfTestLine::Pass(name)) => passed.push(name),
            Some(SelfTestLine::Fail(name)) => failed.push(name),
            Some(SelfTestLine::Done { passed, failed }) => done.push((passed, failed)),
            None => {}
        }
    }
    (passed, failed, done)
}

#[test]
fn self_tests_pass_on_a_small_machine() {
    let run = Boot::new()
        .init(expect::QUICK_INIT, expect::QUICK_INIT_ARGS)
        .option(expect::OPT_SELFTEST)
        .memory_mb(SELFTEST_MB)
        .run();
    run.expect_init_exit(0);
    let (passed, failed, done) = selftests(&run);
    if !failed.is_empty() {
        run.fail(&[format!(
            "self tests failed on {SELFTEST_MB} MiB: {failed:?}"
        )]);
    }
    // The same tests as on the default machine: the small one must not skip any.
    let reference = Boot::new()
        .init(expect::QUICK_INIT, expect::QUICK_INIT_ARGS)
        .option(expect::OPT_SELFTEST)
        .run();
    reference.expect_init_exit(0);
    let (reference_passed, _, _) = selftests(&reference);
    if passed.is_empty() || passed != reference_passed {
        run.fail(&[format!(
            "self tests passed on {SELFTEST_MB} MiB: {passed:?}; on {} MiB: {reference_passed:?}",
            integration_tests::DEFAULT_MEMORY_MB
        )]);
    }
    let expected_summary = [(u32::try_from(passed.len()).unwrap_or(u32::MAX), 0)];
    if done != expected_summary {
        run.fail(&[format!(
            "the summary lines are {done:?}, expected {expected_summary:?}"
        )]);
    }
    // The run was the machine's size: the kernel reports about 23 MiB total.
    let total = run
        .scan_lines("memory: {} MiB total, {} MiB free ({} frames of 4 KiB)")
        .first()
        .and_then(|holes| holes[0].parse::<u32>().ok());
    if !matches!(total, Some(t) if t < SELFTEST_MB) {
        run.fail(&[format!(
            "the kernel reports {total:?} MiB total, expected under {SELFTEST_MB}"
        )]);
    }
}

/// Running out of kernel heap (not of frames) is an errno for the caller, never a panic:
/// `kheap=64` leaves 64 KiB of heap for processes, which `forktest` exhausts long before the
/// frames of a 256 MiB machine; fork must fail with ENOMEM. With
/// the heap full, an execve with the longest argument list (copied into the kernel heap) must
/// fail with ENOMEM too, and once the children are reaped with ENOENT (the program does not
/// exist). The kernel must survive, reap everyone, fork again and return every frame.
#[test]
fn kernel_heap_exhaustion_is_enomem() {
    let run = Boot::new()
        .init("/bin/forktest", &["--exec-at-limit"])
        .option("kheap=64")
        .timeout(Duration::from_secs(120))
        .run();
    run.expect_init_status(0);
    run.expect_line("kheap: ");
    let holes = run.scan_one_line("forktest: forked {} children, fork failed with {}, reaped {}");
    let forked: usize = holes[0]
        .parse()
        .unwrap_or_else(|_| run.fail(&[format!("bad count {:?}", holes[0])]));
    if holes[1] != "ENOMEM" || forked == 0 {
        run.fail(&[format!(
            "with 64 KiB of kernel heap fork failed after {forked} children with {}, expected \
             ENOMEM after at least one",
            holes[1]
        )]);
    }
    run.expect_lines_in_order(&[
        "forktest: execve at the limit: ENOMEM",
        "forktest: execve after reaping: ENOENT",
        "forktest: fork after reaping works",
        "forktest: ok",
    ]);
    run.expect_no_line("KERNEL PANIC");
    run.expect_all_frames_returned();
}

/// The init demo runs to its end with exactly the minimum RAM docs/boot.md states, and gives
/// every frame back.
#[test]
fn demo_boots_with_the_minimum_ram() {
    let run = Boot::new().memory_mb(MIN_MB).run();
    run.expect_init_status(0);
    run.expect_exact_line_count("init: demo finished", 1);
    run.expect_all_frames_returned();
}

/// One MiB less: the kernel says what does not fit (a panic with the reason, not a triple
/// fault or a hang). Which boot step that is depends on the size of the initrd of the day:
/// the initrd itself, unpacking it into files, the kernel-stack page tables, or init.
#[test]
fn one_mib_below_the_minimum_fails_clearly() {
    let run = Boot::new()
        .memory_mb(MIN_MB - 1)
        .timeout(Duration::from_secs(30))
        .run();
    let line = run.expect_kernel_panic(&[]);
    let init_failed = line.contains("cannot start init /bin/init") && line.contains("ENOMEM");
    let named = init_failed
        || line.contains("no memory for the kernel-stack page tables")
        || line.contains("extends past the end of RAM")
        || line.contains("does not fit in memory as files");
    if !named {
        run.fail(&[format!(
            "the panic line names no step that ran out of memory: {line:?}"
        )]);
    }
}

/// Less RAM than the kernel image spans: the loader still places the image, its top (the
/// heap's end) where no memory is; the kernel reports it before using that memory.
#[test]
fn ram_smaller_than_the_kernel_image_is_reported() {
    for mb in [8, 4] {
        let run = Boot::new()
            .memory_mb(mb)
            .timeout(Duration::from_secs(30))
            .run();
        run.expect_kernel_panic(&[
            "not enough RAM: the kernel image needs 0x100000..",
            "but RAM ends at",
            "see docs/boot.md for the minimum",
        ]);
    }
}

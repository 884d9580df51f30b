//! Thousands of processes: no fixed limit below the pid range, fork failing with `ENOMEM` only
//! when memory runs out, pids that wrap without reusing one still in use, and kernel stacks
//! that the deepest kernel path fits in (`manyproc`, `kstackcheck`; docs/processes.md).

use integration_tests::{expect, Boot};
use std::time::Duration;

/// The machine the issue sets the target on: 4000 processes alive at once in 128 MiB.
const TARGET_MB: u32 = 128;
const TARGET_PROCESSES: usize = 4000;

#[test]
fn four_thousand_processes_alive_at_once_in_128_mib() {
    let n = TARGET_PROCESSES.to_string();
    let run = Boot::new()
        .init("/bin/manyproc", &["alive", &n])
        .memory_mb(TARGET_MB)
        .timeout(Duration::from_secs(120))
        .run();
    run.expect_init_status(0);
    run.expect_lines_in_order(&[
        &format!("manyproc: {n} children alive, {n} listed in /proc"),
        &format!("manyproc: {n} children killed and reaped"),
        "manyproc: free memory back to its baseline",
        "manyproc: ok",
    ]);
    run.expect_no_line(expect::KERNEL_PANIC);
    run.expect_all_frames_returned();
}

/// Forks until memory runs out on a small machine: ENOMEM (not a panic, not a fixed limit),
/// every child killed and reaped, memory back, and fork works again.
#[test]
fn fork_until_memory_runs_out_then_everything_comes_back() {
    let run = Boot::new()
        .init("/bin/manyproc", &["fill"])
        .memory_mb(32)
        .timeout(Duration::from_secs(120))
        .run();
    run.expect_init_status(0);
    let holes = run.scan_one_line("manyproc: forked {} children, fork failed with {}");
    let forked: usize = holes[0]
        .parse()
        .unwrap_or_else(|_| run.fail(&[format!("bad count {:?}", holes[0])]));
    if holes[1] != "ENOMEM" || forked < 100 {
        run.fail(&[format!(
            "on a 32 MiB machine fork failed after {forked} children with {}, expected ENOMEM \
             after hundreds",
            holes[1]
        )]);
    }
    run.expect_lines_in_order(&[
        &format!("manyproc: {forked} children killed and reaped"),
        "manyproc: free memory back to its baseline",
        "manyproc: ok",
    ]);
    run.expect_no_line(expect::KERNEL_PANIC);
    run.expect_all_frames_returned();
}

/// Over 32767 forks while a process, a group whose leader exited and a session whose leader
/// exited hold low ids: the pids wrap, and no new pid equals an id still in use.
#[test]
fn pids_wrap_without_reusing_a_live_pid_group_or_session() {
    let run = Boot::new()
        .init("/bin/manyproc", &["wrap"])
        .timeout(Duration::from_secs(120))
        .run();
    run.expect_init_status(0);
    run.scan_one_line("manyproc: holding pid {}, group {}, session {}");
    let holes = run.scan_one_line("manyproc: {} forks, pids wrapped {} times, none in use");
    let forks: u32 = holes[0]
        .parse()
        .unwrap_or_else(|_| run.fail(&[format!("bad count {:?}", holes[0])]));
    if forks < 32767 || holes[1] == "0" {
        run.fail(&[format!("{forks} forks, {} wraps", holes[1])]);
    }
    run.expect_line("manyproc: ok");
    run.expect_no_line(expect::KERNEL_PANIC);
    run.expect_all_frames_returned();
}

/// The deepest kernel-stack use measured over the C test programs (file I/O, signals, exec;
/// the deepest paths known) leaves room for an interrupt on top: kernel stacks are 8 KiB.
#[test]
fn the_deepest_kernel_path_fits_its_stack_with_room_to_spare() {
    for program in ["/bin/ctest", "/bin/sigctest"] {
        let run = Boot::new()
            .init(program, &[])
            .option("kstackcheck")
            .timeout(Duration::from_secs(120))
            .run();
        run.expect_init_status(0);
        let holes = run.scan_one_line("kstack: deepest use {} of {} bytes");
        let deepest: usize = holes[0]
            .parse()
            .unwrap_or_else(|_| run.fail(&[format!("bad depth {:?}", holes[0])]));
        let size: usize = holes[1]
            .parse()
            .unwrap_or_else(|_| run.fail(&[format!("bad size {:?}", holes[1])]));
        // An interrupt taken at the deepest point needs about a kilobyte on top.
        if deepest == 0 || deepest + 1536 > size {
            run.fail(&[format!(
                "{program}: deepest kernel-stack use {deepest} of {size} bytes: expected some \
                 use and at least 1536 bytes to spare"
            )]);
        }
    }
}

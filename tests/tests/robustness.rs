//! Robustness: the rule "a user program can never crash or hang the kernel; a bad system-call
//! argument is an errno", attacked by `/bin/hostile` (uapps/src/bin/hostile/). Each test boots
//! `/bin/hostile <case>` as pid 1 and requires its `PASS <case>` line, no `FAIL` line, exit
//! status 0, no line mentioning a panic, every frame returned at power-off, and exactly the
//! kernel kill lines the case provokes (a case that only expects errnos must kill nobody).

use std::time::Duration;

use integration_tests::expect;
use integration_tests::{Boot, Run};

const HOSTILE: &str = "/bin/hostile";

/// Boots `hostile <case>` and applies the checks every case shares.
#[track_caller]
fn hostile(case: &str, timeout: Duration) -> Run {
    let run = Boot::new().init(HOSTILE, &[case]).timeout(timeout).run();
    run.expect_pass(case).expect_no_panic_word();
    run.expect_all_frames_returned();
    run
}

/// The kernel's reports of killed processes (the program's own lines, which start with
/// `<case>:`, may mention signals too).
fn kill_lines<'a>(run: &'a Run, case: &str) -> Vec<&'a str> {
    let own = format!("{case}:");
    run.lines()
        .filter(|l| expect::is_kill_line(l, "SIG") && !l.starts_with(&own))
        .collect()
}

/// Exactly `n` kill lines in total, and exactly the given number per signal.
#[track_caller]
fn expect_kills(run: &Run, case: &str, per_signal: &[(&str, usize)]) {
    let lines = kill_lines(run, case);
    let total: usize = per_signal.iter().map(|&(_, n)| n).sum();
    if lines.len() != total {
        run.fail(&[format!(
            "expected {total} kernel kill line(s) ({per_signal:?}), found {}",
            lines.len()
        )]);
    }
    for &(signal, n) in per_signal {
        let found = lines
            .iter()
            .filter(|l| expect::is_kill_line(l, &format!("{signal}:")))
            .count();
        if found != n {
            run.fail(&[format!(
                "expected {n} kernel line(s) killing with {signal}, found {found}"
            )]);
        }
    }
}

/// The case only expects errnos and normal exits: the kernel killed nobody.
#[track_caller]
fn expect_no_kills(run: &Run, case: &str) {
    expect_kills(run, case, &[]);
}

#[test]
fn raw_fuzz() {
    // Failing huge `brk` calls are slow in the kernel as it is (see `long_syscalls`).
    let run = hostile("raw_fuzz", Duration::from_secs(300));
    expect_no_kills(&run, "raw_fuzz");
    let batches = run.scan_lines(
        "raw_fuzz: batch {}: {} ok, {} errno, {} ENOSYS, {} forks, {} exits, {} execs, \
         {} break moves, {} mismatches",
    );
    if batches.len() != 20 || batches.iter().any(|b| b[8] != "0") {
        run.fail(&[format!(
            "expected 20 batch lines with 0 mismatches, found {batches:?}"
        )]);
    }
    run.expect_line("raw_fuzz: seed 0x");
}

/// `sysfuzz` (uapps/src/bin/sysfuzz/): 50 000 raw system calls in 4 concurrent processes over
/// the whole table, from a fixed seed (a failure repeats with `make fuzz FUZZ_SEED=0x5eed
/// FUZZ_CALLS=50000`; `make fuzz` is the million-call run). Every worker must end with no
/// mismatch, and free memory and the process count must be back exactly at their baseline.
#[test]
fn sysfuzz_short_run() {
    let run = Boot::new()
        .init(
            "/bin/sysfuzz",
            &["--seed", "0x5eed", "--calls", "50000", "--procs", "4"],
        )
        .timeout(Duration::from_secs(240))
        .run();
    run.expect_init_exit(0).expect_no_panic_word();
    run.expect_all_frames_returned();
    run.expect_line("sysfuzz: seed 0x5eed, 50000 calls in 4 processes");
    let workers = run.scan_lines(
        "sysfuzz: worker {}: {} calls in {} ms ({} ok, {} errno, {} ENOSYS), {} kids \
         ({} killed), {} signals handled, {} mismatches",
    );
    let complete = |w: &Vec<&str>| w[1] == "12500" && w[9] == "0" && w[3] != "0" && w[6] != "0";
    if workers.len() != 4 || !workers.iter().all(complete) {
        run.fail(&[format!(
            "expected 4 workers of 12500 calls (some succeeding, some forking) with 0 \
             mismatches, found {workers:?}"
        )]);
    }
    let accounting = run.scan_lines(
        "sysfuzz: free memory {} kB (baseline {} kB), {} processes (baseline {}); this process \
         {} kB (at the baseline {} kB)",
    );
    if accounting.len() != 1 || accounting[0][0] != accounting[0][1] || accounting[0][2] != "1" {
        run.fail(&[format!(
            "free memory and processes must be back at their baseline: {accounting:?}"
        )]);
    }
    run.expect_exact_line("sysfuzz: PASS");
    run.expect_no_line("FAIL");
}

#[test]
fn regs_preserved() {
    let run = hostile("regs_preserved", Duration::from_secs(60));
    expect_no_kills(&run, "regs_preserved");
    // The write made with the direction flag set came out forwards, once.
    run.expect_exact_line_count("regs_preserved: written with the direction flag set", 1);
}

#[test]
fn bad_exec() {
    let run = hostile("bad_exec", Duration::from_secs(60));
    expect_no_kills(&run, "bad_exec");
    // The valid execs after the bad ones really ran the program.
    run.expect_exact_line("hello: argv[1] = bad_exec-ok");
    run.expect_exact_line("hello: argc = 0");
    run.expect_exact_line("hello: argc = 32");
}

#[test]
fn exec_paths() {
    let run = hostile("exec_paths", Duration::from_secs(60));
    expect_no_kills(&run, "exec_paths");
}

#[test]
fn brk_abuse() {
    let run = hostile("brk_abuse", Duration::from_secs(120));
    // The one store above a shrunk break.
    expect_kills(&run, "brk_abuse", &[("SIGSEGV", 1)]);
}

#[test]
fn oom() {
    let run = hostile("oom", Duration::from_secs(120));
    // Stack growth and a copy-on-write store without memory.
    expect_kills(&run, "oom", &[("SIGKILL", 2)]);
    let oom_kills = kill_lines(&run, "oom")
        .iter()
        .filter(|l| l.contains("out of memory"))
        .count();
    if oom_kills != 2 {
        run.fail(&[format!(
            "expected 2 kills for lack of memory, found {oom_kills}"
        )]);
    }
}

#[test]
fn stack_growth() {
    let run = hostile("stack_growth", Duration::from_secs(60));
    expect_kills(&run, "stack_growth", &[("SIGSEGV", 1)]);
    // The runaway recursion died just below the 8 MiB stack region, not anywhere else.
    let line = kill_lines(&run, "stack_growth")[0];
    let address = line
        .rsplit("address ")
        .next()
        .and_then(|a| u32::from_str_radix(a.trim().trim_start_matches("0x"), 16).ok());
    match address {
        Some(a) if (0xBF7F_E000..0xBF80_0000).contains(&a) => {}
        _ => run.fail(&[format!(
            "the overflow should fault just below 0xbf800000: {line:?}"
        )]),
    }
}

#[test]
fn lazy_stack() {
    let run = hostile("lazy_stack", Duration::from_secs(60));
    expect_no_kills(&run, "lazy_stack");
}

#[test]
fn wait_edge() {
    let run = hostile("wait_edge", Duration::from_secs(60));
    expect_no_kills(&run, "wait_edge");
}

#[test]
fn write_edge() {
    let run = hostile("write_edge", Duration::from_secs(60));
    expect_no_kills(&run, "write_edge");
    // 100 KiB in partial writes: every line exactly once, in order, whole.
    let bulk: Vec<&str> = run
        .lines()
        .filter(|l| l.starts_with("write_edge: bulk "))
        .collect();
    if bulk.len() != 100 {
        run.fail(&[format!("expected 100 bulk lines, found {}", bulk.len())]);
    }
    for (n, line) in bulk.iter().enumerate() {
        let head = format!("write_edge: bulk {n:03} ");
        if !line.starts_with(&head)
            || line.len() != 1023
            || !line[head.len()..].bytes().all(|b| b == b'.')
        {
            run.fail(&[format!("bulk line {n} is damaged: {line:?}")]);
        }
    }
    // Written from the last bytes below 0xC0000000, twice (once with one more byte before).
    run.expect_exact_line_count("write_edge: from the top of the stack", 2);
    run.expect_no_line("write_edge: must not appear");
}

#[test]
fn clock_edge() {
    let run = hostile("clock_edge", Duration::from_secs(60));
    expect_no_kills(&run, "clock_edge");
}

/// How a child of `user_traps` must end.
enum End {
    Killed(&'static str),
    KilledEither(&'static str, &'static str),
    Exits(i32),
}

/// Every trap of `user_traps`, in its order.
const TRAPS: &[(&str, End)] = &[
    ("int_0x80", End::Killed("SIGSEGV")),
    ("int_0x20", End::Killed("SIGSEGV")),
    ("int_0x40_timer_vector", End::Killed("SIGSEGV")),
    ("int_0x0e_page_fault_vector", End::Killed("SIGSEGV")),
    ("int_0x08_double_fault_vector", End::Killed("SIGSEGV")),
    ("int_0x01", End::Killed("SIGSEGV")),
    ("int_0xff", End::Killed("SIGSEGV")),
    ("int_0x04_overflow_gate", End::Killed("SIGSEGV")),
    ("into_overflow", End::Killed("SIGSEGV")),
    ("bound_out_of_range", End::Killed("SIGSEGV")),
    ("hlt", End::Killed("SIGSEGV")),
    ("cli", End::Killed("SIGSEGV")),
    ("sti", End::Killed("SIGSEGV")),
    ("inb_keyboard", End::Killed("SIGSEGV")),
    ("outb_debug_exit", End::Killed("SIGSEGV")),
    ("inb_serial_dx", End::Killed("SIGSEGV")),
    ("outsb_serial", End::Killed("SIGSEGV")),
    ("mov_ds_kernel_data", End::Killed("SIGSEGV")),
    ("mov_ss_kernel_data", End::Killed("SIGSEGV")),
    ("mov_fs_tss", End::Killed("SIGSEGV")),
    ("mov_gs_past_gdt", End::Killed("SIGSEGV")),
    ("lgdt", End::Killed("SIGSEGV")),
    ("lidt", End::Killed("SIGSEGV")),
    ("lldt", End::Killed("SIGSEGV")),
    ("ltr", End::Killed("SIGSEGV")),
    ("ljmp_kernel_code", End::Killed("SIGSEGV")),
    ("lcall_kernel_code", End::Killed("SIGSEGV")),
    ("ljmp_tss", End::Killed("SIGSEGV")),
    ("lcall_tss_rpl3", End::Killed("SIGSEGV")),
    ("lret_to_ring0", End::Killed("SIGSEGV")),
    ("iret_to_ring0", End::Killed("SIGSEGV")),
    ("mov_cr0_write", End::Killed("SIGSEGV")),
    ("mov_cr3_read", End::Killed("SIGSEGV")),
    ("mov_dr7_write", End::Killed("SIGSEGV")),
    ("rdmsr", End::Killed("SIGSEGV")),
    ("wrmsr", End::Killed("SIGSEGV")),
    ("invlpg", End::Killed("SIGSEGV")),
    ("wbinvd", End::Killed("SIGSEGV")),
    ("clts", End::Killed("SIGSEGV")),
    ("lmsw", End::Killed("SIGSEGV")),
    ("sysenter", End::Killed("SIGSEGV")),
    ("sysexit", End::Killed("SIGSEGV")),
    ("rdpmc", End::Killed("SIGSEGV")),
    ("jump_into_the_kernel", End::Killed("SIGSEGV")),
    ("push_with_esp_0", End::Killed("SIGSEGV")),
    ("nt_flag_iret", End::Killed("SIGSEGV")),
    ("int_0x03_two_byte", End::Killed("SIGTRAP")),
    ("popf_trap_flag", End::Killed("SIGTRAP")),
    ("icebp", End::KilledEither("SIGTRAP", "SIGILL")),
    ("trap_flag_then_syscall", End::Killed("SIGTRAP")),
    ("mov_ss_trap_flag_syscall", End::Killed("SIGTRAP")),
    ("ud2", End::Killed("SIGILL")),
    ("lock_nop", End::Killed("SIGILL")),
    ("fninit", End::Killed("SIGILL")),
    ("fld1", End::Killed("SIGILL")),
    ("sse_xorps", End::Killed("SIGILL")),
    ("fault_with_esp_in_kernel", End::Killed("SIGILL")),
    ("idiv_overflow", End::Killed("SIGFPE")),
    ("aam_zero", End::Killed("SIGFPE")),
    ("fwait", End::Exits(0)),
    ("alignment_check_flag", End::Exits(0)),
    ("syscall_esp_kernel", End::Exits(0)),
    ("syscall_esp_null", End::Exits(0)),
    ("syscall_esp_stack_limit", End::Exits(0)),
    ("syscall_ds_user_code", End::Exits(0)),
    ("syscall_null_ds_es", End::Exits(0)),
    ("deep_syscall", End::Exits(0)),
];

#[test]
fn user_traps() {
    let run = hostile("user_traps", Duration::from_secs(60));
    let mut per_signal = [("SIGSEGV", 0), ("SIGILL", 0), ("SIGFPE", 0), ("SIGTRAP", 0)];
    let mut count = |sig: &str| {
        if let Some(entry) = per_signal.iter_mut().find(|(s, _)| *s == sig) {
            entry.1 += 1;
        }
    };
    for (name, end) in TRAPS {
        let prefix = format!("user_traps: {name} -> ");
        let line = run
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| run.fail(&[format!("no line starts with {prefix:?}")]));
        let got = &line[prefix.len()..];
        let ok = match end {
            End::Killed(sig) => got == format!("killed by {sig}"),
            End::KilledEither(a, b) => {
                got == format!("killed by {a}") || got == format!("killed by {b}")
            }
            End::Exits(code) => got == format!("exited with status {code}"),
        };
        if !ok {
            run.fail(&[format!("trap {name}: {got:?}")]);
        }
        if let Some(sig) = got.strip_prefix("killed by ") {
            count(sig);
        }
    }
    run.expect_exact_line(&format!(
        "user_traps: {} children, parent still alive",
        TRAPS.len()
    ));
    // The kernel reported each kill, with the same signal.
    expect_kills(&run, "user_traps", &per_signal);
    // In particular the write to QEMU's exit port and the task switch were refused as #GP/#TS.
    let kills = kill_lines(&run, "user_traps");
    if kills.iter().filter(|l| l.contains("(#TS)")).count() != 1 {
        run.fail(&["expected exactly one invalid-TSS kill (the NT-flag iret)".to_owned()]);
    }
}

#[test]
fn fork_storm() {
    let run = hostile("fork_storm", Duration::from_secs(120));
    expect_no_kills(&run, "fork_storm");
    let rounds =
        run.scan_lines("fork_storm: round {}: 6 forkers filled memory, then {} forks until {}");
    // No fixed table: memory (the kernel heap, full of zombies' records) is the limit, about
    // the same every round (the program checks that: within 1%).
    if rounds.len() != 3
        || rounds.iter().any(|r| r[2] != "ENOMEM")
        || rounds[0][1].parse::<u32>().map_or(true, |n| n < 1000)
    {
        run.fail(&[format!(
            "expected 3 rounds of over 1000 forks until ENOMEM, found {rounds:?}"
        )]);
    }
}

#[test]
fn long_syscalls() {
    let run = hostile("long_syscalls", Duration::from_secs(120));
    expect_no_kills(&run, "long_syscalls");
}

/// An NMI is the machine's (here: QEMU's `nmi` monitor command), never the running program's
/// fault: injected while `/bin/spin 2` burns the CPU in user mode, the kernel reports it and
/// the program runs on to its normal end (no kill line, exit status 0).
#[test]
fn nmi_while_a_program_runs_is_reported_and_survived() {
    let run = Boot::new()
        .init("/bin/spin", &["2"])
        .monitor_command_after("spinning for 2 s", "nmi")
        .run();
    run.expect_init_exit(0);
    if !run.monitor_log.starts_with("sent `nmi`") {
        run.fail(&["the NMI was not injected".to_owned()]);
    }
    let nmi_lines: Vec<&str> = run
        .lines()
        .filter(|l| l.starts_with("NMI: non-maskable interrupt at eip "))
        .collect();
    if nmi_lines.len() != 1 || !nmi_lines[0].ends_with("; continuing") {
        run.fail(&[format!(
            "expected one \"NMI: ... ; continuing\" report, found {nmi_lines:?}"
        )]);
    }
    run.expect_line("spin: done").expect_no_panic_word();
    if !kill_lines(&run, "spin").is_empty() {
        run.fail(&["the NMI killed a process".to_owned()]);
    }
    run.expect_all_frames_returned();
}

/// QEMU's CPU with the machine-check architecture (the default `qemu32` has only the #MC
/// exception, and QEMU injects machine checks only into CPUs with MCA).
const CPU_WITH_MCA: &str = "qemu32,+mca";

/// `mce <cpu> <bank> <status> <mcg_status> <addr> <misc>`: an uncorrected error (bank 0's
/// STATUS VAL | UC | EN) with `mcg_status`.
fn inject_machine_check(mcg_status: u64) -> String {
    format!("mce 0 0 0xb000000000000000 {mcg_status:#x} 0 0")
}

/// A machine check is the hardware's, not the running program's fault: injected while
/// `/bin/spin 2` runs in user mode, with MCG_STATUS saying the context can resume (RIPV |
/// MCIP), the kernel reports it with the bank's status and the program runs on to its end
/// (no kill, exit status 0). Before the kernel set CR4.MCE, QEMU turned this into a triple
/// fault; before the handler read MCG_STATUS, it was a kernel panic.
///
/// The check lands wherever the CPU is, 0.3 s into the spin: nearly always in the program,
/// rarely in the kernel's timer tick, which is a panic (the rule for the kernel, checked
/// then); so up to three boots, until one takes it in user mode.
#[test]
fn machine_check_while_a_program_runs_is_reported_and_survived() {
    for _ in 0..3 {
        let run = Boot::new()
            .cpu(CPU_WITH_MCA)
            .init("/bin/spin", &["2"])
            .monitor_after_pause(
                "spinning for 2 s",
                Duration::from_millis(300),
                &inject_machine_check(0x5),
            )
            .run();
        if !run.monitor_log.starts_with("sent `mce") || !run.monitor_log.ends_with("said: \"\"\n") {
            run.fail(&["the machine check was not injected".to_owned()]);
        }
        let lines: Vec<&str> = run.lines().collect();
        let reports: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].starts_with("MCE: machine check at eip "))
            .collect();
        if let [at] = reports[..] {
            if lines[at].ends_with("(pid 1, kernel mode), mcg_status=0x5") {
                run.expect_kernel_panic(&[
                    "machine check (#MC): hardware error; it interrupted the kernel",
                ]);
                continue;
            }
        }
        run.expect_init_exit(0);
        let report_ok = |&i: &usize| {
            lines[i].ends_with("(pid 1, user mode), mcg_status=0x5; continuing")
                && lines.get(i + 1) == Some(&"  bank 0: status=0xb000000000000000 addr=- misc=-")
                && lines[i + 1..].contains(&"spin: done")
        };
        if reports.len() != 1 || !reports.iter().all(report_ok) {
            run.fail(&[format!(
                "expected one \"MCE: ... (pid 1, user mode), mcg_status=0x5; continuing\" \
                 report, then bank 0's status, then \"spin: done\"; found reports at lines \
                 {reports:?}"
            )]);
        }
        run.expect_no_panic_word();
        if !kill_lines(&run, "spin").is_empty() {
            run.fail(&["the machine check killed a process".to_owned()]);
        }
        run.expect_all_frames_returned();
        return;
    }
    panic!("three boots in a row took the machine check in the kernel, never in the program");
}

/// A machine check the CPU says the interrupted context cannot resume from (MCG_STATUS.RIPV
/// clear) stops the machine with a report of why and of the bank, whoever was running.
#[test]
fn machine_check_that_cannot_resume_is_a_kernel_panic() {
    let run = Boot::new()
        .cpu(CPU_WITH_MCA)
        .init("/bin/spin", &["2"])
        .monitor_after_pause(
            "spinning for 2 s",
            Duration::from_millis(300),
            &inject_machine_check(0x4),
        )
        .timeout(Duration::from_secs(30))
        .run();
    run.expect_kernel_panic(&[
        "machine check (#MC): hardware error; the CPU cannot resume the interrupted context \
         (RIPV clear)",
    ]);
    run.expect_line("  bank 0: status=0xb000000000000000 addr=- misc=-");
    run.expect_no_line("spin: done");
}

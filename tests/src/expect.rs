//! Every console string the tests rely on, in one place.
//!
//! The kernel and the test programs print these; the tests only match lines against them.
//! When the kernel's wording changes, this is the one file to update.

/// Part of the kernel's boot banner.
pub const BANNER: &str = "Lunaix-rs";

/// Starts the memory report line; the same line names the `total` and the `free` memory.
pub const MEMORY: &str = "memory:";
/// Word in the memory line before (or after) the total amount.
pub const MEMORY_TOTAL: &str = "total";
/// Word in the memory line before (or after) the free amount.
pub const MEMORY_FREE: &str = "free";

/// The kernel's report at power-off when every frame that was free before pid 1 started is
/// free again; `{}` is the number of frames (a pattern for [`crate::scan`]).
pub const FRAMES_RETURNED: &str = "memory: all {} frames returned";
/// Starts the kernel's report at power-off when frames went missing.
pub const MEMORY_LEAK: &str = "memory: LEAK";

/// The kernel's line when pid 1 has exited, followed by the status.
pub const INIT_EXITED: &str = "init exited with status";

/// Starts the line on which the kernel echoes its command line.
pub const CMDLINE: &str = "cmdline:";

/// The kernel's complaint about an option it does not know; the same line names the option.
pub const UNKNOWN_OPTION: &str = "unknown option";

/// The kernel's own death. Any line containing it fails a run.
pub const KERNEL_PANIC: &str = "KERNEL PANIC";

/// Reserved for the kernel's own death: no line of a healthy run contains it (matched without
/// regard to case). In particular the line reporting a user fault must not.
pub const PANIC_WORD: &str = "panic";

/// A test program's success line is `PASS <scenario>`.
pub const PASS: &str = "PASS";
/// A test program's failure line starts with `FAIL` (`FAIL: <why>`).
pub const FAIL: &str = "FAIL";

/// Kernel self tests print `SELFTEST <name> PASS` or `SELFTEST <name> FAIL`, then
/// `SELFTEST done: <n> passed, <m> failed`.
pub const SELFTEST: &str = "SELFTEST";
/// Result word of a passing self test.
pub const SELFTEST_PASS: &str = "PASS";
/// Result word of a failing self test.
pub const SELFTEST_FAIL: &str = "FAIL";
/// Starts the self-test summary line (after [`SELFTEST`]).
pub const SELFTEST_DONE: &str = "SELFTEST done:";

/// Kernel option that runs the self tests.
pub const OPT_SELFTEST: &str = "selftest";
/// Kernel option that makes the kernel panic on purpose.
pub const OPT_CRASH_PANIC: &str = "crashtest=panic";
/// Kernel option that makes the kernel triple-fault on purpose.
pub const OPT_CRASH_TRIPLE: &str = "crashtest=triple";
/// Kernel option that adds a self test which always fails.
pub const OPT_CRASH_SELFTEST: &str = "crashtest=selftest";
/// Kernel option that makes the kernel hang on purpose.
pub const OPT_CRASH_HANG: &str = "crashtest=hang";

/// The line the kernel prints when it kills a process for a user fault contains this word
/// and the signal's name (for example `pid 7 killed by SIGSEGV: page fault at 0x00000000`).
pub const KILLED: &str = "killed";

/// The program that runs the acceptance scenarios, one per argument.
pub const PTEST: &str = "/bin/ptest";

/// A quick first program that exits 0, for tests about the kernel rather than a scenario.
pub const QUICK_INIT: &str = PTEST;
/// Arguments of [`QUICK_INIT`].
pub const QUICK_INIT_ARGS: &[&str] = &["first_program_ppid"];

/// Whether `line` is the kernel's report of a process killed by `signal` (a name such as
/// `"SIGSEGV"`).
pub fn is_kill_line(line: &str, signal: &str) -> bool {
    line.contains(KILLED) && line.contains(signal)
}

/// Whether `line` is the success line of `scenario`: `PASS <scenario>`, optionally followed by
/// more words.
pub fn is_pass_line(line: &str, scenario: &str) -> bool {
    let Some(rest) = line.trim().strip_prefix(PASS) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix(' ') else {
        return false;
    };
    match rest.strip_prefix(scenario) {
        Some(tail) => tail.is_empty() || tail.starts_with(char::is_whitespace),
        None => false,
    }
}

/// Whether `line` is a test program's failure line.
pub fn is_fail_line(line: &str) -> bool {
    line.trim_start().starts_with(FAIL)
}

/// Whether `line` mentions a panic in any letter case.
pub fn mentions_panic(line: &str) -> bool {
    line.to_ascii_lowercase().contains(PANIC_WORD)
}

/// A parsed self-test line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SelfTestLine<'a> {
    /// `SELFTEST <name> PASS`
    Pass(&'a str),
    /// `SELFTEST <name> FAIL ...`
    Fail(&'a str),
    /// `SELFTEST done: <passed> passed, <failed> failed`
    Done {
        /// Number of passed self tests.
        passed: u32,
        /// Number of failed self tests.
        failed: u32,
    },
}

/// Parses a self-test line (leading text such as a log prefix before `SELFTEST` is ignored).
pub fn parse_selftest(line: &str) -> Option<SelfTestLine<'_>> {
    let at = line.find(SELFTEST)?;
    let line = line[at..].trim_end();
    if let Some(summary) = line.strip_prefix(SELFTEST_DONE) {
        // "<n> passed, <m> failed"
        let mut words = summary.split(|c: char| c.is_whitespace() || c == ',');
        let mut words = words.by_ref().filter(|w| !w.is_empty());
        let passed = words.next()?.parse().ok()?;
        if words.next()? != "passed" {
            return None;
        }
        let failed = words.next()?.parse().ok()?;
        if words.next()? != "failed" {
            return None;
        }
        return Some(SelfTestLine::Done { passed, failed });
    }
    let mut words = line[SELFTEST.len()..].split_whitespace();
    let name = words.next()?;
    match words.next()?.trim_end_matches(':') {
        SELFTEST_PASS => Some(SelfTestLine::Pass(name)),
        SELFTEST_FAIL => Some(SelfTestLine::Fail(name)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_line_needs_the_exact_scenario() {
        assert!(is_pass_line("PASS fork_returns", "fork_returns"));
        assert!(is_pass_line("  PASS fork_returns  \r", "fork_returns"));
        assert!(is_pass_line("PASS fork_returns (31 pids)", "fork_returns"));
        assert!(!is_pass_line("PASS fork_returnsX", "fork_returns"));
        assert!(!is_pass_line("PASS fork", "fork_returns"));
        assert!(!is_pass_line("PASSfork_returns", "fork_returns"));
        assert!(!is_pass_line("FAIL: fork_returns", "fork_returns"));
        assert!(!is_pass_line("xPASS fork_returns", "fork_returns"));
    }

    #[test]
    fn fail_lines_and_panics() {
        assert!(is_fail_line("FAIL: wrong pid"));
        assert!(is_fail_line("  FAIL"));
        assert!(!is_fail_line("no FAIL here"));
        assert!(mentions_panic("KERNEL PANIC: oops"));
        assert!(mentions_panic("panicked at src/main.rs"));
        assert!(!mentions_panic("pid 4 killed by SIGSEGV"));
    }

    #[test]
    fn kill_lines() {
        assert!(is_kill_line(
            "[proc] pid 4 killed by SIGSEGV at 0x0",
            "SIGSEGV"
        ));
        assert!(!is_kill_line("[proc] pid 4 killed by SIGILL", "SIGSEGV"));
        assert!(!is_kill_line("SIGSEGV", "SIGSEGV"));
    }

    #[test]
    fn selftest_lines() {
        assert_eq!(
            parse_selftest("SELFTEST frame_alloc PASS"),
            Some(SelfTestLine::Pass("frame_alloc"))
        );
        assert_eq!(
            parse_selftest("[ 0.01] SELFTEST always_fails FAIL: by design"),
            Some(SelfTestLine::Fail("always_fails"))
        );
        assert_eq!(
            parse_selftest("SELFTEST done: 12 passed, 0 failed\r"),
            Some(SelfTestLine::Done {
                passed: 12,
                failed: 0
            })
        );
        assert_eq!(parse_selftest("SELFTEST done: many passed"), None);
        assert_eq!(parse_selftest("SELFTEST frame_alloc"), None);
        assert_eq!(parse_selftest("hello"), None);
    }
}

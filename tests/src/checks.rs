//! Line-level checks on a [`Run`] for tests that assert a program's exact output: whole
//! lines, lines in order, the kernel's report at power-off, a deliberate kernel panic, and
//! [`scan`] to pull the variable parts (pids, times) out of a line.

use crate::expect;
use crate::{Halt, Run};

/// Matches `line` against `pattern`, where each `{}` stands for a non-empty piece of text, and
/// returns those pieces; `None` if the line does not match as a whole.
///
/// A `{}` followed by literal text ends at the first occurrence of that text; a `{}` at the end
/// of the pattern takes the rest of the line.
///
/// ```
/// use integration_tests::scan;
///
/// assert_eq!(
///     scan("forktree: node 01 pid 7 ppid 4", "forktree: node {} pid {} ppid {}"),
///     Some(vec!["01", "7", "4"])
/// );
/// assert_eq!(scan("forktree: 15 processes", "forktree: node {} pid {} ppid {}"), None);
/// ```
pub fn scan<'a>(line: &'a str, pattern: &str) -> Option<Vec<&'a str>> {
    let mut pieces = pattern.split("{}");
    let first = pieces.next().unwrap_or_default();
    let mut rest = line.strip_prefix(first)?;
    let literals: Vec<&str> = pieces.collect();
    let mut holes = Vec::with_capacity(literals.len());
    for (i, literal) in literals.iter().enumerate() {
        let last = i + 1 == literals.len();
        let end = if last && literal.is_empty() {
            rest.len()
        } else if last {
            // The final literal must end the line.
            rest.len()
                .checked_sub(literal.len())
                .filter(|&at| rest.is_char_boundary(at) && rest[at..] == **literal)?
        } else if literal.is_empty() {
            // Two adjacent holes cannot be told apart.
            return None;
        } else {
            rest.find(literal)?
        };
        if end == 0 {
            return None;
        }
        holes.push(&rest[..end]);
        rest = &rest[end + literal.len()..];
    }
    if literals.is_empty() && !rest.is_empty() {
        return None;
    }
    Some(holes)
}

/// Parses a non-negative decimal number such as `1000.336` (as the sample programs print
/// milliseconds) into thousandths: `1000336`. At most three decimals.
pub fn parse_thousandths(s: &str) -> Option<u64> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || frac.len() > 3 {
        return None;
    }
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(frac) {
        return None;
    }
    let mut value: u64 = whole.parse().ok()?;
    for i in 0..3 {
        let digit = frac.as_bytes().get(i).map_or(0, |b| u64::from(b - b'0'));
        value = value.checked_mul(10)?.checked_add(digit)?;
    }
    Some(value)
}

impl Run {
    /// Fails if the serial output holds a kernel kill line (`... killed by SIG...`), leaving out
    /// the program's own lines, which start with one of `own` followed by `:` (a test program
    /// may print a line that looks like one while reporting what it checked).
    #[track_caller]
    pub fn expect_no_kill_lines(&self, own: &[&str]) {
        let is_own = |l: &str| own.iter().any(|name| l.starts_with(&format!("{name}:")));
        let kills: Vec<&str> = self
            .lines()
            .filter(|l| crate::expect::is_kill_line(l, "SIG") && !is_own(l))
            .collect();
        if !kills.is_empty() {
            self.fail(&[format!("expected no kernel kill line, found {kills:?}")]);
        }
    }

    /// The variable parts of every line that matches `pattern` (see [`scan`]), in order.
    pub fn scan_lines(&self, pattern: &str) -> Vec<Vec<&str>> {
        self.lines().filter_map(|l| scan(l, pattern)).collect()
    }

    /// The variable parts of the only line that matches `pattern` (see [`scan`]).
    ///
    /// Panics with the transcript unless exactly one line matches.
    #[track_caller]
    pub fn scan_one_line(&self, pattern: &str) -> Vec<&str> {
        let mut found = self.scan_lines(pattern);
        if found.len() != 1 {
            self.fail(&[format!(
                "expected exactly one line like {pattern:?}, found {}",
                found.len()
            )]);
        }
        found.remove(0)
    }

    /// Requires the lines of a program's `list` output: `cases`, in order, one per line,
    /// starting at the line that names the first one.
    #[track_caller]
    pub fn expect_case_listing(&self, program: &str, cases: &[&str]) -> &Self {
        let Some(first) = cases.first() else {
            self.fail(&["no cases to look for".to_owned()]);
        };
        let Some(start) = self.lines().position(|l| l == *first) else {
            self.fail(&[format!("no line {first:?}")]);
        };
        let listed: Vec<&str> = self.lines().skip(start).take(cases.len()).collect();
        if listed != cases {
            self.fail(&[format!(
                "{program} list printed {listed:?}, expected {cases:?}"
            )]);
        }
        self
    }

    /// Panics with the transcript unless some line is exactly `line`.
    #[track_caller]
    pub fn expect_exact_line(&self, line: &str) -> &Self {
        if !self.lines().any(|l| l == line) {
            self.fail(&[format!("no line is exactly {line:?}")]);
        }
        self
    }

    /// Panics with the transcript unless exactly `n` lines are exactly `line`.
    #[track_caller]
    pub fn expect_exact_line_count(&self, line: &str, n: usize) -> &Self {
        let found = self.lines().filter(|l| *l == line).count();
        if found != n {
            self.fail(&[format!(
                "expected {n} line(s) exactly {line:?}, found {found}"
            )]);
        }
        self
    }

    /// Panics with the transcript unless the transcript holds lines exactly equal to `lines`,
    /// in this order (other lines may come between them).
    #[track_caller]
    pub fn expect_lines_in_order(&self, lines: &[&str]) -> &Self {
        let mut transcript = self.lines();
        for (i, wanted) in lines.iter().enumerate() {
            if !transcript.any(|l| l == *wanted) {
                let problem = if self.lines().any(|l| l == *wanted) {
                    format!(
                        "the line {wanted:?} is not in the expected order (it should follow {:?})",
                        lines[..i].last().copied().unwrap_or_default()
                    )
                } else {
                    format!("no line is exactly {wanted:?}")
                };
                self.fail(&[problem]);
            }
        }
        self
    }

    /// Panics with the transcript unless pid 1 exited with `code` as QEMU's exit status tells
    /// (see [`Run::expect_init_exit`]) *and* the kernel printed `init exited with status
    /// <code>`: QEMU's status cannot tell codes of 95 and above apart, the kernel's line can.
    #[track_caller]
    pub fn expect_init_status(&self, code: i32) -> &Self {
        self.expect_init_exit(code);
        self.expect_exact_line_count(&format!("{} {code}", expect::INIT_EXITED), 1)
    }

    /// The `N` of the kernel's `memory: all N frames returned` line, which it prints at
    /// power-off when every frame free before pid 1 started is free again.
    ///
    /// Panics with the transcript unless there is exactly one such line, `N` is positive, and
    /// no line reports a leak.
    #[track_caller]
    pub fn expect_all_frames_returned(&self) -> u64 {
        if let Some(line) = self.find_line(expect::MEMORY_LEAK) {
            self.fail(&[format!("the kernel reports leaked frames: {line:?}")]);
        }
        let found: Vec<&str> = self
            .lines()
            .filter_map(|l| scan(l, expect::FRAMES_RETURNED))
            .map(|holes| holes[0])
            .collect();
        match found.as_slice() {
            [n] => match n.parse::<u64>() {
                Ok(n) if n > 0 => n,
                _ => self.fail(&[format!("bad frame count {n:?} in the memory line")]),
            },
            _ => self.fail(&[format!(
                "expected exactly one line {:?}, found {}",
                expect::FRAMES_RETURNED,
                found.len()
            )]),
        }
    }

    /// Panics with the transcript unless the kernel panicked the way it should when it cannot
    /// go on: QEMU did not time out, its exit status says "kernel panic", and the first line
    /// starting with `KERNEL PANIC:` contains every one of `needles`. Returns that line.
    #[track_caller]
    pub fn expect_kernel_panic(&self, needles: &[&str]) -> &str {
        if self.timed_out {
            self.fail(&[format!(
                "expected a kernel panic, but QEMU timed out after {} s",
                self.timeout.as_secs()
            )]);
        }
        if self.halt() != Some(Halt::KernelPanic) {
            self.fail(&[format!(
                "expected QEMU exit status {} (kernel panic), got {:?} ({:?})",
                abi::halt::qemu_exit_status(Halt::KernelPanic),
                self.status,
                self.halt()
            )]);
        }
        let prefix = format!("{}:", expect::KERNEL_PANIC);
        let Some(line) = self.lines().find(|l| l.starts_with(&prefix)) else {
            self.fail(&[format!("no line starts with {prefix:?}")]);
        };
        for needle in needles {
            if !line.contains(needle) {
                self.fail(&[format!(
                    "the panic line does not contain {needle:?}: {line:?}"
                )]);
            }
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn run_with(serial: &str, status: Option<i32>) -> Run {
        Run {
            serial: serial.to_owned(),
            stderr: String::new(),
            status,
            signal: None,
            timed_out: false,
            truncated: false,
            elapsed: Duration::from_millis(10),
            timeout: Duration::from_secs(60),
            cmdline: "init=/bin/x".to_owned(),
            command: "qemu".to_owned(),
            kernel: std::path::PathBuf::from("kernel.elf"),
            monitor_log: String::new(),
        }
    }

    fn exited(code: i32) -> Option<i32> {
        Some(abi::halt::qemu_exit_status(Halt::InitExited(code)))
    }

    fn rejects(f: impl FnOnce()) -> String {
        let msg = crate::failure_of(f).expect("the check should have failed");
        msg.lines().next().unwrap_or_default().to_owned()
    }

    #[test]
    fn scan_takes_the_holes() {
        let p = "sleep: child slept {} s, woke after {} ms";
        assert_eq!(
            scan("sleep: child slept 2 s, woke after 2000.988 ms", p),
            Some(vec!["2", "2000.988"])
        );
        assert_eq!(
            scan("sleep: child slept 2 s, woke after 2000.988 ms!", p),
            None
        );
        assert_eq!(
            scan("xsleep: child slept 2 s, woke after 2000.988 ms", p),
            None
        );
        assert_eq!(scan("sleep: child slept  s, woke after 1 ms", p), None);
        assert_eq!(scan("a b", "a {}"), Some(vec!["b"]));
        assert_eq!(scan("a ", "a {}"), None);
        assert_eq!(scan("exact", "exact"), Some(vec![]));
        assert_eq!(scan("exact!", "exact"), None);
        assert_eq!(scan("ab", "{}{}"), None);
        assert_eq!(
            scan(
                "parent of 2 got Ok(Exited(Pid(2), 7))",
                "parent of {} got Ok(Exited(Pid({}), 7))"
            ),
            Some(vec!["2", "2"])
        );
    }

    #[test]
    fn thousandths() {
        assert_eq!(parse_thousandths("1000.336"), Some(1_000_336));
        assert_eq!(parse_thousandths("3"), Some(3_000));
        assert_eq!(parse_thousandths("0.5"), Some(500));
        assert_eq!(parse_thousandths("1.2345"), None);
        assert_eq!(parse_thousandths("-1.000"), None);
        assert_eq!(parse_thousandths(".5"), None);
        assert_eq!(parse_thousandths("1e3"), None);
    }

    #[test]
    fn exact_lines_and_order() {
        let run = run_with("one\r\ntwo x\nthree\n", exited(0));
        run.expect_exact_line("two x")
            .expect_lines_in_order(&["one", "three"]);
        assert_eq!(
            rejects(|| {
                run.expect_exact_line("two");
            }),
            "no line is exactly \"two\""
        );
        assert!(rejects(|| {
            run.expect_lines_in_order(&["three", "one"]);
        })
        .contains("not in the expected order"));
        assert_eq!(
            rejects(|| {
                run.expect_exact_line_count("one", 2);
            }),
            "expected 2 line(s) exactly \"one\", found 1"
        );
    }

    #[test]
    fn init_status_needs_the_kernel_line() {
        let good = run_with("init exited with status 127\n", exited(127));
        good.expect_init_status(127);
        // QEMU reports 127 and 101 alike; the kernel's line tells them apart.
        let wrong = run_with("init exited with status 101\n", exited(101));
        assert!(rejects(|| {
            wrong.expect_init_status(127);
        })
        .contains("init exited with status 127"));
        let silent = run_with("", exited(0));
        assert!(crate::failure_of(|| {
            silent.expect_init_status(0);
        })
        .is_some());
    }

    #[test]
    fn frames_returned() {
        let good = run_with("memory: all 1117 frames returned\n", exited(0));
        assert_eq!(good.expect_all_frames_returned(), 1117);
        let leak = run_with(
            "memory: LEAK: 1117 frames free at start, 1116 at the end\n",
            exited(0),
        );
        assert!(rejects(|| {
            leak.expect_all_frames_returned();
        })
        .contains("leaked"));
        let missing = run_with("memory: 2 processes still running\n", exited(0));
        assert!(crate::failure_of(|| {
            missing.expect_all_frames_returned();
        })
        .is_some());
    }

    #[test]
    fn kernel_panic() {
        let panic_status = Some(abi::halt::qemu_exit_status(Halt::KernelPanic));
        let run = run_with(
            "\nKERNEL PANIC: cannot start init /bin/x: ENOENT\n",
            panic_status,
        );
        assert_eq!(
            run.expect_kernel_panic(&["cannot start init", "/bin/x"]),
            "KERNEL PANIC: cannot start init /bin/x: ENOENT"
        );
        assert!(crate::failure_of(|| {
            run.expect_kernel_panic(&["initrd"]);
        })
        .is_some());
        let exited_instead = run_with("KERNEL PANIC: x\n", exited(0));
        assert!(crate::failure_of(|| {
            exited_instead.expect_kernel_panic(&[]);
        })
        .is_some());
    }
}

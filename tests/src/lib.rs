//! Boots the kernel under QEMU, captures its serial console, and checks what it printed.
//!
//! The harness cannot hang: QEMU runs with `-no-reboot` and the `isa-debug-exit` device (so a
//! triple fault ends the run and the end of pid 1 is an exact exit code), and a host-side
//! timeout kills QEMU's whole process group. A timed-out run is a failure.
//!
//! ```no_run
//! use integration_tests::Boot;
//!
//! Boot::new()
//!     .init("/bin/ptest", &["fork_returns"])
//!     .run()
//!     .expect_pass("fork_returns");
//! ```
//!
//! Environment: `LUNAIX_BUILD_DIR` (where `kernel.elf` and `initrd.cpio` are; default
//! `<repo>/build`), `LUNAIX_QEMU` (the QEMU binary; default `qemu-system-i386`) and
//! `LUNAIX_KOPTS` (kernel options added to every boot, e.g. `loglevel=trace` to see every
//! system call of a failing test, or `crashtest=panic` to watch the suite catch a broken kernel).

mod checks;
pub mod expect;
pub mod host;
mod monitor;
mod process;

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use abi::halt::Halt;
pub use checks::{parse_thousandths, scan};

/// QEMU binary used unless `LUNAIX_QEMU` or [`Boot::qemu_binary`] says otherwise.
pub const DEFAULT_QEMU: &str = "qemu-system-i386";
/// Default host-side limit for one boot.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default guest memory.
pub const DEFAULT_MEMORY_MB: u32 = 256;

/// `scripts/qemu-flags`, the QEMU flags every boot shares with the Makefile and
/// `scripts/bench.sh`.
const QEMU_FLAGS_FILE: &str = include_str!("../../scripts/qemu-flags");

/// The QEMU flags every boot passes, from `scripts/qemu-flags` (comments dropped, one word per
/// element): everything but the memory size, `-kernel`, `-initrd` and `-append`.
pub fn qemu_flags() -> Vec<&'static str> {
    QEMU_FLAGS_FILE
        .lines()
        .flat_map(|line| line.split('#').next().unwrap_or("").split_whitespace())
        .collect()
}

/// The repository's root directory (the parent of this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the repository")
        .to_path_buf()
}

/// Kernel options from `$LUNAIX_KOPTS`, added to every boot.
fn extra_options_from_env() -> Vec<String> {
    std::env::var("LUNAIX_KOPTS")
        .map(|v| v.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Where the build puts `kernel.elf` and `initrd.cpio`: `$LUNAIX_BUILD_DIR` (a relative value
/// is taken from the repository root) or `<repo>/build`.
pub fn build_dir() -> PathBuf {
    match std::env::var_os("LUNAIX_BUILD_DIR") {
        Some(dir) if !dir.is_empty() => repo_root().join(dir),
        _ => repo_root().join("build"),
    }
}

/// One QEMU boot, configured step by step and started with [`Boot::run`].
#[derive(Debug, Clone)]
pub struct Boot {
    qemu: Option<PathBuf>,
    kernel: PathBuf,
    initrd: Option<PathBuf>,
    raw_cmdline: Option<String>,
    init: Option<(String, Vec<String>)>,
    options: Vec<String>,
    memory_mb: u32,
    timeout: Duration,
    monitor_command: Option<MonitorCommand>,
    typing: Vec<process::TypeStep>,
    cpu: Option<String>,
}

/// A QEMU monitor command sent once the serial output contains a line (see
/// [`Boot::monitor_command_after`]).
#[derive(Debug, Clone)]
struct MonitorCommand {
    after: String,
    pause: Duration,
    command: String,
}

impl Default for Boot {
    fn default() -> Self {
        Self::new()
    }
}

impl Boot {
    /// `build_dir()/kernel.elf` with `build_dir()/initrd.cpio`, 256 MiB, a 60 s timeout and an
    /// empty command line.
    pub fn new() -> Self {
        let dir = build_dir();
        Boot {
            qemu: None,
            kernel: dir.join("kernel.elf"),
            initrd: Some(dir.join("initrd.cpio")),
            raw_cmdline: None,
            init: None,
            options: extra_options_from_env(),
            memory_mb: DEFAULT_MEMORY_MB,
            timeout: DEFAULT_TIMEOUT,
            monitor_command: None,
            typing: Vec::new(),
            cpu: None,
        }
    }

    /// The QEMU binary to run (takes precedence over `LUNAIX_QEMU`).
    pub fn qemu_binary(mut self, p: impl Into<PathBuf>) -> Self {
        self.qemu = Some(p.into());
        self
    }

    /// The kernel image (a Multiboot ELF).
    pub fn kernel(mut self, p: impl Into<PathBuf>) -> Self {
        self.kernel = p.into();
        self
    }

    /// The initrd passed with `-initrd`.
    pub fn initrd(mut self, p: impl Into<PathBuf>) -> Self {
        self.initrd = Some(p.into());
        self
    }

    /// Boot without an initrd.
    pub fn no_initrd(mut self) -> Self {
        self.initrd = None;
        self
    }

    /// The raw `-append` string; replaces what [`Boot::init`] set. Options added with
    /// [`Boot::option`] are still added (before a `--`, if the string has one).
    pub fn cmdline(mut self, s: &str) -> Self {
        self.raw_cmdline = Some(s.to_owned());
        self.init = None;
        self
    }

    /// Runs `path` as the first program with `args`: the command line becomes
    /// `init=<path> loglevel=info <options...> -- <args...>` (the `--` only when there are
    /// arguments; `loglevel=info` only when no option sets `loglevel`). Replaces a raw
    /// [`Boot::cmdline`].
    ///
    /// # Panics
    /// If the path or an argument is empty or contains whitespace (the kernel splits its
    /// command line at whitespace).
    pub fn init(mut self, path: &str, args: &[&str]) -> Self {
        for word in std::iter::once(&path).chain(args) {
            assert!(
                !word.is_empty() && !word.contains(char::is_whitespace),
                "init path and arguments must be non-empty and free of whitespace: {word:?}"
            );
        }
        self.init = Some((
            path.to_owned(),
            args.iter().map(|&a| a.to_owned()).collect(),
        ));
        self.raw_cmdline = None;
        self
    }

    /// An extra kernel option such as `loglevel=debug` or `selftest`.
    ///
    /// # Panics
    /// If the option is empty or contains whitespace.
    pub fn option(mut self, kv: &str) -> Self {
        assert!(
            !kv.is_empty() && !kv.contains(char::is_whitespace),
            "a kernel option must be one non-empty word: {kv:?}"
        );
        self.options.push(kv.to_owned());
        self
    }

    /// Guest memory in MiB.
    pub fn memory_mb(mut self, mb: u32) -> Self {
        self.memory_mb = mb;
        self
    }

    /// Host-side time limit; past it QEMU is killed and the run counts as timed out.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// The kernel command line this boot will pass with `-append`.
    pub fn cmdline_string(&self) -> String {
        let mut words: Vec<String> = Vec::new();
        let mut tail: Vec<String> = Vec::new();
        if let Some(raw) = &self.raw_cmdline {
            if self.options.is_empty() {
                return raw.clone();
            }
            let all: Vec<&str> = raw.split_whitespace().collect();
            let split = all.iter().position(|&w| w == "--").unwrap_or(all.len());
            words.extend(all[..split].iter().map(|w| w.to_string()));
            tail.extend(all[split..].iter().map(|w| w.to_string()));
        } else if let Some((path, args)) = &self.init {
            words.push(format!("init={path}"));
            let sets_loglevel = self
                .options
                .iter()
                .any(|o| o.split('=').next() == Some("loglevel"));
            if !sets_loglevel {
                words.push("loglevel=info".to_owned());
            }
            if !args.is_empty() {
                tail.push("--".to_owned());
                tail.extend(args.iter().cloned());
            }
        }
        words.extend(self.options.iter().cloned());
        words.extend(tail);
        words.join(" ")
    }

    fn qemu_path(&self) -> PathBuf {
        if let Some(q) = &self.qemu {
            return q.clone();
        }
        match std::env::var_os("LUNAIX_QEMU") {
            Some(q) if !q.is_empty() => PathBuf::from(q),
            _ => PathBuf::from(DEFAULT_QEMU),
        }
    }

    /// Boots on CPU model `model` (QEMU's `-cpu`) instead of QEMU's default (`qemu32`), for
    /// a test that needs a feature the default lacks: `qemu32,+mca` has the machine-check
    /// architecture, without which QEMU cannot inject a machine check.
    pub fn cpu(mut self, model: &str) -> Self {
        self.cpu = Some(model.to_owned());
        self
    }

    /// Sends `command` (for example `nmi`) to QEMU's human monitor as soon as the serial output
    /// contains `after`, once. The monitor listens on a Unix socket in a scratch directory for
    /// this boot only (instead of `-monitor none`); whether the command was sent is in
    /// [`Run::monitor_log`].
    pub fn monitor_command_after(self, after: &str, command: &str) -> Self {
        self.monitor_after_pause(after, Duration::ZERO, command)
    }

    /// [`Boot::monitor_command_after`], waiting `pause` after `after` shows before sending: for
    /// an event meant to land while a program runs on, not while the kernel is still returning
    /// from the `write` that printed the line.
    pub fn monitor_after_pause(mut self, after: &str, pause: Duration, command: &str) -> Self {
        self.monitor_command = Some(MonitorCommand {
            after: after.to_owned(),
            pause,
            command: command.to_owned(),
        });
        self
    }

    /// Types `bytes` at the guest's serial console once its output (past the previous typing
    /// step's match) contains `after`; steps run in the order given. Booting with any step
    /// turns console input on (`console=input`). Control keys are bytes: `"\x03"` is ^C,
    /// `"\x1a"` ^Z, `"\x04"` ^D; Enter is `"\r"`, as a terminal sends it.
    pub fn type_after(self, after: &str, bytes: &str) -> Self {
        self.type_after_pause(after, Duration::ZERO, bytes)
    }

    /// [`Boot::type_after`], waiting `pause` after `after` shows before typing: for a key
    /// meant for a program the shell has just started (^C, ^Z), which needs a moment to run.
    pub fn type_after_pause(mut self, after: &str, pause: Duration, bytes: &str) -> Self {
        if self.typing.is_empty() {
            self = self.option("console=input");
        }
        self.typing.push(process::TypeStep {
            after: after.to_owned(),
            bytes: bytes.as_bytes().to_vec(),
            pause,
        });
        self
    }

    /// The full QEMU argument list (without the binary): [`qemu_flags`], then the CPU model if
    /// one was chosen, the memory size,
    /// the kernel, the initrd and the command line.
    pub fn qemu_args(&self) -> Vec<String> {
        let mut args: Vec<String> = qemu_flags().iter().map(|s| s.to_string()).collect();
        if let Some(model) = &self.cpu {
            args.push("-cpu".into());
            args.push(model.clone());
        }
        args.push("-m".into());
        args.push(format!("{}M", self.memory_mb));
        args.push("-kernel".into());
        args.push(self.kernel.display().to_string());
        if let Some(initrd) = &self.initrd {
            args.push("-initrd".into());
            args.push(initrd.display().to_string());
        }
        args.push("-append".into());
        args.push(self.cmdline_string());
        args
    }

    /// Boots and waits for QEMU to end or for the timeout to pass.
    ///
    /// # Panics
    /// If the kernel image, the initrd or the QEMU binary is missing (with a hint to run
    /// `make` first), or if QEMU cannot be started.
    pub fn run(self) -> Run {
        assert!(
            self.kernel.is_file(),
            "kernel image {} not found: run `make` first",
            self.kernel.display()
        );
        if let Some(initrd) = &self.initrd {
            assert!(
                initrd.is_file(),
                "initrd {} not found: run `make` first",
                initrd.display()
            );
        }
        let qemu = self.qemu_path();
        let mut args = self.qemu_args();
        // Lives until QEMU has ended: the monitor's socket is inside.
        let mut monitor_dir = None;
        let mut watcher = None;
        let monitor_log = Arc::new(Mutex::new(String::new()));
        if let Some(mc) = &self.monitor_command {
            let dir = host::ScratchDir::new("monitor");
            let socket = dir.join("monitor.sock");
            let at = args
                .iter()
                .position(|a| a == "-monitor")
                .expect("scripts/qemu-flags has -monitor");
            args[at + 1] = format!("unix:{},server=on,wait=off", socket.display());
            watcher = Some(monitor::send_after(
                mc.after.clone(),
                mc.pause,
                mc.command.clone(),
                socket,
                Arc::clone(&monitor_log),
            ));
            monitor_dir = Some(dir);
        }
        let mut cmd = Command::new(&qemu);
        cmd.args(&args);
        let command = std::iter::once(qemu.display().to_string())
            .chain(args.iter().map(|a| shell_quote(a)))
            .collect::<Vec<_>>()
            .join(" ");
        let out = match process::run_typing(cmd, self.timeout, watcher, self.typing.clone()) {
            Ok(out) => out,
            Err(e) if e.kind() == io::ErrorKind::NotFound => panic!(
                "QEMU binary `{}` not found: install qemu-system-x86 (or set LUNAIX_QEMU), \
                 and run `make` first",
                qemu.display()
            ),
            Err(e) => panic!("cannot run `{command}`: {e}"),
        };
        drop(monitor_dir);
        let monitor_log =
            std::mem::take(&mut *monitor_log.lock().unwrap_or_else(|e| e.into_inner()));
        Run {
            serial: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            status: out.status,
            signal: out.signal,
            timed_out: out.timed_out,
            truncated: out.truncated,
            elapsed: out.elapsed,
            timeout: self.timeout,
            cmdline: self.cmdline_string(),
            command,
            kernel: self.kernel.clone(),
            monitor_log,
        }
    }
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_=.,/:+@".contains(&b))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Runs `f` and returns the message it panicked with, or `None` if it returned normally.
///
/// For tests that prove a check rejects a bad run: `failure_of(|| { run.expect_init_exit(0); })`.
pub fn failure_of(f: impl FnOnce()) -> Option<String> {
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).err()?;
    Some(
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "(panic payload is not a string)".to_owned()),
    )
}

/// Formats a duration for a failure message: `60 s`, `2.5 s`.
fn secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// The lines of a serial transcript without terminators (`\n`, `\r\n`, or the `\r`s a
/// serial console adds); see [`Run::lines`].
///
/// A named type rather than `impl Iterator`, so a borrow of the run ends with the statement
/// that uses it.
#[derive(Debug, Clone)]
pub struct SerialLines<'a>(std::str::Lines<'a>);

impl<'a> Iterator for SerialLines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        self.0.next().map(|l| l.trim_end_matches('\r'))
    }
}

impl DoubleEndedIterator for SerialLines<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|l| l.trim_end_matches('\r'))
    }
}

/// The result of one boot.
#[derive(Debug, Clone)]
pub struct Run {
    /// Everything the guest wrote to its serial port.
    pub serial: String,
    /// What QEMU itself wrote to stderr.
    pub stderr: String,
    /// QEMU's exit status; `None` if it was killed (by the timeout or a signal).
    pub status: Option<i32>,
    /// The signal that ended QEMU, if one did (other than the harness's timeout kill).
    pub signal: Option<i32>,
    /// Whether the host-side timeout killed QEMU.
    pub timed_out: bool,
    /// Whether output was dropped because the guest printed too much.
    pub truncated: bool,
    /// Host wall-clock time of the boot.
    pub elapsed: Duration,
    /// The time limit the boot ran under.
    pub timeout: Duration,
    /// The kernel command line that was passed.
    pub cmdline: String,
    /// The QEMU command, ready to paste into a shell.
    pub command: String,
    /// The kernel image that was booted (to name backtrace addresses).
    pub kernel: PathBuf,
    /// What happened to a [`Boot::monitor_command_after`] command (empty without one).
    pub monitor_log: String,
}

impl Run {
    /// The serial transcript line by line, without line terminators.
    pub fn lines(&self) -> SerialLines<'_> {
        SerialLines(self.serial.lines())
    }

    /// How the run ended, decoded from QEMU's exit status.
    pub fn halt(&self) -> Option<Halt> {
        self.status.and_then(abi::halt::decode_qemu_status)
    }

    /// Number of lines containing `needle`.
    pub fn count_lines(&self, needle: &str) -> usize {
        self.lines().filter(|l| l.contains(needle)).count()
    }

    /// The first line containing `needle`.
    pub fn find_line(&self, needle: &str) -> Option<&str> {
        self.lines().find(|l| l.contains(needle))
    }

    /// Why this run is not "pid 1 exited with `code`"; empty if it is.
    pub fn init_exit_problems(&self, code: i32) -> Vec<String> {
        let mut problems = Vec::new();
        let halt = self.halt();
        if self.timed_out {
            problems.push(format!("QEMU timed out after {}", secs(self.timeout)));
        }
        if halt == Some(Halt::KernelPanic) || self.find_line(expect::KERNEL_PANIC).is_some() {
            problems.push("kernel panicked".to_owned());
        }
        if self.timed_out || halt == Some(Halt::KernelPanic) {
            return problems;
        }
        match (self.status, halt) {
            (None, _) => problems.push(match self.signal {
                Some(sig) => format!("QEMU was killed by signal {sig}"),
                None => "QEMU ended without an exit status".to_owned(),
            }),
            (Some(0), _) => problems.push("triple fault or reset (QEMU exit status 0)".to_owned()),
            // Codes above MAX_REPORTED_EXIT_CODE all report as that code.
            (Some(_), Some(reported @ Halt::InitExited(c))) => {
                let expected = abi::halt::qemu_exit_status(Halt::InitExited(code));
                if abi::halt::decode_qemu_status(expected) != Some(reported) {
                    let note = if c == abi::halt::MAX_REPORTED_EXIT_CODE {
                        format!(" (codes of {c} and above all report as {c})")
                    } else {
                        String::new()
                    };
                    problems.push(format!("init exited with {c}, expected {code}{note}"));
                }
            }
            (Some(_), Some(Halt::InitKilled(sig))) => problems.push(format!(
                "init was killed by signal {sig}, expected it to exit with {code}"
            )),
            (Some(_), Some(Halt::KernelPanic)) => {}
            (Some(s), None) => problems.push(format!(
                "QEMU exit status {s} does not report the end of pid 1 (expected init to exit with {code})"
            )),
        }
        problems
    }

    /// Panics with the transcript unless QEMU did not time out, its status decodes to
    /// `InitExited(code)`, and no line reports a kernel panic.
    #[track_caller]
    pub fn expect_init_exit(&self, code: i32) -> &Self {
        let problems = self.init_exit_problems(code);
        if !problems.is_empty() {
            self.fail(&problems);
        }
        self
    }

    /// Panics with the transcript unless some line contains `needle`.
    #[track_caller]
    pub fn expect_line(&self, needle: &str) -> &Self {
        if self.find_line(needle).is_none() {
            self.fail(&[format!("no line contains {needle:?}")]);
        }
        self
    }

    /// Panics with the transcript if some line contains `needle`.
    #[track_caller]
    pub fn expect_no_line(&self, needle: &str) -> &Self {
        if let Some(line) = self.find_line(needle) {
            self.fail(&[format!("a line contains {needle:?}: {line:?}")]);
        }
        self
    }

    /// Why this run is not a pass of `scenario`; empty if it is.
    pub fn pass_problems(&self, scenario: &str) -> Vec<String> {
        let mut problems: Vec<String> = self
            .lines()
            .filter(|l| expect::is_fail_line(l))
            .map(|l| format!("{scenario} failed: {}", l.trim()))
            .collect();
        problems.extend(self.init_exit_problems(0));
        if !self.lines().any(|l| expect::is_pass_line(l, scenario)) {
            problems.push(format!("no \"{} {scenario}\" line", expect::PASS));
        }
        problems
    }

    /// Panics with the transcript unless a `PASS <scenario>` line is present, no line starts
    /// with `FAIL`, and pid 1 exited with 0.
    #[track_caller]
    pub fn expect_pass(&self, scenario: &str) -> &Self {
        let problems = self.pass_problems(scenario);
        if !problems.is_empty() {
            self.fail(&problems);
        }
        self
    }

    /// Panics with the transcript unless no line mentions a panic (in any letter case).
    #[track_caller]
    pub fn expect_no_panic_word(&self) -> &Self {
        if let Some(line) = self.lines().find(|l| expect::mentions_panic(l)) {
            self.fail(&[format!(
                "a line mentions \"{}\": {line:?}",
                expect::PANIC_WORD
            )]);
        }
        self
    }

    /// Panics with `problems` (the first on the first line) followed by the transcript.
    #[track_caller]
    pub fn fail(&self, problems: &[String]) -> ! {
        let mut msg = problems
            .first()
            .cloned()
            .unwrap_or_else(|| "run rejected".to_owned());
        for p in problems.iter().skip(1) {
            let _ = write!(msg, "\n  also: {p}");
        }
        msg.push('\n');
        msg.push_str(&self.transcript());
        panic!("{msg}");
    }

    /// The kernel's panic backtrace (`    0xc0123456` lines after `backtrace:`) turned into
    /// function names and source lines with `addr2line`, when there is one and the tool exists.
    fn backtrace_names(&self) -> Option<String> {
        let addresses: Vec<&str> = self
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("backtrace:"))
            .skip(1)
            .map(str::trim)
            .take_while(|l| l.starts_with("0x"))
            .collect();
        if addresses.is_empty() {
            return None;
        }
        let out = std::process::Command::new("addr2line")
            .args(["-f", "-C", "-i", "-p", "-e"])
            .arg(&self.kernel)
            .args(&addresses)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The command, how QEMU ended, the serial transcript and QEMU's stderr, for failure
    /// messages.
    pub fn transcript(&self) -> String {
        let ending = match (self.timed_out, self.status, self.signal) {
            (true, _, _) => format!("killed after the {} timeout", secs(self.timeout)),
            (false, Some(s), _) => match self.halt() {
                Some(h) => format!("exit status {s} = {h:?}"),
                None => format!("exit status {s}"),
            },
            (false, None, Some(sig)) => format!("killed by signal {sig}"),
            (false, None, None) => "no exit status".to_owned(),
        };
        let mut t = String::new();
        let _ = writeln!(t, "--- QEMU: {}", self.command);
        let _ = writeln!(t, "--- {ending}, after {:.2} s", self.elapsed.as_secs_f64());
        let _ = writeln!(t, "--- serial ({} lines) ---", self.lines().count());
        for line in self.lines() {
            t.push_str(line);
            t.push('\n');
        }
        if self.truncated {
            t.push_str("--- (output truncated) ---\n");
        }
        t.push_str("--- end of serial ---\n");
        if let Some(names) = self.backtrace_names() {
            t.push_str("--- kernel backtrace (addr2line) ---\n");
            t.push_str(&names);
        }
        if !self.monitor_log.is_empty() {
            t.push_str("--- QEMU monitor ---\n");
            t.push_str(self.monitor_log.trim_end());
            t.push('\n');
        }
        if !self.stderr.trim().is_empty() {
            t.push_str("--- QEMU stderr ---\n");
            t.push_str(self.stderr.trim_end());
            t.push('\n');
        }
        t
    }
}

#[cfg(test)]
mod tests;

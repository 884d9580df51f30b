//! Host-side helpers for tests that build or pack programs themselves: private scratch
//! directories, host commands with a deadline, and the lock that serialises every use of
//! `sysroot/` (which `ulib/c/test/host-test.sh` deletes and rebuilds in place).

use std::ffi::OsStr;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use crate::process;

/// A fresh, empty directory under the system's temporary directory, removed (with its
/// contents) when dropped, also when the test fails.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// `<tmp>/lunaix-<tag>-<pid>-<n>`, created empty.
    ///
    /// # Panics
    /// If the directory cannot be created.
    pub fn new(tag: &str) -> ScratchDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "lunaix-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        ScratchDir { path }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A path inside the directory.
    pub fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.path.join(p)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Variables that `cargo test` (and rustup) put into a test's environment, or that would
/// redirect a nested build; a command from [`clean_command`] runs without them, as if typed
/// into a fresh shell.
const BUILD_VARIABLES: &[&str] = &[
    "CARGO",
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "RUSTC",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "RUSTUP_TOOLCHAIN",
    "OUT_DIR",
];

/// Prefixes of further variables `cargo test` sets.
const BUILD_VARIABLE_PREFIXES: &[&str] = &["CARGO_PKG_", "CARGO_BIN_EXE_", "CARGO_CFG_"];

/// `program` with stdin from /dev/null and without the build variables of the test's own
/// `cargo test` run, so nested `cargo`/`make` invocations behave as they do for a user.
pub fn clean_command(program: impl AsRef<OsStr>) -> Command {
    let mut cmd = Command::new(program);
    for (key, _) in std::env::vars_os() {
        let Some(name) = key.to_str() else { continue };
        if BUILD_VARIABLES.contains(&name)
            || BUILD_VARIABLE_PREFIXES.iter().any(|p| name.starts_with(p))
        {
            cmd.env_remove(&key);
        }
    }
    cmd
}

/// What a host command did.
#[derive(Debug)]
pub struct CommandOutput {
    /// What was run, for messages.
    pub what: String,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
    /// The exit code; `None` if it was killed.
    pub status: Option<i32>,
    /// Whether the deadline passed and the command was killed.
    pub timed_out: bool,
}

impl CommandOutput {
    /// Whether the command exited with status 0 in time.
    pub fn succeeded(&self) -> bool {
        !self.timed_out && self.status == Some(0)
    }

    /// Panics with the command's output unless it succeeded.
    #[track_caller]
    pub fn expect_success(&self) -> &Self {
        if !self.succeeded() {
            self.fail("failed");
        }
        self
    }

    /// Panics with `problem`, how the command ended and its output.
    #[track_caller]
    pub fn fail(&self, problem: &str) -> ! {
        let ending = if self.timed_out {
            "killed at the deadline".to_owned()
        } else {
            match self.status {
                Some(s) => format!("exit status {s}"),
                None => "killed by a signal".to_owned(),
            }
        };
        panic!(
            "{}: {problem} ({ending})\n--- stdout ---\n{}\n--- stderr ---\n{}\n--- end ---",
            self.what,
            self.stdout.trim_end(),
            self.stderr.trim_end()
        );
    }
}

/// Runs `cmd` (described as `what` in messages) with both streams captured; past `timeout`
/// its whole process group is killed.
///
/// # Panics
/// If the command cannot be started.
pub fn run_command(cmd: Command, what: &str, timeout: Duration) -> CommandOutput {
    let out = process::run(cmd, timeout).unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    CommandOutput {
        what: what.to_owned(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status,
        timed_out: out.timed_out,
    }
}

/// Runs `script` with `bash -e` in `dir` through [`clean_command`].
pub fn run_bash(script: &str, dir: &Path, what: &str, timeout: Duration) -> CommandOutput {
    let mut cmd = clean_command("bash");
    cmd.arg("-e").arg("-c").arg(script).current_dir(dir);
    run_command(cmd, what, timeout)
}

/// Exclusive use of `sysroot/`, held until dropped: in this process through a mutex, across
/// processes (another test binary, another `cargo test`) through a lock on a file next to the
/// system's temporary files.
#[derive(Debug)]
pub struct SysrootLock {
    _file: File,
    _guard: MutexGuard<'static, ()>,
}

/// Waits for exclusive use of `sysroot/`. Every test that reads or rebuilds the sysroot takes
/// this first.
///
/// # Panics
/// If the lock file cannot be opened or locked.
pub fn lock_sysroot() -> SysrootLock {
    static IN_PROCESS: Mutex<()> = Mutex::new(());
    // A test that failed while holding the lock leaves it poisoned; the sysroot is still usable.
    let guard = IN_PROCESS.lock().unwrap_or_else(|e| e.into_inner());
    let repo: String = crate::repo_root()
        .display()
        .to_string()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let path = std::env::temp_dir().join(format!("lunaix-sysroot-{repo}.lock"));
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("cannot open the sysroot lock {}: {e}", path.display()));
    file.lock()
        .unwrap_or_else(|e| panic!("cannot lock {}: {e}", path.display()));
    SysrootLock {
        _file: file,
        _guard: guard,
    }
}

//! Running a child process with a hard deadline, capturing its output.
//!
//! The child gets its own process group, so that on timeout the whole group (QEMU, or a fake
//! QEMU script together with anything it started) is killed at once. Output is drained on
//! threads; the caller never blocks on a pipe for longer than a bounded grace period, even if
//! some stray process still holds the pipe open.

use std::io::{self, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// At most this many bytes of each stream are kept; a runaway guest that floods the console
/// cannot exhaust the host's memory.
pub const CAPTURE_LIMIT: usize = 16 << 20;

/// How often the child is polled while it runs.
const POLL_INTERVAL: Duration = Duration::from_millis(10);

/// How long the output threads may take to reach end-of-file once the child has ended.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// What became of a child run by [`run`].
#[derive(Debug)]
pub struct Outcome {
    /// Everything read from the child's stdout (at most [`CAPTURE_LIMIT`] bytes).
    pub stdout: Vec<u8>,
    /// Everything read from the child's stderr (at most [`CAPTURE_LIMIT`] bytes).
    pub stderr: Vec<u8>,
    /// Whether some output was dropped because of [`CAPTURE_LIMIT`].
    pub truncated: bool,
    /// The exit code; `None` if the child was killed (by the timeout or by a signal).
    pub status: Option<i32>,
    /// The signal that ended the child, if one did.
    pub signal: Option<i32>,
    /// Whether the deadline passed and the child was killed.
    pub timed_out: bool,
    /// Wall-clock time from spawn to the end of the child.
    pub elapsed: Duration,
}

/// A captured stream, shared between its reader thread and the caller.
#[derive(Default)]
struct Capture {
    bytes: Vec<u8>,
    truncated: bool,
}

/// Kills the child's process group if the caller unwinds before the child was reaped.
struct Reaper {
    child: Child,
    reaped: bool,
}

impl Reaper {
    /// Sends SIGKILL to the child's whole process group. Must only be called while the child
    /// is not yet reaped, so that its pid (= the group id) cannot have been reused.
    fn kill_group(&mut self) {
        debug_assert!(!self.reaped);
        let Ok(pgid) = i32::try_from(self.child.id()) else {
            return;
        };
        // SAFETY: kill(2) takes no pointers; a negative pid addresses the process group whose
        // leader is our unreaped child, so the signal cannot reach an unrelated process.
        let rc = unsafe { kill(-pgid, SIGKILL) };
        if rc != 0 {
            // The group may already be gone; killing the leader directly is then harmless.
            let _ = self.child.kill();
        }
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        if !self.reaped {
            self.kill_group();
            let _ = self.child.wait();
        }
    }
}

const SIGKILL: i32 = 9;

extern "C" {
    /// POSIX kill(2), from the C library the standard library already links.
    fn kill(pid: i32, sig: i32) -> i32;
}

/// Called on the stdout reader's thread with everything captured so far, after each chunk: a
/// test reacts to the guest's output while it runs (for example by sending a QEMU monitor
/// command once a line appears). It must return promptly: stdout is not read meanwhile.
pub type StdoutWatcher = Box<dyn FnMut(&[u8]) + Send>;

/// Spawns `cmd` with stdin from /dev/null and both output streams captured, and waits for it
/// at most `timeout`; past that the child's process group is killed.
pub fn run(cmd: Command, timeout: Duration) -> io::Result<Outcome> {
    run_watching(cmd, timeout, None)
}

/// [`run`], calling `watcher` (if any) as stdout arrives.
pub fn run_watching(
    cmd: Command,
    timeout: Duration,
    watcher: Option<StdoutWatcher>,
) -> io::Result<Outcome> {
    run_typing(cmd, timeout, watcher, Vec::new())
}

/// One step of typing at the child: once its stdout (past where the previous step matched)
/// contains `after`, `bytes` go to its stdin (for QEMU: the guest's serial port).
#[derive(Clone, Debug)]
pub struct TypeStep {
    /// The text to wait for.
    pub after: String,
    /// What to send then.
    pub bytes: Vec<u8>,
    /// How long to wait before sending (a program the text announces may need a moment to
    /// start reading, or to take the terminal).
    pub pause: Duration,
}

/// [`run_watching`], typing `steps` in order (stdin is a pipe that stays open until the child
/// ends; with no steps it is /dev/null).
pub fn run_typing(
    mut cmd: Command,
    timeout: Duration,
    watcher: Option<StdoutWatcher>,
    steps: Vec<TypeStep>,
) -> io::Result<Outcome> {
    cmd.stdin(if steps.is_empty() {
        Stdio::null()
    } else {
        Stdio::piped()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .process_group(0);
    let start = Instant::now();
    let mut child = spawn(&mut cmd)?;
    let watcher = match child.stdin.take() {
        Some(stdin) => Some(typist(stdin, steps, watcher)),
        None => watcher,
    };

    let (done_tx, done_rx) = mpsc::channel::<()>();
    let stdout = Arc::new(Mutex::new(Capture::default()));
    let stderr = Arc::new(Mutex::new(Capture::default()));
    let out_pipe = child.stdout.take().expect("stdout is piped");
    let err_pipe = child.stderr.take().expect("stderr is piped");
    spawn_reader(out_pipe, Arc::clone(&stdout), done_tx.clone(), watcher);
    spawn_reader(err_pipe, Arc::clone(&stderr), done_tx, None);

    let mut reaper = Reaper {
        child,
        reaped: false,
    };
    let deadline = start + timeout;
    let mut timed_out = false;
    let exit = loop {
        if let Some(status) = reaper.child.try_wait()? {
            break status;
        }
        let now = Instant::now();
        if now >= deadline {
            timed_out = true;
            reaper.kill_group();
            break reaper.child.wait()?;
        }
        thread::sleep(POLL_INTERVAL.min(deadline - now));
    };
    reaper.reaped = true;
    let elapsed = start.elapsed();

    // Both readers report end-of-file; a pipe held open by a stray grandchild only costs the
    // grace period, after which whatever was read so far is taken.
    let drain_deadline = Instant::now() + DRAIN_GRACE;
    for _ in 0..2 {
        let left = drain_deadline.saturating_duration_since(Instant::now());
        if done_rx.recv_timeout(left).is_err() {
            break;
        }
    }

    let (stdout, out_truncated) = take(&stdout);
    let (stderr, err_truncated) = take(&stderr);
    Ok(Outcome {
        stdout,
        stderr,
        truncated: out_truncated || err_truncated,
        status: if timed_out { None } else { exit.code() },
        signal: if timed_out { None } else { exit.signal() },
        timed_out,
        elapsed,
    })
}

/// `ETXTBSY`: the executable is open for writing somewhere.
const ETXTBSY: i32 = 26;

/// Spawns `cmd`, retrying briefly on `ETXTBSY`: a script written just before (as the harness's
/// own tests do) can still be open for writing in a process another thread forked meanwhile.
fn spawn(cmd: &mut Command) -> io::Result<Child> {
    let mut attempts = 0;
    loop {
        match cmd.spawn() {
            Err(e) if e.raw_os_error() == Some(ETXTBSY) && attempts < 100 => {
                attempts += 1;
                thread::sleep(Duration::from_millis(10));
            }
            result => return result,
        }
    }
}

fn spawn_reader(
    mut pipe: impl Read + Send + 'static,
    sink: Arc<Mutex<Capture>>,
    done: mpsc::Sender<()>,
    mut watcher: Option<StdoutWatcher>,
) {
    thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let mut cap = sink.lock().unwrap_or_else(|e| e.into_inner());
                    let room = CAPTURE_LIMIT - cap.bytes.len();
                    if n > room {
                        cap.truncated = true;
                    }
                    cap.bytes.extend_from_slice(&buf[..n.min(room)]);
                    if let Some(watch) = watcher.as_mut() {
                        watch(&cap.bytes);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        let _ = done.send(());
    });
}

/// A watcher that types `steps` into `stdin` as their texts appear, after calling `inner`.
///
/// The watcher runs in the thread that reads the child's stdout, so it never writes itself: a
/// write blocked on a full pipe (a guest not reading its serial port) would stop that thread
/// reading, and a guest blocked on its full stdout would then never read: a deadlock. A thread
/// of its own does the pauses and the writes, in order.
fn typist(
    mut stdin: ChildStdin,
    steps: Vec<TypeStep>,
    mut inner: Option<StdoutWatcher>,
) -> StdoutWatcher {
    let (send, receive) = mpsc::channel::<(Duration, Vec<u8>)>();
    thread::spawn(move || {
        for (pause, bytes) in receive {
            if !pause.is_zero() {
                thread::sleep(pause);
            }
            // A broken pipe means the child has gone: the run reports that.
            let _ = stdin.write_all(&bytes).and_then(|()| stdin.flush());
        }
    });
    let mut next = 0;
    let mut searched_from = 0;
    Box::new(move |out: &[u8]| {
        if let Some(watch) = inner.as_mut() {
            watch(out);
        }
        while let Some(step) = steps.get(next) {
            let window = &out[searched_from.min(out.len())..];
            let needle = step.after.as_bytes();
            let Some(at) = window
                .windows(needle.len().max(1))
                .position(|w| w == needle)
            else {
                break;
            };
            // The writer is gone only if it panicked; the run then lacks the typing and fails.
            let _ = send.send((step.pause, step.bytes.clone()));
            searched_from += at + needle.len();
            next += 1;
        }
    })
}

fn take(cap: &Mutex<Capture>) -> (Vec<u8>, bool) {
    let mut cap = cap.lock().unwrap_or_else(|e| e.into_inner());
    (std::mem::take(&mut cap.bytes), cap.truncated)
}

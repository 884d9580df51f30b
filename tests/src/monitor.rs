//! Talking to QEMU's human monitor while a boot runs: a test injects an event (an NMI, say)
//! at a moment the guest announces on its serial port.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::process::StdoutWatcher;

/// How long to wait for the monitor to answer (it prompts `(qemu) ` when ready).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// The monitor's prompt, printed on connection and after each command.
const PROMPT: &str = "(qemu) ";

/// A stdout watcher that, the first time the serial output holds a whole line containing
/// `after`, waits `pause` (the guest goes on meanwhile; its output waits in the pipe), connects
/// to the monitor at `socket`, sends `command` and waits for the monitor to prompt again (so
/// the command has run before the guest goes on much further). What happened goes to `log`.
pub fn send_after(
    after: String,
    pause: Duration,
    command: String,
    socket: PathBuf,
    log: Arc<Mutex<String>>,
) -> StdoutWatcher {
    let mut sent = false;
    Box::new(move |serial: &[u8]| {
        if sent || !has_complete_line_with(serial, &after) {
            return;
        }
        sent = true;
        thread::sleep(pause);
        let outcome = match send(&socket, &command) {
            Ok(answer) => format!("sent `{command}` after `{after}`; monitor said: {answer:?}"),
            Err(e) => format!("could not send `{command}` to {}: {e}", socket.display()),
        };
        let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(log, "{outcome}");
    })
}

/// True when `serial` holds a whole line (ended by its newline) containing `text`: the
/// guest has finished printing it, so whatever the command causes cannot land inside it.
fn has_complete_line_with(serial: &[u8], text: &str) -> bool {
    let serial = String::from_utf8_lossy(serial);
    serial
        .match_indices(text)
        .any(|(at, _)| serial[at + text.len()..].contains('\n'))
}

/// Sends one command and returns what the monitor printed up to its next prompt.
fn send(socket: &Path, command: &str) -> std::io::Result<String> {
    let mut stream = UnixStream::connect(socket)?;
    stream.set_read_timeout(Some(Duration::from_millis(200)))?;
    // The greeting ends with the first prompt; then the command's output ends with the next.
    read_until_prompts(&mut stream, 1)?;
    stream.write_all(command.as_bytes())?;
    stream.write_all(b"\n")?;
    read_until_prompts(&mut stream, 1).map(|raw| answer_of(&raw))
}

/// What the monitor printed for a command, without its echo of the command as typed (redrawn
/// with terminal escapes after every key) and the next prompt: `""` when it printed nothing.
fn answer_of(raw: &str) -> String {
    let after_echo = raw.split_once("\r\n").map_or(raw, |(_, rest)| rest);
    after_echo.trim_end_matches(PROMPT).trim().to_owned()
}

/// Reads until `count` more prompts have arrived, or fails after [`ANSWER_TIMEOUT`].
fn read_until_prompts(stream: &mut UnixStream, count: usize) -> std::io::Result<String> {
    let deadline = Instant::now() + ANSWER_TIMEOUT;
    let mut text = String::new();
    let mut buf = [0u8; 1024];
    while text.matches(PROMPT).count() < count {
        if Instant::now() >= deadline {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no monitor prompt within {ANSWER_TIMEOUT:?}; got {text:?}"),
            ));
        }
        match stream.read(&mut buf) {
            Ok(0) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!("monitor closed the connection; got {text:?}"),
                ))
            }
            Ok(n) => text.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                thread::yield_now();
            }
            Err(e) => return Err(e),
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::{answer_of, has_complete_line_with};

    #[test]
    fn the_answer_leaves_out_the_echo_and_the_prompt() {
        assert_eq!(answer_of("n\u{1b}[K\u{1b}[Dnmi\u{1b}[K\r\n(qemu) "), "");
        assert_eq!(
            answer_of("mce 0 0 1\u{1b}[K\r\nMCE injection not supported\r\n(qemu) "),
            "MCE injection not supported"
        );
    }

    #[test]
    fn a_line_counts_once_its_newline_has_arrived() {
        assert!(!has_complete_line_with(
            b"boot\nspin: spinning for 2 s",
            "spinning"
        ));
        assert!(has_complete_line_with(
            b"boot\nspin: spinning for 2 s\r\n",
            "spinning"
        ));
        assert!(has_complete_line_with(b"spinning\nspinning", "spinning"));
        assert!(!has_complete_line_with(b"something else\n", "spinning"));
    }
}

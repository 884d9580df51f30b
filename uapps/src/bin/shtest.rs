//! `shtest`: a helper for the shell's tests, which boot it as pid 1.
//!
//! The kernel splits its command line at blanks, so a test cannot pass `sh -c 'a b'` as it
//! is. `shtest` takes the text percent-encoded (`%20` a blank, `%0a` a newline, `%25` a
//! `%`), decodes it and hands it to `/bin/sh` in one of the shell's three ways; it also
//! stands in for the small tools the shell's tests need.
//!
//! ```text
//! shtest c TEXT...        sh -c TEXT                      (the TEXT arguments joined)
//! shtest stdin TEXT...    TEXT written into a pipe that is sh's standard input
//! shtest file TEXT...     TEXT written to /tmp/shtest.sh, then sh /tmp/shtest.sh
//! shtest print TEXT...    prints the decoded TEXT arguments joined by blanks, and a newline
//! shtest lines PREFIX     copies standard input to standard output, PREFIX before each
//!                         line; exits with the number of lines (at most 255)
//! shtest env NAME         prints NAME=value, or "NAME unset"
//! shtest raise N          kills itself with signal N
//! shtest ids TAG          prints "TAG pid=<pid> pgid=<process group>"
//! ```
//!
//! In the TEXT arguments of `c`, `stdin` and `file`, an argument `*N` repeats the next one
//! N times (for the 10 000-character command line). The first three exit with sh's status
//! (128 + n if a signal killed it).

#![no_std]
#![no_main]
#![deny(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;

use ulib::io;
use ulib::prelude::*;

ulib::entry!(main);

/// Decodes `%XX` escapes (a `%` not followed by two hex digits stays as it is).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The script text from the arguments: decoded and joined, with `*N` repeating the next.
fn script(args: &[&str]) -> String {
    let mut text = String::new();
    let mut repeat = 1;
    for arg in args {
        if let Some(n) = arg.strip_prefix('*').and_then(|n| n.parse::<usize>().ok()) {
            repeat = n;
            continue;
        }
        let piece = decode(arg);
        for _ in 0..repeat {
            text.push_str(&piece);
        }
        repeat = 1;
    }
    text
}

/// Waits for `child` and turns its end into a status.
fn status_of(child: Pid) -> i32 {
    match waitpid(Some(child), WaitFlags::empty()) {
        Ok(WaitStatus::Exited(_, code)) => code,
        Ok(WaitStatus::Signaled(_, sig)) => 128 + sig as i32,
        Ok(other) => {
            eprintln!("shtest: sh {other}");
            1
        }
        Err(e) => {
            eprintln!("shtest: waitpid: {e}");
            1
        }
    }
}

/// Runs `/bin/sh` with `argv`; with `pipe`, its standard input is the pipe's read end (and
/// the shell does not keep the write end, or it would never see the end of its input).
fn run_sh(argv: &[&str], pipe: Option<(i32, i32)>) -> Result<Pid, Errno> {
    match fork()? {
        ForkResult::Parent { child } => Ok(child),
        ForkResult::Child => {
            if let Some((r, w)) = pipe {
                let _ = io::dup2(r, io::STDIN);
                let _ = io::close(r);
                let _ = io::close(w);
            }
            let err = match execve("/bin/sh", argv) {
                Err(e) => e,
                Ok(never) => match never {},
            };
            eprintln!("shtest: execve /bin/sh: {err}");
            exit(127)
        }
    }
}

fn main() -> i32 {
    let args: Vec<&str> = ulib::env::args().collect();
    let rest = args.get(2..).unwrap_or(&[]);
    let result = match args.get(1).copied() {
        Some("c") => {
            let text = script(rest);
            run_sh(&["sh", "-c", &text], None).map(status_of)
        }
        Some("stdin") => {
            let text = script(rest);
            io::pipe().and_then(|(r, w)| {
                let child = run_sh(&["sh"], Some((r, w)))?;
                io::close(r)?;
                // The shell reads while we write: a script longer than the pipe is fine.
                let written = io::write_all(w, text.as_bytes());
                io::close(w)?;
                written?;
                Ok(status_of(child))
            })
        }
        Some("file") => {
            let text = script(rest);
            ulib::fs::write("/tmp/shtest.sh", text.as_bytes())
                .and_then(|()| run_sh(&["sh", "/tmp/shtest.sh"], None))
                .map(status_of)
        }
        Some("print") => {
            let words: Vec<String> = rest.iter().map(|a| decode(a)).collect();
            println!("{}", words.join(" "));
            Ok(0)
        }
        Some("lines") => {
            let prefix = rest.first().map(|p| decode(p)).unwrap_or_default();
            copy_lines(&prefix)
        }
        Some("env") => {
            let name = rest.first().copied().unwrap_or("");
            match ulib::env::var(name) {
                Some(v) => println!("{name}={v}"),
                None => println!("{name} unset"),
            }
            Ok(0)
        }
        Some("ids") => {
            let tag = rest.first().copied().unwrap_or("ids");
            println!("{tag} pid={} pgid={}", getpid(), ulib::process::getpgrp());
            Ok(0)
        }
        Some("raise") => {
            let sig = rest
                .first()
                .and_then(|n| n.parse::<i32>().ok())
                .and_then(Signal::from_raw)
                .unwrap_or(Signal::SIGTERM);
            ulib::signal::raise(sig).map(|()| 0)
        }
        _ => {
            eprintln!(
                "usage: shtest c|stdin|file|print TEXT... | lines PREFIX | env NAME | raise N | ids TAG"
            );
            Ok(2)
        }
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            eprintln!("shtest: {e}");
            1
        }
    }
}

/// `shtest lines PREFIX`: standard input to standard output, line by line with a prefix.
fn copy_lines(prefix: &str) -> Result<i32, Errno> {
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 512];
    let mut count = 0;
    loop {
        let n = io::read(io::STDIN, &mut buf)?;
        if n == 0 {
            break;
        }
        pending.extend_from_slice(&buf[..n]);
        while let Some(at) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=at).collect();
            println!(
                "{prefix}{}",
                String::from_utf8_lossy(&line[..line.len() - 1])
            );
            count += 1;
        }
    }
    if !pending.is_empty() {
        println!("{prefix}{}", String::from_utf8_lossy(&pending));
        count += 1;
    }
    Ok(count.min(255))
}

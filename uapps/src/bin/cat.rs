//! `cat [file...]`: copies each file (standard input for `-` or when there is none) to
//! standard output, in 4 KiB chunks. A file that cannot be read is reported
//! (`cat: <file>: <message>`) and skipped; the status is then 1. A failed write to standard
//! output ends it (`cat: write error: <message>`, status 1).

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use uapps::tool::{CHUNK, Input, Opts, Tool};
use ulib::errno::Errno;
use ulib::io;

ulib::entry!(main);

/// Where copying a file failed.
enum Failure {
    Read(Errno),
    Write(Errno),
}

fn main() -> i32 {
    let mut tool = Tool::new("cat", "[file...]", "  -  standard input\n");
    let mut opts = Opts::from_env();
    if let Some(opt) = opts.next() {
        return tool.reject(opt);
    }
    let operands = opts.operands();
    let files: &[&str] = if operands.is_empty() {
        &["-"]
    } else {
        operands
    };
    for &path in files {
        match copy(path) {
            Ok(()) => {}
            Err(Failure::Read(e)) => tool.error(path, e),
            Err(Failure::Write(e)) => {
                ulib::eprintln!("cat: write error: {e}");
                return 1;
            }
        }
    }
    tool.finish(0)
}

/// Copies `path` to standard output; `write_all` takes care of short writes.
fn copy(path: &str) -> Result<(), Failure> {
    let mut input = Input::open(path).map_err(Failure::Read)?;
    let mut buf = [0u8; CHUNK];
    loop {
        let n = input.read(&mut buf).map_err(Failure::Read)?;
        if n == 0 {
            return Ok(());
        }
        io::write_all(io::STDOUT, &buf[..n]).map_err(Failure::Write)?;
    }
}

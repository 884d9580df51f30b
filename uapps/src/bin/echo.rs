//! `echo [-n] [arg...]`: prints its arguments separated by spaces, then a newline (none with
//! `-n`; `-n`, `-nn`, ... are taken as options only before the first other argument).
//! `echo --help` (as the only argument) prints the usage.

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use uapps::tool::Tool;

ulib::entry!(main);

fn main() -> i32 {
    let mut tool = Tool::new("echo", "[-n] [arg...]", "  -n  no newline at the end\n");
    let mut args = ulib::env::args().skip(1).peekable();
    if args.len() == 1 && args.peek() == Some(&"--help") {
        return tool.help();
    }
    let mut newline = true;
    while args.next_if(|a| is_n_flag(a)).is_some() {
        newline = false;
    }
    for (i, arg) in args.enumerate() {
        if i > 0 {
            tool.out(b" ");
        }
        tool.out(arg.as_bytes());
    }
    if newline {
        tool.out(b"\n");
    }
    tool.finish(0)
}

/// `-n`, `-nn`, ...
fn is_n_flag(arg: &str) -> bool {
    arg.strip_prefix('-')
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b == b'n'))
}

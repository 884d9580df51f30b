//! `false`: does nothing, unsuccessfully (status 1). Arguments are ignored, except `--help`
//! alone, which prints the usage (status 0, as every tool's `--help`).

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use uapps::tool::Tool;

ulib::entry!(main);

fn main() -> i32 {
    let mut tool = Tool::new("false", "[ignored...]", "");
    let mut args = ulib::env::args().skip(1);
    if args.len() == 1 && args.next() == Some("--help") {
        return tool.help();
    }
    1
}

//! `forktree [depth]`: a binary tree of processes, `depth` levels below the root (default 3).
//!
//! Every node prints one line, forks its two children (unless it is a leaf) and waits for
//! them; a node exits 0 when its whole subtree was created and ended well. The root then
//! prints the number of processes, `2^(depth+1) - 1`.
//!
//! Output:
//!
//! ```text
//! forktree: node <label> pid <pid> ppid <ppid>    (one per node; label `root`, `0`, `01`, ...)
//! forktree: <n> processes                          (root, at the end, on success)
//! forktree: failed: <why>                          (on failure; exit status 1)
//! ```

#![no_std]
#![no_main]
#![deny(unsafe_code)]

use uapps::TreeLabel;
use ulib::prelude::*;

ulib::entry!(main);

/// Deepest tree accepted (2047 processes).
const MAX_DEPTH: u32 = 10;

fn main() -> i32 {
    let depth = match ulib::env::args().nth(1) {
        None => 3,
        Some(arg) => match uapps::parse_u32(arg) {
            Some(d) if d <= MAX_DEPTH => d,
            _ => {
                eprintln!("usage: forktree [depth 0..={MAX_DEPTH}]");
                return 2;
            }
        },
    };
    if node(TreeLabel::ROOT, depth) {
        println!("forktree: {} processes", (1u32 << (depth + 1)) - 1);
        0
    } else {
        println!("forktree: failed: a node could not create or finish its subtree");
        1
    }
}

/// Runs node `label`: prints it, then forks and waits for its children if it is not a leaf.
/// Returns whether the whole subtree was created and ended well.
fn node(label: TreeLabel, depth: u32) -> bool {
    let me = getpid();
    println!("forktree: node {label} pid {me} ppid {}", getppid());
    if label.depth() == depth {
        return true;
    }
    let mut ok = true;
    let mut children = 0;
    for side in 0..2 {
        match fork() {
            Ok(ForkResult::Child) => {
                let ok = node(label.child(side), depth);
                exit(if ok { 0 } else { 1 });
            }
            Ok(ForkResult::Parent { .. }) => children += 1,
            Err(e) => {
                println!("forktree: node {label}: fork failed: {}", e.name());
                ok = false;
            }
        }
    }
    for _ in 0..children {
        match wait() {
            Ok(WaitStatus::Exited(_, 0)) => {}
            Ok(other) => {
                println!("forktree: node {label}: a child {other}");
                ok = false;
            }
            Err(e) => {
                println!("forktree: node {label}: wait failed: {}", e.name());
                ok = false;
            }
        }
    }
    ok
}

//! Stress cases: forking until fork fails (memory runs out), a fork tree.

use super::*;

/// xv6 forktest; LTP fork12, setrlimit01.
pub(super) fn fork_until_full() -> Verdict {
    const LIMIT: u32 = 100_000;
    let mut forked = 0u32;
    let error = loop {
        ensure!(forked < LIMIT, "fork still works after {LIMIT} children");
        match fork() {
            Ok(ForkResult::Child) => {
                sleep(2);
                exit(0);
            }
            Ok(ForkResult::Parent { .. }) => forked += 1,
            Err(e) => break e,
        }
    };
    let mut reaped = 0u32;
    while reaped < forked {
        match wait() {
            Ok(WaitStatus::Exited(_, 0)) => reaped += 1,
            other => bail!("wait {reaped} of {forked}: {other:?}"),
        }
    }
    println!(
        "fork_until_full: forked {forked} children, fork failed with {}, reaped {reaped}",
        error.name()
    );
    ensure!(
        error == Errno::EAGAIN || error == Errno::ENOMEM,
        "fork failed with {}, expected EAGAIN or ENOMEM",
        error.name()
    );
    ensure!(forked > 0, "not a single fork succeeded");
    let r = wait();
    ensure!(
        r == Err(Errno::ECHILD),
        "wait after {forked} waits gave {r:?}, expected ECHILD"
    );
    let child = spawn(|| 0)?;
    expect_exit(child, 0, "child of a fresh fork")?;
    Ok(())
}

/// One node of `fork_tree`; returns the number of processes in its subtree, 0 on failure.
fn tree_node(label: TreeLabel, parent: Pid) -> i32 {
    const DEPTH: u32 = 4;
    let me = getpid();
    let ppid = getppid();
    println!("fork_tree: node {label} pid {me} ppid {ppid}");
    let mut ok = label == TreeLabel::ROOT || ppid == parent;
    if label.depth() == DEPTH {
        // Keep every leaf alive for a while, so all 31 processes exist at once.
        sleep(1);
        return i32::from(ok);
    }
    let mut count = 1;
    let mut children = 0;
    for side in 0..2 {
        match fork() {
            Ok(ForkResult::Child) => exit(tree_node(label.child(side), me)),
            Ok(ForkResult::Parent { .. }) => children += 1,
            Err(_) => ok = false,
        }
    }
    for _ in 0..children {
        match wait() {
            Ok(WaitStatus::Exited(_, n)) if n > 0 => count += n,
            _ => ok = false,
        }
    }
    if ok { count } else { 0 }
}

/// rCore forktree: depth 4, 31 processes.
pub(super) fn fork_tree() -> Verdict {
    let total = tree_node(TreeLabel::ROOT, getppid());
    println!("fork_tree: {total} processes");
    ensure!(
        total == 31,
        "the tree counted {total} healthy processes, expected 31"
    );
    Ok(())
}

//! Processes that fork until the kernel refuses, three rounds. Each round: a storm of
//! forkers racing to fill memory with zombies, all collected; then this process alone forks
//! until fork fails (ENOMEM when the kernel heap is full of zombies' records, or EAGAIN when
//! every pid is in use). The solo count must be within 1% of the first round's every round:
//! a leak of anything per process would cost far more (the kernel heap's fragmentation moves
//! it by a few).

use super::*;

const FORKERS: usize = 6;
const ROUNDS: usize = 3;

/// Forks children that exit at once until fork fails; returns (forks, the error).
fn fork_until_full() -> (usize, Errno) {
    let mut forks = 0;
    loop {
        match fork() {
            Ok(ForkResult::Child) => exit(0),
            Ok(ForkResult::Parent { .. }) => forks += 1,
            Err(e) => return (forks, e),
        }
    }
}

/// Collects `n` children, each of which must have exited 0; then requires ECHILD.
fn collect(n: usize) -> Verdict {
    for i in 0..n {
        match wait() {
            Ok(WaitStatus::Exited(_, 0)) => {}
            other => bail!("wait {i} of {n}: {other:?}"),
        }
    }
    let r = wait();
    ensure!(
        r == Err(Errno::ECHILD),
        "after {n} children wait gave {r:?}"
    );
    Ok(())
}

/// One forker of the storm: fill the table, wait until every other forker is done too,
/// collect.
fn forker() -> i32 {
    let (forks, error) = fork_until_full();
    // The table is full: the other forkers fail at their next fork. Nobody collects
    // before they all have.
    sleep(1);
    let ok = matches!(error, Errno::EAGAIN | Errno::ENOMEM) && collect(forks).is_ok();
    i32::from(!ok)
}

pub fn fork_storm() -> Verdict {
    let mut solo = Vec::new();
    for round in 0..ROUNDS {
        let mut forkers = Vec::new();
        for _ in 0..FORKERS {
            forkers.push(spawn(forker)?);
        }
        for f in forkers {
            expect_exit(f, 0, "a forker of the storm")?;
        }
        let (forks, error) = fork_until_full();
        ensure!(
            matches!(error, Errno::EAGAIN | Errno::ENOMEM),
            "round {round}: fork failed with {}, expected EAGAIN or ENOMEM",
            error.name()
        );
        collect(forks)?;
        println!(
            "fork_storm: round {round}: {FORKERS} forkers filled memory, then {forks} forks until {}",
            error.name()
        );
        solo.push(forks);
    }
    ensure!(solo[0] >= 500, "only {} forks succeeded", solo[0]);
    ensure!(
        solo.iter().all(|&n| n * 100 >= solo[0] * 99),
        "the kernel leaks: forks per round {solo:?}"
    );
    Ok(())
}

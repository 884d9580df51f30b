//! Robustness cases: faulting children are killed with the right signal, and only they.

use super::*;

/// Runs each fault in its own child and requires its signal; then reports the parent alive.
fn fault_case(name: &str, faults: &[Fault]) -> Verdict {
    for &fault in faults {
        let expected = fault.expected_signal();
        match fault.run_in_child() {
            Ok(WaitStatus::Signaled(_, sig)) if sig == expected => {
                println!("{name}: {} -> killed by {sig}", fault.name());
            }
            Ok(WaitStatus::Exited(_, SURVIVED)) => {
                bail!(
                    "{}: the child survived its fault (expected {expected})",
                    fault.name()
                )
            }
            other => bail!("{}: expected {expected}, got {other:?}", fault.name()),
        }
    }
    println!("{name}: parent still alive");
    Ok(())
}

/// rCore store_fault; NetBSD t_wait.
pub(super) fn null_deref() -> Verdict {
    fault_case("null_deref", &[Fault::NullStore, Fault::NullLoad])
}

/// xv6 textwrite.
pub(super) fn text_write() -> Verdict {
    fault_case("text_write", &[Fault::TextWrite])
}

/// xv6 kernmem.
pub(super) fn kernel_memory() -> Verdict {
    fault_case(
        "kernel_memory",
        &[Fault::KernelRead, Fault::KernelWrite, Fault::KernelReadHigh],
    )
}

/// gVisor exceptions.
pub(super) fn arith_traps() -> Verdict {
    fault_case(
        "arith_traps",
        &[Fault::DivideByZero, Fault::InvalidOpcode, Fault::Breakpoint],
    )
}

/// xv6 runner: one faulting child beside three sleeping siblings.
pub(super) fn fault_isolation() -> Verdict {
    let mut siblings = Vec::new();
    for i in 0..3 {
        siblings.push(spawn(move || {
            sleep(1);
            10 + i
        })?);
    }
    let faulty = spawn(|| {
        Fault::NullStore.trigger();
        SURVIVED
    })?;
    expect_signal(faulty, Signal::SIGSEGV, "faulting child")?;
    println!("fault_isolation: faulting child {faulty} killed by SIGSEGV");
    for (i, &sibling) in siblings.iter().enumerate() {
        expect_exit(sibling, 10 + i as i32, "sleeping sibling")?;
    }
    println!("fault_isolation: the three siblings finished normally");
    println!("fault_isolation: parent still alive");
    Ok(())
}

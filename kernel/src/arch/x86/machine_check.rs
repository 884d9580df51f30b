//! Machine checks (#MC, vector 18): the CPU's report of a hardware error
//! (Intel SDM vol. 3B, chapter 16, "Machine-Check Architecture").
//!
//! With CR4.MCE clear a machine check shuts the CPU down (a silent triple
//! fault), so [`enable`] sets it when CPUID says the CPU has the exception.
//! The handler then asks the machine-check registers (when the CPU has the
//! architecture, MCA) whether the interrupted context can go on: see
//! [`MachineCheck::why_not_resumable`].

use core::arch::asm;

/// CPUID leaf 1, EDX: the machine-check exception exists.
const CPUID_MCE: u32 = 1 << 7;
/// CPUID leaf 1, EDX: the machine-check architecture (the MSRs below) exists.
const CPUID_MCA: u32 = 1 << 14;
/// CR4's machine-check enable bit.
const CR4_MCE: u32 = 1 << 6;

/// IA32_MCG_CAP: bits 7:0 are the number of error-reporting banks.
const MSR_MCG_CAP: u32 = 0x179;
/// IA32_MCG_STATUS: the state of the machine check in progress.
const MSR_MCG_STATUS: u32 = 0x17a;
/// IA32_MC0_STATUS; bank `i`'s STATUS, ADDR and MISC follow at `+ 4 * i`.
const MSR_MC0_STATUS: u32 = 0x401;

/// MCG_STATUS: the restart IP pushed with the exception is valid (the
/// interrupted context can be resumed there).
const MCG_STATUS_RIPV: u64 = 1 << 0;

/// A bank's STATUS: it holds an error.
const MCI_STATUS_VAL: u64 = 1 << 63;
/// A bank's STATUS: the processor's context is corrupt (nothing may resume).
const MCI_STATUS_PCC: u64 = 1 << 57;
/// A bank's STATUS: its ADDR register is valid.
const MCI_STATUS_ADDRV: u64 = 1 << 58;
/// A bank's STATUS: its MISC register is valid.
const MCI_STATUS_MISCV: u64 = 1 << 59;

/// The banks looked at; CPUs have far fewer (QEMU emulates 10).
pub const MAX_BANKS: usize = 32;

/// What the CPU offers, found once at boot by [`enable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// No machine-check exception: CR4.MCE stays clear.
    None,
    /// The exception, but no registers that say whether it is safe to go on.
    ExceptionOnly,
    /// The exception and the architecture with this many banks.
    Architecture { banks: usize },
}

/// Set by [`enable`]; the handler reads it (one CPU writes it, at boot,
/// before interrupts are on).
static SUPPORT: spin::Once<Support> = spin::Once::new();

/// Turns the machine-check exception on when the CPU has it (CR4.MCE), so a
/// hardware error reaches the kernel's handler instead of shutting the CPU
/// down. Call once at boot, after the IDT is loaded.
pub fn enable() -> Support {
    *SUPPORT.call_once(|| {
        // Leaf 1 exists on every CPU this kernel runs on (i686).
        let edx = core::arch::x86::__cpuid(1).edx;
        if edx & CPUID_MCE == 0 {
            return Support::None;
        }
        let support = if edx & CPUID_MCA != 0 {
            // SAFETY: MCG_CAP exists when CPUID reports MCA.
            let banks = (unsafe { read_msr(MSR_MCG_CAP) } & 0xff) as usize;
            Support::Architecture {
                banks: banks.min(MAX_BANKS),
            }
        } else {
            Support::ExceptionOnly
        };
        // SAFETY: setting CR4.MCE only lets machine checks raise vector 18,
        // whose gate the IDT already has; the banks' reporting controls keep
        // the values the firmware (or the CPU's reset) gave them.
        unsafe {
            let cr4: u32;
            asm!("mov {}, cr4", out(reg) cr4, options(nomem, nostack, preserves_flags));
            asm!("mov cr4, {}", in(reg) cr4 | CR4_MCE, options(nostack, preserves_flags));
        }
        support
    })
}

/// One error-reporting bank that holds an error.
#[derive(Clone, Copy, Debug, Default)]
pub struct Bank {
    /// Its number.
    pub index: usize,
    /// IA32_MCi_STATUS.
    pub status: u64,
    /// IA32_MCi_ADDR, when its STATUS says it is valid.
    pub address: Option<u64>,
    /// IA32_MCi_MISC, when its STATUS says it is valid.
    pub misc: Option<u64>,
}

/// The machine-check registers, read at the exception.
pub struct MachineCheck {
    /// IA32_MCG_STATUS; `None` without the architecture.
    pub global_status: Option<u64>,
    banks: [Bank; MAX_BANKS],
    bank_count: usize,
}

impl MachineCheck {
    /// Reads the global status and every bank that holds an error.
    pub fn read() -> MachineCheck {
        let mut check = MachineCheck {
            global_status: None,
            banks: [Bank::default(); MAX_BANKS],
            bank_count: 0,
        };
        let Some(&Support::Architecture { banks }) = SUPPORT.get() else {
            return check;
        };
        // SAFETY: the architecture is present (checked at boot), so
        // MCG_STATUS and the first `banks` banks' registers exist; reading
        // them has no side effects.
        unsafe {
            check.global_status = Some(read_msr(MSR_MCG_STATUS));
            for index in 0..banks {
                let base = MSR_MC0_STATUS + 4 * index as u32;
                let status = read_msr(base);
                if status & MCI_STATUS_VAL == 0 {
                    continue;
                }
                check.banks[check.bank_count] = Bank {
                    index,
                    status,
                    address: (status & MCI_STATUS_ADDRV != 0).then(|| read_msr(base + 1)),
                    misc: (status & MCI_STATUS_MISCV != 0).then(|| read_msr(base + 2)),
                };
                check.bank_count += 1;
            }
        }
        check
    }

    /// The banks that hold an error.
    pub fn banks(&self) -> &[Bank] {
        &self.banks[..self.bank_count]
    }

    /// Why the interrupted context may not go on, or `None` when it may:
    /// the CPU says the pushed eip is a valid restart point (RIPV) and no
    /// bank says the processor's context is corrupt (PCC). Without the
    /// architecture nothing says it may.
    pub fn why_not_resumable(&self) -> Option<&'static str> {
        let Some(global) = self.global_status else {
            return Some("no machine-check architecture to say the context can resume");
        };
        if global & MCG_STATUS_RIPV == 0 {
            return Some("the CPU cannot resume the interrupted context (RIPV clear)");
        }
        if self
            .banks()
            .iter()
            .any(|bank| bank.status & MCI_STATUS_PCC != 0)
        {
            return Some("the processor context is corrupt (PCC)");
        }
        None
    }

    /// Marks the errors read as handled and ends the machine check (clears
    /// MCG_STATUS, whose MCIP bit says one is in progress: a second machine
    /// check while it is set shuts the CPU down).
    pub fn acknowledge(&self) {
        if self.global_status.is_none() {
            return;
        }
        // SAFETY: the architecture is present; zero is a valid value for a
        // bank's STATUS and for MCG_STATUS (software clears them, SDM 16.3).
        unsafe {
            for bank in self.banks() {
                write_msr(MSR_MC0_STATUS + 4 * bank.index as u32, 0);
            }
            write_msr(MSR_MCG_STATUS, 0);
        }
    }
}

/// # Safety
/// The MSR must exist (a missing one raises #GP).
unsafe fn read_msr(msr: u32) -> u64 {
    // SAFETY: guaranteed by the caller.
    unsafe { x86::msr::rdmsr(msr) }
}

/// # Safety
/// The MSR must exist and `value` must be valid for it.
unsafe fn write_msr(msr: u32, value: u64) {
    // SAFETY: guaranteed by the caller.
    unsafe { x86::msr::wrmsr(msr, value) }
}

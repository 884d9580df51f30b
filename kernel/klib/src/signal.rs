//! A process's signal state, as POSIX defines it: the action for each
//! signal, the mask of blocked signals, and the set of pending ones.
//!
//! This is the bookkeeping only (what `sigaction`, `sigprocmask`, `kill`,
//! fork and exec do to the state, and which signal is delivered next); the
//! kernel's `signal` module does the delivery itself (the frame on the user
//! stack, stopping, terminating). Standard signals do not queue: a signal
//! sent while one of the same number is pending is merged into it.

use abi::errno::Errno;
use abi::signal::{
    DefaultAction, SigAction, SigSet, Signal, NSIG, SA_VALID, SIG_BLOCK, SIG_DFL, SIG_IGN,
    SIG_SETMASK, SIG_UNBLOCK,
};

/// What receiving a signal means for a process right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    /// Nothing happens (`SIG_IGN`, or a default action that ignores).
    Ignore,
    /// The default action: terminate, stop or continue.
    Default(DefaultAction),
    /// Run this handler.
    Catch(SigAction),
}

/// What sending a signal did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Posted {
    /// Thrown away: ignored, and not blocked (POSIX lets an ignored signal
    /// be discarded at once).
    Discarded,
    /// Now pending; `deliverable` when not blocked, so the process should
    /// stop blocking in the kernel to take it.
    Pending {
        /// True when the signal is not blocked.
        deliverable: bool,
    },
}

/// The signal state of one process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignalState {
    /// Indexed by signal number; entry 0 is unused.
    actions: [SigAction; NSIG],
    mask: SigSet,
    pending: SigSet,
    /// Pid 1 is protected as on Linux: a signal whose action is the default
    /// one is discarded, whatever that default is (even `SIGKILL`).
    is_init: bool,
}

impl SignalState {
    /// Every action the default, nothing blocked or pending.
    pub const fn new(is_init: bool) -> SignalState {
        SignalState {
            actions: [SigAction {
                handler: SIG_DFL,
                mask: SigSet::EMPTY,
                flags: 0,
                restorer: 0,
            }; NSIG],
            mask: SigSet::EMPTY,
            pending: SigSet::EMPTY,
            is_init,
        }
    }

    /// The action installed for `sig`.
    pub fn action(&self, sig: Signal) -> SigAction {
        self.actions[sig.as_raw() as usize]
    }

    /// `sigaction`: installs `action` for `sig` and returns the old one.
    /// `SIGKILL` and `SIGSTOP` cannot be changed, and unknown flag bits are
    /// refused (EINVAL). The mask is stored without the unblockable signals.
    /// Setting an action that ignores throws away a pending `sig` (POSIX).
    pub fn set_action(&mut self, sig: Signal, action: SigAction) -> Result<SigAction, Errno> {
        if sig.is_unblockable() || action.flags & !SA_VALID != 0 {
            return Err(Errno::EINVAL);
        }
        let old = self.action(sig);
        self.actions[sig.as_raw() as usize] = SigAction {
            mask: action.mask.as_mask(),
            ..action
        };
        if self.disposition(sig) == Disposition::Ignore {
            self.pending = self.pending.without(sig);
        }
        Ok(old)
    }

    /// What `sig` does to this process now.
    pub fn disposition(&self, sig: Signal) -> Disposition {
        let action = self.action(sig);
        match action.handler {
            SIG_IGN => Disposition::Ignore,
            SIG_DFL if self.is_init => Disposition::Ignore,
            SIG_DFL => match sig.default_action() {
                // SIGCONT's default (continuing a stopped process) is done
                // by the kernel when it is sent; delivered, it does nothing,
                // so it interrupts no blocking call either.
                DefaultAction::Ignore | DefaultAction::Continue => Disposition::Ignore,
                default => Disposition::Default(default),
            },
            _ => Disposition::Catch(action),
        }
    }

    /// The blocked signals.
    pub fn mask(&self) -> SigSet {
        self.mask
    }

    /// Replaces the mask (`SIGKILL` and `SIGSTOP` are left out silently).
    pub fn set_mask(&mut self, mask: SigSet) {
        self.mask = mask.as_mask();
    }

    /// `sigprocmask`: changes the mask as `how` says and returns the old
    /// one. Without a set, `how` does not matter (POSIX); with one, an
    /// unknown `how` is EINVAL.
    pub fn change_mask(&mut self, how: i32, set: Option<SigSet>) -> Result<SigSet, Errno> {
        let old = self.mask;
        let new = match (how, set) {
            (_, None) => old,
            (SIG_BLOCK, Some(set)) => old.union(set),
            (SIG_UNBLOCK, Some(set)) => old.minus(set),
            (SIG_SETMASK, Some(set)) => set,
            _ => return Err(Errno::EINVAL),
        };
        self.set_mask(new);
        Ok(old)
    }

    /// The pending signals (blocked ones included), for `sigpending`.
    pub fn pending(&self) -> SigSet {
        self.pending
    }

    /// True when `sig` is pending.
    pub fn is_pending(&self, sig: Signal) -> bool {
        self.pending.contains(sig)
    }

    /// Sends `sig`. Stop and continue signals cancel each other: a stop
    /// signal throws away a pending `SIGCONT`, `SIGCONT` every pending stop
    /// signal (the caller resumes a stopped process itself).
    pub fn post(&mut self, sig: Signal) -> Posted {
        if sig == Signal::SIGCONT {
            self.pending = self.pending.minus(stop_signals());
        } else if stop_signals().contains(sig) {
            self.pending = self.pending.without(Signal::SIGCONT);
        }
        let blocked = self.mask.contains(sig);
        if !blocked && self.disposition(sig) == Disposition::Ignore {
            return Posted::Discarded;
        }
        self.pending = self.pending.with(sig);
        Posted::Pending {
            deliverable: !blocked,
        }
    }

    /// Forgets a pending `sig` (for signals that act when sent, and for the
    /// stop signals an orphaned process group must not get).
    pub fn discard(&mut self, sig: Signal) {
        self.pending = self.pending.without(sig);
    }

    /// True when a pending signal is not blocked.
    pub fn has_deliverable(&self) -> bool {
        !self.pending.minus(self.mask).is_empty()
    }

    /// Takes `sig` if it is pending and not blocked (a fault's signal, which
    /// goes before the others); false when it is not deliverable.
    pub fn take(&mut self, sig: Signal) -> bool {
        let deliverable = self.pending.minus(self.mask).contains(sig);
        if deliverable {
            self.pending = self.pending.without(sig);
        }
        deliverable
    }

    /// Takes the next signal to deliver: the lowest-numbered pending one
    /// that is not blocked (`SIGKILL` first, whatever else is pending).
    pub fn take_deliverable(&mut self) -> Option<Signal> {
        let sig = if self.pending.contains(Signal::SIGKILL) {
            Signal::SIGKILL
        } else {
            self.pending.minus(self.mask).lowest()?
        };
        self.pending = self.pending.without(sig);
        Some(sig)
    }

    /// The state a child starts with after fork: the same actions and mask,
    /// nothing pending.
    pub fn for_child(&self) -> SignalState {
        SignalState {
            pending: SigSet::EMPTY,
            is_init: false,
            ..self.clone()
        }
    }

    /// What execve does: caught signals go back to their default action
    /// (the handlers are gone with the old program); ignored ones, the mask
    /// and pending signals stay.
    pub fn reset_for_exec(&mut self) {
        for action in self.actions.iter_mut() {
            if action.handler != SIG_IGN {
                *action = SigAction {
                    handler: SIG_DFL,
                    ..SigAction::default()
                };
            }
        }
    }

    /// Before a handler runs: blocks its signal (unless `SA_NODEFER`) and
    /// its `sa_mask`, and resets the action with `SA_RESETHAND`. Returns the
    /// mask to restore when the handler returns.
    pub fn enter_handler(&mut self, sig: Signal, action: SigAction) -> SigSet {
        let old = self.mask;
        let mut blocked = self.mask.union(action.mask);
        if action.flags & abi::signal::SA_NODEFER == 0 {
            blocked = blocked.with(sig);
        }
        self.set_mask(blocked);
        if action.flags & abi::signal::SA_RESETHAND != 0 {
            self.actions[sig.as_raw() as usize] = SigAction::default();
        }
        old
    }
}

/// `SIGSTOP`, `SIGTSTP`, `SIGTTIN` and `SIGTTOU`.
pub fn stop_signals() -> SigSet {
    SigSet::EMPTY
        .with(Signal::SIGSTOP)
        .with(Signal::SIGTSTP)
        .with(Signal::SIGTTIN)
        .with(Signal::SIGTTOU)
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi::signal::{SA_NODEFER, SA_RESETHAND, SA_RESTART};

    fn handler(at: u32) -> SigAction {
        SigAction {
            handler: at,
            mask: SigSet::EMPTY,
            flags: 0,
            restorer: 0x4000,
        }
    }

    fn ignore() -> SigAction {
        SigAction {
            handler: SIG_IGN,
            ..SigAction::default()
        }
    }

    #[test]
    fn defaults() {
        let s = SignalState::new(false);
        assert_eq!(
            s.disposition(Signal::SIGTERM),
            Disposition::Default(DefaultAction::Terminate)
        );
        assert_eq!(
            s.disposition(Signal::SIGSEGV),
            Disposition::Default(DefaultAction::Core)
        );
        assert_eq!(s.disposition(Signal::SIGCHLD), Disposition::Ignore);
        assert_eq!(
            s.disposition(Signal::SIGTSTP),
            Disposition::Default(DefaultAction::Stop)
        );
        assert_eq!(s.disposition(Signal::SIGCONT), Disposition::Ignore);
        assert!(s.mask().is_empty() && s.pending().is_empty());
    }

    #[test]
    fn kill_and_stop_cannot_be_changed_and_flags_are_checked() {
        let mut s = SignalState::new(false);
        for sig in [Signal::SIGKILL, Signal::SIGSTOP] {
            assert_eq!(s.set_action(sig, ignore()), Err(Errno::EINVAL));
            assert_eq!(s.set_action(sig, handler(0x1000)), Err(Errno::EINVAL));
        }
        let bad_flags = SigAction {
            flags: 0x20,
            ..handler(0x1000)
        };
        assert_eq!(s.set_action(Signal::SIGUSR1, bad_flags), Err(Errno::EINVAL));
        assert_eq!(s.action(Signal::SIGUSR1), SigAction::default());
    }

    #[test]
    fn set_action_returns_the_old_one_and_strips_the_mask() {
        let mut s = SignalState::new(false);
        let first = SigAction {
            mask: SigSet::ALL,
            flags: SA_RESTART,
            ..handler(0x1000)
        };
        assert_eq!(
            s.set_action(Signal::SIGUSR1, first),
            Ok(SigAction::default())
        );
        let stored = s.action(Signal::SIGUSR1);
        assert!(!stored.mask.contains(Signal::SIGKILL) && !stored.mask.contains(Signal::SIGSTOP));
        assert!(stored.mask.contains(Signal::SIGINT));
        assert_eq!(s.set_action(Signal::SIGUSR1, ignore()), Ok(stored));
    }

    #[test]
    fn ignoring_discards_unless_blocked_and_drops_what_is_pending() {
        let mut s = SignalState::new(false);
        s.set_action(Signal::SIGUSR1, ignore()).unwrap();
        assert_eq!(s.post(Signal::SIGUSR1), Posted::Discarded);
        assert_eq!(s.post(Signal::SIGCHLD), Posted::Discarded);
        s.set_mask(SigSet::EMPTY.with(Signal::SIGUSR1));
        assert_eq!(
            s.post(Signal::SIGUSR1),
            Posted::Pending { deliverable: false }
        );
        assert!(s.is_pending(Signal::SIGUSR1));
        // A pending signal whose action becomes "ignore" is dropped.
        s.set_action(Signal::SIGUSR2, handler(0x1000)).unwrap();
        s.set_mask(SigSet::ALL);
        s.post(Signal::SIGUSR2);
        s.set_action(Signal::SIGUSR2, ignore()).unwrap();
        assert!(!s.is_pending(Signal::SIGUSR2));
    }

    #[test]
    fn standard_signals_merge_and_come_lowest_first_kill_before_all() {
        let mut s = SignalState::new(false);
        s.set_mask(SigSet::ALL);
        for sig in [
            Signal::SIGUSR2,
            Signal::SIGUSR1,
            Signal::SIGUSR1,
            Signal::SIGHUP,
        ] {
            assert_eq!(s.post(sig), Posted::Pending { deliverable: false });
        }
        assert!(!s.has_deliverable());
        assert_eq!(s.take_deliverable(), None);
        s.set_mask(SigSet::EMPTY);
        assert!(s.has_deliverable());
        assert_eq!(s.take_deliverable(), Some(Signal::SIGHUP));
        assert_eq!(s.take_deliverable(), Some(Signal::SIGUSR1));
        assert_eq!(s.take_deliverable(), Some(Signal::SIGUSR2));
        assert_eq!(s.take_deliverable(), None);

        s.set_mask(SigSet::ALL);
        s.post(Signal::SIGHUP);
        assert_eq!(
            s.post(Signal::SIGKILL),
            Posted::Pending { deliverable: true }
        );
        assert_eq!(s.take_deliverable(), Some(Signal::SIGKILL));
        assert_eq!(s.take_deliverable(), None);
    }

    #[test]
    fn masks_never_hold_kill_or_stop_and_how_is_checked() {
        let mut s = SignalState::new(false);
        let all = SigSet(u32::MAX);
        assert_eq!(s.change_mask(SIG_BLOCK, Some(all)), Ok(SigSet::EMPTY));
        assert!(!s.mask().contains(Signal::SIGKILL) && !s.mask().contains(Signal::SIGSTOP));
        assert_eq!(s.mask().iter().count(), 29);
        let usr1 = SigSet::EMPTY.with(Signal::SIGUSR1);
        let before = s.mask();
        assert_eq!(s.change_mask(SIG_UNBLOCK, Some(usr1)), Ok(before));
        assert!(!s.mask().contains(Signal::SIGUSR1));
        assert_eq!(
            s.change_mask(SIG_SETMASK, Some(usr1)).map(|_| s.mask()),
            Ok(usr1)
        );
        assert_eq!(s.change_mask(SIG_SETMASK, None), Ok(usr1));
        assert_eq!(s.change_mask(3, Some(usr1)), Err(Errno::EINVAL));
        assert_eq!(s.change_mask(-1, Some(SigSet::EMPTY)), Err(Errno::EINVAL));
        assert_eq!(
            s.change_mask(-1, None),
            Ok(usr1),
            "how is not significant without a set"
        );
        assert_eq!(s.mask(), usr1);
    }

    #[test]
    fn stop_and_continue_cancel_each_other() {
        let mut s = SignalState::new(false);
        s.set_mask(SigSet::ALL);
        s.post(Signal::SIGTSTP);
        s.post(Signal::SIGTTIN);
        s.post(Signal::SIGCONT);
        assert!(!s.is_pending(Signal::SIGTSTP) && !s.is_pending(Signal::SIGTTIN));
        assert!(s.is_pending(Signal::SIGCONT));
        s.post(Signal::SIGSTOP);
        assert!(!s.is_pending(Signal::SIGCONT));
        assert!(s.is_pending(Signal::SIGSTOP));
    }

    #[test]
    fn init_ignores_what_it_does_not_catch() {
        let mut s = SignalState::new(true);
        assert_eq!(s.post(Signal::SIGKILL), Posted::Discarded);
        assert_eq!(s.post(Signal::SIGTERM), Posted::Discarded);
        assert_eq!(s.post(Signal::SIGSTOP), Posted::Discarded);
        s.set_action(Signal::SIGTERM, handler(0x1000)).unwrap();
        assert_eq!(
            s.post(Signal::SIGTERM),
            Posted::Pending { deliverable: true }
        );
        // Its children are ordinary processes.
        assert_eq!(
            s.for_child().post(Signal::SIGKILL),
            Posted::Pending { deliverable: true }
        );
    }

    #[test]
    fn fork_keeps_actions_and_mask_but_not_pending() {
        let mut s = SignalState::new(false);
        s.set_action(Signal::SIGUSR1, handler(0x1000)).unwrap();
        s.set_action(Signal::SIGUSR2, ignore()).unwrap();
        s.set_mask(SigSet::EMPTY.with(Signal::SIGHUP));
        s.post(Signal::SIGHUP);
        let child = s.for_child();
        assert_eq!(child.action(Signal::SIGUSR1), s.action(Signal::SIGUSR1));
        assert_eq!(child.disposition(Signal::SIGUSR2), Disposition::Ignore);
        assert_eq!(child.mask(), s.mask());
        assert!(child.pending().is_empty());
    }

    #[test]
    fn exec_resets_caught_keeps_ignored_mask_and_pending() {
        let mut s = SignalState::new(false);
        s.set_action(Signal::SIGUSR1, handler(0x1000)).unwrap();
        s.set_action(Signal::SIGUSR2, ignore()).unwrap();
        s.set_mask(SigSet::EMPTY.with(Signal::SIGHUP));
        s.post(Signal::SIGHUP);
        s.reset_for_exec();
        assert_eq!(s.action(Signal::SIGUSR1), SigAction::default());
        assert_eq!(s.disposition(Signal::SIGUSR2), Disposition::Ignore);
        assert_eq!(s.mask(), SigSet::EMPTY.with(Signal::SIGHUP));
        assert!(s.is_pending(Signal::SIGHUP));
    }

    #[test]
    fn entering_a_handler_blocks_its_signal_and_mask() {
        let mut s = SignalState::new(false);
        let action = SigAction {
            mask: SigSet::EMPTY.with(Signal::SIGUSR2),
            ..handler(0x1000)
        };
        s.set_action(Signal::SIGUSR1, action).unwrap();
        let old = s.enter_handler(Signal::SIGUSR1, s.action(Signal::SIGUSR1));
        assert_eq!(old, SigSet::EMPTY);
        assert!(s.mask().contains(Signal::SIGUSR1) && s.mask().contains(Signal::SIGUSR2));

        let mut s = SignalState::new(false);
        let action = SigAction {
            flags: SA_NODEFER | SA_RESETHAND,
            ..handler(0x1000)
        };
        s.set_action(Signal::SIGUSR1, action).unwrap();
        s.enter_handler(Signal::SIGUSR1, s.action(Signal::SIGUSR1));
        assert!(!s.mask().contains(Signal::SIGUSR1));
        assert_eq!(s.action(Signal::SIGUSR1), SigAction::default());
    }
}

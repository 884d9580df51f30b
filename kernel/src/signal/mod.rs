//! Signals: sending, taking them on the way back to user mode, the frame a
//! handler runs on, `sigreturn`, stopping and continuing, and alarms.
//!
//! The bookkeeping (actions, mask, pending set, and what fork and exec do to
//! them) is `klib::signal::SignalState`, host-tested; this module is where
//! it meets processes, the scheduler and user memory.
//!
//! The life of a signal (docs/signals.md draws it):
//! 1. [`post`] marks it pending in the target's state. When it is not
//!    blocked, the target is *interrupted* (`sched::interrupt`): a blocking
//!    call it sits in returns EINTR (or a partial result), and the request
//!    flag makes its way back to user mode stop here.
//! 2. [`on_return_to_user`], last thing before every return to ring 3 (a
//!    system call, an interrupt, a fault), takes the pending signals one by
//!    one: ignored ones vanish, default actions terminate or stop the
//!    process, and a handler gets a [`SignalFrame`] pushed on the user
//!    stack, holding every register of the interrupted program and the mask
//!    to restore; the program resumes in the handler.
//! 3. The handler returns into its restorer, which calls [`sigreturn`]: the
//!    saved registers come back, checked so that a forged frame can never
//!    load a kernel selector or raise IOPL (SIGSEGV instead).
//!
//! Lunaix keeps the interrupted registers on the kernel stack and gives the
//! handler a pointer to them; here they live in the user's frame, as on
//! Linux, so handlers nest without bounds on the kernel stack and the kernel
//! keeps no per-signal state between delivery and `sigreturn`.

use alloc::sync::{Arc, Weak};

use abi::errno::Errno;
use abi::signal::{
    SigAction, SigContext, SigSet, Signal, SignalFrame, SA_NOCLDSTOP, SA_NOCLDWAIT, SA_RESTART,
    SA_RESTORER, SIGRETURN_CODE, SIG_IGN,
};
use abi::wait;
use klib::signal::{Disposition, Posted, SignalState};
use klib::timerq::TimerQueue;

use crate::arch::x86::gdt::{USER_CODE, USER_DATA};
use crate::arch::x86::lock::IrqMutex;
use crate::arch::x86::TrapFrame;
use crate::mm::UserPtr;
use crate::proc::{self, Pid, Process, Registry};
use crate::sched::{self, block_on};
use crate::time;

/// A process's signals: the POSIX state, and what the kernel needs around
/// it. Under the process's `signals` lock.
pub struct Signals {
    /// Actions, mask, pending.
    pub state: SignalState,
    /// Set while the process is stopped (by this signal).
    stopped: Option<Signal>,
    /// The mask `sigsuspend` replaced: restored when the handler returns
    /// (it goes in the frame) or when the call restarts.
    saved_mask: Option<SigSet>,
    /// When `SIGALRM` is due, in ns on the monotonic clock.
    alarm: Option<u64>,
    /// The exception behind a pending fault signal, for its frame.
    fault: Option<FaultInfo>,
    /// The deadline of a sleep a signal interrupted, for the same sleep
    /// when it restarts (no handler ran): it goes on to the same end.
    restart_deadline: Option<u64>,
    /// `SIGCONT`s sent so far: a stop signal taken before a `SIGCONT` was
    /// sent does not stop the process after it.
    continues: u32,
}

/// Where a fault happened, for the handler's `sigcontext`.
#[derive(Clone, Copy)]
struct FaultInfo {
    signal: Signal,
    vector: u32,
    error_code: u32,
    address: u32,
}

impl Signals {
    /// Around a fresh state, not stopped, no alarm.
    pub const fn new(state: SignalState) -> Signals {
        Signals {
            state,
            stopped: None,
            saved_mask: None,
            alarm: None,
            fault: None,
            restart_deadline: None,
            continues: 0,
        }
    }

    /// A forked child's: actions and mask copied; nothing pending, no alarm.
    pub fn for_child(&self) -> Signals {
        Signals::new(self.state.for_child())
    }
}

// ---------------------------------------------------------------- sending

/// Sends `sig` to `target`, with the registry locked (`r`): job control
/// needs it to report stops and continues to the parent and to tell
/// whether a process group is orphaned.
pub fn post(r: &mut Registry, target: &Arc<Process>, sig: Signal) {
    // A stop signal with its default action is discarded for a process in
    // an orphaned group: nobody could ever continue it (SIGSTOP excepted).
    if matches!(sig, Signal::SIGTSTP | Signal::SIGTTIN | Signal::SIGTTOU)
        && target.signals.lock().state.disposition(sig)
            == Disposition::Default(abi::signal::DefaultAction::Stop)
        && r.group_of(target.pid)
            .is_ok_and(|pgid| r.is_orphaned_group(pgid))
    {
        return;
    }
    let resumed = {
        let mut signals = target.signals.lock();
        // SIGCONT acts when sent, even when it is blocked or ignored.
        let resumed = sig == Signal::SIGCONT && signals.stopped.take().is_some();
        if resumed {
            STOPPED.fetch_sub(1, core::sync::atomic::Ordering::Relaxed);
        }
        if sig == Signal::SIGCONT {
            signals.continues = signals.continues.wrapping_add(1);
        }
        let posted = signals.state.post(sig);
        // A stopped process takes nothing but SIGKILL (and SIGCONT, which
        // has just resumed it).
        let interrupt = matches!(posted, Posted::Pending { deliverable: true })
            && (signals.stopped.is_none() || sig == Signal::SIGKILL);
        if interrupt {
            sched::interrupt(&target.task);
        }
        resumed
    };
    if resumed {
        target.paused.wake_all();
        if let Some(parent) = r.note_change(target.pid, wait::CONTINUED_STATUS) {
            notify_parent_of_change(r, &parent);
        }
    }
}

/// A child stopped or continued: `SIGCHLD` for its parent unless it asked
/// not to (`SA_NOCLDSTOP`), and a wake-up for its `waitpid`.
fn notify_parent_of_change(r: &mut Registry, parent: &Arc<Process>) {
    let quiet = parent.signals.lock().state.action(Signal::SIGCHLD).flags & SA_NOCLDSTOP != 0;
    if !quiet {
        post(r, parent, Signal::SIGCHLD);
    }
    parent.child_exit.wake_all();
}

/// True when `parent`'s children are reaped as they exit: it ignores
/// `SIGCHLD` explicitly, or asked for `SA_NOCLDWAIT`.
pub fn reaps_children_at_once(parent: &Process) -> bool {
    let action = parent.signals.lock().state.action(Signal::SIGCHLD);
    action.handler == SIG_IGN || action.flags & SA_NOCLDWAIT != 0
}

/// POSIX: when an exit leaves a process group orphaned and some member is
/// stopped, every member gets `SIGHUP` and then `SIGCONT` (nobody is left to
/// continue them otherwise). `r` has the exit recorded; `was_orphaned` says
/// whether the group already was before it.
pub fn hang_up_if_newly_orphaned(r: &mut Registry, pgid: Pid, was_orphaned: bool) {
    if was_orphaned || !r.is_orphaned_group(pgid) {
        return;
    }
    let mut stopped_member = false;
    r.for_each_in_group(pgid, |_, p| stopped_member |= is_stopped(p));
    if !stopped_member {
        return;
    }
    for sig in [Signal::SIGHUP, Signal::SIGCONT] {
        r.for_each_in_group(pgid, |r, p| post(r, p, sig));
    }
}

/// `kill(pid, sig)` from `caller`: one process (`pid` > 0), the caller's
/// group (0), every process but init and the caller (-1), or group `-pid`.
/// Signal 0 only checks that the target exists. ESRCH when nothing matches.
pub fn kill(caller: Pid, pid: Pid, sig: i32) -> Result<(), Errno> {
    let signal = match sig {
        0 => None,
        raw => Some(Signal::from_raw(raw).ok_or(Errno::EINVAL)?),
    };
    proc::with_registry(|r| {
        let mut found = false;
        let mut send = |r: &mut Registry, target: &Arc<Process>| {
            found = true;
            if let Some(signal) = signal {
                post(r, target, signal);
            }
        };
        match pid {
            p if p > 0 => {
                let target = r.get(p).ok_or(Errno::ESRCH)?;
                send(r, &target);
            }
            -1 => r.for_each_process(|r, t| {
                if t.pid != proc::INIT_PID && t.pid != caller {
                    send(r, t);
                }
            }),
            // -i32::MIN does not exist: no such group.
            i32::MIN => return Err(Errno::ESRCH),
            p => {
                let pgid = if p == 0 { r.group_of(caller)? } else { -p };
                r.for_each_in_group(pgid, &mut send);
            }
        }
        if found {
            Ok(())
        } else {
            Err(Errno::ESRCH)
        }
    })
}

/// Sends `sig` to every process of group `pgid` (a terminal's signal to its
/// foreground group; `kill(-pgid)` cannot name group 1, whose negative is
/// "everyone"). ESRCH when the group is empty.
pub fn kill_group(pgid: Pid, sig: Signal) -> Result<(), Errno> {
    proc::with_registry(|r| {
        if r.for_each_in_group(pgid, |r, t| post(r, t, sig)) {
            Ok(())
        } else {
            Err(Errno::ESRCH)
        }
    })
}

// ---------------------------------------------------------------- faults

/// A CPU exception raised `sig` in the current program: true when a handler
/// will take it (it is caught and not blocked), false when the program must
/// die of it (its action is the default, or the signal is blocked or
/// ignored: a fault cannot be deferred).
pub fn catch_fault(process: &Process, sig: Signal, frame: &TrapFrame, address: u32) -> bool {
    let mut signals = process.signals.lock();
    let caught = matches!(signals.state.disposition(sig), Disposition::Catch(_))
        && !signals.state.mask().contains(sig);
    if caught {
        signals.state.post(sig);
        signals.fault = Some(FaultInfo {
            signal: sig,
            vector: frame.vector,
            error_code: frame.error_code,
            address,
        });
        sched::interrupt_current();
    }
    caught
}

// ---------------------------------------------------------------- delivery

/// How an interrupted system call goes on once the signals are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restart {
    /// Linux's ERESTARTSYS (wait, waitpid): run the call again unless a
    /// handler without `SA_RESTART` ran.
    UnlessHandlerRefuses(u32),
    /// Linux's ERESTARTNOHAND (pause, sigsuspend, nanosleep): run it again
    /// only when no handler ran (the signal stopped and continued the
    /// process, or was ignored by the time it was taken).
    UnlessHandlerRan(u32),
}

/// Size of the `int 0x21` instruction: a restarted call resumes on it.
const SYSCALL_INSTRUCTION_SIZE: u32 = 2;

/// Takes the current process's deliverable signals before it returns to
/// user mode through `frame`: ignores, terminates, stops, or sets up one
/// handler. `restart` says how the system call it is leaving may be run
/// again when a signal cut it short. A cheap check when nothing is pending.
pub fn on_return_to_user(frame: &mut TrapFrame, restart: Option<Restart>) {
    if !sched::current_interrupted() || sched::current_is_dead() {
        return;
    }
    let process = proc::current();
    let mut handler_ran = false;
    loop {
        let step = next_step(&process);
        match step {
            Step::Done => break,
            Step::Terminate(sig) => {
                proc::exit_current(&process, wait::signaled_status(sig.as_raw()));
                return;
            }
            Step::Stop(sig, continues) => stop(&process, sig, continues),
            Step::Handle {
                sig,
                action,
                old_mask,
                fault,
            } => {
                // With SA_RESTART, the handler runs first and then the call
                // again: the frame saves registers that re-enter it.
                let rewind = match restart {
                    Some(Restart::UnlessHandlerRefuses(nr)) if action.flags & SA_RESTART != 0 => {
                        Some(nr)
                    }
                    _ => None,
                };
                let pushed = push_frame(&process, frame, sig, action, old_mask, fault, rewind);
                if let Err(why) = pushed {
                    proc::kill_current(Signal::SIGSEGV, why, frame.eip, frame.user_esp);
                    return;
                }
                handler_ran = true;
                // The interrupted call ends (EINTR, or seconds left): a
                // later sleep starts afresh.
                process.signals.lock().restart_deadline = None;
                // One handler per return; the rest come at the next one
                // (sigreturn's, at the latest).
                break;
            }
        }
    }
    if !handler_ran {
        if let Some(Restart::UnlessHandlerRefuses(nr) | Restart::UnlessHandlerRan(nr)) = restart {
            // A sigsuspend that goes again starts from the caller's mask.
            let mut signals = process.signals.lock();
            if let Some(mask) = signals.saved_mask.take() {
                signals.state.set_mask(mask);
            }
            frame.eax = nr;
            frame.eip -= SYSCALL_INSTRUCTION_SIZE;
        }
    }
}

/// What to do with the next deliverable signal.
enum Step {
    Done,
    Terminate(Signal),
    /// Stop, unless a `SIGCONT` comes after this count of them.
    Stop(Signal, u32),
    Handle {
        sig: Signal,
        action: SigAction,
        old_mask: SigSet,
        fault: Option<FaultInfo>,
    },
}

/// Takes the next deliverable signal and decides; clears the interrupt
/// request, raising it again when more signals wait.
fn next_step(process: &Process) -> Step {
    let mut signals = process.signals.lock();
    sched::clear_current_interrupt();
    let step = loop {
        // A fault's signal comes first (after SIGKILL), so that its frame
        // describes the faulting instruction.
        let fault_first = signals
            .fault
            .map(|f| f.signal)
            .filter(|_| !signals.state.is_pending(Signal::SIGKILL))
            .filter(|&sig| signals.state.take(sig));
        let Some(sig) = fault_first.or_else(|| signals.state.take_deliverable()) else {
            break Step::Done;
        };
        let fault = if signals.fault.is_some_and(|f| f.signal == sig) {
            signals.fault.take()
        } else {
            None
        };
        match signals.state.disposition(sig) {
            // SIGCONT's default action happened when it was sent.
            Disposition::Ignore
            | Disposition::Default(abi::signal::DefaultAction::Continue)
            | Disposition::Default(abi::signal::DefaultAction::Ignore) => continue,
            Disposition::Default(abi::signal::DefaultAction::Stop) => {
                break Step::Stop(sig, signals.continues)
            }
            Disposition::Default(
                abi::signal::DefaultAction::Terminate | abi::signal::DefaultAction::Core,
            ) => break Step::Terminate(sig),
            Disposition::Catch(action) => {
                let old_mask = signals
                    .saved_mask
                    .take()
                    .unwrap_or_else(|| signals.state.mask());
                signals.state.enter_handler(sig, action);
                break Step::Handle {
                    sig,
                    action,
                    old_mask,
                    fault,
                };
            }
        }
    };
    if signals.state.has_deliverable() {
        sched::interrupt_current();
    }
    step
}

/// Stops the current process (a stop signal's default action) until
/// `SIGCONT` or `SIGKILL`; its parent hears of both.
fn stop(process: &Arc<Process>, sig: Signal, continues: u32) {
    let stopped = proc::with_registry(|r| {
        if sig != Signal::SIGSTOP
            && r.group_of(process.pid)
                .is_ok_and(|pgid| r.is_orphaned_group(pgid))
        {
            return false; // nobody could continue it
        }
        {
            let mut signals = process.signals.lock();
            // A SIGCONT or SIGKILL that came meanwhile wins.
            if signals.continues != continues || signals.state.is_pending(Signal::SIGKILL) {
                return false;
            }
            signals.stopped = Some(sig);
            STOPPED.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
        }
        if let Some(parent) = r.note_change(process.pid, wait::stopped_status(sig.as_raw())) {
            notify_parent_of_change(r, &parent);
        }
        true
    });
    if !stopped {
        return;
    }
    loop {
        let resumed = || {
            let signals = process.signals.lock();
            signals.stopped.is_none() || signals.state.is_pending(Signal::SIGKILL)
        };
        if block_on(&process.paused, resumed).is_ok() || resumed() {
            break;
        }
        // Interrupted by something that does not end a stop (it stays
        // pending): wait on.
        sched::clear_current_interrupt();
    }
    // SIGKILL ends a stopped process; the caller's loop takes it.
    let mut signals = process.signals.lock();
    if signals.stopped.take().is_some() {
        STOPPED.fetch_sub(1, core::sync::atomic::Ordering::Relaxed);
    }
    if signals.state.has_deliverable() {
        sched::interrupt_current();
    }
}

/// Processes stopped right now: the exit path looks for newly orphaned
/// groups with stopped members only while there are some.
static STOPPED: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(0);

/// True when `process` is stopped.
pub fn is_stopped(process: &Process) -> bool {
    process.signals.lock().stopped.is_some()
}

/// True when some process is stopped (a cheap test for the exit path).
pub fn any_stopped() -> bool {
    STOPPED.load(core::sync::atomic::Ordering::Relaxed) > 0
}

/// The `i386` flags a signal frame may change: CF PF AF ZF SF TF DF OF, AC
/// and RF (Linux's `FIX_EFLAGS`). IOPL, VM, NT and IF are the kernel's.
const USER_FLAGS: u32 =
    0x0001 | 0x0004 | 0x0010 | 0x0040 | 0x0080 | 0x0100 | 0x0400 | 0x0800 | 0x4_0000 | 0x1_0000;
/// Trap flag and direction flag: cleared for the handler (the i386 ABI
/// wants DF clear on function entry).
const TF_DF: u32 = 0x0100 | 0x0400;
/// IOPL (bits 12-13), NT (14), VM (17): a frame asking for any is forged.
const PRIVILEGED_FLAGS: u32 = 0x3000 | 0x4000 | 0x2_0000;

/// Pushes the frame for `sig`'s handler on the user stack and points
/// `frame` at the handler. The error says why the frame could not be
/// written (the program then dies of SIGSEGV).
fn push_frame(
    process: &Process,
    frame: &mut TrapFrame,
    sig: Signal,
    action: SigAction,
    old_mask: SigSet,
    fault: Option<FaultInfo>,
    rewind: Option<u32>,
) -> Result<(), &'static str> {
    let size = core::mem::size_of::<SignalFrame>() as u32;
    // 16-byte aligned at `esp + 4` when the handler starts, as after a call.
    let base = (frame.user_esp.wrapping_sub(size) & !15).wrapping_sub(4);
    if base > frame.user_esp {
        return Err("signal frame below address 0");
    }
    let return_address = if action.flags & SA_RESTORER != 0 {
        action.restorer
    } else {
        base + core::mem::offset_of!(SignalFrame, return_code) as u32
    };
    let mut signal_frame = SignalFrame {
        return_address,
        signo: sig.as_raw(),
        context: SigContext {
            gs: frame.gs,
            fs: frame.fs,
            es: frame.es,
            ds: frame.ds,
            edi: frame.edi,
            esi: frame.esi,
            ebp: frame.ebp,
            esp: frame.user_esp,
            ebx: frame.ebx,
            edx: frame.edx,
            ecx: frame.ecx,
            eax: frame.eax,
            trapno: fault.map_or(0, |f| f.vector),
            err: fault.map_or(0, |f| f.error_code),
            eip: frame.eip,
            cs: frame.cs,
            eflags: frame.eflags,
            esp_at_signal: frame.user_esp,
            ss: frame.user_ss,
            fpstate: 0,
            oldmask: old_mask,
            cr2: fault.map_or(0, |f| f.address),
        },
        return_code: SIGRETURN_CODE,
    };
    if let Some(nr) = rewind {
        signal_frame.context.eax = nr;
        signal_frame.context.eip -= SYSCALL_INSTRUCTION_SIZE;
    }
    {
        let mut inner = process.lock();
        let space = inner.space().map_err(|_| "no address space")?;
        UserPtr::<SignalFrame>::new(base as usize)
            .write(space, signal_frame)
            .map_err(|_| "signal frame does not fit on the stack")?;
    }
    frame.user_esp = base;
    frame.eip = action.handler;
    // The signal number in eax too, for handlers compiled with regparm.
    frame.eax = sig.as_raw() as u32;
    frame.edx = 0;
    frame.ecx = 0;
    frame.eflags &= !TF_DF;
    Ok(())
}

/// `sigreturn`: restores the context the handler's frame saved (at the
/// caller's esp, the restorer having popped the signal number) and its
/// mask. Returns the restored eax, which becomes the program's eax again.
/// A frame that cannot be read, or that asks for a kernel selector or
/// privileged flags, kills the program with SIGSEGV.
pub fn sigreturn(process: &Process, frame: &mut TrapFrame) -> Result<usize, Errno> {
    let at = frame.user_esp;
    let saved = {
        let mut inner = process.lock();
        let space = inner.space()?;
        UserPtr::<SigContext>::new(at as usize).read(space)
    };
    let saved = match saved {
        Ok(saved) if is_safe_context(&saved) => saved,
        Ok(_) => {
            proc::kill_current(
                Signal::SIGSEGV,
                "sigreturn with a forged frame",
                frame.eip,
                at,
            );
            return Ok(0);
        }
        Err(_) => {
            proc::kill_current(Signal::SIGSEGV, "sigreturn without a frame", frame.eip, at);
            return Ok(0);
        }
    };
    frame.gs = saved.gs;
    frame.fs = saved.fs;
    frame.es = saved.es;
    frame.ds = saved.ds;
    frame.edi = saved.edi;
    frame.esi = saved.esi;
    frame.ebp = saved.ebp;
    frame.ebx = saved.ebx;
    frame.edx = saved.edx;
    frame.ecx = saved.ecx;
    frame.eip = saved.eip;
    frame.cs = saved.cs;
    frame.eflags = (frame.eflags & !USER_FLAGS) | (saved.eflags & USER_FLAGS);
    frame.user_esp = saved.esp_at_signal;
    frame.user_ss = saved.ss;
    let mut signals = process.signals.lock();
    signals.state.set_mask(saved.oldmask);
    if signals.state.has_deliverable() {
        sched::interrupt_current();
    }
    Ok(saved.eax as usize)
}

/// True when `context` loads only user selectors and no privileged flags.
fn is_safe_context(context: &SigContext) -> bool {
    let user_data = |s: u32| s == USER_DATA as u32;
    let data_or_null = |s: u32| user_data(s) || s == 0;
    context.cs == USER_CODE as u32
        && user_data(context.ss)
        && user_data(context.ds)
        && user_data(context.es)
        && data_or_null(context.fs)
        && data_or_null(context.gs)
        && context.eflags & PRIVILEGED_FLAGS == 0
}

// ---------------------------------------------------------------- calls

/// `sigaction(sig, act, oldact)`.
pub fn sigaction(
    process: &Process,
    sig: i32,
    act: UserPtr<SigAction>,
    oldact: UserPtr<SigAction>,
) -> Result<(), Errno> {
    let sig = Signal::from_raw(sig).ok_or(Errno::EINVAL)?;
    let new = if act.is_null() {
        None
    } else {
        Some(act.read(process.lock().space()?)?)
    };
    let old = {
        let mut signals = process.signals.lock();
        match new {
            Some(action) => signals.state.set_action(sig, action)?,
            None => signals.state.action(sig),
        }
    };
    if !oldact.is_null() {
        oldact.write(process.lock().space()?, old)?;
    }
    Ok(())
}

/// `sigprocmask(how, set, oldset)`.
pub fn sigprocmask(
    process: &Process,
    how: i32,
    set: UserPtr<SigSet>,
    oldset: UserPtr<SigSet>,
) -> Result<(), Errno> {
    let set = if set.is_null() {
        None
    } else {
        Some(set.read(process.lock().space()?)?)
    };
    let old = {
        let mut signals = process.signals.lock();
        let old = signals.state.change_mask(how, set)?;
        if signals.state.has_deliverable() {
            sched::interrupt_current();
        }
        old
    };
    if !oldset.is_null() {
        oldset.write(process.lock().space()?, old)?;
    }
    Ok(())
}

/// `sigpending(set)`: the pending signals that are blocked.
pub fn sigpending(process: &Process, set: UserPtr<SigSet>) -> Result<(), Errno> {
    let pending = {
        let signals = process.signals.lock();
        signals.state.pending().intersection(signals.state.mask())
    };
    set.write(process.lock().space()?, pending)
}

/// `pause`: blocks until a signal is taken; always EINTR.
pub fn pause(process: &Process) -> Errno {
    // Nothing wakes this queue but an interrupt.
    match block_on(&process.paused, || false) {
        Err(e) => e.into(),
        Ok(()) => unreachable!("the condition never holds"),
    }
}

/// `sigsuspend(mask)`: waits with `mask` in place until a signal is taken;
/// the caller's mask comes back when the handler returns. Always EINTR
/// (or EFAULT for an unreadable mask).
pub fn sigsuspend(process: &Process, mask: UserPtr<SigSet>) -> Errno {
    let mask = {
        let mut inner = process.lock();
        match inner.space().and_then(|space| mask.read(space)) {
            Ok(mask) => mask,
            Err(e) => return e,
        }
    };
    {
        let mut signals = process.signals.lock();
        let old = signals.state.mask();
        signals.saved_mask = Some(old);
        signals.state.set_mask(mask);
        if signals.state.has_deliverable() {
            sched::interrupt_current();
        }
    }
    pause(process)
}

/// Remembers an interrupted sleep's deadline for its restart.
pub fn keep_deadline_for_restart(process: &Process, deadline: u64) {
    process.signals.lock().restart_deadline = Some(deadline);
}

/// The deadline a restarted sleep goes on to, if this call is one.
pub fn take_deadline_for_restart(process: &Process) -> Option<u64> {
    process.signals.lock().restart_deadline.take()
}

/// `alarm(seconds)`: `SIGALRM` after that many seconds (0 cancels); returns
/// the seconds left of the previous alarm, rounded up (0 when none). As on
/// Linux i386, more than `INT_MAX` seconds count as `INT_MAX`, so that what
/// comes back can never read as an error.
pub fn alarm(process: &Arc<Process>, seconds: u32) -> Result<u32, Errno> {
    let seconds = seconds.min(i32::MAX as u32);
    let now = time::now_ns();
    let deadline = now + seconds as u64 * 1_000_000_000;
    {
        // One entry per process at most: the old one goes (so that a loop
        // of alarms cannot fill the kernel heap). The new one is queued
        // before the state changes: running out of memory leaves the old
        // alarm in place.
        let mut alarms = ALARMS.lock();
        if seconds != 0 {
            alarms
                .insert(deadline, (deadline, Arc::downgrade(process)))
                .map_err(|_| Errno::ENOMEM)?;
        }
        let me = Arc::as_ptr(process);
        alarms.retain(|(due, owner)| !(core::ptr::eq(owner.as_ptr(), me) && *due != deadline));
    }
    let mut signals = process.signals.lock();
    let left = signals
        .alarm
        .map_or(0, |due| due.saturating_sub(now).div_ceil(1_000_000_000));
    signals.alarm = (seconds != 0).then_some(deadline);
    Ok(left as u32)
}

/// Drops the current alarm (the process exits; a queued entry for it no
/// longer matches).
pub fn cancel_alarm(process: &Process) {
    process.signals.lock().alarm = None;
}

/// Alarms by deadline: the process, and the deadline it had when queued
/// (an alarm replaced or cancelled since no longer matches and is skipped).
static ALARMS: IrqMutex<TimerQueue<(u64, Weak<Process>)>> = IrqMutex::new(TimerQueue::new());

/// From the timer interrupt: sends `SIGALRM` to every process whose alarm
/// is due. Never early: the clock is read after the tick.
pub fn expire_alarms() {
    let now = time::now_ns();
    loop {
        let due = ALARMS.lock().pop_expired(now);
        let Some((deadline, process)) = due else {
            return;
        };
        let Some(process) = process.upgrade() else {
            continue;
        };
        let current = {
            let mut signals = process.signals.lock();
            let current = signals.alarm == Some(deadline);
            if current {
                signals.alarm = None;
            }
            current
        };
        if current {
            proc::with_registry(|r| post(r, &process, Signal::SIGALRM));
        }
    }
}

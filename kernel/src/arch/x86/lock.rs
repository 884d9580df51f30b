//! The kernel's lock: a spin lock that masks interrupts while it is held.
//!
//! Taking an [`IrqMutex`] clears the interrupt flag and remembers whether it
//! was set; dropping the guard releases the lock and restores the flag. So an
//! interrupt handler can never spin on a lock that the code it interrupted
//! holds. Each CPU counts the locks it holds ([`locks_held`]): `schedule()`
//! asserts the count, as xv6's `sched()` does, because switching away with a
//! lock held would leave it held by a context that is not running.
//!
//! There is one CPU today, so a lock that is already held when this CPU asks
//! for it can only be held by this CPU: spinning would never end. That is
//! reported as a kernel bug at once instead of a silent hang. With several
//! CPUs the owner check stays and other owners are waited for; callers do not
//! change.
//!
//! The scheduler's lock is the one lock held across a context switch (see
//! `sched`): [`IrqGuard::keep_across_switch`] leaves it held, and the context
//! that resumes adopts it with [`IrqMutex::adopt_after_switch`].

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use super::cpu;

/// Locks held by this CPU (one CPU today; per-CPU data with several).
static LOCKS_HELD: AtomicUsize = AtomicUsize::new(0);

/// Owner value meaning "free"; a held lock stores its CPU's id plus one.
const UNLOCKED: u32 = 0;

/// How many locks this CPU holds right now.
pub fn locks_held() -> usize {
    LOCKS_HELD.load(Ordering::Relaxed)
}

/// A spin lock that disables interrupts while held.
pub struct IrqMutex<T> {
    owner: AtomicU32,
    data: UnsafeCell<T>,
}

// SAFETY: the lock hands out access to `data` to one holder at a time, so
// sharing the mutex between CPUs is sound whenever `T` may move between them.
unsafe impl<T: Send> Sync for IrqMutex<T> {}
// SAFETY: as above; the mutex owns its data.
unsafe impl<T: Send> Send for IrqMutex<T> {}

/// Access to the data of a held [`IrqMutex`]; dropping it unlocks.
pub struct IrqGuard<'a, T> {
    lock: &'a IrqMutex<T>,
    interrupts_were_on: bool,
}

impl<T> IrqMutex<T> {
    /// A free lock around `data`.
    pub const fn new(data: T) -> Self {
        IrqMutex {
            owner: AtomicU32::new(UNLOCKED),
            data: UnsafeCell::new(data),
        }
    }

    /// Takes the lock, masking interrupts until the guard is dropped.
    ///
    /// # Panics
    /// When this CPU already holds the lock (a deadlock on one CPU).
    #[track_caller]
    pub fn lock(&self) -> IrqGuard<'_, T> {
        match self.try_lock() {
            Some(guard) => guard,
            None => panic!("lock taken twice on one CPU (a deadlock)"),
        }
    }

    /// Takes the lock if it is free. The fault paths use this to print
    /// around a lock that the interrupted code held.
    pub fn try_lock(&self) -> Option<IrqGuard<'_, T>> {
        let interrupts_were_on = cpu::interrupts_enabled();
        cpu::disable_interrupts();
        let me = cpu::id() + 1;
        match self
            .owner
            .compare_exchange(UNLOCKED, me, Ordering::Acquire, Ordering::Relaxed)
        {
            Ok(_) => {
                LOCKS_HELD.fetch_add(1, Ordering::Relaxed);
                Some(IrqGuard {
                    lock: self,
                    interrupts_were_on,
                })
            }
            Err(_) => {
                if interrupts_were_on {
                    cpu::enable_interrupts();
                }
                None
            }
        }
    }

    /// Turns a lock that was kept held across a context switch (by
    /// [`IrqGuard::keep_across_switch`] in the context that switched away)
    /// into a guard of the context that now runs. Interrupts stay off when
    /// the guard is dropped: this context returns to where it was
    /// interrupted through `iret`, which restores the flag.
    ///
    /// # Panics
    /// When this CPU does not hold the lock.
    pub fn adopt_after_switch(&self) -> IrqGuard<'_, T> {
        assert_eq!(
            self.owner.load(Ordering::Relaxed),
            cpu::id() + 1,
            "adopting a lock this CPU does not hold"
        );
        IrqGuard {
            lock: self,
            interrupts_were_on: false,
        }
    }
}

impl<'a, T> IrqGuard<'a, T> {
    /// Leaves the lock held (and counted) when this context switches away;
    /// the context that runs next must call
    /// [`IrqMutex::adopt_after_switch`] and drop what it gets. Returns the
    /// data for the last steps before the switch: the reference must not be
    /// used once the switch has happened (by then another context owns the
    /// lock).
    pub fn keep_across_switch(self) -> &'a mut T {
        let lock = self.lock;
        core::mem::forget(self);
        // SAFETY: the lock stays held by this CPU until the next context
        // adopts it; until then this is the only reference to the data.
        unsafe { &mut *lock.data.get() }
    }
}

impl<T> Deref for IrqGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard exists only while this CPU owns the lock.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T> DerefMut for IrqGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard exists only while this CPU owns the lock, and
        // `&mut self` makes this the only reference through it.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T> Drop for IrqGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.owner.store(UNLOCKED, Ordering::Release);
        LOCKS_HELD.fetch_sub(1, Ordering::Relaxed);
        if self.interrupts_were_on {
            cpu::enable_interrupts();
        }
    }
}

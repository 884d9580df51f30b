//! Checked access to user memory: the only way the kernel touches it.
//!
//! System-call handlers receive typed views built by the generated dispatch
//! from the table's argument types: a [`UserSlice`] (an address and a length)
//! whose type says which way the bytes go, `UserSlice<In>` for a buffer the
//! kernel only reads (`write`'s) and `UserSlice<Out>` for one it only fills
//! (`read`'s), so a handler cannot write into its input; or a [`UserPtr<T>`]
//! (one value of a plain type). A raw [`UserAddr`] remains for NULL-terminated arrays and
//! strings. Every one is an untrusted number from a system call. Before any byte
//! moves, the whole range is checked against the caller's page tables: it
//! must not wrap, must lie below the kernel, and every page must be present
//! and user-accessible (and writable, or copy-on-write, for writes, which
//! are copied first). Anything else is `EFAULT`, and nothing has been
//! written. Bytes are then copied through the direct map, so the kernel
//! never takes a page fault on a user address.

use alloc::vec::Vec;
use core::marker::PhantomData;

use abi::errno::Errno;
use abi::signal::{SigAction, SigContext, SigSet, SignalFrame};

use super::address_space::{AddressSpace, CowOutcome};
use super::{page_down, phys_to_virt, PAGE_SIZE};
use crate::arch::x86::paging::EntryFlags;

/// An address in user space, as a system call received it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserAddr(usize);

/// Whether a range is going to be read or written by the kernel.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KernelAccess {
    Reads,
    Writes,
}

/// Direction of a [`UserSlice`]: data flows in, the kernel reads the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum In {}

/// Direction of a [`UserSlice`]: data flows out, the kernel fills the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Out {}

impl UserAddr {
    /// Wraps a raw system-call argument.
    pub const fn new(addr: usize) -> UserAddr {
        UserAddr(addr)
    }

    /// True for NULL.
    pub const fn is_null(self) -> bool {
        self.0 == 0
    }

    /// The argument as a number: `ioctl`'s argument is one for some requests
    /// (`TCFLSH`'s queue selector), an address for others.
    pub const fn as_number(self) -> usize {
        self.0
    }

    /// A typed pointer to the same address (`ioctl`'s argument, whose type
    /// depends on the request).
    pub const fn typed<T: UserValue>(self) -> UserPtr<T> {
        UserPtr::new(self.0)
    }

    /// This address plus `offset`, or EFAULT if it wraps.
    pub fn offset(self, offset: usize) -> Result<UserAddr, Errno> {
        self.0
            .checked_add(offset)
            .map(UserAddr)
            .ok_or(Errno::EFAULT)
    }
}

/// Checks `[addr, addr + len)` page by page; for writes, breaks
/// copy-on-write sharing so every page ends up privately writable.
fn check(
    space: &mut AddressSpace,
    addr: UserAddr,
    len: usize,
    dir: KernelAccess,
) -> Result<(), Errno> {
    if len == 0 {
        return Ok(());
    }
    let start = addr.0 as u64;
    let end = start + len as u64; // cannot overflow in u64
    if end > abi::layout::USER_END as u64 || start < PAGE_SIZE as u64 {
        return Err(Errno::EFAULT);
    }
    let mut page = page_down(start as u32) as u64;
    while page < end {
        // A stack or bss page the program has not touched yet is mapped
        // now, as its own access would have done through a page fault.
        space.map_on_demand(page as u32)?;
        let entry = space.entry(page as u32).ok_or(Errno::EFAULT)?;
        let flags = entry.flags();
        if !flags.contains(EntryFlags::PRESENT | EntryFlags::USER) {
            return Err(Errno::EFAULT);
        }
        if dir == KernelAccess::Writes && !flags.contains(EntryFlags::WRITABLE) {
            match space.break_copy_on_write(page as u32)? {
                CowOutcome::MadeWritable => {}
                CowOutcome::NotCopyOnWrite => return Err(Errno::EFAULT),
            }
        }
        page += PAGE_SIZE as u64;
    }
    Ok(())
}

/// Calls `f` with each (kernel pointer, length) piece of a checked range.
fn for_each_piece(
    space: &AddressSpace,
    addr: UserAddr,
    len: usize,
    mut f: impl FnMut(*mut u8, usize),
) {
    let mut done = 0;
    while done < len {
        let va = (addr.0 + done) as u32;
        let in_page = (PAGE_SIZE - va % PAGE_SIZE) as usize;
        let n = in_page.min(len - done);
        let frame = space.entry(va).expect("range was checked").address();
        f(
            (phys_to_virt(frame) + (va % PAGE_SIZE) as usize) as *mut u8,
            n,
        );
        done += n;
    }
}

/// Copies `out.len()` bytes from user memory.
pub fn copy_from_user(
    space: &mut AddressSpace,
    addr: UserAddr,
    out: &mut [u8],
) -> Result<(), Errno> {
    check(space, addr, out.len(), KernelAccess::Reads)?;
    let mut done = 0;
    for_each_piece(space, addr, out.len(), |ptr, n| {
        // SAFETY: the range was checked to be mapped user memory, reached
        // through the direct map; `out` is a kernel buffer of this length.
        unsafe { core::ptr::copy_nonoverlapping(ptr, out[done..].as_mut_ptr(), n) };
        done += n;
    });
    Ok(())
}

/// Copies `data` into user memory; all or nothing.
pub fn copy_to_user(space: &mut AddressSpace, addr: UserAddr, data: &[u8]) -> Result<(), Errno> {
    check(space, addr, data.len(), KernelAccess::Writes)?;
    let mut done = 0;
    for_each_piece(space, addr, data.len(), |ptr, n| {
        // SAFETY: the range was checked to be privately writable user memory.
        unsafe { core::ptr::copy_nonoverlapping(data[done..].as_ptr(), ptr, n) };
        done += n;
    });
    Ok(())
}

/// Reads a user value of a plain-data type (no alignment needed).
pub fn read_u32(space: &mut AddressSpace, addr: UserAddr) -> Result<u32, Errno> {
    let mut bytes = [0u8; 4];
    copy_from_user(space, addr, &mut bytes)?;
    Ok(u32::from_le_bytes(bytes))
}

/// Reads a NUL-terminated byte string of at most `max_len` bytes (without
/// the NUL); longer strings are `too_long`.
pub fn read_c_string(
    space: &mut AddressSpace,
    addr: UserAddr,
    max_len: usize,
    too_long: Errno,
) -> Result<Vec<u8>, Errno> {
    let mut bytes = Vec::new();
    loop {
        let mut byte = [0u8; 1];
        copy_from_user(space, addr.offset(bytes.len())?, &mut byte)?;
        if byte[0] == 0 {
            return Ok(bytes);
        }
        if bytes.len() == max_len {
            return Err(too_long);
        }
        // The kernel heap may be nearly full (many processes): ENOMEM, not a panic.
        bytes.try_reserve(1).map_err(|_| Errno::ENOMEM)?;
        bytes.push(byte[0]);
    }
}

/// Reads a NULL-terminated array of string pointers (argv, envp). NULL
/// itself means an empty array. The strings are bytes: Unix arguments need
/// not be UTF-8.
pub fn read_string_array(
    space: &mut AddressSpace,
    addr: UserAddr,
    max_count: usize,
    byte_budget: &mut usize,
) -> Result<Vec<Vec<u8>>, Errno> {
    let mut strings = Vec::new();
    if addr.is_null() {
        return Ok(strings);
    }
    loop {
        let pointer = read_u32(space, addr.offset(strings.len() * 4)?)?;
        if pointer == 0 {
            return Ok(strings);
        }
        if strings.len() == max_count {
            return Err(Errno::E2BIG);
        }
        let s = read_c_string(
            space,
            UserAddr::new(pointer as usize),
            *byte_budget,
            Errno::E2BIG,
        )?;
        *byte_budget = byte_budget.checked_sub(s.len() + 1).ok_or(Errno::E2BIG)?;
        strings.try_reserve(1).map_err(|_| Errno::ENOMEM)?;
        strings.push(s);
    }
}

/// A user buffer of `len` bytes at `addr`, as a system call received it;
/// `D` says which way the bytes go: [`In`] (the kernel reads it, `write`'s
/// buffer) or [`Out`] (the kernel fills it, `read`'s).
#[derive(Debug, PartialEq, Eq)]
pub struct UserSlice<D> {
    addr: UserAddr,
    len: usize,
    _direction: PhantomData<D>,
}

impl<D> Clone for UserSlice<D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<D> Copy for UserSlice<D> {}

impl<D> UserSlice<D> {
    /// Wraps raw system-call arguments; nothing is checked until used.
    pub const fn new(addr: usize, len: usize) -> UserSlice<D> {
        UserSlice {
            addr: UserAddr::new(addr),
            len,
            _direction: PhantomData,
        }
    }

    /// Its length in bytes.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first `len` bytes (or all, if shorter).
    pub fn prefix(self, len: usize) -> UserSlice<D> {
        UserSlice::new(self.addr.0, self.len.min(len))
    }

    /// At most `len` bytes from `offset` on (empty past the end).
    pub fn sub(self, offset: usize, len: usize) -> UserSlice<D> {
        let offset = offset.min(self.len);
        UserSlice::new(
            self.addr.0.wrapping_add(offset),
            (self.len - offset).min(len),
        )
    }
}

impl UserSlice<In> {
    /// Checks the whole range, then hands it to `sink` piece by piece (at
    /// most a page each) straight from the user's frames: no kernel copy.
    /// EFAULT, with `sink` never called, when any byte is not readable.
    pub fn read_in_pieces(
        self,
        space: &mut AddressSpace,
        mut sink: impl FnMut(&[u8]),
    ) -> Result<(), Errno> {
        check(space, self.addr, self.len, KernelAccess::Reads)?;
        for_each_piece(space, self.addr, self.len, |ptr, n| {
            // SAFETY: the range was checked to be mapped user memory,
            // reached through the direct map; the piece stays in one page
            // and nothing writes it while the caller holds `space`.
            sink(unsafe { core::slice::from_raw_parts(ptr, n) })
        });
        Ok(())
    }
}

impl UserSlice<Out> {
    /// EFAULT unless every byte may be written (copy-on-write pages are
    /// made private now, as a write would).
    pub fn check_writable(&self, space: &mut AddressSpace) -> Result<(), Errno> {
        check(space, self.addr, self.len, KernelAccess::Writes)
    }

    /// Fills the start of the buffer with `data` (at most its length;
    /// returns how many bytes were written), all or nothing: EFAULT, with
    /// nothing written, when any byte of that range is not writable.
    pub fn write_from(self, space: &mut AddressSpace, data: &[u8]) -> Result<usize, Errno> {
        let n = data.len().min(self.len);
        copy_to_user(space, self.addr, &data[..n])?;
        Ok(n)
    }
}

/// A plain value that crosses the user boundary as little-endian bytes,
/// field by field in declaration order (the `#[repr(C)]` layouts of `abi`
/// have no padding, so this is their memory image).
pub trait UserValue: Copy {
    /// Its size in bytes (at most [`MAX_VALUE_SIZE`]).
    const SIZE: usize;
    /// Encodes the value into `out` (`SIZE` bytes).
    fn encode(&self, out: &mut [u8]);
    /// Decodes a value from `bytes` (`SIZE` bytes).
    fn decode(bytes: &[u8]) -> Self;
}

/// The largest [`UserValue`].
pub const MAX_VALUE_SIZE: usize = 128;

/// Little-endian 32-bit words in and out of a byte buffer.
fn put_words(out: &mut [u8], words: &[u32]) {
    for (chunk, word) in out.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&word.to_le_bytes());
    }
}

fn word(bytes: &[u8], index: usize) -> u32 {
    let at = index * 4;
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

impl UserValue for i32 {
    const SIZE: usize = 4;
    fn encode(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_le_bytes());
    }
    fn decode(bytes: &[u8]) -> Self {
        word(bytes, 0) as i32
    }
}

impl UserValue for u32 {
    const SIZE: usize = 4;
    fn encode(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_le_bytes());
    }
    fn decode(bytes: &[u8]) -> Self {
        word(bytes, 0)
    }
}

impl UserValue for abi::tty::WinSize {
    const SIZE: usize = 8;
    fn encode(&self, out: &mut [u8]) {
        put_words(
            out,
            &[
                u32::from(self.ws_row) | u32::from(self.ws_col) << 16,
                u32::from(self.ws_xpixel) | u32::from(self.ws_ypixel) << 16,
            ],
        );
    }
    fn decode(bytes: &[u8]) -> Self {
        let (first, second) = (word(bytes, 0), word(bytes, 1));
        abi::tty::WinSize {
            ws_row: first as u16,
            ws_col: (first >> 16) as u16,
            ws_xpixel: second as u16,
            ws_ypixel: (second >> 16) as u16,
        }
    }
}

impl UserValue for abi::time::Timespec {
    const SIZE: usize = 8;
    fn encode(&self, out: &mut [u8]) {
        put_words(out, &[self.tv_sec as u32, self.tv_nsec as u32]);
    }
    fn decode(bytes: &[u8]) -> Self {
        abi::time::Timespec {
            tv_sec: word(bytes, 0) as i32,
            tv_nsec: word(bytes, 1) as i32,
        }
    }
}

impl UserValue for abi::fs::FdPair {
    const SIZE: usize = 8;
    fn encode(&self, out: &mut [u8]) {
        put_words(out, &[self.read as u32, self.write as u32]);
    }
    fn decode(bytes: &[u8]) -> Self {
        abi::fs::FdPair {
            read: word(bytes, 0) as i32,
            write: word(bytes, 1) as i32,
        }
    }
}

impl UserValue for i64 {
    const SIZE: usize = 8;
    fn encode(&self, out: &mut [u8]) {
        out.copy_from_slice(&self.to_le_bytes());
    }
    fn decode(bytes: &[u8]) -> Self {
        i64::from(word(bytes, 0)) | (i64::from(word(bytes, 1)) << 32)
    }
}

fn dword(bytes: &[u8], index: usize) -> u64 {
    u64::from(word(bytes, index)) | (u64::from(word(bytes, index + 1)) << 32)
}

impl UserValue for abi::fs::Stat {
    const SIZE: usize = 88;
    fn encode(&self, out: &mut [u8]) {
        let lo = |v: u64| v as u32;
        let hi = |v: u64| (v >> 32) as u32;
        put_words(
            out,
            &[
                lo(self.dev),
                hi(self.dev),
                lo(self.ino),
                hi(self.ino),
                self.mode,
                self.nlink,
                self.uid,
                self.gid,
                lo(self.rdev),
                hi(self.rdev),
                lo(self.size as u64),
                hi(self.size as u64),
                self.blksize,
                self.pad,
                lo(self.blocks),
                hi(self.blocks),
                self.atime.tv_sec as u32,
                self.atime.tv_nsec as u32,
                self.mtime.tv_sec as u32,
                self.mtime.tv_nsec as u32,
                self.ctime.tv_sec as u32,
                self.ctime.tv_nsec as u32,
            ],
        );
    }
    fn decode(bytes: &[u8]) -> Self {
        let time = |i| abi::time::Timespec {
            tv_sec: word(bytes, i) as i32,
            tv_nsec: word(bytes, i + 1) as i32,
        };
        abi::fs::Stat {
            dev: dword(bytes, 0),
            ino: dword(bytes, 2),
            mode: word(bytes, 4),
            nlink: word(bytes, 5),
            uid: word(bytes, 6),
            gid: word(bytes, 7),
            rdev: dword(bytes, 8),
            size: dword(bytes, 10) as i64,
            blksize: word(bytes, 12),
            pad: word(bytes, 13),
            blocks: dword(bytes, 14),
            atime: time(16),
            mtime: time(18),
            ctime: time(20),
        }
    }
}

impl UserValue for abi::tty::Termios {
    const SIZE: usize = 36;
    fn encode(&self, out: &mut [u8]) {
        put_words(
            &mut out[..16],
            &[self.c_iflag, self.c_oflag, self.c_cflag, self.c_lflag],
        );
        out[16] = self.c_line;
        out[17..36].copy_from_slice(&self.c_cc);
    }
    fn decode(bytes: &[u8]) -> Self {
        let mut c_cc = [0; abi::tty::NCCS];
        c_cc.copy_from_slice(&bytes[17..36]);
        abi::tty::Termios {
            c_iflag: word(bytes, 0),
            c_oflag: word(bytes, 1),
            c_cflag: word(bytes, 2),
            c_lflag: word(bytes, 3),
            c_line: bytes[16],
            c_cc,
        }
    }
}

const _: () = assert!(<abi::fs::Stat as UserValue>::SIZE == core::mem::size_of::<abi::fs::Stat>());
const _: () =
    assert!(<abi::tty::Termios as UserValue>::SIZE == core::mem::size_of::<abi::tty::Termios>());

impl UserValue for SigSet {
    const SIZE: usize = 4;
    fn encode(&self, out: &mut [u8]) {
        put_words(out, &[self.0]);
    }
    fn decode(bytes: &[u8]) -> Self {
        SigSet(word(bytes, 0))
    }
}

impl UserValue for SigAction {
    const SIZE: usize = 16;
    fn encode(&self, out: &mut [u8]) {
        put_words(out, &[self.handler, self.mask.0, self.flags, self.restorer]);
    }
    fn decode(bytes: &[u8]) -> Self {
        SigAction {
            handler: word(bytes, 0),
            mask: SigSet(word(bytes, 1)),
            flags: word(bytes, 2),
            restorer: word(bytes, 3),
        }
    }
}

/// `SigContext` as its 22 words, in declaration order.
fn context_words(c: &SigContext) -> [u32; 22] {
    [
        c.gs,
        c.fs,
        c.es,
        c.ds,
        c.edi,
        c.esi,
        c.ebp,
        c.esp,
        c.ebx,
        c.edx,
        c.ecx,
        c.eax,
        c.trapno,
        c.err,
        c.eip,
        c.cs,
        c.eflags,
        c.esp_at_signal,
        c.ss,
        c.fpstate,
        c.oldmask.0,
        c.cr2,
    ]
}

fn context_from_words(bytes: &[u8]) -> SigContext {
    let w = |i| word(bytes, i);
    SigContext {
        gs: w(0),
        fs: w(1),
        es: w(2),
        ds: w(3),
        edi: w(4),
        esi: w(5),
        ebp: w(6),
        esp: w(7),
        ebx: w(8),
        edx: w(9),
        ecx: w(10),
        eax: w(11),
        trapno: w(12),
        err: w(13),
        eip: w(14),
        cs: w(15),
        eflags: w(16),
        esp_at_signal: w(17),
        ss: w(18),
        fpstate: w(19),
        oldmask: SigSet(w(20)),
        cr2: w(21),
    }
}

impl UserValue for SigContext {
    const SIZE: usize = 88;
    fn encode(&self, out: &mut [u8]) {
        put_words(out, &context_words(self));
    }
    fn decode(bytes: &[u8]) -> Self {
        context_from_words(bytes)
    }
}

impl UserValue for SignalFrame {
    const SIZE: usize = 104;
    fn encode(&self, out: &mut [u8]) {
        put_words(&mut out[..8], &[self.return_address, self.signo as u32]);
        put_words(&mut out[8..96], &context_words(&self.context));
        out[96..104].copy_from_slice(&self.return_code);
    }
    fn decode(bytes: &[u8]) -> Self {
        let mut return_code = [0; 8];
        return_code.copy_from_slice(&bytes[96..104]);
        SignalFrame {
            return_address: word(bytes, 0),
            signo: word(bytes, 1) as i32,
            context: context_from_words(&bytes[8..96]),
            return_code,
        }
    }
}

const _: () = assert!(<SignalFrame as UserValue>::SIZE == core::mem::size_of::<SignalFrame>());
const _: () = assert!(<SigContext as UserValue>::SIZE == core::mem::size_of::<SigContext>());
const _: () = assert!(<SigAction as UserValue>::SIZE == core::mem::size_of::<SigAction>());
const _: () = assert!(<SignalFrame as UserValue>::SIZE <= MAX_VALUE_SIZE);

/// A pointer to one `T` in user memory; NULL is allowed where the call
/// allows it ([`UserPtr::is_null`]).
#[derive(Debug, PartialEq, Eq)]
pub struct UserPtr<T> {
    addr: UserAddr,
    _value: PhantomData<T>,
}

impl<T> Clone for UserPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for UserPtr<T> {}

impl<T: UserValue> UserPtr<T> {
    /// Wraps a raw system-call argument.
    pub const fn new(addr: usize) -> UserPtr<T> {
        UserPtr {
            addr: UserAddr::new(addr),
            _value: PhantomData,
        }
    }

    /// True for NULL.
    pub const fn is_null(&self) -> bool {
        self.addr.is_null()
    }

    /// Stores `value` (all or nothing; EFAULT when not writable).
    pub fn write(self, space: &mut AddressSpace, value: T) -> Result<(), Errno> {
        let mut bytes = [0u8; MAX_VALUE_SIZE];
        let bytes = &mut bytes[..T::SIZE];
        value.encode(bytes);
        copy_to_user(space, self.addr, bytes)
    }

    /// Loads the value (EFAULT when not readable).
    pub fn read(self, space: &mut AddressSpace) -> Result<T, Errno> {
        let mut bytes = [0u8; MAX_VALUE_SIZE];
        let bytes = &mut bytes[..T::SIZE];
        copy_from_user(space, self.addr, bytes)?;
        Ok(T::decode(bytes))
    }
}

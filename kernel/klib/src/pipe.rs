//! A pipe's buffer and the POSIX decisions about it: how much a read or a
//! write moves, when it must wait, when it meets end of file or a broken
//! pipe.
//!
//! The kernel keeps one [`PipeBuffer`] per pipe behind its lock and wraps
//! the blocking around it: a call that gets `WouldBlock` either fails with
//! `EAGAIN` (`O_NONBLOCK` on the open file description) or sleeps on the
//! pipe's wait queue until [`PipeBuffer::readable`] or
//! [`PipeBuffer::writable`] holds (or a signal interrupts it), then asks
//! again. The decision itself does not depend on `O_NONBLOCK`: POSIX gives
//! both modes the same rule for what may be transferred now, and differs
//! only in what to do when nothing may.
//!
//! The rules:
//! - a read takes what is there, up to the size asked, and waits only when
//!   the pipe is empty; empty with no write end left is end of file;
//! - a write of at most [`PIPE_BUF`] bytes is atomic: all of it goes in
//!   at once, or (not enough room) none and it waits, so records of
//!   several writers never interleave;
//! - a larger write takes whatever room there is and reports the part it
//!   wrote; the kernel's loop passes the rest again (blocking) or returns
//!   the count (`O_NONBLOCK`), so large writes may interleave, as POSIX
//!   allows;
//! - a write with no read end left is `Broken`: the kernel raises `SIGPIPE`
//!   and fails with `EPIPE` (after a partial write it returns the count, as
//!   Linux does, the signal raised all the same);
//! - reading or writing zero bytes moves nothing and never waits (Linux
//!   returns 0 at once, even on a pipe without readers).
//!
//! Each call runs whole under the pipe's lock, so several readers and
//! writers can neither lose nor duplicate bytes.
//!
//! The end counts are counts of open file descriptions: with descriptors
//! sharing one description (`Arc<OpenFile>`), `dup` and fork do not change
//! them, and the description's last drop calls [`PipeBuffer::close_reader`]
//! or [`PipeBuffer::close_writer`]. [`PipeBuffer::add_reader`] and
//! [`PipeBuffer::add_writer`] are for another description of the same pipe
//! (a named FIFO opened again, later).
//!
//! Lunaix has no pipes (its `F_PIPE` file type and `DT_PIPE` directory
//! entry type are declared, nothing implements them); this follows POSIX
//! and Linux's `fs/pipe.c` behaviour, with xv6's `pipe.c` as the smallest
//! correct shape (a ring with counts of open ends).

use abi::errno::Errno;
use alloc::vec::Vec;

/// The largest write that is atomic (POSIX `PIPE_BUF`, Linux's value).
pub const PIPE_BUF: usize = 4096;

/// Bytes a pipe holds.
///
/// At least [`PIPE_BUF`] by POSIX and the contract. 16 KiB, four
/// `PIPE_BUF` records: with exactly `PIPE_BUF` an atomic 4 KiB write would
/// need an empty pipe, so a writer and a reader moving 4 KiB blocks would
/// take strict turns, a context switch per block; four lets the writer run
/// ahead. Linux uses 64 KiB; four frames per pipe suits a machine with
/// 11 MiB of RAM better.
pub const PIPE_CAPACITY: usize = 4 * PIPE_BUF;

/// What a write may do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteOutcome {
    /// These many bytes went in, from the start of the data (all of it, or
    /// part of a write larger than [`PIPE_BUF`]). Readers may need waking.
    Wrote(usize),
    /// Nothing was written: not enough room. Sleep until
    /// [`PipeBuffer::writable`] (or fail with `EAGAIN`).
    WouldBlock,
    /// No read end is open: `SIGPIPE` and `EPIPE`. Nothing was written.
    Broken,
}

/// What a read may do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadOutcome {
    /// These many bytes were taken, at the start of the output. Writers
    /// may need waking.
    Read(usize),
    /// Empty and no write end is open: end of file (read returns 0).
    Eof,
    /// Empty, but a writer may still write: sleep until
    /// [`PipeBuffer::readable`] (or fail with `EAGAIN`).
    WouldBlock,
}

/// A pipe: a ring buffer of [`PIPE_CAPACITY`] bytes and the number of
/// open read and write ends.
pub struct PipeBuffer {
    /// The ring; allocated once, never resized.
    buf: Vec<u8>,
    /// Index of the oldest byte.
    head: usize,
    /// Bytes held, from `head` on (wrapping).
    len: usize,
    readers: usize,
    writers: usize,
}

impl PipeBuffer {
    /// A new, empty pipe with one read end and one write end (what `pipe2`
    /// makes). The buffer is the only allocation a pipe ever makes; `ENOMEM`
    /// when it cannot be had.
    pub fn new() -> Result<PipeBuffer, Errno> {
        let mut buf = Vec::new();
        buf.try_reserve_exact(PIPE_CAPACITY)
            .map_err(|_| Errno::ENOMEM)?;
        // Within the reserved capacity: no allocation here.
        buf.resize(PIPE_CAPACITY, 0);
        Ok(PipeBuffer {
            buf,
            head: 0,
            len: 0,
            readers: 1,
            writers: 1,
        })
    }

    /// Bytes waiting to be read (`FIONREAD`).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is waiting to be read.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Room left, in bytes.
    pub fn free(&self) -> usize {
        self.buf.len() - self.len
    }

    /// Open read ends.
    pub fn readers(&self) -> usize {
        self.readers
    }

    /// Open write ends.
    pub fn writers(&self) -> usize {
        self.writers
    }

    /// True when a read would not block: there is data, or no writer is
    /// left (end of file). The read wait queue's condition.
    pub fn readable(&self) -> bool {
        self.len > 0 || self.writers == 0
    }

    /// True when a write of `len` bytes would not block: no reader is left
    /// (it fails), or there is room for all of it (at most [`PIPE_BUF`]) or
    /// for some of it (larger). The write wait queue's condition.
    pub fn writable(&self, len: usize) -> bool {
        // A record must fit whole; a larger write needs one byte of room.
        self.writable_piece(len, len <= PIPE_BUF)
    }

    /// [`PipeBuffer::writable`] for a piece written with
    /// [`PipeBuffer::write_piece`].
    pub fn writable_piece(&self, len: usize, atomic: bool) -> bool {
        let room_needed = if atomic { len } else { 1 };
        self.readers == 0 || self.free() >= room_needed
    }

    /// One write attempt of `data`; see [`WriteOutcome`].
    pub fn write(&mut self, data: &[u8]) -> WriteOutcome {
        self.write_piece(data, data.len() <= PIPE_BUF)
    }

    /// One write attempt of a piece of a larger write: `atomic` (the whole
    /// write is at most `PIPE_BUF`) goes in whole or not at all; otherwise
    /// whatever fits goes in (a kernel that moves a long write through a
    /// small buffer, piece by piece, keeps POSIX's rules this way).
    pub fn write_piece(&mut self, data: &[u8], atomic: bool) -> WriteOutcome {
        if data.is_empty() {
            return WriteOutcome::Wrote(0);
        }
        if self.readers == 0 {
            return WriteOutcome::Broken;
        }
        let free = self.free();
        let n = if atomic {
            if free < data.len() {
                return WriteOutcome::WouldBlock;
            }
            data.len()
        } else {
            if free == 0 {
                return WriteOutcome::WouldBlock;
            }
            data.len().min(free)
        };
        let cap = self.buf.len();
        let tail = (self.head + self.len) % cap;
        let first = n.min(cap - tail);
        self.buf[tail..tail + first].copy_from_slice(&data[..first]);
        self.buf[..n - first].copy_from_slice(&data[first..n]);
        self.len += n;
        WriteOutcome::Wrote(n)
    }

    /// One read attempt into `out`; see [`ReadOutcome`].
    pub fn read(&mut self, out: &mut [u8]) -> ReadOutcome {
        if out.is_empty() {
            return ReadOutcome::Read(0);
        }
        if self.len == 0 {
            return if self.writers == 0 {
                ReadOutcome::Eof
            } else {
                ReadOutcome::WouldBlock
            };
        }
        let cap = self.buf.len();
        let n = out.len().min(self.len);
        let first = n.min(cap - self.head);
        out[..first].copy_from_slice(&self.buf[self.head..self.head + first]);
        out[first..n].copy_from_slice(&self.buf[..n - first]);
        self.len -= n;
        // An empty ring starts again at 0, so later writes split less.
        self.head = if self.len == 0 {
            0
        } else {
            (self.head + n) % cap
        };
        ReadOutcome::Read(n)
    }

    /// Another read end was opened.
    pub fn add_reader(&mut self) {
        self.readers += 1;
    }

    /// Another write end was opened.
    pub fn add_writer(&mut self) {
        self.writers += 1;
    }

    /// A read end was closed. True when it was the last: wake the writers,
    /// whose writes are now `Broken`.
    pub fn close_reader(&mut self) -> bool {
        debug_assert!(self.readers > 0, "pipe read end closed twice");
        self.readers = self.readers.saturating_sub(1);
        self.readers == 0
    }

    /// A write end was closed. True when it was the last: wake the readers,
    /// who read end of file once the pipe is drained.
    pub fn close_writer(&mut self) -> bool {
        debug_assert!(self.writers > 0, "pipe write end closed twice");
        self.writers = self.writers.saturating_sub(1);
        self.writers == 0
    }

    /// True when both ends are closed: nobody can use the pipe again.
    pub fn is_released(&self) -> bool {
        self.readers == 0 && self.writers == 0
    }
}

#[cfg(test)]
mod piece_tests {
    use super::*;

    #[test]
    fn pieces_of_a_long_write_take_what_fits() {
        let mut p = PipeBuffer::new().unwrap();
        let fill = [7u8; PIPE_CAPACITY - 100];
        assert_eq!(p.write(&fill), WriteOutcome::Wrote(PIPE_CAPACITY - 100));
        let piece = [1u8; 1000];
        assert_eq!(p.write_piece(&piece, true), WriteOutcome::WouldBlock);
        assert!(!p.writable_piece(1000, true) && p.writable_piece(1000, false));
        assert_eq!(p.write_piece(&piece, false), WriteOutcome::Wrote(100));
        assert_eq!(p.write_piece(&piece, false), WriteOutcome::WouldBlock);
        assert!(!p.writable_piece(1000, false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::VecDeque;

    /// A deterministic generator (xorshift64*), so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        /// A number in `0..n`.
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn bytes(&mut self, n: usize) -> Vec<u8> {
            (0..n).map(|_| self.next() as u8).collect()
        }
    }

    /// `n` bytes counting up from `start` (mod 251, so wraps show up).
    fn pattern(start: usize, n: usize) -> Vec<u8> {
        (start..start + n).map(|i| (i % 251) as u8).collect()
    }

    fn read_all(p: &mut PipeBuffer) -> Vec<u8> {
        let mut out = vec![0; PIPE_CAPACITY];
        match p.read(&mut out) {
            ReadOutcome::Read(n) => out[..n].to_vec(),
            other => panic!("read gave {other:?}"),
        }
    }

    #[test]
    fn capacity_and_pipe_buf_meet_the_contract() {
        const { assert!(PIPE_BUF == 4096) };
        const { assert!(PIPE_CAPACITY >= PIPE_BUF) };
        let p = PipeBuffer::new().unwrap();
        assert_eq!(p.free(), PIPE_CAPACITY);
    }

    #[test]
    fn a_new_pipe_is_empty_with_one_end_of_each_kind() {
        let mut p = PipeBuffer::new().unwrap();
        assert_eq!((p.readers(), p.writers()), (1, 1));
        assert!(p.is_empty());
        assert!(!p.readable());
        assert!(p.writable(PIPE_BUF));
        assert_eq!(p.read(&mut [0; 8]), ReadOutcome::WouldBlock);
        assert!(!p.is_released());
    }

    #[test]
    fn a_read_takes_what_is_there_in_order() {
        let mut p = PipeBuffer::new().unwrap();
        assert_eq!(p.write(b"hello, "), WriteOutcome::Wrote(7));
        assert_eq!(p.write(b"world"), WriteOutcome::Wrote(5));
        assert!(p.readable());
        let mut small = [0; 4];
        assert_eq!(p.read(&mut small), ReadOutcome::Read(4));
        assert_eq!(&small, b"hell");
        let mut big = [0; 100];
        assert_eq!(p.read(&mut big), ReadOutcome::Read(8));
        assert_eq!(&big[..8], b"o, world");
        assert_eq!(p.read(&mut big), ReadOutcome::WouldBlock);
    }

    #[test]
    fn data_wraps_around_the_end_of_the_ring() {
        let mut p = PipeBuffer::new().unwrap();
        let first = pattern(0, PIPE_CAPACITY - 100);
        for chunk in first.chunks(PIPE_BUF) {
            assert_eq!(p.write(chunk), WriteOutcome::Wrote(chunk.len()));
        }
        let mut out = vec![0; PIPE_CAPACITY - 300];
        assert_eq!(p.read(&mut out), ReadOutcome::Read(out.len()));
        assert_eq!(out, first[..out.len()]);
        // 200 bytes wait near the end of the ring; 1000 more wrap past it.
        let second = pattern(7, 1000);
        assert_eq!(p.write(&second), WriteOutcome::Wrote(1000));
        assert_eq!(p.len(), 1200);
        let mut expected = first[out.len()..].to_vec();
        expected.extend_from_slice(&second);
        assert_eq!(read_all(&mut p), expected);
        // Reading across the seam in pieces works too.
        assert_eq!(p.write(&pattern(3, 3000)), WriteOutcome::Wrote(3000));
        let mut piece = [0; 7];
        let mut got = Vec::new();
        while let ReadOutcome::Read(n) = p.read(&mut piece) {
            got.extend_from_slice(&piece[..n]);
        }
        assert_eq!(got, pattern(3, 3000));
    }

    #[test]
    fn a_write_of_at_most_pipe_buf_goes_in_whole_or_not_at_all() {
        let mut p = PipeBuffer::new().unwrap();
        let fill = pattern(0, PIPE_CAPACITY - 100);
        for chunk in fill.chunks(PIPE_BUF) {
            assert_eq!(p.write(chunk), WriteOutcome::Wrote(chunk.len()));
        }
        assert_eq!(p.free(), 100);
        for n in [101, 2000, PIPE_BUF] {
            assert!(!p.writable(n), "writable({n})");
            assert_eq!(p.write(&pattern(0, n)), WriteOutcome::WouldBlock);
            assert_eq!(p.len(), PIPE_CAPACITY - 100, "nothing of {n} written");
        }
        assert!(p.writable(100));
        assert_eq!(p.write(&pattern(0, 100)), WriteOutcome::Wrote(100));
        assert_eq!(p.write(b"x"), WriteOutcome::WouldBlock);
        // Reading makes room; a PIPE_BUF record then fits exactly.
        let mut out = vec![0; PIPE_BUF];
        assert_eq!(p.read(&mut out), ReadOutcome::Read(PIPE_BUF));
        assert!(p.writable(PIPE_BUF));
        assert_eq!(
            p.write(&pattern(1, PIPE_BUF)),
            WriteOutcome::Wrote(PIPE_BUF)
        );
    }

    #[test]
    fn a_larger_write_takes_what_room_there_is() {
        let mut p = PipeBuffer::new().unwrap();
        let data = pattern(0, PIPE_CAPACITY + 5000);
        assert_eq!(p.write(&data), WriteOutcome::Wrote(PIPE_CAPACITY));
        let rest = &data[PIPE_CAPACITY..];
        assert!(rest.len() > PIPE_BUF);
        assert!(!p.writable(rest.len()));
        assert_eq!(p.write(rest), WriteOutcome::WouldBlock);
        let mut out = vec![0; 10];
        assert_eq!(p.read(&mut out), ReadOutcome::Read(10));
        // Ten bytes of room: a large write makes that much progress, a
        // small record still waits for all of its room.
        assert!(p.writable(rest.len()));
        assert!(!p.writable(11));
        assert_eq!(p.write(rest), WriteOutcome::Wrote(10));
        let mut got = out;
        got.extend(read_all(&mut p));
        assert_eq!(p.write(&rest[10..]), WriteOutcome::Wrote(rest.len() - 10));
        got.extend(read_all(&mut p));
        assert_eq!(got, data);
    }

    #[test]
    fn end_of_file_comes_after_the_last_writer_closes_and_the_data_is_read() {
        let mut p = PipeBuffer::new().unwrap();
        p.add_writer();
        assert_eq!(p.write(b"abc"), WriteOutcome::Wrote(3));
        assert!(!p.close_writer(), "one writer remains");
        assert_eq!(read_all(&mut p), b"abc");
        assert_eq!(p.read(&mut [0; 4]), ReadOutcome::WouldBlock);
        assert!(!p.readable());
        assert_eq!(p.write(b"de"), WriteOutcome::Wrote(2));
        assert!(p.close_writer(), "the last writer: wake the readers");
        // What was written before the close is still read first.
        assert!(p.readable());
        assert_eq!(read_all(&mut p), b"de");
        assert_eq!(p.read(&mut [0; 4]), ReadOutcome::Eof);
        assert_eq!(p.read(&mut [0; 4]), ReadOutcome::Eof);
        assert!(p.readable());
    }

    #[test]
    fn writing_with_no_reader_left_is_broken() {
        let mut p = PipeBuffer::new().unwrap();
        p.add_reader();
        assert_eq!(p.write(b"kept"), WriteOutcome::Wrote(4));
        assert!(!p.close_reader());
        assert_eq!(p.write(b"ok"), WriteOutcome::Wrote(2));
        assert!(p.close_reader(), "the last reader: wake the writers");
        assert!(p.writable(1) && p.writable(PIPE_CAPACITY * 2));
        assert_eq!(p.write(b"lost"), WriteOutcome::Broken);
        assert_eq!(p.write(&pattern(0, PIPE_BUF + 1)), WriteOutcome::Broken);
        // Even a full pipe: the writer must not sleep forever.
        assert_eq!(p.len(), 6);
        assert!(!p.is_released());
        assert!(p.close_writer());
        assert!(p.is_released());
    }

    #[test]
    fn a_full_pipe_whose_reader_goes_is_broken_not_blocked() {
        let mut p = PipeBuffer::new().unwrap();
        while p.write(&pattern(0, PIPE_BUF)) != WriteOutcome::WouldBlock {}
        assert!(!p.writable(1));
        p.close_reader();
        assert!(p.writable(1));
        assert_eq!(p.write(b"x"), WriteOutcome::Broken);
    }

    #[test]
    fn zero_bytes_move_nothing_and_never_wait() {
        let mut p = PipeBuffer::new().unwrap();
        assert_eq!(p.read(&mut []), ReadOutcome::Read(0));
        assert_eq!(p.write(&[]), WriteOutcome::Wrote(0));
        assert!(p.writable(0));
        while p.write(&pattern(0, PIPE_BUF)) != WriteOutcome::WouldBlock {}
        assert_eq!(p.write(&[]), WriteOutcome::Wrote(0));
        p.close_reader();
        // As Linux: a zero-byte write returns 0 before looking for readers.
        assert_eq!(p.write(&[]), WriteOutcome::Wrote(0));
    }

    /// Several writers send records of at most PIPE_BUF bytes while several
    /// readers take chunks of any size, in a random order of turns. The
    /// bytes, in the order the readers took them, must parse back into
    /// whole records: none split by another, none lost or duplicated, each
    /// writer's in its order.
    #[test]
    fn records_of_several_writers_never_interleave() {
        const WRITERS: usize = 8;
        const READERS: usize = 3;
        const RECORDS: usize = 60;
        const HEADER: usize = 5;

        fn record(writer: usize, seq: usize, size: usize) -> Vec<u8> {
            let mut r = vec![writer as u8];
            r.extend_from_slice(&(seq as u16).to_le_bytes());
            r.extend_from_slice(&(size as u16).to_le_bytes());
            r.extend((0..size - HEADER).map(|i| (writer * 31 + seq * 7 + i) as u8));
            r
        }

        for seed in 1..=20u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let mut p = PipeBuffer::new().unwrap();
            for _ in 1..WRITERS {
                p.add_writer();
            }
            for _ in 1..READERS {
                p.add_reader();
            }
            let mut next_seq = [0usize; WRITERS];
            let mut pending: [Option<Vec<u8>>; WRITERS] = Default::default();
            let mut stream = Vec::new();
            let mut blocked_writes = 0;
            loop {
                let done =
                    next_seq.iter().all(|&s| s == RECORDS) && pending.iter().all(Option::is_none);
                if done {
                    break;
                }
                let actor = rng.below(WRITERS + READERS);
                if actor < WRITERS {
                    let w = actor;
                    if pending[w].is_none() && next_seq[w] < RECORDS {
                        // Sizes up to exactly PIPE_BUF, small ones often.
                        let size = match rng.below(4) {
                            0 => PIPE_BUF,
                            1 => HEADER + rng.below(16),
                            _ => HEADER + rng.below(PIPE_BUF - HEADER + 1),
                        };
                        pending[w] = Some(record(w, next_seq[w], size));
                        next_seq[w] += 1;
                    }
                    if let Some(r) = &pending[w] {
                        let before = p.len();
                        match p.write(r) {
                            WriteOutcome::Wrote(n) => {
                                assert_eq!(n, r.len(), "a record went in whole");
                                pending[w] = None;
                            }
                            WriteOutcome::WouldBlock => {
                                assert!(!p.writable(r.len()));
                                assert_eq!(p.len(), before);
                                blocked_writes += 1;
                            }
                            WriteOutcome::Broken => panic!("readers are open"),
                        }
                    }
                } else {
                    let mut buf = vec![0; 1 + rng.below(3 * PIPE_BUF)];
                    match p.read(&mut buf) {
                        ReadOutcome::Read(n) => stream.extend_from_slice(&buf[..n]),
                        ReadOutcome::WouldBlock => assert!(p.is_empty()),
                        ReadOutcome::Eof => panic!("writers are open"),
                    }
                }
            }
            stream.extend(read_all_or_nothing(&mut p));
            assert!(blocked_writes > 0, "seed {seed}: the pipe never filled");

            let mut seen = [0usize; WRITERS];
            let mut at = 0;
            while at < stream.len() {
                let w = stream[at] as usize;
                let seq = u16::from_le_bytes([stream[at + 1], stream[at + 2]]) as usize;
                let size = u16::from_le_bytes([stream[at + 3], stream[at + 4]]) as usize;
                assert!(w < WRITERS, "seed {seed}: garbage at {at}");
                assert_eq!(seq, seen[w], "seed {seed}: writer {w} out of order");
                assert_eq!(&stream[at..at + size], record(w, seq, size), "seed {seed}");
                seen[w] += 1;
                at += size;
            }
            assert_eq!(seen, [RECORDS; WRITERS], "seed {seed}");

            for _ in 0..WRITERS {
                p.close_writer();
            }
            assert_eq!(p.read(&mut [0; 1]), ReadOutcome::Eof);
        }
    }

    fn read_all_or_nothing(p: &mut PipeBuffer) -> Vec<u8> {
        if p.is_empty() {
            Vec::new()
        } else {
            read_all(p)
        }
    }

    /// The model: a queue with the rules written out plainly.
    struct Model {
        bytes: VecDeque<u8>,
        readers: usize,
        writers: usize,
    }

    impl Model {
        fn free(&self) -> usize {
            PIPE_CAPACITY - self.bytes.len()
        }

        fn write(&mut self, data: &[u8]) -> WriteOutcome {
            if data.is_empty() {
                WriteOutcome::Wrote(0)
            } else if self.readers == 0 {
                WriteOutcome::Broken
            } else if (data.len() <= PIPE_BUF && self.free() < data.len()) || self.free() == 0 {
                WriteOutcome::WouldBlock
            } else {
                let n = data.len().min(self.free());
                self.bytes.extend(&data[..n]);
                WriteOutcome::Wrote(n)
            }
        }

        fn read(&mut self, want: usize) -> (ReadOutcome, Vec<u8>) {
            if want == 0 {
                (ReadOutcome::Read(0), Vec::new())
            } else if self.bytes.is_empty() && self.writers == 0 {
                (ReadOutcome::Eof, Vec::new())
            } else if self.bytes.is_empty() {
                (ReadOutcome::WouldBlock, Vec::new())
            } else {
                let n = want.min(self.bytes.len());
                let got: Vec<u8> = self.bytes.drain(..n).collect();
                (ReadOutcome::Read(n), got)
            }
        }
    }

    #[test]
    fn random_operations_agree_with_a_simple_model() {
        for seed in 1..=20u64 {
            let mut rng = Rng(seed.wrapping_mul(0xd1b5_4a32_d192_ed03) | 1);
            let mut p = PipeBuffer::new().unwrap();
            let mut m = Model {
                bytes: VecDeque::new(),
                readers: 1,
                writers: 1,
            };
            for step in 0..3000 {
                match rng.below(100) {
                    0 if m.readers > 0 => {
                        assert_eq!(p.close_reader(), m.readers == 1);
                        m.readers -= 1;
                    }
                    1 if m.writers > 0 => {
                        assert_eq!(p.close_writer(), m.writers == 1);
                        m.writers -= 1;
                    }
                    2 => {
                        p.add_reader();
                        m.readers += 1;
                    }
                    3 => {
                        p.add_writer();
                        m.writers += 1;
                    }
                    4..=51 => {
                        let len = match rng.below(8) {
                            0 => 0,
                            1 => PIPE_BUF,
                            2 => PIPE_BUF + 1 + rng.below(PIPE_CAPACITY),
                            _ => 1 + rng.below(PIPE_BUF),
                        };
                        let data = rng.bytes(len);
                        let would_block = !p.writable(len);
                        let expected = m.write(&data);
                        assert_eq!(p.write(&data), expected, "seed {seed} step {step}");
                        assert_eq!(would_block, expected == WriteOutcome::WouldBlock);
                    }
                    _ => {
                        let want = match rng.below(6) {
                            0 => 0,
                            1 => PIPE_CAPACITY,
                            _ => 1 + rng.below(2 * PIPE_BUF),
                        };
                        let would_block = want > 0 && !p.readable();
                        let mut out = vec![0; want];
                        let (expected, bytes) = m.read(want);
                        assert_eq!(p.read(&mut out), expected, "seed {seed} step {step}");
                        assert_eq!(would_block, expected == ReadOutcome::WouldBlock);
                        if let ReadOutcome::Read(n) = expected {
                            assert_eq!(out[..n], bytes[..], "seed {seed} step {step}");
                        }
                    }
                }
                assert_eq!(p.len(), m.bytes.len());
                assert_eq!((p.readers(), p.writers()), (m.readers, m.writers));
                assert_eq!(p.is_released(), m.readers == 0 && m.writers == 0);
            }
        }
    }
}

//! `getdents64` records (Linux's `struct linux_dirent64`), written by the kernel and read by
//! ulib: one encoder and one parser, so both sides agree on the format and the round trip is
//! tested on the host.
//!
//! A record is `d_ino` (u64), `d_off` (i64, the cookie that resumes the listing after this
//! entry), `d_reclen` (u16, the record's length, a multiple of 8), `d_type` (u8, a
//! [`DT_*`](crate::fs::dirent_type) value), then the name and a NUL, padded with zeros to
//! `d_reclen` ([`dirent64_len`]). Fields are little-endian, as everything on i386.
//!
//! The parser trusts nothing: a buffer filled by a buggy or hostile kernel (a record shorter
//! than its header, longer than what is left, a name without its NUL) ends the walk with
//! [`BadRecord`] instead of reading out of bounds.
//!
//! ```
//! use abi::dirent::{encode_dirent64, Dirent64Iter};
//! use abi::fs::dirent_type::{DT_DIR, DT_REG};
//!
//! let mut buf = [0u8; 64];
//! let a = encode_dirent64(&mut buf, 1, 1, DT_DIR, b".").unwrap();
//! let b = encode_dirent64(&mut buf[a..], 7, 2, DT_REG, b"notes").unwrap();
//! let names: Vec<_> = Dirent64Iter::new(&buf[..a + b]).map(|r| r.unwrap().name).collect();
//! assert_eq!(names, [&b"."[..], &b"notes"[..]]);
//! ```

use crate::fs::{dirent64_len, DIRENT64_HEADER};

/// One `getdents64` record, borrowed from the buffer it was parsed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dirent64<'a> {
    /// The inode number (`d_ino`).
    pub ino: u64,
    /// The cookie that resumes the listing after this entry (`d_off`).
    pub off: i64,
    /// The file type, a [`DT_*`](crate::fs::dirent_type) value (`d_type`).
    pub kind: u8,
    /// The name, without its NUL.
    pub name: &'a [u8],
}

/// A malformed record: where it starts in the buffer and what is wrong with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadRecord {
    /// The byte offset of the record in the buffer.
    pub at: usize,
    /// What is wrong.
    pub why: &'static str,
}

/// Writes the record for `name` at the start of `buf`, returning its length
/// ([`dirent64_len`]), or `None` when `buf` is too short for it (getdents64 then stops, or is
/// `EINVAL` if not even the first record fits).
pub fn encode_dirent64(buf: &mut [u8], ino: u64, off: i64, kind: u8, name: &[u8]) -> Option<usize> {
    let len = dirent64_len(name.len());
    let reclen = u16::try_from(len).ok()?;
    let rec = buf.get_mut(..len)?;
    rec[0..8].copy_from_slice(&ino.to_le_bytes());
    rec[8..16].copy_from_slice(&off.to_le_bytes());
    rec[16..18].copy_from_slice(&reclen.to_le_bytes());
    rec[18] = kind;
    let end = DIRENT64_HEADER + name.len();
    rec[DIRENT64_HEADER..end].copy_from_slice(name);
    rec[end..].fill(0);
    Some(len)
}

/// Parses the records of a buffer `getdents64` filled, in order; see the [module docs](self).
///
/// After a [`BadRecord`] the iterator ends (nothing after a bad length can be trusted).
#[derive(Clone, Debug)]
pub struct Dirent64Iter<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Dirent64Iter<'a> {
    /// The records of `buf`: exactly the bytes the call reported filled.
    pub fn new(buf: &'a [u8]) -> Self {
        Dirent64Iter { buf, at: 0 }
    }

    fn bad(&mut self, why: &'static str) -> Option<Result<Dirent64<'a>, BadRecord>> {
        let at = self.at;
        self.at = self.buf.len();
        Some(Err(BadRecord { at, why }))
    }
}

fn le_u64(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

impl<'a> Iterator for Dirent64Iter<'a> {
    type Item = Result<Dirent64<'a>, BadRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = &self.buf[self.at..];
        if rest.is_empty() {
            return None;
        }
        if rest.len() < DIRENT64_HEADER {
            return self.bad("truncated header");
        }
        let reclen = usize::from(u16::from_le_bytes([rest[16], rest[17]]));
        if reclen <= DIRENT64_HEADER {
            return self.bad("record length shorter than its header");
        }
        if reclen > rest.len() {
            return self.bad("record length past the end of the buffer");
        }
        let rec = &rest[..reclen];
        let Some(nul) = rec[DIRENT64_HEADER..].iter().position(|&b| b == 0) else {
            return self.bad("name without a NUL");
        };
        let entry = Dirent64 {
            ino: le_u64(&rec[0..8]),
            off: le_u64(&rec[8..16]) as i64,
            kind: rec[18],
            name: &rec[DIRENT64_HEADER..DIRENT64_HEADER + nul],
        };
        self.at += reclen;
        Some(Ok(entry))
    }
}

impl core::iter::FusedIterator for Dirent64Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::dirent_type::{DT_CHR, DT_DIR, DT_REG};

    fn parse(buf: &[u8]) -> Vec<Result<Dirent64<'_>, BadRecord>> {
        Dirent64Iter::new(buf).collect()
    }

    #[test]
    fn round_trip_of_several_records() {
        let names: [&[u8]; 5] = [b".", b"..", b"abcd", b"abcde", &[b'x'; 255]];
        let mut buf = vec![0xAAu8; 1024];
        let mut at = 0;
        for (i, name) in names.iter().enumerate() {
            let n = encode_dirent64(&mut buf[at..], 100 + i as u64, i as i64 + 1, DT_REG, name)
                .unwrap();
            assert_eq!(n % 8, 0);
            assert_eq!(n, dirent64_len(name.len()));
            at += n;
        }
        let got = parse(&buf[..at]);
        assert_eq!(got.len(), names.len());
        for (i, (rec, name)) in got.iter().zip(names).enumerate() {
            let rec = rec.unwrap();
            assert_eq!(rec.name, name);
            assert_eq!(rec.ino, 100 + i as u64);
            assert_eq!(rec.off, i as i64 + 1);
            assert_eq!(rec.kind, DT_REG);
        }
    }

    #[test]
    fn linux_layout() {
        let mut buf = [0xFFu8; 24];
        assert_eq!(
            encode_dirent64(&mut buf, 0x0102, -1, DT_DIR, b"bin"),
            Some(24)
        );
        assert_eq!(&buf[..8], &[2, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(&buf[8..16], &[0xFF; 8]);
        assert_eq!(&buf[16..19], &[24, 0, DT_DIR]);
        assert_eq!(&buf[19..], b"bin\0\0");
    }

    #[test]
    fn too_small_a_buffer_is_none() {
        let mut buf = [0u8; 23];
        assert_eq!(encode_dirent64(&mut buf, 1, 1, DT_CHR, b"null"), None);
        assert_eq!(encode_dirent64(&mut [], 1, 1, DT_CHR, b""), None);
    }

    #[test]
    fn malformed_records_end_the_walk() {
        let mut good = [0u8; 24];
        encode_dirent64(&mut good, 5, 1, DT_REG, b"ok").unwrap();

        // A truncated header after a good record.
        let mut buf = good.to_vec();
        buf.extend_from_slice(&[1, 2, 3]);
        let got = parse(&buf);
        assert_eq!(got.len(), 2);
        assert!(got[0].is_ok());
        assert_eq!(
            got[1],
            Err(BadRecord {
                at: 24,
                why: "truncated header"
            })
        );

        // d_reclen 0 (which would loop forever) and d_reclen past the end.
        for (reclen, why) in [
            (0u16, "record length shorter than its header"),
            (19, "record length shorter than its header"),
            (32, "record length past the end of the buffer"),
        ] {
            let mut bad = good;
            bad[16..18].copy_from_slice(&reclen.to_le_bytes());
            assert_eq!(parse(&bad), [Err(BadRecord { at: 0, why })]);
        }

        // A name that fills the record without a NUL.
        let mut bad = good;
        bad[19..].fill(b'a');
        assert_eq!(
            parse(&bad),
            [Err(BadRecord {
                at: 0,
                why: "name without a NUL"
            })]
        );

        // Nothing at all is no record.
        assert!(parse(&[]).is_empty());
    }
}

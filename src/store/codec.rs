//! The binary encoding of one file's coverage ([`FileCoverage`]) as the store keeps it, and
//! the stable content hash that finds equal blobs again.
//!
//! Layout, version 1 (every number an unsigned LEB128 varint):
//!
//! ```text
//! version byte (1)
//! name count, then each branch name: byte length, UTF-8 bytes   (LCOV BRDA names, interned)
//! line count, then each line:
//!     (line - previous line) << 2 | kind      kind 0: no branches, 1: counts, 2: named
//!     hits
//!     kind 1: covered, total
//!     kind 2: branch count, then each branch: name index, times taken
//! ```
//!
//! Line deltas are at least 1, so numbers stay 1-based, sorted and unique. Encoding is
//! deterministic (names are interned in order of first use), so equal coverage gives equal
//! bytes. Decoding validates everything and returns a [`CodecError`] naming the byte offset; it
//! never panics and never allocates more than the input can justify.

use std::collections::HashMap;

use crate::model::{Branches, FileCoverage, LineCoverage, LineNo};

/// The codec version written as the first byte.
const VERSION: u8 = 1;

const KIND_NONE: u64 = 0;
const KIND_COUNTS: u64 = 1;
const KIND_NAMED: u64 = 2;

/// Why stored bytes are not a valid encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("byte {offset}: {what}")]
pub struct CodecError {
    /// Where in the bytes the problem is (0-based).
    pub offset: usize,
    /// What is wrong there.
    pub what: &'static str,
}

/// Appends the encoding of `cov` to `out` (which the caller clears and reuses).
pub fn encode(cov: &FileCoverage, out: &mut Vec<u8>) {
    // Typical lines take 2 to 4 bytes; one reservation avoids regrowing per push.
    out.reserve(16 + cov.len() * 4);
    out.push(VERSION);
    let mut names: HashMap<&str, u64> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for (_, line) in cov.lines() {
        if let Some(Branches::Named(v)) = &line.branches {
            for (name, _) in v {
                names.entry(name.as_str()).or_insert_with(|| {
                    order.push(name.as_str());
                    order.len() as u64 - 1
                });
            }
        }
    }
    put(out, order.len() as u64);
    for name in &order {
        put(out, name.len() as u64);
        out.extend_from_slice(name.as_bytes());
    }
    put(out, cov.len() as u64);
    let mut prev: LineNo = 0;
    for (n, line) in cov.lines() {
        let delta = u64::from(n - prev);
        prev = *n;
        match &line.branches {
            None => {
                put(out, delta << 2 | KIND_NONE);
                put(out, line.hits);
            }
            Some(Branches::Counts { covered, total }) => {
                put(out, delta << 2 | KIND_COUNTS);
                put(out, line.hits);
                put(out, u64::from(*covered));
                put(out, u64::from(*total));
            }
            Some(Branches::Named(v)) => {
                put(out, delta << 2 | KIND_NAMED);
                put(out, line.hits);
                put(out, v.len() as u64);
                for (name, taken) in v {
                    put(out, names[name.as_str()]);
                    put(out, *taken);
                }
            }
        }
    }
}

/// Decodes bytes written by [`encode`], validating every field.
pub fn decode(bytes: &[u8]) -> Result<FileCoverage, CodecError> {
    let mut r = Reader { bytes, pos: 0 };
    match r.byte()? {
        VERSION => {}
        _ => return Err(err(0, "unknown coverage encoding version")),
    }
    // Each name needs at least its length byte, each line two bytes, each branch two bytes:
    // bounding counts by what is left keeps corrupt counts from allocating gigabytes.
    let name_count = r.count(1, "branch name count exceeds the data")?;
    let mut names: Vec<String> = Vec::with_capacity(name_count);
    for _ in 0..name_count {
        let len = r.count(1, "branch name length exceeds the data")?;
        let start = r.pos;
        let raw = r.take(len)?;
        let name = std::str::from_utf8(raw).map_err(|_| CodecError {
            offset: start,
            what: "branch name is not UTF-8",
        })?;
        names.push(name.to_owned());
    }
    let line_count = r.count(2, "line count exceeds the data")?;
    let mut lines: Vec<(LineNo, LineCoverage)> = Vec::with_capacity(line_count);
    let mut prev: u64 = 0;
    for _ in 0..line_count {
        let start = r.pos;
        let head = r.varint()?;
        let delta = head >> 2;
        if delta == 0 {
            return Err(err(start, "line number does not increase"));
        }
        let n = prev + delta;
        let Ok(line_no) = LineNo::try_from(n) else {
            return Err(err(start, "line number is too large"));
        };
        prev = n;
        let hits = r.varint()?;
        let branches = match head & 3 {
            KIND_NONE => None,
            KIND_COUNTS => {
                let at = r.pos;
                let covered = r.varint()?;
                let total = r.varint()?;
                match (u32::try_from(covered), u32::try_from(total)) {
                    (Ok(covered), Ok(total)) if covered <= total => {
                        Some(Branches::Counts { covered, total })
                    }
                    _ => return Err(err(at, "branch counts are not covered <= total")),
                }
            }
            KIND_NAMED => {
                let count = r.count(2, "branch count exceeds the data")?;
                let mut v: Vec<(String, u64)> = Vec::with_capacity(count);
                for _ in 0..count {
                    let at = r.pos;
                    let index = r.varint()?;
                    let Some(name) = usize::try_from(index).ok().and_then(|i| names.get(i)) else {
                        return Err(err(at, "branch name index out of range"));
                    };
                    if v.last()
                        .is_some_and(|(last, _)| last.as_str() >= name.as_str())
                    {
                        return Err(err(at, "branch names are not sorted and unique"));
                    }
                    let taken = r.varint()?;
                    v.push((name.clone(), taken));
                }
                Some(Branches::Named(v))
            }
            _ => return Err(err(start, "unknown branch kind")),
        };
        lines.push((line_no, LineCoverage { hits, branches }));
    }
    if r.pos != bytes.len() {
        return Err(err(r.pos, "trailing bytes after the last line"));
    }
    FileCoverage::from_sorted(lines).ok_or(CodecError {
        offset: 0,
        what: "lines are not sorted",
    })
}

/// The number of lines an encoding says it holds, read from its head without decoding any
/// line (so a caller can refuse what would take too much memory before decoding it).
pub fn line_count(bytes: &[u8]) -> Result<u64, CodecError> {
    let mut r = Reader { bytes, pos: 0 };
    if r.byte()? != VERSION {
        return Err(err(0, "unknown coverage encoding version"));
    }
    let name_count = r.count(1, "branch name count exceeds the data")?;
    for _ in 0..name_count {
        let len = r.count(1, "branch name length exceeds the data")?;
        r.take(len)?;
    }
    Ok(r.count(2, "line count exceeds the data")? as u64)
}

/// FNV-1a, 64 bits: a hash with a fixed definition (std's `DefaultHasher` may change between
/// Rust releases, and stored hashes must not). Equal hashes are confirmed by comparing bytes.
pub fn hash(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

pub(super) fn err(offset: usize, what: &'static str) -> CodecError {
    CodecError { offset, what }
}

#[inline]
pub(super) fn put(out: &mut Vec<u8>, mut v: u64) {
    if v < 0x80 {
        out.push(v as u8);
        return;
    }
    let mut buf = [0_u8; 10];
    let mut n = 0;
    while v >= 0x80 {
        buf[n] = (v as u8) | 0x80;
        v >>= 7;
        n += 1;
    }
    buf[n] = v as u8;
    out.extend_from_slice(&buf[..=n]);
}

pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
}

impl Reader<'_> {
    pub(super) fn byte(&mut self) -> Result<u8, CodecError> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or_else(|| err(self.pos, "unexpected end of data"))?;
        self.pos += 1;
        Ok(b)
    }

    pub(super) fn take(&mut self, len: usize) -> Result<&[u8], CodecError> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| err(self.pos, "unexpected end of data"))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    pub(super) fn varint(&mut self) -> Result<u64, CodecError> {
        let start = self.pos;
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                break;
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(err(start, "number does not fit in 64 bits"))
    }

    /// A count of items that each take at least `min_bytes` of what is left.
    pub(super) fn count(
        &mut self,
        min_bytes: usize,
        what: &'static str,
    ) -> Result<usize, CodecError> {
        let start = self.pos;
        let v = self.varint()?;
        let left = self.bytes.len() - self.pos;
        usize::try_from(v)
            .ok()
            .filter(|&n| n.saturating_mul(min_bytes) <= left)
            .ok_or_else(|| err(start, what))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FileCoverage {
        FileCoverage::from_sorted(vec![
            (1, LineCoverage::new(0)),
            (2, LineCoverage::new(u64::MAX)),
            (
                9,
                LineCoverage {
                    hits: 3,
                    branches: Some(Branches::Counts {
                        covered: 1,
                        total: 2,
                    }),
                },
            ),
            (
                200,
                LineCoverage {
                    hits: 1,
                    branches: Some(Branches::Named(vec![
                        ("0,0".into(), 0),
                        ("0,1".into(), 7),
                        ("é,ü".into(), 1),
                    ])),
                },
            ),
            (
                201,
                LineCoverage {
                    hits: 1,
                    branches: Some(Branches::Named(vec![("0,1".into(), 2), ("1,0".into(), 0)])),
                },
            ),
            (u32::MAX, LineCoverage::new(1)),
        ])
        .unwrap()
    }

    fn enc(cov: &FileCoverage) -> Vec<u8> {
        let mut out = Vec::new();
        encode(cov, &mut out);
        out
    }

    #[test]
    fn round_trips_every_kind_of_line() {
        let cov = sample();
        let bytes = enc(&cov);
        assert_eq!(decode(&bytes).unwrap(), cov);
        assert_eq!(
            decode(&enc(&FileCoverage::default())).unwrap(),
            FileCoverage::default()
        );
    }

    #[test]
    fn plain_lines_take_about_two_bytes() {
        let cov = FileCoverage::from_sorted(
            (1..=300)
                .map(|n| (n, LineCoverage::new(u64::from(n % 50))))
                .collect(),
        )
        .unwrap();
        let bytes = enc(&cov);
        assert!(bytes.len() <= 2 * 300 + 4, "{} bytes", bytes.len());
    }

    #[test]
    fn equal_coverage_gives_equal_bytes_and_hash() {
        assert_eq!(enc(&sample()), enc(&sample().clone()));
        assert_eq!(hash(&enc(&sample())), hash(&enc(&sample())));
        // FNV-1a 64 reference values: the hash must never change, stored rows depend on it.
        assert_eq!(hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn every_truncation_and_byte_flip_is_an_error_or_a_valid_value_never_a_panic() {
        let bytes = enc(&sample());
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len]).is_err(), "truncated to {len} decoded");
        }
        for i in 0..bytes.len() {
            for flip in [0x01, 0x02, 0x04, 0x40, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[i] ^= flip;
                if let Ok(cov) = decode(&b) {
                    // Whatever decodes must satisfy the model's invariants.
                    assert!(cov.lines().windows(2).all(|w| w[0].0 < w[1].0));
                    assert!(cov.lines().iter().all(|(n, _)| *n >= 1));
                }
            }
        }
    }

    #[test]
    fn the_line_count_is_read_from_the_head() {
        assert_eq!(line_count(&enc(&sample())).unwrap(), 6);
        assert_eq!(line_count(&enc(&FileCoverage::default())).unwrap(), 0);
        assert!(line_count(&[1, 0, 0xff, 0xff, 0x0f]).is_err());
        assert!(line_count(&[]).is_err());
    }

    #[test]
    fn corrupt_data_names_what_is_wrong() {
        assert_eq!(decode(&[]).unwrap_err().what, "unexpected end of data");
        assert_eq!(
            decode(&[9]).unwrap_err().what,
            "unknown coverage encoding version"
        );
        // One line with delta 0.
        assert_eq!(
            decode(&[1, 0, 1, 0, 0]).unwrap_err().what,
            "line number does not increase"
        );
        // A huge line count in a tiny blob.
        let e = decode(&[1, 0, 0xff, 0xff, 0xff, 0xff, 0x0f]).unwrap_err();
        assert_eq!((e.offset, e.what), (2, "line count exceeds the data"));
        // Counts with covered > total.
        assert_eq!(
            decode(&[1, 0, 1, 1 << 2 | 1, 1, 3, 2]).unwrap_err().what,
            "branch counts are not covered <= total"
        );
        // A named branch pointing past the name table.
        assert_eq!(
            decode(&[1, 0, 1, 1 << 2 | 2, 1, 1, 0, 0]).unwrap_err().what,
            "branch name index out of range"
        );
        // Trailing garbage.
        assert_eq!(
            decode(&[1, 0, 0, 7]).unwrap_err().what,
            "trailing bytes after the last line"
        );
        // Eleven-byte varint.
        let mut b = vec![1, 0];
        b.extend([0xff; 10]);
        b.push(1);
        assert_eq!(
            decode(&b).unwrap_err().what,
            "number does not fit in 64 bits"
        );
    }
}

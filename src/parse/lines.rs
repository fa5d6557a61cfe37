//! A buffered reader that can tell the 1-based line of its read position, for messages.
//!
//! Counting is lazy: nothing is counted per read; a buffer's newlines are counted in bulk
//! when it is refilled, and the part before the position only when a line is asked for
//! (a warning or an error). So streaming stays at full speed.

use std::cell::Cell;
use std::io::{self, BufRead, Read};

pub(crate) struct LineCounting<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    filled: usize,
    /// Newlines in everything before `buf[0]`.
    lines_before: u64,
    /// (offset into `buf`, newlines in `buf[..offset]`): where the last `line()` stopped.
    counted: Cell<(usize, u64)>,
}

const CAPACITY: usize = 256 * 1024;

/// The newlines in `b`.
pub(crate) fn newlines(b: &[u8]) -> u64 {
    // Byte-wide sums over chunks that cannot overflow a u8 vectorise much better than a
    // plain filter-count.
    b.chunks(255)
        .map(|chunk| {
            u64::from(
                chunk
                    .iter()
                    .fold(0_u8, |n, &c| n.wrapping_add(u8::from(c == b'\n'))),
            )
        })
        .sum()
}

impl<R: Read> LineCounting<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            buf: vec![0; CAPACITY].into_boxed_slice(),
            pos: 0,
            filled: 0,
            lines_before: 0,
            counted: Cell::new((0, 0)),
        }
    }

    /// The 1-based line of the next byte to be read.
    pub(crate) fn line(&self) -> u64 {
        let (mut at, mut n) = self.counted.get();
        if at > self.pos {
            (at, n) = (0, 0);
        }
        n += newlines(&self.buf[at..self.pos]);
        self.counted.set((self.pos, n));
        1 + self.lines_before + n
    }
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = {
            let mut avail = self.fill_buf()?;
            avail.read(out)?
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for LineCounting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.filled {
            self.lines_before += newlines(&self.buf[..self.filled]);
            self.counted.set((0, 0));
            self.pos = 0;
            self.filled = 0;
            self.filled = loop {
                match self.inner.read(&mut self.buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
        }
        Ok(&self.buf[self.pos..self.filled])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.filled);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_follow_the_position_across_refills() {
        let text: Vec<u8> = (0..200_000)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let mut r = LineCounting::new(&text[..]);
        assert_eq!(r.line(), 1);
        let mut seen = 0_u64;
        let mut line = Vec::new();
        loop {
            line.clear();
            if r.read_until(b'\n', &mut line).unwrap() == 0 {
                break;
            }
            seen += 1;
            if seen.is_multiple_of(9_999) {
                assert_eq!(r.line(), seen + 1);
            }
        }
        assert_eq!(seen, 200_000);
        assert_eq!(r.line(), 200_001);
    }
}

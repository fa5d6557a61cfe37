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

/// The longest line a line-based format (LCOV, Go coverprofile) may have, in bytes: a real
/// one is a path and a few numbers, so this only stops an endless line from filling memory.
pub(crate) const MAX_LINE_BYTES: usize = 16 << 20;

/// Why [`read_line`] stopped.
pub(crate) enum LineError {
    Io(io::Error),
    /// The line goes on past the limit.
    TooLong,
}

impl LineError {
    /// The error of report `name` (of `format`) at its line `line`.
    pub(crate) fn at(self, name: &str, line: u64, format: &'static str) -> super::ParseError {
        match self {
            Self::Io(source) => super::ParseError::Io {
                name: name.to_owned(),
                source,
            },
            Self::TooLong => super::ParseError::LineTooLong {
                name: name.to_owned(),
                line,
                limit: MAX_LINE_BYTES,
                format,
            },
        }
    }
}

/// Appends the next line of `input` to `buf`, its `\n` included, like
/// `BufRead::read_until(b'\n')`: the bytes read, 0 at the end. A line of more than `max`
/// bytes (its `\n` not counted) is refused before more than `max + 1` bytes are held.
pub(crate) fn read_line<R: BufRead + ?Sized>(
    input: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> Result<usize, LineError> {
    let start = buf.len();
    loop {
        let avail = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(LineError::Io(e)),
        };
        if avail.is_empty() {
            return Ok(buf.len() - start);
        }
        let (done, used) = match memchr::memchr(b'\n', avail) {
            Some(i) => (true, i + 1),
            None => (false, avail.len()),
        };
        if buf.len() - start + used - usize::from(done) > max {
            return Err(LineError::TooLong);
        }
        buf.extend_from_slice(&avail[..used]);
        input.consume(used);
        if done {
            return Ok(buf.len() - start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_longer_than_the_limit_is_refused_before_it_is_held() {
        let mut buf = Vec::new();
        let mut input = io::BufReader::with_capacity(4, &b"abcd\nabcdefghij\nxy"[..]);
        assert!(matches!(read_line(&mut input, &mut buf, 4), Ok(5)));
        assert_eq!(buf, b"abcd\n");
        buf.clear();
        assert!(matches!(
            read_line(&mut input, &mut buf, 4),
            Err(LineError::TooLong)
        ));
        assert!(buf.len() <= 5, "{}", buf.len());
        // An endless line (a generator, not a file) stops at the limit.
        let mut endless = io::BufReader::new(io::repeat(b'x'));
        buf.clear();
        assert!(matches!(
            read_line(&mut endless, &mut buf, 1 << 20),
            Err(LineError::TooLong)
        ));
        assert!(buf.len() <= 1 << 20);
        let mut last = &b"no newline"[..];
        buf.clear();
        assert!(matches!(read_line(&mut last, &mut buf, 10), Ok(10)));
        assert!(matches!(read_line(&mut last, &mut buf, 10), Ok(0)));
    }

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

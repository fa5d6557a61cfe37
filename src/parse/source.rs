//! Reports read at offsets, so that several threads can read parts of one report at once
//! without holding it all in memory.

use std::io::{self, Read};

/// A report that can be read at any offset, from several threads at once: a file, or bytes
/// in memory.
pub trait ReadAt: Sync {
    /// Reads into `buf` from byte `offset`, like `pread`: the bytes read, 0 past the end.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;
}

impl ReadAt for [u8] {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        let from = usize::try_from(offset).map_or(self.len(), |o| o.min(self.len()));
        let n = buf.len().min(self.len() - from);
        buf[..n].copy_from_slice(&self[from..from + n]);
        Ok(n)
    }
}

#[cfg(unix)]
impl ReadAt for std::fs::File {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(self, buf, offset)
    }
}

#[cfg(windows)]
impl ReadAt for std::fs::File {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::windows::fs::FileExt::seek_read(self, buf, offset)
    }
}

/// Bytes `pos..end` of a report, as a reader (it ends early where the report does).
pub(crate) struct Range<'a, R: ?Sized> {
    src: &'a R,
    pos: u64,
    end: u64,
}

impl<'a, R: ReadAt + ?Sized> Range<'a, R> {
    pub(crate) fn new(src: &'a R, pos: u64, end: u64) -> Self {
        Self { src, pos, end }
    }
}

impl<R: ReadAt + ?Sized> Read for Range<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = usize::try_from(self.end.saturating_sub(self.pos)).unwrap_or(usize::MAX);
        let n = buf.len().min(left);
        if n == 0 {
            return Ok(0);
        }
        let got = self.src.read_at(&mut buf[..n], self.pos)?;
        self.pos += got as u64;
        Ok(got)
    }
}

/// Fills `buf` from `offset` as far as the report goes: the bytes read.
pub(crate) fn read_full<R: ReadAt + ?Sized>(
    src: &R,
    buf: &mut [u8],
    offset: u64,
) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match src.read_at(&mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_reads_its_bytes_and_stops_where_the_report_does() {
        let data: &[u8] = b"0123456789";
        let mut out = String::new();
        Range::new(data, 3, 7).read_to_string(&mut out).unwrap();
        assert_eq!(out, "3456");
        out.clear();
        Range::new(data, 8, 100).read_to_string(&mut out).unwrap();
        assert_eq!(out, "89");
        let mut buf = [0_u8; 4];
        assert_eq!(read_full(data, &mut buf, 8).unwrap(), 2);
        assert_eq!(read_full(data, &mut buf, 99).unwrap(), 0);
    }

    #[cfg(any(unix, windows))]
    #[test]
    fn a_file_reads_at_offsets_from_several_threads() {
        use std::io::Write;
        let bytes: Vec<u8> = (0..1_000_003_u32).map(|i| (i % 251) as u8).collect();
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&bytes).unwrap();
        let file = std::fs::File::open(f.path()).unwrap();
        std::thread::scope(|s| {
            for k in 0..4_u64 {
                let (file, bytes) = (&file, &bytes);
                s.spawn(move || {
                    let mut got = Vec::new();
                    Range::new(file, k * 250_000, (k + 1) * 250_001)
                        .read_to_end(&mut got)
                        .unwrap();
                    let from = usize::try_from(k * 250_000).unwrap();
                    let to = usize::try_from((k + 1) * 250_001).unwrap().min(bytes.len());
                    assert!(got == bytes[from..to]);
                });
            }
        });
    }
}

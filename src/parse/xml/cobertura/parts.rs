//! A large Cobertura report read in parts on several threads, cut at `<class` tags, with
//! exactly the result of one pass ([`read`] is the fallback whenever a part cannot stand on
//! its own).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::parse::lines::newlines;
use crate::parse::source::{Range, ReadAt, read_full};
use crate::parse::xml::drive_part;
use crate::parse::{ParseError, Parsed};

use super::{Doc, Kind, read};

/// Reads the report `src` of `len` bytes. A large one is cut at `<class` tags into parts of
/// about [`PART`] bytes (at least one per thread), which `threads` threads each read into a
/// buffer of their own and parse there, part after part: as fast as parsing from memory,
/// with memory for `threads` parts rather than the whole report. The same result, warnings
/// and errors as [`read`], which it falls back on whenever a part cannot stand on its own.
pub(crate) fn read_at<R: ReadAt + ?Sized>(
    src: &R,
    len: u64,
    name: &str,
    threads: usize,
) -> Result<Parsed, ParseError> {
    let parts = if len < 2 * MIN_PART {
        1
    } else {
        usize::try_from(len.div_ceil(PART)).map_or(usize::MAX, |p| p.max(threads))
    };
    read_in_parts(src, len, name, parts, threads)
}

/// The size of a part when there are more parts than threads.
const PART: u64 = 8 << 20;
/// The least bytes worth a part of their own.
const MIN_PART: u64 = 4 << 20;

/// [`read_at`] in `parts` parts (as far as cut places are found) on `threads` threads.
pub(in crate::parse) fn read_in_parts<R: ReadAt + ?Sized>(
    src: &R,
    len: u64,
    name: &str,
    parts: usize,
    threads: usize,
) -> Result<Parsed, ParseError> {
    let splits = split_points(src, len, parts).unwrap_or_default();
    if !splits.is_empty()
        && let Some(parsed) = merge_parts(src, len, name, &splits, threads)
    {
        return Ok(parsed);
    }
    read(Range::new(src, 0, u64::MAX), name)
}

/// Up to `parts - 1` places to cut the report, each at a `<class` tag, in increasing order
/// and about evenly spaced. A place that turns out to be inside a comment, CDATA or another
/// tag makes a part fail, and the document is read whole.
pub(in crate::parse) fn split_points<R: ReadAt + ?Sized>(
    src: &R,
    len: u64,
    parts: usize,
) -> std::io::Result<Vec<u64>> {
    const TAG: &[u8] = b"<class";
    let finder = memchr::memmem::Finder::new(TAG);
    let mut window = vec![0_u8; 64 * 1024];
    let mut splits: Vec<u64> = Vec::with_capacity(parts.saturating_sub(1));
    for k in 1..parts as u64 {
        let mut at = (len / parts as u64 * k).max(splits.last().map_or(1, |&s| s + 1));
        let found = loop {
            let n = read_full(src, &mut window, at)?;
            let w = &window[..n];
            let hit = finder.find_iter(w).find(|&i| {
                matches!(
                    w.get(i + TAG.len()),
                    Some(b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/')
                )
            });
            if let Some(i) = hit {
                break Some(at + i as u64);
            }
            if n < window.len() {
                break None;
            }
            // The next window starts early enough to see a tag cut by this one's end.
            at += (n - TAG.len()) as u64;
        };
        match found {
            Some(i) => splits.push(i),
            None => break,
        }
    }
    Ok(splits)
}

/// One part read on its own: the reader, and the newlines in the part.
type Part<'n> = Option<(Doc<'n>, u64)>;

/// Reads the parts between `splits` on `threads` threads and joins them, checking at each
/// cut that the next part closes exactly the elements the parts before left open, and that
/// no class is open across it. `None` when any part failed, a check did not hold, or the
/// report is not `len` bytes long.
pub(in crate::parse) fn merge_parts<R: ReadAt + ?Sized>(
    src: &R,
    len: u64,
    name: &str,
    splits: &[u64],
    threads: usize,
) -> Option<Parsed> {
    let bounds: Vec<(u64, u64)> = std::iter::once(0)
        .chain(splits.iter().copied())
        .zip(splits.iter().copied().chain(std::iter::once(len)))
        .collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    // Takes the next part until none is left or one failed; a buffer per thread.
    let work = || {
        let mut buf = Vec::new();
        let mut done: Vec<(usize, Part<'_>)> = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(&(from, to)) = bounds.get(k) else {
                break;
            };
            let part = read_part(src, from, to, name, &mut buf);
            if part.is_none() {
                failed.store(true, Ordering::Relaxed);
            }
            done.push((k, part));
        }
        done
    };
    let mut parts: Vec<Part<'_>> = (0..bounds.len()).map(|_| None).collect();
    std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads.clamp(1, bounds.len()))
            .map(|_| s.spawn(work))
            .collect();
        let mine = work();
        let theirs = helpers.into_iter().flat_map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        for (k, part) in mine.into_iter().chain(theirs) {
            parts[k] = part;
        }
    });
    if failed.into_inner() {
        return None;
    }
    // Nothing past the end the report said it had (one pass would read it).
    if read_full(src, &mut [0_u8; 1], len).ok()? != 0 {
        return None;
    }
    let mut parts = parts.into_iter();
    let (mut whole, mut lines_before) = parts.next()??;
    if !whole.saw_root {
        return None;
    }
    let mut open = std::mem::take(&mut whole.outer);
    let mut class_open = whole.class.open;
    for part in parts {
        let (doc, newlines) = part?;
        // Where the cut left anything but the root and unknown elements open, or a class, or
        // where this part met `<sources>` at its top, the part read it differently from how
        // one pass would have.
        let plain = open
            .iter()
            .all(|(kind, _)| matches!(kind, Kind::Coverage | Kind::Other));
        if class_open || !plain || doc.doubtful {
            return None;
        }
        for end in &doc.unmatched {
            if open.pop().is_none_or(|(_, name)| name != *end) {
                return None;
            }
        }
        open.extend(doc.outer);
        class_open = doc.class.open;
        whole.files.append(doc.files);
        whole.warnings.append(doc.warnings, lines_before);
        lines_before += newlines;
    }
    // Something still open at the end: one pass names it in its error.
    if class_open || !open.is_empty() {
        return None;
    }
    Some(whole.finish())
}

/// Reads bytes `from..to` into `buf` and parses them there.
fn read_part<'n, R: ReadAt + ?Sized>(
    src: &R,
    from: u64,
    to: u64,
    name: &'n str,
    buf: &mut Vec<u8>,
) -> Part<'n> {
    let len = usize::try_from(to - from).ok()?;
    buf.resize(len, 0);
    if read_full(src, buf, from).ok()? != len {
        return None;
    }
    let mut doc = Doc::new(name, from == 0);
    drive_part(buf, from == 0, &mut doc).ok()?;
    Some((doc, newlines(buf)))
}

//! `covgit compare --format html --output DIR`: the comparison as a static site that opens
//! from disk (SPEC "Reports for people"): `index.html` (how the base was chosen, totals,
//! patch, the count of each line kind, a sortable table of the files that changed or whose
//! coverage changed), `files.html` and one page per folder under `d/` (every file, folder
//! roll-ups), and one page per file that changed under `f/` (the base → head diff with both
//! sides' line states in the gutter). Two local assets, `covgit.css` and `covgit.js`; no
//! network at view time, and every page reads without JavaScript (it only sorts tables and
//! adds the `j`/`k` keys).
//!
//! Work and size grow with what changed plus the file list: an unchanged file is one row of
//! its folder's table and has no page; a file page shows the diff's hunks and the lines whose
//! coverage changed with a few lines of context, and folds the rest.
//!
//! Nothing here touches the file system: pages go through a [`SiteWriter`] (the CLI's writes
//! into DIR, tests' into a map). Every string from a report, a tree or a file's text is
//! HTML-escaped, with control and bidi characters shown as visible escapes.

mod assets;
mod file;
mod index;
mod names;
mod page;

use std::io;

use super::format::Context;
use crate::compare::{Comparison, FileComparison, FileStatus, Sides};
use crate::model::{FileChange, Report};

/// Where the pages of a site go: `path` is relative to the site's folder, `/`-separated,
/// made by covgit (never `..`, never absolute); its folders may not exist yet.
pub trait SiteWriter {
    /// Writes (or overwrites) the file at `path` with `bytes`.
    fn write(&mut self, path: &str, bytes: &[u8]) -> io::Result<()>;
}

impl<F: FnMut(&str, &[u8]) -> io::Result<()>> SiteWriter for F {
    fn write(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self(path, bytes)
    }
}

/// What a comparison was made of, line by line: each side's report and the base → head
/// diff. The pages show every line's state from them.
#[derive(Clone, Copy)]
pub struct Lines<'a> {
    /// The base report compared (remapped onto the requested base for a pseudo-base).
    pub base: &'a Report,
    /// The head report.
    pub head: &'a Report,
    /// The base → head diff, file by file.
    pub changes: &'a [FileChange],
}

/// What a site holds once written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written (pages and assets).
    pub files: usize,
    /// Of those, the pages of changed files (one each).
    pub file_pages: usize,
    /// The size of the largest file written, in bytes.
    pub largest: usize,
}

/// Counts what goes through it.
struct Counting<'a> {
    inner: &'a mut dyn SiteWriter,
    written: Written,
}

impl SiteWriter for Counting<'_> {
    fn write(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.written.files += 1;
        if path.starts_with("f/") {
            self.written.file_pages += 1;
        }
        self.written.largest = self.written.largest.max(bytes.len());
        self.inner.write(path, bytes)
    }
}

/// Whether a file gets a page of its own: its content or its coverage changed.
pub fn has_page(f: &FileComparison) -> bool {
    f.change != FileStatus::Unchanged || f.indirect || f.base != f.head
}

/// Writes the site of the comparison of `sides` through `out`: the file's text comes from
/// `ctx.source`, each line's state from `lines`.
pub fn site(
    out: &mut dyn SiteWriter,
    sides: &Sides,
    c: &Comparison,
    lines: &Lines<'_>,
    ctx: &Context<'_>,
) -> io::Result<Written> {
    let mut out = Counting {
        inner: out,
        written: Written::default(),
    };
    let names = names::Names::new(c);
    out.write("covgit.css", assets::CSS.as_bytes())?;
    out.write("covgit.js", assets::JS.as_bytes())?;
    index::write(&mut out, sides, c, &names)?;
    file::write_all(&mut out, c, lines, ctx, &names)?;
    Ok(out.written)
}

/// What `compare --format html` says on stderr once the site is written: how many files, and
/// the page to open.
pub fn written(out: &mut dyn io::Write, w: &Written, dir: &std::path::Path) -> io::Result<()> {
    let index = dir.join("index.html");
    writeln!(
        out,
        "wrote {} ({}) into {}: open {}",
        super::count(w.files as u64, "file", "files"),
        super::count(
            w.file_pages as u64,
            "page of a changed file",
            "pages of changed files"
        ),
        super::escape::text(&dir.to_string_lossy()),
        super::escape::text(&index.to_string_lossy()),
    )
}

#[cfg(test)]
mod tests;

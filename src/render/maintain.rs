//! What `covgit mark` and `covgit gc` say on stderr.

use std::io::{self, Write};

use super::note;
use crate::model::{CiStatus, CommitId, count};

/// `marked abc1234 as failed`.
pub fn marked(out: &mut dyn Write, commit: &CommitId, status: CiStatus) -> io::Result<()> {
    note::line(out, &format!("marked {} as {status}", commit.short()))
}

/// What `gc` removed (or would, on a dry run).
#[derive(Debug, Clone, Copy)]
pub struct GcRemoved<'a> {
    /// Nothing was removed: these are what would be.
    pub dry_run: bool,
    /// The forgotten commits, sorted.
    pub commits: &'a [CommitId],
    /// Uploads removed.
    pub uploads: u64,
    /// Database bytes before and after (equal on a dry run).
    pub bytes: (u64, u64),
    /// Records of commits the repository lacks that were left in place.
    pub absent_kept: usize,
}

/// The totals, one line per commit removed, and a hint when records of absent commits
/// were kept.
pub fn gc(out: &mut dyn Write, r: &GcRemoved<'_>) -> io::Result<()> {
    let verb = if r.dry_run { "would remove" } else { "removed" };
    note::line(
        out,
        &format!(
            "{verb} {} with {}; database {} → {} bytes",
            count(
                r.commits.len() as u64,
                "unreachable commit",
                "unreachable commits"
            ),
            count(r.uploads, "upload", "uploads"),
            r.bytes.0,
            r.bytes.1
        ),
    )?;
    for c in r.commits {
        note::line(out, &format!("  {c}"))?;
    }
    if r.absent_kept > 0 {
        note::line(
            out,
            &format!(
                "kept {} of commits this repository does not have (a branch not fetched yet?); `covgit gc --missing` removes them",
                count(r.absent_kept as u64, "record", "records")
            ),
        )?;
    }
    Ok(())
}

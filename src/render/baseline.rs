//! What `covgit baseline` says: the baseline saved (stderr), the saved ones (stdout, one
//! tab-separated line each), the one dropped (stderr).

use std::io::{self, Write};
use std::path::PathBuf;

use super::dates::utc;
use super::escape;
use super::figures::percent;
use super::note;
use super::worktree;
use crate::compare::WorktreeChanges;
use crate::model::{CommitId, Totals};

/// A baseline just saved: built by `app`, only read here.
#[derive(Debug)]
pub struct BaselineSaved {
    /// The baseline's name.
    pub name: String,
    /// The snapshot commit of the working tree (under `refs/covgit/`).
    pub commit: CommitId,
    /// HEAD when it was saved.
    pub parent: Option<CommitId>,
    /// What the working tree held beyond HEAD.
    pub changes: WorktreeChanges,
    /// The report recorded for the snapshot.
    pub report: PathBuf,
    /// The report's totals.
    pub totals: Totals,
    /// The snapshot the name pointed to before, if any.
    pub replaced: Option<CommitId>,
}

/// One saved baseline.
#[derive(Debug)]
pub struct BaselineInfo {
    /// The baseline's name.
    pub name: String,
    /// The snapshot commit.
    pub commit: CommitId,
    /// HEAD when it was saved.
    pub parent: Option<CommitId>,
    /// When it was saved, seconds since the epoch.
    pub time: i64,
    /// Its coverage, `None` when the store has no record of it (another database).
    pub totals: Option<Totals>,
}

/// `saved baseline 'NAME': snapshot abc1234 on def5678, ...; coverage 80.00% from 'coverage.xml'`.
pub fn saved(out: &mut dyn Write, s: &BaselineSaved) -> io::Result<()> {
    let parent = s
        .parent
        .as_ref()
        .map_or_else(|| "no commit".to_owned(), |p| p.short().to_owned());
    let verb = if s.replaced.is_some() {
        "replaced"
    } else {
        "saved"
    };
    note::line(
        out,
        &format!(
            "{verb} baseline '{}': snapshot {} on {parent}, {}; coverage {} from '{}'",
            s.name,
            s.commit.short(),
            worktree::changes(&s.changes),
            percent(s.totals.coverage()),
            s.report.display()
        ),
    )
}

/// One line per baseline: name, snapshot, `on` the HEAD it was taken on, date, coverage.
pub fn list(out: &mut dyn Write, list: &[BaselineInfo]) -> io::Result<()> {
    for b in list {
        let parent = b
            .parent
            .as_ref()
            .map_or_else(|| "-".to_owned(), |p| p.short().to_owned());
        let coverage = b
            .totals
            .as_ref()
            .map_or_else(|| "not recorded".to_owned(), |t| percent(t.coverage()));
        writeln!(
            out,
            "{}\t{}\ton {parent}\t{}\t{coverage}",
            escape::line(&b.name),
            b.commit.short(),
            utc(b.time)
        )?;
    }
    Ok(())
}

/// `dropped baseline 'NAME' (was abc1234)`.
pub fn dropped(out: &mut dyn Write, name: &str, commit: &CommitId) -> io::Result<()> {
    note::line(
        out,
        &format!("dropped baseline '{name}' (was {})", commit.short()),
    )
}

//! `covgit pull [REMOTE]`.

use std::fmt::Write as _;

use clap::Args;
use covgit::app::{self, PullSummary};
use covgit::render::count;

use super::super::args::Global;
use super::super::error::Error;
use super::super::exit;
use super::super::output::note;

/// Fetch coverage shared on a git remote (refs/covgit/data) into the local store.
///
/// Only records new since the last pull are read. A local record of the same commit and
/// flag that was recorded later is kept (and sent by the next push); an upload forgotten here
/// (`covgit forget`) stays forgotten unless recorded again later elsewhere. A record that is
/// malformed, names a path that is not a repository path, or is dated more than a day after
/// this machine's clock is skipped with a warning; the rest are imported.
#[derive(Args)]
pub struct PullArgs {
    /// The git remote.
    #[arg(value_name = "REMOTE", default_value = "origin")]
    pub remote: String,
}

pub fn run(g: &Global, a: &PullArgs) -> Result<u8, Error> {
    let (ws, _) = super::open(g)?;
    let s = app::pull(&ws, &a.remote)?;
    if !g.quiet {
        note!("{}", describe(&s));
    }
    Ok(exit::OK)
}

/// One line saying what was received (stderr).
pub fn describe(s: &PullSummary) -> String {
    if s.received == 0 || s.received == s.skipped.len() {
        return format!(
            "nothing new on {} (refs/covgit/data {})",
            s.remote,
            s.tip.short()
        );
    }
    let mut line = format!(
        "pulled {} of {} from {} (refs/covgit/data {})",
        count(s.imported as u64, "upload", "uploads"),
        count(s.commits as u64, "commit", "commits"),
        s.remote,
        s.tip.short()
    );
    if s.removed > 0 {
        let _ = write!(
            line,
            "; removed {} forgotten on the remote",
            count(s.removed as u64, "upload", "uploads")
        );
    }
    if s.forgotten > 0 {
        let _ = write!(
            line,
            "; left out {} forgotten here",
            count(s.forgotten as u64, "record", "records")
        );
    }
    if !s.skipped.is_empty() {
        let _ = write!(
            line,
            "; skipped {} (see the warning)",
            count(s.skipped.len() as u64, "record", "records")
        );
    }
    if s.kept_local > 0 {
        let _ = write!(
            line,
            "; kept {} recorded later",
            count(s.kept_local as u64, "local record", "local records")
        );
    }
    line
}

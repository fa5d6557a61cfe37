//! `covgit push [REMOTE]`.

use std::fmt::Write as _;

use clap::Args;
use covgit::app::{self, PushSummary};
use covgit::render::count;

use super::super::args::Global;
use super::super::error::Error;
use super::super::exit;
use super::super::output::note;

/// Send recorded coverage to a git remote, under refs/covgit/data.
///
/// Only what the remote lacks is sent, forgotten uploads included (`covgit forget`). When
/// another job pushed first, covgit fetches, merges (the later record of a commit and flag
/// wins; one dated more than a day after this machine's clock is replaced) and retries, so
/// concurrent CI jobs never lose a record. A refusal by the remote (a hook, fsck,
/// permissions) is reported at once with its words. Runs `git` with your credentials and
/// never prompts.
#[derive(Args)]
pub struct PushArgs {
    /// The git remote.
    #[arg(value_name = "REMOTE", default_value = "origin")]
    pub remote: String,
}

pub fn run(g: &Global, a: &PushArgs) -> Result<u8, Error> {
    let (ws, _) = super::open(g)?;
    let s = app::push(&ws, &a.remote)?;
    if !g.quiet {
        note!("{}", describe(&s));
    }
    Ok(exit::OK)
}

/// One line saying what was sent (stderr).
pub fn describe(s: &PushSummary) -> String {
    let mut line = describe_sent(s);
    if !s.newer_on_remote.is_empty() {
        let n = s.newer_on_remote.len();
        let named: Vec<String> = s
            .newer_on_remote
            .iter()
            .take(5)
            .map(|(c, f)| match f {
                Some(f) => format!("{} ({f})", c.short()),
                None => format!("{} (no flag)", c.short()),
            })
            .collect();
        let more = if n > 5 {
            format!(" and {} more", n - 5)
        } else {
            String::new()
        };
        let _ = write!(
            line,
            "; {} holds a different, newer record of {}{more} (`covgit pull {}` takes it)",
            s.remote,
            named.join(", "),
            s.remote
        );
    }
    if s.kept_local > 0 {
        let _ = write!(
            line,
            "; {} of commits only this clone has (baseline snapshots) kept here",
            count(s.kept_local as u64, "upload", "uploads")
        );
    }
    line
}

fn describe_sent(s: &PushSummary) -> String {
    if s.uploads == 0 && s.forgotten == 0 {
        let newer = s.newer_on_remote.len();
        return match (&s.tip, s.superseded) {
            (None, _) => format!("nothing to push to {}: no coverage recorded", s.remote),
            (Some(_), 0) => format!("nothing to push: {} has every recorded upload", s.remote),
            (Some(_), n) if n == newer => format!("nothing pushed to {}", s.remote),
            (Some(_), n) if n - newer == 1 => format!(
                "nothing to push: {} already has this upload or a later record of it",
                s.remote
            ),
            (Some(_), n) => format!(
                "nothing to push: {} already has these {} uploads or later records of them",
                s.remote,
                n - newer
            ),
        };
    }
    if s.uploads == 0 {
        let tip = s.tip.as_ref().map_or("", |t| t.short());
        return format!(
            "removed {} from {} (refs/covgit/data {tip})",
            count(s.forgotten as u64, "forgotten upload", "forgotten uploads"),
            s.remote
        );
    }
    let tip = s.tip.as_ref().map_or("", |t| t.short());
    let mut line = format!(
        "pushed {} of {} to {} (refs/covgit/data {tip})",
        count(s.uploads as u64, "upload", "uploads"),
        count(s.commits as u64, "commit", "commits"),
        s.remote
    );
    if s.forgotten > 0 {
        let _ = write!(
            line,
            "; removed {}",
            count(s.forgotten as u64, "forgotten upload", "forgotten uploads")
        );
    }
    if s.superseded > s.newer_on_remote.len() {
        let _ = if s.superseded - s.newer_on_remote.len() == 1 {
            write!(
                line,
                "; 1 upload skipped, the remote has a later record of it"
            )
        } else {
            write!(
                line,
                "; {} uploads skipped, the remote has later records of them",
                s.superseded - s.newer_on_remote.len()
            )
        };
    }
    if s.retries > 0 {
        let _ = write!(
            line,
            "; merged with concurrent pushes {}",
            count(u64::from(s.retries), "time", "times")
        );
    }
    line
}

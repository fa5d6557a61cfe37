use clap::Args;
use covgit::app::{self, GcOptions};
use covgit::render::count;

use super::super::args::Global;
use super::super::error::Error;
use super::super::exit;
use super::super::output::note;

/// Forget recorded commits that no ref reaches any more (rebased or deleted branches), and
/// the coverage only they used; then give the space back to the file system. Records of
/// commits this repository does not have (pulled for a branch not fetched yet) are kept.
#[derive(Args)]
pub struct GcArgs {
    /// Only say what would be removed.
    #[arg(long)]
    pub dry_run: bool,
    /// Also remove the records of commits this repository does not have.
    #[arg(long)]
    pub missing: bool,
}

pub fn run(g: &Global, a: &GcArgs) -> Result<u8, Error> {
    let (ws, _) = super::open(g)?;
    let out = app::gc(
        &ws,
        GcOptions {
            dry_run: a.dry_run,
            missing: a.missing,
        },
    )?;
    if !g.quiet {
        let removed = &out.removed;
        let verb = if a.dry_run { "would remove" } else { "removed" };
        note!(
            "{verb} {} with {}; database {} → {} bytes",
            count(
                removed.commits.len() as u64,
                "unreachable commit",
                "unreachable commits"
            ),
            count(removed.uploads as u64, "upload", "uploads"),
            removed.bytes_before,
            removed.bytes_after
        );
        for c in &removed.commits {
            note!("  {c}");
        }
        if !out.absent_kept.is_empty() {
            note!(
                "kept {} of commits this repository does not have (a branch not fetched yet?); `covgit gc --missing` removes them",
                count(out.absent_kept.len() as u64, "record", "records")
            );
        }
    }
    Ok(exit::OK)
}

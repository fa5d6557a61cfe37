use clap::Args;
use covgit::app::{self, Error, GcOptions};

use super::super::args::Global;
use super::super::exit;

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
        eprintln!(
            "{verb} {} unreachable commit(s) with {} upload(s); database {} → {} bytes",
            removed.commits.len(),
            removed.uploads,
            removed.bytes_before,
            removed.bytes_after
        );
        for c in &removed.commits {
            eprintln!("  {c}");
        }
        if !out.absent_kept.is_empty() {
            eprintln!(
                "kept {} record(s) of commits this repository does not have (a branch not fetched yet?); `covgit gc --missing` removes them",
                out.absent_kept.len()
            );
        }
    }
    Ok(exit::OK)
}

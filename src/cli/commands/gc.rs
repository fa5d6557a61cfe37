use clap::Args;
use covgit::app::{self, GcOptions};
use covgit::render;

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};

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
        output::with_stderr(|err| {
            render::maintain::gc(
                err,
                &render::maintain::GcRemoved {
                    dry_run: a.dry_run,
                    commits: &removed.commits,
                    uploads: removed.uploads,
                    bytes: (removed.bytes_before, removed.bytes_after),
                    absent_kept: out.absent_kept.len(),
                },
            )
        });
    }
    Ok(exit::OK)
}

use clap::Args;
use covgit::app::{self, Error};
use covgit::render::count;

use super::super::args::Global;
use super::super::exit;
use super::super::output::note;

/// Forget recorded commits that no ref reaches any more (rebased or deleted branches), and
/// the coverage only they used; then give the space back to the file system.
#[derive(Args)]
pub struct GcArgs {
    /// Only say what would be removed.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(g: &Global, a: &GcArgs) -> Result<u8, Error> {
    let (ws, _) = super::open(g)?;
    let out = app::gc(&ws, a.dry_run)?;
    if !g.quiet {
        let verb = if a.dry_run { "would remove" } else { "removed" };
        note!(
            "{verb} {} with {}; database {} → {} bytes",
            count(
                out.commits.len() as u64,
                "unreachable commit",
                "unreachable commits"
            ),
            count(out.uploads as u64, "upload", "uploads"),
            out.bytes_before,
            out.bytes_after
        );
        for c in &out.commits {
            note!("  {c}");
        }
    }
    Ok(exit::OK)
}

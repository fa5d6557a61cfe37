use clap::Args;
use covgit::app::{self, Error};

use super::super::args::Global;
use super::super::exit;

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
        eprintln!(
            "{verb} {} unreachable commit(s) with {} upload(s); database {} → {} bytes",
            out.commits.len(),
            out.uploads,
            out.bytes_before,
            out.bytes_after
        );
        for c in &out.commits {
            eprintln!("  {c}");
        }
    }
    Ok(exit::OK)
}

use clap::Args;
use covgit::app;
use covgit::model::CiStatus;

use super::super::args::Global;
use super::super::error::Error;
use super::super::exit;
use super::super::output::note;

/// Change a recorded commit's CI status (every upload of it).
#[derive(Args)]
pub struct MarkArgs {
    /// The recorded commit.
    pub rev: String,
    /// passed, failed or pending.
    #[arg(long, value_name = "S", value_parser = super::record::parse_status)]
    pub ci_status: CiStatus,
}

pub fn run(g: &Global, a: &MarkArgs) -> Result<u8, Error> {
    let (ws, _) = super::open(g)?;
    let commit = app::mark(&ws, &a.rev, a.ci_status)?;
    if !g.quiet {
        note!("marked {} as {}", commit.short(), a.ci_status);
    }
    Ok(exit::OK)
}

use clap::Args;
use covgit::app;
use covgit::model::CiStatus;
use covgit::render;

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};

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
        output::with_stderr(|err| render::maintain::marked(err, &commit, a.ci_status));
    }
    Ok(exit::OK)
}

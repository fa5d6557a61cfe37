//! `covgit pull [REMOTE]`.

use clap::Args;
use covgit::app;
use covgit::render;

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};

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
        output::with_stderr(|err| render::share::pull(err, &s));
    }
    Ok(exit::OK)
}

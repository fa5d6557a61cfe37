//! `covgit push [REMOTE]`.

use clap::Args;
use covgit::app;
use covgit::render;

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};

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
        output::with_stderr(|err| render::share::push(err, &s));
    }
    Ok(exit::OK)
}

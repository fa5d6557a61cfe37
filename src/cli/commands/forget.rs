//! `covgit forget REV [--flag NAME]`.

use clap::Args;
use covgit::app;
use covgit::model::Flag;
use covgit::render;

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};

/// Remove a commit's recorded uploads (or one flag's), e.g. a report from the wrong commit.
///
/// A forgotten upload stays forgotten: `pull` does not bring it back, and the next `push`
/// removes it from the remote too, for every clone that pulls (a dated tombstone takes its
/// place). Recording the commit and flag again after that brings it back.
#[derive(Args)]
pub struct ForgetArgs {
    /// The commit whose uploads to remove (a full SHA also works for a commit no longer in
    /// the repository).
    pub rev: String,
    /// Remove only this flag's upload (default: every upload of the commit).
    #[arg(long, value_name = "NAME", value_parser = super::record::parse_flag)]
    pub flag: Option<Flag>,
}

pub fn run(g: &Global, a: &ForgetArgs) -> Result<u8, Error> {
    let (ws, _) = super::open(g)?;
    let s = app::forget(&ws, &a.rev, a.flag.as_ref())?;
    if !g.quiet {
        output::with_stderr(|err| render::share::forget(err, &s));
    }
    Ok(exit::OK)
}

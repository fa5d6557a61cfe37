use std::path::PathBuf;

use clap::{Args, Subcommand};
use covgit::app::{self, BaselineSaveOptions, DEFAULT_BASELINE};
use covgit::parse::InputFormat;
use covgit::render;

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};

/// Named snapshots of the working tree with their coverage, to compare against later.
///
/// `save` writes the working tree (tracked files as they are on disk, plus untracked files
/// that are not ignored) into git's object database as a commit kept by
/// refs/covgit/baselines/NAME, without touching the index, HEAD or any file, and records
/// the report under it. Then, after editing: `covgit compare --worktree --baseline NAME`.
#[derive(Args)]
pub struct BaselineArgs {
    #[command(subcommand)]
    pub action: BaselineAction,
}

#[derive(Subcommand)]
pub enum BaselineAction {
    /// Snapshot the working tree and its coverage as baseline NAME (replacing one of that name).
    Save {
        /// The baseline's name.
        #[arg(default_value = DEFAULT_BASELINE)]
        name: String,
        /// The report [default: the newest of coverage.xml, lcov.info, ... here or at the
        /// repository root].
        #[arg(value_name = "REPORT")]
        report: Option<PathBuf>,
        /// Read the report as this format instead of detecting it.
        #[arg(long, value_name = "F", value_parser = super::record::parse_format)]
        input_format: Option<InputFormat>,
    },
    /// The saved baselines: name, snapshot, the HEAD it was taken on, date and coverage.
    List,
    /// Forget baseline NAME.
    Drop {
        /// The baseline's name.
        #[arg(default_value = DEFAULT_BASELINE)]
        name: String,
    },
}

pub fn run(g: &Global, a: &BaselineArgs) -> Result<u8, Error> {
    let (ws, config) = super::open(g)?;
    match &a.action {
        BaselineAction::Save {
            name,
            report,
            input_format,
        } => {
            let s = app::baseline_save(
                &ws,
                &config,
                &BaselineSaveOptions {
                    name: name.clone(),
                    report: report.clone(),
                    cwd: super::cwd(g),
                    input_format: *input_format,
                },
            )?;
            if !g.quiet {
                output::with_stderr(|err| render::baseline::saved(err, &s));
            }
        }
        BaselineAction::List => {
            let list = app::baseline_list(&ws)?;
            output::with_stdout(|out| render::baseline::list(out, &list)).map_err(Error::Output)?;
        }
        BaselineAction::Drop { name } => {
            let commit = app::baseline_drop(&ws, name)?;
            if !g.quiet {
                output::with_stderr(|err| render::baseline::dropped(err, name, &commit));
            }
        }
    }
    Ok(exit::OK)
}

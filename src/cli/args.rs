//! The command line as clap types. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::commands;

/// How code coverage changed from one commit to another, with git deciding what "the same
/// line" is.
#[derive(Parser)]
#[command(
    name = "covgit",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args)]
pub struct Global {
    /// Run as if covgit was started in DIR: every relative path (reports, --head-report,
    /// --db, `COVGIT_DB`) is taken from DIR. Repeated, each is relative to the one before, as
    /// in git.
    #[arg(short = 'C', value_name = "DIR", global = true, action = clap::ArgAction::Append)]
    pub dir: Vec<PathBuf>,
    /// The coverage database [default: covgit/covgit.db in the repository's git dir].
    #[arg(long, env = "COVGIT_DB", value_name = "PATH", global = true)]
    pub db: Option<PathBuf>,
    /// More detail on stderr (repeat for more).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

#[derive(Subcommand)]
pub enum Command {
    Record(commands::record::RecordArgs),
    Mark(commands::mark::MarkArgs),
    Forget(commands::forget::ForgetArgs),
    Compare(commands::compare::CompareArgs),
    Check(commands::check::CheckArgs),
    Log(commands::log::LogArgs),
    Show(commands::show::ShowArgs),
    Gc(commands::gc::GcArgs),
    Push(commands::push::PushArgs),
    Pull(commands::pull::PullArgs),
    Baseline(commands::baseline::BaselineArgs),
    Hook(commands::hook::HookArgs),
}

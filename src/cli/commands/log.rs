use clap::Args;
use covgit::app::{self, DEFAULT_LOG_WALK, LogOptions};
use covgit::render::{self, QueryFormat};

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};

/// Recorded commits along first-parent history, newest first: CI status, flags, coverage
/// and its change. The walk stops after 10,000 commits; pass REV or A..B to start further
/// back.
#[derive(Args)]
pub struct LogArgs {
    /// `A..B` (or `A...B`, the same), or a revision to walk back from [default: HEAD].
    pub range: Option<String>,
    /// Show the N newest recorded commits, however many unrecorded ones lie between
    /// (the walk stops after 10,000 commits) [default: all found].
    #[arg(long, short = 'n', value_name = "N")]
    pub max_count: Option<usize>,
    /// text or json.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = super::show::parse_format())]
    pub format: QueryFormat,
}

pub fn run(g: &Global, a: &LogArgs) -> Result<u8, Error> {
    let (ws, config) = super::open(g)?;
    let outcome = app::log(
        &ws,
        &LogOptions {
            range: a.range.clone(),
            limit: a.max_count.unwrap_or(usize::MAX),
            max_walk: DEFAULT_LOG_WALK,
            expected: config.flags.expected.clone(),
        },
    )?;
    let palette = output::palette(a.format.styled());
    output::with_stdout(|out| render::log(out, &outcome.entries, a.format, &palette))
        .map_err(Error::Output)?;
    // SPEC: text `log` prints one line per recorded commit on stdout; notes go to stderr.
    if !g.quiet {
        output::with_stderr(|err| render::log::notes(err, &outcome, a.max_count));
    }
    Ok(exit::OK)
}

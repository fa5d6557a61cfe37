use clap::Args;
use covgit::app::{self, Error, LogOptions};

use super::super::args::Global;
use super::super::{exit, output};

/// Recorded commits along first-parent history, newest first: CI status, flags, coverage
/// and its change.
#[derive(Args)]
pub struct LogArgs {
    /// `A..B` (or `A...B`, the same), or a revision to walk back from [default: HEAD].
    pub range: Option<String>,
    /// Walk at most this many commits.
    #[arg(long, short = 'n', default_value_t = 1000)]
    pub max_count: usize,
    /// text or json.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
}

pub fn run(g: &Global, a: &LogArgs) -> Result<u8, Error> {
    let (ws, _) = super::open(g)?;
    let entries = app::log(
        &ws,
        &LogOptions {
            range: a.range.clone(),
            limit: a.max_count,
        },
    )?;
    let json = a.format == "json";
    let palette = if json {
        covgit::render::Palette::default()
    } else {
        output::palette()
    };
    output::with_stdout(|out| covgit::render::log(out, &entries, json, &palette))
        .map_err(Error::Output)?;
    Ok(exit::OK)
}

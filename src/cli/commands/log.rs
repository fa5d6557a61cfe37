use clap::Args;
use covgit::app::{self, DEFAULT_LOG_WALK, LogOptions, LogOutcome, LogStop};
use covgit::model::count;
use covgit::render::QueryFormat;

use super::super::args::Global;
use super::super::error::Error;
use super::super::output::note;
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
    let (ws, _) = super::open(g)?;
    let outcome = app::log(
        &ws,
        &LogOptions {
            range: a.range.clone(),
            limit: a.max_count.unwrap_or(usize::MAX),
            max_walk: DEFAULT_LOG_WALK,
        },
    )?;
    let palette = output::palette(a.format.styled());
    output::with_stdout(|out| covgit::render::log(out, &outcome.entries, a.format, &palette))
        .map_err(Error::Output)?;
    // SPEC: text `log` prints one line per recorded commit on stdout; notes go to stderr.
    if !g.quiet {
        for note in notes(&outcome, a.max_count) {
            note!("note: {note}");
        }
    }
    Ok(exit::OK)
}

/// Why fewer commits were listed than asked for, and what to do about it.
fn notes(o: &LogOutcome, asked: Option<usize>) -> Vec<String> {
    let mut notes = Vec::new();
    let found = o.entries.len();
    let walked = count(o.walked as u64, "commit", "commits");
    let asked_for = |n: usize| count(n as u64, "recorded commit", "recorded commits");
    match (o.stopped, asked) {
        (Some(LogStop::WalkLimit), Some(n)) => notes.push(format!(
            "found {found} of the {} asked for in the {walked} walked (the most log walks); pass REV or A..B to start further back",
            asked_for(n)
        )),
        (Some(LogStop::Shallow), Some(n)) => notes.push(format!(
            "found {found} of the {} asked for before the shallow history ended",
            asked_for(n)
        )),
        _ => {}
    }
    if found == 0 && asked != Some(0) {
        let hint = match &o.shared_on {
            Some(remote) => {
                format!("remote '{remote}' shares coverage: import it with `covgit pull {remote}`")
            }
            None => "record one with `covgit record` after running the tests".to_owned(),
        };
        notes.push(format!("no recorded commit in the {walked} walked; {hint}"));
    }
    notes
}

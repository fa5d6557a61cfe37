use std::path::PathBuf;

use clap::{Args, Subcommand};
use covgit::app::{self, BaselineSaveOptions, DEFAULT_BASELINE};
use covgit::parse::InputFormat;

use super::super::args::Global;
use super::super::error::Error;
use super::super::output::note;
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
                let parent = s
                    .parent
                    .as_ref()
                    .map_or_else(|| "no commit".to_owned(), |p| p.short().to_owned());
                let verb = if s.replaced.is_some() {
                    "replaced"
                } else {
                    "saved"
                };
                note!(
                    "{verb} baseline '{}': snapshot {} on {parent}, {}; coverage {} from '{}'",
                    s.name,
                    s.commit.short(),
                    s.changes,
                    covgit::render::percent(s.totals.coverage()),
                    s.report.display()
                );
            }
        }
        BaselineAction::List => {
            let list = app::baseline_list(&ws)?;
            output::with_stdout(|out| {
                for b in &list {
                    let parent = b
                        .parent
                        .as_ref()
                        .map_or_else(|| "-".to_owned(), |p| p.short().to_owned());
                    let coverage = b.totals.as_ref().map_or_else(
                        || "not recorded".to_owned(),
                        |t| covgit::render::percent(t.coverage()),
                    );
                    writeln!(
                        out,
                        "{}\t{}\ton {parent}\t{}\t{coverage}",
                        covgit::render::escape::line(&b.name),
                        b.commit.short(),
                        utc(b.time)
                    )?;
                }
                Ok(())
            })
            .map_err(Error::Output)?;
        }
        BaselineAction::Drop { name } => {
            let commit = app::baseline_drop(&ws, name)?;
            if !g.quiet {
                note!("dropped baseline '{name}' (was {})", commit.short());
            }
        }
    }
    Ok(exit::OK)
}

/// `YYYY-MM-DD HH:MM UTC` from seconds since the epoch (civil-from-days, no time crate).
fn utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_dates_match_known_instants() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(1_767_225_600), "2026-01-01 00:00 UTC");
        assert_eq!(super::utc(951_782_400 + 3_660), "2000-02-29 01:01 UTC");
    }
}

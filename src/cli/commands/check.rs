use clap::Args;
use covgit::app::{self, CheckOptions};
use covgit::config::PatchTarget;
use covgit::render::{self, CompareFormat};

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};
use super::compare::{LinkArgs, Selectors};

/// The comparison as a gate: exit 1 naming each failed gate, 0 with a one-line summary.
///
/// Gates come from [check] in .covgit.toml; these flags beat it. A head that lacks uploads of
/// [flags] expected exits 3 without being judged.
#[derive(Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub select: Selectors,
    /// Patch coverage below this percent fails; `auto` = the base's total coverage.
    #[arg(long, value_name = "P", value_parser = parse_target)]
    pub patch_target: Option<PatchTarget>,
    /// Points the total coverage may drop before the check fails.
    #[arg(long, value_name = "T", value_parser = parse_threshold)]
    pub project_threshold: Option<f64>,
    /// Any line that lost coverage fails.
    #[arg(long)]
    pub fail_on_lost: bool,
    /// Judge a head that lacks uploads of [flags] expected instead of exiting 3.
    #[arg(long)]
    pub allow_incomplete: bool,
    /// Also print the comparison: text, markdown, json or github (html is a folder of pages:
    /// `covgit compare --format html --output DIR` writes it).
    #[arg(long, value_name = "FORMAT", value_parser = super::compare::FormatParser::streams())]
    pub format: Option<CompareFormat>,
    #[command(flatten)]
    pub links: LinkArgs,
}

fn parse_target(s: &str) -> Result<PatchTarget, String> {
    s.parse()
        .map_err(|e: covgit::config::InvalidPatchTarget| e.to_string())
}

fn parse_threshold(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(t) if covgit::config::valid_project_threshold(t) => Ok(t),
        _ => Err(format!("'{s}' is not a finite number of points, 0 or more")),
    }
}

pub fn run(g: &Global, a: &CheckArgs) -> Result<u8, Error> {
    if let Some(format) = a.format.filter(|f| f.is_site()) {
        return Err(Error::CheckSite { format });
    }
    let (ws, config) = super::open(g)?;
    let outcome = app::check(
        &ws,
        &config,
        &CheckOptions {
            compare: a.select.options_in(g),
            patch_target: a.patch_target,
            project_threshold: a.project_threshold,
            fail_on_lost: a.fail_on_lost,
        },
    )?;
    let c = &outcome.compared;
    super::compare::note_worktree(g, c);
    if let Some(format) = a.format {
        let palette = output::palette(format.styled());
        let source = app::sources(&ws, &c.sides);
        let links = a.links.links(&ws, &c.sides);
        let ctx = render::Context {
            palette: &palette,
            source: &source,
            links: &links,
        };
        output::with_stdout(|out| render::compare(out, &c.sides, &c.comparison, format, &ctx))
            .map_err(Error::Output)?;
    }
    if !a.allow_incomplete && !c.sides.missing_flags.is_empty() {
        output::with_stderr(|err| render::check::incomplete(err, &c.sides.missing_flags));
        return Ok(exit::INCOMPLETE);
    }
    if outcome.verdict.passed() {
        if !g.quiet {
            output::with_stderr(|err| render::check::passed(err, &c.comparison));
        }
        Ok(exit::OK)
    } else {
        output::with_stderr(|err| {
            render::check::failures(err, "", &outcome.verdict)?;
            if g.quiet {
                Ok(())
            } else {
                render::check::summary_after_failures(err, &c.comparison)
            }
        });
        Ok(exit::GATE_FAILED)
    }
}

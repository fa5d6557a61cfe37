use std::path::{Path, PathBuf};

use clap::Args;
use covgit::app::{self, DEFAULT_LOG_WALK, LogOptions};
use covgit::render::{self, LogFormat};

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};

/// Recorded commits along first-parent history, newest first: CI status, flags, coverage
/// and its change, or the coverage trend as a chart (svg, html). The walk stops after
/// 10,000 commits; pass REV or A..B to start further back.
#[derive(Args)]
pub struct LogArgs {
    /// `A..B` (or `A...B`, the same), or a revision to walk back from [default: HEAD].
    pub range: Option<String>,
    /// Show the N newest recorded commits, however many unrecorded ones lie between
    /// (the walk stops after 10,000 commits) [default: all found].
    #[arg(long, short = 'n', value_name = "N")]
    pub max_count: Option<usize>,
    /// text, json, svg (the trend chart, on stdout) or html (the chart and a table, written
    /// to --output DIR).
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = parse_format())]
    pub format: LogFormat,
    /// With --format html: the folder to write index.html into, created if missing (other
    /// files in it are left alone).
    #[arg(long, value_name = "DIR", required_if_eq("format", "html"), value_parser = parse_output)]
    pub output: Option<PathBuf>,
}

/// `--format` of `log`: clap lists the names in help and in its usage error.
fn parse_format() -> impl clap::builder::TypedValueParser<Value = LogFormat> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(LogFormat::ALL.map(LogFormat::as_str))
        .try_map(|s| s.parse::<LogFormat>())
}

/// `--output DIR`: a folder; `-` (stdout) cannot hold a page's folder.
fn parse_output(s: &str) -> Result<PathBuf, String> {
    match s {
        "-" => Err(
            "the HTML trend is a folder (DIR/index.html), not a stream: name a folder; `--format svg` writes the chart alone to stdout"
                .to_owned(),
        ),
        "" => Err("name a folder".to_owned()),
        _ => Ok(PathBuf::from(s)),
    }
}

pub fn run(g: &Global, a: &LogArgs) -> Result<u8, Error> {
    if a.output.is_some() && a.format != LogFormat::Html {
        return Err(Error::OutputNotHtml {
            format: a.format.as_str(),
        });
    }
    let (ws, config) = super::open(g)?;
    let opts = LogOptions {
        range: a.range.clone(),
        limit: a.max_count.unwrap_or(usize::MAX),
        max_walk: DEFAULT_LOG_WALK,
        expected: config.flags.expected.clone(),
    };
    let outcome = match (a.format.query(), &a.output) {
        (Some(format), _) => {
            let outcome = app::log(&ws, &opts)?;
            let palette = output::palette(format.styled());
            output::with_stdout(|out| render::log(out, &outcome.entries, format, &palette))
                .map_err(Error::Output)?;
            outcome
        }
        (None, Some(dir)) => {
            let trend = app::trend(&ws, &opts)?;
            write_page(dir, &trend)?;
            trend.log
        }
        (None, None) => {
            let trend = app::trend(&ws, &opts)?;
            output::with_stdout(|out| render::trend::svg(out, &trend)).map_err(Error::Output)?;
            trend.log
        }
    };
    // SPEC: text `log` prints one line per recorded commit on stdout; notes go to stderr.
    if !g.quiet {
        output::with_stderr(|err| render::log::notes(err, &outcome, a.max_count));
    }
    Ok(exit::OK)
}

/// Writes `dir/index.html` as the compare site writes its pages ([`output::write_site`]:
/// created if needed, by temporary file and rename, no link followed), after refusing an
/// `--output` that is a file with a sentence that says so.
fn write_page(dir: &Path, trend: &render::Trend) -> Result<(), Error> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::OutputNotAFolder {
            path: dir.to_owned(),
        });
    }
    output::write_site(dir, |site| {
        let mut page = Vec::new();
        render::trend::html(&mut page, trend)?;
        site.write("index.html", &page)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_planted_at_the_temporary_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir(&site).unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep me").unwrap();
        // The names the page was once written through, and the temporary names the site
        // writer takes now (a counter of this process, so the first 200 of them).
        let pid = std::process::id();
        let names = [format!(".index.html.{pid}.tmp")]
            .into_iter()
            .chain((0..3).map(|n| format!(".index.html.{pid}.{n}.tmp")))
            .chain((0..200).map(|n| format!(".covgit-{pid}-{n}.tmp")));
        for name in names {
            std::os::unix::fs::symlink(&victim, site.join(name)).unwrap();
        }
        let trend = render::Trend {
            log: covgit::app::LogOutcome {
                entries: Vec::new(),
                walked: 0,
                stopped: None,
                shared_on: None,
            },
            details: Vec::new(),
        };
        write_page(&site, &trend).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        let page = std::fs::read_to_string(site.join("index.html")).unwrap();
        assert!(page.contains("No recorded commit"), "{page}");
        assert!(
            !std::fs::symlink_metadata(site.join("index.html"))
                .unwrap()
                .is_symlink()
        );
    }
}

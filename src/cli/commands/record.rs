use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use covgit::app::{self, Progress, RecordOptions};
use covgit::model::{CiStatus, Flag};
use covgit::parse::InputFormat;
use covgit::render;
use indicatif::{ProgressBar, ProgressStyle};

use super::super::args::Global;
use super::super::error::Error;
use super::super::{exit, output};

/// Parse coverage reports and store them as one upload of a commit.
///
/// The format of each report is detected from its content. Paths are resolved against the
/// commit's tree. Recording the same commit and flag again replaces that upload.
#[derive(Args)]
pub struct RecordArgs {
    /// Report files [default: the first found of coverage.xml, cobertura.xml, lcov.info,
    /// coverage/lcov.info, coverage.json, coverage/coverage-final.json, clover.xml,
    /// target/site/jacoco/jacoco.xml, coverage.out and the like; see the README].
    #[arg(value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// The commit the coverage belongs to.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub commit: String,
    /// Name of this upload (e.g. unit, integration); one upload per flag and commit.
    #[arg(long, value_name = "NAME", value_parser = parse_flag)]
    pub flag: Option<Flag>,
    /// The CI status of the run that produced the report.
    #[arg(long, value_name = "S", default_value = "passed", value_parser = parse_status)]
    pub ci_status: CiStatus,
    /// Read the reports as this format instead of detecting it: cobertura, lcov, jacoco,
    /// clover, go, coveragepy-json, llvm-cov-json, istanbul or simplecov.
    #[arg(long, value_name = "F", value_parser = parse_format)]
    pub input_format: Option<InputFormat>,
    /// Record the report even if it cannot describe the commit (a tracked line beyond a
    /// file's end, or no path found in the commit's tree, or every entry skipped); warns.
    #[arg(long)]
    pub force: bool,
    /// Then push the recorded coverage to REMOTE (`covgit push`).
    #[arg(long, value_name = "REMOTE", num_args = 0..=1, require_equals = true, default_missing_value = "origin")]
    pub push: Option<String>,
}

pub fn parse_flag(s: &str) -> Result<Flag, String> {
    Flag::new(s).map_err(|e| e.to_string())
}

pub fn parse_status(s: &str) -> Result<CiStatus, String> {
    s.parse()
        .map_err(|e: covgit::model::InvalidId| e.to_string())
}

pub fn parse_format(s: &str) -> Result<InputFormat, String> {
    s.parse().map_err(|e| format!("{e}"))
}

pub fn run(g: &Global, a: &RecordArgs) -> Result<u8, Error> {
    let (ws, config) = super::open(g)?;
    let opts = RecordOptions {
        reports: a.reports.clone(),
        cwd: super::cwd(g),
        commit: Some(a.commit.clone()),
        flag: a.flag.clone(),
        ci_status: a.ci_status,
        input_format: a.input_format,
        force: a.force,
    };
    let bar = Bar::new(!g.quiet && std::io::stderr().is_terminal());
    let s = app::record(&ws, &config, &opts, &bar)?;
    if !g.quiet {
        output::with_stderr(|err| render::record::record(err, &s));
    }
    if let Some(remote) = &a.push {
        let p = app::push(&ws, remote)?;
        if !g.quiet {
            output::with_stderr(|err| render::share::push(err, &p));
        }
    }
    Ok(exit::OK)
}

/// A progress bar over the bytes of the reports, drawn only on a terminal and only once
/// the work has taken more than a moment.
struct Bar(Option<ProgressBar>);

impl Bar {
    fn new(enabled: bool) -> Self {
        Self(enabled.then(|| {
            let pb = ProgressBar::hidden();
            pb.set_style(
                ProgressStyle::with_template(
                    "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            pb.set_message("reading");
            pb
        }))
    }
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        if let Some(pb) = &self.0 {
            pb.set_length(total);
        }
    }
    fn advance(&self, bytes: u64) {
        if let Some(pb) = &self.0 {
            pb.inc(bytes);
            if pb.is_hidden() && pb.elapsed() > Duration::from_millis(300) {
                pb.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
        }
    }
    fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}

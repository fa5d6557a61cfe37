//! `covgit record`: parse reports, resolve their paths against the commit's tree, store
//! them as one upload.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tracing::{info, info_span, instrument, warn};

use crate::config::Config;
use crate::model::{CiStatus, CommitId, FileCoverage, Flag, Report, Totals, Upload};
use crate::parse::InputFormat;
use crate::resolve::{Resolution, Resolver};

use super::input::{Progress, discover, read_one, resolver_for};
use super::{Error, Workspace};

/// How many unresolved paths `record` names in warnings before summing up the rest.
const UNRESOLVED_NAMED: usize = 20;

pub struct RecordOptions {
    /// Report files; empty means discover them in `cwd`.
    pub reports: Vec<PathBuf>,
    pub cwd: PathBuf,
    /// The revision to record for; `None` is HEAD.
    pub commit: Option<String>,
    pub flag: Option<Flag>,
    pub ci_status: CiStatus,
    pub input_format: Option<InputFormat>,
    /// Record a report that fails "Does the report belong to this commit?", with a warning.
    pub force: bool,
}

/// What one report file contributed.
#[derive(Debug)]
pub struct ReportSummary {
    pub path: PathBuf,
    pub format: InputFormat,
    pub files: usize,
}

#[derive(Debug)]
pub struct RecordSummary {
    pub commit: CommitId,
    pub flag: Option<Flag>,
    pub ci_status: CiStatus,
    pub reports: Vec<ReportSummary>,
    pub totals: Totals,
    pub unresolved: Vec<String>,
    pub ignored: usize,
    pub warnings: usize,
    pub replaced: bool,
}

#[instrument(skip_all, fields(commit = opts.commit.as_deref().unwrap_or("HEAD")))]
pub fn record(
    ws: &Workspace,
    config: &Config,
    opts: &RecordOptions,
    progress: &dyn Progress,
) -> Result<RecordSummary, Error> {
    let commit = ws.repo.resolve(opts.commit.as_deref().unwrap_or("HEAD"))?;
    let reports = if opts.reports.is_empty() {
        discover(&opts.cwd)?
    } else {
        opts.reports.clone()
    };
    let tree = info_span!("tree").in_scope(|| ws.repo.tree_files(&commit))?;
    let resolver = resolver_for(ws, &ws.repo, config, &commit, &tree)?;

    let total: u64 = reports
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    progress.start(total);
    let mut parts = Vec::with_capacity(reports.len());
    let mut summaries = Vec::with_capacity(reports.len());
    let (mut ignored, mut warnings) = (0, 0);
    let mut doubts = Vec::new();
    for path in &reports {
        let (format, resolution, n_warn) = read_one(path, opts.input_format, &resolver, progress)?;
        ignored += resolution.ignored.len();
        warnings += n_warn;
        for a in &resolution.ambiguous {
            warn!(
                "{}: '{}' matches several files of the tree; kept as unresolved",
                path.display(),
                bounded(a)
            );
        }
        doubts.extend(doubt_of(path, &commit, &resolver, &resolution, n_warn));
        summaries.push(ReportSummary {
            path: path.clone(),
            format,
            files: resolution.report.files.len(),
        });
        parts.push((path, resolution.report));
    }
    progress.finish();
    if let Some(d) = info_span!("belongs").in_scope(|| lines_beyond_end(ws, &commit, &parts))? {
        doubts.push(d);
    }
    if let Some(first) = doubts.first() {
        if !opts.force {
            return Err(Error::NotOfCommit {
                reason: first.clone(),
            });
        }
        for d in &doubts {
            warn!("{d}; recorded all the same (--force)");
        }
    }

    let report = if parts.len() == 1 {
        parts.pop().map(|(_, r)| r).unwrap_or_default()
    } else {
        Report::merge(parts.iter().map(|(_, r)| r))
    };
    warn_unresolved(&report, &commit, &resolver);
    let mut formats: Vec<&str> = summaries.iter().map(|s| s.format.as_str()).collect();
    formats.dedup();
    let upload = Upload {
        flag: opts.flag.clone(),
        format: formats.join("+"),
        ci_status: opts.ci_status,
        report,
    };
    // Everything is parsed and resolved before the store is opened, so bad input leaves it
    // untouched.
    let mut store = ws.store_for_write()?;
    let outcome = info_span!("store").in_scope(|| store.record(&commit, &upload))?;
    info!(commit = %commit, replaced = outcome.replaced, "recorded");
    Ok(RecordSummary {
        commit,
        flag: upload.flag,
        ci_status: upload.ci_status,
        reports: summaries,
        totals: upload.report.totals(),
        unresolved: upload.report.unresolved.iter().cloned().collect(),
        ignored,
        warnings,
        replaced: outcome.replaced,
    })
}

/// The longest path a message quotes whole; longer ones are cut with `…`.
const QUOTED_PATH_MAX: usize = 200;

/// `s` cut to [`QUOTED_PATH_MAX`] characters, control characters escaped, for a message.
fn bounded(s: &str) -> String {
    crate::model::quoted(s, QUOTED_PATH_MAX)
}

/// Why one report cannot be `commit`'s, judged from its own paths and warnings: every
/// entry was skipped (so it would replace an upload with nothing), or no path is in the tree.
fn doubt_of(
    path: &Path,
    commit: &CommitId,
    resolver: &Resolver<'_>,
    resolution: &Resolution,
    n_warn: usize,
) -> Option<String> {
    let r = &resolution.report;
    if r.files.values().all(FileCoverage::is_empty) && resolution.ignored.is_empty() && n_warn > 0 {
        Some(format!(
            "every entry of '{}' was skipped ({}; see the warnings above), so it holds no \
             coverage to record",
            path.display(),
            crate::render::count(n_warn as u64, "warning", "warnings")
        ))
    } else if !r.files.is_empty() && r.unresolved.len() == r.files.len() {
        Some(nothing_resolved(path, commit, resolver, r))
    } else {
        None
    }
}

/// Warns about the first unresolved paths, each with the `[paths]` rule that would deal with
/// it, and counts the rest: a report from another checkout can have thousands.
fn warn_unresolved(report: &Report, commit: &CommitId, resolver: &Resolver<'_>) {
    for u in report.unresolved.iter().take(UNRESOLVED_NAMED) {
        warn!(
            "'{}' matches no file of commit {}; kept as it is (unresolved): {}",
            bounded(u),
            commit.short(),
            resolver.advice(u)
        );
    }
    if report.unresolved.len() > UNRESOLVED_NAMED {
        warn!(
            "{} match no file of commit {}; `covgit show` lists them all",
            crate::model::count(
                (report.unresolved.len() - UNRESOLVED_NAMED) as u64,
                "more path",
                "more paths"
            ),
            commit.short()
        );
    }
}

/// Why a report none of whose paths resolved cannot be this commit's: the first paths
/// tried and the `[paths]` rules that would place them.
fn nothing_resolved(path: &Path, commit: &CommitId, resolver: &Resolver<'_>, r: &Report) -> String {
    const NAMED: usize = 3;
    let tried: Vec<String> = r
        .unresolved
        .iter()
        .take(NAMED)
        .map(|u| format!("'{}'", bounded(u)))
        .collect();
    let more = r.unresolved.len().saturating_sub(NAMED);
    let fixes: Vec<String> = r
        .unresolved
        .iter()
        .filter_map(|u| resolver.fix_rule(u))
        .take(NAMED)
        .collect();
    let advice = if fixes.is_empty() {
        "none of their file names is in that tree: the report is of another project, or the \
         wrong folder or commit (pass --commit REV)"
            .to_owned()
    } else {
        let mut unique = fixes;
        unique.dedup();
        format!(
            "the report is of another project or folder (or the wrong --commit), or its paths \
             need a rule in .covgit.toml, e.g. [paths] fixes = [{}]",
            unique.join(", ")
        )
    };
    format!(
        "no path of '{}' matches a file of commit {} (tried {}{}): {advice}",
        path.display(),
        commit.short(),
        tried.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    )
}

/// The first resolved file (in report, then path order) with a tracked line beyond its last
/// line in `commit`, as the reason the reports were made on other code. Only files with
/// tracked lines are read, on as many threads as the machine has.
fn lines_beyond_end(
    ws: &Workspace,
    commit: &CommitId,
    parts: &[(&PathBuf, Report)],
) -> Result<Option<String>, Error> {
    let mut last_line: HashMap<&str, u32> = HashMap::new();
    for (_, r) in parts {
        for (file, cov) in &r.files {
            if let Some(&(max, _)) = cov.lines().last()
                && !r.unresolved.contains(file)
            {
                let have = last_line.entry(file.as_str()).or_default();
                *have = (*have).max(max);
            }
        }
    }
    let wanted: Vec<&str> = last_line.keys().copied().collect();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let lengths = ws.repo.line_counts(commit, &wanted, threads)?;
    for (report, r) in parts {
        let mut beyond = r.files.iter().filter_map(|(file, cov)| {
            let &(max, _) = cov.lines().last()?;
            let &len = lengths.get(file.as_str())?;
            (max > len && !r.unresolved.contains(file)).then_some((file, max, len))
        });
        if let Some((file, line, len)) = beyond.next() {
            let others = beyond.count();
            return Ok(Some(format!(
                "'{}' tracks line {line} of {}, which has {} in commit {}{}: the report was \
                 made on other code, or for another commit (pass --commit REV)",
                report.display(),
                bounded(file),
                crate::render::count(u64::from(len), "line", "lines"),
                commit.short(),
                match others {
                    0 => String::new(),
                    n => format!(
                        " (and {})",
                        crate::render::count(n as u64, "more file", "more files")
                    ),
                }
            )));
        }
    }
    Ok(None)
}

//! `covgit record`: parse reports, resolve their paths against the commit's tree, store
//! them as one upload.

use std::cell::Cell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use tracing::{info, info_span, instrument, warn};

use crate::config::Config;
use crate::git::Repo;
use crate::model::{CiStatus, CommitId, FileCoverage, Flag, Report, Totals, Upload};
use crate::parse::{self, InputFormat};
use crate::resolve::{Resolver, go_module_path};

use super::{Error, Workspace};

/// The files `record` looks for when no report is named, in this order, relative to the
/// current folder.
pub const DISCOVERED: &[&str] = &[
    "coverage.xml",
    "cobertura.xml",
    "coverage/cobertura-coverage.xml",
    "lcov.info",
    "coverage/lcov.info",
    "coverage.lcov",
    "coverage.json",
    "coverage/coverage-final.json",
    "coverage/.resultset.json",
    "clover.xml",
    "coverage/clover.xml",
    "target/site/jacoco/jacoco.xml",
    "build/reports/jacoco/test/jacocoTestReport.xml",
    "coverage.out",
    "cover.out",
    "coverage.profile",
];

/// The largest report covgit reads (768 MiB).
pub const MAX_REPORT_BYTES: u64 = 768 << 20;

/// How many unresolved paths `record` names in warnings before summing up the rest.
const UNRESOLVED_NAMED: usize = 20;

/// Progress of long work, drawn by the caller (a bar on a terminal, nothing elsewhere).
pub trait Progress: Sync {
    /// Work of `total_bytes` bytes begins.
    fn start(&self, total_bytes: u64);
    /// `bytes` more bytes are done.
    fn advance(&self, bytes: u64);
    /// The work is over.
    fn finish(&self);
}

/// Progress that draws nothing.
impl Progress for () {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// What [`record`] records, for which commit, under which flag.
pub struct RecordOptions {
    /// Report files; empty means discover them in `cwd`.
    pub reports: Vec<PathBuf>,
    /// Where to discover reports when `reports` is empty.
    pub cwd: PathBuf,
    /// The revision to record for; `None` is HEAD.
    pub commit: Option<String>,
    /// The upload's flag; `None` for the unflagged upload.
    pub flag: Option<Flag>,
    /// The CI status recorded with the upload.
    pub ci_status: CiStatus,
    /// The reports' format; `None` detects each one's.
    pub input_format: Option<InputFormat>,
    /// Record a report that fails "Does the report belong to this commit?", with a warning.
    pub force: bool,
}

/// What one report file contributed.
#[derive(Debug)]
pub struct ReportSummary {
    /// The report file.
    pub path: PathBuf,
    /// The format it was read as.
    pub format: InputFormat,
    /// How many files it holds coverage for.
    pub files: usize,
}

/// What [`record`] stored.
#[derive(Debug)]
pub struct RecordSummary {
    /// The commit recorded for.
    pub commit: CommitId,
    /// The upload's flag.
    pub flag: Option<Flag>,
    /// The upload's CI status.
    pub ci_status: CiStatus,
    /// Each report read.
    pub reports: Vec<ReportSummary>,
    /// The upload's totals.
    pub totals: Totals,
    /// Report paths that matched no file in the commit's tree.
    pub unresolved: Vec<String>,
    /// Files left out by `[paths] ignore`.
    pub ignored: usize,
    /// How many records the parsers skipped or doubted.
    pub warnings: usize,
    /// Whether an upload of the same commit and flag was replaced.
    pub replaced: bool,
}

/// Reads the reports, resolves their paths against the commit's tree and stores them as the commit's upload under the flag (replacing an earlier one).
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
    let root = ws
        .root()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let resolver = Resolver::new(&tree, &root, &config.paths)?
        .with_go_modules(go_modules(&ws.repo, &commit, &tree));

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
    resolution: &crate::resolve::Resolution,
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

/// Parses and resolves one report file.
pub(crate) fn read_one(
    path: &Path,
    forced: Option<InputFormat>,
    resolver: &Resolver<'_>,
    progress: &dyn Progress,
) -> Result<(InputFormat, crate::resolve::Resolution, usize), Error> {
    let file = File::open(path).map_err(|source| Error::ReadReport {
        path: path.to_owned(),
        source,
    })?;
    // Memory follows the report's size (a 69 MB Cobertura report peaks at about 100 MB), so
    // a size limit is a memory limit, said before anything is read.
    let meta = file.metadata().map_err(|source| Error::ReadReport {
        path: path.to_owned(),
        source,
    })?;
    if meta.len() > MAX_REPORT_BYTES {
        return Err(Error::ReportTooLarge {
            path: path.to_owned(),
            size: meta.len(),
            limit: MAX_REPORT_BYTES,
        });
    }
    let name = path.display().to_string();
    let over = Cell::new(false);
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let parsed = info_span!("parse").in_scope(|| {
        if meta.is_file() {
            parse_file(file, meta.len(), &name, forced, threads, progress)
        } else {
            // A pipe (`<(zcat coverage.xml.gz)`) only reads forwards, streamed, and is held
            // to the same size as a file: its end is not known beforehand.
            let mut reader = BufReader::with_capacity(
                256 * 1024,
                Capped {
                    inner: Counting {
                        inner: file,
                        progress,
                    },
                    left: MAX_REPORT_BYTES,
                    over: &over,
                },
            );
            parse::parse(&mut reader, &name, forced)
        }
    });
    let parsed = match parsed {
        Err(_) if over.get() => {
            return Err(Error::PipeTooLarge {
                path: path.to_owned(),
                limit: MAX_REPORT_BYTES,
            });
        }
        p => p?,
    };
    for w in &parsed.warnings {
        match w.line {
            Some(l) => warn!("{name}:{l}: {}", w.message),
            None => warn!("{name}: {}", w.message),
        }
    }
    let resolution =
        info_span!("resolve").in_scope(|| resolver.resolve_all(&parsed.sources, parsed.files));
    Ok((parsed.format, resolution, parsed.warnings.len()))
}

/// Parses a regular file, reading it at offsets: a large Cobertura report in parts on
/// `threads` threads.
#[cfg(any(unix, windows))]
fn parse_file(
    file: File,
    len: u64,
    name: &str,
    forced: Option<InputFormat>,
    threads: usize,
    progress: &dyn Progress,
) -> Result<parse::Parsed, parse::ParseError> {
    parse::parse_at(
        &Counting {
            inner: file,
            progress,
        },
        len,
        name,
        forced,
        threads,
    )
}

#[cfg(not(any(unix, windows)))]
fn parse_file(
    file: File,
    _len: u64,
    name: &str,
    forced: Option<InputFormat>,
    _threads: usize,
    progress: &dyn Progress,
) -> Result<parse::Parsed, parse::ParseError> {
    let mut reader = BufReader::with_capacity(
        256 * 1024,
        Counting {
            inner: file,
            progress,
        },
    );
    parse::parse(&mut reader, name, forced)
}

/// The Go modules of the tree: each `go.mod`'s module path and folder. Unreadable ones are
/// passed over (their files then resolve by suffix like any other).
pub(crate) fn go_modules(repo: &Repo, commit: &CommitId, tree: &[String]) -> Vec<(String, String)> {
    tree.iter()
        .filter(|p| *p == "go.mod" || p.ends_with("/go.mod"))
        .filter_map(|p| {
            let text = repo.read_file(commit, p).ok()??;
            let module = go_module_path(&String::from_utf8_lossy(&text))?;
            let dir = p.strip_suffix("go.mod")?.trim_end_matches('/').to_owned();
            Some((module, dir))
        })
        .collect()
}

fn discover(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    DISCOVERED
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
        .map(|p| vec![p])
        .ok_or_else(|| Error::NoReportFound {
            dir: dir.to_owned(),
            looked: DISCOVERED.join(", "),
        })
}

/// A reader that fails once more than `left` bytes come through, and says so in `over`.
struct Capped<'c, R> {
    inner: R,
    left: u64,
    over: &'c Cell<bool>,
}

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            // At the cap: one byte more means the input is too large.
            let mut probe = [0_u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.over.set(true);
            return Err(std::io::Error::other(
                "the report is larger than covgit reads",
            ));
        }
        let max = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// A reader that reports how many bytes went through it.
struct Counting<'p, R> {
    inner: R,
    progress: &'p dyn Progress,
}

#[cfg(any(unix, windows))]
impl parse::ReadAt for Counting<'_, File> {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
        let n = parse::ReadAt::read_at(&self.inner, buf, offset)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

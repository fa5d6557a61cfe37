//! `covgit record`: parse reports, resolve their paths against the commit's tree, store
//! them as one upload.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use tracing::{info, info_span, instrument, warn};

use crate::config::Config;
use crate::git::Repo;
use crate::model::{CiStatus, CommitId, Flag, Report, Totals, Upload};
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
    fn start(&self, total_bytes: u64);
    fn advance(&self, bytes: u64);
    fn finish(&self);
}

/// Progress that draws nothing.
impl Progress for () {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

pub struct RecordOptions {
    /// Report files; empty means discover them in `cwd`.
    pub reports: Vec<PathBuf>,
    pub cwd: PathBuf,
    /// The revision to record for; `None` is HEAD.
    pub commit: Option<String>,
    pub flag: Option<Flag>,
    pub ci_status: CiStatus,
    pub input_format: Option<InputFormat>,
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
    for path in &reports {
        let (format, resolution, n_warn) = read_one(path, opts.input_format, &resolver, progress)?;
        ignored += resolution.ignored.len();
        warnings += n_warn;
        for a in &resolution.ambiguous {
            warn!(
                "{}: '{a}' matches several files of the tree; kept as unresolved",
                path.display()
            );
        }
        summaries.push(ReportSummary {
            path: path.clone(),
            format,
            files: resolution.report.files.len(),
        });
        parts.push((format, resolution.report));
    }
    progress.finish();

    let report = if parts.len() == 1 {
        parts.pop().map(|(_, r)| r).unwrap_or_default()
    } else {
        Report::merge(parts.iter().map(|(_, r)| r))
    };
    // Name the first few; a report from another checkout can have thousands.
    for u in report.unresolved.iter().take(UNRESOLVED_NAMED) {
        warn!(
            "'{u}' matches no file of commit {}; kept as it is (unresolved)",
            commit.short()
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
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let parsed = info_span!("parse").in_scope(|| {
        if meta.is_file() {
            parse_file(file, meta.len(), &name, forced, threads, progress)
        } else {
            // A pipe (`<(zcat coverage.xml.gz)`) only reads forwards.
            let mut reader = BufReader::with_capacity(
                256 * 1024,
                Counting {
                    inner: file,
                    progress,
                },
            );
            parse::parse(&mut reader, &name, forced)
        }
    })?;
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

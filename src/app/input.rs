//! Report input, shared by every use-case that reads a coverage report: finding the report
//! (`record`'s usual files, or the newest of them for a working tree), reading it within
//! the size limit, resolving its paths against a commit's tree (Go modules included), and
//! asking whether it can describe that commit (SPEC "Does the report belong to this
//! commit?"), for `record` and for a head's report alike. Nothing here touches the store.

use std::cell::Cell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tracing::{info_span, warn};

use crate::config::Config;
use crate::git::Repo;
use crate::model::{CommitId, FileCoverage, Report};
use crate::parse::{self, InputFormat};
use crate::resolve::{Resolution, Resolver, go_module_path};

use super::generated::LeaveOutGenerated;
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

/// Progress of long work, drawn by the caller (a bar on a terminal, nothing elsewhere).
pub trait Progress: Sync {
    /// The work begins: `total_bytes` of reports are to be read.
    fn start(&self, total_bytes: u64);
    /// `bytes` more were read.
    fn advance(&self, bytes: u64);
    /// The work is done (or stopped); the drawing can go.
    fn finish(&self);
}

/// Progress that draws nothing.
impl Progress for () {
    fn start(&self, _: u64) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// The resolver of report paths against `commit`'s `tree` (listed by the caller, which may
/// keep it for other uses): the work tree root, the `[paths]` rules and the tree's Go
/// modules.
pub(super) fn resolver_for<'t>(
    ws: &Workspace,
    repo: &Repo,
    config: &'t Config,
    commit: &CommitId,
    tree: &'t [String],
) -> Result<Resolver<'t>, Error> {
    let root = ws
        .root()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Resolver::new(tree, &root, &config.paths)?.with_go_modules(go_modules(repo, commit, tree)))
}

/// Reads a report file, its paths resolved against `commit`'s tree (read from `repo`,
/// which may hold an in-memory working-tree snapshot). Whether it can describe that commit
/// is not asked: [`read_checked`] asks it.
pub(super) fn read_resolved(
    ws: &Workspace,
    repo: &Repo,
    config: &Config,
    commit: &CommitId,
    path: &Path,
    input_format: Option<InputFormat>,
) -> Result<Report, Error> {
    read_for(ws, repo, config, commit, (path, input_format), None)
}

/// [`read_resolved`], then "Does the report belong to this commit?" as `record` asks it: a
/// report that cannot describe `commit` is refused with the first reason, or with
/// `check.force` read all the same with each reason warned.
pub(super) fn read_checked(
    ws: &Workspace,
    repo: &Repo,
    config: &Config,
    commit: &CommitId,
    (path, input_format): (&Path, Option<InputFormat>),
    check: Check,
) -> Result<Report, Error> {
    read_for(ws, repo, config, commit, (path, input_format), Some(check))
}

/// Reads, resolves and leaves out generated code; with `check`, asks whether the report
/// can describe `commit` first.
fn read_for(
    ws: &Workspace,
    repo: &Repo,
    config: &Config,
    commit: &CommitId,
    (path, input_format): (&Path, Option<InputFormat>),
    check: Option<Check>,
) -> Result<Report, Error> {
    let tree = repo.tree_files(commit)?;
    let resolver = resolver_for(ws, repo, config, commit, &tree)?;
    let (_, mut resolution, n_warn) = read_one(path, input_format, &resolver, &())?;
    let Some(check) = check else {
        LeaveOutGenerated::new(repo, config, commit)?.apply(&mut resolution.report)?;
        return Ok(resolution.report);
    };
    let against = check.against;
    let mut doubts: Vec<String> = doubt_of(path, commit, &resolver, &resolution, n_warn, against)
        .into_iter()
        .collect();
    // As `record` does: after the doubts, before the lengths are checked.
    LeaveOutGenerated::new(repo, config, commit)?.apply(&mut resolution.report)?;
    let parts = [(path, resolution.report)];
    doubts.extend(
        info_span!("belongs").in_scope(|| lines_beyond_end(repo, commit, &parts, against))?,
    );
    settle(&doubts, check)?;
    let [(_, report)] = parts;
    Ok(report)
}

/// What a report is checked against (SPEC "Does the report belong to this commit?"), for
/// the words of the refusal and of the option that would set it right.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Against {
    /// `record`: the commit `--commit` names (HEAD by default).
    Record,
    /// `--head-report` of `compare` and `check`: the head commit.
    Head,
    /// The working tree's report: the files on disk (a snapshot commit of them).
    Worktree,
}

impl Against {
    /// The commit, or the working tree, as a sentence names it.
    fn place(self, commit: &CommitId) -> String {
        match self {
            Self::Worktree => "the working tree".to_owned(),
            Self::Record | Self::Head => format!("commit {}", commit.short()),
        }
    }

    /// Why a report's lines run past a file's end besides "made on other code", and what
    /// to do about it.
    fn other_code(self) -> &'static str {
        match self {
            Self::Record => "or for another commit (pass --commit REV)",
            Self::Head => "or for another commit (pass --head REV)",
            Self::Worktree => "or before the file was last edited (rerun the tests to refresh it)",
        }
    }

    /// The wrong commit as a cause of no path resolving: after "the wrong folder".
    fn or_commit(self) -> &'static str {
        match self {
            Self::Record => " or commit (pass --commit REV)",
            Self::Head => " or commit (pass --head REV)",
            Self::Worktree => "",
        }
    }

    /// The wrong commit as a cause beside "another project or folder".
    fn or_wrong_commit(self) -> &'static str {
        match self {
            Self::Record => " (or the wrong --commit)",
            Self::Head => " (or the wrong head: pass --head REV)",
            Self::Worktree => "",
        }
    }

    /// What is done with the report: `record`, or `compare` (check compares first).
    fn verb(self) -> &'static str {
        match self {
            Self::Record => "record",
            Self::Head | Self::Worktree => "compare",
        }
    }

    /// [`Self::verb`], done.
    fn done(self) -> &'static str {
        match self {
            Self::Record => "recorded",
            Self::Head | Self::Worktree => "compared",
        }
    }
}

/// How to treat a report that cannot describe its commit.
#[derive(Clone, Copy, Debug)]
pub(super) struct Check {
    /// What it is checked against.
    pub against: Against,
    /// Take it all the same, each reason warned (`--force`).
    pub force: bool,
}

/// The reasons the reports cannot describe their commit, settled: none, fine; else refused
/// with the first, or with `check.force` each warned and taken all the same.
pub(super) fn settle(doubts: &[String], check: Check) -> Result<(), Error> {
    let Some(first) = doubts.first() else {
        return Ok(());
    };
    if !check.force {
        let reason = first.clone();
        return Err(match check.against {
            Against::Record => Error::NotOfCommit { reason },
            Against::Head | Against::Worktree => Error::NotOfHead { reason },
        });
    }
    for d in doubts {
        warn!("{d}; {} all the same (--force)", check.against.done());
    }
    Ok(())
}

/// The longest path a message quotes whole; longer ones are cut with `…`.
const QUOTED_PATH_MAX: usize = 200;

/// `s` cut to [`QUOTED_PATH_MAX`] characters, control characters escaped, for a message.
pub(super) fn bounded(s: &str) -> String {
    crate::model::quoted(s, QUOTED_PATH_MAX)
}

/// Why one report cannot be `commit`'s, judged from its own paths and warnings: every
/// entry was skipped (so it would stand for nothing), or no path is in the tree.
pub(super) fn doubt_of(
    path: &Path,
    commit: &CommitId,
    resolver: &Resolver<'_>,
    resolution: &Resolution,
    n_warn: usize,
    against: Against,
) -> Option<String> {
    let r = &resolution.report;
    if r.files.values().all(FileCoverage::is_empty) && resolution.ignored.is_empty() && n_warn > 0 {
        Some(format!(
            "every entry of '{}' was skipped ({}; see the warnings above), so it holds no \
             coverage to {}",
            path.display(),
            crate::render::count(n_warn as u64, "warning", "warnings"),
            against.verb()
        ))
    } else if !r.files.is_empty() && r.unresolved.len() == r.files.len() {
        Some(nothing_resolved(path, commit, resolver, r, against))
    } else {
        None
    }
}

/// Why a report none of whose paths resolved cannot be this commit's: the first paths
/// tried and the `[paths]` rules that would place them.
fn nothing_resolved(
    path: &Path,
    commit: &CommitId,
    resolver: &Resolver<'_>,
    r: &Report,
    against: Against,
) -> String {
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
        format!(
            "none of their file names is in that tree: the report is of another project, or \
             the wrong folder{}",
            against.or_commit()
        )
    } else {
        let mut unique = fixes;
        unique.dedup();
        format!(
            "the report is of another project or folder{}, or its paths need a rule in \
             .covgit.toml, e.g. [paths] fixes = [{}]",
            against.or_wrong_commit(),
            unique.join(", ")
        )
    };
    format!(
        "no path of '{}' matches a file of {} (tried {}{}): {advice}",
        path.display(),
        against.place(commit),
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
pub(super) fn lines_beyond_end<P: AsRef<Path>>(
    repo: &Repo,
    commit: &CommitId,
    parts: &[(P, Report)],
    against: Against,
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
    let lengths = repo.line_counts(commit, &wanted, threads)?;
    for (report, r) in parts {
        let mut beyond = r.files.iter().filter_map(|(file, cov)| {
            let &(max, _) = cov.lines().last()?;
            let &len = lengths.get(file.as_str())?;
            (max > len && !r.unresolved.contains(file)).then_some((file, max, len))
        });
        if let Some((file, line, len)) = beyond.next() {
            let others = beyond.count();
            return Ok(Some(format!(
                "'{}' tracks line {line} of {}, which has {} in {}{}: the report was made on \
                 other code, {}",
                report.as_ref().display(),
                bounded(file),
                crate::render::count(u64::from(len), "line", "lines"),
                against.place(commit),
                match others {
                    0 => String::new(),
                    n => format!(
                        " (and {})",
                        crate::render::count(n as u64, "more file", "more files")
                    ),
                },
                against.other_code()
            )));
        }
    }
    Ok(None)
}

/// Parses and resolves one report file.
pub(super) fn read_one(
    path: &Path,
    forced: Option<InputFormat>,
    resolver: &Resolver<'_>,
    progress: &dyn Progress,
) -> Result<(InputFormat, Resolution, usize), Error> {
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
fn go_modules(repo: &Repo, commit: &CommitId, tree: &[String]) -> Vec<(String, String)> {
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

/// The first of [`DISCOVERED`] that is a file in `dir`, for `record` with no report named.
pub(super) fn discover(dir: &Path) -> Result<Vec<PathBuf>, Error> {
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

/// Where a working tree's report is looked for: the folder covgit runs in, then the work
/// tree root.
pub(super) fn report_dirs(ws: &Workspace, cwd: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = cwd.map(Path::to_owned).into_iter().collect();
    if let Some(root) = ws.root()
        && !dirs.iter().any(|d| same_dir(d, &root))
    {
        dirs.push(root);
    }
    dirs
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The most recently written of `record`'s usual report files in `dirs`: "the report just
/// produced", when a project leaves several behind.
pub(super) fn discover_newest(dirs: &[PathBuf]) -> Result<PathBuf, Error> {
    let mut best: Option<(SystemTime, PathBuf)> = None;
    for dir in dirs {
        for name in DISCOVERED {
            let path = dir.join(name);
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let time = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if best.as_ref().is_none_or(|(t, _)| time > *t) {
                best = Some((time, path));
            }
        }
    }
    best.map(|(_, p)| p).ok_or_else(|| Error::NoReportFound {
        dir: dirs.first().cloned().unwrap_or_default(),
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

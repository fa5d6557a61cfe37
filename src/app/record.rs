//! `covgit record`: parse reports, resolve their paths against the commit's tree, store
//! them as one upload.

use std::fs::File;
use std::io::{Read, Seek};
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
pub trait Progress {
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
            "{} more paths match no file of commit {}; `covgit show` lists them all",
            report.unresolved.len() - UNRESOLVED_NAMED,
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
    // The report is read into memory and parsed there (in parts, on every core, when it is
    // large): memory is about twice the report's size (a 69 MB Cobertura report peaks at
    // about 165 MB), so a size limit is a memory limit, said before anything is read.
    let size = file.metadata().map_or(0, |m| m.len());
    if size > MAX_REPORT_BYTES {
        return Err(Error::ReportTooLarge {
            path: path.to_owned(),
            size,
            limit: MAX_REPORT_BYTES,
        });
    }
    let name = path.display().to_string();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let data = info_span!("read")
        .in_scope(|| read_whole(file, size, threads, progress))
        .map_err(|source| Error::ReadReport {
            path: path.to_owned(),
            source,
        })?;
    if data.len() as u64 > MAX_REPORT_BYTES {
        return Err(Error::ReportTooLarge {
            path: path.to_owned(),
            size: data.len() as u64,
            limit: MAX_REPORT_BYTES,
        });
    }
    let parsed =
        info_span!("parse").in_scope(|| parse::parse_bytes(&data, &name, forced, threads))?;
    drop(data);
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

/// The least bytes worth a reading thread of their own.
const MIN_READ_SLICE: u64 = 8 << 20;

/// The whole of `file`, which said it holds `size` bytes, but no more than
/// [`MAX_REPORT_BYTES`] and one. A large file is read in slices on `threads` threads at once
/// (copying out of the page cache is a good part of recording a large report); a file that
/// turns out shorter or longer than it said is read again from the start in one go.
fn read_whole(
    mut file: File,
    size: u64,
    threads: usize,
    progress: &dyn Progress,
) -> std::io::Result<Vec<u8>> {
    #[cfg(unix)]
    if let Some(data) = read_in_slices(&file, size, threads) {
        progress.advance(size);
        return Ok(data);
    }
    file.seek(std::io::SeekFrom::Start(0))?;
    // Sized to the file (plus a byte, so the read that finds the end does not double it).
    let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    Counting {
        inner: file,
        progress,
    }
    .take(MAX_REPORT_BYTES + 1)
    .read_to_end(&mut data)?;
    Ok(data)
}

/// [`read_whole`]'s slices; `None` when one thread would do, or when the file is not `size`
/// bytes long or a read fails (the caller reads again in one go and meets the error there).
#[cfg(unix)]
fn read_in_slices(file: &File, size: u64, threads: usize) -> Option<Vec<u8>> {
    use std::os::unix::fs::FileExt;

    let slices = usize::try_from((size / MIN_READ_SLICE).min(threads as u64)).ok()?;
    if slices < 2 {
        return None;
    }
    let mut data = vec![0_u8; usize::try_from(size).ok()?];
    let len = data.len().div_ceil(slices);
    let read = std::thread::scope(|s| {
        let readers: Vec<_> = data
            .chunks_mut(len)
            .enumerate()
            .map(|(k, chunk)| s.spawn(move || file.read_exact_at(chunk, (k * len) as u64)))
            .collect();
        readers
            .into_iter()
            .all(|r| r.join().is_ok_and(|done| done.is_ok()))
    });
    // Nothing past the end it said it had.
    let ended = read && file.read_at(&mut [0_u8; 1], size).is_ok_and(|n| n == 0);
    ended.then_some(data)
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

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// 17 MiB and a bit of bytes that differ from place to place, so a slice read at the
    /// wrong offset shows.
    fn report_file() -> (tempfile::NamedTempFile, Vec<u8>) {
        let bytes: Vec<u8> = (0..(17_u32 << 20) + 12_345)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&bytes).unwrap();
        (f, bytes)
    }

    #[test]
    fn a_large_report_is_read_in_slices_whole_and_in_order() {
        let (f, bytes) = report_file();
        let size = bytes.len() as u64;
        #[cfg(unix)]
        assert!(read_in_slices(f.as_file(), size, 2).is_some_and(|d| d == bytes));
        for threads in [1, 2, 5] {
            let data = read_whole(File::open(f.path()).unwrap(), size, threads, &()).unwrap();
            assert!(data == bytes, "{threads} threads");
        }
    }

    #[test]
    fn a_report_of_another_size_than_it_said_is_read_in_one_go() {
        let (f, bytes) = report_file();
        let size = bytes.len() as u64;
        for said in [size - 1, size + 1] {
            #[cfg(unix)]
            assert!(
                read_in_slices(f.as_file(), said, 2).is_none(),
                "said {said}"
            );
            let data = read_whole(File::open(f.path()).unwrap(), said, 2, &()).unwrap();
            assert!(data == bytes, "said {said}");
        }
    }
}

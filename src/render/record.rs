//! What `covgit record` says on stderr: each report read, then the upload recorded.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::figures::percent;
use super::note;
use crate::model::{CiStatus, CommitId, Flag, Totals, count};

/// `read coverage.xml (cobertura, 3 files)`.
fn report_read(out: &mut dyn Write, path: &Path, format: &str, files: usize) -> io::Result<()> {
    note::line(
        out,
        &format!(
            "read {} ({format}, {})",
            path.display(),
            count(files as u64, "file", "files")
        ),
    )
}

/// What one report file contributed.
#[derive(Debug)]
pub struct ReportSummary {
    /// The report file.
    pub path: PathBuf,
    /// The input format's name (`cobertura`, `lcov`, ...).
    pub format: &'static str,
    /// How many files it holds coverage for.
    pub files: usize,
}

/// What `record` stored: built by `app`, only read here.
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
    /// Files left out as generated code (`[paths] generated`).
    pub generated: usize,
    /// How many records the parsers skipped or doubted.
    pub warnings: usize,
    /// Whether an upload of the same commit and flag was replaced.
    pub replaced: bool,
}

/// One line per report read, then what was recorded.
pub fn record(out: &mut dyn Write, s: &RecordSummary) -> io::Result<()> {
    for r in &s.reports {
        report_read(out, &r.path, r.format, r.files)?;
    }
    recorded(out, s)?;
    if s.generated > 0 {
        note::line(
            out,
            &format!(
                "left out {} that .gitattributes marks linguist-generated \
                 ([paths] generated = false keeps them)",
                count(s.generated as u64, "generated file", "generated files")
            ),
        )?;
    }
    Ok(())
}

/// `recorded abc1234 [unit] (passed): 3 files, 40 lines, coverage 80.00%`.
fn recorded(out: &mut dyn Write, r: &RecordSummary) -> io::Result<()> {
    let flag = r
        .flag
        .as_ref()
        .map(|f| format!(" [{f}]"))
        .unwrap_or_default();
    let verb = if r.replaced { "replaced" } else { "recorded" };
    let unresolved = if r.unresolved.is_empty() {
        String::new()
    } else {
        format!(
            ", {} (see covgit show)",
            count(
                r.unresolved.len() as u64,
                "unresolved path",
                "unresolved paths"
            )
        )
    };
    note::line(
        out,
        &format!(
            "{verb} {}{flag} ({}): {}, {}, coverage {}{unresolved}",
            r.commit.short(),
            r.ci_status,
            count(r.totals.files, "file", "files"),
            count(r.totals.lines, "line", "lines"),
            percent(r.totals.coverage()),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{sha, totals};

    #[test]
    fn record_names_each_report_then_the_upload() {
        let mut s = RecordSummary {
            commit: sha('1'),
            flag: Some(Flag::new("unit").unwrap()),
            ci_status: CiStatus::Passed,
            reports: vec![ReportSummary {
                path: PathBuf::from("coverage.xml"),
                format: "cobertura",
                files: 1,
            }],
            totals: totals(2, 3, 0, 1),
            unresolved: vec!["gen/x.py".into()],
            ignored: 0,
            generated: 0,
            warnings: 0,
            replaced: false,
        };
        let said = |s: &RecordSummary| {
            let mut out = Vec::new();
            record(&mut out, s).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            said(&s),
            "read coverage.xml (cobertura, 1 file)\n\
             recorded 1111111 [unit] (passed): 2 files, 4 lines, coverage 75.00%, 1 unresolved \
             path (see covgit show)\n"
        );
        s.reports.clear();
        s.flag = None;
        s.unresolved.clear();
        s.replaced = true;
        assert_eq!(
            said(&s),
            "replaced 1111111 (passed): 2 files, 4 lines, coverage 75.00%\n"
        );
        s.generated = 2;
        assert_eq!(
            said(&s),
            "replaced 1111111 (passed): 2 files, 4 lines, coverage 75.00%\n\
             left out 2 generated files that .gitattributes marks linguist-generated \
             ([paths] generated = false keeps them)\n"
        );
    }
}

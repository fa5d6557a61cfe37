//! Builders the unit tests share: commit ids, hunks and file changes, coverage, reports and
//! uploads from short literals, so each test says only what matters to it.

use std::collections::BTreeSet;

use crate::compare::{LineKind, LineRun};
use crate::model::{
    ChangeKind, CiStatus, CommitId, FileChange, FileCoverage, Flag, Hunk, LineCoverage, LineNo,
    LineState, Relocation, RelocationKind, Report, Upload,
};

/// The commit id whose 40 hex digits spell `n` (`sha(1)` is `000…001`): distinct for distinct
/// `n`, and ordered like `n`.
pub(crate) fn sha(n: u32) -> CommitId {
    CommitId::new(&format!("{n:040x}")).unwrap()
}

/// A diff hunk: `old_len` lines from `old_start` became `new_len` lines from `new_start`.
pub(crate) fn hunk(old_start: u32, old_len: u32, new_start: u32, new_len: u32) -> Hunk {
    Hunk {
        old_start,
        old_len,
        new_start,
        new_len,
    }
}

/// A [`FileChange`] from `(old_start, old_len, new_start, new_len)` hunks.
pub(crate) fn change(
    old: Option<&str>,
    new: Option<&str>,
    kind: ChangeKind,
    hunks: &[(u32, u32, u32, u32)],
) -> FileChange {
    FileChange {
        old_path: old.map(str::to_owned),
        new_path: new.map(str::to_owned),
        kind,
        hunks: hunks.iter().map(|&(a, b, c, d)| hunk(a, b, c, d)).collect(),
    }
}

/// A relocation of base `old` lines `old_start..` (`old_len` of them) to head `new` lines
/// `new_start..`, with the base line each head line came from (`origins`).
pub(crate) fn relocation(
    kind: RelocationKind,
    (old, old_start, old_len): (&str, u32, u32),
    (new, new_start): (&str, u32),
    origins: &[Option<u32>],
) -> Relocation {
    Relocation {
        kind,
        old_path: old.to_owned(),
        old_start,
        old_len,
        new_path: new.to_owned(),
        new_start,
        origins: origins.to_vec(),
    }
}

/// One file's coverage from `(line, hits)` pairs in ascending line order, no branches.
pub(crate) fn cov(lines: &[(LineNo, u64)]) -> FileCoverage {
    FileCoverage::from_sorted(
        lines
            .iter()
            .map(|&(n, h)| (n, LineCoverage::new(h)))
            .collect(),
    )
    .unwrap()
}

/// A report of `(path, [(line, hits)])` files (see [`cov`]), nothing unresolved.
pub(crate) fn report(files: &[(&str, &[(LineNo, u64)])]) -> Report {
    Report {
        files: files
            .iter()
            .map(|(p, l)| ((*p).to_owned(), cov(l)))
            .collect(),
        unresolved: BTreeSet::default(),
    }
}

/// A report of `(path, [hits])` files: the hits of lines 1, 2, … in order.
pub(crate) fn hits_report(files: &[(&str, &[u64])]) -> Report {
    Report {
        files: files
            .iter()
            .map(|(p, hits)| {
                let lines: Vec<(LineNo, u64)> = (1..).zip(hits.iter().copied()).collect();
                ((*p).to_owned(), cov(&lines))
            })
            .collect(),
        unresolved: BTreeSet::default(),
    }
}

/// An lcov upload of `report` with `flag` and CI status `status`.
pub(crate) fn upload(flag: Option<&str>, status: CiStatus, report: Report) -> Upload {
    Upload {
        flag: flag.map(|f| Flag::new(f).unwrap()),
        format: "lcov".into(),
        ci_status: status,
        report,
    }
}

/// A run of `kind` lines `start..=end` of `path`, from state `from` to `to`, starting at base
/// line `base_start`; no base path (same file).
pub(crate) fn run(
    path: &str,
    kind: LineKind,
    from: Option<LineState>,
    to: Option<LineState>,
    (start, end): (u32, u32),
    base_start: Option<u32>,
) -> LineRun {
    LineRun {
        path: path.to_owned(),
        kind,
        from,
        to,
        start,
        end,
        base_start,
        base_path: None,
    }
}

/// One relocation per string (git tests): `moved a.py:3-5 > b.py:1-3`, or for a reformatted run
/// `reformatted a.py:3-4 > a.py:3-5 [3 - 4]` with its origins (`-` for `None`).
pub(crate) fn relocations(relocations: &[Relocation]) -> Vec<String> {
    use std::fmt::Write as _;

    relocations
        .iter()
        .map(|r| {
            let kind = match r.kind {
                crate::model::RelocationKind::Moved => "moved",
                crate::model::RelocationKind::Reformatted => "reformatted",
            };
            let mut s = format!(
                "{kind} {}:{}-{} > {}:{}-{}",
                r.old_path,
                r.old_start,
                r.old_end(),
                r.new_path,
                r.new_start,
                r.new_end()
            );
            if r.kind == crate::model::RelocationKind::Reformatted {
                let origins: Vec<String> = r
                    .origins
                    .iter()
                    .map(|o| o.map_or("-".to_owned(), |l| l.to_string()))
                    .collect();
                write!(s, " [{}]", origins.join(" ")).unwrap();
            } else {
                let want: Vec<_> = (0..r.old_len).map(|i| Some(r.old_start + i)).collect();
                assert_eq!(r.origins, want, "a moved block maps line for line");
            }
            s
        })
        .collect()
}

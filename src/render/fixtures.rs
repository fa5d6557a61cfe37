//! Comparisons built by hand for the renderers' tests: one of every line kind, a file of
//! every change, an indirect file, a pseudo-base with skipped commits.

use crate::compare::{
    Comparison, FileComparison, FileStatus, HeadSource, LineKind, LineRun, PatchTotals,
    SideUploads, Sides,
};
use crate::model::{CommitId, LineState, SkipReason, Skipped, Totals};

pub fn sha(digit: char) -> CommitId {
    CommitId::new(&digit.to_string().repeat(40)).unwrap()
}

/// Head 111…, base 222… used as requested.
pub fn sides() -> Sides {
    Sides {
        requested: sha('2'),
        used: sha('2'),
        pseudo: false,
        offsets: false,
        skipped: vec![],
        head: Some(sha('1')),
        head_source: HeadSource::Store,
        worktree: None,
        uploads: SideUploads::default(),
    }
}

/// Head 111…, requested base 222… stood in for by 333…, remapped with offsets.
pub fn pseudo_sides() -> Sides {
    Sides {
        requested: sha('2'),
        used: sha('3'),
        pseudo: true,
        offsets: true,
        skipped: vec![
            Skipped {
                commit: sha('2'),
                reason: SkipReason::NoReport,
            },
            Skipped {
                commit: sha('4'),
                reason: SkipReason::CiFailed,
            },
        ],
        head: Some(sha('1')),
        head_source: HeadSource::Store,
        worktree: None,
        uploads: SideUploads::default(),
    }
}

pub fn totals(files: u64, hit: u64, partial: u64, miss: u64) -> Totals {
    Totals {
        files,
        lines: hit + partial + miss,
        hit,
        partial,
        miss,
        branches: 0,
        branches_hit: 0,
    }
}

fn file(
    path: &str,
    base_path: Option<&str>,
    change: FileStatus,
    base: Option<Totals>,
    head: Option<Totals>,
) -> FileComparison {
    FileComparison {
        path: path.into(),
        base_path: base_path.map(Into::into),
        change,
        base,
        head,
        patch: PatchTotals::default(),
        indirect: false,
    }
}

pub fn run(
    path: &str,
    kind: LineKind,
    from: Option<LineState>,
    to: Option<LineState>,
    (start, end): (u32, u32),
    base_start: Option<u32>,
) -> LineRun {
    LineRun {
        path: path.into(),
        kind,
        from,
        to,
        start,
        end,
        base_start,
        base_path: None,
    }
}

/// 75% → 80%, patch 2 of 3 added lines; files: modified, indirect, renamed, untouched, deleted.
pub fn comparison() -> Comparison {
    use FileStatus::{Deleted, Modified, Renamed, Unchanged};
    use LineKind::{Added, Gained, Lost, NowTracked, Removed};
    use LineState::{Hit, Miss};
    let patch = PatchTotals {
        lines: 3,
        hit: 2,
        partial: 0,
        miss: 1,
    };
    let mut a = file(
        "src/a.py",
        None,
        Modified,
        Some(totals(1, 2, 0, 1)),
        Some(totals(1, 4, 1, 2)),
    );
    a.patch = patch;
    let mut b = file(
        "src/b.py",
        None,
        Unchanged,
        Some(totals(1, 2, 0, 0)),
        Some(totals(1, 0, 0, 2)),
    );
    b.indirect = true;
    let c = file(
        "src/c.py",
        Some("src/c_old.py"),
        Renamed,
        Some(totals(1, 1, 0, 0)),
        Some(totals(1, 1, 0, 0)),
    );
    let d = file(
        "src/d.py",
        None,
        Unchanged,
        Some(totals(1, 1, 0, 0)),
        Some(totals(1, 1, 0, 0)),
    );
    let old = file("src/old.py", None, Deleted, Some(totals(1, 0, 0, 1)), None);
    let mut base = totals(5, 6, 0, 2);
    base.branches = 4;
    base.branches_hit = 2;
    let mut head = totals(4, 7, 1, 2);
    head.branches = 4;
    head.branches_hit = 3;
    Comparison {
        base,
        head,
        patch,
        files: vec![a, b, c, d, old],
        lines: vec![
            run("src/a.py", Gained, Some(Miss), Some(Hit), (2, 2), Some(2)),
            run("src/a.py", Added, None, Some(Hit), (10, 11), None),
            run("src/a.py", Added, None, Some(Miss), (12, 12), None),
            run("src/a.py", NowTracked, None, Some(Miss), (20, 20), Some(18)),
            run("src/b.py", Lost, Some(Hit), Some(Miss), (3, 4), Some(3)),
            run("src/old.py", Removed, Some(Miss), None, (5, 5), None),
        ],
        relocated: Vec::new(),
    }
}

/// Two empty reports: no coverage on either side, nothing added.
pub fn empty_comparison() -> Comparison {
    Comparison::default()
}

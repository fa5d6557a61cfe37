//! Comparisons built by hand for the renderers' tests: one of every line kind, a file of
//! every change, an indirect file, a pseudo-base with skipped commits and carried uploads,
//! and a refactor with moved blocks and a reformatted run.

use crate::compare::{
    BaseChoice, Comparison, FileComparison, FileStatus, HeadSource, LineKind, LineRun, PatchTotals,
    RelocatedBlock, SideUploads, Sides, UploadRef,
};
use crate::model::{CommitId, Flag, LineState, RelocationKind, SkipReason, Skipped, Totals};

pub fn sha(digit: char) -> CommitId {
    CommitId::new(&digit.to_string().repeat(40)).unwrap()
}

/// Head 111…, base 222… used as requested.
pub fn sides() -> Sides {
    Sides {
        base: BaseChoice {
            requested: sha('2'),
            used: sha('2'),
            pseudo: false,
            skipped: vec![],
        },
        offsets: false,
        head: Some(sha('1')),
        head_source: HeadSource::Store,
        worktree: None,
        uploads: SideUploads::default(),
        missing_flags: Vec::new(),
    }
}

/// Head 111…, requested base 222… stood in for by 333…, remapped with offsets; the base
/// merges a `unit` upload, the head one without a flag and an `e2e` one carried from 555….
pub fn pseudo_sides() -> Sides {
    Sides {
        base: BaseChoice {
            requested: sha('2'),
            used: sha('3'),
            pseudo: true,
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
        },
        offsets: true,
        head: Some(sha('1')),
        head_source: HeadSource::Store,
        worktree: None,
        uploads: SideUploads {
            base: vec![upload(Some("unit"), '3', false)],
            head: vec![upload(None, '1', false), upload(Some("e2e"), '5', true)],
        },
        missing_flags: Vec::new(),
    }
}

fn upload(flag: Option<&str>, commit: char, carried: bool) -> UploadRef {
    UploadRef {
        flag: flag.map(|f| Flag::new(f).unwrap()),
        commit: sha(commit),
        carried,
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

pub(crate) use crate::testkit::run;

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
        components: Vec::new(),
    }
}

/// Two empty reports: no coverage on either side, nothing added.
pub fn empty_comparison() -> Comparison {
    Comparison::default()
}

/// A file whose name needs escaping in every human format: a mention, a table pipe, a
/// backtick; its block comes from a base file with a bidi control in its name.
pub const ODD_PATH: &str = "src/@team|x`.py";
pub const ODD_BASE_PATH: &str = "src/old\u{202e}.py";

/// A refactor, patch 1 of 1 added line: a function moved from `src/a.py:10-57` to the new
/// `src/b.py:1-48`, three of its lines losing their coverage; a block moved down within
/// `src/c.py`; a call in `src/c.py` reformatted over three lines, one of which gained; a
/// block moved into [`ODD_PATH`].
pub fn relocated_comparison() -> Comparison {
    use FileStatus::{Added, Deleted, Modified};
    let patch = PatchTotals {
        lines: 1,
        hit: 1,
        partial: 0,
        miss: 0,
    };
    let mut a = file(
        "src/a.py",
        None,
        Modified,
        Some(totals(1, 45, 0, 5)),
        Some(totals(1, 3, 0, 0)),
    );
    a.patch = patch;
    let b = file("src/b.py", None, Added, None, Some(totals(1, 37, 0, 3)));
    let c = file(
        "src/c.py",
        None,
        Modified,
        Some(totals(1, 8, 1, 1)),
        Some(totals(1, 9, 1, 1)),
    );
    let odd = file(ODD_PATH, None, Added, None, Some(totals(1, 2, 0, 0)));
    let old = file(ODD_BASE_PATH, None, Deleted, Some(totals(1, 2, 0, 0)), None);
    Comparison {
        base: totals(3, 55, 1, 6),
        head: totals(4, 51, 1, 4),
        patch,
        files: vec![odd, a, b, c, old],
        lines: relocated_runs(),
        relocated: relocated_blocks(),
        components: Vec::new(),
    }
}

/// The runs of [`relocated_comparison`]: `(path, kind, from, to, lines, base_start, base_path)`.
fn relocated_runs() -> Vec<LineRun> {
    use LineKind::{Added, Gained, Lost, Moved, NowTracked, Reformatted};
    use LineState::{Hit, Miss, Partial};
    let runs = [
        (
            ODD_PATH,
            Moved,
            Some(Hit),
            Hit,
            (1, 2),
            Some(1),
            Some(ODD_BASE_PATH),
        ),
        ("src/a.py", Added, None, Hit, (3, 3), None, None),
        (
            "src/b.py",
            Moved,
            Some(Hit),
            Hit,
            (1, 11),
            Some(10),
            Some("src/a.py"),
        ),
        (
            "src/b.py",
            Lost,
            Some(Hit),
            Miss,
            (12, 14),
            Some(21),
            Some("src/a.py"),
        ),
        (
            "src/b.py",
            Moved,
            Some(Hit),
            Hit,
            (15, 40),
            Some(24),
            Some("src/a.py"),
        ),
        ("src/c.py", Moved, Some(Hit), Hit, (40, 45), Some(5), None),
        (
            "src/c.py",
            Reformatted,
            Some(Partial),
            Partial,
            (60, 60),
            Some(58),
            None,
        ),
        ("src/c.py", NowTracked, None, Hit, (61, 61), None, None),
        (
            "src/c.py",
            Gained,
            Some(Miss),
            Hit,
            (62, 62),
            Some(59),
            None,
        ),
    ];
    runs.into_iter()
        .map(
            |(path, kind, from, to, lines, base_start, base_path)| LineRun {
                base_path: base_path.map(Into::into),
                ..run(path, kind, from, Some(to), lines, base_start)
            },
        )
        .collect()
}

/// The blocks of [`relocated_comparison`]: `(kind, head, base, tracked, worse, better)`.
fn relocated_blocks() -> Vec<RelocatedBlock> {
    use RelocationKind::{Moved, Reformatted};
    let blocks = [
        (Moved, (ODD_PATH, 1, 6), (ODD_BASE_PATH, 1, 6), 2, 0, 0),
        (Moved, ("src/b.py", 1, 48), ("src/a.py", 10, 57), 40, 3, 0),
        (Moved, ("src/c.py", 40, 45), ("src/c.py", 5, 10), 6, 0, 0),
        (
            Reformatted,
            ("src/c.py", 60, 62),
            ("src/c.py", 58, 59),
            3,
            0,
            2,
        ),
    ];
    blocks
        .into_iter()
        .map(
            |(
                kind,
                (path, start, end),
                (base_path, base_start, base_end),
                tracked,
                worse,
                better,
            )| {
                RelocatedBlock {
                    kind,
                    path: path.into(),
                    start,
                    end,
                    base_path: base_path.into(),
                    base_start,
                    base_end,
                    tracked,
                    worse,
                    better,
                }
            },
        )
        .collect()
}

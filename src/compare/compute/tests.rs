//! Hand-built reports and diffs, one scenario per SPEC rule.

use super::*;
use crate::compare::FileStatus;
use crate::model::Branches;
use crate::testkit::{change, relocation, run};

use LineKind::{Added, Gained, Lost, NoLongerTracked, NowTracked, Removed};
use LineState::{Hit, Miss, Partial};

/// Lines as `(number, 'h' | 'p' | 'm')`.
pub(crate) fn cov(lines: &[(u32, char)]) -> FileCoverage {
    FileCoverage::from_sorted(lines.iter().map(|&(n, s)| (n, line(s))).collect()).unwrap()
}

pub(crate) fn line(s: char) -> LineCoverage {
    match s {
        'h' => LineCoverage::new(2),
        'm' => LineCoverage::new(0),
        'p' => LineCoverage {
            hits: 1,
            branches: Some(Branches::Counts {
                covered: 1,
                total: 2,
            }),
        },
        other => panic!("state {other}"),
    }
}

fn report(files: &[(&str, &[(u32, char)])]) -> Report {
    Report {
        files: files
            .iter()
            .map(|(p, l)| ((*p).to_owned(), cov(l)))
            .collect(),
        unresolved: std::collections::BTreeSet::default(),
    }
}

/// `r` with its base path set (a renamed file, or a block moved from another file).
fn from(base_path: &str, mut r: LineRun) -> LineRun {
    r.base_path = Some(base_path.to_owned());
    r
}

#[test]
fn every_kind_in_one_modified_file() {
    // base 1..=8; the diff replaces base 4..=5 by head 4..=6 (one line more), so base 6.. is
    // head 7..
    let base = report(&[(
        "a.py",
        &[
            (1, 'm'),
            (2, 'h'),
            (3, 'h'),
            (4, 'h'),
            (5, 'm'),
            (6, 'p'),
            (8, 'h'),
        ],
    )]);
    let head = report(&[(
        "a.py",
        &[(1, 'h'), (2, 'm'), (4, 'h'), (5, 'm'), (7, 'p'), (8, 'm')],
    )]);
    let changes = [change(
        Some("a.py"),
        Some("a.py"),
        ChangeKind::Modified,
        &[(4, 2, 4, 3)],
    )];
    let c = compare(&base, &head, &changes);
    assert_eq!(
        c.lines,
        [
            run("a.py", Gained, Some(Miss), Some(Hit), (1, 1), Some(1)),
            run("a.py", Lost, Some(Hit), Some(Miss), (2, 2), Some(2)),
            run("a.py", NoLongerTracked, Some(Hit), None, (3, 3), Some(3)),
            run("a.py", Removed, Some(Hit), None, (4, 4), None),
            run("a.py", Added, None, Some(Hit), (4, 4), None),
            run("a.py", Removed, Some(Miss), None, (5, 5), None),
            run("a.py", Added, None, Some(Miss), (5, 5), None),
            // head 7 is base 6: partial on both sides, not listed. head 8 is base 7: untracked
            // in base. base 8 is head 9: untracked in head.
            run("a.py", NowTracked, None, Some(Miss), (8, 8), Some(7)),
            run("a.py", NoLongerTracked, Some(Hit), None, (9, 9), Some(8)),
        ]
    );
    assert_eq!(c.files.len(), 1);
    let f = &c.files[0];
    assert_eq!(f.change, FileStatus::Modified);
    assert_eq!(f.base_path, None);
    assert!(
        !f.indirect,
        "the content changed, so nothing here is indirect"
    );
    assert_eq!(
        (f.patch.lines, f.patch.hit, f.patch.miss),
        (2, 1, 1),
        "added head 4 (hit) and 5 (miss)"
    );
    assert_eq!(c.patch, f.patch);
    assert_eq!(c.patch.coverage(), Some(50.0));
    assert_eq!(c.base, base.totals());
    assert_eq!(c.head, head.totals());
}

#[test]
fn runs_split_on_state_and_on_numbering_gaps_of_either_side() {
    // Base 1..=10 all miss. The diff deletes base 4 (pure deletion), so head 3 and 4 are base 3
    // and 5: consecutive in head, not in base.
    let base_lines: Vec<_> = (1..=10).map(|n| (n, 'm')).collect();
    let head_lines: Vec<_> = (1..=9)
        .map(|n| (n, if n == 7 { 'p' } else { 'h' }))
        .collect();
    let base = report(&[("a.py", &base_lines)]);
    let head = report(&[("a.py", &head_lines)]);
    let changes = [change(
        Some("a.py"),
        Some("a.py"),
        ChangeKind::Modified,
        &[(4, 1, 4, 0)],
    )];
    let c = compare(&base, &head, &changes);
    assert_eq!(
        c.lines,
        [
            run("a.py", Gained, Some(Miss), Some(Hit), (1, 3), Some(1)),
            run("a.py", Removed, Some(Miss), None, (4, 4), None),
            run("a.py", Gained, Some(Miss), Some(Hit), (4, 6), Some(5)),
            run("a.py", Gained, Some(Miss), Some(Partial), (7, 7), Some(8)),
            run("a.py", Gained, Some(Miss), Some(Hit), (8, 9), Some(9)),
        ]
    );
}

#[test]
fn removed_and_added_lines_form_runs_of_their_own() {
    let base = report(&[("a.py", &[(1, 'h'), (2, 'h'), (3, 'm'), (4, 'h')])]);
    let head = report(&[("a.py", &[(1, 'h'), (2, 'm'), (3, 'm'), (4, 'h'), (5, 'h')])]);
    // base 2..=3 replaced by head 2..=4.
    let changes = [change(
        Some("a.py"),
        Some("a.py"),
        ChangeKind::Modified,
        &[(2, 2, 2, 3)],
    )];
    let c = compare(&base, &head, &changes);
    assert_eq!(
        c.lines,
        [
            run("a.py", Removed, Some(Hit), None, (2, 2), None),
            run("a.py", Added, None, Some(Miss), (2, 3), None),
            run("a.py", Removed, Some(Miss), None, (3, 3), None),
            run("a.py", Added, None, Some(Hit), (4, 4), None),
        ]
    );
}

#[test]
fn pure_rename_keeps_numbers_and_is_never_indirect() {
    let base = report(&[("old/x.py", &[(1, 'm'), (2, 'h')])]);
    let head = report(&[("new/x.py", &[(1, 'h'), (2, 'h')])]);
    let changes = [change(
        Some("old/x.py"),
        Some("new/x.py"),
        ChangeKind::Renamed,
        &[],
    )];
    let c = compare(&base, &head, &changes);
    assert_eq!(
        c.lines,
        [from(
            "old/x.py",
            run("new/x.py", Gained, Some(Miss), Some(Hit), (1, 1), Some(1))
        )],
        "a run of a renamed file names its base path"
    );
    let f = &c.files[0];
    assert_eq!(f.path, "new/x.py");
    assert_eq!(f.base_path.as_deref(), Some("old/x.py"));
    assert_eq!(f.change, FileStatus::Renamed);
    // Issue 12.3: a rename is part of the diff, so its changed lines are not indirect.
    assert!(!f.indirect, "a pure rename is part of the diff");
    assert_eq!(f.base.unwrap().lines, 2);
}

#[test]
fn rename_with_edits_maps_lines_and_removed_lines_keep_the_base_path() {
    let base = report(&[("old.py", &[(1, 'h'), (2, 'h'), (3, 'm')])]);
    let head = report(&[("new.py", &[(1, 'h'), (2, 'm'), (3, 'h'), (4, 'h')])]);
    // head 2..=3 are new; base 2 is gone; base 3 is head 4.
    let changes = [change(
        Some("old.py"),
        Some("new.py"),
        ChangeKind::Renamed,
        &[(2, 1, 2, 2)],
    )];
    let c = compare(&base, &head, &changes);
    assert_eq!(
        c.lines,
        [
            run("new.py", Added, None, Some(Miss), (2, 2), None),
            run("new.py", Added, None, Some(Hit), (3, 3), None),
            from(
                "old.py",
                run("new.py", Gained, Some(Miss), Some(Hit), (4, 4), Some(3))
            ),
            run("old.py", Removed, Some(Hit), None, (2, 2), None),
        ]
    );
    let f = &c.files[0];
    assert_eq!(f.change, FileStatus::Renamed);
    assert!(!f.indirect, "edited content is not indirect");
}

#[test]
fn added_and_deleted_files() {
    let base = report(&[("gone.py", &[(1, 'h'), (2, 'm')]), ("keep.py", &[(1, 'h')])]);
    let head = report(&[
        ("fresh.py", &[(1, 'h'), (2, 'h'), (5, 'm')]),
        ("keep.py", &[(1, 'h')]),
    ]);
    let changes = [
        change(Some("gone.py"), None, ChangeKind::Deleted, &[(1, 2, 1, 0)]),
        change(None, Some("fresh.py"), ChangeKind::Added, &[(1, 0, 1, 5)]),
    ];
    let c = compare(&base, &head, &changes);
    assert_eq!(
        c.lines,
        [
            run("fresh.py", Added, None, Some(Hit), (1, 2), None),
            run("fresh.py", Added, None, Some(Miss), (5, 5), None),
            run("gone.py", Removed, Some(Hit), None, (1, 1), None),
            run("gone.py", Removed, Some(Miss), None, (2, 2), None),
        ]
    );
    let files: Vec<_> = c
        .files
        .iter()
        .map(|f| {
            (
                f.path.as_str(),
                f.change,
                f.base.is_some(),
                f.head.is_some(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("fresh.py", FileStatus::Added, false, true),
            ("gone.py", FileStatus::Deleted, true, false),
            ("keep.py", FileStatus::Unchanged, true, true),
        ]
    );
    assert_eq!((c.patch.lines, c.patch.hit, c.patch.miss), (3, 2, 1));
    assert_eq!(c.base.files, 2);
    assert_eq!(c.head.files, 2);
}

#[test]
fn files_entering_and_leaving_the_report_are_indirect() {
    let base = report(&[("left.py", &[(3, 'h'), (4, 'h')])]);
    let head = report(&[("came.py", &[(1, 'm')])]);
    let c = compare(&base, &head, &[]);
    assert_eq!(
        c.lines,
        [
            run("came.py", NowTracked, None, Some(Miss), (1, 1), Some(1)),
            run("left.py", NoLongerTracked, Some(Hit), None, (3, 4), Some(3)),
        ]
    );
    assert!(
        c.files
            .iter()
            .all(|f| f.indirect && f.change == FileStatus::Unchanged)
    );
    assert_eq!(c.files[0].base, None);
    assert_eq!(c.files[1].head, None);
    assert_eq!(c.patch.lines, 0);
}

#[test]
fn a_change_outside_the_reports_lists_no_file() {
    let base = report(&[("a.py", &[(1, 'h')])]);
    let changes = [change(
        Some("README.md"),
        Some("README.md"),
        ChangeKind::Modified,
        &[(1, 1, 1, 1)],
    )];
    let c = compare(&base, &base, &changes);
    assert!(c.lines.is_empty());
    assert_eq!(c.files.len(), 1);
    assert!(!c.files[0].indirect);
}

#[test]
fn unresolved_paths_keep_path_and_numbers_even_if_a_change_names_them() {
    let mut base = report(&[("vendor/x.py", &[(1, 'm'), (5, 'm')])]);
    let mut head = report(&[("vendor/x.py", &[(1, 'h'), (5, 'm')])]);
    base.unresolved.insert("vendor/x.py".into());
    head.unresolved.insert("vendor/x.py".into());
    let changes = [change(
        Some("vendor/x.py"),
        Some("vendor/x.py"),
        ChangeKind::Modified,
        &[(1, 0, 1, 10)],
    )];
    let c = compare(&base, &head, &changes);
    assert_eq!(
        c.lines,
        [run(
            "vendor/x.py",
            Gained,
            Some(Miss),
            Some(Hit),
            (1, 1),
            Some(1)
        )]
    );
    assert_eq!(c.files[0].change, FileStatus::Unchanged);
}

#[test]
fn files_and_runs_are_sorted_by_path() {
    let base = report(&[("b.py", &[(1, 'm')]), ("a.py", &[(9, 'm')])]);
    let head = report(&[("b.py", &[(1, 'h')]), ("a.py", &[(9, 'h')])]);
    let c = compare(&base, &head, &[]);
    let paths: Vec<_> = c.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["a.py", "b.py"]);
    let runs: Vec<_> = c.lines.iter().map(|r| (r.path.as_str(), r.start)).collect();
    assert_eq!(runs, [("a.py", 9), ("b.py", 1)]);
}

#[test]
fn files_left_out_as_unchanged_are_assembled_as_if_compared() {
    // The store leaves out files stored identically on both sides and untouched by the diff;
    // added back with their totals, the comparison is the one of the whole reports.
    let same: &[(u32, char)] = &[(1, 'h'), (2, 'm'), (3, 'p')];
    let base = report(&[("a.py", &[(1, 'm')]), ("b.py", same), ("c.py", &[(4, 'h')])]);
    let head = report(&[("a.py", &[(1, 'h')]), ("b.py", same), ("c.py", &[(4, 'm')])]);
    let changes = [change(
        Some("c.py"),
        Some("c.py"),
        ChangeKind::Modified,
        &[(2, 0, 2, 1)],
    )];
    let whole = compare(&base, &head, &changes);

    let without = |r: &Report| {
        let mut r = r.clone();
        r.files.remove("b.py");
        r
    };
    let unchanged = BTreeMap::from([("b.py".to_owned(), cov(same).totals())]);
    let assembled = assemble(&without(&base), &without(&head), &changes, &[], unchanged);
    let paths: Vec<_> = assembled.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["a.py", "b.py", "c.py"]);
    assert_eq!(assembled, whole);
}

fn moved(old: (&str, u32), new: (&str, u32), len: u32) -> Relocation {
    let origins: Vec<_> = (old.1..old.1 + len).map(Some).collect();
    relocation(RelocationKind::Moved, (old.0, old.1, len), new, &origins)
}

use LineKind::{Moved, Reformatted};

#[test]
fn a_block_moved_to_another_file_is_compared_with_its_origin() {
    // a.py loses base 3..=7, which become b.py 2..=6 (b.py is new, its line 1 and 7 are new
    // code). Base 3 untracked, head 2 tracked; base 7 tracked, head 6 untracked.
    let base = report(&[(
        "a.py",
        &[(1, 'h'), (4, 'h'), (5, 'h'), (6, 'm'), (7, 'h'), (9, 'm')],
    )]);
    let head = report(&[
        ("a.py", &[(1, 'h'), (4, 'm')]),
        (
            "b.py",
            &[(1, 'm'), (2, 'h'), (3, 'h'), (4, 'm'), (5, 'h'), (7, 'h')],
        ),
    ]);
    let changes = [
        change(
            Some("a.py"),
            Some("a.py"),
            ChangeKind::Modified,
            &[(3, 5, 3, 0)],
        ),
        change(None, Some("b.py"), ChangeKind::Added, &[(1, 0, 1, 7)]),
    ];
    let relocations = [moved(("a.py", 3), ("b.py", 2), 5)];
    let c = compare_with(&base, &head, &changes, &relocations);
    assert_eq!(
        c.lines,
        [
            run("b.py", Added, None, Some(Miss), (1, 1), None),
            from(
                "a.py",
                run("b.py", NowTracked, None, Some(Hit), (2, 2), Some(3))
            ),
            from(
                "a.py",
                run("b.py", Moved, Some(Hit), Some(Hit), (3, 3), Some(4))
            ),
            from(
                "a.py",
                run("b.py", Lost, Some(Hit), Some(Miss), (4, 4), Some(5))
            ),
            from(
                "a.py",
                run("b.py", Gained, Some(Miss), Some(Hit), (5, 5), Some(6))
            ),
            from(
                "a.py",
                run("b.py", NoLongerTracked, Some(Hit), None, (6, 6), Some(7))
            ),
            run("b.py", Added, None, Some(Hit), (7, 7), None),
        ],
        "no base line of the block is removed, no head line of it added"
    );
    assert_eq!(c.patch.lines, 2, "only b.py 1 and 7 are new code");
    let b = c.files.iter().find(|f| f.path == "b.py").unwrap();
    assert_eq!((b.patch.lines, b.patch.hit), (2, 1));
    assert_eq!(c.base, base.totals());
    assert_eq!(c.head, head.totals());
    assert_eq!(
        c.relocated,
        [RelocatedBlock {
            kind: RelocationKind::Moved,
            path: "b.py".into(),
            start: 2,
            end: 6,
            base_path: "a.py".into(),
            base_start: 3,
            base_end: 7,
            tracked: 5,
            worse: 2,
            better: 2,
        }]
    );
}

#[test]
fn a_block_moved_within_its_file_has_no_base_path() {
    // base: 1..=3 then 4..=6; head: 4..=6 moved above 1..=3. The plain diff keeps 1..=3 (head
    // 4..=6), removes base 4..=6 and adds head 1..=3.
    let base = report(&[("a.py", &[(1, 'h'), (2, 'h'), (4, 'h'), (5, 'm'), (6, 'h')])]);
    let head = report(&[("a.py", &[(1, 'h'), (2, 'm'), (3, 'h'), (4, 'h'), (5, 'h')])]);
    let changes = [change(
        Some("a.py"),
        Some("a.py"),
        ChangeKind::Modified,
        &[(1, 0, 1, 3), (4, 3, 7, 0)],
    )];
    let c = compare_with(
        &base,
        &head,
        &changes,
        &[moved(("a.py", 4), ("a.py", 1), 3)],
    );
    assert_eq!(
        c.lines,
        [
            run("a.py", Moved, Some(Hit), Some(Hit), (1, 1), Some(4)),
            run("a.py", Moved, Some(Miss), Some(Miss), (2, 2), Some(5)),
            run("a.py", Moved, Some(Hit), Some(Hit), (3, 3), Some(6)),
        ]
    );
    assert_eq!(c.patch.lines, 0);
    let f = &c.files[0];
    assert!(!f.indirect);
    assert_eq!(c.relocated[0].base_path, "a.py");
    // The same input without the relocation: removed and added, as before.
    let plain = compare(&base, &head, &changes);
    assert_eq!(plain.patch.lines, 3);
    assert!(plain.lines.iter().any(|r| r.kind == Removed));
}

#[test]
fn a_reformatted_run_maps_each_head_line_to_the_base_line_of_its_first_character() {
    // base 2 `f(a, b, c)` becomes head 2..=4 (`f(`, `a, b,`, `c)`), base 3..=4 are joined
    // into head 5: head 2 takes base 2; 3 and 4 are continuation; head 5 takes base 3 and
    // base 4 gives nothing (and is not removed).
    let base = report(&[("a.py", &[(2, 'm'), (3, 'h'), (4, 'h')])]);
    let head = report(&[("a.py", &[(2, 'm'), (4, 'h'), (5, 'p')])]);
    let changes = [change(
        Some("a.py"),
        Some("a.py"),
        ChangeKind::Modified,
        &[(2, 3, 2, 4)],
    )];
    let relocations = [relocation(
        RelocationKind::Reformatted,
        ("a.py", 2, 3),
        ("a.py", 2),
        &[Some(2), None, None, Some(3)],
    )];
    let c = compare_with(&base, &head, &changes, &relocations);
    assert_eq!(
        c.lines,
        [
            run("a.py", Reformatted, Some(Miss), Some(Miss), (2, 2), Some(2)),
            run("a.py", NowTracked, None, Some(Hit), (4, 4), None),
            run("a.py", Lost, Some(Hit), Some(Partial), (5, 5), Some(3)),
        ]
    );
    assert_eq!(c.patch.lines, 0);
    let r = &c.relocated[0];
    assert_eq!((r.start, r.end, r.base_start, r.base_end), (2, 5, 2, 4));
    assert_eq!((r.tracked, r.worse, r.better), (3, 1, 1));
}

#[test]
fn relocated_lines_untracked_on_both_sides_are_not_listed() {
    let base = report(&[("a.py", &[(1, 'h')]), ("b.py", &[])]);
    let head = report(&[("b.py", &[(3, 'h')])]);
    let changes = [
        change(Some("a.py"), None, ChangeKind::Deleted, &[(1, 3, 1, 0)]),
        change(
            Some("b.py"),
            Some("b.py"),
            ChangeKind::Modified,
            &[(1, 0, 1, 3)],
        ),
    ];
    let c = compare_with(
        &base,
        &head,
        &changes,
        &[moved(("a.py", 1), ("b.py", 1), 3)],
    );
    assert_eq!(
        c.lines,
        [
            from(
                "a.py",
                run("b.py", NoLongerTracked, Some(Hit), None, (1, 1), Some(1))
            ),
            from(
                "a.py",
                run("b.py", NowTracked, None, Some(Hit), (3, 3), Some(3))
            ),
        ]
    );
    assert_eq!(c.patch.lines, 0);
    assert_eq!(c.relocated[0].tracked, 2);
}

//! Carry a whole report across the diffs of its files.

use std::collections::{BTreeMap, HashMap};

use crate::model::{
    ChangeKind, FileChange, FileCoverage, LineCoverage, LineNo, Relocation, Report,
};

use super::LineMap;

/// A report carried across a diff.
#[derive(Debug, Clone, PartialEq)]
pub struct Remapped {
    pub report: Report,
    /// Old paths of the files whose entry changed: a tracked line moved or was dropped, the
    /// file was renamed or deleted. Sorted. Empty exactly when `report` equals the input
    /// ("that changes nothing" of SPEC "Coverage offsets").
    pub changed_files: Vec<String>,
}

/// SPEC "Remapping lines through a diff": renamed files move to their new path, deleted
/// files drop, lines the diff removes or replaces drop, lines in unchanged runs keep their
/// coverage at their new number. Unresolved paths and files no change touches stay as they
/// are. Two entries landing on one path (inconsistent input) are merged by summing.
///
/// With the moved blocks and reformatted runs of the same diff (SPEC "Moved and
/// reformatted code"; none for a plain remap): a base line the plain diff drops but a relocation carries goes to its
/// head line (a moved block line for line, a reformatted run to the first head line that maps
/// to it), in whatever file, so moved code keeps its coverage across a pseudo-base.
pub fn remap_with(report: Report, changes: &[FileChange], relocations: &[Relocation]) -> Remapped {
    let carried = Carried::new(relocations);
    let by_old: HashMap<&str, &FileChange> = changes
        .iter()
        .filter_map(|c| c.old_path.as_deref().map(|p| (p, c)))
        .collect();
    let Report {
        files: old_files,
        unresolved,
    } = report;
    let mut files: BTreeMap<String, FileCoverage> = BTreeMap::new();
    // Lines relocated to another file than their own's new path, by that path.
    let mut elsewhere: BTreeMap<&str, Vec<(LineNo, LineCoverage)>> = BTreeMap::new();
    let mut changed_files = Vec::new();
    for (path, cov) in old_files {
        let change = if unresolved.contains(&path) {
            None
        } else {
            by_old.get(path.as_str())
        };
        let Some(change) = change else {
            put(&mut files, path, cov);
            continue;
        };
        let new_path = match (&change.new_path, change.kind) {
            (Some(new), kind) if kind != ChangeKind::Deleted => Some(new),
            _ => None,
        };
        let map = LineMap::from_hunks(&change.hunks);
        let mut lines: Vec<(u32, LineCoverage)> = Vec::with_capacity(cov.len());
        let mut left = false;
        for (n, c) in cov.lines() {
            let to_new = new_path.and_then(|_| map.old_to_new(*n));
            if let Some(m) = to_new {
                lines.push((m, c.clone()));
            } else if let Some((to_path, m)) = carried.of(&path, *n) {
                if new_path.is_some_and(|p| p == to_path) {
                    lines.push((m, c.clone()));
                } else {
                    left = true;
                    elsewhere.entry(to_path).or_default().push((m, c.clone()));
                }
            }
        }
        let Some(new_path) = new_path else {
            changed_files.push(path);
            continue;
        };
        // A moved block inside the file may land lines out of order.
        lines.sort_by_key(|(m, _)| *m);
        let moved = left
            || *new_path != path
            || lines.len() != cov.len()
            || lines.iter().zip(cov.lines()).any(|(a, b)| a.0 != b.0);
        if moved {
            changed_files.push(path);
        }
        // The map is monotone, so `lines` is sorted and from_entries only checks; odd hunks
        // that land two lines on one are merged.
        put(
            &mut files,
            new_path.clone(),
            FileCoverage::from_entries(lines, LineCoverage::merge_max),
        );
    }
    for (path, lines) in elsewhere {
        put(
            &mut files,
            path.to_owned(),
            FileCoverage::from_entries(lines, LineCoverage::merge_max),
        );
    }
    changed_files.sort();
    Remapped {
        report: Report { files, unresolved },
        changed_files,
    }
}

/// Where each relocated base line goes: by base path, `(base line, head path, head line)`
/// sorted by base line, the first head line that maps to it.
struct Carried<'a> {
    by_old: HashMap<&'a str, Vec<(LineNo, &'a str, LineNo)>>,
}

impl<'a> Carried<'a> {
    fn new(relocations: &'a [Relocation]) -> Self {
        let mut by_old: HashMap<&str, Vec<(LineNo, &str, LineNo)>> = HashMap::new();
        for r in relocations {
            let to = by_old.entry(&r.old_path).or_default();
            for (m, origin) in (r.new_start..).zip(&r.origins) {
                if let Some(o) = origin {
                    to.push((*o, &r.new_path, m));
                }
            }
        }
        for to in by_old.values_mut() {
            // Stable: among head lines of one base line, the first stays first.
            to.sort_by_key(|t| t.0);
            to.dedup_by_key(|t| t.0);
        }
        Self { by_old }
    }

    fn of(&self, path: &str, line: LineNo) -> Option<(&'a str, LineNo)> {
        let to = self.by_old.get(path)?;
        let i = to.binary_search_by_key(&line, |t| t.0).ok()?;
        Some((to[i].1, to[i].2))
    }
}

fn put(files: &mut BTreeMap<String, FileCoverage>, path: String, cov: FileCoverage) {
    match files.get_mut(&path) {
        Some(have) => have.merge_sum(&cov),
        None => {
            files.insert(path, cov);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::model::RelocationKind;

    /// A plain remap, with no moved or reformatted code.
    fn remap(report: Report, changes: &[FileChange]) -> Remapped {
        remap_with(report, changes, &[])
    }
    use crate::offset::testgen::alignment;
    use crate::testkit::{change, cov, relocation, report};

    #[test]
    fn lines_move_drop_and_follow_renames() {
        let r = report(&[
            ("a.py", &[(1, 1), (3, 0), (5, 2), (9, 1)]),
            ("old.py", &[(2, 1)]),
            ("gone.py", &[(1, 1)]),
            ("same.py", &[(4, 0)]),
        ]);
        let changes = [
            // two lines inserted before 3, old 5 replaced.
            change(
                Some("a.py"),
                Some("a.py"),
                ChangeKind::Modified,
                &[(3, 0, 3, 2), (5, 1, 7, 1)],
            ),
            change(Some("old.py"), Some("new.py"), ChangeKind::Renamed, &[]),
            change(Some("gone.py"), None, ChangeKind::Deleted, &[(1, 1, 1, 0)]),
            change(None, Some("fresh.py"), ChangeKind::Added, &[(1, 0, 1, 3)]),
        ];
        let got = remap(r.clone(), &changes);
        let want = report(&[
            ("a.py", &[(1, 1), (5, 0), (11, 1)]),
            ("new.py", &[(2, 1)]),
            ("same.py", &[(4, 0)]),
        ]);
        assert_eq!(got.report, want);
        assert_eq!(got.changed_files, ["a.py", "gone.py", "old.py"]);
    }

    #[test]
    fn edits_below_the_last_tracked_line_change_nothing() {
        let r = report(&[("a.py", &[(1, 1), (2, 0)])]);
        let changes = [
            change(
                Some("a.py"),
                Some("a.py"),
                ChangeKind::Modified,
                &[(3, 4, 3, 1)],
            ),
            change(
                Some("README.md"),
                Some("README.md"),
                ChangeKind::Modified,
                &[(1, 1, 1, 1)],
            ),
        ];
        let got = remap(r.clone(), &changes);
        assert!(got.changed_files.is_empty());
        assert_eq!(got.report, r);
    }

    #[test]
    fn unresolved_paths_stay_as_they_are() {
        let mut r = report(&[("lib/x.py", &[(3, 1)])]);
        r.unresolved.insert("lib/x.py".into());
        let changes = [change(
            Some("lib/x.py"),
            None,
            ChangeKind::Deleted,
            &[(1, 5, 1, 0)],
        )];
        let got = remap(r.clone(), &changes);
        assert_eq!(got.report, r);
        assert!(got.changed_files.is_empty());
    }

    #[test]
    fn moved_lines_keep_their_coverage_in_another_file_and_in_their_own() {
        let r = report(&[
            ("a.py", &[(1, 1), (4, 2), (5, 0), (6, 3)]),
            ("gone.py", &[(2, 7), (3, 0)]),
        ]);
        let changes = [
            // a.py: base 4..=6 removed, head 1..=3 added (moved up); gone.py deleted, its
            // lines 2..=3 now b.py 10..=11.
            change(
                Some("a.py"),
                Some("a.py"),
                ChangeKind::Modified,
                &[(1, 0, 1, 3), (4, 3, 7, 0)],
            ),
            change(Some("gone.py"), None, ChangeKind::Deleted, &[(1, 3, 1, 0)]),
            change(None, Some("b.py"), ChangeKind::Added, &[(1, 0, 1, 12)]),
        ];
        let relocations = [
            relocation(
                RelocationKind::Moved,
                ("a.py", 4, 3),
                ("a.py", 1),
                &[Some(4), Some(5), Some(6)],
            ),
            relocation(
                RelocationKind::Moved,
                ("gone.py", 2, 2),
                ("b.py", 10),
                &[Some(2), Some(3)],
            ),
        ];
        let got = remap_with(r.clone(), &changes, &relocations);
        let want = report(&[
            ("a.py", &[(1, 2), (2, 0), (3, 3), (4, 1)]),
            ("b.py", &[(10, 7), (11, 0)]),
        ]);
        assert_eq!(got.report, want);
        assert_eq!(got.changed_files, ["a.py", "gone.py"]);
        // Without the relocations the plain remap drops them, as before.
        let plain = remap(r, &changes);
        assert_eq!(plain.report, report(&[("a.py", &[(4, 1)])]));
    }

    #[test]
    fn a_reformatted_base_line_goes_to_the_first_head_line_that_maps_to_it() {
        // base 3 (`f(a, b)`) becomes head 3..=5; base 4..=5 are joined into head 6.
        let r = report(&[("a.py", &[(3, 4), (4, 1), (5, 0), (9, 2)])]);
        let changes = [change(
            Some("a.py"),
            Some("a.py"),
            ChangeKind::Modified,
            &[(3, 3, 3, 4)],
        )];
        let relocations = [relocation(
            RelocationKind::Reformatted,
            ("a.py", 3, 3),
            ("a.py", 3),
            &[Some(3), None, None, Some(4)],
        )];
        let got = remap_with(r, &changes, &relocations);
        // base 5 gave its state to no head line: dropped; base 9 shifts by one.
        assert_eq!(got.report, report(&[("a.py", &[(3, 4), (6, 1), (10, 2)])]));
        assert_eq!(got.changed_files, ["a.py"]);
    }

    proptest! {
        /// Each file's lines land where the explicit alignment says, and `changed_files` is
        /// empty exactly when nothing in the report moved.
        #[test]
        fn remap_matches_the_alignment(
            ops in alignment(12),
            tracked in prop::collection::btree_map(1u32..60, 0u64..3, 0..25),
            rename in any::<bool>(),
        ) {
            let a = ops.expand();
            let olen = ops.old_len();
            let lines: Vec<(u32, u64)> = tracked.into_iter().filter(|(n, _)| *n <= olen).collect();
            let r = report(&[("f.py", &lines), ("other.py", &[(1, 1)])]);
            let new = if rename { "g.py" } else { "f.py" };
            let kind = if rename { ChangeKind::Renamed } else { ChangeKind::Modified };
            let hunks: Vec<_> = a.hunks.iter().map(|h| (h.old_start, h.old_len, h.new_start, h.new_len)).collect();
            let got = remap(r.clone(), &[change(Some("f.py"), Some(new), kind, &hunks)]);
            let want: Vec<(u32, u64)> = lines
                .iter()
                .filter_map(|&(n, h)| a.old_to_new[n as usize - 1].map(|m| (m, h)))
                .collect();
            prop_assert_eq!(&got.report.files[new], &cov(&want));
            prop_assert_eq!(&got.report.files["other.py"], &cov(&[(1, 1)]));
            prop_assert_eq!(got.changed_files.is_empty(), got.report == r);
            prop_assert_eq!(got.changed_files.is_empty(), !rename && want == lines);
        }
    }
}

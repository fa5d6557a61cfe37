//! Carry a whole report across the diffs of its files.

use std::collections::{BTreeMap, HashMap};

use crate::model::{ChangeKind, FileChange, FileCoverage, LineCoverage, Report};

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
pub fn remap(report: Report, changes: &[FileChange]) -> Remapped {
    let by_old: HashMap<&str, &FileChange> = changes
        .iter()
        .filter_map(|c| c.old_path.as_deref().map(|p| (p, c)))
        .collect();
    let Report {
        files: old_files,
        unresolved,
    } = report;
    let mut files: BTreeMap<String, FileCoverage> = BTreeMap::new();
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
            (Some(new), kind) if kind != ChangeKind::Deleted => new,
            _ => {
                changed_files.push(path);
                continue;
            }
        };
        let map = LineMap::from_hunks(&change.hunks);
        let lines: Vec<(u32, LineCoverage)> = cov
            .lines()
            .iter()
            .filter_map(|(n, c)| map.old_to_new(*n).map(|m| (m, c.clone())))
            .collect();
        let moved = *new_path != path
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
    changed_files.sort();
    Remapped {
        report: Report { files, unresolved },
        changed_files,
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
    use crate::offset::testgen::alignment;
    use crate::offset::testgen::change;

    fn cov(lines: &[(u32, u64)]) -> FileCoverage {
        FileCoverage::from_sorted(
            lines
                .iter()
                .map(|&(n, h)| (n, LineCoverage::new(h)))
                .collect(),
        )
        .unwrap()
    }

    fn report(files: &[(&str, &[(u32, u64)])]) -> Report {
        Report {
            files: files
                .iter()
                .map(|(p, l)| ((*p).to_owned(), cov(l)))
                .collect(),
            unresolved: std::collections::BTreeSet::default(),
        }
    }

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

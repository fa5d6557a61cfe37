//! `compare` against a brute-force oracle: each file's diff expanded into an explicit
//! old <-> new alignment, every line classified on its own, then compared line by line with
//! the expanded runs. Plus a timing check on a large input (ignored by default).

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::{FileStatus, LineKind, compare, compare_with};
use crate::model::{
    Branches, ChangeKind, FileChange, FileCoverage, Hunk, LineCoverage, LineNo, LineState,
    Relocation, RelocationKind, Report,
};
use crate::offset::testgen::{Op, Ops, alignment};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    Unchanged,
    Modified,
    Renamed,
    Added,
    Deleted,
    /// Unresolved on both sides, with a change naming it that must be ignored.
    Unresolved,
}

#[derive(Debug, Clone)]
struct FileCase {
    scenario: Scenario,
    ops: Ops,
    base_present: bool,
    head_present: bool,
    base_states: Vec<Option<LineState>>,
    head_states: Vec<Option<LineState>>,
}

fn state() -> impl Strategy<Value = Option<LineState>> {
    prop_oneof![
        2 => Just(None),
        1 => Just(Some(LineState::Miss)),
        1 => Just(Some(LineState::Partial)),
        1 => Just(Some(LineState::Hit)),
    ]
}

fn file_case() -> impl Strategy<Value = FileCase> {
    (
        prop_oneof![
            Just(Scenario::Unchanged),
            Just(Scenario::Modified),
            Just(Scenario::Renamed),
            Just(Scenario::Added),
            Just(Scenario::Deleted),
            Just(Scenario::Unresolved),
        ],
        alignment(8),
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.85),
        prop::collection::vec(state(), 60),
        prop::collection::vec(state(), 60),
    )
        .prop_map(|(scenario, ops, bp, hp, bs, hs)| FileCase {
            scenario,
            ops,
            base_present: bp,
            head_present: hp,
            base_states: bs,
            head_states: hs,
        })
}

fn coverage_of(s: LineState) -> LineCoverage {
    match s {
        LineState::Miss => LineCoverage::new(0),
        LineState::Hit => LineCoverage::new(1),
        LineState::Partial => LineCoverage {
            hits: 1,
            branches: Some(Branches::Counts {
                covered: 0,
                total: 2,
            }),
        },
    }
}

fn file_cov(states: &[Option<LineState>]) -> FileCoverage {
    FileCoverage::from_sorted(
        states
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.map(|s| (i as LineNo + 1, coverage_of(s))))
            .collect(),
    )
    .unwrap()
}

/// One classified line: (path, kind, from, to, number, base number, base path if another).
type Item = (
    String,
    LineKind,
    Option<LineState>,
    Option<LineState>,
    LineNo,
    Option<LineNo>,
    Option<String>,
);

/// A run of lines the plain diff adds or removes: (path, first line, count).
type Span = (String, LineNo, u32);

struct Built {
    base: Report,
    head: Report,
    changes: Vec<FileChange>,
    items: BTreeSet<Item>,
    /// head path (base path when deleted) -> (base path if renamed, status, indirect, patch lines)
    files: BTreeMap<String, (Option<String>, FileStatus, bool, u64)>,
    /// Line states by path, as the reports hold them (index: line - 1).
    base_states: BTreeMap<String, Vec<Option<LineState>>>,
    head_states: BTreeMap<String, Vec<Option<LineState>>>,
    /// Maximal runs of removed (base) and added (head) lines, in files whose diff is real.
    removed: Vec<Span>,
    added: Vec<Span>,
}

#[expect(
    clippy::too_many_lines,
    clippy::many_single_char_names,
    clippy::similar_names,
    reason = "the oracle reads best as one straight pass per file, in the SPEC's order"
)]
fn build(cases: &[FileCase]) -> Built {
    let mut b = Built {
        base: Report::default(),
        head: Report::default(),
        changes: Vec::new(),
        items: BTreeSet::new(),
        files: BTreeMap::new(),
        base_states: BTreeMap::new(),
        head_states: BTreeMap::new(),
        removed: Vec::new(),
        added: Vec::new(),
    };
    for (i, case) in cases.iter().enumerate() {
        use Scenario as S;
        let old_path = format!("f{i}.py");
        let new_path = if case.scenario == S::Renamed {
            format!("r{i}.py")
        } else {
            old_path.clone()
        };
        let ops = match case.scenario {
            S::Unchanged | S::Unresolved => Ops(vec![Op::Equal(case.ops.old_len())]),
            S::Added => Ops(vec![Op::Change(0, case.ops.new_len())]),
            S::Deleted => Ops(vec![Op::Change(case.ops.old_len(), 0)]),
            S::Modified | S::Renamed => case.ops.clone(),
        };
        let a = ops.expand();
        let (olen, nlen) = (a.old_to_new.len(), a.new_to_old.len());
        let base_states: Vec<_> = if case.base_present && case.scenario != S::Added {
            case.base_states[..olen.min(60)].to_vec()
        } else {
            vec![None; olen]
        };
        let head_states: Vec<_> = if case.head_present && case.scenario != S::Deleted {
            case.head_states[..nlen.min(60)].to_vec()
        } else {
            vec![None; nlen]
        };
        let base_state = |o: LineNo| base_states.get(o as usize - 1).copied().flatten();
        let head_state = |n: LineNo| head_states.get(n as usize - 1).copied().flatten();
        let has_base = case.base_present && case.scenario != S::Added;
        let has_head = case.head_present && case.scenario != S::Deleted;
        if has_base {
            b.base
                .files
                .insert(old_path.clone(), file_cov(&base_states));
        }
        if has_head {
            b.head
                .files
                .insert(new_path.clone(), file_cov(&head_states));
        }
        let (kind, change_old, change_new) = match case.scenario {
            S::Unchanged => (None, None, None),
            S::Modified | S::Unresolved => {
                (Some(ChangeKind::Modified), Some(&old_path), Some(&new_path))
            }
            S::Renamed => (Some(ChangeKind::Renamed), Some(&old_path), Some(&new_path)),
            S::Added => (Some(ChangeKind::Added), None, Some(&new_path)),
            S::Deleted => (Some(ChangeKind::Deleted), Some(&old_path), None),
        };
        if let Some(kind) = kind {
            let hunks = if case.scenario == S::Unresolved {
                // A diff that would move everything, were it applied.
                vec![Hunk {
                    old_start: 1,
                    old_len: 0,
                    new_start: 1,
                    new_len: 7,
                }]
            } else {
                a.hunks.clone()
            };
            b.changes.push(FileChange {
                old_path: change_old.cloned(),
                new_path: change_new.cloned(),
                kind,
                hunks,
            });
        }
        if case.scenario == S::Unresolved {
            b.base.unresolved.insert(old_path.clone());
            b.head.unresolved.insert(new_path.clone());
        } else if kind.is_some() {
            b.removed.extend(spans(&old_path, &a.old_to_new));
            b.added.extend(spans(&new_path, &a.new_to_old));
            if has_base {
                b.base_states.insert(old_path.clone(), base_states.clone());
            }
            if has_head {
                b.head_states.insert(new_path.clone(), head_states.clone());
            }
        }
        let renamed = (old_path != new_path).then(|| old_path.clone());

        // The oracle: every line on its own.
        let mut both_sided = false;
        let mut patch = 0;
        for n in 1..=nlen as LineNo {
            let h = head_state(n);
            match a.new_to_old[n as usize - 1] {
                None => {
                    if let Some(h) = h {
                        patch += 1;
                        b.items.insert((
                            new_path.clone(),
                            LineKind::Added,
                            None,
                            Some(h),
                            n,
                            None,
                            None,
                        ));
                    }
                }
                Some(o) => {
                    let bs = base_state(o);
                    let kind = match (bs, h) {
                        (Some(x), Some(y)) if x < y => Some(LineKind::Gained),
                        (Some(x), Some(y)) if x > y => Some(LineKind::Lost),
                        (None, Some(_)) => Some(LineKind::NowTracked),
                        (Some(_), None) => Some(LineKind::NoLongerTracked),
                        _ => None,
                    };
                    if let Some(kind) = kind {
                        both_sided = true;
                        b.items.insert((
                            new_path.clone(),
                            kind,
                            bs,
                            h,
                            n,
                            Some(o),
                            renamed.clone(),
                        ));
                    }
                }
            }
        }
        for o in 1..=olen as LineNo {
            if a.old_to_new[o as usize - 1].is_none()
                && let Some(bs) = base_state(o)
            {
                b.items.insert((
                    old_path.clone(),
                    LineKind::Removed,
                    Some(bs),
                    None,
                    o,
                    None,
                    None,
                ));
            }
        }
        if has_base || has_head {
            let status = match case.scenario {
                S::Unchanged | S::Unresolved => FileStatus::Unchanged,
                S::Modified => FileStatus::Modified,
                S::Renamed => FileStatus::Renamed,
                S::Added => FileStatus::Added,
                S::Deleted => FileStatus::Deleted,
            };
            // SPEC: indirect only where the diff leaves the file alone (a rename never is).
            let indirect = status == FileStatus::Unchanged && both_sided;
            let path = if case.scenario == S::Deleted {
                &old_path
            } else {
                &new_path
            };
            let base_path = (old_path != *path).then(|| old_path.clone());
            b.files
                .insert(path.clone(), (base_path, status, indirect, patch));
        }
    }
    b
}

/// The maximal runs of lines without a counterpart.
fn spans(path: &str, map: &[Option<LineNo>]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for (i, m) in map.iter().enumerate() {
        if m.is_some() {
            continue;
        }
        let n = i as LineNo + 1;
        match out.last_mut() {
            Some(last) if last.1 + last.2 == n => last.2 += 1,
            _ => out.push((path.to_owned(), n, 1)),
        }
    }
    out
}

/// Relocations drawn from `picks` among the removed and added runs of `b`, with the oracle's
/// verdict for their lines folded into `b`.
fn relocate(b: &mut Built, picks: &[u8]) -> Vec<Relocation> {
    let out = draw_relocations(b, picks);
    for r in &out {
        fold_relocation(b, r);
    }
    out
}

/// Moved blocks and reformatted runs among the removed and added runs of `b` (each run used
/// at most once, a prefix of it).
fn draw_relocations(b: &Built, picks: &[u8]) -> Vec<Relocation> {
    let mut picks = picks.iter().copied().cycle();
    let mut pick = move || picks.next().unwrap_or(0);
    let mut used = vec![false; b.removed.len()];
    let mut out = Vec::new();
    for (new_path, new_start, new_len) in b.added.clone() {
        if b.removed.is_empty() || pick() % 3 == 0 {
            continue;
        }
        let k = usize::from(pick()) % b.removed.len();
        if used[k] {
            continue;
        }
        used[k] = true;
        let (old_path, old_start, old_len) = b.removed[k].clone();
        let (kind, old_len, origins) = if pick() % 2 == 0 {
            let len = new_len.min(old_len).min(1 + u32::from(pick()) % 6);
            let origins = (old_start..old_start + len).map(Some).collect();
            (RelocationKind::Moved, len, origins)
        } else {
            let old_len = old_len.min(1 + u32::from(pick()) % 6);
            let new_len = new_len.min(1 + u32::from(pick()) % 6);
            let mut next = old_start;
            let origins: Vec<Option<LineNo>> = (0..new_len)
                .map(|_| {
                    next += u32::from(pick() % 4 == 0);
                    let take = pick() % 3 != 0 && next < old_start + old_len;
                    take.then(|| {
                        next += 1;
                        next - 1
                    })
                })
                .collect();
            (RelocationKind::Reformatted, old_len, origins)
        };
        out.push(Relocation {
            kind,
            old_path,
            old_start,
            old_len,
            new_path,
            new_start,
            origins,
        });
    }
    out
}

/// The oracle for one relocation: its lines leave `added`/`removed` and patch, and each head
/// line is classified against its origin.
fn fold_relocation(b: &mut Built, r: &Relocation) {
    {
        let base_state = |o: LineNo| {
            b.base_states
                .get(&r.old_path)
                .and_then(|v| v.get(o as usize - 1).copied().flatten())
        };
        let head_state = |n: LineNo| {
            b.head_states
                .get(&r.new_path)
                .and_then(|v| v.get(n as usize - 1).copied().flatten())
        };
        for o in r.old_start..r.old_start + r.old_len {
            if let Some(bs) = base_state(o) {
                let removed = (
                    r.old_path.clone(),
                    LineKind::Removed,
                    Some(bs),
                    None,
                    o,
                    None,
                    None,
                );
                assert!(b.items.remove(&removed));
            }
        }
        let base_path = (r.old_path != r.new_path).then(|| r.old_path.clone());
        let same = match r.kind {
            RelocationKind::Moved => LineKind::Moved,
            RelocationKind::Reformatted => LineKind::Reformatted,
        };
        for (n, origin) in (r.new_start..).zip(&r.origins) {
            let h = head_state(n);
            if let Some(h) = h {
                let added = (
                    r.new_path.clone(),
                    LineKind::Added,
                    None,
                    Some(h),
                    n,
                    None,
                    None,
                );
                assert!(b.items.remove(&added));
                b.files.get_mut(&r.new_path).unwrap().3 -= 1;
            }
            let bs = origin.and_then(base_state);
            let kind = match (bs, h) {
                (Some(was), Some(is)) if was < is => LineKind::Gained,
                (Some(was), Some(is)) if was > is => LineKind::Lost,
                (Some(_), Some(_)) => same,
                (None, Some(_)) => LineKind::NowTracked,
                (Some(_), None) => LineKind::NoLongerTracked,
                (None, None) => continue,
            };
            b.items.insert((
                r.new_path.clone(),
                kind,
                bs,
                h,
                n,
                *origin,
                base_path.clone(),
            ));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn compare_matches_the_line_by_line_oracle(
        cases in prop::collection::vec(file_case(), 1..5),
        moves in any::<bool>(),
        picks in prop::collection::vec(any::<u8>(), 1..40),
    ) {
        let mut b = build(&cases);
        let relocations = if moves { relocate(&mut b, &picks) } else { Vec::new() };
        let c = if moves {
            compare_with(&b.base, &b.head, &b.changes, &relocations)
        } else {
            compare(&b.base, &b.head, &b.changes)
        };

        let mut got = BTreeSet::new();
        for r in &c.lines {
            prop_assert!(r.start <= r.end);
            // Kinds on both sides have a base line, but for a reformatted continuation.
            let continuation = r.kind == LineKind::NowTracked && r.base_start.is_none();
            prop_assert_eq!(r.base_start.is_some() || continuation, r.kind.on_both_sides());
            for k in 0..=(r.end - r.start) {
                let fresh = got.insert((
                    r.path.clone(), r.kind, r.from, r.to, r.start + k,
                    r.base_start.map(|s| s + k), r.base_path.clone(),
                ));
                prop_assert!(fresh, "a line in two runs: {:?}", r);
            }
        }
        prop_assert_eq!(&got, &b.items);

        // Runs are maximal: no two could be joined.
        let mut runs = c.lines.clone();
        runs.sort_by_key(|r| (r.path.clone(), r.kind, r.from, r.to, r.start));
        for w in runs.windows(2) {
            let (x, y) = (&w[0], &w[1]);
            let joinable = x.path == y.path && x.kind == y.kind && x.from == y.from && x.to == y.to
                && x.base_path == y.base_path
                && x.end + 1 == y.start
                && x.base_start.map(|s| s + (y.start - x.start)) == y.base_start;
            prop_assert!(!joinable, "runs {:?} and {:?} should be one", x, y);
        }
        // Runs sorted by path then start.
        prop_assert!(c.lines.windows(2).all(|w| (&w[0].path, w[0].start) <= (&w[1].path, w[1].start)));

        let files: BTreeMap<String, (Option<String>, FileStatus, bool, u64)> = c
            .files
            .iter()
            .map(|f| (f.path.clone(), (f.base_path.clone(), f.change, f.indirect, f.patch.lines)))
            .collect();
        prop_assert_eq!(files.len(), c.files.len(), "one entry per file");
        prop_assert_eq!(&files, &b.files);
        prop_assert!(c.files.windows(2).all(|w| w[0].path < w[1].path));
        prop_assert_eq!(c.base, b.base.totals());
        prop_assert_eq!(c.head, b.head.totals());
        let added = b.items.iter().filter(|i| i.1 == LineKind::Added).count() as u64;
        prop_assert_eq!(c.patch.lines, added);
        prop_assert_eq!(c.patch.lines, c.files.iter().map(|f| f.patch.lines).sum::<u64>());

        // One summary per relocation, sorted, counting its listed lines.
        prop_assert_eq!(c.relocated.len(), relocations.len());
        prop_assert!(c.relocated.windows(2).all(|w| (&w[0].path, w[0].start) <= (&w[1].path, w[1].start)));
        let relocated = b.items.iter().filter(|i| {
            relocations.iter().any(|r| r.new_path == i.0 && (r.new_start..=r.new_end()).contains(&i.4))
                && i.1 != LineKind::Removed
        }).count() as u64;
        prop_assert_eq!(c.relocated.iter().map(|r| r.tracked).sum::<u64>(), relocated);
    }
}

/// 5000 files × 400 lines, 1000 of them edited (10 hunks of 3 replaced lines each). In the
/// worst case every line of an edited file also changes state. Run with optimisations:
/// `cargo test --lib compare::oracle_tests::large -- --ignored --nocapture`.
#[test]
#[ignore = "timing; run by hand with optimisations"]
fn large_comparison_timing() {
    for worst in [false, true] {
        let (base, head, changes) = large_input(worst);
        // The floor: one pass over both reports' lines.
        let start = std::time::Instant::now();
        let floor = (base.totals(), head.totals());
        eprintln!(
            "totals of both reports (one pass over every line): {:?}",
            start.elapsed()
        );
        let start = std::time::Instant::now();
        let c = compare(&base, &head, &changes);
        let took = start.elapsed();
        eprintln!(
            "compare of {} files, {} runs (worst case: {worst}): {took:?}",
            c.files.len(),
            c.lines.len()
        );
        assert_eq!((c.base, c.head), floor);
        assert_eq!(c.files.len(), 5000);
        assert_eq!(c.patch.lines, 1000 * 30);
    }
}

fn large_input(worst: bool) -> (Report, Report, Vec<FileChange>) {
    let mut base = Report::default();
    let mut head = Report::default();
    let mut changes = Vec::new();
    let hunks: Vec<Hunk> = (0..10)
        .map(|k| Hunk {
            old_start: 20 + k * 37,
            old_len: 3,
            new_start: 20 + k * 37,
            new_len: 3,
        })
        .collect();
    let in_hunk = |n: u32| {
        hunks
            .iter()
            .any(|h| (h.old_start..h.old_start + 3).contains(&n))
    };
    for f in 0..5000u32 {
        let path = format!("src/pkg{}/mod{f}.py", f % 50);
        let edited = f % 5 == 0;
        let lines = |head: bool| {
            FileCoverage::from_sorted(
                (1..=400)
                    .map(|n| {
                        let shift = u32::from(head && edited && (worst || in_hunk(n)));
                        (n, LineCoverage::new(u64::from((n + shift + f) % 3)))
                    })
                    .collect(),
            )
            .unwrap()
        };
        base.files.insert(path.clone(), lines(false));
        head.files.insert(path.clone(), lines(true));
        if edited {
            changes.push(FileChange {
                old_path: Some(path.clone()),
                new_path: Some(path),
                kind: ChangeKind::Modified,
                hunks: hunks.clone(),
            });
        }
    }
    (base, head, changes)
}

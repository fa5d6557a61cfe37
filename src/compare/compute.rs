//! The comparison itself: align two reports through the base → head diff and classify every
//! line once (SPEC "The comparison").
//!
//! Each file is one merge-join of its sorted base lines (carried to head numbers through its
//! [`LineMap`]) with its sorted head lines; runs grow while lines stay consecutive, so no
//! per-line allocation happens. Moved and reformatted lines (SPEC "Moved and reformatted
//! code") are left out of the join through a sorted cursor over each file's relocated ranges
//! and compared with their origin in a pass of their own, one relocation at a time.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use crate::model::{
    ChangeKind, FileChange, FileCoverage, LineCoverage, LineNo, LineState, Relocation,
    RelocationKind, Report, Totals,
};
use crate::offset::LineMap;

use super::{
    Comparison, FileComparison, FileStatus, LineKind, LineRun, PatchTotals, RelocatedBlock,
};

/// SPEC "The comparison" of `base` and `head` through `changes` (base → head, renames
/// followed). Files no change lists, and unresolved paths, keep their path and numbers.
pub fn compare(base: &Report, head: &Report, changes: &[FileChange]) -> Comparison {
    compare_with(base, head, changes, &[])
}

/// [`compare`] with the moved blocks and reformatted runs found in the same diff (SPEC "Moved
/// and reformatted code"): each relocated head line is compared with the base line it maps
/// to, in whatever file, like a line of an unchanged run (kind `moved` or `reformatted` when
/// its state is the same); neither side of a relocation is `added`, `removed` or patch.
///
/// `relocations` must hold only lines that `changes` removes and adds, no line twice (as
/// `Repo::diff_with_moves` gives them); a line the plain diff keeps would be listed twice.
pub fn compare_with(
    base: &Report,
    head: &Report,
    changes: &[FileChange],
    relocations: &[Relocation],
) -> Comparison {
    assemble(base, head, changes, relocations, BTreeMap::new())
}

/// [`compare_with`] where the files in `unchanged` were left out of both reports, because
/// their coverage is the same on both sides and no change touches them (the caller knows
/// their totals without decoding them): each is listed as an unchanged file with its totals,
/// counted in both sides' totals, in path order with the others.
pub fn assemble(
    base: &Report,
    head: &Report,
    changes: &[FileChange],
    relocations: &[Relocation],
    unchanged: BTreeMap<String, Totals>,
) -> Comparison {
    let pairs = pair_files(base, head, changes);
    let moved = MovedIndex::new(relocations);
    let mut out = Comparison::default();
    let mut raw: Vec<RawRun> = Vec::new();
    let mut paths: Vec<&str> = Vec::with_capacity(pairs.len() * 2);
    for pair in &pairs {
        let Some(file) = compare_file(pair, &moved, &mut paths, &mut raw) else {
            continue;
        };
        if let Some(t) = &file.base {
            out.base.add(t);
        }
        if let Some(t) = &file.head {
            out.head.add(t);
        }
        out.patch.add(&file.patch);
        out.files.push(file);
    }
    for (path, t) in unchanged {
        out.base.add(&t);
        out.head.add(&t);
        out.files.push(FileComparison {
            path,
            base_path: None,
            change: FileStatus::Unchanged,
            base: Some(t),
            head: Some(t),
            patch: PatchTotals::default(),
            indirect: false,
        });
    }
    out.files
        .sort_by(|a, b| (&a.path, &a.base_path).cmp(&(&b.path, &b.base_path)));
    for r in relocations {
        out.relocated
            .push(relocate(r, base, head, &mut paths, &mut raw));
    }
    out.relocated
        .sort_by(|a, b| (&a.path, a.start).cmp(&(&b.path, b.start)));
    // Sort on dense path ranks (equal paths share a rank) instead of comparing strings per
    // pair of runs. Removed lines first where a removed and another run start on the same
    // number, as a diff prints `-` before `+`.
    let rank = dense_ranks(&paths);
    raw.sort_unstable_by_key(|r| {
        (
            rank[r.path as usize],
            r.start,
            r.kind != LineKind::Removed,
            r.kind,
        )
    });
    if !relocations.is_empty() {
        raw = join_runs(raw, &rank);
    }
    out.lines = raw
        .into_iter()
        .map(|r| LineRun {
            path: paths[r.path as usize].to_owned(),
            kind: r.kind,
            from: r.from,
            to: r.to,
            start: r.start,
            end: r.end,
            base_start: r.base_start,
            base_path: r.base_path.map(|p| paths[p as usize].to_owned()),
        })
        .collect();
    out
}

/// Joins runs that became neighbours across relocation boundaries (a reformatted run next to
/// a run of the plain join with the same kind, states and consecutive origin). `raw` is
/// sorted by path, then start; runs of one kind, states and base path on one path never
/// overlap, so a run can only join the last one of its kind on its path: one pass, with the
/// few kinds seen on the current path in a short list.
fn join_runs(raw: Vec<RawRun>, rank: &[u32]) -> Vec<RawRun> {
    type Key = (LineKind, Option<LineState>, Option<LineState>, Option<u32>);
    let key = |r: &RawRun| -> Key { (r.kind, r.from, r.to, r.base_path.map(|p| rank[p as usize])) };
    let mut out: Vec<RawRun> = Vec::with_capacity(raw.len());
    // The last run of each key on the current path, as an index into `out`.
    let mut last: Vec<(Key, usize)> = Vec::new();
    let mut path = None;
    for r in raw {
        let here = rank[r.path as usize];
        if path != Some(here) {
            last.clear();
            path = Some(here);
        }
        let run_key = key(&r);
        let Some(slot) = last.iter_mut().find(|(have, _)| *have == run_key) else {
            last.push((run_key, out.len()));
            out.push(r);
            continue;
        };
        let open = &mut out[slot.1];
        let next = open.end.checked_add(1) == Some(r.start);
        let base_next = match (open.base_start, r.base_start) {
            (None, None) => true,
            (Some(s), Some(b)) => next && s.checked_add(r.start - open.start) == Some(b),
            _ => false,
        };
        if next && base_next {
            open.end = r.end;
        } else {
            slot.1 = out.len();
            out.push(r);
        }
    }
    out
}

/// One file of either report with its counterpart and the change that links them.
struct Pair<'a> {
    base: Option<(&'a str, &'a FileCoverage)>,
    head: Option<(&'a str, &'a FileCoverage)>,
    /// `None`: the same path on both sides, content unchanged.
    change: Option<&'a FileChange>,
}

/// Groups report files by the change that covers them, or by path when none does (or the
/// path is unresolved: no diff covers it).
fn pair_files<'a>(base: &'a Report, head: &'a Report, changes: &'a [FileChange]) -> Vec<Pair<'a>> {
    let mut by_old: HashMap<&str, usize> = HashMap::with_capacity(changes.len());
    let mut by_new: HashMap<&str, usize> = HashMap::with_capacity(changes.len());
    for (i, c) in changes.iter().enumerate() {
        if let Some(p) = &c.old_path {
            by_old.entry(p).or_insert(i);
        }
        if let Some(p) = &c.new_path {
            by_new.entry(p).or_insert(i);
        }
    }
    let mut by_change: Vec<Option<usize>> = vec![None; changes.len()];
    let mut by_path: HashMap<&str, usize> = HashMap::new();
    let mut pairs: Vec<Pair<'a>> = Vec::with_capacity(base.files.len().max(head.files.len()));
    let mut slot = |change: Option<usize>, path: &'a str, pairs: &mut Vec<Pair<'a>>| -> usize {
        let Some(i) = change else {
            if let Some(&at) = by_path.get(path) {
                return at;
            }
            by_path.insert(path, pairs.len());
            pairs.push(Pair {
                base: None,
                head: None,
                change: None,
            });
            return pairs.len() - 1;
        };
        let entry = &mut by_change[i];
        *entry.get_or_insert_with(|| {
            pairs.push(Pair {
                base: None,
                head: None,
                change: change.map(|i| &changes[i]),
            });
            pairs.len() - 1
        })
    };
    for (path, cov) in &base.files {
        let change = (!base.unresolved.contains(path))
            .then(|| by_old.get(path.as_str()).copied())
            .flatten();
        let at = slot(change, path, &mut pairs);
        pairs[at].base = Some((path, cov));
    }
    for (path, cov) in &head.files {
        let change = (!head.unresolved.contains(path))
            .then(|| by_new.get(path.as_str()).copied())
            .flatten();
        let at = slot(change, path, &mut pairs);
        pairs[at].head = Some((path, cov));
    }
    pairs
}

/// The next move of the merge-join: a line on both sides, a base line whose head counterpart
/// is untracked, or a head line whose base counterpart (if any) is untracked.
enum Step<'a> {
    Both((LineNo, LineNo, LineState), &'a (LineNo, LineCoverage)),
    Base((LineNo, LineNo, LineState)),
    Head(&'a (LineNo, LineCoverage)),
}

/// How a file's base lines meet its head lines.
enum Align {
    /// Same content: line n is line n.
    Identity,
    /// A content change: through its hunks.
    Map(LineMap),
    /// Added or deleted file: no line has a counterpart.
    Disjoint,
}

impl Align {
    fn old_to_new(&self, l: LineNo) -> Option<LineNo> {
        match self {
            Self::Identity => Some(l),
            Self::Map(m) => m.old_to_new(l),
            Self::Disjoint => None,
        }
    }

    fn new_to_old(&self, l: LineNo) -> Option<LineNo> {
        match self {
            Self::Identity => Some(l),
            Self::Map(m) => m.new_to_old(l),
            Self::Disjoint => None,
        }
    }
}

/// A run before its path is materialised (`path` indexes the path table).
struct RawRun {
    path: u32,
    kind: LineKind,
    from: Option<LineState>,
    to: Option<LineState>,
    start: LineNo,
    end: LineNo,
    base_start: Option<LineNo>,
    /// The base path when it differs from `path` (indexes the path table).
    base_path: Option<u32>,
}

/// Grows runs from lines given in increasing order of their number.
struct RunBuilder {
    path: u32,
    base_path: Option<u32>,
    open: Option<RawRun>,
}

impl RunBuilder {
    /// Runs on `path` whose lines come from `base_path` (`None`: the same path).
    fn new(path: u32, base_path: Option<u32>) -> Self {
        Self {
            path,
            base_path,
            open: None,
        }
    }

    fn push(
        &mut self,
        out: &mut Vec<RawRun>,
        kind: LineKind,
        from: Option<LineState>,
        to: Option<LineState>,
        line: LineNo,
        base_line: Option<LineNo>,
    ) {
        if let Some(r) = &mut self.open {
            let next = r.end.checked_add(1) == Some(line);
            let base_next = match (r.base_start, base_line) {
                (None, None) => true,
                (Some(s), Some(b)) => s.checked_add(line - r.start) == Some(b),
                _ => false,
            };
            // One builder has one base path, so runs of a kind join as before.
            if next && base_next && r.kind == kind && r.from == from && r.to == to {
                r.end = line;
                return;
            }
        }
        let run = RawRun {
            path: self.path,
            kind,
            from,
            to,
            start: line,
            end: line,
            base_start: base_line,
            // Only lines with a base line have a base path (SPEC: `base_start` and
            // `base_path` point at where the run came from).
            base_path: self.base_path.filter(|_| kind.on_both_sides()),
        };
        if let Some(done) = self.open.replace(run) {
            out.push(done);
        }
    }

    fn finish(&mut self, out: &mut Vec<RawRun>) {
        out.extend(self.open.take());
    }
}

/// Classifies one file's lines into `raw` and returns its entry; `None` when neither report
/// has the file.
fn compare_file<'a>(
    pair: &Pair<'a>,
    moved: &MovedIndex<'_>,
    paths: &mut Vec<&'a str>,
    raw: &mut Vec<RawRun>,
) -> Option<FileComparison> {
    let side = describe(pair)?;
    let head_idx = push_path(paths, side.path);
    let base_idx = if side.base_path == side.path {
        head_idx
    } else {
        push_path(paths, side.base_path)
    };
    let base_lines = pair.base.map_or(&[][..], |(_, c)| c.lines());
    let head_lines = pair.head.map_or(&[][..], |(_, c)| c.lines());
    let renamed = (base_idx != head_idx).then_some(base_idx);
    let fig = classify(
        base_lines,
        head_lines,
        &side.align,
        Relocated {
            head: Cursor::new(moved.head(side.path, pair.head.is_some())),
            base: Cursor::new(moved.base(side.base_path, pair.base.is_some())),
        },
        &mut RunBuilder::new(head_idx, renamed),
        &mut RunBuilder::new(base_idx, None),
        raw,
    );
    Some(FileComparison {
        path: side.path.to_owned(),
        base_path: (side.base_path != side.path).then(|| side.base_path.to_owned()),
        change: side.status,
        base: pair.base.map(|_| fig.base),
        head: pair.head.map(|_| fig.head),
        patch: fig.patch,
        // SPEC: only a file the diff leaves alone is indirect; a rename, pure or not, is part
        // of the diff (issue 12.3).
        indirect: fig.both_sided && side.status == FileStatus::Unchanged,
    })
}

/// What git says of a file pair.
struct FileSides<'a> {
    /// Head path (base path when deleted).
    path: &'a str,
    base_path: &'a str,
    status: FileStatus,
    align: Align,
}

fn describe<'a>(pair: &Pair<'a>) -> Option<FileSides<'a>> {
    let Some(c) = pair.change else {
        let p = pair.base.or(pair.head)?.0;
        return Some(FileSides {
            path: p,
            base_path: p,
            status: FileStatus::Unchanged,
            align: Align::Identity,
        });
    };
    if pair.base.is_none() && pair.head.is_none() {
        return None;
    }
    let has_old = c.old_path.is_some() && c.kind != ChangeKind::Added;
    let has_new = c.new_path.is_some() && c.kind != ChangeKind::Deleted;
    let old = c.old_path.as_deref();
    let path = c.new_path.as_deref().filter(|_| has_new).or(old)?;
    Some(FileSides {
        path,
        base_path: old.unwrap_or(path),
        status: match c.kind {
            ChangeKind::Added => FileStatus::Added,
            ChangeKind::Deleted => FileStatus::Deleted,
            ChangeKind::Renamed => FileStatus::Renamed,
            ChangeKind::Modified => FileStatus::Modified,
        },
        align: if has_old && has_new {
            Align::Map(LineMap::from_hunks(&c.hunks))
        } else {
            Align::Disjoint
        },
    })
}

/// Figures of one file's merge-join.
struct Figures {
    base: Totals,
    head: Totals,
    patch: PatchTotals,
    /// Some line is gained, lost, now or no longer tracked.
    both_sided: bool,
}

/// The merge-join of one file: base lines carried to head numbers through `align`, against
/// head lines, both in increasing order. Runs on head numbers go to `on_head`, removed runs
/// (base numbers) to `on_base`. Lines the diff adds or removes that a relocation holds are
/// counted in the totals and left to [`relocate`].
fn classify(
    base_lines: &[(LineNo, LineCoverage)],
    head_lines: &[(LineNo, LineCoverage)],
    align: &Align,
    mut relocated: Relocated<'_>,
    on_head: &mut RunBuilder,
    on_base: &mut RunBuilder,
    raw: &mut Vec<RawRun>,
) -> Figures {
    let mut fig = Figures {
        base: Totals::default(),
        head: Totals::default(),
        patch: PatchTotals::default(),
        both_sided: false,
    };
    let (mut bi, mut hi) = (0, 0);
    // The next base line that has a head counterpart, as (head number, base number, state);
    // base lines without one are removed on the way.
    let mut next_base = |bi: &mut usize, base: &mut Totals, raw: &mut Vec<RawRun>| {
        while let Some((n, c)) = base_lines.get(*bi) {
            *bi += 1;
            let state = base.count(c);
            match align.old_to_new(*n) {
                Some(m) => return Some((m, *n, state)),
                None if relocated.base.holds(*n) => {}
                None => on_base.push(raw, LineKind::Removed, Some(state), None, *n, None),
            }
        }
        None
    };
    let mut pending = next_base(&mut bi, &mut fig.base, raw);
    loop {
        let step = match (pending, head_lines.get(hi)) {
            (None, None) => break,
            (Some(x), Some(y)) if x.0 == y.0 => Step::Both(x, y),
            (Some(x), Some(y)) if x.0 < y.0 => Step::Base(x),
            (Some(x), None) => Step::Base(x),
            (_, Some(y)) => Step::Head(y),
        };
        match step {
            Step::Both((at, base_at, from), (_, hc)) => {
                let to = fig.head.count(hc);
                let kind = match from.cmp(&to) {
                    Ordering::Less => Some(LineKind::Gained),
                    Ordering::Greater => Some(LineKind::Lost),
                    Ordering::Equal => None,
                };
                if let Some(kind) = kind {
                    fig.both_sided = true;
                    on_head.push(raw, kind, Some(from), Some(to), at, Some(base_at));
                }
                pending = next_base(&mut bi, &mut fig.base, raw);
                hi += 1;
            }
            Step::Base((at, base_at, from)) => {
                fig.both_sided = true;
                let kind = LineKind::NoLongerTracked;
                on_head.push(raw, kind, Some(from), None, at, Some(base_at));
                pending = next_base(&mut bi, &mut fig.base, raw);
            }
            Step::Head((at, hc)) => {
                let to = fig.head.count(hc);
                if let Some(base_at) = align.new_to_old(*at) {
                    fig.both_sided = true;
                    let kind = LineKind::NowTracked;
                    on_head.push(raw, kind, None, Some(to), *at, Some(base_at));
                } else if !relocated.head.holds(*at) {
                    fig.patch.count(to);
                    on_head.push(raw, LineKind::Added, None, Some(to), *at, None);
                }
                hi += 1;
            }
        }
    }
    on_head.finish(raw);
    on_base.finish(raw);
    fig.base = fig.base.as_one_file();
    fig.head = fig.head.as_one_file();
    fig
}

/// The relocated line ranges of one file, on each side.
struct Relocated<'a> {
    head: Cursor<'a>,
    base: Cursor<'a>,
}

/// Sorted, disjoint ranges `(first, last)` asked about in increasing line order: a merge-join
/// step per question, no hashing per line.
struct Cursor<'a> {
    spans: &'a [(LineNo, LineNo)],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(spans: &'a [(LineNo, LineNo)]) -> Self {
        Self { spans, at: 0 }
    }

    /// Whether `line` is in a range; `line` must not be smaller than the last one asked.
    fn holds(&mut self, line: LineNo) -> bool {
        while self.spans.get(self.at).is_some_and(|s| s.1 < line) {
            self.at += 1;
        }
        self.spans.get(self.at).is_some_and(|s| s.0 <= line)
    }
}

/// The head and base ranges of every relocation, by path, sorted.
struct MovedIndex<'a> {
    head: HashMap<&'a str, Vec<(LineNo, LineNo)>>,
    base: HashMap<&'a str, Vec<(LineNo, LineNo)>>,
}

impl<'a> MovedIndex<'a> {
    fn new(relocations: &'a [Relocation]) -> Self {
        let mut head: HashMap<&str, Vec<(LineNo, LineNo)>> = HashMap::new();
        let mut base: HashMap<&str, Vec<(LineNo, LineNo)>> = HashMap::new();
        for r in relocations {
            if !r.origins.is_empty() {
                head.entry(&r.new_path)
                    .or_default()
                    .push((r.new_start, r.new_end()));
            }
            if r.old_len > 0 {
                base.entry(&r.old_path)
                    .or_default()
                    .push((r.old_start, r.old_end()));
            }
        }
        for spans in head.values_mut().chain(base.values_mut()) {
            spans.sort_unstable();
        }
        Self { head, base }
    }

    /// The head ranges of `path`; none when the file is not on that side.
    fn head(&self, path: &str, present: bool) -> &[(LineNo, LineNo)] {
        Self::get(&self.head, path, present)
    }

    fn base(&self, path: &str, present: bool) -> &[(LineNo, LineNo)] {
        Self::get(&self.base, path, present)
    }

    fn get<'s>(
        map: &'s HashMap<&str, Vec<(LineNo, LineNo)>>,
        path: &str,
        present: bool,
    ) -> &'s [(LineNo, LineNo)] {
        map.get(path).filter(|_| present).map_or(&[], Vec::as_slice)
    }
}

/// Classifies the head lines of one relocation against their origins into `raw` (runs on the
/// head path, with `base_path` when the origin is another file) and sums them up for the
/// summary line. A head line with no origin (a reformatted continuation) is listed only when
/// tracked in head, as `now_tracked` without a base line.
fn relocate<'a>(
    r: &'a Relocation,
    base: &Report,
    head: &Report,
    paths: &mut Vec<&'a str>,
    raw: &mut Vec<RawRun>,
) -> RelocatedBlock {
    fn lines_of<'r>(report: &'r Report, path: &str) -> Option<&'r FileCoverage> {
        report
            .files
            .get(path)
            .filter(|_| !report.unresolved.contains(path))
    }
    let head_cov = lines_of(head, &r.new_path);
    let base_cov = lines_of(base, &r.old_path);
    let head_idx = push_path(paths, &r.new_path);
    let base_idx = (r.old_path != r.new_path).then(|| push_path(paths, &r.old_path));
    let mut runs = RunBuilder::new(head_idx, base_idx);
    let same = match r.kind {
        RelocationKind::Moved => LineKind::Moved,
        RelocationKind::Reformatted => LineKind::Reformatted,
    };
    let mut block = RelocatedBlock {
        kind: r.kind,
        path: r.new_path.clone(),
        start: r.new_start,
        end: r.new_end(),
        base_path: r.old_path.clone(),
        base_start: r.old_start,
        base_end: r.old_end(),
        tracked: 0,
        worse: 0,
        better: 0,
    };
    let state =
        |cov: Option<&FileCoverage>, l: LineNo| cov.and_then(|c| c.get(l)).map(LineCoverage::state);
    let mut line = r.new_start;
    for origin in &r.origins {
        let to = state(head_cov, line);
        let from = origin.and_then(|o| state(base_cov, o));
        let kind = match (origin, from, to) {
            (_, None, None) => None,
            (None, _, Some(_)) | (Some(_), None, Some(_)) => Some(LineKind::NowTracked),
            (_, Some(_), None) => Some(LineKind::NoLongerTracked),
            (_, Some(f), Some(t)) => Some(match f.cmp(&t) {
                Ordering::Less => LineKind::Gained,
                Ordering::Greater => LineKind::Lost,
                Ordering::Equal => same,
            }),
        };
        if let Some(kind) = kind {
            block.tracked += 1;
            match kind {
                LineKind::Lost | LineKind::NoLongerTracked => block.worse += 1,
                LineKind::Gained | LineKind::NowTracked => block.better += 1,
                _ => {}
            }
            runs.push(raw, kind, from, to, line, *origin);
        }
        line = line.saturating_add(1);
    }
    runs.finish(raw);
    block
}

/// For each path, its position among the distinct paths in sorted order.
fn dense_ranks(paths: &[&str]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..paths.len() as u32).collect();
    order.sort_unstable_by_key(|&i| paths[i as usize]);
    let mut rank = vec![0; paths.len()];
    let mut current = 0;
    for (k, w) in order.iter().enumerate() {
        if k > 0 && paths[order[k - 1] as usize] != paths[*w as usize] {
            current += 1;
        }
        rank[*w as usize] = current;
    }
    rank
}

fn push_path<'a>(paths: &mut Vec<&'a str>, p: &'a str) -> u32 {
    paths.push(p);
    (paths.len() - 1) as u32
}

#[cfg(test)]
mod tests;

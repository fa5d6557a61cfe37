//! The comparison itself: align two reports through the base → head diff and classify every
//! line once (SPEC "The comparison").
//!
//! Each file is one merge-join of its sorted base lines (carried to head numbers through its
//! [`LineMap`]) with its sorted head lines; runs grow while lines stay consecutive, so no
//! per-line allocation happens.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::model::{
    ChangeKind, FileChange, FileCoverage, LineCoverage, LineNo, LineState, Report, Totals,
};
use crate::offset::LineMap;

use super::{Comparison, FileComparison, FileStatus, LineKind, LineRun, PatchTotals};

/// SPEC "The comparison" of `base` and `head` through `changes` (base → head, renames
/// followed). Files no change lists, and unresolved paths, keep their path and numbers.
pub fn compare(base: &Report, head: &Report, changes: &[FileChange]) -> Comparison {
    let pairs = pair_files(base, head, changes);
    let mut out = Comparison::default();
    let mut raw: Vec<RawRun> = Vec::new();
    let mut paths: Vec<&str> = Vec::with_capacity(pairs.len() * 2);
    for pair in &pairs {
        let Some(file) = compare_file(pair, &mut paths, &mut raw) else {
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
    out.files
        .sort_by(|a, b| (&a.path, &a.base_path).cmp(&(&b.path, &b.base_path)));
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
            base_path: None,
        })
        .collect();
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
}

/// Grows runs from lines given in increasing order of their number.
struct RunBuilder {
    path: u32,
    open: Option<RawRun>,
}

impl RunBuilder {
    fn new(path: u32) -> Self {
        Self { path, open: None }
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
    let fig = classify(
        base_lines,
        head_lines,
        &side.align,
        &mut RunBuilder::new(head_idx),
        &mut RunBuilder::new(base_idx),
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
/// (base numbers) to `on_base`.
fn classify(
    base_lines: &[(LineNo, LineCoverage)],
    head_lines: &[(LineNo, LineCoverage)],
    align: &Align,
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
                } else {
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

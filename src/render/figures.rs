//! How numbers, locations and counts read in the human formats (text and markdown), so
//! both say the same thing the same way. JSON never goes through here: it carries the
//! unrounded figures.

use crate::compare::{LineKind, LineRun, RelocatedBlock};
use crate::model::LineState;
use crate::model::RelocationKind;

/// A coverage percent with 2 decimals (`83.10%`), `n/a` when nothing is tracked.
pub fn percent(c: Option<f64>) -> String {
    c.map_or_else(|| "n/a".to_owned(), |c| format!("{c:.2}%"))
}

/// A change in points with its sign always shown (`+1.85`, `-0.40`, `+0.00`), `n/a` when
/// either side has no coverage. A change that rounds to zero reads `+0.00`, never `-0.00`.
pub fn delta(d: Option<f64>) -> String {
    match d {
        None => "n/a".to_owned(),
        Some(d) if rounds_to_zero(d) => "+0.00".to_owned(),
        Some(d) => format!("{d:+.2}"),
    }
}

/// The sign a change shows: `Some(true)` up, `Some(false)` down, `None` for none or no data.
pub fn direction(d: Option<f64>) -> Option<bool> {
    d.filter(|d| !rounds_to_zero(*d)).map(|d| d > 0.0)
}

fn rounds_to_zero(d: f64) -> bool {
    format!("{:.2}", d.abs()) == "0.00"
}

/// `1 line`, `2 lines`: the one plural helper, in `model` so that gate and base-selection
/// messages use it too.
pub use crate::model::count;

/// How many lines a run spans.
pub fn run_len(r: &LineRun) -> u64 {
    u64::from(r.end.saturating_sub(r.start)) + 1
}

/// `path:line` or `path:start-end`, the form terminals and editors make clickable.
pub fn location(r: &LineRun) -> String {
    span(&r.path, r.start, r.end)
}

/// The states of a run as it reads after its location: `hit → miss` for a change of state,
/// the new state for `added`/`now_tracked`, `was hit` for `removed`/`no_longer_tracked`.
pub fn states(r: &LineRun) -> String {
    match (r.from, r.to) {
        (Some(f), Some(t)) => format!("{} → {}", f.as_str(), t.as_str()),
        (None, Some(t)) => t.as_str().to_owned(),
        (Some(f), None) => format!("was {}", f.as_str()),
        (None, None) => String::new(),
    }
}

/// The order sections appear in the human formats: what needs attention first.
pub const KIND_ORDER: [LineKind; 6] = [
    LineKind::Lost,
    LineKind::Added,
    LineKind::Removed,
    LineKind::Gained,
    LineKind::NowTracked,
    LineKind::NoLongerTracked,
];

/// Whether a run is a problem the human formats put first, with its code: lines that
/// `lost` coverage, and `added` lines that miss or are partial.
pub fn is_problem(r: &LineRun) -> bool {
    match r.kind {
        LineKind::Lost => true,
        LineKind::Added => matches!(r.to, Some(LineState::Miss | LineState::Partial)),
        _ => false,
    }
}

/// The shape a problem run carries beside its color, so that color is never the only
/// sign: `✗` for a line that ends up missed, `!` for a partial one.
pub fn mark(r: &LineRun) -> &'static str {
    match r.to {
        Some(LineState::Partial) => "!",
        _ => "✗",
    }
}

/// The runs of one section of the human formats: a line kind, the `added` kind split in
/// two (the problem runs that miss or are partial, then those that hit).
#[derive(Debug)]
pub struct Group<'a> {
    /// The kind of every run of the group.
    pub kind: LineKind,
    /// Problem runs ([`is_problem`]): shown first, with their code.
    pub problem: bool,
    /// The runs, in the comparison's order (path, then start).
    pub runs: Vec<&'a LineRun>,
}

impl Group<'_> {
    /// The lines the runs span.
    pub fn lines(&self) -> u64 {
        self.runs.iter().map(|r| run_len(r)).sum()
    }

    /// The group's name: the kind (`now_tracked`), `added (miss or partial)` or `added (hit)`.
    pub fn title(&self) -> String {
        match (self.kind, self.problem) {
            (LineKind::Added, true) => "added (miss or partial)".to_owned(),
            (LineKind::Added, false) => "added (hit)".to_owned(),
            (kind, _) => kind.as_str().to_owned(),
        }
    }
}

/// The sections of the human formats in the order they read, empty ones left out: the
/// problems first (`lost`, then `added` lines that miss or are partial), then the rest by
/// [`KIND_ORDER`]. `moved` and `reformatted` runs kept their state: their blocks say it all.
pub fn groups(lines: &[LineRun]) -> Vec<Group<'_>> {
    let of = |kind: LineKind, problem: Option<bool>| Group {
        kind,
        problem: problem.unwrap_or(kind == LineKind::Lost),
        runs: lines
            .iter()
            .filter(|r| r.kind == kind && problem.is_none_or(|p| is_problem(r) == p))
            .collect(),
    };
    let mut all = vec![
        of(LineKind::Lost, None),
        of(LineKind::Added, Some(true)),
        of(LineKind::Added, Some(false)),
    ];
    all.extend(KIND_ORDER[2..].iter().map(|&kind| of(kind, None)));
    all.retain(|g| !g.runs.is_empty());
    all
}

/// `path:line` or `path:start-end` for any span.
pub fn span(path: &str, start: u32, end: u32) -> String {
    if start == end {
        format!("{path}:{start}")
    } else {
        format!("{path}:{start}-{end}")
    }
}

/// `line 5` or `lines 5-10`.
fn lines(start: u32, end: u32) -> String {
    if start == end {
        format!("line {start}")
    } else {
        format!("lines {start}-{end}")
    }
}

/// The head location of a moved block or reformatted run, as [`location`] writes a run's.
pub fn block_location(b: &RelocatedBlock) -> String {
    span(&b.path, b.start, b.end)
}

/// What a moved block or reformatted run is, read after its location: `48 lines moved from
/// src/a.py:10-57`, `6 lines moved within the file from lines 5-10`, `3 lines reformatted`
/// (in place; `from P:N-M` when the file was renamed). Locations go through `at(path,
/// start, end)`, which escapes them (and in Markdown links them).
pub fn relocation(b: &RelocatedBlock, at: impl Fn(&str, u32, u32) -> String) -> String {
    let n = count(
        u64::from(b.end.saturating_sub(b.start)) + 1,
        "line",
        "lines",
    );
    let same_file = b.base_path == b.path;
    match (b.kind, same_file) {
        (RelocationKind::Moved, true) => format!(
            "{n} moved within the file from {}",
            lines(b.base_start, b.base_end)
        ),
        (RelocationKind::Moved, false) => format!(
            "{n} moved from {}",
            at(&b.base_path, b.base_start, b.base_end)
        ),
        (RelocationKind::Reformatted, true) => format!("{n} reformatted"),
        (RelocationKind::Reformatted, false) => format!(
            "{n} reformatted from {}",
            at(&b.base_path, b.base_start, b.base_end)
        ),
    }
}

/// How a block's coverage fared: `coverage kept`, `3 lines lost coverage`, `2 lines gained
/// coverage`, both, or `no line tracked`.
pub fn relocation_outcome(b: &RelocatedBlock) -> String {
    match (b.worse, b.better) {
        (0, 0) if b.tracked == 0 => "no line tracked".to_owned(),
        (0, 0) => "coverage kept".to_owned(),
        (0, better) => format!("{} gained coverage", count(better, "line", "lines")),
        (worse, 0) => format!("{} lost coverage", count(worse, "line", "lines")),
        (worse, better) => format!(
            "{} lost coverage, {better} gained",
            count(worse, "line", "lines")
        ),
    }
}

/// The moved block or reformatted run a run lies in, if any; only runs of kinds on both
/// sides can. `blocks` is sorted by head path then start and no two overlap, as
/// `Comparison.relocated` is.
pub fn block_of<'a>(blocks: &'a [RelocatedBlock], r: &LineRun) -> Option<&'a RelocatedBlock> {
    if !r.kind.on_both_sides() {
        return None;
    }
    let after =
        blocks.partition_point(|b| (b.path.as_str(), b.start) <= (r.path.as_str(), r.start));
    let b = blocks[..after].last()?;
    (b.path == r.path && r.end <= b.end).then_some(b)
}

/// Where a run inside a moved block or reformatted run came from (`src/a.py:20-22`, a base
/// location), written by `at(path, start, end)`; `None` for a run outside every block, or a
/// continuation line of a reformatted run (no base line of its own).
pub fn origin(
    blocks: &[RelocatedBlock],
    r: &LineRun,
    at: impl Fn(&str, u32, u32) -> String,
) -> Option<String> {
    let b = block_of(blocks, r)?;
    let start = r.base_start?;
    let base_path = r.base_path.as_deref().unwrap_or(&b.base_path);
    let end = start.saturating_add(r.end.saturating_sub(r.start));
    Some(at(base_path, start, end))
}

/// The state a run shows in color: the new one, or the old one when it has none.
pub fn shown_state(r: &LineRun) -> Option<LineState> {
    r.to.or(r.from)
}

/// The carried uploads of each side (SPEC "Flags"), `(side, flag, origin's short sha)`, base
/// first: what text and Markdown say as "carried e2e from abc1234".
pub(super) fn carried(sides: &crate::compare::Sides) -> Vec<(&'static str, String, String)> {
    [("Base", &sides.uploads.base), ("Head", &sides.uploads.head)]
        .into_iter()
        .flat_map(|(side, uploads)| {
            uploads.iter().filter(|u| u.carried).map(move |u| {
                let flag = u.flag.as_ref().map_or("(no flag)", |f| f.as_str());
                (side, flag.to_owned(), u.commit.short().to_string())
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(start: u32, end: u32, from: Option<LineState>, to: Option<LineState>) -> LineRun {
        LineRun {
            path: "src/a.py".into(),
            kind: LineKind::Lost,
            from,
            to,
            start,
            end,
            base_start: None,
            base_path: None,
        }
    }

    #[test]
    fn problems_come_first_and_added_lines_split_by_whether_they_are_covered() {
        use LineState::{Hit, Miss, Partial};
        let of = |kind, from, to, start| LineRun {
            kind,
            ..run(start, start, from, to)
        };
        let lines = [
            of(LineKind::Gained, Some(Miss), Some(Hit), 1),
            of(LineKind::Added, None, Some(Hit), 2),
            of(LineKind::Added, None, Some(Partial), 3),
            of(LineKind::Removed, Some(Miss), None, 4),
            of(LineKind::Lost, Some(Hit), Some(Partial), 5),
            of(LineKind::Added, None, Some(Miss), 6),
        ];
        let groups: Vec<(String, bool, Vec<u32>)> = groups(&lines)
            .iter()
            .map(|g| {
                (
                    g.title(),
                    g.problem,
                    g.runs.iter().map(|r| r.start).collect(),
                )
            })
            .collect();
        let expected = [
            ("lost", true, vec![5]),
            ("added (miss or partial)", true, vec![3, 6]),
            ("added (hit)", false, vec![2]),
            ("removed", false, vec![4]),
            ("gained", false, vec![1]),
        ];
        let expected: Vec<(String, bool, Vec<u32>)> = expected
            .into_iter()
            .map(|(t, p, r)| (t.to_owned(), p, r))
            .collect();
        assert_eq!(groups, expected);
        assert_eq!((mark(&lines[4]), mark(&lines[5])), ("!", "✗"));
        assert!(!is_problem(&lines[0]) && !is_problem(&lines[1]));
    }

    #[test]
    fn numbers_have_two_decimals_and_a_sign() {
        assert_eq!(percent(Some(83.1)), "83.10%");
        assert_eq!(percent(Some(200.0 / 3.0)), "66.67%");
        assert_eq!(percent(None), "n/a");
        assert_eq!(delta(Some(1.854)), "+1.85");
        assert_eq!(delta(Some(-0.4)), "-0.40");
        assert_eq!(delta(Some(-0.001)), "+0.00");
        assert_eq!(delta(Some(0.0)), "+0.00");
        assert_eq!(delta(None), "n/a");
        assert_eq!(direction(Some(-0.001)), None);
        assert_eq!(direction(Some(-0.2)), Some(false));
        assert_eq!(direction(Some(0.2)), Some(true));
    }

    #[test]
    fn locations_are_clickable_and_states_read_as_a_change() {
        use LineState::{Hit, Miss};
        assert_eq!(location(&run(7, 7, None, None)), "src/a.py:7");
        assert_eq!(location(&run(7, 9, None, None)), "src/a.py:7-9");
        assert_eq!(run_len(&run(7, 9, None, None)), 3);
        assert_eq!(states(&run(1, 1, Some(Hit), Some(Miss))), "hit → miss");
        assert_eq!(states(&run(1, 1, None, Some(Miss))), "miss");
        assert_eq!(states(&run(1, 1, Some(Hit), None)), "was hit");
        assert_eq!(count(1, "line", "lines"), "1 line");
        assert_eq!(count(0, "line", "lines"), "0 lines");
    }

    fn block(kind: RelocationKind, base_path: &str, (start, end): (u32, u32)) -> RelocatedBlock {
        RelocatedBlock {
            kind,
            path: "src/a.py".into(),
            start,
            end,
            base_path: base_path.into(),
            base_start: 7,
            base_end: 7 + (end - start),
            tracked: 1,
            worse: 0,
            better: 0,
        }
    }

    #[test]
    fn a_block_says_what_moved_from_where_and_how_its_coverage_fared() {
        use RelocationKind::{Moved, Reformatted};
        let upper = |p: &str, start, end| span(&p.to_uppercase(), start, end);
        let mut b = block(Moved, "src/a.py", (1, 1));
        assert_eq!(block_location(&b), "src/a.py:1");
        assert_eq!(
            relocation(&b, upper),
            "1 line moved within the file from line 7"
        );
        assert_eq!(relocation_outcome(&b), "coverage kept");
        b.tracked = 0;
        assert_eq!(relocation_outcome(&b), "no line tracked");
        let mut b = block(Moved, "src/z.py", (3, 4));
        assert_eq!(relocation(&b, upper), "2 lines moved from SRC/Z.PY:7-8");
        b.worse = 1;
        assert_eq!(relocation_outcome(&b), "1 line lost coverage");
        b.better = 2;
        assert_eq!(relocation_outcome(&b), "1 line lost coverage, 2 gained");
        b.worse = 0;
        assert_eq!(relocation_outcome(&b), "2 lines gained coverage");
        let b = block(Reformatted, "src/a.py", (3, 5));
        assert_eq!(relocation(&b, upper), "3 lines reformatted");
        // In a renamed file: the base path is named.
        let b = block(Reformatted, "src/old.py", (3, 5));
        assert_eq!(
            relocation(&b, upper),
            "3 lines reformatted from SRC/OLD.PY:7-9"
        );
    }

    #[test]
    fn a_run_inside_a_block_names_its_origin_and_others_do_not() {
        use LineState::{Hit, Miss};
        let blocks = [
            block(RelocationKind::Moved, "src/z.py", (3, 6)),
            block(RelocationKind::Reformatted, "src/a.py", (10, 12)),
        ];
        let plain = span;
        let mut r = run(4, 5, Some(Hit), Some(Miss));
        r.base_start = Some(8);
        r.base_path = Some("src/z.py".into());
        assert_eq!(origin(&blocks, &r, plain).as_deref(), Some("src/z.py:8-9"));
        // Past the block's end, before its start, in another file: not from a block.
        for (start, end, path) in [(6, 7, "src/a.py"), (1, 2, "src/a.py"), (4, 5, "src/b.py")] {
            let mut other = r.clone();
            (other.start, other.end, other.path) = (start, end, path.into());
            assert_eq!(origin(&blocks, &other, plain), None, "{start}-{end} {path}");
        }
        // A continuation line of a reformatted run has no base line of its own.
        let mut cont = run(11, 11, None, Some(Hit));
        cont.kind = LineKind::NowTracked;
        assert_eq!(origin(&blocks, &cont, plain), None);
        cont.base_start = Some(8);
        assert_eq!(origin(&blocks, &cont, plain).as_deref(), Some("src/a.py:8"));
        // A malformed run (end before start, base number at the top) cannot panic.
        let mut odd = run(11, 10, Some(Hit), Some(Miss));
        odd.base_start = Some(u32::MAX);
        assert_eq!(
            origin(&blocks, &odd, plain).as_deref(),
            Some("src/a.py:4294967295")
        );
        // Added lines are never from a block.
        cont.kind = LineKind::Added;
        assert_eq!(origin(&blocks, &cont, plain), None);
    }
}

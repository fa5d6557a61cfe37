//! How numbers, locations and counts read in the human formats (text and markdown), so
//! both say the same thing the same way. JSON never goes through here: it carries the
//! unrounded figures.

use crate::compare::{LineKind, LineRun};
use crate::model::LineState;

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
    if r.start == r.end {
        format!("{}:{}", r.path, r.start)
    } else {
        format!("{}:{}-{}", r.path, r.start, r.end)
    }
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

/// The state a run shows in color: the new one, or the old one when it has none.
pub fn shown_state(r: &LineRun) -> Option<LineState> {
    r.to.or(r.from)
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
}

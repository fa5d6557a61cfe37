//! The chart's content, pure: which lines it draws, their points (decimated so a line never
//! has more than [`MAX_POINTS`] whatever the history's length), which commits are marked,
//! and both axes' ticks. No drawing here: `svg.rs` maps this onto pixels.

use std::collections::BTreeSet;

use super::data::CommitDetail;
use crate::model::{CiStatus, Flag};
use crate::render::log::LogEntry;
use crate::render::show::NO_FLAG;

/// The most points a line keeps: a longer history is cut into `MAX_POINTS / 2` buckets of
/// consecutive commits, each keeping its lowest and highest value, so drops stay visible
/// and the chart stays small (10,000 commits make a chart of some hundred kilobytes).
pub(super) const MAX_POINTS: usize = 1000;

/// The most flags drawn as lines; the rest are in the HTML table only (the legend says so).
pub(super) const MAX_FLAG_LINES: usize = 8;

/// A line of the chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum LineOf {
    /// The merged coverage of every upload.
    Total,
    /// One flag's upload (`None`: the upload recorded without `--flag`).
    Flag(Option<Flag>),
}

impl LineOf {
    /// How the legend and the table name it.
    pub(super) fn name(&self) -> &str {
        match self {
            LineOf::Total => "total",
            LineOf::Flag(f) => f.as_ref().map_or(NO_FLAG, Flag::as_str),
        }
    }
}

/// One line through the commits that have a value. A commit without one (a flag not
/// uploaded there, as a nightly job's; nothing tracked) is passed over: the line joins its
/// neighbours, so a flag uploaded on every tenth commit is still a line, and the table says
/// which commits lack it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Line {
    pub of: LineOf,
    /// `(commit index, coverage %)`, oldest first.
    pub points: Vec<(usize, f64)>,
}

/// Why a commit is marked on the chart; each has its own shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Mark {
    /// Its CI failed.
    Failed,
    /// Its CI has not finished.
    Pending,
    /// An `expected` flag has no upload.
    Incomplete,
}

impl Mark {
    pub(super) const ALL: [Mark; 3] = [Mark::Failed, Mark::Pending, Mark::Incomplete];

    /// The word in the legend, the tooltips and the table; also the CSS class.
    pub(super) fn word(self) -> &'static str {
        match self {
            Mark::Failed => "failed",
            Mark::Pending => "pending",
            Mark::Incomplete => "incomplete",
        }
    }

    /// The marks of a commit.
    pub(super) fn of(e: &LogEntry) -> Vec<Mark> {
        let mut marks = Vec::new();
        match e.ci_status {
            CiStatus::Failed => marks.push(Mark::Failed),
            CiStatus::Pending => marks.push(Mark::Pending),
            CiStatus::Passed => {}
        }
        if !e.missing_flags.is_empty() {
            marks.push(Mark::Incomplete);
        }
        marks
    }
}

/// The y axis: coverage from `lo` to `hi` percent, a tick every `step`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct YAxis {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
}

/// Steps of the y axis, in percentage points: the smallest that gives at most 6 intervals.
const Y_STEPS: [f64; 11] = [0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0];

impl YAxis {
    /// An axis around the values from `min` to `max`: at least one point wide, on round
    /// ticks, within 0–100; 0–100 when there is no value.
    pub(super) fn around(range: Option<(f64, f64)>) -> YAxis {
        let Some((min, max)) = range else {
            return YAxis {
                lo: 0.0,
                hi: 100.0,
                step: 20.0,
            };
        };
        let (mut min, mut max) = (min, max);
        if max - min < 1.0 {
            let mid = f64::midpoint(min, max);
            (min, max) = (mid - 0.5, mid + 0.5);
        }
        let step = Y_STEPS
            .into_iter()
            .find(|s| (max - min) / s <= 6.0)
            .unwrap_or(25.0);
        YAxis {
            lo: ((min / step).floor() * step).max(0.0),
            hi: ((max / step).ceil() * step).min(100.0),
            step,
        }
    }

    /// The ticks, `lo` to `hi`.
    pub(super) fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as usize;
        (0..=n)
            .map(|k| self.lo + k as f64 * self.step)
            .filter(|v| *v <= self.hi + 1e-9)
            .collect()
    }

    /// A tick's label: as many decimals as the step needs (`85%`, `85.5%`, `85.25%`).
    pub(super) fn label(&self, v: f64) -> String {
        let decimals = (0..2)
            .find(|d| {
                let scaled = self.step * 10f64.powi(*d);
                (scaled - scaled.round()).abs() < 1e-9
            })
            .unwrap_or(2) as usize;
        format!("{v:.decimals$}%")
    }
}

/// Everything the chart shows.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Chart {
    /// How many commits are along the x axis.
    pub commits: usize,
    /// The total first, then the flags drawn.
    pub lines: Vec<Line>,
    /// Every flag any commit has an upload of, unflagged first, then by name; the table's
    /// columns. Empty when there is only one (its line would be the total's).
    pub flags: Vec<Option<Flag>>,
    /// How many of `flags` are not drawn (beyond [`MAX_FLAG_LINES`]).
    pub undrawn: usize,
    /// The commits marked, oldest first: one per kind and bucket when decimated.
    pub marks: Vec<(usize, Mark)>,
    /// The commits with a point of their own (linked, with a tooltip): the total's points.
    pub points: Vec<usize>,
    pub y: YAxis,
    /// The commits the x axis labels.
    pub x_ticks: Vec<usize>,
}

impl Chart {
    /// The chart of `commits`, oldest first.
    pub(super) fn of(commits: &[(&LogEntry, &CommitDetail)]) -> Chart {
        let n = commits.len();
        let flags: Vec<Option<Flag>> = commits
            .iter()
            .flat_map(|(_, d)| d.uploads.iter().map(|u| u.flag.clone()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let flags = if flags.len() > 1 { flags } else { Vec::new() };
        let total: Vec<Option<f64>> = commits.iter().map(|(e, _)| e.totals.coverage()).collect();
        let mut lines = vec![Line {
            of: LineOf::Total,
            points: decimate(&total),
        }];
        for f in flags.iter().take(MAX_FLAG_LINES) {
            let values: Vec<Option<f64>> = commits
                .iter()
                .map(|(_, d)| d.flag_coverage(f.as_ref()))
                .collect();
            lines.push(Line {
                of: LineOf::Flag(f.clone()),
                points: decimate(&values),
            });
        }
        let range = lines
            .iter()
            .flat_map(|l| &l.points)
            .map(|&(_, v)| (v, v))
            .reduce(|(lo, hi), (a, b)| (lo.min(a), hi.max(b)));
        let points = lines[0].points.iter().map(|&(i, _)| i).collect();
        Chart {
            commits: n,
            undrawn: flags.len().saturating_sub(MAX_FLAG_LINES),
            flags,
            lines,
            marks: marks(commits),
            points,
            y: YAxis::around(range),
            x_ticks: x_ticks(n),
        }
    }
}

/// How many consecutive commits share a bucket when a history of `n` is decimated.
fn bucket(n: usize) -> usize {
    if n <= MAX_POINTS {
        1
    } else {
        n.div_ceil(MAX_POINTS / 2)
    }
}

/// The points of a line through `values` (one per commit, `None` passed over): every value
/// up to [`MAX_POINTS`] commits, else each bucket's lowest and highest in commit order.
fn decimate(values: &[Option<f64>]) -> Vec<(usize, f64)> {
    let size = bucket(values.len());
    let mut points = Vec::new();
    for (b, chunk) in values.chunks(size).enumerate() {
        let (mut low, mut high) = (None::<(usize, f64)>, None::<(usize, f64)>);
        for (k, v) in chunk.iter().enumerate() {
            let Some(v) = *v else { continue };
            let p = (b * size + k, v);
            if low.is_none_or(|l| v < l.1) {
                low = Some(p);
            }
            if high.is_none_or(|h| v > h.1) {
                high = Some(p);
            }
        }
        match (low, high) {
            (Some(l), Some(h)) if l.0 == h.0 => points.push(l),
            (Some(l), Some(h)) => points.extend(if l.0 < h.0 { [l, h] } else { [h, l] }),
            _ => {}
        }
    }
    points
}

/// The marked commits, oldest first; when decimated, the first of each kind in each bucket.
fn marks(commits: &[(&LogEntry, &CommitDetail)]) -> Vec<(usize, Mark)> {
    let size = bucket(commits.len());
    let mut out = Vec::new();
    for (b, chunk) in commits.chunks(size).enumerate() {
        let mut seen: Vec<Mark> = Vec::new();
        for (k, (e, _)) in chunk.iter().enumerate() {
            for m in Mark::of(e) {
                if !seen.contains(&m) {
                    seen.push(m);
                    out.push((b * size + k, m));
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// The commits the x axis labels: every one up to 8, else a round step (1, 2 or 5 × 10ⁿ)
/// giving at most 8 labels, and the newest when it is at least two thirds of a step past
/// the last of those (closer, their labels would touch).
fn x_ticks(n: usize) -> Vec<usize> {
    if n <= 8 {
        return (0..n).collect();
    }
    let wanted = (n - 1).div_ceil(7);
    let step = (0..usize::BITS / 4)
        .map(|e| 10usize.pow(e))
        .flat_map(|p| [p, 2 * p, 5 * p])
        .find(|s| *s >= wanted)
        .unwrap_or(wanted);
    let mut ticks: Vec<usize> = (0..n).step_by(step).collect();
    if let Some(&last) = ticks.last()
        && (n - 1 - last) * 3 >= step * 2
    {
        ticks.push(n - 1);
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{sha, totals};
    use crate::render::trend::TrendUpload;

    fn entry(i: usize, ci: CiStatus, cov: Option<(u64, u64)>) -> LogEntry {
        let (hit, miss) = cov.unwrap_or((0, 0));
        LogEntry {
            commit: sha(char::from_digit((i % 16) as u32, 16).unwrap()),
            ci_status: ci,
            flags: vec![None],
            missing_flags: vec![],
            carried: vec![],
            totals: totals(1, hit, 0, miss),
            delta: None,
            subject: None,
        }
    }

    fn upload(flag: &str, hit: u64, miss: u64) -> TrendUpload {
        TrendUpload {
            flag: Some(Flag::new(flag).unwrap()),
            format: "lcov".into(),
            ci_status: CiStatus::Passed,
            recorded_at: 0,
            totals: totals(1, hit, 0, miss),
            carried_from: None,
        }
    }

    fn chart(entries: &[LogEntry], details: &[CommitDetail]) -> Chart {
        let pairs: Vec<(&LogEntry, &CommitDetail)> = entries.iter().zip(details).collect();
        Chart::of(&pairs)
    }

    #[test]
    fn every_commit_is_a_point_of_a_short_history_and_one_without_a_value_is_passed_over() {
        let e: Vec<LogEntry> = (0..5)
            .map(|i| entry(i, CiStatus::Passed, (i != 2).then_some((i as u64 + 1, 4))))
            .collect();
        let d = vec![CommitDetail::default(); 5];
        let c = chart(&e, &d);
        assert_eq!(c.commits, 5);
        assert_eq!(c.lines.len(), 1);
        assert_eq!(c.lines[0].of, LineOf::Total);
        let idx: Vec<usize> = c.lines[0].points.iter().map(|p| p.0).collect();
        assert_eq!(idx, [0, 1, 3, 4]);
        assert_eq!(c.points, [0, 1, 3, 4]);
        assert_eq!(c.x_ticks, [0, 1, 2, 3, 4]);
        assert!(c.flags.is_empty() && c.marks.is_empty());
    }

    #[test]
    fn each_flag_gets_a_line_through_the_commits_with_its_upload() {
        let e: Vec<LogEntry> = (0..3)
            .map(|i| entry(i, CiStatus::Passed, Some((3, 1))))
            .collect();
        let d = vec![
            CommitDetail {
                committed_at: None,
                uploads: vec![upload("unit", 1, 1), upload("e2e", 9, 1)],
            },
            CommitDetail {
                committed_at: None,
                uploads: vec![upload("unit", 3, 1)],
            },
            CommitDetail {
                committed_at: None,
                uploads: vec![upload("unit", 1, 0), upload("e2e", 1, 3)],
            },
        ];
        let c = chart(&e, &d);
        let names: Vec<&str> = c.lines.iter().map(|l| l.of.name()).collect();
        assert_eq!(names, ["total", "e2e", "unit"]);
        assert_eq!(c.lines[1].points, [(0, 90.0), (2, 25.0)]);
        assert_eq!(c.lines[2].points, [(0, 50.0), (1, 75.0), (2, 100.0)]);
        // 25% to 100%: the axis covers them on round ticks.
        assert_eq!(
            c.y,
            YAxis {
                lo: 20.0,
                hi: 100.0,
                step: 20.0
            }
        );
        // One flag only would draw the total twice: no flag line then.
        let single = vec![
            CommitDetail {
                committed_at: None,
                uploads: vec![upload("unit", 1, 1)],
            };
            3
        ];
        assert_eq!(chart(&e, &single).lines.len(), 1);
    }

    #[test]
    fn failed_pending_and_incomplete_commits_are_marked() {
        let mut e: Vec<LogEntry> = (0..4)
            .map(|i| entry(i, CiStatus::Passed, Some((1, 1))))
            .collect();
        e[1].ci_status = CiStatus::Failed;
        e[2].ci_status = CiStatus::Pending;
        e[2].missing_flags = vec![Flag::new("e2e").unwrap()];
        let c = chart(&e, &vec![CommitDetail::default(); 4]);
        assert_eq!(
            c.marks,
            [(1, Mark::Failed), (2, Mark::Pending), (2, Mark::Incomplete)]
        );
    }

    #[test]
    fn ten_thousand_commits_keep_at_most_max_points_with_the_extremes() {
        let n = 10_000;
        let mut values: Vec<Option<f64>> = (0..n).map(|i| Some(50.0 + (i % 7) as f64)).collect();
        values[4321] = Some(3.0);
        values[9876] = Some(99.0);
        values[100] = None;
        let points = decimate(&values);
        assert!(points.len() <= MAX_POINTS, "{}", points.len());
        assert!(points.len() >= MAX_POINTS / 2);
        assert!(points.contains(&(4321, 3.0)) && points.contains(&(9876, 99.0)));
        assert!(
            points.windows(2).all(|w| w[0].0 < w[1].0),
            "in commit order"
        );
        // A flag uploaded on every tenth commit only still makes a line of buckets.
        let sparse: Vec<Option<f64>> = (0..n)
            .map(|i| (i % 10 == 0).then_some(i as f64 / 100.0))
            .collect();
        let points = decimate(&sparse);
        assert_eq!(points.len(), MAX_POINTS);
        assert_eq!(points[..2], [(0, 0.0), (10, 0.1)]);
        let mut e: Vec<LogEntry> = (0..n)
            .map(|i| entry(i, CiStatus::Failed, Some((1, 1))))
            .collect();
        e[5].missing_flags = vec![Flag::new("e2e").unwrap()];
        let c = chart(&e, &vec![CommitDetail::default(); n]);
        assert!(c.points.len() <= MAX_POINTS);
        assert_eq!(
            c.marks.iter().filter(|m| m.1 == Mark::Failed).count(),
            MAX_POINTS / 2
        );
        assert!(c.marks.contains(&(5, Mark::Incomplete)));
        assert!(c.x_ticks.len() <= 9, "{:?}", c.x_ticks);
        assert_eq!(c.x_ticks[..3], [0, 2000, 4000]);
    }

    #[test]
    fn x_ticks_are_round_and_few_and_end_near_the_newest() {
        assert_eq!(x_ticks(0), Vec::<usize>::new());
        assert_eq!(x_ticks(1), [0]);
        assert_eq!(x_ticks(10), [0, 2, 4, 6, 8]);
        assert_eq!(x_ticks(11), [0, 2, 4, 6, 8, 10]);
        assert_eq!(x_ticks(100), [0, 20, 40, 60, 80, 99]);
        assert_eq!(x_ticks(10_000), [0, 2000, 4000, 6000, 8000, 9999]);
        for n in 1..3000 {
            let t = x_ticks(n);
            assert!(t.len() <= 9 && t.last() <= Some(&(n - 1)), "{n}: {t:?}");
        }
    }

    #[test]
    fn the_y_axis_hugs_the_values_on_round_ticks_within_0_to_100() {
        let axis = YAxis::around(Some((82.3, 86.9)));
        assert_eq!(
            axis,
            YAxis {
                lo: 82.0,
                hi: 87.0,
                step: 1.0
            }
        );
        assert_eq!(axis.ticks(), [82.0, 83.0, 84.0, 85.0, 86.0, 87.0]);
        assert_eq!(axis.label(85.0), "85%");
        let flat = YAxis::around(Some((100.0, 100.0)));
        assert!((flat.lo - 99.4).abs() < 1e-9, "{flat:?}");
        assert!((flat.hi - 100.0).abs() < 1e-9, "{flat:?}");
        assert_eq!(flat.label(99.6), "99.6%");
        let quarter = YAxis::around(Some((10.0, 11.4)));
        assert!((quarter.step - 0.25).abs() < 1e-9, "{quarter:?}");
        assert_eq!(quarter.label(10.25), "10.25%");
        assert_eq!(YAxis::around(None).ticks().len(), 6);
        assert_eq!(
            YAxis::around(Some((0.0, 100.0))).ticks(),
            [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
    }
}

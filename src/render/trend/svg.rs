//! The chart as one self-contained SVG: inline style (light and dark through
//! `prefers-color-scheme`), system fonts, no script, no external reference. Lines differ by
//! dash as well as colour and marks by shape, so neither colour vision nor a grey printout
//! is needed to read it; a `<title>` and a `<desc>` say what it shows.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::data::{CommitDetail, Trend};
use super::series::{Chart, Mark};
use super::xml;
use crate::model::Flag;
use crate::render::dates;
use crate::render::figures;
use crate::render::log::LogEntry;

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 48.0;
const BOTTOM: f64 = 62.0;
/// Up to this many commits the total's points are drawn as dots; past it they are only
/// hover and click targets, or the line would vanish under them.
const DOTS_UP_TO: usize = 120;
/// Characters of a subject a point's tooltip shows.
const SUBJECT_CHARS: usize = 80;

/// The chart's style, scoped to its class so that it can sit inside an HTML page. Flags'
/// colours are the Okabe–Ito palette, which colour-blind readers tell apart; each flag also
/// has a dash pattern of its own.
const STYLE: &str = "\
.covgit-trend{--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--grid:#d8dee4;\
--failed:#cf222e;--pending:#9a6700;--incomplete:#8250df;\
--c0:#1f2328;--c1:#0072b2;--c2:#d55e00;--c3:#009e73;--c4:#cc79a7;--c5:#56b4e9;--c6:#e69f00;\
--c7:#6e7781;--c8:#a6761d;\
font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:12px}
@media (prefers-color-scheme: dark){.covgit-trend{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;\
--grid:#30363d;--failed:#ff7b72;--pending:#d29922;--incomplete:#bc8cff;\
--c0:#e6edf3;--c1:#56b4e9;--c2:#ff8c42;--c3:#3ccf9e;--c4:#e3a2cc;--c5:#8fd3ff;--c6:#f0c05a;\
--c7:#b1bac4;--c8:#d9a55b}}
.covgit-trend .bg{fill:var(--bg)}
.covgit-trend text{fill:var(--fg)}
.covgit-trend text.muted{fill:var(--muted)}
.covgit-trend text.heading{font-size:14px;font-weight:600}
.covgit-trend .grid{stroke:var(--grid);stroke-width:1}
.covgit-trend .axis{stroke:var(--muted);stroke-width:1}
.covgit-trend .line{fill:none;stroke-width:1.75;stroke-linejoin:round;stroke-linecap:round}
.covgit-trend .l0{stroke:var(--c0);stroke-width:2.5}
.covgit-trend .l1{stroke:var(--c1);stroke-dasharray:7 3}
.covgit-trend .l2{stroke:var(--c2);stroke-dasharray:2 3}
.covgit-trend .l3{stroke:var(--c3);stroke-dasharray:9 3 2 3}
.covgit-trend .l4{stroke:var(--c4);stroke-dasharray:1 4}
.covgit-trend .l5{stroke:var(--c5);stroke-dasharray:12 4}
.covgit-trend .l6{stroke:var(--c6);stroke-dasharray:4 2 1 2 1 2}
.covgit-trend .l7{stroke:var(--c7);stroke-dasharray:3 6}
.covgit-trend .l8{stroke:var(--c8);stroke-dasharray:8 2}
.covgit-trend .dot{fill:var(--c0)}
.covgit-trend .target{fill:transparent}
.covgit-trend a:hover circle,.covgit-trend a:focus circle{fill:var(--c0);stroke:var(--bg);stroke-width:2}
.covgit-trend .mark{fill:none;stroke-width:2;pointer-events:none}
.covgit-trend .failed{stroke:var(--failed)}
.covgit-trend .pending{stroke:var(--pending)}
.covgit-trend .incomplete{stroke:var(--incomplete)}
";

/// Writes the trend as a standalone SVG document (`covgit log --format svg`): points carry
/// tooltips but no links, there being nothing beside it to link to.
pub fn svg(out: &mut dyn Write, t: &Trend) -> io::Result<()> {
    let mut page = String::new();
    chart(&mut page, t, false);
    out.write_all(page.as_bytes())
}

/// The chart into `out`; with `links`, each point links to `#c-<sha>`, its commit's row in the
/// HTML page.
pub(super) fn chart(out: &mut String, trend: &Trend, links: bool) {
    let commits = trend.oldest_first();
    let chart = Chart::of(&commits);
    let legend = legend(&chart);
    let rows = legend_rows(&legend);
    let plot = Plot {
        top: 52.0 + 18.0 * rows as f64,
        bottom: HEIGHT - BOTTOM,
        n: chart.commits,
        y: chart.y,
    };
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"covgit-trend\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" aria-labelledby=\"covgit-trend-title covgit-trend-desc\">\n\
         <title id=\"covgit-trend-title\">{}</title>\n<desc id=\"covgit-trend-desc\">{}</desc>\n<style>\n{STYLE}</style>\n\
         <rect class=\"bg\" width=\"{WIDTH}\" height=\"{HEIGHT}\"/>\n",
        xml::text(&heading(&commits)),
        xml::text(&description(&commits, &chart)),
    );
    let _ = writeln!(
        out,
        "<text class=\"heading\" x=\"16\" y=\"24\">{}</text>",
        xml::text(&heading(&commits))
    );
    if commits.is_empty() {
        let _ = writeln!(
            out,
            "<text class=\"muted\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no recorded commit to draw</text>",
            WIDTH / 2.0,
            HEIGHT / 2.0
        );
        out.push_str("</svg>\n");
        return;
    }
    draw_legend(out, &legend);
    y_axis(out, &plot);
    x_axis(out, &plot, &commits, &chart.x_ticks);
    draw_lines(out, &plot, &chart);
    draw_points(out, &plot, &chart, &commits, links);
    draw_marks(out, &plot, &chart, &commits);
    out.push_str("</svg>\n");
}

/// The total's line, then each flag's.
fn draw_lines(out: &mut String, plot: &Plot, chart: &Chart) {
    out.push_str("<g class=\"lines\">\n");
    for (k, line) in chart.lines.iter().enumerate() {
        let mut d = String::new();
        for (j, &(i, v)) in line.points.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1} {:.1}",
                if j == 0 { "M" } else { "L" },
                plot.x(i),
                plot.y(v)
            );
        }
        // A line of one point is a short stroke, or it would not show.
        if line.points.len() == 1 {
            d.push_str("m-4 0h8");
        }
        if !d.is_empty() {
            let _ = writeln!(
                out,
                "<path class=\"line l{}\" d=\"{d}\"><title>{}</title></path>",
                series_class(k),
                xml::text(line.of.name())
            );
        }
    }
    out.push_str("</g>\n");
}

/// The total's points, each with its tooltip and, with `links`, a link to its row.
fn draw_points(
    out: &mut String,
    plot: &Plot,
    chart: &Chart,
    commits: &[(&LogEntry, &CommitDetail)],
    links: bool,
) {
    out.push_str("<g class=\"points\">\n");
    let shown = if chart.commits <= DOTS_UP_TO {
        "dot"
    } else {
        "target"
    };
    let radius = if chart.commits <= DOTS_UP_TO {
        3.5
    } else {
        4.0
    };
    for &i in &chart.points {
        let (e, d) = commits[i];
        let Some(v) = e.totals.coverage() else {
            continue;
        };
        if links {
            let _ = write!(out, "<a href=\"#c-{}\">", e.commit);
        }
        let _ = write!(
            out,
            "<circle class=\"{shown}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"{radius}\"><title>{}</title></circle>",
            plot.x(i),
            plot.y(v),
            tooltip(e, d)
        );
        out.push_str(if links { "</a>\n" } else { "\n" });
    }
    out.push_str("</g>\n");
}

/// The marked commits' shapes, on the total's line (at the bottom when it has no value).
fn draw_marks(
    out: &mut String,
    plot: &Plot,
    chart: &Chart,
    commits: &[(&LogEntry, &CommitDetail)],
) {
    out.push_str("<g class=\"marks\">\n");
    for &(i, m) in &chart.marks {
        let y = commits[i]
            .0
            .totals
            .coverage()
            .map_or(plot.bottom, |v| plot.y(v));
        let _ = writeln!(
            out,
            "<path class=\"mark {}\" d=\"{}\"/>",
            m.word(),
            shape(m, plot.x(i), y)
        );
    }
    out.push_str("</g>\n");
}

/// Where values land in the plot area.
struct Plot {
    top: f64,
    bottom: f64,
    n: usize,
    y: super::series::YAxis,
}

impl Plot {
    fn x(&self, i: usize) -> f64 {
        let width = WIDTH - LEFT - RIGHT;
        if self.n <= 1 {
            LEFT + width / 2.0
        } else {
            LEFT + width * i as f64 / (self.n - 1) as f64
        }
    }

    fn y(&self, v: f64) -> f64 {
        let span = (self.y.hi - self.y.lo).max(f64::EPSILON);
        self.bottom - (self.bottom - self.top) * (v - self.y.lo) / span
    }
}

/// The CSS class number of the `k`th line: 0 the total, 1–8 the flags.
fn series_class(k: usize) -> usize {
    k.min(8)
}

/// A mark's shape centred on `(x, y)`: a cross for failed, a diamond for pending, a
/// triangle for incomplete.
fn shape(m: Mark, x: f64, y: f64) -> String {
    match m {
        Mark::Failed => format!(
            "M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}",
            x - 5.0,
            y - 5.0,
            x + 5.0,
            y + 5.0,
            x - 5.0,
            y + 5.0,
            x + 5.0,
            y - 5.0
        ),
        Mark::Pending => format!(
            "M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z",
            y - 7.0,
            x + 7.0,
            y + 7.0,
            x - 7.0
        ),
        Mark::Incomplete => format!(
            "M{x:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z",
            y - 8.0,
            x + 7.0,
            y + 5.0,
            x - 7.0,
            y + 5.0
        ),
    }
}

/// One entry of the legend.
enum Key {
    Line { class: usize, name: String },
    Mark(Mark),
    Note(String),
}

impl Key {
    /// Its width in pixels, about: a sample, then its words.
    fn width(&self) -> f64 {
        let chars = match self {
            Key::Line { name, .. } => name.chars().count(),
            Key::Mark(m) => m.word().len(),
            Key::Note(n) => n.chars().count(),
        };
        let sample = if matches!(self, Key::Note(_)) {
            0.0
        } else {
            30.0
        };
        sample + 7.0 * chars as f64 + 18.0
    }
}

fn legend(c: &Chart) -> Vec<Key> {
    let mut keys: Vec<Key> = c
        .lines
        .iter()
        .enumerate()
        .map(|(k, l)| Key::Line {
            class: series_class(k),
            name: xml::clipped(l.of.name(), 24).into_owned(),
        })
        .collect();
    if c.undrawn > 0 {
        keys.push(Key::Note(format!(
            "{} not drawn (in the table)",
            figures::count(c.undrawn as u64, "more flag", "more flags")
        )));
    }
    for m in Mark::ALL {
        if c.marks.iter().any(|(_, k)| *k == m) {
            keys.push(Key::Mark(m));
        }
    }
    keys
}

/// How many rows the legend takes.
fn legend_rows(keys: &[Key]) -> usize {
    layout(keys).last().map_or(1, |(_, row)| row + 1)
}

/// Each key's x and row.
fn layout(keys: &[Key]) -> Vec<(f64, usize)> {
    let (mut x, mut row) = (16.0, 0);
    keys.iter()
        .map(|k| {
            if x + k.width() > WIDTH - 16.0 && x > 16.0 {
                (x, row) = (16.0, row + 1);
            }
            let at = (x, row);
            x += k.width();
            at
        })
        .collect()
}

fn draw_legend(s: &mut String, keys: &[Key]) {
    s.push_str("<g class=\"legend\">\n");
    for (k, (x, row)) in keys.iter().zip(layout(keys)) {
        let y = 44.0 + 18.0 * row as f64;
        match k {
            Key::Line { class, name } => {
                let _ = writeln!(
                    s,
                    "<path class=\"line l{class}\" d=\"M{x:.1} {:.1}h24\"/><text x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
                    y - 4.0,
                    x + 30.0,
                    xml::text(name)
                );
            }
            Key::Mark(m) => {
                let _ = writeln!(
                    s,
                    "<path class=\"mark {}\" d=\"{}\"/><text x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
                    m.word(),
                    shape(*m, x + 12.0, y - 4.0),
                    x + 30.0,
                    m.word()
                );
            }
            Key::Note(n) => {
                let _ = writeln!(
                    s,
                    "<text class=\"muted\" x=\"{x:.1}\" y=\"{y:.1}\">{}</text>",
                    xml::text(n)
                );
            }
        }
    }
    s.push_str("</g>\n");
}

fn y_axis(s: &mut String, p: &Plot) {
    s.push_str("<g class=\"y-axis\">\n");
    for v in p.y.ticks() {
        let y = p.y(v);
        let _ = writeln!(
            s,
            "<path class=\"grid\" d=\"M{LEFT} {y:.1}H{:.1}\"/><text class=\"muted\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 8.0,
            y + 4.0,
            p.y.label(v)
        );
    }
    let _ = writeln!(
        s,
        "<text class=\"muted\" transform=\"translate(16 {:.1}) rotate(-90)\" text-anchor=\"middle\">coverage</text>\n</g>",
        f64::midpoint(p.top, p.bottom)
    );
}

fn x_axis(out: &mut String, plot: &Plot, commits: &[(&LogEntry, &CommitDetail)], ticks: &[usize]) {
    out.push_str("<g class=\"x-axis\">\n");
    let _ = writeln!(
        out,
        "<path class=\"axis\" d=\"M{LEFT} {:.1}H{:.1}\"/>",
        plot.bottom,
        WIDTH - RIGHT
    );
    // Dates when the commits span days, times of day when they do not.
    let times: Vec<i64> = commits.iter().filter_map(|(_, d)| d.committed_at).collect();
    let same_day = match (times.iter().min(), times.iter().max()) {
        (Some(a), Some(b)) => a.div_euclid(86_400) == b.div_euclid(86_400),
        _ => false,
    };
    for &i in ticks {
        let (e, d) = commits[i];
        let x = plot.x(i);
        let when = d.committed_at.map(|t| {
            let full = dates::utc(t);
            if same_day {
                full[11..].to_owned()
            } else {
                full[..10].to_owned()
            }
        });
        let _ = writeln!(
            out,
            "<path class=\"axis\" d=\"M{x:.1} {:.1}v5\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\
             <text class=\"muted\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            plot.bottom,
            plot.bottom + 18.0,
            when.as_deref().unwrap_or(""),
            plot.bottom + 32.0,
            e.commit.short()
        );
    }
    let _ = writeln!(
        out,
        "<text class=\"muted\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">recorded commits along first-parent history, oldest to newest</text>\n</g>",
        LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
        HEIGHT - 8.0
    );
}

/// The chart's heading and title.
fn heading(commits: &[(&LogEntry, &CommitDetail)]) -> String {
    format!(
        "Coverage trend: {}",
        figures::count(commits.len() as u64, "recorded commit", "recorded commits")
    )
}

/// What the chart shows, in words, for a screen reader.
fn description(commits: &[(&LogEntry, &CommitDetail)], c: &Chart) -> String {
    let (Some((first, _)), Some((last, _))) = (commits.first(), commits.last()) else {
        return "No recorded commit along this history.".to_owned();
    };
    let mut d = format!(
        "Total coverage along first-parent history, from {} at {} to {} at {}.",
        figures::percent(first.totals.coverage()),
        first.commit.short(),
        figures::percent(last.totals.coverage()),
        last.commit.short()
    );
    let flags: Vec<&str> = c.lines.iter().skip(1).map(|l| l.of.name()).collect();
    if !flags.is_empty() {
        let _ = write!(d, " A line per flag: {}.", flags.join(", "));
    }
    let marked: Vec<String> = Mark::ALL
        .iter()
        .filter_map(|&m| {
            let n = commits
                .iter()
                .filter(|(e, _)| Mark::of(e).contains(&m))
                .count();
            (n > 0).then(|| format!("{n} {}", m.word()))
        })
        .collect();
    if !marked.is_empty() {
        let _ = write!(d, " Marked: {}.", marked.join(", "));
    }
    d
}

/// A point's tooltip, escaped for XML: the commit, its coverage and status, when, and its
/// subject, a line each (a tooltip shows the newlines).
fn tooltip(e: &LogEntry, d: &CommitDetail) -> String {
    let mut first = format!(
        "{} {}",
        e.commit.short(),
        figures::percent(e.totals.coverage())
    );
    if let Some(delta) = e.delta {
        let _ = write!(first, " ({})", figures::delta(Some(delta)));
    }
    let _ = write!(first, ", {}", e.ci_status.as_str());
    if !e.missing_flags.is_empty() {
        let missing: Vec<&str> = e.missing_flags.iter().map(Flag::as_str).collect();
        let _ = write!(first, ", incomplete: no {}", missing.join(","));
    }
    let mut lines = vec![xml::text(&first).into_owned()];
    if let Some(at) = d.committed_at {
        lines.push(dates::utc(at));
    }
    if let Some(subject) = &e.subject {
        lines.push(xml::text(&xml::clipped(subject, SUBJECT_CHARS)).into_owned());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::trend::data::sample;
    use crate::render::trend::xml::parsed;

    fn render(t: &Trend) -> String {
        let mut out = Vec::new();
        svg(&mut out, t).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn count(doc: &str, what: &str) -> usize {
        doc.matches(what).count()
    }

    /// Nothing is fetched from elsewhere: the namespace is the only URL, and there is no
    /// script, stylesheet import, font or image.
    fn assert_self_contained(doc: &str) {
        assert_eq!(count(doc, "http"), 1, "only the SVG namespace");
        assert!(doc.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        for bad in [
            "<script",
            "@import",
            "url(",
            "<image",
            "<use",
            "href=\"http",
            "@font-face",
            "<foreignObject",
        ] {
            assert!(!doc.contains(bad), "{bad}");
        }
    }

    #[test]
    fn subjects_flags_and_formats_are_escaped_and_the_chart_stays_well_formed() {
        let mut t = sample::trend(3, &["unit", "e2e"]);
        t.log.entries[0].subject =
            Some("</title><script>alert('x')</script> & \x1b[31m\u{202e}".into());
        let doc = render(&t);
        assert!(!doc.contains("<script"));
        let texts = parsed(&doc);
        let tips: Vec<&String> = texts
            .iter()
            .filter(|(n, _)| n == "title")
            .map(|(_, t)| t)
            .collect();
        assert!(
            tips.iter()
                .any(|t| t.ends_with("</title><script>alert('x')</script> & \\x1b[31m\\u{202e}")),
            "{tips:?}"
        );
        assert_self_contained(&doc);
    }

    #[test]
    fn one_commit_is_one_point_in_the_middle() {
        let doc = render(&sample::trend(1, &["unit"]));
        let texts = parsed(&doc);
        assert_eq!(count(&doc, "<circle class=\"dot\""), 1);
        assert!(doc.contains(&format!(
            "cx=\"{:.1}\"",
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0
        )));
        assert!(texts.contains(&("title".into(), "Coverage trend: 1 recorded commit".into())));
        assert!(
            texts
                .iter()
                .any(|(n, t)| n == "desc" && t.contains("from 40.00% at 0000000"))
        );
        // One flag: its line would be the total's, so there is none.
        assert_eq!(
            count(&doc, "class=\"line l"),
            2,
            "the total and its legend sample"
        );
        assert_self_contained(&doc);
    }

    #[test]
    fn ten_commits_have_a_point_each_a_line_per_flag_and_dated_ticks() {
        let doc = render(&sample::trend(10, &["unit", "integration"]));
        let texts = parsed(&doc);
        assert_eq!(count(&doc, "<circle class=\"dot\""), 10);
        for l in ["l0", "l1", "l2"] {
            assert_eq!(
                count(&doc, &format!("class=\"line {l}\"")),
                2,
                "{l}: line and legend"
            );
        }
        let legend: Vec<&str> = texts.iter().map(|(_, t)| t.as_str()).collect();
        for word in ["total", "integration", "unit", "failed"] {
            assert!(legend.contains(&word), "{word} in {legend:?}");
        }
        // Five hours apart: dates, not times, label the axis; one every other commit.
        assert!(legend.contains(&"2026-01-01") && legend.contains(&"2026-01-02"));
        assert_eq!(count(&doc, "v5\"/>"), 5);
        assert!(legend.iter().any(|t| t.ends_with('%')));
        assert_self_contained(&doc);
    }

    #[test]
    fn failed_pending_and_incomplete_commits_have_their_own_shapes_and_legend() {
        let doc = render(&sample::trend(14, &["unit"]));
        parsed(&doc);
        // Commits 6 and 13 failed, 10 pending, 12 incomplete: one mark each, plus the legend's.
        assert_eq!(count(&doc, "class=\"mark failed\""), 3);
        assert_eq!(count(&doc, "class=\"mark pending\""), 2);
        assert_eq!(count(&doc, "class=\"mark incomplete\""), 2);
        assert!(doc.contains("Marked: 2 failed, 1 pending, 1 incomplete."));
        assert!(doc.contains("incomplete: no e2e"));
        assert!(doc.contains("@media (prefers-color-scheme: dark)"));
    }

    #[test]
    fn ten_thousand_commits_make_a_bounded_chart() {
        let doc = render(&sample::trend(10_000, &["unit", "integration", "e2e"]));
        parsed(&doc);
        assert!(doc.len() < 400_000, "{} bytes", doc.len());
        // The README's figure: under 300 KB for two flags (one commit in seven failed).
        let two = render(&sample::trend(10_000, &["unit", "integration"])).len();
        assert!(two < 300_000, "{two} bytes");
        let points = count(&doc, "<circle ");
        assert!(
            (500..=super::super::series::MAX_POINTS).contains(&points),
            "{points}"
        );
        assert_eq!(
            count(&doc, "<circle class=\"dot\""),
            0,
            "past 120 commits points are targets"
        );
        assert!(count(&doc, "v5\"/>") <= 9);
        assert_self_contained(&doc);
    }

    #[test]
    fn no_commit_is_an_empty_chart_that_says_so() {
        let doc = render(&sample::trend(0, &[]));
        let texts = parsed(&doc);
        assert!(texts.contains(&("text".into(), "no recorded commit to draw".into())));
        assert_self_contained(&doc);
    }

    #[test]
    fn many_flags_draw_eight_lines_and_say_how_many_more() {
        let flags: Vec<String> = (0..11).map(|i| format!("job{i:02}")).collect();
        let names: Vec<&str> = flags.iter().map(String::as_str).collect();
        let doc = render(&sample::trend(5, &names));
        parsed(&doc);
        assert_eq!(count(&doc, "class=\"line l8\""), 2);
        assert!(!doc.contains("job08"));
        assert!(doc.contains("3 more flags not drawn (in the table)"));
    }
}

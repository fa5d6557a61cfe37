//! The trend as one static HTML page (`covgit log --format html --output DIR` writes it as
//! `DIR/index.html`): the chart inline, each of its points a link to its commit's row, and a
//! table of the commits, newest first, with what `covgit show` says of each upload. No
//! script, no network (a Content-Security-Policy forbids both), light and dark.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::data::{CommitDetail, Trend, TrendUpload};
use super::series::{Chart, LineOf};
use super::svg;
use super::xml;
use crate::model::{CiStatus, Flag};
use crate::render::dates;
use crate::render::figures;
use crate::render::log::LogEntry;
use crate::render::show::NO_FLAG;

const STYLE: &str = "\
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--line:#d8dee4;\
--row:#f6f8fa;--target:#fff8c5;--failed:#cf222e;--pending:#9a6700;--incomplete:#8250df}
@media (prefers-color-scheme: dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;\
--line:#30363d;--row:#161b22;--target:#3b2e00;--failed:#ff7b72;--pending:#d29922;--incomplete:#bc8cff}}
body{margin:0;background:var(--bg);color:var(--fg);\
font:14px/1.45 system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:20px;margin:8px 0}
.summary{color:var(--muted);margin:4px 0 12px}
figure{margin:0 0 16px}
figure svg{max-width:100%;height:auto;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid var(--line)}
thead th{position:sticky;top:0;background:var(--bg);white-space:nowrap}
tbody tr:nth-child(even){background:var(--row)}
tbody tr:target{background:var(--target)}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.when{min-width:6.5em}
.status{white-space:nowrap}
span.failed{color:var(--failed)}
span.pending{color:var(--pending)}
span.incomplete{color:var(--incomplete)}
.muted{color:var(--muted)}
td.subject{min-width:10em}
td.uploads{min-width:16em}
.table{overflow-x:auto}
ul.uploads{margin:0;padding:0;list-style:none;font-size:12px;color:var(--muted)}
ul.uploads b{color:var(--fg)}
";

/// Writes the page.
pub fn html(out: &mut dyn Write, t: &Trend) -> io::Result<()> {
    let commits = t.oldest_first();
    let chart = Chart::of(&commits);
    let mut s = String::with_capacity(64 * 1024 + 512 * commits.len());
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Coverage trend · covgit</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>Coverage trend</h1>\n<p class=\"summary\">{}</p>\n<figure>\n",
        summary(&commits)
    );
    svg::chart(&mut s, t, true);
    s.push_str("</figure>\n");
    if !commits.is_empty() {
        table(&mut s, &commits, &chart.flags);
    }
    s.push_str("</main>\n</body>\n</html>\n");
    out.write_all(s.as_bytes())
}

/// The line under the heading, escaped: how many commits, from which to which, and how the
/// total moved.
fn summary(commits: &[(&LogEntry, &CommitDetail)]) -> String {
    let (Some((first, _)), Some((last, _))) = (commits.first(), commits.last()) else {
        return "No recorded commit along this history: record one with <code>covgit record</code> after running the tests.".to_owned();
    };
    let mut s = format!(
        "{} along first-parent history, from <code>{}</code> to <code>{}</code>; total coverage {} → {}",
        figures::count(commits.len() as u64, "recorded commit", "recorded commits"),
        first.commit.short(),
        last.commit.short(),
        figures::percent(first.totals.coverage()),
        figures::percent(last.totals.coverage())
    );
    let change = first
        .totals
        .coverage()
        .zip(last.totals.coverage())
        .map(|(a, b)| b - a);
    if commits.len() > 1 && change.is_some() {
        let _ = write!(s, " ({})", figures::delta(change));
    }
    s.push_str(". Each point of the chart links to its commit in the table below, newest first.");
    s
}

fn table(s: &mut String, commits: &[(&LogEntry, &CommitDetail)], flags: &[Option<Flag>]) {
    s.push_str(
        "<div class=\"table\">\n<table id=\"commits\">\n<thead><tr><th scope=\"col\">commit</th><th scope=\"col\">committed</th>\
         <th scope=\"col\">subject</th><th scope=\"col\">CI</th><th scope=\"col\">total</th><th scope=\"col\">change</th>",
    );
    for f in flags {
        let _ = write!(
            s,
            "<th scope=\"col\">{}</th>",
            xml::text(LineOf::Flag(f.clone()).name())
        );
    }
    s.push_str("<th scope=\"col\">uploads</th></tr></thead>\n<tbody>\n");
    for (e, d) in commits.iter().rev() {
        row(s, e, d, flags);
    }
    s.push_str("</tbody>\n</table>\n</div>\n");
}

fn row(s: &mut String, e: &LogEntry, d: &CommitDetail, flags: &[Option<Flag>]) {
    let mut classes = vec![e.ci_status.as_str()];
    if !e.missing_flags.is_empty() {
        classes.push("incomplete");
    }
    let _ = write!(
        s,
        "<tr id=\"c-{}\" class=\"{}\"><th scope=\"row\"><code title=\"{}\">{}</code></th><td class=\"when\">{}</td><td class=\"subject\">{}</td>",
        e.commit,
        classes.join(" "),
        e.commit,
        e.commit.short(),
        d.committed_at.map(dates::utc).unwrap_or_default(),
        xml::text(e.subject.as_deref().unwrap_or(""))
    );
    let (symbol, class) = match e.ci_status {
        CiStatus::Passed => ("✓", "passed"),
        CiStatus::Failed => ("✕", "failed"),
        CiStatus::Pending => ("◇", "pending"),
    };
    let _ = write!(
        s,
        "<td class=\"status\"><span class=\"{class}\"><span aria-hidden=\"true\">{symbol}</span> {}</span>",
        e.ci_status.as_str()
    );
    if !e.missing_flags.is_empty() {
        let missing: Vec<&str> = e.missing_flags.iter().map(Flag::as_str).collect();
        let _ = write!(
            s,
            "<br><span class=\"incomplete\"><span aria-hidden=\"true\">△</span> incomplete: no {}</span>",
            xml::text(&missing.join(", "))
        );
    }
    let _ = write!(
        s,
        "</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        figures::percent(e.totals.coverage()),
        if e.delta.is_some() {
            figures::delta(e.delta)
        } else {
            String::new()
        }
    );
    for f in flags {
        let cov = d.flag_coverage(f.as_ref());
        let _ = write!(
            s,
            "<td class=\"num\">{}</td>",
            if cov.is_some() || d.uploads.iter().any(|u| u.flag == *f) {
                figures::percent(cov)
            } else {
                "<span class=\"muted\">—</span>".to_owned()
            }
        );
    }
    s.push_str("<td class=\"uploads\"><ul class=\"uploads\">");
    for u in &d.uploads {
        upload(s, u);
    }
    s.push_str("</ul></td></tr>\n");
}

/// One upload as `covgit show` lists it: flag, format, CI status, lines, coverage, when
/// recorded, and where a carried one came from.
fn upload(s: &mut String, u: &TrendUpload) {
    let _ = write!(
        s,
        "<li><b>{}</b> {} · {} · {} · {} · recorded {}",
        xml::text(u.flag.as_ref().map_or(NO_FLAG, Flag::as_str)),
        xml::text(&u.format),
        u.ci_status.as_str(),
        figures::count(u.totals.lines, "line", "lines"),
        figures::percent(u.totals.coverage()),
        dates::utc(u.recorded_at)
    );
    if let Some(from) = &u.carried_from {
        let _ = write!(s, " · carried from <code>{}</code>", from.short());
    }
    s.push_str("</li>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::trend::data::sample;
    use crate::render::trend::xml::parsed;

    fn render(t: &Trend) -> String {
        let mut out = Vec::new();
        html(&mut out, t).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The inline chart, which must be well-formed XML inside the page too.
    fn chart_of(page: &str) -> &str {
        let start = page.find("<svg ").unwrap();
        let end = page.find("</svg>").unwrap() + "</svg>".len();
        &page[start..end]
    }

    #[test]
    fn every_point_links_to_its_commits_row() {
        let t = sample::trend(12, &["unit", "e2e"]);
        let page = render(&t);
        parsed(chart_of(&page));
        for e in &t.log.entries {
            let c = &e.commit;
            assert!(page.contains(&format!("<a href=\"#c-{c}\"><circle")), "{c}");
            assert_eq!(page.matches(&format!("<tr id=\"c-{c}\"")).count(), 1, "{c}");
        }
        // Newest first in the table.
        let first = page.find("<tr id=\"c-").unwrap();
        assert!(page[first..].starts_with(&format!("<tr id=\"c-{}\"", t.log.entries[0].commit)));
        assert_eq!(page.matches("<tr id=\"c-").count(), 12);
    }

    #[test]
    fn the_table_has_each_flag_status_and_upload() {
        let mut t = sample::trend(14, &["unit", "e2e"]);
        t.details[0].uploads[1].carried_from = Some(sample::commit(3));
        let page = render(&t);
        assert!(page.contains(
            "<th scope=\"col\">e2e</th><th scope=\"col\">unit</th><th scope=\"col\">uploads</th>"
        ));
        // Commit 13 (the newest) failed; 12 is incomplete; 10 pending.
        assert!(page.contains(&format!(
            "<tr id=\"c-{}\" class=\"failed\">",
            sample::commit(13)
        )));
        assert!(page.contains(&format!(
            "<tr id=\"c-{}\" class=\"passed incomplete\">",
            sample::commit(12)
        )));
        assert!(page.contains("<span aria-hidden=\"true\">△</span> incomplete: no e2e"));
        assert!(page.contains("<span aria-hidden=\"true\">◇</span> pending"));
        assert!(page.contains("<li><b>unit</b> lcov · passed · 100 lines · "));
        assert!(page.contains(" · carried from <code>0000003</code></li>"));
        assert!(page.contains("2026-01-03 17:00 UTC"), "committer dates");
    }

    #[test]
    fn store_and_commit_strings_are_escaped_and_nothing_is_fetched() {
        let mut t = sample::trend(2, &["unit", "e2e"]);
        t.log.entries[0].subject = Some("<img src=x onerror=alert(1)> \"&'\x1b".into());
        t.details[1].uploads[0].format = "<b>lcov</b>".into();
        let page = render(&t);
        assert!(!page.contains("<img") && !page.contains("<b>lcov"));
        assert!(page.contains(
            "<td class=\"subject\">&lt;img src=x onerror=alert(1)&gt; &quot;&amp;&#39;\\x1b</td>"
        ));
        assert!(page.contains("&lt;b&gt;lcov&lt;/b&gt;"));
        assert_eq!(page.matches("http://").count(), 1, "the SVG namespace only");
        assert!(!page.contains("https:") && !page.contains("=\"//"));
        assert!(!page.contains("<script") && !page.contains("<link") && !page.contains("url("));
        assert!(page.contains("default-src 'none'"));
        assert!(page.contains("prefers-color-scheme: dark"));
    }

    #[test]
    fn no_commit_is_a_page_that_says_what_to_do() {
        let page = render(&sample::trend(0, &[]));
        assert!(page.contains("No recorded commit along this history"));
        assert!(!page.contains("<table"));
        parsed(chart_of(&page));
    }

    #[test]
    fn ten_thousand_commits_make_one_table_row_each_and_a_bounded_chart() {
        let page = render(&sample::trend(10_000, &["unit"]));
        assert_eq!(page.matches("<tr id=\"c-").count(), 10_000);
        assert!(chart_of(&page).len() < 400_000);
        assert!(page.matches("<a href=\"#c-").count() <= super::super::series::MAX_POINTS);
    }
}

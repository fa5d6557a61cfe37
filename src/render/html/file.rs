//! One page per file that changed: the base → head diff, each row with the base line's and
//! the head line's state in the gutter, its kind in words, lost and uncovered added lines
//! marked as problems (`class="problem"`, the `j`/`k` keys' stops), moved blocks linked to
//! their origin; lines whose coverage changed outside the diff's hunks are shown too, each
//! with a little context, and the unchanged rest is folded.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;

use super::names::{Names, rel};
use super::page::{self, code, text};
use super::{Lines, SiteWriter};
use crate::compare::{Comparison, FileComparison, FileStatus, LineKind, LineRun, RelocatedBlock};
use crate::model::{FileChange, FileCoverage, LineCoverage, LineState, RelocationKind, Totals};
use crate::render::figures;
use crate::render::format::Context;
use crate::render::source::Side;

/// Unchanged lines shown around a changed one.
const CONTEXT: usize = 3;

/// Rows a page shows at most; the runs list above still names every problem.
pub const MAX_ROWS: usize = 6_000;

/// Runs listed at the top of a page at most.
const MAX_RUNS_LISTED: usize = 300;

/// Bytes of a page past which no more runs are listed or rows shown (each row is bounded by
/// [`page::MAX_LINE_CHARS`]), so that every page stays under 1 MB whatever a line or a
/// path holds.
const MAX_LIST_BYTES: usize = 300_000;
const MAX_PAGE_BYTES: usize = 900_000;

/// Everything the pages share.
struct Site<'a> {
    c: &'a Comparison,
    lines: &'a Lines<'a>,
    ctx: &'a Context<'a>,
    names: &'a Names,
    /// The diff of each file, by head path (base path when deleted).
    changes: HashMap<&'a str, &'a FileChange>,
    /// The page of each file with one, by base path.
    by_base: HashMap<&'a str, &'a str>,
    /// Moved blocks and reformatted runs by the base path they came from.
    moved_out: HashMap<&'a str, Vec<&'a RelocatedBlock>>,
}

pub fn write_all(
    out: &mut dyn SiteWriter,
    c: &Comparison,
    lines: &Lines<'_>,
    ctx: &Context<'_>,
    names: &Names,
) -> io::Result<()> {
    let changes = lines
        .changes
        .iter()
        .filter_map(|ch| Some((ch.new_path.as_deref().or(ch.old_path.as_deref())?, ch)))
        .collect();
    let by_base = c
        .files
        .iter()
        .filter_map(|f| Some((base_path(f), names.file(&f.path)?)))
        .collect();
    let mut moved_out: HashMap<&str, Vec<&RelocatedBlock>> = HashMap::new();
    for b in &c.relocated {
        moved_out.entry(b.base_path.as_str()).or_default().push(b);
    }
    let site = Site {
        c,
        lines,
        ctx,
        names,
        changes,
        by_base,
        moved_out,
    };
    // A path listed twice (a report's own duplicate) gets the one page of its first entry.
    let mut done = std::collections::HashSet::new();
    for f in &c.files {
        if let Some(at) = names.file(&f.path)
            && done.insert(at)
        {
            out.write(at, file_page(&site, at, f).as_bytes())?;
        }
    }
    Ok(())
}

/// The path of `f` in the base.
fn base_path(f: &FileComparison) -> &str {
    f.base_path.as_deref().unwrap_or(&f.path)
}

/// The runs of `path` in `c.lines` (sorted by path, then start).
fn runs_of<'a>(c: &'a Comparison, path: &str) -> &'a [LineRun] {
    let from = c.lines.partition_point(|r| r.path.as_str() < path);
    let to = c.lines.partition_point(|r| r.path.as_str() <= path);
    &c.lines[from..to]
}

/// One row of the diff: a line of both sides, of the base only (removed) or of the head only
/// (added).
#[derive(Clone, Copy)]
struct Row {
    old: Option<u32>,
    new: Option<u32>,
}

/// The rows of a file of `old_len` base lines and `new_len` head lines through `hunks`.
fn rows(change: Option<&FileChange>, old_len: usize, new_len: usize) -> Vec<Row> {
    let mut out = Vec::with_capacity(old_len.max(new_len));
    let (mut o, mut n) = (1u32, 1u32);
    let hunks = change.map_or(&[][..], |c| c.hunks.as_slice());
    for h in hunks {
        while o < h.old_start && n < h.new_start {
            out.push(Row {
                old: Some(o),
                new: Some(n),
            });
            o += 1;
            n += 1;
        }
        for i in 0..h.old_len {
            out.push(Row {
                old: Some(h.old_start + i),
                new: None,
            });
        }
        for i in 0..h.new_len {
            out.push(Row {
                old: None,
                new: Some(h.new_start + i),
            });
        }
        o = h.old_start + h.old_len;
        n = h.new_start + h.new_len;
    }
    while (o as usize) <= old_len && (n as usize) <= new_len {
        out.push(Row {
            old: Some(o),
            new: Some(n),
        });
        o += 1;
        n += 1;
    }
    out
}

/// For each line number (index) up to `last`, the run it lies in. Lines past the file's end
/// (a report of other code, an unresolved path) have no row to mark: they are left out here,
/// and the runs list names them.
fn by_line<'a>(runs: impl Iterator<Item = &'a LineRun>, last: usize) -> Vec<Option<&'a LineRun>> {
    let mut v: Vec<Option<&LineRun>> = vec![None; last + 1];
    for r in runs {
        let start = (r.start as usize).min(last + 1);
        let end = (r.end as usize).min(last);
        for slot in v.iter_mut().take(end + 1).skip(start) {
            *slot = Some(r);
        }
    }
    v
}

fn at<'a>(v: &[Option<&'a LineRun>], l: Option<u32>) -> Option<&'a LineRun> {
    v.get(l? as usize).copied().flatten()
}

/// Lost, or added and not fully covered: what `j`/`k` stop at (the problems the text and
/// Markdown formats put first).
fn is_problem(r: &LineRun) -> bool {
    figures::is_problem(r)
}

fn file_page(site: &Site<'_>, at: &str, f: &FileComparison) -> String {
    let base_path = base_path(f);
    let head_runs: Vec<&LineRun> = if f.change == FileStatus::Deleted {
        Vec::new()
    } else {
        runs_of(site.c, &f.path)
            .iter()
            .filter(|r| r.kind != LineKind::Removed)
            .collect()
    };
    let base_runs: Vec<&LineRun> = runs_of(site.c, base_path)
        .iter()
        .filter(|r| r.kind == LineKind::Removed)
        .collect();

    let mut b = String::new();
    header(&mut b, site, at, f);

    let source = site.ctx.source;
    let head_lines = match f.change {
        FileStatus::Deleted => Some(Vec::new()),
        _ => source.lines(Side::Head, &f.path),
    };
    let base_lines = match f.change {
        FileStatus::Added => Some(Vec::new()),
        FileStatus::Unchanged => head_lines.clone(),
        _ => source.lines(Side::Base, base_path),
    };
    let shown = head_lines.is_some() && base_lines.is_some();
    runs_list(&mut b, site, &head_runs, &base_runs, shown);
    match (base_lines, head_lines) {
        (Some(old), Some(new)) => {
            let view = View {
                site,
                at,
                f,
                base_cov: site.lines.base.files.get(base_path),
                head_cov: site.lines.head.files.get(&f.path),
                head_kinds: by_line(head_runs.iter().copied(), new.len()),
                base_kinds: by_line(base_runs.iter().copied(), old.len()),
            };
            view.diff(&mut b, &old, &new);
        }
        _ => {
            b.push_str("<p class=\"warn\">The file's text is not shown: binary, larger than covgit shows, or not readable on one side. Its changed lines are listed above.</p>\n");
        }
    }
    b.push_str("</main>\n");
    page::document(at, &format!("covgit: {}", f.path), &b)
}

fn header(b: &mut String, site: &Site<'_>, at: &str, f: &FileComparison) {
    let _ = write!(
        b,
        "<nav><a href=\"{}\">Comparison</a> / <a href=\"{}\">All files</a>",
        rel(at, "index.html"),
        rel(at, super::names::ALL_FILES)
    );
    let folders: Vec<&str> = super::index::folders_of(&f.path).collect();
    for folder in folders {
        let name = folder.rsplit_once('/').map_or(folder, |(_, n)| n);
        let _ = write!(
            b,
            " / <a href=\"{}\">{}</a>",
            rel(at, site.names.folder(folder)),
            text(name)
        );
    }
    b.push_str("</nav>\n<main>\n");
    let _ = writeln!(b, "<h1><code>{}</code></h1>", text(&f.path));
    let mut what = if f.indirect {
        "content unchanged, coverage changed (indirect)".to_owned()
    } else {
        f.change.as_str().to_owned()
    };
    if let Some(from) = &f.base_path {
        let _ = write!(what, " from <code>{}</code>", text(from));
    }
    let _ = writeln!(
        b,
        "<p class=\"big\">{what}: {} → {} <span>({})</span>{}</p>",
        figures::percent(f.base.as_ref().and_then(Totals::coverage)),
        figures::percent(f.head.as_ref().and_then(Totals::coverage)),
        figures::delta(
            f.head
                .and_then(|t| t.coverage())
                .zip(f.base.and_then(|t| t.coverage()))
                .map(|(h, b)| h - b)
        ),
        if f.patch.lines > 0 {
            format!(
                "; patch {} ({}/{})",
                figures::percent(f.patch.coverage()),
                f.patch.hit + f.patch.partial,
                figures::count(f.patch.lines, "added line", "added lines")
            )
        } else {
            String::new()
        }
    );
}

/// Every run of the file, problems first, each linked to its row when the text is shown.
fn runs_list(b: &mut String, site: &Site<'_>, head: &[&LineRun], base: &[&LineRun], linked: bool) {
    let mut all: Vec<&LineRun> = head.iter().chain(base).copied().collect();
    if all.is_empty() {
        return;
    }
    let problems = all.iter().filter(|r| is_problem(r)).count();
    all.sort_by_key(|r| {
        (
            figures::KIND_ORDER
                .iter()
                .position(|k| *k == r.kind)
                .unwrap_or(usize::MAX),
            !is_problem(r),
            r.start,
        )
    });
    let _ = writeln!(
        b,
        "<section>\n<h2>Changed lines</h2>\n<p>{}, {problems} of them problems (lost, or added without full coverage). Keys <kbd>j</kbd> and <kbd>k</kbd>: next and previous problem line.</p>\n<ul class=\"runs\">",
        figures::count(all.len() as u64, "run", "runs"),
    );
    let mut listed = 0;
    for r in all.iter().take(MAX_RUNS_LISTED) {
        if b.len() > MAX_LIST_BYTES {
            break;
        }
        listed += 1;
        let lines = if r.start == r.end {
            format!("line {}", r.start)
        } else {
            format!("lines {}-{}", r.start, r.end)
        };
        let anchor = if r.kind == LineKind::Removed {
            'b'
        } else {
            'h'
        };
        let loc = if linked {
            format!("<a href=\"#{anchor}{}\">{lines}</a>", r.start)
        } else {
            lines
        };
        let origin = figures::origin(&site.c.relocated, r, figures::span)
            .map(|o| format!(", from {}", text(&o)))
            .unwrap_or_default();
        let mark = if is_problem(r) {
            " class=\"problem-run\""
        } else {
            ""
        };
        // The forge's page of the head lines, when the remote is a known forge: a link the
        // reader may follow, nothing the page loads.
        let forge = if r.kind == LineKind::Removed {
            None
        } else {
            site.ctx.links.url(&r.path, r.start, r.end)
        }
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(|u| {
            format!(
                " <a class=\"forge\" href=\"{}\" rel=\"noreferrer\" title=\"on the forge\">↗</a>",
                text(&u)
            )
        })
        .unwrap_or_default();
        let _ = writeln!(
            b,
            "<li{mark}><span class=\"kind k-{}\">{}</span> {loc}: {}{origin}{forge}</li>",
            r.kind.as_str(),
            r.kind.as_str().replace('_', " "),
            text(&figures::states(r)),
        );
    }
    if all.len() > listed {
        let _ = writeln!(
            b,
            "<li>… {} more (<code>covgit compare --format json</code> lists them all)</li>",
            all.len() - listed
        );
    }
    b.push_str("</ul>\n</section>\n");
}

/// One file's diff as the page shows it.
struct View<'a> {
    site: &'a Site<'a>,
    at: &'a str,
    f: &'a FileComparison,
    base_cov: Option<&'a FileCoverage>,
    head_cov: Option<&'a FileCoverage>,
    head_kinds: Vec<Option<&'a LineRun>>,
    base_kinds: Vec<Option<&'a LineRun>>,
}

impl View<'_> {
    fn diff(&self, b: &mut String, old: &[String], new: &[String]) {
        let change = self.site.changes.get(self.f.path.as_str()).copied();
        let rows = rows(change, old.len(), new.len());
        // A row is shown when the diff changes it or its coverage changed, and so is its
        // context; the rest is folded.
        let mut interesting = vec![false; rows.len()];
        for (i, r) in rows.iter().enumerate() {
            let diff_row = r.old.is_none() || r.new.is_none();
            if diff_row
                || at(&self.head_kinds, r.new).is_some()
                || at(&self.base_kinds, r.old).is_some()
            {
                let from = i.saturating_sub(CONTEXT);
                let to = (i + CONTEXT).min(rows.len() - 1);
                interesting[from..=to].fill(true);
            }
        }
        let moved_in: Vec<&RelocatedBlock> = {
            let from = self
                .site
                .c
                .relocated
                .partition_point(|x| x.path.as_str() < self.f.path.as_str());
            self.site.c.relocated[from..]
                .iter()
                .take_while(|x| x.path == self.f.path)
                .collect()
        };
        let moved_out: &[&RelocatedBlock] = if self.f.change == FileStatus::Added {
            &[]
        } else {
            self.site
                .moved_out
                .get(base_path(self.f))
                .map_or(&[], Vec::as_slice)
        };

        b.push_str("<section>\n<h2>Diff</h2>\n<table class=\"diff\">\n<thead><tr><th class=\"n\" title=\"base line\">base</th><th class=\"n\" title=\"head line\">head</th><th class=\"st\" colspan=\"2\" title=\"the line's state in the base, then in the head\">states</th><th class=\"m\"></th><th class=\"k\">kind</th><th class=\"c\">code</th></tr></thead>\n<tbody>\n");
        // Base lines that a moved block or reformatted run took elsewhere: not `removed`.
        let mut relocated: Vec<Option<RelocationKind>> = Vec::new();
        for blk in moved_out {
            let end = blk.base_end as usize;
            if relocated.len() <= end {
                relocated.resize(end + 1, None);
            }
            relocated[blk.base_start as usize..=end].fill(Some(blk.kind));
        }
        let mut problem = 0usize;
        let mut shown = 0usize;
        let mut i = 0;
        while i < rows.len() {
            if !interesting[i] {
                let from = i;
                while i < rows.len() && !interesting[i] {
                    i += 1;
                }
                let _ = writeln!(
                    b,
                    "<tr class=\"gap\"><td colspan=\"7\">⋯ {} unchanged</td></tr>",
                    figures::count((i - from) as u64, "line", "lines")
                );
                continue;
            }
            if shown == MAX_ROWS || b.len() > MAX_PAGE_BYTES {
                let _ = writeln!(
                    b,
                    "<tr class=\"gap\"><td colspan=\"7\">⋯ the page stops after {}; the list above names the changed runs, and `covgit compare --format json` lists every line</td></tr>",
                    figures::count(shown as u64, "row", "rows")
                );
                break;
            }
            let r = rows[i];
            self.notes(b, r, &moved_in, moved_out);
            let gone = r
                .old
                .filter(|_| r.new.is_none())
                .and_then(|o| relocated.get(o as usize).copied().flatten());
            self.row(b, r, (old, new), gone, &mut problem);
            shown += 1;
            i += 1;
        }
        b.push_str("</tbody>\n</table>\n</section>\n");
    }

    /// A line above the first row of a moved block (from where) or of its origin (to where).
    fn notes(
        &self,
        b: &mut String,
        r: Row,
        moved_in: &[&RelocatedBlock],
        moved_out: &[&RelocatedBlock],
    ) {
        if r.old.is_none() {
            for blk in moved_in.iter().filter(|x| Some(x.start) == r.new) {
                let what =
                    figures::relocation(blk, |p, from, to| text(&figures::span(p, from, to)));
                let target = if blk.base_path == base_path(self.f) {
                    Some(String::new())
                } else {
                    self.site
                        .by_base
                        .get(blk.base_path.as_str())
                        .map(|p| rel(self.at, p))
                };
                let what = match target {
                    Some(page) => format!("<a href=\"{page}#b{}\">{what}</a>", blk.base_start),
                    None => what,
                };
                let _ = writeln!(
                    b,
                    "<tr class=\"note\"><td colspan=\"7\">↳ {what}, {}</td></tr>",
                    figures::relocation_outcome(blk)
                );
            }
        }
        if r.new.is_none() {
            for blk in moved_out.iter().filter(|x| Some(x.base_start) == r.old) {
                if blk.kind == RelocationKind::Reformatted && blk.path == self.f.path {
                    continue;
                }
                let n = figures::count(
                    u64::from(blk.base_end.saturating_sub(blk.base_start)) + 1,
                    "line",
                    "lines",
                );
                let span = if blk.start == blk.end {
                    format!("{}:{}", blk.path, blk.start)
                } else {
                    format!("{}:{}-{}", blk.path, blk.start, blk.end)
                };
                let target = if blk.path == self.f.path {
                    Some(String::new())
                } else {
                    self.site.names.file(&blk.path).map(|p| rel(self.at, p))
                };
                let to = match target {
                    Some(page) => format!("<a href=\"{page}#h{}\">{}</a>", blk.start, text(&span)),
                    None => text(&span),
                };
                let _ = writeln!(
                    b,
                    "<tr class=\"note\"><td colspan=\"7\">↳ {n} moved to {to}</td></tr>"
                );
            }
        }
    }

    fn row(
        &self,
        b: &mut String,
        r: Row,
        (old, new): (&[String], &[String]),
        gone: Option<RelocationKind>,
        problem: &mut usize,
    ) {
        let run = at(&self.head_kinds, r.new).or_else(|| at(&self.base_kinds, r.old));
        let (sign, diff) = match (r.old, r.new) {
            (Some(_), None) => ("−", "del"),
            (None, Some(_)) => ("+", "add"),
            _ => ("", "ctx"),
        };
        let mut class = diff.to_owned();
        let mut id = String::new();
        if let Some(run) = run {
            let _ = write!(class, " k-{}", run.kind.as_str());
            if is_problem(run) {
                class.push_str(" problem");
                *problem += 1;
                id = format!(" id=\"p{problem}\"");
            }
        }
        let mut kind = run.map_or(String::new(), |x| x.kind.as_str().replace('_', " "));
        if run.is_none()
            && let Some(g) = gone
        {
            let (name, css) = match g {
                RelocationKind::Moved => ("moved", " k-moved"),
                RelocationKind::Reformatted => ("reformatted", " k-reformatted"),
            };
            name.clone_into(&mut kind);
            class.push_str(css);
        }
        let num = |side: char, l: Option<u32>| match l {
            Some(l) => format!("<td class=\"n\" id=\"{side}{l}\">{l}</td>"),
            None => "<td class=\"n\"></td>".to_owned(),
        };
        let line = match (r.new, r.old) {
            (Some(n), _) => new.get((n as usize).wrapping_sub(1)),
            (None, Some(o)) => old.get((o as usize).wrapping_sub(1)),
            (None, None) => None,
        };
        let _ = writeln!(
            b,
            "<tr class=\"{class}\"{id}>{}{}{}{}<td class=\"m\">{sign}</td><td class=\"k\">{kind}</td><td class=\"c\">{}</td></tr>",
            num('b', r.old),
            num('h', r.new),
            state(self.base_cov, r.old),
            state(self.head_cov, r.new),
            line.map(|l| code(l)).unwrap_or_default(),
        );
    }
}

/// A gutter cell: a letter per state (never colour alone), hits and branches in its title.
fn state(cov: Option<&FileCoverage>, line: Option<u32>) -> String {
    let c: Option<&LineCoverage> = line.and_then(|l| cov?.get(l));
    let Some(c) = c else {
        return "<td class=\"st s-none\">·</td>".to_owned();
    };
    let branches = c.branches.as_ref().map(crate::model::Branches::counts);
    let taken = branches.map_or(String::new(), |(t, n)| format!(", {t}/{n} branches taken"));
    let hits = figures::count(c.hits, "hit", "hits");
    match c.state() {
        LineState::Hit => format!("<td class=\"st s-hit\" title=\"hit: {hits}{taken}\">H</td>"),
        LineState::Miss => format!("<td class=\"st s-miss\" title=\"miss{taken}\">M</td>"),
        LineState::Partial => {
            let (t, n) = branches.unwrap_or((0, 0));
            format!("<td class=\"st s-partial\" title=\"partial: {hits}{taken}\">P {t}/{n}</td>")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChangeKind, Hunk};

    #[test]
    fn rows_follow_the_hunks_and_pair_the_lines_between() {
        let change = FileChange {
            old_path: Some("a".into()),
            new_path: Some("a".into()),
            kind: ChangeKind::Modified,
            hunks: vec![
                Hunk {
                    old_start: 2,
                    old_len: 1,
                    new_start: 2,
                    new_len: 2,
                },
                Hunk {
                    old_start: 5,
                    old_len: 0,
                    new_start: 6,
                    new_len: 1,
                },
            ],
        };
        let got: Vec<(Option<u32>, Option<u32>)> = rows(Some(&change), 5, 7)
            .iter()
            .map(|r| (r.old, r.new))
            .collect();
        assert_eq!(
            got,
            [
                (Some(1), Some(1)),
                (Some(2), None),
                (None, Some(2)),
                (None, Some(3)),
                (Some(3), Some(4)),
                (Some(4), Some(5)),
                (None, Some(6)),
                (Some(5), Some(7)),
            ]
        );
    }
}

#[cfg(test)]
mod bounds {
    use super::*;

    #[test]
    fn a_run_past_the_end_of_the_file_marks_no_row_and_allocates_nothing_for_it() {
        let run = LineRun {
            path: "a.py".into(),
            kind: LineKind::Lost,
            from: Some(LineState::Hit),
            to: Some(LineState::Miss),
            start: 2,
            end: u32::MAX,
            base_start: Some(2),
            base_path: None,
        };
        let v = by_line(std::iter::once(&run), 3);
        assert_eq!(v.len(), 4);
        assert!(v[1].is_none() && v[2].is_some() && v[3].is_some());
        let beyond = LineRun {
            start: u32::MAX - 1,
            ..run
        };
        assert!(
            by_line(std::iter::once(&beyond), 3)
                .iter()
                .all(Option::is_none)
        );
    }
}

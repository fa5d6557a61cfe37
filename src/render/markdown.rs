//! `covgit compare --format markdown`: a pull-request comment, problems first (SPEC "Reports
//! for people"). Totals before → after and patch coverage; then the lines that `lost`
//! coverage and the `added` lines that miss or are partial, each run with its first lines of
//! code in a fenced block; then the files whose coverage changed, what got worse first; then
//! every other run folded under a `<details>` tag, and the moved blocks and reformatted runs,
//! folded too, one line each.
//!
//! Never styled: the palette does not reach here. Paths are escaped so that `|` cannot
//! break the table and backticks, `*`, `_`, `<` … cannot start markup, `@` cannot mention
//! anyone, nothing in them autolinks (`GH-1`, `https://…`, `www.…`, a SHA; see [`escape`]),
//! and control and bidi characters show as escapes, in code too. Every `path:line`
//! is written by [`Locations::at`], which links it to the forge when it can.
//!
//! A comment never exceeds [`MAX_COMMENT`] bytes (so as many characters at most; GitHub
//! refuses 65,536). The files table stops at [`MAX_FILES`] rows or its share of the size;
//! each list of runs at [`MAX_RUNS_PER_KIND`]. Past the size, [`fit`] cuts in the SPEC's
//! order: the folded lists first, then the code of the last problem runs, then the last runs
//! of each list, every list keeping its first [`MIN_RUNS_PER_KIND`] runs (with their code);
//! each cut list says how many runs it left out and which command lists them all. Only a
//! huge header is left to [`capped`], which cuts at a line's end and closes what is open.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape;
use super::figures::{self, Group};
use super::format::Context;
use super::links::Links;
use super::snippet::{self, Reader, Snippet};
use super::source::Side;
use crate::compare::components::ComponentFigures;
use crate::compare::{
    Comparison, FileComparison, FileStatus, LineKind, LineRun, RelocatedBlock, Sides,
};
use crate::model::Totals;

/// The largest comment written, in bytes.
pub const MAX_COMMENT: usize = 65_000;

/// Rows of the files table; the JSON format lists every file.
const MAX_FILES: usize = 300;

/// The size the head and the files table may take together, leaving the rest to the runs.
const FILES_BUDGET: usize = 25_000;

/// What stays free beyond the lists' own lines: the `… N runs left out` of each list and
/// the tags that close them.
const RESERVE: usize = 1_500;

/// Runs listed per list. A list this long is read by nobody; the text and JSON formats
/// always list every run.
const MAX_RUNS_PER_KIND: usize = 100;

/// Moved blocks and reformatted runs listed, one line each; text lists them all.
const MAX_BLOCKS: usize = 100;

/// The size the list of moved blocks may take at most.
const BLOCKS_BUDGET: usize = 10_000;

/// Runs of every list kept before any list gets more, so a long first list (`lost`) cannot
/// leave a later one (`added`) with none; a problem list keeps their code too.
const MIN_RUNS_PER_KIND: usize = 3;

/// Commits passed over that the note on the base names; the rest are counted. A raised
/// `--max-depth` can pass over thousands, which would push the problems out of the comment.
const MAX_SKIPPED: usize = 10;

/// What says where the runs that a cut list left out are.
const ALL_RUNS: &str = "`covgit compare` lists them all";

/// Writes the comparison as a PR comment of at most [`MAX_COMMENT`] bytes.
pub fn compare(
    out: &mut dyn Write,
    sides: &Sides,
    c: &Comparison,
    ctx: &Context<'_>,
) -> io::Result<()> {
    let mut doc = String::new();
    document(&mut doc, sides, c, ctx);
    out.write_all(capped(doc).as_bytes())
}

/// What the last guard adds after the part of the document it keeps.
const CUT: &str = "\n… cut to stay under 65,000 characters (`covgit compare` shows it all)\n";

/// The last guard: a document still too long (only a huge header can make one) is cut at
/// the end of a line, a code fence and every `<details>` left open there are closed, so the
/// rest of the forge's page is not swallowed, and a line says so; the whole stays within
/// [`MAX_COMMENT`].
fn capped(mut doc: String) -> String {
    if doc.len() <= MAX_COMMENT {
        return doc;
    }
    let room = MAX_COMMENT - CUT.len();
    let mut open = Open::default();
    // The longest kept part, with what closes it, that fits; nothing kept if no line fits.
    let mut kept = (0, String::new());
    let mut at = 0;
    for line in doc.split_inclusive('\n') {
        if !line.ends_with('\n') || at + line.len() > room {
            break;
        }
        at += line.len();
        open.read(line);
        let closing = open.closing();
        if at + closing.len() <= room {
            kept = (at, closing);
        }
    }
    let (end, closing) = kept;
    doc.truncate(end);
    doc.push_str(&closing);
    doc.push_str(CUT);
    doc
}

/// The markup a prefix of the comment leaves open: a code fence (its indent and its
/// backticks) and how many `<details>` tags.
#[derive(Default)]
struct Open {
    fence: Option<(usize, usize)>,
    details: usize,
}

impl Open {
    /// Follows one line of the comment as [`document`] writes it: fences are lines of
    /// backticks only (their code lines start with a line number), `<details>` and
    /// `</details>` start their lines outside fences.
    fn read(&mut self, line: &str) {
        let text = line.trim_end_matches('\n');
        let code = text.trim_start_matches(' ');
        let backticks = code.len() - code.trim_start_matches('`').len();
        let fence = backticks >= 3 && backticks == code.len();
        match self.fence {
            Some((_, len)) if fence && backticks >= len => self.fence = None,
            None if fence => self.fence = Some((text.len() - code.len(), backticks)),
            None if text.starts_with("<details>") => self.details += 1,
            None if text.starts_with("</details>") => {
                self.details = self.details.saturating_sub(1);
            }
            // Code, or a line that neither opens nor closes anything.
            Some(_) | None => {}
        }
    }

    /// What closes the open markup, each on its line: the fence, then every `<details>`.
    fn closing(&self) -> String {
        let mut out = String::new();
        if let Some((indent, len)) = self.fence {
            let _ = writeln!(out, "{}{}", " ".repeat(indent), "`".repeat(len));
        }
        for _ in 0..self.details {
            out.push_str("\n</details>\n");
        }
        out
    }
}

/// Writes every `path:line` of the comment: the one place that asks the forge for a link.
struct Locations<'a> {
    /// Head locations link to the head commit, base ones (removed lines, where moved code
    /// came from) to the base diffed from; a working-tree head gets none (`app::links`).
    links: &'a Links,
}

impl Locations<'_> {
    /// `path:10-12` on `side`: `[path:10-12](url)` when the forge links it, escaped plain
    /// text otherwise.
    fn at(&self, side: Side, path: &str, start: u32, end: u32) -> String {
        // The numbers after the path are ours: only the path is escaped.
        let text = escape(path) + &figures::span("", start, end);
        self.links.markdown(side, &text, path, start, end)
    }

    /// Where a run is, on the side its numbers count.
    fn run(&self, r: &LineRun) -> String {
        self.at(snippet::side(r), &r.path, r.start, r.end)
    }
}

fn document(out: &mut String, sides: &Sides, c: &Comparison, ctx: &Context<'_>) {
    header(out, sides, c);
    components(out, &c.components);
    lists(out, c, ctx);
}

/// The title, how the base was chosen, carried uploads, the totals and patch coverage.
fn header(out: &mut String, sides: &Sides, c: &Comparison) {
    let head = sides.head.as_ref().map_or_else(
        || match &sides.worktree {
            Some(changes) => format!("the working tree ({})", super::worktree::changes(changes)),
            None => "the working tree".to_owned(),
        },
        |h| format!("`{}`", h.short()),
    );
    if !sides.missing_flags.is_empty() {
        let _ = writeln!(
            out,
            "> **{}**",
            super::check::incomplete_warning(&sides.missing_flags)
        );
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "## Coverage of {head} against `{}`",
        sides.base.requested.short()
    );
    let _ = writeln!(out);
    if let Some(note) = base_note(sides) {
        let _ = writeln!(out, "> {note}");
        let _ = writeln!(out);
    }
    let carried = figures::carried(sides);
    for (side, flag, origin) in &carried {
        let _ = writeln!(out, "- {side}: carried `{flag}` from `{origin}`");
    }
    if !carried.is_empty() {
        let _ = writeln!(out);
    }
    let _ = writeln!(
        out,
        "- **Total:** {} → {} ({})",
        figures::percent(c.base.coverage()),
        figures::percent(c.head.coverage()),
        figures::delta(c.delta())
    );
    let patch = if c.patch.lines == 0 {
        "no tracked lines added".to_owned()
    } else {
        format!(
            "{} ({}/{} covered)",
            figures::percent(c.patch.coverage()),
            c.patch.hit + c.patch.partial,
            figures::count(c.patch.lines, "added line", "added lines")
        )
    };
    let _ = writeln!(out, "- **Patch:** {patch}");
    let _ = writeln!(out);
}

/// The problem runs, the files table, the other runs folded and the moved blocks, cut by
/// [`fit`] to stay under [`MAX_COMMENT`] with what `out` already holds.
fn lists(out: &mut String, c: &Comparison, ctx: &Context<'_>) {
    let at = Locations { links: ctx.links };
    let groups = figures::groups(&c.lines);
    let mut lists = run_lists(c, &groups, &at, &mut Reader::new(ctx.source));
    lists.extend(block_list(&c.relocated, &at));
    let table = files(out.len(), c);
    let fixed =
        out.len() + table.len() + lists.iter().map(|l| l.header.len()).sum::<usize>() + RESERVE;
    let shown = fit(&lists, MAX_COMMENT.saturating_sub(fixed));

    let problems = lists.iter().zip(&shown).filter(|(l, _)| l.problem);
    if !groups.iter().any(|g| g.problem) {
        let _ = writeln!(
            out,
            "No line lost coverage and no added line is missed or partial."
        );
        let _ = writeln!(out);
    }
    for (list, shown) in problems {
        list.write(out, *shown);
        let _ = writeln!(out);
    }
    out.push_str(&table);
    let folded: Vec<(&List, &Shown)> = lists
        .iter()
        .zip(&shown)
        .filter(|(l, _)| !l.problem && !l.blocks)
        .collect();
    if !folded.is_empty() {
        let summary: Vec<String> = groups
            .iter()
            .filter(|g| !g.problem)
            .map(|g| format!("{} {}", g.lines(), title(g)))
            .collect();
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "<details><summary>Other changed lines: {}</summary>",
            summary.join(", ")
        );
        for (list, shown) in folded {
            list.write(out, *shown);
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "</details>");
    }
    for (list, shown) in lists.iter().zip(&shown).filter(|(l, _)| l.blocks) {
        list.write(out, *shown);
        let _ = writeln!(out);
        let _ = writeln!(out, "</details>");
    }
}

/// A group's name in Markdown: `lost`, `added (hit)`, `now tracked`.
fn title(g: &Group<'_>) -> String {
    g.title().replace('_', " ")
}

/// One list of the comment: its header, its items (at most [`MAX_RUNS_PER_KIND`]) and how
/// many it stands for.
struct List {
    header: String,
    items: Vec<Item>,
    total: usize,
    /// Problem runs: listed first, with their code.
    problem: bool,
    /// The moved blocks and reformatted runs, folded on their own.
    blocks: bool,
}

/// One run (or block) of a list: its line, and the fenced code under it (empty when none).
struct Item {
    line: String,
    code: String,
}

/// How much of a list the comment shows: its first `runs` items, the first `code` of them
/// with their code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Shown {
    runs: usize,
    code: usize,
}

impl List {
    fn write(&self, out: &mut String, shown: Shown) {
        out.push_str(&self.header);
        for (n, item) in self.items[..shown.runs].iter().enumerate() {
            out.push_str(&item.line);
            if n < shown.code {
                out.push_str(&item.code);
            }
        }
        if shown.runs < self.total {
            let left = (self.total - shown.runs) as u64;
            let what = if self.blocks {
                figures::count(left, "block", "blocks")
            } else {
                figures::count(left, "run", "runs")
            };
            let _ = writeln!(out, "- … {what} left out ({ALL_RUNS})");
        }
    }
}

/// The lists of runs, problems first, each run's line (and a problem run's code) written.
fn run_lists(
    c: &Comparison,
    groups: &[Group<'_>],
    at: &Locations<'_>,
    reader: &mut Reader<'_>,
) -> Vec<List> {
    let indirect = |r: &LineRun| {
        r.kind.on_both_sides() && c.files.iter().any(|f| f.indirect && f.path == r.path)
    };
    groups
        .iter()
        .map(|g| {
            let summary = format!(
                "{} in {}",
                figures::count(g.lines(), "line", "lines"),
                figures::count(g.runs.len() as u64, "run", "runs")
            );
            let header = match (g.kind, g.problem) {
                (LineKind::Lost, _) => format!("### Lost coverage: {summary}\n\n"),
                (_, true) => format!("### Added, missed or partial: {summary}\n\n"),
                _ => format!("\n**{}**: {summary}\n\n", title(g)),
            };
            let items = g
                .runs
                .iter()
                .take(MAX_RUNS_PER_KIND)
                .map(|r| {
                    let origin =
                        figures::origin(&c.relocated, r, |p, s, e| at.at(Side::Base, p, s, e))
                            .map(|from| format!(" (from {from})"))
                            .unwrap_or_default();
                    let mark = if g.problem {
                        format!("{} ", figures::mark(r))
                    } else {
                        String::new()
                    };
                    Item {
                        line: format!(
                            "- {mark}{} {}{}{origin}\n",
                            at.run(r),
                            figures::states(r),
                            if indirect(r) { " (indirect)" } else { "" }
                        ),
                        code: if g.problem {
                            fenced(reader.snippet(r))
                        } else {
                            String::new()
                        },
                    }
                })
                .collect();
            List {
                header,
                items,
                total: g.runs.len(),
                problem: g.problem,
                blocks: false,
            }
        })
        .collect()
}

/// The code of a problem run as a fenced block inside its list item, numbered, with a fence
/// longer than any run of backticks in it; empty without a snippet.
fn fenced(snippet: Option<Snippet>) -> String {
    let Some(s) = snippet else {
        return String::new();
    };
    let width = s.number_width();
    let mut body: Vec<String> = s
        .lines
        .iter()
        .map(|(n, line)| format!("{n:>width$} │ {}", code_text(line)))
        .collect();
    if s.more > 0 {
        body.push(snippet::more(s.more));
    }
    let longest = body
        .iter()
        .flat_map(|l| l.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let mut out = format!("  {fence}\n");
    for line in body {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "  {fence}");
    out
}

/// A line of code as a code block shows it: verbatim but for control and bidi characters,
/// shown as escapes (Trojan source cannot reorder what a reviewer reads), and a runner's
/// `##[` command broken, as in text (a comment is often printed to a CI log too).
fn code_text(line: &str) -> String {
    escape::text(line).into_owned()
}

/// The folded list of moved blocks and reformatted runs, none when there is none:
/// `- src/b.py:1-48 48 lines moved from src/a.py:10-57, coverage kept`.
fn block_list(blocks: &[RelocatedBlock], at: &Locations<'_>) -> Option<List> {
    if blocks.is_empty() {
        return None;
    }
    let lines: u64 = blocks
        .iter()
        .map(|b| u64::from(b.end.saturating_sub(b.start)) + 1)
        .sum();
    let header = format!(
        "\n<details><summary>Moved and reformatted: {} in {}</summary>\n\n",
        figures::count(lines, "line", "lines"),
        figures::count(blocks.len() as u64, "block", "blocks")
    );
    let mut size = 0;
    let items = blocks
        .iter()
        .take(MAX_BLOCKS)
        .map(|b| Item {
            line: format!(
                "- {} {}, {}\n",
                at.at(Side::Head, &b.path, b.start, b.end),
                figures::relocation(b, |p, s, e| at.at(Side::Base, p, s, e)),
                figures::relocation_outcome(b)
            ),
            code: String::new(),
        })
        .take_while(|item| {
            size += item.line.len();
            size <= BLOCKS_BUDGET
        })
        .collect();
    Some(List {
        header,
        items,
        total: blocks.len(),
        problem: false,
        blocks: true,
    })
}

/// How much of each list fits in `budget` bytes, cut in the SPEC's order by filling in the
/// reverse one: first, round by round, the first [`MIN_RUNS_PER_KIND`] runs of every problem
/// list with their code, then those of every folded list, so no list is left with none;
/// then the further problem runs, without their code; then their code, first runs first;
/// then the rest of the folded lists. A list whose next item does not fit stops there.
fn fit(lists: &[List], mut budget: usize) -> Vec<Shown> {
    let mut shown = vec![Shown::default(); lists.len()];
    let mut take = |size: usize| {
        let fits = size <= budget;
        if fits {
            budget -= size;
        }
        fits
    };
    for problem in [true, false] {
        for round in 0..MIN_RUNS_PER_KIND {
            for (s, list) in shown.iter_mut().zip(lists) {
                if list.problem != problem || s.runs != round {
                    continue;
                }
                if let Some(item) = list.items.get(round)
                    && take(item.line.len() + item.code.len())
                {
                    s.runs += 1;
                    s.code += 1;
                }
            }
        }
    }
    // A list whose first runs did not all fit gets no more: the rest would not read on.
    let started = |s: &Shown, list: &List| s.runs >= MIN_RUNS_PER_KIND.min(list.items.len());
    for (s, list) in shown.iter_mut().zip(lists).filter(|(_, l)| l.problem) {
        while started(s, list) && list.items.get(s.runs).is_some_and(|i| take(i.line.len())) {
            s.runs += 1;
        }
    }
    for (s, list) in shown.iter_mut().zip(lists).filter(|(_, l)| l.problem) {
        while s.code < s.runs && take(list.items[s.code].code.len()) {
            s.code += 1;
        }
    }
    for (s, list) in shown.iter_mut().zip(lists).filter(|(_, l)| !l.problem) {
        while started(s, list) && list.items.get(s.runs).is_some_and(|i| take(i.line.len())) {
            s.runs += 1;
        }
    }
    shown
}

/// The files table, what got worse first: by lines lost plus added lines that miss or are
/// partial, then by the change of coverage, lowest first. A file whose coverage did not
/// change (same totals, no problem line, neither added nor deleted) is left out, and the
/// files left out are counted. `before` is the size of what precedes the table, which
/// shares [`FILES_BUDGET`] with it.
fn files(before: usize, c: &Comparison) -> String {
    let mut out = String::new();
    let mut lost: HashMap<&str, u64> = HashMap::new();
    for r in c.lines.iter().filter(|r| r.kind == LineKind::Lost) {
        *lost.entry(r.path.as_str()).or_default() += figures::run_len(r);
    }
    let worse = |f: &FileComparison| {
        lost.get(f.path.as_str()).copied().unwrap_or(0) + f.patch.miss + f.patch.partial
    };
    let mut changed: Vec<(&FileComparison, u64, Option<f64>)> = c
        .files
        .iter()
        .map(|f| (f, worse(f), file_delta(f)))
        .filter(|(f, worse, _)| {
            *worse > 0
                || f.base != f.head
                || matches!(f.change, FileStatus::Added | FileStatus::Deleted)
        })
        .collect();
    changed.sort_by(|(a, wa, da), (b, wb, db)| {
        wb.cmp(wa)
            .then_with(|| match (da, db) {
                (Some(x), Some(y)) => x.total_cmp(y),
                (a, b) => b.is_some().cmp(&a.is_some()),
            })
            .then_with(|| a.path.cmp(&b.path))
    });
    let unchanged = c.files.len() - changed.len();
    if changed.is_empty() {
        let _ = writeln!(out, "No file's coverage changed.");
    } else {
        let _ = writeln!(out, "### Files whose coverage changed\n");
        let _ = writeln!(out, "| File | Base | Head | Δ | Patch |");
        let _ = writeln!(out, "| :--- | ---: | ---: | ---: | ---: |");
        let mut shown = 0;
        for (f, _, delta) in &changed {
            let row = file_row(f, *delta);
            if shown == MAX_FILES || before + out.len() + row.len() > FILES_BUDGET {
                break;
            }
            out.push_str(&row);
            shown += 1;
        }
        if shown < changed.len() {
            let _ = writeln!(
                out,
                "\n… and {} (`covgit compare --format json` lists them all)",
                figures::count((changed.len() - shown) as u64, "more file", "more files")
            );
        }
    }
    if unchanged > 0 {
        let _ = writeln!(
            out,
            "\n{} with unchanged coverage not shown.",
            figures::count(unchanged as u64, "file", "files")
        );
    }
    out
}

/// A file's change of coverage in points, when both sides have some.
fn file_delta(f: &FileComparison) -> Option<f64> {
    match (&f.base, &f.head) {
        (Some(b), Some(h)) => h.coverage().zip(b.coverage()).map(|(h, b)| h - b),
        _ => None,
    }
}

/// A table of the components, before the files, only when some are configured.
fn components(out: &mut String, all: &[ComponentFigures]) {
    if all.is_empty() {
        return;
    }
    let _ = writeln!(out, "| Component | Base | Head | Δ | Patch |");
    let _ = writeln!(out, "| :--- | ---: | ---: | ---: | ---: |");
    for k in all {
        let patch = if k.patch.lines == 0 {
            "—".to_owned()
        } else {
            format!(
                "{} ({}/{})",
                figures::percent(k.patch.coverage()),
                k.patch.hit + k.patch.partial,
                k.patch.lines
            )
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {patch} |",
            escape(&k.name),
            figures::percent(k.base.coverage()),
            figures::percent(k.head.coverage()),
            figures::delta(k.delta())
        );
    }
    let _ = writeln!(out);
}

/// Why the base used is not the one requested, if it is not.
fn base_note(sides: &Sides) -> Option<String> {
    if sides.base.used == sides.base.requested {
        return None;
    }
    let mut note = if sides.base.pseudo {
        format!(
            "`{}` had no usable coverage; pseudo-base `{}` stands in for it",
            sides.base.requested.short(),
            sides.base.used.short()
        )
    } else {
        format!(
            "`{}` had no usable coverage; compared with its ancestor `{}`",
            sides.base.requested.short(),
            sides.base.used.short()
        )
    };
    if sides.offsets {
        note.push_str(" (its coverage remapped through their diff)");
    }
    if !sides.base.skipped.is_empty() {
        let all = &sides.base.skipped;
        let mut skipped: Vec<String> = all
            .iter()
            .take(MAX_SKIPPED)
            .map(|s| format!("`{}` ({})", s.commit.short(), s.reason.as_str()))
            .collect();
        if all.len() > MAX_SKIPPED {
            skipped.push(format!(
                "and {} (`covgit compare` lists them all)",
                figures::count((all.len() - MAX_SKIPPED) as u64, "more", "more")
            ));
        }
        note.push_str(". Skipped: ");
        note.push_str(&skipped.join(", "));
    }
    note.push('.');
    Some(note)
}

/// One row of the files table, its line break included.
fn file_row(f: &FileComparison, delta: Option<f64>) -> String {
    let mut name = escape(&f.path);
    match (f.change, &f.base_path) {
        (FileStatus::Added, _) => name.push_str(" (added)"),
        (FileStatus::Deleted, _) => name.push_str(" (deleted)"),
        (FileStatus::Renamed, Some(from)) => {
            name = format!("{name} (renamed from {})", escape(from));
        }
        _ if f.indirect => name.push_str(" (indirect)"),
        _ => {}
    }
    let delta = match (&f.base, &f.head) {
        (Some(_), Some(_)) => figures::delta(delta),
        _ => "—".to_owned(),
    };
    let patch = if f.patch.lines == 0 {
        "—".to_owned()
    } else {
        format!(
            "{} ({}/{})",
            figures::percent(f.patch.coverage()),
            f.patch.hit + f.patch.partial,
            f.patch.lines
        )
    };
    format!(
        "| {name} | {} | {} | {delta} | {patch} |\n",
        side(f.base.as_ref()),
        side(f.head.as_ref())
    )
}

/// A file's coverage on one side; `—` when the file is not on that side.
fn side(t: Option<&Totals>) -> String {
    t.map_or_else(|| "—".to_owned(), |t| figures::percent(t.coverage()))
}

/// Makes a string from a report or tree inert in markdown: punctuation that starts markup
/// is backslash-escaped (`|` included, so a table cell holds), and control and bidi
/// characters (Trojan source) show as escapes, as in text (`\n`, `\u{202e}`). Nothing in it
/// links or references anything on the forge: a zero-width space ([`ZWSP`], invisible, so
/// the path reads the same) goes where GitHub would otherwise autolink (GFM's extended
/// autolinks, then its reference filters):
///
/// - after `@`, so it mentions no one (`@org/team`, `owner/repo@sha`, `a@b.com`);
/// - after a `#` before a digit, and after `GH-` before a digit at a word's start, so it
///   references no issue (`o/r#1` would add a "mentioned" event to another repository's
///   issue each time the comment is posted);
/// - between `:` and `//`, so `https://…` is no link;
/// - after `www` in `www.` where GFM starts an extended autolink (at the start, or after
///   whitespace, `*`, `_`, `~` or `(`);
/// - every 6 digits of a word of 7 or more hex digits, so no piece reads as a commit SHA.
///
/// Code blocks are inert already and do not go through here.
fn escape(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    // Whether position `i` starts a word: nothing alphanumeric right before it.
    let word_start = |i: usize| i == 0 || !chars[i - 1].is_ascii_alphanumeric();
    let starts_with = |i: usize, prefix: &str| {
        prefix.len() <= chars.len() - i
            && chars[i..]
                .iter()
                .zip(prefix.chars())
                .all(|(c, p)| c.eq_ignore_ascii_case(&p))
    };
    let digit_at = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if word_start(i) && starts_with(i, "gh-") && digit_at(i + 3) {
            out.extend(&chars[i..i + 3]);
            out.push_str(ZWSP);
            i += 3;
            continue;
        }
        let www_boundary = i == 0 || {
            let before = chars[i - 1];
            before.is_whitespace() || matches!(before, '*' | '_' | '~' | '(')
        };
        if www_boundary && starts_with(i, "www.") {
            out.extend(&chars[i..i + 3]);
            out.push_str(ZWSP);
            i += 3;
            continue;
        }
        if ch.is_ascii_hexdigit() && word_start(i) {
            let len = chars[i..]
                .iter()
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
            let end = i + len;
            if len >= 7 && chars.get(end).is_none_or(|c| !c.is_ascii_alphanumeric()) {
                for (n, piece) in chars[i..end].chunks(6).enumerate() {
                    if n > 0 {
                        out.push_str(ZWSP);
                    }
                    out.extend(piece);
                }
                i = end;
                continue;
            }
        }
        match ch {
            '#' if digit_at(i + 1) => {
                out.push_str("\\#");
                out.push_str(ZWSP);
            }
            '\\' | '`' | '|' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '&' => {
                out.push('\\');
                out.push(ch);
            }
            '@' => {
                out.push('@');
                out.push_str(ZWSP);
            }
            ':' if chars.get(i + 1..i + 3) == Some(&['/', '/'][..]) => {
                out.push(':');
                out.push_str(ZWSP);
            }
            _ => match escape::visible(ch) {
                Some(shown) => out.push_str(&shown),
                None => out.push(ch),
            },
        }
        i += 1;
    }
    out
}

/// A zero-width space as Markdown writes it: invisible, and a word's end for every pattern
/// the forge links.
const ZWSP: &str = "&#8203;";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineState;
    use crate::render::figures::KIND_ORDER;
    use crate::render::fixtures::{self, run, totals};

    fn render(sides: &Sides, c: &Comparison) -> String {
        render_with(sides, c, &Context::plain())
    }

    fn render_with(sides: &Sides, c: &Comparison, ctx: &Context<'_>) -> String {
        let mut out = Vec::new();
        compare(&mut out, sides, c, ctx).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_comment_puts_problems_first_with_their_code() {
        let source = crate::render::text::tests::comparison_source();
        let ctx = Context {
            source: &source,
            ..Context::plain()
        };
        assert_eq!(
            render_with(&fixtures::sides(), &fixtures::comparison(), &ctx),
            "\
## Coverage of `1111111` against `2222222`

- **Total:** 75.00% → 80.00% (+5.00)
- **Patch:** 66.67% (2/3 added lines covered)

### Lost coverage: 2 lines in 1 run

- ✗ src/b.py:3-4 hit → miss (indirect)
  ```
  3 │         y()
  4 │         z()
  ```

### Added, missed or partial: 1 line in 1 run

- ✗ src/a.py:12 miss
  ```
  12 │     return \"\\x1b[2J\\u{202e}\"
  ```

### Files whose coverage changed

| File | Base | Head | Δ | Patch |
| :--- | ---: | ---: | ---: | ---: |
| src/b.py (indirect) | 100.00% | 0.00% | -100.00 | — |
| src/a.py | 66.67% | 71.43% | +4.76 | 66.67% (2/3) |
| src/old.py (deleted) | 0.00% | — | — | — |

2 files with unchanged coverage not shown.

<details><summary>Other changed lines: 2 added (hit), 1 removed, 1 gained, 1 now tracked</summary>

**added (hit)**: 2 lines in 1 run

- src/a.py:10-11 hit

**removed**: 1 line in 1 run

- src/old.py:5 was miss

**gained**: 1 line in 1 run

- src/a.py:2 miss → hit

**now tracked**: 1 line in 1 run

- src/a.py:20 miss

</details>
"
        );
        // Without a source: the same comment, locations only.
        let plain = render(&fixtures::sides(), &fixtures::comparison());
        assert!(plain.contains(
            "- ✗ src/b.py:3-4 hit → miss (indirect)\n\n### Added, missed or partial: 1 line in 1 run\n\n- ✗ src/a.py:12 miss\n\n### Files"
        ), "{plain}");
    }

    #[test]
    fn the_files_table_shows_what_got_worse_first_and_counts_unchanged_files() {
        use FileStatus::{Added, Modified, Renamed, Unchanged};
        let t = |hit, miss| Some(totals(1, hit, 0, miss));
        let mut c = fixtures::empty_comparison();
        c.files = [
            ("a_added_miss.py", Added, None, t(1, 1)),
            ("b_up.py", Modified, t(1, 1), t(2, 0)),
            ("c_down.py", Modified, t(2, 0), t(1, 1)),
            ("d_same.py", Modified, t(1, 0), t(1, 0)),
            ("e_renamed.py", Renamed, t(1, 0), t(1, 0)),
            ("f_untouched.py", Unchanged, t(1, 0), t(1, 0)),
            ("g_lost_twice.py", Modified, t(2, 0), t(1, 1)),
            ("h_new_hit.py", Added, None, t(1, 0)),
            ("i_down_more.py", Modified, t(4, 0), t(1, 3)),
        ]
        .into_iter()
        .map(|(path, change, base, head)| FileComparison {
            change,
            base,
            head,
            ..changed_file(path)
        })
        .collect();
        c.files[0].patch.count(LineState::Miss);
        c.files[0].patch.count(LineState::Hit);
        // Two lines lost, one of them balanced by a gain: same totals, yet a problem.
        c.files[3].base = Some(totals(1, 1, 0, 1));
        c.files[3].head = Some(totals(1, 1, 0, 1));
        c.lines = vec![
            run(
                "d_same.py",
                LineKind::Lost,
                Some(LineState::Hit),
                Some(LineState::Miss),
                (1, 1),
                Some(1),
            ),
            run(
                "g_lost_twice.py",
                LineKind::Lost,
                Some(LineState::Hit),
                Some(LineState::Miss),
                (1, 2),
                Some(1),
            ),
        ];
        let md = render(&fixtures::sides(), &c);
        let table: Vec<&str> = md
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| File") && !l.starts_with("| :"))
            .map(|l| l.split(" | ").next().unwrap())
            .collect();
        assert_eq!(
            table,
            [
                // Two lost lines; then one problem line each, the larger drop first.
                "| g\\_lost\\_twice.py",
                "| d\\_same.py",
                "| a\\_added\\_miss.py (added)",
                // No problem line: the larger drop first, a file without a delta last.
                "| i\\_down\\_more.py",
                "| c\\_down.py",
                "| b\\_up.py",
                "| h\\_new\\_hit.py (added)",
            ],
            "{md}"
        );
        assert!(
            md.contains("|\n\n2 files with unchanged coverage not shown.\n"),
            "{md}"
        );
        // Nothing changed at all: said in one line, with the count.
        c.files.retain(|f| f.path.starts_with('f'));
        c.lines.clear();
        let md = render(&fixtures::sides(), &c);
        assert!(
            md.ends_with(
                "No line lost coverage and no added line is missed or partial.\n\nNo file's coverage changed.\n\n1 file with unchanged coverage not shown.\n"
            ),
            "{md}"
        );
    }

    #[test]
    fn every_location_links_to_the_forge_through_one_function() {
        let template = "https://forge.example/o/r/blob/{sha}/{path}#L{start}-L{end}"
            .parse()
            .unwrap();
        let links = Links::template(template, &fixtures::sha('1')).with_base(&fixtures::sha('2'));
        let at = Locations { links: &links };
        let head = "1".repeat(40);
        assert_eq!(
            at.at(Side::Head, "src/a b.py", 10, 12),
            format!(
                "[src/a b.py:10-12](https://forge.example/o/r/blob/{head}/src/a%20b.py#L10-L12)"
            )
        );
        // A base-side location links to the base commit; without links, plain text.
        let base = "2".repeat(40);
        assert_eq!(
            at.at(Side::Base, "src/a_b.py", 3, 3),
            format!("[src/a\\_b.py:3](https://forge.example/o/r/blob/{base}/src/a_b.py#L3-L3)")
        );
        let none = Links::none();
        let plain = Locations { links: &none };
        assert_eq!(plain.at(Side::Head, "a.py", 1, 1), "a.py:1");

        // Runs, their origins, blocks and where blocks came from all go through it.
        let c = fixtures::relocated_comparison();
        let groups = figures::groups(&c.lines);
        let lists = run_lists(&c, &groups, &at, &mut Reader::new(&crate::render::NoSource));
        assert_eq!(
            lists[0].items[0].line,
            format!(
                "- ✗ [src/b.py:12-14](https://forge.example/o/r/blob/{head}/src/b.py#L12-L14) hit → miss (from [src/a.py:21-23](https://forge.example/o/r/blob/{base}/src/a.py#L21-L23))\n"
            )
        );
        let blocks = block_list(&c.relocated, &at).unwrap();
        assert!(
            blocks.items[1].line.starts_with(&format!("- [src/b.py:1-48](https://forge.example/o/r/blob/{head}/src/b.py#L1-L48) 48 lines moved from [src/a.py:10-57](https://forge.example/o/r/blob/{base}/src/a.py#L10-L57), ")),
            "{}",
            blocks.items[1].line
        );
        // A removed run's numbers are base lines: it links to the base commit.
        let removed = run(
            "old.py",
            LineKind::Removed,
            Some(LineState::Miss),
            None,
            (5, 5),
            None,
        );
        assert_eq!(
            at.run(&removed),
            format!("[old.py:5](https://forge.example/o/r/blob/{base}/old.py#L5-L5)")
        );
    }

    #[test]
    fn code_gets_a_fence_longer_than_any_backticks_in_it() {
        let snippet = |lines: &[&str], more| {
            Some(Snippet {
                lines: lines
                    .iter()
                    .zip(9..)
                    .map(|(l, n)| (n, (*l).to_owned()))
                    .collect(),
                more,
            })
        };
        assert_eq!(
            fenced(snippet(&["x = `a`", "```", "@here <b> | *c*"], 2)),
            "  ````\n   9 │ x = `a`\n  10 │ ```\n  11 │ @here <b> | *c*\n  … 2 more lines\n  ````\n"
        );
        assert_eq!(
            fenced(snippet(&["a\u{202e}b\x07 ##[error]x"], 0)),
            "  ```\n  9 │ a\\u{202e}b\\x07 #\\x23[error]x\n  ```\n"
        );
        assert_eq!(fenced(None), "");
    }

    #[test]
    fn moved_code_is_a_folded_list_of_blocks_and_changed_lines_name_their_origin() {
        let md = render(&fixtures::sides(), &fixtures::relocated_comparison());
        assert!(
            md.contains(
                "### Lost coverage: 3 lines in 1 run\n\n- ✗ src/b.py:12-14 hit → miss (from src/a.py:21-23)\n\n### Files"
            ),
            "{md}"
        );
        let runs = "\
<details><summary>Other changed lines: 1 added (hit), 1 gained, 1 now tracked</summary>

**added (hit)**: 1 line in 1 run

- src/a.py:3 hit

**gained**: 1 line in 1 run

- src/c.py:62 miss → hit (from src/c.py:59)

**now tracked**: 1 line in 1 run

- src/c.py:61 hit

</details>

<details><summary>Moved and reformatted: 63 lines in 4 blocks</summary>

- src/@&#8203;team\\|x\\`.py:1-6 6 lines moved from src/old\\u{202e}.py:1-6, coverage kept
- src/b.py:1-48 48 lines moved from src/a.py:10-57, 3 lines lost coverage
- src/c.py:40-45 6 lines moved within the file from lines 5-10, coverage kept
- src/c.py:60-62 3 lines reformatted, 2 lines gained coverage

</details>
";
        assert!(md.ends_with(&format!("|\n\n{runs}")), "{md}");
        assert!(
            md.contains("| src/@&#8203;team\\|x\\`.py (added) | — | 100.00% | — | — |\n"),
            "{md}"
        );
        assert!(!md.contains('\u{202e}') && !md.contains("@team"));

        // Only moved lines: no list of runs, the blocks alone.
        let mut c = fixtures::relocated_comparison();
        c.lines.retain(|r| r.kind == LineKind::Moved);
        let md = render(&fixtures::sides(), &c);
        assert!(!md.contains("changed lines"), "{md}");
        assert!(md.contains("No line lost coverage and no added line is missed or partial.\n"));
        assert!(md.contains("|\n\n<details><summary>Moved and reformatted: 63 lines in 4 blocks"));
    }

    #[test]
    fn a_long_list_of_blocks_is_cut_and_leaves_the_runs_their_room() {
        use crate::compare::RelocatedBlock;
        use crate::model::RelocationKind;
        let long = |i: u32| format!("src/{}/module_{i:04}.py", "nested".repeat(40));
        let mut c = fixtures::empty_comparison();
        c.files = (0..1500).map(|i| changed_file(&long(i))).collect();
        c.relocated = (0..2000)
            .map(|i| RelocatedBlock {
                kind: RelocationKind::Moved,
                path: long(i),
                start: 1,
                end: 30,
                base_path: long(i + 1),
                base_start: 1,
                base_end: 30,
                tracked: 30,
                worse: 0,
                better: 0,
            })
            .collect();
        for kind in [LineKind::Lost, LineKind::Added] {
            for i in 0..200u32 {
                c.lines.push(run(
                    &long(i),
                    kind,
                    None,
                    Some(LineState::Miss),
                    (i + 40, i + 40),
                    None,
                ));
            }
        }
        let md = render(&fixtures::sides(), &c);
        assert!(md.len() <= MAX_COMMENT, "{}", md.len());
        let listed = md.matches(" lines moved from src/").count();
        assert!((3..MAX_BLOCKS).contains(&listed), "{listed}");
        assert!(
            md.ends_with(&format!(
                "- … {} blocks left out (`covgit compare` lists them all)\n\n</details>\n",
                2000 - listed
            )),
            "{}",
            &md[md.len() - 300..]
        );
        // The problem lists kept their first runs.
        assert!(md.contains("### Lost coverage: 200 lines in 200 runs\n\n- ✗ src/"));
        assert!(md.contains("### Added, missed or partial: 200 lines in 200 runs\n\n- ✗ src/"));
    }

    #[test]
    fn a_stand_in_base_is_explained_and_empty_parts_say_so() {
        assert_eq!(
            render(&fixtures::pseudo_sides(), &fixtures::empty_comparison()),
            "\
## Coverage of `1111111` against `2222222`

> `2222222` had no usable coverage; pseudo-base `3333333` stands in for it \
(its coverage remapped through their diff). Skipped: `2222222` (no-report), `4444444` (ci-failed).

- Head: carried `e2e` from `5555555`

- **Total:** n/a → n/a (n/a)
- **Patch:** no tracked lines added

No line lost coverage and no added line is missed or partial.

No file's coverage changed.
"
        );
    }

    #[test]
    fn a_long_walk_names_its_first_skipped_commits_and_counts_the_rest() {
        // `--max-depth 5000` over unrecorded history: the note stays one short line, and
        // the problems are still in the comment.
        let mut sides = fixtures::pseudo_sides();
        sides.base.skipped = (0..5000)
            .map(|_| fixtures::pseudo_sides().base.skipped[0].clone())
            .collect();
        let md = render(&sides, &fixtures::comparison());
        let note = md.lines().find(|l| l.starts_with("> ")).unwrap();
        assert_eq!(note.matches("(no-report)").count(), MAX_SKIPPED, "{note}");
        assert!(
            note.ends_with("(no-report), and 4990 more (`covgit compare` lists them all)."),
            "{note}"
        );
        assert!(md.contains("### Lost coverage: 2 lines in 1 run\n"), "{md}");
    }

    #[test]
    fn pipes_and_backticks_in_paths_cannot_break_the_table() {
        let mut c = fixtures::empty_comparison();
        let mut f = FileComparison {
            path: "a|b`c`.py".into(),
            base_path: None,
            change: FileStatus::Added,
            base: None,
            head: Some(totals(1, 1, 0, 0)),
            patch: crate::compare::PatchTotals::default(),
            indirect: false,
        };
        f.patch.count(LineState::Hit);
        c.files.push(f);
        c.lines.push(run(
            "a|b`c`.py",
            LineKind::Added,
            None,
            Some(LineState::Hit),
            (1, 1),
            None,
        ));
        let md = render(&fixtures::sides(), &c);
        assert!(
            md.contains("| a\\|b\\`c\\`.py (added) | — | 100.00% | — | 100.00% (1/1) |\n"),
            "{md}"
        );
        assert!(md.contains("- a\\|b\\`c\\`.py:1 hit\n"), "{md}");
        assert_eq!(escape("x\n<y>"), "x\\n\\<y\\>");
    }

    #[test]
    fn mentions_bidi_and_control_characters_are_neutralised() {
        assert_eq!(
            escape("node_modules/@types/x@octocat.ts"),
            "node\\_modules/@&#8203;types/x@&#8203;octocat.ts"
        );
        assert_eq!(
            escape("vendor/octo/calc#12/C#/x.py"),
            "vendor/octo/calc\\#&#8203;12/C\\#/x.py"
        );
        assert_eq!(
            escape("a\u{202e}b\u{2066}c\x1b[2J\r"),
            "a\\u{202e}b\\u{2066}c\\x1b\\[2J\\r"
        );
        let mut c = fixtures::empty_comparison();
        c.files.push(changed_file("@admins/\u{202e}x.py"));
        c.lines.push(run(
            "@admins/\u{202e}x.py",
            LineKind::Added,
            None,
            Some(LineState::Miss),
            (1, 1),
            None,
        ));
        let md = render(&fixtures::sides(), &c);
        assert!(
            md.contains("| @&#8203;admins/\\u{202e}x.py (added) |"),
            "{md}"
        );
        assert!(
            md.contains("- ✗ @&#8203;admins/\\u{202e}x.py:1 miss\n"),
            "{md}"
        );
        assert!(!md.contains('\u{202e}') && !md.contains("@admins"));
    }

    #[test]
    fn nothing_in_a_path_autolinks_or_references() {
        let z = ZWSP;
        // `GH-123` at a word's start is an issue of this repository; inside a word it is not.
        assert_eq!(escape("docs/GH-12/a.py"), format!("docs/GH-{z}12/a.py"));
        assert_eq!(escape("gh-7.py"), format!("gh-{z}7.py"));
        assert_eq!(escape("BUGGH-12/GH-x/GH-.py"), "BUGGH-12/GH-x/GH-.py");
        // A full URL, whatever the scheme.
        assert_eq!(
            escape("https://evil.example/x.py"),
            format!("https:{z}//evil.example/x.py")
        );
        assert_eq!(escape("a/ftp://b"), format!("a/ftp:{z}//b"));
        assert_eq!(escape("c:/x:1"), "c:/x:1");
        // `www.` links at the start, after whitespace and after `*`, `_`, `~`, `(` (GFM);
        // after `/` or a letter it does not, and stays as it is.
        assert_eq!(escape("www.evil.com/x.py"), format!("www{z}.evil.com/x.py"));
        for (before, shown) in [(" ", " "), ("_", "\\_"), ("(", "("), ("~", "\\~")] {
            assert_eq!(
                escape(&format!("a{before}WWW.evil.com")),
                format!("a{shown}WWW{z}.evil.com")
            );
        }
        assert_eq!(escape("docs/www.evil.com/x.py"), "docs/www.evil.com/x.py");
        assert_eq!(escape("awww.x"), "awww.x");
        // A word of 7 or more hex digits could be a commit: no piece of it is 7 long.
        assert_eq!(
            escape("build/a5c3785ed8d6a35868bc169f07e40e889087fd2e/x.py"),
            format!("build/a5c378{z}5ed8d6{z}a35868{z}bc169f{z}07e40e{z}889087{z}fd2e/x.py")
        );
        assert_eq!(escape("o/r@DEADBEEF"), format!("o/r@{z}DEADBE{z}EF"));
        assert_eq!(escape("v1234567.py"), "v1234567.py");
        assert_eq!(escape("a5c3785x/abcdef/face.py"), "a5c3785x/abcdef/face.py");
        // Mentions, references and escapes still apply around them.
        assert_eq!(escape("@x/#1234567"), format!("@{z}x/\\#{z}123456{z}7"));
    }

    #[test]
    fn locations_tables_and_links_show_paths_neutralised_but_readable() {
        let path = "docs/GH-12/www.x.py";
        let mut c = fixtures::empty_comparison();
        c.files.push(changed_file("www.evil.com/GH-3.py"));
        c.lines.push(run(
            "www.evil.com/GH-3.py",
            LineKind::Added,
            None,
            Some(LineState::Miss),
            (1_234_567, 1_234_567),
            None,
        ));
        let md = render(&fixtures::sides(), &c);
        let z = ZWSP;
        assert!(
            md.contains(&format!("| www{z}.evil.com/GH-{z}3.py (added) |")),
            "{md}"
        );
        // The line numbers are ours: not cut into pieces.
        assert!(
            md.contains(&format!("- ✗ www{z}.evil.com/GH-{z}3.py:1234567 miss\n")),
            "{md}"
        );
        // A linked location: the text is neutralised, the address is not.
        let template = "https://forge.example/o/r/blob/{sha}/{path}#L{start}-L{end}"
            .parse()
            .unwrap();
        let links = Links::template(template, &fixtures::sha('1'));
        let at = Locations { links: &links };
        assert_eq!(
            at.at(Side::Head, path, 3, 3),
            format!(
                "[docs/GH-{z}12/www.x.py:3](https://forge.example/o/r/blob/{}/docs/GH-12/www.x.py#L3-L3)",
                "1".repeat(40)
            )
        );
    }

    fn changed_file(path: &str) -> FileComparison {
        FileComparison {
            path: path.into(),
            base_path: None,
            change: FileStatus::Added,
            base: None,
            head: Some(totals(1, 1, 0, 1)),
            patch: crate::compare::PatchTotals::default(),
            indirect: false,
        }
    }

    #[test]
    fn the_files_table_stops_at_its_cap_and_names_the_command_for_the_rest() {
        // Issue 17.11: 1,500 changed files made an 89,935-character comment.
        let mut c = fixtures::empty_comparison();
        c.files = (0..1500)
            .map(|i| changed_file(&format!("src/package_{i:04}/module.py")))
            .collect();
        let md = render(&fixtures::sides(), &c);
        assert!(md.len() <= MAX_COMMENT, "{}", md.len());
        assert_eq!(md.matches(" (added) |").count(), MAX_FILES);
        assert!(md.contains("| src/package\\_0299/module.py (added) |"));
        assert!(!md.contains("package\\_0300"));
        assert!(md.ends_with(
            "\n… and 1200 more files (`covgit compare --format json` lists them all)\n"
        ));
    }

    #[test]
    fn a_comment_never_exceeds_65000_characters() {
        // Long paths everywhere: a full files table and 150 runs of every kind.
        let long = |i: usize| format!("{}/{i}.py", "deep".repeat(400));
        let mut c = fixtures::empty_comparison();
        c.files = (0..1500).map(|i| changed_file(&long(i))).collect();
        for kind in KIND_ORDER {
            for i in 0..150u32 {
                c.lines.push(run(
                    &long(i as usize),
                    kind,
                    None,
                    Some(LineState::Miss),
                    (i, i),
                    None,
                ));
            }
        }
        let md = render(&fixtures::sides(), &c);
        assert!(md.len() <= MAX_COMMENT, "{}", md.len());
        assert!(md.contains("more files (`covgit compare --format json` lists them all)"));
        assert_eq!(
            md.matches(" runs left out (`covgit compare` lists them all)")
                .count(),
            KIND_ORDER.len(),
            "{md}"
        );
        // Every list kept its first runs.
        for heading in [
            "### Lost coverage",
            "### Added, missed or partial",
            "**removed**",
            "**no longer tracked**",
        ] {
            let list: Vec<&str> = md[md.find(heading).unwrap()..]
                .lines()
                .skip(2)
                .take_while(|l| l.starts_with("- "))
                .collect();
            assert!(list.len() > MIN_RUNS_PER_KIND, "{heading}");
            assert!(
                list[list.len() - 1].ends_with(" runs left out (`covgit compare` lists them all)")
            );
        }
        assert!(md.ends_with("\n</details>\n"));

        // Only a huge header is left to the last guard, which cuts and says so.
        let mut sides = fixtures::pseudo_sides();
        sides.uploads.head = (0..5000)
            .map(|_| fixtures::pseudo_sides().uploads.head[1].clone())
            .collect();
        let md = render(&sides, &c);
        assert!(md.len() <= MAX_COMMENT, "{}", md.len());
        assert!(md.ends_with(
            "\n\n… cut to stay under 65,000 characters (`covgit compare` shows it all)\n"
        ));
        assert!(balanced(&md));
    }

    /// Whether every fence and `<details>` of `md` is closed.
    fn balanced(md: &str) -> bool {
        let mut open = Open::default();
        md.split_inclusive('\n').for_each(|l| open.read(l));
        open.fence.is_none()
            && open.details == 0
            && md.matches("<details>").count() == md.matches("</details>").count()
    }

    #[test]
    fn the_last_cut_ends_a_line_and_closes_an_open_fence_and_details() {
        // Cut inside a fence of four backticks, inside a `<details>`.
        let mut doc = "## Coverage\n\n".to_owned();
        while doc.len() < MAX_COMMENT - 1_000 {
            doc.push_str("- Head: carried `e2e` from `5555555`\n");
        }
        doc.push_str("\n<details><summary>Other</summary>\n\n- ✗ a.py:1 miss\n  ````\n");
        for n in 1..=200 {
            let _ = writeln!(doc, "  {n:>3} │ x = \"```\" + long_name_{n}");
        }
        doc.push_str("  ````\n\n</details>\n");
        assert!(doc.len() > MAX_COMMENT);
        let md = capped(doc.clone());
        assert!(md.len() <= MAX_COMMENT, "{}", md.len());
        assert!(MAX_COMMENT - md.len() < 100, "{}", md.len());
        assert!(
            md.ends_with(&format!("\n  ````\n\n</details>\n{CUT}")),
            "{}",
            &md[md.len() - 200..]
        );
        let kept = md
            .strip_suffix(&format!("  ````\n\n</details>\n{CUT}"))
            .unwrap();
        assert!(doc.starts_with(kept) && kept.ends_with('\n'));
        assert!(balanced(&md), "{md}");

        // Cut just after the `<details>` opened: closed, no fence.
        // Room for the line that opens it and its closing tag, not for one more line.
        let mut doc = "x".repeat(MAX_COMMENT - CUT.len() - 51) + "\n";
        doc.push_str("<details><summary>Other</summary>\n");
        doc.push_str(&"- a.py:1 hit\n".repeat(100));
        let md = capped(doc);
        assert!(md.len() <= MAX_COMMENT, "{}", md.len());
        assert!(
            md.ends_with(&format!("</summary>\n\n</details>\n{CUT}")),
            "{}",
            &md[md.len() - 200..]
        );
        assert!(balanced(&md));

        // A document under the cap is left as it is.
        let small = "<details>\n  ```\n".to_owned();
        assert_eq!(capped(small.clone()), small);
    }

    #[test]
    fn a_huge_header_is_cut_without_leaving_markup_open() {
        // Thousands of carried uploads make a header that leaves no room: wherever the last
        // guard cuts (the header, the lists, the folded `<details>`), the markup is closed.
        let mut cut_in_details = 0;
        for n in 1_700..1_780 {
            let mut sides = fixtures::pseudo_sides();
            sides.uploads.head = (0..n)
                .map(|_| fixtures::pseudo_sides().uploads.head[1].clone())
                .collect();
            let md = render(&sides, &fixtures::comparison());
            assert!(md.len() <= MAX_COMMENT, "{n}: {}", md.len());
            assert!(
                balanced(&md),
                "{n}: {}",
                &md[md.len().saturating_sub(2_000)..]
            );
            if md.ends_with(CUT) && md.contains("<details><summary>Other changed lines") {
                cut_in_details += 1;
                assert!(md.ends_with(&format!("\n</details>\n{CUT}")), "{n}");
            }
        }
        assert!(cut_in_details > 0);
    }

    #[test]
    fn a_huge_comparison_is_cut_in_order_and_keeps_its_first_runs_with_their_code() {
        // 5,000 lost runs and 3,000 of every other kind, over 50 files of long lines.
        let path = |i: u32| format!("src/pkg_{:02}/module.py", i % 50);
        let mut text = String::new();
        for n in 1..=12_000 {
            let _ = writeln!(text, "value_{n} = compute({})", "argument, ".repeat(20));
        }
        let files: Vec<(String, String)> = (0..50).map(|i| (path(i), text.clone())).collect();
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let source = crate::render::snippet::tests::Files::new(&borrowed, &borrowed);
        let mut c = fixtures::empty_comparison();
        for (kind, runs) in [
            (LineKind::Lost, 5000),
            (LineKind::Added, 3000),
            (LineKind::Removed, 3000),
            (LineKind::Gained, 3000),
        ] {
            for i in 0..runs {
                let (from, to) = match kind {
                    LineKind::Removed => (Some(LineState::Hit), None),
                    LineKind::Added => (None, Some(LineState::Miss)),
                    _ => (Some(LineState::Hit), Some(LineState::Miss)),
                };
                let start = 1 + 2 * (i / 50) * 6;
                c.lines
                    .push(run(&path(i), kind, from, to, (start, start + 5), None));
            }
        }
        c.lines
            .sort_by(|a, b| (&a.path, a.start).cmp(&(&b.path, b.start)));
        let ctx = Context {
            source: &source,
            ..Context::plain()
        };
        let md = render_with(&fixtures::sides(), &c, &ctx);
        assert!(md.len() <= MAX_COMMENT, "{}", md.len());
        assert!(md.len() > MAX_COMMENT - 10_000, "{}", md.len());
        // A list: its heading, a blank line, then its items up to the next blank line.
        let list = |heading: &str| {
            let start = md.find(heading).unwrap_or_else(|| panic!("{heading}"));
            let items = start + md[start..].find("\n\n").unwrap() + 2;
            let end = md[items..].find("\n\n").map_or(md.len(), |e| items + e + 1);
            &md[start..end]
        };
        for (heading, total) in [
            ("### Lost coverage", 5000),
            ("### Added, missed or partial", 3000),
        ] {
            let list = list(heading);
            let items: Vec<&str> = list.split("\n- ").skip(1).collect();
            // The runs' lines are all there; the code of the last ones was cut first.
            assert_eq!(items.len(), MAX_RUNS_PER_KIND + 1, "{heading}");
            let with_code = items.iter().take_while(|i| i.contains("\n  ```\n")).count();
            assert!(with_code >= MIN_RUNS_PER_KIND, "{heading}: {with_code}");
            assert!(with_code < MAX_RUNS_PER_KIND, "{heading}: {with_code}");
            assert!(items[with_code..].iter().all(|i| !i.contains("```")));
            assert!(
                items[0].contains("  1 │ value_1 = compute(argument,"),
                "{}",
                items[0]
            );
            assert!(items[0].contains("  … 1 more line\n"), "{}", items[0]);
            assert!(
                items[MAX_RUNS_PER_KIND].starts_with(&format!(
                    "… {} runs left out (`covgit compare` lists them all)",
                    total - MAX_RUNS_PER_KIND
                )),
                "{heading}"
            );
        }
        // The folded lists were cut first, to their first runs.
        for heading in ["**removed**: 18000 lines in 3000 runs", "**gained**"] {
            let list = list(heading);
            assert_eq!(
                list.matches("\n- src/").count(),
                MIN_RUNS_PER_KIND,
                "{list}"
            );
            assert!(list.contains("- … 2997 runs left out (`covgit compare` lists them all)"));
        }
    }

    #[test]
    fn a_long_first_list_leaves_every_later_list_its_first_runs() {
        // 1,500 files fill the table's share; 100 long `lost` runs alone would take the rest.
        let path = |i: usize| format!("src/{}/module_{i:03}.py", "nested".repeat(40));
        let mut c = fixtures::empty_comparison();
        c.files = (0..1500).map(|i| changed_file(&path(i))).collect();
        for (kind, to) in [
            (LineKind::Lost, LineState::Miss),
            (LineKind::Added, LineState::Hit),
        ] {
            for i in 0..100u32 {
                c.lines.push(run(
                    &path(i as usize),
                    kind,
                    None,
                    Some(to),
                    (i + 1, i + 1),
                    None,
                ));
            }
        }
        let md = render(&fixtures::sides(), &c);
        assert!(md.chars().count() <= MAX_COMMENT, "{}", md.len());
        let listed = |heading: &str, item: &str, state: &str| {
            let start = md.find(heading).unwrap();
            md[start..]
                .lines()
                .skip(2)
                .take_while(|l| l.starts_with(item))
                .filter(|l| l.ends_with(state))
                .count()
        };
        let lost = listed("### Lost coverage", "- ✗ src/", " miss");
        let added = listed("**added (hit)**", "- src/", " hit");
        // The problems come first; the folded list keeps its first runs.
        assert!(lost >= 3 && added >= 3, "{lost} {added}\n{md}");
        assert!(added < lost && added < 100, "{lost} {added}");
        assert!(
            md.contains(&format!("- … {} runs left out", 100 - added)),
            "{md}"
        );
        assert!(md.ends_with("\n</details>\n"));
    }

    #[test]
    fn long_run_lists_are_cut_so_the_comment_stays_postable() {
        let mut c = fixtures::empty_comparison();
        c.lines = (1..=MAX_RUNS_PER_KIND as u32 + 2)
            .map(|n| {
                run(
                    "a.py",
                    LineKind::Added,
                    None,
                    Some(LineState::Miss),
                    (2 * n, 2 * n),
                    None,
                )
            })
            .collect();
        let md = render(&fixtures::sides(), &c);
        assert!(
            md.contains("### Added, missed or partial: 102 lines in 102 runs\n\n- ✗ a.py:2 miss\n"),
            "{md}"
        );
        assert!(
            md.contains(
                "- ✗ a.py:200 miss\n- … 2 runs left out (`covgit compare` lists them all)\n\n"
            ),
            "{md}"
        );
        assert!(!md.contains("a.py:202"));
    }
}

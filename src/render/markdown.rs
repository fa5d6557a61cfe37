//! `covgit compare --format markdown`: a pull-request comment. Totals before → after, patch
//! coverage, a table of the files whose coverage or content changed, the line runs folded
//! under a `<details>` tag so a long list does not bury the summary, then the moved blocks
//! and reformatted runs, folded too, one line each.
//!
//! Never styled: the palette does not reach here. Paths are escaped so that `|` cannot
//! break the table and backticks, `*`, `_`, `<` … cannot start markup, `@` cannot mention
//! anyone, and control and bidi characters show as escapes.
//!
//! A comment never exceeds [`MAX_COMMENT`] bytes (so as many characters at most; GitHub
//! refuses 65,536): the files table stops at [`MAX_FILES`] rows or its share of the size,
//! the folded runs at [`MAX_RUNS_PER_KIND`] per kind or when the size is reached (every kind
//! keeping its first [`MIN_RUNS_PER_KIND`] runs first), the moved blocks at [`MAX_BLOCKS`] or
//! [`BLOCKS_BUDGET`], each saying how many were left out and which command lists them all.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape;
use super::figures::{self, KIND_ORDER};
use super::format::Context;
use super::links::Links;
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
const FILES_BUDGET: usize = 40_000;

/// What stays free for the lines that close the runs (`… and N more runs` per kind and
/// `</details>`) once the budget cuts a list.
const RESERVE: usize = 1_500;

/// Runs listed per kind. A list this long is read by nobody; the text and JSON formats
/// always list every run.
const MAX_RUNS_PER_KIND: usize = 100;

/// Moved blocks and reformatted runs listed, one line each; text lists them all.
const MAX_BLOCKS: usize = 100;

/// The size the list of moved blocks may take, taken from what the runs could use.
const BLOCKS_BUDGET: usize = 10_000;

/// Runs of every kind kept before any list gets more, so a long first list (`lost`) cannot
/// leave a later one (`added`) with none.
const MIN_RUNS_PER_KIND: usize = 3;

/// Writes the comparison as a PR comment of at most [`MAX_COMMENT`] bytes, every run's and
/// block's `path:line` linked to the forge when `ctx.links` has a URL for it.
pub fn compare(
    out: &mut dyn Write,
    sides: &Sides,
    c: &Comparison,
    ctx: &Context<'_>,
) -> io::Result<()> {
    let mut doc = String::new();
    document(&mut doc, sides, c, ctx.links);
    out.write_all(capped(doc).as_bytes())
}

/// The last guard: a document still too long (only a huge header can make one) is cut at
/// a character boundary with a line saying so.
fn capped(mut doc: String) -> String {
    if doc.len() <= MAX_COMMENT {
        return doc;
    }
    let tail = "\n\n… cut to stay under 65,000 characters (`covgit compare` shows it all)\n";
    let mut end = MAX_COMMENT - tail.len();
    while !doc.is_char_boundary(end) {
        end -= 1;
    }
    doc.truncate(end);
    doc.push_str(tail);
    doc
}

fn document(out: &mut String, sides: &Sides, c: &Comparison, links: &Links) {
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
    components(out, &c.components);
    files(out, c);
    let blocks = blocks(&c.relocated, links);
    runs(out, c, blocks.len(), links);
    out.push_str(&blocks);
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

/// The folded list of moved blocks and reformatted runs, empty when there is none:
/// `- src/b.py:1-48 48 lines moved from src/a.py:10-57, coverage kept`.
fn blocks(blocks: &[RelocatedBlock], urls: &Links) -> String {
    let mut out = String::new();
    if blocks.is_empty() {
        return out;
    }
    let lines: u64 = blocks
        .iter()
        .map(|b| u64::from(b.end.saturating_sub(b.start)) + 1)
        .sum();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "<details><summary>Moved and reformatted: {} in {}</summary>\n",
        figures::count(lines, "line", "lines"),
        figures::count(blocks.len() as u64, "block", "blocks")
    );
    let closing = "\n</details>\n";
    let mut shown = 0;
    for b in blocks.iter().take(MAX_BLOCKS) {
        let item = format!(
            "- {} {}, {}\n",
            urls.markdown(
                Side::Head,
                &escape(&figures::block_location(b)),
                &b.path,
                b.start,
                b.end
            ),
            figures::relocation(b, escape),
            figures::relocation_outcome(b)
        );
        if out.len() + item.len() + RESERVE > BLOCKS_BUDGET {
            break;
        }
        out.push_str(&item);
        shown += 1;
    }
    if shown < blocks.len() {
        let _ = writeln!(
            out,
            "- … and {} (`covgit compare` lists them all)",
            figures::count((blocks.len() - shown) as u64, "more block", "more blocks")
        );
    }
    out.push_str(closing);
    out
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
        let skipped: Vec<String> = sides
            .base
            .skipped
            .iter()
            .map(|s| format!("`{}` ({})", s.commit.short(), s.reason.as_str()))
            .collect();
        note.push_str(". Skipped: ");
        note.push_str(&skipped.join(", "));
    }
    note.push('.');
    Some(note)
}

fn files(out: &mut String, c: &Comparison) {
    let changed: Vec<&FileComparison> = c
        .files
        .iter()
        .filter(|f| f.change != FileStatus::Unchanged || f.indirect || f.base != f.head)
        .collect();
    if changed.is_empty() {
        let _ = writeln!(out, "No file's coverage or content changed.");
        return;
    }
    let _ = writeln!(out, "| File | Base | Head | Δ | Patch |");
    let _ = writeln!(out, "| :--- | ---: | ---: | ---: | ---: |");
    let mut shown = 0;
    for f in &changed {
        let row = file_row(f);
        if shown == MAX_FILES || out.len() + row.len() > FILES_BUDGET {
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

/// One row of the files table, its line break included.
fn file_row(f: &FileComparison) -> String {
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
        (Some(b), Some(h)) => figures::delta(h.coverage().zip(b.coverage()).map(|(h, b)| h - b)),
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

/// The folded runs of every kind but `moved` and `reformatted` (their blocks say it all),
/// leaving `reserved` bytes for what follows.
fn runs(out: &mut String, c: &Comparison, reserved: usize, urls: &Links) {
    let indirect = |r: &LineRun| {
        r.kind.on_both_sides() && c.files.iter().any(|f| f.indirect && f.path == r.path)
    };
    let groups: Vec<(LineKind, Vec<&LineRun>, u64)> = KIND_ORDER
        .into_iter()
        .filter_map(|kind| {
            let of_kind: Vec<&LineRun> = c.lines.iter().filter(|r| r.kind == kind).collect();
            let lines = of_kind.iter().map(|r| figures::run_len(r)).sum();
            (!of_kind.is_empty()).then_some((kind, of_kind, lines))
        })
        .collect();
    if groups.is_empty() {
        return;
    }
    let name = |kind: LineKind| kind.as_str().replace('_', " ");
    let summary: Vec<String> = groups
        .iter()
        .map(|(kind, _, lines)| format!("{lines} {}", name(*kind)))
        .collect();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "<details><summary>Changed lines: {}</summary>",
        summary.join(", ")
    );
    let headers: Vec<String> = groups
        .iter()
        .map(|(kind, of_kind, lines)| {
            format!(
                "\n**{}**: {} in {}\n\n",
                name(*kind),
                figures::count(*lines, "line", "lines"),
                figures::count(of_kind.len() as u64, "run", "runs")
            )
        })
        .collect();
    let items: Vec<Vec<String>> = groups
        .iter()
        .map(|(_, of_kind, _)| {
            of_kind
                .iter()
                .take(MAX_RUNS_PER_KIND)
                .map(|r| {
                    let origin = figures::origin(&c.relocated, r, escape)
                        .map(|from| format!(" (from {from})"))
                        .unwrap_or_default();
                    // A removed run's path and lines are the base's.
                    let side = if r.kind == LineKind::Removed {
                        Side::Base
                    } else {
                        Side::Head
                    };
                    format!(
                        "- {} {}{}{origin}\n",
                        urls.markdown(
                            side,
                            &escape(&figures::location(r)),
                            &r.path,
                            r.start,
                            r.end
                        ),
                        figures::states(r),
                        if indirect(r) { " (indirect)" } else { "" }
                    )
                })
                .collect()
        })
        .collect();
    let fixed = out.len() + headers.iter().map(String::len).sum::<usize>() + RESERVE + reserved;
    let shown = allot(&items, MAX_COMMENT.saturating_sub(fixed));
    for (((_, of_kind, _), header), (items, shown)) in
        groups.iter().zip(&headers).zip(items.iter().zip(shown))
    {
        out.push_str(header);
        for item in &items[..shown] {
            out.push_str(item);
        }
        if shown < of_kind.len() {
            let _ = writeln!(
                out,
                "- … and {} (`covgit compare` lists them all)",
                figures::count((of_kind.len() - shown) as u64, "more run", "more runs")
            );
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "</details>");
}

/// How many of each list's items fit in `budget` bytes (SPEC "Reports for people": every
/// list keeps at least its first runs): first, round by round, the first
/// [`MIN_RUNS_PER_KIND`] items of every list, so a huge first list cannot starve the later
/// ones; then the rest of each list in order, while it fits.
fn allot(lists: &[Vec<String>], mut budget: usize) -> Vec<usize> {
    let mut shown = vec![0; lists.len()];
    let take = |shown: &mut usize, list: &[String], budget: &mut usize| match list.get(*shown) {
        Some(item) if item.len() <= *budget => {
            *budget -= item.len();
            *shown += 1;
            true
        }
        _ => false,
    };
    for round in 0..MIN_RUNS_PER_KIND {
        for (n, list) in shown.iter_mut().zip(lists) {
            if *n == round {
                take(n, list, &mut budget);
            }
        }
    }
    for (n, list) in shown.iter_mut().zip(lists) {
        if *n < MIN_RUNS_PER_KIND.min(list.len()) {
            continue; // its first runs did not fit: the rest would not read on from them
        }
        while take(n, list, &mut budget) {}
    }
    shown
}

/// Makes a string from a report or tree inert in markdown: punctuation that starts markup
/// is backslash-escaped (`|` included, so a table cell holds), `@` is followed by a
/// zero-width space so it mentions no one, and control and bidi characters (Trojan source)
/// show as escapes, as in text (`\n`, `\u{202e}`).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '|' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '~' | '&' => {
                out.push('\\');
                out.push(ch);
            }
            '@' => out.push_str("@&#8203;"),
            _ => match escape::visible(ch) {
                Some(shown) => out.push_str(&shown),
                None => out.push(ch),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LineState;
    use crate::render::fixtures::{self, run, totals};

    fn render(sides: &Sides, c: &Comparison) -> String {
        let mut out = Vec::new();
        compare(&mut out, sides, c, &Context::plain()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_comment_has_totals_a_file_table_and_folded_runs() {
        assert_eq!(
            render(&fixtures::sides(), &fixtures::comparison()),
            "\
## Coverage of `1111111` against `2222222`

- **Total:** 75.00% → 80.00% (+5.00)
- **Patch:** 66.67% (2/3 added lines covered)

| File | Base | Head | Δ | Patch |
| :--- | ---: | ---: | ---: | ---: |
| src/a.py | 66.67% | 71.43% | +4.76 | 66.67% (2/3) |
| src/b.py (indirect) | 100.00% | 0.00% | -100.00 | — |
| src/c.py (renamed from src/c\\_old.py) | 100.00% | 100.00% | +0.00 | — |
| src/old.py (deleted) | 0.00% | — | — | — |

<details><summary>Changed lines: 2 lost, 3 added, 1 removed, 1 gained, 1 now tracked</summary>

**lost**: 2 lines in 1 run

- src/b.py:3-4 hit → miss (indirect)

**added**: 3 lines in 2 runs

- src/a.py:10-11 hit
- src/a.py:12 miss

**removed**: 1 line in 1 run

- src/old.py:5 was miss

**gained**: 1 line in 1 run

- src/a.py:2 miss → hit

**now tracked**: 1 line in 1 run

- src/a.py:20 miss

</details>
"
        );
    }

    #[test]
    fn moved_code_is_a_folded_list_of_blocks_and_changed_lines_name_their_origin() {
        let md = render(&fixtures::sides(), &fixtures::relocated_comparison());
        let runs = "\
<details><summary>Changed lines: 3 lost, 1 added, 1 gained, 1 now tracked</summary>

**lost**: 3 lines in 1 run

- src/b.py:12-14 hit → miss (from src/a.py:21-23)

**added**: 1 line in 1 run

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

        // Only moved lines: no changed-lines list, the blocks alone.
        let mut c = fixtures::relocated_comparison();
        c.lines.retain(|r| r.kind == LineKind::Moved);
        let md = render(&fixtures::sides(), &c);
        assert!(!md.contains("Changed lines"), "{md}");
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
                "- … and {} more blocks (`covgit compare` lists them all)\n\n</details>\n",
                2000 - listed
            )),
            "{md}"
        );
        // The runs kept their first lines of every kind.
        assert!(
            md.contains("**lost**: 200 lines in 200 runs\n\n- src/"),
            "{md}"
        );
        assert!(
            md.contains("**added**: 200 lines in 200 runs\n\n- src/"),
            "{md}"
        );
    }

    #[test]
    fn every_run_and_block_location_links_to_the_forge_when_there_is_one() {
        let sides = fixtures::sides();
        let head = sides.head.clone().unwrap();
        let links = Links::forge("git@github.com:o/r.git", &head).with_base(&sides.base.requested);
        let ctx = Context {
            links: &links,
            ..Context::plain()
        };
        let at = |sha: char, rest: &str| {
            format!(
                "https://github.com/o/r/blob/{}/{rest}",
                fixtures::sha(sha).as_str()
            )
        };
        let mut out = Vec::new();
        compare(&mut out, &sides, &fixtures::comparison(), &ctx).unwrap();
        let md = String::from_utf8(out).unwrap();
        for line in [
            format!("- [src/a.py:10-11]({}) hit\n", at('1', "src/a.py#L10-L11")),
            format!(
                "- [src/b.py:3-4]({}) hit → miss (indirect)\n",
                at('1', "src/b.py#L3-L4")
            ),
            // A removed run's lines are the base's: its link is pinned there.
            format!("- [src/old.py:5]({}) was miss\n", at('2', "src/old.py#L5")),
        ] {
            assert!(md.contains(&line), "{line}\n{md}");
        }
        let mut out = Vec::new();
        compare(&mut out, &sides, &fixtures::relocated_comparison(), &ctx).unwrap();
        let md = String::from_utf8(out).unwrap();
        let block = format!(
            "- [src/b.py:1-48]({}) 48 lines moved from src/a.py:10-57",
            at('1', "src/b.py#L1-L48")
        );
        assert!(md.contains(&block), "{md}");
        // An escaped path keeps its escapes inside the brackets; the URL is percent-encoded.
        assert!(
            md.contains(&format!(
                "[src/@&#8203;team\\|x\\`.py:1-6]({})",
                at('1', "src/%40team%7Cx%60.py#L1-L6")
            )),
            "{md}"
        );
        // Without links, the same comment in plain text.
        assert_eq!(
            render(&sides, &fixtures::comparison())
                .matches("](")
                .count(),
            0
        );
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

No file's coverage or content changed.
"
        );
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
            md.contains("- @&#8203;admins/\\u{202e}x.py:1 miss\n"),
            "{md}"
        );
        assert!(!md.contains('\u{202e}') && !md.contains("@admins"));
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
        // Long paths everywhere: a full files table and 100 runs of every kind.
        let long = |i: usize| format!("{}/{i}.py", "deep".repeat(900));
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
            md.matches("more runs (`covgit compare` lists them all)")
                .count(),
            KIND_ORDER.len(),
            "{md}"
        );
        assert!(md.ends_with("\n</details>\n"));

        // Only a huge header is left to the last guard, which cuts and says so.
        let mut sides = fixtures::pseudo_sides();
        sides.base.skipped = (0..5000)
            .map(|_| fixtures::pseudo_sides().base.skipped[0].clone())
            .collect();
        let md = render(&sides, &c);
        assert!(md.len() <= MAX_COMMENT, "{}", md.len());
        assert!(md.ends_with(
            "\n\n… cut to stay under 65,000 characters (`covgit compare` shows it all)\n"
        ));
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
        let listed = |kind: &str, state: &str| {
            let start = md.find(&format!("**{kind}**")).unwrap();
            md[start..]
                .lines()
                .skip(2)
                .take_while(|l| l.starts_with("- src/"))
                .filter(|l| l.ends_with(state))
                .count()
        };
        let (lost, added) = (listed("lost", " miss"), listed("added", " hit"));
        assert!(lost >= 3 && added >= 3, "{lost} {added}\n{md}");
        assert!(lost < 100 && added < 100, "{lost} {added}");
        assert!(
            md.contains(&format!("- … and {} more runs", 100 - added)),
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
            md.contains("**added**: 102 lines in 102 runs\n\n- a.py:2 miss\n"),
            "{md}"
        );
        assert!(md.contains("- a.py:200 miss\n- … and 2 more runs (`covgit compare` lists them all)\n\n</details>\n"), "{md}");
        assert!(!md.contains("a.py:202"));
    }
}

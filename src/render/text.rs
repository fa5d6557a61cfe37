//! `covgit compare` for a human at a terminal: which commits were compared (and why, when a
//! pseudo-base stood in), the totals and patch coverage, then the problems first (lines that
//! `lost` coverage, then `added` lines that miss or are partial), each run with its first
//! lines of code, then every other run grouped by kind, one clickable `path:line` location
//! per run, then one summary line per moved block and reformatted run (their lines that kept
//! their state are not listed one by one). Text lists every run, however many.
//!
//! Styles come from the caller's [`Palette`]; with the default palette the output has no
//! escape byte. Color is never the only sign: each problem run carries a shape (`✗` missed,
//! `!` partial) and its states in words.

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::escape;
use super::figures::{self, Group};
use super::format::Context;
use super::snippet::{self, Reader};
use super::style::{Palette, Style};
use super::table::{self, Cell};
use crate::compare::components::ComponentFigures;
use crate::compare::{Comparison, HeadSource, LineKind, RelocatedBlock, Sides};

/// Writes the comparison as text: paths and code escaped, and no line starting a CI
/// workflow command.
pub fn compare(
    out: &mut dyn Write,
    sides: &Sides,
    c: &Comparison,
    ctx: &Context<'_>,
) -> io::Result<()> {
    escape::guard_lines(out, |out| write(out, sides, c, ctx))
}

fn write(out: &mut dyn Write, sides: &Sides, c: &Comparison, ctx: &Context<'_>) -> io::Result<()> {
    let p = ctx.palette;
    header(out, sides, p)?;
    let delta = c.delta();
    writeln!(
        out,
        "{} {} → {} ({})",
        p.header.paint("Total:"),
        figures::percent(c.base.coverage()),
        figures::percent(c.head.coverage()),
        p.delta(delta).paint(figures::delta(delta)),
    )?;
    let patch = if c.patch.lines == 0 {
        "no tracked lines added".to_owned()
    } else {
        format!(
            "{} ({}/{})",
            figures::percent(c.patch.coverage()),
            c.patch.hit + c.patch.partial,
            figures::count(c.patch.lines, "line", "lines")
        )
    };
    writeln!(out, "{} {patch}", p.header.paint("Patch:"))?;
    components(out, &c.components, p)?;

    let indirect: BTreeSet<&str> = c
        .files
        .iter()
        .filter(|f| f.indirect)
        .map(|f| f.path.as_str())
        .collect();
    let groups = figures::groups(&c.lines);
    let mut reader = Reader::new(ctx.source);
    for group in &groups {
        section(out, group, &indirect, &c.relocated, &mut reader, p)?;
    }
    if groups.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.dim.paint("No line changed coverage."))?;
    }
    if !c.relocated.is_empty() {
        relocated(out, &c.relocated, p)?;
    }
    Ok(())
}

/// One aligned line per component, after the totals, only when some are configured:
/// `  api  80.00% → 75.00%  (-5.00)  patch 50.00% (1/2 lines)`.
fn components(out: &mut dyn Write, all: &[ComponentFigures], p: &Palette) -> io::Result<()> {
    if all.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", p.header.paint("Components:"))?;
    let rows: Vec<Vec<Cell>> = all
        .iter()
        .map(|k| {
            let delta = k.delta();
            let patch = if k.patch.lines == 0 {
                "no tracked lines added".to_owned()
            } else {
                format!(
                    "patch {} ({}/{})",
                    figures::percent(k.patch.coverage()),
                    k.patch.hit + k.patch.partial,
                    figures::count(k.patch.lines, "line", "lines")
                )
            };
            vec![
                Cell::left(k.name.as_str(), p.path),
                Cell::right(figures::percent(k.base.coverage()), Style::PLAIN),
                Cell::left("→", Style::PLAIN),
                Cell::right(figures::percent(k.head.coverage()), Style::PLAIN),
                Cell::right(format!("({})", figures::delta(delta)), p.delta(delta)),
                Cell::left(patch, Style::PLAIN),
            ]
        })
        .collect();
    table::write(out, "  ", &rows)
}

/// One line per moved block and reformatted run: `src/b.py:1-48  48 lines moved from
/// src/a.py:10-57, coverage kept`.
fn relocated(out: &mut dyn Write, blocks: &[RelocatedBlock], p: &Palette) -> io::Result<()> {
    let lines: u64 = blocks
        .iter()
        .map(|b| u64::from(b.end.saturating_sub(b.start)) + 1)
        .sum();
    heading(
        out,
        p.kind(LineKind::Moved).paint("moved and reformatted"),
        lines,
        (blocks.len(), "block", "blocks"),
    )?;
    let locations = aligned(blocks.iter().map(figures::block_location));
    for (b, (loc, pad)) in blocks.iter().zip(&locations) {
        let outcome = figures::relocation_outcome(b);
        let style = if b.worse > 0 { p.lost } else { p.dim };
        writeln!(
            out,
            "  {}{pad}  {}, {}",
            p.path.paint(loc),
            figures::relocation(b, plain_span),
            style.paint(outcome)
        )?;
    }
    Ok(())
}

/// Names head and base; for a stand-in base, which one was requested and what was skipped.
fn header(out: &mut dyn Write, sides: &Sides, p: &Palette) -> io::Result<()> {
    if !sides.missing_flags.is_empty() {
        writeln!(
            out,
            "{}",
            p.lost
                .paint(super::check::incomplete_warning(&sides.missing_flags))
        )?;
    }
    let head = match (&sides.head, sides.head_source) {
        (Some(h), HeadSource::Store) => format!("Head {}", h.short()),
        (Some(h), HeadSource::File) => format!("Head {} (report file)", h.short()),
        (None, _) => match &sides.worktree {
            Some(changes) => format!(
                "Working tree ({}; report file)",
                super::worktree::changes(changes)
            ),
            None => "Working tree (report file)".to_owned(),
        },
    };
    let base = if let Some(name) = &sides.baseline {
        format!(
            "baseline {} ({})",
            super::escape::text(name),
            sides.base.used.short()
        )
    } else if sides.base.pseudo {
        format!(
            "pseudo-base {}, standing in for base {}",
            sides.base.used.short(),
            sides.base.requested.short()
        )
    } else if sides.base.used == sides.base.requested {
        format!("base {}", sides.base.used.short())
    } else {
        format!(
            "base {} (first usable ancestor of {})",
            sides.base.used.short(),
            sides.base.requested.short()
        )
    };
    writeln!(out, "{}", p.header.paint(format!("{head} against {base}")))?;
    if !sides.base.skipped.is_empty() {
        let n = sides.base.skipped.len() as u64;
        writeln!(out, "Skipped {}:", figures::count(n, "commit", "commits"))?;
        for s in &sides.base.skipped {
            writeln!(
                out,
                "  {} {}",
                p.dim.paint(s.commit.short()),
                s.reason.as_str()
            )?;
        }
    }
    if sides.offsets {
        writeln!(
            out,
            "Offsets: the coverage of {} was remapped onto {} through their diff (approximate)",
            sides.base.used.short(),
            sides.base.requested.short()
        )?;
    }
    for (side, flag, origin) in figures::carried(sides) {
        writeln!(out, "{side}: carried {flag} from {origin}")?;
    }
    Ok(())
}

fn section(
    out: &mut dyn Write,
    group: &Group<'_>,
    indirect: &BTreeSet<&str>,
    blocks: &[RelocatedBlock],
    reader: &mut Reader<'_>,
    p: &Palette,
) -> io::Result<()> {
    heading(
        out,
        p.kind(group.kind).paint(group.title()),
        group.lines(),
        (group.runs.len(), "run", "runs"),
    )?;
    let locations = aligned(group.runs.iter().map(|r| figures::location(r)));
    for (run, (loc, pad)) in group.runs.iter().zip(&locations) {
        let states = figures::states(run);
        let state_style = figures::shown_state(run).map_or(p.dim, |s| p.state(s));
        write!(out, "  ")?;
        if group.problem {
            write!(out, "{} ", state_style.paint(figures::mark(run)))?;
        }
        write!(
            out,
            "{}{pad}  {}",
            p.path.paint(loc),
            state_style.paint(states)
        )?;
        // `removed` runs carry base paths, and a removed line's file changed, so only kinds
        // on both sides can sit in an indirect file.
        if group.kind.on_both_sides() && indirect.contains(run.path.as_str()) {
            write!(out, " {}", p.dim.paint("(indirect)"))?;
        }
        if let Some(from) = figures::origin(blocks, run, plain_span) {
            write!(out, " {}", p.dim.paint(format!("(from {from})")))?;
        }
        writeln!(out)?;
        if group.problem {
            code(out, reader.snippet(run), p)?;
        }
    }
    Ok(())
}

/// The lines of a problem run under it, numbered and escaped: `      8 │ return a * b`.
fn code(out: &mut dyn Write, snippet: Option<snippet::Snippet>, p: &Palette) -> io::Result<()> {
    let Some(s) = snippet else {
        return Ok(());
    };
    let width = s.number_width();
    for (n, line) in &s.lines {
        let n = format!("{n:>width$}");
        writeln!(
            out,
            "      {} {}",
            p.dim.paint(format!("{n} │")),
            escape::text(line)
        )?;
    }
    if s.more > 0 {
        writeln!(out, "      {}", p.dim.paint(snippet::more(s.more)))?;
    }
    Ok(())
}

/// A location as text shows it: escaped, never linked.
fn plain_span(path: &str, start: u32, end: u32) -> String {
    escape::text(&figures::span(path, start, end)).into_owned()
}

/// A section's title after a blank line: `lost: 3 lines in 2 runs` (`items` counts the runs
/// or blocks, named `one` or `many`).
fn heading(
    out: &mut dyn Write,
    title: impl std::fmt::Display,
    lines: u64,
    (items, one, many): (usize, &str, &str),
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "{title}: {} in {}",
        figures::count(lines, "line", "lines"),
        figures::count(items as u64, one, many)
    )
}

/// Each location escaped, with the spaces that line up what follows it.
fn aligned(locations: impl Iterator<Item = String>) -> Vec<(String, String)> {
    let locations: Vec<String> = locations.map(|l| escape::text(&l).into_owned()).collect();
    let width = locations
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    locations
        .into_iter()
        .map(|l| {
            let pad = " ".repeat(width - l.chars().count());
            (l, pad)
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::render::fixtures;

    fn render(sides: &Sides, c: &Comparison, p: &Palette) -> String {
        let ctx = Context {
            palette: p,
            ..Context::plain()
        };
        let mut out = Vec::new();
        compare(&mut out, sides, c, &ctx).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The files of [`fixtures::comparison`]: `src/b.py` lost lines 3-4, `src/a.py` added
    /// lines 10-12 (12 uncovered), with a tab, an escape and a bidi control to show.
    pub(crate) fn comparison_source() -> crate::render::snippet::tests::Files {
        let a: String = (1..=20)
            .map(|n| match n {
                12 => "\treturn \"\x1b[2J\u{202e}\"  \n".to_owned(),
                n => format!("a{n} = {n}\n"),
            })
            .collect();
        crate::render::snippet::tests::Files::new(
            &[
                ("src/a.py", &a),
                (
                    "src/b.py",
                    "def f():\n    if x:\n        y()\n        z()\n",
                ),
            ],
            &[("src/old.py", "gone\n")],
        )
    }

    #[test]
    fn problems_come_first_with_their_code_then_every_other_run() {
        let source = comparison_source();
        let ctx = Context {
            source: &source,
            ..Context::plain()
        };
        let mut out = Vec::new();
        compare(&mut out, &fixtures::sides(), &fixtures::comparison(), &ctx).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\
Head 1111111 against base 2222222
Total: 75.00% → 80.00% (+5.00)
Patch: 66.67% (2/3 lines)

lost: 2 lines in 1 run
  ✗ src/b.py:3-4  hit → miss (indirect)
      3 │         y()
      4 │         z()

added (miss or partial): 1 line in 1 run
  ✗ src/a.py:12  miss
      12 │     return \"\\x1b[2J\\u{202e}\"

added (hit): 2 lines in 1 run
  src/a.py:10-11  hit

removed: 1 line in 1 run
  src/old.py:5  was miss

gained: 1 line in 1 run
  src/a.py:2  miss → hit

now_tracked: 1 line in 1 run
  src/a.py:20  miss
"
        );
        // Without a source, the same runs, locations only.
        let plain = render(
            &fixtures::sides(),
            &fixtures::comparison(),
            &Palette::default(),
        );
        let without_code: String = text
            .lines()
            .filter(|l| !l.contains(" │ "))
            .flat_map(|l| [l, "\n"])
            .collect();
        assert_eq!(plain, without_code);
        assert!(!text.contains('\x1b') && !text.contains('\u{202e}'));
    }

    #[test]
    fn a_problem_run_is_marked_by_a_shape_not_by_color_alone() {
        use crate::model::LineState::{Hit, Miss, Partial};
        let mut c = fixtures::empty_comparison();
        c.lines = vec![
            fixtures::run(
                "a.py",
                LineKind::Lost,
                Some(Hit),
                Some(Partial),
                (1, 1),
                Some(1),
            ),
            fixtures::run(
                "a.py",
                LineKind::Lost,
                Some(Partial),
                Some(Miss),
                (3, 3),
                Some(3),
            ),
            fixtures::run("a.py", LineKind::Added, None, Some(Partial), (5, 5), None),
            fixtures::run("a.py", LineKind::Added, None, Some(Hit), (6, 6), None),
        ];
        let text = render(&fixtures::sides(), &c, &Palette::default());
        assert!(
            text.contains(
                "lost: 2 lines in 2 runs\n  ! a.py:1  hit → partial\n  ✗ a.py:3  partial → miss\n"
            ),
            "{text}"
        );
        assert!(text.contains("\n  ! a.py:5  partial\n"), "{text}");
        assert!(
            text.contains("added (hit): 1 line in 1 run\n  a.py:6  hit\n"),
            "{text}"
        );
        let colored = render(&fixtures::sides(), &c, &Palette::colorized());
        assert!(
            colored.contains("  \x1b[33m!\x1b[0m \x1b[34ma.py:1\x1b[0m"),
            "{colored}"
        );
        assert_eq!(strip_sgr(&colored), text);
    }

    #[test]
    fn a_long_run_shows_five_lines_and_counts_the_rest() {
        let mut c = fixtures::empty_comparison();
        c.lines = vec![fixtures::run(
            "src/a.py",
            LineKind::Added,
            None,
            Some(crate::model::LineState::Miss),
            (8, 20),
            None,
        )];
        let source = comparison_source();
        let ctx = Context {
            source: &source,
            ..Context::plain()
        };
        let mut out = Vec::new();
        compare(&mut out, &fixtures::sides(), &c, &ctx).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.ends_with(
                "  ✗ src/a.py:8-20  miss\n       8 │ a8 = 8\n       9 │ a9 = 9\n      10 │ a10 = 10\n      11 │ a11 = 11\n      12 │     return \"\\x1b[2J\\u{202e}\"\n      … 8 more lines\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn moved_code_reads_as_one_line_per_block_and_changed_lines_name_their_origin() {
        let text = render(
            &fixtures::sides(),
            &fixtures::relocated_comparison(),
            &Palette::default(),
        );
        assert_eq!(
            text,
            "\
Head 1111111 against base 2222222
Total: 90.32% → 92.86% (+2.53)
Patch: 100.00% (1/1 line)

lost: 3 lines in 1 run
  ✗ src/b.py:12-14  hit → miss (from src/a.py:21-23)

added (hit): 1 line in 1 run
  src/a.py:3  hit

gained: 1 line in 1 run
  src/c.py:62  miss → hit (from src/c.py:59)

now_tracked: 1 line in 1 run
  src/c.py:61  hit

moved and reformatted: 63 lines in 4 blocks
  src/@team|x`.py:1-6  6 lines moved from src/old\\u{202e}.py:1-6, coverage kept
  src/b.py:1-48        48 lines moved from src/a.py:10-57, 3 lines lost coverage
  src/c.py:40-45       6 lines moved within the file from lines 5-10, coverage kept
  src/c.py:60-62       3 lines reformatted, 2 lines gained coverage
"
        );
        let colored = render(
            &fixtures::sides(),
            &fixtures::relocated_comparison(),
            &Palette::colorized(),
        );
        assert!(colored.contains(", \x1b[1;31m3 lines lost coverage\x1b[0m\n"));
        assert_eq!(strip_sgr(&colored), text);
    }

    #[test]
    fn a_pure_move_lists_no_line_and_summarises_the_block() {
        let mut c = fixtures::relocated_comparison();
        c.lines.retain(|r| r.kind == LineKind::Moved);
        c.relocated.retain(|b| b.path == "src/c.py" && b.worse == 0);
        c.relocated.truncate(1);
        let text = render(&fixtures::sides(), &c, &Palette::default());
        assert!(
            text.ends_with(
                "\nNo line changed coverage.\n\n\
                 moved and reformatted: 6 lines in 1 block\n  \
                 src/c.py:40-45  6 lines moved within the file from lines 5-10, coverage kept\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_pseudo_base_names_the_requested_base_and_every_skipped_commit() {
        let text = render(
            &fixtures::pseudo_sides(),
            &fixtures::empty_comparison(),
            &Palette::default(),
        );
        assert_eq!(
            text,
            "\
Head 1111111 against pseudo-base 3333333, standing in for base 2222222
Skipped 2 commits:
  2222222 no-report
  4444444 ci-failed
Offsets: the coverage of 3333333 was remapped onto 2222222 through their diff (approximate)
Head: carried e2e from 5555555
Total: n/a → n/a (n/a)
Patch: no tracked lines added

No line changed coverage.
"
        );
    }

    #[test]
    fn the_commit_view_names_the_ancestor_found_and_a_file_head() {
        let mut sides = fixtures::pseudo_sides();
        sides.base.pseudo = false;
        sides.offsets = false;
        sides.base.skipped.truncate(1);
        sides.head_source = HeadSource::File;
        // A head read from a file carries nothing.
        sides.uploads.head.clear();
        let text = render(&sides, &fixtures::empty_comparison(), &Palette::default());
        assert!(text.starts_with(
            "Head 1111111 (report file) against base 3333333 (first usable ancestor of 2222222)\n\
             Skipped 1 commit:\n  2222222 no-report\nTotal:"
        ));
        sides.head = None;
        let text = render(&sides, &fixtures::empty_comparison(), &Palette::default());
        assert!(text.starts_with("Working tree (report file) against base 3333333"));
        sides.baseline = Some("before-refactor".to_owned());
        let text = render(&sides, &fixtures::empty_comparison(), &Palette::default());
        assert!(
            text.starts_with(
                "Working tree (report file) against baseline before-refactor (3333333)"
            )
        );
        sides.baseline = None;
        sides.worktree = Some(crate::compare::WorktreeChanges {
            staged: 1,
            unstaged: 2,
            untracked: 0,
        });
        let text = render(&sides, &fixtures::empty_comparison(), &Palette::default());
        assert!(text.starts_with(
            "Working tree (staged (1 file) and unstaged (2 files) changes included; report file) against base 3333333"
        ));
        sides.worktree = Some(crate::compare::WorktreeChanges::default());
        let text = render(&sides, &fixtures::empty_comparison(), &Palette::default());
        assert!(text.starts_with("Working tree (no changes beyond HEAD; report file)"));
    }

    #[test]
    fn colorized_text_is_styled_by_meaning() {
        let text = render(
            &fixtures::sides(),
            &fixtures::comparison(),
            &Palette::colorized(),
        );
        assert!(text.contains("\x1b[1;31mlost\x1b[0m: 2 lines in 1 run"));
        assert!(text.contains("\x1b[34msrc/b.py:3-4\x1b[0m"));
        assert!(text.contains("(\x1b[1;32m+5.00\x1b[0m)"));
        // Without the escapes it reads exactly like the plain rendering.
        let plain = render(
            &fixtures::sides(),
            &fixtures::comparison(),
            &Palette::default(),
        );
        assert_eq!(strip_sgr(&text), plain);
    }

    fn strip_sgr(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(ch) = chars.next() {
            if ch == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(ch);
            }
        }
        out
    }
}

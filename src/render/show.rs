//! `covgit show`: one commit's report as totals, its uploads, a per-file table and the
//! paths that matched nothing in the commit's tree.

use std::io::{self, Write};

use super::escape;
use super::figures;
use super::style::Palette;
use super::table::{self, Cell};
use crate::model::{CiStatus, CommitId, Flag, Totals};

/// What `covgit show` displays about one commit.
#[derive(Debug, Clone, PartialEq)]
pub struct ShowView {
    /// The commit shown.
    pub commit: CommitId,
    /// Its CI status.
    pub ci_status: CiStatus,
    /// Every upload its report merges, its own then carried ones.
    pub uploads: Vec<ShowUpload>,
    /// Its totals, the uploads merged.
    pub totals: Totals,
    /// Per-file totals, sorted by path.
    pub files: Vec<(String, Totals)>,
    /// Report paths that matched no file in the commit's tree.
    pub unresolved: Vec<String>,
}

/// One upload `covgit show` lists. Only `flag` and `format` are in JSON, whose schema is fixed.
#[derive(Debug, Clone, PartialEq)]
pub struct ShowUpload {
    /// Its flag (`None` without `--flag`).
    pub flag: Option<Flag>,
    /// Its input format.
    pub format: String,
    /// Its CI status.
    pub ci_status: CiStatus,
    /// When it was recorded, Unix seconds.
    pub recorded_at: i64,
    /// How many lines its report tracks (a carried one: once remapped to the commit).
    pub lines: u64,
    /// How many files `record` left out of it as generated code.
    pub generated: u64,
    /// The ancestor it is carried from (`[flags] carryforward`); `None`: the commit's own.
    pub carried_from: Option<CommitId>,
}

/// How an upload without a flag is named in text (a flag can hold no parenthesis).
pub const NO_FLAG: &str = "(no flag)";

/// Paths, flags and format names escaped; no line starts a CI workflow command.
pub(super) fn text(out: &mut dyn Write, v: &ShowView, p: &Palette) -> io::Result<()> {
    escape::guard_lines(out, |out| write(out, v, p))
}

fn write(out: &mut dyn Write, v: &ShowView, p: &Palette) -> io::Result<()> {
    writeln!(
        out,
        "{} {} ({})",
        p.header.paint("commit"),
        v.commit,
        p.ci_status(v.ci_status).paint(v.ci_status)
    )?;
    let t = &v.totals;
    let mut summary = format!(
        "{}, {}: {} hit, {} partial, {} miss",
        figures::count(t.files, "file", "files"),
        figures::count(t.lines, "line", "lines"),
        t.hit,
        t.partial,
        t.miss
    );
    if t.branches > 0 {
        summary = format!(
            "{summary}; {}/{} taken",
            t.branches_hit,
            figures::count(t.branches, "branch", "branches")
        );
    }
    writeln!(
        out,
        "{} {} ({summary})",
        p.header.paint("Total:"),
        figures::percent(t.coverage())
    )?;
    writeln!(out, "{} {}", p.header.paint("Uploads:"), v.uploads.len())?;
    uploads(out, &v.uploads, p)?;

    writeln!(out)?;
    if v.files.is_empty() {
        writeln!(out, "No files in the report.")?;
    } else {
        let mut rows = vec![
            ["path", "lines", "hit", "partial", "miss", "coverage"]
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    if i == 0 {
                        Cell::left(*h, p.header)
                    } else {
                        Cell::right(*h, p.header)
                    }
                })
                .collect::<Vec<_>>(),
        ];
        rows.extend(v.files.iter().map(|(path, t)| {
            vec![
                Cell::left(path.as_str(), p.path),
                Cell::right(t.lines.to_string(), p.dim),
                Cell::right(t.hit.to_string(), p.hit),
                Cell::right(t.partial.to_string(), p.partial),
                Cell::right(t.miss.to_string(), p.miss),
                Cell::right(figures::percent(t.coverage()), p.header),
            ]
        }));
        table::write(out, "", &rows)?;
    }

    if !v.unresolved.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{} matched no file in {}'s tree, so no diff covers them; \
             add a [paths] fixes rule to .covgit.toml and record again:",
            figures::count(
                v.unresolved.len() as u64,
                "unresolved path",
                "unresolved paths"
            ),
            v.commit.short()
        )?;
        for path in &v.unresolved {
            writeln!(out, "  {}", p.miss.paint(escape::text(path)))?;
        }
    }
    Ok(())
}

/// One row per upload: flag, format, CI status, when recorded, lines, where a carried one
/// came from, and how many generated files were left out.
fn uploads(out: &mut dyn Write, all: &[ShowUpload], p: &Palette) -> io::Result<()> {
    let rows: Vec<Vec<Cell>> = all
        .iter()
        .map(|u| {
            let mut row = vec![
                Cell::left(u.flag.as_ref().map_or(NO_FLAG, Flag::as_str), p.dim),
                Cell::left(u.format.as_str(), p.dim),
                Cell::left(u.ci_status.as_str(), p.ci_status(u.ci_status)),
                Cell::left(super::dates::utc(u.recorded_at), p.dim),
                Cell::right(figures::count(u.lines, "line", "lines"), p.dim),
            ];
            if let Some(origin) = &u.carried_from {
                row.push(Cell::left(
                    format!("carried from {}", origin.short()),
                    p.dim,
                ));
            }
            let generated = &u.generated;
            if *generated > 0 {
                row.push(Cell::left(
                    format!(
                        "{} left out (linguist-generated in .gitattributes)",
                        figures::count(*generated, "generated file", "generated files")
                    ),
                    p.dim,
                ));
            }
            row
        })
        .collect();
    table::write(out, "  ", &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::QueryFormat;
    use crate::render::fixtures::{sha, totals};

    fn view() -> ShowView {
        let mut t = totals(2, 4, 1, 4);
        t.branches = 4;
        t.branches_hit = 3;
        ShowView {
            commit: sha('1'),
            ci_status: CiStatus::Passed,
            uploads: vec![
                upload(Some("unit"), "lcov", 7),
                upload(None, "cobertura", 2),
            ],
            totals: t,
            files: vec![
                ("src/a.py".into(), totals(1, 4, 1, 2)),
                ("src/empty.py".into(), totals(1, 0, 0, 0)),
                ("src/generated/b.py".into(), totals(1, 0, 0, 2)),
            ],
            unresolved: vec!["build/x.py".into()],
        }
    }

    fn upload(flag: Option<&str>, format: &str, lines: u64) -> ShowUpload {
        ShowUpload {
            flag: flag.map(|f| Flag::new(f).unwrap()),
            format: format.into(),
            ci_status: CiStatus::Passed,
            recorded_at: 1_700_000_000,
            lines,
            generated: 0,
            carried_from: None,
        }
    }

    fn render(v: &ShowView, json: bool, p: &Palette) -> String {
        let mut out = Vec::new();
        let format = if json {
            QueryFormat::Json
        } else {
            QueryFormat::Text
        };
        crate::render::show(&mut out, v, format, p).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_has_totals_uploads_a_file_table_and_unresolved_paths_with_a_hint() {
        let text = render(&view(), false, &Palette::default());
        assert_eq!(
            text,
            "\
commit 1111111111111111111111111111111111111111 (passed)
Total: 55.56% (2 files, 9 lines: 4 hit, 1 partial, 4 miss; 3/4 branches taken)
Uploads: 2
  unit       lcov       passed  2023-11-14 22:13 UTC  7 lines
  (no flag)  cobertura  passed  2023-11-14 22:13 UTC  2 lines

path                lines  hit  partial  miss  coverage
src/a.py                7    4        1     2    71.43%
src/empty.py            0    0        0     0       n/a
src/generated/b.py      2    0        0     2     0.00%

1 unresolved path matched no file in 1111111's tree, so no diff covers them; \
add a [paths] fixes rule to .covgit.toml and record again:
  build/x.py
"
        );
        assert!(!text.contains('\x1b'));
        assert!(render(&view(), false, &Palette::colorized()).contains("\x1b[32mpassed\x1b[0m"));
    }

    #[test]
    fn paths_are_escaped_and_no_line_starts_a_workflow_command() {
        let mut v = view();
        v.files = vec![("::add-mask::x.py".into(), totals(1, 1, 0, 0))];
        v.unresolved = vec!["a\n::error::b\x1b[2J".into()];
        let text = render(&v, false, &Palette::default());
        assert!(
            text.contains("\n\\x3a:add-mask::x.py      1    1        0     0   100.00%\n"),
            "{text}"
        );
        assert!(text.ends_with("\n  a\\n::error::b\\x1b[2J\n"), "{text}");
        let colored = render(&v, false, &Palette::colorized());
        assert!(
            colored.contains("\n\x1b[34m\\x3a:add-mask::x.py\x1b[0m"),
            "{colored:?}"
        );
    }

    #[test]
    fn an_empty_report_says_so() {
        let mut v = view();
        v.files.clear();
        v.unresolved.clear();
        v.uploads.truncate(1);
        v.totals = Totals::default();
        v.ci_status = CiStatus::Failed;
        assert_eq!(
            render(&v, false, &Palette::default()),
            "\
commit 1111111111111111111111111111111111111111 (failed)
Total: n/a (0 files, 0 lines: 0 hit, 0 partial, 0 miss)
Uploads: 1
  unit  lcov  passed  2023-11-14 22:13 UTC  7 lines

No files in the report.
"
        );
    }

    #[test]
    fn an_upload_with_generated_files_left_out_says_how_many_and_why() {
        let mut v = view();
        v.uploads[0].generated = 3;
        v.uploads[1].generated = 1;
        let text = render(&v, false, &Palette::default());
        assert!(
            text.contains(
                "\nUploads: 2\n\
                 \x20 unit       lcov       passed  2023-11-14 22:13 UTC  7 lines  3 generated \
                 files left out (linguist-generated in .gitattributes)\n\
                 \x20 (no flag)  cobertura  passed  2023-11-14 22:13 UTC  2 lines  1 generated \
                 file left out (linguist-generated in .gitattributes)\n\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_carried_upload_says_where_it_came_from() {
        let mut v = view();
        v.uploads.truncate(1);
        v.uploads.push(ShowUpload {
            ci_status: CiStatus::Passed,
            carried_from: Some(sha('5')),
            ..upload(Some("e2e"), "cobertura", 12)
        });
        let text = render(&v, false, &Palette::default());
        assert!(
            text.contains(
                "\nUploads: 2\n\
                 \x20 unit  lcov       passed  2023-11-14 22:13 UTC   7 lines\n\
                 \x20 e2e   cobertura  passed  2023-11-14 22:13 UTC  12 lines  carried from 5555555\n\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn json_follows_the_show_schema() {
        // The count of generated files is text only: `covgit/show/1` is fixed.
        let mut v = view();
        v.uploads[0].generated = 3;
        v.uploads[1].carried_from = Some(sha('5'));
        let text = render(&v, true, &Palette::colorized());
        assert!(!text.contains('\x1b'));
        assert!(text.ends_with("}\n"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        crate::render::json::tests::assert_keys(
            &v,
            &[
                "schema",
                "commit",
                "ci_status",
                "uploads",
                "totals",
                "files",
                "unresolved",
            ],
        );
        assert_eq!(v["schema"], "covgit/show/1");
        assert_eq!(v["commit"], "1".repeat(40));
        assert_eq!(v["ci_status"], "passed");
        assert_eq!(
            v["uploads"],
            serde_json::json!([
                {"flag": "unit", "format": "lcov"},
                {"flag": null, "format": "cobertura"}
            ])
        );
        crate::render::json::tests::assert_totals(
            &v["totals"],
            [2, 9, 4, 1, 4, 4, 3],
            Some(5.0 / 9.0 * 100.0),
        );
        let files = v["files"].as_array().unwrap();
        assert_eq!(files.len(), 3);
        crate::render::json::tests::assert_keys(&files[0], &["path", "totals"]);
        assert_eq!(files[0]["path"], "src/a.py");
        crate::render::json::tests::assert_totals(
            &files[0]["totals"],
            [1, 7, 4, 1, 2, 0, 0],
            Some(5.0 / 7.0 * 100.0),
        );
        assert_eq!(files[1]["path"], "src/empty.py");
        assert!(files[1]["totals"]["coverage"].is_null());
        assert_eq!(files[2]["path"], "src/generated/b.py");
        assert_eq!(v["unresolved"], serde_json::json!(["build/x.py"]));
    }
}

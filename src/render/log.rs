//! `covgit log`: the recorded commits along history, newest first, one line each.

use std::io::{self, Write};

use super::escape;
use super::figures;
use super::show::NO_FLAG;
use super::style::{Palette, Style};
use super::table::{self, Cell};
use crate::model::{CiStatus, CommitId, Flag, Totals};

/// One recorded commit in `covgit log`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// The recorded commit.
    pub commit: CommitId,
    /// Its CI status.
    pub ci_status: CiStatus,
    /// One entry per upload: its flag, `None` for an upload recorded without `--flag`.
    pub flags: Vec<Option<Flag>>,
    /// Its totals, the uploads merged.
    pub totals: Totals,
    /// Coverage change in points against the next older recorded entry; `None` for the
    /// oldest or when either has no coverage.
    pub delta: Option<f64>,
    /// The commit's summary line, when known.
    pub subject: Option<String>,
}

/// Writes the entries (newest first) as `covgit/log/1` JSON, or as text styled with
/// `palette`.
pub fn log(
    out: &mut dyn Write,
    entries: &[LogEntry],
    json: bool,
    palette: &Palette,
) -> io::Result<()> {
    if json {
        super::json::log(out, entries)
    } else {
        text(out, entries, palette)
    }
}

/// Subjects and flags escaped by the table; no line starts a CI workflow command.
fn text(out: &mut dyn Write, entries: &[LogEntry], p: &Palette) -> io::Result<()> {
    escape::guard_lines(out, |out| write(out, entries, p))
}

fn write(out: &mut dyn Write, entries: &[LogEntry], p: &Palette) -> io::Result<()> {
    // SPEC: text `log` is one line per recorded commit and nothing else; the caller says
    // on stderr that none was found.
    if entries.is_empty() {
        return Ok(());
    }
    let rows: Vec<Vec<Cell>> = entries
        .iter()
        .map(|e| {
            let flags = e
                .flags
                .iter()
                .map(|f| f.as_ref().map_or(NO_FLAG, Flag::as_str))
                .collect::<Vec<_>>()
                .join(",");
            let delta = if e.delta.is_some() {
                figures::delta(e.delta)
            } else {
                String::new()
            };
            vec![
                Cell::left(e.commit.short(), p.dim),
                Cell::left(e.ci_status.as_str(), p.ci_status(e.ci_status)),
                Cell::left(flags, Style::PLAIN),
                Cell::right(figures::percent(e.totals.coverage()), p.header),
                Cell::right(delta, p.delta(e.delta)),
                Cell::left(e.subject.as_deref().unwrap_or(""), Style::PLAIN),
            ]
        })
        .collect();
    table::write(out, "", &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{sha, totals};
    use crate::render::json::tests::{assert_keys, assert_totals};

    fn entries() -> Vec<LogEntry> {
        let unit = Some(Flag::new("unit").unwrap());
        let integration = Some(Flag::new("integration").unwrap());
        vec![
            LogEntry {
                commit: sha('1'),
                ci_status: CiStatus::Passed,
                flags: vec![unit.clone(), integration],
                totals: totals(2, 8, 0, 2),
                delta: Some(5.0),
                subject: Some("Test the parser".into()),
            },
            LogEntry {
                commit: sha('2'),
                ci_status: CiStatus::Failed,
                flags: vec![None],
                totals: totals(2, 3, 0, 1),
                delta: Some(-25.0),
                subject: None,
            },
            LogEntry {
                commit: sha('3'),
                ci_status: CiStatus::Pending,
                flags: vec![unit],
                totals: totals(1, 1, 0, 0),
                delta: None,
                subject: Some("Start".into()),
            },
        ]
    }

    fn render(e: &[LogEntry], json: bool, p: &Palette) -> String {
        let mut out = Vec::new();
        log(&mut out, e, json, p).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_is_one_aligned_line_per_commit() {
        let text = render(&entries(), false, &Palette::default());
        assert_eq!(
            text,
            "\
1111111  passed   unit,integration   80.00%   +5.00  Test the parser
2222222  failed   (no flag)          75.00%  -25.00
3333333  pending  unit              100.00%          Start
"
        );
        let colored = render(&entries(), false, &Palette::colorized());
        assert!(colored.contains("\x1b[31mfailed\x1b[0m "));
        assert!(colored.contains("\x1b[1;31m-25.00\x1b[0m"));
        assert_eq!(render(&[], false, &Palette::default()), "");
    }

    #[test]
    fn subjects_are_escaped_and_no_line_starts_a_workflow_command() {
        let mut e = entries();
        e[0].subject = Some("retitle \x1b]0;x\x07\n::error::y".into());
        e.truncate(1);
        let text = render(&e, false, &Palette::colorized());
        assert!(
            text.ends_with("  retitle \\x1b]0;x\\x07\\n::error::y\n"),
            "{text:?}"
        );
        assert_eq!(text.lines().count(), 1);
    }

    #[test]
    fn json_follows_the_log_schema_newest_first() {
        let text = render(&entries(), true, &Palette::colorized());
        assert!(!text.contains('\x1b'));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_keys(&v, &["schema", "commits"]);
        assert_eq!(v["schema"], "covgit/log/1");
        let commits = v["commits"].as_array().unwrap();
        assert_eq!(commits.len(), 3);
        for c in commits {
            assert_keys(c, &["commit", "ci_status", "flags", "totals"]);
        }
        assert_eq!(commits[0]["commit"], "1".repeat(40));
        assert_eq!(commits[0]["ci_status"], "passed");
        assert_eq!(
            commits[0]["flags"],
            serde_json::json!(["unit", "integration"])
        );
        assert_totals(&commits[0]["totals"], [2, 10, 8, 0, 2, 0, 0], Some(80.0));
        assert_eq!(commits[1]["ci_status"], "failed");
        assert_eq!(commits[1]["flags"], serde_json::json!([null]));
        assert_eq!(commits[2]["commit"], "3".repeat(40));
        assert_eq!(commits[2]["ci_status"], "pending");
        let empty: serde_json::Value =
            serde_json::from_str(&render(&[], true, &Palette::default())).unwrap();
        assert_eq!(
            empty,
            serde_json::json!({"schema": "covgit/log/1", "commits": []})
        );
    }
}

//! `covgit log`: the recorded commits along history, newest first, one line each.

use std::io::{self, Write};

use super::escape;
use super::figures;
use super::note;
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
    /// The `[flags] carryforward` flags it inherits (it has no upload of them), each with
    /// the commit it is carried from.
    pub carried: Vec<(Flag, CommitId)>,
    /// The `[flags] expected` flags it has no upload of, sorted; text marks it incomplete.
    pub missing_flags: Vec<Flag>,
    /// Its totals, the uploads merged, carried ones included.
    pub totals: Totals,
    /// Coverage change in points against the next older recorded entry; `None` for the
    /// oldest or when either has no coverage.
    pub delta: Option<f64>,
    /// The commit's summary line, when known.
    pub subject: Option<String>,
}

/// The recorded commits found and how the walk went.
#[derive(Debug)]
pub struct LogOutcome {
    /// Newest first, at most `limit`.
    pub entries: Vec<LogEntry>,
    /// First-parent commits walked.
    pub walked: usize,
    /// Set when the walk was cut short before `limit` entries were found.
    pub stopped: Option<LogStop>,
    /// With no entry: the remote that shares coverage this clone could pull.
    pub shared_on: Option<String>,
}

/// Why `log` stopped walking before it found as many recorded commits as asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStop {
    /// The most commits `log` walks were walked.
    WalkLimit,
    /// The history is shallow there.
    Shallow,
}

/// Why fewer commits were listed than asked for (`asked`: `-n N`), and what to do about it:
/// `note: ...` lines for stderr, since text `log` prints only recorded commits on stdout.
pub fn notes(out: &mut dyn Write, o: &LogOutcome, asked: Option<usize>) -> io::Result<()> {
    let found = o.entries.len();
    let walked = figures::count(o.walked as u64, "commit", "commits");
    let asked_for = |n: usize| figures::count(n as u64, "recorded commit", "recorded commits");
    match (o.stopped, asked) {
        (Some(LogStop::WalkLimit), Some(n)) => note::line(
            out,
            &format!(
                "note: found {found} of the {} asked for in the {walked} walked (the most log walks); pass REV or A..B to start further back",
                asked_for(n)
            ),
        )?,
        (Some(LogStop::Shallow), Some(n)) => note::line(
            out,
            &format!(
                "note: found {found} of the {} asked for before the shallow history ended",
                asked_for(n)
            ),
        )?,
        _ => {}
    }
    if found == 0 && asked != Some(0) {
        let hint = match &o.shared_on {
            Some(remote) => {
                format!("remote '{remote}' shares coverage: import it with `covgit pull {remote}`")
            }
            None => "record one with `covgit record` after running the tests".to_owned(),
        };
        note::line(
            out,
            &format!("note: no recorded commit in the {walked} walked; {hint}"),
        )?;
    }
    Ok(())
}

/// Subjects and flags escaped by the table; no line starts a CI workflow command.
pub(super) fn text(out: &mut dyn Write, entries: &[LogEntry], p: &Palette) -> io::Result<()> {
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
            let mut flags = e
                .flags
                .iter()
                .map(|f| f.as_ref().map_or(NO_FLAG, Flag::as_str).to_owned())
                .chain(
                    e.carried
                        .iter()
                        .map(|(f, from)| format!("{f} (carried from {})", from.short())),
                )
                .collect::<Vec<_>>()
                .join(",");
            if !e.missing_flags.is_empty() {
                let missing: Vec<&str> = e.missing_flags.iter().map(Flag::as_str).collect();
                flags = format!("{flags} (incomplete: no {})", missing.join(","));
            }
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
    use crate::render::QueryFormat;
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
                carried: vec![],
                missing_flags: vec![],
                totals: totals(2, 8, 0, 2),
                delta: Some(5.0),
                subject: Some("Test the parser".into()),
            },
            LogEntry {
                commit: sha('2'),
                ci_status: CiStatus::Failed,
                flags: vec![None],
                carried: vec![],
                missing_flags: vec![],
                totals: totals(2, 3, 0, 1),
                delta: Some(-25.0),
                subject: None,
            },
            LogEntry {
                commit: sha('3'),
                ci_status: CiStatus::Pending,
                flags: vec![unit],
                carried: vec![],
                missing_flags: vec![],
                totals: totals(1, 1, 0, 0),
                delta: None,
                subject: Some("Start".into()),
            },
        ]
    }

    fn render(e: &[LogEntry], json: bool, p: &Palette) -> String {
        let mut out = Vec::new();
        let format = if json {
            QueryFormat::Json
        } else {
            QueryFormat::Text
        };
        crate::render::log(&mut out, e, format, p).unwrap();
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
    fn an_incomplete_commit_is_marked_with_the_flags_it_lacks_in_text_only() {
        let mut e = entries();
        e[2].missing_flags = vec![Flag::new("e2e").unwrap(), Flag::new("integration").unwrap()];
        let text = render(&e, false, &Palette::default());
        assert_eq!(
            text.lines().nth(2),
            Some("3333333  pending  unit (incomplete: no e2e,integration)  100.00%          Start")
        );
        let v: serde_json::Value =
            serde_json::from_str(&render(&e, true, &Palette::default())).unwrap();
        assert_keys(
            &v["commits"][2],
            &["commit", "ci_status", "flags", "totals"],
        );
        assert_eq!(v["commits"][2]["flags"], serde_json::json!(["unit"]));
    }

    #[test]
    fn a_carried_flag_is_listed_with_its_origin_in_text_and_by_name_in_json() {
        let mut e = entries();
        e[2].carried = vec![(Flag::new("e2e").unwrap(), sha('9'))];
        let text = render(&e, false, &Palette::default());
        assert_eq!(
            text.lines().nth(2),
            Some("3333333  pending  unit,e2e (carried from 9999999)  100.00%          Start")
        );
        let v: serde_json::Value =
            serde_json::from_str(&render(&e, true, &Palette::default())).unwrap();
        assert_keys(
            &v["commits"][2],
            &["commit", "ci_status", "flags", "totals"],
        );
        assert_eq!(v["commits"][2]["flags"], serde_json::json!(["unit", "e2e"]));
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

    #[test]
    fn notes_say_why_fewer_commits_were_listed_and_what_to_do() {
        let said = |o: &LogOutcome, asked| {
            let mut out = Vec::new();
            notes(&mut out, o, asked).unwrap();
            String::from_utf8(out).unwrap()
        };
        let mut o = LogOutcome {
            entries: entries(),
            walked: 10_000,
            stopped: Some(LogStop::WalkLimit),
            shared_on: None,
        };
        assert_eq!(
            said(&o, Some(5)),
            "note: found 3 of the 5 recorded commits asked for in the 10000 commits walked (the \
             most log walks); pass REV or A..B to start further back\n"
        );
        assert_eq!(said(&o, None), "");
        o.stopped = Some(LogStop::Shallow);
        assert_eq!(
            said(&o, Some(1)),
            "note: found 3 of the 1 recorded commit asked for before the shallow history ended\n"
        );
        o.entries.clear();
        o.stopped = None;
        o.walked = 1;
        o.shared_on = Some("origin".into());
        assert_eq!(
            said(&o, None),
            "note: no recorded commit in the 1 commit walked; remote 'origin' shares coverage: \
             import it with `covgit pull origin`\n"
        );
        assert_eq!(said(&o, Some(0)), "");
    }
}

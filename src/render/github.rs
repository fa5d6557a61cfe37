//! `covgit compare --format github`: GitHub Actions workflow commands that annotate the pull
//! request's diff: `::warning file=P,line=N,endLine=M::…` for every run of added lines that
//! miss and every run of lost lines. Moved and reformatted lines get none unless they lost
//! coverage, and then the message names where they came from. Nothing else is printed, so
//! the output can go straight to the runner.
//!
//! Escaping follows GitHub's workflow-command rules: in the message `%`, `\r` and `\n`
//! become `%25`, `%0D` and `%0A`; in property values `:` and `,` also become `%3A` and `%2C`.

use std::io::{self, Write};

use super::figures;
use crate::compare::{Comparison, LineKind, LineRun, RelocatedBlock};
use crate::model::{LineState, RelocationKind};

/// Writes one annotation per run that needs attention, in the comparison's order.
pub fn compare(out: &mut dyn Write, c: &Comparison) -> io::Result<()> {
    for run in &c.lines {
        if let Some(message) = message(run, &c.relocated) {
            writeln!(
                out,
                "::warning file={},line={},endLine={}::{}",
                property(&run.path),
                run.start,
                run.end,
                data(&message)
            )?;
        }
    }
    Ok(())
}

fn message(run: &LineRun, blocks: &[RelocatedBlock]) -> Option<String> {
    match (run.kind, run.from, run.to) {
        (LineKind::Added, _, Some(LineState::Miss)) => Some(format!(
            "{} not covered by tests",
            figures::count(figures::run_len(run), "added line", "added lines")
        )),
        (LineKind::Lost, Some(from), Some(to)) => {
            let lost = format!("coverage lost: was {}, now {}", from.as_str(), to.as_str());
            let origin = figures::block_of(blocks, run)
                .zip(figures::origin(blocks, run, figures::span))
                .map(|(b, origin)| match b.kind {
                    RelocationKind::Moved => format!(" (moved from {origin})"),
                    RelocationKind::Reformatted => format!(" (reformatted from {origin})"),
                });
            Some(lost + &origin.unwrap_or_default())
        }
        _ => None,
    }
}

/// A message (the part after `::`).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (`file=…`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures::{self, run};

    fn render(c: &Comparison) -> String {
        let mut out = Vec::new();
        compare(&mut out, c).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn annotates_added_lines_that_miss_and_lost_lines_only() {
        assert_eq!(
            render(&fixtures::comparison()),
            "\
::warning file=src/a.py,line=12,endLine=12::1 added line not covered by tests
::warning file=src/b.py,line=3,endLine=4::coverage lost: was hit, now miss
"
        );
        assert_eq!(render(&fixtures::empty_comparison()), "");
    }

    #[test]
    fn moved_lines_are_annotated_only_when_they_lost_coverage_naming_their_origin() {
        let mut c = fixtures::relocated_comparison();
        c.lines.push(run(
            "src/c.py",
            LineKind::Lost,
            Some(LineState::Hit),
            Some(LineState::Partial),
            (61, 61),
            Some(58),
        ));
        c.lines.push(run(
            fixtures::ODD_PATH,
            LineKind::Lost,
            Some(LineState::Hit),
            Some(LineState::Miss),
            (5, 5),
            Some(5),
        ));
        c.lines.last_mut().unwrap().base_path = Some("50%,\n.py".into());
        assert_eq!(
            render(&c),
            "\
::warning file=src/b.py,line=12,endLine=14::coverage lost: was hit, now miss (moved from src/a.py:21-23)
::warning file=src/c.py,line=61,endLine=61::coverage lost: was hit, now partial (reformatted from src/c.py:58)
::warning file=src/@team|x`.py,line=5,endLine=5::coverage lost: was hit, now miss (moved from 50%25,%0A.py:5)
"
        );
    }

    #[test]
    fn paths_and_messages_are_escaped_per_workflow_command_rules() {
        use LineState::{Hit, Miss, Partial};
        let mut c = fixtures::empty_comparison();
        c.lines = vec![
            run(
                "a,b:c%d\r\n.py",
                LineKind::Added,
                None,
                Some(Miss),
                (1, 3),
                None,
            ),
            run(
                "x.py",
                LineKind::Lost,
                Some(Hit),
                Some(Partial),
                (7, 7),
                Some(6),
            ),
            run("x.py", LineKind::Added, None, Some(Partial), (9, 9), None),
        ];
        assert_eq!(
            render(&c),
            "\
::warning file=a%2Cb%3Ac%25d%0D%0A.py,line=1,endLine=3::3 added lines not covered by tests
::warning file=x.py,line=7,endLine=7::coverage lost: was hit, now partial
"
        );
        assert_eq!(data("50% a:b,c\n"), "50%25 a:b,c%0A");
    }
}

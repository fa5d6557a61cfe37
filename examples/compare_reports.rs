//! covgit as a library, without git, a database or the CLI: two reports of one file and the
//! diff between its versions go in, the comparison comes out, rendered as text and JSON.
//!
//! `cargo run --example compare_reports`

use covgit::compare::{self, BaseChoice, HeadSource, SideUploads, Sides};
use covgit::model::{ChangeKind, CommitId, FileChange, FileCoverage, Hunk, LineCoverage, Report};
use covgit::render::{self, CompareFormat, Context};

fn report(path: &str, lines: &[(u32, u64)]) -> Report {
    let mut r = Report::default();
    let cov = lines
        .iter()
        .map(|&(n, h)| (n, LineCoverage::new(h)))
        .collect();
    r.files.insert(
        path.to_owned(),
        FileCoverage::from_entries(cov, LineCoverage::merge_max),
    );
    r
}

fn main() -> std::io::Result<()> {
    // Base: lines 1-6 tracked, 1-4 covered.
    let base = report(
        "src/calc.py",
        &[(1, 1), (2, 1), (3, 1), (4, 1), (5, 0), (6, 0)],
    );
    // Head: two lines were inserted at the top (one covered), so the old lines moved down
    // by two; old line 4 is no longer covered, old line 5 now is.
    let head = report(
        "src/calc.py",
        &[
            (1, 1),
            (2, 0),
            (3, 1),
            (4, 1),
            (5, 1),
            (6, 0),
            (7, 3),
            (8, 0),
        ],
    );
    // What `git diff` says: 2 lines added before old line 1.
    let changes = [FileChange {
        old_path: Some("src/calc.py".into()),
        new_path: Some("src/calc.py".into()),
        kind: ChangeKind::Modified,
        hunks: vec![Hunk {
            old_start: 1,
            old_len: 0,
            new_start: 1,
            new_len: 2,
        }],
    }];
    let comparison = compare::compare(&base, &head, &changes);

    let id = |c: char| CommitId::new(&c.to_string().repeat(40)).expect("40 hex digits");
    let sides = Sides {
        base: BaseChoice {
            requested: id('a'),
            used: id('a'),
            pseudo: false,
            skipped: vec![],
        },
        offsets: false,
        head: Some(id('b')),
        head_source: HeadSource::File,
        worktree: None,
        baseline: None,
        uploads: SideUploads::default(),
        missing_flags: Vec::new(),
    };
    let mut out = std::io::stdout().lock();
    render::compare(
        &mut out,
        &sides,
        &comparison,
        CompareFormat::Text,
        &Context::plain(),
    )?;
    render::compare(
        &mut out,
        &sides,
        &comparison,
        CompareFormat::Json,
        &Context::plain(),
    )
}

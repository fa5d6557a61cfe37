//! The README runs as written. Its demo transcript is exactly what `examples/demo.sh`
//! prints, every shell and TOML snippet is run here, and every other fenced block but plain
//! `text` (yaml included) carries a marker saying why it is not, so the README cannot drift
//! from covgit again.
//!
//! Markers are HTML comments on the line before a fence, invisible on the rendered page:
//! - `<!-- readme-test: transcript -->`: the demo's output, compared byte for byte;
//! - `<!-- readme-test: run -->`: a `sh` block run with bash (`-eu`, `pipefail`) in a
//!   repository holding the demo's two commits and `coverage.xml`, covgit on `PATH`;
//!   a `toml` block written as that repository's `.covgit.toml` and read by `covgit log`;
//! - `<!-- readme-test: skip REASON -->`: not run here, for the reason given.

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{TestRepo, hermetic};

const README: &str = include_str!("../../README.md");
const MARKER: &str = "<!-- readme-test: ";

struct Block {
    /// The README line of the opening fence (1-based), for messages.
    line: usize,
    lang: String,
    marker: Option<String>,
    body: String,
}

fn blocks() -> Vec<Block> {
    blocks_of(README)
}

fn blocks_of(readme: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = readme.lines().enumerate().peekable();
    let mut previous: Option<&str> = None;
    while let Some((i, line)) = lines.next() {
        // A fence may be indented by spaces (inside a list item).
        if let Some(lang) = line.trim_start_matches(' ').strip_prefix("```") {
            let mut body = String::new();
            for (_, l) in lines.by_ref() {
                if l.trim_start_matches(' ').starts_with("```") {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            let marker = previous
                .and_then(|p| p.trim().strip_prefix(MARKER))
                .and_then(|m| m.strip_suffix("-->"))
                .map(|m| m.trim().to_owned());
            out.push(Block {
                line: i + 1,
                lang: lang.trim().to_owned(),
                marker,
                body,
            });
            previous = None;
        } else {
            previous = Some(line);
        }
    }
    out
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A repository with the demo's history (v1, then v2 at HEAD) and v2's report as
/// `coverage.xml` in its root (excluded from git, as a report usually is).
fn demo_repo() -> TestRepo {
    let repo = TestRepo::new();
    let demo = manifest_dir().join("examples/demo");
    for (version, msg) in [
        ("v1", "Cart with totals and discounts"),
        ("v2", "Add tax()"),
    ] {
        let src = repo.path().join("src");
        if src.exists() {
            std::fs::remove_dir_all(&src).expect("remove src");
        }
        copy_dir(&demo.join(version).join("src"), &src);
        repo.commit(msg);
    }
    std::fs::copy(
        demo.join("v2/coverage.xml"),
        repo.path().join("coverage.xml"),
    )
    .expect("copy the report");
    std::fs::write(repo.path().join(".git/info/exclude"), "coverage.xml\n").expect("exclude");
    repo
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read the demo") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// A folder holding only a `covgit` link to the binary under test, to put first on `PATH`.
fn covgit_on_path(home: &Path) -> String {
    let bin = home.join("bin");
    std::fs::create_dir_all(&bin).expect("bin folder");
    let link = bin.join("covgit");
    if !link.exists() {
        symlink(env!("CARGO_BIN_EXE_covgit"), &link).expect("link covgit");
    }
    let path = std::env::var("PATH").unwrap_or_default();
    format!("{}:{path}", bin.display())
}

/// `s` with every `YYYY-MM-DD HH:MM UTC` replaced by `[time]`.
fn mask_times(s: &str) -> String {
    const SHAPE: &[u8] = b"dddd-dd-dd dd:dd UTC";
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let fits = b.len() - i >= SHAPE.len()
            && SHAPE.iter().zip(&b[i..]).all(|(want, got)| match want {
                b'd' => got.is_ascii_digit(),
                w => w == got,
            });
        if fits {
            out.push_str("[time]");
            i += SHAPE.len();
        } else {
            let ch = s[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

#[test]
fn the_demo_transcript_is_what_the_demo_prints() {
    let transcript: Vec<Block> = blocks()
        .into_iter()
        .filter(|b| b.marker.as_deref() == Some("transcript"))
        .collect();
    assert_eq!(transcript.len(), 1, "the README has one demo transcript");
    let home = tempfile::tempdir().expect("a temporary folder");
    let mut cmd = Command::new("bash");
    hermetic(&mut cmd, home.path());
    let out = cmd
        .arg(manifest_dir().join("examples/demo.sh"))
        .env("COVGIT_BIN", env!("CARGO_BIN_EXE_covgit"))
        .output()
        .expect("bash runs");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "examples/demo.sh failed: {printed}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // `show` prints when each upload was recorded: the clock of the run, not of the README.
    assert_eq!(
        mask_times(printed.trim_start()),
        mask_times(&transcript[0].body),
        "README.md line {}: the transcript differs from what examples/demo.sh prints",
        transcript[0].line
    );
}

#[test]
fn every_snippet_runs_as_written_or_says_why_not() {
    let mut ran = 0;
    for block in blocks() {
        // Every block but plain text says whether it runs: yaml and unlabelled ones too.
        let Some(marker) = block.marker.as_deref() else {
            assert!(
                block.lang == "text",
                "README.md line {}: a `{}` snippet needs a `{MARKER}run -->` or `{MARKER}skip REASON -->` line before it",
                block.line,
                block.lang
            );
            continue;
        };
        if marker == "transcript" {
            continue; // the_demo_transcript_is_what_the_demo_prints
        }
        if let Some(reason) = marker.strip_prefix("skip") {
            assert!(
                !reason.trim().is_empty(),
                "README.md line {}: say why the snippet is skipped",
                block.line
            );
            continue;
        }
        assert_eq!(
            marker, "run",
            "README.md line {}: unknown marker",
            block.line
        );
        assert!(
            matches!(block.lang.as_str(), "sh" | "bash" | "toml"),
            "README.md line {}: only sh, bash and toml snippets can run",
            block.line
        );
        let repo = demo_repo();
        let path = covgit_on_path(&repo.home());
        let mut cmd = Command::new("bash");
        hermetic(&mut cmd, &repo.home());
        cmd.current_dir(repo.path()).env("PATH", path);
        if block.lang == "toml" {
            std::fs::write(repo.path().join(".covgit.toml"), &block.body).expect("config");
            cmd.args(["-c", "covgit record && covgit log"]);
        } else {
            cmd.args(["-euo", "pipefail", "-c", &block.body]);
        }
        let out = cmd.output().expect("bash runs");
        assert!(
            out.status.success(),
            "README.md line {}: the snippet failed ({}):\n{}\nstdout:\n{}\nstderr:\n{}",
            block.line,
            out.status,
            block.body,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ran += 1;
    }
    assert!(ran >= 3, "only {ran} README snippets ran");
}

#[test]
fn indented_fences_and_their_markers_are_found() {
    let found = blocks_of(
        "- a step:\n  <!-- readme-test: skip: needs CI -->\n  ```yaml\n  on: push\n  ```\n\n```\nplain\n```\n",
    );
    let seen: Vec<(&str, Option<&str>, &str)> = found
        .iter()
        .map(|b| (b.lang.as_str(), b.marker.as_deref(), b.body.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("yaml", Some("skip: needs CI"), "  on: push\n"),
            ("", None, "plain\n"),
        ]
    );
}

//! Snapshots (insta) of what a user reads: every command's human output with its exit status,
//! on small hermetic repositories, and `covgit --help` with each subcommand's help, so the CLI
//! reference lives in the repository and a change of wording shows in review.
//!
//! Commit ids are replaced by the commit's subject (`<calc>` for a short id, `<calc:40>` for a
//! full one), the temporary folder by `[TMP]`, and what the clock decides (a baseline's time
//! and snapshot commit, the database's size) by a word in brackets. Update with
//! `INSTA_UPDATE=always cargo test --test cli snapshots`, then read every changed `.snap`;
//! with `CI` set a mismatch fails and nothing is written.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use crate::common::{TestRepo, hermetic, lcov};

const CALC: &str = "def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n";
const CALC_HITS: &[(u32, u64)] = &[(1, 1), (2, 1), (4, 1), (5, 0)];
const MUL: &str = "\ndef mul(a, b):\n    return a * b\n";

/// One command as a user typed it, its exit status and what it wrote, stdout then stderr.
fn step(repo: &TestRepo, dir: &Path, args: &[&str]) -> String {
    let run = repo.covgit_in(dir, args);
    let mut out = format!("$ covgit {}\n[exit {}]\n", args.join(" "), run.code);
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        if !text.is_empty() {
            let _ = write!(out, "--- {name}\n{text}");
            if !text.ends_with('\n') {
                out.push_str("[no newline at the end]\n");
            }
        }
    }
    out
}

/// Each command in the work tree, one after the other.
fn session(repo: &TestRepo, steps: &[&[&str]]) -> String {
    steps
        .iter()
        .map(|args| step(repo, &repo.path(), args))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs git in `dir` hermetically; stdout trimmed.
#[track_caller]
fn git_in(repo: &TestRepo, dir: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new("git");
    hermetic(&mut cmd, &repo.home());
    let out = cmd.current_dir(dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Every commit any ref of the repository at `dir` reaches (covgit's refs included), as
/// lines of "SHA subject".
fn commits(repo: &TestRepo, dir: &Path) -> String {
    git_in(repo, dir, &["log", "--all", "--format=%H %s"])
}

/// Asserts `text` against the snapshot `name`, with the commit ids of every repository in
/// `repos` (all refs) and of `gone` (commits no ref reaches any more, from [`commits`]) and
/// the temporary folder filtered.
#[track_caller]
fn assert_transcript(name: &str, repo: &TestRepo, repos: &[&Path], gone: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    let mut seen: Vec<String> = Vec::new();
    let listings: Vec<String> = repos
        .iter()
        .map(|dir| commits(repo, dir))
        .chain([gone.to_owned()])
        .collect();
    for listing in &listings {
        for line in listing.lines() {
            let (sha, subject) = line.split_once(' ').unwrap_or((line, ""));
            if seen.iter().any(|s| s.starts_with(sha)) {
                continue;
            }
            let mut label: String = subject
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '-' })
                .collect();
            if label.is_empty() {
                label = "commit".into();
            }
            let same = seen
                .iter()
                .filter(|s| s.ends_with(&format!(" {label}")))
                .count();
            if same > 0 {
                label = format!("{label}-{}", same + 1);
            }
            settings.add_filter(&regex_escape(sha), format!("<{label}:40>"));
            settings.add_filter(&format!(r"\b{}\b", &sha[..7]), format!("<{label}>"));
            seen.push(format!("{sha} {label}"));
        }
    }
    // A baseline's snapshot commit carries the time it was saved.
    settings.add_filter(r"\b[0-9a-f]{40}\b", "[sha]");
    settings.add_filter(r"\b[0-9a-f]{7}\b", "[short sha]");
    settings.add_filter(r"\b\d{4}-\d\d-\d\d \d\d:\d\d UTC\b", "[time]");
    // The size of a SQLite file follows page allocation, not covgit's words.
    settings.add_filter(
        r"database \d+ → \d+ bytes",
        "database [size] → [size] bytes",
    );
    let home = repo.home();
    settings.add_filter(&regex_escape(&home.display().to_string()), "[TMP]");
    if let Ok(real) = std::fs::canonicalize(&home) {
        settings.add_filter(&regex_escape(&real.display().to_string()), "[TMP]");
    }
    settings.bind(|| insta::assert_snapshot!(name, text));
}

fn regex_escape(s: &str) -> String {
    s.chars().fold(String::new(), |mut out, c| {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

/// calc.py on main (`calc`), recorded with `sub` uncovered; then `mul` added (`mul`) and
/// recorded with its body uncovered. Returns the two reports' paths.
fn two_commits(repo: &TestRepo) -> (String, String) {
    repo.write("calc.py", CALC);
    repo.commit("calc");
    let base = repo.write_outside("base.info", &lcov(&[("calc.py", CALC_HITS)]));
    repo.write("calc.py", &format!("{CALC}{MUL}"));
    repo.commit("mul");
    let mut hits = CALC_HITS.to_vec();
    hits.extend([(7, 1), (8, 0)]);
    let head = repo.write_outside("head.info", &lcov(&[("calc.py", &hits)]));
    (
        base.to_str().unwrap().to_owned(),
        head.to_str().unwrap().to_owned(),
    )
}

/// Both commits recorded.
fn recorded() -> TestRepo {
    let repo = TestRepo::new();
    let (base, head) = two_commits(&repo);
    repo.covgit(&["record", "--commit", "HEAD~1", &base]).ok();
    repo.covgit(&["record", &head]).ok();
    repo
}

#[test]
fn snapshot_help() {
    let repo = TestRepo::new();
    let commands: &[&[&str]] = &[
        &[],
        &["record"],
        &["mark"],
        &["forget"],
        &["compare"],
        &["check"],
        &["log"],
        &["show"],
        &["gc"],
        &["push"],
        &["pull"],
        &["baseline"],
        &["baseline", "save"],
        &["baseline", "list"],
        &["baseline", "drop"],
        &["hook"],
        &["hook", "install"],
        &["hook", "uninstall"],
        &["hook", "pre-push"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let name = if command.is_empty() {
            "help".to_owned()
        } else {
            format!("help_{}", command.join("_").replace('-', "_"))
        };
        assert_transcript(&name, &repo, &[], "", &step(&repo, &repo.path(), &args));
    }
}

#[test]
fn snapshot_record() {
    let repo = TestRepo::new();
    let (base, head) = two_commits(&repo);
    let text = session(
        &repo,
        &[
            &["record", "--commit", "HEAD~1", &base],
            &["record", "--flag", "unit", "--ci-status", "passed", &head],
            &["record", "--flag", "unit", &head],
            &["mark", "HEAD", "--ci-status", "failed"],
        ],
    );
    assert_transcript("record", &repo, &[&repo.path()], "", &text);
}

#[test]
fn snapshot_compare() {
    let repo = recorded();
    let text = session(
        &repo,
        &[
            &["compare"],
            &["compare", "HEAD"],
            &["compare", "HEAD", "--format", "markdown"],
            &["compare", "main~1..main", "--format", "github"],
        ],
    );
    assert_transcript("compare", &repo, &[&repo.path()], "", &text);
}

#[test]
fn snapshot_check() {
    let repo = recorded();
    let text = session(
        &repo,
        &[
            &[
                "check",
                "HEAD",
                "--patch-target",
                "50",
                "--project-threshold",
                "10",
            ],
            &["check", "HEAD", "--patch-target", "50"],
            &["check", "HEAD"],
            &[
                "check",
                "HEAD",
                "--patch-target",
                "50",
                "--fail-on-lost",
                "--format",
                "text",
            ],
        ],
    );
    assert_transcript("check", &repo, &[&repo.path()], "", &text);
}

#[test]
fn snapshot_show_and_log() {
    let repo = recorded();
    repo.write("calc.py", &format!("{CALC}{MUL}# more\n"));
    repo.commit("unrecorded");
    let text = session(
        &repo,
        &[
            &["show"],
            &["show", "HEAD~1"],
            &["show", "HEAD~2"],
            &["log"],
            &["log", "HEAD~2..HEAD"],
        ],
    );
    assert_transcript("show_and_log", &repo, &[&repo.path()], "", &text);
}

#[test]
fn snapshot_baseline() {
    let repo = recorded();
    let report = repo.write_outside(
        "now.info",
        &lcov(&[("calc.py", &[(1, 1), (2, 1), (4, 1), (5, 1), (7, 1), (8, 1)])]),
    );
    let report = report.to_str().unwrap();
    let text = session(
        &repo,
        &[
            &["baseline", "list"],
            &["baseline", "save", report],
            &["baseline", "save", "before-refactor", report],
            &["baseline", "list"],
            &[
                "compare",
                "--worktree",
                "--baseline",
                "before-refactor",
                "--head-report",
                report,
            ],
            &["baseline", "drop", "before-refactor"],
            &["baseline", "drop", "before-refactor"],
        ],
    );
    assert_transcript("baseline", &repo, &[&repo.path()], "", &text);
}

#[test]
fn snapshot_forget_and_gc() {
    let repo = recorded();
    let side = repo.write_outside("side.info", &lcov(&[("calc.py", &[(1, 1)])]));
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("side.py", "x = 1\n");
    repo.commit("side");
    let gone = commits(&repo, &repo.path());
    repo.covgit(&["record", side.to_str().unwrap()]).ok();
    repo.covgit(&["record", "--flag", "extra", side.to_str().unwrap()])
        .ok();
    repo.git(&["checkout", "-q", "main"]);
    let before_delete = session(
        &repo,
        &[
            &["forget", "side", "--flag", "extra"],
            &["forget", "side", "--flag", "extra"],
            &["gc"],
        ],
    );
    repo.git(&["branch", "-q", "-D", "side"]);
    repo.git(&["reflog", "expire", "--expire=now", "--all"]);
    let after = session(&repo, &[&["gc"], &["gc"], &["forget", "HEAD"]]);
    assert_transcript(
        "forget_and_gc",
        &repo,
        &[&repo.path()],
        &gone,
        &format!("{before_delete}\n{after}"),
    );
}

#[test]
fn snapshot_push_and_pull() {
    let repo = recorded();
    git_in(
        &repo,
        &repo.home(),
        &["init", "-q", "--bare", "-b", "main", "remote.git"],
    );
    repo.git(&["remote", "add", "origin", "../remote.git"]);
    repo.git(&["push", "-q", "origin", "main"]);
    let pushed = session(&repo, &[&["push", "origin"], &["push", "origin"]]);
    git_in(&repo, &repo.home(), &["clone", "-q", "remote.git", "clone"]);
    let clone = repo.home().join("clone");
    let pulled = [
        step(&repo, &clone, &["compare", "HEAD"]),
        step(&repo, &clone, &["pull", "origin"]),
        step(&repo, &clone, &["pull", "origin"]),
        step(&repo, &clone, &["compare", "HEAD"]),
        step(&repo, &clone, &["push", "origin"]),
    ]
    .join("\n");
    assert_transcript(
        "push_and_pull",
        &repo,
        &[&repo.path(), &clone],
        "",
        &format!("{pushed}\n{pulled}"),
    );
}

#[test]
fn snapshot_hook() {
    let repo = recorded();
    git_in(
        &repo,
        &repo.home(),
        &["init", "-q", "--bare", "-b", "main", "remote.git"],
    );
    repo.git(&["remote", "add", "origin", "../remote.git"]);
    repo.git(&["push", "-q", "origin", "main~1:refs/heads/main"]);
    repo.covgit(&["push", "origin"]).ok();
    // The report the hook finds, beside the code and ignored.
    std::fs::write(repo.path().join(".git/info/exclude"), "lcov.info\n").unwrap();
    let hits = [(1, 1), (2, 1), (4, 1), (5, 0), (7, 1), (8, 1)];
    repo.write("lcov.info", &lcov(&[("calc.py", &hits)]));
    let text = session(
        &repo,
        &[
            &["hook", "install"],
            &["hook", "install"],
            &["hook", "pre-push", "--", "origin", "../remote.git"],
            &["hook", "uninstall"],
            &["hook", "uninstall"],
        ],
    );
    assert_transcript("hook", &repo, &[&repo.path()], "", &text);
}

#[test]
fn snapshot_errors() {
    let repo = TestRepo::new();
    let outside = TestRepo::new();
    std::fs::remove_dir_all(outside.path().join(".git")).unwrap();
    let unborn = session(&repo, &[&["show"], &["compare"]]);
    let (base, _) = two_commits(&repo);
    let no_db = session(&repo, &[&["show"], &["compare", "HEAD"]]);
    let empty = repo.write_outside("empty.info", "");
    let html = repo.write_outside("index.html", "<!DOCTYPE html><html></html>\n");
    let text = session(
        &repo,
        &[
            &["record", "--commit", "HEAD~1", &base],
            &["record", "missing.info"],
            &["record", empty.to_str().unwrap()],
            &["record", html.to_str().unwrap()],
            &["record", "--flag", "a b", &base],
            &["compare", "nope"],
            &["compare", "HEAD"],
            &["compare", "HEAD~1"],
            &["compare", "--format", "yaml"],
            &["show", "HEAD", "--flag", "other"],
            &["baseline", "drop", "none"],
            &["pull", "nowhere"],
            &["-C", "missing", "show"],
            &["frobnicate"],
        ],
    );
    let elsewhere = step(&outside, &outside.path(), &["show"]);
    assert_transcript(
        "errors",
        &repo,
        &[&repo.path()],
        "",
        &format!("{unborn}\n{no_db}\n{text}\n{elsewhere}")
            .replace(&outside.home().display().to_string(), "[OTHER TMP]"),
    );
}

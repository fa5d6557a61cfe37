//! SPEC "Nothing reaches a terminal or a CI log raw": paths from reports and trees and commit
//! subjects are printed with control characters escaped, and no line covgit prints can start
//! a GitHub Actions workflow command, in text, `show`, `log`, warnings and errors alike.

use crate::common::{Run, TestRepo, cobertura, lcov};

/// A path that, printed raw, ends the line and runs `::error` on a GitHub runner.
const INJECTED: &str = "evil\n::error file=app.py,line=1::owned.py";
/// How covgit prints it.
const SHOWN: &str = "evil\\n::error file=app.py,line=1::owned.py";

/// No line of `out` is a workflow command (the runner ignores leading blanks).
#[track_caller]
fn no_workflow_command(out: &str) {
    for line in out.lines() {
        assert!(
            !line.trim_start().starts_with("::") && !line.contains("##["),
            "a line a runner would obey: {line:?} in\n{out}"
        );
    }
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
}

#[track_caller]
fn clean(run: &Run) {
    no_workflow_command(&run.stdout);
    no_workflow_command(&run.stderr);
}

/// A Cobertura report naming `path` (XML character references stand for the control
/// characters, as a report generator would write them).
fn xml_with(repo: &TestRepo, name: &str, files: &[(&str, &[(u32, u64)])]) -> String {
    let xml = cobertura(repo.path().to_str().unwrap(), files)
        .replace('\n', "")
        .replace("evil\u{1}", "evil&#10;")
        .replace("esc\u{1}", "esc&#27;]0;pwned&#7;");
    repo.write_outside(name, &xml).to_str().unwrap().to_owned()
}

#[test]
fn an_unresolved_path_is_escaped_in_records_warning_and_in_show() {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n");
    repo.commit("a");
    let report = xml_with(
        &repo,
        "coverage.xml",
        &[
            ("a.py", &[(1, 1)]),
            ("evil\u{1}::error file=app.py,line=1::owned.py", &[(1, 0)]),
        ],
    );
    let run = repo.covgit(&["record", &report]).ok();
    clean(&run);
    assert!(
        run.stderr
            .contains(&format!("'{SHOWN}' matches no file of commit")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(", 1 unresolved path (see covgit show)"),
        "{}",
        run.stderr
    );
    let show = repo.covgit(&["show"]).ok();
    clean(&show);
    assert!(
        show.stdout.ends_with(&format!(
            "1 unresolved path matched no file in {}'s tree, so no diff covers them; \
             add a [paths] fixes rule to .covgit.toml and record again:\n  {SHOWN}\n",
            &repo.git(&["rev-parse", "--short=7", "HEAD"])
        )),
        "{}",
        show.stdout
    );
    // JSON keeps the path as it is: its grammar escapes it.
    let json = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(json["unresolved"], serde_json::json!([INJECTED]));
}

/// A repository whose tree holds files named with a newline + workflow command and with ESC
/// and BEL (git allows both), a base and a head that changes their coverage.
fn hostile_tree() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(INJECTED, "a\nb\n");
    repo.write("esc\x1b]0;pwned\x07.py", "a\nb\n");
    repo.write("::add-mask::x.py", "a\nb\n");
    repo.commit("base");
    let base = xml_with(
        &repo,
        "base.xml",
        &[
            (
                "evil\u{1}::error file=app.py,line=1::owned.py",
                &[(1, 1), (2, 1)],
            ),
            ("esc\u{1}.py", &[(1, 1), (2, 1)]),
            ("::add-mask::x.py", &[(1, 1), (2, 1)]),
        ],
    );
    repo.covgit(&["record", &base]).ok();
    repo.write("::add-mask::x.py", "a\nb\nc\n");
    repo.commit("head");
    let head = xml_with(
        &repo,
        "head.xml",
        &[
            (
                "evil\u{1}::error file=app.py,line=1::owned.py",
                &[(1, 0), (2, 1)],
            ),
            ("esc\u{1}.py", &[(1, 0), (2, 1)]),
            ("::add-mask::x.py", &[(1, 1), (2, 1), (3, 0)]),
        ],
    );
    repo.covgit(&["record", &head]).ok();
    repo
}

#[test]
fn tree_paths_are_escaped_in_compare_check_and_show_text() {
    let repo = hostile_tree();
    let compare = repo.covgit(&["compare", "HEAD"]).ok();
    clean(&compare);
    let text = &compare.stdout;
    assert!(text.contains("\nlost: 2 lines in 2 runs\n"), "{text}");
    // A problem run starts with its mark, so its path never starts the line.
    assert!(text.contains(&format!("\n  ✗ {SHOWN}:1 ")), "{text}");
    assert!(text.contains("\n  ✗ esc\\x1b]0;pwned\\x07.py:1 "), "{text}");
    assert!(text.contains("\n  ✗ ::add-mask::x.py:3  miss\n"), "{text}");

    let check = repo
        .covgit(&["check", "HEAD", "--fail-on-lost", "--format", "text"])
        .code(1);
    clean(&check);
    assert!(
        check.stderr.contains(": 2 lines lost coverage, first at "),
        "{}",
        check.stderr
    );

    let show = repo.covgit(&["show"]).ok();
    clean(&show);
    assert!(
        show.stdout.contains("\n\\x3a:add-mask::x.py    "),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains(&format!("\n{SHOWN}  ")),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains("\nesc\\x1b]0;pwned\\x07.py  "),
        "{}",
        show.stdout
    );

    // GitHub annotations escape by GitHub's own rules: one line per annotation.
    let github = repo.covgit(&["compare", "HEAD", "--format", "github"]).ok();
    assert_eq!(github.stdout.lines().count(), 3, "{}", github.stdout);
    assert!(
        github
            .stdout
            .contains("::warning file=evil%0A%3A%3Aerror file=app.py%2Cline=1%3A%3Aowned.py,line=1,endLine=1::coverage lost: was hit, now miss\n"),
        "{}",
        github.stdout
    );
}

#[test]
fn log_escapes_commit_subjects() {
    let repo = TestRepo::new();
    repo.write("a.py", "a\n");
    repo.commit("retitle \x1b]0;pwned\x07 and \x1b[2J clear");
    let report = repo.write_outside("lcov.info", &lcov(&[("a.py", &[(1, 1)])]));
    repo.covgit(&["record", report.to_str().unwrap()]).ok();
    repo.write("a.py", "a\nb\n");
    repo.commit("::add-mask::token ##[error]x");
    repo.covgit(&["record", report.to_str().unwrap()]).ok();
    let log = repo.covgit(&["log"]).ok();
    clean(&log);
    let lines: Vec<&str> = log.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", log.stdout);
    assert!(
        lines[0].ends_with("  ::add-mask::token #\\x23[error]x"),
        "{}",
        log.stdout
    );
    assert!(
        lines[1].ends_with("  retitle \\x1b]0;pwned\\x07 and \\x1b[2J clear"),
        "{}",
        log.stdout
    );
}

#[test]
fn errors_quoting_a_path_are_escaped() {
    let repo = TestRepo::new();
    repo.write("a.py", "x\n");
    repo.commit("a");
    let missing = repo
        .path()
        .join("no\n::error::such\x1b[2J.xml")
        .to_str()
        .unwrap()
        .to_owned();
    let run = repo.covgit(&["record", &missing]).code(2);
    clean(&run);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.contains("no\\n::error::such\\x1b[2J.xml"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_markdown_comment_mentions_no_one_and_stays_under_65000_characters() {
    let repo = TestRepo::new();
    repo.write("a.py", "a\n");
    repo.commit("base");
    let base = repo.write_outside("base.info", &lcov(&[("a.py", &[(1, 1)])]));
    repo.covgit(&["record", base.to_str().unwrap()]).ok();
    let mut paths: Vec<String> = (0..1500)
        .map(|i| format!("src/package_{i:04}/module.py"))
        .collect();
    paths.push("@org/team\u{202e}.py".to_owned());
    for p in &paths {
        repo.write(p, "a\nb\n");
    }
    repo.commit("head");
    let mut files: Vec<(&str, &[(u32, u64)])> = paths
        .iter()
        .map(|p| (p.as_str(), &[(1, 1), (2, 0)][..]))
        .collect();
    files.push(("a.py", &[(1, 1)]));
    let head = repo.write_outside("head.info", &lcov(&files));
    repo.covgit(&["record", head.to_str().unwrap()]).ok();
    let md = repo
        .covgit(&["compare", "HEAD", "--format", "markdown"])
        .ok()
        .stdout;
    assert!(md.chars().count() <= 65_000, "{}", md.chars().count());
    assert!(
        md.contains("| @&#8203;org/team\\u{202e}.py (added) | — | 50.00% |"),
        "{md}"
    );
    assert!(!md.contains("@org") && !md.contains('\u{202e}'));
    assert!(
        md.contains("\n… and 1201 more files (`covgit compare --format json` lists them all)\n"),
        "{md}"
    );
    no_workflow_command(&md);
}

#[test]
fn a_flag_or_format_name_in_a_usage_error_is_escaped() {
    let repo = TestRepo::new();
    repo.write("a.py", "x\n");
    repo.commit("a");
    let run = repo
        .covgit(&["record", "--flag", "unit\n::add-mask::x\x1b[2J"])
        .code(2);
    clean(&run);
    // The value stays on its line, its newline shown as `\n`.
    assert!(
        run.stderr.starts_with(
            "error: invalid value 'unit\\n::add-mask::x\\x1b[2J' for '--flag <NAME>': flag 'unit\\n::add-mask::x\\x1b[2J' must be"
        ),
        "{}",
        run.stderr
    );
    let run = repo
        .covgit(&["compare", "--format", "::error::md\x07"])
        .code(2);
    clean(&run);
    assert!(
        run.stderr.contains("invalid value '::error::md\\x07'"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_remote_name_in_push_and_pull_errors_is_escaped() {
    let repo = TestRepo::new();
    repo.write("a.py", "x\n");
    repo.commit("a");
    let report = repo.write_outside("lcov.info", &lcov(&[("a.py", &[(1, 1)])]));
    repo.covgit(&["record", report.to_str().unwrap()]).ok();
    for cmd in ["pull", "push"] {
        let run = repo.covgit(&[cmd, "nowhere\n::error::x\x1b[2J"]).code(2);
        clean(&run);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("nowhere\\n::error::x\\x1b[2J"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_unicode_blank_before_the_colons_cannot_start_a_workflow_command() {
    // GitHub's runner trims every Unicode blank, U+3000 included, before it looks for `::`.
    const NAME: &str = "\u{3000}::error file=app.py,line=1::owned.py";
    let repo = TestRepo::new();
    repo.write(NAME, "a\nb\n");
    repo.commit("base");
    let path = format!("/ci/checkout/{NAME}");
    let base = repo.write_outside("base.info", &lcov(&[(&path, &[(1, 1), (2, 0)])]));
    let run = repo.covgit(&["record", base.to_str().unwrap()]).ok();
    assert!(!run.stderr.contains("matches no file"), "{}", run.stderr);
    repo.write(NAME, "a\nb\nc\n");
    repo.commit("head");
    let head = repo.write_outside("head.info", &lcov(&[(&path, &[(1, 0), (2, 1), (3, 0)])]));
    repo.covgit(&["record", head.to_str().unwrap()]).ok();

    let show = repo.covgit(&["show"]).ok();
    clean(&show);
    assert!(
        show.stdout.contains("\n\u{3000}\\x3a:error file=app.py"),
        "{}",
        show.stdout
    );
    let compare = repo.covgit(&["compare", "HEAD"]).ok();
    clean(&compare);
    assert!(
        compare
            .stdout
            .contains("\n  ✗ \u{3000}::error file=app.py,line=1::owned.py:1 "),
        "{}",
        compare.stdout
    );
    // A run without a mark (line 2 gained) starts its line with the path: guarded.
    assert!(
        compare
            .stdout
            .contains("\n  \u{3000}\\x3a:error file=app.py,line=1::owned.py:2 "),
        "{}",
        compare.stdout
    );
}

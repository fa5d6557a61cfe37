//! Forge links in the Markdown comment (SPEC "Reports for people"): every `path:line` links to
//! the forge the remote `origin` (or the only remote) is on, pinned to the head commit (a
//! removed line to the base), or to `--link-template`; no remote, an unknown host or a
//! working-tree head give plain text. Golden files under `snapshots/links_*.snap`; commit
//! ids read `<base>` and `<head>` (`:40` for a full one).

use crate::common::{TestRepo, lcov};

const CALC: &str = "def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n";
const MUL: &str = "\ndef mul(a, b):\n    c = a * b\n    return c\n";
const ODD: &str = "x = 1\ny = 2\nz = 3\n";
/// A path a URL cannot hold as it is: a space, `#`, `(`, non-ASCII.
const ODD_PATH: &str = "src/my file #1 (é).py";

/// `base`: calc.py and [`ODD_PATH`], recorded. `head`: `mul` added (its first line hit, the
/// other two not), `sub`'s body lost its coverage, and `y = 2` removed from [`ODD_PATH`].
/// Returns (base SHA, head SHA).
fn pull_request(repo: &TestRepo) -> (String, String) {
    repo.write("calc.py", CALC);
    repo.write(ODD_PATH, ODD);
    let base = repo.commit("base");
    let report = repo.write_outside(
        "base.info",
        &lcov(&[
            ("calc.py", &[(1, 1), (2, 1), (4, 1), (5, 1)]),
            (ODD_PATH, &[(1, 1), (2, 1), (3, 0)]),
        ]),
    );
    repo.covgit(&["record", "--commit", "HEAD", report.to_str().unwrap()])
        .ok();
    repo.write("calc.py", &format!("{CALC}{MUL}"));
    repo.write(ODD_PATH, "x = 1\nz = 3\n");
    let head = repo.commit("head");
    let report = repo.write_outside(
        "head.info",
        &lcov(&[
            (
                "calc.py",
                &[(1, 1), (2, 1), (4, 1), (5, 0), (7, 1), (8, 0), (9, 0)],
            ),
            (ODD_PATH, &[(1, 1), (2, 0)]),
        ]),
    );
    repo.covgit(&["record", report.to_str().unwrap()]).ok();
    (base, head)
}

/// `text` with the two commits' ids named.
fn named(text: &str, base: &str, head: &str) -> String {
    text.replace(base, "<base:40>")
        .replace(head, "<head:40>")
        .replace(&base[..7], "<base>")
        .replace(&head[..7], "<head>")
}

/// The Markdown comment of the pull request with `origin` at `url`, and extra `args`.
fn comment(url: Option<&str>, args: &[&str]) -> String {
    let repo = TestRepo::new();
    let (base, head) = pull_request(&repo);
    if let Some(url) = url {
        repo.git(&["remote", "add", "origin", url]);
    }
    let mut all = vec!["compare", "HEAD", "--format", "markdown"];
    all.extend(args);
    let run = repo.covgit(&all).ok();
    assert_eq!(run.stderr, "");
    named(&run.stdout, &base, &head)
}

#[track_caller]
fn golden(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn links_github_https() {
    let md = comment(Some("https://github.com/octo/calc.git"), &[]);
    assert!(
        md.contains("[calc.py:8-9](https://github.com/octo/calc/blob/<head:40>/calc.py#L8-L9)"),
        "{md}"
    );
    golden("links_github_https", &md);
}

#[test]
fn links_gitlab_ssh_with_a_subgroup() {
    let md = comment(Some("ssh://git@gitlab.com/group/sub/calc.git"), &[]);
    assert!(
        md.contains(
            "[calc.py:8-9](https://gitlab.com/group/sub/calc/-/blob/<head:40>/calc.py#L8-9)"
        ),
        "{md}"
    );
    golden("links_gitlab_ssh_subgroup", &md);
}

#[test]
fn links_bitbucket_scp_like() {
    let md = comment(Some("git@bitbucket.org:octo/calc.git"), &[]);
    assert!(
        md.contains(
            "[calc.py:8-9](https://bitbucket.org/octo/calc/src/<head:40>/calc.py#lines-8:9)"
        ),
        "{md}"
    );
    golden("links_bitbucket_scp", &md);
}

#[test]
fn links_codeberg() {
    let md = comment(Some("https://codeberg.org/octo/calc"), &[]);
    assert!(
        md.contains(
            "[calc.py:8-9](https://codeberg.org/octo/calc/src/commit/<head:40>/calc.py#L8-L9)"
        ),
        "{md}"
    );
    golden("links_codeberg", &md);
}

#[test]
fn links_template_overrides_the_remote() {
    let md = comment(
        Some("https://github.com/octo/calc.git"),
        &[
            "--link-template",
            "https://git.example.com/code/{path}?rev={sha}#L{start}-L{end}",
        ],
    );
    assert!(!md.contains("github.com"), "{md}");
    golden("links_template", &md);
    // Without any remote too.
    let md = comment(None, &["--link-template=http://h/{path}@{sha}:{start}"]);
    assert!(
        md.contains("[calc.py:5](http://h/calc.py@<head:40>:5)"),
        "{md}"
    );
}

#[test]
fn links_no_remote_and_an_unknown_host_are_plain_text() {
    let plain = comment(None, &[]);
    assert!(!plain.contains("]("), "{plain}");
    golden("links_no_remote", &plain);
    for url in [
        "https://git.example.com/octo/calc.git",
        "git@example.com:octo/calc.git",
        "file:///srv/git/calc.git",
        "/srv/git/calc.git",
    ] {
        assert_eq!(comment(Some(url), &[]), plain, "{url}");
    }
}

#[test]
fn links_never_print_the_credentials_of_the_remote_url() {
    let repo = TestRepo::new();
    let (base, head) = pull_request(&repo);
    repo.git(&[
        "remote",
        "add",
        "origin",
        "https://x-access-token:s3cret-token@github.com/octo/calc.git",
    ]);
    for args in [
        &["compare", "HEAD", "--format", "markdown"][..],
        &["-vv", "compare", "HEAD", "--format", "markdown"],
        &["-vv", "check", "HEAD", "--format", "markdown"],
        &["compare", "HEAD", "--format", "json"],
        &["compare", "HEAD"],
    ] {
        let run = repo.covgit(args);
        assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
        for out in [&run.stdout, &run.stderr] {
            assert!(
                !out.contains("s3cret") && !out.contains("x-access-token"),
                "{args:?}: {out}"
            );
        }
    }
    let md = named(
        &repo
            .covgit(&["compare", "HEAD", "--format", "markdown"])
            .ok()
            .stdout,
        &base,
        &head,
    );
    assert!(
        md.contains("[calc.py:5](https://github.com/octo/calc/blob/<head:40>/calc.py#L5)"),
        "{md}"
    );
}

#[test]
fn links_follow_origin_else_the_only_remote() {
    let repo = TestRepo::new();
    let (_, head) = pull_request(&repo);
    let md = || {
        repo.covgit(&["compare", "HEAD", "--format", "markdown"])
            .ok()
            .stdout
    };
    repo.git(&["remote", "add", "upstream", "git@gitlab.com:g/calc.git"]);
    assert!(md().contains(&format!(
        "https://gitlab.com/g/calc/-/blob/{head}/calc.py#L5"
    )));
    // Two remotes, neither `origin`: no guess.
    repo.git(&["remote", "add", "fork", "git@github.com:me/calc.git"]);
    assert!(!md().contains("]("));
    repo.git(&["remote", "add", "origin", "git@github.com:octo/calc.git"]);
    assert!(md().contains(&format!(
        "https://github.com/octo/calc/blob/{head}/calc.py#L5"
    )));
    // `url.<base>.insteadOf` is applied, as git would.
    repo.git(&["remote", "set-url", "origin", "cb:octo/calc"]);
    repo.git(&["config", "url.https://codeberg.org/.insteadOf", "cb:"]);
    assert!(md().contains(&format!(
        "https://codeberg.org/octo/calc/src/commit/{head}/calc.py#L5"
    )));
}

#[test]
fn links_in_check_and_never_for_a_working_tree_head() {
    let repo = TestRepo::new();
    let (_, head) = pull_request(&repo);
    repo.git(&["remote", "add", "origin", "https://github.com/octo/calc"]);
    let run = repo
        .covgit(&[
            "check",
            "HEAD",
            "--format",
            "markdown",
            "--patch-target",
            "0",
        ])
        .code(1);
    assert!(
        run.stdout.contains(&format!(
            "https://github.com/octo/calc/blob/{head}/calc.py#L8-L9"
        )),
        "{}",
        run.stdout
    );
    let run = repo
        .covgit(&[
            "check",
            "HEAD",
            "--format",
            "markdown",
            "--patch-target",
            "0",
            "--link-template",
            "https://h/{path}",
        ])
        .code(1);
    assert!(
        run.stdout.contains("[calc.py:8-9](https://h/calc.py)"),
        "{}",
        run.stdout
    );

    // A working-tree head has no commit to link to.
    repo.write("calc.py", &format!("{CALC}{MUL}\nx = 1\n"));
    let report = repo.write_outside("wt.info", &lcov(&[("calc.py", &[(11, 0)])]));
    let run = repo
        .covgit(&[
            "compare",
            "--worktree",
            "--head-report",
            report.to_str().unwrap(),
            "--format",
            "markdown",
        ])
        .ok();
    assert!(run.stdout.contains("calc.py:11 miss"), "{}", run.stdout);
    assert!(!run.stdout.contains("]("), "{}", run.stdout);
}

#[test]
fn links_a_bad_template_is_refused_naming_the_option() {
    let repo = TestRepo::new();
    pull_request(&repo);
    let before = std::fs::read(repo.db()).unwrap();
    for (template, why) in [
        ("https://h/{path}#L{line}", "unknown placeholder '{line}'"),
        ("https://h/blob/{sha}#L{start}", "no {path} placeholder"),
        ("ftp://h/{path}", "must be an http:// or https:// URL"),
        (
            "https://h/{path",
            "'{' or '}' that is not part of a placeholder",
        ),
    ] {
        for command in ["compare", "check"] {
            let run = repo
                .covgit(&[
                    command,
                    "HEAD",
                    "--format",
                    "markdown",
                    "--link-template",
                    template,
                ])
                .code(2);
            assert_eq!(run.stdout, "");
            assert!(run.stderr.contains("--link-template"), "{}", run.stderr);
            assert!(run.stderr.contains(why), "{}", run.stderr);
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        }
    }
    assert_eq!(std::fs::read(repo.db()).unwrap(), before);
}

#[test]
fn links_a_removed_line_to_the_base_the_comparison_diffs_from() {
    // `c1` has no coverage, so `compare HEAD` compares `c2` with `c0` through their own diff:
    // the removed `b = 2` is line 2 of `c0` (line 2 of `c1` is `a = 1`, still there).
    let repo = TestRepo::new();
    repo.write("calc.py", "a = 1\nb = 2\nc = 3\n");
    let c0 = repo.commit("c0");
    let full = lcov(&[("calc.py", &[(1, 1), (2, 1), (3, 1)])]);
    let report = repo.write_outside("c0.info", &full);
    repo.covgit(&["record", report.to_str().unwrap()]).ok();
    repo.write("calc.py", "x = 0\na = 1\nb = 2\nc = 3\n");
    let c1 = repo.commit("c1");
    repo.write("calc.py", "x = 0\na = 1\nc = 3\n");
    repo.commit("c2");
    let report = repo.write_outside("c2.info", &full);
    repo.covgit(&["record", report.to_str().unwrap()]).ok();
    repo.git(&["remote", "add", "origin", "git@github.com:octo/calc.git"]);
    let md = repo
        .covgit(&["compare", "HEAD", "--format", "markdown"])
        .ok()
        .stdout;
    assert!(
        md.contains(&format!(
            "- [calc.py:2](https://github.com/octo/calc/blob/{c0}/calc.py#L2) was hit\n"
        )),
        "{md}"
    );
    assert!(!md.contains(&format!("/blob/{c1}/")), "{md}");

    // In a range, a pseudo-base's coverage is remapped onto the merge-base `c1`, which the
    // comparison diffs from: there `b = 2` is line 3.
    repo.git(&["checkout", "-q", "-b", "pr", &c1]);
    repo.write("calc.py", "x = 0\na = 1\nc = 3\n");
    repo.commit("pr");
    let report = repo.write_outside("pr.info", &full);
    repo.covgit(&["record", report.to_str().unwrap()]).ok();
    let md = repo
        .covgit(&[
            "compare",
            &format!("{c1}..pr"),
            "--allow-offsets",
            "--format",
            "markdown",
        ])
        .ok()
        .stdout;
    assert!(md.contains("pseudo-base"), "{md}");
    assert!(
        md.contains(&format!(
            "- [calc.py:3](https://github.com/octo/calc/blob/{c1}/calc.py#L3) was hit\n"
        )),
        "{md}"
    );
}

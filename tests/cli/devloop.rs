//! The developer's loop (issue 4): `--worktree` comparisons, named baselines, `check` as a
//! gate, and the pre-push hook in a real `git push` to a local bare remote.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{TestRepo, hermetic, lcov};

/// calc.py before the refactor; every `def` and `return` is tracked.
const CALC: &str = "\
def add(a, b):
    return a + b

def sub(a, b):
    return a - b

def mul(a, b):
    return a * b

def div(a, b):
    return a / b
";

/// All eight tracked lines of [`CALC`] covered.
const CALC_HITS: &[(u32, u64)] = &[
    (1, 1),
    (2, 1),
    (4, 1),
    (5, 1),
    (7, 1),
    (8, 1),
    (10, 1),
    (11, 1),
];

/// After the refactor: three lines on top (everything shifts by 3), `sub`'s body edited.
const CALC_REFACTORED: &str = "\
import math

# helpers
def add(a, b):
    return a + b

def sub(a, b):
    return -(b - a)

def mul(a, b):
    return a * b

def div(a, b):
    return a / b
";

fn write_report(repo: &TestRepo, name: &str, files: &[(&str, &[(u32, u64)])]) -> String {
    repo.write_outside(name, &lcov(files))
        .to_str()
        .unwrap()
        .to_owned()
}

/// `git ARGS` in the repository: (succeeded, stderr).
fn git_try(repo: &TestRepo, dir: &Path, args: &[&str]) -> (bool, String) {
    let mut cmd = Command::new("git");
    hermetic(&mut cmd, &repo.home());
    // The hook runs `covgit` from PATH first: keep an installed one out of the way.
    let path = std::env::join_paths(crate::hook::path_without_covgit()).unwrap();
    let out = cmd
        .env("PATH", path)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// What `git status` and the index say, to prove a command left them alone.
fn git_state(repo: &TestRepo) -> (String, Vec<u8>, String) {
    (
        repo.git(&["status", "--porcelain", "--untracked-files=all"]),
        std::fs::read(repo.path().join(".git/index")).unwrap(),
        repo.git(&["rev-parse", "HEAD"]),
    )
}

fn runs(js: &Value) -> Vec<(String, String, u64, u64, Option<u64>)> {
    js["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_owned(),
                r["kind"].as_str().unwrap().to_owned(),
                r["start"].as_u64().unwrap(),
                r["end"].as_u64().unwrap(),
                r["base_start"].as_u64(),
            )
        })
        .collect()
}

fn run(
    path: &str,
    kind: &str,
    start: u64,
    end: u64,
    base: Option<u64>,
) -> (String, String, u64, u64, Option<u64>) {
    (path.to_owned(), kind.to_owned(), start, end, base)
}

/// A refactor in progress: baseline saved on a clean tree, then a staged edit of calc.py,
/// the mul test deleted (unstaged) and a new untracked util.py.
fn refactor_against_a_baseline() -> (TestRepo, String) {
    let repo = TestRepo::new();
    repo.write("calc.py", CALC);
    repo.write(
        "tests/test_mul.py",
        "from calc import mul\nassert mul(2, 3) == 6\n",
    );
    repo.commit("calc");
    let base = write_report(&repo, "base.info", &[("calc.py", CALC_HITS)]);
    let saved = repo.covgit(&["baseline", "save", "default", &base]).ok();
    assert!(
        saved.stderr.contains("saved baseline 'default'")
            && saved.stderr.contains("no changes beyond HEAD"),
        "{}",
        saved.stderr
    );

    repo.write("calc.py", CALC_REFACTORED);
    repo.git(&["add", "calc.py"]);
    repo.rm("tests/test_mul.py");
    repo.write("util.py", "def twice(x):\n    return 2 * x\n");
    let head = write_report(
        &repo,
        "head.info",
        &[
            (
                "calc.py",
                &[
                    (1, 1),
                    (4, 1),
                    (5, 1),
                    (7, 1),
                    (8, 1),
                    // mul lost the test that ran it.
                    (10, 0),
                    (11, 0),
                    (13, 1),
                    (14, 1),
                ],
            ),
            ("util.py", &[(1, 1), (2, 0)]),
        ],
    );
    (repo, head)
}

#[test]
fn a_refactor_against_a_baseline_lists_only_what_changed_coverage() {
    let (repo, head) = refactor_against_a_baseline();
    let before = git_state(&repo);
    let out = repo
        .covgit(&[
            "compare",
            "--worktree",
            "--baseline",
            "default",
            "--head-report",
            &head,
            "--format",
            "json",
        ])
        .ok();
    assert_eq!(git_state(&repo), before, "index, HEAD and files untouched");
    let js = out.json();
    let baseline = repo.git(&["rev-parse", "refs/covgit/baselines/default"]);
    assert_eq!(js["base"]["requested"], baseline.as_str());
    assert_eq!(js["base"]["used"], baseline.as_str());
    assert_eq!(js["head"]["commit"], Value::Null);
    assert_eq!(js["head"]["source"], "file");
    // Shifted lines (add, div, mul's def) are not listed; the edited line is removed +
    // added; mul's lines are lost; the new file's lines are added.
    assert_eq!(
        runs(&js),
        [
            run("calc.py", "added", 1, 1, None),
            run("calc.py", "removed", 5, 5, None),
            run("calc.py", "added", 8, 8, None),
            run("calc.py", "lost", 10, 11, Some(7)),
            run("util.py", "added", 1, 1, None),
            run("util.py", "added", 2, 2, None),
        ]
    );
    assert_eq!(js["patch"]["lines"], 4);
    assert_eq!(js["patch"]["hit"], 3);
    assert!(
        out.stderr.contains(
            "working tree: staged (1 file), unstaged (1 file) and untracked (1 file) changes included, coverage from"
        ),
        "{}",
        out.stderr
    );

    let text = repo
        .covgit(&[
            "compare",
            "--worktree",
            "--baseline",
            "default",
            "--head-report",
            &head,
        ])
        .ok()
        .stdout;
    assert!(
        text.starts_with(&format!(
            "Working tree (staged (1 file), unstaged (1 file) and untracked (1 file) changes included; report file) against baseline default ({})",
            &baseline[..7]
        )),
        "{text}"
    );
    assert!(text.contains("calc.py:10-11  hit → miss"), "{text}");

    let list = repo.covgit(&["baseline", "list"]).ok().stdout;
    let head_sha = repo.git(&["rev-parse", "--short=7", "HEAD"]);
    assert!(
        list.starts_with(&format!("default\t{}\ton {head_sha}\t", &baseline[..7]))
            && list.trim_end().ends_with("\t100.00%"),
        "{list}"
    );
}

#[test]
fn check_names_each_failed_gate_and_passes_with_a_one_line_summary() {
    let (repo, head) = refactor_against_a_baseline();
    let check = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--worktree",
            "--baseline",
            "default",
            "--head-report",
            &head,
        ];
        args.extend_from_slice(extra);
        repo.covgit(&args)
    };
    let lost = check(&[
        "--fail-on-lost",
        "--patch-target",
        "0",
        "--project-threshold",
        "100",
    ])
    .code(1);
    assert!(
        lost.stderr
            .contains("check failed: fail_on_lost: 2 lines lost coverage, first at calc.py:10"),
        "{}",
        lost.stderr
    );
    assert!(!lost.stderr.contains("patch_target"), "{}", lost.stderr);

    let patch = check(&["--patch-target", "80", "--project-threshold", "100"]).code(1);
    assert!(
        patch.stderr.contains(
            "check failed: patch_target: patch coverage is 75.00% (3 of 4 added lines covered), below the target of 80.00%"
        ),
        "{}",
        patch.stderr
    );
    assert!(!patch.stderr.contains("fail_on_lost"), "{}", patch.stderr);

    let all = check(&["--fail-on-lost", "--patch-target", "80"]).code(1);
    for gate in ["fail_on_lost:", "patch_target:", "project_threshold:"] {
        assert!(
            all.stderr.contains(&format!("check failed: {gate}")),
            "{}",
            all.stderr
        );
    }

    let pass = check(&["--patch-target", "70", "--project-threshold", "100"]).ok();
    assert!(
        pass.stderr
            .contains("check passed: total 100.00% → 72.73%, patch 75.00% (3/4 lines)\n"),
        "{}",
        pass.stderr
    );
    // Every format of compare is there too.
    let md = check(&[
        "--patch-target",
        "70",
        "--project-threshold",
        "100",
        "--format",
        "markdown",
    ])
    .ok();
    assert!(
        md.stdout.starts_with("## Coverage of the working tree ("),
        "{}",
        md.stdout
    );
    let gh = check(&[
        "--patch-target",
        "70",
        "--project-threshold",
        "100",
        "--format",
        "github",
    ])
    .ok();
    assert!(
        gh.stdout.contains("::warning file=util.py,line=2"),
        "{}",
        gh.stdout
    );

    // The baseline's name is checked, and a dropped one is gone.
    repo.covgit(&["baseline", "drop"]).ok();
    let gone = check(&[]).code(2);
    assert!(
        gone.stderr.contains("no baseline named 'default'"),
        "{}",
        gone.stderr
    );
    assert_eq!(repo.covgit(&["baseline", "list"]).ok().stdout, "");
}

#[test]
fn the_working_tree_against_head_finds_the_report_and_warns_when_it_is_stale() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "lcov.info\n");
    repo.write("calc.py", CALC);
    let head = repo.commit("calc");
    let base = write_report(&repo, "base.info", &[("calc.py", CALC_HITS)]);
    repo.covgit(&["record", &base]).ok();

    // Deleting covered code alone (div) fails no gate, whatever the defaults say.
    repo.write(
        "calc.py",
        CALC.split_inclusive('\n')
            .take(8)
            .collect::<String>()
            .as_str(),
    );
    std::fs::write(
        repo.path().join("lcov.info"),
        lcov(&[("calc.py", &CALC_HITS[..6])]),
    )
    .unwrap();
    let out = repo.covgit(&["check", "--worktree", "--fail-on-lost"]).ok();
    assert!(
        out.stderr
            .contains("check passed: total 100.00% → 100.00%, patch n/a (0/0 lines)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("lcov.info'"), "{}", out.stderr);
    assert!(!out.stderr.contains("older than"), "{}", out.stderr);

    let js = repo
        .covgit(&["compare", "--worktree", "--format", "json"])
        .ok()
        .json();
    assert_eq!(js["base"]["requested"], head.as_str());
    assert_eq!(js["head"]["commit"], Value::Null);
    assert_eq!(runs(&js), [run("calc.py", "removed", 10, 11, None)]);

    // A report written before the last edit is warned about.
    let touch = Command::new("touch")
        .args(["-d", "@1000000000"])
        .arg(repo.path().join("lcov.info"))
        .status()
        .unwrap();
    assert!(touch.success());
    let stale = repo.covgit(&["compare", "--worktree"]).ok();
    assert!(
        stale.stderr.contains("is older than the change to calc.py"),
        "{}",
        stale.stderr
    );

    repo.rm("lcov.info");
    let none = repo.covgit(&["compare", "--worktree"]).code(2);
    assert!(
        none.stderr
            .contains("no coverage report given and none found"),
        "{}",
        none.stderr
    );
}

/// Enough edited files that their lines are matched on several threads: the edits live only
/// in the working tree, so the blobs must be read where the snapshot's objects are seen.
#[test]
fn many_files_edited_in_the_working_tree_compare_on_every_core() {
    let repo = TestRepo::new();
    let names: Vec<String> = (0..40).map(|i| format!("m{i}.py")).collect();
    for n in &names {
        repo.write(n, "a = 1\nb = 2\nc = 3\n");
    }
    repo.commit("forty files");
    let hits: &[(u32, u64)] = &[(1, 1), (2, 0), (3, 1)];
    let files: Vec<(&str, &[(u32, u64)])> = names.iter().map(|n| (n.as_str(), hits)).collect();
    let report = write_report(&repo, "cov.info", &files);
    repo.covgit(&["record", &report]).ok();
    // Each file gains a first line; the same report, moved down by one, covers the edit.
    for n in &names {
        repo.write(n, "import os\na = 1\nb = 2\nc = 3\n");
    }
    let moved: &[(u32, u64)] = &[(1, 1), (2, 1), (3, 0), (4, 1)];
    let files: Vec<(&str, &[(u32, u64)])> = names.iter().map(|n| (n.as_str(), moved)).collect();
    let head = write_report(&repo, "head.info", &files);
    let js = repo
        .covgit(&[
            "compare",
            "--worktree",
            "--head-report",
            &head,
            "--format",
            "json",
        ])
        .ok()
        .json();
    // Every old line is followed to its new place: nothing gained or lost, one line added.
    let kinds: Vec<String> = runs(&js).into_iter().map(|r| r.1).collect();
    assert_eq!(js["files"].as_array().unwrap().len(), 40);
    assert!(kinds.iter().all(|k| *k == "added"), "{kinds:?}");
    assert_eq!(kinds.len(), 40);
}

/// A repository with calc.py recorded and pushed to a bare remote, and a feature branch
/// adding `mod` on top.
fn pushed_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(".gitignore", "lcov.info\n");
    repo.write("calc.py", CALC);
    repo.commit("calc");
    let base = write_report(&repo, "base.info", &[("calc.py", CALC_HITS)]);
    repo.covgit(&["record", &base]).ok();
    let (ok, err) = git_try(&repo, &repo.home(), &["init", "-q", "--bare", "remote.git"]);
    assert!(ok, "{err}");
    repo.git(&["remote", "add", "origin", "../remote.git"]);
    repo.git(&["push", "-q", "origin", "main"]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "calc.py",
        &format!("{CALC}\ndef mod(a, b):\n    return a % b\n"),
    );
    repo.commit("mod");
    repo
}

fn remote_has(repo: &TestRepo, branch: &str) -> bool {
    git_try(
        repo,
        &repo.home(),
        &[
            "--git-dir",
            "remote.git",
            "rev-parse",
            "--verify",
            "-q",
            branch,
        ],
    )
    .0
}

fn feature_report(repo: &TestRepo, mod_hits: u64) {
    let mut hits = CALC_HITS.to_vec();
    hits.extend([(13, mod_hits), (14, mod_hits)]);
    std::fs::write(repo.path().join("lcov.info"), lcov(&[("calc.py", &hits)])).unwrap();
}

#[test]
fn the_hook_stops_a_push_that_fails_a_gate_and_lets_the_others_through() {
    let repo = pushed_repo();
    let installed = repo.covgit(&["hook", "install"]).ok();
    assert!(
        installed.stderr.contains("created the pre-push hook"),
        "{}",
        installed.stderr
    );
    let hook = std::fs::read_to_string(repo.path().join(".git/hooks/pre-push")).unwrap();
    assert!(hook.contains(env!("CARGO_BIN_EXE_covgit")), "{hook}");

    // mod's lines are not covered: patch 0% < auto target 100%.
    feature_report(&repo, 0);
    let (ok, err) = git_try(&repo, &repo.path(), &["push", "origin", "feature"]);
    assert!(!ok, "the push went through:\n{err}");
    assert!(
        err.contains("covgit: check failed: patch_target: patch coverage is 0.00%"),
        "{err}"
    );
    assert!(!remote_has(&repo, "feature"));

    feature_report(&repo, 1);
    let (ok, err) = git_try(&repo, &repo.path(), &["push", "origin", "feature"]);
    assert!(ok, "{err}");
    assert!(
        err.contains("covgit: check passed for refs/heads/feature"),
        "{err}"
    );
    assert!(err.contains("on origin/main"), "{err}");
    assert!(remote_has(&repo, "feature"));

    // No report: a warning, and the push goes on.
    repo.rm("lcov.info");
    repo.write("README", "calc\n");
    repo.commit("readme");
    let (ok, err) = git_try(&repo, &repo.path(), &["push", "origin", "feature"]);
    assert!(ok, "{err}");
    assert!(
        err.contains("covgit: coverage not checked: no coverage report given"),
        "{err}"
    );
}

#[test]
fn install_then_uninstall_leaves_an_existing_hook_as_it_was() {
    let repo = pushed_repo();
    let path = repo.path().join(".git/hooks/pre-push");
    // A team hook that reads the pushed refs itself and ends with `exit 0`.
    let team = "#!/bin/sh\n# team checks\nwhile read local sha remote rsha; do echo \"team saw $local\" >&2; done\nexit 0\n";
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, team).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o750)).unwrap();
    }
    let mode = std::fs::metadata(&path).unwrap().permissions();

    let out = repo.covgit(&["hook", "install"]).ok();
    assert!(
        out.stderr
            .contains("added covgit to the existing pre-push hook"),
        "{}",
        out.stderr
    );
    repo.covgit(&["hook", "install"]).ok();
    let with = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        with.matches("# >>> covgit pre-push hook >>>").count(),
        1,
        "{with}"
    );

    // Both run: covgit first (before the team's `exit 0`), and the team hook still sees
    // the pushed refs on its stdin.
    feature_report(&repo, 0);
    let (ok, err) = git_try(&repo, &repo.path(), &["push", "origin", "feature"]);
    assert!(!ok, "{err}");
    feature_report(&repo, 1);
    let (ok, err) = git_try(&repo, &repo.path(), &["push", "origin", "feature"]);
    assert!(ok, "{err}");
    assert!(err.contains("covgit: check passed"), "{err}");
    assert!(err.contains("team saw refs/heads/feature"), "{err}");

    let out = repo.covgit(&["hook", "uninstall"]).ok();
    assert!(
        out.stderr.contains("removed covgit's lines"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read(&path).unwrap(), team.as_bytes());
    assert_eq!(std::fs::metadata(&path).unwrap().permissions(), mode);
    let again = repo.covgit(&["hook", "uninstall"]).ok();
    assert!(again.stderr.contains("nothing to do"), "{}", again.stderr);
    assert_eq!(std::fs::read(&path).unwrap(), team.as_bytes());
}

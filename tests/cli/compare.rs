//! `covgit compare` and `covgit check` on scripted histories (SPEC "Choosing what to
//! compare", "Coverage offsets", "The comparison", schema compare/2).

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::common::{TestRepo, cobertura, git_in, lcov};

/// Records an LCOV report for `rev`.
fn record(repo: &TestRepo, rev: &str, files: &[(&str, &[(u32, u64)])], extra: &[&str]) {
    let name = format!("r-{}.info", repo.git(&["rev-parse", rev]));
    let mut n = 0;
    let mut path = repo.home().join(&name);
    while path.exists() {
        n += 1;
        path = repo.home().join(format!("{n}-{name}"));
    }
    std::fs::write(&path, lcov(files)).unwrap();
    let mut args = vec!["record", "--commit", rev, path.to_str().unwrap()];
    args.extend_from_slice(extra);
    repo.covgit(&args).ok();
}

fn numbered(n: u32) -> String {
    (1..=n).fold(String::new(), |mut s, i| {
        let _ = writeln!(s, "line {i}");
        s
    })
}

/// `hits` for lines 1..=n: the first `covered` lines hit once, the rest missed.
fn hits(n: u32, covered: u32) -> Vec<(u32, u64)> {
    (1..=n).map(|l| (l, u64::from(l <= covered))).collect()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

#[test]
fn commit_view_skips_failed_commits_back_to_the_last_passing_one() {
    let repo = TestRepo::new();
    repo.write("src/calc.py", &numbered(100));
    let a = repo.commit("A");
    record(&repo, "HEAD", &[("src/calc.py", &hits(100, 50))], &[]);
    repo.write("README.md", "b\n");
    let b = repo.commit("B");
    record(
        &repo,
        "HEAD",
        &[("src/calc.py", &hits(100, 10))],
        &["--ci-status", "failed"],
    );
    repo.write("README.md", "c\n");
    let c = repo.commit("C");
    record(
        &repo,
        "HEAD",
        &[("src/calc.py", &hits(100, 10))],
        &["--ci-status", "failed"],
    );
    repo.write("README.md", "d\n");
    let d = repo.commit("D");
    record(&repo, "HEAD", &[("src/calc.py", &hits(100, 52))], &[]);

    let js = repo
        .covgit(&["compare", &d, "--format", "json"])
        .ok()
        .json();
    let top = "base components files head lines patch schema totals uploads";
    assert_eq!(keys(&js).join(" "), top);
    assert_eq!(js["schema"], "covgit/compare/2");
    assert_eq!(
        keys(&js["base"]),
        ["offsets", "pseudo", "requested", "skipped", "used"]
    );
    assert_eq!(js["base"]["requested"], c);
    assert_eq!(js["base"]["used"], a);
    assert_eq!(js["base"]["pseudo"], false);
    assert_eq!(js["base"]["offsets"], false);
    assert_eq!(
        js["base"]["skipped"],
        json!([{"commit": c, "reason": "ci-failed"}, {"commit": b, "reason": "ci-failed"}])
    );
    assert_eq!(
        js["head"],
        json!({"commit": d, "source": "store", "complete": true, "missing_flags": []})
    );
    assert_eq!(js["components"], json!([]));
    assert_eq!(
        js["totals"]["base"],
        json!({"files": 1, "lines": 100, "hit": 50, "partial": 0, "miss": 50, "branches": 0, "branches_hit": 0, "coverage": 50.0})
    );
    assert_eq!(js["totals"]["head"]["coverage"], 52.0);
    assert!((js["totals"]["delta"].as_f64().unwrap() - 2.0).abs() < 1e-9);
    assert_eq!(
        js["patch"],
        json!({"lines": 0, "hit": 0, "partial": 0, "miss": 0, "coverage": null})
    );
    assert_eq!(
        js["lines"],
        json!([{"path": "src/calc.py", "kind": "gained", "from": "miss", "to": "hit", "start": 51, "end": 52, "base_path": null, "base_start": 51}])
    );
    let files = js["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(
        keys(&files[0]),
        [
            "base",
            "base_path",
            "change",
            "head",
            "indirect",
            "patch",
            "path"
        ]
    );
    assert_eq!(files[0]["path"], "src/calc.py");
    assert_eq!(files[0]["change"], "unchanged");
    assert_eq!(files[0]["indirect"], true);
    assert_eq!(files[0]["base_path"], Value::Null);

    let text = repo.covgit(&["compare", &d]).ok().stdout;
    assert!(text.contains("+2.00"), "{text}");
    assert!(text.contains(&c[..7]) && text.contains(&b[..7]), "{text}");
    // Not a terminal: no color codes in text.
    assert!(!text.contains('\u{1b}'), "{text}");

    // A commit whose CI is still running is passed over too, with its own reason.
    repo.covgit(&["mark", &c, "--ci-status", "pending"]).ok();
    let js = repo
        .covgit(&["compare", &d, "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        js["base"]["skipped"],
        json!([{"commit": c, "reason": "ci-pending"}, {"commit": b, "reason": "ci-failed"}])
    );
}

/// main: c1 recorded; c2 `[ci skip]` shifts tracked lines, no report; a PR branch off c2.
fn pr_on_unrecorded_base(change: &str) -> (TestRepo, String, String, String) {
    let repo = TestRepo::new();
    repo.write("src/app.py", &numbered(10));
    repo.write("docs/guide.md", "guide\n");
    let c1 = repo.commit("c1");
    record(&repo, "HEAD", &[("src/app.py", &hits(10, 6))], &[]);
    match change {
        "code" => repo.write(
            "src/app.py",
            &format!("new first\nnew second\n{}", numbered(10)),
        ),
        _ => repo.write("docs/guide.md", "guide, edited\n"),
    }
    let c2 = repo.commit("c2 [ci skip]");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let body = std::fs::read_to_string(repo.path().join("src/app.py")).unwrap();
    repo.write("src/app.py", &format!("{body}added 1\nadded 2\n"));
    let head = repo.commit("feature work");
    // The head keeps c1's coverage of the old lines (shifted by whatever c2 inserted) and
    // covers one of its two new lines.
    let n = body.lines().count() as u32;
    let shift = n - 10;
    let mut head_lines: Vec<(u32, u64)> = hits(10, 6)
        .into_iter()
        .map(|(l, h)| (l + shift, h))
        .collect();
    head_lines.extend([(n + 1, 1), (n + 2, 0)]);
    record(&repo, "HEAD", &[("src/app.py", &head_lines)], &[]);
    (repo, c1, c2, head)
}

#[test]
fn a_pseudo_base_whose_diff_moves_lines_needs_offsets() {
    let (repo, c1, c2, head) = pr_on_unrecorded_base("code");
    let run = repo
        .covgit(&["compare", "main..feature", "--format", "json"])
        .code(2);
    let expected = format!(
        "error: Changes found in between {}...{} (pseudo...base) which prevent comparing",
        &c1[..7],
        &c2[..7]
    );
    assert!(run.stderr.starts_with(&expected), "{}", run.stderr);
    assert!(
        run.stderr.contains("src/app.py") && run.stderr.contains("--allow-offsets"),
        "{}",
        run.stderr
    );

    let js = repo
        .covgit(&[
            "compare",
            "main..feature",
            "--format",
            "json",
            "--allow-offsets",
        ])
        .ok()
        .json();
    assert_eq!(js["base"]["requested"], c2);
    assert_eq!(js["base"]["used"], c1);
    assert_eq!(js["base"]["pseudo"], true);
    assert_eq!(js["base"]["offsets"], true);
    assert_eq!(
        js["base"]["skipped"],
        json!([{"commit": c2, "reason": "no-report"}])
    );
    assert_eq!(js["head"]["commit"], head);
    // The lines c2 inserted are not the head's patch; only the feature's two lines are.
    assert_eq!(
        js["patch"],
        json!({"lines": 2, "hit": 1, "partial": 0, "miss": 1, "coverage": 50.0})
    );
    assert_eq!(
        js["lines"],
        json!([
            {"path": "src/app.py", "kind": "added", "from": null, "to": "hit", "start": 13, "end": 13, "base_path": null, "base_start": null},
            {"path": "src/app.py", "kind": "added", "from": null, "to": "miss", "start": 14, "end": 14, "base_path": null, "base_start": null}
        ])
    );
    // The config file lifts it too.
    repo.write(".covgit.toml", "[compare]\nallow_coverage_offsets = true\n");
    repo.covgit(&["compare", "main..feature"]).ok();
    // And --no-pseudo refuses the pseudo-base altogether.
    let run = repo
        .covgit(&["compare", "main..feature", "--no-pseudo"])
        .code(2);
    assert!(run.stderr.contains(&c2[..7]), "{}", run.stderr);
}

#[test]
fn a_docs_only_pseudo_base_needs_no_offsets() {
    let (repo, c1, c2, _) = pr_on_unrecorded_base("docs");
    let js = repo
        .covgit(&["compare", "main..feature", "--format", "json"])
        .ok()
        .json();
    assert_eq!(js["base"]["requested"], c2);
    assert_eq!(js["base"]["used"], c1);
    assert_eq!(js["base"]["pseudo"], true);
    assert_eq!(js["base"]["offsets"], false);
    assert_eq!(js["patch"]["lines"], 2);
}

#[test]
fn an_unrecorded_merge_commit_base_falls_back_to_its_first_parent() {
    let repo = TestRepo::new();
    repo.write("src/a.py", &numbered(5));
    let xyz = repo.commit("xyz");
    record(&repo, "HEAD", &[("src/a.py", &hits(5, 3))], &[]);
    repo.git(&["checkout", "-q", "-b", "side", "HEAD~0"]);
    repo.write("NOTES.md", "side\n");
    let abc = repo.commit("abc");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        &format!("Merge {} into {}", &abc[..7], &xyz[..7]),
        "side",
    ]);
    let merge = repo.git(&["rev-parse", "HEAD"]);
    repo.git(&["checkout", "-q", "-b", "pr"]);
    repo.write("src/a.py", &format!("{}more\n", numbered(5)));
    repo.commit("pr");
    record(
        &repo,
        "HEAD",
        &[(
            "src/a.py",
            &[(1, 1), (2, 1), (3, 1), (4, 0), (5, 0), (6, 1)],
        )],
        &[],
    );
    let js = repo
        .covgit(&["compare", "main..pr", "--format", "json"])
        .ok()
        .json();
    assert_eq!(js["base"]["requested"], merge);
    assert_eq!(js["base"]["used"], xyz);
    assert_eq!(js["base"]["pseudo"], true);
    assert_eq!(
        js["base"]["skipped"],
        json!([{"commit": merge, "reason": "no-report"}])
    );
    assert_eq!(js["patch"]["lines"], 1);
}

#[test]
fn after_rebase_or_merge_of_master_the_base_is_masters_new_tip() {
    for how in ["rebase", "merge"] {
        let repo = TestRepo::new();
        repo.git(&["checkout", "-q", "-b", "master"]);
        repo.write("a.py", &numbered(4));
        repo.commit("a");
        record(&repo, "HEAD", &[("a.py", &hits(4, 2))], &[]);
        repo.git(&["checkout", "-q", "-b", "feature"]);
        repo.write("f.py", &numbered(2));
        repo.commit("f1");
        repo.git(&["checkout", "-q", "master"]);
        repo.write("a.py", &numbered(6));
        let b = repo.commit("b");
        record(&repo, "HEAD", &[("a.py", &hits(6, 4))], &[]);
        repo.git(&["checkout", "-q", "feature"]);
        if how == "rebase" {
            repo.git(&["rebase", "-q", "master"]);
        } else {
            repo.git(&["merge", "-q", "--no-edit", "master"]);
        }
        record(
            &repo,
            "HEAD",
            &[("a.py", &hits(6, 4)), ("f.py", &hits(2, 1))],
            &[],
        );
        let js = repo
            .covgit(&["compare", "master..feature", "--format", "json"])
            .ok()
            .json();
        assert_eq!(js["base"]["requested"], b, "{how}");
        assert_eq!(js["base"]["used"], b, "{how}");
        assert_eq!(js["base"]["pseudo"], false, "{how}");
        assert_eq!(
            js["patch"],
            json!({"lines": 2, "hit": 1, "partial": 0, "miss": 1, "coverage": 50.0}),
            "{how}"
        );
    }
}

#[test]
fn renames_deletions_and_new_files_are_followed() {
    let repo = TestRepo::new();
    repo.write("old_name.py", &numbered(20).replace("line", "old"));
    repo.write("edited_move.py", &numbered(20).replace("line", "moved"));
    repo.write("gone.py", &numbered(3).replace("line", "gone"));
    repo.write("leaves_report.py", &numbered(3));
    repo.commit("base");
    record(
        &repo,
        "HEAD",
        &[
            ("old_name.py", &hits(20, 10)),
            ("edited_move.py", &hits(20, 20)),
            ("gone.py", &hits(3, 3)),
            ("leaves_report.py", &hits(3, 1)),
        ],
        &[],
    );
    repo.git(&["mv", "old_name.py", "new_name.py"]);
    repo.git(&["mv", "edited_move.py", "pkg_moved.py"]);
    let mut moved = numbered(20).replace("line", "moved");
    moved.push_str("tail\n");
    repo.write("pkg_moved.py", &moved);
    repo.rm("gone.py");
    repo.write("fresh.py", &numbered(2).replace("line", "fresh"));
    repo.commit("head");
    record(
        &repo,
        "HEAD",
        &[
            ("new_name.py", &hits(20, 10)),
            ("pkg_moved.py", &hits(21, 21)),
            ("fresh.py", &hits(2, 0)),
        ],
        &[],
    );
    let js = repo
        .covgit(&["compare", "HEAD", "--format", "json"])
        .ok()
        .json();
    let files: Vec<(String, Value, String)> = js["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["base_path"].clone(),
                f["change"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("fresh.py".into(), Value::Null, "added".into()),
            ("gone.py".into(), Value::Null, "deleted".into()),
            ("leaves_report.py".into(), Value::Null, "unchanged".into()),
            ("new_name.py".into(), json!("old_name.py"), "renamed".into()),
            (
                "pkg_moved.py".into(),
                json!("edited_move.py"),
                "renamed".into()
            ),
        ]
    );
    let lines = &js["lines"];
    assert_eq!(
        lines
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == "gained" || r["kind"] == "lost")
            .count(),
        0,
        "renamed files keep their lines: {lines}"
    );
    assert!(lines.as_array().unwrap().contains(&json!({"path": "gone.py", "kind": "removed", "from": "hit", "to": null, "start": 1, "end": 3, "base_path": null, "base_start": null})), "{lines}");
    assert!(lines.as_array().unwrap().contains(&json!({"path": "leaves_report.py", "kind": "no_longer_tracked", "from": "hit", "to": null, "start": 1, "end": 1, "base_path": null, "base_start": 1})), "{lines}");
    assert!(lines.as_array().unwrap().contains(&json!({"path": "pkg_moved.py", "kind": "added", "from": null, "to": "hit", "start": 21, "end": 21, "base_path": null, "base_start": null})), "{lines}");
    assert_eq!(
        (
            &js["patch"]["lines"],
            &js["patch"]["hit"],
            &js["patch"]["miss"]
        ),
        (&json!(3), &json!(1), &json!(2))
    );
    assert!((js["patch"]["coverage"].as_f64().unwrap() - 100.0 / 3.0).abs() < 1e-9);
}

#[test]
fn several_merge_bases_take_the_newest() {
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(4));
    repo.commit("O");
    repo.git(&["checkout", "-q", "-b", "A"]);
    repo.write("x.md", "a1\n");
    let a1 = repo.commit("a1");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["checkout", "-q", "-b", "B"]);
    repo.write("y.md", "b1\n");
    let b1 = repo.commit("b1");
    repo.git(&["checkout", "-q", "A"]);
    repo.git(&["merge", "-q", "--no-edit", &b1]);
    repo.git(&["checkout", "-q", "B"]);
    repo.git(&["merge", "-q", "--no-edit", &a1]);
    for rev in [&a1, &b1] {
        record(&repo, rev, &[("a.py", &hits(4, 2))], &[]);
    }
    record(&repo, "A", &[("a.py", &hits(4, 3))], &[]);
    record(&repo, "B", &[("a.py", &hits(4, 3))], &[]);
    let js = repo
        .covgit(&["compare", "A..B", "--format", "json"])
        .ok()
        .json();
    // b1 was committed after a1.
    assert_eq!(js["base"]["requested"], b1);
    assert_eq!(js["base"]["used"], b1);
}

#[test]
fn max_depth_bounds_the_walk() {
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(2));
    repo.commit("good");
    record(&repo, "HEAD", &[("a.py", &hits(2, 1))], &[]);
    for i in 0..3 {
        repo.write("n.md", &format!("{i}\n"));
        repo.commit(&format!("bad {i}"));
        record(
            &repo,
            "HEAD",
            &[("a.py", &hits(2, 0))],
            &["--ci-status", "failed"],
        );
    }
    repo.write("n.md", "head\n");
    let head = repo.commit("head");
    record(&repo, "HEAD", &[("a.py", &hits(2, 2))], &[]);
    // Three failed commits: the requested base and two ancestors after it are not enough.
    let run = repo.covgit(&["compare", &head, "--max-depth", "2"]).code(2);
    assert!(run.stderr.contains("usable"), "{}", run.stderr);
    let js = repo
        .covgit(&["compare", &head, "--max-depth", "3", "--format", "json"])
        .ok()
        .json();
    assert_eq!(js["base"]["skipped"].as_array().unwrap().len(), 3);
}

#[test]
fn flagged_uploads_compare_per_flag_or_merged() {
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(4));
    repo.commit("base");
    record(
        &repo,
        "HEAD",
        &[("a.py", &[(1, 1), (2, 0), (3, 0), (4, 0)])],
        &["--flag", "unit"],
    );
    record(
        &repo,
        "HEAD",
        &[("a.py", &[(1, 0), (2, 1), (3, 0), (4, 0)])],
        &["--flag", "integration"],
    );
    repo.write("b.md", "x\n");
    repo.commit("head");
    record(
        &repo,
        "HEAD",
        &[("a.py", &[(1, 1), (2, 0), (3, 1), (4, 0)])],
        &["--flag", "unit"],
    );
    record(
        &repo,
        "HEAD",
        &[("a.py", &[(1, 0), (2, 0), (3, 0), (4, 0)])],
        &["--flag", "integration"],
    );
    let all = repo
        .covgit(&["compare", "HEAD", "--format", "json"])
        .ok()
        .json();
    assert_eq!(all["totals"]["base"]["hit"], 2);
    assert_eq!(all["totals"]["head"]["hit"], 2);
    let unit = repo
        .covgit(&["compare", "HEAD", "--flag", "unit", "--format", "json"])
        .ok()
        .json();
    assert_eq!(unit["totals"]["base"]["hit"], 1);
    assert_eq!(unit["totals"]["head"]["hit"], 2);
    assert_eq!(unit["lines"][0]["kind"], "gained");
}

#[test]
fn a_head_without_coverage_is_an_error_naming_it() {
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(2));
    repo.commit("base");
    record(&repo, "HEAD", &[("a.py", &hits(2, 1))], &[]);
    repo.write("a.py", &numbered(3));
    let head = repo.commit("head");
    let run = repo.covgit(&["compare", "HEAD"]).code(2);
    assert!(
        run.stderr.contains(&head[..7]) && run.stderr.contains("--head-report"),
        "{}",
        run.stderr
    );
    // --head-report supplies it from a file.
    let r = repo.write_outside("head.info", &lcov(&[("a.py", &hits(3, 3))]));
    let js = repo
        .covgit(&[
            "compare",
            "HEAD",
            "--head-report",
            r.to_str().unwrap(),
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(js["head"]["source"], "file");
    assert_eq!(js["patch"]["lines"], 1);
}

#[test]
fn check_fails_naming_each_gate_and_passes_otherwise() {
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(4));
    repo.commit("base");
    record(&repo, "HEAD", &[("a.py", &hits(4, 4))], &[]);
    repo.write("a.py", &numbered(6));
    repo.commit("head");
    record(
        &repo,
        "HEAD",
        &[("a.py", &[(1, 1), (2, 0), (3, 1), (4, 1), (5, 1), (6, 0)])],
        &[],
    );
    let run = repo
        .covgit(&["check", "HEAD", "--fail-on-lost", "--patch-target", "80"])
        .code(1);
    assert!(run.stderr.contains("patch"), "{}", run.stderr);
    assert!(run.stderr.contains("lost"), "{}", run.stderr);
    // Total 100% → 66.67%: the default threshold (0 points) fails, a wider one passes.
    let run = repo
        .covgit(&["check", "HEAD", "--patch-target", "50"])
        .code(1);
    // Only the project gate fails: the patch, 1 of its 2 lines covered (50%), is on target.
    assert!(
        run.stderr.contains(
            "check failed: project_threshold: project coverage dropped 33.33 points, from 100.00% to 66.67%, more than the 0.00 allowed"
        ),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("patch_target"), "{}", run.stderr);
    repo.covgit(&[
        "check",
        "HEAD",
        "--patch-target",
        "50",
        "--project-threshold",
        "40",
    ])
    .ok();
    let md = repo
        .covgit(&["compare", "HEAD", "--format", "markdown"])
        .ok()
        .stdout;
    assert!(md.contains("a.py") && !md.contains('\u{1b}'), "{md}");
    let gh = repo
        .covgit(&["compare", "HEAD", "--format", "github"])
        .ok()
        .stdout;
    assert!(gh.contains("::warning file=a.py,line=6"), "{gh}");
    // The same gates from .covgit.toml; a flag beats its key (SPEC "Configuration").
    repo.write(
        ".covgit.toml",
        "[check]\npatch_target = 50\nproject_threshold = 40\nfail_on_lost = false\n",
    );
    repo.covgit(&["check", "HEAD"]).ok();
    let run = repo
        .covgit(&["check", "HEAD", "--patch-target", "80"])
        .code(1);
    assert!(run.stderr.contains("patch"), "{}", run.stderr);
    repo.write(
        ".covgit.toml",
        "[check]\npatch_target = 50\nproject_threshold = 40\nfail_on_lost = true\n",
    );
    let run = repo.covgit(&["check", "HEAD"]).code(1);
    assert!(run.stderr.contains("lost"), "{}", run.stderr);
    repo.rm(".covgit.toml");
    // An error is exit 2, not a failed gate's 1 (SPEC "Exit status").
    let run = repo.covgit(&["check", "no-such-rev"]).code(2);
    assert!(run.stderr.contains("no-such-rev"), "{}", run.stderr);
}

#[test]
fn base_and_head_flags_name_the_commits_outright() {
    // a - b - c on one line: A..B would take the merge-base, the flags override both sides.
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(10));
    let a = repo.commit("a");
    record(&repo, "HEAD", &[("a.py", &hits(10, 2))], &[]);
    repo.write("README.md", "b\n");
    let b = repo.commit("b");
    record(&repo, "HEAD", &[("a.py", &hits(10, 5))], &[]);
    repo.write("README.md", "c\n");
    let c = repo.commit("c");
    record(
        &repo,
        "HEAD",
        &[("a.py", &hits(10, 8))],
        &["--ci-status", "failed"],
    );
    let run = repo
        .covgit(&["compare", "--base", &a, "--head", &b, "--format", "json"])
        .ok();
    let js = run.json();
    assert_eq!(js["base"]["requested"], a.as_str());
    assert_eq!(js["base"]["used"], a.as_str());
    assert_eq!(js["head"]["commit"], b.as_str());
    assert_eq!(js["totals"]["base"]["coverage"], 20.0);
    assert_eq!(js["totals"]["head"]["coverage"], 50.0);
    // --base beats the range's merge-base; the head whose CI failed is compared, with a
    // warning that its coverage may be partial (SPEC "Choosing what to compare").
    let run = repo
        .covgit(&[
            "compare",
            &format!("{b}..{c}"),
            "--base",
            &a,
            "--format",
            "json",
        ])
        .ok();
    let js = run.json();
    assert_eq!(js["base"]["used"], a.as_str());
    assert_eq!(js["head"]["commit"], c.as_str());
    assert_eq!(js["totals"]["head"]["coverage"], 80.0);
    assert!(
        run.stderr.contains("CI failed for head commit") && run.stderr.contains("may be partial"),
        "{}",
        run.stderr
    );
    // A range whose sides share no history: with --base there is no merge-base to look for.
    repo.git(&["checkout", "-q", "--orphan", "other"]);
    let other = repo.commit("unrelated");
    let run = repo
        .covgit(&[
            "compare",
            &format!("{other}..{c}"),
            "--base",
            &b,
            "--format",
            "json",
        ])
        .ok();
    assert_eq!(run.json()["base"]["used"], b.as_str());
}

#[test]
fn files_left_undecoded_because_unchanged_give_the_same_answer() {
    // The store path skips decoding files whose coverage and content are the same on both
    // sides; a head report from a file is always decoded whole. Both must agree exactly.
    let repo = TestRepo::new();
    for i in 0..6 {
        repo.write(
            &format!("src/m{i}.py"),
            &numbered(10).replace("line", &format!("m{i}")),
        );
    }
    repo.commit("base");
    let same: Vec<(u32, u64)> = (1..=10).map(|l| (l, u64::from(l % 3))).collect();
    let base_files: Vec<(String, Vec<(u32, u64)>)> = (0..6)
        .map(|i| (format!("src/m{i}.py"), same.clone()))
        .collect();
    let refs: Vec<(&str, &[(u32, u64)])> = base_files
        .iter()
        .map(|(p, l)| (p.as_str(), l.as_slice()))
        .collect();
    record(&repo, "HEAD", &refs, &[]);
    // Head: m0 edited, m1 renamed, m2's coverage changed, m3..m5 untouched.
    repo.write(
        "src/m0.py",
        &format!("new\n{}", numbered(10).replace("line", "m0")),
    );
    repo.git(&["mv", "src/m1.py", "src/renamed.py"]);
    let head = repo.commit("head");
    let mut head_files = base_files.clone();
    head_files[0].1 = std::iter::once((1, 1))
        .chain(same.iter().map(|&(l, h)| (l + 1, h)))
        .collect();
    head_files[1].0 = "src/renamed.py".into();
    head_files[2].1 = (1..=10).map(|l| (l, 1)).collect();
    let refs: Vec<(&str, &[(u32, u64)])> = head_files
        .iter()
        .map(|(p, l)| (p.as_str(), l.as_slice()))
        .collect();
    record(&repo, "HEAD", &refs, &[]);
    let report = repo.write_outside("head-again.info", &lcov(&refs));

    let from_store = repo
        .covgit(&["compare", "HEAD", "--format", "json"])
        .ok()
        .json();
    let mut from_file = repo
        .covgit(&[
            "compare",
            "HEAD",
            "--format",
            "json",
            "--head-report",
            report.to_str().unwrap(),
        ])
        .ok()
        .json();
    assert_eq!(from_file["head"]["source"], "file");
    from_file["head"]["source"] = json!("store");
    // A report file has no uploads; the store's head has its one.
    assert_eq!(from_file["uploads"]["head"], json!([]));
    assert_eq!(
        from_store["uploads"]["head"],
        json!([{"flag": null, "commit": head, "carried": false}])
    );
    from_file["uploads"]["head"] = from_store["uploads"]["head"].clone();
    assert_eq!(from_store, from_file);
    assert_eq!(from_store["files"].as_array().unwrap().len(), 6);
    assert_eq!(from_store["totals"]["head"]["files"], 6);
    assert_eq!(from_store["files"][2]["path"], "src/m3.py");
    assert_eq!(from_store["files"][2]["change"], "unchanged");
}

#[test]
fn no_argument_compares_the_default_branch_with_head() {
    // SPEC: `<default>..HEAD`, the default being origin/HEAD, else main, else master.
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(4));
    let fork = repo.commit("fork point");
    record(&repo, "HEAD", &[("a.py", &hits(4, 2))], &[]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("a.py", &numbered(5));
    let head = repo.commit("feature");
    record(&repo, "HEAD", &[("a.py", &hits(5, 5))], &[]);
    // main moves on after the fork; the base stays the merge-base.
    repo.git(&["checkout", "-q", "main"]);
    repo.write("b.md", "later\n");
    repo.commit("main moves on");
    repo.git(&["checkout", "-q", "feature"]);
    let js = repo.covgit(&["compare", "--format", "json"]).ok().json();
    assert_eq!(js["base"]["requested"], fork);
    assert_eq!(js["head"]["commit"], head);
    assert_eq!(js["patch"]["lines"], 1);
}

#[test]
fn the_project_gate_judges_the_totals_it_prints() {
    // Issue 12.11: a PR that rewrites a covered line and four missed ones (one now
    // covered). The totals rise 60.00% → 70.00%; the gate once said the project dropped 6.67
    // points, counting the replaced lines back into the head beside their new versions.
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(10));
    repo.commit("base");
    record(&repo, "HEAD", &[("a.py", &hits(10, 6))], &[]);
    let edited = numbered(10)
        .lines()
        .enumerate()
        .fold(String::new(), |mut s, (i, l)| {
            let edit = if i == 0 || i >= 6 { " edited" } else { "" };
            let _ = writeln!(s, "{l}{edit}");
            s
        });
    repo.write("a.py", &edited);
    repo.commit("edit covered and uncovered lines");
    record(&repo, "HEAD", &[("a.py", &hits(10, 7))], &[]);
    let run = repo.covgit(&["check", "HEAD", "--patch-target", "0"]).ok();
    assert!(
        run.stderr.contains("total 60.00% → 70.00%"),
        "{}",
        run.stderr
    );
    // The reverse PR drops 10 points: the gate names exactly the totals printed.
    let run = repo
        .covgit(&[
            "check",
            "--base",
            "HEAD",
            "--head",
            "HEAD~1",
            "--patch-target",
            "0",
        ])
        .code(1);
    assert!(
        run.stderr.contains("total 70.00% → 60.00%"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("project coverage dropped 10.00 points, from 70.00% to 60.00%, more than the 0.00 allowed"),
        "{}",
        run.stderr
    );
    repo.covgit(&[
        "check",
        "--base",
        "HEAD",
        "--head",
        "HEAD~1",
        "--patch-target",
        "0",
        "--project-threshold",
        "10",
    ])
    .ok();
}

#[test]
fn a_pure_rename_is_never_indirect_and_files_without_lines_do_not_count() {
    // Issue 12.3, SPEC "compare/2": `indirect` only for `unchanged` files; TOTALS.files
    // counts files with at least one tracked line (coverage.py lists an empty `__init__.py`
    // with `<lines/>`), while `show` may still list such files.
    let repo = TestRepo::new();
    repo.write("pkg/__init__.py", "");
    repo.write("pkg/old.py", &numbered(4));
    let base = repo.commit("base");
    let report = |name: &str, path: &str, hits: &[(u32, u64)]| {
        repo.write_outside(
            name,
            &cobertura("/ci/src", &[("pkg/__init__.py", &[]), (path, hits)]),
        )
    };
    let r = report("base.xml", "pkg/old.py", &[(1, 1), (2, 0), (3, 1), (4, 1)]);
    repo.covgit(&["record", r.to_str().unwrap()]).ok();
    repo.git(&["mv", "pkg/old.py", "pkg/new.py"]);
    let head = repo.commit("pure rename");
    let r = report("head.xml", "pkg/new.py", &[(1, 1), (2, 1), (3, 1), (4, 1)]);
    repo.covgit(&["record", r.to_str().unwrap()]).ok();

    let js = repo
        .covgit(&["compare", &format!("{base}..{head}"), "--format", "json"])
        .ok()
        .json();
    let renamed = js["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "pkg/new.py")
        .unwrap();
    assert_eq!(renamed["change"], "renamed");
    assert_eq!(renamed["indirect"], false, "{renamed}");
    assert_eq!(
        js["lines"],
        json!([{"path": "pkg/new.py", "kind": "gained", "from": "miss", "to": "hit", "start": 2, "end": 2, "base_path": "pkg/old.py", "base_start": 2}])
    );
    assert_eq!(js["totals"]["base"]["files"], 1, "{}", js["totals"]);
    assert_eq!(js["totals"]["head"]["files"], 1, "{}", js["totals"]);
    let text = repo
        .covgit(&["compare", &format!("{base}..{head}")])
        .ok()
        .stdout;
    assert!(!text.contains("(indirect)"), "{text}");

    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(show["totals"]["files"], 1);
    let listed: Vec<&str> = show["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["pkg/__init__.py", "pkg/new.py"]);
    let text = repo.covgit(&["show"]).ok().stdout;
    assert!(text.contains("(1 file, 4 lines"), "{text}");

    let log = repo.covgit(&["log", "--format", "json"]).ok().json();
    let files: Vec<&Value> = log["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["totals"]["files"])
        .collect();
    assert_eq!(files, [&json!(1), &json!(1)]);
}

#[test]
fn unknown_revisions_say_what_was_typed_and_what_to_do() {
    // Issue 12.15: no gix internals, the revision as typed, and the likely fix.
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(2));
    repo.commit("root");
    record(&repo, "HEAD", &[("a.py", &hits(2, 1))], &[]);
    let run = repo.covgit(&["compare", "nosuch"]).code(2);
    assert_eq!(
        run.stderr.trim(),
        "error: unknown revision 'nosuch': no branch, tag or commit of that name in this repository; check the spelling, or `git fetch` it from the remote (a CI checkout may need fetch-depth: 0)"
    );
    let run = repo.covgit(&["compare", "--base", "HEAD~1"]).code(2);
    assert_eq!(
        run.stderr.trim(),
        "error: revision 'HEAD~1' goes back past the first commit of the history; name an existing commit, or pass --base REV"
    );
    for args in [
        &["log", "nosuch..HEAD"][..],
        &["show", "nosuch"],
        &["check", "HEAD..nosuch"],
    ] {
        let run = repo.covgit(args).code(2);
        assert!(
            run.stderr.contains("unknown revision 'nosuch'") && !run.stderr.contains("NotFound"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // A shallow clone: the parent is not there, and the way out is fetching more.
    repo.write("a.py", &numbered(3));
    repo.commit("second");
    repo.git(&["checkout", "-q", "-b", "topic", "HEAD~1"]);
    repo.write("t.py", "t\n");
    repo.commit("topic");
    repo.git(&["checkout", "-q", "main"]);
    let shallow = repo.home().join("shallow");
    let url = format!("file://{}", repo.path().display());
    git_in(
        &repo,
        &repo.home(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            &url,
            shallow.to_str().unwrap(),
        ],
    );
    let run = repo
        .covgit_in(&shallow, &["compare", "--base", "HEAD~1"])
        .code(2);
    assert_eq!(
        run.stderr.trim(),
        "error: revision 'HEAD~1' goes back further than this shallow clone's history; fetch more (`git fetch --unshallow`, or fetch-depth: 0 in CI), or pass --base REV"
    );
    // Two branches cut at depth 1 share no commit here: fetching more is the way out.
    let run = repo
        .covgit_in(&shallow, &["compare", "origin/topic..HEAD"])
        .code(2);
    assert!(
        run.stderr.contains("error: commits 'origin/topic' (")
            && run.stderr.contains(") have no common ancestor in this shallow clone; fetch the full history (`git fetch --unshallow`, or fetch-depth: 0 in CI), or pass --base REV"),
        "{}",
        run.stderr
    );
    // Unrelated histories: no common ancestor, and what to do.
    repo.git(&["checkout", "-q", "--orphan", "lonely"]);
    repo.commit("lonely");
    record(&repo, "HEAD", &[("a.py", &hits(3, 1))], &[]);
    let run = repo.covgit(&["compare", "main..lonely"]).code(2);
    assert!(
        run.stderr.contains(&format!(
            "error: commits 'main' ({}) and 'lonely' ({}) have no common ancestor (unrelated histories); pass --base REV",
            &repo.git(&["rev-parse", "main"])[..7],
            &repo.git(&["rev-parse", "lonely"])[..7],
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn three_dot_ranges_mean_the_same_as_two() {
    // Issue 12.17, SPEC "Choosing what to compare": `A...B` is `A..B`.
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(4));
    repo.commit("fork");
    record(&repo, "HEAD", &[("a.py", &hits(4, 2))], &[]);
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("a.py", &numbered(5));
    repo.commit("topic");
    record(&repo, "HEAD", &[("a.py", &hits(5, 5))], &[]);
    repo.git(&["checkout", "-q", "main"]);
    repo.write("b.md", "later\n");
    repo.commit("main moves on");
    repo.git(&["checkout", "-q", "topic"]);
    let two = repo
        .covgit(&["compare", "main..HEAD", "--format", "json"])
        .ok()
        .stdout;
    let three = repo
        .covgit(&["compare", "main...HEAD", "--format", "json"])
        .ok()
        .stdout;
    assert_eq!(two, three);
    repo.covgit(&["check", "main...topic", "--patch-target", "50"])
        .ok();
    assert_eq!(
        repo.covgit(&["log", "main...HEAD"]).ok().stdout,
        repo.covgit(&["log", "main..HEAD"]).ok().stdout
    );
    let run = repo.covgit(&["compare", "main....HEAD"]).code(2);
    assert!(
        run.stderr
            .contains("'main....HEAD' is not a revision range: expected A..B or A...B"),
        "{}",
        run.stderr
    );
}

#[test]
fn log_n_lists_the_n_newest_recorded_commits() {
    // Issue 12.2: `-n 3` walked 3 commits and printed the one recorded among them.
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(10));
    let mut recorded = Vec::new();
    for i in 0..10u32 {
        repo.write("notes.md", &format!("{i}\n"));
        let c = repo.commit(&format!("c{i}"));
        if i % 3 == 0 {
            record(&repo, "HEAD", &[("a.py", &hits(10, i))], &[]);
            recorded.push(c);
        }
    }
    recorded.reverse();
    let run = repo.covgit(&["log", "-n", "3"]).ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    for (line, c) in lines.iter().zip(&recorded) {
        assert!(line.starts_with(&c[..7]), "{line}");
    }
    // The last one listed still shows its change against the next older recorded one.
    assert!(lines[2].contains("+30.00"), "{}", lines[2]);
    assert_eq!(run.stderr, "");
    let js = repo
        .covgit(&["log", "-n", "2", "--format", "json"])
        .ok()
        .json();
    let commits: Vec<&Value> = js["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["commit"])
        .collect();
    assert_eq!(commits, [&json!(recorded[0]), &json!(recorded[1])]);
    let run = repo.covgit(&["log", "-n", "0"]).ok();
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
    // Asking for more than there are lists them all; the history simply ended.
    let run = repo.covgit(&["log", "-n", "12"]).ok();
    assert_eq!(run.stdout.lines().count(), 4, "{}", run.stdout);
    assert_eq!(run.stderr, "");
}

#[test]
fn log_says_when_its_walk_stopped_before_finding_n() {
    // 10,005 commits; only the root is recorded, beyond the 10,000 commits log walks.
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(2));
    let root = repo.commit("root");
    record(&repo, "HEAD", &[("a.py", &hits(2, 1))], &[]);
    let mut script = String::new();
    for i in 1..=10_005u32 {
        let _ = writeln!(
            script,
            "commit refs/heads/main\ncommitter C <c@example.com> {} +0000\ndata 2\nc\n{}",
            1_800_000_000 + i,
            if i == 1 {
                format!("from {root}\n")
            } else {
                String::new()
            }
        );
    }
    let path = repo.write_outside("history.fi", &script);
    let mut cmd = std::process::Command::new("git");
    crate::common::hermetic(&mut cmd, &repo.home());
    let out = cmd
        .current_dir(repo.path())
        .args(["fast-import", "--quiet", "--force"])
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    repo.git(&["reset", "-q", "--hard", "main"]);

    let run = repo.covgit(&["log", "-n", "2"]).ok();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr.lines().collect::<Vec<_>>(),
        [
            "note: found 0 of the 2 recorded commits asked for in the 10000 commits walked (the most log walks); pass REV or A..B to start further back",
            "note: no recorded commit in the 10000 commits walked; record one with `covgit record` after running the tests",
        ]
    );
    // With no -n nothing was asked for: the walk's end is not news (--help says it).
    let run = repo.covgit(&["log"]).ok();
    assert_eq!(
        run.stderr,
        "note: no recorded commit in the 10000 commits walked; record one with `covgit record` after running the tests\n"
    );
    let help = repo.covgit(&["log", "--help"]).ok();
    assert!(
        help.stdout.contains("The walk stops after 10,000 commits"),
        "{}",
        help.stdout
    );
    // One thing is one: "the 1 recorded commit".
    let run = repo.covgit(&["log", "-n", "1"]).ok();
    assert_eq!(
        run.stderr.lines().next(),
        Some(
            "note: found 0 of the 1 recorded commit asked for in the 10000 commits walked (the most log walks); pass REV or A..B to start further back"
        )
    );
    // Starting further back finds it.
    let run = repo.covgit(&["log", "-n", "2", "main~10000"]).ok();
    assert!(run.stdout.starts_with(&root[..7]), "{}", run.stdout);
    assert_eq!(run.stderr, "");
}

#[test]
fn hints_say_pull_where_the_remote_shares_coverage() {
    // Issue 12.16: a fresh clone of a repository whose remote has shared coverage.
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(2));
    repo.commit("root");
    repo.write("a.py", &numbered(3));
    repo.commit("second");
    let clone = repo.home().join("clone");
    git_in(
        &repo,
        &repo.home(),
        &[
            "clone",
            "-q",
            repo.path().to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
    );
    // Nothing shared yet: record is the advice.
    let run = repo.covgit_in(&clone, &["log"]).code(2);
    assert!(
        run.stderr.contains("run `covgit record` first"),
        "{}",
        run.stderr
    );
    // The remote now has refs/covgit/data (what `covgit push` makes there).
    record(&repo, "HEAD", &[("a.py", &hits(2, 1))], &[]);
    repo.git(&["update-ref", "refs/covgit/data", "HEAD"]);
    for args in [&["log"][..], &["show"], &["compare", "HEAD"]] {
        let run = repo.covgit_in(&clone, args).code(2);
        assert!(
            run.stderr
                .contains("remote 'origin' shares coverage; import it with `covgit pull origin`"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // With a database but nothing recorded on this history: a note on stderr, stdout empty.
    git_in(&repo, &clone, &["checkout", "-q", "--orphan", "side"]);
    git_in(&repo, &clone, &["commit", "-q", "-m", "side"]);
    let report = repo.write_outside("side.info", &lcov(&[("a.py", &[(1, 1)])]));
    repo.covgit_in(&clone, &["record", report.to_str().unwrap()])
        .ok();
    git_in(&repo, &clone, &["checkout", "-q", "main"]);
    let run = repo.covgit_in(&clone, &["log"]).ok();
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("no recorded commit in the 2 commits walked; remote 'origin' shares coverage: import it with `covgit pull origin`"),
        "{}",
        run.stderr
    );
}

#[test]
fn compare_on_the_default_branch_says_it_compares_head_with_itself() {
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(2));
    repo.commit("one");
    record(&repo, "HEAD", &[("a.py", &hits(2, 1))], &[]);
    repo.write("a.py", &numbered(3));
    repo.commit("two");
    record(&repo, "HEAD", &[("a.py", &hits(3, 3))], &[]);
    let run = repo.covgit(&["compare"]).ok();
    assert!(
        run.stderr.contains("is on the default branch main, so `main..HEAD` compares it with itself; run `covgit compare HEAD`"),
        "{}",
        run.stderr
    );
    let run = repo.covgit(&["compare", "HEAD"]).ok();
    assert!(!run.stderr.contains("itself"), "{}", run.stderr);
    // A head report is new coverage of HEAD, compared with HEAD's recorded one: no warning.
    let fresh = repo.write_outside("fresh.info", &lcov(&[("a.py", &hits(3, 1))]));
    let run = repo
        .covgit(&["compare", "--head-report", fresh.to_str().unwrap()])
        .ok();
    assert!(!run.stderr.contains("itself"), "{}", run.stderr);
    assert!(run.stdout.contains("100.00% → 33.33%"), "{}", run.stdout);
}

#[test]
fn the_project_gate_agrees_with_the_totals_as_printed() {
    // 95.00% → 94.995...%: both print as 95.00%, so threshold 0 must not fail "dropped 0.00".
    let repo = TestRepo::new();
    repo.write("a.py", &numbered(20_000));
    repo.commit("base");
    let mut hits: Vec<(u32, u64)> = (1..=20_000).map(|l| (l, u64::from(l <= 19_000))).collect();
    record(&repo, "HEAD", &[("a.py", &hits)], &[]);
    repo.write("a.py", &numbered(20_001));
    repo.commit("head");
    hits.push((20_001, 0));
    record(&repo, "HEAD", &[("a.py", &hits)], &[]);
    let run = repo
        .covgit(&[
            "check",
            "HEAD~1..HEAD",
            "--patch-target",
            "0",
            "--project-threshold",
            "0",
        ])
        .ok();
    assert!(run.stderr.contains("95.00% → 95.00%"), "{}", run.stderr);
    assert!(!run.stderr.contains("dropped"), "{}", run.stderr);
}

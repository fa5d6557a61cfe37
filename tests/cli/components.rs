//! `[components.NAME]` (SPEC "Flags"): per-component figures in every format and their gates
//! in `covgit check`, on a real history with real LCOV reports.

use std::fmt::Write as _;

use serde_json::json;

use crate::common::{TestRepo, lcov};

/// `api` overlaps `libs` on `libs/auth/`; `api` has a patch gate, `libs` a lost gate, `web`
/// none at all.
const CONFIG: &str = r#"
[components.web]
paths = ["web/**"]

[components.api]
paths = ["services/api/**", "libs/auth/**"]
patch_target = 90

[components.libs]
paths = ["libs/**"]
fail_on_lost = true
"#;

fn numbered(n: u32) -> String {
    (1..=n).fold(String::new(), |mut s, i| {
        let _ = writeln!(s, "x{i} = {i}");
        s
    })
}

/// `(line, hits)` for lines 1..=n; the lines in `missed` miss, the rest hit once.
fn hits(n: u32, missed: &[u32]) -> Vec<(u32, u64)> {
    (1..=n)
        .map(|l| (l, u64::from(!missed.contains(&l))))
        .collect()
}

fn record(repo: &TestRepo, name: &str, files: &[(&str, &[(u32, u64)])]) {
    let path = repo.write_outside(name, &lcov(files));
    repo.covgit(&["record", path.to_str().unwrap()]).ok();
}

/// A: handler.py 8/10, token.py 4/4, app.js 2/4. B: handler.py gains two lines (one hit),
/// token.py's line 1 loses its coverage, app.js is untouched. Both recorded.
fn history(config: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write(".covgit.toml", config);
    repo.write("services/api/handler.py", &numbered(10));
    repo.write("libs/auth/token.py", &numbered(4));
    repo.write("web/app.js", &numbered(4));
    repo.commit("A");
    record(
        &repo,
        "a.info",
        &[
            ("services/api/handler.py", &hits(10, &[9, 10])),
            ("libs/auth/token.py", &hits(4, &[])),
            ("web/app.js", &hits(4, &[3, 4])),
        ],
    );
    repo.write("services/api/handler.py", &numbered(12));
    repo.commit("B");
    record(
        &repo,
        "b.info",
        &[
            ("services/api/handler.py", &hits(12, &[9, 10, 12])),
            ("libs/auth/token.py", &hits(4, &[1])),
            ("web/app.js", &hits(4, &[3, 4])),
        ],
    );
    repo
}

fn totals(files: u64, lines: u64, hit: u64, coverage: f64) -> serde_json::Value {
    json!({"files": files, "lines": lines, "hit": hit, "partial": 0, "miss": lines - hit,
           "branches": 0, "branches_hit": 0, "coverage": coverage})
}

#[test]
fn overlapping_components_have_their_own_figures_in_json() {
    let repo = history(CONFIG);
    let js = repo
        .covgit(&["compare", "HEAD", "--format", "json"])
        .ok()
        .json();
    let no_patch = json!({"lines": 0, "hit": 0, "partial": 0, "miss": 0, "coverage": null});
    // Ordered by name; token.py counts in api and in libs.
    assert_eq!(
        js["components"],
        json!([
            {
                "name": "api",
                "base": totals(2, 14, 12, 12.0 / 14.0 * 100.0),
                "head": totals(2, 16, 12, 75.0),
                "patch": {"lines": 2, "hit": 1, "partial": 0, "miss": 1, "coverage": 50.0}
            },
            {
                "name": "libs",
                "base": totals(1, 4, 4, 100.0),
                "head": totals(1, 4, 3, 75.0),
                "patch": no_patch
            },
            {
                "name": "web",
                "base": totals(1, 4, 2, 50.0),
                "head": totals(1, 4, 2, 50.0),
                "patch": no_patch
            }
        ])
    );
    // The project's figures are what they were with no component.
    assert_eq!(js["totals"]["head"], totals(3, 20, 14, 70.0));
}

#[test]
fn components_show_as_a_table_in_text_and_markdown_only_when_configured() {
    let repo = history(CONFIG);
    let text = repo.covgit(&["compare", "HEAD"]).ok().stdout;
    assert!(
        text.contains(
            "Components:\n  \
             api    85.71%  →  75.00%  (-10.71)  patch 50.00% (1/2 lines)\n  \
             libs  100.00%  →  75.00%  (-25.00)  no tracked lines added\n  \
             web    50.00%  →  50.00%   (+0.00)  no tracked lines added\n"
        ),
        "{text}"
    );
    let md = repo
        .covgit(&["compare", "HEAD", "--format", "markdown"])
        .ok()
        .stdout;
    assert!(
        md.contains(
            "| Component | Base | Head | Δ | Patch |\n\
             | :--- | ---: | ---: | ---: | ---: |\n\
             | api | 85.71% | 75.00% | -10.71 | 50.00% (1/2) |\n\
             | libs | 100.00% | 75.00% | -25.00 | — |\n\
             | web | 50.00% | 50.00% | +0.00 | — |\n"
        ),
        "{md}"
    );

    // With no component configured, no trace of them but JSON's empty list.
    repo.write(".covgit.toml", "");
    let text = repo.covgit(&["compare", "HEAD"]).ok().stdout;
    assert!(!text.contains("Component"), "{text}");
    let md = repo
        .covgit(&["compare", "HEAD", "--format", "markdown"])
        .ok()
        .stdout;
    assert!(!md.contains("Component"), "{md}");
    let js = repo
        .covgit(&["compare", "HEAD", "--format", "json"])
        .ok()
        .json();
    assert_eq!(js["components"], json!([]));
}

#[test]
fn a_failing_component_gate_names_itself_beside_the_project_gates() {
    let repo = history(CONFIG);
    // The command line's gates replace [check] only: the project passes, the components'
    // own keys still apply, each failure named after its component, with its figures.
    let run = repo
        .covgit(&[
            "check",
            "HEAD",
            "--patch-target",
            "0",
            "--project-threshold",
            "100",
        ])
        .code(1);
    let failed: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("check failed"))
        .collect();
    assert_eq!(
        failed,
        [
            "check failed: component api: patch_target: patch coverage is 50.00% (1 of 2 added lines covered), below the target of 90.00%",
            "check failed: component libs: fail_on_lost: 1 line lost coverage, first at libs/auth/token.py:1",
        ],
        "{}",
        run.stderr
    );

    // One roll-up verdict: a project gate failing too joins the same list.
    let run = repo
        .covgit(&["check", "HEAD", "--patch-target", "0"])
        .code(1);
    assert!(
        run.stderr.contains("check failed: project_threshold: ")
            && run
                .stderr
                .contains("check failed: component api: patch_target: "),
        "{}",
        run.stderr
    );

    // A component without a key has no such gate; met targets pass.
    let relaxed = CONFIG
        .replace("patch_target = 90", "patch_target = 50")
        .replace("fail_on_lost = true", "project_threshold = 25");
    repo.write(".covgit.toml", &relaxed);
    repo.covgit(&[
        "check",
        "HEAD",
        "--patch-target",
        "0",
        "--project-threshold",
        "100",
    ])
    .ok();
    // `auto` is the component's own base coverage: api's 85.71% fails a 50% patch.
    repo.write(
        ".covgit.toml",
        &relaxed.replace("patch_target = 50", "patch_target = \"auto\""),
    );
    let run = repo
        .covgit(&[
            "check",
            "HEAD",
            "--patch-target",
            "0",
            "--project-threshold",
            "100",
        ])
        .code(1);
    assert!(
        run.stderr
            .contains("component api: patch_target: patch coverage is 50.00% (1 of 2 added lines covered), below the target of 85.71%"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_malformed_component_is_refused_and_the_store_left_untouched() {
    let repo = history(CONFIG);
    let log = || repo.covgit(&["log", "--format", "json"]).ok().stdout;
    let logged = log();
    // Every file of the store (the database, its WAL) byte for byte.
    let store = || {
        let mut files: Vec<_> = std::fs::read_dir(repo.db().parent().unwrap())
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.file_name(), std::fs::read(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    };
    let before = store();
    let report = repo.write_outside("c.info", &lcov(&[("web/app.js", &hits(4, &[]))]));
    for (config, want) in [
        (
            "[components.api]\npaths = [\"services/**\", \"src/[a\"]\n",
            "line 2: [components.api] paths: glob 2 is not valid: unclosed character class",
        ),
        (
            "[components.api]\npatch_target = 90\n",
            "line 1: missing key `paths`",
        ),
        (
            "[components.api]\npaths = [\"a/**\"]\n\npatch_tagret = 90\n",
            "line 4: unknown key `patch_tagret`",
        ),
        (
            "[components.\"api v2\"]\npaths = [\"a/**\"]\n",
            "line 1: component name `api v2` must be 1 to 64 letters, digits, '-' or '_'",
        ),
        (
            "[components.api]\npaths = []\n",
            "line 2: [components.api] paths must list at least one glob",
        ),
        (
            "[components.api]\npaths = [\"a/**\"]\nproject_threshold = -2\n",
            "line 3: [components.api] project_threshold must be a finite number of points, 0 or more",
        ),
    ] {
        repo.write(".covgit.toml", config);
        for args in [
            vec!["record", report.to_str().unwrap()],
            vec!["check", "HEAD"],
            vec!["compare", "HEAD"],
        ] {
            let run = repo.covgit(&args).code(2);
            let err = run.stderr.trim_end();
            assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
            assert!(
                err.starts_with("error: ") && err.contains(".covgit.toml") && err.contains(want),
                "{args:?}: {err}\nwanted: {want}"
            );
            assert!(run.stdout.is_empty(), "{}", run.stdout);
        }
    }
    assert!(store() == before, "the store changed");
    repo.write(".covgit.toml", CONFIG);
    assert_eq!(log(), logged);
}

#[test]
fn a_working_tree_head_has_its_components_and_their_gates_too() {
    let repo = history(CONFIG);
    // Uncommitted: web/app.js gains two lines, both missed.
    repo.write("web/app.js", &numbered(6));
    let report = repo.write_outside(
        "wt.info",
        &lcov(&[
            ("services/api/handler.py", &hits(12, &[9, 10, 12])),
            ("libs/auth/token.py", &hits(4, &[1])),
            ("web/app.js", &hits(6, &[3, 4, 5, 6])),
        ]),
    );
    let report = report.to_str().unwrap();
    let js = repo
        .covgit(&[
            "compare",
            "--worktree",
            "--head-report",
            report,
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(js["head"]["commit"], serde_json::Value::Null);
    let web = &js["components"][2];
    assert_eq!(web["name"], "web");
    assert_eq!(web["base"], totals(1, 4, 2, 50.0));
    assert_eq!(web["head"], totals(1, 6, 2, 2.0 / 6.0 * 100.0));
    assert_eq!(
        web["patch"],
        json!({"lines": 2, "hit": 0, "partial": 0, "miss": 2, "coverage": 0.0})
    );
    // api's patch is measured against HEAD now: nothing of it changed, so nothing fails it.
    assert_eq!(js["components"][0]["patch"]["lines"], 0);
    repo.write(
        ".covgit.toml",
        &format!("{CONFIG}\n[components.web2]\npaths = [\"web/*.js\"]\npatch_target = 1\n"),
    );
    let run = repo
        .covgit(&[
            "check",
            "--worktree",
            "--head-report",
            report,
            "--project-threshold",
            "100",
        ])
        .code(1);
    assert!(
        run.stderr.contains(
            "check failed: component web2: patch_target: patch coverage is 0.00% (0 of 2 added lines covered), below the target of 1.00%"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn hostile_component_and_flag_names_never_reach_the_output_raw() {
    let repo = TestRepo::new();
    repo.write("app.py", &numbered(2));
    repo.commit("A");
    let report = repo.write_outside("r.info", &lcov(&[("app.py", &hits(2, &[]))]));
    let report = report.to_str().unwrap();
    let hostile = "x\u{1b}[31m\n::error::y\u{202e}";
    let toml_name = "x\\u001b[31m\\n::error::y\\u202e";
    let mut runs = Vec::new();
    // A component name is 1 to 64 ASCII letters, digits, '-' or '_': refused, escaped.
    repo.write(
        ".covgit.toml",
        &format!("[components.\"{toml_name}\"]\npaths = [\"a/**\"]\n"),
    );
    let run = repo.covgit(&["record", report]).code(2);
    assert!(
        run.stderr
            .contains("line 1: component name `x\\u{1b}[31m\\n::error::y\\u{202e}`"),
        "{}",
        run.stderr
    );
    runs.push(run);
    // Flag names are ASCII too, from the command line and from `[flags]`: refused, escaped.
    repo.write(".covgit.toml", "");
    for args in [
        vec!["record", report, "--flag", hostile],
        vec!["show", "--flag", hostile],
        vec!["compare", "HEAD", "--flag", hostile],
    ] {
        let run = repo.covgit(&args).code(2);
        assert!(
            run.stderr.contains("\\x1b[31m\\n::error::y"),
            "{}",
            run.stderr
        );
        runs.push(run);
    }
    for key in ["expected", "carryforward"] {
        repo.write(
            ".covgit.toml",
            &format!("[flags]\n{key} = [\"{toml_name}\"]\n"),
        );
        let run = repo.covgit(&["record", report]).code(2);
        let want = format!("line 2: [flags] {key} must list flag names");
        assert!(run.stderr.contains(&want), "{}", run.stderr);
        runs.push(run);
    }
    for run in runs {
        assert!(
            !run.stderr.contains(['\u{1b}', '\u{202e}']),
            "{}",
            run.stderr
        );
        assert!(
            !run.stderr.lines().any(|l| l.starts_with("::")),
            "{}",
            run.stderr
        );
    }
    assert!(!repo.db().exists());
}

//! SPEC `[paths] generated` (issue 15.5): files the recorded commit's `.gitattributes` mark
//! `linguist-generated` are left out of its report, and `record` and `show` say how many.

use crate::common::{TestRepo, lcov};

const SRC: &str = "def f():\n    return 1\n\n\ndef g():\n    return 2\n";
const GEN: &str = "A = 1\nB = 2\nC = 3\nD = 4\n";
const NOTE: &str = "left out 1 generated file that .gitattributes marks linguist-generated";

/// `src/app.py`, and `gen/api.py` in a folder the committed `.gitattributes` marks generated.
fn repo_with_a_generated_folder() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("src/app.py", SRC);
    repo.write("gen/api.py", GEN);
    repo.write(".gitattributes", "gen/** linguist-generated\n");
    repo.commit("app with generated api");
    repo
}

/// A report covering both files: every line of `src/app.py` hit, `gen/api.py` missed.
fn both(repo: &TestRepo, name: &str) -> String {
    repo.write_outside(
        name,
        &lcov(&[
            ("src/app.py", &[(2, 1), (6, 1)]),
            ("gen/api.py", &[(1, 0), (2, 0), (3, 0), (4, 0)]),
        ]),
    )
    .to_str()
    .unwrap()
    .to_owned()
}

fn paths(files: &serde_json::Value) -> Vec<&str> {
    files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect()
}

#[test]
fn a_folder_marked_generated_is_left_out_of_record_compare_and_show() {
    let repo = repo_with_a_generated_folder();
    let report = both(&repo, "base.info");
    let rec = repo.covgit(&["record", &report]).ok();
    assert!(
        rec.stderr
            .contains(&format!("{NOTE} ([paths] generated = false keeps them)")),
        "{}",
        rec.stderr
    );
    assert!(
        rec.stderr.contains(": 1 file, 2 lines, coverage 100.00%"),
        "{}",
        rec.stderr
    );

    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(paths(&show["files"]), ["src/app.py"]);
    assert_eq!(show["totals"]["lines"], 2);
    // JSON keeps its fixed schema; the text says how many were left out and why.
    assert_eq!(
        show["uploads"],
        serde_json::json!([{"flag": null, "format": "lcov"}])
    );
    let text = repo.covgit(&["show"]).ok().stdout;
    let upload = text
        .lines()
        .skip_while(|l| *l != "Uploads: 1")
        .nth(1)
        .unwrap();
    assert!(upload.starts_with("  (no flag)  lcov  passed  "), "{text}");
    assert!(
        upload.ends_with(
            " UTC  2 lines  1 generated file left out (linguist-generated in .gitattributes)"
        ),
        "{text}"
    );

    // The head edits both files; its report is left the same way, so the comparison sees
    // only code.
    repo.write("gen/api.py", &format!("{GEN}E = 5\n"));
    repo.write("src/app.py", &format!("{SRC}\n\ndef h():\n    return 3\n"));
    repo.commit("more");
    let head = repo.write_outside(
        "head.info",
        &lcov(&[
            ("src/app.py", &[(2, 1), (6, 1), (10, 0)]),
            ("gen/api.py", &[(1, 0), (2, 0), (3, 0), (4, 0), (5, 0)]),
        ]),
    );
    let head = head.to_str().unwrap();
    repo.covgit(&["record", head]).ok();
    let cmp = repo
        .covgit(&["compare", "HEAD~1..HEAD", "--format", "json"])
        .ok()
        .json();
    assert_eq!(paths(&cmp["files"]), ["src/app.py"]);
    assert_eq!(cmp["totals"]["head"]["lines"], 3);
    assert_eq!(cmp["patch"]["lines"], 1);
    // A head report read from a file is left the same way.
    let cmp = repo
        .covgit(&[
            "compare",
            "HEAD~1..HEAD",
            "--head-report",
            head,
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(cmp["head"]["source"], "file");
    assert_eq!(paths(&cmp["files"]), ["src/app.py"]);
    assert_eq!(cmp["totals"]["head"]["lines"], 3);
    // So is one of the working tree, against its snapshot's attributes.
    repo.write("src/app.py", &format!("{SRC}\n\ndef h():\n    return 4\n"));
    let cmp = repo
        .covgit(&[
            "compare",
            "--worktree",
            "--head-report",
            head,
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(paths(&cmp["files"]), ["src/app.py"]);
    assert_eq!(cmp["totals"]["head"]["lines"], 3);
}

#[test]
fn generated_false_keeps_them() {
    let repo = repo_with_a_generated_folder();
    repo.write(".covgit.toml", "[paths]\ngenerated = false\n");
    let rec = repo.covgit(&["record", &both(&repo, "r.info")]).ok();
    assert!(!rec.stderr.contains("generated"), "{}", rec.stderr);
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(paths(&show["files"]), ["gen/api.py", "src/app.py"]);
    assert_eq!(show["totals"]["lines"], 6);
    assert!(!repo.covgit(&["show"]).ok().stdout.contains("generated"));
}

#[test]
fn a_malformed_generated_key_is_refused_and_nothing_is_recorded() {
    let repo = repo_with_a_generated_folder();
    repo.write(".covgit.toml", "[paths]\ngenerated = \"no\"\n");
    let rec = repo.covgit(&["record", &both(&repo, "r.info")]).code(2);
    assert!(
        rec.stderr.contains(".covgit.toml")
            && rec
                .stderr
                .contains("line 2: [paths] generated: wrong type, expected a boolean"),
        "{}",
        rec.stderr
    );
    assert!(!repo.db().exists());
}

#[test]
fn a_gitattributes_that_exists_only_in_the_work_tree_changes_nothing() {
    let repo = TestRepo::new();
    repo.write("src/app.py", SRC);
    repo.write("gen/api.py", GEN);
    repo.commit("no attributes");
    // Neither an uncommitted `.gitattributes` nor `info/attributes` is the commit's.
    repo.write(".gitattributes", "gen/** linguist-generated\n");
    repo.write(".git/info/attributes", "* linguist-generated\n");
    let rec = repo.covgit(&["record", &both(&repo, "r.info")]).ok();
    assert!(!rec.stderr.contains("generated"), "{}", rec.stderr);
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(paths(&show["files"]), ["gen/api.py", "src/app.py"]);

    // Committed, it counts; an uncommitted edit that unmarks the folder does not.
    repo.git(&["add", ".gitattributes"]);
    repo.commit("mark gen as generated");
    repo.write(".gitattributes", "gen/** -linguist-generated\n");
    let rec = repo.covgit(&["record", &both(&repo, "r.info")]).ok();
    assert!(rec.stderr.contains(NOTE), "{}", rec.stderr);
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(paths(&show["files"]), ["src/app.py"]);
}

#[test]
fn generated_files_never_make_a_report_look_like_another_commit_s() {
    let repo = repo_with_a_generated_folder();
    // The build regenerated `gen/api.py` longer than the committed one, and the report has a
    // path of another checkout besides.
    let report = repo.write_outside(
        "r.info",
        &lcov(&[
            ("gen/api.py", &[(1, 1), (40, 1)]),
            ("/elsewhere/x.py", &[(1, 1)]),
        ]),
    );
    let report = report.to_str().unwrap();
    let rec = repo.covgit(&["record", report]).ok();
    assert!(rec.stderr.contains(NOTE), "{}", rec.stderr);
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(paths(&show["files"]), ["/elsewhere/x.py"]);
    // Kept, the same file is judged like any other.
    repo.write(".covgit.toml", "[paths]\ngenerated = false\n");
    let rec = repo.covgit(&["record", report]).code(2);
    assert!(
        rec.stderr.contains("tracks line 40 of gen/api.py"),
        "{}",
        rec.stderr
    );
}

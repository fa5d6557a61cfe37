//! `covgit record`, `show`, `log` and `mark` on real repositories and real reports.

use std::path::Path;

use crate::common::{TestRepo, cobertura, lcov};

const PYPROJ: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/reports/cobertura/generated/pyproj"
);
/// The sources that report was made from (the shared fixture's `project/`).
const PYPROJ_SOURCES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/projects/pyproj"
);

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The pyproj fixture committed as a repository, and its coverage.py report rewritten to the
/// repository's absolute root, as coverage.py would have written it there.
fn pyproj_repo() -> (TestRepo, std::path::PathBuf) {
    let repo = TestRepo::new();
    copy_tree(Path::new(PYPROJ_SOURCES), &repo.path());
    repo.commit("pyproj");
    let xml = std::fs::read_to_string(format!("{PYPROJ}/coverage-7.17.3-branch-multisource.xml"))
        .unwrap();
    let xml = xml.replace("/tmp/gen/pyproj", repo.path().to_str().unwrap());
    let report = repo.write_outside("coverage.xml", &xml);
    (repo, report)
}

#[test]
fn coverage_py_report_records_with_repository_paths_and_its_own_totals() {
    let (repo, report) = pyproj_repo();
    repo.covgit(&["record", report.to_str().unwrap()]).ok();
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(show["schema"], "covgit/show/1");
    assert_eq!(show["commit"], repo.git(&["rev-parse", "HEAD"]));
    assert_eq!(show["ci_status"], "passed");
    let paths: Vec<&str> = show["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "scripts/tool.py",
            "src/pyproj/__init__.py",
            "src/pyproj/never_imported.py",
            "src/pyproj/shapes.py"
        ]
    );
    // The report's own figures: lines-valid="41" lines-covered="33".
    let t = &show["totals"];
    assert_eq!(t["lines"], 41);
    assert_eq!(
        t["hit"].as_u64().unwrap() + t["partial"].as_u64().unwrap(),
        33
    );
    // Files with a tracked line (SPEC TOTALS): the empty `__init__.py` is listed, not counted.
    assert_eq!(t["files"], 3);
    assert_eq!(show["unresolved"], serde_json::json!([]));
    assert_eq!(
        show["uploads"],
        serde_json::json!([{"flag": null, "format": "cobertura"}])
    );
}

#[test]
fn a_report_built_elsewhere_resolves_by_unique_suffix() {
    let (repo, _) = pyproj_repo();
    // The original file, with the generator's /tmp/gen/pyproj roots.
    let original = format!("{PYPROJ}/coverage-7.17.3-branch-multisource.xml");
    let run = repo.covgit(&["record", &original]).ok();
    assert!(!run.stderr.contains("unresolved"), "{}", run.stderr);
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(show["files"].as_array().unwrap().len(), 4);
    assert_eq!(show["unresolved"], serde_json::json!([]));
}

#[test]
fn unresolved_paths_are_warned_about_and_listed_by_show() {
    let repo = TestRepo::new();
    repo.write("src/a.py", "x = 1\n");
    repo.commit("a");
    let report = repo.write_outside(
        "lcov.info",
        &lcov(&[
            ("src/a.py", &[(1, 1)]),
            ("/elsewhere/gone.py", &[(1, 0), (2, 0)]),
        ]),
    );
    let run = repo.covgit(&["record", report.to_str().unwrap()]).ok();
    assert!(run.stderr.contains("/elsewhere/gone.py"), "{}", run.stderr);
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(
        show["unresolved"],
        serde_json::json!(["/elsewhere/gone.py"])
    );
    assert_eq!(show["totals"]["lines"], 3);
    let text = repo.covgit(&["show"]).ok().stdout;
    assert!(text.contains("/elsewhere/gone.py"), "{text}");
}

#[test]
fn flags_make_separate_uploads_that_merge_and_a_second_record_replaces() {
    let repo = TestRepo::new();
    repo.write("a.c", "int a;\nint b;\nint c;\n");
    repo.write("b.c", "int d;\nint e;\n");
    let sha = repo.commit("a");
    // a.c is covered differently by the two uploads (merged by decoding), b.c the same
    // (its stored totals serve).
    let same: &[(u32, u64)] = &[(1, 0), (2, 0)];
    let unit = repo.write_outside(
        "unit.info",
        &lcov(&[("a.c", &[(1, 1), (2, 0), (3, 0)]), ("b.c", same)]),
    );
    let integ = repo.write_outside(
        "integ.info",
        &lcov(&[("a.c", &[(1, 0), (2, 4), (3, 0)]), ("b.c", same)]),
    );
    repo.covgit(&["record", "--flag", "unit", unit.to_str().unwrap()])
        .ok();
    repo.covgit(&[
        "record",
        "--flag",
        "integration",
        "--ci-status",
        "pending",
        integ.to_str().unwrap(),
    ])
    .ok();
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(show["totals"]["hit"], 2);
    assert_eq!(show["totals"]["lines"], 5);
    assert_eq!(show["totals"]["files"], 2);
    assert_eq!(show["files"][0]["path"], "a.c");
    assert_eq!(show["files"][0]["totals"]["hit"], 2);
    assert_eq!(show["files"][1]["path"], "b.c");
    assert_eq!(show["files"][1]["totals"]["miss"], 2);
    assert_eq!(show["ci_status"], "pending");
    let only_unit = repo
        .covgit(&["show", "--flag", "unit", "--format", "json"])
        .ok()
        .json();
    assert_eq!(only_unit["totals"]["hit"], 1);
    // Same commit and flag again: replaces that upload only.
    let unit2 = repo.write_outside("unit2.info", &lcov(&[("a.c", &[(1, 1), (2, 0), (3, 5)])]));
    let run = repo
        .covgit(&["record", "--flag", "unit", unit2.to_str().unwrap()])
        .ok();
    assert!(run.stderr.contains("replaced"), "{}", run.stderr);
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(show["totals"]["hit"], 3);
    let log = repo.covgit(&["log", "--format", "json"]).ok().json();
    assert_eq!(log["schema"], "covgit/log/1");
    assert_eq!(log["commits"][0]["commit"], sha);
    let mut flags: Vec<String> = log["commits"][0]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect();
    flags.sort();
    assert_eq!(flags, ["integration", "unit"]);
    // mark sets the commit's status outright.
    repo.covgit(&["mark", "HEAD", "--ci-status", "passed"]).ok();
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(show["ci_status"], "passed");
}

#[test]
fn log_walks_first_parent_history_with_coverage_changes() {
    let repo = TestRepo::new();
    repo.write("a.py", "a\nb\nc\nd\n");
    let c1 = repo.commit("one");
    let r1 = repo.write_outside(
        "r1.info",
        &lcov(&[("a.py", &[(1, 1), (2, 0), (3, 0), (4, 0)])]),
    );
    repo.covgit(&["record", r1.to_str().unwrap()]).ok();
    repo.commit("two, not recorded");
    let c3 = repo.commit("three");
    let r3 = repo.write_outside(
        "r3.info",
        &lcov(&[("a.py", &[(1, 1), (2, 1), (3, 0), (4, 0)])]),
    );
    repo.covgit(&["record", "--ci-status", "failed", r3.to_str().unwrap()])
        .ok();
    let log = repo.covgit(&["log", "--format", "json"]).ok().json();
    let commits = log["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 2);
    assert_eq!(commits[0]["commit"], c3);
    assert_eq!(commits[0]["ci_status"], "failed");
    assert_eq!(commits[0]["flags"], serde_json::json!([null]));
    assert_eq!(commits[1]["commit"], c1);
    assert_eq!(commits[0]["totals"]["coverage"], 50.0);
    let text = repo.covgit(&["log"]).ok().stdout;
    assert!(text.contains(&c3[..7]) && text.contains("+25.00"), "{text}");
}

#[test]
fn recording_the_same_report_for_many_commits_barely_grows_the_store() {
    let repo = TestRepo::new();
    let mut files = Vec::new();
    // 300 files of 400 lines, each file's coverage different, as in a real code base.
    let mut per_file = Vec::new();
    for i in 0..300u32 {
        let path = format!("src/m{i:03}.py");
        repo.write(&path, &"x = 1\n".repeat(400));
        files.push(path);
        per_file.push(
            (1..=400u32)
                .filter(|l| (l * 7 + i) % 5 != 0)
                .map(|l| (l, u64::from((l * 31 + i * 17) % 11)))
                .collect::<Vec<(u32, u64)>>(),
        );
    }
    repo.commit("c0");
    let report: Vec<(&str, &[(u32, u64)])> = files
        .iter()
        .zip(&per_file)
        .map(|(f, lines)| (f.as_str(), lines.as_slice()))
        .collect();
    let xml = repo.write_outside(
        "coverage.xml",
        &cobertura(repo.path().to_str().unwrap(), &report),
    );
    let xml = xml.to_str().unwrap();
    repo.covgit(&["record", xml]).ok();
    let size = |repo: &TestRepo| {
        // Fold the WAL into the main file by opening and closing the store read-only.
        repo.covgit(&["log", "-n", "1"]).ok();
        let db = repo.db();
        let wal = db.with_extension("db-wal");
        std::fs::metadata(&db).unwrap().len() + std::fs::metadata(wal).map_or(0, |m| m.len())
    };
    let first = size(&repo);
    for i in 1..20 {
        repo.commit(&format!("c{i}"));
        repo.covgit(&["record", xml]).ok();
    }
    let after = size(&repo);
    assert!(
        (after as f64) < 1.5 * first as f64,
        "store grew from {first} to {after} bytes for 20 identical reports"
    );
}

#[test]
fn reports_are_discovered_and_global_options_work_from_anywhere() {
    let repo = TestRepo::new();
    repo.write("src/a.py", "x = 1\ny = 2\n");
    repo.commit("a");
    // No REPORT: coverage.xml in the current folder is found.
    repo.write(
        "coverage.xml",
        &cobertura(
            repo.path().to_str().unwrap(),
            &[("src/a.py", &[(1, 1), (2, 0)])],
        ),
    );
    let run = repo.covgit(&["record"]).ok();
    assert!(run.stderr.contains("coverage.xml"), "{}", run.stderr);
    assert!(repo.db().exists(), "default database inside .git/covgit/");
    // -C runs as if started there; COVGIT_DB and --db move the database.
    let elsewhere = repo.home().join("other.db");
    let outside = repo.home();
    repo.covgit_env(
        &outside,
        &[("COVGIT_DB", elsewhere.to_str().unwrap())],
        &[
            "-C",
            repo.path().to_str().unwrap(),
            "record",
            "--flag",
            "env",
        ],
    )
    .ok();
    let show = repo
        .covgit_in(
            &outside,
            &[
                "-C",
                repo.path().to_str().unwrap(),
                "--db",
                elsewhere.to_str().unwrap(),
                "show",
                "--format",
                "json",
            ],
        )
        .ok()
        .json();
    assert_eq!(
        show["uploads"],
        serde_json::json!([{"flag": "env", "format": "cobertura"}])
    );
    assert_eq!(show["totals"]["lines"], 2);
    // Nothing to discover: a clear error naming the folder.
    repo.rm("coverage.xml");
    let run = repo.covgit(&["record"]).code(2);
    assert!(
        run.stderr.contains("coverage.xml") && run.stderr.contains("pass the report"),
        "{}",
        run.stderr
    );
}

#[test]
fn many_unresolved_paths_are_named_up_to_twenty_then_counted() {
    let repo = TestRepo::new();
    repo.write("a.py", "x\n");
    repo.commit("a");
    let paths: Vec<String> = (0..25).map(|i| format!("/elsewhere/m{i:02}.py")).collect();
    let mut files: Vec<(&str, &[(u32, u64)])> =
        paths.iter().map(|p| (p.as_str(), &[(1, 1)][..])).collect();
    // One path of the tree, so the report is of this project.
    files.push(("a.py", &[(1, 1)]));
    let report = repo.write_outside("many.info", &lcov(&files));
    let run = repo.covgit(&["record", report.to_str().unwrap()]).ok();
    assert_eq!(
        run.stderr.matches("matches no file").count(),
        20,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("5 more paths match no file"),
        "{}",
        run.stderr
    );
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(show["unresolved"].as_array().unwrap().len(), 25);
}

/// A report large enough to be read in parts on several threads gives what the same report
/// read in one pass from a pipe gives.
#[cfg(unix)]
#[test]
fn a_large_report_reads_the_same_from_a_file_in_parts_and_from_a_pipe() {
    let repo = TestRepo::new();
    let names: Vec<String> = (0..400).map(|i| format!("src/m{i}.py")).collect();
    let body = "x = 1\n".repeat(1_000);
    for n in &names {
        repo.write(n, &body);
    }
    repo.commit("many files");
    let lines: Vec<Vec<(u32, u64)>> = (0..400_u32)
        .map(|i| (1..=1_000).map(|l| (l, u64::from((i + l) % 4))).collect())
        .collect();
    let files: Vec<(&str, &[(u32, u64)])> = names
        .iter()
        .zip(&lines)
        .map(|(n, l)| (n.as_str(), l.as_slice()))
        .collect();
    let root = repo.path().display().to_string();
    let report = repo.write_outside("big.xml", &cobertura(&root, &files));
    let size = std::fs::metadata(&report).unwrap().len();
    // Reports of 8 MiB and more are read in parts.
    assert!(
        size > 10 << 20,
        "{size} bytes: too small to be read in parts"
    );

    repo.covgit(&["record", "--flag", "file", report.to_str().unwrap()])
        .ok();
    let fifo = report.with_file_name("pipe.xml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let writer = {
        let (fifo, report) = (fifo.clone(), report.clone());
        std::thread::spawn(move || std::fs::write(fifo, std::fs::read(report).unwrap()))
    };
    repo.covgit(&["record", "--flag", "pipe", fifo.to_str().unwrap()])
        .ok();
    writer.join().unwrap().unwrap();

    let show = |flag: &str| {
        let mut json = repo
            .covgit(&["show", "--flag", flag, "--format", "json"])
            .ok()
            .json();
        // All but the flag each was recorded under.
        let object = json.as_object_mut().unwrap();
        object.remove("flag");
        object.remove("uploads");
        json
    };
    let (from_file, from_pipe) = (show("file"), show("pipe"));
    assert_eq!(from_file["totals"]["lines"], 400_000);
    assert!(from_file == from_pipe, "{from_file:#}\n{from_pipe:#}");
}

/// A repository whose `src/app.py` has 23 lines, with a good upload recorded; returns it and
/// the database bytes after that upload.
fn app_recorded() -> (TestRepo, Vec<u8>) {
    let repo = TestRepo::new();
    let body = "x = 1\n".repeat(23);
    repo.write("src/app.py", &body);
    repo.write("src/util.py", "y = 1\n");
    repo.commit("app");
    let good = repo.write_outside(
        "good.info",
        &lcov(&[
            ("src/app.py", &[(1, 1), (23, 0)]),
            ("src/util.py", &[(1, 1)]),
        ]),
    );
    repo.covgit(&["record", good.to_str().unwrap()]).ok();
    let bytes = std::fs::read(repo.db()).unwrap();
    (repo, bytes)
}

#[test]
fn a_report_made_on_other_code_is_refused_and_the_earlier_upload_kept() {
    let (repo, before) = app_recorded();
    // Made on a longer app.py: lines 26-27 do not exist at HEAD.
    let other = repo.write_outside(
        "other.xml",
        &cobertura(
            &repo.path().display().to_string(),
            &[
                ("src/util.py", &[(1, 0)]),
                ("src/app.py", &[(1, 0), (26, 1), (27, 0)]),
            ],
        ),
    );
    let run = repo.covgit(&["record", other.to_str().unwrap()]).code(2);
    let err = run.stderr.trim();
    assert_eq!(err.lines().count(), 1, "{err}");
    let short = &repo.git(&["rev-parse", "--short=7", "HEAD"]);
    assert!(
        err.contains(&format!(
            "other.xml' tracks line 27 of src/app.py, which has 23 lines in commit {short}: the \
             report was made on other code, or for another commit (pass --commit REV); --force \
             records it all the same"
        )),
        "{err}"
    );
    assert_eq!(
        std::fs::read(repo.db()).unwrap(),
        before,
        "the store changed"
    );

    // --force takes it, with the warning.
    let run = repo
        .covgit(&["record", "--force", other.to_str().unwrap()])
        .ok();
    assert!(
        run.stderr
            .contains("tracks line 27 of src/app.py, which has 23 lines"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("recorded all the same (--force)"),
        "{}",
        run.stderr
    );
    let show = repo.covgit(&["show", "--format", "json"]).ok().json();
    assert_eq!(show["totals"]["lines"], 4);
}

#[test]
fn the_last_line_of_a_file_without_a_final_newline_is_a_line() {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\ny = 2");
    repo.commit("a");
    let r = repo.write_outside("r.info", &lcov(&[("a.py", &[(1, 1), (2, 1)])]));
    repo.covgit(&["record", r.to_str().unwrap()]).ok();
    let r = repo.write_outside("r3.info", &lcov(&[("a.py", &[(3, 1)])]));
    let run = repo.covgit(&["record", r.to_str().unwrap()]).code(2);
    assert!(run.stderr.contains("which has 2 lines"), "{}", run.stderr);
}

#[test]
fn a_report_of_another_project_is_refused_naming_the_paths_and_the_rule_to_add() {
    let (repo, before) = app_recorded();
    let other = repo.write_outside(
        "other.info",
        &lcov(&[
            ("/ci/checkout/lib/util.py", &[(1, 1)]),
            ("/ci/checkout/lib/app.py", &[(1, 1)]),
            ("/ci/checkout/lib/zz.py", &[(1, 1)]),
            ("/ci/checkout/lib/zzz.py", &[(1, 1)]),
        ]),
    );
    let run = repo.covgit(&["record", other.to_str().unwrap()]).code(2);
    let err = run.stderr.trim();
    assert_eq!(err.lines().count(), 1, "{err}");
    let short = &repo.git(&["rev-parse", "--short=7", "HEAD"]);
    assert!(
        err.contains(&format!(
            "other.info' matches a file of commit {short} (tried '/ci/checkout/lib/app.py', \
             '/ci/checkout/lib/util.py', '/ci/checkout/lib/zz.py' and 1 more): the report is of \
             another project or folder (or the wrong --commit), or its paths need a rule in \
             .covgit.toml, e.g. [paths] fixes = [\"/ci/checkout/lib/::src/\"]; --force records \
             it all the same"
        )),
        "{err}"
    );
    assert_eq!(
        std::fs::read(repo.db()).unwrap(),
        before,
        "the store changed"
    );

    // The rule it names places them.
    repo.write(
        ".covgit.toml",
        "[paths]\nfixes = [\"/ci/checkout/lib/::src/\"]\n",
    );
    let run = repo.covgit(&["record", other.to_str().unwrap()]).ok();
    assert!(run.stderr.contains("2 unresolved paths"), "{}", run.stderr);

    // Names that no file of the tree has: another project.
    let alien = repo.write_outside("alien.info", &lcov(&[("/x/y/main.c", &[(1, 1)])]));
    let err = repo
        .covgit(&["record", alien.to_str().unwrap()])
        .code(2)
        .stderr;
    assert!(
        err.contains("(tried '/x/y/main.c'): none of their file names is in that tree"),
        "{err}"
    );
    repo.covgit(&["record", "--force", alien.to_str().unwrap()])
        .ok();
}

#[test]
fn a_report_whose_every_entry_was_skipped_does_not_replace_a_good_upload() {
    let (repo, before) = app_recorded();
    for (name, text) in [
        ("bad.info", "SF:src/app.py\nDA:0,1\nDA:x,1\nend_of_record\n"),
        ("bad.out", "mode: set\nsrc/app.py: nonsense\nnot a block\n"),
    ] {
        let bad = repo.write_outside(name, text);
        let run = repo.covgit(&["record", bad.to_str().unwrap()]).code(2);
        let err = run.stderr.lines().last().unwrap_or_default();
        assert!(
            err.starts_with("error: every entry of '")
                && err.contains(&format!(
                    "{name}' was skipped (2 warnings; see the warnings above)"
                )),
            "{}",
            run.stderr
        );
        assert_eq!(
            std::fs::read(repo.db()).unwrap(),
            before,
            "{name} changed the store"
        );
    }
    let bad = repo.write_outside("bad.info", "SF:src/app.py\nDA:0,1\nend_of_record\n");
    let run = repo
        .covgit(&["record", "--force", bad.to_str().unwrap()])
        .ok();
    assert!(
        run.stderr.contains("recorded all the same (--force)"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unresolved_generated_file_is_advised_an_ignore_rule_and_a_moved_one_a_fix() {
    let (repo, _) = app_recorded();
    let r = repo.write_outside(
        "r.info",
        &lcov(&[
            ("src/app.py", &[(1, 1)]),
            ("src/pkg/_version.py", &[(1, 1)]),
            ("/build/gen/other/util.py", &[(1, 1)]),
        ]),
    );
    let run = repo.covgit(&["record", r.to_str().unwrap()]).ok();
    assert!(
        run.stderr
            .contains("'src/pkg/_version.py' matches no file of commit")
            && run.stderr.contains(
                "(unresolved): no file of the tree has its name (a generated file?); leave it out \
             with [paths] ignore = [\"src/pkg/_version.py\"] in .covgit.toml"
            ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("add [paths] fixes = [\"/build/gen/other/::src/\"] to .covgit.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn coverage_py_data_files_and_html_reports_say_what_to_record() {
    let (repo, before) = app_recorded();
    let data = repo.home().join(".coverage");
    let mut sqlite = b"SQLite format 3\0".to_vec();
    sqlite.extend([0x10, 0, 1, 1, 0, 0x40, 0x20, 0x20]);
    sqlite.resize(4096, 0);
    std::fs::write(&data, sqlite).unwrap();
    let err = repo
        .covgit(&["record", data.to_str().unwrap()])
        .code(2)
        .stderr;
    assert!(err.contains("run `coverage xml`"), "{err}");
    let html = repo.write_outside(
        "htmlcov/index.html",
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>Coverage report</title>\n",
    );
    let err = repo
        .covgit(&["record", html.to_str().unwrap()])
        .code(2)
        .stderr;
    assert!(
        err.contains("is an HTML page, a report for people to read")
            && err.contains("coverage.xml (`coverage xml`)"),
        "{err}"
    );
    assert_eq!(std::fs::read(repo.db()).unwrap(), before);
}

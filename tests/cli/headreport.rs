//! `--head-report` (compare, check, the working tree) gets record's "Does the report belong
//! to this commit?": a report that cannot describe the head is refused (exit 2, the store
//! untouched) unless `--force`, which compares it with the warning.

use std::process::Command;

use crate::common::{TestRepo, hermetic, lcov};

/// `src/app.py` of 23 lines recorded at the base; the head cuts it to 10 lines. Returns the
/// repository, the head's short SHA and the database bytes.
fn shortened() -> (TestRepo, String, Vec<u8>) {
    let repo = TestRepo::new();
    repo.write("src/app.py", &"x = 1\n".repeat(23));
    repo.write("src/util.py", "y = 1\n");
    repo.commit("base");
    let base = repo.write_outside(
        "base.info",
        &lcov(&[
            ("src/app.py", &[(1, 1), (23, 0)]),
            ("src/util.py", &[(1, 1)]),
        ]),
    );
    repo.covgit(&["record", base.to_str().unwrap()]).ok();
    repo.write("src/app.py", &"x = 1\n".repeat(10));
    repo.commit("shorter");
    let short = repo.git(&["rev-parse", "--short=7", "HEAD"]);
    let bytes = std::fs::read(repo.db()).unwrap();
    (repo, short, bytes)
}

#[test]
fn a_head_report_of_another_commit_is_refused_naming_the_file_and_line() {
    let (repo, short, before) = shortened();
    // The base's report, given for the head by mistake: app.py's line 23 is gone.
    let other = repo.write_outside(
        "other.info",
        &lcov(&[
            ("src/util.py", &[(1, 1)]),
            ("src/app.py", &[(1, 1), (23, 0)]),
        ]),
    );
    let other = other.to_str().unwrap();
    for cmd in ["compare", "check"] {
        let run = repo.covgit(&[cmd, "HEAD", "--head-report", other]).code(2);
        let err = run.stderr.trim();
        assert_eq!(err.lines().count(), 1, "{cmd}: {err}");
        assert_eq!(
            err,
            format!(
                "error: '{other}' tracks line 23 of src/app.py, which has 10 lines in commit \
                 {short}: the report was made on other code, or for another commit (pass --head \
                 REV); --force compares it all the same"
            ),
            "{cmd}"
        );
        assert_eq!(run.stdout, "", "{cmd}");
        assert_eq!(std::fs::read(repo.db()).unwrap(), before, "{cmd}");
    }

    // The head's own report passes.
    let right = repo.write_outside(
        "right.info",
        &lcov(&[
            ("src/util.py", &[(1, 1)]),
            ("src/app.py", &[(1, 1), (10, 1)]),
        ]),
    );
    let right = right.to_str().unwrap();
    let js = repo
        .covgit(&[
            "compare",
            "HEAD",
            "--head-report",
            right,
            "--format",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(js["totals"]["head"]["lines"], 3);
    repo.covgit(&["check", "HEAD", "--head-report", right]).ok();

    // --force compares the wrong one all the same, with the reason as a warning.
    for cmd in ["compare", "check"] {
        let run = repo
            .covgit(&[cmd, "HEAD", "--head-report", other, "--force"])
            .ok();
        assert!(
            run.stderr.contains(&format!(
                "WARN '{other}' tracks line 23 of src/app.py, which has 10 lines in commit \
                 {short}"
            )) && run.stderr.contains("; compared all the same (--force)"),
            "{cmd}: {}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read(repo.db()).unwrap(), before);
}

#[test]
fn a_head_report_none_of_whose_paths_is_in_the_head_is_refused() {
    let (repo, short, before) = shortened();
    let alien = repo.write_outside("alien.info", &lcov(&[("/x/y/main.c", &[(1, 1)])]));
    let alien = alien.to_str().unwrap();
    let run = repo.covgit(&["compare", "--head-report", alien]).code(2);
    assert_eq!(
        run.stderr.trim(),
        format!(
            "error: no path of '{alien}' matches a file of commit {short} (tried \
             '/x/y/main.c'): none of their file names is in that tree: the report is of another \
             project, or the wrong folder or commit (pass --head REV); --force compares it all \
             the same"
        )
    );
    assert_eq!(std::fs::read(repo.db()).unwrap(), before);

    // Every entry skipped: nothing to compare, rather than "everything lost".
    let bad = repo.write_outside("bad.info", "SF:src/app.py\nDA:0,1\nend_of_record\n");
    let run = repo
        .covgit(&["check", "--head-report", bad.to_str().unwrap()])
        .code(2);
    let err = run.stderr.lines().last().unwrap_or_default();
    assert!(
        err.starts_with("error: every entry of '")
            && err.contains("bad.info' was skipped (1 warning; see the warnings above), so it holds no coverage to compare; --force compares it all the same"),
        "{}",
        run.stderr
    );
}

/// A hostile report: a line number at `u32::MAX`. Refused before anything is compared; with
/// --force every format still finishes in bounded memory (under a 2 GiB address-space limit,
/// where a buffer sized by the line number could not be allocated).
#[test]
fn a_line_number_at_u32_max_is_refused_and_forced_without_a_big_allocation() {
    let (repo, short, before) = shortened();
    let hostile = repo.write_outside(
        "hostile.info",
        "SF:src/app.py\nDA:1,1\nDA:4294967295,1\nend_of_record\n",
    );
    let hostile = hostile.to_str().unwrap();
    let site = repo.home().join("site");
    let site = site.to_str().unwrap();
    let limited = |args: &[&str]| {
        let mut cmd = Command::new("sh");
        hermetic(&mut cmd, &repo.home());
        let out = cmd
            .current_dir(repo.path())
            .arg("-c")
            .arg("ulimit -v 2097152; exec \"$COVGIT\" \"$@\"")
            .arg("sh")
            .args(args)
            .env("COVGIT", env!("CARGO_BIN_EXE_covgit"))
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    for format in ["text", "json", "markdown", "github", "html"] {
        let mut args = vec![
            "compare",
            "HEAD",
            "--head-report",
            hostile,
            "--format",
            format,
        ];
        if format == "html" {
            args.extend(["--output", site]);
        }
        let (code, err) = limited(&args);
        assert_eq!(code, Some(2), "{format}: {err}");
        assert_eq!(
            err.trim(),
            format!(
                "error: '{hostile}' tracks line 4294967295 of src/app.py, which has 10 lines in \
                 commit {short}: the report was made on other code, or for another commit (pass \
                 --head REV); --force compares it all the same"
            ),
            "{format}"
        );
        args.push("--force");
        let (code, err) = limited(&args);
        assert_eq!(code, Some(0), "{format} --force: {err}");
        assert!(!err.contains("panicked"), "{format}: {err}");
        assert!(
            err.contains("compared all the same (--force)"),
            "{format}: {err}"
        );
    }
    let (code, err) = limited(&["check", "HEAD", "--head-report", hostile]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(std::fs::read(repo.db()).unwrap(), before);
}

/// The working tree's report is checked against the files on disk: a line past the end of
/// one of them means the report is of other code, or was written before the file was cut.
#[test]
fn a_worktree_report_past_the_end_of_a_file_on_disk_is_refused_unless_forced() {
    let (repo, _, before) = shortened();
    repo.write(".gitignore", "lcov.info\n");
    repo.commit("ignore the report");
    // Uncommitted: app.py cut to 5 lines after the tests ran on the 10-line one.
    repo.write("src/app.py", &"x = 1\n".repeat(5));
    std::fs::write(
        repo.path().join("lcov.info"),
        lcov(&[
            ("src/app.py", &[(1, 1), (10, 1)]),
            ("src/util.py", &[(1, 1)]),
        ]),
    )
    .unwrap();
    for cmd in ["compare", "check"] {
        let run = repo.covgit(&[cmd, "--worktree"]).code(2);
        let err = run.stderr.trim();
        assert!(
            err.ends_with(
                "lcov.info' tracks line 10 of src/app.py, which has 5 lines in the working \
                 tree: the report was made on other code, or before the file was last edited \
                 (rerun the tests to refresh it); --force compares it all the same"
            ),
            "{cmd}: {err}"
        );
        assert_eq!(std::fs::read(repo.db()).unwrap(), before, "{cmd}");
    }
    // The pre-push hook lets the push go, saying why it did not check.
    let run = repo.covgit(&["hook", "pre-push"]).ok();
    assert!(
        run.stderr.contains("covgit: coverage not checked: ")
            && run
                .stderr
                .contains("lcov.info' tracks line 10 of src/app.py, which has 5 lines"),
        "{}",
        run.stderr
    );
    let run = repo.covgit(&["compare", "--worktree", "--force"]).ok();
    assert!(
        run.stderr.contains("compared all the same (--force)"),
        "{}",
        run.stderr
    );

    // The report rerun on the files on disk passes.
    std::fs::write(
        repo.path().join("lcov.info"),
        lcov(&[
            ("src/app.py", &[(1, 1), (5, 1)]),
            ("src/util.py", &[(1, 1)]),
        ]),
    )
    .unwrap();
    repo.covgit(&["check", "--worktree"]).ok();
}

/// Enough covered files that their lines are counted on several threads, each edited in the
/// working tree only: the counts must come from where the snapshot's objects are seen.
#[test]
fn a_worktree_of_many_edited_files_is_checked_against_its_own_blobs() {
    let repo = TestRepo::new();
    let names: Vec<String> = (0..80).map(|i| format!("m{i:02}.py")).collect();
    for n in &names {
        repo.write(n, "a = 1\n");
    }
    repo.commit("eighty files");
    for (i, n) in names.iter().enumerate() {
        repo.write(n, &format!("a = 1\n{}", "b = 2\n".repeat(i + 1)));
    }
    let files: Vec<(String, Vec<(u32, u64)>)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), vec![(1, 1), (i as u32 + 2, 1)]))
        .collect();
    let refs: Vec<(&str, &[(u32, u64)])> = files
        .iter()
        .map(|(n, l)| (n.as_str(), l.as_slice()))
        .collect();
    let report = repo.write_outside("head.info", &lcov(&refs));
    let report = report.to_str().unwrap();
    let base = repo.write_outside("base.info", &lcov(&[("m00.py", &[(1, 1)])]));
    repo.covgit(&["record", base.to_str().unwrap()]).ok();
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
    assert_eq!(js["totals"]["head"]["lines"], 160);
}

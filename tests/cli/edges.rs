//! The command line's edges: `-C DIR`, read-only stores, the config file's link rule,
//! numbers in range, and `gc` keeping what is live.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Run, TestRepo, hermetic, lcov};

/// A repository whose reports and databases are ignored (so they may sit in the work tree),
/// with one file `a.py` in `sub/`, and a folder `elsewhere` beside it to start covgit from.
fn beside() -> (TestRepo, PathBuf) {
    let repo = TestRepo::new();
    repo.write(".gitignore", "*.info\n*.db\n*.db-*\n");
    repo.write("sub/a.py", "x = 1\ny = 2\n");
    repo.commit("a");
    let elsewhere = repo.home().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    (repo, elsewhere)
}

#[test]
fn gc_keeps_records_of_commits_the_repository_lacks_until_told() {
    let (repo, _) = beside();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1)])]));
    repo.covgit(&["record", "sub/one.info"]).ok();
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("sub/a.py", "x = 2\n");
    let gone = repo.commit("topic");
    repo.covgit(&["record", "sub/one.info"]).ok();
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["branch", "-q", "-D", "topic"]);
    // The commit's objects go too: as for a record pulled for a branch never fetched.
    repo.git(&["reflog", "expire", "--expire=now", "--all"]);
    repo.git(&["gc", "-q", "--prune=now"]);
    assert!(
        Command::new("git")
            .current_dir(repo.path())
            .args(["cat-file", "-e", &gone])
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .is_ok_and(|s| !s.success()),
        "the commit is still in the repository"
    );
    let run = repo.covgit(&["gc"]).ok();
    assert!(
        run.stderr.contains("removed 0 unreachable"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("gc --missing"), "{}", run.stderr);
    // Still there: --missing would remove it now.
    let run = repo.covgit(&["gc", "--missing", "--dry-run"]).ok();
    assert!(
        run.stderr.contains("would remove 1 ") && run.stderr.contains(&gone),
        "{}",
        run.stderr
    );

    let run = repo.covgit(&["gc", "--missing"]).ok();
    assert!(
        run.stderr.contains("removed 1 ") && run.stderr.contains(&gone),
        "{}",
        run.stderr
    );
    let run = repo.covgit(&["gc", "--missing", "--dry-run"]).ok();
    assert!(run.stderr.contains("would remove 0 "), "{}", run.stderr);
    repo.covgit(&["show", "HEAD"]).ok();
}

/// A test that cannot run on this machine says why and passes: a developer's machine may
/// forbid mounts or `chattr`. CI's machine (root, mounts and `chattr +i` allowed) runs every
/// one of them, so there, with `CI` set, a skip is a failure rather than a silent pass.
#[track_caller]
fn skip(why: &str) {
    assert!(
        std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false" || v == "0"),
        "CI runs this test, but it would be skipped: {why}"
    );
    eprintln!("skipped: {why}");
}

/// Runs covgit in the repository with the folder `ro` mounted read-only over itself (as a CI
/// cache mount is), in a private mount namespace. `None`, with the reason printed, where this
/// machine cannot make one (no `unshare`, or mounts not permitted).
fn covgit_read_only(repo: &TestRepo, ro: &Path, args: &[&str]) -> Option<Run> {
    // 97: the mount failed; 98: the mount did not make the folder read-only.
    let script = r#"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" || exit 97
(: > "$1/.probe") 2>/dev/null && exit 98
shift
exec "$@""#;
    let mut cmd = Command::new("unshare");
    hermetic(&mut cmd, &repo.home());
    cmd.current_dir(repo.path())
        .args(["-rm", "--", "sh", "-c", script, "sh"])
        .arg(ro)
        .arg(env!("CARGO_BIN_EXE_covgit"))
        .args(args);
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) => {
            skip(&format!("cannot run unshare for a read-only mount: {e}"));
            return None;
        }
    };
    match out.status.code() {
        Some(97) => {
            skip(&format!(
                "this machine does not allow a read-only bind mount in a private namespace: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
            None
        }
        Some(98) => {
            skip("a read-only bind mount here is still writable");
            None
        }
        code => Some(Run {
            code: code.unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }),
    }
}

#[test]
fn a_read_only_store_is_read_and_never_written() {
    let (repo, _) = beside();
    let ro = repo.home().join("cache");
    std::fs::create_dir_all(&ro).unwrap();
    let db = ro.join("covgit.db");
    let db_arg = db.to_str().unwrap();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1), (2, 0)])]));
    repo.covgit(&["--db", db_arg, "record", "sub/one.info"])
        .ok();
    repo.write("sub/a.py", "x = 1\ny = 2\nz = 3\n");
    repo.commit("b");
    repo.write(
        "sub/two.info",
        &lcov(&[("sub/a.py", &[(1, 1), (2, 1), (3, 1)])]),
    );
    repo.covgit(&["--db", db_arg, "record", "sub/two.info"])
        .ok();
    // A remote with the shared coverage, for `pull`.
    let bare = repo.home().join("remote.git");
    repo.git(&["init", "-q", "--bare", bare.to_str().unwrap()]);
    repo.git(&["remote", "add", "origin", bare.to_str().unwrap()]);
    repo.covgit(&["--db", db_arg, "push"]).ok();
    let before = std::fs::read(&db).unwrap();
    let files_before = std::fs::read_dir(&ro).unwrap().count();

    let Some(log) = covgit_read_only(&repo, &ro, &["--db", db_arg, "log"]) else {
        return;
    };
    let log = log.ok();
    assert_eq!(log.stdout.lines().count(), 2, "{}", log.stdout);
    let show = covgit_read_only(&repo, &ro, &["--db", db_arg, "show", "--format", "json"])
        .unwrap()
        .ok();
    assert!(show.stdout.contains("sub/a.py"), "{}", show.stdout);
    let cmp = covgit_read_only(&repo, &ro, &["--db", db_arg, "compare", "HEAD~1..HEAD"])
        .unwrap()
        .ok();
    assert!(cmp.stdout.contains("100.00%"), "{}", cmp.stdout);
    covgit_read_only(&repo, &ro, &["--db", db_arg, "check", "HEAD~1..HEAD"])
        .unwrap()
        .ok();

    for args in [
        vec!["record", "sub/two.info"],
        vec!["mark", "HEAD", "--ci-status", "failed"],
        vec!["gc"],
        vec!["pull"],
    ] {
        let mut all = vec!["--db", db_arg];
        all.extend(&args);
        let run = covgit_read_only(&repo, &ro, &all).unwrap().code(2);
        let err = run.stderr.trim();
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains("read-only") && err.contains(db_arg),
            "{args:?}: {err}"
        );
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the store changed");
    assert_eq!(std::fs::read_dir(&ro).unwrap().count(), files_before);
}

#[test]
fn a_read_only_store_of_the_previous_schema_is_read_as_it_is() {
    // The previous release wrote schema 2; a CI cache mount of it must still be read.
    let (repo, _) = beside();
    let ro = repo.home().join("cache");
    std::fs::create_dir_all(&ro).unwrap();
    let db = ro.join("covgit.db");
    let db_arg = db.to_str().unwrap();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1), (2, 0)])]));
    repo.covgit(&["--db", db_arg, "record", "sub/one.info"])
        .ok();
    let version = |v: Option<i64>| {
        let conn = rusqlite::Connection::open(&db).unwrap();
        if let Some(v) = v {
            conn.execute_batch(&format!(
                "DROP TABLE shared_forgotten; DROP TABLE forgotten;
                 ALTER TABLE uploads DROP COLUMN generated;
                 PRAGMA user_version = {v}; PRAGMA journal_mode = DELETE;"
            ))
            .unwrap();
        }
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .unwrap()
    };
    let latest = version(None);
    version(Some(2));
    let before = std::fs::read(&db).unwrap();
    let files_before = std::fs::read_dir(&ro).unwrap().count();

    let Some(log) = covgit_read_only(&repo, &ro, &["--db", db_arg, "log"]) else {
        return;
    };
    let log = log.ok();
    assert_eq!(log.stdout.lines().count(), 1, "{}", log.stdout);
    let show = covgit_read_only(&repo, &ro, &["--db", db_arg, "show"])
        .unwrap()
        .ok();
    assert!(show.stdout.contains("sub/a.py"), "{}", show.stdout);
    covgit_read_only(&repo, &ro, &["--db", db_arg, "compare", "HEAD..HEAD"])
        .unwrap()
        .ok();
    assert_eq!(std::fs::read(&db).unwrap(), before, "the store changed");
    assert_eq!(std::fs::read_dir(&ro).unwrap().count(), files_before);
    // Where it can be written, a reading command upgrades it.
    repo.covgit(&["--db", db_arg, "log"]).ok();
    assert_eq!(version(None), latest);
}

fn from(repo: &TestRepo, dir: &Path, args: &[&str]) -> Run {
    repo.covgit_in(dir, args)
}

#[test]
fn dash_c_takes_reports_and_the_database_from_dir() {
    let (repo, elsewhere) = beside();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1), (2, 0)])]));
    let run = from(
        &repo,
        &elsewhere,
        &["-C", "../repo/sub", "--db", "rel.db", "record", "one.info"],
    )
    .ok();
    assert!(run.stderr.contains("one.info"), "{}", run.stderr);
    assert!(
        repo.path().join("sub/rel.db").is_file(),
        "--db not taken from DIR"
    );
    assert!(
        !elsewhere.join("rel.db").exists(),
        "--db taken from the shell's folder"
    );
    // The readers find the same store through the same relative --db.
    let shown = from(
        &repo,
        &elsewhere,
        &[
            "-C",
            "../repo/sub",
            "--db",
            "rel.db",
            "show",
            "--format",
            "json",
        ],
    )
    .ok();
    assert!(shown.stdout.contains("sub/a.py"), "{}", shown.stdout);
    from(
        &repo,
        &elsewhere,
        &["-C", "../repo/sub", "--db", "rel.db", "log"],
    )
    .ok();
}

#[test]
fn dash_c_takes_covgit_db_from_dir() {
    let (repo, elsewhere) = beside();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1)])]));
    repo.covgit_env(
        &elsewhere,
        &[("COVGIT_DB", "env.db")],
        &["-C", "../repo/sub", "record", "one.info"],
    )
    .ok();
    assert!(
        repo.path().join("sub/env.db").is_file(),
        "COVGIT_DB not taken from DIR"
    );
    assert!(!elsewhere.join("env.db").exists());
}

#[test]
fn dash_c_discovers_the_usual_reports_in_dir() {
    let (repo, elsewhere) = beside();
    repo.write("sub/lcov.info", &lcov(&[("sub/a.py", &[(1, 1)])]));
    let run = from(&repo, &elsewhere, &["-C", "../repo/sub", "record"]).ok();
    assert!(run.stderr.contains("lcov.info"), "{}", run.stderr);
    assert!(repo.db().is_file());
}

#[test]
fn dash_c_takes_head_report_from_dir() {
    let (repo, elsewhere) = beside();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1), (2, 0)])]));
    from(
        &repo,
        &elsewhere,
        &["-C", "../repo", "record", "sub/one.info"],
    )
    .ok();
    repo.write("sub/a.py", "x = 1\ny = 2\nz = 3\n");
    repo.commit("b");
    repo.write(
        "sub/two.info",
        &lcov(&[("sub/a.py", &[(1, 1), (2, 1), (3, 1)])]),
    );
    let cmp = from(
        &repo,
        &elsewhere,
        &[
            "-C",
            "../repo/sub",
            "compare",
            "HEAD",
            "--head-report",
            "two.info",
            "--format",
            "json",
        ],
    )
    .ok();
    assert!(cmp.stdout.contains("sub/a.py"), "{}", cmp.stdout);
    from(
        &repo,
        &elsewhere,
        &[
            "-C",
            "../repo/sub",
            "check",
            "HEAD",
            "--head-report",
            "two.info",
        ],
    )
    .ok();
}

#[test]
fn dash_c_takes_the_baseline_report_from_dir() {
    let (repo, elsewhere) = beside();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1), (2, 1)])]));
    let run = from(
        &repo,
        &elsewhere,
        &["-C", "../repo/sub", "baseline", "save", "mine", "one.info"],
    )
    .ok();
    assert!(run.stderr.contains("one.info"), "{}", run.stderr);
    let list = from(&repo, &elsewhere, &["-C", "../repo", "baseline", "list"]).ok();
    assert!(list.stdout.contains("mine"), "{}", list.stdout);
}

#[test]
fn repeated_dash_c_is_relative_to_the_one_before() {
    let (repo, elsewhere) = beside();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1)])]));
    from(
        &repo,
        &elsewhere,
        &["-C", "..", "-C", "repo", "record", "sub/one.info"],
    )
    .ok();
    assert!(repo.db().is_file());
}

#[test]
fn dash_c_to_a_missing_folder_is_named() {
    let (repo, elsewhere) = beside();
    let run = from(&repo, &elsewhere, &["-C", "nosuch", "log"]).code(2);
    let err = run.stderr.trim();
    assert!(
        err.starts_with("error: ") && err.contains("'nosuch'"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// Clears the immutable attribute it set, so the temporary folder can be removed.
struct Immutable<'a>(&'a Path);

impl Drop for Immutable<'_> {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(self.0).status();
    }
}

#[test]
fn an_immutable_store_file_is_read_and_never_written() {
    // Another user's file, as root sees it: chmod does not stop root, `chattr +i` does.
    let (repo, _) = beside();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1), (2, 0)])]));
    repo.covgit(&["record", "sub/one.info"]).ok();
    let db = repo.db();
    let before = std::fs::read(&db).unwrap();
    match Command::new("chattr").arg("+i").arg(&db).output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            skip(&format!(
                "this file system does not take chattr +i: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
            return;
        }
        Err(e) => {
            skip(&format!("cannot run chattr: {e}"));
            return;
        }
    }
    let _guard = Immutable(&db);
    if std::fs::OpenOptions::new().append(true).open(&db).is_ok() {
        eprintln!("skipped: an immutable file is still writable here");
        return;
    }
    let log = repo.covgit(&["log"]).ok();
    assert_eq!(log.stdout.lines().count(), 1, "{}", log.stdout);
    repo.covgit(&["show"]).ok();
    let run = repo.covgit(&["record", "sub/one.info"]).code(2);
    let err = one_error(&run);
    assert!(
        err.contains("read-only") && err.contains("covgit.db"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[track_caller]
fn one_error(run: &Run) -> &str {
    let err = run.stderr.trim();
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "one sentence expected: {err}");
    err
}

#[test]
fn a_config_linked_out_of_the_work_tree_is_refused_unread() {
    let (repo, _) = beside();
    let secret = repo.write_outside("secrets.env", "TOKEN=hunter2\nOTHER=x\n");
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1)])]));
    let link = repo.path().join(".covgit.toml");
    for target in [
        secret.clone(),
        PathBuf::from("/proc/self/environ"),
        PathBuf::from("../secrets.env"),
    ] {
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let run = repo.covgit_env(
            &repo.path(),
            &[("CI_TOKEN", "hunter2")],
            &["record", "sub/one.info"],
        );
        let run = run.code(2);
        let err = one_error(&run);
        assert!(!err.contains("hunter2"), "{err}");
        assert!(
            err.contains(".covgit.toml") && err.contains(target.to_str().unwrap()),
            "{err}"
        );
    }
    // Into git's own folder (a remote URL with a token lives in .git/config).
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(".git/config", &link).unwrap();
    let run = repo.covgit(&["record", "sub/one.info"]).code(2);
    assert!(one_error(&run).contains(".git/config"), "{}", run.stderr);
    assert!(!repo.db().exists(), "nothing recorded");
}

#[test]
fn a_config_linked_inside_the_work_tree_is_read() {
    let (repo, _) = beside();
    repo.write("conf/covgit.toml", "[check]\npatch_target = 100\n");
    std::os::unix::fs::symlink("conf/covgit.toml", repo.path().join(".covgit.toml")).unwrap();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1), (2, 1)])]));
    repo.covgit(&["record", "sub/one.info"]).ok();
    repo.write("sub/a.py", "x = 1\ny = 2\nz = 3\n");
    repo.commit("b");
    repo.write(
        "sub/two.info",
        &lcov(&[("sub/a.py", &[(1, 1), (2, 1), (3, 0)])]),
    );
    repo.covgit(&["record", "sub/two.info"]).ok();
    let run = repo.covgit(&["check", "HEAD~1..HEAD"]).code(1);
    assert!(run.stderr.contains("patch_target"), "{}", run.stderr);
}

#[test]
fn a_broken_config_names_the_line_not_its_text() {
    let (repo, _) = beside();
    repo.write(
        ".covgit.toml",
        "[check]\n\nproject_threshold = \"hunter2\"\n",
    );
    let run = repo.covgit(&["log"]).code(2);
    let err = one_error(&run);
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    repo.write(".covgit.toml", "TOKEN=hunter2\n");
    let run = repo.covgit(&["log"]).code(2);
    let err = one_error(&run);
    assert!(!err.contains("hunter2") && err.contains("line 1"), "{err}");
    // A huge file is not read whole.
    repo.write(".covgit.toml", &"# padding\n".repeat(200_000));
    let run = repo.covgit(&["log"]).code(2);
    assert!(one_error(&run).contains("larger than"), "{}", run.stderr);
}

/// Two recorded commits whose total drops 50 points (100% → 50%).
fn dropped() -> TestRepo {
    let (repo, _) = beside();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1), (2, 1)])]));
    repo.covgit(&["record", "sub/one.info"]).ok();
    repo.write("sub/a.py", "x = 1\ny = 2\nz = 3\nw = 4\n");
    repo.commit("b");
    repo.write(
        "sub/two.info",
        &lcov(&[("sub/a.py", &[(1, 1), (2, 1), (3, 0), (4, 0)])]),
    );
    repo.covgit(&["record", "sub/two.info"]).ok();
    repo
}

#[test]
fn numbers_out_of_range_are_refused_from_flags_and_config() {
    let repo = dropped();
    for bad in ["nan", "NaN", "inf", "-inf", "-1", "-0.5"] {
        let run = repo
            .covgit(&[
                "check",
                "HEAD~1..HEAD",
                "--patch-target",
                "0",
                &format!("--project-threshold={bad}"),
            ])
            .code(2);
        assert!(
            run.stderr.contains("--project-threshold"),
            "{bad}: {}",
            run.stderr
        );
        let run = repo
            .covgit(&["check", "HEAD~1..HEAD", &format!("--patch-target={bad}")])
            .code(2);
        assert!(
            run.stderr.contains("--patch-target"),
            "{bad}: {}",
            run.stderr
        );
    }
    for bad in ["nan", "inf", "-1.0"] {
        repo.write(
            ".covgit.toml",
            &format!("[check]\nproject_threshold = {bad}\n"),
        );
        let run = repo.covgit(&["check", "HEAD~1..HEAD"]).code(2);
        assert!(
            one_error(&run).contains("project_threshold"),
            "{bad}: {}",
            run.stderr
        );
        repo.write(".covgit.toml", &format!("[check]\npatch_target = {bad}\n"));
        let run = repo.covgit(&["check", "HEAD~1..HEAD"]).code(2);
        assert!(
            one_error(&run).contains("patch_target"),
            "{bad}: {}",
            run.stderr
        );
    }
    // In range, the 50-point drop fails the gate as it should.
    repo.rm(".covgit.toml");
    let run = repo
        .covgit(&[
            "check",
            "HEAD~1..HEAD",
            "--patch-target",
            "0",
            "--project-threshold",
            "10",
        ])
        .code(1);
    assert!(run.stderr.contains("project_threshold"), "{}", run.stderr);
}

#[test]
fn gc_keeps_a_commit_checked_out_detached_in_another_worktree() {
    let (repo, elsewhere) = beside();
    let linked = elsewhere.join("linked");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "--detach",
        linked.to_str().unwrap(),
    ]);
    let mut cmd = Command::new("git");
    hermetic(&mut cmd, &repo.home());
    let made = cmd
        .current_dir(&linked)
        .env("GIT_COMMITTER_DATE", "@1767230000 +0000")
        .env("GIT_AUTHOR_DATE", "@1767230000 +0000")
        .args(["commit", "-q", "--allow-empty", "-m", "detached"])
        .status()
        .unwrap();
    assert!(made.success());
    let report = repo.write_outside("one.info", &lcov(&[("sub/a.py", &[(1, 1)])]));
    repo.covgit_in(&linked, &["record", report.to_str().unwrap()])
        .ok();
    let detached = repo.covgit_in(&linked, &["show", "HEAD"]).ok();
    assert!(detached.stdout.contains("sub/a.py"), "{}", detached.stdout);

    // From the main worktree, whose refs do not reach it.
    let run = repo.covgit(&["gc"]).ok();
    assert!(
        run.stderr.contains("removed 0 unreachable"),
        "{}",
        run.stderr
    );
    repo.covgit_in(&linked, &["show", "HEAD"]).ok();
}

#[test]
fn a_read_only_store_with_an_unapplied_log_is_refused_not_read_stale() {
    let (repo, _) = beside();
    let db = repo.home().join("live.db");
    let db_arg = db.to_str().unwrap();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1), (2, 0)])]));
    repo.covgit(&["--db", db_arg, "record", "sub/one.info"])
        .ok();
    // A reader holding an old snapshot keeps the change below in the write-ahead log: the
    // main file alone still says `passed`.
    let reader = rusqlite::Connection::open(&db).unwrap();
    reader
        .execute_batch("BEGIN; SELECT count(*) FROM sqlite_master;")
        .unwrap();
    repo.covgit(&["--db", db_arg, "mark", "HEAD", "--ci-status", "failed"])
        .ok();
    // The cache a CI job restores: the database and its log, on a read-only mount.
    let ro = repo.home().join("cache");
    std::fs::create_dir_all(&ro).unwrap();
    let copy = ro.join("covgit.db");
    std::fs::copy(&db, &copy).unwrap();
    std::fs::copy(repo.home().join("live.db-wal"), ro.join("covgit.db-wal")).unwrap();
    drop(reader);
    assert!(std::fs::metadata(ro.join("covgit.db-wal")).unwrap().len() > 0);
    let copy_arg = copy.to_str().unwrap();
    let Some(run) = covgit_read_only(&repo, &ro, &["--db", copy_arg, "log"]) else {
        return;
    };
    let run = run.code(2);
    let err = one_error(&run);
    assert!(
        err.contains(&format!(
            "{copy_arg} has an unapplied write-ahead log ({copy_arg}-wal) and cannot be read read-only"
        )),
        "{err}"
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn gc_dry_run_reads_a_read_only_store() {
    let (repo, _) = beside();
    let ro = repo.home().join("cache");
    std::fs::create_dir_all(&ro).unwrap();
    let db = ro.join("covgit.db");
    let db_arg = db.to_str().unwrap();
    repo.write("sub/one.info", &lcov(&[("sub/a.py", &[(1, 1)])]));
    repo.covgit(&["--db", db_arg, "record", "sub/one.info"])
        .ok();
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("sub/a.py", "x = 2\n");
    let gone = repo.commit("topic");
    repo.covgit(&["--db", db_arg, "record", "sub/one.info"])
        .ok();
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["branch", "-q", "-D", "topic"]);
    let before = std::fs::read(&db).unwrap();
    let files_before = std::fs::read_dir(&ro).unwrap().count();

    let Some(run) = covgit_read_only(&repo, &ro, &["--db", db_arg, "gc", "--dry-run"]) else {
        return;
    };
    let run = run.ok();
    assert!(
        run.stderr.contains("would remove 1 ") && run.stderr.contains(&gone),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "the store changed");
    assert_eq!(std::fs::read_dir(&ro).unwrap().count(), files_before);
    // The real thing still needs a writable store.
    let run = covgit_read_only(&repo, &ro, &["--db", db_arg, "gc"])
        .unwrap()
        .code(2);
    assert!(run.stderr.contains("read-only"), "{}", run.stderr);
}

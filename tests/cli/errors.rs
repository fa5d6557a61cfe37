//! Bad input: exit 2, one `error:` line naming the input, the store untouched, never a panic.

use crate::common::{TestRepo, lcov};

/// A repository with one recorded commit; returns it and the database bytes.
fn recorded() -> (TestRepo, Vec<u8>) {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n");
    repo.commit("a");
    let r = repo.write_outside("good.info", &lcov(&[("a.py", &[(1, 1)])]));
    repo.covgit(&["record", r.to_str().unwrap()]).ok();
    let bytes = std::fs::read(repo.db()).unwrap();
    (repo, bytes)
}

#[track_caller]
fn refused(repo: &TestRepo, args: &[&str], names: &str) -> String {
    let run = repo.covgit(args).code(2);
    let err = run.stderr.trim();
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "one sentence expected: {err}");
    assert!(err.contains(names), "'{names}' not named in: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err.to_owned()
}

#[test]
fn bad_reports_are_refused_and_the_store_is_untouched() {
    let (repo, before) = recorded();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.xml", vec![]),
        ("truncated.xml", b"<?xml version=\"1.0\"?>\n<coverage><packages><package name=\"x\"><classes><class filename=\"a.py\"><lines><line number=\"1\" hits=\"1\"/>".to_vec()),
        ("garbage.bin", (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()),
    ];
    for (name, bytes) in cases {
        let path = repo.home().join(name);
        std::fs::write(&path, bytes).unwrap();
        refused(&repo, &["record", path.to_str().unwrap()], name);
        assert_eq!(
            std::fs::read(repo.db()).unwrap(),
            before,
            "{name} changed the store"
        );
    }
}

#[test]
fn a_forced_format_that_does_not_match_is_named() {
    let (repo, before) = recorded();
    let r = repo.write_outside("lcov.info", &lcov(&[("a.py", &[(1, 1)])]));
    let err = refused(
        &repo,
        &["record", "--input-format", "cobertura", r.to_str().unwrap()],
        "lcov.info",
    );
    assert!(err.to_lowercase().contains("cobertura"), "{err}");
    assert_eq!(std::fs::read(repo.db()).unwrap(), before);
}

#[test]
fn unknown_revisions_and_missing_files_are_named() {
    let (repo, before) = recorded();
    let r = repo.write_outside("ok.info", &lcov(&[("a.py", &[(1, 1)])]));
    refused(
        &repo,
        &["record", "--commit", "no-such-rev", r.to_str().unwrap()],
        "no-such-rev",
    );
    refused(
        &repo,
        &["record", "/nonexistent/cov.xml"],
        "/nonexistent/cov.xml",
    );
    refused(&repo, &["show", "no-such-rev"], "no-such-rev");
    refused(&repo, &["compare", "main..no-such-rev"], "no-such-rev");
    assert_eq!(std::fs::read(repo.db()).unwrap(), before);
}

#[test]
fn outside_a_repository_says_so() {
    let repo = TestRepo::new();
    let outside = repo.home().join("not-a-repo");
    std::fs::create_dir_all(&outside).unwrap();
    let run = repo.covgit_in(&outside, &["log"]).code(2);
    assert!(run.stderr.contains("not-a-repo"), "{}", run.stderr);
    assert!(run.stderr.contains("git repository"), "{}", run.stderr);
}

#[test]
fn an_unwritable_database_folder_is_named() {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n");
    repo.commit("a");
    let r = repo.write_outside("ok.info", &lcov(&[("a.py", &[(1, 1)])]));
    // A regular file where the folder should be: creating the folder fails even as root.
    let blocker = repo.write_outside("blocker", "");
    let db = blocker.join("covgit.db");
    let run = repo
        .covgit(&["--db", db.to_str().unwrap(), "record", r.to_str().unwrap()])
        .code(2);
    assert!(run.stderr.contains("blocker"), "{}", run.stderr);
}

#[test]
fn reading_commands_without_a_database_say_to_record_first() {
    let repo = TestRepo::new();
    repo.write("a.py", "x = 1\n");
    repo.commit("a");
    let run = repo.covgit(&["show"]).code(2);
    assert!(run.stderr.contains("covgit record"), "{}", run.stderr);
    assert!(!repo.db().exists());
}

#[test]
fn a_database_from_a_newer_covgit_is_refused_and_untouched() {
    let (repo, _) = recorded();
    // Raise user_version beyond anything this covgit knows, with the sqlite3-free route:
    // the header field at offset 60 is user_version (big-endian).
    let mut bytes = std::fs::read(repo.db()).unwrap();
    bytes[60..64].copy_from_slice(&9999u32.to_be_bytes());
    std::fs::write(repo.db(), &bytes).unwrap();
    let r = repo.write_outside("ok2.info", &lcov(&[("a.py", &[(1, 0)])]));
    let run = repo.covgit(&["record", r.to_str().unwrap()]).code(2);
    assert!(run.stderr.contains("newer"), "{}", run.stderr);
    assert_eq!(std::fs::read(repo.db()).unwrap(), bytes);
}

#[test]
fn a_report_over_the_size_limit_is_refused_before_it_is_read() {
    let (repo, before) = recorded();
    // Sparse: 1 GiB on paper, nothing on disk; covgit must refuse it from its size alone.
    let huge = repo.home().join("huge.xml");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let err = refused(&repo, &["record", huge.to_str().unwrap()], "huge.xml");
    assert!(
        err.contains("1073741824 bytes") && err.contains("--flag"),
        "{err}"
    );
    assert_eq!(std::fs::read(repo.db()).unwrap(), before);
}

#[test]
fn a_store_that_is_not_a_database_is_named_with_exit_2() {
    let (repo, _) = recorded();
    // Checkpoint the WAL away, then overwrite the database with garbage of the same size.
    let db = repo.db();
    let _ = std::fs::remove_file(db.with_extension("db-wal"));
    let _ = std::fs::remove_file(db.with_extension("db-shm"));
    let size = std::fs::metadata(&db).unwrap().len();
    std::fs::write(&db, vec![0x5a_u8; usize::try_from(size).unwrap()]).unwrap();
    let db_name = db.display().to_string();
    for args in [
        &["show"][..],
        &["log"],
        &["compare", "--base", "HEAD", "--head", "HEAD"],
    ] {
        refused(&repo, args, &db_name);
    }
}

/// `covgit record <(GEN)` through bash, as a user pipes a report: exit code and stderr.
#[cfg(unix)]
fn record_piped(repo: &TestRepo, generator: &str) -> (i32, String) {
    let mut cmd = std::process::Command::new("bash");
    crate::common::hermetic(&mut cmd, &repo.home());
    let out = cmd
        .current_dir(repo.path())
        .env("COVGIT", env!("CARGO_BIN_EXE_covgit"))
        .arg("-c")
        .arg(format!("\"$COVGIT\" record <({generator})"))
        .output()
        .expect("bash runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[track_caller]
fn refused_piped(repo: &TestRepo, before: &[u8], generator: &str, says: &str) {
    let (code, err) = record_piped(repo, generator);
    assert_eq!(code, 2, "{err}");
    let err = err.trim();
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "one sentence expected: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    assert!(err.contains(says), "'{says}' not in: {err}");
    assert_eq!(
        std::fs::read(repo.db()).unwrap(),
        before,
        "the store changed"
    );
}

/// A pipe has the file's size cap: an endless report (a generator, as `zcat` of a gzip bomb
/// would be) stops at 768 MiB with exit 2, not an abort.
#[cfg(unix)]
#[test]
fn a_piped_report_has_the_size_cap_of_a_file() {
    let (repo, before) = recorded();
    let comment = format!("# {}", "x".repeat(100_000));
    refused_piped(
        &repo,
        &before,
        &format!("printf 'SF:a.py\\nDA:1,1\\n'; yes '{comment}'"),
        "goes on past 805306368 bytes, the most covgit reads",
    );
}

/// A line of a line-based format longer than 16 MiB is refused with its line, before it is
/// held whole; so is a path longer than 4,096 bytes.
#[cfg(unix)]
#[test]
fn endless_lines_and_huge_paths_are_refused_with_their_position() {
    let (repo, before) = recorded();
    refused_piped(
        &repo,
        &before,
        "printf 'SF:a.py\\nDA:'; yes 1 | tr -d '\\n'",
        "line 2 is longer than 16777216 bytes; no LCOV line is",
    );
    refused_piped(
        &repo,
        &before,
        "printf 'mode: set\\n'; head -c 20000000 /dev/zero | tr '\\0' a",
        "line 2 is longer than 16777216 bytes; no Go coverprofile line is",
    );
    // A path longer than 4,096 bytes: its record is skipped, named by its line and its first
    // bytes only; a report of nothing else is refused like any report whose every entry was
    // skipped.
    let long = "d/".repeat(3_000) + "a.py";
    let r = repo.write_outside(
        "long.info",
        &lcov(&[("a.py", &[(1, 1)]), (&long, &[(1, 1)])]),
    );
    let run = repo
        .covgit(&["record", "--flag", "long", r.to_str().unwrap()])
        .ok();
    assert!(
        run.stderr.contains(
            "long.info:4: a source path of 6004 bytes ('d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/…') \
             is longer than the 4096 covgit takes; its record is skipped"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.len() < 1_000,
        "the path is echoed whole: {}",
        run.stderr
    );
    let show = repo
        .covgit(&["show", "--flag", "long", "--format", "json"])
        .ok()
        .json();
    assert_eq!(show["totals"]["files"], 1);
    let before = std::fs::read(repo.db()).unwrap();
    let xml = crate::common::cobertura("/src", &[(&long, &[(1, 1)])]);
    let r = repo.write_outside("long.xml", &xml);
    let run = repo.covgit(&["record", r.to_str().unwrap()]).code(2);
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: every entry of '") && last.contains("long.xml' was skipped"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read(repo.db()).unwrap(), before);
}

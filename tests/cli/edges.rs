//! The command line's edges: `-C DIR`, read-only stores, the config file's link rule,
//! numbers in range, and `gc` keeping what is live.

use std::path::PathBuf;
use std::process::Command;

use crate::common::{TestRepo, lcov};

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

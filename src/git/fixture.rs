//! Test-only: builds the repositories of `tests/fixtures/repos/*.sh` hermetically in a
//! temporary directory, and reads git's own answers for comparison.

use std::path::Path;
use std::process::Command;

/// Runs `script` (the text of a fixture script) with `sh` in a fresh temporary directory,
/// with no global or system git config and fixed identities; extra `env` is passed along.
pub(crate) fn build(script: &str, env: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory can be created");
    let out = hermetic(
        Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(dir.path()),
    )
    .envs(env.iter().copied())
    .output()
    .expect("sh runs");
    assert!(
        out.status.success(),
        "fixture script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// `git -C dir ARGS`, trimmed stdout, for checking answers against git itself.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let out = hermetic(Command::new("git").arg("-C").arg(dir).args(args))
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("git prints UTF-8 here")
        .trim()
        .to_owned()
}

fn hermetic(cmd: &mut Command) -> &mut Command {
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Covgit Test")
        .env("GIT_AUTHOR_EMAIL", "test@covgit")
        .env("GIT_COMMITTER_NAME", "Covgit Test")
        .env("GIT_COMMITTER_EMAIL", "test@covgit")
        .env("GIT_AUTHOR_DATE", "1000000000 +0000")
        .env("GIT_COMMITTER_DATE", "1000000000 +0000")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
}

pub(crate) const HISTORY: &str = include_str!("../../tests/fixtures/repos/history.sh");
pub(crate) const DIFF: &str = include_str!("../../tests/fixtures/repos/diff.sh");

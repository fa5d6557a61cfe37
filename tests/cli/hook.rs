//! The pre-push hook as git runs it: a real `git push` to a local bare remote, with `PATH`
//! under the test's control, and hook files that are links or not executable.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{TestRepo, hermetic, lcov};

const CALC: &str = "def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n";
const CALC_HITS: &[(u32, u64)] = &[(1, 1), (2, 1), (4, 1), (5, 1)];

/// calc.py recorded on main and pushed to `../remote.git`; a feature branch adds `mul`,
/// covered by `lcov.info` in the work tree.
fn pushed_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(".gitignore", "lcov.info\n");
    repo.write("calc.py", CALC);
    repo.commit("calc");
    let base = repo.write_outside("base.info", &lcov(&[("calc.py", CALC_HITS)]));
    repo.covgit(&["record", base.to_str().unwrap()]).ok();
    share_main(&repo);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "calc.py",
        &format!("{CALC}\ndef mul(a, b):\n    return a * b\n"),
    );
    repo.commit("mul");
    let mut hits = CALC_HITS.to_vec();
    hits.extend([(7, 1), (8, 1)]);
    repo.write("lcov.info", &lcov(&[("calc.py", &hits)]));
    repo
}

/// Pushes main to a new bare remote `origin` beside the work tree (`../remote.git`).
fn share_main(repo: &TestRepo) {
    let mut cmd = Command::new("git");
    hermetic(&mut cmd, &repo.home());
    let made = cmd
        .args(["init", "-q", "--bare", "-b", "main", "remote.git"])
        .current_dir(repo.home())
        .status()
        .unwrap();
    assert!(made.success());
    repo.git(&["remote", "add", "origin", "../remote.git"]);
    repo.git(&["push", "-q", "origin", "main"]);
}

/// A folder holding links to just the programs git and the hook need, and nothing named
/// covgit: the `PATH` of a machine where covgit is not installed.
fn tools(repo: &TestRepo) -> PathBuf {
    let dir = repo.home().join("tools");
    std::fs::create_dir_all(&dir).unwrap();
    for tool in ["git", "sh", "mktemp", "cat", "rm"] {
        let found = std::env::split_paths(&std::env::var_os("PATH").unwrap())
            .map(|d| d.join(tool))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("{tool} is not on PATH"));
        let link = dir.join(tool);
        if !link.exists() {
            std::os::unix::fs::symlink(found, link).unwrap();
        }
    }
    dir
}

/// `git push origin feature` with `PATH` = `path`: (succeeded, stderr).
fn push(repo: &TestRepo, path: &[&Path]) -> (bool, String) {
    let mut cmd = Command::new("git");
    hermetic(&mut cmd, &repo.home());
    let out = cmd
        .env("PATH", std::env::join_paths(path).unwrap())
        .current_dir(repo.path())
        .args(["push", "origin", "feature"])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `covgit ARGS` run from the binary at `exe` (a copy, so the test can delete it).
fn covgit_from(repo: &TestRepo, exe: &Path, args: &[&str]) -> (i32, String) {
    let run = || {
        let mut cmd = Command::new(exe);
        hermetic(&mut cmd, &repo.home());
        cmd.current_dir(repo.path()).args(args).output()
    };
    // A copied binary may still be held open for writing by a child another test forked.
    let mut out = run();
    for _ in 0..50 {
        match &out {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(std::time::Duration::from_millis(20));
                out = run();
            }
            _ => break,
        }
    }
    let out = out.unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn copy_exe(repo: &TestRepo, folder: &str) -> PathBuf {
    let dir = repo.home().join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    let exe = dir.join("covgit");
    // A hard link where it can be: a copy is a file being written while other tests fork,
    // and a child holding it open makes exec fail with "Text file busy".
    if std::fs::hard_link(env!("CARGO_BIN_EXE_covgit"), &exe).is_err() {
        std::fs::copy(env!("CARGO_BIN_EXE_covgit"), &exe).unwrap();
    }
    exe
}

#[test]
fn the_hook_runs_covgit_from_path_then_the_installer_and_says_when_neither_exists() {
    let repo = pushed_repo();
    let tools = tools(&repo);
    // Installed by a build that will be cleaned away later.
    let installer = copy_exe(&repo, "target-old");
    let (code, err) = covgit_from(&repo, &installer, &["hook", "install"]);
    assert_eq!(code, 0, "{err}");

    // covgit on PATH (an upgrade installed elsewhere) wins over the recorded binary.
    let upgraded = repo.home().join("upgraded");
    std::fs::create_dir_all(&upgraded).unwrap();
    let marker = repo.home().join("ran-from-path");
    std::fs::write(
        upgraded.join("covgit"),
        format!(
            "#!/bin/sh\necho yes >'{}'\nexec '{}' \"$@\"\n",
            marker.display(),
            env!("CARGO_BIN_EXE_covgit")
        ),
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            upgraded.join("covgit"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    let mut uncovered = CALC_HITS.to_vec();
    uncovered.extend([(7, 0), (8, 0)]);
    repo.write("lcov.info", &lcov(&[("calc.py", &uncovered)]));
    let (ok, err) = push(&repo, &[&upgraded, &tools]);
    assert!(!ok, "an uncovered `mul` went through:\n{err}");
    assert!(
        marker.exists(),
        "covgit on PATH was not the one run:\n{err}"
    );
    assert!(err.contains("covgit: check failed: patch_target"), "{err}");

    // Not on PATH: the recorded binary runs the check.
    std::fs::remove_file(&marker).unwrap();
    let (ok, err) = push(&repo, &[&tools]);
    assert!(!ok, "{err}");
    assert!(!marker.exists());
    assert!(err.contains("covgit: check failed: patch_target"), "{err}");

    // Neither: one line says the check was skipped and why, and the push goes on.
    std::fs::remove_dir_all(installer.parent().unwrap()).unwrap();
    let (ok, err) = push(&repo, &[&tools]);
    assert!(ok, "{err}");
    let skipped: Vec<&str> = err.lines().filter(|l| l.contains("covgit")).collect();
    assert_eq!(
        skipped,
        [format!(
            "covgit: coverage not checked: covgit is not on PATH and '{}' does not exist; install covgit, or run `covgit hook install` again",
            installer.display()
        )],
        "{err}"
    );
    assert!(!err.contains("not found"), "{err}");
}

#[test]
fn git_arguments_reach_covgit_after_a_double_dash() {
    let repo = pushed_repo();
    let tools = tools(&repo);
    // A remote whose name reads like an option is still the remote.
    repo.git(&["remote", "add", "--", "-dash", "../remote.git"]);
    repo.git(&["push", "-q", "--", "-dash", "main"]);
    repo.covgit(&["hook", "install"]).ok();
    let hook = std::fs::read_to_string(repo.path().join(".git/hooks/pre-push")).unwrap();
    assert!(hook.contains("hook pre-push -- \"$@\""), "{hook}");
    let mut cmd = Command::new("git");
    hermetic(&mut cmd, &repo.home());
    let out = cmd
        .env("PATH", &tools)
        .current_dir(repo.path())
        .args(["push", "--", "-dash", "feature"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("covgit: check passed for refs/heads/feature"),
        "{err}"
    );
    assert!(err.contains("on -dash/main"), "{err}");
    // By hand, too.
    let run = repo
        .covgit(&["hook", "pre-push", "--", "-dash", "../remote.git"])
        .ok();
    assert!(run.stderr.contains("on -dash/main"), "{}", run.stderr);
}

#[test]
fn install_refuses_a_hook_that_is_a_symlink_and_leaves_its_target_alone() {
    let repo = pushed_repo();
    // A pull request commits `.githooks/pre-push` as a link out of the repository.
    let victim = repo.write_outside("victim", "precious\n");
    std::fs::create_dir_all(repo.path().join(".githooks")).unwrap();
    std::os::unix::fs::symlink("../../victim", repo.path().join(".githooks/pre-push")).unwrap();
    repo.commit("hooks");
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    for action in ["install", "uninstall"] {
        let out = repo.covgit(&["hook", action]).code(2);
        assert!(
            out.stderr.contains(&format!(
                "the hook '{}' is a symlink to '../../victim', which covgit does not write through",
                repo.path().join(".githooks/pre-push").display()
            )),
            "{}",
            out.stderr
        );
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");

    // A dangling link: nothing is created where it points.
    std::fs::remove_file(&victim).unwrap();
    repo.covgit(&["hook", "install"]).code(2);
    assert!(!victim.exists());
}

#[test]
fn install_says_when_git_will_not_run_the_existing_hook() {
    use std::os::unix::fs::PermissionsExt;
    let repo = pushed_repo();
    let path = repo.path().join(".git/hooks/pre-push");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = repo.covgit(&["hook", "install"]).ok();
    assert!(
        out.stderr.contains(&format!(
            "'{}' is not executable, so git does not run it",
            path.display()
        )),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o644
    );
    // Executable: no such warning.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = repo.covgit(&["hook", "install"]).ok();
    assert!(!out.stderr.contains("not executable"), "{}", out.stderr);
}

/// The test's `PATH` without the folders holding a `covgit`: the hook must run the binary
/// under test, not one installed on the machine.
pub fn path_without_covgit() -> Vec<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|d| !d.join("covgit").exists())
        .collect()
}

/// `git push origin feature` with the test's `PATH` minus any covgit: (succeeded, stderr).
fn push_feature(repo: &TestRepo) -> (bool, String) {
    let dirs = path_without_covgit();
    let dirs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    push(repo, &dirs)
}

#[test]
fn a_report_older_than_a_commit_since_the_base_is_stale() {
    let repo = pushed_repo();
    // A second covered file, changed in a commit after the tests ran.
    repo.write("util.py", "X = 1\n");
    let util = repo.commit("util");
    let mut hits = CALC_HITS.to_vec();
    hits.extend([(7, 1), (8, 1)]);
    repo.write(
        "lcov.info",
        &lcov(&[("calc.py", &hits), ("util.py", &[(1, 1)])]),
    );
    let fresh = repo.covgit(&["check", "--worktree", "--base", "main"]).ok();
    assert!(!fresh.stderr.contains("older than"), "{}", fresh.stderr);

    // The tests ran before both commits of the branch: nothing in the working tree is newer,
    // but the committed edits are.
    let touch = Command::new("touch")
        .args(["-d", "@1767225000"])
        .arg(repo.path().join("lcov.info"))
        .status()
        .unwrap();
    assert!(touch.success());
    let stale = repo.covgit(&["check", "--worktree", "--base", "main"]).ok();
    let warned: Vec<&str> = stale
        .stderr
        .lines()
        .filter(|l| l.contains("older than"))
        .collect();
    assert_eq!(warned.len(), 1, "{}", stale.stderr);
    assert!(
        warned[0].contains(&format!(
            "is older than the change to util.py (committed in {}, ",
            &util[..7]
        )),
        "{}",
        warned[0]
    );
    assert!(warned[0].contains("and 1 more file:"), "{}", warned[0]);

    // Against HEAD (the default base) the branch's commits lie before the base: no warning.
    let head = repo.covgit(&["compare", "--worktree"]).ok();
    assert!(!head.stderr.contains("older than"), "{}", head.stderr);

    // The hook says so too.
    repo.covgit(&["hook", "install"]).ok();
    let (ok, err) = push_feature(&repo);
    assert!(ok, "{err}");
    assert!(err.contains("is older than the change to util.py"), "{err}");
}

#[test]
fn a_teammate_without_the_shared_coverage_is_told_to_pull() {
    let shared = pushed_repo();
    shared.covgit(&["push", "origin"]).ok();
    // A fresh clone of the same remote: no store, the coverage only on the remote.
    let mate = TestRepo::new();
    let remote = shared.home().join("remote.git");
    mate.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    mate.git(&["fetch", "-q", "origin"]);
    mate.git(&["checkout", "-q", "-b", "feature", "origin/main"]);
    mate.write(".gitignore", "lcov.info\n");
    mate.commit("ignore the report");
    mate.write("lcov.info", &lcov(&[("calc.py", CALC_HITS)]));
    mate.covgit(&["hook", "install"]).ok();
    let (ok, err) = push_feature(&mate);
    assert!(ok, "{err}");
    assert!(
        err.contains("refs/heads/feature not checked: no coverage for the base ")
            && err.contains(
                "(the merge-base with origin/main) here, and 'origin' shares coverage that is not pulled yet; run `covgit pull origin` and push again"
            ),
        "{err}"
    );
    mate.covgit(&["pull", "origin"]).ok();
    mate.write("NOTES", "pulled\n");
    mate.commit("notes");
    mate.write("lcov.info", &lcov(&[("calc.py", CALC_HITS)]));
    let (ok, err) = push_feature(&mate);
    assert!(ok, "{err}");
    assert!(
        err.contains("covgit: check passed for refs/heads/feature"),
        "{err}"
    );
}

/// main: a recorded commit (with `ci`; `None`: recorded only on a side branch), then `more`
/// commits without coverage, pushed; a feature branch on top with its report.
fn history(ci: Option<&str>, more: usize, toml: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write(".gitignore", "lcov.info\n");
    repo.write(".covgit.toml", toml);
    repo.write("calc.py", CALC);
    repo.commit("calc");
    let base = repo.write_outside("base.info", &lcov(&[("calc.py", CALC_HITS)]));
    if let Some(ci) = ci {
        repo.covgit(&["record", base.to_str().unwrap(), "--ci-status", ci])
            .ok();
    } else {
        repo.git(&["checkout", "-q", "-b", "side"]);
        repo.write("side.txt", "side\n");
        repo.commit("side");
        repo.covgit(&["record", base.to_str().unwrap()]).ok();
        repo.git(&["checkout", "-q", "main"]);
    }
    for i in 0..more {
        repo.write("notes.txt", &format!("{i}\n"));
        repo.commit(&format!("notes {i}"));
    }
    share_main(&repo);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("calc.py", &format!("{CALC}# end\n"));
    repo.commit("comment");
    repo.write("lcov.info", &lcov(&[("calc.py", CALC_HITS)]));
    repo.covgit(&["hook", "install"]).ok();
    repo
}

#[test]
fn the_hook_hint_fits_why_the_base_has_no_coverage() {
    // Coverage further back than max_depth: raise it, by how much.
    let deep = history(Some("passed"), 2, "[compare]\nmax_depth = 1\n");
    let (ok, err) = push_feature(&deep);
    assert!(ok, "{err}");
    assert!(
        err.contains("the nearest usable coverage is 2 commits back, beyond max_depth (1); set max_depth = 2 in [compare] of .covgit.toml"),
        "{err}"
    );

    // CI failed on the only recorded commit: no word of max_depth.
    let failed = history(Some("failed"), 0, "");
    let (ok, err) = push_feature(&failed);
    assert!(ok, "{err}");
    assert!(err.contains(": CI failed on "), "{err}");
    assert!(
        !err.contains("max-depth") && !err.contains("max_depth"),
        "{err}"
    );

    // CI still running on the base.
    let pending = history(Some("pending"), 0, "");
    let (ok, err) = push_feature(&pending);
    assert!(ok, "{err}");
    assert!(err.contains(": CI has not finished on "), "{err}");

    // The base lacks an upload [flags] expected lists: wait for the other CI jobs. The
    // working tree's own report is a file, with no uploads to count: never incomplete.
    let incomplete = history(Some("passed"), 0, "[flags]\nexpected = [\"unit\"]\n");
    let (ok, err) = push_feature(&incomplete);
    assert!(ok, "{err}");
    assert!(
        err.contains(" lacks uploads of flags [flags] expected lists; push again once every CI job has recorded its coverage"),
        "{err}"
    );

    // Nothing recorded in the base's history at all: record (or pull), not --max-depth.
    let none = history(None, 3, "");
    let (ok, err) = push_feature(&none);
    assert!(ok, "{err}");
    assert!(
        err.contains("nothing near it was recorded here; record coverage on origin/main"),
        "{err}"
    );
    assert!(
        !err.contains("max-depth") && !err.contains("max_depth"),
        "{err}"
    );
}

/// The `pre-commit` program: `COVGIT_TEST_PRE_COMMIT`, else the one on `PATH`.
fn pre_commit() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("COVGIT_TEST_PRE_COMMIT") {
        return Some(PathBuf::from(p));
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("pre-commit"))
        .find(|p| p.is_file())
}

/// The README's `.pre-commit-config.yaml`, run as written in a teammate's fresh clone: with
/// the real pre-commit framework when it is installed, else as pre-commit runs a hook (the
/// entry through the shell, what is pushed in `PRE_COMMIT_*`, stdin not the refs).
#[test]
fn the_readme_pre_commit_snippet_shows_a_skipped_check() {
    let readme = include_str!("../../README.md");
    assert!(!readme.contains("rev: v0.1.0"), "a rev that does not exist");
    let start = readme
        .find("```yaml\nrepos:\n  - repo: local\n")
        .expect("the README's pre-commit snippet");
    let body = &readme[start + "```yaml\n".len()..];
    let snippet = &body[..body.find("```").unwrap()];

    let shared = pushed_repo();
    shared.covgit(&["push", "origin"]).ok();
    let mate = TestRepo::new();
    let remote = shared.home().join("remote.git");
    mate.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
    mate.git(&["fetch", "-q", "origin"]);
    mate.git(&["checkout", "-q", "-b", "feature", "origin/main"]);
    mate.write(".gitignore", "lcov.info\n");
    mate.write(".pre-commit-config.yaml", snippet);
    mate.commit("pre-commit");
    mate.write("lcov.info", &lcov(&[("calc.py", CALC_HITS)]));
    // covgit on PATH, as the README asks.
    let bin = mate.home().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_covgit"), bin.join("covgit")).unwrap();
    let mut path = vec![bin];
    path.extend(path_without_covgit());
    let path = std::env::join_paths(path).unwrap();
    let pull = "shares coverage that is not pulled yet; run `covgit pull origin` and push again";

    if let Some(pre_commit) = pre_commit() {
        let mut cmd = Command::new(pre_commit);
        hermetic(&mut cmd, &mate.home());
        let out = cmd
            .env("PATH", &path)
            .current_dir(mate.path())
            .args(["install", "--hook-type", "pre-push"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let mut cmd = Command::new("git");
        hermetic(&mut cmd, &mate.home());
        let out = cmd
            .env("PATH", &path)
            .current_dir(mate.path())
            .args(["push", "origin", "feature"])
            .output()
            .unwrap();
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{all}");
        assert!(all.contains("covgit check....."), "{all}");
        assert!(all.contains(pull), "{all}");
    } else {
        let entry = snippet
            .lines()
            .find_map(|l| l.trim().strip_prefix("entry: "))
            .expect("an entry");
        let head = mate.git(&["rev-parse", "HEAD"]);
        let mut cmd = Command::new("sh");
        hermetic(&mut cmd, &mate.home());
        let out = cmd
            .env("PATH", &path)
            .env("PRE_COMMIT_REMOTE_NAME", "origin")
            .env("PRE_COMMIT_REMOTE_URL", &remote)
            .env("PRE_COMMIT_TO_REF", &head)
            .env("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/feature")
            .env("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/feature")
            .current_dir(mate.path())
            .stdin(std::process::Stdio::null())
            .args(["-c", entry])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(err.contains(pull), "{err}");
    }
    assert!(snippet.contains("verbose: true"), "{snippet}");
}

/// Writes an executable shell script.
fn script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_hook_under_sh_e_lets_the_push_go_when_covgit_is_missing_or_errs() {
    let repo = pushed_repo();
    let tools = tools(&repo);
    // The user's own hook stops at the first failing command.
    let ran = repo.home().join("user-hook-ran");
    script(
        &repo.path().join(".git/hooks/pre-push"),
        &format!("#!/bin/sh -e\necho yes >>'{}'\n", ran.display()),
    );
    let installer = copy_exe(&repo, "target-old");
    let (code, err) = covgit_from(&repo, &installer, &["hook", "install"]);
    assert_eq!(code, 0, "{err}");

    // Neither on PATH nor where it was installed from: one warning, the push goes on, and
    // the user's lines still run.
    std::fs::remove_dir_all(installer.parent().unwrap()).unwrap();
    let (ok, err) = push(&repo, &[&tools]);
    assert!(ok, "{err}");
    let said: Vec<&str> = err.lines().filter(|l| l.contains("covgit")).collect();
    assert_eq!(said.len(), 1, "{err}");
    assert!(said[0].starts_with("covgit: coverage not checked"), "{err}");
    assert_eq!(std::fs::read_to_string(&ran).unwrap(), "yes\n");

    // covgit present but failing with an error (exit 2): not a failed gate, so the push
    // goes on and the user's lines run.
    let broken = repo.home().join("broken");
    script(
        &broken.join("covgit"),
        "#!/bin/sh\necho 'covgit: error: boom' >&2\nexit 2\n",
    );
    let (ok, err) = push(&repo, &[&broken, &tools]);
    assert!(ok, "{err}");
    assert!(err.contains("covgit: error: boom"), "{err}");
    assert_eq!(std::fs::read_to_string(&ran).unwrap(), "yes\nyes\n");
}

#[test]
fn the_hook_never_runs_a_covgit_committed_in_the_repository() {
    let repo = pushed_repo();
    let tools = tools(&repo);
    // A pull request commits an executable `covgit` at the root of the work tree, where
    // git runs the hook.
    let marker = repo.home().join("planted-ran");
    script(
        &repo.path().join("covgit"),
        &format!("#!/bin/sh\necho yes >'{}'\nexit 0\n", marker.display()),
    );
    repo.commit("planted");
    repo.covgit(&["hook", "install"]).ok();
    // An empty PATH entry (the current folder, to the shell), and `.` likewise.
    for path in [
        format!("{}:", tools.display()),
        format!("{}:.", tools.display()),
    ] {
        let mut cmd = Command::new("git");
        hermetic(&mut cmd, &repo.home());
        let out = cmd
            .env("PATH", &path)
            .current_dir(repo.path())
            .args(["push", "origin", "feature"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !marker.exists(),
            "PATH={path} ran the committed covgit:\n{err}"
        );
        // The recorded binary ran the check instead.
        assert!(err.contains("covgit: check "), "{err}");
    }
}

#[test]
fn install_refuses_a_hook_folder_that_is_a_tracked_link_out_of_the_repository() {
    let repo = pushed_repo();
    let victim = repo.home().join("victimdir");
    std::fs::create_dir_all(&victim).unwrap();
    std::os::unix::fs::symlink("../victimdir", repo.path().join(".githooks")).unwrap();
    repo.commit("hooks folder");
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    for action in ["install", "uninstall"] {
        let out = repo.covgit(&["hook", action]).code(2);
        assert!(
            out.stderr.contains(&format!(
                "'{}' is a symlink to '../victimdir'",
                repo.path().join(".githooks").display()
            )),
            "{}",
            out.stderr
        );
    }
    assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);
}

/// Sets a file's modification time to `secs` after the epoch.
fn touch(path: &Path, secs: u64) {
    let done = Command::new("touch")
        .arg("-d")
        .arg(format!("@{secs}"))
        .arg(path)
        .status()
        .unwrap();
    assert!(done.success());
}

#[test]
fn edit_then_test_then_commit_is_not_stale() {
    let repo = pushed_repo();
    // Edit, run the tests (the report is written after every edit), then commit: the commit
    // is newer than the report, the edits are not.
    repo.write("util.py", "X = 1\n");
    let mut hits = CALC_HITS.to_vec();
    hits.extend([(7, 1), (8, 1)]);
    repo.write(
        "lcov.info",
        &lcov(&[("calc.py", &hits), ("util.py", &[(1, 1)])]),
    );
    for file in ["calc.py", "util.py"] {
        touch(&repo.path().join(file), 1_767_225_000);
    }
    touch(&repo.path().join("lcov.info"), 1_767_225_100);
    repo.commit("util");
    let out = repo.covgit(&["check", "--worktree", "--base", "main"]).ok();
    assert!(!out.stderr.contains("older than"), "{}", out.stderr);
    repo.covgit(&["hook", "install"]).ok();
    let (ok, err) = push_feature(&repo);
    assert!(ok, "{err}");
    assert!(!err.contains("older than"), "{err}");

    // A later edit, committed or not, is still caught by the file's own time.
    touch(&repo.path().join("util.py"), 1_767_225_200);
    let out = repo.covgit(&["check", "--worktree", "--base", "main"]).ok();
    assert!(
        out.stderr
            .contains("is older than the change to util.py (committed in "),
        "{}",
        out.stderr
    );
}

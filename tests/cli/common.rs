//! The harness: hermetic git repositories built by script, and `covgit` run as a user would.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A git repository in a temporary folder, built with fixed identities and dates and no
/// global or system git config, so SHAs are the same on every machine.
pub struct TestRepo {
    dir: TempDir,
    ticks: std::cell::Cell<u32>,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "covgit failed:\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "unexpected exit:\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }
}

pub fn hermetic(cmd: &mut Command, home: &Path) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@example.com")
        .env("GIT_COMMITTER_NAME", "Test Committer")
        .env("GIT_COMMITTER_EMAIL", "committer@example.com")
        .env("NO_COLOR", "1")
        .env("LC_ALL", "C");
}

impl TestRepo {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let repo = Self {
            dir,
            ticks: std::cell::Cell::new(0),
        };
        std::fs::create_dir_all(repo.path()).expect("repo folder");
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// The work tree (a subfolder, so the database and reports can live beside it).
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().to_owned()
    }

    pub fn write(&self, rel: &str, content: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(p, content).expect("write");
    }

    /// Writes a file outside the work tree (reports), returning its path.
    pub fn write_outside(&self, rel: &str, content: &str) -> PathBuf {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&p, content).expect("write");
        p
    }

    pub fn rm(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).expect("rm");
    }

    /// Runs git in the repository with the next fixed date; returns stdout trimmed.
    #[track_caller]
    pub fn git(&self, args: &[&str]) -> String {
        let t = self.ticks.get() + 1;
        self.ticks.set(t);
        // One minute apart from 2026-01-01, so committer times order commits.
        let date = format!("@{} +0000", 1_767_225_600 + u64::from(t) * 60);
        let mut cmd = Command::new("git");
        hermetic(&mut cmd, &self.home());
        let out = cmd
            .current_dir(self.path())
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// `git add -A && git commit -m MSG`; returns the new commit's SHA.
    pub fn commit(&self, msg: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", msg]);
        self.git(&["rev-parse", "HEAD"])
    }

    pub fn covgit(&self, args: &[&str]) -> Run {
        self.covgit_in(&self.path(), args)
    }

    pub fn covgit_in(&self, dir: &Path, args: &[&str]) -> Run {
        self.covgit_env(dir, &[], args)
    }

    /// covgit in `dir` with extra environment variables.
    pub fn covgit_env(&self, dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_covgit"));
        hermetic(&mut cmd, &self.home());
        cmd.envs(env.iter().copied());
        let out: Output = cmd
            .current_dir(dir)
            .args(args)
            .output()
            .expect("covgit runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The default database path.
    pub fn db(&self) -> PathBuf {
        self.path().join(".git/covgit/covgit.db")
    }
}

/// An LCOV report: (path, [(line, hits)]).
pub fn lcov(files: &[(&str, &[(u32, u64)])]) -> String {
    let mut s = String::new();
    for (path, lines) in files {
        let _ = writeln!(s, "SF:{path}");
        for (l, h) in *lines {
            let _ = writeln!(s, "DA:{l},{h}");
        }
        s.push_str("end_of_record\n");
    }
    s
}

/// A Cobertura report with one `<source>` root: (path relative to it, [(line, hits)]).
pub fn cobertura(source: &str, files: &[(&str, &[(u32, u64)])]) -> String {
    let (mut valid, mut covered) = (0, 0);
    let mut classes = String::new();
    for (path, lines) in files {
        let _ = write!(
            classes,
            "<class name=\"{path}\" filename=\"{path}\"><lines>"
        );
        for (l, h) in *lines {
            valid += 1;
            if *h > 0 {
                covered += 1;
            }
            let _ = write!(classes, "<line number=\"{l}\" hits=\"{h}\"/>");
        }
        classes.push_str("</lines></class>\n");
    }
    format!(
        "<?xml version=\"1.0\" ?>\n<coverage lines-valid=\"{valid}\" lines-covered=\"{covered}\" version=\"7.0\">\n<sources><source>{source}</source></sources>\n<packages><package name=\".\"><classes>\n{classes}</classes></package></packages>\n</coverage>\n"
    )
}

/// Runs git in `dir` hermetically; stdout trimmed.
#[track_caller]
pub fn git(home: &Path, dir: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new("git");
    hermetic(&mut cmd, home);
    let out = cmd.current_dir(dir).args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// [`git`] in `dir` with the home of `repo` (another clone, a bare remote).
#[track_caller]
pub fn git_in(repo: &TestRepo, dir: &Path, args: &[&str]) -> String {
    git(&repo.home(), dir, args)
}

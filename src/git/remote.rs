//! Moving `refs/covgit/data` to and from a remote with the `git` executable.
//!
//! Why not gix: gix 0.90 can fetch but cannot push, and a push that half works through one
//! library and fetches through another would answer to two sets of credential helpers, SSH
//! settings and proxies. The `git` the user already pushes with knows all of those, so both
//! directions run through it, with the user's environment, never prompting
//! (`GIT_TERMINAL_PROMPT=0`) and never running the user's pre-push hook (`--no-verify`: this
//! push carries no code). Reading and writing objects stays with gix ([`super::share`]).

use std::path::PathBuf;
use std::process::Command;

use super::GitError;
use super::repo::{Repo, commit_id, object_id};
use super::share::DATA_REF;
use crate::model::CommitId;

/// How a push ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// The remote's ref now points at the pushed commit.
    Pushed,
    /// The remote refused, usually because another job pushed first (git's reason).
    Rejected(String),
}

impl Repo {
    /// The remote-tracking ref where a remote's data commit is fetched to.
    pub fn tracking_ref(remote: &str) -> String {
        format!("refs/covgit/remotes/{remote}/data")
    }

    /// The data commit `remote` holds (`git ls-remote`), `None` when it has no covgit data.
    pub fn remote_data(&self, remote: &str) -> Result<Option<CommitId>, GitError> {
        let out = self.git(remote, &["ls-remote", "--", remote, DATA_REF])?;
        let line = out.lines().find(|l| l.ends_with(DATA_REF));
        match line.and_then(|l| l.split_whitespace().next()) {
            Some(hex) => CommitId::new(hex)
                .map(Some)
                .map_err(|_| GitError::Transport {
                    remote: remote.to_owned(),
                    action: "list refs/covgit/data".into(),
                    detail: format!("unexpected answer '{line:?}'"),
                }),
            None => Ok(None),
        }
    }

    /// Fetches `remote`'s data commit into [`Repo::tracking_ref`] and returns it. Callers
    /// know the remote has covgit data ([`Repo::remote_data`] said so, or a push was
    /// refused as not a fast-forward), so the refs are not listed again; a data ref gone in
    /// the meantime is a fetch error.
    pub fn fetch_data(&self, remote: &str) -> Result<Option<CommitId>, GitError> {
        let tracking = Self::tracking_ref(remote);
        let spec = format!("+{DATA_REF}:{tracking}");
        self.git(
            remote,
            &[
                "fetch",
                "--quiet",
                "--no-tags",
                "--no-write-fetch-head",
                "--",
                remote,
                &spec,
            ],
        )?;
        self.local_ref(&tracking)
    }

    /// Pushes `commit` as `remote`'s data ref, only as a fast-forward.
    pub fn push_data(&self, remote: &str, commit: &CommitId) -> Result<PushOutcome, GitError> {
        let spec = format!("{commit}:{DATA_REF}");
        let out = self
            .git_command(&["push", "--porcelain", "--no-verify", "--", remote, &spec])
            .output()
            .map_err(|e| spawn_failed(remote, &e))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        // --porcelain: "<flag>\t<from>:<to>\t<summary> (<reason>)"; '!' is a refusal.
        if let Some(line) = stdout
            .lines()
            .find(|l| l.starts_with('!') && l.contains(DATA_REF))
        {
            let reason = line.rsplit('\t').next().unwrap_or(line).trim().to_owned();
            return Ok(PushOutcome::Rejected(reason));
        }
        if !out.status.success() {
            return Err(GitError::Transport {
                remote: remote.to_owned(),
                action: "push refs/covgit/data".into(),
                detail: last_line(&out.stderr),
            });
        }
        Ok(PushOutcome::Pushed)
    }

    /// Points a local ref at `commit` (keeps fetched or pushed data from garbage collection).
    pub fn set_local_ref(&self, name: &str, commit: &CommitId) -> Result<(), GitError> {
        self.inner
            .reference(
                name,
                object_id(commit),
                gix::refs::transaction::PreviousValue::Any,
                "covgit share",
            )
            .map(|_| ())
            .map_err(|source| GitError::Write {
                what: format!("reference {name}"),
                source,
            })
    }

    /// The commit a local ref points to, `None` when the ref does not exist.
    pub fn local_ref(&self, name: &str) -> Result<Option<CommitId>, GitError> {
        let found = self
            .inner
            .try_find_reference(name)
            .map_err(|source| GitError::Read {
                what: format!("ref {name}"),
                source,
            })?;
        Ok(found.and_then(|r| r.target().try_id().map(|id| commit_id(id.to_owned()))))
    }

    /// Whether this repository holds `commit`'s object.
    pub fn has_commit(&self, commit: &CommitId) -> bool {
        self.inner.has_object(object_id(commit))
    }

    fn git_dir(&self) -> PathBuf {
        self.inner.git_dir().to_owned()
    }

    fn git_command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("--git-dir")
            .arg(self.git_dir())
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(std::process::Stdio::null());
        cmd
    }

    /// Runs git; its stdout on success, else an error with the last line git wrote.
    fn git(&self, remote: &str, args: &[&str]) -> Result<String, GitError> {
        let out = self
            .git_command(args)
            .output()
            .map_err(|e| spawn_failed(remote, &e))?;
        if !out.status.success() {
            return Err(GitError::Transport {
                remote: remote.to_owned(),
                action: format!("git {}", args[0]),
                detail: last_line(&out.stderr),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

fn spawn_failed(remote: &str, e: &std::io::Error) -> GitError {
    GitError::Transport {
        remote: remote.to_owned(),
        action: "run git".into(),
        detail: format!("{e} (is git installed and on PATH?)"),
    }
}

fn last_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // git's first "fatal:" line names the cause; later lines are boilerplate advice.
    lines
        .iter()
        .find(|l| l.starts_with("fatal:") || l.starts_with("error:"))
        .or(lines.last())
        .map_or_else(
            || "git failed without a message".to_owned(),
            |l| (*l).to_owned(),
        )
}

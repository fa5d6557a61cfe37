//! Moving `refs/covgit/data` to and from a remote with the `git` executable.
//!
//! Why not gix: gix 0.90 can fetch but cannot push, and a push that half works through one
//! library and fetches through another would answer to two sets of credential helpers, SSH
//! settings and proxies. The `git` the user already pushes with knows all of those, so both
//! directions run through it, with the user's environment, never prompting
//! (`GIT_TERMINAL_PROMPT=0`) and never running the user's pre-push hook (`--no-verify`: this
//! push carries no code). Reading and writing objects stays with gix ([`super::share`]).

use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::GitError;
use super::repo::{Repo, commit_id, object_id};
use super::share::DATA_REF;
use crate::model::CommitId;

/// How a push ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// The remote's ref now points at the pushed commit.
    Pushed,
    /// Another job moved the remote's ref first (git's reason): fetch, rebuild, retry.
    LostRace(String),
    /// The remote refused the push for another reason (a hook, fsck, permissions): its own
    /// words, control characters escaped and length bounded. Retrying cannot help.
    Refused(String),
}

/// git's reasons for a refused ref update that mean another push moved the ref first.
const RACE_REASONS: &[&str] = &[
    "fetch first",
    "non-fast-forward",
    "stale info",
    "cannot lock ref",
    "incorrect old value",
    "reference already exists",
];

/// Lines of the remote's own message kept in a refusal, and characters per line.
const REFUSAL_LINES: usize = 6;
const REFUSAL_LINE_CHARS: usize = 200;

impl Repo {
    /// The remote-tracking ref where a remote's data commit is fetched to: under the
    /// remote's name when it is a plain remote name (`origin`), else (a URL or a path, which
    /// may hold `/`, `..`, `:` or spaces) under a stable hash of its spelling, so any
    /// spelling makes a valid ref name and each spelling keeps its own.
    pub fn tracking_ref(remote: &str) -> String {
        if plain_remote_name(remote) {
            format!("refs/covgit/remotes/{remote}/data")
        } else {
            format!("refs/covgit/urls/{:016x}/data", fnv1a(remote.as_bytes()))
        }
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

    /// [`Repo::remote_data`] for a hint, from a command that does not otherwise touch the
    /// network: it never prompts, for a password (`GIT_TERMINAL_PROMPT=0`) nor through SSH
    /// on the terminal (`BatchMode=yes`), and gives up after `timeout` (an unreachable host).
    /// `None` when the remote has no covgit data or cannot be asked so.
    pub fn probe_remote_data(&self, remote: &str, timeout: Duration) -> Option<CommitId> {
        let mut child = self
            .git_command(&[
                "-c",
                "core.sshCommand=ssh -o BatchMode=yes",
                "ls-remote",
                "--",
                remote,
                DATA_REF,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let started = Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(status)) if status.success() => break,
                Ok(None) if started.elapsed() < timeout => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Ok(Some(_)) | Err(_) => return None,
                Ok(None) => {
                    // Its output is left unread: a helper it started may still hold the pipe.
                    let _ = child.kill();
                    let _ = child.wait();
                    return None;
                }
            }
        }
        let mut out = String::new();
        child.stdout.take()?.read_to_string(&mut out).ok()?;
        let line = out.lines().find(|l| l.ends_with(DATA_REF))?;
        CommitId::new(line.split_whitespace().next()?).ok()
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
            // A remote that lost the race on its own ref lock says so on stderr only, under
            // the general "failed to update ref".
            let stderr = String::from_utf8_lossy(&out.stderr);
            if RACE_REASONS
                .iter()
                .any(|r| reason.contains(r) || stderr.contains(r))
            {
                return Ok(PushOutcome::LostRace(reason));
            }
            return Ok(PushOutcome::Refused(refusal(&reason, &out.stderr)));
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
                action: format!("run `git {}`", args[0]),
                detail: last_line(&out.stderr),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// A name `git remote add` would take and a ref name can hold as one component.
fn plain_remote_name(remote: &str) -> bool {
    !remote.is_empty()
        && remote.len() <= 100
        && !remote.starts_with(['.', '-'])
        && !remote.to_ascii_lowercase().ends_with(".lock")
        && !remote.contains("..")
        && remote
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// FNV-1a, 64 bits: a fixed definition, so a remote's tracking ref never moves.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The refusal as the remote said it: git's reason, then what the remote printed (hook
/// output and errors), each line escaped and bounded.
fn refusal(reason: &str, stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let words: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("remote:") || l.starts_with("error:"))
        .map(|l| l.trim_start_matches("remote:").trim())
        .filter(|l| !l.is_empty())
        .take(REFUSAL_LINES)
        .map(|l| crate::model::quoted(l, REFUSAL_LINE_CHARS))
        .collect();
    let reason = crate::model::quoted(reason, REFUSAL_LINE_CHARS);
    if words.is_empty() {
        reason
    } else {
        format!("{reason}: {}", words.join(" / "))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_refs_are_valid_for_any_spelling_and_stable() {
        assert_eq!(
            Repo::tracking_ref("origin"),
            "refs/covgit/remotes/origin/data"
        );
        for remote in [
            "../remote.git",
            "/abs/path/remote.git",
            "https://example.com/a b.git",
            "git@host:org/repo.git",
            "..",
            "a.lock",
            "x\ty",
        ] {
            let r = Repo::tracking_ref(remote);
            assert!(r.starts_with("refs/covgit/urls/"), "{remote} -> {r}");
            let name = gix::refs::FullName::try_from(r.as_str());
            assert!(name.is_ok(), "{remote} -> {r} is not a valid ref name");
            assert_eq!(r, Repo::tracking_ref(remote));
        }
        assert_ne!(
            Repo::tracking_ref("../a.git"),
            Repo::tracking_ref("../b.git")
        );
    }

    #[test]
    fn a_refusal_keeps_the_remotes_words_escaped() {
        let stderr = b"remote: no coverage \x1b[31mhere\nremote: \nTo ../r.git\nerror: failed to push some refs to '../r.git'\n";
        let r = refusal("[remote rejected] (pre-receive hook declined)", stderr);
        assert_eq!(
            r,
            "[remote rejected] (pre-receive hook declined): no coverage \\u{1b}[31mhere / error: failed to push some refs to '../r.git'"
        );
    }
}

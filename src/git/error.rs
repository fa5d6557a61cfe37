//! Why a git read failed, naming the directory, revision or commit involved.

use std::path::PathBuf;

/// Errors of the `git` stage.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// No git folder in `dir` or above it. gix's words (the path again, then `NotFound`)
    /// add nothing; they are logged at debug level (`-vv`).
    #[error("'{}' is not in a git repository", dir.display())]
    NotARepository { dir: PathBuf },
    /// A git folder was found but could not be opened (permissions, a broken `.git`).
    #[error("cannot open the git repository of '{}'", dir.display())]
    Discover {
        dir: PathBuf,
        #[source]
        source: gix::Error,
    },
    /// gix's own words ("couldn't parse revision, input=...: `NotFound`") stay out of the
    /// sentence; they are logged at debug level (`-vv`).
    #[error(
        "unknown revision '{rev}': no branch, tag or commit of that name in this repository; check the spelling, or `git fetch` it from the remote (a CI checkout may need fetch-depth: 0)"
    )]
    UnknownRevision { rev: String },
    #[error(
        "'{rev}' names no commit: HEAD is on branch '{branch}', which has no commit yet; commit once, then record and compare"
    )]
    NoCommitYet { rev: String, branch: String },
    #[error(
        "revision '{rev}' goes back further than this shallow clone's history; fetch more (`git fetch --unshallow`, or fetch-depth: 0 in CI), or pass --base REV"
    )]
    PastShallowHistory { rev: String },
    #[error(
        "revision '{rev}' goes back past the first commit of the history; name an existing commit, or pass --base REV"
    )]
    PastRootCommit { rev: String },
    #[error("'{prefix}' is ambiguous: several objects start with it; type more hex digits")]
    AmbiguousPrefix { prefix: String },
    #[error(
        "commit {commit} has no parent {n}: it has {}, so '{rev}' names no commit",
        crate::model::count(*parents as u64, "parent", "parents")
    )]
    NoSuchParent {
        rev: String,
        commit: String,
        n: usize,
        parents: usize,
    },
    #[error("revision '{rev}' does not name a commit")]
    NotACommit {
        rev: String,
        #[source]
        source: gix::Error,
    },
    #[error("history is shallow at {commit}; fetch more with git fetch --unshallow")]
    Shallow { commit: String },
    #[error(
        "commits {a} and {b} have no common ancestor{}",
        if *shallow {
            " in this shallow clone; fetch the full history (`git fetch --unshallow`, or fetch-depth: 0 in CI), or pass --base REV"
        } else {
            " (unrelated histories); pass --base REV to name the base"
        }
    )]
    NoMergeBase { a: String, b: String, shallow: bool },
    #[error(
        "no default branch: refs/remotes/origin/HEAD, refs/heads/main and refs/heads/master are all missing"
    )]
    NoDefaultBranch,
    #[error("the repository is bare: there is no working tree to snapshot")]
    NoWorktree,
    #[error("could not write {what} to the repository")]
    Write {
        what: String,
        #[source]
        source: gix::Error,
    },
    #[error("'{name}' is not a valid baseline name (it must be usable in a git reference name)")]
    BadBaselineName { name: String },
    #[error("cannot write the hook '{}'", path.display())]
    Hook {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the hook '{}' is a {interpreter} script, which covgit does not edit; add a line running `covgit hook pre-push \"$@\"` to it by hand",
        path.display()
    )]
    ForeignHook { path: PathBuf, interpreter: String },
    #[error(
        "the hook '{}' is a symlink to '{}', which covgit does not write through; replace the link with a file, or point core.hooksPath at the folder it belongs in",
        path.display(),
        target.display()
    )]
    HookSymlink { path: PathBuf, target: PathBuf },
    #[error("could not read {what}")]
    Read {
        what: String,
        #[source]
        source: gix::Error,
    },
    #[error("cannot {action} on remote '{remote}': {detail}")]
    Transport {
        remote: String,
        action: String,
        detail: String,
    },
    #[error("covgit data commit {commit} is malformed: {detail}")]
    BadSharedData { commit: String, detail: String },
}

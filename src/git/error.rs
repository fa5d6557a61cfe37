//! Why a git read failed, naming the directory, revision or commit involved.

use std::path::PathBuf;

/// Errors of the `git` stage.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// No git folder in `dir` or above it. gix's words (the path again, then `NotFound`)
    /// add nothing; they are logged at debug level (`-vv`).
    #[error("'{}' is not in a git repository", dir.display())]
    NotARepository {
        /// The folder the repository was looked for from.
        dir: PathBuf,
    },
    /// A git folder was found but could not be opened (permissions, a broken `.git`).
    #[error("cannot open the git repository of '{}'", dir.display())]
    Discover {
        /// The folder the repository was looked for from.
        dir: PathBuf,
        /// The underlying error.
        #[source]
        source: gix::Error,
    },
    /// gix's own words ("couldn't parse revision, input=...: `NotFound`") stay out of the
    /// sentence; they are logged at debug level (`-vv`).
    #[error(
        "unknown revision '{rev}': no branch, tag or commit of that name in this repository; check the spelling, or `git fetch` it from the remote (a CI checkout may need fetch-depth: 0)"
    )]
    UnknownRevision {
        /// The revision as typed.
        rev: String,
    },
    /// HEAD's branch has no commit yet.
    #[error(
        "'{rev}' names no commit: HEAD is on branch '{branch}', which has no commit yet; commit once, then record and compare"
    )]
    NoCommitYet {
        /// The revision as typed.
        rev: String,
        /// The branch HEAD is on.
        branch: String,
    },
    /// The revision reaches past the history a shallow clone holds.
    #[error(
        "revision '{rev}' goes back further than this shallow clone's history; fetch more (`git fetch --unshallow`, or fetch-depth: 0 in CI), or pass --base REV"
    )]
    PastShallowHistory {
        /// The revision as typed.
        rev: String,
    },
    /// The revision reaches past the root commit (`root~1`).
    #[error(
        "revision '{rev}' goes back past the first commit of the history; name an existing commit, or pass --base REV"
    )]
    PastRootCommit {
        /// The revision as typed.
        rev: String,
    },
    /// An abbreviated id matches several objects.
    #[error("'{prefix}' is ambiguous: several objects start with it; type more hex digits")]
    AmbiguousPrefix {
        /// The abbreviated id as typed.
        prefix: String,
    },
    /// `REV^N` names a parent the commit does not have.
    #[error(
        "commit {commit} has no parent {n}: it has {}, so '{rev}' names no commit",
        crate::model::count(*parents as u64, "parent", "parents")
    )]
    NoSuchParent {
        /// The revision as typed.
        rev: String,
        /// The commit concerned (full id).
        commit: String,
        /// The parent number asked for (`^N`).
        n: usize,
        /// How many parents the commit has.
        parents: usize,
    },
    /// The revision names an object that is not a commit (a tree, a blob).
    #[error("revision '{rev}' does not name a commit")]
    NotACommit {
        /// The revision as typed.
        rev: String,
        /// The underlying error.
        #[source]
        source: gix::Error,
    },
    /// A history walk reached the boundary of a shallow clone.
    #[error("history is shallow at {commit}; fetch more with git fetch --unshallow")]
    Shallow {
        /// The commit concerned (full id).
        commit: String,
    },
    /// Two commits have no common ancestor.
    #[error(
        "commits {a} and {b} have no common ancestor{}",
        if *shallow {
            " in this shallow clone; fetch the full history (`git fetch --unshallow`, or fetch-depth: 0 in CI), or pass --base REV"
        } else {
            " (unrelated histories); pass --base REV to name the base"
        }
    )]
    NoMergeBase {
        /// One commit (full id).
        a: String,
        /// The other commit (full id).
        b: String,
        /// Whether the repository is a shallow clone, which may be why.
        shallow: bool,
    },
    /// None of the refs a default branch is looked up in exists.
    #[error(
        "no default branch: refs/remotes/origin/HEAD, refs/heads/main and refs/heads/master are all missing"
    )]
    NoDefaultBranch,
    /// The repository is bare, so there is no working tree to read.
    #[error("the repository is bare: there is no working tree to snapshot")]
    NoWorktree,
    /// Writing objects or refs into the repository failed.
    #[error("could not write {what} to the repository")]
    Write {
        /// What covgit was reading or writing, in words.
        what: String,
        /// The underlying error.
        #[source]
        source: gix::Error,
    },
    /// A baseline name that is not usable in a ref name.
    #[error("'{name}' is not a valid baseline name (it must be usable in a git reference name)")]
    BadBaselineName {
        /// The name as given.
        name: String,
    },
    /// The pre-push hook file could not be written.
    #[error("cannot write the hook '{}'", path.display())]
    Hook {
        /// The hook file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The existing hook is a script of another language, which covgit does not edit.
    #[error(
        "the hook '{}' is a {interpreter} script, which covgit does not edit; add a line running `covgit hook pre-push \"$@\"` to it by hand",
        path.display()
    )]
    ForeignHook {
        /// The hook file.
        path: PathBuf,
        /// The interpreter its `#!` line names.
        interpreter: String,
    },
    /// The hook is a symlink, which covgit does not write through.
    #[error(
        "the hook '{}' is a symlink to '{}', which covgit does not write through; replace the link with a file, or point core.hooksPath at the folder it belongs in",
        path.display(),
        target.display()
    )]
    HookSymlink {
        /// The hook file.
        path: PathBuf,
        /// Where the link points.
        target: PathBuf,
    },
    /// Reading from the repository failed.
    #[error("could not read {what}")]
    Read {
        /// What covgit was reading or writing, in words.
        what: String,
        /// The underlying error.
        #[source]
        source: gix::Error,
    },
    /// Fetching from or pushing to a remote failed.
    #[error("cannot {action} on remote '{remote}': {detail}")]
    Transport {
        /// The remote as named.
        remote: String,
        /// What covgit was doing (`push`, `fetch`, …).
        action: String,
        /// What went wrong, in git's or covgit's words.
        detail: String,
    },
    /// Shared coverage data on the remote is not in covgit's layout.
    #[error("covgit data commit {commit} is malformed: {detail}")]
    BadSharedData {
        /// The commit concerned (full id).
        commit: String,
        /// What went wrong, in git's or covgit's words.
        detail: String,
    },
}

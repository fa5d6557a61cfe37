//! `app::Error`: every stage's error, with the input or commit it concerned.

use std::path::PathBuf;

use crate::model::CommitId;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Git(#[from] crate::git::GitError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Parse(#[from] crate::parse::ParseError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Glob(#[from] crate::resolve::GlobError),
    #[error(transparent)]
    Select(#[from] crate::select::SelectError<crate::git::GitError>),
    #[error("cannot read report '{}'", path.display())]
    ReadReport {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "report '{}' is {size} bytes, more than the {limit} covgit reads; record it in parts (one upload per --flag, e.g. per module or test suite)",
        path.display()
    )]
    ReportTooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error(
        "no coverage report given and none found in '{}' (looked for {looked}); pass the report's path",
        dir.display()
    )]
    NoReportFound { dir: PathBuf, looked: String },
    /// The OS's words sit inside the sentence, before the hint, so they are not chained too.
    #[error("cannot create the database folder '{}': {cause}; pass --db PATH to put it elsewhere", path.display())]
    DbFolder {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("no coverage has been recorded yet (no database at '{}'); run `covgit record` first", path.display())]
    NoDatabase { path: PathBuf },
    #[error("commit {} has no recorded coverage{flag}; record it with `covgit record --commit {}` or pass --head-report FILE", commit.short(), commit.short())]
    NoHeadReport { commit: CommitId, flag: String },
    #[error("commit {} has no recorded coverage{flag}; record it with `covgit record --commit {}`", commit.short(), commit.short())]
    NotRecorded { commit: CommitId, flag: String },
    #[error("commit {} has no parent to compare with; name a base with --base REV", commit.short())]
    NoParent { commit: CommitId },
    #[error(
        "Changes found in between {}...{} (pseudo...base) which prevent comparing: {files} changed; pass --allow-offsets (or set allow_coverage_offsets = true in [compare] of .covgit.toml) to compare against the pseudo-base's lines remapped through that diff",
        pseudo.short(), base.short()
    )]
    OffsetsNeeded {
        pseudo: CommitId,
        base: CommitId,
        files: String,
    },
    #[error("cannot read '{}'", path.display())]
    ReadConfig {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the repository is a shallow clone, so covgit cannot tell which recorded commits are unreachable; run gc in a full clone (git fetch --unshallow)"
    )]
    ShallowGc,
    #[error(
        "no baseline named '{name}'; save one with `covgit baseline save {name}` (see `covgit baseline list`)"
    )]
    NoBaseline { name: String },
    #[error(
        "HEAD has no commit yet, so the working tree has no base to compare with; commit once, or pass --base REV or --baseline NAME"
    )]
    UnbornHead,
    #[error("'{0}' is not a revision range: expected A..B or A...B")]
    BadRange(String),
    #[error(
        "remote '{remote}' has no shared coverage (no refs/covgit/data there); record on the default branch and run `covgit push {remote}` first"
    )]
    NoSharedCoverage { remote: String },
    #[error(
        "could not push coverage to '{remote}': {attempts} attempts were refused because other jobs kept pushing first; run `covgit push {remote}` again"
    )]
    PushContended { remote: String, attempts: u32 },
    #[error("shared coverage of commit {} is unreadable: {what}", commit.short())]
    BadSharedRecord {
        commit: CommitId,
        what: String,
        #[source]
        source: crate::store::CodecError,
    },
    #[error(
        "no coverage has been recorded in this clone yet (no database at '{}'), but remote '{remote}' shares coverage; import it with `covgit pull {remote}`",
        path.display()
    )]
    NotPulled { path: PathBuf, remote: String },
    #[error(
        "'{}' is a link to '{}', outside the work tree (or inside git's folder); covgit reads its config only from the work tree: replace the link with the file",
        link.display(), target.display()
    )]
    ConfigLink { link: PathBuf, target: PathBuf },
    #[error("'{}' is not a regular file; covgit reads its config only from a file", path.display())]
    ConfigNotAFile { path: PathBuf },
    #[error("'{}' is larger than {limit} bytes, more than any config covgit reads", path.display())]
    ConfigTooLarge { path: PathBuf, limit: u64 },
    #[error("'{}' is not UTF-8 text", path.display())]
    ConfigNotUtf8 { path: PathBuf },
    #[error("{reason}; --force records it all the same")]
    NotOfCommit { reason: String },
    #[error(
        "report '{}' goes on past {limit} bytes, the most covgit reads; record it in parts (one upload per --flag, e.g. per module or test suite)",
        path.display()
    )]
    PipeTooLarge { path: PathBuf, limit: u64 },
    #[error(
        "commit {} has no recorded upload{flag} to forget; `covgit show {}` lists its uploads",
        commit.short(), commit.short()
    )]
    NothingToForget { commit: CommitId, flag: String },
    #[error(
        "'{remote}' refused the coverage push: {words}; covgit did not retry (only a concurrent push is retried); the push held uploads of {sent}: fix the remote's rule, or drop the upload it refuses with `covgit forget REV --flag NAME`"
    )]
    PushRefused {
        remote: String,
        words: String,
        sent: String,
    },
    #[error(
        "none of the {count} shared records read from '{remote}' could be used (first: {first}); nothing was imported"
    )]
    NothingReadable {
        remote: String,
        count: usize,
        first: String,
    },
}

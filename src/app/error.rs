//! `app::Error`: every stage's error, with the input or commit it concerned.

use std::path::PathBuf;

use crate::model::{CommitId, Flag};

/// Why a use case failed: every stage's error, with the input or commit it concerned.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing git failed.
    #[error(transparent)]
    Git(#[from] crate::git::GitError),
    /// The coverage database failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// A report could not be read.
    #[error(transparent)]
    Parse(#[from] crate::parse::ParseError),
    /// `.covgit.toml` is not valid.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// A `[paths] ignore` glob is not valid.
    #[error(transparent)]
    Glob(#[from] crate::resolve::GlobError),
    /// No base could be chosen.
    #[error(transparent)]
    Select(#[from] crate::select::SelectError<crate::git::GitError>),
    /// A report file could not be read.
    #[error("cannot read report '{}'", path.display())]
    ReadReport {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A report file is larger than covgit reads.
    #[error(
        "report '{}' is {size} bytes, more than the {limit} covgit reads; record it in parts (one upload per --flag, e.g. per module or test suite)",
        path.display()
    )]
    ReportTooLarge {
        /// The file concerned.
        path: PathBuf,
        /// Its size, in bytes.
        size: u64,
        /// The most covgit reads, in bytes.
        limit: u64,
    },
    /// No report was given and none was found.
    #[error(
        "no coverage report given and none found in '{}' (looked for {looked}); pass the report's path",
        dir.display()
    )]
    NoReportFound {
        /// The folder searched.
        dir: PathBuf,
        /// The file names looked for.
        looked: String,
    },
    /// The OS's words sit inside the sentence, before the hint, so they are not chained too.
    #[error("cannot create the database folder '{}': {cause}; pass --db PATH to put it elsewhere", path.display())]
    DbFolder {
        /// The file concerned.
        path: PathBuf,
        /// The OS's error (in the message, not chained).
        cause: std::io::Error,
    },
    /// No database yet: nothing was recorded.
    #[error("no coverage has been recorded yet (no database at '{}'); run `covgit record` first", path.display())]
    NoDatabase {
        /// The file concerned.
        path: PathBuf,
    },
    /// The head commit has no recorded coverage and no head report was given.
    #[error("commit {} has no recorded coverage{}; record it with `covgit record --commit {}{}` or pass --head-report FILE", commit.short(), for_flag(flag.as_ref()), commit.short(), flag_option(flag.as_ref()))]
    NoHeadReport {
        /// The commit concerned.
        commit: CommitId,
        /// The flag asked for, if any.
        flag: Option<Flag>,
    },
    /// The commit asked for has no recorded coverage.
    #[error("commit {} has no recorded coverage{}; record it with `covgit record --commit {}{}`", commit.short(), for_flag(flag.as_ref()), commit.short(), flag_option(flag.as_ref()))]
    NotRecorded {
        /// The commit concerned.
        commit: CommitId,
        /// The flag asked for, if any.
        flag: Option<Flag>,
    },
    /// The commit view of a root commit: there is no parent to compare with.
    #[error("commit {} has no parent to compare with; name a base with --base REV", commit.short())]
    NoParent {
        /// The commit concerned.
        commit: CommitId,
    },
    /// A pseudo-base's report would need remapping and offsets are not allowed (SPEC "Coverage offsets").
    #[error(
        "Changes found in between {}...{} (pseudo...base) which prevent comparing: {files} changed; pass --allow-offsets (or set allow_coverage_offsets = true in [compare] of .covgit.toml) to compare against the pseudo-base's lines remapped through that diff",
        pseudo.short(), base.short()
    )]
    OffsetsNeeded {
        /// The pseudo-base found.
        pseudo: CommitId,
        /// The base it stands in for.
        base: CommitId,
        /// The files whose tracked lines the diff moves or drops, comma-separated.
        files: String,
    },
    /// `.covgit.toml` could not be read.
    #[error("cannot read '{}'", path.display())]
    ReadConfig {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// `gc` in a shallow clone, where unreachable commits cannot be told apart.
    #[error(
        "the repository is a shallow clone, so covgit cannot tell which recorded commits are unreachable; run gc in a full clone (git fetch --unshallow)"
    )]
    ShallowGc,
    /// No baseline of that name.
    #[error(
        "no baseline named '{name}'; save one with `covgit baseline save {name}` (see `covgit baseline list`)"
    )]
    NoBaseline {
        /// The baseline name given.
        name: String,
    },
    /// A working-tree comparison where HEAD has no commit yet.
    #[error(
        "HEAD has no commit yet, so the working tree has no base to compare with; commit once, or pass --base REV or --baseline NAME"
    )]
    UnbornHead,
    /// A range argument that is not `A..B` or `A...B` (the argument as given).
    #[error("'{0}' is not a revision range: expected A..B or A...B")]
    BadRange(String),
    /// The remote holds no shared coverage.
    #[error(
        "remote '{remote}' has no shared coverage (no refs/covgit/data there); record on the default branch and run `covgit push {remote}` first"
    )]
    NoSharedCoverage {
        /// The remote as named.
        remote: String,
    },
    /// Concurrent pushes kept winning the race for the remote's data ref.
    #[error(
        "could not push coverage to '{remote}': {attempts} attempts were refused because other jobs kept pushing first; run `covgit push {remote}` again"
    )]
    PushContended {
        /// The remote as named.
        remote: String,
        /// How many pushes were refused.
        attempts: u32,
    },
    /// No local database, but the remote shares coverage to pull.
    #[error(
        "no coverage has been recorded in this clone yet (no database at '{}'), but remote '{remote}' shares coverage; import it with `covgit pull {remote}`",
        path.display()
    )]
    NotPulled {
        /// The file concerned.
        path: PathBuf,
        /// The remote as named.
        remote: String,
    },
    /// `.covgit.toml` is a link leading outside the work tree or into git's folder.
    #[error(
        "'{}' is a link to '{}', outside the work tree (or inside git's folder); covgit reads its config only from the work tree: replace the link with the file",
        link.display(), target.display()
    )]
    ConfigLink {
        /// The config file, a symlink.
        link: PathBuf,
        /// Where the link points.
        target: PathBuf,
    },
    /// `.covgit.toml` is not a regular file.
    #[error("'{}' is not a regular file; covgit reads its config only from a file", path.display())]
    ConfigNotAFile {
        /// The file concerned.
        path: PathBuf,
    },
    /// `.covgit.toml` is larger than any config covgit reads.
    #[error("'{}' is larger than {limit} bytes, more than any config covgit reads", path.display())]
    ConfigTooLarge {
        /// The file concerned.
        path: PathBuf,
        /// The most covgit reads, in bytes.
        limit: u64,
    },
    /// `.covgit.toml` is not UTF-8.
    #[error("'{}' is not UTF-8 text", path.display())]
    ConfigNotUtf8 {
        /// The file concerned.
        path: PathBuf,
    },
    /// The report does not look like it belongs to the commit (SPEC "Does the report belong to this commit?").
    #[error("{reason}; --force records it all the same")]
    NotOfCommit {
        /// Why the report does not belong to the commit, in words.
        reason: String,
    },
    /// A report read from a pipe goes on past the most covgit reads.
    #[error(
        "report '{}' goes on past {limit} bytes, the most covgit reads; record it in parts (one upload per --flag, e.g. per module or test suite)",
        path.display()
    )]
    PipeTooLarge {
        /// The file concerned.
        path: PathBuf,
        /// The most covgit reads, in bytes.
        limit: u64,
    },
    /// `forget` of an upload that is not recorded.
    #[error(
        "commit {} has no recorded upload{flag} to forget; `covgit show {}` lists its uploads",
        commit.short(), commit.short()
    )]
    NothingToForget {
        /// The commit concerned.
        commit: CommitId,
        /// ` for flag 'NAME'` when a flag was asked for, else empty.
        flag: String,
    },
    /// The remote refused the push for a reason other than a concurrent push.
    #[error(
        "'{remote}' refused the coverage push: {words}; covgit did not retry (only a concurrent push is retried); the push held uploads of {sent}: fix the remote's rule, or drop the upload it refuses with `covgit forget REV --flag NAME`"
    )]
    PushRefused {
        /// The remote as named.
        remote: String,
        /// The remote's own words.
        words: String,
        /// The uploads the push held, named.
        sent: String,
    },
    /// Every shared record read from the remote was unusable.
    #[error(
        "none of the {count} shared records read from '{remote}' could be used (first: {first}); nothing was imported"
    )]
    NothingReadable {
        /// The remote as named.
        remote: String,
        /// How many records were read.
        count: usize,
        /// The first unusable record and why.
        first: String,
    },
    /// The head's report (`--head-report`, or the working tree's) does not look like it
    /// describes the head (SPEC "Does the report belong to this commit?").
    #[error("{reason}; --force compares it all the same")]
    NotOfHead {
        /// Why the report does not describe the head, in words.
        reason: String,
    },
}

/// ` for flag 'NAME'` when a flag was asked for, else empty.
fn for_flag(flag: Option<&Flag>) -> String {
    flag.map(|f| format!(" for flag '{f}'")).unwrap_or_default()
}

/// ` --flag NAME`, the option that records that flag, when one was asked for, else empty.
fn flag_option(flag: Option<&Flag>) -> String {
    flag.map(|f| format!(" --flag {f}")).unwrap_or_default()
}

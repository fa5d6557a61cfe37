//! The repository handle: discovery (`git -C`), its directories, revision parsing, tree
//! listings, commit times and the default branch.

use std::path::{Path, PathBuf};

use gix::ObjectId;

use super::GitError;
use crate::model::CommitId;

/// An open repository. Every git read of covgit goes through one.
pub struct Repo {
    pub(super) inner: gix::Repository,
}

impl Repo {
    /// Finds the repository containing `dir`, as `git -C dir` would.
    pub fn discover(dir: &Path) -> Result<Repo, GitError> {
        let mut inner = gix::discover(dir).map_err(|source| {
            if source.is_not_found() {
                tracing::debug!("no repository at '{}': {source}", dir.display());
                GitError::NotARepository {
                    dir: dir.to_owned(),
                }
            } else {
                GitError::Discover {
                    dir: dir.to_owned(),
                    source,
                }
            }
        })?;
        // Diffs and walks decode the same trees and commits repeatedly.
        inner.object_cache_size_if_unset(16 * 1024 * 1024);
        Ok(Repo { inner })
    }

    /// git's common directory, shared by all worktrees of the repository.
    pub fn common_dir(&self) -> PathBuf {
        self.inner.common_dir().to_owned()
    }

    /// The working tree, `None` for a bare repository.
    pub fn workdir(&self) -> Option<PathBuf> {
        self.inner.workdir().map(Path::to_owned)
    }

    /// `git rev-parse REV^{commit}`.
    pub fn resolve(&self, rev: &str) -> Result<CommitId, GitError> {
        let id = self.inner.rev_parse_single(rev).map_err(|e| {
            tracing::debug!("cannot resolve '{rev}': {e}");
            match e.downcast_any_ref::<gix::revision::spec::parse::Error>() {
                Some(
                    gix::revision::spec::parse::Error::AmbiguousPrefix { prefix, .. }
                    | gix::revision::spec::parse::Error::AmbiguousRefAndObject { prefix, .. },
                ) => GitError::AmbiguousPrefix {
                    prefix: prefix.to_string(),
                },
                _ => self.why_unknown(rev),
            }
        })?;
        let commit = id
            .object()
            .and_then(gix::Object::peel_to_commit)
            .map_err(|source| GitError::NotACommit {
                rev: rev.to_owned(),
                source,
            })?;
        Ok(commit_id(commit.id))
    }

    /// Why `rev` did not resolve, in the user's words: a navigation (`X~3`, `X^2`) from a
    /// known `X` that asks for a parent number a commit lacks (`M^3` of a two-parent merge),
    /// or walks out of the history (past the root, or past a shallow clone's boundary), else
    /// a name this repository does not know.
    fn why_unknown(&self, rev: &str) -> GitError {
        let rev_owned = rev.to_owned();
        let from_head = rev == "@"
            || rev
                .strip_prefix("HEAD")
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['~', '^']));
        if from_head
            && let Ok(head) = self.inner.head()
            && head.is_unborn()
        {
            let branch = head
                .referent_name()
                .map_or_else(|| "HEAD".to_owned(), |n| n.shorten().to_string());
            return GitError::NoCommitYet {
                rev: rev_owned,
                branch,
            };
        }
        let start = rev.find(['~', '^']).filter(|&i| i > 0);
        let navigates = start.is_some_and(|i| !rev[i..].starts_with("^{"));
        if let Some(i) = start.filter(|_| navigates)
            && self.inner.rev_parse_single(&rev[..i]).is_ok()
        {
            if let Some(e) = self.missing_parent(rev, i) {
                return e;
            }
            return if self.is_shallow() {
                GitError::PastShallowHistory { rev: rev_owned }
            } else {
                GitError::PastRootCommit { rev: rev_owned }
            };
        }
        GitError::UnknownRevision { rev: rev_owned }
    }

    /// The first step `^N` (N ≥ 2) of the navigation `rev[start..]` that asks a commit
    /// with parents for a parent it does not have. A root commit has no parent at all: that
    /// is walking past the first commit, said by the caller.
    fn missing_parent(&self, rev: &str, start: usize) -> Option<GitError> {
        let mut at = start;
        while at < rev.len() {
            // `op` is checked first: only after an ASCII `~` or `^` is `at + 1` a boundary.
            let op = rev.as_bytes()[at];
            if !matches!(op, b'~' | b'^') || rev[at + 1..].starts_with('{') {
                return None;
            }
            let digits = rev[at + 1..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(rev.len(), |d| at + 1 + d);
            let n: usize = rev[at + 1..digits].parse().unwrap_or(1);
            if self.inner.rev_parse_single(&rev[..digits]).is_err() {
                if op != b'^' || n < 2 {
                    return None;
                }
                let id = self.inner.rev_parse_single(&rev[..at]).ok()?;
                let commit = id.object().ok()?.peel_to_commit().ok()?;
                let parents = commit.parent_ids().count();
                return (parents > 0 && parents < n).then(|| GitError::NoSuchParent {
                    rev: rev.to_owned(),
                    commit: commit_id(commit.id).short().to_owned(),
                    n,
                    parents,
                });
            }
            at = digits;
        }
        None
    }

    /// Whether git's configuration names a remote `name`.
    pub fn has_remote(&self, name: &str) -> bool {
        self.inner
            .remote_names()
            .iter()
            .any(|n| AsRef::<[u8]>::as_ref(n) == name.as_bytes())
    }

    /// The remotes git's configuration names, sorted.
    pub fn remote_names(&self) -> Vec<String> {
        self.inner
            .remote_names()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// Where remote `name` fetches from, as git would reach it (`url.<base>.insteadOf`
    /// applied): `scheme://host[:port]/path`, never with a user or a password, so the
    /// result is safe to log. `None` when there is no such remote, its URL cannot be read,
    /// or it names no host (a local path, `file://`).
    pub fn remote_url(&self, name: &str) -> Option<String> {
        let remote = match self.inner.try_find_remote(name)? {
            Ok(remote) => remote,
            Err(e) => {
                tracing::debug!("cannot read remote '{name}': {e}");
                return None;
            }
        };
        let url = remote.url(gix::remote::Direction::Fetch)?;
        let host = url.host()?;
        let port = url.port.map(|p| format!(":{p}")).unwrap_or_default();
        let path = String::from_utf8_lossy(&url.path);
        Some(format!(
            "{}://{host}{port}/{}",
            url.scheme.as_str(),
            path.trim_start_matches('/')
        ))
    }

    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.inner.is_shallow().unwrap_or(false)
    }

    /// Every file in `commit`'s tree (blobs and symlinks, not submodules), `/`-separated,
    /// sorted. Paths that are not UTF-8 are converted lossily.
    pub fn tree_files(&self, commit: &CommitId) -> Result<Vec<String>, GitError> {
        let mut files: Vec<String> = self
            .tree_entries(commit)?
            .into_iter()
            .filter(|e| e.mode.is_blob_or_symlink())
            .map(|e| String::from_utf8_lossy(&e.filepath).into_owned())
            .collect();
        files.sort_unstable();
        Ok(files)
    }

    /// The committer time of `c`, in seconds since the epoch.
    pub fn commit_time(&self, c: &CommitId) -> Result<i64, GitError> {
        let commit = self.commit(c)?;
        let time = commit.time().map_err(|source| GitError::Read {
            what: format!("the committer of commit {c}"),
            source,
        })?;
        Ok(time.seconds)
    }

    /// The first line of the commit's message.
    pub fn summary(&self, c: &CommitId) -> Result<String, GitError> {
        let commit = self.commit(c)?;
        let message = commit.message_raw().map_err(|source| GitError::Read {
            what: format!("the message of commit {c}"),
            source,
        })?;
        Ok(String::from_utf8_lossy(message.as_ref())
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned())
    }

    /// The default branch: what `refs/remotes/origin/HEAD` points to (`origin/main`), else
    /// `main` if it exists, else `master` if it exists.
    pub fn default_branch(&self) -> Result<String, GitError> {
        self.default_among("refs/remotes/origin/HEAD", "refs/heads/", "")?
            .ok_or(GitError::NoDefaultBranch)
    }

    /// The branch a push to `remote` is measured against: what `refs/remotes/REMOTE/HEAD`
    /// points to, else `REMOTE/main`, else `REMOTE/master`; `None` when there is none of
    /// these (a remote never fetched from, or a URL instead of a remote's name).
    pub fn remote_default_branch(&self, remote: &str) -> Result<Option<String>, GitError> {
        let prefix = format!("refs/remotes/{remote}/");
        let head = format!("{prefix}HEAD");
        if gix::refs::FullName::try_from(head.as_str()).is_err() {
            return Ok(None);
        }
        self.default_among(&head, &prefix, &format!("{remote}/"))
    }

    /// What the symbolic ref `head` points to (without `refs/remotes/`), else the first of
    /// `main` and `master` that exists under `branches`, named `short` + its name.
    fn default_among(
        &self,
        head: &str,
        branches: &str,
        short: &str,
    ) -> Result<Option<String>, GitError> {
        let find = |name: &str| {
            self.inner
                .try_find_reference(name)
                .map_err(|source| GitError::Read {
                    what: format!("reference {name}"),
                    source,
                })
        };
        if let Some(head) = find(head)?
            && let gix::refs::TargetRef::Symbolic(target) = head.target()
        {
            let full = target.as_bstr().to_string();
            return Ok(Some(
                full.strip_prefix("refs/remotes/")
                    .map_or_else(|| full.clone(), str::to_owned),
            ));
        }
        for branch in ["main", "master"] {
            if find(&format!("{branches}{branch}"))?.is_some() {
                return Ok(Some(format!("{short}{branch}")));
            }
        }
        Ok(None)
    }

    pub(super) fn commit(&self, c: &CommitId) -> Result<gix::Commit<'_>, GitError> {
        self.inner
            .find_commit(object_id(c))
            .map_err(|source| GitError::Read {
                what: format!("commit {c}"),
                source,
            })
    }

    /// Every entry below `c`'s tree, recursively (one walk; callers filter by mode).
    pub(super) fn tree_entries(
        &self,
        c: &CommitId,
    ) -> Result<Vec<gix::traverse::tree::recorder::Entry>, GitError> {
        self.tree(c)?
            .traverse()
            .breadthfirst
            .files()
            .map_err(|source| GitError::Read {
                what: format!("the tree of commit {c}"),
                source,
            })
    }

    pub(super) fn tree(&self, c: &CommitId) -> Result<gix::Tree<'_>, GitError> {
        self.commit(c)?.tree().map_err(|source| GitError::Read {
            what: format!("the tree of commit {c}"),
            source,
        })
    }
}

pub(super) fn commit_id(id: ObjectId) -> CommitId {
    CommitId::new(&id.to_string()).expect("a SHA-1 object id prints as 40 hex digits")
}

pub(super) fn object_id(c: &CommitId) -> ObjectId {
    ObjectId::from_hex(c.as_str().as_bytes()).expect("CommitId holds 40 hex digits by construction")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::fixture::{HISTORY, build, git};

    #[test]
    fn discover_finds_the_repository_from_a_subdirectory_and_names_a_stranger() {
        let dir = build(HISTORY, &[]);
        let src = dir.path().join("src");
        let repo = Repo::discover(&src.join("lib/deep")).unwrap();
        assert_eq!(
            repo.workdir().unwrap().canonicalize().unwrap(),
            src.canonicalize().unwrap()
        );
        assert_eq!(
            repo.common_dir().canonicalize().unwrap(),
            src.join(".git").canonicalize().unwrap()
        );
        let outside = tempfile::tempdir().unwrap();
        let err = Repo::discover(outside.path()).err().unwrap();
        assert_eq!(
            err.to_string(),
            format!("'{}' is not in a git repository", outside.path().display())
        );
        // gix's own words repeat the path; the sentence is whole without them.
        assert!(std::error::Error::source(&err).is_none(), "{err:?}");
    }

    #[test]
    fn head_of_a_branch_with_no_commit_is_said_so_not_called_unknown() {
        let dir = build("git init -q -b trunk", &[]);
        let repo = Repo::discover(dir.path()).unwrap();
        for rev in ["HEAD", "@", "HEAD~1"] {
            let err = repo.resolve(rev).err().unwrap();
            assert_eq!(
                err.to_string(),
                format!(
                    "'{rev}' names no commit: HEAD is on branch 'trunk', which has no commit yet; commit once, then record and compare"
                )
            );
        }
        // A name is still unknown: the branch does not exist until its first commit.
        let err = repo.resolve("trunk").err().unwrap();
        assert!(matches!(err, GitError::UnknownRevision { .. }), "{err}");
    }

    #[test]
    fn an_ambiguous_short_sha_says_to_type_more_digits() {
        let dir = build(HISTORY, &[]);
        let src = dir.path().join("src");
        // Blobs of fixed content until two share their first 4 hex digits (1,000 blobs make
        // that all but certain; the content, hence the pair, is always the same).
        let blobs = dir.path().join("blobs");
        std::fs::create_dir_all(&blobs).unwrap();
        let paths: Vec<String> = (0..1000)
            .map(|i| {
                let p = blobs.join(format!("{i}"));
                std::fs::write(&p, format!("blob {i}\n")).unwrap();
                p.to_str().unwrap().to_owned()
            })
            .collect();
        let mut args = vec!["hash-object", "-w"];
        args.extend(paths.iter().map(String::as_str));
        let mut seen = std::collections::HashSet::new();
        let prefix = git(&src, &args)
            .lines()
            .map(|sha| sha[..4].to_owned())
            .find(|p| !seen.insert(p.clone()))
            .expect("two of 1,000 blobs share 4 hex digits");
        let repo = Repo::discover(&src).unwrap();
        let err = repo.resolve(&prefix).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("'{prefix}' is ambiguous: several objects start with it; type more hex digits")
        );
        assert!(matches!(
            repo.resolve(&format!("{prefix}~1")),
            Err(GitError::AmbiguousPrefix { .. })
        ));
    }

    #[test]
    fn resolve_agrees_with_git_rev_parse() {
        let dir = build(HISTORY, &[]);
        let src = dir.path().join("src");
        let repo = Repo::discover(&src).unwrap();
        for rev in [
            "main",
            "x",
            "v1",
            "v1-annotated",
            "HEAD",
            "HEAD~1",
            "HEAD^2",
            "lonely",
        ] {
            let want = git(&src, &["rev-parse", &format!("{rev}^{{commit}}")]);
            assert_eq!(repo.resolve(rev).unwrap().as_str(), want, "{rev}");
        }
        let head = git(&src, &["rev-parse", "HEAD"]);
        assert_eq!(repo.resolve(&head[..9]).unwrap().as_str(), head);
        let err = repo.resolve("no-such-branch").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown revision 'no-such-branch': no branch, tag or commit of that name in this repository; check the spelling, or `git fetch` it from the remote (a CI checkout may need fetch-depth: 0)"
        );
        // Issue 12.15: walking out of the history says so, not gix's `NthAncestor(1)`.
        let err = repo.resolve("v1~1").unwrap_err();
        assert!(matches!(err, GitError::PastRootCommit { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            "revision 'v1~1' goes back past the first commit of the history; name an existing commit, or pass --base REV"
        );
        assert!(matches!(
            repo.resolve("v1^2"),
            Err(GitError::PastRootCommit { .. })
        ));
        assert!(matches!(
            repo.resolve("nosuch~1"),
            Err(GitError::UnknownRevision { .. })
        ));
        let shallow = Repo::discover(&dir.path().join("shallow")).unwrap();
        assert!(matches!(
            shallow.resolve("HEAD~1"),
            Err(GitError::PastShallowHistory { .. })
        ));
        // A merge has two parents: a third is not "past the first commit".
        let err = repo.resolve("main^3").unwrap_err();
        let merge = git(&src, &["rev-parse", "--short=7", "main"]);
        assert_eq!(
            err.to_string(),
            format!(
                "commit {merge} has no parent 3: it has 2 parents, so 'main^3' names no commit"
            )
        );
        let err = repo.resolve("main~1^2").unwrap_err();
        assert!(
            matches!(
                err,
                GitError::NoSuchParent {
                    n: 2,
                    parents: 1,
                    ..
                }
            ),
            "{err}"
        );
        assert!(matches!(
            repo.resolve("main^2~1^3"),
            Err(GitError::NoSuchParent { n: 3, .. })
        ));
        assert!(matches!(
            repo.resolve("main~1é^2"),
            Err(GitError::UnknownRevision { .. } | GitError::PastRootCommit { .. })
        ));
        let tree = git(&src, &["rev-parse", "HEAD^{tree}"]);
        assert!(matches!(
            repo.resolve(&tree),
            Err(GitError::NotACommit { .. })
        ));
    }

    #[test]
    fn tree_files_lists_blobs_and_symlinks_but_not_submodules() {
        let dir = build(HISTORY, &[]);
        let repo = Repo::discover(&dir.path().join("src")).unwrap();
        let head = repo.resolve("main").unwrap();
        assert_eq!(
            repo.tree_files(&head).unwrap(),
            ["a.txt", "lib/deep/b.txt", "link", "m.txt", "x.txt"]
        );
        let v1 = repo.resolve("v1").unwrap();
        assert_eq!(
            repo.tree_files(&v1).unwrap(),
            ["a.txt", "lib/deep/b.txt", "link"]
        );
    }

    #[test]
    fn commit_time_is_the_committer_time() {
        let dir = build(HISTORY, &[]);
        let repo = Repo::discover(&dir.path().join("src")).unwrap();
        assert_eq!(
            repo.commit_time(&repo.resolve("v1").unwrap()).unwrap(),
            1_000_000_000
        );
        assert_eq!(
            repo.commit_time(&repo.resolve("main").unwrap()).unwrap(),
            1_000_000_500
        );
    }

    #[test]
    fn default_branch_prefers_origin_head_then_main_then_master() {
        let dir = build(HISTORY, &[]);
        let repo = Repo::discover(&dir.path().join("shallow")).unwrap();
        assert_eq!(repo.default_branch().unwrap(), "origin/main");
        let repo = Repo::discover(&dir.path().join("src")).unwrap();
        assert_eq!(repo.default_branch().unwrap(), "main");

        let other = build(
            "git init -q -b master . && git commit -q --allow-empty -m one && git branch trunk",
            &[],
        );
        let repo = Repo::discover(other.path()).unwrap();
        assert_eq!(repo.default_branch().unwrap(), "master");
        git(other.path(), &["checkout", "-q", "trunk"]);
        git(other.path(), &["branch", "-q", "-D", "master"]);
        let repo = Repo::discover(other.path()).unwrap();
        assert!(matches!(
            repo.default_branch(),
            Err(GitError::NoDefaultBranch)
        ));
    }

    #[test]
    fn a_remote_url_is_read_without_credentials_and_with_insteadof_applied() {
        let dir = build(
            "git init -q -b main . && \
             git remote add origin https://user:s3cret@github.com/o/r.git && \
             git remote add scp git@gitlab.com:g/sub/r.git && \
             git remote add port ssh://git@gitea.example.com:2222/o/r.git && \
             git remote add short gh:o/r && \
             git config url.https://github.com/.insteadOf gh: && \
             git remote add local ../elsewhere.git && \
             git remote add file file:///srv/r.git",
            &[],
        );
        let repo = Repo::discover(dir.path()).unwrap();
        assert_eq!(
            repo.remote_names(),
            ["file", "local", "origin", "port", "scp", "short"]
        );
        assert_eq!(
            repo.remote_url("origin").as_deref(),
            Some("https://github.com/o/r.git")
        );
        assert_eq!(
            repo.remote_url("scp").as_deref(),
            Some("ssh://gitlab.com/g/sub/r.git")
        );
        assert_eq!(
            repo.remote_url("port").as_deref(),
            Some("ssh://gitea.example.com:2222/o/r.git")
        );
        assert_eq!(
            repo.remote_url("short").as_deref(),
            Some("https://github.com/o/r")
        );
        assert_eq!(repo.remote_url("local"), None);
        assert_eq!(repo.remote_url("file"), None);
        assert_eq!(repo.remote_url("none"), None);
    }

    #[test]
    fn the_remote_default_branch_follows_its_head_then_main_then_master() {
        let dir = build(
            "git init -q -b main . && git commit -q --allow-empty -m one && \
             git update-ref refs/remotes/origin/master HEAD && \
             git update-ref refs/remotes/up/main HEAD && git update-ref refs/remotes/up/trunk HEAD && \
             git symbolic-ref refs/remotes/up/HEAD refs/remotes/up/trunk",
            &[],
        );
        let repo = Repo::discover(dir.path()).unwrap();
        assert_eq!(
            repo.remote_default_branch("origin").unwrap().as_deref(),
            Some("origin/master")
        );
        assert_eq!(
            repo.remote_default_branch("up").unwrap().as_deref(),
            Some("up/trunk")
        );
        assert_eq!(repo.remote_default_branch("none").unwrap(), None);
        assert_eq!(repo.remote_default_branch("../remote.git").unwrap(), None);
    }
}

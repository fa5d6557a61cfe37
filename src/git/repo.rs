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
        let mut inner = gix::discover(dir).map_err(|source| GitError::NotARepository {
            dir: dir.to_owned(),
            source,
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
            self.why_unknown(rev)
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
    /// known `X` that walks out of the history (past the root, or past a shallow clone's
    /// boundary), else a name this repository does not know.
    fn why_unknown(&self, rev: &str) -> GitError {
        let rev_owned = rev.to_owned();
        let start = rev.find(['~', '^']).filter(|&i| i > 0);
        let navigates = start.is_some_and(|i| !rev[i..].starts_with("^{"));
        if let Some(i) = start.filter(|_| navigates)
            && self.inner.rev_parse_single(&rev[..i]).is_ok()
        {
            return if self.is_shallow() {
                GitError::PastShallowHistory { rev: rev_owned }
            } else {
                GitError::PastRootCommit { rev: rev_owned }
            };
        }
        GitError::UnknownRevision { rev: rev_owned }
    }

    /// Whether git's configuration names a remote `name`.
    pub fn has_remote(&self, name: &str) -> bool {
        self.inner
            .remote_names()
            .iter()
            .any(|n| AsRef::<[u8]>::as_ref(n) == name.as_bytes())
    }

    /// Whether the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.inner.is_shallow().unwrap_or(false)
    }

    /// Every file in `commit`'s tree (blobs and symlinks, not submodules), `/`-separated,
    /// sorted. Paths that are not UTF-8 are converted lossily.
    pub fn tree_files(&self, commit: &CommitId) -> Result<Vec<String>, GitError> {
        let tree = self.tree(commit)?;
        let entries = tree
            .traverse()
            .breadthfirst
            .files()
            .map_err(|source| GitError::Read {
                what: format!("the tree of commit {commit}"),
                source,
            })?;
        let mut files: Vec<String> = entries
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
        let find = |name: &str| {
            self.inner
                .try_find_reference(name)
                .map_err(|source| GitError::Read {
                    what: format!("reference {name}"),
                    source,
                })
        };
        if let Some(origin_head) = find("refs/remotes/origin/HEAD")?
            && let gix::refs::TargetRef::Symbolic(target) = origin_head.target()
        {
            let full = target.as_bstr().to_string();
            return Ok(full
                .strip_prefix("refs/remotes/")
                .map_or_else(|| full.clone(), str::to_owned));
        }
        for branch in ["main", "master"] {
            if find(&format!("refs/heads/{branch}"))?.is_some() {
                return Ok(branch.to_owned());
            }
        }
        Err(GitError::NoDefaultBranch)
    }

    pub(super) fn commit(&self, c: &CommitId) -> Result<gix::Commit<'_>, GitError> {
        self.inner
            .find_commit(object_id(c))
            .map_err(|source| GitError::Read {
                what: format!("commit {c}"),
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
}

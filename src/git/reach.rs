//! Which commits any ref still reaches (for `covgit gc`).

use std::collections::HashSet;

use super::repo::commit_id;
use super::{GitError, Repo};
use crate::model::CommitId;

impl Repo {
    /// Every commit reachable from any ref (branches, tags, remote-tracking refs, the HEAD of
    /// every worktree, and covgit's own `refs/covgit/*`), following all parents. Refs to trees or blobs are
    /// passed over.
    pub fn reachable_commits(&self) -> Result<HashSet<CommitId>, GitError> {
        let mut tips = Vec::new();
        let platform = self
            .inner
            .references()
            .map_err(|e| read("the references", e))?;
        let all = platform.all().map_err(|e| read("the references", e))?;
        for reference in all {
            let mut reference = reference.map_err(|e| read("a reference", e))?;
            let Ok(id) = reference.peel_to_id() else {
                continue;
            };
            if let Ok(Ok(commit)) = id.object().map(gix::Object::try_into_commit) {
                tips.push(commit.id);
            }
        }
        if let Ok(head) = self.inner.head_id() {
            tips.push(head.detach());
        }
        // Every worktree's HEAD, the main one's included when run from a linked one: a
        // detached HEAD in another worktree is live, though no ref names it.
        let worktrees = self
            .inner
            .worktrees_including_main()
            .map_err(|e| read("the worktrees", e))?;
        for worktree in worktrees {
            let worktree = worktree.map_err(|e| read("a worktree", e))?;
            if let Ok(head) = worktree.head_id() {
                tips.push(head.detach());
            }
        }
        let mut out = HashSet::new();
        let walk = self
            .inner
            .rev_walk(tips)
            .all()
            .map_err(|e| read("the history", e))?;
        for info in walk {
            let info = info.map_err(|e| read("the history", e))?;
            out.insert(commit_id(info.id));
        }
        Ok(out)
    }
}

fn read<E: std::error::Error + Send + Sync + 'static>(what: &str, e: E) -> GitError {
    GitError::Read {
        what: what.to_owned(),
        source: gix::Error::from_error(e),
    }
}

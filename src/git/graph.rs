//! History: first parents (refusing to guess past a shallow boundary) and merge-bases with
//! SPEC's tie-break (newest committer time, then lowest SHA).

use super::repo::{commit_id, object_id};
use super::{GitError, Repo};
use crate::model::CommitId;

impl Repo {
    /// The first parent of `commit`; `None` for a root commit. A parent missing because the
    /// clone is shallow is an error that says so.
    pub fn first_parent(&self, commit: &CommitId) -> Result<Option<CommitId>, GitError> {
        let c = self.commit(commit)?;
        let is_boundary = self
            .inner
            .shallow_commits()
            .ok()
            .flatten()
            .is_some_and(|list| list.contains(&object_id(commit)));
        let Some(parent) = c.parent_ids().next() else {
            return Ok(None);
        };
        if is_boundary || !self.inner.has_object(parent) {
            return Err(GitError::Shallow {
                commit: commit.to_string(),
            });
        }
        Ok(Some(commit_id(parent.detach())))
    }

    /// The merge-base of `a` and `b`. With several (criss-cross merges) the one with the
    /// newest committer time wins, then the lowest SHA.
    pub fn merge_base(&self, a: &CommitId, b: &CommitId) -> Result<CommitId, GitError> {
        let bases = self
            .inner
            .merge_bases_many(object_id(a), &[object_id(b)])
            .map_err(|source| GitError::Read {
                what: format!("the history of {a} and {b}"),
                source,
            })?;
        let mut best: Option<(i64, CommitId)> = None;
        for base in bases {
            let id = commit_id(base.detach());
            let time = self.commit_time(&id)?;
            let better = match &best {
                None => true,
                Some((t, sha)) => time > *t || (time == *t && id < *sha),
            };
            if better {
                best = Some((time, id));
            }
        }
        best.map(|(_, id)| id).ok_or_else(|| GitError::NoMergeBase {
            a: a.to_string(),
            b: b.to_string(),
            shallow: self.is_shallow(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::fixture::{HISTORY, build, git};

    #[test]
    fn first_parent_follows_merges_by_their_first_parent() {
        let dir = build(HISTORY, &[]);
        let src = dir.path().join("src");
        let repo = Repo::discover(&src).unwrap();
        let m2 = repo.resolve("main").unwrap();
        let parent = repo.first_parent(&m2).unwrap().unwrap();
        assert_eq!(parent.as_str(), git(&src, &["rev-parse", "main^1"]));
        assert_ne!(parent.as_str(), git(&src, &["rev-parse", "main^2"]));
        let root = repo.resolve("v1").unwrap();
        assert_eq!(repo.first_parent(&root).unwrap(), None);
    }

    #[test]
    fn first_parent_at_a_shallow_boundary_says_the_history_is_shallow() {
        let dir = build(HISTORY, &[]);
        let repo = Repo::discover(&dir.path().join("shallow")).unwrap();
        assert!(repo.is_shallow());
        let head = repo.resolve("HEAD").unwrap();
        let err = repo.first_parent(&head).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("history is shallow at {head}; fetch more with git fetch --unshallow")
        );
        assert!(
            !Repo::discover(&dir.path().join("src"))
                .unwrap()
                .is_shallow()
        );
    }

    #[test]
    fn criss_cross_merge_base_is_the_newest_of_all_bases() {
        let dir = build(HISTORY, &[]);
        let src = dir.path().join("src");
        let repo = Repo::discover(&src).unwrap();
        let all = git(&src, &["merge-base", "--all", "x", "main"]);
        assert_eq!(all.lines().count(), 2, "the fixture has two merge-bases");
        let (x, main) = (repo.resolve("x").unwrap(), repo.resolve("main").unwrap());
        // m1 (time ...300) is newer than x1 (...200).
        let want = git(&src, &["rev-parse", "main~1"]);
        assert_eq!(repo.merge_base(&x, &main).unwrap().as_str(), want);
        assert_eq!(repo.merge_base(&main, &x).unwrap().as_str(), want);
    }

    #[test]
    fn criss_cross_merge_bases_of_equal_time_go_to_the_lowest_sha() {
        let dir = build(HISTORY, &[("SAME_TIME", "1")]);
        let src = dir.path().join("src");
        let repo = Repo::discover(&src).unwrap();
        let all = git(&src, &["merge-base", "--all", "x", "main"]);
        let lowest = all.lines().min().unwrap();
        assert_eq!(all.lines().count(), 2);
        let (x, main) = (repo.resolve("x").unwrap(), repo.resolve("main").unwrap());
        assert_eq!(repo.merge_base(&x, &main).unwrap().as_str(), lowest);
        assert_eq!(repo.merge_base(&main, &x).unwrap().as_str(), lowest);
    }

    #[test]
    fn unrelated_histories_have_no_merge_base() {
        let dir = build(HISTORY, &[]);
        let repo = Repo::discover(&dir.path().join("src")).unwrap();
        let (a, b) = (
            repo.resolve("main").unwrap(),
            repo.resolve("lonely").unwrap(),
        );
        let err = repo.merge_base(&a, &b).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "commits {a} and {b} have no common ancestor (unrelated histories); pass --base REV to name the base"
            )
        );
    }
}

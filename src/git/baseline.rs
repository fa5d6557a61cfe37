//! Named baselines: refs under `refs/covgit/baselines/` that keep working-tree snapshot
//! commits alive (so `git gc` never prunes them) and name them for
//! `compare --worktree --baseline NAME`.
//!
//! Only refs under that prefix are ever written or deleted here.

use gix::refs::transaction::PreviousValue;

use super::repo::{commit_id, object_id};
use super::{GitError, Repo};
use crate::model::CommitId;

/// Where baselines live.
pub const BASELINE_REFS: &str = "refs/covgit/baselines/";

impl Repo {
    /// Points `refs/covgit/baselines/NAME` at `commit`, creating or moving it.
    pub fn set_baseline(&self, name: &str, commit: &CommitId) -> Result<(), GitError> {
        let full = baseline_ref(name)?;
        self.inner
            .reference(
                full.as_str(),
                object_id(commit),
                PreviousValue::Any,
                format!("covgit baseline save {name}"),
            )
            .map_err(|source| GitError::Write {
                what: format!("reference {full}"),
                source,
            })?;
        Ok(())
    }

    /// The commit baseline `name` points to, if it exists.
    pub fn baseline(&self, name: &str) -> Result<Option<CommitId>, GitError> {
        let full = baseline_ref(name)?;
        let found = self
            .inner
            .try_find_reference(full.as_str())
            .map_err(|source| GitError::Read {
                what: format!("reference {full}"),
                source,
            })?;
        found
            .map(|mut r| {
                r.peel_to_id()
                    .map(|id| commit_id(id.detach()))
                    .map_err(|source| GitError::Read {
                        what: format!("reference {full}"),
                        source,
                    })
            })
            .transpose()
    }

    /// Every baseline as `(name, commit)`, sorted by name.
    pub fn baselines(&self) -> Result<Vec<(String, CommitId)>, GitError> {
        let read = |source| GitError::Read {
            what: format!("the references under {BASELINE_REFS}"),
            source,
        };
        let platform = self.inner.references().map_err(read)?;
        let iter = platform.prefixed(BASELINE_REFS).map_err(read)?;
        let mut out = Vec::new();
        for r in iter {
            let mut r = r.map_err(|e| read(gix::Error::from_error(e)))?;
            let name = r.name().as_bstr().to_string();
            let id = r.peel_to_id().map_err(read)?;
            if let Some(short) = name.strip_prefix(BASELINE_REFS) {
                out.push((short.to_owned(), commit_id(id.detach())));
            }
        }
        out.sort();
        Ok(out)
    }

    /// Deletes baseline `name`; `false` when there was none.
    pub fn drop_baseline(&self, name: &str) -> Result<bool, GitError> {
        let full = baseline_ref(name)?;
        let Some(r) = self
            .inner
            .try_find_reference(full.as_str())
            .map_err(|source| GitError::Read {
                what: format!("reference {full}"),
                source,
            })?
        else {
            return Ok(false);
        };
        r.delete().map_err(|source| GitError::Write {
            what: format!("reference {full}"),
            source,
        })?;
        Ok(true)
    }
}

/// `refs/covgit/baselines/NAME`, checked against git's reference name rules.
fn baseline_ref(name: &str) -> Result<String, GitError> {
    let full = format!("{BASELINE_REFS}{name}");
    if name.is_empty() || gix::refs::FullName::try_from(full.as_str()).is_err() {
        return Err(GitError::BadBaselineName {
            name: name.to_owned(),
        });
    }
    Ok(full)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::fixture::{build, git};

    #[test]
    fn baselines_are_set_listed_and_dropped_under_their_prefix() {
        let dir = build(
            "git init -q -b main . && git commit -q --allow-empty -m one && git commit -q --allow-empty -m two",
            &[],
        );
        let repo = Repo::discover(dir.path()).unwrap();
        let one = repo.resolve("HEAD~1").unwrap();
        let two = repo.resolve("HEAD").unwrap();
        assert_eq!(repo.baseline("default").unwrap(), None);
        repo.set_baseline("default", &one).unwrap();
        repo.set_baseline("before-refactor", &two).unwrap();
        repo.set_baseline("default", &two).unwrap();
        assert_eq!(
            git(dir.path(), &["rev-parse", "refs/covgit/baselines/default"]),
            two.as_str()
        );
        assert_eq!(
            repo.baselines().unwrap(),
            [
                ("before-refactor".to_owned(), two.clone()),
                ("default".to_owned(), two.clone())
            ]
        );
        assert!(repo.drop_baseline("default").unwrap());
        assert!(!repo.drop_baseline("default").unwrap());
        assert_eq!(repo.baselines().unwrap().len(), 1);
        assert_eq!(
            git(dir.path(), &["for-each-ref", "--format=%(refname)"]),
            "refs/covgit/baselines/before-refactor\nrefs/heads/main"
        );
        for bad in ["", "a..b", "x y", "end."] {
            assert!(
                matches!(
                    repo.set_baseline(bad, &one),
                    Err(GitError::BadBaselineName { .. })
                ),
                "{bad:?}"
            );
        }
    }
}

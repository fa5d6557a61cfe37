//! `covgit gc`: forget recorded commits no ref reaches any more.

use std::collections::HashSet;

use tracing::instrument;

use crate::model::CommitId;
use crate::store::GcOutcome;

use super::{Error, Workspace};

/// What `gc` may remove.
#[derive(Debug, Clone, Copy, Default)]
pub struct GcOptions {
    /// Only say what would go.
    pub dry_run: bool,
    /// Also forget records of commits this repository does not have (kept by default: they
    /// may be on a branch not fetched yet).
    pub missing: bool,
}

/// What `gc` removed, and what it kept only because the repository lacks the commit.
#[derive(Debug, Clone, Default)]
pub struct GcSummary {
    /// The commits and uploads removed, and the database size before and after.
    pub removed: GcOutcome,
    /// Records of absent commits left in place (without `missing`), sorted.
    pub absent_kept: Vec<CommitId>,
}

/// Forgets the records of commits that no ref (branch, tag, remote-tracking ref, HEAD or
/// `refs/covgit/*`) reaches, then reclaims the space. Records of commits the repository does
/// not have are kept unless `opts.missing`; a commit recorded while `gc` runs is kept.
///
/// Refused in a shallow clone: commits past its boundary are not unreachable, only absent,
/// and their records must not be lost.
#[instrument(skip_all)]
pub fn gc(ws: &Workspace, opts: GcOptions) -> Result<GcSummary, Error> {
    gc_with(ws, opts, || {})
}

/// [`gc`], running `after_walk` between the history walk and the deletion (tests put a
/// concurrent record there).
fn gc_with(ws: &Workspace, opts: GcOptions, after_walk: impl FnOnce()) -> Result<GcSummary, Error> {
    if ws.repo.is_shallow() {
        return Err(Error::ShallowGc);
    }
    // A dry run only computes: a read-only store (a CI cache mount) can answer it.
    let mut store = if opts.dry_run {
        ws.store_for_read()?
    } else {
        ws.store_to_change()?
    };
    // What is recorded *before* the walk: a commit recorded during it is not in the plan, and
    // one recorded again is re-checked by the deletion's transaction.
    let plan = store.gc_plan()?;
    // Which commits the repository lacks, also before the walk: one fetched while the walk
    // runs is missed by the walk, and asking afterwards would find it present, unreachable,
    // and delete it.
    let mut absent: HashSet<&CommitId> =
        plan.commits().filter(|c| !ws.repo.has_commit(c)).collect();
    let reachable = ws.repo.reachable_commits()?;
    after_walk();
    absent.retain(|c| !reachable.contains(*c));
    let removed = store.gc(
        &plan,
        |c| reachable.contains(c) || (!opts.missing && absent.contains(c)),
        opts.dry_run,
    )?;
    let mut absent_kept: Vec<CommitId> = if opts.missing {
        Vec::new()
    } else {
        absent.into_iter().cloned().collect()
    };
    absent_kept.sort();
    Ok(GcSummary {
        removed,
        absent_kept,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::model::{CiStatus, Upload};
    use crate::store::Store;
    use crate::testkit::{self, report};

    use crate::git::fixture::git;

    fn commit(dir: &Path, msg: &str) -> CommitId {
        git(dir, &["commit", "-q", "--allow-empty", "-m", msg]);
        CommitId::new(&git(dir, &["rev-parse", "HEAD"])).unwrap()
    }

    fn upload() -> Upload {
        testkit::upload(None, CiStatus::Passed, report(&[("a.py", &[(1, 1)])]))
    }

    #[test]
    fn a_commit_fetched_during_the_walk_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("r");
        let other = dir.path().join("o");
        for r in [&repo, &other] {
            std::fs::create_dir(r).unwrap();
            git(r, &["init", "-q", "-b", "main"]);
        }
        commit(&repo, "one");
        // Recorded (pulled) for a commit this repository has not fetched yet.
        let fetched = commit(&other, "theirs");
        let ws = Workspace::open(&repo, Some(dir.path().join("c.db"))).unwrap();
        ws.store_for_write()
            .unwrap()
            .record(&fetched, &upload())
            .unwrap();

        let out = gc_with(&ws, GcOptions::default(), || {
            // `git fetch` lands between the walk and the deletion.
            git(
                &repo,
                &[
                    "fetch",
                    "-q",
                    other.to_str().unwrap(),
                    "main:refs/remotes/o/main",
                ],
            );
        })
        .unwrap();
        assert!(out.removed.commits.is_empty(), "{:?}", out.removed.commits);
        let store = ws.store_for_read().unwrap();
        assert!(store.commit_info(&fetched).unwrap().is_some());
    }

    #[test]
    fn a_commit_recorded_during_the_walk_and_an_absent_one_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("r");
        std::fs::create_dir(&repo).unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        let kept = commit(&repo, "one");
        git(&repo, &["checkout", "-q", "-b", "gone"]);
        let unreachable = commit(&repo, "two");
        git(&repo, &["checkout", "-q", "main"]);
        git(&repo, &["branch", "-q", "-D", "gone"]);
        let absent = CommitId::new(&"ab".repeat(20)).unwrap();

        let ws = Workspace::open(&repo, Some(dir.path().join("c.db"))).unwrap();
        let mut store = ws.store_for_write().unwrap();
        for c in [&kept, &unreachable, &absent] {
            store.record(c, &upload()).unwrap();
        }
        drop(store);

        let mut new = None;
        let out = gc_with(&ws, GcOptions::default(), || {
            // A CI job commits and records between the walk and the deletion.
            let c = commit(&repo, "three");
            Store::open(&ws.db_path)
                .unwrap()
                .record(&c, &upload())
                .unwrap();
            new = Some(c);
        })
        .unwrap();
        let new = new.unwrap();
        assert_eq!(out.removed.commits, [unreachable]);
        assert_eq!(out.absent_kept, std::slice::from_ref(&absent));
        let store = ws.store_for_read().unwrap();
        assert!(
            store.commit_info(&new).unwrap().is_some(),
            "recorded during gc"
        );
        assert!(
            store.commit_info(&absent).unwrap().is_some(),
            "not fetched yet"
        );
        assert!(store.commit_info(&kept).unwrap().is_some());
        drop(store);

        let out = gc(
            &ws,
            GcOptions {
                dry_run: false,
                missing: true,
            },
        )
        .unwrap();
        assert_eq!(out.removed.commits, std::slice::from_ref(&absent));
        assert!(out.absent_kept.is_empty());
        let store = ws.store_for_read().unwrap();
        assert!(store.commit_info(&absent).unwrap().is_none());
        assert!(store.commit_info(&new).unwrap().is_some());
    }
}

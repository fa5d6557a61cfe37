//! Garbage collection: forgetting commits no ref reaches any more, and the coverage, file
//! sets and paths only they used.

use rusqlite::{OptionalExtension, TransactionBehavior};

use super::StoreError;
use super::database::Store;
use crate::model::CommitId;

/// What the store's `gc` removed (or, dry, would remove).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GcOutcome {
    /// The forgotten commits, sorted.
    pub commits: Vec<CommitId>,
    /// The uploads of those commits.
    pub uploads: u64,
    /// Database bytes before.
    pub bytes_before: u64,
    /// Database bytes after (equal to `bytes_before` on a dry run).
    pub bytes_after: u64,
}

/// The recorded commits as [`Store::gc_plan`] found them, each with a fingerprint of its
/// uploads (ids, times, coverage, status), so [`Store::gc`] can tell what changed since.
#[derive(Debug, Clone)]
pub struct GcPlan {
    recorded: Vec<(CommitId, String)>,
}

impl GcPlan {
    /// The commits recorded when the plan was made, sorted.
    pub fn commits(&self) -> impl Iterator<Item = &CommitId> {
        self.recorded.iter().map(|(c, _)| c)
    }
}

/// A commit's uploads as one string: any record, replacement or mark changes it.
const FINGERPRINT: &str =
    "SELECT group_concat(id || ':' || recorded_at || ':' || set_id || ':' || ci_status, ',')
       FROM (SELECT * FROM uploads WHERE commit_id = commits.id ORDER BY id)";

impl Store {
    /// Lists what is recorded now. Take it *before* working out which commits to keep (the
    /// walk over every ref), so that a commit recorded during the walk is not in it.
    pub fn gc_plan(&self) -> Result<GcPlan, StoreError> {
        let run = || -> rusqlite::Result<Vec<(CommitId, String)>> {
            let mut stmt = self.conn.prepare(&format!(
                "SELECT sha, ifnull(({FINGERPRINT}), '') FROM commits ORDER BY sha"
            ))?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        };
        run()
            .map(|recorded| GcPlan { recorded })
            .map_err(|e| self.fail("list recorded commits", e))
    }

    /// Forgets every commit of `plan` for which `keep` is false, with its uploads and whatever
    /// stored coverage, file sets and paths nothing else uses, in one transaction; then
    /// `VACUUM` returns the freed pages to the file system. `dry_run` only reports, reading
    /// and never writing (so a read-only store takes it).
    ///
    /// The transaction re-checks each commit: one recorded, replaced or marked since `plan`
    /// was made (by another process, while the caller walked the history) is kept; so is a
    /// commit recorded after it, which `plan` does not list.
    pub fn gc(
        &mut self,
        plan: &GcPlan,
        keep: impl Fn(&CommitId) -> bool,
        dry_run: bool,
    ) -> Result<GcOutcome, StoreError> {
        let bytes_before = self.file_bytes();
        let doomed: Vec<&(CommitId, String)> =
            plan.recorded.iter().filter(|(c, _)| !keep(c)).collect();
        let mut out = GcOutcome {
            bytes_before,
            bytes_after: bytes_before,
            ..GcOutcome::default()
        };
        if doomed.is_empty() {
            return Ok(out);
        }
        let run = |conn: &mut rusqlite::Connection| -> rusqlite::Result<(Vec<CommitId>, u64)> {
            // A dry run only reads, so it works on a read-only store too.
            let tx = conn.transaction_with_behavior(if dry_run {
                TransactionBehavior::Deferred
            } else {
                TransactionBehavior::Immediate
            })?;
            let mut uploads = 0;
            let mut forgotten = Vec::new();
            {
                let mut now = tx.prepare(&format!(
                    "SELECT id, ifnull(({FINGERPRINT}), ''),
                            (SELECT count(*) FROM uploads WHERE commit_id = commits.id)
                       FROM commits WHERE sha = ?1"
                ))?;
                let mut delete = if dry_run {
                    None
                } else {
                    Some(tx.prepare("DELETE FROM commits WHERE id = ?1")?)
                };
                for (commit, listed) in &doomed {
                    let row: Option<(i64, String, i64)> = now
                        .query_row([commit.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                        .optional()?;
                    // Gone already, or recorded again since the plan: not ours to forget.
                    let Some((id, fingerprint, n)) = row else {
                        continue;
                    };
                    if fingerprint != *listed {
                        continue;
                    }
                    uploads += n.unsigned_abs();
                    // Cascades to the commit's uploads and their unresolved-path rows.
                    if let Some(delete) = &mut delete {
                        delete.execute([id])?;
                    }
                    forgotten.push(commit.clone());
                }
            }
            if dry_run {
                tx.rollback()?;
            } else {
                tx.execute_batch(
                    "DELETE FROM file_sets WHERE id NOT IN (SELECT set_id FROM uploads);
                     DELETE FROM blobs WHERE id NOT IN (SELECT blob_id FROM file_set_files);
                     DELETE FROM paths WHERE id NOT IN (SELECT path_id FROM file_set_files)
                         AND id NOT IN (SELECT path_id FROM upload_unresolved);",
                )?;
                tx.commit()?;
            }
            Ok((forgotten, uploads))
        };
        (out.commits, out.uploads) =
            run(&mut self.conn).map_err(|e| self.fail("forget unreachable commits", e))?;
        if !dry_run && !out.commits.is_empty() {
            self.conn
                .execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
                .map_err(|e| self.fail("vacuum the database", e))?;
            out.bytes_after = self.file_bytes();
        }
        Ok(out)
    }

    /// The size of the database file and its write-ahead log.
    fn file_bytes(&self) -> u64 {
        let len = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
        let mut wal = self.path().as_os_str().to_owned();
        wal.push("-wal");
        len(self.path()) + len(std::path::Path::new(&wal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CiStatus, Upload};
    use crate::testkit::{self, report, sha};

    /// An upload of one file, `path`, with `(line, hits)` in ascending line order.
    fn upload(lines: &[(u32, u64)], path: &str) -> Upload {
        testkit::upload(None, CiStatus::Passed, report(&[(path, lines)]))
    }

    #[test]
    fn forgets_unkept_commits_and_only_what_they_alone_used() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("c.db")).unwrap();
        let big: Vec<(u32, u64)> = (1..=5000).map(|l| (l, u64::from(l % 7))).collect();
        store
            .record(&sha(1), &upload(&[(1, 1)], "shared.py"))
            .unwrap();
        store
            .record(&sha(2), &upload(&[(1, 1)], "shared.py"))
            .unwrap();
        store.record(&sha(3), &upload(&big, "only3.py")).unwrap();
        let keep = |c: &CommitId| *c != sha(2) && *c != sha(3);

        let plan = store.gc_plan().unwrap();
        let dry = store.gc(&plan, keep, true).unwrap();
        assert_eq!(dry.commits, [sha(2), sha(3)]);
        assert_eq!(dry.uploads, 2);
        assert!(
            store.commit_info(&sha(3)).unwrap().is_some(),
            "dry run changed nothing"
        );

        let done = store.gc(&plan, keep, false).unwrap();
        assert_eq!(done.commits, [sha(2), sha(3)]);
        assert!(store.commit_info(&sha(2)).unwrap().is_none());
        assert!(store.commit_info(&sha(3)).unwrap().is_none());
        // sha(1) shares its coverage with the forgotten sha(2): it must survive intact.
        let r = store.report(&sha(1), None).unwrap().unwrap();
        assert_eq!(r.files["shared.py"].get(1).unwrap().hits, 1);
        let orphans: i64 = store
            .conn
            .query_row(
                "SELECT (SELECT count(*) FROM blobs) + (SELECT count(*) FROM paths)
                      + (SELECT count(*) FROM file_sets)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 3, "one blob, one path, one set left");
        assert!(done.bytes_after < done.bytes_before, "{done:?}");
        assert_eq!(
            store
                .gc(&store.gc_plan().unwrap(), |_| true, false)
                .unwrap(),
            GcOutcome {
                bytes_before: store.file_bytes(),
                bytes_after: store.file_bytes(),
                ..GcOutcome::default()
            }
        );
    }

    #[test]
    fn what_is_recorded_after_the_plan_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.db");
        let mut store = Store::open(&db).unwrap();
        for i in 1..=3 {
            store.record(&sha(i), &upload(&[(1, 1)], "a.py")).unwrap();
        }
        let plan = store.gc_plan().unwrap();
        // Another process records while the caller walks the history: a new commit, and
        // sha(2) again (a replaced upload).
        let mut other = Store::open(&db).unwrap();
        other.record(&sha(4), &upload(&[(1, 0)], "a.py")).unwrap();
        other.record(&sha(2), &upload(&[(1, 0)], "a.py")).unwrap();
        drop(other);

        let done = store.gc(&plan, |_| false, false).unwrap();
        assert_eq!(
            done.commits,
            [sha(1), sha(3)],
            "only what the plan saw unchanged"
        );
        assert_eq!(done.uploads, 2);
        assert!(store.commit_info(&sha(2)).unwrap().is_some());
        assert!(store.commit_info(&sha(4)).unwrap().is_some());
        let r = store.report(&sha(2), None).unwrap().unwrap();
        assert_eq!(
            r.files["a.py"].get(1).unwrap().hits,
            0,
            "the new upload survives"
        );
    }
}

//! Garbage collection: forgetting commits no ref reaches any more, and the coverage, file
//! sets and paths only they used.

use rusqlite::TransactionBehavior;

use super::StoreError;
use super::database::Store;
use crate::model::CommitId;

/// What [`Store::gc`] removed (or, dry, would remove).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GcOutcome {
    /// The forgotten commits, sorted.
    pub commits: Vec<CommitId>,
    pub uploads: u64,
    /// Database bytes before and after (equal on a dry run).
    pub bytes_before: u64,
    pub bytes_after: u64,
}

impl Store {
    /// Forgets every recorded commit for which `keep` is false, with its uploads and whatever
    /// stored coverage, file sets and paths nothing else uses, in one transaction; then
    /// `VACUUM` returns the freed pages to the file system. `dry_run` only reports.
    pub fn gc(
        &mut self,
        keep: impl Fn(&CommitId) -> bool,
        dry_run: bool,
    ) -> Result<GcOutcome, StoreError> {
        let bytes_before = self.file_bytes();
        let fail = |this: &Store, action: &str, e| this.fail(action, e);
        let recorded: Vec<(i64, CommitId)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id, sha FROM commits ORDER BY sha")
                .map_err(|e| fail(self, "list recorded commits", e))?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .and_then(Iterator::collect)
                .map_err(|e| fail(self, "list recorded commits", e))?
        };
        let doomed: Vec<(i64, CommitId)> = recorded.into_iter().filter(|(_, c)| !keep(c)).collect();
        let mut out = GcOutcome {
            commits: doomed.iter().map(|(_, c)| c.clone()).collect(),
            bytes_before,
            bytes_after: bytes_before,
            ..GcOutcome::default()
        };
        if doomed.is_empty() {
            return Ok(out);
        }
        let run = |conn: &mut rusqlite::Connection| -> rusqlite::Result<u64> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut uploads = 0;
            {
                let mut count = tx.prepare("SELECT count(*) FROM uploads WHERE commit_id = ?1")?;
                let mut delete = tx.prepare("DELETE FROM commits WHERE id = ?1")?;
                for (id, _) in &doomed {
                    let n: i64 = count.query_row([id], |r| r.get(0))?;
                    uploads += n.unsigned_abs();
                    // Cascades to the commit's uploads and their unresolved-path rows.
                    delete.execute([id])?;
                }
            }
            tx.execute_batch(
                "DELETE FROM file_sets WHERE id NOT IN (SELECT set_id FROM uploads);
                 DELETE FROM blobs WHERE id NOT IN (SELECT blob_id FROM file_set_files);
                 DELETE FROM paths WHERE id NOT IN (SELECT path_id FROM file_set_files)
                     AND id NOT IN (SELECT path_id FROM upload_unresolved);",
            )?;
            if dry_run {
                tx.rollback()?;
            } else {
                tx.commit()?;
            }
            Ok(uploads)
        };
        out.uploads =
            run(&mut self.conn).map_err(|e| fail(self, "forget unreachable commits", e))?;
        if !dry_run {
            self.conn
                .execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
                .map_err(|e| fail(self, "vacuum the database", e))?;
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
    use crate::model::{CiStatus, FileCoverage, LineCoverage, Report, Upload};

    fn upload(lines: &[(u32, u64)], path: &str) -> Upload {
        let mut report = Report::default();
        report.files.insert(
            path.into(),
            FileCoverage::from_entries(
                lines
                    .iter()
                    .map(|&(n, h)| (n, LineCoverage::new(h)))
                    .collect(),
                LineCoverage::merge_max,
            ),
        );
        Upload {
            flag: None,
            format: "lcov".into(),
            ci_status: CiStatus::Passed,
            report,
        }
    }

    fn sha(i: u32) -> CommitId {
        CommitId::new(&format!("{i:040x}")).unwrap()
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

        let dry = store.gc(keep, true).unwrap();
        assert_eq!(dry.commits, [sha(2), sha(3)]);
        assert_eq!(dry.uploads, 2);
        assert!(
            store.commit_info(&sha(3)).unwrap().is_some(),
            "dry run changed nothing"
        );

        let done = store.gc(keep, false).unwrap();
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
            store.gc(|_| true, false).unwrap(),
            GcOutcome {
                bytes_before: store.file_bytes(),
                bytes_after: store.file_bytes(),
                ..GcOutcome::default()
            }
        );
    }
}

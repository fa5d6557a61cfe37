//! Store behaviour on real `SQLite` files: growth, replace, merge, CI status, totals, refusal of
//! foreign or newer databases, corruption, concurrency and atomicity.

use std::path::Path;
use std::time::Instant;

use super::migrate::LATEST;
use super::{Store, StoreError};
use crate::model::{
    Branches, CiStatus, CommitId, FileCoverage, Flag, LineCoverage, LineNo, Report,
};
use crate::testkit::{cov, sha, upload};

/// A small deterministic generator (xorshift64*), so reports are realistic yet reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `files` files of `lines` tracked lines each (with gaps, like executable lines), about a
/// fifth missed, every eighth line with branch counts, every twelfth with LCOV-named branches.
fn realistic(files: usize, lines: u32, seed: u64) -> Report {
    let mut rng = Rng(seed | 1);
    let mut report = Report::default();
    for f in 0..files {
        let mut entries: Vec<(LineNo, LineCoverage)> = Vec::with_capacity(lines as usize);
        let mut n: LineNo = 0;
        for i in 0..lines {
            n += 1 + rng.below(3) as u32;
            let hits = if rng.below(5) == 0 {
                0
            } else {
                1 + rng.below(400)
            };
            let branches = if i % 12 == 0 {
                let names = 2 + rng.below(3);
                Some(Branches::Named(
                    (0..names)
                        .map(|b| (format!("0,{b}"), rng.below(3)))
                        .collect(),
                ))
            } else if i % 8 == 0 {
                let total = 2 * (1 + rng.below(2) as u32);
                Some(Branches::Counts {
                    covered: rng.below(u64::from(total) + 1) as u32,
                    total,
                })
            } else {
                None
            };
            entries.push((n, LineCoverage { hits, branches }));
        }
        report.files.insert(
            format!("src/pkg{}/module_{f:04}.py", f % 17),
            FileCoverage::from_sorted(entries).unwrap(),
        );
    }
    report
}

fn checkpointed_size(store: &Store) -> u64 {
    store
        .conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap();
    std::fs::metadata(store.path()).unwrap().len()
}

#[test]
fn recording_the_same_report_for_many_commits_barely_grows_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("covgit.db")).unwrap();
    let report = realistic(500, 300, 7);
    let up = upload(None, CiStatus::Passed, report);
    store.record(&sha(0), &up).unwrap();
    let first = checkpointed_size(&store);
    for n in 1..20 {
        store.record(&sha(n), &up).unwrap();
    }
    let after = checkpointed_size(&store);
    eprintln!("db size after 1 record: {first} bytes, after 20: {after} bytes");
    assert!(
        (after as f64) < 1.5 * first as f64,
        "{after} bytes after 20 records vs {first} after one"
    );
    assert_eq!(store.commits().unwrap().len(), 20);
    assert_eq!(store.report(&sha(19), None).unwrap().unwrap(), up.report);
}

#[test]
fn recording_the_same_commit_and_flag_replaces_the_upload() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("covgit.db")).unwrap();
    let c = sha(1);
    let a = upload(Some("unit"), CiStatus::Passed, realistic(5, 20, 1));
    let b = upload(Some("unit"), CiStatus::Failed, realistic(3, 10, 2));
    assert!(!store.record(&c, &a).unwrap().replaced);
    assert!(store.record(&c, &b).unwrap().replaced);
    assert_eq!(store.uploads(&c).unwrap(), vec![b.clone()]);
    // The unflagged upload is a key of its own, and replaces only itself.
    let none1 = upload(None, CiStatus::Passed, realistic(2, 5, 3));
    let none2 = upload(None, CiStatus::Passed, realistic(2, 5, 4));
    assert!(!store.record(&c, &none1).unwrap().replaced);
    assert!(store.record(&c, &none2).unwrap().replaced);
    assert_eq!(store.uploads(&c).unwrap(), vec![none2, b]);
    // Coverage only the replaced uploads used is gone.
    let blobs: i64 = store
        .conn
        .query_row(
            "SELECT (SELECT count(*) FROM blobs WHERE id NOT IN (SELECT blob_id FROM file_set_files)) + (SELECT count(*) FROM file_sets WHERE id NOT IN (SELECT set_id FROM uploads))",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(blobs, 0);
}

#[test]
fn uploads_with_different_flags_merge_by_summing_hits() {
    let mut store = Store::open_in_memory().unwrap();
    let c = sha(2);
    let mut unit = Report::default();
    unit.files.insert("a.py".into(), cov(&[(1, 0), (2, 3)]));
    let mut integ = Report::default();
    integ
        .files
        .insert("a.py".into(), cov(&[(1, 2), (2, 4), (9, 0)]));
    integ.files.insert("b.py".into(), cov(&[(1, 1)]));
    store
        .record(&c, &upload(Some("unit"), CiStatus::Passed, unit.clone()))
        .unwrap();
    store
        .record(
            &c,
            &upload(Some("integration"), CiStatus::Passed, integ.clone()),
        )
        .unwrap();
    let merged = store.report(&c, None).unwrap().unwrap();
    assert_eq!(merged, Report::merge([&unit, &integ]));
    assert_eq!(merged.files["a.py"].get(1).unwrap().hits, 2);
    assert_eq!(merged.files["a.py"].get(2).unwrap().hits, 7);
    let only = store
        .report(&c, Some(&Flag::new("unit").unwrap()))
        .unwrap()
        .unwrap();
    assert_eq!(only, unit);
    assert_eq!(
        store.report(&c, Some(&Flag::new("nope").unwrap())).unwrap(),
        None
    );
    assert_eq!(store.report(&sha(99), None).unwrap(), None);
    assert!(store.uploads(&sha(99)).unwrap().is_empty());
    assert!(store.commit_info(&sha(99)).unwrap().is_none());
}

#[test]
fn upload_totals_are_each_uploads_own_report_totals() {
    let mut store = Store::open_in_memory().unwrap();
    let c = sha(6);
    let unit = realistic(12, 40, 21);
    let mut integ = realistic(7, 30, 22);
    // A file with no tracked line is no file of the totals.
    integ.files.insert("empty/__init__.py".into(), cov(&[]));
    store
        .record(&c, &upload(Some("unit"), CiStatus::Passed, unit.clone()))
        .unwrap();
    store
        .record(&c, &upload(None, CiStatus::Failed, integ.clone()))
        .unwrap();
    let got = store.upload_totals(&c).unwrap();
    let flags: Vec<Option<&str>> = got
        .iter()
        .map(|(f, _, _)| f.as_ref().map(Flag::as_str))
        .collect();
    assert_eq!(flags, [None, Some("unit")]);
    assert_eq!(got[0].2, integ.totals());
    assert_eq!(got[1].2, unit.totals());
    assert_eq!(got[0].2.files, 7);
    assert!(got.iter().all(|(_, at, _)| *at > 0));
    assert!(store.upload_totals(&sha(7)).unwrap().is_empty());
}

#[test]
fn ci_status_combines_uploads_and_mark_sets_it_outright() {
    let mut store = Store::open_in_memory().unwrap();
    let c = sha(3);
    let r = realistic(2, 10, 5);
    store
        .record(&c, &upload(Some("a"), CiStatus::Passed, r.clone()))
        .unwrap();
    let status = |s: &Store| s.commit_info(&c).unwrap().unwrap().ci_status;
    assert_eq!(status(&store), CiStatus::Passed);
    store
        .record(&c, &upload(Some("b"), CiStatus::Pending, r.clone()))
        .unwrap();
    assert_eq!(status(&store), CiStatus::Pending);
    store
        .record(&c, &upload(Some("c"), CiStatus::Failed, r.clone()))
        .unwrap();
    assert_eq!(status(&store), CiStatus::Failed);
    assert!(store.mark(&c, CiStatus::Passed).unwrap());
    let info = store.commit_info(&c).unwrap().unwrap();
    assert_eq!(info.ci_status, CiStatus::Passed);
    assert!(info.uploads.iter().all(|u| u.ci_status == CiStatus::Passed));
    let flags: Vec<_> = info
        .uploads
        .iter()
        .map(|u| u.flag.as_ref().unwrap().as_str())
        .collect();
    assert_eq!(flags, ["a", "b", "c"]);
    assert!(!store.mark(&sha(4), CiStatus::Failed).unwrap());
    assert!(store.commit_info(&sha(4)).unwrap().is_none());
}

#[test]
fn stored_totals_equal_the_totals_of_the_merged_report() {
    let mut store = Store::open_in_memory().unwrap();
    let c = sha(5);
    // Overlapping files (same paths, different lines and branches) and disjoint ones.
    let a = realistic(40, 60, 11);
    let mut b = realistic(30, 50, 12);
    b.files.insert("only/in_b.rs".into(), cov(&[(3, 0)]));
    let check = |store: &Store, reports: &[&Report]| {
        let merged = Report::merge(reports.iter().copied());
        let info = store.commit_info(&c).unwrap().unwrap();
        assert_eq!(info.totals, merged.totals());
        let listed = store.commits().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0], info);
        assert_eq!(
            store.report(&c, None).unwrap().unwrap().totals(),
            merged.totals()
        );
    };
    store
        .record(&c, &upload(Some("x"), CiStatus::Passed, a.clone()))
        .unwrap();
    check(&store, &[&a]);
    store
        .record(&c, &upload(Some("y"), CiStatus::Passed, b.clone()))
        .unwrap();
    check(&store, &[&a, &b]);
    assert!(store.commit_info(&c).unwrap().unwrap().totals.branches > 0);
    // Replacing one of them recomputes.
    let a2 = realistic(10, 30, 13);
    store
        .record(&c, &upload(Some("x"), CiStatus::Passed, a2.clone()))
        .unwrap();
    check(&store, &[&a2, &b]);
    // And mark does not disturb them.
    store.mark(&c, CiStatus::Failed).unwrap();
    check(&store, &[&a2, &b]);
    // A third upload with coverage identical to another's (a matrix job) shares its blobs.
    store
        .record(&c, &upload(Some("z"), CiStatus::Passed, b.clone()))
        .unwrap();
    check(&store, &[&a2, &b, &b]);
}

#[test]
fn unresolved_paths_come_back() {
    let mut store = Store::open_in_memory().unwrap();
    let mut r = realistic(3, 5, 21);
    r.files.insert("/ci/build/gen.c".into(), cov(&[(1, 1)]));
    r.unresolved.insert("/ci/build/gen.c".into());
    store
        .record(&sha(6), &upload(None, CiStatus::Passed, r.clone()))
        .unwrap();
    assert_eq!(store.report(&sha(6), None).unwrap().unwrap(), r);
}

#[test]
fn a_too_new_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("covgit.db");
    {
        let mut store = Store::open(&path).unwrap();
        store
            .record(&sha(1), &upload(None, CiStatus::Passed, realistic(2, 5, 1)))
            .unwrap();
        // Leave it in rollback-journal mode, as an older SQLite user might, so switching
        // to WAL on open would change the header.
        store
            .conn
            .execute_batch("PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path)
        .err()
        .expect("a newer schema must be refused");
    match &err {
        StoreError::TooNew {
            path: p,
            found,
            supported,
        } => assert_eq!(
            (p.as_path(), *found, *supported),
            (path.as_path(), 99, LATEST)
        ),
        other => panic!("expected TooNew, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains(&path.display().to_string()) && msg.contains("99"),
        "{msg}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file was modified"
    );
    assert!(!dir.path().join("covgit.db-wal").exists());
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("coverage.xml");
    let text = "<?xml version=\"1.0\"?>\n<coverage line-rate=\"0.5\">\n".repeat(100);
    std::fs::write(&path, &text).unwrap();
    let err = Store::open(&path).err().expect("not a database");
    assert!(matches!(err, StoreError::NotSqlite { .. }), "{err:?}");
    assert!(err.to_string().contains("coverage.xml"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);

    // A SQLite database of something else is not taken over either.
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (x)")
        .unwrap();
    assert!(matches!(
        Store::open(&other),
        Err(StoreError::NotCovgit { .. })
    ));
}

#[test]
fn open_creates_the_file_but_not_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("covgit").join("covgit.db");
    let err = Store::open(&missing).err().expect("folder is missing");
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains("covgit.db"));
    assert!(!missing.parent().unwrap().exists());
    let path = dir.path().join("new.db");
    let store = Store::open(&path).unwrap();
    assert!(path.exists());
    assert!(store.commits().unwrap().is_empty());
    drop(store);
    // Reopening an up-to-date database works and keeps the schema.
    assert!(Store::open(&path).unwrap().commits().unwrap().is_empty());
}

#[test]
fn corrupt_coverage_is_an_error_naming_file_and_commit_not_a_panic() {
    let mut store = Store::open_in_memory().unwrap();
    let c = sha(7);
    let mut r = Report::default();
    r.files.insert("lib/a.rb".into(), cov(&[(1, 1), (2, 0)]));
    store
        .record(&c, &upload(Some("unit"), CiStatus::Passed, r.clone()))
        .unwrap();
    store
        .conn
        .execute("UPDATE blobs SET data = x'0100ff'", [])
        .unwrap();
    for err in [
        store.report(&c, None).unwrap_err(),
        store.uploads(&c).unwrap_err(),
        // A second upload of the same file makes record decode the stored one to merge totals.
        store
            .record(&c, &upload(Some("other"), CiStatus::Passed, r.clone()))
            .unwrap_err(),
    ] {
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains("lib/a.rb") && msg.contains(c.as_str()),
            "{msg}"
        );
    }
    // Listing does not decode, so it still works.
    assert_eq!(store.commits().unwrap().len(), 1);
}

#[test]
fn concurrent_writers_on_one_file_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("covgit.db");
    let threads: Vec<_> = (0..8u32)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || -> Result<(), StoreError> {
                // Every thread opens the still-missing file itself: migrations race too.
                let mut store = Store::open(&path)?;
                for i in 0..4 {
                    let r = realistic(60, 40, u64::from(t * 10 + i));
                    store.record(&sha(t * 10 + i), &upload(None, CiStatus::Passed, r))?;
                    store.record(
                        &sha(1000),
                        &upload(
                            Some(&format!("job{t}")),
                            CiStatus::Passed,
                            realistic(5, 5, 1),
                        ),
                    )?;
                }
                Ok(())
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.commits().unwrap().len(), 8 * 4 + 1);
    for t in 0..8u32 {
        for i in 0..4 {
            let want = realistic(60, 40, u64::from(t * 10 + i));
            assert_eq!(store.report(&sha(t * 10 + i), None).unwrap().unwrap(), want);
        }
    }
    assert_eq!(store.uploads(&sha(1000)).unwrap().len(), 8);
}

#[test]
fn a_failed_record_leaves_the_store_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("covgit.db")).unwrap();
    let c = sha(8);
    store
        .record(&c, &upload(None, CiStatus::Passed, realistic(50, 20, 1)))
        .unwrap();
    store
        .record(
            &sha(9),
            &upload(Some("unit"), CiStatus::Pending, realistic(10, 20, 2)),
        )
        .unwrap();
    let snapshot = |s: &Store| {
        let counts: Vec<i64> = [
            "paths",
            "blobs",
            "commits",
            "uploads",
            "file_sets",
            "file_set_files",
        ]
        .iter()
        .map(|t| {
            s.conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                .unwrap()
        })
        .collect();
        (
            s.commits().unwrap(),
            s.uploads(&c).unwrap(),
            s.uploads(&sha(9)).unwrap(),
            counts,
        )
    };
    let before = snapshot(&store);
    // SQLite itself aborts the statement half-way through the replacement's files (after
    // the old upload was deleted and new paths and blobs were written).
    store
        .conn
        .execute_batch(
            "CREATE TEMP TRIGGER boom BEFORE INSERT ON file_set_files
             WHEN NEW.path_id = (SELECT id FROM paths WHERE path = 'zz/last.py')
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .unwrap();
    let mut bad = realistic(60, 20, 3);
    bad.files.insert("zz/last.py".into(), cov(&[(1, 1)]));
    bad.unresolved.insert("zz/last.py".into());
    let err = store
        .record(&c, &upload(None, CiStatus::Failed, bad.clone()))
        .unwrap_err();
    assert!(err.to_string().contains(c.as_str()), "{err}");
    let err = store
        .record(&sha(10), &upload(Some("unit"), CiStatus::Failed, bad))
        .unwrap_err();
    assert!(matches!(err, StoreError::Sql { .. }), "{err:?}");
    assert_eq!(snapshot(&store), before);
    assert!(store.commit_info(&sha(10)).unwrap().is_none());
    // The store is still usable afterwards.
    store.conn.execute_batch("DROP TRIGGER boom").unwrap();
    store
        .record(
            &sha(10),
            &upload(None, CiStatus::Passed, realistic(2, 2, 4)),
        )
        .unwrap();
}

/// SPEC budget: recording a 5000-file x 400-line upload well under 0.3 s in release.
/// Run with `cargo test --release --lib store::tests::record_speed -- --ignored --nocapture`.
#[test]
#[ignore = "timing; meaningful only in a release build"]
fn record_speed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("covgit.db")).unwrap();
    let r = realistic(5000, 400, 42);
    let up = upload(None, CiStatus::Passed, r);
    let time = |store: &mut Store, n: u32| {
        let start = Instant::now();
        store.record(&sha(n), &up).unwrap();
        start.elapsed()
    };
    let fresh = time(&mut store, 1);
    let same = time(&mut store, 2);
    let replace = time(&mut store, 2);
    let start = Instant::now();
    let mut buf = Vec::new();
    let mut sink = 0_u64;
    for cov in up.report.files.values() {
        buf.clear();
        super::codec::encode(cov, &mut buf);
        sink ^= super::codec::hash(&buf);
    }
    let encode = start.elapsed();
    assert_ne!(sink, 0);
    let start = Instant::now();
    let back = store.report(&sha(2), None).unwrap().unwrap();
    let read = start.elapsed();
    assert_eq!(back, up.report);
    eprintln!(
        "5000 files x 400 lines: record fresh {fresh:?}, same coverage again {same:?}, \
         replace {replace:?}, read back {read:?}; of which encode+hash {encode:?}"
    );
    if !cfg!(debug_assertions) {
        assert!(fresh.as_secs_f64() < 0.3, "record took {fresh:?}");
    }
}

#[test]
fn in_memory_store_is_empty_and_current() {
    let store = Store::open_in_memory().unwrap();
    let v: i64 = store
        .conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, LATEST);
    assert_eq!(store.path(), Path::new(":memory:"));
    assert!(store.commits().unwrap().is_empty());
}

/// Every earlier schema version has a database file under tests/fixtures/db/, written by the
/// covgit of that version; each must open (upgraded in place) and read back what it held.
#[test]
fn databases_of_every_schema_version_open_and_read_back() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/db");
    let mut versions = Vec::new();
    for entry in std::fs::read_dir(fixtures).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let v: i64 = name
            .strip_prefix("schema-")
            .and_then(|s| s.strip_suffix(".db"))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("unexpected fixture {name}"));
        versions.push(v);
    }
    versions.sort_unstable();
    assert_eq!(versions.first(), Some(&1));
    for v in versions {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        std::fs::copy(format!("{fixtures}/schema-{v}.db"), &path).unwrap();
        let store = Store::open(&path).unwrap();
        // Written by `covgit record` twice for one commit: `--flag unit` and unflagged
        // `--ci-status failed`, each of a.py (DA 1,3 2,0 3,1 with BRDA 3: one of two taken)
        // and the unresolved /elsewhere/x.py.
        let c = CommitId::new("c5b8faec0af726253907529a63d1b2dbd905dd9d").unwrap();
        let info = store.commit_info(&c).unwrap().unwrap();
        assert_eq!(info.uploads.len(), 2, "schema {v}");
        assert_eq!(info.ci_status, CiStatus::Failed, "schema {v}");
        let report = store.report(&c, None).unwrap().unwrap();
        let a = &report.files["a.py"];
        assert_eq!(a.get(1).unwrap().hits, 6, "schema {v}");
        assert_eq!(a.get(3).unwrap().state(), crate::model::LineState::Partial);
        assert_eq!(
            report.unresolved.iter().collect::<Vec<_>>(),
            ["/elsewhere/x.py"]
        );
        assert_eq!(info.totals.lines, 4, "schema {v}");
    }
}

#[test]
fn opening_a_current_store_to_read_does_not_wait_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("covgit.db");
    let mut store = Store::open(&path).unwrap();
    store
        .record(&sha(1), &upload(None, CiStatus::Passed, realistic(2, 5, 1)))
        .unwrap();
    // Another process in the middle of a record holds the write lock.
    let writer = rusqlite::Connection::open(&path).unwrap();
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = Instant::now();
    let reader = Store::open(&path).unwrap();
    assert!(reader.commit_info(&sha(1)).unwrap().is_some());
    // The busy timeout is 30 s: opening must not have waited for the lock at all.
    assert!(
        started.elapsed().as_secs() < 5,
        "waited {:?}",
        started.elapsed()
    );
    writer.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn files_with_no_tracked_line_are_not_counted_and_older_stores_are_recounted() {
    // Issue 12.3: SPEC TOTALS.files counts files with at least one tracked line; coverage.py
    // lists an empty `__init__.py` with `<lines/>`.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("covgit.db");
    let c = sha(7);
    {
        let mut store = Store::open(&path).unwrap();
        let mut unit = Report::default();
        unit.files.insert("pkg/__init__.py".into(), cov(&[]));
        unit.files.insert("pkg/a.py".into(), cov(&[(1, 1), (2, 0)]));
        let mut it = unit.clone();
        it.files.insert("pkg/a.py".into(), cov(&[(1, 0), (2, 3)]));
        for (flag, r) in [("unit", unit), ("it", it)] {
            store
                .record(&c, &upload(Some(flag), CiStatus::Passed, r))
                .unwrap();
        }
        let info = store.commit_info(&c).unwrap().unwrap();
        assert_eq!((info.totals.files, info.totals.lines), (1, 2));
        let refs = store.file_refs(&c, None).unwrap().unwrap();
        assert_eq!(refs["pkg/__init__.py"].totals.unwrap().files, 0);
        // One upload (counted from its set by the migration), and none.
        let mut one = Report::default();
        for p in ["pkg/__init__.py", "pkg/empty.py"] {
            one.files.insert(p.into(), cov(&[]));
        }
        for p in ["pkg/a.py", "pkg/b.py", "pkg/c.py"] {
            one.files.insert(p.into(), cov(&[(1, 1)]));
        }
        store
            .record(&sha(8), &upload(None, CiStatus::Passed, one))
            .unwrap();
        store
            .record(&sha(9), &upload(None, CiStatus::Passed, Report::default()))
            .unwrap();
    }
    // A store of schema 2 counted every file listed (and had no tables of later schemas):
    // opening it recounts.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "UPDATE commits SET files = 2; DROP TABLE shared_forgotten; DROP TABLE forgotten;
         ALTER TABLE uploads DROP COLUMN generated; PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.commit_info(&c).unwrap().unwrap().totals.files, 1);
    assert_eq!(store.commit_info(&sha(8)).unwrap().unwrap().totals.files, 3);
    assert_eq!(store.commit_info(&sha(9)).unwrap().unwrap().totals.files, 0);
}

#[test]
fn a_reader_reads_a_schema_2_store_as_it_is_and_writes_nothing() {
    // The previous release wrote schema 2: no `forget` tables, and `files` counted every
    // listed file. Every reading command reads it through a read-only open (a CI cache).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("covgit.db");
    let report = realistic(3, 8, 7);
    let (commits, merged) = {
        let mut store = Store::open(&path).unwrap();
        store
            .record(&sha(1), &upload(None, CiStatus::Passed, report.clone()))
            .unwrap();
        store
            .conn
            .execute_batch(
                "DROP TABLE shared_forgotten; DROP TABLE forgotten;
                 ALTER TABLE uploads DROP COLUMN generated;
                 PRAGMA user_version = 2; PRAGMA journal_mode = DELETE;",
            )
            .unwrap();
        (
            store.commits().unwrap(),
            store.report(&sha(1), None).unwrap(),
        )
    };
    let before = std::fs::read(&path).unwrap();
    let files_before = std::fs::read_dir(dir.path()).unwrap().count();

    let store = Store::open_read_only(&path).unwrap();
    assert!(store.is_outdated().unwrap());
    assert_eq!(store.commits().unwrap(), commits);
    assert_eq!(
        store.commit_info(&sha(1)).unwrap(),
        commits.first().cloned()
    );
    assert_eq!(store.report(&sha(1), None).unwrap(), merged);
    assert_eq!(merged, Some(report));
    assert!(!store.uploads(&sha(1)).unwrap().is_empty());
    drop(store);
    assert_eq!(std::fs::read(&path).unwrap(), before, "the reader wrote");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), files_before);

    // Schema 1 (no shared tables) is still too old to read as it is.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    drop(conn);
    assert!(matches!(
        Store::open_read_only(&path),
        Err(StoreError::Outdated { found: 1, .. })
    ));
}

#[test]
fn the_count_of_generated_files_is_kept_per_upload_and_older_stores_read_zero() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("covgit.db");
    let c = sha(1);
    {
        let mut store = Store::open(&path).unwrap();
        store
            .record_with_generated(
                &c,
                &upload(Some("unit"), CiStatus::Passed, realistic(2, 5, 1)),
                3,
            )
            .unwrap();
        store
            .record(&c, &upload(None, CiStatus::Passed, realistic(2, 5, 2)))
            .unwrap();
        assert_eq!(
            store.generated_counts(&c).unwrap(),
            [(None, 0), (Some(Flag::new("unit").unwrap()), 3)]
        );
        assert!(store.generated_counts(&sha(2)).unwrap().is_empty());
        // Recording the key again replaces the count with the new upload's.
        store
            .record_with_generated(
                &c,
                &upload(Some("unit"), CiStatus::Passed, realistic(2, 5, 1)),
                0,
            )
            .unwrap();
        assert_eq!(store.generated_counts(&c).unwrap()[1].1, 0);
        store
            .record_with_generated(
                &c,
                &upload(Some("unit"), CiStatus::Passed, realistic(2, 5, 1)),
                7,
            )
            .unwrap();
        // A schema 4 store, as the previous release wrote it.
        store
            .conn
            .execute_batch(
                "ALTER TABLE uploads DROP COLUMN generated;
                 PRAGMA user_version = 4; PRAGMA journal_mode = DELETE;",
            )
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let reader = Store::open_read_only(&path).unwrap();
    assert!(reader.generated_counts(&c).unwrap().is_empty());
    assert_eq!(reader.commit_info(&c).unwrap().unwrap().uploads.len(), 2);
    drop(reader);
    assert_eq!(std::fs::read(&path).unwrap(), before, "the reader wrote");
    // Upgraded, its uploads count 0 until recorded again.
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.generated_counts(&c).unwrap(),
        [(None, 0), (Some(Flag::new("unit").unwrap()), 0)]
    );
}

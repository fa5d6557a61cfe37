//! Schema migrations: the SQL files of `migrations/`, embedded in order, applied forward
//! only in one transaction, with the schema version in `PRAGMA user_version`.
//!
//! Version N means the first N migrations are applied. A database newer than [`LATEST`] is
//! refused by [`inspect`] before anything writes to it. Per-connection pragmas (WAL,
//! foreign keys) are set by the caller, outside the migrations.

use std::path::Path;

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use super::StoreError;

/// Every migration, in order: (file name, SQL). Append only; never edit a released one.
pub(super) const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_init.sql",
        include_str!("../../migrations/0001_init.sql"),
    ),
    (
        "0002_share.sql",
        include_str!("../../migrations/0002_share.sql"),
    ),
    (
        "0003_files_count.sql",
        include_str!("../../migrations/0003_files_count.sql"),
    ),
    (
        "0004_forget.sql",
        include_str!("../../migrations/0004_forget.sql"),
    ),
    (
        "0005_generated.sql",
        include_str!("../../migrations/0005_generated.sql"),
    ),
];

/// The schema version this covgit writes.
#[expect(
    clippy::cast_possible_wrap,
    reason = "there are a handful of migrations"
)]
pub(super) const LATEST: i64 = MIGRATIONS.len() as i64;

/// The oldest schema every reading command can read as it is, without upgrading it (a store
/// of the previous release on a read-only CI cache mount). Schema 3 only recounted
/// `commits.files` (so a schema 2 count may include files with no tracked line) and schema 4
/// added the `forget` tables, which only `forget`, `push` and `pull` use, and those write.
/// Schema 5 added `uploads.generated`, read only by `show`, which takes 0 below it.
pub(super) const READABLE: i64 = 2;

/// The schema from which `uploads.generated` exists.
pub(super) const GENERATED_SINCE: i64 = 5;

/// Reads the schema version without writing anything. Refuses a file that is not `SQLite`, a
/// `SQLite` database covgit did not create, and a schema newer than [`LATEST`].
pub(super) fn inspect(conn: &Connection, path: &Path) -> Result<i64, StoreError> {
    let read = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotSqlite {
            path: path.to_owned(),
        },
        _ => StoreError::Sql {
            path: path.to_owned(),
            action: "read the schema version".into(),
            source: e,
        },
    };
    // One statement, so one read snapshot: another process that finishes migrating between
    // two separate reads would otherwise look like a foreign database (version 0, tables).
    let (version, objects): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), \
                    (SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(read)?;
    if version > LATEST {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found: version,
            supported: LATEST,
        });
    }
    if version == 0 && objects > 0 {
        return Err(StoreError::NotCovgit {
            path: path.to_owned(),
        });
    }
    Ok(version)
}

/// Brings the schema to [`LATEST`] in one IMMEDIATE transaction (so two processes opening a
/// new database at once do not both create it: the second waits, then finds it done). A
/// database already at [`LATEST`] is left alone without taking the lock.
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    let sql_err = |action: &str| {
        let action = action.to_owned();
        move |source| StoreError::Sql {
            path: path.to_owned(),
            action,
            source,
        }
    };
    // Already current (every open but the first): no write lock, so a reading command never
    // waits behind a record in another process.
    if inspect(conn, path)? == LATEST {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_err("lock the database to upgrade its schema"))?;
    let from = inspect(&tx, path)?;
    for (version, (_, sql)) in (1_i64..).zip(MIGRATIONS).skip(from as usize) {
        tx.execute_batch(sql)
            .and_then(|()| tx.pragma_update(None, "user_version", version))
            .map_err(|source| StoreError::Migrate {
                path: path.to_owned(),
                version,
                source,
            })?;
    }
    tx.commit().map_err(sql_err("commit the schema upgrade"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_matches_the_migrations_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut on_disk: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .map(|p| {
                let name = p.file_name().unwrap().to_str().unwrap().to_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        on_disk.sort();
        let embedded: Vec<(String, String)> = MIGRATIONS
            .iter()
            .map(|(n, s)| ((*n).to_owned(), (*s).to_owned()))
            .collect();
        assert_eq!(embedded, on_disk, "migrations/ and MIGRATIONS differ");
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate() {
            assert!(
                name.starts_with(&format!("{:04}_", i + 1)),
                "{name} is out of sequence"
            );
            assert!(
                sql.starts_with("--"),
                "{name} must open with a comment on why"
            );
        }
    }

    #[test]
    fn applies_everything_to_a_fresh_database_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        let path = Path::new(":memory:");
        assert_eq!(inspect(&conn, path).unwrap(), 0);
        migrate(&mut conn, path).unwrap();
        assert_eq!(inspect(&conn, path).unwrap(), LATEST);
        // A second run finds nothing to do (and would fail on CREATE TABLE if it re-ran).
        migrate(&mut conn, path).unwrap();
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 11);
    }

    #[test]
    fn a_foreign_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (x)").unwrap();
        let path = Path::new(":memory:");
        assert!(matches!(
            migrate(&mut conn, path),
            Err(StoreError::NotCovgit { .. })
        ));
    }

    #[test]
    fn a_reader_never_upgrades_but_says_the_schema_is_older() {
        use super::super::Store;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0].1).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        drop(conn);
        assert!(matches!(
            Store::open_read_only(&path),
            Err(StoreError::Outdated { found: 1, .. })
        ));
        assert_eq!(
            inspect(&Connection::open(&path).unwrap(), &path).unwrap(),
            1,
            "the read-only open wrote nothing"
        );
        drop(Store::open(&path).unwrap());
        let store = Store::open_read_only(&path).unwrap();
        assert_eq!(inspect(&store.conn, &path).unwrap(), LATEST);
    }
}

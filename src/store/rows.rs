//! Row <-> model conversions: `ToSql`/`FromSql` for the model's newtypes, so a malformed
//! stored value is a conversion error rather than a silently wrong one, and the seven
//! totals columns that `blobs` and `commits` share.

use rusqlite::Row;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::model::{CiStatus, CommitId, Flag, Totals};

impl ToSql for CommitId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for CommitId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        CommitId::new(value.as_str()?).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl ToSql for Flag {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Flag {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Flag::new(value.as_str()?).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl ToSql for CiStatus {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for CiStatus {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// The totals columns in table order, for `SELECT` lists and `UPDATE ... SET`.
pub(super) const TOTALS_COLUMNS: &str = "lines, hit, partial, miss, branches, branches_hit";

/// Reads [`TOTALS_COLUMNS`] starting at column `first` (`files` is left 0).
pub(super) fn totals_at(row: &Row<'_>, first: usize) -> rusqlite::Result<Totals> {
    let get = |i: usize| -> rusqlite::Result<u64> {
        let v: i64 = row.get(first + i)?;
        u64::try_from(v).map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                first + i,
                rusqlite::types::Type::Integer,
                "negative count".into(),
            )
        })
    };
    Ok(Totals {
        files: 0,
        lines: get(0)?,
        hit: get(1)?,
        partial: get(2)?,
        miss: get(3)?,
        branches: get(4)?,
        branches_hit: get(5)?,
    })
}

/// [`TOTALS_COLUMNS`] as SQL integers, in order.
pub(super) fn totals_values(t: &Totals) -> [i64; 6] {
    [
        t.lines,
        t.hit,
        t.partial,
        t.miss,
        t.branches,
        t.branches_hit,
    ]
    .map(u64::cast_signed)
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;

    #[test]
    fn newtypes_round_trip_and_bad_values_are_refused() {
        let conn = Connection::open_in_memory().unwrap();
        let c = CommitId::new(&"a1".repeat(20)).unwrap();
        let back: CommitId = conn.query_row("SELECT ?1", [&c], |r| r.get(0)).unwrap();
        assert_eq!(back, c);
        let s: CiStatus = conn
            .query_row("SELECT ?1", [CiStatus::Pending], |r| r.get(0))
            .unwrap();
        assert_eq!(s, CiStatus::Pending);
        let f = Flag::new("unit").unwrap();
        let back: Flag = conn.query_row("SELECT ?1", [&f], |r| r.get(0)).unwrap();
        assert_eq!(back, f);
        assert!(
            conn.query_row("SELECT 'abc'", [], |r| r.get::<_, CommitId>(0))
                .is_err()
        );
        assert!(
            conn.query_row("SELECT 'ok'", [], |r| r.get::<_, CiStatus>(0))
                .is_err()
        );
        assert!(
            conn.query_row("SELECT 'a b'", [], |r| r.get::<_, Flag>(0))
                .is_err()
        );
        assert!(
            conn.query_row("SELECT 1, 2, 3, -4, 5, 6", [], |r| totals_at(r, 0))
                .is_err()
        );
    }
}

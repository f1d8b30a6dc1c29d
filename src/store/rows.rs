//! Statements over many rows at once. Every statement on SQLite is a round trip to the connection's worker
//! thread (a wake-up on each side), which costs more than the row itself; bulk intake therefore writes a
//! batch's rows with one multi-row `insert … values (…), (…)` or `update … from (values …)` per chunk.
//! Both databases name the columns of a `values` list `column1`, `column2`, ….

use super::{on_backend, Store, StoreError};

/// At most this many bound values per statement. Both databases allow far more (SQLite 32,766, PostgreSQL
/// 65,535), but sqlx looks every `$N` of a SQLite statement up by name, a scan per parameter: a statement's
/// binding cost grows with the square of its parameters. Around 250 the round trips saved and the lookups
/// paid balance (measured with `cargo bench --bench intake`).
const MAX_BINDS: usize = 250;

/// How many rows of `columns` values go in one statement.
pub(crate) fn per_statement(columns: usize) -> usize {
    (MAX_BINDS / columns.max(1)).max(1)
}

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` placeholders.
pub(crate) fn values(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=columns).map(|c| format!("${}", r * columns + c)).collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// The rows of `select` (a statement ending in `… in`) for `ids`, a chunk of ids per statement.
    pub(super) async fn fetch_for_ids<T>(&self, select: &str, ids: &[i64], order: &str) -> Result<Vec<T>, StoreError>
    where
        T: Send
            + Unpin
            + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        let mut out = Vec::new();
        for chunk in ids.chunks(super::IDS_PER_QUERY) {
            let sql = format!("{select} ({}) {order}", super::placeholders(1, chunk.len()));
            let rows: Vec<T> = on_backend!(self, |pool| {
                let mut query = sqlx::query_as(&sql);
                for id in chunk {
                    query = query.bind(id);
                }
                query.fetch_all(pool).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_placeholders_number_on() {
        assert_eq!(values(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values(1, 1), "($1)");
        assert_eq!(values(0, 4), "");
    }

    #[test]
    fn statements_stay_under_the_bind_budget_and_hold_a_row_at_least() {
        assert_eq!(per_statement(18), 13);
        assert!(per_statement(6) * 6 <= MAX_BINDS);
        assert_eq!(per_statement(400), 1, "a row wider than the budget still goes, alone");
        assert_eq!(per_statement(0), MAX_BINDS);
    }
}

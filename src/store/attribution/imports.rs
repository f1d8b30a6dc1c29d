//! The record of imports of customers and assignments: who ran which file, dry run or not, and what it found.

use chrono::{DateTime, Utc};

use crate::store::{on_backend, Store, StoreError};
use crate::domain::attribution::{ImportRunView, RowProblem};

/// An import's outcome, to record.
#[derive(Clone, Debug)]
pub struct NewImportRun<'a> {
    /// customers, assignments or radius.
    pub kind: &'a str,
    pub file_name: &'a str,
    pub dry_run: bool,
    /// The user name, or `cli` for the command line.
    pub imported_by: &'a str,
    pub rows_read: i64,
    pub rows_added: i64,
    pub rows_updated: i64,
    pub rows_unchanged: i64,
    pub row_errors: &'a [RowProblem],
    pub conflicts: &'a [String],
    pub reattributed: i64,
}

#[derive(sqlx::FromRow)]
struct ImportRunRow {
    import_run_id: i64,
    kind: String,
    file_name: String,
    dry_run: bool,
    imported_by: String,
    rows_read: i64,
    rows_added: i64,
    rows_updated: i64,
    rows_unchanged: i64,
    row_errors: String,
    conflicts: String,
    reattributed: i64,
    created_at: DateTime<Utc>,
}

impl TryFrom<ImportRunRow> for ImportRunView {
    type Error = StoreError;
    fn try_from(r: ImportRunRow) -> Result<Self, StoreError> {
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(format!("import run {}: {e}", r.import_run_id));
        Ok(ImportRunView {
            import_run_id: r.import_run_id,
            row_errors: serde_json::from_str(&r.row_errors).map_err(corrupt)?,
            conflicts: serde_json::from_str(&r.conflicts).map_err(corrupt)?,
            kind: r.kind,
            file_name: r.file_name,
            dry_run: r.dry_run,
            imported_by: r.imported_by,
            rows_read: r.rows_read,
            rows_added: r.rows_added,
            rows_updated: r.rows_updated,
            rows_unchanged: r.rows_unchanged,
            reattributed: r.reattributed,
            created_at: r.created_at,
        })
    }
}

const COLUMNS: &str = "import_run_id, kind, file_name, dry_run, imported_by, rows_read, rows_added, rows_updated, \
    rows_unchanged, row_errors, conflicts, reattributed, created_at";

impl Store {
    /// Records an import (or dry run) and returns its id.
    pub async fn record_import_run(&self, run: &NewImportRun<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
        const SQL: &str = "insert into import_run (kind, file_name, dry_run, imported_by, rows_read, rows_added, \
            rows_updated, rows_unchanged, row_errors, conflicts, reattributed, created_at, updated_at) \
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) returning import_run_id";
        let errors = serde_json::to_string(run.row_errors).unwrap_or_else(|_| "[]".to_owned());
        let conflicts = serde_json::to_string(run.conflicts).unwrap_or_else(|_| "[]".to_owned());
        let id = on_backend!(self, |pool| sqlx::query_scalar(SQL)
            .bind(run.kind)
            .bind(run.file_name)
            .bind(run.dry_run)
            .bind(run.imported_by)
            .bind(run.rows_read)
            .bind(run.rows_added)
            .bind(run.rows_updated)
            .bind(run.rows_unchanged)
            .bind(&errors)
            .bind(&conflicts)
            .bind(run.reattributed)
            .bind(now)
            .fetch_one(pool)
            .await?);
        Ok(id)
    }

    /// One recorded import.
    pub async fn get_import_run(&self, id: i64) -> Result<ImportRunView, StoreError> {
        let sql = format!("select {COLUMNS} from import_run where import_run_id = $1");
        let row: ImportRunRow = on_backend!(self, |pool| sqlx::query_as(&sql).bind(id).fetch_one(pool).await?);
        row.try_into()
    }

    /// The newest recorded imports.
    pub async fn list_import_runs(&self, limit: i64) -> Result<Vec<ImportRunView>, StoreError> {
        let sql = format!("select {COLUMNS} from import_run order by import_run_id desc limit $1");
        let rows: Vec<ImportRunRow> = on_backend!(self, |pool| sqlx::query_as(&sql).bind(limit).fetch_all(pool).await?);
        rows.into_iter().map(ImportRunView::try_from).collect()
    }
}

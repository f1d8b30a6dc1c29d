//! The only place with SQL. One `Store` over SQLite (the default) or PostgreSQL, chosen by the URL.
//!
//! Each query is one SQL text run on whichever backend is connected; `$1` placeholders and
//! `on conflict … returning` work on both. Rows decode into private `…Row` structs and leave this module as
//! domain types. Every function here has a test that runs on both backends (tests/store).

mod attribution;
mod audit;
mod case_filter;
mod case_queue;
mod case_work;
mod cases;
mod claims;
mod dashboard;
mod decisions;
mod disputes;
mod imap_mailboxes;
mod ingest_tokens;
mod intake_days;
mod investigations;
mod message_shapes;
mod messages;
mod notifications;
mod queue_order;
mod recount;
mod reports;
mod rows;
mod settings;
mod signin_failures;
mod trends;
pub(crate) mod tx;
mod users;
mod volumes;
mod webhooks;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub use attribution::assignments::{containing_prefixes, NewHolding};
pub use attribution::reports::{AttributionRecord, ReportToAttribute, UnattributedRow};
pub use case_queue::{CaseRecord, CaseReportRecord, RateScope, RecentCounts};
pub use cases::{CaseFacts, CaseHandle, CaseKey, Placement};
pub use attribution::customers::UpsertCounts;
pub use dashboard::{AccountFlags, Backlog};
pub use decisions::{ChecklistRow, DecisionRecord, NewDecision, NoteRecord};
pub use disputes::{AttachmentRecord, DisputeMessageRecord, DisputeRecord, NewAttachment};
pub use imap_mailboxes::{ImapCursor, ImapMailbox};
pub use attribution::imports::NewImportRun;
pub use ingest_tokens::IngestTokenView;
pub use investigations::InvestigationRecord;
pub use message_shapes::{MessageFilter, ShapeGroup, SHAPE_NOT_COMPUTED};
pub use messages::{Channel, IntakeCounts, MessageSummary, NewArrival, ParseStatus, ParseStatusName, StoredArrival};
pub use notifications::{NewNotification, NotificationRecord};
pub use queue_order::cursor_of;
pub use reports::{ParseOutcome, ReporterReport, StoredReport};
pub use tx::Tx;
pub use users::{NewUser, UserAccount};
pub use webhooks::WebhookRecord;

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflicts with an existing record ({constraint})")]
    Conflict { constraint: String },
    #[error("database error: {0}")]
    Db(#[source] sqlx::Error),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("could not apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict {
                // PostgreSQL names the constraint; SQLite only says which columns ("app_user.username").
                constraint: db.constraint().map(str::to_owned).unwrap_or_else(|| db.message().to_owned()),
            },
            other => StoreError::Db(other),
        }
    }
}

/// The connected database.
#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

/// How each backend opens a transaction that writes. SQLite's default (deferred) transaction takes the
/// write lock only at its first write, and when another connection wrote after the transaction's first
/// read that upgrade fails at once (SQLITE_BUSY_SNAPSHOT), which no busy timeout waits out. `BEGIN
/// IMMEDIATE` takes the write lock first, so concurrent writers queue on the busy timeout instead.
pub(crate) trait WriteBegin {
    const BEGIN: &'static str;
}

impl WriteBegin for SqlitePool {
    const BEGIN: &'static str = "BEGIN IMMEDIATE";
}

impl WriteBegin for PgPool {
    const BEGIN: &'static str = "BEGIN";
}

/// The statement that opens a writing transaction on `pool`'s backend: `pool.begin_with(begin_write(pool))`.
pub(crate) fn begin_write<P: WriteBegin>(_pool: &P) -> &'static str {
    P::BEGIN
}

/// At most this many ids or keys in one `in (…)` list, well under both databases' bind limits.
pub(crate) const IDS_PER_QUERY: usize = 500;

/// `$first, $first+1, …` for `count` values of an `in (…)` list.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Makes `%`, `_` and `\` in a search term literal for `like … escape '\'` (the same on both databases).
pub(crate) fn like_escape(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `NotFound` when an update or delete by key touched no row.
pub(crate) fn found(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Runs the same body on whichever pool is connected; `$pool` is bound to the concrete pool.
macro_rules! on_backend {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            $crate::store::Backend::Sqlite($pool) => $body,
            $crate::store::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_backend;

impl Store {
    /// Connects by URL: `postgres://…` or `postgresql://…` for PostgreSQL, anything else is a SQLite path or
    /// `sqlite://` URL. A SQLite database (and its directory) is created when missing, in WAL mode with
    /// foreign keys on.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // JIT compilation pays off for long analytic queries, not for the desk's many short ones: on
            // a table without fresh statistics it turned each case recount into a one-second compile.
            let options = PgConnectOptions::from_str(url)?.options([("jit", "off")]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            return Ok(Store::from_postgres(pool));
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Every commit reaches the disk before it returns: `ingest` answers 0 and the MTA deletes its
            // copy, so a commit that a power cut could still undo (WAL with NORMAL) would lose the message.
            // The close-time checkpoint that would flush it does not run while `serve` holds the database.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // 32 MiB of page cache per connection instead of SQLite's 2 MiB: bulk import writes into the
            // report and message indexes all over, and every page that falls out of the cache is read again.
            .pragma("cache_size", "-32768");
        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Db(sqlx::Error::Io(e)))?;
            }
        }
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        Ok(Store::from_sqlite(pool))
    }

    /// Wraps an open SQLite pool.
    pub fn from_sqlite(pool: SqlitePool) -> Store {
        Store { backend: Backend::Sqlite(pool) }
    }

    /// Wraps an open PostgreSQL pool.
    pub fn from_postgres(pool: PgPool) -> Store {
        Store { backend: Backend::Postgres(pool) }
    }

    /// The pool, for components that bring their own tables (the session store).
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// "SQLite" or "PostgreSQL", for the status page and logs.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }

    /// Applies the migrations this build carries that the database lacks.
    #[tracing::instrument(skip_all, fields(backend = self.backend_name()))]
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => {
                sqlx::migrate!("migrations/sqlite").run(pool).await?;
                // SQLite keeps no statistics unless asked; without them the planner guesses, and the
                // triage queue's counts read far more rows than they need. 0x10002: analyse every table
                // whose statistics are missing or stale, sampling (analysis_limit) so it stays quick.
                let mut conn = pool.acquire().await?;
                sqlx::query("pragma analysis_limit = 1000").execute(&mut *conn).await?;
                sqlx::query("pragma optimize = 0x10002").execute(&mut *conn).await?;
            }
            Backend::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// The version of the newest applied migration, or 0 on an empty database.
    pub async fn schema_version(&self) -> Result<i64, StoreError> {
        const SQL: &str = "select coalesce(max(version), 0) from _sqlx_migrations where success = true";
        let version: i64 = on_backend!(self, |pool| sqlx::query_scalar(SQL).fetch_one(pool).await?);
        Ok(version)
    }

    /// A trivial round trip, for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        const SQL: &str = "select 1";
        let _: i32 = on_backend!(self, |pool| sqlx::query_scalar(SQL).fetch_one(pool).await?);
        Ok(())
    }

    /// Closes every connection; used before a process exits and by restart tests.
    pub async fn close(&self) {
        on_backend!(self, |pool| pool.close().await)
    }
}

/// The current instant at the precision both databases keep (microseconds), so values round-trip exactly.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

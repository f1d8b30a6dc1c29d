//! Inbound messages: the raw bytes as received (once per distinct content), each arrival of them, and the
//! outcome of parsing. Parsing never changes `raw_bytes`; a message row is never deleted.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{on_backend, Store, StoreError};

/// The way a message reached the desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Piped in by the mail server (`abusedesk ingest`).
    Mta,
    /// Posted to `POST /api/v1/messages`.
    Api,
    /// Bulk import of files, mbox or Maildir (`abusedesk import`).
    Import,
    /// Uploaded by staff in the web interface.
    Upload,
}

impl Channel {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Mta => "mta",
            Channel::Api => "api",
            Channel::Import => "import",
            Channel::Upload => "upload",
        }
    }
}

/// Where parsing of a message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParseStatus {
    /// Stored, not parsed yet (or parsing was interrupted): `abusedesk reparse` picks it up.
    Pending,
    /// A parser recognised it (it may still have yielded no report, e.g. a notice with no IP).
    Parsed,
    /// No parser recognised it; it waits for a person or a better parser.
    Unrecognised,
    /// The input could not be read as a message at all.
    Failed,
}

impl ParseStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ParseStatus::Pending => "pending",
            ParseStatus::Parsed => "parsed",
            ParseStatus::Unrecognised => "unrecognised",
            ParseStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "pending" => ParseStatus::Pending,
            "parsed" => ParseStatus::Parsed,
            "unrecognised" => ParseStatus::Unrecognised,
            "failed" => ParseStatus::Failed,
            other => return Err(StoreError::Corrupt(format!("unknown parse status {other:?}"))),
        })
    }
}

/// One arrival to record: what came, how, for which of our mailboxes, and when.
#[derive(Clone, Debug)]
pub struct NewArrival<'a> {
    pub raw: &'a [u8],
    /// Hex SHA-256 of `raw`.
    pub sha256: &'a str,
    pub channel: Channel,
    /// The envelope recipient (abuse@, postmaster@, …) when known.
    pub recipient: Option<&'a str>,
    pub received_at: DateTime<Utc>,
}

/// The result of recording an arrival.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredArrival {
    pub inbound_message_id: i64,
    /// The same bytes had arrived before: this arrival is a copy and was not stored again.
    pub copy: bool,
}

/// A stored message without its bytes, for lists.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct MessageSummary {
    pub inbound_message_id: i64,
    pub sha256: String,
    pub size_bytes: i64,
    pub first_received_at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub parse_status: ParseStatusName,
    pub parse_format: Option<String>,
    pub parse_detail: Option<String>,
    pub report_count: i64,
    /// How many times these bytes arrived (1 = no copies).
    pub arrivals: i64,
    /// The envelope recipients the arrivals named, comma-separated.
    pub recipients: Option<String>,
}

/// A parse status as read from the database (checked on decode).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ParseStatusName(pub ParseStatus);

impl TryFrom<String> for ParseStatusName {
    type Error = StoreError;
    fn try_from(s: String) -> Result<Self, StoreError> {
        ParseStatus::parse(&s).map(ParseStatusName)
    }
}

/// How many messages stand in each parse status, and how many arrivals there were in all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IntakeCounts {
    pub messages: i64,
    pub arrivals: i64,
    pub pending: i64,
    pub parsed: i64,
    pub unrecognised: i64,
    pub failed: i64,
    pub reports: i64,
}

const SUMMARY_COLUMNS: &str = "m.inbound_message_id, m.sha256, m.size_bytes, m.first_received_at, m.parse_status, \
     m.parse_format, m.parse_detail, m.report_count, \
     (select count(*) from message_arrival a where a.inbound_message_id = m.inbound_message_id) as arrivals, \
     (select string_agg(d.recipient, ', ') from (select distinct a.recipient from message_arrival a \
      where a.inbound_message_id = m.inbound_message_id) d) as recipients";

impl Store {
    /// Records one arrival in a single transaction: the bytes are stored unless the same bytes are already
    /// there (then the arrival counts as a copy), and the arrival itself is always recorded. When this
    /// returns `Ok`, the message is durable.
    #[tracing::instrument(skip_all, fields(sha256 = %arrival.sha256, channel = arrival.channel.as_str()))]
    pub async fn record_arrival(&self, arrival: &NewArrival<'_>) -> Result<StoredArrival, StoreError> {
        const INSERT: &str = "insert into inbound_message (sha256, size_bytes, raw_bytes, first_received_at, \
                              created_at, updated_at) values ($1, $2, $3, $4, $4, $4) \
                              on conflict (sha256) do nothing returning inbound_message_id";
        const EXISTING: &str = "select inbound_message_id from inbound_message where sha256 = $1";
        const ARRIVAL: &str = "insert into message_arrival (inbound_message_id, channel, recipient, received_at, \
                               created_at, updated_at) values ($1, $2, $3, $4, $4, $4)";
        let size = i64::try_from(arrival.raw.len()).unwrap_or(i64::MAX);
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(super::begin_write(pool)).await?;
            let inserted: Option<i64> = sqlx::query_scalar(INSERT)
                .bind(arrival.sha256)
                .bind(size)
                .bind(arrival.raw)
                .bind(arrival.received_at)
                .fetch_optional(&mut *tx)
                .await?;
            let (id, copy) = match inserted {
                Some(id) => (id, false),
                None => (sqlx::query_scalar(EXISTING).bind(arrival.sha256).fetch_one(&mut *tx).await?, true),
            };
            sqlx::query(ARRIVAL)
                .bind(id)
                .bind(arrival.channel.as_str())
                .bind(arrival.recipient)
                .bind(arrival.received_at)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(StoredArrival { inbound_message_id: id, copy })
        })
    }

    /// The raw bytes of a message, exactly as received.
    pub async fn find_message_raw(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        const SQL: &str = "select raw_bytes from inbound_message where inbound_message_id = $1";
        let raw: Option<Vec<u8>> = on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(id).fetch_optional(pool).await?);
        Ok(raw)
    }

    /// One message's summary.
    pub async fn find_message(&self, id: i64) -> Result<Option<MessageSummary>, StoreError> {
        let sql = format!("select {SUMMARY_COLUMNS} from inbound_message m where m.inbound_message_id = $1");
        let row = on_backend!(self, |pool| sqlx::query_as(&sql).bind(id).fetch_optional(pool).await?);
        Ok(row)
    }

    /// The newest messages first, optionally only those in one parse status.
    pub async fn list_messages(
        &self,
        status: Option<ParseStatus>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<MessageSummary>, StoreError> {
        let sql = format!(
            "select {SUMMARY_COLUMNS} from inbound_message m where ($1 is null or m.parse_status = $1) \
             order by m.inbound_message_id desc limit $2 offset $3"
        );
        let status = status.map(ParseStatus::as_str);
        let rows = on_backend!(self, |pool| sqlx::query_as(&sql)
            .bind(status)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?);
        Ok(rows)
    }

    /// Ids of messages, oldest first, after `after_id`: all of them, or only those still pending.
    pub async fn list_message_ids(&self, after_id: i64, pending_only: bool, limit: i64) -> Result<Vec<i64>, StoreError> {
        const SQL: &str = "select inbound_message_id from inbound_message where inbound_message_id > $1 \
                           and ($2 = false or parse_status = 'pending') order by inbound_message_id limit $3";
        let ids = on_backend!(self, |pool| sqlx::query_scalar(SQL)
            .bind(after_id)
            .bind(pending_only)
            .bind(limit)
            .fetch_all(pool)
            .await?);
        Ok(ids)
    }

    /// Counts for the intake overview.
    pub async fn count_intake(&self) -> Result<IntakeCounts, StoreError> {
        const SQL: &str = "select \
            (select count(*) from inbound_message), \
            (select count(*) from message_arrival), \
            (select count(*) from inbound_message where parse_status = 'pending'), \
            (select count(*) from inbound_message where parse_status = 'parsed'), \
            (select count(*) from inbound_message where parse_status = 'unrecognised'), \
            (select count(*) from inbound_message where parse_status = 'failed'), \
            (select count(*) from report)";
        let row: (i64, i64, i64, i64, i64, i64, i64) = on_backend!(self, |pool| sqlx::query_as(SQL).fetch_one(pool).await?);
        Ok(IntakeCounts {
            messages: row.0,
            arrivals: row.1,
            pending: row.2,
            parsed: row.3,
            unrecognised: row.4,
            failed: row.5,
            reports: row.6,
        })
    }
}

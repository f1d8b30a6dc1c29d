//! Inbound messages: the raw bytes as received (once per distinct content), each arrival of them, and the
//! outcome of parsing. Parsing never changes `raw_bytes`; a message row is never deleted.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::imap_mailboxes::ImapCursor;
use super::message_shapes::{MessageFilter, FILTER_WHERE, SHAPE_NOT_COMPUTED};
use super::{on_backend, rows, Store, StoreError};

/// The way a message reached the desk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Delivered by the mail server: piped to `abusedesk ingest`, or over LMTP to `serve`.
    Mta,
    /// Posted to `POST /api/v1/messages`.
    Api,
    /// Bulk import of files, mbox or Maildir (`abusedesk import`).
    Import,
    /// Uploaded by staff in the web interface.
    Upload,
    /// Fetched from an IMAP mailbox by `abusedesk collect` or `serve --imap`.
    Imap,
}

impl Channel {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Mta => "mta",
            Channel::Api => "api",
            Channel::Import => "import",
            Channel::Upload => "upload",
            Channel::Imap => "imap",
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
     m.arrival_count as arrivals, \
     (select string_agg(d.recipient, ', ') from (select distinct a.recipient from message_arrival a \
      where a.inbound_message_id = m.inbound_message_id) d) as recipients";

impl Store {
    /// Records one arrival in a single transaction: the bytes are stored unless the same bytes are already
    /// there (then the arrival counts as a copy), and the arrival itself is always recorded. When this
    /// returns `Ok`, the message is durable.
    #[tracing::instrument(skip_all, fields(sha256 = %arrival.sha256, channel = arrival.channel.as_str()))]
    pub async fn record_arrival(&self, arrival: &NewArrival<'_>) -> Result<StoredArrival, StoreError> {
        let stored = self.record_arrivals(std::slice::from_ref(arrival)).await?;
        stored.into_iter().next().ok_or(StoreError::NotFound)
    }

    /// Records several arrivals in one transaction, in order, as [`Store::record_arrival`] does each: when
    /// this returns `Ok`, every one of them is durable; on an error none is. The same bytes twice in one
    /// call are stored once, the later arrival a copy.
    pub async fn record_arrivals(&self, arrivals: &[NewArrival<'_>]) -> Result<Vec<StoredArrival>, StoreError> {
        self.record_arrivals_then(arrivals, None).await
    }

    /// [`Store::record_arrivals`], and in the same transaction moves an IMAP mailbox's cursor past the UIDs
    /// these arrivals came from (see [`ImapCursor`]): either both are durable or neither.
    #[tracing::instrument(skip_all, fields(arrivals = arrivals.len()))]
    pub async fn record_arrivals_then(
        &self,
        arrivals: &[NewArrival<'_>],
        cursor: Option<&ImapCursor<'_>>,
    ) -> Result<Vec<StoredArrival>, StoreError> {
        if arrivals.is_empty() && cursor.is_none() {
            return Ok(Vec::new());
        }
        // Each distinct content once per statement (PostgreSQL refuses to upsert one row twice in a
        // statement), with how many of this call's arrivals carry it.
        let mut first: HashMap<&str, usize> = HashMap::new();
        let mut times: HashMap<&str, i64> = HashMap::new();
        for (i, a) in arrivals.iter().enumerate() {
            first.entry(a.sha256).or_insert(i);
            *times.entry(a.sha256).or_default() += 1;
        }
        let mut distinct: Vec<usize> = first.values().copied().collect();
        distinct.sort_unstable();
        // The stored total afterwards equals this call's count exactly when the content is new.
        let message = |rows: usize| {
            format!(
                "insert into inbound_message (sha256, size_bytes, first_received_at, created_at, updated_at, \
                 arrival_count) values {} on conflict (sha256) do update \
                 set arrival_count = inbound_message.arrival_count + excluded.arrival_count \
                 returning sha256, inbound_message_id, arrival_count",
                rows::values(rows, 6)
            )
        };
        let body = |rows: usize| {
            format!(
                "insert into message_body (inbound_message_id, created_at, updated_at, raw_bytes) values {}",
                rows::values(rows, 4)
            )
        };
        let arrival = |rows: usize| {
            format!(
                "insert into message_arrival (inbound_message_id, channel, recipient, received_at, created_at, \
                 updated_at) values {}",
                rows::values(rows, 6)
            )
        };
        on_backend!(self, |pool| {
            let mut tx = pool.begin_with(super::begin_write(pool)).await?;
            let mut ids: HashMap<String, (i64, bool)> = HashMap::new();
            for chunk in distinct.chunks(rows::per_statement(6)) {
                let sql = message(chunk.len());
                let mut q = sqlx::query_as::<_, (String, i64, i64)>(&sql);
                for &i in chunk {
                    let a = &arrivals[i];
                    let size = i64::try_from(a.raw.len()).unwrap_or(i64::MAX);
                    let n = times.get(a.sha256).copied().unwrap_or(1);
                    q = q.bind(a.sha256).bind(size).bind(a.received_at).bind(a.received_at).bind(a.received_at).bind(n);
                }
                for (sha, id, total) in q.fetch_all(&mut *tx).await? {
                    let new = times.get(sha.as_str()) == Some(&total);
                    ids.insert(sha, (id, new));
                }
            }
            let stored: Vec<StoredArrival> = arrivals
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let (id, new) = ids.get(a.sha256).copied().ok_or(StoreError::NotFound)?;
                    Ok(StoredArrival { inbound_message_id: id, copy: !(new && first.get(a.sha256) == Some(&i)) })
                })
                .collect::<Result<_, StoreError>>()?;
            let fresh: Vec<(usize, i64)> =
                stored.iter().enumerate().filter(|(_, s)| !s.copy).map(|(i, s)| (i, s.inbound_message_id)).collect();
            // Bodies are large: a few per statement keep each statement's size modest.
            for chunk in fresh.chunks(50) {
                let sql = body(chunk.len());
                let mut q = sqlx::query(&sql);
                for &(i, id) in chunk {
                    let a = &arrivals[i];
                    q = q.bind(id).bind(a.received_at).bind(a.received_at).bind(a.raw);
                }
                q.execute(&mut *tx).await?;
            }
            // Reports already parsed from a message that arrived again carry its new arrival count.
            let again: Vec<i64> = ids.values().filter(|(_, new)| !new).map(|&(id, _)| id).collect();
            for chunk in again.chunks(super::IDS_PER_QUERY) {
                let sql = super::reports::refresh_sql(chunk.len());
                let mut q = sqlx::query(&sql);
                for id in chunk {
                    q = q.bind(id);
                }
                q.execute(&mut *tx).await?;
                // Their cases' received counts are now behind: listed for a recount in this same unit.
                let sql = super::recount::mark_messages_sql(chunk.len());
                let mut q = sqlx::query(&sql).bind(arrivals[0].received_at);
                for id in chunk {
                    q = q.bind(id);
                }
                q.execute(&mut *tx).await?;
            }
            let all: Vec<(&NewArrival, i64)> =
                arrivals.iter().zip(&stored).map(|(a, s)| (a, s.inbound_message_id)).collect();
            for chunk in all.chunks(rows::per_statement(6)) {
                let sql = arrival(chunk.len());
                let mut q = sqlx::query(&sql);
                for &(a, id) in chunk {
                    q = q
                        .bind(id)
                        .bind(a.channel.as_str())
                        .bind(a.recipient)
                        .bind(a.received_at)
                        .bind(a.received_at)
                        .bind(a.received_at);
                }
                q.execute(&mut *tx).await?;
            }
            if let Some(c) = cursor {
                let done = sqlx::query(super::imap_mailboxes::ADVANCE_SQL)
                    .bind(c.last_uid)
                    .bind(arrivals.first().map_or_else(super::now, |a| a.received_at))
                    .bind(c.mailbox)
                    .bind(c.token)
                    .bind(c.uid_validity)
                    .bind(Some(c.unmarked_uids).filter(|u| !u.is_empty()))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                // The claim was lost (or UIDVALIDITY changed under us): store nothing, another node fetches.
                super::found(done)?;
            }
            tx.commit().await?;
            Ok(stored)
        })
    }

    /// The raw bytes of a message, exactly as received.
    pub async fn find_message_raw(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        const SQL: &str = "select raw_bytes from message_body where inbound_message_id = $1";
        let raw: Option<Vec<u8>> =
            on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(id).fetch_optional(pool).await?);
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
        self.list_messages_received(status, None, limit, offset).await
    }

    /// [`Store::list_messages`], only messages first received in `[from, to)` when `received` is given
    /// (the front page's parse outcomes of the day link here).
    pub async fn list_messages_received(
        &self,
        status: Option<ParseStatus>,
        received: Option<(DateTime<Utc>, DateTime<Utc>)>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<MessageSummary>, StoreError> {
        let within =
            if received.is_some() { " and m.first_received_at >= $4 and m.first_received_at < $5" } else { "" };
        let sql = format!(
            "select {SUMMARY_COLUMNS} from inbound_message m where ($1 is null or m.parse_status = $1){within} \
             order by m.inbound_message_id desc limit $2 offset $3"
        );
        let status = status.map(ParseStatus::as_str);
        let rows = on_backend!(self, |pool| {
            let query = sqlx::query_as(&sql).bind(status).bind(limit).bind(offset);
            match received {
                Some((from, to)) => query.bind(from).bind(to).fetch_all(pool).await?,
                None => query.fetch_all(pool).await?,
            }
        });
        Ok(rows)
    }

    /// The newest messages first among those `filter` selects.
    pub async fn filter_messages(
        &self,
        filter: &MessageFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<MessageSummary>, StoreError> {
        let sql = format!(
            "select {SUMMARY_COLUMNS} from inbound_message m where {FILTER_WHERE} \
             order by m.inbound_message_id desc limit $5 offset $6"
        );
        let status = filter.status.map(ParseStatus::as_str);
        let (domain, shape) = filter.shape.as_ref().map(|(d, s)| (d.as_str(), s.as_str())).unzip();
        let rows = on_backend!(self, |pool| sqlx::query_as(&sql)
            .bind(status)
            .bind(domain)
            .bind(shape)
            .bind(SHAPE_NOT_COMPUTED)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?);
        Ok(rows)
    }

    /// Ids of messages, oldest first, after `after_id`: all of them, or only those still pending.
    pub async fn list_message_ids(
        &self,
        after_id: i64,
        pending_only: bool,
        limit: i64,
    ) -> Result<Vec<i64>, StoreError> {
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
        let row: (i64, i64, i64, i64, i64, i64, i64) =
            on_backend!(self, |pool| sqlx::query_as(SQL).fetch_one(pool).await?);
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

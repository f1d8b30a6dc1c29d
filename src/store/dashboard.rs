//! The front page's figures that are not case counts (those come from [`Store::count_cases`], the queue's own
//! conditions). Each query reads an index or a kept counter: a parse status, the newest arrival of a channel,
//! a status of the outboxes, the oldest open case, the account flags.

use chrono::{DateTime, Utc};

use super::{on_backend, Store, StoreError};

/// Account flags the admin watches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AccountFlags {
    pub disabled: i64,
    /// Accounts that must choose a new password at their next sign-in (a one-time password was set).
    pub one_time_password: i64,
}

/// A backlog: how many wait, and since when the oldest has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Backlog {
    pub waiting: i64,
    pub failed: i64,
    pub oldest_failure: Option<DateTime<Utc>>,
}

impl Store {
    /// Messages in one parse status (`pending`, `parsed`, `unrecognised`, `failed`), from the status index.
    pub async fn count_messages_in(&self, status: &str) -> Result<i64, StoreError> {
        const SQL: &str = "select count(*) from inbound_message where parse_status = $1";
        Ok(on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(status).fetch_one(pool).await?))
    }

    /// Messages in one parse status first received in `[from, to)`, from the status index's range: the
    /// front page's parse outcomes of the day.
    pub async fn count_messages_received(
        &self,
        status: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        const SQL: &str = "select count(*) from inbound_message where parse_status = $1 \
            and first_received_at >= $2 and first_received_at < $3";
        Ok(on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(status).bind(from).bind(to).fetch_one(pool).await?))
    }

    /// Messages still waiting to be parsed that first arrived before `before`, lowest id first (from the
    /// parse-status index): what an interrupted process stored and never parsed.
    pub async fn pending_messages_before(&self, before: DateTime<Utc>, limit: i64) -> Result<Vec<i64>, StoreError> {
        const SQL: &str = "select inbound_message_id from inbound_message where parse_status = 'pending' \
            and first_received_at < $1 order by inbound_message_id limit $2";
        Ok(on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(before).bind(limit).fetch_all(pool).await?))
    }

    /// The newest arrival through `channel` (`mta`, `api`, `import`, `upload`), from the channel index.
    pub async fn last_arrival(&self, channel: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        const SQL: &str = "select max(received_at) from message_arrival where channel = $1";
        Ok(on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(channel).fetch_one(pool).await?))
    }

    /// The first report of the oldest open case, and that case: what the queue sorted by first seen,
    /// oldest first, shows at the top.
    pub async fn oldest_open_case(&self) -> Result<Option<(i64, DateTime<Utc>)>, StoreError> {
        const SQL: &str = "select abuse_case_id, first_seen from abuse_case where status <> 'closed' \
            and stored_reports > 0 and first_seen is not null order by first_seen, abuse_case_id limit 1";
        Ok(on_backend!(self, |pool| sqlx::query_as(SQL).fetch_optional(pool).await?))
    }

    /// Decisions in force made since `since` (not pending or refused proposals): `(kind, case, made at, the
    /// case's first report)`, for the manager's month; decisions are made by people, so they are few.
    pub async fn decisions_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, i64, DateTime<Utc>, Option<DateTime<Utc>>)>, StoreError> {
        const SQL: &str = "select d.kind, d.abuse_case_id, d.created_at, c.first_seen from decision d \
            join abuse_case c on c.abuse_case_id = d.abuse_case_id where d.created_at >= $1 \
            and (not (d.needs_approval = $2) or exists (select 1 from decision_review v \
            where v.decision_id = d.decision_id and v.approved = $2)) order by d.decision_id";
        Ok(on_backend!(self, |pool| sqlx::query_as(SQL).bind(since).bind(true).fetch_all(pool).await?))
    }

    /// Disabled accounts and accounts holding a one-time password.
    pub async fn account_flags(&self) -> Result<AccountFlags, StoreError> {
        const SQL: &str = "select \
            (select count(*) from app_user where disabled_at is not null), \
            (select count(*) from app_user where must_change_password = $1 and disabled_at is null)";
        let (disabled, one_time_password): (i64, i64) =
            on_backend!(self, |pool| sqlx::query_as(SQL).bind(true).fetch_one(pool).await?);
        Ok(AccountFlags { disabled, one_time_password })
    }

    /// The notification outbox: waiting, failed, and when the newest failure was recorded.
    pub async fn notification_backlog(&self) -> Result<Backlog, StoreError> {
        const SQL: &str = "select \
            (select count(*) from notification where status = 'outbox'), \
            (select count(*) from notification where status = 'failed'), \
            (select min(updated_at) from notification where status = 'failed')";
        let (waiting, failed, oldest_failure) = on_backend!(self, |pool| sqlx::query_as(SQL).fetch_one(pool).await?);
        Ok(Backlog { waiting, failed, oldest_failure })
    }

    /// Webhook deliveries to provisioning systems: pending, failed, and the oldest failed one.
    pub async fn webhook_backlog(&self) -> Result<Backlog, StoreError> {
        const SQL: &str = "select \
            (select count(*) from webhook_delivery where status = 'pending'), \
            (select count(*) from webhook_delivery where status = 'failed'), \
            (select min(updated_at) from webhook_delivery where status = 'failed')";
        let (waiting, failed, oldest_failure) = on_backend!(self, |pool| sqlx::query_as(SQL).fetch_one(pool).await?);
        Ok(Backlog { waiting, failed, oldest_failure })
    }
}

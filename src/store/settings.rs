//! Desk-wide settings kept in the database (for instance the generated session-signing key).

use chrono::{DateTime, Utc};

use super::{on_backend, Store, StoreError};

impl Store {
    /// The value stored under `key`, if any.
    pub async fn find_setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        const SQL: &str = "select setting_value from app_setting where setting_key = $1";
        let value: Option<String> =
            on_backend!(self, |pool| sqlx::query_scalar(SQL).bind(key).fetch_optional(pool).await?);
        Ok(value)
    }

    /// Stores `value` under `key` unless a value is already there, and returns the value that is stored.
    /// Two processes starting at once therefore agree on one value.
    pub async fn init_setting(&self, key: &str, value: &str, now: DateTime<Utc>) -> Result<String, StoreError> {
        const INSERT: &str = "insert into app_setting (setting_key, setting_value, created_at, updated_at) \
                              values ($1, $2, $3, $3) on conflict (setting_key) do nothing";
        on_backend!(self, |pool| sqlx::query(INSERT).bind(key).bind(value).bind(now).execute(pool).await?.rows_affected());
        self.find_setting(key).await?.ok_or(StoreError::NotFound)
    }

    /// Stores `value` under `key`, replacing any earlier value.
    pub async fn put_setting(&self, key: &str, value: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
        const SQL: &str = "insert into app_setting (setting_key, setting_value, created_at, updated_at) \
                           values ($1, $2, $3, $3) \
                           on conflict (setting_key) do update set setting_value = $2, updated_at = $3";
        on_backend!(self, |pool| sqlx::query(SQL).bind(key).bind(value).bind(now).execute(pool).await?.rows_affected());
        Ok(())
    }
}

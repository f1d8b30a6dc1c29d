//! The unknown queue, grouped: messages no rule understood, counted by (sender domain, Subject shape) so
//! the desk sees which reporter to write a profile for next. The shape is stored with every parse outcome
//! (see `ParseOutcome::shape`), so grouping is one indexed query, never a read of raw messages.
//!
//! Messages parsed before shapes were kept have none: they are counted as one group whose domain is
//! [`SHAPE_NOT_COMPUTED`] (and whose link lists exactly them) until `abusedesk reparse` fills them in.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{on_backend, Store, StoreError};

/// The domain a group of messages without a stored shape is shown under. It cannot be a real domain
/// (spaces and brackets), so filtering by it selects exactly those messages.
pub const SHAPE_NOT_COMPUTED: &str = "(shape not yet computed)";

/// One (sender domain, Subject shape) of not-recognised messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ShapeGroup {
    pub sender_domain: String,
    pub subject_shape: String,
    /// How many distinct messages (copies not counted again) have this shape.
    pub messages: i64,
    pub oldest: DateTime<Utc>,
    pub newest: DateTime<Utc>,
    /// The newest message of the group, to open as an example.
    pub example_id: i64,
}

/// Which messages a list shows: a parse status, and within it one shape.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageFilter {
    pub status: Option<super::ParseStatus>,
    /// (sender domain, Subject shape) as a [`ShapeGroup`] names them; [`SHAPE_NOT_COMPUTED`] selects the
    /// messages without a stored shape.
    pub shape: Option<(String, String)>,
}

/// The `where` clause of [`MessageFilter`] over `inbound_message m`: `$1` status, `$2` domain, `$3` shape,
/// `$4` [`SHAPE_NOT_COMPUTED`]. The `coalesce`s are the ones [`Store::group_unrecognised`] shows, so a
/// group's count and its filtered list agree by construction.
pub(super) const FILTER_WHERE: &str = "($1 is null or m.parse_status = $1) \
     and ($2 is null or (coalesce(m.sender_domain, $4) = $2 and coalesce(m.subject_shape, '') = $3))";

impl Store {
    /// The largest `limit` groups of not-recognised messages by (sender domain, Subject shape), with how
    /// many messages each holds and when the oldest and newest arrived; ties go to the most recent.
    #[tracing::instrument(skip_all)]
    pub async fn group_unrecognised(&self, limit: i64) -> Result<Vec<ShapeGroup>, StoreError> {
        const SQL: &str = "select coalesce(m.sender_domain, $1) as sender_domain, \
             coalesce(m.subject_shape, '') as subject_shape, count(*) as messages, \
             min(m.first_received_at) as oldest, max(m.first_received_at) as newest, \
             max(m.inbound_message_id) as example_id \
             from inbound_message m where m.parse_status = 'unrecognised' \
             group by m.sender_domain, m.subject_shape \
             order by messages desc, newest desc, sender_domain, subject_shape limit $2";
        let groups = on_backend!(self, |pool| sqlx::query_as(SQL)
            .bind(SHAPE_NOT_COMPUTED)
            .bind(limit)
            .fetch_all(pool)
            .await?);
        Ok(groups)
    }
}

//! Receiving: every channel (MTA pipe, HTTP API, bulk import, upload) ends here.
//!
//! The order is the invariant: a message is first stored verbatim and durably (with its arrival), and only
//! then parsed. Whatever happens while parsing (an unreadable message, a parser panic, a database failure
//! while storing reports), the raw message is already kept; it stays `pending` and `abusedesk reparse` picks
//! it up. Parsing never alters the raw bytes.

pub mod attribute;
pub mod cases;
pub mod holdings;
pub mod sources;

use sha2::{Digest, Sha256};

use crate::ingest::{parse_message, Format, ParsedMessage};
use crate::store::{self, Channel, NewArrival, ParseOutcome, ParseStatus, Store, StoreError};

/// The default largest message accepted: 25 MiB, like common MTA defaults for abuse mailboxes.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;

/// The setting that holds the key complainant identities are hashed with.
const COMPLAINANT_KEY_SETTING: &str = "complainant_hash_key";

/// Why a message was refused before it was stored. A refused message was never accepted: the sender (an
/// MTA, an API client, the importer) is told, and nothing is kept.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// Nothing but white space arrived.
    #[error("the message is empty")]
    Empty,
    /// Over the configured size limit.
    #[error("the message is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    /// The database could not store it: the sender should try again later.
    #[error("the message could not be stored: {0}")]
    Store(#[from] StoreError),
}

/// What happened to one received message.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Receipt {
    pub inbound_message_id: i64,
    /// The same bytes had arrived before; this arrival was recorded as a copy.
    pub copy: bool,
    pub status: ParseStatus,
    pub format: Option<String>,
    pub reports: usize,
    /// A parse error, the parser's warnings, or why parsing has to wait.
    pub detail: Option<String>,
}

/// Stores one message and parses it. `Ok` means the message is durable, whether or not it could be parsed.
///
/// # Errors
/// [`IntakeError::Empty`] and [`IntakeError::TooLarge`] refuse the message; [`IntakeError::Store`] means it
/// could not be stored and must be retried by the sender.
pub async fn receive(
    store: &Store,
    raw: &[u8],
    channel: Channel,
    recipient: Option<&str>,
    max_bytes: usize,
) -> Result<Receipt, IntakeError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(IntakeError::Empty);
    }
    if raw.len() > max_bytes {
        return Err(IntakeError::TooLarge { size: raw.len(), limit: max_bytes });
    }
    let sha256 = hex::encode(Sha256::digest(raw));
    let recipient = recipient.map(str::trim).filter(|r| !r.is_empty());
    let arrival = NewArrival { raw, sha256: &sha256, channel, recipient, received_at: store::now() };
    let stored = store.record_arrival(&arrival).await?;
    let id = stored.inbound_message_id;

    if stored.copy {
        if let Some(summary) = store.find_message(id).await? {
            if summary.parse_status.0 != ParseStatus::Pending {
                // Another arrival of the same bytes: the cases count it as a received copy.
                if let Err(e) = cases::recount_message(store, id).await {
                    tracing::error!(message.id = id, error = %e, "copy stored, but its cases could not be recounted");
                }
                return Ok(Receipt {
                    inbound_message_id: id,
                    copy: true,
                    status: summary.parse_status.0,
                    format: summary.parse_format,
                    reports: usize::try_from(summary.report_count).unwrap_or(0),
                    detail: summary.parse_detail,
                });
            }
        }
    }
    let receipt = match parse_and_store(store, id, raw.to_vec()).await {
        Ok(outcome) => outcome.into_receipt(id, stored.copy),
        Err(e) => {
            // Stored but not parsed: the message is safe and stays pending for `reparse`.
            tracing::error!(message.id = id, error = %e, "message stored, but its reports could not be stored");
            Receipt {
                inbound_message_id: id,
                copy: stored.copy,
                status: ParseStatus::Pending,
                format: None,
                reports: 0,
                detail: Some("stored; parsing will be retried by `abusedesk reparse`".to_owned()),
            }
        }
    };
    Ok(receipt)
}

/// The part of a parse outcome a receipt reports.
pub struct ParseSummary {
    pub status: ParseStatus,
    pub format: Option<String>,
    pub reports: usize,
    pub detail: Option<String>,
}

impl ParseSummary {
    fn into_receipt(self, inbound_message_id: i64, copy: bool) -> Receipt {
        Receipt {
            inbound_message_id,
            copy,
            status: self.status,
            format: self.format,
            reports: self.reports,
            detail: self.detail,
        }
    }
}

/// Parses a stored message again (after a parser improvement) and replaces its reports.
///
/// # Errors
/// `StoreError::NotFound` when there is no such message; database errors otherwise.
pub async fn reparse(store: &Store, id: i64) -> Result<ParseSummary, StoreError> {
    let raw = store.find_message_raw(id).await?.ok_or(StoreError::NotFound)?;
    parse_and_store(store, id, raw).await
}

async fn parse_and_store(store: &Store, id: i64, raw: Vec<u8>) -> Result<ParseSummary, StoreError> {
    // Parsing a large MIME message is CPU work: keep it off the async workers. A panic in a parser is
    // caught by the blocking task and recorded as a failed parse, never passed on.
    let parsed = tokio::task::spawn_blocking(move || parse_message(&raw))
        .await
        .unwrap_or(Err(crate::ingest::ParseError::Unreadable));
    let key = complainant_key(store).await?;
    let (status, format, detail, reports) = match parsed {
        Ok(ParsedMessage { format: Format::Unknown, warnings, .. }) => {
            (ParseStatus::Unrecognised, None, join(&warnings), Vec::new())
        }
        Ok(ParsedMessage { format, reports, warnings }) => {
            let hashed = reports
                .into_iter()
                .map(|r| {
                    let hash = r.complainant.as_deref().and_then(|c| complainant_hash(&key, c));
                    (r, hash)
                })
                .collect::<Vec<_>>();
            (ParseStatus::Parsed, Some(format_name(format)), join(&warnings), hashed)
        }
        Err(e) => (ParseStatus::Failed, None, Some(e.to_string()), Vec::new()),
    };
    let outcome = ParseOutcome { status, format: format.as_deref(), detail: detail.clone(), reports };
    store.store_parse_outcome(id, &outcome, store::now()).await?;
    settle_message(store, id).await;
    let reports = outcome.reports.len();
    Ok(ParseSummary { status, format, reports, detail })
}

/// Attributes the reports of a message and puts them into cases. The reports are stored already; if this
/// fails they wait, unattributed or outside any case, for `abusedesk reattribute` / `abusedesk recount`,
/// and the parse itself still counts.
pub async fn settle_message(store: &Store, id: i64) {
    if let Err(e) = attribute::attribute_message(store, id).await {
        tracing::error!(message.id = id, error = %e, "reports stored, but they could not be attributed");
    }
    if let Err(e) = cases::place_message(store, id).await {
        tracing::error!(message.id = id, error = %e, "reports stored, but they could not be put into cases");
    }
}

fn join(warnings: &[String]) -> Option<String> {
    (!warnings.is_empty()).then(|| warnings.join("; "))
}

/// The snake_case name of a format, as the API and database spell it.
pub fn format_name(format: Format) -> String {
    serde_json::to_value(format).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The desk's secret key for complainant hashes, created on first use.
async fn complainant_key(store: &Store) -> Result<String, StoreError> {
    if let Some(key) = store.find_setting(COMPLAINANT_KEY_SETTING).await? {
        return Ok(key);
    }
    let fresh = hex::encode(rand::random::<[u8; 32]>());
    store.init_setting(COMPLAINANT_KEY_SETTING, &fresh, store::now()).await
}

/// A keyed hash of a complainant identity, so the same complainant can be recognised without the address
/// being readable (a plain SHA-256 of an e-mail address can be reversed by guessing addresses). Case and
/// surrounding space do not matter.
pub fn complainant_hash(key: &str, complainant: &str) -> Option<String> {
    let normalized = complainant.trim().trim_matches(['<', '>']).to_lowercase();
    if normalized.is_empty() {
        return None;
    }
    let mut hasher = Sha256::new();
    hasher.update(key.as_bytes());
    hasher.update([0]);
    hasher.update(normalized.as_bytes());
    Some(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complainant_hashes_ignore_case_and_brackets_but_depend_on_the_key() {
        let a = complainant_hash("k1", "<Victim@Example.org>");
        assert_eq!(a, complainant_hash("k1", " victim@example.org "));
        assert_ne!(a, complainant_hash("k2", "victim@example.org"));
        assert_ne!(a, complainant_hash("k1", "other@example.org"));
        assert_eq!(complainant_hash("k1", " <> "), None);
    }

    #[test]
    fn formats_are_named_as_stored() {
        assert_eq!(format_name(Format::SpamCop), "spamcop");
        assert_eq!(format_name(Format::BlocklistLog), "blocklist_log");
    }
}

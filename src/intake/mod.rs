//! Receiving: every channel (MTA pipe, HTTP API, bulk import, upload) ends here.
//!
//! The order is the invariant: a message is first stored verbatim and durably (with its arrival), and only
//! then are its reports stored. (Parsing itself may run on another core while the bytes are being written;
//! nothing it finds is kept unless they were.) Whatever happens while parsing (an unreadable message, a
//! parser panic, a database failure while storing reports), the raw message is already kept; it stays
//! `pending` and `abusedesk reparse` picks it up. Parsing never alters the raw bytes.

pub mod bulk;
pub mod heal;
pub mod imap;
pub mod lmtp;
pub mod parsing;
pub mod sources;

use std::collections::{BTreeSet, HashMap};

use sha2::{Digest, Sha256};

use crate::attribution::attribute;
use crate::cases::placement::{self, Recount};
use crate::store::{self, Channel, ImapCursor, NewArrival, ParseStatus, Store, StoreError, StoredArrival};

pub use parsing::{complainant_hash, format_name, Parsed};

/// The default largest message accepted: 25 MiB, like common MTA defaults for abuse mailboxes.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;

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

/// How many messages bulk import stores and parses together: large enough that the per-transaction and
/// per-placement costs vanish per message, small enough that a batch's copies in memory stay modest.
pub const BATCH_MESSAGES: usize = 500;

/// One message to receive, and the mailbox of ours it was addressed to when known.
#[derive(Clone, Copy, Debug)]
pub struct Incoming<'a> {
    pub raw: &'a [u8],
    pub recipient: Option<&'a str>,
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
    let one = [Incoming { raw, recipient }];
    let mut receipts = receive_batch(store, &one, channel, max_bytes, Recount::Now).await?;
    receipts.pop().unwrap_or(Err(IntakeError::Store(StoreError::NotFound)))
}

/// Stores several messages (all in one transaction) and then parses, attributes and places them
/// together: the bulk path of `abusedesk import`, and the single path of every other channel as a batch
/// of one. One answer per message, in order: `Ok` once the message is durable, whether or not it could be
/// parsed; a refusal for an empty or oversized message. `recount` says when the touched cases' counters
/// are recomputed.
///
/// # Errors
/// A database error while storing the arrivals: then none of the messages was stored, and all must be
/// retried. Whatever fails after that leaves the stored messages pending for `abusedesk reparse`.
pub async fn receive_batch(
    store: &Store,
    messages: &[Incoming<'_>],
    channel: Channel,
    max_bytes: usize,
    recount: Recount,
) -> Result<Vec<Result<Receipt, IntakeError>>, StoreError> {
    // Parsing starts on the other cores while the bytes are being stored; what it finds is stored only
    // after the bytes are durable, and a message that turns out to be a copy of a parsed one drops it.
    let raws: Vec<Vec<u8>> =
        messages.iter().filter(|m| refusal(m.raw, max_bytes).is_none()).map(|m| m.raw.to_vec()).collect();
    let parsing = tokio::spawn(parsing::parse_all(raws));
    let arrivals = match store_arrivals(store, messages, channel, max_bytes).await {
        Ok(arrivals) => arrivals,
        Err(e) => {
            parsing.abort();
            return Err(e);
        }
    };
    let stored: Vec<StoredArrival> = arrivals.iter().filter_map(|a| a.as_ref().ok().copied()).collect();
    let parsed_all = parsing.await.unwrap_or_else(|_| vec![Parsed::unreadable(); stored.len()]);
    let summaries = settle_arrivals(store, &stored, parsed_all, recount).await?;
    Ok(arrivals
        .into_iter()
        .map(|arrival| {
            let arrival = arrival?;
            let id = arrival.inbound_message_id;
            let summary = summaries.get(&id).cloned().unwrap_or_else(|| ParseSummary {
                status: ParseStatus::Pending,
                format: None,
                reports: 0,
                detail: Some("stored; parsing will be retried by `abusedesk reparse`".to_owned()),
            });
            Ok(summary.into_receipt(id, arrival.copy))
        })
        .collect())
}

/// The first half of receiving: stores the bytes and arrivals of `messages` in one transaction. One answer
/// per message, in order: where it is stored (durable when this returns), or why it was refused.
///
/// # Errors
/// A database error: none of the messages was stored.
pub async fn store_arrivals(
    store: &Store,
    messages: &[Incoming<'_>],
    channel: Channel,
    max_bytes: usize,
) -> Result<Vec<Result<StoredArrival, IntakeError>>, StoreError> {
    store_arrivals_then(store, messages, channel, max_bytes, None).await
}

/// [`store_arrivals`], moving an IMAP mailbox's cursor in the same transaction (see
/// [`Store::record_arrivals_then`]): the messages and the note that they are stored commit together.
///
/// # Errors
/// A database error, or the cursor could not be moved (the claim was lost): none of the messages was stored.
pub async fn store_arrivals_then(
    store: &Store,
    messages: &[Incoming<'_>],
    channel: Channel,
    max_bytes: usize,
    cursor: Option<&ImapCursor<'_>>,
) -> Result<Vec<Result<StoredArrival, IntakeError>>, StoreError> {
    let received_at = store::now();
    let hashes: Vec<Result<String, IntakeError>> = messages.iter().map(|m| check(m.raw, max_bytes)).collect();
    let arrivals: Vec<NewArrival> = messages
        .iter()
        .zip(&hashes)
        .filter_map(|(m, hash)| {
            let sha256 = hash.as_deref().ok()?;
            let recipient = m.recipient.map(str::trim).filter(|r| !r.is_empty());
            Some(NewArrival { raw: m.raw, sha256, channel, recipient, received_at })
        })
        .collect();
    let mut stored = store.record_arrivals_then(&arrivals, cursor).await?.into_iter();
    Ok(hashes
        .into_iter()
        .map(|hash| {
            hash?;
            stored.next().ok_or(IntakeError::Store(StoreError::NotFound))
        })
        .collect())
}

/// The second half of receiving: given the stored arrivals and what parsing found in each (same order),
/// stores the reports of each new message once, and of a copy only if its first arrival was never parsed
/// (it stayed pending); a copy of a parsed message only adds to its cases' received count. Returns what
/// each message now holds; a message missing from the answer stays pending for `abusedesk reparse`.
///
/// # Errors
/// Database errors while reading what a copy's message holds.
pub async fn settle_arrivals(
    store: &Store,
    stored: &[StoredArrival],
    parsed_all: Vec<Parsed>,
    recount: Recount,
) -> Result<HashMap<i64, ParseSummary>, StoreError> {
    let mut summaries: HashMap<i64, ParseSummary> = HashMap::new();
    let mut to_parse: Vec<(i64, Parsed)> = Vec::new();
    let mut copies_of_parsed = BTreeSet::new();
    let mut queued = BTreeSet::new();
    let mut results = parsed_all.into_iter();
    for arrival in stored {
        let parsed = results.next().unwrap_or_else(Parsed::unreadable);
        let id = arrival.inbound_message_id;
        if queued.contains(&id) || summaries.contains_key(&id) {
            continue;
        }
        if arrival.copy {
            if let Some(s) = store.find_message(id).await? {
                if s.parse_status.0 != ParseStatus::Pending {
                    copies_of_parsed.insert(id);
                    let reports = usize::try_from(s.report_count).unwrap_or(0);
                    let summary =
                        ParseSummary { status: s.parse_status.0, format: s.parse_format, reports, detail: s.parse_detail };
                    summaries.insert(id, summary);
                    continue;
                }
            }
        }
        queued.insert(id);
        to_parse.push((id, parsed));
    }
    match store_parsed(store, to_parse, recount).await {
        Ok(parsed) => summaries.extend(parsed),
        // Stored but not parsed: the messages are safe and stay pending for `reparse`.
        Err(e) => {
            tracing::error!(messages = queued.len(), error = %e, "messages stored, but their reports could not be stored");
        }
    }
    if !copies_of_parsed.is_empty() {
        let ids: Vec<i64> = copies_of_parsed.into_iter().collect();
        if let Err(e) = placement::recount_messages(store, &ids, recount).await {
            tracing::error!(messages = ids.len(), error = %e, "copies stored, but their cases could not be recounted");
        }
    }
    Ok(summaries)
}

/// Why a message is refused before anything else is done with it: empty, or over the size limit.
fn refusal(raw: &[u8], max_bytes: usize) -> Option<IntakeError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Some(IntakeError::Empty);
    }
    (raw.len() > max_bytes).then_some(IntakeError::TooLarge { size: raw.len(), limit: max_bytes })
}

/// The message's SHA-256 (hex), or why it is refused.
fn check(raw: &[u8], max_bytes: usize) -> Result<String, IntakeError> {
    match refusal(raw, max_bytes) {
        Some(refused) => Err(refused),
        None => Ok(hex::encode(Sha256::digest(raw))),
    }
}

/// The part of a parse outcome a receipt reports.
#[derive(Clone, Debug)]
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

/// Parses stored messages again (after a parser improvement) and replaces their reports, in one batch.
///
/// # Errors
/// `StoreError::NotFound` when one of them does not exist; database errors otherwise.
pub async fn reparse(store: &Store, ids: &[i64]) -> Result<HashMap<i64, ParseSummary>, StoreError> {
    let mut raws = Vec::with_capacity(ids.len());
    for &id in ids {
        raws.push(store.find_message_raw(id).await?.ok_or(StoreError::NotFound)?);
    }
    let parsed = parsing::parse_all(raws).await;
    store_parsed(store, ids.iter().copied().zip(parsed).collect(), Recount::Now).await
}

/// Stores every parse outcome in one transaction, then attributes and places the reports.
async fn store_parsed(
    store: &Store,
    messages: Vec<(i64, Parsed)>,
    recount: Recount,
) -> Result<HashMap<i64, ParseSummary>, StoreError> {
    if messages.is_empty() {
        return Ok(HashMap::new());
    }
    let (ids, parsed): (Vec<i64>, Vec<Parsed>) = messages.into_iter().unzip();
    let key = parsing::complainant_key(store).await?;
    let outcomes: Vec<_> = parsed.into_iter().map(|p| parsing::outcome(p, &key)).collect();
    let pairs: Vec<_> = ids.iter().copied().zip(&outcomes).collect();
    store.store_parse_outcomes(&pairs, store::now()).await?;
    settle_messages(store, &ids, recount).await;
    Ok(ids
        .into_iter()
        .zip(outcomes)
        .map(|(id, o)| {
            (id, ParseSummary { status: o.status, format: o.format, reports: o.reports.len(), detail: o.detail })
        })
        .collect())
}

/// Attributes the reports of some messages and puts them into cases. The reports are stored already; if
/// this fails they wait, unattributed or outside any case, for `abusedesk reattribute` / `abusedesk
/// recount`, and the parse itself still counts.
pub async fn settle_messages(store: &Store, ids: &[i64], recount: Recount) {
    if let Err(e) = attribute::attribute_messages(store, ids).await {
        tracing::error!(messages = ids.len(), error = %e, "reports stored, but they could not be attributed");
    }
    if let Err(e) = placement::place_messages(store, ids, recount).await {
        tracing::error!(messages = ids.len(), error = %e, "reports stored, but they could not be put into cases");
    }
}

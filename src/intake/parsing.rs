//! Parsing stored messages into outcomes ready to store: on every core at once, with complainants hashed.
//!
//! Parsing is CPU work and the store is I/O, so a batch's messages are parsed on blocking threads, one
//! share per core, while nothing waits on the async workers. A parser panic is caught per message and
//! recorded as an unreadable message, never passed on and never costing the rest of the batch.

use sha2::{Digest, Sha256};

use crate::parse::{message_shape, parse_message, Format, MessageShape, ParseError, ParsedMessage};
use crate::store::{ParseOutcome, ParseStatus, Store, StoreError};

/// The setting that holds the key complainant identities are hashed with.
const COMPLAINANT_KEY_SETTING: &str = "complainant_hash_key";

/// What parsing made of one message, and the message's shape (read while its bytes are at hand, so the
/// store never has to read them again to group not-recognised mail).
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub message: Result<ParsedMessage, ParseError>,
    pub shape: MessageShape,
}

impl Parsed {
    /// A message nothing could be read from.
    pub fn unreadable() -> Self {
        Parsed { message: Err(ParseError::Unreadable), shape: MessageShape::unreadable() }
    }
}

/// Parses every message, in order, spreading them over the machine's cores.
pub async fn parse_all(raws: Vec<Vec<u8>>) -> Vec<Parsed> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let share = raws.len().div_ceil(cores).max(1);
    let mut tasks = Vec::new();
    let mut rest = raws;
    while !rest.is_empty() {
        let tail = rest.split_off(share.min(rest.len()));
        let chunk = std::mem::replace(&mut rest, tail);
        let len = chunk.len();
        let task = tokio::task::spawn_blocking(move || chunk.iter().map(|raw| parse_caught(raw)).collect::<Vec<_>>());
        tasks.push((task, len));
    }
    let mut out = Vec::new();
    for (task, len) in tasks {
        match task.await {
            Ok(parsed) => out.extend(parsed),
            // The thread itself failed (it cannot panic: each parse is caught): count its share unreadable.
            Err(_) => out.extend(std::iter::repeat_n(Parsed::unreadable(), len)),
        }
    }
    out
}

fn parse_caught(raw: &[u8]) -> Parsed {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Parsed {
        message: parse_message(raw),
        shape: message_shape(raw),
    }))
    .unwrap_or_else(|_| Parsed::unreadable())
}

/// What a parse result is stored as, complainants hashed with `key`.
pub fn outcome(parsed: Parsed, key: &str) -> ParseOutcome {
    let (status, format, detail, reports) = match parsed.message {
        Ok(ParsedMessage { format: Format::Unknown, warnings, .. }) => {
            (ParseStatus::Unrecognised, None, join(&warnings), Vec::new())
        }
        Ok(ParsedMessage { format, reports, warnings }) => {
            let hashed = reports
                .into_iter()
                .map(|r| {
                    let hash = r.complainant.as_deref().and_then(|c| complainant_hash(key, c));
                    (r, hash)
                })
                .collect::<Vec<_>>();
            (ParseStatus::Parsed, Some(format_name(format)), join(&warnings), hashed)
        }
        Err(e) => (ParseStatus::Failed, None, Some(e.to_string()), Vec::new()),
    };
    ParseOutcome { status, format, detail, reports, shape: Some(parsed.shape) }
}

fn join(warnings: &[String]) -> Option<String> {
    (!warnings.is_empty()).then(|| warnings.join("; "))
}

/// The snake_case name of a format, as the API and database spell it.
pub fn format_name(format: Format) -> String {
    serde_json::to_value(format).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The desk's secret key for complainant hashes, created on first use.
///
/// # Errors
/// Database errors.
pub async fn complainant_key(store: &Store) -> Result<String, StoreError> {
    if let Some(key) = store.find_setting(COMPLAINANT_KEY_SETTING).await? {
        return Ok(key);
    }
    let fresh = hex::encode(rand::random::<[u8; 32]>());
    store.init_setting(COMPLAINANT_KEY_SETTING, &fresh, crate::store::now()).await
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

    #[tokio::test]
    async fn parsing_many_keeps_their_order_and_reads_garbage_as_failed() {
        let spamcop = include_bytes!("../../tests/fixtures/mail-abuse/spamcop_2.eml").to_vec();
        let raws = vec![b"   ".to_vec(), spamcop.clone(), b"\xff\xfe\x00".to_vec(), spamcop];
        let parsed = parse_all(raws).await;
        assert_eq!(parsed.len(), 4);
        assert_eq!(parsed[0].message, Err(ParseError::Empty));
        assert_eq!(parsed[1].message.as_ref().map(|p| p.format), Ok(Format::SpamCop));
        let garbage = &parsed[2].message;
        assert!(garbage.is_err() || garbage.as_ref().is_ok_and(|p| p.format == Format::Unknown));
        assert_eq!(parsed[3].message.as_ref().map(|p| p.format), Ok(Format::SpamCop));
        assert_eq!(parsed[3].shape, parsed[1].shape);
    }
}

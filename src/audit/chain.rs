//! A hash-chained, append-only log: each entry's hash covers its own fields and the hash of the entry
//! before it, so changing, deleting or reordering any entry breaks every hash from that point on.
//!
//! Invariants: sequence numbers start at 1 and have no gaps; the first entry's `prev_hash` is
//! [`GENESIS`]; `hash` is [`entry_hash`] of the entry's fields. Instants are hashed at microsecond
//! precision because that is what the database keeps; [`next`] truncates `at` so that an entry read back
//! from storage hashes exactly as it did when written.

use std::fmt;

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry: 64 zeros, the width of a hex SHA-256.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Names the encoding, so that a later change of the hashed fields cannot collide with this one.
const DOMAIN: &[u8] = b"abusedesk-audit-v1";

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the log, from 1.
    pub seq: i64,
    /// When it happened, at microsecond precision.
    pub at: DateTime<Utc>,
    /// Who did it (a username, or the name of a background job).
    pub actor: String,
    /// What was done, as a stable code (`decision.approved`).
    pub action: String,
    /// What it was done to (`case:42`).
    pub subject: String,
    /// Anything else worth keeping, free text.
    pub detail: String,
    /// The previous entry's `hash`, or [`GENESIS`].
    pub prev_hash: String,
    /// [`entry_hash`] of the fields above, lower-case hex.
    pub hash: String,
}

/// The hex SHA-256 of an entry's fields and the previous hash.
///
/// Every field is written as its byte length (8 bytes, big-endian) followed by its bytes, so no choice of
/// field contents can make two different entries encode alike (`"ab" + "c"` is not `"a" + "bc"`). `at` is
/// written as RFC 3339 UTC with exactly six fractional digits; finer digits are dropped.
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let seq = seq.to_string();
    let at = at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let mut hasher = Sha256::new();
    let fields = [DOMAIN, prev_hash.as_bytes(), seq.as_bytes(), at.as_bytes()];
    for field in fields.into_iter().chain([actor, action, subject, detail].map(str::as_bytes)) {
        // usize always fits in u64 on the targets we build for.
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field);
    }
    hex::encode(hasher.finalize())
}

/// The entry that follows `prev` (`None` for the first entry of the log), with `at` truncated to
/// microseconds and its sequence number and hashes filled in.
pub fn next(
    prev: Option<&AuditEntry>,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> AuditEntry {
    let (seq, prev_hash) = prev.map_or((1, GENESIS), |p| (p.seq + 1, p.hash.as_str()));
    let at = at.trunc_subsecs(6);
    AuditEntry {
        seq,
        at,
        actor: actor.to_owned(),
        action: action.to_owned(),
        subject: subject.to_owned(),
        detail: detail.to_owned(),
        prev_hash: prev_hash.to_owned(),
        hash: entry_hash(prev_hash, seq, at, actor, action, subject, detail),
    }
}

/// What is wrong with the first broken entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakReason {
    /// The entry's contents do not hash to its `hash`: it was edited.
    HashMismatch,
    /// The entry's `prev_hash` is not the hash of the entry before it (or [`GENESIS`] for the first).
    PrevHashMismatch,
    /// The entry's sequence number is not `expected`: an entry before it is missing or out of order.
    SeqGap { expected: i64 },
}

impl fmt::Display for BreakReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BreakReason::HashMismatch => f.write_str("its contents do not match its hash"),
            BreakReason::PrevHashMismatch => f.write_str("it does not link to the entry before it"),
            BreakReason::SeqGap { expected } => {
                write!(f, "entry {expected} was expected here (an entry is missing or out of order)")
            }
        }
    }
}

/// The first entry at which the chain does not hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("audit log broken at entry {seq}: {reason}")]
pub struct ChainBreak {
    /// The broken entry's own sequence number, as stored.
    pub seq: i64,
    pub reason: BreakReason,
}

/// Checks a whole log, given from its first entry in sequence order, and returns how many entries it
/// has. An empty log verifies with 0.
///
/// # Errors
/// The first [`ChainBreak`]. Each entry is checked for its sequence number, then its link to the entry
/// before it, then its own hash.
pub fn verify(entries: &[AuditEntry]) -> Result<usize, ChainBreak> {
    let mut prev_hash = GENESIS;
    for (expected, entry) in (1_i64..).zip(entries) {
        let broken = |reason| Err(ChainBreak { seq: entry.seq, reason });
        if entry.seq != expected {
            return broken(BreakReason::SeqGap { expected });
        }
        if entry.prev_hash != prev_hash {
            return broken(BreakReason::PrevHashMismatch);
        }
        let hash = entry_hash(
            &entry.prev_hash,
            entry.seq,
            entry.at,
            &entry.actor,
            &entry.action,
            &entry.subject,
            &entry.detail,
        );
        if entry.hash != hash {
            return broken(BreakReason::HashMismatch);
        }
        prev_hash = &entry.hash;
    }
    Ok(entries.len())
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 1, 9, 30, 0).unwrap() + Duration::nanoseconds(123_456_789)
    }

    fn chain(n: usize) -> Vec<AuditEntry> {
        let mut entries: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let at = t0() + Duration::minutes(i64::try_from(i).unwrap());
            let entry = next(entries.last(), at, "alice", "case.note", &format!("case:{i}"), "checked the logs");
            entries.push(entry);
        }
        entries
    }

    fn broken_at(entries: &[AuditEntry]) -> Option<(i64, BreakReason)> {
        verify(entries).err().map(|b| (b.seq, b.reason))
    }

    #[test]
    fn a_valid_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn an_empty_chain_verifies_with_zero_entries() {
        assert_eq!(verify(&[]), Ok(0));
    }

    #[test]
    fn the_first_entry_starts_from_genesis_and_each_links_to_the_one_before() {
        let entries = chain(3);
        assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(entries.first().unwrap().prev_hash, GENESIS);
        assert_eq!(entries[1].prev_hash, entries[0].hash);
        assert_eq!(entries[2].prev_hash, entries[1].hash);
        assert!(entries.iter().all(|e| e.hash.len() == 64 && e.hash.bytes().all(|b| b.is_ascii_hexdigit())));
    }

    #[test]
    fn next_truncates_the_instant_to_microseconds() {
        let entry = next(None, t0(), "a", "b", "c", "d");
        assert_eq!(entry.at.timestamp_subsec_nanos(), 123_456_000);
        // Nanoseconds that storage would drop do not change the hash.
        assert_eq!(entry.hash, entry_hash(GENESIS, 1, t0(), "a", "b", "c", "d"));
    }

    #[test]
    fn the_hash_is_stable_for_known_input() {
        // Pinned so that an accidental change of the encoding (which would break every stored log) fails.
        // Computed independently: Python's hashlib over the documented length-prefixed fields.
        let at = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(
            entry_hash(GENESIS, 1, at, "alice", "case.note", "case:1", ""),
            "4829e1c66f10e3911292603fd2bd81c4decba5db893191b3e58d27a370cdf940"
        );
    }

    #[test]
    fn field_boundaries_are_part_of_the_hash() {
        let at = t0();
        assert_ne!(entry_hash(GENESIS, 1, at, "ab", "c", "", ""), entry_hash(GENESIS, 1, at, "a", "bc", "", ""));
        assert_ne!(entry_hash(GENESIS, 1, at, "", "", "x", ""), entry_hash(GENESIS, 1, at, "", "", "", "x"));
    }

    #[test]
    fn tampering_with_any_field_of_any_entry_is_found_at_that_entry() {
        type Tamper = fn(&mut AuditEntry);
        let tampers: [(Tamper, BreakReason); 8] = [
            (|e| e.at += Duration::microseconds(1), BreakReason::HashMismatch),
            (|e| e.actor.push('x'), BreakReason::HashMismatch),
            (|e| e.action = "case.closed".to_owned(), BreakReason::HashMismatch),
            (|e| e.subject.clear(), BreakReason::HashMismatch),
            (|e| e.detail.push_str(" (edited)"), BreakReason::HashMismatch),
            (|e| e.hash = GENESIS.to_owned(), BreakReason::HashMismatch),
            (|e| e.prev_hash = GENESIS.replace('0', "1"), BreakReason::PrevHashMismatch),
            (|e| e.seq += 10, BreakReason::SeqGap { expected: 0 }),
        ];
        for index in 0..4 {
            for (tamper, reason) in tampers {
                let mut entries = chain(4);
                let seq = entries[index].seq;
                tamper(&mut entries[index]);
                let reason = match reason {
                    BreakReason::SeqGap { .. } => BreakReason::SeqGap { expected: seq },
                    other => other,
                };
                assert_eq!(broken_at(&entries), Some((entries[index].seq, reason)), "entry {index}");
            }
        }
    }

    #[test]
    fn recomputing_the_hash_of_an_edited_entry_breaks_the_link_of_the_next() {
        let mut entries = chain(3);
        let e = &mut entries[1];
        e.detail = "nothing to see".to_owned();
        e.hash = entry_hash(&e.prev_hash, e.seq, e.at, &e.actor, &e.action, &e.subject, &e.detail);
        assert_eq!(broken_at(&entries), Some((3, BreakReason::PrevHashMismatch)));
    }

    #[test]
    fn deleting_an_entry_is_found() {
        // Not the last one: a log cut short is still a valid log (see the module documentation of `audit`).
        for index in 0..3 {
            let mut entries = chain(4);
            entries.remove(index);
            let expected = i64::try_from(index).unwrap() + 1;
            assert_eq!(broken_at(&entries), Some((expected + 1, BreakReason::SeqGap { expected })), "entry {index}");
        }
    }

    #[test]
    fn deleting_and_renumbering_is_found() {
        let mut entries = chain(4);
        entries.remove(1);
        for (seq, e) in (1..).zip(entries.iter_mut()) {
            e.seq = seq;
        }
        assert_eq!(broken_at(&entries), Some((2, BreakReason::PrevHashMismatch)));
    }

    #[test]
    fn reordering_is_found() {
        let mut entries = chain(4);
        entries.swap(1, 2);
        assert_eq!(broken_at(&entries), Some((3, BreakReason::SeqGap { expected: 2 })));
    }

    #[test]
    fn the_break_names_the_first_broken_entry() {
        let mut entries = chain(3);
        entries[1].actor = "mallory".to_owned();
        let err = verify(&entries).unwrap_err();
        assert_eq!(err.to_string(), "audit log broken at entry 2: its contents do not match its hash");
        let gap = ChainBreak { seq: 5, reason: BreakReason::SeqGap { expected: 4 } };
        assert_eq!(
            gap.to_string(),
            "audit log broken at entry 5: entry 4 was expected here (an entry is missing or out of order)"
        );
    }
}

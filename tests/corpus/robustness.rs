//! No input may panic: every fixture truncated at many lengths and with bytes corrupted; and every damaged
//! message goes through intake into a real database and is kept verbatim.

use abusedesk::parse::{parse_message, ParseError};

use crate::helpers::fixture;

/// Every sample named in `SOURCES.csv`, with its bytes.
pub fn all_fixtures() -> Vec<(String, Vec<u8>)> {
    let csv = String::from_utf8(fixture("SOURCES.csv")).expect("SOURCES.csv");
    csv.lines().skip(1).filter_map(|l| l.split(',').next()).map(|f| (f.to_owned(), fixture(f))).collect()
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// `bytes` after `edits` random edits: a byte that matters to the parsers, a random byte, or a cut
    /// of up to 64 bytes.
    fn damage(&mut self, bytes: &[u8], edits: usize) -> Vec<u8> {
        // Bytes that matter to the parsers: structure, separators, encodings.
        const INTERESTING: &[u8] = b"\r\n\0:;<>[]-=\"'{}/\\.,@\xff\xc3\x80 \tPK";
        let mut damaged = bytes.to_vec();
        for _ in 0..edits {
            if damaged.is_empty() {
                break;
            }
            let at = self.below(damaged.len());
            match self.below(3) {
                0 => damaged[at] = INTERESTING[self.below(INTERESTING.len())],
                1 => damaged[at] = self.next() as u8,
                _ => {
                    let end = (at + self.below(64)).min(damaged.len());
                    damaged.drain(at..end);
                }
            }
        }
        damaged
    }
}

/// A mutated fixture the fuzz target (tests/fuzz) found: mail-parser 0.11 panics on it ("Invalid part ID,
/// could not find multipart"). The entry point catches that and calls the message unreadable.
#[test]
fn the_input_that_panics_mail_parser_is_an_unreadable_message() {
    let bytes = fixture("fuzz/mail-parser-invalid-part-id.bin");
    let parsed = std::panic::catch_unwind(|| parse_message(&bytes)).expect("no panic escapes the parser");
    assert_eq!(parsed.err(), Some(ParseError::Unreadable));
}

#[test]
fn every_fixture_parses_without_error() {
    for (name, bytes) in all_fixtures() {
        assert!(parse_message(&bytes).is_ok(), "{name}");
    }
}

#[test]
fn truncated_fixtures_do_not_panic() {
    for (name, bytes) in all_fixtures() {
        let step = (bytes.len() / 64).max(1);
        for len in (0..bytes.len()).step_by(step) {
            let _ = std::panic::catch_unwind(|| parse_message(&bytes[..len]))
                .unwrap_or_else(|_| panic!("{name} truncated to {len} bytes panicked"));
        }
    }
}

#[test]
fn corrupted_fixtures_do_not_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (name, bytes) in all_fixtures() {
        for round in 0..24 {
            let corrupted = rng.damage(&bytes, 1 + round % 8);
            let result = std::panic::catch_unwind(|| parse_message(&corrupted));
            assert!(result.is_ok(), "{name} corruption round {round} panicked");
        }
    }
}

#[test]
fn deeply_nested_mime_does_not_overflow_the_stack() {
    // 2,000 levels of multipart, and 2,000 levels of attached messages: far past anything real.
    let mut multipart = String::from("text/plain body\n");
    for depth in 0..2_000 {
        multipart = format!(
            "Content-Type: multipart/mixed; boundary=\"b{depth}\"\n\n--b{depth}\n{multipart}\n--b{depth}--\n"
        );
    }
    let multipart = format!("From: a@example.org\nSubject: nested\nMIME-Version: 1.0\n{multipart}");
    assert_eq!(parse_message(multipart.as_bytes()), Err(ParseError::TooDeep(64)));

    let mut attached = String::from("Subject: innermost\n\nbody\n");
    for _ in 0..2_000 {
        attached = format!("Subject: wrapper\nContent-Type:\n message/rfc822\n\n{attached}");
    }
    assert_eq!(parse_message(attached.as_bytes()), Err(ParseError::TooDeep(64)), "folded headers count too");

    // Ordinary nesting (a report wrapping a complaint wrapping the original) is parsed as usual.
    let mut shallow = String::from("Subject: innermost\n\nbody\n");
    for _ in 0..6 {
        shallow = format!("Subject: wrapper\nContent-Type: message/rfc822\n\n{shallow}");
    }
    assert!(parse_message(shallow.as_bytes()).is_ok());
}

/// Damaged messages go through the real intake into a real SQLite database: each one is accepted and kept
/// byte for byte, whatever its parse made of it (the fuzz input included). Only an empty or all-blank
/// message is refused.
#[tokio::test]
async fn damaged_fixtures_are_stored_verbatim() {
    use abusedesk::intake::{receive_batch, Incoming, IntakeError, DEFAULT_MAX_MESSAGE_BYTES};
    use abusedesk::cases::placement::Recount;
    use abusedesk::store::{Channel, Store};

    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut damaged = vec![fixture("fuzz/mail-parser-invalid-part-id.bin")];
    for (_, bytes) in all_fixtures() {
        damaged.push(bytes[..bytes.len() / 2].to_vec());
        damaged.push(rng.damage(&bytes, 8));
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}/damaged.db", dir.path().display())).await.unwrap();
    store.migrate().await.unwrap();
    let incoming: Vec<Incoming> = damaged.iter().map(|raw| Incoming { raw, recipient: None }).collect();
    let receipts = receive_batch(&store, &incoming, Channel::Import, DEFAULT_MAX_MESSAGE_BYTES, Recount::Now)
        .await
        .expect("the batch is stored");
    assert_eq!(receipts.len(), damaged.len());
    for (raw, receipt) in damaged.iter().zip(receipts) {
        match receipt {
            Ok(receipt) => {
                let kept = store.find_message_raw(receipt.inbound_message_id).await.unwrap();
                assert_eq!(kept.as_deref(), Some(raw.as_slice()), "message {} kept verbatim", receipt.inbound_message_id);
            }
            Err(IntakeError::Empty) => assert!(raw.iter().all(u8::is_ascii_whitespace)),
            Err(e) => panic!("a damaged message of {} bytes was refused: {e}", raw.len()),
        }
    }
    store.close().await;
}

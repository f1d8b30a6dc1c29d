//! `serve --imap URL` collects while it serves: the messages waiting in the private Dovecot's mailbox when it
//! starts, and those appended while it runs (IDLE, or the next poll), arrive once each with their bytes
//! unchanged and are flagged \Seen after they are stored. Without Dovecot the test says why it skips; under
//! CI it fails.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::imap::{append, message, same_set, stored, uids, Dovecot, PASSWORD};
use crate::lmtp::{free_port, Node};

/// Waits until `count` messages are stored and as many flagged \Seen, or fails saying how far it got.
async fn collected(db: &str, dovecot: &Dovecot, count: usize) {
    let mut seen = Vec::new();
    for _ in 0..300 {
        seen = uids(dovecot, "INBOX", "SEEN").await;
        if stored(db).await.len() == count && seen.len() == count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("after 30 s: {} stored, {} flagged \\Seen, {count} expected", stored(db).await.len(), seen.len());
}

#[tokio::test]
async fn serve_with_imap_collects_what_waits_and_what_arrives_while_it_runs() {
    let Some(dovecot) = Dovecot::start_with("the serve --imap test (it needs Dovecot)", None) else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/desk.db", dir.path().display());
    let waiting: Vec<Vec<u8>> = (0..3).map(|i| message(i, 20)).collect();
    append(&dovecot, &waiting).await;
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_abusedesk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", &db)
        .env("ABUSEDESK_IMAP_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--imap", &dovecot.url(), "--imap-poll-seconds", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _node = Node(child);
    // Listening means the database is migrated, so the test may read it.
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    collected(&db, &dovecot, 3).await;
    same_set(&stored(&db).await, &waiting);

    // Appended while serve runs: taken without a restart.
    let later: Vec<Vec<u8>> = (3..5).map(|i| message(i, 20)).collect();
    append(&dovecot, &later).await;
    collected(&db, &dovecot, 5).await;
    let all: Vec<Vec<u8>> = waiting.into_iter().chain(later).collect();
    same_set(&stored(&db).await, &all);
    assert_eq!(uids(&dovecot, "INBOX", "SEEN").await, vec![1, 2, 3, 4, 5]);
}

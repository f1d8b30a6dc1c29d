//! LMTP into a running `abusedesk serve`, spoken by a client in the test as a mail server speaks it
//! (LHLO, MAIL, RCPT…, DATA, one reply per recipient): a message to two recipients is one message with two
//! arrivals; a message over the limit is refused with 552; and `serve` killed with SIGKILL in the middle of
//! 16 connections delivering at once loses nothing it answered 250 for, while every message it did not
//! answer is delivered again by the client after a restart and stored once.

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use abusedesk::intake::heal::{self, Budget};
use abusedesk::store::Store;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const SPAMCOP: &str = "tests/fixtures/mail-abuse/spamcop_4.eml";

pub(crate) struct Node(pub(crate) Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `serve` with LMTP on `port` and waits until it accepts connections.
pub(crate) async fn serve(db: &str, port: u16, extra: &[&str]) -> Node {
    let child = Command::new(env!("CARGO_BIN_EXE_abusedesk"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .args(extra)
        .args(["serve", "--bind", "127.0.0.1:0", "--lmtp", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let node = Node(child);
    for _ in 0..300 {
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return node;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("serve never listened for LMTP on {port}");
}

/// Delivers one message; the reply to each recipient, or an error when the connection broke first.
async fn deliver(port: u16, raw: &[u8], recipients: &[&str]) -> std::io::Result<Vec<String>> {
    let stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut expect = async |code: &str| -> std::io::Result<String> {
        loop {
            let line = lines.next_line().await?.ok_or(std::io::ErrorKind::UnexpectedEof)?;
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                if !line.starts_with(code) {
                    return Err(std::io::Error::other(line));
                }
                return Ok(line);
            }
        }
    };
    expect("220").await?;
    write.write_all(b"LHLO mx.isp.example\r\n").await?;
    expect("250").await?;
    write.write_all(b"MAIL FROM:<reports@spamcop.example>\r\n").await?;
    expect("250").await?;
    for r in recipients {
        write.write_all(format!("RCPT TO:<{r}>\r\n").as_bytes()).await?;
        expect("250").await?;
    }
    write.write_all(b"DATA\r\n").await?;
    expect("354").await?;
    let mut data = Vec::with_capacity(raw.len() + 64);
    for line in raw.split_inclusive(|&b| b == b'\n') {
        if line.first() == Some(&b'.') {
            data.push(b'.');
        }
        data.extend_from_slice(line.strip_suffix(b"\n").unwrap_or(line));
        data.extend_from_slice(b"\r\n");
    }
    data.extend_from_slice(b".\r\n");
    write.write_all(&data).await?;
    let mut answers = Vec::new();
    for _ in recipients {
        answers.push(lines.next_line().await?.ok_or(std::io::ErrorKind::UnexpectedEof)?);
    }
    write.write_all(b"QUIT\r\n").await?;
    Ok(answers)
}

/// Waits until no message is pending (parsing follows the answer).
async fn settled(db: &str) {
    let store = Store::connect(db).await.unwrap();
    for _ in 0..200 {
        if store.count_messages_in("pending").await.unwrap() == 0 {
            store.close().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("messages still pending after 10 s");
}

/// What the killed node answered but never parsed is pending: healing (run by `serve` every interval for
/// messages pending over two minutes) parses it; here without the two minutes' grace.
async fn settled_or_healed(store: &Store) {
    let no_grace = Budget { pending_grace: chrono::Duration::zero(), ..Budget::ALL };
    for _ in 0..200 {
        heal::heal(store, no_grace).await.unwrap();
        if store.count_messages_in("pending").await.unwrap() == 0 && store.cases_to_recount(1).await.unwrap().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("messages still pending after 10 s");
}

pub(crate) fn spamcop(i: usize) -> Vec<u8> {
    let sample = std::fs::read_to_string(format!("{}/{SPAMCOP}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    sample.replace("999999999", &format!("{i:09}")).replace("10.0.0.1", &format!("10.0.{}.1", i % 20)).into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_to_two_recipients_is_one_message_with_two_arrivals_and_oversize_is_552() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/desk.db", dir.path().display());
    let port = free_port();
    let node = serve(&db, port, &["--max-message-bytes", "20000"]).await;
    let answers = deliver(port, &spamcop(1), &["abuse@isp.example", "postmaster@isp.example"]).await.unwrap();
    assert_eq!(answers.len(), 2);
    assert!(answers.iter().all(|a| a.starts_with("250 2.0.0 stored as message")), "{answers:?}");
    let big = [spamcop(2), vec![b'x'; 30_000]].concat();
    let answers = deliver(port, &big, &["abuse@isp.example"]).await.unwrap();
    assert!(answers[0].starts_with("552 "), "{answers:?}");
    // Answers come once the bytes are committed; parsing follows.
    settled(&db).await;
    drop(node);

    let store = Store::connect(&db).await.unwrap();
    let counts = store.count_intake().await.unwrap();
    assert_eq!((counts.messages, counts.arrivals, counts.reports), (1, 2, 1), "parsed before serve stopped");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_killed_during_a_burst_keeps_every_message_it_answered_and_the_retries_store_the_rest_once() {
    const CONNECTIONS: usize = 16;
    const EACH: usize = 100;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/desk.db", dir.path().display());
    let port = free_port();
    let node = serve(&db, port, &[]).await;

    // 16 mail-server connections deliver at once; serve is killed with SIGKILL in the middle.
    let mut clients = Vec::new();
    for c in 0..CONNECTIONS {
        clients.push(tokio::spawn(async move {
            let mut answered = Vec::new();
            for k in 0..EACH {
                let i = c * EACH + k;
                match deliver(port, &spamcop(i), &["abuse@isp.example"]).await {
                    Ok(a) if a[0].starts_with("250") => answered.push(i),
                    _ => {}
                }
            }
            answered
        }));
    }
    tokio::time::sleep(Duration::from_millis(600)).await;
    let mut node = node;
    node.0.kill().unwrap();
    node.0.wait().unwrap();
    let mut answered: HashSet<usize> = HashSet::new();
    for c in clients {
        answered.extend(c.await.unwrap());
    }
    let total = CONNECTIONS * EACH;
    assert!(!answered.is_empty() && answered.len() < total, "killed mid-burst: {} of {total} answered", answered.len());

    // Everything answered 250 is there already.
    let store = Store::connect(&db).await.unwrap();
    let stored_before = store.count_intake().await.unwrap().messages;
    assert!(stored_before >= i64::try_from(answered.len()).unwrap(), "{stored_before} stored, {} answered", answered.len());

    // The MTA retries what was not answered; each message is stored once.
    let node = serve(&db, port, &[]).await;
    for i in (0..total).filter(|i| !answered.contains(i)) {
        let a = deliver(port, &spamcop(i), &["abuse@isp.example"]).await.unwrap();
        assert!(a[0].starts_with("250"), "{a:?}");
    }
    settled_or_healed(&store).await;
    drop(node);
    let counts = store.count_intake().await.unwrap();
    assert_eq!(counts.messages, i64::try_from(total).unwrap(), "every message stored, once");
    assert_eq!(counts.reports, i64::try_from(total).unwrap(), "and parsed, the killed node's backlog included");
    assert!(store.cases_to_recount(10).await.unwrap().is_empty());
    store.close().await;
}

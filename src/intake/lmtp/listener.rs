//! The LMTP listener of `serve`: sockets, framing and group commit around the pure [`Session`].
//!
//! Every connection reads commands and the message itself; the message goes to one committer task with a
//! reply channel. The committer takes every message waiting when it is free and stores their bytes and
//! arrivals together (`intake::store_arrivals`: one transaction, one fsync for the batch), so throughput
//! grows with the number of connections instead of being bound by fsyncs; parsing follows in a second
//! stage with batches of its own. Each recipient is answered `250` only after that commit;
//! a database failure answers `451` (the MTA keeps the message queued and tries again), a message over the
//! size limit `552`. An MTA that loses the connection before the answer retries, and the retry is stored as
//! another arrival of the same bytes (counted, never a second message).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

use super::session::{Limits, Session, Step, MAX_COMMAND_LINE};
use crate::cases::placement::Recount;
use crate::intake::{self, Incoming, IntakeError};
use crate::store::{Channel, Store, StoredArrival};

/// How long a client may stay silent (RFC 5321 4.5.3.2 suggests five minutes).
const IDLE: Duration = Duration::from_secs(300);
/// Messages taken into one commit at most: large enough to absorb many concurrent connections, small
/// enough that one batch's bytes stay modest in memory.
const GROUP: usize = 256;
/// Stored batches waiting to be parsed at most: the backlog a burst may build before commits wait.
const SETTLE_QUEUE: usize = 64;
/// Data is read in pieces of at most this many bytes, so a line without an end cannot grow a buffer.
const DATA_PIECE: u64 = 64 * 1024;

/// Where the listener listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

impl Endpoint {
    /// `unix:/path/to/socket` or `host:port`. A TCP address that is not loopback is refused unless
    /// `allow_remote`: LMTP has no authentication, so anyone who can connect can deliver.
    ///
    /// # Errors
    /// A text saying what is wrong.
    pub fn parse(text: &str, allow_remote: bool) -> Result<Endpoint, String> {
        if let Some(path) = text.strip_prefix("unix:") {
            return if path.is_empty() { Err("unix: needs a socket path".to_owned()) } else { Ok(Endpoint::Unix(path.into())) };
        }
        let addr: SocketAddr = text.parse().map_err(|_| format!("{text:?} is neither unix:/path nor host:port"))?;
        if !addr.ip().is_loopback() && !allow_remote {
            return Err(format!(
                "{addr} is not a loopback address: LMTP has no authentication; pass --lmtp-allow-remote if a \
                 firewall keeps everyone but your mail servers out"
            ));
        }
        Ok(Endpoint::Tcp(addr))
    }
}

/// One message read from a connection, and where its answers go.
struct Delivery {
    raw: Vec<u8>,
    recipients: Vec<String>,
    answer: oneshot::Sender<Vec<String>>,
}

/// Listens on `endpoint` until the process ends. Returns once bound, the listener running in the background.
///
/// # Errors
/// The socket could not be bound.
pub async fn start(store: Store, endpoint: &Endpoint, limits: Limits) -> std::io::Result<String> {
    let (tx, rx) = mpsc::channel::<Delivery>(GROUP * 4);
    tokio::spawn(commit(store, rx, limits.max_message_bytes));
    match endpoint {
        Endpoint::Tcp(addr) => {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            let bound = listener.local_addr()?.to_string();
            tokio::spawn(async move {
                loop {
                    match listener.accept().await {
                        Ok((socket, _)) => {
                            let _ = socket.set_nodelay(true);
                            tokio::spawn(converse(socket, tx.clone(), limits.clone()));
                        }
                        Err(e) => accept_failed(&e).await,
                    }
                }
            });
            Ok(bound)
        }
        Endpoint::Unix(path) => {
            // A socket file left by an earlier run would make bind fail; anything else at the path stays.
            if std::fs::symlink_metadata(path).is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_socket(&m.file_type())) {
                std::fs::remove_file(path)?;
            }
            let listener = tokio::net::UnixListener::bind(path)?;
            tokio::spawn(async move {
                loop {
                    match listener.accept().await {
                        Ok((socket, _)) => {
                            tokio::spawn(converse(socket, tx.clone(), limits.clone()));
                        }
                        Err(e) => accept_failed(&e).await,
                    }
                }
            });
            Ok(format!("unix:{}", path.display()))
        }
    }
}

/// Out of file descriptors and the like: say so and breathe instead of spinning.
async fn accept_failed(e: &std::io::Error) {
    tracing::warn!(error = %e, "LMTP connection not accepted");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Stores waiting messages together: everything queued while the previous commit ran is one batch. Each
/// recipient is answered once the batch's bytes and arrivals are committed; parsing, attribution and
/// placement follow in [`settle`], so a mail server waits for one transaction, not for the parsers.
async fn commit(store: Store, mut rx: mpsc::Receiver<Delivery>, max_bytes: usize) {
    // Bounded: when parsing falls behind, commits wait for room, and so do the mail servers' answers.
    let (to_settle, settling) = mpsc::channel::<Vec<(StoredArrival, Vec<u8>)>>(SETTLE_QUEUE);
    tokio::spawn(settle(store.clone(), settling));
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < GROUP {
            match rx.try_recv() {
                Ok(d) => batch.push(d),
                Err(_) => break,
            }
        }
        let incoming: Vec<Incoming<'_>> = batch
            .iter()
            .flat_map(|d| d.recipients.iter().map(|r| Incoming { raw: &d.raw, recipient: Some(r.as_str()) }))
            .collect();
        let outcome = intake::store_arrivals(&store, &incoming, Channel::Mta, max_bytes).await;
        drop(incoming);
        let mut answers: Vec<String> = match &outcome {
            Ok(arrivals) => arrivals.iter().map(answer).collect(),
            Err(e) => {
                tracing::error!(error = %e, messages = batch.len(), "LMTP batch not stored; the MTA will retry");
                vec!["451 4.3.0 not stored, try again later".to_owned(); answers_owed(&batch)]
            }
        };
        let mut stored = outcome.unwrap_or_default().into_iter();
        let mut settle_next = Vec::new();
        for d in batch {
            let rest = answers.split_off(d.recipients.len().min(answers.len()));
            // A connection gone meanwhile cannot be answered; its MTA retries and the retry counts as a copy.
            let _ = d.answer.send(std::mem::replace(&mut answers, rest));
            // Every recipient's arrival is recorded; the message is parsed once.
            let mine: Vec<Result<StoredArrival, IntakeError>> = stored.by_ref().take(d.recipients.len()).collect();
            let first = mine.into_iter().find_map(Result::ok);
            if let Some(arrival) = first {
                settle_next.push((arrival, d.raw));
            }
        }
        if !settle_next.is_empty() && to_settle.send(settle_next).await.is_err() {
            tracing::error!("LMTP parsing stopped; stored messages stay pending until the next heal");
        }
    }
}

/// Parses, attributes and places what [`commit`] stored, in batches as large as the backlog. A crash
/// here leaves the messages stored and pending; `intake::heal` parses them.
async fn settle(store: Store, mut rx: mpsc::Receiver<Vec<(StoredArrival, Vec<u8>)>>) {
    while let Some(mut batch) = rx.recv().await {
        while batch.len() < intake::BATCH_MESSAGES {
            match rx.try_recv() {
                Ok(more) => batch.extend(more),
                Err(_) => break,
            }
        }
        let (stored, raws): (Vec<StoredArrival>, Vec<Vec<u8>>) = batch.into_iter().unzip();
        let parsed = intake::parsing::parse_all(raws).await;
        if let Err(e) = intake::settle_arrivals(&store, &stored, parsed, Recount::Now).await {
            tracing::error!(error = %e, messages = stored.len(), "LMTP messages stored but not parsed; they stay pending");
        }
    }
}

fn answers_owed(batch: &[Delivery]) -> usize {
    batch.iter().map(|d| d.recipients.len()).sum()
}

fn answer(arrival: &Result<StoredArrival, IntakeError>) -> String {
    match arrival {
        Ok(a) => format!("250 2.0.0 stored as message {}", a.inbound_message_id),
        Err(IntakeError::Empty) => "554 5.6.0 the message is empty".to_owned(),
        Err(IntakeError::TooLarge { limit, .. }) => format!("552 5.3.4 the message is over {limit} bytes"),
        Err(IntakeError::Store(_)) => "451 4.3.0 not stored, try again later".to_owned(),
    }
}

/// One connection, from greeting to QUIT (or silence, or a broken pipe).
async fn converse<S: AsyncRead + AsyncWrite + Unpin>(socket: S, tx: mpsc::Sender<Delivery>, limits: Limits) {
    let max_bytes = limits.max_message_bytes;
    let (read, mut write) = tokio::io::split(socket);
    let mut reader = BufReader::new(read);
    let mut session = Session::new(limits);
    if write.write_all(session.greeting().as_bytes()).await.is_err() {
        return;
    }
    let mut line = Vec::new();
    loop {
        line.clear();
        let limit = u64::try_from(MAX_COMMAND_LINE).unwrap_or(u64::MAX) + 1;
        let read = tokio::time::timeout(IDLE, (&mut reader).take(limit).read_until(b'\n', &mut line)).await;
        let step = match read {
            Ok(Ok(0)) | Ok(Err(_)) => return,
            Err(_) => Step::Close("421 4.4.2 idle too long, closing\r\n".to_owned()),
            Ok(Ok(_)) if !line.ends_with(b"\n") => Step::Close("500 5.5.2 line too long, closing\r\n".to_owned()),
            Ok(Ok(_)) => session.command(&line),
        };
        match step {
            Step::Reply(text) => {
                if write.write_all(text.as_bytes()).await.is_err() {
                    return;
                }
            }
            Step::Close(text) => {
                let _ = write.write_all(text.as_bytes()).await;
                return;
            }
            Step::ReadData(text) => {
                if write.write_all(text.as_bytes()).await.is_err() {
                    return;
                }
                let Ok(Ok(body)) = tokio::time::timeout(IDLE, read_data(&mut reader, max_bytes)).await else { return };
                let recipients = session.take_recipients();
                let answers = if body.over {
                    vec![format!("552 5.3.4 the message is over {max_bytes} bytes"); recipients.len()]
                } else {
                    deliver(&tx, body.bytes, recipients).await
                };
                let text: String = answers.iter().map(|a| format!("{a}\r\n")).collect();
                if write.write_all(text.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Hands a message to the committer and waits for one answer per recipient.
async fn deliver(tx: &mpsc::Sender<Delivery>, raw: Vec<u8>, recipients: Vec<String>) -> Vec<String> {
    let n = recipients.len();
    let (answer, answered) = oneshot::channel();
    let unavailable = || vec!["451 4.3.0 not stored, try again later".to_owned(); n];
    if tx.send(Delivery { raw, recipients, answer }).await.is_err() {
        return unavailable();
    }
    match answered.await {
        Ok(answers) if answers.len() == n => answers,
        _ => unavailable(),
    }
}

/// A message as read after DATA.
#[derive(Debug, Default)]
pub struct Body {
    /// The message, dot-unstuffed, with the line endings it came with.
    pub bytes: Vec<u8>,
    /// It was over the limit: the rest was read and thrown away.
    pub over: bool,
}

/// Reads a message up to the line holding only a dot (RFC 5321 4.5.2), keeping at most `max_bytes`.
///
/// # Errors
/// The connection broke or ended before the dot.
pub async fn read_data<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R, max_bytes: usize) -> std::io::Result<Body> {
    let mut body = Body::default();
    let mut piece = Vec::new();
    let mut at_line_start = true;
    loop {
        piece.clear();
        let n = (&mut *reader).take(DATA_PIECE).read_until(b'\n', &mut piece).await?;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection ended inside DATA"));
        }
        let mut bytes: &[u8] = &piece;
        if at_line_start {
            if bytes == b".\r\n" || bytes == b".\n" {
                return Ok(body);
            }
            if bytes.first() == Some(&b'.') {
                bytes = &bytes[1..];
            }
        }
        at_line_start = piece.ends_with(b"\n");
        if body.bytes.len() + bytes.len() > max_bytes {
            body.over = true;
            body.bytes = Vec::new();
        }
        if !body.over {
            body.bytes.extend_from_slice(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn data_is_unstuffed_ends_at_the_lone_dot_and_stops_keeping_bytes_over_the_limit() {
        let input: &[u8] = b"Subject: x\r\n\r\n..leading dot\r\n.\r\nNEXT";
        let mut reader = BufReader::new(input);
        let body = read_data(&mut reader, 100).await.unwrap();
        assert_eq!(body.bytes, b"Subject: x\r\n\r\n.leading dot\r\n");
        assert!(!body.over);
        let mut rest = String::new();
        reader.read_to_string(&mut rest).await.unwrap();
        assert_eq!(rest, "NEXT", "nothing after the dot was read as the message");

        let big = format!("{}\r\n.\r\n", "x".repeat(500));
        let body = read_data(&mut BufReader::new(big.as_bytes()), 100).await.unwrap();
        assert!(body.over && body.bytes.is_empty());
        assert!(read_data(&mut BufReader::new(&b"no end\r\n"[..]), 100).await.is_err());
    }

    #[test]
    fn only_loopback_and_unix_sockets_unless_remote_is_allowed() {
        assert_eq!(Endpoint::parse("unix:/run/abusedesk.lmtp", false), Ok(Endpoint::Unix("/run/abusedesk.lmtp".into())));
        assert!(Endpoint::parse("127.0.0.1:2424", false).is_ok());
        assert!(Endpoint::parse("[::1]:2424", false).is_ok());
        assert!(Endpoint::parse("0.0.0.0:2424", false).unwrap_err().contains("--lmtp-allow-remote"));
        assert!(Endpoint::parse("0.0.0.0:2424", true).is_ok());
        assert!(Endpoint::parse("mail:25", false).is_err());
    }
}

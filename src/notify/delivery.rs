//! Sends the outbox over SMTP to the desk's relay (lettre). Unencrypted SMTP to a relay the ISP runs
//! (usually the local MTA on port 25), which then delivers with its own TLS policy: the desk holds no mail
//! credentials. A permanent refusal marks the notification failed with the server's words; a transient one
//! leaves it in the outbox for the next round, with the reason noted.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::store::{NotificationRecord, Store, StoreError};

/// Where and as whom notifications are sent.
#[derive(Clone, Debug)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    /// The From address, e.g. `Abuse desk <abuse@example.net>`.
    pub from: String,
}

impl Relay {
    /// Parses `host[:port]` (port 25 by default).
    ///
    /// # Errors
    /// A message for the operator when the port is not a number.
    pub fn parse(relay: &str, from: &str) -> Result<Relay, String> {
        let (host, port) = match relay.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().map_err(|_| format!("SMTP relay port {p:?} is not a port number"))?),
            None => (relay, 25),
        };
        Ok(Relay { host: host.to_owned(), port, from: from.to_owned() })
    }
}

/// What one round of delivery did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
    pub deferred: usize,
}

enum Outcome {
    Sent(String),
    Failed(String),
    Deferred(String),
}

/// The Message-ID a notification always goes out with: the same on a resend after a crash, so the
/// recipient's mail system (or the customer) can tell a repeat from a new message.
pub fn message_id(n: &NotificationRecord, from: &Mailbox) -> String {
    format!("<abusedesk.notification.{}.{}@{}>", n.notification_id, n.created_at.timestamp(), from.email.domain())
}

fn message(relay: &Relay, n: &NotificationRecord) -> Result<Message, String> {
    let from: Mailbox = relay.from.parse().map_err(|e| format!("the From address is not valid: {e}"))?;
    let id = message_id(n, &from);
    let mut builder = Message::builder().from(from).message_id(Some(id)).subject(n.subject.clone());
    let mut any = false;
    for address in n.recipients.split_whitespace() {
        let to: Mailbox = address.parse().map_err(|e| format!("{address} is not a valid address: {e}"))?;
        builder = builder.to(to);
        any = true;
    }
    if !any {
        return Err("the customer has no contact address on file".to_owned());
    }
    builder.body(n.body.clone()).map_err(|e| format!("the message could not be built: {e}"))
}

async fn send_one(transport: &AsyncSmtpTransport<Tokio1Executor>, relay: &Relay, n: &NotificationRecord) -> Outcome {
    let message = match message(relay, n) {
        Ok(m) => m,
        Err(reason) => return Outcome::Failed(reason),
    };
    match transport.send(message).await {
        Ok(response) => Outcome::Sent(format!("accepted by {}: {}", relay.host, response.code())),
        Err(e) if e.is_permanent() => Outcome::Failed(format!("refused by {}: {e}", relay.host)),
        Err(e) => Outcome::Deferred(format!("will retry: {e}")),
    }
}

/// How long a node holds the notifications it claimed: long enough for a batch at the relay's 30 s timeout
/// each ([`BATCH`] × 30 s = 5 min), so another node never takes a row that is still being sent.
const LEASE: chrono::Duration = chrono::Duration::minutes(10);
/// Notifications claimed at a time.
const BATCH: i64 = 10;

/// Sends up to `limit` notifications of the outbox, oldest first, claiming each batch under `node` (a token
/// unique to this process) so that other nodes running the same loop skip them.
///
/// # Errors
/// Database errors (delivery errors are recorded on each notification instead).
pub async fn deliver(store: &Store, relay: &Relay, node: &str, limit: i64) -> Result<Round, StoreError> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(relay.host.as_str())
        .port(relay.port)
        .timeout(Some(std::time::Duration::from_secs(30)))
        .build();
    let mut round = Round::default();
    let mut left = limit;
    while left > 0 {
        let now = crate::store::now();
        let batch = store.claim_outbox(node, now + LEASE, BATCH.min(left), now).await?;
        if batch.is_empty() {
            break;
        }
        left -= i64::try_from(batch.len()).unwrap_or(i64::MAX);
        for n in batch {
            let (status, detail) = match send_one(&transport, relay, &n).await {
                Outcome::Sent(detail) => {
                    round.sent += 1;
                    ("sent", detail)
                }
                Outcome::Failed(detail) => {
                    tracing::warn!(notification.id = n.notification_id, %detail, "notification not delivered");
                    round.failed += 1;
                    ("failed", detail)
                }
                Outcome::Deferred(detail) => {
                    round.deferred += 1;
                    ("outbox", detail)
                }
            };
            if !store.settle_notification(n.notification_id, node, status, &detail, crate::store::now()).await? {
                tracing::warn!(notification.id = n.notification_id, "the claim ran out before the attempt was recorded");
            }
            if status == "outbox" {
                // The relay is unreachable or busy: the rest waits for the next round, claimable at once.
                store.release_outbox(node).await?;
                return Ok(round);
            }
        }
    }
    Ok(round)
}

/// Delivers the outbox every `every` until the process ends.
pub async fn run(store: Store, relay: Relay, node: String, every: std::time::Duration) {
    loop {
        match deliver(&store, &relay, &node, 100).await {
            Ok(round) if round != Round::default() => tracing::info!(?round, "notifications delivered"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "notification delivery stopped by a database error"),
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relays_are_host_and_optional_port() {
        let r = Relay::parse("mail.example.net:2525", "Abuse <abuse@example.net>").unwrap();
        assert_eq!((r.host.as_str(), r.port), ("mail.example.net", 2525));
        assert_eq!(Relay::parse("localhost", "a@b.example").unwrap().port, 25);
        assert!(Relay::parse("localhost:smtp", "a@b.example").is_err());
    }
}

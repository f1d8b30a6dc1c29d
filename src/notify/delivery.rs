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

fn message(relay: &Relay, n: &NotificationRecord) -> Result<Message, String> {
    let from: Mailbox = relay.from.parse().map_err(|e| format!("the From address is not valid: {e}"))?;
    let mut builder = Message::builder().from(from).subject(n.subject.clone());
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

/// Sends up to `limit` notifications of the outbox, oldest first.
///
/// # Errors
/// Database errors (delivery errors are recorded on each notification instead).
pub async fn deliver(store: &Store, relay: &Relay, limit: i64) -> Result<Round, StoreError> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(relay.host.as_str())
        .port(relay.port)
        .timeout(Some(std::time::Duration::from_secs(30)))
        .build();
    let mut round = Round::default();
    for n in store.outbox(limit).await? {
        let now = crate::store::now();
        match send_one(&transport, relay, &n).await {
            Outcome::Sent(detail) => {
                store.mark_notification(n.notification_id, "sent", &detail, now).await?;
                round.sent += 1;
            }
            Outcome::Failed(detail) => {
                tracing::warn!(notification.id = n.notification_id, %detail, "notification not delivered");
                store.mark_notification(n.notification_id, "failed", &detail, now).await?;
                round.failed += 1;
            }
            Outcome::Deferred(detail) => {
                store.mark_notification(n.notification_id, "outbox", &detail, now).await?;
                round.deferred += 1;
                // The relay is unreachable or busy: the rest waits for the next round.
                break;
            }
        }
    }
    Ok(round)
}

/// Delivers the outbox every `every` until the process ends.
pub async fn run(store: Store, relay: Relay, every: std::time::Duration) {
    loop {
        match deliver(&store, &relay, 100).await {
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

//! Delivers recorded sanction events to the webhook: a POST of the recorded JSON with its HMAC signature
//! and delivery id. A 2xx answer marks it delivered; anything else (or no answer) is tried again after
//! `backoff`, up to `MAX_ATTEMPTS`, and every attempt's answer is kept.

use std::time::Duration as StdDuration;

use super::{backoff, sign, DELIVERY_HEADER, MAX_ATTEMPTS, SIGNATURE_HEADER};
use crate::store::{Store, StoreError, WebhookRecord};

/// Where events go and the secret they are signed with.
#[derive(Clone)]
pub struct Webhook {
    pub url: String,
    pub secret: String,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook").field("url", &self.url).field("secret", &"[redacted]").finish()
    }
}

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub delivered: usize,
    pub retrying: usize,
    pub failed: usize,
}

async fn attempt(client: &reqwest::Client, hook: &Webhook, d: &WebhookRecord) -> Result<String, String> {
    let response = client
        .post(&hook.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, sign(hook.secret.as_bytes(), d.payload.as_bytes()))
        .header(DELIVERY_HEADER, d.webhook_delivery_id.to_string())
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    let status = response.status();
    if status.is_success() {
        Ok(format!("HTTP {status}"))
    } else {
        Err(format!("HTTP {status}"))
    }
}

/// How long a node holds the deliveries it claimed: a batch at the client's 20 s timeout each takes at most
/// [`BATCH`] × 20 s, well inside it, so another node never takes a delivery that is still being attempted.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);
/// Deliveries claimed at a time.
const BATCH: i64 = 10;

/// Attempts every delivery that is due, claiming each batch under `node` (a token unique to this
/// process) so that other nodes running the same loop skip them.
///
/// # Errors
/// Database errors (delivery failures are recorded on each delivery instead).
pub async fn deliver_due(store: &Store, hook: &Webhook, node: &str) -> Result<Round, StoreError> {
    let client = reqwest::Client::builder()
        .timeout(StdDuration::from_secs(20))
        .build()
        .map_err(|e| StoreError::Corrupt(format!("the webhook client could not start: {e}")))?;
    let mut round = Round::default();
    // Each claimed row is settled before the next claim: a row retried later is not due in this round.
    let mut claimed = 0;
    while claimed < 100 {
        let now = crate::store::now();
        let batch = store.claim_due_webhooks(node, now + LEASE, BATCH, now).await?;
        if batch.is_empty() {
            break;
        }
        claimed += batch.len();
        for d in batch {
            let now = crate::store::now();
            let (status, next, answer) = match attempt(&client, hook, &d).await {
                Ok(answer) => {
                    round.delivered += 1;
                    ("delivered", now, answer)
                }
                Err(answer) if d.attempts + 1 >= MAX_ATTEMPTS => {
                    tracing::error!(delivery.id = d.webhook_delivery_id, %answer, "webhook delivery given up");
                    round.failed += 1;
                    ("failed", now, answer)
                }
                Err(answer) => {
                    tracing::warn!(delivery.id = d.webhook_delivery_id, %answer, "webhook delivery will be retried");
                    round.retrying += 1;
                    ("pending", now + backoff(d.attempts), answer)
                }
            };
            if !store.settle_webhook_attempt(d.webhook_delivery_id, node, status, next, &answer, now).await? {
                tracing::warn!(delivery.id = d.webhook_delivery_id, "the claim ran out before the attempt was recorded");
            }
        }
    }
    Ok(round)
}

/// Delivers due events every `every` until the process ends.
pub async fn run(store: Store, hook: Webhook, node: String, every: StdDuration) {
    loop {
        match deliver_due(&store, &hook, &node).await {
            Ok(round) if round != Round::default() => tracing::info!(?round, "webhook deliveries"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "webhook delivery stopped by a database error"),
        }
        tokio::time::sleep(every).await;
    }
}

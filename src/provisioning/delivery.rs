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

/// Attempts every delivery that is due.
///
/// # Errors
/// Database errors (delivery failures are recorded on each delivery instead).
pub async fn deliver_due(store: &Store, hook: &Webhook) -> Result<Round, StoreError> {
    let client = reqwest::Client::builder()
        .timeout(StdDuration::from_secs(20))
        .build()
        .map_err(|e| StoreError::Corrupt(format!("the webhook client could not start: {e}")))?;
    let mut round = Round::default();
    for d in store.due_webhooks(crate::store::now(), 100).await? {
        let now = crate::store::now();
        match attempt(&client, hook, &d).await {
            Ok(answer) => {
                store.record_webhook_attempt(d.webhook_delivery_id, "delivered", now, &answer, now).await?;
                round.delivered += 1;
            }
            Err(answer) if d.attempts + 1 >= MAX_ATTEMPTS => {
                tracing::error!(delivery.id = d.webhook_delivery_id, %answer, "webhook delivery given up");
                store.record_webhook_attempt(d.webhook_delivery_id, "failed", now, &answer, now).await?;
                round.failed += 1;
            }
            Err(answer) => {
                tracing::warn!(delivery.id = d.webhook_delivery_id, %answer, "webhook delivery will be retried");
                let next = now + backoff(d.attempts);
                store.record_webhook_attempt(d.webhook_delivery_id, "pending", next, &answer, now).await?;
                round.retrying += 1;
            }
        }
    }
    Ok(round)
}

/// Delivers due events every `every` until the process ends.
pub async fn run(store: Store, hook: Webhook, every: StdDuration) {
    loop {
        match deliver_due(&store, &hook).await {
            Ok(round) if round != Round::default() => tracing::info!(?round, "webhook deliveries"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "webhook delivery stopped by a database error"),
        }
        tokio::time::sleep(every).await;
    }
}

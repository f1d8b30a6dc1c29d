//! Telling provisioning systems about sanctions: abusedesk cuts no lines itself, but when a restriction,
//! suspension or termination takes effect (or a reversal lifts one) it can POST a JSON event to a configured
//! webhook, signed with HMAC-SHA256 so the receiver knows it came from the desk. Every event is recorded
//! first and delivered by `delivery`, retried with growing pauses until the receiver answers 2xx, so a
//! provisioning system that is down misses nothing.

pub mod delivery;

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::domain::decision::DecisionKind;
use crate::domain::customer::CustomerView;
use crate::store::{CaseRecord, StoreError, Tx};

/// The header carrying the signature: `sha256=` and the hex HMAC-SHA256 of the body under the shared secret.
pub const SIGNATURE_HEADER: &str = "x-abusedesk-signature";
/// The header carrying the delivery's id, the same on every retry, so the receiver can drop repeats.
pub const DELIVERY_HEADER: &str = "x-abusedesk-delivery";
/// Attempts before a delivery is given up (and shown as failed).
pub const MAX_ATTEMPTS: i64 = 12;

/// What the receiver gets.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SanctionEvent {
    /// `sanction.applied`, or `sanction.reversed` when a later decision reverses a sanction.
    pub event: String,
    pub decision_id: i64,
    /// restriction, suspension, termination (or the reversing decision's kind).
    pub kind: String,
    pub case_id: i64,
    pub source_ip: String,
    /// The ISP's own account id of the customer.
    pub account_ref: String,
    /// The customer's status after the decision: active, suspended or terminated.
    pub customer_status: String,
    /// Who decided and, where a manager approved, who approved.
    pub decided_by: String,
    pub approved_by: Option<String>,
    pub reverses: Option<i64>,
    pub at: DateTime<Utc>,
}

/// The signature header's value for `body`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// The pause before attempt `attempts + 1`: one minute, doubling, at most six hours.
pub fn backoff(attempts: i64) -> Duration {
    let minutes = 1_i64 << attempts.clamp(0, 9);
    Duration::minutes(minutes.min(360))
}

/// Whether a decision of `kind` changes what a provisioning system does: the restricting kinds, and any
/// decision that reverses one.
pub fn concerns_provisioning(kind: DecisionKind, reverses: Option<i64>) -> bool {
    matches!(kind, DecisionKind::Restriction | DecisionKind::Suspension | DecisionKind::Termination) || reverses.is_some()
}

/// Records the event for decision `decision_id` (in force when `tx` commits) as a pending delivery in the
/// decision's own unit, when the decision concerns provisioning and the case has a customer. `case` and
/// `customer` were read before the unit began; `status_after` is the customer's status this unit sets, if
/// it sets one. Returns the delivery's id.
///
/// # Errors
/// Database errors.
pub async fn queue(
    tx: &mut Tx,
    decision_id: i64,
    case: &CaseRecord,
    customer: Option<&CustomerView>,
    status_after: Option<&str>,
) -> Result<Option<i64>, StoreError> {
    let d = tx.get_decision(decision_id).await?;
    let Some(kind) = DecisionKind::parse(&d.kind) else { return Ok(None) };
    let Some(customer) = customer.filter(|_| concerns_provisioning(kind, d.reverses_decision_id)) else { return Ok(None) };
    let event = SanctionEvent {
        event: if d.reverses_decision_id.is_some() { "sanction.reversed" } else { "sanction.applied" }.to_owned(),
        decision_id,
        kind: d.kind,
        case_id: d.abuse_case_id,
        source_ip: case.source_ip.clone(),
        account_ref: customer.account_ref.clone(),
        customer_status: status_after.unwrap_or(&customer.status).to_owned(),
        decided_by: d.decided_by_name,
        approved_by: d.reviewed_by_name,
        reverses: d.reverses_decision_id,
        at: crate::store::now(),
    };
    let payload = serde_json::to_string(&event).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(Some(tx.queue_webhook(&event.event, &payload, crate::store::now()).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_in_hex() {
        // RFC 4231, test case 2.
        assert_eq!(
            sign(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_ne!(sign(b"other", b"what do ya want for nothing?"), sign(b"Jefe", b"what do ya want for nothing?"));
    }

    #[test]
    fn retries_wait_longer_each_time_up_to_six_hours() {
        let waits: Vec<i64> = (0..12).map(|a| backoff(a).num_minutes()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360]);
        assert_eq!(backoff(-5).num_minutes(), 1);
    }

    #[test]
    fn only_restricting_decisions_and_reversals_reach_provisioning() {
        assert!(concerns_provisioning(DecisionKind::Suspension, None));
        assert!(concerns_provisioning(DecisionKind::Restriction, None));
        assert!(concerns_provisioning(DecisionKind::Termination, None));
        assert!(!concerns_provisioning(DecisionKind::Warning, None));
        assert!(!concerns_provisioning(DecisionKind::NoAction, None));
        assert!(concerns_provisioning(DecisionKind::NoAction, Some(3)), "lifting a sanction is news too");
    }
}

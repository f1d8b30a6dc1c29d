//! Answering reporters once a decision on their complaints is in force (`domain::reporter_reply` says
//! where and how): one answer per reporter report and address, never twice to the same address for a
//! case, each recorded in the outbox like a customer notification and noted on the case.

use std::collections::BTreeMap;

use crate::domain::decision::DecisionKind;
use crate::domain::reporter_reply::reply_target;
use crate::domain::user::CurrentUser;
use crate::store::{NewNotification, Store, StoreError};

use super::{render, template, Kind};

/// At most this many reporter reports are answered for one case (SpamCop floods are answered by report
/// id, and a case rarely has more distinct reporter reports than this).
const MAX_ANSWERS: i64 = 500;

/// Why the reporters of a case were not answered.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error("decision {0} is not in force on this case: answer the reporters once it is")]
    NotInForce(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Queues the answers to the reporters of `case_id` about decision `decision_id`; returns how many were
/// queued (0 when every reporter that can be answered already was).
///
/// # Errors
/// The decision is not in force on the case; database errors.
pub async fn answer_reporters(store: &Store, user: &CurrentUser, case_id: i64, decision_id: i64) -> Result<usize, AnswerError> {
    let decision = store.get_decision(decision_id).await.map_err(|_| AnswerError::NotInForce(decision_id))?;
    let in_force = decision.abuse_case_id == case_id && decision.in_force_at().is_some();
    let kind = DecisionKind::parse(&decision.kind).filter(|_| in_force).ok_or(AnswerError::NotInForce(decision_id))?;
    let case = store.get_case(case_id).await?;
    let answered = store.case_notification_recipients(case_id, Kind::ReporterReply.code()).await?;
    let template = template(store, Kind::ReporterReply).await?;
    let mut targets = BTreeMap::new();
    for r in store.case_reporter_reports(case_id, MAX_ANSWERS).await? {
        let sender = match r.reporter.eq_ignore_ascii_case("spamcop") {
            true => None,
            false => store.find_message_raw(r.inbound_message_id).await?.and_then(|raw| crate::parse::report_sender(&raw)),
        };
        if let Some(target) = reply_target(&r.reporter, r.reporter_ref.as_deref(), &case.role, sender.as_deref(), kind) {
            if !answered.contains(&target.address) {
                targets.entry(target.address.clone()).or_insert((target, r.reporter_ref));
            }
        }
    }
    let case_text = case_id.to_string();
    let mut by_way: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (address, (target, reference)) in &targets {
        let vars = [
            ("case", case_text.as_str()),
            ("address", case.source_ip.as_str()),
            ("type", case.report_type.as_str()),
            ("decision", kind.label()),
            ("reference", reference.as_deref().unwrap_or("")),
            ("desk", "the abuse desk"),
        ];
        let new = NewNotification {
            customer_id: None,
            case_id: Some(case_id),
            kind: Kind::ReporterReply.code(),
            recipients: address,
            // An empty {reference} must not leave a double space in the subject line.
            subject: &render(&template.subject, &vars).split_whitespace().collect::<Vec<_>>().join(" "),
            body: &render(&template.body, &vars),
        };
        store.queue_notification(&new, crate::store::now()).await?;
        *by_way.entry(target.via.code()).or_default() += 1;
    }
    if !targets.is_empty() {
        let ways: Vec<String> = by_way.iter().map(|(way, n)| format!("{n} {}", way.replace('_', " "))).collect();
        let note = format!("Answered {} reporter address(es) about decision {decision_id}: {}.", targets.len(), ways.join(", "));
        store.add_case_note(case_id, user.user_id.0, &note, crate::store::now()).await?;
        crate::audit::record(store, &user.username, "reporters.answered", &format!("case:{case_id}"), &note).await?;
    }
    Ok(targets.len())
}

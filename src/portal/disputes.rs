//! Disputes and appeals as actions: a customer opens one on its own case (or appeals a decision in force),
//! both sides write in the thread, the desk settles it. Each action checks who may take it and is one unit
//! with its audit entry and, for a reply from the desk, the customer's notification.
//!
//! A customer's text is stored even when an attachment with it is refused, so nothing written is lost;
//! the refusal is returned beside the stored id.

use std::collections::HashMap;

use super::{customer_of, own_case, PortalError};
use crate::domain::access::STAFF;
use crate::domain::decision::DecisionKind;
use crate::domain::dispute::{
    attachment_type, check_text, clean_file_name, may_appeal, may_settle_appeal, AttachmentView, DisputeMessageView,
    DisputeRefusal, DisputeStatus, DisputeView,
};
use crate::domain::role::Role;
use crate::domain::user::CurrentUser;
use crate::notify::{self, Kind};
use crate::store::{self, AttachmentRecord, DisputeRecord, NewAttachment, Store, Tx};

/// A file sent with a dispute or reply.
pub struct Upload<'a> {
    pub file_name: &'a str,
    pub content: &'a [u8],
}

/// What a customer's action stored.
#[derive(Debug)]
pub struct Filed {
    pub dispute_id: i64,
    /// Why the attachment was not stored, when it was refused (the text was stored).
    pub attachment_refused: Option<DisputeRefusal>,
}

/// A case's disputes with their threads and attachments, oldest first.
///
/// # Errors
/// Database errors.
pub async fn case_disputes(store: &Store, case_id: i64) -> Result<Vec<DisputeView>, PortalError> {
    views(store, store.case_disputes(case_id).await?).await
}

/// Open appeals across all cases with their threads, oldest first: the managers' queue.
///
/// # Errors
/// Database errors.
pub async fn open_appeals(store: &Store) -> Result<Vec<DisputeView>, PortalError> {
    views(store, store.open_appeals().await?).await
}

/// Stored disputes as both sides read them, with their replies and attachments.
async fn views(store: &Store, disputes: Vec<DisputeRecord>) -> Result<Vec<DisputeView>, PortalError> {
    let ids: Vec<i64> = disputes.iter().map(|d| d.dispute_id).collect();
    let mut messages: HashMap<i64, Vec<DisputeMessageView>> = HashMap::new();
    for m in store.dispute_messages(&ids).await? {
        messages.entry(m.dispute_id).or_default().push(DisputeMessageView {
            author: if m.from_staff { format!("{} (abuse desk)", m.author_name) } else { m.author_name },
            from_staff: m.from_staff,
            body: m.body,
            at: m.created_at,
        });
    }
    let mut attachments: HashMap<i64, Vec<AttachmentView>> = HashMap::new();
    for a in store.dispute_attachments(&ids).await? {
        attachments.entry(a.dispute_id).or_default().push(AttachmentView {
            id: a.dispute_attachment_id,
            file_name: a.file_name,
            content_type: a.content_type,
            size: a.size_bytes,
        });
    }
    Ok(disputes
        .into_iter()
        .map(|d| DisputeView {
            id: d.dispute_id,
            case_id: d.abuse_case_id,
            decision_id: d.decision_id,
            status: DisputeStatus::parse(&d.status).unwrap_or(DisputeStatus::Open),
            opened_by: d.opened_by_name,
            body: d.body,
            at: d.created_at,
            messages: messages.remove(&d.dispute_id).unwrap_or_default(),
            attachments: attachments.remove(&d.dispute_id).unwrap_or_default(),
        })
        .collect())
}

fn audit(tx: &mut Tx, user: &CurrentUser, action: &str, case_id: i64, detail: &str) {
    tx.audit(store::now(), &user.username, action, &format!("case:{case_id}"), detail);
}

/// Stores an upload with the text it came with, in the same unit; a refused file is returned, not stored.
async fn attach(tx: &mut Tx, dispute_id: i64, upload: Option<Upload<'_>>) -> Result<Option<DisputeRefusal>, PortalError> {
    let Some(upload) = upload.filter(|u| !u.content.is_empty() || !u.file_name.is_empty()) else { return Ok(None) };
    let file_name = clean_file_name(upload.file_name);
    match attachment_type(&file_name, upload.content) {
        Ok(content_type) => {
            let new = NewAttachment { dispute_id, file_name: &file_name, content_type, content: upload.content };
            tx.add_dispute_attachment(&new, store::now()).await?;
            Ok(None)
        }
        Err(refusal) => Ok(Some(refusal)),
    }
}

/// A customer disputes its case, or with `decision_id` appeals a decision in force on it.
///
/// # Errors
/// Not a linked customer; another customer's case ("not found"); empty text; an appeal the rules refuse.
pub async fn open(
    store: &Store,
    user: &CurrentUser,
    case_id: i64,
    body: &str,
    decision_id: Option<i64>,
    upload: Option<Upload<'_>>,
    appeal_days: i64,
) -> Result<Filed, PortalError> {
    let customer_id = customer_of(user)?;
    own_case(store, customer_id, case_id).await?;
    let body = check_text(body)?;
    if let Some(decision_id) = decision_id {
        let decision = store
            .case_decisions(case_id)
            .await?
            .into_iter()
            .find(|d| d.decision_id == decision_id)
            .ok_or_else(|| PortalError::NotFound(format!("decision {decision_id}")))?;
        let kind = DecisionKind::parse(&decision.kind).ok_or(DisputeRefusal::NotAppealable)?;
        let at = decision.in_force_at().ok_or(DisputeRefusal::NotAppealable)?;
        let open_appeal =
            store.case_disputes(case_id).await?.iter().any(|d| d.decision_id == Some(decision_id) && d.status == "open");
        may_appeal(kind, at, appeal_days, store::now(), open_appeal)?;
    }
    let mut tx = store.begin().await?;
    // The case's lock orders this with a termination's approval: it sees the dispute, or comes first.
    tx.lock_case(case_id).await?;
    let dispute_id = tx.open_dispute(case_id, user.user_id.0, body, decision_id, store::now()).await?;
    let what = decision_id.map_or_else(|| format!("dispute {dispute_id}"), |d| format!("appeal {dispute_id} of decision {d}"));
    audit(&mut tx, user, if decision_id.is_some() { "appeal.opened" } else { "dispute.opened" }, case_id, &what);
    let attachment_refused = attach(&mut tx, dispute_id, upload).await?;
    tx.commit().await?;
    Ok(Filed { dispute_id, attachment_refused })
}

/// A dispute the user may write in: a customer's own (any status but settled) or, for staff, any.
async fn writable(store: &Store, user: &CurrentUser, dispute_id: i64) -> Result<DisputeRecord, PortalError> {
    let dispute = store.get_dispute(dispute_id).await.map_err(|_| PortalError::NotFound(format!("dispute {dispute_id}")))?;
    if user.role == Role::Customer {
        let customer_id = customer_of(user)?;
        own_case(store, customer_id, dispute.abuse_case_id).await.map_err(|_| PortalError::NotFound(format!("dispute {dispute_id}")))?;
    } else if !STAFF.contains(&user.role) {
        return Err(PortalError::Forbidden);
    }
    if DisputeStatus::parse(&dispute.status).is_some_and(DisputeStatus::is_settled) {
        return Err(DisputeRefusal::Settled.into());
    }
    Ok(dispute)
}

/// A customer writes again in its dispute; an answered dispute opens again, waiting for the desk.
///
/// # Errors
/// Not its dispute ("not found"); settled; empty text.
pub async fn customer_reply(
    store: &Store,
    user: &CurrentUser,
    dispute_id: i64,
    body: &str,
    upload: Option<Upload<'_>>,
) -> Result<Filed, PortalError> {
    customer_of(user)?;
    let dispute = writable(store, user, dispute_id).await?;
    let body = check_text(body)?;
    let mut tx = store.begin().await?;
    tx.lock_case(dispute.abuse_case_id).await?;
    tx.add_dispute_message(dispute_id, user.user_id.0, false, body, store::now()).await?;
    if dispute.status != DisputeStatus::Open.code() {
        tx.set_dispute_status(dispute_id, DisputeStatus::Open.code(), store::now()).await?;
    }
    audit(&mut tx, user, "dispute.customer_reply", dispute.abuse_case_id, &format!("dispute {dispute_id}"));
    let attachment_refused = attach(&mut tx, dispute_id, upload).await?;
    tx.commit().await?;
    Ok(Filed { dispute_id, attachment_refused })
}

/// The desk replies in a dispute and sets its status: answered, accepted or rejected (open is for the
/// customer's side). Accepting or rejecting an appeal takes a manager who had no part in the decision.
/// The customer is notified.
///
/// # Errors
/// Not staff; settled; empty text; an appeal settled by the wrong person.
pub async fn staff_reply(
    store: &Store,
    user: &CurrentUser,
    dispute_id: i64,
    body: &str,
    status: DisputeStatus,
) -> Result<(), PortalError> {
    if !STAFF.contains(&user.role) {
        return Err(PortalError::Forbidden);
    }
    let dispute = writable(store, user, dispute_id).await?;
    let body = check_text(body)?;
    // The customer reads this reply: it must not name a complainant (an analyst pasting a complaint line).
    if let Some(why) = super::evidence::names_a_complainant(store, dispute.abuse_case_id, &[body]).await? {
        return Err(DisputeRefusal::NamesComplainant(why).into());
    }
    let status = if status == DisputeStatus::Open { DisputeStatus::Answered } else { status };
    if let (Some(decision_id), true) = (dispute.decision_id, status.is_settled()) {
        let decision = store.get_decision(decision_id).await?;
        let is_manager = matches!(user.role, Role::Manager | Role::Admin);
        may_settle_appeal(user.user_id.0, is_manager, decision.decided_by, decision.reviewed_by)?;
    }
    // Composed before the unit begins: a unit never waits for a second connection.
    let notification = notify::compose(store, dispute.abuse_case_id, Kind::StaffReply, "").await?;
    let mut tx = store.begin().await?;
    tx.lock_case(dispute.abuse_case_id).await?;
    tx.add_dispute_message(dispute_id, user.user_id.0, true, body, store::now()).await?;
    tx.set_dispute_status(dispute_id, status.code(), store::now()).await?;
    let action = if dispute.decision_id.is_some() { "appeal.answered" } else { "dispute.answered" };
    audit(&mut tx, user, action, dispute.abuse_case_id, &format!("dispute {dispute_id}: {}", status.code()));
    if let Some(n) = &notification {
        tx.queue_notification(&n.as_new(), store::now()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// An attachment for download: staff may read any; a customer only those of its own disputes.
///
/// # Errors
/// "Not found" for anything the user may not read.
pub async fn attachment(store: &Store, user: &CurrentUser, id: i64) -> Result<(AttachmentRecord, Vec<u8>), PortalError> {
    let not_found = || PortalError::NotFound(format!("attachment {id}"));
    let (meta, bytes) = store.get_dispute_attachment(id).await.map_err(|_| not_found())?;
    if STAFF.contains(&user.role) {
        return Ok((meta, bytes));
    }
    let customer_id = customer_of(user).map_err(|_| not_found())?;
    let dispute = store.get_dispute(meta.dispute_id).await.map_err(|_| not_found())?;
    own_case(store, customer_id, dispute.abuse_case_id).await.map_err(|_| not_found())?;
    Ok((meta, bytes))
}

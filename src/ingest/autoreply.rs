//! Automatic replies, acknowledgements, ticket notices and bounces: mail that reaches `abuse@` but is not
//! a complaint about anyone. Recognised so it is stored and shown as what it is, and kept out of cases.
//!
//! Two strengths of signal, checked at two points of the parser order:
//! * [`parse_marked`], before any format: the message says it is automatic in a way only automatic mail
//!   does: RFC 3834 `Auto-Submitted: auto-replied` (not `auto-generated`, which automated *reporters* use),
//!   `X-Autoreply`/`X-Autorespond`, `Precedence: auto_reply`, a delivery status notification
//!   (RFC 3464 `multipart/report; report-type=delivery-status`), or an auto-reply/bounce Subject;
//! * [`parse_worded`], after every format failed: an acknowledgement or ticket notice worded as one
//!   ("we have received your report", "ticket … has been created", "case closed").

use super::mime::{self, Mail};
use super::model::{Format, ParsedMessage};

/// Subject beginnings of automatic replies and bounces (lower-case).
const MARKED_SUBJECTS: &[&str] = &[
    "automatic reply",
    "auto-reply",
    "autoreply",
    "auto reply",
    "auto:",
    "automatische antwort",
    "abwesenheitsnotiz",
    "réponse automatique",
    "risposta automatica",
    "respuesta automática",
    "out of office",
    "out of the office",
    "undeliverable:",
    "undelivered mail returned to sender",
    "delivery status notification",
    "mail delivery failed",
    "delivery failure",
    "returned mail:",
    "failure notice",
    "recall:",
];

/// Wording of acknowledgements and ticket notices (lower-case), looked for in the Subject and the first
/// lines of the body.
const ACK_WORDING: &[&str] = &[
    "we have received your",
    "we've received your",
    "has been received",
    "thank you for your report",
    "thank you for contacting",
    "thanks for your report",
    "thank you for reporting",
    "your report has been",
    "your request has been",
    "your ticket",
    "ticket has been created",
    "ticket was created",
    "a ticket has been",
    "has been assigned the ticket",
    "case closed",
    "ticket closed",
    "has been closed",
    "has been resolved",
    "this is an automated response",
    "this is an automatic reply",
    "this is an automated message to confirm",
    "do not reply to this",
    "wir haben ihre",
    "ihre meldung",
    "nous avons bien reçu",
];

fn auto_reply(reason: &str) -> ParsedMessage {
    let mut out = ParsedMessage::new(Format::AutoReply);
    out.warnings.push(format!("not a complaint: {reason}"));
    out
}

pub(crate) fn parse_marked(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let header = |name: &str| mime::header(mail.msg, name).map(|v| v.trim().to_ascii_lowercase());
    if header("auto-submitted").is_some_and(|v| v.starts_with("auto-replied")) {
        return Some(auto_reply("Auto-Submitted: auto-replied (RFC 3834)"));
    }
    if header("x-autoreply").is_some() || header("x-autorespond").is_some() {
        return Some(auto_reply("marked X-Autoreply"));
    }
    if header("precedence").is_some_and(|v| v == "auto_reply") {
        return Some(auto_reply("Precedence: auto_reply"));
    }
    let content_type = header("content-type").unwrap_or_default();
    if content_type.starts_with("multipart/report")
        && content_type.replace(['"', ' '], "").contains("report-type=delivery-status")
    {
        return Some(auto_reply("a delivery status notification (bounce)"));
    }
    let subject = mail.subject.trim_start().to_lowercase();
    MARKED_SUBJECTS.iter().find(|s| subject.starts_with(*s)).map(|s| auto_reply(&format!("Subject begins \"{s}\"")))
}

pub(crate) fn parse_worded(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let subject = mail.subject.to_lowercase();
    let body: String = mail
        .texts()
        .first()
        .map(|t| t.lines().filter(|l| !l.trim().is_empty()).take(12).collect::<Vec<_>>().join(" ").to_lowercase())
        .unwrap_or_default();
    let found = ACK_WORDING.iter().find(|w| subject.contains(*w) || body.contains(*w))?;
    Some(auto_reply(&format!("an acknowledgement or ticket notice (\"{found}\")")))
}

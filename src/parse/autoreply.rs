//! Automatic replies, acknowledgements, ticket notices and bounces: mail that reaches `abuse@` but is not
//! a complaint about anyone. Recognised so it is stored and shown as what it is, and kept out of cases.
//!
//! Two strengths of signal, checked at two points of the parser order:
//! * [`parse_marked`], before any format: the message says it is automatic in a way only automatic mail
//!   does: RFC 3834 `Auto-Submitted: auto-replied` on an answer (not `auto-generated`, which automated
//!   *reporters* use; ticket systems mark new reports `auto-replied` too, so only with a `Re:` Subject),
//!   `X-Autoreply`/`X-Autorespond`, `Precedence: auto_reply`, a delivery status notification
//!   (RFC 3464 `multipart/report; report-type=delivery-status`), or an auto-reply/bounce Subject;
//! * [`parse_reply`] and [`parse_worded`], after the structured formats and before the rules that read
//!   words: a reply in a conversation (left for staff), and an acknowledgement or ticket notice worded as
//!   one ("we have received your report", "ticket … has been created", "case closed").

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
    "thank you for your report",
    "thanks for your report",
    "your report has been",
    "ticket has been created",
    "this is an automated response",
    "this is an automatic reply",
    // A no-reply mailbox answering whatever it is sent.
    "mailbox is not monitored",
    "mailbox is currently not monitored",
    "inbox is not monitored",
    // A reporter taking a request back is no complaint either.
    "rescind our request",
    "withdraw our request",
    "withdraw our complaint",
    "nous avons bien reçu",
    "wir haben ihre meldung",
    "wir haben ihre nachricht",
];

fn auto_reply(reason: &str) -> ParsedMessage {
    let mut out = ParsedMessage::new(Format::AutoReply);
    out.warnings.push(format!("not a complaint: {reason}"));
    out
}

pub(crate) fn parse_marked(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let header = |name: &str| mime::header(mail.msg, name).map(|v| v.trim().to_ascii_lowercase());
    let subject = mail.subject.trim_start().to_lowercase();
    // Ticket systems (Request Tracker) mark every mail they send `auto-replied`, new reports included, so
    // the header decides only with a Subject that answers another message.
    let answering = ["re:", "aw:", "antw:", "sv:", "r:"].iter().any(|p| subject.starts_with(p));
    if header("auto-submitted").is_some_and(|v| v.starts_with("auto-replied")) && answering {
        return Some(auto_reply("Auto-Submitted: auto-replied (RFC 3834) on an answer"));
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
    MARKED_SUBJECTS.iter().find(|s| subject.starts_with(*s)).map(|s| auto_reply(&format!("Subject begins \"{s}\"")))
}

/// A Subject lower-cased and without the tags ticket systems put first ("[Ticket#123] Re: …" → "re: …").
pub(crate) fn untagged_subject(subject: &str) -> String {
    let mut lower = subject.trim_start().to_lowercase();
    while lower.starts_with('[') {
        lower = lower.split_once(']').map(|(_, rest)| rest.trim_start().to_owned()).unwrap_or_default();
    }
    lower
}

/// A reply in a conversation (`Re:` and `In-Reply-To`) is not a new complaint, whatever it quotes: left
/// "not recognised" for staff, so a quoted notice never becomes a report against the address it names.
pub(crate) fn parse_reply(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let subject = untagged_subject(&mail.subject);
    let reply = ["re:", "re :", "aw:", "antw:", "sv:", "vs:", "r:"].iter().any(|p| subject.starts_with(p));
    if !reply || mime::header(mail.msg, "in-reply-to").is_none() {
        return None;
    }
    let mut out = ParsedMessage::new(Format::Unknown);
    out.warnings
        .push("a reply in a conversation (Re: with In-Reply-To), not a new complaint: left for staff".to_owned());
    Some(out)
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

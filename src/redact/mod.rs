//! Hiding complainants' identities in evidence before the evidence is shown to the accused customer.
//!
//! The portal does not show a redacted whole message: [`allowlist`] builds each report's evidence from what
//! is positively the customer's own, then masks it with [`redact_message`] and withholds every line that
//! [`guard`] still finds a complainant in after full decoding; [`complainant`] says who the complainant of
//! a message is. The rules below are the masking step.
//!
//! Reporters must be protected from retaliation and from list-washing (a spammer removing exactly the
//! addresses that complain), which is why SpamCop strips complainant addresses from its reports. This
//! module owns that redaction. It is pure: bytes in, text out, no I/O; it never panics and stays linear
//! in the size of the input (hand-written scanners, no regular expressions).
//!
//! # What is shown
//!
//! The result is the message as readable text (`mime` explains the decoding): line endings are LF,
//! base64 and quoted-printable parts are decoded to UTF-8 (their `Content-Transfer-Encoding` then says
//! `8bit`), encoded words in headers are decoded, a message quoted as text after SpamCop's
//! `[ Offending message ]` (or a forward banner) is read like an attached one, and binary attachments are
//! replaced by a one-line note. Decoding first is what makes the guarantee hold: an address cannot survive
//! by being base64-encoded.
//!
//! # Rules
//!
//! Every hidden item becomes [`MARKER`] and counts once in [`Redaction::removed`].
//!
//! 1. **Recipient fields** (To, Cc, Bcc, Delivered-To, X-Original-To, Original-Rcpt-To, Original-Recipient,
//!    Removal-Recipient, X-Envelope-To, Envelope-To, X-Rcpt-To, X-Apparently-To, Final-Recipient,
//!    Redacted-Address, and the variants listed in `headers`): every mailbox with an address is replaced
//!    with its display name; the field name stays. Names are case-insensitive, folded lines included,
//!    wherever the field is: the report's header, a MIME part, an attached message, a feedback report, or
//!    a forwarded message quoted as text.
//! 2. **Received fields**: the address of each `for <…>` / `for …@…` clause; hosts and IP addresses stay.
//! 3. **Addresses in text**: in body text, in links and in header fields such as Subject, every Internet
//!    address (a dotted domain with an alphabetic top-level label) is replaced except those at the
//!    sender's domains (the reported message's From and Return-Path; see `facts`). In the evidence fields
//!    listed in `headers` (From, Return-Path, Message-ID, Authentication-Results, DKIM-Signature …) and in
//!    Received fields only identities are replaced, because the rest is what the customer checks their
//!    logs against. The `@` may be written `%40` or `%2540`.
//! 4. **Links** (`http`, `https`, `mailto`): personal query values and opaque tokens of unsubscribe and
//!    tracking links; the scheme and host stay (`url` has the exact lists).
//! 5. **SpamCop**: the `i=` / `id=` values of spamcop.net links, and every address at spamcop.net (its
//!    per-report addresses relay mail to the reporter).
//! 6. **Feedback loops**: `Redacted-Address` values, by rule 1.
//! 7. **Comments**: a reporter's comment block is replaced whole; `units` lists the markers recognised.
//!
//! **Identities** are hidden everywhere, also in header fields and as plain text: every address taken by
//! rules 1 and 2, every spamcop.net address, and the `extra_identities` the desk passes. A desk identity
//! that is an address is also hidden percent-encoded (`joe%40example.com`) and, when its local part has at
//! least four characters and is not a role name like `abuse`, that local part on its own as a whole word
//! (`joe.smith` in "Hello joe.smith,"); one that is not an address (a name) is hidden as a whole word.
//! Desk identities shorter than four characters are ignored. Case is ignored for ASCII letters.
//!
//! # Limits
//!
//! * Rule 3 trusts the sender's domains: if the spam came from a freemail address, other addresses at that
//!   freemail domain stay unless they are identities.
//! * A complainant writing to the desk directly is the complaint's From; that address is an identity only
//!   when the desk passes it in `extra_identities` (the portal does, through [`complainant`]).
//! * Names and signatures in free text are hidden only when passed as desk identities or inside a
//!   recognised comment block; addresses without a dotted domain (`joe@localhost`) only in rules 1 and 2.
//! * Links without a scheme (`www.example.com/unsub?u=…`) are only searched for addresses.
//! * Rule 3 also hides address-shaped Message-IDs quoted in prose; the Message-ID fields themselves stay.

pub mod allowlist;
pub mod complainant;
mod encoding;
mod facts;
pub mod guard;
mod headers;
mod mime;
mod scan;
mod units;
mod url;

use facts::Facts;
use headers::{for_spans, recipient_spans, splice, FieldKind};
use units::{Kind, Unit};

/// What replaces each hidden item.
pub const MARKER: &str = "[redacted]";

/// A message made safe to show the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    /// The readable message with every complainant identity replaced by [`MARKER`].
    pub text: String,
    /// How many items were replaced, for the UI to say "12 items hidden".
    pub removed: usize,
}

/// Redacts a raw RFC 5322 message (a complaint or the reported original; multipart, broken or binary
/// input is fine). `extra_identities` are the complainant identities the desk already knows, such as the
/// address stored for the report.
pub fn redact_message(raw: &[u8], extra_identities: &[&str]) -> Redaction {
    let blocks = mime::decode(raw);
    let units = units::units(&blocks);
    let facts = Facts::collect(&units, extra_identities);
    let mut text = String::with_capacity(raw.len());
    let mut removed = 0;
    for unit in &units {
        let (rewritten, structural) = redact_unit(unit, &facts);
        let (rewritten, literal) = facts.strip_literals(rewritten);
        text.push_str(&rewritten);
        removed += structural + literal;
    }
    Redaction { text, removed }
}

fn redact_unit(unit: &Unit<'_>, facts: &Facts) -> (String, usize) {
    match unit.kind {
        Kind::Comment { inline } => redact_comment(unit.text, inline),
        Kind::Field(FieldKind::Recipient) => splice(unit.text, &recipient_spans(unit.text), MARKER),
        Kind::Field(FieldKind::Received) => {
            let (text, clauses) = splice(unit.text, &for_spans(unit.text), MARKER);
            let (text, others) = redact_text(&text, false, facts);
            (text, clauses + others)
        }
        Kind::Field(FieldKind::Evidence) => redact_text(unit.text, false, facts),
        Kind::Field(FieldKind::Other) | Kind::Body => redact_text(unit.text, true, facts),
    }
}

/// Rule 7: the comment's text becomes one marker (after a space when it followed a colon marker).
fn redact_comment(text: &str, inline: bool) -> (String, usize) {
    if text.trim().is_empty() {
        return (text.to_string(), 0);
    }
    let newline = if text.ends_with('\n') { "\n" } else { "" };
    let space = if inline { " " } else { "" };
    (format!("{space}{MARKER}{newline}"), 1)
}

/// Rules 3–5 over a stretch of text: links are handed to `url`, addresses outside links are replaced if
/// `Facts::hides` says so (`body` selects the body-text reading of rule 3).
fn redact_text(text: &str, body: bool, facts: &Facts) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut pos = 0;
    for (start, end) in scan::url_spans(text) {
        count += redact_addresses(text.get(pos..start).unwrap_or_default(), body, facts, &mut out);
        let (link, hidden) = url::redact_url(text.get(start..end).unwrap_or_default(), facts);
        out.push_str(&link);
        count += hidden;
        pos = end;
    }
    count += redact_addresses(text.get(pos..).unwrap_or_default(), body, facts, &mut out);
    (out, count)
}

fn redact_addresses(text: &str, body: bool, facts: &Facts, out: &mut String) -> usize {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut count = 0;
    for address in scan::addresses(text).iter().filter(|a| facts.hides(a, body)) {
        let mut start = address.start;
        // VERP: a bounce address carrying the recipient as `joe=example.com@bounces…` — the part before
        // the `=` is the recipient's local part and goes too.
        let local_is_domain = address.key.split('@').next().is_some_and(|l| l.contains('.'));
        if local_is_domain && start > pos && bytes.get(start - 1) == Some(&b'=') {
            start -= 1;
            while start > pos && bytes.get(start - 1).is_some_and(|&b| scan::is_local_char(b)) {
                start -= 1;
            }
        }
        out.push_str(text.get(pos..start).unwrap_or_default());
        out.push_str(MARKER);
        pos = address.end;
        count += 1;
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    count
}

#[cfg(test)]
mod tests;

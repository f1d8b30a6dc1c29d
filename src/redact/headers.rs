//! Which header fields name the complainant, and where in them (rules 1 and 2).
//!
//! Both rules return byte ranges rather than rewritten text: the same ranges are first read to learn the
//! complainant's addresses (which are then hidden everywhere else too) and later replaced.

/// Rule 1: fields whose value is the recipient, i.e. the complainant. The brief's list plus the `Resent-`
/// recipient fields (RFC 5322 §3.6.6) and the common `Apparently-To`, `X-Delivered-To` and
/// `X-Forwarded-To` variants.
const RECIPIENT_FIELDS: [&str; 21] = [
    "to",
    "cc",
    "bcc",
    "resent-to",
    "resent-cc",
    "resent-bcc",
    "delivered-to",
    "x-delivered-to",
    "x-original-to",
    "x-forwarded-to",
    "original-rcpt-to",
    "original-recipient",
    "removal-recipient",
    "x-envelope-to",
    "envelope-to",
    "x-rcpt-to",
    "x-apparently-to",
    "apparently-to",
    "final-recipient",
    "redacted-address",
    "x-original-recipient",
];

/// Fields that describe the sender, identify the message or record its authentication: an address in
/// them is evidence (the customer searches their logs by Message-ID and envelope sender) and is hidden
/// only if it is a complainant identity, wherever the field appears (also as a line of a forwarded message
/// quoted in a report body). Every other field (Subject, X-Mailer, vendor fields such as X-Recipient …) is
/// read like body text, because senders put the recipient's address in them.
const EVIDENCE_FIELDS: [&str; 17] = [
    "from",
    "return-path",
    "sender",
    "reply-to",
    "errors-to",
    "message-id",
    "in-reply-to",
    "references",
    "resent-message-id",
    "content-id",
    "authentication-results",
    "arc-authentication-results",
    "dkim-signature",
    "arc-message-signature",
    "arc-seal",
    "original-mail-from",
    "x-complaints-to",
];

/// What a header field is for redaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FieldKind {
    /// Rule 1.
    Recipient,
    /// Rule 2.
    Received,
    /// [`EVIDENCE_FIELDS`]: only identities are hidden.
    Evidence,
    /// Read like body text.
    Other,
}

/// The kind of a field named `name` (lowercase).
pub(super) fn kind_of(name: &str) -> FieldKind {
    if RECIPIENT_FIELDS.contains(&name) {
        FieldKind::Recipient
    } else if name == "received" {
        FieldKind::Received
    } else if EVIDENCE_FIELDS.contains(&name) {
        FieldKind::Evidence
    } else {
        FieldKind::Other
    }
}

/// Rule 1: the mailboxes to replace in a recipient field (`text` is the whole field, name included).
///
/// The value is split into items at commas and semicolons outside quotes, comments and angle brackets;
/// every item containing `@` (or `%40`) is replaced whole, so the display name (`"Smith, Joe" <joe@…>`,
/// `joe@… (Joe Smith)`) goes with the address. Items without one stay: `undisclosed-recipients:;`, the
/// `rfc822` of `Final-Recipient: rfc822; joe@…`, the date after `X-Apparently-To: joe@…; Mon, …`, and the
/// `x` SpamCop already put in place of the address.
pub(super) fn recipient_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let Some(colon) = bytes.iter().position(|&b| b == b':') else { return Vec::new() };
    let mut spans = Vec::new();
    let (mut quoted, mut escaped, mut comment, mut angle) = (false, false, 0usize, false);
    let mut item_start = colon + 1;
    for i in colon + 1..=bytes.len() {
        let b = bytes.get(i).copied();
        let separator = match b {
            None => true,
            Some(_) if escaped => {
                escaped = false;
                false
            }
            Some(b'\\') if quoted || comment > 0 => {
                escaped = true;
                false
            }
            Some(b'"') if comment == 0 => {
                quoted = !quoted;
                false
            }
            Some(b'(') if !quoted => {
                comment += 1;
                false
            }
            Some(b')') if !quoted => {
                comment = comment.saturating_sub(1);
                false
            }
            Some(b'<') if !quoted && comment == 0 => {
                angle = true;
                false
            }
            Some(b'>') if !quoted && comment == 0 => {
                angle = false;
                false
            }
            Some(b',' | b';') => !quoted && comment == 0 && !angle,
            Some(_) => false,
        };
        if separator {
            if let Some(span) = item_span(bytes, item_start, i) {
                spans.push(span);
            }
            item_start = i + 1;
        }
    }
    spans
}

/// The trimmed range of an item if it holds an address.
fn item_span(bytes: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
    let item = bytes.get(start..end)?;
    let has_address = item.contains(&b'@') || item.windows(3).any(|w| w == b"%40");
    let first = item.iter().position(|b| !b.is_ascii_whitespace())?;
    let last = item.iter().rposition(|b| !b.is_ascii_whitespace())?;
    has_address.then_some((start + first, start + last + 1))
}

/// Rule 2: the recipient in the `for` clauses of a Received field: `for <joe@…>` (the inside of the
/// brackets) or `for joe@…` (a token with `@` or `%40`). A bare token without `@` (`for x`, SpamCop's
/// stand-in) is not an address and stays. Hosts, IP addresses and ids around it stay: they are the
/// evidence the customer needs.
pub(super) fn for_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i + 3 <= bytes.len() {
        let word = bytes.get(i..i + 3).is_some_and(|w| w.eq_ignore_ascii_case(b"for"));
        let before = i == 0 || bytes.get(i - 1).is_some_and(|&b| b.is_ascii_whitespace() || b == b'(');
        let after = bytes.get(i + 3).is_some_and(|b| b.is_ascii_whitespace());
        if !(word && before && after) {
            i += 1;
            continue;
        }
        let mut start = i + 3;
        while bytes.get(start).is_some_and(|b| b.is_ascii_whitespace()) {
            start += 1;
        }
        if bytes.get(start) == Some(&b'<') {
            let inner = start + 1;
            let close = bytes.get(inner..).and_then(|r| r.iter().position(|&b| b == b'>' || b == b'\n'));
            let end = close.map_or(bytes.len(), |c| inner + c);
            if end > inner {
                spans.push((inner, end));
            }
            i = end.max(inner);
        } else {
            let len = bytes.get(start..).map_or(0, |r| {
                r.iter().position(|&b| b.is_ascii_whitespace() || matches!(b, b';' | b'(' | b')')).unwrap_or(r.len())
            });
            let token = bytes.get(start..start + len).unwrap_or_default();
            if token.contains(&b'@') || token.windows(3).any(|w| w == b"%40") {
                spans.push((start, start + len));
            }
            i = start + len.max(1);
        }
    }
    spans
}

/// `text` with each range replaced by `marker`; ranges are sorted and disjoint. Returns the count too.
pub(super) fn splice(text: &str, spans: &[(usize, usize)], marker: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut count = 0;
    for &(start, end) in spans {
        if let (Some(kept), true) = (text.get(pos..start), end <= text.len()) {
            out.push_str(kept);
            out.push_str(marker);
            pos = end;
            count += 1;
        }
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    (out, count)
}

//! The evidence a customer reads for one report, built from an allowlist: only what is positively the
//! customer's own is taken, everything else is withheld and said so.
//!
//! * **Lines** (a CSV or table row with its header, log lines, a labelled line, a text report): the lines
//!   naming the customer's address; a table's header line when it names no address. Lines about other
//!   addresses are withheld: a notice listing many hosts shows each customer its own rows only.
//! * **An embedded original message**: Date, Subject, From, Message-ID, Content-Type (its media type only)
//!   and the Received lines naming the customer's address; its body as text (the text part, else the HTML
//!   part as text; a body whose transfer encoding was not recognised is sniffed). Every other header and
//!   every attachment is withheld.
//! * **A letter** (a report without evidence text, such as a hand-written complaint): the lines of its body
//!   naming the customer's address, never the rest of the letter, its headers or its signature.
//!
//! What is taken then goes through the masking rules (`redact_message`, with the complainant identities as
//! desk identities), and finally through `guard`: a line still naming a complainant in any decoded form
//! is withheld whole.

use std::net::IpAddr;

use mail_parser::{Message, MimeHeaders};

use super::encoding::{decode_base64, decode_quoted_printable, decode_words, to_utf8};
use super::guard::Identities;
use super::headers::{for_spans, kind_of, recipient_spans, FieldKind};
use super::scan::addresses;

/// Evidence larger than this is not read at all: its body is withheld with a note.
pub const MAX_EVIDENCE: usize = 512 * 1024;

/// The report's evidence as the customer may read it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shown {
    /// What is shown, masked.
    pub text: String,
    /// How many items the masking rules replaced.
    pub removed: usize,
    /// What was withheld, one sentence each ("3 lines about other addresses withheld").
    pub withheld: Vec<String>,
}

/// Which formats give a table whose first evidence line is its header.
const TABULAR: [&str; 2] = ["shadowserver", "table"];

/// The evidence of one report for the customer whose address is `own_ip`.
///
/// `evidence` is what the parser stored for the report; `letter` the raw complaint, read only when there
/// is no evidence. `ids` are the complainant identities known for the message.
pub fn report_evidence(format: &str, evidence: Option<&str>, letter: Option<&[u8]>, own_ip: IpAddr, ids: &Identities) -> Shown {
    match (evidence, letter) {
        (Some(e), _) if e.len() > MAX_EVIDENCE => too_large(e.len()),
        (Some(e), _) if super::mime::is_message(e.as_bytes()) => original(e, own_ip, ids),
        (Some(e), _) => {
            let mut shown = lines(e, TABULAR.contains(&format), own_ip, ids, "about other addresses");
            // The parsers store a report's own rows or lines; the notice around them is never read here.
            shown.withheld.push("the rest of the notice (its text, its headers, rows about other addresses) withheld".to_owned());
            shown
        }
        (None, Some(raw)) if raw.len() > MAX_EVIDENCE => too_large(raw.len()),
        (None, Some(raw)) => {
            let msg = parse_mail(raw);
            let body = msg.as_ref().map(|m| body_text(m, raw).0).unwrap_or_default();
            let mut shown = lines(&body, false, own_ip, ids, "of the complaint's text");
            let (text, phones) = mask_phones(&shown.text);
            (shown.text, shown.removed) = (text, shown.removed + phones);
            shown.withheld.insert(0, "the complaint's headers, sender and signature withheld".to_owned());
            shown
        }
        (None, None) => Shown { withheld: vec!["no evidence was stored for this report".to_owned()], ..Shown::default() },
    }
}

/// International phone numbers (`+44 20 7946 0018`) in a letter's lines: a writer's, never the customer's
/// evidence. A `+`, then at least seven digits with spaces, dashes, dots or brackets between them.
fn mask_phones(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut rest = text;
    while let Some(plus) = rest.find('+') {
        let (before, tail) = rest.split_at(plus);
        out.push_str(before);
        let body = tail.get(1..).unwrap_or_default();
        let len = body.find(|c: char| !(c.is_ascii_digit() || " -.()/".contains(c))).unwrap_or(body.len());
        let number = body.get(..len).unwrap_or_default().trim_end_matches([' ', '-', '.', '(', '/']);
        if number.starts_with(|c: char| c.is_ascii_digit()) && number.bytes().filter(u8::is_ascii_digit).count() >= 7 {
            out.push_str(super::MARKER);
            count += 1;
            rest = body.get(number.len()..).unwrap_or_default();
        } else {
            out.push('+');
            rest = body;
        }
    }
    out.push_str(rest);
    (out, count)
}

/// mail-parser, guarded as intake guards it: too many nested containers would overflow the stack, and a
/// panic inside it (damaged part ids) must not reach the portal. `None` then, and the text is read as lines.
fn parse_mail(bytes: &[u8]) -> Option<Message<'_>> {
    if crate::parse::mime::containers(bytes) > crate::parse::mime::MAX_CONTAINERS {
        return None;
    }
    crate::parse::mime::parse(bytes)
}

fn too_large(len: usize) -> Shown {
    Shown { withheld: vec![format!("the evidence ({} KiB) is too large to check and was withheld", len / 1024)], ..Shown::default() }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Whether `line` names `ip` (as an address, not as part of a longer one).
fn names_ip(line: &str, ip: IpAddr) -> bool {
    crate::parse::text::find_ips(line).iter().any(|f| f.ip == ip)
}

/// The lines naming `own_ip` (and a table's header), masked and guarded.
fn lines(text: &str, tabular: bool, own_ip: IpAddr, ids: &Identities, others: &str) -> Shown {
    let mut kept = Vec::new();
    let mut other = 0;
    for (i, line) in text.lines().enumerate() {
        let header = tabular && i == 0 && crate::parse::text::find_ips(line).is_empty();
        if header || names_ip(line, own_ip) {
            kept.push(line);
        } else if !line.trim().is_empty() {
            other += 1;
        }
    }
    let mut shown = masked(&kept.join("\n"), ids);
    if other > 0 {
        shown.withheld.insert(0, format!("{} {others} withheld", plural(other, "line", "lines")));
    }
    shown
}

/// The masking rules, then the guard, over `text`.
fn masked(text: &str, ids: &Identities) -> Shown {
    let literals = ids.literals();
    let extra: Vec<&str> = literals.iter().map(String::as_str).collect();
    let redaction = super::redact_message(text.as_bytes(), &extra);
    let mut out = Vec::new();
    let mut naming = 0;
    for line in redaction.text.lines() {
        // Runs of blank lines (HTML read as text leaves many) are shown as one.
        if line.trim().is_empty() && out.last().is_none_or(|l: &&str| l.is_empty()) {
            continue;
        }
        let line = if line.trim().is_empty() { "" } else { line };
        if ids.found_in(line).is_some() {
            naming += 1;
        } else {
            out.push(line);
        }
    }
    let mut withheld = Vec::new();
    if naming > 0 {
        withheld.push(format!("{} naming a complainant withheld", plural(naming, "line", "lines")));
    }
    Shown { text: out.join("\n"), removed: redaction.removed, withheld }
}

/// Header fields of an original that are shown.
const SHOWN_FIELDS: [&str; 4] = ["date", "subject", "from", "message-id"];

/// An embedded original message: allowlisted headers and its body text.
fn original(raw: &str, own_ip: IpAddr, ids: &Identities) -> Shown {
    let Some(msg) = parse_mail(raw.as_bytes()) else {
        return lines(raw, false, own_ip, ids, "of an unreadable message");
    };
    // The original's recipients are complainants too: in its To/Cc/Delivered-To… and `for <…>` clauses.
    let mut ids = ids.clone();
    ids.extend(&recipients(&msg, raw));
    let mut head = String::new();
    let mut content_type = None;
    let mut withheld_fields = 0;
    for (name, field) in fields(&msg, raw) {
        let value = field.split_once(": ").map_or("", |(_, v)| v);
        if SHOWN_FIELDS.contains(&name.as_str()) || (name == "received" && names_ip(value, own_ip)) {
            head.push_str(&field);
            head.push('\n');
        } else if name == "content-type" {
            content_type = Some(value.split(';').next().unwrap_or_default().trim().to_owned());
        } else {
            withheld_fields += 1;
        }
    }
    let (body, sniffed) = body_text(&msg, raw.as_bytes());
    let mut shown = masked(&format!("{head}\n{body}"), &ids);
    if let Some(ct) = content_type.filter(|ct| ct.bytes().all(|b| b.is_ascii_alphanumeric() || b"/.+-".contains(&b))) {
        shown.text = format!("Content-Type: {ct}\n{}", shown.text);
    }
    // A part read as the body above (a multipart without boundaries) is not also withheld.
    let attachments = if msg.text_body.is_empty() && msg.html_body.is_empty() && msg.parts.len() <= 2 { 0 } else { msg.attachment_count() };
    let mut notes = Vec::new();
    if withheld_fields > 0 {
        notes.push(format!("{} of the reported message withheld", plural(withheld_fields, "header field", "header fields")));
    }
    if attachments > 0 {
        notes.push(format!("{} of the reported message withheld", plural(attachments, "attachment", "attachments")));
    }
    if sniffed {
        notes.push("the body's transfer encoding was not declared properly; it was decoded to check it".to_owned());
    }
    notes.append(&mut shown.withheld);
    shown.withheld = notes;
    shown
}

/// The top-level header fields of a parsed message: lowercased name and `Name: value`, unfolded, with
/// RFC 2047 words decoded.
fn fields(msg: &mail_parser::Message<'_>, raw: &str) -> Vec<(String, String)> {
    msg.headers()
        .iter()
        .map(|h| {
            let value = raw.get(h.offset_start as usize..h.offset_end as usize).unwrap_or_default();
            let value = decode_words(&value.split_whitespace().collect::<Vec<_>>().join(" "));
            (h.name.as_str().to_ascii_lowercase(), format!("{}: {value}", h.name.as_str()))
        })
        .collect()
}

/// The recipients of a message (its To, Cc, Delivered-To… and the `for <…>` clauses of its Received
/// lines), with their display names: the complainants of a reported message.
fn recipients(msg: &mail_parser::Message<'_>, raw: &str) -> Identities {
    let mut ids = Identities::default();
    for (name, field) in fields(msg, raw) {
        let kind = kind_of(&name);
        let spans = match kind {
            FieldKind::Recipient => recipient_spans(&field),
            FieldKind::Received => for_spans(&field),
            _ => Vec::new(),
        };
        for (start, end) in spans {
            for a in addresses(field.get(start..end).unwrap_or_default()) {
                ids.add_address(&a.key, true);
            }
        }
        if kind == FieldKind::Recipient {
            let value = field.split_once(": ").map_or("", |(_, v)| v);
            for word in value.split(['<', ',', ';']).filter(|w| !w.contains('@') && !w.contains('>')) {
                ids.add_name(word, true);
            }
        }
    }
    ids
}

/// The complainants a report's evidence names when it is a reported message: its recipients. Nothing for
/// other evidence (rows, log lines).
pub fn evidence_recipients(evidence: &str) -> Identities {
    if evidence.len() > MAX_EVIDENCE || !super::mime::is_message(evidence.as_bytes()) {
        return Identities::default();
    }
    parse_mail(evidence.as_bytes()).map(|msg| recipients(&msg, evidence)).unwrap_or_default()
}

/// The body a person reads: the first text part, else the first HTML part as text; a body still in an
/// undeclared transfer encoding is decoded (`true` then). HTML is always read as text, so an address
/// written with entities or split by tags is an address again before masking.
fn body_text(msg: &mail_parser::Message<'_>, input: &[u8]) -> (String, bool) {
    let part = msg.text_body.first().or(msg.html_body.first()).and_then(|&i| msg.part(i));
    let declared = part.and_then(|p| p.content_transfer_encoding()).map(|c| c.trim().to_ascii_lowercase());
    let raw = part.map(|p| input.get(p.offset_body as usize..p.offset_end as usize).unwrap_or_default());
    let mut sniffed = false;
    // An HTML-only body is taken as HTML and read as text below (styles and scripts dropped).
    let html_only = !msg.text_body.is_empty() && msg.text_body.first() == msg.html_body.first();
    let mut text = match (html_only, msg.body_text(0)) {
        (false, Some(t)) => t.into_owned(),
        _ => msg.body_html(0).map(|h| h.into_owned()).unwrap_or_default(),
    };
    // A multipart whose boundaries were lost (SpamCop quotes such originals) has no part mail-parser calls
    // a body: its text is what follows the header block.
    if text.trim().is_empty() && msg.parts.len() <= 2 {
        let start = find(input, b"\r\n\r\n").map(|p| p + 4).or_else(|| find(input, b"\n\n").map(|p| p + 2));
        text = start.and_then(|p| input.get(p..)).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    }
    // mail-parser decodes `base64` and `quoted-printable` exactly; `Base64 (comment)`, `x-base64` and the
    // like arrive here still encoded. Decode by what the declaration says or, failing that, by shape.
    let odd = declared.as_deref().is_some_and(|d| !matches!(d, "base64" | "quoted-printable" | "7bit" | "8bit" | "binary"));
    if let (true, Some(raw)) = (odd, raw) {
        let d = declared.unwrap_or_default();
        let bytes = if d.contains("base64") || looks_base64(raw) {
            decode_base64(raw)
        } else {
            decode_quoted_printable(raw)
        };
        text = to_utf8(&bytes, part.and_then(|p| p.content_type()).and_then(|c| c.attribute("charset")));
        sniffed = true;
    } else if looks_base64(text.as_bytes()) {
        let decoded = decode_base64(text.as_bytes());
        if let Ok(s) = String::from_utf8(decoded) {
            text = s;
            sniffed = true;
        }
    }
    if text.contains('<') && text.contains('>') && ["<html", "<body", "<div", "<p", "<span", "<a ", "<br", "<table", "<td"].iter().any(|t| text.to_ascii_lowercase().contains(t)) {
        text = crate::parse::html::to_text(&text);
    }
    (text, sniffed)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Nothing but base64 characters in lines without spaces, long enough not to be a word.
fn looks_base64(bytes: &[u8]) -> bool {
    let trimmed = bytes.trim_ascii();
    trimmed.len() >= 16
        && trimmed.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\n' | b'\r'))
}

#[cfg(test)]
mod tests;

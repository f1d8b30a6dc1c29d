//! Reading MIME: the only module that talks to `mail-parser`.
//!
//! It owns input clean-up (line endings, mbox `From ` lines), the flattened list of leaf parts the
//! format parsers look at, and header access that never indexes into a part list (mail-parser's own
//! convenience methods index `parts[0]`, which would panic on an empty message).

use std::borrow::Cow;
use std::cell::OnceCell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::{DateTime, Utc};
use mail_parser::{Header, HeaderValue, Message, MessageParser, MimeHeaders, PartType};

use super::budget::{Budget, Meter};
use super::{dates, html};
use super::zipped::Archive;

/// Line endings become LF (real reports mix CRLF, LF and bare CR, even within one message) and a
/// leading mbox `From ` envelope line is dropped, so that mail-parser sees an ordinary header block.
pub(crate) fn normalize(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    // Copied a line's run at a time (a byte at a time cost more than reading the MIME structure).
    let mut rest = raw;
    while let Some(cr) = rest.iter().position(|&b| b == b'\r') {
        out.extend_from_slice(rest.get(..cr).unwrap_or_default());
        out.push(b'\n');
        rest = rest.get(cr + 1..).unwrap_or_default();
        if rest.first() == Some(&b'\n') {
            rest = rest.get(1..).unwrap_or_default();
        }
    }
    out.extend_from_slice(rest);
    let start = out.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(out.len());
    out.drain(..start);
    if out.starts_with(b"From ") || out.starts_with(b">From ") {
        let end = out.iter().position(|&b| b == b'\n').map_or(out.len(), |p| p + 1);
        out.drain(..end);
    }
    out
}

/// The most MIME containers (multipart parts and attached messages) a message may have. Real reports have
/// a handful (a report wrapping a complaint wrapping the original is about six); mail-parser and our own
/// walk recurse per level, and thousands of levels overflow the stack, which no `catch_unwind` can stop.
pub(crate) const MAX_CONTAINERS: usize = 64;

/// How many MIME containers a message may declare: its `Content-Type: multipart/…` and `message/…` headers
/// (and folded ones whose value starts on the next line). An upper bound of the nesting depth, counted
/// without parsing.
pub(crate) fn containers(bytes: &[u8]) -> usize {
    bytes
        .split(|&b| b == b'\n')
        .filter(|line| {
            let line = line.trim_ascii_start();
            line.len() >= 13 && line[..13].eq_ignore_ascii_case(b"content-type:") && {
                let value = line[13..].trim_ascii_start();
                let starts = |p: &[u8]| value.len() >= p.len() && value[..p.len()].eq_ignore_ascii_case(p);
                // An empty value may continue on a folded line: count it, erring on the safe side.
                value.is_empty() || starts(b"multipart/") || starts(b"message/")
            }
        })
        .count()
}

/// The most boundaries [`parts`] tells apart: far more than the containers a message may have, so that
/// `boundary=` written in a body adds few, while the work per delimiter line stays bounded.
const MAX_BOUNDARIES: usize = 4 * MAX_CONTAINERS;

/// An upper bound of the MIME parts in a message, counted without parsing it: the lines that open a part
/// (`--` and a boundary some `boundary=` parameter declares). mail-parser builds a structure per part
/// before any limit could be checked, so the count comes first.
fn parts(bytes: &[u8]) -> usize {
    let boundaries = boundaries(bytes);
    if boundaries.is_empty() {
        return 1;
    }
    let opens =
        |line: &[u8]| line.strip_prefix(b"--").is_some_and(|rest| boundaries.iter().any(|b| rest.starts_with(b)));
    1 + bytes.split(|&b| b == b'\n').filter(|line| opens(line)).count()
}

/// The values of the `boundary=` parameters in `bytes` (quoted or not, any case), distinct, at most
/// [`MAX_BOUNDARIES`].
fn boundaries(bytes: &[u8]) -> Vec<&[u8]> {
    const NAME: &[u8] = b"boundary";
    let mut found: Vec<&[u8]> = Vec::new();
    // Finding each `=` first is a byte comparison; the name before it is compared only there.
    let equals = bytes.iter().enumerate().filter(|(_, &b)| b == b'=').map(|(i, _)| i);
    for at in equals {
        let named = at.checked_sub(NAME.len()).and_then(|start| bytes.get(start..at));
        if !named.is_some_and(|n| n.eq_ignore_ascii_case(NAME)) {
            continue;
        }
        let rest = bytes.get(at + 1..).unwrap_or_default();
        let value = match rest.strip_prefix(b"\"") {
            Some(quoted) => quoted.split(|&b| b == b'"' || b == b'\n').next(),
            None => rest.split(|&b| b == b';' || b.is_ascii_whitespace()).next(),
        };
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            if !found.contains(&value) {
                found.push(value);
            }
        }
        if found.len() >= MAX_BOUNDARIES {
            break;
        }
    }
    found
}

/// Why [`parse_within`] gives no message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unparsed {
    /// More parts declared than allowed (see [`parts`]): mail-parser was not run.
    TooManyParts,
    /// No header block could be read, or mail-parser panicked (which a never-panicking entry point must
    /// not pass on).
    Unreadable,
}

/// Parses a message of at most `max_parts` parts (counted from its declared boundaries before mail-parser
/// runs, so an over-large message costs one scan).
pub(crate) fn parse_within(bytes: &[u8], max_parts: usize) -> Result<Message<'_>, Unparsed> {
    if parts(bytes) > max_parts {
        return Err(Unparsed::TooManyParts);
    }
    let parsed = catch_unwind(AssertUnwindSafe(|| MessageParser::default().parse(bytes))).ok().flatten();
    parsed.filter(|p| !p.parts.is_empty()).ok_or(Unparsed::Unreadable)
}

/// Parses a message within the default parse budget; `None` when [`parse_within`] refuses it. Every reader
/// of a message (the portal's evidence, investigation) is bounded alike.
pub(crate) fn parse(bytes: &[u8]) -> Option<Message<'_>> {
    parse_within(bytes, Budget::DEFAULT.mime_parts).ok()
}

/// The body of a leaf part.
#[derive(Clone, Copy)]
pub(crate) enum Body<'a> {
    /// A text part, already decoded to UTF-8 by its charset.
    Text(&'a str),
    /// Any other part, transfer-decoded.
    Bytes(&'a [u8]),
    /// An attached message (`message/rfc822`).
    Message(&'a Message<'a>),
}

/// A non-multipart part of a message, in document order.
pub(crate) struct Leaf<'a> {
    /// `type/subtype`, lower-case; `text/plain` when the part has no Content-Type.
    pub content_type: String,
    /// The attachment's file name, if any.
    pub filename: Option<String>,
    pub body: Body<'a>,
    /// A quoted-printable text part mail-parser left encoded (it does so for a part cut off before its
    /// closing boundary): [`Leaf::text`] decodes it.
    pub undecoded_qp: bool,
    /// [`Leaf::text`], once asked.
    text: OnceCell<Option<Cow<'a, str>>>,
    /// An HTML part rendered as text by [`Leaf::readable`], once asked (several parsers read it).
    rendered: OnceCell<Option<String>>,
}

/// Soft line breaks and `=XX` escapes still in a text part said to be quoted-printable.
fn looks_undecoded_qp(text: &str) -> bool {
    text.contains("=\n") || text.contains("=20\n") || text.contains("=3D")
}

/// Quoted-printable decoding (mail-parser's own decoder), then UTF-8.
fn decode_qp(text: &str) -> Option<String> {
    let bytes = mail_parser::decoders::quoted_printable::quoted_printable_decode(text.as_bytes())?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

impl<'a> Leaf<'a> {
    /// The part as text: text parts as they are, other parts decoded as (lossy) UTF-8 unless they
    /// look binary. Attached messages give `None`.
    pub fn text(&self) -> Option<Cow<'a, str>> {
        // Every parser asks; the decoding (UTF-8 validation of a whole attachment) is done once.
        let text = self.text.get_or_init(|| match self.body {
            Body::Text(t) if self.undecoded_qp => Some(decode_qp(t).map_or(Cow::Borrowed(t), Cow::Owned)),
            Body::Text(t) => Some(Cow::Borrowed(t)),
            Body::Bytes(b) if !looks_binary(b) && !binary_type(&self.content_type) => Some(String::from_utf8_lossy(b)),
            _ => None,
        });
        match text {
            Some(Cow::Borrowed(t)) => Some(Cow::Borrowed(t)),
            Some(Cow::Owned(t)) => Some(Cow::Owned(t.clone())),
            None => None,
        }
    }

    /// The part as a person reads it: an HTML part as text (`html::to_text`), any other as [`Leaf::text`].
    pub fn readable(&self) -> Option<Cow<'_, str>> {
        if self.content_type != "text/html" {
            return self.text();
        }
        let rendered = self.rendered.get_or_init(|| self.text().map(|t| html::to_text(&t)));
        rendered.as_deref().map(Cow::Borrowed)
    }

    /// The raw bytes of a non-message part.
    pub fn bytes(&self) -> Option<&'a [u8]> {
        match self.body {
            Body::Text(t) => Some(t.as_bytes()),
            Body::Bytes(b) => Some(b),
            Body::Message(_) => None,
        }
    }

    /// Whether the file name ends with `suffix` (case-insensitive).
    pub fn filename_ends_with(&self, suffix: &str) -> bool {
        self.filename.as_deref().is_some_and(|f| f.to_ascii_lowercase().ends_with(suffix))
    }
}

/// NUL bytes in the first kilobyte mean binary (zip, images); text never contains them. A PDF may have none
/// there, yet its body is compressed streams: read as text it yields noise that looks like addresses (`9::1`).
fn looks_binary(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-") || bytes.iter().take(1024).any(|&b| b == 0)
}

/// Declared types whose bytes are never text a report is written in: documents and media. Their readable
/// content (a PDF's text layer, an image's words) needs an extractor the desk does not have, so staff read
/// them; `application/octet-stream` stays readable, as reporters send CSV and logs under it.
fn binary_type(content_type: &str) -> bool {
    let (top, sub) = content_type.split_once('/').unwrap_or((content_type, ""));
    matches!(top, "image" | "audio" | "video" | "font")
        || matches!(sub, "pdf" | "msword" | "postscript" | "x-pdf")
        || sub.starts_with("vnd.ms-")
        || sub.starts_with("vnd.openxmlformats")
        || sub.starts_with("vnd.oasis.opendocument")
}

/// The leaf parts of `msg` (not descending into attached messages).
pub(crate) fn leaves<'a>(msg: &'a Message<'a>) -> Vec<Leaf<'a>> {
    msg.parts
        .iter()
        .filter_map(|part| {
            let body = match &part.body {
                PartType::Text(t) | PartType::Html(t) => Body::Text(t),
                PartType::Binary(b) | PartType::InlineBinary(b) => Body::Bytes(b),
                PartType::Message(m) if !m.parts.is_empty() => Body::Message(m),
                PartType::Message(_) | PartType::Multipart(_) => return None,
            };
            let content_type = part.content_type().map_or_else(
                || "text/plain".to_owned(),
                |ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")).to_ascii_lowercase(),
            );
            let filename = part.attachment_name().map(str::to_owned);
            let undecoded_qp = matches!(body, Body::Text(t) if looks_undecoded_qp(t))
                && part.content_transfer_encoding().is_some_and(|e| e.eq_ignore_ascii_case("quoted-printable"));
            let (text, rendered) = (OnceCell::new(), OnceCell::new());
            Some(Leaf { content_type, filename, body, undecoded_qp, text, rendered })
        })
        .collect()
}

/// The attached messages of `msg`, in order.
pub(crate) fn attached_messages<'a>(msg: &'a Message<'a>) -> Vec<&'a Message<'a>> {
    leaves(msg)
        .into_iter()
        .filter_map(|l| match l.body {
            Body::Message(m) => Some(m),
            _ => None,
        })
        .collect()
}

fn top_headers<'a>(msg: &'a Message<'a>) -> &'a [Header<'a>] {
    msg.parts.first().map_or(&[], |p| p.headers.as_slice())
}

/// The raw value of a header, unfolded and trimmed (lossy UTF-8).
fn raw_value(msg: &Message<'_>, h: &Header<'_>) -> String {
    let raw = msg.raw_message.get(h.offset_start as usize..h.offset_end as usize).unwrap_or_default();
    unfold(&String::from_utf8_lossy(raw))
}

/// Joins folded header lines and trims.
pub(crate) fn unfold(value: &str) -> String {
    value.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The raw value of the first top-level header called `name` (case-insensitive).
pub(crate) fn header(msg: &Message<'_>, name: &str) -> Option<String> {
    top_headers(msg).iter().find(|h| h.name().eq_ignore_ascii_case(name)).map(|h| raw_value(msg, h))
}

/// The decoded Subject (RFC 2047 words decoded), or "".
pub(crate) fn subject(msg: &Message<'_>) -> String {
    top_headers(msg)
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case("subject"))
        .map(|h| match h.value() {
            HeaderValue::Text(t) => unfold(t),
            _ => raw_value(msg, h),
        })
        .unwrap_or_default()
}

/// The sender's address from the From header.
pub(crate) struct Sender {
    pub address: Option<String>,
}

impl Sender {
    /// The domain of the address, lower-case.
    pub fn domain(&self) -> Option<String> {
        let address = self.address.as_deref()?;
        address.rsplit_once('@').map(|(_, d)| d.trim_end_matches('>').to_ascii_lowercase())
    }
}

/// The From header of `msg`.
pub(crate) fn sender(msg: &Message<'_>) -> Sender {
    let header = top_headers(msg).iter().find(|h| h.name().eq_ignore_ascii_case("from"));
    let first = header.and_then(|h| h.value().as_address()).and_then(|a| a.first());
    match first {
        Some(addr) => Sender { address: addr.address.as_deref().map(str::to_owned) },
        None => Sender { address: header.map(|h| raw_value(msg, h)) },
    }
}

/// The Message-ID without angle brackets. When there are several (receiving MTAs sometimes add their
/// own above the sender's), the last one is the sender's.
pub(crate) fn message_id(msg: &Message<'_>) -> Option<String> {
    let header = top_headers(msg).iter().rfind(|h| h.name().eq_ignore_ascii_case("message-id"))?;
    let value = match header.value() {
        HeaderValue::Text(t) => t.to_string(),
        HeaderValue::TextList(list) => list.first().map(|t| t.to_string()).unwrap_or_default(),
        _ => raw_value(msg, header),
    };
    let id = value.trim().trim_start_matches('<').trim_end_matches('>').trim().to_owned();
    (!id.is_empty()).then_some(id)
}

/// The Date header, parsed leniently.
pub(crate) fn date(msg: &Message<'_>) -> Option<DateTime<Utc>> {
    header(msg, "date").and_then(|d| dates::parse(&d, None))
}

/// The raw bytes of `msg` (for an attached message, just its own span).
pub(crate) fn raw_bytes<'a>(msg: &'a Message<'a>) -> &'a [u8] {
    let Some(root) = msg.parts.first() else { return &[] };
    let start = root.offset_header as usize;
    let end = (root.offset_end as usize).max(start);
    msg.raw_message
        .get(start..end)
        .filter(|s| !s.is_empty())
        .or_else(|| msg.raw_message.get(start..))
        .unwrap_or_default()
}

/// The decoded body text of `msg`: its inline text/plain parts; failing those its HTML parts as text;
/// failing those any other inline text (a multipart whose boundary never appears is read as text).
/// Read from the parts themselves rather than mail-parser's body lists, which stay empty when a nested
/// multipart is not closed (common in truncated report attachments).
pub(crate) fn body_text(msg: &Message<'_>) -> String {
    let inline: Vec<(String, &str)> = leaves(msg)
        .into_iter()
        .filter(|l| l.filename.is_none())
        .filter_map(|l| match l.body {
            Body::Text(t) => Some((l.content_type, t)),
            _ => None,
        })
        .collect();
    let as_text = |t: &str| {
        let lower = t.get(..t.len().min(2048)).unwrap_or(t).to_ascii_lowercase();
        if lower.contains("<html") || lower.contains("<body") || lower.contains("<br") {
            mail_parser::decoders::html::html_to_text(t)
        } else {
            t.to_owned()
        }
    };
    let tiers: [fn(&str) -> bool; 3] =
        [|ct| ct == "text/plain", |ct| ct == "text/html", |ct| ct != "text/plain" && ct != "text/html"];
    for tier in tiers {
        let text: Vec<String> = inline.iter().filter(|(ct, _)| tier(ct)).map(|(_, t)| as_text(t)).collect();
        if text.iter().any(|t| !t.trim().is_empty()) {
            return text.join("\n");
        }
    }
    String::new()
}

/// Each top-level header as (name, unfolded raw value).
pub(crate) fn header_pairs(msg: &Message<'_>) -> Vec<(String, String)> {
    top_headers(msg).iter().map(|h| (h.name().to_owned(), raw_value(msg, h))).collect()
}

/// A parsed complaint with the views every format parser needs, computed once, and what parsing it has
/// spent of its budget.
pub(crate) struct Mail<'a> {
    pub msg: &'a Message<'a>,
    pub leaves: Vec<Leaf<'a>>,
    pub subject: String,
    pub sender: Sender,
    /// The complaint's own Date: only a reference year for stamps without one, never an incident time.
    pub date: Option<DateTime<Utc>>,
    pub meter: Meter,
    /// The leaves' ZIP archives, unzipped once by the first parser that asks (see `zipped`).
    pub archives: OnceCell<Vec<Archive>>,
}

impl<'a> Mail<'a> {
    pub fn new(msg: &'a Message<'a>, meter: Meter) -> Mail<'a> {
        Mail {
            msg,
            leaves: leaves(msg),
            subject: subject(msg),
            sender: sender(msg),
            date: date(msg),
            meter,
            archives: OnceCell::new(),
        }
    }

    /// The textual leaves' contents, in order.
    pub fn texts(&self) -> Vec<Cow<'a, str>> {
        self.leaves.iter().filter_map(Leaf::text).collect()
    }

    /// The first attached message.
    pub fn attached_message(&self) -> Option<&'a Message<'a>> {
        self.leaves.iter().find_map(|l| match l.body {
            Body::Message(m) => Some(m),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_counted_by_the_declared_boundaries() {
        let mail = b"Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: multipart/alternative;\n boundary=B2\n\n--B2\n\nx\n--B2--\n--b1\n\ny\n-- \nsignature\n--b1--\n";
        assert_eq!(parts(mail), 6, "the top part, every opening or closing delimiter line; not the signature");
        assert_eq!(parts(b"Subject: plain\n\n--not a part\n"), 1);
    }

    #[test]
    fn documents_and_media_are_not_read_as_text() {
        // A PDF without a NUL byte in its first kilobyte, attached as a PDF and as an octet stream.
        let pdf = "%PDF-1.4\n1 0 obj << /Length 9 >> stream\nx9::1 y 198.51.100.7 z\nendstream endobj\n";
        for declared in ["application/pdf", "application/octet-stream"] {
            let mail = format!(
                "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee the file.\n\
                 --b\nContent-Type: {declared}; name=a.bin\n\
                 Content-Disposition: attachment; filename=a.bin\n\n{pdf}--b--\n"
            );
            let msg = mail_parser::MessageParser::default().parse(mail.as_bytes()).expect("a message");
            let texts: Vec<String> = leaves(&msg).iter().filter_map(|l| l.text().map(|t| t.into_owned())).collect();
            assert_eq!(texts.len(), 1, "{declared}: only the text part is text, got {texts:?}");
        }
        // The same bytes without the PDF signature, as an octet stream, are a reporter's log: readable.
        let log = "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream; \
                   name=log.txt\n\n2026-12-01 10:00 198.51.100.7 scan\n--b--\n";
        let msg = mail_parser::MessageParser::default().parse(log.as_bytes()).expect("a message");
        assert!(leaves(&msg).iter().any(|l| l.text().is_some_and(|t| t.contains("198.51.100.7"))));
        assert!(binary_type("image/png") && binary_type("application/vnd.ms-excel") && !binary_type("text/csv"));
    }
}

//! Turning raw message bytes into readable text, split into header fields and text, before redaction.
//!
//! Redacting the raw bytes alone is not enough: an address in a base64 or quoted-printable part, or in an
//! RFC 2047 encoded word (`=?utf-8?B?…?=`), is not visible to a text scanner, yet the customer could decode
//! it. So the message is walked here, by hand rather than through mail-parser's tree, because the output
//! must keep every header line and every byte of plain text where it was:
//!
//! * line endings become LF;
//! * header fields (of the message, of every MIME part, of attached `message/rfc822` messages, and the
//!   field groups of `message/feedback-report`, `message/delivery-status` and `text/rfc822-headers`) become
//!   [`Block::Field`]s, with encoded words decoded;
//! * base64 and quoted-printable bodies are decoded (their `Content-Transfer-Encoding` then reads `8bit`)
//!   and converted from their charset to UTF-8 (the decoders are in `encoding`);
//! * a message quoted as plain text after a marker line (SpamCop's `[ Offending message ]`, a forwarded
//!   message banner) is read like an attached message, since that is what it is;
//! * a part that is not text once decoded (an image, a zip) cannot be redacted and is of no use to the
//!   customer, so it is replaced by a one-line note: [`OMITTED`];
//! * anything that does not parse stays as text, converted lossily: broken input never fails.
//!
//! Nesting deeper than [`MAX_DEPTH`] is left as text, so hostile input cannot exhaust the stack.

use super::encoding::{decode_base64, decode_quoted_printable, decode_words, to_utf8};

/// One piece of the decoded message, in order; concatenated they are the whole readable message.
#[derive(Debug)]
pub(super) enum Block {
    /// One header field with its folded continuation lines and final newline.
    Field {
        text: String,
        /// A field of the outermost header block (not of a part or an attached message).
        top: bool,
    },
    /// Body text, blank lines, MIME boundary lines: everything that is not a header field.
    Text(String),
}

/// How many MIME levels (multiparts and attached messages) are decoded; real reports use about six.
const MAX_DEPTH: usize = 32;

/// The note left where an undecodable (binary) part was.
pub(super) const OMITTED: &str = "[binary attachment not shown]";

/// Header names of which at least one must appear for the start of the input to count as a header block;
/// otherwise it is plain text (a note, a JSON report) whose first line happens to contain a colon.
const MESSAGE_HEADERS: [&str; 10] = [
    "received",
    "return-path",
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "content-type",
    "delivered-to",
];

/// The decoded message as blocks.
pub(super) fn decode(raw: &[u8]) -> Vec<Block> {
    let bytes = normalize(raw);
    let mut blocks = Vec::new();
    if looks_like_message(&bytes) {
        entity(&bytes, 0, true, &mut blocks);
    } else {
        blocks.push(Block::Text(String::from_utf8_lossy(&bytes).into_owned()));
    }
    blocks
}

/// An mbox envelope line (`From joe@example.com Mon Jan …`, `>From …` once quoted) and what follows it.
fn envelope_line(bytes: &[u8]) -> (Option<&[u8]>, &[u8]) {
    if bytes.starts_with(b"From ") || bytes.starts_with(b">From ") {
        let (line, rest) = split_line(bytes);
        (Some(line), rest)
    } else {
        (None, bytes)
    }
}

/// Whether `raw` (any line endings) starts with a message header block, as [`decode`] reads it.
pub(super) fn is_message(raw: &[u8]) -> bool {
    looks_like_message(&normalize(raw))
}

/// Whether `bytes` starts with a message header block (after an optional envelope line).
fn looks_like_message(bytes: &[u8]) -> bool {
    let (fields, _) = header_block(envelope_line(bytes).1);
    fields.iter().any(|f| field_name(f).is_some_and(|n| MESSAGE_HEADERS.contains(&n.as_str())))
}

fn normalize(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        if b == b'\r' {
            bytes.next_if_eq(&b'\n');
            out.push(b'\n');
        } else {
            out.push(b);
        }
    }
    out
}

/// The first line (with its newline) and the rest.
fn split_line(bytes: &[u8]) -> (&[u8], &[u8]) {
    let end = bytes.iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| p + 1);
    bytes.split_at(end)
}

/// The lowercased name of a header field line (`Name: value`): printable ASCII without spaces, up to the
/// colon. `None` for anything else.
pub(super) fn field_name(line: &[u8]) -> Option<String> {
    let colon = line.iter().take(80).position(|&b| b == b':')?;
    let name = line.get(..colon)?;
    let valid = !name.is_empty() && name.iter().all(|b| b.is_ascii_graphic());
    valid.then(|| String::from_utf8_lossy(name).to_ascii_lowercase())
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// The header fields at the start of `bytes` (each with its continuation lines) and what follows them,
/// starting at the blank line or at the first line that is not part of a field.
fn header_block(bytes: &[u8]) -> (Vec<&[u8]>, &[u8]) {
    // Byte ranges of the fields; a continuation line extends the last one.
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut pos = 0;
    while let Some(rest) = bytes.get(pos..).filter(|r| !r.is_empty()) {
        let (line, _) = split_line(rest);
        let continues = matches!(line.first(), Some(b' ' | b'\t')) && !is_blank(line);
        match ranges.last_mut() {
            Some(last) if continues => last.1 = pos + line.len(),
            _ if field_name(line).is_some() => ranges.push((pos, pos + line.len())),
            _ => break,
        }
        pos += line.len();
    }
    let fields = ranges.iter().filter_map(|&(start, end)| bytes.get(start..end)).collect();
    (fields, bytes.get(pos..).unwrap_or_default())
}

/// What a header block says about its body.
#[derive(Default)]
struct ContentInfo {
    /// `type/subtype`, lowercased; empty when absent (then text/plain).
    mime_type: String,
    boundary: Option<String>,
    charset: Option<String>,
    /// `base64`, `quoted-printable`, … lowercased.
    encoding: String,
}

fn content_info(fields: &[&[u8]]) -> ContentInfo {
    let mut info = ContentInfo::default();
    for field in fields {
        let text = String::from_utf8_lossy(field);
        let Some((name, value)) = text.split_once(':') else { continue };
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.eq_ignore_ascii_case("content-type") && info.mime_type.is_empty() {
            let mut params = value.split(';');
            info.mime_type = params.next().unwrap_or_default().trim().to_ascii_lowercase();
            for param in params {
                let Some((key, val)) = param.split_once('=') else { continue };
                let val = val.trim().trim_matches('"').to_string();
                match key.trim().to_ascii_lowercase().as_str() {
                    "boundary" if !val.is_empty() => info.boundary = Some(val),
                    "charset" => info.charset = Some(val),
                    _ => {}
                }
            }
        } else if name.eq_ignore_ascii_case("content-transfer-encoding") {
            info.encoding = value.trim().to_ascii_lowercase();
        }
    }
    info
}

/// One MIME entity: header fields, then a body interpreted according to them.
fn entity(bytes: &[u8], depth: usize, top: bool, out: &mut Vec<Block>) {
    let (envelope, bytes) = envelope_line(bytes);
    if let Some(line) = envelope {
        out.push(Block::Text(String::from_utf8_lossy(line).into_owned()));
    }
    let (fields, rest) = header_block(bytes);
    let info = content_info(&fields);
    let body = match split_line(rest) {
        (line, tail) if !line.is_empty() && is_blank(line) => (Some(line), tail),
        _ => (None, rest),
    };
    let mut body_blocks = Vec::new();
    let decoded = body_of(&info, body.1, depth, &mut body_blocks);
    for field in &fields {
        let name = field_name(field).unwrap_or_default();
        let text = if decoded && name == "content-transfer-encoding" {
            // Keep the name as written; the body below is no longer encoded.
            let written = field.get(..field.iter().position(|&b| b == b':').unwrap_or(0)).unwrap_or_default();
            format!("{}: 8bit\n", String::from_utf8_lossy(written))
        } else {
            decode_words(&String::from_utf8_lossy(field))
        };
        out.push(Block::Field { text, top });
    }
    if let Some(blank) = body.0 {
        out.push(Block::Text(String::from_utf8_lossy(blank).into_owned()));
    }
    out.extend(body_blocks);
}

/// Decodes a body into `out`; true if a transfer encoding was undone.
fn body_of(info: &ContentInfo, body: &[u8], depth: usize, out: &mut Vec<Block>) -> bool {
    let lossy = |b: &[u8]| Block::Text(String::from_utf8_lossy(b).into_owned());
    if depth >= MAX_DEPTH {
        out.push(lossy(body));
        return false;
    }
    let mime = info.mime_type.as_str();
    if let (true, Some(boundary)) = (mime.starts_with("multipart/"), &info.boundary) {
        multipart(body, boundary.as_bytes(), depth + 1, out);
        return false;
    }
    let (content, decoded) = match info.encoding.as_str() {
        "base64" => (decode_base64(body), true),
        "quoted-printable" => (decode_quoted_printable(body), true),
        _ => (body.to_vec(), false),
    };
    match mime {
        "message/rfc822" | "message/global" => entity(&content, depth + 1, false, out),
        "message/feedback-report"
        | "message/delivery-status"
        | "message/global-delivery-status"
        | "text/rfc822-headers"
        | "message/global-headers" => field_groups(&content, out),
        "" | "text/plain" => plain_text(&content, info.charset.as_deref(), depth, out),
        _ if mime.starts_with("text/") || mime.starts_with("message/") => {
            out.push(Block::Text(with_newline(to_utf8(&content, info.charset.as_deref()))));
        }
        // Anything else is shown only if it turns out to be text (JSON, XML, a mislabelled .eml).
        _ => match String::from_utf8(content) {
            Ok(text) if !text.contains('\0') => out.push(Block::Text(with_newline(text))),
            _ => out.push(Block::Text(format!("{OMITTED}\n"))),
        },
    }
    decoded
}

/// Lines after which reports quote the reported message as plain text (lowercase, searched in the line):
/// SpamCop's section title, its `BEGIN FORWARDED MESSAGE` banner, and the forward separators of common
/// mail programs.
const QUOTE_MARKERS: [&str; 4] =
    ["[ offending message ]", "begin forwarded message", "-----original message-----", "---------- forwarded message"];

/// How many quote markers in one text are followed up.
const MAX_QUOTE_ATTEMPTS: usize = 8;

/// Plain text, in which the first message quoted after one of [`QUOTE_MARKERS`] is decoded as an attached
/// message would be: its fields become fields and its encoded parts are decoded.
fn plain_text(content: &[u8], charset: Option<&str>, depth: usize, out: &mut Vec<Block>) {
    let mut pos = 0;
    // Each attempt reads the header block after a marker; a bound on attempts keeps text made of marker
    // lines that are also field lines from being read again and again.
    let mut attempts = 0;
    while let Some(rest) = content.get(pos..).filter(|r| !r.is_empty() && attempts < MAX_QUOTE_ATTEMPTS) {
        let (line, _) = split_line(rest);
        pos += line.len();
        let marker = String::from_utf8_lossy(line).to_ascii_lowercase();
        if !QUOTE_MARKERS.iter().any(|m| marker.contains(m)) {
            continue;
        }
        attempts += 1;
        let mut start = pos;
        while let Some((blank, _)) = content.get(start..).map(split_line).filter(|(l, _)| !l.is_empty() && is_blank(l))
        {
            start += blank.len();
        }
        let (before, quoted) = content.split_at(start.min(content.len()));
        if looks_like_message(quoted) {
            out.push(Block::Text(to_utf8(before, charset)));
            entity(quoted, depth + 1, false, out);
            return;
        }
    }
    out.push(Block::Text(with_newline(to_utf8(content, charset))));
}

fn with_newline(mut text: String) -> String {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The parts between `--boundary` lines, each an entity; preamble, delimiter lines and epilogue are text.
fn multipart(body: &[u8], boundary: &[u8], depth: usize, out: &mut Vec<Block>) {
    let mut delimiter = b"--".to_vec();
    delimiter.extend_from_slice(boundary);
    let mut pos = 0;
    let mut part_start: Option<usize> = None; // None: preamble or epilogue, shown as text
    let mut text_start = 0;
    while let Some(rest) = body.get(pos..).filter(|r| !r.is_empty()) {
        let (line, _) = split_line(rest);
        let trimmed = line.trim_ascii_end();
        let closing = trimmed.strip_prefix(delimiter.as_slice()) == Some(b"--".as_slice());
        if trimmed == delimiter.as_slice() || closing {
            let before = body.get(part_start.unwrap_or(text_start)..pos).unwrap_or_default();
            match part_start {
                Some(_) => entity(before, depth, false, out),
                None if !before.is_empty() => out.push(Block::Text(String::from_utf8_lossy(before).into_owned())),
                None => {}
            }
            out.push(Block::Text(String::from_utf8_lossy(line).into_owned()));
            part_start = (!closing).then_some(pos + line.len());
            text_start = pos + line.len();
        }
        pos += line.len();
    }
    let tail = body.get(part_start.unwrap_or(text_start)..).unwrap_or_default();
    match part_start {
        Some(_) => entity(tail, depth, false, out),
        None if !tail.is_empty() => out.push(Block::Text(String::from_utf8_lossy(tail).into_owned())),
        None => {}
    }
}

/// Blocks of fields separated by blank lines (RFC 5965 feedback reports, RFC 3464 delivery status).
fn field_groups(bytes: &[u8], out: &mut Vec<Block>) {
    let mut rest = bytes;
    while !rest.is_empty() {
        let (line, tail) = split_line(rest);
        if is_blank(line) {
            out.push(Block::Text(String::from_utf8_lossy(line).into_owned()));
            rest = tail;
            continue;
        }
        let (fields, after) = header_block(rest);
        if fields.is_empty() {
            out.push(Block::Text(String::from_utf8_lossy(rest).into_owned()));
            return;
        }
        for field in fields {
            out.push(Block::Field { text: decode_words(&String::from_utf8_lossy(field)), top: false });
        }
        rest = after;
    }
}

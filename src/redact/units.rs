//! The decoded message cut into units that each get one treatment: a header field of some kind, a run of
//! body text, or a complainant's private comment (rule 7).
//!
//! Header fields come from the MIME walk, but reports also quote the reported message as plain text
//! (forwarded mail that `mime` could not read as a message). So inside text, a line that starts like a
//! recipient, Received or evidence field (see `headers`) is treated as that field, with its indented
//! continuation lines; any other `Name: value` line in text stays body text.
//!
//! Rule 7 recognises these comment markers (case-insensitive, on a line of their own after leading
//! whitespace):
//! * a bracketed section title mentioning a comment or a note, in SpamCop's `[ … ]` style: `[ Additional
//!   comments ]`, `[ Notes from the reporter ]`. The comment is every following line up to the next
//!   bracketed section title (such as `[ Offending message ]`) or a `BEGIN FORWARDED MESSAGE` line;
//! * one of [`COLON_MARKERS`] (`Comments from recipient:` …). The comment is the rest of that line and the
//!   following lines up to a blank line (or a bracketed section title).
//!
//! The marker itself stays, so the customer sees that a comment was there.

use super::headers::{kind_of, FieldKind};
use super::mime::{field_name, Block};

/// Rule 7's colon-terminated markers, lowercase.
const COLON_MARKERS: [&str; 9] = [
    "comments from recipient:",
    "comments from the recipient:",
    "comments from reporter:",
    "comments from the reporter:",
    "recipient comments:",
    "reporter comments:",
    "user comments:",
    "additional comments:",
    "complainant comments:",
];

/// How a unit is redacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A header field (from a header block, or a quoted header line in text).
    Field(FieldKind),
    /// Body text.
    Body,
    /// A comment's text; `inline` when it started on the marker's own line (after the colon).
    Comment { inline: bool },
}

/// A slice of the decoded message with its treatment.
#[derive(Debug)]
pub(super) struct Unit<'a> {
    pub(super) kind: Kind,
    pub(super) text: &'a str,
    /// The lowercase field name, for fields.
    pub(super) name: Option<String>,
    /// A field of the outermost header block.
    pub(super) top: bool,
}

/// The units of the decoded message, in order; their texts concatenated are the whole message.
pub(super) fn units(blocks: &[Block]) -> Vec<Unit<'_>> {
    let mut out = Vec::new();
    for block in blocks {
        match block {
            Block::Field { text, top } => {
                let name = field_name(text.as_bytes());
                let kind = Kind::Field(name.as_deref().map_or(FieldKind::Other, kind_of));
                out.push(Unit { kind, text, name, top: *top });
            }
            Block::Text(text) => text_units(text, &mut out),
        }
    }
    out
}

/// A comment being collected.
struct OpenComment {
    start: usize,
    /// Started after a colon marker: a blank line ends it, once it has some text.
    inline: bool,
    has_text: bool,
}

fn text_units<'a>(text: &'a str, out: &mut Vec<Unit<'a>>) {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |pos, line| {
            let start = *pos;
            *pos += line.len();
            Some((start, line))
        })
        .collect();
    let mut body_start: Option<usize> = None;
    let mut comment: Option<OpenComment> = None;
    let push = |out: &mut Vec<Unit<'a>>, kind, start: usize, end: usize, name| {
        if let Some(slice) = text.get(start..end).filter(|s| !s.is_empty()) {
            out.push(Unit { kind, text: slice, name, top: false });
        }
    };
    let mut i = 0;
    while let Some(&(start, line)) = lines.get(i) {
        i += 1;
        if let Some(open) = &mut comment {
            if !ends_comment(line, open.inline && open.has_text) {
                open.has_text |= !line.trim().is_empty();
                continue;
            }
            push(out, Kind::Comment { inline: open.inline }, open.start, start, None);
            comment = None;
        }
        if let Some((offset, inline)) = comment_marker(line) {
            push(out, Kind::Body, body_start.take().unwrap_or(start), start + offset, None);
            let has_text = !line.get(offset..).unwrap_or_default().trim().is_empty();
            comment = Some(OpenComment { start: start + offset, inline, has_text });
            continue;
        }
        let name = field_name(line.as_bytes());
        let kind = name.as_deref().map_or(FieldKind::Other, kind_of);
        if kind == FieldKind::Other {
            body_start.get_or_insert(start);
            continue;
        }
        if let Some(body) = body_start.take() {
            push(out, Kind::Body, body, start, None);
        }
        let mut end = start + line.len();
        while let Some(&(next, more)) = lines.get(i).filter(|(_, l)| is_continuation(l)) {
            end = next + more.len();
            i += 1;
        }
        push(out, Kind::Field(kind), start, end, name);
    }
    if let Some(open) = comment {
        push(out, Kind::Comment { inline: open.inline }, open.start, text.len(), None);
    } else if let Some(body) = body_start {
        push(out, Kind::Body, body, text.len(), None);
    }
}

fn is_continuation(line: &str) -> bool {
    line.starts_with([' ', '\t']) && !line.trim().is_empty()
}

/// `[ Offending message ]`, `[ SpamCop V5.4.0 ]`: a title line in SpamCop's layout.
fn is_section_title(line: &str) -> bool {
    let line = line.trim();
    line.len() >= 2 && line.starts_with('[') && line.ends_with(']')
}

/// Where a comment starts in `line` (the byte offset after its marker) and whether it is inline.
fn comment_marker(line: &str) -> Option<(usize, bool)> {
    if is_section_title(line) {
        let title = line.trim().to_ascii_lowercase();
        return (title.contains("comment") || title.contains("note")).then_some((line.len(), false));
    }
    let indent = line.len() - line.trim_start().len();
    let rest = line.get(indent..)?;
    COLON_MARKERS.iter().find_map(|marker| {
        let head = rest.get(..marker.len())?;
        head.eq_ignore_ascii_case(marker).then_some((indent + marker.len(), true))
    })
}

fn ends_comment(line: &str, at_blank: bool) -> bool {
    is_section_title(line)
        || line.to_ascii_lowercase().contains("begin forwarded message")
        || (at_blank && line.trim().is_empty())
}

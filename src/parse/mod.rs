//! Report parsing: one raw e-mail in, zero or more structured abuse reports out.
//!
//! Pure: no I/O, no async, no database, and [`parse_message`] never panics. Each report format has its
//! own module (citing its specification); the shared modules read MIME, dates, IPs, the original
//! message and the reporter. Formats are tried from the most specific signature to the most general
//! heuristic, and the first that recognises the message decides its [`Format`].

mod acns;
mod arf;
mod autoreply;
mod blocklist;
mod budget;
mod candidates;
mod classify;
mod dates;
mod dmarc;
mod fields;
mod fingerprint;
mod freeform;
pub(crate) mod html; // also the portal's evidence (src/redact/allowlist.rs)
mod jmrp;
mod labelled;
mod listing;
mod mentions;
// MIME access, the reading of an original message and the IP/URL helpers are shared with
// `crate::investigation`, which reads reported originals the same way.
pub(crate) mod mime;
mod model;
pub(crate) mod original;
pub mod profile; // reporter profiles as data; the CLI lists and tests them
pub(crate) mod reporter; // also the portal's complainant rule (src/redact/complainant.rs)
mod shadowserver;
mod shape;
mod spamcop;
mod table;
pub(crate) mod text;
mod vocabulary;
mod w3c;
mod xarf;
mod xarf_json;
mod xlsx;
mod xml_ref;
mod zipped;

pub use budget::{Budget, OverBudget};
pub use model::{Format, ParseError, ParsedMessage, ParsedReport, ReportRole, ReportType};
pub use shape::{message_shape, MessageShape};

use mime::Mail;

/// A format parser: `None` when the message is not in its format.
type FormatParser = fn(&Mail<'_>) -> Option<ParsedMessage>;

/// Most specific first: mail marked as automatic is no complaint whatever it quotes; SpamCop reports are
/// often ARF and ARF can carry X-ARF, so the outer signature wins; then the structured payloads, then the
/// replies and acknowledgements (never complaints, whatever they quote); then the reporter profiles (data that
/// knows one reporter's template); then the rules that read what a message says in words (tables, log
/// notices, labelled values); and last the Received-chain fallback for forwarded mail.
const PARSERS: [FormatParser; 17] = [
    autoreply::parse_marked,
    spamcop::parse,
    xarf::parse,
    arf::parse,
    jmrp::parse,
    acns::parse,
    dmarc::parse,
    shadowserver::parse,
    autoreply::parse_reply,
    autoreply::parse_worded,
    profile::parse,
    table::parse,
    w3c::parse,
    listing::parse,
    blocklist::parse,
    labelled::parse,
    freeform::parse,
];

/// Parses one raw e-mail (as received, any line endings) into abuse reports, within [`Budget::DEFAULT`].
///
/// A message no parser understands is `Ok` with [`Format::Unknown`] and no reports. A bare XARF JSON
/// document (not wrapped in an e-mail) is accepted too.
///
/// # Errors
/// [`ParseError::Empty`] for empty input, [`ParseError::Unreadable`] when no header block can be read,
/// [`ParseError::TooDeep`] for pathological MIME nesting, [`ParseError::OverBudget`] when parsing would
/// cost more than the budget allows.
pub fn parse_message(raw: &[u8]) -> Result<ParsedMessage, ParseError> {
    parse_message_within(raw, Budget::DEFAULT)
}

/// [`parse_message`] within `budget`.
///
/// # Errors
/// As [`parse_message`].
pub fn parse_message_within(raw: &[u8], budget: Budget) -> Result<ParsedMessage, ParseError> {
    let meter = budget::Meter::new(budget);
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    let bytes = mime::normalize(raw);
    if mime::containers(&bytes) > mime::MAX_CONTAINERS {
        return Err(ParseError::TooDeep(mime::MAX_CONTAINERS));
    }
    if let Some(parsed) = xarf_json::parse_document(&bytes, &meter) {
        return within(parsed, &meter);
    }
    let msg = match mime::parse_within(&bytes, budget.mime_parts) {
        Ok(msg) => msg,
        Err(mime::Unparsed::TooManyParts) => {
            return Err(ParseError::OverBudget(OverBudget::MimeParts(budget.mime_parts)))
        }
        Err(mime::Unparsed::Unreadable) => return Err(ParseError::Unreadable),
    };
    // Parameters the count above cannot see (RFC 2231 continuations) are caught once parsed.
    if msg.parts.len() > budget.mime_parts {
        return Err(ParseError::OverBudget(OverBudget::MimeParts(budget.mime_parts)));
    }
    let mail = Mail::new(&msg, meter);
    let mut recognised = None;
    // A feed whose data could not be read (an encrypted zip, a XARF document without an address) is
    // recognised but names nobody; what the message says in words is still read, and the feed's
    // warnings are kept either way.
    let mut unreadable_feed: Option<ParsedMessage> = None;
    for parse in PARSERS {
        if mail.meter.is_over() {
            break;
        }
        match parse(&mail) {
            Some(p) if p.reports.is_empty() && matches!(p.format, Format::Shadowserver | Format::Xarf) => {
                unreadable_feed.get_or_insert(p);
            }
            Some(p) => {
                recognised = Some(p);
                break;
            }
            None => {}
        }
    }
    if let Some(feed) = unreadable_feed {
        match &mut recognised {
            Some(found) if !found.reports.is_empty() => found.warnings.extend(feed.warnings),
            _ => recognised = Some(feed),
        }
    }
    let mut parsed = recognised.unwrap_or_else(|| {
        let mut unknown = ParsedMessage::new(Format::Unknown);
        unknown.warnings.push("no parser recognised this message".to_owned());
        unknown
    });
    if parsed.format == Format::Unknown && !mail.meter.is_over() {
        // Staff decide: show them every routable address and where it stands, without choosing one.
        parsed.warnings.extend(candidates::describe(&mail));
    }
    parsed.dedup_reports();
    within(parsed, &mail.meter)
}

/// `parsed`, unless its parse crossed a limit or it holds more reports than the budget (formats that
/// yield few reports are only counted here, at the end).
fn within(parsed: ParsedMessage, meter: &budget::Meter) -> Result<ParsedMessage, ParseError> {
    if parsed.reports.len() > meter.budget().reports {
        meter.trip(OverBudget::Reports(meter.budget().reports));
    }
    match meter.exceeded() {
        Some(why) => Err(ParseError::OverBudget(why)),
        None => Ok(parsed),
    }
}

/// The address a report came from (its From), to answer the reporter; `None` when there is none or the
/// message cannot be read.
pub fn report_sender(raw: &[u8]) -> Option<String> {
    let bytes = mime::normalize(raw);
    if mime::containers(&bytes) > mime::MAX_CONTAINERS {
        return None;
    }
    let msg = mime::parse(&bytes)?;
    mime::sender(&msg).address.filter(|a| a.contains('@'))
}

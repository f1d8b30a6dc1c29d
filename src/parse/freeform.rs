//! The free-form fallback: a complaint in no known format that forwards the offending message, as an
//! attachment or quoted inline. The source is the first external hop of that message's Received chain
//! (see `original` for the rule); the report is spam from that source, timed by that hop. The person who
//! forwarded it is the complainant.

use super::mime::Mail;
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::original::{Original, Reporter};
use super::{reporter, text};

/// The quoted original: from the first `Received:` line of a text part (quoting removed).
fn inline_original(mail: &Mail<'_>) -> Option<Original> {
    mail.texts().iter().find_map(|t| {
        let unquoted = text::unquote(t);
        let start =
            unquoted.find("\nReceived: ").map(|p| p + 1).or_else(|| unquoted.starts_with("Received: ").then_some(0))?;
        Original::from_text(unquoted.get(start..)?)
    })
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let original = match mail.attached_message() {
        Some(msg) => Original::from_message(msg),
        None => inline_original(mail)?,
    };
    let reporter = Reporter::of(mail.msg, mail.sender.domain().as_deref());
    let mut candidates = std::iter::once(&original).chain(original.nested.iter());
    let Some((source, hop)) = candidates.find_map(|o| o.first_hop_outside(&reporter).map(|h| (o, h))) else {
        let mut unknown = ParsedMessage::new(Format::Unknown);
        unknown.warnings.push(
            "forwarded message found, but its Received chain has no hop from outside the reporter's own network"
                .to_owned(),
        );
        return Some(unknown);
    };
    let ip = hop.ip?;
    let mut r = ParsedReport::new(ReportType::Spam, ReportRole::Source, ip, &reporter::from_sender(&mail.sender));
    r.incident_time = hop.time;
    r.complainant.clone_from(&mail.sender.address);
    source.fill(&mut r);
    let mut out = ParsedMessage::new(Format::FreeForm);
    out.warnings
        .push("no report format recognised; source taken from the forwarded message's Received chain".to_owned());
    out.reports.push(r);
    Some(out)
}

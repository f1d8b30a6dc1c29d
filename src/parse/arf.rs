//! ARF, the Abuse Reporting Format (RFC 5965, with RFC 6692 `Source-Port` and RFC 6650 usage), as sent
//! by feedback loops (AOL, Yahoo, Comcast via Return Path, Zoho, ...), spam filters and DMARC tools.
//!
//! Real feedback loops break the RFC, so parsing is lenient: `Version: 0.1`, `Received-Date` instead of
//! `Arrival-Date`, field names in any case, comments after the IP, a base64-encoded or mislabelled
//! `message/feedback-report` part, `Redacted-Address` and hashed `Original-Rcpt-To` values. Without a
//! `Source-IP` the source is the first external hop of the attached original (see `original`).
//! `Feedback-Type: xarf` hands the message to the X-ARF parser.

use super::fields::{self, Fields};
use super::mime::{Body, Mail};
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::original::Original;
use super::{classify, dates, reporter, text, xarf};

/// The machine-readable part of an ARF message: the `message/feedback-report` part, or (when that is
/// missing or mislabelled) a text part whose header block has `Feedback-Type`.
pub(crate) fn feedback_report(mail: &Mail<'_>) -> Option<(Fields, String)> {
    let labelled = mail.leaves.iter().find(|l| l.content_type == "message/feedback-report");
    let candidates = labelled.into_iter().chain(mail.leaves.iter().filter(|l| l.content_type.starts_with("text/")));
    candidates.filter_map(|leaf| leaf.text()).find_map(|text| {
        let fields = fields::parse_header_block(&text);
        fields.has("Feedback-Type").then(|| (fields, text.into_owned()))
    })
}

/// The original message of an ARF report: the attached message, else a `text/rfc822-headers` part.
pub(crate) fn original(mail: &Mail<'_>) -> Option<Original> {
    if let Some(msg) = mail.attached_message() {
        return Some(Original::from_message(msg));
    }
    mail.leaves.iter().filter(|l| l.content_type == "text/rfc822-headers").find_map(|l| match l.body {
        Body::Text(t) => Original::from_text(t),
        _ => None,
    })
}

/// RFC 5965 §7.3 feedback types (and the older `dkim`, `miscategorized`) to report types.
fn report_type(feedback_type: &str) -> ReportType {
    match feedback_type.trim().to_ascii_lowercase().as_str() {
        "abuse" => ReportType::Spam,
        "fraud" => ReportType::Phishing,
        "virus" => ReportType::Malware,
        "auth-failure" | "dkim" | "not-spam" | "opt-out" | "opt-out-list" | "other" | "miscategorized" => {
            ReportType::Other
        }
        other => classify::from_words(other).unwrap_or(ReportType::Other),
    }
}

/// An address field value without angle brackets.
pub(crate) fn address(value: &str) -> String {
    value.trim().trim_start_matches('<').trim_end_matches('>').trim().to_owned()
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let (report, report_text) = feedback_report(mail)?;
    if report.get("Feedback-Type").is_some_and(|t| t.trim().eq_ignore_ascii_case("xarf")) {
        if let Some(parsed) = xarf::parse(mail) {
            return Some(parsed);
        }
    }
    let mut out = ParsedMessage::new(Format::Arf);
    let original = original(mail);
    let reporter = reporter::from_sender(&mail.sender);
    if let Some(r) = build(mail, &report, &report_text, original.as_ref(), &reporter, &mut out.warnings) {
        out.reports.push(r);
    }
    Some(out)
}

/// One report from ARF fields; shared with the SpamCop parser, whose ARF-layout reports differ only in
/// reporter and role.
pub(crate) fn build(
    mail: &Mail<'_>,
    report: &Fields,
    report_text: &str,
    original: Option<&Original>,
    reporter: &str,
    warnings: &mut Vec<String>,
) -> Option<ParsedReport> {
    let stated = report.get("Source-IP").and_then(text::field_ip);
    let (ip, hop_time) = match stated {
        Some(found) => (found.ip, original.and_then(|o| o.hop_from(found.ip)).and_then(|h| h.time)),
        None => {
            let Some(hop) = original.and_then(Original::first_external_hop) else {
                warnings.push("ARF report without Source-IP, and no external hop in the original".to_owned());
                return None;
            };
            warnings.push("ARF report without Source-IP: source taken from the original's Received chain".to_owned());
            (hop.ip?, hop.time)
        }
    };
    let feedback_type = report.get("Feedback-Type").unwrap_or("abuse");
    let abuse_type = report.get("Abuse-Type").unwrap_or_default().to_ascii_lowercase();
    let role = if abuse_type.contains("trap") { ReportRole::SpamtrapHit } else { ReportRole::Source };
    let mut r = ParsedReport::new(report_type(feedback_type), role, ip, reporter);
    r.source_port = report.get("Source-Port").and_then(|p| p.trim().parse().ok());
    r.incident_time = report
        .get("Arrival-Date")
        .or_else(|| report.get("Received-Date"))
        .and_then(|d| dates::parse(d, mail.date))
        .or(hop_time);
    r.urls = report.all("Reported-URI").map(str::to_owned).collect();
    // Redacted-Address (RFC 6590) is by definition not an identity, so it is not a complainant.
    r.complainant = report
        .get("Original-Rcpt-To")
        .or_else(|| report.get("Removal-Recipient"))
        .map(address)
        .or_else(|| original.and_then(|o| o.header("X-HmXmrOriginalRecipient")).map(address))
        .filter(|c| !c.is_empty());
    match original {
        Some(o) => o.fill(&mut r),
        None => r.evidence = Some(text::evidence(report_text)),
    }
    Some(r)
}

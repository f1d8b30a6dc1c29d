//! Reports that name the reported host in words rather than in a machine format: national CERTs, hosting
//! providers, web forms and people write `IP address: …`, `Source IP: …`, `Adresse IP : …`, list the
//! addresses under a sentence, or put them in the Subject ("Abuse from …"). Where in the text an address
//! counts is `mentions`' business; this module turns the mentions into reports:
//!
//! 1. the body's mentions (labels, sentences, lists, bracketed hosts) and a pasted web form's `Subject:`;
//! 2. failing those, the log lines of the body;
//! 3. and the Subject's addresses, unless it is a reply (`Re:`, `AW:`, a ticket tag then `Re:`). A reply
//!    to a conversation (`In-Reply-To`) is no new complaint and is left for staff.
//!
//! The time is the mention's own line's, else a labelled time field; the type a labelled type field, else
//! the Subject's or the body's wording.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::mentions::{self, Mention};
use super::mime::{self, Mail};
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::{autoreply, classify, dates, reporter, text};

/// Labels of a report's time, in order of preference.
const TIME_LABELS: &[&str] = &[
    "timestamp",
    "event time",
    "time of detection",
    "date seen utc",
    "date seen",
    "first seen",
    "attack time",
    "incident time",
    "start time utc",
    "start time",
    "detected",
    "detection time",
    "date time",
    "date",
    "time",
    "datum",
    "zeitstempel",
    "last seen",
];

/// Label words for the report type.
const TYPE_LABELS: &[&str] =
    &["type", "category", "classification", "report type", "event type", "abuse type", "incident type"];

/// The words of a label, lower-case.
fn label_words(label: &str) -> Vec<String> {
    label.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Splits a line into (label, value) at the first `:`, `=`, ` | ` or tab after a short label.
fn split_label(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start_matches(['*', '-', '•', ' ', '\t', '>']);
    let cut = line.char_indices().take(64).find(|(_, c)| matches!(c, ':' | '=' | '|' | '\t'))?.0;
    let (label, rest) = line.split_at(cut);
    let value = rest.get(1..).unwrap_or_default();
    // IPv6 values contain ':'; a label never starts with a digit.
    if label.trim().is_empty() || label.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((label.trim(), value.trim()))
}

/// A labelled time anywhere in the text, by [`TIME_LABELS`] preference.
fn labelled_time(lines: &[&str], reference: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    let labelled: Vec<(String, &str)> =
        lines.iter().filter_map(|l| split_label(l)).map(|(l, v)| (label_words(l).join(" "), v)).collect();
    TIME_LABELS
        .iter()
        .find_map(|want| labelled.iter().filter(|(l, _)| l == want).find_map(|(_, v)| dates::parse(v, reference)))
}

fn labelled_type(lines: &[&str]) -> Option<ReportType> {
    lines
        .iter()
        .filter_map(|l| split_label(l))
        .filter(|(l, _)| TYPE_LABELS.contains(&label_words(l).join(" ").as_str()))
        .find_map(|(_, v)| classify::from_words(v))
}

/// Whether the Subject is a reply or an automatic answer, whose addresses are not a complaint's.
fn is_reply(subject: &str) -> bool {
    // Ticket systems put their tag first: "[Ticket#123] Re: …".
    let lower = autoreply::untagged_subject(subject);
    ["re:", "re :", "aw:", "antw:", "sv:", "vs:", "automatic reply", "auto:", "autoreply", "out of office"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// The body texts, HTML as text, defanged addresses restored; a complaint forwarded as an attachment
/// (`message/rfc822`) is read too, one level deep.
fn body_texts(mail: &Mail<'_>) -> Vec<String> {
    let forwarded = mime::attached_messages(mail.msg).into_iter().flat_map(mime::leaves);
    mail.leaves
        .iter()
        .filter(|leaf| !matches!(leaf.body, mime::Body::Message(_)))
        .chain(forwarded.collect::<Vec<_>>().iter())
        .filter_map(|leaf| {
            let t = leaf.readable()?;
            Some(text::refang(&text::unquote(&t)).into_owned())
        })
        .collect()
}

/// The addresses a Subject names, unless it is a reply or an automatic answer.
fn subject_mentions(subject: &str) -> Vec<Mention> {
    if is_reply(subject) {
        return Vec::new();
    }
    let line = format!("Subject: {subject}");
    text::find_ips(&text::refang(subject))
        .into_iter()
        .filter(|f| text::is_global(f.ip))
        .map(|f| Mention { ip: f.ip, port: f.port, line: line.clone() })
        .collect()
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let texts = body_texts(mail);
    let mut found: Vec<Mention> = texts.iter().flat_map(|t| mentions::in_text(t)).collect();
    // A web form pasted into the body keeps its own "Subject:" line.
    let pasted_subjects: Vec<Mention> = texts
        .iter()
        .flat_map(|t| t.lines())
        .filter_map(|l| l.trim().strip_prefix("Subject:"))
        .flat_map(subject_mentions)
        .collect();
    found.extend(pasted_subjects);
    // A CDN forwarding a complaint names "the actual host" of the site (its origin server) beside the
    // addresses the complaint saw, which are the CDN's own: then only the actual host is reported.
    let actual = |m: &Mention| m.line.to_lowercase().contains("actual host");
    if found.iter().any(actual) {
        found.retain(actual);
    }
    if found.is_empty() {
        found = texts.iter().flat_map(|t| mentions::in_logs(t)).collect();
    }
    // A reply that quotes a complaint is not one: whatever its body names stays for staff to read.
    if is_reply(&mail.subject) && mime::header(mail.msg, "in-reply-to").is_some() {
        return None;
    }
    found.extend(subject_mentions(&mail.subject));
    if found.is_empty() {
        return None;
    }
    let all_lines: Vec<&str> = texts.iter().flat_map(|t| t.lines()).collect();
    let time = labelled_time(&all_lines, mail.date);
    let head: String = all_lines.iter().take(80).copied().collect::<Vec<_>>().join(" ");
    let report_type = labelled_type(&all_lines)
        .or_else(|| classify::from_words(&mail.subject))
        .or_else(|| classify::from_words(&head))
        .unwrap_or(ReportType::Other);
    let reporter = reporter::from_sender(&mail.sender);
    let mut out = ParsedMessage::new(Format::Labelled);
    let mut seen = HashSet::new();
    for m in found {
        if mail.meter.reports_full(out.reports.len()) {
            break;
        }
        if !seen.insert(m.ip) {
            continue;
        }
        let mut r = ParsedReport::new(report_type, ReportRole::Source, m.ip, &reporter);
        r.source_port = m.port;
        r.incident_time = dates::find(&m.line, mail.date).or(time);
        r.urls = text::find_urls(&m.line);
        r.evidence = Some(text::evidence(&m.line));
        out.reports.push(r);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_and_labels_of_time() {
        assert!(is_reply("RE: Abuse from 8.8.4.4"));
        assert!(is_reply("[Ticket#123] Re: Abuse from 8.8.4.4"));
        assert!(!is_reply("Abuse from 8.8.4.4"));
        assert_eq!(subject_mentions("SSH brute-force 8.8.4.4, 9.9.9.9").len(), 2);
        let t = labelled_time(&["Timestamp: 2024-01-02 03:04:05 UTC", "Date: yesterday"], None);
        assert_eq!(t.map(|t| t.to_rfc3339()), Some("2024-01-02T03:04:05+00:00".to_owned()));
    }
}

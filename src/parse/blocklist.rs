//! Blocklist / fail2ban / firewall-log notices (blocklist.de without its X-ARF part, fail2ban's mail
//! action, myNetWatchman, WebIron, DShield style): one offending IP plus log lines with times.
//!
//! There is no specification, so the rules are explicit:
//! * a *record* is a text line with a date and time of day; a short paragraph (up to 8 lines) with a
//!   single such time is one record, because notices wrap log lines;
//! * the offender is the IP in the Subject when there is one; otherwise the one IP that every
//!   IP-bearing record shares (a firewall line also prints the victim's address). Anything else is
//!   ambiguous and left to other parsers;
//! * the records about the offender are those naming it, plus, when the Subject named it, those
//!   naming no address at all (tables of times under a "Source IP:" heading);
//! * one report per notice: the earliest record time, every record line as evidence, and the type
//!   from the Subject's and records' wording (default: scanning/brute force, what such logs record).

use std::collections::HashSet;
use std::net::IpAddr;

use chrono::{DateTime, Utc};

use super::mime::Mail;
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::{classify, dates, mentions, reporter, text};

/// Paragraphs longer than this are never joined into one record.
const MAX_WRAPPED_LINES: usize = 8;

struct Record {
    text: String,
    time: DateTime<Utc>,
    ips: Vec<IpAddr>,
}

fn record(text: String, time: DateTime<Utc>) -> Record {
    // A record's own wording can say an address is the other side ("Destination IP: …"): never the offender.
    let ips = mentions::not_named_as_other(&text);
    Record { text, time, ips }
}

fn records(texts: &[std::borrow::Cow<'_, str>], reference: Option<DateTime<Utc>>) -> Vec<Record> {
    let mut found = Vec::new();
    for t in texts {
        let mut paragraph: Vec<&str> = Vec::new();
        for line in t.lines().chain(std::iter::once("")) {
            if !line.trim().is_empty() {
                paragraph.push(line);
                continue;
            }
            let timed: Vec<(&str, DateTime<Utc>)> =
                paragraph.iter().filter_map(|l| dates::find(l, reference).map(|d| (*l, d))).collect();
            if timed.len() == 1 && paragraph.len() <= MAX_WRAPPED_LINES {
                let joined = paragraph.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
                // Prefer the time read from the whole record: a wrapped date may span two lines.
                let time = dates::find(&joined, reference).or(timed.first().map(|(_, d)| *d));
                found.extend(time.map(|d| record(joined, d)));
            } else {
                found.extend(timed.into_iter().map(|(l, d)| record(l.trim().to_owned(), d)));
            }
            paragraph.clear();
        }
    }
    found
}

/// The offender: the Subject's IP, or the single IP shared by every IP-bearing record.
fn offender(subject_ip: Option<IpAddr>, records: &[Record]) -> Option<IpAddr> {
    if subject_ip.is_some() {
        return subject_ip;
    }
    let mut bearing = records.iter().filter(|r| !r.ips.is_empty());
    let first: HashSet<IpAddr> = bearing.next()?.ips.iter().copied().collect();
    let shared = bearing.fold(first, |acc, r| acc.into_iter().filter(|ip| r.ips.contains(ip)).collect());
    let mut shared = shared.into_iter();
    match (shared.next(), shared.next()) {
        (Some(ip), None) => Some(ip),
        _ => None,
    }
}

/// Splits `handle, <timestamp>, …` into the handle and the rest; ("", line) when the line does not start so.
fn reporting_handle(line: &str) -> (&str, &str) {
    let Some((first, rest)) = line.split_once(", ") else { return ("", line) };
    let handle = first.len() >= 2
        && first.len() <= 32
        && first.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && first.bytes().any(|b| b.is_ascii_alphabetic())
        && text::exact_ip(first).is_none();
    let dated = rest.split(", ").next().is_some_and(|t| dates::parse(t, None).is_some());
    if handle && dated {
        (first, rest)
    } else {
        ("", line)
    }
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let subject_ips: HashSet<IpAddr> = text::find_ips(&mail.subject).into_iter().map(|f| f.ip).collect();
    // A Subject naming several addresses is no one-offender notice.
    if subject_ips.len() > 1 {
        return None;
    }
    let subject_ip = subject_ips.into_iter().next();
    let all = records(&mail.texts(), mail.date);
    let ip = offender(subject_ip, &all)?;
    let mine: Vec<&Record> =
        all.iter().filter(|r| r.ips.contains(&ip) || (subject_ip.is_some() && r.ips.is_empty())).collect();
    let earliest = mine.iter().map(|r| r.time).min()?;

    let mut seen = HashSet::new();
    let lines: Vec<&str> = mine.iter().map(|r| r.text.as_str()).filter(|t| seen.insert(*t)).collect();
    let wording = format!("{} {}", mail.subject, lines.join(" "));
    let report_type = classify::from_words(&wording).unwrap_or(ReportType::Scanning);
    let mut r = ParsedReport::new(report_type, ReportRole::Source, ip, &reporter::from_sender(&mail.sender));
    r.incident_time = Some(earliest);
    let mut seen_urls = HashSet::new();
    r.urls = lines.iter().flat_map(|l| text::find_urls(l)).filter(|u| seen_urls.insert(u.clone())).collect();
    // Aggregating services (myNetWatchman) begin each row with the handle of the person whose firewall saw
    // it: that person is a complainant, recorded as such and kept out of the evidence the customer reads.
    let handles: Vec<(&str, &str)> = lines.iter().map(|l| reporting_handle(l)).collect();
    r.complainant = handles.iter().find_map(|(handle, _)| (!handle.is_empty()).then(|| (*handle).to_owned()));
    let shown: Vec<&str> = handles.iter().map(|(_, rest)| *rest).collect();
    r.evidence = Some(text::evidence(&shown.join("\n")));
    let mut out = ParsedMessage::new(Format::BlocklistLog);
    out.reports.push(r);
    Some(out)
}

//! SpamCop reports (<https://www.spamcop.net/fom-serve/cache/338.html>): source reports
//! (`Email from IP / date`), relay reports, spamvertised-site reports (`Spamvertised web site: URL` and
//! `URL is IP; date`), in the old plain-text layout (offending message inline after `Offending message`)
//! and the current ARF layout (RFC 5965 parts, where Source-IP is the mail source even in a
//! spamvertised-site report), plus `[SpamCop] summary report` tables of IPs.
//!
//! The subject `[SpamCop (IP or URL) id:N]` carries the reporter's id; reports are sometimes quoted with
//! "> " by whoever forwarded them, and their dates are sometimes cut short (`-0400 (ES`).

use std::collections::HashSet;
use std::net::IpAddr;

use chrono::{DateTime, Utc};

use super::mime::{self, Mail};
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::original::Original;
use super::{arf, dates, reporter, text};

const REPORTER: &str = "SpamCop";

fn is_spamcop(mail: &Mail<'_>) -> bool {
    let from_spamcop = mail.sender.domain().is_some_and(|d| reporter::known(&d) == Some(REPORTER));
    from_spamcop || mail.subject.contains("[SpamCop")
}

/// The `id:N` of the subject.
fn report_id(subject: &str) -> Option<String> {
    let rest = subject.split("id:").nth(1)?;
    let id: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!id.is_empty()).then_some(id)
}

/// The report text: the first text part, unquoted.
fn body(mail: &Mail<'_>) -> String {
    mail.texts().first().map(|t| text::unquote(t).into_owned()).unwrap_or_default()
}

/// The byte offset of the first line of `body` that satisfies `pred`.
fn line_start(body: &str, pred: impl Fn(&str) -> bool) -> Option<usize> {
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if pred(line) {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// The report's own text: what comes before the offending message.
fn preamble(body: &str) -> &str {
    body.find("Offending message").and_then(|at| body.get(..at)).unwrap_or(body)
}

/// The inline offending message: the lines after the `Offending message` marker, or from the first
/// header-like line when the report body is the message itself.
fn inline_original(body: &str) -> Option<Original> {
    let start = line_start(body, |l| l.contains("Offending message"))
        .and_then(|marker| body.get(marker..)?.find('\n').map(|nl| marker + nl + 1))
        .or_else(|| line_start(body, |l| l.starts_with("Received:") || l.starts_with("Return-Path:")))?;
    let inline: Vec<&str> = body
        .get(start..)?
        .lines()
        .filter(|l| !(l.contains("BEGIN FORWARDED MESSAGE") || l.contains("END FORWARDED MESSAGE")))
        .collect();
    Original::from_text(inline.join("\n").trim_start())
}

/// `Email from 192.0.2.1 / Thu, 19 Jun 2003 17:34:13 -0400`: the IP, the date and whether the line
/// speaks of a relay.
fn email_from_line(body: &str, reference: Option<DateTime<Utc>>) -> Option<(IpAddr, Option<DateTime<Utc>>, bool)> {
    preamble(body).lines().find_map(|line| {
        let line = line.trim();
        if !line.starts_with("Email ") {
            return None;
        }
        let (head, date) = line.split_once(" / ")?;
        let ip = text::find_ips(head).first()?.ip;
        Some((ip, dates::parse(date, reference), head.to_ascii_lowercase().contains("relay")))
    })
}

/// Spamvertised-site blocks: the URL after `Spamvertised web site:`, then `URL is IP; date` lines.
fn spamvertised(body: &str, reference: Option<DateTime<Utc>>) -> Vec<(String, IpAddr, Option<DateTime<Utc>>)> {
    let mut sites = Vec::new();
    let mut url: Option<String> = None;
    for line in preamble(body).lines().map(str::trim) {
        if let Some(site) = line.strip_prefix("Spamvertised web site:") {
            url = Some(site.trim().to_owned());
        } else if let (Some(site), Some((head, date))) = (&url, line.split_once("; ")) {
            if let Some((_, ip)) = head.rsplit_once(" is ") {
                if let Some(found) = text::field_ip(ip) {
                    sites.push((site.clone(), found.ip, dates::parse(date, reference)));
                }
            }
        }
    }
    sites
}

/// Summary reports list one IP per table row (quoted-printable soft breaks are already undone).
fn summary_ips(body: &str) -> Vec<IpAddr> {
    let mut seen = HashSet::new();
    body.lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|first| !first.contains('@'))
        .filter_map(text::field_ip)
        .map(|found| found.ip)
        .filter(|ip| seen.insert(*ip))
        .collect()
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    if !is_spamcop(mail) {
        return None;
    }
    let mut out = ParsedMessage::new(Format::SpamCop);
    let id = report_id(&mail.subject);
    let body = body(mail);
    let original = arf::original(mail).or_else(|| inline_original(&body));
    let with_original = |mut r: ParsedReport| {
        r.reporter_ref.clone_from(&id);
        if let Some(o) = &original {
            o.fill(&mut r);
        }
        r
    };

    let sites = spamvertised(&body, mail.date);
    if !sites.is_empty() {
        for (url, ip, time) in sites {
            let mut r = ParsedReport::new(ReportType::Spam, ReportRole::SpamvertisedHost, ip, REPORTER);
            r.incident_time = time;
            r.urls = vec![url];
            out.reports.push(with_original(r));
        }
        return Some(out);
    }

    let email_from = email_from_line(&body, mail.date);
    if let Some((report, report_text)) = arf::feedback_report(mail) {
        if let Some(mut r) = arf::build(mail, &report, &report_text, original.as_ref(), REPORTER, &mut out.warnings) {
            // The ARF fields do not say whether the IP was the source or a relay; the text does.
            if email_from.is_some_and(|(ip, _, relay)| relay && ip == r.source_ip) {
                r.role = ReportRole::Relay;
            }
            out.reports.push(with_original(r));
        }
        return Some(out);
    }

    if let Some((ip, time, relay)) = email_from {
        let role = if relay { ReportRole::Relay } else { ReportRole::Source };
        let mut r = ParsedReport::new(ReportType::Spam, role, ip, REPORTER);
        r.incident_time = time;
        out.reports.push(with_original(r));
        return Some(out);
    }

    // No "Email from" line: the IP of the subject (or the X-SpamCop-sourceip header), timed by the
    // Received hop at which it handed over the offending message.
    let subject_ip = text::find_ips(&mail.subject).first().map(|f| f.ip);
    let header_ip = mime::header(mail.msg, "X-SpamCop-sourceip").and_then(|v| text::field_ip(&v)).map(|f| f.ip);
    if let Some(ip) = subject_ip.or(header_ip) {
        let mut r = ParsedReport::new(ReportType::Spam, ReportRole::Source, ip, REPORTER);
        r.incident_time = original.as_ref().and_then(|o| o.hop_from(ip)).and_then(|h| h.time);
        out.reports.push(with_original(r));
        return Some(out);
    }

    let ips = summary_ips(&body);
    if ips.is_empty() {
        out.warnings.push("SpamCop message without a reported IP".to_owned());
    } else {
        out.warnings.push("SpamCop summary report: rows carry no usable incident time".to_owned());
    }
    for ip in ips {
        let mut r = ParsedReport::new(ReportType::Spam, ReportRole::Source, ip, REPORTER);
        r.reporter_ref.clone_from(&id);
        out.reports.push(r);
    }
    Some(out)
}

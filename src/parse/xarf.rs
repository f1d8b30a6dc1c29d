//! X-ARF 0.1/0.2 (x-arf.org specification: header `X-ARF: YES` or `X-XARF: PLAIN`, a flat YAML
//! `report.txt` part with `Reported-From`, `Category`, `Report-Type`, `Source`, `Source-Type`, `Date`,
//! `Report-ID`, and an optional evidence part named by `Attachment`), and the entry point for XARF
//! v3/v4 JSON parts (see `xarf_json`).
//!
//! A report is recognised by its fields, not by the header, because senders also attach X-ARF YAML
//! without the header (or with a misspelt content type). `Port` names the service the report is about:
//! it is the source's port only when the source serves the reported content (a URL, phishing, malware
//! hosting); for attacks it is the victim's port, so it is not reported as `source_port`.

use std::net::IpAddr;

use super::fields::{self, Fields};
use super::mime::{Body, Mail};
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::original::Original;
use super::{arf, classify, dates, reporter, text, xarf_json};

fn is_xarf_yaml(f: &Fields) -> bool {
    f.has("Report-Type") && f.has("Source") && (f.has("Category") || f.has("Reported-From") || f.has("Source-Type"))
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let mut out = ParsedMessage::new(Format::Xarf);
    let mut found = false;
    let mut report_leaves = Vec::new();
    for (i, leaf) in mail.leaves.iter().enumerate() {
        let Some(text) = leaf.text() else { continue };
        if let Some(doc) = xarf_json::document(&text) {
            found = true;
            xarf_json::add_reports(&doc, &reporter::from_sender(&mail.sender), &mail.meter, &mut out);
            continue;
        }
        let f = fields::parse_flat_yaml(&text);
        if is_xarf_yaml(&f) {
            report_leaves.push((i, f, text.into_owned()));
        }
    }
    found |= !report_leaves.is_empty();
    let report_indexes: Vec<usize> = report_leaves.iter().map(|(i, _, _)| *i).collect();
    for (i, f, yaml) in &report_leaves {
        let evidence = announced_evidence(mail, *i, f, &report_indexes);
        if let Some(r) = yaml_report(mail, f, yaml, evidence, &mut out.warnings) {
            out.reports.push(r);
        }
    }
    // An XARF part that names no IP must not hide the ARF report it was attached beside.
    if out.reports.is_empty() && arf::feedback_report(mail).is_some() {
        return None;
    }
    found.then_some(out)
}

/// What the evidence of a report is: an attached original message or a text part.
enum Evidence<'a> {
    Original(Original),
    Text(std::borrow::Cow<'a, str>),
}

/// The evidence part the report announces (`Attachment:` other than `none`): the next part after the
/// report that is not itself a report.
fn announced_evidence<'a>(mail: &Mail<'a>, at: usize, f: &Fields, reports: &[usize]) -> Option<Evidence<'a>> {
    let announced = f.get("Attachment").is_some_and(|a| !a.trim().eq_ignore_ascii_case("none"));
    if !announced {
        return None;
    }
    let leaf = mail.leaves.iter().enumerate().skip(at + 1).find(|(j, _)| !reports.contains(j)).map(|(_, l)| l)?;
    match leaf.body {
        Body::Message(m) => Some(Evidence::Original(Original::from_message(m))),
        _ => leaf.text().map(Evidence::Text),
    }
}

/// Bracketed addresses printed after URLs in the human-readable text (`http://host/path [192.0.2.1]`),
/// the way takedown services give the hosting IP of a URL-only report.
fn ip_beside_url(mail: &Mail<'_>, host: Option<&str>) -> Option<IpAddr> {
    let mut pairs: Vec<(Vec<String>, IpAddr)> = Vec::new();
    for t in mail.texts() {
        for line in t.lines().filter(|l| l.contains("://")) {
            let hosts: Vec<String> = text::find_urls(line).iter().filter_map(|u| text::url_host(u)).collect();
            let bracketed = line.split('[').skip(1).find_map(|s| text::field_ip(s.split(']').next().unwrap_or(s)));
            if let Some(found) = bracketed {
                pairs.push((hosts, found.ip));
            }
        }
    }
    if let Some((_, ip)) = host.and_then(|h| pairs.iter().find(|(hosts, _)| hosts.iter().any(|x| x == h))) {
        return Some(*ip);
    }
    let first = pairs.first()?.1;
    pairs.iter().all(|(_, ip)| *ip == first).then_some(first)
}

fn yaml_report(
    mail: &Mail<'_>,
    f: &Fields,
    yaml: &str,
    evidence: Option<Evidence<'_>>,
    warnings: &mut Vec<String>,
) -> Option<ParsedReport> {
    let source = f.get("Source").unwrap_or_default().trim();
    let source_type = f.get("Source-Type").unwrap_or_default().to_ascii_lowercase();
    let is_url = source.contains("://") || source_type.contains("uri") || source_type.contains("url");
    let mut urls = Vec::new();
    let ip = if is_url {
        urls.push(source.to_owned());
        let host = text::url_host(source);
        let literal = host.as_deref().and_then(text::field_ip).map(|found| found.ip);
        let ip = literal.or_else(|| ip_beside_url(mail, host.as_deref()));
        if ip.is_some() && literal.is_none() {
            warnings.push(format!("X-ARF source {source} is a URL; its IP was taken from the report text"));
        }
        ip
    } else {
        text::field_ip(source).map(|found| found.ip)
    };
    let Some(ip) = ip else {
        warnings.push(format!("X-ARF report without an IP address for its source {source:?}"));
        return None;
    };
    let kind = format!("{} {}", f.get("Report-Type").unwrap_or_default(), f.get("Category").unwrap_or_default());
    let report_type = classify::from_words(&kind).unwrap_or(ReportType::Other);
    let reporter = reporter::from_address_or_sender(f.get("Reported-From"), &mail.sender);
    let mut r = ParsedReport::new(report_type, ReportRole::Source, ip, &reporter);
    let serves_content = is_url || matches!(report_type, ReportType::Phishing | ReportType::Malware);
    if serves_content {
        let port = f.get("Source-Port").or_else(|| f.get("Port")).or_else(|| f.get("Download-Port"));
        r.source_port = port.and_then(|p| p.trim().parse().ok());
    } else {
        r.source_port = f.get("Source-Port").and_then(|p| p.trim().parse().ok());
    }
    r.incident_time = f.get("Date").and_then(|d| dates::parse(d, mail.date));
    r.reporter_ref = f.get("Report-ID").map(str::to_owned);
    urls.extend(["URL", "Download-Link"].iter().filter_map(|k| f.get(k)).map(str::to_owned));
    r.urls = urls;
    match evidence {
        Some(Evidence::Original(o)) => o.fill(&mut r),
        Some(Evidence::Text(t)) => r.evidence = Some(text::evidence(&t)),
        None => r.evidence = Some(text::evidence(yaml)),
    }
    Some(r)
}

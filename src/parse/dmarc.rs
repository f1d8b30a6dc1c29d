//! DMARC aggregate reports (RFC 7489 §7.2, appendix C): an XML `<feedback>` document, usually gzipped or
//! zipped, with one `<record>` per sending address and the result of authenticating its mail.
//!
//! A record is a complaint only when DMARC failed for it (`policy_evaluated` has neither DKIM nor SPF
//! passing): mail from that address used a domain it may not send for. Records that passed are the
//! domain owner's own mail and are counted in a warning, not reported (abusix's parsers report every
//! record; a passing record is not abuse). The time is the report period's start (`date_range/begin`).

use std::io::Read;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::mime::Mail;
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::{dates, reporter, text, zipped};

/// A decompressed report is read up to this size (real ones are kilobytes).
const MAX_XML: u64 = 16 * 1024 * 1024;

fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).take(MAX_XML).read_to_end(&mut out).ok()?;
    Some(out)
}

/// The XML documents among the attachments (plain, gzip or zip) and text parts.
fn documents(mail: &Mail<'_>, warnings: &mut Vec<String>) -> Vec<String> {
    let mut docs = Vec::new();
    for (leaf, archive) in mail.leaves.iter().zip(zipped::archives(mail)) {
        let Some(bytes) = leaf.bytes() else { continue };
        if bytes.starts_with(&[0x1f, 0x8b]) {
            docs.extend(gunzip(bytes).map(|b| String::from_utf8_lossy(&b).into_owned()));
        } else if zipped::is_zip(bytes) {
            warnings.extend(archive.warnings.iter().cloned());
            docs.extend(archive.entries.iter().map(|e| String::from_utf8_lossy(&e.data).into_owned()));
        } else if let Some(t) = leaf.text() {
            docs.push(t.into_owned());
        }
    }
    docs.retain(|d| d.contains("<feedback") && d.contains("<record"));
    docs
}

#[derive(Default)]
struct Record {
    ip: Option<String>,
    count: Option<String>,
    dkim: Option<String>,
    spf: Option<String>,
    header_from: Option<String>,
}

struct Feedback {
    org: Option<String>,
    report_id: Option<String>,
    begin: Option<String>,
    records: Vec<Record>,
}

fn read(doc: &str) -> Feedback {
    let mut reader = Reader::from_str(doc);
    let mut path: Vec<String> = Vec::new();
    let mut feedback = Feedback { org: None, report_id: None, begin: None, records: Vec::new() };
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.local_name().into_inner().to_ascii_lowercase();
                if name == "record" {
                    feedback.records.push(Record::default());
                }
                path.push(name);
            }
            Ok(Event::End(_)) => {
                path.pop();
            }
            Ok(Event::Text(t)) => {
                let value = t.xml10_content().trim().to_owned();
                if value.is_empty() {
                    continue;
                }
                let joined = path.join("/");
                let record = feedback.records.last_mut();
                match (joined.as_str(), record) {
                    (p, _) if p.ends_with("report_metadata/org_name") => feedback.org = Some(value),
                    (p, _) if p.ends_with("report_metadata/report_id") => feedback.report_id = Some(value),
                    (p, _) if p.ends_with("date_range/begin") => feedback.begin = Some(value),
                    (p, Some(r)) if p.ends_with("record/row/source_ip") => r.ip = Some(value),
                    (p, Some(r)) if p.ends_with("record/row/count") => r.count = Some(value),
                    (p, Some(r)) if p.ends_with("policy_evaluated/dkim") => r.dkim = Some(value),
                    (p, Some(r)) if p.ends_with("policy_evaluated/spf") => r.spf = Some(value),
                    (p, Some(r)) if p.ends_with("identifiers/header_from") => r.header_from = Some(value),
                    _ => {}
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    feedback
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let mut out = ParsedMessage::new(Format::DmarcAggregate);
    let docs = documents(mail, &mut out.warnings);
    if docs.is_empty() {
        return None;
    }
    let mut passed = 0usize;
    for doc in &docs {
        let feedback = read(doc);
        let reporter = feedback.org.clone().unwrap_or_else(|| reporter::from_sender(&mail.sender));
        let time = feedback.begin.as_deref().and_then(dates::parse_epoch);
        for record in &feedback.records {
            let Some(ip) = record.ip.as_deref().and_then(text::exact_ip) else { continue };
            let pass = |v: &Option<String>| v.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("pass"));
            if pass(&record.dkim) || pass(&record.spf) {
                passed += 1;
                continue;
            }
            let mut r = ParsedReport::new(ReportType::Spam, ReportRole::Source, ip, &reporter);
            r.incident_time = time;
            r.reporter_ref.clone_from(&feedback.report_id);
            r.evidence = Some(format!(
                "DMARC aggregate report {}: {} message(s) from {ip} as {} failed DKIM ({}) and SPF ({})",
                feedback.report_id.as_deref().unwrap_or("without id"),
                record.count.as_deref().unwrap_or("?"),
                record.header_from.as_deref().unwrap_or("an unnamed domain"),
                record.dkim.as_deref().unwrap_or("none"),
                record.spf.as_deref().unwrap_or("none"),
            ));
            out.reports.push(r);
        }
    }
    if passed > 0 {
        out.warnings.push(format!("{passed} record(s) passed DMARC and are not reported"));
    }
    Some(out)
}

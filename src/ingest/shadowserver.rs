//! CSV feed attachments, Shadowserver's layout (<https://www.shadowserver.org/what-we-do/network-reporting/>):
//! one report per row, CSV plain or inside a ZIP, the report name (`scan_ntp`, `botnet_drone`, ...) in the
//! file name or subject, and `timestamp`, `ip`, `port` columns (UTC, or epoch seconds).
//!
//! Feeds vary the IP column's name (`ip`, `src_ip`, ...); content is recognised by its header row, not by
//! MIME type (which is often `application/octet-stream` or misspelt). Placeholder rows (`0.0.0.0`,
//! unparseable addresses) are skipped with a count; encrypted ZIPs are kept for a human (warning, no rows).

use std::io::{Cursor, Read};

use super::mime::Mail;
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::{dates, reporter, text};

const IP_COLUMNS: [&str; 6] = ["ip", "src_ip", "source_ip", "ip_address", "ipaddress", "src"];
const PORT_COLUMNS: [&str; 3] = ["port", "src_port", "source_port"];
/// A decompressed CSV is read up to this size; Shadowserver's biggest daily reports stay well below.
const MAX_CSV: u64 = 64 * 1024 * 1024;

/// Report names to types. `scan_*` here means Shadowserver scanned and found an open service, not
/// that the host scanned others, so this table is separate from `classify`.
fn feed_type(name: &str) -> ReportType {
    let words: Vec<String> = text::words(name).collect();
    let has = |prefixes: &[&str]| words.iter().any(|w| prefixes.iter().any(|p| w.starts_with(p)));
    if has(&["drone", "botnet", "sinkhole", "infected", "bot"]) {
        ReportType::Botnet
    } else if has(&["brute"]) {
        ReportType::Scanning
    } else if has(&["ddos", "amplification"]) {
        ReportType::Ddos
    } else if has(&["spam"]) {
        ReportType::Spam
    } else if has(&["phish"]) {
        ReportType::Phishing
    } else if has(&["malware", "compromised"]) {
        ReportType::Malware
    } else if has(&["scan", "open", "accessible", "exposed", "vulnerable"]) {
        ReportType::OpenService
    } else {
        ReportType::Other
    }
}

/// `2015-01-01-scan_ntp-sample-asn.csv` → `scan_ntp-sample-asn`.
fn report_name(file_name: &str) -> Option<String> {
    let base = file_name.rsplit('/').next().unwrap_or(file_name);
    let base = base.trim_end_matches(".zip").trim_end_matches(".csv");
    let mut parts = base.splitn(4, '-');
    let dated = parts.by_ref().take(3).all(|p| p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty());
    let name = if dated { parts.next().unwrap_or_default() } else { base };
    (!name.is_empty() && name.bytes().any(|b| b.is_ascii_alphabetic())).then(|| name.to_owned())
}

/// One CSV to read: its name (for the report type) and bytes.
pub(crate) struct Csv {
    pub name: Option<String>,
    pub data: Vec<u8>,
}

pub(crate) fn unzip(bytes: &[u8], out: &mut Vec<Csv>, warnings: &mut Vec<String>) {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => return warnings.push(format!("unreadable ZIP attachment: {e}")),
    };
    for i in 0..archive.len() {
        match archive.by_index(i) {
            Ok(file) if file.is_dir() => {}
            Ok(file) => {
                let name = file.name().map_or_else(|_| format!("entry {i}"), |n| n.into_owned());
                let mut data = Vec::new();
                match file.take(MAX_CSV + 1).read_to_end(&mut data) {
                    Ok(_) if data.len() as u64 > MAX_CSV => {
                        warnings.push(format!("{name}: larger than 64 MiB, only the start was read"));
                        data.truncate(MAX_CSV as usize);
                        out.push(Csv { name: Some(name), data });
                    }
                    Ok(_) => out.push(Csv { name: Some(name), data }),
                    Err(e) => warnings.push(format!("{name}: unreadable ZIP entry: {e}")),
                }
            }
            Err(zip::result::ZipError::UnsupportedArchive(msg)) if msg == zip::result::ZipError::PASSWORD_REQUIRED => {
                warnings.push("password-protected ZIP attachment kept for manual review".to_owned());
            }
            Err(e) => warnings.push(format!("unreadable ZIP entry: {e}")),
        }
    }
}

/// The CSVs among the attachments: ZIP entries and plain CSV parts.
fn csv_parts(mail: &Mail<'_>, warnings: &mut Vec<String>) -> Vec<Csv> {
    let mut found = Vec::new();
    for leaf in &mail.leaves {
        let Some(bytes) = leaf.bytes() else { continue };
        if bytes.starts_with(b"PK\x03\x04") {
            unzip(bytes, &mut found, warnings);
        } else if leaf.filename_ends_with(".csv") || leaf.content_type.contains("csv") || header_row(bytes).is_some() {
            found.push(Csv { name: leaf.filename.clone(), data: bytes.to_vec() });
        }
    }
    found
}

/// Column positions of a feed header row.
struct Columns {
    ip: usize,
    time: usize,
    port: Option<usize>,
    url: Option<usize>,
}

fn header_row(data: &[u8]) -> Option<Columns> {
    let first = data.split(|&b| b == b'\n').next()?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(first);
    let record = reader.records().next()?.ok()?;
    let names: Vec<String> =
        record.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase()).collect();
    let find = |options: &[&str]| options.iter().find_map(|o| names.iter().position(|n| n == o));
    Some(Columns {
        ip: find(&IP_COLUMNS)?,
        time: find(&["timestamp"])?,
        port: find(&PORT_COLUMNS),
        url: find(&["url", "http_url"]),
    })
}

fn rows(csv: &Csv, name: &str, reporter: &str, out: &mut ParsedMessage) -> bool {
    let Some(columns) = header_row(&csv.data) else { return false };
    let report_type = feed_type(name);
    let data = csv.data.as_slice();
    let header_end = data.iter().position(|&b| b == b'\n').map_or(data.len(), |p| p + 1);
    let header_line = String::from_utf8_lossy(data.get(..header_end).unwrap_or_default()).trim().to_owned();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(data);
    let mut skipped = 0usize;
    let mut records = reader.records().peekable();
    while let Some(record) = records.next() {
        let Ok(record) = record else {
            skipped += 1;
            continue;
        };
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let end = match records.peek() {
            Some(Ok(next)) => next.position().map_or(data.len(), |p| p.byte() as usize),
            _ => data.len(),
        };
        let ip = record.get(columns.ip).and_then(text::exact_ip).filter(|ip| !ip.is_unspecified());
        let Some(ip) = ip else {
            skipped += 1;
            continue;
        };
        let mut r = ParsedReport::new(report_type, ReportRole::Source, ip, reporter);
        r.source_port = columns.port.and_then(|c| record.get(c)).and_then(|p| p.trim().parse().ok());
        r.incident_time = record.get(columns.time).and_then(|t| dates::parse(t, None));
        r.urls = columns
            .url
            .and_then(|c| record.get(c))
            .filter(|u| !u.trim().is_empty())
            .map(str::to_owned)
            .into_iter()
            .collect();
        let row = String::from_utf8_lossy(data.get(start..end).unwrap_or_default());
        r.evidence = Some(text::evidence(&format!("{header_line}\n{}", row.trim())));
        out.reports.push(r);
    }
    if skipped > 0 {
        out.warnings.push(format!("{skipped} CSV rows skipped (no usable IP address or unreadable)"));
    }
    true
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let mut out = ParsedMessage::new(Format::Shadowserver);
    let csvs = csv_parts(mail, &mut out.warnings);
    let reporter = reporter::from_sender(&mail.sender);
    let mut recognised = false;
    for csv in &csvs {
        // The file name names the report; forwarded reports only name it in the subject.
        let name = csv.name.as_deref().and_then(report_name).filter(|n| feed_type(n) != ReportType::Other);
        let name = name.unwrap_or_else(|| mail.subject.clone());
        recognised |= rows(csv, &name, &reporter, &mut out);
    }
    let encrypted = out.warnings.iter().any(|w| w.starts_with("password-protected"));
    (recognised || encrypted).then_some(out)
}

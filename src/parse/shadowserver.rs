//! CSV feed attachments, Shadowserver's layout (<https://www.shadowserver.org/what-we-do/network-reporting/>):
//! one report per row, CSV plain or inside a ZIP, the report name (`scan_ntp`, `botnet_drone`, ...) in the
//! file name or subject, and `timestamp`, `ip`, `port` columns (UTC, or epoch seconds).
//!
//! Feeds vary the IP column's name (`ip`, `src_ip`, ...); content is recognised by its header row, not by
//! MIME type (which is often `application/octet-stream` or misspelt). Placeholder rows (`0.0.0.0`,
//! unparseable addresses) are skipped with a count; encrypted ZIPs are kept for a human (warning, no rows).
//! Rows become reports only while the parse budget lasts, and each row's evidence is bounded.

use super::budget::Meter;
use super::mime::Mail;
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::{dates, reporter, text, zipped};

const IP_COLUMNS: [&str; 6] = ["ip", "src_ip", "source_ip", "ip_address", "ipaddress", "src"];
const PORT_COLUMNS: [&str; 3] = ["port", "src_port", "source_port"];

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
struct Csv<'m> {
    name: Option<&'m str>,
    data: &'m [u8],
}

/// The CSVs among the attachments: ZIP entries and plain CSV parts.
fn csv_parts<'m>(mail: &'m Mail<'_>, warnings: &mut Vec<String>) -> Vec<Csv<'m>> {
    let mut found = Vec::new();
    for (leaf, archive) in mail.leaves.iter().zip(zipped::archives(mail)) {
        let Some(bytes) = leaf.bytes() else { continue };
        if zipped::is_zip(bytes) {
            warnings.extend(archive.warnings.iter().cloned());
            found.extend(archive.entries.iter().map(|e| Csv { name: Some(&e.name), data: &e.data }));
        } else if leaf.filename_ends_with(".csv") || leaf.content_type.contains("csv") || header_row(bytes).is_some() {
            found.push(Csv { name: leaf.filename.as_deref(), data: bytes });
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
    // Asked of every part: a header needs a `timestamp` column, looked for before a CSV reader is built.
    if !first.windows(9).any(|w| w.eq_ignore_ascii_case(b"timestamp")) {
        return None;
    }
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

/// Turns the rows of `csv` into reports until the budget is spent; `false` when it has no feed header.
fn rows(csv: &Csv<'_>, name: &str, reporter: &str, meter: &Meter, out: &mut ParsedMessage) -> bool {
    let Some(columns) = header_row(csv.data) else { return false };
    let report_type = feed_type(name);
    let data = csv.data;
    let header_end = data.iter().position(|&b| b == b'\n').map_or(data.len(), |p| p + 1);
    // Each row's evidence repeats the header; it is cut once here, never copied whole into every row.
    let evidence_bytes = meter.budget().row_evidence_bytes;
    let header = data.get(..header_end.min(evidence_bytes)).unwrap_or_default();
    let header_line = String::from_utf8_lossy(header).into_owned();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(data);
    let mut skipped = 0usize;
    let mut records = reader.records().peekable();
    while let Some(record) = records.next() {
        if meter.reports_full(out.reports.len()) {
            break;
        }
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
        let row = String::from_utf8_lossy(data.get(start..end.min(start.saturating_add(evidence_bytes))).unwrap_or_default());
        r.evidence = Some(text::row_evidence(&header_line, &row, evidence_bytes));
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
        let name = csv.name.and_then(report_name).filter(|n| feed_type(n) != ReportType::Other);
        let name = name.unwrap_or_else(|| mail.subject.clone());
        recognised |= rows(csv, &name, &reporter, &mail.meter, &mut out);
    }
    let encrypted = out.warnings.iter().any(|w| w.starts_with("password-protected"));
    (recognised || encrypted).then_some(out)
}

//! Tables of reported hosts, wherever a report puts them: CSV, TSV or semicolon-separated attachments
//! (zipped or not) and delimited tables in the body text (HTML tables arrive here as ` | `-separated lines,
//! see `html`). National CERTs, hosting providers and brand-protection vendors send these with their own
//! column names, so the columns are recognised by name, not by reporter:
//!
//! * the **address column** is the best-ranked header in [`IP_COLUMNS`]; failing those, any header whose
//!   words say "ip"/"address" and none of [`NOT_SOURCE`] (a destination, a victim, the reporter's sensor or
//!   server is never the source). Rows whose cell there is not exactly one address are skipped, counted;
//! * the time, port and URL columns likewise by ranked names; a row without a time has no incident time.
//!
//! A table needs a header row: a list of addresses with no header says nothing about which of them is the
//! reported host, and the desk never guesses (the message then stays "not recognised").

use std::collections::HashSet;
use std::net::IpAddr;

use super::budget::Meter;
use super::mime::Mail;
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::vocabulary::{IP_COLUMNS, NOT_SOURCE, TIME_COLUMNS};
use super::{classify, dates, reporter, text, xlsx, zipped};



const PORT_COLUMNS: &[&str] = &["port", "src_port", "source_port", "sourceport", "client_port", "sport", "srcport"];
const URL_COLUMNS: &[&str] = &["url", "http_url", "uri", "link", "phishing_url", "malicious_url"];

/// `Src IP-Address` → `src_ip_address`.
fn normalise(name: &str) -> String {
    let cleaned: String = name
        .trim_matches(|c: char| c == '\u{feff}' || c == '"' || c == '\'' || c.is_whitespace() || c == '#')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
        .collect();
    cleaned.split('_').filter(|w| !w.is_empty()).collect::<Vec<_>>().join("_")
}

fn rank(names: &[String], options: &[&str]) -> Option<usize> {
    options.iter().find_map(|o| names.iter().position(|n| n == o))
}

/// Words that make a column the reported host whatever else it says ("Infected Server").
const SURELY_SOURCE: &[&str] =
    &["infected", "compromised", "attacker", "attacking", "offending", "offender", "abusive"];

/// Columns of a command-and-control server: a table that has one lists the infected machines that called
/// it, and there the "victim" is the infected machine, the desk's customer (CERT-Bund and sinkhole feeds).
const C2_COLUMNS: &[&str] = &["c2", "cnc", "c2_host", "c2_ip", "c2_server", "cnc_ip", "cnc_host", "c2_domain"];

/// The address column: a known name, else a name that says "ip"/"address" and nothing that rules it out.
fn ip_column(names: &[String]) -> Option<usize> {
    let sure = |n: &str| n.split('_').any(|w| SURELY_SOURCE.contains(&w));
    let excluded = |n: &str| !sure(n) && n.split('_').any(|w| NOT_SOURCE.contains(&w));
    if let Some(i) = IP_COLUMNS.iter().find_map(|o| names.iter().position(|n| n == o && !excluded(n))) {
        return Some(i);
    }
    let says_ip = |n: &str| n.split('_').any(|w| matches!(w, "ip" | "ipaddress" | "ipaddr" | "ipv4"));
    if let Some(i) = names.iter().position(|n| (says_ip(n) || sure(n)) && !excluded(n)) {
        return Some(i);
    }
    let infection_table = names.iter().any(|n| C2_COLUMNS.contains(&n.as_str()));
    let victim = names.iter().position(|n| infection_table && says_ip(n) && n.split('_').any(|w| w == "victim"));
    // A table of command-and-control servers and nothing that called them ("S/N | C2 | C2 Server"): the
    // servers are what is reported, hosted by the desk's customer.
    let has_victim = names.iter().any(|n| n.split('_').any(|w| w == "victim"));
    let c2 = || C2_COLUMNS.iter().find_map(|o| names.iter().position(|n| n == o));
    victim.or_else(|| if has_victim { None } else { c2() })
}

/// A time column by its words when no name in [`TIME_COLUMNS`] matched (`deviceReceptionTime_UTC`).
fn time_column(names: &[String]) -> Option<usize> {
    names.iter().position(|n| n.split('_').any(|w| w.ends_with("time") || w == "timestamp" || w == "date"))
}

/// Column positions of a header row.
#[derive(Debug, Clone)]
struct Columns {
    ip: usize,
    time: Option<usize>,
    port: Option<usize>,
    url: Option<usize>,
    width: usize,
}

/// Most words a column name has (`Date and time of the claimed infringement UTC` has eight).
const MAX_NAME_WORDS: usize = 8;

fn columns(cells: &[String]) -> Option<Columns> {
    if cells.len() < 2 {
        return None;
    }
    let names: Vec<String> = cells.iter().map(|c| normalise(c)).collect();
    // A header row is names, not data or prose: no cell holds an address or is a sentence (a line of prose
    // with a comma in it is no header, whatever words it has).
    if cells.iter().any(|c| !text::find_ips(&text::refang(c)).is_empty())
        || names.iter().any(|n| n.split('_').count() > MAX_NAME_WORDS)
    {
        return None;
    }
    Some(Columns {
        ip: ip_column(&names)?,
        time: rank(&names, TIME_COLUMNS).or_else(|| time_column(&names)),
        port: rank(&names, PORT_COLUMNS),
        url: rank(&names, URL_COLUMNS),
        width: cells.len(),
    })
}

/// Splits one line at `delimiter`, honouring CSV quotes for the CSV-like delimiters.
fn cells(line: &str, delimiter: u8) -> Vec<String> {
    if delimiter == b'|' {
        let trimmed = line.trim().trim_matches('|');
        return trimmed.split('|').map(|c| c.trim().to_owned()).collect();
    }
    // One line at a time, so a hand-written split: a CSV reader built per line cost more than the rest of
    // the table search together. Quotes as RFC 4180 has them (a field in quotes may hold the delimiter,
    // `""` is a quote).
    let delimiter = char::from(delimiter);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delimiter && !quoted => out.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    out.push(cell);
    out.iter().map(|c| c.trim().trim_matches('"').trim().to_owned()).collect()
}

const DELIMITERS: [u8; 4] = [b'\t', b',', b';', b'|'];

/// One table found in a text: its header line and the data lines that follow it, each with its cells
/// (split once, when the table is found).
struct Found<'t> {
    header: &'t str,
    columns: Columns,
    rows: Vec<(&'t str, Vec<String>)>,
}

/// Longest address cell read for an address written among other words (`HTTPS @ A:8443`, `A (AS64500)`).
const MAX_WORDED_CELL: usize = 160;

/// The addresses of an address-column cell: the cell is one address; or a list of addresses and nothing
/// else (an HTML cell with one address a line); or short text with exactly one address in it (with its
/// port when written `A:port`). Anything else names no address: which one was meant would be a guess.
fn cell_ips(cell: &str) -> Vec<(IpAddr, Option<u16>)> {
    let cell = text::refang(cell);
    if let Some(ip) = text::exact_ip(&cell) {
        return vec![(ip, None)];
    }
    let items: Vec<&str> =
        cell.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|w| !w.is_empty()).collect();
    let listed: Vec<IpAddr> = items.iter().filter_map(|w| text::exact_ip(w)).collect();
    if listed.len() > 1 && listed.len() == items.len() {
        return listed.into_iter().map(|ip| (ip, None)).collect();
    }
    if cell.len() > MAX_WORDED_CELL {
        return Vec::new();
    }
    let mut found = text::find_ips(&cell);
    found.dedup_by_key(|f| f.ip);
    match found.as_slice() {
        [one] => vec![(one.ip, one.port)],
        _ => Vec::new(),
    }
}

impl Found<'_> {
    /// The addresses in a row's address column (see [`cell_ips`]).
    fn row_ips(&self, row: &[String]) -> Vec<(IpAddr, Option<u16>)> {
        row.get(self.columns.ip).map(|v| cell_ips(v)).unwrap_or_default()
    }
}

/// Every headed table in `text`. A table ends at the first line that is not a row of the same shape.
/// Lines are read as they come (never collected), and a table longer than the report budget stops the
/// search with the budget spent: its rows, each split into cells, are what would exhaust memory.
fn tables<'t>(text: &'t str, meter: &Meter) -> Vec<Found<'t>> {
    let mut lines = text.lines().peekable();
    let mut found = Vec::new();
    while let Some(line) = lines.next() {
        if meter.is_over() {
            break;
        }
        // Most lines are prose: only a line with a delimiter naming an address column can be a header (the
        // cheapest test first).
        if !DELIMITERS.iter().any(|d| line.as_bytes().contains(d)) {
            continue;
        }
        let lower = line.to_ascii_lowercase();
        let could_be_header = ["ip", "addr", "src", "source", "host", "attacker", "offend", "infected", "c2", "cnc"]
            .iter()
            .any(|w| lower.contains(w));
        let header = could_be_header
            .then(|| {
                DELIMITERS.iter().find_map(|&d| {
                    if !line.as_bytes().contains(&d) {
                        return None;
                    }
                    columns(&cells(line, d)).map(|c| (d, c))
                })
            })
            .flatten();
        let Some((delimiter, columns)) = header else { continue };
        let mut rows = Vec::new();
        while let Some(next) = lines.peek().copied() {
            let trimmed = next.trim();
            // Rules under a header (`---+---`, `===`) belong to the table.
            if !trimmed.is_empty() && trimmed.chars().all(|c| matches!(c, '-' | '=' | '+' | '|' | ' ' | '\t')) {
                lines.next();
                continue;
            }
            let row = cells(next, delimiter);
            if trimmed.is_empty() || row.len() < 2 || row.len() + 2 < columns.width.min(row.len() + 2) {
                break;
            }
            if meter.reports_full(rows.len()) {
                return found;
            }
            rows.push((next, row));
            lines.next();
        }
        if !rows.is_empty() {
            found.push(Found { header: line, columns, rows });
        }
    }
    found
}

/// The type of a table's (or an attached list's) reports: from the file name or subject, else the body's
/// wording, else "other".
pub(crate) fn report_type(mail: &Mail<'_>, name: Option<&str>) -> ReportType {
    name.and_then(classify::from_words)
        .or_else(|| classify::from_words(&mail.subject))
        .or_else(|| mail.texts().first().and_then(|t| classify::from_words(t.get(..t.len().min(4096)).unwrap_or(t))))
        .unwrap_or(ReportType::Other)
}

/// One table's rows as reports, until the report budget is spent.
fn add_rows(
    found: &Found<'_>,
    report_type: ReportType,
    reporter: &str,
    meter: &Meter,
    out: &mut ParsedMessage,
    skipped: &mut usize,
) {
    let c = &found.columns;
    let evidence_bytes = meter.budget().row_evidence_bytes;
    for (line, row) in &found.rows {
        if meter.reports_full(out.reports.len()) {
            return;
        }
        let ips: Vec<(IpAddr, Option<u16>)> =
            found.row_ips(row).into_iter().filter(|(ip, _)| text::is_global(*ip)).collect();
        if ips.is_empty() {
            *skipped += 1;
            continue;
        }
        let port = c.port.and_then(|p| row.get(p)).and_then(|p| p.trim().parse().ok()).filter(|p| *p != 0);
        let time = c.time.and_then(|t| row.get(t)).and_then(|t| dates::parse(t.trim_matches('"'), None));
        let url = c.url.and_then(|u| row.get(u)).filter(|u| !u.trim().is_empty()).map(|u| text::refang(u).into_owned());
        for (ip, written_port) in ips {
            if meter.reports_full(out.reports.len()) {
                return;
            }
            let mut r = ParsedReport::new(report_type, ReportRole::Source, ip, reporter);
            r.source_port = port.or(written_port);
            r.incident_time = time;
            r.urls = url.clone().into_iter().collect();
            r.evidence = Some(text::row_evidence(found.header, line, evidence_bytes));
            out.reports.push(r);
        }
    }
}

/// The rows of every headed table in `text` as reports of `report_type`, for formats that carry a table
/// inside their own structure (a XARF sample).
pub(crate) fn add_text_tables(
    text: &str,
    report_type: ReportType,
    reporter: &str,
    meter: &Meter,
    out: &mut ParsedMessage,
) {
    let mut skipped = 0;
    for found in tables(text, meter) {
        add_rows(&found, report_type, reporter, meter, out, &mut skipped);
    }
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let mut out = ParsedMessage::new(Format::Table);
    let reporter = reporter::from_sender(&mail.sender);
    let mut skipped = 0usize;
    // Attachments first (the machine-readable copy), then the body's own tables.
    let mut sources: Vec<(Option<String>, String)> = Vec::new();
    for (leaf, archive) in mail.leaves.iter().zip(zipped::archives(mail)) {
        let Some(bytes) = leaf.bytes() else { continue };
        if zipped::is_zip(bytes) {
            out.warnings.extend(archive.warnings.iter().cloned());
            if xlsx::is_workbook(&archive.entries) {
                // A workbook's sheets, named by the attachment (its name says what the list is).
                sources.extend(xlsx::sheets(&archive.entries).into_iter().map(|(_, t)| (leaf.filename.clone(), t)));
                continue;
            }
            let entries = archive.entries.iter();
            sources.extend(entries.map(|e| (Some(e.name.clone()), String::from_utf8_lossy(&e.data).into_owned())));
        } else if let Some(t) = leaf.text() {
            if leaf.content_type == "text/html" {
                sources.push((leaf.filename.clone(), leaf.readable().unwrap_or_default().into_owned()));
                if t.contains("<p") || t.contains("<P") || t.contains("<br") || t.contains("<div") {
                    sources.push((leaf.filename.clone(), super::html::to_table_text(&t)));
                }
            } else {
                sources.push((leaf.filename.clone(), t.into_owned()));
            }
        }
    }
    let mut seen_tables = HashSet::new();
    for (name, body) in &sources {
        for found in tables(body, &mail.meter) {
            // The same table as text and as HTML is read once.
            let key: Vec<Vec<(IpAddr, Option<u16>)>> = found.rows.iter().map(|(_, row)| found.row_ips(row)).collect();
            if !seen_tables.insert(key) {
                continue;
            }
            let ty = report_type(mail, name.as_deref());
            add_rows(&found, ty, &reporter, &mail.meter, &mut out, &mut skipped);
        }
    }
    if skipped > 0 {
        out.warnings.push(format!("{skipped} table rows skipped (no single routable address in the address column)"));
    }
    (!out.reports.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::budget::Budget;

    fn names(s: &[&str]) -> Vec<String> {
        s.iter().map(|n| normalise(n)).collect()
    }

    #[test]
    fn the_address_column_is_the_reported_host_never_the_destination() {
        assert_eq!(ip_column(&names(&["proto", "client_ip_addr", "server_ip_addr"])), Some(1));
        assert_eq!(ip_column(&names(&["Destination IP", "Source IP"])), Some(1));
        assert_eq!(ip_column(&names(&["dst_ip", "target"])), None);
        assert_eq!(ip_column(&names(&["Timestamp", "IP Address", "Port"])), Some(1));
        assert_eq!(ip_column(&names(&["server_ip", "honeypot_ip"])), None);
        assert_eq!(ip_column(&names(&["Infected Server", "Last Seen (UTC)"])), Some(0));
        assert_eq!(ip_column(&names(&["FirstSeen", "Victim IP", "C2 host"])), Some(1));
        assert_eq!(ip_column(&names(&["Time", "Victim IP", "Attack"])), None, "a DDoS victim is the target");
    }

    #[test]
    fn tables_in_text_with_their_rows() {
        let text = "Dear team,\n\nIP;Time;Port\n198.51.100.7;2024-01-02 03:04:05;22\n203.0.113[.]9;2024-01-02 03:05:00;23\n\nRegards\n";
        let found = tables(text, &Meter::new(Budget::DEFAULT));
        assert_eq!(found.len(), 1);
        let f = found.first().unwrap();
        assert_eq!(f.rows.len(), 2);
        assert_eq!(f.columns.time, Some(1));
        assert_eq!(f.columns.port, Some(2));
    }

    #[test]
    fn cells_honour_quotes() {
        assert_eq!(cells(r#""a,b",c , "say ""hi""""#, b','), ["a,b", "c", r#"say "hi"#]);
        assert_eq!(cells("a\tb\t", b'\t'), ["a", "b", ""]);
        assert_eq!(cells("| a | b |", b'|'), ["a", "b"]);
    }

    #[test]
    fn a_list_of_addresses_without_a_header_is_no_table() {
        assert!(tables("198.51.100.7, 203.0.113.9\n192.0.2.1, 192.0.2.2\n", &Meter::new(Budget::DEFAULT)).is_empty());
    }
}

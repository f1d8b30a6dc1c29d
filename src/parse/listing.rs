//! Attached address lists: a file sent with a report that lists the reported hosts one a line, often with
//! the time each was seen (`02.08.2021 01:17:22 +0000 192.0.2.7`, `first, last, seconds, 192.0.2.7`).
//! National CERTs send these for infected or vulnerable hosts. A table needs a header to say which of its
//! addresses is the reported one; a list does not, because **every line names exactly one address**:
//! a line with two (a victim and its C2 server, a client and a server) makes the file something else,
//! and then nothing in it is taken. Only attachments count: a body's lines are prose around the data.

use super::mime::Mail;
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole};
use super::{dates, reporter, table, text};

/// Attachments that are signatures, keys or messages, never data.
const NOT_DATA: &[&str] = &[".asc", ".sig", ".p7s", ".pem", ".key", ".eml", ".msg", ".html", ".htm"];

/// The lines of a list, or `None` when a line has no address or more than one.
fn list_lines(body: &str) -> Option<Vec<(&str, text::FoundIp)>> {
    let mut out = Vec::new();
    for line in body.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
            continue;
        }
        let refanged = text::refang(line);
        let mut found = text::find_ips(&refanged).into_iter();
        let (Some(ip), None) = (found.next(), found.next()) else { return None };
        out.push((line, ip));
    }
    (!out.is_empty()).then_some(out)
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let reporter = reporter::from_sender(&mail.sender);
    let mut out = ParsedMessage::new(Format::AddressList);
    let mut skipped = 0usize;
    for leaf in &mail.leaves {
        let Some(name) = leaf.filename.as_deref() else { continue };
        let lower = name.to_ascii_lowercase();
        if NOT_DATA.iter().any(|s| lower.ends_with(s)) || leaf.content_type == "text/html" {
            continue;
        }
        let Some(body) = leaf.text() else { continue };
        let Some(lines) = list_lines(&body) else { continue };
        let report_type = table::report_type(mail, Some(name));
        for (line, found) in lines {
            if mail.meter.reports_full(out.reports.len()) {
                break;
            }
            if !text::is_global(found.ip) {
                skipped += 1;
                continue;
            }
            let mut r = ParsedReport::new(report_type, ReportRole::Source, found.ip, &reporter);
            r.source_port = found.port;
            r.incident_time = dates::find(line, mail.date);
            r.evidence = Some(text::row_evidence(name, line, mail.meter.budget().row_evidence_bytes));
            out.reports.push(r);
        }
    }
    if skipped > 0 {
        out.warnings.push(format!("{skipped} listed addresses skipped (not globally routable)"));
    }
    (!out.reports.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_names_one_address_a_line() {
        let list = "# timestamp ip\n02.08.2021 01:17:22 +0000 192.0.2.7\n\n02.08.2021 03:59:34 +0000 198.51.100.9\n";
        let lines = list_lines(list).unwrap_or_default();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.first().map(|l| l.1.ip.to_string()).as_deref(), Some("192.0.2.7"));
        assert!(list_lines("2022-08-14 00:10,192.0.2.7,WORKGROUP,198.51.100.9\n").is_none(), "two addresses: which?");
        assert!(list_lines("192.0.2.7\nno address here\n").is_none());
        assert!(list_lines("# only a comment\n").is_none());
    }
}

//! Web-server logs in the W3C Extended Log File Format (W3C Working Draft WD-logfile-960323; what IIS and
//! the Windows HTTP API write), pasted into a complaint by the attacked site's admin. The `#Fields:`
//! directive names the columns of the space-separated lines under it; `c-ip` is the client's address,
//! the host that made the request (`s-ip` is the complainant's own server, never the source).
//!
//! Mail clients wrap the long directive and log lines: the names on the directive's own line keep their
//! positions, and a data line is one whose fields up to `c-ip` are all there, starting with its `date`
//! when the log has one. The wrapped remainders of lines are skipped. Each client address is one report,
//! timed by its first line.

use std::collections::HashSet;
use std::net::IpAddr;

use chrono::{DateTime, Utc};

use super::mime::Mail;
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole};
use super::{dates, reporter, table, text};

/// Lines read after one `#Fields:` directive.
const MAX_LOG_LINES: usize = 100_000;

/// One log's client addresses, in order of appearance, with the first line and time of each.
fn clients(text: &str, out: &mut Vec<(IpAddr, String, Option<DateTime<Utc>>)>) {
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(fields) = line.trim_start().strip_prefix("#Fields:") else { continue };
        let names: Vec<&str> = fields.split_whitespace().collect();
        let Some(ip_at) = names.iter().position(|n| *n == "c-ip") else { continue };
        let date_at = names.iter().position(|n| *n == "date");
        let time_at = names.iter().position(|n| *n == "time");
        for row in lines.by_ref().take(MAX_LOG_LINES) {
            let row = row.trim();
            if row.starts_with("#Fields:") || (row.is_empty() && !out.is_empty()) {
                break;
            }
            let cells: Vec<&str> = row.split_whitespace().collect();
            // A data line starts with its date (when the log has one): a wrapped remainder does not.
            let dated = date_at.is_none_or(|d| cells.get(d).is_some_and(|c| c.len() == 10 && c.starts_with("20")));
            let Some(ip) = cells.get(ip_at).and_then(|c| text::exact_ip(c)).filter(|_| dated) else { continue };
            let stamp = match (date_at.and_then(|d| cells.get(d)), time_at.and_then(|t| cells.get(t))) {
                (Some(d), Some(t)) => dates::parse(&format!("{d} {t}"), None),
                _ => None,
            };
            out.push((ip, row.to_owned(), stamp));
        }
    }
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let texts = mail.texts();
    if !texts.iter().any(|t| t.contains("#Fields:")) {
        return None;
    }
    let mut found = Vec::new();
    for t in &texts {
        clients(&text::unquote(t), &mut found);
    }
    let reporter = reporter::from_sender(&mail.sender);
    let report_type = table::report_type(mail, None);
    let mut out = ParsedMessage::new(Format::Table);
    let mut seen: HashSet<IpAddr> = HashSet::new();
    let mut skipped = 0usize;
    for (ip, line, time) in found {
        if !text::is_global(ip) {
            skipped += 1;
            continue;
        }
        if !seen.insert(ip) || mail.meter.reports_full(out.reports.len()) {
            continue;
        }
        let mut r = ParsedReport::new(report_type, ReportRole::Source, ip, &reporter);
        r.incident_time = time;
        r.evidence = Some(text::evidence(&line));
        out.reports.push(r);
    }
    if skipped > 0 {
        out.warnings.push(format!("{skipped} log lines skipped (client address not routable)"));
    }
    (!out.reports.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_column_of_wrapped_lines_never_the_server() {
        let log = "#Software: Microsoft HTTP API 2.0\n#Fields: date time s-computername c-ip c-port s-ip s-port \
                   cs-version\ncs-method cs-uri sc-status\n\
                   2024-03-01 10:00:01 WEB1 45.33.32.156 40022 91.121.87.10 80 - \n- - 400 505 0 Verb -\n\
                   2024-03-01 10:00:05 WEB1 10.1.2.3 40023 91.121.87.10 80 - - 400\n";
        let mut found = Vec::new();
        clients(log, &mut found);
        let ips: Vec<String> = found.iter().map(|(ip, _, _)| ip.to_string()).collect();
        assert_eq!(ips, ["45.33.32.156", "10.1.2.3"]);
        assert_eq!(found.first().and_then(|f| f.2).map(|t| t.to_rfc3339()), Some("2024-03-01T10:00:01+00:00".into()));
    }
}

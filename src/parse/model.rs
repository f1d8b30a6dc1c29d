//! The public result types of the parsers: what one raw e-mail turns into.
//!
//! Invariants: a [`ParsedReport`] always names a concrete source IP (reports that only name a URL or a
//! domain are dropped with a warning, because the desk attributes by IP); `incident_time` is taken from
//! the report's own content, never from the arrival time of the e-mail that carried it.

use std::collections::HashSet;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::budget::OverBudget;

/// Which report format a message was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A SpamCop report (source, relay or spamvertised-site report; plain or ARF layout).
    #[serde(rename = "spamcop")]
    SpamCop,
    /// An RFC 5965 Abuse Reporting Format message (feedback loops included).
    Arf,
    /// X-ARF 0.1/0.2 (flat YAML `report.txt`) or XARF v3/v4 (JSON).
    Xarf,
    /// A Microsoft Junk Mail Reporting Program complaint.
    Jmrp,
    /// A CSV feed attachment (zipped or not), one report per row; Shadowserver's layout.
    Shadowserver,
    /// An ACNS copyright notice (`<Infringement>` XML).
    Acns,
    /// A blocklist / fail2ban style notice: one offending IP plus log lines with times.
    BlocklistLog,
    /// A table of reported hosts (CSV/TSV attachment, or a delimited or HTML table in the body) whose
    /// header names the address column.
    Table,
    /// An attached file listing reported hosts one a line, each line naming exactly one address (with its
    /// time), no header: nothing to choose between.
    AddressList,
    /// `Name: value` text naming the reported host under a label that says so ("Source IP:", "IP address:").
    Labelled,
    /// A DMARC aggregate report (RFC 7489): one report per source address whose mail failed authentication.
    DmarcAggregate,
    /// Read by a reporter profile (data: `profiles/*.toml` or the desk's own directory).
    Profile,
    /// An automatic reply, acknowledgement, ticket notice or bounce: stored and shown, never a complaint.
    AutoReply,
    /// A forwarded message with no recognised format; the source comes from its Received chain.
    FreeForm,
    /// Nothing recognised.
    Unknown,
}

/// What kind of abuse a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportType {
    /// Unsolicited e-mail (or forum/comment spam).
    Spam,
    /// A phishing site or phishing mail.
    Phishing,
    /// Malware hosting or an infected host.
    Malware,
    /// A host that is part of a botnet (sinkhole or C2 contact).
    Botnet,
    /// Copyright infringement.
    Copyright,
    /// Scanning or brute-force attempts against other hosts.
    Scanning,
    /// Denial-of-service traffic.
    Ddos,
    /// An open or vulnerable service (open resolver, exposed memcached, ...).
    OpenService,
    /// Anything else.
    Other,
}

/// Who the reported IP is in the complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportRole {
    /// The host that originated the abuse (sent the mail, ran the attack, hosts the content).
    Source,
    /// A relay the abuse passed through.
    Relay,
    /// The web host of a site advertised in spam.
    SpamvertisedHost,
    /// The host whose mail hit a spam trap.
    SpamtrapHit,
    /// The report does not say.
    Unknown,
}

/// One abuse report about one IP, as extracted from a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedReport {
    /// What kind of abuse.
    pub report_type: ReportType,
    /// Who the IP is in the complaint.
    pub role: ReportRole,
    /// The IP the complaint is about.
    pub source_ip: IpAddr,
    /// The source port, when the report gives it (RFC 6692 `Source-Port`, CSV `port`, ACNS `Port`).
    pub source_port: Option<u16>,
    /// When the abuse happened, from the report itself (never the arrival time of the complaint).
    pub incident_time: Option<DateTime<Utc>>,
    /// Who sent the complaint ("SpamCop", "AOL", "Shadowserver", ... or the sender's domain).
    pub reporter: String,
    /// The reporter's own identifier for this report (SpamCop id, X-ARF Report-ID, ACNS case id).
    pub reporter_ref: Option<String>,
    /// URLs or domains named in the report.
    pub urls: Vec<String>,
    /// Message-ID of the attached or inline original message, without angle brackets.
    pub original_message_id: Option<String>,
    /// Hex SHA-256 of the original's normalised body (see `fingerprint`), when an original with a body is present.
    pub content_fingerprint: Option<String>,
    /// The complainant's identity (e.g. `Original-Rcpt-To`); private data.
    pub complainant: Option<String>,
    /// The evidence as text (original message, CSV row or log lines), at most 64 KiB.
    pub evidence: Option<String>,
}

impl ParsedReport {
    /// A report with only the required fields set; parsers fill in the rest.
    pub(crate) fn new(report_type: ReportType, role: ReportRole, source_ip: IpAddr, reporter: &str) -> Self {
        ParsedReport {
            report_type,
            role,
            source_ip,
            source_port: None,
            incident_time: None,
            reporter: reporter.to_owned(),
            reporter_ref: None,
            urls: Vec::new(),
            original_message_id: None,
            content_fingerprint: None,
            complainant: None,
            evidence: None,
        }
    }
}

/// Everything extracted from one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedMessage {
    /// The recognised format.
    pub format: Format,
    /// Zero or more reports.
    pub reports: Vec<ParsedReport>,
    /// Things a human should know: skipped rows, missing fields, guesses made.
    pub warnings: Vec<String>,
}

impl ParsedMessage {
    pub(crate) fn new(format: Format) -> Self {
        ParsedMessage { format, reports: Vec::new(), warnings: Vec::new() }
    }

    /// Drops exact duplicates (the same IP, port, time, type, role and reporter id), keeping the first.
    /// Reports often carry their data twice (text and attachment, HTML and plain text).
    pub(crate) fn dedup_reports(&mut self) {
        let mut seen = HashSet::new();
        self.reports.retain(|r| {
            seen.insert((r.source_ip, r.source_port, r.incident_time, r.report_type, r.role, r.reporter_ref.clone()))
        });
    }
}

/// Why a message could not be read at all. Anything readable but unrecognised is `Ok` with [`Format::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ParseError {
    /// The input is empty or only whitespace.
    #[error("the message is empty")]
    Empty,
    /// No RFC 5322 header section could be read from the input.
    #[error("the input is not a readable e-mail message")]
    Unreadable,
    /// More nested MIME containers than any real report has; parsing it could exhaust the stack.
    #[error("the message has more than {0} nested MIME parts (multipart or attached messages); not parsed")]
    TooDeep(usize),
    /// Parsing would cost more memory or time than one message may (see `Budget`); stored, not parsed.
    #[error("over the parse budget: {0}; the message is stored but not parsed, read it by hand")]
    OverBudget(#[from] OverBudget),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).expect("serialises")
    }

    #[test]
    fn enums_serialise_in_snake_case() {
        assert_eq!(json(&Format::SpamCop), "\"spamcop\"", "the name reporters and operators use");
        assert_eq!(json(&Format::BlocklistLog), "\"blocklist_log\"");
        assert_eq!(json(&ReportType::OpenService), "\"open_service\"");
        assert_eq!(json(&ReportRole::SpamvertisedHost), "\"spamvertised_host\"");
    }

    #[test]
    fn a_report_round_trips_through_json() {
        let mut r = ParsedReport::new(ReportType::Spam, ReportRole::Source, "192.0.2.1".parse().expect("ip"), "AOL");
        r.incident_time = "2016-01-19T19:32:40Z".parse().ok();
        assert_eq!(serde_json::from_str::<ParsedReport>(&json(&r)).expect("deserialises"), r);
    }
}

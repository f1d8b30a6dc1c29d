//! Applying one profile to a message: whether its `[match]` holds, and the reports its `[[extract]]`
//! rules find.
//!
//! Never a guess: a found address must be routable (`text::is_global`), or it is skipped with a count;
//! a profile whose rules find no routable address does not claim the message, which then goes on to the
//! generic parsers. The first rule that finds something decides. Reports stop at the parse budget, and
//! each report's evidence is its own match or row, cut at the budget's row size.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

use super::load::{Columns, FromRule, Matcher, Part, Reader, Rule};
use super::Profile;
use crate::parse::mime::{self, Mail};
use crate::parse::model::{Format, ParsedMessage, ParsedReport};
use crate::parse::{dates, reporter, text, zipped};

/// Whether every condition of `m` holds for `mail`.
pub(super) fn matches(m: &Matcher, mail: &Mail<'_>) -> bool {
    let from_ok = m.from.is_empty() || {
        let address = mail.sender.address.as_deref().unwrap_or_default().trim().trim_matches(['<', '>']);
        let address = address.to_ascii_lowercase();
        let domain = reporter::domain_of(&address);
        m.from.iter().any(|rule| match rule {
            FromRule::Address(a) => *a == address,
            FromRule::Domain(d) => domain == *d || domain.strip_suffix(d.as_str()).is_some_and(|r| r.ends_with('.')),
        })
    };
    let subject_ok = m.subject.as_ref().is_none_or(|re| re.is_match(&mail.subject));
    let header_ok = m.header.as_ref().is_none_or(|(name, value)| match mime::header(mail.msg, name) {
        Some(found) => value.as_ref().is_none_or(|re| re.is_match(&found)),
        None => false,
    });
    from_ok && subject_ok && header_ok
}

/// The reports `profile` finds in `mail`, or `None` when none of its rules finds a routable address.
/// Call only when [`matches`] holds.
pub(super) fn extract(profile: &Profile, mail: &Mail<'_>) -> Option<ParsedMessage> {
    let reporter = profile.reporter.clone().unwrap_or_else(|| reporter::from_sender(&mail.sender));
    for rule in &profile.rules {
        if mail.meter.is_over() {
            return None;
        }
        let mut sink = Sink { rule, mail, reporter: &reporter, out: ParsedMessage::new(Format::Profile), skipped: 0 };
        for part in texts(&rule.part, mail) {
            if !read(&rule.reader, &part, &mut sink) {
                break;
            }
        }
        if !sink.out.reports.is_empty() {
            let mut out = sink.out;
            out.warnings.insert(0, format!("read by the reporter profile '{}' ({})", profile.name, profile.source));
            if sink.skipped > 0 {
                out.warnings.push(format!(
                    "{} address(es) the profile found were skipped: not routable, unreadable or no address",
                    sink.skipped
                ));
            }
            return Some(out);
        }
    }
    None
}

/// The texts a rule reads: the body (quoting removed, defanged addresses restored), the Subject, or
/// each matching attachment.
fn texts(part: &Part, mail: &Mail<'_>) -> Vec<String> {
    match part {
        Part::Body => vec![text::refang(&text::unquote(&mime::body_text(mail.msg))).into_owned()],
        Part::Subject => vec![text::refang(&mail.subject).into_owned()],
        Part::Attachment { content_type, filename } => {
            let mut found: Vec<String> = mail
                .leaves
                .iter()
                .filter(|leaf| content_type.as_ref().is_none_or(|ct| leaf.content_type == *ct))
                .filter(|leaf| {
                    filename.as_ref().is_none_or(|re| leaf.filename.as_deref().is_some_and(|f| re.is_match(f)))
                })
                .filter_map(|leaf| leaf.text().map(|t| t.into_owned()))
                .collect();
            // The files of a zipped attachment are attachments too, matched by their own names (a rule that
            // names a content type is about the attachment itself).
            if let (None, Some(re)) = (content_type, filename) {
                let entries = zipped::archives(mail).iter().flat_map(|a| a.entries.iter());
                let named = entries.filter(|e| re.is_match(&e.name));
                found.extend(named.map(|e| String::from_utf8_lossy(&e.data).into_owned()));
            }
            found
        }
    }
}

/// One record a reader found, before it is checked.
#[derive(Default)]
struct Found<'t> {
    ip: Option<&'t str>,
    port: Option<&'t str>,
    time: Option<&'t str>,
    url: Option<&'t str>,
    domain: Option<&'t str>,
    reference: Option<&'t str>,
    evidence: String,
}

/// Feeds every record of `text` to `sink`; `false` once the sink wants no more.
fn read(reader: &Reader, text: &str, sink: &mut Sink<'_, '_>) -> bool {
    match reader {
        Reader::Regex(re) => re.captures_iter(text).all(|caps| {
            let get = |name: &str| caps.name(name).map(|m| m.as_str());
            let evidence = caps.get(0).map(|m| m.as_str()).unwrap_or_default().to_owned();
            let found = Found {
                ip: get("ip"),
                port: get("port"),
                time: get("time"),
                url: get("url"),
                domain: get("domain"),
                reference: get("ref"),
                evidence,
            };
            sink.add(found)
        }),
        Reader::Csv { columns, delimiter } => read_csv(columns, *delimiter, text, sink),
        Reader::Json { columns, records } => read_json(columns, records.as_deref(), text, sink),
    }
}

fn read_csv(columns: &Columns, delimiter: u8, text: &str, sink: &mut Sink<'_, '_>) -> bool {
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let Ok(header) = reader.headers().cloned() else { return true };
    let names: Vec<String> =
        header.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase()).collect();
    let position = |name: &Option<String>| {
        name.as_ref().and_then(|n| names.iter().position(|h| *h == n.trim().to_ascii_lowercase()))
    };
    let Some(ip) = position(&Some(columns.ip.clone())) else { return true };
    let (port, time, url) = (position(&columns.port), position(&columns.time), position(&columns.url));
    let (domain, reference) = (position(&columns.domain), position(&columns.reference));
    let separator = char::from(delimiter).to_string();
    let header_line = header.iter().collect::<Vec<_>>().join(&separator);
    for record in reader.records() {
        let Ok(record) = record else { continue };
        let get = |i: Option<usize>| i.and_then(|i| record.get(i));
        let row = record.iter().collect::<Vec<_>>().join(&separator);
        let evidence = text::row_evidence(&header_line, &row, sink.mail.meter.budget().row_evidence_bytes);
        let found = Found {
            ip: get(Some(ip)),
            port: get(port),
            time: get(time),
            url: get(url),
            domain: get(domain),
            reference: get(reference),
            evidence,
        };
        if !sink.add(found) {
            return false;
        }
    }
    true
}

fn read_json(columns: &Columns, records: Option<&str>, text: &str, sink: &mut Sink<'_, '_>) -> bool {
    let Ok(doc) = serde_json::from_str::<Value>(text.trim()) else { return true };
    let Some(at) = records.map_or(Some(&doc), |p| doc.pointer(p)) else { return true };
    let list = match at {
        Value::Array(items) => items.iter().collect::<Vec<_>>(),
        other => vec![other],
    };
    for record in list {
        let values: Vec<Option<String>> = [
            Some(&columns.ip),
            columns.port.as_ref(),
            columns.time.as_ref(),
            columns.url.as_ref(),
            columns.domain.as_ref(),
            columns.reference.as_ref(),
        ]
        .into_iter()
        .map(|p| p.and_then(|p| record.pointer(p)).and_then(scalar))
        .collect();
        let get = |i: usize| values.get(i).and_then(Option::as_deref);
        let evidence = serde_json::to_string(record).unwrap_or_default();
        let found =
            Found { ip: get(0), port: get(1), time: get(2), url: get(3), domain: get(4), reference: get(5), evidence };
        if !sink.add(found) {
            return false;
        }
    }
    true
}

/// A JSON string or number as text; anything else is no value.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Turns found records into reports, within the budget, skipping what is no routable address.
struct Sink<'a, 'm> {
    rule: &'a Rule,
    mail: &'a Mail<'m>,
    reporter: &'a str,
    out: ParsedMessage,
    skipped: usize,
}

impl Sink<'_, '_> {
    /// Adds one record; `false` when the parse must stop (budget spent).
    fn add(&mut self, found: Found<'_>) -> bool {
        let meter = &self.mail.meter;
        if meter.reports_full(self.out.reports.len()) {
            return false;
        }
        let ip = found.ip.and_then(|ip| text::exact_ip(&text::refang(ip))).filter(|ip| text::is_global(*ip));
        let Some(ip) = ip else {
            self.skipped += 1;
            return !meter.is_over();
        };
        let mut r = ParsedReport::new(self.rule.report_type, self.rule.role, ip, self.reporter);
        r.source_port = found.port.and_then(port);
        r.incident_time = found.time.and_then(|t| time(t, self.rule, self.mail.date));
        r.urls = [found.url, found.domain]
            .into_iter()
            .flatten()
            .map(|u| text::refang(u.trim()).into_owned())
            .filter(|u| !u.is_empty())
            .collect();
        r.reporter_ref = found.reference.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        r.evidence = Some(cut(&found.evidence, meter.budget().row_evidence_bytes));
        self.out.reports.push(r);
        !meter.is_over()
    }
}

/// A port, also when a spreadsheet export wrote it as a float (`443.0`).
fn port(value: &str) -> Option<u16> {
    let value = value.trim();
    value.strip_suffix(".0").unwrap_or(value).parse().ok()
}

/// The time in `value`: by the rule's formats when it has any (naive times in its time zone), else by the
/// lenient date parser every format uses.
fn time(value: &str, rule: &Rule, reference: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if rule.time_formats.is_empty() {
        return dates::parse(value, reference);
    }
    rule.time_formats.iter().find_map(|f| {
        if let Ok(t) = DateTime::parse_from_str(value, f) {
            return Some(t.with_timezone(&Utc));
        }
        let naive = NaiveDateTime::parse_from_str(value, f)
            .ok()
            .or_else(|| NaiveDate::parse_from_str(value, f).ok().and_then(|d| d.and_hms_opt(0, 0, 0)))?;
        rule.timezone.from_local_datetime(&naive).single().map(|t| t.with_timezone(&Utc))
    })
}

/// `s` cut to at most `max` bytes at a character boundary, marked when cut.
fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let end = (0..=max).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
    format!("{} [cut]", s.get(..end).unwrap_or_default())
}

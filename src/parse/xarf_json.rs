//! XARF v4 JSON (github.com/xarf/xarf-spec `docs/specification.md`: `xarf_version`, `report_id`,
//! `timestamp` = when the incident occurred, `reporter.org`, `source_identifier`, `source_port`,
//! `category` + `type`, `evidence[]` with base64 payloads) and v3 (`Version`, `ReporterInfo`,
//! `Report.{ReportType, Date, Source{IP,Port,URL} or SourceIp/SourcePort, Attachment[]/Samples[]}`),
//! converted as the spec's v3-to-v4 mapping describes.
//!
//! A source that is a hostname rather than an IP yields no report (the desk attributes by IP); the
//! message is still recognised as XARF and says why in a warning.

use base64::Engine;
use serde_json::Value;

use super::budget::Meter;
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::original::Original;
use super::{classify, dates, table, text};

/// `text` as an XARF JSON document (v3 or v4), if it is one.
pub(crate) fn document(text: &str) -> Option<Value> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if !trimmed.starts_with('{') {
        return None;
    }
    let value: Value = serde_json::from_str(trimmed).ok()?;
    let is_xarf =
        value.get("xarf_version").is_some() || (value.get("Version").is_some() && value.get("Report").is_some());
    is_xarf.then_some(value)
}

/// A bare JSON document given instead of an e-mail.
pub(crate) fn parse_document(bytes: &[u8], meter: &Meter) -> Option<ParsedMessage> {
    // Every message passes here first: an e-mail is turned away by its first byte, not decoded whole.
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace()).and_then(|i| bytes.get(i..));
    if !first.is_some_and(|b| b.starts_with(b"{") || b.starts_with("\u{feff}".as_bytes())) {
        return None;
    }
    let doc = document(&String::from_utf8_lossy(bytes))?;
    let mut out = ParsedMessage::new(Format::Xarf);
    add_reports(&doc, "unknown", meter, &mut out);
    Some(out)
}

fn str_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter().try_fold(v, |v, key| v.get(key))?.as_str().map(str::trim).filter(|s| !s.is_empty())
}

fn port_at(v: &Value, path: &[&str]) -> Option<u16> {
    let value = path.iter().try_fold(v, |v, key| v.get(key))?;
    value.as_u64().and_then(|p| u16::try_from(p).ok()).or_else(|| value.as_str()?.trim().parse().ok())
}

/// XARF v4 category/type pairs (spec §Category-Specific Schemas) to report type and role.
fn v4_kind(category: &str, kind: &str) -> (ReportType, ReportRole) {
    let t = match (category, kind) {
        ("content", "spamvertised") => return (ReportType::Spam, ReportRole::SpamvertisedHost),
        (_, "ddos" | "ddos_amplification") => ReportType::Ddos,
        ("messaging", _) => ReportType::Spam,
        ("connection", "infected_host" | "bot") => ReportType::Botnet,
        ("connection", "ip_spoof") => ReportType::Other,
        ("connection", _) => ReportType::Scanning,
        ("content", "phishing") => ReportType::Phishing,
        ("content", "malware" | "malware_distribution" | "remote_compromise") => ReportType::Malware,
        ("content", _) | ("reputation", _) => ReportType::Other,
        ("copyright", _) => ReportType::Copyright,
        ("vulnerability", _) => ReportType::OpenService,
        ("infrastructure", "botnet" | "bot") => ReportType::Botnet,
        ("infrastructure", _) => ReportType::Malware,
        _ => classify::from_words(&format!("{category} {kind}")).unwrap_or(ReportType::Other),
    };
    (t, ReportRole::Source)
}

/// Fills evidence from the first decodable evidence item: an attached original message, or text.
fn fill_evidence(items: &[Value], r: &mut ParsedReport) -> bool {
    let engine = base64::engine::general_purpose::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::general_purpose::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    for item in items {
        let content_type =
            str_at(item, &["content_type"]).or_else(|| str_at(item, &["ContentType"])).unwrap_or_default();
        let Some(payload) = ["payload", "Payload", "Data"].iter().find_map(|k| str_at(item, &[k])) else { continue };
        let compact: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
        let Ok(bytes) = engine.decode(compact) else { continue };
        let decoded = String::from_utf8_lossy(&bytes);
        if content_type.eq_ignore_ascii_case("message/rfc822") {
            if let Some(original) = Original::from_text(&decoded) {
                original.fill(r);
                return true;
            }
        }
        if content_type.starts_with("text/") || content_type.contains("json") || content_type.starts_with("message/") {
            r.evidence = Some(text::evidence(&decoded));
            return true;
        }
    }
    false
}

/// A XARF 0.3 document that names no source but carries its events as a headed table in a text sample
/// (`Samples[].Payload`, a log of many sources): one report per row, read by the table rules. Records
/// flattened onto one line (separated by spaces, as some senders write them) are put back on lines of
/// their own when the first one is a delimited header. Whether any row became a report.
fn add_sample_tables(
    doc: &Value,
    report: &Value,
    fallback_reporter: &str,
    meter: &Meter,
    out: &mut ParsedMessage,
) -> bool {
    let kind = str_at(report, &["ReportType"]).unwrap_or_default().to_ascii_lowercase();
    let report_type = classify::from_words(&kind).unwrap_or(ReportType::Other);
    let reporter = str_at(doc, &["ReporterInfo", "ReporterOrg"]).unwrap_or(fallback_reporter);
    let samples = report.get("Samples").or_else(|| report.get("Attachment")).and_then(Value::as_array);
    let before = out.reports.len();
    for sample in samples.map_or(&[][..], Vec::as_slice) {
        let encoded = sample.get("Base64Encoded").and_then(Value::as_bool).unwrap_or(false);
        let text_like = str_at(sample, &["ContentType"]).is_none_or(|c| c.starts_with("text/"));
        let Some(payload) = str_at(sample, &["Payload"]).filter(|_| text_like && !encoded) else { continue };
        let one_line = !payload.trim().contains('\n');
        let first = payload.split_whitespace().next().unwrap_or_default();
        let text = if one_line && first.contains([',', ';']) {
            payload.split_whitespace().collect::<Vec<_>>().join("\n")
        } else {
            payload.to_owned()
        };
        table::add_text_tables(&text, report_type, reporter, meter, out);
    }
    out.reports.len() > before
}

/// Adds the report of one XARF document to `out` (none, with a warning, when its source is not an IP).
pub(crate) fn add_reports(doc: &Value, fallback_reporter: &str, meter: &Meter, out: &mut ParsedMessage) {
    let v4 = doc.get("xarf_version").is_some();
    let report = if v4 { doc } else { doc.get("Report").unwrap_or(&Value::Null) };
    let source = if v4 {
        str_at(doc, &["source_identifier"])
    } else {
        str_at(report, &["Source", "IP"]).or_else(|| str_at(report, &["SourceIp"]))
    };
    let Some(ip) = source.and_then(text::exact_ip) else {
        if !v4
            && source.is_none_or(|s| s.trim().is_empty())
            && add_sample_tables(doc, report, fallback_reporter, meter, out)
        {
            return;
        }
        let named = source.or_else(|| str_at(report, &["Source", "URL"])).unwrap_or("nothing");
        out.warnings.push(format!("XARF source {named:?} is not an IP address; no report"));
        return;
    };
    let (report_type, mut role) = if v4 {
        v4_kind(str_at(doc, &["category"]).unwrap_or_default(), str_at(doc, &["type"]).unwrap_or_default())
    } else {
        let kind = str_at(report, &["ReportType"]).unwrap_or_default().to_ascii_lowercase();
        (classify::from_words(&kind).unwrap_or(ReportType::Other), ReportRole::Source)
    };
    let evidence_source =
        if v4 { str_at(doc, &["evidence_source"]) } else { str_at(report, &["AdditionalInfo", "DetectionMethod"]) };
    if evidence_source.is_some_and(|s| s.eq_ignore_ascii_case("spamtrap")) {
        role = ReportRole::SpamtrapHit;
    }
    let reporter = if v4 { str_at(doc, &["reporter", "org"]) } else { str_at(doc, &["ReporterInfo", "ReporterOrg"]) };
    let mut r = ParsedReport::new(report_type, role, ip, reporter.unwrap_or(fallback_reporter));
    if v4 {
        r.source_port = port_at(doc, &["source_port"]);
        r.incident_time = str_at(doc, &["timestamp"]).and_then(|t| dates::parse(t, None));
        r.reporter_ref = str_at(doc, &["report_id"]).map(str::to_owned);
        r.urls = ["url", "infringing_url"].iter().filter_map(|k| str_at(doc, &[k])).map(str::to_owned).collect();
        r.complainant = str_at(doc, &["smtp_to"]).map(str::to_owned);
    } else {
        r.source_port = port_at(report, &["Source", "Port"]).or_else(|| port_at(report, &["SourcePort"]));
        r.incident_time = str_at(report, &["Date"]).and_then(|t| dates::parse(t, None));
        r.urls = str_at(report, &["Source", "URL"]).map(str::to_owned).into_iter().collect();
    }
    let items = if v4 { doc.get("evidence") } else { report.get("Attachment").or_else(|| report.get("Samples")) };
    let items = items.and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    if !fill_evidence(items, &mut r) {
        r.evidence = serde_json::to_string_pretty(doc).ok().map(|s| text::evidence(&s));
    }
    out.reports.push(r);
}

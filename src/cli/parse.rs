//! `abusedesk parse FILE… [--json]`: what the parsers make of each message, without storing anything.
//! Operators use it to check a sample before blaming the desk; scripts use `--json`. And
//! `abusedesk unrecognised`: the stored messages no rule understood, grouped by sender and Subject shape.

use std::path::Path;

use anyhow::bail;
use serde::Serialize;

use crate::parse::{parse_message, Format, ParsedReport};

/// One line of `--json` output.
#[derive(Serialize)]
struct FileResult<'a> {
    file: &'a str,
    format: Option<Format>,
    reports: Vec<ReportLine<'a>>,
    warnings: Vec<String>,
    error: Option<String>,
}

/// The fields of a report worth printing (complainant identities are left out on purpose).
#[derive(Serialize)]
pub(super) struct ReportLine<'a> {
    source_ip: String,
    source_port: Option<u16>,
    report_type: crate::parse::ReportType,
    role: crate::parse::ReportRole,
    incident_time: Option<String>,
    reporter: &'a str,
    reporter_ref: Option<&'a str>,
    urls: &'a [String],
}

impl<'a> From<&'a ParsedReport> for ReportLine<'a> {
    fn from(r: &'a ParsedReport) -> Self {
        ReportLine {
            source_ip: r.source_ip.to_string(),
            source_port: r.source_port,
            report_type: r.report_type,
            role: r.role,
            incident_time: r.incident_time.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            reporter: &r.reporter,
            reporter_ref: r.reporter_ref.as_deref(),
            urls: &r.urls,
        }
    }
}

/// Parses every file; fails (after printing all of them) when any could not be read or parsed.
pub(super) fn run(files: &[impl AsRef<Path>], json: bool) -> anyhow::Result<()> {
    let mut failures = 0;
    for path in files {
        let name = path.as_ref().display().to_string();
        let parsed = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|raw| parse_message(&raw).map_err(|e| e.to_string()));
        let line = match &parsed {
            Ok(p) => FileResult {
                file: &name,
                format: Some(p.format),
                reports: p.reports.iter().map(ReportLine::from).collect(),
                warnings: p.warnings.clone(),
                error: None,
            },
            Err(e) => {
                failures += 1;
                FileResult {
                    file: &name,
                    format: None,
                    reports: Vec::new(),
                    warnings: Vec::new(),
                    error: Some(e.clone()),
                }
            }
        };
        if json {
            println!("{}", serde_json::to_string(&line)?);
        } else {
            print_human(&line);
        }
    }
    if failures > 0 {
        bail!("{failures} of {} files could not be parsed", files.len());
    }
    Ok(())
}

fn print_human(r: &FileResult<'_>) {
    match (&r.error, r.format) {
        (Some(e), _) => println!("{}: error: {e}", r.file),
        (None, Some(format)) => {
            println!("{}: {}, {} report(s)", r.file, wire_name(&format), r.reports.len());
            for rep in &r.reports {
                println!("  {}", rep.describe());
            }
            for w in &r.warnings {
                println!("  note: {w}");
            }
        }
        (None, None) => println!("{}: nothing", r.file),
    }
}

impl ReportLine<'_> {
    /// One line: address and port, type/role, time, reporter and reference.
    pub(super) fn describe(&self) -> String {
        let port = self.source_port.map(|p| format!(":{p}")).unwrap_or_default();
        format!(
            "{}{port}  {}/{}  {}  {}{}",
            self.source_ip,
            wire_name(&self.report_type),
            wire_name(&self.role),
            self.incident_time.as_deref().unwrap_or("time unknown"),
            self.reporter,
            self.reporter_ref.map(|r| format!(" #{r}")).unwrap_or_default()
        )
    }
}

/// The name an enum has in `--json` output (its serde name), so both outputs use the same words.
pub(super) fn wire_name(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// Prints the largest `limit` groups of not-recognised messages by (sender domain, Subject shape), each
/// with an example message id to open on the Intake page: the same query as the Intake page's table.
pub(super) async fn unrecognised(store: &crate::store::Store, limit: i64) -> anyhow::Result<()> {
    let total = store.count_intake().await?.unrecognised;
    let groups = store.group_unrecognised(limit.max(1)).await?;
    let shown: i64 = groups.iter().map(|g| g.messages).sum();
    if shown == total {
        println!("{total} not-recognised messages in {} shapes", groups.len());
    } else {
        println!("{total} not-recognised messages; the {} largest shapes hold {shown}", groups.len());
    }
    for g in &groups {
        println!("{:6}  {:32}  {}  (e.g. message {})", g.messages, g.sender_domain, g.subject_shape, g.example_id);
    }
    if groups.iter().any(|g| g.sender_domain == crate::store::SHAPE_NOT_COMPUTED) {
        println!("messages parsed before shapes were kept have none yet: `abusedesk reparse` computes them");
    }
    Ok(())
}

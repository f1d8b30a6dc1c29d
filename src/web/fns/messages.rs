//! The intake: received messages, what was parsed from them, and the raw bytes. Staff only (analysts,
//! managers, admins): raw messages carry complainant identities, which customers must never see.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::domain::access::STAFF;
use crate::error::AppError;

/// Messages per page of the intake list.
pub const PAGE_SIZE: i64 = 50;

/// Totals shown above the list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeTotals {
    pub messages: i64,
    pub arrivals: i64,
    pub pending: i64,
    pub parsed: i64,
    pub unrecognised: i64,
    pub failed: i64,
    pub reports: i64,
}

/// One received message in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRow {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub size_bytes: i64,
    pub status: String,
    pub format: Option<String>,
    pub detail: Option<String>,
    pub reports: i64,
    pub arrivals: i64,
    pub recipients: Option<String>,
    pub sha256: String,
}

/// How many groups of not-recognised messages the Intake page shows, largest first.
pub const GROUPS_SHOWN: i64 = 50;

/// Not-recognised messages of one sender domain and Subject shape: one reporter's template the desk has
/// no rule for yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnrecognisedGroup {
    /// The sender's domain, `(no sender)`, `(unreadable)`, or `(shape not yet computed)` for messages
    /// parsed before shapes were kept (`abusedesk reparse` computes them).
    pub domain: String,
    /// The Subject with its varying parts replaced by `#`; empty when there was no Subject.
    pub shape: String,
    pub messages: i64,
    pub oldest: DateTime<Utc>,
    pub newest: DateTime<Utc>,
}

/// A page of the intake.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeList {
    pub totals: IntakeTotals,
    /// Messages in the view shown (its status and day), over all its pages.
    pub matching: i64,
    pub messages: Vec<MessageRow>,
    /// The largest groups of not-recognised messages, when the list is of not-recognised messages;
    /// listing one with its `domain` and `shape` shows exactly its `messages`.
    pub groups: Vec<UnrecognisedGroup>,
}

#[cfg(feature = "ssr")]
impl From<crate::store::ShapeGroup> for UnrecognisedGroup {
    fn from(g: crate::store::ShapeGroup) -> Self {
        UnrecognisedGroup {
            domain: g.sender_domain,
            shape: g.subject_shape,
            messages: g.messages,
            oldest: g.oldest,
            newest: g.newest,
        }
    }
}

/// One parsed report, as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub id: i64,
    /// The message the report was parsed from.
    pub message_id: i64,
    pub report_type: String,
    pub role: String,
    pub source_ip: String,
    pub source_port: Option<i32>,
    pub incident_time: Option<DateTime<Utc>>,
    pub reporter: String,
    pub reporter_ref: Option<String>,
    pub urls: Vec<String>,
    pub original_message_id: Option<String>,
    pub complainant: Option<String>,
    /// Who entered it by hand; `None` for parser reports.
    pub entered_by: Option<String>,
    /// Who the report was attributed to, or why nobody could be.
    pub attribution: Attributed,
}

/// A report's attribution, as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attributed {
    /// Not tried yet (the reports of a message are attributed right after parsing).
    Pending,
    Customer {
        customer_id: i64,
        account_ref: String,
        name: String,
        via: String,
    },
    /// Nobody could be named; the reason's code.
    Nobody {
        reason: String,
    },
}

/// A message with its reports and its raw text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageDetail {
    pub message: MessageRow,
    pub reports: Vec<ReportRow>,
    /// The raw message as text (invalid UTF-8 shown as replacement characters; the stored bytes are intact).
    pub raw: String,
}

#[cfg(feature = "ssr")]
impl From<crate::store::MessageSummary> for MessageRow {
    fn from(m: crate::store::MessageSummary) -> Self {
        MessageRow {
            id: m.inbound_message_id,
            received_at: m.first_received_at,
            size_bytes: m.size_bytes,
            status: m.parse_status.0.as_str().to_owned(),
            format: m.parse_format,
            detail: m.parse_detail,
            reports: m.report_count,
            arrivals: m.arrivals,
            recipients: m.recipients,
            sha256: m.sha256,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::store::StoredReport> for ReportRow {
    fn from(r: crate::store::StoredReport) -> Self {
        ReportRow {
            id: r.report_id,
            message_id: r.inbound_message_id,
            report_type: r.report_type,
            role: r.role,
            source_ip: r.source_ip,
            source_port: r.source_port,
            incident_time: r.incident_time,
            reporter: r.reporter,
            reporter_ref: r.reporter_ref,
            urls: serde_json::from_str(&r.urls).unwrap_or_default(),
            original_message_id: r.original_message_id,
            complainant: r.complainant,
            entered_by: r.entered_by,
            attribution: match (r.attribution.as_deref(), r.customer_id) {
                (None, _) => Attributed::Pending,
                (Some("customer"), Some(customer_id)) => Attributed::Customer {
                    customer_id,
                    account_ref: r.customer_ref.unwrap_or_default(),
                    name: r.customer_name.unwrap_or_default(),
                    via: r.attribution_via.unwrap_or_default(),
                },
                (Some(reason), _) => Attributed::Nobody { reason: reason.to_owned() },
            },
        }
    }
}

/// A page of received messages, newest first; `status` filters by parse status (empty for all), `day`
/// (`YYYY-MM-DD`, empty for any) by the UTC day a message first arrived, and a non-empty `domain` to the
/// messages of one sender domain and Subject `shape` (an empty `shape` is the group without a Subject), as
/// the groups of not-recognised messages name them. The front page links with a day, the groups with a
/// domain and shape; a day and a group together are not offered, and the group wins.
#[server(endpoint = "list_messages")]
pub async fn list_messages(
    status: String,
    page: i64,
    #[server(default)] day: String,
    #[server(default)] domain: String,
    #[server(default)] shape: String,
) -> Result<IntakeList, AppError> {
    crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let received = match day.trim() {
        "" => None,
        day => {
            let day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .map_err(|_| AppError::invalid("day", "not a date like 2026-12-07").with_response_status())?;
            let start = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            Some((start, start + chrono::Duration::days(1)))
        }
    };
    let status = match status.as_str() {
        "" => None,
        "pending" => Some(crate::store::ParseStatus::Pending),
        "parsed" => Some(crate::store::ParseStatus::Parsed),
        "unrecognised" => Some(crate::store::ParseStatus::Unrecognised),
        "failed" => Some(crate::store::ParseStatus::Failed),
        _ => return Err(AppError::invalid("status", "unknown parse status").with_response_status()),
    };
    let offset = page.max(0).saturating_mul(PAGE_SIZE);
    let counts = state.store.count_intake().await?;
    let groups = match status {
        Some(crate::store::ParseStatus::Unrecognised) => state.store.group_unrecognised(GROUPS_SHOWN).await?,
        _ => Vec::new(),
    };
    let (messages, matching) = if domain.is_empty() {
        let messages = state.store.list_messages_received(status, received, PAGE_SIZE, offset).await?;
        let matching = match (status, received) {
            (Some(s), Some((from, to))) => state.store.count_messages_received(s.as_str(), from, to).await?,
            (Some(s), None) => state.store.count_messages_in(s.as_str()).await?,
            // Every status of the day, each counted from its own range of the status index.
            (None, Some((from, to))) => {
                let mut n = 0;
                for s in ["pending", "parsed", "unrecognised", "failed"] {
                    n += state.store.count_messages_received(s, from, to).await?;
                }
                n
            }
            (None, None) => counts.messages,
        };
        (messages, matching)
    } else {
        let group = groups.iter().find(|g| g.sender_domain == domain && g.subject_shape == shape).map(|g| g.messages);
        let filter = crate::store::MessageFilter { status, shape: Some((domain, shape)) };
        let messages = state.store.filter_messages(&filter, PAGE_SIZE, offset).await?;
        let shown = i64::try_from(messages.len()).unwrap_or(0);
        (messages, group.unwrap_or(shown))
    };
    Ok(IntakeList {
        matching,
        totals: IntakeTotals {
            messages: counts.messages,
            arrivals: counts.arrivals,
            pending: counts.pending,
            parsed: counts.parsed,
            unrecognised: counts.unrecognised,
            failed: counts.failed,
            reports: counts.reports,
        },
        messages: messages.into_iter().map(MessageRow::from).collect(),
        groups: groups.into_iter().map(UnrecognisedGroup::from).collect(),
    })
}

/// One message with its reports and raw text.
#[server(endpoint = "get_message")]
pub async fn get_message(id: i64) -> Result<MessageDetail, AppError> {
    crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let not_found = || AppError::NotFound { what: format!("message {id}") };
    let message = state.store.find_message(id).await?.ok_or_else(not_found)?;
    let raw = state.store.find_message_raw(id).await?.ok_or_else(not_found)?;
    let reports = state.store.list_message_reports(id).await?;
    Ok(MessageDetail {
        message: message.into(),
        reports: reports.into_iter().map(ReportRow::from).collect(),
        raw: String::from_utf8_lossy(&raw).into_owned(),
    })
}

/// Parses one stored message again and replaces its reports.
#[server(endpoint = "reparse_message")]
pub async fn reparse_message(id: i64) -> Result<String, AppError> {
    let user = crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let mut parsed = crate::intake::reparse(&state.store, &[id]).await?;
    let summary = parsed.remove(&id).ok_or(crate::store::StoreError::NotFound)?;
    tracing::info!(by = %user.user_id, message.id = id, reports = summary.reports, "message parsed again");
    Ok(format!("Parsed again: {} report(s), status {}.", summary.reports, summary.status.as_str()))
}

/// The report types staff can choose when entering a report by hand, as stored.
pub const REPORT_TYPES: [&str; 9] =
    ["spam", "phishing", "malware", "botnet", "copyright", "scanning", "ddos", "open_service", "other"];

/// Records a report entered by hand for a message (typically one no parser understood), with who entered
/// it. `source_port` is empty when the complaint gives none; `incident_time` is `YYYY-MM-DDTHH:MM` (a
/// browser's datetime-local), read as UTC, or RFC 3339.
#[server(endpoint = "add_manual_report")]
pub async fn add_manual_report(
    message_id: i64,
    source_ip: String,
    source_port: String,
    report_type: String,
    incident_time: String,
    reporter: String,
) -> Result<i64, AppError> {
    let user = crate::auth::require(STAFF)?;
    let state = super::app_state()?;
    let report = manual_report(&source_ip, &source_port, &report_type, &incident_time, &reporter)
        .map_err(AppError::with_response_status)?;
    let id = state.store.add_manual_report(message_id, &report, user.user_id, crate::store::now()).await?;
    crate::attribution::attribute::attribute_messages(&state.store, &[message_id]).await?;
    crate::cases::placement::place_messages(&state.store, &[message_id], crate::cases::placement::Recount::Now).await?;
    tracing::info!(by = %user.user_id, message.id = message_id, report.id = id, "report entered by hand");
    let detail = format!("report {id}: {source_ip} {report_type} at {incident_time}");
    crate::audit::record(
        &state.store,
        &user.username,
        "report.entered",
        &format!("message:{message_id}"),
        &detail,
    )
    .await?;
    Ok(id)
}

#[cfg(feature = "ssr")]
fn manual_report(
    source_ip: &str,
    source_port: &str,
    report_type: &str,
    incident_time: &str,
    reporter: &str,
) -> Result<crate::parse::ParsedReport, AppError> {
    use crate::parse::{ParsedReport, ReportRole, ReportType};
    let ip: std::net::IpAddr =
        source_ip.trim().parse().map_err(|_| AppError::invalid("source_ip", "not an IPv4 or IPv6 address"))?;
    let port = match source_port.trim() {
        "" => None,
        p => {
            Some(p.parse::<u16>().map_err(|_| AppError::invalid("source_port", "a port is a number from 0 to 65535"))?)
        }
    };
    let report_type: ReportType = serde_json::from_value(serde_json::Value::String(report_type.to_owned()))
        .map_err(|_| AppError::invalid("report_type", "choose one of the listed types"))?;
    let at = incident_time.trim();
    let incident = chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M").map(|t| t.and_utc()))
        .map_err(|_| AppError::invalid("incident_time", "give the time of the incident (UTC)"))?;
    let reporter = match reporter.trim() {
        "" => "unknown (entered by hand)",
        r => r,
    };
    let mut report = ParsedReport::new(report_type, ReportRole::Source, ip, reporter);
    report.source_port = port;
    report.incident_time = Some(incident);
    Ok(report)
}

//! Plain routes around the triage queue:
//! * `POST /cases/assign`: bulk assignment from the queue's checkboxes (a plain form, works without
//!   JavaScript), answered with a redirect back to the same view;
//! * `GET /cases.csv?…`: the current queue view as CSV, 10,000 rows at a time from its cursor (a `Link`
//!   header names the next 10,000);
//! * `GET /api/v1/cases?…` and `GET /api/v1/cases/{id}`: the queue and one case as JSON, with the same
//!   filters as the page, for a staff session or a `read` API token.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::extract::{Reader, Staff};
use super::form::back_with;
use super::state::AppState;
use crate::cases::views as case_views;
use crate::casework::CaseworkError;
use crate::domain::case::{CaseFilter, CaseRow, PageCursor};
use crate::error::AppError;
use crate::store::{self, StoreError};
use crate::triage::rates::Granularity;

/// The most rows one export or API page returns.
const MAX_ROWS: i64 = 10_000;

fn filter_of(query: Option<&str>) -> CaseFilter {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    CaseFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// `GET /api/v1/cases`: one page (`page`, `per_page` up to 10,000) of the queue as JSON.
pub async fn api_cases(
    _: Reader,
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let filter = filter_of(query.as_deref());
    let per_page = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "per_page")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .unwrap_or(crate::domain::case::CASE_PAGE_SIZE)
        .clamp(1, MAX_ROWS);
    let page = case_views::case_page(&state.store, &filter, per_page, store::now()).await?;
    Ok(Json(page).into_response())
}

/// `GET /api/v1/cases/{id}`: one case with its counts by duplicate reason, campaigns and reports.
pub async fn api_case(_: Reader, State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    match case_views::case_detail(&state.store, id, Granularity::Day, store::now()).await {
        Ok(detail) => Ok(Json(detail).into_response()),
        Err(StoreError::NotFound) => Err(AppError::NotFound { what: format!("case {id}") }),
        Err(e) => Err(e.into()),
    }
}

/// `GET /cases.csv`: the queue view as CSV, the first 10,000 matching cases (or those after its cursor).
pub async fn export_csv(
    _: Reader,
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let mut filter = filter_of(query.as_deref());
    filter.page = 0;
    let page = case_views::case_page(&state.store, &filter, MAX_ROWS, store::now()).await?;
    let body = to_csv(&page.rows).map_err(|e| AppError::internal(&e))?;
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
        (header::CONTENT_DISPOSITION, "attachment; filename=\"cases.csv\""),
    ];
    let mut response = (headers, body).into_response();
    if let Some(link) = next_link(&filter, page.next.as_ref()) {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(response)
}

/// The export of the rows after this one's last, when it was full, as a `Link` header (RFC 8288): the
/// same view from the cursor, so a larger queue is exported 10,000 rows at a time, each read from its place.
fn next_link(filter: &CaseFilter, next: Option<&PageCursor>) -> Option<header::HeaderValue> {
    let mut pairs = filter.to_pairs(None);
    pairs.push(next?.pair());
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
    header::HeaderValue::from_str(&format!("</cases.csv?{query}>; rel=\"next\"")).ok()
}

fn to_csv(rows: &[CaseRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "case", "customer", "customer_name", "ip", "type", "role", "unique_complaints", "received", "reporters",
        "first_seen", "last_seen", "last_24h", "last_7d", "trend", "rate_per_thousand", "flag", "status", "assignee",
    ])?;
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    for r in rows {
        let (account, name) = r.customer.as_ref().map(|c| (c.account_ref.clone(), c.name.clone())).unwrap_or_default();
        out.write_record([
            r.case_id.to_string(),
            account,
            name,
            r.source_ip.clone(),
            r.report_type.clone(),
            r.role.clone(),
            r.unique_complaints.to_string(),
            r.received.to_string(),
            r.reporters.to_string(),
            time(r.first_seen),
            time(r.last_seen),
            r.last_24h.to_string(),
            r.last_7d.to_string(),
            r.trend.clone(),
            r.rate_per_thousand.map(|x| format!("{x:.3}")).unwrap_or_default(),
            r.flag.clone().unwrap_or_default(),
            r.status.code().to_owned(),
            r.assignee.clone().unwrap_or_default(),
        ])?;
    }
    out.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// `POST /cases/assign`: `case` (repeated), `assignee` (a user id, or `none`), `back` (the queue URL).
pub async fn assign(Staff(user): Staff, State(state): State<AppState>, body: Bytes) -> Result<Response, AppError> {
    let (mut cases, mut assignee, mut back) = (Vec::new(), None, "/cases".to_owned());
    for (key, value) in url::form_urlencoded::parse(&body) {
        match key.as_ref() {
            "case" => cases.extend(value.parse::<i64>().ok()),
            "assignee" if value == "none" => assignee = Some(None),
            "assignee" => assignee = value.parse::<i64>().ok().map(Some),
            // Only back into the queue or a case: never an open redirect.
            "back" if value.starts_with("/cases") => back = value.into_owned(),
            _ => {}
        }
    }
    let Some(assignee) = assignee.filter(|_| !cases.is_empty()) else {
        return Ok(back_with(&back, "notice", "choose-cases-and-assignee", ""));
    };
    let assignee = assignee.map(crate::domain::ids::UserId);
    match crate::casework::assign_cases(&state.store, &user.username, &cases, assignee, store::now()).await {
        Ok(changed) => {
            tracing::info!(by = %user.user_id, cases = cases.len(), changed, "cases assigned");
            Ok(back_with(&back, "notice", &format!("assigned-{changed}"), ""))
        }
        Err(CaseworkError::NotFound(_) | CaseworkError::Invalid(_)) => {
            Ok(back_with(&back, "notice", "unknown-assignee", ""))
        }
        Err(e) => Err(e.into()),
    }
}

//! Plain routes around the triage queue:
//! * `POST /cases/assign`: bulk assignment from the queue's checkboxes (a plain form, works without
//!   JavaScript), answered with a redirect back to the same view;
//! * `GET /cases.csv?…`: the current queue view as CSV, 10,000 rows at a time from its cursor (a `Link`
//!   header names the next 10,000);
//! * `GET /api/v1/cases?…` and `GET /api/v1/cases/{id}`: the queue and one case as JSON, with the same
//!   filters as the page, for a staff session or a `read` API token.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};

use crate::cases::views as case_views;
use super::state::AppState;
use crate::auth::ingest_token::{self, TokenScope};
use crate::casework::CaseworkError;
use crate::domain::access::STAFF;
use crate::domain::case::{CaseFilter, CaseRow, PageCursor};
use crate::domain::user::CurrentUser;
use crate::store::{self, StoreError};
use crate::triage::rates::Granularity;

/// The most rows one export or API page returns.
const MAX_ROWS: i64 = 10_000;

fn json_error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

fn internal(e: &StoreError) -> Response {
    tracing::error!(error = %e, "case route failed");
    json_error(StatusCode::SERVICE_UNAVAILABLE, "the desk cannot answer right now; try again later")
}

fn is_staff(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(|u| STAFF.contains(&u.role) && !u.must_change_password)
}

/// Lets a staff session or a live `read` token through; otherwise the refusal to send.
async fn reader(state: &AppState, user: Option<&CurrentUser>, headers: &HeaderMap) -> Result<(), Response> {
    if is_staff(user) {
        return Ok(());
    }
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    match ingest_token::check(&state.store, authorization, TokenScope::Read).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) if user.is_some() => Err(json_error(StatusCode::FORBIDDEN, "cases are for staff")),
        Ok(None) => {
            let mut refusal = json_error(StatusCode::UNAUTHORIZED, "sign in as staff or send a read token (Authorization: Bearer …)");
            refusal.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
            Err(refusal)
        }
        Err(e) => Err(internal(&e)),
    }
}

fn filter_of(query: Option<&str>) -> CaseFilter {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    CaseFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// `GET /api/v1/cases`: one page (`page`, `per_page` up to 10,000) of the queue as JSON.
pub async fn api_cases(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(refusal) = reader(&state, user.as_deref(), &headers).await {
        return refusal;
    }
    let filter = filter_of(query.as_deref());
    let per_page = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "per_page")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .unwrap_or(crate::domain::case::CASE_PAGE_SIZE)
        .clamp(1, MAX_ROWS);
    match case_views::case_page(&state.store, &filter, per_page, store::now()).await {
        Ok(page) => Json(page).into_response(),
        Err(e) => internal(&e),
    }
}

/// `GET /api/v1/cases/{id}`: one case with its counts by duplicate reason, campaigns and reports.
pub async fn api_case(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    if let Err(refusal) = reader(&state, user.as_deref(), &headers).await {
        return refusal;
    }
    match case_views::case_detail(&state.store, id, Granularity::Day, store::now()).await {
        Ok(detail) => Json(detail).into_response(),
        Err(StoreError::NotFound) => json_error(StatusCode::NOT_FOUND, "no such case"),
        Err(e) => internal(&e),
    }
}

/// `GET /cases.csv`: the queue view as CSV, the first 10,000 matching cases (or those after its cursor).
pub async fn export_csv(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    if let Err(refusal) = reader(&state, user.as_deref(), &headers).await {
        return refusal;
    }
    let mut filter = filter_of(query.as_deref());
    filter.page = 0;
    let page = match case_views::case_page(&state.store, &filter, MAX_ROWS, store::now()).await {
        Ok(page) => page,
        Err(e) => return internal(&e),
    };
    match to_csv(&page.rows) {
        Ok(body) => {
            let mut response = (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                    (header::CONTENT_DISPOSITION, "attachment; filename=\"cases.csv\""),
                ],
                body,
            )
                .into_response();
            if let Some(link) = next_link(&filter, page.next.as_ref()) {
                response.headers_mut().insert(header::LINK, link);
            }
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "CSV export failed");
            json_error(StatusCode::INTERNAL_SERVER_ERROR, "the export could not be written")
        }
    }
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
pub async fn assign(State(state): State<AppState>, user: Option<Extension<CurrentUser>>, body: Bytes) -> Response {
    let Some(Extension(user)) = user else {
        return Redirect::to("/login?next=%2Fcases").into_response();
    };
    if !is_staff(Some(&user)) {
        return (StatusCode::FORBIDDEN, "Forbidden: cases are for staff.\n").into_response();
    }
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
    let separator = if back.contains('?') { '&' } else { '?' };
    let Some(assignee) = assignee.filter(|_| !cases.is_empty()) else {
        return Redirect::to(&format!("{back}{separator}notice=choose-cases-and-assignee")).into_response();
    };
    let assignee = assignee.map(crate::domain::ids::UserId);
    match crate::casework::assign_cases(&state.store, &user.username, &cases, assignee, store::now()).await {
        Ok(changed) => {
            tracing::info!(by = %user.user_id, cases = cases.len(), changed, "cases assigned");
            Redirect::to(&format!("{back}{separator}notice=assigned-{changed}")).into_response()
        }
        Err(CaseworkError::NotFound(_) | CaseworkError::Invalid(_)) => {
            Redirect::to(&format!("{back}{separator}notice=unknown-assignee")).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "assigning cases failed");
            (StatusCode::SERVICE_UNAVAILABLE, "The cases could not be assigned; please try again.\n").into_response()
        }
    }
}

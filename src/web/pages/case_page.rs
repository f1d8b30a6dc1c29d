//! One case: who and what it is about, the arithmetic of received vs unique complaints and why they differ,
//! the complaint chart, campaigns, the investigation and decisions, every report with its place in the
//! count, and status and assignee.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::domain::case::{CaseDetail, CaseReportView, CaseStatus};
use crate::web::components::casework::CaseworkPanel;
use crate::web::components::disputes::DisputesPanel;
use crate::web::components::notice::{ActionNotice, loading};
use crate::web::components::time::{utc_minutes, utc_seconds};
use crate::web::fns::cases::{get_case, list_assignees, SetCaseStatus};

/// The case page.
#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let granularity = move || query.with(|q| q.get("per").unwrap_or_else(|| "day".to_owned()));
    let set_status = ServerAction::<SetCaseStatus>::new();
    let data = Resource::new(move || (id(), granularity(), set_status.version().get()), |(id, g, _)| get_case(id, g));
    let assignees = Resource::new(|| (), |_| list_assignees());
    let changed = Signal::derive(move || set_status.value().get());
    view! {
        <Title text="Case"/>
        <ActionNotice result=changed success=|_: &()| "Status changed.".to_owned()/>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                let people = assignees.await.unwrap_or_default();
                match data.await {
                    Ok(detail) => view! { <CaseView detail set_status people/> }.into_any(),
                    Err(e) => view! { <h1>"Case"</h1><p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CaseView(detail: CaseDetail, set_status: ServerAction<SetCaseStatus>, people: Vec<(i64, String)>) -> impl IntoView {
    let row = detail.row.clone();
    let id = row.case_id;
    let title = format!("{} · {} ({})", row.source_ip, row.report_type.replace('_', " "), row.role.replace('_', " "));
    let customer = match &row.customer {
        Some(c) => view! {
            <a href=format!("/customers/{}", c.customer_id)>{format!("{} — {}", c.account_ref, c.name)}</a>
            <span class=format!("status {}", c.status)>{c.status.clone()}</span>
        }
        .into_any(),
        None => view! { <span>"nobody could be named "</span><a href="/unattributed">"(see Unattributed)"</a> }.into_any(),
    };
    let status_options = CaseStatus::ALL
        .map(|s| view! { <option value=s.code() selected=s == row.status>{s.label()}</option> })
        .collect_view();
    let current_assignee = row.assignee.clone().unwrap_or_default();
    let options = people
        .into_iter()
        .map(|(uid, name)| {
            let selected = name == current_assignee;
            view! { <option value=uid.to_string() selected=selected>{name}</option> }
        })
        .collect_view();
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| utc_minutes(&t)).unwrap_or_else(|| "–".to_owned());
    let rate = match row.rate_per_thousand {
        Some(r) => format!(
            "{r:.2} unique complaints per 1,000 messages over the last 7 days (warn at {:.1}, block line {:.1}){}.",
            detail.warn_per_thousand,
            detail.block_per_thousand,
            row.flag.as_ref().map(|f| format!(": at or over the {f} threshold")).unwrap_or_default()
        ),
        None => "No sending volume imported for this address, so no rate per message (counts only).".to_owned(),
    };
    let c = detail.counts.clone();
    let breakdown = [
        ("Unique complaints", c.unique_complaints, "counted once each"),
        ("Exact repeats", c.same_bytes, "the same bytes arrived again (MTA retry, re-import)"),
        ("Copies to several mailboxes", c.mailbox_copies, "the same reporter report delivered to abuse@ and postmaster@, or via an upstream"),
        ("About another address", c.other_role, "one complaint naming several of our addresses; counted in the first one's case"),
        ("Re-reports", c.re_reports, "the same complainant reporting the same message again"),
    ]
    .map(|(what, n, why)| view! { <tr><th scope="row">{what}</th><td class="num">{n}</td><td class="muted">{why}</td></tr> })
    .collect_view();
    let per = |g: &'static str, label: &'static str| {
        let current = detail.granularity == g;
        view! { <a href=format!("/cases/{id}?per={g}") aria-current=current.then_some("page")>{label}</a> }
    };
    let campaigns = (!detail.campaigns.is_empty()).then(|| {
        let items = detail
            .campaigns
            .iter()
            .map(|k| view! { <li><code>{k.key.clone()}</code>{format!(": {} complaints from {} complainants", k.complaints, k.complainants)}</li> })
            .collect_view();
        view! {
            <section class="card">
                <h2>"Campaigns"</h2>
                <p class="muted">"One original message reported by several people: each complaint counts, and this is one mailing."</p>
                <ul>{items}</ul>
            </section>
        }
    });
    let reports = detail.reports.into_iter().map(|r| view! { <ReportLine r/> }).collect_view();
    let events = detail
        .events
        .into_iter()
        .map(|e| view! { <li>{format!("{} · {} · {}", utc_minutes(&e.at), e.actor, e.detail)}</li> })
        .collect_view();
    view! {
        <h1>{title}</h1>
        <p class="lead">"Customer: " {customer}</p>
        <div class="row">
            <ActionForm action=set_status attr:class="inline">
                <input type="hidden" name="id" value=id.to_string()/>
                <label><span>"Status"</span><select name="status">{status_options}</select></label>
                <button type="submit" class="small">"Save"</button>
            </ActionForm>
            <form method="post" action="/cases/assign" class="inline">
                <input type="hidden" name="case" value=id.to_string()/>
                <input type="hidden" name="back" value=format!("/cases/{id}")/>
                <label>
                    <span>"Assignee"</span>
                    <select name="assignee"><option value="none">"nobody"</option>{options}</select>
                </label>
                <button type="submit" class="small">"Assign"</button>
            </form>
        </div>
        <section class="card" id="arithmetic">
            <h2>"How the count adds up"</h2>
            <p class="explain">{detail.explanation}</p>
            <table class="grid breakdown">
                <tbody>
                    <tr><th scope="row">"Received"</th><td class="num strong">{c.received}</td><td class="muted">"every arrival of every report"</td></tr>
                    {breakdown}
                </tbody>
            </table>
            <p class="muted">
                {format!(
                    "{} reports stored · {} complainants · {} reporters · first seen {} · last seen {}",
                    c.stored_reports, c.complainants, c.reporters, when(row.first_seen), when(row.last_seen)
                )}
            </p>
        </section>
        <section class="card">
            <h2>"Complaints over time"</h2>
            <p class="row">"Per " {per("hour", "hour")} " · " {per("day", "day")} " · " {per("week", "week")}</p>
            <div class="chart-box" inner_html=detail.chart_svg></div>
            <p>{rate}</p>
            <p class="muted">"Thresholds flag a case for a person to look at; nothing happens to a customer because of them."</p>
        </section>
        {campaigns}
        <CaseworkPanel case_id=id/>
        <DisputesPanel case_id=id/>
        <section>
            <h2>"Reports"</h2>
            <table class="grid" id="case-reports">
                <thead>
                    <tr>
                        <th scope="col">"Report"</th>
                        <th scope="col">"Reporter"</th>
                        <th scope="col">"Reference"</th>
                        <th scope="col">"Incident"</th>
                        <th scope="col" class="num">"Arrivals"</th>
                        <th scope="col">"Counts as"</th>
                    </tr>
                </thead>
                <tbody>{reports}</tbody>
            </table>
        </section>
        <section>
            <h2>"History"</h2>
            <ul class="events">{events}</ul>
        </section>
    }
}

#[component]
fn ReportLine(r: CaseReportView) -> impl IntoView {
    let counts_as = match (&r.duplicate_reason, r.unique) {
        (None, _) => "unique complaint".to_owned(),
        (Some(reason), true) => reason.clone(),
        (Some(reason), false) => match r.duplicate_of {
            Some(canonical) => format!("{reason} (of report {canonical})"),
            None => reason.clone(),
        },
    };
    view! {
        <tr class:duplicate=!r.unique>
            <td><a href=format!("/messages/{}", r.message_id)>{format!("#{}", r.report_id)}</a></td>
            <td>{r.reporter}</td>
            <td>{r.reporter_ref.unwrap_or_default()}</td>
            <td>{utc_seconds(&r.at)}</td>
            <td class="num">{r.arrivals}</td>
            <td>{counts_as}</td>
        </tr>
    }
}

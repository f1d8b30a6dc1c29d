//! One of the customer's cases: the counts and why received and unique differ, the chart, the decisions in
//! force with their statement of reasons (and an appeal form while the appeal period runs), the evidence of
//! each report (only what is about the customer's address; what was withheld is said), the reports, and the
//! customer's disputes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::domain::dispute::DisputeView;
use crate::domain::portal::{EvidenceView, PortalCaseDetail, PortalDecision, PortalReport};
use crate::web::components::dispute::DisputeThread;
use crate::web::components::time::utc_minutes;
use crate::web::fns::portal::load_portal_case;
use crate::web::components::notice::loading;

/// The customer's case page.
#[component]
pub fn PortalCasePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let granularity = move || query.with(|q| q.get("per").unwrap_or_else(|| "day".to_owned()));
    let data = Resource::new(move || (id(), granularity()), |(id, g)| load_portal_case(id, g));
    let notice = move || query.with(|q| q.get("notice")).map(|n| view! { <p class="notice ok" role="status">{n}</p> });
    let error = move || query.with(|q| q.get("error")).map(|e| view! { <p class="notice error" role="alert">{e}</p> });
    view! {
        <Title text="Your case"/>
        {notice}
        {error}
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <CaseView detail/> }.into_any(),
                    Err(e) => view! { <h1>"Case"</h1><p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CaseView(detail: PortalCaseDetail) -> impl IntoView {
    let row = detail.row;
    let id = row.case_id;
    let per = |g: &'static str, label: &'static str| {
        let current = detail.granularity == g;
        view! { <a href=format!("/portal/cases/{id}?per={g}") aria-current=current.then_some("page")>{label}</a> }
    };
    let decisions = if detail.decisions.is_empty() {
        view! { <p class="muted">"No decision yet. We investigate before we act, and we read your answer first."</p> }.into_any()
    } else {
        detail.decisions.into_iter().map(|d| view! { <DecisionCard d case_id=id/> }).collect_view().into_any()
    };
    // Evidence is built for a bounded number of reports; the page says so rather than implying it is all.
    let shown = i64::try_from(detail.evidence.len()).unwrap_or(i64::MAX);
    let more = (row.received > shown && shown > 0).then(|| {
        format!("Evidence is shown for {shown} of this case's {} reports; ask us for the others.", row.received)
    });
    let evidence = detail.evidence.into_iter().map(|e| view! { <Evidence e/> }).collect_view();
    let reports = detail.reports.into_iter().map(|r| view! { <ReportLine r/> }).collect_view();
    let disputes = detail.disputes.into_iter().map(|d| view! { <CustomerDispute d/> }).collect_view();
    view! {
        <p><a href="/portal">"← All your cases"</a></p>
        <h1>{format!("Case #{id}: {} · {}", row.source_ip, row.report_type.replace('_', " "))}</h1>
        <p class="lead">
            <span class=format!("status {}", row.status.code())>{row.status.label()}</span>
            {format!(
                " · {} unique complaint{} from {} reporter{}",
                row.unique_complaints,
                if row.unique_complaints == 1 { "" } else { "s" },
                row.reporters,
                if row.reporters == 1 { "" } else { "s" }
            )}
        </p>
        <section class="card" id="arithmetic">
            <h2>"How the count adds up"</h2>
            <p class="explain">{detail.explanation}</p>
        </section>
        <section class="card">
            <h2>"Complaints over time"</h2>
            <p class="row">"Per " {per("hour", "hour")} " · " {per("day", "day")} " · " {per("week", "week")}</p>
            <div class="chart-box" inner_html=detail.chart_svg></div>
        </section>
        <section class="card" id="decisions">
            <h2>"Decisions"</h2>
            {decisions}
        </section>
        <section class="card" id="disputes">
            <h2>"Your answer"</h2>
            <p class="muted">
                "Tell us what happened: how the recipients signed up, what you changed, or why the reports are wrong. "
                "You can attach opt-in records (PDF, PNG, JPEG, text, CSV or .eml, up to 5 MiB)."
            </p>
            {disputes}
            <form method="post" action=format!("/portal/cases/{id}/disputes") enctype="multipart/form-data" class="stack">
                <label><span>"Dispute this case"</span><textarea name="body" rows="4" required></textarea></label>
                <label><span>"Attachment (optional)"</span><input type="file" name="attachment"/></label>
                <button type="submit">"Send to the abuse desk"</button>
            </form>
        </section>
        <section class="card" id="evidence">
            <h2>"What was reported"</h2>
            <p class="muted">
                "For each report, only what is about your address: your rows of a list, your log lines, or the "
                "reported message's date, subject, sender, message id, the Received lines naming your address "
                "and its text. Everything else is withheld, and each report says what. Complainants' addresses, "
                "names and tracking tokens are replaced by [redacted]: the people who complained are protected "
                "from retaliation and from being removed from lists one by one."
            </p>
            {evidence}
            {more.map(|m| view! { <p class="muted" id="evidence-more">{m}</p> })}
        </section>
        <h2>"Reports"</h2>
        <table class="grid" id="portal-reports">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Reporter"</th>
                    <th scope="col">"Counted"</th>
                </tr>
            </thead>
            <tbody>{reports}</tbody>
        </table>
    }
}

#[component]
fn DecisionCard(d: PortalDecision, case_id: i64) -> impl IntoView {
    let appeal = match (d.can_appeal, d.appeal_until) {
        (true, Some(until)) => view! {
            <form method="post" action=format!("/portal/cases/{case_id}/disputes") enctype="multipart/form-data" class="stack appeal">
                <input type="hidden" name="decision_id" value=d.id.to_string()/>
                <label>
                    <span>{format!("Appeal this decision (until {}); a manager who took no part in it will review it", utc_minutes(&until))}</span>
                    <textarea name="body" rows="3" required></textarea>
                </label>
                <label><span>"Attachment (optional)"</span><input type="file" name="attachment"/></label>
                <button type="submit">"Send appeal"</button>
            </form>
        }
        .into_any(),
        (false, Some(until)) => {
            view! { <p class="muted">{format!("Appeal period: until {} (an appeal is open or the period has ended).", utc_minutes(&until))}</p> }
                .into_any()
        }
        (_, None) => ().into_any(),
    };
    let policy = if d.policy.is_empty() { "the acceptable use policy".to_owned() } else { d.policy.clone() };
    view! {
        <article class=format!("decision {}", d.kind)>
            <h3>{format!("#{} {} · in force since {}", d.id, d.kind_label, utc_minutes(&d.in_force_at))}</h3>
            <dl class="facts">
                <dt>"What we found"</dt><dd>{d.reason}</dd>
                <dt>"Evidence relied on"</dt><dd>{d.evidence}</dd>
                <dt>"Policy"</dt><dd>{policy}</dd>
            </dl>
            {d.reverses.map(|r| view! { <p class="muted">{format!("This decision reverses decision #{r}.")}</p> })}
            {appeal}
        </article>
    }
}

#[component]
fn Evidence(e: EvidenceView) -> impl IntoView {
    let when = e.at.map(|t| format!(" on {}", utc_minutes(&t))).unwrap_or_default();
    let withheld = e.withheld.into_iter().map(|w| view! { <li>{w}</li> }).collect_view();
    let text = if e.text.trim().is_empty() {
        view! { <p class="muted">"Nothing of this report's evidence could be shown."</p> }.into_any()
    } else {
        view! { <pre>{e.text}</pre> }.into_any()
    };
    view! {
        <details class="evidence">
            <summary>{format!("Report {} by {}{when} ({} items masked)", e.report_id, e.reporter, e.removed)}</summary>
            {text}
            <ul class="withheld muted">{withheld}</ul>
        </details>
    }
    .into_any()
}

#[component]
fn ReportLine(r: PortalReport) -> impl IntoView {
    let counted = if r.unique { "a complaint".to_owned() } else { r.duplicate_reason.unwrap_or_else(|| "a copy".to_owned()) };
    view! {
        <tr class:muted=!r.unique>
            <td>{utc_minutes(&r.at)}</td>
            <td>{r.reporter}</td>
            <td>{counted}</td>
        </tr>
    }
}

#[component]
fn CustomerDispute(d: DisputeView) -> impl IntoView {
    let id = d.id;
    let settled = d.status.is_settled();
    view! {
        <DisputeThread d>
            {(!settled).then(|| view! {
                <form method="post" action=format!("/portal/disputes/{id}/reply") enctype="multipart/form-data" class="stack">
                    <label><span>"Reply"</span><textarea name="body" rows="3" required></textarea></label>
                    <label><span>"Attachment (optional)"</span><input type="file" name="attachment"/></label>
                    <button type="submit" class="small">"Send reply"</button>
                </form>
            })}
        </DisputeThread>
    }
}

//! One received message: how it arrived, what the parsers made of it, and the raw message exactly as stored
//! (staff only: it carries complainant identities).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::web::components::notice::{ActionNotice, load_failed, loading};
use crate::web::components::time::{size, utc_minutes, utc_seconds};
use crate::web::fns::messages::{
    get_message, AddManualReport, Attributed, MessageDetail, ReparseMessage, ReportRow, REPORT_TYPES,
};

/// The message page.
#[component]
pub fn MessagePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let reparse = ServerAction::<ReparseMessage>::new();
    let add = ServerAction::<AddManualReport>::new();
    let data = Resource::new(move || (id(), reparse.version().get(), add.version().get()), |(id, _, _)| get_message(id));
    let reparsed = Signal::derive(move || reparse.value().get());
    let added = Signal::derive(move || add.value().get());
    let uploaded = move || {
        query.with(|q| q.get("notice")).map(|n| view! { <p class="notice ok" role="status">{n}</p> })
    };
    view! {
        <Title text="Message"/>
        {uploaded}
        <ActionNotice result=reparsed success=|s: &String| s.clone()/>
        <ActionNotice result=added success=|_: &i64| "Report recorded, with your name.".to_owned()/>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <MessageView detail reparse add/> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

#[component]
fn MessageView(
    detail: MessageDetail,
    reparse: ServerAction<ReparseMessage>,
    add: ServerAction<AddManualReport>,
) -> impl IntoView {
    let m = detail.message;
    let id = m.id.to_string();
    let needs_review = m.reports == 0;
    let form_id = id.clone();
    let copies = (m.arrivals > 1).then(|| {
        format!("{} arrivals of the same bytes: stored once, counted as {} copies", m.arrivals, m.arrivals - 1)
    });
    let reports = detail.reports.into_iter().map(|r| view! { <ReportLine r/> }).collect_view();
    view! {
        <h1>{format!("Message {}", m.id)}</h1>
        <section class="card">
            <dl class="facts">
                <dt>"First received"</dt><dd>{utc_minutes(&m.received_at)}</dd>
                <dt>"Delivered to"</dt><dd>{m.recipients.unwrap_or_else(|| "not known".to_owned())}</dd>
                <dt>"Arrivals"</dt><dd>{copies.unwrap_or_else(|| "1".to_owned())}</dd>
                <dt>"Size"</dt><dd>{size(m.size_bytes)}</dd>
                <dt>"SHA-256"</dt><dd><code>{m.sha256}</code></dd>
                <dt>"Format"</dt><dd>{m.format.unwrap_or_else(|| "not recognised".to_owned())}</dd>
                <dt>"Status"</dt><dd>{m.status}</dd>
                <dt>"Parser notes"</dt><dd>{m.detail.unwrap_or_else(|| "none".to_owned())}</dd>
            </dl>
            <ActionForm action=reparse attr:class="inline">
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="small">"Parse again"</button>
            </ActionForm>
        </section>
        <h2>"Reports"</h2>
        <table class="grid" id="reports">
            <thead>
                <tr>
                    <th scope="col">"Source"</th>
                    <th scope="col">"Customer"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Incident"</th>
                    <th scope="col">"Reporter"</th>
                    <th scope="col">"Reference"</th>
                    <th scope="col">"Complainant (private)"</th>
                    <th scope="col">"Entered"</th>
                </tr>
            </thead>
            <tbody>{reports}</tbody>
        </table>
        <details class="card" open=needs_review>
            <summary>{if needs_review { "Needs review: enter the report by hand" } else { "Add a report by hand" }}</summary>
            <ActionForm action=add attr:class="row" attr:id="manual-report">
                <input type="hidden" name="message_id" value=form_id/>
                <label><span>"Source IP"</span><input name="source_ip" required/></label>
                <label><span>"Port"</span><input name="source_port" inputmode="numeric" size="6"/></label>
                <label>
                    <span>"Type"</span>
                    <select name="report_type">
                        {REPORT_TYPES.map(|t| view! { <option value=t>{t}</option> }).collect_view()}
                    </select>
                </label>
                <label><span>"Incident time (UTC)"</span><input type="datetime-local" name="incident_time" required/></label>
                <label><span>"Reporter"</span><input name="reporter"/></label>
                <button type="submit">"Record report"</button>
            </ActionForm>
        </details>
        <h2>"Raw message"</h2>
        <pre class="raw" id="raw-message">{detail.raw}</pre>
    }
}

#[component]
fn ReportLine(r: ReportRow) -> impl IntoView {
    let source = match r.source_port {
        Some(port) if r.source_ip.contains(':') => format!("[{}]:{port}", r.source_ip),
        Some(port) => format!("{}:{port}", r.source_ip),
        None => r.source_ip,
    };
    view! {
        <tr>
            <td><code>{source}</code></td>
            <td><AttributedTo a=r.attribution/></td>
            <td>{r.report_type}</td>
            <td>{r.role}</td>
            <td>{r.incident_time.map(|t| utc_seconds(&t)).unwrap_or_else(|| "not given".to_owned())}</td>
            <td>{r.reporter}</td>
            <td>{r.reporter_ref.unwrap_or_default()}</td>
            <td>{r.complainant.unwrap_or_default()}</td>
            <td>{r.entered_by.map(|who| format!("by hand, {who}")).unwrap_or_else(|| "parser".to_owned())}</td>
        </tr>
    }
}

/// Who a report was attributed to: a link to the customer, or why nobody (a link to the queue).
#[component]
fn AttributedTo(a: Attributed) -> impl IntoView {
    match a {
        Attributed::Pending => view! { <span class="muted">"not yet"</span> }.into_any(),
        Attributed::Customer { customer_id, account_ref, name, via } => view! {
            <a href=format!("/customers/{customer_id}") title=format!("matched by {via}")>{format!("{account_ref} · {name}")}</a>
        }
        .into_any(),
        Attributed::Nobody { reason } => {
            view! { <a class="status unattributed" href="/unattributed">{reason.replace('_', " ")}</a> }.into_any()
        }
    }
}

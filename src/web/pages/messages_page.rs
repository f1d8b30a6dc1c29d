//! The intake: every received message, newest first, with how parsing went; and the upload form.
//! Filters live in the URL (`?status=unrecognised&page=2`) so a view can be shared and works without
//! JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::web::components::time::{size, utc_minutes};
use crate::web::fns::messages::{list_messages, IntakeList, MessageRow, PAGE_SIZE};

const FILTERS: [(&str, &str); 5] =
    [("", "All"), ("parsed", "Parsed"), ("unrecognised", "Not recognised"), ("failed", "Unreadable"), ("pending", "Pending")];

/// The list of received messages.
#[component]
pub fn MessagesPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status").unwrap_or_default());
    let page = move || query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(0).max(0));
    // The front page's parse outcomes of the day link here with `day=YYYY-MM-DD`.
    let day = move || query.with(|q| q.get("day").unwrap_or_default());
    let data = Resource::new(move || (status(), page(), day()), |(status, page, day)| list_messages(status, page, day));
    let notice = move || query.with(|q| q.get("error")).map(|e| view! { <p class="notice error" role="alert">{e}</p> });
    view! {
        <Title text="Intake"/>
        <h1>"Intake"</h1>
        {notice}
        <section class="card">
            <h2>"Add a message"</h2>
            <p class="muted">
                "Mail servers pipe messages to " <code>"abusedesk ingest"</code> ", collectors post them to "
                <code>"/api/v1/messages"</code> ", and " <code>"abusedesk import"</code>
                " takes mbox and Maildir. A single message can be uploaded here."
            </p>
            <form method="post" action="/messages/upload" enctype="multipart/form-data" class="row">
                <label><span>"Message file (.eml)"</span><input type="file" name="message" required/></label>
                <label><span>"Delivered to (optional)"</span><input name="recipient" placeholder="abuse@example.net"/></label>
                <button type="submit">"Upload"</button>
            </form>
        </section>
        <nav class="filters" aria-label="Parse status">
            {FILTERS
                .map(|(value, label)| {
                    let href = if value.is_empty() { "/messages".to_owned() } else { format!("/messages?status={value}") };
                    view! { <a href=href aria-current=move || (status() == value).then_some("page")>{label}</a> }
                })
                .collect_view()}
        </nav>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <IntakeView list status=status() page=page() day=day()/> }.into_any(),
                    Err(e) => view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn IntakeView(list: IntakeList, status: String, page: i64, day: String) -> impl IntoView {
    let t = list.totals;
    let copies = t.arrivals - t.messages;
    let more = i64::try_from(list.messages.len()).unwrap_or(0) == PAGE_SIZE;
    let shown = (!day.is_empty()).then(|| {
        let what = if status.is_empty() { "messages".to_owned() } else { format!("{status} messages") };
        let text = format!("{} {what} first received on {day} (UTC).", list.matching);
        view! { <p class="muted" id="intake-view">{text}</p> }
    });
    let link = move |p: i64| {
        let mut href = format!("/messages?page={p}");
        if !status.is_empty() {
            href.push_str(&format!("&status={status}"));
        }
        if !day.is_empty() {
            href.push_str(&format!("&day={day}"));
        }
        href
    };
    let rows = list.messages.into_iter().map(|m| view! { <MessageLine m/> }).collect_view();
    view! {
        <p class="summary" id="intake-totals">
            <span>{format!("{} arrivals = {} distinct messages + {} exact copies", t.arrivals, t.messages, copies)}</span>
            <span>{format!(" · {} reports from {} parsed messages; {} not recognised, {} unreadable, {} pending", t.reports, t.parsed, t.unrecognised, t.failed, t.pending)}</span>
        </p>
        {shown}
        <table class="grid" id="messages">
            <thead>
                <tr>
                    <th scope="col">"#"</th>
                    <th scope="col">"Received"</th>
                    <th scope="col">"Format"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col" class="num">"Reports"</th>
                    <th scope="col" class="num">"Arrivals"</th>
                    <th scope="col">"Delivered to"</th>
                    <th scope="col" class="num">"Size"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <p class="pager">
            {(page > 0).then(|| view! { <a href=link(page - 1)>"← Newer"</a> })}
            {more.then(|| view! { <a href=link(page + 1)>"Older →"</a> })}
        </p>
    }
}

#[component]
fn MessageLine(m: MessageRow) -> impl IntoView {
    let href = format!("/messages/{}", m.id);
    let status_class = format!("status {}", m.status);
    view! {
        <tr>
            <td><a href=href>{m.id}</a></td>
            <td>{utc_minutes(&m.received_at)}</td>
            <td>{m.format.unwrap_or_else(|| "—".to_owned())}</td>
            <td><span class=status_class title=m.detail.unwrap_or_default()>{m.status}</span></td>
            <td class="num">{m.reports}</td>
            <td class="num">{m.arrivals}</td>
            <td>{m.recipients.unwrap_or_default()}</td>
            <td class="num">{size(m.size_bytes)}</td>
        </tr>
    }
}

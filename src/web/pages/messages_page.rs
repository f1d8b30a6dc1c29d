//! The intake: every received message, newest first, with how parsing went; and the upload form.
//! Filters live in the URL (`?status=unrecognised&page=2`, and `&domain=…&shape=…` for one group of
//! not-recognised messages) so a view can be shared and works without JavaScript. Listing the
//! not-recognised messages also shows them grouped by sender and Subject shape, largest group first: the
//! reporters the desk should write a profile for next.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::customers_page::url_query;
use crate::web::components::time::{size, utc_minutes};
use crate::web::fns::messages::{list_messages, IntakeList, MessageRow, UnrecognisedGroup, PAGE_SIZE};
use crate::web::components::pager::{Pager, PagerWords};
use crate::web::components::notice::{loading, load_failed};

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
    let group = move || {
        query.with(|q| Group { domain: q.get("domain").unwrap_or_default(), shape: q.get("shape").unwrap_or_default() })
    };
    let data = Resource::new(
        move || (status(), page(), day(), group()),
        |(status, page, day, group)| list_messages(status, page, day, group.domain, group.shape),
    );
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
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => {
                        view! { <IntakeView list status=status() page=page() day=day() group=group()/> }.into_any()
                    }
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

/// One group of not-recognised messages, as the URL names it; an empty `domain` is no group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Group {
    domain: String,
    shape: String,
}

impl Group {
    /// The list's address for `status`, this group and `page` (an empty shape is left out: it reads back
    /// as empty, the group without a Subject).
    fn href(&self, status: &str, page: i64) -> String {
        let page = if page > 0 { page.to_string() } else { String::new() };
        let query = url_query(&[("status", status), ("domain", &self.domain), ("shape", &self.shape), ("page", &page)]);
        if query.is_empty() { "/messages".to_owned() } else { format!("/messages?{query}") }
    }
}

#[component]
fn IntakeView(list: IntakeList, status: String, page: i64, day: String, group: Group) -> impl IntoView {
    let t = list.totals;
    let copies = t.arrivals - t.messages;
    let more = i64::try_from(list.messages.len()).unwrap_or(0) == PAGE_SIZE;
    let shown = (!day.is_empty()).then(|| {
        let what = if status.is_empty() { "messages".to_owned() } else { format!("{status} messages") };
        let text = format!("{} {what} first received on {day} (UTC).", list.matching);
        view! { <p class="muted" id="intake-view">{text}</p> }
    });
    let link = {
        let (status, group) = (status.clone(), group.clone());
        move |p: i64| {
            let href = group.href(&status, p);
            match (day.is_empty(), href.contains('?')) {
                (true, _) => href,
                (false, true) => format!("{href}&day={day}"),
                (false, false) => format!("{href}?day={day}"),
            }
        }
    };
    let groups = (status == "unrecognised").then(|| view! { <ShapeGroups groups=list.groups current=group.clone()/> });
    let rows = list.messages.into_iter().map(|m| view! { <MessageLine m/> }).collect_view();
    view! {
        <p class="summary" id="intake-totals">
            <span>{format!("{} arrivals = {} distinct messages + {} exact copies", t.arrivals, t.messages, copies)}</span>
            <span>{format!(" · {} reports from {} parsed messages; {} not recognised, {} unreadable, {} pending", t.reports, t.parsed, t.unrecognised, t.failed, t.pending)}</span>
        </p>
        {shown}
        {groups}
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
        <Pager previous=(page > 0).then(|| link(page - 1)) next=more.then(|| link(page + 1)) words=PagerWords::Time/>
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

/// The not-recognised messages by sender domain and Subject shape, largest group first; each row lists its
/// messages (the link's list holds exactly the row's count).
#[component]
fn ShapeGroups(groups: Vec<UnrecognisedGroup>, current: Group) -> impl IntoView {
    if groups.is_empty() {
        return view! { <p class="muted">"Nothing waits unrecognised."</p> }.into_any();
    }
    let all = (!current.domain.is_empty())
        .then(|| view! { <p><a href="/messages?status=unrecognised">"All not-recognised messages"</a></p> });
    let rows = groups
        .into_iter()
        .map(|g| {
            let group = Group { domain: g.domain, shape: g.shape };
            let href = group.href("unrecognised", 0);
            let here = (group == current).then_some("page");
            let shape = if group.shape.is_empty() { "(no Subject)".to_owned() } else { group.shape };
            view! {
                <tr>
                    <td>{group.domain}</td>
                    <td><a href=href aria-current=here>{shape}</a></td>
                    <td class="num">{g.messages}</td>
                    <td>{utc_minutes(&g.newest)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="unrecognised-groups">
            <h2>"Not recognised, by sender and subject shape"</h2>
            <p class="muted">
                "Each row is likely one reporter's template: the largest are the profiles to write next."
            </p>
            <table class="grid">
                <thead>
                    <tr>
                        <th scope="col">"Sender domain"</th>
                        <th scope="col">"Subject shape"</th>
                        <th scope="col" class="num">"Messages"</th>
                        <th scope="col">"Last seen"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {all}
        </section>
    }
    .into_any()
}

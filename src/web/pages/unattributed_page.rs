//! The unattributed queue: reports nobody could be named for, why, and who could have held the address;
//! below it, the latest changes of attribution (a late import naming the customer is recorded there).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::domain::attribution::UnattributedView;
use crate::web::components::time::{utc_minutes, utc_seconds};
use crate::web::fns::customers::{list_unattributed, UnattributedList, PAGE_SIZE};
use crate::web::components::pager::Pager;
use crate::web::components::notice::{loading, load_failed};

/// The unattributed queue.
#[component]
pub fn UnattributedPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(0).max(0));
    let data = Resource::new(page, list_unattributed);
    view! {
        <Title text="Unattributed"/>
        <h1>"Unattributed reports"</h1>
        <p class="muted">
            "Reports whose address nobody held at the incident time, that several customers could have held, or that "
            "are outside our address space. Importing the missing assignments attributes them automatically."
        </p>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <Queue list page=page()/> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

#[component]
fn Queue(list: UnattributedList, page: i64) -> impl IntoView {
    let more = (page + 1) * PAGE_SIZE < list.total;
    let rows = list.reports.into_iter().map(|r| view! { <Line r/> }).collect_view();
    let changes = list
        .changes
        .into_iter()
        .map(|c| {
            view! {
                <tr>
                    <td>{utc_minutes(&c.changed_at)}</td>
                    <td>{c.from}</td>
                    <td>{c.to}</td>
                    <td>{c.reason}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="summary" id="unattributed-total">{format!("{} report(s) waiting", list.total)}</p>
        <table class="grid" id="unattributed">
            <thead>
                <tr>
                    <th scope="col">"Source"</th>
                    <th scope="col">"At"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Reporter"</th>
                    <th scope="col">"Why"</th>
                    <th scope="col">"Candidates"</th>
                    <th scope="col">"Message"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <Pager
            previous=(page > 0).then(|| format!("/unattributed?page={}", page - 1))
            next=more.then(|| format!("/unattributed?page={}", page + 1))
        />
        <h2>"Latest changes of attribution"</h2>
        <table class="grid" id="attribution-changes">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"From"</th>
                    <th scope="col">"To"</th>
                    <th scope="col">"Why"</th>
                </tr>
            </thead>
            <tbody>{changes}</tbody>
        </table>
    }
}

#[component]
fn Line(r: UnattributedView) -> impl IntoView {
    let port = r.source_port.map(|p| p.to_string()).unwrap_or_default();
    let at = r.at.to_rfc3339();
    let lookup = format!("/lookup?ip={}&port={port}&at={}", r.source_ip, at.replace('+', "%2B"));
    let source = match r.source_port {
        Some(p) => format!("{} port {p}", r.source_ip),
        None => r.source_ip.clone(),
    };
    let when = if r.at_is_incident { utc_seconds(&r.at) } else { format!("{} (arrival)", utc_seconds(&r.at)) };
    let candidates = r
        .candidates
        .into_iter()
        .map(|c| view! { <a href=format!("/customers/{}", c.customer_id)>{c.account_ref}</a>" " })
        .collect_view();
    view! {
        <tr>
            <td><a href=lookup><code>{source}</code></a></td>
            <td>{when}</td>
            <td>{r.report_type}</td>
            <td>{r.reporter}</td>
            <td><span class="status unattributed" title=r.reason>{r.reason_label}</span></td>
            <td>{candidates}</td>
            <td><a href=format!("/messages/{}", r.message_id)>{format!("#{}", r.message_id)}</a></td>
        </tr>
    }
}

//! Customers: search by account reference, name or e-mail (the query lives in the URL, `?q=…`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::domain::customer::CustomerView;
use crate::web::fns::customers::{list_customers, PAGE_SIZE};
use crate::web::components::pager::Pager;
use crate::web::components::notice::{loading, load_failed};

/// The customer list.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let page = move || query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(0).max(0));
    let data = Resource::new(move || (search(), page()), |(search, page)| list_customers(search, page));
    view! {
        <Title text="Customers"/>
        <h1>"Customers"</h1>
        <form method="get" action="/customers" class="row" role="search">
            <label><span>"Account, name or e-mail"</span><input name="q" value=search/></label>
            <button type="submit">"Search"</button>
            <a href="/lookup">"Who held an address?"</a>
        </form>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) => view! { <CustomerTable list search=search() page=page()/> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

#[component]
fn CustomerTable(list: Vec<CustomerView>, search: String, page: i64) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="muted">"No customer matches. Admins import customers under Imports."</p> }.into_any();
    }
    let more = i64::try_from(list.len()).unwrap_or(0) == PAGE_SIZE;
    let link = move |p: i64| {
        let q: String = url_query(&[("q", &search), ("page", &p.to_string())]);
        format!("/customers?{q}")
    };
    let rows = list
        .into_iter()
        .map(|c| {
            let href = format!("/customers/{}", c.customer_id);
            let status = format!("status {}", c.status);
            view! {
                <tr>
                    <td><a href=href>{c.account_ref}</a></td>
                    <td>{c.name}</td>
                    <td><span class=status>{c.status.clone()}</span></td>
                    <td>{c.emails.join(", ")}</td>
                    <td class="num">{c.assignments}</td>
                    <td class="num">{c.reports}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" id="customers">
            <thead>
                <tr>
                    <th scope="col">"Account"</th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Contact"</th>
                    <th scope="col" class="num">"Assignments"</th>
                    <th scope="col" class="num">"Reports"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <Pager previous=(page > 0).then(|| link(page - 1)) next=more.then(|| link(page + 1))/>
    }
    .into_any()
}

/// `a=1&b=2`, each value URL-encoded.
pub fn url_query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

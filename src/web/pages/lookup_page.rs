//! Who held an address at a moment: the same lookup `abusedesk attribute` prints. A plain GET form
//! (`/lookup?ip=…&port=…&at=…`), so a result can be linked and works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::customer_page::AssignmentTable;
use crate::domain::attribution::{LookupOutcome, LookupView};
use crate::web::components::time::utc_seconds;
use crate::web::fns::customers::lookup_address;
use crate::web::components::notice::load_failed;

/// The lookup page.
#[component]
pub fn LookupPage() -> impl IntoView {
    let query = use_query_map();
    let field = move |name: &'static str| move || query.with(|q| q.get(name).unwrap_or_default());
    let (ip, port, at) = (field("ip"), field("port"), field("at"));
    let data = Resource::new(
        move || (ip(), port(), at()),
        |(ip, port, at)| async move {
            if ip.trim().is_empty() {
                None
            } else {
                Some(lookup_address(ip, port, at).await)
            }
        },
    );
    view! {
        <Title text="Address lookup"/>
        <h1>"Who held this address?"</h1>
        <form method="get" action="/lookup" class="row card" role="search">
            <label><span>"IP address"</span><input name="ip" value=ip required placeholder="198.51.100.23"/></label>
            <label><span>"Port (for CGNAT)"</span><input name="port" value=port inputmode="numeric" size="6"/></label>
            <label>
                <span>"At (UTC; empty = now)"</span>
                <input name="at" value=at placeholder="2026-11-24T10:15:00Z"/>
            </label>
            <button type="submit">"Look up"</button>
        </form>
        <Transition fallback=|| view! { <p class="muted">"Looking up…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    None => view! { <p class="muted">"The incident time matters: addresses change hands."</p> }.into_any(),
                    Some(Ok(view)) => view! { <LookupResult view/> }.into_any(),
                    Some(Err(e)) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

#[component]
fn LookupResult(view: LookupView) -> impl IntoView {
    let port = view.port.map(|p| format!(" port {p}")).unwrap_or_default();
    let heading = format!("{}{port} at {}", view.ip, utc_seconds(&view.at));
    let body = match view.outcome {
        LookupOutcome::Customer { assignment, via } => {
            let c = assignment.customer.clone();
            view! {
                <p class="notice ok" id="lookup-result">
                    "Held by "
                    <a href=format!("/customers/{}", c.customer_id)>{format!("{} · {}", c.account_ref, c.name)}</a>
                    {format!(" ({}), matched by {}.", c.status, via.replace('_', " "))}
                </p>
                <AssignmentTable rows=vec![assignment] with_customer=true/>
            }
            .into_any()
        }
        LookupOutcome::Unattributed { reason_label, candidates, .. } => {
            let none = candidates.is_empty();
            view! {
                <p class="notice error" id="lookup-result">{format!("Nobody can be named: {reason_label}.")}</p>
                {(!none).then(|| view! { <h2>"Candidates"</h2> <AssignmentTable rows=candidates with_customer=true/> })}
            }
            .into_any()
        }
    };
    view! {
        <section>
            <h2>{heading}</h2>
            {body}
        </section>
    }
}

//! The overview: who you are, and for staff the state of the desk.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::web::fns::overview::{load_overview, Overview};

/// The first page after signing in.
#[component]
pub fn HomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_overview());
    view! {
        <Title text="Overview"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => view! { <OverviewView o/> }.into_any(),
                    Err(e) => view! { <p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OverviewView(o: Overview) -> impl IntoView {
    let demo = o.demo.then(|| {
        view! {
            <p class="notice demo">
                "This desk runs on demo data: made-up customers and reports, and demo accounts whose "
                "passwords are printed at start-up. Do not use it for real complaints."
            </p>
        }
    });
    let desk = o.desk.map(|d| {
        let rows = d
            .accounts
            .into_iter()
            .map(|c| view! { <tr><th scope="row">{c.role.label()}</th><td class="num">{c.accounts}</td></tr> })
            .collect_view();
        view! {
            <section class="card">
                <h2>"The desk"</h2>
                <dl class="facts">
                    <dt>"Database"</dt><dd>{d.database}</dd>
                    <dt>"Schema version"</dt><dd>{d.schema_version}</dd>
                    <dt>"Disabled accounts"</dt><dd>{d.disabled_accounts}</dd>
                </dl>
                <table class="grid compact">
                    <caption>"Active accounts by role"</caption>
                    <thead><tr><th scope="col">"Role"</th><th scope="col" class="num">"Accounts"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    });
    view! {
        <h1>"Welcome, " <span>{o.display_name}</span></h1>
        <p class="muted">"Signed in as " <span>{o.role.label()}</span> "."</p>
        {demo}
        {(o.role == crate::domain::role::Role::Customer).then(|| view! {
            <p class="lead"><a href="/portal">"See the complaints about your addresses and answer them →"</a></p>
        })}
        {desk}
    }
}

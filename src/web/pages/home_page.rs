//! The front page: what needs the signed-in person now, per role (issue 20). Server-rendered figures that
//! are links to the lists they count; the charts are SVG drawn by the server. Customers are sent to the
//! portal by the server (`server::access`) and, after a client-side navigation, by the router.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::domain::home::Home;
use crate::domain::role::Role;
use crate::web::components::home::{CaseWorkPanel, HealthPanel, MonthPanel, TileRow};
use crate::web::fns::overview::load_overview;
use crate::web::components::notice::{loading, load_failed};

/// The first page after signing in.
#[component]
pub fn HomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_overview());
    view! {
        <Title text="Overview"/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(home) => view! { <HomeView home/> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HomeView(home: Home) -> impl IntoView {
    if home.role == Role::Customer {
        return view! { <Redirect path="/portal"/> }.into_any();
    }
    let demo = home.demo.then(|| {
        view! {
            <p class="notice demo">
                "This desk runs on demo data: made-up customers and reports, and demo accounts whose "
                "passwords are printed at start-up. Do not use it for real complaints."
            </p>
        }
    });
    let reviews = (!home.reviews.is_empty()).then(|| {
        view! {
            <section class="card">
                <h2>"Waiting for a manager"</h2>
                <TileRow tiles=home.reviews label="Waiting for a manager"/>
            </section>
        }
    });
    let oldest_href = crate::domain::home::oldest_first_href();
    let work = home.work.map(|work| view! { <CaseWorkPanel work oldest_href/> });
    let month = home.month.map(|month| view! { <MonthPanel month/> });
    let health = home.health.map(|health| view! { <HealthPanel health/> });
    view! {
        <h1>"Welcome, " <span>{home.display_name}</span></h1>
        <p class="muted">"Signed in as " <span>{home.role.label()}</span> "."</p>
        {demo}
        {reviews}
        {month}
        {work}
        {health}
    }
    .into_any()
}

//! The page for paths that are not pages (answered with status 404).

use leptos::prelude::*;
use leptos_meta::Title;

/// "Not found", with status 404 when rendered on the server.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <section class="card narrow">
            <h1>"Not found"</h1>
            <p>"There is no page at this address."</p>
            <p><a href="/">"Back to the overview"</a></p>
        </section>
    }
}

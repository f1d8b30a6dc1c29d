//! The top bar: brand, the links the signed-in user's role may open, and sign-out.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::domain::access::{nav_pages, STAFF};
use crate::domain::user::CurrentUser;
use crate::web::fns::session::whoami;

/// The top bar. Shows nothing but the brand to someone not signed in.
#[component]
pub fn NavBar() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <header class="topbar">
            <a class="brand" href="/">"abusedesk"</a>
            <Suspense fallback=|| view! { <span class="spacer"></span> }>
                {move || Suspend::new(async move {
                    match me.await {
                        Ok(Some(user)) => view! { <NavLinks user/> }.into_any(),
                        _ => view! { <span class="spacer"></span> }.into_any(),
                    }
                })}
            </Suspense>
        </header>
    }
}

#[component]
fn NavLinks(user: CurrentUser) -> impl IntoView {
    let links = nav_pages(user.role)
        .map(|page| view! { <A href=page.path>{page.title}</A> })
        .collect_view();
    let staff = STAFF.contains(&user.role);
    view! {
        <nav class="nav" aria-label="Main">{links}</nav>
        {staff.then(|| view! {
            <form method="get" action="/lookup" class="search" role="search">
                <input name="ip" aria-label="Who held this IP address?" placeholder="IP lookup" size="16"/>
            </form>
        })}
        <div class="whoami">
            <span class="name">{user.display_name}</span>
            <span class="badge">{user.role.label()}</span>
            <form method="post" action="/auth/signout">
                <button type="submit" class="link">"Sign out"</button>
            </form>
        </div>
    }
}

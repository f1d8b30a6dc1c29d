//! The HTML shell and the route table. Every route here must have an entry in `domain::access::PAGES`
//! (a test checks it), which is what the server enforces.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::SsrMode;
use leptos_router::path;

use super::components::nav::NavBar;
use super::pages::{
    AccountPage, AdminImportPage, AdminImportsPage, AdminTokensPage, AdminUsersPage, AuditPage, CasePage, CasesPage,
    CustomerPage, CustomersPage, HomePage, LoginPage, LookupPage, MessagePage, MessagesPage, NotFoundPage,
    NotificationsPageView, PortalCasePage, PortalPage, ReviewsPage, UnattributedPage,
};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: navigation and pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Marks the document once the app has hydrated, so browser tests (and curious people) can tell.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/abusedesk.css"/>
        <Title formatter=|page: String| format!("{page} · abusedesk")/>
        <Router>
            <NavBar/>
            <main class="page">
                // Every page renders once its data is in (SsrMode::Async), so the status line can say what
                // the data said (404 for an unknown case, 403 for data the user may not read) and no
                // response is cut between a shell and data that never comes.
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/cases") view=CasesPage ssr=SsrMode::Async/>
                    <Route path=path!("/cases/:id") view=CasePage ssr=SsrMode::Async/>
                    <Route path=path!("/reviews") view=ReviewsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/audit") view=AuditPage ssr=SsrMode::Async/>
                    <Route path=path!("/messages") view=MessagesPage ssr=SsrMode::Async/>
                    <Route path=path!("/messages/:id") view=MessagePage ssr=SsrMode::Async/>
                    <Route path=path!("/unattributed") view=UnattributedPage ssr=SsrMode::Async/>
                    <Route path=path!("/customers") view=CustomersPage ssr=SsrMode::Async/>
                    <Route path=path!("/customers/:id") view=CustomerPage ssr=SsrMode::Async/>
                    <Route path=path!("/lookup") view=LookupPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/imports") view=AdminImportsPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/imports/:id") view=AdminImportPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/tokens") view=AdminTokensPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/notifications") view=NotificationsPageView ssr=SsrMode::Async/>
                    <Route path=path!("/portal") view=PortalPage ssr=SsrMode::Async/>
                    <Route path=path!("/portal/cases/:id") view=PortalCasePage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}

//! Every route of the Leptos app has an access rule in `domain::access::PAGES` (default deny rests on it).
//!
//! A test binary of its own: listing the routes renders the app's route tree outside any server, and in a
//! process where test servers are rendering pages at the same time that left some of their pages waiting
//! for data that never came. The same binary checks the layering of the source ([`layers`]).

mod layers;

use abusedesk::domain::access::find_page;
use abusedesk::web::app::App;

#[tokio::test]
async fn every_route_of_the_app_has_an_access_rule() {
    let _ = any_spawner::Executor::init_tokio();
    let routes = leptos_axum::generate_route_list(App);
    assert!(!routes.is_empty());
    for route in routes {
        assert!(find_page(route.path()).is_some(), "route {} has no entry in domain::access::PAGES", route.path());
    }
}

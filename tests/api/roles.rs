//! Each role against each protected page and server function. The expectations are written out here,
//! independently of the access table in `domain::access`, so a wrong entry there fails this test.

use abusedesk::domain::role::Role;

use crate::helpers::{location, TestApp};

/// Who asks: a role, or nobody signed in.
const WHO: [Option<Role>; 5] = [Some(Role::Admin), Some(Role::Analyst), Some(Role::Manager), Some(Role::Customer), None];

/// Expected answer per page: 200 (shown), 403 (refused), 303 (sent to sign in).
const PAGES: &[(&str, [u16; 5])] = &[
    // A customer's front page is the portal: sent there (checked below), not refused.
    ("/", [200, 200, 200, 303, 303]),
    ("/account", [200, 200, 200, 200, 303]),
    ("/messages", [200, 200, 200, 403, 303]),
    ("/cases", [200, 200, 200, 403, 303]),
    // No case 1 exists: staff see the page saying so (404); the others never learn whether it does.
    ("/cases/1", [404, 404, 404, 403, 303]),
    ("/unattributed", [200, 200, 200, 403, 303]),
    ("/customers", [200, 200, 200, 403, 303]),
    ("/lookup?ip=192.0.2.1", [200, 200, 200, 403, 303]),
    ("/admin/users", [200, 403, 403, 403, 303]),
    ("/admin/imports", [200, 403, 403, 403, 303]),
    ("/reviews", [200, 403, 200, 403, 303]),
    ("/admin/audit", [200, 403, 403, 403, 303]),
    ("/admin/notifications", [200, 403, 403, 403, 303]),
    // The portal is for customer accounts linked to a customer; this customer account is not linked, so
    // the page opens but its data is refused, and the answer says so (tests/api/portal.rs signs in linked
    // accounts).
    ("/portal", [403, 403, 403, 403, 303]),
    ("/portal/cases/1", [403, 403, 403, 403, 303]),
];

/// A server function's form arguments.
type Args = &'static [(&'static str, &'static str)];

/// Expected status per server function; 401 for nobody.
const FUNCTIONS: &[(&str, Args, [u16; 5])] = &[
    ("whoami", &[], [200, 200, 200, 200, 200]),
    ("overview", &[], [200, 200, 200, 200, 401]),
    ("list_users", &[], [200, 403, 403, 403, 401]),
    ("create_user", &[("username", "newcomer"), ("display_name", ""), ("role", "analyst")], [200, 403, 403, 403, 401]),
    ("set_user_role", &[("user_id", "1"), ("role", "manager")], [200, 403, 403, 403, 401]),
    ("set_user_disabled", &[("user_id", "1"), ("disabled", "false")], [200, 403, 403, 403, 401]),
    ("reset_user_password", &[("user_id", "1")], [200, 403, 403, 403, 401]),
    ("list_customers", &[("search", ""), ("page", "0")], [200, 200, 200, 403, 401]),
    ("lookup_address", &[("ip", "192.0.2.1"), ("port", ""), ("at", "")], [200, 200, 200, 403, 401]),
    ("list_unattributed", &[("page", "0")], [200, 200, 200, 403, 401]),
    ("list_import_runs", &[], [200, 403, 403, 403, 401]),
    ("list_cases", &[("query", "status=all")], [200, 200, 200, 403, 401]),
    ("list_assignees", &[], [200, 200, 200, 403, 401]),
    ("list_proposals", &[], [200, 403, 200, 403, 401]),
    ("audit_log", &[("action", ""), ("actor", ""), ("page", "0")], [200, 403, 403, 403, 401]),
    ("verify_audit", &[], [200, 403, 403, 403, 401]),
    // Case 1 does not exist: staff learn that; the others are refused first.
    ("get_casework", &[("case_id", "1")], [200, 200, 200, 403, 401]),
    ("open_investigation", &[("case_id", "1")], [404, 404, 404, 403, 401]),
    ("add_case_note", &[("case_id", "1"), ("body", "x")], [404, 404, 404, 403, 401]),
    // No case 1 exists: staff get "not found", everyone else the refusal before any lookup.
    ("get_case", &[("id", "1"), ("granularity", "day")], [404, 404, 404, 403, 401]),
    ("set_case_status", &[("id", "1"), ("status", "closed")], [404, 404, 404, 403, 401]),
    ("case_disputes", &[("case_id", "1")], [200, 200, 200, 403, 401]),
    ("answer_reporters", &[("case_id", "1"), ("decision_id", "1")], [422, 422, 422, 403, 401]),
    ("answer_dispute", &[("dispute_id", "1"), ("body", "x"), ("status", "answered")], [404, 404, 404, 403, 401]),
    ("list_appeals", &[], [200, 403, 200, 403, 401]),
    ("invite_to_portal", &[("customer_id", "1"), ("username", "pat"), ("display_name", "")], [404, 404, 404, 403, 401]),
    ("list_notifications", &[("status", "")], [200, 403, 403, 403, 401]),
    ("save_template", &[("kind", "decision"), ("subject", ""), ("body", "")], [200, 403, 403, 403, 401]),
    // Customer accounts only, and only with a customer record: this customer account has none.
    ("load_portal", &[], [403, 403, 403, 403, 401]),
    ("load_portal_case", &[("id", "1"), ("granularity", "day")], [403, 403, 403, 403, 401]),
];

async fn clients(app: &TestApp) -> Vec<reqwest::Client> {
    let mut out = Vec::new();
    for who in WHO {
        out.push(match who {
            Some(role) => app.signed_in(&format!("as-{role}"), role).await,
            None => app.client(),
        });
    }
    out
}

#[tokio::test]
async fn every_role_gets_exactly_the_pages_it_should() {
    let app = TestApp::spawn().await;
    let clients = clients(&app).await;
    for (path, expected) in PAGES {
        for ((who, client), want) in WHO.iter().zip(&clients).zip(expected) {
            let resp = client.get(app.url(path)).send().await.unwrap();
            assert_eq!(resp.status().as_u16(), *want, "{who:?} GET {path}");
            if *want == 303 && *path == "/" && *who == Some(Role::Customer) {
                assert_eq!(location(&resp), "/portal", "{who:?} GET {path}");
            } else if *want == 303 {
                assert!(location(&resp).starts_with("/login?next="), "{who:?} GET {path} → {}", location(&resp));
            }
        }
    }
}

#[tokio::test]
async fn every_role_gets_exactly_the_server_functions_it_should() {
    let app = TestApp::spawn().await;
    // user 1 is a throwaway account the admin functions can act on without locking anyone out.
    app.add_user("target", Role::Analyst).await;
    let clients = clients(&app).await;
    for (endpoint, args, expected) in FUNCTIONS {
        for ((who, client), want) in WHO.iter().zip(&clients).zip(expected) {
            let resp = app.call(client, endpoint, args).await;
            let status = resp.status().as_u16();
            let body = resp.text().await.unwrap_or_default();
            // create_user succeeds once; the admin's repeat is a conflict, never a refusal.
            let status = if *endpoint == "create_user" && status == 409 { 200 } else { status };
            assert_eq!(status, *want, "{who:?} POST /api/{endpoint}: {body}");
        }
    }
}

#[tokio::test]
async fn the_login_page_is_public_and_sends_signed_in_users_home() {
    let app = TestApp::spawn().await;
    assert_eq!(app.client().get(app.url("/login")).send().await.unwrap().status(), 200);
    let client = app.signed_in("frank", Role::Customer).await;
    let resp = client.get(app.url("/login")).send().await.unwrap();
    assert_eq!((resp.status().as_u16(), location(&resp)), (303, "/".to_owned()));
}

#[tokio::test]
async fn an_unknown_path_is_not_found_and_health_is_public() {
    let app = TestApp::spawn().await;
    assert_eq!(app.client().get(app.url("/no/such/page")).send().await.unwrap().status(), 404);
    let health = app.client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.json::<serde_json::Value>().await.unwrap()["status"], "ok");
}

#[tokio::test]
async fn an_admin_cannot_lock_themself_out() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root", Role::Admin).await;
    let me = app.store.find_user_by_username("root").await.unwrap().unwrap();
    let id = me.user_id.0.to_string();
    let resp = app.call(&admin, "set_user_disabled", &[("user_id", &id), ("disabled", "true")]).await;
    assert_eq!(resp.status(), 409);
    let resp = app.call(&admin, "set_user_role", &[("user_id", &id), ("role", "customer")]).await;
    assert_eq!(resp.status(), 409);
    assert_eq!(app.store.find_user(me.user_id).await.unwrap().unwrap().role, Role::Admin);
}

#[tokio::test]
async fn a_plain_route_refuses_a_browser_the_way_pages_do_and_a_program_with_json() {
    let app = TestApp::spawn().await;
    let html = |req: reqwest::RequestBuilder| req.header("accept", "text/html,application/xhtml+xml");

    // Signed out: a browser is sent to sign in and back; a program is told to bring a token.
    let browser = html(app.client().get(app.url("/cases.csv?type=spam"))).send().await.unwrap();
    assert_eq!(browser.status(), 303);
    assert_eq!(location(&browser), "/login?next=%2Fcases.csv%3Ftype%3Dspam");
    let program = app.client().get(app.url("/cases.csv")).send().await.unwrap();
    assert_eq!(program.status(), 401);
    assert_eq!(program.headers()["www-authenticate"], "Bearer");
    assert!(program.json::<serde_json::Value>().await.unwrap()["error"].as_str().unwrap().contains("read token"));

    // Signed in with a role the route is not for: the no-access page, or JSON.
    let analyst = app.signed_in("alex", Role::Analyst).await;
    let browser = html(analyst.get(app.url("/admin/audit.csv"))).send().await.unwrap();
    assert_eq!(browser.status(), 403);
    assert!(browser.text().await.unwrap().contains("No access"));
    let program = analyst.get(app.url("/admin/audit.csv")).send().await.unwrap();
    assert_eq!(program.status(), 403);
    assert_eq!(program.json::<serde_json::Value>().await.unwrap()["detail"], "Forbidden");
}

//! Every state-changing request must come from this site.

use abusedesk::domain::role::Role;

use crate::helpers::{location, password_of, TestApp};

#[tokio::test]
async fn a_sign_in_posted_from_another_site_is_refused() {
    let app = TestApp::spawn().await;
    app.add_user("alice", Role::Analyst).await;
    let resp = reqwest::Client::new()
        .post(app.url("/auth/signin"))
        .header("origin", "https://evil.example")
        .form(&[("username", "alice"), ("password", &password_of("alice"))])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(resp.headers().get("set-cookie").is_none(), "no session handed out");
}

#[tokio::test]
async fn a_server_function_called_cross_site_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("root", Role::Admin).await;
    let forged = admin
        .post(app.url("/api/create_user"))
        .header("origin", "https://evil.example")
        .form(&[("username", "planted"), ("display_name", ""), ("role", "admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let fetch_metadata = admin
        .post(app.url("/api/create_user"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("username", "planted"), ("display_name", ""), ("role", "admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_metadata.status(), 403);
    assert!(app.store.find_user_by_username("planted").await.unwrap().is_none());

    let same_site = app.call(&admin, "create_user", &[("username", "welcome"), ("display_name", ""), ("role", "analyst")]).await;
    assert_eq!(same_site.status(), 200, "the same request from this site works");
}

#[tokio::test]
async fn a_cookie_bearing_post_without_any_origin_is_refused() {
    let app = TestApp::spawn().await;
    app.add_user("alice", Role::Analyst).await;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let browser = app.client_with(jar.clone());
    assert_eq!(app.sign_in(&browser, "alice", &password_of("alice")).await, "/");
    // The same cookies, from a client that names no origin at all.
    let bare = reqwest::Client::builder().cookie_provider(jar).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = bare.post(app.url("/auth/signout")).send().await.unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(browser.get(app.url("/")).send().await.unwrap().status(), 200, "still signed in");
    let resp = browser.post(app.url("/auth/signout")).send().await.unwrap();
    assert_eq!(location(&resp), "/login?notice=signed_out");
}

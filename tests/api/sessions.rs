//! Sessions live in the database: they survive a restart, and a password change ends the others.

use std::sync::Arc;

use abusedesk::domain::role::Role;
use abusedesk::server::ServerSettings;
use reqwest::cookie::Jar;

use crate::helpers::{password_of, TestApp};

#[tokio::test]
async fn a_session_survives_a_server_restart() {
    let app = TestApp::spawn().await;
    app.add_user("gina", Role::Analyst).await;
    let jar = Arc::new(Jar::default());
    assert_eq!(app.sign_in(&app.client_with(jar.clone()), "gina", &password_of("gina")).await, "/");

    let db = app.stop().await;
    let app = TestApp::spawn_on(db, ServerSettings::default()).await;
    let resp = app.client_with(jar).get(app.url("/")).send().await.unwrap();
    assert_eq!(resp.status(), 200, "still signed in after the restart");
    assert!(resp.text().await.unwrap().contains("gina"));
}

#[tokio::test]
async fn signing_in_issues_a_new_session_id_even_over_an_existing_session() {
    let app = TestApp::spawn().await;
    app.add_user("hank", Role::Analyst).await;
    let client = app.client();
    let sign_in = || {
        client
            .post(app.url("/auth/signin"))
            .form(&[("username", "hank"), ("password", &password_of("hank"))])
            .send()
    };
    let session_cookie = |resp: &reqwest::Response| {
        resp.headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
    };
    let first = session_cookie(&sign_in().await.unwrap()).expect("first sign-in sets the session cookie");
    // The second sign-in arrives carrying the first session: its id must be replaced, not reused
    // (an id known before sign-in would otherwise be a way into the signed-in session).
    let second = session_cookie(&sign_in().await.unwrap()).expect("second sign-in sets the session cookie");
    assert_ne!(first, second);
    let stale = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let resp = stale.get(app.url("/")).header("cookie", first).send().await.unwrap();
    assert_eq!(resp.status(), 303, "the replaced session id no longer signs anyone in");
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions() {
    let app = TestApp::spawn().await;
    let laptop = app.signed_in("ivy", Role::Manager).await;
    let phone = app.client();
    assert_eq!(app.sign_in(&phone, "ivy", &password_of("ivy")).await, "/");
    let new = "ivy-has-a-new-password";
    let resp = app.call(&laptop, "change_password", &[("current", &password_of("ivy")), ("new_password", new), ("confirm", new)]).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(laptop.get(app.url("/")).send().await.unwrap().status(), 200, "the session that changed it stays");
    assert_eq!(phone.get(app.url("/")).send().await.unwrap().status(), 303, "the other one ends");
}

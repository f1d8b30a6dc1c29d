//! Signing in and out, and what a failed attempt reveals (nothing).

use abusedesk::auth::accounts;
use abusedesk::domain::role::Role;

use crate::helpers::{location, password_of, TestApp};

#[tokio::test]
async fn the_right_password_signs_in_and_opens_the_overview() {
    let app = TestApp::spawn().await;
    app.add_user("alice", Role::Analyst).await;
    let client = app.client();
    let resp = client
        .post(app.url("/auth/signin"))
        .form(&[("username", "Alice"), ("password", &password_of("alice"))])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/");
    let cookie = resp.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(cookie.starts_with("abusedesk_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "not Secure unless configured: {cookie}");

    let page = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Welcome"), "overview rendered on the server");
    assert!(html.contains("alice"), "shows who is signed in");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.add_user("alice", Role::Analyst).await;
    let client = app.client();
    let wrong_password = app.sign_in(&client, "alice", "not-her-password").await;
    let unknown_user = app.sign_in(&client, "mallory", "whatever-password").await;
    let impossible_name = app.sign_in(&client, "no such user!", "whatever-password").await;
    assert_eq!(wrong_password, "/login?error=invalid");
    assert_eq!(unknown_user, wrong_password);
    assert_eq!(impossible_name, wrong_password);
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 303, "still signed out");
}

#[tokio::test]
async fn the_login_page_explains_a_failure() {
    let app = TestApp::spawn().await;
    let html = app.client().get(app.url("/login?error=invalid")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Wrong username or password."));
    let html = app.client().get(app.url("/login?error=throttled&minutes=15")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Too many failed sign-in attempts. Wait 15 minutes"));
    let html = app.client().get(app.url("/login?error=expired")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("This one-time password has expired: they work for 72 hours."), "{html}");
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_loses_its_session() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("bob", Role::Analyst).await;
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 200);
    let bob = app.store.find_user_by_username("bob").await.unwrap().unwrap();
    accounts::set_disabled(&app.store, &abusedesk::audit::Actor::system("test"), bob.user_id, true).await.unwrap();

    let resp = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/login?next=%2F");
    assert_eq!(app.sign_in(&app.client(), "bob", &password_of("bob")).await, "/login?error=invalid");
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let client = app.signed_in("carol", Role::Manager).await;
    let resp = client.post(app.url("/auth/signout")).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(location(&resp), "/login?notice=signed_out");
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn sign_in_returns_to_the_page_asked_for_but_never_to_another_site() {
    let app = TestApp::spawn().await;
    app.add_user("dana", Role::Admin).await;
    let send = |next: &'static str| {
        let client = app.client();
        let url = app.url("/auth/signin");
        async move {
            let resp = client
                .post(url)
                .form(&[("username", "dana"), ("password", &password_of("dana")), ("next", next)])
                .send()
                .await
                .unwrap();
            location(&resp)
        }
    };
    assert_eq!(send("/admin/users").await, "/admin/users");
    assert_eq!(send("https://evil.example/").await, "/");
    assert_eq!(send("//evil.example/").await, "/");
    // What `/login?next=…` hands the form once decoded, and what a browser would make of it.
    for hostile in ["/\t/evil.example", "/%09/evil.example", "/\\evil.example", "/%5C%5Cevil.example", "/%2F/evil.example", "/\n/evil.example"] {
        assert_eq!(send(hostile).await, "/", "{hostile:?}");
    }
    // The failure page carries the sanitised value forward, never the hostile one.
    let client = app.client();
    let resp = client
        .post(app.url("/auth/signin"))
        .form(&[("username", "dana"), ("password", "wrong-wrong-wrong"), ("next", "/\t/evil.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&resp), "/login?error=invalid&next=%2F");
}

#[tokio::test]
async fn a_sign_in_whose_audit_entry_cannot_be_written_fails_with_503() {
    let app = TestApp::spawn().await;
    app.add_user("nora", Role::Analyst).await;
    let abusedesk::store::Backend::Sqlite(pool) = app.store.backend() else { unreachable!("a SQLite test app") };
    sqlx::query("alter table audit_log rename to audit_log_gone").execute(pool).await.unwrap();
    let client = app.client();
    for password in [password_of("nora"), "wrong-wrong-wrong".to_owned()] {
        let resp = client.post(app.url("/auth/signin")).form(&[("username", "nora"), ("password", &password)]).send().await.unwrap();
        assert_eq!(resp.status(), 503);
    }
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 303, "not signed in");
}

#[tokio::test]
async fn a_one_time_password_must_be_changed_before_anything_else() {
    let app = TestApp::spawn().await;
    let issued = accounts::create_account(&app.store, &abusedesk::audit::Actor::system("test"), "erin", "Erin", Role::Analyst).await.unwrap();
    let client = app.client();
    assert_eq!(app.sign_in(&client, "erin", &issued.one_time_password).await, "/account");

    let resp = client.get(app.url("/")).send().await.unwrap();
    assert_eq!((resp.status().as_u16(), location(&resp)), (303, "/account".to_owned()));
    assert_eq!(client.get(app.url("/account")).send().await.unwrap().status(), 200);
    let refused = app.call(&client, "overview", &[]).await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("PasswordChangeRequired"));

    let new = "erin-chose-this-one";
    let wrong = app.call(&client, "change_password", &[("current", "nope"), ("new_password", new), ("confirm", new)]).await;
    assert_eq!(wrong.status(), 400);
    assert!(wrong.text().await.unwrap().contains("the current password is wrong"));
    let short = app
        .call(&client, "change_password", &[("current", &issued.one_time_password), ("new_password", "short"), ("confirm", "short")])
        .await;
    assert_eq!(short.status(), 400);
    assert!(short.text().await.unwrap().contains("at least 12 characters"));
    let ok = app
        .call(&client, "change_password", &[("current", &issued.one_time_password), ("new_password", new), ("confirm", new)])
        .await;
    assert_eq!(ok.status(), 200, "{:?}", ok.text().await);

    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), 200);
    assert_eq!(app.sign_in(&app.client(), "erin", new).await, "/");
}

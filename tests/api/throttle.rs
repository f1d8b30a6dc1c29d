//! Sign-in throttling per account and per client address.

use abusedesk::domain::role::Role;

use crate::helpers::{password_of, TestApp};

#[tokio::test]
async fn five_failures_block_the_account_even_with_the_right_password() {
    let app = TestApp::spawn().await;
    app.add_user("jack", Role::Analyst).await;
    app.add_user("kate", Role::Analyst).await;
    let client = app.client();
    for _ in 0..5 {
        assert_eq!(app.sign_in(&client, "jack", "guess-guess-guess").await, "/login?error=invalid");
    }
    let blocked = app.sign_in(&client, "jack", &password_of("jack")).await;
    assert_eq!(blocked, "/login?error=throttled&minutes=15");
    // Another account from the same address is not affected by jack's lock.
    assert_eq!(app.sign_in(&app.client(), "kate", &password_of("kate")).await, "/");
}

#[tokio::test]
async fn an_unknown_username_is_throttled_like_a_real_one() {
    let app = TestApp::spawn().await;
    let client = app.client();
    for _ in 0..5 {
        app.sign_in(&client, "nobody", "guess-guess-guess").await;
    }
    assert_eq!(app.sign_in(&client, "nobody", "guess").await, "/login?error=throttled&minutes=15");
}

#[tokio::test]
async fn twenty_failures_from_one_address_block_that_address() {
    let app = TestApp::spawn().await;
    app.add_user("lena", Role::Analyst).await;
    let client = app.client();
    for i in 0..20 {
        app.sign_in(&client, &format!("spray{i}"), "password123456").await;
    }
    assert_eq!(app.sign_in(&client, "lena", &password_of("lena")).await, "/login?error=throttled&minutes=15");
}

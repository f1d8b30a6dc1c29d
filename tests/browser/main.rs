//! Browser test in headless Chromium: sign in through the real page and prove the app hydrated by using
//! client-side interactions (the password toggle, client-side navigation, a server action that updates the
//! page without reloading it).
//!
//! Needs `chromium` and `chromedriver` (Debian packages) and the site built by `cargo leptos build`.
//! Without them the test prints why it skipped, unless `ABUSEDESK_REQUIRE_BROWSER=1` (set by .ci/run),
//! where it fails instead.

// In tests a panic is the failure report, so unwrapping is the clearest way to say "this must work".
#![allow(clippy::unwrap_used)]

#[path = "../api/helpers.rs"]
mod helpers;
mod casework;
mod home;
mod portal;

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use abusedesk::domain::role::Role;
use fantoccini::{Client, ClientBuilder, Locator};
use helpers::{password_of, site_root, TestApp};
use hyper_util::client::legacy::connect::HttpConnector;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Kills chromedriver when the test ends, however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn missing_prerequisite() -> Option<String> {
    let wasm = format!("{}/pkg/abusedesk.wasm", site_root());
    [(CHROMIUM, "Chromium (apt install chromium)"), (CHROMEDRIVER, "ChromeDriver (apt install chromium-driver)")]
        .into_iter()
        .map(|(p, what)| (p.to_owned(), what.to_owned()))
        .chain([(wasm, "the site (cargo leptos build)".to_owned())])
        .find(|(path, _)| !Path::new(path).exists())
        .map(|(path, what)| format!("{what} is missing: {path}"))
}

async fn start_browser() -> (Driver, Client) {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,900"]
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        let builder = ClientBuilder::new(HttpConnector::new()).capabilities(caps.clone()).connect(&url).await;
        if let Ok(client) = builder {
            return (driver, client);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not accept a session within 10 s");
}

async fn wait_for(client: &Client, css: &str) -> fantoccini::elements::Element {
    client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css)).await.unwrap_or_else(|e| {
        panic!("no element {css}: {e}")
    })
}

/// Whether the browser test can run; prints why not (or fails, when required).
fn can_run() -> bool {
    if let Some(reason) = missing_prerequisite() {
        if std::env::var("ABUSEDESK_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("browser test required but {reason}");
        }
        // Straight to the stderr handle: libtest hides eprintln! output of passing tests.
        let _ = writeln!(std::io::stderr(), "SKIPPED browser test: {reason}");
        return false;
    }
    true
}

#[tokio::test]
async fn an_admin_signs_in_through_the_page_and_the_app_hydrates() {
    if !can_run() {
        return;
    }
    let app = TestApp::spawn().await;
    app.add_user("root", Role::Admin).await;
    let (_driver, browser) = start_browser().await;
    let result = walk_through(&app, &browser).await;
    let _ = browser.close().await;
    result.expect("browser walk-through");
}

async fn walk_through(app: &TestApp, browser: &Client) -> Result<(), fantoccini::error::CmdError> {
    browser.goto(&app.url("/login")).await?;
    wait_for(browser, "html[data-hydrated='true']").await;

    // Only the hydrated app can toggle the password field.
    let password = browser.find(Locator::Css("#password")).await?;
    assert_eq!(password.attr("type").await?.as_deref(), Some("password"));
    browser.find(Locator::Css("#toggle-password")).await?.click().await?;
    assert_eq!(password.attr("type").await?.as_deref(), Some("text"));

    browser.find(Locator::Css("input[name='username']")).await?.send_keys("root").await?;
    password.send_keys(&password_of("root")).await?;
    browser.find(Locator::Css("form[action='/auth/signin'] button[type='submit']")).await?.click().await?;
    wait_for(browser, "nav.nav a[href='/admin/users']").await;
    assert_eq!(browser.current_url().await?.path(), "/");

    // From here on the page must not reload: a full load would drop this marker.
    browser.execute("window.__stillTheSamePage = 42;", vec![]).await?;
    browser.find(Locator::Css("nav.nav a[href='/admin/users']")).await?.click().await?;
    wait_for(browser, "table#users tbody tr").await;
    browser.find(Locator::Css("input[name='username']")).await?.send_keys("newbie").await?;
    browser.find(Locator::Css("form.row button[type='submit']")).await?.click().await?;
    let notice = wait_for(browser, "p.notice.ok").await;
    let text = notice.text().await?;
    assert!(text.contains("One-time password for newbie"), "{text}");
    wait_for(browser, "table#users tbody tr:nth-child(2)").await;
    let table = browser.find(Locator::Css("table#users")).await?.text().await?;
    assert!(table.contains("newbie"), "the list refreshed without a reload: {table}");
    let marker = browser.execute("return window.__stillTheSamePage;", vec![]).await?;
    assert_eq!(marker, serde_json::json!(42), "navigation and the action ran client-side");
    assert!(app.store.find_user_by_username("newbie").await.expect("store").is_some());
    Ok(())
}

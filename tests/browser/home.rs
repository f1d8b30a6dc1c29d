//! The analyst's front page in the browser: a tile's number is a link into the queue with its filter in the
//! URL, and the queue it opens lists exactly that many cases.

use fantoccini::{Client, Locator};

use crate::helpers::TestApp;
use crate::{can_run, start_browser, wait_for};

#[tokio::test]
async fn an_analyst_follows_a_front_page_number_into_the_queue_it_counts() {
    if !can_run() {
        return;
    }
    let app = TestApp::spawn().await;
    abusedesk::demo::load(&app.store).await.unwrap();
    let (_driver, browser) = start_browser().await;
    let result = walk(&app, &browser).await;
    let _ = browser.close().await;
    result.expect("browser walk-through");
}

async fn walk(app: &TestApp, browser: &Client) -> Result<(), fantoccini::error::CmdError> {
    browser.goto(&app.url("/login")).await?;
    wait_for(browser, "html[data-hydrated='true']").await;
    browser.find(Locator::Css("input[name='username']")).await?.send_keys("sam").await?;
    browser.find(Locator::Css("#password")).await?.send_keys("sam-demo-password").await?;
    browser.find(Locator::Css("form[action='/auth/signin'] button[type='submit']")).await?.click().await?;

    let tile = wait_for(browser, "[data-tile='new_unassigned'] a").await;
    let count: usize = wait_for(browser, "[data-tile='new_unassigned'] .tile-count").await.text().await?.trim().parse().unwrap();
    assert!(count > 0, "the demo has new, unassigned cases");
    let href = tile.attr("href").await?.unwrap_or_default();
    assert!(href.contains("status=new") && href.contains("assignee=none"), "the filter is in the URL: {href}");
    tile.click().await?;
    wait_for(browser, "table#cases tbody tr").await;
    let url = browser.current_url().await?;
    assert_eq!(url.path(), "/cases");
    assert!(url.query().unwrap_or_default().contains("assignee=none"), "{url}");
    let rows = browser.find_all(Locator::Css("table#cases tbody tr")).await?;
    assert_eq!(rows.len(), count, "the queue lists as many cases as the front page counted");
    let statuses = browser.find(Locator::Css("table#cases tbody")).await?.text().await?;
    assert!(!statuses.contains("investigating"), "only new cases: {statuses}");
    Ok(())
}

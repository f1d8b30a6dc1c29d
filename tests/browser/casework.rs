//! A case from triage to an approved suspension, in the browser, by two people: an analyst investigates
//! (every checklist item answered, findings written) and proposes a suspension; a manager approves it from
//! the review queue; the customer's account ends up suspended.

use abusedesk::domain::role::Role;
use abusedesk::store::Channel;
use fantoccini::{Client, Locator};

use crate::helpers::{customer_holding, password_of, TestApp};
use crate::{can_run, start_browser, wait_for};

/// A SpamCop report about 10.0.0.1 on 2003-06-19 (Mail::Abuse test message).
const SPAMCOP: &[u8] = include_bytes!("../fixtures/mail-abuse/spamcop_4.eml");

pub(crate) async fn sign_in(app: &TestApp, browser: &Client, username: &str) -> Result<(), fantoccini::error::CmdError> {
    browser.goto(&app.url("/login")).await?;
    wait_for(browser, "html[data-hydrated='true']").await;
    browser.find(Locator::Css("input[name='username']")).await?.send_keys(username).await?;
    browser.find(Locator::Css("#password")).await?.send_keys(&password_of(username)).await?;
    browser.find(Locator::Css("form[action='/auth/signin'] button[type='submit']")).await?.click().await?;
    wait_for(browser, "form[action='/auth/signout']").await;
    Ok(())
}

#[tokio::test]
async fn an_analyst_proposes_and_another_person_a_manager_approves_a_suspension() {
    if !can_run() {
        return;
    }
    let app = TestApp::spawn().await;
    let customer = customer_holding(&app.store, "C-9", &["10.0.0.0/24"]).await;
    abusedesk::intake::receive(&app.store, SPAMCOP, Channel::Mta, None, 1 << 20).await.unwrap();
    app.add_user("alex", Role::Analyst).await;
    app.add_user("morgan", Role::Manager).await;
    let (_driver, browser) = start_browser().await;
    let result = walk(&app, &browser).await;
    let _ = browser.close().await;
    result.expect("browser walk-through");
    assert_eq!(app.store.get_customer(customer).await.unwrap().status, "suspended");
}

async fn walk(app: &TestApp, browser: &Client) -> Result<(), fantoccini::error::CmdError> {
    sign_in(app, browser, "alex").await?;
    browser.goto(&app.url("/cases")).await?;
    wait_for(browser, "html[data-hydrated='true']").await;
    wait_for(browser, "table#cases tbody tr td a[href^='/cases/']").await.click().await?;
    wait_for(browser, "#casework form button").await;
    wait_for(browser, "html[data-hydrated='true']").await;

    browser.find(Locator::Css("#casework form.inline button[type='submit']")).await?.click().await?;
    wait_for(browser, "#casework select[name='answers[customer_answer_reviewed]']").await;
    for select in browser.find_all(Locator::Css("#casework .investigation select")).await? {
        select.select_by_value("yes").await?;
    }
    browser
        .find(Locator::Css("#casework .investigation textarea[name='findings']"))
        .await?
        .send_keys("Customer confirmed a purchased list; reports are genuine.")
        .await?;
    browser.find(Locator::Css("#casework .investigation button[type='submit']")).await?.click().await?;
    browser
        .wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(Locator::XPath("//p[contains(@class,'notice') and contains(., 'Investigation saved')]"))
        .await?;
    wait_for(browser, "#casework .investigation p.muted").await;

    browser.find(Locator::Css("#casework select[name='kind']")).await?.select_by_value("suspension").await?;
    browser.find(Locator::Css("#casework textarea[name='reason']")).await?.send_keys("Unsolicited bulk mail (AUP 4.2).").await?;
    browser.find(Locator::Css("#casework input[name='evidence']")).await?.send_keys("report #1, investigation 1").await?;
    browser.find(Locator::Css("#casework form.decide button[type='submit']")).await?.click().await?;
    let recorded = browser
        .wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(Locator::XPath("//p[contains(@class,'notice') and contains(., 'recorded')]"))
        .await?
        .text()
        .await?;
    assert!(recorded.starts_with("Decision"), "{recorded}");
    wait_for(browser, "#casework ul.decisions li.pending").await;

    browser.find(Locator::Css("form[action='/auth/signout'] button")).await?.click().await?;
    wait_for(browser, "form[action='/auth/signin']").await;
    sign_in(app, browser, "morgan").await?;
    browser.goto(&app.url("/reviews")).await?;
    wait_for(browser, "html[data-hydrated='true']").await;
    wait_for(browser, "section.proposal input[name='reason']").await.send_keys("Investigation complete; four eyes.").await?;
    browser.find(Locator::Css("section.proposal button[type='submit']")).await?.click().await?;
    let reviewed = wait_for(browser, "p.notice.ok").await.text().await?;
    assert!(reviewed.contains("Review recorded"), "{reviewed}");
    wait_for(browser, "main p.muted").await;
    Ok(())
}

//! The customer portal in the browser, with two people: the customer signs in, reads the reported message
//! with the complainant's address removed, and disputes the case with a plain form; an analyst answers on
//! the case page; the customer reads the answer.

use abusedesk::auth::accounts;
use abusedesk::domain::role::Role;
use abusedesk::store::Channel;
use fantoccini::{Client, Locator};

use crate::casework::sign_in;
use crate::helpers::{customer_holding, password_of, TestApp};
use crate::{can_run, start_browser, wait_for};

/// A Yahoo feedback-loop report about 10.17.18.25; the complainant is piporrina@yahoo.es (AbuseIO sample).
const YAHOO: &[u8] = include_bytes!("../fixtures/abuseio/feedback-loop/Yahoo_example_1.eml");
const COMPLAINANT: &str = "piporrina@yahoo.es";

#[tokio::test]
async fn a_customer_reads_redacted_evidence_disputes_and_reads_the_desks_answer() {
    if !can_run() {
        return;
    }
    let app = TestApp::spawn().await;
    let customer = customer_holding(&app.store, "C-7", &["10.17.18.0/24"]).await;
    abusedesk::intake::receive(&app.store, YAHOO, Channel::Mta, None, 1 << 20).await.unwrap();
    accounts::create_portal_account(&app.store, &abusedesk::audit::Actor::system("test"), customer, "ann", "Ann of Seven", Some(&password_of("ann"))).await.unwrap();
    app.add_user("alex", Role::Analyst).await;
    let case = app.store.customer_cases(customer, 1).await.unwrap()[0].abuse_case_id;
    let (_driver, browser) = start_browser().await;
    let result = walk(&app, &browser, case).await;
    let _ = browser.close().await;
    result.expect("browser walk-through");
    let disputes = app.store.case_disputes(case).await.unwrap();
    assert_eq!((disputes.len(), disputes[0].status.as_str()), (1, "answered"));
}

async fn sign_out(browser: &Client) -> Result<(), fantoccini::error::CmdError> {
    browser.find(Locator::Css("form[action='/auth/signout'] button")).await?.click().await?;
    wait_for(browser, "form[action='/auth/signin']").await;
    Ok(())
}

async fn walk(app: &TestApp, browser: &Client, case: i64) -> Result<(), fantoccini::error::CmdError> {
    sign_in(app, browser, "ann").await?;
    wait_for(browser, "nav a[href='/portal']").await.click().await?;
    wait_for(browser, "table#portal-cases tbody tr td a").await.click().await?;
    wait_for(browser, "#evidence details summary").await.click().await?;
    let evidence = wait_for(browser, "#evidence details pre").await.text().await?;
    assert!(evidence.contains("[redacted]"), "{evidence}");
    assert!(!evidence.to_lowercase().contains(COMPLAINANT), "the complainant is hidden: {evidence}");
    assert!(evidence.contains("10.17.18.25"), "the customer sees its own address: {evidence}");
    let page = browser.source().await?;
    assert!(!page.to_lowercase().contains(COMPLAINANT), "nowhere on the page either");

    browser
        .find(Locator::Css("#disputes form textarea[name='body']"))
        .await?
        .send_keys("This reader subscribed on 2015-12-01; we attach the confirmation log.")
        .await?;
    browser.find(Locator::Css("#disputes form button[type='submit']")).await?.click().await?;
    let notice = wait_for(browser, "p.notice.ok").await.text().await?;
    assert!(notice.contains("sent to the abuse desk"), "{notice}");
    wait_for(browser, "#disputes article.dispute").await;
    sign_out(browser).await?;

    sign_in(app, browser, "alex").await?;
    browser.goto(&app.url(&format!("/cases/{case}"))).await?;
    wait_for(browser, "html[data-hydrated='true']").await;
    let answer = wait_for(browser, "#disputes article.dispute textarea[name='body']").await;
    answer.send_keys("Thank you: please also send the confirmation e-mail the reader received.").await?;
    browser.find(Locator::Css("#disputes article.dispute button[type='submit']")).await?.click().await?;
    let sent = wait_for(browser, "#disputes p.notice.ok").await.text().await?;
    assert!(sent.contains("Answer sent"), "{sent}");
    sign_out(browser).await?;

    sign_in(app, browser, "ann").await?;
    browser.goto(&app.url(&format!("/portal/cases/{case}"))).await?;
    let reply = wait_for(browser, "#disputes li.reply.staff p.body").await.text().await?;
    assert!(reply.contains("confirmation e-mail"), "{reply}");
    Ok(())
}

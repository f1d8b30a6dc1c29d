//! The front page per role against the demo dataset: every number equals the list it links to (fetched
//! through the list's own server function), and the demo gives every tile something to show.

use abusedesk::domain::case::CasePage;
use abusedesk::domain::home::{oldest_first_href, Home, Tile};
use serde_json::Value;

use crate::helpers::{location, TestApp};

/// The app over the demo dataset, and a client signed in as the demo account `username`.
async fn demo_as(username: &str) -> (TestApp, reqwest::Client) {
    let app = TestApp::spawn().await;
    abusedesk::demo::load(&app.store).await.unwrap();
    let client = app.client();
    let password = format!("{username}-demo-password");
    let landed = app.sign_in(&client, username, &password).await;
    assert_eq!(landed, "/", "{username} signs in");
    (app, client)
}

async fn home(app: &TestApp, client: &reqwest::Client) -> Home {
    let resp = app.call(client, "overview", &[]).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

async fn json(app: &TestApp, client: &reqwest::Client, endpoint: &str, args: &[(&str, &str)]) -> Value {
    let resp = app.call(client, endpoint, args).await;
    assert_eq!(resp.status(), 200, "{endpoint} {args:?}");
    resp.json().await.unwrap()
}

/// The queue behind a `/cases?…` link, as the queue page loads it.
async fn queue(app: &TestApp, client: &reqwest::Client, href: &str) -> CasePage {
    let query = href.strip_prefix("/cases").unwrap_or_else(|| panic!("a queue link: {href}"));
    let resp = app.call(client, "list_cases", &[("query", query.trim_start_matches('?'))]).await;
    assert_eq!(resp.status(), 200, "{href}");
    resp.json().await.unwrap()
}

fn tile<'a>(tiles: &'a [Tile], key: &str) -> &'a Tile {
    tiles.iter().find(|t| t.key == key).unwrap_or_else(|| panic!("no {key} tile in {tiles:?}"))
}

/// The page as the server renders it (no JavaScript) carries each tile's number and link.
async fn assert_rendered(app: &TestApp, client: &reqwest::Client, tiles: &[Tile]) {
    let html = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    for t in tiles {
        let href = t.href.replace('&', "&amp;");
        assert!(html.contains(&format!("href=\"{href}\"")), "{} links to {href} in the HTML", t.key);
        assert!(html.contains(&format!("data-tile=\"{}\"", t.key)), "{} rendered", t.key);
    }
}

#[tokio::test]
async fn the_analysts_home_counts_equal_the_queues_it_links_to() {
    let (app, client) = demo_as("sam").await;
    let h = home(&app, &client).await;
    let work = h.work.clone().expect("analysts see case work");
    assert!(h.health.is_none() && h.reviews.is_empty(), "{h:?}");
    for t in &work.cases {
        let page = queue(&app, &client, &t.href).await;
        assert_eq!(page.total, t.count, "{} ({}) equals its queue", t.key, t.href);
        assert!(t.count > 0, "the demo shows something under {}", t.key);
    }
    assert!(tile(&work.cases, "mine").href.contains("assignee=sam"));
    // Rising and over a rate line are the queue's own trend and flag columns: the tiles count exactly the
    // open cases whose rows say so, and the lists they open show nothing else.
    let open = queue(&app, &client, "/cases").await;
    assert!(open.total <= 50 && open.rows.len() as i64 == open.total, "the demo's open queue fits one page");
    let marked =
        |f: &dyn Fn(&abusedesk::domain::case::CaseRow) -> bool| open.rows.iter().filter(|r| f(r)).count() as i64;
    assert_eq!(tile(&work.cases, "rising").count, marked(&|r| r.trend == "rising"), "rising");
    assert_eq!(tile(&work.cases, "over_warn").count, marked(&|r| r.flag.is_some()), "over the warn line");
    assert_eq!(
        tile(&work.cases, "over_block").count,
        marked(&|r| r.flag.as_deref() == Some("block")),
        "over the block line"
    );
    for (key, shows) in [("rising", "rising"), ("over_warn", "warn"), ("over_block", "block")] {
        let list = queue(&app, &client, &tile(&work.cases, key).href).await;
        assert_eq!(list.rows.len() as i64, list.total, "{key}");
        for r in &list.rows {
            let ok = match key {
                "rising" => r.trend == shows,
                "over_warn" => r.flag.is_some(),
                _ => r.flag.as_deref() == Some(shows),
            };
            assert!(ok, "{key} lists case {} ({:?}, {:?})", r.case_id, r.trend, r.flag);
        }
    }
    assert!(
        tile(&work.cases, "over_block").count < tile(&work.cases, "over_warn").count,
        "the demo has a case between the lines"
    );
    let unattributed = json(&app, &client, "list_unattributed", &[("page", "0")]).await;
    assert_eq!(tile(&work.intake, "unattributed").count, unattributed["total"].as_i64().unwrap());
    let unrecognised = json(&app, &client, "list_messages", &[("status", "unrecognised"), ("page", "0")]).await;
    let listed = i64::try_from(unrecognised["messages"].as_array().unwrap().len()).unwrap();
    assert_eq!(tile(&work.intake, "unrecognised").count, listed);
    assert!(work.intake.iter().all(|t| t.count > 0), "{:?}", work.intake);
    let oldest = work.oldest_open.expect("the demo has open cases");
    let first = queue(&app, &client, &oldest_first_href()).await;
    assert_eq!(first.rows[0].case_id, oldest.case_id, "the oldest open case heads the queue sorted oldest first");
    let charted: i64 = work.chart.series.iter().flat_map(|(_, days)| days).sum();
    let reports = app.store.count_intake().await.unwrap().reports;
    assert_eq!(charted, reports, "every demo report arrived within the fortnight, and the chart counts each once");
    assert!(work.chart.series.len() >= 2 && work.chart.svg.contains("<rect"), "stacked by reporter");
    assert_rendered(&app, &client, &work.cases).await;
}

#[tokio::test]
async fn the_managers_home_counts_equal_the_review_queues() {
    let (app, client) = demo_as("morgan").await;
    let h = home(&app, &client).await;
    assert!(h.work.is_some() && h.health.is_none(), "{h:?}");
    let proposals = json(&app, &client, "list_proposals", &[]).await;
    let t = tile(&h.reviews, "proposals");
    assert_eq!(t.count, i64::try_from(proposals.as_array().unwrap().len()).unwrap());
    assert!(t.count > 0 && t.note.as_deref().is_some_and(|n| n.starts_with("oldest")), "{t:?}");
    let appeals = json(&app, &client, "list_appeals", &[]).await;
    let t = tile(&h.reviews, "appeals");
    assert_eq!(t.count, i64::try_from(appeals.as_array().unwrap().len()).unwrap());
    assert!(t.count > 0 && t.note.is_some(), "the demo subscriber's appeal waits for a manager: {t:?}");
    // Open cases over the block line nobody has investigated: the queue view it links to, flagged "block".
    let t = tile(&h.reviews, "block_uninvestigated");
    let list = queue(&app, &client, &t.href).await;
    assert_eq!((list.total, list.rows.len() as i64), (t.count, t.count), "{t:?}");
    assert!(t.count > 0 && list.rows.iter().all(|r| r.flag.as_deref() == Some("block")), "{:?}", list.rows);
    assert!(t.href.contains("rate=block") && t.href.contains("investigation=none"), "{}", t.href);
    let month = h.month.clone().expect("managers see the month's decisions");
    assert!(!month.decided.is_empty(), "the demo has decisions this month");
    for t in &month.decided {
        assert_eq!(queue(&app, &client, &t.href).await.total, t.count, "{}", t.key);
        assert!(t.count > 0, "{t:?}");
    }
    assert!(tile(&month.decided, "decided_warning").count > 0);
    assert!(month.decided.iter().all(|t| t.key != "decided_suspension"), "a proposal still waiting is no decision");
    assert!(month.median_hours.is_some() && month.p90_hours >= month.median_hours, "{month:?}");
    assert!(queue(&app, &client, &month.href).await.total >= month.decided.iter().map(|t| t.count).max().unwrap());
    assert_rendered(&app, &client, &month.decided).await;
    for t in &h.work.unwrap().cases {
        assert_eq!(queue(&app, &client, &t.href).await.total, t.count, "{}", t.key);
    }
    assert_rendered(&app, &client, &h.reviews).await;
}

#[tokio::test]
async fn the_admins_home_counts_equal_the_lists_it_links_to() {
    let (app, client) = demo_as("admin").await;
    let h = home(&app, &client).await;
    let health = h.health.clone().expect("admins see the desk's health");
    assert!(h.work.is_none(), "{h:?}");
    for status in ["unrecognised", "failed"] {
        let list = json(&app, &client, "list_messages", &[("status", status), ("page", "0")]).await;
        let t = tile(&health.tiles, &format!("messages_{status}"));
        assert_eq!(t.count, list["totals"][status].as_i64().unwrap(), "{status}");
        assert!(t.count > 0, "the demo has a message {status}");
        assert_eq!(t.href, format!("/messages?status={status}"));
    }
    for (key, status) in [("outbox", "outbox"), ("outbox_failed", "failed")] {
        let list = json(&app, &client, "list_notifications", &[("status", status)]).await;
        let listed = i64::try_from(list["notifications"].as_array().unwrap().len()).unwrap();
        assert_eq!(tile(&health.tiles, key).count, listed, "{key}");
        assert!(listed > 0, "the demo has a notification {status}");
    }
    let list = json(&app, &client, "list_notifications", &[("status", "")]).await;
    let pending = list["webhook_events"].as_array().unwrap().iter().filter(|w| w["status"] == "pending").count();
    assert_eq!(tile(&health.tiles, "webhooks").count, i64::try_from(pending).unwrap());
    let users = json(&app, &client, "list_users", &[]).await;
    let users = users.as_array().unwrap();
    let disabled = users.iter().filter(|u| u["disabled"] == true).count();
    let otp = users.iter().filter(|u| u["must_change_password"] == true && u["disabled"] == false).count();
    assert_eq!(tile(&health.tiles, "disabled").count, i64::try_from(disabled).unwrap());
    assert_eq!(tile(&health.tiles, "one_time_password").count, i64::try_from(otp).unwrap());
    assert!(disabled > 0 && otp > 0);
    // Today's parse outcomes: each the intake list of that status and day.
    let day = chrono::Utc::now().date_naive().to_string();
    for status in ["parsed", "unrecognised", "failed"] {
        let t = tile(&health.today, &format!("today_{status}"));
        assert_eq!(t.href, format!("/messages?status={status}&day={day}"));
        let list = json(&app, &client, "list_messages", &[("status", status), ("page", "0"), ("day", &day)]).await;
        let listed = i64::try_from(list["messages"].as_array().unwrap().len()).unwrap();
        assert_eq!((t.count, list["matching"].as_i64().unwrap()), (listed, listed), "{status} today");
        assert!(t.count > 0, "the demo's mail arrived today, some {status}");
    }
    let yesterday = (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string();
    let none = json(&app, &client, "list_messages", &[("status", "parsed"), ("page", "0"), ("day", &yesterday)]).await;
    assert_eq!(none["matching"], 0, "nothing arrived yesterday");
    assert_rendered(&app, &client, &health.today).await;
    // The demo checked the audit chain once: when, by whom, and that it held.
    let audit = health.audit.clone().expect("the demo verified the audit chain");
    assert!(audit.intact && audit.entries > 0 && audit.detail.starts_with("intact"), "{audit:?}");
    let verified = json(&app, &client, "verify_audit", &[]).await;
    assert!(verified.as_str().unwrap().contains("intact"), "{verified}");
    let again = home(&app, &client).await.health.unwrap().audit.unwrap();
    assert!(
        again.verified_at > audit.verified_at && again.verified_by == "admin",
        "the page's check is recorded: {again:?}"
    );
    assert!(again.entries > audit.entries, "the first check's own audit entry was checked too");
    let mta = health.channels.iter().find(|(c, _)| c == "mta").and_then(|(_, t)| *t);
    assert!(mta.is_some(), "the demo mail came by MTA: {:?}", health.channels);
    assert!(health.schema_version >= 8 && !health.accounts.is_empty());
    assert_rendered(&app, &client, &health.tiles).await;
    // Reporter feeds, quietest first, each linking to a queue of that reporter's cases.
    assert!(health.reporters.len() >= 2, "{:?}", health.reporters);
    assert!(health.reporters.windows(2).all(|w| w[0].last_day <= w[1].last_day), "{:?}", health.reporters);
    let html = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    for f in &health.reporters {
        assert!(queue(&app, &client, &f.href).await.total > 0, "{} has cases", f.reporter);
        assert!(html.contains(&format!("href=\"{}\"", f.href.replace('&', "&amp;"))), "{} rendered", f.reporter);
    }
}

#[tokio::test]
async fn a_customer_goes_straight_to_the_portal() {
    let (app, client) = demo_as("newsletter").await;
    let resp = client.get(app.url("/")).send().await.unwrap();
    assert_eq!((resp.status().as_u16(), location(&resp)), (303, "/portal".to_owned()));
    let h = home(&app, &client).await;
    assert!(h.work.is_none() && h.health.is_none() && h.reviews.is_empty(), "nothing of the desk: {h:?}");
}

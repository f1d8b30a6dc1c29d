//! The Intake page's not-recognised messages grouped by sender and Subject shape (issue 16): each group's
//! count equals the messages its link lists, through the server function and in the HTML rendered
//! without JavaScript; staff only.

use abusedesk::store::{self, Channel, NewArrival, ParseOutcome, ParseStatus};
use serde_json::Value;

use crate::helpers::TestApp;

/// The demo dataset, plus one not-recognised message stored before shapes were kept (no shape).
async fn demo_with_an_unshaped_message() -> TestApp {
    demo_with_unshaped().await.0
}

/// [`demo_with_an_unshaped_message`], and the unshaped message's id.
async fn demo_with_unshaped() -> (TestApp, i64) {
    let app = TestApp::spawn().await;
    abusedesk::demo::load(&app.store).await.unwrap();
    let raw = b"From: old@before.example\nSubject: parsed long ago\n\nno address here\n";
    let received_at = store::now();
    let arrival = NewArrival { raw, sha256: "unshaped", channel: Channel::Api, recipient: None, received_at };
    let id = app.store.record_arrival(&arrival).await.unwrap().inbound_message_id;
    let status = ParseStatus::Unrecognised;
    let outcome = ParseOutcome { status, format: None, detail: None, reports: vec![], shape: None };
    app.store.store_parse_outcome(id, &outcome, store::now()).await.unwrap();
    (app, id)
}

async fn list(app: &TestApp, client: &reqwest::Client, args: &[(&str, &str)]) -> Value {
    let resp = app.call(client, "list_messages", args).await;
    assert_eq!(resp.status(), 200, "{args:?}");
    resp.json().await.unwrap()
}

/// The `href`s of the group rows in the rendered page, in order.
fn group_links(html: &str) -> Vec<String> {
    let table = html.split("id=\"unrecognised-groups\"").nth(1).expect("the groups table is rendered");
    let table = table.split("</table>").next().unwrap_or_default();
    table.split("<a href=\"").skip(1).map(|s| s.split('"').next().unwrap_or_default().replace("&amp;", "&")).collect()
}

/// How many messages a rendered list shows (each links to `/messages/{id}`).
fn listed_messages(html: &str) -> usize {
    let list = html.split("id=\"messages\"").nth(1).expect("the message list is rendered");
    list.matches("<a href=\"/messages/").count()
}

#[tokio::test]
async fn each_group_of_not_recognised_messages_counts_what_its_link_lists() {
    let app = demo_with_an_unshaped_message().await;
    let client = app.client();
    assert_eq!(app.sign_in(&client, "sam", "sam-demo-password").await, "/");

    let page = list(&app, &client, &[("status", "unrecognised"), ("page", "0")]).await;
    let groups = page["groups"].as_array().unwrap().clone();
    assert!(groups.len() >= 3, "the demo's two groups and the unshaped message: {groups:?}");
    assert_eq!(groups[0]["domain"], "watchtower-cert.example");
    assert!(groups.iter().any(|g| g["domain"] == store::SHAPE_NOT_COMPUTED), "{groups:?}");
    let total: i64 = groups.iter().map(|g| g["messages"].as_i64().unwrap()).sum();
    assert_eq!(total, page["totals"]["unrecognised"].as_i64().unwrap(), "every not-recognised message is in a group");

    let html = client.get(app.url("/messages?status=unrecognised")).send().await.unwrap().text().await.unwrap();
    let links = group_links(&html);
    assert_eq!(links.len(), groups.len(), "one link per group: {links:?}");
    for (g, href) in groups.iter().zip(&links) {
        let (domain, shape) = (g["domain"].as_str().unwrap(), g["shape"].as_str().unwrap());
        let count = g["messages"].as_i64().unwrap();
        let args = [("status", "unrecognised"), ("page", "0"), ("domain", domain), ("shape", shape)];
        let filtered = list(&app, &client, &args).await;
        assert_eq!(filtered["messages"].as_array().unwrap().len() as i64, count, "{g}");
        // The link, followed without JavaScript, lists the same messages.
        let linked = client.get(app.url(href)).send().await.unwrap().text().await.unwrap();
        assert_eq!(listed_messages(&linked) as i64, count, "{href} lists the group {g}");
    }
    let other = list(&app, &client, &[("status", "parsed"), ("page", "0")]).await;
    assert!(other["groups"].as_array().unwrap().is_empty(), "groups are of not-recognised messages only");
}

#[tokio::test]
async fn customers_cannot_see_the_groups() {
    let app = demo_with_an_unshaped_message().await;
    let client = app.client();
    app.sign_in(&client, "newsletter", "newsletter-demo-password").await;
    let resp = app.call(&client, "list_messages", &[("status", "unrecognised"), ("page", "0")]).await;
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn reparsing_computes_the_shape_of_a_message_stored_without_one() {
    let (app, id) = demo_with_unshaped().await;
    let domains = |groups: Vec<store::ShapeGroup>| groups.into_iter().map(|g| g.sender_domain).collect::<Vec<_>>();
    assert!(domains(app.store.group_unrecognised(50).await.unwrap()).contains(&store::SHAPE_NOT_COMPUTED.to_owned()));
    abusedesk::intake::reparse(&app.store, &[id]).await.unwrap();
    let after = domains(app.store.group_unrecognised(50).await.unwrap());
    assert!(after.contains(&"before.example".to_owned()), "{after:?}");
    assert!(!after.contains(&store::SHAPE_NOT_COMPUTED.to_owned()), "{after:?}");
}

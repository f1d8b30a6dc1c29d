//! The unknown queue grouped by (sender domain, Subject shape), and the list filtered to one group, on
//! both backends.

use abusedesk::parse::MessageShape;
use abusedesk::store::{
    self, Channel, MessageFilter, NewArrival, ParseOutcome, ParseStatus, Store, SHAPE_NOT_COMPUTED,
};

use crate::backends::on_each_backend;

/// Stores a message with `status` and (when given) a shape; returns its id.
async fn message(s: &Store, n: u32, status: ParseStatus, shape: Option<(&str, &str)>) -> i64 {
    let raw = format!("Subject: message {n}\n\nbody {n}");
    let sha = format!("{n:064}");
    let arrival =
        NewArrival { raw: raw.as_bytes(), sha256: &sha, channel: Channel::Api, recipient: None, received_at: store::now() };
    let id = s.record_arrival(&arrival).await.unwrap().inbound_message_id;
    let shape = shape.map(|(d, sh)| MessageShape { sender_domain: d.to_owned(), subject_shape: sh.to_owned() });
    let outcome = ParseOutcome { status, format: None, detail: None, reports: vec![], shape };
    s.store_parse_outcome(id, &outcome, store::now()).await.unwrap();
    id
}

#[tokio::test]
async fn not_recognised_messages_are_grouped_by_shape_and_each_group_lists_exactly_its_messages() {
    on_each_backend(|s: Store| async move {
        let cert = Some(("cert.example", "incident #"));
        let mut cert_ids = Vec::new();
        for n in 1..=3 {
            cert_ids.push(message(&s, n, ParseStatus::Unrecognised, cert).await);
        }
        // The same domain with another Subject, and an empty Subject, are groups of their own.
        message(&s, 4, ParseStatus::Unrecognised, Some(("cert.example", "weekly digest"))).await;
        message(&s, 5, ParseStatus::Unrecognised, Some(("isp.example", ""))).await;
        message(&s, 6, ParseStatus::Unrecognised, Some(("isp.example", ""))).await;
        message(&s, 7, ParseStatus::Unrecognised, None).await;
        // A recognised message of the same shape is no one's to-do.
        message(&s, 8, ParseStatus::Parsed, cert).await;

        let groups = s.group_unrecognised(50).await.unwrap();
        let keys: Vec<(&str, &str, i64)> =
            groups.iter().map(|g| (g.sender_domain.as_str(), g.subject_shape.as_str(), g.messages)).collect();
        assert_eq!(keys[0], ("cert.example", "incident #", 3), "{keys:?}");
        assert_eq!(keys[1], ("isp.example", "", 2), "{keys:?}");
        assert_eq!(keys.len(), 4, "{keys:?}");
        assert!(keys.contains(&("cert.example", "weekly digest", 1)), "{keys:?}");
        assert!(keys.contains(&(SHAPE_NOT_COMPUTED, "", 1)), "{keys:?}");
        assert_eq!(groups[0].example_id, cert_ids[2]);
        assert!(groups[0].oldest <= groups[0].newest);
        assert_eq!(s.group_unrecognised(1).await.unwrap().len(), 1, "the limit counts groups");

        for g in &groups {
            let filter = MessageFilter {
                status: Some(ParseStatus::Unrecognised),
                shape: Some((g.sender_domain.clone(), g.subject_shape.clone())),
            };
            let listed = s.filter_messages(&filter, 100, 0).await.unwrap();
            assert_eq!(listed.len() as i64, g.messages, "{g:?}");
            assert!(listed.iter().any(|m| m.inbound_message_id == g.example_id), "{g:?}");
        }
        let unfiltered = s.filter_messages(&MessageFilter::default(), 100, 0).await.unwrap();
        assert_eq!(unfiltered.len(), 8);
    })
    .await;
}

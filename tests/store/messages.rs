//! Inbound messages, arrivals, parse outcomes, reports and ingest tokens, on both backends.

use abusedesk::parse::parse_message;
use abusedesk::store::{self, Backend, Channel, NewArrival, ParseOutcome, ParseStatus, Store, StoreError};

use crate::backends::on_each_backend;

const AOL: &[u8] = include_bytes!("../fixtures/abuseio/feedback-loop/AOL_example_1.eml");

fn arrival<'a>(raw: &'a [u8], sha: &'a str, channel: Channel, recipient: Option<&'a str>) -> NewArrival<'a> {
    NewArrival { raw, sha256: sha, channel, recipient, received_at: store::now() }
}

#[tokio::test]
async fn the_same_bytes_are_stored_once_and_every_arrival_is_counted() {
    on_each_backend(|s: Store| async move {
        let first = s.record_arrival(&arrival(AOL, "aaa", Channel::Mta, Some("abuse@example.net"))).await.unwrap();
        assert!(!first.copy);
        let again =
            s.record_arrival(&arrival(AOL, "aaa", Channel::Import, Some("postmaster@example.net"))).await.unwrap();
        assert_eq!(again.inbound_message_id, first.inbound_message_id);
        assert!(again.copy);
        let other = s.record_arrival(&arrival(b"Subject: x\n\ny", "bbb", Channel::Api, None)).await.unwrap();
        assert_ne!(other.inbound_message_id, first.inbound_message_id);

        assert_eq!(s.find_message_raw(first.inbound_message_id).await.unwrap().unwrap(), AOL, "bytes kept verbatim");
        let summary = s.find_message(first.inbound_message_id).await.unwrap().unwrap();
        assert_eq!(summary.arrivals, 2);
        assert_eq!(summary.size_bytes, AOL.len() as i64);
        assert_eq!(summary.parse_status.0, ParseStatus::Pending);
        let mut recipients: Vec<&str> = summary.recipients.as_deref().unwrap().split(", ").collect();
        recipients.sort_unstable();
        assert_eq!(recipients, ["abuse@example.net", "postmaster@example.net"]);
        assert!(s.find_message(999_999).await.unwrap().is_none());
        assert!(s.find_message_raw(999_999).await.unwrap().is_none());

        let counts = s.count_intake().await.unwrap();
        assert_eq!((counts.messages, counts.arrivals, counts.pending, counts.reports), (2, 3, 2, 0));
    })
    .await;
}

#[tokio::test]
async fn a_parse_outcome_replaces_the_reports_and_sets_the_status() {
    on_each_backend(|s: Store| async move {
        let id = s.record_arrival(&arrival(AOL, "aaa", Channel::Mta, None)).await.unwrap().inbound_message_id;
        let parsed = parse_message(AOL).unwrap();
        assert_eq!(parsed.reports.len(), 1);
        let reports = parsed.reports.iter().cloned().map(|r| (r, Some("hash-1".to_owned()))).collect::<Vec<_>>();
        let outcome = ParseOutcome {
            status: ParseStatus::Parsed, format: Some("arf".into()), detail: None, reports, shape: None,
        };
        s.store_parse_outcome(id, &outcome, store::now()).await.unwrap();
        // Twice: re-parsing replaces, it does not add.
        s.store_parse_outcome(id, &outcome, store::now()).await.unwrap();

        let stored = s.list_message_reports(id).await.unwrap();
        assert_eq!(stored.len(), 1);
        let r = &stored[0];
        assert_eq!((r.source_ip.as_str(), r.report_type.as_str(), r.role.as_str()), ("10.17.18.1", "spam", "source"));
        assert_eq!(r.format, "arf");
        assert_eq!(r.reporter, "AOL");
        assert_eq!(r.incident_time, "2016-01-19T19:32:40Z".parse().ok());
        assert_eq!(r.complainant_hash.as_deref(), Some("hash-1"));
        assert_eq!(s.list_reports_for_ip("10.17.18.1", 10).await.unwrap().len(), 1);
        assert!(s.list_reports_for_ip("192.0.2.1", 10).await.unwrap().is_empty());

        let summary = s.find_message(id).await.unwrap().unwrap();
        assert_eq!(summary.parse_status.0, ParseStatus::Parsed);
        assert_eq!(summary.parse_format.as_deref(), Some("arf"));
        assert_eq!(summary.report_count, 1);
        assert_eq!(s.find_message_raw(id).await.unwrap().unwrap(), AOL, "parsing leaves the bytes alone");

        let none = ParseOutcome {
            status: ParseStatus::Unrecognised,
            format: None,
            detail: Some("no parser".into()),
            reports: vec![],
            shape: None,
        };
        s.store_parse_outcome(id, &none, store::now()).await.unwrap();
        assert!(s.list_message_reports(id).await.unwrap().is_empty());
        assert!(matches!(s.store_parse_outcome(424_242, &none, store::now()).await, Err(StoreError::NotFound)));
    })
    .await;
}

#[tokio::test]
async fn messages_are_listed_newest_first_by_status_and_ids_oldest_first() {
    on_each_backend(|s: Store| async move {
        let mut ids = Vec::new();
        for i in 0..3 {
            let raw = format!("Subject: {i}\n\nbody");
            let sha = format!("sha{i}");
            ids.push(
                s.record_arrival(&arrival(raw.as_bytes(), &sha, Channel::Import, None))
                    .await
                    .unwrap()
                    .inbound_message_id,
            );
        }
        let none = ParseOutcome { status: ParseStatus::Unrecognised, format: None, detail: None, reports: vec![], shape: None };
        s.store_parse_outcome(ids[1], &none, store::now()).await.unwrap();

        let all: Vec<i64> = s.list_messages(None, 10, 0).await.unwrap().iter().map(|m| m.inbound_message_id).collect();
        assert_eq!(all, [ids[2], ids[1], ids[0]]);
        let page2: Vec<i64> = s.list_messages(None, 2, 2).await.unwrap().iter().map(|m| m.inbound_message_id).collect();
        assert_eq!(page2, [ids[0]]);
        let unrecognised = s.list_messages(Some(ParseStatus::Unrecognised), 10, 0).await.unwrap();
        assert_eq!(unrecognised.iter().map(|m| m.inbound_message_id).collect::<Vec<_>>(), [ids[1]]);

        assert_eq!(s.list_message_ids(0, false, 10).await.unwrap(), ids);
        assert_eq!(s.list_message_ids(ids[0], false, 1).await.unwrap(), [ids[1]]);
        assert_eq!(s.list_message_ids(0, true, 10).await.unwrap(), [ids[0], ids[2]], "only pending ones");
    })
    .await;
}

#[tokio::test]
async fn ingest_tokens_work_until_revoked() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let mut tx = s.begin().await.unwrap();
        let id = tx.insert_ingest_token("postfix on mx1", "ingest", "hash-a", None, now).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(s.use_ingest_token("hash-a", "ingest", now).await.unwrap(), Some(id));
        assert_eq!(s.use_ingest_token("hash-a", "read", now).await.unwrap(), None, "an ingest token cannot read");
        assert_eq!(s.use_ingest_token("hash-b", "ingest", now).await.unwrap(), None);
        let listed = s.list_ingest_tokens().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, "postfix on mx1");
        assert_eq!(listed[0].scope, "ingest");
        assert_eq!(listed[0].last_used_at, Some(now));

        let mut tx = s.begin().await.unwrap();
        tx.revoke_ingest_token(id, now).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(s.use_ingest_token("hash-a", "ingest", now).await.unwrap(), None, "a revoked token no longer works");
        assert_eq!(s.list_ingest_tokens().await.unwrap()[0].revoked_at, Some(now));
        let mut tx = s.begin().await.unwrap();
        assert!(matches!(tx.revoke_ingest_token(9_999, now).await, Err(StoreError::NotFound)));
        assert!(matches!(
            tx.insert_ingest_token("again", "read", "hash-a", None, now).await,
            Err(StoreError::Conflict { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn reports_entered_by_hand_record_who_and_survive_reparsing() {
    use abusedesk::domain::role::Role;
    use abusedesk::store::NewUser;
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let user = NewUser {
            username: "alex".into(),
            display_name: "Alex".into(),
            password_hash: "x".into(),
            role: Role::Analyst,
            must_change_password: false,
            password_expires_at: None,
            customer_id: None,
        };
        let alex = crate::users::insert_user(&s, &user, now).await.unwrap();
        let id = s
            .record_arrival(&arrival(b"Subject: ssh\n\nhammering", "ccc", Channel::Mta, None))
            .await
            .unwrap()
            .inbound_message_id;
        let none = ParseOutcome { status: ParseStatus::Unrecognised, format: None, detail: None, reports: vec![], shape: None };
        s.store_parse_outcome(id, &none, now).await.unwrap();

        let mut report = parse_message(AOL).unwrap().reports.remove(0);
        report.source_ip = "192.0.2.9".parse().unwrap();
        let first = s.add_manual_report(id, &report, alex, now).await.unwrap();
        let second = s.add_manual_report(id, &report, alex, now).await.unwrap();
        assert_ne!(first, second);
        s.store_parse_outcome(id, &none, now).await.unwrap();

        let stored = s.list_message_reports(id).await.unwrap();
        assert_eq!(stored.iter().map(|r| r.report_id).collect::<Vec<_>>(), [second, first], "kept, by position");
        assert!(stored.iter().all(|r| r.entered_by.as_deref() == Some("alex") && r.format == "manual"));
        assert_eq!(s.find_message(id).await.unwrap().unwrap().report_count, 2);
        assert!(matches!(s.add_manual_report(777_777, &report, alex, now).await, Err(StoreError::NotFound)));
    })
    .await;
}

/// `ingest` exits 0 and the MTA deletes its copy once a commit returns: every connection must flush each
/// commit to disk (SQLite `synchronous = FULL`; PostgreSQL `synchronous_commit = on`), not leave it to a
/// later checkpoint that a power cut would lose.
#[tokio::test]
async fn every_commit_is_on_disk_when_it_returns() {
    on_each_backend(|s: Store| async move {
        match s.backend() {
            Backend::Sqlite(pool) => {
                let mut held = Vec::new();
                for _ in 0..3 {
                    let mut conn = pool.acquire().await.unwrap();
                    let level: i64 = sqlx::query_scalar("pragma synchronous").fetch_one(&mut *conn).await.unwrap();
                    assert_eq!(level, 2, "SQLite synchronous must be FULL (2)");
                    held.push(conn);
                }
            }
            Backend::Postgres(pool) => {
                let setting: String = sqlx::query_scalar("show synchronous_commit").fetch_one(pool).await.unwrap();
                assert_eq!(setting, "on");
            }
        }
    })
    .await;
}

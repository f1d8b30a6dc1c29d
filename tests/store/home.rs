//! The front page's store figures, on both backends: the kept intake counter equals a recount through
//! every write that changes reports, and the queue filters the front page links to count what they list.

use abusedesk::domain::case::{CaseFilter, CaseStatus};
use abusedesk::ingest::parse_message;
use abusedesk::store::{self, Channel, NewArrival, ParseOutcome, ParseStatus, Store};
use chrono::Duration;

use crate::backends::on_each_backend;

const AOL: &[u8] = include_bytes!("../fixtures/abuseio/feedback-loop/AOL_example_1.eml");

/// The counter's reports per reporter over the fortnight.
async fn charted(s: &Store) -> Vec<(String, i64)> {
    let since = (store::now() - Duration::days(14)).date_naive();
    let mut out: Vec<(String, i64)> = Vec::new();
    for (_, reporter, n) in s.intake_by_day(since).await.unwrap() {
        match out.iter_mut().find(|(r, _)| *r == reporter) {
            Some((_, total)) => *total += n,
            None => out.push((reporter, n)),
        }
    }
    out
}

#[tokio::test]
async fn the_intake_counter_follows_parses_reparses_and_hand_entered_reports() {
    on_each_backend(|s: Store| async move {
        let arrival = NewArrival { raw: AOL, sha256: "aaa", channel: Channel::Mta, recipient: None, received_at: store::now() };
        let id = s.record_arrival(&arrival).await.unwrap().inbound_message_id;
        assert!(charted(&s).await.is_empty(), "nothing parsed yet");
        let parsed = parse_message(AOL).unwrap();
        let reports: Vec<_> = parsed.reports.iter().cloned().map(|r| (r, None)).collect();
        let outcome = ParseOutcome {
            status: ParseStatus::Parsed, format: Some("arf".into()), detail: None, reports, shape: None,
        };
        s.store_parse_outcome(id, &outcome, store::now()).await.unwrap();
        s.store_parse_outcome(id, &outcome, store::now()).await.unwrap();
        assert_eq!(charted(&s).await, [("AOL".to_owned(), 1)], "a reparse replaces, it does not add");

        let user = abusedesk::auth::accounts::create_account_with_password(&s, &abusedesk::auth::Actor::system("test"), "ana", "", abusedesk::domain::role::Role::Analyst, "ana-long-password-1", false,
        )
        .await
        .unwrap();
        let mut manual = parsed.reports[0].clone();
        manual.reporter = "Hand".into();
        s.add_manual_report(id, &manual, user.user_id, store::now()).await.unwrap();
        let empty = ParseOutcome { status: ParseStatus::Unrecognised, format: None, detail: None, reports: vec![], shape: None };
        s.store_parse_outcome(id, &empty, store::now()).await.unwrap();
        assert_eq!(charted(&s).await, [("Hand".to_owned(), 1)], "the parser's report went, the hand-entered one stays");

        s.rebuild_intake_days(store::now()).await.unwrap();
        assert_eq!(charted(&s).await, [("Hand".to_owned(), 1)], "a recount agrees with the kept counter");
        assert_eq!(s.count_messages_in("unrecognised").await.unwrap(), 1);
        assert_eq!(s.count_messages_in("parsed").await.unwrap(), 0);
        assert!(s.last_arrival("mta").await.unwrap().is_some());
        assert!(s.last_arrival("api").await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn the_front_page_filters_count_what_the_queue_lists() {
    on_each_backend(|s: Store| async move {
        abusedesk::demo::load(&s).await.unwrap();
        let now = store::now();
        let open = CaseFilter { open_only: true, ..CaseFilter::default() };
        let filters = [
            CaseFilter { reopened: true, ..open.clone() },
            CaseFilter { disputed: true, ..open.clone() },
            CaseFilter { waiting_days: Some(3), ..open.clone() },
            CaseFilter { status: Some(CaseStatus::New), assignee: Some("none".into()), ..open.clone() },
        ];
        for f in &filters {
            let (rows, total) = s.list_cases(f, 50, now).await.unwrap();
            assert_eq!(s.count_cases(f, now).await.unwrap(), total, "{f:?}");
            assert_eq!(i64::try_from(rows.len()).unwrap(), total, "{f:?}");
            assert!(total > 0, "the demo has a case for {f:?}");
        }
        let (reopened, _) = s.list_cases(&filters[0], 50, now).await.unwrap();
        assert!(reopened.iter().all(|c| c.reopened_at.is_some()));
        let (waiting, _) = s.list_cases(&filters[2], 50, now).await.unwrap();
        assert!(waiting.iter().all(|c| c.status == "awaiting_customer"));
        let not_yet = CaseFilter { waiting_days: Some(5), ..open };
        assert_eq!(s.count_cases(&not_yet, now).await.unwrap(), 0, "the demo's customer was asked four days ago");
        let oldest = s.oldest_open_case().await.unwrap().unwrap();
        let (all_open, _) = s.list_cases(&CaseFilter { open_only: true, ..CaseFilter::default() }, 50, now).await.unwrap();
        assert!(all_open.iter().all(|c| c.first_seen >= Some(oldest.1)));
        let flags = s.account_flags().await.unwrap();
        assert_eq!((flags.disabled, flags.one_time_password), (1, 1));
        let outbox = s.notification_backlog().await.unwrap();
        assert!(outbox.waiting > 0 && outbox.failed == 1 && outbox.oldest_failure.is_some(), "{outbox:?}");
        assert_eq!(s.webhook_backlog().await.unwrap().waiting, 1);
    })
    .await;
}

//! The front page's store figures, on both backends: the kept intake counter equals a recount through
//! every write that changes reports, and the queue filters the front page links to count what they list.

use abusedesk::domain::case::{CaseFilter, CaseRow, CaseStatus, RateLine};
use abusedesk::parse::parse_message;
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

        let user = abusedesk::auth::accounts::create_account_with_password(&s, &abusedesk::audit::Actor::system("test"), "ana", "", abusedesk::domain::role::Role::Analyst, "ana-long-password-1", false,
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

/// Open cases at `now` as the queue's rows show them (trend and flag computed from the reports).
async fn rows_at(s: &Store, now: chrono::DateTime<chrono::Utc>) -> Vec<CaseRow> {
    let open = CaseFilter { open_only: true, ..CaseFilter::default() };
    abusedesk::cases::views::case_page(s, &open, 500, now).await.unwrap().rows
}

#[tokio::test]
async fn rising_and_rate_filters_count_what_the_queue_rows_say_at_any_hour() {
    on_each_backend(|s: Store| async move {
        abusedesk::demo::load(&s).await.unwrap();
        let now = store::now();
        let open = CaseFilter { open_only: true, ..CaseFilter::default() };
        let rising = CaseFilter { rising: true, ..open.clone() };
        // Trends are kept by the recount: right after the demo's intake the index answers on its own.
        let (listed, _) = s.list_cases(&rising, 500, now).await.unwrap();
        assert!(!listed.is_empty(), "the demo has rising cases");
        for c in &listed {
            let (trend, until) = s.kept_trend(c.abuse_case_id).await.unwrap();
            assert!(trend == "rising" && until > now, "case {} kept {trend} until {until}", c.abuse_case_id);
        }
        // As days pass without a report, kept trends lapse and the cases are judged from their reports:
        // the count stays what the rows say, and after 14 quiet days nothing is rising any more.
        for days in [0, 3, 6, 8, 13, 20] {
            let at = now + Duration::days(days);
            let rows = rows_at(&s, at).await;
            let said = |f: &dyn Fn(&CaseRow) -> bool| rows.iter().filter(|r| f(r)).count() as i64;
            let rising_rows = said(&|r| r.trend == "rising");
            assert_eq!(s.count_cases(&rising, at).await.unwrap(), rising_rows, "rising after {days} days");
            for (line, flagged) in [(RateLine::Warn, None), (RateLine::Block, Some("block"))] {
                let f = CaseFilter { rate: Some(line), ..open.clone() };
                let want = said(&|r| r.flag.is_some() && (flagged.is_none() || r.flag.as_deref() == flagged));
                assert_eq!(s.count_cases(&f, at).await.unwrap(), want, "{line:?} after {days} days");
            }
        }
        assert_eq!(s.count_cases(&rising, now + Duration::days(20)).await.unwrap(), 0, "14 quiet days: no rise");
        // A threshold of the type's own, between the demo's two flagged senders (about 1.1 and 3.6 per
        // 1,000): each line is read from its own column.
        let spam = abusedesk::triage::rates::Threshold { warn_per_thousand: 0.5, block_per_thousand: 2.0 };
        s.set_rate_threshold("spam", spam, "test", now).await.unwrap();
        let rows = rows_at(&s, now).await;
        for (line, flag) in [(RateLine::Warn, "warn"), (RateLine::Block, "block")] {
            let f = CaseFilter { rate: Some(line), ..open.clone() };
            let want = rows.iter().filter(|r| r.flag.as_deref() == Some(flag)).count() as i64;
            let at_or_over = s.count_cases(&f, now).await.unwrap();
            let blocked = rows.iter().filter(|r| r.flag.as_deref() == Some("block")).count() as i64;
            assert_eq!(at_or_over, if line == RateLine::Warn { want + blocked } else { want }, "{line:?}");
            assert_eq!(want, 1, "one case at {flag}");
        }
        // `serve` refreshes lapsed trends and week counts; no count changes, only where it is read from
        // (the kept values, where the reports were counted before).
        let later = now + Duration::days(8);
        let rates = |line| CaseFilter { rate: Some(line), ..open.clone() };
        let counts = |at| {
            let (s, rising, warn, block) = (s.clone(), rising.clone(), rates(RateLine::Warn), rates(RateLine::Block));
            async move {
                let mut out = Vec::new();
                for f in [&rising, &warn, &block] {
                    out.push(s.count_cases(f, at).await.unwrap());
                }
                out
            }
        };
        let before = counts(later).await;
        assert!(s.refresh_lapsed_trends(later, 1_000).await.unwrap() > 0);
        assert_eq!(s.refresh_lapsed_trends(later, 1_000).await.unwrap(), 0, "nothing lapsed twice");
        assert_eq!(counts(later).await, before, "rising, warn, block after the refresh");
        // The manager's tile: over the block line and not investigated. Opening an investigation takes
        // the case off it, and off nothing else.
        let block = CaseFilter { rate: Some(RateLine::Block), ..open.clone() };
        let uninvestigated = CaseFilter { uninvestigated: true, ..block.clone() };
        let (over, _) = s.list_cases(&uninvestigated, 50, now).await.unwrap();
        assert_eq!(over.len(), 1, "the demo's small sender");
        let alex = s.list_users().await.unwrap().into_iter().find(|u| u.username == "alex").unwrap().current_user();
        abusedesk::casework::open_investigation(&s, &alex, over[0].abuse_case_id).await.unwrap();
        assert_eq!(s.count_cases(&uninvestigated, now).await.unwrap(), 0);
        assert_eq!(s.count_cases(&block, now).await.unwrap(), 1, "still over the block line");
    })
    .await;
}

#[tokio::test]
async fn a_check_of_the_audit_chain_is_recorded_with_its_result() {
    on_each_backend(|s: Store| async move {
        assert_eq!(s.last_audit_verification().await.unwrap(), None, "never checked");
        s.append_audit(store::now(), "ana", "case.assigned", "case 1", "to bo").await.unwrap();
        let by = abusedesk::audit::Actor::system("test");
        let (first, _) = abusedesk::audit::check::verify_and_record(&s, &by).await.unwrap();
        assert!(first.intact && first.entries == 1 && first.verified_by == "test", "{first:?}");
        assert_eq!(s.last_audit_verification().await.unwrap(), Some(first.clone()));
        let (second, _) = abusedesk::audit::check::verify_and_record(&s, &by).await.unwrap();
        assert_eq!(second.entries, 2, "the first check is itself in the log");
        assert_eq!(s.last_audit_verification().await.unwrap(), Some(second));
    })
    .await;
}

use abusedesk::store::{self, Store};
use chrono::{DateTime, Duration, Utc};

use crate::backends::on_each_backend;

async fn claim(s: &Store, limits: &[(&str, i64)], at: DateTime<Utc>) -> Option<Vec<i64>> {
    let mut tx = s.begin().await.unwrap();
    let ids = tx.claim_signin_attempt(limits, at - Duration::minutes(15), at, at - Duration::days(1)).await.unwrap();
    tx.commit().await.unwrap();
    ids
}

#[tokio::test]
async fn an_attempt_takes_a_slot_per_key_until_a_key_is_full() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let limits = [("account:a", 2), ("address:192.0.2.1", 3)];
        assert_eq!(claim(&s, &limits, now).await.map(|ids| ids.len()), Some(2));
        assert!(claim(&s, &limits, now).await.is_some());
        assert_eq!(claim(&s, &limits, now).await, None, "the account is full");
        assert_eq!(s.count_signin_failures("account:a", now).await.unwrap(), 2);
        assert_eq!(s.count_signin_failures("address:192.0.2.1", now).await.unwrap(), 2, "a refused claim records nothing");
        assert!(claim(&s, &[("account:b", 5), ("address:192.0.2.1", 3)], now).await.is_some());
        assert_eq!(claim(&s, &[("account:c", 5), ("address:192.0.2.1", 3)], now).await, None, "the address is full");
        // Outside the window the slots are free again.
        assert!(claim(&s, &limits, now + Duration::minutes(16)).await.is_some());
    })
    .await;
}

#[tokio::test]
async fn parallel_attempts_get_no_more_slots_than_the_limit() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let mut attempts = tokio::task::JoinSet::new();
        for i in 0..300 {
            let s = s.clone();
            attempts.spawn(async move {
                let address = format!("address:198.51.100.{}", i % 200);
                claim(&s, &[("account:target", 5), (address.as_str(), 20)], now).await.is_some()
            });
        }
        let admitted = attempts.join_all().await.into_iter().filter(|got| *got).count();
        assert_eq!(admitted, 5);
        assert_eq!(s.count_signin_failures("account:target", now - Duration::hours(1)).await.unwrap(), 5);
    })
    .await;
}

#[tokio::test]
async fn failures_are_forgotten_by_id_by_key_and_by_age() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let old = claim(&s, &[("account:d", 5)], now - Duration::days(3)).await.unwrap();
        assert_eq!(old.len(), 1);
        let first = claim(&s, &[("account:d", 5), ("address:192.0.2.9", 20)], now).await.unwrap();
        assert_eq!(s.count_signin_failures("account:d", now - Duration::days(30)).await.unwrap(), 1, "older than a day is gone");
        claim(&s, &[("account:d", 5), ("address:192.0.2.9", 20)], now).await.unwrap();

        let mut tx = s.begin().await.unwrap();
        tx.forget_signin_failures(&first).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(s.count_signin_failures("account:d", now).await.unwrap(), 1);
        assert_eq!(s.count_signin_failures("address:192.0.2.9", now).await.unwrap(), 1);

        let mut tx = s.begin().await.unwrap();
        tx.clear_signin_failures("account:d").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(s.count_signin_failures("account:d", now).await.unwrap(), 0);
        assert_eq!(s.count_signin_failures("address:192.0.2.9", now).await.unwrap(), 1, "other keys stay");
    })
    .await;
}

use abusedesk::store::{self, Store};
use chrono::Duration;

use crate::backends::on_each_backend;

#[tokio::test]
async fn failures_are_counted_per_key_within_the_window() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let keys = ["account:a".to_owned(), "address:192.0.2.1".to_owned()];
        let long_ago = now - Duration::days(2);
        s.record_signin_failure(&keys, now - Duration::minutes(20), long_ago).await.unwrap();
        s.record_signin_failure(&keys, now - Duration::minutes(5), long_ago).await.unwrap();
        s.record_signin_failure(&keys[..1], now, long_ago).await.unwrap();

        let window_start = now - Duration::minutes(15);
        assert_eq!(s.count_signin_failures("account:a", window_start).await.unwrap(), 2);
        assert_eq!(s.count_signin_failures("address:192.0.2.1", window_start).await.unwrap(), 1);
        assert_eq!(s.count_signin_failures("account:a", now - Duration::hours(1)).await.unwrap(), 3);
        assert_eq!(s.count_signin_failures("account:other", window_start).await.unwrap(), 0);
        // The window includes its first instant.
        assert_eq!(s.count_signin_failures("account:a", now).await.unwrap(), 1);

        s.clear_signin_failures("account:a").await.unwrap();
        assert_eq!(s.count_signin_failures("account:a", long_ago).await.unwrap(), 0);
        assert_eq!(s.count_signin_failures("address:192.0.2.1", long_ago).await.unwrap(), 2, "other keys stay");
    })
    .await;
}

#[tokio::test]
async fn recording_a_failure_forgets_the_old_ones() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let key = ["account:b".to_owned()];
        s.record_signin_failure(&key, now - Duration::days(3), now - Duration::days(10)).await.unwrap();
        s.record_signin_failure(&key, now, now - Duration::days(1)).await.unwrap();
        assert_eq!(s.count_signin_failures("account:b", now - Duration::days(30)).await.unwrap(), 1);
    })
    .await;
}

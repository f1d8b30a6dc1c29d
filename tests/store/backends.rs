//! Runs one test body against each backend.

use std::future::Future;

use abusedesk::store::Store;

use crate::postgres;
use postgres::TestPostgres;

/// Runs `test` on a fresh SQLite database and, when configured, on a fresh PostgreSQL database.
pub async fn on_each_backend<F, Fut>(test: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let store = fresh(&format!("sqlite://{}/store.db", dir.path().display())).await;
    test(store.clone()).await;
    store.close().await;

    if let Some(db) = TestPostgres::create("the PostgreSQL half").await {
        let store = fresh(&db.url).await;
        test(store.clone()).await;
        store.close().await;
        db.drop_database().await;
    }
}

async fn fresh(url: &str) -> Store {
    let store = Store::connect(url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
}

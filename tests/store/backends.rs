//! Runs one test body against each backend.

use std::future::Future;
use std::io::Write;

use abusedesk::store::Store;
use sqlx::Connection;

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

    match std::env::var("TEST_POSTGRES_URL") {
        Ok(server) => {
            let name = format!("abusedesk_test_{:016x}", rand_u64());
            admin(&server, &format!("create database {name}")).await;
            let url = with_database(&server, &name);
            let store = fresh(&url).await;
            test(store.clone()).await;
            store.close().await;
            admin(&server, &format!("drop database {name} with (force)")).await;
        }
        Err(_) if std::env::var_os("CI").is_some() => panic!("TEST_POSTGRES_URL must be set in CI"),
        Err(_) => {
            // Straight to the stderr handle: libtest hides eprintln! output of passing tests.
            let _ = writeln!(std::io::stderr(), "SKIPPED the PostgreSQL half: TEST_POSTGRES_URL is not set");
        }
    }
}

async fn fresh(url: &str) -> Store {
    let store = Store::connect(url).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
}

async fn admin(server: &str, sql: &str) {
    let mut conn = sqlx::PgConnection::connect(server).await.expect("connect to TEST_POSTGRES_URL");
    sqlx::query(sql).execute(&mut conn).await.expect(sql);
    conn.close().await.expect("close");
}

/// The server URL with its database name replaced.
fn with_database(server: &str, name: &str) -> String {
    let mut url = url::Url::parse(server).expect("TEST_POSTGRES_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    h.finish()
}

#![allow(dead_code)] // shared by several test binaries, each of which uses only a part

//! Fresh PostgreSQL databases for tests, on the server named by `TEST_POSTGRES_URL`: created with a random
//! name, dropped afterwards. Without that variable a test skips its PostgreSQL part with a printed reason,
//! except under CI, where it is required.

use std::io::Write;

use sqlx::Connection;

/// A database created for one test; [`TestPostgres::drop_database`] removes it.
pub struct TestPostgres {
    server: String,
    name: String,
    pub url: String,
}

impl TestPostgres {
    /// A new empty database, or `None` (with the reason printed) when no server is configured outside CI.
    pub async fn create(what: &str) -> Option<TestPostgres> {
        let server = match std::env::var("TEST_POSTGRES_URL") {
            Ok(server) => server,
            Err(_) if std::env::var_os("CI").is_some() => panic!("TEST_POSTGRES_URL must be set in CI"),
            Err(_) => {
                // Straight to the stderr handle: libtest hides eprintln! output of passing tests.
                let _ = writeln!(std::io::stderr(), "SKIPPED {what}: TEST_POSTGRES_URL is not set");
                return None;
            }
        };
        let name = format!("abusedesk_test_{:016x}", rand_u64());
        admin(&server, &format!("create database {name}")).await;
        let url = with_database(&server, &name);
        Some(TestPostgres { server, name, url })
    }

    pub async fn drop_database(self) {
        admin(&self.server, &format!("drop database {} with (force)", self.name)).await;
    }
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

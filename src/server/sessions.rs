//! Sessions kept in the application's own database (they survive restarts), behind a signed cookie.

use async_trait::async_trait;
use rand::RngCore;
use sha2::{Digest, Sha512};
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::service::SignedCookie;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::state::ServerSettings;
use crate::store::{self, Backend, Store, StoreError};

/// The session layer type the router is built with.
pub type SessionLayer = SessionManagerLayer<SessionBackend, SignedCookie>;

/// The session store matching the application's database.
#[derive(Clone, Debug)]
pub enum SessionBackend {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl SessionBackend {
    /// The session store on the same pool as `store`, with its table created if missing.
    pub async fn for_store(store: &Store) -> Result<SessionBackend, sqlx::Error> {
        Ok(match store.backend() {
            Backend::Sqlite(pool) => {
                let s = SqliteStore::new(pool.clone());
                s.migrate().await?;
                SessionBackend::Sqlite(s)
            }
            Backend::Postgres(pool) => {
                let s = PostgresStore::new(pool.clone());
                s.migrate().await?;
                SessionBackend::Postgres(s)
            }
        })
    }

    /// Deletes expired sessions every ten minutes until the task is aborted.
    pub fn spawn_expiry_task(&self) -> tokio::task::JoinHandle<()> {
        let period = tokio::time::Duration::from_secs(600);
        let backend = self.clone();
        tokio::spawn(async move {
            let result = match backend {
                SessionBackend::Sqlite(s) => s.continuously_delete_expired(period).await,
                SessionBackend::Postgres(s) => s.continuously_delete_expired(period).await,
            };
            if let Err(e) = result {
                tracing::error!(error = %e, "expired-session clean-up stopped");
            }
        })
    }
}

#[async_trait]
impl SessionStore for SessionBackend {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(s) => s.create(record).await,
            SessionBackend::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(s) => s.save(record).await,
            SessionBackend::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            SessionBackend::Sqlite(s) => s.load(id).await,
            SessionBackend::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            SessionBackend::Sqlite(s) => s.delete(id).await,
            SessionBackend::Postgres(s) => s.delete(id).await,
        }
    }
}

/// The cookie-signing key: derived from the configured secret, or generated once and kept in the database
/// so that sessions survive restarts without any configuration.
pub async fn session_key(store: &Store, configured_secret: Option<&str>) -> Result<Key, StoreError> {
    let secret = match configured_secret {
        Some(s) => s.to_owned(),
        None => {
            let mut bytes = [0u8; 64];
            rand::thread_rng().fill_bytes(&mut bytes);
            store.init_setting("session_key", &hex::encode(bytes), store::now()).await?
        }
    };
    // SHA-512 gives exactly the 64 bytes the cookie key needs, whatever the secret's length.
    let digest = Sha512::digest(secret.as_bytes());
    Key::try_from(digest.as_slice()).map_err(|e| StoreError::Corrupt(format!("session key: {e}")))
}

/// The session layer: HttpOnly, SameSite=Lax, Secure when configured, signed, ending after inactivity.
pub fn layer(backend: SessionBackend, key: Key, settings: &ServerSettings) -> SessionLayer {
    SessionManagerLayer::new(backend)
        .with_name("abusedesk_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookies)
        .with_expiry(Expiry::OnInactivity(settings.session_idle))
        .with_signed(key)
}

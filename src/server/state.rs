//! What every handler and server function can reach: Leptos options, the store and the server settings.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::auth::throttle::ThrottlePolicy;
use crate::store::Store;

/// Settings of a running server (from flags and environment, see `config`).
#[derive(Clone)]
pub struct ServerSettings {
    /// Mark cookies `Secure` (set when the desk is served over https).
    pub secure_cookies: bool,
    /// Origins allowed to post besides the request's own host, e.g. `https://abuse.example.net`.
    pub trusted_origins: Vec<String>,
    /// Take the client address from the last `X-Forwarded-For` entry (only behind a proxy you run).
    pub trust_proxy: bool,
    /// A session ends after this long without a request.
    pub session_idle: time::Duration,
    /// Secret the session-signing key is derived from; `None` uses a key generated once and kept in the database.
    pub session_secret: Option<String>,
    pub throttle: ThrottlePolicy,
    /// The database holds the demo dataset; the UI says so.
    pub demo: bool,
    /// Largest message the ingest API and uploads accept, in bytes.
    pub max_message_bytes: usize,
    /// Days a customer may appeal a restriction, suspension or termination after it takes effect.
    pub appeal_days: i64,
    /// Where notifications to customers are sent; `None` keeps them in the outbox for the admin to read.
    pub smtp_relay: Option<crate::notify::delivery::Relay>,
    /// Where sanction events are delivered; `None` records them only.
    pub webhook: Option<crate::provisioning::delivery::Webhook>,
}

impl std::fmt::Debug for ServerSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSettings")
            .field("secure_cookies", &self.secure_cookies)
            .field("trusted_origins", &self.trusted_origins)
            .field("trust_proxy", &self.trust_proxy)
            .field("session_idle", &self.session_idle)
            .field("session_secret", &self.session_secret.as_ref().map(|_| "[redacted]"))
            .field("throttle", &self.throttle)
            .field("demo", &self.demo)
            .field("max_message_bytes", &self.max_message_bytes)
            .field("appeal_days", &self.appeal_days)
            .field("smtp_relay", &self.smtp_relay)
            .field("webhook", &self.webhook)
            .finish()
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            secure_cookies: false,
            trusted_origins: Vec::new(),
            trust_proxy: false,
            session_idle: time::Duration::hours(8),
            session_secret: None,
            throttle: ThrottlePolicy::default(),
            demo: false,
            max_message_bytes: crate::intake::DEFAULT_MAX_MESSAGE_BYTES,
            appeal_days: crate::domain::dispute::DEFAULT_APPEAL_DAYS,
            smtp_relay: None,
            webhook: None,
        }
    }
}

/// Shared application state; Leptos provides it as context to pages and server functions.
#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub settings: Arc<ServerSettings>,
}

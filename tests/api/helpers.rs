#![allow(dead_code)] // shared by the api and browser test binaries, each of which uses only a part

//! `TestApp`: the real application on a real listener (port 0) over a temporary SQLite database, and an
//! HTTP client that keeps cookies and does not follow redirects, so tests see what the server answered.

use std::net::SocketAddr;
use std::sync::Arc;

use abusedesk::auth::accounts;
use abusedesk::domain::role::Role;
use abusedesk::server::{self, AppState, ServerSettings};
use abusedesk::store::{Store, UserAccount};
use leptos::config::LeptosOptions;
use reqwest::cookie::Jar;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::redirect::Policy;
use tokio::sync::oneshot;

#[path = "../common/customers.rs"]
mod customers;
pub use customers::customer_holding;

/// A database file that outlives one server, so a restart can be tested.
pub struct TestDb {
    _dir: tempfile::TempDir,
    pub url: String,
}

impl TestDb {
    pub fn new() -> Arc<TestDb> {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/abusedesk.db", dir.path().display());
        Arc::new(TestDb { _dir: dir, url })
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    /// The test's own connection to the database (the server has another).
    pub store: Store,
    pub db: Arc<TestDb>,
    shutdown: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// The one runtime every test server of this process runs on, as `abusedesk serve` runs on one: Leptos
/// keeps process-wide state (its task executor), which one runtime per server would share between
/// runtimes that production never has.
fn server_runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("server runtime")
    })
}

/// Where cargo-leptos put the site (only the browser test needs real files there).
pub fn site_root() -> String {
    std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| format!("{}/target/site", env!("CARGO_MANIFEST_DIR")))
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_on(TestDb::new(), ServerSettings::default()).await
    }

    /// Starts the server the way `abusedesk serve` runs it: on a multi-threaded runtime (shared by the test
    /// servers of this process), never on the test's single-threaded one, where server and client would
    /// share one thread and anything in the server that blocks a thread would stall the test instead.
    pub async fn spawn_on(db: Arc<TestDb>, settings: ServerSettings) -> TestApp {
        let store = Store::connect(&db.url).await.expect("open test database");
        store.migrate().await.expect("migrate test database");
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        std_listener.set_nonblocking(true).expect("non-blocking listener");
        let addr = std_listener.local_addr().expect("local addr");
        let (shutdown, rx) = oneshot::channel::<()>();
        let url = db.url.clone();
        let server = server_runtime().spawn(async move {
            let store = Store::connect(&url).await?;
            let leptos_options =
                LeptosOptions::builder().output_name("abusedesk").site_root(site_root()).site_addr(addr).build();
            let state = AppState { leptos_options, store: store.clone(), settings: Arc::new(settings) };
            let listener = tokio::net::TcpListener::from_std(std_listener)?;
            let served = server::serve(listener, state, async move {
                let _ = rx.await;
            })
            .await;
            store.close().await;
            served
        });
        TestApp { addr, store, db, shutdown, server }
    }

    /// Stops the server, waits for it and closes the database, returning the database for a restart.
    pub async fn stop(self) -> Arc<TestDb> {
        let _ = self.shutdown.send(());
        self.server.await.expect("server task").expect("server result");
        self.store.close().await;
        self.db
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// This site's origin, as a browser would send it.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A browser-like client: keeps cookies in `jar`, sends this site's `Origin`, follows no redirects.
    pub fn client_with(&self, jar: Arc<Jar>) -> reqwest::Client {
        let mut headers = HeaderMap::new();
        headers.insert("origin", HeaderValue::from_str(&self.origin()).expect("origin header"));
        reqwest::Client::builder()
            .cookie_provider(jar)
            .default_headers(headers)
            .redirect(Policy::none())
            // A server that never answers fails the test instead of hanging the whole run.
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("client")
    }

    pub fn client(&self) -> reqwest::Client {
        self.client_with(Arc::new(Jar::default()))
    }

    /// An account with a chosen password, ready to sign in.
    pub async fn add_user(&self, username: &str, role: Role) -> UserAccount {
        accounts::create_account_with_password(&self.store, &abusedesk::audit::Actor::system("test"), username, "", role, &password_of(username), false)
            .await
            .expect("create user")
    }

    /// Posts the sign-in form and returns where the server redirected to.
    pub async fn sign_in(&self, client: &reqwest::Client, username: &str, password: &str) -> String {
        let resp = client
            .post(self.url("/auth/signin"))
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .expect("sign-in request");
        assert_eq!(resp.status(), 303, "sign-in answers with a redirect");
        location(&resp)
    }

    /// A client signed in as a new account with `role`.
    pub async fn signed_in(&self, username: &str, role: Role) -> reqwest::Client {
        self.add_user(username, role).await;
        let client = self.client();
        assert_eq!(self.sign_in(&client, username, &password_of(username)).await, "/");
        client
    }

    /// Calls a server function the way a browser's fetch does (URL-encoded form in, JSON out).
    pub async fn call(&self, client: &reqwest::Client, endpoint: &str, args: &[(&str, &str)]) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .header("accept", "application/json")
            .form(args)
            .send()
            .await
            .expect("server function request")
    }
}


/// The password `add_user` gives an account.
pub fn password_of(username: &str) -> String {
    format!("{username}-test-password")
}

pub fn location(resp: &reqwest::Response) -> String {
    resp.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

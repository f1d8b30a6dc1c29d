//! `abusedesk serve`: open the database, make sure someone can sign in, and serve the web app.

use std::sync::Arc;

use anyhow::Context;

use crate::auth::accounts::{self, AccountError};
use crate::config::{ServeArgs, DEFAULT_DATABASE_URL, DEMO_DATABASE_URL};
use crate::domain::role::Role;
use crate::server::{self, AppState, ServerSettings};
use crate::store::Store;

pub(super) async fn run(database_url: Option<String>, args: ServeArgs, max_message_bytes: usize) -> anyhow::Result<()> {
    let default_url = if args.demo { DEMO_DATABASE_URL } else { DEFAULT_DATABASE_URL };
    let url = database_url.unwrap_or_else(|| default_url.to_owned());
    let store = super::open(&url).await?;
    let options = leptos::config::get_configuration(None)
        .context("failed to read the Leptos configuration")?
        .leptos_options;
    let addr = args.bind.unwrap_or(options.site_addr);

    if args.demo {
        let accounts = crate::demo::load(&store).await.context("failed to load the demo dataset")?;
        println!("\nDemo dataset loaded into {}. Demo accounts (username / password):", crate::config::redact_url(&url));
        for a in accounts {
            println!("  {:<10} {:<26} {}", a.username, a.password, a.role.label());
        }
    } else {
        bootstrap_admin(&store, addr).await?;
    }

    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("failed to listen on {addr}"))?;
    println!("\nabusedesk is running at http://{addr} ({}). Stop it with Ctrl-C.\n", store.backend_name());
    let settings = settings(&args, max_message_bytes)?;
    // Several `serve` processes may share one PostgreSQL database: each claims the rows it delivers under
    // a token of its own, so no notification or event goes out twice.
    let node = node_token(addr);
    let every = std::time::Duration::from_secs(args.delivery_interval_seconds);
    if let Some(relay) = settings.smtp_relay.clone() {
        println!("Notifications go to the SMTP relay {}:{}.", relay.host, relay.port);
        tokio::spawn(crate::notify::delivery::run(store.clone(), relay, node.clone(), every));
    }
    if let Some(hook) = settings.webhook.clone() {
        println!("Sanction events go to the webhook {}.", hook.url);
        tokio::spawn(crate::provisioning::delivery::run(store.clone(), hook, node, every));
    }
    tokio::spawn(keep_counters_healed(store.clone(), every));
    if let Some(lmtp) = &args.lmtp {
        let endpoint = crate::intake::lmtp::Endpoint::parse(lmtp, args.lmtp_allow_remote).map_err(anyhow::Error::msg)?;
        let limits = crate::intake::lmtp::Limits::new(&hostname(), max_message_bytes);
        let bound = crate::intake::lmtp::start(store.clone(), &endpoint, limits)
            .await
            .with_context(|| format!("failed to listen for LMTP on {lmtp}"))?;
        println!("Mail is accepted over LMTP on {bound}.");
    }
    super::collect::start(&store, &args.imap, &args.imap_options, max_message_bytes, &node_token(addr))?;
    let state = AppState { leptos_options: options, store: store.clone(), settings: Arc::new(settings) };
    let result = server::serve(listener, state, shutdown_signal()).await;
    store.close().await;
    result
}

fn settings(args: &ServeArgs, max_message_bytes: usize) -> anyhow::Result<ServerSettings> {
    let smtp_relay = match &args.smtp_relay {
        Some(relay) => Some(crate::notify::delivery::Relay::parse(relay, &args.mail_from).map_err(anyhow::Error::msg)?),
        None => None,
    };
    Ok(ServerSettings {
        secure_cookies: args.secure_cookies,
        trusted_origins: args.trusted_origins.iter().map(|o| o.trim_end_matches('/').to_owned()).collect(),
        trust_proxy: args.trust_proxy,
        session_idle: time::Duration::minutes(i64::from(args.session_idle_minutes.max(1))),
        session_secret: args.session_secret.clone(),
        demo: args.demo,
        max_message_bytes,
        appeal_days: args.appeal_days,
        smtp_relay,
        webhook: match (&args.webhook_url, &args.webhook_secret) {
            (Some(url), Some(secret)) => Some(crate::provisioning::delivery::Webhook { url: url.clone(), secret: secret.clone() }),
            _ => None,
        },
        ..ServerSettings::default()
    })
}

/// Case trends refreshed per round of [`keep_counters_healed`]: about a millisecond each.
const TRENDS_PER_ROUND: i64 = 5_000;

/// Settles, at start and then every `every`, what an interrupted process (this one before a crash, an MTA
/// pipe killed mid-delivery, another node) left half-settled: see `intake::heal`; and refreshes lapsed case
/// trends.
async fn keep_counters_healed(store: Store, every: std::time::Duration) {
    loop {
        super::intake::heal(&store, crate::intake::heal::Budget::ALL).await;
        // Trends whose window moved on are judged from the reports until refreshed (store::trends): keep
        // that set small, so the rising filter reads its index.
        if let Err(e) = store.refresh_lapsed_trends(crate::store::now(), TRENDS_PER_ROUND).await {
            tracing::warn!(error = %e, "failed to refresh lapsed case trends");
        }
        tokio::time::sleep(every).await;
    }
}

/// This machine's name for the LMTP greeting (the kernel's, else "abusedesk").
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "abusedesk".to_owned())
}

/// A token naming this process among the nodes that deliver from one database: its address, process id
/// and a random part (a restarted process with the same pid is another node).
fn node_token(addr: std::net::SocketAddr) -> String {
    format!("{addr}/{}/{:016x}", std::process::id(), rand::random::<u64>())
}

/// On a database without accounts, creates `admin` with a one-time password and prints it once.
async fn bootstrap_admin(store: &Store, addr: std::net::SocketAddr) -> anyhow::Result<()> {
    if store.count_users().await? > 0 {
        return Ok(());
    }
    match accounts::create_account(store, &crate::audit::Actor::system("abusedesk"), "admin", "Administrator", Role::Admin).await {
        Ok(issued) => {
            println!(
                "\nNo accounts yet, so one administrator was created:\n\n    username: admin\n    one-time password: {}\n\n\
                 Sign in at http://{addr}/login and choose your own password. This password is shown only now.",
                issued.one_time_password
            );
            Ok(())
        }
        // Another process created it at the same moment: nothing to do.
        Err(AccountError::UsernameTaken(_)) => Ok(()),
        Err(e) => Err(e).context("failed to create the first administrator"),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

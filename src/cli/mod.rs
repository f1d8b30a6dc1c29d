//! The `abusedesk` command: `serve` (default), `migrate`, `user …`, `parse`, `profiles`, `unrecognised`, `ingest`, `import`, `reparse`,
//! `customers`, `assignments`, `address-space`, `attribute`, `reattribute`, `recount`, `volumes`, `threshold`. Errors are printed with their causes
//! and end the process with a non-zero status.

mod attribution;
mod cases;
mod collect;
mod intake;
mod parse;
mod profiles;
mod serve;
mod user;

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use crate::config::{Cli, Command, ServeArgs, DEFAULT_DATABASE_URL};
use crate::store::Store;

/// Runs the command line.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    // Before anything parses: every command (serve, ingest, reparse, parse) reads with the same profiles.
    if let Err(e) = profiles::install(cli.profiles.as_deref()) {
        eprintln!("error: {e:#}");
        return ExitCode::FAILURE;
    }
    // At least four workers even on small machines: a page render that waits on a lock held by a task
    // that cannot be scheduled because every worker is busy is a known way for Leptos' streamed responses
    // to stall (leptos-rs/leptos#4647); spare workers keep that from happening on one or two cores.
    let workers = std::thread::available_parallelism().map_or(4, |n| n.get().max(4));
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let url = cli.database_url.clone().unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    let url = url.as_str();
    let max_bytes = cli.max_message_bytes;
    let done = match cli.command {
        None => serve::run(cli.database_url, ServeArgs::parse_from_env(), max_bytes).await,
        Some(Command::Serve(args)) => serve::run(cli.database_url, args, max_bytes).await,
        // The one command with its own exit statuses (sysexits), which the MTA acts on.
        Some(Command::Ingest { recipient }) => {
            return Ok(intake::ingest(url, recipient.as_deref(), max_bytes).await)
        }
        Some(Command::Parse { files, json }) => parse::run(&files, json),
        Some(Command::Profiles(cmd)) => profiles::run(cmd),
        Some(Command::Unrecognised { limit }) => {
            with_store(url, |store| async move { parse::unrecognised(&store, limit).await }).await
        }
        Some(Command::Migrate) => {
            let store = open(url).await?;
            println!("database is at schema version {}", store.schema_version().await?);
            store.close().await;
            Ok(())
        }
        Some(Command::User(cmd)) => {
            let store = open(url).await?;
            let result = user::run(&store, cmd).await;
            store.close().await;
            result
        }
        Some(Command::Import { paths, recipient }) => {
            let store = open(url).await?;
            let result = intake::import(&store, &paths, recipient.as_deref(), max_bytes).await;
            store.close().await;
            result
        }
        Some(Command::Customers(cmd)) => {
            with_store(url, |store| async move { attribution::import(&store, cmd, true).await }).await
        }
        Some(Command::Assignments(cmd)) => {
            with_store(url, |store| async move { attribution::import(&store, cmd, false).await }).await
        }
        Some(Command::AddressSpace(cmd)) => {
            with_store(url, |store| async move { attribution::address_space(&store, cmd).await }).await
        }
        Some(Command::Attribute { ip, port, at, json }) => {
            with_store(url, |store| async move { attribution::attribute(&store, ip, port, at, json).await }).await
        }
        Some(Command::Reattribute) => {
            with_store(url, |store| async move {
                let changed = crate::attribution::attribute::reattribute_all(&store, "re-run by an operator").await?;
                println!("{changed} report(s) attributed anew");
                Ok(())
            })
            .await
        }
        Some(Command::Audit(cmd)) => {
            let store = open(url).await?;
            let result = cases::audit(&store, cmd).await;
            store.close().await;
            return result;
        }
        Some(Command::Recount) => with_store(url, |store| async move { cases::recount(&store).await }).await,
        Some(Command::Checklist(cmd)) => with_store(url, |store| async move { cases::checklist(&store, cmd).await }).await,
        Some(Command::Volumes { file }) => with_store(url, |store| async move { cases::volumes(&store, &file).await }).await,
        Some(Command::Threshold { report_type, warn, block }) => {
            with_store(url, |store| async move { cases::threshold(&store, &report_type, warn, block).await }).await
        }
        Some(Command::Collect { url: imap_url, watch, accept_uidvalidity, imap }) => {
            with_store(url, |store| async move {
                collect::run(&store, &imap_url, watch, accept_uidvalidity, &imap, max_bytes).await
            })
            .await
        }
        Some(Command::Reparse { pending }) => {
            let store = open(url).await?;
            let result = intake::reparse(&store, pending).await;
            store.close().await;
            result
        }
    };
    done.map(|()| ExitCode::SUCCESS)
}

/// Connects and brings the schema up to date.
/// Opens the database, runs `f` on it and closes it again, whatever `f` returned.
async fn with_store<F, Fut>(url: &str, f: F) -> anyhow::Result<()>
where
    F: FnOnce(Store) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let store = open(url).await?;
    let result = f(store.clone()).await;
    store.close().await;
    result
}

pub(crate) async fn open(url: &str) -> anyhow::Result<Store> {
    let shown = crate::config::redact_url(url);
    let store = Store::connect(url).await.with_context(|| format!("failed to open the database {shown}"))?;
    store.migrate().await.with_context(|| format!("failed to migrate the database {shown}"))?;
    Ok(store)
}

impl ServeArgs {
    /// `serve`'s settings when no subcommand was given (flags of `serve` then come only from the environment).
    fn parse_from_env() -> ServeArgs {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            args: ServeArgs,
        }
        Only::parse_from(["abusedesk"]).args
    }
}

/// Logs go to standard error (standard output is for command results). `RUST_LOG` filters;
/// `ABUSEDESK_LOG_FORMAT=json` switches to one JSON object per line for log collectors.
fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let result = if std::env::var("ABUSEDESK_LOG_FORMAT").is_ok_and(|v| v == "json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    if let Err(e) = result {
        eprintln!("warning: logging not initialised: {e}");
    }
}

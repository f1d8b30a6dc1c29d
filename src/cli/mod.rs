//! The `abusedesk` command: `serve` (default), `migrate`, `user …`, `parse`. Errors are printed with their causes
//! and end the process with a non-zero status.

mod parse;
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
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        None => serve::run(cli.database_url, ServeArgs::parse_from_env()).await,
        Some(Command::Serve(args)) => serve::run(cli.database_url, args).await,
        Some(Command::Migrate) => {
            let store = open(cli.database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL)).await?;
            println!("database is at schema version {}", store.schema_version().await?);
            store.close().await;
            Ok(())
        }
        Some(Command::Parse { files, json }) => parse::run(&files, json),
        Some(Command::User(cmd)) => {
            let store = open(cli.database_url.as_deref().unwrap_or(DEFAULT_DATABASE_URL)).await?;
            let result = user::run(&store, cmd).await;
            store.close().await;
            result
        }
    }
}

/// Connects and brings the schema up to date.
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

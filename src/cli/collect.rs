//! `abusedesk collect URL` (one pass, or `--watch`) and the IMAP collectors that `serve --imap` starts.

use std::time::Duration;

use anyhow::Context;

use crate::config::ImapArgs;
use crate::intake::imap::{self, watch, CollectError, Done, Settings, Target};
use crate::store::{Store, StoreError};

/// The collector's settings from the command line.
fn settings(args: &ImapArgs, max_message_bytes: usize) -> anyhow::Result<Settings> {
    let extra_roots = match &args.imap_ca_file {
        Some(path) => imap::connect::read_ca_file(path).map_err(anyhow::Error::msg)?,
        None => Vec::new(),
    };
    Ok(Settings {
        max_per_pass: usize::try_from(args.imap_max_per_pass).unwrap_or(500),
        done: args.imap_done_folder.clone().map_or(Done::Seen, Done::Move),
        network_timeout: Duration::from_secs(args.imap_timeout_seconds),
        poll: Duration::from_secs(args.imap_poll_seconds),
        lease: Duration::from_secs(args.imap_lease_seconds),
        extra_roots,
        ..Settings::new(max_message_bytes)
    })
}

fn target(url: &str, args: &ImapArgs) -> anyhow::Result<Target> {
    Target::parse(url, args.imap_allow_remote_plaintext).map_err(anyhow::Error::msg)
}

/// A token naming this process among the collectors of one database.
fn token() -> String {
    format!("collect/{}/{:016x}", std::process::id(), rand::random::<u64>())
}

/// `abusedesk collect`.
pub(super) async fn run(
    store: &Store,
    url: &str,
    keep_watching: bool,
    accept_uidvalidity: bool,
    args: &ImapArgs,
    max_message_bytes: usize,
) -> anyhow::Result<()> {
    let target = target(url, args)?;
    let key = target.key();
    if accept_uidvalidity {
        match store.accept_imap_uid_validity(&key).await {
            Ok(()) => println!("{key}: the new UIDVALIDITY is accepted; messages not yet marked done are collected again"),
            Err(StoreError::NotFound) => anyhow::bail!("{key}: no changed UIDVALIDITY is recorded, nothing to accept"),
            Err(e) => return Err(e.into()),
        }
    }
    let password = imap::password(args.imap_password_file.as_deref()).map_err(anyhow::Error::msg)?;
    let settings = settings(args, max_message_bytes)?;
    let token = token();
    if keep_watching {
        watch::forever(store.clone(), target, password, settings, token).await;
        return Ok(());
    }
    let result = watch::once(store, &target, &password, &settings, &token).await;
    if let Err(e) = store.release_imap_mailbox(&key, &token).await {
        tracing::warn!(error = %e, "could not release the claim on the mailbox; it expires by itself");
    }
    match result {
        Ok(r) if r.busy => println!("{key}: another process is collecting this mailbox; nothing done"),
        Ok(r) => println!(
            "{key}: {} stored, {} copies of stored messages, {} marked done from an interrupted run, {} left in the \
             mailbox (over the size limit or empty){}",
            r.stored,
            r.copies,
            r.finished,
            r.refused,
            if r.more { "; more are waiting" } else { "" }
        ),
        Err(CollectError::Stopped(problem)) => anyhow::bail!("{problem}"),
        Err(e) => return Err(e).with_context(|| format!("collecting {key} failed")),
    }
    Ok(())
}

/// Starts one collector per URL of `serve --imap`, as the node `node`.
pub(crate) fn start(store: &Store, urls: &[String], args: &ImapArgs, max_message_bytes: usize, node: &str) -> anyhow::Result<()> {
    if urls.is_empty() {
        return Ok(());
    }
    let password = imap::password(args.imap_password_file.as_deref()).map_err(anyhow::Error::msg)?;
    let settings = settings(args, max_message_bytes)?;
    for url in urls {
        let target = target(url, args)?;
        println!("Collecting the IMAP mailbox {}.", target.key());
        let settings = settings.clone();
        tokio::spawn(watch::forever(store.clone(), target, password.clone(), settings, node.to_owned()));
    }
    Ok(())
}

//! `abusedesk ingest` (one message on standard input, for MTA pipes), `abusedesk import PATH…` (bulk) and
//! `abusedesk reparse`.
//!
//! `ingest` follows sysexits(3), which Postfix, Exim and procmail understand: 0 once the message is durably
//! stored (parsed or not), 65 (EX_DATAERR) when it is refused for good (empty, over the size limit), 75
//! (EX_TEMPFAIL) when it could not be stored, so the MTA keeps it and retries. It never exits 0 for a
//! message that was not stored.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::intake::bulk::Bulk;
use crate::intake::heal::{Budget, Healed};
use crate::intake::{self, sources, IntakeError};
use crate::store::{Channel, ParseStatus, Store};

const EX_DATAERR: u8 = 65;
const EX_TEMPFAIL: u8 = 75;

/// Settles what an interrupted run left, within `budget`. A failure here never stops this run: what is
/// not settled stays listed for the next.
pub(super) async fn heal(store: &Store, budget: Budget) {
    match intake::heal::heal(store, budget).await {
        Ok(healed) if healed != Healed::default() => {
            tracing::info!(
                parsed = healed.parsed,
                placed = healed.messages,
                cases = healed.cases,
                "settled what an interrupted run left"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "could not settle what an interrupted run left; the next run will"),
    }
}

/// Reads one message from standard input and stores it.
pub(super) async fn ingest(database_url: &str, recipient: Option<&str>, max_bytes: usize) -> ExitCode {
    let mut raw = Vec::new();
    // One byte over the limit is enough to know the message is too large without reading all of it.
    let limit = u64::try_from(max_bytes).unwrap_or(u64::MAX).saturating_add(1);
    if let Err(e) = std::io::stdin().lock().take(limit).read_to_end(&mut raw) {
        eprintln!("abusedesk ingest: cannot read the message: {e}");
        return ExitCode::from(EX_TEMPFAIL);
    }
    let store = match super::open(database_url).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("abusedesk ingest: message not stored, try again later: {e:#}");
            return ExitCode::from(EX_TEMPFAIL);
        }
    };
    let result = intake::receive(&store, &raw, Channel::Mta, recipient, max_bytes).await;
    // After this delivery is answered for: a slice of what an interrupted run left (see intake::heal).
    if result.is_ok() {
        heal(&store, Budget::SLICE).await;
    }
    store.close().await;
    match result {
        Ok(receipt) => {
            tracing::info!(
                message.id = receipt.inbound_message_id,
                copy = receipt.copy,
                status = receipt.status.as_str(),
                reports = receipt.reports,
                "message received"
            );
            ExitCode::SUCCESS
        }
        Err(e @ (IntakeError::Empty | IntakeError::TooLarge { .. })) => {
            tracing::warn!(error = %e, "message refused");
            eprintln!("abusedesk ingest: message refused: {e}");
            ExitCode::from(EX_DATAERR)
        }
        Err(e) => {
            tracing::error!(error = %e, "message not stored");
            eprintln!("abusedesk ingest: message not stored, try again later: {e}");
            ExitCode::from(EX_TEMPFAIL)
        }
    }
}

/// Imports every message under `paths`, with a progress bar and a summary. Fails (non-zero exit) when any
/// message could not be read or stored; unrecognised messages are stored and are not failures.
pub(super) async fn import(
    store: &Store,
    paths: &[PathBuf],
    recipient: Option<&str>,
    max_bytes: usize,
) -> anyhow::Result<()> {
    heal(store, Budget::ALL).await;
    let files = sources::expand(paths);
    let bar = ProgressBar::new(files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut summary = ImportSummary::default();
    let mut batch = Batch::default();
    let mut bulk = Bulk::new(store, Channel::Import, max_bytes);
    for (path, error) in files {
        bar.inc(1);
        if let Some(error) = error {
            summary.failures.push(format!("{}: {error}", path.display()));
            continue;
        }
        for found in sources::read_file(&path) {
            summary.messages += 1;
            match found.bytes {
                Ok(bytes) => batch.push(found.origin, bytes),
                Err(e) => summary.failures.push(format!("{}: {e}", found.origin)),
            }
            if batch.full() {
                batch.receive(&mut bulk, recipient, &mut summary).await;
                bar.set_message(format!("{} reports", summary.reports));
            }
        }
    }
    batch.receive(&mut bulk, recipient, &mut summary).await;
    bar.set_message("recounting cases");
    bulk.finish().await;
    bar.finish_and_clear();
    summary.print();
    if summary.failures.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{} message(s) could not be imported", summary.failures.len())
    }
}

/// Messages read and not yet stored. Stored together, they share one transaction for their arrivals, one
/// for their reports, and one placement into cases: per message, that is what makes bulk import fast.
#[derive(Default)]
struct Batch {
    origins: Vec<String>,
    messages: Vec<Vec<u8>>,
    bytes: usize,
}

impl Batch {
    /// At most this many bytes are held before they are stored (and [`intake::BATCH_MESSAGES`] messages).
    const BYTES: usize = 64 * 1024 * 1024;

    fn push(&mut self, origin: String, bytes: Vec<u8>) {
        self.bytes += bytes.len();
        self.origins.push(origin);
        self.messages.push(bytes);
    }

    fn full(&self) -> bool {
        self.messages.len() >= intake::BATCH_MESSAGES || self.bytes >= Self::BYTES
    }

    /// Stores and parses the held messages, counting each in `summary`.
    async fn receive(&mut self, bulk: &mut Bulk<'_>, recipient: Option<&str>, summary: &mut ImportSummary) {
        let origins = std::mem::take(&mut self.origins);
        let messages = std::mem::take(&mut self.messages);
        self.bytes = 0;
        let incoming: Vec<intake::Incoming> = messages.iter().map(|raw| intake::Incoming { raw, recipient }).collect();
        match bulk.receive(&incoming).await {
            Ok(receipts) => {
                for (origin, receipt) in origins.iter().zip(receipts) {
                    match receipt {
                        Ok(receipt) => summary.count(origin, &receipt),
                        Err(e) => summary.failures.push(format!("{origin}: {e}")),
                    }
                }
            }
            Err(e) => {
                let e = IntakeError::Store(e);
                summary.failures.extend(origins.iter().map(|origin| format!("{origin}: {e}")));
            }
        }
    }
}

#[derive(Default)]
struct ImportSummary {
    messages: usize,
    stored: usize,
    copies: usize,
    reports: usize,
    unrecognised: Vec<String>,
    failures: Vec<String>,
}

impl ImportSummary {
    fn count(&mut self, origin: &str, receipt: &intake::Receipt) {
        if receipt.copy {
            self.copies += 1;
        } else {
            self.stored += 1;
        }
        self.reports += receipt.reports;
        if matches!(receipt.status, ParseStatus::Unrecognised | ParseStatus::Failed) {
            let why = receipt.detail.as_deref().unwrap_or("not recognised");
            self.unrecognised.push(format!("{origin}: {why}"));
        }
    }

    fn print(&self) {
        println!(
            "{} messages read: {} stored, {} copies of messages already stored, {} failed; {} reports",
            self.messages,
            self.stored,
            self.copies,
            self.failures.len(),
            self.reports
        );
        if !self.unrecognised.is_empty() {
            println!(
                "\nStored but not recognised ({}), kept for a person or a better parser:",
                self.unrecognised.len()
            );
            for line in &self.unrecognised {
                println!("  {line}");
            }
        }
        if !self.failures.is_empty() {
            println!("\nFailed ({}):", self.failures.len());
            for line in &self.failures {
                println!("  {line}");
            }
        }
    }
}

/// Parses stored messages again, oldest first, in batches.
pub(super) async fn reparse(store: &Store, pending_only: bool) -> anyhow::Result<()> {
    heal(store, Budget::ALL).await;
    let (mut after, mut messages, mut reports, mut failed) = (0_i64, 0_usize, 0_usize, 0_usize);
    loop {
        let ids = store.list_message_ids(after, pending_only, 500).await.context("failed to list messages")?;
        let Some(&last) = ids.last() else { break };
        after = last;
        let parsed =
            intake::reparse(store, &ids).await.with_context(|| format!("failed to reparse messages up to {last}"))?;
        for summary in parsed.values() {
            messages += 1;
            reports += summary.reports;
            failed += usize::from(summary.status != ParseStatus::Parsed);
        }
    }
    println!("{messages} messages parsed again: {reports} reports; {failed} not recognised or unreadable");
    Ok(())
}

//! The IMAP collector: `abusedesk collect imap://user@host/MAILBOX` (one pass, or `--watch`) and
//! `serve --imap URL` fetch the messages of an abuse mailbox into the desk, on the channel `imap`.
//!
//! Never lose, never duplicate: a message is stored verbatim (the same intake path as every channel), and
//! the mailbox's cursor (UIDVALIDITY and the highest UID stored) moves in that same transaction; only after
//! the commit is the message marked done on the server (`\Seen`, or moved to `--imap-done-folder`). A
//! collector killed in between finds on its next pass that those UIDs are stored and only marks them. A
//! changed UIDVALIDITY stops collecting that mailbox, loudly (log, the mailbox's `problem`, shown on the
//! admin page) until staff run `abusedesk collect URL --accept-uidvalidity`; then only the messages not yet
//! marked done are taken (and identical bytes are a copy of the stored message, never a second one).
//!
//! Budgets: a message whose RFC822.SIZE is over the size limit is never fetched; it stays in the mailbox,
//! unmarked, with a logged reason, and the cursor moves past it. Bodies are fetched as `BODY.PEEK[]<0.N>`
//! with N one byte over the limit, so a server that understated a size still sends no more than that. At
//! most `max_per_pass` messages per pass, every network step under a time limit, IDLE when the server
//! offers it, else polling.
//!
//! [`target`] parses the URL, [`connect`] reaches and logs in, [`pass`] is one collecting pass, [`watch`]
//! keeps collecting.
//!
//! Test hook: with `ABUSEDESK_TEST_IMAP_PAUSE_AFTER_COMMIT=SECONDS` in its environment, the collector
//! sleeps that long after each commit and before marking the messages done, so a test can kill it there.

pub mod connect;
pub mod pass;
pub mod target;
pub mod watch;

use std::time::Duration;

use crate::store::StoreError;

pub use target::Target;

/// What marks a stored message done on the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Done {
    /// Flag it `\Seen` (the default: nothing moves, a person still sees every report in the mailbox).
    Seen,
    /// Move it to this folder (UID MOVE, RFC 6851).
    Move(String),
}

/// How one mailbox is collected.
#[derive(Clone, Debug)]
pub struct Settings {
    pub max_message_bytes: usize,
    pub max_per_pass: usize,
    pub done: Done,
    /// The limit on each network step (connect, a command and its answer).
    pub network_timeout: Duration,
    /// How long a claim on the mailbox lasts; renewed by every pass and batch.
    pub lease: Duration,
    /// Between passes without IDLE; and the longest one IDLE lasts (kept under half the lease).
    pub poll: Duration,
    /// Certificates trusted for TLS besides the public roots (`--imap-ca-file`: a private CA, or a server's
    /// own self-signed certificate), read once at start by [`connect::read_ca_file`].
    pub extra_roots: Vec<connect::Certificate>,
}

impl Settings {
    /// The defaults: `max_message_bytes` as given, 500 messages a pass, done = `\Seen`, 60 s per network
    /// step, a 5-minute lease, a pass every 60 s without IDLE, only the public roots trusted.
    pub fn new(max_message_bytes: usize) -> Settings {
        Settings {
            max_message_bytes,
            max_per_pass: 500,
            done: Done::Seen,
            network_timeout: Duration::from_secs(60),
            lease: Duration::from_secs(300),
            poll: Duration::from_secs(60),
            extra_roots: Vec::new(),
        }
    }
}

/// Why a pass did not finish.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// The server could not be reached, refused, or did not answer in time: try again later.
    #[error("{0}")]
    Network(String),
    /// The database failed: nothing of the failed batch was stored or marked.
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// Collecting this mailbox is stopped until staff act (a changed UIDVALIDITY).
    #[error("{0}")]
    Stopped(String),
}

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PassReport {
    /// Another node holds the mailbox: this pass did nothing.
    pub busy: bool,
    /// Messages stored now (new content).
    pub stored: usize,
    /// Messages whose bytes were stored before (counted as another arrival).
    pub copies: usize,
    /// Messages stored by an earlier, interrupted pass and only marked done now.
    pub finished: usize,
    /// Messages left in the mailbox unmarked: over the size limit, or empty.
    pub refused: usize,
    /// More new messages wait than one pass takes.
    pub more: bool,
}

/// The password for `--imap`/`collect`: the file's first line, else `ABUSEDESK_IMAP_PASSWORD`.
///
/// # Errors
/// Neither is given, or the file cannot be read.
pub fn password(file: Option<&std::path::Path>) -> Result<String, String> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        return Ok(text.lines().next().unwrap_or("").to_owned());
    }
    std::env::var("ABUSEDESK_IMAP_PASSWORD")
        .map_err(|_| "no IMAP password: give --imap-password-file or set ABUSEDESK_IMAP_PASSWORD".to_owned())
}

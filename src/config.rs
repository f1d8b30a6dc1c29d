//! Command line and environment: every setting has a flag and an environment variable, documented in the
//! README. Leptos' own settings (`LEPTOS_SITE_ADDR`, `LEPTOS_SITE_ROOT`, …) stay with Leptos.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

use crate::domain::role::Role;

/// The default database when none is configured: a SQLite file beside the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/abusedesk.db";
/// The default database of `serve --demo`, kept apart so demo data never mixes with real data.
pub const DEMO_DATABASE_URL: &str = "sqlite://data/demo.db";

/// abusedesk: an ISP-side abuse desk.
#[derive(Debug, Parser)]
#[command(name = "abusedesk", version, about)]
pub struct Cli {
    /// Database: a SQLite URL or path (default sqlite://data/abusedesk.db) or postgres://user@host/db.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Largest message accepted, in bytes; larger ones are refused (EX_DATAERR / HTTP 413) and logged.
    #[arg(long, env = "ABUSEDESK_MAX_MESSAGE_BYTES", global = true, default_value_t = crate::intake::DEFAULT_MAX_MESSAGE_BYTES)]
    pub max_message_bytes: usize,
    /// Directory of the desk's own reporter profiles (*.toml): added to the embedded ones; a profile of the
    /// same name overrides the embedded one. A bad profile stops the command with its file and field.
    #[arg(long, env = "ABUSEDESK_PROFILES", global = true)]
    pub profiles: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do; `serve` when none is given.
// Parsed once at start-up and never moved around: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web application (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Parse report messages and print what they say, storing nothing.
    Parse {
        /// Raw messages (.eml files).
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// One JSON object per file and line, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Reporter profiles: list them, or show which one reads a message and what it finds.
    #[command(subcommand)]
    Profiles(ProfilesCommand),
    /// Group the not-recognised messages by sender domain and Subject shape, most frequent first: which
    /// reporter to teach the desk next (the Intake page shows the same table).
    Unrecognised {
        /// How many groups to print, largest first.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Store one message read from standard input, then parse it (for MTA pipes). Exit status: 0 stored,
    /// 65 refused (empty or too large), 75 not stored (try again later).
    Ingest {
        /// The envelope recipient the message was delivered to (abuse@…, postmaster@…).
        #[arg(long)]
        recipient: Option<String>,
    },
    /// Store and parse messages from .eml files, directories, Maildir folders and mbox files.
    Import {
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
        /// The envelope recipient to record for every imported message.
        #[arg(long)]
        recipient: Option<String>,
    },
    /// Collect the messages of an IMAP mailbox: imap://user@host[:port]/MAILBOX (TLS, port 993), or
    /// imap+insecure://… (plain text, loopback only unless --imap-allow-remote-plaintext). One pass (all
    /// waiting messages, in passes of --imap-max-per-pass) unless --watch.
    Collect {
        url: String,
        /// Keep collecting (IDLE when the server offers it, else every --imap-poll-seconds).
        #[arg(long)]
        watch: bool,
        /// Accept the mailbox's changed UIDVALIDITY and collect again what is not yet marked done.
        #[arg(long)]
        accept_uidvalidity: bool,
        #[command(flatten)]
        imap: ImapArgs,
    },
    /// Parse stored messages again (after a parser improvement) and replace their reports.
    Reparse {
        /// Only messages whose parsing never finished.
        #[arg(long)]
        pending: bool,
    },
    /// Import customers from a CSV file (account_ref,name,emails,status,notes).
    #[command(subcommand)]
    Customers(HoldingsCommand),
    /// Import address assignments: CSV (account_ref,kind,network,port_from,port_to,valid_from,valid_to)
    /// or a RADIUS accounting detail file.
    #[command(subcommand)]
    Assignments(HoldingsCommand),
    /// The ISP's own address space: reports about addresses outside it are marked as such.
    #[command(subcommand)]
    AddressSpace(AddressSpaceCommand),
    /// The hash-chained audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The investigation checklist: list, add or change, remove items.
    #[command(subcommand)]
    Checklist(ChecklistCommand),
    /// Print who held an address (and port) at a moment, or the candidates and why nobody can be named.
    Attribute {
        ip: std::net::IpAddr,
        /// The source port, for addresses shared by CGNAT.
        #[arg(long)]
        port: Option<u16>,
        /// The moment, RFC 3339 (e.g. 2026-11-24T10:15:00Z).
        #[arg(long)]
        at: chrono::DateTime<chrono::FixedOffset>,
        /// One JSON object, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Attribute every report again with the current assignments, recording each change.
    Reattribute,
    /// Put every report not yet in a case into its case, then recount every case from its reports.
    Recount,
    /// Import sending volumes (Microsoft SNDS export, or a mail-log CSV `ip,day,messages`).
    Volumes {
        /// The CSV file.
        file: std::path::PathBuf,
    },
    /// Set the complaint rate (per 1,000 messages) at which cases of a report type are flagged.
    Threshold {
        /// The report type (spam, phishing, …).
        report_type: String,
        /// Warn at this rate (1.0 = 0.1 %).
        #[arg(long)]
        warn: f64,
        /// The block line (3.0 = 0.3 %).
        #[arg(long)]
        block: f64,
    },
}

/// `abusedesk profiles …`
#[derive(Debug, Subcommand)]
pub enum ProfilesCommand {
    /// Print every profile in the order they are tried: name, source (embedded or dir), what it matches.
    List,
    /// For each message: the profiles that match it, what each finds, and what the desk makes of it.
    Test {
        /// Raw messages (.eml files).
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
}

/// `abusedesk checklist …`
#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// Print the items in order, with their codes and whether they are required.
    List,
    /// Add an item or change one: its label, whether a complete investigation must answer it, its place.
    Set {
        /// Stable name stored with each answer (e.g. trap_hits_checked).
        code: String,
        /// The question as analysts read it.
        label: String,
        /// Not needed for a complete investigation.
        #[arg(long)]
        optional: bool,
        /// Place in the list (lower first) [default: after the last item].
        #[arg(long)]
        position: Option<i64>,
    },
    /// Remove an item; answers already given to it stay in their investigations.
    Remove { code: String },
}

/// `abusedesk customers …` and `abusedesk assignments …`
#[derive(Debug, Subcommand)]
pub enum HoldingsCommand {
    /// Import a file. The same file twice changes nothing; row errors are listed with their line numbers.
    Import {
        file: std::path::PathBuf,
        /// Check the file and count what would change, without changing anything.
        #[arg(long)]
        dry_run: bool,
        /// The file is a FreeRADIUS accounting detail file (assignments only) [default: by name: `detail*`].
        #[arg(long)]
        radius: bool,
    },
}

/// `abusedesk address-space …`
#[derive(Debug, Subcommand)]
pub enum AddressSpaceCommand {
    /// Add a block (CIDR) to the ISP's own address space.
    Add {
        network: ipnet::IpNet,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// List the blocks.
    List,
}

/// `abusedesk audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the whole chain; names the first broken entry and exits non-zero if there is one.
    Verify,
    /// Print the log, oldest first, as CSV (default) or JSON lines.
    Export {
        #[arg(long)]
        json: bool,
    },
}

/// Settings of the web server.
#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: LEPTOS_SITE_ADDR, else 127.0.0.1:3000].
    #[arg(long, env = "ABUSEDESK_BIND")]
    pub bind: Option<SocketAddr>,
    /// Load the demo dataset (into data/demo.db unless DATABASE_URL is set) and print the demo accounts.
    #[arg(long)]
    pub demo: bool,
    /// Secret the session cookies are signed with [default: a random key kept in the database].
    #[arg(long, env = "ABUSEDESK_SESSION_SECRET", hide_env_values = true)]
    pub session_secret: Option<String>,
    /// Mark cookies Secure: set this when the desk is served over https.
    #[arg(long, env = "ABUSEDESK_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Extra origins allowed to send forms, e.g. https://abuse.example.net (comma-separated).
    #[arg(long = "trusted-origin", env = "ABUSEDESK_TRUSTED_ORIGINS", value_delimiter = ',')]
    pub trusted_origins: Vec<String>,
    /// Take the client address from X-Forwarded-For (only behind your own reverse proxy).
    #[arg(long, env = "ABUSEDESK_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Minutes without a request after which a session ends.
    #[arg(long, env = "ABUSEDESK_SESSION_IDLE_MINUTES", default_value_t = 480)]
    pub session_idle_minutes: u32,
    /// Days a customer may appeal a restriction, suspension or termination.
    #[arg(long, env = "ABUSEDESK_APPEAL_DAYS", default_value_t = crate::domain::dispute::DEFAULT_APPEAL_DAYS)]
    pub appeal_days: i64,
    /// SMTP relay for notifications to customers, host[:port] (plain SMTP to a relay you run, usually the
    /// local MTA). Without it notifications stay in the outbox (Admin → Notifications).
    #[arg(long, env = "ABUSEDESK_SMTP_RELAY")]
    pub smtp_relay: Option<String>,
    /// The From address of notifications.
    #[arg(long, env = "ABUSEDESK_MAIL_FROM", default_value = "Abuse desk <abuse@localhost>")]
    pub mail_from: String,
    /// URL that sanction events are POSTed to (provisioning systems); needs --webhook-secret.
    #[arg(long, env = "ABUSEDESK_WEBHOOK_URL", requires = "webhook_secret")]
    pub webhook_url: Option<String>,
    /// Shared secret the webhook's HMAC-SHA256 signature is made with.
    #[arg(long, env = "ABUSEDESK_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,
    /// Seconds between rounds of notification and webhook delivery.
    #[arg(long, env = "ABUSEDESK_DELIVERY_INTERVAL_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub delivery_interval_seconds: u64,
    /// Accept mail over LMTP (RFC 2033) from the mail server: unix:/path/to/socket or host:port (loopback
    /// only unless --lmtp-allow-remote). Off when not given.
    #[arg(long, env = "ABUSEDESK_LMTP")]
    pub lmtp: Option<String>,
    /// Let --lmtp listen on an address other than loopback (LMTP has no authentication: firewall it).
    #[arg(long, env = "ABUSEDESK_LMTP_ALLOW_REMOTE")]
    pub lmtp_allow_remote: bool,
    /// Keep collecting this IMAP mailbox (as `abusedesk collect URL --watch`); repeatable, or
    /// comma-separated in the environment. Several nodes on one database claim each mailbox in turn.
    #[arg(long = "imap", env = "ABUSEDESK_IMAP", value_delimiter = ',')]
    pub imap: Vec<String>,
    #[command(flatten)]
    pub imap_options: ImapArgs,
}

/// How the IMAP collector logs in and what it does with what it collected (`collect` and `serve --imap`).
#[derive(Clone, Debug, Args)]
pub struct ImapArgs {
    /// A file whose first line is the IMAP password (else ABUSEDESK_IMAP_PASSWORD; never on the command line).
    #[arg(long, env = "ABUSEDESK_IMAP_PASSWORD_FILE")]
    pub imap_password_file: Option<std::path::PathBuf>,
    /// Move collected messages to this folder (it must exist) instead of flagging them \Seen.
    #[arg(long, env = "ABUSEDESK_IMAP_DONE_FOLDER")]
    pub imap_done_folder: Option<String>,
    /// Messages fetched per pass at most.
    #[arg(long, env = "ABUSEDESK_IMAP_MAX_PER_PASS", default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub imap_max_per_pass: u64,
    /// Seconds between passes when the server has no IDLE (and the longest one IDLE lasts).
    #[arg(long, env = "ABUSEDESK_IMAP_POLL_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub imap_poll_seconds: u64,
    /// Seconds each network step (connect, a command and its answer) may take.
    #[arg(long, env = "ABUSEDESK_IMAP_TIMEOUT_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub imap_timeout_seconds: u64,
    /// Seconds a claim on a mailbox lasts (renewed by every pass and batch): how long a crashed collector
    /// keeps other nodes and runs away from its mailbox.
    #[arg(long, env = "ABUSEDESK_IMAP_LEASE_SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(2..=3600))]
    pub imap_lease_seconds: u64,
    /// Allow imap+insecure:// (plain text, password in clear) to a host other than this machine.
    #[arg(long, env = "ABUSEDESK_IMAP_ALLOW_REMOTE_PLAINTEXT")]
    pub imap_allow_remote_plaintext: bool,
    /// A PEM file of certificates trusted for imap:// besides the public roots: a private CA, or the
    /// server's own self-signed certificate.
    #[arg(long, env = "ABUSEDESK_IMAP_CA_FILE")]
    pub imap_ca_file: Option<std::path::PathBuf>,
}

/// `abusedesk user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account and print its one-time password.
    Add {
        username: String,
        #[arg(long, value_parser = Role::parse)]
        role: Role,
        /// Display name [default: the username].
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List accounts.
    List,
    /// Disable an account: it can no longer sign in and its sessions end.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// Give an account another role.
    SetRole {
        username: String,
        #[arg(value_parser = Role::parse)]
        role: Role,
    },
    /// Issue a new one-time password, or set the password read from standard input.
    SetPassword {
        username: String,
        /// Read the new password from the first line of standard input instead.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// The database URL with any password masked, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_database_urls_are_masked() {
        assert_eq!(redact_url("postgres://desk:s3cret@db.example/abuse"), "postgres://desk:***@db.example/abuse");
        assert_eq!(redact_url("sqlite://data/abusedesk.db"), "sqlite://data/abusedesk.db");
    }

    #[test]
    fn no_subcommand_means_serve_and_flags_parse() {
        let cli = Cli::try_parse_from(["abusedesk"]).unwrap();
        assert!(cli.command.is_none());
        let cli = Cli::try_parse_from(["abusedesk", "user", "add", "alice", "--role", "analyst"]).unwrap();
        assert!(matches!(cli.command, Some(Command::User(UserCommand::Add { role: Role::Analyst, .. }))));
        assert!(Cli::try_parse_from(["abusedesk", "user", "add", "alice", "--role", "root"]).is_err());
    }
}

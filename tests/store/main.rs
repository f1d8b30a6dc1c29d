//! Store tests: every store function, on SQLite and on PostgreSQL.
//!
//! Each test gets a fresh database: a temporary SQLite file, and a new PostgreSQL database created on the
//! server named by `TEST_POSTGRES_URL` (dropped afterwards). Without that variable the PostgreSQL half is
//! skipped with a printed reason, except under CI, where it is required.

// In tests a panic is the failure report, so unwrapping is the clearest way to say "this must work".
#![allow(clippy::unwrap_used)]

// Helpers shared with other test binaries, declared once here so each file is compiled once.
#[path = "../common/customers.rs"]
mod customers;
#[path = "../common/hostile.rs"]
mod hostile;
#[path = "../common/postgres.rs"]
mod postgres;

mod accounts;
mod attribution;
mod backends;
mod cases;
mod casework;
mod demo;
mod home;
mod imap_mailboxes;
mod message_shapes;
mod messages;
mod portal;
mod portal_privacy;
mod queue;
mod recount_journal;
mod schema;
mod settings;
mod signin;
mod signin_failures;
mod units;
mod users;
mod webhooks;

//! HTTP tests of the running application: sign-in, throttling, CSRF, role checks, sessions.

// In tests a panic is the failure report, so unwrapping is the clearest way to say "this must work".
#![allow(clippy::unwrap_used)]

mod account_audit;
mod attribution;
mod auth;
mod cases;
mod casework;
mod csrf;
mod helpers;
mod home;
mod intake;
mod portal;
mod portal_privacy;
mod provisioning;
mod reporters;
mod roles;
mod sessions;
mod smtp;
#[path = "../common/smtp_sink.rs"]
mod smtp_sink;
mod throttle;
mod unknown_queue;

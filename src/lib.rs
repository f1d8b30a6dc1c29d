//! abusedesk: an ISP-side abuse desk.
//!
//! The module tree is declared here once (never in `main.rs`, so types used as Leptos context are not
//! compiled twice). What compiles where is decided here too: `domain`, `error` and `web` build for both
//! the server and the browser; everything that touches the database, sessions or the network is `ssr`.

// In tests a panic is the failure report, so unwrapping is the clearest way to say "this must work".
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod domain;
pub mod error;
pub mod web;

#[cfg(feature = "ssr")]
pub mod attribution;
#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod cases;
#[cfg(feature = "ssr")]
pub mod casework;
#[cfg(feature = "ssr")]
pub mod cli;
#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod intake;
#[cfg(feature = "ssr")]
pub mod investigation;
#[cfg(feature = "ssr")]
pub mod notify;
#[cfg(feature = "ssr")]
pub mod parse;
#[cfg(feature = "ssr")]
pub mod portal;
#[cfg(feature = "ssr")]
pub mod provisioning;
#[cfg(feature = "ssr")]
pub mod redact;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod triage;

/// Browser entry point: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(web::app::App);
}

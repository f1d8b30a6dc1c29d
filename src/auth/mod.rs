//! Authentication and authorization: password hashing, the typed session, the signed-in user, signing
//! in and its throttling, same-origin (CSRF) checks, and the account operations shared by the web UI and CLI.

pub mod accounts;
pub mod csrf;
pub mod current_user;
pub mod ingest_token;
pub mod password;
pub mod session;
pub mod signin;
pub mod throttle;

pub use current_user::{check, require, require_signed_in, signed_in_user, CurrentUser};

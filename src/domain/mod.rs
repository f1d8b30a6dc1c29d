//! Pure domain types and rules: no I/O, no HTTP, no Leptos. Compiled for the server and the browser.

pub mod access;
pub mod attribution;
pub mod case;
pub mod casework;
pub mod checklist;
pub mod customer;
pub mod decision;
pub mod home;
pub mod dispute;
pub mod ids;
pub mod portal;
pub mod reporter_reply;
pub mod role;
pub mod user;

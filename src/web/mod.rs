//! The Leptos UI (server-rendered, hydrated in the browser). No SQL here: pages call server functions in
//! `fns`, which authorize the caller and then use the store.

pub mod app;
pub mod components;
pub mod fns;
pub mod pages;

//! Tests against the real report samples in `tests/fixtures` (see `tests/fixtures/SOURCES.csv`) and
//! hand-made messages for what the samples lack. One integration binary, one module per family.
// In tests a panic is the failure report, so unwrapping is the clearest way to say "this must work".
#![allow(clippy::unwrap_used)]

mod acns;
mod arf_rfc;
mod budget;
mod feedback_loops;
mod helpers;
mod logs;
mod own_formats;
mod profiles;
mod robustness;
mod shadowserver;
mod spamcop;
mod synthetic;
mod unknown;
mod xarf_json;
mod xarf_yaml;

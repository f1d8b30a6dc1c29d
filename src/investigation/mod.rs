//! Help for the analyst's investigation: facts read out of the evidence that the checklist asks about.
//! Pure (no database, no network); the rules that decide on an investigation live in
//! [`crate::domain::decision`].
//!
//! [`canspam`] reads the indicators of a reported original message; [`postal`] and [`received`] are the
//! heuristics it uses for the postal address and the Received chain.

pub mod canspam;
mod postal;
mod received;

pub use canspam::{indicators, indicators_at, CanSpamIndicators};

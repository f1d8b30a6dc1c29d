//! Triage: the pure rules behind the triage dashboard. Which reports are the same complaint, what a set of
//! reports adds up to, complaint rates over time and their chart, and the sending volumes rates are measured
//! against. No database, no HTTP, no Leptos here: the store and the pages call these functions.

pub mod chart;
pub mod intake_chart;
pub mod counts;
pub mod duplicates;
pub mod rates;
pub mod volume;

#[cfg(test)]
mod testkit;

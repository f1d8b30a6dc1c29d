//! Cases: reports about one customer IP and report type, grouped, counted and queued for the desk.
//!
//! [`placement`] puts each stored report into its case (linking duplicates by the triage rules) and keeps the
//! counters true, draining the recount journal. [`views`] builds what people and API clients see of cases
//! (queue rows, the case page, charts) from the store and the pure triage rules, for the staff pages, the JSON
//! API, the CSV export and the customer portal alike.

pub mod placement;
pub mod views;

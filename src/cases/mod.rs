//! Cases: reports about one customer IP and report type, grouped, counted and queued for the desk.
//!
//! [`views`] builds what people and API clients see of cases (queue rows, the case page, charts) from the
//! store and the pure triage rules, for the staff pages, the JSON API, the CSV export and the customer portal
//! alike. Placing reports into cases and keeping their counters is still intake's job (`intake::cases`).

pub mod views;

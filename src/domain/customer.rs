//! Customers as the desk shows them: the ISP's subscribers whose addresses complaints name.

use serde::{Deserialize, Serialize};

/// The statuses a customer account can have.
pub const CUSTOMER_STATUSES: [&str; 3] = ["active", "suspended", "terminated"];

/// A customer, for lists and detail pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerView {
    pub customer_id: i64,
    /// The ISP's own account id.
    pub account_ref: String,
    pub name: String,
    pub emails: Vec<String>,
    /// active, suspended or terminated.
    pub status: String,
    pub notes: String,
    /// How many address assignments the customer has (current and past).
    pub assignments: i64,
    /// How many reports are attributed to the customer.
    pub reports: i64,
}

/// Just enough of a customer to name them next to a report or an assignment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerBrief {
    pub customer_id: i64,
    pub account_ref: String,
    pub name: String,
    pub status: String,
}

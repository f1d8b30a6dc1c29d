//! Customers for tests that need one holding addresses: shared by the HTTP and the store test binaries
//! (each includes this file with `#[path]`).

use abusedesk::store::Store;

/// A customer `account_ref` (named "<ref> Ltd", contact noc@<ref>.example) holding each of `networks`
/// statically since 1990; returns its id.
pub async fn customer_holding(store: &Store, account_ref: &str, networks: &[&str]) -> i64 {
    use abusedesk::attribution::csv_import::{CustomerStatus, NewCustomer};
use abusedesk::attribution::holding::AssignmentKind;
    let now = abusedesk::store::now();
    let c = NewCustomer {
        account_ref: account_ref.into(),
        name: format!("{account_ref} Ltd"),
        emails: vec![format!("noc@{}.example", account_ref.to_lowercase())],
        status: CustomerStatus::Active,
        notes: String::new(),
    };
    store.upsert_customers(&[c], false, now).await.expect("customer");
    let id = store.customer_ids_by_ref().await.expect("customer ids")[account_ref];
    let holdings: Vec<abusedesk::store::NewHolding> = networks
        .iter()
        .map(|n| abusedesk::store::NewHolding {
            customer_id: id,
            kind: AssignmentKind::Static(n.parse().expect("network")),
            valid_from: "1990-01-01T00:00:00Z".parse().expect("time"),
            valid_to: None,
            source: "csv",
            source_ref: None,
        })
        .collect();
    store.upsert_assignments(&holdings, false, now).await.expect("holdings");
    id
}

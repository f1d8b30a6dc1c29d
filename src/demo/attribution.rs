//! Demo customers, address assignments and address space, loaded through the same imports admins use, so
//! the demo shows every kind of match: a static block, leases that changed hands, CGNAT port ranges, and
//! reports nobody can be named for (outside our space, a CGNAT address without a port, an address whose
//! assignment arrived only later and was then attributed, with the change recorded).

use chrono::{DateTime, Duration, Utc};

use super::mail::{INFECTED_IP, NEWSLETTER_IP};
use crate::attribution::imports::{self, ImportKind, ImportRequest};
use crate::store::{self, Store};

const CUSTOMERS: &str = "account_ref,name,emails,status,notes
C-1001,Bulkmail Marketing Inc,ops@bulkmail.example,active,Business line with a /29 since last year
C-1002,Newsletter Ltd,it@newsletter.example;billing@newsletter.example,active,Dynamic business DSL
C-1003,Jordan Doe,jordan@home.example,active,Home broadband behind CGNAT
C-1004,Robin Roe,robin@home.example,active,Home broadband behind CGNAT
C-1005,Former Tenant GmbH,admin@former.example,terminated,Held 198.51.100.40 before Newsletter Ltd
C-1006,Late Listed LLC,noc@late.example,active,Its block was missing from the first assignments file
acme,Acme Hosting Ltd,abuse@acme.example,active,Reseller with an IPv6 delegation
";

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The first assignments file: every kind of assignment, relative to `now`.
fn assignments(now: DateTime<Utc>) -> String {
    let year_ago = stamp(now - Duration::days(365));
    let changed = stamp(now - Duration::days(10));
    let month_ago = stamp(now - Duration::days(30));
    format!(
        "account_ref,kind,network,port_from,port_to,valid_from,valid_to
C-1001,static,198.51.100.16/29,,,{year_ago},
C-1005,lease,{NEWSLETTER_IP},,,{year_ago},{changed}
C-1002,lease,{NEWSLETTER_IP},,,{changed},
C-1003,cgnat,{INFECTED_IP},49152,51199,{month_ago},
C-1004,cgnat,{INFECTED_IP},51200,53247,{month_ago},
acme,static,2001:db8:4200::/48,,,{year_ago},
"
    )
}

/// The file that arrived late: the block holding `mail::LATE_IP`.
fn late_assignments(now: DateTime<Utc>) -> String {
    format!(
        "account_ref,kind,network,port_from,port_to,valid_from,valid_to\nC-1006,static,198.51.100.96/29,,,{},\n",
        stamp(now - Duration::days(90))
    )
}

async fn run(store: &Store, kind: ImportKind, file_name: &str, text: &str) -> anyhow::Result<()> {
    let req = ImportRequest { kind, file_name, bytes: text.as_bytes(), dry_run: false, imported_by: "admin" };
    let run = imports::import(store, &req).await?;
    anyhow::ensure!(run.row_errors.is_empty(), "demo file {file_name} has errors: {:?}", run.row_errors);
    Ok(())
}

/// Customers, the address space and the first assignments file: before any mail arrives.
pub async fn load_before_mail(store: &Store, now: DateTime<Utc>) -> anyhow::Result<()> {
    for (net, description) in [
        ("198.51.100.0/24", "Business and DSL"),
        ("203.0.113.0/24", "CGNAT pool"),
        ("2001:db8:4000::/36", "IPv6 customers"),
    ] {
        store.add_address_block(net.parse()?, description, store::now()).await?;
    }
    run(store, ImportKind::Customers, "customers.csv", CUSTOMERS).await?;
    run(store, ImportKind::Assignments, "assignments.csv", &assignments(now)).await
}

/// The late assignments file: attributes the report that waited in the unattributed queue.
pub async fn load_after_mail(store: &Store, now: DateTime<Utc>) -> anyhow::Result<()> {
    run(store, ImportKind::Assignments, "assignments-late.csv", &late_assignments(now)).await
}

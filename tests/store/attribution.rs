//! Customers, assignments, address space, report attribution, its changes and the import record, on both
//! backends; and attribution through the real intake path (at ingest, and again after a late import).

use abusedesk::attribution::csv_import::{CustomerStatus, NewCustomer};
use abusedesk::attribution::holding::AssignmentKind;
use abusedesk::domain::attribution::RowProblem;
use abusedesk::attribution::imports::{self, ImportKind, ImportRequest};
use abusedesk::attribution::attribute;
use abusedesk::intake;
use abusedesk::store::{self, AttributionRecord, Channel, NewHolding, NewImportRun, Store};
use chrono::{DateTime, Utc};

use crate::backends::on_each_backend;

/// A SpamCop report about 10.0.0.1, incident 2003-06-19T21:34:13Z (Mail::Abuse test message).
const SPAMCOP: &[u8] = include_bytes!("../fixtures/mail-abuse/spamcop_4.eml");
const INCIDENT: &str = "2003-06-19T21:34:13Z";

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn customer(account_ref: &str, name: &str) -> NewCustomer {
    NewCustomer {
        account_ref: account_ref.to_owned(),
        name: name.to_owned(),
        emails: vec![format!("{account_ref}@example.net")],
        status: CustomerStatus::Active,
        notes: String::new(),
    }
}

fn holding(customer_id: i64, kind: AssignmentKind, from: &str, to: Option<&str>) -> NewHolding {
    NewHolding { customer_id, kind, valid_from: t(from), valid_to: to.map(t), source: "csv", source_ref: None }
}

fn block(s: &str) -> AssignmentKind {
    AssignmentKind::Static(s.parse().unwrap())
}

#[tokio::test]
async fn customers_are_upserted_by_account_reference_and_a_dry_run_changes_nothing() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let both = [customer("C-1", "One"), customer("C_2", "Two")];
        let dry = s.upsert_customers(&both, true, now).await.unwrap();
        assert_eq!((dry.added, dry.updated, dry.unchanged), (2, 0, 0));
        assert!(s.customer_ids_by_ref().await.unwrap().is_empty(), "a dry run leaves nothing behind");

        let first = s.upsert_customers(&both, false, now).await.unwrap();
        assert_eq!((first.added, first.updated, first.unchanged), (2, 0, 0));
        let again = s.upsert_customers(&both, false, now).await.unwrap();
        assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 2), "the same rows twice change nothing");
        let mut renamed = customer("C-1", "One Renamed");
        renamed.status = CustomerStatus::Suspended;
        let changed = s.upsert_customers(&[renamed], false, now).await.unwrap();
        assert_eq!((changed.added, changed.updated, changed.unchanged), (0, 1, 0));

        let ids = s.customer_ids_by_ref().await.unwrap();
        let one = s.get_customer(ids["C-1"]).await.unwrap();
        assert_eq!((one.name.as_str(), one.status.as_str()), ("One Renamed", "suspended"));
        assert_eq!(one.emails, ["C-1@example.net"]);
        assert_eq!(s.list_customers("", 10, 0).await.unwrap().len(), 2);
        // `_` in a search is a character, not a wildcard: "c_2" must not match "C-1".
        let found = s.list_customers("c_2", 10, 0).await.unwrap();
        assert_eq!(found.iter().map(|c| c.account_ref.as_str()).collect::<Vec<_>>(), ["C_2"]);
        assert_eq!(s.list_customers("renamed", 10, 0).await.unwrap().len(), 1);
        let briefs = s.customer_briefs(&[ids["C_2"], ids["C-1"]]).await.unwrap();
        assert_eq!(briefs.len(), 2);
        assert!(s.customer_briefs(&[]).await.unwrap().is_empty());
        assert!(s.get_customer(999_999).await.is_err());
    })
    .await;
}

#[tokio::test]
async fn assignments_are_stored_once_found_by_prefix_and_may_be_closed_later() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        s.upsert_customers(&[customer("A", "A"), customer("B", "B")], false, now).await.unwrap();
        let ids = s.customer_ids_by_ref().await.unwrap();
        let (a, b) = (ids["A"], ids["B"]);
        let rows = vec![
            holding(a, block("10.0.0.0/24"), "2003-01-01T00:00:00Z", None),
            holding(b, AssignmentKind::Lease("10.0.0.1".parse().unwrap()), "2003-06-19T00:00:00Z", None),
            holding(
                b,
                AssignmentKind::Cgnat { ip: "10.0.1.1".parse().unwrap(), ports: (1024, 2047) },
                "2003-01-01T00:00:00Z",
                None,
            ),
            holding(a, block("2001:db8:100::/56"), "2003-01-01T00:00:00Z", None),
        ];
        let dry = s.upsert_assignments(&rows, true, now).await.unwrap();
        assert_eq!(dry.added, 4);
        assert!(s.all_assignments().await.unwrap().is_empty(), "a dry run leaves nothing behind");
        let first = s.upsert_assignments(&rows, false, now).await.unwrap();
        assert_eq!((first.added, first.updated, first.unchanged), (4, 0, 0));
        let again = s.upsert_assignments(&rows, false, now).await.unwrap();
        assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 4));
        // The lease's session ended: the same row with an end is an update, not a second lease.
        let closed = holding(
            b,
            AssignmentKind::Lease("10.0.0.1".parse().unwrap()),
            "2003-06-19T00:00:00Z",
            Some("2003-06-20T00:00:00Z"),
        );
        let update = s.upsert_assignments(&[closed], false, now).await.unwrap();
        assert_eq!((update.added, update.updated), (0, 1));

        let near = s.assignments_containing(&["10.0.0.1".parse().unwrap()]).await.unwrap();
        assert_eq!(near.len(), 2, "the /24 and the lease, not the CGNAT address next door");
        let lease = near.iter().find(|x| matches!(x.kind, AssignmentKind::Lease(_))).unwrap();
        assert_eq!(lease.valid_to, Some(t("2003-06-20T00:00:00Z")));
        let v6 = s.assignments_containing(&["2001:db8:100:ff::1".parse().unwrap()]).await.unwrap();
        assert_eq!(v6.len(), 1);
        assert!(s.assignments_containing(&["2001:db8:101::1".parse().unwrap()]).await.unwrap().is_empty());
        let both = ["10.0.0.1".parse().unwrap(), "2001:db8:100:ff::1".parse().unwrap(), "10.0.0.1".parse().unwrap()];
        assert_eq!(s.assignments_containing(&both).await.unwrap().len(), 3, "several addresses at once, each row once");

        let all = s.all_assignments().await.unwrap();
        assert_eq!(all.len(), 4);
        let cgnat = all.iter().find(|x| matches!(x.kind, AssignmentKind::Cgnat { .. })).unwrap();
        let views = s.assignment_views(&[cgnat.assignment_id]).await.unwrap();
        assert_eq!(views[0].what(), "10.0.1.1 ports 1024–2047");
        assert_eq!(views[0].customer.account_ref, "B");
        assert_eq!(s.customer_assignments(a, 10).await.unwrap().len(), 2);
        assert!(s.assignment_views(&[]).await.unwrap().is_empty());

        assert!(s.add_address_block("10.0.0.0/8".parse().unwrap(), "core", now).await.unwrap());
        assert!(!s.add_address_block("10.0.0.0/8".parse().unwrap(), "again", now).await.unwrap());
        let space = s.address_space().await.unwrap();
        assert_eq!(space, vec![("10.0.0.0/8".parse().unwrap(), "core".to_owned())]);
    })
    .await;
}

#[tokio::test]
async fn a_report_is_attributed_at_ingest_by_its_incident_time() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        s.upsert_customers(&[customer("A", "A"), customer("B", "B")], false, now).await.unwrap();
        let ids = s.customer_ids_by_ref().await.unwrap();
        // B's lease ended exactly at the incident ([from, to) excludes it); A's /24 covers it.
        let rows = vec![
            holding(ids["A"], block("10.0.0.0/24"), "2003-01-01T00:00:00Z", None),
            holding(
                ids["B"],
                AssignmentKind::Lease("10.0.0.1".parse().unwrap()),
                "2003-06-01T00:00:00Z",
                Some(INCIDENT),
            ),
        ];
        s.upsert_assignments(&rows, false, now).await.unwrap();
        let receipt =
            intake::receive(&s, SPAMCOP, Channel::Mta, None, intake::DEFAULT_MAX_MESSAGE_BYTES).await.unwrap();
        let reports = s.list_message_reports(receipt.inbound_message_id).await.unwrap();
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].attribution.as_deref(), Some("customer"));
        assert_eq!(reports[0].customer_id, Some(ids["A"]));
        assert_eq!(reports[0].attribution_via.as_deref(), Some("static"));
        assert_eq!(s.list_customer_reports(ids["A"], 10).await.unwrap().len(), 1);
        assert!(s.list_customer_reports(ids["B"], 10).await.unwrap().is_empty());
        assert_eq!(s.list_unattributed(10, 0).await.unwrap().1, 0);
    })
    .await;
}

#[tokio::test]
async fn a_late_import_attributes_a_waiting_report_and_records_the_change() {
    on_each_backend(|s: Store| async move {
        let receipt =
            intake::receive(&s, SPAMCOP, Channel::Mta, None, intake::DEFAULT_MAX_MESSAGE_BYTES).await.unwrap();
        let (queue, total) = s.list_unattributed(10, 0).await.unwrap();
        assert_eq!(total, 1);
        assert_eq!(queue[0].attribution, "no_assignment");
        assert_eq!(queue[0].source_ip, "10.0.0.1");
        assert_eq!(queue[0].incident_time, Some(t(INCIDENT)));

        let customers = b"account_ref,name,emails,status,notes\nL-7,Late Customer,noc@late.example,active,\n";
        let req =
            |kind, file_name, bytes, dry_run| ImportRequest { kind, file_name, bytes, dry_run, imported_by: "tester" };
        imports::import(&s, &req(ImportKind::Customers, "c.csv", customers, false)).await.unwrap();
        let file = b"account_ref,kind,network,port_from,port_to,valid_from,valid_to\n\
                     L-7,static,10.0.0.0/29,,,2003-01-01,\nNOBODY,static,10.9.0.0/16,,,2003-01-01,\n";
        let dry = imports::import(&s, &req(ImportKind::Assignments, "late.csv", file, true)).await.unwrap();
        assert_eq!((dry.rows_added, dry.reattributed), (1, 0));
        assert_eq!(s.list_unattributed(10, 0).await.unwrap().1, 1, "a dry run attributes nothing");

        let run = imports::import(&s, &req(ImportKind::Assignments, "late.csv", file, false)).await.unwrap();
        assert_eq!((run.rows_read, run.rows_added, run.reattributed), (2, 1, 1));
        assert_eq!(run.row_errors.len(), 1);
        assert_eq!(run.row_errors[0].line, 3, "the unknown account is reported on its own line");
        assert_eq!(s.list_unattributed(10, 0).await.unwrap().1, 0);
        let report = &s.list_message_reports(receipt.inbound_message_id).await.unwrap()[0];
        assert_eq!(report.customer_ref.as_deref(), Some("L-7"));
        let changes = s.list_attribution_changes(Some(report.report_id), 10).await.unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].from, "no assignment");
        assert_eq!(changes[0].to, "customer L-7");
        assert_eq!(changes[0].reason, "assignments import of late.csv");

        let again = imports::import(&s, &req(ImportKind::Assignments, "late.csv", file, false)).await.unwrap();
        assert_eq!((again.rows_added, again.rows_unchanged, again.reattributed), (0, 1, 0), "idempotent");
        let runs = s.list_import_runs(10).await.unwrap();
        assert_eq!(runs.len(), 4);
        assert_eq!(s.get_import_run(run.import_run_id).await.unwrap(), run);

        // The lookup operators use says the same.
        let found = attribute::lookup(&s, "10.0.0.1".parse().unwrap(), None, t(INCIDENT)).await.unwrap();
        assert!(matches!(found, abusedesk::attribution::holding::Attribution::Customer { .. }));
    })
    .await;
}

#[tokio::test]
async fn attribution_records_only_real_changes_and_import_runs_round_trip() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        intake::receive(&s, SPAMCOP, Channel::Mta, None, intake::DEFAULT_MAX_MESSAGE_BYTES).await.unwrap();
        let report = s.reports_to_attribute_page(0, 10).await.unwrap().remove(0);
        assert_eq!(report.attribution.as_deref(), Some("no_assignment"));
        let same = AttributionRecord {
            attribution: "no_assignment".to_owned(),
            customer_id: None,
            assignment_id: None,
            via: None,
            candidates: vec![],
            basis: "incident",
        };
        s.set_attribution(&report, &same, Some("re-run"), now).await.unwrap();
        assert!(s.list_attribution_changes(None, 10).await.unwrap().is_empty(), "no change, nothing recorded");
        let outside = AttributionRecord { attribution: "outside_address_space".to_owned(), ..same };
        s.set_attribution(&report, &outside, Some("address space added"), now).await.unwrap();
        let changes = s.list_attribution_changes(None, 10).await.unwrap();
        assert_eq!((changes[0].from.as_str(), changes[0].to.as_str()), ("no assignment", "outside address space"));
        assert_eq!(s.reports_to_attribute(&[report_message(&s).await]).await.unwrap().len(), 1);

        let errors = [RowProblem { line: 4, message: "bad".to_owned() }];
        let conflicts = ["A and B: lease 10.0.0.1".to_owned()];
        let run = NewImportRun {
            kind: "radius",
            file_name: "detail-20261124",
            dry_run: true,
            imported_by: "cli",
            rows_read: 5,
            rows_added: 3,
            rows_updated: 1,
            rows_unchanged: 1,
            row_errors: &errors,
            conflicts: &conflicts,
            reattributed: 0,
        };
        let id = s.record_import_run(&run, now).await.unwrap();
        let back = s.get_import_run(id).await.unwrap();
        assert!(back.dry_run);
        assert_eq!((back.rows_read, back.rows_added, back.rows_updated, back.rows_unchanged), (5, 3, 1, 1));
        assert_eq!(back.row_errors, errors);
        assert_eq!(back.conflicts, conflicts);
        assert_eq!(back.created_at, now);
    })
    .await;
}

async fn report_message(s: &Store) -> i64 {
    s.list_messages(None, 1, 0).await.unwrap()[0].inbound_message_id
}

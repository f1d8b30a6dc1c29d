//! The recount journal on both backends: each write that leaves a case's counters behind lists the case
//! in its own unit (a placement left for later, a copy arriving, a message parsed again, a report whose
//! customer changed), and `intake::heal` brings the counters back to a recount's and empties the journal.

use abusedesk::intake::heal::{self, Budget};
use abusedesk::cases::placement::Recount;
use abusedesk::intake::{self, Incoming};
use abusedesk::store::{self, AttributionRecord, Channel, Store};

use crate::backends::on_each_backend;
use crate::cases::spamcop;
use crate::customers::customer_holding;

const IP: &str = "198.51.100.23";

async fn receive_later(s: &Store, raw: &[u8]) -> i64 {
    let one = [Incoming { raw, recipient: Some("abuse@isp.example") }];
    let receipts = intake::receive_batch(s, &one, Channel::Import, intake::DEFAULT_MAX_MESSAGE_BYTES, Recount::Later)
        .await
        .unwrap();
    receipts[0].as_ref().unwrap().inbound_message_id
}

/// `(stored reports, received)` of every case, by id.
async fn counters(s: &Store) -> Vec<(i64, i64, i64)> {
    let mut out = Vec::new();
    for id in s.all_case_ids().await.unwrap() {
        let c = s.get_case(id).await.unwrap();
        out.push((id, c.stored_reports, c.received));
    }
    out
}

#[tokio::test]
async fn every_write_that_leaves_counters_behind_lists_the_case_and_healing_settles_it() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let raw = spamcop(7_401_000_001, IP, "abuse@isp.example", now);

        // A placement left for later: the case is listed, its counters still say nothing.
        receive_later(&s, &raw).await;
        let case = s.all_case_ids().await.unwrap()[0];
        assert_eq!(s.cases_to_recount(10).await.unwrap(), vec![case]);
        assert_eq!(counters(&s).await, vec![(case, 0, 0)]);
        let healed = heal::heal(&s, Budget::ALL).await.unwrap();
        assert_eq!(healed.cases, 1);
        assert!(s.cases_to_recount(10).await.unwrap().is_empty());
        assert_eq!(counters(&s).await, vec![(case, 1, 1)]);

        // A copy of the same bytes: listed in the arrival's own unit.
        receive_later(&s, &raw).await;
        assert_eq!(s.cases_to_recount(10).await.unwrap(), vec![case]);
        heal::heal(&s, Budget::ALL).await.unwrap();
        assert_eq!(counters(&s).await, vec![(case, 1, 2)]);

        // A message parsed again: its old reports leave the case in the same unit that lists it.
        let message = s.list_message_ids(0, false, 10).await.unwrap()[0];
        intake::reparse(&s, &[message]).await.unwrap();
        assert!(s.cases_to_recount(10).await.unwrap().is_empty(), "reparse recounts before it returns");
        assert_eq!(counters(&s).await, vec![(case, 1, 2)]);

        // The address turns out to be a customer's: the report leaves the unattributed case in the unit
        // that changes its customer. Interrupted there, the next heal places it and recounts both cases.
        let customer = customer_holding(&s, "C-9", &["198.51.100.0/24"]).await;
        let reports = s.reports_to_attribute_page(0, 10).await.unwrap();
        assert_eq!(reports.len(), 1);
        let record = AttributionRecord {
            attribution: "customer".to_owned(),
            customer_id: Some(customer),
            assignment_id: None,
            via: None,
            candidates: Vec::new(),
            basis: "incident",
        };
        s.set_attribution(&reports[0], &record, Some("test"), store::now()).await.unwrap();
        assert_eq!(s.messages_without_cases(10).await.unwrap(), vec![message], "it left its case");
        assert_eq!(s.cases_to_recount(10).await.unwrap(), vec![case], "and its old case is listed");
        let healed = heal::heal(&s, Budget::ALL).await.unwrap();
        assert_eq!((healed.messages, healed.cases), (1, 2));
        assert!(s.messages_without_cases(10).await.unwrap().is_empty());
        assert!(s.cases_to_recount(10).await.unwrap().is_empty());
        let after = counters(&s).await;
        assert_eq!(after.len(), 2, "{after:?}");
        assert_eq!(after[0], (case, 0, 0), "the old case no longer counts it");
        assert_eq!((after[1].1, after[1].2), (1, 2), "the customer's case does");
        assert_eq!(s.get_case(after[1].0).await.unwrap().customer_id, Some(customer));
    })
    .await;
}

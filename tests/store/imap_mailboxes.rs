//! The IMAP collector's mailbox rows: one node holds a mailbox until its lease passes, the cursor moves only
//! with the stored messages and only for the holder (a lost claim stores nothing), and a changed
//! UIDVALIDITY is recorded until accepted.

use abusedesk::store::{self, Channel, ImapCursor, NewArrival, Store, StoreError};
use chrono::Duration;

use crate::backends::on_each_backend;

const BOX: &str = "abuse@mail.example.net:993/INBOX";

fn arrival<'a>(raw: &'a [u8], sha: &'a str) -> NewArrival<'a> {
    NewArrival { raw, sha256: sha, channel: Channel::Imap, recipient: None, received_at: store::now() }
}

#[tokio::test]
async fn one_node_holds_a_mailbox_until_its_lease_passes() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        let a = s.claim_imap_mailbox(BOX, "node-a", now + Duration::minutes(5), now).await.unwrap().unwrap();
        assert_eq!((a.uid_validity, a.last_uid, a.problem), (None, 0, None));
        assert!(s.claim_imap_mailbox(BOX, "node-b", now + Duration::minutes(5), now).await.unwrap().is_none());
        assert!(s.claim_imap_mailbox(BOX, "node-a", now + Duration::minutes(5), now).await.unwrap().is_some(), "renewed");
        let later = now + Duration::minutes(6);
        assert!(s.claim_imap_mailbox(BOX, "node-b", later + Duration::minutes(5), later).await.unwrap().is_some());
        s.release_imap_mailbox(BOX, "node-b").await.unwrap();
        assert!(s.claim_imap_mailbox(BOX, "node-c", later + Duration::minutes(5), later).await.unwrap().is_some());
    })
    .await;
}

#[tokio::test]
async fn the_cursor_moves_with_the_stored_messages_and_only_for_the_holder() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        s.claim_imap_mailbox(BOX, "node-a", now + Duration::minutes(5), now).await.unwrap();
        s.set_imap_uid_validity(BOX, "node-a", 77).await.unwrap();
        let cursor = ImapCursor { mailbox: BOX, token: "node-a", uid_validity: 77, last_uid: 3, unmarked_uids: "2,3" };
        let stored = s.record_arrivals_then(&[arrival(b"one", "h1"), arrival(b"two", "h2")], Some(&cursor)).await.unwrap();
        assert_eq!(stored.len(), 2);
        let m = &s.list_imap_mailboxes().await.unwrap()[0];
        assert_eq!((m.last_uid, m.unmarked_uids.as_deref()), (3, Some("2,3")), "stored, not yet marked on the server");
        s.clear_imap_unmarked(BOX, "node-a").await.unwrap();
        assert_eq!(s.list_imap_mailboxes().await.unwrap()[0].unmarked_uids, None);

        // Another node took the mailbox (the lease passed): nothing of the batch is stored.
        let later = now + Duration::minutes(6);
        s.claim_imap_mailbox(BOX, "node-b", later + Duration::minutes(5), later).await.unwrap().unwrap();
        let late = ImapCursor { last_uid: 4, ..cursor };
        let lost = s.record_arrivals_then(&[arrival(b"three", "h3")], Some(&late)).await;
        assert!(matches!(lost, Err(StoreError::NotFound)), "{lost:?}");
        assert_eq!(s.list_messages(None, 10, 0).await.unwrap().len(), 2, "rolled back with the cursor");
        // A cursor under another UIDVALIDITY does not move either.
        let other = ImapCursor { token: "node-b", uid_validity: 78, last_uid: 4, ..cursor };
        assert!(s.record_arrivals_then(&[], Some(&other)).await.is_err());
        let moved = ImapCursor { token: "node-b", last_uid: 5, unmarked_uids: "", ..cursor };
        s.record_arrivals_then(&[], Some(&moved)).await.unwrap();
        let m = &s.list_imap_mailboxes().await.unwrap()[0];
        assert_eq!((m.last_uid, m.unmarked_uids.clone()), (5, None), "past a message left on the server");
    })
    .await;
}

#[tokio::test]
async fn a_changed_uidvalidity_is_recorded_until_staff_accept_it() {
    on_each_backend(|s: Store| async move {
        let now = store::now();
        assert!(matches!(s.accept_imap_uid_validity(BOX).await, Err(StoreError::NotFound)), "nothing to accept");
        s.claim_imap_mailbox(BOX, "node-a", now + Duration::minutes(5), now).await.unwrap();
        s.set_imap_uid_validity(BOX, "node-a", 77).await.unwrap();
        assert!(s.set_imap_uid_validity(BOX, "node-a", 78).await.is_err(), "set once, never overwritten");
        s.set_imap_problem(BOX, "UIDVALIDITY changed from 77 to 78").await.unwrap();
        let m = &s.list_imap_mailboxes().await.unwrap()[0];
        assert_eq!(m.problem.as_deref(), Some("UIDVALIDITY changed from 77 to 78"));
        s.accept_imap_uid_validity(BOX).await.unwrap();
        let m = &s.list_imap_mailboxes().await.unwrap()[0];
        assert_eq!((m.uid_validity, m.last_uid, m.problem.clone()), (None, -1, None), "the next pass starts afresh");
        s.set_imap_uid_validity(BOX, "node-a", 78).await.unwrap();
    })
    .await;
}

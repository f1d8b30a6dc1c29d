//! One collecting pass over a selected mailbox: claim it, check UIDVALIDITY, mark done what an interrupted
//! pass stored, then fetch, store (cursor in the same transaction) and mark the new messages, in batches.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::TryStreamExt;

use super::connect::{timed, Session};
use super::{CollectError, Done, PassReport, Settings, Target};
use crate::cases::placement::Recount;
use crate::intake::{self, Incoming};
use crate::store::{Channel, ImapCursor, Store, StoreError};

/// Messages stored per transaction at most.
const BATCH: usize = 50;
/// Bytes held in memory for one batch at most (one message over it is a batch of its own).
const BATCH_BYTES: usize = 16 * 1024 * 1024;
/// UIDs named in one command at most, so no command line grows without bound.
const UIDS_PER_COMMAND: usize = 200;

/// The collector's claim on one mailbox during a pass.
struct Claim<'a> {
    store: &'a Store,
    key: String,
    token: &'a str,
    lease: Duration,
}

impl Claim<'_> {
    /// Takes or renews the claim; `None` when another node holds it.
    async fn renew(&self) -> Result<Option<crate::store::ImapMailbox>, StoreError> {
        let now = crate::store::now();
        let until = now + chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::minutes(5));
        self.store.claim_imap_mailbox(&self.key, self.token, until, now).await
    }
}

/// Runs one pass on a logged-in session, as the node `token`.
///
/// # Errors
/// A network or database failure (what was committed stays committed and is marked on the next pass), or
/// [`CollectError::Stopped`] when the mailbox's UIDVALIDITY changed.
pub async fn run(
    session: &mut Session,
    store: &Store,
    target: &Target,
    settings: &Settings,
    token: &str,
) -> Result<PassReport, CollectError> {
    let claim = Claim { store, key: target.key(), token, lease: settings.lease };
    let Some(state) = claim.renew().await? else {
        return Ok(PassReport { busy: true, ..PassReport::default() });
    };
    if let Some(problem) = state.problem {
        return Err(CollectError::Stopped(problem));
    }
    let t = settings.network_timeout;
    let selected = timed(t, "SELECT", session.select(&target.mailbox)).await?;
    let validity = i64::from(selected.uid_validity.ok_or_else(|| CollectError::Network("no UIDVALIDITY".into()))?);
    match state.uid_validity {
        None => store.set_imap_uid_validity(&claim.key, token, validity).await?,
        Some(known) if known != validity => {
            let problem = format!(
                "UIDVALIDITY of {} changed from {known} to {validity}: the server renumbered the mailbox, so the \
                 desk no longer knows which messages it stored. Collecting is stopped; check the mailbox, then run \
                 `abusedesk collect URL --accept-uidvalidity` (it takes the messages not yet marked done)",
                claim.key
            );
            tracing::error!(mailbox = %claim.key, known, now = validity, "IMAP UIDVALIDITY changed; collecting stopped");
            store.set_imap_problem(&claim.key, &problem).await?;
            return Err(CollectError::Stopped(problem));
        }
        Some(_) => {}
    }
    let last = state.last_uid;
    let mut report = PassReport::default();
    if let Some(unmarked) = &state.unmarked_uids {
        // Stored by an earlier pass that was interrupted before marking them: mark only (never store again).
        let pending: Vec<u32> = unmarked.split(',').filter_map(|u| u.trim().parse().ok()).collect();
        mark_done(session, &pending, &settings.done, t).await?;
        store.clear_imap_unmarked(&claim.key, token).await?;
        report.finished = pending.len();
    }
    // After an accepted UIDVALIDITY change (cursor -1) the numbers say nothing: take what is not marked done.
    let query = match (last < 0, &settings.done) {
        (true, Done::Seen) => "UNSEEN".to_owned(),
        (true, Done::Move(_)) => "ALL".to_owned(),
        (false, _) => format!("UID {}:*", last + 1),
    };
    // `n:*` always names the highest UID, even below n: keep only the new ones.
    let mut new: Vec<u32> = search(session, &query, t).await?.into_iter().filter(|&u| i64::from(u) > last).collect();
    report.more = new.len() > settings.max_per_pass;
    new.truncate(settings.max_per_pass);
    let sizes = sizes(session, &new, t).await?;
    let mut batch = Batch { cursor: last, committed: last, ..Batch::default() };
    for uid in new {
        let Some(&size) = sizes.get(&uid) else {
            batch.cursor = i64::from(uid); // expunged meanwhile
            continue;
        };
        if u64::from(size) > u64::try_from(settings.max_message_bytes).unwrap_or(u64::MAX) {
            tracing::warn!(mailbox = %claim.key, uid, size, limit = settings.max_message_bytes,
                "IMAP message over the size limit: not fetched, left in the mailbox unmarked");
            report.refused += 1;
            batch.cursor = i64::from(uid);
            continue;
        }
        let body = fetch_body(session, uid, settings.max_message_bytes, t).await?;
        batch.cursor = i64::from(uid);
        match body {
            None => {}
            Some(raw) if raw.len() > settings.max_message_bytes => {
                tracing::warn!(mailbox = %claim.key, uid, limit = settings.max_message_bytes,
                    "IMAP message larger than its announced size and over the limit: left in the mailbox unmarked");
                report.refused += 1;
            }
            // Intake refuses an empty message; refused here, it is never listed to be marked done.
            Some(raw) if raw.iter().all(u8::is_ascii_whitespace) => {
                tracing::warn!(mailbox = %claim.key, uid, "IMAP message is empty: left in the mailbox unmarked");
                report.refused += 1;
            }
            Some(raw) => {
                batch.bytes += raw.len();
                batch.messages.push((uid, raw));
            }
        }
        if batch.messages.len() >= BATCH || batch.bytes >= BATCH_BYTES {
            commit(session, &claim, validity, &mut batch, settings, &mut report).await?;
        }
    }
    if batch.cursor > batch.committed || !batch.messages.is_empty() {
        commit(session, &claim, validity, &mut batch, settings, &mut report).await?;
    }
    Ok(report)
}

/// Fetched messages not stored yet, and the UID the cursor moves to with them.
#[derive(Default)]
struct Batch {
    messages: Vec<(u32, Vec<u8>)>,
    bytes: usize,
    cursor: i64,
    /// Where the last commit left the cursor.
    committed: i64,
}

/// Stores the batch and moves the cursor (with the batch's UIDs listed as not yet marked) in one
/// transaction, then marks the messages done and clears that list, then parses them.
async fn commit(
    session: &mut Session,
    claim: &Claim<'_>,
    validity: i64,
    batch: &mut Batch,
    settings: &Settings,
    report: &mut PassReport,
) -> Result<(), CollectError> {
    let messages = std::mem::take(&mut batch.messages);
    batch.bytes = 0;
    let incoming: Vec<Incoming<'_>> = messages.iter().map(|(_, raw)| Incoming { raw, recipient: None }).collect();
    let uids: Vec<u32> = messages.iter().map(|(uid, _)| *uid).collect();
    let unmarked_uids = uid_set(&uids);
    let cursor = ImapCursor {
        mailbox: &claim.key,
        token: claim.token,
        uid_validity: validity,
        last_uid: batch.cursor,
        unmarked_uids: &unmarked_uids,
    };
    let max = settings.max_message_bytes;
    let arrivals = match intake::store_arrivals_then(claim.store, &incoming, Channel::Imap, max, Some(&cursor)).await {
        Ok(a) => a,
        Err(StoreError::NotFound) => {
            return Err(CollectError::Network(format!("lost the claim on {} (another node has it)", claim.key)))
        }
        Err(e) => return Err(e.into()),
    };
    drop(incoming);
    batch.committed = batch.cursor;
    pause_for_tests().await;
    // Every message of the batch was checked above, so each has its arrival (new or a copy).
    let mut to_settle = Vec::new();
    for ((_, raw), arrival) in messages.into_iter().zip(arrivals) {
        match arrival {
            Ok(a) => {
                if a.copy {
                    report.copies += 1;
                } else {
                    report.stored += 1;
                }
                to_settle.push((a, raw));
            }
            Err(e) => tracing::error!(mailbox = %claim.key, error = %e, "IMAP message unexpectedly refused by intake"),
        }
    }
    mark_done(session, &uids, &settings.done, settings.network_timeout).await?;
    claim.store.clear_imap_unmarked(&claim.key, claim.token).await?;
    if claim.renew().await?.is_none() {
        return Err(CollectError::Network(format!("lost the claim on {} (another node has it)", claim.key)));
    }
    if to_settle.is_empty() {
        return Ok(());
    }
    let (stored, raws): (Vec<_>, Vec<_>) = to_settle.into_iter().unzip();
    let parsed = intake::parsing::parse_all(raws).await;
    // Stored is what counts; a failure here leaves them pending for `reparse` / the next heal.
    if let Err(e) = intake::settle_arrivals(claim.store, &stored, parsed, Recount::Now).await {
        tracing::error!(error = %e, messages = stored.len(), "IMAP messages stored but not parsed; they stay pending");
    }
    Ok(())
}

/// The documented test hook: see the module doc of `intake::imap`.
async fn pause_for_tests() {
    let Some(seconds) = std::env::var("ABUSEDESK_TEST_IMAP_PAUSE_AFTER_COMMIT").ok().and_then(|s| s.parse().ok()) else {
        return;
    };
    eprintln!("imap: batch committed, pausing {seconds}s before marking it done (test hook)");
    tokio::time::sleep(Duration::from_secs(seconds)).await;
}

async fn search(session: &mut Session, query: &str, t: Duration) -> Result<Vec<u32>, CollectError> {
    let mut uids: Vec<u32> = timed(t, "UID SEARCH", session.uid_search(query)).await?.into_iter().collect();
    uids.sort_unstable();
    Ok(uids)
}

/// `1,5,7`: a UID set for one command.
fn uid_set(uids: &[u32]) -> String {
    uids.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

/// RFC822.SIZE of each UID the server still has.
async fn sizes(session: &mut Session, uids: &[u32], t: Duration) -> Result<HashMap<u32, u32>, CollectError> {
    let mut sizes = HashMap::new();
    for chunk in uids.chunks(UIDS_PER_COMMAND) {
        let fetches = timed(t, "UID FETCH RFC822.SIZE", async {
            session.uid_fetch(uid_set(chunk), "(UID RFC822.SIZE)").await?.try_collect::<Vec<_>>().await
        })
        .await?;
        sizes.extend(fetches.iter().filter_map(|f| Some((f.uid?, f.size?))));
    }
    Ok(sizes)
}

/// The message's bytes, at most `max + 1` of them; `None` when the server no longer has it.
async fn fetch_body(session: &mut Session, uid: u32, max: usize, t: Duration) -> Result<Option<Vec<u8>>, CollectError> {
    let query = format!("(UID BODY.PEEK[]<0.{}>)", max.saturating_add(1));
    let fetches = timed(t, "UID FETCH BODY", async {
        session.uid_fetch(uid.to_string(), &query).await?.try_collect::<Vec<_>>().await
    })
    .await?;
    Ok(fetches.iter().find(|f| f.uid == Some(uid)).and_then(|f| f.body()).map(<[u8]>::to_vec))
}

/// Flags the messages `\Seen` or moves them to the done folder.
async fn mark_done(session: &mut Session, uids: &[u32], done: &Done, t: Duration) -> Result<(), CollectError> {
    for chunk in uids.chunks(UIDS_PER_COMMAND) {
        let set = uid_set(chunk);
        match done {
            Done::Seen => {
                timed(t, "UID STORE \\Seen", async {
                    session.uid_store(&set, "+FLAGS.SILENT (\\Seen)").await?.try_collect::<Vec<_>>().await
                })
                .await?;
            }
            Done::Move(folder) => timed(t, "UID MOVE", session.uid_mv(&set, folder)).await?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn uid_sets_are_comma_separated() {
        assert_eq!(super::uid_set(&[1, 5, 7]), "1,5,7");
        assert_eq!(super::uid_set(&[]), "");
    }
}

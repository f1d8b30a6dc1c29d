//! Counters that heal themselves: `abusedesk import` killed with SIGKILL again and again, then any later
//! intake run, leaves every case's counters equal to a full recount, with no report outside a case and no
//! case still waiting in the recount journal — nobody runs `abusedesk recount`.

use std::process::{Command, Stdio};
use std::time::Duration;

use abusedesk::store::Store;

const SPAMCOP: &str = "tests/fixtures/mail-abuse/spamcop_4.eml";
const KILLS: usize = 8;
/// Messages per killed import: each killed run imports messages of its own, so no run's copies of an
/// earlier run's messages list those cases again and hide what the killed run left.
const PER_RUN: usize = 1_500;
const MESSAGES: usize = KILLS * PER_RUN;

/// SpamCop reports (Mail::Abuse test message) `from..to` about 40 addresses; every seventh repeats the
/// report id of the one before (a duplicate the desk links), so placement re-links across batches.
fn mbox(from: usize, to: usize) -> Vec<u8> {
    let sample = std::fs::read_to_string(format!("{}/{SPAMCOP}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut out = Vec::new();
    for i in from..to {
        let id = if i % 7 == 6 { i - 1 } else { i };
        let message = sample
            .replace("10.0.0.1", &format!("10.0.{}.1", i % 40))
            .replace("999999999", &format!("{id:09}"))
            .replacen("Precedence: list", &format!("Precedence: list\nX-Sequence: {i}"), 1);
        out.extend_from_slice(b"From abuse@example.net Mon Jan  1 00:00:00 2024\n");
        out.extend_from_slice(message.as_bytes());
        out.extend_from_slice(b"\n");
    }
    out
}

fn import(db: &str, path: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_abusedesk"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DATABASE_URL", db)
        .env("RUST_LOG", "warn")
        .args(["import", path])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

/// Every counter of every case, by id.
async fn counters(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for id in store.all_case_ids().await.unwrap() {
        let c = store.get_case(id).await.unwrap();
        out.push(format!(
            "{id}: stored {} received {} unique {} complainants {} reporters {} same {} copies {} role {} re {} seen {:?}..{:?}",
            c.stored_reports,
            c.received,
            c.unique_complaints,
            c.complainants,
            c.reporters,
            c.same_bytes,
            c.mailbox_copies,
            c.other_role,
            c.re_reports,
            c.first_seen,
            c.last_seen
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_again_and_again_leaves_counters_a_recount_would_not_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/desk.db", dir.path().display());
    let inbox = dir.path().join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    let runs: Vec<String> = (0..KILLS)
        .map(|run| {
            let path = inbox.join(format!("run-{run}.mbox"));
            std::fs::write(&path, mbox(run * PER_RUN, (run + 1) * PER_RUN)).unwrap();
            path.display().to_string()
        })
        .collect();
    let inbox = inbox.display().to_string();

    // Kill points spread over each import (a fixed sequence, so a failure can be repeated).
    let mut killed_mid_run = 0;
    for (round, run) in runs.iter().enumerate() {
        let mut child = import(&db, run).spawn().unwrap();
        let delay = Duration::from_millis(400 + (round as u64 * 337) % 1_200);
        tokio::time::sleep(delay).await;
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        child.kill().unwrap_or_default();
        child.wait().unwrap();
    }
    assert!(killed_mid_run >= KILLS / 2, "only {killed_mid_run} of {KILLS} imports were killed while working");

    // Any later intake run settles what the killed ones left: here an import of one unrelated message.
    let other = dir.path().join("other.eml");
    std::fs::write(&other, b"From: someone@example.org\nSubject: hello\n\nNothing to see.\n").unwrap();
    let out = import(&db, &other.display().to_string()).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    let store = Store::connect(&db).await.unwrap();
    assert!(store.messages_without_cases(10).await.unwrap().is_empty(), "every stored report is in a case");
    assert!(store.cases_to_recount(10).await.unwrap().is_empty(), "no case waits for a recount");
    let healed = counters(&store).await;
    assert!(healed.len() >= 40, "{} cases", healed.len());
    abusedesk::cases::placement::place_all(&store).await.unwrap();
    let recounted = counters(&store).await;
    let wrong: Vec<(&String, &String)> = healed.iter().zip(&recounted).filter(|(a, b)| a != b).collect();
    assert!(wrong.is_empty(), "{} of {} cases were wrong before a recount: {wrong:#?}", wrong.len(), healed.len());
    assert_eq!(healed.len(), recounted.len());

    // Run to completion: every message stored once, and the counters still need no recount.
    let out = import(&db, &inbox).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(store.count_intake().await.unwrap().messages, i64::try_from(MESSAGES).unwrap() + 1);
    let complete = counters(&store).await;
    abusedesk::cases::placement::place_all(&store).await.unwrap();
    assert_eq!(complete, counters(&store).await);
    store.close().await;
}

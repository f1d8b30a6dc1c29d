//! Intake benchmark (prints figures; not a timed test): bulk import throughput through the same
//! `intake::bulk::Bulk` path, in the same batches, `abusedesk import` uses, and the latency of one piped
//! message through the real `abusedesk ingest` process, both on SQLite.
//!
//! `cargo bench --bench intake` (messages: `ABUSEDESK_BENCH_MESSAGES`, default 100,000; piped messages:
//! `ABUSEDESK_BENCH_PIPED`, default 200). Messages are the test fixtures replayed as distinct reports (see
//! `unique`), so every one is stored, parsed and placed; `ABUSEDESK_BENCH_COPIES=1` replays them as copies
//! of the same reports instead, the worst case for duplicate linking.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use abusedesk::intake::bulk::Bulk;
use abusedesk::intake::{Incoming, BATCH_MESSAGES, DEFAULT_MAX_MESSAGE_BYTES};
use abusedesk::store::{Channel, Store};

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Every .eml fixture, as bytes.
fn samples() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "eml") {
                out.push(std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// `bytes` with every `pattern` replaced by `with`.
fn replace_all(bytes: &[u8], pattern: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut rest = bytes;
    while let Some(at) = rest.windows(pattern.len()).position(|w| w == pattern) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + pattern.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// `bytes` with `tag` inserted at the start of every value of `field`: after the field name, spaces, and
/// an opening `<` or `"` if there is one.
fn tag_values(bytes: &[u8], field: &[u8], tag: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut rest = bytes;
    while let Some(at) = rest.windows(field.len()).position(|w| w == field) {
        let mut end = at + field.len();
        while rest.get(end).is_some_and(|b| b" \t<\"".contains(b)) {
            end += 1;
        }
        out.extend_from_slice(&rest[..end]);
        out.extend_from_slice(tag);
        rest = &rest[end..];
    }
    out.extend_from_slice(rest);
    out
}

/// Replay `seq` of a sample as a report of its own: a header makes the bytes unique, and the values that
/// identify a complaint (SpamCop ids, Report-IDs, ACNS notice ids, Message-IDs, complainant addresses) get
/// `b{seq}.` in front, so those replays are distinct complaints the way a real mailbox's reports are, not
/// copies of one report that duplicate detection links (all replays as copies: `ABUSEDESK_BENCH_COPIES=1`).
fn unique(sample: &[u8], seq: usize, copies: bool) -> Vec<u8> {
    let mut raw = format!("X-Bench-Seq: {seq}\n").into_bytes();
    if copies {
        raw.extend_from_slice(sample);
        return raw;
    }
    let mut body = replace_all(sample, b"999999999", format!("{:09}", seq % 1_000_000_000).as_bytes());
    let tag = format!("b{seq}.").into_bytes();
    for field in [
        &b"Message-ID:"[..],
        b"Message-Id:",
        b"Message-id:",
        b"Report-ID:",
        b"X-Report-ID:",
        b"Original-Rcpt-To:",
        b"Removal-Recipient:",
        b"X-HmXmrOriginalRecipient:",
        b"<ID>",
        b"\"report_id\":",
        b"\"smtp_to\":",
    ] {
        body = tag_values(&body, field, &tag);
    }
    raw.extend_from_slice(&body);
    raw
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort_unstable();
    xs.get(xs.len() / 2).copied().unwrap_or_default()
}

#[tokio::main]
async fn main() {
    // `cargo test --all-targets` runs bench binaries too, unoptimised and without `--bench`: figures from
    // such a run mean nothing and take minutes, so say so and stop.
    if !std::env::args().any(|a| a == "--bench") {
        println!("intake benchmark skipped: run it with `cargo bench --bench intake` (optimised)");
        return;
    }
    let n = env_count("ABUSEDESK_BENCH_MESSAGES", 100_000);
    let piped = env_count("ABUSEDESK_BENCH_PIPED", 200);
    let copies = env_count("ABUSEDESK_BENCH_COPIES", 0) == 1;
    let samples = samples();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/bench.db", dir.path().display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();

    // Only intake is timed: making the replays (rewriting samples) is the benchmark's own work.
    let mut busy = Duration::ZERO;
    let mut bulk = Bulk::new(&store, Channel::Import, DEFAULT_MAX_MESSAGE_BYTES);
    let mut i = 0;
    while i < n {
        let batch: Vec<Vec<u8>> =
            (i..n.min(i + BATCH_MESSAGES)).map(|k| unique(&samples[k % samples.len()], k, copies)).collect();
        i += batch.len();
        let incoming: Vec<Incoming> =
            batch.iter().map(|raw| Incoming { raw, recipient: Some("abuse@example.net") }).collect();
        let start = Instant::now();
        let receipts = bulk.receive(&incoming).await.unwrap();
        busy += start.elapsed();
        for receipt in receipts {
            receipt.unwrap();
        }
    }
    let start = Instant::now();
    bulk.finish().await;
    busy += start.elapsed();
    let elapsed = busy.as_secs_f64();
    let counts = store.count_intake().await.unwrap();
    let shape = if copies { "replays are copies of the same reports" } else { "replays are distinct reports" };
    println!("bulk import, SQLite: {n} messages ({} samples; {shape}) in {elapsed:.1} s", samples.len());
    println!(
        "  {:.0} messages/s, {:.0} reports/s ({} reports)",
        n as f64 / elapsed,
        counts.reports as f64 / elapsed,
        counts.reports
    );
    store.close().await;

    let mut latencies = Vec::with_capacity(piped);
    for i in 0..piped {
        let raw = unique(&samples[i % samples.len()], n + i, copies);
        let t = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_abusedesk"))
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "warn")
            .arg("ingest")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&raw).unwrap();
        assert!(child.wait().unwrap().success());
        latencies.push(t.elapsed());
    }
    let slowest = latencies.iter().max().copied().unwrap_or_default();
    println!(
        "MTA pipe (abusedesk ingest, a process per message), SQLite with {} messages stored: median {:.1} ms, max {:.1} ms over {piped}",
        n + piped,
        median(latencies).as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3
    );
}

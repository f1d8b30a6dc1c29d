//! Intake benchmark (prints figures; not a timed test): bulk import throughput through the same
//! `intake::receive` path `abusedesk import` uses, and the latency of one piped message through the real
//! `abusedesk ingest` process, both on SQLite.
//!
//! `cargo bench --bench intake` (messages: `ABUSEDESK_BENCH_MESSAGES`, default 100,000; piped messages:
//! `ABUSEDESK_BENCH_PIPED`, default 200). Messages are the test fixtures made unique by a header, so every
//! one is stored and parsed (no copies).

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use abusedesk::intake::{self, DEFAULT_MAX_MESSAGE_BYTES};
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

fn unique(sample: &[u8], seq: usize) -> Vec<u8> {
    let mut raw = format!("X-Bench-Seq: {seq}\n").into_bytes();
    raw.extend_from_slice(sample);
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
    let samples = samples();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/bench.db", dir.path().display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();

    let start = Instant::now();
    for i in 0..n {
        let raw = unique(&samples[i % samples.len()], i);
        intake::receive(&store, &raw, Channel::Import, Some("abuse@example.net"), DEFAULT_MAX_MESSAGE_BYTES).await.unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let counts = store.count_intake().await.unwrap();
    println!("bulk import, SQLite: {n} messages ({} samples) in {elapsed:.1} s", samples.len());
    println!("  {:.0} messages/s, {:.0} reports/s ({} reports)", n as f64 / elapsed, counts.reports as f64 / elapsed, counts.reports);
    store.close().await;

    let mut latencies = Vec::with_capacity(piped);
    for i in 0..piped {
        let raw = unique(&samples[i % samples.len()], n + i);
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

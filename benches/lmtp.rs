//! LMTP benchmark (prints figures; not a timed test): messages delivered to the LMTP listener `serve` runs,
//! over real TCP connections on loopback, into SQLite (synchronous FULL, as the desk runs it) and, when
//! `TEST_POSTGRES_URL` names a server, PostgreSQL.
//!
//! `cargo bench --bench lmtp` (messages per run: `ABUSEDESK_BENCH_LMTP`, default 2,000). Prints, per
//! database: one connection delivering one message at a time (median and 90th percentile per message), and
//! 16 connections delivering at once (messages per second, group commit), with the process's CPU time per
//! message. Each message is a distinct SpamCop report (Mail::Abuse test message), stored, parsed and placed.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use abusedesk::intake::lmtp::{self, Endpoint, Limits};
use abusedesk::intake::DEFAULT_MAX_MESSAGE_BYTES;
use abusedesk::store::Store;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[path = "../tests/common/postgres.rs"]
mod postgres;

const SPAMCOP: &str = "tests/fixtures/mail-abuse/spamcop_4.eml";

fn message(sample: &str, i: usize) -> Vec<u8> {
    let m = sample.replace("999999999", &format!("{i:09}")).replace("10.0.0.1", &format!("10.{}.{}.1", i / 250 % 250, i % 250));
    let mut data = Vec::with_capacity(m.len() + 64);
    for line in m.split_inclusive('\n') {
        if line.starts_with('.') {
            data.push(b'.');
        }
        data.extend_from_slice(line.trim_end_matches('\n').as_bytes());
        data.extend_from_slice(b"\r\n");
    }
    data.extend_from_slice(b".\r\n");
    data
}

/// Process CPU time (user + system) from /proc, in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of stat (utime, stime), counted from the state field at index 0 here.
    (ticks(11) + ticks(12)) / 100.0
}

/// One connection delivering `messages` one after another; the time of each delivery.
async fn one_connection(addr: &str, messages: Vec<Vec<u8>>) -> Vec<Duration> {
    let stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut reply = async || loop {
        let line = lines.next_line().await.unwrap().unwrap();
        if line.as_bytes().get(3) != Some(&b'-') {
            assert!(line.starts_with('2') || line.starts_with('3'), "{line}");
            break;
        }
    };
    reply().await;
    write.write_all(b"LHLO bench.example\r\n").await.unwrap();
    reply().await;
    let mut times = Vec::with_capacity(messages.len());
    for m in messages {
        let started = Instant::now();
        write.write_all(b"MAIL FROM:<reports@spamcop.example>\r\nRCPT TO:<abuse@isp.example>\r\nDATA\r\n").await.unwrap();
        for _ in 0..3 {
            reply().await;
        }
        write.write_all(&m).await.unwrap();
        reply().await;
        times.push(started.elapsed());
    }
    times
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

async fn run(label: &str, url: &str, n: usize) {
    let store = Store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let addr = lmtp::start(store.clone(), &Endpoint::Tcp("127.0.0.1:0".parse().unwrap()), Limits::new("bench", DEFAULT_MAX_MESSAGE_BYTES))
        .await
        .unwrap();
    let sample = std::fs::read_to_string(format!("{}/{SPAMCOP}", env!("CARGO_MANIFEST_DIR"))).unwrap();

    let cpu = cpu_seconds();
    let mut times = one_connection(&addr, (0..n).map(|i| message(&sample, i)).collect()).await;
    while store.count_messages_in("pending").await.unwrap() > 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let cpu = cpu_seconds() - cpu;
    times.sort();
    println!(
        "{label}: one connection, {n} messages one at a time: median {:.2} ms, p90 {:.2} ms per message; CPU {:.2} ms per message",
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        cpu * 1000.0 / n as f64
    );

    const CONNECTIONS: usize = 16;
    let cpu = cpu_seconds();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..CONNECTIONS {
        let messages: Vec<Vec<u8>> = (0..n / CONNECTIONS).map(|k| message(&sample, n + c * n + k)).collect();
        let addr = addr.clone();
        tasks.push(tokio::spawn(async move { one_connection(&addr, messages).await }));
    }
    let mut delivered = 0;
    for t in tasks {
        delivered += t.await.unwrap().len();
    }
    let elapsed = started.elapsed().as_secs_f64();
    // Answers come once the bytes are committed; parsing and placement follow in their own batches.
    while store.count_messages_in("pending").await.unwrap() > 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let settled = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    println!(
        "{label}: {CONNECTIONS} connections at once, {delivered} messages: {:.0} messages/s answered, {:.0} messages/s parsed and placed; CPU {:.2} ms per message",
        delivered as f64 / elapsed,
        delivered as f64 / settled,
        cpu * 1000.0 / delivered as f64
    );
    store.close().await;
}

fn main() {
    // `cargo test --all-targets` runs bench binaries too, unoptimised and without `--bench`: say so and stop.
    if !std::env::args().any(|a| a == "--bench") {
        println!("LMTP benchmark skipped: run it with `cargo bench --bench lmtp` (optimised)");
        return;
    }
    let n: usize = std::env::var("ABUSEDESK_BENCH_LMTP").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        run("SQLite", &format!("sqlite://{}/bench.db", dir.path().display()), n).await;
        match postgres::TestPostgres::create("the PostgreSQL half of the LMTP bench").await {
            Some(db) => {
                run("PostgreSQL", &db.url, n).await;
                db.drop_database().await;
            }
            None => println!("PostgreSQL: skipped (set TEST_POSTGRES_URL to a server where databases may be created)"),
        }
    });
}

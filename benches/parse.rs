//! Parsing benchmark (prints figures; not a timed test): messages per second through `parse_message` on
//! one core, and the slowest single message.
//!
//! `cargo bench --bench parse` parses every `.eml` under `tests/fixtures`; `ABUSEDESK_BENCH_MAILS=DIR`
//! parses the `.eml` files of another directory instead (a local copy of real mail that may not be
//! committed, such as the study half of abusix's samples). Each message is parsed `ABUSEDESK_BENCH_ROUNDS`
//! times (default 20 for the fixtures, 5 for a directory).

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use abusedesk::parse::parse_message;

fn mails(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "eml") {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

fn main() {
    let (root, default_rounds) = match std::env::var("ABUSEDESK_BENCH_MAILS") {
        Ok(dir) => (PathBuf::from(dir), 5),
        Err(_) => (Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"), 20),
    };
    let rounds: usize =
        std::env::var("ABUSEDESK_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(default_rounds);
    let mails = mails(&root);
    let bytes: usize = mails.iter().map(|(_, b)| b.len()).sum();
    let mut slowest = (Duration::ZERO, PathBuf::new());
    let mut reports = 0usize;
    let started = Instant::now();
    for _ in 0..rounds {
        for (path, raw) in &mails {
            let t = Instant::now();
            let parsed = parse_message(raw);
            let took = t.elapsed();
            reports += parsed.map(|p| p.reports.len()).unwrap_or(0);
            if took > slowest.0 {
                slowest = (took, path.clone());
            }
        }
    }
    let total = started.elapsed();
    let parsed = mails.len() * rounds;
    println!(
        "parse: {} mails ({:.1} MiB) from {} x {rounds} rounds, one core",
        mails.len(),
        bytes as f64 / 1048576.0,
        root.display()
    );
    println!(
        "parse: {:.0} mails/s, {:.1} MiB/s, {} reports; slowest single mail {:.2} ms ({})",
        parsed as f64 / total.as_secs_f64(),
        (bytes * rounds) as f64 / 1048576.0 / total.as_secs_f64(),
        reports / rounds.max(1),
        slowest.0.as_secs_f64() * 1000.0,
        slowest.1.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
    );
}

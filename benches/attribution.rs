//! Attribution benchmark (prints figures; not a timed test): builds the in-memory index over a realistic mix of
//! assignments (static blocks, successive leases, CGNAT port ranges), then times lookups on one thread and
//! reports the index's memory, the build time and a conflict scan.
//!
//! `cargo bench --bench attribution` (assignments: `ABUSEDESK_BENCH_ASSIGNMENTS`, default 1,000,000).

#![allow(clippy::unwrap_used)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Instant;

use abusedesk::attribution::conflicts::find_conflicts;
use abusedesk::attribution::holding::{Assignment, AssignmentKind, Attribution};
use abusedesk::attribution::index::AssignmentIndex;
use chrono::{DateTime, Duration, Utc};

/// A small deterministic generator, so every run measures the same data.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn v4(n: u64) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(0x6440_0000_u32.wrapping_add(u32::try_from(n % (1 << 22)).unwrap())))
}

/// 20 % static blocks (IPv4 /29–/32, IPv6 /56–/64), 60 % leases (each address leased for a day, again and
/// again over the year), 20 % CGNAT (2,048-port blocks on public addresses, re-assigned weekly).
fn assignments(n: usize, start: DateTime<Utc>) -> Vec<Assignment> {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::with_capacity(n);
    let (statics, leases) = (n / 5, n * 3 / 5);
    for i in 0..n {
        let id = i64::try_from(i).unwrap() + 1;
        let customer_id = i64::try_from(rng.below(200_000)).unwrap() + 1;
        let (kind, valid_from, valid_to) = if i < statics {
            let kind = if i % 4 == 0 {
                let net = Ipv6Addr::from((0x2001_0db8_u128 << 96) | (u128::from(rng.below(1 << 20)) << 72));
                AssignmentKind::Static(ipnet::IpNet::new(IpAddr::V6(net), 56 + u8::try_from(rng.below(9)).unwrap()).unwrap().trunc())
            } else {
                let len = 29 + u8::try_from(rng.below(4)).unwrap();
                AssignmentKind::Static(ipnet::IpNet::new(v4(u64::try_from(i).unwrap() * 8), len).unwrap().trunc())
            };
            (kind, start, None)
        } else if i < statics + leases {
            let k = u64::try_from(i - statics).unwrap();
            let (address, day) = (k / 365, k % 365);
            let from = start + Duration::days(i64::try_from(day).unwrap());
            (AssignmentKind::Lease(v4((1 << 21) + address)), from, Some(from + Duration::days(1)))
        } else {
            let k = u64::try_from(i - statics - leases).unwrap();
            let (address, slot, week) = (k / (32 * 52), (k / 52) % 32, k % 52);
            let from = start + Duration::weeks(i64::try_from(week).unwrap());
            let low = u16::try_from(slot * 2048).unwrap();
            let ports = (low, low + 2047);
            (AssignmentKind::Cgnat { ip: v4((3 << 20) + address), ports }, from, Some(from + Duration::weeks(1)))
        };
        out.push(Assignment { assignment_id: id, customer_id, kind, valid_from, valid_to });
    }
    out
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("attribution benchmark skipped: run it with `cargo bench --bench attribution` (optimised)");
        return;
    }
    let n = std::env::var("ABUSEDESK_BENCH_ASSIGNMENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let start: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    let data = assignments(n, start);
    let rss_before = rss_kib();
    let t = Instant::now();
    let conflicts = find_conflicts(&data);
    let conflict_time = t.elapsed();
    let t = Instant::now();
    let index = AssignmentIndex::build(data, vec!["100.64.0.0/10".parse().unwrap(), "2001:db8::/32".parse().unwrap()]);
    let build_time = t.elapsed();
    let rss_after = rss_kib();

    let lookups = 2_000_000_u64;
    let mut rng = XorShift(42);
    let queries: Vec<(IpAddr, Option<u16>, DateTime<Utc>)> = (0..lookups)
        .map(|_| {
            let at = start + Duration::minutes(i64::try_from(rng.below(365 * 24 * 60)).unwrap());
            let ip = v4(rng.below(1 << 22));
            (ip, Some(u16::try_from(rng.below(65_536)).unwrap()), at)
        })
        .collect();
    let t = Instant::now();
    let (mut found, mut checksum) = (0_u64, 0_i64);
    for (ip, port, at) in &queries {
        if let Attribution::Customer { customer_id, .. } = index.lookup(*ip, *port, *at) {
            found += 1;
            checksum = checksum.wrapping_add(customer_id);
        }
    }
    let lookup_time = t.elapsed();
    println!("assignments:        {}", index.len());
    println!("index build:        {:.0} ms", build_time.as_secs_f64() * 1e3);
    println!("index memory:       {:.1} MiB (estimate)", index.memory_bytes() as f64 / 1_048_576.0);
    if let (Some(before), Some(after)) = (rss_before, rss_after) {
        println!("process RSS:        {:.1} MiB before the build, {:.1} MiB after", before as f64 / 1024.0, after as f64 / 1024.0);
    }
    println!("conflict scan:      {:.0} ms, {} conflicts", conflict_time.as_secs_f64() * 1e3, conflicts.len());
    println!(
        "lookups:            {lookups} in {:.0} ms = {:.0} lookups/s on one thread ({found} attributed, checksum {checksum})",
        lookup_time.as_secs_f64() * 1e3,
        lookups as f64 / lookup_time.as_secs_f64()
    );
}

//! Anomalies in the Received chain of an original message: the signs of a forged or tampered trace.
//!
//! Each Received header is stamped by the server that accepted the message, so going down the chain
//! (back in time) no date should be later than one above it, none should lie in the future, and a private or
//! reserved address cannot hand a message from one organisation to another over the Internet. Clocks
//! drift, so date comparisons allow [`TOLERANCE`]. Headers are numbered from 1 at the top (the most
//! recent).

use chrono::{DateTime, Duration, Utc};

use crate::parse::original::{organisation, Original};
use crate::parse::text;

/// Clock skew allowed between servers (and between the last server and the desk).
const TOLERANCE: Duration = Duration::hours(1);

/// How much of an unreadable date is quoted.
const QUOTE_LIMIT: usize = 60;

/// One sentence per anomaly, top of the chain first.
pub(super) fn anomalies(original: &Original, now: DateTime<Utc>) -> Vec<String> {
    let raw_values = original.headers.iter().filter(|(name, _)| name.eq_ignore_ascii_case("received")).map(|(_, v)| v);
    let mut found = Vec::new();
    // The earliest-dated header above the current one: every header below must precede it.
    let mut earliest: Option<(usize, DateTime<Utc>)> = None;
    for ((n, hop), raw) in (1..).zip(&original.hops).zip(raw_values) {
        match hop.time {
            None => found.push(undated(n, raw)),
            Some(time) => {
                if time > now + TOLERANCE {
                    found.push(format!("Received #{n} is dated in the future ({})", stamp(time)));
                }
                if let Some((m, later)) = earliest.filter(|(_, later)| time > *later + TOLERANCE) {
                    found.push(format!(
                        "Received #{n} ({}) is dated more than an hour after #{m} above it ({})",
                        stamp(time),
                        stamp(later)
                    ));
                }
                if earliest.is_none_or(|(_, e)| time < e) {
                    earliest = Some((n, time));
                }
            }
        }
        let from = hop.from_host.as_deref().and_then(organisation);
        let by = hop.by_host.as_deref().and_then(organisation);
        if let (Some(ip), Some(from), Some(by)) = (hop.ip, from, by) {
            if !text::is_global(ip) && from != by {
                found.push(format!(
                    "Received #{n}: private or reserved address {ip} hands the message from {from} to {by}, \
                     another organisation"
                ));
            }
        }
    }
    found
}

fn undated(n: usize, raw: &str) -> String {
    let date = raw.rsplit_once(';').map_or("", |(_, date)| date.trim());
    if date.is_empty() {
        return format!("Received #{n} has no date");
    }
    let quoted: String = date.chars().take(QUOTE_LIMIT).collect();
    format!("Received #{n} has a date that cannot be read: \"{quoted}\"")
}

fn stamp(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap()
    }

    fn anomalies_of(headers: &str) -> Vec<String> {
        let original = Original::from_text(&format!("{headers}Subject: x\n\nbody\n")).unwrap();
        anomalies(&original, now())
    }

    #[test]
    fn a_plain_chain_has_no_anomalies() {
        let found = anomalies_of(
            "Received: from mail.sender.example (mail.sender.example [81.2.69.10]) by mx.isp.example; Sat, 1 Jun 2024 10:00:05 +0000\n\
             Received: from [10.0.0.5] (helo=pc) by mail.sender.example; Sat, 1 Jun 2024 10:00:01 +0000\n",
        );
        assert_eq!(found, Vec::<String>::new());
    }

    #[test]
    fn dates_out_of_order_by_more_than_an_hour_are_listed() {
        let found = anomalies_of(
            "Received: from a.example ([81.2.69.1]) by mx.isp.example; Sat, 1 Jun 2024 10:00:00 +0000\n\
             Received: from b.example ([81.2.69.2]) by a.example; Sat, 1 Jun 2024 10:59:00 +0000\n\
             Received: from c.example ([81.2.69.3]) by b.example; Sat, 1 Jun 2024 11:01:00 +0000\n",
        );
        assert_eq!(
            found,
            ["Received #3 (2024-06-01 11:01:00 UTC) is dated more than an hour after #1 above it (2024-06-01 10:00:00 UTC)"]
        );
    }

    #[test]
    fn future_missing_and_unreadable_dates_are_listed() {
        let found = anomalies_of(
            "Received: from a.example ([81.2.69.1]) by mx.isp.example; Sun, 2 Jun 2024 10:00:00 +0000\n\
             Received: from b.example ([81.2.69.2]) by a.example with SMTP id 42\n\
             Received: from c.example ([81.2.69.3]) by b.example; yesterday-ish\n",
        );
        assert_eq!(
            found,
            [
                "Received #1 is dated in the future (2024-06-02 10:00:00 UTC)",
                "Received #2 has no date",
                "Received #3 has a date that cannot be read: \"yesterday-ish\"",
            ]
        );
    }

    #[test]
    fn a_private_address_between_organisations_is_listed_but_not_within_one() {
        let found = anomalies_of(
            "Received: from relay.sender.example (relay.sender.example [10.1.2.3]) by mx.isp.example; Sat, 1 Jun 2024 10:00:05 +0000\n\
             Received: from pc.sender.example (pc.sender.example [192.168.1.20]) by relay.sender.example; Sat, 1 Jun 2024 10:00:01 +0000\n",
        );
        assert_eq!(
            found,
            ["Received #1: private or reserved address 10.1.2.3 hands the message from sender.example to isp.example, another organisation"]
        );
    }

    #[test]
    fn no_received_headers_no_anomalies() {
        assert_eq!(anomalies_of("From: a@b.example\n"), Vec::<String>::new());
    }
}

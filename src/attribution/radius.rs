//! FreeRADIUS accounting `detail` files as leases: Start, Interim-Update (or Alive) and Stop records of one
//! session (Acct-Session-Id and User-Name) give one address held from the session's start to its stop.

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};

use super::csv_import::RowError;

/// One session's address.
#[derive(Debug, Clone, PartialEq)]
pub struct RadiusLease {
    pub user_name: String,
    pub ip: IpAddr,
    pub session_id: String,
    pub valid_from: DateTime<Utc>,
    /// `None` while no Stop was seen.
    pub valid_to: Option<DateTime<Utc>>,
}

/// The leases found and the records that could not be used (by the line their record starts on).
#[derive(Debug, Default)]
pub struct RadiusImport {
    pub leases: Vec<RadiusLease>,
    pub warnings: Vec<RowError>,
}

#[derive(Default)]
struct Session {
    user_name: String,
    ip: Option<IpAddr>,
    start: Option<DateTime<Utc>>,
    first_seen: Option<DateTime<Utc>>,
    stop: Option<DateTime<Utc>>,
}

/// Reads a detail file.
pub fn parse_detail(input: &str) -> RadiusImport {
    let mut out = RadiusImport::default();
    let mut sessions: BTreeMap<(String, String), Session> = BTreeMap::new();
    for (line, record) in records(input) {
        let header = record.first().map(|(_, v)| v.as_str()).unwrap_or_default();
        let get = |name: &str| record.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        let time = get("Event-Timestamp")
            .and_then(timestamp)
            .or_else(|| get("Timestamp").and_then(timestamp))
            .or_else(|| header_time(header));
        let Some(time) = time else {
            out.warnings.push(RowError { line, message: "the record has no time".to_owned() });
            continue;
        };
        let (Some(user), Some(ip)) = (get("User-Name"), get("Framed-IP-Address").or_else(|| get("Framed-IPv6-Address"))) else {
            out.warnings.push(RowError { line, message: "the record lacks User-Name or Framed-IP-Address".to_owned() });
            continue;
        };
        let Ok(ip) = ip.parse::<IpAddr>() else {
            out.warnings.push(RowError { line, message: format!("{ip:?} is not an IP address") });
            continue;
        };
        let session_id = get("Acct-Session-Id").unwrap_or_default().to_owned();
        let derived_start = match get("Acct-Session-Time").map(|v| session_start(time, v)) {
            None => time,
            Some(Ok(start)) => start,
            Some(Err(message)) => {
                out.warnings.push(RowError { line, message });
                continue;
            }
        };
        let s = sessions.entry((session_id, user.to_owned())).or_default();
        s.user_name = user.to_owned();
        s.ip = Some(ip);
        s.first_seen = Some(s.first_seen.map_or(derived_start, |f| f.min(derived_start)));
        match get("Acct-Status-Type").unwrap_or_default().to_ascii_lowercase().as_str() {
            "start" => s.start = Some(time),
            "stop" => s.stop = Some(time),
            "interim-update" | "alive" => {}
            other => out.warnings.push(RowError { line, message: format!("status {other:?} ignored") }),
        }
    }
    for ((session_id, _), s) in sessions {
        let (Some(ip), Some(first)) = (s.ip, s.first_seen) else { continue };
        let valid_from = s.start.unwrap_or(first);
        let valid_to = s.stop.filter(|stop| *stop > valid_from);
        out.leases.push(RadiusLease { user_name: s.user_name, ip, session_id, valid_from, valid_to });
    }
    out.leases.sort_by_key(|l| (l.valid_from, l.session_id.clone()));
    out
}

/// The records: each starts at a non-indented line (its time stamp, kept as the pair `("", line)`) and holds
/// the indented `Attribute = value` lines after it.
fn records(input: &str) -> Vec<(u64, Vec<(String, String)>)> {
    let mut out: Vec<(u64, Vec<(String, String)>)> = Vec::new();
    for (n, text) in input.lines().enumerate() {
        let line = u64::try_from(n).unwrap_or(u64::MAX).saturating_add(1);
        if text.trim().is_empty() {
            continue;
        }
        if !text.starts_with([' ', '\t']) {
            out.push((line, vec![(String::new(), text.trim().to_owned())]));
        } else if let (Some((_, attrs)), Some((k, v))) = (out.last_mut(), text.split_once('=')) {
            attrs.push((k.trim().to_owned(), v.trim().trim_matches('"').to_owned()));
        }
    }
    out
}

/// When a session began, `value` (its `Acct-Session-Time`) seconds before `time`. RFC 2866 §5.7 makes the
/// attribute a 32-bit unsigned count of seconds; anything else (negative, larger, not a number) or a start
/// before the calendar's range is an error for the record, never an arithmetic panic.
fn session_start(time: DateTime<Utc>, value: &str) -> Result<DateTime<Utc>, String> {
    let seconds = value
        .trim()
        .parse::<u32>()
        .map_err(|_| format!("Acct-Session-Time {value:?} is not a session length in seconds (0 to {})", u32::MAX))?;
    time.checked_sub_signed(Duration::seconds(i64::from(seconds)))
        .ok_or_else(|| format!("Acct-Session-Time {value:?} puts the session start before any representable time"))
}

fn timestamp(v: &str) -> Option<DateTime<Utc>> {
    if let Ok(secs) = v.parse::<i64>() {
        return Utc.timestamp_opt(secs, 0).single();
    }
    let v = v.trim_end_matches(" UTC").trim_end_matches(" GMT");
    NaiveDateTime::parse_from_str(v, "%b %e %Y %H:%M:%S").ok().map(|t| t.and_utc())
}

/// `Tue Nov 24 10:00:00 2026`, read as UTC.
fn header_time(v: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(v, "%a %b %e %H:%M:%S %Y").ok().map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "Tue Nov 24 10:00:00 2026\n\
\tAcct-Status-Type = Start\n\tAcct-Session-Id = \"s1\"\n\tUser-Name = \"alice\"\n\tFramed-IP-Address = 198.51.100.7\n\
\n\
Tue Nov 24 10:30:00 2026\n\
\tAcct-Status-Type = Interim-Update\n\tAcct-Session-Id = \"s1\"\n\tUser-Name = \"alice\"\n\tFramed-IP-Address = 198.51.100.7\n\tAcct-Session-Time = 1800\n\
\n\
Tue Nov 24 11:00:00 2026\n\
\tAcct-Status-Type = Interim-Update\n\tAcct-Session-Id = \"s1\"\n\tUser-Name = \"alice\"\n\tFramed-IP-Address = 198.51.100.7\n\tAcct-Session-Time = 3600\n\
\n\
Tue Nov 24 11:30:00 2026\n\
\tAcct-Status-Type = Stop\n\tAcct-Session-Id = \"s1\"\n\tUser-Name = \"alice\"\n\tFramed-IP-Address = 198.51.100.7\n\tAcct-Session-Time = 5400\n\tEvent-Timestamp = \"Nov 24 2026 11:30:00 UTC\"\n\
\n\
Tue Nov 24 12:00:00 2026\n\
\tAcct-Status-Type = Interim-Update\n\tAcct-Session-Id = \"s2\"\n\tUser-Name = \"bob\"\n\tFramed-IP-Address = 198.51.100.8\n\tAcct-Session-Time = 7200\n\
\n\
Tue Nov 24 12:05:00 2026\n\
\tAcct-Status-Type = Start\n\tAcct-Session-Id = \"s3\"\n\tUser-Name = \"carol\"\n\
";

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn sessions_become_leases_with_interim_updates_and_missing_starts_or_stops() {
        let got = parse_detail(FILE);
        assert_eq!(got.leases.len(), 2);
        let alice = &got.leases[0];
        assert_eq!((alice.user_name.as_str(), alice.session_id.as_str()), ("alice", "s1"));
        assert_eq!(alice.ip, "198.51.100.7".parse::<IpAddr>().unwrap());
        assert_eq!((alice.valid_from, alice.valid_to), (t("2026-11-24T10:00:00Z"), Some(t("2026-11-24T11:30:00Z"))));
        let bob = &got.leases[1];
        assert_eq!((bob.valid_from, bob.valid_to), (t("2026-11-24T10:00:00Z"), None), "start from the session time; no stop: open");
        assert_eq!(got.warnings.len(), 1);
        assert_eq!(got.warnings[0].line, 36, "carol's record has no address");
    }

    #[test]
    fn a_session_time_out_of_range_rejects_its_record_instead_of_panicking() {
        let record = |session_time: &str, event: i64| {
            format!("Tue Nov 24 10:00:00 2026\n\tAcct-Status-Type = Stop\n\tAcct-Session-Id = \"s1\"\n\tUser-Name = \"alice\"\n\tFramed-IP-Address = 198.51.100.7\n\tAcct-Session-Time = {session_time}\n\tEvent-Timestamp = \"{event}\"\n")
        };
        let now = 1_795_000_000;
        for overflowing in ["9223372036854775807", "-9223372036854775808", "-1", "4294967296"] {
            let got = parse_detail(&record(overflowing, now));
            assert!(got.leases.is_empty(), "{overflowing}");
            assert_eq!(got.warnings.len(), 1, "{overflowing}");
            assert!(got.warnings[0].message.contains("Acct-Session-Time"), "{}", got.warnings[0].message);
        }
        // In range, but the start would fall before the earliest representable instant.
        let got = parse_detail(&record("4294967295", DateTime::<Utc>::MIN_UTC.timestamp() + 10));
        assert!(got.leases.is_empty());
        assert!(got.warnings[0].message.contains("before any representable time"), "{}", got.warnings[0].message);
    }

    #[test]
    fn garbage_gives_warnings_not_panics() {
        let got = parse_detail("not a header\n\tUser-Name = x\n\tFramed-IP-Address = 999.1.1.1\n\n\t= \n");
        assert!(got.leases.is_empty());
        assert_eq!(got.warnings.len(), 1);
    }
}

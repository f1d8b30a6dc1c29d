//! For a message no rule understood: the routable addresses it contains and where each stands (the
//! Subject, a body line, a Received header of the complaint or of a forwarded message), so staff can
//! decide without opening the raw message. Nothing here becomes a report: this is a list, not a guess.

use std::collections::HashSet;
use std::net::IpAddr;

use super::mime::{self, Mail};
use super::text;

/// At most this many candidates are listed; the rest are counted.
const MAX_LISTED: usize = 12;

fn excerpt(line: &str) -> String {
    let line = line.trim();
    let cut: String = line.chars().take(80).collect();
    if cut.len() < line.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// One warning line naming the candidates, or none when the message names no routable address.
pub(crate) fn describe(mail: &Mail<'_>) -> Option<String> {
    let mut seen: HashSet<IpAddr> = HashSet::new();
    let mut listed: Vec<String> = Vec::new();
    let mut more = 0usize;
    let mut add = |ip: IpAddr, place: String| {
        if !text::is_global(ip) || !seen.insert(ip) {
            return;
        }
        if listed.len() < MAX_LISTED {
            listed.push(format!("{ip} ({place})"));
        } else {
            more += 1;
        }
    };
    for f in text::find_ips(&text::refang(&mail.subject)) {
        add(f.ip, "Subject".to_owned());
    }
    for (i, leaf) in mail.leaves.iter().enumerate() {
        let Some(t) = leaf.readable() else { continue };
        let t = text::refang(&t);
        for (n, line) in t.lines().enumerate() {
            for f in text::find_ips(line) {
                add(f.ip, format!("part {} line {}: \"{}\"", i + 1, n + 1, excerpt(line)));
            }
        }
    }
    for (name, value) in mime::header_pairs(mail.msg) {
        if name.eq_ignore_ascii_case("received") {
            for f in text::find_ips(&value) {
                add(f.ip, "the complaint's own Received header: the reporter's side".to_owned());
            }
        }
    }
    if listed.is_empty() {
        return None;
    }
    let tail = if more > 0 { format!("; and {more} more") } else { String::new() };
    Some(format!("candidate addresses for staff to judge (none was taken): {}{tail}", listed.join("; ")))
}

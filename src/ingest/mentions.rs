//! Where a report written in words mentions the reported host's address. Each rule is a place a writer
//! puts it, never "any address in the text":
//!
//! * **after a label** that says what the address is (`IP address: …`, `Source IP = …`, `Adresse IP : …`,
//!   `Host: example.com IP: …`, a ` | `-separated HTML row), or on the line after a label ending in `:`;
//! * **after an address word in a sentence** ("…from the IP address 8.8.4.4", "Ip 8.8.4.4 is now listed",
//!   "the actual host for example.com is 8.8.4.4");
//! * **in a list** under a line that introduces addresses ("The following IP addresses are affected:");
//! * **in brackets after the reported host or URL** (`http://example.com/ [8.8.4.4]`, `example.com (8.8.4.4)`);
//! * **in a daemon's log line** (`rhost=…`, `rip=…`, `SRC=…`, `… from ADDR port …`, `client ADDR#port`),
//!   consulted only when nothing above matched.
//!
//! The words before the address decide: one of [`SOURCE_WORDS`] and none of [`OTHER_WORDS`] (a
//! destination, a WHOIS network block, the reporter's own server). Pasted headers (`Received:`, `X-…:`)
//! and WHOIS blocks are skipped: their addresses are the mail system's, not the report's. Only globally
//! routable addresses count.

use std::net::IpAddr;

use super::text;
use super::vocabulary::{OTHER_WORDS, SOURCE_WORDS};



/// Lines of a pasted WHOIS/RDAP block start with one of these; the block ends at the next blank line.
const WHOIS_STARTS: &[&str] = &[
    "inetnum:",
    "netrange:",
    "inet6num:",
    "cidr:",
    "nethandle:",
    "route:",
    "% this is the ripe",
    "# arin whois",
    "% information related",
    "netname:",
    "organization:",
];

/// Header names of a pasted message: its addresses belong to mail systems, not to the report.
const HEADER_LINES: &[&str] =
    &["received:", "x-", "authentication-results", "arc-", "received-spf", "dkim-", "by ", "from ", "via "];

/// Words of `s`, lower-case (letters and digits of any script).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Whether the last few words before an address say it is the reported host.
fn says_source(before: &[String]) -> bool {
    // "received" names a mail hop only as "received from/by …"; "I received [mail] using your IP" does not.
    let other = |(i, w): (usize, &String)| {
        OTHER_WORDS.contains(&w.as_str())
            && (w != "received" || before.get(i + 1).is_none_or(|n| matches!(n.as_str(), "from" | "by")))
    };
    before.iter().any(|w| SOURCE_WORDS.contains(&w.as_str())) && !before.iter().enumerate().any(other)
}

/// A mention: the address and port, and the line it was found on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mention {
    pub ip: IpAddr,
    pub port: Option<u16>,
    pub line: String,
}

/// Every address in `line` with its byte offset (only those written as the parser reads them back).
fn located(line: &str) -> Vec<(usize, text::FoundIp)> {
    let mut out = Vec::new();
    let mut from = 0;
    for found in text::find_ips(line) {
        let written = found.ip.to_string();
        if let Some(at) = line.get(from..).and_then(|rest| rest.find(&written)) {
            out.push((from + at, found));
            from += at + written.len();
        }
    }
    out
}

/// The words just before `at` on the line (at most four), and whether the address sits in brackets right
/// after a host name or URL.
fn context(line: &str, at: usize) -> (Vec<String>, bool) {
    // Only the text just before matters; a bounded window keeps a line of thousands of addresses linear.
    let mut from = at.saturating_sub(CONTEXT_BYTES);
    while !line.is_char_boundary(from) {
        from += 1;
    }
    let mut before = line.get(from..at).unwrap_or_default();
    // Earlier items of the same list ("IP address: A, B, C") are transparent.
    for _ in 0..MAX_LIST_SKIP {
        let t = before.trim_end_matches([' ', '\t', ',', ';', '\u{a0}']);
        let last = t.rsplit(|c: char| c.is_whitespace() || c == ',' || c == ';').next().unwrap_or_default();
        if t.len() == before.len() || last.is_empty() || text::exact_ip(last).is_none() {
            break;
        }
        before = t.get(..t.len() - last.len()).unwrap_or_default();
    }
    let trimmed = before.trim_end_matches([' ', '\t', '*', '"', '\'', '`', '\u{a0}']);
    // "example.com (A)" or "https://example.com/x [A]"; a bare "host [A]" is how Received headers write
    // the relay that connected, so square brackets need a URL before them.
    let host_before = trimmed.strip_suffix(['(', '[']).is_some_and(|inner| {
        let word = inner.trim_end().rsplit(char::is_whitespace).next().unwrap_or_default();
        let hostlike = word.contains('.') && word.chars().any(char::is_alphabetic);
        hostlike && (trimmed.ends_with('(') || word.contains("://"))
    });
    // The last five tokens, each read as its words ("IP-Adresse" → ip, adresse; "bad.example" one token).
    let tokens: Vec<&str> = before.split_whitespace().collect();
    let last = tokens.get(tokens.len().saturating_sub(5)..).unwrap_or_default().iter().flat_map(|t| words(t)).collect();
    (last, host_before)
}

/// Addresses that are part of something else: a URL's query (`ver=6.26.1.0`), a range (`A - B`), or a
/// traceroute hop (`6  router.example (A)`).
fn is_part_of_something_else(line: &str, at: usize, written: usize) -> bool {
    let before = line.get(..at).unwrap_or_default();
    let token = before.rsplit(char::is_whitespace).next().unwrap_or_default();
    let in_query = before.ends_with('=') && (token.contains('?') || token.contains('&'));
    let after = line.get(at + written..).unwrap_or_default().trim_start();
    let range = after
        .strip_prefix(['-', '–'])
        .is_some_and(|rest| !text::find_ips(rest.get(..rest.len().min(48)).unwrap_or(rest)).is_empty());
    let range = range
        || before
            .trim_end()
            .strip_suffix(['-', '–'])
            .is_some_and(|b| b.trim_end().rsplit(char::is_whitespace).next().and_then(text::exact_ip).is_some());
    let hop_number = line.split_whitespace().next().is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()));
    in_query
        || range
        || (hop_number && before.trim_end().ends_with('('))
        || before.to_ascii_lowercase().contains("received:")
}

/// Words that make a line introducing addresses introduce something else (targets, a WHOIS network).
const NOT_A_SOURCE_LIST: &[&str] =
    &["dst", "dest", "destination", "target", "targeted", "targets", "victim", "inetnum", "netrange", "cidr", "whois"];

/// Whether a line introduces a list of addresses ("…the following IP addresses:", "IPs listed to the RBL",
/// "The following systems have attacked our systems:" lists the attackers, whoever "our" is).
fn introduces_list(line: &str) -> bool {
    // Asked of every line: the cheap test of its end first, the words only where it passes.
    let ends = line.trim_end().ends_with([':', '.']) || line.trim().starts_with("--");
    ends && {
        let w = words(line);
        names_addresses(&w) && !names_other_side(&w)
    }
}

fn names_addresses(w: &[String]) -> bool {
    w.iter().any(|x| matches!(x.as_str(), "ip" | "ips" | "address" | "addresses" | "adressen" | "adresy" | "ipv4"))
}

/// Words that make a list one of targets: a target word, or a passive "were attacked" ("The following
/// addresses were attacked from your network:" lists the reporter's hosts; "have attacked" the sources).
fn names_other_side(w: &[String]) -> bool {
    let passive = w.windows(2).any(|p| {
        matches!(p.first().map(String::as_str), Some("were" | "was" | "been" | "being"))
            && matches!(p.get(1).map(String::as_str), Some("attacked" | "targeted" | "scanned" | "hit" | "affected"))
    });
    passive || w.iter().any(|x| NOT_A_SOURCE_LIST.contains(&x.as_str()) || x == "targeting")
}

/// Whether a line ending in `:` (with the sentence it ends) introduces a list of the other side's
/// addresses, whose items, however labelled ("ip: …"), are never the reported host.
fn introduces_other_side(lines: &[&str], at: usize) -> bool {
    let line = lines.get(at).map_or("", |l| l.trim_end());
    if !line.ends_with(':') {
        return false;
    }
    let w = words(&paragraph_ending_at(lines, at));
    names_addresses(&w) && names_other_side(&w)
}

/// The wrapped sentence that ends at line `end`: it and up to three lines before it, back to a blank line.
fn paragraph_ending_at(lines: &[&str], end: usize) -> String {
    let start =
        (end.saturating_sub(3)..=end).rev().take_while(|&k| lines.get(k).is_some_and(|l| !l.trim().is_empty())).last();
    lines.get(start.unwrap_or(end)..=end).map(|ls| ls.join(" ")).unwrap_or_default()
}

/// A line that is one host name or URL and nothing else.
fn is_host_name(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.contains(char::is_whitespace) && t.contains('.') && t.chars().any(char::is_alphabetic)
}

/// The address a list line starts with (`8.8.4.4`, `• 8.8.4.4 - host`, `[8.8.4.4]`).
fn list_item(line: &str) -> Option<text::FoundIp> {
    let t = line.trim().trim_start_matches(['•', '*', '-', '·', '[', '(', ' ', '\t', '\u{a0}']);
    let first = t.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ']' | ')' | '/')).next()?;
    // The whole token is the address, or the address and its port ("198.51.100.7:1688").
    let found = text::find_ips(first).into_iter().next()?;
    let whole = text::exact_ip(first).is_some() || found.port.is_some_and(|p| first == format!("{}:{p}", found.ip));
    (whole && text::is_global(found.ip)).then_some(found)
}

/// How far before an address its context is read, and how many earlier list items are skipped over.
const CONTEXT_BYTES: usize = 400;
const MAX_LIST_SKIP: usize = 64;

/// Words that name the other side of an event, for lines already known to be about one (log records).
const OTHER_SIDE: &[&str] =
    &["dst", "dest", "destination", "target", "targeted", "victim", "our", "my", "local", "lip", "sensor", "honeypot"];

/// The addresses of `line` that it does not call the other side of the event ("Destination IP: …",
/// "our host …"), in order. One pass over the line.
pub(crate) fn not_named_as_other(line: &str) -> Vec<IpAddr> {
    let located = located(line);
    let other: Vec<IpAddr> = located
        .iter()
        .filter(|(at, _)| context(line, *at).0.iter().any(|w| OTHER_SIDE.contains(&w.as_str())))
        .map(|(_, f)| f.ip)
        .collect();
    text::find_ips(line).into_iter().map(|f| f.ip).filter(|ip| !other.contains(ip)).collect()
}

/// The mentions of the reported host in `body`, by the rules in the module documentation (logs excluded).
pub(crate) fn in_text(body: &str) -> Vec<Mention> {
    let lines: Vec<&str> = body.lines().collect();
    let mut found = Vec::new();
    let mut in_whois = false;
    let mut in_targets = false;
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        i += 1;
        let lower = line.trim().to_lowercase();
        in_whois = (in_whois && !lower.is_empty()) || WHOIS_STARTS.iter().any(|w| lower.starts_with(w));
        // A WHOIS paste flattened onto one line (an HTML mail) is still one.
        let whois_inline = ["inetnum:", "inet6num:", "netrange:", "nethandle:"].iter().any(|w| lower.contains(w));
        // Items under a line that introduces targets, up to a blank line or the next list.
        let a_target = in_targets && !lower.is_empty() && !introduces_list(line);
        in_targets = a_target || introduces_other_side(&lines, i - 1);
        if in_whois || whois_inline || a_target || HEADER_LINES.iter().any(|h| lower.starts_with(h)) {
            continue;
        }
        let mut here = Vec::new();
        for (at, ip) in located(line) {
            if !text::is_global(ip.ip) || is_part_of_something_else(line, at, ip.ip.to_string().len()) {
                continue;
            }
            let (before, after_host) = context(line, at);
            if says_source(&before) || after_host {
                here.push(Mention { ip: ip.ip, port: ip.port, line: line.trim().to_owned() });
            }
        }
        if here.is_empty() && i >= 2 {
            // "https://phish.example/x" then "(198.51.100.7)" on a line of its own.
            let bare = line.trim().trim_matches(['(', ')', '[', ']', ' ']);
            let previous = lines.get(i - 2).map(|l| l.trim()).unwrap_or_default();
            let after_url = line.trim_start().starts_with(['(', '[']) && previous.contains("://");
            if let Some(ip) = text::exact_ip(bare).filter(|ip| after_url && text::is_global(*ip)) {
                here.push(Mention { ip, port: None, line: format!("{previous} {}", line.trim()) });
            }
        }
        if here.is_empty()
            && (introduces_list(line)
                || lower.ends_with(':') && says_source(&words(&lower))
                || lower.ends_with(':') && introduces_list(&paragraph_ending_at(&lines, i - 1)))
        {
            // The list follows, after blank lines; it ends at the first line that is not an address.
            let mut j = i;
            while lines.get(j).is_some_and(|l| l.trim().is_empty()) && j < i + 3 {
                j += 1;
            }
            // Under a label, the reported host's name may come first ("Infringer details:", "bad.example",
            // then its address).
            if lower.ends_with(':')
                && lines.get(j).is_some_and(|l| is_host_name(l))
                && lines.get(j + 1).and_then(|l| list_item(l)).is_some()
            {
                j += 1;
            }
            while let Some(item) = lines.get(j).and_then(|l| list_item(l).map(|f| (l, f))) {
                here.push(Mention { ip: item.1.ip, port: item.1.port, line: item.0.trim().to_owned() });
                j += 1;
                while lines.get(j).is_some_and(|l| l.trim().is_empty())
                    && lines.get(j + 1).and_then(|l| list_item(l)).is_some()
                {
                    j += 1;
                }
            }
            i = i.max(j);
        }
        found.extend(here);
    }
    found
}

/// Log-line forms in which daemons name the connecting host.
fn log_ip(line: &str) -> Option<text::FoundIp> {
    let lower = line.to_ascii_lowercase();
    let global = |f: text::FoundIp| text::is_global(f.ip).then_some(f);
    for key in ["rhost=", "rip=", "src=", "client-ip=", "cip="] {
        let Some(p) = lower.find(key) else { continue };
        let starts_word = p == 0 || !lower.as_bytes().get(p - 1).is_some_and(u8::is_ascii_alphanumeric);
        let value = line.get(p + key.len()..).unwrap_or_default();
        let token = value.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';')).next().unwrap_or_default();
        if let Some(f) = starts_word.then(|| text::find_ips(token).into_iter().next()).flatten().and_then(global) {
            return Some(f);
        }
    }
    // "sshd[1]: Failed password for root from 8.8.4.4 port 22", "named[1]: client 8.8.4.4#53",
    // "host.example[8.8.4.4]" after "connect from".
    let tokens: Vec<&str> = line.split_whitespace().collect();
    for (k, t) in tokens.iter().enumerate() {
        let next = tokens.get(k + 1).map(|n| n.to_ascii_lowercase());
        let prev = k.checked_sub(1).and_then(|p| tokens.get(p)).map(|p| p.to_ascii_lowercase());
        let candidate = match (prev.as_deref(), next.as_deref()) {
            (Some("from"), Some("port")) => text::exact_ip(t),
            (Some("client"), _) if t.contains('#') => t.split('#').next().and_then(text::exact_ip),
            (Some("from"), _) if t.ends_with(']') && t.contains('[') => {
                t.rsplit('[').next().map(|v| v.trim_end_matches(']')).and_then(text::exact_ip)
            }
            _ => None,
        };
        if let Some(ip) = candidate.filter(|ip| text::is_global(*ip)) {
            return Some(text::FoundIp { ip, port: None });
        }
    }
    None
}

/// The log lines of `body` that name a connecting host.
pub(crate) fn in_logs(body: &str) -> Vec<Mention> {
    body.lines()
        .filter_map(|line| log_ip(line).map(|f| Mention { ip: f.ip, port: f.port, line: line.trim().to_owned() }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(body: &str) -> Vec<String> {
        in_text(body).iter().map(|m| m.ip.to_string()).collect()
    }

    #[test]
    fn labels_sentences_lists_and_bracketed_hosts() {
        assert_eq!(ips("IP address: 8.8.4.4\n"), ["8.8.4.4"]);
        assert_eq!(ips("Host: bad.example IP: 8.8.4.4\n"), ["8.8.4.4"]);
        assert_eq!(ips("Infringer's IP Address: 8.8.4.4\n"), ["8.8.4.4"]);
        assert_eq!(ips("We saw attacks from the IP address 8.8.4.4 yesterday.\n"), ["8.8.4.4"]);
        assert_eq!(ips("The actual host for bad.example is 8.8.4.4. Thanks\n"), ["8.8.4.4"]);
        assert_eq!(ips("hxxp://bad.example/x [8.8.4.4]\n".replace("hxxp", "http").as_str()), ["8.8.4.4"]);
        assert_eq!(
            ips("The following IP addresses are affected:\n\n8.8.4.4\n9.9.9.9\n\nRegards\n"),
            ["8.8.4.4", "9.9.9.9"]
        );
        assert_eq!(ips("Your IP Address: 8.8.4.4, 9.9.9.9\n"), ["8.8.4.4", "9.9.9.9"]);
        assert_eq!(ips("Internet Protocol Address:\n\n8.8.4.4:1688\n"), ["8.8.4.4"]);
        assert_eq!(ips("The link of the URL:\n  https://bad.example/\n  (8.8.4.4)\n"), ["8.8.4.4"]);
        assert_eq!(ips("The registrant uses your services to host bad.example at 8.8.4.4.\n"), ["8.8.4.4"]);
        assert_eq!(ips("The following systems or IP addresses have attacked our systems:\n\n8.8.4.4\n"), ["8.8.4.4"]);
    }

    #[test]
    fn addresses_that_are_not_the_reported_host() {
        assert!(ips("Destination IP: 8.8.4.4\n").is_empty());
        assert!(ips("Our server IP 8.8.4.4 was attacked\n").is_empty());
        assert!(ips("inetnum: 8.8.0.0 - 8.8.255.255\nsource: 8.8.4.4\n").is_empty());
        assert!(ips("Received: from mx.example (mx.example [8.8.4.4]) by us\n").is_empty());
        assert!(ips("it was received from IP 8.8.4.4\n").is_empty());
        assert_eq!(ips("spam I received using your IP Address 8.8.4.4\n"), ["8.8.4.4"]);
        assert_eq!(ips("Copyright Infringer Details:\nbad.example\n8.8.4.4\n - Some Host, LLC.\n"), ["8.8.4.4"]);
        assert_eq!(ips("C2: HTTPS @ 8.8.4.4:443\n"), ["8.8.4.4"]);
        let targets = "Your IP 8.8.4.4 was filtered; it was targeting our ips (list is limited to 20) :\nip: 9.9.9.9\nip: 1.1.1.1\n";
        assert_eq!(ips(targets), ["8.8.4.4"], "the listed targets are the reporter's");
        let both = "The following addresses were attacked from your network:\n9.9.9.9\nThe following systems or IP addresses have attacked our systems:\n8.8.4.4\n";
        assert_eq!(ips(both), ["8.8.4.4"]);
        assert!(ips("sent: 15 NetRange: 8.8.0.0 - 8.8.255.255 CIDR: 8.8.0.0/16 NetName: X Address: 8.8.4.4\n").is_empty());
        let wrapped = "the contact associated to\nfollowing IP address was reported using automation\nwith intent:\n8.8.4.4\n8.8.8.8\n";
        assert_eq!(ips(wrapped), ["8.8.4.4", "8.8.8.8"]);
        assert!(ips("X-Originating-IP: [8.8.4.4]\n").is_empty());
        assert!(ips("IP address: 10.1.2.3\n").is_empty(), "private addresses are never a source");
        assert!(ips("Please contact 8.8.4.4 support\n").is_empty());
        assert!(ips("6  router.example (8.8.4.4)  1.2 ms\n").is_empty(), "a traceroute hop");
        assert!(ips("https://login.example/?x-client-ver=8.8.4.4\n").is_empty(), "a version in a URL");
        assert!(ips("source: 8.8.0.0 - 8.8.255.255\n").is_empty(), "a range");
    }

    #[test]
    fn daemon_log_lines() {
        let ssh = "Jan  3 04:05:06 host sshd[42]: Failed password for root from 8.8.4.4 port 50022 ssh2";
        assert_eq!(log_ip(ssh).map(|f| f.ip.to_string()), Some("8.8.4.4".to_owned()));
        let dovecot = "dovecot: auth failed, rip=9.9.9.9, lip=8.8.8.8";
        assert_eq!(log_ip(dovecot).map(|f| f.ip.to_string()), Some("9.9.9.9".to_owned()));
        let postfix = "postfix/smtpd[1]: connect from unknown[9.9.9.9]";
        assert_eq!(log_ip(postfix).map(|f| f.ip.to_string()), Some("9.9.9.9".to_owned()));
        assert!(log_ip("mail from 8.8.4.4 yesterday").is_none());
    }
}

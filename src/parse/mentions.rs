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
    // A host name's labels are no words: "relay.host.example [A]" does not say "host".
    let last = tokens
        .get(tokens.len().saturating_sub(5)..)
        .unwrap_or_default()
        .iter()
        .filter(|t| !is_domain_like(t))
        .flat_map(|t| words(t))
        .collect();
    (last, host_before)
}

/// A token that is a host name (`mx1.host.example`, `(relay.example`): a dot between two letters or
/// digits. A sentence's full stop ("attacker.") is not one.
fn is_domain_like(token: &str) -> bool {
    let t = token.trim_matches(|c: char| !c.is_alphanumeric());
    t.as_bytes().windows(3).any(|w| matches!(w, [a, b'.', c] if a.is_ascii_alphanumeric() && c.is_ascii_alphabetic()))
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
    // A Received header's hop, pasted and re-wrapped so its "Received:" is on an earlier line:
    // "relay.example (A) by …", "(relay.example [A]) with ESMTPS …".
    let closed = after.trim_start_matches([')', ']']);
    let next_word = closed.split_whitespace().next().unwrap_or_default().to_ascii_lowercase();
    let received_hop = closed.len() < after.len() && matches!(next_word.as_str(), "by" | "with");
    // "resolves to A (legitimate IP)": the genuine site, named to contrast with the reported one.
    let legitimate = closed.len() == after.len() && after.to_ascii_lowercase().starts_with("(legitimate");
    in_query
        || received_hop
        || legitimate
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
    // "ours": "the following IP addresses of ours" are the reporter's.
    passive || w.iter().any(|x| NOT_A_SOURCE_LIST.contains(&x.as_str()) || x == "targeting" || x == "ours")
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
        // Blank lines between the items ("A\n\nB\n\nC", how HTML paragraphs come out) do not end it.
        let spaced_item = lower.is_empty() && lines.get(i).and_then(|l| list_item(l)).is_some();
        let a_target = in_targets && (!lower.is_empty() || spaced_item) && !introduces_list(line);
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
            // Or the address alone under the reported host or URL alone: "img.bad.example" then "198.51.100.7".
            let host_alone = !previous.contains(char::is_whitespace) && is_domain_like(previous);
            let under_host = host_alone && text::exact_ip(line.trim()).is_some();
            if let Some(ip) = text::exact_ip(bare).filter(|ip| (after_url || under_host) && text::is_global(*ip)) {
                here.push(Mention { ip, port: None, line: format!("{previous} {}", line.trim()) });
            }
        }
        // A line that itself introduces the other side's addresses introduces no list of sources, whatever
        // else it says ("… hit the following IP addresses of ours:").
        let own = words(&lower);
        let of_other_side = lower.ends_with(':') && names_addresses(&own) && names_other_side(&own);
        if here.is_empty()
            && !of_other_side
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
            if lower.ends_with(':') && lines.get(j).is_some_and(|l| is_host_name(l)) {
                // Blank lines may stand between the name and its address.
                let mut k = j + 1;
                while lines.get(k).is_some_and(|l| l.trim().is_empty()) && k < j + 3 {
                    k += 1;
                }
                if lines.get(k).and_then(|l| list_item(l)).is_some() {
                    j = k;
                }
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
    // A web server's access log (Common/Combined Log Format): "[vhost] CLIENT - user [10/Oct/2020:13:55:36 …".
    let head: Vec<&str> = line.split_whitespace().take(5).collect();
    for k in 0..2 {
        let stamp = head.get(k + 3).is_some_and(|s| s.starts_with('[') && s.contains('/') && s.contains(':'));
        if stamp && head.get(k + 1) == Some(&"-") {
            if let Some(ip) = head.get(k).and_then(|t| text::exact_ip(t)).filter(|ip| text::is_global(*ip)) {
                return Some(text::FoundIp { ip, port: None });
            }
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
            // qmail/relaylock and others: "mail from 8.8.4.4:47504 (host.example)".
            (Some("from"), _) if t.matches(':').count() == 1 => {
                t.split_once(':').filter(|(_, p)| p.parse::<u16>().is_ok()).and_then(|(a, _)| text::exact_ip(a))
            }
            (Some("client"), _) if t.contains('#') => t.split('#').next().and_then(text::exact_ip),
            // "SMTP connect from host.example [8.8.4.4]" (not a Received header, whose hop it would be).
            (Some(_), _)
                if t.starts_with('[')
                    && k >= 2
                    && tokens.get(k - 2).is_some_and(|f| f.eq_ignore_ascii_case("from"))
                    && !lower.trim_start().starts_with("received:") =>
            {
                text::exact_ip(t.trim_start_matches('[').trim_end_matches(']'))
            }
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
    fn pasted_hops_cut_addresses_and_lists_of_ours() {
        let rewrapped = "Received: from relay.host.example\n(relay.host.example [8.8.4.4])\n by mx.example\n";
        assert!(ips(rewrapped).is_empty(), "a host name's labels are not the word 'host'");
        let exchange = "Received: from a.corp.example (9.9.9.9) by\n\nb.corp.example (8.8.4.4) with Microsoft SMTP\n";
        assert!(ips(exchange).is_empty(), "a re-wrapped Exchange hop");
        let soft_break = "Attacking IP: 9.9.9.1=\n9\nIP address: 8.8.4.4\n";
        assert_eq!(ips(soft_break), ["8.8.4.4"], "9.9.9.19 cut by an undecoded soft line break is no address");
        let ours = "It appeared to hit the following IP addresses of ours:\n\n8.8.4.4 or 8.8.8.8\n\n9.9.9.9\n\nBye\n";
        assert!(ips(ours).is_empty(), "the reporter's own hosts, one every other line");
        let contrast = "It resolves to 8.8.4.4 (fraudulent IP)\nIt resolves to 9.9.9.9(Legitimate IP)\n";
        assert_eq!(ips(contrast), ["8.8.4.4"]);
        assert_eq!(ips("Hosted at phish.example (8.8.4.4) since Monday\n"), ["8.8.4.4"]);
    }

    #[test]
    fn an_address_under_its_host_or_url() {
        let under_host = "[URL]\nhttps://img.bad.example/a.jpg\n\nimg.bad.example\n8.8.4.4\nSome Host Inc.\n";
        assert_eq!(ips(under_host), ["8.8.4.4"]);
        assert_eq!(ips("Location of the material:\nhttp://bad.example:8080/get.php?x=1\n8.8.4.4\n"), ["8.8.4.4"]);
        assert_eq!(ips("Infringer Details:\nBAD.EXAMPLE\n\n\n8.8.4.4\n - Some Host, LLC.\n"), ["8.8.4.4"]);
        assert!(ips("Kind regards\n8.8.4.4\n").is_empty(), "under words, an address says nothing");
        assert!(ips("Regards.\n8.8.4.4\n").is_empty(), "a full stop is no host name");
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
        let qmail = "relaylock: mail from 8.8.4.4:47504 (host.example)";
        assert_eq!(log_ip(qmail).map(|f| f.ip.to_string()), Some("8.8.4.4".to_owned()));
        let access = r#"shop.example 9.9.9.9 - - [08/Aug/2020:07:12:51 +0200] "POST /wp-login.php HTTP/1.1" 200 3830"#;
        assert_eq!(log_ip(access).map(|f| f.ip.to_string()), Some("9.9.9.9".to_owned()));
        let auth = "smtp_auth[1]: FAILED: a@example.org - password incorrect from dyn-1.isp.example [8.8.4.4]";
        assert_eq!(log_ip(auth).map(|f| f.ip.to_string()), Some("8.8.4.4".to_owned()));
        assert!(log_ip("Received: from mx.example [8.8.4.4] by us").is_none());
        let plain = r#"9.9.9.9 - admin [08/Aug/2020:07:12:51 +0200] "GET / HTTP/1.1" 200 12"#;
        assert_eq!(log_ip(plain).map(|f| f.ip.to_string()), Some("9.9.9.9".to_owned()));
    }
}

//! Text helpers shared by the format parsers: IP addresses and URLs in prose and field values,
//! routable versus private/reserved addresses (RFC 6890), quote stripping and the evidence size bound.

use std::borrow::Cow;
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::budget::Budget;

/// Evidence is cut at the budget's evidence size (see `Budget::evidence_bytes` for why that value).
pub(crate) const EVIDENCE_LIMIT: usize = Budget::DEFAULT.evidence_bytes;

/// An address found in text, with the port when written `ip:port` / `[ipv6]:port`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FoundIp {
    pub ip: IpAddr,
    pub port: Option<u16>,
}

fn is_ip_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == ':'
}

/// Reads one token (already cut at non-address characters) as an address.
fn token_ip(token: &str) -> Option<FoundIp> {
    let token = token.strip_prefix("IPv6:").or_else(|| token.strip_prefix("ipv6:")).unwrap_or(token);
    let token = token.trim_end_matches(['.', ':']);
    if let Ok(ip) = token.parse::<Ipv4Addr>() {
        return Some(FoundIp { ip: IpAddr::V4(ip), port: None });
    }
    if let Some((host, port)) = token.rsplit_once(':') {
        if let (Ok(ip), Ok(port)) = (host.parse::<Ipv4Addr>(), port.parse::<u16>()) {
            return Some(FoundIp { ip: IpAddr::V4(ip), port: Some(port) });
        }
    }
    // Words such as "a::b" parse as IPv6; real addresses in reports always contain a digit and
    // either a "::" or the full eight groups.
    let plausible_v6 = token.bytes().any(|b| b.is_ascii_digit())
        && (token.contains("::") || token.bytes().filter(|&b| b == b':').count() == 7);
    if plausible_v6 {
        if let Ok(ip) = token.parse::<Ipv6Addr>() {
            return Some(FoundIp { ip: IpAddr::V6(ip), port: None });
        }
    }
    None
}

/// Every IPv4/IPv6 address in `text`, in order of appearance.
pub(crate) fn find_ips(text: &str) -> Vec<FoundIp> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(is_ip_char) {
        let tail = rest.get(start..).unwrap_or_default();
        let len = tail.find(|c| !is_ip_char(c)).unwrap_or(tail.len());
        let token = tail.get(..len).unwrap_or_default();
        // Most tokens are words: an address has a digit and a '.' or ':' (so has any part of the token).
        let bytes = token.as_bytes();
        if !(bytes.iter().any(u8::is_ascii_digit) && bytes.iter().any(|&b| b == b'.' || b == b':')) {
            rest = tail.get(len.max(1)..).unwrap_or_default();
            continue;
        }
        // "[ipv6]:port"
        let port_after_bracket = tail.get(len..).and_then(|t| t.strip_prefix("]:")).and_then(|t| {
            let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
            t.get(..digits).and_then(|d| d.parse::<u16>().ok())
        });
        // "IP:192.0.2.1", "SRC=..." are cut at '='; a label glued on with ':' is cut here.
        let unlabelled = token
            .rfind(|c: char| c.is_ascii_alphabetic() && !c.is_ascii_hexdigit())
            .map(|i| token.get(i + 1..).unwrap_or_default().trim_start_matches(':'));
        // "192.0.2.1=" at a line's end is a quoted-printable soft line break left undecoded: the address
        // goes on on the next line ("192.0.2.1=" "9"), so what is written here is not it.
        let after = tail.get(len..).unwrap_or_default();
        let cut = after.strip_prefix('=').is_some_and(|a| a.is_empty() || a.starts_with(['\n', '\r']));
        let parsed = if cut { None } else { token_ip(token).or_else(|| unlabelled.and_then(token_ip)) };
        if let Some(mut ip) = parsed {
            if ip.port.is_none() && ip.ip.is_ipv6() {
                ip.port = port_after_bracket;
            }
            found.push(ip);
        }
        rest = tail.get(len.max(1)..).unwrap_or_default();
    }
    found
}

/// The first address in a field value such as `192.0.2.1 (mail.example.com)` or `[2001:db8::1]:25`.
pub(crate) fn field_ip(value: &str) -> Option<FoundIp> {
    find_ips(value).into_iter().next()
}

/// `value` when it is nothing but an address (brackets allowed), as in a structured `Source` field.
pub(crate) fn exact_ip(value: &str) -> Option<IpAddr> {
    let v = value.trim().trim_start_matches('[').trim_end_matches(']');
    v.strip_prefix("IPv6:").unwrap_or(v).parse().ok()
}

/// Whether `ip` is globally routable, i.e. not private, loopback, link-local, CGNAT, documentation,
/// benchmarking, multicast or otherwise reserved (RFC 6890). Only such addresses can be a real
/// external hop in a Received chain.
pub(crate) fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_global_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_global_v4(v4);
            }
            let seg = v6.segments();
            let first = seg.first().copied().unwrap_or(0);
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first == 0x2001 && seg.get(1) == Some(&0x0db8)) // documentation
                || (first == 0x0100 && seg.get(1..4) == Some(&[0u16, 0, 0][..])))
            // discard-only
        }
    }
}

fn is_global_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 192 && b == 0 && c == 0)) // IETF protocol assignments
}

/// Every http(s)/ftp URL in `text`, with trailing punctuation removed. One pass over the `://`
/// separators, so a text full of URLs stays linear.
pub(crate) fn find_urls(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut urls: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let mut taken = 0;
    for (sep, _) in lower.match_indices("://") {
        let head = lower.get(..sep).unwrap_or_default();
        let Some(scheme) = ["https", "http", "ftp"].into_iter().find(|s| head.ends_with(s)) else { continue };
        let start = sep - scheme.len();
        let word_start =
            head.get(..start).and_then(|h| h.chars().next_back()).is_none_or(|c| !c.is_ascii_alphanumeric());
        if start < taken || !word_start {
            continue;
        }
        let tail = text.get(start..).unwrap_or_default();
        let len = tail.find(|c: char| c.is_whitespace() || "<>\"'`{}|\\^".contains(c)).unwrap_or(tail.len());
        let url = tail.get(..len).unwrap_or_default().trim_end_matches(['.', ',', ';', ':', ')', ']', '!', '?']);
        if url.len() > scheme.len() + 4 && seen.insert(url) {
            urls.push(url.to_owned());
        }
        taken = start + len;
    }
    urls
}

/// The host of a URL, lower-case, without port or user info.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') { v6.split(']').next()? } else { host.split(':').next()? };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Removes one level of "> " quoting when most lines are quoted (reports forwarded as a reply).
pub(crate) fn unquote(text: &str) -> Cow<'_, str> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let quoted = lines.iter().filter(|l| l.starts_with('>')).count();
    if lines.is_empty() || quoted * 2 <= lines.len() {
        return Cow::Borrowed(text);
    }
    let stripped: Vec<&str> =
        text.lines().map(|l| l.strip_prefix("> ").or_else(|| l.strip_prefix('>')).unwrap_or(l)).collect();
    Cow::Owned(stripped.join("\n"))
}

/// `text` cut to [`EVIDENCE_LIMIT`] bytes at a character boundary, marked when cut.
pub(crate) fn evidence(text: &str) -> String {
    let kept = cut(text, EVIDENCE_LIMIT);
    if kept.len() == text.len() {
        return text.to_owned();
    }
    format!("{kept}\n[evidence truncated at 64 KiB]")
}

/// The evidence of one table or CSV row: its header line and the row, together at most about `limit`
/// bytes. The row is kept first (it is the report); the header is cut to what is left, marked when cut,
/// and never copied whole, so a huge header costs each row no more than `limit`.
pub(crate) fn row_evidence(header: &str, row: &str, limit: usize) -> String {
    const CUT: &str = " [header cut]";
    let (header, row) = (header.trim(), row.trim());
    let row = cut(row, limit);
    let room = limit.saturating_sub(row.len() + 1);
    let kept = cut(header, room);
    let mark = if kept.len() < header.len() { CUT } else { "" };
    format!("{kept}{mark}\n{row}")
}

/// The longest start of `text` that is at most `max` bytes and ends at a character boundary.
fn cut(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// Undoes the defanging reporters apply so that addresses and links are not clickable (`198.51.100[.]7`,
/// `hxxp://`, `example(.)com`, `[dot]`, `[:]`); text without such marks comes back unchanged.
pub(crate) fn refang(value: &str) -> Cow<'_, str> {
    const MARKS: [(&str, &str); 9] = [
        ("[.]", "."),
        ("(.)", "."),
        ("{.}", "."),
        ("[dot]", "."),
        ("(dot)", "."),
        ("[:]", ":"),
        ("hxxp", "http"),
        ("hXXp", "http"),
        ("[://]", "://"),
    ];
    if !MARKS.iter().any(|(m, _)| value.contains(m)) {
        return Cow::Borrowed(value);
    }
    let mut out = value.to_owned();
    for (mark, plain) in MARKS {
        if out.contains(mark) {
            out = out.replace(mark, plain);
        }
    }
    Cow::Owned(out)
}

/// Lower-case words of `text` (runs of ASCII letters and digits), for keyword classification.
pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(text: &str) -> Vec<String> {
        find_ips(text)
            .iter()
            .map(|f| format!("{}{}", f.ip, f.port.map(|p| format!("#{p}")).unwrap_or_default()))
            .collect()
    }

    #[test]
    fn addresses_in_prose_headers_and_logs() {
        assert_eq!(ips("from [10.17.18.16:50449] helo=x"), ["10.17.18.16#50449"]);
        assert_eq!(ips("mail.domain.tld [IPv6:fdbb:9767:697f:db4b::1]"), ["fdbb:9767:697f:db4b::1"]);
        assert_eq!(ips("[2001:db8::1]:443 and 192.0.2.1."), ["2001:db8::1#443", "192.0.2.1"]);
        assert_eq!(ips("IP:192.0.2.5 SRC=192.0.2.6"), ["192.0.2.5", "192.0.2.6"]);
        assert_eq!(ips("'172.16.10.13@example.com'"), ["172.16.10.13"]);
        assert_eq!(ips("Offending/Source IP:  fdf1:cb9d:f59e:19b0:0:3:4:2"), ["fdf1:cb9d:f59e:19b0:0:3:4:2"]);
    }

    #[test]
    fn things_that_are_not_addresses() {
        assert!(ips("18:13:36 a::b be:ef 00:11:22:33:44:55 1.2.3 2.8.14 x.x.x.x 999.1.1.1 std::net").is_empty());
        // An undecoded quoted-printable soft line break cuts 192.0.2.17 into "192.0.2.1=" and "7".
        assert_eq!(ips("attack at 192.0.2.1=\n7 and IP=192.0.2.5"), ["192.0.2.5"]);
    }

    #[test]
    fn routable_addresses() {
        for global in ["93.184.216.34", "2a00:1450:4001:80b::200e"] {
            assert!(is_global(global.parse().expect("ip")), "{global}");
        }
        let internal = [
            "10.0.0.1",
            "172.16.10.13",
            "192.168.1.1",
            "127.0.0.1",
            "100.64.0.1",
            "169.254.1.1",
            "192.0.2.1",
            "198.51.100.1",
            "203.0.113.1",
            "198.18.0.1",
            "0.1.2.3",
            "240.0.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "fdbb:9767:697f:db4b::1",
            "fe80::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
        ];
        for ip in internal {
            assert!(!is_global(ip.parse().expect("ip")), "{ip}");
        }
    }

    #[test]
    fn urls_hosts_quotes_and_evidence() {
        assert_eq!(
            find_urls("see http://a.example/x?y=1, and (https://b.example/)."),
            ["http://a.example/x?y=1", "https://b.example/"]
        );
        assert_eq!(url_host("http://user@WWW.Example.com:8080/p"), Some("www.example.com".to_owned()));
        assert_eq!(url_host("http://[2001:db8::1]/"), Some("2001:db8::1".to_owned()));
        assert_eq!(unquote("> a\n> b\nc"), "a\nb\nc");
        assert_eq!(unquote("a\n> b\nc"), "a\n> b\nc");
        let long = "é".repeat(EVIDENCE_LIMIT);
        assert!(evidence(&long).len() < EVIDENCE_LIMIT + 64);
        assert_eq!(exact_ip(" [192.0.2.1] "), "192.0.2.1".parse().ok());
        assert_eq!(exact_ip("host.example"), None);
    }

    #[test]
    fn row_evidence_keeps_the_row_and_cuts_a_huge_header() {
        assert_eq!(row_evidence(" ip,port \n", "192.0.2.1,22\n", 100), "ip,port\n192.0.2.1,22");
        let header = "é".repeat(40_000);
        let shown = row_evidence(&header, "192.0.2.1,22", 4096);
        assert!(shown.len() <= 4096 + 16, "{}", shown.len());
        assert!(shown.ends_with(" [header cut]\n192.0.2.1,22"));
    }
}

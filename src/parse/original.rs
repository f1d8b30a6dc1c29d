//! The original (offending) message inside a report: its Message-ID, content fingerprint, evidence text
//! and Received chain, whether it came as a `message/rfc822` attachment, as `text/rfc822-headers`, or
//! quoted inline in the report's text.
//!
//! The "first external hop" rule (used when a report names no source IP): walk the Received headers from
//! the top (the reporter's side) down and take the first hop whose connecting IP is globally routable
//! (RFC 6890; private, CGNAT, documentation and other reserved ranges are internal or fake) and whose
//! sending and receiving hosts are not in the same organisation (same registrable domain), which skips
//! the reporter's own relays.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use mail_parser::{Host, Message};

use super::model::ParsedReport;
use super::{dates, fingerprint, mime, text};

/// One Received header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hop {
    /// The connecting client's IP.
    pub ip: Option<IpAddr>,
    /// The client's name (reverse DNS when recorded, else HELO).
    pub from_host: Option<String>,
    /// The receiving host.
    pub by_host: Option<String>,
    /// The timestamp after the `;`.
    pub time: Option<DateTime<Utc>>,
    /// Received from an authenticated user (`with ESMTPA`/`ESMTPSA`, RFC 3848): a submission by the
    /// receiving server's own user, not a relay.
    pub authenticated: bool,
}

/// What the parsers need to know about an original message.
#[derive(Debug, Clone, Default)]
pub(crate) struct Original {
    pub message_id: Option<String>,
    pub fingerprint: Option<String>,
    pub evidence: String,
    /// Received headers, top (most recent) first.
    pub hops: Vec<Hop>,
    /// Every header as (name, value), for format-specific fields such as `X-HmXmrOriginalRecipient`.
    pub headers: Vec<(String, String)>,
    /// Attached messages inside this one (a complaint forwarding a complaint).
    pub nested: Vec<Original>,
}

/// A rough registrable domain: the last two labels, or three under two-letter country TLDs with a
/// short second level (`co.uk`, `com.au`, `ne.jp`).
pub(crate) fn organisation(host: &str) -> Option<String> {
    let labels: Vec<&str> = host.trim_end_matches('.').split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    let take = match (labels.get(n.wrapping_sub(1)), labels.get(n.wrapping_sub(2))) {
        (Some(tld), Some(second)) if tld.len() == 2 && second.len() <= 3 && n >= 3 => 3,
        (Some(_), Some(_)) => 2,
        _ => return None,
    };
    Some(labels.get(n - take..)?.join(".").to_ascii_lowercase())
}

/// Domains one mail operator runs under several names: a hop between two of them is inside that operator
/// (Microsoft's `*.prod.outlook.com` hands mail to `*.outlook.office365.com`, Google's `*.google.com` to
/// `*.gmail.com`). Data, not a rule: each row is one operator.
const OPERATORS: &[&[&str]] = &[
    &["outlook.com", "office365.com", "hotmail.com", "microsoft.com", "live.com", "msn.com"],
    &["google.com", "gmail.com", "googlemail.com"],
    // AT&T's consumer mail (att.net, sbcglobal.net, bellsouth.net) is run by Yahoo, relayed by prodigy.net.
    &["yahoo.com", "yahoodns.net", "aol.com", "yahoo.net", "att.net", "sbcglobal.net", "bellsouth.net", "prodigy.net"],
];

/// The operator of an organisation: itself, or the first name of its row in [`OPERATORS`].
fn operator(org: &str) -> &str {
    OPERATORS.iter().find(|row| row.contains(&org)).and_then(|row| row.first().copied()).unwrap_or(org)
}

impl Hop {
    fn is_internal(&self) -> bool {
        match (self.from_host.as_deref().and_then(organisation), self.by_host.as_deref().and_then(organisation)) {
            (Some(from), Some(by)) => operator(&from) == operator(&by),
            _ => false,
        }
    }

    /// Whether this hop's sender is the reporter's own infrastructure: an address or an organisation that
    /// also handled the complaint itself on its way to the desk; or a user of the reporter's own server
    /// submitting mail to it (an authenticated hop received by the reporter: the reporter forwarding the
    /// offending message from a phone or laptop, whose address says nothing of the offender).
    fn is_reporters(&self, reporter: &Reporter) -> bool {
        let reporters = |host: Option<&str>| {
            host.and_then(organisation).is_some_and(|o| reporter.orgs.iter().any(|r| operator(r) == operator(&o)))
        };
        self.ip.is_some_and(|ip| reporter.ips.contains(&ip))
            || reporters(self.from_host.as_deref())
            || (self.authenticated && reporters(self.by_host.as_deref()))
    }
}

/// What is known of the reporter's own mail infrastructure: the addresses and organisations in the
/// complaint's own Received chain, and its sender's domain.
#[derive(Debug, Default)]
pub(crate) struct Reporter {
    ips: Vec<IpAddr>,
    orgs: Vec<String>,
}

impl Reporter {
    /// From the complaint message itself.
    pub fn of(msg: &Message<'_>, sender_domain: Option<&str>) -> Reporter {
        let hops = hops(msg);
        let ips = hops.iter().filter_map(|h| h.ip).collect();
        let mut orgs: Vec<String> = hops
            .iter()
            .flat_map(|h| [h.from_host.as_deref(), h.by_host.as_deref()])
            .flatten()
            .filter_map(organisation)
            .chain(sender_domain.and_then(organisation))
            .collect();
        orgs.sort();
        orgs.dedup();
        // The complaint's chain ends at the desk's own mail servers: their organisation is where the
        // complaint went (its To and Cc), not the reporter's, and the offending mail may well have left
        // from it. Addresses stay (a hop of this very chain is never the source).
        let recipients = recipient_orgs(msg);
        let sender_org = sender_domain.and_then(organisation);
        orgs.retain(|o| sender_org.as_ref() == Some(o) || !recipients.iter().any(|r| operator(r) == operator(o)));
        Reporter { ips, orgs }
    }
}

/// The organisations of a message's To and Cc addresses.
fn recipient_orgs(msg: &Message<'_>) -> Vec<String> {
    [msg.to(), msg.cc()]
        .into_iter()
        .flatten()
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .filter_map(|a| a.rsplit_once('@').map(|(_, d)| d.to_owned()))
        .filter_map(|d| organisation(&d))
        .collect()
}

fn host_name(host: Option<&Host<'_>>) -> Option<String> {
    match host? {
        Host::Name(name) => Some(name.to_string()),
        Host::IpAddr(_) => None,
    }
}

/// Reads a Received header the way mail-parser understood it, falling back to the raw text (the
/// `from` clause's bracketed address) when mail-parser could not parse it.
fn hop(parsed: Option<&mail_parser::Received<'_>>, raw: &str) -> Hop {
    let time = raw.rsplit_once(';').and_then(|(_, date)| dates::parse(date, None));
    if let Some(r) = parsed {
        let ip = r.from_ip().or(match r.from() {
            Some(Host::IpAddr(ip)) => Some(*ip),
            _ => None,
        });
        let from_host = r.from_iprev().map(str::to_owned).or_else(|| host_name(r.from()));
        let authenticated = r.with().is_some_and(|p| {
            use mail_parser::Protocol as P;
            matches!(
                p,
                P::ESMTPA
                    | P::ESMTPSA
                    | P::LMTPA
                    | P::LMTPSA
                    | P::UTF8SMTPA
                    | P::UTF8SMTPSA
                    | P::UTF8LMTPA
                    | P::UTF8LMTPSA
            )
        });
        return Hop { ip, from_host, by_host: host_name(r.by()), time, authenticated };
    }
    let lower = raw.to_ascii_lowercase();
    let from_clause = lower.strip_prefix("from ").map(|rest| rest.split(" by ").next().unwrap_or(rest));
    let ip = from_clause.and_then(|clause| {
        let bracketed = clause.split('[').skip(1).find_map(|s| text::field_ip(s.split(']').next().unwrap_or(s)));
        bracketed.or_else(|| text::field_ip(clause)).map(|f| f.ip)
    });
    Hop { ip, from_host: None, by_host: None, time, authenticated: false }
}

fn hops(msg: &Message<'_>) -> Vec<Hop> {
    let headers = msg.parts.first().map_or(&[][..], |p| p.headers.as_slice());
    headers
        .iter()
        .filter(|h| h.name().eq_ignore_ascii_case("received"))
        .map(|h| {
            let raw = msg.raw_message.get(h.offset_start as usize..h.offset_end as usize).unwrap_or_default();
            hop(h.value().as_received(), &mime::unfold(&String::from_utf8_lossy(raw)))
        })
        .collect()
}

impl Original {
    /// Reads an attached (or re-parsed) message.
    pub fn from_message<'a>(msg: &'a Message<'a>) -> Original {
        let body = mime::body_text(msg);
        Original {
            message_id: mime::message_id(msg),
            fingerprint: fingerprint::of_body(&body),
            evidence: text::evidence(&String::from_utf8_lossy(mime::raw_bytes(msg))),
            hops: hops(msg),
            headers: mime::header_pairs(msg),
            nested: mime::attached_messages(msg).into_iter().map(Original::from_message).collect(),
        }
    }

    /// Reads an original given as text (inline in a report, or `text/rfc822-headers`). `None` when the
    /// text has no header block.
    pub fn from_text(text: &str) -> Option<Original> {
        let bytes = mime::normalize(text.as_bytes());
        let msg = mime::parse(&bytes)?;
        let original = Original::from_message(&msg);
        (!original.headers.is_empty()).then_some(original)
    }

    /// The first header called `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The first hop from outside the reporter's network (see the module documentation).
    pub fn first_external_hop(&self) -> Option<&Hop> {
        self.hops.iter().find(|h| h.ip.is_some_and(text::is_global) && !h.is_internal())
    }

    /// The first external hop that is not the reporter's own infrastructure either (`reporter`): for
    /// forwarded mail, where the forwarder's servers add hops of their own.
    pub fn first_hop_outside(&self, reporter: &Reporter) -> Option<&Hop> {
        self.hops.iter().find(|h| h.ip.is_some_and(text::is_global) && !h.is_internal() && !h.is_reporters(reporter))
    }

    /// The hop at which `ip` handed the message over.
    pub fn hop_from(&self, ip: IpAddr) -> Option<&Hop> {
        self.hops.iter().find(|h| h.ip == Some(ip))
    }

    /// Copies Message-ID, fingerprint and evidence into `report`.
    pub fn fill(&self, report: &mut ParsedReport) {
        report.original_message_id.clone_from(&self.message_id);
        report.content_fingerprint.clone_from(&self.fingerprint);
        report.evidence = Some(self.evidence.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisations() {
        assert_eq!(organisation("resmail-po-048v.sys.comcast.net"), Some("comcast.net".to_owned()));
        assert_eq!(organisation("mx.example.co.uk"), Some("example.co.uk".to_owned()));
        assert_eq!(organisation("localhost"), None);
    }

    #[test]
    fn received_headers_in_common_mta_styles() {
        let original = Original::from_text(
            "Received: from a.example (b.example [198.51.100.7]) by mx.c.example; Thu, 19 Jun 2003 17:34:13 -0400\n\
             Received: from [10.0.0.1] (helo=ibm.com) by relay.victim.net with smtp (Exim 3.34 #2) id 19T72p\n for x; Thu, 19 Jun 2003 17:34:13 -0400\n\
             Received: from unknown (HELO mailgate.example) (192.168.1.101) by blade3.example with SMTP; 11 Nov 2003 08:14:29 -0000\n\
             Subject: x\n\nbody\n",
        )
        .expect("parses");
        let ips: Vec<Option<IpAddr>> = original.hops.iter().map(|h| h.ip).collect();
        let want: Vec<Option<IpAddr>> =
            ["198.51.100.7", "10.0.0.1", "192.168.1.101"].iter().map(|s| s.parse().ok()).collect();
        assert_eq!(ips, want);
        assert_eq!(
            original.hops.get(2).and_then(|h| h.time).map(|t| t.to_rfc3339()),
            Some("2003-11-11T08:14:29+00:00".to_owned())
        );
    }
}

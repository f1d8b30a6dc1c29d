//! Who sent a report: well-known reporters by sender domain, otherwise the sender's domain itself.
//!
//! The table is data, not parsing logic: feedback loops hosted by Return Path (`*.senderscore.net`) and
//! vendors' own domains map to the name an abuse desk knows them by. Matching is by whole domain labels
//! from the right, so `fbl.cox.net` is Cox but `notcox.net` is not.

use super::mime::Sender;

/// (domain suffix, reporter name)
const KNOWN: &[(&str, &str)] = &[
    ("spamcop.net", "SpamCop"),
    ("aol.com", "AOL"),
    ("aol.net", "AOL"),
    ("comcast.net", "Comcast"),
    ("comcastfbl.senderscore.net", "Comcast"),
    ("cox.net", "Cox"),
    ("fastmail.com", "FastMail"),
    ("messagingengine.com", "FastMail"),
    ("hostedemail.com", "OpenSRS"),
    ("opensrs.net", "OpenSRS"),
    ("rackspace.com", "Rackspace"),
    ("rr.com", "Road Runner"),
    ("synacor.com", "Synacor"),
    ("usa.net", "USA.NET"),
    ("yahoo.com", "Yahoo"),
    ("yahoo.net", "Yahoo"),
    ("zoho.com", "Zoho"),
    ("bluetie.com", "BlueTie"),
    ("hotmail.com", "Microsoft"),
    ("outlook.com", "Microsoft"),
    ("microsoft.com", "Microsoft"),
    ("shadowserver.org", "Shadowserver"),
    ("abusehub.nl", "AbuseHUB"),
    ("blocklist.de", "blocklist.de"),
    ("clean-mx.de", "Clean MX"),
    ("netcraft.com", "Netcraft"),
    ("cyscon.de", "cyscon"),
    ("webiron.com", "WebIron"),
    ("ip-echelon.com", "IP-Echelon"),
    ("copyright-compliance.com", "Copyright Compliance"),
    ("mynetwatchman.com", "myNetWatchman"),
    ("projecthoneypot.org", "Project Honey Pot"),
    ("google.com", "Google"),
    ("spamhaus.org", "Spamhaus"),
    ("abusix.com", "Abusix"),
];

fn matches_suffix(domain: &str, suffix: &str) -> bool {
    domain == suffix || domain.strip_suffix(suffix).is_some_and(|rest| rest.ends_with('.'))
}

/// The well-known name for `domain`, if it has one.
pub(crate) fn known(domain: &str) -> Option<&'static str> {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    KNOWN.iter().find(|(suffix, _)| matches_suffix(&domain, suffix)).map(|(_, name)| *name)
}

/// The domain of an e-mail address (or the value itself when it is a bare domain).
pub(crate) fn domain_of(address: &str) -> String {
    let address = address.trim().trim_matches(['<', '>']);
    address.rsplit_once('@').map_or(address, |(_, d)| d).to_ascii_lowercase()
}

/// The reporter for a message sent by `sender`: a known name, else the sender's domain, else "unknown".
pub(crate) fn from_sender(sender: &Sender) -> String {
    match sender.domain() {
        Some(domain) => known(&domain).map_or(domain, str::to_owned),
        None => "unknown".to_owned(),
    }
}

/// The reporter named by an address inside a report (X-ARF `Reported-From`), falling back to the sender.
pub(crate) fn from_address_or_sender(address: Option<&str>, sender: &Sender) -> String {
    match address.map(domain_of).filter(|d| !d.is_empty()) {
        Some(domain) => known(&domain).map_or(domain, str::to_owned),
        None => from_sender(sender),
    }
}

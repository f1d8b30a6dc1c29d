//! Who the complainant of a message is, beyond what the parsers recorded.
//!
//! A message that no reporting system sent was written by a person (a hand-written complaint, a
//! fail2ban-style log mail from someone's own server): its sender *is* the complainant, with every
//! address and name it carries in From, Reply-To and Sender. A reporting system's sender (SpamCop, a
//! feedback loop) is a robot: its addresses are still never shown, but its name words are ordinary words.

use mail_parser::{Address, MessageParser};

use super::guard::Identities;

/// Only the header block is read; a header larger than this is cut (the rest is the body).
const MAX_HEADER: usize = 256 * 1024;

/// Whether `reporter` (a report's reporter as the parsers set it) is a reporting system the desk knows:
/// the parsers give known reporters a name (SpamCop, Yahoo, Shadowserver), anyone else their domain.
pub fn is_reporting_system(reporter: &str) -> bool {
    let r = reporter.trim();
    !r.is_empty() && r != "unknown" && (!r.contains('.') || crate::parse::reporter::known(r).is_some())
}

/// The complainant identities the complaint's own sender gives: From, Reply-To and Sender addresses and
/// display names. `person`: the sender is a person (then the local part and each name word count too).
pub fn sender_identities(raw: &[u8], person: bool) -> Identities {
    let head = raw.get(..raw.len().min(MAX_HEADER)).unwrap_or_default();
    let end = find(head, b"\r\n\r\n").or_else(|| find(head, b"\n\n")).map_or(head.len(), |p| p + 2);
    let mut ids = Identities::default();
    let head = head.get(..end).unwrap_or_default();
    // Headers only, so no nesting; a panic inside mail-parser must still not reach the portal.
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| MessageParser::default().parse_headers(head)));
    let Some(msg) = parsed.ok().flatten() else { return ids };
    for field in [msg.from(), msg.reply_to(), msg.sender()].into_iter().flatten() {
        add_all(&mut ids, field, person);
    }
    ids
}

fn add_all(ids: &mut Identities, field: &Address<'_>, person: bool) {
    for a in field.iter() {
        if let Some(address) = a.address() {
            ids.add_address(address, person);
        }
        let domain = a.address().and_then(|x| x.rsplit_once('@')).map(|(_, d)| d.to_lowercase()).unwrap_or_default();
        if let Some(name) = a.name().filter(|n| !names_the_domain(n, &domain)) {
            ids.add_name(name, person);
        }
    }
}

/// "Shadowserver" of `autoreports@shadowserver.example`: the display name is its domain's name, an
/// organisation's, not a person's (and the domain is hidden with the address anyway).
fn names_the_domain(name: &str, domain: &str) -> bool {
    let squeezed: String = name.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    !squeezed.is_empty() && domain.split('.').any(|label| label.replace('-', "") == squeezed)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persons_sender_is_a_complainant_by_address_and_name() {
        let raw = b"From: =?utf-8?Q?J=C3=B6rg_Sch=C3=A4fer?= <joerg@home.example>\r\nReply-To: Jorg <j.s@elsewhere.example>\r\nSubject: attacks\r\n\r\nHello, 10.0.0.1 attacked me\r\n-- \r\nJoerg\r\n";
        let ids = sender_identities(raw, true);
        for named in ["joerg@home.example", "mail j.s@elsewhere.example", "Regards, Jörg", "SCHÄFER here", "bounce+joerg=home.example@list.test"] {
            assert!(ids.found_in(named).is_some(), "{named}");
        }
        assert!(ids.found_in("10.0.0.1 attacked me").is_none());
    }

    #[test]
    fn a_reporting_robot_is_hidden_by_address_only() {
        let raw = b"From: Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>\n\nbody";
        let ids = sender_identities(raw, false);
        assert!(ids.found_in("feedback@arf.mail.yahoo.com").is_some());
        assert!(ids.found_in("Yahoo feedback on mail").is_none());
        assert!(is_reporting_system("SpamCop") && is_reporting_system("blocklist.de"));
        assert!(!is_reporting_system("joes-garage.example") && !is_reporting_system("unknown"));
        let unknown_robot = sender_identities(b"From: Shadowserver <autoreports@shadowserver.example>\n\n", true);
        assert!(unknown_robot.found_in("4 Shadowserver sinkhole reports").is_none());
        assert!(unknown_robot.found_in("autoreports@shadowserver.example").is_some());
    }
}

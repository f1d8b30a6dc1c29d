//! The last check before a line leaves for a customer: does it still name a complainant in *any* form?
//!
//! Masking (the rest of this module) replaces the forms it recognises; this guard does not try to find
//! and cut them out, it only answers yes or no, after undoing every encoding a mailer or a spammer uses:
//! RFC 2047 words of any length, HTML tags and entities (`&#64;`, `&commat;`, `joe<span>@</span>…`),
//! percent-encoding (twice, for `%2540`), quoted-printable `=40`, base64 runs inside tokens and links,
//! `at`/`dot` spelling, and the VERP (`joe=example.com@…`), SRS (`…=example.com=joe@…`) and BATV forms.
//! A line that says yes is withheld whole, so whatever masking misses fails closed.
//!
//! Matching is on Unicode-lowercased text, so non-ASCII (EAI) addresses and names match as written.

use super::encoding::{decode_base64, decode_quoted_printable, decode_words, to_utf8};
use super::scan::percent_decode;

/// Identities shorter than this are not matched on their own: they would match ordinary words.
const MIN_LEN: usize = 4;

/// Local parts too common to be a person (`abuse@…`).
const ROLE_NAMES: [&str; 20] = [
    "abuse", "admin", "billing", "contact", "help", "hostmaster", "info", "mail", "noreply", "no-reply", "office",
    "postmaster", "reports", "root", "sales", "security", "spam", "support", "feedback", "mailer-daemon",
];

/// Words of a display name that do not identify a person ("Abuse Team", "Yahoo! Mail").
const COMMON_WORDS: [&str; 14] =
    ["abuse", "team", "desk", "mail", "report", "reports", "the", "and", "dept", "department", "noc", "info", "support", "service"];

/// The complainant identities of one case or message, in the forms the guard looks for.
#[derive(Clone, Debug, Default)]
pub struct Identities {
    /// Lowercased `(local, domain)` pairs, and whether the local part alone is a match.
    addresses: Vec<(String, String, bool)>,
    /// Lowercased names and name words, matched as whole words.
    words: Vec<String>,
    /// Reporter references (SpamCop ids, X-ARF Report-IDs), matched as whole words.
    references: Vec<String>,
}

impl Identities {
    /// An address of a complainant. `local_alone`: the local part on its own also identifies them (a
    /// person's mailbox, not a reporting robot's).
    pub fn add_address(&mut self, address: &str, local_alone: bool) {
        let cleaned = address.trim().trim_matches(['<', '>', '"', '\'']).trim().to_lowercase();
        let Some((local, domain)) = cleaned.rsplit_once('@') else { return };
        if local.is_empty() || domain.is_empty() || cleaned.len() < MIN_LEN {
            return;
        }
        let alone = local_alone && local.chars().count() >= MIN_LEN && !ROLE_NAMES.contains(&local);
        let entry = (local.to_owned(), domain.to_owned(), alone);
        if !self.addresses.contains(&entry) {
            self.addresses.push(entry);
        }
    }

    /// A person's name (a display name, a signature): the whole name, and with `by_word` each of its words
    /// of three or more letters that is not a common word of organisations' names.
    pub fn add_name(&mut self, name: &str, by_word: bool) {
        let written = decode_words(name);
        let by_word = by_word && person_like(&written);
        let name = written.trim().trim_matches(['"', '\'']).trim().to_lowercase();
        if name.contains('@') {
            self.add_address(&name, by_word);
            return;
        }
        if name.chars().count() >= MIN_LEN {
            push_unique(&mut self.words, name.clone());
        }
        if by_word {
            for word in name.split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'') {
                if word.chars().count() >= 3 && !COMMON_WORDS.contains(&word) && !word.chars().all(|c| c.is_ascii_digit()) {
                    push_unique(&mut self.words, word.to_owned());
                }
            }
        }
    }

    /// A reporter's reference for a report (never shown to the customer).
    pub fn add_reference(&mut self, reference: &str) {
        let r = reference.trim().to_lowercase();
        if r.chars().count() >= MIN_LEN {
            push_unique(&mut self.references, r);
        }
    }

    /// Adds all of `other`'s identities.
    pub fn extend(&mut self, other: &Identities) {
        for a in &other.addresses {
            if !self.addresses.contains(a) {
                self.addresses.push(a.clone());
            }
        }
        for w in &other.words {
            push_unique(&mut self.words, w.clone());
        }
        for r in &other.references {
            push_unique(&mut self.references, r.clone());
        }
    }

    /// The identities as plain strings, for the masking rules (`redact_message`'s desk identities).
    pub fn literals(&self) -> Vec<String> {
        let addresses = self.addresses.iter().map(|(l, d, _)| format!("{l}@{d}"));
        addresses.chain(self.words.iter().cloned()).chain(self.references.iter().cloned()).collect()
    }

    /// What in `text` names a complainant, after decoding it every way the guard knows; `None` if nothing.
    pub fn found_in(&self, text: &str) -> Option<&'static str> {
        if self.addresses.is_empty() && self.words.is_empty() && self.references.is_empty() {
            return None;
        }
        decoded_forms(text).iter().find_map(|form| self.found_in_form(form))
    }

    fn found_in_form(&self, form: &str) -> Option<&'static str> {
        for (local, domain, alone) in &self.addresses {
            let forms = [format!("{local}@{domain}"), format!("{local}={domain}"), format!("{domain}={local}")];
            if forms.iter().any(|f| form.contains(f.as_str())) || (*alone && has_word(form, local)) {
                return Some("a complainant's address");
            }
        }
        if self.words.iter().any(|w| has_word(form, w)) {
            return Some("a complainant's name");
        }
        if self.references.iter().any(|r| has_word(form, r)) {
            return Some("a reporter's reference");
        }
        None
    }
}

/// Words that make a display name an organisation's ("CERT Example", "Example Abuse Team").
const ORGANISATION_WORDS: [&str; 24] = [
    "abuse", "team", "cert", "csirt", "security", "noc", "soc", "network", "networks", "inc", "ltd", "llc", "gmbh",
    "corp", "report", "reports", "service", "services", "monitoring", "alerts", "robot", "system", "daemon", "server",
];

/// Whether a display name reads like a person's ("Joe Bloggs", "Józef Müller"), whose words each identify
/// them, rather than an organisation's, whose words are ordinary words ("CERT Example", "Abuse Team").
fn person_like(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric())).collect();
    let acronym = |w: &str| w.chars().count() >= 2 && w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit());
    !words.is_empty()
        && words.len() <= 4
        && !words.iter().any(|w| acronym(w) || ORGANISATION_WORDS.contains(&w.to_lowercase().as_str()))
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// Whether `needle` occurs in `haystack` with no letter or digit directly before or after it.
fn has_word(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(at) = haystack.get(from..).and_then(|h| h.find(needle)) {
        let start = from + at;
        let end = start + needle.len();
        let before = haystack.get(..start).and_then(|h| h.chars().next_back());
        let after = haystack.get(end..).and_then(|h| h.chars().next());
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return true;
        }
        from = start + needle.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// `text` read every way it could be meant, lowercased: as written, with RFC 2047 words decoded, as HTML
/// (tags removed, entities decoded), percent-decoded twice, quoted-printable decoded, with `at`/`dot`
/// spelled out, and the base64 runs in it decoded.
pub(super) fn decoded_forms(text: &str) -> Vec<String> {
    let words = decode_words(text);
    let html = crate::parse::html::decode_entities(&strip_tags(&words));
    // Entities can hide tags and tags can hide entities: once more each way.
    let html = crate::parse::html::decode_entities(&strip_tags(&html));
    let percent = percent_decode(&percent_decode(&html));
    let qp = to_utf8(&decode_quoted_printable(percent.as_bytes()), None);
    let spelled = spell_out(&percent.to_lowercase());
    let mut forms = vec![text.to_lowercase(), words.to_lowercase(), html.to_lowercase(), percent.to_lowercase(), qp.to_lowercase(), spelled];
    let mut decoded = String::new();
    for source in [text, percent.as_str()] {
        for run in base64_runs(source) {
            let bytes = decode_base64(run.replace('-', "+").replace('_', "/").as_bytes());
            if let Ok(s) = std::str::from_utf8(&bytes) {
                decoded.push_str(s);
                decoded.push(' ');
            }
        }
    }
    if !decoded.is_empty() {
        let inner = percent_decode(&crate::parse::html::decode_entities(&decoded));
        forms.push(inner.to_lowercase());
    }
    forms
}

/// `text` with every `<…>` tag removed (not replaced by a space: `joe<b>@</b>example.com` is one address).
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        out.push_str(rest.get(..lt).unwrap_or_default());
        let tail = rest.get(lt + 1..).unwrap_or_default();
        // Only something tag-shaped (a letter, `/` or `!` first) is a tag; `<joe@example.com>` is not.
        let tag_like = tail.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match tail.find('>').filter(|_| tag_like) {
            Some(gt) if !tail.get(..gt).unwrap_or_default().contains('@') => rest = tail.get(gt + 1..).unwrap_or_default(),
            _ => {
                out.push('<');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `joe at example dot com`, `joe [at] example [dot] com` and `joe(at)example(dot)com` as an address.
fn spell_out(lower: &str) -> String {
    let mut s = lower.to_owned();
    for (from, to) in [(" [at] ", "@"), ("[at]", "@"), ("(at)", "@"), (" at ", "@"), (" [dot] ", "."), ("[dot]", "."), ("(dot)", "."), (" dot ", ".")] {
        s = s.replace(from, to);
    }
    s
}

/// Runs of base64 characters (either alphabet) long enough to hold an address.
fn base64_runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_'))).filter(|r| r.len() >= 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joe() -> Identities {
        let mut ids = Identities::default();
        ids.add_address("Joe.Bloggs@example.com", true);
        ids.add_name("Joe Bloggs", true);
        ids.add_reference("7012345678");
        ids
    }

    #[test]
    fn every_encoding_of_the_address_is_found() {
        let ids = joe();
        for hidden in [
            "plain joe.bloggs@example.com here",
            "<mailto:unsub-joe.bloggs=example.com@lists.shop.test>",
            "Return-Path: <bounce+joe.bloggs=example.com@mailer.test>",
            "SRS0=HHH=TT=example.com=joe.bloggs@forwarder.test",
            "https://t.test/u?e=joe.bloggs%40example.com",
            "https://t.test/u?e=joe.bloggs%2540example.com",
            "https://t.test/u?t=am9lLmJsb2dnc0BleGFtcGxlLmNvbQ==&x=1",
            "https://t.test/u?t=am9lLmJsb2dnc0BleGFtcGxlLmNvbQ",
            "=?utf-8?B?am9lLmJsb2dnc0BleGFtcGxlLmNvbQ==?=",
            "joe.bloggs&#64;example.com",
            "joe.bloggs&commat;example&period;com",
            "joe.bloggs<span>@</span>example.com",
            "joe.bloggs=40example.com",
            "JOE.BLOGGS [at] example [dot] com",
            "Hello Joe, welcome",
            "Dear Bloggs",
            "SpamCop id:7012345678",
        ] {
            assert!(ids.found_in(hidden).is_some(), "{hidden}");
        }
        for clean in ["Buy cheap watches at shop.test", "10.0.0.1 port 25", "joel@elsewhere.test", "SpamCop report"] {
            assert_eq!(ids.found_in(clean), None, "{clean}");
        }
    }

    #[test]
    fn long_encoded_words_and_non_ascii_addresses_are_found() {
        let mut ids = Identities::default();
        ids.add_address("józef.müller@bücher.example", true);
        let b64 = "=?utf-8?B?".to_owned() + &"QUFB".repeat(80) + "IGrDs3plZi5tw7xsbGVyQGLDvGNoZXIuZXhhbXBsZQ==?=";
        assert!(ids.found_in(&b64).is_some());
        assert!(ids.found_in("To: JÓZEF.MÜLLER@BÜCHER.EXAMPLE").is_some());
        assert!(ids.found_in("jozef.muller@bucher.example").is_none());
    }

    #[test]
    fn role_mailboxes_and_short_parts_do_not_shred_text() {
        let mut ids = Identities::default();
        ids.add_address("abuse@reporter.test", true);
        ids.add_address("feedback@arf.robot.test", false);
        ids.add_name("Abuse Team", true);
        assert_eq!(ids.found_in("abuse of our network; feedback welcome"), None);
        assert!(ids.found_in("abuse@reporter.test").is_some());
    }
}

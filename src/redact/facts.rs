//! What the message says about who is who: the complainant's identities and the sender's domains.
//!
//! Identities are collected before anything is replaced, from the desk (`extra_identities`) and from the
//! message itself (the addresses of rules 1 and 2, in every header block, attached messages included).
//! They are then hidden everywhere, headers too, and beat the sender-domain exemption of rule 3: a spammer
//! who forges the victim's address as From, or a complainant at the same freemail domain as the spammer,
//! must not make the complainant's address visible.

use std::collections::HashSet;

use super::headers::{for_spans, recipient_spans, FieldKind};
use super::scan::{addresses, is_local_char, Address};
use super::units::{Kind, Unit};
use super::MARKER;

/// Shorter desk identities are not matched as plain text: they would shred ordinary words.
const MIN_LITERAL: usize = 4;

/// Mailbox names too common to remove on their own: `abuse` of `abuse@isp.example` is not a person.
const ROLE_NAMES: [&str; 18] = [
    "abuse",
    "admin",
    "billing",
    "contact",
    "help",
    "hostmaster",
    "info",
    "mail",
    "noreply",
    "no-reply",
    "office",
    "postmaster",
    "reports",
    "root",
    "sales",
    "security",
    "spam",
    "support",
];

/// A plain-text form of a desk identity.
#[derive(Debug)]
struct Literal {
    /// ASCII-lowercased.
    needle: String,
    /// Only where it stands alone (a local part, a name), not inside a longer word.
    whole_word: bool,
}

/// The complainant's identities and the sender's domains of one message.
#[derive(Debug, Default)]
pub(super) struct Facts {
    /// Addresses as [`Address::key`]s.
    identities: HashSet<String>,
    /// Domains of the reported message's From and Return-Path, lowercased.
    sender_domains: Vec<String>,
    literals: Vec<Literal>,
}

impl Facts {
    /// Reads the identities and sender domains out of the classified message.
    pub(super) fn collect(units: &[Unit<'_>], extra_identities: &[&str]) -> Facts {
        let mut facts = Facts::default();
        for extra in extra_identities {
            facts.add_extra(extra);
        }
        // Whole addresses first, so that a local part is never replaced out of an address, leaving its domain.
        facts.literals.sort_by_key(|l| l.whole_word);
        for unit in units {
            let spans = match unit.kind {
                Kind::Field(FieldKind::Recipient) => recipient_spans(unit.text),
                Kind::Field(FieldKind::Received) => for_spans(unit.text),
                _ => continue,
            };
            for (start, end) in spans {
                let part = unit.text.get(start..end).unwrap_or_default();
                facts.identities.extend(addresses(part).into_iter().map(|a| a.key));
            }
        }
        // The sender is the author of the reported message. In a complaint that embeds it, the outermost
        // From is the reporter (or a feedback-loop robot), so it counts only when nothing is embedded.
        let senders = |top: bool| {
            units
                .iter()
                .filter(|u| u.top == top && u.kind == Kind::Field(FieldKind::Evidence))
                .filter(|u| matches!(u.name.as_deref(), Some("from" | "return-path")))
                .flat_map(|u| addresses(u.text))
                .filter(|a| a.strict && !facts.is_identity(a))
                .map(|a| a.domain)
                .collect::<Vec<_>>()
        };
        let embedded = senders(false);
        facts.sender_domains = if embedded.is_empty() { senders(true) } else { embedded };
        facts
    }

    /// A desk identity: an address is hidden wherever the scanner finds it (also percent-encoded) and as
    /// plain text; its local part alone as a whole word when at least [`MIN_LITERAL`] characters and not a
    /// role name. Anything else (a name, a customer number) is hidden as a whole word.
    fn add_extra(&mut self, extra: &str) {
        let extra = extra.trim().trim_start_matches('<').trim_end_matches('>').trim();
        if extra.len() < MIN_LITERAL {
            return;
        }
        let lower = extra.to_ascii_lowercase();
        match lower.split_once('@') {
            Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
                self.identities.insert(lower.clone());
                self.literals.push(Literal { needle: format!("{local}%40{domain}"), whole_word: false });
                if local.len() >= MIN_LITERAL && !ROLE_NAMES.contains(&local) {
                    self.literals.push(Literal { needle: local.to_string(), whole_word: true });
                }
                self.literals.push(Literal { needle: lower, whole_word: false });
            }
            _ => self.literals.push(Literal { needle: lower, whole_word: true }),
        }
    }

    fn is_identity(&self, address: &Address) -> bool {
        // Rule 5: SpamCop's per-report addresses (`1234@reports.spamcop.net`) relay mail to the reporter.
        self.identities.contains(&address.key) || is_spamcop(&address.domain)
    }

    /// Whether `address` is hidden: always if it is an identity; in body text (and in links) also every
    /// Internet address outside the sender's domains (rule 3).
    pub(super) fn hides(&self, address: &Address, body: bool) -> bool {
        self.is_identity(address) || (body && address.strict && !self.is_sender_domain(&address.domain))
    }

    /// The sender's own domain: equal to a From/Return-Path domain, or one is a subdomain of the other
    /// (`bounce.shop.example` sends for `shop.example`).
    fn is_sender_domain(&self, domain: &str) -> bool {
        self.sender_domains.iter().any(|d| d == domain || is_subdomain(domain, d) || is_subdomain(d, domain))
    }

    /// `text` with every plain-text occurrence of a desk identity replaced (ASCII case-insensitive).
    pub(super) fn strip_literals(&self, mut text: String) -> (String, usize) {
        let mut count = 0;
        for literal in &self.literals {
            let (replaced, n) = replace_literal(&text, literal);
            text = replaced;
            count += n;
        }
        (text, count)
    }
}

/// SpamCop's own domain or one under it.
pub(super) fn is_spamcop(host: &str) -> bool {
    host == "spamcop.net" || host.ends_with(".spamcop.net")
}

fn is_subdomain(child: &str, parent: &str) -> bool {
    parent.contains('.') && child.len() > parent.len() && child.ends_with(parent) && {
        child.as_bytes().get(child.len() - parent.len() - 1) == Some(&b'.')
    }
}

fn replace_literal(text: &str, literal: &Literal) -> (String, usize) {
    // ASCII lowercasing keeps every byte offset, so positions found in `lower` are valid in `text`.
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut pos, mut from, mut count) = (0, 0, 0);
    while let Some(found) = lower.get(from..).and_then(|rest| rest.find(&literal.needle)) {
        let start = from + found;
        let end = start + literal.needle.len();
        let standalone = !literal.whole_word || (word_edge(bytes, start, true) && word_edge(bytes, end, false));
        match text.get(pos..start) {
            Some(kept) if standalone => {
                out.push_str(kept);
                out.push_str(MARKER);
                pos = end;
                from = end;
                count += 1;
            }
            _ => from = start + lower.get(start..).and_then(|r| r.chars().next()).map_or(1, char::len_utf8),
        }
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    (out, count)
}

/// Whether a whole word may begin (`before`) or end at `at`: the neighbour is not part of an address-like
/// word. A dot counts as a word character only between two such characters (`joe.smith` is one word,
/// `joe.` at the end of a sentence is not).
fn word_edge(bytes: &[u8], at: usize, before: bool) -> bool {
    let neighbour = if before { at.checked_sub(1).and_then(|i| bytes.get(i)) } else { bytes.get(at) };
    match neighbour {
        None => true,
        Some(b'.') => {
            let beyond = if before { at.checked_sub(2).and_then(|i| bytes.get(i)) } else { bytes.get(at + 1) };
            !beyond.is_some_and(|&b| b.is_ascii_alphanumeric())
        }
        Some(&b) => !is_local_char(b),
    }
}

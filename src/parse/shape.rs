//! The shape of a message no rule understood: who sent it (the sender's domain) and its Subject with the
//! parts that vary from one report to the next (numbers, addresses, ids, domains) replaced by `#`. Messages
//! of one shape are one reporter's template: the desk counts them to see which reporter to teach next.

use super::mime;
use super::text;

/// A Subject with its variable parts replaced: `[CERT#2024-77] Abuse from 198.51.100.7` →
/// `[cert##] abuse from #`.
pub(crate) fn subject_shape(subject: &str) -> String {
    let mut out = String::new();
    for token in text::refang(subject).split_whitespace() {
        let lower = token.to_lowercase();
        let domain = lower.trim_end_matches(['.', ',', ':']).contains('.');
        let variable = lower.chars().any(|c| c.is_ascii_digit()) || domain;
        let word: String = if domain {
            "#".to_owned()
        } else if variable {
            // Keep the punctuation around a variable token so "[#]" still reads as a tag.
            let lead: String = lower.chars().take_while(|c| !c.is_alphanumeric()).collect();
            let stem: String = lower.chars().skip(lead.len()).take_while(|c| c.is_alphabetic()).collect();
            format!("{lead}{stem}#")
        } else {
            lower
        };
        if !(word.ends_with('#') && out.ends_with("# ") && word.trim_matches(|c: char| !c.is_alphanumeric()) == "#") {
            out.push_str(&word);
            out.push(' ');
        }
    }
    out.trim_end().chars().take(120).collect()
}

/// Who sent a message and the template its Subject follows: what the desk groups not-recognised mail by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageShape {
    /// The From address's domain, lower-case; `(no sender)` when there is none, `(unreadable)` when the
    /// headers could not be read. Never empty, so an empty domain in a filter can mean "no filter".
    pub sender_domain: String,
    /// [`subject_shape`] of the Subject (empty when there is no Subject).
    pub subject_shape: String,
}

impl MessageShape {
    /// The shape of a message whose headers could not be read: one group, not a missing value, so a
    /// stored row without a shape always means "not computed yet".
    pub fn unreadable() -> Self {
        MessageShape { sender_domain: "(unreadable)".to_owned(), subject_shape: String::new() }
    }
}

/// The shape of a raw message, or [`MessageShape::unreadable`]. Only the header block is parsed (the
/// body can be megabytes and says nothing about the shape), so this costs little next to parsing the
/// message, and it runs for every message stored.
pub fn message_shape(raw: &[u8]) -> MessageShape {
    let mut bytes = mime::normalize(raw);
    if let Some(end) = bytes.windows(2).position(|w| w == b"\n\n") {
        bytes.truncate(end + 2);
    }
    // A message with no blank line is all headers to the parser: still bounded as every reader is.
    if mime::containers(&bytes) > mime::MAX_CONTAINERS {
        return MessageShape::unreadable();
    }
    let Some(msg) = mime::parse(&bytes) else { return MessageShape::unreadable() };
    let domain = mime::sender(&msg).domain().filter(|d| !d.is_empty());
    MessageShape {
        sender_domain: domain.unwrap_or_else(|| "(no sender)".to_owned()),
        subject_shape: subject_shape(&mime::subject(&msg)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_parts_are_replaced() {
        assert_eq!(subject_shape("[CERT#2024-77] Abuse from 198.51.100[.]7"), "[cert# abuse from #");
        assert_eq!(subject_shape("Abuse from 198.51.100.9"), subject_shape("Abuse from 203.0.113.4"));
        assert_eq!(subject_shape("Phishing site shop.example.com reported"), "phishing site # reported");
    }

    #[test]
    fn the_shape_is_read_from_the_headers_alone() {
        let raw = b"From: CERT <Alerts@Example.ORG>\r\nSubject: Abuse from 198.51.100.7\r\n\r\nFrom: x@y.z\r\n";
        let shape = message_shape(raw);
        assert_eq!(shape.sender_domain, "example.org");
        assert_eq!(shape.subject_shape, "abuse from #");
        assert_eq!(message_shape(b"Subject: hi\n\nbody").sender_domain, "(no sender)");
    }
}

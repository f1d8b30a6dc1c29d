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

/// (sender domain, Subject shape) of a raw message, `None` when it cannot be read.
pub fn message_shape(raw: &[u8]) -> Option<(String, String)> {
    let bytes = mime::normalize(raw);
    if mime::containers(&bytes) > mime::MAX_CONTAINERS {
        return None;
    }
    let msg = mime::parse(&bytes)?;
    let domain = mime::sender(&msg).domain().unwrap_or_else(|| "(no sender)".to_owned());
    Some((domain, subject_shape(&mime::subject(&msg))))
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
}

//! Content fingerprints: a hex SHA-256 of an original message's normalised body, so that complaints
//! about the same mailing can be grouped even when every copy was personalised.
//!
//! Normalisation (the fingerprint's definition; changing it changes every stored fingerprint):
//! 1. the decoded body text (transfer encoding and charset undone; HTML-only bodies converted to text);
//! 2. split on white space, so all runs of white space count as one;
//! 3. each word lower-cased;
//! 4. per-recipient tokens removed: e-mail addresses are dropped; URLs keep scheme, host and path but lose
//!    query and fragment (tracking parameters), and path segments that look like tokens are dropped;
//!    any other word of 12 or more characters that contains a digit is dropped (hashes, ids, codes);
//! 5. the remaining words joined with single spaces.
//!
//! An empty result (no body, or nothing but tokens) has no fingerprint.

use sha2::{Digest, Sha256};

/// Words of this length or longer that contain a digit are treated as per-recipient tokens.
const TOKEN_MIN_LEN: usize = 12;

fn is_token(word: &str) -> bool {
    word.chars().count() >= TOKEN_MIN_LEN && word.chars().any(|c| c.is_ascii_digit())
}

fn is_email(word: &str) -> bool {
    word.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
}

fn normalize_url(word: &str) -> Option<String> {
    let (scheme, rest) = word.split_once("://")?;
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let mut segments = rest.split('/');
    let host = segments.next().unwrap_or_default();
    let mut out = format!("{scheme}://{host}");
    for segment in segments.filter(|s| !s.is_empty() && !is_token(s)) {
        out.push('/');
        out.push_str(segment);
    }
    Some(out)
}

/// The normalised form of `body` (see the module documentation).
pub(crate) fn normalize(body: &str) -> String {
    let mut out = Vec::new();
    for word in body.split_whitespace() {
        let word = word.to_lowercase();
        let trimmed = word.trim_matches(|c: char| matches!(c, '<' | '>' | '(' | ')' | '"' | '\'' | ',' | ';'));
        if is_email(trimmed.trim_start_matches("mailto:")) {
            continue;
        }
        if let Some(url) = normalize_url(trimmed) {
            out.push(url);
        } else if !is_token(trimmed) {
            out.push(word);
        }
    }
    out.join(" ")
}

/// The fingerprint of `body`, or `None` when nothing is left after normalisation.
pub(crate) fn of_body(body: &str) -> Option<String> {
    let normalized = normalize(body);
    (!normalized.is_empty()).then(|| hex::encode(Sha256::digest(normalized.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personalised_copies_get_the_same_fingerprint() {
        let a = "Dear alice@example.com,\r\n  Buy NOW at http://shop.example/p/offer?uid=8f7e6d5c4b3a&x=1  Code: A1B2C3D4E5F6G7\n";
        let b = "dear BOB@example.org, buy now at\thttp://shop.example/p/offer?uid=11111 code: ZZ99ZZ99ZZ99ZZ";
        assert_eq!(normalize(a), "dear buy now at http://shop.example/p/offer code:");
        assert_eq!(of_body(a), of_body(b));
    }

    #[test]
    fn different_content_differs_and_empty_has_none() {
        assert_ne!(of_body("buy watches"), of_body("buy pills"));
        assert_eq!(of_body(" \n\t "), None);
        assert_eq!(of_body("bob@example.com 0123456789abcdef"), None);
        assert_eq!(of_body("x").map(|f| f.len()), Some(64));
    }

    #[test]
    fn token_like_path_segments_are_dropped() {
        assert_eq!(normalize("https://t.example/u/9f8e7d6c5b4a3f2e/unsubscribe"), "https://t.example/u/unsubscribe");
    }
}

//! A heuristic for "the message carries a postal address", as the CAN-SPAM Act asks of commercial mail.
//!
//! Deliberately simple and English-centric: a line counts when it has a house number followed closely by
//! a street word (`12 Main Street`, `1 Elm Ave.`), a suite or post-office box with a number (`Suite 200`,
//! `P.O. Box 17`), a US state code with a ZIP code (`CA 94043`, `NY 10001-1234`) or a UK postcode
//! (`SW1A 1AA`). It misses addresses in other conventions (`C/Partida Rachina s/n`) and can be fooled by
//! text that happens to look like one, so the analyst reads the line it found before relying on it.

/// Street words that follow a house number.
const STREET_WORDS: [&str; 14] = [
    "street",
    "st",
    "avenue",
    "ave",
    "road",
    "rd",
    "blvd",
    "boulevard",
    "lane",
    "ln",
    "drive",
    "dr",
    "parkway",
    "pkwy",
];

/// How many words may stand between the house number and the street word (`12 North Main Street`).
const STREET_WORD_REACH: usize = 3;

/// The USPS codes of the states, DC and the territories.
const US_STATES: [&str; 56] = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME",
    "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA",
    "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "PR", "GU", "VI", "AS", "MP",
];

/// Longer lines are shown cut to about this many bytes around the match.
const EXCERPT: usize = 160;

/// The first line of `text` that looks like part of a postal address, trimmed (long lines cut around
/// the match).
pub(super) fn find(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let at = match_at(&words(line))?;
        Some(excerpt(line, at))
    })
}

/// The words of a line with their byte offsets; commas and semicolons separate words too.
fn words(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        let separator = c.is_whitespace() || c == ',' || c == ';';
        match (separator, start) {
            (true, Some(s)) => {
                out.push((s, line.get(s..i).unwrap_or_default()));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, line.get(s..).unwrap_or_default()));
    }
    out
}

/// The byte offset where an address pattern starts in a line's words.
fn match_at(words: &[(usize, &str)]) -> Option<usize> {
    let word = |i: usize| words.get(i).map_or("", |(_, w)| *w);
    (0..words.len()).find_map(|i| {
        let (offset, w) = words.get(i).copied()?;
        let plain = w.trim_end_matches('.').to_ascii_lowercase();
        let street = is_house_number(w)
            && (1..=STREET_WORD_REACH + 1)
                .any(|k| STREET_WORDS.contains(&word(i + k).trim_end_matches('.').to_ascii_lowercase().as_str()));
        let suite = matches!(plain.as_str(), "suite" | "ste") && is_house_number(word(i + 1));
        let po_box = matches!(plain.replace('.', "").as_str(), "po" | "p o")
            && word(i + 1).eq_ignore_ascii_case("box")
            && is_house_number(word(i + 2));
        let zip = US_STATES.contains(&w) && is_zip(word(i + 1));
        let postcode = is_uk_outward(w) && is_uk_inward(word(i + 1));
        (street || suite || po_box || zip || postcode).then_some(offset)
    })
}

/// `12`, `1600`, `12B`: one to six digits, perhaps one letter.
fn is_house_number(w: &str) -> bool {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    (1..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && w.len() - digits.len() <= 1
}

/// `94043` or `94043-1351`.
fn is_zip(w: &str) -> bool {
    let w = w.trim_end_matches('.');
    let (five, four) = w.split_once('-').unwrap_or((w, "0000"));
    five.len() == 5 && four.len() == 4 && five.bytes().chain(four.bytes()).all(|b| b.is_ascii_digit())
}

/// The outward half of a UK postcode: one or two capitals, a digit, perhaps a capital or digit
/// (`M1`, `B33`, `SW1A`, `EC1A`).
fn is_uk_outward(w: &str) -> bool {
    let b = w.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let rest = b.get(letters..).unwrap_or_default();
    (1..=2).contains(&letters)
        && match rest {
            [d] => d.is_ascii_digit(),
            [d, x] => d.is_ascii_digit() && (x.is_ascii_digit() || x.is_ascii_uppercase()),
            _ => false,
        }
}

/// The inward half of a UK postcode: a digit and two capitals (`1AA`).
fn is_uk_inward(w: &str) -> bool {
    matches!(w.trim_end_matches('.').as_bytes(), [d, a, b] if d.is_ascii_digit() && a.is_ascii_uppercase() && b.is_ascii_uppercase())
}

/// The trimmed line, or for a long one (HTML flattened to a single line) about [`EXCERPT`] bytes from a
/// little before the match.
fn excerpt(line: &str, at: usize) -> String {
    let line_trimmed = line.trim();
    if line_trimmed.len() <= EXCERPT {
        return line_trimmed.to_owned();
    }
    let mut start = at.saturating_sub(EXCERPT / 4);
    while !line.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + EXCERPT).min(line.len());
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    format!("…{}…", line.get(start..end).unwrap_or_default().trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_addresses_are_found() {
        assert_eq!(
            find("Acme Inc.\n1600 Main Street, Springfield\n").as_deref(),
            Some("1600 Main Street, Springfield")
        );
        assert!(find("12B North Elm Rd.").is_some());
        assert!(find("1 Infinite Loop Blvd").is_some());
        assert!(find("Suite 200").is_some());
        assert!(find("P.O. Box 17, Anytown").is_some());
        assert!(find("PO Box 4432").is_some());
    }

    #[test]
    fn us_zip_and_uk_postcodes_are_found() {
        assert!(find("Mountain View, CA 94043").is_some());
        assert!(find("New York, NY 10001-1234").is_some());
        assert!(find("London SW1A 1AA").is_some());
        assert!(find("Manchester M1 1AE, United Kingdom").is_some());
    }

    #[test]
    fn ordinary_text_is_not_an_address() {
        assert_eq!(find("Buy 3 get one free!\nCall 555 1234 now"), None);
        assert_eq!(find("Order 94043 shipped; see ca 94043"), None, "lower-case is not a state code");
        assert_eq!(find("We have 12 great offers on the street today"), None, "the street word is too far away");
        assert_eq!(find("Suite of tools"), None);
        assert_eq!(find("C/Partida Rachina s/n 12130 San Juan de Moró, Castellón, España"), None);
        assert_eq!(find(""), None);
    }

    #[test]
    fn a_long_line_is_cut_around_the_match() {
        let line = format!("{} 77 Sunset Boulevard, Los Angeles {}", "x".repeat(500), "é".repeat(300));
        let found = find(&line).unwrap();
        assert!(found.contains("77 Sunset Boulevard"), "{found}");
        assert!(found.len() < EXCERPT + 10, "{}", found.len());
    }
}

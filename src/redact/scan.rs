//! Hand-written scanners for e-mail addresses and URLs in free text.
//!
//! There is no regular expression here: each scanner walks the text forward once. An address's local part
//! is found by looking back from its `@`, but never past the end of the previous `@` considered, so no byte
//! is looked at more than a bounded number of times and a megabyte of `a@a@a@…` stays linear. Addresses
//! may be internationalised (RFC 6530: `józef@bücher.example`): non-ASCII letters and digits belong to
//! them, walked a whole character at a time, so every position returned is a character boundary.

/// An address-shaped token: `local@domain`, where the `@` may also be written `%40` (or `%2540`, encoded
/// twice), as it is in URLs.
#[derive(Debug)]
pub(super) struct Address {
    /// Byte range of the whole token in the scanned text.
    pub(super) start: usize,
    pub(super) end: usize,
    /// `local@domain`, percent-decoded and ASCII-lowercased: the form identities are compared in.
    pub(super) key: String,
    /// The domain, ASCII-lowercased.
    pub(super) domain: String,
    /// The domain has a dot and an alphabetic top-level label, so the token is a real Internet address
    /// rather than `user@localhost`, an SMTP id or a munged `redacted@`.
    pub(super) strict: bool,
}

/// Characters taken into a local part. Deliberately narrower than RFC 5322's atext: `=`, `/`, `?`, `'`
/// and friends mostly appear around addresses (`receiver=joe@…`, `?e=joe@…`, `'joe@…'`), not inside them.
/// `%` is included so that an encoded `+` (`joe%2Btag@…`) stays part of the address.
pub(super) fn is_local_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-' | b'%')
}

fn is_domain_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

/// The length of the `@` (or encoded `@`) starting at `i`, if one does.
fn at_sign(bytes: &[u8], i: usize) -> Option<usize> {
    let rest = bytes.get(i..)?;
    if rest.first() == Some(&b'@') {
        Some(1)
    } else if rest.starts_with(b"%40") {
        Some(3)
    } else if rest.starts_with(b"%2540") {
        Some(5)
    } else {
        None
    }
}

/// Every address-shaped token in `text`, in order, never overlapping. A token needs a non-empty local part
/// and a non-empty domain; whether it is [`Address::strict`] is for the caller to weigh.
pub(super) fn addresses(text: &str) -> Vec<Address> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // Nothing left of `floor` belongs to a later token: it is the end of the last `@` looked at.
    let mut floor = 0;
    let mut i = 0;
    while i < bytes.len() {
        let Some(at_len) = at_sign(bytes, i) else {
            i += 1;
            continue;
        };
        let mut start = i;
        while start > floor {
            match text.get(..start).and_then(|t| t.chars().next_back()) {
                Some(c) if in_address(c, is_local_char) => start -= c.len_utf8(),
                _ => break,
            }
        }
        // A local part never starts with a dot ("see...joe@x" means "joe@x").
        while start < i && bytes.get(start) == Some(&b'.') {
            start += 1;
        }
        let domain_start = i + at_len;
        let mut end = domain_start;
        while let Some(c) = text.get(end..).and_then(|t| t.chars().next()).filter(|&c| in_address(c, is_domain_char)) {
            end += c.len_utf8();
        }
        while end > domain_start && bytes.get(end - 1).is_some_and(|&b| b == b'.' || b == b'-') {
            end -= 1;
        }
        floor = domain_start;
        // `a@b@c.example`: what follows this `@` is the local part of the next address, not a domain.
        let chained = at_sign(bytes, end).is_some();
        if start < i && end > domain_start && !chained {
            let local = percent_decode(text.get(start..i).unwrap_or_default());
            let domain = text.get(domain_start..end).unwrap_or_default().to_ascii_lowercase();
            let key = format!("{}@{domain}", local.to_ascii_lowercase());
            found.push(Address { start, end, key, strict: is_internet_domain(&domain), domain });
            floor = end;
            i = end;
        } else {
            i = domain_start;
        }
    }
    found
}

/// Whether `c` belongs to an address: an ASCII character `ascii` accepts, or a non-ASCII letter or digit.
fn in_address(c: char, ascii: fn(u8) -> bool) -> bool {
    if c.is_ascii() {
        u8::try_from(c).is_ok_and(ascii)
    } else {
        c.is_alphanumeric()
    }
}

/// `example.com`, `mail.example.co.uk`, `xn--bcher-kva.example`: dotted, no empty label, and a top-level
/// label that is letters (or an IDN `xn--` label).
fn is_internet_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let Some(tld) = labels.last() else { return false };
    labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.len() <= 63)
        && (tld.starts_with("xn--") || (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic)))
}

/// Percent-decoding for matching, never failing: a `%` not followed by two hex digits stays as it is, and
/// bytes that do not form UTF-8 become U+FFFD.
pub(super) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match (bytes.get(i), bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(&b'%'), Some(&h), Some(&l)) => hex(h).zip(hex(l)).map(|(h, l)| (h << 4) | l),
            _ => None,
        };
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.extend(bytes.get(i).copied());
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// The schemes whose links are looked inside; others (`ftp:`, `tel:`) are left to the address scanner.
const SCHEMES: [&[u8]; 3] = [b"http://", b"https://", b"mailto:"];

/// Byte ranges of the `http://`, `https://` and `mailto:` links in `text` (scheme case-insensitive).
///
/// A link ends at whitespace, a control character, a quote, `<`, `>`, a backtick, a backslash or any
/// non-ASCII character (typographic punctuation after a link is common, IRIs in spam are not); trailing
/// sentence punctuation and a closing bracket that was not opened inside the link are left out.
pub(super) fn url_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || bytes.get(i - 1).is_some_and(|b| !b.is_ascii_alphanumeric());
        let scheme = SCHEMES
            .iter()
            .find(|s| bytes.get(i..i + s.len()).is_some_and(|candidate| candidate.eq_ignore_ascii_case(s)));
        let Some(scheme) = scheme.filter(|_| boundary) else {
            i += 1;
            continue;
        };
        let body = i + scheme.len();
        let mut end = body;
        while bytes.get(end).is_some_and(|&b| is_url_char(b)) {
            end += 1;
        }
        end = trim_url_end(bytes, i, end);
        if end > body {
            spans.push((i, end));
            i = end;
        } else {
            i = body;
        }
    }
    spans
}

fn is_url_char(b: u8) -> bool {
    b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'<' | b'>' | b'`' | b'\\')
}

fn trim_url_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    let span = bytes.get(start..end).unwrap_or_default();
    let count = |c: u8| span.iter().filter(|&&b| b == c).count();
    let (open_paren, mut close_paren) = (count(b'('), count(b')'));
    let (open_bracket, mut close_bracket) = (count(b'['), count(b']'));
    while end > start {
        let Some(&last) = bytes.get(end - 1) else { break };
        let trim = match last {
            b')' => open_paren < close_paren,
            b']' => open_bracket < close_bracket,
            b'.' | b',' | b';' | b':' | b'!' | b'?' => true,
            _ => false,
        };
        if !trim {
            break;
        }
        close_paren -= usize::from(last == b')');
        close_bracket -= usize::from(last == b']');
        end -= 1;
    }
    end
}

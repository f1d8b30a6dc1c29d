//! Transfer and header encodings undone leniently: base64, quoted-printable, RFC 2047 encoded words and
//! charsets. Real mail breaks all of them (stray characters, missing padding, a lone `=`), so nothing here
//! fails: what cannot be decoded is kept as it is. Charset tables are mail-parser's.

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::charsets::map::charset_decoder;

/// Base64 that tolerates what real mail contains: line breaks, stray characters and missing padding.
pub(super) fn decode_base64(body: &[u8]) -> Vec<u8> {
    let clean: Vec<u8> =
        body.iter().copied().filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/')).collect();
    base64_decode(&clean).unwrap_or_default()
}

/// Quoted-printable (RFC 2045 §6.7) that keeps a malformed `=` as it is instead of failing.
pub(super) fn decode_quoted_printable(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        let (h, l) = (body.get(i + 1).copied(), body.get(i + 2).copied());
        if let Some(byte) = h.zip(l).and_then(|(h, l)| Some((hex(h)? << 4) | hex(l)?)) {
            out.push(byte);
            i += 3;
        } else if let Some(eol) = soft_break(body, i + 1) {
            i = eol;
        } else {
            out.push(b);
            i += 1;
        }
    }
    out
}

/// After `=`: trailing whitespace and a newline make a soft line break; where the next line starts.
fn soft_break(body: &[u8], from: usize) -> Option<usize> {
    let rest = body.get(from..)?;
    let spaces = rest.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    (rest.get(spaces) == Some(&b'\n')).then_some(from + spaces + 1)
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// Bytes in `charset` as UTF-8: mail-parser's charset tables, lossy UTF-8 when the charset is unknown.
pub(super) fn to_utf8(bytes: &[u8], charset: Option<&str>) -> String {
    let decoder = charset
        .filter(|c| !c.eq_ignore_ascii_case("utf-8") && !c.eq_ignore_ascii_case("us-ascii"))
        .and_then(|c| charset_decoder(c.as_bytes()));
    match decoder {
        Some(decode) => decode(bytes),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// A charset name longer than this is not one (searching further would make garbage like `=?=?=?…`
/// quadratic). The encoded text itself has no limit: mailers write words far over RFC 2047's 75
/// characters, and a word left encoded would hide an address from the masking rules.
const MAX_CHARSET: usize = 64;

/// `=?charset?B|Q?text?=` decoded (RFC 2047), with the whitespace between two adjacent encoded words
/// dropped (§6.2). Control characters in a decoded word become spaces, so a word cannot forge a new line.
pub(super) fn decode_words(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, candidate) = rest.split_at(start);
        match encoded_word(candidate) {
            Some((text, len)) => {
                if !(after_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.extend(text.chars().map(|c| if c.is_control() { ' ' } else { c }));
                rest = candidate.get(len..).unwrap_or_default();
                after_word = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = candidate.get(2..).unwrap_or_default();
                after_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The decoded text of the encoded word at the start of `s` and its length in bytes.
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let body = s.as_bytes().get(2..)?;
    let charset_end = body.iter().take(MAX_CHARSET).position(|&b| b == b'?')?;
    let charset = std::str::from_utf8(body.get(..charset_end)?).ok()?;
    // RFC 2231 language suffix: "utf-8*en".
    let charset = charset.split('*').next().unwrap_or(charset);
    let encoding = *body.get(charset_end + 1)?;
    (body.get(charset_end + 2) == Some(&b'?')).then_some(())?;
    let data_start = charset_end + 3;
    // Encoded text holds no `?` and no white space (§2), so the search stops at the first of either:
    // linear however long the word, since no other word can start inside this one's text.
    let data = body.get(data_start..)?;
    let data_len = data.iter().position(|&b| b == b'?' || b.is_ascii_whitespace())?;
    (data.get(data_len + 1) == Some(&b'=')).then_some(())?;
    let data = body.get(data_start..data_start + data_len)?;
    let bytes = match encoding.to_ascii_lowercase() {
        b'b' => decode_base64(data),
        b'q' => {
            let spaced: Vec<u8> = data.iter().map(|&b| if b == b'_' { b' ' } else { b }).collect();
            decode_quoted_printable(&spaced)
        }
        _ => return None,
    };
    Some((to_utf8(&bytes, Some(charset)), 2 + data_start + data_len + 2))
}

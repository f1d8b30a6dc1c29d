//! HTML parts as text, so the text rules read what a person reads: tags removed, entities decoded, block
//! elements on their own lines and table cells separated by ` | ` (a table row becomes one delimited line,
//! which `table` and `labelled` read like any other). Scripts and styles are dropped. Linear in the input.

/// Named entities real reports use; anything else numeric is decoded, unknown names are kept as written.
const ENTITIES: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", " "),
    ("commat", "@"),
    ("period", "."),
    ("colon", ":"),
    ("sol", "/"),
    ("lsqb", "["),
    ("rsqb", "]"),
    ("ndash", "–"),
    ("mdash", "—"),
];

/// Tags after which the text goes on on a new line.
const BLOCKS: &[&str] =
    &["br", "p", "div", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "dt", "dd"];

fn decode_entity(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).map(String::from);
    }
    ENTITIES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| (*v).to_owned())
}

/// Decodes `&name;` and `&#NN;` entities in `text`.
pub(crate) fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or_default());
        let tail = rest.get(amp + 1..).unwrap_or_default();
        let end = tail.find(';').filter(|&e| e <= 10);
        match end.and_then(|e| tail.get(..e)).and_then(decode_entity) {
            Some(decoded) => {
                out.push_str(&decoded);
                rest = tail.get(end.unwrap_or(0) + 1..).unwrap_or_default();
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of an HTML document.
pub(crate) fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skipping: Option<&str> = None;
    while let Some(lt) = rest.find('<') {
        if skipping.is_none() {
            out.push_str(rest.get(..lt).unwrap_or_default());
        }
        let tail = rest.get(lt + 1..).unwrap_or_default();
        let Some(gt) = tail.find('>') else {
            rest = tail;
            break;
        };
        let tag = tail.get(..gt).unwrap_or_default();
        rest = tail.get(gt + 1..).unwrap_or_default();
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(skipped) = skipping {
            if closing && name == skipped {
                skipping = None;
            }
            continue;
        }
        match name.as_str() {
            "script" if !closing => skipping = Some("script"),
            "style" if !closing => skipping = Some("style"),
            "head" if !closing => skipping = Some("head"),
            "td" | "th" if closing => out.push_str(" | "),
            n if BLOCKS.contains(&n) => out.push('\n'),
            _ => {}
        }
    }
    if skipping.is_none() {
        out.push_str(rest);
    }
    // Source line breaks are white space in HTML; the block tags above made the real ones.
    let text = decode_entities(&out.replace(['\r'], "").replace('\n', "\u{1}").replace("\u{1}\u{1}", "\u{1}"));
    let lines = text.split('\u{1}').map(|l| {
        let collapsed = l.split_whitespace().collect::<Vec<_>>().join(" ");
        collapsed.trim_end_matches(" |").trim_end_matches('|').trim().to_owned()
    });
    lines.filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_become_delimited_lines_and_entities_are_decoded() {
        let html = "<html><head><style>td{}</style></head><body><p>Hello&nbsp;team</p>\
                    <table><tr><th>IP</th><th>Time</th></tr>\n<tr><td>198.51.100.7</td><td>2024-01-02</td></tr></table>\
                    joe&#64;example.com &commat; <script>var a=1;</script>end</body></html>";
        let text = to_text(html);
        assert!(text.contains("Hello team"), "{text}");
        assert!(text.contains("IP | Time"), "{text}");
        assert!(text.contains("198.51.100.7 | 2024-01-02"), "{text}");
        assert!(text.contains("joe@example.com @"), "{text}");
        assert!(!text.contains("var a"), "{text}");
    }

    #[test]
    fn broken_markup_does_not_lose_text() {
        assert_eq!(to_text("a < b and &unknown; c"), "a b and &unknown; c");
        assert_eq!(decode_entities("a &unknown; c &amp; d"), "a &unknown; c & d");
    }
}

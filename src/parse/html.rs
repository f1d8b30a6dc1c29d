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
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("hellip", "…"),
    ("bull", "•"),
    ("middot", "·"),
    ("shy", ""),
    ("zwnj", ""),
    ("zwj", ""),
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
    render(html, false)
}

/// The text of an HTML document for reading its tables: a cell's own paragraphs and line breaks (Word and
/// Outlook wrap every cell's text in `<p>`) are spaces, so each row stays one line. Only the innermost
/// table's cells count: a layout table around the whole message would otherwise put it on one line.
pub(crate) fn to_table_text(html: &str) -> String {
    render(html, true)
}

fn render(html: &str, cells_inline: bool) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skipping: Option<&str> = None;
    // Inside `<pre>` the source's line breaks are the text's; elsewhere they are white space.
    let mut pre = 0usize;
    // Open cells of the innermost table, and those of the tables around it.
    let mut cells = 0usize;
    let mut outer_cells: Vec<usize> = Vec::new();
    // Entities are decoded here, a run of text at a time (none spans a tag), so `&#10;` is a line break
    // only where a source line break would be one.
    fn push_text(out: &mut String, text: &str, pre: usize) {
        // Most runs have no entity: they are not copied to be decoded.
        let decoded;
        let text = if text.contains('&') {
            decoded = decode_entities(text);
            decoded.as_str()
        } else {
            text
        };
        if pre > 0 {
            out.push_str(&text.replace('\r', "").replace('\n', "\u{1}"));
        } else {
            out.extend(text.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }));
        }
    }
    while let Some(lt) = rest.find('<') {
        if skipping.is_none() {
            push_text(&mut out, rest.get(..lt).unwrap_or_default(), pre);
        }
        let tail = rest.get(lt + 1..).unwrap_or_default();
        let Some(gt) = tail.find('>') else {
            rest = tail;
            break;
        };
        let tag = tail.get(..gt).unwrap_or_default();
        rest = tail.get(gt + 1..).unwrap_or_default();
        let closing = tag.starts_with('/');
        let named = tag.trim_start_matches('/');
        let named = named.get(..named.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(named.len()));
        let named = named.unwrap_or_default();
        // Copied only when it has capitals (every tag comes here).
        let name: std::borrow::Cow<'_, str> = if named.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(named.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(named)
        };
        if let Some(skipped) = skipping {
            if closing && name == skipped {
                skipping = None;
            }
            continue;
        }
        match &*name {
            "script" if !closing => skipping = Some("script"),
            "style" if !closing => skipping = Some("style"),
            "head" if !closing => skipping = Some("head"),
            "td" | "th" if closing => {
                cells = cells.saturating_sub(1);
                out.push_str(" | ");
            }
            "td" | "th" => cells += 1,
            "table" if cells_inline => {
                if closing {
                    cells = outer_cells.pop().unwrap_or(0);
                } else {
                    outer_cells.push(cells);
                    cells = 0;
                }
                out.push('\u{1}');
            }
            n if cells_inline && cells > 0 && BLOCKS.contains(&n) && n != "tr" => out.push(' '),
            n if BLOCKS.contains(&n) => {
                if n == "pre" {
                    pre = if closing { pre.saturating_sub(1) } else { pre + 1 };
                }
                out.push('\u{1}');
            }
            _ => {}
        }
    }
    if skipping.is_none() {
        push_text(&mut out, rest, pre);
    }
    // The block tags above (and `<pre>` text) made the line breaks, marked `\u{1}`.
    let lines = out.split('\u{1}').map(|l| {
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
        let indented = to_text("<table>\n <tr>\n  <th>IP</th>\n  <th>URL</th>\n </tr>\n <tr>\n  <td>198.51.100.7</td>\n  <td>x</td>\n </tr>\n</table>");
        assert_eq!(indented, "IP | URL\n198.51.100.7 | x", "source line breaks are white space");
        assert_eq!(to_text("<p>a\nb</p><pre>c\nd</pre>"), "a b\nc\nd");
        let word = "<table><tr><td><p>IP</p></td><td><p>Agent</p></td></tr><tr><td><p>198.51.100.7<br>x</p></td><td><p>curl</p></td></tr></table>";
        assert_eq!(to_table_text(word), "IP | Agent\n198.51.100.7 x | curl");
        let layout = "<table><tr><td><p>Hello</p><p>IP: 198.51.100.7</p><table><tr><td>a</td><td>b</td></tr></table><p>Bye</p></td></tr></table>";
        assert_eq!(to_table_text(layout), "Hello IP: 198.51.100.7\na | b\nBye");
        assert_eq!(to_text("<pre>IP:&#10;198.51.100.7</pre><p>x&#10;y</p>"), "IP:\n198.51.100.7\nx y");
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

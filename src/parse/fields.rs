//! `Name: value` blocks: RFC 5965 feedback-report fields (header syntax with folded lines) and the
//! flat YAML of X-ARF 0.1/0.2 `report.txt`.
//!
//! The YAML side is a deliberately small hand parser: X-ARF only ever uses one level of `Key: value`
//! (x-arf.org specification), and real reports carry YAML that strict parsers reject or misread
//! (`!!python/unicode` tags, unquoted `http: //` values, stray `---`/`...` lines). Lookups are case-insensitive
//! because senders spell field names in any case (`Source-Ip`, `source-ip`).

/// Parsed fields in document order; names keep their spelling.
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields {
    pairs: Vec<(String, String)>,
}

impl Fields {
    /// The first non-empty value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(n, v)| n.eq_ignore_ascii_case(name) && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    /// Every non-empty value of `name`, in order.
    pub fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.pairs.iter().filter(move |(n, v)| n.eq_ignore_ascii_case(name) && !v.is_empty()).map(|(_, v)| v.as_str())
    }

    /// Whether `name` is present with a value.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

fn is_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A header-syntax block: `Name: value` lines, continuation lines start with white space.
/// Blank lines are skipped rather than ending the block, as some generators put one between fields.
pub(crate) fn parse_header_block(text: &str) -> Fields {
    let mut fields = Fields::default();
    let mut continuing = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            continuing = false;
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let (true, Some((_, value))) = (continuing, fields.pairs.last_mut()) {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        continuing = false;
        if let Some((name, value)) = line.split_once(':') {
            if is_name(name.trim_end()) {
                fields.pairs.push((name.trim_end().to_owned(), value.trim().to_owned()));
                continuing = true;
            }
        }
    }
    fields
}

/// Removes YAML tags (`!!python/unicode`) and quotes from a scalar.
fn clean_scalar(value: &str) -> String {
    let mut v = value.trim();
    while v.starts_with('!') {
        v = v.split_once(char::is_whitespace).map_or("", |(_, rest)| rest.trim_start());
    }
    if v.len() >= 2 && v.starts_with('\'') && v.ends_with('\'') {
        return v.get(1..v.len() - 1).unwrap_or_default().replace("''", "'");
    }
    if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
        return v.get(1..v.len() - 1).unwrap_or_default().replace("\\\"", "\"").replace("\\\\", "\\");
    }
    // A trailing comment needs a space before the '#'.
    v.split_once(" #").map_or(v, |(before, _)| before).trim_end().to_owned()
}

/// One flat YAML mapping (X-ARF `report.txt`). Indented lines continue the previous value; block
/// scalars (`|`, `>`) keep their lines.
pub(crate) fn parse_flat_yaml(text: &str) -> Fields {
    let mut fields = Fields::default();
    let mut block: Option<char> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if line.starts_with([' ', '\t']) && !trimmed.is_empty() {
            if let Some((_, value)) = fields.pairs.last_mut() {
                let sep = if block == Some('|') { '\n' } else { ' ' };
                if !value.is_empty() {
                    value.push(sep);
                }
                value.push_str(trimmed);
            }
            continue;
        }
        block = None;
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" || trimmed == "..." {
            continue;
        }
        let Some((name, value)) = line.split_once(':') else { continue };
        if !is_name(name) || !(value.is_empty() || value.starts_with([' ', '\t'])) {
            continue;
        }
        let value = value.trim();
        if let Some(indicator) = value.chars().next().filter(|c| matches!(c, '|' | '>')) {
            block = Some(indicator);
            fields.pairs.push((name.to_owned(), String::new()));
        } else {
            fields.pairs.push((name.to_owned(), clean_scalar(value)));
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scalars_as_senders_write_them() {
        let f = parse_flat_yaml(
            "---\nDate: '2015-05-15 17:03:11-07:00'\nPort: '80'\nTargeted-URL: !!python/unicode 'http://x/'\n\
             Quoted: \"a \\\"b\\\"\"\nSchema-URL: http: //x.example/s.json\nNote: it's # not a comment\n\
             Folded: first\n  second\nBlock: |\n  line 1\n  line 2\nsource-ip: 192.0.2.1 # comment\n...\n",
        );
        assert_eq!(f.get("date"), Some("2015-05-15 17:03:11-07:00"));
        assert_eq!(f.get("Port"), Some("80"));
        assert_eq!(f.get("Targeted-URL"), Some("http://x/"));
        assert_eq!(f.get("Quoted"), Some("a \"b\""));
        assert_eq!(f.get("Schema-URL"), Some("http: //x.example/s.json"));
        assert_eq!(f.get("Note"), Some("it's"));
        assert_eq!(f.get("Folded"), Some("first second"));
        assert_eq!(f.get("Block"), Some("line 1\nline 2"));
        assert_eq!(f.get("Source-IP"), Some("192.0.2.1"));
    }

    #[test]
    fn header_blocks_with_folding_repeats_and_blank_lines() {
        let f = parse_header_block("Feedback-Type: abuse\nReported-Uri: a\nReported-Uri: b\n\nDKIM-Canonicalized-Body: AAA\n    BBB\nnot a field\n");
        assert_eq!(f.all("reported-uri").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(f.get("DKIM-Canonicalized-Body"), Some("AAA BBB"));
        assert!(f.has("feedback-type"));
        assert!(!f.has("not a field"));
    }
}

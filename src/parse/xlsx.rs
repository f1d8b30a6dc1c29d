//! Excel workbooks (`.xlsx`, Office Open XML SpreadsheetML, ECMA-376 part 1 §18) as text, so `table` reads
//! their sheets like any CSV attachment: national CERTs (CERT-In, the Canadian Centre for Cyber Security)
//! attach their lists of addresses as workbooks.
//!
//! A workbook is a ZIP (unzipped within the budget by `zipped`); each `xl/worksheets/sheetN.xml` holds rows
//! of cells `<c r="B2" t="s"><v>4</v></c>`, where `t="s"` makes the value an index into the shared strings
//! (`xl/sharedStrings.xml`, one `<si>` a string, its text in `<t>` runs), `t="inlineStr"` puts the text in
//! the cell (`<is><t>…</t></is>`) and any other cell's `<v>` is its value as written. Each row becomes one
//! tab-separated line, its cells in their columns. Formulas, styles and number formats are not read: a
//! date stored as a number stays a number (no incident time rather than a wrong one).

use quick_xml::events::Event;
use quick_xml::Reader;

use super::xml_ref;
use super::zipped::Entry;

/// Columns read per row: an address table is a few columns wide, and a cell reference far to the right
/// (`XFD1`) must not make every row sixteen thousand cells long.
const MAX_COLUMNS: usize = 64;

/// Whether the archive's entries are a SpreadsheetML workbook.
pub(crate) fn is_workbook(entries: &[Entry]) -> bool {
    entries.iter().any(|e| e.name == "xl/workbook.xml")
}

/// Each worksheet as (entry name, text: one tab-separated line a row, empty rows left out).
pub(crate) fn sheets(entries: &[Entry]) -> Vec<(String, String)> {
    let shared = entries
        .iter()
        .find(|e| e.name == "xl/sharedStrings.xml")
        .map(|e| shared_strings(&String::from_utf8_lossy(&e.data)))
        .unwrap_or_default();
    entries
        .iter()
        .filter(|e| e.name.starts_with("xl/worksheets/") && e.name.ends_with(".xml"))
        .map(|e| (e.name.clone(), sheet_text(&String::from_utf8_lossy(&e.data), &shared)))
        .collect()
}

/// The shared strings, in order: each `<si>`'s `<t>` runs joined (rich text splits a string into runs).
fn shared_strings(xml: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut in_t = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().into_inner() {
                "si" => out.push(String::new()),
                "t" => in_t = true,
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().into_inner() == "t" => in_t = false,
            Ok(Event::Text(t)) if in_t => {
                if let Some(s) = out.last_mut() {
                    s.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(r)) if in_t => {
                if let Some(s) = out.last_mut() {
                    s.push_str(&xml_ref::text(&r));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}

/// The column of a cell reference: `B2` → 1, `AA7` → 26.
fn column(reference: &[u8]) -> Option<usize> {
    let letters = reference.iter().take_while(|b| b.is_ascii_uppercase());
    let mut col = 0usize;
    for (i, b) in letters.enumerate() {
        if i >= 3 {
            return None;
        }
        col = col * 26 + usize::from(b - b'A' + 1);
    }
    col.checked_sub(1)
}

/// One cell being read: its column, its type, its text so far.
#[derive(Default)]
struct Cell {
    col: Option<usize>,
    shared: bool,
    value: String,
}

fn sheet_text(xml: &str, shared: &[String]) -> String {
    let mut reader = Reader::from_str(xml);
    let mut out = String::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell: Option<Cell> = None;
    // Inside a cell's `<v>` or an inline string's `<t>`: the text there is the cell's.
    let mut in_value = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().into_inner() {
                "row" => row.clear(),
                "c" => {
                    let mut c = Cell { col: Some(row.len()), ..Cell::default() };
                    for a in e.attributes().flatten() {
                        match a.key.local_name().into_inner() {
                            "r" => c.col = column(a.value.as_bytes()),
                            "t" => c.shared = a.value == "s",
                            _ => {}
                        }
                    }
                    cell = Some(c);
                }
                "v" | "t" => in_value = cell.is_some(),
                _ => {}
            },
            Ok(Event::Text(t)) if in_value => {
                if let Some(c) = cell.as_mut() {
                    c.value.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(r)) if in_value => {
                if let Some(c) = cell.as_mut() {
                    c.value.push_str(&xml_ref::text(&r));
                }
            }
            Ok(Event::End(e)) => match e.local_name().into_inner() {
                "v" | "t" => in_value = false,
                "c" => {
                    if let Some(c) = cell.take() {
                        place(&mut row, c, shared);
                    }
                }
                "row" => {
                    if row.iter().any(|c| !c.is_empty()) {
                        out.push_str(&row.join("\t"));
                        out.push('\n');
                    }
                    row.clear();
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}

/// Puts a read cell into its column of `row` (tabs and line breaks inside a cell become spaces).
fn place(row: &mut Vec<String>, cell: Cell, shared: &[String]) {
    let Some(col) = cell.col.filter(|c| *c < MAX_COLUMNS) else { return };
    let value = if cell.shared {
        cell.value.trim().parse::<usize>().ok().and_then(|i| shared.get(i)).cloned().unwrap_or_default()
    } else {
        cell.value
    };
    if row.len() <= col {
        row.resize(col + 1, String::new());
    }
    if let Some(slot) = row.get_mut(col) {
        *slot = value.replace(['\t', '\r', '\n'], " ").trim().to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, data: &str) -> Entry {
        Entry { name: name.to_owned(), data: data.as_bytes().to_vec() }
    }

    #[test]
    fn a_sheet_becomes_tab_separated_rows_with_shared_and_inline_strings() {
        let strings = "<sst><si><t>Source IP</t></si><si><r><t>Time</t></r><r><t xml:space=\"preserve\"> (UTC)</t></r>\
                       </si><si><t>198.51.100.7</t></si></sst>";
        let sheet = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>\
                     <c r=\"C1\" t=\"s\"><v>1</v></c></row><row r=\"2\"/>\
                     <row r=\"3\"><c r=\"A3\" t=\"s\"><v>2</v></c><c r=\"B3\"><v>22</v></c>\
                     <c r=\"C3\" t=\"inlineStr\"><is><t>2024-01-02 03:04:05 &amp; after</t></is></c></row>\
                     <row r=\"4\"><c r=\"XFD4\"><v>far</v></c></row></sheetData></worksheet>";
        let entries = [
            entry("xl/workbook.xml", "<workbook/>"),
            entry("xl/sharedStrings.xml", strings),
            entry("xl/worksheets/sheet1.xml", sheet),
        ];
        assert!(is_workbook(&entries));
        let sheets = sheets(&entries);
        assert_eq!(sheets.len(), 1);
        assert_eq!(
            sheets.first().map(|s| s.1.as_str()),
            Some("Source IP\t\tTime (UTC)\n198.51.100.7\t22\t2024-01-02 03:04:05 & after\n"),
            "empty rows and cells beyond the column limit are left out"
        );
        assert!(!is_workbook(&[entry("report.csv", "ip\n")]));
    }

    #[test]
    fn column_letters() {
        assert_eq!(column(b"A1"), Some(0));
        assert_eq!(column(b"AA7"), Some(26));
        assert_eq!(column(b"7"), None);
        assert_eq!(column(b"ABCD1"), None);
    }
}

//! The text of an XML entity or character reference (`&amp;`, `&#10;`), which quick-xml hands over as its
//! own event since 0.38. Shared by the parsers that read XML text (ACNS notices, Excel workbooks).

use quick_xml::events::BytesRef;

/// The text `r` stands for: a character reference, one of XML's five predefined entities, or nothing (an
/// undeclared entity has no text).
pub(crate) fn text(r: &BytesRef<'_>) -> String {
    match r.resolve_char_ref() {
        Ok(Some(c)) => c.to_string(),
        _ => match &**r {
            "amp" => "&",
            "lt" => "<",
            "gt" => ">",
            "quot" => "\"",
            "apos" => "'",
            _ => "",
        }
        .to_owned(),
    }
}

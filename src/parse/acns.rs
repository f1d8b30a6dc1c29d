//! ACNS copyright notices (Automated Copyright Notice System, schema `http://www.acns.net/v1.2/ACNS2v1_2.xsd`):
//! an `<Infringement>` XML document embedded in the notice text (often inside a PGP-signed body) or
//! attached as XML. Reads `Case/ID`, `Complainant/Entity`, `Source/{TimeStamp, IP_Address, Port}` and
//! `Content/Item/URL`.
//!
//! The complainant named by ACNS is the rights holder, i.e. the reporter; the `complainant` field is kept
//! for private persons and stays empty here.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::mime::Mail;
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::{dates, reporter, text};

/// Each `<Infringement>…</Infringement>` document in `text` (a namespace prefix is allowed).
fn documents(text: &str) -> Vec<&str> {
    let mut docs = Vec::new();
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|t| t.find("Infringement")) {
        let at = from + pos;
        from = at + "Infringement".len();
        // The start tag: '<' directly before, or '<prefix:' (a short namespace prefix).
        let window = text.as_bytes().get(at.saturating_sub(33)..at).unwrap_or_default();
        let tag_open = window.iter().rposition(|&b| b == b'<').map(|lt| at - window.len() + lt).filter(|&lt| {
            let name = text.get(lt + 1..at).unwrap_or_default();
            name.is_empty() || (name.ends_with(':') && !name.contains(char::is_whitespace) && !name.starts_with('/'))
        });
        let Some(start) = tag_open else { continue };
        // Without an end tag here there is none for any later start tag either.
        let Some(end) = text.get(from..).and_then(|t| t.find("Infringement>")) else { break };
        let end = from + end + "Infringement>".len();
        if let Some(doc) = text.get(start..end) {
            docs.push(doc);
        }
        from = end;
    }
    docs
}

/// The fields of one notice, keyed by element path without namespace prefixes (`Source/IP_Address`).
#[derive(Default)]
struct Notice {
    values: Vec<(String, String)>,
}

impl Notice {
    fn get(&self, path: &str) -> Option<&str> {
        self.values.iter().find(|(p, _)| p == path).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }
    fn all<'s>(&'s self, path: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.values.iter().filter(move |(p, _)| p == path).map(|(_, v)| v.as_str())
    }
}

/// Stores the text collected for the element at the top of `stack` (paths skip the root element).
fn flush(stack: &[String], buf: &mut String, notice: &mut Notice) {
    let value = buf.trim();
    if let (false, Some(path)) = (value.is_empty(), stack.get(1..).filter(|p| !p.is_empty())) {
        notice.values.push((path.join("/"), value.to_owned()));
    }
    buf.clear();
}

fn read(doc: &str) -> Notice {
    let mut reader = Reader::from_str(doc);
    let mut stack: Vec<String> = Vec::new();
    let mut notice = Notice::default();
    let mut buf = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                flush(&stack, &mut buf, &mut notice);
                stack.push(e.local_name().into_inner().to_owned());
            }
            Ok(Event::End(_)) => {
                flush(&stack, &mut buf, &mut notice);
                stack.pop();
            }
            Ok(Event::Empty(_)) => flush(&stack, &mut buf, &mut notice),
            Ok(Event::Text(t)) => buf.push_str(&t.xml10_content()),
            // Entity references arrive as separate events since quick-xml 0.38.
            Ok(Event::GeneralRef(r)) => buf.push_str(&super::xml_ref::text(&r)),
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    notice
}

fn report(notice: &Notice, doc: &str, mail: &Mail<'_>, warnings: &mut Vec<String>) -> Option<ParsedReport> {
    let Some(ip) = notice.get("Source/IP_Address").and_then(text::exact_ip) else {
        warnings.push("ACNS notice without a usable Source/IP_Address".to_owned());
        return None;
    };
    let reporter = notice.get("Complainant/Entity").map_or_else(|| reporter::from_sender(&mail.sender), str::to_owned);
    let mut r = ParsedReport::new(ReportType::Copyright, ReportRole::Source, ip, &reporter);
    r.source_port = notice.get("Source/Port").and_then(|p| p.parse().ok());
    r.incident_time = notice.get("Source/TimeStamp").and_then(|t| dates::parse(t, None));
    r.reporter_ref = notice.get("Case/ID").map(str::to_owned);
    r.urls = notice.all("Content/Item/URL").filter(|u| u.contains("://")).map(str::to_owned).collect();
    r.evidence = Some(text::evidence(doc));
    Some(r)
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let texts = mail.texts();
    let docs: Vec<&str> = texts.iter().flat_map(|t| documents(t)).collect();
    if docs.is_empty() {
        return None;
    }
    let mut out = ParsedMessage::new(Format::Acns);
    for doc in docs {
        if let Some(r) = report(&read(doc), doc, mail, &mut out.warnings) {
            out.reports.push(r);
        }
    }
    Some(out)
}

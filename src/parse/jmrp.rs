//! Microsoft JMRP, the Junk Mail Reporting Program (Microsoft's postmaster pages,
//! sendersupport.olc.protection.outlook.com/pm): `Subject: complaint about message from <IP>`, a short
//! text part and the complained-about message
//! attached as `message/rfc822` (sometimes that attachment wraps the message once more). The complainant
//! is the original's `X-HmXmrOriginalRecipient`; the time is the Received hop at which the IP handed the
//! message to Microsoft, else `X-OriginalArrivalTime`. JMRP complaints in ARF layout are read as ARF.

use super::mime::Mail;
use super::model::{Format, ParsedMessage, ParsedReport, ReportRole, ReportType};
use super::original::Original;
use super::{arf, dates, reporter, text};

const MARKER: &str = "complaint about message from";

/// The original to read: the attachment, or the message it wraps when only that one shows the IP.
fn pick(original: Original, ip: std::net::IpAddr) -> Original {
    if original.hop_from(ip).is_some() {
        return original;
    }
    let nested = original.nested.iter().find(|n| n.hop_from(ip).is_some()).cloned();
    nested.unwrap_or(original)
}

pub(crate) fn parse(mail: &Mail<'_>) -> Option<ParsedMessage> {
    let lower = mail.subject.to_ascii_lowercase();
    let at = lower.find(MARKER)?;
    let mut out = ParsedMessage::new(Format::Jmrp);
    let tail = mail.subject.get(at + MARKER.len()..).unwrap_or_default();
    let Some(ip) = text::find_ips(tail).first().map(|f| f.ip) else {
        out.warnings.push("JMRP complaint without an IP in the subject".to_owned());
        return Some(out);
    };
    let mut r = ParsedReport::new(ReportType::Spam, ReportRole::Source, ip, &reporter::from_sender(&mail.sender));
    match arf::original(mail).map(|o| pick(o, ip)) {
        Some(original) => {
            r.incident_time = original.hop_from(ip).and_then(|h| h.time).or_else(|| {
                let arrival = original.header("X-OriginalArrivalTime")?;
                dates::parse(arrival.split("FILETIME").next().unwrap_or(arrival), None)
            });
            r.complainant = original.header("X-HmXmrOriginalRecipient").map(arf::address).filter(|c| !c.is_empty());
            original.fill(&mut r);
        }
        None => out.warnings.push("JMRP complaint without the original message".to_owned()),
    }
    out.reports.push(r);
    Some(out)
}

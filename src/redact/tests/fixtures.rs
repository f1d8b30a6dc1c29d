//! Every file under `tests/fixtures/` (real reports of many formats, JSON and CSV included) goes through
//! the redaction, which must not panic, must hide every recipient address the file's header lines show,
//! and must keep the evidence.

use std::path::{Path, PathBuf};

use super::super::redact_message;

/// The recipient fields this test reads itself, independently of the module's own list.
const RECIPIENT_FIELDS: [&str; 6] =
    ["to", "delivered-to", "x-original-to", "original-rcpt-to", "removal-recipient", "redacted-address"];

fn fixture_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Lines of the file, line endings normalised.
fn lines(raw: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(raw).replace("\r\n", "\n").split('\n').map(str::to_string).collect()
}

/// Addresses in recipient fields anywhere in the file: the message's header, MIME part headers, attached
/// messages, feedback reports and headers quoted in text all put their fields at the start of a line.
/// Continuation lines are included. An address is a token with a non-empty local part and a dotted domain.
fn recipient_addresses(raw: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_field = false;
    for line in lines(raw) {
        let continuation = line.starts_with([' ', '\t']);
        let starts = line
            .split_once(':')
            .is_some_and(|(name, _)| RECIPIENT_FIELDS.contains(&name.to_ascii_lowercase().as_str()));
        in_field = starts || (in_field && continuation);
        if !in_field {
            continue;
        }
        let value = if starts { line.split_once(':').map_or("", |(_, v)| v) } else { &line };
        for token in value.split(|c: char| c.is_whitespace() || "<>,;\"'()".contains(c)) {
            let token = token.trim_end_matches('.').to_ascii_lowercase();
            if let Some((local, domain)) = token.split_once('@') {
                if !local.is_empty() && domain.contains('.') {
                    found.push(token);
                }
            }
        }
    }
    found
}

/// The host named after `from` in the file's first `Received: from` line, if any.
fn first_received_host(raw: &[u8]) -> Option<String> {
    let line = lines(raw).into_iter().find(|l| l.to_ascii_lowercase().starts_with("received: from "))?;
    line.split_whitespace().nth(2).map(str::to_string)
}

fn first_subject(raw: &[u8]) -> Option<String> {
    lines(raw).into_iter().find(|l| l.to_ascii_lowercase().starts_with("subject:"))
}

/// No exception is needed for addresses at the sender's own domain (rule 3's exemption): every address in a
/// recipient field is a complainant identity, and identities are hidden even at the sender's domains.
#[test]
fn every_fixture_is_redacted_without_panicking_and_keeps_its_evidence() {
    let files = fixture_files();
    assert!(files.len() > 100, "fixtures not found: {}", files.len());
    let mut checked_addresses = 0;
    for path in &files {
        let raw = std::fs::read(path).unwrap();
        let out = redact_message(&raw, &[]);
        let name = path.display();
        let lower = out.text.to_ascii_lowercase();
        for address in recipient_addresses(&raw) {
            assert!(!lower.contains(&address), "{name}: {address} survived");
            checked_addresses += 1;
        }
        assert!(raw.is_empty() || !out.text.is_empty(), "{name}: empty output");
        if let Some(host) = first_received_host(&raw).filter(|h| !h.contains('@')) {
            assert!(out.text.contains(&host), "{name}: the first Received host {host} was lost");
        }
        if let Some(subject) = first_subject(&raw) {
            let kept = subject.split_once(':').map_or("", |(_, v)| v).trim();
            // Encoded words are decoded, so only a plain subject can be compared as it is written.
            if !kept.contains("=?") {
                assert!(out.text.contains(kept), "{name}: subject {kept:?} was lost");
            }
        }
    }
    assert!(checked_addresses > 100, "only {checked_addresses} addresses checked");
}

#[test]
fn spamcop_fixtures_keep_the_reported_ip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail-abuse");
    let spamcop: Vec<PathBuf> = fixture_files()
        .into_iter()
        .filter(|p| p.starts_with(&dir) && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("spamcop_")))
        .collect();
    assert!(!spamcop.is_empty());
    for path in spamcop {
        let raw = std::fs::read(&path).unwrap();
        let subject = first_subject(&raw).unwrap();
        let ip = subject.split_once("[SpamCop (").and_then(|(_, rest)| rest.split_once(')')).unwrap().0;
        let out = redact_message(&raw, &[]);
        assert!(out.text.contains(ip), "{}: reported IP {ip} lost", path.display());
        assert!(out.text.contains(&format!("[SpamCop ({ip}) id:")), "{}: subject lost", path.display());
        assert!(out.removed > 0);
        assert!(!out.text.contains("@reports.spamcop.net"));
    }
}

/// The portal's allowlist reads every fixture, whole and cut at several points, as a report's evidence and
/// as a letter, for an IPv4 and an IPv6 address, without panicking; what it shows never holds a recipient
/// address of the file.
#[test]
fn every_fixture_goes_through_the_allowlist_without_panicking() {
    use crate::redact::allowlist::report_evidence;
    use crate::redact::guard::Identities;
    let ips: [std::net::IpAddr; 2] = ["10.0.0.1".parse().unwrap(), "2001:db8::1".parse().unwrap()];
    for file in fixture_files() {
        let raw = std::fs::read(&file).unwrap();
        let mut ids = Identities::default();
        for a in recipient_addresses(&raw) {
            ids.add_address(&a, true);
        }
        for cut in [raw.len(), raw.len() / 2, raw.len() / 3, 100.min(raw.len())] {
            let part = raw.get(..cut).unwrap_or_default();
            let text = String::from_utf8_lossy(part);
            for ip in ips {
                for shown in [report_evidence("arf", Some(&text), None, ip, &ids), report_evidence("manual", None, Some(part), ip, &ids)] {
                    assert!(ids.found_in(&shown.text).is_none(), "{}: {}", file.display(), shown.text);
                }
            }
        }
    }
}

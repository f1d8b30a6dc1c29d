//! Hostile input stays within the parse budget (issue 14): zip bombs, a feed with a huge header and a
//! million rows, and a message of the largest accepted size made of tiny MIME parts. Each comes back
//! marked over budget (stored, not parsed) instead of exhausting memory; every input is built here.

use abusedesk::parse::{parse_message, parse_message_within, Budget, OverBudget, ParseError};
use base64::Engine;

use crate::robustness::all_fixtures;

/// A ZIP entry as written: its name, the compressed bytes, what it declares, and how it is compressed.
struct RawEntry {
    name: String,
    data: Vec<u8>,
    declared_size: u32,
    crc: u32,
    deflated: bool,
}

/// A ZIP archive written by hand, so that an entry can declare whatever size a hostile sender chooses
/// (APPNOTE.TXT 4.3: local headers, central directory, end record).
fn zip(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let method: u16 = if e.deflated { 8 } else { 0 };
        let fields = |v: &mut Vec<u8>| {
            for n in [20u16, 0, method, 0, 0x21] {
                v.extend_from_slice(&n.to_le_bytes());
            }
            for n in [e.crc, e.data.len() as u32, e.declared_size] {
                v.extend_from_slice(&n.to_le_bytes());
            }
            v.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes());
        };
        out.extend_from_slice(b"PK\x03\x04");
        fields(&mut out);
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&e.data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes());
        fields(&mut central);
        central.extend_from_slice(&[0; 10]); // comment length, disk, internal and external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(e.name.as_bytes());
    }
    let (directory_at, count) = (out.len() as u32, entries.len() as u16);
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&directory_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A deflate stream that inflates to `mib` MiB of zeros in about a kilobyte per MiB: one MiB compressed
/// with a full flush (which makes it refer to nothing before it) repeated, then an empty final block.
fn deflated_zeros(mib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut compress = Compress::new(Compression::best(), false);
    let mut one = Vec::with_capacity(64 * 1024);
    compress.compress_vec(&vec![0; 1 << 20], &mut one, FlushCompress::Full).unwrap();
    assert_eq!(compress.total_in(), 1 << 20);
    let mut stream = one.repeat(mib);
    stream.extend_from_slice(&[0x03, 0x00]);
    stream
}

fn zero_bomb(declared_size: u32) -> RawEntry {
    let name = "2026-12-01-scan_ntp-asn64496.csv".to_owned();
    RawEntry { name, data: deflated_zeros(3 * 1024), declared_size, crc: 0, deflated: true }
}

/// A Shadowserver-style report mail with `zip` attached (base64, as feeds send it).
fn mail_with_zip(zip: &[u8]) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(zip);
    let lines: Vec<&str> = encoded.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!(
        "From: autoreports@shadowserver.org\nSubject: Shadowserver scan_ntp report\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nReport attached.\n--b\n\
Content-Type: application/zip; name=\"report.zip\"\nContent-Disposition: attachment; filename=\"report.zip\"\n\
Content-Transfer-Encoding: base64\n\n{}\n--b--\n",
        lines.join("\n")
    )
    .into_bytes()
}

fn over_budget(raw: &[u8]) -> Option<OverBudget> {
    match parse_message(raw) {
        Err(ParseError::OverBudget(why)) => Some(why),
        other => panic!("expected the message to be over budget, got {:?}", other.map(|p| (p.format, p.reports.len(), p.warnings))),
    }
}

#[test]
fn a_zip_bomb_declaring_its_three_gigabytes_is_refused_before_inflating() {
    let bomb = mail_with_zip(&zip(&[zero_bomb(3 << 30)]));
    assert_eq!(over_budget(&bomb), Some(OverBudget::ZipEntryBytes(Budget::DEFAULT.zip_entry_bytes)));
}

#[test]
fn a_zip_bomb_lying_about_its_size_is_never_inflated_past_it() {
    // Declares 1,000 bytes; inflates to 3 GiB. The zip crate stops at the declared size (and then calls
    // the entry unreadable), and our own reader would stop at the budget: either way nothing is made of it.
    let bomb = mail_with_zip(&zip(&[zero_bomb(1_000)]));
    let started = std::time::Instant::now();
    match parse_message(&bomb) {
        Ok(parsed) => assert!(parsed.reports.is_empty(), "{:?}", parsed.warnings),
        Err(e) => assert!(matches!(e, ParseError::OverBudget(_)), "{e}"),
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "stopped early: {:?}", started.elapsed());
}

#[test]
fn a_zip_with_ten_thousand_entries_is_refused_by_its_count() {
    let entries: Vec<RawEntry> = (0..10_000)
        .map(|i| RawEntry { name: format!("{i}.csv"), data: Vec::new(), declared_size: 0, crc: 0, deflated: false })
        .collect();
    let many = mail_with_zip(&zip(&entries));
    assert_eq!(over_budget(&many), Some(OverBudget::ZipEntries(Budget::DEFAULT.zip_entries)));
}

#[test]
fn zip_entries_under_the_entry_limit_still_count_against_the_total() {
    let feed = |i: usize| {
        let mut csv = b"timestamp,ip,port\n".to_vec();
        while csv.len() < 500 * 1024 {
            csv.extend_from_slice(format!("2026-12-01 00:00:00,198.51.{}.{},123\n", i, csv.len() % 250).as_bytes());
        }
        let mut crc = flate2::Crc::new();
        crc.update(&csv);
        RawEntry { name: format!("2026-12-01-scan_ntp-{i}.csv"), declared_size: csv.len() as u32, crc: crc.sum(), data: csv, deflated: false }
    };
    let two = mail_with_zip(&zip(&[feed(1), feed(2)]));
    let budget = Budget { zip_entry_bytes: 600 * 1024, zip_total_bytes: 800 * 1024, reports: 100_000, ..Budget::DEFAULT };
    let parsed = parse_message_within(&two, budget);
    assert_eq!(parsed.as_ref().err(), Some(&ParseError::OverBudget(OverBudget::ZipTotalBytes(800 * 1024))), "{:?}", parsed.as_ref().map(|p| &p.warnings));
    let roomy = Budget { zip_total_bytes: 2 * 1024 * 1024, ..budget };
    assert!(parse_message_within(&two, roomy).is_ok_and(|p| !p.reports.is_empty()), "the same archive within a larger total");
}

/// A feed mail whose CSV header is 64 KiB (one real column name and thousands of padding ones) followed
/// by `rows` rows, inline as `text/csv`.
fn huge_header_feed(rows: usize) -> Vec<u8> {
    let mut mail = b"From: autoreports@shadowserver.org\nSubject: Shadowserver scan_ntp report\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nReport attached.\n--b\n\
Content-Type: text/csv; name=\"2026-12-01-scan_ntp-asn64496.csv\"\n\
Content-Disposition: attachment; filename=\"2026-12-01-scan_ntp-asn64496.csv\"\n\n"
        .to_vec();
    let header_at = mail.len();
    mail.extend_from_slice(b"timestamp,ip,port");
    let mut column = 0;
    while mail.len() - header_at < 64 * 1024 {
        mail.extend_from_slice(format!(",padding_column_{column}").as_bytes());
        column += 1;
    }
    mail.push(b'\n');
    for i in 0..rows {
        mail.extend_from_slice(format!("1,198.{}.{}.{}\n", 18 + i / 65536 % 2, i / 256 % 256, i % 256).as_bytes());
    }
    mail.extend_from_slice(b"--b--\n");
    mail
}

#[test]
fn a_feed_with_a_huge_header_and_a_million_rows_is_over_budget() {
    let mail = huge_header_feed(1_000_000);
    assert!(mail.len() <= abusedesk::intake::DEFAULT_MAX_MESSAGE_BYTES, "an accepted size: {}", mail.len());
    assert_eq!(over_budget(&mail), Some(OverBudget::Reports(Budget::DEFAULT.reports)));
}

#[test]
fn rows_under_a_huge_header_keep_bounded_evidence() {
    let parsed = parse_message(&huge_header_feed(2_000)).unwrap();
    assert_eq!(parsed.reports.len(), 2_000);
    let limit = Budget::DEFAULT.row_evidence_bytes;
    for r in &parsed.reports {
        let evidence = r.evidence.as_deref().unwrap();
        assert!(evidence.len() <= limit + 16, "{} bytes of evidence", evidence.len());
        assert!(evidence.starts_with("timestamp,ip,port,padding_column_0"), "the header's start is kept");
        assert!(evidence.ends_with(&format!("\n1,{}", r.source_ip)), "the whole row is kept: {}", &evidence[evidence.len() - 40..]);
    }
}

#[test]
fn a_message_of_the_largest_size_made_of_tiny_parts_is_refused_by_its_part_count() {
    let max = abusedesk::intake::DEFAULT_MAX_MESSAGE_BYTES;
    let mut mail = b"From: someone@example.org\nSubject: parts\nMIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"p\"\n\n"
        .to_vec();
    let part = b"--p\nContent-Type: text/plain\n\n198.51.100.7\n";
    while mail.len() + part.len() + 5 <= max {
        mail.extend_from_slice(part);
    }
    mail.extend_from_slice(b"--p--");
    assert!(mail.len() > max - 64);
    assert_eq!(over_budget(&mail), Some(OverBudget::MimeParts(Budget::DEFAULT.mime_parts)));
}

#[test]
fn every_real_report_stays_well_within_the_budget() {
    // A tenth of the report and part limits and a tenth of the entry count: the samples are far from them.
    let tight = Budget { mime_parts: 100, zip_entries: 10, reports: 1_000, ..Budget::DEFAULT };
    for (name, raw) in all_fixtures() {
        assert!(!matches!(parse_message_within(&raw, tight), Err(ParseError::OverBudget(_))), "{name}");
    }
}

/// The over-budget message goes through the real intake: it is stored, marked failed with the limit it
/// crossed, and `reparse --pending` never picks it up again.
#[tokio::test]
async fn an_over_budget_message_is_stored_marked_and_not_retried() {
    use abusedesk::intake::{receive, DEFAULT_MAX_MESSAGE_BYTES};
    use abusedesk::store::{Channel, ParseStatus, Store};

    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}/budget.db", dir.path().display())).await.unwrap();
    store.migrate().await.unwrap();
    let mail = huge_header_feed(1_000_000);
    let receipt = receive(&store, &mail, Channel::Api, None, DEFAULT_MAX_MESSAGE_BYTES).await.unwrap();
    assert_eq!(receipt.status, ParseStatus::Failed);
    let detail = receipt.detail.unwrap_or_default();
    assert!(detail.contains("over the parse budget: more than 10000 reports"), "{detail}");
    let kept = store.find_message_raw(receipt.inbound_message_id).await.unwrap();
    assert_eq!(kept.map(|k| k.len()), Some(mail.len()), "stored verbatim");
    assert!(store.list_message_ids(0, true, 10).await.unwrap().is_empty(), "not pending: no retry picks it up");
    store.close().await;
}

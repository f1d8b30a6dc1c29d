//! The formats read by rule rather than by reporter, on messages written for this project (modelled on
//! real reporters' layouts, with our own addresses and text: `tests/fixtures/abusedesk/`). Each test names
//! what the rule must take and what it must never take.

use abusedesk::parse::{parse_message, Format, ReportType};

use crate::helpers::{fixture, ip, parse, utc};

fn ips(name: &str) -> Vec<String> {
    let parsed = parse_message(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    parsed.reports.iter().map(|r| r.source_ip.to_string()).collect()
}

#[test]
fn a_tsv_attachment_reports_its_client_column_never_the_server() {
    let parsed = parse("abusedesk/cert-tsv-attachment.eml", Format::Table, 3);
    let first = &parsed.reports[0];
    assert_eq!(first.source_ip, ip("45.33.32.156"));
    assert_eq!(first.source_port, Some(40022));
    assert_eq!(first.incident_time, Some(utc("2024-03-01T10:00:01Z")));
    assert_eq!(first.report_type, ReportType::Malware, "ransomware, from the body's wording");
    assert!(
        first.evidence.as_deref().is_some_and(|e| e.starts_with("proto\tclient_ip_addr") && e.lines().count() == 2),
        "header and its own row"
    );
    assert!(
        !ips("abusedesk/cert-tsv-attachment.eml").contains(&"185.220.101.4".to_owned()),
        "the server column is the destination"
    );
}

#[test]
fn an_inline_semicolon_table_with_defanged_addresses() {
    let parsed = parse("abusedesk/cert-inline-csv.eml", Format::Table, 2);
    assert_eq!(parsed.reports[0].source_ip, ip("91.121.87.10"), "91.121.87[.]10 refanged");
    assert_eq!(parsed.reports[0].incident_time, Some(utc("2024-03-03T22:15:00Z")));
    assert_eq!(parsed.reports[0].report_type, ReportType::Ddos);
}

#[test]
fn an_html_table_is_read_as_rows() {
    let parsed = parse("abusedesk/html-table.eml", Format::Table, 2);
    assert_eq!(ips("abusedesk/html-table.eml"), ["51.75.70.2", "91.121.87.10"]);
    assert_eq!(parsed.reports[1].incident_time, Some(utc("2024-03-04T18:30:00Z")));
    assert_eq!(parsed.reports[0].report_type, ReportType::OpenService, "a vulnerable service");
}

#[test]
fn a_labelled_address_but_never_the_destination_the_reporters_server_or_a_whois_paste() {
    let parsed = parse("abusedesk/labelled-phishing.eml", Format::Labelled, 1);
    let r = &parsed.reports[0];
    assert_eq!(r.source_ip, ip("45.33.32.156"));
    assert_eq!(r.report_type, ReportType::Phishing);
    assert_eq!(r.incident_time, Some(utc("2024-03-06T09:41:12Z")), "the Detected: label");
}

#[test]
fn a_list_under_a_sentence_that_introduces_it() {
    let parsed = parse("abusedesk/list-under-sentence.eml", Format::Labelled, 2);
    assert_eq!(ips("abusedesk/list-under-sentence.eml"), ["51.75.70.2", "91.121.87.10"]);
    assert_eq!(parsed.reports[0].report_type, ReportType::Malware, "a compromised server");
}

#[test]
fn the_actual_host_named_in_a_sentence() {
    let parsed = parse("abusedesk/actual-host.eml", Format::Labelled, 1);
    assert_eq!(parsed.reports[0].source_ip, ip("51.75.70.2"));
    assert_eq!(parsed.reports[0].report_type, ReportType::Phishing);
}

#[test]
fn the_actual_host_is_reported_never_the_cdn_addresses_the_complaint_saw() {
    let name = "abusedesk/cdn-front-and-origin.eml";
    parse(name, Format::Labelled, 2);
    assert_eq!(ips(name), ["51.75.70.2", "91.121.87.10"], "never the CDN's own 104.16.10.1 or 104.16.11.1");
}

#[test]
fn log_lines_name_the_remote_host_never_the_local_one() {
    let parsed = parse_message(&fixture("abusedesk/fail2ban-logs.eml")).unwrap();
    assert_eq!(ips("abusedesk/fail2ban-logs.eml"), ["45.33.32.156"]);
    assert_eq!(parsed.reports[0].incident_time, Some(utc("2024-03-08T05:12:01Z")));
}

#[test]
fn a_subject_naming_the_address() {
    let parsed = parse("abusedesk/subject-only.eml", Format::Labelled, 1);
    assert_eq!(parsed.reports[0].source_ip, ip("91.121.87.10"));
    assert_eq!(parsed.reports[0].report_type, ReportType::Spam);
}

#[test]
fn dmarc_aggregate_reports_only_failing_records() {
    let parsed = parse("abusedesk/dmarc-aggregate.eml", Format::DmarcAggregate, 1);
    let r = &parsed.reports[0];
    assert_eq!(r.source_ip, ip("51.75.70.2"));
    assert_eq!(r.reporter, "mail.example.org");
    assert_eq!(r.reporter_ref.as_deref(), Some("2024031200001"));
    assert_eq!(r.incident_time, Some(utc("2024-03-12T00:00:00Z")));
    assert!(parsed.warnings.iter().any(|w| w.contains("1 record(s) passed")), "{:?}", parsed.warnings);
}

#[test]
fn automatic_replies_and_acknowledgements_are_no_complaints() {
    parse("abusedesk/auto-reply.eml", Format::AutoReply, 0);
    parse("abusedesk/ticket-ack.eml", Format::AutoReply, 0);
    parse("abusedesk/unmonitored-mailbox.eml", Format::AutoReply, 0);
    let withdrawn = parse("abusedesk/withdrawn-request.eml", Format::AutoReply, 0);
    assert!(withdrawn.warnings.iter().any(|w| w.contains("rescind")), "{:?}", withdrawn.warnings);
}

#[test]
fn a_reply_quoting_a_notice_is_left_for_staff() {
    let parsed = parse("abusedesk/reply-quoting.eml", Format::Unknown, 0);
    assert!(parsed.warnings.iter().any(|w| w.contains("reply")), "{:?}", parsed.warnings);
}

#[test]
fn a_word_html_table_with_paragraphs_in_its_cells_is_read_as_rows() {
    let parsed = parse("abusedesk/word-html-table.eml", Format::Table, 2);
    assert_eq!(
        ips("abusedesk/word-html-table.eml"),
        ["62.210.18.40", "176.31.2.17"],
        "never the front end in the prose"
    );
    assert_eq!(parsed.reports[0].report_type, ReportType::Ddos);
    assert!(
        parsed.reports[0].evidence.as_deref().is_some_and(|e| e.contains("Chrome/124.0")),
        "a cell's lines stay in its row"
    );
}

#[test]
fn an_attached_list_of_one_address_a_line_is_read_but_a_line_with_two_makes_it_no_list() {
    let parsed = parse("abusedesk/address-list-attachment.eml", Format::AddressList, 2);
    assert_eq!(
        ips("abusedesk/address-list-attachment.eml"),
        ["5.39.70.15", "37.187.22.9"],
        "not 10.20.30.40, not contacts.txt"
    );
    assert_eq!(parsed.reports[0].incident_time, Some(utc("2024-08-02T01:17:22Z")));
    assert_eq!(parsed.reports[0].report_type, ReportType::Malware, "infected devices");
    assert!(parsed.warnings.iter().any(|w| w.contains("1 listed addresses skipped")), "{:?}", parsed.warnings);
}

#[test]
fn in_an_infection_table_the_victim_is_the_infected_host_never_the_c2_server() {
    let parsed = parse("abusedesk/infection-table.eml", Format::Table, 2);
    assert_eq!(ips("abusedesk/infection-table.eml"), ["51.75.70.2", "91.121.87.10"]);
    assert_eq!(parsed.reports[0].report_type, ReportType::Malware);
}

#[test]
fn an_ascii_table_of_infected_servers() {
    let parsed = parse("abusedesk/ascii-table.eml", Format::Table, 2);
    assert_eq!(ips("abusedesk/ascii-table.eml"), ["5.39.70.15", "37.187.22.9"], "never the targeted customer");
    assert_eq!(parsed.reports[1].incident_time, Some(utc("2021-11-03T11:18:00Z")), "the Last Seen (UTC) column");
}

#[test]
fn a_quoted_printable_part_cut_off_before_its_boundary_is_still_decoded() {
    parse("abusedesk/truncated-qp.eml", Format::Labelled, 1);
    assert_eq!(ips("abusedesk/truncated-qp.eml"), ["91.121.87.10"], "the bullet list under the sentence");
}

#[test]
fn a_xarf_document_without_a_source_reports_the_rows_of_its_sample_log() {
    let parsed = parse("abusedesk/xarf-samples.eml", Format::Xarf, 2);
    assert_eq!(ips("abusedesk/xarf-samples.eml"), ["62.210.18.40", "176.31.2.17"], "never the destinations");
    assert_eq!(parsed.reports[0].report_type, ReportType::Scanning);
    assert_eq!(parsed.reports[1].incident_time, Some(utc("2024-10-09T00:05:00Z")));
}

#[test]
fn a_list_introduced_by_a_wrapped_sentence() {
    parse("abusedesk/wrapped-list-intro.eml", Format::Labelled, 2);
    assert_eq!(ips("abusedesk/wrapped-list-intro.eml"), ["45.33.32.156", "51.75.70.2"], "never the reporter's monitor");
}

#[test]
fn a_subject_naming_several_offenders_is_no_one_offender_log_notice() {
    parse("abusedesk/several-offenders-subject.eml", Format::Labelled, 3);
    assert_eq!(ips("abusedesk/several-offenders-subject.eml"), ["91.121.87.10", "51.75.70.2", "5.39.70.15"]);
}

#[test]
fn an_xlsx_attachment_is_read_like_a_csv_one() {
    let name = "abusedesk/xlsx-attachment.eml";
    let parsed = parse(name, Format::Table, 3);
    assert_eq!(ips(name), ["5.188.10.20", "5.188.10.20", "91.121.87.10"], "10.44.0.9 is never a source");
    let first = &parsed.reports[0];
    assert_eq!(first.incident_time, Some(utc("2024-04-02T08:15:30Z")));
    assert_eq!(first.source_port, Some(40022), "the source_port column, never the destination port");
    assert!(parsed.warnings.iter().any(|w| w.contains("1 table rows skipped")), "{:?}", parsed.warnings);
}

#[test]
fn table_cells_name_their_address_among_words_or_as_a_list_but_never_one_of_two_in_a_sentence() {
    let name = "abusedesk/c2-html-table.eml";
    let parsed = parse(name, Format::Table, 4);
    assert_eq!(
        ips(name),
        ["45.33.32.156", "185.220.101.4", "51.75.70.2", "91.121.87.10"],
        "a C2 table without infected hosts reports its servers; a private C2 and a cell naming two addresses in \
         words are skipped; prose lines with commas are no table"
    );
    assert_eq!(parsed.reports[0].source_port, Some(8443), "HTTPS @ A:8443");
}

#[test]
fn a_w3c_extended_log_reports_each_client_never_the_server() {
    let name = "abusedesk/w3c-log.eml";
    let parsed = parse(name, Format::Table, 2);
    assert_eq!(ips(name), ["45.33.32.156", "185.220.101.4"], "never s-ip 81.2.69.142, never 192.168.1.20");
    assert_eq!(parsed.reports[0].incident_time, Some(utc("2024-03-28T08:45:41Z")));
}

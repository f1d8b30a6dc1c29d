//! One test (or a few) per rule, on small inline messages; fixtures and hostile input have their own files.

mod decoding;
mod fixtures;
mod robustness;

use super::{redact_message, Redaction, MARKER};

fn redact(message: &str) -> Redaction {
    redact_message(message.as_bytes(), &[])
}

fn assert_hidden(out: &Redaction, needles: &[&str]) {
    let lower = out.text.to_ascii_lowercase();
    for needle in needles {
        assert!(!lower.contains(&needle.to_ascii_lowercase()), "{needle:?} survived in:\n{}", out.text);
    }
}

fn assert_kept(out: &Redaction, needles: &[&str]) {
    for needle in needles {
        assert!(out.text.contains(needle), "{needle:?} was lost from:\n{}", out.text);
    }
}

#[test]
fn rule_1_replaces_every_mailbox_of_recipient_fields_and_keeps_their_names() {
    let out = redact(
        "From: news@shop.example\n\
         To: \"Smith, Joe\" <joe@victim.example>, ann@victim.example\n\
         cc: Bob (Robert)\n <bob@victim.example>\n\
         BCC: carol@victim.example\n\
         Delivered-To: dan@victim.example\n\
         X-Original-To: eve@victim.example\n\
         X-Envelope-To: <fay@victim.example>\n\
         Envelope-To: gus@victim.example\n\
         X-Rcpt-To: hal@victim.example\n\
         X-Apparently-To: ida@victim.example; Mon, 18 Jan 2016 23:57:24 +0000\n\
         Original-Recipient: rfc822;jan@victim.example\n\
         Subject: hi\n\
         \n\
         body\n",
    );
    assert_hidden(&out, &["joe@", "ann@", "bob@", "carol@", "dan@", "eve@", "fay@", "gus@", "hal@", "ida@", "jan@"]);
    assert_hidden(&out, &["Smith", "Robert"]);
    assert_kept(
        &out,
        &["To: [redacted], [redacted]\n", "cc: [redacted]\n", "BCC: [redacted]", "Delivered-To: [redacted]"],
    );
    assert_kept(&out, &["X-Apparently-To: [redacted]; Mon, 18 Jan 2016", "Original-Recipient: rfc822;[redacted]"]);
    assert_kept(&out, &["From: news@shop.example", "Subject: hi"]);
    assert_eq!(out.removed, 11);
}

#[test]
fn rule_1_leaves_recipient_fields_without_an_address_alone() {
    let out = redact("To: undisclosed-recipients:;\nDelivered-To: x\nSubject: s\n\nbody\n");
    assert_kept(&out, &["To: undisclosed-recipients:;\n", "Delivered-To: x\n"]);
    assert_eq!(out.removed, 0);
}

#[test]
fn rule_1_applies_in_feedback_reports_attached_messages_and_quoted_headers() {
    let out = redact(
        "From: fbl@isp.example\nTo: abuse@host.example\nSubject: report\nMIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=feedback-report; boundary=\"b\"\n\n\
         --b\nContent-Type: message/feedback-report\n\n\
         Feedback-Type: abuse\nOriginal-Rcpt-To: <kim@victim.example>\nRemoval-Recipient: lee@victim.example\n\
         Final-Recipient: rfc822; max@victim.example\nSource-IP: 192.0.2.7\n\n\
         --b\nContent-Type: message/rfc822\n\n\
         From: spammer@spam.example\nTo: ned@victim.example\nSubject: buy\n\nbuy now\n\
         --b--\n",
    );
    assert_hidden(&out, &["kim@", "lee@", "max@", "ned@", "abuse@host.example"]);
    assert_kept(&out, &["Source-IP: 192.0.2.7", "From: spammer@spam.example", "Final-Recipient: rfc822; [redacted]"]);
}

#[test]
fn rule_2_replaces_the_for_clause_of_received_and_keeps_hosts() {
    let out = redact(
        "Received: from mail.spam.example (mail.spam.example [192.0.2.1])\n\
         \tby mx.victim.example (Postfix) with ESMTP id 4F00\n\
         \tfor <joe@victim.example>; Tue, 19 Jan 2016 20:33:06 +0100\n\
         Received: from relay.example by mx2.example for ann@victim.example (single-drop); Tue, 19 Jan 2016\n\
         Received: from pop.example by fetch.example for x (single-drop); Tue, 19 Jan 2016\n\
         Subject: s\n\nbody\n",
    );
    assert_hidden(&out, &["joe@victim.example", "ann@victim.example"]);
    assert_kept(&out, &["from mail.spam.example (mail.spam.example [192.0.2.1])", "by mx.victim.example"]);
    assert_kept(&out, &["for <[redacted]>;", "for [redacted] (single-drop)", "for x (single-drop)"]);
    assert_eq!(out.removed, 2);
}

#[test]
fn identities_from_rules_1_and_2_are_hidden_everywhere() {
    let out = redact(
        "Received: from a.example by b.example for <zed@victim.example>; Mon, 1 Jan 2024\n\
         Authentication-Results: mx.example; spf=pass smtp.mailfrom=bounce@spam.example; x=joe@victim.example\n\
         To: joe@victim.example\nFrom: joe@victim.example\nMessage-ID: <1@zed@victim.example>\n\n\
         Dear zed@victim.example and JOE@Victim.Example\n",
    );
    assert_hidden(&out, &["joe@victim.example", "zed@victim.example"]);
    // Not an identity, and in an evidence field: it shows the sending domain.
    assert_kept(&out, &["smtp.mailfrom=bounce@spam.example; x=[redacted]\n", "From: [redacted]\n"]);
}

#[test]
fn other_header_fields_are_read_like_body_text() {
    let out = redact(
        "From: a@shop.example\nTo: x\nSubject: Hi ann@victim.example, news from info@shop.example\n\
         X-Recipient: <bob@victim.example>\n\
         Received-SPF: pass (x) receiver=carol@victim.example; envelope-from=bounce@mail.shop.example\n\n\
         body\n",
    );
    assert_hidden(&out, &["ann@victim", "bob@victim", "carol@victim"]);
    assert_kept(
        &out,
        &["Subject: Hi [redacted], news from info@shop.example\n", "envelope-from=bounce@mail.shop.example"],
    );
}

#[test]
fn rule_3_hides_body_addresses_except_at_the_senders_domains() {
    let out = redact(
        "Return-Path: <bounce@mailer.shop.example>\nFrom: News <news@shop.example>\nTo: x\nSubject: s\n\n\
         Write to support@shop.example or sales@eu.shop.example (sent via bounce@mailer.shop.example).\n\
         Forward it to friend@other.example, user@localhost stays, an id 123@456 stays.\n",
    );
    assert_kept(&out, &["support@shop.example", "sales@eu.shop.example", "bounce@mailer.shop.example"]);
    assert_kept(&out, &["user@localhost", "123@456"]);
    assert_hidden(&out, &["friend@other.example"]);
    assert_eq!(out.removed, 1);
}

#[test]
fn rule_3_the_reporters_own_from_gives_no_exemption_when_the_original_is_embedded() {
    let out = redact(
        "From: Reporter <reporter@freemail.example>\nTo: abuse@isp.example\nSubject: spam\n\
         Content-Type: multipart/mixed; boundary=\"x\"\n\n\
         --x\nContent-Type: text/plain\n\nMy friend other@freemail.example got it too.\n\
         --x\nContent-Type: message/rfc822\n\n\
         From: spammer@spam.example\nSubject: buy\n\nask info@spam.example or cc@freemail.example\n--x--\n",
    );
    assert_hidden(&out, &["other@freemail.example", "cc@freemail.example"]);
    assert_kept(&out, &["info@spam.example"]);
}

#[test]
fn rule_3_covers_encoded_at_signs_mailto_and_verp() {
    let out = redact(
        "From: a@shop.example\nSubject: s\n\n\
         joe%40victim.example and ann%2540victim.example\n\
         <a href=\"mailto:bob@victim.example?subject=hi\">write</a> <a href=\"mailto:help@shop.example\">help</a>\n\
         bounce-carol=victim.example@lists.example\n",
    );
    assert_hidden(&out, &["joe%40victim", "ann%2540victim", "bob@victim", "carol", "victim.example"]);
    assert_kept(&out, &["mailto:[redacted]?subject=hi", "mailto:help@shop.example"]);
}

#[test]
fn rule_4_hides_personal_parameters_and_tracking_tokens_but_keeps_scheme_and_host() {
    let out = redact(
        "From: a@shop.example\nSubject: s\n\n\
         https://shop.example/unsubscribe?u=12345&list=weekly&amp;e=joe%40victim.example\n\
         http://click.shop.example/track/8f14e45fceea167a5a36dedd4bea2543/open.gif\n\
         https://shop.example/optout/2024-05-01-abcdefghijklmn\n\
         https://shop.example/p?ref=joe@victim.example&color=red\n\
         https://shop.example/catalogue/8f14e45fceea167a5a36dedd4bea2543 (not a tracking link)\n\
         https://shop.example/unsubscribe-confirmation#token=abc\n",
    );
    assert_kept(&out, &["https://shop.example/unsubscribe?u=[redacted]&list=weekly&amp;e=[redacted]\n"]);
    assert_kept(
        &out,
        &["http://click.shop.example/track/[redacted]/open.gif", "https://shop.example/optout/[redacted]"],
    );
    assert_kept(&out, &["https://shop.example/p?ref=[redacted]&color=red"]);
    assert_kept(&out, &["https://shop.example/catalogue/8f14e45fceea167a5a36dedd4bea2543 (not"]);
    assert_kept(&out, &["https://shop.example/unsubscribe-confirmation#token=[redacted]"]);
    assert_hidden(&out, &["12345", "joe"]);
}

#[test]
fn rule_4_applies_to_links_in_header_fields() {
    let out = redact(
        "From: a@shop.example\nList-Unsubscribe: <https://shop.example/unsub?email=joe@victim.example>, \
         <mailto:unsub-7f3a9c2b4d5e6f70819a@esp.example>\nSubject: s\n\nbody\n",
    );
    assert_hidden(&out, &["joe@victim", "7f3a9c2b4d5e6f70819a"]);
    assert_kept(&out, &["<https://shop.example/unsub?email=[redacted]>", "<mailto:[redacted]>"]);
}

#[test]
fn rule_5_hides_spamcop_report_tokens_and_per_report_addresses() {
    let out = redact(
        "From: 1234567@reports.spamcop.net\nReturn-Path: <1234567@bounces.spamcop.net>\nTo: abuse@isp.example\n\
         Subject: [SpamCop (192.0.2.9) id:1234567]buy\nMessage-ID: <rid_1234567@msgid.spamcop.net>\n\n\
         Email from 192.0.2.9 / Mon, 1 Jan 2024\n\
         http://www.spamcop.net/w3m?i=z1234567zabcdefz\n\
         https://www.spamcop.net/sc?id=z6543zdef&action=x\n\
         Reply to 1234567@reports.spamcop.net.\n",
    );
    assert_hidden(&out, &["@reports.spamcop.net", "@bounces.spamcop.net", "@msgid.spamcop.net", "z1234567z", "z6543z"]);
    assert_kept(
        &out,
        &["http://www.spamcop.net/w3m?i=[redacted]", "https://www.spamcop.net/sc?id=[redacted]&action=x"],
    );
    assert_kept(&out, &["Subject: [SpamCop (192.0.2.9) id:1234567]buy", "Email from 192.0.2.9 /"]);
}

#[test]
fn rule_6_replaces_feedback_loop_redacted_addresses() {
    let out = redact(
        "From: scomp@fbl.example\nSubject: r\n\nRedacted-Address: joe@victim.example\nRedacted-Address: redacted@\n",
    );
    assert_hidden(&out, &["joe@victim.example", "redacted@\n"]);
    assert_eq!(out.text.matches("Redacted-Address: [redacted]\n").count(), 2);
}

#[test]
fn rule_7_replaces_spamcop_style_comment_sections() {
    let out = redact(
        "From: 1@reports.spamcop.net\nSubject: [SpamCop (192.0.2.9) id:1]x\n\n\
         [ SpamCop V5.4.0 ]\nEmail from 192.0.2.9 / Mon, 1 Jan 2024\n\n\
         [ Additional comments ]\nI am Joe Bloggs of Leeds and I get these daily.\n\nPlease stop them.\n\n\
         [ Offending message ]\nReceived: from spam.example by mx.example; Mon, 1 Jan 2024\nSubject: buy\n\nbuy\n",
    );
    assert_hidden(&out, &["Joe Bloggs", "Leeds", "Please stop"]);
    assert_kept(&out, &["[ Additional comments ]\n[redacted]\n[ Offending message ]\n", "Email from 192.0.2.9"]);
    assert_kept(&out, &["Received: from spam.example by mx.example"]);
}

#[test]
fn rule_7_replaces_colon_marked_comments_up_to_a_blank_line() {
    let out = redact(
        "From: r@reporter.example\nSubject: spam\n\nSee below.\n\
         Comments from recipient: this is my work address,\nplease keep my name out of it.\n\n\
         Received: from spam.example by mx.example; Mon, 1 Jan 2024\n\
         User comments:\n\nsecond comment after a blank line\n\nend\n",
    );
    assert_hidden(&out, &["work address", "keep my name", "second comment"]);
    assert_kept(
        &out,
        &["See below.\nComments from recipient: [redacted]\n\nReceived:", "User comments: [redacted]\n\nend\n"],
    );
    assert_eq!(out.removed, 2);
}

#[test]
fn desk_identities_are_hidden_in_every_form() {
    // In a header field an address that is not an identity stays, but the local part goes (a desk identity).
    let message = "From: a@shop.example\nTo: x\nSubject: hi Joe.Smith\nReply-To: joe.smith@other.example\n\n\
                   Dear joe.smith, your address Joe.Smith@Victim.Example (also joe.smith%40victim.example)\n\
                   joe.smithers stays. Jane Doe knows.\n\
                   https://shop.example/?ref=joe.smith\n";
    let out = redact_message(message.as_bytes(), &[" <Joe.Smith@victim.example> ", "jane doe", "abc"]);
    assert_hidden(&out, &["joe.smith@", "joe.smith%40", "jane doe", "Dear joe.smith,", "hi Joe.Smith"]);
    assert_kept(&out, &["joe.smithers stays", "ref=[redacted]", "[redacted]@other.example"]);
}

#[test]
fn role_local_parts_of_desk_identities_stay_as_words() {
    let out = redact_message(b"Subject: s\n\nthe abuse desk at abuse@isp.example\n", &["abuse@isp.example"]);
    assert_kept(&out, &["the abuse desk at [redacted]\n"]);
    assert_eq!(out.removed, 1);
}

#[test]
fn the_marker_is_the_only_replacement_and_counts_match() {
    let out = redact("To: a@victim.example\nSubject: s\n\nwrite b@victim.example\n");
    assert_eq!(out.text, format!("To: {MARKER}\nSubject: s\n\nwrite {MARKER}\n"));
    assert_eq!(out.removed, 2);
}

/// Base64 (standard alphabet, padded), for building encoded test input.
fn b64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[test]
fn rule_3_hides_internationalised_addresses_whole() {
    // Cut at the first non-ASCII byte, "józef.müller@bücher.example" used to leave "józef.mü" and the domain.
    let out = redact("From: a@shop.example\nSubject: s\n\nHallo józef.müller@bücher.example, и иван@почта.рф.\nJoe@example.com»\n");
    assert_hidden(&out, &["józef", "müller", "bücher", "иван", "почта", "Joe@"]);
    assert_kept(&out, &["Hallo [redacted], и [redacted].\n", "[redacted]»"]);
}

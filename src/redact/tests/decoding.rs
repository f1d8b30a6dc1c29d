//! Encoded content is decoded before redaction, so no address survives in base64, quoted-printable or an
//! encoded word, and what cannot be decoded to text is not shown.

use super::super::mime::OMITTED;
use super::{assert_hidden, assert_kept, redact};

/// "Hello joe@victim.example, see https://shop.example/unsub?e=joe@victim.example\n", base64.
const HELLO_B64: &str =
    "SGVsbG8gam9lQHZpY3RpbS5leGFtcGxlLCBzZWUg\naHR0cHM6Ly9zaG9wLmV4YW1wbGUvdW5zdWI/ZT1qb2VAdmljdGltLmV4YW1wbGUK";

#[test]
fn base64_text_parts_are_decoded_then_redacted() {
    let message = format!(
        "From: a@shop.example\nTo: joe@victim.example\nSubject: s\nMIME-Version: 1.0\n\
         Content-Type: multipart/alternative; boundary=\"=_b\"\n\n\
         --=_b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{HELLO_B64}\n--=_b--\n"
    );
    let out = redact(&message);
    assert_hidden(&out, &["joe@victim", "SGVsbG8gam9lQHZpY3RpbS5leGFtcGxl", "aHR0cHM6Ly9zaG9w"]);
    assert_kept(
        &out,
        &["Content-Transfer-Encoding: 8bit\n", "Hello [redacted], see https://shop.example/unsub?e=[redacted]"],
    );
}

#[test]
fn quoted_printable_is_decoded_across_soft_line_breaks() {
    let out = redact(
        "From: a@shop.example\nSubject: s\nContent-Type: text/plain; charset=iso-8859-1\n\
         Content-Transfer-Encoding: quoted-printable\n\n\
         Caf=E9 offer for jo=\ne@victim.example, link https://shop.example/x?u=3D42 and a broken =ZZ stays\n",
    );
    assert_hidden(&out, &["jo=", "e@victim", "42"]);
    assert_kept(&out, &["Café offer for [redacted], link https://shop.example/x?u=[redacted] and a broken =ZZ stays"]);
}

#[test]
fn encoded_words_in_headers_are_decoded() {
    let out = redact(
        "From: a@shop.example\nTo: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <jorg@victim.example>\n\
         Subject: =?UTF-8?B?SGkgam9lQHZpY3RpbS5leGFtcGxl?= =?iso-8859-1?q?_=E0_bient=F4t?=\n\
         Delivered-To: joe@victim.example\n\nbody\n",
    );
    assert_hidden(&out, &["Jörg", "Müller", "jorg@", "joe@victim", "SGkgam9l"]);
    assert_kept(&out, &["Subject: Hi [redacted] à bientôt\n"]);
}

#[test]
fn encoded_words_longer_than_the_rfc_allows_are_decoded_too() {
    // Mailers write words far over 75 characters; one left encoded hid its address from the rules.
    let long = "Dear customer ".repeat(15) + "joe@victim.example";
    let word = format!("=?utf-8?B?{}?=", super::b64(&long));
    let out = redact(&format!("From: a@shop.example\nSubject: {word}\n\nbody\n"));
    assert_hidden(&out, &["joe@victim", &word[10..40]]);
    assert_kept(&out, &["Subject: Dear customer"]);
}

#[test]
fn binary_attachments_are_omitted_and_text_ones_shown() {
    let out = redact(
        "From: a@shop.example\nSubject: s\nContent-Type: multipart/mixed; boundary=b\n\n\
         --b\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n\
         AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==\n\
         --b\nContent-Type: application/json\nContent-Transfer-Encoding: base64\n\n\
         eyJyZXBvcnRlciI6ICJhbm5AdmljdGltLmV4YW1wbGUiLCAiaXAiOiAiMTkyLjAuMi41In0K\n--b--\n",
    );
    assert_hidden(&out, &["AAECAwQF", "ann@victim"]);
    assert_kept(&out, &[OMITTED, "Content-Type: image/png", r#"{"reporter": "[redacted]", "ip": "192.0.2.5"}"#]);
}

#[test]
fn a_base64_attached_message_is_decoded_as_a_message() {
    let out = redact(
        "From: fbl@isp.example\nSubject: report\nContent-Type: multipart/report; boundary=b\n\n\
         --b\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n\
         RnJvbTogc3BhbW1lckBzcGFtLmV4YW1wbGUKVG86IGtpbUB2aWN0aW0uZXhhbXBsZQpTdWJqZWN0OiBidXkKCmJ1eSBub3cga2ltQHZpY3RpbS5leGFtcGxlCg==\n\
         --b--\n",
    );
    assert_hidden(&out, &["kim@victim"]);
    assert_kept(&out, &["From: spammer@spam.example\nTo: [redacted]\nSubject: buy\n\nbuy now [redacted]\n"]);
}

#[test]
fn input_without_a_header_block_is_all_body_text() {
    let out = redact("{\"reporter\": \"ann@victim.example\",\n \"note: x\": \"192.0.2.5\"}\n");
    assert_hidden(&out, &["ann@victim"]);
    assert_kept(&out, &["192.0.2.5"]);
}

#[test]
fn crlf_and_mbox_envelope_lines_are_handled() {
    let out =
        redact("From joe@victim.example Mon Jan 1 00:00:00 2024\r\nTo: joe@victim.example\r\nSubject: s\r\n\r\nhi\r\n");
    assert_hidden(&out, &["joe@victim", "\r"]);
    assert_kept(&out, &["From [redacted] Mon Jan 1", "Subject: s\n\nhi\n"]);
}

#[test]
fn a_message_quoted_after_a_spamcop_marker_is_decoded_too() {
    let out = redact(&format!(
        "From: 1@reports.spamcop.net\nSubject: [SpamCop (192.0.2.9) id:1]x\n\n[ SpamCop V5.4.0 ]\n\n\
         [ Offending message ]\nReturn-Path: <a@shop.example>\nSubject: =?UTF-8?B?SGkgam9lQHZpY3RpbS5leGFtcGxl?=\n\
         To: x\nContent-Type: multipart/alternative; boundary=q\n\n\
         --q\nContent-Transfer-Encoding: base64\n\n{HELLO_B64}\n--q--\n"
    ));
    assert_hidden(&out, &["joe@victim", "SGkgam9l", "SGVsbG8g"]);
    assert_kept(
        &out,
        &["[ Offending message ]\nReturn-Path: <a@shop.example>\nSubject: Hi [redacted]\n", "Hello [redacted]"],
    );
}

#[test]
fn an_attached_message_may_start_with_a_quoted_mbox_line() {
    let out = redact(
        "From: fbl@isp.example\nSubject: r\nContent-Type: multipart/report; boundary=b\n\n\
         --b\nContent-Type: message/rfc822\n\n>From \"x\" Mon Jan 18 23:57:24 2016\n\
         From: a@shop.example\nTo: joe@victim.example\nMessage-ID: <1234@mta.example>\n\
         Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\nSGkgam9lQHZpY3RpbS5leGFtcGxl\n--b--\n",
    );
    assert_hidden(&out, &["joe@victim"]);
    assert_kept(&out, &["Message-ID: <1234@mta.example>", "Hi [redacted]"]);
}

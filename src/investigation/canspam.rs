//! CAN-SPAM indicators of a reported original message: what an analyst checks to judge whether bulk mail
//! from a customer was run the way commercial mail must be (15 U.S.C. 7704: an opt-out mechanism, a
//! postal address, an advertisement label, no misleading header information) and whether its trace
//! looks forged.
//!
//! Indicators are facts and heuristics for a person to weigh, never a verdict. [`indicators`] never
//! panics, whatever the input: unreadable input gives [`CanSpamIndicators::default`], with `readable`
//! false.

use std::panic::{catch_unwind, AssertUnwindSafe};

use chrono::{DateTime, Utc};
use mail_parser::Message;
use serde::Serialize;

use super::{postal, received};
use crate::parse::mime;
use crate::parse::original::{organisation, Original};

/// What [`indicators`] found in one message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CanSpamIndicators {
    /// Whether the input could be read as a message with headers at all. When false every other field
    /// is empty and says nothing about the message.
    pub readable: bool,
    /// The `List-Unsubscribe` header (RFC 2369), unfolded.
    pub list_unsubscribe: Option<String>,
    /// One-click unsubscription as RFC 8058 defines it: `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
    /// together with an https URI in `List-Unsubscribe` (the POST goes there, so one without the other
    /// does not work).
    pub one_click: bool,
    /// The first link (http, https or mailto) in a text or HTML body part that contains, or has within
    /// [`LINK_CONTEXT`] bytes of it, one of [`OPT_OUT_WORDS`].
    pub unsubscribe_link_in_body: Option<String>,
    /// The first body line that looks like a postal address (a heuristic: see [`super::postal`]).
    pub postal_address: Option<String>,
    /// Whether the Subject carries the word `ADV` or `Advertisement`, or `Ad:` (case-insensitive).
    pub ad_label_in_subject: bool,
    /// Whether the From domain and the envelope sender's domain (`Return-Path`, failing that
    /// `X-Envelope-From`) belong to the same organisation: the same last two labels, or three under
    /// `co.uk`-style country domains (the rule parsing uses for Received hops). `None` when either is
    /// missing; a null `Return-Path: <>` counts as missing.
    pub sender_consistency: Option<bool>,
    /// One sentence per oddity in the Received chain (see [`super::received`]).
    pub received_anomalies: Vec<String>,
}

/// Words that mark a link as an opt-out, matched case-insensitively as substrings (`unsub` covers
/// "unsubscribe", `remov` covers "remove" and "removal").
pub const OPT_OUT_WORDS: [&str; 5] = ["unsub", "opt-out", "opt out", "optout", "remov"];

/// How far (in bytes of the decoded body) an opt-out word may stand from a link: enough for the anchor
/// text of an HTML link or a "to unsubscribe, visit" lead-in.
pub const LINK_CONTEXT: usize = 100;

/// Reads the indicators of `raw`, an original (reported) message as raw RFC 822 bytes, any line endings.
/// Dates in the Received chain are judged against the current time.
///
/// For a stored report, `ParsedReport::evidence` holds the original's raw text (possibly cut at 64 KiB,
/// which can hide body indicators); pass that, not the complaint that wraps it.
pub fn indicators(raw: &[u8]) -> CanSpamIndicators {
    indicators_at(raw, Utc::now())
}

/// As [`indicators`], judging Received dates against `now` (say, when the report arrived) so that the
/// result does not depend on when it is computed.
pub fn indicators_at(raw: &[u8], now: DateTime<Utc>) -> CanSpamIndicators {
    let bytes = mime::normalize(raw);
    if bytes.is_empty() || mime::containers(&bytes) > mime::MAX_CONTAINERS {
        return CanSpamIndicators::default();
    }
    let Some(msg) = mime::parse(&bytes) else { return CanSpamIndicators::default() };
    // mime::parse already shields us from mail-parser panicking while parsing; its accessors are
    // third-party code too, and this function promises never to panic.
    catch_unwind(AssertUnwindSafe(|| read(&msg, now))).unwrap_or_default()
}

fn read(msg: &Message<'_>, now: DateTime<Utc>) -> CanSpamIndicators {
    if mime::header_pairs(msg).is_empty() {
        return CanSpamIndicators::default();
    }
    let list_unsubscribe = mime::header(msg, "list-unsubscribe").filter(|v| !v.is_empty());
    let post = mime::header(msg, "list-unsubscribe-post").unwrap_or_default();
    let one_click = post.split_whitespace().collect::<String>().eq_ignore_ascii_case("List-Unsubscribe=One-Click")
        && list_unsubscribe.as_deref().is_some_and(|v| v.to_ascii_lowercase().contains("<https://"));
    let envelope = mime::header(msg, "return-path").or_else(|| mime::header(msg, "x-envelope-from"));
    let from = mime::sender(msg).address;
    let sender_consistency = match (from.as_deref().and_then(domain_of), envelope.as_deref().and_then(domain_of)) {
        (Some(a), Some(b)) => Some(organisation(&a).unwrap_or(a) == organisation(&b).unwrap_or(b)),
        _ => None,
    };
    CanSpamIndicators {
        readable: true,
        list_unsubscribe,
        one_click,
        unsubscribe_link_in_body: unsubscribe_link(msg),
        postal_address: postal::find(&mime::body_text(msg)),
        ad_label_in_subject: has_ad_label(&mime::subject(msg)),
        sender_consistency,
        received_anomalies: received::anomalies(&Original::from_message(msg), now),
    }
}

impl CanSpamIndicators {
    /// Each indicator as (label, value) for display, in a fixed order.
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        if !self.readable {
            return vec![("Message", "could not be read as an e-mail".to_owned())];
        }
        let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
        let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "none found".to_owned());
        let anomalies =
            if self.received_anomalies.is_empty() { "none".to_owned() } else { self.received_anomalies.join("; ") };
        vec![
            ("List-Unsubscribe header", self.list_unsubscribe.clone().unwrap_or_else(|| "absent".to_owned())),
            ("One-click unsubscribe (RFC 8058)", yes_no(self.one_click)),
            ("Unsubscribe link in body", or_none(&self.unsubscribe_link_in_body)),
            ("Postal address (heuristic)", or_none(&self.postal_address)),
            ("Advertisement label in subject", yes_no(self.ad_label_in_subject)),
            (
                "From domain matches envelope sender",
                self.sender_consistency.map_or_else(|| "unknown (a header is missing)".to_owned(), yes_no),
            ),
            ("Received chain anomalies", anomalies),
        ]
    }
}

/// The domain of an address header value (`Name <a@b.example>`, `<a@b.example>`, `a@b.example`),
/// lower-case.
fn domain_of(value: &str) -> Option<String> {
    let address = value.rsplit_once('<').map_or(value, |(_, rest)| rest.split('>').next().unwrap_or(rest));
    let (_, domain) = address.trim().rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches(['>', '.']).to_ascii_lowercase();
    (!domain.is_empty() && !domain.contains(char::is_whitespace)).then_some(domain)
}

/// `ADV`, `Advertisement` as whole words, or `Ad` followed by a colon.
fn has_ad_label(subject: &str) -> bool {
    let mut rest = subject;
    while let Some(start) = rest.find(|c: char| c.is_alphanumeric()) {
        let tail = rest.get(start..).unwrap_or_default();
        let len = tail.find(|c: char| !c.is_alphanumeric()).unwrap_or(tail.len());
        let word = tail.get(..len).unwrap_or_default();
        let after = tail.get(len..).unwrap_or_default();
        if word.eq_ignore_ascii_case("adv")
            || word.eq_ignore_ascii_case("advertisement")
            || (word.eq_ignore_ascii_case("ad") && after.starts_with(':'))
        {
            return true;
        }
        rest = after;
    }
    false
}

/// The first opt-out link in the inline text and HTML parts (see
/// [`CanSpamIndicators::unsubscribe_link_in_body`]). HTML is read as markup, so `href` targets count.
fn unsubscribe_link(msg: &Message<'_>) -> Option<String> {
    mime::leaves(msg)
        .iter()
        .filter(|leaf| leaf.filename.is_none() && matches!(leaf.content_type.as_str(), "text/plain" | "text/html"))
        .find_map(|leaf| opt_out_link(&leaf.text()?))
}

fn opt_out_link(text: &str) -> Option<String> {
    // ASCII lower-casing keeps byte offsets, so positions in `lower` are positions in `text`.
    let lower = text.to_ascii_lowercase();
    let mut starts: Vec<usize> = ["http://", "https://", "mailto:"]
        .iter()
        .flat_map(|scheme| lower.match_indices(scheme).map(|(i, _)| i))
        .collect();
    starts.sort_unstable();
    starts.into_iter().find_map(|start| {
        let tail = text.get(start..)?;
        let len = tail.find(|c: char| c.is_whitespace() || "\"'<>".contains(c)).unwrap_or(tail.len());
        let link = tail.get(..len)?.trim_end_matches(['.', ',', ';', ')', ']', '!', '?']);
        let bytes = lower.as_bytes();
        let context = bytes.get(start.saturating_sub(LINK_CONTEXT)..(start + len + LINK_CONTEXT).min(bytes.len()))?;
        let near = OPT_OUT_WORDS.iter().any(|w| context.windows(w.len()).any(|window| window == w.as_bytes()));
        (near && link.len() > "mailto:".len()).then(|| link.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap()
    }

    fn of(message: &str) -> CanSpamIndicators {
        indicators_at(message.as_bytes(), now())
    }

    const NEWSLETTER: &str = "Return-Path: <bounce-17@mail.shop.example>\r\n\
        Received: from out.shop.example (out.shop.example [81.2.69.25]) by mx.isp.example; Sat, 1 Jun 2024 10:00:05 +0000\r\n\
        From: Shop <news@shop.example>\r\n\
        Subject: ADV: Spring sale\r\n\
        List-Unsubscribe: <mailto:leave@shop.example>,\r\n <https://shop.example/u?id=9>\r\n\
        List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\
        Content-Type: text/html; charset=utf-8\r\n\
        \r\n\
        <p>Big savings at <a href=\"https://shop.example/sale\">our shop</a>.</p>\r\n\
        <p>Shop Inc.<br>123 Main Street, Springfield, IL 62701</p>\r\n\
        <p><a href=\"https://shop.example/u?id=9\">Unsubscribe</a></p>\r\n";

    #[test]
    fn a_well_behaved_newsletter_shows_every_indicator() {
        let found = of(NEWSLETTER);
        assert_eq!(
            found,
            CanSpamIndicators {
                readable: true,
                list_unsubscribe: Some("<mailto:leave@shop.example>, <https://shop.example/u?id=9>".to_owned()),
                one_click: true,
                unsubscribe_link_in_body: Some("https://shop.example/u?id=9".to_owned()),
                postal_address: Some("123 Main Street, Springfield, IL 62701".to_owned()),
                ad_label_in_subject: true,
                sender_consistency: Some(true),
                received_anomalies: Vec::new(),
            }
        );
        let labels: Vec<&str> = found.summary().iter().map(|(label, _)| *label).collect();
        assert_eq!(labels.len(), 7);
        assert!(found.summary().contains(&("One-click unsubscribe (RFC 8058)", "yes".to_owned())));
    }

    #[test]
    fn a_bare_message_shows_none() {
        let found = of("From: someone@sender.example\nSubject: hello\n\nHi there, see https://sender.example/x\n");
        assert_eq!(found, CanSpamIndicators { readable: true, ..CanSpamIndicators::default() });
        assert!(found
            .summary()
            .contains(&("From domain matches envelope sender", "unknown (a header is missing)".to_owned())));
        assert!(found.summary().contains(&("List-Unsubscribe header", "absent".to_owned())));
    }

    #[test]
    fn one_click_needs_the_post_header_and_an_https_uri() {
        let no_post = "List-Unsubscribe: <https://a.example/u>\nSubject: x\n\nbody\n";
        assert!(!of(no_post).one_click);
        let mailto_only =
            "List-Unsubscribe: <mailto:u@a.example>\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n\nb\n";
        assert!(!of(mailto_only).one_click);
        let both = "List-Unsubscribe: <https://a.example/u>\nList-Unsubscribe-Post: list-unsubscribe=one-click\n\nb\n";
        assert!(of(both).one_click);
    }

    #[test]
    fn ad_labels_are_whole_words() {
        for subject in ["[ADV] offer", "adv: offer", "Advertisement - offer", "Ad: offer", "AD:offer", "x (ADV)"] {
            assert!(has_ad_label(subject), "{subject}");
        }
        for subject in ["Advice for you", "Adventure awaits", "Ad hoc meeting", "Bad: news", "Read this ad", ""] {
            assert!(!has_ad_label(subject), "{subject}");
        }
    }

    #[test]
    fn sender_consistency_compares_organisations() {
        let with =
            |from: &str, envelope: &str| of(&format!("From: {from}\n{envelope}\nSubject: x\n\nb\n")).sender_consistency;
        assert_eq!(with("a@news.shop.example", "Return-Path: <b@bounce.shop.example>"), Some(true));
        assert_eq!(with("\"Shop\" <a@shop.example>", "Return-Path: b@other.example"), Some(false));
        assert_eq!(with("a@one.co.uk", "Return-Path: <b@two.co.uk>"), Some(false));
        assert_eq!(with("a@shop.example", "X-Envelope-From: <b@mail.shop.example>"), Some(true));
        assert_eq!(with("a@shop.example", "Return-Path: <>"), None);
        assert_eq!(with("a@shop.example", "X-Other: 1"), None);
        assert_eq!(with("undisclosed", "Return-Path: <b@shop.example>"), None);
    }

    #[test]
    fn body_links_count_only_near_an_opt_out_word() {
        let link = |body: &str| opt_out_link(body);
        assert_eq!(link("To opt out, write to mailto:remove@a.example."), Some("mailto:remove@a.example".to_owned()));
        assert_eq!(
            link("Visit https://a.example/unsubscribe?u=1"),
            Some("https://a.example/unsubscribe?u=1".to_owned())
        );
        assert_eq!(
            link("See https://a.example/offer and https://a.example/x to opt-out"),
            Some("https://a.example/offer".to_owned())
        );
        assert_eq!(link("See https://a.example/offer for details."), None);
        let far = format!("https://a.example/offer {} unsubscribe by replying", "x".repeat(LINK_CONTEXT));
        assert_eq!(link(&far), None);
        assert_eq!(link("unsubscribe: http:// or mailto:"), None);
    }

    #[test]
    fn a_text_part_inside_multipart_is_searched_but_an_attachment_is_not() {
        let message = "From: a@b.example\nContent-Type: multipart/mixed; boundary=XX\n\n\
            --XX\nContent-Type: text/plain\n\nHello\n\
            --XX\nContent-Type: text/plain\nContent-Disposition: attachment; filename=a.txt\n\n\
            unsubscribe https://a.example/u\n--XX--\n";
        assert_eq!(of(message).unsubscribe_link_in_body, None);
        let inline = message.replace("Content-Disposition: attachment; filename=a.txt\n", "");
        assert_eq!(of(&inline).unsubscribe_link_in_body, Some("https://a.example/u".to_owned()));
    }

    #[test]
    fn unreadable_input_is_reported_as_such_and_never_panics() {
        let mut inputs: Vec<Vec<u8>> = vec![Vec::new(), b"   \r\n\t".to_vec(), vec![0; 64], vec![0xff; 300]];
        // Deterministic pseudo-random bytes (a linear congruential generator), no crate needed.
        let mut x: u32 = 12_345;
        inputs.push(
            (0..4096)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect(),
        );
        inputs.push("Content-Type: multipart/mixed; boundary=a\n\n--a\n".repeat(1000).into_bytes());
        inputs.push(b"Subject: \xff\xfe\x00 broken\nFrom: <@>\nReturn-Path: @\nReceived: ;;;\n\n\xc3".to_vec());
        for input in &inputs {
            let found = indicators(input);
            assert_eq!(found.summary().len(), if found.readable { 7 } else { 1 });
        }
        assert!(!indicators(b"").readable);
        assert_eq!(indicators(b"").summary(), [("Message", "could not be read as an e-mail".to_owned())]);
    }

    #[test]
    fn every_truncation_of_a_message_is_read_without_panicking() {
        for end in 0..=NEWSLETTER.len() {
            let _ = indicators_at(NEWSLETTER.as_bytes().get(..end).unwrap(), now());
        }
    }

    /// The original inside a real feedback-loop report, as parsing stores it (`ParsedReport::evidence`).
    fn fixture_original(name: &str) -> String {
        let path = format!("{}/tests/fixtures/abuseio/feedback-loop/{name}", env!("CARGO_MANIFEST_DIR"));
        let parsed = crate::parse::parse_message(&std::fs::read(path).unwrap()).unwrap();
        parsed.reports.first().and_then(|r| r.evidence.clone()).unwrap()
    }

    #[test]
    fn aol_fixture() {
        // Read by hand: no List-Unsubscribe, an HTML body without links or an address, a Base64 subject
        // ("Ati primit un cupon! nlm"), From and Return-Path both tecnic2@domain4.tld, and a top hop from
        // server.domain5.tld [10.17.18.1] (anonymised to a private address) into AOL.
        let found = indicators(fixture_original("AOL_example_1.eml").as_bytes());
        assert_eq!(
            found,
            CanSpamIndicators {
                readable: true,
                sender_consistency: Some(true),
                received_anomalies: vec!["Received #1: private or reserved address 10.17.18.1 hands the message \
                    from domain5.tld to aol.com, another organisation"
                    .to_owned()],
                ..CanSpamIndicators::default()
            }
        );
    }

    #[test]
    fn comcast_fixture() {
        // Read by hand: a List-Unsubscribe with a mailto and an https URI but no List-Unsubscribe-Post; the
        // HTML ends "Para darse de baja ... <a href=\"https://newsletters.mandoocms.com/removal.php?...\">";
        // the address is Spanish (C/Partida Rachina s/n 12130 ...), which the heuristic does not know;
        // From is domain4.tld but Return-Path domain3.tld; hop 3 hands 10.17.18.5 from domain3.tld to
        // comcast.net. Dates run 12:42:59, 12:42:59, 12:42:58, 13:42:56 +0100 (= 12:42:56 UTC): in order.
        let found = indicators(fixture_original("Comcast_example_1.eml").as_bytes());
        assert_eq!(
            found,
            CanSpamIndicators {
                readable: true,
                list_unsubscribe: Some(
                    "<mailto:unsubscribe@domain3.tld?subject=unsubscribe&id=paJopJw=>, \
                     <https://newsletters.domain3.tld/removal.php?id=paJopJxQXZCjaJ1plA&lang=es_ES>"
                        .to_owned()
                ),
                one_click: false,
                unsubscribe_link_in_body: Some(
                    "https://newsletters.mandoocms.com/removal.php?id=paJopJxQXZCjaJ1plA&lang=es_ES".to_owned()
                ),
                postal_address: None,
                ad_label_in_subject: false,
                sender_consistency: Some(false),
                received_anomalies: vec!["Received #3: private or reserved address 10.17.18.5 hands the message \
                    from domain3.tld to comcast.net, another organisation"
                    .to_owned()],
            }
        );
    }
}

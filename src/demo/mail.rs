//! Made-up complaint mail for the demo dataset, in the real formats the parsers read: SpamCop reports
//! (one of them delivered to abuse@ and postmaster@, one retried by the MTA), AOL-style ARF feedback-loop
//! complaints (one campaign reported by many complainants, one complainant reporting twice), a
//! Shadowserver-style CSV notice, a hand-written complaint and a CERT's portal notices no parser
//! recognises (two groups in the Intake page's not-recognised table), and a mangled forward too deeply
//! nested to read.
//!
//! Every address is from the documentation ranges (RFC 5737) and every domain is `.example`, so nothing
//! here points at a real host or person. Times are relative to `now`, so rates and "last 24 h" have
//! something to show on the day the demo is loaded.

use chrono::{DateTime, Duration, Utc};

/// One demo message and the mailbox it was delivered to.
pub struct DemoMail {
    pub recipient: &'static str,
    pub raw: Vec<u8>,
}

/// The demo customers' sending addresses, in the order the demo uses them.
pub const SPAMMY_IP: &str = "198.51.100.23";
pub const NEWSLETTER_IP: &str = "198.51.100.40";
pub const INFECTED_IP: &str = "203.0.113.77";
/// An address whose assignment arrives only after its report: attributed late, the change recorded.
pub const LATE_IP: &str = "198.51.100.99";
/// An address outside the demo ISP's address space (a report sent to us by mistake).
pub const FOREIGN_IP: &str = "192.0.2.200";

fn rfc2822(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

fn spamcop(id: u64, ip: &str, to: &str, incident: DateTime<Utc>, sent: DateTime<Utc>) -> Vec<u8> {
    format!(
        "Return-Path: <{id}@bounces.spamcop.net>\n\
From: {id}@reports.spamcop.net\n\
To: {to}\n\
Subject: [SpamCop ({ip}) id:{id}]Cheap meds, best prices today\n\
Message-ID: <rid_{id}@msgid.spamcop.net>\n\
Date: {date}\n\
X-SpamCop-sourceip: {ip}\n\
\n\
[ SpamCop V5.4.0 ]\n\
This message is brief for your comfort.  Please use links below for details.\n\
\n\
Email from {ip} / {incident}\n\
https://www.spamcop.net/w3m?i=z{id}z5c0ffee5c0ffee5c0ffee5c0ffeez\n\
\n\
[ Offending message ]\n\
Return-Path: <offers@pharma-deals.example>\n\
Received: from mail.pharma-deals.example (mail.pharma-deals.example [{ip}])\n\
\tby mx.mailbox-provider.example with ESMTP id 4Xq9{id}; {incident}\n\
Message-ID: <offer-{id}@pharma-deals.example>\n\
From: \"Pharma Deals\" <offers@pharma-deals.example>\n\
To: x\n\
Subject: Cheap meds, best prices today\n\
Date: {incident}\n\
\n\
Best prices on all meds! Visit http://pharma-deals.example/shop now.\n",
        date = rfc2822(sent),
        incident = rfc2822(incident),
    )
    .into_bytes()
}

fn arf(ip: &str, complainant: &str, campaign: &str, subject: &str, incident: DateTime<Utc>) -> Vec<u8> {
    let date = rfc2822(incident);
    format!(
        "From: scomp@feedback.mailbox-provider.example\n\
To: fbl@isp.example\n\
Subject: Email Feedback Report for IP {ip}\n\
Date: {date}\n\
Message-ID: <fbl-{complainant_tag}-{campaign}@feedback.mailbox-provider.example>\n\
MIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=feedback-report; boundary=\"demo-boundary\"\n\
\n\
--demo-boundary\n\
Content-Type: text/plain; charset=\"US-ASCII\"\n\
\n\
This is an email abuse report for an email message received from IP {ip} on {date}.\n\
\n\
--demo-boundary\n\
Content-Type: message/feedback-report\n\
\n\
Feedback-Type: abuse\n\
User-Agent: Demo-FBL/1.0\n\
Version: 1\n\
Arrival-Date: {date}\n\
Source-IP: {ip}\n\
Original-Rcpt-To: {complainant}\n\
Reported-Domain: newsletter.example\n\
\n\
--demo-boundary\n\
Content-Type: message/rfc822\n\
\n\
Received: from out.newsletter.example (out.newsletter.example [{ip}])\n\
\tby mx.mailbox-provider.example with ESMTP id {campaign}; {date}\n\
From: \"Weekly News\" <news@newsletter.example>\n\
To: {complainant}\n\
Subject: {subject}\n\
Message-ID: <{campaign}@newsletter.example>\n\
Date: {date}\n\
List-Unsubscribe: <https://newsletter.example/unsubscribe?u={complainant_tag}>\n\
\n\
This week's news for our readers.\n\
To stop receiving these mails, click https://newsletter.example/unsubscribe?u={complainant_tag}\n\
Newsletter Ltd, 1 Example Street, Springfield\n\
\n\
--demo-boundary--\n",
        complainant_tag = complainant.split('@').next().unwrap_or("reader"),
    )
    .into_bytes()
}

pub fn shadowserver(ip: &str, port: u16, seen: DateTime<Utc>) -> Vec<u8> {
    let stamp = seen.format("%Y-%m-%d %H:%M:%S");
    format!(
        "From: Shadowserver <autoreports@shadowserver.example>\n\
To: abuse@isp.example\n\
Subject: [Shadowserver] Botnet drone report for AS64500\n\
Date: {date}\n\
MIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"ss\"\n\
\n\
--ss\n\
Content-Type: text/plain\n\
\n\
Attached is the daily botnet drone report for your network.\n\
\n\
--ss\n\
Content-Type: text/csv; name=\"botnet-drone-as64500.csv\"\n\
Content-Disposition: attachment; filename=\"botnet-drone-as64500.csv\"\n\
\n\
\"timestamp\",\"ip\",\"port\",\"asn\",\"geo\",\"infection\",\"protocol\"\n\
\"{stamp}\",\"{ip}\",\"{port}\",\"64500\",\"ZZ\",\"mirai\",\"tcp\"\n\
\n\
--ss--\n",
        date = rfc2822(seen + Duration::hours(2)),
    )
    .into_bytes()
}

fn handwritten(now: DateTime<Utc>) -> Vec<u8> {
    format!(
        "From: Pat Neighbour <pat@home.example>\n\
To: abuse@isp.example\n\
Subject: your customer keeps hammering my ssh\n\
Date: {date}\n\
\n\
Hello, someone on your network has been trying passwords on my home server all week.\n\
Can you please look into it? I can send logs if you need them.\n\
Pat\n",
        date = rfc2822(now - Duration::hours(5)),
    )
    .into_bytes()
}

/// A CERT's notice that only points at its portal: no address to read, so no rule recognises it. Sent
/// under one Subject template, so the Intake page groups them as one reporter to write a profile for.
fn portal_notice(ticket: u32, sent: DateTime<Utc>) -> Vec<u8> {
    format!(
        "From: Watchtower CERT <notices@watchtower-cert.example>
To: abuse@isp.example
Subject: [WT-{ticket}] Incident notification for your network
Date: {date}

A new incident concerning your network has been published on our portal.
Please sign in to read it and confirm receipt.
Watchtower CERT
",
        date = rfc2822(sent),
    )
    .into_bytes()
}

/// A forwarded complaint mangled by a mail loop: attachments nested 80 deep, more than the parser reads
/// (64), so the desk keeps it as *unreadable* for a person, as it does any message over the parse budget.
fn mangled(now: DateTime<Utc>) -> Vec<u8> {
    const DEPTH: usize = 80;
    let mut out = format!(
        "From: Loop Forwarder <forward@relay.example>\nTo: abuse@isp.example\nSubject: Fwd: Fwd: Fwd: complaint\n\
         Date: {date}\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n",
        date = rfc2822(now - Duration::hours(2)),
    );
    for depth in 1..DEPTH {
        out.push_str(&format!("--b{}\nContent-Type: multipart/mixed; boundary=\"b{depth}\"\n\n", depth - 1));
    }
    out.push_str(&format!("--b{}\nContent-Type: text/plain\n\nThe original complaint was in here.\n", DEPTH - 1));
    for depth in (0..DEPTH).rev() {
        out.push_str(&format!("--b{depth}--\n"));
    }
    out.into_bytes()
}

/// The demo messages, oldest first.
pub fn messages(now: DateTime<Utc>) -> Vec<DemoMail> {
    let mut out = Vec::new();
    let at = |hours: i64| now - Duration::hours(hours);
    // SpamCop: twelve reports about one sender over the week; each also went to postmaster@, as
    // SpamCop does when a network lists several contacts.
    for i in 0..12_i64 {
        let incident = at(160 - i * 13);
        let id = 7_301_000_000 + i.unsigned_abs();
        for to in ["abuse@isp.example", "postmaster@isp.example"] {
            out.push(DemoMail { recipient: to, raw: spamcop(id, SPAMMY_IP, to, incident, incident + Duration::minutes(20)) });
        }
    }
    // One of them arrived twice: an MTA retry of the very same bytes.
    if let Some(retry) = out.last().map(|m| m.raw.clone()) {
        out.push(DemoMail { recipient: "abuse@isp.example", raw: retry });
    }
    // Feedback-loop complaints about one newsletter campaign from fifteen readers; one reader
    // complained twice about the same mail.
    for reader in 0..15 {
        let complainant = format!("reader{reader}@mailbox-provider.example");
        let raw = arf(NEWSLETTER_IP, &complainant, "weekly-2024-48", "Weekly news: issue 48", at(30 - reader));
        out.push(DemoMail { recipient: "fbl@isp.example", raw });
    }
    let again = arf(NEWSLETTER_IP, "reader3@mailbox-provider.example", "weekly-2024-48", "Weekly news: issue 48", at(2));
    out.push(DemoMail { recipient: "fbl@isp.example", raw: again });
    // An infected customer machine, seen by a sinkhole on three days.
    for (day, port) in [(3, 49_153), (2, 49_154), (1, 49_155)] {
        out.push(DemoMail { recipient: "abuse@isp.example", raw: shadowserver(INFECTED_IP, port, at(day * 24)) });
    }
    out.push(DemoMail { recipient: "abuse@isp.example", raw: handwritten(now) });
    for (ticket, hours) in [(4_101, 50), (4_117, 26), (4_130, 7)] {
        out.push(DemoMail { recipient: "abuse@isp.example", raw: portal_notice(ticket, at(hours)) });
    }
    out.push(DemoMail { recipient: "abuse@isp.example", raw: mangled(now) });
    // Reports nobody can be named for when they arrive: outside our address space, a CGNAT address
    // without a port, and an address whose assignment is imported only later.
    for (n, ip) in [(0_i64, FOREIGN_IP), (1, INFECTED_IP), (2, LATE_IP)] {
        let incident = at(20 - 3 * n);
        out.push(DemoMail {
            recipient: "abuse@isp.example",
            raw: spamcop(7_302_000_000 + n.unsigned_abs(), ip, "abuse@isp.example", incident, incident + Duration::minutes(15)),
        });
    }
    out
}


//! Hostile complaints for the portal's privacy tests, generated: every form a complainant's identity takes
//! in real mail, crossed with every place in a feedback report where it can stand. Each complaint is an
//! ARF report about its own address in 192.0.2.0/24 whose complainant (Original-Rcpt-To, and the To of the
//! reported message) is one of two people; a customer's portal must show none of their identities.

/// Where in the complaint the identity is written.
pub const POSITIONS: [&str; 6] = ["top-level headers", "original's headers", "text body", "HTML body", "attachment", "link"];

/// A complainant: address, name, and the strings whose presence in a response means a leak.
pub struct Person {
    pub address: &'static str,
    pub name: &'static str,
    pub tells: &'static [&'static str],
}

pub const JOE: Person = Person {
    address: "joe.bloggs@example.com",
    name: "Joe Bloggs",
    tells: &["bloggs", "am9llmjsb2dnc0blegftcgxllmnvbq", "rgvhcibjdxn0b21lcia"],
};
pub const JOZEF: Person = Person {
    address: "józef.müller@bücher.example",
    name: "Józef Müller",
    tells: &["müller", "m%c3%bcller", "józef", "j%c3%b3zef", "mller"],
};

/// The identity forms: (name, the text written, who it names).
pub fn forms() -> Vec<(&'static str, String, &'static Person)> {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let long = format!("{}{}", "Dear customer ".repeat(12), JOE.address);
    vec![
        ("plain", JOE.address.to_owned(), &JOE),
        ("display name", format!("\"{}\" <{}>", JOE.name, JOE.address), &JOE),
        ("VERP", "bounce+joe.bloggs=example.com@mailer.shop.example".to_owned(), &JOE),
        ("SRS", "SRS0=HHH=TT=example.com=joe.bloggs@forwarder.example".to_owned(), &JOE),
        ("URL-encoded", "joe.bloggs%40example.com".to_owned(), &JOE),
        ("base64 in a token", format!("t={}", b64(JOE.address).trim_end_matches('=')), &JOE),
        ("RFC 2047 long word", format!("=?utf-8?B?{}?=", b64(&long)), &JOE),
        ("HTML entity", "joe.bloggs&#64;example&#46;com".to_owned(), &JOE),
        ("tag-split", "joe.bloggs<span>@</span>example.com".to_owned(), &JOE),
        ("non-ASCII", JOZEF.address.to_owned(), &JOZEF),
    ]
}

/// One complaint about `ip` with `form` written at `position`.
pub fn complaint(ip: &str, position: &str, form: &str, person: &Person) -> Vec<u8> {
    let at = |p: &str| if p == position { form } else { "" };
    let link = if position == "link" { format!("https://shop.example/unsubscribe?e={form}&u=1") } else { "https://shop.example/sale".to_owned() };
    let original_body = match position {
        "HTML body" => format!(
            "Content-Type: text/html; charset=utf-8\n\n<html><body><p>Hello {form}</p><p>Cheap watches at <a href=\"{link}\">our shop</a></p></body></html>\n"
        ),
        "attachment" => format!(
            "Content-Type: multipart/mixed; boundary=\"inner\"\n\n--inner\nContent-Type: text/plain; charset=utf-8\n\nCheap watches at {link}\n--inner\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename=\"list.txt\"\n\nrecipients:\n{form}\n--inner--\n"
        ),
        _ => format!("Content-Type: text/plain; charset=utf-8\n\nHello {}\nCheap watches at {link}\n", at("text body")),
    };
    let header_form = at("original's headers");
    format!(
        "From: Feedback Loop <fbl@feedback.example>\n\
To: abuse@isp.example\n\
Subject: complaint {top}\n\
X-Complainant: {top}\n\
MIME-Version: 1.0\n\
Content-Type: multipart/report; report-type=feedback-report; boundary=\"outer\"\n\
\n\
--outer\n\
Content-Type: text/plain; charset=utf-8\n\
\n\
A complaint about mail from {ip}. {top}\n\
--outer\n\
Content-Type: message/feedback-report\n\
\n\
Feedback-Type: abuse\n\
User-Agent: Generator/1.0\n\
Version: 1\n\
Source-IP: {ip}\n\
Original-Rcpt-To: {address}\n\
Arrival-Date: Mon, 1 Dec 2026 10:00:00 +0000\n\
\n\
--outer\n\
Content-Type: message/rfc822\n\
\n\
Received: from mail.shop.example ([{ip}]) by mx.example.com for <{address}>; Mon, 1 Dec 2026 10:00:00 +0000\n\
Return-Path: <{rp}>\n\
List-Unsubscribe: <mailto:unsub-{header_form}@shop.example>\n\
From: Shop <offers@shop.example>\n\
To: {name} <{address}>\n\
Subject: Offers {header_form}\n\
Date: Mon, 1 Dec 2026 10:00:00 +0000\n\
Message-ID: <offer-{ip}@shop.example>\n\
MIME-Version: 1.0\n\
{original_body}\
--outer--\n",
        top = at("top-level headers"),
        address = person.address,
        name = person.name,
        rp = if header_form.is_empty() { "bounce@shop.example" } else { header_form },
    )
    .into_bytes()
}

/// Every (label, complaint, person) of the generated set, each about its own address 192.0.2.N.
pub fn all() -> Vec<(String, String, Vec<u8>, &'static Person)> {
    let mut out = Vec::new();
    let mut n = 1;
    for (form_name, form, person) in forms() {
        for position in POSITIONS {
            let ip = format!("192.0.2.{n}");
            out.push((format!("{form_name} in {position} ({ip})"), ip.clone(), complaint(&ip, position, &form, person), person));
            n += 1;
        }
    }
    out
}

/// The first tell of `person` (or the written form) found in `body`, lowercased; `None` if none.
pub fn leak(body: &str, person: &Person, form: Option<&str>) -> Option<String> {
    let lower = body.to_lowercase();
    let unescaped = lower.replace("\\u003c", "<").replace("\\u003e", ">").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&#x27;", "'").replace("&quot;", "\"");
    let mut tells: Vec<String> = person.tells.iter().map(|t| (*t).to_owned()).collect();
    tells.push(person.address.to_lowercase());
    tells.extend(form.map(str::to_lowercase));
    tells.into_iter().find(|t| !t.is_empty() && (lower.contains(t.as_str()) || unescaped.contains(t.as_str())))
}

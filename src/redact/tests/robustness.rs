//! Hostile and broken input: nothing panics, and pathological shapes stay fast (each input below is large
//! enough that a quadratic scan would not finish within any test timeout).

use super::super::redact_message;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn empty_and_tiny_inputs() {
    for raw in [&b""[..], b"\n", b"\r", b"@", b"%40", b"=?", b"To:", b"From ", b"[", b"mailto:", b"http://", b"\xff"] {
        let out = redact_message(raw, &["", "@", "a@b"]);
        assert!(out.text.len() <= raw.len() + 16);
    }
}

#[test]
fn random_bytes_never_panic() {
    // Random bytes drawn from an alphabet rich in the characters the scanners react to.
    const ALPHABET: &[u8] =
        b"@%40=?:;,<>\"()[]\\/ \t\r\n.-_+#&abcxyzTo:From:Received: for http://mailto:\xc3\xa9\xff\x00";
    let mut rng = Bytes(0x9E37_79B9_7F4A_7C15);
    for _ in 0..2_000 {
        let len = usize::try_from(rng.next() % 300).unwrap();
        let raw: Vec<u8> = (0..len).map(|_| ALPHABET[usize::try_from(rng.next()).unwrap() % ALPHABET.len()]).collect();
        redact_message(&raw, &["joe@victim.example", "Jane"]);
    }
}

#[test]
fn mutated_messages_never_panic() {
    let base = b"From: a@shop.example\nTo: joe@victim.example\nSubject: =?utf-8?B?SGk=?=\n\
                 Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Transfer-Encoding: quoted-printable\n\n\
                 x=3D1 https://shop.example/unsub?u=1&e=joe%40victim.example\n--b\n\
                 Content-Type: message/rfc822\n\nReceived: from h by m for <joe@victim.example>;\n\n--b--\n";
    let mut rng = Bytes(42);
    for _ in 0..2_000 {
        let mut raw = base.to_vec();
        for _ in 0..4 {
            let at = usize::try_from(rng.next()).unwrap() % raw.len();
            match rng.next() % 3 {
                0 => raw[at] = u8::try_from(rng.next() % 256).unwrap(),
                1 => raw.truncate(at.max(1)),
                _ => raw.insert(at, b'@'),
            }
        }
        redact_message(&raw, &[]);
    }
}

#[test]
fn truncated_and_unterminated_structures() {
    for raw in [
        "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nTo: joe@victim.example",
        "Content-Type: multipart/mixed; boundary=\"\"\n\n--\n",
        "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!!====",
        "Subject: =?utf-8?B?\n\n",
        "To: \"unterminated <joe@victim.example\n\n",
        "Received: for <joe@victim.example\n\n",
        "Subject: s\n\n[ Additional comments ]\nnever closed",
        "Subject: s\n\nhttps://x.example/unsub?&&==&=#",
    ] {
        let out = redact_message(raw.as_bytes(), &[]);
        assert!(!out.text.contains("joe@victim.example"), "{raw:?} gave {:?}", out.text);
    }
}

#[test]
fn deep_nesting_is_bounded() {
    let mut raw = String::new();
    for depth in 0..5_000 {
        raw.push_str(&format!("Content-Type: multipart/mixed; boundary=b{depth}\n\n--b{depth}\n"));
    }
    raw.push_str("To: joe@victim.example\n\njoe@victim.example\n");
    let out = redact_message(raw.as_bytes(), &[]);
    assert!(!out.text.contains("joe@victim.example"));
}

#[test]
fn pathological_shapes_stay_linear() {
    let mega = 1 << 20;
    let shapes = [
        "a@".repeat(mega / 2),
        "a.".repeat(mega / 2) + "@example.com",
        "%40".repeat(mega / 3),
        "=?".repeat(mega / 2),
        format!("Subject: {}\n\nx", "=?a".repeat(mega / 3)),
        format!("To: {}\n\nx", "\"(<".repeat(mega / 3)),
        format!("Received: {}\n\nx", "for ".repeat(mega / 4)),
        "http://".repeat(mega / 7),
        format!("http://x.example/{}", ")".repeat(mega)),
        format!("https://x.example/unsub?{}", "u=1&".repeat(mega / 4)),
        "[ note ]\n".repeat(mega / 9),
        "x".repeat(mega * 4),
    ];
    for raw in &shapes {
        redact_message(raw.as_bytes(), &["joe.smith@victim.example", "Jane Doe"]);
    }
}

#[test]
fn every_charset_decoder_takes_any_bytes() {
    let charsets = [
        "utf-7",
        "shift_jis",
        "big5",
        "euc-jp",
        "euc-kr",
        "gb18030",
        "gbk",
        "iso-2022-jp",
        "utf-16",
        "utf-16le",
        "utf-16be",
        "koi8-r",
        "windows-1252",
        "iso-8859-15",
        "x-unknown",
        "",
    ];
    let mut rng = Bytes(7);
    for charset in charsets {
        for len in 0..200 {
            let raw: Vec<u8> = (0..len).map(|_| u8::try_from(rng.next() % 256).unwrap()).collect();
            super::super::encoding::to_utf8(&raw, Some(charset));
        }
    }
}

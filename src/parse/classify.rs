//! Report types from free words: X-ARF `Report-Type`/`Category` values, feed names and the wording of
//! log notices. One table, so every format maps the same word to the same type.
//!
//! Keywords ending in `*` match by prefix (`phish*` covers phishing, phisher), the others exactly; the
//! first rule that matches any word wins, so the order below is the priority when a text mentions
//! several kinds of abuse.

use super::model::ReportType;
use super::text;

const RULES: &[(&[&str], ReportType)] = &[
    (&["phish*"], ReportType::Phishing),
    (&["copyright*", "infring*", "dmca", "piracy", "p2p", "bittorrent"], ReportType::Copyright),
    (&["ddos", "dos", "flood*", "amplification"], ReportType::Ddos),
    (&["botnet*", "drone*", "sinkhole*", "c2", "cnc", "bot", "bots"], ReportType::Botnet),
    (
        &[
            "malware*",
            "malicious",
            "virus*",
            "worm*",
            "trojan*",
            "infected",
            "ransomware",
            "exploit*",
            "compromised",
            "webshell*",
            "backdoor*",
        ],
        ReportType::Malware,
    ),
    (&["spam*", "regbot*", "ube", "uce", "bulk"], ReportType::Spam),
    (
        &[
            "scan*",
            "brute*",
            "login*",
            "ssh*",
            "probe*",
            "attack*",
            "harvest*",
            "intrusion*",
            "ids",
            "hack*",
            "injection",
            "reconnaissance",
            "portscan*",
            "password*",
            "auth",
        ],
        ReportType::Scanning,
    ),
    (
        &["openresolver*", "resolver*", "proxy", "proxies", "relay", "accessible", "exposed", "vulnerab*", "cve"],
        ReportType::OpenService,
    ),
];

/// `word` matches `keyword` exactly, or by prefix when the keyword ends in `*`. Short keywords are
/// exact so that "dos" does not match "dossier" nor "bot" "bottom".
fn matches(word: &str, keyword: &str) -> bool {
    match keyword.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == keyword,
    }
}

/// The first type with a keyword matching a word of `text`.
pub(crate) fn from_words(text: &str) -> Option<ReportType> {
    let words: Vec<String> = text::words(text).collect();
    RULES.iter().find(|(keywords, _)| words.iter().any(|w| keywords.iter().any(|k| matches(w, k)))).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_type_words() {
        let cases = [
            ("phishing fraud", Some(ReportType::Phishing)),
            ("malware-attack abuse", Some(ReportType::Malware)),
            ("login-attack", Some(ReportType::Scanning)),
            ("regbot", Some(ReportType::Spam)),
            ("harvesting info", Some(ReportType::Scanning)),
            ("W32.Opaserv Worm?", Some(ReportType::Malware)),
            ("ddos", Some(ReportType::Ddos)),
            ("dossier bottom author", None),
            ("info", None),
        ];
        for (text, want) in cases {
            assert_eq!(from_words(text), want, "{text}");
        }
    }
}

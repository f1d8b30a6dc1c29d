//! Which mailbox to collect: `imap://user@host[:port]/MAILBOX` parsed and checked, and how to reach it.
//!
//! `imap://` and `imaps://` both mean implicit TLS (port 993 unless given): a password never crosses the
//! network in clear by default. `imap+insecure://` is plain text (port 143), for a server on this machine
//! only, unless the operator says the network between is trusted (`allow_remote_plaintext`).

/// A mailbox to collect from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The login name, percent-decoded (`abuse%40example.net` is `abuse@example.net`).
    pub user: String,
    pub host: String,
    pub port: u16,
    /// The mailbox name as the server spells it; `INBOX` when the URL names none.
    pub mailbox: String,
    pub tls: bool,
}

impl Target {
    /// Parses a collector URL.
    ///
    /// # Errors
    /// A text saying what is wrong: an unknown scheme, no user or host, bad percent-encoding, or plain text
    /// to a host that is not loopback without `allow_remote_plaintext`.
    pub fn parse(text: &str, allow_remote_plaintext: bool) -> Result<Target, String> {
        let (scheme, rest) = text.split_once("://").ok_or_else(|| format!("{text:?} is not an imap:// URL"))?;
        let (tls, default_port) = match scheme.to_ascii_lowercase().as_str() {
            "imap" | "imaps" => (true, 993),
            "imap+insecure" => (false, 143),
            other => return Err(format!("unknown scheme {other:?}: use imap:// (TLS) or imap+insecure:// (plain text)")),
        };
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (user, hostport) =
            authority.rsplit_once('@').ok_or_else(|| format!("{text:?} names no user: imap://user@host/MAILBOX"))?;
        if user.contains(':') {
            return Err("put no password in the URL: use --imap-password-file or ABUSEDESK_IMAP_PASSWORD".to_owned());
        }
        let user = percent_decode(user)?;
        let (host, port) = split_host_port(hostport, default_port)?;
        let mailbox = match percent_decode(path)? {
            m if m.is_empty() => "INBOX".to_owned(),
            m => m,
        };
        if user.is_empty() || host.is_empty() {
            return Err(format!("{text:?} needs both a user and a host"));
        }
        if !tls && !is_loopback(&host) && !allow_remote_plaintext {
            return Err(format!(
                "{host} is not this machine: imap+insecure:// would send the password in clear; use imap:// (TLS), \
                 or pass --imap-allow-remote-plaintext if the network between is trusted"
            ));
        }
        Ok(Target { user, host, port, mailbox, tls })
    }

    /// The name the desk remembers this mailbox under: `user@host:port/MAILBOX`.
    pub fn key(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.mailbox)
    }
}

fn split_host_port(hostport: &str, default_port: u16) -> Result<(String, u16), String> {
    // [::1]:993 or [::1]
    if let Some(rest) = hostport.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or("unclosed [ in the host")?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().map_err(|_| format!("bad port {p:?}"))?,
            None if after.is_empty() => default_port,
            None => return Err(format!("unexpected {after:?} after the host")),
        };
        return Ok((host.to_owned(), port));
    }
    match hostport.rsplit_once(':') {
        Some((host, p)) => Ok((host.to_ascii_lowercase(), p.parse().map_err(|_| format!("bad port {p:?}"))?)),
        None => Ok((hostport.to_ascii_lowercase(), default_port)),
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `%XX` escapes decoded; the result must be UTF-8.
fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or_else(|| format!("bad %-escape in {text:?}"))?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| format!("{text:?} is not UTF-8 once decoded"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_by_default_plain_text_only_when_asked_and_only_to_loopback() {
        let t = Target::parse("imap://abuse%40example.net@Mail.Example.net/Abuse%20Reports", false).unwrap();
        assert_eq!(
            t,
            Target {
                user: "abuse@example.net".into(),
                host: "mail.example.net".into(),
                port: 993,
                mailbox: "Abuse Reports".into(),
                tls: true
            }
        );
        assert_eq!(t.key(), "abuse@example.net@mail.example.net:993/Abuse Reports");
        assert_eq!(Target::parse("imaps://u@h:1993", false).unwrap().mailbox, "INBOX");
        let local = Target::parse("imap+insecure://u@127.0.0.1:1143/INBOX", false).unwrap();
        assert!(!local.tls && local.port == 1143);
        assert_eq!(Target::parse("imap+insecure://u@[::1]/X", false).unwrap().port, 143);
        assert!(Target::parse("imap+insecure://u@mail.example.net/X", false).unwrap_err().contains("in clear"));
        assert!(Target::parse("imap+insecure://u@mail.example.net/X", true).is_ok());
        assert!(Target::parse("imap://u:secret@h/X", false).unwrap_err().contains("no password"));
        assert!(Target::parse("pop3://u@h/X", false).is_err());
        assert!(Target::parse("imap://h/X", false).is_err());
        assert!(Target::parse("imap://u@h:99999/X", false).is_err());
        assert!(Target::parse("imap://u@h/%zz", false).is_err());
    }
}

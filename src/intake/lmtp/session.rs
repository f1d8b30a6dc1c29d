//! The LMTP conversation (RFC 2033) as a pure state machine: a command line in, the reply out. No sockets
//! and no database here, so every path is tested and fuzzed directly; `listener` moves the bytes.
//!
//! Only what a mail server needs to hand over mail is spoken: LHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT
//! (VRFY answers 252). After DATA, LMTP answers once per accepted recipient, which `listener` does when
//! the message is committed.

/// Limits of one session.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The name in the greeting and the LHLO answer.
    pub hostname: String,
    /// Largest message accepted (the desk's `--max-message-bytes`).
    pub max_message_bytes: usize,
    /// Recipients per message: a real abuse mailbox has a handful of addresses.
    pub max_recipients: usize,
    /// Refused commands in a row before the session is closed.
    pub max_bad_commands: usize,
}

impl Limits {
    pub fn new(hostname: &str, max_message_bytes: usize) -> Self {
        Limits { hostname: hostname.to_owned(), max_message_bytes, max_recipients: 100, max_bad_commands: 20 }
    }
}

/// Longest command line read (RFC 5321 allows 512 octets; extensions push real lines a little further).
pub const MAX_COMMAND_LINE: usize = 4096;

/// What the listener does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send this reply (CRLF-terminated, possibly several lines) and read the next command.
    Reply(String),
    /// Send this `354` reply, then read the message up to the lone dot.
    ReadData(String),
    /// Send this reply and close the connection.
    Close(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    /// Greeted; LHLO not yet given.
    Start,
    /// LHLO given, no transaction.
    Ready,
    /// MAIL given; the recipients accepted so far.
    Mail(Vec<String>),
}

/// One LMTP session.
#[derive(Debug)]
pub struct Session {
    limits: Limits,
    state: State,
    bad: usize,
}

fn reply(text: &str) -> String {
    format!("{text}\r\n")
}

impl Session {
    pub fn new(limits: Limits) -> Self {
        Session { limits, state: State::Start, bad: 0 }
    }

    /// The greeting sent when the connection opens.
    pub fn greeting(&self) -> String {
        reply(&format!("220 {} LMTP abusedesk ready", self.limits.hostname))
    }

    /// Answers one command line (without its line ending). A line over [`MAX_COMMAND_LINE`] is refused by
    /// the listener before it gets here.
    pub fn command(&mut self, line: &[u8]) -> Step {
        let line = String::from_utf8_lossy(line);
        let line = line.trim_end_matches(['\r', '\n']);
        let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
        let step = match verb.to_ascii_uppercase().as_str() {
            "LHLO" if rest.trim().is_empty() => Err("501 5.5.4 LHLO needs a domain"),
            "LHLO" => {
                self.state = State::Ready;
                Ok(Step::Reply(format!(
                    "250-{}\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE {}\r\n",
                    self.limits.hostname, self.limits.max_message_bytes
                )))
            }
            "HELO" | "EHLO" => Err("500 5.5.1 this is LMTP: say LHLO"),
            "MAIL" => self.mail(rest),
            "RCPT" => self.rcpt(rest),
            "DATA" => match &self.state {
                State::Mail(recipients) if !recipients.is_empty() => {
                    Ok(Step::ReadData(reply("354 3.0.0 send the message, end with a line holding only \".\"")))
                }
                _ => Err("503 5.5.1 DATA needs MAIL and at least one RCPT first"),
            },
            "RSET" => {
                if self.state != State::Start {
                    self.state = State::Ready;
                }
                Ok(Step::Reply(reply("250 2.0.0 reset")))
            }
            "NOOP" => Ok(Step::Reply(reply("250 2.0.0 ok"))),
            "VRFY" => Ok(Step::Reply(reply("252 2.5.2 every recipient handed over is stored"))),
            "QUIT" => return Step::Close(reply(&format!("221 2.0.0 {} closing", self.limits.hostname))),
            _ => Err("500 5.5.2 command not recognised"),
        };
        match step {
            Ok(step) => {
                self.bad = 0;
                step
            }
            Err(text) => {
                self.bad += 1;
                if self.bad >= self.limits.max_bad_commands {
                    Step::Close(reply("421 4.7.0 too many refused commands, closing"))
                } else {
                    Step::Reply(reply(text))
                }
            }
        }
    }

    fn mail(&mut self, rest: &str) -> Result<Step, &'static str> {
        match self.state {
            State::Start => return Err("503 5.5.1 say LHLO first"),
            State::Mail(_) => return Err("503 5.5.1 MAIL already given; RSET first"),
            State::Ready => {}
        }
        let Some(args) = strip_prefix_ci(rest, "FROM:") else { return Err("501 5.5.4 syntax: MAIL FROM:<address>") };
        let (_path, params) = path_and_params(args).ok_or("501 5.1.7 the sender address is malformed")?;
        // A declared size over the limit is refused before the bytes are sent (RFC 1870).
        let declared = params
            .split_whitespace()
            .filter_map(|p| strip_prefix_ci(p, "SIZE="))
            .find_map(|n| n.parse::<u64>().ok());
        if declared.is_some_and(|n| n > u64::try_from(self.limits.max_message_bytes).unwrap_or(u64::MAX)) {
            return Ok(Step::Reply(reply("552 5.3.4 the message is larger than this desk accepts")));
        }
        self.state = State::Mail(Vec::new());
        Ok(Step::Reply(reply("250 2.1.0 sender ok")))
    }

    fn rcpt(&mut self, rest: &str) -> Result<Step, &'static str> {
        let max = self.limits.max_recipients;
        let State::Mail(recipients) = &mut self.state else { return Err("503 5.5.1 RCPT needs MAIL first") };
        let Some(args) = strip_prefix_ci(rest, "TO:") else { return Err("501 5.5.4 syntax: RCPT TO:<address>") };
        let (path, _params) = path_and_params(args).ok_or("501 5.1.3 the recipient address is malformed")?;
        if path.is_empty() {
            return Err("501 5.1.3 a recipient cannot be empty");
        }
        if recipients.len() >= max {
            return Ok(Step::Reply(reply("452 4.5.3 too many recipients; send the rest in another transaction")));
        }
        recipients.push(path.to_owned());
        Ok(Step::Reply(reply("250 2.1.5 recipient ok")))
    }

    /// After the message was read: the accepted recipients (one reply is owed to each) and back to
    /// the state after LHLO.
    pub fn take_recipients(&mut self) -> Vec<String> {
        match std::mem::replace(&mut self.state, State::Ready) {
            State::Mail(recipients) => recipients,
            other => {
                self.state = other;
                Vec::new()
            }
        }
    }
}

/// `rest` without `prefix` (ASCII case-insensitive), or `None`.
fn strip_prefix_ci<'a>(rest: &'a str, prefix: &str) -> Option<&'a str> {
    let head = rest.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &rest[prefix.len()..])
}

/// `<path> params` → (`path`, `params`); the angle brackets are required (RFC 5321 4.1.2).
fn path_and_params(args: &str) -> Option<(&str, &str)> {
    let args = args.trim_start();
    let inner = args.strip_prefix('<')?;
    let end = inner.find('>')?;
    let path = inner[..end].trim();
    if path.chars().any(|c| c.is_control() || c == ' ') {
        return None;
    }
    Some((path, inner[end + 1..].trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::new(Limits::new("desk.test", 1000))
    }

    fn code(step: &Step) -> &str {
        match step {
            Step::Reply(t) | Step::ReadData(t) | Step::Close(t) => &t[..3],
        }
    }

    #[test]
    fn a_delivery_goes_lhlo_mail_rcpt_data() {
        let mut s = session();
        assert!(s.greeting().starts_with("220 desk.test"));
        let lhlo = s.command(b"LHLO mx.isp.example");
        assert!(matches!(&lhlo, Step::Reply(t) if t.ends_with("250 SIZE 1000\r\n")), "{lhlo:?}");
        assert_eq!(code(&s.command(b"MAIL FROM:<reports@spamcop.example> BODY=8BITMIME")), "250");
        assert_eq!(code(&s.command(b"RCPT TO:<abuse@isp.example>")), "250");
        assert_eq!(code(&s.command(b"rcpt to:<postmaster@isp.example>")), "250");
        assert!(matches!(s.command(b"DATA"), Step::ReadData(_)));
        assert_eq!(s.take_recipients(), vec!["abuse@isp.example", "postmaster@isp.example"]);
        // Ready for the next transaction on the same connection.
        assert_eq!(code(&s.command(b"MAIL FROM:<>")), "250");
        assert!(matches!(s.command(b"QUIT"), Step::Close(t) if t.starts_with("221")));
    }

    #[test]
    fn commands_out_of_order_are_refused_and_smtp_greetings_are_not_lmtp() {
        let mut s = session();
        assert_eq!(code(&s.command(b"EHLO mx")), "500");
        assert_eq!(code(&s.command(b"MAIL FROM:<a@b>")), "503");
        s.command(b"LHLO mx");
        assert_eq!(code(&s.command(b"RCPT TO:<a@b>")), "503");
        assert_eq!(code(&s.command(b"DATA")), "503");
        s.command(b"MAIL FROM:<a@b>");
        assert_eq!(code(&s.command(b"MAIL FROM:<a@b>")), "503");
        assert_eq!(code(&s.command(b"DATA")), "503", "no recipient yet");
        assert_eq!(code(&s.command(b"RCPT TO:abuse@isp.example")), "501", "brackets are required");
        assert_eq!(code(&s.command(b"RCPT TO:<>")), "501");
        assert_eq!(code(&s.command(b"RSET")), "250");
        assert_eq!(code(&s.command(b"RCPT TO:<a@b>")), "503", "RSET ended the transaction");
    }

    #[test]
    fn a_declared_size_over_the_limit_and_too_many_recipients_are_refused() {
        let mut s = session();
        s.command(b"LHLO mx");
        assert_eq!(code(&s.command(b"MAIL FROM:<a@b> SIZE=1001")), "552");
        assert_eq!(code(&s.command(b"MAIL FROM:<a@b> SIZE=1000")), "250");
        for i in 0..100 {
            assert_eq!(code(&s.command(format!("RCPT TO:<r{i}@isp.example>").as_bytes())), "250");
        }
        assert_eq!(code(&s.command(b"RCPT TO:<r100@isp.example>")), "452");
        assert_eq!(s.take_recipients().len(), 100);
    }

    #[test]
    fn a_client_sending_nonsense_is_cut_off() {
        let mut s = session();
        for _ in 0..19 {
            assert_eq!(code(&s.command(b"GET / HTTP/1.1")), "500");
        }
        assert!(matches!(s.command(b"GET / HTTP/1.1"), Step::Close(t) if t.starts_with("421")));
    }

    /// Fuzzing by a fixed pseudo-random stream: any bytes give a well-formed reply and never a panic.
    #[test]
    fn any_command_bytes_get_a_three_digit_reply() {
        let words: [&[u8]; 12] = [
            b"LHLO", b"MAIL FROM:", b"RCPT TO:", b"DATA", b"RSET", b"QUIT", b"<", b">", b" SIZE=", b"\xff\xfe",
            b"99999999999999999999999", b"\r",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2_000 {
            let mut s = session();
            for _ in 0..40 {
                let mut line = Vec::new();
                for _ in 0..(next() % 6) {
                    let r = next();
                    if r % 3 == 0 {
                        line.push(u8::try_from(r >> 8 & 0xff).unwrap_or(0));
                    } else {
                        line.extend_from_slice(words[usize::try_from(r % 12).unwrap_or(0)]);
                    }
                }
                let step = s.command(&line);
                let text = match &step {
                    Step::Reply(t) | Step::ReadData(t) | Step::Close(t) => t.clone(),
                };
                assert!(text.len() >= 5 && text[..3].bytes().all(|b| b.is_ascii_digit()) && text.ends_with("\r\n"));
                match step {
                    Step::Close(_) => break,
                    Step::ReadData(_) => assert!(!s.take_recipients().is_empty()),
                    Step::Reply(_) => {}
                }
            }
        }
    }
}

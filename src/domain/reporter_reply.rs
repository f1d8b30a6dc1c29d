//! Answering the reporter once a decision is in force, where the reporter offers a way: SpamCop takes
//! commands by mail (`resolved.ID@cmds.spamcop.net` when the issue was dealt with, `innocent.ID@…` when our
//! address was an innocent party, which SpamCop refuses for the source of the mail); other reporters get a
//! reply to the address their report came from. Pure: the caller brings the facts.

use super::decision::DecisionKind;

/// How a reporter is answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplyVia {
    /// SpamCop's command address saying the issue is resolved.
    SpamCopResolved,
    /// SpamCop's command address saying our address was an innocent party.
    SpamCopInnocent,
    /// A reply to the address the report came from.
    Reply,
}

impl ReplyVia {
    /// The stored name.
    pub fn code(&self) -> &'static str {
        match self {
            ReplyVia::SpamCopResolved => "spamcop_resolved",
            ReplyVia::SpamCopInnocent => "spamcop_innocent",
            ReplyVia::Reply => "reply",
        }
    }
}

/// Where to answer one reporter report, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyTarget {
    pub address: String,
    pub via: ReplyVia,
}

/// The answer to a reporter report about our address in `role`, after a decision of `kind`; `None` when
/// the reporter offers no way or there is nothing true to say (SpamCop: no action on the source of the
/// mail is neither resolved nor innocent).
pub fn reply_target(
    reporter: &str,
    reporter_ref: Option<&str>,
    role: &str,
    report_sender: Option<&str>,
    kind: DecisionKind,
) -> Option<ReplyTarget> {
    if reporter.eq_ignore_ascii_case("spamcop") {
        let id = reporter_ref.filter(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))?;
        let via = match kind {
            DecisionKind::NoAction if role == "source" => return None,
            DecisionKind::NoAction => ReplyVia::SpamCopInnocent,
            _ => ReplyVia::SpamCopResolved,
        };
        let command = if via == ReplyVia::SpamCopInnocent { "innocent" } else { "resolved" };
        return Some(ReplyTarget { address: format!("{command}.{id}@cmds.spamcop.net"), via });
    }
    let sender = report_sender.map(str::trim).filter(|s| is_plain_address(s))?;
    Some(ReplyTarget { address: sender.to_owned(), via: ReplyVia::Reply })
}

/// An address we will write to: one `@`, a dotted domain, no spaces or brackets, and not a bounce or
/// no-reply address (they read nothing).
fn is_plain_address(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    let lower = local.to_ascii_lowercase();
    !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || "<>()[],;:\"".contains(c))
        && !["noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon", "bounce"].iter().any(|n| lower.starts_with(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spamcop_reports_are_answered_by_command_address() {
        let resolved = reply_target("SpamCop", Some("999999999"), "source", None, DecisionKind::Suspension).unwrap();
        assert_eq!((resolved.address.as_str(), resolved.via), ("resolved.999999999@cmds.spamcop.net", ReplyVia::SpamCopResolved));
        let warned = reply_target("spamcop", Some("42"), "source", Some("42@reports.spamcop.net"), DecisionKind::Warning).unwrap();
        assert_eq!(warned.via, ReplyVia::SpamCopResolved);
        let innocent = reply_target("SpamCop", Some("42"), "spamvertised_host", None, DecisionKind::NoAction).unwrap();
        assert_eq!(innocent.address, "innocent.42@cmds.spamcop.net");
    }

    #[test]
    fn spamcop_refuses_innocence_for_the_source_and_needs_a_numeric_id() {
        assert_eq!(reply_target("SpamCop", Some("42"), "source", None, DecisionKind::NoAction), None);
        assert_eq!(reply_target("SpamCop", None, "source", None, DecisionKind::Warning), None);
        assert_eq!(reply_target("SpamCop", Some("42@evil.example"), "source", None, DecisionKind::Warning), None);
        assert_eq!(reply_target("SpamCop", Some(""), "relay", None, DecisionKind::Warning), None);
    }

    #[test]
    fn other_reporters_get_a_reply_to_a_plain_sender_address() {
        let yahoo = reply_target("Yahoo", None, "source", Some(" feedback@arf.mail.yahoo.com "), DecisionKind::Warning).unwrap();
        assert_eq!((yahoo.address.as_str(), yahoo.via), ("feedback@arf.mail.yahoo.com", ReplyVia::Reply));
        for sender in ["noreply@fbl.example", "MAILER-DAEMON@mx.example", "a b@x.example", "<a@x.example>", "nobody", "a@localhost"] {
            assert_eq!(reply_target("AOL", None, "source", Some(sender), DecisionKind::Warning), None, "{sender}");
        }
        assert_eq!(reply_target("AOL", None, "source", None, DecisionKind::Warning), None);
    }
}

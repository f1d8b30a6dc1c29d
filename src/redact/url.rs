//! Rules 3, 4 and 5 inside one link: the parts of a URL that can identify the complainant.
//!
//! The scheme and host always stay, so the customer recognises their own link; the userinfo, each path
//! segment, each query value and the fragment are judged separately (percent-decoded) and replaced whole
//! by the marker when they:
//! * contain an address hidden by rule 3 (`?e=joe%40example.com`, `/u/joe@example.com/`, `mailto:joe@…`);
//! * are the value of a parameter in [`PERSONAL_PARAMS`] (rule 4);
//! * are, in a link whose text contains one of [`TRACKING_WORDS`], a long opaque token: a run of at least
//!   [`MIN_TOKEN`] characters of `[A-Za-z0-9_-]` with a digit in it, or all hexadecimal (rule 4). Requiring
//!   a digit keeps words such as `unsubscribe-confirmation` readable;
//! * are the `i` or `id` value of a link to spamcop.net, whose report pages are keyed by them (rule 5).
//!
//! `&amp;` (a link copied out of HTML) separates parameters like `&`.

use super::facts::{is_spamcop, Facts};
use super::scan::{addresses, percent_decode};
use super::MARKER;

/// Query parameter names (lowercase) whose value is taken to identify the recipient: the usual names of
/// list-manager and tracking parameters for a user, subscriber, recipient, address, message or token.
const PERSONAL_PARAMS: [&str; 28] = [
    "u",
    "uid",
    "user",
    "userid",
    "user_id",
    "username",
    "email",
    "e",
    "em",
    "mail",
    "addr",
    "address",
    "to",
    "recipient",
    "rcpt",
    "r",
    "sub",
    "subscriber",
    "subscriber_id",
    "id",
    "token",
    "t",
    "m",
    "mid",
    "hash",
    "h",
    "key",
    "k",
];

/// Words that make a link an unsubscribe, opt-out or tracking link (searched in the lowercased link).
const TRACKING_WORDS: [&str; 7] = ["unsub", "optout", "opt-out", "opt_out", "remove", "track", "click"];

/// The shortest run counted as an opaque token.
const MIN_TOKEN: usize = 16;

/// `url` (an `http:`, `https:` or `mailto:` link) with its identifying parts replaced, and how many.
pub(super) fn redact_url(url: &str, facts: &Facts) -> (String, usize) {
    let lower = url.to_ascii_lowercase();
    let link = Link { tracking: TRACKING_WORDS.iter().any(|w| lower.contains(w)), spamcop: false, facts };
    let mut out = String::with_capacity(url.len());
    let mut count = 0;
    if lower.starts_with("mailto:") {
        let (scheme, rest) = url.split_at(7);
        out.push_str(scheme);
        let (to, query) = split_once_keep(rest, '?');
        for (i, mailbox) in to.split(',').enumerate() {
            if i > 0 {
                out.push(',');
            }
            count += link.component(mailbox, &mut out);
        }
        if let Some(query) = query {
            out.push('?');
            count += link.query(query, &mut out);
        }
        return (out, count);
    }
    let after_scheme = lower.find("://").map_or(0, |p| p + 3);
    let (scheme, rest) = url.split_at(after_scheme);
    out.push_str(scheme);
    let (authority, rest) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let host = match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            count += link.component(userinfo, &mut out);
            out.push('@');
            host
        }
        None => authority,
    };
    out.push_str(host);
    let host_name = host.rsplit_once(':').map_or(host, |(name, _)| name).to_ascii_lowercase();
    let link = Link { spamcop: is_spamcop(&host_name), ..link };
    let (before_fragment, fragment) = split_once_keep(rest, '#');
    let (path, query) = split_once_keep(before_fragment, '?');
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        count += link.component(segment, &mut out);
    }
    if let Some(query) = query {
        out.push('?');
        count += link.query(query, &mut out);
    }
    if let Some(fragment) = fragment {
        out.push('#');
        count += link.query(fragment, &mut out);
    }
    (out, count)
}

/// `s` split at the first `sep`, which belongs to neither side.
fn split_once_keep(s: &str, sep: char) -> (&str, Option<&str>) {
    match s.split_once(sep) {
        Some((before, after)) => (before, Some(after)),
        None => (s, None),
    }
}

/// What is known about the link being redacted.
struct Link<'f> {
    tracking: bool,
    spamcop: bool,
    facts: &'f Facts,
}

impl Link<'_> {
    /// Appends a path segment, userinfo, mailbox or value (replaced if it identifies); 1 if replaced.
    fn component(&self, raw: &str, out: &mut String) -> usize {
        let decoded = percent_decode(raw);
        let hidden = !raw.is_empty()
            && (addresses(&decoded).iter().any(|a| self.facts.hides(a, true))
                || (self.tracking && has_opaque_token(&decoded)));
        out.push_str(if hidden { MARKER } else { raw });
        usize::from(hidden)
    }

    /// Appends a query string (or a fragment, which trackers fill the same way), parameter by parameter.
    fn query(&self, query: &str, out: &mut String) -> usize {
        let mut count = 0;
        for (i, param) in query.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            let Some((name, value)) = param.split_once('=') else {
                count += self.component(param, out);
                continue;
            };
            out.push_str(name);
            out.push('=');
            let key = percent_decode(name).to_ascii_lowercase();
            let key = key.strip_prefix("amp;").unwrap_or(&key).trim_end_matches("[]");
            let personal = PERSONAL_PARAMS.contains(&key) || (self.spamcop && key == "i");
            if personal && !value.is_empty() {
                out.push_str(MARKER);
                count += 1;
            } else {
                count += self.component(value, out);
            }
        }
        count
    }
}

/// Whether `s` contains a long opaque token (see the module documentation).
fn has_opaque_token(s: &str) -> bool {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).any(|run| {
        run.len() >= MIN_TOKEN
            && (run.bytes().any(|b| b.is_ascii_digit()) || run.bytes().all(|b| b.is_ascii_hexdigit()))
    })
}

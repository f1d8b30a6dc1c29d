//! Reading one profile: the TOML schema (serde) and its validation into a compiled [`Profile`].
//!
//! A profile from a desk's directory is user input: every mistake (unknown field, bad regex, a regex
//! without an `ip` group, an unknown report type, a time format chrono cannot read) becomes a
//! [`ProfileError`] naming the file and the field, never a panic. Regexes are compiled here, once per
//! loaded profile set, with a size limit so a pathological pattern is refused rather than built.

use chrono::format::{Item, StrftimeItems};
use chrono::FixedOffset;
use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use super::{Profile, ProfileError, Source};
use crate::parse::model::{ReportRole, ReportType};

/// The largest profile file read: real profiles are a few hundred bytes.
pub(super) const MAX_FILE_BYTES: usize = 64 * 1024;
/// Compiled size of one regex: ample for a template's pattern, refuses pathological ones.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// The named groups a regex may have; any other name is a typo the author should hear about.
pub(super) const CAPTURES: [&str; 6] = ["ip", "port", "time", "url", "domain", "ref"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    name: String,
    #[serde(default)]
    description: String,
    reporter: Option<String>,
    report_type: ReportType,
    #[serde(default = "source_role")]
    role: ReportRole,
    #[serde(rename = "match")]
    matcher: MatchFile,
    extract: Vec<ExtractFile>,
}

fn source_role() -> ReportRole {
    ReportRole::Source
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchFile {
    #[serde(default)]
    from: Vec<String>,
    subject: Option<String>,
    header: Option<HeaderFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderFile {
    name: String,
    value: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum PartFile {
    Body,
    Subject,
    Attachment,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtractFile {
    #[serde(rename = "in", default = "body")]
    part: PartFile,
    content_type: Option<String>,
    filename: Option<String>,
    regex: Option<String>,
    csv: Option<ColumnsFile>,
    json: Option<ColumnsFile>,
    #[serde(default)]
    time_formats: Vec<String>,
    timezone: Option<String>,
    /// This rule's reports' type and role, when they differ from the profile's.
    report_type: Option<ReportType>,
    role: Option<ReportRole>,
}

fn body() -> PartFile {
    PartFile::Body
}

/// CSV column names, or JSON pointers (RFC 6901) into each record.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnsFile {
    ip: String,
    port: Option<String>,
    time: Option<String>,
    url: Option<String>,
    domain: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    /// CSV only: one character.
    delimiter: Option<char>,
    /// JSON only: pointer to the array of records (the document itself when absent).
    records: Option<String>,
}

/// How a sender is recognised: a whole address, or a domain (and its subdomains).
#[derive(Debug, Clone)]
pub(crate) enum FromRule {
    Address(String),
    Domain(String),
}

/// When a profile applies: every condition given must hold.
#[derive(Debug)]
pub(crate) struct Matcher {
    pub from: Vec<FromRule>,
    pub subject: Option<Regex>,
    pub header: Option<(String, Option<Regex>)>,
}

/// Where a rule reads.
#[derive(Debug)]
pub(crate) enum Part {
    Body,
    Subject,
    Attachment { content_type: Option<String>, filename: Option<Regex> },
}

/// Names (CSV columns or JSON pointers) of each fact.
#[derive(Debug)]
pub(crate) struct Columns {
    pub ip: String,
    pub port: Option<String>,
    pub time: Option<String>,
    pub url: Option<String>,
    pub domain: Option<String>,
    pub reference: Option<String>,
}

/// How a rule reads its part.
#[derive(Debug)]
pub(crate) enum Reader {
    Regex(Regex),
    Csv { columns: Columns, delimiter: u8 },
    Json { columns: Columns, records: Option<String> },
}

/// One `[[extract]]` entry, compiled.
#[derive(Debug)]
pub(crate) struct Rule {
    pub part: Part,
    pub reader: Reader,
    pub time_formats: Vec<String>,
    pub timezone: FixedOffset,
    pub report_type: ReportType,
    pub role: ReportRole,
}

/// Reads and validates one profile file's text.
pub(super) fn parse(file: &str, text: &str, source: Source) -> Result<Profile, ProfileError> {
    let err = |field: &str, message: String| ProfileError::new(file, field, message);
    if text.len() > MAX_FILE_BYTES {
        return Err(err("", format!("larger than {MAX_FILE_BYTES} bytes; a profile is a few hundred")));
    }
    let raw: ProfileFile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    let name = raw.name.trim().to_owned();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(err("name", "must be letters, digits, '-' or '_' (it is how a desk overrides it)".into()));
    }
    let matcher = matcher(raw.matcher, &err)?;
    if raw.extract.is_empty() {
        return Err(err("extract", "at least one [[extract]] rule is needed".into()));
    }
    let kind = (raw.report_type, raw.role);
    let rules = raw.extract.into_iter().enumerate().map(|(i, e)| rule(e, kind, &format!("extract[{i}]"), &err));
    Ok(Profile {
        name,
        description: raw.description.trim().to_owned(),
        reporter: raw.reporter.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()),
        report_type: raw.report_type,
        role: raw.role,
        source,
        file: file.to_owned(),
        matcher,
        rules: rules.collect::<Result<_, _>>()?,
    })
}

/// A TOML error as "line N: message", the message naming the field (serde's unknown-field and
/// invalid-variant messages do).
fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> ProfileError {
    let line = e.span().map(|s| text.get(..s.start).unwrap_or_default().matches('\n').count() + 1);
    let field = line.map(|l| format!("line {l}")).unwrap_or_default();
    ProfileError::new(file, &field, e.message().trim().to_owned())
}

type Err<'a> = &'a dyn Fn(&str, String) -> ProfileError;

fn compile(pattern: &str, field: &str, err: Err<'_>) -> Result<Regex, ProfileError> {
    RegexBuilder::new(pattern)
        .multi_line(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| err(field, format!("not a valid regex: {e}")))
}

fn matcher(raw: MatchFile, err: Err<'_>) -> Result<Matcher, ProfileError> {
    let from = raw
        .from
        .iter()
        .map(|f| {
            let f = f.trim().to_ascii_lowercase();
            match f.split_once('@') {
                Some(("", domain)) if !domain.is_empty() => Ok(FromRule::Domain(domain.to_owned())),
                Some((_, domain)) if !domain.is_empty() => Ok(FromRule::Address(f.clone())),
                None if f.contains('.') => Ok(FromRule::Domain(f.clone())),
                _ => Err(err("match.from", format!("'{f}' is neither an address nor a domain"))),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let subject = raw.subject.as_deref().map(|s| compile(s, "match.subject", err)).transpose()?;
    let header = match raw.header {
        Some(h) if h.name.trim().is_empty() => return Err(err("match.header.name", "is empty".into())),
        Some(h) => {
            let value = h.value.as_deref().map(|v| compile(v, "match.header.value", err)).transpose()?;
            Some((h.name.trim().to_owned(), value))
        }
        None => None,
    };
    if from.is_empty() && subject.is_none() && header.is_none() {
        // A profile that matches every message would claim mail that belongs to other reporters.
        return Err(err("match", "needs at least one of from, subject, header".into()));
    }
    Ok(Matcher { from, subject, header })
}

fn rule(raw: ExtractFile, kind: (ReportType, ReportRole), at: &str, err: Err<'_>) -> Result<Rule, ProfileError> {
    let field = |f: &str| format!("{at}.{f}");
    if raw.part != PartFile::Attachment && (raw.filename.is_some() || raw.content_type.is_some()) {
        return Err(err(&field("in"), "content_type and filename only apply to in = \"attachment\"".into()));
    }
    let part = match raw.part {
        PartFile::Body => Part::Body,
        PartFile::Subject => Part::Subject,
        PartFile::Attachment => {
            let filename = raw.filename.as_deref().map(|f| compile(f, &field("filename"), err)).transpose()?;
            let content_type = raw.content_type.map(|c| c.trim().to_ascii_lowercase());
            if filename.is_none() && content_type.is_none() {
                return Err(err(&field("in"), "an attachment needs a content_type or a filename pattern".into()));
            }
            Part::Attachment { content_type, filename }
        }
    };
    let reader = match (raw.regex, raw.csv, raw.json) {
        (Some(pattern), None, None) => Reader::Regex(regex_reader(&pattern, &field("regex"), err)?),
        (None, Some(csv), None) => {
            let delimiter = match csv.delimiter {
                None => b',',
                Some(c) if c.is_ascii() => c as u8,
                Some(c) => return Err(err(&field("csv.delimiter"), format!("'{c}' is not one ASCII character"))),
            };
            if csv.records.is_some() {
                return Err(err(&field("csv.records"), "only applies to json".into()));
            }
            Reader::Csv { columns: columns(csv, &field("csv"), err)?, delimiter }
        }
        (None, None, Some(json)) => {
            if json.delimiter.is_some() {
                return Err(err(&field("json.delimiter"), "only applies to csv".into()));
            }
            let records = json.records.clone();
            let columns = columns(json, &field("json"), err)?;
            let c = &columns;
            let pointers = [Some(&c.ip), c.port.as_ref(), c.time.as_ref(), c.url.as_ref(), c.domain.as_ref()];
            let pointers = pointers.into_iter().chain([c.reference.as_ref(), records.as_ref()]).flatten();
            if let Some(bad) = pointers.into_iter().find(|p| !p.is_empty() && !p.starts_with('/')) {
                return Err(err(&field("json"), format!("'{bad}' is not a JSON pointer (they start with '/')")));
            }
            Reader::Json { columns, records }
        }
        _ => return Err(err(at, "needs exactly one of regex, csv, json".into())),
    };
    for f in &raw.time_formats {
        if StrftimeItems::new(f).any(|i| matches!(i, Item::Error)) {
            return Err(err(&field("time_formats"), format!("'{f}' is not a chrono strftime format")));
        }
    }
    let timezone = match raw.timezone.as_deref().map(str::trim) {
        None | Some("UTC" | "utc" | "Z") => FixedOffset::east_opt(0),
        Some(tz) => offset(tz),
    };
    let timezone = timezone.ok_or_else(|| err(&field("timezone"), "must be UTC or an offset such as +08:00".into()))?;
    Ok(Rule {
        part,
        reader,
        time_formats: raw.time_formats,
        timezone,
        report_type: raw.report_type.unwrap_or(kind.0),
        role: raw.role.unwrap_or(kind.1),
    })
}

/// A regex whose named groups are all known and which has an `ip` group.
fn regex_reader(pattern: &str, field: &str, err: Err<'_>) -> Result<Regex, ProfileError> {
    let re = compile(pattern, field, err)?;
    let names: Vec<&str> = re.capture_names().flatten().collect();
    if let Some(unknown) = names.iter().find(|n| !CAPTURES.contains(n)) {
        return Err(err(field, format!("unknown group '{unknown}'; the groups are {}", CAPTURES.join(", "))));
    }
    if !names.contains(&"ip") {
        return Err(err(field, "needs a named group (?P<ip>…): the desk attributes by address".into()));
    }
    Ok(re)
}

fn columns(raw: ColumnsFile, field: &str, err: Err<'_>) -> Result<Columns, ProfileError> {
    if raw.ip.trim().is_empty() {
        return Err(err(&format!("{field}.ip"), "is empty".into()));
    }
    Ok(Columns {
        ip: raw.ip,
        port: raw.port,
        time: raw.time,
        url: raw.url,
        domain: raw.domain,
        reference: raw.reference,
    })
}

/// `+08:00`, `-0500`, `+8`: an offset east of UTC.
fn offset(tz: &str) -> Option<FixedOffset> {
    let (sign, rest) = match tz.as_bytes().first()? {
        b'+' => (1, tz.get(1..)?),
        b'-' => (-1, tz.get(1..)?),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

//! Lenient timestamp parsing for the many date styles abuse reports use.
//!
//! Handles RFC 5322 dates (with or without weekday, two-digit years, zone names, cut-short trailing
//! comments such as `-0400 (ES`), ISO 8601 (`T` or space, fractions, `Z`/`+hh:mm`), syslog stamps without a
//! year (the year comes from a reference date), `Oct, 23 2003 6:13:36 PM -0400`, Apache's
//! `23/Oct/2003:18:13:36 -0400`, `MM-DD-YYYY` / `MM/DD/YYYY` and `DD.MM.YYYY`, and epoch seconds.
//! Invariant: a time without a zone is taken as UTC (Shadowserver's convention, and the only neutral choice).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok<'a> {
    /// A run of digits: its value (saturating) and its length.
    Num(u32, usize),
    Word(&'a str),
    Sym(char),
}

fn tokenize(s: &str) -> Vec<Tok<'_>> {
    let mut toks = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_ascii_digit() {
            let end = run_end(&mut chars, start, |d| d.is_ascii_digit());
            let digits = s.get(start..end).unwrap_or_default();
            let value = digits.bytes().fold(0u32, |v, b| v.saturating_mul(10).saturating_add(u32::from(b - b'0')));
            toks.push(Tok::Num(value, digits.len()));
        } else if c.is_ascii_alphabetic() {
            let end = run_end(&mut chars, start, |d| d.is_ascii_alphabetic());
            toks.push(Tok::Word(s.get(start..end).unwrap_or_default()));
        } else if !c.is_whitespace() {
            toks.push(Tok::Sym(c));
        }
    }
    toks
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Consumes the run of characters after `start` that satisfy `keep`; returns the byte index past it.
fn run_end(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, start: usize, keep: fn(char) -> bool) -> usize {
    let mut end = start + 1;
    while let Some(&(i, d)) = chars.peek() {
        if !keep(d) {
            break;
        }
        end = i + d.len_utf8();
        chars.next();
    }
    end
}

/// Full month names (and `sept`) accepted besides the three-letter forms.
const FULL_MONTHS: [&str; 12] = [
    "january", "february", "march", "april", "june", "july", "august", "september", "sept", "october", "november",
    "december",
];

// Compared without a lower-case copy: every word of every scanned line comes here.
fn month_of(word: &str) -> Option<u32> {
    let prefix = word.get(..3)?;
    let full_ok = FULL_MONTHS.iter().any(|f| word.eq_ignore_ascii_case(f));
    if word.len() != 3 && !full_ok {
        return None;
    }
    MONTHS.iter().position(|m| m.eq_ignore_ascii_case(prefix)).and_then(|p| u32::try_from(p + 1).ok())
}

fn is_weekday(word: &str) -> bool {
    word.get(..3).is_some_and(|p| WEEKDAYS.iter().any(|d| d.eq_ignore_ascii_case(p)))
        && (word.len() == 3
            || word.get(word.len().saturating_sub(3)..).is_some_and(|end| end.eq_ignore_ascii_case("day"))
            || word.eq_ignore_ascii_case("tues")
            || word.eq_ignore_ascii_case("thur"))
}

/// Offset in minutes east of UTC for the zone names seen in reports.
fn zone_offset(name: &str) -> Option<i32> {
    let minutes = match name.to_ascii_uppercase().as_str() {
        "Z" | "UT" | "UTC" | "GMT" | "WET" => 0,
        "EST" => -300,
        "EDT" => -240,
        "CST" => -360,
        "CDT" => -300,
        "MST" => -420,
        "MDT" => -360,
        "PST" => -480,
        "PDT" => -420,
        "AKST" => -540,
        "AKDT" => -480,
        "HST" => -600,
        "BRT" | "ART" => -180,
        "CET" | "MET" | "BST" | "WEST" => 60,
        "CEST" | "MEST" | "EET" | "SAST" => 120,
        "EEST" | "MSK" => 180,
        "ALMT" => 360,
        "ICT" | "WIB" => 420,
        "HKT" | "SGT" | "AWST" | "PHT" => 480,
        "JST" | "KST" => 540,
        "AEST" => 600,
        "AEDT" => 660,
        "NZST" => 720,
        "NZDT" => 780,
        _ => return None,
    };
    Some(minutes)
}

/// A cursor over the tokens with the small matchers the date grammar needs.
struct Cursor<'t, 'a> {
    toks: &'t [Tok<'a>],
    pos: usize,
}

impl<'a> Cursor<'_, 'a> {
    fn peek(&self) -> Option<Tok<'a>> {
        self.toks.get(self.pos).copied()
    }
    fn peek_at(&self, ahead: usize) -> Option<Tok<'a>> {
        self.toks.get(self.pos + ahead).copied()
    }
    fn bump(&mut self) -> Option<Tok<'a>> {
        let t = self.peek();
        self.pos += 1;
        t
    }
    fn sym(&mut self, allowed: &[char]) -> Option<char> {
        match self.peek() {
            Some(Tok::Sym(c)) if allowed.contains(&c) => {
                self.pos += 1;
                Some(c)
            }
            _ => None,
        }
    }
    fn num(&mut self, min_len: usize, max_len: usize) -> Option<u32> {
        match self.peek() {
            Some(Tok::Num(v, len)) if (min_len..=max_len).contains(&len) => {
                self.pos += 1;
                Some(v)
            }
            _ => None,
        }
    }
    fn month(&mut self) -> Option<u32> {
        match self.peek() {
            Some(Tok::Word(w)) => month_of(w).inspect(|_| self.pos += 1),
            _ => None,
        }
    }
}

fn full_year(y: u32, digits: usize) -> u32 {
    match digits {
        2 if y >= 70 => 1900 + y,
        2 => 2000 + y,
        _ => y,
    }
}

/// `YYYY-MM-DD`, `DD Mon YYYY`, `DD/Mon/YYYY`, `Mon DD[,] YYYY`, `MM-DD-YYYY`, `DD.MM.YYYY`; the year is
/// `None` for a syslog `Mon DD` that is followed by a time.
fn date_part(c: &mut Cursor<'_, '_>) -> Option<(Option<u32>, u32, u32)> {
    let start = c.pos;
    // YYYY-MM-DD
    if let Some(y) = c.num(4, 4) {
        if let Some(sep) = c.sym(&['-', '/']) {
            let m = c.num(1, 2)?;
            c.sym(&[sep])?;
            let d = c.num(1, 2)?;
            return Some((Some(y), m, d));
        }
        c.pos = start;
        return None;
    }
    // DD Mon YYYY / DD-Mon-YYYY / DD/Mon/YYYY
    if let Some(Tok::Num(d, 1..=2)) = c.peek() {
        c.bump();
        let sep = c.sym(&['-', '/', '.']);
        if let Some(m) = c.month() {
            if let Some(s) = sep {
                c.sym(&[s]);
            } else {
                c.sym(&[',']);
            }
            let (y, len) = match c.bump()? {
                Tok::Num(y, len) if len == 2 || len == 4 => (y, len),
                _ => return None,
            };
            return Some((Some(full_year(y, len)), m, d));
        }
        // Numeric: MM-DD-YYYY, MM/DD/YYYY (American) or DD.MM.YYYY (European).
        let sep = sep?;
        let b = c.num(1, 2)?;
        c.sym(&[sep])?;
        let y = c.num(4, 4)?;
        let (m, day) = if sep == '.' || d > 12 { (b, d) } else { (d, b) };
        return Some((Some(y), m, day));
    }
    // Mon DD[,] [YYYY]
    let m = c.month()?;
    c.sym(&[',']);
    let d = c.num(1, 2)?;
    c.sym(&[',']);
    if let Some(Tok::Num(y, 4)) = c.peek() {
        if c.peek_at(1) != Some(Tok::Sym(':')) {
            c.bump();
            return Some((Some(y), m, d));
        }
    }
    Some((None, m, d))
}

/// `H:MM[:SS[.fff]] [AM|PM]`.
fn time_part(c: &mut Cursor<'_, '_>) -> Option<NaiveTime> {
    let start = c.pos;
    let parsed = (|| {
        let mut h = c.num(1, 2)?;
        c.sym(&[':'])?;
        let m = c.num(2, 2)?;
        let mut s = 0;
        if c.peek() == Some(Tok::Sym(':')) && matches!(c.peek_at(1), Some(Tok::Num(_, 2))) {
            c.bump();
            s = c.num(2, 2)?;
            if matches!(c.peek(), Some(Tok::Sym('.' | ','))) && matches!(c.peek_at(1), Some(Tok::Num(..))) {
                c.pos += 2;
            }
        }
        if let Some(Tok::Word(w)) = c.peek() {
            match w.to_ascii_lowercase().as_str() {
                "am" if h <= 12 => {
                    h %= 12;
                    c.bump();
                }
                "pm" if h <= 12 => {
                    h = h % 12 + 12;
                    c.bump();
                }
                _ => {}
            }
        }
        NaiveTime::from_hms_opt(h, m, s.min(59))
    })();
    if parsed.is_none() {
        c.pos = start;
    }
    parsed
}

/// `+hhmm`, `-hh:mm`, `Z`, a zone name (optionally in parentheses), `GMT+hhmm`. Minutes east of UTC.
fn zone_part(c: &mut Cursor<'_, '_>) -> Option<i32> {
    let start = c.pos;
    let numeric = |c: &mut Cursor<'_, '_>| -> Option<i32> {
        let sign = if c.sym(&['+', '-'])? == '-' { -1 } else { 1 };
        let minutes = match c.bump()? {
            Tok::Num(v, 4) => i32::try_from(v / 100 * 60 + v % 100).ok()?,
            // `+hh:mm` only: a bare `- 10` after a time is far more often prose than an offset.
            Tok::Num(h, 1..=2) => {
                c.sym(&[':'])?;
                let m = c.num(2, 2)?;
                i32::try_from(h * 60 + m).ok()?
            }
            _ => return None,
        };
        (minutes <= 14 * 60).then_some(sign * minutes)
    };
    if let Some(z) = numeric(c) {
        return Some(z);
    }
    c.pos = start;
    c.sym(&['(']);
    if let Some(Tok::Word(w)) = c.bump() {
        if let Some(z) = zone_offset(w) {
            let after_name = c.pos;
            if let Some(n) = numeric(c) {
                return Some(n);
            }
            // Right after a zone name, `GMT+3` / `UTC-5` (whole hours) is an offset, not prose.
            c.pos = after_name;
            let sign = c.sym(&['+', '-']).map(|s| if s == '-' { -1 } else { 1 });
            if let (Some(sign), Some(Tok::Num(h, 1..=2))) = (sign, c.peek()) {
                if h <= 14 {
                    c.bump();
                    return Some(z + sign * i32::try_from(h * 60).ok()?);
                }
            }
            c.pos = after_name;
            return Some(z);
        }
    }
    c.pos = start;
    None
}

/// Tries to read a date starting at token `start`. `need_time` rejects bare dates.
fn parse_at(
    toks: &[Tok<'_>],
    start: usize,
    reference: Option<DateTime<Utc>>,
    need_time: bool,
) -> Option<DateTime<Utc>> {
    let mut c = Cursor { toks, pos: start };
    if let Some(Tok::Word(w)) = c.peek() {
        if is_weekday(w) {
            c.bump();
            c.sym(&[',']);
        }
    }
    let (year, month, day) = date_part(&mut c)?;
    // ISO `T`, Apache `:` and a comma may separate the date from the time.
    match c.peek() {
        Some(Tok::Word(w)) if w.eq_ignore_ascii_case("t") => {
            c.bump();
        }
        Some(Tok::Sym(':' | ',')) => {
            c.bump();
        }
        _ => {}
    }
    let time = time_part(&mut c);
    if time.is_none() && (need_time || year.is_none()) {
        return None;
    }
    let zone = if time.is_some() { zone_part(&mut c).unwrap_or(0) } else { 0 };
    let time = time.unwrap_or(NaiveTime::MIN);
    let build = |y: i32| {
        let date = NaiveDate::from_ymd_opt(y, month, day)?;
        let utc = date.and_time(time).checked_sub_signed(Duration::minutes(i64::from(zone)))?;
        Some(Utc.from_utc_datetime(&utc))
    };
    match year {
        Some(y) => build(i32::try_from(y).ok()?),
        None => {
            // A syslog stamp: the reference's year, or the year before if that would lie in the future.
            let reference = reference?;
            let this_year = build(reference.year())?;
            if reference.checked_add_signed(Duration::days(1)).is_some_and(|limit| this_year > limit) {
                build(reference.year() - 1)
            } else {
                Some(this_year)
            }
        }
    }
}

fn scan(text: &str, reference: Option<DateTime<Utc>>, need_time: bool) -> Option<DateTime<Utc>> {
    // A time of day is written with ':' (see `time_part`): most lines of a text have none and need no tokens.
    if need_time && !text.contains(':') {
        return None;
    }
    let toks = tokenize(text);
    (0..toks.len()).find_map(|i| match toks.get(i) {
        Some(Tok::Num(..) | Tok::Word(_)) => parse_at(&toks, i, reference, need_time),
        _ => None,
    })
}

/// Parses a value that is meant to be a timestamp (a header or field value); the first date found
/// wins and trailing text is ignored. `reference` supplies the year for syslog stamps.
pub(crate) fn parse(value: &str, reference: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if let Some(epoch) = parse_epoch(value) {
        return Some(epoch);
    }
    scan(value, reference, false)
}

/// Finds the first date *with a time of day* in free text (a log line).
pub(crate) fn find(text: &str, reference: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    scan(text, reference, true)
}

/// Epoch seconds (9–11 digits) or milliseconds (12–14 digits), as CSV feeds use.
pub(crate) fn parse_epoch(value: &str) -> Option<DateTime<Utc>> {
    let (int, _) = value.split_once('.').unwrap_or((value, ""));
    if !(9..=14).contains(&int.len()) || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = int.parse().ok()?;
    if int.len() >= 12 {
        Utc.timestamp_millis_opt(n).single()
    } else {
        Utc.timestamp_opt(n, 0).single()
    }
}

#[cfg(test)]
mod tests;

//! Sending volumes, the denominator of complaint rates: imports of Microsoft SNDS per-IP daily data and of
//! a plain mail-log CSV.
//!
//! Two formats, told apart by the first line:
//! * **SNDS data export**, CSV without a header, one row per IP and activity period: IP address, Activity
//!   start, Activity end, RCPT commands, DATA commands, Message recipients, Filter result, Complaint rate,
//!   Trap message period start, Trap message period end, Trap hits, Sample HELO, JMR P1 Sender, Comments.
//!   "Message recipients" is the volume (what reached Microsoft's users) and the day is the date of
//!   Activity start (`11/24/2026 9:00 AM`), as SNDS states it: SNDS cuts its days on its own clock, and
//!   re-dating them would only move the mismatch. The trailing columns are optional, and a header line
//!   that some tools add is skipped.
//! * **Mail-log CSV** with the header `ip,day,messages` (columns in any order, day as YYYY-MM-DD), for
//!   volumes counted from our own MTA logs.
//!
//! Input is untrusted upload: every bad line becomes a line-numbered error and the rest is still read;
//! nothing here panics.

use std::borrow::Cow;
use std::net::IpAddr;

use chrono::NaiveDate;

/// One IP's sending volume on one day.
#[derive(Clone, Debug, PartialEq)]
pub struct VolumeRow {
    /// The sending IP.
    pub ip: IpAddr,
    /// The day the messages were sent.
    pub day: NaiveDate,
    /// Messages sent (SNDS: message recipients).
    pub messages: i64,
    /// Spam-trap hits (SNDS only; 0 in mail-log CSV).
    pub trap_hits: i64,
    /// SNDS's complaint rate as it states it ("< 0.1%", "0.4%"), kept as text because it is a band, not a
    /// number.
    pub complaint_rate: Option<String>,
}

/// The result of one import: the good rows and the reasons for the rest.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VolumeImport {
    /// Rows read, in file order.
    pub rows: Vec<VolumeRow>,
    /// `(line, what was wrong)`, line numbers starting at 1.
    pub errors: Vec<(u64, String)>,
    /// "snds" or "maillog", once the format was recognised.
    pub source: Option<&'static str>,
}

/// The SNDS columns this import reads, by position.
const SNDS_IP: usize = 0;
const SNDS_ACTIVITY_START: usize = 1;
const SNDS_RECIPIENTS: usize = 5;
const SNDS_COMPLAINT_RATE: usize = 7;
const SNDS_TRAP_HITS: usize = 10;
/// Up to Trap hits; Sample HELO, JMR P1 Sender and Comments may be missing.
const SNDS_MIN_FIELDS: usize = SNDS_TRAP_HITS + 1;

/// Longest stretch of an offending value quoted back in an error.
const SHOWN_CHARS: usize = 60;

#[derive(Clone, Copy)]
enum Format {
    Snds,
    MailLog { ip: usize, day: usize, messages: usize },
}

/// Parses an SNDS data export or a mail-log CSV (see the module documentation). Line-numbered errors,
/// never a panic.
pub fn parse_volume(input: &[u8]) -> VolumeImport {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(input);
    let mut import = VolumeImport::default();
    let mut format = None;
    let mut lines = LineCounter { input, offset: 0, line: 1 };
    for record in reader.byte_records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                import.errors.push((lines.at(e.position()), e.to_string()));
                continue;
            }
        };
        let line = lines.at(record.position());
        let fields: Vec<Cow<'_, str>> = record.iter().map(String::from_utf8_lossy).collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        let current = match format {
            Some(current) => current,
            None => match detect(&fields) {
                Detected::MailLogHeader(found) => {
                    format = Some(found);
                    continue;
                }
                Detected::SndsHeader => {
                    format = Some(Format::Snds);
                    continue;
                }
                Detected::SndsData => *format.insert(Format::Snds),
                Detected::BadHeader(message) => {
                    import.errors.push((line, message));
                    return import;
                }
            },
        };
        let row = match current {
            Format::Snds => snds_row(&fields),
            Format::MailLog { ip, day, messages } => mail_log_row(&fields, ip, day, messages),
        };
        match row {
            Ok(row) => import.rows.push(row),
            Err(message) => import.errors.push((line, message)),
        }
    }
    import.source = format.map(|f| match f {
        Format::Snds => "snds",
        Format::MailLog { .. } => "maillog",
    });
    import
}

/// Line numbers from byte offsets. The csv reader's own line count skips blank lines, and a record's
/// position points at the blank lines before it, either of which would send people to the wrong line; so
/// count newlines up to each record's first byte. Offsets only grow, so the file is scanned once.
struct LineCounter<'a> {
    input: &'a [u8],
    offset: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn at(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(mut target) = position.and_then(|p| usize::try_from(p.byte()).ok()) else {
            return self.line;
        };
        while matches!(self.input.get(target), Some(b'\r' | b'\n')) {
            target += 1;
        }
        if let Some(skipped) = self.input.get(self.offset..target) {
            self.line += skipped.iter().filter(|&&b| b == b'\n').count() as u64;
            self.offset = target;
        }
        self.line
    }
}

enum Detected {
    MailLogHeader(Format),
    SndsHeader,
    SndsData,
    BadHeader(String),
}

/// What the first line is: the mail-log header names an `ip` column; an SNDS export starts with data, or
/// with a header of at least the SNDS columns whose first field names the IP column ("IP Address").
fn detect(fields: &[Cow<'_, str>]) -> Detected {
    let column = |name: &str| fields.iter().position(|f| f.eq_ignore_ascii_case(name));
    if let Some(ip) = column("ip") {
        return match (column("day"), column("messages")) {
            (Some(day), Some(messages)) => Detected::MailLogHeader(Format::MailLog { ip, day, messages }),
            _ => Detected::BadHeader("the header must name the columns ip, day and messages".to_owned()),
        };
    }
    let names_ip = fields.first().is_some_and(|f| f.get(..2).is_some_and(|start| start.eq_ignore_ascii_case("ip")));
    if names_ip && fields.len() >= SNDS_MIN_FIELDS {
        Detected::SndsHeader
    } else {
        Detected::SndsData
    }
}

fn snds_row(fields: &[Cow<'_, str>]) -> Result<VolumeRow, String> {
    if fields.len() < SNDS_MIN_FIELDS {
        return Err(format!(
            "expected at least {SNDS_MIN_FIELDS} SNDS columns (IP address to Trap hits), found {}",
            fields.len()
        ));
    }
    let start = &fields[SNDS_ACTIVITY_START];
    let day = start
        .split_whitespace()
        .next()
        .and_then(|date| NaiveDate::parse_from_str(date, "%m/%d/%Y").ok())
        .ok_or_else(|| format!("activity start {} is not a date like 11/24/2026 9:00 AM", shown(start)))?;
    let trap_hits = match fields[SNDS_TRAP_HITS].as_ref() {
        "" => 0,
        hits => count(hits, "trap hits")?,
    };
    let rate = fields[SNDS_COMPLAINT_RATE].as_ref();
    Ok(VolumeRow {
        ip: address(&fields[SNDS_IP])?,
        day,
        messages: count(&fields[SNDS_RECIPIENTS], "message recipients")?,
        trap_hits,
        complaint_rate: (!rate.is_empty()).then(|| rate.to_owned()),
    })
}

fn mail_log_row(fields: &[Cow<'_, str>], ip: usize, day: usize, messages: usize) -> Result<VolumeRow, String> {
    let field = |i: usize, name: &str| fields.get(i).ok_or_else(|| format!("the {name} column is missing"));
    let ip = address(field(ip, "ip")?)?;
    let day_text = field(day, "day")?;
    Ok(VolumeRow {
        ip,
        day: NaiveDate::parse_from_str(day_text, "%Y-%m-%d")
            .map_err(|_| format!("day {} is not a date like 2026-11-24", shown(day_text)))?,
        messages: count(field(messages, "messages")?, "messages")?,
        trap_hits: 0,
        complaint_rate: None,
    })
}

fn address(text: &str) -> Result<IpAddr, String> {
    text.parse().map_err(|_| format!("{} is not an IP address", shown(text)))
}

fn count(text: &str, name: &str) -> Result<i64, String> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| format!("{name} {} is not a whole number of zero or more", shown(text)))
}

/// An offending value quoted for an error message, cut short so a huge field cannot flood the page.
fn shown(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(SHOWN_CHARS).collect();
    if chars.next().is_some() {
        format!("\"{head}…\"")
    } else {
        format!("\"{head}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::testkit::Lcg;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const SNDS: &str = "\
192.0.2.25,11/24/2026 9:00 AM,11/25/2026 9:00 AM,1520,1498,1502,GREEN,< 0.1%,,,0,mail.customer.example,,
198.51.100.7,11/24/2026 9:00 AM,11/25/2026 9:00 AM,48211,47990,48002,RED,0.4%,11/24/2026 2:13 PM,11/25/2026 6:41 AM,12,smtp.bulk.example,bounces@bulk.example,\"listed, see ticket 4411\"
203.0.113.9,12/1/2026 9:00 AM,12/2/2026 9:00 AM,230,230,228,YELLOW,0.2%,,,
";

    #[test]
    fn snds_rows_give_recipients_trap_hits_and_the_activity_date() {
        let import = parse_volume(SNDS.as_bytes());
        assert_eq!(import.errors, []);
        assert_eq!(
            import.rows,
            [
                VolumeRow {
                    ip: "192.0.2.25".parse().unwrap(),
                    day: day(2026, 11, 24),
                    messages: 1502,
                    trap_hits: 0,
                    complaint_rate: Some("< 0.1%".into()),
                },
                VolumeRow {
                    ip: "198.51.100.7".parse().unwrap(),
                    day: day(2026, 11, 24),
                    messages: 48002,
                    trap_hits: 12,
                    complaint_rate: Some("0.4%".into()),
                },
                VolumeRow {
                    ip: "203.0.113.9".parse().unwrap(),
                    day: day(2026, 12, 1),
                    messages: 228,
                    trap_hits: 0,
                    complaint_rate: Some("0.2%".into()),
                },
            ]
        );
    }

    #[test]
    fn bad_snds_lines_are_reported_by_line_and_the_rest_is_read() {
        let input = "\
192.0.2.25,11/24/2026 9:00 AM,11/25/2026 9:00 AM,1520,1498,1502,GREEN,< 0.1%,,,0,mail.customer.example,,
192.0.2.300,11/24/2026 9:00 AM,11/25/2026 9:00 AM,1,1,1,GREEN,< 0.1%,,,0,,,

192.0.2.26,2026-11-24,11/25/2026 9:00 AM,1,1,1,GREEN,< 0.1%,,,0,,,
192.0.2.27,11/24/2026 9:00 AM,11/25/2026 9:00 AM,1,1,many,GREEN,< 0.1%,,,0,,,
192.0.2.28,11/24/2026 9:00 AM
192.0.2.29,11/24/2026 9:00 AM,11/25/2026 9:00 AM,1,1,7,GREEN,,,,-3,,,
";
        let import = parse_volume(input.as_bytes());
        assert_eq!(import.rows.len(), 1);
        assert_eq!(
            import.errors,
            [
                (2, "\"192.0.2.300\" is not an IP address".to_owned()),
                (4, "activity start \"2026-11-24\" is not a date like 11/24/2026 9:00 AM".to_owned()),
                (5, "message recipients \"many\" is not a whole number of zero or more".to_owned()),
                (6, "expected at least 11 SNDS columns (IP address to Trap hits), found 2".to_owned()),
                (7, "trap hits \"-3\" is not a whole number of zero or more".to_owned()),
            ]
        );
    }

    #[test]
    fn an_snds_header_line_is_skipped() {
        let header = "IP Address,Activity start,Activity end,RCPT commands,DATA commands,Message recipients,\
                      Filter result,Complaint rate,Trap message period start,Trap message period end,Trap hits,\
                      Sample HELO,JMR P1 Sender,Comments\n";
        let import = parse_volume(format!("\u{feff}{header}{SNDS}").as_bytes());
        assert_eq!((import.rows.len(), import.errors.len()), (3, 0));
    }

    #[test]
    fn a_mail_log_csv_is_read_by_its_header() {
        let input = "ip,day,messages\r\n192.0.2.25,2026-11-24,1502\r\n\r\n2001:db8::25, 2026-11-25 ,17\r\nx,2026-11-25,1\r\n192.0.2.25,24.11.2026,1\r\n";
        let import = parse_volume(input.as_bytes());
        assert_eq!(
            import.rows,
            [
                VolumeRow {
                    ip: "192.0.2.25".parse().unwrap(),
                    day: day(2026, 11, 24),
                    messages: 1502,
                    trap_hits: 0,
                    complaint_rate: None
                },
                VolumeRow {
                    ip: "2001:db8::25".parse().unwrap(),
                    day: day(2026, 11, 25),
                    messages: 17,
                    trap_hits: 0,
                    complaint_rate: None
                },
            ]
        );
        assert_eq!(
            import.errors,
            [
                (5, "\"x\" is not an IP address".to_owned()),
                (6, "day \"24.11.2026\" is not a date like 2026-11-24".to_owned())
            ]
        );
    }

    #[test]
    fn line_numbers_count_blank_lines_and_quoted_newlines() {
        let input =
            "\n\nip,day,messages,note\n\n\n  \nbad,2026-11-24,1,\"two\nlines\"\r\n\r\n\r\nworse,2026-11-24,1,\n";
        let errors: Vec<u64> = parse_volume(input.as_bytes()).errors.into_iter().map(|(line, _)| line).collect();
        assert_eq!(errors, [7, 11]);
    }

    #[test]
    fn mail_log_columns_may_come_in_any_order() {
        let import = parse_volume(b"Messages,IP,Day\n40,192.0.2.1,2026-01-31\n3\n");
        assert_eq!(import.rows[0].messages, 40);
        assert_eq!(import.errors, [(3, "the ip column is missing".to_owned())]);
    }

    #[test]
    fn a_mail_log_header_without_day_or_messages_is_refused() {
        let import = parse_volume(b"ip,date,count\n192.0.2.1,2026-01-31,4\n");
        assert_eq!(import.rows, []);
        assert_eq!(import.errors, [(1, "the header must name the columns ip, day and messages".to_owned())]);
    }

    #[test]
    fn empty_input_has_no_rows_and_no_errors() {
        assert_eq!(parse_volume(b""), VolumeImport::default());
        assert_eq!(parse_volume(b"\n\n"), VolumeImport::default());
    }

    #[test]
    fn a_header_alone_names_the_format_and_gives_no_rows() {
        let import = parse_volume(b"ip,day,messages\n");
        assert_eq!((import.rows, import.errors, import.source), (vec![], vec![], Some("maillog")));
    }

    #[test]
    fn long_values_are_cut_short_in_errors() {
        let input = format!("{},11/24/2026 9:00 AM,,1,1,1,GREEN,,,,0", "9".repeat(500));
        let import = parse_volume(input.as_bytes());
        assert!(import.errors[0].1.len() < 100, "{:?}", import.errors);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let alphabet: Vec<u8> = b"0123456789./:, \"\r\nipdaymessagesAPM\xff\xfe\xef\xbb\xbf".to_vec();
        let mut rng = Lcg(7);
        for _ in 0..500 {
            let len = rng.below(120);
            let input: Vec<u8> = (0..len).map(|_| *rng.pick(&alphabet)).collect();
            let import = parse_volume(&input);
            assert!(import.errors.iter().all(|(line, _)| *line >= 1));
        }
    }
}

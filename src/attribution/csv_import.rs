//! Customers and assignments CSV files: columns by name (any order, any case), every bad row reported with
//! its line number while the good rows still count.

use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, Utc};
use ipnet::IpNet;

use super::holding::AssignmentKind;

/// A row that was not taken, and why. `line` is the 1-based line the row starts on (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub message: String,
}

/// The rows read (with their lines) and the rows refused.
#[derive(Debug)]
pub struct Imported<T> {
    pub rows: Vec<(u64, T)>,
    pub errors: Vec<RowError>,
}

/// A customer account's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerStatus {
    Active,
    Suspended,
    Terminated,
}

impl CustomerStatus {
    /// The stored name.
    pub fn code(&self) -> &'static str {
        match self {
            CustomerStatus::Active => "active",
            CustomerStatus::Suspended => "suspended",
            CustomerStatus::Terminated => "terminated",
        }
    }

    /// From the stored name.
    pub fn from_code(code: &str) -> Option<CustomerStatus> {
        [CustomerStatus::Active, CustomerStatus::Suspended, CustomerStatus::Terminated].into_iter().find(|s| s.code() == code)
    }
}

/// One customers.csv row.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCustomer {
    pub account_ref: String,
    pub name: String,
    pub emails: Vec<String>,
    pub status: CustomerStatus,
    pub notes: String,
}

/// One assignments.csv row.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAssignment {
    pub account_ref: String,
    pub kind: AssignmentKind,
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
}

/// A row's fields by column name.
struct Row<'a> {
    columns: &'a [String],
    values: Vec<String>,
}

impl Row<'_> {
    fn get(&self, name: &str) -> &str {
        self.columns.iter().position(|c| c == name).and_then(|i| self.values.get(i)).map_or("", |v| v.trim())
    }
}

/// Reads `input` as CSV with the `required` columns, turning each row into a `T` with `make`.
fn read<T>(input: &[u8], required: &[&str], make: impl Fn(&Row<'_>) -> Result<T, String>) -> Imported<T> {
    let mut out = Imported { rows: Vec::new(), errors: Vec::new() };
    if input.iter().all(u8::is_ascii_whitespace) {
        out.errors.push(RowError { line: 1, message: "the file is empty".to_owned() });
        return out;
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let columns: Vec<String> = match reader.byte_headers() {
        Ok(h) => h.iter().map(|c| String::from_utf8_lossy(c).trim().to_lowercase()).collect(),
        Err(e) => {
            out.errors.push(RowError { line: 1, message: format!("the header cannot be read: {e}") });
            return out;
        }
    };
    let missing: Vec<&str> = required.iter().copied().filter(|r| !columns.iter().any(|c| c == r)).collect();
    if !missing.is_empty() {
        let message = format!("the header lacks the column(s) {}", missing.join(", "));
        out.errors.push(RowError { line: 1, message });
        return out;
    }
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, csv::Position::line);
                if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                    continue;
                }
                let values: Result<Vec<String>, _> = record.iter().map(|f| std::str::from_utf8(f).map(str::to_owned)).collect();
                let result = match values {
                    Ok(values) => make(&Row { columns: &columns, values }),
                    Err(_) => Err("the row is not valid UTF-8 text".to_owned()),
                };
                match result {
                    Ok(row) => out.rows.push((line, row)),
                    Err(message) => out.errors.push(RowError { line, message }),
                }
            }
            Err(e) => {
                let line = e.position().map_or(line, csv::Position::line);
                out.errors.push(RowError { line, message: format!("the row cannot be read: {e}") });
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
    out
}

/// Reads customers.csv: `account_ref,name,emails,status,notes`.
pub fn parse_customers(input: &[u8]) -> Imported<NewCustomer> {
    read(input, &["account_ref", "name"], |row| {
        let account_ref = required(row, "account_ref")?;
        let name = required(row, "name")?;
        let emails: Vec<String> = row.get("emails").split(|c: char| c == ';' || c == ',' || c.is_whitespace()).filter(|e| !e.is_empty()).map(str::to_owned).collect();
        if let Some(bad) = emails.iter().find(|e| !looks_like_address(e)) {
            return Err(format!("{bad:?} is not an e-mail address"));
        }
        let status = match row.get("status").to_lowercase().as_str() {
            "" => CustomerStatus::Active,
            s => CustomerStatus::from_code(s)
                .ok_or_else(|| format!("status {s:?} is not one of active, suspended, terminated"))?,
        };
        Ok(NewCustomer { account_ref, name, emails, status, notes: row.get("notes").to_owned() })
    })
}

/// Reads assignments.csv: `account_ref,kind,network,port_from,port_to,valid_from,valid_to`.
pub fn parse_assignments(input: &[u8]) -> Imported<NewAssignment> {
    read(input, &["account_ref", "kind", "network", "valid_from"], |row| {
        let account_ref = required(row, "account_ref")?;
        let network = required(row, "network")?;
        let ports = (row.get("port_from"), row.get("port_to"));
        let kind = match row.get("kind").to_lowercase().as_str() {
            "static" => {
                no_ports(ports, "static")?;
                AssignmentKind::Static(block(&network)?)
            }
            "lease" => {
                no_ports(ports, "lease")?;
                AssignmentKind::Lease(address(&network)?)
            }
            "cgnat" => {
                let port = |p: &str, which: &str| {
                    p.parse::<u16>().ok().filter(|p| *p >= 1).ok_or_else(|| format!("a CGNAT row needs {which} from 1 to 65535"))
                };
                let (from, to) = (port(ports.0, "port_from")?, port(ports.1, "port_to")?);
                if from > to {
                    return Err(format!("port_from {from} is after port_to {to}"));
                }
                AssignmentKind::Cgnat { ip: address(&network)?, ports: (from, to) }
            }
            other => return Err(format!("kind {other:?} is not one of static, lease, cgnat")),
        };
        let valid_from = instant(row.get("valid_from"), "valid_from")?;
        let valid_to = match row.get("valid_to") {
            "" => None,
            t => Some(instant(t, "valid_to")?),
        };
        if valid_to.is_some_and(|to| to <= valid_from) {
            return Err("valid_to must be after valid_from".to_owned());
        }
        Ok(NewAssignment { account_ref, kind, valid_from, valid_to })
    })
}

fn required(row: &Row<'_>, name: &str) -> Result<String, String> {
    match row.get(name) {
        "" => Err(format!("{name} is empty")),
        v => Ok(v.to_owned()),
    }
}

fn looks_like_address(e: &str) -> bool {
    matches!(e.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@'))
}

fn no_ports(ports: (&str, &str), kind: &str) -> Result<(), String> {
    if ports.0.is_empty() && ports.1.is_empty() {
        Ok(())
    } else {
        Err(format!("a {kind} row has no ports (they are for cgnat rows)"))
    }
}

fn address(text: &str) -> Result<IpAddr, String> {
    text.parse::<IpAddr>().map(|ip| ip.to_canonical()).map_err(|_| format!("{text:?} is not an IP address"))
}

fn block(text: &str) -> Result<IpNet, String> {
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Ok(IpNet::from(ip.to_canonical()));
    }
    let net: IpNet = text.parse().map_err(|_| format!("{text:?} is not a network (CIDR) or an address"))?;
    if net.trunc() != net {
        return Err(format!("{net} has host bits set; did you mean {}?", net.trunc()));
    }
    Ok(net)
}

fn instant(text: &str, name: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc()))
        .map_err(|_| format!("{name} {text:?} is not a date (YYYY-MM-DD) or an RFC 3339 time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_with_errors_by_line_including_after_a_multi_line_field() {
        let file = b"Account_Ref, Name ,emails,status,notes\n\
                     C-1,One,a@x.example; b@x.example,,\"first line\nsecond line\"\n\
                     C-2,Two,not-an-address,active,\n\
                     C-3,Three,,closed,\n\
                     ,Nameless,,,\n\
                     C-5,Five,,Suspended,\n";
        let got = parse_customers(file);
        let refs: Vec<(u64, &str)> = got.rows.iter().map(|(l, c)| (*l, c.account_ref.as_str())).collect();
        assert_eq!(refs, [(2, "C-1"), (7, "C-5")]);
        assert_eq!(got.rows[0].1.emails, ["a@x.example", "b@x.example"]);
        assert_eq!(got.rows[0].1.notes, "first line\nsecond line");
        assert_eq!(got.rows[1].1.status, CustomerStatus::Suspended);
        let lines: Vec<u64> = got.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [4, 5, 6]);
        assert!(got.errors[1].message.contains("active, suspended, terminated"));
    }

    #[test]
    fn a_missing_column_or_an_empty_file_is_one_error_on_line_1() {
        let got = parse_customers(b"account_ref,notes\nC-1,x\n");
        assert!(got.rows.is_empty());
        assert_eq!(got.errors, [RowError { line: 1, message: "the header lacks the column(s) name".to_owned() }]);
        assert_eq!(parse_assignments(b"").errors[0].message, "the file is empty");
    }

    #[test]
    fn assignments_of_every_kind_and_their_mistakes() {
        let file = b"account_ref,kind,network,port_from,port_to,valid_from,valid_to\n\
                     A,static,192.0.2.8/29,,,2026-01-01,\n\
                     A,static,192.0.2.9/29,,,2026-01-01,\n\
                     B,lease,2001:db8::7,,,2026-11-24T10:00:00Z,2026-11-24T12:00:00+01:00\n\
                     C,cgnat,203.0.113.1,1024,2047,2026-01-01,\n\
                     C,cgnat,203.0.113.1,,,2026-01-01,\n\
                     D,lease,192.0.2.1,,,2026-02-01,2026-01-01\n\
                     E,static,192.0.2.1,80,80,2026-01-01,\n\
                     F,vpn,192.0.2.1,,,2026-01-01,\n\
                     G,static,192.0.2.0/24,,,yesterday,\n\
                     H,static,\xff,,,2026-01-01,\n";
        let got = parse_assignments(file);
        let lines: Vec<u64> = got.rows.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 4, 5]);
        assert_eq!(got.rows[0].1.kind, AssignmentKind::Static("192.0.2.8/29".parse().unwrap()));
        assert_eq!(got.rows[1].1.valid_to, Some("2026-11-24T11:00:00Z".parse().unwrap()));
        assert_eq!(got.rows[2].1.kind, AssignmentKind::Cgnat { ip: "203.0.113.1".parse().unwrap(), ports: (1024, 2047) });
        let errors: Vec<(u64, &str)> = got.errors.iter().map(|e| (e.line, e.message.as_str())).collect();
        assert_eq!(errors.len(), 7, "{errors:?}");
        assert_eq!(errors[0], (3, "192.0.2.9/29 has host bits set; did you mean 192.0.2.8/29?"));
        assert_eq!(errors.last().map(|e| e.0), Some(11));
    }
}

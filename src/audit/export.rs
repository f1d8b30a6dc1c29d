//! The audit log as CSV or JSON lines, for the admin's export and `abusedesk audit export`.

use std::io::Write;

use super::chain::AuditEntry;

/// Writes `entries` as CSV with a header row; every field, hashes included, so the export can be verified.
///
/// # Errors
/// Write errors.
pub fn write_csv<W: Write>(entries: &[AuditEntry], out: W) -> Result<(), csv::Error> {
    let mut out = csv::Writer::from_writer(out);
    out.write_record(["seq", "at", "actor", "action", "subject", "detail", "prev_hash", "hash"])?;
    for e in entries {
        let (seq, at) = (e.seq.to_string(), e.at.to_rfc3339());
        out.write_record([&seq, &at, &e.actor, &e.action, &e.subject, &e.detail, &e.prev_hash, &e.hash])?;
    }
    out.flush()?;
    Ok(())
}

/// Writes `entries` as one JSON object per line.
///
/// # Errors
/// Write errors.
pub fn write_json_lines<W: Write>(entries: &[AuditEntry], mut out: W) -> std::io::Result<()> {
    for e in entries {
        serde_json::to_writer(&mut out, e)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

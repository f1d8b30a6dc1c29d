//! ZIP attachments (Shadowserver CSVs, DMARC XML, zipped tables), unzipped once per message and within
//! the parse budget.
//!
//! A ZIP's declared sizes are the sender's word, so they are only used to refuse early: an archive whose
//! directory names more entries than the budget is refused before the directory is read into memory, an
//! entry declared too large or too compressed before a byte is inflated, and every entry is then read
//! through a reader that stops one byte past what the budget still allows, whatever it declared. Crossing
//! a limit stops the unzipping and marks the message over budget (see `budget`).

use std::io::{Cursor, Read};

use super::budget::{Meter, OverBudget, RATIO_FLOOR};
use super::mime::Mail;

/// The local file header signature every ZIP starts with.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// The end-of-central-directory record's signature; it is at least 22 bytes long and ends the archive,
/// followed only by a comment of at most 65,535 bytes.
const END_MAGIC: &[u8] = b"PK\x05\x06";
const END_LEN: usize = 22;

/// One file of an archive.
pub(crate) struct Entry {
    pub name: String,
    pub data: Vec<u8>,
}

/// What one attachment held: its entries, and what a human should know (unreadable or encrypted entries).
#[derive(Default)]
pub(crate) struct Archive {
    pub entries: Vec<Entry>,
    pub warnings: Vec<String>,
}

/// Whether `bytes` are a ZIP archive.
pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC)
}

/// One [`Archive`] per leaf of `mail`, in leaf order (empty for leaves that are no ZIP), unzipped on first
/// use and shared by every format parser, so the budget counts each byte once.
pub(crate) fn archives<'m>(mail: &'m Mail<'_>) -> &'m [Archive] {
    mail.archives.get_or_init(|| {
        mail.leaves
            .iter()
            .map(|leaf| match leaf.bytes() {
                Some(bytes) if is_zip(bytes) && !mail.meter.is_over() => unzip(bytes, &mail.meter),
                _ => Archive::default(),
            })
            .collect()
    })
}

/// The entry count the archive's end record declares: read before the zip crate loads the central
/// directory, which costs memory for every entry it lists.
fn declared_entries(bytes: &[u8]) -> Option<usize> {
    let search_from = bytes.len().saturating_sub(END_LEN + usize::from(u16::MAX));
    let tail = bytes.get(search_from..)?;
    let at = tail.windows(END_MAGIC.len()).rposition(|w| w == END_MAGIC)?;
    let count = tail.get(at + 10..at + 12)?;
    Some(usize::from(u16::from_le_bytes([*count.first()?, *count.get(1)?])))
}

fn unzip(bytes: &[u8], meter: &Meter) -> Archive {
    let budget = *meter.budget();
    let mut out = Archive::default();
    if declared_entries(bytes).is_some_and(|n| n > budget.zip_entries) {
        meter.trip(OverBudget::ZipEntries(budget.zip_entries));
        return out;
    }
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            out.warnings.push(format!("unreadable ZIP attachment: {e}"));
            return out;
        }
    };
    if archive.len() > budget.zip_entries {
        meter.trip(OverBudget::ZipEntries(budget.zip_entries));
        return out;
    }
    for i in 0..archive.len() {
        if meter.is_over() {
            break;
        }
        match archive.by_index(i) {
            Ok(file) if file.is_dir() => {}
            Ok(file) => {
                let name = file.name().map_or_else(|_| format!("entry {i}"), |n| n.into_owned());
                let compressed = file.compressed_size().max(1);
                let declared = file.size();
                if declared > budget.zip_entry_bytes {
                    return over(meter, &mut out, OverBudget::ZipEntryBytes(budget.zip_entry_bytes));
                }
                if too_compressed(declared, compressed, budget.zip_ratio) {
                    return over(meter, &mut out, OverBudget::ZipRatio(budget.zip_ratio));
                }
                let left = budget.zip_total_bytes.saturating_sub(meter.unzipped());
                let allowed = budget.zip_entry_bytes.min(left);
                let mut data = Vec::new();
                match file.take(allowed.saturating_add(1)).read_to_end(&mut data) {
                    Ok(read) => {
                        let read = read as u64;
                        meter.add_unzipped(read);
                        if read > allowed {
                            let why = if allowed < budget.zip_entry_bytes {
                                OverBudget::ZipTotalBytes(budget.zip_total_bytes)
                            } else {
                                OverBudget::ZipEntryBytes(budget.zip_entry_bytes)
                            };
                            return over(meter, &mut out, why);
                        }
                        if too_compressed(read, compressed, budget.zip_ratio) {
                            return over(meter, &mut out, OverBudget::ZipRatio(budget.zip_ratio));
                        }
                        out.entries.push(Entry { name, data });
                    }
                    Err(e) => out.warnings.push(format!("{name}: unreadable ZIP entry: {e}")),
                }
            }
            Err(zip::result::ZipError::UnsupportedArchive(msg)) if msg == zip::result::ZipError::PASSWORD_REQUIRED => {
                out.warnings.push("password-protected ZIP attachment kept for manual review".to_owned());
            }
            Err(e) => out.warnings.push(format!("unreadable ZIP entry: {e}")),
        }
    }
    out
}

fn too_compressed(uncompressed: u64, compressed: u64, ratio: u64) -> bool {
    uncompressed > RATIO_FLOOR && uncompressed / compressed.max(1) > ratio
}

/// Stops unzipping: what was read is dropped, the message is over budget.
fn over(meter: &Meter, out: &mut Archive, why: OverBudget) -> Archive {
    meter.trip(why);
    out.entries.clear();
    std::mem::take(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_record_gives_the_entry_count() {
        let mut bytes = b"PK\x03\x04 local entries ... ".to_vec();
        bytes.extend_from_slice(b"PK\x05\x06\0\0\0\0\x07\0\x07\0\0\0\0\0\0\0\0\0\x03\0abc");
        assert_eq!(declared_entries(&bytes), Some(7));
        assert_eq!(declared_entries(b"PK\x03\x04 no end record"), None);
    }

    #[test]
    fn small_entries_are_never_too_compressed() {
        assert!(!too_compressed(RATIO_FLOOR, 1, 200));
        assert!(too_compressed(RATIO_FLOOR + 1, 1, 200));
        assert!(!too_compressed(100 * RATIO_FLOOR, RATIO_FLOOR, 200));
    }
}

//! The parse budget: how much memory and time one message may cost, whatever it contains.
//!
//! Every message is stored before it is parsed, and a parse that exhausts memory kills the process that
//! runs it: the MTA pipe (which then retries forever), `reparse --pending`, or `serve` itself. So parsing
//! is bounded, not trusted: the parsers stop as soon as a limit is crossed (a ZIP entry is read through a
//! bounded reader, rows stop being turned into reports past the count), and the message is then marked
//! with [`ParseError::OverBudget`](super::ParseError::OverBudget) and the limit it crossed, exactly as a
//! too-deeply-nested message is: stored, shown to staff with the reason, never parsed again by itself.
//!
//! The numbers live in [`Budget`] and nowhere else. The wall-time limit is cooperative: it is checked
//! between format parsers and on every row of the loops that scale with input (CSV and table rows, ZIP
//! entries), not by interrupting a parser.

use std::cell::Cell;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

const KIB: usize = 1024;
const MIB: u64 = 1024 * 1024;

/// The limits one message's parse stays within. [`Budget::DEFAULT`] is what every channel uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Reports (and table rows read) per message: 10,000. The largest real feeds in the samples carry a few
    /// hundred rows per recipient; 10,000 reports of at most [`Budget::row_evidence_bytes`] each stay
    /// around 50 MB in memory, and storing them is one batch the database handles in seconds.
    pub reports: usize,
    /// Evidence kept per report: 64 KiB, enough for an original message's headers and readable body.
    pub evidence_bytes: usize,
    /// Evidence of one CSV or table row (its header line and the row): 4 KiB. A real feed row with its
    /// header is one or two KiB; the header is cut, never copied whole, because a 64 KiB header repeated
    /// into a million rows' evidence was the first way one message exhausted memory.
    pub row_evidence_bytes: usize,
    /// MIME parts per message: 1,000. Real reports have a handful, a bulk digest a few hundred; mail-parser
    /// keeps a structure per part, so 25 MiB of tiny parts would cost far more memory than its bytes.
    pub mime_parts: usize,
    /// Entries per ZIP attachment: 100. Feeds zip one CSV (DMARC one XML); the archive's directory is
    /// read before any entry, so the count is checked first.
    pub zip_entries: usize,
    /// Uncompressed bytes per ZIP entry: 32 MiB, far above the largest daily feed file, and read through a
    /// reader that stops one byte past it whatever the entry declares.
    pub zip_entry_bytes: u64,
    /// Uncompressed bytes of all ZIP entries of one message together: 64 MiB, so that many entries just
    /// under the entry limit cannot add up.
    pub zip_total_bytes: u64,
    /// Compression ratio of a ZIP entry (uncompressed to compressed) once it is larger than
    /// [`RATIO_FLOOR`]: 200:1. CSV and XML compress 5–30:1; deflate's ceiling is about 1,000:1, which only
    /// long runs of one byte (a zip bomb) reach.
    pub zip_ratio: u64,
    /// Time one message may take: 20 seconds. The slowest real sample parses in about 130 ms on the test
    /// machine; 150 times that is only reached by pathological input, and is still well inside an MTA's
    /// pipe timeout, so the MTA never retries a message because its parse was slow.
    pub wall_time: Duration,
}

/// Entries smaller than this are never refused for their compression ratio: a small file that compresses
/// very well (a short, repetitive CSV) costs nothing, and only large expansions matter.
pub const RATIO_FLOOR: u64 = MIB;

impl Budget {
    /// The limits every channel uses; each is explained on its field.
    pub const DEFAULT: Budget = Budget {
        reports: 10_000,
        evidence_bytes: 64 * KIB,
        row_evidence_bytes: 4 * KIB,
        mime_parts: 1_000,
        zip_entries: 100,
        zip_entry_bytes: 32 * MIB,
        zip_total_bytes: 64 * MIB,
        zip_ratio: 200,
        wall_time: Duration::from_secs(20),
    };
}

impl Default for Budget {
    fn default() -> Self {
        Budget::DEFAULT
    }
}

/// The limit a message crossed, with the limit's value. Stored as the parse detail staff read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverBudget {
    /// More reports, or rows of one table, than [`Budget::reports`].
    #[error("more than {0} reports or table rows")]
    Reports(usize),
    /// More MIME parts than [`Budget::mime_parts`].
    #[error("more than {0} MIME parts")]
    MimeParts(usize),
    /// A ZIP attachment with more entries than [`Budget::zip_entries`].
    #[error("a ZIP attachment with more than {0} entries")]
    ZipEntries(usize),
    /// A ZIP entry larger than [`Budget::zip_entry_bytes`] uncompressed.
    #[error("a ZIP entry larger than {0} bytes uncompressed")]
    ZipEntryBytes(u64),
    /// ZIP entries larger than [`Budget::zip_total_bytes`] uncompressed in all.
    #[error("ZIP entries larger than {0} bytes uncompressed in all")]
    ZipTotalBytes(u64),
    /// A ZIP entry compressed more than [`Budget::zip_ratio`] to one (a zip bomb).
    #[error("a ZIP entry compressed more than {0}:1 (a zip bomb)")]
    ZipRatio(u64),
    /// Parsing took longer than [`Budget::wall_time`] (in seconds).
    #[error("parsing took longer than {0} seconds")]
    WallTime(u64),
}

/// What one message's parse has spent so far. The first limit crossed is kept; after that every check
/// says "over" so the parsers stop.
pub(crate) struct Meter {
    budget: Budget,
    started: Instant,
    unzipped: Cell<u64>,
    exceeded: Cell<Option<OverBudget>>,
}

impl Meter {
    pub fn new(budget: Budget) -> Self {
        Meter { budget, started: Instant::now(), unzipped: Cell::new(0), exceeded: Cell::new(None) }
    }

    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// Records that `why` was crossed, unless an earlier limit already was.
    pub fn trip(&self, why: OverBudget) {
        if self.exceeded.get().is_none() {
            self.exceeded.set(Some(why));
        }
    }

    /// The limit crossed, if any (checking the clock first).
    pub fn exceeded(&self) -> Option<OverBudget> {
        if self.exceeded.get().is_none() && self.started.elapsed() > self.budget.wall_time {
            self.trip(OverBudget::WallTime(self.budget.wall_time.as_secs()));
        }
        self.exceeded.get()
    }

    /// Whether the parse must stop.
    pub fn is_over(&self) -> bool {
        self.exceeded().is_some()
    }

    /// Whether `reports` already fill the report budget; trips it when they do, so the caller stops
    /// before building one more.
    pub fn reports_full(&self, reports: usize) -> bool {
        if reports >= self.budget.reports {
            self.trip(OverBudget::Reports(self.budget.reports));
        }
        self.is_over()
    }

    /// Uncompressed ZIP bytes read so far in this message.
    pub fn unzipped(&self) -> u64 {
        self.unzipped.get()
    }

    /// Counts `bytes` more uncompressed ZIP bytes.
    pub fn add_unzipped(&self, bytes: u64) {
        self.unzipped.set(self.unzipped.get().saturating_add(bytes));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_limit_crossed_is_the_one_kept() {
        let meter = Meter::new(Budget { reports: 2, ..Budget::DEFAULT });
        assert!(!meter.reports_full(1));
        assert!(meter.reports_full(2));
        meter.trip(OverBudget::MimeParts(1));
        assert_eq!(meter.exceeded(), Some(OverBudget::Reports(2)));
    }

    #[test]
    fn the_clock_is_a_limit_too() {
        let meter = Meter::new(Budget { wall_time: Duration::ZERO, ..Budget::DEFAULT });
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(meter.exceeded(), Some(OverBudget::WallTime(0)));
    }
}

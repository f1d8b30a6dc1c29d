//! Cases as the triage dashboard shows them: reports about one address of one customer, of one type and
//! role, with honest counts (received vs unique, and why they differ), a status and an assignee; and the
//! filters, sort orders and pages of the triage queue, which live in the URL so a view can be shared.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::customer::CustomerBrief;

/// Where a case stands. A closed case reopens (back to `New`) when a new report arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    New,
    Investigating,
    AwaitingCustomer,
    Decided,
    Closed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 5] = [
        CaseStatus::New,
        CaseStatus::Investigating,
        CaseStatus::AwaitingCustomer,
        CaseStatus::Decided,
        CaseStatus::Closed,
    ];

    /// The stored and URL name.
    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::Investigating => "investigating",
            CaseStatus::AwaitingCustomer => "awaiting_customer",
            CaseStatus::Decided => "decided",
            CaseStatus::Closed => "closed",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::Investigating => "investigating",
            CaseStatus::AwaitingCustomer => "awaiting customer",
            CaseStatus::Decided => "decided",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// The columns the queue can be sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseSort {
    Unique,
    Received,
    Reporters,
    FirstSeen,
    LastSeen,
    Last24h,
    Last7d,
    Customer,
    Ip,
    Type,
    Status,
    Assignee,
}

impl CaseSort {
    pub const ALL: [CaseSort; 12] = [
        CaseSort::Unique,
        CaseSort::Received,
        CaseSort::Reporters,
        CaseSort::FirstSeen,
        CaseSort::LastSeen,
        CaseSort::Last24h,
        CaseSort::Last7d,
        CaseSort::Customer,
        CaseSort::Ip,
        CaseSort::Type,
        CaseSort::Status,
        CaseSort::Assignee,
    ];

    /// The URL name.
    pub fn code(self) -> &'static str {
        match self {
            CaseSort::Unique => "unique",
            CaseSort::Received => "received",
            CaseSort::Reporters => "reporters",
            CaseSort::FirstSeen => "first_seen",
            CaseSort::LastSeen => "last_seen",
            CaseSort::Last24h => "last_24h",
            CaseSort::Last7d => "last_7d",
            CaseSort::Customer => "customer",
            CaseSort::Ip => "ip",
            CaseSort::Type => "type",
            CaseSort::Status => "status",
            CaseSort::Assignee => "assignee",
        }
    }

    pub fn parse(code: &str) -> Option<CaseSort> {
        CaseSort::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Numbers and times read best largest / newest first; names alphabetically.
    pub fn descending_by_default(self) -> bool {
        !matches!(self, CaseSort::Customer | CaseSort::Ip | CaseSort::Type | CaseSort::Status | CaseSort::Assignee)
    }
}

/// A complaint-rate line of a report type's threshold: at or over `Warn` a case is flagged, at or over
/// `Block` the desk would propose a block (a person still decides).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateLine {
    Warn,
    Block,
}

impl RateLine {
    /// The URL name, also the queue's flag.
    pub fn code(self) -> &'static str {
        match self {
            RateLine::Warn => "warn",
            RateLine::Block => "block",
        }
    }

    pub fn parse(code: &str) -> Option<RateLine> {
        [RateLine::Warn, RateLine::Block].into_iter().find(|l| l.code() == code)
    }
}

/// Rows per page of the triage queue.
pub const CASE_PAGE_SIZE: i64 = 50;

/// Where a page of the queue starts, so a deep page is read from an index at its place instead of
/// skipping the rows before it: just after (`after=ID~KEY`) or, going back, just before (`before=ID~KEY`)
/// the case `id` whose value under the view's sort was `key`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageCursor {
    pub id: i64,
    pub key: String,
    pub backward: bool,
}

impl PageCursor {
    /// The longest key read from a URL: a sort value is a count, an instant or a short text.
    const MAX_KEY: usize = 512;

    /// Reads `ID~KEY`; `None` when malformed or over the budget, so a damaged link opens the first page.
    pub fn parse(value: &str, backward: bool) -> Option<PageCursor> {
        let (id, key) = value.split_once('~')?;
        let id = id.trim().parse::<i64>().ok()?;
        (key.len() <= Self::MAX_KEY).then(|| PageCursor { id, key: key.to_owned(), backward })
    }

    /// The query pair that gives this cursor back.
    pub fn pair(&self) -> (&'static str, String) {
        (if self.backward { "before" } else { "after" }, format!("{}~{}", self.id, self.key))
    }
}

/// A view of the triage queue: every filter, the sort and the page. Parsed from and written to a URL query,
/// so the same view can be bookmarked, shared, fetched as JSON (`/api/v1/cases?…`) or exported as CSV.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFilter {
    pub report_type: Option<String>,
    pub status: Option<CaseStatus>,
    /// Only cases not closed (the default view); ignored when `status` is set.
    pub open_only: bool,
    pub reporter: Option<String>,
    /// A customer's account reference.
    pub customer: Option<String>,
    pub assignee: Option<String>,
    /// Cases with a report last seen on or after this day, and first seen on or before `to`.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// An IP, a CIDR block, a customer reference or name, or a reporter's reference (a SpamCop id).
    pub q: Option<String>,
    /// Only cases a new report reopened after they were closed (`reopened=1`).
    pub reopened: bool,
    /// Only cases with a customer's dispute or appeal waiting for the desk's reply (`disputed=1`).
    pub disputed: bool,
    /// Only cases awaiting the customer for more than this many days (`waiting=N`), counted from the
    /// status change; the front page links here so "awaiting too long" is a list, not a guess.
    pub waiting_days: Option<i64>,
    /// Only cases with a decision in force (not a pending or refused proposal) made on or after this day
    /// (`decided_since=YYYY-MM-DD`), of kind `decision` when given (`decision=warning`).
    pub decided_since: Option<NaiveDate>,
    pub decision: Option<String>,
    /// Only cases whose trend is rising (`trend=rising`), as the queue's trend column says: unique
    /// complaints of the last 7 days against the 7 before (`triage::rates::trend`).
    pub rising: bool,
    /// Only cases at or over a complaint-rate line of their report type over the last 7 days
    /// (`rate=warn`: every flagged case; `rate=block`: those at or over the block line), as the queue's
    /// flag column says.
    pub rate: Option<RateLine>,
    /// Only cases nobody has opened an investigation of (`investigation=none`).
    pub uninvestigated: bool,
    pub sort: Option<CaseSort>,
    pub descending: Option<bool>,
    /// The page's number, counted from 0: what the page says ("cases 51–100"), and where it starts when
    /// no `cursor` is given (an old link).
    pub page: i64,
    /// Where the page starts (`after=` / `before=`).
    pub cursor: Option<PageCursor>,
}

impl CaseFilter {
    /// Reads `type, status, reporter, customer, assignee, from, to, q, reopened, disputed, waiting,
    /// decided_since, decision, trend, rate, investigation, sort, dir, page, after, before` from query pairs;
    /// unknown or malformed values are ignored rather than refused, so an old link still opens.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> CaseFilter {
        let mut f = CaseFilter { open_only: true, ..CaseFilter::default() };
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        for (key, value) in pairs {
            match key {
                "type" => f.report_type = text(value),
                "status" if value == "all" => f.open_only = false,
                "status" => f.status = CaseStatus::parse(value.trim()),
                "reporter" => f.reporter = text(value),
                "customer" => f.customer = text(value),
                "assignee" => f.assignee = text(value),
                "from" => f.from = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok(),
                "to" => f.to = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok(),
                "q" => f.q = text(value),
                "reopened" => f.reopened = value.trim() == "1",
                "disputed" => f.disputed = value.trim() == "1",
                "decided_since" => f.decided_since = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok(),
                "decision" => f.decision = text(value),
                "trend" => f.rising = value.trim() == "rising",
                "rate" => f.rate = RateLine::parse(value.trim()),
                "investigation" => f.uninvestigated = value.trim() == "none",
                "waiting" => f.waiting_days = value.trim().parse::<i64>().ok().map(|d| d.clamp(0, 3_650)),
                "sort" => f.sort = CaseSort::parse(value.trim()),
                "dir" => f.descending = Some(value.trim() != "asc"),
                "page" => f.page = value.trim().parse::<i64>().unwrap_or(0).clamp(0, 1_000_000),
                "after" => f.cursor = PageCursor::parse(value, false),
                "before" => f.cursor = PageCursor::parse(value, true),
                _ => {}
            }
        }
        f
    }

    /// The sort in effect (unique complaints, largest first, unless chosen).
    pub fn sort_or_default(&self) -> (CaseSort, bool) {
        let sort = self.sort.unwrap_or(CaseSort::Unique);
        (sort, self.descending.unwrap_or(sort.descending_by_default()))
    }

    /// The query pairs that give this view back (without the page and its cursor when `page` is `None`).
    pub fn to_pairs(&self, page: Option<i64>) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                pairs.push((k, v));
            }
        };
        push("type", self.report_type.clone());
        push(
            "status",
            match (self.status, self.open_only) {
                (Some(s), _) => Some(s.code().to_owned()),
                (None, false) => Some("all".to_owned()),
                (None, true) => None,
            },
        );
        push("reporter", self.reporter.clone());
        push("customer", self.customer.clone());
        push("assignee", self.assignee.clone());
        push("from", self.from.map(|d| d.to_string()));
        push("to", self.to.map(|d| d.to_string()));
        push("q", self.q.clone());
        push("reopened", self.reopened.then(|| "1".to_owned()));
        push("disputed", self.disputed.then(|| "1".to_owned()));
        push("waiting", self.waiting_days.map(|d| d.to_string()));
        push("decided_since", self.decided_since.map(|d| d.to_string()));
        push("decision", self.decision.clone());
        push("trend", self.rising.then(|| "rising".to_owned()));
        push("rate", self.rate.map(|l| l.code().to_owned()));
        push("investigation", self.uninvestigated.then(|| "none".to_owned()));
        push("sort", self.sort.map(|s| s.code().to_owned()));
        push("dir", self.descending.map(|d| if d { "desc" } else { "asc" }.to_owned()));
        push("page", page.filter(|p| *p > 0).map(|p| p.to_string()));
        if let Some((key, value)) = self.cursor.as_ref().filter(|_| page.is_some_and(|p| p > 0)).map(PageCursor::pair) {
            pairs.push((key, value));
        }
        pairs
    }
}

/// One row of the triage queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseRow {
    pub case_id: i64,
    pub customer: Option<CustomerBrief>,
    pub source_ip: String,
    pub report_type: String,
    /// source, relay, spamvertised_host, spamtrap_hit or unknown: counts never mix roles.
    pub role: String,
    pub status: CaseStatus,
    pub assignee: Option<String>,
    pub unique_complaints: i64,
    pub received: i64,
    pub reporters: i64,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    pub last_24h: i64,
    pub last_7d: i64,
    /// rising, falling or steady: unique complaints of the last 7 days against the 7 before.
    pub trend: String,
    /// Unique complaints per 1,000 messages over the last 7 days, where sending volume is known.
    pub rate_per_thousand: Option<f64>,
    /// warn or block when the rate is at or over the report type's threshold.
    pub flag: Option<String>,
    /// The customer's open disputes and appeals of the case, waiting for the desk.
    pub open_disputes: i64,
}

/// A page of the queue and how many cases match in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CasePage {
    pub total: i64,
    pub rows: Vec<CaseRow>,
    /// Where the next page starts (after the last row), when this page is full.
    pub next: Option<PageCursor>,
    /// Where the previous page ends (before the first row).
    pub previous: Option<PageCursor>,
}

/// The arithmetic of a case: `received = unique + same_bytes + mailbox_copies + other_role + re_reports`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseCounts {
    pub received: i64,
    pub stored_reports: i64,
    pub unique_complaints: i64,
    pub complainants: i64,
    pub reporters: i64,
    pub same_bytes: i64,
    pub mailbox_copies: i64,
    pub other_role: i64,
    pub re_reports: i64,
}

/// One original message that several complainants reported: a campaign, not duplicates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignView {
    /// The original's Message-ID or content fingerprint.
    pub key: String,
    pub complaints: i64,
    pub complainants: i64,
}

/// A status or assignee change of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEventView {
    pub kind: String,
    pub detail: String,
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// One report of a case, with its place in the arithmetic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseReportView {
    pub report_id: i64,
    pub message_id: i64,
    pub reporter: String,
    pub reporter_ref: Option<String>,
    /// The incident time, or the first arrival when the report gave none.
    pub at: DateTime<Utc>,
    /// How many times the message's bytes arrived.
    pub arrivals: i64,
    /// Counts as a unique complaint in this case.
    pub unique: bool,
    pub duplicate_of: Option<i64>,
    /// Why it is not a new complaint, in words.
    pub duplicate_reason: Option<String>,
}

/// Everything the case page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub row: CaseRow,
    pub counts: CaseCounts,
    /// The arithmetic in one sentence: "12 reports received = 5 unique complaints from 5 complainants; …".
    pub explanation: String,
    pub campaigns: Vec<CampaignView>,
    /// hour, day or week.
    pub granularity: String,
    /// The complaint chart (server-rendered SVG markup, no script).
    pub chart_svg: String,
    pub reports: Vec<CaseReportView>,
    pub events: Vec<CaseEventView>,
    /// The threshold in force for the case's report type, per thousand messages.
    pub warn_per_thousand: f64,
    pub block_per_thousand: f64,
}

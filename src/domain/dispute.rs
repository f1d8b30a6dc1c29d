//! Disputes and appeals: their statuses, the attachment rules, the appeal window and who may answer an
//! appeal, and the views the desk and the customer read. Pure: no I/O.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::decision::DecisionKind;

/// Where a dispute stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    /// Waiting for the desk.
    Open,
    /// The desk replied; the customer may write again, which opens it again.
    Answered,
    /// The desk agrees with the customer.
    Accepted,
    /// The desk keeps its position.
    Rejected,
}

impl DisputeStatus {
    pub const ALL: [DisputeStatus; 4] =
        [DisputeStatus::Open, DisputeStatus::Answered, DisputeStatus::Accepted, DisputeStatus::Rejected];

    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            DisputeStatus::Open => "open",
            DisputeStatus::Answered => "answered",
            DisputeStatus::Accepted => "accepted",
            DisputeStatus::Rejected => "rejected",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            DisputeStatus::Open => "Open",
            DisputeStatus::Answered => "Answered",
            DisputeStatus::Accepted => "Accepted",
            DisputeStatus::Rejected => "Rejected",
        }
    }

    pub fn parse(code: &str) -> Option<DisputeStatus> {
        DisputeStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Accepted and rejected disputes are settled: nobody writes in them any more.
    pub fn is_settled(self) -> bool {
        matches!(self, DisputeStatus::Accepted | DisputeStatus::Rejected)
    }
}

/// The largest attachment a customer may add to a dispute.
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;

/// The longest dispute text or reply, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// How many days an appeal stays open after a decision takes effect, unless the desk configures another.
pub const DEFAULT_APPEAL_DAYS: i64 = 14;

/// Why a dispute, reply, attachment or appeal is refused. The messages are safe to show the person.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DisputeRefusal {
    #[error("write your answer first")]
    Empty,
    #[error("the text is too long: at most {MAX_TEXT_CHARS} characters")]
    TooLong,
    #[error("attachments may be at most {} MiB", MAX_ATTACHMENT_BYTES / 1024 / 1024)]
    AttachmentTooLarge,
    #[error("attach a PDF, PNG or JPEG image, plain text, CSV or an .eml message; the file's content must match its name")]
    AttachmentType,
    #[error("this dispute is settled; open a new one if something changed")]
    Settled,
    #[error("only restrictions, suspensions and terminations in force can be appealed")]
    NotAppealable,
    #[error("the appeal period for this decision ended on {0}")]
    AppealClosed(String),
    #[error("this decision already has an open appeal")]
    AppealPending,
    #[error("an appeal is answered by a manager who did not take or approve the decision")]
    AppealReviewer,
    /// Staff text for the customer that names one of the case's complainants (the reason says which kind).
    #[error("{0}")]
    NamesComplainant(String),
}

/// The content type of an acceptable attachment, checked by the file name's extension and by the content
/// itself, so a renamed executable or HTML page is refused.
///
/// # Errors
/// [`DisputeRefusal::AttachmentTooLarge`] or [`DisputeRefusal::AttachmentType`].
pub fn attachment_type(file_name: &str, content: &[u8]) -> Result<&'static str, DisputeRefusal> {
    if content.len() > MAX_ATTACHMENT_BYTES {
        return Err(DisputeRefusal::AttachmentTooLarge);
    }
    let extension = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let is_text = || !content.is_empty() && !content.contains(&0) && std::str::from_utf8(content).is_ok();
    let found = match extension.as_str() {
        "pdf" if content.starts_with(b"%PDF-") => "application/pdf",
        "png" if content.starts_with(b"\x89PNG\r\n\x1a\n") => "image/png",
        "jpg" | "jpeg" if content.starts_with(&[0xFF, 0xD8, 0xFF]) => "image/jpeg",
        "txt" | "log" if is_text() => "text/plain; charset=utf-8",
        "csv" if is_text() => "text/csv; charset=utf-8",
        "eml" if is_text() => "message/rfc822",
        _ => return Err(DisputeRefusal::AttachmentType),
    };
    Ok(found)
}

/// A file name safe to store and to send back in a header: the last path component, printable ASCII
/// letters, digits and `._-` only, at most 100 characters.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .take(100)
        .collect();
    if cleaned.trim_matches(['.', '_']).is_empty() {
        "attachment".to_owned()
    } else {
        cleaned
    }
}

/// Checks a dispute text or reply and returns it trimmed.
///
/// # Errors
/// [`DisputeRefusal::Empty`] or [`DisputeRefusal::TooLong`].
pub fn check_text(text: &str) -> Result<&str, DisputeRefusal> {
    let text = text.trim();
    if text.is_empty() {
        Err(DisputeRefusal::Empty)
    } else if text.chars().count() > MAX_TEXT_CHARS {
        Err(DisputeRefusal::TooLong)
    } else {
        Ok(text)
    }
}

/// Whether a decision of this kind can be appealed at all: the ones that restrict the customer.
pub fn is_appealable(kind: DecisionKind) -> bool {
    matches!(kind, DecisionKind::Restriction | DecisionKind::Suspension | DecisionKind::Termination)
}

/// Until when a decision that took effect at `in_force_at` can be appealed; `None` when it cannot.
pub fn appeal_until(kind: DecisionKind, in_force_at: DateTime<Utc>, days: i64) -> Option<DateTime<Utc>> {
    is_appealable(kind).then(|| in_force_at + Duration::days(days.max(0)))
}

/// Whether the customer may appeal now.
///
/// # Errors
/// Not appealable, period over, or an appeal of the decision is already open.
pub fn may_appeal(
    kind: DecisionKind,
    in_force_at: DateTime<Utc>,
    days: i64,
    now: DateTime<Utc>,
    open_appeal: bool,
) -> Result<(), DisputeRefusal> {
    let until = appeal_until(kind, in_force_at, days).ok_or(DisputeRefusal::NotAppealable)?;
    if now >= until {
        return Err(DisputeRefusal::AppealClosed(until.format("%Y-%m-%d %H:%M UTC").to_string()));
    }
    if open_appeal {
        return Err(DisputeRefusal::AppealPending);
    }
    Ok(())
}

/// Whether `reviewer` may settle (accept or reject) an appeal of a decision taken by `decided_by` and
/// approved by `approved_by`: a manager who had no part in the decision.
///
/// # Errors
/// [`DisputeRefusal::AppealReviewer`].
pub fn may_settle_appeal(
    reviewer: i64,
    reviewer_is_manager: bool,
    decided_by: i64,
    approved_by: Option<i64>,
) -> Result<(), DisputeRefusal> {
    if reviewer_is_manager && reviewer != decided_by && approved_by != Some(reviewer) {
        Ok(())
    } else {
        Err(DisputeRefusal::AppealReviewer)
    }
}

/// One reply in a dispute's thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeMessageView {
    pub author: String,
    pub from_staff: bool,
    pub body: String,
    pub at: DateTime<Utc>,
}

/// An attachment, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

/// A dispute or appeal with its thread, as both sides read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeView {
    pub id: i64,
    pub case_id: i64,
    /// Set for an appeal: the decision appealed.
    pub decision_id: Option<i64>,
    pub status: DisputeStatus,
    pub opened_by: String,
    pub body: String,
    pub at: DateTime<Utc>,
    pub messages: Vec<DisputeMessageView>,
    pub attachments: Vec<AttachmentView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn statuses_round_trip_and_only_accepted_and_rejected_are_settled() {
        for s in DisputeStatus::ALL {
            assert_eq!(DisputeStatus::parse(s.code()), Some(s));
        }
        assert_eq!(DisputeStatus::parse("closed"), None);
        let settled: Vec<_> = DisputeStatus::ALL.into_iter().filter(|s| s.is_settled()).collect();
        assert_eq!(settled, [DisputeStatus::Accepted, DisputeStatus::Rejected]);
    }

    #[test]
    fn attachments_need_a_known_extension_and_matching_content() {
        assert_eq!(attachment_type("optin.pdf", b"%PDF-1.7\n..."), Ok("application/pdf"));
        assert_eq!(attachment_type("Shot.PNG", b"\x89PNG\r\n\x1a\n...."), Ok("image/png"));
        assert_eq!(attachment_type("a.jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]), Ok("image/jpeg"));
        assert_eq!(attachment_type("signups.csv", b"email,date\n"), Ok("text/csv; charset=utf-8"));
        assert_eq!(attachment_type("orig.eml", b"From: a@b.example\n\nhi"), Ok("message/rfc822"));
        assert_eq!(attachment_type("fake.pdf", b"MZ\x90\x00"), Err(DisputeRefusal::AttachmentType));
        assert_eq!(attachment_type("page.html", b"<script>"), Err(DisputeRefusal::AttachmentType));
        assert_eq!(attachment_type("bin.txt", b"a\0b"), Err(DisputeRefusal::AttachmentType));
        assert_eq!(attachment_type("latin1.txt", b"caf\xe9"), Err(DisputeRefusal::AttachmentType));
        assert_eq!(attachment_type("empty.txt", b""), Err(DisputeRefusal::AttachmentType));
        assert_eq!(attachment_type("noext", b"%PDF-"), Err(DisputeRefusal::AttachmentType));
    }

    #[test]
    fn attachments_over_the_limit_are_refused_whatever_their_type() {
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_ATTACHMENT_BYTES + 1, b' ');
        assert_eq!(attachment_type("big.pdf", &big), Err(DisputeRefusal::AttachmentTooLarge));
        big.truncate(MAX_ATTACHMENT_BYTES);
        assert!(attachment_type("big.pdf", &big).is_ok());
    }

    #[test]
    fn file_names_lose_paths_and_unsafe_characters() {
        assert_eq!(clean_file_name("C:\\Users\\x\\opt in.pdf"), "opt_in.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("\"; evil=1.txt"), "___evil_1.txt");
        assert_eq!(clean_file_name("..."), "attachment");
        assert_eq!(clean_file_name(""), "attachment");
        assert_eq!(clean_file_name(&"a".repeat(300)).len(), 100);
    }

    #[test]
    fn texts_are_trimmed_and_must_be_present_and_not_too_long() {
        assert_eq!(check_text("  we have records \n"), Ok("we have records"));
        assert_eq!(check_text(" \n\t"), Err(DisputeRefusal::Empty));
        assert_eq!(check_text(&"x".repeat(MAX_TEXT_CHARS)).map(str::len), Ok(MAX_TEXT_CHARS));
        assert_eq!(check_text(&"x".repeat(MAX_TEXT_CHARS + 1)), Err(DisputeRefusal::TooLong));
    }

    #[test]
    fn only_restricting_decisions_are_appealable_within_the_period() {
        let t = at("2026-11-01T10:00:00Z");
        for kind in [DecisionKind::NoAction, DecisionKind::Warning] {
            assert_eq!(appeal_until(kind, t, 14), None);
            assert_eq!(may_appeal(kind, t, 14, t, false), Err(DisputeRefusal::NotAppealable));
        }
        let until = appeal_until(DecisionKind::Suspension, t, 14).unwrap();
        assert_eq!(until, at("2026-11-15T10:00:00Z"));
        assert_eq!(may_appeal(DecisionKind::Suspension, t, 14, at("2026-11-15T09:59:59Z"), false), Ok(()));
        assert_eq!(
            may_appeal(DecisionKind::Termination, t, 14, until, false),
            Err(DisputeRefusal::AppealClosed("2026-11-15 10:00 UTC".into()))
        );
        assert_eq!(may_appeal(DecisionKind::Restriction, t, 14, t, true), Err(DisputeRefusal::AppealPending));
        assert_eq!(appeal_until(DecisionKind::Restriction, t, -3), Some(t));
    }

    #[test]
    fn an_appeal_is_settled_by_a_manager_with_no_part_in_the_decision() {
        assert_eq!(may_settle_appeal(3, true, 1, Some(2)), Ok(()));
        assert_eq!(may_settle_appeal(2, true, 1, Some(2)), Err(DisputeRefusal::AppealReviewer));
        assert_eq!(may_settle_appeal(1, true, 1, Some(2)), Err(DisputeRefusal::AppealReviewer));
        assert_eq!(may_settle_appeal(3, false, 1, Some(2)), Err(DisputeRefusal::AppealReviewer));
        assert_eq!(may_settle_appeal(3, true, 1, None), Ok(()));
    }
}

//! The investigation checklist and what the decision rules read from a recorded investigation: its
//! findings and its answers.
//!
//! Invariant: an investigation is complete when every required item has an answer (any answer) and the
//! findings are not blank. Which items are required is the caller's setting; the labels come from
//! [`DEFAULT_CHECKLIST`].

use serde::{Deserialize, Serialize};

/// One item of the investigation checklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    /// Stable name, stored with each answer.
    pub code: &'static str,
    /// The question as the analyst reads it.
    pub label: &'static str,
}

/// The checklist every investigation is offered, in the order it is worked through.
pub const DEFAULT_CHECKLIST: [ChecklistItem; 6] = [
    ChecklistItem { code: "attribution_verified", label: "Attribution verified for the incident time" },
    ChecklistItem { code: "evidence_reviewed", label: "Evidence sample reviewed (at least one original message read)" },
    ChecklistItem { code: "canspam_checked", label: "CAN-SPAM indicators checked" },
    ChecklistItem { code: "other_sources_checked", label: "Other sources checked (blocklists, trap hits, mail logs)" },
    ChecklistItem { code: "customer_contacted", label: "Customer contacted" },
    ChecklistItem { code: "customer_answer_reviewed", label: "Customer's answer reviewed" },
];

/// Checks a checklist item's code (lowercase letters, digits and `_`, 2 to 64 characters, starting with a
/// letter) and label (1 to 200 characters) as the desk configures them; returns them trimmed.
///
/// # Errors
/// A message naming what is wrong.
pub fn check_item<'a>(code: &'a str, label: &'a str) -> Result<(&'a str, &'a str), String> {
    let (code, label) = (code.trim(), label.trim());
    let good_code = (2..=64).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !good_code {
        return Err(format!("{code:?}: an item's code is 2 to 64 lowercase letters, digits or '_', starting with a letter"));
    }
    if label.is_empty() || label.chars().count() > 200 {
        return Err("an item's label is 1 to 200 characters".to_owned());
    }
    Ok((code, label))
}

/// The item of [`DEFAULT_CHECKLIST`] with this code.
pub fn checklist_item(code: &str) -> Option<&'static ChecklistItem> {
    DEFAULT_CHECKLIST.iter().find(|item| item.code == code)
}

/// The analyst's answer to a checklist item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    NotApplicable,
}

impl Answer {
    /// Every answer, in the order the UI offers them.
    pub const ALL: [Answer; 3] = [Answer::Yes, Answer::No, Answer::NotApplicable];

    /// The stored and wire name (the same as the serde name).
    pub fn code(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::NotApplicable => "not_applicable",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Answer::Yes => "Yes",
            Answer::No => "No",
            Answer::NotApplicable => "Not applicable",
        }
    }

    /// The answer whose [`code`](Self::code) is `code` (surrounding space and case ignored).
    pub fn parse(code: &str) -> Option<Answer> {
        let code = code.trim().to_ascii_lowercase();
        Answer::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// An answer to one checklist item, with the analyst's note on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistAnswer {
    /// The [`ChecklistItem::code`] answered.
    pub code: String,
    pub answer: Answer,
    pub note: String,
}

/// What the rules need to know about one recorded investigation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvestigationFacts {
    /// The analyst's written conclusion.
    pub findings: String,
    pub answers: Vec<ChecklistAnswer>,
}

/// What [`InvestigationFacts::missing`] names when the findings are blank.
pub const FINDINGS_LABEL: &str = "Findings written";

impl InvestigationFacts {
    /// Whether findings were written (whitespace does not count).
    pub fn has_findings(&self) -> bool {
        !self.findings.trim().is_empty()
    }

    /// What still stands between this investigation and a complete one: the labels of the `required`
    /// checklist codes with no answer (an unknown code is named by its code), then [`FINDINGS_LABEL`]
    /// when the findings are blank. Any answer counts, "No" and "Not applicable" included: the checklist
    /// records what was looked at, and judging the answers is the approving manager's job.
    pub fn missing(&self, required: &[&str]) -> Vec<String> {
        let mut missing: Vec<String> = required
            .iter()
            .filter(|code| !self.answers.iter().any(|a| a.code == **code))
            .map(|code| checklist_item(code).map_or_else(|| (*code).to_owned(), |item| item.label.to_owned()))
            .collect();
        if !self.has_findings() {
            missing.push(FINDINGS_LABEL.to_owned());
        }
        missing
    }

    /// Whether every `required` code is answered and findings are written.
    pub fn is_complete(&self, required: &[&str]) -> bool {
        self.missing(required).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_CODES: [&str; 6] = [
        "attribution_verified",
        "evidence_reviewed",
        "canspam_checked",
        "other_sources_checked",
        "customer_contacted",
        "customer_answer_reviewed",
    ];

    fn investigation(findings: &str, answered: &[&str], with: Answer) -> InvestigationFacts {
        let answers =
            answered.iter().map(|c| ChecklistAnswer { code: (*c).to_owned(), answer: with, note: String::new() });
        InvestigationFacts { findings: findings.to_owned(), answers: answers.collect() }
    }

    #[test]
    fn answer_codes_round_trip_and_match_serde_names() {
        for a in Answer::ALL {
            assert_eq!(Answer::parse(a.code()), Some(a));
            assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{}\"", a.code()));
        }
        assert_eq!(Answer::parse(" Not_Applicable "), Some(Answer::NotApplicable));
        assert_eq!(Answer::parse("n/a"), None);
    }

    #[test]
    fn the_default_checklist_has_the_six_items_in_order() {
        let codes: Vec<&str> = DEFAULT_CHECKLIST.iter().map(|i| i.code).collect();
        assert_eq!(codes, ALL_CODES);
        assert_eq!(checklist_item("customer_contacted").map(|i| i.label), Some("Customer contacted"));
        assert_eq!(checklist_item("nope"), None);
    }

    #[test]
    fn blank_findings_are_no_findings() {
        assert!(!investigation("", &[], Answer::Yes).has_findings());
        assert!(!investigation(" \n\t ", &[], Answer::Yes).has_findings());
        assert!(investigation(" x ", &[], Answer::Yes).has_findings());
    }

    #[test]
    fn no_and_not_applicable_count_as_answered() {
        assert!(investigation("done", &ALL_CODES, Answer::No).is_complete(&ALL_CODES));
        assert!(investigation("done", &ALL_CODES, Answer::NotApplicable).is_complete(&ALL_CODES));
        assert!(investigation("done", &ALL_CODES, Answer::Yes).is_complete(&ALL_CODES));
    }

    #[test]
    fn an_unrequired_item_may_stay_unanswered() {
        assert!(investigation("done", &ALL_CODES[..2], Answer::Yes).is_complete(&ALL_CODES[..2]));
        assert!(!investigation("done", &ALL_CODES[..2], Answer::Yes).is_complete(&ALL_CODES));
    }

    #[test]
    fn missing_names_unanswered_labels_in_required_order_then_findings() {
        let i = investigation("  ", &["evidence_reviewed"], Answer::Yes);
        assert_eq!(
            i.missing(&["attribution_verified", "evidence_reviewed", "custom_item"]),
            ["Attribution verified for the incident time", "custom_item", FINDINGS_LABEL]
        );
        assert!(!i.is_complete(&[]));
        assert!(investigation("x", &[], Answer::Yes).is_complete(&[]));
    }

    #[test]
    fn configured_items_need_a_code_and_a_label() {
        assert_eq!(check_item(" trap_hits_checked ", " Trap hits checked "), Ok(("trap_hits_checked", "Trap hits checked")));
        for bad in ["", "a", "Trap", "9lives", "trap-hits", &"a".repeat(65)] {
            assert!(check_item(bad, "x").is_err(), "{bad:?}");
        }
        assert!(check_item("ok_code", " ").is_err());
        assert!(check_item("ok_code", &"x".repeat(201)).is_err());
    }

}

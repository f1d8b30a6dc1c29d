//! E-mail notifications to customers (a case opened against them, a reply from the desk, a decision) and
//! answers to reporters (`reporters`).
//! Every notification is first recorded in the outbox (so the desk can show what it told whom, and when);
//! `delivery` sends the outbox over SMTP when one is configured. Templates are the admin's to edit; the
//! defaults below apply until they do.
//!
//! Notifications never carry evidence or complainant data: only the case, its address and type, and a
//! pointer to the portal, where the redacted evidence is.

pub mod delivery;
pub mod reporters;

use crate::store::{NewNotification, Store, StoreError};

/// What a notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    CaseOpened,
    StaffReply,
    Decision,
    /// An answer to a reporter (a complainant's provider or SpamCop), not to the customer.
    ReporterReply,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::CaseOpened, Kind::StaffReply, Kind::Decision, Kind::ReporterReply];

    /// The stored name.
    pub fn code(self) -> &'static str {
        match self {
            Kind::CaseOpened => "case_opened",
            Kind::StaffReply => "staff_reply",
            Kind::Decision => "decision",
            Kind::ReporterReply => "reporter_reply",
        }
    }

    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// For the admin's template page.
    pub fn label(self) -> &'static str {
        match self {
            Kind::CaseOpened => "A case is opened against the customer",
            Kind::StaffReply => "The desk replies in a dispute",
            Kind::Decision => "A decision takes effect",
            Kind::ReporterReply => "The desk answers a reporter after a decision",
        }
    }

    fn default_template(self) -> Template {
        let (subject, body) = match self {
            Kind::CaseOpened => (
                "Abuse case {case}: {type} reports about {address}",
                "Dear {customer},\n\nwe received {type} reports about {address}, an address of your account \
                 {account}. We opened case {case} to look into them.\n\nYou can read the reports (with the \
                 complainants' details removed) and answer them in the customer portal: {portal}\n\n\
                 The abuse desk",
            ),
            Kind::StaffReply => (
                "Abuse case {case}: the abuse desk replied",
                "Dear {customer},\n\nthe abuse desk replied to your dispute in case {case} ({address}).\n\n\
                 Read the reply in the customer portal: {portal}\n\nThe abuse desk",
            ),
            Kind::Decision => (
                "Abuse case {case}: decision — {decision}",
                "Dear {customer},\n\na decision was taken in case {case} ({address}): {decision}.\n\n\
                 The statement of reasons and, where it applies, how to appeal are in the customer portal: \
                 {portal}\n\nThe abuse desk",
            ),
            Kind::ReporterReply => (
                "Re: your report {reference} about {address} (our case {case})",
                "Thank you for your report about {address}. We investigated it and decided: {decision}.\n\n\
                 {desk}",
            ),
        };
        Template { subject: subject.to_owned(), body: body.to_owned() }
    }

    fn setting_key(self) -> String {
        format!("notify.template.{}", self.code())
    }
}

/// A notification's text with `{name}` placeholders.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Template {
    pub subject: String,
    pub body: String,
}

/// The placeholders templates may use.
pub const PLACEHOLDERS: [&str; 9] = ["case", "customer", "account", "address", "type", "decision", "portal", "desk", "reference"];

/// Fills `{name}` placeholders from `vars`; unknown names stay as written so a typo is visible, and a
/// value is never scanned again (a value containing `{case}` stays literal). Line breaks in values
/// become spaces, so a value cannot add header lines to the subject.
pub fn render(text: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        match name.and_then(|n| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| (n, v))) {
            Some((n, v)) => {
                out.extend(v.chars().map(|c| if c == '\r' || c == '\n' { ' ' } else { c }));
                rest = &after[n.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The template in force for `kind`: the admin's, else the default.
///
/// # Errors
/// Database errors.
pub async fn template(store: &Store, kind: Kind) -> Result<Template, StoreError> {
    match store.find_setting(&kind.setting_key()).await? {
        Some(json) => Ok(serde_json::from_str(&json).unwrap_or_else(|_| kind.default_template())),
        None => Ok(kind.default_template()),
    }
}

/// Replaces the template for `kind`; empty subject or body restore the default.
///
/// # Errors
/// Database errors.
pub async fn set_template(store: &Store, kind: Kind, template: &Template) -> Result<(), StoreError> {
    let value = if template.subject.trim().is_empty() || template.body.trim().is_empty() {
        kind.default_template()
    } else {
        template.clone()
    };
    let json = serde_json::to_string(&value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    store.put_setting(&kind.setting_key(), &json, crate::store::now()).await
}

/// A notification written from its template, ready for the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composed {
    pub customer_id: i64,
    pub case_id: i64,
    pub kind: Kind,
    pub recipients: String,
    pub subject: String,
    pub body: String,
}

impl Composed {
    /// As the row the outbox stores.
    pub fn as_new(&self) -> NewNotification<'_> {
        NewNotification {
            customer_id: Some(self.customer_id),
            case_id: Some(self.case_id),
            kind: self.kind.code(),
            recipients: &self.recipients,
            subject: &self.subject,
            body: &self.body,
        }
    }
}

/// Writes the notification about `case_id` to its customer (reads only). Actions that notify compose
/// before their unit begins and queue it inside ([`crate::store::Tx::queue_notification`]): a unit never
/// waits for a second connection while it holds the database's write lock. `decision` names the decision for
/// [`Kind::Decision`]. Cases without a customer notify nobody (`None`).
///
/// # Errors
/// Database errors.
pub async fn compose(store: &Store, case_id: i64, kind: Kind, decision: &str) -> Result<Option<Composed>, StoreError> {
    let case = store.get_case(case_id).await?;
    let Some(customer_id) = case.customer_id else { return Ok(None) };
    let customer = store.get_customer(customer_id).await?;
    let template = template(store, kind).await?;
    let case_text = case_id.to_string();
    let portal = format!("/portal/cases/{case_id}");
    let vars = [
        ("case", case_text.as_str()),
        ("customer", customer.name.as_str()),
        ("account", customer.account_ref.as_str()),
        ("address", case.source_ip.as_str()),
        ("type", case.report_type.as_str()),
        ("decision", decision),
        ("portal", portal.as_str()),
        ("desk", "the abuse desk"),
    ];
    Ok(Some(Composed {
        customer_id,
        case_id,
        kind,
        recipients: customer.emails.join(" "),
        subject: render(&template.subject, &vars),
        body: render(&template.body, &vars),
    }))
}

/// Records a notification about `case_id` in the outbox, in a unit of its own (for actions that are
/// themselves one write, such as a case opened by intake).
///
/// # Errors
/// Database errors.
pub async fn notify(store: &Store, case_id: i64, kind: Kind, decision: &str) -> Result<Option<i64>, StoreError> {
    match compose(store, case_id, kind, decision).await? {
        Some(n) => Ok(Some(store.queue_notification(&n.as_new(), crate::store::now()).await?)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_and_unknown_ones_stay_visible() {
        let vars = [("case", "12"), ("address", "192.0.2.7")];
        assert_eq!(render("Case {case} about {address}", &vars), "Case 12 about 192.0.2.7");
        assert_eq!(render("{nope} and {case", &vars), "{nope} and {case");
        assert_eq!(render("{{case}}", &vars), "{12}");
        assert_eq!(render("", &vars), "");
    }

    #[test]
    fn values_are_not_expanded_again_and_cannot_break_lines() {
        let vars = [("customer", "Evil {case}\r\nBcc: x@example.org"), ("case", "1")];
        assert_eq!(render("Dear {customer}", &vars), "Dear Evil {case}  Bcc: x@example.org");
    }

    #[test]
    fn every_default_template_uses_only_known_placeholders() {
        for kind in Kind::ALL {
            let t = kind.default_template();
            let vars: Vec<(&str, &str)> = PLACEHOLDERS.iter().map(|p| (*p, "v")).collect();
            for text in [&t.subject, &t.body] {
                assert!(!render(text, &vars).contains('{'), "{kind:?}: {text}");
            }
            assert_eq!(Kind::parse(kind.code()), Some(kind));
        }
    }
}

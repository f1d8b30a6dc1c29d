//! Demo triage work: sending volumes for two customers (so complaint rates per 1,000 messages show, one
//! of them over the warning line), a stricter threshold for phishing, cases assigned and in progress, a
//! closed case that a new report reopens; and casework: a complete investigation with a suspension waiting
//! in the manager's review queue, a warning decided after an investigation, a note, and the customer's
//! dispute in the portal with an attachment and a reply from the desk, answers to the reporters, a
//! restriction on an infected line recorded for provisioning systems and appealed by the subscriber, and
//! a small sender over the block line that nobody has investigated yet.

use chrono::{DateTime, Duration, Utc};

use super::mail::{self, NEWSLETTER_IP, SPAMMY_IP};
use crate::domain::case::{CaseFilter, CaseStatus};
use crate::domain::ids::UserId;
use crate::intake;
use crate::store::{Channel, Store};
use crate::triage::rates::Threshold;
use crate::triage::volume::parse_volume;

/// Runs after the demo mail is in.
pub async fn load_after_mail(store: &Store, now: DateTime<Utc>) -> anyhow::Result<()> {
    // Our own mail logs: the newsletter sends 2,000 a day (15 complaints a week is about 1 per 1,000:
    // the warning line); the spammy sender claims 200,000 a day, which keeps its rate low and shows why
    // a rate never decides on its own; the late-listed customer sends 40 a day, so its one complaint is
    // over the block line (3 per 1,000) before anyone has investigated.
    let mut csv = String::from("ip,day,messages\n");
    for day in 0..7 {
        let date = (now - Duration::days(day)).date_naive();
        csv.push_str(&format!("{NEWSLETTER_IP},{date},2000\n{SPAMMY_IP},{date},200000\n{},{date},40\n", mail::LATE_IP));
    }
    let volumes = parse_volume(csv.as_bytes());
    store.upsert_volumes(&volumes.rows, "maillog", now).await?;
    let strict = Threshold { warn_per_thousand: 0.5, block_per_thousand: 1.0 };
    store.set_rate_threshold("phishing", strict, "admin", now).await?;

    let users = store.list_users().await?;
    let id_of = |name: &str| users.iter().find(|u| u.username == name).map(|u| u.user_id.0);
    let all = CaseFilter { open_only: false, ..CaseFilter::default() };
    let (cases, _) = store.list_cases(&all, 100, now).await?;
    let case_of = |ip: &str| cases.iter().find(|c| c.source_ip == ip).map(|c| c.abuse_case_id);
    if let (Some(case), Some(alex)) = (case_of(SPAMMY_IP), id_of("alex")) {
        crate::casework::assign_cases(store, "morgan", &[case], Some(UserId(alex)), now).await?;
        store.set_case_status(case, CaseStatus::Investigating, "alex", now).await?;
    }
    if let (Some(case), Some(sam)) = (case_of(NEWSLETTER_IP), id_of("sam")) {
        crate::casework::assign_cases(store, "morgan", &[case], Some(UserId(sam)), now).await?;
        store.set_case_status(case, CaseStatus::AwaitingCustomer, "sam", now).await?;
    }
    // The late-attributed customer was asked four days ago and has not answered: past the front page's
    // three-day line.
    if let (Some(case), Some(sam)) = (case_of(mail::LATE_IP), id_of("sam")) {
        crate::casework::assign_cases(store, "morgan", &[case], Some(UserId(sam)), now - Duration::days(4)).await?;
        store.set_case_status(case, CaseStatus::AwaitingCustomer, "sam", now - Duration::days(4)).await?;
    }
    casework(store, &users, case_of(SPAMMY_IP), case_of(NEWSLETTER_IP)).await?;
    // The infected machine's case was closed after the customer cleaned it up; the sinkhole saw it
    // again an hour ago, so the case is back in the queue (reopened, with the reason recorded).
    if let Some(case) = case_of(mail::INFECTED_IP) {
        restrict_infected(store, &users, case).await?;
        store.set_case_status(case, CaseStatus::Closed, "alex", now - Duration::hours(3)).await?;
        let again = mail::shadowserver(mail::INFECTED_IP, 49_156, now - Duration::hours(1));
        intake::receive(store, &again, Channel::Mta, Some("abuse@isp.example"), intake::DEFAULT_MAX_MESSAGE_BYTES).await?;
    }
    Ok(())
}

/// The infected machine: outbound port 25 blocked until it is cleaned, a restriction the customer may
/// appeal and that provisioning systems hear of (recorded as a webhook event).
async fn restrict_infected(store: &Store, users: &[crate::store::UserAccount], case: i64) -> anyhow::Result<()> {
    use crate::casework::{self as work, DecisionRequest};
    use crate::domain::checklist::{Answer, ChecklistAnswer};
    use crate::domain::decision::DecisionKind;
    let Some(alex) = users.iter().find(|u| u.username == "alex").map(|u| u.current_user()) else { return Ok(()) };
    let investigation = work::open_investigation(store, &alex, case).await?;
    let checked = vec![
        ChecklistAnswer { code: "attribution_verified".into(), answer: Answer::Yes, note: String::new() },
        ChecklistAnswer { code: "evidence_reviewed".into(), answer: Answer::Yes, note: String::new() },
    ];
    let findings = "Shadowserver's sinkhole saw this CGNAT port range talk to a botnet controller three days running; \
                    the port range belongs to one subscriber line at the incident times.";
    work::save_investigation(store, &alex, investigation, findings, &checked).await?;
    let restriction = DecisionRequest {
        case_id: case,
        kind: DecisionKind::Restriction,
        reason: "An infected device on the line is part of a botnet; outbound port 25 is blocked until it is cleaned.",
        evidence: "4 Shadowserver sinkhole reports, investigation of the CGNAT port range",
        policy: "AUP 3.1: keep connected devices free of malware",
        reverses: None,
    };
    let decided = work::decide(store, &alex, &restriction).await?;
    // The subscriber appeals in the portal: a manager who took no part in it must answer.
    if let Some(jordan) = users.iter().find(|u| u.username == "jordan").map(|u| u.current_user()) {
        let text = "The infected laptop was my son's; it has been wiped and reinstalled. Please lift the block on \
                    outgoing mail, I need it for work.";
        let appeal_days = crate::domain::dispute::DEFAULT_APPEAL_DAYS;
        crate::portal::disputes::open(store, &jordan, case, text, Some(decided), None, appeal_days).await?;
    }
    Ok(())
}

/// Investigations and decisions through the same casework rules the UI uses.
async fn casework(
    store: &Store,
    users: &[crate::store::UserAccount],
    spammy: Option<i64>,
    newsletter: Option<i64>,
) -> anyhow::Result<()> {
    use crate::casework::{self as work, DecisionRequest};
    use crate::domain::checklist::{Answer, ChecklistAnswer};
    use crate::domain::decision::DecisionKind;
    let person = |name: &str| users.iter().find(|u| u.username == name).map(|u| u.current_user());
    let (Some(alex), Some(sam), Some(spammy), Some(newsletter)) = (person("alex"), person("sam"), spammy, newsletter) else {
        return Ok(());
    };
    let all: Vec<ChecklistAnswer> = store
        .checklist_items()
        .await?
        .into_iter()
        .map(|i| ChecklistAnswer { code: i.code, answer: Answer::Yes, note: String::new() })
        .collect();
    let investigation = work::open_investigation(store, &alex, spammy).await?;
    let findings = "12 SpamCop reports in a week, each sent to abuse@ and postmaster@; the offending messages \
                    advertise pharmacy sites, no List-Unsubscribe, forged sender domain. Customer did not answer \
                    two warnings.";
    work::save_investigation(store, &alex, investigation, findings, &all).await?;
    let proposal = DecisionRequest {
        case_id: spammy,
        kind: DecisionKind::Suspension,
        reason: "Repeated unsolicited bulk mail after two warnings.",
        evidence: "12 unique SpamCop complaints (25 received), investigation 1",
        policy: "AUP 4.2: no unsolicited bulk e-mail",
        reverses: None,
    };
    work::decide(store, &alex, &proposal).await?;

    let investigation = work::open_investigation(store, &sam, newsletter).await?;
    let partial: Vec<ChecklistAnswer> = all.iter().take(3).cloned().collect();
    let findings = "Confirmed opt-in newsletter with a working unsubscribe link and a postal address; the \
                    complaint rate is just over 1 per 1,000 after a list import.";
    work::save_investigation(store, &sam, investigation, findings, &partial).await?;
    let warning = DecisionRequest {
        case_id: newsletter,
        kind: DecisionKind::Warning,
        reason: "Complaint rate over the warning line after a list import; clean the imported list.",
        evidence: "15 unique complaints from 15 readers of one issue, 14,000 messages sent",
        policy: "AUP 4.5: keep complaint rates under 1 per 1,000 messages",
        reverses: None,
    };
    let warned = work::decide(store, &sam, &warning).await?;
    crate::notify::reporters::answer_reporters(store, &sam, newsletter, warned).await?;
    work::add_note(store, &sam, newsletter, "Customer says the list came from a trade fair; asked for the opt-in records.").await?;
    if let Some(nina) = person("newsletter") {
        portal_dispute(store, &sam, &nina, newsletter).await?;
    }
    Ok(())
}

/// The newsletter's dispute in the portal: the customer explains and attaches its sign-up log, the analyst
/// asks for more, the customer answers again, so the dispute waits for the desk.
async fn portal_dispute(
    store: &Store,
    sam: &crate::domain::user::CurrentUser,
    nina: &crate::domain::user::CurrentUser,
    case: i64,
) -> anyhow::Result<()> {
    use crate::domain::dispute::DisputeStatus;
    use crate::portal::disputes::{self, Upload};
    let log = b"email_hash,signed_up,source
5d41402abc4b2a76,2026-10-02,trade fair booth 14
7d793037a0760186,2026-10-02,trade fair booth 14
";
    let upload = Upload { file_name: "trade-fair-signups.csv", content: log };
    let text = "These readers signed up at our booth at the trade fair on 2 October; the sign-up log is attached. \
                We imported them on 20 November, which is when the complaints started.";
    let filed = disputes::open(store, nina, case, text, None, Some(upload), crate::domain::dispute::DEFAULT_APPEAL_DAYS).await?;
    let ask = "Thank you. The log shows the booth, but not that the readers agreed to the weekly newsletter: \
               please send the sign-up form's wording.";
    disputes::staff_reply(store, sam, filed.dispute_id, ask, DisputeStatus::Answered).await?;
    let answer = "The form said: \"Send me the weekly newsletter\" with an unticked box. We have removed the 15 \
                  readers who complained and will confirm the rest by e-mail.";
    disputes::customer_reply(store, nina, filed.dispute_id, answer, None).await?;
    Ok(())
}

//! The casework panel of a case page: investigations with the checklist and the CAN-SPAM indicators beside
//! it, notes, and decisions (proposals for suspensions and terminations). What the server refuses is shown
//! as the refusal's own words.

use leptos::prelude::*;

use crate::domain::casework::{CaseworkView, ChecklistItemView, DecisionView, InvestigationView};
use crate::domain::decision::DecisionKind;
use crate::web::components::notice::{ActionNotice, load_failed, loading};
use crate::web::components::time::utc_minutes;
use crate::web::fns::casework::{get_casework, AddCaseNote, AnswerReporters, Decide, OpenInvestigation, SaveInvestigation};

/// Everything of a case's casework, refreshed after each action.
#[component]
pub fn CaseworkPanel(case_id: i64) -> impl IntoView {
    let open = ServerAction::<OpenInvestigation>::new();
    let save = ServerAction::<SaveInvestigation>::new();
    let note = ServerAction::<AddCaseNote>::new();
    let decide = ServerAction::<Decide>::new();
    let answer = ServerAction::<AnswerReporters>::new();
    let data = Resource::new(
        move || (open.version().get(), save.version().get(), note.version().get(), decide.version().get(), answer.version().get()),
        move |_| get_casework(case_id),
    );
    let answered = Signal::derive(move || answer.value().get());
    let saved = Signal::derive(move || save.value().get());
    let noted = Signal::derive(move || note.value().get());
    let decided = Signal::derive(move || decide.value().get());
    let opened = Signal::derive(move || open.value().get());
    view! {
        <section class="card" id="casework">
            <h2>"Investigation and decision"</h2>
            <ActionNotice result=opened success=|id: &i64| format!("Investigation {id} opened.")/>
            <ActionNotice result=saved success=|_: &()| "Investigation saved.".to_owned()/>
            <ActionNotice result=decided success=|id: &i64| format!("Decision {id} recorded.")/>
            <ActionNotice result=noted success=|_: &()| "Note added.".to_owned()/>
            <ActionNotice result=answered success=|n: &usize| match n {
                0 => "No reporter to answer: each was answered already, or none offers a way.".to_owned(),
                n => format!("{n} answer(s) to reporters queued; see the note below."),
            }/>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(work) => view! { <Casework work case_id open save note decide answer/> }.into_any(),
                        Err(e) => load_failed(&e),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Casework(
    work: CaseworkView,
    case_id: i64,
    open: ServerAction<OpenInvestigation>,
    save: ServerAction<SaveInvestigation>,
    note: ServerAction<AddCaseNote>,
    decide: ServerAction<Decide>,
    answer: ServerAction<AnswerReporters>,
) -> impl IntoView {
    let (id, id_decide, id_note) = (case_id.to_string(), case_id.to_string(), case_id.to_string());
    let checklist = work.checklist.clone();
    let investigations = work
        .investigations
        .into_iter()
        .map(|i| view! { <Investigation i checklist=checklist.clone() save/> })
        .collect_view();
    let indicators = work
        .indicators
        .into_iter()
        .map(|(what, value)| view! { <dt>{what}</dt><dd>{value}</dd> })
        .collect_view();
    let notes = work
        .notes
        .into_iter()
        .map(|n| view! { <li><strong>{n.author}</strong>{format!(" · {} · ", utc_minutes(&n.at))}{n.body}</li> })
        .collect_view();
    let reversible: Vec<DecisionView> = work.decisions.iter().filter(|d| d.status == "approved").cloned().collect();
    let decisions = work.decisions.into_iter().map(|d| view! { <DecisionLine d answer/> }).collect_view();
    let disputes = (work.open_disputes > 0).then(|| {
        view! {
            <p class="notice error" role="status">
                {format!("{} open dispute(s) from the customer: a termination cannot be approved until answered.", work.open_disputes)}
            </p>
        }
    });
    let kinds = DecisionKind::ALL
        .map(|k| {
            let label = if k.needs_approval() { format!("{} (proposal: a manager approves)", k.label()) } else { k.label().to_owned() };
            view! { <option value=k.code()>{label}</option> }
        })
        .collect_view();
    let reversals = reversible
        .into_iter()
        .map(|d| view! { <option value=d.id.to_string()>{format!("#{} {}", d.id, d.kind_label)}</option> })
        .collect_view();
    view! {
        {disputes}
        <div class="columns">
            <div>
                <h3>"Investigations"</h3>
                {investigations}
                <ActionForm action=open attr:class="inline">
                    <input type="hidden" name="case_id" value=id/>
                    <button type="submit" class="small">"Open an investigation"</button>
                </ActionForm>
            </div>
            <aside>
                <h3>"CAN-SPAM indicators"</h3>
                <p class="muted">"Read from the first reported message. They inform the analyst; they decide nothing."</p>
                <dl class="facts">{indicators}</dl>
            </aside>
        </div>
        <h3>"Decisions"</h3>
        <ul class="decisions">{decisions}</ul>
        <ActionForm action=decide attr:class="stack decide">
            <input type="hidden" name="case_id" value=id_decide/>
            <label><span>"Decision"</span><select name="kind">{kinds}</select></label>
            <label><span>"Reason (what was found)"</span><textarea name="reason" rows="3" required></textarea></label>
            <label><span>"Policy clause"</span><input name="policy" placeholder="AUP 4.2: no unsolicited bulk e-mail"/></label>
            <label><span>"Evidence relied on"</span><input name="evidence" placeholder="reports #12, #15; investigation 3" required/></label>
            <label><span>"Reverses"</span><select name="reverses"><option value="">"nothing"</option>{reversals}</select></label>
            <button type="submit">"Record decision"</button>
        </ActionForm>
        <h3>"Notes"</h3>
        <ul class="events">{notes}</ul>
        <ActionForm action=note attr:class="row">
            <input type="hidden" name="case_id" value=id_note/>
            <label class="wide"><span>"Note"</span><input name="body" required/></label>
            <button type="submit" class="small">"Add note"</button>
        </ActionForm>
    }
}

#[component]
fn Investigation(i: InvestigationView, checklist: Vec<ChecklistItemView>, save: ServerAction<SaveInvestigation>) -> impl IntoView {
    let state = if i.missing.is_empty() {
        "complete".to_owned()
    } else {
        format!("missing: {}", i.missing.join("; "))
    };
    let header = format!("Investigation {} by {} · updated {} · {state}", i.id, i.opened_by, utc_minutes(&i.updated_at));
    if !i.mine {
        let answers = i
            .answers
            .iter()
            .map(|a| {
                let label = checklist.iter().find(|c| c.code == a.code).map_or(a.code.clone(), |c| c.label.clone());
                view! { <li>{format!("{label}: {}", a.answer.label())}</li> }
            })
            .collect_view();
        return view! {
            <div class="investigation">
                <p class="muted">{header}</p>
                <p>{i.findings}</p>
                <ul>{answers}</ul>
            </div>
        }
        .into_any();
    }
    let items = checklist
        .into_iter()
        .map(|item| {
            let current = i.answers.iter().find(|a| a.code == item.code).map(|a| a.answer.code().to_owned()).unwrap_or_default();
            let name = format!("answers[{}]", item.code);
            let option = |value: &'static str, label: &'static str| {
                view! { <option value=value selected=current == value>{label}</option> }
            };
            view! {
                <label class="check-item">
                    <span>{item.label}{item.required.then_some(" *")}</span>
                    <select name=name>
                        {option("", "not answered")}
                        {option("yes", "yes")}
                        {option("no", "no")}
                        {option("not_applicable", "not applicable")}
                    </select>
                </label>
            }
        })
        .collect_view();
    view! {
        <div class="investigation">
            <p class="muted">{header}</p>
            <ActionForm action=save attr:class="stack">
                <input type="hidden" name="investigation_id" value=i.id.to_string()/>
                {items}
                <label><span>"Findings"</span><textarea name="findings" rows="4">{i.findings}</textarea></label>
                <button type="submit" class="small">"Save investigation"</button>
            </ActionForm>
        </div>
    }
    .into_any()
}

#[component]
fn DecisionLine(d: DecisionView, answer: ServerAction<AnswerReporters>) -> impl IntoView {
    let review = match (&d.reviewed_by, &d.review_reason) {
        (Some(by), Some(reason)) => format!(" · {} by {by}: {reason}", d.status),
        _ if d.status == "pending" => " · waiting for a manager".to_owned(),
        _ => String::new(),
    };
    let reverses = d.reverses.map(|r| format!(" · reverses #{r}")).unwrap_or_default();
    let policy = if d.policy.is_empty() { String::new() } else { format!(" Policy: {}.", d.policy) };
    view! {
        <li class=format!("decision {}", d.status)>
            <strong>{format!("#{} {}", d.id, d.kind_label)}</strong>
            {format!(" · {} · {}{reverses}{review}", d.decided_by, utc_minutes(&d.at))}
            <br/>
            <span>{d.reason}</span>
            <span class="muted">{format!(" Evidence: {}.{policy}", d.evidence)}</span>
            {(d.status == "approved").then(|| view! {
                <ActionForm action=answer attr:class="inline">
                    <input type="hidden" name="case_id" value=d.case_id.to_string()/>
                    <input type="hidden" name="decision_id" value=d.id.to_string()/>
                    <button type="submit" class="small">"Answer the reporters"</button>
                </ActionForm>
            })}
        </li>
    }
}

//! The desk's side of a case's disputes and appeals: each thread with a reply form that also sets the
//! dispute's status. Used on the case page and, for open appeals, on the managers' review page.

use leptos::prelude::*;

use crate::domain::dispute::{DisputeStatus, DisputeView};
use crate::web::components::dispute::DisputeThread;
use crate::web::components::notice::{ActionNotice, load_failed, loading};
use crate::web::fns::disputes::{case_disputes, AnswerDispute};

/// A case's disputes with answer forms, refreshed after each answer.
#[component]
pub fn DisputesPanel(case_id: i64) -> impl IntoView {
    let answer = ServerAction::<AnswerDispute>::new();
    let data = Resource::new(move || answer.version().get(), move |_| case_disputes(case_id));
    let answered = Signal::derive(move || answer.value().get());
    view! {
        <section class="card" id="disputes">
            <h2>"Customer disputes and appeals"</h2>
            <ActionNotice result=answered success=|_: &()| "Answer sent; the customer is notified.".to_owned()/>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"The customer has not disputed this case."</p> }.into_any(),
                        Ok(list) => list.into_iter().map(|d| view! { <AnsweredDispute d answer/> }).collect_view().into_any(),
                        Err(e) => load_failed(&e),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One dispute with the desk's answer form (none once settled).
#[component]
pub fn AnsweredDispute(d: DisputeView, answer: ServerAction<AnswerDispute>) -> impl IntoView {
    let id = d.id.to_string();
    let settled = d.status.is_settled();
    let appeal = d.decision_id.is_some();
    let options = [DisputeStatus::Answered, DisputeStatus::Accepted, DisputeStatus::Rejected]
        .map(|s| view! { <option value=s.code()>{s.label()}</option> })
        .collect_view();
    view! {
        <DisputeThread d>
            {(!settled).then(|| view! {
                <ActionForm action=answer attr:class="stack">
                    <input type="hidden" name="dispute_id" value=id.clone()/>
                    <label><span>"Answer"</span><textarea name="body" rows="3" required></textarea></label>
                    <label><span>"Status"</span><select name="status">{options}</select></label>
                    {appeal.then(|| view! {
                        <p class="muted">"An appeal is accepted or rejected by a manager who neither proposed nor approved the decision."</p>
                    })}
                    <button type="submit" class="small">"Send answer"</button>
                </ActionForm>
            })}
        </DisputeThread>
    }
}

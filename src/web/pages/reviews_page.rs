//! The manager's review queue: proposed suspensions and terminations with the evidence summary (unique
//! complaints vs received, rate, reporters, the investigation, open disputes), approved or rejected with a
//! written reason. The server refuses approving one's own proposal and terminations with open disputes.
//! Below them, customers' open appeals, settled by a manager with no part in the decision.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::casework::ProposalView;
use crate::web::components::disputes::AnsweredDispute;
use crate::web::components::notice::{ActionNotice, load_failed, loading};
use crate::web::components::time::utc_minutes;
use crate::web::fns::casework::{list_proposals, ReviewDecision};
use crate::web::fns::disputes::{list_appeals, AnswerDispute};

/// The review queue.
#[component]
pub fn ReviewsPage() -> impl IntoView {
    let review = ServerAction::<ReviewDecision>::new();
    let data = Resource::new(move || review.version().get(), |_| list_proposals());
    let reviewed = Signal::derive(move || review.value().get());
    let answer = ServerAction::<AnswerDispute>::new();
    let appeals = Resource::new(move || answer.version().get(), |_| list_appeals());
    let answered = Signal::derive(move || answer.value().get());
    view! {
        <Title text="Reviews"/>
        <h1>"Proposals waiting for a manager"</h1>
        <ActionNotice result=reviewed success=|_: &()| "Review recorded.".to_owned()/>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(list) if list.is_empty() => view! { <p class="muted">"Nothing waits for review."</p> }.into_any(),
                    Ok(list) => list.into_iter().map(|p| view! { <Proposal p review/> }).collect_view().into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
        <h2 id="appeals">"Appeals"</h2>
        <ActionNotice result=answered success=|_: &()| "Answer sent; the customer is notified.".to_owned()/>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match appeals.await {
                    Ok(list) if list.is_empty() => view! { <p class="muted">"No open appeal."</p> }.into_any(),
                    Ok(list) => list
                        .into_iter()
                        .map(|d| {
                            let case = d.case_id;
                            view! {
                                <p><a href=format!("/cases/{case}#disputes")>{format!("Case {case}")}</a></p>
                                <AnsweredDispute d answer/>
                            }
                        })
                        .collect_view()
                        .into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

#[component]
fn Proposal(p: ProposalView, review: ServerAction<ReviewDecision>) -> impl IntoView {
    let d = p.decision;
    let c = p.case;
    let who = c.customer.as_ref().map_or_else(|| "nobody named".to_owned(), |x| format!("{} — {}", x.account_ref, x.name));
    let rate = c.rate_per_thousand.map_or_else(|| "no sending volume known".to_owned(), |r| format!("{r:.2} per 1,000 messages (7 days)"));
    let investigation = if p.investigation_complete { "complete" } else { "NOT complete" };
    let disputes = (p.open_disputes > 0).then(|| {
        view! { <p class="notice error">{format!("{} open dispute(s): a termination cannot be approved until answered.", p.open_disputes)}</p> }
    });
    view! {
        <section class="card proposal">
            <h2>
                <a href=format!("/cases/{}", c.case_id)>{format!("{} · {}", c.source_ip, c.report_type)}</a>
                {format!(": {} proposed by {} on {}", d.kind_label, d.decided_by, utc_minutes(&d.at))}
            </h2>
            {disputes}
            <dl class="facts">
                <dt>"Customer"</dt><dd>{who}</dd>
                <dt>"Complaints"</dt><dd>{p.explanation}</dd>
                <dt>"Reporters"</dt><dd>{c.reporters}</dd>
                <dt>"Rate"</dt><dd>{rate}</dd>
                <dt>"Investigation"</dt><dd>{format!("{investigation}: {}", p.findings)}</dd>
                <dt>"Reason given"</dt><dd>{d.reason}</dd>
                <dt>"Evidence"</dt><dd>{d.evidence}</dd>
            </dl>
            <ActionForm action=review attr:class="row">
                <input type="hidden" name="decision_id" value=d.id.to_string()/>
                <label>
                    <span>"Verdict"</span>
                    <select name="verdict">
                        <option value="approve">"approve"</option>
                        <option value="reject">"reject"</option>
                    </select>
                </label>
                <label class="wide"><span>"Reason"</span><input name="reason" required/></label>
                <button type="submit">"Record review"</button>
            </ActionForm>
        </section>
    }
}

//! A dispute's thread as both sides read it: the opening text, the replies with who wrote them, and the
//! attachments as downloads. The forms to answer are the pages' own (the customer and the desk answer
//! differently).

use leptos::prelude::*;

use crate::domain::dispute::DisputeView;
use crate::web::components::time::{size, utc_minutes};

/// One dispute or appeal with its thread.
#[component]
pub fn DisputeThread(d: DisputeView, children: Children) -> impl IntoView {
    let title = match d.decision_id {
        Some(decision) => format!("Appeal #{} of decision #{decision}", d.id),
        None => format!("Dispute #{}", d.id),
    };
    let replies = d
        .messages
        .into_iter()
        .map(|m| {
            let class = if m.from_staff { "reply staff" } else { "reply customer" };
            view! {
                <li class=class>
                    <p class="muted">{format!("{} · {}", m.author, utc_minutes(&m.at))}</p>
                    <p class="body">{m.body}</p>
                </li>
            }
        })
        .collect_view();
    let files = (!d.attachments.is_empty()).then(|| {
        let items = d
            .attachments
            .into_iter()
            .map(|a| {
                view! {
                    <li>
                        <a href=format!("/disputes/attachments/{}", a.id) rel="external" download=a.file_name.clone()>{a.file_name.clone()}</a>
                        {format!(" ({}, {})", a.content_type, size(a.size))}
                    </li>
                }
            })
            .collect_view();
        view! { <p class="muted">"Attachments"</p><ul class="attachments">{items}</ul> }
    });
    view! {
        <article class="dispute" id=format!("dispute-{}", d.id)>
            <h3>
                {title}
                " "
                <span class=format!("status dispute-{}", d.status.code())>{d.status.label()}</span>
            </h3>
            <p class="muted">{format!("{} · {}", d.opened_by, utc_minutes(&d.at))}</p>
            <p class="body">{d.body}</p>
            {files}
            <ul class="thread">{replies}</ul>
            {children()}
        </article>
    }
}

//! Notifications to customers, for the admin: what was sent (or waits in the outbox, or failed, with the
//! reason), and the templates, editable here; and the sanction events for provisioning systems.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::web::components::notice::{ActionNotice, load_failed, loading};
use crate::web::components::time::utc_minutes;
use crate::web::fns::notifications::{
    list_notifications, NotificationView, NotificationsPage, SaveTemplate, TemplateView, WebhookView,
};

/// The notifications page.
#[component]
pub fn NotificationsPageView() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.with(|q| q.get("status").unwrap_or_default());
    let save = ServerAction::<SaveTemplate>::new();
    let data = Resource::new(move || (status(), save.version().get()), |(s, _)| list_notifications(s));
    let saved = Signal::derive(move || save.value().get());
    view! {
        <Title text="Notifications"/>
        <h1>"Notifications"</h1>
        <p class="muted">"What the desk tells customers (cases, replies, decisions) and reporters (answers after a decision), and what it tells provisioning systems."</p>
        <ActionNotice result=saved success=|_: &()| "Template saved.".to_owned()/>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(page) => view! { <Notifications page save/> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

#[component]
fn Notifications(page: NotificationsPage, save: ServerAction<SaveTemplate>) -> impl IntoView {
    let relay = match page.relay {
        Some(r) => format!("Sent through the SMTP relay {r}; the outbox is delivered every minute."),
        None => "No SMTP relay is configured (--smtp-relay): notifications stay in the outbox below, for you to read and pass on.".to_owned(),
    };
    let rows = page.notifications.into_iter().map(|n| view! { <Line n/> }).collect_view();
    let placeholders = page.placeholders.join(" ");
    let templates = page.templates.into_iter().map(|t| view! { <TemplateForm t save/> }).collect_view();
    let webhook = match page.webhook {
        Some(url) => format!("Sanction events are POSTed to {url}, signed with HMAC-SHA256 (header X-Abusedesk-Signature), retried with growing pauses until answered 2xx."),
        None => "No webhook is configured (--webhook-url): sanction events are recorded here only.".to_owned(),
    };
    let events = page.webhook_events.into_iter().map(|w| view! { <WebhookLine w/> }).collect_view();
    view! {
        <p class="lead">{relay}</p>
        <p class="row">
            "Show: " <a href="/admin/notifications">"all"</a> " · "
            <a href="/admin/notifications?status=outbox">"outbox"</a> " · "
            <a href="/admin/notifications?status=sent">"sent"</a> " · "
            <a href="/admin/notifications?status=failed">"failed"</a>
        </p>
        <table class="grid" id="notifications">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Customer"</th>
                    <th scope="col">"To"</th>
                    <th scope="col">"Message"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <h2>"Provisioning events"</h2>
        <p class="muted">{webhook}</p>
        <table class="grid" id="webhook-events">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"Event"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col" class="num">"Attempts"</th>
                    <th scope="col">"Last answer"</th>
                </tr>
            </thead>
            <tbody>{events}</tbody>
        </table>
        <h2>"Templates"</h2>
        <p class="muted">{format!("Placeholders: {placeholders}. An empty subject or text restores the default.")}</p>
        {templates}
    }
}

#[component]
fn Line(n: NotificationView) -> impl IntoView {
    let case = n.case_id.map(|c| view! { <a href=format!("/cases/{c}")>{format!("case {c}")}</a> });
    view! {
        <tr>
            <td>{utc_minutes(&n.at)}</td>
            <td>{n.customer}" "{case}</td>
            <td>{if n.recipients.is_empty() { "no address on file".to_owned() } else { n.recipients }}</td>
            <td>
                <details>
                    <summary>{n.subject}</summary>
                    <pre>{n.body}</pre>
                </details>
            </td>
            <td><span class=format!("status {}", n.status)>{n.status.clone()}</span>" "<span class="muted">{n.detail}</span></td>
        </tr>
    }
}

#[component]
fn WebhookLine(w: WebhookView) -> impl IntoView {
    let next = (w.status == "pending").then(|| format!(" · next attempt {}", utc_minutes(&w.next_attempt_at)));
    view! {
        <tr>
            <td>{utc_minutes(&w.at)}</td>
            <td><details><summary>{w.event}</summary><pre>{w.payload}</pre></details></td>
            <td><span class=format!("status {}", w.status)>{w.status.clone()}</span></td>
            <td class="num">{w.attempts}</td>
            <td class="muted">{w.last_response}{next}</td>
        </tr>
    }
}

#[component]
fn TemplateForm(t: TemplateView, save: ServerAction<SaveTemplate>) -> impl IntoView {
    view! {
        <ActionForm action=save attr:class="stack card">
            <h3>{t.label}</h3>
            <input type="hidden" name="kind" value=t.kind/>
            <label><span>"Subject"</span><input name="subject" value=t.subject/></label>
            <label><span>"Text"</span><textarea name="body" rows="8">{t.body}</textarea></label>
            <button type="submit" class="small">"Save template"</button>
        </ActionForm>
    }
}

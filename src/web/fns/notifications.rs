//! The admin's view of what the desk tells others: notifications to customers (the outbox and what was
//! sent, and the templates) and sanction events for provisioning systems with their webhook deliveries.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One notification as the admin reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub customer: String,
    pub case_id: Option<i64>,
    pub kind: String,
    pub recipients: String,
    pub subject: String,
    pub body: String,
    /// outbox, sent or failed.
    pub status: String,
    pub detail: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// One editable template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateView {
    pub kind: String,
    pub label: String,
    pub subject: String,
    pub body: String,
}

/// One sanction event and its delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookView {
    pub id: i64,
    pub event: String,
    pub payload: String,
    /// pending, delivered or failed.
    pub status: String,
    pub attempts: i64,
    pub last_response: String,
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Everything of the notifications page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsPage {
    /// Whether an SMTP relay is configured; without one notifications stay in the outbox.
    pub relay: Option<String>,
    pub notifications: Vec<NotificationView>,
    pub templates: Vec<TemplateView>,
    pub placeholders: Vec<String>,
    /// The webhook sanction events go to, if one is configured.
    pub webhook: Option<String>,
    pub webhook_events: Vec<WebhookView>,
}

/// The newest notifications (`status`: empty for all, or outbox, sent, failed) and the templates.
#[server(endpoint = "list_notifications")]
pub async fn list_notifications(status: String) -> Result<NotificationsPage, AppError> {
    use crate::notify::{template, Kind, PLACEHOLDERS};
    crate::auth::require(&[crate::domain::role::Role::Admin])?;
    let state = super::app_state()?;
    let status = Some(status.trim()).filter(|s| ["outbox", "sent", "failed"].contains(s));
    let notifications = state
        .store
        .list_notifications(status, 200)
        .await?
        .into_iter()
        .map(|n| NotificationView {
            id: n.notification_id,
            customer: n.customer_name.unwrap_or_else(|| "a reporter".to_owned()),
            case_id: n.abuse_case_id,
            kind: n.kind,
            recipients: n.recipients,
            subject: n.subject,
            body: n.body,
            status: n.status,
            detail: n.detail,
            at: n.created_at,
        })
        .collect();
    let mut templates = Vec::new();
    for kind in Kind::ALL {
        let t = template(&state.store, kind).await?;
        templates.push(TemplateView { kind: kind.code().to_owned(), label: kind.label().to_owned(), subject: t.subject, body: t.body });
    }
    let webhook_events = state
        .store
        .list_webhooks(100)
        .await?
        .into_iter()
        .map(|w| WebhookView {
            id: w.webhook_delivery_id,
            event: w.event,
            payload: w.payload,
            status: w.status,
            attempts: w.attempts,
            last_response: w.last_response,
            next_attempt_at: w.next_attempt_at,
            at: w.created_at,
        })
        .collect();
    Ok(NotificationsPage {
        relay: state.settings.smtp_relay.as_ref().map(|r| format!("{}:{} as {}", r.host, r.port, r.from)),
        notifications,
        templates,
        placeholders: PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect(),
        webhook: state.settings.webhook.as_ref().map(|w| w.url.clone()),
        webhook_events,
    })
}

/// Replaces a template; an empty subject or body restores the default.
#[server(endpoint = "save_template")]
pub async fn save_template(kind: String, subject: String, body: String) -> Result<(), AppError> {
    use crate::notify::{set_template, Kind, Template};
    let admin = crate::auth::require(&[crate::domain::role::Role::Admin])?;
    let state = super::app_state()?;
    let kind = Kind::parse(kind.trim()).ok_or_else(|| AppError::invalid("kind", "unknown notification").with_response_status())?;
    set_template(&state.store, kind, &Template { subject, body }).await?;
    crate::audit::record(&state.store, &admin.username, "notify.template", kind.code(), "template saved").await?;
    Ok(())
}

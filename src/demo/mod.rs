//! The demo dataset behind `abusedesk serve --demo`: enough for a newcomer to see every capability of the
//! desk within a minute. Each capability adds its own demo data here.

mod attribution;
mod cases;
mod mail;

use anyhow::{bail, Context};

use crate::auth::accounts;
use crate::domain::role::Role;
use crate::intake;
use crate::store::{self, Channel, Store};

const DEMO_MARK: &str = "demo_dataset";

/// A demo account and its published password.
pub struct DemoAccount {
    pub username: &'static str,
    pub password: String,
    pub role: Role,
}

const PEOPLE: &[(&str, &str, Role)] = &[
    ("admin", "Ada Admin", Role::Admin),
    ("alex", "Alex Analyst", Role::Analyst),
    ("sam", "Sam Analyst", Role::Analyst),
    ("morgan", "Morgan Manager", Role::Manager),
];

/// The customer portal's demo accounts: Newsletter Ltd's, whose case has a warning and a dispute; and
/// Jordan Doe's, whose infected line was restricted and who appeals it (so a manager has an appeal waiting).
const PORTALS: &[(&str, &str, &str)] =
    &[("newsletter", "Nina of Newsletter Ltd", "C-1002"), ("jordan", "Jordan Doe", "C-1003")];

/// Loads the demo dataset once (later starts reuse it) and returns the demo accounts.
/// Refuses a database that holds real accounts, so demo data never mixes with real data.
pub async fn load(store: &Store) -> anyhow::Result<Vec<DemoAccount>> {
    let loaded = store.find_setting(DEMO_MARK).await?.is_some();
    if !loaded {
        if store.count_users().await? > 0 {
            bail!(
                "this database already has accounts and holds no demo data; give the demo its own database \
                 (without DATABASE_URL it uses data/demo.db)"
            );
        }
        let by = crate::audit::Actor::system("demo");
        for (username, name, role) in PEOPLE {
            accounts::create_account_with_password(store, &by, username, name, *role, &password(username), false)
                .await?;
        }
        // A disabled account, so the admin page shows what one looks like.
        let former = accounts::create_account_with_password(
            store,
            &by,
            "jo",
            "Jo Former-Analyst",
            Role::Analyst,
            &password("jo"),
            false,
        )
        .await?;
        accounts::set_disabled(store, &by, former.user_id, true).await?;
        // A new colleague whose one-time password is still unchanged, for the admin's front page.
        accounts::create_account_with_password(
            store,
            &by,
            "riley",
            "Riley New-Analyst",
            Role::Analyst,
            &password("riley"),
            true,
        )
        .await?;
        let now = store::now();
        attribution::load_before_mail(store, now).await.context("failed to load the demo customers")?;
        let customers = store.customer_ids_by_ref().await?;
        for (username, name, account_ref) in PORTALS {
            let customer = customers.get(*account_ref).copied().context("a demo customer is missing")?;
            accounts::create_portal_account(store, &by, customer, username, name, Some(&password(username))).await?;
        }
        for m in mail::messages(now) {
            intake::receive(store, &m.raw, Channel::Mta, Some(m.recipient), intake::DEFAULT_MAX_MESSAGE_BYTES)
                .await
                .context("failed to store a demo message")?;
        }
        attribution::load_after_mail(store, now).await.context("failed to load the late demo assignments")?;
        cases::load_after_mail(store, now).await.context("failed to load the demo triage work")?;
        // One notification the customer's mail server refused, so the admin sees what a failure looks like.
        if let Some(n) = store.outbox(1).await?.first() {
            store.mark_notification(n.notification_id, "failed", "550 5.1.1 mailbox unavailable (demo)", now).await?;
        }
        // The chain checked once, so the admin's front page shows when and with what result.
        crate::audit::check::verify_and_record(store, &by).await.context("failed to verify the demo audit chain")?;
        store.put_setting(DEMO_MARK, "1", store::now()).await?;
    }
    let portals = PORTALS.iter().map(|(username, ..)| DemoAccount {
        username,
        password: password(username),
        role: Role::Customer,
    });
    Ok(PEOPLE
        .iter()
        .map(|(username, _, role)| DemoAccount { username, password: password(username), role: *role })
        .chain(portals)
        .collect())
}

fn password(username: &str) -> String {
    format!("{username}-demo-password")
}

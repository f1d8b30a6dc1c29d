//! Account and token operations (`auth::accounts`, `auth::ingest_token`): each writes its audit entry, naming
//! who acted, in the same unit as the change, on both backends.

use abusedesk::auth::ingest_token::{self, TokenScope};
use abusedesk::audit::Actor;
use abusedesk::auth::accounts;
use abusedesk::domain::role::Role;
use abusedesk::store::{Backend, Store};

use crate::backends::on_each_backend;
use crate::customers::customer_holding;

/// (actor, action, subject) of every account and token entry in the audit log, oldest first.
async fn audit_trail(s: &Store) -> Vec<(String, String, String)> {
    let entries = s.audit_entries(0, 100).await.unwrap().into_iter();
    entries.filter(|e| e.action.starts_with("user.") || e.action.starts_with("token.")).map(|e| (e.actor, e.action, e.subject)).collect()
}

#[tokio::test]
async fn every_account_and_token_change_is_audited_with_who_made_it() {
    on_each_backend(|s: Store| async move {
        let setup = Actor::system("setup");
        let admin = accounts::create_account_with_password(&s, &setup, "ada", "Ada", Role::Admin, "ada-long-password", false).await.unwrap();
        let by = Actor::user(&admin.current_user());
        let acme = customer_holding(&s, "ACME", &["192.0.2.0/24"]).await;

        let bob = accounts::create_account(&s, &by, "bob", "Bob", Role::Analyst).await.unwrap().account;
        let pat = accounts::create_portal_account(&s, &by, acme, "pat", "Pat", None).await.unwrap().account;
        accounts::reset_password(&s, &by, bob.user_id).await.unwrap();
        accounts::set_password(&s, &by, bob.user_id, "bob-chosen-password", false).await.unwrap();
        accounts::set_role(&s, &by, bob.user_id, Role::Manager).await.unwrap();
        accounts::set_disabled(&s, &by, bob.user_id, true).await.unwrap();
        let token = ingest_token::create(&s, &by, "postfix on mx1", TokenScope::Ingest).await.unwrap();
        ingest_token::revoke(&s, &by, token.ingest_token_id).await.unwrap();

        let (b, p, t) = (format!("user:{}", bob.user_id), format!("user:{}", pat.user_id), format!("token:{}", token.ingest_token_id));
        let expected = [
            ("setup", "user.created", format!("user:{}", admin.user_id)),
            ("ada", "user.created", b.clone()),
            ("ada", "user.portal_invited", p),
            ("ada", "user.password_reset", b.clone()),
            ("ada", "user.password_set", b.clone()),
            ("ada", "user.role", b.clone()),
            ("ada", "user.access", b),
            ("ada", "token.created", t.clone()),
            ("ada", "token.revoked", t),
        ];
        let expected: Vec<_> = expected.into_iter().map(|(a, b, c)| (a.to_owned(), b.to_owned(), c)).collect();
        assert_eq!(audit_trail(&s).await, expected);
        let listed = s.list_ingest_tokens().await.unwrap();
        assert_eq!(listed[0].created_by.as_deref(), Some("ada"), "the token names its creator");
    })
    .await;
}

#[tokio::test]
async fn an_account_change_whose_audit_entry_cannot_be_written_is_not_made() {
    on_each_backend(|s: Store| async move {
        let setup = Actor::system("setup");
        let bob = accounts::create_account_with_password(&s, &setup, "bob", "Bob", Role::Analyst, "bob-long-password", false).await.unwrap();
        const AWAY: &str = "alter table audit_log rename to audit_log_away";
        match s.backend() {
            Backend::Sqlite(pool) => sqlx::query(AWAY).execute(pool).await.unwrap().rows_affected(),
            Backend::Postgres(pool) => sqlx::query(AWAY).execute(pool).await.unwrap().rows_affected(),
        };
        assert!(accounts::set_role(&s, &setup, bob.user_id, Role::Admin).await.is_err());
        assert!(accounts::set_disabled(&s, &setup, bob.user_id, true).await.is_err());
        assert!(accounts::reset_password(&s, &setup, bob.user_id).await.is_err());
        assert!(accounts::create_account(&s, &setup, "carol", "Carol", Role::Analyst).await.is_err());
        assert!(ingest_token::create(&s, &setup, "mx1", TokenScope::Read).await.is_err());
        let after = s.find_user(bob.user_id).await.unwrap().unwrap();
        assert_eq!((after.role, after.disabled_at, after.password_hash), (Role::Analyst, None, bob.password_hash));
        assert_eq!(s.count_users().await.unwrap(), 1, "carol was not created");
        assert!(s.list_ingest_tokens().await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_password_change_by_its_holder_is_audited_as_theirs() {
    on_each_backend(|s: Store| async move {
        let setup = Actor::system("setup");
        let cy = accounts::create_account_with_password(&s, &setup, "cy", "Cy", Role::Analyst, "cy-long-password", false).await.unwrap();
        let policy = abusedesk::auth::throttle::ThrottlePolicy::default();
        let new = "cy-second-password";
        assert!(accounts::change_own_password(&s, &policy, cy.user_id, "not-my-password", new, new).await.is_err());
        accounts::change_own_password(&s, &policy, cy.user_id, "cy-long-password", new, new).await.unwrap();
        let trail = audit_trail(&s).await;
        let subject = format!("user:{}", cy.user_id);
        assert_eq!(trail[1], ("cy".to_owned(), "user.password_change_failed".to_owned(), subject.clone()));
        assert_eq!(trail[2], ("cy".to_owned(), "user.password_changed".to_owned(), subject));
    })
    .await;
}

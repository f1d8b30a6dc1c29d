use abusedesk::domain::ids::UserId;
use abusedesk::domain::role::Role;
use abusedesk::store::{self, NewUser, Store, StoreError};
use chrono::{DateTime, Duration, Utc};

use crate::backends::on_each_backend;

/// Inserts an account in a unit of its own (accounts are created only inside a unit).
pub(crate) async fn insert_user(s: &Store, user: &NewUser, now: DateTime<Utc>) -> Result<UserId, StoreError> {
    let mut tx = s.begin().await?;
    let id = tx.insert_user(user, now).await?;
    tx.commit().await?;
    Ok(id)
}

fn new_user(username: &str, role: Role) -> NewUser {
    NewUser {
        username: username.to_owned(),
        display_name: format!("{username} display"),
        password_hash: format!("$argon2id$fake${username}"),
        role,
        must_change_password: true,
        password_expires_at: Some("2030-01-04T00:00:00Z".parse().unwrap()),
        customer_id: None,
    }
}

#[tokio::test]
async fn users_are_inserted_found_counted_and_listed() {
    on_each_backend(|s: Store| async move {
        assert_eq!(s.count_users().await.unwrap(), 0);
        let now = store::now();
        let bob = insert_user(&s, &new_user("bob", Role::Manager), now).await.unwrap();
        let alice = insert_user(&s, &new_user("alice", Role::Analyst), now).await.unwrap();
        assert_ne!(alice, bob);
        assert_eq!(s.count_users().await.unwrap(), 2);

        let found = s.find_user(alice).await.unwrap().unwrap();
        assert_eq!(found.username, "alice");
        assert_eq!(found.display_name, "alice display");
        assert_eq!(found.role, Role::Analyst);
        assert_eq!(found.password_hash, "$argon2id$fake$alice");
        assert!(found.must_change_password);
        assert_eq!(found.password_expires_at, Some("2030-01-04T00:00:00Z".parse().unwrap()));
        assert_eq!(found.disabled_at, None);
        assert_eq!(found.created_at, now, "instants round-trip exactly");
        assert_eq!(s.find_user_by_username("bob").await.unwrap().map(|u| u.user_id), Some(bob));
        assert!(s.find_user_by_username("carol").await.unwrap().is_none());
        assert!(s.find_user(UserId(9_999)).await.unwrap().is_none());

        let names: Vec<_> = s.list_users().await.unwrap().into_iter().map(|u| u.username).collect();
        assert_eq!(names, ["alice", "bob"], "listed by username");
    })
    .await;
}

#[tokio::test]
async fn a_taken_username_is_a_conflict() {
    on_each_backend(|s: Store| async move {
        insert_user(&s, &new_user("dup", Role::Analyst), store::now()).await.unwrap();
        let again = insert_user(&s, &new_user("dup", Role::Admin), store::now()).await;
        assert!(matches!(again, Err(StoreError::Conflict { .. })), "{again:?}");
        assert_eq!(s.count_users().await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn role_access_and_password_can_be_changed() {
    on_each_backend(|s: Store| async move {
        let created = store::now();
        let id = insert_user(&s, &new_user("erin", Role::Analyst), created).await.unwrap();
        let later = created + Duration::minutes(5);

        let mut tx = s.begin().await.unwrap();
        tx.set_user_role(id, Role::Manager, later).await.unwrap();
        tx.set_user_disabled(id, true, later).await.unwrap();
        tx.commit().await.unwrap();
        let u = s.find_user(id).await.unwrap().unwrap();
        assert_eq!(u.role, Role::Manager);
        assert_eq!(u.disabled_at, Some(later));
        assert_eq!(u.updated_at, later);
        assert_eq!(u.created_at, created);

        let mut tx = s.begin().await.unwrap();
        tx.set_user_disabled(id, false, later).await.unwrap();
        tx.set_user_password(id, "$argon2id$new", None, later).await.unwrap();
        tx.commit().await.unwrap();
        let u = s.find_user(id).await.unwrap().unwrap();
        assert_eq!(u.disabled_at, None);
        assert_eq!(u.password_hash, "$argon2id$new");
        assert!(!u.must_change_password);
        assert_eq!(u.password_expires_at, None, "a chosen password does not expire");

        let until = later + Duration::hours(72);
        let mut tx = s.begin().await.unwrap();
        tx.set_user_password(id, "$argon2id$one-time", Some(until), later).await.unwrap();
        tx.commit().await.unwrap();
        let u = s.find_user(id).await.unwrap().unwrap();
        assert!(u.must_change_password);
        assert_eq!(u.password_expires_at, Some(until));
        assert!(!u.one_time_password_expired(until - Duration::seconds(1)));
        assert!(u.one_time_password_expired(until));
    })
    .await;
}

#[tokio::test]
async fn changing_a_missing_user_is_not_found() {
    on_each_backend(|s: Store| async move {
        let ghost = UserId(4_242);
        let now = store::now();
        let mut tx = s.begin().await.unwrap();
        assert!(matches!(tx.set_user_role(ghost, Role::Admin, now).await, Err(StoreError::NotFound)));
        assert!(matches!(tx.set_user_disabled(ghost, true, now).await, Err(StoreError::NotFound)));
        assert!(matches!(tx.set_user_password(ghost, "x", None, now).await, Err(StoreError::NotFound)));
        assert!(tx.find_user(ghost).await.unwrap().is_none());
    })
    .await;
}

#[tokio::test]
async fn a_fresh_database_is_at_the_newest_schema_and_answers_pings() {
    on_each_backend(|s: Store| async move {
        assert!(s.schema_version().await.unwrap() >= 1);
        s.ping().await.unwrap();
        assert!(["SQLite", "PostgreSQL"].contains(&s.backend_name()));
        // Migrating again is a no-op.
        s.migrate().await.unwrap();
    })
    .await;
}

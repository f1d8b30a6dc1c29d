//! Signing in and changing one's password as services (`auth::signin`, `auth::accounts`): the throttle slot
//! is taken before any hashing, so parallel attempts cannot outnumber the limit, on either backend.

use std::net::IpAddr;

use abusedesk::auth::accounts::{self, AccountError};
use abusedesk::auth::signin::{authenticate, SignInOutcome};
use abusedesk::auth::throttle::ThrottlePolicy;
use abusedesk::domain::role::Role;
use abusedesk::store::{self, Store};
use chrono::Duration;

use crate::backends::on_each_backend;

const CLIENT: &str = "192.0.2.44";

fn client() -> IpAddr {
    CLIENT.parse().unwrap()
}

async fn account(s: &Store, name: &str) -> abusedesk::store::UserAccount {
    accounts::create_account_with_password(s, &abusedesk::auth::Actor::system("test"), name, name, Role::Analyst, &format!("{name}-long-password"), false).await.unwrap()
}

#[tokio::test]
async fn three_hundred_parallel_wrong_passwords_get_five_evaluations() {
    on_each_backend(|s: Store| async move {
        account(&s, "jack").await;
        let now = store::now();
        let mut attempts = tokio::task::JoinSet::new();
        for i in 0..300 {
            let s = s.clone();
            attempts.spawn(async move {
                authenticate(&s, &ThrottlePolicy::default(), "jack", &format!("guess number {i}"), client(), now).await.unwrap()
            });
        }
        let outcomes = attempts.join_all().await;
        let evaluated = outcomes.iter().filter(|o| matches!(o, SignInOutcome::Invalid)).count();
        let throttled = outcomes.iter().filter(|o| matches!(o, SignInOutcome::Throttled { minutes: 15 })).count();
        assert_eq!((evaluated, throttled), (5, 295));
        let failures = s.audit_page(Some("user.sign_in_failed"), None, 400, 0).await.unwrap();
        assert_eq!(failures.len(), 5, "one audit entry per evaluated attempt");
        assert_eq!(s.count_signin_failures("account:jack", now - Duration::hours(1)).await.unwrap(), 5);
        // The right password waits out the window too.
        let right = authenticate(&s, &ThrottlePolicy::default(), "jack", "jack-long-password", client(), now).await.unwrap();
        assert!(matches!(right, SignInOutcome::Throttled { .. }), "{right:?}");
    })
    .await;
}

#[tokio::test]
async fn a_successful_sign_in_is_audited_and_forgets_the_account_failures() {
    on_each_backend(|s: Store| async move {
        let kim = account(&s, "kim").await;
        let now = store::now();
        let policy = ThrottlePolicy::default();
        for _ in 0..3 {
            let wrong = authenticate(&s, &policy, "kim", "not-the-password", client(), now).await.unwrap();
            assert!(matches!(wrong, SignInOutcome::Invalid), "{wrong:?}");
        }
        let right = authenticate(&s, &policy, "Kim", "kim-long-password", client(), now).await.unwrap();
        assert!(matches!(right, SignInOutcome::SignedIn(ref a) if a.user_id == kim.user_id), "{right:?}");
        assert_eq!(s.count_signin_failures("account:kim", now).await.unwrap(), 0);
        assert_eq!(s.count_signin_failures(&format!("address:{CLIENT}"), now).await.unwrap(), 3, "the address keeps its count");
        let entries = s.audit_page(Some("user.signed_in"), None, 10, 0).await.unwrap();
        assert_eq!((entries.len(), entries[0].subject.clone()), (1, format!("user:{}", kim.user_id)));
    })
    .await;
}

#[tokio::test]
async fn wrong_current_passwords_throttle_a_password_change() {
    on_each_backend(|s: Store| async move {
        let lou = account(&s, "lou").await;
        let mut attempts = tokio::task::JoinSet::new();
        for i in 0..50 {
            let s = s.clone();
            attempts.spawn(async move {
                let new = "a-brand-new-password";
                accounts::change_own_password(&s, &ThrottlePolicy::default(), lou.user_id, &format!("guess {i}"), new, new).await
            });
        }
        let outcomes = attempts.join_all().await;
        let wrong = outcomes.iter().filter(|o| matches!(o, Err(AccountError::WrongPassword))).count();
        let throttled = outcomes.iter().filter(|o| matches!(o, Err(AccountError::Throttled { .. }))).count();
        assert_eq!((wrong, throttled), (5, 45));
        let new = "a-brand-new-password";
        let right = accounts::change_own_password(&s, &ThrottlePolicy::default(), lou.user_id, "lou-long-password", new, new).await;
        assert!(matches!(right, Err(AccountError::Throttled { minutes: 15 })), "{right:?}");
        // Sign-in guesses the same secret, so it is blocked too.
        let signin = authenticate(&s, &ThrottlePolicy::default(), "lou", "lou-long-password", client(), store::now()).await.unwrap();
        assert!(matches!(signin, SignInOutcome::Throttled { .. }), "{signin:?}");
    })
    .await;
}

#[tokio::test]
async fn a_right_current_password_changes_it_and_clears_the_failures() {
    on_each_backend(|s: Store| async move {
        let mo = account(&s, "mo").await;
        let policy = ThrottlePolicy::default();
        let new = "mo-second-password";
        let wrong = accounts::change_own_password(&s, &policy, mo.user_id, "nope-nope-nope", new, new).await;
        assert!(matches!(wrong, Err(AccountError::WrongPassword)), "{wrong:?}");
        let changed = accounts::change_own_password(&s, &policy, mo.user_id, "mo-long-password", new, new).await.unwrap();
        assert_ne!(changed.password_hash, mo.password_hash);
        assert_eq!(s.count_signin_failures("account:mo", store::now() - Duration::hours(1)).await.unwrap(), 0);
    })
    .await;
}

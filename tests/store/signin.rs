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
    accounts::create_account_with_password(s, &abusedesk::audit::Actor::system("test"), name, name, Role::Analyst, &format!("{name}-long-password"), false).await.unwrap()
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

#[tokio::test]
async fn a_one_time_password_signs_in_for_72_hours_and_is_then_refused() {
    on_each_backend(|s: Store| async move {
        let setup = abusedesk::audit::Actor::system("setup");
        let issued = accounts::create_account(&s, &setup, "oona", "Oona", Role::Analyst).await.unwrap();
        let expiry = issued.account.password_expires_at.unwrap();
        assert_eq!(expiry - issued.account.created_at, Duration::hours(72));
        let policy = ThrottlePolicy::default();
        let at = |when| authenticate(&s, &policy, "oona", &issued.one_time_password, client(), when);
        assert!(matches!(at(expiry - Duration::seconds(1)).await.unwrap(), SignInOutcome::SignedIn(_)));
        let late = at(expiry).await.unwrap();
        assert!(matches!(late, SignInOutcome::Expired), "{late:?}");
        let refused = s.audit_page(Some("user.sign_in_refused"), Some("oona"), 10, 0).await.unwrap();
        assert_eq!(refused.len(), 1);
        assert_eq!(s.count_signin_failures("account:oona", expiry).await.unwrap(), 0, "not counted as a wrong guess");
        // A wrong password after expiry is still just wrong: expiry is told only to whoever knows the password.
        let wrong = authenticate(&s, &policy, "oona", "not-the-password", client(), expiry).await.unwrap();
        assert!(matches!(wrong, SignInOutcome::Invalid), "{wrong:?}");

        // A reset issues a new one-time password with a new lifetime.
        let reset = accounts::reset_password(&s, &setup, issued.account.user_id).await.unwrap();
        let new_expiry = reset.account.password_expires_at.unwrap();
        assert!(new_expiry >= expiry);
        let fresh = authenticate(&s, &policy, "oona", &reset.one_time_password, client(), new_expiry - Duration::hours(1)).await.unwrap();
        assert!(matches!(fresh, SignInOutcome::SignedIn(_)), "{fresh:?}");
    })
    .await;
}

#[tokio::test]
async fn a_portal_invitation_expires_and_a_chosen_password_does_not() {
    on_each_backend(|s: Store| async move {
        let setup = abusedesk::audit::Actor::system("setup");
        let acme = crate::customers::customer_holding(&s, "ACME", &["192.0.2.0/24"]).await;
        let invited = accounts::create_portal_account(&s, &setup, acme, "pat", "Pat", None).await.unwrap();
        let expiry = invited.account.password_expires_at.unwrap();
        let policy = ThrottlePolicy::default();
        let late = authenticate(&s, &policy, "pat", &invited.one_time_password, client(), expiry + Duration::hours(1)).await.unwrap();
        assert!(matches!(late, SignInOutcome::Expired), "{late:?}");

        let sam = account(&s, "sam").await;
        assert_eq!(sam.password_expires_at, None);
        let years_later = store::now() + Duration::days(3 * 365);
        let chosen = authenticate(&s, &policy, "sam", "sam-long-password", client(), years_later).await.unwrap();
        assert!(matches!(chosen, SignInOutcome::SignedIn(_)), "{chosen:?}");
        // Changing the one-time password ends its expiry.
        let new = "pat-chosen-password";
        let pat = accounts::change_own_password(&s, &policy, invited.account.user_id, &invited.one_time_password, new, new).await.unwrap();
        assert_eq!((pat.must_change_password, pat.password_expires_at), (false, None));
    })
    .await;
}

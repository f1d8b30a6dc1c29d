//! Signing in with a username and password, apart from HTTP: the throttle slot is taken before anything
//! is hashed, the password is checked, and the outcome is written together with its audit entry.
//! `server::signin` turns the outcome into a session and a redirect.
//!
//! An audit entry that cannot be written fails the attempt. For a successful sign-in the slot release and
//! the `user.signed_in` entry are one unit, so nobody is signed in without the entry. A failed attempt's
//! slot is already committed as a failure before hashing (the throttle must count it whatever happens
//! next); its `user.sign_in_failed` entry follows in a unit of its own, and when that cannot be written the
//! attempt ends in an error the caller logs and answers with 503: the person was refused either way, and
//! an error rather than "wrong password" tells them, and the operators, that the desk is not well.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use super::password::{verify_password, PasswordError};
use super::throttle::{ThrottleKeys, ThrottlePolicy};
use crate::domain::user::parse_username;
use crate::store::{Store, StoreError, UserAccount};

/// What became of one sign-in attempt.
#[derive(Debug)]
pub enum SignInOutcome {
    /// The credentials are right and the account may sign in.
    SignedIn(UserAccount),
    /// Wrong username or password, or a disabled account: one answer for all, revealing nothing.
    Invalid,
    /// Too many failures under the account or the address; nothing was evaluated.
    Throttled { minutes: i64 },
    /// The right one-time password (or portal invitation), but past its lifetime: it no longer signs in.
    /// Said plainly, since only someone who knows the password learns it.
    Expired,
}

/// The attempt could not be evaluated or its outcome not recorded.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Password(#[from] PasswordError),
}

/// Evaluates one attempt by `client` at `now`.
///
/// # Errors
/// Database errors, including an audit entry that cannot be written; hashing failures.
pub async fn authenticate(
    store: &Store,
    policy: &ThrottlePolicy,
    username: &str,
    password: &str,
    client: IpAddr,
    now: DateTime<Utc>,
) -> Result<SignInOutcome, SignInError> {
    // An impossible username is simply an account that does not exist: same answer, same timing.
    let username = parse_username(username).unwrap_or_default();
    let keys = ThrottleKeys::new(&username, client);
    let Some(admission) = policy.admit(store, &keys, now).await? else {
        tracing::warn!(%client, "sign-in throttled");
        return Ok(SignInOutcome::Throttled { minutes: policy.wait_minutes() });
    };
    let account = match username.as_str() {
        "" => None,
        name => store.find_user_by_username(name).await?,
    };
    let verified = verify_password(account.as_ref().map(|a| a.password_hash.clone()), password.to_owned()).await?;
    match account {
        Some(account) if verified && account.disabled_at.is_none() && account.one_time_password_expired(now) => {
            // Not a wrong guess, so its slot is given back; earlier failures stay.
            let mut tx = store.begin().await?;
            admission.withdraw(&mut tx).await?;
            let subject = format!("user:{}", account.user_id);
            tx.audit(now, &account.username, "user.sign_in_refused", &subject, &format!("one-time password expired; from {client}"));
            tx.commit().await?;
            tracing::info!(user.id = %account.user_id, %client, "sign-in with an expired one-time password");
            Ok(SignInOutcome::Expired)
        }
        Some(account) if verified && account.disabled_at.is_none() => {
            let mut tx = store.begin().await?;
            admission.succeeded(&mut tx, &keys).await?;
            tx.audit(now, &account.username, "user.signed_in", &format!("user:{}", account.user_id), &client.to_string());
            tx.commit().await?;
            tracing::info!(user.id = %account.user_id, %client, "signed in");
            Ok(SignInOutcome::SignedIn(account))
        }
        _ => {
            tracing::info!(%client, "sign-in failed");
            store.append_audit(now, &username, "user.sign_in_failed", &format!("user:{username}"), &client.to_string()).await?;
            Ok(SignInOutcome::Invalid)
        }
    }
}

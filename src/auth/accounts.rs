//! Account operations shared by the admin UI and the `abusedesk user …` commands, so both apply the same
//! rules: names are validated, passwords hashed, one-time passwords must be changed at first sign-in, and an
//! administrator cannot lock themself out.

use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::domain::user::{check_new_password, parse_display_name, parse_username, UserRuleError};
use crate::error::AppError;
use crate::store::{self, NewUser, Store, StoreError, UserAccount};

use super::password::{generate_one_time_password, hash_password, verify_password, PasswordError};
use super::throttle::{ThrottleKeys, ThrottlePolicy};

/// Why an account operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Rule(#[from] UserRuleError),
    #[error("the username {0:?} is taken")]
    UsernameTaken(String),
    #[error("no such user")]
    NotFound,
    #[error("you cannot disable your own account or change your own role")]
    SelfLockout,
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("the two new passwords differ")]
    Mismatch,
    #[error("too many wrong passwords; wait {minutes} minutes, then try again")]
    Throttled { minutes: i64 },
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Password(#[from] PasswordError),
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AccountError::NotFound,
            other => AccountError::Store(other),
        }
    }
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        let error = match e {
            AccountError::Rule(UserRuleError::BadUsername) => AppError::invalid("username", e.to_string()),
            AccountError::Rule(UserRuleError::BadDisplayName) => AppError::invalid("display_name", e.to_string()),
            AccountError::Rule(_) | AccountError::Mismatch => AppError::invalid("new_password", e.to_string()),
            AccountError::WrongPassword => AppError::invalid("current", e.to_string()),
            AccountError::UsernameTaken(_) | AccountError::SelfLockout => AppError::Conflict(e.to_string()),
            AccountError::Throttled { .. } => AppError::Refused(e.to_string()),
            AccountError::NotFound => AppError::NotFound { what: "user".into() },
            AccountError::Store(s) => AppError::from(s),
            AccountError::Password(p) => AppError::from(p),
        };
        error.with_response_status()
    }
}

/// An account together with the one-time password just issued for it (shown once, never stored).
#[derive(Debug)]
pub struct IssuedPassword {
    pub account: UserAccount,
    pub one_time_password: String,
}

/// Creates an account with a one-time password that must be changed at first sign-in.
pub async fn create_account(
    store: &Store,
    username: &str,
    display_name: &str,
    role: Role,
) -> Result<IssuedPassword, AccountError> {
    let one_time_password = generate_one_time_password();
    let account = create_account_with_password(store, username, display_name, role, &one_time_password, true).await?;
    Ok(IssuedPassword { account, one_time_password })
}

/// Creates an account with a chosen password (demo data, scripted set-ups).
pub async fn create_account_with_password(
    store: &Store,
    username: &str,
    display_name: &str,
    role: Role,
    password: &str,
    must_change_password: bool,
) -> Result<UserAccount, AccountError> {
    insert_account(store, username, display_name, role, password, must_change_password, None).await
}

/// Creates a customer's portal account, linked to that one customer record. Without `password` a one-time
/// password is issued that must be changed at first sign-in: the invitation staff pass on.
pub async fn create_portal_account(
    store: &Store,
    customer_id: i64,
    username: &str,
    display_name: &str,
    password: Option<&str>,
) -> Result<IssuedPassword, AccountError> {
    let (one_time_password, must_change) = match password {
        Some(p) => (p.to_owned(), false),
        None => (generate_one_time_password(), true),
    };
    let account =
        insert_account(store, username, display_name, Role::Customer, &one_time_password, must_change, Some(customer_id)).await?;
    Ok(IssuedPassword { account, one_time_password })
}

async fn insert_account(
    store: &Store,
    username: &str,
    display_name: &str,
    role: Role,
    password: &str,
    must_change_password: bool,
    customer_id: Option<i64>,
) -> Result<UserAccount, AccountError> {
    let username = parse_username(username)?;
    let display_name = parse_display_name(display_name, &username)?;
    check_new_password(password)?;
    let password_hash = hash_password(password.to_owned()).await?;
    let new = NewUser { username: username.clone(), display_name, password_hash, role, must_change_password, customer_id };
    let id = match store.insert_user(&new, store::now()).await {
        Err(StoreError::Conflict { .. }) => return Err(AccountError::UsernameTaken(username)),
        other => other?,
    };
    store.find_user(id).await?.ok_or(AccountError::NotFound)
}

/// Replaces an account's password with a new one-time password.
pub async fn reset_password(store: &Store, user_id: UserId) -> Result<IssuedPassword, AccountError> {
    let one_time_password = generate_one_time_password();
    let hash = hash_password(one_time_password.clone()).await?;
    store.set_user_password(user_id, &hash, true, store::now()).await?;
    let account = store.find_user(user_id).await?.ok_or(AccountError::NotFound)?;
    Ok(IssuedPassword { account, one_time_password })
}

/// Sets a chosen password (`abusedesk user set-password`).
pub async fn set_password(store: &Store, user_id: UserId, password: &str, must_change: bool) -> Result<(), AccountError> {
    check_new_password(password)?;
    let hash = hash_password(password.to_owned()).await?;
    store.set_user_password(user_id, &hash, must_change, store::now()).await?;
    Ok(())
}

/// A signed-in user changes their own password; returns the updated account so the caller can renew the
/// session (which is bound to the password). Checking the current password guesses the account's secret,
/// so it is throttled like sign-in, under the same account key: the slot is taken before any hashing.
pub async fn change_own_password(
    store: &Store,
    policy: &ThrottlePolicy,
    user_id: UserId,
    current: &str,
    new_password: &str,
    confirm: &str,
) -> Result<UserAccount, AccountError> {
    let account = store.find_user(user_id).await?.ok_or(AccountError::NotFound)?;
    // Refusals that need no hashing come first and cost no slot.
    if new_password != confirm {
        return Err(AccountError::Mismatch);
    }
    check_new_password(new_password)?;
    let keys = ThrottleKeys::for_account(&account.username);
    let now = store::now();
    let Some(admission) = policy.admit(store, &keys, now).await? else {
        return Err(AccountError::Throttled { minutes: policy.wait_minutes() });
    };
    if !verify_password(Some(account.password_hash.clone()), current.to_owned()).await? {
        return Err(AccountError::WrongPassword);
    }
    let hash = hash_password(new_password.to_owned()).await?;
    let mut tx = store.begin().await?;
    admission.succeeded(&mut tx, &keys).await?;
    tx.commit().await?;
    store.set_user_password(user_id, &hash, false, now).await?;
    store.find_user(user_id).await?.ok_or(AccountError::NotFound)
}

/// Changes another account's role. `acting` is the administrator doing it (None from the CLI).
pub async fn set_role(store: &Store, acting: Option<UserId>, target: UserId, role: Role) -> Result<(), AccountError> {
    if acting == Some(target) {
        return Err(AccountError::SelfLockout);
    }
    store.set_user_role(target, role, store::now()).await?;
    Ok(())
}

/// Disables or re-enables another account. `acting` is the administrator doing it (None from the CLI).
pub async fn set_disabled(store: &Store, acting: Option<UserId>, target: UserId, disabled: bool) -> Result<(), AccountError> {
    if acting == Some(target) {
        return Err(AccountError::SelfLockout);
    }
    store.set_user_disabled(target, disabled, store::now()).await?;
    Ok(())
}

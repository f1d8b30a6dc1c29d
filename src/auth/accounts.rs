//! Account operations shared by the admin UI and the `abusedesk user …` commands, so both apply the same
//! rules: names are validated, passwords hashed, one-time passwords must be changed at first sign-in and
//! expire after `domain::user::ONE_TIME_PASSWORD_HOURS`, and an administrator cannot lock themself out.
//!
//! Every operation takes the [`Actor`] making it and writes its audit entry (`user.…`) in the same unit as
//! the change: both are kept or neither, and no caller can change an account without the entry.

use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::domain::user::{check_new_password, one_time_password_expiry, parse_display_name, parse_username, UserRuleError};
use crate::error::AppError;
use crate::store::{self, NewUser, Store, StoreError, UserAccount};

use crate::audit::Actor;
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

/// Creates a staff account with a one-time password that must be changed at first sign-in.
pub async fn create_account(
    store: &Store,
    by: &Actor,
    username: &str,
    display_name: &str,
    role: Role,
) -> Result<IssuedPassword, AccountError> {
    let one_time_password = generate_one_time_password();
    let account = create_account_with_password(store, by, username, display_name, role, &one_time_password, true).await?;
    Ok(IssuedPassword { account, one_time_password })
}

/// Creates an account with a chosen password (demo data, scripted set-ups).
pub async fn create_account_with_password(
    store: &Store,
    by: &Actor,
    username: &str,
    display_name: &str,
    role: Role,
    password: &str,
    must_change_password: bool,
) -> Result<UserAccount, AccountError> {
    let new = NewAccount { username, display_name, role, password, must_change_password, customer_id: None };
    insert_account(store, by, new, "user.created", role.as_str()).await
}

/// Creates a customer's portal account, linked to that one customer record. Without `password` a one-time
/// password is issued that must be changed at first sign-in: the invitation staff pass on.
pub async fn create_portal_account(
    store: &Store,
    by: &Actor,
    customer_id: i64,
    username: &str,
    display_name: &str,
    password: Option<&str>,
) -> Result<IssuedPassword, AccountError> {
    let (one_time_password, must_change_password) = match password {
        Some(p) => (p.to_owned(), false),
        None => (generate_one_time_password(), true),
    };
    let new = NewAccount {
        username,
        display_name,
        role: Role::Customer,
        password: &one_time_password,
        must_change_password,
        customer_id: Some(customer_id),
    };
    let account = insert_account(store, by, new, "user.portal_invited", &format!("customer:{customer_id}")).await?;
    Ok(IssuedPassword { account, one_time_password })
}

/// An account to create, before validation.
struct NewAccount<'a> {
    username: &'a str,
    display_name: &'a str,
    role: Role,
    password: &'a str,
    must_change_password: bool,
    customer_id: Option<i64>,
}

async fn insert_account(
    store: &Store,
    by: &Actor,
    new: NewAccount<'_>,
    action: &str,
    detail: &str,
) -> Result<UserAccount, AccountError> {
    let username = parse_username(new.username)?;
    let display_name = parse_display_name(new.display_name, &username)?;
    check_new_password(new.password)?;
    let password_hash = hash_password(new.password.to_owned()).await?;
    let now = store::now();
    let user = NewUser {
        username: username.clone(),
        display_name,
        password_hash,
        role: new.role,
        must_change_password: new.must_change_password,
        password_expires_at: new.must_change_password.then(|| one_time_password_expiry(now)),
        customer_id: new.customer_id,
    };
    let mut tx = store.begin().await?;
    let id = match tx.insert_user(&user, now).await {
        Err(StoreError::Conflict { .. }) => return Err(AccountError::UsernameTaken(username)),
        other => other?,
    };
    let account = tx.find_user(id).await?.ok_or(AccountError::NotFound)?;
    tx.audit(now, by.name(), action, &subject(id), detail);
    tx.commit().await?;
    Ok(account)
}

/// Replaces an account's password with a new one-time password.
pub async fn reset_password(store: &Store, by: &Actor, user_id: UserId) -> Result<IssuedPassword, AccountError> {
    let one_time_password = generate_one_time_password();
    let account = store_password(store, by, user_id, &one_time_password, true, "user.password_reset").await?;
    Ok(IssuedPassword { account, one_time_password })
}

/// Sets a chosen password (`abusedesk user set-password --password-stdin`).
pub async fn set_password(store: &Store, by: &Actor, user_id: UserId, password: &str, must_change: bool) -> Result<(), AccountError> {
    check_new_password(password)?;
    store_password(store, by, user_id, password, must_change, "user.password_set").await?;
    Ok(())
}

/// Hashes and stores a password with its audit entry; returns the updated account.
async fn store_password(
    store: &Store,
    by: &Actor,
    user_id: UserId,
    password: &str,
    must_change: bool,
    action: &str,
) -> Result<UserAccount, AccountError> {
    let hash = hash_password(password.to_owned()).await?;
    let now = store::now();
    let mut tx = store.begin().await?;
    tx.set_user_password(user_id, &hash, must_change.then(|| one_time_password_expiry(now)), now).await?;
    let account = tx.find_user(user_id).await?.ok_or(AccountError::NotFound)?;
    let detail = if must_change { "one-time password" } else { "chosen password" };
    tx.audit(now, by.name(), action, &subject(user_id), detail);
    tx.commit().await?;
    Ok(account)
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
        store.append_audit(now, &account.username, "user.password_change_failed", &subject(user_id), "wrong current password").await?;
        return Err(AccountError::WrongPassword);
    }
    let hash = hash_password(new_password.to_owned()).await?;
    let mut tx = store.begin().await?;
    tx.set_user_password(user_id, &hash, None, now).await?;
    admission.succeeded(&mut tx, &keys).await?;
    let changed = tx.find_user(user_id).await?.ok_or(AccountError::NotFound)?;
    tx.audit(now, &account.username, "user.password_changed", &subject(user_id), "by the account holder");
    tx.commit().await?;
    Ok(changed)
}

/// Changes another account's role.
pub async fn set_role(store: &Store, by: &Actor, target: UserId, role: Role) -> Result<(), AccountError> {
    if by.user_id() == Some(target) {
        return Err(AccountError::SelfLockout);
    }
    let now = store::now();
    let mut tx = store.begin().await?;
    tx.set_user_role(target, role, now).await?;
    tx.audit(now, by.name(), "user.role", &subject(target), role.as_str());
    tx.commit().await?;
    Ok(())
}

/// Disables or re-enables another account.
pub async fn set_disabled(store: &Store, by: &Actor, target: UserId, disabled: bool) -> Result<(), AccountError> {
    if by.user_id() == Some(target) {
        return Err(AccountError::SelfLockout);
    }
    let now = store::now();
    let mut tx = store.begin().await?;
    tx.set_user_disabled(target, disabled, now).await?;
    tx.audit(now, by.name(), "user.access", &subject(target), if disabled { "disabled" } else { "enabled" });
    tx.commit().await?;
    Ok(())
}

/// How the audit log names an account.
fn subject(id: UserId) -> String {
    format!("user:{id}")
}

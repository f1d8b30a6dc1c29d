//! User accounts: creation, look-up, role, disabling and passwords.

use chrono::{DateTime, Utc};

use super::tx::on_tx;
use super::{on_backend, Store, StoreError, Tx};
use crate::domain::access::STAFF;
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::domain::user::{CurrentUser, UserView};

/// A stored account, including its password hash. Server-side only: never serialized, and its `Debug`
/// hides the hash.
#[derive(Clone)]
pub struct UserAccount {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub disabled_at: Option<DateTime<Utc>>,
    pub must_change_password: bool,
    /// When the one-time password stops working (set with `must_change_password`).
    pub password_expires_at: Option<DateTime<Utc>>,
    /// The customer a portal account belongs to.
    pub customer_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for UserAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserAccount")
            .field("user_id", &self.user_id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("disabled_at", &self.disabled_at)
            .field("password_hash", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl UserAccount {
    /// The signed-in identity carried through a request.
    pub fn current_user(&self) -> CurrentUser {
        CurrentUser {
            user_id: self.user_id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            must_change_password: self.must_change_password,
            customer_id: self.customer_id,
        }
    }

    /// Whether the account's password is a one-time password that has expired at `now`.
    pub fn one_time_password_expired(&self, now: DateTime<Utc>) -> bool {
        self.must_change_password && self.password_expires_at.is_some_and(|expiry| now >= expiry)
    }

    /// Whether the account can take on staff work (be assigned cases): a staff role and not disabled.
    pub fn is_active_staff(&self) -> bool {
        STAFF.contains(&self.role) && self.disabled_at.is_none()
    }

    /// The browser-safe view.
    pub fn to_view(&self) -> UserView {
        UserView {
            user_id: self.user_id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            disabled: self.disabled_at.is_some(),
            must_change_password: self.must_change_password,
            created_at: self.created_at,
        }
    }
}

/// A validated account to insert (names already checked by `domain::user`, password already hashed).
#[derive(Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub must_change_password: bool,
    /// When a one-time password stops working; `None` for a chosen password.
    pub password_expires_at: Option<DateTime<Utc>>,
    /// Required for the customer role, absent for staff.
    pub customer_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    user_id: i64,
    username: String,
    display_name: String,
    password_hash: String,
    role: String,
    disabled_at: Option<DateTime<Utc>>,
    must_change_password: bool,
    password_expires_at: Option<DateTime<Utc>>,
    customer_id: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for UserAccount {
    type Error = StoreError;
    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        Ok(UserAccount {
            user_id: UserId(row.user_id),
            role: Role::parse(&row.role).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            username: row.username,
            display_name: row.display_name,
            password_hash: row.password_hash,
            disabled_at: row.disabled_at,
            must_change_password: row.must_change_password,
            password_expires_at: row.password_expires_at,
            customer_id: row.customer_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

const USER_COLUMNS: &str = "user_id, username, display_name, password_hash, role, disabled_at, \
                            must_change_password, password_expires_at, customer_id, created_at, updated_at";

impl Store {
    /// The portal accounts linked to a customer.
    pub async fn customer_accounts(&self, customer_id: i64) -> Result<Vec<UserAccount>, StoreError> {
        let sql = format!("select {USER_COLUMNS} from app_user where customer_id = $1 order by username");
        let rows: Vec<UserRow> = on_backend!(self, |pool| sqlx::query_as(&sql).bind(customer_id).fetch_all(pool).await?);
        rows.into_iter().map(UserAccount::try_from).collect()
    }

    /// The account with this id, if any.
    pub async fn find_user(&self, id: UserId) -> Result<Option<UserAccount>, StoreError> {
        let sql = format!("select {USER_COLUMNS} from app_user where user_id = $1");
        let row: Option<UserRow> =
            on_backend!(self, |pool| sqlx::query_as(&sql).bind(id.0).fetch_optional(pool).await?);
        row.map(UserAccount::try_from).transpose()
    }

    /// The account with this (already normalized) username, if any.
    pub async fn find_user_by_username(&self, username: &str) -> Result<Option<UserAccount>, StoreError> {
        let sql = format!("select {USER_COLUMNS} from app_user where username = $1");
        let row: Option<UserRow> =
            on_backend!(self, |pool| sqlx::query_as(&sql).bind(username).fetch_optional(pool).await?);
        row.map(UserAccount::try_from).transpose()
    }

    /// Every account, by username.
    pub async fn list_users(&self) -> Result<Vec<UserAccount>, StoreError> {
        let sql = format!("select {USER_COLUMNS} from app_user order by username");
        let rows: Vec<UserRow> = on_backend!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await?);
        rows.into_iter().map(UserAccount::try_from).collect()
    }

    /// How many accounts exist (0 on a fresh install, which triggers the first-admin bootstrap).
    pub async fn count_users(&self) -> Result<i64, StoreError> {
        const SQL: &str = "select count(*) from app_user";
        let n: i64 = on_backend!(self, |pool| sqlx::query_scalar(SQL).fetch_one(pool).await?);
        Ok(n)
    }
}

/// Account changes happen only inside a unit, so each can carry its audit entry (`auth::accounts`).
impl Tx {
    /// Inserts an account; a taken username is `StoreError::Conflict`.
    #[tracing::instrument(skip_all, fields(user.name = %user.username))]
    pub async fn insert_user(&mut self, user: &NewUser, now: DateTime<Utc>) -> Result<UserId, StoreError> {
        const SQL: &str = "insert into app_user (username, display_name, password_hash, role, \
                           must_change_password, created_at, updated_at, customer_id, password_expires_at) \
                           values ($1, $2, $3, $4, $5, $6, $6, $7, $8) returning user_id";
        let id: i64 = on_tx!(self, |conn| sqlx::query_scalar(SQL)
            .bind(&user.username)
            .bind(&user.display_name)
            .bind(&user.password_hash)
            .bind(user.role.as_str())
            .bind(user.must_change_password)
            .bind(now)
            .bind(user.customer_id)
            .bind(user.password_expires_at)
            .fetch_one(&mut *conn)
            .await?);
        Ok(UserId(id))
    }

    /// Changes an account's role.
    pub async fn set_user_role(&mut self, id: UserId, role: Role, now: DateTime<Utc>) -> Result<(), StoreError> {
        const SQL: &str = "update app_user set role = $2, updated_at = $3 where user_id = $1";
        let done = on_tx!(self, |conn| sqlx::query(SQL)
            .bind(id.0)
            .bind(role.as_str())
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected());
        super::found(done)
    }

    /// Disables (from `now`) or re-enables an account. A disabled account cannot sign in and its sessions
    /// stop working at their next request.
    pub async fn set_user_disabled(&mut self, id: UserId, disabled: bool, now: DateTime<Utc>) -> Result<(), StoreError> {
        const SQL: &str = "update app_user set disabled_at = $2, updated_at = $3 where user_id = $1";
        let disabled_at = disabled.then_some(now);
        let done = on_tx!(self, |conn| sqlx::query(SQL)
            .bind(id.0)
            .bind(disabled_at)
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected());
        super::found(done)
    }

    /// Replaces an account's password hash. A one-time password (which must be changed at first sign-in)
    /// is given with the instant it expires; `None` stores a chosen password.
    pub async fn set_user_password(
        &mut self,
        id: UserId,
        password_hash: &str,
        one_time_until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        const SQL: &str = "update app_user set password_hash = $2, must_change_password = $3, updated_at = $4, \
                           password_expires_at = $5 where user_id = $1";
        let done = on_tx!(self, |conn| sqlx::query(SQL)
            .bind(id.0)
            .bind(password_hash)
            .bind(one_time_until.is_some())
            .bind(now)
            .bind(one_time_until)
            .execute(&mut *conn)
            .await?
            .rows_affected());
        super::found(done)
    }

    /// The account with this id as this unit sees it, if any.
    pub async fn find_user(&mut self, id: UserId) -> Result<Option<UserAccount>, StoreError> {
        let sql = format!("select {USER_COLUMNS} from app_user where user_id = $1");
        let row: Option<UserRow> = on_tx!(self, |conn| sqlx::query_as(&sql).bind(id.0).fetch_optional(&mut *conn).await?);
        row.map(UserAccount::try_from).transpose()
    }
}

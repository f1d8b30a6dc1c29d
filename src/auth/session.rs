//! The typed session: who is signed in, bound to the password they signed in with.
//!
//! Besides the user id the session keeps a hash derived from the account's password hash (as axum-login
//! does): changing a password therefore ends every other session of that account.

use sha2::{Digest, Sha256};
use tower_sessions::Session;

use crate::domain::ids::UserId;
use crate::store::{Store, StoreError, UserAccount};

const USER_ID: &str = "user_id";
const AUTH_HASH: &str = "auth_hash";

/// Why the session could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Session(#[from] tower_sessions::session::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A `tower_sessions::Session` that knows what abusedesk keeps in it.
#[derive(Clone, Debug)]
pub struct UserSession(pub Session);

impl UserSession {
    /// Signs `user` in. The session id is changed first, so an id planted before sign-in is worthless
    /// (session fixation).
    pub async fn sign_in(&self, user: &UserAccount) -> Result<(), SessionError> {
        self.0.cycle_id().await?;
        self.0.insert(USER_ID, user.user_id).await?;
        self.0.insert(AUTH_HASH, auth_hash(&user.password_hash)).await?;
        Ok(())
    }

    /// The account signed in on this session, if it still exists, is enabled and has the same password.
    /// A session that fails those checks is emptied.
    pub async fn signed_in_account(&self, store: &Store) -> Result<Option<UserAccount>, SessionError> {
        let Some(user_id) = self.0.get::<UserId>(USER_ID).await? else {
            return Ok(None);
        };
        let stored_hash = self.0.get::<String>(AUTH_HASH).await?;
        let account = store.find_user(user_id).await?;
        match account {
            Some(a) if a.disabled_at.is_none() && stored_hash.as_deref() == Some(&auth_hash(&a.password_hash)) => {
                Ok(Some(a))
            }
            _ => {
                self.0.flush().await?;
                Ok(None)
            }
        }
    }

    /// Ends the session and deletes it from the store.
    pub async fn sign_out(&self) -> Result<(), SessionError> {
        self.0.flush().await?;
        Ok(())
    }
}

fn auth_hash(password_hash: &str) -> String {
    hex::encode(Sha256::digest(password_hash.as_bytes()))
}

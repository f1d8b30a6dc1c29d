//! Bearer tokens for machines: `ingest` tokens post messages (`POST /api/v1/messages`), `read` tokens read
//! cases as staff do (`GET /api/v1/cases`). Generation, hashing and the check. A token is shown once when created; the database keeps only its SHA-256, so a leaked database
//! does not leak working tokens. Tokens are long random strings, so a fast hash is enough (no argon2).

use sha2::{Digest, Sha256};

use crate::audit::Actor;
use crate::store::{self, Store, StoreError};

/// Every token starts with this, so a leaked one is easy to recognise in logs and secret scanners.
const PREFIX: &str = "adk_";

/// A token just created: `token` is shown to the admin once and never again.
#[derive(Debug)]
pub struct IssuedToken {
    pub ingest_token_id: i64,
    pub token: String,
}

/// What a token may do; a token does exactly one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenScope {
    /// Post raw messages.
    Ingest,
    /// Read cases and their counts, as staff.
    Read,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Ingest => "ingest",
            TokenScope::Read => "read",
        }
    }

    pub fn parse(s: &str) -> Option<TokenScope> {
        match s {
            "ingest" => Some(TokenScope::Ingest),
            "read" => Some(TokenScope::Read),
            _ => None,
        }
    }
}

/// Why a token could not be created.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("give the token a name that says where it is used (1 to 80 characters)")]
    BadName,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates a token under `name` ("postfix on mx1") for `scope`, with its `token.created` audit entry in
/// the same unit.
pub async fn create(store: &Store, by: &Actor, name: &str, scope: TokenScope) -> Result<IssuedToken, TokenError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(TokenError::BadName);
    }
    let token = format!("{PREFIX}{}", hex::encode(rand::random::<[u8; 32]>()));
    let now = store::now();
    let mut tx = store.begin().await?;
    let ingest_token_id = tx.insert_ingest_token(name, scope.as_str(), &hash(&token), by.user_id(), now).await?;
    tx.audit(now, by.name(), "token.created", &format!("token:{ingest_token_id}"), &format!("{}: {name}", scope.as_str()));
    tx.commit().await?;
    Ok(IssuedToken { ingest_token_id, token })
}

/// Revokes a token (it stops working at once), with its `token.revoked` audit entry in the same unit.
/// `NotFound` for an unknown id.
pub async fn revoke(store: &Store, by: &Actor, id: i64) -> Result<(), StoreError> {
    let now = store::now();
    let mut tx = store.begin().await?;
    tx.revoke_ingest_token(id, now).await?;
    tx.audit(now, by.name(), "token.revoked", &format!("token:{id}"), "revoked");
    tx.commit().await?;
    Ok(())
}

/// The id of the live token of `scope` presented in an `Authorization: Bearer …` header value, if it is one.
pub async fn check(store: &Store, authorization: Option<&str>, scope: TokenScope) -> Result<Option<i64>, StoreError> {
    let Some(token) = authorization.and_then(|v| v.strip_prefix("Bearer ")).map(str::trim) else {
        return Ok(None);
    };
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    store.use_ingest_token(&hash(token), scope.as_str(), store::now()).await
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

//! Argon2id password hashing (OWASP parameters: 19 MiB, 2 passes, 1 lane — the crate's defaults).
//!
//! Hashing is CPU-heavy on purpose, so it runs on the blocking pool, never on the async runtime.

use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;

/// Hashing failed or its task could not run.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Hashes a password into a PHC string (`$argon2id$…`).
pub async fn hash_password(password: String) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash_now(&password)).await?
}

/// Checks a password against a stored hash. With no account (`None`) the password is checked against a
/// dummy hash, so an unknown username takes as long as a wrong password and reveals nothing.
pub async fn verify_password(stored_hash: Option<String>, password: String) -> Result<bool, PasswordError> {
    tokio::task::spawn_blocking(move || {
        let known = stored_hash.is_some();
        let hash = stored_hash.unwrap_or_else(|| DUMMY_HASH.clone());
        let ok = match PasswordHash::new(&hash) {
            Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
            Err(_) => false,
        };
        known && ok
    })
    .await
    .map_err(PasswordError::from)
}

/// A random one-time password: 20 characters from an alphabet without look-alikes, in groups of five
/// so it can be read out over the phone (about 100 bits).
pub fn generate_one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let chars: Vec<char> =
        (0..20).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect();
    chars.chunks(5).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

fn hash_now(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_now(&generate_one_time_password()).unwrap_or_default());

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_only() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(Some(hash.clone()), "correct horse battery".into()).await.unwrap());
        assert!(!verify_password(Some(hash), "correct horse battery!".into()).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies() {
        assert!(!verify_password(None, String::new()).await.unwrap());
        assert!(!verify_password(Some("not a phc string".into()), "x".into()).await.unwrap());
    }

    #[test]
    fn one_time_passwords_are_long_grouped_and_distinct() {
        let a = generate_one_time_password();
        assert_eq!(a.len(), 23);
        assert_eq!(a.split('-').count(), 4);
        assert_ne!(a, generate_one_time_password());
    }
}

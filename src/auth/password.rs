//! Argon2id password hashing (OWASP parameters: 19 MiB, 2 passes, 1 lane — the crate's defaults).
//!
//! Hashing is CPU-heavy on purpose, so it runs on the blocking pool, never on the async runtime, and at
//! most [`MAX_CONCURRENT_HASHES`] run at once in the process, whatever arrives in parallel.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;
use tokio::sync::Semaphore;

/// At most this many argon2 computations run at once in this process. Each holds 19 MiB and a core for
/// tens of milliseconds, and the blocking pool would otherwise grow to 512 threads (about 10 GB of hashing
/// memory) under a burst of sign-ins. More hashes at once than cores only share the cores, so 8 still fills
/// an 8-core host while capping hashing memory near 150 MiB; attempts beyond wait their turn on the async
/// runtime, which costs next to nothing. (The throttle decides how many attempts are hashed at all.)
pub const MAX_CONCURRENT_HASHES: usize = 8;

static HASHING: Semaphore = Semaphore::const_new(MAX_CONCURRENT_HASHES);
/// Hashes running now, and the most ever running at once (observed by tests).
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The most argon2 computations this process has run at once so far.
pub fn peak_concurrent_hashes() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Runs `work` on the blocking pool once a hashing permit is free. The permit moves into the blocking task,
/// so a request that is abandoned mid-hash (the client hung up) still holds it until the hash ends.
async fn bounded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, PasswordError> {
    let permit = HASHING.acquire().await.map_err(|e| PasswordError::Hash(e.to_string()))?;
    let done = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let running = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(running, Ordering::SeqCst);
        let out = work();
        RUNNING.fetch_sub(1, Ordering::SeqCst);
        out
    });
    Ok(done.await?)
}

/// Hashing failed or its task could not run.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// A hashing failure is the desk's fault, never the caller's: clients get the internal-error answer.
impl From<PasswordError> for crate::error::AppError {
    fn from(e: PasswordError) -> Self {
        crate::error::AppError::internal(&e)
    }
}

/// Hashes a password into a PHC string (`$argon2id$…`).
pub async fn hash_password(password: String) -> Result<String, PasswordError> {
    bounded(move || hash_now(&password)).await?
}

/// Checks a password against a stored hash. With no account (`None`) the password is checked against a
/// dummy hash, so an unknown username takes as long as a wrong password and reveals nothing.
pub async fn verify_password(stored_hash: Option<String>, password: String) -> Result<bool, PasswordError> {
    bounded(move || {
        let known = stored_hash.is_some();
        let hash = stored_hash.unwrap_or_else(|| DUMMY_HASH.clone());
        let ok = match PasswordHash::new(&hash) {
            Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
            Err(_) => false,
        };
        known && ok
    })
    .await
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_than_the_bound_hash_at_once() {
        let tasks: Vec<_> = (0..3 * MAX_CONCURRENT_HASHES)
            .map(|i| tokio::spawn(verify_password(None, format!("guess {i}"))))
            .collect();
        for t in tasks {
            assert!(!t.await.unwrap().unwrap());
        }
        let peak = peak_concurrent_hashes();
        assert!((1..=MAX_CONCURRENT_HASHES).contains(&peak), "peak {peak}");
    }

    #[test]
    fn one_time_passwords_are_long_grouped_and_distinct() {
        let a = generate_one_time_password();
        assert_eq!(a.len(), 23);
        assert_eq!(a.split('-').count(), 4);
        assert_ne!(a, generate_one_time_password());
    }
}

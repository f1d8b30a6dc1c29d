//! Sign-in throttling: too many failures for one account, or from one client address, within a window
//! block further attempts under that key until the window has passed. Changing one's password is
//! throttled under the same account key, since it guesses the same secret.
//!
//! An attempt takes its slot before the password is hashed ([`ThrottlePolicy::admit`]): the slot is
//! counted as a failure at once, atomically in the database, and forgotten only when the attempt succeeds.
//! So parallel attempts cannot all pass a check and then each be evaluated: at most the limit are.
//! Failures are kept in the database, so the limit holds across restarts and across several server
//! processes on one PostgreSQL database. Keys are counted whether or not the account exists, so being
//! throttled reveals nothing about which usernames are real.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use crate::store::{Store, StoreError, Tx};

/// Limits for sign-in attempts.
#[derive(Clone, Copy, Debug)]
pub struct ThrottlePolicy {
    /// How far back failures count.
    pub window: Duration,
    /// Failures for one username within the window before it is blocked.
    pub max_per_account: i64,
    /// Failures from one client address within the window before it is blocked. Higher than the account
    /// limit because many staff may sit behind one NAT.
    pub max_per_address: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy { window: Duration::minutes(15), max_per_account: 5, max_per_address: 20 }
    }
}

/// The keys one sign-in attempt counts against.
#[derive(Clone, Debug)]
pub struct ThrottleKeys {
    account: String,
    address: Option<String>,
}

impl ThrottleKeys {
    /// Keys for a (normalized) username and the client's address. An IPv6 client is keyed by its /64,
    /// since one host usually has the whole prefix to pick addresses from.
    pub fn new(username: &str, client: IpAddr) -> Self {
        let address = match client {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
                }
            },
        };
        ThrottleKeys { account: format!("account:{username}"), address: Some(format!("address:{address}")) }
    }

    /// The account key alone: for a signed-in user changing their password, whose address says nothing new.
    pub fn for_account(username: &str) -> Self {
        ThrottleKeys { account: format!("account:{username}"), address: None }
    }

    /// The account key, cleared after a successful sign-in.
    pub fn account(&self) -> &str {
        &self.account
    }

    fn limits(&self, policy: &ThrottlePolicy) -> Vec<(&str, i64)> {
        let mut limits = vec![(self.account.as_str(), policy.max_per_account)];
        limits.extend(self.address.as_deref().map(|a| (a, policy.max_per_address)));
        limits
    }
}

/// An attempt that got a slot under the limits and may be evaluated. Its slot already counts as a failure;
/// only [`Admission::succeeded`] or [`Admission::withdraw`] forget it.
#[must_use = "an admitted attempt is a failure unless it is marked otherwise"]
#[derive(Debug)]
pub struct Admission {
    failure_ids: Vec<i64>,
}

impl Admission {
    /// The attempt succeeded: within the caller's unit, its slot and every earlier failure of the account
    /// are forgotten (the address keeps its count).
    pub async fn succeeded(self, tx: &mut Tx, keys: &ThrottleKeys) -> Result<(), StoreError> {
        tx.forget_signin_failures(&self.failure_ids).await?;
        tx.clear_signin_failures(keys.account()).await
    }

    /// The attempt was not a wrong guess but was refused for another reason (an expired one-time password
    /// given correctly): its slot is forgotten, earlier failures stay.
    pub async fn withdraw(self, tx: &mut Tx) -> Result<(), StoreError> {
        tx.forget_signin_failures(&self.failure_ids).await
    }
}

impl ThrottlePolicy {
    /// Takes a slot for one attempt under these keys at `now`, in a unit of its own committed before the
    /// caller hashes anything; `None` when a key is at its limit (the attempt must not be evaluated).
    pub async fn admit(&self, store: &Store, keys: &ThrottleKeys, now: DateTime<Utc>) -> Result<Option<Admission>, StoreError> {
        let mut tx = store.begin().await?;
        // Keep a day of history: enough to investigate an attack, small enough to never matter.
        let claimed = tx.claim_signin_attempt(&keys.limits(self), now - self.window, now, now - Duration::days(1)).await?;
        tx.commit().await?;
        Ok(claimed.map(|failure_ids| Admission { failure_ids }))
    }

    /// Whole minutes a blocked client should wait, for the message it is shown.
    pub fn wait_minutes(&self) -> i64 {
        self.window.num_minutes().max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_keyed_by_their_slash_64() {
        let a = ThrottleKeys::new("alice", "2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = ThrottleKeys::new("alice", "2001:db8:1:2:bbbb::9".parse().unwrap());
        assert_eq!(a.address, b.address);
        assert_eq!(a.address.as_deref(), Some("address:2001:db8:1:2::/64"));
    }

    #[test]
    fn mapped_ipv4_is_keyed_as_plain_ipv4() {
        let k = ThrottleKeys::new("bob", "::ffff:192.0.2.7".parse().unwrap());
        assert_eq!(k.address.as_deref(), Some("address:192.0.2.7"));
        assert_eq!(k.account(), "account:bob");
    }
}

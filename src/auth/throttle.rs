//! Sign-in throttling: too many failures for one account, or from one client address, within a window
//! block further attempts under that key until the window has passed.
//!
//! Failures are kept in the database, so the limit holds across restarts and across several server
//! processes on one PostgreSQL database. Keys are counted whether or not the account exists, so being
//! throttled reveals nothing about which usernames are real.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use crate::store::{Store, StoreError};

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
    address: String,
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
        ThrottleKeys { account: format!("account:{username}"), address: format!("address:{address}") }
    }

    /// The account key, cleared after a successful sign-in.
    pub fn account(&self) -> &str {
        &self.account
    }

    fn all(&self) -> [String; 2] {
        [self.account.clone(), self.address.clone()]
    }
}

impl ThrottlePolicy {
    /// Whether another attempt under these keys is refused at `now`.
    pub async fn is_blocked(&self, store: &Store, keys: &ThrottleKeys, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let since = now - self.window;
        Ok(store.count_signin_failures(&keys.account, since).await? >= self.max_per_account
            || store.count_signin_failures(&keys.address, since).await? >= self.max_per_address)
    }

    /// Records a failed attempt under every key.
    pub async fn record_failure(&self, store: &Store, keys: &ThrottleKeys, now: DateTime<Utc>) -> Result<(), StoreError> {
        // Keep a day of history: enough to investigate an attack, small enough to never matter.
        store.record_signin_failure(&keys.all(), now, now - Duration::days(1)).await
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
        assert_eq!(a.address, "address:2001:db8:1:2::/64");
    }

    #[test]
    fn mapped_ipv4_is_keyed_as_plain_ipv4() {
        let k = ThrottleKeys::new("bob", "::ffff:192.0.2.7".parse().unwrap());
        assert_eq!(k.address, "address:192.0.2.7");
        assert_eq!(k.account(), "account:bob");
    }
}

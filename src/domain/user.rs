//! User accounts as the UI sees them, and the rules for names and passwords.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::UserId;
use super::role::Role;

/// Shortest password a person may choose. One-time passwords the desk generates are longer.
pub const MIN_PASSWORD_LEN: usize = 12;
/// Longest password accepted, so hashing cost stays bounded.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// How long a one-time password lasts, in hours: one issued to a new account, at a reset, or as a portal
/// invitation. Long enough to pass on over a weekend, short enough that a forgotten one stops working.
/// After it the password is refused at sign-in, and an administrator (or, for a customer, staff) issues
/// another.
pub const ONE_TIME_PASSWORD_HOURS: i64 = 72;

/// When a one-time password issued at `issued_at` stops working.
pub fn one_time_password_expiry(issued_at: DateTime<Utc>) -> DateTime<Utc> {
    issued_at + chrono::Duration::hours(ONE_TIME_PASSWORD_HOURS)
}

/// A user account as sent to the browser. It never carries the password hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
}

/// Who is signed in on the current request: what the server checks roles against and what the
/// navigation shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub must_change_password: bool,
    /// For a customer account: the one customer record it may see. Customer accounts without one see nothing.
    pub customer_id: Option<i64>,
}

/// Why a name or password was refused; the message is shown to the person as it is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UserRuleError {
    #[error("a username is 2 to 64 characters: lowercase letters, digits, '.', '_', '-' or '@'")]
    BadUsername,
    #[error("a display name is 1 to 100 characters")]
    BadDisplayName,
    #[error("a password needs at least {MIN_PASSWORD_LEN} characters")]
    PasswordTooShort,
    #[error("a password may have at most {MAX_PASSWORD_LEN} characters")]
    PasswordTooLong,
}

/// Normalizes and checks a username: trimmed, lowercased, a small safe alphabet.
pub fn parse_username(raw: &str) -> Result<String, UserRuleError> {
    let name = raw.trim().to_lowercase();
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '@'));
    if (2..=64).contains(&name.chars().count()) && ok_chars {
        Ok(name)
    } else {
        Err(UserRuleError::BadUsername)
    }
}

/// Checks a display name; falls back to the username when left empty.
pub fn parse_display_name(raw: &str, username: &str) -> Result<String, UserRuleError> {
    let name = raw.trim();
    let name = if name.is_empty() { username } else { name };
    if name.chars().count() <= 100 && !name.chars().any(char::is_control) {
        Ok(name.to_owned())
    } else {
        Err(UserRuleError::BadDisplayName)
    }
}

/// Checks a password a person chose. Length is the only rule (NIST SP 800-63B): no composition rules.
pub fn check_new_password(password: &str) -> Result<(), UserRuleError> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        Err(UserRuleError::PasswordTooShort)
    } else if len > MAX_PASSWORD_LEN {
        Err(UserRuleError::PasswordTooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_trimmed_and_lowercased() {
        assert_eq!(parse_username("  Alice.B@ISP-1 "), Ok("alice.b@isp-1".to_owned()));
    }

    #[test]
    fn usernames_with_spaces_or_symbols_or_bad_length_are_refused() {
        for bad in ["a", "", "al ice", "bob;drop", "é", &"x".repeat(65)] {
            assert_eq!(parse_username(bad), Err(UserRuleError::BadUsername), "{bad:?}");
        }
    }

    #[test]
    fn an_empty_display_name_falls_back_to_the_username() {
        assert_eq!(parse_display_name("  ", "alice"), Ok("alice".to_owned()));
        assert_eq!(parse_display_name("Alice B", "alice"), Ok("Alice B".to_owned()));
        assert!(parse_display_name("a\u{7}b", "alice").is_err());
    }

    #[test]
    fn passwords_are_judged_by_length_only() {
        assert_eq!(check_new_password("short"), Err(UserRuleError::PasswordTooShort));
        assert_eq!(check_new_password("correct horse battery"), Ok(()));
        assert_eq!(check_new_password(&"p".repeat(1025)), Err(UserRuleError::PasswordTooLong));
    }
}

//! The four roles of the desk and what each one is for.

use serde::{Deserialize, Serialize};

/// A user's role. Exactly one per account; authorization is always decided from it on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Manages accounts, tokens and settings.
    Admin,
    /// Abuse staff: triage, investigation, proposals.
    Analyst,
    /// Reviews and approves sanctions (four eyes).
    Manager,
    /// A customer of the ISP who sees only its own complaints.
    Customer,
}

/// The text was not one of the four role names.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected one of admin, analyst, manager, customer")]
pub struct UnknownRole(pub String);

impl Role {
    /// Every role, in the order the UI lists them.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Analyst, Role::Manager, Role::Customer];
    /// The roles of the ISP's own staff.
    pub const STAFF: &'static [Role] = &[Role::Admin, Role::Analyst, Role::Manager];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Manager => "manager",
            Role::Customer => "customer",
        }
    }

    /// A human label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Analyst => "Analyst",
            Role::Manager => "Manager",
            Role::Customer => "Customer",
        }
    }

    /// Parses a stored or typed role name.
    pub fn parse(s: &str) -> Result<Role, UnknownRole> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(Role::parse(" Manager "), Ok(Role::Manager));
    }

    #[test]
    fn an_unknown_name_is_refused() {
        assert!(Role::parse("root").is_err());
        assert!(Role::parse("").is_err());
    }
}

//! Who makes a change, as the audit log names them. Every account and token operation takes one, so no
//! caller can change an account without saying who did it.

use crate::domain::ids::UserId;
use crate::domain::user::CurrentUser;

/// The author of a change: a signed-in person, an operator at the command line, or the desk itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    user_id: Option<UserId>,
    name: String,
}

impl Actor {
    /// A signed-in person: the audit log names their username.
    pub fn user(user: &CurrentUser) -> Actor {
        Actor { user_id: Some(user.user_id), name: user.username.clone() }
    }

    /// An operator running `abusedesk …` at a shell: `cli:<OS user>` from `$USER` (or `$LOGNAME`), or plain
    /// `cli` when neither is set. The OS user is what the shell says, not a proof: whoever runs the command
    /// already holds the database, so the name records who it was, not what they were allowed to do.
    pub fn cli() -> Actor {
        let os_user = ["USER", "LOGNAME"].into_iter().find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()));
        let name = os_user.map_or_else(|| "cli".to_owned(), |u| format!("cli:{}", u.trim()));
        Actor { user_id: None, name }
    }

    /// The desk itself (`abusedesk` creating the first administrator, `demo` loading demo data, tests).
    pub fn system(name: &str) -> Actor {
        Actor { user_id: None, name: name.to_owned() }
    }

    /// The name written to the audit log.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The account acting, when a signed-in person acts.
    pub fn user_id(&self) -> Option<UserId> {
        self.user_id
    }
}

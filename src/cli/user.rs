//! `abusedesk user add|list|disable|enable|set-role|set-password`.

use anyhow::{bail, Context};

use crate::audit::Actor;
use crate::auth::accounts;
use crate::config::UserCommand;
use crate::store::{Store, UserAccount};

/// Runs one `user` command. Changes are audited with the operator as actor (`Actor::cli`: `cli:<OS user>`).
pub(super) async fn run(store: &Store, cmd: UserCommand) -> anyhow::Result<()> {
    let by = Actor::cli();
    match cmd {
        UserCommand::Add { username, role, name } => {
            let issued = accounts::create_account(store, &by, &username, &name, role).await?;
            println!(
                "created {} ({}); one-time password: {}\nIt must be changed at first sign-in.",
                issued.account.username,
                role.label(),
                issued.one_time_password
            );
        }
        UserCommand::List => {
            println!("{:<24} {:<28} {:<10} {:<18} created", "username", "name", "role", "status");
            for u in store.list_users().await? {
                let status = match (&u.disabled_at, u.must_change_password) {
                    (Some(_), _) => "disabled",
                    (None, true) => "one-time password",
                    (None, false) => "active",
                };
                println!(
                    "{:<24} {:<28} {:<10} {:<18} {}",
                    u.username,
                    u.display_name,
                    u.role.as_str(),
                    status,
                    u.created_at.format("%Y-%m-%d %H:%M UTC")
                );
            }
        }
        UserCommand::Disable { username } => {
            accounts::set_disabled(store, &by, find(store, &username).await?.user_id, true).await?;
            println!("disabled {username}");
        }
        UserCommand::Enable { username } => {
            accounts::set_disabled(store, &by, find(store, &username).await?.user_id, false).await?;
            println!("enabled {username}");
        }
        UserCommand::SetRole { username, role } => {
            accounts::set_role(store, &by, find(store, &username).await?.user_id, role).await?;
            println!("{username} is now {}", role.label());
        }
        UserCommand::SetPassword { username, password_stdin } => {
            let user = find(store, &username).await?;
            if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).context("failed to read the password from standard input")?;
                let password = line.trim_end_matches(['\r', '\n']);
                accounts::set_password(store, &by, user.user_id, password, false).await?;
                println!("password of {username} set");
            } else {
                let issued = accounts::reset_password(store, &by, user.user_id).await?;
                println!("one-time password of {username}: {}\nIt must be changed at first sign-in.", issued.one_time_password);
            }
        }
    }
    Ok(())
}

async fn find(store: &Store, username: &str) -> anyhow::Result<UserAccount> {
    let name = crate::domain::user::parse_username(username)?;
    match store.find_user_by_username(&name).await? {
        Some(u) => Ok(u),
        None => bail!("no user named {name:?}"),
    }
}

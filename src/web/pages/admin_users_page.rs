//! User administration: create accounts, change roles, disable, issue one-time passwords.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::role::Role;
use crate::domain::user::UserView;
use crate::web::components::notice::{ActionNotice, load_failed, loading};
use crate::web::fns::users::{
    list_users, CreateUser, IssuedCredentials, ResetUserPassword, SetUserDisabled, SetUserRole,
};

fn issued_text(c: &IssuedCredentials) -> String {
    format!(
        "One-time password for {}: {} — pass it on privately; it is shown only now and must be changed at first sign-in.",
        c.username, c.one_time_password
    )
}

/// The list of accounts with their actions.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let set_role = ServerAction::<SetUserRole>::new();
    let set_disabled = ServerAction::<SetUserDisabled>::new();
    let reset = ServerAction::<ResetUserPassword>::new();
    let users = Resource::new(
        move || (create.version().get(), set_role.version().get(), set_disabled.version().get(), reset.version().get()),
        |_| list_users(),
    );
    let created = Signal::derive(move || create.value().get());
    let role_changed = Signal::derive(move || set_role.value().get());
    let access_changed = Signal::derive(move || set_disabled.value().get());
    let was_reset = Signal::derive(move || reset.value().get());
    view! {
        <Title text="Users"/>
        <h1>"Users"</h1>
        <section class="card">
            <h2>"New staff account"</h2>
            <p class="muted">"Customers' portal accounts are created from each customer's page, linked to that customer."</p>
            <ActionForm action=create attr:class="row">
                <label><span>"Username"</span><input name="username" required/></label>
                <label><span>"Display name"</span><input name="display_name"/></label>
                <label>
                    <span>"Role"</span>
                    <select name="role">
                        {Role::ALL
                            .into_iter()
                            .filter(|r| *r != Role::Customer)
                            .map(|r| view! { <option value=r.as_str()>{r.label()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button type="submit">"Create"</button>
            </ActionForm>
            <ActionNotice result=created success=issued_text/>
        </section>
        <ActionNotice result=role_changed success=|_: &()| "Role changed.".to_owned()/>
        <ActionNotice result=access_changed success=|_: &()| "Access changed.".to_owned()/>
        <ActionNotice result=was_reset success=issued_text/>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => view! { <UserTable list set_role set_disabled reset/> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

#[component]
fn UserTable(
    list: Vec<UserView>,
    set_role: ServerAction<SetUserRole>,
    set_disabled: ServerAction<SetUserDisabled>,
    reset: ServerAction<ResetUserPassword>,
) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|u| {
            let (id_role, id_access, id_reset) = (u.user_id.0.to_string(), u.user_id.0.to_string(), u.user_id.0.to_string());
            let current = u.role;
            let options = Role::ALL
                .map(|r| view! { <option value=r.as_str() selected=r == current>{r.label()}</option> })
                .collect_view();
            let status = if u.disabled { "Disabled" } else if u.must_change_password { "One-time password" } else { "Active" };
            let toggle_label = if u.disabled { "Enable" } else { "Disable" };
            view! {
                <tr class:disabled=u.disabled>
                    <td>{u.username}</td>
                    <td>{u.display_name}</td>
                    <td>
                        <ActionForm action=set_role attr:class="inline">
                            <input type="hidden" name="user_id" value=id_role/>
                            <select name="role" aria-label="Role">{options}</select>
                            <button type="submit" class="small">"Save"</button>
                        </ActionForm>
                    </td>
                    <td>{status}</td>
                    <td class="actions">
                        <ActionForm action=set_disabled attr:class="inline">
                            <input type="hidden" name="user_id" value=id_access/>
                            <input type="hidden" name="disabled" value=(!u.disabled).to_string()/>
                            <button type="submit" class="small">{toggle_label}</button>
                        </ActionForm>
                        <ActionForm action=reset attr:class="inline">
                            <input type="hidden" name="user_id" value=id_reset/>
                            <button type="submit" class="small">"New one-time password"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" id="users">
            <thead>
                <tr>
                    <th scope="col">"Username"</th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

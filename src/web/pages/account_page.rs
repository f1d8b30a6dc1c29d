//! The account page: change your own password (and the forced stop after a one-time password).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::web::components::notice::ActionNotice;
use crate::web::fns::session::{whoami, ChangePassword};

/// Your account.
#[component]
pub fn AccountPage() -> impl IntoView {
    let me = Resource::new(|| (), |_| whoami());
    let change = ServerAction::<ChangePassword>::new();
    let result = Signal::derive(move || change.value().get());
    view! {
        <Title text="Account"/>
        <h1>"Your account"</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(u)) => {
                        let must_change = u.must_change_password.then(|| view! {
                            <p class="notice demo" role="alert">
                                "You signed in with a one-time password. Choose your own password to continue."
                            </p>
                        });
                        view! {
                            <dl class="facts">
                                <dt>"Username"</dt><dd>{u.username}</dd>
                                <dt>"Role"</dt><dd>{u.role.label()}</dd>
                            </dl>
                            {must_change}
                        }.into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Suspense>
        <section class="card narrow">
            <h2>"Change password"</h2>
            <ActionForm action=change attr:class="stack">
                <label>
                    <span>"Current password"</span>
                    <input type="password" name="current" autocomplete="current-password" required/>
                </label>
                <label>
                    <span>"New password (at least 12 characters)"</span>
                    <input type="password" name="new_password" autocomplete="new-password" minlength="12" required/>
                </label>
                <label>
                    <span>"New password again"</span>
                    <input type="password" name="confirm" autocomplete="new-password" minlength="12" required/>
                </label>
                <button type="submit">"Change password"</button>
            </ActionForm>
            <ActionNotice result success=|_: &()| "Your password is changed.".to_owned()/>
        </section>
    }
}

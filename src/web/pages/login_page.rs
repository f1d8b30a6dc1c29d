//! The sign-in page: a plain form posted to `/auth/signin`, so it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::domain::user::ONE_TIME_PASSWORD_HOURS;

/// The sign-in form, with the reason of a previous failure.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let message = move || {
        query.with(|q| match (q.get("error").as_deref(), q.get("notice").as_deref()) {
            (Some("invalid"), _) => Some(("notice error", "Wrong username or password.".to_owned())),
            (Some("expired"), _) => Some((
                "notice error",
                format!(
                    "This one-time password has expired: they work for {ONE_TIME_PASSWORD_HOURS} hours. Ask an \
                     administrator for a new one (customers: ask your contact at the ISP for a new invitation)."
                ),
            )),
            (Some("throttled"), _) => {
                let minutes = q.get("minutes").unwrap_or_else(|| "15".to_owned());
                Some((
                    "notice error",
                    format!("Too many failed sign-in attempts. Wait {minutes} minutes, then try again."),
                ))
            }
            (_, Some("signed_out")) => Some(("notice ok", "You have signed out.".to_owned())),
            _ => None,
        })
    };
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    let (show_password, set_show_password) = signal(false);
    // The show/hide toggle needs the app to be running in the browser; until then it stays hidden.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    view! {
        <Title text="Sign in"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            {move || message().map(|(class, text)| view! { <p class=class role="alert">{text}</p> })}
            <form method="post" action="/auth/signin" class="stack">
                <input type="hidden" name="next" value=next/>
                <label>
                    <span>"Username"</span>
                    <input name="username" autocomplete="username" required autofocus/>
                </label>
                <label>
                    <span>"Password"</span>
                    <input
                        id="password"
                        name="password"
                        type=move || if show_password.get() { "text" } else { "password" }
                        autocomplete="current-password"
                        required
                    />
                </label>
                <button
                    type="button"
                    id="toggle-password"
                    class="link"
                    hidden=move || !hydrated.get()
                    aria-controls="password"
                    on:click=move |_| set_show_password.update(|s| *s = !*s)
                >
                    {move || if show_password.get() { "Hide password" } else { "Show password" }}
                </button>
                <button type="submit">"Sign in"</button>
            </form>
        </section>
    }
}

//! API tokens: ingest tokens for systems that post complaints, read tokens for tools that read cases; create
//! one per system, revoke it when that system goes.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::web::components::notice::{ActionNotice, load_failed, loading};
use crate::web::components::time::utc_minutes;
use crate::web::fns::tokens::{list_ingest_tokens, CreateIngestToken, RevokeIngestToken, TokenRow};

/// The token list and the form for a new one.
#[component]
pub fn AdminTokensPage() -> impl IntoView {
    let create = ServerAction::<CreateIngestToken>::new();
    let revoke = ServerAction::<RevokeIngestToken>::new();
    let tokens = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_ingest_tokens());
    let created = Signal::derive(move || create.value().get());
    let revoked = Signal::derive(move || revoke.value().get());
    view! {
        <Title text="API tokens"/>
        <h1>"API tokens"</h1>
        <section class="card">
            <p class="muted">
                "Systems that post complaints to " <code>"POST /api/v1/messages"</code>
                " send an ingest token as " <code>"Authorization: Bearer …"</code> "; reporting tools that read "
                <code>"GET /api/v1/cases"</code> " send a read token. A token does only what its scope says."
            </p>
            <ActionForm action=create attr:class="row">
                <label><span>"Used by"</span><input name="name" placeholder="postfix on mx1" required/></label>
                <label>
                    <span>"Scope"</span>
                    <select name="scope">
                        <option value="ingest">"ingest: post messages"</option>
                        <option value="read">"read: cases, as staff"</option>
                    </select>
                </label>
                <button type="submit">"Create token"</button>
            </ActionForm>
            <ActionNotice
                result=created
                success=|t: &String| format!("New token (shown only now, copy it): {t}")
            />
        </section>
        <ActionNotice result=revoked success=|_: &()| "Token revoked.".to_owned()/>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(list) => view! { <TokenTable list revoke/> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

#[component]
fn TokenTable(list: Vec<TokenRow>, revoke: ServerAction<RevokeIngestToken>) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|t| {
            let id = t.id.to_string();
            let live = t.revoked_at.is_none();
            view! {
                <tr class:disabled=!live>
                    <td>{t.name}</td>
                    <td>{t.scope}</td>
                    <td>{t.created_by.unwrap_or_default()}</td>
                    <td>{utc_minutes(&t.created_at)}</td>
                    <td>{t.last_used_at.map(|u| utc_minutes(&u)).unwrap_or_else(|| "never".to_owned())}</td>
                    <td>
                        {match t.revoked_at {
                            Some(at) => view! { <span>{format!("revoked {}", utc_minutes(&at))}</span> }.into_any(),
                            None => view! {
                                <ActionForm action=revoke attr:class="inline">
                                    <input type="hidden" name="id" value=id/>
                                    <button type="submit" class="small">"Revoke"</button>
                                </ActionForm>
                            }.into_any(),
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" id="tokens">
            <thead>
                <tr>
                    <th scope="col">"Used by"</th>
                    <th scope="col">"Scope"</th>
                    <th scope="col">"Created by"</th>
                    <th scope="col">"Created"</th>
                    <th scope="col">"Last used"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

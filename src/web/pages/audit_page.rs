//! The audit log (admins): every state change, newest first, filtered by action or actor in the URL, with a
//! check of the hash chain and exports.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::customers_page::url_query;
use crate::web::components::time::utc_seconds;
use crate::web::fns::audit::{audit_log, VerifyAudit, AUDIT_PAGE_SIZE};
use crate::web::components::pager::{Pager, PagerWords};
use crate::web::components::notice::{loading, load_failed};

/// The audit page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k).unwrap_or_default());
    let page = move || query.with(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(0).max(0));
    let data = Resource::new(move || (get("action"), get("actor"), page()), |(action, actor, page)| audit_log(action, actor, page));
    let verify = ServerAction::<VerifyAudit>::new();
    let verdict = move || verify.value().get().map(|r| r.unwrap_or_else(|e| e.to_string()));
    view! {
        <Title text="Audit"/>
        <h1>"Audit log"</h1>
        <form method="get" action="/admin/audit" class="row" role="search">
            <label><span>"Action"</span><input name="action" value=get("action") placeholder="decision.approved"/></label>
            <label><span>"Actor"</span><input name="actor" value=get("actor") placeholder="morgan"/></label>
            <button type="submit">"Show"</button>
            <a href="/admin/audit.csv">"Export CSV"</a>
            <a href="/admin/audit.json">"Export JSON"</a>
        </form>
        <ActionForm action=verify attr:class="inline">
            <button type="submit" class="small">"Verify the chain"</button>
        </ActionForm>
        {move || verdict().map(|v| view! { <p class="notice" role="status">{v}</p> })}
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(rows) => {
                        let more = i64::try_from(rows.len()).unwrap_or(0) == AUDIT_PAGE_SIZE;
                        let next = url_query(&[("action", &get("action")), ("actor", &get("actor")), ("page", &(page() + 1).to_string())]);
                        let lines = rows
                            .into_iter()
                            .map(|r| view! {
                                <tr>
                                    <td class="num">{r.seq}</td>
                                    <td>{utc_seconds(&r.at)}</td>
                                    <td>{r.actor}</td>
                                    <td><code>{r.action}</code></td>
                                    <td>{r.subject}</td>
                                    <td>{r.detail}</td>
                                    <td><code title=r.hash.clone()>{r.hash.chars().take(12).collect::<String>()}</code></td>
                                </tr>
                            })
                            .collect_view();
                        view! {
                            <table class="grid" id="audit">
                                <thead><tr>
                                    <th scope="col" class="num">"#"</th><th scope="col">"When"</th><th scope="col">"Who"</th>
                                    <th scope="col">"Action"</th><th scope="col">"Subject"</th><th scope="col">"Detail"</th>
                                    <th scope="col">"Hash"</th>
                                </tr></thead>
                                <tbody>{lines}</tbody>
                            </table>
                            <Pager previous=None next=more.then(|| format!("/admin/audit?{next}")) words=PagerWords::Time/>
                        }
                        .into_any()
                    }
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

//! Imports of customers and address assignments (admins): the upload form and the record of every import,
//! and one import's outcome (what changed, row errors by line, conflicts, reports attributed anew).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::domain::attribution::ImportRunView;
use crate::web::components::time::utc_minutes;
use crate::web::fns::imports::{get_import_run, list_import_runs};
use crate::web::components::notice::{loading, load_failed};

/// The upload form and the list of imports.
#[component]
pub fn AdminImportsPage() -> impl IntoView {
    let query = use_query_map();
    let runs = Resource::new(|| (), |_| list_import_runs());
    let notice = move || query.with(|q| q.get("error")).map(|e| view! { <p class="notice error" role="alert">{e}</p> });
    view! {
        <Title text="Imports"/>
        <h1>"Customers and assignments"</h1>
        {notice}
        <section class="card">
            <h2>"Import a file"</h2>
            <p class="muted">
                "Customers: " <code>"account_ref,name,emails,status,notes"</code> ". Assignments: "
                <code>"account_ref,kind,network,port_from,port_to,valid_from,valid_to"</code>
                " (kind static, lease or cgnat). A RADIUS accounting detail file gives leases. Importing the same "
                "file twice changes nothing."
            </p>
            <form method="post" action="/admin/imports/upload" enctype="multipart/form-data" class="row" id="import-form">
                <label>
                    <span>"The file holds"</span>
                    <select name="kind">
                        <option value="customers">"Customers (CSV)"</option>
                        <option value="assignments">"Assignments (CSV)"</option>
                        <option value="radius">"RADIUS accounting (detail)"</option>
                    </select>
                </label>
                <label><span>"File"</span><input type="file" name="file" required/></label>
                <label class="check"><input type="checkbox" name="dry_run" value="1"/>" Dry run: check and count only"</label>
                <button type="submit">"Import"</button>
            </form>
        </section>
        <h2>"Imports so far"</h2>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match runs.await {
                    Ok(runs) => view! { <RunTable runs/> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

#[component]
fn RunTable(runs: Vec<ImportRunView>) -> impl IntoView {
    let rows = runs
        .into_iter()
        .map(|r| {
            view! {
                <tr>
                    <td><a href=format!("/admin/imports/{}", r.import_run_id)>{utc_minutes(&r.created_at)}</a></td>
                    <td>{r.kind}{r.dry_run.then_some(" (dry run)")}</td>
                    <td>{r.file_name}</td>
                    <td>{r.imported_by}</td>
                    <td class="num">{r.rows_added}</td>
                    <td class="num">{r.rows_updated}</td>
                    <td class="num">{r.rows_unchanged}</td>
                    <td class="num">{r.row_errors.len()}</td>
                    <td class="num">{r.conflicts.len()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" id="import-runs">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"What"</th>
                    <th scope="col">"File"</th>
                    <th scope="col">"By"</th>
                    <th scope="col" class="num">"Added"</th>
                    <th scope="col" class="num">"Updated"</th>
                    <th scope="col" class="num">"Unchanged"</th>
                    <th scope="col" class="num">"Errors"</th>
                    <th scope="col" class="num">"Conflicts"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// One import's outcome.
#[component]
pub fn AdminImportPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let run = Resource::new(id, get_import_run);
    view! {
        <Title text="Import"/>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match run.await {
                    Ok(run) => view! { <RunView run/> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

#[component]
fn RunView(run: ImportRunView) -> impl IntoView {
    let verb = if run.dry_run { "Dry run: nothing was changed. It would add" } else { "Added" };
    let summary = format!(
        "{verb} {}, update {}, leave {} unchanged, of {} rows read.",
        run.rows_added, run.rows_updated, run.rows_unchanged, run.rows_read
    );
    let errors = run
        .row_errors
        .into_iter()
        .map(|e| view! { <tr><td class="num">{e.line}</td><td>{e.message}</td></tr> })
        .collect_view();
    let conflicts = run.conflicts.into_iter().map(|c| view! { <li>{c}</li> }).collect_view();
    view! {
        <h1>{format!("Import of {} ({})", run.file_name, run.kind)}</h1>
        <p class="muted">{format!("By {} at {}", run.imported_by, utc_minutes(&run.created_at))}</p>
        <p class="notice ok" id="import-summary">{summary}</p>
        {(run.reattributed > 0).then(|| view! {
            <p class="notice ok">
                {format!("{} report(s) were attributed anew; ", run.reattributed)}
                <a href="/unattributed">"see the changes"</a>
            </p>
        })}
        <h2>"Rows not taken"</h2>
        <table class="grid" id="import-errors">
            <thead><tr><th scope="col" class="num">"Line"</th><th scope="col">"Why"</th></tr></thead>
            <tbody>{errors}</tbody>
        </table>
        <h2>"Conflicts"</h2>
        <p class="muted">"Assignments of different customers that overlap; they are reported, not resolved."</p>
        <ul id="import-conflicts">{conflicts}</ul>
        <p><a href="/admin/imports">"← All imports"</a></p>
    }
}

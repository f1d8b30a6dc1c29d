//! One customer: contact and status, the cases about their addresses, every address assignment (current
//! and past), the reports attributed to them, and their portal accounts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::domain::attribution::AssignmentView;
use crate::web::components::time::{utc_minutes, utc_seconds};
use crate::domain::user::UserView;
use crate::web::components::notice::{ActionNotice, load_failed, loading};
use crate::web::fns::customers::{get_customer, CustomerDetail, InviteToPortal};
use crate::web::fns::messages::ReportRow;

/// The customer page.
#[component]
pub fn CustomerPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    let invite = ServerAction::<InviteToPortal>::new();
    let data = Resource::new(move || (id(), invite.version().get()), |(id, _)| get_customer(id));
    let invited = Signal::derive(move || invite.value().get());
    view! {
        <Title text="Customer"/>
        <ActionNotice
            result=invited
            success=|c: &crate::web::fns::users::IssuedCredentials| format!(
                "Portal account {} created. One-time password: {} — pass it on to the customer privately; it is shown only now and must be changed at first sign-in.",
                c.username, c.one_time_password
            )
        />
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <CustomerView detail invite/> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

#[component]
fn CustomerView(detail: CustomerDetail, invite: ServerAction<InviteToPortal>) -> impl IntoView {
    let c = detail.customer;
    let customer_id = c.customer_id;
    let reports = detail.reports.into_iter().map(|r| view! { <ReportLine r/> }).collect_view();
    view! {
        <h1>{format!("{} · {}", c.account_ref, c.name)}</h1>
        <section class="card">
            <dl class="facts">
                <dt>"Status"</dt>
                <dd><span class=format!("status {}", c.status)>{c.status.clone()}</span></dd>
                <dt>"Contact"</dt>
                <dd>{if c.emails.is_empty() { "none on file".to_owned() } else { c.emails.join(", ") }}</dd>
                <dt>"Notes"</dt>
                <dd>{c.notes}</dd>
                <dt>"Reports"</dt>
                <dd>{c.reports}</dd>
            </dl>
        </section>
        <PortalAccess accounts=detail.portal_accounts customer_id invite/>
        <h2>"Cases"</h2>
        <div class="chart-box" inner_html=detail.chart_svg></div>
        <CustomerCases rows=detail.cases/>
        <h2>"Assignments"</h2>
        <AssignmentTable rows=detail.assignments/>
        <h2>"Reports attributed"</h2>
        <table class="grid" id="customer-reports">
            <thead>
                <tr>
                    <th scope="col">"Incident"</th>
                    <th scope="col">"Source"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Reporter"</th>
                    <th scope="col">"Matched by"</th>
                    <th scope="col">"Message"</th>
                </tr>
            </thead>
            <tbody>{reports}</tbody>
        </table>
    }
}

/// The customer's cases with their honest counts.
#[component]
fn CustomerCases(rows: Vec<crate::domain::case::CaseRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No case about this customer's addresses."</p> }.into_any();
    }
    let lines = rows
        .into_iter()
        .map(|row| {
            let seen = row.last_seen.map(|t| utc_minutes(&t)).unwrap_or_default();
            view! {
                <tr>
                    <td><a href=format!("/cases/{}", row.case_id)>{row.source_ip.clone()}</a></td>
                    <td>{format!("{} ({})", row.report_type.replace('_', " "), row.role.replace('_', " "))}</td>
                    <td class="num strong">{row.unique_complaints}</td>
                    <td class="num">{row.received}</td>
                    <td>{seen}</td>
                    <td><span class=format!("status {}", row.status.code())>{row.status.label()}</span></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" id="customer-cases">
            <thead>
                <tr>
                    <th scope="col">"Address"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col" class="num">"Unique"</th>
                    <th scope="col" class="num">"Received"</th>
                    <th scope="col">"Last seen"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>{lines}</tbody>
        </table>
    }
    .into_any()
}

/// Assignments as a table; `with_customer` adds a first column naming each one's customer.
#[component]
pub fn AssignmentTable(rows: Vec<AssignmentView>, #[prop(optional)] with_customer: bool) -> impl IntoView {
    let lines = rows.into_iter().map(|a| view! { <AssignmentLine a with_customer/> }).collect_view();
    view! {
        <table class="grid assignments">
            <thead>
                <tr>
                    {with_customer.then(|| view! { <th scope="col">"Customer"</th> })}
                    <th scope="col">"Kind"</th>
                    <th scope="col">"Addresses"</th>
                    <th scope="col">"From"</th>
                    <th scope="col">"Until"</th>
                    <th scope="col">"Source"</th>
                </tr>
            </thead>
            <tbody>{lines}</tbody>
        </table>
    }
}

/// One assignment as a table row.
#[component]
fn AssignmentLine(a: AssignmentView, #[prop(optional)] with_customer: bool) -> impl IntoView {
    let what = a.what();
    let c = a.customer;
    view! {
        <tr>
            {with_customer.then(|| view! {
                <td><a href=format!("/customers/{}", c.customer_id)>{format!("{} · {}", c.account_ref, c.name)}</a></td>
            })}
            <td>{a.kind}</td>
            <td><code>{what}</code></td>
            <td>{utc_minutes(&a.valid_from)}</td>
            <td>{a.valid_to.map(|t| utc_minutes(&t)).unwrap_or_else(|| "still held".to_owned())}</td>
            <td>{a.source}</td>
        </tr>
    }
}

#[component]
fn ReportLine(r: ReportRow) -> impl IntoView {
    let via = match &r.attribution {
        crate::web::fns::messages::Attributed::Customer { via, .. } => via.replace('_', " "),
        _ => String::new(),
    };
    let source = match r.source_port {
        Some(port) => format!("{} port {port}", r.source_ip),
        None => r.source_ip,
    };
    view! {
        <tr>
            <td>{r.incident_time.map(|t| utc_seconds(&t)).unwrap_or_else(|| "not given".to_owned())}</td>
            <td><code>{source}</code></td>
            <td>{r.report_type}</td>
            <td>{r.reporter}</td>
            <td>{via}</td>
            <td><a href=format!("/messages/{}", r.message_id)>{format!("#{}", r.message_id)}</a></td>
        </tr>
    }
}

/// The customer's portal accounts and the invitation form.
#[component]
fn PortalAccess(accounts: Vec<UserView>, customer_id: i64, invite: ServerAction<InviteToPortal>) -> impl IntoView {
    let list = if accounts.is_empty() {
        view! { <p class="muted">"No portal account yet: the customer cannot see the complaints against it."</p> }.into_any()
    } else {
        let items = accounts
            .into_iter()
            .map(|a| {
                let state = if a.disabled { "disabled" } else if a.must_change_password { "invited, not signed in yet" } else { "active" };
                view! { <li>{format!("{} ({}) · {state}", a.username, a.display_name)}</li> }
            })
            .collect_view();
        view! { <ul>{items}</ul> }.into_any()
    };
    view! {
        <section class="card" id="portal-access">
            <h2>"Portal access"</h2>
            {list}
            <ActionForm action=invite attr:class="row">
                <input type="hidden" name="customer_id" value=customer_id.to_string()/>
                <label><span>"Username"</span><input name="username" required/></label>
                <label><span>"Name"</span><input name="display_name"/></label>
                <button type="submit" class="small">"Invite to the portal"</button>
            </ActionForm>
        </section>
    }
}

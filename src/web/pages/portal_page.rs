//! The customer portal's first page: the account's status, its cases with honest counts, and the 30-day
//! complaint chart. Customer accounts only; everything shown is the customer's own.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::portal::{PortalCaseRow, PortalHome};
use crate::web::components::time::utc_minutes;
use crate::web::fns::portal::load_portal;
use crate::web::components::notice::loading;

/// The portal's first page.
#[component]
pub fn PortalPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_portal());
    view! {
        <Title text="Your cases"/>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(home) => view! { <HomeView home/> }.into_any(),
                    Err(e) => view! { <h1>"Your cases"</h1><p class="notice error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn HomeView(home: PortalHome) -> impl IntoView {
    let status_note = (home.account_status != "active").then(|| {
        view! {
            <p class="notice error" role="status">
                {format!("Your account is {}. The decisions below say why and how to appeal.", home.account_status)}
            </p>
        }
    });
    let table = if home.cases.is_empty() {
        view! { <p class="muted">"No complaints about your addresses. Thank you for keeping your network clean."</p> }.into_any()
    } else {
        let rows = home.cases.into_iter().map(|row| view! { <CaseLine row/> }).collect_view();
        view! {
            <table class="grid" id="portal-cases">
                <thead>
                    <tr>
                        <th scope="col">"Case"</th>
                        <th scope="col">"Address"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col" class="num">"Unique complaints"</th>
                        <th scope="col" class="num">"Reports received"</th>
                        <th scope="col" class="num">"Reporters"</th>
                        <th scope="col">"Last seen"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <p><a href="/portal/cases.csv" rel="external">"Download as CSV"</a></p>
        }
        .into_any()
    };
    view! {
        <h1>{format!("Complaints about {}", home.customer_name)}</h1>
        <p class="lead">{format!("Account {} · status {}", home.account_ref, home.account_status)}</p>
        {status_note}
        <p class="muted">
            "Each case gathers the reports about one of your addresses and one kind of abuse. We count every "
            "complaint once, however many copies of it reached us, and show you why the numbers differ. "
            "The people who complained stay anonymous: their addresses are removed from everything shown here."
        </p>
        <div class="chart-box" inner_html=home.chart_svg></div>
        {table}
    }
}

#[component]
fn CaseLine(row: PortalCaseRow) -> impl IntoView {
    let href = format!("/portal/cases/{}", row.case_id);
    view! {
        <tr>
            <td><a href=href>{format!("#{}", row.case_id)}</a></td>
            <td><code>{row.source_ip}</code></td>
            <td>{format!("{} ({})", row.report_type.replace('_', " "), row.role.replace('_', " "))}</td>
            <td><span class=format!("status {}", row.status.code())>{row.status.label()}</span></td>
            <td class="num strong">{row.unique_complaints}</td>
            <td class="num">{row.received}</td>
            <td class="num">{row.reporters}</td>
            <td>{row.last_seen.map(|t| utc_minutes(&t)).unwrap_or_else(|| "–".to_owned())}</td>
        </tr>
    }
}

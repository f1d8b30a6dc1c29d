//! The front page's pieces: a row of figure tiles (each number a link to the list it counts), the case work
//! panel with the intake chart, and the desk's health for admins.

use leptos::prelude::*;

use crate::domain::case::CaseFilter;
use crate::domain::home::{queue_href, CaseWork, DecisionMonth, DeskHealth, Tile};

/// Figures as links: the number is the link, so nothing on the page is a dead end.
#[component]
pub fn TileRow(tiles: Vec<Tile>, label: &'static str) -> impl IntoView {
    let items = tiles
        .into_iter()
        .map(|t| {
            view! {
                <li class="tile" data-tile=t.key.clone() class:zero=t.count == 0>
                    <a href=t.href.clone()>
                        <span class="tile-count">{t.count}</span>
                        <span class="tile-label">{t.label.clone()}</span>
                    </a>
                    {t.note.clone().map(|n| view! { <span class="tile-note muted">{n}</span> })}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="tiles" aria-label=label>{items}</ul> }
}

/// Cases needing attention, intake queues, the oldest open case and the intake chart.
#[component]
pub fn CaseWorkPanel(work: CaseWork, oldest_href: String) -> impl IntoView {
    let oldest = match work.oldest_open {
        Some(o) => view! {
            <p data-tile="oldest_open">
                "Oldest open case: "
                <a href=oldest_href>{format!("{} days", o.age_days)}</a>
                <span class="muted">{format!(" (case {}, first report {} UTC)", o.case_id, o.first_seen.format("%Y-%m-%d %H:%M"))}</span>
            </p>
        }
        .into_any(),
        None => view! { <p class="muted">"No open case."</p> }.into_any(),
    };
    let legend = work
        .chart
        .series
        .iter()
        .enumerate()
        .map(|(i, (reporter, _))| {
            // The legend names the reporter and opens its cases; it shows no number, because a case count is
            // not the report count the chart draws (those are in each bar's title and the chart's summary).
            let href = queue_href(&CaseFilter { open_only: false, reporter: Some(reporter.clone()), ..CaseFilter::default() });
            view! { <li class=format!("series-{}", i.min(5))><a href=href>{reporter.clone()}</a></li> }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>"Cases needing attention"</h2>
            <TileRow tiles=work.cases label="Cases needing attention"/>
            {oldest}
        </section>
        <section class="card">
            <h2>"Intake"</h2>
            <TileRow tiles=work.intake label="Intake waiting for a person"/>
            <div class="chart-box" inner_html=work.chart.svg></div>
            <ul class="chart-legend">{legend}</ul>
        </section>
    }
    .into_any()
}

/// The desk's health: feeds, parse outcomes, backlogs, accounts and system facts.
#[component]
pub fn HealthPanel(health: DeskHealth) -> impl IntoView {
    let channels = health
        .channels
        .into_iter()
        .map(|(channel, last)| {
            let last = last.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_else(|| "never".to_owned());
            view! { <tr><th scope="row">{channel}</th><td>{last}</td></tr> }
        })
        .collect_view();
    let reporters = health
        .reporters
        .into_iter()
        .map(|f| {
            let warn = f.quiet_days >= 3;
            let quiet = match f.quiet_days {
                0 => "today".to_owned(),
                1 => "1 day ago".to_owned(),
                n => format!("{n} days ago"),
            };
            view! {
                <tr>
                    <th scope="row"><a href=f.href>{f.reporter}</a></th>
                    <td>{f.last_day.to_string()}</td>
                    <td class="num"><span class:flag=warn class:warn=warn>{quiet}</span></td>
                </tr>
            }
        })
        .collect_view();
    let audit = match health.audit {
        Some(a) => view! {
            <p data-tile="audit_verified" class:warn=!a.intact>
                "Audit chain verified "
                <a href="/admin/audit">{a.verified_at.format("%Y-%m-%d %H:%M UTC").to_string()}</a>
                ": "
                <span class:flag=!a.intact>{a.detail}</span>
                <span class="muted">{format!(" (by {})", a.verified_by)}</span>
            </p>
        }
        .into_any(),
        None => view! {
            <p data-tile="audit_verified" class="warn">
                "The audit chain was never verified: " <a href="/admin/audit">"verify it"</a>
            </p>
        }
        .into_any(),
    };
    let accounts = health
        .accounts
        .into_iter()
        .map(|(role, n)| view! { <tr><th scope="row">{role.label()}</th><td class="num">{n}</td></tr> })
        .collect_view();
    view! {
        <section class="card">
            <h2>"The desk's health"</h2>
            <TileRow tiles=health.tiles label="Messages, outboxes and accounts"/>
            <h3>"Parse outcomes today (UTC)"</h3>
            <TileRow tiles=health.today label="Messages first received today by parse outcome"/>
            {audit}
            <table class="grid compact">
                <caption>"Last message received per channel"</caption>
                <thead><tr><th scope="col">"Channel"</th><th scope="col">"Last arrival"</th></tr></thead>
                <tbody>{channels}</tbody>
            </table>
            <table class="grid compact" data-table="reporter_feeds">
                <caption>"Last report per reporter, quietest first"</caption>
                <thead><tr><th scope="col">"Reporter"</th><th scope="col">"Last day with reports"</th><th scope="col" class="num">"Quiet since"</th></tr></thead>
                <tbody>{reporters}</tbody>
            </table>
        </section>
        <section class="card">
            <h2>"The system"</h2>
            <dl class="facts">
                <dt>"Database"</dt><dd>{health.database}</dd>
                <dt>"Schema version"</dt><dd>{health.schema_version}</dd>
            </dl>
            <table class="grid compact">
                <caption>"Active accounts by role"</caption>
                <thead><tr><th scope="col">"Role"</th><th scope="col" class="num">"Accounts"</th></tr></thead>
                <tbody>{accounts}</tbody>
            </table>
        </section>
    }
    .into_any()
}

/// This month's decisions by kind and the time from first report to decision.
#[component]
pub fn MonthPanel(month: DecisionMonth) -> impl IntoView {
    let hours = |h: Option<i64>| h.map(|h| if h >= 48 { format!("{} days", h / 24) } else { format!("{h} h") });
    let times = match (hours(month.median_hours), hours(month.p90_hours)) {
        (Some(median), Some(p90)) => view! {
            <p data-tile="time_to_decision">
                "From first report to decision: median "
                <a href=month.href.clone()>{median}</a>
                ", 90th percentile "
                <a href=month.href.clone()>{p90}</a>
            </p>
        }
        .into_any(),
        _ => view! { <p class="muted">"No decision yet this month."</p> }.into_any(),
    };
    view! {
        <section class="card">
            <h2>{format!("Decisions since {}", month.since.format("%-d %B %Y"))}</h2>
            <TileRow tiles=month.decided label="Cases decided this month by kind"/>
            {times}
        </section>
    }
    .into_any()
}

//! The triage queue: cases with honest counts, filtered, searched, sorted and paged by the URL (so a view
//! can be shared), with bulk assignment, a CSV export and the same view as JSON.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::customers_page::url_query;
use crate::domain::case::{CaseFilter, CasePage, CaseRow, CaseSort, CaseStatus, PageCursor, CASE_PAGE_SIZE};
use crate::web::fns::cases::{list_assignees, list_cases};
use crate::web::components::pager::Pager;
use crate::web::components::notice::{loading, load_failed};

/// Report types as the parsers name them.
pub const REPORT_TYPES: [&str; 9] =
    ["spam", "phishing", "malware", "botnet", "copyright", "scanning", "ddos", "open_service", "other"];

const FILTER_KEYS: [&str; 21] = [
    "type", "status", "reporter", "customer", "assignee", "from", "to", "q", "reopened", "disputed", "waiting",
    "decided_since", "decision", "trend", "rate", "investigation", "sort", "dir", "page", "after", "before",
];

/// `filter` as a URL query, with `page` and the filter's cursor (when `page` is past the first).
fn query_of(filter: &CaseFilter, page: Option<i64>) -> String {
    let pairs = filter.to_pairs(page);
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    url_query(&borrowed)
}

/// The front page's trend, rate and investigation views as hidden fields, so they survive a change of the
/// other filters (erased: the form's view type is deep enough already).
fn kept_filters(filter: &CaseFilter) -> AnyView {
    view! {
        {filter.rising.then(|| view! { <input type="hidden" name="trend" value="rising"/> })}
        {filter.rate.map(|l| view! { <input type="hidden" name="rate" value=l.code()/> })}
        {filter.uninvestigated.then(|| view! { <input type="hidden" name="investigation" value="none"/> })}
    }
    .into_any()
}

/// The queue page.
#[component]
pub fn CasesPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            let pairs: Vec<(&str, String)> = FILTER_KEYS.iter().filter_map(|k| q.get(k).map(|v| (*k, v))).collect();
            CaseFilter::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        })
    });
    let notice = move || query.with(|q| q.get("notice"));
    let data = Resource::new(move || query_of(&filter.get(), Some(filter.get().page)), list_cases);
    let assignees = Resource::new(|| (), |_| list_assignees());
    view! {
        <Title text="Triage"/>
        <h1>"Triage"</h1>
        <FilterForm filter=filter.get_untracked()/>
        {move || notice().map(|n| view! { <p class="notice" role="status">{notice_text(&n)}</p> })}
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                let people = assignees.await.unwrap_or_default();
                match data.await {
                    Ok(page) => view! { <CaseTable page filter=filter.get_untracked() people/> }.into_any(),
                    Err(e) => load_failed(&e),
                }
            })}
        </Transition>
    }
}

fn notice_text(code: &str) -> String {
    match code.strip_prefix("assigned-") {
        Some(n) => format!("{n} case(s) assigned."),
        None if code == "unknown-assignee" => "That person cannot be assigned cases.".to_owned(),
        None => "Tick the cases to assign and choose who takes them.".to_owned(),
    }
}

#[component]
fn FilterForm(filter: CaseFilter) -> impl IntoView {
    let status = match (filter.status, filter.open_only) {
        (Some(s), _) => s.code().to_owned(),
        (None, true) => String::new(),
        (None, false) => "all".to_owned(),
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let chosen_type = text(&filter.report_type);
    let type_options = REPORT_TYPES
        .map(|t| view! { <option value=t selected=chosen_type == t>{t.replace('_', " ")}</option> })
        .collect_view();
    let status_options = CaseStatus::ALL
        .map(|s| view! { <option value=s.code() selected=status == s.code()>{s.label()}</option> })
        .collect_view();
    view! {
        <form method="get" action="/cases" class="filters" role="search">
            <label class="wide">
                <span>"IP, CIDR, customer or reporter reference"</span>
                <input name="q" value=text(&filter.q) placeholder="192.0.2.7, 198.51.100.0/24, C-1001, 7302345678"/>
            </label>
            <label>
                <span>"Type"</span>
                <select name="type"><option value="">"any"</option>{type_options}</select>
            </label>
            <label>
                <span>"Status"</span>
                <select name="status">
                    <option value="" selected=status.is_empty()>"open"</option>
                    {status_options}
                    <option value="all" selected=status == "all">"all"</option>
                </select>
            </label>
            <label><span>"Reporter"</span><input name="reporter" value=text(&filter.reporter) placeholder="SpamCop"/></label>
            <label><span>"Customer"</span><input name="customer" value=text(&filter.customer) placeholder="C-1001"/></label>
            <label><span>"Assignee"</span><input name="assignee" value=text(&filter.assignee) placeholder="none"/></label>
            <label><span>"Seen from"</span><input type="date" name="from" value=day(filter.from)/></label>
            <label><span>"to"</span><input type="date" name="to" value=day(filter.to)/></label>
            // The front page's narrower views (reopened, disputed, waiting) survive a change of the other filters.
            {filter.reopened.then(|| view! { <input type="hidden" name="reopened" value="1"/> })}
            {filter.disputed.then(|| view! { <input type="hidden" name="disputed" value="1"/> })}
            {filter.waiting_days.map(|d| view! { <input type="hidden" name="waiting" value=d.to_string()/> })}
            {filter.decided_since.map(|d| view! { <input type="hidden" name="decided_since" value=d.to_string()/> })}
            {filter.decision.clone().map(|d| view! { <input type="hidden" name="decision" value=d/> })}
            {kept_filters(&filter)}
            {filter.sort.map(|s| view! { <input type="hidden" name="sort" value=s.code()/> })}
            {filter.descending.map(|d| view! { <input type="hidden" name="dir" value=if d { "desc" } else { "asc" }/> })}
            <button type="submit">"Show"</button>
            <a href="/cases">"Reset"</a>
        </form>
    }
}

/// A column header that sorts by `sort`, toggling the direction when it already does.
fn sort_header(filter: &CaseFilter, sort: CaseSort, label: &'static str, numeric: bool) -> impl IntoView {
    let (current, descending) = filter.sort_or_default();
    let mut next = filter.clone();
    next.sort = Some(sort);
    next.descending = Some(if current == sort { !descending } else { sort.descending_by_default() });
    next.page = 0;
    next.cursor = None;
    let href = format!("/cases?{}", query_of(&next, None));
    let aria = if current == sort {
        if descending {
            "descending"
        } else {
            "ascending"
        }
    } else {
        "none"
    };
    let arrow = if current == sort {
        if descending {
            " ↓"
        } else {
            " ↑"
        }
    } else {
        ""
    };
    view! {
        <th scope="col" class:num=numeric aria-sort=aria>
            <a href=href>{format!("{label}{arrow}")}</a>
        </th>
    }
}

#[component]
fn CaseTable(page: CasePage, filter: CaseFilter, people: Vec<(i64, String)>) -> impl IntoView {
    let view_query = query_of(&filter, Some(filter.page));
    let export = format!("/cases.csv?{view_query}");
    let api = format!("/api/v1/cases?{view_query}");
    let back = format!("/cases?{view_query}");
    let first = filter.page * CASE_PAGE_SIZE + 1;
    let last = filter.page * CASE_PAGE_SIZE + i64::try_from(page.rows.len()).unwrap_or(0);
    let summary = if page.total == 0 {
        "No case matches this view.".to_owned()
    } else {
        format!("Cases {first}–{last} of {}.", page.total)
    };
    // The pages next to this one start at its last row and end at its first (keyset: a deep page reads
    // from its place in the index); a page whose edge has no cursor is linked by number.
    let link = {
        let filter = filter.clone();
        move |p: i64, cursor: Option<PageCursor>| {
            let at = CaseFilter { cursor, ..filter.clone() };
            format!("/cases?{}", query_of(&at, Some(p)))
        }
    };
    let (before, after) = (page.previous.clone(), page.next.clone());
    let (prev, next) = (filter.page > 0, last < page.total);
    let headers = [
        (CaseSort::Customer, "Customer", false),
        (CaseSort::Ip, "IP", false),
        (CaseSort::Type, "Type", false),
        (CaseSort::Unique, "Unique", true),
        (CaseSort::Received, "Received", true),
        (CaseSort::Reporters, "Reporters", true),
        (CaseSort::FirstSeen, "First seen (UTC)", false),
        (CaseSort::LastSeen, "Last seen (UTC)", false),
        (CaseSort::Last24h, "24 h", true),
        (CaseSort::Last7d, "7 d", true),
    ]
    .map(|(sort, label, numeric)| sort_header(&filter, sort, label, numeric))
    .collect_view();
    let tail = [(CaseSort::Status, "Status", false), (CaseSort::Assignee, "Assignee", false)]
        .map(|(sort, label, numeric)| sort_header(&filter, sort, label, numeric))
        .collect_view();
    let options =
        people.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view();
    // Release builds keep full view types (debug builds erase them): a row of fifteen cells inside the table
    // inside the form made a type deeper than the compiler's recursion limit. Erasing each row and the table
    // keeps every type shallow, whatever the row grows to.
    let rows = page.rows.into_iter().map(|row| view! { <CaseLine row/> }.into_any()).collect_view();
    let table = view! {
        <table class="grid" id="cases">
            <thead>
                <tr>
                    <th scope="col"><span class="visually-hidden">"Select"</span></th>
                    {headers}
                    <th scope="col">"Trend"</th>
                    <th scope="col" class="num">"Rate ‰"</th>
                    {tail}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any();
    view! {
        <p class="muted">
            {summary} " " <a href=export>"Export CSV"</a> " · " <a href=api>"JSON"</a>
        </p>
        <form method="post" action="/cases/assign" id="bulk-assign">
            <input type="hidden" name="back" value=back/>
            <div class="table-scroll">{table}</div>
            <p class="row">
                <label>
                    <span>"Assign ticked cases to"</span>
                    <select name="assignee"><option value="none">"nobody"</option>{options}</select>
                </label>
                <button type="submit">"Assign"</button>
            </p>
        </form>
        <Pager previous=prev.then(|| link(filter.page - 1, before)) next=next.then(|| link(filter.page + 1, after))/>
    }
}

#[component]
fn CaseLine(row: CaseRow) -> impl IntoView {
    let href = format!("/cases/{}", row.case_id);
    let customer = match &row.customer {
        Some(c) => {
            view! { <a href=format!("/customers/{}", c.customer_id) title=c.name.clone()>{c.account_ref.clone()}</a> }
                .into_any()
        }
        None => view! { <span class="muted">"nobody named"</span> }.into_any(),
    };
    let kind = if row.role == "source" || row.role == "unknown" {
        row.report_type.replace('_', " ")
    } else {
        format!("{} · {}", row.report_type.replace('_', " "), row.role.replace('_', " "))
    };
    // The header says UTC; the cells stay short enough for one line.
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
    };
    let rate = row.rate_per_thousand.map(|r| format!("{r:.2}")).unwrap_or_else(|| "–".to_owned());
    let flag_class = row.flag.as_ref().map(|f| format!("flag {f}")).unwrap_or_default();
    let flag_title = row.flag.as_ref().map(|f| format!("at or over the {f} threshold for {}", row.report_type));
    let status = format!("status {}", row.status.code());
    view! {
        <tr class:flagged=row.flag.is_some()>
            <td><input type="checkbox" name="case" value=row.case_id.to_string() aria-label=format!("Select case {}", row.case_id)/></td>
            <td>{customer}</td>
            <td><a href=href>{row.source_ip.clone()}</a></td>
            <td>{kind}</td>
            <td class="num strong">{row.unique_complaints}</td>
            <td class="num">{row.received}</td>
            <td class="num">{row.reporters}</td>
            <td>{when(row.first_seen)}</td>
            <td>{when(row.last_seen)}</td>
            <td class="num">{row.last_24h}</td>
            <td class="num">{row.last_7d}</td>
            <td><span class=format!("trend {}", row.trend)>{row.trend.clone()}</span></td>
            <td class="num"><span class=flag_class title=flag_title>{rate}</span></td>
            <td>
                <span class=status>{row.status.label()}</span>
                {(row.open_disputes > 0).then(|| view! {
                    <span class="badge dispute" title="the customer disputes this case: answer before any termination">"disputed"</span>
                })}
            </td>
            <td>{row.assignee.clone().unwrap_or_default()}</td>
        </tr>
    }
}

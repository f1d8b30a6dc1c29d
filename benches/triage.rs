//! Triage benchmark (prints figures; not a timed test): fills a database with 1,000,000 reports in 50,000
//! cases, recounts every case through the store, then times every view of the triage queue (issue 19:
//! each sort, each filter, a CIDR and a reporter-reference search, a deep page by cursor and by number,
//! the CSV export's first 10,000 rows) and the case page of the largest and of a small case, as the server
//! builds them (store queries plus the view: recent counts, volumes, thresholds, chart), and the front
//! page of each staff role (issue 20: at most 50 ms at a million reports; with a week of sending volume
//! for 2,000 addresses, so the rate tiles have work). Median of repeated runs.
//!
//! `cargo bench --bench triage` on SQLite (a temporary file); with `TEST_POSTGRES_URL` set, the same run on a
//! fresh PostgreSQL database too. `ABUSEDESK_BENCH_REPORTS` / `ABUSEDESK_BENCH_CASES` change the size, and
//! `ABUSEDESK_BENCH_BIG_CASES` how many large cases take every fourth report (50 by default; 5 at a
//! million reports, or 50 at ten million, gives "a few cases of 50,000 reports");
//! `ABUSEDESK_BENCH_SQLITE=path` keeps the SQLite fixture in that file and reuses it on the next run, and
//! `ABUSEDESK_BENCH_PG_DB=name` keeps the PostgreSQL one in that database.
//!
//! The fixture is written with plain SQL in bulk (the real intake path, timed by `benches/intake.rs`, would
//! need several minutes for a million reports, and this benchmark times reading, not intake); the counters
//! are then computed by the store's own recount (which also settles the front page's kept intake counter),
//! so every figure is measured on counters the desk itself produced.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use abusedesk::domain::case::{CaseFilter, CaseSort};
use abusedesk::cases::views as case_views;
use abusedesk::dashboard;
use abusedesk::store::{self, Backend, Store};
use abusedesk::triage::rates::Granularity;
use chrono::{DateTime, Utc};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Rows per multi-row insert statement (well under both databases' bind limits).
const CHUNK: usize = 500;

/// Inserts `rows` of `columns` values with one statement per chunk, in one transaction.
macro_rules! bulk_insert {
    ($pool:expr, $big_cache:expr, $table:expr, $columns:expr, $rows:expr, |$q:ident, $row:ident| $bind:expr) => {{
        let columns: &[&str] = $columns;
        let mut tx = $pool.begin().await.unwrap();
        if $big_cache {
            // A million rows into six indexes thrash SQLite's default 2 MiB page cache.
            sqlx::query("pragma cache_size = -524288").execute(&mut *tx).await.unwrap();
        }
        for chunk in $rows.chunks(CHUNK) {
            let mut n = 0;
            let values: Vec<String> = chunk
                .iter()
                .map(|_| {
                    let p: Vec<String> = columns.iter().map(|_| { n += 1; format!("${n}") }).collect();
                    format!("({})", p.join(", "))
                })
                .collect();
            let sql = format!("insert into {} ({}) values {}", $table, columns.join(", "), values.join(", "));
            let mut $q = sqlx::query(&sql);
            for $row in chunk {
                $q = $bind;
            }
            $q.execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    }};
}

async fn fill(store: &Store, reports: usize, cases: usize, big: usize, now: DateTime<Utc>) {
    let ids: Vec<usize> = (1..=reports).collect();
    let case_ids: Vec<usize> = (1..=cases).collect();
    let ip = |case: usize| format!("10.{}.{}.{}", case / 65_536 % 256, case / 256 % 256, case % 256);
    let at = |i: usize| now - chrono::Duration::minutes(i64::try_from(i % 40_000).unwrap());
    let kinds = ["spam", "spam", "spam", "phishing", "botnet", "scanning"];
    let reporters = ["SpamCop", "AOL", "Comcast", "Shadowserver", "Microsoft"];
    macro_rules! run {
        ($pool:expr, $sqlite:expr) => {{
            let pool = $pool;
            bulk_insert!(pool, $sqlite, "inbound_message", &["sha256", "size_bytes", "first_received_at",
                "parse_status", "report_count", "created_at", "updated_at"], ids, |q, i| q
                .bind(format!("{i:064x}")).bind(1_i64).bind(at(*i)).bind("parsed").bind(1_i64).bind(now).bind(now));
            bulk_insert!(pool, $sqlite, "message_body", &["inbound_message_id", "created_at", "updated_at", "raw_bytes"],
                ids, |q, i| q.bind(i64::try_from(*i).unwrap()).bind(now).bind(now).bind(vec![b'x']));
            bulk_insert!(pool, $sqlite, "message_arrival", &["inbound_message_id", "channel", "received_at", "created_at", "updated_at"],
                ids, |q, i| q.bind(i64::try_from(*i).unwrap()).bind("import").bind(at(*i)).bind(now).bind(now));
            bulk_insert!(pool, $sqlite, "abuse_case", &["case_key", "source_ip", "report_type", "role", "status", "created_at", "updated_at"],
                case_ids, |q, c| q.bind(format!("-|{}|{}|source", ip(*c), kinds[c % kinds.len()])).bind(ip(*c))
                    .bind(kinds[c % kinds.len()]).bind("source").bind(if c % 7 == 0 { "closed" } else { "new" }).bind(now).bind(now));
            // Case sizes are skewed like real queues: a few large cases, many small ones.
            bulk_insert!(pool, $sqlite, "report", &["inbound_message_id", "position", "format", "report_type", "role", "source_ip",
                "incident_time", "reporter", "reporter_ref", "urls", "complainant_hash", "created_at", "updated_at",
                "abuse_case_id", "unique_in_case", "duplicate_reason", "seen_at"],
                ids, |q, i| {
                    let case = if i % 4 == 0 { 1 + (i / 4) % big } else { 1 + (i * 7_919) % cases };
                    let unique = i % 5 != 0;
                    q.bind(i64::try_from(*i).unwrap()).bind(0_i32).bind("spamcop").bind(kinds[case % kinds.len()]).bind("source")
                        .bind(ip(case)).bind(at(*i)).bind(reporters[i % reporters.len()]).bind(format!("{}", 7_000_000_000 + i))
                        .bind("[]").bind(format!("h{}", i % 20_000)).bind(now).bind(now)
                        .bind(i64::try_from(case).unwrap()).bind(unique).bind((!unique).then_some("same_reporter_report"))
                        .bind(at(*i))
                });
            // Sending volume for every 25th case's address over the last week (2,000 of 50,000), from
            // 200 to 1,800 messages a day, so the rate tiles have cases on both sides of the lines.
            let volumes: Vec<(usize, i64)> =
                case_ids.iter().filter(|c| *c % 25 == 0).flat_map(|c| (0..7).map(move |d| (*c, d))).collect();
            bulk_insert!(pool, $sqlite, "sending_volume", &["source_ip", "day", "messages", "trap_hits", "source",
                "created_at", "updated_at"], volumes, |q, v| q.bind(ip(v.0)).bind((now - chrono::Duration::days(v.1)).date_naive())
                    .bind(i64::try_from(200 + (v.0 % 5) * 400).unwrap()).bind(0_i64).bind("maillog").bind(now).bind(now));
        }};
    }
    match store.backend() {
        Backend::Sqlite(pool) => run!(pool, true),
        Backend::Postgres(pool) => run!(pool, false),
    }
}

/// Fresh statistics and visibility after the bulk load and the recount, as autovacuum (PostgreSQL) or
/// `pragma optimize` (SQLite, run by the desk when it opens the database) leave them in service.
async fn refresh_statistics(store: &Store) {
    match store.backend() {
        Backend::Sqlite(pool) => sqlx::query("analyze").execute(pool).await.map(|_| ()).unwrap(),
        Backend::Postgres(pool) => sqlx::query("vacuum analyze").execute(pool).await.map(|_| ()).unwrap(),
    }
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort_unstable();
    runs[runs.len() / 2]
}

async fn time<F, Fut, T>(runs: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut all = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        f().await;
        all.push(started.elapsed());
    }
    median(all)
}

async fn bench(name: &str, store: Store, reports: usize, cases: usize) {
    store.migrate().await.unwrap();
    if store.all_case_ids().await.unwrap().is_empty() {
        let big = env_usize("ABUSEDESK_BENCH_BIG_CASES", 50).clamp(1, cases);
        let started = Instant::now();
        fill(&store, reports, cases, big, store::now()).await;
        let filled = started.elapsed();
        let rate = reports as f64 / filled.as_secs_f64();
        let started = Instant::now();
        let placed = abusedesk::cases::placement::place_all(&store).await.unwrap();
        let recounted = started.elapsed();
        refresh_statistics(&store).await;
        println!(
            "{name}: {reports} reports in {cases} cases ({big} large) written in {filled:.1?} ({rate:.0} reports/s); \
             {} cases recounted in {recounted:.1?}",
            placed.cases
        );
    } else {
        println!("{name}: reusing the fixture already in the database");
    }
    // Pages are built after the recount, as in service (a page for an instant before a recount counts
    // the recounted cases from their reports).
    let now = store::now();
    // As `serve` does every round: trends whose window moved on since the fixture was counted.
    let started = Instant::now();
    let refreshed = store.refresh_lapsed_trends(now, i64::MAX).await.unwrap();
    println!("{name}: {refreshed} lapsed case trends refreshed in {:.1?}", started.elapsed());

    let queue = CaseFilter { open_only: true, sort: Some(CaseSort::Unique), ..CaseFilter::default() };
    let first = case_views::case_page(&store, &queue, 50, now).await.unwrap();
    println!("{name}: open cases {}; largest has {} unique of {} received", first.total, first.rows[0].unique_complaints, first.rows[0].received);
    let t = time(21, || case_views::case_page(&store, &queue, 50, now)).await;
    println!("{name}: queue first page, sorted by unique complaints: median {:.1} ms", t.as_secs_f64() * 1e3);
    let filtered = CaseFilter { report_type: Some("phishing".into()), reporter: Some("AOL".into()), ..queue.clone() };
    let t = time(11, || case_views::case_page(&store, &filtered, 50, now)).await;
    println!("{name}: queue filtered by type and reporter: median {:.1} ms", t.as_secs_f64() * 1e3);
    queue_views(name, &store, &queue, now).await;
    let big = first.rows[0].case_id;
    let t = time(21, || case_views::case_detail(&store, big, Granularity::Day, now)).await;
    println!("{name}: case page of the largest case: median {:.1} ms", t.as_secs_f64() * 1e3);
    let small = first.rows.last().unwrap().case_id;
    let t = time(21, || case_views::case_detail(&store, small, Granularity::Day, now)).await;
    println!("{name}: case page of a small case: median {:.1} ms", t.as_secs_f64() * 1e3);
    home_pages(name, &store, now).await;
}

/// Every other view of the queue (issue 19): each sort's first page, each filter, the two searches, a
/// deep page by cursor and by number, and the CSV export's first 10,000 rows.
async fn queue_views(name: &str, store: &Store, queue: &CaseFilter, now: DateTime<Utc>) {
    let mut figures = Vec::new();
    let mut view = |label: String, t: Duration| {
        println!("{name}: queue {label}: median {:.1} ms", t.as_secs_f64() * 1e3);
        figures.push(t);
    };
    for sort in CaseSort::ALL {
        let f = CaseFilter { sort: Some(sort), ..queue.clone() };
        view(format!("sorted by {}", sort.code()), time(11, || case_views::case_page(store, &f, 50, now)).await);
    }
    // An hour on with no refresh (serve stopped): the cases whose kept day count lapsed meanwhile are
    // counted from their reports.
    let later = now + chrono::Duration::hours(1);
    let f = CaseFilter { sort: Some(CaseSort::Last24h), ..queue.clone() };
    let t = time(11, || case_views::case_page(store, &f, 50, later)).await;
    view("sorted by last_24h an hour later, lapsed counts not refreshed".to_owned(), t);
    let day = (now - chrono::Duration::days(2)).date_naive();
    let filters: Vec<(&str, CaseFilter)> = vec![
        ("type", CaseFilter { report_type: Some("phishing".into()), ..queue.clone() }),
        ("status", CaseFilter { status: Some(abusedesk::domain::case::CaseStatus::New), ..queue.clone() }),
        ("all statuses", CaseFilter { open_only: false, ..queue.clone() }),
        ("reporter", CaseFilter { reporter: Some("Shadowserver".into()), ..queue.clone() }),
        ("customer", CaseFilter { customer: Some("C-1".into()), ..queue.clone() }),
        ("unassigned", CaseFilter { assignee: Some("none".into()), ..queue.clone() }),
        ("assignee", CaseFilter { assignee: Some("alex".into()), ..queue.clone() }),
        ("from/to days", CaseFilter { from: Some(day), to: Some(day), ..queue.clone() }),
        ("reopened", CaseFilter { reopened: true, ..queue.clone() }),
        ("disputed", CaseFilter { disputed: true, ..queue.clone() }),
        ("waiting 7 days", CaseFilter { waiting_days: Some(7), ..queue.clone() }),
        ("decided since", CaseFilter { decided_since: Some(day), ..queue.clone() }),
        ("rising", CaseFilter { rising: true, ..queue.clone() }),
        ("rate warn", CaseFilter { rate: Some(abusedesk::domain::case::RateLine::Warn), ..queue.clone() }),
        ("rate block", CaseFilter { rate: Some(abusedesk::domain::case::RateLine::Block), ..queue.clone() }),
        ("not investigated", CaseFilter { uninvestigated: true, ..queue.clone() }),
        ("CIDR search /24", CaseFilter { q: Some("10.0.1.0/24".into()), ..queue.clone() }),
        ("CIDR search /16", CaseFilter { q: Some("10.0.0.0/16".into()), ..queue.clone() }),
        ("reporter-reference search", CaseFilter { q: Some("7000000404".into()), ..queue.clone() }),
        ("IP search", CaseFilter { q: Some("10.0.1.7".into()), ..queue.clone() }),
    ];
    for (label, f) in &filters {
        let page = case_views::case_page(store, f, 50, now).await.unwrap();
        let t = time(11, || case_views::case_page(store, f, 50, now)).await;
        view(format!("filtered by {label} ({} cases)", page.total), t);
    }
    // A deep page: page 200 (cases 10,001–10,050) by number, and the same page by its cursor.
    for sort in [CaseSort::Unique, CaseSort::Last24h, CaseSort::LastSeen] {
        let before = CaseFilter { sort: Some(sort), page: 199, ..queue.clone() };
        let cursor = case_views::case_page(store, &before, 50, now).await.unwrap().next;
        let by_number = CaseFilter { page: 200, ..before.clone() };
        let by_cursor = CaseFilter { cursor, ..by_number.clone() };
        let a = case_views::case_page(store, &by_number, 50, now).await.unwrap();
        let b = case_views::case_page(store, &by_cursor, 50, now).await.unwrap();
        let same = a.rows.iter().map(|r| r.case_id).eq(b.rows.iter().map(|r| r.case_id));
        assert!(same && by_cursor.cursor.is_some(), "the cursor gives the page its number gives");
        let t = time(11, || case_views::case_page(store, &by_cursor, 50, now)).await;
        view(format!("page 200 by cursor, sorted by {}", sort.code()), t);
        let t = time(5, || case_views::case_page(store, &by_number, 50, now)).await;
        view(format!("page 200 by number, sorted by {}", sort.code()), t);
    }
    let export = CaseFilter { open_only: false, ..queue.clone() };
    let rows = case_views::case_page(store, &export, 10_000, now).await.unwrap().rows.len();
    let t = time(5, || case_views::case_page(store, &export, 10_000, now)).await;
    view(format!("CSV export's first {rows} rows (the page the export writes)"), t);
    let worst = figures.iter().max().copied().unwrap_or_default();
    let mut sorted = figures.clone();
    sorted.sort_unstable();
    println!("{name}: queue views timed: {}; median of medians {:.1} ms, slowest {:.1} ms", figures.len(),
        median(sorted).as_secs_f64() * 1e3, worst.as_secs_f64() * 1e3);
}

/// The front page (issue 20) for each staff role: every query it runs, as the server function runs them.
async fn home_pages(name: &str, store: &Store, now: DateTime<Utc>) {
    use abusedesk::domain::role::Role;
    for role in [Role::Analyst, Role::Manager, Role::Admin] {
        let user = abusedesk::domain::user::CurrentUser {
            user_id: abusedesk::domain::ids::UserId(1),
            username: "alex".into(),
            display_name: "Alex".into(),
            role,
            must_change_password: false,
            customer_id: None,
        };
        let h = dashboard::home(store, &user, false, now).await.unwrap();
        if let Some(work) = &h.work {
            let charted: i64 = work.chart.series.iter().flat_map(|(_, d)| d).sum();
            let tiles: Vec<String> = work.cases.iter().map(|t| format!("{} {}", t.key, t.count)).collect();
            println!("{name}: {role} home: {}; {charted} reports in the 14-day chart", tiles.join(", "));
        }
        let others: Vec<String> = h
            .reviews
            .iter()
            .chain(h.health.iter().flat_map(|health| &health.today))
            .map(|t| format!("{} {}", t.key, t.count))
            .collect();
        if !others.is_empty() {
            println!("{name}: {role} home: {}", others.join(", "));
        }
        let t = time(21, || dashboard::home(store, &user, false, now)).await;
        println!("{name}: {role} front page: median {:.1} ms", t.as_secs_f64() * 1e3);
    }
    tile_queries(name, store, now).await;
}

/// The front page's costliest queries one by one (the case tiles, each the count of its queue), so a page
/// over its budget shows which of them to look at.
async fn tile_queries(name: &str, store: &Store, now: DateTime<Utc>) {
    use abusedesk::domain::home::{case_tiles, manager_case_tile};
    let mut parts = Vec::new();
    for (key, _, filter) in case_tiles("alex").into_iter().chain([manager_case_tile()]) {
        let t = time(11, || store.count_cases(&filter, now)).await;
        parts.push(format!("{key} {:.1}", t.as_secs_f64() * 1e3));
    }
    let t = time(11, || store.list_unattributed(0, 0)).await;
    parts.push(format!("unattributed {:.1}", t.as_secs_f64() * 1e3));
    let t = time(11, || store.oldest_open_case()).await;
    parts.push(format!("oldest_open {:.1}", t.as_secs_f64() * 1e3));
    let since = (now - chrono::Duration::days(31)).date_naive();
    let t = time(11, || store.decisions_since(since.and_hms_opt(0, 0, 0).unwrap().and_utc())).await;
    parts.push(format!("decisions_since {:.1}", t.as_secs_f64() * 1e3));
    println!("{name}: front page queries, median ms: {}", parts.join(", "));
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("triage benchmark skipped: run it with `cargo bench --bench triage` (optimised)");
        return;
    }
    let reports = env_usize("ABUSEDESK_BENCH_REPORTS", 1_000_000);
    let cases = env_usize("ABUSEDESK_BENCH_CASES", 50_000);
    let dir = tempfile::tempdir().unwrap();
    let path = std::env::var("ABUSEDESK_BENCH_SQLITE").unwrap_or_else(|_| format!("{}/bench.db", dir.path().display()));
    let store = Store::connect(&format!("sqlite://{path}")).await.unwrap();
    bench("SQLite", store.clone(), reports, cases).await;
    store.close().await;

    match std::env::var("TEST_POSTGRES_URL") {
        Ok(server) => {
            use sqlx::Connection;
            let keep = std::env::var("ABUSEDESK_BENCH_PG_DB").ok();
            let name = keep.clone().unwrap_or_else(|| format!("abusedesk_bench_{}", std::process::id()));
            let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
            let exists: bool = sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
                .bind(&name)
                .fetch_one(&mut admin)
                .await
                .unwrap();
            if !exists {
                sqlx::query(&format!("create database {name}")).execute(&mut admin).await.unwrap();
            }
            let mut url = url::Url::parse(&server).unwrap();
            url.set_path(&format!("/{name}"));
            let store = Store::connect(url.as_str()).await.unwrap();
            bench("PostgreSQL", store.clone(), reports, cases).await;
            store.close().await;
            if keep.is_none() {
                sqlx::query(&format!("drop database {name} with (force)")).execute(&mut admin).await.unwrap();
            }
        }
        Err(_) => println!("PostgreSQL half skipped: TEST_POSTGRES_URL is not set"),
    }
}

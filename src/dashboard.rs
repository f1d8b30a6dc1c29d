//! The dashboard: the front page's data per role, built from the store: the case tiles from the queue's own
//! conditions, the intake chart from the kept day counter, the desk's health from indexes. Shared by the server
//! function (`web::fns::overview`) and the benchmark, so the benchmark times what the page runs.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use chrono::Datelike;
use futures_util::future::try_join_all;

use crate::domain::case::CaseFilter;
use crate::domain::decision::DecisionKind;
use crate::domain::home::{
    case_tiles, manager_case_tile, messages_href, percentile, queue_href, CaseWork, DecisionMonth, DeskHealth, Home,
    IntakeChart, OldestCase, ReporterFeed, Tile, INTAKE_DAYS,
};
use crate::domain::role::Role;
use crate::domain::user::CurrentUser;
use crate::store::{Store, StoreError};
use crate::triage::intake_chart::svg_intake_chart;

fn tile(key: &str, label: &str, count: i64, href: String, note: Option<String>) -> Tile {
    Tile { key: key.to_owned(), label: label.to_owned(), count, href, note }
}

/// The front page of `user` at `now`.
///
/// # Errors
/// Database errors.
pub async fn home(store: &Store, user: &CurrentUser, demo: bool, now: DateTime<Utc>) -> Result<Home, StoreError> {
    // The parts are independent reads: asked together, each on its own pooled connection, the page waits for
    // the slowest count instead of their sum (on PostgreSQL every count is also a round trip).
    let role = user.role;
    let work = async {
        match role {
            Role::Analyst | Role::Manager => case_work(store, &user.username, now).await.map(Some),
            _ => Ok(None),
        }
    };
    let reviews = async {
        match role {
            Role::Manager | Role::Admin => reviews(store, now).await,
            _ => Ok(Vec::new()),
        }
    };
    let block_line = async {
        if role != Role::Manager {
            return Ok(None);
        }
        let (key, label, filter) = manager_case_tile();
        let count = store.count_cases(&filter, now).await?;
        Ok::<_, StoreError>(Some(tile(key, label, count, queue_href(&filter), None)))
    };
    let month = async {
        match role {
            Role::Manager => decision_month(store, now).await.map(Some),
            _ => Ok(None),
        }
    };
    let health = async {
        match role {
            Role::Admin => health(store, now).await.map(Some),
            _ => Ok(None),
        }
    };
    let (work, mut reviews, block_line, month, health) = tokio::try_join!(work, reviews, block_line, month, health)?;
    reviews.extend(block_line);
    Ok(Home { display_name: user.display_name.clone(), role, demo, work, reviews, month, health })
}

/// An analyst's cases, intake queues, oldest open case and intake chart.
///
/// # Errors
/// Database errors.
pub async fn case_work(store: &Store, username: &str, now: DateTime<Utc>) -> Result<CaseWork, StoreError> {
    let tiles = case_tiles(username);
    let counts = try_join_all(tiles.iter().map(|(_, _, filter)| store.count_cases(filter, now)));
    let (counts, (_, unattributed), unrecognised, oldest, chart) = tokio::try_join!(
        counts,
        store.list_unattributed(0, 0),
        store.count_messages_in("unrecognised"),
        store.oldest_open_case(),
        intake_chart(store, now),
    )?;
    let cases = tiles
        .into_iter()
        .zip(counts)
        .map(|((key, label, filter), count)| tile(key, label, count, queue_href(&filter), None))
        .collect();
    let intake = vec![
        tile("unattributed", "Reports attributed to nobody", unattributed, "/unattributed".into(), None),
        tile("unrecognised", "Messages no parser recognised", unrecognised, "/messages?status=unrecognised".into(), None),
    ];
    let oldest_open = oldest.map(|(case_id, first_seen)| OldestCase {
        case_id,
        first_seen,
        age_days: (now - first_seen).num_days(),
    });
    Ok(CaseWork { cases, intake, oldest_open, chart })
}

/// Reports per day and reporter over the last [`INTAKE_DAYS`] days (today included), from `intake_day`.
async fn intake_chart(store: &Store, now: DateTime<Utc>) -> Result<IntakeChart, StoreError> {
    let today = now.date_naive();
    let days: Vec<NaiveDate> = (0..INTAKE_DAYS).rev().map(|back| today - Duration::days(back)).collect();
    let since = days.first().copied().unwrap_or(today);
    let mut series: Vec<(String, Vec<i64>)> = Vec::new();
    for (day, reporter, n) in store.intake_by_day(since).await? {
        let Some(i) = days.iter().position(|d| *d == day) else { continue };
        let at = match series.iter().position(|(r, _)| *r == reporter) {
            Some(at) => at,
            None => {
                series.push((reporter, vec![0; days.len()]));
                series.len() - 1
            }
        };
        series[at].1[i] += n;
    }
    // The busiest reporter at the bottom of each bar, where changes in it are easiest to see.
    series.sort_by_key(|(r, v)| (std::cmp::Reverse(v.iter().sum::<i64>()), r.clone()));
    let svg = svg_intake_chart(&days, &series, "Reports received per day, by reporter", 720, 220);
    Ok(IntakeChart { days, series, svg })
}

/// Cases decided this month by kind (each the queue of such cases) and the time from first report to
/// decision.
async fn decision_month(store: &Store, now: DateTime<Utc>) -> Result<DecisionMonth, StoreError> {
    let today = now.date_naive();
    let since = today.with_day(1).unwrap_or(today);
    let start = since.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let decisions = store.decisions_since(start).await?;
    let all = CaseFilter { open_only: false, decided_since: Some(since), ..CaseFilter::default() };
    let kinds: Vec<(DecisionKind, CaseFilter)> = DecisionKind::ALL
        .into_iter()
        .filter(|kind| decisions.iter().any(|(k, ..)| k == kind.code()))
        .map(|kind| (kind, CaseFilter { decision: Some(kind.code().to_owned()), ..all.clone() }))
        .collect();
    let counts = try_join_all(kinds.iter().map(|(_, filter)| store.count_cases(filter, now))).await?;
    let decided = kinds
        .iter()
        .zip(counts)
        .map(|((kind, filter), count)| {
            tile(&format!("decided_{}", kind.code()), kind.label(), count, queue_href(filter), None)
        })
        .collect();
    let hours: Vec<i64> =
        decisions.iter().filter_map(|(_, _, at, first)| first.map(|f| (*at - f).num_hours().max(0))).collect();
    Ok(DecisionMonth {
        since,
        decided,
        median_hours: percentile(&hours, 50),
        p90_hours: percentile(&hours, 90),
        href: queue_href(&all),
    })
}

/// Proposals and appeals waiting for a manager, with the age of the oldest.
async fn reviews(store: &Store, now: DateTime<Utc>) -> Result<Vec<Tile>, StoreError> {
    let age = |t: Option<DateTime<Utc>>| t.map(|t| format!("oldest {} days", (now - t).num_days()));
    // Asked together, like the page's other counts: the tile waits for the slower of the two, not their sum.
    let (proposals, appeals) = tokio::try_join!(store.pending_proposals(), store.open_appeals())?;
    Ok(vec![
        tile(
            "proposals",
            "Proposals waiting for review",
            i64::try_from(proposals.len()).unwrap_or(i64::MAX),
            "/reviews".into(),
            age(proposals.iter().map(|p| p.created_at).min()),
        ),
        tile(
            "appeals",
            "Appeals waiting",
            i64::try_from(appeals.len()).unwrap_or(i64::MAX),
            "/reviews#appeals".into(),
            age(appeals.iter().map(|a| a.created_at).min()),
        ),
    ])
}

/// Reporter feeds listed on the admin's front page, quietest first.
const REPORTER_FEEDS: i64 = 12;

/// Messages first received today (UTC) by parse outcome, each counted from its range of the status index.
async fn parsed_today(store: &Store, now: DateTime<Utc>) -> Result<Vec<Tile>, StoreError> {
    let day = now.date_naive();
    let start = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let outcomes =
        [("parsed", "Parsed today"), ("unrecognised", "Not recognised today"), ("failed", "Unreadable today")];
    let counts = try_join_all(
        outcomes.iter().map(|(status, _)| store.count_messages_received(status, start, start + Duration::days(1))),
    )
    .await?;
    Ok(outcomes
        .iter()
        .zip(counts)
        .map(|((status, label), n)| tile(&format!("today_{status}"), label, n, messages_href(status, day), None))
        .collect())
}

/// The desk's health for admins.
async fn health(store: &Store, now: DateTime<Utc>) -> Result<DeskHealth, StoreError> {
    let users = store.list_users().await?;
    let accounts = Role::ALL
        .into_iter()
        .map(|role| (role, users.iter().filter(|u| u.role == role && u.disabled_at.is_none()).count() as i64))
        .collect();
    let mut channels = Vec::new();
    for channel in ["mta", "api", "import", "upload", "imap"] {
        channels.push((channel.to_owned(), store.last_arrival(channel).await?));
    }
    let today = crate::store::now().date_naive();
    let reporters = store
        .reporter_last_days(REPORTER_FEEDS)
        .await?
        .into_iter()
        .map(|(reporter, last_day)| {
            let filter = CaseFilter { open_only: false, reporter: Some(reporter.clone()), ..CaseFilter::default() };
            ReporterFeed { href: queue_href(&filter), quiet_days: (today - last_day).num_days(), last_day, reporter }
        })
        .collect();
    let mut tiles = Vec::new();
    // Only the outcomes that wait for a person: counting every parsed message reads the whole status index
    // (the admin page took 59.6 ms with it at a million messages on SQLite; the budget is 50 ms).
    for (status, label) in [("unrecognised", "Not recognised"), ("failed", "Unreadable")] {
        let n = store.count_messages_in(status).await?;
        tiles.push(tile(&format!("messages_{status}"), label, n, format!("/messages?status={status}"), None));
    }
    let when = |t: Option<DateTime<Utc>>| t.map(|t| format!("oldest failure {}", t.format("%Y-%m-%d %H:%M UTC")));
    let outbox = store.notification_backlog().await?;
    tiles.push(tile("outbox", "Notifications waiting", outbox.waiting, "/admin/notifications?status=outbox".into(), None));
    tiles.push(tile("outbox_failed", "Notifications failed", outbox.failed, "/admin/notifications?status=failed".into(), when(outbox.oldest_failure)));
    let hooks = store.webhook_backlog().await?;
    tiles.push(tile("webhooks", "Webhook deliveries pending", hooks.waiting, "/admin/notifications#webhooks".into(), when(hooks.oldest_failure)));
    // A mailbox whose UIDVALIDITY changed is not collected until staff accept it (intake::imap): shown
    // only then, with the first problem in full.
    let stopped: Vec<_> = store.list_imap_mailboxes().await?.into_iter().filter_map(|m| m.problem).collect();
    if let Some(first) = stopped.first() {
        let n = i64::try_from(stopped.len()).unwrap_or(i64::MAX);
        tiles.push(tile("imap_stopped", "IMAP mailboxes not collected", n, "/".into(), Some(first.clone())));
    }
    let flags = store.account_flags().await?;
    tiles.push(tile("disabled", "Disabled accounts", flags.disabled, "/admin/users".into(), None));
    tiles.push(tile("one_time_password", "Accounts on a one-time password", flags.one_time_password, "/admin/users".into(), None));
    Ok(DeskHealth {
        database: store.backend_name().to_owned(),
        schema_version: store.schema_version().await?,
        accounts,
        channels,
        reporters,
        tiles,
        today: parsed_today(store, now).await?,
        audit: store.last_audit_verification().await?,
    })
}

//! The triage queue at scale (issue 19), on both backends: the kept 24-hour and 7-day counts equal a fresh
//! count of the reports while they hold, the recent-count sorts order by the counts at the page's instant
//! whether the kept value holds or has lapsed, and pages by cursor cover every case exactly once, forwards
//! and backwards, under each sort and direction (ties included).

use std::collections::HashMap;

use abusedesk::cases::views::case_page;
use abusedesk::domain::case::{CaseFilter, CaseSort};
use abusedesk::store::{self, RecentCounts, Store};
use chrono::{DateTime, Duration, Utc};

use crate::backends::on_each_backend;

/// Every case's fresh recent counts at `at`.
async fn fresh(s: &Store, at: DateTime<Utc>) -> HashMap<i64, RecentCounts> {
    let ids = s.all_case_ids().await.unwrap();
    let counts = s.recent_counts(&ids, at).await.unwrap();
    ids.into_iter().map(|id| (id, counts.get(&id).copied().unwrap_or_default())).collect()
}

/// The queue sorted by `sort` (a recent count) at `at`: each row's sort count must be its fresh count, in
/// order. Returns how many rows have a non-zero count.
async fn check_recent_sort(s: &Store, sort: CaseSort, at: DateTime<Utc>) -> usize {
    let want = fresh(s, at).await;
    let f = CaseFilter { sort: Some(sort), open_only: false, ..CaseFilter::default() };
    let (rows, total) = s.list_cases(&f, 1_000, at).await.unwrap();
    assert_eq!(rows.len() as i64, total, "one page holds the demo");
    let mut last = i64::MAX;
    for r in &rows {
        let counts = want[&r.abuse_case_id];
        let expected = if sort == CaseSort::Last24h { counts.last_24h } else { counts.last_7d };
        let got = r.sort_count.unwrap_or(-1);
        assert_eq!(got, expected, "case {} sorted by {sort:?} at {at}", r.abuse_case_id);
        assert!(got <= last, "descending by {sort:?} at {at}");
        last = got;
    }
    rows.iter().filter(|r| r.sort_count.unwrap_or(0) > 0).count()
}

#[tokio::test]
async fn kept_day_counts_equal_a_fresh_count_before_and_after_they_lapse() {
    on_each_backend(|s: Store| async move {
        abusedesk::demo::load(&s).await.unwrap();
        let now = store::now();
        let counts = fresh(&s, now).await;
        let mut kept_nonzero = 0;
        for (id, c) in &counts {
            let (n, from, until) = s.kept_day_count(*id).await.unwrap();
            assert!(from <= now && until > now, "case {id}: the recount kept its day count ({from}..{until})");
            assert_eq!(n, c.last_24h, "case {id}: kept day count against a fresh count");
            kept_nonzero += usize::from(n > 0);
        }
        assert!(kept_nonzero > 0, "the demo has complaints in the last 24 hours");
        // As hours pass the kept counts lapse one by one; the sorts always order by the counts of the
        // moment, and a lapsed kept value is never what a row is sorted by.
        for hours in [0, 1, 12, 23, 25, 24 * 3, 24 * 8, 24 * 15] {
            let at = now + Duration::hours(hours);
            let day = check_recent_sort(&s, CaseSort::Last24h, at).await;
            check_recent_sort(&s, CaseSort::Last7d, at).await;
            if hours >= 25 {
                assert_eq!(day, 0, "no complaint of the demo is in the day after {hours} hours");
            }
        }
        let later = now + Duration::hours(25);
        let lapsed: Vec<i64> = {
            let mut out = Vec::new();
            for id in counts.keys() {
                let (n, _, until) = s.kept_day_count(*id).await.unwrap();
                if until <= later {
                    assert!(n > 0, "case {id}: only a count with complaints lapses");
                    out.push(*id);
                }
            }
            out
        };
        assert_eq!(lapsed.len(), kept_nonzero, "every non-zero day count lapses within 24 hours");
        // `serve` refreshes the lapsed ones: kept again, equal to a fresh count, and holding.
        assert!(s.refresh_lapsed_trends(later, 10_000).await.unwrap() >= lapsed.len());
        let now_counts = fresh(&s, later).await;
        for id in counts.keys() {
            let (n, from, until) = s.kept_day_count(*id).await.unwrap();
            assert!(from <= later && until > later, "case {id} kept again");
            assert_eq!(n, now_counts[id].last_24h, "case {id} after the refresh");
        }
        check_recent_sort(&s, CaseSort::Last24h, later).await;
    })
    .await;
}

/// Walks the queue `f` at `at` by cursor, `size` rows a page, forwards from the first page and then
/// backwards from the last; returns the ids in order both ways.
async fn walk(s: &Store, f: &CaseFilter, size: i64, at: DateTime<Utc>) -> (Vec<i64>, Vec<i64>) {
    let at_cursor = |cursor| CaseFilter { cursor: Some(cursor), page: 1, ..f.clone() };
    let mut pages = vec![case_page(s, f, size, at).await.unwrap()];
    while let Some(next) = pages.last().and_then(|p| p.next.clone()) {
        assert!(pages.len() < 1_000, "the walk ends");
        pages.push(case_page(s, &at_cursor(next), size, at).await.unwrap());
    }
    let forward: Vec<i64> = pages.iter().flat_map(|p| p.rows.iter().map(|r| r.case_id)).collect();
    let Some(last) = pages.iter().rev().find(|p| !p.rows.is_empty()) else { return (forward, Vec::new()) };
    let mut backward: Vec<i64> = last.rows.iter().rev().map(|r| r.case_id).collect();
    let mut cursor = last.previous.clone();
    while let Some(c) = cursor.take() {
        assert!(backward.len() < 100_000, "the walk back ends");
        let page = case_page(s, &at_cursor(c), size, at).await.unwrap();
        backward.extend(page.rows.iter().rev().map(|r| r.case_id));
        cursor = page.previous.filter(|_| !page.rows.is_empty());
    }
    backward.reverse();
    (forward, backward)
}

#[tokio::test]
async fn keyset_pages_cover_every_case_exactly_once_under_each_sort() {
    on_each_backend(|s: Store| async move {
        abusedesk::demo::load(&s).await.unwrap();
        let now = store::now();
        // At the demo's instant (kept counts hold) and 13 hours on (some have lapsed, some not).
        for at in [now, now + Duration::hours(13)] {
            for sort in CaseSort::ALL {
                for descending in [true, false] {
                    let f = CaseFilter { sort: Some(sort), descending: Some(descending), ..CaseFilter::default() };
                    let (all, total) = s.list_cases(&f, 1_000, at).await.unwrap();
                    let all: Vec<i64> = all.iter().map(|r| r.abuse_case_id).collect();
                    assert_eq!(all.len() as i64, total);
                    assert!(all.len() > 2, "the demo has cases for several pages");
                    for size in [1, 2] {
                        let (forward, backward) = walk(&s, &f, size, at).await;
                        let view = format!("by {sort:?}, descending {descending}, {size} a page, at {at}");
                        assert_eq!(forward, all, "forwards {view}");
                        assert_eq!(backward, all, "backwards {view}");
                    }
                }
            }
        }
        // Ties: the demo's cases share statuses and types, so those orders rest on the id alone.
        let f = CaseFilter { sort: Some(CaseSort::Status), ..CaseFilter::default() };
        let (rows, _) = s.list_cases(&f, 1_000, now).await.unwrap();
        assert!(rows.windows(2).any(|w| w[0].status == w[1].status), "ties under the status sort");
        // An old link by page number still opens the same page a cursor gives.
        let by_number = CaseFilter { page: 1, ..CaseFilter::default() };
        let first = case_page(&s, &CaseFilter::default(), 2, now).await.unwrap();
        let by_cursor = CaseFilter { cursor: first.next.clone(), ..by_number.clone() };
        let a: Vec<i64> = case_page(&s, &by_number, 2, now).await.unwrap().rows.iter().map(|r| r.case_id).collect();
        let b: Vec<i64> = case_page(&s, &by_cursor, 2, now).await.unwrap().rows.iter().map(|r| r.case_id).collect();
        assert_eq!(a, b);
        // A damaged cursor opens a page by number instead of failing.
        let damaged = CaseFilter::from_pairs([("page", "1"), ("after", "12~not-a-count")]);
        let c: Vec<i64> = case_page(&s, &damaged, 2, now).await.unwrap().rows.iter().map(|r| r.case_id).collect();
        assert_eq!(c, a);
    })
    .await;
}

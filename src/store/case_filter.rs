//! The triage queue's filters as SQL: the `where` clause and bound arguments for a [`CaseFilter`], shared by
//! the queue's page, its count and the front page's figures, so every count equals the list it links to.

use std::net::IpAddr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use ipnet::IpNet;

use super::like_escape;
use super::{on_backend, Store, StoreError};
use crate::domain::case::{CaseFilter, RateLine};
use crate::triage::rates::{Threshold, TREND_DAYS};

/// A bound value of a query built from a filter.
#[derive(Clone, Debug)]
pub(super) enum Arg {
    Text(String),
    Time(DateTime<Utc>),
    Day(NaiveDate),
    Number(f64),
    Int(i64),
}

/// Binds every [`Arg`] in order.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Text(t) => query.bind(t.clone()),
                Arg::Time(t) => query.bind(*t),
                Arg::Day(d) => query.bind(*d),
                Arg::Number(n) => query.bind(*n),
                Arg::Int(n) => query.bind(*n),
            };
        }
        query
    }};
}
pub(super) use bind_args;

impl Store {
    /// The addresses of all cases inside `net` (a CIDR search), at most `limit`.
    async fn case_addresses_in(&self, net: IpNet, limit: usize) -> Result<Vec<String>, StoreError> {
        const SQL: &str = "select distinct source_ip from abuse_case";
        let all: Vec<String> = on_backend!(self, |pool| sqlx::query_scalar(SQL).fetch_all(pool).await?);
        Ok(all.into_iter().filter(|ip| ip.parse::<IpAddr>().is_ok_and(|ip| net.contains(&ip))).take(limit).collect())
    }

    /// The `where` clause and its arguments for `filter` at `now`; `$1`–`$3` are reserved for the recent
    /// windows.
    pub(super) async fn case_conditions(&self, filter: &CaseFilter, now: DateTime<Utc>) -> Result<(String, Vec<Arg>), StoreError> {
        // A case emptied by re-attribution (its reports moved to another customer's case) is not work.
        let mut conditions = vec!["c.stored_reports > 0".to_owned()];
        let mut args: Vec<Arg> = Vec::new();
        let next = |args: &mut Vec<Arg>, arg: Arg| {
            args.push(arg);
            format!("${}", args.len() + 3)
        };
        if let Some(t) = &filter.report_type {
            let p = next(&mut args, Arg::Text(t.clone()));
            conditions.push(format!("c.report_type = {p}"));
        }
        match filter.status {
            Some(s) => {
                let p = next(&mut args, Arg::Text(s.code().to_owned()));
                conditions.push(format!("c.status = {p}"));
            }
            None if filter.open_only => conditions.push("c.status <> 'closed'".to_owned()),
            None => {}
        }
        if let Some(r) = &filter.reporter {
            let p = next(&mut args, Arg::Text(r.clone()));
            conditions.push(format!("c.abuse_case_id in (select abuse_case_id from report where reporter = {p})"));
        }
        if let Some(c) = &filter.customer {
            let p = next(&mut args, Arg::Text(c.clone()));
            conditions.push(format!("cu.account_ref = {p}"));
        }
        match filter.assignee.as_deref() {
            Some("none") => conditions.push("c.assignee_id is null".to_owned()),
            Some(a) => {
                let p = next(&mut args, Arg::Text(a.to_owned()));
                conditions.push(format!("u.username = {p}"));
            }
            None => {}
        }
        if let Some(from) = filter.from {
            let p = next(&mut args, Arg::Time(start_of(from)));
            conditions.push(format!("c.last_seen >= {p}"));
        }
        if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
            let p = next(&mut args, Arg::Time(start_of(to)));
            conditions.push(format!("c.first_seen < {p}"));
        }
        if filter.reopened {
            conditions.push("c.reopened_at is not null".to_owned());
        }
        if filter.disputed {
            // Through the (abuse_case_id, status) index of dispute: few cases have one.
            conditions.push(
                "c.abuse_case_id in (select abuse_case_id from dispute where status = 'open')".to_owned(),
            );
        }
        if let Some(days) = filter.waiting_days {
            // Since the latest status change (read through the case_event index), not `updated_at`, which
            // every new report moves.
            let p = next(&mut args, Arg::Time(now - Duration::days(days)));
            conditions.push(format!(
                "c.status = 'awaiting_customer' and (select e.created_at from case_event e \
                 where e.abuse_case_id = c.abuse_case_id and e.kind = 'status' \
                 order by e.case_event_id desc limit 1) < {p}"
            ));
        }
        if let Some(since) = filter.decided_since {
            // Decisions in force: not a proposal still waiting for a manager, nor one a manager refused.
            let p = next(&mut args, Arg::Time(start_of(since)));
            let kind = match &filter.decision {
                Some(k) => format!(" and d.kind = {}", next(&mut args, Arg::Text(k.clone()))),
                None => String::new(),
            };
            conditions.push(format!(
                "c.abuse_case_id in (select d.abuse_case_id from decision d where d.created_at >= {p}{kind} \
                 and (not (d.needs_approval = $3) or exists (select 1 from decision_review v \
                 where v.decision_id = d.decision_id and v.approved = $3)))"
            ));
        }
        if filter.rising {
            // The kept trend while it holds (an index on (trend, trend_until)), else the case's reports
            // judged now (an index on trend_until finds the few lapsed cases): see store::trends.
            let at = next(&mut args, Arg::Time(now));
            let fortnight = next(&mut args, Arg::Time(now - Duration::days(2 * TREND_DAYS)));
            conditions.push(format!(
                "((c.trend = 'rising' and c.trend_until > {at}) or (c.trend_until <= {at} and {}))",
                super::trends::rising_now(&fortnight)
            ));
        }
        if let Some(line) = filter.rate {
            let since = next(&mut args, Arg::Day((now - Duration::days(TREND_DAYS)).date_naive()));
            let (column, default) = match line {
                RateLine::Warn => ("warn_per_thousand", Threshold::default().warn_per_thousand),
                RateLine::Block => ("block_per_thousand", Threshold::default().block_per_thousand),
            };
            let default = next(&mut args, Arg::Number(default));
            let at = next(&mut args, Arg::Time(now));
            conditions.push(rate_condition(&since, column, &default, &at));
        }
        if filter.uninvestigated {
            conditions
                .push("not exists (select 1 from investigation i where i.abuse_case_id = c.abuse_case_id)".to_owned());
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            if let Ok(ip) = q.parse::<IpAddr>() {
                let p = next(&mut args, Arg::Text(ip.to_canonical().to_string()));
                conditions.push(format!("c.source_ip = {p}"));
            } else if let Ok(net) = q.parse::<IpNet>() {
                // Addresses are text, so a block is matched in Rust; 2,000 addresses is a wide enough view.
                let ips = self.case_addresses_in(net.trunc(), 2_000).await?;
                if ips.is_empty() {
                    conditions.push("1 = 0".to_owned());
                } else {
                    let list: Vec<String> = ips.into_iter().map(|ip| next(&mut args, Arg::Text(ip))).collect();
                    conditions.push(format!("c.source_ip in ({})", list.join(", ")));
                }
            } else {
                let exact = next(&mut args, Arg::Text(q.to_owned()));
                let like = next(&mut args, Arg::Text(format!("%{}%", like_escape(&q.to_lowercase()))));
                conditions.push(format!(
                    "(cu.account_ref = {exact} or lower(cu.name) like {like} escape '\\' \
                     or c.abuse_case_id in (select abuse_case_id from report where reporter_ref = {exact}))"
                ));
            }
        }
        Ok((conditions.join(" and "), args))
    }
}

/// A case's complaint rate at or over a line of its type, computed as the queue's rows compute it
/// (`cases::views`): unique complaints since `$2` (7 days ago) per 1,000 messages its address sent
/// on days since `since`, against the type's `column` in `rate_threshold`, else `default`. Only addresses
/// with sending volume that week can have a rate, so the cases are found from the volume's day index and
/// the case address index; the complaints are the case's kept week count when it holds at `at` (taken
/// before, lapsing after: store::trends), else counted through the report index. A zero volume has no
/// rate. The arithmetic is in double precision on both databases, as in Rust, so a rate exactly on the
/// line compares the same everywhere.
fn rate_condition(since: &str, column: &str, default: &str, at: &str) -> String {
    format!(
        "c.source_ip in (select v.source_ip from sending_volume v where v.day >= {since}) \
         and cast((case when c.trend_until > {at} and c.trend_from <= {at} then c.week_unique else \
             (select count(*) from report r where r.abuse_case_id = c.abuse_case_id \
             and r.unique_in_case = $3 and r.incident_time >= $2) end) as double precision) \
           * cast(1000 as double precision) \
           / nullif(cast((select sum(v.messages) from sending_volume v where v.source_ip = c.source_ip \
             and v.day >= {since}) as double precision), 0) \
         >= coalesce((select t.{column} from rate_threshold t where t.report_type = c.report_type), {default})"
    )
}

/// 00:00 UTC of `day`.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

//! The triage queue's filters as SQL: the `where` clause and bound arguments for a [`CaseFilter`], shared by
//! the queue's page, its count and the front page's figures, so every count equals the list it links to.

use std::net::IpAddr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use ipnet::IpNet;

use super::customers::like_escape;
use super::{on_backend, Store, StoreError};
use crate::domain::case::CaseFilter;

/// A bound value of a query built from a filter.
#[derive(Clone, Debug)]
pub(super) enum Arg {
    Text(String),
    Time(DateTime<Utc>),
}

/// Binds every [`Arg`] in order.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Text(t) => query.bind(t.clone()),
                Arg::Time(t) => query.bind(*t),
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

/// 00:00 UTC of `day`.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

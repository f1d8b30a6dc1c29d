//! Keeping a mailbox collected: pass after pass on one connection, waiting in IDLE (RFC 2177) when the
//! server offers it, else polling; reconnecting with a growing pause after a failure.

use std::time::Duration;

use super::connect::{self, timed, Session};
use super::{pass, CollectError, PassReport, Settings, Target};
use crate::store::Store;

/// The longest pause between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Logs in and runs one pass (more while a pass leaves more waiting), then logs out.
///
/// # Errors
/// As [`pass::run`], and login failures.
pub async fn once(
    store: &Store,
    target: &Target,
    password: &str,
    settings: &Settings,
    token: &str,
) -> Result<PassReport, CollectError> {
    let mut session = connect::login(target, password, settings).await?;
    let mut total = PassReport::default();
    let result = loop {
        match pass::run(&mut session, store, target, settings, token).await {
            Ok(r) => {
                add(&mut total, &r);
                if !r.more || r.busy {
                    break Ok(total);
                }
            }
            Err(e) => break Err(e),
        }
    };
    let _ = timed(settings.network_timeout, "LOGOUT", session.logout()).await;
    result
}

/// Collects `target` until the process ends. Never returns; failures are logged and retried.
pub async fn forever(store: Store, target: Target, password: String, settings: Settings, token: String) {
    let key = target.key();
    let mut backoff = Duration::from_secs(5);
    loop {
        match connect::login(&target, &password, &settings).await {
            Ok(session) => {
                backoff = Duration::from_secs(5);
                let e = keep_collecting(session, &store, &target, &settings, &token).await;
                match e {
                    CollectError::Stopped(problem) => tracing::error!(mailbox = %key, %problem, "IMAP collecting stopped"),
                    e => tracing::warn!(mailbox = %key, error = %e, "IMAP collecting interrupted; reconnecting"),
                }
            }
            Err(e) => tracing::warn!(mailbox = %key, error = %e, "IMAP login failed; trying again later"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Passes on one session until something fails; returns what failed.
async fn keep_collecting(
    mut session: Session,
    store: &Store,
    target: &Target,
    settings: &Settings,
    token: &str,
) -> CollectError {
    let t = settings.network_timeout;
    let idle = match timed(t, "CAPABILITY", session.capabilities()).await {
        Ok(caps) => caps.has_str("IDLE"),
        Err(e) => return e,
    };
    loop {
        let report = match pass::run(&mut session, store, target, settings, token).await {
            Ok(r) => r,
            Err(CollectError::Stopped(problem)) => {
                // Staff may accept the change meanwhile: look again after a while, without fetching.
                tracing::error!(mailbox = %target.key(), %problem, "IMAP collecting stopped");
                tokio::time::sleep(settings.poll).await;
                continue;
            }
            Err(e) => return e,
        };
        if report.stored + report.copies + report.finished + report.refused > 0 {
            tracing::info!(mailbox = %target.key(), stored = report.stored, copies = report.copies,
                finished = report.finished, refused = report.refused, "IMAP pass");
        }
        if report.more {
            continue;
        }
        if idle && !report.busy {
            session = match wait_idle(session, idle_time(settings), t).await {
                Ok(s) => s,
                Err(e) => return e,
            };
        } else {
            tokio::time::sleep(settings.poll).await;
        }
    }
}

/// IDLE lasts at most the poll interval and under half the lease, so the claim is renewed in time.
fn idle_time(settings: &Settings) -> Duration {
    settings.poll.min(settings.lease / 2).max(Duration::from_secs(1))
}

/// Waits in IDLE until the server reports a change or `wait` passes; the session comes back after DONE.
async fn wait_idle(session: Session, wait: Duration, t: Duration) -> Result<Session, CollectError> {
    let mut handle = session.idle();
    timed(t, "IDLE", handle.init()).await?;
    let (waiting, _stop) = handle.wait_with_timeout(wait);
    // Whatever ended the wait (news, the time limit, a broken connection), DONE tells which it was.
    let _ = tokio::time::timeout(wait + t, waiting).await;
    timed(t, "DONE", handle.done()).await
}

fn add(total: &mut PassReport, r: &PassReport) {
    total.busy |= r.busy;
    total.stored += r.stored;
    total.copies += r.copies;
    total.finished += r.finished;
    total.refused += r.refused;
    total.more = r.more;
}

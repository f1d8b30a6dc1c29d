//! `POST /auth/signin` and `POST /auth/signout`: plain HTML form posts, so signing in works without
//! JavaScript. Failures redirect back to the sign-in page with a reason that never says whether the
//! username exists.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::state::AppState;
use crate::auth::password::verify_password;
use crate::auth::session::UserSession;
use crate::auth::throttle::ThrottleKeys;
use crate::domain::user::parse_username;
use crate::error::AppError;
use crate::store;

/// The sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    pub username: String,
    pub password: String,
    /// Where to go after signing in (a local path), carried from `/login?next=…`.
    #[serde(default)]
    pub next: String,
}

/// Checks the credentials and signs in, or sends the person back to the form with a reason.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<SignInForm>,
) -> Response {
    let client = client_address(&state, peer, &headers);
    match attempt(&state, client, UserSession(session), &form).await {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Ends the session.
pub async fn sign_out(session: Session) -> Response {
    match UserSession(session).sign_out().await {
        Ok(()) => Redirect::to("/login?notice=signed_out").into_response(),
        Err(e) => AppError::internal(&e).into_response(),
    }
}

async fn attempt(state: &AppState, client: IpAddr, session: UserSession, form: &SignInForm) -> Result<String, AppError> {
    let policy = state.settings.throttle;
    // An impossible username is simply an account that does not exist: same answer, same timing.
    let username = parse_username(&form.username).unwrap_or_default();
    let keys = ThrottleKeys::new(&username, client);
    let now = store::now();
    if policy.is_blocked(&state.store, &keys, now).await? {
        tracing::warn!(%client, "sign-in throttled");
        return Ok(back_to_login("throttled", &form.next, Some(policy.wait_minutes())));
    }
    let account = match username.as_str() {
        "" => None,
        name => state.store.find_user_by_username(name).await?,
    };
    let verified = verify_password(account.as_ref().map(|a| a.password_hash.clone()), form.password.clone()).await?;
    match account {
        Some(account) if verified && account.disabled_at.is_none() => {
            state.store.clear_signin_failures(keys.account()).await?;
            session.sign_in(&account).await.map_err(|e| AppError::internal(&e))?;
            tracing::info!(user.id = %account.user_id, %client, "signed in");
            // An audit failure is logged by record_event; the sign-in itself already happened.
            let _ = crate::casework::record_event(&state.store, &account.username, "user.signed_in", &format!("user:{}", account.user_id), &client.to_string()).await;
            Ok(if account.must_change_password { "/account".to_owned() } else { local_path(&form.next) })
        }
        _ => {
            policy.record_failure(&state.store, &keys, now).await?;
            tracing::info!(%client, "sign-in failed");
            let _ = crate::casework::record_event(&state.store, &username, "user.sign_in_failed", &format!("user:{username}"), &client.to_string()).await;
            Ok(back_to_login("invalid", &form.next, None))
        }
    }
}

fn back_to_login(error: &str, next: &str, minutes: Option<i64>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("error", error);
    if let Some(m) = minutes {
        query.append_pair("minutes", &m.to_string());
    }
    if !next.is_empty() {
        query.append_pair("next", &local_path(next));
    }
    format!("/login?{}", query.finish())
}

/// `next` if it is a path on this site, else the overview; never an open redirect to another host.
fn local_path(next: &str) -> String {
    if is_local_path(next) { next.to_owned() } else { "/".to_owned() }
}

/// Whether `next` can only lead to a path on this site. Browsers drop tabs and newlines from a URL and read
/// `\` as `/`, so `/\t/evil.example` or `/\evil.example` becomes `//evil.example`, another host. The value is
/// checked as sent and percent-decoded (twice, for doubly encoded forms): each must start with one `/`, not
/// `//` or `/\`, and hold no backslash, control character or whitespace. Then a WHATWG URL parser, which
/// normalises the way browsers do, must resolve it to this site.
fn is_local_path(next: &str) -> bool {
    let once = percent_decode(next);
    let twice = percent_decode(&once);
    let plain = |p: &str| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.contains('\\')
            && !p.chars().any(|c| c.is_control() || c.is_whitespace())
            && !p.starts_with("/auth/")
    };
    const BASE: &str = "http://desk.invalid/";
    let stays_here = url::Url::parse(BASE)
        .and_then(|base| base.join(next))
        .is_ok_and(|u| u.scheme() == "http" && u.host_str() == Some("desk.invalid") && u.port().is_none());
    [next, once.as_str(), twice.as_str()].into_iter().all(plain) && stays_here
}

/// `%XX` escapes decoded (invalid escapes kept as they are; bytes that are not UTF-8 replaced).
fn percent_decode(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let rest: Vec<u8> = bytes.clone().take(2).collect();
            if let [h, l] = rest[..] {
                if let (Some(h), Some(l)) = ((h as char).to_digit(16), (l as char).to_digit(16)) {
                    out.push((h * 16 + l) as u8);
                    bytes.next();
                    bytes.next();
                    continue;
                }
            }
        }
        out.push(b);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn client_address(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    let forwarded = state
        .settings
        .trust_proxy
        .then(|| headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        .and_then(|v| v.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok());
    forwarded.unwrap_or(peer.ip())
}

#[cfg(test)]
mod tests {
    use super::{local_path, percent_decode};

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        for good in ["/admin/users?x=1", "/cases/12", "/cases?type=spam&page=2", "/portal"] {
            assert_eq!(local_path(good), good);
        }
        for bad in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/\n/evil.example",
            "/%0a/evil.example",
            "/%0d%0a/evil.example",
            "/ /evil.example",
            "/%20/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%252F/evil.example",
            "%2F%2Fevil.example",
            " /evil",
            "/\u{0}/evil.example",
            "/\u{85}/evil.example",
            "/\u{3000}/evil.example",
            "javascript:alert(1)",
            "",
            "admin",
            "/auth/signout",
        ] {
            assert_eq!(local_path(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn percent_decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decode("/a%2Fb%zz%4"), "/a/b%zz%4");
        assert_eq!(percent_decode("%41%e2%82%ac"), "A\u{20ac}");
    }
}

//! `POST /auth/signin` and `POST /auth/signout`: plain HTML form posts, so signing in works without
//! JavaScript. Failures redirect back to the sign-in page with a reason that never says whether the
//! username exists.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

use super::state::AppState;
use crate::auth::session::UserSession;
use crate::auth::signin::{authenticate, SignInOutcome};
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

/// Checks the credentials and signs in, or sends the person back to the form with a reason. When the
/// attempt cannot be evaluated or recorded (database, audit log, hashing), the cause is logged and the
/// answer is 503: see `auth::signin` for why a failed sign-in is not simply called a wrong password then.
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    Form(form): Form<SignInForm>,
) -> Response {
    let client = client_address(&state, peer, &headers);
    let outcome = authenticate(&state.store, &state.settings.throttle, &form.username, &form.password, client, store::now()).await;
    let to = match outcome {
        Ok(SignInOutcome::SignedIn(account)) => match UserSession(session).sign_in(&account).await {
            Ok(()) if account.must_change_password => "/account".to_owned(),
            Ok(()) => local_path(&form.next),
            Err(e) => return AppError::internal(&e).into_response(),
        },
        Ok(SignInOutcome::Invalid) => back_to_login("invalid", &form.next, None),
        Ok(SignInOutcome::Throttled { minutes }) => back_to_login("throttled", &form.next, Some(minutes)),
        Ok(SignInOutcome::Expired) => back_to_login("expired", &form.next, None),
        Err(e) => {
            tracing::error!(error = %e, %client, "sign-in could not be evaluated or recorded");
            return (StatusCode::SERVICE_UNAVAILABLE, "Signing in is not possible right now; please try again shortly.\n")
                .into_response();
        }
    };
    Redirect::to(&to).into_response()
}

/// Ends the session.
pub async fn sign_out(session: Session) -> Response {
    match UserSession(session).sign_out().await {
        Ok(()) => Redirect::to("/login?notice=signed_out").into_response(),
        Err(e) => AppError::internal(&e).into_response(),
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

//! Cross-site request forgery protection for every state-changing request.
//!
//! Browsers label each request with where it comes from: `Sec-Fetch-Site` (all current browsers) and
//! `Origin` (on every POST). A request that changes state is accepted only when those headers say it comes
//! from this site, the approach of Go 1.25's `CrossOriginProtection` and OWASP's "verifying origin with
//! standard headers". It needs no token in forms, so server functions and plain HTML forms (which must work
//! without JavaScript) are protected alike. A request without either header is not from a browser; it is
//! refused too if it carries a cookie, since only a browser session could be abused that way. Session
//! cookies are also `SameSite=Lax`, a second line of defence.

use http::{HeaderMap, Method};

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CsrfRefusal {
    #[error("cross-site request refused")]
    CrossSite,
    #[error("request origin does not match this site")]
    ForeignOrigin,
    #[error("request carries a session cookie but no origin")]
    NoOrigin,
}

/// Decides whether a request may go on. `trusted_origins` are extra origins allowed in full
/// (`https://abuse.example.net`), for deployments behind a proxy that rewrites `Host`.
pub fn check_request(method: &Method, headers: &HeaderMap, trusted_origins: &[String]) -> Result<(), CsrfRefusal> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE) {
        return Ok(());
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let origin = header("origin");
    let trusted = origin.is_some_and(|o| trusted_origins.iter().any(|t| t.eq_ignore_ascii_case(o)));
    if trusted {
        return Ok(());
    }
    match header("sec-fetch-site") {
        Some("same-origin") | Some("none") => return Ok(()),
        Some(_) => return Err(CsrfRefusal::CrossSite),
        None => {}
    }
    match origin {
        Some(origin) => {
            let host = header("host").unwrap_or_default();
            if origin_host(origin).is_some_and(|h| h.eq_ignore_ascii_case(host)) {
                Ok(())
            } else {
                Err(CsrfRefusal::ForeignOrigin)
            }
        }
        None if headers.contains_key(http::header::COOKIE) => Err(CsrfRefusal::NoOrigin),
        None => Ok(()),
    }
}

/// `host[:port]` of an origin such as `https://abuse.example.net:8443`; `None` for `null` or garbage.
fn origin_host(origin: &str) -> Option<&str> {
    let rest = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"))?;
    (!rest.is_empty() && !rest.contains('/')).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, http::HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn safe_methods_always_pass() {
        let h = headers(&[("sec-fetch-site", "cross-site")]);
        assert_eq!(check_request(&Method::GET, &h, &[]), Ok(()));
    }

    #[test]
    fn cross_site_posts_are_refused() {
        let h = headers(&[("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")]);
        assert_eq!(check_request(&Method::POST, &h, &[]), Err(CsrfRefusal::CrossSite));
        let h = headers(&[("sec-fetch-site", "same-site")]);
        assert_eq!(check_request(&Method::POST, &h, &[]), Err(CsrfRefusal::CrossSite));
    }

    #[test]
    fn same_origin_posts_pass() {
        let h = headers(&[("sec-fetch-site", "same-origin")]);
        assert_eq!(check_request(&Method::POST, &h, &[]), Ok(()));
        let h = headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")]);
        assert_eq!(check_request(&Method::POST, &h, &[]), Ok(()));
    }

    #[test]
    fn an_origin_of_another_host_or_port_is_refused() {
        let h = headers(&[("origin", "http://127.0.0.1:4000"), ("host", "127.0.0.1:3000")]);
        assert_eq!(check_request(&Method::POST, &h, &[]), Err(CsrfRefusal::ForeignOrigin));
        let h = headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]);
        assert_eq!(check_request(&Method::DELETE, &h, &[]), Err(CsrfRefusal::ForeignOrigin));
    }

    #[test]
    fn a_trusted_origin_passes_even_behind_a_rewriting_proxy() {
        let h = headers(&[("origin", "https://abuse.example.net"), ("host", "10.0.0.5:3000")]);
        let trusted = vec!["https://abuse.example.net".to_owned()];
        assert_eq!(check_request(&Method::POST, &h, &trusted), Ok(()));
    }

    #[test]
    fn cookie_bearing_posts_without_origin_are_refused_but_cookieless_ones_pass() {
        let h = headers(&[("cookie", "id=abc")]);
        assert_eq!(check_request(&Method::POST, &h, &[]), Err(CsrfRefusal::NoOrigin));
        assert_eq!(check_request(&Method::POST, &HeaderMap::new(), &[]), Ok(()));
    }
}

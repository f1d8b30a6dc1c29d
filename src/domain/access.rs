//! Who may open which page: the one table the server enforces and the navigation is drawn from.
//!
//! Default deny: a path that is not in [`PAGES`] is not a page, and the server answers 404 for it.
//! Server functions are not pages; each one checks the caller's role itself.

use super::role::Role;

/// Who may open a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// Signed-in users with one of these roles.
    Roles(&'static [Role]),
}

impl Access {
    /// Whether a user with `role` (or nobody, for `None`) may open the page.
    pub fn allows(self, role: Option<Role>) -> bool {
        match (self, role) {
            (Access::Public, _) => true,
            (_, None) => false,
            (Access::SignedIn, Some(_)) => true,
            (Access::Roles(roles), Some(r)) => roles.contains(&r),
        }
    }
}

/// A page of the web UI.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    /// Route pattern; `:name` matches one path segment.
    pub path: &'static str,
    /// Title in the navigation.
    pub title: &'static str,
    pub access: Access,
    /// Whether the page has a link in the navigation bar.
    pub in_nav: bool,
}

/// The desk's own people: everyone but customers.
pub const STAFF: &[Role] = &[Role::Analyst, Role::Manager, Role::Admin];

/// Every page of the UI. A test checks that the Leptos route table and this list agree.
pub const PAGES: &[Page] = &[
    Page { path: "/login", title: "Sign in", access: Access::Public, in_nav: false },
    Page { path: "/", title: "Overview", access: Access::SignedIn, in_nav: true },
    Page { path: "/portal", title: "Your cases", access: Access::Roles(&[Role::Customer]), in_nav: true },
    Page { path: "/portal/cases/:id", title: "Your case", access: Access::Roles(&[Role::Customer]), in_nav: false },
    Page { path: "/cases", title: "Triage", access: Access::Roles(STAFF), in_nav: true },
    Page { path: "/cases/:id", title: "Case", access: Access::Roles(STAFF), in_nav: false },
    Page { path: "/reviews", title: "Reviews", access: Access::Roles(&[Role::Manager, Role::Admin]), in_nav: true },
    Page { path: "/admin/audit", title: "Audit", access: Access::Roles(&[Role::Admin]), in_nav: true },
    Page { path: "/messages", title: "Intake", access: Access::Roles(STAFF), in_nav: true },
    Page { path: "/messages/:id", title: "Message", access: Access::Roles(STAFF), in_nav: false },
    Page { path: "/unattributed", title: "Unattributed", access: Access::Roles(STAFF), in_nav: true },
    Page { path: "/customers", title: "Customers", access: Access::Roles(STAFF), in_nav: true },
    Page { path: "/customers/:id", title: "Customer", access: Access::Roles(STAFF), in_nav: false },
    Page { path: "/lookup", title: "Lookup", access: Access::Roles(STAFF), in_nav: false },
    Page { path: "/admin/users", title: "Users", access: Access::Roles(&[Role::Admin]), in_nav: true },
    Page { path: "/admin/imports", title: "Imports", access: Access::Roles(&[Role::Admin]), in_nav: true },
    Page { path: "/admin/imports/:id", title: "Import", access: Access::Roles(&[Role::Admin]), in_nav: false },
    Page { path: "/admin/tokens", title: "Tokens", access: Access::Roles(&[Role::Admin]), in_nav: true },
    Page { path: "/admin/notifications", title: "Notifications", access: Access::Roles(&[Role::Admin]), in_nav: true },
    Page { path: "/account", title: "Account", access: Access::SignedIn, in_nav: true },
];

/// The page a request path belongs to, if any.
pub fn find_page(path: &str) -> Option<&'static Page> {
    let path = match path.strip_suffix('/') {
        Some(p) if !p.is_empty() => p,
        _ => path,
    };
    PAGES.iter().find(|page| pattern_matches(page.path, path))
}

/// The navigation links a role gets, in table order.
pub fn nav_pages(role: Role) -> impl Iterator<Item = &'static Page> {
    PAGES.iter().filter(move |p| p.in_nav && p.access.allows(Some(role)))
}

fn pattern_matches(pattern: &str, path: &str) -> bool {
    let mut pat = pattern.split('/');
    let mut got = path.split('/');
    loop {
        match (pat.next(), got.next()) {
            (None, None) => return true,
            (Some(p), Some(g)) if p.starts_with(':') && !g.is_empty() => continue,
            (Some(p), Some(g)) if p == g => continue,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_paths_are_not_pages() {
        assert!(find_page("/admin/users/extra").is_none());
        assert!(find_page("/nothing").is_none());
    }

    #[test]
    fn a_trailing_slash_finds_the_same_page() {
        assert_eq!(find_page("/admin/users/").map(|p| p.path), Some("/admin/users"));
        assert_eq!(find_page("/").map(|p| p.path), Some("/"));
    }

    #[test]
    fn admin_pages_are_for_admins_only() {
        let page = find_page("/admin/users").map(|p| p.access);
        assert_eq!(page.map(|a| a.allows(Some(Role::Admin))), Some(true));
        for role in [Role::Analyst, Role::Manager, Role::Customer] {
            assert_eq!(page.map(|a| a.allows(Some(role))), Some(false), "{role}");
        }
        assert_eq!(page.map(|a| a.allows(None)), Some(false));
    }

    #[test]
    fn signed_in_pages_refuse_anonymous_visitors() {
        assert!(!Access::SignedIn.allows(None));
        assert!(Access::Public.allows(None));
    }

    #[test]
    fn patterns_match_one_segment_per_parameter() {
        assert!(pattern_matches("/cases/:id", "/cases/42"));
        assert!(!pattern_matches("/cases/:id", "/cases/"));
        assert!(!pattern_matches("/cases/:id", "/cases/42/x"));
    }

    #[test]
    fn customers_get_no_admin_link() {
        assert!(nav_pages(Role::Customer).all(|p| p.path != "/admin/users"));
        assert!(nav_pages(Role::Admin).any(|p| p.path == "/admin/users"));
    }
}

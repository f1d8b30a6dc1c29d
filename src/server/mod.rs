//! axum wiring: the router (used by `abusedesk serve` and by the tests alike) and the serve loop.

pub mod access;
pub mod api;
pub mod audit_routes;
pub mod case_routes;
pub mod extract;
pub mod form;
pub mod portal_routes;
pub mod imports_upload;
pub mod ingest_api;
pub mod sessions;
pub mod signin;
pub mod state;
pub mod upload;

use std::future::Future;
use std::net::SocketAddr;

use anyhow::Context;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::trace::TraceLayer;

pub use sessions::SessionLayer;
pub use state::{AppState, ServerSettings};

use crate::web::app::{shell, App};

/// The largest customers, assignments or RADIUS file accepted by the admin upload (the command line has no
/// limit).
const IMPORT_LIMIT: usize = 256 * 1024 * 1024;

/// The app's routes, listed once per process: listing renders the whole route tree outside any request,
/// which must not run beside requests another router of the same process (tests start many) is serving.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// A dispute form: the largest attachment plus room for the text and the multipart framing.
const DISPUTE_LIMIT: usize = crate::domain::dispute::MAX_ATTACHMENT_BYTES + 256 * 1024;

/// The whole HTTP application: pages, server functions, plain routes and the layers around them.
pub fn build_router(state: AppState, sessions: SessionLayer) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    // Room for the multipart framing around a message of the largest accepted size.
    let upload_limit = state.settings.max_message_bytes.saturating_add(64 * 1024);
    Router::new()
        .route("/healthz", get(api::healthz))
        .route("/auth/signin", post(signin::sign_in))
        .route("/auth/signout", post(signin::sign_out))
        // The body limit is the ingest handler's own (it answers 413 with a reason), not axum's 2 MB default.
        .route("/api/v1/messages", post(ingest_api::receive_message).layer(DefaultBodyLimit::disable()))
        .route("/api/v1/cases", get(case_routes::api_cases))
        .route("/api/v1/cases/{id}", get(case_routes::api_case))
        .route("/cases.csv", get(case_routes::export_csv))
        .route("/admin/audit.csv", get(audit_routes::export_csv))
        .route("/admin/audit.json", get(audit_routes::export_json))
        .route("/cases/assign", post(case_routes::assign))
        .route("/portal/cases.csv", get(portal_routes::cases_csv))
        .route("/portal/cases/{id}/disputes", post(portal_routes::open_dispute).layer(DefaultBodyLimit::max(DISPUTE_LIMIT)))
        .route("/portal/disputes/{id}/reply", post(portal_routes::reply).layer(DefaultBodyLimit::max(DISPUTE_LIMIT)))
        .route("/disputes/attachments/{id}", get(portal_routes::attachment))
        .route("/messages/upload", post(upload::upload_message).layer(DefaultBodyLimit::max(upload_limit)))
        // Customer and assignment files of a large ISP run to tens of megabytes.
        .route("/admin/imports/upload", post(imports_upload::upload_import).layer(DefaultBodyLimit::max(IMPORT_LIMIT)))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        // Static files (the wasm bundle above all) go out gzip-compressed to browsers that accept it; pages
        // are not compressed here, so streamed rendering is never held back by a compressor's buffer.
        .fallback_service(
            tower::ServiceBuilder::new()
                .layer(tower_http::compression::CompressionLayer::new())
                .service(axum::handler::Handler::with_state(
                    leptos_axum::file_and_error_handler::<AppState, _>(shell),
                    state.clone(),
                )),
        )
        // A request passes the layers from the last added to the first: it is traced, then refused if it is
        // a cross-site write, then gets its session, then the signed-in user is resolved and page access is
        // decided, and only then does a handler run.
        .layer(from_fn_with_state(state.clone(), access::page_guard))
        .layer(sessions)
        .layer(from_fn_with_state(state.clone(), access::csrf_guard))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the application on `listener` until `shutdown` completes, then finishes open requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let backend = sessions::SessionBackend::for_store(&state.store).await.context("failed to prepare the session store")?;
    let key = sessions::session_key(&state.store, state.settings.session_secret.as_deref())
        .await
        .context("failed to load the session key")?;
    let expiry_task = backend.spawn_expiry_task();
    let layer = sessions::layer(backend, key, &state.settings);
    let app = build_router(state, layer);
    let result = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
        .context("the HTTP server failed");
    expiry_task.abort();
    result
}

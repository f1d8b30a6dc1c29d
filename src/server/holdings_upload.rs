//! `POST /admin/imports/upload`: an admin uploads a customers CSV, an assignments CSV or a RADIUS detail file,
//! optionally as a dry run. A plain multipart form (no JavaScript needed); the answer is a redirect to the
//! recorded import, which lists what changed, the row errors by line and any conflicts.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

use super::state::AppState;
use crate::domain::role::Role;
use crate::domain::user::CurrentUser;
use crate::intake::holdings::{self, ImportKind, ImportRequest};

fn back_with(error: &str) -> Response {
    let query: String = url::form_urlencoded::Serializer::new(String::new()).append_pair("error", error).finish();
    Redirect::to(&format!("/admin/imports?{query}")).into_response()
}

/// Runs the uploaded import and shows its record.
pub async fn upload_holdings(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    mut form: Multipart,
) -> Response {
    let Some(Extension(user)) = user else {
        return Redirect::to("/login?next=%2Fadmin%2Fimports").into_response();
    };
    if user.role != Role::Admin || user.must_change_password {
        return (StatusCode::FORBIDDEN, "Forbidden: imports are for admins.\n").into_response();
    }
    let (mut file, mut kind, mut dry_run) = (None, None, false);
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().unwrap_or("upload").to_owned();
                match (name.as_str(), field.bytes().await) {
                    ("file", Ok(bytes)) => file = Some((file_name, bytes)),
                    ("kind", Ok(bytes)) => kind = ImportKind::parse(String::from_utf8_lossy(&bytes).trim()),
                    ("dry_run", Ok(_)) => dry_run = true,
                    (_, Ok(_)) => {}
                    (_, Err(e)) => return back_with(&format!("The upload could not be read: {}", e.body_text())),
                }
            }
            Ok(None) => break,
            Err(e) => return back_with(&format!("The upload could not be read: {}", e.body_text())),
        }
    }
    let Some(kind) = kind else {
        return back_with("Choose what the file holds: customers, assignments or a RADIUS detail file.");
    };
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return back_with("Choose a file to import.");
    };
    let req = ImportRequest { kind, file_name: &file_name, bytes: &bytes, dry_run, imported_by: &user.username };
    match holdings::import(&state.store, &req).await {
        Ok(run) => {
            tracing::info!(by = %user.user_id, import.id = run.import_run_id, kind = kind.as_str(), dry_run, "import run");
            Redirect::to(&format!("/admin/imports/{}", run.import_run_id)).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "import failed");
            back_with("The import failed and nothing of it was kept. Please try again.")
        }
    }
}

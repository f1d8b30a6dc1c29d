//! `POST /admin/imports/upload`: an admin uploads a customers CSV, an assignments CSV or a RADIUS detail file,
//! optionally as a dry run. A plain multipart form (no JavaScript needed); the answer is a redirect to the
//! recorded import, which lists what changed, the row errors by line and any conflicts.

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::extract::Admin;
use super::form::{back_with, Form};
use super::state::AppState;
use crate::attribution::imports::{self, ImportKind, ImportRequest};

fn refused(error: &str) -> Response {
    back_with("/admin/imports", "error", error, "")
}

/// Runs the uploaded import and shows its record.
pub async fn upload_import(Admin(user): Admin, State(state): State<AppState>, form: Multipart) -> Response {
    let form = match Form::read(form).await {
        Ok(form) => form,
        Err(why) => return refused(&why),
    };
    let Some(kind) = form.text("kind").and_then(|k| ImportKind::parse(k.trim())) else {
        return refused("Choose what the file holds: customers, assignments or a RADIUS detail file.");
    };
    let Some((file_name, bytes)) = form.file("file").filter(|(_, b)| !b.is_empty()) else {
        return refused("Choose a file to import.");
    };
    let file_name = if file_name.is_empty() { "upload" } else { file_name };
    let dry_run = form.has("dry_run");
    let req = ImportRequest { kind, file_name, bytes, dry_run, imported_by: &user.username };
    match imports::import(&state.store, &req).await {
        Ok(run) => {
            let id = run.import_run_id;
            tracing::info!(by = %user.user_id, import.id = id, kind = kind.as_str(), dry_run, "import run");
            Redirect::to(&format!("/admin/imports/{id}")).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "import failed");
            refused("The import failed and nothing of it was kept. Please try again.")
        }
    }
}

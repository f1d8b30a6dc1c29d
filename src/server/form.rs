//! The plain forms' two halves: the one multipart reader (every field by name, files with their names,
//! within the route's body limit) and the one answer to a form, a redirect back carrying a notice or error.

use axum::body::Bytes;
use axum::extract::Multipart;
use axum::response::{IntoResponse, Redirect, Response};

/// One field of a posted form.
struct Field {
    name: String,
    file_name: Option<String>,
    bytes: Bytes,
}

/// A multipart form as posted. The router's `DefaultBodyLimit` on each route bounds its size.
pub struct Form {
    fields: Vec<Field>,
}

impl Form {
    /// Reads every field; an unreadable form (cut off, over the limit) is one sentence to show the person.
    pub async fn read(mut multipart: Multipart) -> Result<Form, String> {
        let unreadable = |e: axum::extract::multipart::MultipartError| {
            format!("The form could not be read: {}", e.body_text())
        };
        let mut fields = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let bytes = field.bytes().await.map_err(unreadable)?;
            fields.push(Field { name, file_name, bytes });
        }
        Ok(Form { fields })
    }

    fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// A text field as sent (invalid UTF-8 replaced), or `None` when the form has no such field.
    pub fn text(&self, name: &str) -> Option<String> {
        self.field(name).map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
    }

    /// Whether the form has the field at all (a ticked checkbox).
    pub fn has(&self, name: &str) -> bool {
        self.field(name).is_some()
    }

    /// A file field: its file name (empty when the browser sent none) and its bytes.
    pub fn file(&self, name: &str) -> Option<(&str, &Bytes)> {
        self.field(name).map(|f| (f.file_name.as_deref().unwrap_or_default(), &f.bytes))
    }
}

/// A redirect to `path` with `key=text` added to its query, then `fragment` (with its `#`, or empty).
pub fn back_with(path: &str, key: &str, text: &str, fragment: &str) -> Response {
    let query: String = url::form_urlencoded::Serializer::new(String::new()).append_pair(key, text).finish();
    let separator = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{separator}{query}{fragment}")).into_response()
}

//! The `static_dir` app's page: its `index.html`, for `/` and for every path that is no file
//! (client-side routes), with the visitor's session written into it.
//!
//! Where the page has the marker [`SEED_MARKER`], it is replaced by
//! `<script type="application/json" id="authrs-session">…</script>`: the session as `/session`
//! describes it, or `null` when signed out. A client (authrs-leptos'
//! `session_from_document`, or `JSON.parse` for next-auth's `<SessionProvider session>`)
//! renders the user at once, with no loading state and no request. Such a page is per visitor:
//! it is sent `Cache-Control: private, no-store` and `Vary: Cookie`. A page without the marker
//! goes out as it is.
//!
//! The JSON is escaped for an HTML script element (`<`, `>`, `&` and the two JavaScript line
//! separators as `\uXXXX`), so no value in a session can end the element. When the session
//! cannot be read (an app callback fails), the marker is removed and the client fetches.

use std::path::PathBuf;

use authrs_core::Auth;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The comment an app's `index.html` carries where the session goes.
pub const SEED_MARKER: &str = "<!-- authrs:session -->";

/// The id of the element the session is written into (what authrs-leptos reads).
pub const SEED_ELEMENT_ID: &str = "authrs-session";

/// What the page handler needs.
#[derive(Clone)]
pub struct AppPage {
    /// The engine, to read the session.
    pub auth: Auth,
    /// The app's `index.html`.
    pub index: PathBuf,
}

/// `GET` (and `HEAD`) of the app's page.
pub async fn app_page(State(page): State<AppPage>, headers: HeaderMap) -> Response {
    let html = match tokio::fs::read_to_string(&page.index).await {
        Ok(html) => html,
        Err(error) => {
            tracing::warn!(index = %page.index.display(), %error, "the app's index.html cannot be read");
            return (StatusCode::NOT_FOUND, "Not Found").into_response();
        }
    };
    let html_type = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    if !html.contains(SEED_MARKER) {
        return (html_type, html).into_response();
    }
    let seed = match page.auth.get_session(&headers).await {
        Ok(session) => match serde_json::to_string(&session) {
            Ok(json) => format!(
                r#"<script type="application/json" id="{SEED_ELEMENT_ID}">{}</script>"#,
                escape_for_script(&json)
            ),
            Err(error) => {
                tracing::warn!(%error, "the session could not be written into the app's page");
                String::new()
            }
        },
        Err(error) => {
            tracing::warn!(%error, "the session could not be read for the app's page");
            String::new()
        }
    };
    let mut response = (html_type, html.replacen(SEED_MARKER, &seed, 1)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Cookie"));
    response
}

/// JSON that cannot end a `<script>` element or start markup inside it.
fn escape_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_in_a_session_can_end_the_script_element() {
        let json =
            serde_json::json!({"name": "</script><script>alert(1)</script>&\u{2028}"}).to_string();
        let escaped = escape_for_script(&json);
        assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('&'));
        assert!(!escaped.contains('\u{2028}'));
        // Still the same JSON.
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(&json).unwrap()
        );
    }
}

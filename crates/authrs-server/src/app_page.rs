//! The `static_dir` app's page: its `index.html`, for `/` and for every path that is no file
//! (client-side routes), with the visitor's session written into it.
//!
//! Where the page has the marker [`SEED_MARKER`], it is replaced by
//! `<script type="application/json" id="authrs-session">…</script>`: the session as `/session`
//! describes it, or `null` when signed out. A client (authrs-leptos'
//! `session_from_document`, or `JSON.parse` for next-auth's `<SessionProvider session>`)
//! renders the user at once, with no loading state and no request. Such a page is per visitor:
//! it is sent `Vary: Cookie`. A page without the marker goes out as it is. Either way it is
//! `Cache-Control: private, no-store`: it names the app's current (hashed) assets, so a cached
//! copy would outlive a deploy.
//!
//! The element is [`authrs_core::seed::seed_script`]'s, escaped so that no value in a session
//! can end it. When the session cannot be read (an app callback fails), the marker is removed
//! and the client fetches.

use std::path::PathBuf;

use authrs_core::Auth;
use authrs_core::seed::seed_script;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The comment an app's `index.html` carries where the session goes.
pub const SEED_MARKER: &str = "<!-- authrs:session -->";

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
    let html = match tokio::fs::read(&page.index).await {
        Ok(html) => html,
        Err(error) => {
            tracing::warn!(index = %page.index.display(), %error, "the app's index.html cannot be read");
            return (StatusCode::NOT_FOUND, "Not Found").into_response();
        }
    };
    let html_type = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "private, no-store"),
    ];
    let marker = SEED_MARKER.as_bytes();
    let Some(at) = html.windows(marker.len()).position(|w| w == marker) else {
        // Served byte for byte, whatever its encoding.
        return (html_type, html).into_response();
    };
    let seed = match page.auth.get_session(&headers).await {
        Ok(session) => seed_script(session.as_ref()),
        Err(error) => {
            tracing::warn!(%error, "the session could not be read for the app's page");
            String::new()
        }
    };
    let mut seeded = Vec::with_capacity(html.len() + seed.len());
    seeded.extend_from_slice(&html[..at]);
    seeded.extend_from_slice(seed.as_bytes());
    seeded.extend_from_slice(&html[at + marker.len()..]);
    let mut response = (html_type, seeded).into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Cookie"));
    response
}

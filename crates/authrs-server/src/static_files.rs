//! The `static_dir` app's files: `tower_http`'s `ServeDir` behind the rules below, with the
//! app's page ([`crate::app_page`]) for every path that is no file.
//!
//! Rules:
//! 1. Nothing outside the folder is served. Every file a path can reach (the file, its `.gz`
//!    and `.br` siblings, a folder's `index.html` and its siblings) is resolved, symlinks and
//!    all, and must lie under the folder's own resolved path; otherwise the answer is `404`.
//!    Symlinks that stay inside are fine.
//! 2. No hidden files: a path with a segment starting with `.` (`/.env`, `/.git/config`, `..`)
//!    is answered `404`, unless `static_dotfiles` is on. `/.well-known/` (RFC 8615) is not
//!    hidden.
//! 3. A folder's redirect (`/assets` to `/assets/`) names a relative path with one leading
//!    slash, built from the request's path only: never the authority of an absolute-form
//!    request line, never a protocol-relative `//host/`.
//! 4. Files are sent with `Vary: Accept-Encoding` (a `.gz` or `.br` sibling may be chosen by
//!    the client's `Accept-Encoding`, so a shared cache must key on it).
//! 5. `Cache-Control`: a file whose name carries a content hash ([`is_hashed_name`]) is
//!    `public, max-age=31536000, immutable` (its contents never change under that name); any
//!    other file is `no-cache` (kept, but revalidated with `If-Modified-Since` on every use, so
//!    a deploy is seen at once). The app's page is `private, no-store`.
//!
//! Caveat: the checks of rule 1 and the file's opening are separate steps, so someone who can
//! write into the folder can race them; the folder must be writable only by its deployer.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// Whether hidden files (`.env`, `.git/`) in the folder may be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dotfiles {
    /// Answer `404` (the default).
    Hidden,
    /// Serve them like any file (`static_dotfiles = true`).
    Served,
}

/// The `Cache-Control` of a file named with a content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The `Cache-Control` of other files.
pub const REVALIDATE: &str = "no-cache";

struct StaticApp {
    /// The folder, resolved.
    root: PathBuf,
    files: ServeDir,
    page: MethodRouter,
    dotfiles: Dotfiles,
}

/// The service for the folder `dir`, answering with `page` where no file is.
pub fn service(
    dir: PathBuf,
    page: MethodRouter,
    dotfiles: Dotfiles,
) -> std::io::Result<
    impl tower::Service<
        Request,
        Response = Response,
        Error = Infallible,
        Future = impl Future<Output = Result<Response, Infallible>> + Send,
    > + Clone
    + Send
    + Sync
    + 'static,
> {
    let root = std::fs::canonicalize(&dir)?;
    // A file's `.gz` or `.br` sibling, when there is one, goes to clients that accept it.
    let files = ServeDir::new(&root).precompressed_br().precompressed_gzip();
    let app = Arc::new(StaticApp {
        root,
        files,
        page,
        dotfiles,
    });
    Ok(tower::service_fn(move |request: Request| {
        let app = Arc::clone(&app);
        async move { Ok(app.answer(request).await) }
    }))
}

impl StaticApp {
    async fn answer(&self, request: Request) -> Response {
        let path = request.uri().path().to_owned();
        let query = request.uri().query().map(str::to_owned);
        // A path that does not decode is answered here: the checks below could not judge it.
        let Some(relative) = relative_path(&path) else {
            return not_found();
        };
        if self.dotfiles == Dotfiles::Hidden && is_hidden(&relative) {
            return not_found();
        }
        if self.leaves_root(relative).await {
            return not_found();
        }
        // The page needs the request too when there is no file.
        let (parts, body) = request.into_parts();
        let page_request = Request::from_parts(parts.clone(), Body::empty());
        let response = match self
            .files
            .clone()
            .oneshot(Request::from_parts(parts, body))
            .await
        {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        };
        let status = response.status();
        if status == StatusCode::NOT_FOUND {
            return match self.page.clone().oneshot(page_request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
        }
        if status.is_redirection() && response.headers().contains_key(header::LOCATION) {
            return folder_redirect(response, &path, query.as_deref());
        }
        with_cache_headers(response, &path)
    }

    /// Whether any file `relative` can reach resolves outside the folder (rule 1).
    async fn leaves_root(&self, relative: PathBuf) -> bool {
        let root = self.root.clone();
        let check = move || {
            let file = root.join(&relative);
            let index = file.join("index.html");
            [&file, &index].into_iter().any(|base| {
                ["", ".gz", ".br"].into_iter().any(|suffix| {
                    let mut candidate = base.clone().into_os_string();
                    candidate.push(suffix);
                    std::fs::canonicalize(&candidate).is_ok_and(|real| !real.starts_with(&root))
                })
            })
        };
        // A failed check task counts as leaving: never serve on doubt.
        tokio::task::spawn_blocking(check).await.unwrap_or(true)
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Not Found").into_response()
}

/// The path `ServeDir` will look for, relative to the folder: the URL path percent-decoded,
/// split at `/`. `None` when it is not UTF-8 (`ServeDir` serves nothing then).
fn relative_path(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path.trim_start_matches('/'))?;
    let mut relative = PathBuf::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        relative.push(segment);
    }
    Some(relative)
}

/// Whether a segment is hidden (rule 2): starts with `.`, other than `.well-known`.
fn is_hidden(relative: &Path) -> bool {
    relative.components().any(|component| match component {
        Component::Normal(name) => {
            let name = name.to_string_lossy();
            name.starts_with('.') && name != ".well-known"
        }
        // `.` and `..` (`Path` folds away `.` in the middle, so only `..` remains here).
        Component::CurDir | Component::ParentDir => true,
        Component::RootDir | Component::Prefix(_) => false,
    })
}

/// `%XX` decoding; `None` for a bad escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The folder redirect of rule 3: `/` + the path without its leading slashes (or
/// backslashes, which browsers read as slashes) + `/`, and the query.
fn folder_redirect(mut response: Response, path: &str, query: Option<&str>) -> Response {
    let trimmed = path.trim_start_matches(['/', '\\']).replace('\\', "%5C");
    let mut location = format!("/{trimmed}/");
    if let Some(query) = query {
        location.push('?');
        location.push_str(query);
    }
    match HeaderValue::from_str(&location) {
        Ok(location) => {
            response.headers_mut().insert(header::LOCATION, location);
            response
        }
        Err(_) => not_found(),
    }
}

/// Rules 4 and 5 on a file's answer.
fn with_cache_headers(mut response: Response, path: &str) -> Response {
    let status = response.status();
    let served = status.is_success() || status == StatusCode::NOT_MODIFIED;
    if !served {
        return response;
    }
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let name = path.rsplit('/').next().unwrap_or_default();
    let cache = if is_hashed_name(name) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// Whether a file name carries a content hash, as bundlers write them (`app-3f9a1c2b.js`,
/// Vite's `index-B3xYz9aQ.css`, `main.3f9a1c2b4d5e6f70.chunk.js`): split at `-` and `.`, some
/// part other than the first and the last (the extension) has at least 8 characters, all
/// ASCII letters, digits or `_`, with at least one digit and one letter. Names that only look
/// like words (`app-settings.js`) or versions (`jquery-3.7.1.min.js`) are not hashed. A hash
/// with no digit in it is not recognised, which only costs a revalidation.
pub fn is_hashed_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split(['-', '.']).collect();
    if parts.len() < 3 {
        return false;
    }
    parts[1..parts.len() - 1].iter().any(|part| {
        part.len() >= 8
            && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && part.bytes().any(|b| b.is_ascii_digit())
            && part.bytes().any(|b| b.is_ascii_alphabetic())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_follow_the_bundlers() {
        for hashed in [
            "app-3f9a1c2b.js",
            "index-B3xYz9aQ.css",
            "main.3f9a1c2b4d5e6f70.chunk.js",
            "vendor.a1b2c3d4e5.js",
            "logo-5XJQZ4GC.svg",
        ] {
            assert!(is_hashed_name(hashed), "{hashed}");
        }
        for plain in [
            "app.js",
            "app-settings.js",
            "jquery-3.7.1.min.js",
            "favicon.ico",
            "bootstrap5a1b2c3d.js",
            "index.html",
            "12345678.js",
        ] {
            assert!(!is_hashed_name(plain), "{plain}");
        }
    }

    #[test]
    fn hidden_segments_are_found_after_decoding() {
        for hidden in ["/.env", "/a/.git/config", "/%2eenv", "/a/../.env", "/.."] {
            let relative = relative_path(hidden).unwrap();
            assert!(is_hidden(&relative), "{hidden}");
        }
        for visible in ["/", "/a/b.js", "/.well-known/security.txt", "/a.b/c"] {
            let relative = relative_path(visible).unwrap();
            assert!(!is_hidden(&relative), "{visible}");
        }
    }
}

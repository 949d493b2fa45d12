//! The home page at `/`, showing the session state with sign-in and sign-out links, so a
//! newcomer sees the server work in a browser; and `/healthz` for probes.
//!
//! The page reads the session in-process ([`Auth::get_session`]), never over HTTP. Every value
//! from the session is escaped by maud; the only unescaped text is the fixed style sheet and a
//! brand colour the engine has already checked to be `#rgb` or `#rrggbb`.

use authrs_core::i18n::{Arg, Messages};
use authrs_core::{Auth, Session};
use axum::extract::{FromRef, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_LANGUAGE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// What the server's own routes share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The engine.
    pub auth: Auth,
    /// How the home page looks.
    pub home: HomeSettings,
}

/// How the home page looks.
#[derive(Debug, Clone, Default)]
pub struct HomeSettings {
    /// The accent colour (the theme's brand colour).
    pub brand_color: Option<String>,
    /// Where the demo account's password is kept, while the generated demo account is in use;
    /// the page names the file (never the password) to a visitor who is not signed in.
    pub demo_password_file: Option<String>,
}

impl FromRef<AppState> for Auth {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

/// `GET /`: the home page.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let session = match state.auth.get_session(&headers).await {
        Ok(session) => session,
        Err(error) => {
            tracing::warn!(%error, "could not read the session for the home page");
            None
        }
    };
    let messages = state.auth.messages(&headers);
    let page = render_home(
        state.auth.base_path(),
        session.as_ref(),
        &state.home,
        messages,
    );
    let mut response = Html(page.into_string()).into_response();
    // The page shows who is signed in: no shared cache may keep it.
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(language) = HeaderValue::from_str(messages.language()) {
        response.headers_mut().insert(CONTENT_LANGUAGE, language);
    }
    response
}

/// `GET /healthz`: `ok` while the server runs.
pub async fn healthz() -> &'static str {
    "ok"
}

const STYLE: &str = "\
:root{--brand:#2563eb;--bg:#f5f6f8;--card:#fff;--text:#1f2328;--muted:#59636e;--line:#d8dee4;color-scheme:light dark}\
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--card:#161b22;--text:#e6edf3;--muted:#9198a1;--line:#30363d}}\
*{box-sizing:border-box}\
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;\
font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;background:var(--bg);color:var(--text)}\
main{width:min(28rem,calc(100% - 2rem));background:var(--card);border:1px solid var(--line);border-radius:12px;padding:2rem}\
h1{margin:0 0 1.25rem;font-size:1.25rem}\
.status{margin:0 0 1.25rem;padding:.75rem 1rem;border-radius:8px;background:var(--bg)}\
.status small{display:block;color:var(--muted)}\
.actions{display:flex;gap:.75rem;flex-wrap:wrap}\
.button{display:inline-block;padding:.5rem 1rem;border-radius:8px;border:1px solid var(--brand);text-decoration:none;font-weight:600}\
.primary{background:var(--brand);color:#fff}\
.secondary{color:var(--brand)}\
h2{margin:1.75rem 0 .5rem;font-size:.85rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}\
ul{margin:0;padding-left:1.25rem}\
a{color:var(--brand)}\
code{font-size:.9em}";

/// "Try the demo account: email `…`, password in `…`", in the page's language, with the
/// address and the file in `<code>` wherever the translation puts them.
fn demo_hint(m: Messages<'_>, file: &str) -> Markup {
    const EMAIL: char = '\u{e000}';
    const FILE: char = '\u{e001}';
    let text = m.format(
        "home-demo",
        &[
            ("email", Arg::Text("\u{e000}")),
            ("file", Arg::Text("\u{e001}")),
        ],
    );
    let mut parts = Vec::new();
    let mut plain = String::new();
    for c in text.chars() {
        match c {
            EMAIL | FILE => {
                parts.push((std::mem::take(&mut plain), Some(c)));
            }
            c => plain.push(c),
        }
    }
    parts.push((plain, None));
    html! {
        @for (text, code) in &parts {
            (text)
            @match code {
                Some(EMAIL) => code { (crate::data_dir::DEMO_EMAIL) }
                Some(_) => code { (file) }
                None => {}
            }
        }
    }
}

/// The home page for the auth routes at `base_path` and the current session, if any, in the
/// language of `m`.
pub fn render_home(
    base_path: &str,
    session: Option<&Session>,
    settings: &HomeSettings,
    m: Messages<'_>,
) -> Markup {
    let brand_color = settings.brand_color.as_deref();
    let sign_in = format!("{base_path}/signin");
    let sign_out = format!("{base_path}/signout");
    html! {
        (DOCTYPE)
        html lang=(m.language()) dir=(m.direction()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "authrs" }
                style { (PreEscaped(STYLE)) }
                @if let Some(colour) = brand_color.filter(|c| is_hex_colour(c)) {
                    style { ":root{--brand:" (colour) "}" }
                }
            }
            body {
                main {
                    h1 { "authrs" }
                    @match session {
                        Some(session) => {
                            p.status {
                                @let (before, after) = m.around("home-signed-in-as", "name", &[]);
                                (before) strong { bdi { (display_name(session)) } } (after)
                                @if let (Some(_), Some(email)) = (&session.user.name, &session.user.email) {
                                    small { (email) }
                                }
                            }
                            div.actions {
                                a.button.primary href=(sign_out) { (m.text("home-sign-out")) }
                                a.button.secondary href=(sign_in) { (m.text("home-sign-in-as-other")) }
                            }
                        }
                        None => {
                            p.status {
                                (m.text("home-not-signed-in"))
                                @if let Some(file) = &settings.demo_password_file {
                                    small { (demo_hint(m, file)) }
                                }
                            }
                            div.actions {
                                a.button.primary href=(sign_in) { (m.text("action-sign-in")) }
                                a.button.secondary href=(sign_out) { (m.text("home-sign-out")) }
                            }
                        }
                    }
                    h2 { (m.text("home-endpoints")) }
                    ul {
                        @for endpoint in ["session", "csrf", "providers"] {
                            li { a href={ (base_path) "/" (endpoint) } { code { (base_path) "/" (endpoint) } } }
                        }
                    }
                }
            }
        }
    }
}

/// The name, else the email, of the signed-in user.
fn display_name(session: &Session) -> &str {
    session
        .user
        .name
        .as_deref()
        .or(session.user.email.as_deref())
        .unwrap_or("a user with no name")
}

fn is_hex_colour(value: &str) -> bool {
    value
        .strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use authrs_core::SessionUser;

    use super::*;

    fn session(name: Option<&str>, email: Option<&str>) -> Session {
        Session {
            user: SessionUser {
                name: name.map(str::to_owned),
                email: email.map(str::to_owned),
                ..SessionUser::default()
            },
            expires: "2030-01-01T00:00:00.000Z".into(),
            extra: Default::default(),
        }
    }

    fn engine() -> &'static Auth {
        static ENGINE: std::sync::OnceLock<Auth> = std::sync::OnceLock::new();
        ENGINE.get_or_init(|| {
            Auth::builder()
                .secret("a-test-secret-of-at-least-32-bytes!!")
                .build()
                .expect("a valid engine")
        })
    }

    fn english() -> Messages<'static> {
        engine().messages(&HeaderMap::new())
    }

    #[test]
    fn speaks_the_browsers_language() {
        let mut headers = HeaderMap::new();
        headers.insert("accept-language", HeaderValue::from_static("ar, en;q=0.5"));
        let page = render_home(
            "/api/auth",
            None,
            &HomeSettings::default(),
            engine().messages(&headers),
        )
        .into_string();
        assert!(page.contains(r#"<html lang="ar" dir="rtl">"#), "{page}");
        assert!(!page.contains("Not signed in"));
    }

    #[test]
    fn shows_not_signed_in_with_links_under_the_base_path() {
        let page =
            render_home("/api/auth", None, &HomeSettings::default(), english()).into_string();
        assert!(page.contains("Not signed in"));
        assert!(!page.contains("demo"));
        assert!(page.contains(r#"href="/api/auth/signin""#));
        assert!(page.contains(r#"href="/api/auth/signout""#));
        assert!(page.contains(r#"href="/api/auth/session""#));
    }

    #[test]
    fn shows_the_user_and_escapes_it() {
        let evil = session(Some("<script>alert(1)</script>"), Some("a\"b@example.com"));
        let page =
            render_home("/auth", Some(&evil), &HomeSettings::default(), english()).into_string();
        assert!(
            page.contains(
                "Signed in as <strong><bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi></strong>"
            ),
            "{page}"
        );
        assert!(page.contains("a&quot;b@example.com"));
        assert!(!page.contains("<script>"));
        let email_only = session(None, Some("e@example.com"));
        let page = render_home(
            "/auth",
            Some(&email_only),
            &HomeSettings::default(),
            english(),
        )
        .into_string();
        assert!(page.contains("Signed in as <strong><bdi>e@example.com</bdi></strong>"));
    }

    #[test]
    fn brand_colour_is_used_only_when_it_is_a_hex_colour() {
        let brand = |colour: &str| HomeSettings {
            brand_color: Some(colour.into()),
            ..HomeSettings::default()
        };
        let page = render_home("/api/auth", None, &brand("#336699"), english()).into_string();
        assert!(page.contains(":root{--brand:#336699}"));
        let page = render_home(
            "/api/auth",
            None,
            &brand("red}body{display:none"),
            english(),
        )
        .into_string();
        assert!(!page.contains("display:none"));
    }

    #[test]
    fn demo_hint_names_the_password_file_to_visitors_only() {
        let settings = HomeSettings {
            demo_password_file: Some("authrs-data/demo-password".into()),
            ..HomeSettings::default()
        };
        let page = render_home("/api/auth", None, &settings, english()).into_string();
        let hint = "Try the demo account: email <code>demo@example.com</code>, password in \
                    <code>authrs-data/demo-password</code>";
        assert!(page.contains(hint), "{page}");
        let signed_in = session(Some("Demo"), Some("demo@example.com"));
        let page = render_home("/api/auth", Some(&signed_in), &settings, english()).into_string();
        assert!(!page.contains("Try the demo account"));
    }
}

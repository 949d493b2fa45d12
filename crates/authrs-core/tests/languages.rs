//! The pages and mails in the user's language: `Accept-Language`, `?lang=` and its cookie, the
//! operator's catalogs, hostile language inputs, and the sign-in page's one address field for
//! a mailed link and a password.

use std::sync::Arc;

use authrs_core::adapter::MemoryAdapter;
use authrs_core::clock::FixedClock;
use authrs_core::i18n::Languages;
use authrs_core::password::PasswordHasher;
use authrs_core::providers::{EmailProvider, EmailPurpose};
use authrs_core::{Auth, AuthBuilder, ConfigError, EmailPassword};
use authrs_test_support::outbox::Outbox;
use authrs_test_support::{Answer, EngineClient, TEST_SECRET};
use http::StatusCode;

struct Setup {
    builder: AuthBuilder,
    outbox: Arc<Outbox>,
}

/// Email links and email-and-password accounts (sign-up open), mails to one outbox.
fn setup() -> Setup {
    let outbox = Arc::new(Outbox::default());
    let builder = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .clock(Arc::new(FixedClock::at_secs(1_800_000_000)))
        .adapter(Arc::new(MemoryAdapter::new()))
        .password_hashing(Arc::new(PasswordHasher::with_params(64, 1, 1).unwrap()))
        .email_password(EmailPassword {
            sign_up: true,
            transport: Some(outbox.clone()),
            ..EmailPassword::default()
        })
        .provider(EmailProvider::with_transport(outbox.clone()));
    Setup { builder, outbox }
}

fn browser(setup: &Setup) -> EngineClient {
    EngineClient::new(setup.builder.clone().build().unwrap())
}

/// The `<html …>` start tag of a page.
fn html_tag(page: &Answer) -> String {
    let text = page.text();
    let start = text.find("<html").expect("an html element");
    let end = start + text[start..].find('>').unwrap();
    text[start..=end].to_owned()
}

#[tokio::test]
async fn pages_speak_the_browsers_language_and_say_which() {
    let s = setup();
    let mut c = browser(&s);
    for (accept, lang, dir, word) in [
        ("de-CH, de;q=0.9, en;q=0.8", "de", "ltr", "Anmelden"),
        ("ja", "ja", "ltr", "ログイン"),
        ("ar-EG", "ar", "rtl", "تسجيل الدخول"),
        ("pt-PT", "pt-BR", "ltr", "Entrar"),
        ("zh-Hans-CN", "zh-CN", "ltr", "登录"),
        ("xx, *", "en", "ltr", "Sign in"),
    ] {
        let page = c
            .get_with_headers("/api/auth/signin", &[("accept-language", accept)])
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(
            html_tag(&page),
            format!(r#"<html lang="{lang}" dir="{dir}" data-theme="light dark">"#),
            "{accept}"
        );
        assert_eq!(page.header("content-language"), Some(lang), "{accept}");
        assert!(page.text().contains(word), "{accept}: no {word:?}");
    }
    // Every built-in page, not only sign-in.
    for path in [
        "/api/auth/signout",
        "/api/auth/error?error=Verification",
        "/api/auth/verify-request?provider=email&type=email",
        "/api/auth/account/verify-email?email=a%40example.com",
    ] {
        let page = c.get_with_headers(path, &[("accept-language", "fr")]).await;
        assert!(
            html_tag(&page).contains(r#"lang="fr""#),
            "{path}: {}",
            html_tag(&page)
        );
        assert_eq!(page.header("content-language"), Some("fr"), "{path}");
    }
}

#[tokio::test]
async fn a_lang_query_is_remembered_in_a_cookie_and_wins_over_the_browser() {
    let s = setup();
    let mut c = browser(&s);
    let page = c.get("/api/auth/signin?lang=ar").await;
    assert!(html_tag(&page).contains(r#"lang="ar" dir="rtl""#));
    let cookie = page
        .set_cookie("next-auth.lang")
        .expect("the choice is remembered");
    assert!(cookie.starts_with("next-auth.lang=ar;"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    // The cookie wins over Accept-Language on the next page …
    let page = c
        .get_with_headers("/api/auth/signout", &[("accept-language", "de")])
        .await;
    assert!(html_tag(&page).contains(r#"lang="ar""#));
    assert!(
        page.set_cookie("next-auth.lang").is_none(),
        "set once, not again"
    );
    // … a new choice replaces it, a region finds its language, and one the server does not
    // have is passed over without touching the cookie.
    let page = c.get("/api/auth/signin?lang=es-MX").await;
    assert!(html_tag(&page).contains(r#"lang="es""#));
    assert!(
        page.set_cookie("next-auth.lang")
            .unwrap()
            .starts_with("next-auth.lang=es;")
    );
    let page = c.get("/api/auth/signin?lang=tlh").await;
    assert!(html_tag(&page).contains(r#"lang="es""#));
    assert!(page.set_cookie("next-auth.lang").is_none());
    // HEAD never sets it.
    let mut other = browser(&s);
    let head = other
        .send(
            http::Method::HEAD,
            "/api/auth/signin?lang=de",
            None,
            Default::default(),
            &[],
        )
        .await;
    assert!(head.set_cookie("next-auth.lang").is_none());
}

#[tokio::test]
async fn hostile_language_inputs_are_passed_over_never_reflected() {
    let s = setup();
    let mut c = browser(&s);
    let long_accept = "xx-YY;q=0.9, ".repeat(2000);
    for (query, headers) in [
        ("?lang=%3Cscript%3Ealert(1)%3C%2Fscript%3E", vec![]),
        ("?lang=de%0d%0aSet-Cookie:%20x=1", vec![]),
        (&*format!("?lang={}", "a".repeat(5000)), vec![]),
        ("", vec![("accept-language", long_accept.as_str())]),
        (
            "",
            vec![("accept-language", "\"><script>, ;q=abc, ,,, de;q=0")],
        ),
        ("", vec![("cookie", "next-auth.lang=%3Cscript%3E")]),
    ] {
        let page = c
            .get_with_headers(&format!("/api/auth/signin{query}"), &headers)
            .await;
        assert_eq!(page.status, StatusCode::OK, "{query} {headers:?}");
        assert!(html_tag(&page).contains(r#"lang="en""#), "{query}");
        assert!(!page.text().contains("<script>"), "{query}");
        assert!(page.set_cookie("next-auth.lang").is_none(), "{query}");
    }
}

#[tokio::test]
async fn mails_use_the_language_of_the_request_that_sent_them() {
    let s = setup();
    let mut c = browser(&s);
    // An email sign-in from a Japanese browser.
    let token = c.csrf_token().await;
    let answer = c
        .post_form_with_headers(
            "/api/auth/signin/email",
            &[("csrfToken", &token), ("email", "hanako@example.com")],
            &[("accept-language", "ja")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FOUND, "{}", answer.text());
    let mail = s.outbox.last().unwrap();
    assert_eq!(mail.purpose, EmailPurpose::SignIn);
    assert_eq!(mail.subject, "localhost:3000 へのログイン", "{mail:?}");
    assert!(mail.html.contains(r#"lang="ja""#));

    // A sign-up from a browser that chose French with ?lang=: the mail that proves the
    // address is in French, though it is written in the background.
    let mut french = browser(&s);
    french.get("/api/auth/signin?lang=fr").await;
    let token = french.csrf_token().await;
    french
        .post_form(
            "/api/auth/account/signup",
            &[
                ("csrfToken", &token),
                ("email", "marie@example.com"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    let mail = s.outbox.last().unwrap();
    assert_eq!(mail.purpose, EmailPurpose::VerifyEmail);
    assert!(mail.html.contains(r#"lang="fr""#), "{}", mail.html);
    assert!(mail.text.contains("minutes") && !mail.text.contains("This works once"));

    // A password reset asked for in Arabic.
    let token = c.csrf_token().await;
    c.post_form_with_headers(
        "/api/auth/account/reset-password-request",
        &[("csrfToken", &token), ("email", "marie@example.com")],
        &[("accept-language", "ar")],
    )
    .await;
    let mail = s.outbox.last().unwrap();
    assert_eq!(mail.purpose, EmailPurpose::PasswordReset);
    assert!(
        mail.html.contains(r#"lang="ar" dir="rtl""#),
        "{}",
        mail.html
    );
}

#[tokio::test]
async fn operator_catalogs_add_and_override_and_bad_ones_are_refused_at_build() {
    let s = setup();
    let auth = s
        .builder
        .clone()
        .languages(
            Languages::new()
                .default_language("it")
                .add("it", "it.ftl", "sign-in-title = Accedi\n")
                .add("de", "de.ftl", "sign-in-title = Willkommen zurück\n"),
        )
        .build()
        .unwrap();
    assert_eq!(auth.languages().next(), Some("it"), "the default first");
    let refused = s
        .builder
        .clone()
        .languages(Languages::new().add("de", "de.ftl", "confirm-title = { $host }\n"))
        .build()
        .unwrap_err();
    assert!(
        matches!(&refused, ConfigError::InvalidLanguage { origin, .. } if origin == "de.ftl"),
        "{refused}"
    );

    // On the pages.
    let mut c = EngineClient::new(auth);
    let page = c.get("/api/auth/signin").await;
    assert!(html_tag(&page).contains(r#"lang="it""#));
    assert!(page.text().contains("<h1>Accedi</h1>"));
    assert!(
        page.text().contains("Email me a link"),
        "the rest in English"
    );
    let page = c
        .get_with_headers("/api/auth/signin", &[("accept-language", "de")])
        .await;
    assert!(page.text().contains("<h1>Willkommen zurück</h1>"));
    assert!(
        !page.text().contains("Email me a link"),
        "the rest in German"
    );
}

#[tokio::test]
async fn the_sign_in_page_asks_for_the_address_once_for_a_link_and_a_password() {
    let s = setup();
    let mut c = browser(&s);
    let page = c.get("/api/auth/signin").await;
    let text = page.text();
    // One form: the address and the password; "Sign in" first (Enter uses it), then "Email
    // me a link" posting the same form to the email provider.
    let form_start = text
        .find(r#"action="http://localhost:3000/api/auth/callback/email-password""#)
        .expect("the password form");
    let form = &text[form_start..form_start + text[form_start..].find("</form>").unwrap()];
    assert_eq!(form.matches(r#"name="email""#).count(), 1, "{form}");
    assert!(form.contains(r#"type="password" name="password""#));
    let sign_in = form
        .find(r#"<button type="submit">Sign in</button>"#)
        .unwrap();
    let link = form
        .find(r#"formaction="http://localhost:3000/api/auth/signin/email""#)
        .expect("the link button");
    assert!(sign_in < link);
    // No second address field for the email provider outside the sign-up and reset forms.
    let before_extras = &text[..text.find("<details").unwrap_or(text.len())];
    assert_eq!(
        before_extras.matches(r#"type="email""#).count(),
        1,
        "{text}"
    );
    assert!(!text.contains("Sign in with Email"));

    // "Email me a link": the whole form, password field included, goes to the email
    // provider, which reads only the address.
    let csrf = page.hidden_input("csrfToken");
    let answer = c
        .post_form(
            "/api/auth/signin/email",
            &[
                ("csrfToken", &csrf),
                ("callbackUrl", "http://localhost:3000/"),
                ("email", "ada@example.com"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert!(answer.redirect_url().unwrap().contains("/verify-request"));
    let mail = s.outbox.last().unwrap();
    assert_eq!(mail.to, "ada@example.com");

    // Without the email provider, the password form is the provider's own, as before.
    let auth = Auth::builder()
        .url("http://localhost:3000/api/auth")
        .secret(TEST_SECRET)
        .adapter(Arc::new(MemoryAdapter::new()))
        .password_hashing(Arc::new(PasswordHasher::with_params(64, 1, 1).unwrap()))
        .email_password(EmailPassword {
            sign_up: false,
            ..EmailPassword::default()
        })
        .build()
        .unwrap();
    let mut alone = EngineClient::new(auth);
    let page = alone.get("/api/auth/signin").await;
    let text = page.text();
    assert!(text.contains(r#"action="http://localhost:3000/api/auth/callback/email-password""#));
    assert!(
        text.contains("<button type=\"submit\">Sign in</button>"),
        "{text}"
    );
    assert!(!text.contains("Email me a link"));
    // Its labels are ours, in the page's language.
    let page = alone.get("/api/auth/signin?lang=de").await;
    assert!(
        page.text().contains(">E-Mail-Adresse</label>"),
        "{}",
        page.text()
    );
    assert!(page.text().contains(">Passwort</label>"));
}

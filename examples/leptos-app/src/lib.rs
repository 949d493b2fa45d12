//! A Leptos app in the browser, signing in against authrs with `authrs-leptos` only: the
//! signed-in user, sign-in with a password, by email, with each OAuth provider and with a
//! passkey, adding a passkey, sign-out, and the client API's other calls.
//!
//! Build it and serve it beside the auth routes from one origin:
//!
//! ```text
//! scripts/build-leptos-app target/leptos-app      # wasm + JavaScript glue + index.html
//! AUTHRS_STATIC_DIR=target/leptos-app cargo run -p authrs-server -- serve
//! ```
//!
//! The authrs server puts the session into `index.html` (`<!-- authrs:session -->`), so a
//! signed-in user is rendered at once, with no loading state. The `data-testid` attributes are
//! for the browser test (`tests/browser`), which drives this app as it drives the next-auth
//! React apps.

#![forbid(unsafe_code)]

use authrs_leptos::{
    SessionContext, SessionProvider, SessionStatus, SignInOptions, SignOutOptions, get_csrf_token,
    get_providers, register_passkey, session_from_document, sign_in, sign_in_passkey, sign_out,
    use_required_session, use_session,
};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Value, json};
use wasm_bindgen::prelude::wasm_bindgen;

/// Mounts the app on `<body>` when the module loads.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// The provider, seeded with what the server put into the page; `/account` is for signed-in
/// users only, every other path is the main page.
#[component]
pub fn App() -> impl IntoView {
    let account = window().location().pathname().ok().as_deref() == Some("/account");
    view! {
        // Seeded by the server; also refetched every 5 minutes while signed in, so a session
        // ended elsewhere (expired, signed out everywhere) shows here.
        <SessionProvider session=session_from_document() refetch_interval=Duration::from_secs(300)>
            {if account { view! { <Account/> }.into_any() } else { view! { <Page/> }.into_any() }}
        </SessionProvider>
    }
}

fn status_text(status: SessionStatus) -> &'static str {
    match status {
        SessionStatus::Loading => "loading",
        SessionStatus::Authenticated => "authenticated",
        SessionStatus::Unauthenticated => "unauthenticated",
    }
}

/// A page only a signed-in user sees (`useSession({ required: true })`): a signed-out visitor
/// goes to the sign-in page and comes back here.
#[component]
fn Account() -> impl IntoView {
    let session = use_required_session();
    view! {
        <main>
            <h1>"Your account"</h1>
            <section class="card">
                <p class="status">
                    <span data-testid="status">{move || status_text(session.status())}</span>
                </p>
                <dl>
                    <dt>"email"</dt>
                    <dd data-testid="user-email">
                        {move || session.data().and_then(|s| s.user.email).unwrap_or_default()}
                    </dd>
                </dl>
                <p><a href="/">"Back"</a></p>
            </section>
        </main>
    }
}

/// Shows `value` as the result of `name`, as the browser test reads it.
fn show(result: RwSignal<String>, name: &'static str, value: Result<Value, String>) {
    result.set(match value {
        Ok(value) => format!("{name}: {value}"),
        Err(error) => format!("{name} threw: {error}"),
    });
}

#[component]
fn Page() -> impl IntoView {
    let session: SessionContext = use_session();
    let providers = LocalResource::new(get_providers);
    let csrf_token = LocalResource::new(get_csrf_token);
    let email = RwSignal::new(String::from("ada@example.com"));
    let password = RwSignal::new(String::new());
    let result = RwSignal::new(String::new());
    let updates = RwSignal::new(0u32);

    let status = move || status_text(session.status());
    let user = move || session.data().map(|s| s.user).unwrap_or_default();

    let sign_in_with_password = move |_| {
        result.set(String::new());
        let options = SignInOptions::without_redirect([
            ("email", email.get_untracked()),
            ("password", password.get_untracked()),
        ]);
        let signing_in = sign_in(Some("email-password"), options);
        spawn_local(async move {
            let value = signing_in.await.map(|r| {
                json!({
                    "error": r.error.map(|code| code.as_str()),
                    "status": r.status,
                    "ok": r.ok,
                    "url": r.url,
                })
            });
            show(result, "signIn", value.map_err(|e| e.to_string()));
        });
    };
    let sign_in_by_email = move |_| {
        let signing_in = sign_in(
            Some("email"),
            SignInOptions::default().field("email", email.get_untracked()),
        );
        spawn_local(async move {
            if let Err(error) = signing_in.await {
                show(result, "signIn", Err(error.to_string()));
            }
        });
    };
    let sign_in_page = move |_| {
        let signing_in = sign_in(None, SignInOptions::default());
        spawn_local(async move {
            let _ = signing_in.await;
        });
    };
    let sign_out_here = move |_| {
        result.set(String::new());
        let signing_out = sign_out(SignOutOptions::without_redirect());
        spawn_local(async move {
            let value = signing_out.await.map(|url| json!({ "url": url }));
            show(result, "signOut", value.map_err(|e| e.to_string()));
        });
    };
    let get_session = move |_| {
        result.set(String::new());
        spawn_local(async move {
            let value = session
                .get_session()
                .await
                .map(|s| serde_json::to_value(s).unwrap_or(Value::Null));
            show(result, "getSession", value.map_err(|e| e.to_string()));
        });
    };
    let update = move |_| {
        result.set(String::new());
        spawn_local(async move {
            let value = session
                .update(Value::Null)
                .await
                .map(|s| serde_json::to_value(s).unwrap_or(Value::Null));
            updates.update(|n| *n += 1);
            show(result, "update", value.map_err(|e| e.to_string()));
        });
    };

    // Passkeys, when the server lists a `webauthn` provider: add one (signed in), sign in
    // with one (no address asked).
    let has_passkeys = move || {
        (providers.get().and_then(Result::ok))
            .is_some_and(|p| p.values().any(|p| p.provider_type == "webauthn"))
    };
    let add_passkey = move |_| {
        result.set(String::new());
        spawn_local(async move {
            let value = register_passkey().await.map(|url| json!({ "url": url }));
            show(result, "registerPasskey", value.map_err(|e| e.to_string()));
        });
    };
    let sign_in_with_passkey = move |_| {
        result.set(String::new());
        spawn_local(async move {
            let value = sign_in_passkey().await.map(|url| json!({ "url": url }));
            show(result, "signInPasskey", value.map_err(|e| e.to_string()));
        });
    };

    // A button for each OAuth/OIDC provider the server lists (`getProviders()`).
    let oauth_buttons = move || {
        let listed = providers.get().and_then(Result::ok).unwrap_or_default();
        listed
            .into_values()
            .filter(|p| matches!(p.provider_type.as_str(), "oauth" | "oidc"))
            .map(|p| {
                let id = p.id.clone();
                let start = move |_| {
                    let signing_in = sign_in(Some(&id), SignInOptions::default());
                    spawn_local(async move {
                        let _ = signing_in.await;
                    });
                };
                view! {
                    <button data-testid=format!("signin-{}", p.id) on:click=start>
                        "Sign in with " {p.name.clone()}
                    </button>
                }
            })
            .collect_view()
    };

    view! {
        <main>
            <h1>"authrs + Leptos"</h1>
            <section class="card">
                <p class="status">
                    <span class=move || format!("badge {}", status())>
                        <span data-testid="status">{status}</span>
                    </span>
                </p>
                <dl>
                    <dt>"email"</dt>
                    <dd data-testid="user-email">{move || user().email.unwrap_or_default()}</dd>
                    <dt>"name"</dt>
                    <dd data-testid="user-name">{move || user().name.unwrap_or_default()}</dd>
                    <dt>"expires"</dt>
                    <dd data-testid="session-expires">
                        {move || session.data().map(|s| s.expires).unwrap_or_default()}
                    </dd>
                    <dt>"providers"</dt>
                    <dd data-testid="providers">
                        {move || {
                            providers
                                .get()
                                .and_then(Result::ok)
                                .map(|p| p.into_keys().collect::<Vec<_>>().join(","))
                                .unwrap_or_default()
                        }}
                    </dd>
                    <dt>"CSRF token"</dt>
                    <dd data-testid="csrf-token" class="token">
                        {move || csrf_token.get().and_then(Result::ok).unwrap_or_default()}
                    </dd>
                </dl>
            </section>
            <section class="card">
                <label>
                    "Email "
                    <input data-testid="email" aria-label="email" bind:value=email/>
                </label>
                <label>
                    "Password "
                    <input
                        data-testid="password"
                        aria-label="password"
                        type="password"
                        bind:value=password
                    />
                </label>
                <div class="actions">
                    <button data-testid="signin-credentials" class="primary" on:click=sign_in_with_password>
                        "Sign in with password"
                    </button>
                    <button data-testid="signin-email" on:click=sign_in_by_email>
                        "Email me a sign-in link"
                    </button>
                    {oauth_buttons}
                    <Show when=has_passkeys>
                        <button data-testid="signin-passkey" on:click=sign_in_with_passkey>
                            "Sign in with a passkey"
                        </button>
                        <button data-testid="register-passkey" on:click=add_passkey>
                            "Add a passkey"
                        </button>
                    </Show>
                    <button data-testid="signin-default" on:click=sign_in_page>
                        "Sign-in page"
                    </button>
                    <button data-testid="signout" on:click=sign_out_here>"Sign out"</button>
                    <button data-testid="get-session" on:click=get_session>"get_session()"</button>
                    <button data-testid="update" on:click=update>"update()"</button>
                </div>
                <pre data-testid="result">{result}</pre>
                <p class="muted">"update() calls: " <span data-testid="updates">{updates}</span></p>
            </section>
        </main>
    }
}

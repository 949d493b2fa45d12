//! # authrs-leptos
//!
//! The seed's client API for [Leptos](https://leptos.dev) 0.8 apps compiled to WebAssembly:
//! what next-auth's React client gives a React app, in Rust, against an authrs (or next-auth)
//! server on the page's own origin.
//!
//! | next-auth (React) | authrs-leptos |
//! |---|---|
//! | `<SessionProvider session={session}>` | [`SessionProvider`] (`session=seed`) |
//! | `useSession()` → `{data, status, update}` | [`use_session()`] → [`SessionContext`]: `data()`, `status()`, `update(data)` |
//! | `useSession({ required: true })` | [`use_required_session()`] |
//! | `getSession()` | [`SessionContext::get_session`] |
//! | `signIn(provider, options)` | [`sign_in`] / [`SessionContext::sign_in`] |
//! | `signOut(options)` | [`sign_out`] / [`SessionContext::sign_out`] |
//! | `getProviders()`, `getCsrfToken()` | [`get_providers`], [`get_csrf_token`] |
//!
//! ```no_run
//! use authrs_leptos::{SessionProvider, SessionStatus, sign_in, sign_out, use_session};
//! use leptos::prelude::*;
//! use leptos::task::spawn_local;
//!
//! #[component]
//! fn Status() -> impl IntoView {
//!     let session = use_session();
//!     move || match session.status() {
//!         SessionStatus::Loading => view! { <p>"Loading…"</p> }.into_any(),
//!         SessionStatus::Authenticated => {
//!             let email = session.data().and_then(|s| s.user.email).unwrap_or_default();
//!             view! {
//!                 <p>"Signed in as " {email}</p>
//!                 <button on:click=move |_| spawn_local(async {
//!                     let _ = sign_out(Default::default()).await;
//!                 })>"Sign out"</button>
//!             }
//!             .into_any()
//!         }
//!         SessionStatus::Unauthenticated => view! {
//!             <button on:click=move |_| spawn_local(async {
//!                 let _ = sign_in(None, Default::default()).await;
//!             })>"Sign in"</button>
//!         }
//!         .into_any(),
//!     }
//! }
//!
//! #[component]
//! fn App() -> impl IntoView {
//!     // The session a server put into the page, if any: rendered at once, no fetch.
//!     view! { <SessionProvider session=authrs_leptos::session_from_document()><Status/></SessionProvider> }
//! }
//! ```
//!
//! ## Rules
//!
//! 1. **One session per provider.** Every [`use_session()`] under a [`SessionProvider`] reads
//!    the same signal; the provider fetches `/session` once on start, unless a server render
//!    handed it the session (then nothing is fetched and the user renders with no flicker).
//! 2. **When it refetches** ([`authrs_client::state`], tested natively): a message from another
//!    tab and an explicit [`SessionContext::get_session`] always; the window becoming visible
//!    (`refetch_on_window_focus`, default on) and the interval (`refetch_interval`, default
//!    off) only while signed in, the interval not while offline when `refetch_when_offline`
//!    is off. Focus and interval triggers during a fetch are absorbed; a message starts a new
//!    fetch (the session may have changed after the running one was answered); an answer older
//!    than one already applied is dropped.
//! 3. **Tabs stay in step with next-auth's.** Sign-in (without redirect), sign-out, update and
//!    an explicit `get_session` write next-auth's `nextauth.message` storage event (v3/v4) and
//!    post on its `next-auth` broadcast channel (v5), and the provider listens to both, so Rust
//!    tabs and tabs running any of next-auth's clients of one app follow each other. The
//!    initial and the triggered fetches broadcast nothing.
//! 4. **Errors.** A failed fetch leaves a known session as it was (an offline moment does not
//!    sign the user out on screen) and makes an unknown one `Unauthenticated`, as next-auth
//!    does; it is logged to the console. The async helpers return the client's typed
//!    [`ClientError`].
//! 5. **Browser only.** Listeners, timers and fetches exist in the browser (`wasm32`); built
//!    natively (tests, a server render) the provider holds its seed and fetches nothing.

#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

pub use authrs_client::state::SessionStatus;
use authrs_client::state::{FetchGate, RefetchPolicy, SessionState, Ticket, Trigger};
pub use authrs_client::{
    AuthClient, ClientError, ErrorCode, ProviderInfo, Session, SessionUser, SignInOptions,
    SignInResponse, SignOutOptions,
};
use leptos::prelude::*;
use serde_json::Value;

/// The auth routes' path when none is given, as in the JavaScript clients.
pub const DEFAULT_BASE_PATH: &str = "/api/auth";

/// The passkey provider's id (authrs's, as Auth.js's).
const PASSKEY_PROVIDER: &str = "passkey";

/// The id of the `<script type="application/json">` element a server render puts the session
/// in ([`session_from_document`]); the authrs server fills it in for the `static_dir` app, and
/// [`seed::seed_script`] writes it for any other server render.
pub use authrs_client::seed::{self, SEED_ELEMENT_ID};

/// The session shared by a [`SessionProvider`]'s components: a `Copy` handle to read it
/// (tracked, in views and effects) and act on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SessionContext {
    state: RwSignal<SessionState>,
    shared: StoredValue<Shared, LocalStorage>,
    /// From [`use_required_session`]: signed out reads as `Loading` while the page leaves.
    required: bool,
}

#[derive(Debug)]
struct Shared {
    client: Result<AuthClient, String>,
    gate: FetchGate,
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // used by the browser side
    policy: RefetchPolicy,
}

impl SessionContext {
    /// A context for the auth routes at `base_path`, holding `seed` when a server render gave
    /// one (`Some(None)`: known to be signed out). [`SessionProvider`] makes one and starts
    /// it; build one yourself only to test components without a provider.
    pub fn new(seed: Option<Option<Session>>, base_path: &str, policy: RefetchPolicy) -> Self {
        let state = match seed {
            Some(session) => SessionState::seeded(session),
            None => SessionState::unknown(),
        };
        let client = AuthClient::new(base_path).map_err(|_| base_path.to_owned());
        Self {
            state: RwSignal::new(state),
            shared: StoredValue::new_local(Shared {
                client,
                gate: FetchGate::default(),
                policy,
            }),
            required: false,
        }
    }

    /// The whole state (tracked).
    pub fn state(&self) -> SessionState {
        self.state.get()
    }

    /// The session, when signed in (tracked).
    pub fn data(&self) -> Option<Session> {
        self.state.with(|state| state.data.clone())
    }

    /// Loading, authenticated or unauthenticated (tracked). From [`use_required_session`],
    /// never unauthenticated: `Loading` while the page goes to the sign-in page.
    pub fn status(&self) -> SessionStatus {
        match self.state.with(|state| state.status) {
            SessionStatus::Unauthenticated if self.required => SessionStatus::Loading,
            status => status,
        }
    }

    /// The state as a read-only signal.
    pub fn signal(&self) -> Signal<SessionState> {
        self.state.read_only().into()
    }

    /// The HTTP client of this provider's auth routes.
    pub fn client(&self) -> Result<AuthClient, ClientError> {
        self.shared
            .try_with_value(|shared| shared.client.clone())
            .unwrap_or_else(|| Err(DEFAULT_BASE_PATH.to_owned()))
            .map_err(ClientError::InvalidBaseUrl)
    }

    /// `getSession()`: fetches the session now (even while another fetch runs), updates every
    /// component, and tells the other tabs.
    pub async fn get_session(self) -> Result<Option<Session>, ClientError> {
        let session = self.fetch_now().await?;
        broadcast_session();
        Ok(session)
    }

    /// `update(data)`: sends `data` to the server's session callbacks (`POST /session`), takes
    /// the session it answers and tells the other tabs. While it runs the status stays what it
    /// was (next-auth shows `loading`, which makes the page flicker).
    pub async fn update(self, data: Value) -> Result<Option<Session>, ClientError> {
        let client = self.client()?;
        let ticket = self.shared.try_update_value(|s| s.gate.begin_anyway());
        let result = client.update_session(data).await;
        let current = self.finish(ticket);
        if let (true, Ok(session)) = (current, &result) {
            self.state.try_update(|state| state.apply(session.clone()));
        }
        result
    }

    /// `signIn(provider, options)` ([`AuthClient::sign_in`]); a sign-in that stays on the page
    /// refetches the session here and tells the other tabs.
    pub async fn sign_in(
        self,
        provider: Option<&str>,
        options: SignInOptions,
    ) -> Result<SignInResponse, ClientError> {
        let stays = !options.redirect;
        let response = self.client()?.sign_in(provider, options).await?;
        if stays && response.ok {
            let _ = self.fetch_now().await;
        }
        Ok(response)
    }

    /// Signs in with a passkey ([`AuthClient::sign_in_passkey`], provider `passkey`): the
    /// browser offers the site's passkeys; on success the session is refetched here and the
    /// other tabs are told. Returns the URL the server answered (the callback URL).
    pub async fn sign_in_passkey(self) -> Result<String, ClientError> {
        let url = self.client()?.sign_in_passkey(PASSKEY_PROVIDER).await?;
        let _ = self.fetch_now().await;
        Ok(url)
    }

    /// Adds a passkey to the signed-in account ([`AuthClient::register_passkey`]); returns
    /// the URL the server answered.
    pub async fn register_passkey(self) -> Result<String, ClientError> {
        self.client()?.register_passkey(PASSKEY_PROVIDER).await
    }

    /// `signOut(options)` ([`AuthClient::sign_out`]); without redirect the session is
    /// refetched here (the other tabs are told either way).
    pub async fn sign_out(self, options: SignOutOptions) -> Result<String, ClientError> {
        let stays = !options.redirect;
        let url = self.client()?.sign_out(options).await?;
        if stays {
            let _ = self.fetch_now().await;
        }
        Ok(url)
    }

    /// Refetches for `trigger` when the policy says so and no fetch runs (rule 2).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // used by the browser side
    fn trigger(self, trigger: Trigger) {
        let Some(state) = self.state.try_get_untracked() else {
            return;
        };
        let online = is_online();
        let ticket = self
            .shared
            .try_update_value(|s| {
                if !s.policy.should_refetch(&state, trigger, online) {
                    None
                } else if trigger.supersedes_running_fetch() {
                    Some(s.gate.begin_anyway())
                } else {
                    s.gate.begin()
                }
            })
            .flatten();
        if let Some(ticket) = ticket {
            leptos::task::spawn_local(async move {
                let _ = self.fetch(Some(ticket)).await;
            });
        }
    }

    /// Fetches now, even while another fetch runs (whose answer is then dropped).
    async fn fetch_now(self) -> Result<Option<Session>, ClientError> {
        let ticket = self.shared.try_update_value(|s| s.gate.begin_anyway());
        self.fetch(ticket).await
    }

    /// Fetches `/session` and applies the answer unless a newer one was (rules 3 and 4).
    async fn fetch(self, ticket: Option<Ticket>) -> Result<Option<Session>, ClientError> {
        let client = match self.client() {
            Ok(client) => client,
            Err(error) => {
                self.finish(ticket);
                self.failed(&error);
                return Err(error);
            }
        };
        let result = client.get_session().await;
        if self.finish(ticket) {
            match &result {
                Ok(session) => {
                    self.state.try_update(|state| state.apply(session.clone()));
                }
                Err(error) => self.failed(error),
            }
        }
        result
    }

    /// Ends a fetch; whether its answer is the newest.
    fn finish(self, ticket: Option<Ticket>) -> bool {
        ticket
            .and_then(|ticket| self.shared.try_update_value(|s| s.gate.finish(ticket)))
            .unwrap_or(false)
    }

    fn failed(self, error: &ClientError) {
        leptos::logging::warn!("authrs: the session could not be fetched: {error}");
        self.state.try_update(|state| {
            if state.status == SessionStatus::Loading {
                state.apply(None);
            }
        });
    }

    /// Listens for other tabs, visibility and the interval, and makes the first fetch when the
    /// session is not known (browser only).
    fn start(self) {
        #[cfg(target_arch = "wasm32")]
        {
            use authrs_client::browser;
            use send_wrapper::SendWrapper;

            if let Some(listener) = browser::on_message(move |_| self.trigger(Trigger::Message)) {
                let listener = SendWrapper::new(listener);
                on_cleanup(move || drop(listener));
            }
            if let Some(listener) = browser::on_visible(move || self.trigger(Trigger::Focus)) {
                let listener = SendWrapper::new(listener);
                on_cleanup(move || drop(listener));
            }
            let interval = self.shared.try_with_value(|s| s.policy.interval).flatten();
            if let Some(every) = interval
                && let Ok(handle) = leptos::prelude::set_interval_with_handle(
                    move || self.trigger(Trigger::Interval),
                    every,
                )
            {
                on_cleanup(move || handle.clear());
            }
            if self.state.with_untracked(SessionState::needs_initial_fetch) {
                leptos::task::spawn_local(async move {
                    let _ = self.fetch_now().await;
                });
            }
        }
    }
}

/// Shares one session with every [`use_session()`] below it (next-auth's `SessionProvider`).
///
/// - `session`: what a server render knew ([`session_from_document`] reads what the authrs
///   server put in the page); `Some(None)` is "signed out". Given, nothing is fetched on start.
/// - `base_path`: the auth routes (default `/api/auth`). They must be on the page's origin,
///   as next-auth's are: the browser sends the session cookie to that origin only.
/// - `refetch_interval`: poll while signed in (default never).
/// - `refetch_on_window_focus`: refetch when the tab becomes visible while signed in
///   (default `true`).
/// - `refetch_when_offline`: keep polling while `navigator.onLine` is false (default `true`).
#[component]
pub fn SessionProvider(
    /// What a server render knew; `None` (the default) fetches on start.
    #[prop(optional_no_strip)]
    session: Option<Option<Session>>,
    /// The auth routes (default `/api/auth`).
    #[prop(optional, into)]
    base_path: Option<String>,
    /// Poll this often while signed in.
    #[prop(optional)]
    refetch_interval: Option<Duration>,
    /// Refetch when the tab becomes visible while signed in.
    #[prop(default = true)]
    refetch_on_window_focus: bool,
    /// Keep polling while offline.
    #[prop(default = true)]
    refetch_when_offline: bool,
    /// The app.
    children: Children,
) -> impl IntoView {
    let context = SessionContext::new(
        session,
        base_path.as_deref().unwrap_or(DEFAULT_BASE_PATH),
        RefetchPolicy {
            interval: refetch_interval.filter(|every| !every.is_zero()),
            on_window_focus: refetch_on_window_focus,
            when_offline: refetch_when_offline,
        },
    );
    provide_context(context);
    CURRENT.with(|current| current.set(Some(context)));
    on_cleanup(move || {
        CURRENT.with(|current| {
            if current.get() == Some(context) {
                current.set(None);
            }
        })
    });
    context.start();
    children()
}

thread_local! {
    /// The provider mounted last, for calls made where there is no reactive owner (inside
    /// `spawn_local`, a timer): next-auth's module-level session state.
    static CURRENT: std::cell::Cell<Option<SessionContext>> = const { std::cell::Cell::new(None) };
}

/// The session of the enclosing [`SessionProvider`] (next-auth's `useSession()`).
///
/// # Panics
/// Outside a [`SessionProvider`], as next-auth's hook throws there; [`try_use_session`] does
/// not.
#[track_caller]
pub fn use_session() -> SessionContext {
    try_use_session()
        .expect("use_session() must be called inside a <SessionProvider> (authrs-leptos)")
}

/// `useSession({ required: true })`: the session of the enclosing [`SessionProvider`] for a
/// page that only a signed-in user may see. When the session is known to be signed out the
/// browser goes to the sign-in page (`error=SessionRequired`, and this page as the callback
/// URL), and until then [`SessionContext::status`] reads `Loading`, so the page never renders
/// its signed-out state.
///
/// # Panics
/// Outside a [`SessionProvider`], as [`use_session`].
#[track_caller]
pub fn use_required_session() -> SessionContext {
    let session = SessionContext {
        required: true,
        ..use_session()
    };
    Effect::new(move |_| {
        let signed_out = session
            .state
            .with(|s| s.status == SessionStatus::Unauthenticated);
        if signed_out && let Ok(client) = session.client() {
            navigate_to_sign_in(&client);
        }
    });
    session
}

/// Goes to the sign-in page with `error=SessionRequired` and this page as the callback URL
/// (browser only).
fn navigate_to_sign_in(client: &AuthClient) {
    #[cfg(target_arch = "wasm32")]
    {
        use authrs_client::browser;
        let here = browser::current_href();
        browser::navigate(&client.sign_in_page(here.as_deref(), Some(ErrorCode::SessionRequired)));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = client;
}

/// The session of the enclosing [`SessionProvider`], or `None` outside one.
pub fn try_use_session() -> Option<SessionContext> {
    use_context::<SessionContext>()
}

/// The provider of the calling component, else the one mounted last (for calls from async
/// blocks and timers, which have no reactive owner).
fn provider_here() -> Option<SessionContext> {
    try_use_session().or_else(|| CURRENT.with(std::cell::Cell::get))
}

/// `getSession()`: fetches the session now; under a [`SessionProvider`] (the caller's, or the
/// one mounted last) every component follows and the other tabs are told.
pub fn get_session() -> impl Future<Output = Result<Option<Session>, ClientError>> + use<> {
    let context = provider_here();
    async move {
        match context {
            Some(context) => context.get_session().await,
            None => AuthClient::new(DEFAULT_BASE_PATH)?.get_session().await,
        }
    }
}

/// `signIn(provider, options)`. Under a [`SessionProvider`] (the caller's, or the one mounted
/// last) a sign-in that stays on the page updates the session there; without one it goes to
/// `/api/auth`.
pub fn sign_in(
    provider: Option<&str>,
    options: SignInOptions,
) -> impl Future<Output = Result<SignInResponse, ClientError>> + use<> {
    let context = provider_here();
    let provider = provider.map(str::to_owned);
    async move {
        match context {
            Some(context) => context.sign_in(provider.as_deref(), options).await,
            None => {
                AuthClient::new(DEFAULT_BASE_PATH)?
                    .sign_in(provider.as_deref(), options)
                    .await
            }
        }
    }
}

/// Signs in with a passkey, as [`sign_in`] finds its provider
/// ([`SessionContext::sign_in_passkey`]).
pub fn sign_in_passkey() -> impl Future<Output = Result<String, ClientError>> + use<> {
    let context = provider_here();
    async move {
        match context {
            Some(context) => context.sign_in_passkey().await,
            None => {
                AuthClient::new(DEFAULT_BASE_PATH)?
                    .sign_in_passkey(PASSKEY_PROVIDER)
                    .await
            }
        }
    }
}

/// Adds a passkey to the signed-in account, as [`sign_in`] finds its provider
/// ([`SessionContext::register_passkey`]).
pub fn register_passkey() -> impl Future<Output = Result<String, ClientError>> + use<> {
    let client = client_here();
    async move { client?.register_passkey(PASSKEY_PROVIDER).await }
}

/// `signOut(options)`, as [`sign_in`] finds its provider.
pub fn sign_out(
    options: SignOutOptions,
) -> impl Future<Output = Result<String, ClientError>> + use<> {
    let context = provider_here();
    async move {
        match context {
            Some(context) => context.sign_out(options).await,
            None => AuthClient::new(DEFAULT_BASE_PATH)?.sign_out(options).await,
        }
    }
}

/// `getProviders()`: the server's providers, by id (from the provider's auth routes, or
/// `/api/auth`).
pub fn get_providers()
-> impl Future<Output = Result<BTreeMap<String, ProviderInfo>, ClientError>> + use<> {
    let client = client_here();
    async move { client?.get_providers().await }
}

/// `getCsrfToken()`.
pub fn get_csrf_token() -> impl Future<Output = Result<String, ClientError>> + use<> {
    let client = client_here();
    async move { client?.get_csrf_token().await }
}

/// The enclosing provider's client, or one for `/api/auth`.
fn client_here() -> Result<AuthClient, ClientError> {
    match provider_here() {
        Some(context) => context.client(),
        None => AuthClient::new(DEFAULT_BASE_PATH),
    }
}

/// What a server render put in the page: the JSON in `<script type="application/json"
/// id="authrs-session">`. `Some(None)` when it says signed out (`null` or `{}`), `None` when
/// there is no such element, it is empty, or it does not parse (then the provider fetches).
/// Always `None` outside the browser.
pub fn session_from_document() -> Option<Option<Session>> {
    #[cfg(target_arch = "wasm32")]
    {
        let text = web_sys::window()?
            .document()?
            .get_element_by_id(SEED_ELEMENT_ID)?
            .text_content()?;
        seed::parse_seed(&text)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // used by the browser side
fn is_online() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        authrs_client::browser::is_online()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        true
    }
}

fn broadcast_session() {
    #[cfg(target_arch = "wasm32")]
    authrs_client::browser::broadcast(authrs_client::state::BroadcastTrigger::GetSession);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        serde_json::from_value(serde_json::json!({
            "user": {"email": "ada@example.com", "name": "Ada"},
            "expires": "2026-12-29T00:00:00.000Z"
        }))
        .unwrap()
    }

    #[test]
    fn a_seeded_context_is_known_at_once() {
        let owner = Owner::new();
        owner.with(|| {
            let signed_in = SessionContext::new(
                Some(Some(session())),
                "http://localhost:3000/api/auth",
                RefetchPolicy::default(),
            );
            assert_eq!(signed_in.status(), SessionStatus::Authenticated);
            assert_eq!(
                signed_in.data().and_then(|s| s.user.email).as_deref(),
                Some("ada@example.com")
            );
            let signed_out = SessionContext::new(
                Some(None),
                "http://localhost:3000/api/auth",
                RefetchPolicy::default(),
            );
            assert_eq!(signed_out.status(), SessionStatus::Unauthenticated);
            let unknown = SessionContext::new(
                None,
                "http://localhost:3000/api/auth",
                RefetchPolicy::default(),
            );
            assert_eq!(unknown.status(), SessionStatus::Loading);
            assert!(unknown.client().is_ok());
        });
    }

    #[test]
    fn a_bad_base_path_is_a_typed_error() {
        let owner = Owner::new();
        owner.with(|| {
            // Natively a path has no page to be relative to.
            let context = SessionContext::new(None, "/api/auth", RefetchPolicy::default());
            assert!(matches!(
                context.client(),
                Err(ClientError::InvalidBaseUrl(path)) if path == "/api/auth"
            ));
        });
    }
}

/// The README's Leptos examples, compiled as doc tests of this crate.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;

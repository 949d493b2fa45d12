//! OAuth 2.0 and OpenID Connect providers as data: [`OAuthProvider`] (endpoints or an issuer
//! to discover them from, client credentials, scope, checks, and how the profile maps to a
//! user). The flow itself is in `crate::oauth` and `actions/oauth.rs`; the built-in presets
//! are in [`super::presets`].

use std::fmt;

use crate::secret::Secret;

/// How the provider is spoken to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OAuthKind {
    /// OpenID Connect: endpoints from the issuer's discovery document, and the user from the
    /// validated ID token.
    Oidc,
    /// Plain OAuth 2.0: explicit endpoints, the user from the userinfo endpoint.
    OAuth2,
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ClientAuth {
    /// HTTP Basic with the form-urlencoded id and secret (`client_secret_basic`, the default).
    #[default]
    Basic,
    /// `client_id` and `client_secret` in the form body (`client_secret_post`).
    Post,
}

/// Which of the authorization request's checks the provider uses. Each one on is required on
/// the way back: a callback without it fails (CVE-2023-27490).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checks {
    /// PKCE with S256.
    pub pkce: bool,
    /// A random `state`.
    pub state: bool,
    /// A random `nonce`, matched against the ID token (OIDC only).
    pub nonce: bool,
}

impl Checks {
    /// PKCE, state and nonce.
    pub const ALL: Self = Self {
        pkce: true,
        state: true,
        nonce: true,
    };
    /// PKCE and state: for plain OAuth 2.0 providers.
    pub const PKCE_AND_STATE: Self = Self {
        pkce: true,
        state: true,
        nonce: false,
    };
    /// State only: for providers that reject PKCE parameters.
    pub const STATE: Self = Self {
        pkce: false,
        state: true,
        nonce: false,
    };
}

/// Where the fields of a user come from in the provider's profile JSON (the ID token's claims
/// or the userinfo response): JSON pointers (`/sub`, `/data/id`), the first present one wins.
/// Numbers are turned into text (GitHub's ids are numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileMap {
    /// The user's id at the provider (required).
    pub id: Vec<String>,
    /// Display name.
    pub name: Vec<String>,
    /// Email address (lower-cased).
    pub email: Vec<String>,
    /// Whether the provider verified the address (`true`, or the text `"true"`).
    pub email_verified: Vec<String>,
    /// Avatar URL.
    pub image: Vec<String>,
}

impl ProfileMap {
    /// A map from lists of JSON pointers.
    pub fn new(
        id: &[&str],
        name: &[&str],
        email: &[&str],
        email_verified: &[&str],
        image: &[&str],
    ) -> Self {
        let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
        Self {
            id: owned(id),
            name: owned(name),
            email: owned(email),
            email_verified: owned(email_verified),
            image: owned(image),
        }
    }

    /// The standard OpenID Connect claims: `sub`, `name` (or `preferred_username`,
    /// `nickname`), `email`, `email_verified`, `picture`.
    pub fn oidc() -> Self {
        Self::new(
            &["/sub"],
            &["/name", "/preferred_username", "/nickname"],
            &["/email"],
            &["/email_verified"],
            &["/picture"],
        )
    }
}

/// Provider quirks that are still data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quirks {
    /// A second endpoint listing the user's addresses as `[{email, primary, verified}]`, asked
    /// when the profile has no address (GitHub's `/user/emails`).
    pub emails_url: Option<String>,
    /// Extra headers on userinfo requests (GitHub wants a `User-Agent`; Twitch a `Client-Id`,
    /// where the value `{client_id}` is replaced).
    pub userinfo_headers: Vec<(String, String)>,
    /// The provider returns to the callback with a POST (`response_mode=form_post`; Apple).
    pub form_post: bool,
    /// Apple posts the user's name once, as JSON in the `user` form field.
    pub user_json_field: Option<String>,
}

/// Where an OAuth provider's endpoints are now: discovered from its issuer (OpenID Connect) or
/// configured. Nothing secret: for an operator's log and health checks
/// ([`crate::Auth::provider_endpoints`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderEndpoints {
    /// The issuer the provider names (discovered, exact), if any.
    pub issuer: Option<String>,
    /// The authorization endpoint.
    pub authorization: String,
    /// The token endpoint.
    pub token: String,
    /// The userinfo endpoint, if any.
    pub userinfo: Option<String>,
    /// The key set, if any.
    pub jwks: Option<String>,
}

/// A configured OAuth 2.0 / OpenID Connect provider.
#[derive(Clone)]
pub struct OAuthProvider {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind: OAuthKind,
    pub(crate) issuer: Option<String>,
    pub(crate) authorization_url: Option<String>,
    pub(crate) token_url: Option<String>,
    pub(crate) userinfo_url: Option<String>,
    pub(crate) jwks_url: Option<String>,
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    pub(crate) client_auth: ClientAuth,
    pub(crate) scope: String,
    pub(crate) authorization_params: Vec<(String, String)>,
    pub(crate) checks: Checks,
    pub(crate) profile: ProfileMap,
    pub(crate) quirks: Quirks,
    pub(crate) allow_email_linking: bool,
    pub(crate) id_token_algorithms: Vec<String>,
    pub(crate) refresh: bool,
}

impl fmt::Debug for OAuthProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthProvider")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl OAuthProvider {
    /// `oidc` or `oauth`, as `/providers` reports it.
    pub(crate) fn provider_type(&self) -> super::ProviderType {
        match self.kind {
            OAuthKind::Oidc => super::ProviderType::Oidc,
            OAuthKind::OAuth2 => super::ProviderType::Oauth,
        }
    }

    /// An OpenID Connect provider: endpoints and keys from `issuer`'s discovery document,
    /// scope `openid email profile`, PKCE, state and nonce, and the standard claims.
    pub fn oidc(
        id: impl Into<String>,
        name: impl Into<String>,
        issuer: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            kind: OAuthKind::Oidc,
            issuer: Some(issuer.into()),
            authorization_url: None,
            token_url: None,
            userinfo_url: None,
            jwks_url: None,
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            client_auth: ClientAuth::Basic,
            scope: "openid email profile".into(),
            authorization_params: Vec::new(),
            checks: Checks::ALL,
            profile: ProfileMap::oidc(),
            quirks: Quirks::default(),
            allow_email_linking: false,
            id_token_algorithms: vec!["RS256".into()],
            refresh: false,
        }
    }

    /// A plain OAuth 2.0 provider with explicit endpoints: PKCE and state, the user from the
    /// userinfo endpoint through `profile`.
    #[allow(clippy::too_many_arguments)]
    pub fn oauth2(
        id: impl Into<String>,
        name: impl Into<String>,
        authorization_url: impl Into<String>,
        token_url: impl Into<String>,
        userinfo_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        profile: ProfileMap,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            kind: OAuthKind::OAuth2,
            issuer: None,
            authorization_url: Some(authorization_url.into()),
            token_url: Some(token_url.into()),
            userinfo_url: Some(userinfo_url.into()),
            jwks_url: None,
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            client_auth: ClientAuth::Basic,
            scope: String::new(),
            authorization_params: Vec::new(),
            checks: Checks::PKCE_AND_STATE,
            profile,
            quirks: Quirks::default(),
            allow_email_linking: false,
            id_token_algorithms: Vec::new(),
            refresh: false,
        }
    }

    /// The scope (space-separated).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// Adds a parameter to every authorization request (NextAuth's `authorization.params`).
    pub fn authorization_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.authorization_params.push((name.into(), value.into()));
        self
    }

    /// How the client authenticates at the token endpoint.
    pub fn client_auth(mut self, auth: ClientAuth) -> Self {
        self.client_auth = auth;
        self
    }

    /// Which checks the authorization request carries.
    pub fn checks(mut self, checks: Checks) -> Self {
        self.checks = checks;
        self
    }

    /// Where the user's fields come from.
    pub fn profile(mut self, profile: ProfileMap) -> Self {
        self.profile = profile;
        self
    }

    /// Provider quirks.
    pub fn quirks(mut self, quirks: Quirks) -> Self {
        self.quirks = quirks;
        self
    }

    /// Another id (for two providers of one kind).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Overrides discovered endpoints (or sets them for OAuth 2.0).
    pub fn endpoints(
        mut self,
        authorization_url: Option<String>,
        token_url: Option<String>,
        userinfo_url: Option<String>,
    ) -> Self {
        self.authorization_url = authorization_url.or(self.authorization_url);
        self.token_url = token_url.or(self.token_url);
        self.userinfo_url = userinfo_url.or(self.userinfo_url);
        self
    }

    /// The issuer, for an OAuth 2.0 provider that also returns `iss` (RFC 9207).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Signature algorithms accepted on ID tokens (default `RS256`; `none` is never accepted).
    pub fn id_token_algorithms(mut self, algorithms: &[&str]) -> Self {
        self.id_token_algorithms = algorithms.iter().map(|a| (*a).to_owned()).collect();
        self
    }

    /// Links a new account of this provider to an existing user with the same address, when
    /// the provider says the address is verified (NextAuth's
    /// `allowDangerousEmailAccountLinking`, made safer). Only for providers that verify
    /// addresses themselves.
    pub fn allow_email_account_linking(mut self, allow: bool) -> Self {
        self.allow_email_linking = allow;
        self
    }

    /// Keeps the stored access token fresh (needs an adapter): a session read that finds it
    /// expiring within a minute uses the refresh token first, once per account however many
    /// reads arrive together, and stores the new tokens in one statement. Ask for a refresh
    /// token in the scope (`offline_access` for many OIDC providers).
    pub fn refresh_access_token(mut self, refresh: bool) -> Self {
        self.refresh = refresh;
        self
    }

    /// The provider id.
    pub fn provider_id(&self) -> &str {
        &self.id
    }

    /// The kind.
    pub fn kind(&self) -> OAuthKind {
        self.kind
    }
}

//! The built-in OAuth 2.0 / OpenID Connect providers, as pure data: [`PRESETS`] (one
//! [`Preset`] per provider, sorted by id), [`preset`] to find one, and [`google`] and
//! [`github`] for the two most used.
//!
//! A preset says only what the provider needs: its endpoints (an issuer to discover them
//! from, or explicit URLs), the default scope, how the client authenticates at the token
//! endpoint, which checks the authorization request carries, where the user's fields are in
//! the profile JSON, and the quirks that are still data. The flow is in `crate::oauth`.
//!
//! ```
//! use authrs_core::providers::presets;
//!
//! let github = presets::github("client-id", "client-secret");
//! assert_eq!(github.provider_id(), "github");
//!
//! let okta = presets::preset("okta")
//!     .expect("a built-in preset")
//!     .build("client-id", "client-secret", Some("https://example.okta.com/oauth2/default"))
//!     .expect("an https issuer");
//! assert_eq!(okta.provider_id(), "okta");
//! ```
//!
//! # Choices every preset follows
//! 1. **OpenID Connect where the provider does it properly**: the user then comes from the
//!    validated ID token. Plain OAuth 2.0 presets read a userinfo endpoint.
//! 2. **PKCE only where the provider supports it**; state everywhere; a nonce on every OpenID
//!    Connect preset whose provider returns it in the ID token.
//! 3. **`email_verified` only from a field the provider documents as meaning that.** A preset
//!    whose provider does not say (Spotify, Facebook, GitLab, Zoom, Microsoft Entra ID without
//!    `xms_edov`, …) yields unverified addresses, so email account linking stays off for them.
//! 4. Profile ids are the ones NextAuth.js stores as `providerAccountId`, so existing account
//!    rows keep matching.
//!
//! # What is not expressible as data
//! These presets map what a JSON pointer can; the rest is left out on purpose:
//! - **Discord**: the avatar URL is composed from the user id and the avatar hash; no image.
//! - **Bitbucket**: addresses come from `/2.0/user/emails` shaped
//!   `{values: [{email, is_primary, is_confirmed}]}`, which
//!   [`Quirks::emails_url`](super::oauth::Quirks::emails_url) (GitHub's
//!   `[{email, primary, verified}]`) does not read; no email.
//! - **Microsoft Entra ID**: the photo is a binary Graph download; no image. Only a tenant's
//!   own issuer works (`https://login.microsoftonline.com/<tenant-id>/v2.0`): the `common`,
//!   `organizations` and `consumers` documents name a templated issuer, which discovery rejects.
//! - **Azure AD B2C**: discovery is per user flow, so the issuer must be the user flow's own
//!   (the `tfp` issuer claim format), with its discovery document under it.
//! - **Dropbox**: its ID token has `given_name` and `family_name` but no `name`; the name is
//!   the given name. (Dropbox's user endpoints need POST, so the preset is OpenID Connect.)
//! - **Zoom** (`verified: 1`) and **GitLab** (`confirmed_at`): the verification is not a
//!   boolean, so addresses count as unverified. Zoom's name is `display_name`.
//! - **Reddit**: `icon_img` is HTML-escaped (`&amp;`); only `snoovatar_img` is used. Its token
//!   request carries the engine's fixed `User-Agent`; userinfo gets a descriptive one.
//! - **X (Twitter)**: an address needs the `users.email` scope and `confirmed_email` field
//!   (app permission required); when requested it is mapped, but a confirmed address cannot
//!   be marked verified by presence alone.
//! - **Facebook**: apps with "Require App Secret" need `appsecret_proof` (an HMAC of the token)
//!   on Graph calls, which data cannot compute.
//! - **Apple**: the name is posted once, in the `user` form field
//!   ([`Quirks::user_json_field`](super::oauth::Quirks::user_json_field));
//!   it is never in the ID token.
//! - **Twitch**: the token response lists `scope` as an array.

use crate::providers::oauth::{Checks, OAuthProvider};
use crate::secret::Secret;

/// What a preset needs besides the client id and secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PresetNeeds {
    /// Nothing: the provider's endpoints are fixed.
    Nothing,
    /// A tenant- or deployment-specific issuer URL (Okta, Keycloak, Auth0, an Entra ID tenant,
    /// a Cognito user pool, …); endpoints are discovered from it.
    Issuer,
}

/// A built-in provider: how to build its [`OAuthProvider`] from client credentials.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// The provider id (`/signin/<id>`, `/callback/<id>`).
    pub id: &'static str,
    /// The display name.
    pub name: &'static str,
    /// What [`Preset::build`] needs besides the client credentials.
    pub needs: PresetNeeds,
    /// An example issuer, shown when one is missing (empty when none is needed).
    issuer_example: &'static str,
    build: fn(client_id: &str, client_secret: Secret, issuer: Option<&str>) -> OAuthProvider,
}

impl Preset {
    /// Builds the provider. Fails, with a text naming the preset, when the client id is empty,
    /// when `needs` is [`PresetNeeds::Issuer`] and no issuer is given or it is not an `https`
    /// URL (`http` only for `localhost` and `127.0.0.1`), and when an issuer is given to a
    /// preset with fixed endpoints.
    pub fn build(
        &self,
        client_id: &str,
        client_secret: impl Into<Secret>,
        issuer: Option<&str>,
    ) -> Result<OAuthProvider, String> {
        if client_id.trim().is_empty() {
            return Err(format!("the {} provider needs a client id", self.id));
        }
        match (self.needs, issuer) {
            (PresetNeeds::Issuer, None) => {
                return Err(format!(
                    "the {} provider needs an issuer URL, such as {}",
                    self.id, self.issuer_example
                ));
            }
            (PresetNeeds::Issuer, Some(issuer)) => check_issuer(self.id, issuer)?,
            (PresetNeeds::Nothing, Some(issuer)) => {
                return Err(format!(
                    "the {} provider has fixed endpoints and takes no issuer (got {issuer})",
                    self.id
                ));
            }
            (PresetNeeds::Nothing, None) => {}
        }
        Ok((self.build)(client_id, client_secret.into(), issuer))
    }
}

/// An issuer is an absolute `https` URL without query or fragment (OIDC Discovery §3);
/// plain `http` is only for a provider on this machine.
fn check_issuer(id: &str, issuer: &str) -> Result<(), String> {
    let bad = |why: &str| format!("the {id} provider's issuer {issuer:?} {why}");
    let url = ::url::Url::parse(issuer).map_err(|e| bad(&format!("is not a URL: {e}")))?;
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1"));
    match url.scheme() {
        "https" if url.host_str().is_some() => {}
        "http" if local => {}
        "http" => return Err(bad("must use https (http only for localhost)")),
        _ => return Err(bad("must be an https URL")),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must have no query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not carry credentials"));
    }
    Ok(())
}

/// Every preset, sorted by id.
pub const PRESETS: &[Preset] = &[
    fixed("apple", "Apple", builders::apple),
    fixed("atlassian", "Atlassian", builders::atlassian),
    tenant(
        "auth0",
        "Auth0",
        "https://<tenant>.auth0.com/",
        builders::auth0,
    ),
    tenant(
        "authentik",
        "Authentik",
        "https://<host>/application/o/<slug>/",
        builders::authentik,
    ),
    tenant(
        "azure-ad-b2c",
        "Azure AD B2C",
        "https://<tenant>.b2clogin.com/tfp/<tenant-id>/<user-flow>/v2.0/",
        builders::azure_ad_b2c,
    ),
    fixed("bitbucket", "Bitbucket", builders::bitbucket),
    tenant(
        "cognito",
        "Amazon Cognito",
        "https://cognito-idp.<region>.amazonaws.com/<user-pool-id>",
        builders::cognito,
    ),
    fixed("discord", "Discord", builders::discord),
    fixed("dropbox", "Dropbox", builders::dropbox),
    fixed("facebook", "Facebook", builders::facebook),
    fixed("github", "GitHub", builders::github),
    fixed("gitlab", "GitLab", builders::gitlab),
    fixed("google", "Google", builders::google),
    tenant(
        "keycloak",
        "Keycloak",
        "https://<host>/realms/<realm>",
        builders::keycloak,
    ),
    fixed("linkedin", "LinkedIn", builders::linkedin),
    tenant(
        "microsoft-entra-id",
        "Microsoft Entra ID",
        "https://login.microsoftonline.com/<tenant-id>/v2.0",
        builders::microsoft_entra_id,
    ),
    tenant(
        "oidc",
        "OpenID Connect",
        "https://<your-identity-provider>",
        builders::oidc,
    ),
    tenant(
        "okta",
        "Okta",
        "https://<org>.okta.com/oauth2/default",
        builders::okta,
    ),
    fixed("reddit", "Reddit", builders::reddit),
    fixed("slack", "Slack", builders::slack),
    fixed("spotify", "Spotify", builders::spotify),
    fixed("twitch", "Twitch", builders::twitch),
    fixed("twitter", "X (Twitter)", builders::twitter),
    tenant(
        "zitadel",
        "ZITADEL",
        "https://<instance>.zitadel.cloud",
        builders::zitadel,
    ),
    fixed("zoom", "Zoom", builders::zoom),
];

/// The preset with this id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS
        .binary_search_by(|p| p.id.cmp(id))
        .ok()
        .map(|i| &PRESETS[i])
}

/// Google (OpenID Connect, issuer `https://accounts.google.com`).
pub fn google(client_id: &str, client_secret: impl Into<Secret>) -> OAuthProvider {
    builders::google(client_id, client_secret.into(), None)
}

/// GitHub (OAuth 2.0; the address from `/user/emails` when the profile has none).
pub fn github(client_id: &str, client_secret: impl Into<Secret>) -> OAuthProvider {
    builders::github(client_id, client_secret.into(), None)
}

type Build = fn(&str, Secret, Option<&str>) -> OAuthProvider;

const fn fixed(id: &'static str, name: &'static str, build: Build) -> Preset {
    Preset {
        id,
        name,
        needs: PresetNeeds::Nothing,
        issuer_example: "",
        build,
    }
}

const fn tenant(
    id: &'static str,
    name: &'static str,
    issuer_example: &'static str,
    build: Build,
) -> Preset {
    Preset {
        id,
        name,
        needs: PresetNeeds::Issuer,
        issuer_example,
        build,
    }
}

/// State and nonce, no PKCE: OpenID Connect providers that do not support PKCE.
const STATE_AND_NONCE: Checks = Checks {
    pkce: false,
    state: true,
    nonce: true,
};

/// Every asymmetric ID-token algorithm, for self-hosted servers whose signing key type is the
/// operator's choice. The key still has to come from the provider's JWKS.
const ASYMMETRIC: &[&str] = &[
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
];

/// One function per preset. Each comment says what is particular about the provider.
mod builders {
    use super::{ASYMMETRIC, STATE_AND_NONCE};
    use crate::providers::oauth::{Checks, ClientAuth, OAuthProvider, ProfileMap, Quirks};
    use crate::secret::Secret;

    fn headers(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    /// Sign in with Apple: OpenID Connect without PKCE (state and nonce), the client secret
    /// is a signed JWT posted in the body, the callback is a form POST, and the name arrives
    /// once in the `user` form field. `email_verified` is the text `"true"`.
    pub(super) fn apple(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oidc(
            "apple",
            "Apple",
            "https://appleid.apple.com",
            client_id,
            secret,
        )
        .scope("name email")
        .client_auth(ClientAuth::Post)
        .checks(STATE_AND_NONCE)
        .id_token_algorithms(&["RS256"])
        .profile(ProfileMap::new(
            &["/sub"],
            &[],
            &["/email"],
            &["/email_verified"],
            &[],
        ))
        .quirks(Quirks {
            form_post: true,
            user_json_field: Some("user".into()),
            ..Quirks::default()
        })
    }

    /// Atlassian (Jira, Confluence): OAuth 2.0 (3LO) without PKCE; the API audience and
    /// `prompt=consent` are required on the authorization request.
    pub(super) fn atlassian(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oauth2(
            "atlassian",
            "Atlassian",
            "https://auth.atlassian.com/authorize",
            "https://auth.atlassian.com/oauth/token",
            "https://api.atlassian.com/me",
            client_id,
            secret,
            ProfileMap::new(
                &["/account_id"],
                &["/name", "/nickname"],
                &["/email"],
                &["/email_verified"],
                &["/picture"],
            ),
        )
        .scope("read:me")
        .authorization_param("audience", "api.atlassian.com")
        .authorization_param("prompt", "consent")
        .checks(Checks::STATE)
    }

    /// Auth0: the tenant's issuer, `https://<tenant>.auth0.com/` or a custom domain.
    pub(super) fn auth0(client_id: &str, secret: Secret, issuer: Option<&str>) -> OAuthProvider {
        issuer_oidc("auth0", "Auth0", client_id, secret, issuer)
    }

    /// authentik: the application's issuer, `https://<host>/application/o/<slug>/`.
    pub(super) fn authentik(
        client_id: &str,
        secret: Secret,
        issuer: Option<&str>,
    ) -> OAuthProvider {
        issuer_oidc("authentik", "Authentik", client_id, secret, issuer)
    }

    /// Azure AD B2C: the user flow's issuer (`tfp` claim format). Addresses are in the
    /// `emails` array; B2C does not say whether they are verified.
    pub(super) fn azure_ad_b2c(
        client_id: &str,
        secret: Secret,
        issuer: Option<&str>,
    ) -> OAuthProvider {
        OAuthProvider::oidc(
            "azure-ad-b2c",
            "Azure AD B2C",
            issuer.unwrap_or_default(),
            client_id,
            secret,
        )
        .scope("openid")
        .profile(ProfileMap::new(
            &["/sub"],
            &["/name", "/given_name"],
            &["/email", "/emails/0"],
            &[],
            &[],
        ))
    }

    /// Bitbucket Cloud: OAuth 2.0 without PKCE. The id is `account_id` (Atlassian-wide).
    /// No address: see the module documentation.
    pub(super) fn bitbucket(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oauth2(
            "bitbucket",
            "Bitbucket",
            "https://bitbucket.org/site/oauth2/authorize",
            "https://bitbucket.org/site/oauth2/access_token",
            "https://api.bitbucket.org/2.0/user",
            client_id,
            secret,
            ProfileMap::new(
                &["/account_id", "/uuid"],
                &["/display_name", "/nickname", "/username"],
                &[],
                &[],
                &["/links/avatar/href"],
            ),
        )
        .scope("account")
        .checks(Checks::STATE)
    }

    /// Amazon Cognito: the user pool's issuer,
    /// `https://cognito-idp.<region>.amazonaws.com/<user-pool-id>`. Users without a `name`
    /// attribute are named by their `cognito:username`.
    pub(super) fn cognito(client_id: &str, secret: Secret, issuer: Option<&str>) -> OAuthProvider {
        OAuthProvider::oidc(
            "cognito",
            "Amazon Cognito",
            issuer.unwrap_or_default(),
            client_id,
            secret,
        )
        .profile(ProfileMap::new(
            &["/sub"],
            &["/name", "/cognito:username", "/preferred_username"],
            &["/email"],
            &["/email_verified"],
            &["/picture"],
        ))
    }

    /// Discord: OAuth 2.0 with PKCE; `verified` is the address's verification. No image:
    /// the avatar URL has to be composed from the id and the avatar hash.
    pub(super) fn discord(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oauth2(
            "discord",
            "Discord",
            "https://discord.com/oauth2/authorize",
            "https://discord.com/api/oauth2/token",
            "https://discord.com/api/users/@me",
            client_id,
            secret,
            ProfileMap::new(
                &["/id"],
                &["/global_name", "/username"],
                &["/email"],
                &["/verified"],
                &[],
            ),
        )
        .scope("identify email")
    }

    /// Dropbox: OpenID Connect (issuer `https://www.dropbox.com`) with PKCE; no nonce, which
    /// Dropbox does not document. The app needs the `openid`, `email` and `profile` scopes.
    pub(super) fn dropbox(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oidc(
            "dropbox",
            "Dropbox",
            "https://www.dropbox.com",
            client_id,
            secret,
        )
        .scope("openid email profile account_info.read")
        .checks(Checks::PKCE_AND_STATE)
        .id_token_algorithms(&["RS256", "ES256"])
        .profile(ProfileMap::new(
            &["/sub"],
            &["/name", "/given_name"],
            &["/email"],
            &["/email_verified"],
            &[],
        ))
    }

    /// Facebook: OAuth 2.0 with PKCE; the unversioned dialog and Graph API (the app's own
    /// version applies). The secret goes in the body, as Facebook documents it. Facebook does
    /// not say addresses are verified.
    pub(super) fn facebook(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oauth2(
            "facebook",
            "Facebook",
            "https://www.facebook.com/dialog/oauth",
            "https://graph.facebook.com/oauth/access_token",
            "https://graph.facebook.com/me?fields=id,name,email,picture",
            client_id,
            secret,
            ProfileMap::new(
                &["/id"],
                &["/name"],
                &["/email"],
                &[],
                &["/picture/data/url"],
            ),
        )
        .scope("email public_profile")
        .client_auth(ClientAuth::Post)
    }

    /// GitHub: OAuth 2.0 with PKCE. The id is a number, the name falls back to the login, and
    /// a private address comes from `/user/emails` (verified only from there). GitHub sends
    /// `iss` on the callback (RFC 9207), so the preset has its issuer.
    pub(super) fn github(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oauth2(
            "github",
            "GitHub",
            "https://github.com/login/oauth/authorize",
            "https://github.com/login/oauth/access_token",
            "https://api.github.com/user",
            client_id,
            secret,
            ProfileMap::new(
                &["/id"],
                &["/name", "/login"],
                &["/email"],
                &["/email_verified"],
                &["/avatar_url"],
            ),
        )
        .issuer("https://github.com/login/oauth")
        .scope("read:user user:email")
        .quirks(Quirks {
            emails_url: Some("https://api.github.com/user/emails".into()),
            userinfo_headers: headers(&[("X-GitHub-Api-Version", "2022-11-28")]),
            ..Quirks::default()
        })
    }

    /// GitLab.com: OAuth 2.0 with PKCE and the REST user. The id is a number; the name falls
    /// back to the username. `confirmed_at` is not a boolean: addresses count as unverified.
    pub(super) fn gitlab(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oauth2(
            "gitlab",
            "GitLab",
            "https://gitlab.com/oauth/authorize",
            "https://gitlab.com/oauth/token",
            "https://gitlab.com/api/v4/user",
            client_id,
            secret,
            ProfileMap::new(
                &["/id"],
                &["/name", "/username"],
                &["/email"],
                &[],
                &["/avatar_url"],
            ),
        )
        .scope("read_user")
    }

    /// Google: OpenID Connect with PKCE, state and nonce; the standard claims.
    pub(super) fn google(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oidc(
            "google",
            "Google",
            "https://accounts.google.com",
            client_id,
            secret,
        )
        .id_token_algorithms(&["RS256"])
    }

    /// Keycloak: the realm's issuer, `https://<host>/realms/<realm>`.
    pub(super) fn keycloak(client_id: &str, secret: Secret, issuer: Option<&str>) -> OAuthProvider {
        issuer_oidc("keycloak", "Keycloak", client_id, secret, issuer)
    }

    /// LinkedIn (Sign In with LinkedIn using OpenID Connect): no PKCE for web apps and no
    /// nonce in its ID tokens, so state only; the secret goes in the body.
    pub(super) fn linkedin(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oidc(
            "linkedin",
            "LinkedIn",
            "https://www.linkedin.com/oauth",
            client_id,
            secret,
        )
        .client_auth(ClientAuth::Post)
        .checks(Checks::STATE)
        .id_token_algorithms(&["RS256"])
    }

    /// Microsoft Entra ID: a tenant's issuer. The `email` claim is not verified by Microsoft;
    /// only the optional `xms_edov` claim (domain owner verified) marks it so.
    pub(super) fn microsoft_entra_id(
        client_id: &str,
        secret: Secret,
        issuer: Option<&str>,
    ) -> OAuthProvider {
        OAuthProvider::oidc(
            "microsoft-entra-id",
            "Microsoft Entra ID",
            issuer.unwrap_or_default(),
            client_id,
            secret,
        )
        .profile(ProfileMap::new(
            &["/sub"],
            &["/name", "/preferred_username"],
            &["/email"],
            &["/xms_edov"],
            &[],
        ))
    }

    /// Any OpenID Connect provider, from its issuer.
    pub(super) fn oidc(client_id: &str, secret: Secret, issuer: Option<&str>) -> OAuthProvider {
        issuer_oidc("oidc", "OpenID Connect", client_id, secret, issuer)
    }

    /// Okta: the authorization server's issuer, `https://<org>.okta.com/oauth2/default`
    /// (or the org's own).
    pub(super) fn okta(client_id: &str, secret: Secret, issuer: Option<&str>) -> OAuthProvider {
        issuer_oidc("okta", "Okta", client_id, secret, issuer)
    }

    /// Reddit: OAuth 2.0 without PKCE, HTTP Basic client authentication, and a descriptive
    /// `User-Agent` on API calls. Reddit gives no address. `duration` is an authorization
    /// parameter, left at Reddit's default (`temporary`, no refresh token).
    pub(super) fn reddit(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oauth2(
            "reddit",
            "Reddit",
            "https://www.reddit.com/api/v1/authorize",
            "https://www.reddit.com/api/v1/access_token",
            "https://oauth.reddit.com/api/v1/me",
            client_id,
            secret,
            ProfileMap::new(&["/id"], &["/name"], &[], &[], &["/snoovatar_img"]),
        )
        .scope("identity")
        .checks(Checks::STATE)
        .quirks(Quirks {
            userinfo_headers: headers(&[("User-Agent", "web:{client_id}:authrs")]),
            ..Quirks::default()
        })
    }

    /// Slack (Sign in with Slack): OpenID Connect without PKCE (state and nonce).
    pub(super) fn slack(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oidc("slack", "Slack", "https://slack.com", client_id, secret)
            .checks(STATE_AND_NONCE)
            .id_token_algorithms(&["RS256"])
    }

    /// Spotify: OAuth 2.0 with PKCE. The image is the first of `images`; Spotify says its
    /// addresses are unverified.
    pub(super) fn spotify(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oauth2(
            "spotify",
            "Spotify",
            "https://accounts.spotify.com/authorize",
            "https://accounts.spotify.com/api/token",
            "https://api.spotify.com/v1/me",
            client_id,
            secret,
            ProfileMap::new(
                &["/id"],
                &["/display_name"],
                &["/email"],
                &[],
                &["/images/0/url"],
            ),
        )
        .scope("user-read-email")
    }

    /// Twitch: OpenID Connect without PKCE (state and nonce), the secret in the body, and the
    /// address and picture asked for as ID-token claims. Its API wants a `Client-Id` header.
    pub(super) fn twitch(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oidc(
            "twitch",
            "Twitch",
            "https://id.twitch.tv/oauth2",
            client_id,
            secret,
        )
        .scope("openid user:read:email")
        .authorization_param(
            "claims",
            r#"{"id_token":{"email":null,"email_verified":null,"picture":null,"preferred_username":null}}"#,
        )
        .client_auth(ClientAuth::Post)
        .checks(STATE_AND_NONCE)
        .id_token_algorithms(&["RS256"])
        .quirks(Quirks {
            userinfo_headers: headers(&[("Client-Id", "{client_id}")]),
            ..Quirks::default()
        })
    }

    /// X (Twitter): OAuth 2.0, where PKCE is required; the user is under `/data`.
    pub(super) fn twitter(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oauth2(
            "twitter",
            "X (Twitter)",
            "https://x.com/i/oauth2/authorize",
            "https://api.x.com/2/oauth2/token",
            "https://api.x.com/2/users/me?user.fields=profile_image_url",
            client_id,
            secret,
            ProfileMap::new(
                &["/data/id"],
                &["/data/name", "/data/username"],
                &["/data/confirmed_email"],
                &[],
                &["/data/profile_image_url"],
            ),
        )
        .scope("users.read tweet.read offline.access")
        .checks(Checks::PKCE_AND_STATE)
    }

    /// ZITADEL: the instance's issuer, `https://<instance>.zitadel.cloud` or a custom domain.
    pub(super) fn zitadel(client_id: &str, secret: Secret, issuer: Option<&str>) -> OAuthProvider {
        issuer_oidc("zitadel", "ZITADEL", client_id, secret, issuer)
    }

    /// Zoom: OAuth 2.0 with PKCE; the scope is the app's configured one (none is sent).
    pub(super) fn zoom(client_id: &str, secret: Secret, _: Option<&str>) -> OAuthProvider {
        OAuthProvider::oauth2(
            "zoom",
            "Zoom",
            "https://zoom.us/oauth/authorize",
            "https://zoom.us/oauth/token",
            "https://api.zoom.us/v2/users/me",
            client_id,
            secret,
            ProfileMap::new(
                &["/id"],
                &["/display_name", "/first_name"],
                &["/email"],
                &[],
                &["/pic_url"],
            ),
        )
    }

    /// A standards-following OpenID Connect server at a deployment-specific issuer: PKCE,
    /// state and nonce, the standard claims, any asymmetric signing algorithm.
    fn issuer_oidc(
        id: &str,
        name: &str,
        client_id: &str,
        secret: Secret,
        issuer: Option<&str>,
    ) -> OAuthProvider {
        OAuthProvider::oidc(id, name, issuer.unwrap_or_default(), client_id, secret)
            .id_token_algorithms(ASYMMETRIC)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::oauth::{Profile, map_profile, primary_email};
    use crate::providers::oauth::ClientAuth;
    use crate::providers::oauth::OAuthKind;
    use crate::providers::valid_provider_id;

    const ISSUER: &str = "https://issuer.example.com";

    fn build(id: &str) -> OAuthProvider {
        let preset = preset(id).unwrap_or_else(|| panic!("no preset {id}"));
        let issuer = (preset.needs == PresetNeeds::Issuer).then_some(ISSUER);
        preset
            .build("client-id", "client-secret", issuer)
            .unwrap_or_else(|e| panic!("{id}: {e}"))
    }

    fn profile(
        id: &str,
        name: Option<&str>,
        email: Option<&str>,
        email_verified: bool,
        image: Option<&str>,
    ) -> Profile {
        Profile {
            id: id.into(),
            name: name.map(Into::into),
            email: email.map(Into::into),
            email_verified,
            image: image.map(Into::into),
        }
    }

    /// Maps a recorded response through the preset and compares the whole profile.
    #[track_caller]
    fn check(preset_id: &str, recorded: Value, expected: Profile) {
        let provider = build(preset_id);
        let got = map_profile(&provider, &recorded).unwrap_or_else(|e| panic!("{preset_id}: {e}"));
        assert_eq!(got, expected, "{preset_id}");
    }

    #[test]
    fn every_preset_builds_with_a_valid_unique_id_and_a_name() {
        for (i, preset) in PRESETS.iter().enumerate() {
            assert!(valid_provider_id(preset.id), "{}", preset.id);
            assert!(
                preset
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                preset.id
            );
            assert!(!preset.name.trim().is_empty(), "{}", preset.id);
            assert!(
                PRESETS[..i].iter().all(|other| other.id != preset.id),
                "duplicate {}",
                preset.id
            );
            let provider = build(preset.id);
            assert_eq!(provider.provider_id(), preset.id);
            assert_eq!(provider.name, preset.name);
            assert_eq!(provider.client_id, "client-id");
            assert_eq!(provider.client_secret.expose(), "client-secret");
            if preset.needs == PresetNeeds::Issuer {
                assert_eq!(provider.kind(), OAuthKind::Oidc, "{}", preset.id);
                assert_eq!(provider.issuer.as_deref(), Some(ISSUER), "{}", preset.id);
                assert!(!preset.issuer_example.is_empty(), "{}", preset.id);
            }
        }
    }

    #[test]
    fn presets_are_sorted_and_there_are_at_least_25() {
        assert!(PRESETS.len() >= 25, "{}", PRESETS.len());
        assert!(PRESETS.windows(2).all(|w| w[0].id < w[1].id));
    }

    #[test]
    fn preset_finds_every_preset_by_id_and_nothing_else() {
        let google = preset("google").expect("google");
        assert_eq!(google.name, "Google");
        assert_eq!(google.needs, PresetNeeds::Nothing);
        for p in PRESETS {
            assert_eq!(preset(p.id).map(|found| found.id), Some(p.id));
        }
        assert!(preset("Google").is_none());
        assert!(preset("").is_none());
        assert!(preset("myspace").is_none());
    }

    #[test]
    fn build_without_a_needed_issuer_fails_naming_the_preset() {
        let needing: Vec<&Preset> = PRESETS
            .iter()
            .filter(|p| p.needs == PresetNeeds::Issuer)
            .collect();
        for id in [
            "auth0",
            "authentik",
            "azure-ad-b2c",
            "cognito",
            "keycloak",
            "microsoft-entra-id",
            "oidc",
            "okta",
            "zitadel",
        ] {
            assert!(needing.iter().any(|p| p.id == id), "{id} needs an issuer");
        }
        for preset in needing {
            let error = preset.build("client-id", "secret", None).unwrap_err();
            assert!(error.contains(preset.id), "{error}");
            assert!(error.contains(preset.issuer_example), "{error}");
        }
    }

    #[test]
    fn build_rejects_an_issuer_that_is_not_https() {
        let okta = preset("okta").expect("okta");
        for bad in [
            "http://example.okta.com",
            "ftp://example.okta.com",
            "example.okta.com",
            "https://",
            "https://example.okta.com/?tenant=1",
            "https://example.okta.com/#x",
            "https://user:pass@example.okta.com",
            "http://localhost.example.com",
        ] {
            let error = okta.build("client-id", "secret", Some(bad)).unwrap_err();
            assert!(error.contains("okta"), "{bad}: {error}");
        }
        for good in [
            "https://example.okta.com/oauth2/default",
            "http://localhost:8080/realms/test",
            "http://127.0.0.1:9000",
        ] {
            let provider = okta.build("client-id", "secret", Some(good)).unwrap();
            assert_eq!(provider.issuer.as_deref(), Some(good));
        }
        // Kept exactly: Auth0's issuer ends in `/`, and ID tokens' `iss` must equal it.
        let auth0 = preset("auth0").expect("auth0");
        let provider = auth0
            .build("id", "secret", Some("https://tenant.eu.auth0.com/"))
            .unwrap();
        assert_eq!(
            provider.issuer.as_deref(),
            Some("https://tenant.eu.auth0.com/")
        );
    }

    #[test]
    fn build_rejects_an_issuer_for_fixed_endpoints_and_an_empty_client_id() {
        let google = preset("google").expect("google");
        let error = google
            .build("client-id", "secret", Some("https://accounts.google.com"))
            .unwrap_err();
        assert!(error.contains("google"), "{error}");
        let error = google.build(" ", "secret", None).unwrap_err();
        assert!(error.contains("google"), "{error}");
    }

    #[test]
    fn endpoints_are_https_urls_and_no_preset_sets_a_reserved_parameter() {
        for preset in PRESETS {
            let provider = build(preset.id);
            match provider.kind() {
                OAuthKind::Oidc => {
                    assert!(provider.issuer.is_some(), "{}", preset.id);
                    assert!(provider.authorization_url.is_none(), "{}", preset.id);
                    assert!(!provider.id_token_algorithms.is_empty(), "{}", preset.id);
                    assert!(
                        provider
                            .id_token_algorithms
                            .iter()
                            .all(|a| !a.starts_with("HS") && a != "none"),
                        "{}",
                        preset.id
                    );
                }
                OAuthKind::OAuth2 => {
                    for url in [
                        &provider.authorization_url,
                        &provider.token_url,
                        &provider.userinfo_url,
                    ] {
                        let url = url.as_deref().unwrap_or_default();
                        let parsed = ::url::Url::parse(url)
                            .unwrap_or_else(|e| panic!("{}: {url}: {e}", preset.id));
                        assert_eq!(parsed.scheme(), "https", "{}", preset.id);
                    }
                }
            }
            for (name, _) in &provider.authorization_params {
                assert!(
                    !crate::actions::oauth::RESERVED.contains(&name.as_str()),
                    "{} sets {name}",
                    preset.id
                );
            }
            assert!(provider.checks.state, "{} without state", preset.id);
            if provider.kind() == OAuthKind::OAuth2 {
                assert!(
                    !provider.checks.nonce,
                    "{}: nonce without an ID token",
                    preset.id
                );
            }
            assert!(!provider.allow_email_linking, "{}", preset.id);
        }
    }

    #[test]
    fn client_auth_and_checks_follow_what_each_provider_supports() {
        let post = ["apple", "facebook", "linkedin", "twitch"];
        let no_pkce = [
            "apple",
            "atlassian",
            "bitbucket",
            "linkedin",
            "reddit",
            "slack",
            "twitch",
        ];
        for preset in PRESETS {
            let provider = build(preset.id);
            let expected = if post.contains(&preset.id) {
                ClientAuth::Post
            } else {
                ClientAuth::Basic
            };
            assert_eq!(provider.client_auth, expected, "{}", preset.id);
            assert_eq!(
                provider.checks.pkce,
                !no_pkce.contains(&preset.id),
                "{}",
                preset.id
            );
        }
        let oidc_with_nonce = |id: &str| build(id).checks.nonce;
        for id in [
            "google", "apple", "slack", "twitch", "okta", "keycloak", "oidc",
        ] {
            assert!(oidc_with_nonce(id), "{id}");
        }
        assert_eq!(build("linkedin").checks, Checks::STATE);
        assert_eq!(build("dropbox").checks, Checks::PKCE_AND_STATE);
        assert_eq!(build("twitter").checks, Checks::PKCE_AND_STATE);
        assert_eq!(build("google").checks, Checks::ALL);
        assert_eq!(build("microsoft-entra-id").checks, Checks::ALL);
    }

    #[test]
    fn convenience_functions_match_the_presets() {
        let google = google("id", "secret");
        assert_eq!(google.provider_id(), "google");
        assert_eq!(google.kind(), OAuthKind::Oidc);
        assert_eq!(
            google.issuer.as_deref(),
            Some("https://accounts.google.com")
        );
        assert_eq!(google.scope, "openid email profile");
        let github = github("id", String::from("secret"));
        assert_eq!(github.provider_id(), "github");
        assert_eq!(github.kind(), OAuthKind::OAuth2);
    }

    // Recorded responses, one or more per preset, through `map_profile`.

    #[test]
    fn github_maps_a_numeric_id_and_falls_back_to_the_login_and_user_emails() {
        let provider = github("id", "secret");
        assert_eq!(provider.scope, "read:user user:email");
        assert_eq!(
            provider.userinfo_url.as_deref(),
            Some("https://api.github.com/user")
        );
        assert_eq!(
            provider.quirks.emails_url.as_deref(),
            Some("https://api.github.com/user/emails")
        );
        // GitHub returns `iss` on the callback (RFC 9207); it must match.
        assert_eq!(
            provider.issuer.as_deref(),
            Some("https://github.com/login/oauth")
        );
        // GET https://api.github.com/user for a user with a private address and no name.
        let mut user = json!({
            "login": "octocat",
            "id": 583231,
            "node_id": "MDQ6VXNlcjU4MzIzMQ==",
            "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
            "gravatar_id": "",
            "url": "https://api.github.com/users/octocat",
            "html_url": "https://github.com/octocat",
            "type": "User",
            "site_admin": false,
            "name": null,
            "company": "@github",
            "blog": "https://github.blog",
            "location": "San Francisco",
            "email": null,
            "hireable": null,
            "bio": null,
            "twitter_username": null,
            "public_repos": 8,
            "followers": 17843,
            "following": 9,
            "created_at": "2011-01-25T18:44:36Z",
            "updated_at": "2024-06-10T12:03:48Z"
        });
        // GET https://api.github.com/user/emails
        let emails = json!([
            {"email": "583231+octocat@users.noreply.github.com", "primary": false, "verified": true, "visibility": null},
            {"email": "old@example.com", "primary": false, "verified": false, "visibility": null},
            {"email": "Octocat@GitHub.com", "primary": true, "verified": true, "visibility": "private"}
        ]);
        let (email, verified) = primary_email(&emails).expect("an address");
        assert_eq!((email.as_str(), verified), ("Octocat@GitHub.com", true));
        // What the engine does with them when the profile has no address.
        let map = user.as_object_mut().expect("an object");
        map.insert("email".into(), json!(email));
        map.insert("email_verified".into(), json!(verified));
        assert_eq!(
            map_profile(&provider, &user).unwrap(),
            profile(
                "583231",
                Some("octocat"),
                Some("octocat@github.com"),
                true,
                Some("https://avatars.githubusercontent.com/u/583231?v=4"),
            )
        );

        // A public address on the profile: the name is used, the address is not verified.
        check(
            "github",
            json!({
                "login": "mona",
                "id": 1024025,
                "avatar_url": "https://avatars.githubusercontent.com/u/1024025?v=4",
                "name": "Mona Lisa",
                "email": "mona@example.com",
                "type": "User"
            }),
            profile(
                "1024025",
                Some("Mona Lisa"),
                Some("mona@example.com"),
                false,
                Some("https://avatars.githubusercontent.com/u/1024025?v=4"),
            ),
        );
    }

    #[test]
    fn github_user_emails_prefers_primary_verified_then_verified_then_primary() {
        let only_unverified_primary = json!([
            {"email": "a@example.com", "primary": false, "verified": false},
            {"email": "b@example.com", "primary": true, "verified": false}
        ]);
        assert_eq!(
            primary_email(&only_unverified_primary),
            Some(("b@example.com".into(), false))
        );
        let verified_secondary = json!([
            {"email": "b@example.com", "primary": true, "verified": false},
            {"email": "c@example.com", "primary": false, "verified": true}
        ]);
        assert_eq!(
            primary_email(&verified_secondary),
            Some(("c@example.com".into(), true))
        );
        // Bitbucket's shape is not GitHub's: nothing is taken from it.
        let bitbucket_shape = json!({"values": [
            {"email": "d@example.com", "is_primary": true, "is_confirmed": true}
        ]});
        assert_eq!(primary_email(&bitbucket_shape), None);
    }

    #[test]
    fn apple_maps_string_email_verified_and_has_its_form_post_quirks() {
        let provider = build("apple");
        assert_eq!(provider.kind(), OAuthKind::Oidc);
        assert_eq!(
            provider.issuer.as_deref(),
            Some("https://appleid.apple.com")
        );
        assert_eq!(provider.scope, "name email");
        assert!(provider.quirks.form_post);
        assert_eq!(provider.quirks.user_json_field.as_deref(), Some("user"));
        assert_eq!(provider.checks, STATE_AND_NONCE);
        assert_eq!(provider.client_auth, ClientAuth::Post);
        assert_eq!(provider.id_token_algorithms, ["RS256"]);
        // ID-token claims of a user who hid their address.
        check(
            "apple",
            json!({
                "iss": "https://appleid.apple.com",
                "aud": "com.example.web",
                "exp": 1718035200,
                "iat": 1717948800,
                "sub": "001234.5f8e3c2a9b7d4e6f8a1b2c3d4e5f6a7b.1234",
                "nonce": "3f2a1b",
                "c_hash": "Qx3Z9k2l8v0r5t7w1y4u6i",
                "email": "X7Kp2mQ9rT@privaterelay.appleid.com",
                "email_verified": "true",
                "is_private_email": "true",
                "auth_time": 1717948790,
                "nonce_supported": true
            }),
            profile(
                "001234.5f8e3c2a9b7d4e6f8a1b2c3d4e5f6a7b.1234",
                None,
                Some("x7kp2mq9rt@privaterelay.appleid.com"),
                true,
                None,
            ),
        );
        // A later sign-in with the boolean form and no address.
        check(
            "apple",
            json!({"iss": "https://appleid.apple.com", "sub": "001234.aa.1234", "email_verified": false}),
            profile("001234.aa.1234", None, None, false, None),
        );
    }

    #[test]
    fn google_maps_the_standard_claims() {
        check(
            "google",
            json!({
                "iss": "https://accounts.google.com",
                "azp": "1234987819200.apps.googleusercontent.com",
                "aud": "1234987819200.apps.googleusercontent.com",
                "sub": "110169484474386276334",
                "hd": "example.com",
                "email": "Jane.Doe@example.com",
                "email_verified": true,
                "at_hash": "HK6E_P6Dh8Y93mRNtsDB1Q",
                "nonce": "0394852-3190485-2490358",
                "name": "Jane Doe",
                "picture": "https://lh3.googleusercontent.com/a/ACg8ocJ1x=s96-c",
                "given_name": "Jane",
                "family_name": "Doe",
                "iat": 1717948800,
                "exp": 1717952400
            }),
            profile(
                "110169484474386276334",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                true,
                Some("https://lh3.googleusercontent.com/a/ACg8ocJ1x=s96-c"),
            ),
        );
    }

    #[test]
    fn twitter_maps_the_user_under_data() {
        let provider = build("twitter");
        assert!(provider.scope.contains("users.read"));
        // GET https://api.x.com/2/users/me?user.fields=profile_image_url
        check(
            "twitter",
            json!({
                "data": {
                    "id": "2244994945",
                    "name": "Developers",
                    "username": "XDevelopers",
                    "profile_image_url": "https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_normal.jpg"
                }
            }),
            profile(
                "2244994945",
                Some("Developers"),
                None,
                false,
                Some(
                    "https://pbs.twimg.com/profile_images/1683325380441128960/yRsRRjGO_normal.jpg",
                ),
            ),
        );
        // With `users.email` and `user.fields=confirmed_email`, and an empty display name.
        check(
            "twitter",
            json!({"data": {"id": "1", "name": "", "username": "jack", "confirmed_email": "Jack@X.com"}}),
            profile("1", Some("jack"), Some("jack@x.com"), false, None),
        );
    }

    #[test]
    fn facebook_maps_the_nested_picture() {
        // GET https://graph.facebook.com/me?fields=id,name,email,picture
        check(
            "facebook",
            json!({
                "id": "10158340000000001",
                "name": "Jane Doe",
                "email": "jane.doe@example.com",
                "picture": {
                    "data": {
                        "height": 50,
                        "is_silhouette": false,
                        "url": "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10158340000000001&height=50&width=50&ext=1720540800&hash=AbZ",
                        "width": 50
                    }
                }
            }),
            profile(
                "10158340000000001",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                false,
                Some(
                    "https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=10158340000000001&height=50&width=50&ext=1720540800&hash=AbZ",
                ),
            ),
        );
        // A user who signed up by phone: no address.
        check(
            "facebook",
            json!({"id": "42", "name": "No Mail", "picture": {"data": {"url": "https://example.com/p.jpg"}}}),
            profile(
                "42",
                Some("No Mail"),
                None,
                false,
                Some("https://example.com/p.jpg"),
            ),
        );
    }

    #[test]
    fn discord_maps_global_name_and_verified_but_no_avatar() {
        // GET https://discord.com/api/users/@me
        check(
            "discord",
            json!({
                "id": "80351110224678912",
                "username": "nelly",
                "discriminator": "0",
                "global_name": "Nelly",
                "avatar": "8342729096ea3675442027381ff50dfe",
                "verified": true,
                "email": "Nelly@Discord.com",
                "flags": 64,
                "banner": "06c16474723fe537c283b8efa61a30c8",
                "accent_color": 16711680,
                "premium_type": 1,
                "public_flags": 64,
                "mfa_enabled": true,
                "locale": "en-US"
            }),
            profile(
                "80351110224678912",
                Some("Nelly"),
                Some("nelly@discord.com"),
                true,
                None,
            ),
        );
        check(
            "discord",
            json!({"id": "1", "username": "old#1", "global_name": null, "avatar": null, "verified": false, "email": "x@example.com"}),
            profile("1", Some("old#1"), Some("x@example.com"), false, None),
        );
    }

    #[test]
    fn twitch_maps_its_requested_claims_and_sends_the_client_id() {
        let provider = build("twitch");
        assert_eq!(
            provider.issuer.as_deref(),
            Some("https://id.twitch.tv/oauth2")
        );
        assert_eq!(provider.client_auth, ClientAuth::Post);
        assert_eq!(
            provider.quirks.userinfo_headers,
            [("Client-Id".to_owned(), "{client_id}".to_owned())]
        );
        let claims = provider
            .authorization_params
            .iter()
            .find(|(name, _)| name == "claims")
            .map(|(_, value)| serde_json::from_str::<Value>(value).expect("JSON"))
            .expect("a claims parameter");
        for claim in ["email", "email_verified", "picture", "preferred_username"] {
            assert!(claims["id_token"].get(claim).is_some(), "{claim}");
        }
        check(
            "twitch",
            json!({
                "aud": "hof5gwx0su6owfnys0yan9c87zr6t",
                "exp": 1717952400,
                "iat": 1717948800,
                "iss": "https://id.twitch.tv/oauth2",
                "sub": "713936733",
                "azp": "hof5gwx0su6owfnys0yan9c87zr6t",
                "nonce": "n-0S6_WzA2Mj",
                "preferred_username": "TwitchDev",
                "email": "TwitchDev@example.com",
                "email_verified": true,
                "picture": "https://static-cdn.jtvnw.net/jtv_user_pictures/8a6381c7-d0c0-4576-b179-38bd5ce1d6af-profile_image-300x300.png"
            }),
            profile(
                "713936733",
                Some("TwitchDev"),
                Some("twitchdev@example.com"),
                true,
                Some(
                    "https://static-cdn.jtvnw.net/jtv_user_pictures/8a6381c7-d0c0-4576-b179-38bd5ce1d6af-profile_image-300x300.png",
                ),
            ),
        );
    }

    #[test]
    fn spotify_maps_the_first_image() {
        // GET https://api.spotify.com/v1/me
        check(
            "spotify",
            json!({
                "country": "SE",
                "display_name": "JM Wizzler",
                "email": "email@example.com",
                "explicit_content": {"filter_enabled": false, "filter_locked": false},
                "external_urls": {"spotify": "https://open.spotify.com/user/wizzler"},
                "followers": {"href": null, "total": 3829},
                "href": "https://api.spotify.com/v1/users/wizzler",
                "id": "wizzler",
                "images": [
                    {"url": "https://i.scdn.co/image/ab6775700000ee8555c25988a6ac314394d3fbf5", "height": 300, "width": 300},
                    {"url": "https://i.scdn.co/image/ab67757000003b8255c25988a6ac314394d3fbf5", "height": 64, "width": 64}
                ],
                "product": "premium",
                "type": "user",
                "uri": "spotify:user:wizzler"
            }),
            profile(
                "wizzler",
                Some("JM Wizzler"),
                Some("email@example.com"),
                false,
                Some("https://i.scdn.co/image/ab6775700000ee8555c25988a6ac314394d3fbf5"),
            ),
        );
        check(
            "spotify",
            json!({"id": "31abc", "display_name": null, "email": "a@example.com", "images": []}),
            profile("31abc", None, Some("a@example.com"), false, None),
        );
    }

    #[test]
    fn reddit_maps_id_and_name_with_basic_auth_and_a_user_agent() {
        let provider = build("reddit");
        assert_eq!(provider.client_auth, ClientAuth::Basic);
        assert_eq!(provider.scope, "identity");
        assert!(
            provider
                .quirks
                .userinfo_headers
                .iter()
                .any(|(name, value)| name == "User-Agent" && value.contains("{client_id}"))
        );
        // GET https://oauth.reddit.com/api/v1/me (abridged).
        check(
            "reddit",
            json!({
                "is_employee": false,
                "has_verified_email": true,
                "icon_img": "https://styles.redditmedia.com/t5_6f1a2/styles/profileIcon_abc.png?width=256&amp;height=256&amp;s=0a1b",
                "id": "1w72",
                "name": "spez",
                "created_utc": 1118030400.0,
                "snoovatar_img": "",
                "verified": true,
                "total_karma": 934721,
                "over_18": true
            }),
            profile("1w72", Some("spez"), None, false, None),
        );
        check(
            "reddit",
            json!({"id": "abc12", "name": "someone", "snoovatar_img": "https://i.redd.it/snoovatar/avatars/abc.png"}),
            profile(
                "abc12",
                Some("someone"),
                None,
                false,
                Some("https://i.redd.it/snoovatar/avatars/abc.png"),
            ),
        );
    }

    #[test]
    fn gitlab_maps_a_numeric_id_and_falls_back_to_the_username() {
        // GET https://gitlab.com/api/v4/user (abridged).
        check(
            "gitlab",
            json!({
                "id": 1,
                "username": "john_smith",
                "name": "John Smith",
                "state": "active",
                "locked": false,
                "avatar_url": "https://gitlab.com/uploads/-/system/user/avatar/1/avatar.png",
                "web_url": "https://gitlab.com/john_smith",
                "created_at": "2012-05-23T08:00:58Z",
                "bio": "",
                "public_email": "",
                "email": "John@Example.com",
                "confirmed_at": "2012-05-23T09:05:22Z",
                "two_factor_enabled": true
            }),
            profile(
                "1",
                Some("John Smith"),
                Some("john@example.com"),
                false,
                Some("https://gitlab.com/uploads/-/system/user/avatar/1/avatar.png"),
            ),
        );
        check(
            "gitlab",
            json!({"id": 9, "username": "jdoe", "name": "", "email": "j@example.com", "avatar_url": null}),
            profile("9", Some("jdoe"), Some("j@example.com"), false, None),
        );
    }

    #[test]
    fn zoom_maps_display_name_and_picture() {
        // GET https://api.zoom.us/v2/users/me (abridged).
        check(
            "zoom",
            json!({
                "id": "KDcuGIm1QgePTO8WbOqwIQ",
                "first_name": "Jill",
                "last_name": "Chill",
                "display_name": "Jill Chill",
                "email": "JChill@example.com",
                "type": 1,
                "role_name": "Owner",
                "pmi": 3542471135u64,
                "use_pmi": false,
                "timezone": "Asia/Shanghai",
                "verified": 1,
                "dept": "",
                "pic_url": "https://zoom.us/p/KDcuGIm1QgePTO8WbOqwIQ/photo.jpg",
                "account_id": "q6gBJVO5TzexKYTb_I2rpg",
                "language": "en-US",
                "status": "active"
            }),
            profile(
                "KDcuGIm1QgePTO8WbOqwIQ",
                Some("Jill Chill"),
                Some("jchill@example.com"),
                false,
                Some("https://zoom.us/p/KDcuGIm1QgePTO8WbOqwIQ/photo.jpg"),
            ),
        );
        assert!(build("zoom").scope.is_empty());
    }

    #[test]
    fn atlassian_maps_its_me_endpoint_and_asks_for_the_api_audience() {
        let provider = build("atlassian");
        assert!(
            provider
                .authorization_params
                .contains(&("audience".to_owned(), "api.atlassian.com".to_owned()))
        );
        check(
            "atlassian",
            json!({
                "account_type": "atlassian",
                "account_id": "112233aa-bb11-cc22-33dd-eeeeee555555",
                "email": "mia@example.com",
                "email_verified": true,
                "name": "Mia Krystof",
                "picture": "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/112233aa-bb11-cc22-33dd-eeeeee555555/1234abcd",
                "account_status": "active",
                "nickname": "mkrystof",
                "zoneinfo": "Australia/Sydney",
                "locale": "en-US",
                "extended_profile": {"job_title": "Designer", "department": "Design team"}
            }),
            profile(
                "112233aa-bb11-cc22-33dd-eeeeee555555",
                Some("Mia Krystof"),
                Some("mia@example.com"),
                true,
                Some(
                    "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/112233aa-bb11-cc22-33dd-eeeeee555555/1234abcd",
                ),
            ),
        );
    }

    #[test]
    fn bitbucket_maps_account_id_and_avatar_link() {
        assert!(build("bitbucket").quirks.emails_url.is_none());
        // GET https://api.bitbucket.org/2.0/user
        check(
            "bitbucket",
            json!({
                "display_name": "Tutorials Account",
                "links": {
                    "self": {"href": "https://api.bitbucket.org/2.0/users/%7Bc788b2da-b7a2-404c-9e26-d3f077557007%7D"},
                    "avatar": {"href": "https://secure.gravatar.com/avatar/1f7b3ec1f7f1b7d1?d=https%3A%2F%2Favatar-management--avatars.us-west-2.prod.public.atl-paas.net%2Finitials%2FTA-1.png"},
                    "html": {"href": "https://bitbucket.org/%7Bc788b2da-b7a2-404c-9e26-d3f077557007%7D/"}
                },
                "created_on": "2013-11-08T01:56:20.956Z",
                "type": "user",
                "uuid": "{c788b2da-b7a2-404c-9e26-d3f077557007}",
                "has_2fa_enabled": null,
                "username": "tutorials",
                "is_staff": false,
                "account_id": "557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443",
                "nickname": "tutorials",
                "account_status": "active",
                "location": null
            }),
            profile(
                "557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443",
                Some("Tutorials Account"),
                None,
                false,
                Some(
                    "https://secure.gravatar.com/avatar/1f7b3ec1f7f1b7d1?d=https%3A%2F%2Favatar-management--avatars.us-west-2.prod.public.atl-paas.net%2Finitials%2FTA-1.png",
                ),
            ),
        );
    }

    #[test]
    fn dropbox_maps_its_id_token_claims() {
        check(
            "dropbox",
            json!({
                "email": "Franz@Example.com",
                "email_verified": true,
                "family_name": "Ferdinand",
                "given_name": "Franz",
                "iss": "https://www.dropbox.com",
                "sub": "dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc",
                "exp": 1655080600,
                "iat": 1655077000,
                "aud": "a12fbpq596acfbc",
                "auth_time": 1655077000
            }),
            profile(
                "dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc",
                Some("Franz"),
                Some("franz@example.com"),
                true,
                None,
            ),
        );
    }

    #[test]
    fn slack_maps_its_id_token_claims() {
        check(
            "slack",
            json!({
                "iss": "https://slack.com",
                "sub": "U0R7JM",
                "aud": "25259531569.1115258246291",
                "exp": 1626874955,
                "iat": 1626874655,
                "auth_time": 1626874655,
                "nonce": "abcd",
                "at_hash": "abc",
                "https://slack.com/team_id": "T0R7GR",
                "https://slack.com/user_id": "U0R7JM",
                "email": "krane@slack-corp.com",
                "email_verified": true,
                "date_email_verified": 1622128723,
                "locale": "en-US",
                "name": "krane",
                "picture": "https://secure.gravatar.com/avatar/bc.png?s=512",
                "given_name": "",
                "family_name": "",
                "https://slack.com/team_name": "kraneflannel",
                "https://slack.com/team_domain": "kraneflannel"
            }),
            profile(
                "U0R7JM",
                Some("krane"),
                Some("krane@slack-corp.com"),
                true,
                Some("https://secure.gravatar.com/avatar/bc.png?s=512"),
            ),
        );
    }

    #[test]
    fn linkedin_maps_its_id_token_claims() {
        check(
            "linkedin",
            json!({
                "iss": "https://www.linkedin.com/oauth",
                "aud": "86j0bz1ewg6hx1",
                "iat": 1717948800,
                "exp": 1717952400,
                "sub": "782bbtaQ",
                "name": "John Doe",
                "given_name": "John",
                "family_name": "Doe",
                "picture": "https://media.licdn.com/dms/image/C5F03AQHqK8v7tB1HCQ/profile-displayphoto-shrink_100_100/0/1",
                "locale": "en-US",
                "email": "doe@email.com",
                "email_verified": true
            }),
            profile(
                "782bbtaQ",
                Some("John Doe"),
                Some("doe@email.com"),
                true,
                Some(
                    "https://media.licdn.com/dms/image/C5F03AQHqK8v7tB1HCQ/profile-displayphoto-shrink_100_100/0/1",
                ),
            ),
        );
    }

    #[test]
    fn microsoft_entra_id_trusts_only_xms_edov_for_verification() {
        let claims = json!({
            "aud": "6cb04018-a3f5-46a7-b995-940c78f5aef3",
            "iss": "https://login.microsoftonline.com/9122040d-6c67-4c5b-b112-36a304b66dad/v2.0",
            "iat": 1717948800,
            "nbf": 1717948800,
            "exp": 1717952700,
            "name": "Abe Lincoln",
            "oid": "00000000-0000-0000-66f3-3332eca7ea81",
            "preferred_username": "AbeLi@microsoft.com",
            "email": "AbeLi@Microsoft.com",
            "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
            "tid": "9122040d-6c67-4c5b-b112-36a304b66dad",
            "ver": "2.0"
        });
        check(
            "microsoft-entra-id",
            claims.clone(),
            profile(
                "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
                Some("Abe Lincoln"),
                Some("abeli@microsoft.com"),
                false,
                None,
            ),
        );
        let mut with_edov = claims;
        with_edov["xms_edov"] = json!(true);
        check(
            "microsoft-entra-id",
            with_edov,
            profile(
                "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
                Some("Abe Lincoln"),
                Some("abeli@microsoft.com"),
                true,
                None,
            ),
        );
    }

    #[test]
    fn azure_ad_b2c_maps_the_emails_array() {
        assert_eq!(build("azure-ad-b2c").scope, "openid");
        check(
            "azure-ad-b2c",
            json!({
                "exp": 1717952400,
                "nbf": 1717948800,
                "ver": "1.0",
                "iss": "https://contoso.b2clogin.com/tfp/775527ff-9a37-4307-8b3d-cc311f58d925/b2c_1_signupsignin1/v2.0/",
                "sub": "44c0e9f7-9d2b-4a9d-9bfe-2f6d3f0b8f11",
                "aud": "90c0fe63-bcf2-44d5-8fb7-b8bbc0b29dc6",
                "nonce": "defaultNonce",
                "iat": 1717948800,
                "auth_time": 1717948800,
                "oid": "44c0e9f7-9d2b-4a9d-9bfe-2f6d3f0b8f11",
                "name": "Jane Doe",
                "emails": ["Jane@Contoso.com"],
                "tfp": "B2C_1_signupsignin1"
            }),
            profile(
                "44c0e9f7-9d2b-4a9d-9bfe-2f6d3f0b8f11",
                Some("Jane Doe"),
                Some("jane@contoso.com"),
                false,
                None,
            ),
        );
    }

    #[test]
    fn cognito_falls_back_to_the_cognito_username() {
        check(
            "cognito",
            json!({
                "sub": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "cognito:groups": ["admin"],
                "email_verified": true,
                "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example",
                "cognito:username": "janedoe",
                "origin_jti": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "aud": "xxxxxxxxxxxxexample",
                "event_id": "64f513be-32db-42b0-b78e-b02127b4f463",
                "token_use": "id",
                "auth_time": 1676312777,
                "exp": 1676316377,
                "iat": 1676312777,
                "jti": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "email": "janedoe@example.com"
            }),
            profile(
                "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                Some("janedoe"),
                Some("janedoe@example.com"),
                true,
                None,
            ),
        );
    }

    #[test]
    fn issuer_presets_map_the_standard_claims() {
        // Auth0
        check(
            "auth0",
            json!({
                "given_name": "Jane",
                "family_name": "Doe",
                "nickname": "jane.doe",
                "name": "Jane Doe",
                "picture": "https://s.gravatar.com/avatar/5b7b1e1a.png",
                "updated_at": "2024-06-09T16:00:00.000Z",
                "email": "jane.doe@example.com",
                "email_verified": true,
                "iss": "https://dev-abc123.us.auth0.com/",
                "aud": "my-client",
                "iat": 1717948800,
                "exp": 1717984800,
                "sub": "auth0|64f1c2e3a4b5c6d7e8f90123",
                "sid": "x",
                "nonce": "n"
            }),
            profile(
                "auth0|64f1c2e3a4b5c6d7e8f90123",
                Some("Jane Doe"),
                Some("jane.doe@example.com"),
                true,
                Some("https://s.gravatar.com/avatar/5b7b1e1a.png"),
            ),
        );
        // Okta
        check(
            "okta",
            json!({
                "sub": "00uid4BxXw6I6TV4m0g3",
                "name": "John Doe",
                "email": "john.doe@example.com",
                "ver": 1,
                "iss": "https://dev-123456.okta.com/oauth2/default",
                "aud": "0oa1a2b3c4d5e6f7g8h9",
                "iat": 1717948800,
                "exp": 1717952400,
                "jti": "ID.4eAWJOCMB3SX8XewDfVR",
                "amr": ["pwd"],
                "idp": "00ok1u7AsAkrwdZL3z0g3",
                "nonce": "n",
                "preferred_username": "john.doe@example.com",
                "auth_time": 1717948790,
                "at_hash": "x",
                "email_verified": true
            }),
            profile(
                "00uid4BxXw6I6TV4m0g3",
                Some("John Doe"),
                Some("john.doe@example.com"),
                true,
                None,
            ),
        );
        // Keycloak, with an unverified address.
        check(
            "keycloak",
            json!({
                "exp": 1717952400,
                "iat": 1717948800,
                "auth_time": 1717948790,
                "jti": "2f5a3c1e-0000-4a4b-9c2d-1e5f7a9b3c4d",
                "iss": "https://keycloak.example.com/realms/myrealm",
                "aud": "my-app",
                "sub": "f3b0c2a1-8d4e-4b6a-9c2d-1e5f7a9b3c4d",
                "typ": "ID",
                "azp": "my-app",
                "nonce": "n",
                "acr": "1",
                "email_verified": false,
                "name": "Ada Lovelace",
                "preferred_username": "ada",
                "given_name": "Ada",
                "family_name": "Lovelace",
                "email": "ada@example.com"
            }),
            profile(
                "f3b0c2a1-8d4e-4b6a-9c2d-1e5f7a9b3c4d",
                Some("Ada Lovelace"),
                Some("ada@example.com"),
                false,
                None,
            ),
        );
        // authentik
        check(
            "authentik",
            json!({
                "iss": "https://authentik.example.com/application/o/my-app/",
                "sub": "8d4f1c0a5b3e2f19c7a6d5e4b3c2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4",
                "aud": "my-client",
                "exp": 1717952400,
                "iat": 1717948800,
                "auth_time": 1717948790,
                "acr": "goauthentik.io/providers/oauth2/default",
                "nonce": "n",
                "email": "akadmin@example.com",
                "email_verified": true,
                "name": "authentik Default Admin",
                "given_name": "authentik Default Admin",
                "preferred_username": "akadmin",
                "nickname": "akadmin",
                "groups": ["authentik Admins"]
            }),
            profile(
                "8d4f1c0a5b3e2f19c7a6d5e4b3c2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4",
                Some("authentik Default Admin"),
                Some("akadmin@example.com"),
                true,
                None,
            ),
        );
        // ZITADEL
        check(
            "zitadel",
            json!({
                "amr": ["pwd"],
                "aud": ["170086824411201793@portal", "170086774599581953"],
                "auth_time": 1717948790,
                "azp": "170086824411201793@portal",
                "email": "road.runner@acme.caos.ch",
                "email_verified": true,
                "exp": 1717952400,
                "family_name": "Runner",
                "given_name": "Road",
                "iat": 1717948800,
                "iss": "https://my-instance.zitadel.cloud",
                "locale": "de",
                "name": "Road Runner",
                "nickname": "RR",
                "preferred_username": "road.runner@acme.caos.ch",
                "sub": "77776025198584418"
            }),
            profile(
                "77776025198584418",
                Some("Road Runner"),
                Some("road.runner@acme.caos.ch"),
                true,
                None,
            ),
        );
        // Generic OpenID Connect, a minimal token: the name from preferred_username.
        check(
            "oidc",
            json!({"iss": ISSUER, "sub": "248289761001", "preferred_username": "j.doe", "email_verified": "false"}),
            profile("248289761001", Some("j.doe"), None, false, None),
        );
    }

    #[test]
    fn a_profile_without_an_id_is_an_error() {
        let provider = build("discord");
        assert!(map_profile(&provider, &json!({"username": "x"})).is_err());
        let provider = build("twitter");
        assert!(map_profile(&provider, &json!({"id": "1"})).is_err());
    }
}

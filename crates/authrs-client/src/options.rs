//! `signIn` and `signOut` as next-auth's browser clients have them (protocol §10.2): options,
//! results, navigation and the cross-tab message.

use crate::state::BroadcastTrigger;
use crate::{AuthClient, ClientError, ErrorCode, error_code, platform};

/// What [`AuthClient::sign_in`] does besides signing in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInOptions {
    /// Where the user lands afterwards (`callbackUrl`). Default: in the browser the current
    /// page, natively the server's default (its base URL's origin).
    pub callback_url: Option<String>,
    /// Navigate to the URL the server answers with (default `true`). Only credentials and
    /// email sign-ins can stay on the page; OAuth always leaves it. Natively nothing
    /// navigates: the URL is in the response.
    pub redirect: bool,
    /// The provider's form fields: `email` for email, the credentials for credentials.
    pub fields: Vec<(String, String)>,
    /// Extra parameters of an OAuth authorization request, sent as the query string of
    /// `POST /signin/<provider>`.
    pub authorization_params: Vec<(String, String)>,
}

impl Default for SignInOptions {
    fn default() -> Self {
        Self {
            callback_url: None,
            redirect: true,
            fields: Vec::new(),
            authorization_params: Vec::new(),
        }
    }
}

impl SignInOptions {
    /// Options that stay on the page (`redirect: false`) and send `fields`.
    pub fn without_redirect<K: Into<String>, V: Into<String>>(
        fields: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            redirect: false,
            fields: fields
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            ..Self::default()
        }
    }

    /// Adds a form field.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// Sets the callback URL.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }
}

/// What a sign-in gave: next-auth's `{error, status, ok, url}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInResponse {
    /// The protocol's error code when the sign-in was refused (`CredentialsSignin`, …).
    pub error: Option<ErrorCode>,
    /// The HTTP status of the sign-in request (200 when the client went to the sign-in page).
    pub status: u16,
    /// Whether it worked.
    pub ok: bool,
    /// Where to go next; `None` on error.
    pub url: Option<String>,
}

/// What [`AuthClient::sign_out`] does besides signing out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOutOptions {
    /// Where the user lands afterwards. Default: in the browser the current page, natively
    /// the server's default.
    pub callback_url: Option<String>,
    /// Navigate to the URL the server answers with (default `true`).
    pub redirect: bool,
}

impl Default for SignOutOptions {
    fn default() -> Self {
        Self {
            callback_url: None,
            redirect: true,
        }
    }
}

impl SignOutOptions {
    /// Options that stay on the page.
    pub fn without_redirect() -> Self {
        Self {
            redirect: false,
            ..Self::default()
        }
    }
}

impl AuthClient {
    /// The URL of the built-in sign-in page, with the URL to come back to and an error to show
    /// (`SessionRequired`, …).
    pub fn sign_in_page(&self, callback_url: Option<&str>, error: Option<ErrorCode>) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if let Some(error) = error {
            query.append_pair("error", error.as_str());
        }
        if let Some(callback) = callback_url {
            query.append_pair("callbackUrl", callback);
        }
        let query = query.finish();
        match query.is_empty() {
            true => self.url("signin"),
            false => format!("{}?{query}", self.url("signin")),
        }
    }

    /// next-auth's `signIn(provider, options)`.
    ///
    /// - No provider, or one the server does not list: the built-in sign-in page, with the
    ///   callback URL.
    /// - Credentials (`POST /callback/<id>`) and email (`POST /signin/<id>`): with
    ///   `redirect: false` the result comes back with the error code of a refusal, and after a
    ///   credentials sign-in the app's other tabs are told to refetch their session.
    /// - OAuth and OIDC (`POST /signin/<id>`): the provider's authorization URL, always
    ///   navigated to.
    ///
    /// In the browser a redirect navigates (reloading when the URL has a fragment, as the
    /// JavaScript clients do). An unreachable server or a `/providers` failure is an error,
    /// and in the browser the page goes to the error page first.
    pub async fn sign_in(
        &self,
        provider: Option<&str>,
        options: SignInOptions,
    ) -> Result<SignInResponse, ClientError> {
        let callback_url = options.callback_url.clone().or_else(platform::current_href);
        let providers = match self.get_providers().await {
            Ok(providers) => providers,
            Err(error) => {
                platform::navigate(&self.url("error"));
                return Err(error);
            }
        };
        let Some(info) = provider.and_then(|id| providers.get(id)) else {
            let page = self.sign_in_page(callback_url.as_deref(), None);
            platform::navigate(&page);
            return Ok(SignInResponse {
                error: None,
                status: 200,
                ok: true,
                url: Some(page),
            });
        };
        let stays =
            !options.redirect && matches!(info.provider_type.as_str(), "credentials" | "email");
        let mut path = match info.provider_type.as_str() {
            "credentials" => format!("callback/{}", info.id),
            _ => format!("signin/{}", info.id),
        };
        if !options.authorization_params.is_empty() {
            path.push('?');
            path.push_str(
                &url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(&options.authorization_params)
                    .finish(),
            );
        }
        let mut fields: Vec<(&str, &str)> = options
            .fields
            .iter()
            .filter(|(name, _)| name != "callbackUrl")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if let Some(callback) = &callback_url {
            fields.push(("callbackUrl", callback));
        }
        let (status, returned) = self.post_form(&path, &fields).await?;
        let error = error_code(&returned);
        if !stays {
            platform::navigate(&returned);
        } else if error.is_none() && info.provider_type == "credentials" {
            // Signed in here: the other tabs refetch. (An email sign-in only sent a mail.)
            platform::broadcast(BroadcastTrigger::GetSession);
        }
        let ok = error.is_none() && (200..300).contains(&status);
        Ok(SignInResponse {
            url: error.is_none().then_some(returned),
            error,
            status,
            ok,
        })
    }

    /// next-auth's `signOut(options)`: `POST /signout`, then the app's other tabs are told,
    /// then (by default, in the browser) the page goes to the URL the server answers with,
    /// which is returned.
    pub async fn sign_out(&self, options: SignOutOptions) -> Result<String, ClientError> {
        let callback_url = options.callback_url.or_else(platform::current_href);
        let fields: Vec<(&str, &str)> = callback_url
            .as_deref()
            .map(|callback| ("callbackUrl", callback))
            .into_iter()
            .collect();
        let (_, returned) = self.post_form("signout", &fields).await?;
        platform::broadcast(BroadcastTrigger::SignOut);
        if options.redirect {
            platform::navigate(&returned);
        }
        Ok(returned)
    }
}

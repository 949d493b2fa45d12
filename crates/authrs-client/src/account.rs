//! The signed-in user's own account, through authrs's `/account/*` routes (not next-auth's:
//! a next-auth server answers these with 404): the profile, the sessions, the password, linked
//! accounts, and deleting the account. Each call is what the built-in account page does.

use serde::Deserialize;

use crate::{AuthClient, ClientError, status_error};

/// The signed-in user as the account routes show them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct AccountUser {
    /// The user id.
    pub id: String,
    /// The display name.
    pub name: Option<String>,
    /// The address.
    pub email: Option<String>,
    /// When the address was proven (ISO 8601), if it was.
    #[serde(rename = "emailVerified")]
    pub email_verified: Option<String>,
    /// The picture URL.
    pub image: Option<String>,
}

/// A provider account linked to the user.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct LinkedAccount {
    /// The provider id (`github`, `oidc`, …).
    pub provider: String,
    /// `oauth`, `oidc`, `email` or `credentials`.
    #[serde(rename = "type")]
    pub provider_type: String,
}

/// `GET /account/profile`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct AccountProfile {
    /// The user.
    pub user: AccountUser,
    /// Whether the account has a password.
    #[serde(rename = "hasPassword")]
    pub has_password: bool,
    /// The linked provider accounts.
    pub accounts: Vec<LinkedAccount>,
}

/// One of the user's sessions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct AccountSession {
    /// What [`AuthClient::revoke_session`] takes.
    pub id: String,
    /// Whether it is this client's.
    pub current: bool,
    /// The browser's `User-Agent` when it started (cut to 256 bytes).
    #[serde(rename = "userAgent")]
    pub user_agent: Option<String>,
    /// The browser that agent names, when known (`Firefox`).
    pub browser: Option<String>,
    /// The system that agent names, when known (`Linux`).
    pub system: Option<String>,
    /// The client's network when it started (`203.0.113.0/24`), never its address.
    pub network: Option<String>,
    /// When it started (ISO 8601), for sessions that recorded it.
    pub created: Option<String>,
    /// When it was last used, to within the session's `updateAge`.
    #[serde(rename = "lastActive")]
    pub last_active: String,
    /// When it expires unless used.
    pub expires: String,
}

/// `GET /account/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct AccountSessions {
    /// `database` (sessions are listed), or `jwt` (they are not: end them all with
    /// [`AuthClient::sign_out_everywhere`]).
    pub strategy: String,
    /// The sessions that have not expired, this client's first.
    pub sessions: Vec<AccountSession>,
}

/// One of the user's security events (sign-ins, failed attempts, password changes, …).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct AccountEvent {
    /// What happened: `sign_in`, `sign_in_failed`, `sign_out`, `password_changed`, … (the
    /// server README lists them; new kinds may be added).
    pub kind: String,
    /// When (ISO 8601).
    pub at: String,
    /// The provider involved (`email-password`, `github`, …).
    pub provider: Option<String>,
    /// A word more: the error code of a failure.
    pub detail: Option<String>,
    /// The client's network (`203.0.113.0/24`), never its address.
    pub network: Option<String>,
    /// The client's `User-Agent` (cut to 256 bytes).
    #[serde(rename = "userAgent")]
    pub user_agent: Option<String>,
    /// The browser that agent names, when known.
    pub browser: Option<String>,
    /// The system that agent names, when known.
    pub system: Option<String>,
}

/// `GET /account/events`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct AccountEvents {
    /// Whether the server stores events (`[audit] store`); when not, the list is empty.
    pub stored: bool,
    /// The latest events first, at most 100.
    pub events: Vec<AccountEvent>,
}

/// A second factor: a code from the user's authenticator app, or one of their recovery codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecondFactor<'a> {
    /// The six digits the app shows.
    Code(&'a str),
    /// A recovery code (works once).
    RecoveryCode(&'a str),
}

/// A TOTP secret offered by [`AuthClient::two_factor_setup`], until a code confirms it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TwoFactorOffer {
    /// The key, in base 32 (groups of four), for typing into an authenticator app.
    pub secret: String,
    /// The `otpauth://` URL a QR code carries.
    #[serde(rename = "otpauthUrl")]
    pub otpauth_url: String,
    /// What [`AuthClient::two_factor_enable`] takes back (sealed; five minutes).
    pub offer: String,
}

#[derive(Deserialize)]
struct RecoveryCodes {
    #[serde(rename = "recoveryCodes")]
    recovery_codes: Vec<String>,
}

/// What proves it is the user before two-step sign-in is turned off or recovery codes are
/// made again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TwoFactorProof<'a> {
    /// A current code from the authenticator app.
    Code(&'a str),
    /// The account's password.
    Password(&'a str),
}

impl TwoFactorProof<'_> {
    fn field(self) -> (&'static str, String) {
        match self {
            Self::Code(code) => ("code", code.to_owned()),
            Self::Password(password) => ("password", password.to_owned()),
        }
    }
}

/// What proves it is the user before the account is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeletionProof<'a> {
    /// The account's password.
    Password(&'a str),
    /// The code [`AuthClient::request_deletion_code`] mailed.
    Code(&'a str),
}

impl AuthClient {
    async fn get_typed<T: for<'de> Deserialize<'de>>(&self, path: &str) -> Result<T, ClientError> {
        let url = self.url(path);
        let (status, _, body) = self.send(self.http.get(&url), &url, None).await?;
        if status == 401 {
            return Err(ClientError::Auth {
                code: crate::ErrorCode::SessionRequired,
                url,
            });
        }
        if status >= 400 {
            return Err(status_error(&url, status, &body));
        }
        serde_json::from_str(&body).map_err(|e| ClientError::InvalidResponse {
            url,
            reason: format!("not the expected JSON: {e}"),
        })
    }

    /// The signed-in user's profile and linked accounts (`GET /account/profile`). Not signed
    /// in: `ClientError::Auth` with `SessionRequired`.
    pub async fn account_profile(&self) -> Result<AccountProfile, ClientError> {
        self.get_typed("account/profile").await
    }

    /// The signed-in user's sessions (`GET /account/sessions`).
    pub async fn account_sessions(&self) -> Result<AccountSessions, ClientError> {
        self.get_typed("account/sessions").await
    }

    /// The signed-in user's recent security events, the latest first (`GET /account/events`).
    pub async fn account_events(&self) -> Result<AccountEvents, ClientError> {
        self.get_typed("account/events").await
    }

    /// Sets the name and picture (`POST /account/profile`); `None` clears one. A refused
    /// value is `ClientError::Auth` with `InvalidProfile` (a name over 100 characters, a
    /// picture that is not an `https://` URL).
    pub async fn update_profile(
        &self,
        name: Option<&str>,
        image: Option<&str>,
    ) -> Result<(), ClientError> {
        let fields = [
            ("name", name.unwrap_or_default()),
            ("image", image.unwrap_or_default()),
        ];
        self.post_action("account/profile", &fields).await.map(drop)
    }

    /// Ends one of the user's sessions by its [`AccountSession::id`]
    /// (`POST /account/revoke-session`). Not theirs, or ended: `UnknownSession`.
    pub async fn revoke_session(&self, id: &str) -> Result<(), ClientError> {
        self.post_action("account/revoke-session", &[("session", id)])
            .await
            .map(drop)
    }

    /// Ends every session of the user but this client's
    /// (`POST /account/revoke-other-sessions`).
    pub async fn revoke_other_sessions(&self) -> Result<(), ClientError> {
        self.post_action("account/revoke-other-sessions", &[])
            .await
            .map(drop)
    }

    /// Ends every session of the user, this one too (`POST /account/signout-everywhere`).
    pub async fn sign_out_everywhere(&self) -> Result<(), ClientError> {
        self.post_action("account/signout-everywhere", &[])
            .await
            .map(drop)
    }

    /// Changes the password (`POST /account/change-password`), which signs out every
    /// session. A wrong current password is `CredentialsSignin`; too many, `RateLimited`.
    pub async fn change_password(&self, current: &str, new: &str) -> Result<(), ClientError> {
        let fields = [("currentPassword", current), ("newPassword", new)];
        self.post_action("account/change-password", &fields)
            .await
            .map(drop)
    }

    /// Unlinks the user's account at `provider` (`POST /account/unlink`), unless it is their
    /// last way to sign in (`LastSignInMethod`).
    pub async fn unlink_account(&self, provider: &str) -> Result<(), ClientError> {
        self.post_action("account/unlink", &[("provider", provider)])
            .await
            .map(drop)
    }

    /// Mails the user a code that confirms deleting the account
    /// (`POST /account/delete-request`), for accounts without a password.
    pub async fn request_deletion_code(&self) -> Result<(), ClientError> {
        self.post_action("account/delete-request", &[])
            .await
            .map(drop)
    }

    /// Deletes the user's account with their sessions, linked accounts and password
    /// (`POST /account/delete`). A wrong password is `CredentialsSignin`, a wrong code
    /// `Verification`.
    pub async fn delete_account(&self, proof: DeletionProof<'_>) -> Result<(), ClientError> {
        let field = match proof {
            DeletionProof::Password(password) => ("password", password),
            DeletionProof::Code(code) => ("code", code),
        };
        self.post_action("account/delete", &[field]).await.map(drop)
    }

    /// Posts a form (fresh CSRF token, `json=true`) and reads the JSON body `T`; a refusal
    /// (a URL with `?error=`) is `ClientError::Auth`.
    async fn post_typed<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<T, ClientError> {
        let csrf = self.get_csrf_token().await?;
        let url = self.url(path);
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.extend_from_slice(&[("csrfToken", &csrf), ("json", "true")]);
        let (status, _, body) = self
            .send(self.http.post(&url).form(&form), &url, None)
            .await?;
        let value: serde_json::Value =
            serde_json::from_str(&body).map_err(|e| ClientError::InvalidResponse {
                url: url.clone(),
                reason: format!("not JSON: {e}"),
            })?;
        if let Some(returned) = value.get("url").and_then(serde_json::Value::as_str)
            && let Some(code) = crate::error_code(returned)
        {
            return Err(ClientError::Auth {
                code,
                url: returned.to_owned(),
            });
        }
        if status >= 400 {
            return Err(status_error(&url, status, &body));
        }
        serde_json::from_value(value).map_err(|e| ClientError::InvalidResponse {
            url,
            reason: format!("not the expected JSON: {e}"),
        })
    }

    /// The second step of a sign-in that answered `TwoFactorRequired`
    /// (`POST /two-factor`, from the same client: its cookie holds the first step). Returns
    /// the URL to go to; a wrong code is `CredentialsSignin`, too many `RateLimited`, a first
    /// step that expired (five minutes) `SessionRequired`.
    pub async fn sign_in_second_step(
        &self,
        factor: SecondFactor<'_>,
        remember_device: bool,
    ) -> Result<String, ClientError> {
        let mut fields = vec![match factor {
            SecondFactor::Code(code) => ("code", code),
            SecondFactor::RecoveryCode(code) => ("recoveryCode", code),
        }];
        if remember_device {
            fields.push(("remember", "on"));
        }
        self.post_action("two-factor", &fields).await
    }

    /// Starts turning two-step sign-in on (`POST /account/two-factor-setup`); `password` is
    /// needed for accounts that have one. Nothing is stored until
    /// [`Self::two_factor_enable`] confirms a code.
    pub async fn two_factor_setup(
        &self,
        password: Option<&str>,
    ) -> Result<TwoFactorOffer, ClientError> {
        let fields: Vec<(&str, &str)> = password.map(|p| ("password", p)).into_iter().collect();
        self.post_typed("account/two-factor-setup", &fields).await
    }

    /// Turns two-step sign-in on with the first code of the offered secret
    /// (`POST /account/two-factor-enable`); returns the ten recovery codes, shown this once.
    pub async fn two_factor_enable(
        &self,
        offer: &TwoFactorOffer,
        code: &str,
    ) -> Result<Vec<String>, ClientError> {
        let fields = [("offer", offer.offer.as_str()), ("code", code)];
        let codes: RecoveryCodes = self
            .post_typed("account/two-factor-enable", &fields)
            .await?;
        Ok(codes.recovery_codes)
    }

    /// Turns two-step sign-in off after a fresh proof (`POST /account/two-factor-disable`).
    pub async fn two_factor_disable(&self, proof: TwoFactorProof<'_>) -> Result<(), ClientError> {
        let (name, value) = proof.field();
        self.post_action("account/two-factor-disable", &[(name, &value)])
            .await
            .map(drop)
    }

    /// Ten new recovery codes after a fresh proof (`POST /account/two-factor-recovery-codes`);
    /// the old ones stop working.
    pub async fn two_factor_recovery_codes(
        &self,
        proof: TwoFactorProof<'_>,
    ) -> Result<Vec<String>, ClientError> {
        let (name, value) = proof.field();
        let codes: RecoveryCodes = self
            .post_typed("account/two-factor-recovery-codes", &[(name, &value)])
            .await?;
        Ok(codes.recovery_codes)
    }
}

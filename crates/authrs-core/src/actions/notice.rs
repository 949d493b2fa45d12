//! Notices to a user of a change to how their account signs in (two-step sign-in changed, a
//! passkey added): a mail with no code and nothing that expires, whose link opens the account
//! page, so someone holding a stolen session cannot make the change unnoticed.

use std::sync::Arc;

use super::Ctx;
use crate::adapter::{Adapter, Timestamp};
use crate::providers::{EmailDetails, EmailPurpose, EmailTemplate, EmailTransport};

/// Mails `user_id` the notice `purpose`, when the account has an address and the site sends
/// mail: through the email-and-password accounts' transport, or else the email provider's.
/// The mail goes in the background; a failure is logged.
pub(crate) async fn send(
    ctx: &Ctx<'_>,
    adapter: &dyn Adapter,
    user_id: &str,
    purpose: EmailPurpose,
) {
    let Some((transport, template)) = mail_route(ctx) else {
        return;
    };
    let email = match adapter.get_user(user_id).await {
        Ok(Some(user)) => user.email,
        _ => None,
    };
    let Some(email) = email else {
        return;
    };
    let inner = Arc::clone(ctx.inner);
    // The request's language, without remembering a `?lang=` (that is the page's to do).
    let cookie = ctx.cookies.get(&ctx.inner.cookie_names.lang);
    let (messages, _) = (ctx.inner.catalog).for_request(None, cookie.as_deref(), ctx.headers);
    let language = messages.language_index();
    let background = ctx.inner.background.clone();
    let url = format!("{}/account", ctx.inner.base_url);
    let now = Timestamp::from_millis(ctx.now_ms);
    let task: crate::background::Task = Box::pin(async move {
        let details = EmailDetails {
            purpose,
            site: inner.origin.host(),
            url: &url,
            code: None,
            valid_for: std::time::Duration::ZERO,
            brand_color: crate::pages::brand_color(&inner.theme),
            messages: inner.catalog.get(language),
        };
        let message =
            crate::providers::email::render_message(template.as_ref(), &details, &email, now);
        let sent = transport.send(&message).await;
        crate::telemetry::mail(purpose, sent.is_ok());
        if let Err(error) = sent {
            let error = error.to_string();
            tracing::warn!(
                error = error.as_str(),
                purpose = purpose.as_str(),
                "a notice mail was not sent"
            );
        }
    });
    crate::background::run(background.as_deref(), task).await;
}

/// The transport and template notices go through, if the site sends mail.
fn mail_route(ctx: &Ctx<'_>) -> Option<(Arc<dyn EmailTransport>, Arc<dyn EmailTemplate>)> {
    #[cfg(feature = "password")]
    if let Some(accounts) = &ctx.inner.accounts
        && let Some(transport) = &accounts.options.transport
    {
        let template: Arc<dyn EmailTemplate> = (accounts.options.template.clone())
            .unwrap_or_else(|| Arc::new(crate::providers::DefaultEmailTemplate::default()));
        return Some((Arc::clone(transport), template));
    }
    let (provider, _) = ctx.inner.email_provider()?;
    Some((
        Arc::clone(&provider.transport),
        Arc::clone(&provider.template),
    ))
}

//! Passkeys on the built-in pages: the sign-in page's "Sign in with a passkey" (and the
//! browser's autofill, conditional UI), a new account with a passkey, and the account page's
//! "Add a passkey". One small script, inline and allowed by its hash in the page's CSP, does
//! the ceremonies through `navigator.credentials` with the same requests next-auth v5's
//! `signIn("passkey")` makes, so every client gets passkeys through `signIn()` to the
//! built-in page. The parts that need the script are `hidden` until it runs; the rest of the
//! page works without JavaScript.

use std::sync::LazyLock;

use base64::Engine as _;
use maud::{Markup, PreEscaped, html};
use sha2::{Digest as _, Sha256};

use crate::i18n::Messages;

/// The script. It reads its settings from `#authrs-passkey`'s data attributes, so its text
/// (and hash) never changes.
const SCRIPT: &str = r#"(() => {
  const root = document.getElementById("authrs-passkey");
  if (!root || !window.PublicKeyCredential || !window.fetch) return;
  const d = root.dataset;
  for (const part of document.querySelectorAll("[data-passkey]")) part.hidden = false;
  const enc = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const dec = (text) => Uint8Array.from(
    atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4)),
    (c) => c.charCodeAt(0));
  const ids = (list) => (list || []).map((c) => ({ ...c, id: dec(c.id) }));
  const text = (buf) => new TextDecoder().decode(buf);
  let running = null;
  const failed = (error) => {
    if (error && error.name === "AbortError") return;
    const note = document.getElementById("authrs-passkey-failed");
    if (note) note.hidden = false;
  };
  const options = async (query) => {
    const answer = await fetch(d.base + "/webauthn-options/" + d.provider + "?" +
      new URLSearchParams(query), { credentials: "same-origin" });
    if (!answer.ok) throw new Error("options: " + answer.status);
    return (await answer.json()).options;
  };
  const finish = async (action, data) => {
    const answer = await fetch(d.base + "/callback/" + d.provider, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded",
                 "X-Auth-Return-Redirect": "1" },
      body: new URLSearchParams({ action, data: JSON.stringify(data),
                                  csrfToken: d.csrf, callbackUrl: d.callback }),
    });
    window.location.href = (await answer.json()).url;
  };
  const common = (c) => ({
    id: c.id, rawId: enc(c.rawId), type: c.type,
    clientExtensionResults: c.getClientExtensionResults(),
    authenticatorAttachment: c.authenticatorAttachment || undefined,
  });
  const signIn = async (mediation) => {
    if (running) running.abort();
    const controller = running = new AbortController();
    const o = await options({ action: "authenticate" });
    const c = await navigator.credentials.get({ mediation, signal: controller.signal,
      publicKey: { ...o, challenge: dec(o.challenge), allowCredentials: ids(o.allowCredentials) } });
    const r = c.response;
    await finish("authenticate", { ...common(c), response: {
      clientDataJSON: enc(r.clientDataJSON), authenticatorData: enc(r.authenticatorData),
      signature: enc(r.signature), userHandle: r.userHandle ? text(r.userHandle) : undefined } });
  };
  const register = async (query) => {
    if (running) running.abort();
    running = null;
    const o = await options(query);
    const c = await navigator.credentials.create({ publicKey: { ...o,
      challenge: dec(o.challenge), user: { ...o.user, id: new TextEncoder().encode(o.user.id) },
      excludeCredentials: ids(o.excludeCredentials) } });
    const r = c.response;
    await finish("register", { ...common(c), response: {
      clientDataJSON: enc(r.clientDataJSON), attestationObject: enc(r.attestationObject),
      transports: r.getTransports ? r.getTransports() : [] } });
  };
  for (const button of document.querySelectorAll("button[data-passkey=authenticate]"))
    button.addEventListener("click", () => signIn("optional").catch(failed));
  for (const button of document.querySelectorAll("button[data-passkey=register]"))
    button.addEventListener("click", () => register({ action: "register" }).catch(failed));
  for (const form of document.querySelectorAll("form[data-passkey=sign-up]"))
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      register({ action: "register", email: form.elements.email.value,
                 name: form.elements.name ? form.elements.name.value : "" }).catch(failed);
    });
  if (d.conditional && PublicKeyCredential.isConditionalMediationAvailable)
    PublicKeyCredential.isConditionalMediationAvailable()
      .then((yes) => yes && signIn("conditional"))
      .catch(() => {});
})();"#;

/// The page's `Content-Security-Policy` when it carries the script: the built-in pages' own,
/// plus the script's hash and requests to this origin.
pub(crate) static CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(SCRIPT));
    format!(
        "default-src 'none'; script-src 'sha256-{hash}'; connect-src 'self'; \
         style-src 'unsafe-inline'; img-src https: http: data:; frame-ancestors 'none'; \
         base-uri 'none'"
    )
});

/// Where the script sends its requests, and what it sends with them.
pub(crate) struct ScriptSettings<'a> {
    pub(crate) base_url: &'a str,
    pub(crate) provider: &'a str,
    pub(crate) csrf_token: &'a str,
    pub(crate) callback_url: &'a str,
    /// Offer passkeys in the browser's autofill of the address field (the sign-in page).
    pub(crate) conditional: bool,
}

/// The script and its settings.
pub(crate) fn script(settings: &ScriptSettings<'_>) -> Markup {
    html! {
        div id="authrs-passkey" hidden
            data-base=(settings.base_url)
            data-provider=(settings.provider)
            data-csrf=(settings.csrf_token)
            data-callback=(settings.callback_url)
            data-conditional=[settings.conditional.then_some("1")] {}
        script { (PreEscaped(SCRIPT)) }
    }
}

/// The note the script shows when a ceremony fails in the browser (cancelled, no passkey).
pub(crate) fn failed_note(m: Messages<'_>) -> Markup {
    html! {
        div.error id="authrs-passkey-failed" role="alert" hidden { (m.text("passkey-failed")) }
    }
}

/// The sign-in page's passkey part: the button, and a new account with a passkey when
/// sign-up is open.
pub(crate) fn sign_in_part(m: Messages<'_>, sign_up: bool) -> Markup {
    html! {
        div.provider data-passkey="" hidden {
            (failed_note(m))
            button type="button" data-passkey="authenticate" hidden {
                (m.text("passkey-sign-in"))
            }
            @if sign_up {
                details.extra data-passkey="" hidden {
                    summary { (m.text("passkey-sign-up-summary")) }
                    form data-passkey="sign-up" hidden {
                        label for="passkey-name" { (m.text("field-name")) }
                        input id="passkey-name" type="text" name="name" autocomplete="name";
                        label for="passkey-email" { (m.text("field-email")) }
                        input id="passkey-email" type="email" name="email" autocomplete="email" required;
                        p.muted { (m.text("passkey-sign-up-explain")) }
                        button type="submit" { (m.text("passkey-sign-up-button")) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csp_allows_exactly_this_script() {
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(SCRIPT));
        assert!(CSP.contains(&format!("script-src 'sha256-{hash}'")));
        assert!(CSP.starts_with("default-src 'none';"));
        // Its settings come from attributes: nothing in it is per request.
        assert!(!SCRIPT.contains("{{") && !SCRIPT.contains("</script"));
    }
}

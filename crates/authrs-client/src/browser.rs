//! The browser's side of the client (`wasm32` only): the page's URL, navigation, and the
//! `nextauth.message` storage event that keeps an app's tabs in step (protocol §10.4).
//!
//! Tabs running next-auth's v3/v4 JavaScript clients write and read the same key in the same
//! format, so Rust and JavaScript tabs of one app hear each other.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::state::{BROADCAST_KEY, BroadcastTrigger, decode_message, encode_message};

/// The page's URL (`location.href`), or `None` outside a window (a worker).
pub fn current_href() -> Option<String> {
    web_sys::window()?.location().href().ok()
}

/// Goes to `url`, reloading when it only changes the fragment (as the JavaScript clients do,
/// so a sign-out that returns to `/#top` still shows the signed-out page). Only an absolute
/// `http(s)` URL is followed: a `javascript:` or `data:` URL from a misbehaving server is
/// dropped with a console warning, never run.
pub fn navigate(url: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if !url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
        web_sys::console::warn_1(&format!("authrs: not navigating to {url:?}").into());
        return;
    }
    let location = window.location();
    if location.set_href(url).is_ok() && url.contains('#') {
        let _ = location.reload();
    }
}

/// Whether the browser thinks it is online (`navigator.onLine`).
pub fn is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Whether the page is visible (`document.visibilityState`).
pub fn is_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// Tells the app's other tabs that the session changed. Storage that is full or forbidden
/// (private modes) makes this a no-op, as in next-auth.
pub fn broadcast(trigger: BroadcastTrigger) {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let now = (js_sys::Date::now() / 1000.0) as u64;
    let mut message = encode_message(trigger, now);
    // A write that leaves the value as it was fires no event: the same message twice in one
    // second (two tabs, or two changes) would be lost. The timestamp is read by nobody, so
    // the second one is stamped a second later.
    if storage.get_item(BROADCAST_KEY).ok().flatten().as_deref() == Some(message.as_str()) {
        message = encode_message(trigger, now + 1);
    }
    let _ = storage.set_item(BROADCAST_KEY, &message);
}

/// An event listener of this module; it stops listening when dropped.
pub struct Listener {
    target: web_sys::EventTarget,
    event: &'static str,
    callback: Closure<dyn FnMut(web_sys::Event)>,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Listener")
            .field("event", &self.event)
            .finish_non_exhaustive()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(
            self.event,
            self.callback.as_ref().unchecked_ref(),
        );
    }
}

fn listen(
    target: web_sys::EventTarget,
    event: &'static str,
    callback: impl FnMut(web_sys::Event) + 'static,
) -> Option<Listener> {
    let callback = Closure::<dyn FnMut(web_sys::Event)>::new(callback);
    target
        .add_event_listener_with_callback(event, callback.as_ref().unchecked_ref())
        .ok()?;
    Some(Listener {
        target,
        event,
        callback,
    })
}

/// Calls `on_message` for each session message another tab writes (a tab never hears its
/// own). Anything else in storage is ignored. `None` outside a window.
pub fn on_message(mut on_message: impl FnMut(BroadcastTrigger) + 'static) -> Option<Listener> {
    let window = web_sys::window()?;
    listen(window.into(), "storage", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::StorageEvent>() else {
            return;
        };
        if event.key().as_deref() != Some(BROADCAST_KEY) {
            return;
        }
        if let Some(trigger) = event.new_value().as_deref().and_then(decode_message) {
            on_message(trigger);
        }
    })
}

/// Calls `on_visible` each time the page becomes visible (`visibilitychange` on the
/// document, where next-auth listens). `None` outside a window.
pub fn on_visible(mut on_visible: impl FnMut() + 'static) -> Option<Listener> {
    let document = web_sys::window()?.document()?;
    listen(document.into(), "visibilitychange", move |_| {
        if is_visible() {
            on_visible();
        }
    })
}

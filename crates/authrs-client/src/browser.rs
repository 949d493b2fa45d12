//! The browser's side of the client (`wasm32` only): the page's URL, navigation, and the
//! messages that keep an app's tabs in step (protocol §10.4): the `nextauth.message` storage
//! event of next-auth v3/v4 and the `next-auth` broadcast channel of v5.
//!
//! Tabs running next-auth's JavaScript clients write and read the same messages in the same
//! formats, so Rust and JavaScript tabs of one app hear each other, whatever the generation.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::state::{
    BROADCAST_CHANNEL, BROADCAST_KEY, BroadcastTrigger, decode_channel_message, decode_message,
    encode_channel_message, encode_message,
};

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
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let now = (js_sys::Date::now() / 1000.0) as u64;
        let mut message = encode_message(trigger, now);
        // A write that leaves the value as it was fires no event: the same message twice in
        // one second (two tabs, or two changes) would be lost. The timestamp is read by
        // nobody, so the second one is stamped a second later.
        if storage.get_item(BROADCAST_KEY).ok().flatten().as_deref() == Some(message.as_str()) {
            message = encode_message(trigger, now + 1);
        }
        let _ = storage.set_item(BROADCAST_KEY, &message);
    }
    // For v5 tabs. Closing right away is safe: a posted message is already on its way.
    if let Ok(channel) = web_sys::BroadcastChannel::new(BROADCAST_CHANNEL) {
        if let Ok(message) = js_sys::JSON::parse(&encode_channel_message(trigger)) {
            let _ = channel.post_message(&message);
        }
        channel.close();
    }
}

type Registration = (
    web_sys::EventTarget,
    &'static str,
    Closure<dyn FnMut(web_sys::Event)>,
);

/// Event listeners of this module; they stop listening when this is dropped.
pub struct Listener {
    registrations: Vec<Registration>,
    channel: Option<web_sys::BroadcastChannel>,
}

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let events: Vec<&str> = self.registrations.iter().map(|(_, e, _)| *e).collect();
        f.debug_struct("Listener")
            .field("events", &events)
            .finish_non_exhaustive()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        for (target, event, callback) in &self.registrations {
            let _ = target
                .remove_event_listener_with_callback(event, callback.as_ref().unchecked_ref());
        }
        if let Some(channel) = &self.channel {
            channel.close();
        }
    }
}

impl Listener {
    fn add(
        &mut self,
        target: web_sys::EventTarget,
        event: &'static str,
        callback: impl FnMut(web_sys::Event) + 'static,
    ) -> bool {
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(callback);
        let added = target
            .add_event_listener_with_callback(event, callback.as_ref().unchecked_ref())
            .is_ok();
        if added {
            self.registrations.push((target, event, callback));
        }
        added
    }
}

fn listen(
    target: web_sys::EventTarget,
    event: &'static str,
    callback: impl FnMut(web_sys::Event) + 'static,
) -> Option<Listener> {
    let mut listener = Listener {
        registrations: Vec::new(),
        channel: None,
    };
    listener.add(target, event, callback).then_some(listener)
}

/// Calls `on_message` for each session message another tab sends (a tab never hears its
/// own): on the storage key from Rust and next-auth v3/v4 tabs, on the channel from v5 tabs.
/// Anything else is ignored. `None` outside a window.
pub fn on_message(on_message: impl FnMut(BroadcastTrigger) + 'static) -> Option<Listener> {
    let on_message = Rc::new(RefCell::new(on_message));
    let window = web_sys::window()?;
    let from_storage = Rc::clone(&on_message);
    let mut listener = listen(window.into(), "storage", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::StorageEvent>() else {
            return;
        };
        if event.key().as_deref() != Some(BROADCAST_KEY) {
            return;
        }
        if let Some(trigger) = event.new_value().as_deref().and_then(decode_message) {
            (from_storage.borrow_mut())(trigger);
        }
    })?;
    if let Ok(channel) = web_sys::BroadcastChannel::new(BROADCAST_CHANNEL) {
        let added = listener.add(channel.clone().into(), "message", move |event| {
            let Some(event) = event.dyn_ref::<web_sys::MessageEvent>() else {
                return;
            };
            let Some(json) = js_sys::JSON::stringify(&event.data())
                .ok()
                .and_then(|json| json.as_string())
            else {
                return;
            };
            if let Some(trigger) = decode_channel_message(&json) {
                (on_message.borrow_mut())(trigger);
            }
        });
        if added {
            listener.channel = Some(channel);
        } else {
            channel.close();
        }
    }
    Some(listener)
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
